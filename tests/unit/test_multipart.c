/*
 * Unit tests for portal/multipart.c: the boundary of a Content-Type
 * header and multipart/form-data bodies (RFC 7578, RFC 2046 5.1) as
 * browsers send them for notice attachments.
 *
 * Bodies are written out the way Chromium sends them (boundary
 * ----WebKitFormBoundary..., CRLF line ends, raw UTF-8 in names and
 * filenames, Content-Type on file parts, an empty file input sent as
 * filename="" with no content). Every body is handed to the parser in a
 * buffer of exactly its length, so AddressSanitizer catches any read
 * past the end. Every refused body carries valid parts before the bad
 * one, and the outputs are checked to be empty afterwards: a handler
 * must never see half a form.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "multipart.h"
#include "strbuf.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Chromium's boundary: "----WebKitFormBoundary" and 16 random chars. */
#define B		"----WebKitFormBoundaryAbC123"
#define CTYPE		"multipart/form-data; boundary=" B
#define DELIM		"--" B "\r\n"
#define CLOSE		"--" B "--\r\n"

/* A PDF as small as a browser could send. */
static const char pdf_bytes[] =
	"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
	"%%EOF\n";

/*
 * A notice form posted by Chromium: the CSRF token, a Korean title, an
 * empty note, the notice PDF and a second file input left empty.
 */
static const char chromium_body[] =
	DELIM
	"Content-Disposition: form-data; name=\"csrf\"\r\n"
	"\r\n"
	"3q2-7w_Xk9Zt0aQ\r\n"
	DELIM
	"Content-Disposition: form-data; name=\"title\"\r\n"
	"\r\n"
	"2026년 정보시스템 유지관리 용역 (긴급)\r\n"
	DELIM
	"Content-Disposition: form-data; name=\"note\"\r\n"
	"\r\n"
	"\r\n"
	DELIM
	"Content-Disposition: form-data; name=\"file\"; "
	"filename=\"공고문.pdf\"\r\n"
	"Content-Type: application/pdf\r\n"
	"\r\n"
	"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
	"%%EOF\n"
	"\r\n"
	DELIM
	"Content-Disposition: form-data; name=\"spec\"; filename=\"\"\r\n"
	"Content-Type: application/octet-stream\r\n"
	"\r\n"
	"\r\n"
	CLOSE;

/* ---------------------------------------------------------------------
 * Helpers
 */

/* A malloc'd copy of n bytes with nothing after them (for ASan). */
static unsigned char *
dup_exact(const void *s, size_t n)
{
	unsigned char	*p;

	p = malloc(n > 0 ? n : 1);
	assert_non_null(p);
	memcpy(p, s, n);
	return (p);
}

/* One parse: the body copy must outlive the file slices pointing into it. */
struct mp {
	unsigned char	*body;
	size_t		 len;
	struct form	 form;
	struct mp_files	 files;
};

static int
mp_parse_n(struct mp *m, const void *s, size_t n, const char *boundary)
{
	m->body = dup_exact(s, n);
	m->len = n;
	form_init(&m->form);
	/* Garbage, so that a parser forgetting to reset it is caught. */
	memset(&m->files, 0x5a, sizeof(m->files));
	return (multipart_parse(m->body, n, boundary, &m->form, &m->files));
}

static int
mp_parse(struct mp *m, const char *s)
{
	return (mp_parse_n(m, s, strlen(s), B));
}

static void
mp_done(struct mp *m)
{
	form_cleanup(&m->form);
	free(m->body);
}

/* A file slice must lie inside the body it was parsed from. */
static void
assert_file(const struct mp *m, size_t i, const char *field,
    const char *filename, const void *data, size_t len)
{
	const struct mp_file	*f;

	assert_true(i < m->files.n);
	f = &m->files.f[i];
	assert_string_equal(f->field, field);
	assert_string_equal(f->filename, filename);
	assert_int_equal(f->len, len);
	assert_true(f->data >= m->body && f->data + f->len <= m->body + m->len);
	assert_memory_equal(f->data, data, len);
}

/* n bytes of s must be refused with both outputs left empty. */
static void
assert_refused_n(const void *s, size_t n, const char *boundary)
{
	struct mp	m;

	if (mp_parse_n(&m, s, n, boundary) != -1)
		fail_msg("accepted body:\n%.*s", (int)n, (const char *)s);
	assert_int_equal(m.form.n, 0);
	assert_null(m.form.fields);
	assert_null(form_get(&m.form, "csrf"));
	assert_int_equal(m.files.n, 0);
	mp_done(&m);
}

static void
assert_refused(const struct strbuf *sb)
{
	assert_refused_n(sb->data, sb->len, B);
}

static void
add_text(struct strbuf *sb, const char *name, const char *value)
{
	strbuf_appendf(sb, "--%s\r\nContent-Disposition: form-data; "
	    "name=\"%s\"\r\n\r\n", B, name);
	strbuf_appendstr(sb, value);
	strbuf_appendstr(sb, "\r\n");
}

static void
add_file(struct strbuf *sb, const char *name, const char *filename,
    const char *ctype, const void *data, size_t len)
{
	strbuf_appendf(sb, "--%s\r\nContent-Disposition: form-data; "
	    "name=\"%s\"; filename=\"%s\"\r\nContent-Type: %s\r\n\r\n", B,
	    name, filename, ctype);
	strbuf_append(sb, data, len);
	strbuf_appendstr(sb, "\r\n");
}

/* A part with the given header lines (each ending in CRLF). */
static void
add_part(struct strbuf *sb, const char *hdrs, const void *data, size_t len)
{
	strbuf_appendf(sb, "--%s\r\n", B);
	strbuf_appendstr(sb, hdrs);
	strbuf_appendstr(sb, "\r\n");
	strbuf_append(sb, data, len);
	strbuf_appendstr(sb, "\r\n");
}

static void
add_close(struct strbuf *sb)
{
	strbuf_appendf(sb, "--%s--\r\n", B);
}

/* Take the close delimiter off again, to add more parts. */
static void
drop_close(struct strbuf *sb)
{
	assert_true(sb->len >= strlen(CLOSE));
	sb->len -= strlen(CLOSE);
	assert_string_equal(sb->data + sb->len, CLOSE);
	sb->data[sb->len] = '\0';
}

/* The valid parts that go before a bad one. */
static void
add_good_start(struct strbuf *sb)
{
	add_text(sb, "csrf", "3q2-7w_Xk9Zt0aQ");
	add_file(sb, "file", "공고문.pdf", "application/pdf", pdf_bytes,
	    sizeof(pdf_bytes) - 1);
}

/* Good parts, then one part with hdrs and data, then the close. */
static void
assert_part_refused(const char *hdrs, const void *data, size_t len)
{
	struct strbuf	sb;

	strbuf_init(&sb);
	add_good_start(&sb);
	add_part(&sb, hdrs, data, len);
	add_text(&sb, "after", "1");
	add_close(&sb);
	assert_refused(&sb);
	strbuf_cleanup(&sb);
}

/* The same with the part first: nothing valid before it. */
static void
assert_part_refused_alone(const char *hdrs, const void *data, size_t len)
{
	struct strbuf	sb;

	strbuf_init(&sb);
	add_part(&sb, hdrs, data, len);
	add_close(&sb);
	assert_refused(&sb);
	strbuf_cleanup(&sb);
}

