/*
 * award: the opening (개찰) with the bid officer's passphrase, the
 * qualification review (적격심사), the award and contract record, the
 * re-notice (재공고) of a failed tender, the notice page's result part,
 * and the staff pages for certificates and sanctions (부정당업자 제재).
 *
 * The opening itself is opening_run (opening.c) on a task thread; the
 * database function bidding.opening_store refuses an early, repeated or
 * stale opening and writes the result, the chain entries, the award and
 * the notifications in one transaction.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "bidfmt.h"
#include "bids.h"
#include "bidsql.h"
#include "noticeform.h"
#include "opening.h"
#include "seal.h"
#include "validate.h"

int	page_notice_open(struct http_request *);
int	page_notice_review(struct http_request *);
int	page_notice_renotice(struct http_request *);
int	page_contracts(struct http_request *);
int	page_admin_certs(struct http_request *);
int	page_admin_cert_revoke(struct http_request *);
int	page_admin_sanctions(struct http_request *);
int	page_admin_sanction_lift(struct http_request *);

static int	open_get(struct g2b_ctx *);
static int	open_state(struct g2b_ctx *);
static int	open_post(struct g2b_ctx *);
static int	open_loaded(struct g2b_ctx *);
static int	open_bids(struct g2b_ctx *);
static int	open_done(struct g2b_ctx *);
static int	open_refused(struct g2b_ctx *);
static int	open_stored(struct g2b_ctx *);
static int	review_post(struct g2b_ctx *);
static int	review_done(struct g2b_ctx *);
static int	renotice_post(struct g2b_ctx *);
static int	renotice_done(struct g2b_ctx *);
static int	bd_state(struct g2b_ctx *);
static int	bd_opening(struct g2b_ctx *);
static int	bd_results(struct g2b_ctx *);
static int	contracts_get(struct g2b_ctx *);
static int	contracts_loaded(struct g2b_ctx *);
static int	acerts_get(struct g2b_ctx *);
static int	acerts_loaded(struct g2b_ctx *);
static int	revoke_post(struct g2b_ctx *);
static int	revoke_done(struct g2b_ctx *);
static int	sanctions_get(struct g2b_ctx *);
static int	sanctions_loaded(struct g2b_ctx *);
static int	sanctions_post(struct g2b_ctx *);
static int	sanction_added(struct g2b_ctx *);
static int	lift_post(struct g2b_ctx *);
static int	lift_done(struct g2b_ctx *);

static const struct g2b_route route_open =
    { "notice_open", ROLE_OFFICER, ROUTE_APPROVED_ORG, open_get, open_post };
static const struct g2b_route route_review =
    { "notice_review", ROLE_OFFICER, ROUTE_APPROVED_ORG, NULL, review_post };
static const struct g2b_route route_renotice =
    { "notice_renotice", ROLE_AGENCY | ROLE_OFFICER, ROUTE_APPROVED_ORG,
      NULL, renotice_post };
static const struct g2b_route route_contracts =
    { "contracts", ROLE_SUPPLIER | ROLE_AGENCY | ROLE_OFFICER | ROLE_STAFF,
      0, contracts_get, NULL };
static const struct g2b_route route_acerts =
    { "admin_certs", ROLE_STAFF, 0, acerts_get, NULL };
static const struct g2b_route route_revoke =
    { "admin_cert_revoke", ROLE_STAFF, 0, NULL, revoke_post };
static const struct g2b_route route_sanctions =
    { "admin_sanctions", ROLE_STAFF, 0, sanctions_get, sanctions_post };
static const struct g2b_route route_lift =
    { "admin_sanction_lift", ROLE_STAFF, 0, NULL, lift_post };



static void
rate_fmt(struct tmpl_vars *v, const char *var, const char *milli)
{
	long	r;

	if (milli == NULL || *milli == '\0')
		return;
	r = strtol(milli, NULL, 10);
	tmpl_setf(v, var, "%ld.%03ld%%", r / 1000, r % 1000);
}

/* ------------------------------------------------------------- opening */

int
page_notice_open(struct http_request *req)
{
	return (g2b_run(req, &route_open));
}

#define OPEN_SQL \
    "SELECT n.notice_no, n.cur_ord, n.status, n.opened_at IS NOT NULL, " \
    "now() >= v.opening_at, k.officer_id = $2::bigint, k.private_enc_pem, " \
    "v.prices_sealed, v.prices_ord, coalesce(v.floor_rate_milli, 0), " \
    "v.title, " SEOUL("v.opening_at") ", (SELECT count(*) FROM " \
    "bidding.bid b WHERE b.notice_id = n.id AND b.status = 'live'), " \
    "v.award_method " \
    "FROM bidding.notice n JOIN bidding.notice_version v ON " \
    "v.notice_id = n.id AND v.ord = n.cur_ord JOIN bidding.opening_key k " \
    "ON k.notice_id = n.id WHERE n.id = $1 AND n.status <> 'draft'"

static int
open_get(struct g2b_ctx *ctx)
{
	char		 id[24];
	const char	*vals[2];

	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (g2b_error(ctx, 404));
	g2b_keep(ctx, 0, id);
	vals[0] = id;
	vals[1] = ctx->user.id;
	return (g2b_query(ctx, open_state, OPEN_SQL, 2, vals));
}

/* The form, or why the opening cannot happen now. */
static int
open_render(struct g2b_ctx *ctx, int status)
{
	return (g2b_render(ctx, status, "notice_open", "open.title"));
}

