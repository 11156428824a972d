/*
 * Unit tests for crm/logparse.c: Common and Combined lines, IPv6, escaped
 * quotes, bad lines and their reasons, the time cache, user agents, routes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logparse.h"

static int
parse(const char *s, struct lp_line *l)
{
	struct lp_timecache	tc;

	memset(&tc, 0, sizeof(tc));
	return (lp_parse(&tc, s, strlen(s), l));
}

static void
assert_str(struct lp_str s, const char *want)
{
	char	buf[1024];

	snprintf(buf, sizeof(buf), "%.*s", (int)s.n, s.p);
	assert_string_equal(buf, want);
}

static void
test_kore_combined(void **state)
{
	struct lp_line	l;

	(void)state;
	assert_int_equal(parse("127.0.0.1 - - [23/Nov/2026:07:42:49 +0000] "
	    "\"GET /login HTTP/1.1\" 200 1945 \"-\" \"node\"\n", &l), LP_OK);
	assert_str(l.host, "127.0.0.1");
	assert_int_equal(l.user.n, 0);
	assert_str(l.method, "GET");
	assert_str(l.target, "/login");
	assert_str(l.path, "/login");
	assert_str(l.proto, "HTTP/1.1");
	assert_int_equal(l.status, 200);
	assert_int_equal(l.bytes, 1945);
	assert_int_equal(l.referer.n, 0);
	assert_str(l.agent, "node");
	assert_int_equal(l.combined, 1);
	assert_int_equal(l.ipv6, 0);
	/* 2026-11-23T07:42:49Z */
	assert_int_equal(l.ts, 1795419769);
	assert_int_equal(l.resp_us, -1);
}

static void
test_common_format_and_user(void **state)
{
	struct lp_line	l;

	(void)state;
	assert_int_equal(parse("10.1.2.3 - alice [01/Jan/2026:00:00:00 +0900] "
	    "\"POST /notices/12/bid?x=1 HTTP/1.0\" 303 -", &l), LP_OK);
	assert_str(l.user, "alice");
	assert_str(l.method, "POST");
	assert_str(l.target, "/notices/12/bid?x=1");
	assert_str(l.path, "/notices/12/bid");
	assert_int_equal(l.bytes, -1);
	assert_int_equal(l.combined, 0);
	/* 2026-01-01 00:00 +09:00 is 2025-12-31 15:00 UTC */
	assert_int_equal(l.ts, 1767193200);
}

static void
test_ipv6_and_negative_zone(void **state)
{
	struct lp_line	l;

	(void)state;
	assert_int_equal(parse("2001:db8::1 - - [29/Feb/2028:23:59:60 -0130] "
	    "\"GET / HTTP/2.0\" 404 0 \"https://www.g2b.go.kr/x\" "
	    "\"Mozilla/5.0\"", &l), LP_OK);
	assert_int_equal(l.ipv6, 1);
	assert_str(l.host, "2001:db8::1");
	assert_str(l.referer, "https://www.g2b.go.kr/x");
	assert_int_equal(l.status, 404);
	assert_int_equal(l.bytes, 0);
	/* 2028-02-29 23:59:60 -01:30 = 2028-03-01 01:30:00 UTC */
	assert_int_equal(l.ts, lp_days_from_civil(2028, 3, 1) * 86400 + 5400);
	assert_int_equal(parse("::ffff:10.0.0.1 - - [01/Mar/2026:00:00:00 "
	    "+0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", &l), LP_OK);
	assert_int_equal(l.ipv6, 1);
	assert_int_equal(l.agent.n, 0);
}

static void
test_escaped_quotes(void **state)
{
	struct lp_line	l;
	char		buf[128];

	(void)state;
	assert_int_equal(parse("1.2.3.4 - - [23/Nov/2026:07:42:49 +0000] "
	    "\"GET /search?q=\\\"x\\\" HTTP/1.1\" 200 5 \"-\" "
	    "\"Mozilla/5.0 \\\"quoted\\\" (X11; Linux x86_64)\"", &l), LP_OK);
	assert_str(l.target, "/search?q=\\\"x\\\"");
	assert_int_equal(l.escapes, 1);
	lp_unescape(buf, sizeof(buf), l.agent);
	assert_string_equal(buf, "Mozilla/5.0 \"quoted\" (X11; Linux x86_64)");
	/* a backslash escaping a backslash does not escape the quote */
	assert_int_equal(parse("1.2.3.4 - - [23/Nov/2026:07:42:49 +0000] "
	    "\"GET /a HTTP/1.1\" 200 5 \"x\\\\\" \"ua\"", &l), LP_OK);
	assert_str(l.referer, "x\\\\");
	assert_str(l.agent, "ua");
}

