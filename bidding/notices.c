/*
 * bidding: tender notices (입찰공고). Owns bidding/sql, bidding/templates
 * and the rules in prices.c, seal.c, opening.c and noticeform.c; calls only
 * portal's public headers (web.h, validate.h, form.h, strbuf.h, tmpl.h).
 *
 * Agency users and bid officers draft notices; the notice's bid officer
 * publishes it with a passphrase, which creates the opening key pair and
 * the sealed preliminary prices on a task thread. Published notices are
 * public: a searchable list, a detail page and a JSON API with cursor
 * pagination. Bids, amendments and opening follow in later steps.
 */
#include <stdlib.h>
#include <string.h>

#include "bids.h"
#include "bidsql.h"
#include "noticeform.h"
#include "opening.h"
#include "validate.h"
#include "web.h"

int	page_notices(struct http_request *);
int	page_notice(struct http_request *);
int	page_notice_new(struct http_request *);
int	page_notice_edit(struct http_request *);
int	page_notice_publish(struct http_request *);
int	page_agency_notices(struct http_request *);
int	page_api_notices(struct http_request *);
int	page_notice_amend(struct http_request *);
int	page_notice_cancel(struct http_request *);

static int	list_get(struct g2b_ctx *);
static int	list_loaded(struct g2b_ctx *);
static int	detail_get(struct g2b_ctx *);
static int	detail_loaded(struct g2b_ctx *);
static int	detail_items(struct g2b_ctx *);
static int	detail_nominees(struct g2b_ctx *);
static int	nform_get(struct g2b_ctx *);
static int	form_draft_loaded(struct g2b_ctx *);
static int	form_items_loaded(struct g2b_ctx *);
static int	form_nominees_loaded(struct g2b_ctx *);
static int	nominees_checked(struct g2b_ctx *);
static int	nform_save(struct g2b_ctx *);
static int	form_render(struct g2b_ctx *, int);
static int	form_officers_loaded(struct g2b_ctx *);
static int	nform_post(struct g2b_ctx *);
static int	form_saved(struct g2b_ctx *);
static int	publish_get(struct g2b_ctx *);
static int	publish_loaded(struct g2b_ctx *);
static int	publish_post(struct g2b_ctx *);
static int	publish_draft(struct g2b_ctx *);
static int	publish_sealed(struct g2b_ctx *);
static int	publish_done(struct g2b_ctx *);
static int	mine_get(struct g2b_ctx *);
static int	mine_loaded(struct g2b_ctx *);
static int	api_get(struct g2b_ctx *);
static int	api_loaded(struct g2b_ctx *);
static int	detail_history(struct g2b_ctx *);
static int	amend_current(struct g2b_ctx *);
static int	amend_saved(struct g2b_ctx *);
static int	cancel_get(struct g2b_ctx *);
static int	cancel_loaded(struct g2b_ctx *);
static int	cancel_post(struct g2b_ctx *);
static int	cancel_done(struct g2b_ctx *);

#define NOTICE_ROLES	(ROLE_AGENCY | ROLE_OFFICER)
#define PAGE_SIZE	20

static const struct g2b_route route_list =
    { "notices", ROLE_ANY, 0, list_get, NULL };
static const struct g2b_route route_detail =
    { "notice", ROLE_ANY, 0, detail_get, NULL };
static const struct g2b_route route_new =
    { "notice_new", NOTICE_ROLES, ROUTE_APPROVED_ORG, nform_get, nform_post };
static const struct g2b_route route_edit =
    { "notice_edit", NOTICE_ROLES, ROUTE_APPROVED_ORG, nform_get, nform_post };
static const struct g2b_route route_publish =
    { "notice_publish", ROLE_OFFICER, ROUTE_APPROVED_ORG, publish_get,
      publish_post };
static const struct g2b_route route_mine =
    { "agency_notices", NOTICE_ROLES, ROUTE_APPROVED_ORG, mine_get, NULL };
static const struct g2b_route route_api =
    { "api_notices", ROLE_ANY, 0, api_get, NULL };
static const struct g2b_route route_amend =
    { "notice_amend", NOTICE_ROLES, ROUTE_APPROVED_ORG, nform_get,
      nform_post };
static const struct g2b_route route_cancel =
    { "notice_cancel", NOTICE_ROLES, ROUTE_APPROVED_ORG, cancel_get,
      cancel_post };

static const char *const families[] = {
	"goods", "services", "works", "foreign", NULL
};
static const char *const contract_methods[] = {
	"open", "restricted", "nominated", "direct", NULL
};
static const char *const award_methods[] = {
	"lowest", "qualification", NULL
};
static const char *const phases[] = {
	"open", "upcoming", "closed", "cancelled", NULL
};
static const char *const sorts[] = { "new", "close", "amount", NULL };



/* ---------------------------------------------------------------- list */

int
page_notices(struct http_request *req)
{
	return (g2b_run(req, &route_list));
}

static const char *
qs_or_null(struct g2b_ctx *ctx, const char *key)
{
	const char	*v = g2b_get(ctx, key);

	return ((v != NULL && *v != '\0') ? v : NULL);
}

static int
list_get(struct g2b_ctx *ctx)
{
	const char	*q, *family, *phase, *region, *cat, *min, *max, *sort;
	const char	*page, *vals[10];
	char		 minb[24], maxb[24], off[24];
	int64_t		 amount;
	long		 p;

	q = qs_or_null(ctx, "q");
	if (q != NULL && !valid_text(q, 1, 100)) {
		g2b_field_error(ctx, "q", "err.search");
		q = NULL;
	}
	family = qs_or_null(ctx, "family");
	if (family != NULL && (strcmp(family, "goods") &&
	    strcmp(family, "services") && strcmp(family, "works") &&
	    strcmp(family, "foreign")))
		family = NULL;
	phase = qs_or_null(ctx, "phase");
	if (phase != NULL && (strcmp(phase, "open") &&
	    strcmp(phase, "upcoming") && strcmp(phase, "closed") &&
	    strcmp(phase, "cancelled")))
		phase = NULL;
	region = qs_or_null(ctx, "region");
	if (region != NULL && !valid_region(region))
		region = NULL;
	cat = qs_or_null(ctx, "category");
	if (cat != NULL && (strlen(cat) < 2 || strlen(cat) > 8 ||
	    strspn(cat, "0123456789") != strlen(cat))) {
		g2b_field_error(ctx, "category", "err.category_prefix");
		cat = NULL;
	}
	min = max = NULL;
	if ((min = qs_or_null(ctx, "min")) != NULL) {
		if (notice_amount(min, &amount) == -1) {
			g2b_field_error(ctx, "min", "err.amount");
			min = NULL;
		} else {
			snprintf(minb, sizeof(minb), "%lld", (long long)amount);
			min = minb;
		}
	}
	if ((max = qs_or_null(ctx, "max")) != NULL) {
		if (notice_amount(max, &amount) == -1) {
			g2b_field_error(ctx, "max", "err.amount");
			max = NULL;
		} else {
			snprintf(maxb, sizeof(maxb), "%lld", (long long)amount);
			max = maxb;
		}
	}
	sort = qs_or_null(ctx, "sort");
	if (sort == NULL || (strcmp(sort, "close") && strcmp(sort, "amount")))
		sort = "new";
	page = g2b_get(ctx, "page");
	p = (page != NULL && valid_id(page)) ? strtol(page, NULL, 10) : 1;
	if (p > 10000)
		p = 10000;
	ctx->n[0] = p;
	snprintf(off, sizeof(off), "%ld", (p - 1) * PAGE_SIZE);

	vals[0] = q;
	vals[1] = family;
	vals[2] = phase;
	vals[3] = region;
	vals[4] = cat;
	vals[5] = min;
	vals[6] = max;
	vals[7] = sort;
	vals[8] = off;
	vals[9] = ctx->lang == LANG_EN ? "en" : "ko";
	return (g2b_query(ctx, list_loaded,
	    "SELECT c.id, c.notice_no, c.cur_ord, c.title, c.family, "
	    "c.agency, c.base_amount, " SEOUL("c.bid_close") ", "
	    PHASE_SQL ", c.contract_method, count(*) OVER () "
	    "FROM bidding.notice_current c "
	    "WHERE ($1::text IS NULL OR c.title ILIKE '%' || "
	    "replace(replace(replace($1, '\\', '\\\\'), '%', '\\%'), '_', "
	    "'\\_') || '%' OR (c.notice_no || '-' || "
	    "lpad(c.cur_ord::text, 2, '0')) ILIKE '%' || "
	    "replace(replace(replace($1, '\\', '\\\\'), '%', '\\%'), '_', "
	    "'\\_') || '%' OR c.agency ILIKE '%' || "
	    "replace(replace(replace($1, '\\', '\\\\'), '%', '\\%'), '_', "
	    "'\\_') || '%') "
	    "AND ($2::text IS NULL OR c.family = $2) "
	    "AND ($3::text IS NULL OR " PHASE_SQL " = $3) "
	    "AND ($4::text IS NULL OR c.region_limit = $4 OR "
	    "c.agency_region = $4) "
	    "AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM "
	    "bidding.notice_item i WHERE i.notice_id = c.id AND "
	    "i.ord = c.cur_ord AND i.code LIKE $5 || '%')) "
	    "AND ($6::bigint IS NULL OR c.base_amount >= $6::bigint) "
	    "AND ($7::bigint IS NULL OR c.base_amount <= $7::bigint) "
	    "ORDER BY CASE WHEN $8 = 'close' THEN c.bid_close END ASC, "
	    "CASE WHEN $8 = 'amount' THEN c.base_amount END DESC, "
	    "c.published_at DESC, c.id DESC "
	    "LIMIT 21 OFFSET $9::int", 9, vals));
}

