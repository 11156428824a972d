/*
 * usagepages: staff pages of the usage analysis (issue 6). /usage shows
 * the panels of a period from the tables build/g2b-logs fills (imports
 * run from the command line, never in a worker): hits and visitors over
 * time (a day drills down to its hours), top routes (a route name drills
 * down to its paths), referrers, browsers, operating systems, status
 * codes, response times per route and an hour x weekday heatmap, each an
 * SVG chart with its table, each exportable as CSV (?format=csv&panel=).
 * Staff and agents only: the panels read aggregate tables only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svgchart.h"
#include "usage.h"
#include "validate.h"
#include "web.h"

int	page_usage(struct http_request *);
int	page_usage_funnels(struct http_request *);
int	page_usage_user(struct http_request *);

static int	usage_get(struct g2b_ctx *);
static int	usage_loaded(struct g2b_ctx *);
static int	funnels_get(struct g2b_ctx *);
static int	funnels_loaded(struct g2b_ctx *);
static int	funnels_post(struct g2b_ctx *);
static int	funnels_saved(struct g2b_ctx *);
static int	user_get(struct g2b_ctx *);
static int	user_loaded(struct g2b_ctx *);

static const struct g2b_route route_usage =
    { "usage", ROLE_STAFF | ROLE_AGENT, 0, usage_get, NULL };
static const struct g2b_route route_funnels =
    { "usage_funnels", ROLE_STAFF | ROLE_AGENT, 0, funnels_get,
    funnels_post };
/* A person's activity is personal data: staff only. */
static const struct g2b_route route_user =
    { "usage_user", ROLE_STAFF, 0, user_get, NULL };

#define MAXROWS	400
#define RT_ROUTES	10

/* Static files and health checks: hits, not pages. */
#define ASSET	"(name = 'static' OR route LIKE '/static/%' OR route LIKE " \
	    "'/health%' OR route ~* '\\.(css|js|mjs|png|jpe?g|gif|svg|ico|" \
	    "woff2?|ttf|map|webp)$')"

static const char *const panels[] = { "series", "visitors", "routes",
	"refs", "browsers", "os", "status", "rt", "heat", NULL };

/* YYYY-MM-DD, a plausible date. */
static int
valid_date(const char *s)
{
	int	i;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return (0);
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return (0);
	return (atoi(s + 5) >= 1 && atoi(s + 5) <= 12 && atoi(s + 8) >= 1 &&
	    atoi(s + 8) <= 31 && atoi(s) >= 2000 && atoi(s) <= 2100);
}

/* A route name as the portal writes them. */
static int
valid_name(const char *s)
{
	size_t	n;

	if (s == NULL || (n = strlen(s)) == 0 || n > 31)
		return (0);
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '_' || *s == '-'))
			return (0);
	return (1);
}

int
page_usage(struct http_request *req)
{
	return (g2b_run(req, &route_usage));
}

int
page_usage_funnels(struct http_request *req)
{
	return (g2b_run(req, &route_funnels));
}

int
page_usage_user(struct http_request *req)
{
	return (g2b_run(req, &route_user));
}

