/*
 * g2b-etl: runs the warehouse's incremental load on demand.
 *
 *   g2b-etl [--db LIVE] [--dw WAREHOUSE] [--batch N] [--pause MS] [--trigger NAME]
 *           [--verbose]
 *
 * --db defaults to $G2B_DB, --dw to $G2B_DW_DB and then to --db. Opens a
 * run (dw.etl_begin), calls dw.etl_run(batch, run) until it reports that
 * nothing remains, each call its own transaction, and closes the run
 * (dw.etl_end) with the error if a batch failed. A killed run loses at most
 * the batch in flight (rolled back whole, watermark included); the next
 * run marks it aborted and carries on from the last committed watermark.
 *
 * The load is SQL inside the warehouse database reading the live schemas.
 * A --dw naming another database (on this server or another) gets the
 * live schemas as postgres_fdw foreign tables under the same names and
 * its dw migrations applied first (dw/dwlink.c; G2B_ROOT, default ".",
 * is where dw/sql is; G2B_DW_LIVE, default --db, is the live database as
 * the warehouse server reaches it).
 *
 * Exit status: 0 done, 1 a batch or the connection failed, 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "dwlink.h"

static void	usage(void);
static double	now_secs(void);
static void	nap_ms(long);

static void
usage(void)
{
	fprintf(stderr, "usage: g2b-etl [--db LIVE] [--dw WAREHOUSE] "
	    "[--batch N] [--pause MS] [--trigger NAME] [--verbose]\n"
	    "  --db defaults to $G2B_DB, --dw to $G2B_DW_DB, then to --db\n");
	exit(2);
}

static double
now_secs(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static void
nap_ms(long ms)
{
	struct timespec	ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "dw", required_argument, NULL, 'w' },
		{ "batch", required_argument, NULL, 'b' },
		{ "pause", required_argument, NULL, 'p' },
		{ "trigger", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*dsn, *dwdsn, *trigger = "cli", *vals[2], *root;
	char		 batch[16], run[32], *ep, *err = NULL, setup_err[1024];
	PGconn		*dw = NULL;
	PGresult	*r;
	long		 n, pause_ms = 0;
	int		 c, verbose = 0, more, rc = 0, separate;
	long long	 batches = 0, rows_read = 0, rows_written = 0;
	double		 t0, t1, tb, secs;

	dsn = getenv("G2B_DB");
	dwdsn = getenv("G2B_DW_DB");
	snprintf(batch, sizeof(batch), "1000");
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dsn = optarg;
			break;
		case 'w':
			dwdsn = optarg;
			break;
		case 'b':
			n = strtol(optarg, &ep, 10);
			if (*ep != '\0' || n < 1 || n > 1000000) {
				fprintf(stderr, "g2b-etl: --batch: 1..1000000\n");
				usage();
			}
			snprintf(batch, sizeof(batch), "%ld", n);
			break;
		case 'p':
			/* Spare a busy live database: rest between batches. */
			n = strtol(optarg, &ep, 10);
			if (*ep != '\0' || n < 0 || n > 60000) {
				fprintf(stderr, "g2b-etl: --pause: 0..60000 ms\n");
				usage();
			}
			pause_ms = n;
			break;
		case 't':
			trigger = optarg;
			break;
		case 'v':
			verbose = 1;
			/* Progress lines as they happen, even into a pipe. */
			setvbuf(stdout, NULL, _IOLBF, 0);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (dsn == NULL || *dsn == '\0') {
		fprintf(stderr, "g2b-etl: no live database: give --db or set "
		    "G2B_DB\n");
		usage();
	}
	if (dwdsn == NULL || *dwdsn == '\0')
		dwdsn = dsn;

	t0 = now_secs();
	/*
	 * A warehouse database of its own: link it to the live one (foreign
	 * tables, refreshed each run so live migrations show) and bring its
	 * dw schema up to date first.
	 */
	if ((root = getenv("G2B_ROOT")) == NULL || *root == '\0')
		root = ".";
	if (dw_setup(root, dsn, getenv("G2B_DW_LIVE"), dwdsn, &separate,
	    setup_err, sizeof(setup_err)) == -1) {
		fprintf(stderr, "g2b-etl: warehouse set-up: %s\n", setup_err);
		return (1);
	}
	if (verbose && separate)
		printf("g2b-etl: warehouse in its own database, linked to the "
		    "live one\n");
	dw = PQconnectdb(separate ? dwdsn : dsn);
	if (PQstatus(dw) != CONNECTION_OK) {
		fprintf(stderr, "g2b-etl: %s database: %s",
		    separate ? "warehouse" : "live", PQerrorMessage(dw));
		PQfinish(dw);
		return (1);
	}

	/*
	 * The warehouse is derived data: a batch lost in a crash after its
	 * commit is reloaded by the next run (its watermark is lost with
	 * it), so no batch waits for a WAL flush.
	 */
	r = PQexec(dw, "SET synchronous_commit = off");
	PQclear(r);
	r = PQexec(dw, "SET client_min_messages = warning");
	PQclear(r);
	vals[0] = trigger;
	r = PQexecParams(dw, "SELECT dw.etl_begin($1)", 1, NULL, vals, NULL,
	    NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		fprintf(stderr, "g2b-etl: cannot open a run: %s",
		    PQerrorMessage(dw));
		PQclear(r);
		PQfinish(dw);
		return (1);
	}
	snprintf(run, sizeof(run), "%s", PQgetvalue(r, 0, 0));
	PQclear(r);

	vals[0] = batch;
	vals[1] = run;
	more = 1;
	while (more) {
		tb = now_secs();
		r = PQexecParams(dw, "SELECT more, phase, rows_read, "
		    "rows_written, horizon FROM dw.etl_run($1::int, "
		    "$2::bigint)", 2, NULL, vals, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
			if ((err = strdup(PQerrorMessage(dw))) == NULL)
				err = (char *)"out of memory";
			PQclear(r);
			break;
		}
		more = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
		batches++;
		rows_read += strtoll(PQgetvalue(r, 0, 2), NULL, 10);
		rows_written += strtoll(PQgetvalue(r, 0, 3), NULL, 10);
		if (verbose)
			printf("batch %lld: %s, %s read, %s written, %.3f s "
			    "(horizon %s)\n", batches, PQgetvalue(r, 0, 1),
			    PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 3),
			    now_secs() - tb, PQgetvalue(r, 0, 4));
		PQclear(r);
		if (more && pause_ms > 0)
			nap_ms(pause_ms);
	}

	vals[0] = run;
	vals[1] = err;
	r = PQexecParams(dw, "SELECT dw.etl_end($1::bigint, $2)", 2, NULL,
	    vals, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK && err == NULL) {
		fprintf(stderr, "g2b-etl: cannot close run %s: %s", run,
		    PQerrorMessage(dw));
		rc = 1;
	}
	PQclear(r);
	t1 = now_secs();
	secs = t1 - t0;
	if (err != NULL) {
		fprintf(stderr, "g2b-etl: run %s failed in batch %lld after "
		    "%lld rows read, %lld written (committed batches are "
		    "kept; rerun to continue): %s", run, batches + 1,
		    rows_read, rows_written, err);
		rc = 1;
	} else {
		printf("g2b-etl: run %s: %lld batches, %lld rows read, %lld "
		    "rows written in %.3f s (%.0f rows/s)\n", run, batches,
		    rows_read, rows_written, secs,
		    secs > 0 ? (double)rows_written / secs : 0.0);
		/* Then the daily facts of portal use (dw/sql/003_usage.sql). */
		r = PQexec(dw, "SELECT dw.etl_usage()");
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			fprintf(stderr, "g2b-etl: usage facts: %s",
			    PQerrorMessage(dw));
			rc = 1;
		} else
			printf("g2b-etl: usage facts: %s rows written\n",
			    PQgetvalue(r, 0, 0));
		PQclear(r);
	}
	PQfinish(dw);
	return (rc);
}