static void
test_request_time_suffix(void **state)
{
	struct lp_line	l;

	(void)state;
	assert_int_equal(parse("1.2.3.4 - - [23/Nov/2026:07:42:49 +0000] "
	    "\"GET / HTTP/1.1\" 200 5 \"-\" \"ua\" 0.123", &l), LP_OK);
	assert_int_equal(l.resp_us, 123000);
	assert_int_equal(parse("1.2.3.4 - - [23/Nov/2026:07:42:49 +0000] "
	    "\"GET / HTTP/1.1\" 200 5 \"-\" \"ua\" 4567", &l), LP_OK);
	assert_int_equal(l.resp_us, 4567);
	assert_int_equal(parse("1.2.3.4 - - [23/Nov/2026:07:42:49 +0000] "
	    "\"GET / HTTP/1.1\" 200 5 \"-\" \"ua\" extra words", &l),
	    LP_E_TRAILING);
}

static void
test_bad_lines(void **state)
{
	struct lp_line	l;
	static const struct {
		const char	*line;
		int		 err;
	} cases[] = {
		{ "", LP_E_EMPTY },
		{ "   \r\n", LP_E_EMPTY },
		{ "garbage", LP_E_HOST },
		{ "1.2.3.4", LP_E_HOST },
		{ "1.2.3.4 -", LP_E_IDENT },
		{ "1.2.3.4 - - 23/Nov/2026:07:42:49 +0000 \"GET / HTTP/1.1\" "
		  "200 1", LP_E_TIME },
		{ "1.2.3.4 - - [31/Nov/2026:07:42:49 +0000] \"GET / HTTP/1.1\" "
		  "200 1", LP_E_TIME },
		{ "1.2.3.4 - - [29/Feb/2026:07:42:49 +0000] \"GET / HTTP/1.1\" "
		  "200 1", LP_E_TIME },
		{ "1.2.3.4 - - [23/Foo/2026:07:42:49 +0000] \"GET / HTTP/1.1\" "
		  "200 1", LP_E_TIME },
		{ "1.2.3.4 - - [23/Nov/2026:24:42:49 +0000] \"GET / HTTP/1.1\" "
		  "200 1", LP_E_TIME },
		{ "1.2.3.4 - - [23/Nov/2026:07:42:49] \"GET / HTTP/1.1\" 200 1",
		  LP_E_TIME },
		{ "1.2.3.4 - - [23/Nov/2026:07:42:49 +0000] \"-\" 400 0 \"-\" "
		  "\"-\"", LP_E_REQUEST },
		{ "1.2.3.4 - - [23/Nov/2026:07:42:49 +0000] \"GET / HTTP/1.1 "
		  "200 1", LP_E_REQUEST },
		{ "1.2.3.4 - - [23/Nov/2026:07:42:49 +0000] \"get / HTTP/1.1\" "
		  "200 1", LP_E_REQUEST },
		{ "1.2.3.4 - - [23/Nov/2026:07:42:49 +0000] \"\\x16\\x03\\x01\" "
		  "400 0 \"-\" \"-\"", LP_E_REQUEST },
		{ "1.2.3.4 - - [23/Nov/2026:07:42:49 +0000] \"GET / HTTP/1.1\" "
		  "2000 1", LP_E_STATUS },
		{ "1.2.3.4 - - [23/Nov/2026:07:42:49 +0000] \"GET / HTTP/1.1\" "
		  "099 1", LP_E_STATUS },
		{ "1.2.3.4 - - [23/Nov/2026:07:42:49 +0000] \"GET / HTTP/1.1\" "
		  "200 x", LP_E_BYTES },
		{ "1.2.3.4 - - [23/Nov/2026:07:42:49 +0000] \"GET / HTTP/1.1\" "
		  "200", LP_E_BYTES },
		{ "1.2.3.4 - - [23/Nov/2026:07:42:49 +0000] \"GET / HTTP/1.1\" "
		  "200 1 -", LP_E_REFERER },
		{ "1.2.3.4 - - [23/Nov/2026:07:42:49 +0000] \"GET / HTTP/1.1\" "
		  "200 1 \"-\"", LP_E_AGENT },
		{ "1.2.3.4 - - [23/Nov/2026:07:42:49 +0000] \"GET / HTTP/1.1\" "
		  "200 1 \"-\" \"unterminated", LP_E_AGENT },
		{ "1.2.<3>.4 - - [23/Nov/2026:07:42:49 +0000] \"GET / HTTP/1.1\" "
		  "200 1", LP_E_HOST },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int	got = parse(cases[i].line, &l);

		if (got != cases[i].err)
			fail_msg("case %zu: got %s, want %s: %s", i,
			    lp_error_name(got), lp_error_name(cases[i].err),
			    cases[i].line);
	}
	assert_string_equal(lp_error_name(LP_E_TIME), "time");
	assert_string_equal(lp_error_name(999), "unknown");
}

