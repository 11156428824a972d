/*
 * Unit tests for crm/usage.c: sessions (30-minute split, entry, exit,
 * depth, user type, disorder, early close, resume), funnel steps and
 * funnels with drop-off on hand-built sequences, the counter tables.
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
#include "usage.h"
#include "usagefmt.h"

#define MAXC	64

/* Sessions handed to on_close, copied. */
struct closed {
	struct us_session	s[MAXC];
	int			n;
};

static void
on_close(void *arg, const struct us_session *s)
{
	struct closed	*c = arg;

	assert_true(c->n < MAXC);
	c->s[c->n++] = *s;
}

static void
tracker(struct us_tracker *t, struct closed *c, size_t max_open)
{
	memset(c, 0, sizeof(*c));
	assert_int_equal(us_init(t, max_open), 0);
	us_set_salt(t, "salt", 4);
	t->on_close = on_close;
	t->arg = c;
}

/* A request by visitor ip (agent "ua"), at t0 + secs. */
static void
hit(struct us_tracker *t, const char *ip, int64_t secs, const char *method,
    const char *route, int status)
{
	struct us_hit	h;

	memset(&h, 0, sizeof(h));
	h.ts = 1795419769 + secs;
	h.user = "";
	h.ip = ip;
	h.ip_n = strlen(ip);
	h.agent = "Mozilla/5.0 Firefox/121.0";
	h.agent_n = strlen(h.agent);
	h.method = method;
	h.method_n = strlen(method);
	h.route = route;
	h.status = status;
	us_hit(t, &h);
}

static void
test_session_split_at_30_minutes(void **state)
{
	struct us_tracker	t;
	struct closed		c;

	(void)state;
	tracker(&t, &c, 100);
	hit(&t, "10.0.0.1", 0, "GET", "/", 200);
	hit(&t, "10.0.0.1", 60, "GET", "/notices", 200);
	hit(&t, "10.0.0.1", 60 + 1799, "GET", "/notices/:id", 200);
	assert_int_equal(t.open, 1);
	assert_int_equal(c.n, 0);
	/* exactly 30 minutes later: a new session */
	hit(&t, "10.0.0.1", 60 + 1799 + 1800, "GET", "/login", 200);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.s[0].depth, 3);
	assert_string_equal(c.s[0].entry, "/");
	assert_string_equal(c.s[0].exit, "/notices/:id");
	assert_int_equal(c.s[0].last - c.s[0].start, 1859);
	assert_int_equal(t.open, 1);
	us_expire(&t, INT64_MAX);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.s[1].depth, 1);
	assert_string_equal(c.s[1].entry, "/login");
	/* the same visitor key for the same address and agent */
	assert_string_equal(c.s[0].visitor, c.s[1].visitor);
	assert_int_equal(strlen(c.s[0].visitor), 34);
	assert_memory_equal(c.s[0].visitor, "v:", 2);
	us_free(&t);
}

static void
test_entry_exit_depth_ignore_redirects_and_api(void **state)
{
	struct us_tracker	t;
	struct closed		c;

	(void)state;
	tracker(&t, &c, 100);
	hit(&t, "10.0.0.2", 0, "GET", "/api/csrf", 200);
	hit(&t, "10.0.0.2", 1, "GET", "/", 302);
	hit(&t, "10.0.0.2", 2, "GET", "/notices", 200);
	hit(&t, "10.0.0.2", 3, "POST", "/login", 303);
	hit(&t, "10.0.0.2", 4, "GET", "/account", 200);
	hit(&t, "10.0.0.2", 5, "GET", "/api/notices", 200);
	us_expire(&t, INT64_MAX);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.s[0].hits, 6);
	assert_int_equal(c.s[0].depth, 2);
	assert_string_equal(c.s[0].entry, "/notices");
	assert_string_equal(c.s[0].exit, "/account");
	assert_int_equal(c.s[0].utype, US_UT_MEMBER);
	us_free(&t);
}

