/*
 * dwlink: the warehouse on its own database (see dwlink.h).
 *
 * Layout in a separate warehouse database:
 *   portal, bidding, usage   foreign tables (IMPORT FOREIGN SCHEMA) on
 *                            server g2b_live: the load's SQL is the same
 *                            as in the live database
 *   dw_live.activity         pg_stat_activity of the live server, on
 *                            server g2b_live_stat: its own connection, so
 *                            the horizon is read in a remote transaction
 *                            that ends before the batch's data snapshot
 *                            is taken (see dw/sql/004_dw_link.sql)
 *   dw_live.link             the live database's name, when linked
 * Both servers have a PUBLIC user mapping with the live credentials
 * (readable by superusers and the server owner only).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwlink.h"

/* libpq options that go to the foreign server, and to the user mapping. */
static const char *const server_opts[] = { "host", "hostaddr", "port",
	"dbname", "sslmode", "sslrootcert", "sslcrl", "connect_timeout",
	NULL };
static const char *const mapping_opts[] = { "user", "password", "sslcert",
	"sslkey", NULL };

struct buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

static int	exec_ok(PGconn *, const char *, char *, size_t);
static int	buf_add(struct buf *, const char *);
static int	opts_sql(PGconn *, PGconn *, PQconninfoOption *,
		    const char *const *, const char *, struct buf *);
static int	in_list(const char *, const char *const *);
static int	name_cmp(const void *, const void *);

static int
exec_ok(PGconn *c, const char *sql, char *err, size_t errlen)
{
	PGresult	*r;
	int		 ok;

	r = PQexec(c, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK ||
	    PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		snprintf(err, errlen, "%s", PQerrorMessage(c));
	PQclear(r);
	return (ok ? 0 : -1);
}

static int
buf_add(struct buf *b, const char *s)
{
	size_t	 n;
	char	*p;

	n = strlen(s);
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		if ((p = realloc(b->p, b->cap)) == NULL)
			return (-1);
		b->p = p;
	}
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
	return (0);
}

static int
in_list(const char *s, const char *const *list)
{
	int	i;

	for (i = 0; list[i] != NULL; i++)
		if (!strcmp(s, list[i]))
			return (1);
	return (0);
}

int
dw_same_database(PGconn *live, PGconn *dw)
{
	PGresult	*r;
	const char	*vals[2];
	char		 pid[32], start[64];
	int		 same;

	r = PQexec(live, "SELECT pg_backend_pid(), (SELECT backend_start::text "
	    "FROM pg_stat_activity WHERE pid = pg_backend_pid())");
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		PQclear(r);
		return (-1);
	}
	snprintf(pid, sizeof(pid), "%s", PQgetvalue(r, 0, 0));
	snprintf(start, sizeof(start), "%s", PQgetvalue(r, 0, 1));
	PQclear(r);
	vals[0] = pid;
	vals[1] = start;
	r = PQexecParams(dw, "SELECT count(*) FROM pg_stat_activity WHERE "
	    "pid = $1::int AND backend_start::text = $2 AND "
	    "datname = current_database()", 2, NULL, vals, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		PQclear(r);
		return (-1);
	}
	same = strcmp(PQgetvalue(r, 0, 0), "1") == 0;
	PQclear(r);
	return (same);
}

/*
 * "OPTIONS (k 'v', ...)" of the options in list that have a value; host
 * and port (unless given in a link DSN) are the ones live is connected
 * to. extra is appended inside the parentheses.
 */
static int
opts_sql(PGconn *dw, PGconn *live, PQconninfoOption *o,
    const char *const *list, const char *extra, struct buf *b)
{
	const char	*v;
	char		*lit;
	int		 n = 0;

	if (buf_add(b, " OPTIONS (") == -1)
		return (-1);
	for (; o != NULL && o->keyword != NULL; o++) {
		if (!in_list(o->keyword, list))
			continue;
		v = o->val;
		if (live != NULL && !strcmp(o->keyword, "host"))
			v = PQhost(live);
		if (live != NULL && !strcmp(o->keyword, "port"))
			v = PQport(live);
		if (live != NULL && !strcmp(o->keyword, "dbname"))
			v = PQdb(live);
		if (live != NULL && !strcmp(o->keyword, "user"))
			v = PQuser(live);
		if (v == NULL || *v == '\0')
			continue;
		if ((lit = PQescapeLiteral(dw, v, strlen(v))) == NULL)
			return (-1);
		if ((n++ && buf_add(b, ", ") == -1) ||
		    buf_add(b, o->keyword) == -1 || buf_add(b, " ") == -1 ||
		    buf_add(b, lit) == -1) {
			PQfreemem(lit);
			return (-1);
		}
		PQfreemem(lit);
	}
	if (extra != NULL && *extra != '\0') {
		if ((n++ && buf_add(b, ", ") == -1) || buf_add(b, extra) == -1)
			return (-1);
	}
	if (n == 0) {
		/* OPTIONS () is a syntax error: drop the clause. */
		b->len -= strlen(" OPTIONS (");
		b->p[b->len] = '\0';
		return (0);
	}
	return (buf_add(b, ")"));
}

