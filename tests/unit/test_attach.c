/*
 * Unit tests for bidding/attach.c: which files a notice may carry
 * (입찰공고 첨부파일). A file is accepted only when its extension is on
 * the list and its first bytes are that format's; the content type it
 * is served with comes from the extension. Text (.txt, .csv) must be
 * UTF-8 without NUL bytes; anything else in it (HTML, scripts) is still
 * text and is served as text/plain or text/csv, never as markup.
 *
 * Every file is handed over in a buffer of exactly its length, so
 * AddressSanitizer catches a magic-byte check reading past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define CT_PDF		"application/pdf"
#define CT_HWP		"application/x-hwp"
#define CT_DOC		"application/msword"
#define CT_XLS		"application/vnd.ms-excel"
#define CT_PPT		"application/vnd.ms-powerpoint"
#define CT_HWPX		"application/hwp+zip"
#define CT_DOCX		"application/vnd.openxmlformats-officedocument." \
			"wordprocessingml.document"
#define CT_XLSX		"application/vnd.openxmlformats-officedocument." \
			"spreadsheetml.sheet"
#define CT_PPTX		"application/vnd.openxmlformats-officedocument." \
			"presentationml.presentation"
#define CT_ZIP		"application/zip"
#define CT_PNG		"image/png"
#define CT_JPEG		"image/jpeg"
#define CT_TXT		"text/plain; charset=utf-8"
#define CT_CSV		"text/csv; charset=utf-8"

/* The first bytes of real files of each format. */
#define PDF_HEAD	"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
/* OLE2 compound file (HWP 5, Office 97-2003), header start. */
#define OLE_HEAD	"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0\0\0\0\0\0\0" \
			"\0\0\0\0\0\0\0\0\x3e\0\x03\0\xfe\xff\x09\0"
/* ZIP local file header (HWPX, OOXML, zip). */
#define ZIP_HEAD	"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0"
#define PNG_HEAD	"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10" \
			"\x08\x06\0\0\0"
#define JFIF_HEAD	"\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
#define EXIF_HEAD	"\xff\xd8\xff\xe1\x1c\x45" "Exif\0\0MM\0*"
/* A Windows executable (DOS stub), an ELF binary. */
#define EXE_HEAD	"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0"
#define ELF_HEAD	"\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0"

/* ---------------------------------------------------------------------
 * Helpers
 */

/* attach_check on a copy of n bytes with nothing after them. */
static int
check_n(const char *name, const void *data, size_t n, const char **ctype)
{
	unsigned char	*p;
	int		 rc;

	p = malloc(n > 0 ? n : 1);
	assert_non_null(p);
	memcpy(p, data, n);
	/* A stale value must not survive a refusal. */
	*ctype = "stale";
	rc = attach_check(name, p, n, ctype);
	free(p);
	return (rc);
}

static void
accepted_n(const char *name, const void *data, size_t n, const char *want)
{
	const char	*ctype;
	int		 rc;

	if ((rc = check_n(name, data, n, &ctype)) != ATTACH_OK)
		fail_msg("\"%s\" refused: %s", name, attach_reason(rc));
	assert_non_null(ctype);
	assert_string_equal(ctype, want);
}

/* data is a string literal: its length without the final NUL. */
#define accepted(name, data, want) \
	accepted_n((name), (data), sizeof(data) - 1, (want))

static void
refused_n(const char *name, const void *data, size_t n, int want)
{
	const char	*ctype;
	int		 rc;

	rc = check_n(name, data, n, &ctype);
	if (rc != want)
		fail_msg("\"%s\": got %s, want %s", name, attach_reason(rc),
		    attach_reason(want));
	assert_null(ctype);
}

#define refused(name, data, want) \
	refused_n((name), (data), sizeof(data) - 1, (want))

/* ---------------------------------------------------------------------
 * Accepted types
 */

