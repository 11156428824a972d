/*
 * Unit tests for portal/form.c: url-encoded forms and Cookie headers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"

/* Parses s; returns form_parse's result, the form is left in f. */
static int
parse(struct form *f, const char *s)
{
	form_init(f);
	return (form_parse(f, s, strlen(s)));
}

/* The whole input must be refused and leave an empty form. */
static void
assert_refused_n(const char *s, size_t n)
{
	struct form	f;

	form_init(&f);
	assert_int_equal(form_parse(&f, s, n), -1);
	assert_int_equal(f.n, 0);
	assert_null(form_get(&f, "a"));
	form_cleanup(&f);
}

static void
assert_refused(const char *s)
{
	assert_refused_n(s, strlen(s));
}

static void
test_form_parses_simple_fields(void **state)
{
	struct form	f;

	(void)state;
	assert_int_equal(parse(&f, "login=kim&name=hong"), 0);
	assert_int_equal(f.n, 2);
	assert_string_equal(form_get(&f, "login"), "kim");
	assert_string_equal(form_get(&f, "name"), "hong");
	assert_null(form_get(&f, "missing"));
	assert_null(form_get(&f, "logi"));
	assert_null(form_get(&f, "login="));
	form_cleanup(&f);
	assert_int_equal(f.n, 0);
}

static void
test_form_decodes_plus_as_space(void **state)
{
	struct form	f;

	(void)state;
	assert_int_equal(parse(&f, "q=a+b++c&k+y=1"), 0);
	assert_string_equal(form_get(&f, "q"), "a b  c");
	assert_string_equal(form_get(&f, "k y"), "1");
	form_cleanup(&f);
}

static void
test_form_decodes_percent_sequences(void **state)
{
	struct form	f;

	(void)state;
	assert_int_equal(parse(&f,
	    "a=%2B%26%3D%25&b=%ea%b0%80%EA%B0%80&c=%41bc&%6B=v"), 0);
	assert_string_equal(form_get(&f, "a"), "+&=%");
	assert_string_equal(form_get(&f, "b"), "가가");
	assert_string_equal(form_get(&f, "c"), "Abc");
	assert_string_equal(form_get(&f, "k"), "v");
	form_cleanup(&f);
}

static void
test_form_keeps_raw_utf8(void **state)
{
	struct form	f;

	(void)state;
	assert_int_equal(parse(&f, "company=조달 상사"), 0);
	assert_string_equal(form_get(&f, "company"), "조달 상사");
	form_cleanup(&f);
}

static void
test_form_value_may_contain_equals(void **state)
{
	struct form	f;

	(void)state;
	assert_int_equal(parse(&f, "next=/a?b=c"), 0);
	assert_string_equal(form_get(&f, "next"), "/a?b=c");
	form_cleanup(&f);
}

static void
test_form_key_without_value_is_empty_string(void **state)
{
	struct form	f;

	(void)state;
	assert_int_equal(parse(&f, "agree&x=&y=1"), 0);
	assert_string_equal(form_get(&f, "agree"), "");
	assert_string_equal(form_get(&f, "x"), "");
	assert_string_equal(form_get(&f, "y"), "1");
	form_cleanup(&f);
}

static void
test_form_skips_empty_pairs(void **state)
{
	struct form	f;

	(void)state;
	assert_int_equal(parse(&f, "&&a=1&&&b=2&"), 0);
	assert_int_equal(f.n, 2);
	assert_string_equal(form_get(&f, "a"), "1");
	assert_string_equal(form_get(&f, "b"), "2");
	form_cleanup(&f);
	assert_int_equal(parse(&f, ""), 0);
	assert_int_equal(f.n, 0);
	form_cleanup(&f);
}

static void
test_form_uses_length_not_nul(void **state)
{
	struct form	f;

	(void)state;
	form_init(&f);
	assert_int_equal(form_parse(&f, "a=1&b=2", 3), 0);
	assert_string_equal(form_get(&f, "a"), "1");
	assert_null(form_get(&f, "b"));
	form_cleanup(&f);
}

static void
test_form_refuses_empty_key(void **state)
{
	(void)state;
	assert_refused("=value");
	assert_refused("a=1&=2");
	assert_refused("a=1&=");
}

static void
test_form_get_returns_first_of_repeated_keys(void **state)
{
	struct form	f;

	(void)state;
	assert_int_equal(parse(&f, "c=1&x=9&c=2&c=3"), 0);
	assert_string_equal(form_get(&f, "c"), "1");
	form_cleanup(&f);
}