int
dw_link(PGconn *live, PGconn *dw, const char *linkdsn, char *err,
    size_t errlen)
{
	PQconninfoOption	*opts;
	struct buf		 b = { NULL, 0, 0 };
	PGresult		*r, *sr = NULL;
	PGconn			*addr = live;
	const char		*vals[1];
	char			*msg = NULL, *id, *lit;
	int			 i, rc = -1;

	if (linkdsn != NULL && *linkdsn != '\0') {
		if ((opts = PQconninfoParse(linkdsn, &msg)) == NULL) {
			snprintf(err, errlen, "G2B_DW_LIVE: %s",
			    msg ? msg : "cannot parse");
			PQfreemem(msg);
			return (-1);
		}
		/* Taken as written: the warehouse server's view of it. */
		addr = NULL;
	} else if ((opts = PQconninfo(live)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return (-1);
	}

	/* The change markers the load reads by, on the live side. */
	if (exec_ok(live, "SET client_min_messages = warning", err,
	    errlen) == -1 ||
	    exec_ok(live, "CREATE INDEX IF NOT EXISTS dw_src_notice_changed "
	    "ON bidding.notice (updated_at, id)", err, errlen) == -1 ||
	    exec_ok(live, "CREATE INDEX IF NOT EXISTS dw_src_org_changed "
	    "ON portal.org (updated_at, id)", err, errlen) == -1)
		goto done;
	vals[0] = "{portal,bidding,usage}";
	sr = PQexecParams(live, "SELECT nspname, current_database() FROM "
	    "pg_namespace WHERE nspname = ANY ($1::text[]) ORDER BY 1", 1,
	    NULL, vals, NULL, NULL, 0);
	if (PQresultStatus(sr) != PGRES_TUPLES_OK) {
		snprintf(err, errlen, "live database: %s",
		    PQerrorMessage(live));
		goto done;
	}

	if (exec_ok(dw, "SET client_min_messages = warning", err,
	    errlen) == -1 || exec_ok(dw, "BEGIN", err, errlen) == -1)
		goto done;
	/* Never while a batch runs (it holds this lock). */
	if (exec_ok(dw, "SELECT pg_advisory_xact_lock(7242500)", err,
	    errlen) == -1)
		goto fail;
	/* A warehouse database must not hold live tables of its own. */
	r = PQexec(dw, "SELECT count(*) FROM pg_class c JOIN pg_namespace s "
	    "ON s.oid = c.relnamespace WHERE s.nspname IN ('portal', "
	    "'bidding', 'usage') AND c.relkind IN ('r', 'p', 'v', 'm')");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		snprintf(err, errlen, "%s", PQerrorMessage(dw));
		PQclear(r);
		goto fail;
	}
	if (strcmp(PQgetvalue(r, 0, 0), "0") != 0) {
		snprintf(err, errlen, "the warehouse database has tables of "
		    "its own in the portal, bidding or usage schema: it looks "
		    "like a live database, not linking it");
		PQclear(r);
		goto fail;
	}
	PQclear(r);
	if (exec_ok(dw, "CREATE EXTENSION IF NOT EXISTS postgres_fdw", err,
	    errlen) == -1 ||
	    exec_ok(dw, "DROP SERVER IF EXISTS g2b_live CASCADE", err,
	    errlen) == -1 ||
	    exec_ok(dw, "DROP SERVER IF EXISTS g2b_live_stat CASCADE", err,
	    errlen) == -1)
		goto fail;

	/* The data server: big fetches, remote estimates for joins. */
	if (buf_add(&b, "CREATE SERVER g2b_live FOREIGN DATA WRAPPER "
	    "postgres_fdw") == -1 || opts_sql(dw, addr, opts, server_opts,
	    "fetch_size '10000', use_remote_estimate 'true'", &b) == -1)
		goto oom;
	if (exec_ok(dw, b.p, err, errlen) == -1)
		goto fail;
	b.len = 0;
	if (buf_add(&b, "CREATE SERVER g2b_live_stat FOREIGN DATA WRAPPER "
	    "postgres_fdw") == -1 || opts_sql(dw, addr, opts, server_opts,
	    NULL, &b) == -1)
		goto oom;
	if (exec_ok(dw, b.p, err, errlen) == -1)
		goto fail;
	b.len = 0;
	if (buf_add(&b, "CREATE USER MAPPING FOR PUBLIC SERVER g2b_live") ==
	    -1 || opts_sql(dw, addr, opts, mapping_opts, NULL, &b) == -1)
		goto oom;
	if (exec_ok(dw, b.p, err, errlen) == -1)
		goto fail;
	b.len = 0;
	if (buf_add(&b, "CREATE USER MAPPING FOR PUBLIC SERVER g2b_live_stat")
	    == -1 || opts_sql(dw, addr, opts, mapping_opts, NULL, &b) == -1)
		goto oom;
	if (exec_ok(dw, b.p, err, errlen) == -1)
		goto fail;

	/* The live schemas that exist there, under the same names. */
	for (i = 0; i < PQntuples(sr); i++) {
		id = PQescapeIdentifier(dw, PQgetvalue(sr, i, 0),
		    strlen(PQgetvalue(sr, i, 0)));
		if (id == NULL)
			goto oom;
		b.len = 0;
		if (buf_add(&b, "CREATE SCHEMA IF NOT EXISTS ") == -1 ||
		    buf_add(&b, id) == -1 || buf_add(&b, "; IMPORT FOREIGN "
		    "SCHEMA ") == -1 || buf_add(&b, id) == -1 ||
		    buf_add(&b, " FROM SERVER g2b_live INTO ") == -1 ||
		    buf_add(&b, id) == -1) {
			PQfreemem(id);
			goto oom;
		}
		PQfreemem(id);
		if (exec_ok(dw, b.p, err, errlen) == -1)
			goto fail;
	}

	/* The horizon's view of the live server, and its database's name. */
	if (exec_ok(dw, "CREATE SCHEMA IF NOT EXISTS dw_live; "
	    "CREATE FOREIGN TABLE dw_live.activity (datname name, pid int, "
	    "backend_type text, state text, xact_start timestamptz) "
	    "SERVER g2b_live_stat OPTIONS (schema_name 'pg_catalog', "
	    "table_name 'pg_stat_activity'); "
	    "CREATE TABLE IF NOT EXISTS dw_live.link (one boolean PRIMARY KEY "
	    "DEFAULT true CHECK (one), dbname text NOT NULL, linked_at "
	    "timestamptz NOT NULL DEFAULT now())", err, errlen) == -1)
		goto fail;
	b.len = 0;
	lit = PQescapeLiteral(dw, PQntuples(sr) > 0 ? PQgetvalue(sr, 0, 1) :
	    PQdb(live), strlen(PQntuples(sr) > 0 ? PQgetvalue(sr, 0, 1) :
	    PQdb(live)));
	if (lit == NULL)
		goto oom;
	if (buf_add(&b, "INSERT INTO dw_live.link (dbname) VALUES (") == -1 ||
	    buf_add(&b, lit) == -1 || buf_add(&b, ") ON CONFLICT (one) DO "
	    "UPDATE SET dbname = excluded.dbname, linked_at = now()") == -1) {
		PQfreemem(lit);
		goto oom;
	}
	PQfreemem(lit);
	if (exec_ok(dw, b.p, err, errlen) == -1 ||
	    exec_ok(dw, "COMMIT", err, errlen) == -1)
		goto fail;
	rc = 0;
	goto done;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	r = PQexec(dw, "ROLLBACK");
	PQclear(r);
done:
	PQclear(sr);
	free(b.p);
	PQconninfoFree(opts);
	return (rc);
}

