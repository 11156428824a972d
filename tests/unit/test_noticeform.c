/*
 * Unit tests for bidding/noticeform.c: the rules of a tender notice draft
 * (입찰공고), amounts in won, datetimes, quantities and item rows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "noticeform.h"

/* ---------------------------------------------------------------------
 * Helpers
 */

/* A complete, acceptable draft; tests change one thing at a time. */
static void
valid_input(struct notice_input *in)
{
	memset(in, 0, sizeof(*in));
	in->family = "goods";
	in->title = "사무용 복합기 구매";
	in->base_amount = "1,234,000";
	in->budget = "2,000,000";
	in->contract_method = "open";
	in->award_method = "lowest";
	in->range = "2";
	in->region_limit = "";
	in->category_limit = "";
	in->bid_start = "2025-03-03T09:00";
	in->bid_close = "2025-03-10T10:00";
	in->opening_at = "2025-03-10T11:00";
	in->officer = "42";
	in->items[0].code = "43211501";
	in->items[0].qty = "3";
	in->items[0].unit = "대";
	in->nitems = 1;
}

/* The key recorded for field, or NULL when the field has no error. */
static const char *
key_for(const struct notice_checked *c, const char *field)
{
	size_t	i;

	for (i = 0; i < c->nerrors; i++) {
		if (!strcmp(c->errors[i].field, field))
			return (c->errors[i].key);
	}
	return (NULL);
}

/* The draft is refused with exactly one error: (field, key). */
static void
assert_one_error(const struct notice_input *in, const char *field,
    const char *key)
{
	struct notice_checked	c;

	assert_int_equal(notice_check(in, &c), 0);
	if (c.nerrors != 1) {
		size_t	i;

		for (i = 0; i < c.nerrors; i++)
			print_message("  error %zu: %s %s\n", i,
			    c.errors[i].field, c.errors[i].key);
	}
	assert_int_equal(c.nerrors, 1);
	assert_string_equal(c.errors[0].field, field);
	assert_string_equal(c.errors[0].key, key);
}

static void
assert_accepted(const struct notice_input *in)
{
	struct notice_checked	c;
	int			ok;

	ok = notice_check(in, &c);
	if (!ok && c.nerrors > 0)
		print_message("  first error: %s %s\n", c.errors[0].field,
		    c.errors[0].key);
	assert_int_equal(ok, 1);
	assert_int_equal(c.nerrors, 0);
}

/* notice_check with items[0].qty replaced. */
static int
qty_ok(const char *qty)
{
	struct notice_input	in;
	struct notice_checked	c;

	valid_input(&in);
	in.items[0].qty = qty;
	if (notice_check(&in, &c))
		return (1);
	assert_string_equal(key_for(&c, "items"), "err.item");
	assert_int_equal(c.nerrors, 1);
	return (0);
}

static int
datetime_ok(const char *s)
{
	char	out[17];

	return (notice_datetime(s, out) == 0);
}

static int
amount_ok(const char *s)
{
	int64_t	v;

	return (notice_amount(s, &v) == 0);
}

/* ---------------------------------------------------------------------
 * A complete draft
 */

static void
test_valid_draft_passes_with_normalised_values(void **state)
{
	struct notice_input	in;
	struct notice_checked	c;

	(void)state;
	valid_input(&in);
	/* Three rows submitted, the middle one left blank in the form. */
	in.items[1].code = "";
	in.items[1].qty = "";
	in.items[1].unit = "";
	in.items[2].code = "44101501";
	in.items[2].qty = "1.5";
	in.items[2].unit = "세트";
	in.nitems = 3;

	assert_int_equal(notice_check(&in, &c), 1);
	assert_int_equal(c.nerrors, 0);
	assert_int_equal(c.base_amount, 1234000);
	assert_int_equal(c.budget, 2000000);
	assert_int_equal(c.range_milli, 2000);
	assert_string_equal(c.bid_start, "2025-03-03 09:00");
	assert_string_equal(c.bid_close, "2025-03-10 10:00");
	assert_string_equal(c.opening_at, "2025-03-10 11:00");
	assert_int_equal(c.nitems, 2);
	assert_string_equal(c.items[0].code, "43211501");
	assert_string_equal(c.items[0].qty, "3");
	assert_string_equal(c.items[0].unit, "대");
	assert_string_equal(c.items[1].code, "44101501");
	assert_string_equal(c.items[1].qty, "1.5");
	assert_string_equal(c.items[1].unit, "세트");
}

static void
test_valid_draft_range_3_is_3000_milli(void **state)
{
	struct notice_input	in;
	struct notice_checked	c;

	(void)state;
	valid_input(&in);
	in.range = "3";
	assert_int_equal(notice_check(&in, &c), 1);
	assert_int_equal(c.range_milli, 3000);
}

static void
test_valid_draft_amounts_without_commas(void **state)
{
	struct notice_input	in;
	struct notice_checked	c;

	(void)state;
	valid_input(&in);
	in.base_amount = "1234000";
	in.budget = "1234000";		/* budget equal to base is fine */
	assert_int_equal(notice_check(&in, &c), 1);
	assert_int_equal(c.base_amount, 1234000);
	assert_int_equal(c.budget, 1234000);
}