/* Good parts, then a file part named filename: must be refused. */
static void
assert_filename_refused(const char *filename)
{
	struct strbuf	sb;

	strbuf_init(&sb);
	add_good_start(&sb);
	add_file(&sb, "spec", filename, "application/pdf", pdf_bytes,
	    sizeof(pdf_bytes) - 1);
	add_close(&sb);
	assert_refused(&sb);
	strbuf_cleanup(&sb);
}

/* A single file part named filename: its cleaned name is returned. */
static void
assert_filename_becomes(const char *filename, const char *expect)
{
	struct strbuf	sb;
	struct mp	m;

	strbuf_init(&sb);
	add_file(&sb, "file", filename, "application/pdf", pdf_bytes,
	    sizeof(pdf_bytes) - 1);
	add_close(&sb);
	if (mp_parse_n(&m, sb.data, sb.len, B) != 0)
		fail_msg("refused filename \"%s\"", filename);
	assert_int_equal(m.files.n, 1);
	assert_file(&m, 0, "file", expect, pdf_bytes, sizeof(pdf_bytes) - 1);
	mp_done(&m);
	strbuf_cleanup(&sb);
}

/* ---------------------------------------------------------------------
 * multipart_boundary
 */

static void
boundary_is(const char *ctype, const char *expect)
{
	char	out[80];

	memset(out, 'Z', sizeof(out));
	if (multipart_boundary(ctype, out, sizeof(out)) != 0)
		fail_msg("refused Content-Type: %s", ctype);
	assert_string_equal(out, expect);
}

static void
boundary_refused(const char *ctype)
{
	char	out[80];

	if (multipart_boundary(ctype, out, sizeof(out)) != -1)
		fail_msg("accepted Content-Type: %s", ctype ? ctype : "NULL");
}

static void
test_boundary_from_browser_headers(void **state)
{
	(void)state;
	/* Chromium and Safari. */
	boundary_is(CTYPE, B);
	boundary_is("multipart/form-data; "
	    "boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
	    "----WebKitFormBoundary7MA4YWxkTrZu0gW");
	/* Firefox, old and new. */
	boundary_is("multipart/form-data; boundary=---------------------------"
	    "9051914041544843365972754266",
	    "---------------------------9051914041544843365972754266");
	boundary_is("multipart/form-data; boundary=----geckoformboundary"
	    "8f2c6a1d0e7b4c3a9f5e2d1c0b9a8f7e",
	    "----geckoformboundary8f2c6a1d0e7b4c3a9f5e2d1c0b9a8f7e");
	/* Scripts (curl, fetch with FormData) write it in other cases. */
	boundary_is("Multipart/Form-Data; Boundary=abc", "abc");
	boundary_is("MULTIPART/FORM-DATA;BOUNDARY=xyz", "xyz");
}

static void
test_boundary_quoted(void **state)
{
	(void)state;
	/* RFC 2046's own example: quoted, with a space inside. */
	boundary_is("multipart/form-data; boundary=\"simple boundary\"",
	    "simple boundary");
	boundary_is("multipart/form-data; boundary=\"" B "\"", B);
	boundary_is("multipart/form-data; boundary=\"a=b:c\"; charset=UTF-8",
	    "a=b:c");
	boundary_refused("multipart/form-data; boundary=\"unterminated");
	boundary_refused("multipart/form-data; boundary=\"\"");
}

static void
test_boundary_with_other_params_and_spaces(void **state)
{
	(void)state;
	boundary_is("multipart/form-data; boundary=abc; charset=UTF-8", "abc");
	boundary_is("multipart/form-data; boundary=abc ; charset=UTF-8",
	    "abc");
	boundary_is("multipart/form-data; boundary=abc   ", "abc");
	boundary_is("multipart/form-data; boundary=abc\t", "abc");
	boundary_is("multipart/form-data; charset=UTF-8; boundary=abc", "abc");
	boundary_is("multipart/form-data;   \tboundary=abc", "abc");
	boundary_is("multipart/form-data; xboundary=no; boundary=yes", "yes");
}

static void
test_boundary_refuses_other_content_types(void **state)
{
	(void)state;
	boundary_refused(NULL);
	boundary_refused("");
	boundary_refused("application/x-www-form-urlencoded");
	boundary_refused("application/x-www-form-urlencoded; boundary=abc");
	boundary_refused("text/plain; boundary=abc");
	boundary_refused("multipart/mixed; boundary=abc");
	boundary_refused("multipart/related; boundary=abc");
	boundary_refused("application/json");
}

static void
test_boundary_refuses_missing_or_empty(void **state)
{
	(void)state;
	boundary_refused("multipart/form-data");
	boundary_refused("multipart/form-data;");
	boundary_refused("multipart/form-data; ");
	boundary_refused("multipart/form-data; charset=UTF-8");
	boundary_refused("multipart/form-data; boundary=");
	boundary_refused("multipart/form-data; boundary=; charset=UTF-8");
	boundary_refused("multipart/form-data; boundary= abc");
	boundary_refused("multipart/form-data; xboundary=abc");
	boundary_refused("multipart/form-data; boundary");
}

static void
test_boundary_length_limit(void **state)
{
	char	ctype[160], want[80], out[80];

	(void)state;
	/* 70 characters is the most RFC 2046 allows. */
	memset(want, 'a', 70);
	want[70] = '\0';
	snprintf(ctype, sizeof(ctype), "multipart/form-data; boundary=%s",
	    want);
	boundary_is(ctype, want);
	snprintf(ctype, sizeof(ctype), "multipart/form-data; boundary=\"%s\"",
	    want);
	boundary_is(ctype, want);

	snprintf(ctype, sizeof(ctype), "multipart/form-data; boundary=%sa",
	    want);
	boundary_refused(ctype);
	snprintf(ctype, sizeof(ctype),
	    "multipart/form-data; boundary=\"%sa\"", want);
	boundary_refused(ctype);

	/* The output buffer must hold the boundary and its NUL. */
	assert_int_equal(multipart_boundary("multipart/form-data; "
	    "boundary=abcd", out, 5), 0);
	assert_string_equal(out, "abcd");
	assert_int_equal(multipart_boundary("multipart/form-data; "
	    "boundary=abcd", out, 4), -1);
}

static void
test_boundary_refuses_control_and_non_ascii(void **state)
{
	(void)state;
	boundary_refused("multipart/form-data; boundary=\"ab\x01" "cd\"");
	boundary_refused("multipart/form-data; boundary=ab\x7f" "cd");
	boundary_refused("multipart/form-data; boundary=\"a\r\nb\"");
	boundary_refused("multipart/form-data; boundary=경계");
	boundary_refused("multipart/form-data; boundary=ab\"cd");
}

/* ---------------------------------------------------------------------
 * Bodies browsers send
 */

