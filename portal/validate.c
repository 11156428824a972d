/*
 * validate: the input rules. Kept free of Kore so they are unit-tested.
 */
#include <ctype.h>
#include <string.h>

#include "validate.h"

/* The 17 시·도 in their official order (행정표준코드). */
const char *const region_codes[] = {
	"11", "26", "27", "28", "29", "30", "31", "36", "41", "51", "43",
	"44", "52", "46", "47", "48", "50", NULL
};
const char *const biz_types[] = {
	"manufacturer", "distributor", "service", "construction", NULL
};
const char *const agency_kinds[] = {
	"central", "local", "corporation", "education", NULL
};

static int	in_list(const char *, const char *const *);
static int	all_digits(const char *, size_t);

int
utf8_valid(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, k, need;
	unsigned int		 cp;

	for (i = 0; i < n; ) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((p[i] & 0xe0) == 0xc0) {
			need = 1;
			cp = p[i] & 0x1f;
		} else if ((p[i] & 0xf0) == 0xe0) {
			need = 2;
			cp = p[i] & 0x0f;
		} else if ((p[i] & 0xf8) == 0xf0) {
			need = 3;
			cp = p[i] & 0x07;
		} else {
			return (0);
		}
		if (i + need >= n)
			return (0);
		for (k = 1; k <= need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return (0);
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates and out-of-range code points. */
		if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) ||
		    (need == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return (0);
		i += need + 1;
	}
	return (1);
}

size_t
utf8_chars(const char *s)
{
	size_t	n;

	for (n = 0; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}
	return (n);
}

static int
all_digits(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (0);
	}
	return (1);
}

static int
in_list(const char *s, const char *const *list)
{
	if (s == NULL)
		return (0);
	for (; *list != NULL; list++) {
		if (!strcmp(s, *list))
			return (1);
	}
	return (0);
}

int
bizno_normalize(const char *in, char *out)
{
	size_t	len;

	if (in == NULL)
		return (0);
	len = strlen(in);
	if (len == 10 && all_digits(in, 10)) {
		memcpy(out, in, 10);
	} else if (len == 12 && in[3] == '-' && in[6] == '-' &&
	    all_digits(in, 3) && all_digits(in + 4, 2) &&
	    all_digits(in + 7, 5)) {
		memcpy(out, in, 3);
		memcpy(out + 3, in + 4, 2);
		memcpy(out + 5, in + 7, 5);
	} else {
		return (0);
	}
	out[10] = '\0';
	return (1);
}

/*
 * Weights 1,3,7,1,3,7,1,3,5 on d0..d8, plus floor(d8 * 5 / 10);
 * check = (10 - sum mod 10) mod 10 must equal d9.
 */
int
bizno_check_digit(const char *d)
{
	static const int	w[9] = { 1, 3, 7, 1, 3, 7, 1, 3, 5 };
	int			i, sum;

	if (strlen(d) != 10 || !all_digits(d, 10))
		return (0);
	sum = 0;
	for (i = 0; i < 9; i++)
		sum += (d[i] - '0') * w[i];
	sum += ((d[8] - '0') * 5) / 10;
	return ((10 - sum % 10) % 10 == d[9] - '0');
}

void
bizno_format(const char *d, char *out)
{
	memcpy(out, d, 3);
	out[3] = '-';
	memcpy(out + 4, d + 3, 2);
	out[6] = '-';
	memcpy(out + 7, d + 5, 5);
	out[12] = '\0';
}

static int
text_ok(const char *s, size_t minc, size_t maxc, int multiline)
{
	size_t			 n, len, i;
	const unsigned char	*p;

	if (s == NULL)
		return (minc == 0);
	len = strlen(s);
	if (!utf8_valid(s, len))
		return (0);
	p = (const unsigned char *)s;
	for (i = 0; i < len; i++) {
		/* DEL and the C1 controls U+0080..U+009F (0xC2 0x80..0x9F). */
		if (p[i] == 0x7f || (p[i] == 0xc2 && i + 1 < len &&
		    p[i + 1] >= 0x80 && p[i + 1] <= 0x9f))
			return (0);
		if (p[i] < 0x20 && !(multiline &&
		    (p[i] == '\n' || p[i] == '\r' || p[i] == '\t')))
			return (0);
	}
	n = utf8_chars(s);
	return (n >= minc && n <= maxc);
}

