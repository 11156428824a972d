/*
 * web: the shared request pipeline and the one asynchronous database state
 * machine. Sessions live in PostgreSQL so any worker on any node can serve
 * any request.
 */
#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "validate.h"
#include "capture.h"
#include "web.h"

#define S_START		0
#define S_WAIT		1
#define S_DISPATCH	2
#define S_TASK		3

#define COOKIE_SID	"g2b_sid"
#define COOKIE_VISITOR	"g2b_v"
#define COOKIE_LANG	"g2b_lang"

static int	st_start(struct http_request *);
static int	st_wait(struct http_request *);
static int	st_dispatch(struct http_request *);
static int	read_upload(struct g2b_ctx *, const char *);
static int	st_task(struct http_request *);
static int	job_entry(struct kore_task *);
static void	ctx_free(struct http_request *);
static void	query_send(struct g2b_ctx *);
static void	batch_query(struct g2b_batch *);
static void	batch_cb(struct kore_pgsql *, void *);
static void	batch_watch(void *, u_int64_t);
static void	batch_finish(struct g2b_batch *, int);
static void	batch_leave(struct g2b_ctx *);
static int	session_loaded(struct g2b_ctx *);
static void	client_ip(struct http_request *, char *, size_t);
static void	page_vars(struct g2b_ctx *, const char *);
static const char *msg_cb(void *, const char *);

static struct http_state states[] = {
	KORE_HTTP_STATE(st_start),
	KORE_HTTP_STATE(st_wait),
	KORE_HTTP_STATE(st_dispatch),
	KORE_HTTP_STATE(st_task),
};

/*
 * Fair hand-off of the worker's pooled database connections. Kore 4.1
 * queues a query that finds every connection busy and, when one is
 * released, wakes the first waiter, which then asks again: a request that
 * arrived in between takes the connection, and the waiter goes to the back
 * of the queue. In a deadline rush that left some bids waiting for half a
 * second while most took milliseconds. So requests are admitted here in
 * arrival order: at most pgsql_conn_max requests hold a slot (a connection
 * in use or about to be taken); the others wait in a FIFO, asleep, and a
 * request that is done with the database hands its slot to the head. A
 * request keeps its slot from one query to the next, so work that has
 * begun finishes before new work starts.
 */
#define DB_SLOT_NONE	0
#define DB_SLOT_WAITING	1
#define DB_SLOT_HELD	2

static TAILQ_HEAD(, g2b_ctx)	db_waiters = TAILQ_HEAD_INITIALIZER(db_waiters);
static u_int32_t		db_held;

static void	db_slot_pass(void);

/*
 * Group commit (g2b_query_batch). A query of a batchable kind that finds
 * a free slot goes at once, alone. One that must wait starts a batch and
 * waits in the FIFO as its leader; queries of the same kind that come
 * meanwhile join it, asleep, without a place of their own in the FIFO.
 * When the leader's turn comes the batch takes its slot and goes as one
 * statement on a connection of its own (bound to a callback, not to a
 * request, so that any member may leave while it runs), and the answer
 * wakes every member with its own row. A leader that leaves before its
 * turn hands its place to the next member.
 */
#define BATCH_NONE	0
#define BATCH_MEMBER	1	/* waits for its batch's answer */
#define BATCH_LEAD	2	/* waits in the FIFO for its batch */
#define BATCH_READY	3	/* its row is in ctx->res */
#define BATCH_ALONE	4	/* to run its query on its own */
#define BATCH_SOLO	5	/* its query runs alone, counted in flight */
#define BATCH_MAX	64

struct g2b_batch {
	struct g2b_batch_kind	*kind;
	struct kore_pgsql	 sql;
	int			 sent;
	int			 n;
	struct g2b_ctx		*m[BATCH_MAX];
	char			*vals[G2B_MAX_PARAMS];
	PGresult		*res;
	int			 failed;
	int			 gated;		/* in kind->gated */
	struct g2b_batch	*gnext;
	LIST_ENTRY(g2b_batch)	 list;
};

static LIST_HEAD(, g2b_batch)	batches = LIST_HEAD_INITIALIZER(batches);
static struct kore_timer	*batch_timer;

static void	batch_send(struct g2b_batch *);
static void	kind_done(struct g2b_batch_kind *);
static void	batch_gate(struct g2b_batch_kind *, struct g2b_batch *);

/*
 * Nonzero when ctx may send its query now; otherwise it waits, asleep,
 * and db_release sends its query when its turn comes.
 */
static int
db_admit(struct g2b_ctx *ctx)
{
	if (ctx->db_slot == DB_SLOT_HELD)
		return (1);
	if (ctx->db_slot == DB_SLOT_WAITING)
		return (0);
	if (pgsql_conn_max == 0)
		return (1);		/* no limit: nothing to queue for */
	if (db_held < pgsql_conn_max && TAILQ_EMPTY(&db_waiters)) {
		db_held++;
		ctx->db_slot = DB_SLOT_HELD;
		return (1);
	}
	ctx->db_slot = DB_SLOT_WAITING;
	TAILQ_INSERT_TAIL(&db_waiters, ctx, db_list);
	http_request_sleep(ctx->req);
	return (0);
}

/*
 * ctx is done with the database (or gone): its slot goes to the first
 * waiter still wanted. A waiter whose client left is flagged for deletion
 * and awake (Kore wakes it to free it): it is passed over, never sent a
 * query, since putting an awake request back to sleep here could pull it
 * out of the list Kore is walking.
 */
static void
db_release(struct g2b_ctx *ctx)
{
	if (ctx->db_slot == DB_SLOT_WAITING) {
		TAILQ_REMOVE(&db_waiters, ctx, db_list);
		ctx->db_slot = DB_SLOT_NONE;
		return;
	}
	if (ctx->db_slot != DB_SLOT_HELD)
		return;
	ctx->db_slot = DB_SLOT_NONE;
	db_slot_pass();
}

/* A held slot is free: it goes to the first waiter still wanted. */
static void
db_slot_pass(void)
{
	struct g2b_ctx	*next;

	while ((next = TAILQ_FIRST(&db_waiters)) != NULL) {
		TAILQ_REMOVE(&db_waiters, next, db_list);
		if (next->req->flags & HTTP_REQUEST_DELETE) {
			next->db_slot = DB_SLOT_NONE;
			continue;
		}
		next->db_slot = DB_SLOT_HELD;
		if (next->batch_state == BATCH_LEAD) {
			batch_send(next->batch);
			return;
		}
		if (!(next->req->flags & HTTP_REQUEST_SLEEPING))
			return;		/* st_wait sends its query */
		/*
		 * Its query goes out now, on the connection just freed:
		 * woken instead, it would wait for the next turn of the
		 * event loop, the connection idle meanwhile. Its answer
		 * wakes it; so does a failure to send.
		 */
		query_send(next);
		if (next->sql.state != KORE_PGSQL_STATE_WAIT &&
		    !(next->sql.state == KORE_PGSQL_STATE_INIT &&
		    next->queued))
			http_request_wakeup(next->req);
		return;
	}
	db_held--;
}

