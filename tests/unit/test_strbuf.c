/*
 * Unit tests for portal/strbuf.c: growth, formatting, escaping, steal.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strbuf.h"

/* Escape s with one of the escaping appenders and compare to want. */
static void
check_escape(void (*fn)(struct strbuf *, const char *, size_t),
    const char *s, size_t n, const char *want)
{
	struct strbuf	b;

	strbuf_init(&b);
	fn(&b, s, n);
	assert_string_equal(b.data, want);
	assert_int_equal(b.len, strlen(want));
	strbuf_cleanup(&b);
}

static void
test_strbuf_init_is_empty_string(void **state)
{
	struct strbuf	b;

	(void)state;
	strbuf_init(&b);
	assert_non_null(b.data);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	strbuf_cleanup(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

static void
test_strbuf_append_grows_past_initial_capacity(void **state)
{
	struct strbuf	b;
	size_t		i, initial;

	(void)state;
	strbuf_init(&b);
	initial = b.cap;
	for (i = 0; i < 1000; i++)
		strbuf_append(&b, "0123456789", 10);
	assert_true(b.cap > initial);
	assert_int_equal(b.len, 10000);
	assert_int_equal(strlen(b.data), 10000);
	for (i = 0; i < 10000; i++)
		assert_int_equal(b.data[i], '0' + (int)(i % 10));
	assert_int_equal(b.data[b.len], '\0');
	strbuf_cleanup(&b);
}

static void
test_strbuf_append_single_large_block(void **state)
{
	struct strbuf	b;
	char		*big;

	(void)state;
	big = malloc(100000);
	assert_non_null(big);
	memset(big, 'x', 100000);
	strbuf_init(&b);
	strbuf_appendstr(&b, "head:");
	strbuf_append(&b, big, 100000);
	assert_int_equal(b.len, 100005);
	assert_memory_equal(b.data, "head:", 5);
	assert_memory_equal(b.data + 5, big, 100000);
	assert_int_equal(b.data[b.len], '\0');
	strbuf_cleanup(&b);
	free(big);
}

static void
test_strbuf_append_keeps_embedded_nul(void **state)
{
	struct strbuf	b;

	(void)state;
	strbuf_init(&b);
	strbuf_append(&b, "a\0b", 3);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "a\0b", 4);
	strbuf_cleanup(&b);
}

static void
test_strbuf_appendf_formats_after_existing_text(void **state)
{
	struct strbuf	b;

	(void)state;
	strbuf_init(&b);
	strbuf_appendstr(&b, "입찰 ");
	strbuf_appendf(&b, "%s-%d-%05.1f", "no", 42, 3.25);
	assert_string_equal(b.data, "입찰 no-42-003.2");
	assert_int_equal(b.len, strlen("입찰 no-42-003.2"));
	strbuf_cleanup(&b);
}

static void
test_strbuf_appendf_grows_past_initial_capacity(void **state)
{
	struct strbuf	b;
	char		long_s[1001];
	size_t		i;

	(void)state;
	memset(long_s, 'k', 1000);
	long_s[1000] = '\0';
	strbuf_init(&b);
	for (i = 0; i < 5; i++)
		strbuf_appendf(&b, "[%s]%zu", long_s, i);
	assert_int_equal(b.len, 5 * (1000 + 3));
	assert_int_equal(strlen(b.data), b.len);
	assert_memory_equal(b.data + 1003 * 4, "[k", 2);
	assert_string_equal(b.data + b.len - 2, "]4");
	strbuf_cleanup(&b);
}

static void
test_strbuf_reset_empties_but_stays_usable(void **state)
{
	struct strbuf	b;

	(void)state;
	strbuf_init(&b);
	strbuf_appendstr(&b, "something long enough");
	strbuf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	strbuf_appendstr(&b, "new");
	assert_string_equal(b.data, "new");
	strbuf_cleanup(&b);
}

static void
test_strbuf_html_escapes_all_specials(void **state)
{
	(void)state;
	check_escape(strbuf_append_html, "<a href=\"x\" title='y'>&</a>",
	    strlen("<a href=\"x\" title='y'>&</a>"),
	    "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
}

static void
test_strbuf_html_does_not_double_decode_entities(void **state)
{
	(void)state;
	check_escape(strbuf_append_html, "&lt;", 4, "&amp;lt;");
}

static void
test_strbuf_html_keeps_korean_and_plain_text(void **state)
{
	(void)state;
	check_escape(strbuf_append_html, "조달청 공고 2024", 
	    strlen("조달청 공고 2024"), "조달청 공고 2024");
}

static void
test_strbuf_html_respects_length(void **state)
{
	(void)state;
	check_escape(strbuf_append_html, "<b>bold", 1, "&lt;");
	check_escape(strbuf_append_html, "", 0, "");
}

static void
test_strbuf_url_keeps_unreserved(void **state)
{
	const char	*s = "AZaz09-_.~";

	(void)state;
	check_escape(strbuf_append_url, s, strlen(s), s);
}

static void
test_strbuf_url_encodes_reserved_and_space(void **state)
{
	const char	*s = " +/?&=#%\"<>'";

	(void)state;
	check_escape(strbuf_append_url, s, strlen(s),
	    "%20%2B%2F%3F%26%3D%23%25%22%3C%3E%27");
}

static void
test_strbuf_url_encodes_utf8_bytes_uppercase(void **state)
{
	(void)state;
	check_escape(strbuf_append_url, "가", strlen("가"), "%EA%B0%80");
	check_escape(strbuf_append_url, "\xff\x01", 2, "%FF%01");
	check_escape(strbuf_append_url, "a\0b", 3, "a%00b");
}

static void
test_strbuf_json_escapes_quote_and_backslash(void **state)
{
	(void)state;
	check_escape(strbuf_append_json, "a\"b\\c", 5, "a\\\"b\\\\c");
}

static void
test_strbuf_json_escapes_common_whitespace(void **state)
{
	(void)state;
	check_escape(strbuf_append_json, "1\n2\r3\t4", 7, "1\\n2\\r3\\t4");
}

/* Control characters without a short form come out as \u00XX. */
static void
test_strbuf_json_escapes_control_chars_as_u00xx(void **state)
{
	struct strbuf	b;
	char		want[8];
	unsigned int	c;

	(void)state;
	for (c = 0; c < 0x20; c++) {
		char	in = (char)c;

		if (c == '\n' || c == '\r' || c == '\t')
			continue;
		strbuf_init(&b);
		strbuf_append_json(&b, &in, 1);
		snprintf(want, sizeof(want), "\\u%04x", c);
		assert_int_equal(b.len, 6);
		assert_int_equal(strcasecmp(b.data, want), 0);
		strbuf_cleanup(&b);
	}
}

static void
test_strbuf_json_cannot_close_script_element(void **state)
{
	struct strbuf	b;

	(void)state;
	strbuf_init(&b);
	strbuf_append_json(&b, "</script><b>&", 13);
	assert_null(strchr(b.data, '<'));
	assert_null(strchr(b.data, '>'));
	assert_null(strchr(b.data, '&'));
	assert_int_equal(strcasecmp(b.data,
	    "\\u003c/script\\u003e\\u003cb\\u003e\\u0026"), 0);
	strbuf_cleanup(&b);
}

static void
test_strbuf_json_keeps_utf8(void **state)
{
	(void)state;
	check_escape(strbuf_append_json, "한글 ok", strlen("한글 ok"),
	    "한글 ok");
}

/*
 * Array elements for PostgreSQL: always quoted, so braces, commas,
 * spaces, newlines and the word NULL stay text; only " and \ escaped.
 */
static void
test_strbuf_pgelem_quotes_every_element(void **state)
{
	struct strbuf	b;

	(void)state;
	strbuf_init(&b);
	strbuf_appendstr(&b, "{");
	strbuf_append_pgelem(&b, "plain");
	strbuf_appendstr(&b, ",");
	strbuf_append_pgelem(&b, "a\"b\\c");
	strbuf_appendstr(&b, ",");
	strbuf_append_pgelem(&b, "{x, y}\n-----END-----\n");
	strbuf_appendstr(&b, ",");
	strbuf_append_pgelem(&b, "NULL");
	strbuf_appendstr(&b, ",");
	strbuf_append_pgelem(&b, "");
	strbuf_appendstr(&b, ",");
	strbuf_append_pgelem(&b, NULL);
	strbuf_appendstr(&b, ",");
	strbuf_append_pgelem(&b, "\\x00ff");
	strbuf_appendstr(&b, ",");
	strbuf_append_pgelem(&b, "\"\"");
	strbuf_appendstr(&b, "}");
	assert_string_equal(b.data, "{\"plain\",\"a\\\"b\\\\c\","
	    "\"{x, y}\n-----END-----\n\",\"NULL\",\"\",NULL,"
	    "\"\\\\x00ff\",\"\\\"\\\"\"}");
	strbuf_cleanup(&b);
}

static void
test_strbuf_steal_transfers_ownership(void **state)
{
	struct strbuf	b;
	char		*p;
	size_t		len;

	(void)state;
	strbuf_init(&b);
	strbuf_appendstr(&b, "taken");
	len = 0;
	p = strbuf_steal(&b, &len);
	assert_string_equal(p, "taken");
	assert_int_equal(len, 5);
	/* The buffer is empty and still usable, independent of p. */
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_true(b.data != p);
	strbuf_appendstr(&b, "again");
	assert_string_equal(p, "taken");
	assert_string_equal(b.data, "again");
	free(p);
	strbuf_cleanup(&b);
}

static void
test_strbuf_steal_accepts_null_len(void **state)
{
	struct strbuf	b;
	char		*p;

	(void)state;
	strbuf_init(&b);
	strbuf_appendstr(&b, "x");
	p = strbuf_steal(&b, NULL);
	assert_string_equal(p, "x");
	free(p);
	strbuf_cleanup(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strbuf_init_is_empty_string),
		cmocka_unit_test(test_strbuf_append_grows_past_initial_capacity),
		cmocka_unit_test(test_strbuf_append_single_large_block),
		cmocka_unit_test(test_strbuf_append_keeps_embedded_nul),
		cmocka_unit_test(test_strbuf_appendf_formats_after_existing_text),
		cmocka_unit_test(test_strbuf_appendf_grows_past_initial_capacity),
		cmocka_unit_test(test_strbuf_reset_empties_but_stays_usable),
		cmocka_unit_test(test_strbuf_html_escapes_all_specials),
		cmocka_unit_test(test_strbuf_html_does_not_double_decode_entities),
		cmocka_unit_test(test_strbuf_html_keeps_korean_and_plain_text),
		cmocka_unit_test(test_strbuf_html_respects_length),
		cmocka_unit_test(test_strbuf_url_keeps_unreserved),
		cmocka_unit_test(test_strbuf_url_encodes_reserved_and_space),
		cmocka_unit_test(test_strbuf_url_encodes_utf8_bytes_uppercase),
		cmocka_unit_test(test_strbuf_json_escapes_quote_and_backslash),
		cmocka_unit_test(test_strbuf_json_escapes_common_whitespace),
		cmocka_unit_test(test_strbuf_json_escapes_control_chars_as_u00xx),
		cmocka_unit_test(test_strbuf_json_cannot_close_script_element),
		cmocka_unit_test(test_strbuf_json_keeps_utf8),
		cmocka_unit_test(test_strbuf_pgelem_quotes_every_element),
		cmocka_unit_test(test_strbuf_steal_transfers_ownership),
		cmocka_unit_test(test_strbuf_steal_accepts_null_len),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
