/*
 * multipart: multipart/form-data bodies (RFC 7578, RFC 2046 section 5.1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "multipart.h"
#include "validate.h"

#define MP_MAX_BOUNDARY		70	/* RFC 2046 */
#define MP_MAX_HEADERS		8192

static const unsigned char *find(const unsigned char *, size_t,
			    const char *, size_t);
static int	param(const char *, size_t, const char *, char *, size_t,
		    int *);
static int	headers(const unsigned char *, size_t, char *, size_t,
		    char *, size_t, int *);
static int	clean_filename(const char *, char *, size_t);

int
multipart_boundary(const char *ctype, char *out, size_t outlen)
{
	const char	*p, *b;
	size_t		 n, i;
	int		 quoted;

	if (ctype == NULL || strncasecmp(ctype, "multipart/form-data", 19) ||
	    (ctype[19] != '\0' && ctype[19] != ';' && ctype[19] != ' ' &&
	    ctype[19] != '\t'))
		return (-1);
	p = ctype + 19;
	while ((p = strchr(p, ';')) != NULL) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "boundary=", 9) != 0)
			continue;
		b = p + 9;
		quoted = (*b == '"');
		if (quoted)
			b++;
		for (n = 0; b[n] != '\0' && b[n] != (quoted ? '"' : ';') &&
		    (quoted || (b[n] != ' ' && b[n] != '\t')); n++)
			;
		if (quoted && b[n] != '"')
			return (-1);
		if (n == 0 || n > MP_MAX_BOUNDARY || n + 1 > outlen)
			return (-1);
		/* bchars of RFC 2046: no controls, no quote. */
		for (i = 0; i < n; i++) {
			if ((unsigned char)b[i] < 0x20 || b[i] == '"' ||
			    (unsigned char)b[i] >= 0x7f)
				return (-1);
		}
		memcpy(out, b, n);
		out[n] = '\0';
		return (0);
	}
	return (-1);
}

static const unsigned char *
find(const unsigned char *hay, size_t n, const char *needle, size_t m)
{
	return (memmem(hay, n, needle, m));
}

/*
 * The value of parameter key in a Content-Disposition header value
 * (name="x"; filename="y"), unquoted, copied to out. Browsers escape a
 * quote as %22 and never with a backslash, so a backslash is literal
 * (a Windows path in a file name keeps its separators). *found says whether
 * it was there. Returns -1 if malformed or too long.
 */
static int
param(const char *h, size_t n, const char *key, char *out, size_t outlen,
    int *found)
{
	size_t	 i, k, o;
	int	 quoted;

	*found = 0;
	k = strlen(key);
	i = 0;
	/* Skip the disposition type itself. */
	while (i < n && h[i] != ';')
		i++;
	while (i < n) {
		i++;			/* the ';' */
		while (i < n && (h[i] == ' ' || h[i] == '\t'))
			i++;
		if (i + k + 1 <= n && strncasecmp(h + i, key, k) == 0 &&
		    h[i + k] == '=') {
			i += k + 1;
			quoted = (i < n && h[i] == '"');
			if (quoted)
				i++;
			o = 0;
			while (i < n) {
				if (quoted && h[i] == '"')
					break;
				if (!quoted && (h[i] == ';' || h[i] == ' '))
					break;
				if (o + 1 >= outlen)
					return (-1);
				out[o++] = h[i++];
			}
			if (quoted && (i >= n || h[i] != '"'))
				return (-1);
			out[o] = '\0';
			*found = 1;
			return (0);
		}
		/* Skip this parameter, minding quotes. */
		quoted = 0;
		while (i < n && (quoted || h[i] != ';')) {
			if (h[i] == '"')
				quoted = !quoted;
			i++;
		}
	}
	return (0);
}

/*
 * A part's header block (without the final CRLF CRLF): the field name and
 * the filename when the part is a file. Returns -1 if there is no
 * form-data disposition with a name.
 */
static int
headers(const unsigned char *h, size_t n, char *name, size_t namelen,
    char *fname, size_t fnamelen, int *is_file)
{
	const unsigned char	*line, *eol, *end;
	const char		*v;
	size_t			 len, vlen;
	int			 found, seen;

	seen = 0;
	*is_file = 0;
	end = h + n;
	for (line = h; line < end; line = eol + 2) {
		eol = find(line, (size_t)(end - line), "\r\n", 2);
		if (eol == NULL)
			eol = end;
		len = (size_t)(eol - line);
		if (memchr(line, '\0', len) != NULL ||
		    memchr(line, ':', len) == NULL)
			return (-1);
		if (len >= 20 && strncasecmp((const char *)line,
		    "content-disposition:", 20) == 0) {
			if (seen)
				return (-1);
			seen = 1;
			v = (const char *)line + 20;
			vlen = len - 20;
			while (vlen > 0 && (*v == ' ' || *v == '\t')) {
				v++;
				vlen--;
			}
			if (vlen < 9 || strncasecmp(v, "form-data", 9) != 0 ||
			    (vlen > 9 && v[9] != ';' && v[9] != ' '))
				return (-1);
			if (param(v, vlen, "name", name, namelen, &found) == -1 ||
			    !found || name[0] == '\0')
				return (-1);
			if (param(v, vlen, "filename", fname, fnamelen,
			    &found) == -1)
				return (-1);
			*is_file = found;
		}
		if (eol == end)
			break;
	}
	return (seen ? 0 : -1);
}