static void
test_valid_draft_accepts_every_listed_choice(void **state)
{
	static const char *const families[] = {
		"goods", "services", "works", "foreign"
	};
	static const char *const contracts[] = {
		"open", "nominated", "direct"
	};
	struct notice_input	in;
	size_t			i;

	(void)state;
	for (i = 0; i < 4; i++) {
		valid_input(&in);
		in.family = families[i];
		assert_accepted(&in);
	}
	for (i = 0; i < 3; i++) {
		valid_input(&in);
		in.contract_method = contracts[i];
		assert_accepted(&in);
	}
	valid_input(&in);
	in.award_method = "qualification";
	assert_accepted(&in);
}

static void
test_valid_draft_limits_may_be_null_or_empty(void **state)
{
	struct notice_input	in;

	(void)state;
	valid_input(&in);
	in.region_limit = NULL;
	in.category_limit = NULL;
	assert_accepted(&in);
	valid_input(&in);
	in.region_limit = "11";
	in.category_limit = "4321";
	assert_accepted(&in);
}

static void
test_valid_draft_space_separated_datetimes(void **state)
{
	struct notice_input	in;
	struct notice_checked	c;

	(void)state;
	valid_input(&in);
	in.bid_start = "2025-03-03 09:00";
	assert_int_equal(notice_check(&in, &c), 1);
	assert_string_equal(c.bid_start, "2025-03-03 09:00");
}

/* ---------------------------------------------------------------------
 * Errors per field
 */

static void
test_empty_draft_reports_required_and_choose_per_field(void **state)
{
	struct notice_input	in;
	struct notice_checked	c;
	size_t			i, j;

	(void)state;
	memset(&in, 0, sizeof(in));
	assert_int_equal(notice_check(&in, &c), 0);
	assert_string_equal(key_for(&c, "family"), "err.choose");
	assert_string_equal(key_for(&c, "title"), "err.required");
	assert_string_equal(key_for(&c, "base_amount"), "err.required");
	assert_string_equal(key_for(&c, "budget"), "err.required");
	assert_string_equal(key_for(&c, "contract_method"), "err.choose");
	assert_string_equal(key_for(&c, "award_method"), "err.choose");
	assert_string_equal(key_for(&c, "range"), "err.choose");
	assert_string_equal(key_for(&c, "bid_start"), "err.datetime");
	assert_string_equal(key_for(&c, "bid_close"), "err.datetime");
	assert_string_equal(key_for(&c, "opening_at"), "err.datetime");
	assert_string_equal(key_for(&c, "officer"), "err.choose");
	assert_string_equal(key_for(&c, "items"), "err.items_required");
	assert_null(key_for(&c, "region_limit"));
	assert_null(key_for(&c, "category_limit"));
	assert_int_equal(c.nerrors, 12);
	/* One entry per field. */
	for (i = 0; i < c.nerrors; i++)
		for (j = i + 1; j < c.nerrors; j++)
			assert_string_not_equal(c.errors[i].field,
			    c.errors[j].field);
}

static void
test_empty_strings_are_required(void **state)
{
	struct notice_input	in;

	(void)state;
	valid_input(&in);
	in.title = "";
	assert_one_error(&in, "title", "err.required");
	valid_input(&in);
	in.base_amount = "";
	assert_one_error(&in, "base_amount", "err.required");
	valid_input(&in);
	in.budget = "";
	assert_one_error(&in, "budget", "err.required");
}

static void
test_family_outside_list_is_choose(void **state)
{
	struct notice_input	in;

	(void)state;
	valid_input(&in);
	in.family = "Goods";
	assert_one_error(&in, "family", "err.choose");
	in.family = "service";
	assert_one_error(&in, "family", "err.choose");
	in.family = "";
	assert_one_error(&in, "family", "err.choose");
	in.family = "goods ";
	assert_one_error(&in, "family", "err.choose");
}

static void
test_title_length_and_controls_are_text_4_200(void **state)
{
	struct notice_input	in;
	char			s[202];

	(void)state;
	valid_input(&in);
	in.title = "abc";
	assert_one_error(&in, "title", "err.text_4_200");
	in.title = "abcd";
	assert_accepted(&in);
	memset(s, 'a', 200);
	s[200] = '\0';
	in.title = s;
	assert_accepted(&in);
	memset(s, 'a', 201);
	s[201] = '\0';
	assert_one_error(&in, "title", "err.text_4_200");
	in.title = "복합기\n구매";
	assert_one_error(&in, "title", "err.text_4_200");
	in.title = "abc\xff";
	assert_one_error(&in, "title", "err.text_4_200");
}

static void
test_title_korean_counted_in_characters(void **state)
{
	struct notice_input	in;
	char			s[3 * 201 + 1];
	size_t			i;

	(void)state;
	valid_input(&in);
	in.title = "입찰공고";		/* 4 characters, 12 bytes */
	assert_accepted(&in);
	in.title = "입찰공";		/* 3 characters, 9 bytes */
	assert_one_error(&in, "title", "err.text_4_200");
	s[0] = '\0';
	for (i = 0; i < 200; i++)
		strcat(s, "가");
	in.title = s;			/* 200 characters, 600 bytes */
	assert_accepted(&in);
	strcat(s, "가");
	assert_one_error(&in, "title", "err.text_4_200");
}

static void
test_base_amount_malformed_is_amount(void **state)
{
	struct notice_input	in;

	(void)state;
	valid_input(&in);
	in.base_amount = "1,234,000원";
	assert_one_error(&in, "base_amount", "err.amount");
	in.base_amount = ",1234000";
	assert_one_error(&in, "base_amount", "err.amount");
	in.base_amount = "-1234000";
	assert_one_error(&in, "base_amount", "err.amount");
	in.base_amount = "1 234 000";
	assert_one_error(&in, "base_amount", "err.amount");
}