int
valid_text(const char *s, size_t minc, size_t maxc)
{
	return (text_ok(s, minc, maxc, 0));
}

int
valid_multiline(const char *s, size_t minc, size_t maxc)
{
	return (text_ok(s, minc, maxc, 1));
}

int
valid_reason(const char *s, size_t minc, size_t maxc)
{
	const unsigned char	*p;
	size_t			 n;

	if (s == NULL || !text_ok(s, 0, maxc, 1))
		return (0);
	/* Count code points that are not ASCII blanks (lead bytes only). */
	for (n = 0, p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p & 0xc0) == 0x80)
			continue;
		if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			n++;
	}
	return (n >= minc);
}

int
valid_email(const char *s)
{
	const char	*at, *dot, *p;
	size_t		 len;

	if (s == NULL || (len = strlen(s)) < 3 || len > 254)
		return (0);
	if ((at = strchr(s, '@')) == NULL || at == s || strchr(at + 1, '@'))
		return (0);
	for (p = s; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && strchr("@.-_+", *p) == NULL)
			return (0);
	}
	/* Every domain label is non-empty, and there are at least two. */
	if ((dot = strrchr(at, '.')) == NULL || at[1] == '.' ||
	    dot[1] == '\0' || strstr(at, "..") != NULL)
		return (0);
	return (at - s <= 64);
}

/* Korean numbers: 02-123-4567, 031-123-4567, 010-1234-5678, 1588-1234. */
int
valid_phone(const char *s)
{
	size_t	digits, dashes;

	if (s == NULL || *s == '\0' || *s == '-')
		return (0);
	digits = dashes = 0;
	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (*s == '-' && s[1] != '-' && s[1] != '\0')
			dashes++;
		else
			return (0);
	}
	return (digits >= 8 && digits <= 11 && dashes <= 2);
}

int
valid_login(const char *s)
{
	size_t	len, i;

	if (s == NULL || (len = strlen(s)) < 4 || len > 32)
		return (0);
	if (!islower((unsigned char)s[0]))
		return (0);
	for (i = 0; i < len; i++) {
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) && strchr("._-", s[i]) == NULL)
			return (0);
	}
	return (1);
}

/*
 * At least 10 characters using two of letters, digits and symbols, or at
 * least 8 using all three; at most 128; must not contain the login.
 */
int
valid_password(const char *pw, const char *login)
{
	size_t	len, chars, i;
	int	alpha, digit, other, classes;

	if (pw == NULL || (len = strlen(pw)) > 512 || !utf8_valid(pw, len) ||
	    (chars = utf8_chars(pw)) > 128)
		return (0);
	alpha = digit = other = 0;
	for (i = 0; i < len; i++) {
		if (isalpha((unsigned char)pw[i]))
			alpha = 1;
		else if (isdigit((unsigned char)pw[i]))
			digit = 1;
		else if ((unsigned char)pw[i] < 0x20)
			return (0);
		else
			other = 1;
	}
	classes = alpha + digit + other;
	if (!((chars >= 10 && classes >= 2) || (chars >= 8 && classes == 3)))
		return (0);
	if (login != NULL && strlen(login) >= 3 && strcasestr(pw, login) != NULL)
		return (0);
	return (1);
}

int
valid_agency_code(const char *s)
{
	return (s != NULL && strlen(s) == 7 && all_digits(s, 7));
}

int
valid_category_code(const char *s)
{
	return (s != NULL && strlen(s) == 8 && all_digits(s, 8));
}

int
valid_region(const char *s)
{
	return (in_list(s, region_codes));
}

int
valid_biz_type(const char *s)
{
	return (in_list(s, biz_types));
}

int
valid_agency_kind(const char *s)
{
	return (in_list(s, agency_kinds));
}

int
valid_local_path(const char *s)
{
	size_t			 len, i;
	const unsigned char	*p = (const unsigned char *)s;

	if (s == NULL || (len = strlen(s)) == 0 || len > 512 || s[0] != '/' ||
	    !utf8_valid(s, len))
		return (0);
	for (i = 0; i < len; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f || p[i] == '\\')
			return (0);
	}
	return (s[1] != '/');
}

int
valid_id(const char *s)
{
	size_t	len;

	if (s == NULL || (len = strlen(s)) == 0 || len > 18 || s[0] == '0')
		return (0);
	return (all_digits(s, len));
}