static int
usage_get(struct g2b_ctx *ctx)
{
	const char	*from, *to, *day, *name, *panel, *vals[5];
	int		 i, ok;

	from = g2b_get(ctx, "from");
	to = g2b_get(ctx, "to");
	day = g2b_get(ctx, "day");
	name = g2b_get(ctx, "name");
	panel = g2b_get(ctx, "panel");
	if ((from != NULL && *from != '\0' && !valid_date(from)) ||
	    (to != NULL && *to != '\0' && !valid_date(to)) ||
	    (day != NULL && *day != '\0' && !valid_date(day)) ||
	    (name != NULL && *name != '\0' && !valid_name(name))) {
		tmpl_set(ctx->vars, "error", g2b_msg(ctx, "usage.err.period"));
		from = to = day = name = NULL;
	}
	if (panel != NULL) {
		for (ok = 0, i = 0; panels[i] != NULL; i++)
			ok |= strcmp(panels[i], panel) == 0;
		if (!ok)
			return (g2b_error(ctx, 400));
		g2b_keep(ctx, 0, panel);
	}
	ctx->n[0] = g2b_get(ctx, "format") != NULL &&
	    strcmp(g2b_get(ctx, "format"), "csv") == 0;
	vals[0] = from != NULL && *from != '\0' ? from : NULL;
	vals[1] = to != NULL && *to != '\0' ? to : NULL;
	vals[2] = day != NULL && *day != '\0' ? day : NULL;
	vals[3] = name != NULL && *name != '\0' ? name : NULL;
	vals[4] = NULL;
	g2b_keep(ctx, 1, vals[0] ? vals[0] : "");
	g2b_keep(ctx, 2, vals[1] ? vals[1] : "");
	g2b_keep(ctx, 3, vals[2] ? vals[2] : "");
	g2b_keep(ctx, 4, vals[3] ? vals[3] : "");
	/* The period in Korea time: default the last 7 days. */
	return (g2b_query(ctx, usage_loaded,
	    "WITH p AS (SELECT coalesce($3::date, $1::date, (now() AT TIME ZONE "
	    "'Asia/Seoul')::date - 6) AS d1, coalesce($3::date, $2::date, "
	    "(now() AT TIME ZONE 'Asia/Seoul')::date) AS d2), "
	    "w AS (SELECT d1, d2, d1::timestamp AT TIME ZONE 'Asia/Seoul' AS f, "
	    "(d2 + 1)::timestamp AT TIME ZONE 'Asia/Seoul' AS t FROM p), "
	    "r AS (SELECT a.* FROM usage.agg_route a, w WHERE a.hour >= w.f AND "
	    "a.hour < w.t), "
	    "g AS (SELECT CASE WHEN $3::date IS NULL THEN 'YYYY-MM-DD' ELSE "
	    "'HH24' END AS fmt, CASE WHEN $3::date IS NULL THEN 'day' ELSE "
	    "'hour' END AS unit) "
	    "SELECT 'period', to_char(d1, 'YYYY-MM-DD'), to_char(d2, "
	    "'YYYY-MM-DD'), 0, 0 FROM w "
	    "UNION ALL SELECT 'import', coalesce((SELECT to_char(max(finished) "
	    "AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD HH24:MI') FROM "
	    "usage.import_run WHERE status = 'ok'), ''), '', 0, 0 "
	    "UNION ALL (SELECT 'series', to_char(date_trunc(g.unit, r.hour AT "
	    "TIME ZONE 'Asia/Seoul'), g.fmt), '', sum(hits)::bigint, 0 FROM r, "
	    "g GROUP BY 2 ORDER BY 2) "
	    "UNION ALL (SELECT 'visitors', to_char(date_trunc(g.unit, s.started "
	    "AT TIME ZONE 'Asia/Seoul'), g.fmt), '', count(DISTINCT "
	    "s.visitor), 0 FROM usage.session s, w, g WHERE s.started >= w.f "
	    "AND s.started < w.t AND NOT s.bot GROUP BY 2 ORDER BY 2) "
	    "UNION ALL (SELECT 'routes', CASE WHEN $4::text IS NULL THEN "
	    "coalesce(nullif(name, ''), route) ELSE route END, max(name), "
	    "sum(hits)::bigint, coalesce(round(sum(rt_sum_us) / "
	    "nullif(sum(rt_n), 0) / 1000.0), -1)::bigint FROM r WHERE "
	    "($4::text IS NULL OR name = $4::text) AND NOT " ASSET " GROUP BY "
	    "2 ORDER BY 4 DESC, 2 LIMIT 15) "
	    "UNION ALL (SELECT 'refs', host, '', sum(hits)::bigint, 0 FROM "
	    "usage.agg_referrer a, w WHERE a.hour >= w.f AND a.hour < w.t "
	    "GROUP BY 2 ORDER BY 4 DESC, 2 LIMIT 15) "
	    "UNION ALL (SELECT 'browsers', browser, '', sum(hits)::bigint, "
	    "sum(pages)::bigint FROM usage.agg_agent a, w WHERE a.hour >= w.f "
	    "AND a.hour < w.t GROUP BY 2 ORDER BY 4 DESC, 2) "
	    "UNION ALL (SELECT 'os', os, '', sum(hits)::bigint, 0 FROM "
	    "usage.agg_agent a, w WHERE a.hour >= w.f AND a.hour < w.t GROUP "
	    "BY 2 ORDER BY 4 DESC, 2) "
	    "UNION ALL (SELECT 'status', status::text, '', sum(hits)::bigint, 0 "
	    "FROM r GROUP BY 2 ORDER BY 2) "
	    "UNION ALL (SELECT 'rt', x.k, i::text, sum(r.rt_hist[i])::bigint, "
	    "0 FROM (SELECT coalesce(nullif(name, ''), route) AS k FROM r "
	    "WHERE rt_n > 0 AND ($4::text IS NULL OR name = $4::text) AND NOT "
	    ASSET " GROUP BY 1 ORDER BY sum(rt_n) DESC, 1 LIMIT 10) x JOIN r ON "
	    "coalesce(nullif(r.name, ''), r.route) = x.k, generate_series(1, "
	    "10) i GROUP BY 2, 3 ORDER BY 2, i) "
	    "UNION ALL (SELECT 'heat', extract(isodow FROM hour AT TIME ZONE "
	    "'Asia/Seoul')::text, extract(hour FROM hour AT TIME ZONE "
	    "'Asia/Seoul')::text, sum(hits)::bigint, 0 FROM r GROUP BY 2, 3)",
	    4, vals));
}

