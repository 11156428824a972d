/*
 * reports: the procurement statistics pages (issue 5), read from the
 * warehouse only (dw schema; never the live or sealed tables).
 *
 *   /stats          staff and agents: six reports (volume, competition,
 *                   award ratio, share of awards, failed tenders, days to
 *                   award), each broken down by one dimension (by=time |
 *                   category | region | agency) at the level below the
 *                   filters (year > month > day; segment > family > class;
 *                   region; agency kind > agency), with breadcrumbs to roll
 *                   up, an SVG chart per measure with its table, and
 *                   ?format=csv (part=groups | dist) and ?format=json.
 *   /stats/public   anyone: this year's headline figures (aggregates only).
 *
 * The SQL lives in dw/sql/002_reports.sql (dw.report_groups, report_dist,
 * report_names, report_headline): small aggregate tables for the top drill
 * levels, the indexed facts below them. Every query goes to the warehouse
 * connection (dw_query, dw/dwdb.c: G2B_DW_DB).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svgchart.h"
#include "web.h"
#include "dwdb.h"

int	page_stats(struct http_request *);
int	page_stats_public(struct http_request *);

static int	stats_get(struct g2b_ctx *);
static int	stats_names(struct g2b_ctx *);
static int	stats_groups(struct g2b_ctx *);
static int	stats_dist(struct g2b_ctx *);
static int	public_get(struct g2b_ctx *);
static int	public_loaded(struct g2b_ctx *);

static const struct g2b_route route_stats =
    { "stats", ROLE_STAFF | ROLE_AGENT, 0, stats_get, NULL };
static const struct g2b_route route_public =
    { "stats_public", ROLE_ANY, 0, public_get, NULL };

#define MAXGROUPS	400
#define MAXDIST		300

enum { R_VOLUME, R_COMPETITION, R_RATIO, R_SHARE, R_FAILED, R_DAYS, R_N };
static const char *const reports[R_N + 1] = { "volume", "competition",
	"ratio", "share", "failed", "days", NULL };
enum { BY_TIME, BY_CATEGORY, BY_REGION, BY_AGENCY, BY_N };
static const char *const bys[BY_N + 1] = { "time", "category", "region",
	"agency", NULL };
static const char *const kinds[] = { "central", "local", "corporation",
	"education", NULL };
enum { F_HTML, F_CSV, F_JSON };

/* The filters of a drill cell; "" is "all". */
struct cell {
	int	report;
	int	by;
	char	year[5];
	char	month[3];
	char	seg[9];
	char	fam[9];
	char	cls[9];
	char	region[3];
	char	kind[16];
	char	agency[20];
};

struct group {
	char	key[24];
	char	*label;
	double	notices, opened, awarded, failed, bids_n, bids_sum;
	double	award_sum, ratio_n, ratio_sum, days_n, days_sum;
};

struct dist {
	char	what[12];
	char	key[24];
	char	*label;
	double	n, amount;
};

struct rq {
	struct cell	 c;
	int		 fmt;
	int		 part_dist;
	char		*names[7];	/* seg fam cls region agency kind at */
	struct group	*g;
	size_t		 ng;
	struct dist	*d;
	size_t		 nd;
	char		 source[16];
};

static const char *const name_keys[7] = { "seg", "fam", "cls", "region",
	"agency", "agency_kind", "refreshed" };

static void
rq_free(void *p)
{
	struct rq	*r = p;
	size_t		 i;

	for (i = 0; i < 7; i++)
		free(r->names[i]);
	for (i = 0; i < r->ng; i++)
		free(r->g[i].label);
	for (i = 0; i < r->nd; i++)
		free(r->d[i].label);
	free(r->g);
	free(r->d);
	free(r);
}

static char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		fatal("strdup");
	return (p);
}

/* n digits exactly. */
static int
digits(const char *s, size_t n)
{
	size_t	i;

	if (strlen(s) != n)
		return (0);
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return (0);
	return (1);
}

static int
in_list(const char *const *list, const char *s)
{
	int	i;

	for (i = 0; list[i] != NULL; i++)
		if (strcmp(list[i], s) == 0)
			return (i);
	return (-1);
}

/* Copy query-string value name into dst (size n); "" if absent. */
static int
arg(struct g2b_ctx *ctx, const char *name, char *dst, size_t n)
{
	const char	*v = g2b_get(ctx, name);

	dst[0] = '\0';
	if (v == NULL || *v == '\0')
		return (0);
	if (strlen(v) >= n)
		return (-1);
	memcpy(dst, v, strlen(v) + 1);
	return (0);
}

/*
 * Parse and check the filters: each level needs its parent (a month its
 * year, a family its segment...), codes are well formed. Returns 0 or -1.
 */