static int
list_loaded(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*row, *v = ctx->vars;
	const char		*keys[] = { "q", "family", "phase", "region",
				    "category", "min", "max", "sort", NULL };
	struct strbuf		 base;
	int			 i, n;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	n = g2b_rows(ctx);
	for (i = 0; i < n && i < PAGE_SIZE; i++) {
		row = tmpl_row(v, "rows");
		tmpl_set(row, "id", g2b_val(ctx, i, 0));
		tmpl_set(row, "no", g2b_val(ctx, i, 1));
		tmpl_setf(row, "ord", "%02d", atoi(g2b_val(ctx, i, 2)));
		tmpl_set(row, "title", g2b_val(ctx, i, 3));
		g2b_label(ctx, row, "family", "family", g2b_val(ctx, i, 4));
		tmpl_set(row, "agency", g2b_val(ctx, i, 5));
		notice_won_var(row, "base", g2b_val(ctx, i, 6));
		tmpl_set(row, "close", g2b_val(ctx, i, 7));
		tmpl_set(row, "phase", g2b_val(ctx, i, 8));
		g2b_label(ctx, row, "phase_label", "phase", g2b_val(ctx, i, 8));
		g2b_label(ctx, row, "method", "contract", g2b_val(ctx, i, 9));
	}
	tmpl_set(v, "total", n > 0 ? g2b_val(ctx, 0, 10) : "0");
	if (n == 0)
		tmpl_set(v, "empty", "1");

	/* Keep the filters: in the form and in the pager links. */
	strbuf_init(&base);
	for (i = 0; keys[i] != NULL; i++) {
		const char *val = g2b_get(ctx, keys[i]);
		char name[16];

		if (val == NULL || *val == '\0')
			continue;
		snprintf(name, sizeof(name), "f_%s", keys[i]);
		tmpl_set(v, name, val);
		strbuf_appendstr(&base, keys[i]);
		strbuf_append(&base, "=", 1);
		strbuf_append_url(&base, val, strlen(val));
		strbuf_append(&base, "&", 1);
	}
	tmpl_set(v, "qs", base.data ? base.data : "");
	strbuf_cleanup(&base);
	if (ctx->n[0] > 1)
		tmpl_setf(v, "prev_page", "%lld", ctx->n[0] - 1);
	if (n > PAGE_SIZE)
		tmpl_setf(v, "next_page", "%lld", ctx->n[0] + 1);
	g2b_options(ctx, "families", "family", families, g2b_get(ctx, "family"));
	g2b_options(ctx, "regions", "region", region_codes, g2b_get(ctx, "region"));
	g2b_options(ctx, "phases", "phase", phases, g2b_get(ctx, "phase"));
	g2b_options(ctx, "sorts", "sortby", sorts, g2b_get(ctx, "sort"));
	return (g2b_render(ctx, ctx->invalid ? 400 : 200, "notices",
	    "notices.title"));
}

/* -------------------------------------------------------------- detail */

int
page_notice(struct http_request *req)
{
	return (g2b_run(req, &route_detail));
}

static int
detail_get(struct g2b_ctx *ctx)
{
	char		 id[24];
	const char	*vals[2];

	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (g2b_error(ctx, 404));
	g2b_keep(ctx, 0, id);
	vals[0] = id;
	vals[1] = (ctx->logged_in && ctx->user.org_id[0] != '\0') ?
	    ctx->user.org_id : NULL;
	/* A draft is seen only by its own agency; published by everyone. */
	return (g2b_query(ctx, detail_loaded,
	    "SELECT n.id, n.notice_no, n.status, n.cur_ord, v.title, v.family, "
	    "o.name, v.base_amount, v.budget, v.contract_method, "
	    "v.award_method, v.range_milli / 1000, coalesce(v.region_limit, ''), "
	    "coalesce(v.category_limit, ''), " SEOUL("v.bid_start") ", "
	    SEOUL("v.bid_close") ", " SEOUL("v.opening_at") ", "
	    "coalesce(u.name, ''), coalesce(v.officer_id::text, ''), "
	    "coalesce(v.floor_rate_milli::text, ''), "
	    "coalesce(" SEOUL("v.published_at") ", ''), "
	    "CASE WHEN n.status = 'draft' THEN 'draft' ELSE "
	    "CASE WHEN now() < v.bid_start THEN 'upcoming' "
	    "WHEN now() < v.bid_close THEN 'open' ELSE 'closed' END END, "
	    "n.agency_id = $2::bigint, now() >= v.opening_at "
	    "FROM bidding.notice n JOIN bidding.notice_version v ON "
	    "v.notice_id = n.id AND v.ord = n.cur_ord "
	    "JOIN portal.org o ON o.id = n.agency_id "
	    "LEFT JOIN portal.users u ON u.id = v.officer_id "
	    "WHERE n.id = $1 AND (n.status <> 'draft' OR "
	    "n.agency_id = $2::bigint)", 2, vals));
}

