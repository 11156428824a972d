/*
 * multipart: parse a multipart/form-data body (RFC 7578) held in memory.
 * Kore-free and strict: text fields go into a struct form with the same
 * rules as url-encoded ones (UTF-8, no NUL, size limits); file parts are
 * returned as slices of the body. Anything malformed makes the whole body
 * invalid, so a handler never sees half a form.
 */
#ifndef G2B_MULTIPART_H
#define G2B_MULTIPART_H

#include <stddef.h>

#include "form.h"

#define MP_MAX_FILES		8
#define MP_MAX_PARTS		64
#define MP_MAX_FILENAME		255	/* bytes, after taking the base name */

struct mp_file {
	char			 field[FORM_MAX_KEY + 1];
	char			 filename[MP_MAX_FILENAME + 1];
	const unsigned char	*data;		/* points into the body */
	size_t			 len;
};

struct mp_files {
	struct mp_file	 f[MP_MAX_FILES];
	size_t		 n;
};

/*
 * The boundary of a Content-Type header value ("multipart/form-data;
 * boundary=..."), copied to out. Returns 0, or -1 if the header is not
 * multipart/form-data or the boundary is missing or invalid.
 */
int	multipart_boundary(const char *, char *, size_t);

/*
 * Parse body with boundary: text fields are added to fields, file parts
 * (those with a filename) to files. A file input left empty by the
 * browser (empty filename) is skipped. Returns 0, or -1 if the body is
 * malformed (fields and files are then empty).
 */
int	multipart_parse(const unsigned char *, size_t, const char *,
	    struct form *, struct mp_files *);

#endif