static void
test_base_amount_below_1000_is_amount(void **state)
{
	struct notice_input	in;
	struct notice_checked	c;

	(void)state;
	valid_input(&in);
	in.base_amount = "999";
	assert_one_error(&in, "base_amount", "err.amount");
	in.base_amount = "0";
	assert_one_error(&in, "base_amount", "err.amount");
	in.base_amount = "1,000";
	assert_int_equal(notice_check(&in, &c), 1);
	assert_int_equal(c.base_amount, 1000);
}

static void
test_budget_malformed_or_small_is_amount(void **state)
{
	struct notice_input	in;

	(void)state;
	valid_input(&in);
	in.budget = "2백만";
	assert_one_error(&in, "budget", "err.amount");
	in.budget = "999";
	assert_one_error(&in, "budget", "err.amount");
	in.budget = "1,000,000,000,000,001";
	assert_one_error(&in, "budget", "err.amount");
}

static void
test_budget_below_base_is_budget_below_base(void **state)
{
	struct notice_input	in;

	(void)state;
	valid_input(&in);
	in.budget = "1,233,999";
	assert_one_error(&in, "budget", "err.budget_below_base");
	in.budget = "1,234,000";
	assert_accepted(&in);
}

static void
test_budget_not_compared_with_unparsable_base(void **state)
{
	struct notice_input	in;

	(void)state;
	valid_input(&in);
	in.base_amount = "12x";
	in.budget = "5,000";
	assert_one_error(&in, "base_amount", "err.amount");
}

static void
test_contract_and_award_outside_list_are_choose(void **state)
{
	struct notice_input	in;

	(void)state;
	valid_input(&in);
	in.contract_method = "limited";
	assert_one_error(&in, "contract_method", "err.choose");
	valid_input(&in);
	in.contract_method = NULL;
	assert_one_error(&in, "contract_method", "err.choose");
	valid_input(&in);
	in.award_method = "highest";
	assert_one_error(&in, "award_method", "err.choose");
	in.award_method = "";
	assert_one_error(&in, "award_method", "err.choose");
}

static void
test_range_other_than_2_or_3_is_choose(void **state)
{
	static const char *const bad[] = {
		"1", "4", "0", "", "2.0", "02", " 2", "3%", "23"
	};
	struct notice_input	in;
	size_t			i;

	(void)state;
	valid_input(&in);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		in.range = bad[i];
		assert_one_error(&in, "range", "err.choose");
	}
	in.range = NULL;
	assert_one_error(&in, "range", "err.choose");
}

static void
test_region_limit_unknown_is_choose(void **state)
{
	struct notice_input	in;

	(void)state;
	valid_input(&in);
	in.region_limit = "99";
	assert_one_error(&in, "region_limit", "err.choose");
	in.region_limit = "1";
	assert_one_error(&in, "region_limit", "err.choose");
	in.region_limit = "서울";
	assert_one_error(&in, "region_limit", "err.choose");
	in.region_limit = "50";		/* 제주 */
	assert_accepted(&in);
}

static void
test_category_limit_not_2_to_8_digits_is_category_prefix(void **state)
{
	struct notice_input	in;

	(void)state;
	valid_input(&in);
	in.category_limit = "4";
	assert_one_error(&in, "category_limit", "err.category_prefix");
	in.category_limit = "432115011";
	assert_one_error(&in, "category_limit", "err.category_prefix");
	in.category_limit = "43a1";
	assert_one_error(&in, "category_limit", "err.category_prefix");
	in.category_limit = "43 1";
	assert_one_error(&in, "category_limit", "err.category_prefix");
	in.category_limit = "-43";
	assert_one_error(&in, "category_limit", "err.category_prefix");
	in.category_limit = "43";
	assert_accepted(&in);
	in.category_limit = "43211501";
	assert_accepted(&in);
}

static void
test_restricted_without_limit_is_restricted_needs_limit(void **state)
{
	struct notice_input	in;

	(void)state;
	valid_input(&in);
	in.contract_method = "restricted";
	assert_one_error(&in, "region_limit", "err.restricted_needs_limit");
	in.region_limit = NULL;
	in.category_limit = NULL;
	assert_one_error(&in, "region_limit", "err.restricted_needs_limit");
}

static void
test_restricted_with_region_or_category_limit_accepted(void **state)
{
	struct notice_input	in;

	(void)state;
	valid_input(&in);
	in.contract_method = "restricted";
	in.region_limit = "26";
	assert_accepted(&in);
	in.region_limit = "";
	in.category_limit = "4321";
	assert_accepted(&in);
	in.region_limit = "41";
	assert_accepted(&in);
}

static void
test_restricted_with_unknown_region_reports_choose_once(void **state)
{
	struct notice_input	in;

	(void)state;
	valid_input(&in);
	in.contract_method = "restricted";
	in.region_limit = "00";
	assert_one_error(&in, "region_limit", "err.choose");
}

static void
test_malformed_datetimes_are_datetime(void **state)
{
	struct notice_input	in;

	(void)state;
	valid_input(&in);
	in.bid_start = "2025-03-03";
	assert_one_error(&in, "bid_start", "err.datetime");
	valid_input(&in);
	in.bid_close = "2025-02-30T10:00";
	assert_one_error(&in, "bid_close", "err.datetime");
	valid_input(&in);
	in.opening_at = NULL;
	assert_one_error(&in, "opening_at", "err.datetime");
}