static const char *const session_sql =
    "SELECT user_id, login, role, name, org_id, org_name, org_status, "
    "org_kind, unread FROM portal.session_get($1::bytea, "
    "make_interval(mins => $2::int))";

/*
 * Kore 4.1 runs requests for at most http_request_ms (10 ms) a turn of its
 * event loop, and then waits for network events for up to 100 ms even when
 * requests that are ready were left over. Under load those were bids
 * whose turn had come while every database connection sat idle. A turn
 * that ran a handler therefore asks for another at once (a timer due now
 * makes the next wait return immediately); an idle worker still sleeps.
 */
static int	loop_again_armed;

static void
loop_again(void *arg, u_int64_t now)
{
	(void)arg;
	(void)now;
	loop_again_armed = 0;
}

int
g2b_run(struct http_request *req, const struct g2b_route *route)
{
	struct g2b_ctx	*ctx;

	if (!loop_again_armed) {
		loop_again_armed = 1;
		kore_timer_add(loop_again, 0, NULL, KORE_TIMER_ONESHOT);
	}

	if (!http_state_exists(req)) {
		ctx = http_state_create(req, sizeof(*ctx), ctx_free);
		memset(ctx, 0, sizeof(*ctx));
		ctx->req = req;
		ctx->route = route;
		ctx->t0_us = capture_now_us();
		req->fsm_state = S_START;
	}
	return (http_state_run(states, sizeof(states) / sizeof(states[0]),
	    req));
}

static void
ctx_free(struct http_request *req)
{
	struct g2b_ctx	*ctx;
	int		 i;

	if ((ctx = http_state_get(req)) == NULL)
		return;
	capture_request(req, ctx, ctx->route->name, ctx->resp_bytes);
	if (ctx->sql_bound)
		kore_pgsql_cleanup(&ctx->sql);
	if (ctx->batch != NULL)
		batch_leave(ctx);
	db_release(ctx);
	if (ctx->batch_state == BATCH_SOLO) {
		ctx->batch_state = BATCH_NONE;
		kind_done(ctx->batch_kind);
	}
	if (ctx->res != NULL)
		PQclear(ctx->res);
	if (ctx->job != NULL) {
		if (kore_task_state(&ctx->job->task) ==
		    KORE_TASK_STATE_FINISHED) {
			kore_task_destroy(&ctx->job->task);
			free(ctx->job);
		} else {
			/*
			 * Still running: Kore destroys the task when it ends;
			 * the job and its data stay theirs (the work wipes its
			 * secrets itself).
			 */
			kore_log(LOG_NOTICE, "request gone during a task");
			ctx->ptr = NULL;
		}
		ctx->job = NULL;
	}
	if (ctx->ptr != NULL && ctx->ptr_free != NULL)
		ctx->ptr_free(ctx->ptr);
	for (i = 0; i < G2B_MAX_PARAMS; i++)
		free(ctx->q_vals[i]);
	for (i = 0; i < 8; i++)
		free(ctx->s[i]);
	form_cleanup(&ctx->qs);
	form_cleanup(&ctx->body);
	free(ctx->upload);
	tmpl_vars_free(ctx->vars);
	secure_wipe(ctx->sid, sizeof(ctx->sid));
	secure_wipe(ctx->csrf, sizeof(ctx->csrf));
	http_state_cleanup(req);
}

static void
client_ip(struct http_request *req, char *out, size_t len)
{
	struct connection	*c = req->owner;
	struct in6_addr		 a6;
	const char		*xff, *p;

	out[0] = '\0';
	if (c->family == AF_INET)
		inet_ntop(AF_INET, &c->addr.ipv4.sin_addr, out, len);
	else if (c->family == AF_INET6)
		inet_ntop(AF_INET6, &c->addr.ipv6.sin6_addr, out, len);
	if (out[0] == '\0')
		kore_strlcpy(out, "127.0.0.1", len);

	/* Behind the TLS proxy, the client is the last hop it appended. */
	if (g2b_conf.trusted_proxy != NULL &&
	    !strcmp(out, g2b_conf.trusted_proxy) &&
	    http_request_header(req, "x-forwarded-for", &xff)) {
		if ((p = strrchr(xff, ',')) != NULL)
			xff = p + 1;
		while (*xff == ' ')
			xff++;
		if (strlen(xff) < len && (inet_pton(AF_INET, xff, &a6) == 1 ||
		    inet_pton(AF_INET6, xff, &a6) == 1))
			kore_strlcpy(out, xff, len);
	}
}

static int
st_start(struct http_request *req)
{
	struct g2b_ctx	*ctx = http_state_get(req);
	const char	*cookie, *lang, *vals[2];
	char		 idle[16], lc[4];
	unsigned char	 h[TOKEN_HASH_LEN];

	ctx->vars = tmpl_vars_alloc();
	client_ip(req, ctx->ip, sizeof(ctx->ip));
	form_init(&ctx->qs);
	form_init(&ctx->body);
	if (req->query_string != NULL &&
	    form_parse(&ctx->qs, req->query_string,
	    strlen(req->query_string)) == -1)
		form_init(&ctx->qs);

	cookie = NULL;
	(void)http_request_header(req, "cookie", &cookie);
	ctx->lang = LANG_KO;
	if (cookie_get(cookie, COOKIE_LANG, lc, sizeof(lc)) == 0 &&
	    !strcmp(lc, "en"))
		ctx->lang = LANG_EN;
	if ((lang = g2b_get(ctx, "lang")) != NULL)
		ctx->lang = !strcmp(lang, "en") ? LANG_EN : LANG_KO;

	if (cookie_get(cookie, COOKIE_VISITOR, ctx->visitor,
	    sizeof(ctx->visitor)) == -1 || !token_valid(ctx->visitor)) {
		ctx->visitor[0] = '\0';
		if (token_new(ctx->visitor) == -1)
			fatal("token_new: no randomness");
		ctx->new_visitor = 1;
	}

	if (cookie_get(cookie, COOKIE_SID, ctx->sid, sizeof(ctx->sid)) == 0 &&
	    token_valid(ctx->sid)) {
		token_hash(ctx->sid, h);
		ctx->sid_hash_hex[0] = '\\';
		ctx->sid_hash_hex[1] = 'x';
		hex_encode(h, sizeof(h), ctx->sid_hash_hex + 2);
		if ((ctx->route->flags & ROUTE_POST_SESSION) &&
		    req->method == HTTP_METHOD_POST) {
			/* The post step checks the session itself. */
			ctx->session_deferred = 1;
			req->fsm_state = S_DISPATCH;
			return (HTTP_STATE_CONTINUE);
		}
		snprintf(idle, sizeof(idle), "%d", g2b_conf.idle_minutes);
		vals[0] = ctx->sid_hash_hex;
		vals[1] = idle;
		g2b_query(ctx, session_loaded, session_sql, 2, vals);
		return (HTTP_STATE_CONTINUE);
	}
	ctx->sid[0] = '\0';
	req->fsm_state = S_DISPATCH;
	return (HTTP_STATE_CONTINUE);
}