static int
parse_cell(struct g2b_ctx *ctx, struct cell *c)
{
	const char	*v;
	int		 i;

	memset(c, 0, sizeof(*c));
	if ((v = g2b_get(ctx, "r")) != NULL && *v != '\0') {
		if ((i = in_list(reports, v)) < 0)
			return (-1);
		c->report = i;
	}
	if ((v = g2b_get(ctx, "by")) != NULL && *v != '\0') {
		if ((i = in_list(bys, v)) < 0)
			return (-1);
		c->by = i;
	}
	if (arg(ctx, "year", c->year, sizeof(c->year)) == -1 ||
	    arg(ctx, "month", c->month, sizeof(c->month)) == -1 ||
	    arg(ctx, "seg", c->seg, sizeof(c->seg)) == -1 ||
	    arg(ctx, "fam", c->fam, sizeof(c->fam)) == -1 ||
	    arg(ctx, "cls", c->cls, sizeof(c->cls)) == -1 ||
	    arg(ctx, "region", c->region, sizeof(c->region)) == -1 ||
	    arg(ctx, "kind", c->kind, sizeof(c->kind)) == -1 ||
	    arg(ctx, "agency", c->agency, sizeof(c->agency)) == -1)
		return (-1);
	if (c->year[0] && (!digits(c->year, 4) || atoi(c->year) < 2000 ||
	    atoi(c->year) > 2045))
		return (-1);
	if (c->month[0]) {
		if (!c->year[0] || strlen(c->month) > 2 ||
		    !digits(c->month, strlen(c->month)) ||
		    atoi(c->month) < 1 || atoi(c->month) > 12)
			return (-1);
		snprintf(c->month, sizeof(c->month), "%d", atoi(c->month));
	}
	if (c->seg[0] && (!digits(c->seg, 8) || c->seg[0] == '0' ||
	    strcmp(c->seg + 2, "000000") != 0))
		return (-1);
	if (c->fam[0] && (!c->seg[0] || !digits(c->fam, 8) ||
	    strncmp(c->fam, c->seg, 2) != 0 || strcmp(c->fam + 4, "0000") != 0 ||
	    strcmp(c->fam + 2, "000000") == 0))
		return (-1);
	if (c->cls[0] && (!c->fam[0] || !digits(c->cls, 8) ||
	    strncmp(c->cls, c->fam, 4) != 0 || strcmp(c->cls + 6, "00") != 0 ||
	    strcmp(c->cls + 4, "0000") == 0))
		return (-1);
	if (c->region[0] && !digits(c->region, 2))
		return (-1);
	if (c->kind[0] && in_list(kinds, c->kind) < 0)
		return (-1);
	if (c->agency[0] && (strlen(c->agency) > 18 ||
	    !digits(c->agency, strlen(c->agency)) || c->agency[0] == '0'))
		return (-1);
	return (0);
}

/* The URL of a cell: /stats?r=..&by=..&filters. */
static void
cell_url(struct strbuf *b, const struct cell *c, const char *extra)
{
	struct { const char *k; const char *v; } f[] = {
		{ "year", c->year }, { "month", c->month }, { "seg", c->seg },
		{ "fam", c->fam }, { "cls", c->cls }, { "region", c->region },
		{ "kind", c->kind }, { "agency", c->agency } };
	size_t	i;

	strbuf_appendf(b, "/stats?r=%s&by=%s", reports[c->report],
	    bys[c->by]);
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (f[i].v[0] == '\0')
			continue;
		strbuf_appendf(b, "&%s=", f[i].k);
		strbuf_append_url(b, f[i].v, strlen(f[i].v));
	}
	if (extra != NULL)
		strbuf_appendstr(b, extra);
}

static char *
cell_url_dup(const struct cell *c, const char *extra)
{
	struct strbuf	b;
	char		*s;

	strbuf_init(&b);
	cell_url(&b, c, extra);
	strbuf_append(&b, "", 1);
	s = xstrdup(b.data);
	strbuf_cleanup(&b);
	return (s);
}

/*
 * The cell one level down the breakdown dimension for group key, or 0 if
 * the dimension is at its bottom.
 */
static int
drill(const struct cell *c, const char *key, struct cell *out)
{
	*out = *c;
	switch (c->by) {
	case BY_TIME:
		if (!c->year[0])
			snprintf(out->year, sizeof(out->year), "%.4s", key);
		else if (!c->month[0] && strlen(key) == 6)
			snprintf(out->month, sizeof(out->month), "%d",
			    atoi(key + 4));
		else
			return (0);
		return (1);
	case BY_CATEGORY:
		if (!c->seg[0])
			snprintf(out->seg, sizeof(out->seg), "%.8s", key);
		else if (!c->fam[0])
			snprintf(out->fam, sizeof(out->fam), "%.8s", key);
		else if (!c->cls[0])
			snprintf(out->cls, sizeof(out->cls), "%.8s", key);
		else
			return (0);
		return (1);
	case BY_REGION:
		if (c->region[0])
			return (0);
		snprintf(out->region, sizeof(out->region), "%.2s", key);
		return (1);
	default:
		if (!c->kind[0] && !c->agency[0])
			snprintf(out->kind, sizeof(out->kind), "%s", key);
		else if (!c->agency[0])
			snprintf(out->agency, sizeof(out->agency), "%s", key);
		else
			return (0);
		return (1);
	}
}

/* The level the breakdown shows, for captions and the JSON. */
static const char *
level(const struct cell *c)
{
	switch (c->by) {
	case BY_TIME:
		return (!c->year[0] ? "year" : !c->month[0] ? "month" : "day");
	case BY_CATEGORY:
		return (!c->seg[0] ? "segment" : !c->fam[0] ? "family" :
		    "class");
	case BY_REGION:
		return ("region");
	default:
		return (!c->kind[0] && !c->agency[0] ? "agency_kind" :
		    "agency");
	}
}

/* A group's label: dates as YYYY-MM(-DD), kinds from the catalog. */
static void
group_label(struct g2b_ctx *ctx, const struct cell *c, const char *key,
    const char *label, char *out, size_t n)
{
	char	k[64];

	if (c->by == BY_TIME && strlen(key) == 6)
		snprintf(out, n, "%.4s-%.2s", key, key + 4);
	else if (c->by == BY_TIME && strlen(key) == 8)
		snprintf(out, n, "%.4s-%.2s-%.2s", key, key + 4, key + 6);
	else if (c->by == BY_AGENCY && !c->kind[0] && !c->agency[0]) {
		snprintf(k, sizeof(k), "agency_kind.%s", key);
		snprintf(out, n, "%s", g2b_msg(ctx, k));
	} else
		snprintf(out, n, "%s", label);
}

