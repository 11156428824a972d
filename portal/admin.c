/*
 * admin: procurement staff (조달청 담당자) pages: the supplier review queue,
 * agency registration and agency users, and the audit trail.
 */
#include <stdlib.h>
#include <string.h>

#include "validate.h"
#include "web.h"

int	page_admin(struct http_request *);
int	page_admin_suppliers(struct http_request *);
int	page_admin_supplier(struct http_request *);
int	page_admin_agencies(struct http_request *);
int	page_admin_agency(struct http_request *);
int	page_admin_audit(struct http_request *);

static int	dash_get(struct g2b_ctx *);
static int	dash_loaded(struct g2b_ctx *);
static int	suppliers_get(struct g2b_ctx *);
static int	suppliers_loaded(struct g2b_ctx *);
static int	supplier_get(struct g2b_ctx *);
static int	supplier_loaded(struct g2b_ctx *);
static int	supplier_history(struct g2b_ctx *);
static int	supplier_post(struct g2b_ctx *);
static int	supplier_reviewed(struct g2b_ctx *);
static int	agencies_get(struct g2b_ctx *);
static int	agencies_loaded(struct g2b_ctx *);
static int	agencies_post(struct g2b_ctx *);
static int	agencies_created(struct g2b_ctx *);
static int	agency_get(struct g2b_ctx *);
static int	agency_loaded(struct g2b_ctx *);
static int	agency_users(struct g2b_ctx *);
static int	agency_post(struct g2b_ctx *);
static int	agency_done(struct g2b_ctx *);
static int	audit_get(struct g2b_ctx *);
static int	audit_loaded(struct g2b_ctx *);

static const struct g2b_route route_dash =
    { "admin", ROLE_STAFF, 0, dash_get, NULL };
static const struct g2b_route route_suppliers =
    { "admin_suppliers", ROLE_STAFF, 0, suppliers_get, NULL };
static const struct g2b_route route_supplier =
    { "admin_supplier", ROLE_STAFF, 0, supplier_get, supplier_post };
static const struct g2b_route route_agencies =
    { "admin_agencies", ROLE_STAFF, 0, agencies_get, agencies_post };
static const struct g2b_route route_agency =
    { "admin_agency", ROLE_STAFF, 0, agency_get, agency_post };
static const struct g2b_route route_audit =
    { "admin_audit", ROLE_STAFF, 0, audit_get, NULL };

int
page_admin(struct http_request *req)
{
	return (g2b_run(req, &route_dash));
}

static int
dash_get(struct g2b_ctx *ctx)
{
	return (g2b_query(ctx, dash_loaded,
	    "SELECT (SELECT count(*) FROM portal.org WHERE kind = 'supplier' "
	    "AND status = 'pending'), (SELECT count(*) FROM portal.org WHERE "
	    "kind = 'supplier' AND status = 'approved'), (SELECT count(*) FROM "
	    "portal.org WHERE kind = 'supplier' AND status = 'rejected'), "
	    "(SELECT count(*) FROM portal.org WHERE kind = 'agency'), "
	    "(SELECT count(*) FROM portal.users WHERE active), "
	    "(SELECT count(*) FROM portal.audit WHERE event = 'login.failure' "
	    "AND at > now() - interval '1 day')", 0, NULL));
}

static int
dash_loaded(struct g2b_ctx *ctx)
{
	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 503));
	tmpl_set(ctx->vars, "n_pending", g2b_val(ctx, 0, 0));
	tmpl_set(ctx->vars, "n_approved", g2b_val(ctx, 0, 1));
	tmpl_set(ctx->vars, "n_rejected", g2b_val(ctx, 0, 2));
	tmpl_set(ctx->vars, "n_agencies", g2b_val(ctx, 0, 3));
	tmpl_set(ctx->vars, "n_users", g2b_val(ctx, 0, 4));
	tmpl_set(ctx->vars, "n_failures", g2b_val(ctx, 0, 5));
	return (g2b_render(ctx, 200, "admin", "admin.title"));
}

int
page_admin_suppliers(struct http_request *req)
{
	return (g2b_run(req, &route_suppliers));
}