static int
session_loaded(struct g2b_ctx *ctx)
{
	struct g2b_user	*u = &ctx->user;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	if (g2b_rows(ctx) == 1) {
		ctx->logged_in = 1;
		kore_strlcpy(u->id, g2b_val(ctx, 0, 0), sizeof(u->id));
		kore_strlcpy(u->login, g2b_val(ctx, 0, 1), sizeof(u->login));
		u->role = g2b_role_bit(g2b_val(ctx, 0, 2));
		kore_strlcpy(u->name, g2b_val(ctx, 0, 3), sizeof(u->name));
		kore_strlcpy(u->org_id, g2b_val(ctx, 0, 4), sizeof(u->org_id));
		kore_strlcpy(u->org_name, g2b_val(ctx, 0, 5),
		    sizeof(u->org_name));
		kore_strlcpy(u->org_status, g2b_val(ctx, 0, 6),
		    sizeof(u->org_status));
		kore_strlcpy(u->org_kind, g2b_val(ctx, 0, 7),
		    sizeof(u->org_kind));
		u->unread = strtol(g2b_val(ctx, 0, 8), NULL, 10);
	} else {
		ctx->sid[0] = '\0';
	}
	ctx->req->fsm_state = S_DISPATCH;
	return (STEP_WAIT);	/* not done: the dispatcher runs next */
}

/*
 * Read a multipart body whole (Kore may have offloaded it to disk) and
 * parse it into ctx->body and ctx->files. Returns 0 or the HTTP status to
 * answer with.
 */
static int
read_upload(struct g2b_ctx *ctx, const char *boundary)
{
	struct http_request	*req = ctx->req;
	size_t			 cap;
	ssize_t			 n;

	if (req->content_length > G2B_UPLOAD_BODY_MAX)
		return (413);
	cap = req->content_length > 0 ? req->content_length : 65536;
	if ((ctx->upload = malloc(cap)) == NULL)
		return (503);
	ctx->upload_len = 0;
	for (;;) {
		if (req->content_length > 0 &&
		    ctx->upload_len == req->content_length)
			break;
		if (ctx->upload_len == cap) {
			if (cap >= G2B_UPLOAD_BODY_MAX)
				return (413);
			cap *= 2;
			if ((ctx->upload = realloc(ctx->upload, cap)) == NULL)
				return (503);
		}
		n = http_body_read(req, ctx->upload + ctx->upload_len,
		    cap - ctx->upload_len);
		if (n < 0)
			return (400);
		if (n == 0)
			break;
		ctx->upload_len += (size_t)n;
	}
	if (multipart_parse(ctx->upload, ctx->upload_len, boundary,
	    &ctx->body, &ctx->files) == -1)
		return (400);
	return (0);
}

static int
st_dispatch(struct http_request *req)
{
	struct g2b_ctx		*ctx = http_state_get(req);
	const struct g2b_route	*rt = ctx->route;
	g2b_step		 step;
	const char		*ctype, *token;
	char			 buf[8192], boundary[80];
	struct strbuf		 body;
	ssize_t			 n;
	int			 bit, r;

	bit = ctx->logged_in ? ctx->user.role : ROLE_ANON;
	csrf_token(g2b_conf.secret, sizeof(g2b_conf.secret),
	    (ctx->logged_in || ctx->session_deferred) ? ctx->sid : ctx->visitor,
	    ctx->csrf);

	if (req->method == HTTP_METHOD_GET || req->method == HTTP_METHOD_HEAD)
		step = rt->get;
	else if (req->method == HTTP_METHOD_POST)
		step = rt->post;
	else
		step = NULL;
	if (step == NULL) {
		http_response_header(req, "allow",
		    rt->post ? (rt->get ? "GET, HEAD, POST" : "POST") :
		    "GET, HEAD");
		r = g2b_error(ctx, 405);
		return (HTTP_STATE_COMPLETE);
	}

	/*
	 * Deny by default: the route must name the caller's role. With a
	 * deferred session (ROUTE_POST_SESSION) the post step checks it.
	 */
	if (!ctx->session_deferred && (rt->roles & bit) == 0) {
		if (!ctx->logged_in && req->method == HTTP_METHOD_GET) {
			strbuf_init(&body);
			strbuf_appendstr(&body, "/login?next=");
			strbuf_append_url(&body, req->path, strlen(req->path));
			if (req->query_string != NULL &&
			    *req->query_string != '\0') {
				strbuf_append_url(&body, "?", 1);
				strbuf_append_url(&body, req->query_string,
				    strlen(req->query_string));
			}
			g2b_redirect(ctx, body.data);
			strbuf_cleanup(&body);
		} else {
			g2b_error(ctx, ctx->logged_in ? 403 : 401);
		}
		return (HTTP_STATE_COMPLETE);
	}
	if (!ctx->session_deferred && (rt->flags & ROUTE_APPROVED_ORG) &&
	    strcmp(ctx->user.org_status, "approved") != 0) {
		g2b_error(ctx, 403);
		return (HTTP_STATE_COMPLETE);
	}

	if (req->method == HTTP_METHOD_POST) {
		ctype = NULL;
		(void)http_request_header(req, "content-type", &ctype);
		if ((rt->flags & ROUTE_MULTIPART) &&
		    multipart_boundary(ctype, boundary, sizeof(boundary)) == 0) {
			if ((r = read_upload(ctx, boundary)) != 0) {
				g2b_error(ctx, r);
				return (HTTP_STATE_COMPLETE);
			}
		} else if (req->content_length > ((rt->flags &
		    ROUTE_RAW_BODY) ? G2B_RAW_BODY_MAX : G2B_FORM_BODY_MAX)) {
			g2b_error(ctx, 413);
			return (HTTP_STATE_COMPLETE);
		} else if (ctype == NULL || strncasecmp(ctype,
		    "application/x-www-form-urlencoded", 33) != 0) {
			if (!(rt->flags & ROUTE_NO_CSRF)) {
				g2b_error(ctx, 415);
				return (HTTP_STATE_COMPLETE);
			}
		} else {
			strbuf_init(&body);
			for (;;) {
				n = http_body_read(req, buf, sizeof(buf));
				if (n <= 0)
					break;
				strbuf_append(&body, buf, (size_t)n);
			}
			r = form_parse(&ctx->body, body.data, body.len);
			if (body.data != NULL)
				secure_wipe(body.data, body.len);
			strbuf_cleanup(&body);
			if (n < 0 || r == -1) {
				g2b_error(ctx, 400);
				return (HTTP_STATE_COMPLETE);
			}
		}
		if (!(rt->flags & ROUTE_NO_CSRF)) {
			token = g2b_post(ctx, "csrf");
			if (ctx->new_visitor && !ctx->logged_in &&
			    !ctx->session_deferred)
				token = NULL;
			if (!csrf_check(g2b_conf.secret,
			    sizeof(g2b_conf.secret), (ctx->logged_in ||
			    ctx->session_deferred) ? ctx->sid : ctx->visitor,
			    token)) {
				kore_log(LOG_NOTICE, "csrf refused on %s from %s",
				    req->path, ctx->ip);
				g2b_error(ctx, 403);
				return (HTTP_STATE_COMPLETE);
			}
		}
	}

	req->fsm_state = S_WAIT;
	r = step(ctx);
	if (r == STEP_DONE)
		return (HTTP_STATE_COMPLETE);
	return (HTTP_STATE_CONTINUE);
}