/* One CSV field, quoted when it must be (RFC 4180). */
static void
csv_field(struct strbuf *b, const char *s)
{
	const char	*p;

	if (strpbrk(s, ",\"\r\n") == NULL && s[0] != '=' && s[0] != '+' &&
	    s[0] != '-' && s[0] != '@') {
		strbuf_appendstr(b, s);
		return;
	}
	strbuf_append(b, "\"", 1);
	/* a leading formula character is kept as text by a quote mark */
	if (s[0] == '=' || s[0] == '+' || s[0] == '@' ||
	    (s[0] == '-' && !(s[1] >= '0' && s[1] <= '9')))
		strbuf_append(b, "'", 1);
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			strbuf_append(b, "\"", 1);
		strbuf_append(b, p, 1);
	}
	strbuf_append(b, "\"", 1);
}

static int
csv_out(struct g2b_ctx *ctx, const char *panel)
{
	struct strbuf	 b;
	char		 head[64];
	int		 i, n;

	strbuf_init(&b);
	strbuf_append(&b, "\xef\xbb\xbf", 3);	/* BOM: Excel reads UTF-8 */
	snprintf(head, sizeof(head), "usage.csv.%s.k", panel);
	csv_field(&b, g2b_msg(ctx, head));
	strbuf_append(&b, ",", 1);
	snprintf(head, sizeof(head), "usage.csv.%s.k2", panel);
	csv_field(&b, g2b_msg(ctx, head));
	strbuf_append(&b, ",", 1);
	snprintf(head, sizeof(head), "usage.csv.%s.v1", panel);
	csv_field(&b, g2b_msg(ctx, head));
	strbuf_append(&b, ",", 1);
	snprintf(head, sizeof(head), "usage.csv.%s.v2", panel);
	csv_field(&b, g2b_msg(ctx, head));
	strbuf_append(&b, "\r\n", 2);
	n = g2b_rows(ctx);
	for (i = 0; i < n; i++) {
		if (strcmp(g2b_val(ctx, i, 0), panel) != 0)
			continue;
		csv_field(&b, g2b_val(ctx, i, 1));
		strbuf_append(&b, ",", 1);
		csv_field(&b, g2b_val(ctx, i, 2));
		strbuf_append(&b, ",", 1);
		csv_field(&b, g2b_val(ctx, i, 3));
		strbuf_append(&b, ",", 1);
		csv_field(&b, g2b_val(ctx, i, 4));
		strbuf_append(&b, "\r\n", 2);
	}
	snprintf(head, sizeof(head), "attachment; filename=\"usage-%s.csv\"",
	    panel);
	http_response_header(ctx->req, "content-disposition", head);
	g2b_send(ctx, 200, "text/csv; charset=utf-8", b.data, b.len);
	strbuf_cleanup(&b);
	return (STEP_DONE);
}

/* The rows of one panel as a chart. */
struct series {
	const char	*labels[MAXROWS];
	const char	*links[MAXROWS];
	double		 values[MAXROWS];
	size_t		 n;
};

static void
collect(struct g2b_ctx *ctx, const char *panel, int col, struct series *s)
{
	int	i, n;

	memset(s, 0, sizeof(*s));
	n = g2b_rows(ctx);
	for (i = 0; i < n && s->n < MAXROWS; i++) {
		if (strcmp(g2b_val(ctx, i, 0), panel) != 0)
			continue;
		s->labels[s->n] = g2b_val(ctx, i, 1);
		s->values[s->n] = strtod(g2b_val(ctx, i, col), NULL);
		s->n++;
	}
}

static void
chart(struct g2b_ctx *ctx, const char *var, const char *title_key,
    const char *xkey, const char *ykey, struct series *s, int kind)
{
	struct strbuf		b;
	struct svg_chart	c;

	memset(&c, 0, sizeof(c));
	c.title = g2b_msg(ctx, title_key);
	c.xhead = g2b_msg(ctx, xkey);
	c.yhead = g2b_msg(ctx, ykey);
	c.labels = s->labels;
	c.values = s->values;
	c.n = s->n;
	c.links = s->links[0] != NULL ? s->links : NULL;
	strbuf_init(&b);
	if (kind == 0)
		svg_line(&b, &c);
	else if (kind == 1)
		svg_bar(&b, &c);
	else
		svg_hbar(&b, &c);
	strbuf_append(&b, "", 1);
	tmpl_set(ctx->vars, var, b.data);
	strbuf_cleanup(&b);
}

