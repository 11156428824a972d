/*
 * account: log in and out, the account page with the organisation's review
 * status, password change, and a supplier's profile editing.
 */
#include <stdlib.h>
#include <string.h>

#include "orgform.h"
#include "validate.h"

int	page_login(struct http_request *);
int	page_logout(struct http_request *);
int	page_account(struct http_request *);
int	page_password(struct http_request *);
int	page_account_org(struct http_request *);

static int	login_get(struct g2b_ctx *);
static int	login_post(struct g2b_ctx *);
static int	login_user(struct g2b_ctx *);
static int	login_unknown(struct g2b_ctx *);
static int	login_finished(struct g2b_ctx *);
static int	login_form(struct g2b_ctx *, int, const char *);
static int	logout_post(struct g2b_ctx *);
static int	logout_done(struct g2b_ctx *);
static int	account_get(struct g2b_ctx *);
static int	account_loaded(struct g2b_ctx *);
static int	password_get(struct g2b_ctx *);
static int	password_post(struct g2b_ctx *);
static int	password_loaded(struct g2b_ctx *);
static int	password_done(struct g2b_ctx *);
static int	org_get(struct g2b_ctx *);
static int	org_loaded(struct g2b_ctx *);
static int	org_post(struct g2b_ctx *);
static int	org_checked(struct g2b_ctx *);
static int	org_saved(struct g2b_ctx *);
static const char *safe_next(const char *);

static const struct g2b_route route_login =
    { "login", ROLE_ANY, 0, login_get, login_post };
static const struct g2b_route route_logout =
    { "logout", ROLE_ANY, 0, NULL, logout_post };
static const struct g2b_route route_account =
    { "account", ROLE_USER, 0, account_get, NULL };
static const struct g2b_route route_password =
    { "password", ROLE_USER, 0, password_get, password_post };
static const struct g2b_route route_org =
    { "account_org", ROLE_SUPPLIER, 0, org_get, org_post };

/* Same cost as a real check, so unknown logins are not told apart by time. */
static const char *const dummy_hash = "scrypt$32768$8$1$"
    "AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

static const char *
safe_next(const char *next)
{
	if (!valid_local_path(next))
		return ("/account");
	return (next);
}

int
page_login(struct http_request *req)
{
	return (g2b_run(req, &route_login));
}

static int
login_form(struct g2b_ctx *ctx, int status, const char *err)
{
	const char	*v;

	if (err != NULL)
		tmpl_set(ctx->vars, "login_error", g2b_msg(ctx, err));
	if ((v = g2b_post(ctx, "login")) != NULL)
		tmpl_set(ctx->vars, "f_login", v);
	v = g2b_post(ctx, "next");
	if (v == NULL)
		v = g2b_get(ctx, "next");
	tmpl_set(ctx->vars, "next", safe_next(v));
	if (g2b_get(ctx, "registered") != NULL)
		tmpl_set(ctx->vars, "registered", "1");
	return (g2b_render(ctx, status, "login", "login.title"));
}

static int
login_get(struct g2b_ctx *ctx)
{
	if (ctx->logged_in)
		return (g2b_redirect(ctx, "/account"));
	return (login_form(ctx, 200, NULL));
}

static int
login_post(struct g2b_ctx *ctx)
{
	const char	*login, *pw, *vals[1];

	login = g2b_post(ctx, "login");
	pw = g2b_post(ctx, "password");
	if (login == NULL || *login == '\0' || pw == NULL || *pw == '\0')
		return (login_form(ctx, 400, "login.missing"));
	if (!valid_text(login, 1, 64) || strlen(pw) > 128)
		return (login_form(ctx, 400, "login.failed"));
	vals[0] = login;
	return (g2b_query(ctx, login_user,
	    "SELECT id, pwhash, coalesce(locked_until > now(), false) "
	    "FROM portal.users WHERE login = $1 AND active", 1, vals));
}

