/*
 * Unit tests for portal/usagefmt.c: the portal's usage-event lines are
 * written and read back exactly, whatever the values hold.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usagefmt.h"

static struct usage_event
sample(void)
{
	struct usage_event	e;

	memset(&e, 0, sizeof(e));
	e.time_us = 1795421357120723LL;
	e.ip = "2001:db8::1";
	e.visitor = "1b9dacf9aa02d48c";
	e.user = "5";
	e.org = "7";
	e.role = "supplier";
	e.method = "GET";
	e.route = "notice";
	e.path = "/notices/42";
	e.status = 200;
	e.bytes = 4370;
	e.dur_us = 1234;
	e.referer = "https://www.g2b.go.kr/";
	e.agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Whale/3.25";
	return (e);
}

static void
test_round_trip(void **state)
{
	struct usage_event	 e = sample();
	char			 line[USAGE_LINE_MAX], *f[USAGE_FIELDS];
	size_t			 n;

	(void)state;
	n = usage_format(line, sizeof(line), &e);
	assert_true(n > 0);
	assert_int_equal(line[n - 1], '\n');
	assert_null(memchr(line, '\n', n - 1));
	line[n - 1] = '\0';
	assert_int_equal(usage_split(line, f), 0);
	assert_string_equal(f[0], "u1");
	assert_string_equal(f[1], "1795421357120723");
	assert_string_equal(f[2], "2001:db8::1");
	assert_string_equal(f[3], "1b9dacf9aa02d48c");
	assert_string_equal(f[4], "5");
	assert_string_equal(f[5], "7");
	assert_string_equal(f[6], "supplier");
	assert_string_equal(f[7], "GET");
	assert_string_equal(f[8], "notice");
	assert_string_equal(f[9], "/notices/42");
	assert_string_equal(f[10], "200");
	assert_string_equal(f[11], "4370");
	assert_string_equal(f[12], "1234");
	assert_string_equal(f[13], "https://www.g2b.go.kr/");
	assert_string_equal(f[14], e.agent);
}

static void
test_absent_values_are_dashes(void **state)
{
	struct usage_event	 e = sample();
	char			 line[USAGE_LINE_MAX], *f[USAGE_FIELDS];
	size_t			 n;

	(void)state;
	e.user = NULL;
	e.org = "";
	e.referer = NULL;
	n = usage_format(line, sizeof(line), &e);
	line[n - 1] = '\0';
	assert_int_equal(usage_split(line, f), 0);
	assert_string_equal(f[4], "-");
	assert_string_equal(f[5], "-");
	assert_string_equal(f[13], "-");
}

static void
test_tabs_newlines_backslashes_survive(void **state)
{
	struct usage_event	 e = sample();
	char			 line[USAGE_LINE_MAX], *f[USAGE_FIELDS];
	size_t			 n;

	(void)state;
	e.path = "/notices?q=a\tb\nc";
	e.referer = "http://x/\\x41\\";
	e.agent = "evil\r\nu1\t1\t2\x01\x7f \"quoted\" 한글";
	n = usage_format(line, sizeof(line), &e);
	assert_null(memchr(line, '\n', n - 1));
	assert_null(memchr(line, '\r', n));
	line[n - 1] = '\0';
	assert_int_equal(usage_split(line, f), 0);
	assert_string_equal(f[9], e.path);
	assert_string_equal(f[13], e.referer);
	assert_string_equal(f[14], e.agent);
}

static void
test_long_values_are_cut_to_the_line(void **state)
{
	struct usage_event	 e = sample();
	char			*agent, line[USAGE_LINE_MAX], *f[USAGE_FIELDS];
	size_t			 n;

	(void)state;
	agent = malloc(3 * USAGE_LINE_MAX);
	assert_non_null(agent);
	memset(agent, '\t', 3 * USAGE_LINE_MAX - 1);
	agent[3 * USAGE_LINE_MAX - 1] = '\0';
	e.agent = agent;
	n = usage_format(line, sizeof(line), &e);
	assert_true(n <= sizeof(line));
	assert_int_equal(line[n - 1], '\n');
	line[n - 1] = '\0';
	/* Cut at an escape boundary: still a well-formed line. */
	assert_int_equal(usage_split(line, f), 0);
	assert_true(strlen(f[14]) > 1000);
	assert_int_equal(strspn(f[14], "\t"), strlen(f[14]));
	free(agent);
}

static void
test_bad_lines_are_refused(void **state)
{
	static const char *const bad[] = {
		"",
		"u2\t1\tip\tv\t-\t-\tanon\tGET\tr\t/\t200\t1\t1\t-\t-",
		"u1\t1\tip\tv\t-\t-\tanon\tGET\tr\t/\t200\t1\t1\t-",
		"u1\t1\tip\tv\t-\t-\tanon\tGET\tr\t/\t200\t1\t1\t-\t-\textra",
		"u1\t1\tip\tv\t-\t-\tanon\tGET\tr\t/\\x4\t200\t1\t1\t-\t-",
		"u1\t1\tip\tv\t-\t-\tanon\tGET\tr\t/\\q41\t200\t1\t1\t-\t-",
		"u1\t1\tip\tv\t-\t-\tanon\tGET\tr\t/\\x00\t200\t1\t1\t-\t-",
		"u1\t\tip\tv\t-\t-\tanon\tGET\tr\t/\t200\t1\t1\t-\t-",
		"127.0.0.1 - - [23/Nov/2026:07:42:49 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"x\"",
	};
	char	 line[256], *f[USAGE_FIELDS];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "%s", bad[i]);
		assert_int_equal(usage_split(line, f), -1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_absent_values_are_dashes),
		cmocka_unit_test(test_tabs_newlines_backslashes_survive),
		cmocka_unit_test(test_long_values_are_cut_to_the_line),
		cmocka_unit_test(test_bad_lines_are_refused),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
