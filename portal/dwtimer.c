/*
 * dwtimer: the warehouse load (dw/, issue 5) on a timer inside the server.
 * One worker (the first HTTP worker) runs it every G2B_DW_ETL_SECONDS
 * (default 60; 0 turns it off) on a Kore task thread with its own libpq
 * connection, so no request ever waits for it: dw.etl_begin, then
 * dw.etl_run one batch per transaction until nothing is left, then
 * dw.etl_end with the error if a batch failed, then the daily usage
 * facts (dw.etl_usage). The run is recorded in
 * dw.etl_log like the command-line driver's (build/g2b-etl); both take the
 * same advisory lock, so they never load at the same time. The
 * connection is the warehouse's (G2B_DW_DB; dw/dwdb.c links a database of
 * its own to the live one and migrates it when this worker starts).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "web.h"
#include "dwdb.h"

#define ETL_BATCH	2000

static struct kore_task	 task;
static int		 running;
static char		*dsn;
static PGconn		*conn;		/* the task thread's, kept */
static char		 last_error[256];

static void	etl_tick(void *, u_int64_t);
static int	etl_entry(struct kore_task *);
static void	etl_done(struct kore_task *);

void
dwtimer_worker_init(void)
{
	const char	*v;
	int		 secs;

	dwdb_worker_init();
	if (worker == NULL || worker->id != KORE_WORKER_BASE)
		return;
	secs = 60;
	if ((v = getenv("G2B_DW_ETL_SECONDS")) != NULL)
		secs = atoi(v);
	if (secs <= 0)
		return;
	dsn = dwdb_dsn;
	kore_timer_add(etl_tick, (u_int64_t)secs * 1000, NULL, 0);
}

static void
etl_tick(void *arg, u_int64_t now)
{
	(void)arg;
	(void)now;
	if (running)
		return;
	running = 1;
	kore_task_create(&task, etl_entry);
	kore_task_bind_callback(&task, etl_done);
	kore_task_run(&task);
}

static void
etl_done(struct kore_task *t)
{
	if (kore_task_state(t) != KORE_TASK_STATE_FINISHED)
		return;
	if (kore_task_result(t) != KORE_RESULT_OK)
		kore_log(LOG_ERR, "warehouse load: %s", last_error);
	kore_task_destroy(t);
	running = 0;
}

/* One statement; -1 and last_error set if it failed. */
static PGresult *
run(const char *sql, int n, const char *const *vals)
{
	PGresult	*r;

	r = PQexecParams(conn, sql, n, NULL, vals, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK &&
	    PQresultStatus(r) != PGRES_COMMAND_OK) {
		snprintf(last_error, sizeof(last_error), "%s",
		    PQerrorMessage(conn));
		PQclear(r);
		return (NULL);
	}
	return (r);
}

/* The task thread: the whole load, batch by batch. */
static int
etl_entry(struct kore_task *t)
{
	PGresult	*r;
	char		 runid[32], batch[16];
	const char	*vals[2];
	int		 more, failed;

	(void)t;
	if (conn != NULL && PQstatus(conn) != CONNECTION_OK) {
		PQfinish(conn);
		conn = NULL;
	}
	if (conn == NULL) {
		conn = PQconnectdb(dsn);
		if (PQstatus(conn) != CONNECTION_OK) {
			snprintf(last_error, sizeof(last_error), "%s",
			    PQerrorMessage(conn));
			PQfinish(conn);
			conn = NULL;
			return (KORE_RESULT_ERROR);
		}
		if ((r = run("SET client_min_messages = warning", 0, NULL)))
			PQclear(r);
	}
	/* No warehouse schema (yet): nothing to do, quietly. */
	if ((r = run("SELECT to_regproc('dw.etl_run') IS NOT NULL", 0,
	    NULL)) == NULL)
		return (KORE_RESULT_ERROR);
	more = !strcmp(PQgetvalue(r, 0, 0), "t");
	PQclear(r);
	if (!more)
		return (KORE_RESULT_OK);

	vals[0] = "timer";
	if ((r = run("SELECT dw.etl_begin($1)", 1, vals)) == NULL)
		return (KORE_RESULT_ERROR);
	snprintf(runid, sizeof(runid), "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	snprintf(batch, sizeof(batch), "%d", ETL_BATCH);
	failed = 0;
	for (more = 1; more;) {
		vals[0] = batch;
		vals[1] = runid;
		if ((r = run("SELECT more FROM dw.etl_run($1::int, "
		    "$2::bigint)", 2, vals)) == NULL) {
			failed = 1;
			break;
		}
		more = PQntuples(r) == 1 && !strcmp(PQgetvalue(r, 0, 0), "t");
		PQclear(r);
	}
	vals[0] = runid;
	vals[1] = failed ? last_error : NULL;
	if ((r = run("SELECT dw.etl_end($1::bigint, $2)", 2, vals)) != NULL)
		PQclear(r);
	/* Portal use (the usage schema that build/g2b-logs fills). */
	if (!failed) {
		if ((r = run("SELECT dw.etl_usage()", 0, NULL)) == NULL)
			failed = 1;
		else
			PQclear(r);
	}
	return (failed ? KORE_RESULT_ERROR : KORE_RESULT_OK);
}