static int
name_cmp(const void *a, const void *b)
{
	return (strcmp(*(const char *const *)a, *(const char *const *)b));
}

/*
 * The server's migration runner (portal/init.c) for the dw area alone,
 * on the warehouse database: same table (public.schema_migrations), same
 * names (dw/NNN_name.sql), same lock, each file its own transaction.
 */
int
dw_migrate(PGconn *dw, const char *root, char *err, size_t errlen)
{
	DIR		*d;
	struct dirent	*de;
	FILE		*fp;
	PGresult	*r;
	char		 dir[1024], path[1400], name[300], *files[256];
	const char	*vals[1];
	char		*sql;
	size_t		 n = 0, i, len;
	long		 sz;
	int		 rc = -1;

	snprintf(dir, sizeof(dir), "%s/dw/sql", root);
	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errlen, "cannot open %s (set G2B_ROOT to the "
		    "portal's directory)", dir);
		return (-1);
	}
	while ((de = readdir(d)) != NULL && n < 256) {
		len = strlen(de->d_name);
		if (len > 4 && !strcmp(de->d_name + len - 4, ".sql") &&
		    (files[n] = strdup(de->d_name)) != NULL)
			n++;
	}
	closedir(d);
	qsort(files, n, sizeof(files[0]), name_cmp);

	if (exec_ok(dw, "SET client_min_messages = warning", err,
	    errlen) == -1 ||
	    exec_ok(dw, "SELECT pg_advisory_lock(7242001)", err, errlen) == -1)
		goto out;
	if (exec_ok(dw, "CREATE TABLE IF NOT EXISTS public.schema_migrations "
	    "(name text PRIMARY KEY, applied_at timestamptz NOT NULL "
	    "DEFAULT now())", err, errlen) == -1)
		goto unlock;
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "dw/%s", files[i]);
		vals[0] = name;
		r = PQexecParams(dw, "SELECT 1 FROM public.schema_migrations "
		    "WHERE name = $1", 1, NULL, vals, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			snprintf(err, errlen, "%s", PQerrorMessage(dw));
			PQclear(r);
			goto unlock;
		}
		if (PQntuples(r) == 1) {
			PQclear(r);
			continue;
		}
		PQclear(r);
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if ((fp = fopen(path, "rb")) == NULL) {
			snprintf(err, errlen, "migration %s: cannot open", name);
			goto unlock;
		}
		fseek(fp, 0, SEEK_END);
		sz = ftell(fp);
		fseek(fp, 0, SEEK_SET);
		if (sz < 0 || (sql = malloc((size_t)sz + 1)) == NULL) {
			fclose(fp);
			snprintf(err, errlen, "migration %s: cannot read", name);
			goto unlock;
		}
		if (fread(sql, 1, (size_t)sz, fp) != (size_t)sz) {
			fclose(fp);
			free(sql);
			snprintf(err, errlen, "migration %s: cannot read", name);
			goto unlock;
		}
		fclose(fp);
		sql[sz] = '\0';
		if (exec_ok(dw, "BEGIN", err, errlen) == -1) {
			free(sql);
			goto unlock;
		}
		r = PQexec(dw, sql);
		free(sql);
		if (PQresultStatus(r) != PGRES_COMMAND_OK &&
		    PQresultStatus(r) != PGRES_TUPLES_OK) {
			snprintf(err, errlen, "migration %s failed: %s", name,
			    PQerrorMessage(dw));
			PQclear(r);
			r = PQexec(dw, "ROLLBACK");
			PQclear(r);
			goto unlock;
		}
		PQclear(r);
		r = PQexecParams(dw, "INSERT INTO public.schema_migrations "
		    "(name) VALUES ($1)", 1, NULL, vals, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			snprintf(err, errlen, "migration %s: %s", name,
			    PQerrorMessage(dw));
			PQclear(r);
			r = PQexec(dw, "ROLLBACK");
			PQclear(r);
			goto unlock;
		}
		PQclear(r);
		if (exec_ok(dw, "COMMIT", err, errlen) == -1)
			goto unlock;
	}
	rc = 0;