static double
num(struct g2b_ctx *ctx, int r, int col)
{
	return (g2b_isnull(ctx, r, col) ? 0 : strtod(g2b_val(ctx, r, col),
	    NULL));
}

static double
ratio(double a, double b)
{
	return (b > 0 ? a / b : NAN);
}

/* Derived measures of a group. */
static double	g_failed_pct(const struct group *g)
{ return (ratio(g->failed * 100, g->opened)); }
static double	g_avg_bids(const struct group *g)
{ return (ratio(g->bids_sum, g->bids_n)); }
static double	g_avg_ratio(const struct group *g)
{ return (ratio(g->ratio_sum / 1000, g->ratio_n)); }
static double	g_avg_days(const struct group *g)
{ return (ratio(g->days_sum, g->days_n)); }

/* 1234567 -> "1,234,567"; NaN -> "". */
static void
fmt_int(char *out, size_t n, double v)
{
	char	tmp[40];
	size_t	i, len, o;

	if (isnan(v)) {
		snprintf(out, n, "%s", "");
		return;
	}
	snprintf(tmp, sizeof(tmp), "%.0f", v);
	len = strlen(tmp);
	for (i = 0, o = 0; i < len && o + 2 < n; i++) {
		if (i > 0 && tmp[i - 1] != '-' && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = tmp[i];
	}
	out[o] = '\0';
}

static void
fmt_dec(char *out, size_t n, double v, int prec)
{
	if (isnan(v))
		snprintf(out, n, "%s", "");
	else
		snprintf(out, n, "%.*f", prec, v);
}

int
page_stats(struct http_request *req)
{
	return (g2b_run(req, &route_stats));
}

static int
bad_request(struct g2b_ctx *ctx, int fmt)
{
	if (fmt != F_HTML)
		return (g2b_json_error(ctx, 400, "bad_filter"));
	tmpl_set(ctx->vars, "error", g2b_msg(ctx, "stats.err.filter"));
	return (g2b_render(ctx, 400, "stats", "stats.title"));
}

static const char *
nul(const char *s)
{
	return (s[0] != '\0' ? s : NULL);
}

static void
cell_vals(const struct cell *c, const char **vals)
{
	vals[1] = nul(c->year);
	vals[2] = nul(c->month);
	vals[3] = nul(c->seg);
	vals[4] = nul(c->fam);
	vals[5] = nul(c->cls);
	vals[6] = nul(c->region);
	vals[7] = nul(c->kind);
	vals[8] = nul(c->agency);
}

static int
stats_get(struct g2b_ctx *ctx)
{
	struct rq	*r;
	const char	*f, *vals[5];

	f = g2b_get(ctx, "format");
	if ((r = calloc(1, sizeof(*r))) == NULL)
		fatal("calloc");
	ctx->ptr = r;
	ctx->ptr_free = rq_free;
	if (f != NULL && *f != '\0') {
		if (strcmp(f, "csv") == 0)
			r->fmt = F_CSV;
		else if (strcmp(f, "json") == 0)
			r->fmt = F_JSON;
		else if (strcmp(f, "html") != 0)
			return (g2b_json_error(ctx, 400, "bad_format"));
	}
	f = g2b_get(ctx, "part");
	if (f != NULL && *f != '\0') {
		if (strcmp(f, "dist") == 0)
			r->part_dist = 1;
		else if (strcmp(f, "groups") != 0)
			return (bad_request(ctx, r->fmt));
	}
	if (parse_cell(ctx, &r->c) == -1)
		return (bad_request(ctx, r->fmt));
	vals[0] = nul(r->c.seg);
	vals[1] = nul(r->c.fam);
	vals[2] = nul(r->c.cls);
	vals[3] = nul(r->c.region);
	vals[4] = nul(r->c.agency);
	return (dw_query(ctx, stats_names,
	    "SELECT what, code, name_ko, name_en FROM dw.report_names($1, $2, "
	    "$3, $4, $5::bigint)", 5, vals));
}

static int
stats_names(struct g2b_ctx *ctx)
{
	struct rq	*r = ctx->ptr;
	const char	*vals[9];
	int		 i, k;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	for (i = 0; i < g2b_rows(ctx); i++) {
		if ((k = in_list(name_keys, g2b_val(ctx, i, 0))) < 0 ||
		    r->names[k] != NULL)
			continue;
		if (k == 5 || k == 6)
			r->names[k] = xstrdup(g2b_val(ctx, i, 1));
		else
			r->names[k] = xstrdup(g2b_val(ctx, i,
			    ctx->lang == LANG_EN ? 3 : 2));
	}
	vals[0] = bys[r->c.by];
	cell_vals(&r->c, vals);
	return (dw_query(ctx, stats_groups,
	    "SELECT key, label_ko, label_en, notices, opened, awarded, failed, "
	    "bids_n, bids_sum, award_sum, ratio_n, ratio_sum, days_n, days_sum, "
	    "source FROM dw.report_groups($1, $2::int, $3::int, $4, $5, $6, $7, "
	    "$8, $9::bigint)", 9, vals));
}

static int	stats_out(struct g2b_ctx *);

static int
stats_groups(struct g2b_ctx *ctx)
{
	struct rq	*r = ctx->ptr;
	struct group	*g;
	const char	*vals[9];
	char		 lab[512];
	int		 i, n;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	n = g2b_rows(ctx);
	if (n > MAXGROUPS)
		n = MAXGROUPS;
	if ((r->g = calloc(n > 0 ? n : 1, sizeof(*r->g))) == NULL)
		fatal("calloc");
	for (i = 0; i < n; i++) {
		g = &r->g[i];
		snprintf(g->key, sizeof(g->key), "%s", g2b_val(ctx, i, 0));
		group_label(ctx, &r->c, g->key, g2b_val(ctx, i,
		    ctx->lang == LANG_EN ? 2 : 1), lab, sizeof(lab));
		g->label = xstrdup(lab);
		g->notices = num(ctx, i, 3);
		g->opened = num(ctx, i, 4);
		g->awarded = num(ctx, i, 5);
		g->failed = num(ctx, i, 6);
		g->bids_n = num(ctx, i, 7);
		g->bids_sum = num(ctx, i, 8);
		g->award_sum = num(ctx, i, 9);
		g->ratio_n = num(ctx, i, 10);
		g->ratio_sum = num(ctx, i, 11);
		g->days_n = num(ctx, i, 12);
		g->days_sum = num(ctx, i, 13);
		snprintf(r->source, sizeof(r->source), "%s",
		    g2b_val(ctx, i, 14));
		r->ng++;
	}
	cell_vals(&r->c, vals);
	switch (r->c.report) {
	case R_COMPETITION:
		vals[0] = "bids";
		break;
	case R_RATIO:
		vals[0] = "ratio";
		break;
	case R_SHARE:
		vals[0] = "share";
		break;
	default:
		return (stats_out(ctx));
	}
	if (strcmp(vals[0], "share") == 0)
		return (dw_query(ctx, stats_dist,
		    "SELECT 'supregion', key, label_ko, label_en, n, amount "
		    "FROM dw.report_dist('supregion', $1::int, $2::int, $3, $4, "
		    "$5, $6, $7, $8::bigint) UNION ALL SELECT 'size', key, "
		    "label_ko, label_en, n, amount FROM dw.report_dist('size', "
		    "$1::int, $2::int, $3, $4, $5, $6, $7, $8::bigint)", 8,
		    vals + 1));
	return (dw_query(ctx, stats_dist,
	    "SELECT $1, key, label_ko, label_en, n, amount FROM "
	    "dw.report_dist($1, $2::int, $3::int, $4, $5, $6, $7, $8, "
	    "$9::bigint)", 9, vals));
}

static int
stats_dist(struct g2b_ctx *ctx)
{
	struct rq	*r = ctx->ptr;
	struct dist	*d;
	char		 lab[256];
	const char	*l;
	int		 i, n;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	n = g2b_rows(ctx);
	if (n > MAXDIST)
		n = MAXDIST;
	if ((r->d = calloc(n > 0 ? n : 1, sizeof(*r->d))) == NULL)
		fatal("calloc");
	for (i = 0; i < n; i++) {
		d = &r->d[i];
		snprintf(d->what, sizeof(d->what), "%s", g2b_val(ctx, i, 0));
		snprintf(d->key, sizeof(d->key), "%s", g2b_val(ctx, i, 1));
		l = g2b_val(ctx, i, ctx->lang == LANG_EN ? 3 : 2);
		if (strcmp(d->what, "size") == 0) {
			snprintf(lab, sizeof(lab), "stats.size.%s", d->key);
			l = g2b_msg(ctx, lab);
		}
		d->label = xstrdup(l);
		d->n = num(ctx, i, 4);
		d->amount = num(ctx, i, 5);
		r->nd++;
	}
	return (stats_out(ctx));
}

/* ------------------------------------------------------------- output */

/* One CSV field, quoted when it must be (RFC 4180), formulas defused. */
static void
csv_field(struct strbuf *b, const char *s)
{
	const char	*p;
	int		 formula;

	formula = s[0] == '=' || s[0] == '+' || s[0] == '@' || s[0] == '\t' ||
	    s[0] == '\r' || (s[0] == '-' && !(s[1] >= '0' && s[1] <= '9'));
	if (strpbrk(s, ",\"\r\n") == NULL && !formula) {
		strbuf_appendstr(b, s);
		return;
	}
	strbuf_append(b, "\"", 1);
	if (formula)
		strbuf_append(b, "'", 1);
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			strbuf_append(b, "\"", 1);
		strbuf_append(b, p, 1);
	}
	strbuf_append(b, "\"", 1);
}