/* Keep a query's text, parameters and next step in ctx. */
static void
query_keep(struct g2b_ctx *ctx, g2b_step next, const char *sql, int n,
    const char *const *vals)
{
	int	i;

	if (n > G2B_MAX_PARAMS)
		fatal("g2b_query: too many parameters (%d)", n);
	for (i = 0; i < G2B_MAX_PARAMS; i++) {
		free(ctx->q_vals[i]);
		ctx->q_vals[i] = NULL;
	}
	for (i = 0; i < n; i++) {
		if (vals[i] != NULL && (ctx->q_vals[i] = strdup(vals[i])) ==
		    NULL)
			fatal("strdup");
	}
	if (ctx->res != NULL) {
		PQclear(ctx->res);
		ctx->res = NULL;
	}
	ctx->q_sql = sql;
	ctx->q_n = n;
	ctx->next = next;
	ctx->db_error = 0;
	ctx->sqlstate[0] = '\0';
	ctx->req->fsm_state = S_WAIT;
}

/* Send the query kept in ctx, on its own, once it is admitted. */
static void
query_start(struct g2b_ctx *ctx)
{
	if (ctx->sql_bound)
		kore_pgsql_cleanup(&ctx->sql);
	kore_pgsql_init(&ctx->sql);
	kore_pgsql_bind_request(&ctx->sql, ctx->req);
	ctx->sql_bound = 1;
	if (db_admit(ctx))
		query_send(ctx);
}

int
g2b_query(struct g2b_ctx *ctx, g2b_step next, const char *sql, int n,
    const char *const *vals)
{
	query_keep(ctx, next, sql, n, vals);
	query_start(ctx);
	return (STEP_WAIT);
}

/* Send q with n text parameters (NULL: SQL NULL) on sql, set up. */
static int
pg_send(struct kore_pgsql *sql, const char *q, int n, char *const *vals)
{
	int	lengths[G2B_MAX_PARAMS], formats[G2B_MAX_PARAMS], i;

	for (i = 0; i < n; i++) {
		lengths[i] = vals[i] != NULL ? (int)strlen(vals[i]) : 0;
		formats[i] = 0;
	}
	return (kore_pgsql_query_param_fields(sql, q, 0, n,
	    (const char **)vals, lengths, formats));
}

/*
 * Kore 4.1 returns a broken connection to its pool and hands it out
 * again, so after a database restart every query would fail for good.
 * Close it instead (sql->conn is NULL after); the next query opens a new
 * one.
 */
static void
pg_drop_broken(struct kore_pgsql *sql)
{
	if (sql->conn != NULL && (sql->conn->db == NULL ||
	    PQstatus(sql->conn->db) == CONNECTION_BAD)) {
		kore_log(LOG_NOTICE, "dropping a broken database connection");
		kore_pgsql_handle(sql->conn, 1);
		sql->conn = NULL;
	}
}

int
g2b_query_batch(struct g2b_ctx *ctx, g2b_step next,
    struct g2b_batch_kind *kind, const char *const *vals)
{
	struct g2b_batch	*b;

	if (kind->max > BATCH_MAX)
		fatal("g2b_query_batch: batch size %d", kind->max);
	query_keep(ctx, next, kind->single, kind->n, vals);
	if (ctx->sql_bound) {
		kore_pgsql_cleanup(&ctx->sql);
		ctx->sql_bound = 0;
	}
	ctx->batch_kind = kind;
	/*
	 * No batches of this kind (max under 2), or a request that holds a
	 * slot already and keeps it: alone, now.
	 */
	if (kind->max < 2 || ctx->db_slot == DB_SLOT_HELD ||
	    pgsql_conn_max == 0) {
		query_start(ctx);
		return (STEP_WAIT);
	}
	/* A free slot, under the kind's limit: alone, now. */
	if ((kind->inflight_max == 0 || kind->inflight < kind->inflight_max) &&
	    db_held < pgsql_conn_max && TAILQ_EMPTY(&db_waiters)) {
		kind->inflight++;
		ctx->batch_state = BATCH_SOLO;
		query_start(ctx);
		return (STEP_WAIT);
	}
	if ((b = kind->open) != NULL && b->n < kind->max) {
		b->m[b->n++] = ctx;
		ctx->batch = b;
		ctx->batch_state = BATCH_MEMBER;
		http_request_sleep(ctx->req);
		return (STEP_WAIT);
	}
	b = kore_calloc(1, sizeof(*b));
	b->kind = kind;
	kind->open = b;
	b->m[b->n++] = ctx;
	ctx->batch = b;
	ctx->batch_state = BATCH_LEAD;
	if (kind->inflight_max != 0 && kind->inflight >= kind->inflight_max) {
		/* Over the limit: it queues when one of the kind ends. */
		b->gated = 1;
		batch_gate(kind, b);
		http_request_sleep(ctx->req);
		return (STEP_WAIT);
	}
	kind->inflight++;
	if (db_admit(ctx))
		batch_send(b);
	return (STEP_WAIT);
}

/* b waits, after the kind's other gated batches, for one to end. */
static void
batch_gate(struct g2b_batch_kind *kind, struct g2b_batch *b)
{
	struct g2b_batch	**pp;

	for (pp = &kind->gated; *pp != NULL; pp = &(*pp)->gnext)
		;
	b->gnext = NULL;
	*pp = b;
}