static void
test_accepts_every_type_with_its_header(void **state)
{
	(void)state;
	accepted("공고문.pdf", PDF_HEAD, CT_PDF);
	accepted("과업지시서.hwp", OLE_HEAD, CT_HWP);
	accepted("규격서.doc", OLE_HEAD, CT_DOC);
	accepted("내역서.xls", OLE_HEAD, CT_XLS);
	accepted("설명회.ppt", OLE_HEAD, CT_PPT);
	accepted("과업지시서.hwpx", ZIP_HEAD, CT_HWPX);
	accepted("규격서.docx", ZIP_HEAD, CT_DOCX);
	accepted("내역서.xlsx", ZIP_HEAD, CT_XLSX);
	accepted("설명회.pptx", ZIP_HEAD, CT_PPTX);
	accepted("도면.zip", ZIP_HEAD, CT_ZIP);
	accepted("현장사진.png", PNG_HEAD, CT_PNG);
	accepted("현장사진.jpg", JFIF_HEAD, CT_JPEG);
	accepted("현장사진.jpeg", EXIF_HEAD, CT_JPEG);
	accepted("안내.txt", "입찰 참가 자격: 중소기업\n", CT_TXT);
	accepted("물품목록.csv", "품목,수량,단가\r\n복합기,3,1200000\r\n",
	    CT_CSV);
}