static void
csv_num(struct strbuf *b, double v, int prec)
{
	char	t[48];

	fmt_dec(t, sizeof(t), v, prec);
	strbuf_appendstr(b, t);
}

static const char *const group_cols[] = { "stats.col.key",
	"stats.col.label", "stats.col.notices", "stats.col.opened",
	"stats.col.awarded", "stats.col.failed", "stats.col.failed_pct",
	"stats.col.avg_bids", "stats.col.award_sum", "stats.col.avg_ratio",
	"stats.col.avg_days", NULL };

static int
csv_out(struct g2b_ctx *ctx)
{
	struct rq	*r = ctx->ptr;
	struct strbuf	 b;
	char		 disp[128];
	size_t		 i;
	int		 k;

	strbuf_init(&b);
	strbuf_append(&b, "\xef\xbb\xbf", 3);	/* BOM: Excel reads UTF-8 */
	if (r->part_dist) {
		csv_field(&b, g2b_msg(ctx, "stats.col.what"));
		strbuf_append(&b, ",", 1);
		csv_field(&b, g2b_msg(ctx, "stats.col.key"));
		strbuf_append(&b, ",", 1);
		csv_field(&b, g2b_msg(ctx, "stats.col.label"));
		strbuf_append(&b, ",", 1);
		csv_field(&b, g2b_msg(ctx, "stats.col.count"));
		strbuf_append(&b, ",", 1);
		csv_field(&b, g2b_msg(ctx, "stats.col.amount"));
		strbuf_append(&b, "\r\n", 2);
		for (i = 0; i < r->nd; i++) {
			csv_field(&b, r->d[i].what);
			strbuf_append(&b, ",", 1);
			csv_field(&b, r->d[i].key);
			strbuf_append(&b, ",", 1);
			csv_field(&b, r->d[i].label);
			strbuf_append(&b, ",", 1);
			csv_num(&b, r->d[i].n, 0);
			strbuf_append(&b, ",", 1);
			if (strcmp(r->d[i].what, "supregion") == 0 ||
			    strcmp(r->d[i].what, "size") == 0)
				csv_num(&b, r->d[i].amount, 0);
			strbuf_append(&b, "\r\n", 2);
		}
	} else {
		for (k = 0; group_cols[k] != NULL; k++) {
			if (k > 0)
				strbuf_append(&b, ",", 1);
			csv_field(&b, g2b_msg(ctx, group_cols[k]));
		}
		strbuf_append(&b, "\r\n", 2);
		for (i = 0; i < r->ng; i++) {
			const struct group *g = &r->g[i];

			csv_field(&b, g->key);
			strbuf_append(&b, ",", 1);
			csv_field(&b, g->label);
			strbuf_appendf(&b, ",%.0f,%.0f,%.0f,%.0f,", g->notices,
			    g->opened, g->awarded, g->failed);
			csv_num(&b, g_failed_pct(g), 2);
			strbuf_append(&b, ",", 1);
			csv_num(&b, g_avg_bids(g), 2);
			strbuf_appendf(&b, ",%.0f,", g->award_sum);
			csv_num(&b, g_avg_ratio(g), 3);
			strbuf_append(&b, ",", 1);
			csv_num(&b, g_avg_days(g), 1);
			strbuf_append(&b, "\r\n", 2);
		}
	}
	snprintf(disp, sizeof(disp), "attachment; filename=\"stats-%s-%s-%s"
	    ".csv\"", reports[r->c.report], level(&r->c),
	    r->part_dist ? "dist" : "groups");
	http_response_header(ctx->req, "content-disposition", disp);
	g2b_send(ctx, 200, "text/csv; charset=utf-8", b.data, b.len);
	strbuf_cleanup(&b);
	return (STEP_DONE);
}

