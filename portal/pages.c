/*
 * pages: public platform pages: home, health, static files, language
 * switch, notifications inbox and the catch-all 404.
 */
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "validate.h"
#include "capture.h"
#include "web.h"

int	page_home(struct http_request *);
int	page_health(struct http_request *);
int	page_live(struct http_request *);
int	page_static(struct http_request *);
int	page_lang(struct http_request *);
int	page_notfound(struct http_request *);
int	page_notifications(struct http_request *);

static int	home_get(struct g2b_ctx *);
static int	home_done(struct g2b_ctx *);
static int	health_get(struct g2b_ctx *);
static int	health_done(struct g2b_ctx *);
static int	lang_get(struct g2b_ctx *);
static int	notfound_get(struct g2b_ctx *);
static int	notif_get(struct g2b_ctx *);
static int	notif_list(struct g2b_ctx *);
static int	notif_post(struct g2b_ctx *);
static int	notif_marked(struct g2b_ctx *);

static const struct g2b_route route_home =
    { "home", ROLE_ANY, 0, home_get, NULL };
static const struct g2b_route route_health =
    { "health", ROLE_ANY, 0, health_get, NULL };
static const struct g2b_route route_lang =
    { "lang", ROLE_ANY, 0, lang_get, NULL };
static const struct g2b_route route_notfound =
    { "notfound", ROLE_ANY, 0, notfound_get, notfound_get };
static const struct g2b_route route_notif =
    { "notifications", ROLE_USER, 0, notif_get, notif_post };

/* Agencies and recent registrations, in one round trip (portal/sql/005). */
static const char *const home_sql =
    "SELECT part, name, kind, region, day FROM portal.home_summary()";

int
page_home(struct http_request *req)
{
	return (g2b_run(req, &route_home));
}

static int
home_get(struct g2b_ctx *ctx)
{
	return (g2b_query(ctx, home_done, home_sql, 0, NULL));
}

static int
home_done(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*row;
	const char		*t;
	char			 key[48];
	int			 i;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	for (i = 0; i < g2b_rows(ctx); i++) {
		t = g2b_val(ctx, i, 0);
		if (*t == 'c') {
			tmpl_set(ctx->vars, "n_agencies", g2b_val(ctx, i, 1));
			tmpl_set(ctx->vars, "n_suppliers", g2b_val(ctx, i, 2));
			continue;
		}
		row = tmpl_row(ctx->vars, *t == 'a' ? "agencies" :
		    "suppliers");
		tmpl_set(row, "name", g2b_val(ctx, i, 1));
		snprintf(key, sizeof(key), "%s.%s",
		    *t == 'a' ? "agency_kind" : "biz_type", g2b_val(ctx, i, 2));
		tmpl_set(row, "kind", g2b_msg(ctx, key));
		snprintf(key, sizeof(key), "region.%s", g2b_val(ctx, i, 3));
		tmpl_set(row, "region", g2b_msg(ctx, key));
		tmpl_set(row, "date", g2b_val(ctx, i, 4));
	}
	return (g2b_render(ctx, 200, "home", "home.title"));
}

int
page_health(struct http_request *req)
{
	return (g2b_run(req, &route_health));
}

static int
health_get(struct g2b_ctx *ctx)
{
	return (g2b_query(ctx, health_done,
	    "SELECT count(*) FROM public.schema_migrations", 0, NULL));
}

static int
health_done(struct g2b_ctx *ctx)
{
	struct strbuf	b;
	int		ok;

	ok = !ctx->db_error && g2b_rows(ctx) == 1;
	strbuf_init(&b);
	strbuf_appendf(&b, "{\"status\":\"%s\",\"database\":\"%s\"",
	    ok ? "ok" : "error", ok ? "ok" : "unreachable");
	if (ok)
		strbuf_appendf(&b, ",\"migrations\":%s", g2b_val(ctx, 0, 0));
	strbuf_appendstr(&b, "}\n");
	g2b_json(ctx, ok ? 200 : 503, &b);
	strbuf_cleanup(&b);
	return (STEP_DONE);
}

/* Liveness without the database: also the trivial-handler baseline. */
int
page_live(struct http_request *req)
{
	g2b_headers(req, "application/json");
	http_response_header(req, "cache-control", "no-store");
	http_response(req, 200, "{\"status\":\"ok\"}\n", 16);
	capture_request(req, NULL, "live", 16);
	return (KORE_RESULT_OK);
}

int
page_static(struct http_request *req)
{
	const char	*data, *ctype, *etag, *inm, *name;
	size_t		 len;

	name = strrchr(req->path, '/') + 1;
	if (resources_static(name, &data, &len, &ctype, &etag) == -1)
		return (g2b_run(req, &route_notfound));
	g2b_headers(req, ctype);
	http_response_header(req, "etag", etag);
	http_response_header(req, "cache-control", "public, max-age=3600");
	inm = NULL;
	if (http_request_header(req, "if-none-match", &inm) &&
	    !strcmp(inm, etag)) {
		http_response(req, 304, NULL, 0);
		capture_request(req, NULL, "static", 0);
		return (KORE_RESULT_OK);
	}
	http_response(req, 200, data, len);
	capture_request(req, NULL, "static", len);
	return (KORE_RESULT_OK);
}