static int
suppliers_get(struct g2b_ctx *ctx)
{
	const char	*status, *page, *vals[2];
	char		 off[24];
	long		 p;

	status = g2b_get(ctx, "status");
	if (status == NULL || (strcmp(status, "pending") &&
	    strcmp(status, "approved") && strcmp(status, "rejected")))
		status = "pending";
	page = g2b_get(ctx, "page");
	p = (page != NULL && valid_id(page)) ? strtol(page, NULL, 10) : 1;
	if (p > 100000)
		p = 100000;
	ctx->n[0] = p;
	g2b_keep(ctx, 0, status);
	snprintf(off, sizeof(off), "%ld", (p - 1) * 50);
	vals[0] = status;
	vals[1] = off;
	return (g2b_query(ctx, suppliers_loaded,
	    "SELECT id, name, bizno, region, biz_type, "
	    "to_char(created_at AT TIME ZONE 'Asia/Seoul', "
	    "'YYYY-MM-DD HH24:MI'), count(*) OVER () FROM portal.org "
	    "WHERE kind = 'supplier' AND status = $1 "
	    "ORDER BY created_at, id LIMIT 51 OFFSET $2::int", 2, vals));
}

static int
suppliers_loaded(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*row;
	char			 fmt[16];
	int			 i, n;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	n = g2b_rows(ctx);
	for (i = 0; i < n && i < 50; i++) {
		row = tmpl_row(ctx->vars, "rows");
		tmpl_set(row, "id", g2b_val(ctx, i, 0));
		tmpl_set(row, "name", g2b_val(ctx, i, 1));
		bizno_format(g2b_val(ctx, i, 2), fmt);
		tmpl_set(row, "bizno", fmt);
		g2b_label(ctx, row, "region", "region", g2b_val(ctx, i, 3));
		g2b_label(ctx, row, "biz_type", "biz_type", g2b_val(ctx, i, 4));
		tmpl_set(row, "created", g2b_val(ctx, i, 5));
	}
	if (n == 0)
		tmpl_set(ctx->vars, "empty", "1");
	tmpl_set(ctx->vars, "status", ctx->s[0]);
	tmpl_set(ctx->vars, ctx->s[0][0] == 'p' ? "tab_pending" :
	    ctx->s[0][0] == 'a' ? "tab_approved" : "tab_rejected", "1");
	if (ctx->n[0] > 1)
		tmpl_setf(ctx->vars, "prev_page", "%lld", ctx->n[0] - 1);
	if (n > 50)
		tmpl_setf(ctx->vars, "next_page", "%lld", ctx->n[0] + 1);
	g2b_flash(ctx);
	return (g2b_render(ctx, 200, "admin_suppliers", "admin.suppliers"));
}

int
page_admin_supplier(struct http_request *req)
{
	return (g2b_run(req, &route_supplier));
}

static int
supplier_get(struct g2b_ctx *ctx)
{
	char		 id[24];
	const char	*vals[2];

	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (g2b_error(ctx, 404));
	g2b_keep(ctx, 0, id);
	vals[0] = id;
	vals[1] = ctx->lang == LANG_EN ? "en" : "ko";
	return (g2b_query(ctx, supplier_loaded,
	    "SELECT o.id, o.name, o.bizno, o.representative, o.address, "
	    "o.region, o.biz_type, array_to_string(o.licences, ', '), "
	    "o.contact_name, o.email, o.phone, o.status, o.review_reason, "
	    "to_char(o.created_at AT TIME ZONE 'Asia/Seoul', "
	    "'YYYY-MM-DD HH24:MI'), (SELECT string_agg(c.code || ' ' || "
	    "CASE WHEN $2 = 'en' THEN c.name_en ELSE c.name_ko END, E'\\n' "
	    "ORDER BY c.code) FROM portal.org_category oc JOIN "
	    "portal.category c ON c.code = oc.code WHERE oc.org_id = o.id), "
	    "(SELECT login FROM portal.users u WHERE u.org_id = o.id "
	    "ORDER BY id LIMIT 1) FROM portal.org o WHERE o.id = $1 "
	    "AND o.kind = 'supplier'", 2, vals));
}