static void
json_str(struct strbuf *b, const char *k, const char *v)
{
	strbuf_appendf(b, "\"%s\":", k);
	if (v == NULL || v[0] == '\0') {
		strbuf_appendstr(b, "null");
		return;
	}
	strbuf_append(b, "\"", 1);
	strbuf_append_json(b, v, strlen(v));
	strbuf_append(b, "\"", 1);
}

static void
json_num(struct strbuf *b, const char *k, double v, int prec)
{
	if (isnan(v))
		strbuf_appendf(b, "\"%s\":null", k);
	else
		strbuf_appendf(b, "\"%s\":%.*f", k, prec, v);
}

static int
json_out(struct g2b_ctx *ctx)
{
	struct rq	*r = ctx->ptr;
	struct strbuf	 b;
	size_t		 i;
	int		 rc;

	strbuf_init(&b);
	strbuf_appendf(&b, "{\"report\":\"%s\",\"by\":\"%s\",\"level\":\"%s\","
	    "\"filters\":{", reports[r->c.report], bys[r->c.by], level(&r->c));
	json_str(&b, "year", r->c.year);
	strbuf_append(&b, ",", 1);
	json_str(&b, "month", r->c.month);
	strbuf_append(&b, ",", 1);
	json_str(&b, "seg", r->c.seg);
	strbuf_append(&b, ",", 1);
	json_str(&b, "fam", r->c.fam);
	strbuf_append(&b, ",", 1);
	json_str(&b, "cls", r->c.cls);
	strbuf_append(&b, ",", 1);
	json_str(&b, "region", r->c.region);
	strbuf_append(&b, ",", 1);
	json_str(&b, "kind", r->c.kind);
	strbuf_append(&b, ",", 1);
	json_str(&b, "agency", r->c.agency);
	strbuf_append(&b, "},", 2);
	json_str(&b, "refreshed", r->names[6]);
	strbuf_append(&b, ",\"groups\":[", 11);
	for (i = 0; i < r->ng; i++) {
		const struct group *g = &r->g[i];

		strbuf_appendstr(&b, i ? ",{" : "{");
		json_str(&b, "key", g->key);
		strbuf_append(&b, ",", 1);
		json_str(&b, "label", g->label);
		strbuf_appendf(&b, ",\"notices\":%.0f,\"opened\":%.0f,"
		    "\"awarded\":%.0f,\"failed\":%.0f,\"bids\":%.0f,"
		    "\"award_amount\":%.0f,", g->notices, g->opened,
		    g->awarded, g->failed, g->bids_sum, g->award_sum);
		json_num(&b, "failed_pct", g_failed_pct(g), 4);
		strbuf_append(&b, ",", 1);
		json_num(&b, "avg_bids", g_avg_bids(g), 4);
		strbuf_append(&b, ",", 1);
		json_num(&b, "avg_ratio_pct", g_avg_ratio(g), 4);
		strbuf_append(&b, ",", 1);
		json_num(&b, "avg_days", g_avg_days(g), 4);
		strbuf_append(&b, "}", 1);
	}
	strbuf_appendstr(&b, "],\"distribution\":[");
	for (i = 0; i < r->nd; i++) {
		strbuf_appendstr(&b, i ? ",{" : "{");
		json_str(&b, "what", r->d[i].what);
		strbuf_append(&b, ",", 1);
		json_str(&b, "key", r->d[i].key);
		strbuf_append(&b, ",", 1);
		json_str(&b, "label", r->d[i].label);
		strbuf_appendf(&b, ",\"n\":%.0f", r->d[i].n);
		if (strcmp(r->d[i].what, "supregion") == 0 ||
		    strcmp(r->d[i].what, "size") == 0)
			strbuf_appendf(&b, ",\"amount\":%.0f", r->d[i].amount);
		strbuf_append(&b, "}", 1);
	}
	strbuf_appendstr(&b, "]}");
	rc = g2b_json(ctx, 200, &b);
	strbuf_cleanup(&b);
	return (rc);
}