/*
 * A query or batch of the kind is over: the first gated batch, if any,
 * takes its place and queues for a slot (its leader is its first member).
 */
static void
kind_done(struct g2b_batch_kind *kind)
{
	struct g2b_batch	*b;

	kind->inflight--;
	while ((kind->inflight_max == 0 ||
	    kind->inflight < kind->inflight_max) &&
	    (b = kind->gated) != NULL) {
		kind->gated = b->gnext;
		b->gnext = NULL;
		b->gated = 0;
		kind->inflight++;
		if (db_admit(b->m[0]))
			batch_send(b);
	}
}

/*
 * The leader's turn has come (it holds a slot): the slot becomes the
 * batch's, and the batch goes as one statement.
 */
static void
batch_send(struct g2b_batch *b)
{
	struct strbuf	 a;
	struct g2b_ctx	*m;
	int		 i, j;

	for (i = 0; i < b->n; i++) {
		m = b->m[i];
		if (m->batch_state == BATCH_LEAD) {
			m->batch_state = BATCH_MEMBER;
			m->db_slot = DB_SLOT_NONE;
			http_request_sleep(m->req);
		}
	}
	if (b->kind->open == b)
		b->kind->open = NULL;
	b->sent = 1;
	for (j = 0; j < b->kind->n; j++) {
		strbuf_init(&a);
		strbuf_appendstr(&a, "{");
		for (i = 0; i < b->n; i++) {
			if (i > 0)
				strbuf_appendstr(&a, ",");
			strbuf_append_pgelem(&a, b->m[i]->q_vals[j]);
		}
		strbuf_appendstr(&a, "}");
		b->vals[j] = strbuf_steal(&a, NULL);
	}
	LIST_INSERT_HEAD(&batches, b, list);
	if (batch_timer == NULL)
		batch_timer = kore_timer_add(batch_watch, 250, NULL, 0);
	kore_pgsql_init(&b->sql);
	kore_pgsql_bind_callback(&b->sql, batch_cb, b);
	batch_query(b);
}

/* Send the batch's statement once Kore has a connection for it. */
static void
batch_query(struct g2b_batch *b)
{
	if (!kore_pgsql_setup(&b->sql, "db", KORE_PGSQL_ASYNC)) {
		if (b->sql.state == KORE_PGSQL_STATE_INIT)
			return;		/* queued by Kore: the callback resends */
		batch_finish(b, 1);
		return;
	}
	if (!pg_send(&b->sql, b->kind->sql, b->kind->n, b->vals))
		batch_finish(b, 1);
}

static void
batch_cb(struct kore_pgsql *sql, void *arg)
{
	struct g2b_batch	*b = arg;

	switch (sql->state) {
	case KORE_PGSQL_STATE_INIT:
		batch_query(b);
		break;
	case KORE_PGSQL_STATE_RESULT:
		if (b->res == NULL) {
			b->res = sql->result;
			sql->result = NULL;
		}
		kore_pgsql_continue(sql);
		break;
	case KORE_PGSQL_STATE_ERROR:
		kore_log(LOG_ERR, "batch query failed: %s",
		    sql->error ? sql->error : "?");
		pg_drop_broken(sql);
		if (sql->conn == NULL) {
			batch_finish(b, 1);
			break;
		}
		b->failed = 1;
		kore_pgsql_continue(sql);	/* drains, then COMPLETE */
		break;
	case KORE_PGSQL_STATE_DONE:
		kore_pgsql_continue(sql);	/* releases, then COMPLETE */
		break;
	case KORE_PGSQL_STATE_COMPLETE:
		batch_finish(b, b->failed);
		break;
	default:
		break;
	}
}

/*
 * Kore 4.1 drops a connection that reports an error event (the database
 * went away) without calling the query's callback; a batch in flight on
 * it would wait for ever. The error it leaves behind is found here.
 */
static void
batch_watch(void *arg, u_int64_t now)
{
	struct g2b_batch	*b, *next;

	(void)arg;
	(void)now;
	for (b = LIST_FIRST(&batches); b != NULL; b = next) {
		next = LIST_NEXT(b, list);
		if (b->sql.state == KORE_PGSQL_STATE_ERROR &&
		    b->sql.conn == NULL)
			batch_finish(b, 1);
	}
}

/* A copy of row r of res as a result of its own. */
static PGresult *
row_copy(const PGresult *res, int r)
{
	PGresult	*one;
	int		 c;

	if ((one = PQcopyResult(res, PG_COPYRES_ATTRS)) == NULL)
		return (NULL);
	for (c = 0; c < PQnfields(res); c++) {
		if (PQgetisnull(res, r, c))
			continue;	/* a new row's fields are NULL */
		if (!PQsetvalue(one, 0, c, PQgetvalue(res, r, c),
		    PQgetlength(res, r, c))) {
			PQclear(one);
			return (NULL);
		}
	}
	if (PQntuples(one) != 1) {
		PQclear(one);
		return (NULL);
	}
	return (one);
}

/*
 * The batch is over: each member still here gets its row, or runs its
 * query alone; the slot goes on.
 */
static void
batch_finish(struct g2b_batch *b, int failed)
{
	struct g2b_batch_kind	*kind;
	struct g2b_ctx	*m;
	int		 row[BATCH_MAX], i, r, nf, k;
	const char	*v;

	LIST_REMOVE(b, list);
	b->sql.cb = NULL;		/* no callback from the clean-up */
	kore_pgsql_cleanup(&b->sql);
	for (i = 0; i < b->n; i++)
		row[i] = -1;
	if (!failed && b->res != NULL && (nf = PQnfields(b->res)) > 0) {
		for (r = 0; r < PQntuples(b->res); r++) {
			v = PQgetvalue(b->res, r, nf - 1);
			k = (int)strtol(v, NULL, 10);
			if (k >= 1 && k <= b->n && row[k - 1] == -1)
				row[k - 1] = r;
		}
	}
	for (i = 0; i < b->n; i++) {
		if ((m = b->m[i]) == NULL)
			continue;	/* left meanwhile */
		m->batch = NULL;
		m->batch_state = BATCH_ALONE;
		if (row[i] != -1 && (m->res = row_copy(b->res, row[i])) != NULL)
			m->batch_state = BATCH_READY;
		http_request_wakeup(m->req);
	}
	if (b->res != NULL)
		PQclear(b->res);
	for (i = 0; i < G2B_MAX_PARAMS; i++)
		free(b->vals[i]);
	kind = b->kind;
	kore_free(b);
	db_slot_pass();
	kind_done(kind);
}