static int
open_vars(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*v = ctx->vars;

	if (ctx->db_error)
		return (503);
	if (g2b_rows(ctx) != 1)
		return (404);
	if (strcmp(g2b_val(ctx, 0, 5), "t") != 0)
		return (403);
	tmpl_set(v, "n_id", ctx->s[0]);
	tmpl_set(v, "n_no", g2b_val(ctx, 0, 0));
	tmpl_setf(v, "n_ord", "%02d", atoi(g2b_val(ctx, 0, 1)));
	tmpl_set(v, "n_title", g2b_val(ctx, 0, 10));
	tmpl_set(v, "n_opening", g2b_val(ctx, 0, 11));
	tmpl_set(v, "n_bids", g2b_val(ctx, 0, 12));
	if (strcmp(g2b_val(ctx, 0, 2), "published") != 0)
		tmpl_set(v, "blocked", g2b_msg(ctx, "open.cancelled"));
	else if (!strcmp(g2b_val(ctx, 0, 3), "t"))
		tmpl_set(v, "blocked", g2b_msg(ctx, "open.already"));
	else if (strcmp(g2b_val(ctx, 0, 4), "t") != 0)
		tmpl_set(v, "blocked", g2b_msg(ctx, "open.early"));
	return (0);
}

static int
open_state(struct g2b_ctx *ctx)
{
	int	r;

	if ((r = open_vars(ctx)) != 0)
		return (g2b_error(ctx, r));
	return (open_render(ctx, 200));
}

struct open_data {
	struct opening_run	 run;
	char			*notice_no;
	char			*priv;
	char			*prices;
	char			 floor[16];
	char			 ord[16];
};

static void
open_data_free(void *arg)
{
	struct open_data	*d = arg;
	size_t			 i;

	if (d->run.passphrase != NULL) {
		OPENSSL_cleanse(d->run.passphrase, strlen(d->run.passphrase));
		free(d->run.passphrase);
	}
	for (i = 0; i < d->run.nbids; i++) {
		kore_free((char *)d->run.bids[i].canonical);
		free(d->run.bids[i].sealed);
		free(d->run.bids[i].sig);
		kore_free((char *)d->run.bids[i].cert_pem);
	}
	kore_free(d->run.bids);
	kore_free(d->notice_no);
	kore_free(d->priv);
	kore_free(d->prices);
	OPENSSL_cleanse(d->run.prices, sizeof(d->run.prices));
	kore_free(d);
}

static int
open_post(struct g2b_ctx *ctx)
{
	struct open_data	*d;
	const char		*pass = g2b_post(ctx, "passphrase");
	char			 id[24];
	const char		*vals[2];

	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (g2b_error(ctx, 404));
	g2b_keep(ctx, 0, id);
	d = kore_calloc(1, sizeof(*d));
	ctx->ptr = d;
	ctx->ptr_free = open_data_free;
	if (pass != NULL && *pass != '\0' && strlen(pass) <= SEAL_PASS_MAX &&
	    (d->run.passphrase = strdup(pass)) == NULL)
		fatal("strdup");
	vals[0] = id;
	vals[1] = ctx->user.id;
	return (g2b_query(ctx, open_loaded, OPEN_SQL, 2, vals));
}

static int
open_loaded(struct g2b_ctx *ctx)
{
	struct open_data	*d = ctx->ptr;
	const char		*vals[1];
	int			 r;

	if ((r = open_vars(ctx)) != 0)
		return (g2b_error(ctx, r));
	if (tmpl_get(ctx->vars, "blocked") != NULL)
		return (open_render(ctx, 409));
	if (d->run.passphrase == NULL) {
		g2b_field_error(ctx, "passphrase", "err.required");
		return (open_render(ctx, 400));
	}
	d->notice_no = kore_strdup(g2b_val(ctx, 0, 0));
	d->priv = kore_strdup(g2b_val(ctx, 0, 6));
	d->prices = kore_strdup(g2b_val(ctx, 0, 7));
	kore_strlcpy(d->ord, g2b_val(ctx, 0, 1), sizeof(d->ord));
	opening_prices_aad_order(d->run.prices_aad, sizeof(d->run.prices_aad),
	    ctx->s[0], atoi(g2b_val(ctx, 0, 8)));
	/* Lowest price has no floor; qualification uses the notice's. */
	if (!strcmp(g2b_val(ctx, 0, 13), "qualification"))
		d->run.floor_rate = (int32_t)atoi(g2b_val(ctx, 0, 9));
	snprintf(d->floor, sizeof(d->floor), "%d", (int)d->run.floor_rate);
	d->run.private_enc_pem = d->priv;
	d->run.prices_b64 = d->prices;
	d->run.notice_id = strtoll(ctx->s[0], NULL, 10);
	d->run.notice_no = d->notice_no;
	d->run.order = atoi(d->ord);
	vals[0] = ctx->s[0];
	return (g2b_query(ctx, open_bids,
	    "SELECT b.id, b.canonical, b.sealed, b.signature, c.cert_pem "
	    "FROM bidding.bid b JOIN bidding.cert c ON c.id = b.cert_id "
	    "WHERE b.notice_id = $1 AND b.status = 'live' ORDER BY b.id",
	    1, vals));
}

static int
open_work(void *arg)
{
	return (opening_run(arg));
}