static void
test_parses_chromium_body(void **state)
{
	struct mp	 m;
	char		 boundary[80];

	(void)state;
	assert_int_equal(multipart_boundary(CTYPE, boundary,
	    sizeof(boundary)), 0);
	assert_int_equal(mp_parse_n(&m, chromium_body,
	    sizeof(chromium_body) - 1, boundary), 0);

	assert_int_equal(m.form.n, 3);
	assert_string_equal(form_get(&m.form, "csrf"), "3q2-7w_Xk9Zt0aQ");
	assert_string_equal(form_get(&m.form, "title"),
	    "2026년 정보시스템 유지관리 용역 (긴급)");
	assert_string_equal(form_get(&m.form, "note"), "");
	/* File parts are not text fields, even with their field name. */
	assert_null(form_get(&m.form, "file"));
	assert_null(form_get(&m.form, "spec"));

	/* The empty "spec" input is skipped; the PDF is kept exactly. */
	assert_int_equal(m.files.n, 1);
	assert_file(&m, 0, "file", "공고문.pdf", pdf_bytes,
	    sizeof(pdf_bytes) - 1);
	mp_done(&m);
}

/* The same form with its parts in another order gives the same result. */
static void
test_file_before_text_fields(void **state)
{
	struct strbuf	sb;
	struct mp	m;

	(void)state;
	strbuf_init(&sb);
	add_file(&sb, "file", "공고문.pdf", "application/pdf", pdf_bytes,
	    sizeof(pdf_bytes) - 1);
	add_text(&sb, "csrf", "tok");
	add_file(&sb, "file2", "규격서.hwp", "application/x-hwp", "\xd0\xcf", 2);
	add_text(&sb, "title", "물품 구매");
	add_close(&sb);
	assert_int_equal(mp_parse_n(&m, sb.data, sb.len, B), 0);
	assert_int_equal(m.form.n, 2);
	assert_string_equal(form_get(&m.form, "csrf"), "tok");
	assert_string_equal(form_get(&m.form, "title"), "물품 구매");
	assert_int_equal(m.files.n, 2);
	assert_file(&m, 0, "file", "공고문.pdf", pdf_bytes,
	    sizeof(pdf_bytes) - 1);
	assert_file(&m, 1, "file2", "규격서.hwp", "\xd0\xcf", 2);
	mp_done(&m);
	strbuf_cleanup(&sb);
}

/* <input type=file multiple>: one part per file, same field name. */
static void
test_multiple_files_in_one_input(void **state)
{
	struct strbuf	sb;
	struct mp	m;

	(void)state;
	strbuf_init(&sb);
	add_text(&sb, "csrf", "tok");
	add_file(&sb, "files", "공고문.pdf", "application/pdf", "%PDF-1", 6);
	add_file(&sb, "files", "내역서.xlsx",
	    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	    "PK\x03\x04", 4);
	add_file(&sb, "files", "도면.zip", "application/zip", "PK\x03\x04x", 5);
	add_close(&sb);
	assert_int_equal(mp_parse_n(&m, sb.data, sb.len, B), 0);
	assert_int_equal(m.files.n, 3);
	assert_file(&m, 0, "files", "공고문.pdf", "%PDF-1", 6);
	assert_file(&m, 1, "files", "내역서.xlsx", "PK\x03\x04", 4);
	assert_file(&m, 2, "files", "도면.zip", "PK\x03\x04x", 5);
	mp_done(&m);
	strbuf_cleanup(&sb);
}

static void
test_korean_and_repeated_text_fields(void **state)
{
	struct strbuf	 sb;
	struct mp	 m;
	const char	*v[8];

	(void)state;
	strbuf_init(&sb);
	add_text(&sb, "csrf", "tok");
	add_text(&sb, "org", "조달청 전자조달국");
	add_text(&sb, "담당자", "김철수");
	/* Checkboxes: one part per checked box, order kept. */
	add_text(&sb, "categories", "43211503");
	add_text(&sb, "categories", "43211507");
	add_text(&sb, "categories", "72101507");
	/* A textarea: browsers send its newlines as CRLF. */
	add_text(&sb, "desc", "1. 납품 장소: 세종청사\r\n2. 기한: 계약 후 30일\r\n");
	add_text(&sb, "emoji", "납품 완료 \xf0\x9f\x93\xa6");
	add_close(&sb);
	assert_int_equal(mp_parse_n(&m, sb.data, sb.len, B), 0);
	assert_int_equal(m.files.n, 0);
	assert_int_equal(m.form.n, 8);
	assert_string_equal(form_get(&m.form, "org"), "조달청 전자조달국");
	assert_string_equal(form_get(&m.form, "담당자"), "김철수");
	assert_int_equal(form_get_all(&m.form, "categories", v, NELEM(v)), 3);
	assert_string_equal(v[0], "43211503");
	assert_string_equal(v[1], "43211507");
	assert_string_equal(v[2], "72101507");
	assert_string_equal(form_get(&m.form, "desc"),
	    "1. 납품 장소: 세종청사\r\n2. 기한: 계약 후 30일\r\n");
	assert_string_equal(form_get(&m.form, "emoji"),
	    "납품 완료 \xf0\x9f\x93\xa6");
	mp_done(&m);
	strbuf_cleanup(&sb);
}

static void
test_empty_text_values(void **state)
{
	struct mp	m;

	(void)state;
	assert_int_equal(mp_parse(&m,
	    DELIM
	    "Content-Disposition: form-data; name=\"a\"\r\n\r\n\r\n"
	    DELIM
	    "Content-Disposition: form-data; name=\"b\"\r\n\r\n\r\n"
	    CLOSE), 0);
	assert_int_equal(m.form.n, 2);
	assert_string_equal(form_get(&m.form, "a"), "");
	assert_string_equal(form_get(&m.form, "b"), "");
	mp_done(&m);
}

/* A form with no successful controls: just the close delimiter. */
static void
test_empty_form(void **state)
{
	struct mp	m;

	(void)state;
	assert_int_equal(mp_parse(&m, CLOSE), 0);
	assert_int_equal(m.form.n, 0);
	assert_int_equal(m.files.n, 0);
	mp_done(&m);
}

static void
test_empty_file_inputs_are_skipped(void **state)
{
	struct strbuf	sb;
	struct mp	m;

	(void)state;
	strbuf_init(&sb);
	add_text(&sb, "csrf", "tok");
	add_file(&sb, "a", "", "application/octet-stream", "", 0);
	/* Without a Content-Type line, as some clients send it. */
	add_part(&sb, "Content-Disposition: form-data; name=\"b\"; "
	    "filename=\"\"\r\n", "", 0);
	add_file(&sb, "c", "입찰유의서.pdf", "application/pdf", "%PDF-1.4", 8);
	add_file(&sb, "d", "", "application/octet-stream", "", 0);
	add_close(&sb);
	assert_int_equal(mp_parse_n(&m, sb.data, sb.len, B), 0);
	assert_int_equal(m.form.n, 1);
	assert_null(form_get(&m.form, "a"));
	assert_null(form_get(&m.form, "b"));
	assert_null(form_get(&m.form, "d"));
	assert_int_equal(m.files.n, 1);
	assert_file(&m, 0, "c", "입찰유의서.pdf", "%PDF-1.4", 8);
	mp_done(&m);
	strbuf_cleanup(&sb);
}

/* A chosen file may be empty (0 bytes): it is a file, not skipped. */
static void
test_chosen_empty_file_is_kept(void **state)
{
	struct strbuf	sb;
	struct mp	m;

	(void)state;
	strbuf_init(&sb);
	add_file(&sb, "file", "빈파일.txt", "text/plain", "", 0);
	add_close(&sb);
	assert_int_equal(mp_parse_n(&m, sb.data, sb.len, B), 0);
	assert_int_equal(m.files.n, 1);
	assert_file(&m, 0, "file", "빈파일.txt", "", 0);
	mp_done(&m);
	strbuf_cleanup(&sb);
}

