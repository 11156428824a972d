/*
 * web: the request pipeline every handler in every area uses.
 *
 * A handler is a route (who may call it, which methods) and steps. The
 * pipeline loads the session, checks the role (deny by default), checks the
 * CSRF token on every POST, then calls the route's get or post step. A step
 * either answers (g2b_render, g2b_redirect, g2b_error, g2b_json: STEP_DONE)
 * or issues one asynchronous query with g2b_query and names the step that
 * receives its result (STEP_WAIT). No handler writes its own state machine
 * and no request path runs a synchronous query.
 */
#ifndef G2B_WEB_H
#define G2B_WEB_H

#include <kore/kore.h>
#include <kore/http.h>
#include <kore/pgsql.h>
#include <kore/tasks.h>

#include "crypto.h"
#include "form.h"
#include "multipart.h"
#include "strbuf.h"
#include "tmpl.h"

#define ROLE_ANON	0x01
#define ROLE_SUPPLIER	0x02
#define ROLE_AGENCY	0x04
#define ROLE_OFFICER	0x08
#define ROLE_STAFF	0x10
#define ROLE_AGENT	0x20
#define ROLE_USER	(ROLE_SUPPLIER | ROLE_AGENCY | ROLE_OFFICER | \
			    ROLE_STAFF | ROLE_AGENT)
#define ROLE_ANY	(ROLE_ANON | ROLE_USER)

/* Route flags. */
#define ROUTE_APPROVED_ORG	0x01	/* the user's organisation is approved */
#define ROUTE_NO_CSRF		0x02	/* machine endpoints with their own auth */
#define ROUTE_MULTIPART		0x04	/* accepts multipart/form-data uploads */
#define ROUTE_RAW_BODY		0x08	/* its handler reads a raw body (XML) */
/*
 * A POST with a session cookie is not looked up first: the post step
 * checks the session in its own query (one round trip instead of two, for
 * the deadline rush). The pipeline still checks the CSRF token against
 * the cookie's session; the step finds ctx->session_deferred set and must
 * refuse with 401 when ctx->sid_hash_hex names no live session, and check
 * the role and the organisation itself (the route's roles and
 * ROUTE_APPROVED_ORG are not checked for it). Without a session cookie,
 * and for GET, the route behaves as any other.
 */
#define ROUTE_POST_SESSION	0x10

/*
 * Bodies: url-encoded forms up to 1 MB; uploads up to 10 MB a file; raw
 * bodies (e-documents) up to 4 MB, the handler checking its own limit.
 */
#define G2B_FORM_BODY_MAX	(1024 * 1024)
#define G2B_RAW_BODY_MAX	(4 * 1024 * 1024 + 64 * 1024)
#define G2B_UPLOAD_BODY_MAX	(10 * 1024 * 1024 + 256 * 1024)

#define STEP_DONE	1
#define STEP_WAIT	2

#define LANG_KO		0
#define LANG_EN		1

#define G2B_MAX_PARAMS	24

struct g2b_ctx;
typedef int (*g2b_step)(struct g2b_ctx *);

/* Blocking work run on a Kore task thread (g2b_task). */
struct g2b_job {
	struct kore_task	 task;		/* first: entry casts back */
	int			(*work)(void *);
	void			*arg;
	int			 rc;
};

struct g2b_route {
	const char	*name;
	int		 roles;
	int		 flags;
	g2b_step	 get;
	g2b_step	 post;
};

struct g2b_user {
	char	id[24];
	char	login[40];
	char	name[128];
	char	org_id[24];
	char	org_name[256];
	char	org_status[16];
	char	org_kind[16];
	int	role;
	long	unread;
};

struct g2b_ctx {
	struct http_request	*req;
	const struct g2b_route	*route;

	/* The one in-flight query. */
	struct kore_pgsql	 sql;
	int			 sql_bound;
	int			 queued;
	int			 db_slot;	/* web.c: DB_SLOT_* */
	TAILQ_ENTRY(g2b_ctx)	 db_list;
	const char		*q_sql;
	int			 q_n;
	char			*q_vals[G2B_MAX_PARAMS];
	g2b_step		 next;
	PGresult		*res;		/* result of the last query */
	int			 db_error;
	char			 sqlstate[6];
	/* A query sent with others (g2b_query_batch). */
	struct g2b_batch	*batch;
	struct g2b_batch_kind	*batch_kind;
	int			 batch_state;	/* web.c: BATCH_* */

	/* Who is asking. */
	int			 logged_in;
	int			 session_deferred;	/* ROUTE_POST_SESSION */
	struct g2b_user		 user;
	char			 sid[TOKEN_LEN + 1];
	char			 sid_hash_hex[TOKEN_HASH_LEN * 2 + 4];
	char			 visitor[TOKEN_LEN + 1];
	int			 new_visitor;
	char			 csrf[TOKEN_LEN + 1];
	int			 lang;
	char			 ip[64];

	struct form		 qs;
	struct form		 body;
	/* Files of a multipart POST (ROUTE_MULTIPART): slices of upload. */
	struct mp_files		 files;
	unsigned char		*upload;
	size_t			 upload_len;
	struct tmpl_vars	*vars;
	int			 invalid;	/* a field error was set */

	/* The one in-flight task, if any, and the handler's task data. */
	struct g2b_job		*job;
	void			*ptr;
	void			(*ptr_free)(void *);

	/* For the usage event (portal/capture.c). */
	int64_t			 t0_us;
	size_t			 resp_bytes;

	/* Handler scratch, freed with the request. */
	char			*s[8];
	long long		 n[4];
};

