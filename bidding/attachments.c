/*
 * attachments: files of a notice (공고문, 규격서, 내역서 ...). The agency
 * adds and removes them on /notices/N/attachments; anyone downloads the
 * published ones. Files are type-checked here (attach.c), stored with
 * their SHA-256 in bidding.attachment, and become public with the order
 * (차수) that publishes them: the first publication for a draft, the next
 * amendment (정정공고) for a published notice (bidding/sql/004).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "bids.h"
#include "bidsql.h"
#include "validate.h"

int	page_notice_attachments(struct http_request *);
int	page_attachment(struct http_request *);
int	page_attachment_remove(struct http_request *);

static int	att_get(struct g2b_ctx *);
static int	att_loaded(struct g2b_ctx *);
static int	att_listed(struct g2b_ctx *);
static int	att_post(struct g2b_ctx *);
static int	att_added(struct g2b_ctx *);
static int	rm_post(struct g2b_ctx *);
static int	rm_done(struct g2b_ctx *);
static int	dl_get(struct g2b_ctx *);
static int	dl_loaded(struct g2b_ctx *);
static int	detail_listed(struct g2b_ctx *);

#define NOTICE_ROLES	(ROLE_AGENCY | ROLE_OFFICER)

static const struct g2b_route route_manage =
    { "notice_attachments", NOTICE_ROLES,
      ROUTE_APPROVED_ORG | ROUTE_MULTIPART, att_get, att_post };
static const struct g2b_route route_download =
    { "attachment", ROLE_ANY, 0, dl_get, NULL };
static const struct g2b_route route_remove =
    { "attachment_remove", NOTICE_ROLES, ROUTE_APPROVED_ORG, NULL,
      rm_post };

/* The columns both lists use, in this order. */
#define ATT_COLS \
	"a.id, a.name, a.size, encode(a.sha256, 'hex'), " \
	"coalesce(a.added_ord, 0), coalesce(a.removed_ord, 0), " \
	"a.remove_pending, " SEOUL("a.uploaded_at")

/* "1.2 MB", "340 KB", "12 B" */
static void
human_size(struct tmpl_vars *v, const char *key, const char *bytes)
{
	long long	n;

	n = strtoll(bytes, NULL, 10);
	if (n >= 1024 * 1024)
		tmpl_setf(v, key, "%.1f MB", (double)n / (1024 * 1024));
	else if (n >= 1024)
		tmpl_setf(v, key, "%.0f KB", (double)n / 1024);
	else
		tmpl_setf(v, key, "%lld B", n);
}

/* One row of either list, from the ATT_COLS columns starting at col 0. */
static void
att_row(struct g2b_ctx *ctx, int i, struct tmpl_vars *row)
{
	int	added, removed;

	tmpl_set(row, "id", g2b_val(ctx, i, 0));
	tmpl_set(row, "name", g2b_val(ctx, i, 1));
	human_size(row, "size", g2b_val(ctx, i, 2));
	tmpl_set(row, "bytes", g2b_val(ctx, i, 2));
	tmpl_set(row, "sha256", g2b_val(ctx, i, 3));
	added = atoi(g2b_val(ctx, i, 4));
	removed = atoi(g2b_val(ctx, i, 5));
	if (added > 0)
		tmpl_setf(row, "added", "%02d", added);
	else
		tmpl_set(row, "pending", "1");
	if (removed > 0)
		tmpl_setf(row, "removed", "%02d", removed);
	if (!strcmp(g2b_val(ctx, i, 6), "t"))
		tmpl_set(row, "remove_pending", "1");
	else if (removed == 0)
		tmpl_set(row, "live", "1");
	tmpl_set(row, "at", g2b_val(ctx, i, 7));
}

/* ------------------------------------------------------ notice page */

/*
 * The notice page's file list: the published files (removed ones marked
 * with the order that withdrew them); the owner's draft shows the files
 * that will be published with it. Continues with the page.
 */