static void
test_visitors_apart_and_user_key(void **state)
{
	struct us_tracker	t;
	struct closed		c;
	struct us_hit		h;

	(void)state;
	tracker(&t, &c, 100);
	hit(&t, "10.0.0.1", 0, "GET", "/", 200);
	hit(&t, "2001:db8::1", 1, "GET", "/", 200);
	assert_int_equal(t.open, 2);
	memset(&h, 0, sizeof(h));
	h.ts = 1795419769 + 2;
	h.user = "alice";
	h.user_n = 5;
	h.ip = "10.0.0.1";
	h.ip_n = 8;
	h.agent = "x";
	h.agent_n = 1;
	h.method = "GET";
	h.method_n = 3;
	h.route = "/notices";
	h.status = 200;
	us_hit(&t, &h);
	h.ip = "10.9.9.9";		/* same user elsewhere: same session */
	h.ts += 10;
	us_hit(&t, &h);
	assert_int_equal(t.open, 3);
	us_expire(&t, INT64_MAX);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.s[2].visitor, "u:alice");
	assert_int_equal(c.s[2].depth, 2);
	assert_int_equal(c.s[2].utype, US_UT_MEMBER);
	assert_string_not_equal(c.s[0].visitor, c.s[1].visitor);
	us_free(&t);
}

static void
test_expiry_as_clock_advances_and_disorder(void **state)
{
	struct us_tracker	t;
	struct closed		c;

	(void)state;
	tracker(&t, &c, 100);
	hit(&t, "10.0.0.1", 0, "GET", "/", 200);
	hit(&t, "10.0.0.2", 100, "GET", "/", 200);
	/* a line 50 s late still joins its session */
	hit(&t, "10.0.0.1", 50, "GET", "/notices", 200);
	assert_int_equal(t.open, 2);
	/* idle + slack after 10.0.0.1's last line: it closes */
	hit(&t, "10.0.0.3", 50 + US_IDLE + US_SLACK + 1, "GET", "/", 200);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.s[0].depth, 2);
	assert_int_equal(c.s[0].last - c.s[0].start, 50);
	assert_int_equal(t.open, 2);
	us_expire(&t, INT64_MAX);
	assert_int_equal(c.n, 3);
	assert_int_equal(t.open, 0);
	us_free(&t);
}

static void
test_max_open_closes_oldest(void **state)
{
	struct us_tracker	t;
	struct closed		c;
	char			ip[32];
	int			i;

	(void)state;
	tracker(&t, &c, 3);
	for (i = 0; i < 5; i++) {
		snprintf(ip, sizeof(ip), "10.0.0.%d", i);
		hit(&t, ip, i, "GET", "/", 200);
	}
	assert_int_equal(t.open, 3);
	assert_int_equal(t.forced, 2);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.s[0].ip, "10.0.0.0");
	assert_string_equal(c.s[1].ip, "10.0.0.1");
	us_free(&t);
}

static void
test_user_types(void **state)
{
	struct us_tracker	t;
	struct closed		c;
	struct us_hit		h;

	(void)state;
	assert_int_equal(us_utype_of("/admin/agencies", 15, "GET", 200),
	    US_UT_STAFF);
	assert_int_equal(us_utype_of("/admin", 6, "GET", 403), US_UT_VISITOR);
	assert_int_equal(us_utype_of("/notices/:id/publish", 20, "POST", 303),
	    US_UT_AGENCY);
	assert_int_equal(us_utype_of("/notices/new", 12, "GET", 200),
	    US_UT_AGENCY);
	assert_int_equal(us_utype_of("/notices/:id/bid", 16, "POST", 200),
	    US_UT_SUPPLIER);
	assert_int_equal(us_utype_of("/certificate", 12, "GET", 200),
	    US_UT_SUPPLIER);
	assert_int_equal(us_utype_of("/login", 6, "POST", 303), US_UT_MEMBER);
	assert_int_equal(us_utype_of("/login", 6, "POST", 200), US_UT_VISITOR);
	assert_int_equal(us_utype_of("/notices", 8, "GET", 200),
	    US_UT_VISITOR);
	assert_string_equal(us_utype_name(US_UT_AGENCY), "agency");

	tracker(&t, &c, 10);
	hit(&t, "10.0.0.1", 0, "GET", "/", 200);
	hit(&t, "10.0.0.1", 1, "POST", "/login", 303);
	hit(&t, "10.0.0.1", 2, "GET", "/certificate", 200);
	hit(&t, "10.0.0.1", 3, "GET", "/notices", 200);
	memset(&h, 0, sizeof(h));
	h.ts = 1795419769;
	h.user = "";
	h.ip = "10.0.0.9";
	h.ip_n = 8;
	h.agent = "Googlebot";
	h.agent_n = 9;
	h.method = "GET";
	h.method_n = 3;
	h.route = "/admin";
	h.status = 200;
	h.bot = 1;
	us_hit(&t, &h);
	us_expire(&t, INT64_MAX);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.s[0].utype, US_UT_SUPPLIER);
	assert_int_equal(c.s[1].utype, US_UT_BOT);
	assert_int_equal(c.s[1].bot, 1);
	us_free(&t);
}