/* The handler body of every route. */
int		 g2b_run(struct http_request *, const struct g2b_route *);

/* Issue a query; the result goes to next. Always returns STEP_WAIT. */
int		 g2b_query(struct g2b_ctx *, g2b_step, const char *, int,
		    const char *const *);
/*
 * Queries of one kind that may run together, in one statement and one
 * transaction (group commit). sql takes n arrays, the i-th holding every
 * member's i-th parameter, and returns a row per member: single's columns
 * and then, last, the member's 1-based position in the arrays. A batch
 * that fails has every member run single on its own (as does a member
 * left without a row), so a member's answer never depends on the others.
 * single takes the same n parameters, one member's, as scalars. At most
 * max members (at most 64; under 2: every query runs alone).
 */
struct g2b_batch_kind {
	const char		*sql;
	const char		*single;
	int			 n;
	int			 max;
	/*
	 * At most this many queries or batches of the kind hold a worker's
	 * connections at once (0: no limit), so that the kind leaves the
	 * others to everything else and its waiters form larger batches.
	 */
	int			 inflight_max;
	int			 inflight;	/* web.c */
	struct g2b_batch	*open;		/* web.c: the one filling up */
	struct g2b_batch	*gated;		/* web.c: batches over the limit */
};

/*
 * Like g2b_query with kind->single, but while the worker's database
 * connections are all busy, queries of one kind wait together and go in
 * one batch when a connection frees up; an idle worker sends at once.
 * next sees the member's own row as the query's only one.
 */
int		 g2b_query_batch(struct g2b_ctx *, g2b_step,
		    struct g2b_batch_kind *, const char *const *);
/*
 * Run work(arg) on a task thread, off the worker, then continue with next;
 * work's result is in ctx->job->rc. arg belongs to the caller and must
 * stay valid until next runs (keep it in the request's scratch). A
 * request that goes away mid-task leaves the job to finish on its own, so
 * work must wipe any secret it was given itself. Returns STEP_WAIT.
 */
int		 g2b_task(struct g2b_ctx *, int (*)(void *), void *, g2b_step);
int		 g2b_rows(struct g2b_ctx *);
const char	*g2b_val(struct g2b_ctx *, int, int);
int		 g2b_isnull(struct g2b_ctx *, int, int);
/* Set template variables from every column of a result row. */
void		 g2b_row_vars(struct g2b_ctx *, int, struct tmpl_vars *);

/* Responses. Each returns STEP_DONE. */
int		 g2b_render(struct g2b_ctx *, int, const char *, const char *);
int		 g2b_redirect(struct g2b_ctx *, const char *);
int		 g2b_error(struct g2b_ctx *, int);
int		 g2b_json(struct g2b_ctx *, int, const struct strbuf *);
/* Append a PostgreSQL text[] literal of n values (for $n::text[]). */
void		 pg_array(struct strbuf *, const char *const *, size_t);
/* {"error":"code"} with status. */
int		 g2b_json_error(struct g2b_ctx *, int, const char *);
int		 g2b_send(struct g2b_ctx *, int, const char *, const void *,
		    size_t);

/* Messages in the request's language. */
const char	*g2b_msg(struct g2b_ctx *, const char *);
const char	*g2b_msg_lang(int, const char *);
/* Set var in v to the catalog text of "prefix.code" (a code's label). */
void		 g2b_label(struct g2b_ctx *, struct tmpl_vars *, const char *,
		    const char *, const char *);
/* Rows {code, name, sel} of list for a <select>, keeping the choice. */
void		 g2b_options(struct g2b_ctx *, const char *, const char *,
		    const char *const *, const char *);
/*
 * The confirmation after a redirect (?ok=saved): sets "flash" to the
 * catalog text "flash.<ok>" when the catalog has that key.
 */
void		 g2b_flash(struct g2b_ctx *);
/* Record a field error: sets err_<field> and marks the form invalid. */
void		 g2b_field_error(struct g2b_ctx *, const char *, const char *);
/* Form value from the POST body (NULL if absent) and query string. */
const char	*g2b_post(struct g2b_ctx *, const char *);
const char	*g2b_get(struct g2b_ctx *, const char *);
/* The first uploaded file of a field, or NULL. */
const struct mp_file *g2b_file(struct g2b_ctx *, const char *);
/* The first numeric path segment (/notices/42/edit -> 42), copied to out. */
int		 g2b_path_id(struct g2b_ctx *, char *, size_t);
/* Keep a string for later steps (freed with the request). */
const char	*g2b_keep(struct g2b_ctx *, int, const char *);
int		 g2b_role_bit(const char *);
void		 g2b_headers(struct http_request *, const char *);

/* Server-wide settings, read once at start-up (portal/init.c). */
struct g2b_config {
	char		*root;
	char		*usage_dir;	/* G2B_USAGE_DIR, default var/usage */
	char		*dsn;
	unsigned char	 secret[32];
	int		 idle_minutes;
	int		 secure_cookies;
	char		*trusted_proxy;	/* its X-Forwarded-For is believed */
};
extern struct g2b_config	g2b_conf;

/* Access-log rotation in the parent (portal/logrotate.c). */
void		 logrotate_init(void);
void		 logrotate_worker_ready(void);
/* The warehouse load on a timer (portal/dwtimer.c), in one worker. */
void		 dwtimer_worker_init(void);

/* Resources (portal/resources.c), loaded in the parent before workers fork. */
void		 resources_load(const char *);
const char	*resources_template(const char *, size_t *);
const char	*resources_msg(int, const char *);
int		 resources_static(const char *, const char **, size_t *,
		    const char **, const char **);

#endif