int
attachments_detail(struct g2b_ctx *ctx)
{
	const char	*vals[2];

	vals[0] = ctx->s[0];
	vals[1] = tmpl_get(ctx->vars, "is_draft") != NULL ? "t" : "f";
	return (g2b_query(ctx, detail_listed,
	    "SELECT " ATT_COLS " FROM bidding.attachment a "
	    "WHERE a.notice_id = $1 AND (a.added_ord IS NOT NULL OR $2) "
	    "ORDER BY a.id", 2, vals));
}

static int
detail_listed(struct g2b_ctx *ctx)
{
	int	i;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	for (i = 0; i < g2b_rows(ctx); i++)
		att_row(ctx, i, tmpl_row(ctx->vars, "attachments"));
	if (tmpl_get(ctx->vars, "is_draft") != NULL)
		return (g2b_render(ctx, 200, "notice", "notice.title"));
	return (bids_detail(ctx));
}

/* ------------------------------------------------------ manage page */

int
page_notice_attachments(struct http_request *req)
{
	return (g2b_run(req, &route_manage));
}

static int
att_get(struct g2b_ctx *ctx)
{
	char		 id[24];
	const char	*vals[2];

	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (g2b_error(ctx, 404));
	g2b_keep(ctx, 0, id);
	vals[0] = id;
	vals[1] = ctx->user.org_id;
	return (g2b_query(ctx, att_loaded,
	    "SELECT n.status, coalesce(n.notice_no, ''), n.cur_ord, v.title, "
	    "n.status = 'draft' OR (n.status = 'published' AND "
	    "v.bid_close > now()) FROM bidding.notice n "
	    "JOIN bidding.notice_version v ON v.notice_id = n.id AND "
	    "v.ord = n.cur_ord WHERE n.id = $1 AND n.agency_id = $2",
	    2, vals));
}

static int
att_loaded(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*v = ctx->vars;
	const char		*vals[1];

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	if (g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 404));
	tmpl_set(v, "n_id", ctx->s[0]);
	tmpl_set(v, "n_no", g2b_val(ctx, 0, 1));
	tmpl_setf(v, "n_ord", "%02d", atoi(g2b_val(ctx, 0, 2)));
	tmpl_set(v, "n_title", g2b_val(ctx, 0, 3));
	if (!strcmp(g2b_val(ctx, 0, 0), "draft"))
		tmpl_set(v, "is_draft", "1");
	if (!strcmp(g2b_val(ctx, 0, 4), "t"))
		tmpl_set(v, "can_change", "1");
	else
		tmpl_set(v, "closed", "1");
	if (!strcmp(g2b_val(ctx, 0, 0), "published") &&
	    !strcmp(g2b_val(ctx, 0, 4), "t"))
		tmpl_set(v, "is_published", "1");
	g2b_flash(ctx);
	/* The refusals that come back by redirect read as such. */
	if (g2b_get(ctx, "ok") != NULL &&
	    !strncmp(g2b_get(ctx, "ok"), "attach_", 7))
		tmpl_set(v, "flash_bad", "1");
	vals[0] = ctx->s[0];
	return (g2b_query(ctx, att_listed,
	    "SELECT " ATT_COLS " FROM bidding.attachment a "
	    "WHERE a.notice_id = $1 ORDER BY a.id", 1, vals));
}

static int
att_listed(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*row;
	int			 i, pending;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	pending = 0;
	for (i = 0; i < g2b_rows(ctx); i++) {
		row = tmpl_row(ctx->vars, "rows");
		att_row(ctx, i, row);
		if (tmpl_get(row, "pending") != NULL ||
		    tmpl_get(row, "remove_pending") != NULL)
			pending++;
	}
	if (g2b_rows(ctx) == 0)
		tmpl_set(ctx->vars, "empty", "1");
	if (pending > 0 && tmpl_get(ctx->vars, "is_published") != NULL)
		tmpl_set(ctx->vars, "amend_needed", "1");
	tmpl_setf(ctx->vars, "max_files", "%d", ATTACH_MAX_FILES);
	return (g2b_render(ctx, ctx->invalid ? 400 : 200, "notice_attachments",
	    "attach.title"));
}