static void
test_step_parse_and_match(void **state)
{
	struct us_step	st;

	(void)state;
	assert_int_equal(us_step_parse("/notices", &st), 0);
	assert_string_equal(st.method, "GET");
	assert_string_equal(st.route, "/notices");
	assert_int_equal(st.prefix, 0);
	assert_true(us_step_match(&st, "GET", 3, "/notices", 200));
	assert_false(us_step_match(&st, "POST", 4, "/notices", 200));
	assert_false(us_step_match(&st, "GET", 3, "/notices", 404));
	assert_false(us_step_match(&st, "GET", 3, "/notices/:id", 200));

	assert_int_equal(us_step_parse("POST /notices/:id/bid", &st), 0);
	assert_string_equal(st.method, "POST");
	assert_true(us_step_match(&st, "POST", 4, "/notices/:id/bid", 200));

	assert_int_equal(us_step_parse("* /admin*", &st), 0);
	assert_string_equal(st.method, "");
	assert_int_equal(st.prefix, 1);
	assert_true(us_step_match(&st, "DELETE", 6, "/admin/x", 204));
	assert_false(us_step_match(&st, "GET", 3, "/adm", 200));

	assert_int_equal(us_step_parse("notices", &st), -1);
	assert_int_equal(us_step_parse("get /notices", &st), -1);
	assert_int_equal(us_step_parse("", &st), -1);
	assert_int_equal(us_step_parse("GET ", &st), -1);
}

static void
add_bid_funnel(struct us_tracker *t)
{
	struct us_funnel	f;

	memset(&f, 0, sizeof(f));
	f.id = 7;
	strcpy(f.name, "bid");
	f.nsteps = 4;
	assert_int_equal(us_step_parse("/notices", &f.step[0]), 0);
	assert_int_equal(us_step_parse("/notices/:id", &f.step[1]), 0);
	assert_int_equal(us_step_parse("/notices/:id/bid", &f.step[2]), 0);
	assert_int_equal(us_step_parse("POST /notices/:id/bid", &f.step[3]), 0);
	assert_int_equal(us_add_funnel(t, &f), 0);
}