/* ctx is going away while in a batch. */
static void
batch_leave(struct g2b_ctx *ctx)
{
	struct g2b_batch	*b = ctx->batch, **pp;
	struct g2b_batch_kind	*kind;
	struct g2b_ctx		*lead;
	int			 i;

	ctx->batch = NULL;
	for (i = 0; i < b->n && b->m[i] != ctx; i++)
		;
	if (i == b->n)
		fatal("batch_leave: not a member");
	if (b->sent) {
		b->m[i] = NULL;		/* its row is dropped */
		return;
	}
	memmove(&b->m[i], &b->m[i + 1], (b->n - i - 1) * sizeof(b->m[0]));
	b->n--;
	if (ctx->batch_state != BATCH_LEAD)
		return;
	kind = b->kind;
	if (b->n == 0) {
		if (kind->open == b)
			kind->open = NULL;
		if (b->gated) {
			for (pp = &kind->gated; *pp != b; pp = &(*pp)->gnext)
				;
			*pp = b->gnext;
			kore_free(b);
			return;
		}
		kore_free(b);
		kind_done(kind);	/* its place in flight */
		return;
	}
	/* The next member takes the leader's place. */
	lead = b->m[0];
	lead->batch_state = BATCH_LEAD;
	if (b->gated)
		return;
	if (ctx->db_slot == DB_SLOT_WAITING) {
		TAILQ_INSERT_AFTER(&db_waiters, ctx, lead, db_list);
		lead->db_slot = DB_SLOT_WAITING;
	} else if (db_admit(lead)) {
		batch_send(b);
	}
}

static void
query_send(struct g2b_ctx *ctx)
{
	if (!kore_pgsql_setup(&ctx->sql, "db", KORE_PGSQL_ASYNC)) {
		/* INIT: queued for a free connection; we are woken later. */
		if (ctx->sql.state == KORE_PGSQL_STATE_INIT)
			ctx->queued = 1;
		return;
	}
	(void)pg_send(&ctx->sql, ctx->q_sql, ctx->q_n, ctx->q_vals);
}

static int
st_wait(struct http_request *req)
{
	struct g2b_ctx	*ctx = http_state_get(req);
	const char	*st;
	g2b_step	 step;
	int		 r;

	if (ctx->db_slot == DB_SLOT_WAITING)
		return (HTTP_STATE_RETRY);
	switch (ctx->batch_state) {
	case BATCH_MEMBER:
	case BATCH_LEAD:
		return (HTTP_STATE_RETRY);
	case BATCH_ALONE:
		ctx->batch_state = BATCH_NONE;
		query_start(ctx);
		return (HTTP_STATE_CONTINUE);
	case BATCH_READY:
		ctx->batch_state = BATCH_NONE;
		goto answered;
	default:
		break;
	}
	switch (ctx->sql.state) {
	case KORE_PGSQL_STATE_INIT:
		if (ctx->queued) {
			ctx->queued = 0;
			return (HTTP_STATE_RETRY);
		}
		query_send(ctx);
		if (ctx->sql.state == KORE_PGSQL_STATE_INIT)
			return (HTTP_STATE_RETRY);
		return (HTTP_STATE_CONTINUE);
	case KORE_PGSQL_STATE_WAIT:
		return (HTTP_STATE_RETRY);
	case KORE_PGSQL_STATE_RESULT:
		if (ctx->res == NULL) {
			ctx->res = ctx->sql.result;
			ctx->sql.result = NULL;
		}
		kore_pgsql_continue(&ctx->sql);
		return (HTTP_STATE_CONTINUE);
	case KORE_PGSQL_STATE_ERROR:
		ctx->db_error = 1;
		if (ctx->sql.result != NULL &&
		    (st = PQresultErrorField(ctx->sql.result,
		    PG_DIAG_SQLSTATE)) != NULL)
			kore_strlcpy(ctx->sqlstate, st, sizeof(ctx->sqlstate));
		kore_log(LOG_ERR, "query failed on %s (%s): %s", req->path,
		    ctx->sqlstate, ctx->sql.error ? ctx->sql.error : "?");
		if (ctx->res != NULL) {
			PQclear(ctx->res);
			ctx->res = NULL;
		}
		pg_drop_broken(&ctx->sql);
		break;
	case KORE_PGSQL_STATE_DONE:
	case KORE_PGSQL_STATE_COMPLETE:
		break;
	default:
		return (HTTP_STATE_RETRY);
	}

	kore_pgsql_cleanup(&ctx->sql);
	ctx->sql_bound = 0;
	if (ctx->batch_state == BATCH_SOLO) {
		ctx->batch_state = BATCH_NONE;
		kind_done(ctx->batch_kind);
	}
answered:
	step = ctx->next;
	ctx->next = NULL;
	if (step == NULL)
		fatal("g2b: query finished with no next step");
	r = step(ctx);
	/* No next query (the slot stays with one that was sent). */
	if (!ctx->sql_bound)
		db_release(ctx);
	if (r == STEP_DONE)
		return (HTTP_STATE_COMPLETE);
	/* A new query was issued, or the dispatcher runs next. */
	return (HTTP_STATE_CONTINUE);
}

static int
job_entry(struct kore_task *t)
{
	struct g2b_job	*job = (struct g2b_job *)t;

	job->rc = job->work(job->arg);
	return (KORE_RESULT_OK);
}

int
g2b_task(struct g2b_ctx *ctx, int (*work)(void *), void *arg, g2b_step next)
{
	struct g2b_job	*job;

	if (ctx->job != NULL) {
		if (kore_task_state(&ctx->job->task) !=
		    KORE_TASK_STATE_FINISHED)
			fatal("g2b_task: a task is already running");
		kore_task_destroy(&ctx->job->task);
		free(ctx->job);
		ctx->job = NULL;
	}
	if ((job = calloc(1, sizeof(*job))) == NULL)
		fatal("calloc");
	job->work = work;
	job->arg = arg;
	job->rc = -1;
	ctx->job = job;
	ctx->next = next;
	kore_task_create(&job->task, job_entry);
	kore_task_bind_request(&job->task, ctx->req);
	ctx->req->fsm_state = S_TASK;
	kore_task_run(&job->task);
	return (STEP_WAIT);
}

static int
st_task(struct http_request *req)
{
	struct g2b_ctx	*ctx = http_state_get(req);
	g2b_step	 step;

	if (kore_task_state(&ctx->job->task) != KORE_TASK_STATE_FINISHED)
		return (HTTP_STATE_RETRY);
	step = ctx->next;
	ctx->next = NULL;
	if (step(ctx) == STEP_DONE)
		return (HTTP_STATE_COMPLETE);
	return (HTTP_STATE_CONTINUE);
}

int
g2b_rows(struct g2b_ctx *ctx)
{
	return (ctx->res ? PQntuples(ctx->res) : 0);
}