static int
supplier_loaded(struct g2b_ctx *ctx)
{
	static const char *const names[] = { "id", "name", "bizno",
	    "representative", "address", "region", "biz_type", "licences",
	    "contact", "email", "phone", "status", "reason", "created",
	    "categories", "login" };
	struct tmpl_vars	*v = ctx->vars, *row;
	char			 fmt[16], *copy, *line, *save;
	const char		*vals[1];
	int			 i;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	if (g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 404));
	for (i = 0; i < 16; i++) {
		char name[32];
		snprintf(name, sizeof(name), "s_%s", names[i]);
		tmpl_set(v, name, g2b_val(ctx, 0, i));
	}
	bizno_format(g2b_val(ctx, 0, 2), fmt);
	tmpl_set(v, "s_bizno", fmt);
	g2b_label(ctx, v, "s_region", "region", g2b_val(ctx, 0, 5));
	g2b_label(ctx, v, "s_biz_type", "biz_type", g2b_val(ctx, 0, 6));
	g2b_label(ctx, v, "s_status_label", "status", g2b_val(ctx, 0, 11));
	if (!strcmp(g2b_val(ctx, 0, 11), "pending"))
		tmpl_set(v, "can_review", "1");
	if ((copy = strdup(g2b_val(ctx, 0, 14))) == NULL)
		fatal("strdup");
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		row = tmpl_row(v, "cats");
		tmpl_set(row, "text", line);
	}
	free(copy);
	g2b_flash(ctx);
	vals[0] = ctx->s[0];
	return (g2b_query(ctx, supplier_history,
	    "SELECT to_char(a.at AT TIME ZONE 'Asia/Seoul', "
	    "'YYYY-MM-DD HH24:MI:SS'), a.event, coalesce(u.login, ''), "
	    "portal.audit_text(a.detail) FROM portal.audit a LEFT JOIN portal.users u "
	    "ON u.id = a.actor WHERE a.org_id = $1 ORDER BY a.at DESC, a.id "
	    "DESC LIMIT 50", 1, vals));
}

static int
supplier_history(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*row;
	int			 i;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	for (i = 0; i < g2b_rows(ctx); i++) {
		row = tmpl_row(ctx->vars, "history");
		tmpl_set(row, "at", g2b_val(ctx, i, 0));
		g2b_label(ctx, row, "event", "event", g2b_val(ctx, i, 1));
		tmpl_set(row, "actor", g2b_val(ctx, i, 2));
		tmpl_set(row, "detail", g2b_val(ctx, i, 3));
	}
	return (g2b_render(ctx, ctx->invalid ? 400 : 200, "admin_supplier",
	    "admin.supplier"));
}

static int
supplier_post(struct g2b_ctx *ctx)
{
	char		 id[24];
	const char	*action, *reason, *vals[5];

	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (g2b_error(ctx, 404));
	action = g2b_post(ctx, "action");
	reason = g2b_post(ctx, "reason");
	if (reason == NULL)
		reason = "";
	if (action == NULL || (strcmp(action, "approve") &&
	    strcmp(action, "reject")))
		return (g2b_error(ctx, 400));
	if (!valid_multiline(reason, 0, 500))
		g2b_field_error(ctx, "reason", "err.text_0_500");
	else if (!strcmp(action, "reject") && !valid_reason(reason, 5, 500))
		g2b_field_error(ctx, "reason", "err.reason_required");
	if (ctx->invalid) {
		tmpl_set(ctx->vars, "f_reason", reason);
		return (supplier_get(ctx));
	}
	g2b_keep(ctx, 0, id);
	vals[0] = ctx->user.id;
	vals[1] = id;
	vals[2] = !strcmp(action, "approve") ? "t" : "f";
	vals[3] = reason;
	vals[4] = ctx->ip;
	return (g2b_query(ctx, supplier_reviewed,
	    "SELECT portal.supplier_review($1, $2, $3::boolean, $4, $5::inet)",
	    5, vals));
}

static int
supplier_reviewed(struct g2b_ctx *ctx)
{
	char		 url[64];
	const char	*r;

	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 503));
	r = g2b_val(ctx, 0, 0);
	if (!strcmp(r, "not_found"))
		return (g2b_error(ctx, 404));
	snprintf(url, sizeof(url), "/admin/suppliers/%s?ok=%s", ctx->s[0],
	    !strcmp(r, "ok") ? "reviewed" : "not_pending");
	return (g2b_redirect(ctx, url));
}