static int
detail_loaded(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*v = ctx->vars;
	const char		*vals[3], *floor;
	char			 rate[24];
	long			 f;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	if (g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 404));
	tmpl_set(v, "n_id", g2b_val(ctx, 0, 0));
	tmpl_set(v, "n_no", g2b_val(ctx, 0, 1));
	tmpl_setf(v, "n_ord", "%02d", atoi(g2b_val(ctx, 0, 3)));
	tmpl_set(v, "n_title", g2b_val(ctx, 0, 4));
	g2b_label(ctx, v, "n_family", "family", g2b_val(ctx, 0, 5));
	tmpl_set(v, "n_agency", g2b_val(ctx, 0, 6));
	notice_won_var(v, "n_base", g2b_val(ctx, 0, 7));
	notice_won_var(v, "n_budget", g2b_val(ctx, 0, 8));
	g2b_label(ctx, v, "n_contract", "contract", g2b_val(ctx, 0, 9));
	if (!strcmp(g2b_val(ctx, 0, 9), "nominated"))
		tmpl_set(v, "n_nominated", "1");
	g2b_label(ctx, v, "n_award", "award", g2b_val(ctx, 0, 10));
	tmpl_set(v, "n_range", g2b_val(ctx, 0, 11));
	if (*g2b_val(ctx, 0, 12) != '\0')
		g2b_label(ctx, v, "n_region", "region", g2b_val(ctx, 0, 12));
	tmpl_set(v, "n_category", g2b_val(ctx, 0, 13));
	tmpl_set(v, "n_start", g2b_val(ctx, 0, 14));
	tmpl_set(v, "n_close", g2b_val(ctx, 0, 15));
	tmpl_set(v, "n_opening", g2b_val(ctx, 0, 16));
	tmpl_set(v, "n_officer", g2b_val(ctx, 0, 17));
	floor = g2b_val(ctx, 0, 19);
	if (*floor != '\0') {
		f = strtol(floor, NULL, 10);
		snprintf(rate, sizeof(rate), "%ld.%03ld%%", f / 1000, f % 1000);
		tmpl_set(v, "n_floor", rate);
	}
	tmpl_set(v, "n_published", g2b_val(ctx, 0, 20));
	tmpl_set(v, "n_phase", g2b_val(ctx, 0, 21));
	g2b_label(ctx, v, "n_phase_label", "phase", g2b_val(ctx, 0, 21));
	if (!strcmp(g2b_val(ctx, 0, 2), "published") &&
	    !strcmp(g2b_val(ctx, 0, 22), "t")) {
		if (!strcmp(g2b_val(ctx, 0, 21), "open") ||
		    !strcmp(g2b_val(ctx, 0, 21), "upcoming")) {
			tmpl_set(v, "can_amend", "1");
			tmpl_set(v, "can_attach", "1");
		}
		/* Cancellation is possible until the opening time. */
		if (!strcmp(g2b_val(ctx, 0, 23), "f"))
			tmpl_set(v, "can_cancel", "1");
	}
	if (!strcmp(g2b_val(ctx, 0, 2), "cancelled")) {
		tmpl_set(v, "n_phase", "cancelled");
		g2b_label(ctx, v, "n_phase_label", "phase", "cancelled");
	}
	if (!strcmp(g2b_val(ctx, 0, 2), "draft")) {
		tmpl_set(v, "is_draft", "1");
		if (!strcmp(g2b_val(ctx, 0, 22), "t")) {
			tmpl_set(v, "can_edit", "1");
			tmpl_set(v, "can_attach", "1");
		}
		if (ctx->user.role == ROLE_OFFICER &&
		    !strcmp(g2b_val(ctx, 0, 18), ctx->user.id))
			tmpl_set(v, "can_publish", "1");
	}
	g2b_flash(ctx);
	vals[0] = ctx->s[0];
	vals[1] = g2b_val(ctx, 0, 3);
	vals[2] = ctx->lang == LANG_EN ? "en" : "ko";
	return (g2b_query(ctx, detail_items,
	    "SELECT i.line, i.code, CASE WHEN $3 = 'en' THEN c.name_en "
	    "ELSE c.name_ko END, trim_scale(i.quantity)::text, i.unit "
	    "FROM bidding.notice_item i JOIN portal.category c ON "
	    "c.code = i.code WHERE i.notice_id = $1 AND i.ord = $2::int "
	    "ORDER BY i.line", 3, vals));
}

static int
detail_items(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*row;
	const char		*vals[1];
	int			 i;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	for (i = 0; i < g2b_rows(ctx); i++) {
		row = tmpl_row(ctx->vars, "items");
		tmpl_set(row, "line", g2b_val(ctx, i, 0));
		tmpl_set(row, "code", g2b_val(ctx, i, 1));
		tmpl_set(row, "name", g2b_val(ctx, i, 2));
		tmpl_set(row, "qty", g2b_val(ctx, i, 3));
		tmpl_set(row, "unit", g2b_val(ctx, i, 4));
	}
	/* The nominees of the order shown: public, as in KONEPS. */
	vals[0] = ctx->s[0];
	return (g2b_query(ctx, detail_nominees,
	    "SELECT o.name, o.bizno, o.id FROM bidding.notice n "
	    "JOIN bidding.notice_version v ON v.notice_id = n.id AND "
	    "v.ord = n.cur_ord JOIN bidding.notice_nominee m ON "
	    "m.notice_id = n.id AND m.ord = n.cur_ord JOIN portal.org o ON "
	    "o.id = m.org_id WHERE n.id = $1 AND v.contract_method = "
	    "'nominated' ORDER BY o.name, o.bizno", 1, vals));
}

static int
detail_nominees(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*row;
	const char		*vals[1];
	char			 fmt[16];
	int			 i, mine;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	mine = 0;
	for (i = 0; i < g2b_rows(ctx); i++) {
		row = tmpl_row(ctx->vars, "nominees");
		tmpl_set(row, "name", g2b_val(ctx, i, 0));
		bizno_format(g2b_val(ctx, i, 1), fmt);
		tmpl_set(row, "bizno", fmt);
		if (ctx->logged_in && ctx->user.role == ROLE_SUPPLIER &&
		    !strcmp(g2b_val(ctx, i, 2), ctx->user.org_id)) {
			tmpl_set(row, "mine", "1");
			mine = 1;
		}
	}
	tmpl_setf(ctx->vars, "n_nominee_count", "%d", g2b_rows(ctx));
	/* A supplier learns before bidding whether it may bid. */
	if (ctx->logged_in && ctx->user.role == ROLE_SUPPLIER &&
	    tmpl_get(ctx->vars, "n_nominated") != NULL)
		tmpl_set(ctx->vars, mine ? "nominee_me" : "nominee_not_me",
		    "1");
	vals[0] = ctx->s[0];
	return (g2b_query(ctx, detail_history,
	    "SELECT ord, kind, coalesce(reason, ''), "
	    "coalesce(" SEOUL("published_at") ", '') "
	    "FROM bidding.notice_version WHERE notice_id = $1 AND ord > 0 "
	    "ORDER BY ord DESC", 1, vals));
}

static int
detail_history(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*row;
	int			 i;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	for (i = 0; i < g2b_rows(ctx); i++) {
		row = tmpl_row(ctx->vars, "history");
		tmpl_setf(row, "ord", "%02d", atoi(g2b_val(ctx, i, 0)));
		g2b_label(ctx, row, "kind", "nkind", g2b_val(ctx, i, 1));
		tmpl_set(row, "reason", g2b_val(ctx, i, 2));
		tmpl_set(row, "at", g2b_val(ctx, i, 3));
	}
	return (attachments_detail(ctx));
}

/* ---------------------------------------------------------------- form */

int
page_notice_new(struct http_request *req)
{
	return (g2b_run(req, &route_new));
}

int
page_notice_edit(struct http_request *req)
{
	return (g2b_run(req, &route_edit));
}

static int
nform_get(struct g2b_ctx *ctx)
{
	char		 id[24];
	const char	*vals[3];

	if (!strcmp(ctx->route->name, "notice_new"))
		return (form_render(ctx, 200));
	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (g2b_error(ctx, 404));
	g2b_keep(ctx, 0, id);
	ctx->n[2] = !strcmp(ctx->route->name, "notice_amend");
	vals[0] = id;
	vals[1] = ctx->user.org_id;
	vals[2] = ctx->n[2] ? "published" : "draft";
	return (g2b_query(ctx, form_draft_loaded,
	    "SELECT v.family, v.title, v.base_amount, v.budget, "
	    "v.contract_method, v.award_method, v.range_milli / 1000, "
	    "coalesce(v.region_limit, ''), coalesce(v.category_limit, ''), "
	    "to_char(v.bid_start AT TIME ZONE 'Asia/Seoul', "
	    "'YYYY-MM-DD\"T\"HH24:MI'), to_char(v.bid_close AT TIME ZONE "
	    "'Asia/Seoul', 'YYYY-MM-DD\"T\"HH24:MI'), to_char(v.opening_at "
	    "AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD\"T\"HH24:MI'), "
	    "coalesce(v.officer_id::text, ''), n.cur_ord FROM bidding.notice n "
	    "JOIN bidding.notice_version v ON v.notice_id = n.id AND "
	    "v.ord = n.cur_ord WHERE n.id = $1 AND n.agency_id = $2 AND "
	    "n.status = $3", 3, vals));
}