/*
 * The base name of a browser-supplied file name (some send a full
 * Windows path), checked: UTF-8, no control characters, not empty, not
 * "." or "..". Returns -1 if unusable.
 */
static int
clean_filename(const char *in, char *out, size_t outlen)
{
	const char	*b, *p;
	char		 dec[MP_MAX_FILENAME * 2 + 2];
	size_t		 n, i, o;

	/*
	 * Browsers (the HTML standard's multipart encoding) send a quote in
	 * a file name as %22 and CR, LF as %0D, %0A; undo exactly those.
	 */
	for (i = 0, o = 0; in[i] != '\0' && o + 1 < sizeof(dec); o++) {
		if (in[i] == '%' && in[i + 1] == '2' && in[i + 2] == '2') {
			dec[o] = '"';
			i += 3;
		} else if (in[i] == '%' && in[i + 1] == '0' &&
		    (in[i + 2] == 'D' || in[i + 2] == 'A')) {
			return (-1);	/* a line break has no place in a name */
		} else {
			dec[o] = in[i++];
		}
	}
	dec[o] = '\0';
	in = dec;
	b = in;
	for (p = in; *p != '\0'; p++) {
		if (*p == '/' || *p == '\\')
			b = p + 1;
	}
	n = strlen(b);
	if (n == 0 || n >= outlen || !utf8_valid(b, n) ||
	    !strcmp(b, ".") || !strcmp(b, ".."))
		return (-1);
	for (i = 0; i < n; i++) {
		if ((unsigned char)b[i] < 0x20 || b[i] == 0x7f)
			return (-1);
	}
	memcpy(out, b, n + 1);
	return (0);
}

int
multipart_parse(const unsigned char *body, size_t len, const char *boundary,
    struct form *fields, struct mp_files *files)
{
	char			 delim[MP_MAX_BOUNDARY + 8];
	char			 name[FORM_MAX_KEY + 2];
	char			 raw[MP_MAX_FILENAME * 2 + 2];
	const unsigned char	*p, *end, *hend, *next;
	size_t			 dlen, parts;
	int			 is_file;
	struct mp_file		*f;

	files->n = 0;
	if (strlen(boundary) == 0 || strlen(boundary) > MP_MAX_BOUNDARY)
		return (-1);
	/* Every delimiter after the first is preceded by CRLF. */
	dlen = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", boundary);
	end = body + len;

	/* The first delimiter: at the very start, or after a preamble. */
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0)
		p = body + dlen - 2;
	else if ((p = find(body, len, delim, dlen)) != NULL)
		p += dlen;
	else
		goto bad;

	for (parts = 0;; parts++) {
		/* After a delimiter: "--" closes, CRLF opens a part. */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			break;
		/* Transport padding (LWSP) is allowed before the CRLF. */
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			goto bad;
		p += 2;
		if (parts >= MP_MAX_PARTS)
			goto bad;
		hend = find(p, (size_t)(end - p) < MP_MAX_HEADERS ?
		    (size_t)(end - p) : MP_MAX_HEADERS, "\r\n\r\n", 4);
		if (hend == NULL) {
			/* A part with no headers at all is not form-data. */
			goto bad;
		}
		/* The headers end before the next delimiter, or it is bad. */
		if (find(p, (size_t)(hend - p), delim, dlen) != NULL)
			goto bad;
		if (headers(p, (size_t)(hend - p), name, sizeof(name), raw,
		    sizeof(raw), &is_file) == -1 || strlen(name) > FORM_MAX_KEY ||
		    !utf8_valid(name, strlen(name)))
			goto bad;
		p = hend + 4;
		if ((next = find(p, (size_t)(end - p), delim, dlen)) == NULL)
			goto bad;
		if (is_file) {
			if (raw[0] == '\0' && next == p) {
				/* An empty file input: nothing chosen. */
			} else {
				if (files->n >= MP_MAX_FILES)
					goto bad;
				f = &files->f[files->n];
				if (clean_filename(raw, f->filename,
				    sizeof(f->filename)) == -1)
					goto bad;
				memcpy(f->field, name, strlen(name) + 1);
				f->data = p;
				f->len = (size_t)(next - p);
				files->n++;
			}
		} else if (form_add(fields, name, (const char *)p,
		    (size_t)(next - p)) == -1) {
			goto bad;
		}
		p = next + dlen;
	}
	return (0);
bad:
	files->n = 0;
	form_cleanup(fields);
	return (-1);
}