static void
test_close_not_after_start_is_close_before_start(void **state)
{
	struct notice_input	in;

	(void)state;
	valid_input(&in);
	in.bid_close = "2025-03-03T09:00";	/* equal to the start */
	in.opening_at = "2025-03-03T09:00";
	assert_one_error(&in, "bid_close", "err.close_before_start");
	in.bid_close = "2025-03-02T23:59";
	assert_one_error(&in, "bid_close", "err.close_before_start");
	/* Mixed separators still compare as times. */
	in.bid_start = "2025-03-03 09:00";
	in.bid_close = "2025-03-03T09:01";
	in.opening_at = "2025-03-03T09:01";
	assert_accepted(&in);
}

static void
test_opening_before_close_is_opening_before_close(void **state)
{
	struct notice_input	in;

	(void)state;
	valid_input(&in);
	in.opening_at = "2025-03-10T09:59";
	assert_one_error(&in, "opening_at", "err.opening_before_close");
	in.opening_at = "2024-12-31T23:59";
	assert_one_error(&in, "opening_at", "err.opening_before_close");
	/* Opening right at the close is allowed (bid_close <= opening_at). */
	in.opening_at = "2025-03-10T10:00";
	assert_accepted(&in);
}

static void
test_officer_not_a_positive_id_is_choose(void **state)
{
	static const char *const bad[] = { "", "0", "-1", "abc", "4 2", "042" };
	struct notice_input	in;
	size_t			i;

	(void)state;
	valid_input(&in);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		in.officer = bad[i];
		assert_one_error(&in, "officer", "err.choose");
	}
	in.officer = NULL;
	assert_one_error(&in, "officer", "err.choose");
}

static void
test_bad_item_row_is_item_and_good_rows_kept(void **state)
{
	struct notice_input	in;
	struct notice_checked	c;

	(void)state;
	valid_input(&in);
	in.items[1].code = "4321150";	/* 7 digits */
	in.items[1].qty = "1";
	in.items[1].unit = "개";
	in.items[2].code = "44101501";
	in.items[2].qty = "2";
	in.items[2].unit = "개";
	in.nitems = 3;
	assert_int_equal(notice_check(&in, &c), 0);
	assert_int_equal(c.nerrors, 1);
	assert_string_equal(c.errors[0].field, "items");
	assert_string_equal(c.errors[0].key, "err.item");
	assert_int_equal(c.nitems, 2);
	assert_string_equal(c.items[0].code, "43211501");
	assert_string_equal(c.items[1].code, "44101501");
}

static void
test_item_code_not_8_digits_is_item(void **state)
{
	static const char *const bad[] = {
		"4321150", "432115011", "4321150a", "4321 501", ""
	};
	struct notice_input	in;
	size_t			i;

	(void)state;
	valid_input(&in);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		in.items[0].code = bad[i];
		assert_one_error(&in, "items", "err.item");
	}
	in.items[0].code = NULL;
	assert_one_error(&in, "items", "err.item");
}

static void
test_item_unit_missing_or_too_long_is_item(void **state)
{
	struct notice_input	in;
	char			s[3 * 21 + 1];
	size_t			i;

	(void)state;
	valid_input(&in);
	in.items[0].unit = "";
	assert_one_error(&in, "items", "err.item");
	in.items[0].unit = NULL;
	assert_one_error(&in, "items", "err.item");
	in.items[0].unit = "개\t";
	assert_one_error(&in, "items", "err.item");
	s[0] = '\0';
	for (i = 0; i < 20; i++)
		strcat(s, "개");
	in.items[0].unit = s;		/* 20 characters, 60 bytes */
	assert_accepted(&in);
	strcat(s, "개");
	assert_one_error(&in, "items", "err.item");
}

static void
test_row_with_only_unit_is_not_empty(void **state)
{
	struct notice_input	in;

	(void)state;
	valid_input(&in);
	in.items[1].unit = "개";
	in.nitems = 2;
	assert_one_error(&in, "items", "err.item");
}

static void
test_no_items_is_items_required(void **state)
{
	struct notice_input	in;

	(void)state;
	valid_input(&in);
	in.nitems = 0;
	assert_one_error(&in, "items", "err.items_required");
	/* Only blank rows: same thing. */
	in.items[0].code = "";
	in.items[0].qty = "";
	in.items[0].unit = "";
	in.items[1].code = NULL;
	in.items[1].qty = NULL;
	in.items[1].unit = NULL;
	in.nitems = 2;
	assert_one_error(&in, "items", "err.items_required");
}

static void
test_items_capped_at_max_rows(void **state)
{
	struct notice_input	in;
	struct notice_checked	c;
	size_t			i;

	(void)state;
	valid_input(&in);
	for (i = 0; i < NOTICE_MAX_ITEMS; i++)
		in.items[i] = in.items[0];
	in.nitems = NOTICE_MAX_ITEMS + 5;	/* more than the array holds */
	assert_int_equal(notice_check(&in, &c), 1);
	assert_int_equal(c.nitems, NOTICE_MAX_ITEMS);
}

/* ---------------------------------------------------------------------
 * Only the first error of a field is kept
 */

static void
test_only_first_error_per_field_kept_for_items(void **state)
{
	struct notice_input	in;

	(void)state;
	valid_input(&in);
	/* Two bad rows and no good one: err.item, not items_required too. */
	in.items[0].qty = "0";
	in.items[1].code = "x";
	in.items[1].qty = "1";
	in.items[1].unit = "개";
	in.nitems = 2;
	assert_one_error(&in, "items", "err.item");
}