static void
test_funnel_dropoff(void **state)
{
	struct us_tracker	 t;
	struct closed		 c;
	struct us_map		 m;
	struct us_funnel_key	 k;
	const void		*kp;
	const int64_t		*v;
	int64_t			 tot[US_FUNNEL_NVAL];
	size_t			 i;
	int			 j;

	(void)state;
	tracker(&t, &c, 100);
	add_bid_funnel(&t);
	/* A: the whole funnel, with detours */
	hit(&t, "10.0.0.1", 0, "GET", "/", 200);
	hit(&t, "10.0.0.1", 1, "GET", "/notices", 200);
	hit(&t, "10.0.0.1", 2, "GET", "/help", 200);
	hit(&t, "10.0.0.1", 3, "GET", "/notices/:id", 200);
	hit(&t, "10.0.0.1", 4, "GET", "/notices/:id/bid", 200);
	hit(&t, "10.0.0.1", 5, "POST", "/notices/:id/bid", 200);
	/* B: stops at the detail page */
	hit(&t, "10.0.0.2", 0, "GET", "/notices", 200);
	hit(&t, "10.0.0.2", 1, "GET", "/notices/:id", 200);
	/* C: skips the list (never enters the funnel) */
	hit(&t, "10.0.0.3", 0, "GET", "/notices/:id", 200);
	hit(&t, "10.0.0.3", 1, "GET", "/notices/:id/bid", 200);
	/* D: bid form, then the post refused (400): stops at step 3 */
	hit(&t, "10.0.0.4", 0, "GET", "/notices", 200);
	hit(&t, "10.0.0.4", 1, "GET", "/notices/:id", 200);
	hit(&t, "10.0.0.4", 2, "GET", "/notices/:id/bid", 200);
	hit(&t, "10.0.0.4", 3, "POST", "/notices/:id/bid", 400);
	/* E: steps out of order: list, bid form, detail -> 2 steps */
	hit(&t, "10.0.0.5", 0, "GET", "/notices", 200);
	hit(&t, "10.0.0.5", 1, "GET", "/notices/:id/bid", 200);
	hit(&t, "10.0.0.5", 2, "GET", "/notices/:id", 200);
	/* A again after 30 minutes: a new session, only step 1 */
	hit(&t, "10.0.0.1", 5 + 1800, "GET", "/notices", 200);
	us_expire(&t, INT64_MAX);
	assert_int_equal(c.n, 6);

	assert_int_equal(us_map_init(&m, sizeof(struct us_funnel_key),
	    US_FUNNEL_NVAL, 100), 0);
	for (j = 0; j < c.n; j++)
		assert_int_equal(us_funnel_count(&m, &t, &c.s[j]), 0);
	memset(tot, 0, sizeof(tot));
	i = 0;
	while (us_map_next(&m, &i, &kp, &v)) {
		memcpy(&k, kp, sizeof(k));
		assert_int_equal(k.funnel, 7);
		assert_string_equal(k.region, "unknown");
		assert_int_equal(k.hour % 3600, 0);
		for (j = 0; j < US_FUNNEL_NVAL; j++)
			tot[j] += v[j];
	}
	assert_int_equal(tot[0], 6);	/* sessions */
	assert_int_equal(tot[1], 5);	/* list: A B D E A' */
	assert_int_equal(tot[2], 4);	/* detail: A B D E */
	assert_int_equal(tot[3], 2);	/* bid form: A D */
	assert_int_equal(tot[4], 1);	/* bid submitted: A */
	assert_int_equal(tot[5], 0);
	/* split by user type: A is a supplier (posted a bid) */
	i = 0;
	while (us_map_next(&m, &i, &kp, &v)) {
		memcpy(&k, kp, sizeof(k));
		if (k.utype == US_UT_SUPPLIER)
			assert_int_equal(v[4], 1);
		else
			assert_int_equal(v[4], 0);
	}
	us_map_free(&m);
	us_free(&t);
}

static void
test_restore_resumes_session_and_progress(void **state)
{
	struct us_tracker	t, t2;
	struct closed		c, c2;
	struct us_session	saved[4];
	int			n = 0;
	struct us_session	*s;

	(void)state;
	tracker(&t, &c, 100);
	add_bid_funnel(&t);
	hit(&t, "10.0.0.1", 0, "GET", "/notices", 200);
	hit(&t, "10.0.0.1", 10, "GET", "/notices/:id", 200);
	hit(&t, "10.0.0.2", 20, "GET", "/", 200);
	for (s = t.oldest; s != NULL; s = s->next)
		saved[n++] = *s;
	assert_int_equal(n, 2);
	us_free(&t);

	/* the next import: restored, then continued */
	tracker(&t2, &c2, 100);
	add_bid_funnel(&t2);
	assert_int_equal(us_restore(&t2, &saved[1]), 0);
	assert_int_equal(us_restore(&t2, &saved[0]), 0);	/* late one */
	assert_int_equal(t2.open, 2);
	assert_true(t2.oldest->last <= t2.newest->last);
	assert_int_equal(t2.now, 1795419769 + 20);
	hit(&t2, "10.0.0.1", 30, "GET", "/notices/:id/bid", 200);
	hit(&t2, "10.0.0.1", 40, "POST", "/notices/:id/bid", 200);
	assert_int_equal(t2.open, 2);
	us_expire(&t2, INT64_MAX);
	assert_int_equal(c2.n, 2);
	assert_string_equal(c2.s[1].ip, "10.0.0.1");
	assert_int_equal(c2.s[1].depth, 3);
	assert_int_equal(c2.s[1].hits, 4);
	assert_int_equal(c2.s[1].progress[0], 4);
	assert_int_equal(c2.s[1].last - c2.s[1].start, 40);
	assert_string_equal(c2.s[1].entry, "/notices");
	assert_string_equal(c2.s[1].exit, "/notices/:id/bid");
	us_free(&t2);
}