/* The magic bytes alone are enough; one byte fewer is not. */
static void
test_minimal_headers(void **state)
{
	(void)state;
	accepted("a.pdf", "%PDF-", CT_PDF);
	refused("a.pdf", "%PDF", ATTACH_MISMATCH);
	accepted("a.hwp", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", CT_HWP);
	refused("a.hwp", "\xd0\xcf\x11\xe0\xa1\xb1\x1a", ATTACH_MISMATCH);
	accepted("a.docx", "PK\x03\x04", CT_DOCX);
	refused("a.docx", "PK\x03", ATTACH_MISMATCH);
	accepted("a.png", "\x89PNG\r\n\x1a\n", CT_PNG);
	refused("a.png", "\x89PNG\r\n\x1a", ATTACH_MISMATCH);
	accepted("a.jpg", "\xff\xd8\xff", CT_JPEG);
	refused("a.jpg", "\xff\xd8", ATTACH_MISMATCH);
	accepted("a.txt", "x", CT_TXT);
	refused("a.pdf", "%", ATTACH_MISMATCH);
}

static void
test_extensions_are_case_insensitive(void **state)
{
	(void)state;
	accepted("공고문.PDF", PDF_HEAD, CT_PDF);
	accepted("공고문.Pdf", PDF_HEAD, CT_PDF);
	accepted("SCAN0001.JPG", JFIF_HEAD, CT_JPEG);
	accepted("IMG_2026.JPEG", EXIF_HEAD, CT_JPEG);
	accepted("규격서.DOCX", ZIP_HEAD, CT_DOCX);
	accepted("과업.HWP", OLE_HEAD, CT_HWP);
	accepted("과업.HwpX", ZIP_HEAD, CT_HWPX);
	accepted("README.TXT", "text", CT_TXT);
	accepted("DATA.CSV", "a,b", CT_CSV);
	/* Case does not let a wrong content through. */
	refused("공고문.PDF", ZIP_HEAD, ATTACH_MISMATCH);
}

/* Only the last extension counts, and dots elsewhere are fine. */
static void
test_last_extension_counts(void **state)
{
	(void)state;
	accepted("2026.03.02 공고문 v1.2.pdf", PDF_HEAD, CT_PDF);
	accepted("invoice.exe.pdf", PDF_HEAD, CT_PDF);
	accepted("a..pdf", PDF_HEAD, CT_PDF);
	refused("공고문.pdf.exe", EXE_HEAD, ATTACH_BAD_TYPE);
	refused("공고문.pdf.exe", PDF_HEAD, ATTACH_BAD_TYPE);
	refused("도면.tar.gz", "\x1f\x8b\x08\0", ATTACH_BAD_TYPE);
}

static void
test_content_type_comes_from_extension(void **state)
{
	const char	*ctype;

	(void)state;
	/* The same ZIP bytes are served as what the name says. */
	assert_int_equal(check_n("a.docx", ZIP_HEAD, sizeof(ZIP_HEAD) - 1,
	    &ctype), ATTACH_OK);
	assert_string_equal(ctype, CT_DOCX);
	assert_int_equal(check_n("a.xlsx", ZIP_HEAD, sizeof(ZIP_HEAD) - 1,
	    &ctype), ATTACH_OK);
	assert_string_equal(ctype, CT_XLSX);
	assert_int_equal(check_n("a.pptx", ZIP_HEAD, sizeof(ZIP_HEAD) - 1,
	    &ctype), ATTACH_OK);
	assert_string_equal(ctype, CT_PPTX);
	assert_int_equal(check_n("a.hwpx", ZIP_HEAD, sizeof(ZIP_HEAD) - 1,
	    &ctype), ATTACH_OK);
	assert_string_equal(ctype, CT_HWPX);
	assert_int_equal(check_n("a.zip", ZIP_HEAD, sizeof(ZIP_HEAD) - 1,
	    &ctype), ATTACH_OK);
	assert_string_equal(ctype, CT_ZIP);
	/* Text is served with its charset, so a browser never guesses. */
	assert_int_equal(check_n("a.txt", "abc", 3, &ctype), ATTACH_OK);
	assert_string_equal(ctype, CT_TXT);
	assert_int_equal(check_n("a.csv", "abc", 3, &ctype), ATTACH_OK);
	assert_string_equal(ctype, CT_CSV);
}

/* ---------------------------------------------------------------------
 * Refusals
 */

static void
test_refuses_content_that_does_not_match(void **state)
{
	(void)state;
	/* A ZIP named .pdf, an executable named .hwp or .pdf. */
	refused("공고문.pdf", ZIP_HEAD, ATTACH_MISMATCH);
	refused("과업지시서.hwp", EXE_HEAD, ATTACH_MISMATCH);
	refused("공고문.pdf", EXE_HEAD, ATTACH_MISMATCH);
	refused("도면.zip", EXE_HEAD, ATTACH_MISMATCH);
	refused("규격서.docx", ELF_HEAD, ATTACH_MISMATCH);
	/* The other family of the same program. */
	refused("규격서.docx", OLE_HEAD, ATTACH_MISMATCH);
	refused("규격서.doc", ZIP_HEAD, ATTACH_MISMATCH);
	refused("과업.hwp", ZIP_HEAD, ATTACH_MISMATCH);
	refused("과업.hwpx", OLE_HEAD, ATTACH_MISMATCH);
	/* Images of the other kind, or markup named as an image. */
	refused("사진.png", JFIF_HEAD, ATTACH_MISMATCH);
	refused("사진.jpg", PNG_HEAD, ATTACH_MISMATCH);
	refused("사진.png", "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "onload=\"alert(1)\"/>", ATTACH_MISMATCH);
	refused("사진.jpg", "GIF89a\x01\0\x01\0", ATTACH_MISMATCH);
	/* HTML or a script named .pdf. */
	refused("공고문.pdf", "<html><script>alert(1)</script></html>",
	    ATTACH_MISMATCH);
	/* The magic bytes must be first: nothing may precede them. */
	refused("공고문.pdf", " %PDF-1.7\n", ATTACH_MISMATCH);
	refused("공고문.pdf", "\xef\xbb\xbf%PDF-1.7\n", ATTACH_MISMATCH);
	refused("a.zip", "xPK\x03\x04", ATTACH_MISMATCH);
	/* Case matters in magic bytes. */
	refused("공고문.pdf", "%pdf-1.7\n", ATTACH_MISMATCH);
}

/*
 * The rule for text: UTF-8 without NUL. HTML or a script renamed .txt is
 * still text and is accepted, served as text/plain; a binary or text in
 * another encoding is not.
 */
static void
test_text_must_be_utf8_without_nul(void **state)
{
	(void)state;
	accepted("page.txt", "<html><script>alert(1)</script></html>\n",
	    CT_TXT);
	accepted("data.csv", "=HYPERLINK(\"http://x\"),1\r\n", CT_CSV);
	/* A UTF-8 BOM, as Excel writes CSV for Korean. */
	accepted("물품.csv", "\xef\xbb\xbf품목,수량\r\n복합기,3\r\n", CT_CSV);
	accepted("tabs.txt", "a\tb\r\nc\x0c\n", CT_TXT);
	accepted("emoji.txt", "완료 \xf0\x9f\x93\xa6", CT_TXT);

	/* EUC-KR (CP949), as older Excel saves CSV: not UTF-8. */
	refused("물품.csv", "\xc7\xb0\xb8\xf1,\xbc\xf6\xb7\xae\r\n",
	    ATTACH_MISMATCH);
	/* UTF-16 with its BOM: NUL bytes. */
	refused("notes.txt", "\xff\xfe" "a\0b\0", ATTACH_MISMATCH);
	refused("notes.txt", "abc\0def", ATTACH_MISMATCH);
	refused("notes.txt", "\0", ATTACH_MISMATCH);
	/* Binaries renamed .txt. */
	refused("run.txt", EXE_HEAD, ATTACH_MISMATCH);
	refused("photo.txt", PNG_HEAD, ATTACH_MISMATCH);
	refused("doc.csv", ZIP_HEAD, ATTACH_MISMATCH);
	/* Broken UTF-8: a character cut at the end, an overlong '/'. */
	refused("cut.txt", "공고\xeb\xac", ATTACH_MISMATCH);
	refused("over.txt", "a\xc0\xaf" "b", ATTACH_MISMATCH);
	refused("sur.txt", "\xed\xa0\x80", ATTACH_MISMATCH);
	refused("latin1.txt", "caf\xe9", ATTACH_MISMATCH);
}

static void
test_refuses_unknown_extensions(void **state)
{
	static const char *names[] = {
		"setup.exe", "공고문.html", "공고문.htm", "logo.svg", "app.js",
		"run.bat", "run.cmd", "run.sh", "index.php", "page.jsp",
		"x.xhtml", "doc.xml", "a.gif", "a.bmp", "a.rtf", "a.7z",
		"a.rar", "a.hwt", "a.docm", "a.xlsm", "a.pdfx", "a.pd",
		"a.p", "a.mht", "a.jar", "a.msi", "a.dll", "a.scr",
		/* No extension, a trailing dot, spaces after it. */
		"pdf", "공고문", "공고문.", "공고문.pdf.", "공고문.pdf ",
		"a. pdf", "a.pdf\xe3\x80\x80",
	};
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(names); i++) {
		/* Whatever the content, even a valid PDF. */
		refused(names[i], PDF_HEAD, ATTACH_BAD_TYPE);
		refused(names[i], "plain text", ATTACH_BAD_TYPE);
	}
}