static void
test_form_get_all_returns_repeated_keys_in_order(void **state)
{
	struct form	f;
	const char	*v[8];

	(void)state;
	assert_int_equal(parse(&f,
	    "categories=43211503&x=1&categories=43211507&categories=72101507"),
	    0);
	assert_int_equal(form_get_all(&f, "categories", v, 8), 3);
	assert_string_equal(v[0], "43211503");
	assert_string_equal(v[1], "43211507");
	assert_string_equal(v[2], "72101507");
	assert_int_equal(form_get_all(&f, "x", v, 8), 1);
	assert_string_equal(v[0], "1");
	assert_int_equal(form_get_all(&f, "none", v, 8), 0);
	form_cleanup(&f);
}

static void
test_form_get_all_stops_at_max(void **state)
{
	struct form	f;
	const char	*v[3] = { NULL, NULL, "sentinel" };

	(void)state;
	assert_int_equal(parse(&f, "c=1&c=2&c=3&c=4"), 0);
	assert_int_equal(form_get_all(&f, "c", v, 2), 2);
	assert_string_equal(v[0], "1");
	assert_string_equal(v[1], "2");
	assert_string_equal(v[2], "sentinel");
	assert_int_equal(form_get_all(&f, "c", v, 0), 0);
	form_cleanup(&f);
}

static void
test_form_refuses_malformed_percent(void **state)
{
	(void)state;
	assert_refused("a=%");
	assert_refused("a=%4");
	assert_refused("a=x%4");
	assert_refused("a=%G1");
	assert_refused("a=%1G");
	assert_refused("a=%%41");
	assert_refused("a=% 41");
	assert_refused("a=%-1");
	assert_refused("%=1");
	assert_refused("a%=1");
	/* A bad field anywhere spoils the whole form. */
	assert_refused("ok=1&a=%zz&b=2");
	/* A sequence cut by the given length, not by a NUL or '&'. */
	assert_refused_n("a=%41", 4);
	assert_refused_n("a=%41", 3);
}

static void
test_form_refuses_nul_bytes(void **state)
{
	(void)state;
	assert_refused("a=%00");
	assert_refused("a=x%00y");
	assert_refused("a%00b=1");
	assert_refused("ok=1&a=%00");
	/* A raw NUL inside the given length. */
	assert_refused_n("a=x\0y", 5);
	assert_refused_n("a\0=1", 4);
}

static void
test_form_refuses_invalid_utf8(void **state)
{
	(void)state;
	assert_refused("a=%FF");
	assert_refused("a=%C3%28");
	assert_refused("a=%C0%AF");		/* overlong '/' */
	assert_refused("a=%ED%A0%80");		/* surrogate */
	assert_refused("a=%EA%B0");		/* truncated 가 */
	assert_refused("%FF=1");
	assert_refused("name=ok&x=\xff");	/* raw byte */
	assert_refused("x=\xea\xb0");
}

static void
test_form_accepts_max_fields(void **state)
{
	struct form	f;
	char		*buf, item[32];
	size_t		i, len;
	int		n;

	(void)state;
	buf = malloc((FORM_MAX_FIELDS + 1) * 16);
	assert_non_null(buf);
	len = 0;
	for (i = 0; i < FORM_MAX_FIELDS; i++) {
		n = snprintf(item, sizeof(item), "%sk%zu=%zu", i ? "&" : "",
		    i, i);
		memcpy(buf + len, item, (size_t)n);
		len += (size_t)n;
	}
	form_init(&f);
	assert_int_equal(form_parse(&f, buf, len), 0);
	assert_int_equal(f.n, FORM_MAX_FIELDS);
	snprintf(item, sizeof(item), "k%d", FORM_MAX_FIELDS - 1);
	assert_non_null(form_get(&f, item));
	form_cleanup(&f);

	/* One more field refuses the whole form. */
	memcpy(buf + len, "&one=more", 9);
	len += 9;
	form_init(&f);
	assert_int_equal(form_parse(&f, buf, len), -1);
	assert_int_equal(f.n, 0);
	form_cleanup(&f);
	free(buf);
}

static void
test_form_key_length_limit(void **state)
{
	struct form	f;
	char		buf[FORM_MAX_KEY * 3 + 16];

	(void)state;
	memset(buf, 'k', FORM_MAX_KEY);
	strcpy(buf + FORM_MAX_KEY, "=1");
	assert_int_equal(parse(&f, buf), 0);
	assert_int_equal(f.n, 1);
	form_cleanup(&f);

	memset(buf, 'k', FORM_MAX_KEY + 1);
	strcpy(buf + FORM_MAX_KEY + 1, "=1");
	assert_refused(buf);
}

