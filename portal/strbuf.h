/*
 * strbuf: a growable byte buffer for code that must not depend on Kore
 * (templates, validators, crypto helpers), so the unit tests can link it.
 */
#ifndef G2B_STRBUF_H
#define G2B_STRBUF_H

#include <stddef.h>

struct strbuf {
	char	*data;		/* always NUL-terminated */
	size_t	 len;
	size_t	 cap;
};

void	strbuf_init(struct strbuf *);
void	strbuf_cleanup(struct strbuf *);
void	strbuf_reset(struct strbuf *);
void	strbuf_append(struct strbuf *, const void *, size_t);
void	strbuf_appendstr(struct strbuf *, const char *);
void	strbuf_appendf(struct strbuf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Append with HTML escaping of & < > " ' (safe in text and quoted attributes). */
void	strbuf_append_html(struct strbuf *, const char *, size_t);
/* Append with percent-encoding of everything but unreserved characters. */
void	strbuf_append_url(struct strbuf *, const char *, size_t);
/* Append as the body of a JSON string (without the quotes). */
void	strbuf_append_json(struct strbuf *, const char *, size_t);
/*
 * Append one element of a PostgreSQL array literal: NULL for a null
 * pointer, else the text double-quoted with " and \ escaped, which reads
 * back as exactly that text whatever it holds.
 */
void	strbuf_append_pgelem(struct strbuf *, const char *);
/* Take ownership of the data; the buffer is left empty. */
char	*strbuf_steal(struct strbuf *, size_t *);

#endif
