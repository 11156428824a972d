/*
 * dwdb: the warehouse connection of the server (see dwdb.h).
 *
 * The request pipeline's g2b_query runs on the pooled connections of the
 * live database ("db"). A warehouse of its own is reached through
 * g2b_task: the query runs on a Kore task thread over that thread's own
 * libpq connection (kept for the thread's life, reconnected when it
 * breaks), so no worker ever blocks on it. The query lives in the job's
 * argument (the handler keeps ctx->ptr for itself).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "web.h"
#include "dwdb.h"
#include "dwlink.h"

int	 dwdb_separate;
char	*dwdb_dsn;

/* One warehouse query of a request. */
struct dwq {
	const char	*sql;
	int		 n;
	char		*vals[G2B_MAX_PARAMS];
	PGresult	*res;
	int		 failed;
	char		 sqlstate[6];
	char		 error[256];
	g2b_step	 next;
};

static __thread PGconn	*tconn;

static int	dwq_work(void *);
static int	dwq_done(struct g2b_ctx *);
static void	dwq_free(struct dwq *);

void
dwdb_worker_init(void)
{
	const char	*v;

	/* The parent linked and migrated a warehouse of its own. */
	v = getenv("G2B_DW_DB");
	if (v == NULL || *v == '\0' || !strcmp(v, g2b_conf.dsn)) {
		dwdb_dsn = kore_strdup(g2b_conf.dsn);
		dwdb_separate = 0;
		return;
	}
	dwdb_dsn = kore_strdup(v);
	dwdb_separate = 1;
}

int
dw_query(struct g2b_ctx *ctx, g2b_step next, const char *sql, int n,
    const char *const *vals)
{
	struct dwq	*q;
	int		 i;

	if (!dwdb_separate)
		return (g2b_query(ctx, next, sql, n, vals));
	if (n > G2B_MAX_PARAMS)
		fatal("dw_query: too many parameters (%d)", n);
	if ((q = calloc(1, sizeof(*q))) == NULL)
		fatal("calloc");
	q->sql = sql;
	q->n = n;
	q->next = next;
	for (i = 0; i < n; i++) {
		if (vals[i] != NULL && (q->vals[i] = strdup(vals[i])) == NULL)
			fatal("strdup");
	}
	return (g2b_task(ctx, dwq_work, q, dwq_done));
}

static void
dwq_free(struct dwq *q)
{
	int		 i;

	for (i = 0; i < q->n; i++)
		free(q->vals[i]);
	if (q->res != NULL)
		PQclear(q->res);
	free(q);
}

/* The task thread. */
static int
dwq_work(void *arg)
{
	struct dwq	*q = arg;
	const char	*st;
	int		 tries;

	for (tries = 0; tries < 2; tries++) {
		if (tconn != NULL && PQstatus(tconn) != CONNECTION_OK) {
			PQfinish(tconn);
			tconn = NULL;
		}
		if (tconn == NULL) {
			tconn = PQconnectdb(dwdb_dsn);
			if (PQstatus(tconn) != CONNECTION_OK) {
				snprintf(q->error, sizeof(q->error), "%s",
				    PQerrorMessage(tconn));
				PQfinish(tconn);
				tconn = NULL;
				q->failed = 1;
				return (-1);
			}
		}
		q->res = PQexecParams(tconn, q->sql, q->n, NULL,
		    (const char *const *)q->vals, NULL, NULL, 0);
		if (PQresultStatus(q->res) == PGRES_TUPLES_OK ||
		    PQresultStatus(q->res) == PGRES_COMMAND_OK)
			return (0);
		/* A connection broken since the last query: once more. */
		if (PQstatus(tconn) != CONNECTION_OK && tries == 0) {
			PQclear(q->res);
			q->res = NULL;
			continue;
		}
		break;
	}
	q->failed = 1;
	snprintf(q->error, sizeof(q->error), "%s", PQerrorMessage(tconn));
	if (q->res != NULL &&
	    (st = PQresultErrorField(q->res, PG_DIAG_SQLSTATE)) != NULL)
		snprintf(q->sqlstate, sizeof(q->sqlstate), "%s", st);
	if (q->res != NULL) {
		PQclear(q->res);
		q->res = NULL;
	}
	return (-1);
}

/* Back on the worker: the result where g2b_query leaves it. */
static int
dwq_done(struct g2b_ctx *ctx)
{
	struct dwq	*q = ctx->job->arg;
	g2b_step	 next;

	if (ctx->res != NULL) {
		PQclear(ctx->res);
		ctx->res = NULL;
	}
	ctx->db_error = q->failed;
	kore_strlcpy(ctx->sqlstate, q->sqlstate, sizeof(ctx->sqlstate));
	if (q->failed)
		kore_log(LOG_ERR, "warehouse query failed on %s (%s): %s",
		    ctx->req->path, q->sqlstate, q->error);
	ctx->res = q->res;
	q->res = NULL;
	next = q->next;
	dwq_free(q);
	ctx->job->arg = NULL;
	return (next(ctx));
}