/* The limit is on the decoded key: %6B is one byte. */
static void
test_form_key_limit_counts_decoded_bytes(void **state)
{
	struct form	f;
	char		buf[FORM_MAX_KEY * 3 + 16];
	size_t		i;

	(void)state;
	for (i = 0; i < FORM_MAX_KEY; i++)
		memcpy(buf + i * 3, "%6B", 3);
	strcpy(buf + FORM_MAX_KEY * 3, "=1");
	assert_int_equal(parse(&f, buf), 0);
	assert_int_equal(f.n, 1);
	form_cleanup(&f);
}

static void
test_form_value_length_limit(void **state)
{
	struct form	f;
	char		*buf;
	const char	*v;

	(void)state;
	buf = malloc(FORM_MAX_VALUE + 16);
	assert_non_null(buf);
	memcpy(buf, "v=", 2);
	memset(buf + 2, 'x', FORM_MAX_VALUE);
	buf[2 + FORM_MAX_VALUE] = '\0';
	assert_int_equal(parse(&f, buf), 0);
	assert_non_null(v = form_get(&f, "v"));
	assert_int_equal(strlen(v), FORM_MAX_VALUE);
	form_cleanup(&f);

	buf[2 + FORM_MAX_VALUE] = 'x';
	buf[3 + FORM_MAX_VALUE] = '\0';
	assert_refused(buf);
	free(buf);
}

static void
test_form_value_limit_counts_decoded_bytes(void **state)
{
	struct form	f;
	char		*buf;
	size_t		i, n;

	(void)state;
	/* 2730 x "가" = 8190 bytes encoded as 24570 characters: accepted. */
	n = FORM_MAX_VALUE / 3;
	buf = malloc(n * 9 + 16);
	assert_non_null(buf);
	memcpy(buf, "v=", 2);
	for (i = 0; i < n; i++)
		memcpy(buf + 2 + i * 9, "%EA%B0%80", 9);
	buf[2 + n * 9] = '\0';
	assert_int_equal(parse(&f, buf), 0);
	assert_int_equal(strlen(form_get(&f, "v")), n * 3);
	form_cleanup(&f);
	/* One more "가" goes past the limit. */
	buf = realloc(buf, (n + 1) * 9 + 16);
	assert_non_null(buf);
	memcpy(buf + 2 + n * 9, "%EA%B0%80", 10);
	assert_refused(buf);
	free(buf);
}

/* ---------------------------------------------------------------------
 * Cookies
 */

static void
test_cookie_get_finds_cookie_among_several(void **state)
{
	char	out[64];

	(void)state;
	assert_int_equal(cookie_get("lang=en; g2b_sid=abc123; g2b_v=zz",
	    "g2b_sid", out, sizeof(out)), 0);
	assert_string_equal(out, "abc123");
	assert_int_equal(cookie_get("lang=en; g2b_sid=abc123; g2b_v=zz",
	    "lang", out, sizeof(out)), 0);
	assert_string_equal(out, "en");
	assert_int_equal(cookie_get("lang=en; g2b_sid=abc123; g2b_v=zz",
	    "g2b_v", out, sizeof(out)), 0);
	assert_string_equal(out, "zz");
}

