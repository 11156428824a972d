/*
 * noticeform: validation of tender notice drafts.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "noticeform.h"
#include "tmpl.h"
#include "validate.h"

static const char *const families[] = {
	"goods", "services", "works", "foreign", NULL
};
static const char *const contract_methods[] = {
	"open", "restricted", "nominated", "direct", NULL
};
static const char *const award_methods[] = {
	"lowest", "qualification", NULL
};

static int
one_of(const char *s, const char *const *list)
{
	for (; s != NULL && *list != NULL; list++) {
		if (!strcmp(s, *list))
			return (1);
	}
	return (0);
}

static void
err(struct notice_checked *c, const char *field, const char *key)
{
	size_t	i;

	for (i = 0; i < c->nerrors; i++) {
		if (!strcmp(c->errors[i].field, field))
			return;		/* the first error of a field wins */
	}
	if (c->nerrors < sizeof(c->errors) / sizeof(c->errors[0])) {
		c->errors[c->nerrors].field = field;
		c->errors[c->nerrors].key = key;
		c->nerrors++;
	}
}

int
notice_amount(const char *s, int64_t *out)
{
	int64_t	v;
	int	digits;

	if (s == NULL || *s == '\0')
		return (-1);
	v = 0;
	digits = 0;
	for (; *s != '\0'; s++) {
		if (*s == ',' && digits > 0)
			continue;
		if (!isdigit((unsigned char)*s))
			return (-1);
		if (v > (NOTICE_AMOUNT_MAX - (*s - '0')) / 10)
			return (-1);
		v = v * 10 + (*s - '0');
		digits++;
	}
	*out = v;
	return (0);
}

static int
days_in(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return (29);
	return (d[m - 1]);
}

int
notice_datetime(const char *s, char out[17])
{
	int	y, mo, d, h, mi, i;

	if (s == NULL || strlen(s) != 16 || (s[10] != 'T' && s[10] != ' '))
		return (-1);
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return (-1);
		} else if (i == 13) {
			if (s[i] != ':')
				return (-1);
		} else if (i != 10 && !isdigit((unsigned char)s[i])) {
			return (-1);
		}
	}
	if (sscanf(s, "%4d-%2d-%2d", &y, &mo, &d) != 3 ||
	    sscanf(s + 11, "%2d:%2d", &h, &mi) != 2)
		return (-1);
	if (y < 2000 || y > 2999 || mo < 1 || mo > 12 || d < 1 ||
	    d > days_in(y, mo) || h > 23 || mi > 59)
		return (-1);
	memcpy(out, s, 16);
	out[10] = ' ';
	out[16] = '\0';
	return (0);
}

void
notice_format_won(int64_t v, char *out, size_t len)
{
	char	digits[32], tmp[48];
	size_t	n, i, k;

	if (v < 0) {
		snprintf(out, len, "%lld", (long long)v);
		return;
	}
	n = (size_t)snprintf(digits, sizeof(digits), "%lld", (long long)v);
	for (i = 0, k = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			tmp[k++] = ',';
		tmp[k++] = digits[i];
	}
	tmp[k] = '\0';
	snprintf(out, len, "%s", tmp);
}

static int
valid_qty(const char *s)
{
	int	before, after, dot;

	if (s == NULL || *s == '\0')
		return (0);
	before = after = dot = 0;
	for (; *s != '\0'; s++) {
		if (*s == '.' && !dot) {
			dot = 1;
		} else if (isdigit((unsigned char)*s)) {
			if (dot)
				after++;
			else
				before++;
		} else {
			return (0);
		}
	}
	return (before >= 1 && before <= 12 && after <= 3 &&
	    (!dot || after > 0));
}

static int
positive_qty(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s >= '1' && *s <= '9')
			return (1);
	}
	return (0);
}

/*
 * The nominee fields: every number well formed, each kept once, at most
 * NOTICE_MAX_NOMINEES. Errors on field "nominees".
 */
static void
check_nominees(const struct notice_input *in, struct notice_checked *c)
{
	static const char	 sep[] = " \t\r\n,;";
	const char		*p;
	char			 tok[32], digits[11];
	size_t			 f, len, i;

	for (f = 0; f < in->nnominee_fields && f < NOTICE_MAX_NOMINEES; f++) {
		if ((p = in->nominees[f]) == NULL)
			continue;
		for (;;) {
			p += strspn(p, sep);
			if (*p == '\0')
				break;
			len = strcspn(p, sep);
			if (len >= sizeof(tok)) {
				err(c, "nominees", "err.nominee_format");
				return;
			}
			memcpy(tok, p, len);
			tok[len] = '\0';
			p += len;
			if (!bizno_normalize(tok, digits) ||
			    !bizno_check_digit(digits)) {
				err(c, "nominees", "err.nominee_format");
				return;
			}
			for (i = 0; i < c->nnominees; i++) {
				if (!strcmp(c->nominees[i], digits))
					break;
			}
			if (i < c->nnominees)
				continue;
			if (c->nnominees == NOTICE_MAX_NOMINEES) {
				err(c, "nominees", "err.nominees_too_many");
				return;
			}
			memcpy(c->nominees[c->nnominees++], digits, 11);
		}
	}
	if (c->nnominees > 0 && (in->contract_method == NULL ||
	    strcmp(in->contract_method, "nominated") != 0))
		err(c, "nominees", "err.nominees_not_nominated");
}