static int
usage_loaded(struct g2b_ctx *ctx)
{
	static const char *const bucket[10] = { "≤10ms", "≤25ms", "≤50ms",
	    "≤100ms", "≤250ms", "≤500ms", "≤1s", "≤2.5s", "≤5s", ">5s" };
	static const char *const dow[7] = { "usage.dow.1", "usage.dow.2",
	    "usage.dow.3", "usage.dow.4", "usage.dow.5", "usage.dow.6",
	    "usage.dow.7" };
	struct series		*s;
	struct strbuf		 b, link;
	struct svg_heat		 hm;
	struct tmpl_vars	*row;
	const char		*rows[7], *cols[24], *day, *name, *p;
	char			 hh[24][4];
	double			 heat[7 * 24];
	int			 i, n, d, h, k;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	if (ctx->n[0] && ctx->s[0] != NULL)
		return (csv_out(ctx, ctx->s[0]));
	day = tmpl_get(ctx->vars, "error") == NULL ? g2b_keep(ctx, 5,
	    g2b_get(ctx, "day") ? g2b_get(ctx, "day") : "") : "";
	name = tmpl_get(ctx->vars, "error") == NULL ? g2b_keep(ctx, 6,
	    g2b_get(ctx, "name") ? g2b_get(ctx, "name") : "") : "";
	n = g2b_rows(ctx);
	for (i = 0; i < n; i++) {
		p = g2b_val(ctx, i, 0);
		if (strcmp(p, "period") == 0) {
			tmpl_set(ctx->vars, "from", g2b_val(ctx, i, 1));
			tmpl_set(ctx->vars, "to", g2b_val(ctx, i, 2));
		} else if (strcmp(p, "import") == 0)
			tmpl_set(ctx->vars, "last_import", g2b_val(ctx, i, 1));
	}
	if (*day != '\0')
		tmpl_set(ctx->vars, "day", day);
	if (*name != '\0')
		tmpl_set(ctx->vars, "name", name);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return (g2b_error(ctx, 503));
	strbuf_init(&link);

	/* hits over time; a day links to its hours */
	collect(ctx, "series", 3, s);
	for (i = 0; i < (int)s->n && *day == '\0'; i++) {
		strbuf_reset(&link);
		strbuf_appendf(&link, "/usage?day=%s", s->labels[i]);
		strbuf_append(&link, "", 1);
		s->links[i] = strdup(link.data);
	}
	chart(ctx, "c_series", *day ? "usage.p.hits_hour" : "usage.p.hits_day",
	    *day ? "usage.h.hour" : "usage.h.day", "usage.h.hits", s, 0);
	for (i = 0; i < (int)s->n; i++)
		free((void *)s->links[i]);
	collect(ctx, "visitors", 3, s);
	chart(ctx, "c_visitors", "usage.p.visitors", *day ? "usage.h.hour" :
	    "usage.h.day", "usage.h.visitors", s, 1);
	collect(ctx, "routes", 3, s);
	for (i = 0; i < (int)s->n && *name == '\0'; i++) {
		const char *nm = NULL;
		int j, seen = 0;

		for (j = 0; j < n; j++)
			if (strcmp(g2b_val(ctx, j, 0), "routes") == 0 &&
			    seen++ == i) {
				nm = g2b_val(ctx, j, 2);
				break;
			}
		if (nm != NULL && *nm != '\0' && strcmp(nm, s->labels[i]) == 0) {
			strbuf_reset(&link);
			strbuf_appendf(&link, "/usage?name=%s", nm);
			strbuf_append(&link, "", 1);
			s->links[i] = strdup(link.data);
		}
	}
	chart(ctx, "c_routes", *name ? "usage.p.paths" : "usage.p.routes",
	    "usage.h.route", "usage.h.hits", s, 2);
	for (i = 0; i < (int)s->n; i++)
		free((void *)s->links[i]);
	collect(ctx, "refs", 3, s);
	chart(ctx, "c_refs", "usage.p.refs", "usage.h.host", "usage.h.hits", s,
	    2);
	collect(ctx, "browsers", 3, s);
	chart(ctx, "c_browsers", "usage.p.browsers", "usage.h.browser",
	    "usage.h.hits", s, 2);
	collect(ctx, "os", 3, s);
	chart(ctx, "c_os", "usage.p.os", "usage.h.os", "usage.h.hits", s, 2);
	collect(ctx, "status", 3, s);
	chart(ctx, "c_status", "usage.p.status", "usage.h.status",
	    "usage.h.hits", s, 1);

	/* response times: routes by time buckets (the busiest ten) */
	{
		const char	*rtrows[RT_ROUTES];
		double		 rtv[RT_ROUTES * 10];
		size_t		 nr = 0;

		memset(rtv, 0, sizeof(rtv));
		for (i = 0; i < n; i++) {
			if (strcmp(g2b_val(ctx, i, 0), "rt") != 0)
				continue;
			if (nr == 0 || strcmp(rtrows[nr - 1],
			    g2b_val(ctx, i, 1)) != 0) {
				if (nr == RT_ROUTES)
					break;
				rtrows[nr++] = g2b_val(ctx, i, 1);
			}
			k = atoi(g2b_val(ctx, i, 2));
			if (k >= 1 && k <= 10)
				rtv[(nr - 1) * 10 + (size_t)(k - 1)] =
				    strtod(g2b_val(ctx, i, 3), NULL);
		}
		memset(&hm, 0, sizeof(hm));
		hm.title = g2b_msg(ctx, "usage.p.rt");
		hm.corner = g2b_msg(ctx, "usage.h.route");
		hm.rows = rtrows;
		hm.nr = nr;
		hm.cols = bucket;
		hm.nc = 10;
		hm.values = rtv;
		strbuf_init(&b);
		svg_heatmap(&b, &hm);
		strbuf_append(&b, "", 1);
		tmpl_set(ctx->vars, "c_rt", b.data);
		strbuf_cleanup(&b);
	}

	/* hour x weekday */
	memset(heat, 0, sizeof(heat));
	for (i = 0; i < n; i++) {
		if (strcmp(g2b_val(ctx, i, 0), "heat") != 0)
			continue;
		d = atoi(g2b_val(ctx, i, 1));
		h = atoi(g2b_val(ctx, i, 2));
		if (d >= 1 && d <= 7 && h >= 0 && h <= 23)
			heat[(d - 1) * 24 + h] = strtod(g2b_val(ctx, i, 3),
			    NULL);
	}
	for (d = 0; d < 7; d++)
		rows[d] = g2b_msg(ctx, dow[d]);
	for (h = 0; h < 24; h++) {
		snprintf(hh[h], sizeof(hh[h]), "%02d", h);
		cols[h] = hh[h];
	}
	memset(&hm, 0, sizeof(hm));
	hm.title = g2b_msg(ctx, "usage.p.heat");
	hm.corner = g2b_msg(ctx, "usage.h.dow");
	hm.rows = rows;
	hm.nr = 7;
	hm.cols = cols;
	hm.nc = 24;
	hm.values = heat;
	strbuf_init(&b);
	svg_heatmap(&b, &hm);
	strbuf_append(&b, "", 1);
	tmpl_set(ctx->vars, "c_heat", b.data);
	strbuf_cleanup(&b);
	strbuf_cleanup(&link);
	free(s);

	/* CSV links keep the period */
	for (i = 0; panels[i] != NULL; i++) {
		row = tmpl_row(ctx->vars, "csv");
		tmpl_set(row, "panel", panels[i]);
		g2b_label(ctx, row, "label", "usage.csv", panels[i]);
	}
	return (g2b_render(ctx, 200, "usage", "usage.title"));
}