static void
test_map_limit_and_clear(void **state)
{
	struct us_map	 m;
	int64_t		 key[2] = { 0, 0 }, *v;
	const void	*kp;
	const int64_t	*vals;
	size_t		 i, n;

	(void)state;
	assert_int_equal(us_map_init(&m, 16, 3, 4), 0);
	for (key[0] = 0; key[0] < 4; key[0]++) {
		assert_non_null(v = us_map_get(&m, key));
		v[0] += key[0];
		v[2] = 9;
	}
	key[0] = 99;
	assert_null(us_map_get(&m, key));	/* full */
	key[0] = 2;
	assert_non_null(v = us_map_get(&m, key));	/* existing: fine */
	assert_int_equal(v[0], 2);
	i = 0;
	n = 0;
	while (us_map_next(&m, &i, &kp, &vals)) {
		assert_int_equal(vals[2], 9);
		n++;
	}
	assert_int_equal(n, 4);
	us_map_clear(&m);
	assert_int_equal(m.count, 0);
	key[0] = 99;
	assert_non_null(v = us_map_get(&m, key));
	assert_int_equal(v[0], 0);
	us_map_free(&m);
}

static void
test_rt_buckets(void **state)
{
	(void)state;
	assert_int_equal(us_rt_bucket(0), 0);
	assert_int_equal(us_rt_bucket(10000), 0);
	assert_int_equal(us_rt_bucket(10001), 1);
	assert_int_equal(us_rt_bucket(999999), 6);
	assert_int_equal(us_rt_bucket(60000000), US_RT_BUCKETS - 1);
}

/* ---------------------------------------------------------------- u1 */

/* A u1 line as portal/usagefmt.c writes it. */
static size_t
u1_line(char *out, size_t cap, int64_t us, const char *vkey,
    const char *user, const char *org, const char *role, const char *method,
    const char *name, const char *path, int status, int64_t dur)
{
	struct usage_event	e;
	size_t			n;

	memset(&e, 0, sizeof(e));
	e.time_us = us;
	e.ip = "10.1.2.3";
	e.visitor = vkey;
	e.user = user;
	e.org = org;
	e.role = role;
	e.method = method;
	e.route = name;
	e.path = path;
	e.status = status;
	e.bytes = 1234;
	e.dur_us = dur;
	e.referer = "https://search.example/q?x=\t1";
	e.agent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/121.0";
	n = usage_format(out, cap, &e);
	assert_true(n > 0 && out[n - 1] == '\n');
	out[--n] = '\0';
	return (n);
}

static void
test_u1_parse(void **state)
{
	struct us_u1	e;
	char		l[USAGE_LINE_MAX];
	size_t		n;

	(void)state;
	u1_line(l, sizeof(l), 1795419769123456LL, "0123456789abcdef", "42",
	    "7", "supplier", "GET", "notice", "/notices/12", 200, 15300);
	assert_int_equal(us_u1_parse(l, &e), 0);
	assert_true(e.time_us == 1795419769123456LL);
	assert_string_equal(e.ip, "10.1.2.3");
	assert_string_equal(e.vkey, "0123456789abcdef");
	assert_int_equal(e.user_id, 42);
	assert_int_equal(e.org_id, 7);
	assert_string_equal(e.role, "supplier");
	assert_int_equal(e.utype, US_UT_SUPPLIER);
	assert_string_equal(e.method, "GET");
	assert_string_equal(e.name, "notice");
	assert_string_equal(e.path, "/notices/12");
	assert_int_equal(e.status, 200);
	assert_int_equal(e.bytes, 1234);
	assert_int_equal(e.dur_us, 15300);
	/* escapes read back exactly */
	assert_string_equal(e.referer, "https://search.example/q?x=\t1");

	/* anonymous: "-" fields read as none */
	u1_line(l, sizeof(l), 1795419769000000LL, NULL, NULL, NULL, "anon",
	    "POST", "login", "/login", 303, 900);
	assert_int_equal(us_u1_parse(l, &e), 0);
	assert_int_equal(e.user_id, 0);
	assert_int_equal(e.org_id, 0);
	assert_string_equal(e.vkey, "");
	assert_int_equal(e.utype, US_UT_VISITOR);

	/* roles */
	assert_int_equal(us_utype_of_role("officer", 1), US_UT_AGENCY);
	assert_int_equal(us_utype_of_role("agency", 1), US_UT_AGENCY);
	assert_int_equal(us_utype_of_role("staff", 1), US_UT_STAFF);
	assert_int_equal(us_utype_of_role("agent", 1), US_UT_STAFF);
	assert_int_equal(us_utype_of_role("pending", 1), US_UT_MEMBER);
	assert_int_equal(us_utype_of_role("anon", 0), US_UT_VISITOR);

	/* malformed lines are refused */
	n = u1_line(l, sizeof(l), 1795419769000000LL, NULL, "x42", NULL,
	    "anon", "GET", "home", "/", 200, 1);
	assert_int_equal(us_u1_parse(l, &e), -1);		/* user id */
	u1_line(l, sizeof(l), 1795419769000000LL, NULL, NULL, NULL, "anon",
	    "GET", "home", "/", 700, 1);
	assert_int_equal(us_u1_parse(l, &e), -1);		/* status */
	u1_line(l, sizeof(l), 1795419769000000LL, NULL, NULL, NULL, "anon",
	    "GET", "home", "relative", 200, 1);
	assert_int_equal(us_u1_parse(l, &e), -1);		/* path */
	strcpy(l, "u1\t1795419769000000\t10.0.0.1\t-");
	assert_int_equal(us_u1_parse(l, &e), -1);		/* fields */
	strcpy(l, "1.2.3.4 - - [01/Jan/2026:00:00:00 +0000] \"GET / HTTP/1.1\" "
	    "200 1");
	assert_int_equal(us_u1_parse(l, &e), -1);		/* not u1 */
	u1_line(l, sizeof(l), -5, NULL, NULL, NULL, "anon", "GET", "home",
	    "/", 200, 1);
	assert_int_equal(us_u1_parse(l, &e), -1);		/* time */
	(void)n;
}