/* A filename with content but no name is not an empty input. */
static void
test_refuses_content_without_filename(void **state)
{
	(void)state;
	assert_part_refused("Content-Disposition: form-data; name=\"spec\"; "
	    "filename=\"\"\r\nContent-Type: application/pdf\r\n", "%PDF-1.4",
	    8);
}

static void
test_file_content_with_crlf_dashes_and_near_boundaries(void **state)
{
	static const char content[] =
	    "line 1\r\n"
	    "--\r\n"
	    "\r\n--\r\n"
	    "\r\n\r\n"
	    /* The delimiter with its last character changed. */
	    "\r\n------WebKitFormBoundaryAbC12X\r\n"
	    /* A prefix of the delimiter at a line start. */
	    "\r\n------WebKitFormBoundaryAbC12\r\n"
	    /* The whole boundary, but not at the start of a line. */
	    "x--" B "\r\n"
	    " --" B "--\r\n"
	    /* After a bare LF, which is not a line end here. */
	    "\n--" B "\r\n"
	    /* The boundary without its leading dashes. */
	    "\r\n" B " "
	    /* The close delimiter, again not after CRLF. */
	    "--" B "--"
	    "\r\n-";
	struct strbuf	sb;
	struct mp	m;

	(void)state;
	strbuf_init(&sb);
	add_text(&sb, "csrf", "tok");
	add_file(&sb, "file", "notes.txt", "text/plain", content,
	    sizeof(content) - 1);
	add_text(&sb, "after", "a\r\n--b");
	add_close(&sb);
	assert_int_equal(mp_parse_n(&m, sb.data, sb.len, B), 0);
	assert_int_equal(m.files.n, 1);
	assert_file(&m, 0, "file", "notes.txt", content, sizeof(content) - 1);
	assert_string_equal(form_get(&m.form, "after"), "a\r\n--b");
	mp_done(&m);
	strbuf_cleanup(&sb);
}

/* Content ending in CRLF keeps it: only the CRLF before "--" goes. */
static void
test_file_content_ending_in_crlf(void **state)
{
	struct strbuf	sb;
	struct mp	m;

	(void)state;
	strbuf_init(&sb);
	add_file(&sb, "a", "a.csv", "text/csv", "x,y\r\n1,2\r\n", 10);
	add_file(&sb, "b", "b.txt", "text/plain", "\r\n", 2);
	add_file(&sb, "c", "c.txt", "text/plain", "--", 2);
	add_close(&sb);
	assert_int_equal(mp_parse_n(&m, sb.data, sb.len, B), 0);
	assert_int_equal(m.files.n, 3);
	assert_file(&m, 0, "a", "a.csv", "x,y\r\n1,2\r\n", 10);
	assert_file(&m, 1, "b", "b.txt", "\r\n", 2);
	assert_file(&m, 2, "c", "c.txt", "--", 2);
	mp_done(&m);
	strbuf_cleanup(&sb);
}