int
notice_check(const struct notice_input *in, struct notice_checked *c)
{
	const struct notice_item_in	*it;
	size_t				 i, len;
	int				 empty;

	memset(c, 0, sizeof(*c));
	if (!one_of(in->family, families))
		err(c, "family", "err.choose");
	if (in->title == NULL || *in->title == '\0')
		err(c, "title", "err.required");
	else if (!valid_text(in->title, 4, 200))
		err(c, "title", "err.text_4_200");

	if (in->base_amount == NULL || *in->base_amount == '\0')
		err(c, "base_amount", "err.required");
	else if (notice_amount(in->base_amount, &c->base_amount) == -1 ||
	    c->base_amount < 1000)
		err(c, "base_amount", "err.amount");
	if (in->budget == NULL || *in->budget == '\0')
		err(c, "budget", "err.required");
	else if (notice_amount(in->budget, &c->budget) == -1 ||
	    c->budget < 1000)
		err(c, "budget", "err.amount");
	else if (c->base_amount > 0 && c->budget < c->base_amount)
		err(c, "budget", "err.budget_below_base");

	if (!one_of(in->contract_method, contract_methods))
		err(c, "contract_method", "err.choose");
	if (!one_of(in->award_method, award_methods))
		err(c, "award_method", "err.choose");
	if (in->range != NULL && !strcmp(in->range, "2"))
		c->range_milli = 2000;
	else if (in->range != NULL && !strcmp(in->range, "3"))
		c->range_milli = 3000;
	else
		err(c, "range", "err.choose");
	if (in->region_limit != NULL && *in->region_limit != '\0' &&
	    !valid_region(in->region_limit))
		err(c, "region_limit", "err.choose");
	if (in->category_limit != NULL && *in->category_limit != '\0') {
		len = strlen(in->category_limit);
		for (i = 0; i < len; i++) {
			if (!isdigit((unsigned char)in->category_limit[i]))
				break;
		}
		if (i != len || len < 2 || len > 8)
			err(c, "category_limit", "err.category_prefix");
	}
	/* Restricted competition names what it restricts. */
	if (in->contract_method != NULL &&
	    !strcmp(in->contract_method, "restricted") &&
	    (in->region_limit == NULL || *in->region_limit == '\0') &&
	    (in->category_limit == NULL || *in->category_limit == '\0'))
		err(c, "region_limit", "err.restricted_needs_limit");

	if (notice_datetime(in->bid_start, c->bid_start) == -1)
		err(c, "bid_start", "err.datetime");
	if (notice_datetime(in->bid_close, c->bid_close) == -1)
		err(c, "bid_close", "err.datetime");
	if (notice_datetime(in->opening_at, c->opening_at) == -1)
		err(c, "opening_at", "err.datetime");
	if (c->bid_start[0] && c->bid_close[0] &&
	    strcmp(c->bid_start, c->bid_close) >= 0)
		err(c, "bid_close", "err.close_before_start");
	if (c->bid_close[0] && c->opening_at[0] &&
	    strcmp(c->bid_close, c->opening_at) > 0)
		err(c, "opening_at", "err.opening_before_close");
	if (in->officer == NULL || !valid_id(in->officer))
		err(c, "officer", "err.choose");

	for (i = 0; i < in->nitems && i < NOTICE_MAX_ITEMS; i++) {
		it = &in->items[i];
		empty = (it->code == NULL || *it->code == '\0') &&
		    (it->qty == NULL || *it->qty == '\0') &&
		    (it->unit == NULL || *it->unit == '\0');
		if (empty)
			continue;
		if (!valid_category_code(it->code) || !valid_qty(it->qty) ||
		    !positive_qty(it->qty) || it->unit == NULL ||
		    !valid_text(it->unit, 1, 20)) {
			err(c, "items", "err.item");
			continue;
		}
		c->items[c->nitems++] = *it;
	}
	if (c->nitems == 0)
		err(c, "items", "err.items_required");
	check_nominees(in, c);
	return (c->nerrors == 0);
}

void
notice_won_var(struct tmpl_vars *v, const char *var, const char *digits)
{
	char	buf[40];

	if (digits == NULL || *digits == '\0') {
		tmpl_set(v, var, "");
		return;
	}
	notice_format_won(strtoll(digits, NULL, 10), buf, sizeof(buf));
	tmpl_set(v, var, buf);
}