static int
login_user(struct g2b_ctx *ctx)
{
	const char	*pw, *vals[5];
	char		 token[TOKEN_LEN + 1], hex[TOKEN_HASH_LEN * 2 + 4];
	char		 idle[16];
	unsigned char	 h[TOKEN_HASH_LEN];
	int		 ok;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	pw = g2b_post(ctx, "password");
	if (g2b_rows(ctx) != 1) {
		(void)pw_verify(pw, dummy_hash);
		vals[0] = ctx->ip;
		vals[1] = g2b_post(ctx, "login");
		return (g2b_query(ctx, login_unknown,
		    "INSERT INTO portal.audit (event, ip, detail) VALUES "
		    "('login.unknown', $1::inet, jsonb_build_object('login', "
		    "$2::text))", 2, vals));
	}
	/* A locked account is not even checked; login_finish says so. */
	ok = 0;
	if (strcmp(g2b_val(ctx, 0, 2), "t") != 0)
		ok = pw_verify(pw, g2b_val(ctx, 0, 1));
	if (token_new(token) == -1)
		return (g2b_error(ctx, 500));
	token_hash(token, h);
	hex[0] = '\\';
	hex[1] = 'x';
	hex_encode(h, sizeof(h), hex + 2);
	g2b_keep(ctx, 0, token);
	secure_wipe(token, sizeof(token));
	snprintf(idle, sizeof(idle), "%d", g2b_conf.idle_minutes);
	vals[0] = g2b_val(ctx, 0, 0);
	vals[1] = ok ? "t" : "f";
	vals[2] = hex;
	vals[3] = idle;
	vals[4] = ctx->ip;
	return (g2b_query(ctx, login_finished,
	    "SELECT portal.login_finish($1, $2::boolean, $3::bytea, "
	    "make_interval(mins => $4::int), $5::inet)", 5, vals));
}

static int
login_unknown(struct g2b_ctx *ctx)
{
	return (login_form(ctx, 401, "login.failed"));
}

static int
login_finished(struct g2b_ctx *ctx)
{
	const char	*r;
	char		 cookie[160];

	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 503));
	r = g2b_val(ctx, 0, 0);
	if (!strcmp(r, "locked"))
		return (login_form(ctx, 429, "login.locked"));
	if (strcmp(r, "ok") != 0)
		return (login_form(ctx, 401, "login.failed"));
	snprintf(cookie, sizeof(cookie), "g2b_sid=%s; Path=/; HttpOnly; "
	    "SameSite=Lax%s", ctx->s[0],
	    g2b_conf.secure_cookies ? "; Secure" : "");
	http_response_header(ctx->req, "set-cookie", cookie);
	secure_wipe(cookie, sizeof(cookie));
	secure_wipe(ctx->s[0], strlen(ctx->s[0]));
	return (g2b_redirect(ctx, safe_next(g2b_post(ctx, "next"))));
}

int
page_logout(struct http_request *req)
{
	return (g2b_run(req, &route_logout));
}

static int
logout_post(struct g2b_ctx *ctx)
{
	const char	*vals[2];

	if (!ctx->logged_in)
		return (g2b_redirect(ctx, "/"));
	vals[0] = ctx->sid_hash_hex;
	vals[1] = ctx->ip;
	return (g2b_query(ctx, logout_done,
	    "WITH d AS (DELETE FROM portal.session WHERE token_hash = "
	    "$1::bytea RETURNING user_id) INSERT INTO portal.audit (actor, "
	    "event, ip) SELECT user_id, 'logout', $2::inet FROM d", 2, vals));
}

static int
logout_done(struct g2b_ctx *ctx)
{
	http_response_header(ctx->req, "set-cookie",
	    "g2b_sid=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
	return (g2b_redirect(ctx, "/"));
}

int
page_account(struct http_request *req)
{
	return (g2b_run(req, &route_account));
}

static int
account_get(struct g2b_ctx *ctx)
{
	const char	*vals[1] = { ctx->user.id };

	return (g2b_query(ctx, account_loaded,
	    "SELECT u.login, u.name, u.email, u.role, o.kind, o.status, "
	    "o.name, o.bizno, o.agency_code, o.review_reason, o.region, "
	    "to_char(o.reviewed_at AT TIME ZONE 'Asia/Seoul', "
	    "'YYYY-MM-DD HH24:MI') FROM portal.users u "
	    "LEFT JOIN portal.org o ON o.id = u.org_id WHERE u.id = $1",
	    1, vals));
}

static int
account_loaded(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*v = ctx->vars;
	char			 key[48], fmt[16];

	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 503));
	tmpl_set(v, "a_login", g2b_val(ctx, 0, 0));
	tmpl_set(v, "a_name", g2b_val(ctx, 0, 1));
	tmpl_set(v, "a_email", g2b_val(ctx, 0, 2));
	if (!g2b_isnull(ctx, 0, 4)) {
		tmpl_set(v, "has_org", "1");
		tmpl_set(v, "o_name", g2b_val(ctx, 0, 6));
		snprintf(key, sizeof(key), "status.%s", g2b_val(ctx, 0, 5));
		tmpl_set(v, "o_status_label", g2b_msg(ctx, key));
		tmpl_set(v, "o_status", g2b_val(ctx, 0, 5));
		snprintf(key, sizeof(key), "status.%s.help",
		    g2b_val(ctx, 0, 5));
		tmpl_set(v, "o_status_help", g2b_msg(ctx, key));
		tmpl_set(v, "o_reason", g2b_val(ctx, 0, 9));
		tmpl_set(v, "o_reviewed", g2b_val(ctx, 0, 11));
		if (!g2b_isnull(ctx, 0, 7)) {
			bizno_format(g2b_val(ctx, 0, 7), fmt);
			tmpl_set(v, "o_bizno", fmt);
		}
		tmpl_set(v, "o_agency_code", g2b_val(ctx, 0, 8));
		snprintf(key, sizeof(key), "region.%s", g2b_val(ctx, 0, 10));
		tmpl_set(v, "o_region", g2b_msg(ctx, key));
	}
	g2b_flash(ctx);
	return (g2b_render(ctx, 200, "account", "account.title"));
}