int
page_lang(struct http_request *req)
{
	return (g2b_run(req, &route_lang));
}

/* Only local paths are followed, so the switch is no open redirect. */
static int
lang_get(struct g2b_ctx *ctx)
{
	const char	*to, *next;
	char		 cookie[128];

	to = g2b_get(ctx, "to");
	next = g2b_get(ctx, "next");
	if (to == NULL || (strcmp(to, "ko") && strcmp(to, "en")))
		to = "ko";
	if (!valid_local_path(next))
		next = "/";
	snprintf(cookie, sizeof(cookie), "g2b_lang=%s; Path=/; "
	    "Max-Age=31536000; SameSite=Lax%s", to,
	    g2b_conf.secure_cookies ? "; Secure" : "");
	http_response_header(ctx->req, "set-cookie", cookie);
	return (g2b_redirect(ctx, next));
}

int
page_notfound(struct http_request *req)
{
	return (g2b_run(req, &route_notfound));
}

static int
notfound_get(struct g2b_ctx *ctx)
{
	return (g2b_error(ctx, 404));
}

int
page_notifications(struct http_request *req)
{
	return (g2b_run(req, &route_notif));
}

static int
notif_get(struct g2b_ctx *ctx)
{
	const char	*vals[1] = { ctx->user.id };

	return (g2b_query(ctx, notif_list,
	    "SELECT id, msg_key, array_to_json(args)::text, link, "
	    "to_char(created_at AT TIME ZONE 'Asia/Seoul', "
	    "'YYYY-MM-DD HH24:MI'), read_at IS NULL "
	    "FROM portal.notification WHERE user_id = $1 "
	    "ORDER BY created_at DESC, id DESC LIMIT 100", 1, vals));
}

/* Arguments come back as a JSON array of strings; split it safely. */
static size_t
json_args(const char *json, char **out, size_t max)
{
	struct strbuf	 cur;
	const char	*p;
	size_t		 n;
	int		 in;

	n = 0;
	in = 0;
	strbuf_init(&cur);
	for (p = json; *p != '\0' && n < max; p++) {
		if (!in) {
			if (*p == '"') {
				in = 1;
				strbuf_reset(&cur);
			}
			continue;
		}
		if (*p == '\\' && p[1] != '\0') {
			p++;
			if (*p == 'n')
				strbuf_append(&cur, "\n", 1);
			else if (*p == 't')
				strbuf_append(&cur, "\t", 1);
			else if (*p == 'u')
				p += (strlen(p) >= 5) ? 4 : strlen(p) - 1;
			else
				strbuf_append(&cur, p, 1);
			continue;
		}
		if (*p == '"') {
			in = 0;
			out[n++] = strbuf_steal(&cur, NULL);
			continue;
		}
		strbuf_append(&cur, p, 1);
	}
	strbuf_cleanup(&cur);
	return (n);
}

static int
notif_list(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*row;
	struct strbuf		 text;
	char			*args[8];
	size_t			 nargs, k;
	int			 i;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	strbuf_init(&text);
	for (i = 0; i < g2b_rows(ctx); i++) {
		row = tmpl_row(ctx->vars, "items");
		tmpl_set(row, "id", g2b_val(ctx, i, 0));
		nargs = json_args(g2b_val(ctx, i, 2), args, 8);
		strbuf_reset(&text);
		i18n_format(&text, g2b_msg(ctx, g2b_val(ctx, i, 1)),
		    (const char *const *)args, nargs);
		for (k = 0; k < nargs; k++)
			free(args[k]);
		tmpl_set(row, "text", text.data);
		tmpl_set(row, "link", g2b_val(ctx, i, 3));
		tmpl_set(row, "at", g2b_val(ctx, i, 4));
		tmpl_set(row, "unread", !strcmp(g2b_val(ctx, i, 5), "t") ?
		    "1" : "0");
		if (!strcmp(g2b_val(ctx, i, 5), "t"))
			tmpl_set(ctx->vars, "has_unread", "1");
	}
	strbuf_cleanup(&text);
	if (g2b_rows(ctx) == 0)
		tmpl_set(ctx->vars, "empty", "1");
	return (g2b_render(ctx, 200, "notifications", "notif.title"));
}

static int
notif_post(struct g2b_ctx *ctx)
{
	const char	*id, *vals[2];

	id = g2b_post(ctx, "id");
	vals[0] = ctx->user.id;
	if (id != NULL && !valid_id(id))
		return (g2b_error(ctx, 400));
	if (id != NULL) {
		vals[1] = id;
		return (g2b_query(ctx, notif_marked,
		    "UPDATE portal.notification SET read_at = now() "
		    "WHERE user_id = $1 AND id = $2 AND read_at IS NULL",
		    2, vals));
	}
	return (g2b_query(ctx, notif_marked,
	    "UPDATE portal.notification SET read_at = now() "
	    "WHERE user_id = $1 AND read_at IS NULL", 1, vals));
}

static int
notif_marked(struct g2b_ctx *ctx)
{
	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	return (g2b_redirect(ctx, "/notifications"));
}