static void
test_nul_byte_is_binary(void **state)
{
	struct lp_line	 l;
	struct lp_timecache tc;
	const char	 s[] = "1.2.3.4 - - [23/Nov/2026:07:42:49 +0000] \"GET /\0 "
	    "HTTP/1.1\" 200 1";

	(void)state;
	memset(&tc, 0, sizeof(tc));
	assert_int_equal(lp_parse(&tc, s, sizeof(s) - 1, &l), LP_E_BINARY);
}

static void
test_http09_request(void **state)
{
	struct lp_line	l;

	(void)state;
	assert_int_equal(parse("1.2.3.4 - - [23/Nov/2026:07:42:49 +0000] "
	    "\"GET /old\" 200 1", &l), LP_OK);
	assert_str(l.target, "/old");
	assert_int_equal(l.proto.n, 0);
}

static void
test_time_cache(void **state)
{
	struct lp_timecache	tc;
	int64_t			a, b, c;

	(void)state;
	memset(&tc, 0, sizeof(tc));
	assert_int_equal(lp_parse_time(&tc, "23/Nov/2026:07:42:49 +0000]", 27,
	    &a), 0);
	assert_int_equal(lp_parse_time(&tc, "23/Nov/2026:07:42:59 +0000]", 27,
	    &b), 0);
	assert_int_equal(b - a, 10);
	/* same minute, other zone: not taken from the cache */
	assert_int_equal(lp_parse_time(&tc, "23/Nov/2026:07:42:59 +0100]", 27,
	    &c), 0);
	assert_int_equal(b - c, 3600);
	assert_int_equal(lp_parse_time(NULL, "23/Nov/2026:07:42:49 +0000]", 27,
	    &c), 0);
	assert_int_equal(c, a);
	assert_int_equal(lp_parse_time(&tc, "23/Nov/2026:07:42:61 +0000]", 27,
	    &c), -1);
	assert_int_equal(lp_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(lp_days_from_civil(2000, 3, 1), 11017);
}

static void
check_agent(const char *ua, int browser, int os, int bot)
{
	struct lp_agent	a;

	lp_classify_agent(ua, strlen(ua), &a);
	if (a.browser != browser || a.os != os || a.bot != bot)
		fail_msg("%s: got %s/%s/%d, want %s/%s/%d", ua,
		    lp_browser_name(a.browser), lp_os_name(a.os), a.bot,
		    lp_browser_name(browser), lp_os_name(os), bot);
}

static void
test_agents(void **state)
{
	struct lp_agentcache	*c;
	struct lp_agent		 a;
	const char		*ua;

	(void)state;
	check_agent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
	    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
	    "Safari/537.36", LP_BR_CHROME, LP_OS_WINDOWS, 0);
	check_agent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
	    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
	    "Safari/537.36 Edg/120.0.2210.91", LP_BR_EDGE, LP_OS_WINDOWS, 0);
	check_agent("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) "
	    "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 "
	    "Safari/605.1.15", LP_BR_SAFARI, LP_OS_MACOS, 0);
	check_agent("Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) "
	    "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 "
	    "Safari/604.1", LP_BR_SAFARI, LP_OS_IOS, 0);
	check_agent("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) "
	    "Gecko/20100101 Firefox/121.0", LP_BR_FIREFOX, LP_OS_LINUX, 0);
	check_agent("Mozilla/5.0 (Linux; Android 14; SM-S918N) "
	    "AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 "
	    "Chrome/115.0.0.0 Mobile Safari/537.36", LP_BR_SAMSUNG,
	    LP_OS_ANDROID, 0);
	check_agent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
	    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 "
	    "Whale/3.23.214.10 Safari/537.36", LP_BR_WHALE, LP_OS_WINDOWS, 0);
	check_agent("Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like "
	    "Gecko", LP_BR_IE, LP_OS_WINDOWS, 0);
	check_agent("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 "
	    "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", LP_BR_CHROME,
	    LP_OS_CHROMEOS, 0);
	check_agent("Mozilla/5.0 (compatible; Googlebot/2.1; "
	    "+http://www.google.com/bot.html)", LP_BR_BOT, LP_OS_BOT, 1);
	check_agent("Mozilla/5.0 (compatible; Yeti/1.1; "
	    "+http://naver.me/spd)", LP_BR_BOT, LP_OS_BOT, 1);
	check_agent("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, "
	    "like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36",
	    LP_BR_HEADLESS, LP_OS_BOT, 1);
	check_agent("curl/7.88.1", LP_BR_CURL, LP_OS_BOT, 1);
	check_agent("node", LP_BR_NODE, LP_OS_BOT, 1);
	check_agent("hey/0.0.1", LP_BR_LOADTEST, LP_OS_BOT, 1);
	check_agent("g2b-cli/1", LP_BR_G2BCLI, LP_OS_BOT, 1);
	check_agent("python-requests/2.31", LP_BR_PYTHON, LP_OS_BOT, 1);
	check_agent("", LP_BR_NONE, LP_OS_NONE, 0);
	check_agent("-", LP_BR_NONE, LP_OS_NONE, 0);
	check_agent("\xff\xfe odd \"agent\" ()", LP_BR_OTHER, LP_OS_OTHER, 0);
	check_agent("Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, "
	    "like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/105.0",
	    LP_BR_OPERA, LP_OS_WINDOWS, 0);

	c = calloc(1, sizeof(*c));
	assert_non_null(c);
	ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/121.0";
	lp_classify_cached(c, ua, strlen(ua), &a);
	assert_int_equal(a.browser, LP_BR_FIREFOX);
	lp_classify_cached(c, ua, strlen(ua), &a);
	assert_int_equal(a.browser, LP_BR_FIREFOX);
	lp_classify_cached(c, "curl/8", 6, &a);
	assert_int_equal(a.browser, LP_BR_CURL);
	free(c);
	assert_string_equal(lp_browser_name(LP_BR_SAMSUNG), "Samsung Internet");
	assert_string_equal(lp_os_name(LP_OS_IOS), "iOS");
}

