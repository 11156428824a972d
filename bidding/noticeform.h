/*
 * noticeform: the rules of a tender notice draft (입찰공고), Kore-free.
 * The handler copies the submitted strings in; every field gets checked
 * and normalised, and each error is a message-catalog key per field.
 */
#ifndef G2B_NOTICEFORM_H
#define G2B_NOTICEFORM_H

#include <stddef.h>
#include <stdint.h>

#define NOTICE_MAX_ITEMS	10
#define NOTICE_AMOUNT_MAX	INT64_C(1000000000000000)	/* 10^15 won */
#define NOTICE_MAX_NOMINEES	100	/* 지명업체 of a nominated notice */

struct notice_item_in {
	const char	*code;		/* 8-digit category code */
	const char	*qty;		/* positive, up to 3 decimals */
	const char	*unit;		/* 1..20 characters */
};

struct notice_input {
	const char		*family;	/* goods services works foreign */
	const char		*title;
	const char		*base_amount;	/* 기초금액, digits and commas */
	const char		*budget;	/* 예산 */
	const char		*contract_method;
	const char		*award_method;
	const char		*range;		/* "2" or "3" (percent) */
	const char		*region_limit;	/* "" or a region code */
	const char		*category_limit;/* "" or 2..8 digits */
	const char		*bid_start;	/* YYYY-MM-DDTHH:MM, Seoul */
	const char		*bid_close;
	const char		*opening_at;
	const char		*officer;	/* user id */
	struct notice_item_in	 items[NOTICE_MAX_ITEMS];
	size_t			 nitems;	/* rows submitted */
	/*
	 * Nominees (지명업체) by 사업자등록번호: each field holds one or more
	 * numbers, separated by newlines, spaces, commas or semicolons.
	 */
	const char		*nominees[NOTICE_MAX_NOMINEES];
	size_t			 nnominee_fields;
};

struct notice_error {
	const char	*field;
	const char	*key;
};

struct notice_checked {
	int64_t		 base_amount;
	int64_t		 budget;
	int		 range_milli;
	char		 bid_start[17];		/* YYYY-MM-DD HH:MM */
	char		 bid_close[17];
	char		 opening_at[17];
	size_t		 nitems;		/* non-empty rows */
	struct notice_item_in items[NOTICE_MAX_ITEMS];
	char		 nominees[NOTICE_MAX_NOMINEES][11];	/* digits */
	size_t		 nnominees;		/* distinct, in input order */
	struct notice_error errors[32];
	size_t		 nerrors;
};

/*
 * 1 if the draft is acceptable; errors (field, key) otherwise. Nominees
 * are checked for form (10 digits, check digit), count and contract method
 * only: whether they are approved suppliers is the database's to say. A
 * nominated draft may have fewer than two (publication refuses it).
 */
int	notice_check(const struct notice_input *, struct notice_checked *);

/* Parse an amount in won ("1,234,000" or "1234000"); 0 or -1. */
int	notice_amount(const char *, int64_t *);

/* "YYYY-MM-DDTHH:MM" (or a space) to "YYYY-MM-DD HH:MM"; 0 or -1. */
int	notice_datetime(const char *, char out[17]);

/* Format won with thousands separators: 1234567 -> "1,234,567". */
void	notice_format_won(int64_t, char *, size_t);

/* Set var in v to the won amount in digits, formatted ("" if empty). */
struct tmpl_vars;
void	notice_won_var(struct tmpl_vars *, const char *, const char *);

#endif