int
page_password(struct http_request *req)
{
	return (g2b_run(req, &route_password));
}

static int
password_get(struct g2b_ctx *ctx)
{
	return (g2b_render(ctx, 200, "password", "password.title"));
}

static int
password_post(struct g2b_ctx *ctx)
{
	const char	*cur, *pw, *pw2, *vals[1];

	cur = g2b_post(ctx, "current");
	pw = g2b_post(ctx, "password");
	pw2 = g2b_post(ctx, "password2");
	if (cur == NULL || *cur == '\0')
		g2b_field_error(ctx, "current", "err.required");
	if (pw == NULL || *pw == '\0')
		g2b_field_error(ctx, "password", "err.required");
	else if (!valid_password(pw, ctx->user.login))
		g2b_field_error(ctx, "password", "err.password");
	else if (pw2 == NULL || strcmp(pw, pw2))
		g2b_field_error(ctx, "password2", "err.password2");
	else if (cur != NULL && !strcmp(cur, pw))
		g2b_field_error(ctx, "password", "err.password_same");
	if (ctx->invalid)
		return (g2b_render(ctx, 400, "password", "password.title"));
	vals[0] = ctx->user.id;
	return (g2b_query(ctx, password_loaded,
	    "SELECT pwhash FROM portal.users WHERE id = $1", 1, vals));
}

static int
password_loaded(struct g2b_ctx *ctx)
{
	const char	*vals[4];
	char		 hash[PW_HASH_MAX];

	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 503));
	if (!pw_verify(g2b_post(ctx, "current"), g2b_val(ctx, 0, 0))) {
		g2b_field_error(ctx, "current", "err.current_password");
		return (g2b_render(ctx, 400, "password", "password.title"));
	}
	if (pw_hash(g2b_post(ctx, "password"), hash, sizeof(hash)) == -1)
		return (g2b_error(ctx, 500));
	vals[0] = ctx->user.id;
	vals[1] = hash;
	vals[2] = ctx->sid_hash_hex;
	vals[3] = ctx->ip;
	g2b_query(ctx, password_done,
	    "SELECT portal.password_set($1, $2, $3::bytea, $4::inet)", 4, vals);
	secure_wipe(hash, sizeof(hash));
	return (STEP_WAIT);
}

static int
password_done(struct g2b_ctx *ctx)
{
	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	return (g2b_redirect(ctx, "/account?ok=password"));
}

int
page_account_org(struct http_request *req)
{
	return (g2b_run(req, &route_org));
}

static const char *const org_sql =
    "SELECT o.bizno, o.name, o.representative, o.address, o.region, "
    "o.biz_type, array_to_string(o.licences, E'\\n'), o.contact_name, "
    "o.email, o.phone, o.status, (SELECT string_agg(code, ',' ORDER BY code) "
    "FROM portal.org_category c WHERE c.org_id = o.id), o.size_class "
    "FROM portal.org o WHERE o.id = $1 AND o.kind = 'supplier'";

static void
org_vars(struct g2b_ctx *ctx)
{
	char	fmt[16];

	bizno_format(g2b_val(ctx, 0, 0), fmt);
	tmpl_set(ctx->vars, "f_bizno", fmt);
	tmpl_set(ctx->vars, "o_status", g2b_val(ctx, 0, 10));
}