static int
form_draft_loaded(struct g2b_ctx *ctx)
{
	static const char *const names[] = { "f_family", "f_title",
	    "f_base_amount", "f_budget", "f_contract_method",
	    "f_award_method", "f_range", "f_region_limit",
	    "f_category_limit", "f_bid_start", "f_bid_close",
	    "f_opening_at", "f_officer" };
	const char	*vals[2];
	int		 i;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	if (g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 404));
	for (i = 0; i < 13; i++)
		tmpl_set(ctx->vars, names[i], g2b_val(ctx, 0, i));
	tmpl_set(ctx->vars, "f_ord", g2b_val(ctx, 0, 13));
	vals[0] = ctx->s[0];
	vals[1] = g2b_val(ctx, 0, 13);
	return (g2b_query(ctx, form_items_loaded,
	    "SELECT code, trim_scale(quantity)::text, unit FROM "
	    "bidding.notice_item "
	    "WHERE notice_id = $1 AND ord = $2::int ORDER BY line", 2, vals));
}

static int
form_items_loaded(struct g2b_ctx *ctx)
{
	const char	*vals[2];
	char		 name[32];
	int		 i;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	for (i = 0; i < g2b_rows(ctx) && i < NOTICE_MAX_ITEMS; i++) {
		snprintf(name, sizeof(name), "f_item_code_%d", i);
		tmpl_set(ctx->vars, name, g2b_val(ctx, i, 0));
		snprintf(name, sizeof(name), "f_item_qty_%d", i);
		tmpl_set(ctx->vars, name, g2b_val(ctx, i, 1));
		snprintf(name, sizeof(name), "f_item_unit_%d", i);
		tmpl_set(ctx->vars, name, g2b_val(ctx, i, 2));
	}
	vals[0] = ctx->s[0];
	vals[1] = tmpl_get(ctx->vars, "f_ord");
	return (g2b_query(ctx, form_nominees_loaded,
	    "SELECT o.bizno FROM bidding.notice_nominee m JOIN portal.org o "
	    "ON o.id = m.org_id WHERE m.notice_id = $1 AND m.ord = $2::int "
	    "ORDER BY o.name, o.bizno", 2, vals));
}

/* The nominees in the form: one number a line, XXX-XX-XXXXX. */
static int
form_nominees_loaded(struct g2b_ctx *ctx)
{
	struct strbuf	b;
	char		fmt[16];
	int		i;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	strbuf_init(&b);
	for (i = 0; i < g2b_rows(ctx); i++) {
		bizno_format(g2b_val(ctx, i, 0), fmt);
		strbuf_appendf(&b, "%s%s", i ? "\n" : "", fmt);
	}
	tmpl_set(ctx->vars, "f_nominees", b.data ? b.data : "");
	strbuf_cleanup(&b);
	return (form_render(ctx, 200));
}

/* The form needs the agency's bid officers for its select. */
static int
form_render(struct g2b_ctx *ctx, int status)
{
	const char	*vals[1] = { ctx->user.org_id };

	ctx->n[1] = status;
	return (g2b_query(ctx, form_officers_loaded,
	    "SELECT id, name FROM portal.users WHERE org_id = $1 AND "
	    "role = 'officer' AND active ORDER BY name", 1, vals));
}

static const char *
kept(struct g2b_ctx *ctx, const char *field)
{
	char	name[40];

	snprintf(name, sizeof(name), "f_%s", field);
	return (tmpl_get(ctx->vars, name));
}

static int
form_officers_loaded(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*row;
	const char		*chosen;
	char			 name[32];
	int			 i;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	chosen = kept(ctx, "officer");
	for (i = 0; i < g2b_rows(ctx); i++) {
		row = tmpl_row(ctx->vars, "officers");
		tmpl_set(row, "id", g2b_val(ctx, i, 0));
		tmpl_set(row, "name", g2b_val(ctx, i, 1));
		if (chosen != NULL && !strcmp(chosen, g2b_val(ctx, i, 0)))
			tmpl_set(row, "sel", "1");
	}
	if (g2b_rows(ctx) == 0)
		tmpl_set(ctx->vars, "no_officers", "1");
	g2b_options(ctx, "families", "family", families, kept(ctx, "family"));
	g2b_options(ctx, "contracts", "contract", contract_methods,
	    kept(ctx, "contract_method"));
	g2b_options(ctx, "awards", "award", award_methods,
	    kept(ctx, "award_method"));
	g2b_options(ctx, "regions", "region", region_codes,
	    kept(ctx, "region_limit"));
	chosen = kept(ctx, "range");
	tmpl_set(ctx->vars, (chosen != NULL && !strcmp(chosen, "3")) ?
	    "range3" : "range2", "1");
	for (i = 0; i < NOTICE_MAX_ITEMS / 2; i++) {
		row = tmpl_row(ctx->vars, "item_rows");
		tmpl_setf(row, "n", "%d", i + 1);
		snprintf(name, sizeof(name), "f_item_code_%d", i);
		tmpl_set(row, "code", tmpl_get(ctx->vars, name));
		snprintf(name, sizeof(name), "f_item_qty_%d", i);
		tmpl_set(row, "qty", tmpl_get(ctx->vars, name));
		snprintf(name, sizeof(name), "f_item_unit_%d", i);
		tmpl_set(row, "unit", tmpl_get(ctx->vars, name));
	}
	if (ctx->n[2]) {
		tmpl_set(ctx->vars, "amend_id", ctx->s[0]);
		return (g2b_render(ctx, (int)ctx->n[1], "notice_form",
		    "notice.amend_title"));
	}
	if (ctx->s[0] != NULL) {
		tmpl_set(ctx->vars, "edit_id", ctx->s[0]);
		return (g2b_render(ctx, (int)ctx->n[1], "notice_form",
		    "notice.edit_title"));
	}
	return (g2b_render(ctx, (int)ctx->n[1], "notice_form",
	    "notice.new_title"));
}

/*
 * The submitted draft or amendment: read, kept in the form variables
 * (whatever happens next) and checked. 1 when acceptable; field errors set.
 */
static int
nform_read(struct g2b_ctx *ctx, struct notice_input *in,
    struct notice_checked *c)
{
	static const char *const fields[] = { "family", "title",
	    "base_amount", "budget", "contract_method", "award_method",
	    "range", "region_limit", "category_limit", "bid_start",
	    "bid_close", "opening_at", "officer", "reason", "ord", NULL };
	const char	*codev[NOTICE_MAX_ITEMS], *qtyv[NOTICE_MAX_ITEMS];
	const char	*unitv[NOTICE_MAX_ITEMS], *v;
	struct strbuf	 nb;
	char		 name[40];
	size_t		 nc, nq, nu, i;
	int		 ok;

	memset(in, 0, sizeof(*in));
	in->family = g2b_post(ctx, "family");
	in->title = g2b_post(ctx, "title");
	in->base_amount = g2b_post(ctx, "base_amount");
	in->budget = g2b_post(ctx, "budget");
	in->contract_method = g2b_post(ctx, "contract_method");
	in->award_method = g2b_post(ctx, "award_method");
	in->range = g2b_post(ctx, "range");
	in->region_limit = g2b_post(ctx, "region_limit");
	in->category_limit = g2b_post(ctx, "category_limit");
	in->bid_start = g2b_post(ctx, "bid_start");
	in->bid_close = g2b_post(ctx, "bid_close");
	in->opening_at = g2b_post(ctx, "opening_at");
	in->officer = g2b_post(ctx, "officer");
	nc = form_get_all(&ctx->body, "item_code", codev, NOTICE_MAX_ITEMS);
	nq = form_get_all(&ctx->body, "item_qty", qtyv, NOTICE_MAX_ITEMS);
	nu = form_get_all(&ctx->body, "item_unit", unitv, NOTICE_MAX_ITEMS);
	in->nitems = nc;
	if (nq > in->nitems)
		in->nitems = nq;
	if (nu > in->nitems)
		in->nitems = nu;
	for (i = 0; i < in->nitems; i++) {
		in->items[i].code = i < nc ? codev[i] : "";
		in->items[i].qty = i < nq ? qtyv[i] : "";
		in->items[i].unit = i < nu ? unitv[i] : "";
	}
	/* A textarea (one number a line) or repeated fields. */
	in->nnominee_fields = form_get_all(&ctx->body, "nominees",
	    in->nominees, NOTICE_MAX_NOMINEES);
	strbuf_init(&nb);
	for (i = 0; i < in->nnominee_fields; i++)
		strbuf_appendf(&nb, "%s%s", i ? "\n" : "", in->nominees[i]);
	tmpl_set(ctx->vars, "f_nominees", nb.data ? nb.data : "");
	strbuf_cleanup(&nb);