static void
test_only_first_error_per_field_kept_for_dates(void **state)
{
	struct notice_input	in;
	struct notice_checked	c;

	(void)state;
	/* A bad close is err.datetime; no ordering error on top. */
	valid_input(&in);
	in.bid_close = "2025-03-10T25:00";
	assert_one_error(&in, "bid_close", "err.datetime");
	/* Each date field its own error, in form order. */
	valid_input(&in);
	in.bid_start = "x";
	in.bid_close = "y";
	in.opening_at = "z";
	assert_int_equal(notice_check(&in, &c), 0);
	assert_int_equal(c.nerrors, 3);
	assert_string_equal(c.errors[0].field, "bid_start");
	assert_string_equal(c.errors[1].field, "bid_close");
	assert_string_equal(c.errors[2].field, "opening_at");
}

static void
test_errors_on_several_fields_all_reported(void **state)
{
	struct notice_input	in;
	struct notice_checked	c;

	(void)state;
	valid_input(&in);
	in.title = "abc";
	in.budget = "1,000";		/* below base */
	in.range = "5";
	in.category_limit = "1";
	assert_int_equal(notice_check(&in, &c), 0);
	assert_int_equal(c.nerrors, 4);
	assert_string_equal(key_for(&c, "title"), "err.text_4_200");
	assert_string_equal(key_for(&c, "budget"), "err.budget_below_base");
	assert_string_equal(key_for(&c, "range"), "err.choose");
	assert_string_equal(key_for(&c, "category_limit"),
	    "err.category_prefix");
}

/* ---------------------------------------------------------------------
 * notice_amount
 */