static void
test_binary_content_kept_exactly(void **state)
{
	unsigned char	 bin[4096 + 64];
	struct strbuf	 sb;
	struct mp	 m;
	size_t		 i, n;

	(void)state;
	/* Every byte value, NULs, CR and LF runs, and high bytes. */
	n = 0;
	for (i = 0; i < 4096; i++)
		bin[n++] = (unsigned char)(i * 7 + (i >> 8));
	memcpy(bin + n, "\0\0\r\n\0--\r\n\r\n\xff\xfe\0", 14);
	n += 14;
	memcpy(bin, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
	bin[n++] = '\0';

	strbuf_init(&sb);
	add_text(&sb, "csrf", "tok");
	add_file(&sb, "img", "도면.png", "image/png", bin, n);
	add_file(&sb, "zero", "zero.bin", "application/octet-stream", "\0",
	    1);
	add_close(&sb);
	assert_int_equal(mp_parse_n(&m, sb.data, sb.len, B), 0);
	assert_int_equal(m.files.n, 2);
	assert_file(&m, 0, "img", "도면.png", bin, n);
	assert_file(&m, 1, "zero", "zero.bin", "\0", 1);
	assert_string_equal(form_get(&m.form, "csrf"), "tok");
	mp_done(&m);
	strbuf_cleanup(&sb);
}

/* A 3 MB attachment, as a notice's drawings can be. */
static void
test_large_file(void **state)
{
	unsigned char	*big;
	struct strbuf	 sb;
	struct mp	 m;
	size_t		 i, n;

	(void)state;
	n = 3 * 1024 * 1024 + 17;
	big = malloc(n);
	assert_non_null(big);
	for (i = 0; i < n; i++)
		big[i] = (unsigned char)((i * 2654435761u) >> 13);
	memcpy(big, "%PDF-1.5", 8);
	strbuf_init(&sb);
	add_text(&sb, "csrf", "tok");
	add_file(&sb, "file", "설계도면.pdf", "application/pdf", big, n);
	add_close(&sb);
	assert_int_equal(mp_parse_n(&m, sb.data, sb.len, B), 0);
	assert_int_equal(m.files.n, 1);
	assert_file(&m, 0, "file", "설계도면.pdf", big, n);
	mp_done(&m);
	strbuf_cleanup(&sb);
	free(big);
}

static void
test_filename_path_reduced_to_base_name(void **state)
{
	(void)state;
	/* Full paths some clients send: only the base name is kept. */
	assert_filename_becomes("/home/kim/문서/공고문.pdf", "공고문.pdf");
	assert_filename_becomes("C:\\\\Users\\\\kim\\\\Desktop\\\\공고문.pdf",
	    "공고문.pdf");
	assert_filename_becomes("../../etc/passwd.pdf", "passwd.pdf");
	assert_filename_becomes("..\\\\..\\\\boot.pdf", "boot.pdf");
	/* Not a path: names stay as they are, spaces and all. */
	assert_filename_becomes("공고문 (최종) v2.pdf", "공고문 (최종) v2.pdf");
	assert_filename_becomes("..a.pdf", "..a.pdf");
}

/*
 * The HTML standard's encoding: browsers write '"' in a file name as %22
 * and CR, LF as %0D, %0A. A quote comes back; a line break is refused.
 * Nothing else is decoded, so "%2F" cannot smuggle in a path.
 */
static void
test_filename_percent_escapes_from_browsers(void **state)
{
	(void)state;
	assert_filename_becomes("견적 %22최종%22.pdf", "견적 \"최종\".pdf");
	assert_filename_becomes("%22.pdf", "\".pdf");
	assert_filename_becomes("100%.pdf", "100%.pdf");
	assert_filename_becomes("50%25 할인.pdf", "50%25 할인.pdf");
	assert_filename_becomes("..%2F..%2Fetc.pdf", "..%2F..%2Fetc.pdf");
	assert_filename_becomes("a%2.pdf", "a%2.pdf");
	assert_filename_becomes("a%2", "a%2");
	assert_filename_refused("a%0D%0Ab.pdf");
	assert_filename_refused("a%0Ab.pdf");
	assert_filename_refused("a%0Db.pdf");
	/* %22 alone decodes to a quote, not to an empty name. */
	assert_filename_becomes("%22", "\"");
}

static void
test_filename_length_limit(void **state)
{
	char	name[MP_MAX_FILENAME + 8];

	(void)state;
	memset(name, 'a', MP_MAX_FILENAME - 4);
	strcpy(name + MP_MAX_FILENAME - 4, ".pdf");
	assert_int_equal(strlen(name), MP_MAX_FILENAME);
	assert_filename_becomes(name, name);
	memmove(name + 1, name, strlen(name) + 1);
	assert_filename_refused(name);
}

static void
test_header_variants(void **state)
{
	struct strbuf	sb;
	struct mp	m;

	(void)state;
	strbuf_init(&sb);
	/* Lower case header name and parameters, unquoted name. */
	add_part(&sb, "content-disposition: form-data; name=csrf\r\n",
	    "tok", 3);
	/* filename before name, other headers around the disposition. */
	add_part(&sb, "Content-Type: application/pdf\r\n"
	    "Content-Disposition: form-data; filename=\"a.pdf\"; "
	    "name=\"file\"\r\nContent-Transfer-Encoding: binary\r\n",
	    "%PDF-1.4", 8);
	/* Several spaces and tabs between parameters. */
	add_part(&sb, "Content-Disposition:form-data;  name=\"t\"\r\n",
	    "x", 1);
	add_part(&sb, "CONTENT-DISPOSITION: FORM-DATA; NAME=\"u\"\r\n",
	    "y", 1);
	add_close(&sb);
	assert_int_equal(mp_parse_n(&m, sb.data, sb.len, B), 0);
	assert_string_equal(form_get(&m.form, "csrf"), "tok");
	assert_string_equal(form_get(&m.form, "t"), "x");
	assert_string_equal(form_get(&m.form, "u"), "y");
	assert_int_equal(m.form.n, 3);
	assert_int_equal(m.files.n, 1);
	assert_file(&m, 0, "file", "a.pdf", "%PDF-1.4", 8);
	mp_done(&m);
	strbuf_cleanup(&sb);
}

/* A part's headers are bounded: a huge header block is refused. */
static void
test_header_block_size_limit(void **state)
{
	char		*hdr;
	struct strbuf	 sb;
	struct mp	 m;
	size_t		 n;

	(void)state;
	hdr = malloc(20000);
	assert_non_null(hdr);
	/* About 4 KB of headers, as a client with long headers sends. */
	n = (size_t)snprintf(hdr, 20000, "Content-Disposition: form-data; "
	    "name=\"a\"\r\nX-Pad: ");
	memset(hdr + n, 'p', 4000);
	strcpy(hdr + n + 4000, "\r\n");
	strbuf_init(&sb);
	add_part(&sb, hdr, "1", 1);
	add_close(&sb);
	assert_int_equal(mp_parse_n(&m, sb.data, sb.len, B), 0);
	assert_string_equal(form_get(&m.form, "a"), "1");
	mp_done(&m);

	/* 16 KB of headers is not a form field. */
	memset(hdr + n, 'p', 16000);
	strcpy(hdr + n + 16000, "\r\n");
	assert_part_refused(hdr, "1", 1);
	strbuf_cleanup(&sb);
	free(hdr);
}

/* Text before the first delimiter and after the last one is ignored. */
static void
test_preamble_and_epilogue_ignored(void **state)
{
	struct mp	m;

	(void)state;
	assert_int_equal(mp_parse(&m,
	    "This is the preamble.  It is to be ignored.\r\n"
	    DELIM
	    "Content-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n"
	    "--" B "--\r\n"
	    "This is the epilogue.  It is also to be ignored.\r\n"), 0);
	assert_int_equal(m.form.n, 1);
	assert_string_equal(form_get(&m.form, "csrf"), "tok");
	mp_done(&m);

	/* A preamble that is just a blank line. */
	assert_int_equal(mp_parse(&m, "\r\n" DELIM
	    "Content-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
	    CLOSE), 0);
	assert_string_equal(form_get(&m.form, "a"), "1");
	mp_done(&m);

	/* The close delimiter without a CRLF after it (fetch, curl). */
	assert_int_equal(mp_parse(&m, DELIM
	    "Content-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
	    "--" B "--"), 0);
	assert_string_equal(form_get(&m.form, "a"), "1");
	mp_done(&m);
}

/* RFC 2046 allows spaces and tabs after a delimiter (transport padding). */
static void
test_transport_padding_after_delimiter(void **state)
{
	struct mp	m;

	(void)state;
	assert_int_equal(mp_parse(&m, "--" B " \t \r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
	    "--" B "\t\r\n"
	    "Content-Disposition: form-data; name=\"b\"\r\n\r\n2\r\n"
	    CLOSE), 0);
	assert_string_equal(form_get(&m.form, "a"), "1");
	assert_string_equal(form_get(&m.form, "b"), "2");
	mp_done(&m);
}

/* The quoted boundary of RFC 2046, with a space in it. */
static void
test_quoted_boundary_with_space(void **state)
{
	static const char text[] =
	    "This is explicitly typed plain US-ASCII text.\r\n"
	    "It DOES end with a linebreak.\r\n";
	static const char body[] =
	    "--simple boundary\r\n"
	    "Content-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n"
	    "--simple boundary\r\n"
	    "Content-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n"
	    "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
	    "This is explicitly typed plain US-ASCII text.\r\n"
	    "It DOES end with a linebreak.\r\n\r\n"
	    "--simple boundary--\r\n";
	char		boundary[80];
	struct mp	m;

	(void)state;
	assert_int_equal(multipart_boundary("multipart/form-data; "
	    "boundary=\"simple boundary\"", boundary, sizeof(boundary)), 0);
	assert_int_equal(mp_parse_n(&m, body, sizeof(body) - 1, boundary), 0);
	assert_string_equal(form_get(&m.form, "csrf"), "tok");
	assert_int_equal(m.files.n, 1);
	assert_file(&m, 0, "f", "a.txt", text, sizeof(text) - 1);
	mp_done(&m);
}

/* ---------------------------------------------------------------------
 * Refusals
 */

static void
test_refuses_wrong_or_bad_boundary(void **state)
{
	char	long_b[80];

	(void)state;
	/* The body's boundary is not the one given. */
	assert_refused_n(chromium_body, sizeof(chromium_body) - 1,
	    "----WebKitFormBoundaryXyZ789");
	/* A prefix of it: the delimiters are then followed by junk. */
	assert_refused_n(chromium_body, sizeof(chromium_body) - 1,
	    "----WebKitFormBoundaryAbC12");
	assert_refused_n(chromium_body, sizeof(chromium_body) - 1, "");
	memset(long_b, 'a', 71);
	long_b[71] = '\0';
	assert_refused_n(chromium_body, sizeof(chromium_body) - 1, long_b);
	/* A body that is not multipart at all. */
	assert_refused_n("csrf=tok&title=x", 16, B);
	assert_refused_n("", 0, B);
}

static void
test_refuses_missing_close_delimiter(void **state)
{
	struct strbuf	sb;

	(void)state;
	/* The last part ends with a delimiter that does not close. */
	strbuf_init(&sb);
	add_good_start(&sb);
	strbuf_appendf(&sb, "--%s\r\n", B);
	assert_refused(&sb);
	strbuf_reset(&sb);
	/* No delimiter at all after the last part. */
	add_good_start(&sb);
	assert_refused(&sb);
	strbuf_reset(&sb);
	/* "-" instead of "--" after the last delimiter. */
	add_good_start(&sb);
	strbuf_appendf(&sb, "--%s-\r\n", B);
	assert_refused(&sb);
	strbuf_reset(&sb);
	/* Something else right after a delimiter. */
	add_good_start(&sb);
	strbuf_appendf(&sb, "--%sX--\r\n", B);
	assert_refused(&sb);
	strbuf_cleanup(&sb);
}

/* Every truncation of a real body is refused, whatever the cut. */
static void
test_refuses_every_truncation(void **state)
{
	size_t	n, full;

	(void)state;
	full = sizeof(chromium_body) - 1;
	/* Without the CRLF after the close delimiter it is still whole. */
	for (n = 0; n + 2 < full; n++)
		assert_refused_n(chromium_body, n, B);
}

static void
test_refuses_truncated_headers(void **state)
{
	static const char *cut[] = {
		DELIM "Content-Disp",
		DELIM "Content-Disposition: form-data; name=\"csrf",
		DELIM "Content-Disposition: form-data; name=\"csrf\"",
		DELIM "Content-Disposition: form-data; name=\"csrf\"\r\n",
		DELIM "Content-Disposition: form-data; name=\"csrf\"\r\n\r",
		DELIM "Content-Disposition: form-data; name=\"csrf\"\r\n\r\n",
	};
	size_t	i;

	(void)state;
	/* Cut inside the header block or right after it. */
	for (i = 0; i < NELEM(cut); i++)
		assert_refused_n(cut[i], strlen(cut[i]), B);
}

static void
test_refuses_truncated_content(void **state)
{
	struct strbuf	sb;

	(void)state;
	strbuf_init(&sb);
	add_text(&sb, "csrf", "tok");
	strbuf_appendf(&sb, "--%s\r\nContent-Disposition: form-data; "
	    "name=\"file\"; filename=\"a.pdf\"\r\n\r\n%%PDF-1.4 cut here", B);
	assert_refused(&sb);
	/* The CRLF before the delimiter, then the end. */
	strbuf_appendstr(&sb, "\r\n");
	assert_refused(&sb);
	strbuf_appendstr(&sb, "--");
	assert_refused(&sb);
	strbuf_cleanup(&sb);
}

static void
test_refuses_part_without_disposition(void **state)
{
	(void)state;
	assert_part_refused("Content-Type: text/plain\r\n", "x", 1);
	assert_part_refused_alone("Content-Type: text/plain\r\n", "x", 1);
	/* No headers at all, as the last part. */
	assert_part_refused_alone("", "x", 1);
	/* A misspelt or differently shaped header name. */
	assert_part_refused("Content-Disposition : form-data; name=\"a\"\r\n",
	    "x", 1);
	assert_part_refused("Content-Dispositions: form-data; name=\"a\"\r\n",
	    "x", 1);
	assert_part_refused(" Content-Disposition: form-data; name=\"a\"\r\n",
	    "x", 1);
}

static void
test_refuses_other_dispositions(void **state)
{
	(void)state;
	assert_part_refused("Content-Disposition: attachment; name=\"a\"; "
	    "filename=\"a.pdf\"\r\n", "%PDF-", 5);
	assert_part_refused("Content-Disposition: inline; name=\"a\"\r\n",
	    "x", 1);
	assert_part_refused("Content-Disposition: form-datax; name=\"a\"\r\n",
	    "x", 1);
	assert_part_refused("Content-Disposition: form; name=\"a\"\r\n",
	    "x", 1);
	assert_part_refused("Content-Disposition: \r\n", "x", 1);
	assert_part_refused_alone("Content-Disposition: attachment; "
	    "name=\"a\"\r\n", "x", 1);
	/* Two dispositions in one part: which one would count? */
	assert_part_refused("Content-Disposition: form-data; name=\"a\"\r\n"
	    "Content-Disposition: form-data; name=\"b\"\r\n", "x", 1);
}

static void
test_refuses_missing_or_empty_name(void **state)
{
	(void)state;
	assert_part_refused("Content-Disposition: form-data\r\n", "x", 1);
	assert_part_refused("Content-Disposition: form-data;\r\n", "x", 1);
	assert_part_refused("Content-Disposition: form-data; "
	    "filename=\"a.pdf\"\r\n", "%PDF-", 5);
	assert_part_refused("Content-Disposition: form-data; name=\"\"\r\n",
	    "x", 1);
	assert_part_refused("Content-Disposition: form-data; name=\r\n",
	    "x", 1);
	assert_part_refused("Content-Disposition: form-data; name=\"a\r\n",
	    "x", 1);
	/* "filename" is not "name". */
	assert_part_refused("Content-Disposition: form-data; "
	    "xname=\"a\"\r\n", "x", 1);
	assert_part_refused_alone("Content-Disposition: form-data\r\n", "x",
	    1);
}

static void
test_refuses_bad_filenames(void **state)
{
	(void)state;
	assert_filename_refused("..");
	assert_filename_refused(".");
	assert_filename_refused("/");
	assert_filename_refused("docs/");
	assert_filename_refused("docs/..");
	assert_filename_refused("C:\\\\Users\\\\kim\\\\");
	assert_filename_refused("..\\\\..");
	/* Control characters, which would end up in logs and headers. */
	assert_filename_refused("a\x01.pdf");
	assert_filename_refused("a\tb.pdf");
	assert_filename_refused("a\x1b[31m.pdf");
	assert_filename_refused("a\x7f.pdf");
	assert_filename_refused("공고문.pdf\x0b");
	/* Invalid UTF-8: a cut character, a stray byte, an overlong '/'. */
	assert_filename_refused("\xea\xb3.pdf");
	assert_filename_refused("a\xff.pdf");
	assert_filename_refused("\xc0\xaf" "etc.pdf");
	assert_filename_refused("\xed\xa0\x80.pdf");
}

/* A NUL byte anywhere in a part's headers. */
static void
test_refuses_nul_in_headers(void **state)
{
	static const char hdr_fname[] = "Content-Disposition: form-data; "
	    "name=\"f\"; filename=\"a\0.exe\"\r\n\r\n";
	static const char hdr_name[] = "Content-Disposition: form-data; "
	    "name=\"csrf\0x\"\r\n\r\n";
	static const char hdr_other[] = "Content-Disposition: form-data; "
	    "name=\"a\"\r\nX-Y: \0\r\n\r\n";
	const char	*hdrs[] = { hdr_fname, hdr_name, hdr_other };
	size_t		 lens[] = { sizeof(hdr_fname) - 1, sizeof(hdr_name) - 1,
			    sizeof(hdr_other) - 1 };
	struct strbuf	 sb;
	size_t		 i;

	(void)state;
	strbuf_init(&sb);
	for (i = 0; i < NELEM(hdrs); i++) {
		strbuf_reset(&sb);
		add_good_start(&sb);
		strbuf_appendf(&sb, "--%s\r\n", B);
		strbuf_append(&sb, hdrs[i], lens[i]);
		strbuf_appendstr(&sb, "x\r\n");
		add_close(&sb);
		assert_refused(&sb);
	}
	strbuf_cleanup(&sb);
}

static void
test_refuses_bad_text_values(void **state)
{
	(void)state;
	assert_part_refused("Content-Disposition: form-data; name=\"t\"\r\n",
	    "a\0b", 3);
	assert_part_refused("Content-Disposition: form-data; name=\"t\"\r\n",
	    "\0", 1);
	assert_part_refused("Content-Disposition: form-data; name=\"t\"\r\n",
	    "\xff", 1);
	assert_part_refused("Content-Disposition: form-data; name=\"t\"\r\n",
	    "\xea\xb3", 2);
	assert_part_refused("Content-Disposition: form-data; name=\"t\"\r\n",
	    "\xc0\xaf", 2);
	/* EUC-KR (CP949) text, as an old page or client might send it. */
	assert_part_refused("Content-Disposition: form-data; name=\"t\"\r\n",
	    "\xb0\xf8\xb0\xed", 4);
	/* An invalid field name. */
	assert_part_refused("Content-Disposition: form-data; name=\"\xff\"\r\n",
	    "x", 1);
}

static void
test_key_length_limit(void **state)
{
	char		key[FORM_MAX_KEY + 2], hdr[256];
	struct strbuf	sb;
	struct mp	m;

	(void)state;
	memset(key, 'k', FORM_MAX_KEY);
	key[FORM_MAX_KEY] = '\0';

	strbuf_init(&sb);
	add_text(&sb, key, "v");
	add_file(&sb, key, "a.pdf", "application/pdf", "%PDF-", 5);
	add_close(&sb);
	assert_int_equal(mp_parse_n(&m, sb.data, sb.len, B), 0);
	assert_string_equal(form_get(&m.form, key), "v");
	assert_file(&m, 0, key, "a.pdf", "%PDF-", 5);
	mp_done(&m);
	strbuf_cleanup(&sb);

	key[FORM_MAX_KEY] = 'k';
	key[FORM_MAX_KEY + 1] = '\0';
	snprintf(hdr, sizeof(hdr), "Content-Disposition: form-data; "
	    "name=\"%s\"\r\n", key);
	assert_part_refused(hdr, "v", 1);
	snprintf(hdr, sizeof(hdr), "Content-Disposition: form-data; "
	    "name=\"%s\"; filename=\"a.pdf\"\r\n", key);
	assert_part_refused(hdr, "%PDF-", 5);
}

static void
test_value_length_limit(void **state)
{
	char		*val;
	struct strbuf	 sb;
	struct mp	 m;
	size_t		 i, n;

	(void)state;
	val = malloc(FORM_MAX_VALUE + 8);
	assert_non_null(val);
	memset(val, 'x', FORM_MAX_VALUE);
	val[FORM_MAX_VALUE] = '\0';
	strbuf_init(&sb);
	add_text(&sb, "desc", val);
	add_close(&sb);
	assert_int_equal(mp_parse_n(&m, sb.data, sb.len, B), 0);
	assert_int_equal(strlen(form_get(&m.form, "desc")), FORM_MAX_VALUE);
	mp_done(&m);

	strcat(val, "x");
	assert_part_refused("Content-Disposition: form-data; name=\"desc\"\r\n",
	    val, FORM_MAX_VALUE + 1);

	/* Bytes count, not characters: 2730 x "가" = 8190 bytes is fine. */
	n = FORM_MAX_VALUE / 3;
	for (i = 0; i < n; i++)
		memcpy(val + i * 3, "가", 3);
	val[n * 3] = '\0';
	strbuf_reset(&sb);
	add_text(&sb, "desc", val);
	add_close(&sb);
	assert_int_equal(mp_parse_n(&m, sb.data, sb.len, B), 0);
	assert_int_equal(strlen(form_get(&m.form, "desc")), n * 3);
	mp_done(&m);
	/* One more goes past 8192 bytes. */
	val = realloc(val, n * 3 + 8);
	assert_non_null(val);
	memcpy(val + n * 3, "가", 3);
	assert_part_refused("Content-Disposition: form-data; name=\"desc\"\r\n",
	    val, n * 3 + 3);

	/* The limit is for text fields: a file may be larger. */
	memset(val, 'y', FORM_MAX_VALUE);
	strbuf_reset(&sb);
	add_file(&sb, "f", "big.txt", "text/plain", val, FORM_MAX_VALUE);
	add_close(&sb);
	assert_int_equal(mp_parse_n(&m, sb.data, sb.len, B), 0);
	assert_int_equal(m.files.f[0].len, FORM_MAX_VALUE);
	mp_done(&m);
	strbuf_cleanup(&sb);
	free(val);
}

static void
test_file_count_limit(void **state)
{
	char		field[16], fname[32];
	struct strbuf	sb;
	struct mp	m;
	size_t		i;

	(void)state;
	strbuf_init(&sb);
	add_text(&sb, "csrf", "tok");
	for (i = 0; i < MP_MAX_FILES; i++) {
		snprintf(field, sizeof(field), "f%zu", i);
		snprintf(fname, sizeof(fname), "첨부%zu.pdf", i);
		add_file(&sb, field, fname, "application/pdf", "%PDF-", 5);
		/* Empty inputs in between do not count. */
		add_file(&sb, "empty", "", "application/octet-stream", "", 0);
	}
	add_close(&sb);
	assert_int_equal(mp_parse_n(&m, sb.data, sb.len, B), 0);
	assert_int_equal(m.files.n, MP_MAX_FILES);
	for (i = 0; i < MP_MAX_FILES; i++) {
		snprintf(field, sizeof(field), "f%zu", i);
		snprintf(fname, sizeof(fname), "첨부%zu.pdf", i);
		assert_file(&m, i, field, fname, "%PDF-", 5);
	}
	mp_done(&m);

	/* One more file refuses the whole body. */
	drop_close(&sb);
	add_file(&sb, "f8", "첨부8.pdf", "application/pdf", "%PDF-", 5);
	add_close(&sb);
	assert_refused(&sb);
	strbuf_cleanup(&sb);
}

static void
test_part_count_limit(void **state)
{
	char		name[16];
	struct strbuf	sb;
	struct mp	m;
	size_t		i;

	(void)state;
	strbuf_init(&sb);
	for (i = 0; i < MP_MAX_PARTS; i++) {
		snprintf(name, sizeof(name), "k%zu", i);
		add_text(&sb, name, "v");
	}
	add_close(&sb);
	assert_int_equal(mp_parse_n(&m, sb.data, sb.len, B), 0);
	assert_int_equal(m.form.n, MP_MAX_PARTS);
	assert_non_null(form_get(&m.form, "k63"));
	mp_done(&m);

	drop_close(&sb);
	add_text(&sb, "k64", "v");
	add_close(&sb);
	assert_refused(&sb);

	/* Skipped empty file inputs are parts too. */
	strbuf_reset(&sb);
	for (i = 0; i < MP_MAX_PARTS; i++)
		add_file(&sb, "e", "", "application/octet-stream", "", 0);
	add_text(&sb, "csrf", "tok");
	add_close(&sb);
	assert_refused(&sb);
	strbuf_cleanup(&sb);
}

/* After a refusal, nothing of the valid parts before it remains. */
static void
test_refusal_leaves_no_partial_form(void **state)
{
	struct strbuf	sb;
	struct form	f;
	struct mp_files	files;
	unsigned char	*b;

	(void)state;
	strbuf_init(&sb);
	add_good_start(&sb);
	add_text(&sb, "title", "물품 구매");
	add_file(&sb, "file2", "b.pdf", "application/pdf", "%PDF-", 5);
	add_text(&sb, "bad", "\xff");
	add_close(&sb);

	b = dup_exact(sb.data, sb.len);
	form_init(&f);
	memset(&files, 0x5a, sizeof(files));
	assert_int_equal(multipart_parse(b, sb.len, B, &f, &files), -1);
	assert_int_equal(f.n, 0);
	assert_null(f.fields);
	assert_null(form_get(&f, "csrf"));
	assert_null(form_get(&f, "title"));
	assert_int_equal(files.n, 0);
	form_cleanup(&f);

	/* The same form without the bad field is fine. */
	free(b);
	strbuf_reset(&sb);
	add_good_start(&sb);
	add_text(&sb, "title", "물품 구매");
	add_file(&sb, "file2", "b.pdf", "application/pdf", "%PDF-", 5);
	add_close(&sb);
	b = dup_exact(sb.data, sb.len);
	form_init(&f);
	assert_int_equal(multipart_parse(b, sb.len, B, &f, &files), 0);
	assert_int_equal(f.n, 2);
	assert_int_equal(files.n, 2);
	form_cleanup(&f);
	free(b);
	strbuf_cleanup(&sb);
}
/* ---------------------------------------------------------------------
 * Regressions found by probing: each was accepted (or mangled) before.
 */
#define BUG_B "----WebKitFormBoundaryAbC123"
static int
bug_run(const char *s, struct form *f, struct mp_files *fl, unsigned char **b)
{
	size_t n = strlen(s);
	*b = malloc(n); memcpy(*b, s, n);
	form_init(f);
	return (multipart_parse(*b, n, BUG_B, f, fl));
}
static void
test_ie_full_windows_path(void **st)
{
	struct form f; struct mp_files fl; unsigned char *b;
	(void)st;
	assert_int_equal(bug_run("--" BUG_B "\r\nContent-Disposition: form-data; name=\"file\"; "
	    "filename=\"C:\\Users\\kim\\Desktop\\공고문.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
	    "%PDF-1.4\r\n--" BUG_B "--\r\n", &f, &fl, &b), 0);
	assert_int_equal(fl.n, 1);
	assert_string_equal(fl.f[0].filename, "공고문.pdf");
	form_cleanup(&f); free(b);
}
static void
test_part_without_blank_line_merges_with_next(void **st)
{
	struct form f; struct mp_files fl; unsigned char *b;
	(void)st;
	assert_int_equal(bug_run("--" BUG_B "\r\nContent-Disposition: form-data; name=\"a\"\r\n"
	    "--" BUG_B "\r\nX-Other: y\r\n\r\nv\r\n--" BUG_B "--\r\n", &f, &fl, &b), -1);
	form_cleanup(&f); free(b);
}
static void
test_part_without_headers_before_valid_part(void **st)
{
	struct form f; struct mp_files fl; unsigned char *b;
	(void)st;
	assert_int_equal(bug_run("--" BUG_B "\r\n\r\nx\r\n--" BUG_B "\r\nContent-Disposition: form-data; "
	    "name=\"after\"\r\n\r\n1\r\n--" BUG_B "--\r\n", &f, &fl, &b), -1);
	form_cleanup(&f); free(b);
}
static void
test_file_field_name_not_utf8(void **st)
{
	struct form f; struct mp_files fl; unsigned char *b;
	(void)st;
	assert_int_equal(bug_run("--" BUG_B "\r\nContent-Disposition: form-data; name=\"\xff\"; "
	    "filename=\"a.pdf\"\r\n\r\n%PDF-\r\n--" BUG_B "--\r\n", &f, &fl, &b), -1);
	form_cleanup(&f); free(b);
}
static void
test_boundary_type_prefix(void **st)
{
	char out[80];
	(void)st;
	assert_int_equal(multipart_boundary("multipart/form-data-x; boundary=abc", out, sizeof out), -1);
	assert_int_equal(multipart_boundary("multipart/form-dataevil; boundary=abc", out, sizeof out), -1);
}
static void
test_boundary_after_quoted_param_with_semicolon(void **st)
{
	char out[80];
	(void)st;
	assert_int_equal(multipart_boundary("multipart/form-data; x=\"a;b\"; boundary=abc", out, sizeof out), 0);
	assert_string_equal(out, "abc");
}


int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boundary_from_browser_headers),
		cmocka_unit_test(test_boundary_quoted),
		cmocka_unit_test(test_boundary_with_other_params_and_spaces),
		cmocka_unit_test(test_boundary_refuses_other_content_types),
		cmocka_unit_test(test_boundary_refuses_missing_or_empty),
		cmocka_unit_test(test_boundary_length_limit),
		cmocka_unit_test(test_boundary_refuses_control_and_non_ascii),
		cmocka_unit_test(test_parses_chromium_body),
		cmocka_unit_test(test_file_before_text_fields),
		cmocka_unit_test(test_multiple_files_in_one_input),
		cmocka_unit_test(test_korean_and_repeated_text_fields),
		cmocka_unit_test(test_empty_text_values),
		cmocka_unit_test(test_empty_form),
		cmocka_unit_test(test_empty_file_inputs_are_skipped),
		cmocka_unit_test(test_chosen_empty_file_is_kept),
		cmocka_unit_test(test_refuses_content_without_filename),
		cmocka_unit_test(
		    test_file_content_with_crlf_dashes_and_near_boundaries),
		cmocka_unit_test(test_file_content_ending_in_crlf),
		cmocka_unit_test(test_binary_content_kept_exactly),
		cmocka_unit_test(test_large_file),
		cmocka_unit_test(test_filename_path_reduced_to_base_name),
		cmocka_unit_test(test_filename_percent_escapes_from_browsers),
		cmocka_unit_test(test_filename_length_limit),
		cmocka_unit_test(test_header_variants),
		cmocka_unit_test(test_header_block_size_limit),
		cmocka_unit_test(test_preamble_and_epilogue_ignored),
		cmocka_unit_test(test_transport_padding_after_delimiter),
		cmocka_unit_test(test_quoted_boundary_with_space),
		cmocka_unit_test(test_refuses_wrong_or_bad_boundary),
		cmocka_unit_test(test_refuses_missing_close_delimiter),
		cmocka_unit_test(test_refuses_every_truncation),
		cmocka_unit_test(test_refuses_truncated_headers),
		cmocka_unit_test(test_refuses_truncated_content),
		cmocka_unit_test(test_refuses_part_without_disposition),
		cmocka_unit_test(test_refuses_other_dispositions),
		cmocka_unit_test(test_refuses_missing_or_empty_name),
		cmocka_unit_test(test_refuses_bad_filenames),
		cmocka_unit_test(test_refuses_nul_in_headers),
		cmocka_unit_test(test_refuses_bad_text_values),
		cmocka_unit_test(test_key_length_limit),
		cmocka_unit_test(test_value_length_limit),
		cmocka_unit_test(test_file_count_limit),
		cmocka_unit_test(test_part_count_limit),
		cmocka_unit_test(test_refusal_leaves_no_partial_form),
		cmocka_unit_test(test_ie_full_windows_path),
	cmocka_unit_test(test_part_without_blank_line_merges_with_next),
	cmocka_unit_test(test_part_without_headers_before_valid_part),
	cmocka_unit_test(test_file_field_name_not_utf8),
	cmocka_unit_test(test_boundary_type_prefix),
	cmocka_unit_test(test_boundary_after_quoted_param_with_semicolon),
};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