	for (i = 0; fields[i] != NULL; i++) {
		if ((v = g2b_post(ctx, fields[i])) != NULL) {
			snprintf(name, sizeof(name), "f_%s", fields[i]);
			tmpl_set(ctx->vars, name, v);
		}
	}
	for (i = 0; i < in->nitems; i++) {
		snprintf(name, sizeof(name), "f_item_code_%zu", i);
		tmpl_set(ctx->vars, name, in->items[i].code);
		snprintf(name, sizeof(name), "f_item_qty_%zu", i);
		tmpl_set(ctx->vars, name, in->items[i].qty);
		snprintf(name, sizeof(name), "f_item_unit_%zu", i);
		tmpl_set(ctx->vars, name, in->items[i].unit);
	}

	ok = notice_check(in, c);
	for (i = 0; i < c->nerrors; i++)
		g2b_field_error(ctx, c->errors[i].field, c->errors[i].key);
	if (ctx->n[2]) {
		v = g2b_post(ctx, "reason");
		if (v == NULL || *v == '\0')
			g2b_field_error(ctx, "reason", "err.required");
		else if (!valid_reason(v, 5, 500))
			g2b_field_error(ctx, "reason", "err.text_5_500");
		v = g2b_post(ctx, "ord");
		if (v == NULL || !valid_id(v))
			return (-1);
		/* A published nominated order names at least two. */
		if (ok && !strcmp(in->contract_method, "nominated") &&
		    c->nnominees < 2)
			g2b_field_error(ctx, "nominees", "err.nominees_min");
	}
	return (ok && !ctx->invalid);
}

/* The values a draft and an amendment share, in one order for both. */
struct nform_params {
	char		 base[24], budget[24], range[8];
	struct strbuf	 codes, qtys, units, nominees;
};

#define NFORM_NPARAMS	17

/*
 * Fill vals[0..16]: family, title, base, budget, contract, award, range,
 * region, category, start, close, opening, officer, the items as
 * PostgreSQL arrays (codes, quantities, units) and the nominees' business
 * registration numbers (text[]).
 */
static void
nform_params(const struct notice_input *in, const struct notice_checked *c,
    struct nform_params *p, const char **vals)
{
	const char	*codev[NOTICE_MAX_ITEMS], *qtyv[NOTICE_MAX_ITEMS];
	const char	*unitv[NOTICE_MAX_ITEMS];
	const char	*nomv[NOTICE_MAX_NOMINEES];
	size_t		 i;

	for (i = 0; i < c->nnominees; i++)
		nomv[i] = c->nominees[i];
	strbuf_init(&p->nominees);
	pg_array(&p->nominees, nomv, c->nnominees);
	for (i = 0; i < c->nitems; i++) {
		codev[i] = c->items[i].code;
		qtyv[i] = c->items[i].qty;
		unitv[i] = c->items[i].unit;
	}
	strbuf_init(&p->codes);
	strbuf_init(&p->qtys);
	strbuf_init(&p->units);
	pg_array(&p->codes, codev, c->nitems);
	pg_array(&p->qtys, qtyv, c->nitems);
	pg_array(&p->units, unitv, c->nitems);
	snprintf(p->base, sizeof(p->base), "%lld", (long long)c->base_amount);
	snprintf(p->budget, sizeof(p->budget), "%lld", (long long)c->budget);
	snprintf(p->range, sizeof(p->range), "%d", c->range_milli);
	vals[0] = in->family;
	vals[1] = in->title;
	vals[2] = p->base;
	vals[3] = p->budget;
	vals[4] = in->contract_method;
	vals[5] = in->award_method;
	vals[6] = p->range;
	vals[7] = in->region_limit ? in->region_limit : "";
	vals[8] = in->category_limit ? in->category_limit : "";
	vals[9] = c->bid_start;
	vals[10] = c->bid_close;
	vals[11] = c->opening_at;
	vals[12] = in->officer;
	vals[13] = p->codes.data;
	vals[14] = p->qtys.data;
	vals[15] = p->units.data;
	vals[16] = p->nominees.data;
}

static void
nform_params_cleanup(struct nform_params *p)
{
	strbuf_cleanup(&p->codes);
	strbuf_cleanup(&p->qtys);
	strbuf_cleanup(&p->units);
	strbuf_cleanup(&p->nominees);
}

static int
nform_post(struct g2b_ctx *ctx)
{
	struct notice_input	 in;
	struct notice_checked	 c;
	struct nform_params	 p;
	const char		*vals[1], *pv[NFORM_NPARAMS];
	char			 id[24];
	int			 r;

	if (strcmp(ctx->route->name, "notice_new") != 0) {
		if (g2b_path_id(ctx, id, sizeof(id)) == -1)
			return (g2b_error(ctx, 404));
		g2b_keep(ctx, 0, id);
	}
	ctx->n[2] = !strcmp(ctx->route->name, "notice_amend");
	if ((r = nform_read(ctx, &in, &c)) == -1)
		return (g2b_error(ctx, 400));
	if (r == 0) {
		tmpl_set(ctx->vars, "form_error", "1");
		return (form_render(ctx, 400));
	}
	if (c.nnominees > 0) {
		/* Unknown, unapproved or non-supplier numbers, named. */
		nform_params(&in, &c, &p, pv);
		vals[0] = pv[16];
		g2b_query(ctx, nominees_checked,
		    "SELECT bizno, problem FROM bidding.nominee_problems("
		    "$1::text[])", 1, vals);
		nform_params_cleanup(&p);
		return (STEP_WAIT);
	}
	return (nform_save(ctx));
}

static int
nominees_checked(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*row;
	char			 fmt[16], key[48];
	int			 i;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	if (g2b_rows(ctx) == 0)
		return (nform_save(ctx));
	for (i = 0; i < g2b_rows(ctx); i++) {
		row = tmpl_row(ctx->vars, "nominee_problems");
		bizno_format(g2b_val(ctx, i, 0), fmt);
		tmpl_set(row, "bizno", fmt);
		snprintf(key, sizeof(key), "nominee.problem.%s",
		    g2b_val(ctx, i, 1));
		tmpl_set(row, "problem", g2b_msg(ctx, key));
	}
	tmpl_set(ctx->vars, "has_nominee_problems", "1");
	g2b_field_error(ctx, "nominees", "err.nominee_invalid");
	tmpl_set(ctx->vars, "form_error", "1");
	return (form_render(ctx, 400));
}

/* The checked draft or amendment, saved (form variables already kept). */
static int
nform_save(struct g2b_ctx *ctx)
{
	struct notice_input	 in;
	struct notice_checked	 c;
	struct nform_params	 p;
	const char		*vals[4 + NFORM_NPARAMS];

	if (nform_read(ctx, &in, &c) != 1)
		return (g2b_error(ctx, 400));
	if (ctx->n[2]) {
		vals[0] = ctx->s[0];
		vals[1] = ctx->user.org_id;
		return (g2b_query(ctx, amend_current,
		    "SELECT n.cur_ord, v.base_amount, v.range_milli, "
		    "k.public_pem FROM bidding.notice n JOIN "
		    "bidding.notice_version v ON v.notice_id = n.id AND "
		    "v.ord = n.cur_ord JOIN bidding.opening_key k ON "
		    "k.notice_id = n.id WHERE n.id = $1 AND n.agency_id = $2 "
		    "AND n.status = 'published'", 2, vals));
	}

	vals[0] = ctx->user.id;
	vals[1] = ctx->s[0];
	nform_params(&in, &c, &p, vals + 2);
	vals[19] = ctx->ip;
	g2b_query(ctx, form_saved,
	    "SELECT bidding.draft_save($1, $2::bigint, $3, $4, $5::bigint, "
	    "$6::bigint, $7, $8, $9::int, $10, $11, "
	    "$12::timestamp AT TIME ZONE 'Asia/Seoul', "
	    "$13::timestamp AT TIME ZONE 'Asia/Seoul', "
	    "$14::timestamp AT TIME ZONE 'Asia/Seoul', $15::bigint, "
	    "$16::text[], $17::numeric[], $18::text[], $19::text[], "
	    "$20::inet)", 20, vals);
	nform_params_cleanup(&p);
	return (STEP_WAIT);
}