/* ---------------------------------------------------------------- funnels */

static const char *const utypes[] = { "visitor", "member", "supplier",
	"agency", "staff", NULL };

static int
funnels_get(struct g2b_ctx *ctx)
{
	const char	*from, *to, *region, *vals[3];

	from = g2b_get(ctx, "from");
	to = g2b_get(ctx, "to");
	region = g2b_get(ctx, "region");
	if ((from != NULL && *from != '\0' && !valid_date(from)) ||
	    (to != NULL && *to != '\0' && !valid_date(to))) {
		tmpl_set(ctx->vars, "error", g2b_msg(ctx, "usage.err.period"));
		from = to = NULL;
	}
	if (region != NULL && *region != '\0' && !valid_region(region)) {
		/* not one of the 17 regions: said so, all regions shown */
		tmpl_set(ctx->vars, "error", g2b_msg(ctx, "usage.err.region"));
		ctx->invalid = 1;
		region = NULL;
	}
	vals[0] = from != NULL && *from != '\0' ? from : NULL;
	vals[1] = to != NULL && *to != '\0' ? to : NULL;
	vals[2] = region != NULL && *region != '\0' ? region : NULL;
	g2b_options(ctx, "regions", "region", region_codes, vals[2]);
	if (vals[2] != NULL) {
		tmpl_set(ctx->vars, "region", vals[2]);
		g2b_label(ctx, ctx->vars, "region_name", "region", vals[2]);
	}
	g2b_flash(ctx);
	/* Per funnel and step: sessions reaching it, by user type (bots
	 * left out), by region and in all (column 10 tells which: 1 user
	 * type, 2 region, 3 all), in one region if asked. */
	return (g2b_query(ctx, funnels_loaded,
	    "WITH p AS (SELECT coalesce($1::date, (now() AT TIME ZONE "
	    "'Asia/Seoul')::date - 29) AS d1, coalesce($2::date, (now() AT "
	    "TIME ZONE 'Asia/Seoul')::date) AS d2), "
	    "w AS (SELECT d1, d2, d1::timestamp AT TIME ZONE 'Asia/Seoul' AS f, "
	    "(d2 + 1)::timestamp AT TIME ZONE 'Asia/Seoul' AS t FROM p), "
	    "x AS (SELECT r.* FROM usage.funnel_result r, w WHERE r.hour >= w.f "
	    "AND r.hour < w.t AND r.utype <> 'bot' AND ($3::text IS NULL OR "
	    "r.region = $3::text)) "
	    "SELECT f.id, f.name, i, f.steps[i], coalesce(x.utype, ''), "
	    "coalesce(sum(x.reached[i]), 0)::bigint, "
	    "coalesce(sum(x.sessions), 0)::bigint, f.active, "
	    "(SELECT to_char(d1, 'YYYY-MM-DD') || ' ' || to_char(d2, "
	    "'YYYY-MM-DD') FROM w), coalesce(x.region, ''), "
	    "grouping(x.utype, x.region) "
	    "FROM usage.funnel f CROSS JOIN generate_subscripts(f.steps, 1) i "
	    "LEFT JOIN x ON x.funnel_id = f.id "
	    "GROUP BY GROUPING SETS ((f.id, f.name, i, f.steps[i], f.active, "
	    "x.utype), (f.id, f.name, i, f.steps[i], f.active, x.region), "
	    "(f.id, f.name, i, f.steps[i], f.active)) "
	    "ORDER BY f.id, i, 11 DESC, 5, 10", 3, vals));
}