unlock:
	r = PQexec(dw, "SELECT pg_advisory_unlock(7242001)");
	PQclear(r);
out:
	for (i = 0; i < n; i++)
		free(files[i]);
	return (rc);
}

int
dw_setup(const char *root, const char *livedsn, const char *linkdsn,
    const char *dwdsn, int *separate, char *err, size_t errlen)
{
	PGconn	*live, *dw;
	int	 rc = -1, same;

	*separate = 0;
	if (dwdsn == NULL || *dwdsn == '\0' || !strcmp(dwdsn, livedsn))
		return (0);
	live = PQconnectdb(livedsn);
	if (PQstatus(live) != CONNECTION_OK) {
		snprintf(err, errlen, "live database: %s",
		    PQerrorMessage(live));
		PQfinish(live);
		return (-1);
	}
	dw = PQconnectdb(dwdsn);
	if (PQstatus(dw) != CONNECTION_OK) {
		snprintf(err, errlen, "warehouse database: %s",
		    PQerrorMessage(dw));
		goto out;
	}
	if ((same = dw_same_database(live, dw)) == -1) {
		snprintf(err, errlen, "cannot compare the databases: %s",
		    PQerrorMessage(live));
		goto out;
	}
	if (same) {
		rc = 0;
		goto out;
	}
	*separate = 1;
	/* Link first: the dw migrations refer to the live schemas. */
	if (dw_link(live, dw, linkdsn, err, errlen) == -1 ||
	    dw_migrate(dw, root, err, errlen) == -1)
		goto out;
	rc = 0;
out:
	PQfinish(dw);
	PQfinish(live);
	return (rc);
}
