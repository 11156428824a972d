/*
 * attach: which files a notice may carry (입찰공고 첨부파일). Kore-free.
 *
 * A file is accepted when its extension is on the list and its first
 * bytes match that extension's format, so a renamed executable or a
 * script named .pdf is refused. The content type served later is the
 * one that belongs to the extension, never the browser's claim.
 */
#ifndef G2B_ATTACH_H
#define G2B_ATTACH_H

#include <stddef.h>

#define ATTACH_MAX_BYTES	(10 * 1024 * 1024)	/* per file */
#define ATTACH_MAX_FILES	20			/* per notice */

/* Why a file was refused: also the message key "err.attach_<code>". */
#define ATTACH_OK		0
#define ATTACH_EMPTY		1
#define ATTACH_TOO_BIG		2
#define ATTACH_BAD_NAME		3
#define ATTACH_BAD_TYPE		4
#define ATTACH_MISMATCH		5

/*
 * Check a file; on ATTACH_OK *ctype is the content type to serve it with.
 * The name must already be a clean base name (portal/multipart.c).
 */
int		 attach_check(const char *, const unsigned char *, size_t,
		    const char **);
/* The message-key suffix of a refusal ("too_big", ...). */
const char	*attach_reason(int);

#endif