static int
open_bids(struct g2b_ctx *ctx)
{
	struct open_data	*d = ctx->ptr;
	struct opening_bid	*b;
	int			 i, n;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	n = g2b_rows(ctx);
	d->run.bids = kore_calloc(n > 0 ? (size_t)n : 1, sizeof(*b));
	for (i = 0; i < n; i++) {
		b = &d->run.bids[d->run.nbids];
		b->id = strtoll(g2b_val(ctx, i, 0), NULL, 10);
		b->canonical = kore_strdup(g2b_val(ctx, i, 1));
		b->canonical_len = strlen(b->canonical);
		b->cert_pem = kore_strdup(g2b_val(ctx, i, 4));
		d->run.nbids++;
		if (bytea_unhex(g2b_val(ctx, i, 2), &b->sealed,
		    &b->sealed_len) == -1 ||
		    bytea_unhex(g2b_val(ctx, i, 3), &b->sig, &b->sig_len) == -1)
			return (g2b_error(ctx, 500));
	}
	/* The task owns the passphrase from here and wipes it. */
	return (g2b_task(ctx, open_work, &d->run, open_done));
}

static void
append_list(struct strbuf *b, const char *v, int first)
{
	if (!first)
		strbuf_append(b, ",", 1);
	strbuf_appendstr(b, v);
}

static int
open_done(struct g2b_ctx *ctx)
{
	struct open_data	*d = ctx->ptr;
	struct opening_run	*o = &d->run;
	struct strbuf		 a[12];
	const char		*vals[21];
	char			 num[48], hex[BIDFMT_HEX_LEN + 1];
	char			 planned[24], floor_amt[24], seed[BIDFMT_HEX_LEN + 3];
	size_t			 i;
	int			 k;

	if (ctx->job->rc == -1) {
		const char *v2[4];

		g2b_keep(ctx, 1, o->wrong_passphrase ? "wrong_passphrase" :
		    "failed");
		v2[0] = ctx->user.id;
		v2[1] = ctx->s[0];
		v2[2] = ctx->ip;
		v2[3] = ctx->s[1];
		return (g2b_query(ctx, open_refused,
		    "INSERT INTO portal.audit (actor, org_id, event, ip, detail) "
		    "SELECT $1, agency_id, 'notice.open_refused', $3, "
		    "jsonb_build_object('notice', id, 'reason', $4::text) "
		    "FROM bidding.notice WHERE id = $2", 4, v2));
	}
	for (k = 0; k < 12; k++) {
		strbuf_init(&a[k]);
		strbuf_append(&a[k], "{", 1);
	}
	for (k = 0; k < 15; k++) {
		snprintf(num, sizeof(num), "%lld", (long long)o->prices[k]);
		append_list(&a[0], num, k == 0);
		snprintf(num, sizeof(num), "%d", o->counts[k]);
		append_list(&a[1], num, k == 0);
	}
	for (k = 0; k < 4; k++) {
		snprintf(num, sizeof(num), "%d", o->chosen[k]);
		append_list(&a[2], num, k == 0);
	}
	for (i = 0; i < o->nbids; i++) {
		struct opening_bid *b = &o->bids[i];
		int valid = b->reason == NULL || !strcmp(b->reason,
		    "below_floor");

		snprintf(num, sizeof(num), "%lld", (long long)b->id);
		append_list(&a[3], num, i == 0);
		snprintf(num, sizeof(num), "%lld", (long long)b->amount);
		append_list(&a[4], valid ? num : "NULL", i == 0);
		snprintf(num, sizeof(num), "%d", b->picks[0]);
		append_list(&a[5], valid ? num : "NULL", i == 0);
		snprintf(num, sizeof(num), "%d", b->picks[1]);
		append_list(&a[6], valid ? num : "NULL", i == 0);
		snprintf(num, sizeof(num), "%d", (int)b->ratio);
		append_list(&a[7], valid ? num : "NULL", i == 0);
		append_list(&a[8], b->e.valid ? "t" : "f", i == 0);
		append_list(&a[9], b->e.excluded ? "t" : "f", i == 0);
		append_list(&a[10], b->reason ? b->reason : "NULL", i == 0);
		snprintf(num, sizeof(num), "%d", b->e.rank);
		append_list(&a[11], num, i == 0);
	}
	for (k = 0; k < 12; k++)
		strbuf_append(&a[k], "}", 2);	/* with the NUL */
	/* Lot keys as hex text[], decoded in SQL. */
	{
		struct strbuf lots;

		strbuf_init(&lots);
		strbuf_append(&lots, "{", 1);
		for (i = 0; i < o->nbids; i++) {
			bidfmt_hex(o->bids[i].e.lot_key, hex);
			append_list(&lots, hex, i == 0);
		}
		strbuf_append(&lots, "}", 2);
		g2b_keep(ctx, 2, lots.data);
		strbuf_cleanup(&lots);
	}
	snprintf(planned, sizeof(planned), "%lld", (long long)o->planned);
	snprintf(floor_amt, sizeof(floor_amt), "%lld",
	    (long long)o->floor_amount);
	bidfmt_hex(o->seed, hex);
	snprintf(seed, sizeof(seed), "\\x%s", hex);
	vals[0] = ctx->user.id;
	vals[1] = ctx->s[0];
	vals[2] = d->ord;
	vals[3] = a[0].data;
	vals[4] = a[1].data;
	vals[5] = a[2].data;
	vals[6] = planned;
	vals[7] = o->floor_rate > 0 ? d->floor : NULL;
	vals[8] = floor_amt;
	vals[9] = seed;
	for (k = 3; k < 12; k++)
		vals[7 + k] = a[k].data;
	vals[19] = ctx->s[2];
	vals[20] = ctx->ip;
	k = g2b_query(ctx, open_stored,
	    "SELECT bidding.opening_store($1, $2, $3, $4, $5, $6, $7, $8, $9, "
	    "$10::bytea, $11, $12, $13, $14, $15, $16, $17, $18, $19, "
	    "ARRAY(SELECT decode(x, 'hex') FROM unnest($20::text[]) "
	    "WITH ORDINALITY AS t(x, i) ORDER BY i), $21)", 21, vals);
	/* The clear prices leave memory once the query holds them. */
	OPENSSL_cleanse(o->prices, sizeof(o->prices));
	for (k = 0; k < 12; k++) {
		if (a[k].data != NULL)
			OPENSSL_cleanse(a[k].data, a[k].len);
		strbuf_cleanup(&a[k]);
	}
	return (k);
}