int
page_admin_agencies(struct http_request *req)
{
	return (g2b_run(req, &route_agencies));
}

static int
agencies_get(struct g2b_ctx *ctx)
{
	return (g2b_query(ctx, agencies_loaded,
	    "SELECT o.id, o.agency_code, o.name, o.agency_kind, o.region, "
	    "(SELECT count(*) FROM portal.users u WHERE u.org_id = o.id) "
	    "FROM portal.org o WHERE o.kind = 'agency' ORDER BY o.name "
	    "LIMIT 500", 0, NULL));
}

static int
agencies_loaded(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*row;
	int			 i;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	for (i = 0; i < g2b_rows(ctx); i++) {
		row = tmpl_row(ctx->vars, "rows");
		tmpl_set(row, "id", g2b_val(ctx, i, 0));
		tmpl_set(row, "code", g2b_val(ctx, i, 1));
		tmpl_set(row, "name", g2b_val(ctx, i, 2));
		g2b_label(ctx, row, "kind", "agency_kind", g2b_val(ctx, i, 3));
		g2b_label(ctx, row, "region", "region", g2b_val(ctx, i, 4));
		tmpl_set(row, "users", g2b_val(ctx, i, 5));
	}
	g2b_options(ctx, "regions", "region", region_codes,
	    ctx->req->method == HTTP_METHOD_POST ? g2b_post(ctx, "region") :
	    NULL);
	g2b_options(ctx, "kinds", "agency_kind", agency_kinds,
	    ctx->req->method == HTTP_METHOD_POST ? g2b_post(ctx, "kind") :
	    NULL);
	g2b_flash(ctx);
	return (g2b_render(ctx, ctx->invalid ? 400 : 200, "admin_agencies",
	    "admin.agencies"));
}

static int
agencies_post(struct g2b_ctx *ctx)
{
	const char	*code, *name, *kind, *region, *address, *vals[7];

	code = g2b_post(ctx, "code");
	name = g2b_post(ctx, "name");
	kind = g2b_post(ctx, "kind");
	region = g2b_post(ctx, "region");
	address = g2b_post(ctx, "address");
	if (address == NULL)
		address = "";
	if (!valid_agency_code(code))
		g2b_field_error(ctx, "code", "err.agency_code");
	if (name == NULL || *name == '\0')
		g2b_field_error(ctx, "name", "err.required");
	else if (!valid_text(name, 2, 100))
		g2b_field_error(ctx, "name", "err.text_2_100");
	if (!valid_agency_kind(kind))
		g2b_field_error(ctx, "kind", "err.choose");
	if (!valid_region(region))
		g2b_field_error(ctx, "region", "err.choose");
	if (*address != '\0' && !valid_text(address, 5, 200))
		g2b_field_error(ctx, "address", "err.text_5_200");
	tmpl_set(ctx->vars, "f_code", code);
	tmpl_set(ctx->vars, "f_name", name);
	tmpl_set(ctx->vars, "f_address", address);
	if (ctx->invalid) {
		tmpl_set(ctx->vars, "form_error", "1");
		return (agencies_get(ctx));
	}
	vals[0] = ctx->user.id;
	vals[1] = code;
	vals[2] = name;
	vals[3] = kind;
	vals[4] = region;
	vals[5] = address;
	vals[6] = ctx->ip;
	return (g2b_query(ctx, agencies_created,
	    "SELECT status, org_id FROM portal.agency_create($1, $2, $3, $4, "
	    "$5, $6, $7::inet)", 7, vals));
}

static int
agencies_created(struct g2b_ctx *ctx)
{
	char	url[64];

	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 503));
	if (strcmp(g2b_val(ctx, 0, 0), "ok") != 0) {
		g2b_field_error(ctx, "code", "err.agency_code_taken");
		tmpl_set(ctx->vars, "form_error", "1");
		return (agencies_get(ctx));
	}
	snprintf(url, sizeof(url), "/admin/agencies/%s?ok=agency_created",
	    g2b_val(ctx, 0, 1));
	return (g2b_redirect(ctx, url));
}