/* "12 (34.5%)" of n against base. */
static void
pct(char *out, size_t size, long long n, long long base)
{
	if (base > 0)
		snprintf(out, size, "%lld (%.1f%%)", n, 100.0 * (double)n /
		    (double)base);
	else
		snprintf(out, size, "%lld", n);
}

#define FUNNEL_REGIONS	40	/* the 17 시·도, unknown, region_net names */

/* A funnel's sessions and steps reached in one region. */
struct funnel_region {
	const char	*code;
	long long	 sessions;
	long long	 reached[US_MAX_STEPS];
};

/* A funnel's chart and its split by region, once all its steps are read. */
static void
funnel_done(struct g2b_ctx *ctx, struct tmpl_vars *fr, const char **labels,
    const double *values, int nsteps, const struct funnel_region *reg,
    int nreg)
{
	struct tmpl_vars	*row, *cell;
	struct strbuf		 b;
	struct svg_chart	 c;
	char			 title[160], num[64];
	int			 i, k;

	if (fr == NULL || nsteps == 0)
		return;
	memset(&c, 0, sizeof(c));
	snprintf(title, sizeof(title), "%s: %s", g2b_msg(ctx, "usage.f.chart"),
	    tmpl_get(fr, "name"));
	c.title = title;
	c.xhead = g2b_msg(ctx, "usage.f.step");
	c.yhead = g2b_msg(ctx, "usage.f.reached");
	c.labels = labels;
	c.values = values;
	c.n = (size_t)nsteps;
	strbuf_init(&b);
	svg_hbar(&b, &c);
	strbuf_append(&b, "", 1);
	tmpl_set(fr, "chart", b.data);
	strbuf_cleanup(&b);
	for (i = 0; i < nreg; i++) {
		if (reg[i].sessions == 0)
			continue;
		row = tmpl_row(fr, "region_rows");
		tmpl_set(row, "code", reg[i].code);
		if (valid_region(reg[i].code))
			g2b_label(ctx, row, "name", "region", reg[i].code);
		else if (strcmp(reg[i].code, "unknown") == 0)
			tmpl_set(row, "name", g2b_msg(ctx,
			    "usage.f.region_unknown"));
		else
			tmpl_set(row, "name", reg[i].code);
		tmpl_setf(row, "sessions", "%lld", reg[i].sessions);
		/* reached (of the sessions), then dropped from the step
		 * before */
		for (k = 0; k < nsteps; k++) {
			cell = tmpl_row(row, "by");
			pct(num, sizeof(num), reg[i].reached[k],
			    reg[i].sessions);
			tmpl_set(cell, "v", num);
			if (k > 0) {
				/* a section, as "0" would hide it */
				tmpl_set(cell, "later", "1");
				tmpl_setf(cell, "dropped", "%lld",
				    reg[i].reached[k - 1] - reg[i].reached[k]);
			}
		}
	}
}

