/*
 * attach: file types a notice may carry, checked by extension and
 * content.
 */
#include <string.h>
#include <strings.h>

#include "attach.h"
#include "validate.h"

enum magic { M_PDF, M_OLE, M_ZIP, M_PNG, M_JPEG, M_TEXT };

static const struct {
	const char	*ext;
	enum magic	 magic;
	const char	*ctype;
} types[] = {
	{ "pdf",  M_PDF,  "application/pdf" },
	{ "hwp",  M_OLE,  "application/x-hwp" },
	{ "doc",  M_OLE,  "application/msword" },
	{ "xls",  M_OLE,  "application/vnd.ms-excel" },
	{ "ppt",  M_OLE,  "application/vnd.ms-powerpoint" },
	{ "hwpx", M_ZIP,  "application/hwp+zip" },
	{ "docx", M_ZIP,  "application/vnd.openxmlformats-officedocument."
	    "wordprocessingml.document" },
	{ "xlsx", M_ZIP,  "application/vnd.openxmlformats-officedocument."
	    "spreadsheetml.sheet" },
	{ "pptx", M_ZIP,  "application/vnd.openxmlformats-officedocument."
	    "presentationml.presentation" },
	{ "zip",  M_ZIP,  "application/zip" },
	{ "png",  M_PNG,  "image/png" },
	{ "jpg",  M_JPEG, "image/jpeg" },
	{ "jpeg", M_JPEG, "image/jpeg" },
	{ "txt",  M_TEXT, "text/plain; charset=utf-8" },
	{ "csv",  M_TEXT, "text/csv; charset=utf-8" },
};

static int
magic_ok(enum magic m, const unsigned char *d, size_t n)
{
	switch (m) {
	case M_PDF:
		return (n >= 5 && memcmp(d, "%PDF-", 5) == 0);
	case M_OLE:
		return (n >= 8 && memcmp(d,
		    "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0);
	case M_ZIP:
		return (n >= 4 && memcmp(d, "PK\x03\x04", 4) == 0);
	case M_PNG:
		return (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0);
	case M_JPEG:
		return (n >= 3 && memcmp(d, "\xff\xd8\xff", 3) == 0);
	case M_TEXT:
		/* UTF-8 (an optional BOM allowed), no NUL: not a binary. */
		return (memchr(d, '\0', n) == NULL &&
		    utf8_valid((const char *)d, n));
	}
	return (0);
}

int
attach_check(const char *name, const unsigned char *data, size_t len,
    const char **ctype)
{
	const char	*dot;
	size_t		 i, nlen;

	*ctype = NULL;
	nlen = strlen(name);
	if (nlen == 0 || nlen > 200 || !utf8_valid(name, nlen) ||
	    name[0] == '.')
		return (ATTACH_BAD_NAME);
	for (i = 0; i < nlen; i++) {
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f ||
		    name[i] == '/' || name[i] == '\\')
			return (ATTACH_BAD_NAME);
	}
	if (len == 0)
		return (ATTACH_EMPTY);
	if (len > ATTACH_MAX_BYTES)
		return (ATTACH_TOO_BIG);
	if ((dot = strrchr(name, '.')) == NULL || dot[1] == '\0')
		return (ATTACH_BAD_TYPE);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcasecmp(dot + 1, types[i].ext) != 0)
			continue;
		if (!magic_ok(types[i].magic, data, len))
			return (ATTACH_MISMATCH);
		*ctype = types[i].ctype;
		return (ATTACH_OK);
	}
	return (ATTACH_BAD_TYPE);
}

const char *
attach_reason(int code)
{
	switch (code) {
	case ATTACH_EMPTY:
		return ("empty");
	case ATTACH_TOO_BIG:
		return ("too_big");
	case ATTACH_BAD_NAME:
		return ("bad_name");
	case ATTACH_BAD_TYPE:
		return ("bad_type");
	case ATTACH_MISMATCH:
		return ("mismatch");
	}
	return ("ok");
}