int
page_admin_agency(struct http_request *req)
{
	return (g2b_run(req, &route_agency));
}

static int
agency_get(struct g2b_ctx *ctx)
{
	char		 id[24];
	const char	*vals[1];

	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (g2b_error(ctx, 404));
	g2b_keep(ctx, 0, id);
	vals[0] = id;
	return (g2b_query(ctx, agency_loaded,
	    "SELECT id, agency_code, name, agency_kind, region, address "
	    "FROM portal.org WHERE id = $1 AND kind = 'agency'", 1, vals));
}

static int
agency_loaded(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*v = ctx->vars;
	const char		*vals[1];

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	if (g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 404));
	tmpl_set(v, "a_id", g2b_val(ctx, 0, 0));
	tmpl_set(v, "a_code", g2b_val(ctx, 0, 1));
	tmpl_set(v, "a_name", g2b_val(ctx, 0, 2));
	g2b_label(ctx, v, "a_kind", "agency_kind", g2b_val(ctx, 0, 3));
	g2b_label(ctx, v, "a_region", "region", g2b_val(ctx, 0, 4));
	tmpl_set(v, "a_address", g2b_val(ctx, 0, 5));
	g2b_flash(ctx);
	vals[0] = ctx->s[0];
	return (g2b_query(ctx, agency_users,
	    "SELECT id, login, name, role, email, active FROM portal.users "
	    "WHERE org_id = $1 ORDER BY id", 1, vals));
}

static int
agency_users(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*row;
	const char		*role;
	int			 i;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	for (i = 0; i < g2b_rows(ctx); i++) {
		row = tmpl_row(ctx->vars, "users");
		tmpl_set(row, "uid", g2b_val(ctx, i, 0));
		tmpl_set(row, "login", g2b_val(ctx, i, 1));
		tmpl_set(row, "name", g2b_val(ctx, i, 2));
		role = g2b_val(ctx, i, 3);
		g2b_label(ctx, row, "role", "role", role);
		tmpl_set(row, "other_role", !strcmp(role, "officer") ?
		    "agency" : "officer");
		g2b_label(ctx, row, "other_role_label", "role",
		    !strcmp(role, "officer") ? "agency" : "officer");
		tmpl_set(row, "email", g2b_val(ctx, i, 4));
	}
	if (g2b_rows(ctx) == 0)
		tmpl_set(ctx->vars, "no_users", "1");
	return (g2b_render(ctx, ctx->invalid ? 400 : 200, "admin_agency",
	    "admin.agency"));
}

static int
agency_post(struct g2b_ctx *ctx)
{
	char		 id[24], hash[PW_HASH_MAX];
	const char	*action, *login, *name, *email, *phone, *role, *pw;
	const char	*uid, *vals[9];

	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (g2b_error(ctx, 404));
	g2b_keep(ctx, 0, id);
	action = g2b_post(ctx, "action");
	role = g2b_post(ctx, "role");
	if (role == NULL || (strcmp(role, "agency") && strcmp(role, "officer")))
		return (g2b_error(ctx, 400));
	if (action != NULL && !strcmp(action, "set_role")) {
		uid = g2b_post(ctx, "user_id");
		if (!valid_id(uid))
			return (g2b_error(ctx, 400));
		vals[0] = ctx->user.id;
		vals[1] = uid;
		vals[2] = role;
		vals[3] = ctx->ip;
		return (g2b_query(ctx, agency_done,
		    "SELECT portal.user_set_role($1, $2, $3, $4::inet)", 4,
		    vals));
	}
	if (action == NULL || strcmp(action, "add_user"))
		return (g2b_error(ctx, 400));
	login = g2b_post(ctx, "login");
	name = g2b_post(ctx, "name");
	email = g2b_post(ctx, "email");
	phone = g2b_post(ctx, "phone");
	pw = g2b_post(ctx, "password");
	if (!valid_login(login))
		g2b_field_error(ctx, "login", "err.login");
	if (name == NULL || !valid_text(name, 2, 50))
		g2b_field_error(ctx, "name", "err.text_2_50");
	if (!valid_email(email))
		g2b_field_error(ctx, "email", "err.email");
	if (phone != NULL && *phone != '\0' && !valid_phone(phone))
		g2b_field_error(ctx, "phone", "err.phone");
	if (!valid_password(pw, login))
		g2b_field_error(ctx, "password", "err.password");
	tmpl_set(ctx->vars, "f_login", login);
	tmpl_set(ctx->vars, "f_name", name);
	tmpl_set(ctx->vars, "f_email", email);
	tmpl_set(ctx->vars, "f_phone", phone);
	tmpl_set(ctx->vars, role[0] == 'o' ? "f_officer" : "f_agency", "1");
	if (ctx->invalid) {
		tmpl_set(ctx->vars, "form_error", "1");
		return (agency_get(ctx));
	}
	if (pw_hash(pw, hash, sizeof(hash)) == -1)
		return (g2b_error(ctx, 500));
	vals[0] = ctx->user.id;
	vals[1] = id;
	vals[2] = login;
	vals[3] = name;
	vals[4] = email;
	vals[5] = phone ? phone : "";
	vals[6] = role;
	vals[7] = hash;
	vals[8] = ctx->ip;
	g2b_query(ctx, agency_done,
	    "SELECT portal.agency_user_create($1, $2, $3, $4, $5, $6, $7, $8, "
	    "$9::inet)", 9, vals);
	secure_wipe(hash, sizeof(hash));
	return (STEP_WAIT);
}