static int
funnels_loaded(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*fr = NULL, *sr = NULL, *cell;
	struct funnel_region	 reg[FUNNEL_REGIONS];
	const char		*labels[US_MAX_STEPS];
	double			 values[US_MAX_STEPS];
	long long		 prev = 0, all, by[8], base[8];
	char			 num[64];
	const char		*cur = NULL, *p;
	int			 i, n, j, k, nsteps = 0, nreg = 0, step, kind;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	n = g2b_rows(ctx);
	if (n > 0) {
		p = g2b_val(ctx, 0, 8);
		snprintf(num, sizeof(num), "%s", p);
		if (strchr(num, ' ') != NULL) {
			*strchr(num, ' ') = '\0';
			tmpl_set(ctx->vars, "from", num);
			tmpl_set(ctx->vars, "to", strchr(p, ' ') + 1);
		}
	}
	for (j = 0; utypes[j] != NULL; j++) {
		cell = tmpl_row(ctx->vars, "utypes");
		g2b_label(ctx, cell, "label", "usage.utype", utypes[j]);
	}
	memset(base, 0, sizeof(base));
	for (i = 0; i < n; ) {
		/* one step: the total row first, then by region and type */
		if (cur == NULL || strcmp(cur, g2b_val(ctx, i, 0)) != 0) {
			funnel_done(ctx, fr, labels, values, nsteps, reg,
			    nreg);
			cur = g2b_val(ctx, i, 0);
			fr = tmpl_row(ctx->vars, "funnels");
			tmpl_set(fr, "id", cur);
			tmpl_set(fr, "name", g2b_val(ctx, i, 1));
			if (g2b_val(ctx, i, 7)[0] != 't')
				tmpl_set(fr, "inactive", "1");
			nsteps = 0;
			nreg = 0;
			memset(base, 0, sizeof(base));
		}
		step = atoi(g2b_val(ctx, i, 2));
		all = 0;
		memset(by, 0, sizeof(by));
		sr = tmpl_row(fr, "steps");
		tmpl_setf(sr, "n", "%d", step);
		tmpl_set(sr, "step", g2b_val(ctx, i, 3));
		for (; i < n && strcmp(g2b_val(ctx, i, 0), cur) == 0 &&
		    atoi(g2b_val(ctx, i, 2)) == step; i++) {
			kind = atoi(g2b_val(ctx, i, 10));
			if (kind == 3) {
				all = strtoll(g2b_val(ctx, i, 5), NULL, 10);
				if (step == 1)
					base[7] = strtoll(g2b_val(ctx, i, 6),
					    NULL, 10);
				continue;
			}
			if (kind == 2) {
				p = g2b_val(ctx, i, 9);
				if (*p == '\0' || step < 1 ||
				    step > US_MAX_STEPS)
					continue;
				for (k = 0; k < nreg; k++)
					if (strcmp(reg[k].code, p) == 0)
						break;
				if (k == nreg) {
					if (nreg == FUNNEL_REGIONS)
						continue;
					memset(&reg[k], 0, sizeof(reg[k]));
					reg[k].code = p;
					nreg++;
				}
				if (step == 1)
					reg[k].sessions = strtoll(g2b_val(ctx,
					    i, 6), NULL, 10);
				reg[k].reached[step - 1] = strtoll(g2b_val(ctx,
				    i, 5), NULL, 10);
				continue;
			}
			p = g2b_val(ctx, i, 4);
			for (k = 0; utypes[k] != NULL; k++)
				if (strcmp(utypes[k], p) == 0) {
					by[k] = strtoll(g2b_val(ctx, i, 5),
					    NULL, 10);
					if (step == 1)
						base[k] = strtoll(g2b_val(ctx,
						    i, 6), NULL, 10);
				}
		}
		/* conversion against the sessions counted, then the step
		 * before; drop-off from the step before */
		pct(num, sizeof(num), all, base[7]);
		tmpl_set(sr, "all", num);
		if (step > 1) {
			tmpl_set(sr, "from_prev", prev > 0 ? "" : "-");
			if (prev > 0) {
				snprintf(num, sizeof(num), "%.1f%%",
				    100.0 * (double)all / (double)prev);
				tmpl_set(sr, "from_prev", num);
			}
			tmpl_setf(sr, "dropped", "%lld", prev - all);
		}
		for (k = 0; utypes[k] != NULL; k++) {
			cell = tmpl_row(sr, "by");
			pct(num, sizeof(num), by[k], base[k]);
			tmpl_set(cell, "v", num);
		}
		if (nsteps < US_MAX_STEPS) {
			labels[nsteps] = g2b_val(ctx, i - 1, 3);
			values[nsteps] = (double)all;
			nsteps++;
		}
		prev = all;
	}
	funnel_done(ctx, fr, labels, values, nsteps, reg, nreg);
	return (g2b_render(ctx, ctx->invalid ? 400 : 200, "usage_funnels",
	    "usage.f.title"));
}

/* Add a funnel: a name and ordered steps, one a line. */
static int
funnels_post(struct g2b_ctx *ctx)
{
	struct us_step	 st;
	struct strbuf	 arr, one;
	const char	*name, *steps, *p, *e, *vals[2];
	size_t		 len;
	int		 n = 0, bad = 0;

	name = g2b_post(ctx, "name");
	steps = g2b_post(ctx, "steps");
	tmpl_set(ctx->vars, "f_name", name);
	tmpl_set(ctx->vars, "f_steps", steps);
	if (name == NULL || (len = strlen(name)) == 0 || len > 63)
		g2b_field_error(ctx, "name", "usage.err.name");
	strbuf_init(&arr);
	strbuf_init(&one);
	strbuf_append(&arr, "{", 1);
	for (p = steps != NULL ? steps : ""; *p != '\0'; p = e) {
		if ((e = strchr(p, '\n')) == NULL)
			e = p + strlen(p);
		len = (size_t)(e - p);
		while (len > 0 && (p[len - 1] == '\r' || p[len - 1] == ' '))
			len--;
		if (*e == '\n')
			e++;
		if (len == 0)
			continue;
		strbuf_reset(&one);
		strbuf_append(&one, p, len);
		strbuf_append(&one, "", 1);
		if (n >= US_MAX_STEPS || us_step_parse(one.data, &st) == -1 ||
		    strpbrk(one.data, "\"\\{},") != NULL) {
			bad = 1;
			break;
		}
		if (n++ > 0)
			strbuf_append(&arr, ",", 1);
		strbuf_appendf(&arr, "\"%s%s%s%s\"", st.method,
		    st.method[0] ? " " : "* ", st.route, st.prefix ? "*" : "");
	}
	strbuf_append(&arr, "}", 1);
	strbuf_append(&arr, "", 1);
	strbuf_cleanup(&one);
	if (bad || n == 0)
		g2b_field_error(ctx, "steps", "usage.err.steps");
	if (ctx->invalid) {
		strbuf_cleanup(&arr);
		return (funnels_get(ctx));
	}
	vals[0] = name;
	vals[1] = g2b_keep(ctx, 1, arr.data);
	strbuf_cleanup(&arr);
	return (g2b_query(ctx, funnels_saved,
	    "INSERT INTO usage.funnel (name, steps) VALUES ($1, $2::text[]) "
	    "ON CONFLICT (name) DO NOTHING RETURNING id", 2, vals));
}