static int
open_refused(struct g2b_ctx *ctx)
{
	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	if (!strcmp(ctx->s[1], "wrong_passphrase")) {
		g2b_field_error(ctx, "passphrase", "open.wrong_passphrase");
		return (open_render(ctx, 403));
	}
	kore_log(LOG_ERR, "opening of notice %s failed (data damaged?)",
	    ctx->s[0]);
	tmpl_set(ctx->vars, "blocked", g2b_msg(ctx, "open.failed"));
	return (open_render(ctx, 500));
}

static int
open_stored(struct g2b_ctx *ctx)
{
	const char	*st;
	char		 url[64];

	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 503));
	st = g2b_val(ctx, 0, 0);
	if (!strcmp(st, "ok")) {
		snprintf(url, sizeof(url), "/notices/%s?ok=opened#result",
		    ctx->s[0]);
		return (g2b_redirect(ctx, url));
	}
	if (!strcmp(st, "not_officer"))
		return (g2b_error(ctx, 403));
	if (!strcmp(st, "not_found"))
		return (g2b_error(ctx, 404));
	tmpl_set(ctx->vars, "blocked", g2b_msg(ctx, !strcmp(st, "early") ?
	    "open.early" : !strcmp(st, "already") ? "open.already" :
	    "open.changed"));
	return (open_render(ctx, 409));
}

/* -------------------------------------------------------------- review */

int
page_notice_review(struct http_request *req)
{
	return (g2b_run(req, &route_review));
}

static int
review_post(struct g2b_ctx *ctx)
{
	const char	*bid = g2b_post(ctx, "bid");
	const char	*decision = g2b_post(ctx, "decision");
	const char	*reason = g2b_post(ctx, "reason");
	const char	*vals[6];
	char		 id[24], url[64];

	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (g2b_error(ctx, 404));
	g2b_keep(ctx, 0, id);
	if (bid == NULL || !valid_id(bid) || decision == NULL ||
	    (strcmp(decision, "pass") && strcmp(decision, "fail")) ||
	    reason == NULL || !valid_text(reason, 2, 500)) {
		snprintf(url, sizeof(url), "/notices/%s?ok=review_invalid#result",
		    id);
		return (g2b_redirect(ctx, url));
	}
	vals[0] = ctx->user.id;
	vals[1] = id;
	vals[2] = bid;
	vals[3] = !strcmp(decision, "pass") ? "t" : "f";
	vals[4] = reason;
	vals[5] = ctx->ip;
	return (g2b_query(ctx, review_done,
	    "SELECT bidding.review_decide($1, $2, $3, $4, $5, $6)", 6, vals));
}

static int
review_done(struct g2b_ctx *ctx)
{
	char	url[96];

	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 503));
	if (!strcmp(g2b_val(ctx, 0, 0), "not_officer"))
		return (g2b_error(ctx, 403));
	snprintf(url, sizeof(url), "/notices/%s?ok=%s#result", ctx->s[0],
	    !strcmp(g2b_val(ctx, 0, 0), "ok") ? "reviewed_bid" :
	    "review_refused");
	return (g2b_redirect(ctx, url));
}

/* ------------------------------------------------------------ renotice */

int
page_notice_renotice(struct http_request *req)
{
	return (g2b_run(req, &route_renotice));
}

static int
renotice_post(struct g2b_ctx *ctx)
{
	char		 id[24];
	const char	*vals[3];

	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (g2b_error(ctx, 404));
	vals[0] = ctx->user.id;
	vals[1] = id;
	vals[2] = ctx->ip;
	return (g2b_query(ctx, renotice_done,
	    "SELECT bidding.renotice($1, $2, $3)", 3, vals));
}

static int
renotice_done(struct g2b_ctx *ctx)
{
	char	url[64];

	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 503));
	if (g2b_isnull(ctx, 0, 0))
		return (g2b_error(ctx, 403));
	snprintf(url, sizeof(url), "/notices/%s/edit", g2b_val(ctx, 0, 0));
	return (g2b_redirect(ctx, url));
}

/* ------------------------------------------------ notice page: result */

int
bids_detail(struct g2b_ctx *ctx)
{
	const char	*vals[3];

	vals[0] = ctx->s[0];
	vals[1] = ctx->logged_in ? ctx->user.id : NULL;
	vals[2] = ctx->logged_in && ctx->user.org_id[0] ?
	    ctx->user.org_id : NULL;
	return (g2b_query(ctx, bd_state,
	    "SELECT n.outcome, n.opened_at IS NOT NULL, now() >= v.opening_at, "
	    "k.officer_id = $2::bigint, n.status, now() < v.bid_close AND "
	    "now() >= v.bid_start, (SELECT id FROM bidding.notice r WHERE "
	    "r.renotice_of = n.id), n.agency_id = $3::bigint, "
	    "(SELECT b.id FROM bidding.bid b WHERE b.notice_id = n.id AND "
	    "b.org_id = $3::bigint AND b.status = 'live'), "
	    "(SELECT count(*) FROM bidding.bid b WHERE b.notice_id = n.id AND "
	    "b.status IN ('live', 'opened')), n.renotice_of, "
	    "v.rebid, v.ord > 1, v.contract_method = 'nominated' AND NOT "
	    "EXISTS (SELECT 1 FROM bidding.notice_nominee m WHERE "
	    "m.notice_id = n.id AND m.ord = n.cur_ord AND "
	    "m.org_id = $3::bigint) "
	    "FROM bidding.notice n JOIN bidding.notice_version v ON "
	    "v.notice_id = n.id AND v.ord = n.cur_ord LEFT JOIN "
	    "bidding.opening_key k ON k.notice_id = n.id WHERE n.id = $1",
	    3, vals));
}