/*
 * Amendment, with the current order read: new prices are drawn and sealed
 * to the notice's key when the base amount or the range changes (only the
 * public half is needed, and it takes milliseconds).
 */
static int
amend_current(struct g2b_ctx *ctx)
{
	struct notice_input	 in;
	struct notice_checked	 c;
	struct nform_params	 p;
	const char		*vals[6 + NFORM_NPARAMS];
	char			 aad[64];
	char			*prices = NULL;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	if (g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 404));
	if (nform_read(ctx, &in, &c) != 1)
		return (g2b_error(ctx, 400));
	if (strcmp(g2b_post(ctx, "ord"), g2b_val(ctx, 0, 0)) != 0) {
		g2b_field_error(ctx, "reason", "err.notice_changed");
		tmpl_set(ctx->vars, "form_error", "1");
		return (form_render(ctx, 409));
	}
	if (c.base_amount != strtoll(g2b_val(ctx, 0, 1), NULL, 10) ||
	    c.range_milli != atoi(g2b_val(ctx, 0, 2))) {
		opening_prices_aad_order(aad, sizeof(aad), ctx->s[0],
		    atoi(g2b_val(ctx, 0, 0)) + 1);
		if (opening_reseal(g2b_val(ctx, 0, 3), c.base_amount,
		    c.range_milli, aad, &prices) == -1)
			return (g2b_error(ctx, 500));
	}

	vals[0] = ctx->user.id;
	vals[1] = ctx->s[0];
	vals[2] = g2b_val(ctx, 0, 0);
	vals[3] = g2b_post(ctx, "reason");
	nform_params(&in, &c, &p, vals + 4);
	vals[21] = prices;
	vals[22] = ctx->ip;
	g2b_query(ctx, amend_saved,
	    "SELECT bidding.notice_amend($1, $2, $3::int, $4, $5, $6, "
	    "$7::bigint, $8::bigint, $9, $10, $11::int, $12, $13, "
	    "$14::timestamp AT TIME ZONE 'Asia/Seoul', "
	    "$15::timestamp AT TIME ZONE 'Asia/Seoul', "
	    "$16::timestamp AT TIME ZONE 'Asia/Seoul', $17::bigint, "
	    "$18::text[], $19::numeric[], $20::text[], $21::text[], $22, "
	    "$23::inet)", 23, vals);
	nform_params_cleanup(&p);
	free(prices);
	return (STEP_WAIT);
}

static int
amend_saved(struct g2b_ctx *ctx)
{
	char		 url[64];
	const char	*r;

	if (ctx->db_error) {
		if (!strcmp(ctx->sqlstate, "23503")) {
			g2b_field_error(ctx, "items", "err.item_code");
			tmpl_set(ctx->vars, "form_error", "1");
			return (form_render(ctx, 400));
		}
		return (g2b_error(ctx, 503));
	}
	r = g2b_val(ctx, 0, 0);
	if (!strcmp(r, "ok")) {
		snprintf(url, sizeof(url), "/notices/%s?ok=amended", ctx->s[0]);
		return (g2b_redirect(ctx, url));
	}
	if (!strcmp(r, "not_found"))
		return (g2b_error(ctx, 404));
	if (!strcmp(r, "not_published"))
		return (g2b_error(ctx, 409));
	if (!strcmp(r, "nominee_invalid") || !strcmp(r, "nominees")) {
		g2b_field_error(ctx, "nominees", !strcmp(r, "nominees") ?
		    "err.nominees_min" : "err.nominee_invalid");
		tmpl_set(ctx->vars, "form_error", "1");
		return (form_render(ctx, 400));
	}
	g2b_field_error(ctx, !strcmp(r, "bad_officer") ? "officer" :
	    !strcmp(r, "closed") ? "bid_close" : "reason",
	    !strcmp(r, "bad_officer") ? "err.choose" :
	    !strcmp(r, "closed") ? "err.amend_closed" :
	    !strcmp(r, "no_floor") ? "err.no_floor" : "err.notice_changed");
	tmpl_set(ctx->vars, "form_error", "1");
	return (form_render(ctx, !strcmp(r, "changed") ? 409 : 400));
}

/* -------------------------------------------------------------- cancel */

int
page_notice_amend(struct http_request *req)
{
	return (g2b_run(req, &route_amend));
}

int
page_notice_cancel(struct http_request *req)
{
	return (g2b_run(req, &route_cancel));
}

static int
cancel_get(struct g2b_ctx *ctx)
{
	char		 id[24];
	const char	*vals[2];

	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (g2b_error(ctx, 404));
	g2b_keep(ctx, 0, id);
	vals[0] = id;
	vals[1] = ctx->user.org_id;
	return (g2b_query(ctx, cancel_loaded,
	    "SELECT n.notice_no, n.cur_ord, v.title FROM bidding.notice n "
	    "JOIN bidding.notice_version v ON v.notice_id = n.id AND "
	    "v.ord = n.cur_ord WHERE n.id = $1 AND n.agency_id = $2 AND "
	    "n.status = 'published'", 2, vals));
}

static int
cancel_loaded(struct g2b_ctx *ctx)
{
	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	if (g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 404));
	tmpl_set(ctx->vars, "n_id", ctx->s[0]);
	tmpl_set(ctx->vars, "n_no", g2b_val(ctx, 0, 0));
	if (tmpl_get(ctx->vars, "f_ord") == NULL)
		tmpl_set(ctx->vars, "f_ord", g2b_val(ctx, 0, 1));
	tmpl_set(ctx->vars, "n_title", g2b_val(ctx, 0, 2));
	return (g2b_render(ctx, ctx->invalid ? 400 : 200, "notice_cancel",
	    "cancel.title"));
}

static int
cancel_post(struct g2b_ctx *ctx)
{
	char		 id[24];
	const char	*reason, *ord, *vals[5];

	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (g2b_error(ctx, 404));
	g2b_keep(ctx, 0, id);
	reason = g2b_post(ctx, "reason");
	ord = g2b_post(ctx, "ord");
	if (ord == NULL || !valid_id(ord))
		return (g2b_error(ctx, 400));
	tmpl_set(ctx->vars, "f_ord", ord);
	tmpl_set(ctx->vars, "f_reason", reason);
	if (reason == NULL || *reason == '\0')
		g2b_field_error(ctx, "reason", "err.required");
	else if (!valid_reason(reason, 5, 500))
		g2b_field_error(ctx, "reason", "err.text_5_500");
	if (ctx->invalid) {
		tmpl_set(ctx->vars, "form_error", "1");
		return (cancel_get(ctx));
	}
	vals[0] = ctx->user.id;
	vals[1] = id;
	vals[2] = ord;
	vals[3] = reason;
	vals[4] = ctx->ip;
	return (g2b_query(ctx, cancel_done,
	    "SELECT bidding.notice_cancel($1, $2, $3::int, $4, $5::inet)",
	    5, vals));
}