/* A chart of one measure over the groups (links drill down). */
static void
group_chart(struct g2b_ctx *ctx, struct strbuf *out, const char *titlekey,
    const char *ykey, double (*fn)(const struct group *), int hbar)
{
	struct rq		*r = ctx->ptr;
	struct svg_chart	 c;
	const char		**labels, **links;
	double			*values;
	struct cell		 d;
	size_t			 i;

	labels = calloc(r->ng + 1, sizeof(*labels));
	links = calloc(r->ng + 1, sizeof(*links));
	values = calloc(r->ng + 1, sizeof(*values));
	if (labels == NULL || links == NULL || values == NULL)
		fatal("calloc");
	for (i = 0; i < r->ng; i++) {
		labels[i] = r->g[i].label;
		values[i] = fn(&r->g[i]);
		if (isnan(values[i]))
			values[i] = 0;
		links[i] = drill(&r->c, r->g[i].key, &d) ?
		    cell_url_dup(&d, NULL) : NULL;
	}
	memset(&c, 0, sizeof(c));
	c.title = g2b_msg(ctx, titlekey);
	c.xhead = g2b_msg(ctx, "stats.col.label");
	c.yhead = g2b_msg(ctx, ykey);
	c.labels = labels;
	c.values = values;
	c.n = r->ng;
	c.links = links;
	if (hbar)
		svg_hbar(out, &c);
	else
		svg_bar(out, &c);
	for (i = 0; i < r->ng; i++)
		free((char *)links[i]);
	free(labels);
	free(links);
	free(values);
}

/* A chart of one distribution (what), as counts or amount shares. */
static void
dist_chart(struct g2b_ctx *ctx, struct strbuf *out, const char *what,
    const char *titlekey, const char *ykey, int share, int hbar)
{
	struct rq		*r = ctx->ptr;
	struct svg_chart	 c;
	const char		**labels;
	double			*values, total = 0;
	size_t			 i, n = 0;

	labels = calloc(r->nd + 1, sizeof(*labels));
	values = calloc(r->nd + 1, sizeof(*values));
	if (labels == NULL || values == NULL)
		fatal("calloc");
	for (i = 0; i < r->nd; i++)
		if (strcmp(r->d[i].what, what) == 0)
			total += r->d[i].amount;
	for (i = 0; i < r->nd; i++) {
		if (strcmp(r->d[i].what, what) != 0)
			continue;
		labels[n] = r->d[i].label;
		values[n] = share ? (total > 0 ? r->d[i].amount * 100 / total :
		    0) : r->d[i].n;
		n++;
	}
	memset(&c, 0, sizeof(c));
	c.title = g2b_msg(ctx, titlekey);
	c.xhead = g2b_msg(ctx, "stats.col.label");
	c.yhead = g2b_msg(ctx, ykey);
	c.labels = labels;
	c.values = values;
	c.n = n;
	if (hbar)
		svg_hbar(out, &c);
	else
		svg_bar(out, &c);
	free(labels);
	free(values);
}

static double	g_notices(const struct group *g) { return (g->notices); }
static double	g_awarded(const struct group *g) { return (g->awarded); }
static double	g_amount_m(const struct group *g)
{ return (g->award_sum / 1000000.0); }

static void
set_chart(struct tmpl_vars *v, const char *name, struct strbuf *b)
{
	tmpl_set_n(v, name, b->data != NULL ? b->data : "", b->len);
	strbuf_reset(b);
}

/* Breadcrumb rows of one dimension: "all" then each filter level. */
static void
crumb(struct tmpl_vars *dim, const char *label, const struct cell *c,
    int last)
{
	struct tmpl_vars	*row;
	char			*u;
	int			 sep = 0;

	if (tmpl_get(dim, "has_crumb") != NULL)
		sep = 1;
	tmpl_set(dim, "has_crumb", "1");
	row = tmpl_row(dim, "crumbs");
	tmpl_set(row, "label", label);
	if (sep)
		tmpl_set(row, "sep", "1");
	if (!last) {
		u = cell_url_dup(c, NULL);
		tmpl_set(row, "url", u);
		free(u);
	}
}