static int
agency_done(struct g2b_ctx *ctx)
{
	char		 url[80];
	const char	*r;

	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 503));
	r = g2b_val(ctx, 0, 0);
	if (!strcmp(r, "dup_login")) {
		g2b_field_error(ctx, "login", "err.login_taken");
		tmpl_set(ctx->vars, "form_error", "1");
		return (agency_get(ctx));
	}
	if (!strcmp(r, "bad_org"))
		return (g2b_error(ctx, 404));
	if (!strcmp(r, "bad_role"))
		return (g2b_error(ctx, 400));
	snprintf(url, sizeof(url), "/admin/agencies/%s?ok=%s", ctx->s[0],
	    !strcmp(r, "unchanged") ? "unchanged" : "user_saved");
	return (g2b_redirect(ctx, url));
}

int
page_admin_audit(struct http_request *req)
{
	return (g2b_run(req, &route_audit));
}

static int
audit_get(struct g2b_ctx *ctx)
{
	const char	*before, *vals[1];

	before = g2b_get(ctx, "before");
	vals[0] = (before != NULL && valid_id(before)) ? before : NULL;
	return (g2b_query(ctx, audit_loaded,
	    "SELECT a.id, to_char(a.at AT TIME ZONE 'Asia/Seoul', "
	    "'YYYY-MM-DD HH24:MI:SS'), a.event, coalesce(u.login, ''), "
	    "coalesce(o.name, ''), coalesce(host(a.ip), ''), portal.audit_text(a.detail) "
	    "FROM portal.audit a LEFT JOIN portal.users u ON u.id = a.actor "
	    "LEFT JOIN portal.org o ON o.id = a.org_id "
	    "WHERE $1::bigint IS NULL OR a.id < $1::bigint "
	    "ORDER BY a.id DESC LIMIT 101", 1, vals));
}

static int
audit_loaded(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*row;
	int			 i, n;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	n = g2b_rows(ctx);
	for (i = 0; i < n && i < 100; i++) {
		row = tmpl_row(ctx->vars, "rows");
		tmpl_set(row, "at", g2b_val(ctx, i, 1));
		g2b_label(ctx, row, "event", "event", g2b_val(ctx, i, 2));
		tmpl_set(row, "code", g2b_val(ctx, i, 2));
		tmpl_set(row, "actor", g2b_val(ctx, i, 3));
		tmpl_set(row, "org", g2b_val(ctx, i, 4));
		tmpl_set(row, "ip", g2b_val(ctx, i, 5));
		tmpl_set(row, "detail", g2b_val(ctx, i, 6));
	}
	if (n > 100)
		tmpl_set(ctx->vars, "next_before", g2b_val(ctx, 99, 0));
	return (g2b_render(ctx, 200, "admin_audit", "admin.audit"));
}