const char *
g2b_val(struct g2b_ctx *ctx, int row, int col)
{
	if (ctx->res == NULL || row >= PQntuples(ctx->res) ||
	    col >= PQnfields(ctx->res))
		return ("");
	return (PQgetvalue(ctx->res, row, col));
}

int
g2b_isnull(struct g2b_ctx *ctx, int row, int col)
{
	if (ctx->res == NULL || row >= PQntuples(ctx->res) ||
	    col >= PQnfields(ctx->res))
		return (1);
	return (PQgetisnull(ctx->res, row, col));
}

void
g2b_row_vars(struct g2b_ctx *ctx, int row, struct tmpl_vars *v)
{
	int	c;

	if (ctx->res == NULL)
		return;
	for (c = 0; c < PQnfields(ctx->res); c++)
		tmpl_set(v, PQfname(ctx->res, c), PQgetvalue(ctx->res, row, c));
}

int
g2b_role_bit(const char *role)
{
	if (!strcmp(role, "supplier"))
		return (ROLE_SUPPLIER);
	if (!strcmp(role, "agency"))
		return (ROLE_AGENCY);
	if (!strcmp(role, "officer"))
		return (ROLE_OFFICER);
	if (!strcmp(role, "staff"))
		return (ROLE_STAFF);
	if (!strcmp(role, "agent"))
		return (ROLE_AGENT);
	return (0);
}

const char *
g2b_post(struct g2b_ctx *ctx, const char *key)
{
	return (form_get(&ctx->body, key));
}

const struct mp_file *
g2b_file(struct g2b_ctx *ctx, const char *field)
{
	size_t	i;

	for (i = 0; i < ctx->files.n; i++) {
		if (!strcmp(ctx->files.f[i].field, field))
			return (&ctx->files.f[i]);
	}
	return (NULL);
}

const char *
g2b_get(struct g2b_ctx *ctx, const char *key)
{
	return (form_get(&ctx->qs, key));
}

/*
 * The first all-digit segment of the path (/admin/suppliers/42,
 * /notices/42/edit). Kore compiles route regexes with REG_NOSUB, so capture
 * groups are never filled: the route's regex vouches for the shape, and
 * valid_id() is checked again here.
 */
int
g2b_path_id(struct g2b_ctx *ctx, char *out, size_t len)
{
	const char	*p, *e;
	size_t		 n;

	for (p = ctx->req->path; (p = strchr(p, '/')) != NULL; p = e) {
		p++;
		e = p + strcspn(p, "/");
		n = (size_t)(e - p);
		if (n == 0 || n >= len || strspn(p, "0123456789") < n)
			continue;
		memcpy(out, p, n);
		out[n] = '\0';
		return (valid_id(out) ? 0 : -1);
	}
	return (-1);
}

const char *
g2b_keep(struct g2b_ctx *ctx, int slot, const char *s)
{
	free(ctx->s[slot]);
	if ((ctx->s[slot] = strdup(s ? s : "")) == NULL)
		fatal("strdup");
	return (ctx->s[slot]);
}

const char *
g2b_msg_lang(int lang, const char *key)
{
	const char	*m;

	if ((m = resources_msg(lang, key)) == NULL &&
	    (m = resources_msg(LANG_KO, key)) == NULL)
		m = key;
	return (m);
}

const char *
g2b_msg(struct g2b_ctx *ctx, const char *key)
{
	return (g2b_msg_lang(ctx->lang, key));
}

static const char *
msg_cb(void *arg, const char *key)
{
	return (g2b_msg((struct g2b_ctx *)arg, key));
}

void
g2b_flash(struct g2b_ctx *ctx)
{
	const char	*ok;
	char		 key[48];

	if ((ok = g2b_get(ctx, "ok")) == NULL)
		return;
	snprintf(key, sizeof(key), "flash.%s", ok);
	if (resources_msg(ctx->lang, key) != NULL)
		tmpl_set(ctx->vars, "flash", g2b_msg(ctx, key));
}

void
g2b_label(struct g2b_ctx *ctx, struct tmpl_vars *v, const char *var,
    const char *prefix, const char *code)
{
	char	key[64];

	snprintf(key, sizeof(key), "%s.%s", prefix, code);
	tmpl_set(v, var, g2b_msg(ctx, key));
}

void
g2b_options(struct g2b_ctx *ctx, const char *list, const char *prefix,
    const char *const *codes, const char *chosen)
{
	struct tmpl_vars	*row;
	int			 i;

	for (i = 0; codes[i] != NULL; i++) {
		row = tmpl_row(ctx->vars, list);
		tmpl_set(row, "code", codes[i]);
		g2b_label(ctx, row, "name", prefix, codes[i]);
		if (chosen != NULL && !strcmp(chosen, codes[i]))
			tmpl_set(row, "sel", "1");
	}
}

void
g2b_field_error(struct g2b_ctx *ctx, const char *field, const char *key)
{
	char	name[80];

	snprintf(name, sizeof(name), "err_%s", field);
	if (tmpl_get(ctx->vars, name) == NULL)
		tmpl_set(ctx->vars, name, g2b_msg(ctx, key));
	ctx->invalid = 1;
}

void
g2b_headers(struct http_request *req, const char *ctype)
{
	http_response_header(req, "content-type", ctype);
	http_response_header(req, "content-security-policy",
	    "default-src 'self'; script-src 'self'; style-src 'self'; "
	    "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
	    "form-action 'self'; frame-ancestors 'none'");
	http_response_header(req, "x-content-type-options", "nosniff");
	http_response_header(req, "x-frame-options", "DENY");
	http_response_header(req, "referrer-policy", "same-origin");
	http_response_header(req, "permissions-policy",
	    "camera=(), microphone=(), geolocation=()");
	http_response_header(req, "cross-origin-opener-policy", "same-origin");
}

static void
set_cookies(struct g2b_ctx *ctx)
{
	char	buf[256];

	if (ctx->new_visitor) {
		snprintf(buf, sizeof(buf), "%s=%s; Path=/; HttpOnly; "
		    "SameSite=Lax%s", COOKIE_VISITOR, ctx->visitor,
		    g2b_conf.secure_cookies ? "; Secure" : "");
		http_response_header(ctx->req, "set-cookie", buf);
		ctx->new_visitor = 0;
	}
}

int
g2b_send(struct g2b_ctx *ctx, int status, const char *ctype,
    const void *data, size_t len)
{
	g2b_headers(ctx->req, ctype);
	http_response_header(ctx->req, "cache-control", "no-store");
	set_cookies(ctx);
	ctx->resp_bytes = len;
	http_response(ctx->req, status, data, len);
	return (STEP_DONE);
}