static void
crumbs(struct g2b_ctx *ctx)
{
	struct rq		*r = ctx->ptr;
	struct tmpl_vars	*dim;
	struct cell		 c;
	char			 lab[64], key[64];

	/* time */
	dim = tmpl_row(ctx->vars, "dims");
	tmpl_set(dim, "name", g2b_msg(ctx, "stats.by.time"));
	c = r->c;
	c.year[0] = c.month[0] = '\0';
	crumb(dim, g2b_msg(ctx, "stats.all"), &c, !r->c.year[0]);
	if (r->c.year[0]) {
		snprintf(c.year, sizeof(c.year), "%s", r->c.year);
		crumb(dim, r->c.year, &c, !r->c.month[0]);
	}
	if (r->c.month[0]) {
		snprintf(lab, sizeof(lab), "%s-%02d", r->c.year,
		    atoi(r->c.month));
		crumb(dim, lab, &r->c, 1);
	}
	/* category */
	dim = tmpl_row(ctx->vars, "dims");
	tmpl_set(dim, "name", g2b_msg(ctx, "stats.by.category"));
	c = r->c;
	c.seg[0] = c.fam[0] = c.cls[0] = '\0';
	crumb(dim, g2b_msg(ctx, "stats.all"), &c, !r->c.seg[0]);
	if (r->c.seg[0]) {
		memcpy(c.seg, r->c.seg, sizeof(c.seg));
		crumb(dim, r->names[0] ? r->names[0] : r->c.seg, &c,
		    !r->c.fam[0]);
	}
	if (r->c.fam[0]) {
		memcpy(c.fam, r->c.fam, sizeof(c.fam));
		crumb(dim, r->names[1] ? r->names[1] : r->c.fam, &c,
		    !r->c.cls[0]);
	}
	if (r->c.cls[0])
		crumb(dim, r->names[2] ? r->names[2] : r->c.cls, &r->c, 1);
	/* region */
	dim = tmpl_row(ctx->vars, "dims");
	tmpl_set(dim, "name", g2b_msg(ctx, "stats.by.region"));
	c = r->c;
	c.region[0] = '\0';
	crumb(dim, g2b_msg(ctx, "stats.all"), &c, !r->c.region[0]);
	if (r->c.region[0])
		crumb(dim, r->names[3] ? r->names[3] : r->c.region, &r->c, 1);
	/* agency */
	dim = tmpl_row(ctx->vars, "dims");
	tmpl_set(dim, "name", g2b_msg(ctx, "stats.by.agency"));
	c = r->c;
	c.kind[0] = c.agency[0] = '\0';
	crumb(dim, g2b_msg(ctx, "stats.all"), &c, !r->c.kind[0] &&
	    !r->c.agency[0]);
	if (r->c.kind[0] || (r->c.agency[0] && r->names[5] != NULL)) {
		snprintf(c.kind, sizeof(c.kind), "%s", r->c.kind[0] ?
		    r->c.kind : r->names[5]);
		snprintf(key, sizeof(key), "agency_kind.%s", c.kind);
		crumb(dim, g2b_msg(ctx, key), &c, !r->c.agency[0]);
	}
	if (r->c.agency[0])
		crumb(dim, r->names[4] ? r->names[4] : r->c.agency, &r->c, 1);
}

static int
html_out(struct g2b_ctx *ctx)
{
	struct rq		*r = ctx->ptr;
	struct tmpl_vars	*v = ctx->vars, *row;
	struct strbuf		 b;
	struct cell		 c;
	char			 t[64], key[64], *u;
	size_t			 i;
	int			 k;

	for (k = 0; k < R_N; k++) {
		row = tmpl_row(v, "tabs");
		c = r->c;
		c.report = k;
		u = cell_url_dup(&c, NULL);
		tmpl_set(row, "url", u);
		free(u);
		snprintf(key, sizeof(key), "stats.r.%s", reports[k]);
		tmpl_set(row, "label", g2b_msg(ctx, key));
		if (k == r->c.report)
			tmpl_set(row, "cur", "1");
	}
	for (k = 0; k < BY_N; k++) {
		row = tmpl_row(v, "bys");
		c = r->c;
		c.by = k;
		u = cell_url_dup(&c, NULL);
		tmpl_set(row, "url", u);
		free(u);
		snprintf(key, sizeof(key), "stats.by.%s", bys[k]);
		tmpl_set(row, "label", g2b_msg(ctx, key));
		if (k == r->c.by)
			tmpl_set(row, "cur", "1");
	}
	crumbs(ctx);
	snprintf(key, sizeof(key), "stats.r.%s", reports[r->c.report]);
	tmpl_set(v, "report", g2b_msg(ctx, key));
	snprintf(key, sizeof(key), "stats.level.%s", level(&r->c));
	tmpl_set(v, "level", g2b_msg(ctx, key));
	snprintf(key, sizeof(key), "stats.help.%s", reports[r->c.report]);
	tmpl_set(v, "help", g2b_msg(ctx, key));
	tmpl_set(v, "refreshed", r->names[6] ? r->names[6] : "");
	u = cell_url_dup(&r->c, "&format=csv&part=groups");
	tmpl_set(v, "csv_groups", u);
	free(u);
	if (r->c.report == R_COMPETITION || r->c.report == R_RATIO ||
	    r->c.report == R_SHARE) {
		u = cell_url_dup(&r->c, "&format=csv&part=dist");
		tmpl_set(v, "csv_dist", u);
		free(u);
	}
	u = cell_url_dup(&r->c, "&format=json");
	tmpl_set(v, "json_url", u);
	free(u);

	for (i = 0; i < r->ng; i++) {
		const struct group *g = &r->g[i];

		row = tmpl_row(v, "rows");
		tmpl_set(row, "label", g->label);
		if (drill(&r->c, g->key, &c)) {
			u = cell_url_dup(&c, NULL);
			tmpl_set(row, "url", u);
			free(u);
		}
		fmt_int(t, sizeof(t), g->notices);
		tmpl_set(row, "notices", t);
		fmt_int(t, sizeof(t), g->opened);
		tmpl_set(row, "opened", t);
		fmt_int(t, sizeof(t), g->awarded);
		tmpl_set(row, "awarded", t);
		fmt_int(t, sizeof(t), g->failed);
		tmpl_set(row, "failed", t);
		fmt_dec(t, sizeof(t), g_failed_pct(g), 2);
		tmpl_set(row, "failed_pct", t);
		fmt_dec(t, sizeof(t), g_avg_bids(g), 2);
		tmpl_set(row, "avg_bids", t);
		fmt_int(t, sizeof(t), g->award_sum);
		tmpl_set(row, "award_sum", t);
		fmt_dec(t, sizeof(t), g_avg_ratio(g), 3);
		tmpl_set(row, "avg_ratio", t);
		fmt_dec(t, sizeof(t), g_avg_days(g), 1);
		tmpl_set(row, "avg_days", t);
	}
	if (r->ng == 0)
		tmpl_set(v, "empty", "1");

	strbuf_init(&b);
	k = r->c.by != BY_TIME;
	switch (r->c.report) {
	case R_VOLUME:
		group_chart(ctx, &b, "stats.chart.notices", "stats.col.notices",
		    g_notices, k);
		set_chart(v, "chart1", &b);
		group_chart(ctx, &b, "stats.chart.amount", "stats.col.amount_m",
		    g_amount_m, k);
		set_chart(v, "chart2", &b);
		break;
	case R_COMPETITION:
		group_chart(ctx, &b, "stats.chart.avg_bids",
		    "stats.col.avg_bids", g_avg_bids, k);
		set_chart(v, "chart1", &b);
		dist_chart(ctx, &b, "bids", "stats.chart.bids_dist",
		    "stats.col.opened", 0, 0);
		set_chart(v, "chart2", &b);
		break;
	case R_RATIO:
		dist_chart(ctx, &b, "ratio", "stats.chart.ratio_hist",
		    "stats.col.awarded", 0, 0);
		set_chart(v, "chart1", &b);
		group_chart(ctx, &b, "stats.chart.avg_ratio",
		    "stats.col.avg_ratio", g_avg_ratio, k);
		set_chart(v, "chart2", &b);
		break;
	case R_SHARE:
		dist_chart(ctx, &b, "size", "stats.chart.share_size",
		    "stats.col.share_pct", 1, 1);
		set_chart(v, "chart1", &b);
		dist_chart(ctx, &b, "supregion", "stats.chart.share_region",
		    "stats.col.share_pct", 1, 1);
		set_chart(v, "chart2", &b);
		group_chart(ctx, &b, "stats.chart.awarded",
		    "stats.col.awarded", g_awarded, k);
		set_chart(v, "chart3", &b);
		break;
	case R_FAILED:
		group_chart(ctx, &b, "stats.chart.failed_pct",
		    "stats.col.failed_pct", g_failed_pct, k);
		set_chart(v, "chart1", &b);
		break;
	default:
		group_chart(ctx, &b, "stats.chart.avg_days",
		    "stats.col.avg_days", g_avg_days, k);
		set_chart(v, "chart1", &b);
		break;
	}
	strbuf_cleanup(&b);
	return (g2b_render(ctx, 200, "stats", "stats.title"));
}