static void
test_refuses_bad_names(void **state)
{
	static const char *names[] = {
		/* Hidden files, or nothing before the extension. */
		".pdf", ".htaccess", "..pdf", ".공고문.pdf", "..",
		/* Paths: the name must be a base name already. */
		"a/b.pdf", "/etc/passwd.pdf", "../공고문.pdf", "a\\b.pdf",
		"C:\\Users\\kim\\공고문.pdf", "docs/",
		/* Control characters and DEL. */
		"a\x01.pdf", "a\t.pdf", "a\n.pdf", "a\r\n.pdf", "\x1b[31m.pdf",
		"a\x7f.pdf",
		/* Invalid UTF-8. */
		"\xff.pdf", "a\xc0\xaf.pdf", "\xea\xb3.pdf",
		"\xed\xa0\x80.pdf",
		"",
	};
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(names); i++)
		refused(names[i], PDF_HEAD, ATTACH_BAD_NAME);
}

static void
test_name_length_limit(void **state)
{
	char	name[256];

	(void)state;
	/* 200 bytes accepted, 201 refused. */
	memset(name, 'a', 196);
	strcpy(name + 196, ".pdf");
	assert_int_equal(strlen(name), 200);
	accepted(name, PDF_HEAD, CT_PDF);
	memmove(name + 1, name, strlen(name) + 1);
	refused(name, PDF_HEAD, ATTACH_BAD_NAME);

	/* Bytes, not characters: 66 x "가" and ".pdf" are 202 bytes. */
	memset(name, 0, sizeof(name));
	while (strlen(name) < 198)
		strcat(name, "가");
	strcat(name, ".pdf");
	assert_int_equal(strlen(name), 202);
	refused(name, PDF_HEAD, ATTACH_BAD_NAME);
	/* 65 x "가" and ".pdf", 199 bytes: fine. */
	name[192] = '\0';
	strcat(name, "가.pdf");
	assert_int_equal(strlen(name), 199);
	accepted(name, PDF_HEAD, CT_PDF);
}

