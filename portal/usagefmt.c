/*
 * usagefmt: write and read the portal's usage-event lines.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "usagefmt.h"

/* Append s escaped; keeps one byte for the newline. */
static size_t
put(char *out, size_t cap, size_t o, const char *s)
{
	static const char	hex[] = "0123456789abcdef";
	unsigned char		c;

	if (s == NULL || *s == '\0')
		s = "-";
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f || c == '\\') {
			if (o + 4 >= cap - 1)
				break;
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else {
			if (o + 1 >= cap - 1)
				break;
			out[o++] = (char)c;
		}
	}
	return (o);
}

static size_t
tab(char *out, size_t cap, size_t o)
{
	if (o + 1 < cap - 1)
		out[o++] = '\t';
	return (o);
}

size_t
usage_format(char *out, size_t cap, const struct usage_event *e)
{
	char	num[96];
	size_t	o;

	if (cap < 128)
		return (0);
	snprintf(num, sizeof(num), "%" PRId64, e->time_us);
	o = put(out, cap, 0, "u1");
	o = tab(out, cap, o);
	o = put(out, cap, o, num);
	o = tab(out, cap, o);
	o = put(out, cap, o, e->ip);
	o = tab(out, cap, o);
	o = put(out, cap, o, e->visitor);
	o = tab(out, cap, o);
	o = put(out, cap, o, e->user);
	o = tab(out, cap, o);
	o = put(out, cap, o, e->org);
	o = tab(out, cap, o);
	o = put(out, cap, o, e->role);
	o = tab(out, cap, o);
	o = put(out, cap, o, e->method);
	o = tab(out, cap, o);
	o = put(out, cap, o, e->route);
	o = tab(out, cap, o);
	o = put(out, cap, o, e->path);
	o = tab(out, cap, o);
	snprintf(num, sizeof(num), "%d", e->status);
	o = put(out, cap, o, num);
	o = tab(out, cap, o);
	snprintf(num, sizeof(num), "%" PRIu64, e->bytes);
	o = put(out, cap, o, num);
	o = tab(out, cap, o);
	snprintf(num, sizeof(num), "%" PRId64, e->dur_us);
	o = put(out, cap, o, num);
	o = tab(out, cap, o);
	o = put(out, cap, o, e->referer);
	o = tab(out, cap, o);
	o = put(out, cap, o, e->agent);
	out[o++] = '\n';
	return (o);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	return (-1);
}

/* Undo put()'s escapes in place; -1 on a malformed escape. */
static int
unescape(char *s)
{
	char	*d;
	int	 hi, lo;

	for (d = s; *s != '\0'; s++) {
		if (*s != '\\') {
			*d++ = *s;
			continue;
		}
		if (s[1] != 'x' || (hi = hexval(s[2])) < 0 ||
		    (lo = hexval(s[3])) < 0 || (hi == 0 && lo == 0))
			return (-1);
		*d++ = (char)(hi << 4 | lo);
		s += 3;
	}
	*d = '\0';
	return (0);
}

int
usage_split(char *line, char *f[USAGE_FIELDS])
{
	char	*p, *t;
	int	 n;

	p = line;
	for (n = 0; n < USAGE_FIELDS; n++) {
		f[n] = p;
		t = strchr(p, '\t');
		if (t == NULL) {
			if (n != USAGE_FIELDS - 1)
				return (-1);
			break;
		}
		if (n == USAGE_FIELDS - 1)
			return (-1);	/* too many fields */
		*t = '\0';
		p = t + 1;
	}
	if (strcmp(f[0], "u1") != 0 || f[1][0] == '\0')
		return (-1);
	for (n = 2; n < USAGE_FIELDS; n++) {
		if (unescape(f[n]) == -1)
			return (-1);
	}
	return (0);
}