static int
stats_out(struct g2b_ctx *ctx)
{
	struct rq	*r = ctx->ptr;

	if (r->fmt == F_CSV)
		return (csv_out(ctx));
	if (r->fmt == F_JSON)
		return (json_out(ctx));
	return (html_out(ctx));
}

/* ------------------------------------------------------------- public */

int
page_stats_public(struct http_request *req)
{
	return (g2b_run(req, &route_public));
}

static int
public_get(struct g2b_ctx *ctx)
{
	const char	*f = g2b_get(ctx, "format");

	ctx->n[0] = 0;
	if (f != NULL && *f != '\0') {
		if (strcmp(f, "json") == 0)
			ctx->n[0] = 1;
		else if (strcmp(f, "html") != 0)
			return (g2b_json_error(ctx, 400, "bad_format"));
	}
	return (dw_query(ctx, public_loaded,
	    "SELECT y.y, h.notices, h.award_sum, h.avg_bids, h.failed_pct, "
	    "h.avg_ratio, (SELECT to_char(s.refreshed_at AT TIME ZONE "
	    "'Asia/Seoul', 'YYYY-MM-DD HH24:MI') FROM dw.reports_state s) "
	    "FROM (SELECT extract(year FROM now() AT TIME ZONE 'Asia/Seoul')"
	    "::int AS y) y, LATERAL dw.report_headline(y.y) h", 0, NULL));
}

static int
public_loaded(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*v = ctx->vars;
	struct strbuf		 b;
	char			 t[64];
	int			 rc;

	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 503));
	if (ctx->n[0]) {
		strbuf_init(&b);
		strbuf_appendf(&b, "{\"year\":%s,\"notices\":%s,"
		    "\"award_amount\":%s,", g2b_val(ctx, 0, 0),
		    g2b_val(ctx, 0, 1), g2b_val(ctx, 0, 2));
		json_num(&b, "avg_bids", g2b_isnull(ctx, 0, 3) ? NAN :
		    num(ctx, 0, 3), 2);
		strbuf_append(&b, ",", 1);
		json_num(&b, "failed_pct", g2b_isnull(ctx, 0, 4) ? NAN :
		    num(ctx, 0, 4), 2);
		strbuf_append(&b, ",", 1);
		json_num(&b, "avg_ratio_pct", g2b_isnull(ctx, 0, 5) ? NAN :
		    num(ctx, 0, 5), 3);
		strbuf_append(&b, ",", 1);
		json_str(&b, "refreshed", g2b_val(ctx, 0, 6));
		strbuf_append(&b, "}", 1);
		rc = g2b_json(ctx, 200, &b);
		strbuf_cleanup(&b);
		return (rc);
	}
	tmpl_set(v, "year", g2b_val(ctx, 0, 0));
	fmt_int(t, sizeof(t), num(ctx, 0, 1));
	tmpl_set(v, "notices", t);
	fmt_int(t, sizeof(t), num(ctx, 0, 2));
	tmpl_set(v, "award_sum", t);
	fmt_int(t, sizeof(t), floor(num(ctx, 0, 2) / 100000000.0));
	tmpl_set(v, "award_eok", t);
	tmpl_set(v, "avg_bids", g2b_val(ctx, 0, 3));
	tmpl_set(v, "failed_pct", g2b_val(ctx, 0, 4));
	tmpl_set(v, "avg_ratio", g2b_val(ctx, 0, 5));
	tmpl_set(v, "refreshed", g2b_val(ctx, 0, 6));
	return (g2b_render(ctx, 200, "stats_public", "stats.public.title"));
}