static int
bd_state(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*v = ctx->vars;
	const char		*vals[1];
	int			 opened, supplier;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	if (g2b_rows(ctx) != 1)
		return (g2b_render(ctx, 200, "notice", "notice.title"));
	opened = !strcmp(g2b_val(ctx, 0, 1), "t");
	supplier = ctx->logged_in && ctx->user.role == ROLE_SUPPLIER;
	if (!g2b_isnull(ctx, 0, 0)) {
		tmpl_set(v, "outcome", g2b_val(ctx, 0, 0));
		g2b_label(ctx, v, "outcome_label", "outcome",
		    g2b_val(ctx, 0, 0));
		/* After the opening the title's pill says how it ended. */
		tmpl_set(v, "n_phase", g2b_val(ctx, 0, 0));
		g2b_label(ctx, v, "n_phase_label", "outcome",
		    g2b_val(ctx, 0, 0));
	}
	if (!strcmp(g2b_val(ctx, 0, 4), "published") && !opened) {
		/* A nominated competition takes its nominees' bids only. */
		if (supplier && !strcmp(g2b_val(ctx, 0, 5), "t") &&
		    strcmp(g2b_val(ctx, 0, 13), "t") != 0)
			tmpl_set(v, "can_bid", "1");
		if (!strcmp(g2b_val(ctx, 0, 2), "t") &&
		    !strcmp(g2b_val(ctx, 0, 3), "t"))
			tmpl_set(v, "can_open", "1");
	}
	if (!g2b_isnull(ctx, 0, 8)) {
		tmpl_set(v, "my_bid", g2b_val(ctx, 0, 8));
		if (!strcmp(g2b_val(ctx, 0, 5), "t") && !opened)
			tmpl_set(v, "can_withdraw", "1");
	}
	if (!strcmp(g2b_val(ctx, 0, 7), "t") &&
	    (!strcmp(g2b_val(ctx, 0, 0), "failed") ||
	    !strcmp(g2b_val(ctx, 0, 4), "cancelled"))) {
		if (g2b_isnull(ctx, 0, 6))
			tmpl_set(v, "can_renotice", "1");
		else
			tmpl_set(v, "renotice_id", g2b_val(ctx, 0, 6));
	}
	if (!g2b_isnull(ctx, 0, 10))
		tmpl_set(v, "renotice_of", g2b_val(ctx, 0, 10));
	if (!strcmp(g2b_val(ctx, 0, 12), "t"))
		tmpl_set(v, !strcmp(g2b_val(ctx, 0, 11), "t") ?
		    "rebid_needed" : "rebid_kept", "1");
	if (!strcmp(g2b_val(ctx, 0, 3), "t") &&
	    !strcmp(g2b_val(ctx, 0, 0), "review"))
		tmpl_set(v, "can_review", "1");
	if (!opened)
		return (g2b_render(ctx, 200, "notice", "notice.title"));
	vals[0] = ctx->s[0];
	return (g2b_query(ctx, bd_opening,
	    "SELECT array_to_string(p.prices, ','), "
	    "array_to_string(p.counts, ','), array_to_string(p.chosen, ', '), "
	    "p.planned, coalesce(p.floor_rate_milli::text, ''), "
	    "p.floor_amount, encode(p.lot_seed, 'hex'), p.bids, p.ranked, "
	    SEOUL("p.opened_at") ", u.name, "
	    "coalesce((SELECT c.contract_no || ' ' || o.name || ' ' || "
	    "c.amount FROM bidding.contract c JOIN portal.org o ON "
	    "o.id = c.supplier_id WHERE c.notice_id = p.notice_id), '') "
	    "FROM bidding.opening p JOIN portal.users u ON u.id = p.opened_by "
	    "WHERE p.notice_id = $1", 1, vals));
}