static void
test_amount_plain_and_with_commas(void **state)
{
	int64_t	v;

	(void)state;
	assert_int_equal(notice_amount("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(notice_amount("1234000", &v), 0);
	assert_int_equal(v, 1234000);
	assert_int_equal(notice_amount("1,234,000", &v), 0);
	assert_int_equal(v, 1234000);
	assert_int_equal(notice_amount("999", &v), 0);
	assert_int_equal(v, 999);
	assert_int_equal(notice_amount("1,000,000,000,000,000", &v), 0);
	assert_int_equal(v, NOTICE_AMOUNT_MAX);
}

static void
test_amount_leading_comma_refused(void **state)
{
	int64_t	v = 77;

	(void)state;
	assert_int_equal(notice_amount(",1000", &v), -1);
	assert_int_equal(notice_amount(",", &v), -1);
	assert_int_equal(notice_amount(",,1,000", &v), -1);
	/* Nothing written on failure. */
	assert_int_equal(v, 77);
}

static void
test_amount_overflow_past_10_15_refused(void **state)
{
	int64_t	v;

	(void)state;
	assert_int_equal(notice_amount("1000000000000000", &v), 0);
	assert_int_equal(v, NOTICE_AMOUNT_MAX);
	assert_int_equal(notice_amount("999999999999999", &v), 0);
	assert_int_equal(v, NOTICE_AMOUNT_MAX - 1);
	assert_int_equal(notice_amount("1000000000000001", &v), -1);
	assert_int_equal(notice_amount("1,000,000,000,000,001", &v), -1);
	assert_int_equal(notice_amount("9999999999999999", &v), -1);
	assert_int_equal(notice_amount("10000000000000000", &v), -1);
	/* Far past int64: refused, no signed overflow (UBSan). */
	assert_int_equal(notice_amount("99999999999999999999999999", &v), -1);
	assert_int_equal(notice_amount("9223372036854775807", &v), -1);
	assert_int_equal(notice_amount("9223372036854775808", &v), -1);
}

static void
test_amount_leading_zeros_do_not_overflow(void **state)
{
	int64_t	v;

	(void)state;
	assert_int_equal(notice_amount("00000000000000000000001000", &v), 0);
	assert_int_equal(v, 1000);
}

static void
test_amount_letters_spaces_signs_refused(void **state)
{
	static const char *const bad[] = {
		"12a", "a12", "1.000", "1 000", " 1000", "1000 ", "-1000",
		"+1000", "1e6", "0x10", "1,000원", "\xef\xbc\x91", "1000\n",
		""
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (amount_ok(bad[i]))
			print_message("  accepted: \"%s\"\n", bad[i]);
		assert_false(amount_ok(bad[i]));
	}
	assert_false(amount_ok(NULL));
}

/* ---------------------------------------------------------------------
 * notice_datetime
 */

static void
test_datetime_normalises_t_to_space(void **state)
{
	char	out[17];

	(void)state;
	assert_int_equal(notice_datetime("2025-03-03T09:05", out), 0);
	assert_string_equal(out, "2025-03-03 09:05");
	memset(out, 'x', sizeof(out));
	assert_int_equal(notice_datetime("2025-12-31 23:59", out), 0);
	assert_string_equal(out, "2025-12-31 23:59");
	assert_int_equal(notice_datetime("2025-01-01T00:00", out), 0);
	assert_string_equal(out, "2025-01-01 00:00");
}

static void
test_datetime_feb_29_only_in_leap_years(void **state)
{
	(void)state;
	assert_true(datetime_ok("2024-02-29T10:00"));
	assert_true(datetime_ok("2000-02-29T10:00"));	/* divisible by 400 */
	assert_true(datetime_ok("2400-02-29T10:00"));
	assert_false(datetime_ok("2023-02-29T10:00"));
	assert_false(datetime_ok("2100-02-29T10:00"));	/* divisible by 100 */
	assert_false(datetime_ok("2024-02-30T10:00"));
	assert_true(datetime_ok("2023-02-28T10:00"));
}

static void
test_datetime_day_per_month(void **state)
{
	(void)state;
	assert_true(datetime_ok("2025-01-31T10:00"));
	assert_true(datetime_ok("2025-12-31T10:00"));
	assert_false(datetime_ok("2025-04-31T10:00"));
	assert_false(datetime_ok("2025-06-31T10:00"));
	assert_false(datetime_ok("2025-09-31T10:00"));
	assert_false(datetime_ok("2025-11-31T10:00"));
	assert_false(datetime_ok("2025-01-32T10:00"));
	assert_false(datetime_ok("2025-01-00T10:00"));
}

static void
test_datetime_month_13_and_00_refused(void **state)
{
	(void)state;
	assert_false(datetime_ok("2025-13-01T10:00"));
	assert_false(datetime_ok("2025-00-01T10:00"));
	assert_false(datetime_ok("2025-99-01T10:00"));
}

static void
test_datetime_hour_24_and_minute_60_refused(void **state)
{
	(void)state;
	assert_true(datetime_ok("2025-03-03T23:59"));
	assert_false(datetime_ok("2025-03-03T24:00"));
	assert_false(datetime_ok("2025-03-03T10:60"));
	assert_false(datetime_ok("2025-03-03T99:99"));
}

static void
test_datetime_year_range_2000_2999(void **state)
{
	(void)state;
	assert_true(datetime_ok("2000-01-01T00:00"));
	assert_true(datetime_ok("2999-12-31T23:59"));
	assert_false(datetime_ok("1999-12-31T23:59"));
	assert_false(datetime_ok("3000-01-01T00:00"));
	assert_false(datetime_ok("0000-01-01T00:00"));
}

static void
test_datetime_wrong_separators_refused(void **state)
{
	static const char *const bad[] = {
		"2025/03/03T10:00", "2025.03.03T10:00", "2025-03-03t10:00",
		"2025-03-03_10:00", "2025-03-03-10:00", "2025-03-03T10.00",
		"2025-03-03T10-00", "2025-0303-T10:00", "20250-3-03T10:00",
		"2025-03-03T1:000", "2025-03-03\t10:00", "+025-03-03T10:00",
		"2025-+3-03T10:00", "2025-03-03T 9:00", "2025-03-03T-1:00"
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (datetime_ok(bad[i]))
			print_message("  accepted: \"%s\"\n", bad[i]);
		assert_false(datetime_ok(bad[i]));
	}
}

static void
test_datetime_wrong_length_refused(void **state)
{
	static const char *const bad[] = {
		"", "2025-03-03", "2025-3-03T10:00", "2025-03-3T10:00",
		"2025-03-03T1:00", "2025-03-03T10:0", "2025-03-03T10:00:00",
		"2025-03-03T10:00Z", " 2025-03-03T10:00", "2025-03-03T10:00 ",
		"02025-03-03T10:00"
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (datetime_ok(bad[i]))
			print_message("  accepted: \"%s\"\n", bad[i]);
		assert_false(datetime_ok(bad[i]));
	}
	assert_false(datetime_ok(NULL));
}

/* ---------------------------------------------------------------------
 * notice_format_won
 */

static void
test_format_won_thousands_separators(void **state)
{
	char	out[32];

	(void)state;
	notice_format_won(0, out, sizeof(out));
	assert_string_equal(out, "0");
	notice_format_won(999, out, sizeof(out));
	assert_string_equal(out, "999");
	notice_format_won(1000, out, sizeof(out));
	assert_string_equal(out, "1,000");
	notice_format_won(999999, out, sizeof(out));
	assert_string_equal(out, "999,999");
	notice_format_won(1000000, out, sizeof(out));
	assert_string_equal(out, "1,000,000");
	notice_format_won(1234567, out, sizeof(out));
	assert_string_equal(out, "1,234,567");
	notice_format_won(12345678, out, sizeof(out));
	assert_string_equal(out, "12,345,678");
	notice_format_won(NOTICE_AMOUNT_MAX, out, sizeof(out));
	assert_string_equal(out, "1,000,000,000,000,000");
	notice_format_won(INT64_MAX, out, sizeof(out));
	assert_string_equal(out, "9,223,372,036,854,775,807");
}

static void
test_format_won_round_trips_through_amount(void **state)
{
	static const int64_t	vals[] = {
		0, 1, 12, 123, 1234, 12345, 123456, 1234567, 100000000,
		987654321012345, NOTICE_AMOUNT_MAX
	};
	char			out[32];
	int64_t			v;
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		notice_format_won(vals[i], out, sizeof(out));
		assert_int_equal(notice_amount(out, &v), 0);
		assert_int_equal(v, vals[i]);
	}
}

static void
test_format_won_truncates_to_buffer(void **state)
{
	char	out[6];

	(void)state;
	notice_format_won(1234567, out, sizeof(out));
	assert_string_equal(out, "1,234");
}

/* ---------------------------------------------------------------------
 * Quantities
 */

static void
test_qty_zero_refused(void **state)
{
	(void)state;
	assert_false(qty_ok("0"));
	assert_false(qty_ok("000"));
	assert_false(qty_ok("0.0"));
	assert_false(qty_ok("0.000"));
}

static void
test_qty_decimals_up_to_3_accepted(void **state)
{
	(void)state;
	assert_true(qty_ok("1"));
	assert_true(qty_ok("1.5"));
	assert_true(qty_ok("0.5"));
	assert_true(qty_ok("0.001"));
	assert_true(qty_ok("12.345"));
	assert_true(qty_ok("1.500"));
}

static void
test_qty_trailing_dot_refused(void **state)
{
	(void)state;
	assert_false(qty_ok("1."));
	assert_false(qty_ok(".5"));
	assert_false(qty_ok("."));
}

static void
test_qty_more_than_3_decimals_refused(void **state)
{
	(void)state;
	assert_false(qty_ok("1.2345"));
	assert_false(qty_ok("0.0001"));
	assert_false(qty_ok("1.0000"));
}

static void
test_qty_13_integer_digits_refused(void **state)
{
	(void)state;
	assert_true(qty_ok("999999999999"));		/* 12 digits */
	assert_true(qty_ok("999999999999.999"));
	assert_false(qty_ok("1000000000000"));		/* 13 digits */
	assert_false(qty_ok("1000000000000.5"));
}

static void
test_qty_other_characters_refused(void **state)
{
	static const char *const bad[] = {
		"-1", "+1", "1,000", "1e3", " 1", "1 ", "1.2.3", "1..2",
		"1/2", "일", ""
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (qty_ok(bad[i]))
			print_message("  accepted: \"%s\"\n", bad[i]);
		assert_false(qty_ok(bad[i]));
	}
	assert_false(qty_ok(NULL));
}

/* ---------------------------------------------------------------------
 * Nominees (지명업체) of a nominated competition
 */

static void
test_nominees_parsed_normalised_and_deduplicated(void **state)
{
	struct notice_input	in;
	struct notice_checked	c;

	(void)state;
	valid_input(&in);
	in.contract_method = "nominated";
	in.nominees[0] = "123-45-67891\r\n2208162517, 1234567891;\n\n";
	in.nominees[1] = " 220-81-62517 ";
	in.nnominee_fields = 2;
	assert_int_equal(notice_check(&in, &c), 1);
	assert_int_equal(c.nnominees, 2);
	assert_string_equal(c.nominees[0], "1234567891");
	assert_string_equal(c.nominees[1], "2208162517");
}

static void
test_nominees_fewer_than_two_left_to_publication(void **state)
{
	struct notice_input	in;
	struct notice_checked	c;

	(void)state;
	valid_input(&in);
	in.contract_method = "nominated";
	assert_int_equal(notice_check(&in, &c), 1);
	assert_int_equal(c.nnominees, 0);
	in.nominees[0] = "1234567891";
	in.nnominee_fields = 1;
	assert_int_equal(notice_check(&in, &c), 1);
	assert_int_equal(c.nnominees, 1);
}

static void
test_nominee_bad_check_digit_refused(void **state)
{
	struct notice_input	in;

	(void)state;
	valid_input(&in);
	in.contract_method = "nominated";
	in.nominees[0] = "1234567891\n1234567890";
	in.nnominee_fields = 1;
	assert_one_error(&in, "nominees", "err.nominee_format");
}

static void
test_nominee_malformed_refused(void **state)
{
	static const char *const bad[] = { "123456789", "12345678911",
	    "123-456-7891", "12-345-67891", "123.45.67891", "abcdefghij",
	    "123-45-6789１", "1234567891x", "x", NULL };
	struct notice_input	in;
	size_t			i;

	(void)state;
	for (i = 0; bad[i] != NULL; i++) {
		valid_input(&in);
		in.contract_method = "nominated";
		in.nominees[0] = "2208162517";
		in.nominees[1] = bad[i];
		in.nnominee_fields = 2;
		assert_one_error(&in, "nominees", "err.nominee_format");
	}
}

static void
test_nominees_only_for_nominated_competition(void **state)
{
	static const char *const methods[] = { "open", "restricted",
	    "direct", NULL };
	struct notice_input	in;
	size_t			i;

	(void)state;
	for (i = 0; methods[i] != NULL; i++) {
		valid_input(&in);
		in.contract_method = methods[i];
		in.region_limit = "11";
		in.nominees[0] = "1234567891\n2208162517";
		in.nnominee_fields = 1;
		assert_one_error(&in, "nominees",
		    "err.nominees_not_nominated");
		/* Empty lines are no nominees. */
		in.nominees[0] = " \r\n ";
		assert_accepted(&in);
	}
}

static void
test_nominees_capped(void **state)
{
	static char		buf[NOTICE_MAX_NOMINEES + 1][16];
	struct notice_input	in;
	struct notice_checked	c;
	size_t			i, n;
	int			d, w[9] = { 1, 3, 7, 1, 3, 7, 1, 3, 5 }, sum;

	(void)state;
	valid_input(&in);
	in.contract_method = "nominated";
	/* 101 distinct valid numbers 100000000x..: check digit computed. */
	for (n = 0; n <= NOTICE_MAX_NOMINEES; n++) {
		snprintf(buf[n], sizeof(buf[n]), "%09zu", (size_t)100000000 + n);
		for (i = 0, sum = 0; i < 9; i++)
			sum += (buf[n][i] - '0') * w[i];
		sum += (buf[n][8] - '0') * 5 / 10;
		d = (10 - sum % 10) % 10;
		buf[n][9] = (char)('0' + d);
		buf[n][10] = '\0';
	}
	for (n = 0; n < NOTICE_MAX_NOMINEES; n++)
		in.nominees[n] = buf[n];
	in.nnominee_fields = NOTICE_MAX_NOMINEES;
	assert_int_equal(notice_check(&in, &c), 1);
	assert_int_equal(c.nnominees, NOTICE_MAX_NOMINEES);
	/* The 101st, in the last field with the 100th. */
	{
		char	two[32];

		snprintf(two, sizeof(two), "%s\n%s",
		    buf[NOTICE_MAX_NOMINEES - 1], buf[NOTICE_MAX_NOMINEES]);
		in.nominees[NOTICE_MAX_NOMINEES - 1] = two;
		assert_one_error(&in, "nominees", "err.nominees_too_many");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_draft_passes_with_normalised_values),
		cmocka_unit_test(test_valid_draft_range_3_is_3000_milli),
		cmocka_unit_test(test_valid_draft_amounts_without_commas),
		cmocka_unit_test(test_valid_draft_accepts_every_listed_choice),
		cmocka_unit_test(test_valid_draft_limits_may_be_null_or_empty),
		cmocka_unit_test(test_valid_draft_space_separated_datetimes),
		cmocka_unit_test(test_empty_draft_reports_required_and_choose_per_field),
		cmocka_unit_test(test_empty_strings_are_required),
		cmocka_unit_test(test_family_outside_list_is_choose),
		cmocka_unit_test(test_title_length_and_controls_are_text_4_200),
		cmocka_unit_test(test_title_korean_counted_in_characters),
		cmocka_unit_test(test_base_amount_malformed_is_amount),
		cmocka_unit_test(test_base_amount_below_1000_is_amount),
		cmocka_unit_test(test_budget_malformed_or_small_is_amount),
		cmocka_unit_test(test_budget_below_base_is_budget_below_base),
		cmocka_unit_test(test_budget_not_compared_with_unparsable_base),
		cmocka_unit_test(test_contract_and_award_outside_list_are_choose),
		cmocka_unit_test(test_range_other_than_2_or_3_is_choose),
		cmocka_unit_test(test_region_limit_unknown_is_choose),
		cmocka_unit_test(test_category_limit_not_2_to_8_digits_is_category_prefix),
		cmocka_unit_test(test_restricted_without_limit_is_restricted_needs_limit),
		cmocka_unit_test(test_restricted_with_region_or_category_limit_accepted),
		cmocka_unit_test(test_restricted_with_unknown_region_reports_choose_once),
		cmocka_unit_test(test_malformed_datetimes_are_datetime),
		cmocka_unit_test(test_close_not_after_start_is_close_before_start),
		cmocka_unit_test(test_opening_before_close_is_opening_before_close),
		cmocka_unit_test(test_officer_not_a_positive_id_is_choose),
		cmocka_unit_test(test_bad_item_row_is_item_and_good_rows_kept),
		cmocka_unit_test(test_item_code_not_8_digits_is_item),
		cmocka_unit_test(test_item_unit_missing_or_too_long_is_item),
		cmocka_unit_test(test_row_with_only_unit_is_not_empty),
		cmocka_unit_test(test_no_items_is_items_required),
		cmocka_unit_test(test_items_capped_at_max_rows),
		cmocka_unit_test(test_only_first_error_per_field_kept_for_items),
		cmocka_unit_test(test_only_first_error_per_field_kept_for_dates),
		cmocka_unit_test(test_errors_on_several_fields_all_reported),
		cmocka_unit_test(test_amount_plain_and_with_commas),
		cmocka_unit_test(test_amount_leading_comma_refused),
		cmocka_unit_test(test_amount_overflow_past_10_15_refused),
		cmocka_unit_test(test_amount_leading_zeros_do_not_overflow),
		cmocka_unit_test(test_amount_letters_spaces_signs_refused),
		cmocka_unit_test(test_datetime_normalises_t_to_space),
		cmocka_unit_test(test_datetime_feb_29_only_in_leap_years),
		cmocka_unit_test(test_datetime_day_per_month),
		cmocka_unit_test(test_datetime_month_13_and_00_refused),
		cmocka_unit_test(test_datetime_hour_24_and_minute_60_refused),
		cmocka_unit_test(test_datetime_year_range_2000_2999),
		cmocka_unit_test(test_datetime_wrong_separators_refused),
		cmocka_unit_test(test_datetime_wrong_length_refused),
		cmocka_unit_test(test_format_won_thousands_separators),
		cmocka_unit_test(test_format_won_round_trips_through_amount),
		cmocka_unit_test(test_format_won_truncates_to_buffer),
		cmocka_unit_test(test_qty_zero_refused),
		cmocka_unit_test(test_qty_decimals_up_to_3_accepted),
		cmocka_unit_test(test_qty_trailing_dot_refused),
		cmocka_unit_test(test_qty_more_than_3_decimals_refused),
		cmocka_unit_test(test_qty_13_integer_digits_refused),
		cmocka_unit_test(test_qty_other_characters_refused),
		cmocka_unit_test(test_nominees_parsed_normalised_and_deduplicated),
		cmocka_unit_test(test_nominees_fewer_than_two_left_to_publication),
		cmocka_unit_test(test_nominee_bad_check_digit_refused),
		cmocka_unit_test(test_nominee_malformed_refused),
		cmocka_unit_test(test_nominees_only_for_nominated_competition),
		cmocka_unit_test(test_nominees_capped),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