static int
cancel_done(struct g2b_ctx *ctx)
{
	char		 url[64];
	const char	*r;

	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 503));
	r = g2b_val(ctx, 0, 0);
	if (!strcmp(r, "ok")) {
		snprintf(url, sizeof(url), "/notices/%s?ok=cancelled",
		    ctx->s[0]);
		return (g2b_redirect(ctx, url));
	}
	if (!strcmp(r, "not_found"))
		return (g2b_error(ctx, 404));
	if (!strcmp(r, "not_published"))
		return (g2b_error(ctx, 409));
	g2b_field_error(ctx, "reason", !strcmp(r, "too_late") ?
	    "err.cancel_too_late" : "err.notice_changed");
	tmpl_set(ctx->vars, "form_error", "1");
	return (cancel_get(ctx));
}

static int
form_saved(struct g2b_ctx *ctx)
{
	char	url[64];

	if (ctx->db_error) {
		/* An unknown item code breaks the category foreign key. */
		if (!strcmp(ctx->sqlstate, "23503")) {
			g2b_field_error(ctx, "items", "err.item_code");
			tmpl_set(ctx->vars, "form_error", "1");
			return (form_render(ctx, 400));
		}
		/* A nominee that stopped being an approved supplier. */
		if (!strcmp(ctx->sqlstate, "23514")) {
			g2b_field_error(ctx, "nominees", "err.nominee_invalid");
			tmpl_set(ctx->vars, "form_error", "1");
			return (form_render(ctx, 400));
		}
		return (g2b_error(ctx, 503));
	}
	if (g2b_rows(ctx) != 1 || g2b_isnull(ctx, 0, 0)) {
		/* Not this agency's draft, or an officer of another agency. */
		if (ctx->s[0] != NULL)
			return (g2b_error(ctx, 404));
		g2b_field_error(ctx, "officer", "err.choose");
		tmpl_set(ctx->vars, "form_error", "1");
		return (form_render(ctx, 400));
	}
	snprintf(url, sizeof(url), "/notices/%s?ok=saved", g2b_val(ctx, 0, 0));
	return (g2b_redirect(ctx, url));
}

/* ------------------------------------------------------------- publish */

int
page_notice_publish(struct http_request *req)
{
	return (g2b_run(req, &route_publish));
}

static const char *const draft_sql =
    "SELECT n.id, v.title, v.base_amount, v.range_milli, "
    "v.officer_id = $2::bigint, v.bid_close > now(), "
    "to_char(n.updated_at, 'YYYY-MM-DD HH24:MI:SS.US TZH'), "
    "v.contract_method = 'nominated' AND "
    "cardinality(bidding.nominee_biznos(n.id, 0)) < 2 "
    "FROM bidding.notice n JOIN bidding.notice_version v ON "
    "v.notice_id = n.id AND v.ord = 0 WHERE n.id = $1 AND "
    "n.status = 'draft' AND n.agency_id = $3::bigint";

static int
publish_get(struct g2b_ctx *ctx)
{
	char		 id[24];
	const char	*vals[3];

	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (g2b_error(ctx, 404));
	g2b_keep(ctx, 0, id);
	vals[0] = id;
	vals[1] = ctx->user.id;
	vals[2] = ctx->user.org_id;
	return (g2b_query(ctx, publish_loaded, draft_sql, 3, vals));
}

static int
publish_page(struct g2b_ctx *ctx, int status)
{
	tmpl_set(ctx->vars, "n_id", ctx->s[0]);
	return (g2b_render(ctx, status, "notice_publish", "publish.title"));
}

static int
publish_loaded(struct g2b_ctx *ctx)
{
	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	if (g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 404));
	if (strcmp(g2b_val(ctx, 0, 4), "t") != 0)
		return (g2b_error(ctx, 403));
	tmpl_set(ctx->vars, "n_title", g2b_val(ctx, 0, 1));
	notice_won_var(ctx->vars, "n_base", g2b_val(ctx, 0, 2));
	/* Said up front: publication would be refused. */
	if (!strcmp(g2b_val(ctx, 0, 7), "t"))
		g2b_field_error(ctx, "passphrase", "err.nominees_min");
	return (publish_page(ctx, 200));
}

static int
publish_post(struct g2b_ctx *ctx)
{
	const char	*pw, *pw2;
	char		 id[24];
	const char	*vals[3];

	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (g2b_error(ctx, 404));
	g2b_keep(ctx, 0, id);
	pw = g2b_post(ctx, "passphrase");
	pw2 = g2b_post(ctx, "passphrase2");
	if (pw == NULL || *pw == '\0')
		g2b_field_error(ctx, "passphrase", "err.required");
	else if (!valid_text(pw, OPENING_PASSPHRASE_MIN, 200))
		g2b_field_error(ctx, "passphrase", "err.passphrase");
	else if (pw2 == NULL || strcmp(pw, pw2) != 0)
		g2b_field_error(ctx, "passphrase2", "err.password2");
	vals[0] = id;
	vals[1] = ctx->user.id;
	vals[2] = ctx->user.org_id;
	return (g2b_query(ctx, publish_draft, draft_sql, 3, vals));
}

static void
setup_free(void *p)
{
	struct opening_setup	*o = p;

	opening_setup_cleanup(o);
	free(o);
}

static int
setup_work(void *arg)
{
	return (opening_setup_run(arg));
}

static int
publish_draft(struct g2b_ctx *ctx)
{
	struct opening_setup	*o;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	if (g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 404));
	if (strcmp(g2b_val(ctx, 0, 4), "t") != 0)
		return (g2b_error(ctx, 403));
	tmpl_set(ctx->vars, "n_title", g2b_val(ctx, 0, 1));
	notice_won_var(ctx->vars, "n_base", g2b_val(ctx, 0, 2));
	if (strcmp(g2b_val(ctx, 0, 5), "t") != 0)
		g2b_field_error(ctx, "passphrase", "err.too_late");
	else if (!strcmp(g2b_val(ctx, 0, 7), "t"))
		g2b_field_error(ctx, "passphrase", "err.nominees_min");
	if (ctx->invalid) {
		tmpl_set(ctx->vars, "form_error", "1");
		return (publish_page(ctx, 400));
	}
	if ((o = calloc(1, sizeof(*o))) == NULL)
		fatal("calloc");
	if ((o->passphrase = strdup(g2b_post(ctx, "passphrase"))) == NULL)
		fatal("strdup");
	o->base_amount = strtoll(g2b_val(ctx, 0, 2), NULL, 10);
	o->range_milli = atoi(g2b_val(ctx, 0, 3));
	opening_prices_aad(o->aad, sizeof(o->aad), ctx->s[0]);
	/* The draft as read: publication refuses it if it changed since. */
	g2b_keep(ctx, 1, g2b_val(ctx, 0, 6));
	ctx->ptr = o;
	ctx->ptr_free = setup_free;
	/* RSA-3072 and scrypt take a second: not on the worker. */
	return (g2b_task(ctx, setup_work, o, publish_sealed));
}

static int
publish_sealed(struct g2b_ctx *ctx)
{
	struct opening_setup	*o = ctx->ptr;
	const char		*vals[7];

	if (ctx->job->rc != 0) {
		kore_log(LOG_ERR, "notice %s: opening set-up failed",
		    ctx->s[0]);
		return (g2b_error(ctx, 500));
	}
	vals[0] = ctx->user.id;
	vals[1] = ctx->s[0];
	vals[2] = ctx->s[1];
	vals[3] = o->public_pem;
	vals[4] = o->private_enc_pem;
	vals[5] = o->prices_b64;
	vals[6] = ctx->ip;
	return (g2b_query(ctx, publish_done,
	    "SELECT bidding.notice_publish($1, $2, $3::timestamptz, $4, $5, "
	    "$6, $7::inet)", 7, vals));
}

