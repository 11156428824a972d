/*
 * Unit tests for crm/svgchart.c: every element has its hover <title>, the
 * table repeats the numbers, all text is escaped, odd input (no data, NaN,
 * negative values, long UTF-8 labels) still gives well-formed output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "svgchart.h"

static size_t
count(const char *hay, const char *needle)
{
	size_t	n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return (n);
}

static char *
text(struct strbuf *b)
{
	strbuf_append(b, "", 1);
	return (b->data);
}

static const char *const labels[] = { "2026-11-20", "<b>&\"x\"", "월요일" };
static const double values[] = { 12, 3.5, 0 };

static void
test_bar_titles_table_escape(void **state)
{
	struct strbuf		b;
	struct svg_chart	c = { "Hits <per> day", "Day", "Hits", labels,
	    values, 3, NULL };
	char			*s;

	(void)state;
	strbuf_init(&b);
	svg_bar(&b, &c);
	s = text(&b);
	assert_non_null(strstr(s, "<svg "));
	assert_non_null(strstr(s, "role=\"img\""));
	assert_non_null(strstr(s, "viewBox="));
	assert_null(strstr(s, "style="));	/* the CSP allows none */
	/* the chart's title, a title per bar, the table's caption */
	assert_non_null(strstr(s, "<title>Hits &lt;per&gt; day</title>"));
	assert_int_equal(count(s, "<rect"), 3);
	assert_non_null(strstr(s, "<title>2026-11-20: 12</title>"));
	assert_non_null(strstr(s, "<title>&lt;b&gt;&amp;&quot;x&quot;: 3.5</title>"));
	assert_non_null(strstr(s, "<title>월요일: 0</title>"));
	assert_null(strstr(s, "<b>"));
	assert_int_equal(count(s, "<tr>"), 4);		/* head + 3 rows */
	assert_non_null(strstr(s, "<caption>Hits &lt;per&gt; day</caption>"));
	assert_non_null(strstr(s, "<td class=\"num\">3.5</td>"));
	assert_int_equal(count(s, "<div class=\"chart\""), 1);
	assert_int_equal(count(s, "</table></div></div>"), 1);
	/* a date on the axis is short, whole in the table */
	assert_non_null(strstr(s, ">11-20</text>"));
	assert_non_null(strstr(s, ">2026-11-20</th>"));
	strbuf_cleanup(&b);
}

static void
test_axis_whole_numbers(void **state)
{
	struct strbuf		b;
	const double		v[] = { 1, 0 };
	struct svg_chart	c = { "Few", "k", "v", labels, v, 2, NULL };
	char			*s;

	(void)state;
	strbuf_init(&b);
	svg_bar(&b, &c);
	s = text(&b);
	/* ticks 0 1 2 3 4, never fractions of a count */
	assert_null(strstr(s, ".5<"));
	assert_null(strstr(s, "0.2"));
	assert_non_null(strstr(s, ">4</text>"));
	strbuf_cleanup(&b);
}

static void
test_line_and_hbar(void **state)
{
	struct strbuf		b;
	const char *const	links[] = { "/usage?day=2026-11-20", NULL,
	    "/usage?name=a&b" };
	struct svg_chart	c = { "Visitors", "Hour", "Visitors", labels,
	    values, 3, links };
	char			*s;

	(void)state;
	strbuf_init(&b);
	svg_line(&b, &c);
	s = text(&b);
	assert_int_equal(count(s, "<circle"), 3);
	assert_int_equal(count(s, "<polyline"), 1);
	assert_non_null(strstr(s, "<a href=\"/usage?day=2026-11-20\">"));
	assert_non_null(strstr(s, "<a href=\"/usage?name=a&amp;b\">"));
	strbuf_reset(&b);
	svg_hbar(&b, &c);
	s = text(&b);
	assert_int_equal(count(s, "<rect"), 3);
	assert_int_equal(count(s, "<title>"), 4);
	strbuf_cleanup(&b);
}

static void
test_odd_input(void **state)
{
	struct strbuf		b;
	const char *const	l[] = { "a", "b", "아주 긴 이름이 있는 경로 /notices/:id/attachments/:id/remove" };
	double			v[3];
	struct svg_chart	c = { "Odd", "k", "v", l, v, 3, NULL };
	struct svg_chart	none = { "Empty", "k", "v", l, v, 0, NULL };
	char			*s;

	(void)state;
	v[0] = NAN;
	v[1] = -5;
	v[2] = 1e12;
	strbuf_init(&b);
	svg_bar(&b, &c);
	svg_hbar(&b, &c);
	svg_line(&b, &none);
	svg_bar(&b, &none);
	s = text(&b);
	assert_null(strstr(s, "nan"));
	assert_null(strstr(s, "inf"));
	assert_null(strstr(s, "-5"));
	assert_non_null(strstr(s, "<title>a: 0</title>"));
	assert_non_null(strstr(s, "1000000000000"));
	/* the cut label stays valid UTF-8 (ends on a whole character) */
	assert_non_null(strstr(s, "…</text>"));
	assert_int_equal(count(s, "<div class=\"chart\""), 4);
	assert_int_equal(count(s, "</table></div></div>"), 4);
	strbuf_cleanup(&b);
}

static void
test_heatmap(void **state)
{
	struct strbuf		b;
	const char *const	rows[] = { "Mon", "T<u>e" };
	const char *const	cols[] = { "00", "01", "02" };
	const double		v[] = { 0, 5, 10, 1, 2, 3 };
	struct svg_heat		h = { "Hour x weekday", "Day", rows, 2, cols,
	    3, v };
	char			*s;

	(void)state;
	strbuf_init(&b);
	svg_heatmap(&b, &h);
	s = text(&b);
	assert_int_equal(count(s, "<rect"), 6);
	assert_non_null(strstr(s, "<title>Mon 02: 10</title>"));
	assert_non_null(strstr(s, "<title>T&lt;u&gt;e 00: 1</title>"));
	/* the darkest cell is the largest value; empty cells are lightest */
	assert_non_null(strstr(s, "fill=\"rgb(40,40,255)\"><title>Mon 02"));
	assert_non_null(strstr(s, "fill=\"rgb(245,245,255)\"><title>Mon 00"));
	assert_int_equal(count(s, "<td class=\"num\">"), 6);
	assert_null(strstr(s, "<u>"));
	strbuf_cleanup(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bar_titles_table_escape),
		cmocka_unit_test(test_line_and_hbar),
		cmocka_unit_test(test_odd_input),
		cmocka_unit_test(test_heatmap),
		cmocka_unit_test(test_axis_whole_numbers),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