static void
test_cookie_get_tolerates_spacing(void **state)
{
	char	out[64];

	(void)state;
	assert_int_equal(cookie_get("a=1;g2b_sid=tok", "g2b_sid", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "tok");
	assert_int_equal(cookie_get("  a=1 ;   g2b_sid=tok  ;b=2",
	    "g2b_sid", out, sizeof(out)), 0);
	assert_string_equal(out, "tok");
	assert_int_equal(cookie_get("g2b_sid=tok   ", "g2b_sid", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "tok");
	assert_int_equal(cookie_get(";; ;g2b_sid=tok;", "g2b_sid", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "tok");
}

static void
test_cookie_get_does_not_match_name_suffix(void **state)
{
	char	out[64];

	(void)state;
	assert_int_equal(cookie_get("xg2b_sid=evil", "g2b_sid", out,
	    sizeof(out)), -1);
	assert_int_equal(cookie_get("xg2b_sid=evil; g2b_sid=good",
	    "g2b_sid", out, sizeof(out)), 0);
	assert_string_equal(out, "good");
	assert_int_equal(cookie_get("g2b_sid_old=evil; g2b_sid=good",
	    "g2b_sid", out, sizeof(out)), 0);
	assert_string_equal(out, "good");
	assert_int_equal(cookie_get("g2b_sid_old=evil", "g2b_sid", out,
	    sizeof(out)), -1);
	assert_int_equal(cookie_get("g2b=evil", "g2b_sid", out,
	    sizeof(out)), -1);
}

static void
test_cookie_get_does_not_match_inside_value(void **state)
{
	char	out[64];

	(void)state;
	assert_int_equal(cookie_get("x=g2b_sid=evil", "g2b_sid", out,
	    sizeof(out)), -1);
	assert_int_equal(cookie_get("x=a g2b_sid=evil", "g2b_sid", out,
	    sizeof(out)), -1);
}

static void
test_cookie_get_returns_first_match(void **state)
{
	char	out[64];

	(void)state;
	assert_int_equal(cookie_get("g2b_sid=one; g2b_sid=two", "g2b_sid",
	    out, sizeof(out)), 0);
	assert_string_equal(out, "one");
}

static void
test_cookie_get_value_with_equals_and_empty(void **state)
{
	char	out[64];

	(void)state;
	assert_int_equal(cookie_get("t=a=b==; u=", "t", out, sizeof(out)), 0);
	assert_string_equal(out, "a=b==");
	assert_int_equal(cookie_get("t=a=b==; u=", "u", out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

static void
test_cookie_get_missing_or_no_header(void **state)
{
	char	out[64];

	(void)state;
	assert_int_equal(cookie_get(NULL, "g2b_sid", out, sizeof(out)), -1);
	assert_int_equal(cookie_get("", "g2b_sid", out, sizeof(out)), -1);
	assert_int_equal(cookie_get("lang=ko", "g2b_sid", out,
	    sizeof(out)), -1);
	assert_int_equal(cookie_get("g2b_sid", "g2b_sid", out,
	    sizeof(out)), -1);
}

static void
test_cookie_get_refuses_value_longer_than_buffer(void **state)
{
	char	out[8];

	(void)state;
	memset(out, 'Z', sizeof(out));
	assert_int_equal(cookie_get("s=1234567", "s", out, sizeof(out)), 0);
	assert_string_equal(out, "1234567");
	assert_int_equal(cookie_get("s=12345678", "s", out, sizeof(out)),
	    -1);
	assert_int_equal(cookie_get("s=1", "s", out, 0), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form_parses_simple_fields),
		cmocka_unit_test(test_form_decodes_plus_as_space),
		cmocka_unit_test(test_form_decodes_percent_sequences),
		cmocka_unit_test(test_form_keeps_raw_utf8),
		cmocka_unit_test(test_form_value_may_contain_equals),
		cmocka_unit_test(test_form_key_without_value_is_empty_string),
		cmocka_unit_test(test_form_skips_empty_pairs),
		cmocka_unit_test(test_form_uses_length_not_nul),
		cmocka_unit_test(test_form_refuses_empty_key),
		cmocka_unit_test(test_form_get_returns_first_of_repeated_keys),
		cmocka_unit_test(test_form_get_all_returns_repeated_keys_in_order),
		cmocka_unit_test(test_form_get_all_stops_at_max),
		cmocka_unit_test(test_form_refuses_malformed_percent),
		cmocka_unit_test(test_form_refuses_nul_bytes),
		cmocka_unit_test(test_form_refuses_invalid_utf8),
		cmocka_unit_test(test_form_accepts_max_fields),
		cmocka_unit_test(test_form_key_length_limit),
		cmocka_unit_test(test_form_key_limit_counts_decoded_bytes),
		cmocka_unit_test(test_form_value_length_limit),
		cmocka_unit_test(test_form_value_limit_counts_decoded_bytes),
		cmocka_unit_test(test_cookie_get_finds_cookie_among_several),
		cmocka_unit_test(test_cookie_get_tolerates_spacing),
		cmocka_unit_test(test_cookie_get_does_not_match_name_suffix),
		cmocka_unit_test(test_cookie_get_does_not_match_inside_value),
		cmocka_unit_test(test_cookie_get_returns_first_match),
		cmocka_unit_test(test_cookie_get_value_with_equals_and_empty),
		cmocka_unit_test(test_cookie_get_missing_or_no_header),
		cmocka_unit_test(test_cookie_get_refuses_value_longer_than_buffer),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