static void
test_empty_file(void **state)
{
	static const char	*names[] = { "공고문.pdf", "a.txt", "a.zip" };
	size_t			 i;

	(void)state;
	for (i = 0; i < NELEM(names); i++)
		refused_n(names[i], "", 0, ATTACH_EMPTY);
}

static void
test_size_limit(void **state)
{
	unsigned char	*big;
	const char	*ctype;

	(void)state;
	assert_int_equal(ATTACH_MAX_BYTES, 10 * 1024 * 1024);
	big = calloc(1, ATTACH_MAX_BYTES + 1);
	assert_non_null(big);

	/* Exactly 10 MB: accepted. */
	memcpy(big, "%PDF-1.7\n", 9);
	ctype = NULL;
	assert_int_equal(attach_check("설계도면.pdf", big, ATTACH_MAX_BYTES,
	    &ctype), ATTACH_OK);
	assert_string_equal(ctype, CT_PDF);
	memcpy(big, "PK\x03\x04", 4);
	assert_int_equal(attach_check("도면.zip", big, ATTACH_MAX_BYTES,
	    &ctype), ATTACH_OK);
	assert_string_equal(ctype, CT_ZIP);

	/* One byte more: refused, whatever the type. */
	memcpy(big, "%PDF-1.7\n", 9);
	ctype = "stale";
	assert_int_equal(attach_check("설계도면.pdf", big,
	    ATTACH_MAX_BYTES + 1, &ctype), ATTACH_TOO_BIG);
	assert_null(ctype);
	memcpy(big, "PK\x03\x04", 4);
	assert_int_equal(attach_check("도면.zip", big, ATTACH_MAX_BYTES + 1,
	    &ctype), ATTACH_TOO_BIG);
	assert_null(ctype);

	/* A 10 MB text file is checked through to its last byte. */
	memset(big, 'a', ATTACH_MAX_BYTES);
	assert_int_equal(attach_check("log.txt", big, ATTACH_MAX_BYTES,
	    &ctype), ATTACH_OK);
	assert_string_equal(ctype, CT_TXT);
	big[ATTACH_MAX_BYTES - 1] = '\0';
	assert_int_equal(attach_check("log.txt", big, ATTACH_MAX_BYTES,
	    &ctype), ATTACH_MISMATCH);
	assert_null(ctype);
	big[ATTACH_MAX_BYTES - 1] = 0xff;
	assert_int_equal(attach_check("log.txt", big, ATTACH_MAX_BYTES,
	    &ctype), ATTACH_MISMATCH);
	free(big);
}

static void
test_reason_strings(void **state)
{
	(void)state;
	/* Message keys "err.attach_<reason>". */
	assert_string_equal(attach_reason(ATTACH_EMPTY), "empty");
	assert_string_equal(attach_reason(ATTACH_TOO_BIG), "too_big");
	assert_string_equal(attach_reason(ATTACH_BAD_NAME), "bad_name");
	assert_string_equal(attach_reason(ATTACH_BAD_TYPE), "bad_type");
	assert_string_equal(attach_reason(ATTACH_MISMATCH), "mismatch");
	assert_string_equal(attach_reason(ATTACH_OK), "ok");
	/* The codes are distinct. */
	assert_int_not_equal(ATTACH_EMPTY, ATTACH_TOO_BIG);
	assert_int_not_equal(ATTACH_BAD_NAME, ATTACH_BAD_TYPE);
	assert_int_not_equal(ATTACH_BAD_TYPE, ATTACH_MISMATCH);
	assert_int_not_equal(ATTACH_OK, ATTACH_EMPTY);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts_every_type_with_its_header),
		cmocka_unit_test(test_minimal_headers),
		cmocka_unit_test(test_extensions_are_case_insensitive),
		cmocka_unit_test(test_last_extension_counts),
		cmocka_unit_test(test_content_type_comes_from_extension),
		cmocka_unit_test(test_refuses_content_that_does_not_match),
		cmocka_unit_test(test_text_must_be_utf8_without_nul),
		cmocka_unit_test(test_refuses_unknown_extensions),
		cmocka_unit_test(test_refuses_bad_names),
		cmocka_unit_test(test_name_length_limit),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_reason_strings),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
