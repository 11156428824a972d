/*
 * form: url-encoded form and cookie parsing.
 */
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "validate.h"

static int	hexval(char);
static char	*decode(const char *, size_t, size_t);

void
form_init(struct form *f)
{
	f->fields = NULL;
	f->n = 0;
}

void
form_cleanup(struct form *f)
{
	size_t	i;

	/* Forms carry passwords and passphrases: wipe before freeing. */
	for (i = 0; i < f->n; i++) {
		free(f->fields[i].key);
		explicit_bzero(f->fields[i].value, strlen(f->fields[i].value));
		free(f->fields[i].value);
	}
	free(f->fields);
	f->fields = NULL;
	f->n = 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/* Decode one component; NULL if malformed, too long or not UTF-8. */
static char *
decode(const char *s, size_t n, size_t max)
{
	char	*out;
	size_t	 i, o;
	int	 hi, lo;

	if (n > max * 3)
		return (NULL);
	if ((out = malloc(n + 1)) == NULL)
		abort();
	for (i = 0, o = 0; i < n; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%') {
			if (i + 2 >= n)
				goto bad;
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				goto bad;
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	if (o > max || memchr(out, '\0', o) != NULL || !utf8_valid(out, o))
		goto bad;
	return (out);
bad:
	free(out);
	return (NULL);
}

/* Add one field whose value is len raw bytes; -1 if it breaks the rules. */
int
form_add(struct form *f, const char *key, const char *val, size_t len)
{
	struct form_field	*nf;
	size_t			 klen;

	klen = strlen(key);
	if (klen == 0 || klen > FORM_MAX_KEY || !utf8_valid(key, klen) ||
	    len > FORM_MAX_VALUE || memchr(val, '\0', len) != NULL ||
	    !utf8_valid(val, len) || f->n >= FORM_MAX_FIELDS)
		return (-1);
	nf = realloc(f->fields, (f->n + 1) * sizeof(*f->fields));
	if (nf == NULL)
		abort();
	f->fields = nf;
	if ((f->fields[f->n].key = strdup(key)) == NULL ||
	    (f->fields[f->n].value = malloc(len + 1)) == NULL)
		abort();
	memcpy(f->fields[f->n].value, val, len);
	f->fields[f->n].value[len] = '\0';
	f->n++;
	return (0);
}

int
form_parse(struct form *f, const char *data, size_t len)
{
	const char	*p, *end, *amp, *eq;
	char		*key, *val;
	size_t		 cap;

	cap = 0;
	p = data;
	end = data + len;
	while (p < end) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		if (amp == p) {
			p++;
			continue;
		}
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq == NULL)
			eq = amp;
		key = decode(p, (size_t)(eq - p), FORM_MAX_KEY);
		val = decode(eq < amp ? eq + 1 : amp,
		    eq < amp ? (size_t)(amp - eq - 1) : 0, FORM_MAX_VALUE);
		if (key == NULL || val == NULL || key[0] == '\0' ||
		    f->n >= FORM_MAX_FIELDS) {
			free(key);
			free(val);
			form_cleanup(f);
			return (-1);
		}
		if (f->n == cap) {
			cap = cap ? cap * 2 : 16;
			f->fields = realloc(f->fields, cap * sizeof(*f->fields));
			if (f->fields == NULL)
				abort();
		}
		f->fields[f->n].key = key;
		f->fields[f->n].value = val;
		f->n++;
		p = amp + 1;
	}
	return (0);
}

const char *
form_get(const struct form *f, const char *key)
{
	size_t	i;

	for (i = 0; i < f->n; i++) {
		if (!strcmp(f->fields[i].key, key))
			return (f->fields[i].value);
	}
	return (NULL);
}

size_t
form_get_all(const struct form *f, const char *key, const char **out,
    size_t max)
{
	size_t	i, n;

	for (i = 0, n = 0; i < f->n && n < max; i++) {
		if (!strcmp(f->fields[i].key, key))
			out[n++] = f->fields[i].value;
	}
	return (n);
}

int
cookie_get(const char *header, const char *name, char *out, size_t outlen)
{
	const char	*p, *end, *semi, *eq;
	size_t		 nlen, vlen;

	if (header == NULL)
		return (-1);
	nlen = strlen(name);
	p = header;
	end = header + strlen(header);
	while (p < end) {
		while (p < end && (*p == ' ' || *p == ';'))
			p++;
		semi = memchr(p, ';', (size_t)(end - p));
		if (semi == NULL)
			semi = end;
		eq = memchr(p, '=', (size_t)(semi - p));
		if (eq != NULL && (size_t)(eq - p) == nlen &&
		    !memcmp(p, name, nlen)) {
			vlen = (size_t)(semi - eq - 1);
			while (vlen > 0 && eq[vlen] == ' ')
				vlen--;
			if (vlen + 1 > outlen)
				return (-1);
			memcpy(out, eq + 1, vlen);
			out[vlen] = '\0';
			return (0);
		}
		p = semi + 1;
	}
	return (-1);
}