static void
check_route(const char *path, const char *want)
{
	char	buf[96];

	lp_route(buf, sizeof(buf), path, strlen(path));
	assert_string_equal(buf, want);
}

static void
test_routes(void **state)
{
	char	small[8];

	(void)state;
	check_route("/notices/123", "/notices/:id");
	check_route("/notices/123/bid", "/notices/:id/bid");
	check_route("/notices", "/notices");
	check_route("/", "/");
	check_route("/bids/7/receipt.txt", "/bids/:id/receipt.txt");
	check_route("/notices/12x", "/notices/12x");
	check_route("/s/0123456789abcdef0123", "/s/:key");
	check_route("/u/123e4567-e89b-12d3-a456-426614174000/x", "/u/:key/x");
	check_route("/a//b/", "/a//b/");
	check_route("*", "*");
	check_route("http://evil/x", "(absolute)");
	check_route("abc", "(invalid)");
	check_route("", "(invalid)");
	lp_route(small, sizeof(small), "/notices/1", 10);
	assert_string_equal(small, "/notice");

	assert_true(lp_is_static("/static/style.css", 17));
	assert_true(lp_is_static("/favicon.ico", 12));
	assert_true(lp_is_static("/a/b.JS", 7));
	assert_false(lp_is_static("/notices", 8));
	assert_false(lp_is_static("/bids/1/receipt.txt", 19));
	assert_false(lp_is_static("/x.", 3));
}

static void
test_hash(void **state)
{
	(void)state;
	assert_int_equal(lp_hash("abc", 3, 1), lp_hash("abc", 3, 1));
	assert_int_not_equal(lp_hash("abc", 3, 1), lp_hash("abc", 3, 2));
	assert_int_not_equal(lp_hash("abcdefghi", 9, 1),
	    lp_hash("abcdefghj", 9, 1));
	assert_int_not_equal(lp_hash("", 0, 1), lp_hash("\0", 1, 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kore_combined),
		cmocka_unit_test(test_common_format_and_user),
		cmocka_unit_test(test_ipv6_and_negative_zone),
		cmocka_unit_test(test_escaped_quotes),
		cmocka_unit_test(test_request_time_suffix),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_nul_byte_is_binary),
		cmocka_unit_test(test_http09_request),
		cmocka_unit_test(test_time_cache),
		cmocka_unit_test(test_agents),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_hash),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
