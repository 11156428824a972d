/*
 * strbuf: growable buffer with escaping appenders. Kore-free.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static void	grow(struct strbuf *, size_t);

void
strbuf_init(struct strbuf *b)
{
	b->cap = 256;
	b->len = 0;
	if ((b->data = malloc(b->cap)) == NULL)
		abort();
	b->data[0] = '\0';
}

void
strbuf_cleanup(struct strbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
strbuf_reset(struct strbuf *b)
{
	b->len = 0;
	b->data[0] = '\0';
}

static void
grow(struct strbuf *b, size_t need)
{
	size_t	ncap;

	if (b->len + need + 1 <= b->cap)
		return;
	ncap = b->cap ? b->cap : 256;
	while (ncap < b->len + need + 1) {
		if (ncap > ((size_t)-1) / 2)
			abort();
		ncap *= 2;
	}
	if ((b->data = realloc(b->data, ncap)) == NULL)
		abort();
	b->cap = ncap;
}

void
strbuf_append(struct strbuf *b, const void *p, size_t n)
{
	grow(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
strbuf_appendstr(struct strbuf *b, const char *s)
{
	strbuf_append(b, s, strlen(s));
}

void
strbuf_appendf(struct strbuf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
strbuf_append_html(struct strbuf *b, const char *s, size_t n)
{
	size_t		i, start;
	const char	*rep;

	start = 0;
	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		case '`': rep = "&#96;"; break;
		case '\0': rep = ""; break;
		default: continue;
		}
		strbuf_append(b, s + start, i - start);
		strbuf_appendstr(b, rep);
		start = i + 1;
	}
	strbuf_append(b, s + start, n - start);
}

void
strbuf_append_url(struct strbuf *b, const char *s, size_t n)
{
	static const char	hex[] = "0123456789ABCDEF";
	unsigned char		c;
	char			enc[3];
	size_t			i;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~') {
			strbuf_append(b, &s[i], 1);
		} else {
			enc[0] = '%';
			enc[1] = hex[c >> 4];
			enc[2] = hex[c & 15];
			strbuf_append(b, enc, 3);
		}
	}
}

void
strbuf_append_json(struct strbuf *b, const char *s, size_t n)
{
	unsigned char	c;
	size_t		i;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		switch (c) {
		case '"': strbuf_appendstr(b, "\\\""); break;
		case '\\': strbuf_appendstr(b, "\\\\"); break;
		case '\n': strbuf_appendstr(b, "\\n"); break;
		case '\r': strbuf_appendstr(b, "\\r"); break;
		case '\t': strbuf_appendstr(b, "\\t"); break;
		case '<': strbuf_appendstr(b, "\\u003c"); break;
		case '>': strbuf_appendstr(b, "\\u003e"); break;
		case '&': strbuf_appendstr(b, "\\u0026"); break;
		default:
			if (c < 0x20)
				strbuf_appendf(b, "\\u%04x", c);
			else
				strbuf_append(b, &s[i], 1);
		}
	}
}

void
strbuf_append_pgelem(struct strbuf *b, const char *v)
{
	const char	*p;

	if (v == NULL) {
		strbuf_append(b, "NULL", 4);
		return;
	}
	strbuf_append(b, "\"", 1);
	while (*v != '\0') {
		for (p = v; *p != '\0' && *p != '"' && *p != '\\'; p++)
			;
		strbuf_append(b, v, (size_t)(p - v));
		if (*p == '\0')
			break;
		strbuf_append(b, "\\", 1);
		strbuf_append(b, p, 1);
		v = p + 1;
	}
	strbuf_append(b, "\"", 1);
}

char *
strbuf_steal(struct strbuf *b, size_t *len)
{
	char	*p;

	p = b->data;
	if (len != NULL)
		*len = b->len;
	strbuf_init(b);
	return (p);
}