static int
att_post(struct g2b_ctx *ctx)
{
	const struct mp_file	*f;
	const char		*ctype, *vals[6];
	char			 id[24], key[48], *hex;
	int			 rc;

	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (g2b_error(ctx, 404));
	g2b_keep(ctx, 0, id);
	if ((f = g2b_file(ctx, "file")) == NULL) {
		g2b_field_error(ctx, "file", "err.attach_required");
		tmpl_set(ctx->vars, "form_error", "1");
		return (att_get(ctx));
	}
	if ((rc = attach_check(f->filename, f->data, f->len, &ctype)) !=
	    ATTACH_OK) {
		snprintf(key, sizeof(key), "err.attach_%s", attach_reason(rc));
		g2b_field_error(ctx, "file", key);
		tmpl_set(ctx->vars, "form_error", "1");
		return (att_get(ctx));
	}
	hex = bytea_hex(f->data, f->len);
	g2b_keep(ctx, 1, f->filename);
	vals[0] = ctx->user.id;
	vals[1] = id;
	vals[2] = f->filename;
	vals[3] = ctype;
	vals[4] = hex;
	vals[5] = ctx->ip;
	g2b_query(ctx, att_added,
	    "SELECT status, attachment_id FROM bidding.attachment_add($1, "
	    "$2::bigint, $3, $4, $5::bytea, $6::inet)", 6, vals);
	free(hex);
	/* The body is no longer needed: give the memory back now. */
	free(ctx->upload);
	ctx->upload = NULL;
	ctx->files.n = 0;
	return (STEP_WAIT);
}

static int
att_added(struct g2b_ctx *ctx)
{
	char		 url[80], key[48];
	const char	*r;

	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 503));
	r = g2b_val(ctx, 0, 0);
	if (!strcmp(r, "ok")) {
		snprintf(url, sizeof(url), "/notices/%s/attachments?ok=attached",
		    ctx->s[0]);
		return (g2b_redirect(ctx, url));
	}
	if (!strcmp(r, "not_found"))
		return (g2b_error(ctx, 404));
	if (!strcmp(r, "too_many") || !strcmp(r, "duplicate")) {
		snprintf(key, sizeof(key), "err.attach_%s", r);
		g2b_field_error(ctx, "file", key);
		tmpl_set(ctx->vars, "form_error", "1");
	} else {
		/* Closed meanwhile: the page says so in its own alert. */
		ctx->invalid = 1;
		tmpl_set(ctx->vars, "closed_alert", "1");
	}
	return (att_get(ctx));
}

/* ------------------------------------------------------------ remove */

int
page_attachment_remove(struct http_request *req)
{
	return (g2b_run(req, &route_remove));
}

/* The notice and attachment ids of /notices/N/attachments/M[/...]. */
static int
two_ids(struct g2b_ctx *ctx, char *nid, char *aid)
{
	if (sscanf(ctx->req->path, "/notices/%19[0-9]/attachments/%19[0-9]",
	    nid, aid) != 2 || !valid_id(nid) || !valid_id(aid))
		return (-1);
	return (0);
}

static int
rm_post(struct g2b_ctx *ctx)
{
	char		 nid[24], aid[24];
	const char	*undo, *vals[5];

	if (two_ids(ctx, nid, aid) == -1)
		return (g2b_error(ctx, 404));
	g2b_keep(ctx, 0, nid);
	undo = g2b_post(ctx, "undo");
	vals[0] = ctx->user.id;
	vals[1] = nid;
	vals[2] = aid;
	vals[3] = (undo != NULL && !strcmp(undo, "1")) ? "t" : "f";
	vals[4] = ctx->ip;
	return (g2b_query(ctx, rm_done,
	    "SELECT bidding.attachment_remove($1, $2::bigint, $3::bigint, "
	    "$4::boolean, $5::inet)", 5, vals));
}