static int
bd_opening(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*v = ctx->vars, *row;
	const char		*vals[1];
	char			*prices, *counts, *p, *c, *sp, *sc;
	const char		*chosen;
	int			 k;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	if (g2b_rows(ctx) != 1)
		return (g2b_render(ctx, 200, "notice", "notice.title"));
	tmpl_set(v, "opened", "1");
	prices = kore_strdup(g2b_val(ctx, 0, 0));
	counts = kore_strdup(g2b_val(ctx, 0, 1));
	chosen = g2b_val(ctx, 0, 2);
	p = strtok_r(prices, ",", &sp);
	c = strtok_r(counts, ",", &sc);
	for (k = 1; p != NULL && c != NULL; k++) {
		char pat[16];

		row = tmpl_row(v, "prices");
		tmpl_setf(row, "n", "%d", k);
		notice_won_var(row, "amount", p);
		tmpl_set(row, "count", c);
		/* chosen is "a,b,c,d": mark the four averaged numbers. */
		snprintf(pat, sizeof(pat), ",%d,", k);
		{
			char		 wrap[64];
			const char	*q;
			size_t		 w = 0;

			/* chosen reads "a, b, c, d": match ",n," without spaces. */
			wrap[w++] = ',';
			for (q = chosen; *q != '\0' && w < sizeof(wrap) - 2; q++)
				if (*q != ' ')
					wrap[w++] = *q;
			wrap[w++] = ',';
			wrap[w] = '\0';
			if (strstr(wrap, pat) != NULL)
				tmpl_set(row, "chosen", "1");
		}
		p = strtok_r(NULL, ",", &sp);
		c = strtok_r(NULL, ",", &sc);
	}
	kore_free(prices);
	kore_free(counts);
	tmpl_set(v, "chosen_list", chosen);
	notice_won_var(v, "planned", g2b_val(ctx, 0, 3));
	rate_fmt(v, "floor_rate", g2b_val(ctx, 0, 4));
	notice_won_var(v, "floor_amount", g2b_val(ctx, 0, 5));
	tmpl_set(v, "lot_seed", g2b_val(ctx, 0, 6));
	tmpl_set(v, "n_bids", g2b_val(ctx, 0, 7));
	tmpl_set(v, "n_ranked", g2b_val(ctx, 0, 8));
	tmpl_set(v, "opened_at", g2b_val(ctx, 0, 9));
	tmpl_set(v, "opened_by", g2b_val(ctx, 0, 10));
	if (*g2b_val(ctx, 0, 11) != '\0') {
		char *cs = kore_strdup(g2b_val(ctx, 0, 11)), *a, *s2;

		a = strrchr(cs, ' ');
		if (a != NULL) {
			*a++ = '\0';
			notice_won_var(v, "contract_amount", a);
			s2 = strchr(cs, ' ');
			if (s2 != NULL) {
				*s2++ = '\0';
				tmpl_set(v, "contract_no", cs);
				tmpl_set(v, "contract_supplier", s2);
			}
		}
		kore_free(cs);
	}
	vals[0] = ctx->s[0];
	return (g2b_query(ctx, bd_results,
	    "SELECT coalesce(r.rank::text, ''), o.name, o.bizno, "
	    "coalesce(r.amount::text, ''), coalesce(r.ratio_milli::text, ''), "
	    "coalesce(r.pick_a || ', ' || r.pick_b, ''), r.valid, r.excluded, "
	    "coalesce(r.reason, ''), coalesce(r.review, ''), "
	    "coalesce(r.review_reason, ''), b.id, encode(b.bid_hash, 'hex'), "
	    "b.receipt_no, encode(r.lot_key, 'hex'), "
	    "r.rank = (SELECT min(x.rank) FROM bidding.bid_result x WHERE "
	    "x.notice_id = r.notice_id AND x.rank IS NOT NULL AND "
	    "x.review IS NULL) "
	    "FROM bidding.bid_result r JOIN bidding.bid b ON b.id = r.bid_id "
	    "JOIN portal.org o ON o.id = b.org_id WHERE r.notice_id = $1 "
	    "ORDER BY r.rank NULLS LAST, r.amount, b.id", 1, vals));
}

static int
bd_results(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*row;
	char			 biz[16];
	int			 i;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	for (i = 0; i < g2b_rows(ctx); i++) {
		row = tmpl_row(ctx->vars, "results");
		tmpl_set(row, "rank", g2b_val(ctx, i, 0));
		tmpl_set(row, "company", g2b_val(ctx, i, 1));
		bizno_format(g2b_val(ctx, i, 2), biz);
		tmpl_set(row, "bizno", biz);
		notice_won_var(row, "amount", g2b_val(ctx, i, 3));
		rate_fmt(row, "ratio", g2b_val(ctx, i, 4));
		tmpl_set(row, "picks", g2b_val(ctx, i, 5));
		if (*g2b_val(ctx, i, 8) != '\0')
			g2b_label(ctx, row, "reason", "result.reason",
			    g2b_val(ctx, i, 8));
		if (*g2b_val(ctx, i, 9) != '\0')
			g2b_label(ctx, row, "review", "review",
			    g2b_val(ctx, i, 9));
		tmpl_set(row, "review_reason", g2b_val(ctx, i, 10));
		tmpl_set(row, "bid_id", g2b_val(ctx, i, 11));
		tmpl_set(row, "hash", g2b_val(ctx, i, 12));
		tmpl_set(row, "receipt", g2b_val(ctx, i, 13));
		tmpl_set(row, "lot", g2b_val(ctx, i, 14));
		if (!strcmp(g2b_val(ctx, i, 15), "t") &&
		    tmpl_get(ctx->vars, "can_review") != NULL)
			tmpl_set(row, "review_next", "1");
	}
	return (g2b_render(ctx, 200, "notice", "notice.title"));
}

/* ----------------------------------------------------------- contracts */

int
page_contracts(struct http_request *req)
{
	return (g2b_run(req, &route_contracts));
}

static int
contracts_get(struct g2b_ctx *ctx)
{
	const char	*vals[2];

	vals[0] = ctx->user.org_id[0] ? ctx->user.org_id : NULL;
	vals[1] = ctx->user.role == ROLE_STAFF ? "t" : "f";
	return (g2b_query(ctx, contracts_loaded,
	    "SELECT c.contract_no, n.id, n.notice_no, v.title, a.name, s.name, "
	    "c.amount, " SEOUL("c.awarded_at") ", c.status "
	    "FROM bidding.contract c JOIN bidding.notice n ON n.id = c.notice_id "
	    "JOIN bidding.notice_version v ON v.notice_id = n.id "
	    "AND v.ord = n.cur_ord JOIN portal.org a ON a.id = c.agency_id "
	    "JOIN portal.org s ON s.id = c.supplier_id "
	    "WHERE $2::boolean OR c.agency_id = $1::bigint OR "
	    "c.supplier_id = $1::bigint ORDER BY c.awarded_at DESC LIMIT 200",
	    2, vals));
}