/* One u1 request through the tracker, as g2b-logs makes it. */
static void
u1_hit(struct us_tracker *t, int64_t secs, const char *vkey, int64_t uid,
    const char *role, const char *method, const char *route, int status)
{
	struct us_hit	h;

	memset(&h, 0, sizeof(h));
	h.ts = 1795419769 + secs;
	h.user = "";
	h.ip = "10.9.9.9";
	h.ip_n = strlen(h.ip);
	h.agent = "Mozilla/5.0 Firefox/121.0";
	h.agent_n = strlen(h.agent);
	h.method = method;
	h.method_n = strlen(method);
	h.route = route;
	h.status = status;
	h.vkey = vkey;
	h.vkey_n = strlen(vkey);
	h.user_id = uid;
	h.org_id = uid > 0 ? 900 + uid : 0;
	h.role = role;
	h.utype = us_utype_of_role(role, uid > 0);
	us_hit(t, &h);
}

static void
test_u1_sessions_per_user_and_role(void **state)
{
	struct us_tracker	t;
	struct closed		c;
	int			i, v = -1, s = -1, a = -1, w = -1;

	(void)state;
	tracker(&t, &c, 100);
	/* Two anonymous visitors behind one address and agent: the portal's
	 * visitor keys tell them apart. */
	u1_hit(&t, 0, "aaaaaaaaaaaaaaaa", 0, "anon", "GET", "/", 200);
	u1_hit(&t, 1, "bbbbbbbbbbbbbbbb", 0, "anon", "GET", "/notices", 200);
	/* An anonymous request to a staff page that answered 200 (a public
	 * page of the same prefix, say): the role, not the route, decides. */
	u1_hit(&t, 2, "bbbbbbbbbbbbbbbb", 0, "anon", "GET", "/admin", 200);
	/* A supplier whose session key changes (a new login) stays one
	 * session: it is keyed by the user. */
	u1_hit(&t, 3, "1111111111111111", 42, "supplier", "GET", "/", 200);
	u1_hit(&t, 4, "2222222222222222", 42, "supplier", "GET",
	    "/notices", 200);
	/* An agency officer on public pages only: still agency. */
	u1_hit(&t, 5, "3333333333333333", 43, "officer", "GET", "/notices",
	    200);
	assert_int_equal(t.open, 4);
	us_expire(&t, INT64_MAX);
	assert_int_equal(c.n, 4);
	for (i = 0; i < c.n; i++) {
		if (c.s[i].user_id == 42)
			s = i;
		else if (c.s[i].user_id == 43)
			a = i;
		else if (strcmp(c.s[i].entry, "/") == 0)
			v = i;
		else
			w = i;
	}
	assert_true(v >= 0 && s >= 0 && a >= 0 && w >= 0);
	assert_int_equal(c.s[s].hits, 2);
	assert_int_equal(c.s[s].utype, US_UT_SUPPLIER);
	assert_int_equal(c.s[s].org_id, 942);
	assert_string_equal(c.s[s].role, "supplier");
	assert_string_equal(c.s[s].visitor, "u:42");
	assert_int_equal(c.s[a].utype, US_UT_AGENCY);
	assert_string_equal(c.s[a].role, "officer");
	assert_int_equal(c.s[v].utype, US_UT_VISITOR);
	assert_int_equal(c.s[w].utype, US_UT_VISITOR);
	assert_int_equal(c.s[w].hits, 2);
	/* visitor keys are keyed again, never the portal's hash itself */
	assert_memory_equal(c.s[v].visitor, "k:", 2);
	assert_int_equal(strlen(c.s[v].visitor), 34);
	assert_true(strstr(c.s[v].visitor, "aaaa") == NULL);
	assert_string_not_equal(c.s[v].visitor, c.s[w].visitor);
	us_free(&t);
}