static int
rm_done(struct g2b_ctx *ctx)
{
	char		 url[80];
	const char	*r;

	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 503));
	r = g2b_val(ctx, 0, 0);
	if (!strcmp(r, "not_found"))
		return (g2b_error(ctx, 404));
	snprintf(url, sizeof(url), "/notices/%s/attachments?ok=%s", ctx->s[0],
	    !strcmp(r, "ok") ? "detached" : !strcmp(r, "too_many") ?
	    "attach_too_many" : "attach_closed");
	return (g2b_redirect(ctx, url));
}

/* ---------------------------------------------------------- download */

int
page_attachment(struct http_request *req)
{
	return (g2b_run(req, &route_download));
}

static int
dl_get(struct g2b_ctx *ctx)
{
	char		 nid[24], aid[24];
	const char	*vals[3];

	if (two_ids(ctx, nid, aid) == -1)
		return (g2b_error(ctx, 404));
	vals[0] = nid;
	vals[1] = aid;
	vals[2] = ctx->user.org_id[0] != '\0' ? ctx->user.org_id : NULL;
	/* Published files are public; pending ones only for the agency. */
	return (g2b_query(ctx, dl_loaded,
	    "SELECT a.name, a.ctype, a.data, encode(a.sha256, 'hex') "
	    "FROM bidding.attachment a JOIN bidding.notice n ON "
	    "n.id = a.notice_id WHERE a.notice_id = $1 AND a.id = $2 AND "
	    "((a.added_ord IS NOT NULL AND n.status <> 'draft') OR "
	    "n.agency_id = $3::bigint)", 3, vals));
}

/*
 * If-None-Match (RFC 9110 13.1.2): "*" or any tag of the list equal to
 * ours under weak comparison (a W/ prefix is ignored).
 */
static int
etag_matches(const char *list, const char *hex)
{
	const char	*p, *q;
	size_t		 n;

	n = strlen(hex);
	for (p = list; *p != '\0';) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return (1);
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		if (*p != '"')
			return (0);
		q = strchr(p + 1, '"');
		if (q == NULL)
			return (0);
		if ((size_t)(q - p - 1) == n && !strncmp(p + 1, hex, n))
			return (1);
		p = q + 1;
	}
	return (0);
}

static int
dl_loaded(struct g2b_ctx *ctx)
{
	struct strbuf	 cd;
	const char	*name, *hex, *etag, *inm;
	unsigned char	*data;
	size_t		 i, n;
	int		 r;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	if (g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 404));
	name = g2b_val(ctx, 0, 0);
	hex = g2b_val(ctx, 0, 2);
	etag = g2b_val(ctx, 0, 3);

	/* The content never changes: its hash is a strong validator. */
	strbuf_init(&cd);
	strbuf_appendf(&cd, "\"%s\"", etag);
	http_response_header(ctx->req, "etag", cd.data);
	inm = NULL;
	if (http_request_header(ctx->req, "if-none-match", &inm) &&
	    etag_matches(inm, etag)) {
		strbuf_cleanup(&cd);
		return (g2b_send(ctx, 304, "application/octet-stream", NULL, 0));
	}
	strbuf_cleanup(&cd);

	if (bytea_unhex(hex, &data, &n) == -1)
		return (g2b_error(ctx, 500));
	/* RFC 6266: an ASCII fallback and the UTF-8 name. */
	strbuf_init(&cd);
	strbuf_appendstr(&cd, "attachment; filename=\"");
	for (i = 0; name[i] != '\0'; i++) {
		if ((unsigned char)name[i] >= 0x20 &&
		    (unsigned char)name[i] < 0x7f && name[i] != '"' &&
		    name[i] != '\\' && name[i] != '%')
			strbuf_append(&cd, name + i, 1);
		else if ((name[i] & 0xc0) != 0x80)
			strbuf_append(&cd, "_", 1);
	}
	strbuf_appendstr(&cd, "\"; filename*=UTF-8''");
	strbuf_append_url(&cd, name, strlen(name));
	http_response_header(ctx->req, "content-disposition", cd.data);
	strbuf_cleanup(&cd);
	r = g2b_send(ctx, 200, g2b_val(ctx, 0, 1), data, n);
	free(data);
	return (r);
}