static int
funnels_saved(struct g2b_ctx *ctx)
{
	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	if (g2b_rows(ctx) != 1) {
		g2b_field_error(ctx, "name", "usage.err.name_taken");
		return (funnels_get(ctx));
	}
	return (g2b_redirect(ctx, "/usage/funnels?ok=funnel_saved"));
}

/* ---------------------------------------------------------------- user */

static int
user_get(struct g2b_ctx *ctx)
{
	char		 id[32];
	const char	*vals[3];

	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (g2b_error(ctx, 404));
	vals[0] = g2b_keep(ctx, 0, id);
	vals[1] = ctx->user.id;
	vals[2] = ctx->ip[0] != '\0' ? ctx->ip : NULL;
	/* The user's last 30 sessions and the requests of each; looking at
	 * a person's activity is written to the audit trail. */
	return (g2b_query(ctx, user_loaded,
	    "WITH u AS (SELECT id, login, name FROM portal.users WHERE id = "
	    "$1::bigint), a AS (INSERT INTO portal.audit (actor, event, ip, "
	    "detail) SELECT $2::bigint, 'usage.user_view', $3::inet, "
	    "jsonb_build_object('user_id', u.id) FROM u), s AS (SELECT * FROM (SELECT 's' || id AS id, "
	    "user_id, started, ended, depth, hits, role, utype, false AS open "
	    "FROM usage.session WHERE user_id = $1::bigint UNION ALL SELECT "
	    "'o' || key, user_id, started, last, depth, hits, role, utype, true "
	    "FROM usage.open_session WHERE user_id = $1::bigint) x ORDER BY "
	    "started DESC LIMIT 30) "
	    "SELECT u.login, u.name, s.id, to_char(s.started AT TIME ZONE "
	    "'Asia/Seoul', 'YYYY-MM-DD HH24:MI:SS'), to_char(s.ended AT TIME "
	    "ZONE 'Asia/Seoul', 'HH24:MI:SS'), s.depth, s.hits, "
	    "coalesce(s.role, s.utype), to_char(e.ts AT TIME ZONE 'Asia/Seoul', "
	    "'HH24:MI:SS'), e.method, e.name, e.path, e.status, "
	    "round(e.dur_us / 1000.0, 1), s.open "
	    "FROM u LEFT JOIN s ON true LEFT JOIN usage.user_event e ON "
	    "e.user_id = s.user_id AND e.ts >= s.started AND e.ts < s.ended + "
	    "interval '1 second' ORDER BY s.started DESC, e.ts", 3, vals));
}

static int
user_loaded(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*sr = NULL, *er;
	const char		*cur = "";
	int			 i, n;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	if ((n = g2b_rows(ctx)) == 0)
		return (g2b_error(ctx, 404));
	tmpl_set(ctx->vars, "uid", ctx->s[0]);
	tmpl_set(ctx->vars, "login", g2b_val(ctx, 0, 0));
	tmpl_set(ctx->vars, "uname", g2b_val(ctx, 0, 1));
	for (i = 0; i < n; i++) {
		if (g2b_isnull(ctx, i, 2))
			continue;
		if (strcmp(cur, g2b_val(ctx, i, 2)) != 0) {
			cur = g2b_val(ctx, i, 2);
			sr = tmpl_row(ctx->vars, "sessions");
			tmpl_set(sr, "started", g2b_val(ctx, i, 3));
			tmpl_set(sr, "ended", g2b_val(ctx, i, 4));
			tmpl_set(sr, "depth", g2b_val(ctx, i, 5));
			tmpl_set(sr, "hits", g2b_val(ctx, i, 6));
			tmpl_set(sr, "role", g2b_val(ctx, i, 7));
			if (g2b_val(ctx, i, 14)[0] == 't')
				tmpl_set(sr, "open", "1");
		}
		if (g2b_isnull(ctx, i, 8))
			continue;
		er = tmpl_row(sr, "events");
		tmpl_set(er, "at", g2b_val(ctx, i, 8));
		tmpl_set(er, "method", g2b_val(ctx, i, 9));
		tmpl_set(er, "route", g2b_val(ctx, i, 10));
		tmpl_set(er, "path", g2b_val(ctx, i, 11));
		tmpl_set(er, "status", g2b_val(ctx, i, 12));
		tmpl_set(er, "ms", g2b_val(ctx, i, 13));
	}
	return (g2b_render(ctx, 200, "usage_user", "usage.u.title"));
}