/* An on_open that names the region of a logged-in user's organisation, as
 * g2b-logs does from portal.org (orgs 942 -> "26"); others stay unknown. */
static void
on_open_org(void *arg, struct us_session *s)
{
	int	*opened = arg;

	(*opened)++;
	if (s->org_id == 942)
		snprintf(s->region, sizeof(s->region), "%s", "26");
}

static void
test_u1_region_from_organisation(void **state)
{
	struct us_tracker	 t;
	struct us_map		 m;
	struct us_funnel_key	 k;
	struct us_session	*s;
	const void		*kp;
	const int64_t		*v;
	size_t			 i;
	int			 opened = 0, seen = 0;

	(void)state;
	assert_int_equal(us_init(&t, 100), 0);
	us_set_salt(&t, "salt", 4);
	t.on_open = on_open_org;
	t.arg = &opened;
	add_bid_funnel(&t);
	/* user 42 (org 942) through the funnel; an anonymous visitor and
	 * user 43 (org 943, no region known) on the list */
	u1_hit(&t, 0, "1111111111111111", 42, "supplier", "GET", "/notices",
	    200);
	u1_hit(&t, 1, "1111111111111111", 42, "supplier", "GET",
	    "/notices/:id", 200);
	u1_hit(&t, 2, "aaaaaaaaaaaaaaaa", 0, "anon", "GET", "/notices", 200);
	u1_hit(&t, 3, "3333333333333333", 43, "supplier", "GET", "/notices",
	    200);
	assert_int_equal(opened, 3);
	assert_int_equal(us_map_init(&m, sizeof(struct us_funnel_key),
	    US_FUNNEL_NVAL, 100), 0);
	/* counted from the open sessions, as a closing import does */
	for (s = t.oldest; s != NULL; s = s->next)
		assert_int_equal(us_funnel_count(&m, &t, s), 0);
	i = 0;
	while (us_map_next(&m, &i, &kp, &v)) {
		memcpy(&k, kp, sizeof(k));
		if (strcmp(k.region, "26") == 0) {
			assert_int_equal(k.utype, US_UT_SUPPLIER);
			assert_int_equal(v[0], 1);	/* sessions */
			assert_int_equal(v[2], 1);	/* reached the detail */
		} else {
			assert_string_equal(k.region, "unknown");
			assert_int_equal(v[2], 0);
		}
		seen++;
	}
	assert_true(seen >= 2);
	us_map_free(&m);
	us_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_session_split_at_30_minutes),
		cmocka_unit_test(test_entry_exit_depth_ignore_redirects_and_api),
		cmocka_unit_test(test_visitors_apart_and_user_key),
		cmocka_unit_test(test_expiry_as_clock_advances_and_disorder),
		cmocka_unit_test(test_max_open_closes_oldest),
		cmocka_unit_test(test_user_types),
		cmocka_unit_test(test_step_parse_and_match),
		cmocka_unit_test(test_funnel_dropoff),
		cmocka_unit_test(test_restore_resumes_session_and_progress),
		cmocka_unit_test(test_map_limit_and_clear),
		cmocka_unit_test(test_rt_buckets),
		cmocka_unit_test(test_u1_parse),
		cmocka_unit_test(test_u1_sessions_per_user_and_role),
		cmocka_unit_test(test_u1_region_from_organisation),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