/* Variables every page can use: who is logged in, language, CSRF. */
static void
page_vars(struct g2b_ctx *ctx, const char *title_key)
{
	struct tmpl_vars	*v = ctx->vars;
	struct strbuf		 url;
	const char		*path;

	tmpl_set(v, "lang", ctx->lang == LANG_EN ? "en" : "ko");
	tmpl_set(v, "csrf", ctx->csrf);
	tmpl_set(v, "title", g2b_msg(ctx, title_key));
	path = ctx->req->path;
	tmpl_set(v, "path", path);
	strbuf_init(&url);
	strbuf_appendstr(&url, "/lang?to=");
	strbuf_appendstr(&url, ctx->lang == LANG_EN ? "ko" : "en");
	strbuf_appendstr(&url, "&next=");
	strbuf_append_url(&url, path, strlen(path));
	/* Keep the query (a tab, a flash) across the switch, except on POST. */
	if (ctx->req->method == HTTP_METHOD_GET &&
	    ctx->req->query_string != NULL && *ctx->req->query_string) {
		strbuf_append_url(&url, "?", 1);
		strbuf_append_url(&url, ctx->req->query_string,
		    strlen(ctx->req->query_string));
	}
	tmpl_set(v, "lang_switch_url", url.data);
	strbuf_cleanup(&url);
	tmpl_set(v, "lang_switch_label", ctx->lang == LANG_EN ?
	    "한국어" : "English");
	tmpl_set(v, "lang_switch_lang", ctx->lang == LANG_EN ? "ko" : "en");
	if (ctx->logged_in) {
		tmpl_set(v, "logged_in", "1");
		tmpl_set(v, "user_name", ctx->user.name);
		tmpl_set(v, "user_login", ctx->user.login);
		tmpl_set(v, "org_name", ctx->user.org_name);
		tmpl_setf(v, "unread", "%ld", ctx->user.unread);
		tmpl_set(v, "is_supplier",
		    ctx->user.role == ROLE_SUPPLIER ? "1" : "0");
		tmpl_set(v, "is_agency", (ctx->user.role &
		    (ROLE_AGENCY | ROLE_OFFICER)) ? "1" : "0");
		tmpl_set(v, "is_officer",
		    ctx->user.role == ROLE_OFFICER ? "1" : "0");
		tmpl_set(v, "is_staff",
		    ctx->user.role == ROLE_STAFF ? "1" : "0");
		tmpl_set(v, "is_agent",
		    ctx->user.role == ROLE_AGENT ? "1" : "0");
		tmpl_set(v, "role_label", g2b_msg(ctx,
		    ctx->user.role == ROLE_SUPPLIER ? "role.supplier" :
		    ctx->user.role == ROLE_AGENCY ? "role.agency" :
		    ctx->user.role == ROLE_OFFICER ? "role.officer" :
		    ctx->user.role == ROLE_STAFF ? "role.staff" :
		    "role.agent"));
	}
}

/* Templates were checked whole at start-up (resources_load). */
int
g2b_render(struct g2b_ctx *ctx, int status, const char *name,
    const char *title_key)
{
	struct strbuf	 page, out;
	const char	*src;
	size_t		 len;

	page_vars(ctx, title_key);
	strbuf_init(&page);
	strbuf_init(&out);
	if ((src = resources_template(name, &len)) == NULL)
		fatal("template %s missing", name);
	if (tmpl_expand(src, len, ctx->vars, msg_cb, ctx, &page) == -1) {
		kore_log(LOG_ERR, "template %s: %s", name, page.data);
		goto fail;
	}
	tmpl_set_n(ctx->vars, "content", page.data, page.len);
	if ((src = resources_template("layout", &len)) == NULL)
		fatal("template layout missing");
	if (tmpl_expand(src, len, ctx->vars, msg_cb, ctx, &out) == -1) {
		kore_log(LOG_ERR, "template layout: %s", out.data);
		goto fail;
	}
	g2b_send(ctx, status, "text/html; charset=utf-8", out.data, out.len);
	strbuf_cleanup(&page);
	strbuf_cleanup(&out);
	return (STEP_DONE);

fail:
	strbuf_cleanup(&page);
	strbuf_cleanup(&out);
	return (g2b_error(ctx, 500));
}

int
g2b_redirect(struct g2b_ctx *ctx, const char *url)
{
	g2b_headers(ctx->req, "text/plain; charset=utf-8");
	http_response_header(ctx->req, "location", url);
	http_response_header(ctx->req, "cache-control", "no-store");
	set_cookies(ctx);
	http_response(ctx->req, HTTP_STATUS_SEE_OTHER, NULL, 0);
	return (STEP_DONE);
}

/* An error page in the user's language; never shows internals. */
int
g2b_error(struct g2b_ctx *ctx, int status)
{
	struct strbuf	 page;
	const char	*src, *key;
	size_t		 len;
	char		 k[32];

	switch (status) {
	case 400: case 401: case 403: case 404: case 405: case 409:
	case 413: case 415: case 503:
		break;
	default:
		status = 500;
	}
	snprintf(k, sizeof(k), "error.%d", status);
	key = k;
	tmpl_vars_free(ctx->vars);
	ctx->vars = tmpl_vars_alloc();
	tmpl_setf(ctx->vars, "status", "%d", status);
	tmpl_set(ctx->vars, "error_text", g2b_msg(ctx, key));
	snprintf(k, sizeof(k), "error.%d.title", status);
	page_vars(ctx, k);
	strbuf_init(&page);
	if ((src = resources_template("error", &len)) != NULL &&
	    tmpl_expand(src, len, ctx->vars, msg_cb, ctx, &page) == 0) {
		tmpl_set_n(ctx->vars, "content", page.data, page.len);
		strbuf_reset(&page);
		if ((src = resources_template("layout", &len)) != NULL &&
		    tmpl_expand(src, len, ctx->vars, msg_cb, ctx,
		    &page) == 0) {
			g2b_send(ctx, status, "text/html; charset=utf-8",
			    page.data, page.len);
			strbuf_cleanup(&page);
			return (STEP_DONE);
		}
	}
	strbuf_cleanup(&page);
	g2b_send(ctx, status, "text/plain; charset=utf-8", "error\n", 6);
	return (STEP_DONE);
}

int
g2b_json_error(struct g2b_ctx *ctx, int status, const char *code)
{
	struct strbuf	b;

	strbuf_init(&b);
	strbuf_appendstr(&b, "{\"error\":\"");
	strbuf_append_json(&b, code, strlen(code));
	strbuf_appendstr(&b, "\"}\n");
	g2b_json(ctx, status, &b);
	strbuf_cleanup(&b);
	return (STEP_DONE);
}

int
g2b_json(struct g2b_ctx *ctx, int status, const struct strbuf *b)
{
	return (g2b_send(ctx, status, "application/json; charset=utf-8",
	    b->data, b->len));
}