static int
contracts_loaded(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*row;
	int			 i;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	for (i = 0; i < g2b_rows(ctx); i++) {
		row = tmpl_row(ctx->vars, "rows");
		tmpl_set(row, "no", g2b_val(ctx, i, 0));
		tmpl_set(row, "notice_id", g2b_val(ctx, i, 1));
		tmpl_set(row, "notice_no", g2b_val(ctx, i, 2));
		tmpl_set(row, "title", g2b_val(ctx, i, 3));
		tmpl_set(row, "agency", g2b_val(ctx, i, 4));
		tmpl_set(row, "supplier", g2b_val(ctx, i, 5));
		notice_won_var(row, "amount", g2b_val(ctx, i, 6));
		tmpl_set(row, "at", g2b_val(ctx, i, 7));
		g2b_label(ctx, row, "state", "contract.state",
		    g2b_val(ctx, i, 8));
	}
	if (g2b_rows(ctx) == 0)
		tmpl_set(ctx->vars, "empty", "1");
	return (g2b_render(ctx, 200, "contracts", "contracts.title"));
}

/* ------------------------------------------------ staff: certificates */

int
page_admin_certs(struct http_request *req)
{
	return (g2b_run(req, &route_acerts));
}

static int
acerts_get(struct g2b_ctx *ctx)
{
	const char	*q = g2b_get(ctx, "q");
	const char	*vals[1];

	vals[0] = (q != NULL && *q != '\0' && valid_text(q, 1, 100)) ? q : NULL;
	if (vals[0] != NULL)
		tmpl_set(ctx->vars, "f_q", q);
	return (g2b_query(ctx, acerts_loaded,
	    "SELECT c.id, c.serial, o.name, o.bizno, u.login, u.name, "
	    SEOUL("c.issued_at") ", " SEOUL_DAY("c.not_after") ", "
	    CERT_STATE_SQL ", coalesce(c.revoke_reason, '') "
	    "FROM bidding.cert c JOIN portal.org o ON o.id = c.org_id "
	    "JOIN portal.users u ON u.id = c.user_id "
	    "WHERE $1::text IS NULL OR o.bizno = $1 OR c.serial = upper($1) "
	    "OR o.name ILIKE '%' || $1 || '%' OR u.login = $1 "
	    "ORDER BY c.issued_at DESC LIMIT 100", 1, vals));
}

static int
acerts_loaded(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*row;
	int			 i;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	for (i = 0; i < g2b_rows(ctx); i++) {
		row = tmpl_row(ctx->vars, "rows");
		tmpl_set(row, "id", g2b_val(ctx, i, 0));
		tmpl_set(row, "serial", g2b_val(ctx, i, 1));
		tmpl_set(row, "company", g2b_val(ctx, i, 2));
		tmpl_set(row, "bizno", g2b_val(ctx, i, 3));
		tmpl_set(row, "login", g2b_val(ctx, i, 4));
		tmpl_set(row, "person", g2b_val(ctx, i, 5));
		tmpl_set(row, "issued", g2b_val(ctx, i, 6));
		tmpl_set(row, "not_after", g2b_val(ctx, i, 7));
		tmpl_set(row, "state", g2b_val(ctx, i, 8));
		g2b_label(ctx, row, "state_label", "cert.state",
		    g2b_val(ctx, i, 8));
		tmpl_set(row, "reason", g2b_val(ctx, i, 9));
		if (!strcmp(g2b_val(ctx, i, 8), "valid"))
			tmpl_set(row, "can_revoke", "1");
	}
	if (g2b_rows(ctx) == 0)
		tmpl_set(ctx->vars, "empty", "1");
	g2b_flash(ctx);
	return (g2b_render(ctx, 200, "admin_certs", "admin.certs"));
}

int
page_admin_cert_revoke(struct http_request *req)
{
	return (g2b_run(req, &route_revoke));
}

static int
revoke_post(struct g2b_ctx *ctx)
{
	char		 id[24];
	const char	*reason = g2b_post(ctx, "reason");
	const char	*vals[4];

	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (g2b_error(ctx, 404));
	if (reason == NULL || !valid_text(reason, 2, 500))
		return (g2b_redirect(ctx, "/admin/certificates?ok=reason"));
	vals[0] = id;
	vals[1] = ctx->user.id;
	vals[2] = reason;
	vals[3] = ctx->ip;
	return (g2b_query(ctx, revoke_done,
	    "WITH c AS (UPDATE bidding.cert SET revoked_at = now(), "
	    "revoked_by = $2, revoke_reason = $3 WHERE id = $1 AND "
	    "revoked_at IS NULL RETURNING org_id, serial, user_id), "
	    "a AS (INSERT INTO portal.audit (actor, org_id, event, ip, detail) "
	    "SELECT $2, org_id, 'cert.revoke', $4, jsonb_build_object("
	    "'serial', serial, 'reason', $3::text) FROM c), "
	    "n AS (INSERT INTO portal.notification (user_id, msg_key, args, "
	    "link) SELECT user_id, 'notif.cert_revoked', ARRAY[serial, "
	    "$3::text], '/certificate' FROM c) SELECT count(*) FROM c",
	    4, vals));
}

static int
revoke_done(struct g2b_ctx *ctx)
{
	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 503));
	return (g2b_redirect(ctx, strcmp(g2b_val(ctx, 0, 0), "1") ?
	    "/admin/certificates?ok=unchanged" :
	    "/admin/certificates?ok=revoked"));
}

/* --------------------------------------------------- staff: sanctions */

int
page_admin_sanctions(struct http_request *req)
{
	return (g2b_run(req, &route_sanctions));
}