static int
org_get(struct g2b_ctx *ctx)
{
	const char	*vals[1] = { ctx->user.org_id };

	return (g2b_query(ctx, org_loaded, org_sql, 1, vals));
}

static int
org_loaded(struct g2b_ctx *ctx)
{
	static const char *const names[] = { "f_bizno", "f_company",
	    "f_representative", "f_address", "f_region", "f_biz_type",
	    "f_licences", "f_contact", "f_email", "f_phone" };
	int		 i;

	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 503));
	for (i = 1; i < 10; i++)
		tmpl_set(ctx->vars, names[i], g2b_val(ctx, 0, i));
	if (!g2b_isnull(ctx, 0, 12))
		tmpl_set(ctx->vars, "f_size_class", g2b_val(ctx, 0, 12));
	org_vars(ctx);
	g2b_keep(ctx, 1, g2b_val(ctx, 0, 11));
	g2b_flash(ctx);
	return (orgform_render(ctx, 200, ORGFORM_EDIT));
}

static int
org_post(struct g2b_ctx *ctx)
{
	const char	*vals[1] = { ctx->user.org_id };

	return (g2b_query(ctx, org_checked, org_sql, 1, vals));
}

static int
org_checked(struct g2b_ctx *ctx)
{
	struct orgform	 f;
	const char	*bizno, *vals[15];
	char		 digits[11];

	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 503));
	orgform_keep(ctx);
	org_vars(ctx);
	/* The registration number is fixed: a change is refused, not ignored. */
	bizno = g2b_post(ctx, "bizno");
	if (bizno != NULL && (!bizno_normalize(bizno, digits) ||
	    strcmp(digits, g2b_val(ctx, 0, 0)) != 0)) {
		g2b_field_error(ctx, "bizno", "err.bizno_fixed");
		tmpl_set(ctx->vars, "form_error", "1");
		orgform_validate(ctx, &f, ORGFORM_EDIT);
		orgform_cleanup(&f);
		org_vars(ctx);
		return (orgform_render(ctx, 400, ORGFORM_EDIT));
	}
	if (!orgform_validate(ctx, &f, ORGFORM_EDIT)) {
		orgform_cleanup(&f);
		tmpl_set(ctx->vars, "form_error", "1");
		return (orgform_render(ctx, 400, ORGFORM_EDIT));
	}
	vals[0] = ctx->user.id;
	vals[1] = ctx->user.org_id;
	vals[2] = f.company;
	vals[3] = f.representative;
	vals[4] = f.address;
	vals[5] = f.region;
	vals[6] = f.biz_type;
	vals[7] = f.licences;
	vals[8] = f.contact;
	vals[9] = f.email;
	vals[10] = f.phone;
	vals[11] = f.categories;
	vals[12] = ctx->ip;
	/*
	 * The size: a class, or NULL for "not stated" (orgform_validate checks
	 * it as registration does). A form without the field leaves it alone.
	 */
	vals[13] = f.size_class;
	vals[14] = g2b_post(ctx, "size_class") != NULL ? "t" : "f";
	g2b_query(ctx, org_saved,
	    "SELECT portal.supplier_update($1, $2, $3, $4, $5, $6, $7, "
	    "$8::text[], $9, $10, $11, $12::text[], $13::inet, $14, "
	    "$15::boolean)", 15, vals);
	orgform_cleanup(&f);
	return (STEP_WAIT);
}

static int
org_saved(struct g2b_ctx *ctx)
{
	const char	*r;

	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 503));
	r = g2b_val(ctx, 0, 0);
	if (!strcmp(r, "bad_category")) {
		g2b_field_error(ctx, "categories", "err.categories");
		tmpl_set(ctx->vars, "form_error", "1");
		return (orgform_render(ctx, 400, ORGFORM_EDIT));
	}
	if (!strcmp(r, "bad_size")) {
		g2b_field_error(ctx, "size_class", "err.choose");
		tmpl_set(ctx->vars, "form_error", "1");
		return (orgform_render(ctx, 400, ORGFORM_EDIT));
	}
	if (!strcmp(r, "not_found"))
		return (g2b_error(ctx, 404));
	return (g2b_redirect(ctx, !strcmp(r, "unchanged") ?
	    "/account/org?ok=unchanged" : "/account/org?ok=saved"));
}