static int
publish_done(struct g2b_ctx *ctx)
{
	char		 url[64];
	const char	*r;

	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 503));
	r = g2b_val(ctx, 0, 0);
	if (!strcmp(r, "ok")) {
		snprintf(url, sizeof(url), "/notices/%s?ok=published",
		    ctx->s[0]);
		return (g2b_redirect(ctx, url));
	}
	if (!strcmp(r, "not_officer"))
		return (g2b_error(ctx, 403));
	if (!strcmp(r, "not_found") || !strcmp(r, "not_draft"))
		return (g2b_error(ctx, 409));
	g2b_field_error(ctx, "passphrase", !strcmp(r, "too_late") ?
	    "err.too_late" : !strcmp(r, "changed") ? "err.draft_changed" :
	    !strcmp(r, "nominees") ? "err.nominees_min" : "err.no_floor");
	tmpl_set(ctx->vars, "form_error", "1");
	return (publish_page(ctx, 400));
}

/* ---------------------------------------------------- agency's notices */

int
page_agency_notices(struct http_request *req)
{
	return (g2b_run(req, &route_mine));
}

static int
mine_get(struct g2b_ctx *ctx)
{
	const char	*vals[1] = { ctx->user.org_id };

	return (g2b_query(ctx, mine_loaded,
	    "SELECT n.id, coalesce(n.notice_no, ''), n.status, v.title, "
	    "v.family, v.base_amount, " SEOUL("v.bid_close") ", "
	    SEOUL("n.updated_at") " FROM bidding.notice n "
	    "JOIN bidding.notice_version v ON v.notice_id = n.id AND "
	    "v.ord = n.cur_ord WHERE n.agency_id = $1 "
	    "ORDER BY n.updated_at DESC LIMIT 200", 1, vals));
}

static int
mine_loaded(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*row;
	int			 i;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	for (i = 0; i < g2b_rows(ctx); i++) {
		row = tmpl_row(ctx->vars, "rows");
		tmpl_set(row, "id", g2b_val(ctx, i, 0));
		tmpl_set(row, "no", g2b_val(ctx, i, 1));
		g2b_label(ctx, row, "status", "nstatus", g2b_val(ctx, i, 2));
		tmpl_set(row, "title", g2b_val(ctx, i, 3));
		g2b_label(ctx, row, "family", "family", g2b_val(ctx, i, 4));
		notice_won_var(row, "base", g2b_val(ctx, i, 5));
		tmpl_set(row, "close", g2b_val(ctx, i, 6));
		tmpl_set(row, "updated", g2b_val(ctx, i, 7));
	}
	if (g2b_rows(ctx) == 0)
		tmpl_set(ctx->vars, "empty", "1");
	return (g2b_render(ctx, 200, "agency_notices", "agency.notices"));
}

/* ----------------------------------------------------------------- API */

int
page_api_notices(struct http_request *req)
{
	return (g2b_run(req, &route_api));
}

/*
 * GET /api/notices?after=CURSOR&limit=N: published notices in publication
 * order, oldest first, N (1..100, default 50) at a time. The cursor is the
 * publication sequence of the last notice of the previous page, so pages
 * stay stable and a client that caught up sees every later publication:
 * every item carries its cursor, "next" is null when nothing follows yet,
 * and polling later from the last item's cursor returns what was published
 * since.
 */
static int
api_get(struct g2b_ctx *ctx)
{
	const char	*after, *limit, *vals[2];
	char		 lim[24];
	long		 l;

	after = g2b_get(ctx, "after");
	limit = g2b_get(ctx, "limit");
	if (after != NULL && !valid_id(after))
		return (g2b_json_error(ctx, 400, "bad_cursor"));
	l = 50;
	if (limit != NULL) {
		if (!valid_id(limit) || (l = strtol(limit, NULL, 10)) > 100)
			return (g2b_json_error(ctx, 400, "bad_limit"));
	}
	snprintf(lim, sizeof(lim), "%ld", l + 1);
	vals[0] = after;
	vals[1] = lim;
	return (g2b_query(ctx, api_loaded,
	    "SELECT c.pub_seq, c.notice_no, c.cur_ord, c.title, c.family, "
	    "c.agency, c.base_amount, c.budget, c.contract_method, "
	    "c.award_method, c.range_milli, "
	    "to_char(c.bid_start AT TIME ZONE 'Asia/Seoul', "
	    "'YYYY-MM-DD\"T\"HH24:MI:SS+09:00'), "
	    "to_char(c.bid_close AT TIME ZONE 'Asia/Seoul', "
	    "'YYYY-MM-DD\"T\"HH24:MI:SS+09:00'), "
	    "to_char(c.opening_at AT TIME ZONE 'Asia/Seoul', "
	    "'YYYY-MM-DD\"T\"HH24:MI:SS+09:00'), "
	    "c.status, coalesce(c.region_limit, ''), c.id, "
	    "coalesce((SELECT json_agg(json_build_object('name', o.name, "
	    "'bizno', o.bizno::text) ORDER BY o.name, o.bizno) FROM "
	    "bidding.notice_nominee m JOIN portal.org o ON o.id = m.org_id "
	    "WHERE m.notice_id = c.id AND m.ord = c.cur_ord), '[]')::text "
	    "FROM bidding.notice_current c WHERE ($1::bigint IS NULL OR "
	    "c.pub_seq > $1::bigint) ORDER BY c.pub_seq LIMIT $2::int", 2,
	    vals));
}

static void
json_str(struct strbuf *b, const char *key, const char *val, int comma)
{
	strbuf_appendf(b, "%s\"%s\":\"", comma ? "," : "", key);
	strbuf_append_json(b, val, strlen(val));
	strbuf_append(b, "\"", 1);
}

static int
api_loaded(struct g2b_ctx *ctx)
{
	struct strbuf	b;
	int		i, n, l;

	if (ctx->db_error)
		return (g2b_json_error(ctx, 503, "database"));
	n = g2b_rows(ctx);
	l = n;
	strbuf_init(&b);
	strbuf_appendstr(&b, "{\"data\":[");
	if (g2b_get(ctx, "limit") != NULL)
		l = (int)strtol(g2b_get(ctx, "limit"), NULL, 10);
	else
		l = 50;
	for (i = 0; i < n && i < l; i++) {
		strbuf_appendstr(&b, i ? ",{" : "{");
		strbuf_appendf(&b, "\"id\":%s,\"cursor\":\"%s\"",
		    g2b_val(ctx, i, 16), g2b_val(ctx, i, 0));
		json_str(&b, "noticeNumber", g2b_val(ctx, i, 1), 1);
		strbuf_appendf(&b, ",\"order\":%s", g2b_val(ctx, i, 2));
		json_str(&b, "title", g2b_val(ctx, i, 3), 1);
		json_str(&b, "family", g2b_val(ctx, i, 4), 1);
		json_str(&b, "agency", g2b_val(ctx, i, 5), 1);
		strbuf_appendf(&b, ",\"baseAmount\":%s,\"budget\":%s",
		    g2b_val(ctx, i, 6), g2b_val(ctx, i, 7));
		json_str(&b, "contractMethod", g2b_val(ctx, i, 8), 1);
		json_str(&b, "awardMethod", g2b_val(ctx, i, 9), 1);
		strbuf_appendf(&b, ",\"priceRangePercent\":%d",
		    atoi(g2b_val(ctx, i, 10)) / 1000);
		json_str(&b, "bidStart", g2b_val(ctx, i, 11), 1);
		json_str(&b, "bidClose", g2b_val(ctx, i, 12), 1);
		json_str(&b, "openingAt", g2b_val(ctx, i, 13), 1);
		json_str(&b, "status", g2b_val(ctx, i, 14), 1);
		json_str(&b, "regionLimit", g2b_val(ctx, i, 15), 1);
		/* Built by PostgreSQL's json_agg: already JSON. */
		strbuf_appendf(&b, ",\"nominees\":%s", g2b_val(ctx, i, 17));
		strbuf_appendf(&b, ",\"url\":\"/notices/%s\"}",
		    g2b_val(ctx, i, 16));
	}
	strbuf_appendstr(&b, "],\"next\":");
	if (n > l)
		strbuf_appendf(&b, "\"%s\"", g2b_val(ctx, l - 1, 0));
	else
		strbuf_appendstr(&b, "null");
	strbuf_appendstr(&b, "}\n");
	g2b_json(ctx, 200, &b);
	strbuf_cleanup(&b);
	return (STEP_DONE);
}