static int
sanctions_get(struct g2b_ctx *ctx)
{
	return (g2b_query(ctx, sanctions_loaded,
	    "SELECT s.id, o.name, o.bizno, s.starts, s.ends, s.reason, "
	    "s.lifted_at IS NULL AND s.ends >= (now() AT TIME ZONE "
	    "'Asia/Seoul')::date, s.lifted_at IS NOT NULL "
	    "FROM bidding.sanction s JOIN portal.org o ON o.id = s.org_id "
	    "ORDER BY s.created_at DESC LIMIT 200", 0, NULL));
}

static int
sanctions_loaded(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*row;
	int			 i;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	for (i = 0; i < g2b_rows(ctx); i++) {
		row = tmpl_row(ctx->vars, "rows");
		tmpl_set(row, "id", g2b_val(ctx, i, 0));
		tmpl_set(row, "company", g2b_val(ctx, i, 1));
		tmpl_set(row, "bizno", g2b_val(ctx, i, 2));
		tmpl_set(row, "starts", g2b_val(ctx, i, 3));
		tmpl_set(row, "ends", g2b_val(ctx, i, 4));
		tmpl_set(row, "reason", g2b_val(ctx, i, 5));
		if (!strcmp(g2b_val(ctx, i, 6), "t"))
			tmpl_set(row, "active", "1");
		if (!strcmp(g2b_val(ctx, i, 7), "t"))
			tmpl_set(row, "lifted", "1");
	}
	if (g2b_rows(ctx) == 0)
		tmpl_set(ctx->vars, "empty", "1");
	g2b_flash(ctx);
	return (g2b_render(ctx, ctx->invalid ? 400 : 200, "admin_sanctions",
	    "admin.sanctions"));
}

static int
valid_date(const char *s)
{
	int	y, m, d;
	char	end;

	return (s != NULL && strlen(s) == 10 &&
	    sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &end) == 3 &&
	    y >= 2000 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31);
}

static int
sanctions_post(struct g2b_ctx *ctx)
{
	const char	*bizno = g2b_post(ctx, "bizno");
	const char	*starts = g2b_post(ctx, "starts");
	const char	*ends = g2b_post(ctx, "ends");
	const char	*reason = g2b_post(ctx, "reason");
	const char	*vals[6];
	char		 digits[16];

	if (bizno == NULL || bizno_normalize(bizno, digits) == -1)
		g2b_field_error(ctx, "bizno", "err.bizno_format");
	if (!valid_date(starts))
		g2b_field_error(ctx, "starts", "err.date");
	if (!valid_date(ends))
		g2b_field_error(ctx, "ends", "err.date");
	else if (valid_date(starts) && strcmp(starts, ends) > 0)
		g2b_field_error(ctx, "ends", "err.ends_before_starts");
	if (reason == NULL || !valid_text(reason, 2, 500))
		g2b_field_error(ctx, "reason", "err.text_2_500");
	tmpl_set(ctx->vars, "f_bizno", bizno ? bizno : "");
	tmpl_set(ctx->vars, "f_starts", starts ? starts : "");
	tmpl_set(ctx->vars, "f_ends", ends ? ends : "");
	tmpl_set(ctx->vars, "f_reason", reason ? reason : "");
	if (ctx->invalid)
		return (sanctions_get(ctx));
	vals[0] = digits;
	vals[1] = starts;
	vals[2] = ends;
	vals[3] = reason;
	vals[4] = ctx->user.id;
	vals[5] = ctx->ip;
	return (g2b_query(ctx, sanction_added,
	    "WITH s AS (INSERT INTO bidding.sanction (org_id, starts, ends, "
	    "reason, created_by) SELECT id, $2::date, $3::date, $4, $5 "
	    "FROM portal.org WHERE bizno = $1 AND kind = 'supplier' "
	    "RETURNING id, org_id), a AS (INSERT INTO portal.audit (actor, "
	    "org_id, event, ip, detail) SELECT $5, org_id, 'sanction.add', "
	    "$6, jsonb_build_object('sanction', id, 'starts', $2::text, "
	    "'ends', $3::text, 'reason', $4::text) FROM s) "
	    "SELECT count(*) FROM s", 6, vals));
}

static int
sanction_added(struct g2b_ctx *ctx)
{
	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 503));
	if (strcmp(g2b_val(ctx, 0, 0), "1") != 0) {
		g2b_field_error(ctx, "bizno", "err.bizno_unknown");
		return (sanctions_get(ctx));
	}
	return (g2b_redirect(ctx, "/admin/sanctions?ok=sanctioned"));
}

int
page_admin_sanction_lift(struct http_request *req)
{
	return (g2b_run(req, &route_lift));
}

static int
lift_post(struct g2b_ctx *ctx)
{
	char		 id[24];
	const char	*vals[3];

	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (g2b_error(ctx, 404));
	vals[0] = id;
	vals[1] = ctx->user.id;
	vals[2] = ctx->ip;
	return (g2b_query(ctx, lift_done,
	    "WITH s AS (UPDATE bidding.sanction SET lifted_at = now(), "
	    "lifted_by = $2 WHERE id = $1 AND lifted_at IS NULL "
	    "RETURNING id, org_id), a AS (INSERT INTO portal.audit (actor, "
	    "org_id, event, ip, detail) SELECT $2, org_id, 'sanction.lift', "
	    "$3, jsonb_build_object('sanction', id) FROM s) "
	    "SELECT count(*) FROM s", 3, vals));
}

static int
lift_done(struct g2b_ctx *ctx)
{
	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 503));
	return (g2b_redirect(ctx, "/admin/sanctions?ok=lifted"));
}
