/*
 * ocds: the Open Contracting Data Standard (OCDS 1.1) release package feed
 * of published notices, amendments, cancellations, awards and contracts
 * (GET /api/ocds/releases), for open-data users. Public, read-only,
 * cursor-paginated; the releases are built by exchange.ocds_releases
 * (portal/sql/007_exchange.sql).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web.h"

int	page_ocds_releases(struct http_request *);

static int	ocds_get(struct g2b_ctx *);
static int	ocds_loaded(struct g2b_ctx *);

static const struct g2b_route route_ocds =
    { "ocds_releases", ROLE_ANY, 0, ocds_get, NULL };

#define OCDS_LIMIT_DEFAULT	100
#define OCDS_LIMIT_MAX		500

/* "<microseconds>.<kind>.<id>.<order>", each part digits. */
static int
cursor_ok(const char *s)
{
	int	parts = 1, digits = 0;

	if (strlen(s) > 64)
		return (0);
	for (; *s != '\0'; s++) {
		if (*s == '.') {
			if (digits == 0)
				return (0);
			parts++;
			digits = 0;
		} else if (isdigit((unsigned char)*s) && digits < 19) {
			digits++;
		} else {
			return (0);
		}
	}
	return (parts == 4 && digits > 0);
}

static int
ocds_get(struct g2b_ctx *ctx)
{
	const char	*cursor = g2b_get(ctx, "cursor");
	const char	*limit = g2b_get(ctx, "limit");
	const char	*vals[2];
	char		 lim[16], *end;
	long		 n = OCDS_LIMIT_DEFAULT;

	if (cursor != NULL && !cursor_ok(cursor))
		return (g2b_json_error(ctx, 400, "cursor"));
	if (limit != NULL) {
		n = strtol(limit, &end, 10);
		if (*limit == '\0' || *end != '\0' || n < 1 ||
		    n > OCDS_LIMIT_MAX)
			return (g2b_json_error(ctx, 400, "limit"));
	}
	snprintf(lim, sizeof(lim), "%ld", n);
	g2b_keep(ctx, 0, lim);
	vals[0] = cursor;
	vals[1] = lim;
	return (g2b_query(ctx, ocds_loaded,
	    "SELECT releases::text, next_cursor, "
	    "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
	    "FROM exchange.ocds_releases($1, $2::int)", 2, vals));
}

static void
self_url(struct g2b_ctx *ctx, struct strbuf *b, const char *cursor)
{
	const char	*host = NULL;

	(void)http_request_header(ctx->req, "host", &host);
	strbuf_appendf(b, "%s://", g2b_conf.secure_cookies ? "https" : "http");
	if (host != NULL)
		strbuf_append_json(b, host, strlen(host));
	strbuf_appendstr(b, "/api/ocds/releases?limit=");
	strbuf_appendstr(b, ctx->s[0]);
	if (cursor != NULL) {
		strbuf_appendstr(b, "&cursor=");
		strbuf_appendstr(b, cursor);
	}
}

static int
ocds_loaded(struct g2b_ctx *ctx)
{
	struct strbuf	 b;
	const char	*cursor = g2b_get(ctx, "cursor");

	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 503));
	strbuf_init(&b);
	strbuf_appendstr(&b, "{\"uri\":\"");
	self_url(ctx, &b, cursor);
	strbuf_appendstr(&b, "\",\"version\":\"1.1\",\"publishedDate\":\"");
	strbuf_appendstr(&b, g2b_val(ctx, 0, 2));
	strbuf_appendstr(&b, "\",\"publisher\":{\"name\":\"G2B Public "
	    "Procurement\"},\"license\":"
	    "\"https://www.kogl.or.kr/info/license.do#01-tab\","
	    "\"releases\":");
	strbuf_appendstr(&b, g2b_val(ctx, 0, 0));
	if (!g2b_isnull(ctx, 0, 1)) {
		strbuf_appendstr(&b, ",\"links\":{\"next\":\"");
		self_url(ctx, &b, g2b_val(ctx, 0, 1));
		strbuf_appendstr(&b, "\"}");
	}
	strbuf_appendstr(&b, "}\n");
	g2b_json(ctx, 200, &b);
	strbuf_cleanup(&b);
	return (STEP_DONE);
}

int
page_ocds_releases(struct http_request *req)
{
	return (g2b_run(req, &route_ocds));
}
