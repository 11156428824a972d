/*
 * g2b-logs: import web access logs (Common/Combined Log Format, from Kore,
 * nginx or Apache) into PostgreSQL schema "usage" and report on them.
 *
 *   g2b-logs import [--db CONNINFO] [--batch LINES] [--max-open N]
 *                   [--close-all] [--quiet] FILE...
 *   g2b-logs report [--db CONNINFO] [--from DATE] [--to DATE] [--tz ZONE]
 *                   [--top N]
 *   g2b-logs funnel add [--db CONNINFO] NAME STEP...
 *   g2b-logs funnel list [--db CONNINFO]
 *   g2b-logs privacy [--db CONNINFO] [--days N]
 *   g2b-logs migrate [--db CONNINFO]
 *
 * --db defaults to $G2B_DB. The schema comes from crm/sql/001_usage.sql:
 * when public.schema_migrations does not list it, g2b-logs applies it the
 * way the portal does at start-up (same advisory lock, same record), from
 * $G2B_ROOT/crm/sql or the source tree it was built from.
 *
 * Import: each file is streamed through a fixed buffer; a file is its
 * device, inode and the SHA-256 of its first line, and its row remembers
 * the byte offset after the last line fully processed. Lines go in batches
 * (--batch, default 500000): everything a batch produced (hourly counters
 * added to, closed sessions, funnel results, bad-line counts and samples,
 * the snapshot of the sessions still open) commits in one transaction with
 * the new offset, so an import killed at any point restarts exactly where
 * the last commit left it: no line skipped, none counted twice. A line not
 * yet ended by a newline waits for the next import. Sessions open at the
 * end are kept (usage.open_session) and resumed by the next import, which
 * may continue them; --close-all closes them (a log that is complete).
 * Memory is bounded: fixed-size counter tables are written out (inside the
 * batch's transaction) when full, sessions beyond --max-open are closed
 * oldest first. One import at a time (an advisory lock).
 *
 * Exit status: 0 done, 1 failure, 2 bad command line, 3 another import
 * is running.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
#include <postgresql/libpq-fe.h>
#endif
#else
#include <libpq-fe.h>
#endif

#include <openssl/evp.h>

#include "logparse.h"
#include "strbuf.h"
#include "usage.h"

#ifndef G2B_LOGS_ROOT
#define G2B_LOGS_ROOT	"."
#endif

#define MIGRATION	"crm/001_usage.sql"
#define MIGRATE_LOCK	7242001		/* the portal's */
#define IMPORT_LOCK	7242006
#define BUFSZ		(4u << 20)
#define LINE_LIMIT	(64u << 10)
#define SAMPLES		10		/* bad-line samples per reason, file, run */
#define SAMPLE_MAX	1000
#define SPILL_BYTES	(16u << 20)

static volatile sig_atomic_t	stop_requested;

static void
die(const char *fmt, ...)
{
	va_list	ap;

	fputs("g2b-logs: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static const char usage_text[] =
"usage: g2b-logs import [--db CONNINFO] [--batch LINES] [--max-open N]\n"
"                       [--close-all] [--quiet] FILE...\n"
"       g2b-logs report [--db CONNINFO] [--from DATE] [--to DATE]\n"
"                       [--tz ZONE] [--top N]\n"
"       g2b-logs funnel add [--db CONNINFO] NAME STEP...\n"
"       g2b-logs funnel list [--db CONNINFO]\n"
"       g2b-logs privacy [--db CONNINFO] [--days N]\n"
"       g2b-logs migrate [--db CONNINFO]\n"
"A funnel step is \"[METHOD ]ROUTE[*]\", e.g. \"GET /notices/:id\" or\n"
"\"POST /notices/:id/bid\" (METHOD defaults to GET, '*' ends a prefix).\n"
"--db defaults to $G2B_DB. Give rotated files too, oldest first (e.g.\n"
"access.log.* access.log): a renamed file is known by its inode and first\n"
"line and continues where it stopped.\n";

/* ---------------------------------------------------------------- db */

static PGconn	*db;

static PGresult *
q(const char *sql, int n, const char *const *vals)
{
	PGresult	*r;
	ExecStatusType	 st;

	r = PQexecParams(db, sql, n, NULL, vals, NULL, NULL, 0);
	st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		die("database: %s(in: %.200s)", PQerrorMessage(db), sql);
	return (r);
}

static void
qx(const char *sql)
{
	PQclear(q(sql, 0, NULL));
}

static void
qp(const char *sql, int n, const char *const *vals)
{
	PQclear(q(sql, n, vals));
}

/* COPY ... FROM STDIN with the data in b. */
static void
copy_in(const char *sql, const struct strbuf *b)
{
	PGresult	*r;
	size_t		 off, n;

	r = PQexec(db, sql);
	if (PQresultStatus(r) != PGRES_COPY_IN)
		die("database: %s(in: %s)", PQerrorMessage(db), sql);
	PQclear(r);
	for (off = 0; off < b->len; off += n) {
		n = b->len - off;
		if (n > (1u << 20))
			n = 1u << 20;
		if (PQputCopyData(db, b->data + off, (int)n) != 1)
			die("database: %s", PQerrorMessage(db));
	}
	if (PQputCopyEnd(db, NULL) != 1)
		die("database: %s", PQerrorMessage(db));
	r = PQgetResult(db);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		die("database: %s(in: %s)", PQerrorMessage(db), sql);
	PQclear(r);
	while ((r = PQgetResult(db)) != NULL)
		PQclear(r);
}

static void
connect_db(const char *conninfo)
{
	if (conninfo == NULL || *conninfo == '\0')
		die("no database: give --db CONNINFO or set G2B_DB");
	db = PQconnectdb(conninfo);
	if (PQstatus(db) != CONNECTION_OK)
		die("cannot connect: %s", PQerrorMessage(db));
	qx("SET client_min_messages = warning");
	qx("SET TIME ZONE 'UTC'");
}

static char *
read_file(const char *path)
{
	FILE	*f;
	long	 n;
	char	*s;

	if ((f = fopen(path, "rb")) == NULL)
		return (NULL);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL) {
		fclose(f);
		return (NULL);
	}
	if (fread(s, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(s);
		return (NULL);
	}
	s[n] = '\0';
	fclose(f);
	return (s);
}

/*
 * Apply crm/sql/001_usage.sql if schema_migrations does not list it, as
 * the portal does (its lock, its record).
 */
static void
ensure_schema(int verbose)
{
	PGresult	*r;
	const char	*vals[1] = { MIGRATION };
	const char	*root;
	char		 path[4096], *sql;
	int		 have;

	qx("SELECT pg_advisory_lock(7242001)");
	qx("CREATE TABLE IF NOT EXISTS public.schema_migrations ("
	    "name text PRIMARY KEY, applied_at timestamptz NOT NULL "
	    "DEFAULT now())");
	r = q("SELECT 1 FROM public.schema_migrations WHERE name = $1", 1,
	    vals);
	have = PQntuples(r) == 1;
	PQclear(r);
	if (!have) {
		root = getenv("G2B_ROOT");
		if (root == NULL || *root == '\0')
			root = G2B_LOGS_ROOT;
		snprintf(path, sizeof(path), "%s/crm/sql/001_usage.sql", root);
		if ((sql = read_file(path)) == NULL)
			die("schema usage missing and %s unreadable: set "
			    "G2B_ROOT to the source tree or start the portal "
			    "once", path);
		qx("BEGIN");
		r = PQexec(db, sql);
		if (PQresultStatus(r) != PGRES_COMMAND_OK &&
		    PQresultStatus(r) != PGRES_TUPLES_OK)
			die("migration %s failed: %s", MIGRATION,
			    PQerrorMessage(db));
		PQclear(r);
		qp("INSERT INTO public.schema_migrations (name) VALUES ($1)",
		    1, vals);
		qx("COMMIT");
		free(sql);
		if (verbose)
			fprintf(stderr, "g2b-logs: applied %s\n", MIGRATION);
	}
	qx("SELECT pg_advisory_unlock(7242001)");
}

/* ---------------------------------------------------------------- text */

/* Length of the valid UTF-8 sequence at s (c >= 0x80), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t	need, k;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 1;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 2;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 3;
	else
		return (0);
	if (need >= n)
		return (0);
	for (k = 1; k <= need; k++)
		if ((s[k] & 0xc0) != 0x80)
			return (0);
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return (0);
	return (need + 1);
}

/* Append s as a COPY text field: escapes, and invalid UTF-8 as '?'. */
static void
put_text(struct strbuf *b, const char *s, size_t n)
{
	char		 tmp[512];
	size_t		 o, i, k;
	unsigned char	 c;

	o = 0;
	for (i = 0; i < n; i++) {
		if (o + 8 > sizeof(tmp)) {
			strbuf_append(b, tmp, o);
			o = 0;
		}
		c = (unsigned char)s[i];
		if (c < 0x80) {
			switch (c) {
			case '\\': tmp[o++] = '\\'; tmp[o++] = '\\'; break;
			case '\t': tmp[o++] = '\\'; tmp[o++] = 't'; break;
			case '\n': tmp[o++] = '\\'; tmp[o++] = 'n'; break;
			case '\r': tmp[o++] = '\\'; tmp[o++] = 'r'; break;
			default:
				tmp[o++] = c < 0x20 || c == 0x7f ? '?' :
				    (char)c;
			}
			continue;
		}
		if ((k = utf8_len((const unsigned char *)s + i, n - i)) == 0) {
			tmp[o++] = '?';
			continue;
		}
		memcpy(tmp + o, s + i, k);
		o += k;
		i += k - 1;
	}
	strbuf_append(b, tmp, o);
}

static void
put_str(struct strbuf *b, const char *s)
{
	put_text(b, s, strlen(s));
}

static void
put_i64(struct strbuf *b, int64_t v)
{
	char	tmp[24], *p;
	uint64_t u;
	int	neg;

	p = tmp + sizeof(tmp);
	neg = v < 0;
	u = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (neg)
		*--p = '-';
	strbuf_append(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

static void
put_c(struct strbuf *b, char c)
{
	strbuf_append(b, &c, 1);
}

/* Epoch seconds as "YYYY-MM-DD HH:MM:SS+00". */
static void
put_ts(struct strbuf *b, int64_t t)
{
	int64_t		z, era, doe, yoe, y, doy, mp, d, m, s;
	char		tmp[32];
	int		n;

	s = ((t % 86400) + 86400) % 86400;
	z = (t - s) / 86400 + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	n = snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d %02d:%02d:%02d+00",
	    (int)y, (int)m, (int)d, (int)(s / 3600), (int)(s / 60 % 60),
	    (int)(s % 60));
	strbuf_append(b, tmp, (size_t)n);
}

/* ---------------------------------------------------------------- import */

struct route_key {
	int64_t		hour;
	int64_t		status;
	char		method[8];
	char		route[US_ROUTE_MAX];
};
#define ROUTE_NVAL	(4 + US_RT_BUCKETS)	/* hits bytes rt_n rt_sum hist */

struct agent_key {
	int64_t		hour;
	int64_t		cls;		/* browser | os << 8 | bot << 16 */
};

struct ref_key {
	int64_t		hour;
	char		host[64];
};

struct region_net {
	unsigned char	addr[16];
	int		family;
	int		bits;
	char		region[US_REGION_MAX];
};

struct file_state {
	int64_t		 id;
	const char	*path;
	int64_t		 pos;		/* committed offset */
	int64_t		 lines;		/* this run */
	int64_t		 bad;
	int64_t		 bad_by[LP_E_COUNT];
	int		 samples[LP_E_COUNT];
	int64_t		 first_ts;
	int64_t		 last_ts;
};

struct importer {
	struct us_tracker	 tr;
	struct us_map		 routes;
	struct us_map		 agents;
	struct us_map		 refs;
	struct us_map		 funnels;
	struct strbuf		 sessions;	/* COPY rows of closed ones */
	struct strbuf		 samples;	/* COPY rows of bad_sample */
	struct lp_timecache	 tc;
	struct lp_agentcache	*ac;
	struct region_net	*nets;
	size_t			 nnets;
	struct file_state	*file;
	int64_t			 run_id;
	int64_t			 batch;		/* lines per batch */
	int64_t			 in_batch;
	int64_t			 crash_after;	/* test hook: lines */
	int64_t			 ip_cutoff;	/* sessions before: cut address */
	int			 in_tx;
	int			 quiet;
	/* run totals */
	int64_t			 lines;
	int64_t			 bad;
	int64_t			 bytes;
	int64_t			 closed;
	int64_t			 closed_batch;
	int			 files;
};

static const char *const known_methods[] = { "GET", "POST", "HEAD", "PUT",
	"DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE", "PROPFIND", NULL };

static void
method_of(const struct lp_str *m, char out[8])
{
	int	i;

	memset(out, 0, 8);
	for (i = 0; known_methods[i] != NULL; i++)
		if (strlen(known_methods[i]) == m->n &&
		    memcmp(known_methods[i], m->p, m->n) == 0) {
			memcpy(out, m->p, m->n < 8 ? m->n : 7);
			return;
		}
	memcpy(out, "OTHER", 5);
}

static void
region_of(void *arg, struct us_session *s)
{
	struct importer	*im = arg;
	unsigned char	 a[16];
	char		 ip[48];
	size_t		 i, n, full, rem;
	int		 fam;

	if (im->nnets == 0)
		return;
	n = strlen(s->ip);
	if (n > 0 && s->ip[0] == '[') {		/* [v6] */
		snprintf(ip, sizeof(ip), "%.*s", (int)(n - 2), s->ip + 1);
	} else
		snprintf(ip, sizeof(ip), "%s", s->ip);
	if (strchr(ip, '%') != NULL)
		*strchr(ip, '%') = '\0';
	fam = strchr(ip, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(fam, ip, a) != 1)
		return;
	for (i = 0; i < im->nnets; i++) {
		if (im->nets[i].family != fam)
			continue;
		full = (size_t)im->nets[i].bits / 8;
		rem = (size_t)im->nets[i].bits % 8;
		if (memcmp(a, im->nets[i].addr, full) != 0)
			continue;
		if (rem != 0 && ((a[full] ^ im->nets[i].addr[full]) &
		    (0xff << (8 - rem)) & 0xff) != 0)
			continue;
		snprintf(s->region, sizeof(s->region), "%s",
		    im->nets[i].region);
		return;
	}
}

static void spill_funnels(struct importer *);
static void spill_sessions(struct importer *);

/*
 * An address cut as usage.cut_ip cuts it: IPv4 to its /24, IPv6 to its
 * /48 (network address and length), anything else "redacted".
 */
static void
truncate_ip(const char *ip, char *out, size_t size)
{
	unsigned char	a[16];
	char		buf[64], txt[INET6_ADDRSTRLEN];
	size_t		n;

	n = strlen(ip);
	if (n >= 2 && ip[0] == '[' && ip[n - 1] == ']')
		snprintf(buf, sizeof(buf), "%.*s", (int)(n - 2), ip + 1);
	else
		snprintf(buf, sizeof(buf), "%s", ip);
	if (inet_pton(AF_INET, buf, a) == 1) {
		a[3] = 0;
		inet_ntop(AF_INET, a, txt, sizeof(txt));
		snprintf(out, size, "%s/24", txt);
	} else if (inet_pton(AF_INET6, buf, a) == 1) {
		memset(a + 6, 0, 10);
		inet_ntop(AF_INET6, a, txt, sizeof(txt));
		snprintf(out, size, "%s/48", txt);
	} else
		snprintf(out, size, "redacted");
}

static void
session_closed(void *arg, const struct us_session *s)
{
	struct importer	*im = arg;
	struct strbuf	*b = &im->sessions;
	char		 cut[64];
	int		 old = s->start < im->ip_cutoff;

	put_str(b, s->visitor);
	put_c(b, '\t');
	if (old) {
		truncate_ip(s->ip, cut, sizeof(cut));
		put_str(b, cut);
	} else
		put_str(b, s->ip);
	put_c(b, '\t');
	put_c(b, old ? 't' : 'f');
	put_c(b, '\t');
	put_str(b, us_utype_name(s->utype));
	put_c(b, '\t');
	put_str(b, s->region);
	put_c(b, '\t');
	put_c(b, s->bot ? 't' : 'f');
	put_c(b, '\t');
	put_ts(b, s->start);
	put_c(b, '\t');
	put_ts(b, s->last);
	put_c(b, '\t');
	put_str(b, s->entry);
	put_c(b, '\t');
	put_str(b, s->exit);
	put_c(b, '\t');
	put_i64(b, s->depth);
	put_c(b, '\t');
	put_i64(b, s->hits);
	put_c(b, '\n');
	im->closed++;
	im->closed_batch++;
	if (im->funnels.count + (size_t)im->tr.nfunnel > im->funnels.limit)
		spill_funnels(im);
	if (us_funnel_count(&im->funnels, &im->tr, s) == -1)
		die("funnel table full");
	if (b->len > SPILL_BYTES)
		spill_sessions(im);
}

static void
begin(struct importer *im)
{
	if (!im->in_tx) {
		qx("BEGIN");
		im->in_tx = 1;
	}
}

static void
spill_sessions(struct importer *im)
{
	if (im->sessions.len == 0)
		return;
	begin(im);
	copy_in("COPY usage.session (visitor, ip, ip_truncated, utype, "
	    "region, bot, started, ended, entry, exit, depth, hits) FROM STDIN",
	    &im->sessions);
	strbuf_reset(&im->sessions);
}

static void
spill_routes(struct importer *im)
{
	struct strbuf		 b;
	const struct route_key	*k;
	const int64_t		*v;
	const void		*kp;
	size_t			 i = 0;
	int			 j;

	if (im->routes.count == 0)
		return;
	begin(im);
	strbuf_init(&b);
	while (us_map_next(&im->routes, &i, &kp, &v)) {
		k = kp;
		put_i64(&b, k->hour);
		put_c(&b, '\t');
		put_str(&b, k->method);
		put_c(&b, '\t');
		put_str(&b, k->route);
		put_c(&b, '\t');
		put_i64(&b, k->status);
		for (j = 0; j < ROUTE_NVAL; j++) {
			put_c(&b, '\t');
			put_i64(&b, v[j]);
		}
		put_c(&b, '\n');
	}
	copy_in("COPY stage_route FROM STDIN", &b);
	strbuf_cleanup(&b);
	qx("INSERT INTO usage.agg_route AS a (hour, method, route, status, "
	    "hits, bytes, rt_n, rt_sum_us, rt_hist) "
	    "SELECT to_timestamp(hour), method, route, status, hits, bytes, "
	    "rt_n, rt_sum, ARRAY[h0,h1,h2,h3,h4,h5,h6,h7,h8,h9] "
	    "FROM stage_route "
	    "ON CONFLICT (hour, method, route, status) DO UPDATE SET "
	    "hits = a.hits + excluded.hits, bytes = a.bytes + excluded.bytes, "
	    "rt_n = a.rt_n + excluded.rt_n, "
	    "rt_sum_us = a.rt_sum_us + excluded.rt_sum_us, "
	    "rt_hist = usage.array_add(a.rt_hist, excluded.rt_hist)");
	qx("TRUNCATE stage_route");
	us_map_clear(&im->routes);
}

static void
spill_agents(struct importer *im)
{
	struct strbuf		 b;
	const struct agent_key	*k;
	const int64_t		*v;
	const void		*kp;
	size_t			 i = 0;

	if (im->agents.count == 0)
		return;
	begin(im);
	strbuf_init(&b);
	while (us_map_next(&im->agents, &i, &kp, &v)) {
		k = kp;
		put_i64(&b, k->hour);
		put_c(&b, '\t');
		put_str(&b, lp_browser_name((int)(k->cls & 0xff)));
		put_c(&b, '\t');
		put_str(&b, lp_os_name((int)((k->cls >> 8) & 0xff)));
		put_c(&b, '\t');
		put_c(&b, (k->cls >> 16) & 1 ? 't' : 'f');
		put_c(&b, '\t');
		put_i64(&b, v[0]);
		put_c(&b, '\t');
		put_i64(&b, v[1]);
		put_c(&b, '\n');
	}
	copy_in("COPY stage_agent FROM STDIN", &b);
	strbuf_cleanup(&b);
	qx("INSERT INTO usage.agg_agent AS a (hour, browser, os, bot, hits, "
	    "pages) SELECT to_timestamp(hour), browser, os, bot, hits, pages "
	    "FROM stage_agent ON CONFLICT (hour, browser, os, bot) DO UPDATE "
	    "SET hits = a.hits + excluded.hits, "
	    "pages = a.pages + excluded.pages");
	qx("TRUNCATE stage_agent");
	us_map_clear(&im->agents);
}

static void
spill_refs(struct importer *im)
{
	struct strbuf		 b;
	const struct ref_key	*k;
	const int64_t		*v;
	const void		*kp;
	size_t			 i = 0;

	if (im->refs.count == 0)
		return;
	begin(im);
	strbuf_init(&b);
	while (us_map_next(&im->refs, &i, &kp, &v)) {
		k = kp;
		put_i64(&b, k->hour);
		put_c(&b, '\t');
		put_text(&b, k->host, strnlen(k->host, sizeof(k->host)));
		put_c(&b, '\t');
		put_i64(&b, v[0]);
		put_c(&b, '\n');
	}
	copy_in("COPY stage_ref FROM STDIN", &b);
	strbuf_cleanup(&b);
	qx("INSERT INTO usage.agg_referrer AS a (hour, host, hits) "
	    "SELECT to_timestamp(hour), host, hits FROM stage_ref "
	    "ON CONFLICT (hour, host) DO UPDATE SET hits = a.hits + "
	    "excluded.hits");
	qx("TRUNCATE stage_ref");
	us_map_clear(&im->refs);
}

static void
spill_funnels(struct importer *im)
{
	struct strbuf			 b;
	const struct us_funnel_key	*k;
	const int64_t			*v;
	const void			*kp;
	size_t				 i = 0;
	int				 j;

	if (im->funnels.count == 0)
		return;
	begin(im);
	strbuf_init(&b);
	while (us_map_next(&im->funnels, &i, &kp, &v)) {
		k = kp;
		put_i64(&b, k->funnel);
		put_c(&b, '\t');
		put_i64(&b, k->hour);
		put_c(&b, '\t');
		put_str(&b, us_utype_name((int)k->utype));
		put_c(&b, '\t');
		put_text(&b, k->region, strnlen(k->region,
		    sizeof(k->region)));
		for (j = 0; j < US_FUNNEL_NVAL; j++) {
			put_c(&b, '\t');
			put_i64(&b, v[j]);
		}
		put_c(&b, '\n');
	}
	copy_in("COPY stage_funnel FROM STDIN", &b);
	strbuf_cleanup(&b);
	qx("INSERT INTO usage.funnel_result AS a (funnel_id, hour, utype, "
	    "region, sessions, reached) "
	    "SELECT s.funnel_id, to_timestamp(s.hour), s.utype, s.region, "
	    "s.sessions, (ARRAY[r1,r2,r3,r4,r5,r6,r7,r8,r9,r10,r11,r12,r13,"
	    "r14,r15,r16])[1:cardinality(f.steps)] "
	    "FROM stage_funnel s JOIN usage.funnel f ON f.id = s.funnel_id "
	    "ON CONFLICT (funnel_id, hour, utype, region) DO UPDATE SET "
	    "sessions = a.sessions + excluded.sessions, "
	    "reached = usage.array_add(a.reached, excluded.reached)");
	qx("TRUNCATE stage_funnel");
	us_map_clear(&im->funnels);
}

struct snap {
	struct importer	*im;
	struct strbuf	 b;
};

static void
snap_one(void *arg, const struct us_session *s)
{
	struct snap	*sn = arg;
	struct strbuf	*b = &sn->b;
	int		 i, first = 1;

	put_i64(b, (int64_t)s->key);
	put_c(b, '\t');
	put_str(b, s->visitor);
	put_c(b, '\t');
	put_str(b, s->ip);
	put_c(b, '\t');
	put_str(b, us_utype_name(s->utype));
	put_c(b, '\t');
	put_str(b, s->region);
	put_c(b, '\t');
	put_c(b, s->bot ? 't' : 'f');
	put_c(b, '\t');
	put_ts(b, s->start);
	put_c(b, '\t');
	put_ts(b, s->last);
	put_c(b, '\t');
	put_str(b, s->entry);
	put_c(b, '\t');
	put_str(b, s->exit);
	put_c(b, '\t');
	put_i64(b, s->depth);
	put_c(b, '\t');
	put_i64(b, s->hits);
	put_c(b, '\t');
	put_c(b, '{');
	for (i = 0; i < sn->im->tr.nfunnel; i++) {
		if (s->progress[i] == 0)
			continue;
		if (!first)
			put_c(b, ',');
		first = 0;
		put_c(b, '"');
		put_i64(b, sn->im->tr.funnel[i].id);
		strbuf_append(b, "\":", 2);
		put_i64(b, s->progress[i]);
	}
	put_c(b, '}');
	put_c(b, '\n');
}

static void
flush_bad(struct importer *im, struct file_state *f)
{
	char	 fid[24], n[24];
	const char *vals[3];
	int	 e;

	snprintf(fid, sizeof(fid), "%" PRId64, f->id);
	for (e = 1; e < LP_E_COUNT; e++) {
		if (f->bad_by[e] == 0)
			continue;
		snprintf(n, sizeof(n), "%" PRId64, f->bad_by[e]);
		vals[0] = fid;
		vals[1] = lp_error_name(e);
		vals[2] = n;
		qp("INSERT INTO usage.bad_count AS c (file_id, reason, n) "
		    "VALUES ($1, $2, $3) ON CONFLICT (file_id, reason) DO "
		    "UPDATE SET n = c.n + excluded.n", 3, vals);
		f->bad_by[e] = 0;
	}
	if (im->samples.len > 0) {
		copy_in("COPY usage.bad_sample (file_id, run_id, reason, pos, "
		    "line) FROM STDIN", &im->samples);
		strbuf_reset(&im->samples);
	}
}

/*
 * Commit everything the lines up to pos produced, with pos.
 */
static void
commit(struct importer *im, int64_t pos)
{
	struct file_state	*f = im->file;
	struct snap		 sn;
	char			 a[8][32];
	const char		*vals[8];
	int			 i;

	begin(im);
	spill_routes(im);
	spill_agents(im);
	spill_refs(im);
	spill_funnels(im);
	spill_sessions(im);
	if (f != NULL)
		flush_bad(im, f);
	/* The open sessions as of pos. */
	qx("DELETE FROM usage.open_session");
	sn.im = im;
	strbuf_init(&sn.b);
	us_foreach_open(&im->tr, snap_one, &sn);
	if (sn.b.len > 0)
		copy_in("COPY usage.open_session (key, visitor, ip, utype, "
		    "region, bot, started, last, entry, exit, depth, hits, "
		    "progress) FROM STDIN", &sn.b);
	strbuf_cleanup(&sn.b);
	if (f != NULL) {
		snprintf(a[0], 32, "%" PRId64, f->id);
		snprintf(a[1], 32, "%" PRId64, pos);
		snprintf(a[2], 32, "%" PRId64, f->lines);
		snprintf(a[3], 32, "%" PRId64, f->bad);
		snprintf(a[4], 32, "%" PRId64, f->first_ts);
		snprintf(a[5], 32, "%" PRId64, f->last_ts);
		for (i = 0; i < 6; i++)
			vals[i] = a[i];
		if (f->first_ts == INT64_MAX)
			vals[4] = vals[5] = NULL;
		qp("UPDATE usage.import_file SET pos = $2, lines = lines + $3, "
		    "bad = bad + $4, first_ts = coalesce(first_ts, "
		    "to_timestamp($5::bigint)), last_ts = coalesce("
		    "greatest(last_ts, to_timestamp($6::bigint)), last_ts), "
		    "updated = now() WHERE id = $1", 6, vals);
		f->pos = pos;
		f->lines = f->bad = 0;
	}
	snprintf(a[0], 32, "%" PRId64, im->run_id);
	snprintf(a[1], 32, "%" PRId64, im->in_batch);
	snprintf(a[2], 32, "%" PRId64, im->bad);
	snprintf(a[3], 32, "%" PRId64, im->closed_batch);
	snprintf(a[4], 32, "%d", im->files);
	for (i = 0; i < 5; i++)
		vals[i] = a[i];
	qp("UPDATE usage.import_run SET lines = lines + $2, bad = $3, "
	    "sessions = sessions + $4, files = $5 WHERE id = $1", 5, vals);
	qx("COMMIT");
	im->in_tx = 0;
	im->in_batch = 0;
	im->closed_batch = 0;
}

static void
referrer_host(const struct lp_str *r, char out[64])
{
	const char	*p, *e, *h;
	size_t		 n, i;

	memset(out, 0, 64);
	p = r->p;
	e = r->p + r->n;
	h = NULL;
	for (; p + 2 < e; p++)
		if (p[0] == ':' && p[1] == '/' && p[2] == '/') {
			h = p + 3;
			break;
		}
	if (h == NULL) {
		memcpy(out, "(other)", 7);
		return;
	}
	if ((p = memchr(h, '@', (size_t)(e - h))) != NULL &&
	    memchr(h, '/', (size_t)(p - h)) == NULL)
		h = p + 1;	/* user:pass@host */
	for (p = h; p < e && *p != '/' && *p != '?' && *p != '#'; p++)
		;
	n = (size_t)(p - h);
	if (n > 63)
		n = 63;
	for (i = 0; i < n; i++)
		out[i] = (char)((h[i] >= 'A' && h[i] <= 'Z') ? h[i] + 32 :
		    h[i]);
	if (n == 0)
		memcpy(out, "(other)", 7);
}

static int
is_health(const struct lp_str *p)
{
	return (p->n >= 7 && memcmp(p->p, "/health", 7) == 0 &&
	    (p->n == 7 || p->p[7] == '/'));
}

static void
bad_line(struct importer *im, int err, const char *s, size_t n, int64_t at)
{
	struct file_state	*f = im->file;
	struct strbuf		*b = &im->samples;

	f->bad++;
	f->bad_by[err]++;
	im->bad++;
	if (f->samples[err] >= SAMPLES)
		return;
	f->samples[err]++;
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	put_i64(b, f->id);
	put_c(b, '\t');
	put_i64(b, im->run_id);
	put_c(b, '\t');
	put_str(b, lp_error_name(err));
	put_c(b, '\t');
	put_i64(b, at);
	put_c(b, '\t');
	put_text(b, s, n > SAMPLE_MAX ? SAMPLE_MAX : n);
	put_c(b, '\n');
}

static void
line(struct importer *im, const char *s, size_t n, int64_t at)
{
	struct lp_line	 l;
	struct lp_agent	 ag;
	struct route_key rk;
	struct agent_key akey;
	struct ref_key	 refk;
	struct us_hit	 h;
	int64_t		*v, hour;
	int		 err, page, asset;

	im->file->lines++;
	im->in_batch++;
	if (n > LINE_LIMIT) {
		bad_line(im, LP_E_TOOLONG, s, n, at);
		return;
	}
	if ((err = lp_parse(&im->tc, s, n, &l)) != LP_OK) {
		bad_line(im, err, s, n, at);
		return;
	}
	if (l.ts < im->file->first_ts)
		im->file->first_ts = l.ts;
	if (l.ts > im->file->last_ts)
		im->file->last_ts = l.ts;
	hour = l.ts - l.ts % 3600;
	lp_classify_cached(im->ac, l.agent.p, l.agent.n, &ag);

	memset(&rk, 0, sizeof(rk));
	rk.hour = hour;
	rk.status = l.status;
	method_of(&l.method, rk.method);
	lp_route(rk.route, sizeof(rk.route), l.path.p, l.path.n);
	if ((v = us_map_get(&im->routes, &rk)) == NULL) {
		spill_routes(im);
		v = us_map_get(&im->routes, &rk);
	}
	v[0]++;
	if (l.bytes > 0)
		v[1] += l.bytes;
	if (l.resp_us >= 0) {
		v[2]++;
		v[3] += l.resp_us;
		v[4 + us_rt_bucket(l.resp_us)]++;
	}

	asset = lp_is_static(l.path.p, l.path.n) || is_health(&l.path);
	page = !asset && (rk.method[0] == 'G' || rk.method[0] == 'H') &&
	    !(l.status >= 300 && l.status < 400) &&
	    strncmp(rk.route, "/api/", 5) != 0;
	akey.hour = hour;
	akey.cls = ag.browser | (ag.os << 8) | (ag.bot << 16);
	if ((v = us_map_get(&im->agents, &akey)) == NULL) {
		spill_agents(im);
		v = us_map_get(&im->agents, &akey);
	}
	v[0]++;
	v[1] += page;

	if (l.referer.n > 0) {
		refk.hour = hour;
		referrer_host(&l.referer, refk.host);
		if ((v = us_map_get(&im->refs, &refk)) == NULL) {
			spill_refs(im);
			v = us_map_get(&im->refs, &refk);
		}
		v[0]++;
	}

	if (!asset) {
		h.ts = l.ts;
		h.user = l.user.p;
		h.user_n = l.user.n;
		h.ip = l.host.p;
		h.ip_n = l.host.n;
		h.agent = l.agent.p;
		h.agent_n = l.agent.n;
		h.method = l.method.p;
		h.method_n = l.method.n;
		h.route = rk.route;
		h.status = l.status;
		h.bot = ag.bot;
		us_hit(&im->tr, &h);
	}
}

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* SHA-256 (hex) of the first line; -1 when there is no complete line. */
static int
head_hash(int fd, char out[65])
{
	char		 buf[LINE_LIMIT];
	unsigned char	 md[32];
	unsigned int	 mdlen = 0;
	ssize_t		 n;
	char		*nl;
	int		 i;

	n = pread(fd, buf, sizeof(buf), 0);
	if (n <= 0)
		return (-1);
	if ((nl = memchr(buf, '\n', (size_t)n)) == NULL) {
		if ((size_t)n < sizeof(buf))
			return (-1);
		nl = buf + n - 1;	/* a huge first line: its start */
	}
	EVP_Digest(buf, (size_t)(nl - buf + 1), md, &mdlen, EVP_sha256(),
	    NULL);
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return (0);
}

static int
import_file(struct importer *im, const char *path)
{
	struct file_state	 f;
	struct stat		 st;
	PGresult		*r;
	char			 hh[65], dev[24], ino[24];
	const char		*vals[4];
	char			*buf, *p, *end, *nl;
	size_t			 have, used;
	int64_t			 base, pos;
	ssize_t			 n;
	int			 fd, skipping;

	if ((fd = open(path, O_RDONLY)) == -1) {
		fprintf(stderr, "g2b-logs: %s: %s\n", path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "g2b-logs: %s: not a regular file\n", path);
		close(fd);
		return (-1);
	}
	if (head_hash(fd, hh) == -1) {
		if (!im->quiet)
			fprintf(stderr, "g2b-logs: %s: no complete line yet\n",
			    path);
		close(fd);
		return (0);
	}
	memset(&f, 0, sizeof(f));
	f.path = path;
	f.first_ts = INT64_MAX;
	f.last_ts = INT64_MIN;
	snprintf(dev, sizeof(dev), "%" PRId64, (int64_t)st.st_dev);
	snprintf(ino, sizeof(ino), "%" PRId64, (int64_t)st.st_ino);
	vals[0] = dev;
	vals[1] = ino;
	vals[2] = hh;
	vals[3] = path;
	r = q("INSERT INTO usage.import_file AS f (dev, ino, head_hash, path) "
	    "VALUES ($1, $2, $3, $4) ON CONFLICT (dev, ino, head_hash) DO "
	    "UPDATE SET path = excluded.path RETURNING id, pos", 4, vals);
	f.id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	f.pos = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
	PQclear(r);
	if (f.pos > (int64_t)st.st_size) {
		fprintf(stderr, "g2b-logs: %s: shorter than the %" PRId64
		    " bytes already imported: truncated and rewritten, "
		    "importing from the start\n", path, f.pos);
		f.pos = 0;
	}
	im->file = &f;
	im->files++;
	if (!im->quiet)
		fprintf(stderr, "g2b-logs: %s: from byte %" PRId64 " of %"
		    PRId64 "\n", path, f.pos, (int64_t)st.st_size);
	if (lseek(fd, f.pos, SEEK_SET) == -1)
		die("%s: seek: %s", path, strerror(errno));
	if ((buf = malloc(BUFSZ)) == NULL)
		die("out of memory");
	have = 0;
	base = f.pos;		/* file offset of buf[0] */
	pos = f.pos;		/* after the last complete line */
	skipping = 0;
	begin(im);
	for (;;) {
		if (stop_requested)
			break;
		n = read(fd, buf + have, BUFSZ - have);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			die("%s: read: %s", path, strerror(errno));
		}
		if (n == 0)
			break;
		im->bytes += n;
		have += (size_t)n;
		p = buf;
		end = buf + have;
		if (skipping) {
			if ((nl = memchr(p, '\n', have)) == NULL) {
				base += (int64_t)have;
				have = 0;
				continue;
			}
			skipping = 0;
			p = nl + 1;
			pos = base + (p - buf);
		}
		while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			line(im, p, (size_t)(nl - p), base + (p - buf));
			p = nl + 1;
			pos = base + (p - buf);
			if (im->crash_after > 0 &&
			    im->lines + im->in_batch >= im->crash_after)
				_exit(99);	/* test hook: a kill */
			if (im->in_batch >= im->batch || stop_requested) {
				im->lines += im->in_batch;
				commit(im, pos);
				begin(im);
				if (stop_requested)
					break;
			}
		}
		if (stop_requested)
			break;
		used = (size_t)(p - buf);
		if (used == 0 && have == BUFSZ) {
			/* A line longer than the buffer: one bad line. */
			im->file->lines++;
			im->in_batch++;
			bad_line(im, LP_E_TOOLONG, buf, 200, base);
			skipping = 1;
			base += (int64_t)have;
			have = 0;
			continue;
		}
		memmove(buf, p, have - used);
		base += (int64_t)used;
		have -= used;
	}
	free(buf);
	close(fd);
	im->lines += im->in_batch;
	commit(im, pos);
	if (!im->quiet)
		fprintf(stderr, "g2b-logs: %s: up to byte %" PRId64 "%s\n",
		    path, pos, have > 0 || skipping ?
		    " (an unfinished last line waits)" : "");
	im->file = NULL;
	return (0);
}

static void
load_state(struct importer *im)
{
	PGresult		*r;
	struct us_funnel	 f;
	struct us_session	 s;
	char			*p, *e, *arr, *tok;
	int			 i, j, k, rows;
	int64_t			 fid;
	long			 v;

	r = q("SELECT salt, idle_minutes, extract(epoch FROM greatest(now() - "
	    "make_interval(days => ip_keep_days), cut_before))::bigint FROM "
	    "usage.settings", 0, NULL);
	if (PQntuples(r) != 1)
		die("usage.settings has no row");
	im->ip_cutoff = strtoll(PQgetvalue(r, 0, 2), NULL, 10);
	us_set_salt(&im->tr, PQgetvalue(r, 0, 0), strlen(PQgetvalue(r, 0, 0)));
	im->tr.idle = atoi(PQgetvalue(r, 0, 1)) * 60;
	PQclear(r);

	r = q("SELECT id, name, array_to_string(steps, chr(1)) FROM "
	    "usage.funnel WHERE active ORDER BY id", 0, NULL);
	for (i = 0; i < PQntuples(r); i++) {
		memset(&f, 0, sizeof(f));
		f.id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
		snprintf(f.name, sizeof(f.name), "%s", PQgetvalue(r, i, 1));
		arr = strdup(PQgetvalue(r, i, 2));
		for (p = arr; p != NULL && f.nsteps < US_MAX_STEPS; p = e) {
			if ((e = strchr(p, '\1')) != NULL)
				*e++ = '\0';
			if (us_step_parse(p, &f.step[f.nsteps]) == -1) {
				fprintf(stderr, "g2b-logs: funnel %s: bad step "
				    "'%s' ignored\n", f.name, p);
				continue;
			}
			f.nsteps++;
		}
		free(arr);
		if (f.nsteps > 0 && us_add_funnel(&im->tr, &f) == -1)
			fprintf(stderr, "g2b-logs: funnel %s not used: at most "
			    "%d funnels\n", f.name, US_MAX_FUNNELS);
	}
	PQclear(r);

	r = q("SELECT host(net), masklen(net), family(net), region FROM "
	    "usage.region_net ORDER BY masklen(net) DESC", 0, NULL);
	rows = PQntuples(r);
	im->nets = calloc((size_t)rows + 1, sizeof(*im->nets));
	for (i = 0; i < rows; i++) {
		struct region_net *n = &im->nets[im->nnets];

		n->family = atoi(PQgetvalue(r, i, 2)) == 6 ? AF_INET6 : AF_INET;
		n->bits = atoi(PQgetvalue(r, i, 1));
		snprintf(n->region, sizeof(n->region), "%s",
		    PQgetvalue(r, i, 3));
		if (inet_pton(n->family, PQgetvalue(r, i, 0), n->addr) == 1)
			im->nnets++;
	}
	PQclear(r);

	/* Sessions left open by the last import. */
	r = q("SELECT key, visitor, ip, utype, region, bot, "
	    "extract(epoch FROM started)::bigint, "
	    "extract(epoch FROM last)::bigint, entry, exit, depth, hits, "
	    "(SELECT string_agg(k || ':' || v, ',') FROM "
	    "jsonb_each_text(progress) AS e(k, v)) "
	    "FROM usage.open_session ORDER BY last", 0, NULL);
	for (i = 0; i < PQntuples(r); i++) {
		memset(&s, 0, sizeof(s));
		s.key = (uint64_t)strtoll(PQgetvalue(r, i, 0), NULL, 10);
		snprintf(s.visitor, sizeof(s.visitor), "%s",
		    PQgetvalue(r, i, 1));
		snprintf(s.ip, sizeof(s.ip), "%s", PQgetvalue(r, i, 2));
		for (k = 0; k < US_UT_COUNT; k++)
			if (strcmp(us_utype_name(k), PQgetvalue(r, i, 3)) == 0)
				s.utype = (uint8_t)k;
		snprintf(s.region, sizeof(s.region), "%s",
		    PQgetvalue(r, i, 4));
		s.bot = PQgetvalue(r, i, 5)[0] == 't';
		s.start = strtoll(PQgetvalue(r, i, 6), NULL, 10);
		s.last = strtoll(PQgetvalue(r, i, 7), NULL, 10);
		snprintf(s.entry, sizeof(s.entry), "%s", PQgetvalue(r, i, 8));
		snprintf(s.exit, sizeof(s.exit), "%s", PQgetvalue(r, i, 9));
		s.depth = (uint32_t)strtoul(PQgetvalue(r, i, 10), NULL, 10);
		s.hits = (uint32_t)strtoul(PQgetvalue(r, i, 11), NULL, 10);
		arr = strdup(PQgetvalue(r, i, 12));
		for (tok = strtok(arr, ","); tok != NULL;
		    tok = strtok(NULL, ",")) {
			fid = strtoll(tok, &p, 10);
			if (*p != ':')
				continue;
			v = strtol(p + 1, NULL, 10);
			for (j = 0; j < im->tr.nfunnel; j++)
				if (im->tr.funnel[j].id == fid)
					s.progress[j] = (uint8_t)(v >
					    im->tr.funnel[j].nsteps ?
					    im->tr.funnel[j].nsteps : v);
		}
		free(arr);
		if (us_restore(&im->tr, &s) == -1)
			die("out of memory");
	}
	if (!im->quiet && PQntuples(r) > 0)
		fprintf(stderr, "g2b-logs: resumed %d open sessions\n",
		    PQntuples(r));
	PQclear(r);
}

static void privacy(int);

static int
cmd_import(const char *conninfo, int argc, char **argv, int64_t batch,
    size_t max_open, int close_all, int quiet, int64_t crash_after)
{
	struct importer	 im;
	struct timespec	 t0, t1;
	PGresult	*r;
	char		 a[3][32];
	const char	*vals[3];
	double		 secs;
	int		 i, failed = 0;

	connect_db(conninfo);
	ensure_schema(!quiet);
	r = q("SELECT pg_try_advisory_lock(7242006)", 0, NULL);
	if (PQgetvalue(r, 0, 0)[0] != 't') {
		fprintf(stderr, "g2b-logs: another import is running on this "
		    "database\n");
		exit(3);
	}
	PQclear(r);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	qx("UPDATE usage.import_run SET status = 'interrupted', message = "
	    "'stopped before its end (killed?)' WHERE status = 'running'");
	r = q("INSERT INTO usage.import_run DEFAULT VALUES RETURNING id", 0,
	    NULL);

	memset(&im, 0, sizeof(im));
	im.run_id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	im.batch = batch;
	im.quiet = quiet;
	im.crash_after = crash_after;
	if ((im.ac = calloc(1, sizeof(*im.ac))) == NULL ||
	    us_init(&im.tr, max_open) == -1 ||
	    us_map_init(&im.routes, sizeof(struct route_key), ROUTE_NVAL,
	    16384) == -1 ||
	    us_map_init(&im.agents, sizeof(struct agent_key), 2, 4096) == -1 ||
	    us_map_init(&im.refs, sizeof(struct ref_key), 1, 8192) == -1 ||
	    us_map_init(&im.funnels, sizeof(struct us_funnel_key),
	    US_FUNNEL_NVAL, 8192) == -1)
		die("out of memory");
	strbuf_init(&im.sessions);
	strbuf_init(&im.samples);
	im.tr.on_open = region_of;
	im.tr.on_close = session_closed;
	im.tr.arg = &im;
	load_state(&im);

	qx("CREATE TEMP TABLE stage_route (hour bigint, method text, "
	    "route text, status int, hits bigint, bytes bigint, rt_n bigint, "
	    "rt_sum bigint, h0 bigint, h1 bigint, h2 bigint, h3 bigint, "
	    "h4 bigint, h5 bigint, h6 bigint, h7 bigint, h8 bigint, "
	    "h9 bigint)");
	qx("CREATE TEMP TABLE stage_agent (hour bigint, browser text, "
	    "os text, bot boolean, hits bigint, pages bigint)");
	qx("CREATE TEMP TABLE stage_ref (hour bigint, host text, hits bigint)");
	qx("CREATE TEMP TABLE stage_funnel (funnel_id bigint, hour bigint, "
	    "utype text, region text, sessions bigint, r1 bigint, r2 bigint, "
	    "r3 bigint, r4 bigint, r5 bigint, r6 bigint, r7 bigint, "
	    "r8 bigint, r9 bigint, r10 bigint, r11 bigint, r12 bigint, "
	    "r13 bigint, r14 bigint, r15 bigint, r16 bigint)");

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (i = 0; i < argc && !stop_requested; i++)
		if (import_file(&im, argv[i]) == -1)
			failed++;
	if (close_all && !stop_requested) {
		us_expire(&im.tr, INT64_MAX);
		commit(&im, 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

	snprintf(a[0], 32, "%" PRId64, im.run_id);
	snprintf(a[1], 32, "%s", stop_requested ? "interrupted" :
	    failed ? "failed" : "ok");
	snprintf(a[2], 32, "%d file(s) unreadable", failed);
	vals[0] = a[0];
	vals[1] = a[1];
	vals[2] = failed ? a[2] : (stop_requested ? "stopped by a signal" :
	    NULL);
	qp("UPDATE usage.import_run SET status = $2, message = $3, "
	    "finished = now(), bytes = bytes + 0 WHERE id = $1", 3, vals);
	snprintf(a[1], 32, "%" PRId64, im.bytes);
	vals[1] = a[1];
	qp("UPDATE usage.import_run SET bytes = $2 WHERE id = $1", 2, vals);
	privacy(-1);

	printf("imported %" PRId64 " lines (%" PRId64 " bad) from %d file(s), "
	    "%" PRId64 " bytes in %.3f s: %.0f lines/s; sessions closed %"
	    PRId64 ", still open %zu%s\n", im.lines, im.bad, im.files,
	    im.bytes, secs, secs > 0 ? (double)im.lines / secs : 0.0,
	    im.closed, im.tr.open, im.tr.forced ? " (some closed early: "
	    "--max-open reached)" : "");
	us_free(&im.tr);
	us_map_free(&im.routes);
	us_map_free(&im.agents);
	us_map_free(&im.refs);
	us_map_free(&im.funnels);
	strbuf_cleanup(&im.sessions);
	strbuf_cleanup(&im.samples);
	free(im.nets);
	free(im.ac);
	PQfinish(db);
	return (stop_requested ? 1 : failed ? 1 : 0);
}

/* ---------------------------------------------------------------- privacy */

/*
 * Truncate addresses of sessions that started more than DAYS ago (IPv4 to
 * /24, IPv6 to /48, anything else to "redacted") and delete bad-line
 * samples older than that. DAYS < 0: usage.settings.ip_keep_days.
 */
static void
privacy(int days)
{
	PGresult	*r;
	char		 d[16], cut[64];
	const char	*vals[1];

	snprintf(d, sizeof(d), "%d", days < 0 ? -1 : days);
	vals[0] = d;
	r = q("SELECT now() - make_interval(days => CASE WHEN $1::int >= 0 "
	    "THEN $1::int ELSE ip_keep_days END) FROM usage.settings", 1, vals);
	snprintf(cut, sizeof(cut), "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	vals[0] = cut;
	/* Sessions before cut_before are cut already (by an earlier run,
	 * or written cut by the importer): only the range since. */
	qp("UPDATE usage.session SET ip_truncated = true, "
	    "ip = usage.cut_ip(ip) WHERE started >= (SELECT cut_before FROM "
	    "usage.settings) AND started < $1::timestamptz AND "
	    "NOT ip_truncated", 1, vals);
	qp("UPDATE usage.settings SET cut_before = greatest(cut_before, "
	    "$1::timestamptz)", 1, vals);
	qp("UPDATE usage.open_session SET ip = usage.cut_ip(ip) WHERE "
	    "started < $1::timestamptz AND ip NOT LIKE '%/%' AND "
	    "ip <> 'redacted'", 1, vals);
	qp("DELETE FROM usage.bad_sample WHERE created < $1::timestamptz", 1,
	    vals);
}

/* ---------------------------------------------------------------- report */

static void
panel(const char *title, const char *sql, int n, const char *const *vals)
{
	PGresult	*r;
	int		 i, j, nf, nr, w[32], len;
	const char	*v;

	r = q(sql, n, vals);
	nf = PQnfields(r);
	nr = PQntuples(r);
	if (nf > 32)
		nf = 32;
	printf("\n== %s\n", title);
	if (nr == 0) {
		printf("   (nothing)\n");
		PQclear(r);
		return;
	}
	for (j = 0; j < nf; j++) {
		w[j] = (int)strlen(PQfname(r, j));
		for (i = 0; i < nr; i++) {
			len = (int)strlen(PQgetvalue(r, i, j));
			if (len > w[j])
				w[j] = len > 60 ? 60 : len;
		}
	}
	printf("   ");
	for (j = 0; j < nf; j++)
		printf("%-*s  ", w[j], PQfname(r, j));
	printf("\n");
	for (i = 0; i < nr; i++) {
		printf("   ");
		for (j = 0; j < nf; j++) {
			v = PQgetvalue(r, i, j);
			/* numbers to the right */
			if (PQftype(r, j) == 20 || PQftype(r, j) == 21 ||
			    PQftype(r, j) == 23 || PQftype(r, j) == 1700 ||
			    PQftype(r, j) == 701)
				printf("%*.*s  ", w[j], 60, v);
			else
				printf("%-*.*s  ", w[j], 60, v);
		}
		printf("\n");
	}
	PQclear(r);
}

static int
cmd_report(const char *conninfo, const char *from, const char *to,
    const char *tz, int top)
{
	const char	*v[4];
	char		 topbuf[16];

	connect_db(conninfo);
	ensure_schema(0);
	snprintf(topbuf, sizeof(topbuf), "%d", top);
	v[0] = from != NULL ? from : "-infinity";
	v[1] = to != NULL ? to : "infinity";
	v[2] = tz;
	v[3] = topbuf;
	/* The window's dates are in the report's time zone. */
	qp("SELECT set_config('timezone', $1, false)", 1, &v[2]);

#define W_HOUR	"hour >= $1::timestamptz AND hour < $2::timestamptz"
#define W_SESS	"started >= $1::timestamptz AND started < $2::timestamptz"
	printf("Usage report, time zone %s, %s to %s\n", tz, v[0], v[1]);
	panel("Imports", "SELECT (SELECT count(*) FROM usage.import_file) "
	    "AS files, (SELECT coalesce(sum(lines), 0) FROM usage.import_file) "
	    "AS lines, (SELECT coalesce(sum(bad), 0) FROM usage.import_file) "
	    "AS bad, (SELECT to_char(max(finished), 'YYYY-MM-DD HH24:MI') FROM "
	    "usage.import_run) AS last_import, (SELECT count(*) FROM "
	    "usage.open_session) AS open_sessions", 0, NULL);
	panel("Bad lines by reason", "SELECT reason, sum(n)::bigint AS lines "
	    "FROM usage.bad_count GROUP BY reason ORDER BY 2 DESC", 0, NULL);
	panel("Overview", "WITH h AS (SELECT sum(hits)::bigint AS hits, "
	    "sum(bytes)::bigint AS bytes FROM usage.agg_route WHERE " W_HOUR
	    "), s AS (SELECT count(*) AS sessions, count(DISTINCT visitor) AS "
	    "visitors, round(avg(extract(epoch FROM ended - started))) AS "
	    "avg_secs, round(avg(depth), 2) AS avg_depth, round(100.0 * "
	    "count(*) FILTER (WHERE depth <= 1) / greatest(count(*), 1), 1) AS "
	    "bounce_pct FROM usage.session WHERE NOT bot AND " W_SESS ") "
	    "SELECT h.hits, pg_size_pretty(h.bytes) AS traffic, s.* "
	    "FROM h, s", 2, v);
	panel("Hits and visitors per day", "WITH h AS (SELECT "
	    "date_trunc('day', hour)::date AS day, sum(hits)::bigint AS hits "
	    "FROM usage.agg_route WHERE " W_HOUR " GROUP BY 1), s AS (SELECT "
	    "date_trunc('day', started)::date AS day, count(*) AS sessions, "
	    "count(DISTINCT visitor) AS visitors FROM usage.session WHERE NOT "
	    "bot AND " W_SESS " GROUP BY 1) SELECT coalesce(h.day, s.day) AS "
	    "day, coalesce(h.hits, 0) AS hits, coalesce(s.visitors, 0) AS "
	    "visitors, coalesce(s.sessions, 0) AS sessions FROM h FULL JOIN s "
	    "ON h.day = s.day ORDER BY 1", 2, v);
#define ASSET	"(route LIKE '/static/%' OR route LIKE '/health%' OR route ~* " \
	    "'\\.(css|js|mjs|png|jpe?g|gif|svg|ico|woff2?|ttf|map|webp)$')"
	panel("Top pages (GET, answered)", "SELECT route, sum(hits)::bigint "
	    "AS hits, pg_size_pretty(sum(bytes)::bigint) AS traffic FROM "
	    "usage.agg_route WHERE " W_HOUR " AND method = 'GET' AND status < "
	    "400 AND NOT " ASSET " GROUP BY route ORDER BY 2 DESC LIMIT $3::int",
	    3, (const char *[]){ v[0], v[1], v[3] });
	panel("Static files and health checks", "SELECT route, "
	    "sum(hits)::bigint AS hits, pg_size_pretty(sum(bytes)::bigint) AS "
	    "traffic FROM usage.agg_route WHERE " W_HOUR " AND " ASSET
	    " GROUP BY route ORDER BY 2 DESC LIMIT $3::int",
	    3, (const char *[]){ v[0], v[1], v[3] });
	panel("Status codes", "SELECT status, sum(hits)::bigint AS hits, "
	    "round(100.0 * sum(hits) / sum(sum(hits)) OVER (), 2) AS pct FROM "
	    "usage.agg_route WHERE " W_HOUR " GROUP BY status ORDER BY 1", 2, v);
	panel("Not found (404)", "SELECT method, route, sum(hits)::bigint AS "
	    "hits FROM usage.agg_route WHERE " W_HOUR " AND status = 404 "
	    "GROUP BY 1, 2 ORDER BY 3 DESC LIMIT $3::int",
	    3, (const char *[]){ v[0], v[1], v[3] });
	panel("Server errors (5xx)", "SELECT method, route, status, "
	    "sum(hits)::bigint AS hits FROM usage.agg_route WHERE " W_HOUR
	    " AND status >= 500 GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT $3::int",
	    3, (const char *[]){ v[0], v[1], v[3] });
	panel("Browsers", "SELECT browser, bot, sum(hits)::bigint AS hits, "
	    "sum(pages)::bigint AS pages, round(100.0 * sum(hits) / "
	    "sum(sum(hits)) OVER (), 2) AS pct FROM usage.agg_agent WHERE "
	    W_HOUR " GROUP BY 1, 2 ORDER BY 3 DESC", 2, v);
	panel("Operating systems", "SELECT os, sum(hits)::bigint AS hits, "
	    "round(100.0 * sum(hits) / sum(sum(hits)) OVER (), 2) AS pct FROM "
	    "usage.agg_agent WHERE " W_HOUR " GROUP BY 1 ORDER BY 2 DESC", 2, v);
	panel("Referrers", "SELECT host, sum(hits)::bigint AS hits FROM "
	    "usage.agg_referrer WHERE " W_HOUR " GROUP BY 1 ORDER BY 2 DESC "
	    "LIMIT $3::int", 3, (const char *[]){ v[0], v[1], v[3] });
	panel("Response time per route (logs that carry it; counts at "
	    "most 10 25 50 100 250 500 ms, 1 2.5 5 s, slower)",
	    "SELECT r.method, r.route, sum(r.rt_n)::bigint AS timed, "
	    "round(sum(r.rt_sum_us) / sum(r.rt_n) / 1000.0, 1) AS avg_ms, "
	    "(SELECT string_agg(s::text, ' ' ORDER BY i) FROM (SELECT i, "
	    "sum(a.rt_hist[i]) AS s FROM usage.agg_route a, "
	    "generate_series(1, 10) AS i WHERE a.method = r.method AND "
	    "a.route = r.route AND a.hour >= $1::timestamptz AND a.hour < "
	    "$2::timestamptz GROUP BY i) t) AS histogram FROM usage.agg_route r "
	    "WHERE " W_HOUR " AND rt_n > 0 GROUP BY 1, 2 ORDER BY 3 DESC "
	    "LIMIT $3::int", 3, (const char *[]){ v[0], v[1], v[3] });
	panel("Hits by weekday and hour", "SELECT to_char(hour, 'Dy') AS day, "
	    "sum(hits) FILTER (WHERE extract(hour FROM hour) < 3)::bigint AS "
	    "\"00-02\", sum(hits) FILTER (WHERE extract(hour FROM hour) BETWEEN "
	    "3 AND 5)::bigint AS \"03-05\", sum(hits) FILTER (WHERE "
	    "extract(hour FROM hour) BETWEEN 6 AND 8)::bigint AS \"06-08\", "
	    "sum(hits) FILTER (WHERE extract(hour FROM hour) BETWEEN 9 AND "
	    "11)::bigint AS \"09-11\", sum(hits) FILTER (WHERE extract(hour "
	    "FROM hour) BETWEEN 12 AND 14)::bigint AS \"12-14\", sum(hits) "
	    "FILTER (WHERE extract(hour FROM hour) BETWEEN 15 AND 17)::bigint "
	    "AS \"15-17\", sum(hits) FILTER (WHERE extract(hour FROM hour) "
	    "BETWEEN 18 AND 20)::bigint AS \"18-20\", sum(hits) FILTER (WHERE "
	    "extract(hour FROM hour) >= 21)::bigint AS \"21-23\" FROM "
	    "usage.agg_route WHERE " W_HOUR " GROUP BY 1, extract(isodow FROM "
	    "hour) ORDER BY extract(isodow FROM hour)", 2, v);
	panel("Sessions by user type", "SELECT utype, count(*) AS sessions, "
	    "count(DISTINCT visitor) AS visitors, round(avg(depth), 2) AS "
	    "avg_depth, round(avg(extract(epoch FROM ended - started))) AS "
	    "avg_secs FROM usage.session WHERE " W_SESS " GROUP BY 1 "
	    "ORDER BY 2 DESC", 2, v);
	panel("Entry pages", "SELECT entry, count(*) AS sessions FROM "
	    "usage.session WHERE NOT bot AND " W_SESS " GROUP BY 1 ORDER BY 2 "
	    "DESC LIMIT $3::int", 3, (const char *[]){ v[0], v[1], v[3] });
	panel("Exit pages", "SELECT exit, count(*) AS sessions FROM "
	    "usage.session WHERE NOT bot AND " W_SESS " GROUP BY 1 ORDER BY 2 "
	    "DESC LIMIT $3::int", 3, (const char *[]){ v[0], v[1], v[3] });
	panel("Visit length", "SELECT CASE WHEN d < 10 THEN '0-9 s' WHEN d < "
	    "30 THEN '10-29 s' WHEN d < 60 THEN '30-59 s' WHEN d < 300 THEN "
	    "'1-5 min' WHEN d < 900 THEN '5-15 min' WHEN d < 1800 THEN "
	    "'15-30 min' ELSE '30 min+' END AS length, count(*) AS sessions "
	    "FROM (SELECT extract(epoch FROM ended - started) AS "
	    "d FROM usage.session WHERE NOT bot AND " W_SESS ") x GROUP BY 1 "
	    "ORDER BY min(d)", 2, v);
	panel("Funnels (sessions reaching each step; conversion from step 1 "
	    "and from the step before)", "WITH r AS (SELECT f.id, f.name, "
	    "f.steps, i, sum(fr.reached[i])::bigint AS reached FROM "
	    "usage.funnel f JOIN usage.funnel_result fr ON fr.funnel_id = f.id "
	    "AND fr.hour >= $1::timestamptz AND fr.hour < $2::timestamptz "
	    "AND fr.utype <> 'bot', generate_subscripts(f.steps, 1) AS i "
	    "GROUP BY 1, 2, 3, 4) SELECT name AS funnel, i AS step, steps[i] AS "
	    "page, reached, round(100.0 * reached / nullif(first_value(reached) "
	    "OVER w, 0), 1) AS pct_of_first, round(100.0 * reached / "
	    "nullif(lag(reached) OVER w, 0), 1) AS pct_of_prev, lag(reached) "
	    "OVER w - reached AS dropped FROM r WINDOW w AS (PARTITION BY id "
	    "ORDER BY i) ORDER BY id, i", 2, v);
	panel("Funnels by user type", "SELECT f.name AS funnel, fr.utype, "
	    "sum(fr.sessions)::bigint AS sessions, array_to_string(ARRAY("
	    "SELECT sum(x.reached[i])::bigint FROM usage.funnel_result x, "
	    "generate_subscripts(f.steps, 1) i WHERE x.funnel_id = f.id AND "
	    "x.utype = fr.utype AND x.hour >= $1::timestamptz AND x.hour < "
	    "$2::timestamptz GROUP BY i ORDER BY i), ' > ') AS reached FROM "
	    "usage.funnel f JOIN usage.funnel_result fr ON fr.funnel_id = f.id "
	    "WHERE fr.hour >= $1::timestamptz AND fr.hour < $2::timestamptz "
	    "GROUP BY f.id, f.name, fr.utype ORDER BY f.id, 3 DESC", 2, v);
	panel("Funnels by region and day", "SELECT f.name AS funnel, "
	    "fr.region, date_trunc('day', fr.hour)::date AS day, "
	    "sum(fr.sessions)::bigint AS sessions, sum(fr.reached[1])::bigint "
	    "AS first_step, sum(fr.reached[cardinality(f.steps)])::bigint AS "
	    "last_step FROM usage.funnel f JOIN usage.funnel_result fr ON "
	    "fr.funnel_id = f.id WHERE fr.utype <> 'bot' AND fr.hour >= "
	    "$1::timestamptz AND fr.hour < $2::timestamptz GROUP BY 1, 2, 3 "
	    "ORDER BY 1, 2, 3", 2, v);
	PQfinish(db);
	return (0);
}

/* ---------------------------------------------------------------- funnels */

static int
cmd_funnel_add(const char *conninfo, const char *name, int argc,
    char **argv)
{
	struct us_step	 st;
	struct strbuf	 arr;
	const char	*vals[2];
	PGresult	*r;
	int		 i;

	if (argc < 1 || argc > US_MAX_STEPS) {
		fprintf(stderr, "g2b-logs: a funnel has 1 to %d steps\n",
		    US_MAX_STEPS);
		return (2);
	}
	if (*name == '\0' || strlen(name) > 63) {
		fprintf(stderr, "g2b-logs: funnel name: 1 to 63 characters\n");
		return (2);
	}
	strbuf_init(&arr);
	strbuf_append(&arr, "{", 1);
	for (i = 0; i < argc; i++) {
		if (us_step_parse(argv[i], &st) == -1) {
			fprintf(stderr, "g2b-logs: step '%s': expected "
			    "\"[METHOD ]/route[*]\"\n", argv[i]);
			return (2);
		}
		if (i > 0)
			strbuf_append(&arr, ",", 1);
		strbuf_appendf(&arr, "\"%s%s%s%s\"", st.method,
		    st.method[0] ? " " : "* ", st.route, st.prefix ? "*" : "");
	}
	strbuf_append(&arr, "}", 1);
	connect_db(conninfo);
	ensure_schema(1);
	vals[0] = name;
	vals[1] = arr.data;
	r = PQexecParams(db, "INSERT INTO usage.funnel (name, steps) VALUES "
	    "($1, $2::text[]) ON CONFLICT (name) DO NOTHING RETURNING id", 2,
	    NULL, vals, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		die("database: %s", PQerrorMessage(db));
	if (PQntuples(r) == 0) {
		fprintf(stderr, "g2b-logs: a funnel named '%s' exists\n", name);
		PQclear(r);
		return (1);
	}
	printf("funnel %s (id %s): %s\n", name, PQgetvalue(r, 0, 0), arr.data);
	PQclear(r);
	strbuf_cleanup(&arr);
	PQfinish(db);
	return (0);
}

static int
cmd_funnel_list(const char *conninfo)
{
	connect_db(conninfo);
	ensure_schema(0);
	panel("Funnels", "SELECT id, name, active, array_to_string(steps, "
	    "' -> ') AS steps FROM usage.funnel ORDER BY id", 0, NULL);
	PQfinish(db);
	return (0);
}

/* ---------------------------------------------------------------- main */

static int
num_arg(const char *s, long long lo, long long hi, long long *out)
{
	char	*e;

	errno = 0;
	*out = strtoll(s, &e, 10);
	return (errno != 0 || *e != '\0' || e == s || *out < lo || *out > hi ?
	    -1 : 0);
}

int
main(int argc, char **argv)
{
	const char	*conninfo, *from = NULL, *to = NULL, *tz = "Asia/Seoul";
	const char	*cmd;
	char		**rest;
	long long	 batch = 500000, max_open = 250000, top = 15, days = -1;
	long long	 crash = 0;
	int		 i, nrest = 0, close_all = 0, quiet = 0;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return (argc < 2 ? 2 : 0);
	}
	cmd = argv[1];
	conninfo = getenv("G2B_DB");
	if ((rest = calloc((size_t)argc, sizeof(*rest))) == NULL)
		return (1);
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];
		int more = i + 1 < argc;

#define VAL()	do { if (!more) { fprintf(stderr, "g2b-logs: %s needs a " \
		    "value\n", a); return (2); } } while (0)
		if (strcmp(a, "--db") == 0) {
			VAL();
			conninfo = argv[++i];
		} else if (strcmp(a, "--batch") == 0) {
			VAL();
			if (num_arg(argv[++i], 1, 100000000, &batch) == -1)
				goto bad;
		} else if (strcmp(a, "--max-open") == 0) {
			VAL();
			if (num_arg(argv[++i], 1, 10000000, &max_open) == -1)
				goto bad;
		} else if (strcmp(a, "--top") == 0) {
			VAL();
			if (num_arg(argv[++i], 1, 10000, &top) == -1)
				goto bad;
		} else if (strcmp(a, "--days") == 0) {
			VAL();
			if (num_arg(argv[++i], 0, 100000, &days) == -1)
				goto bad;
		} else if (strcmp(a, "--crash-after") == 0) {
			VAL();
			if (num_arg(argv[++i], 1, INT64_MAX, &crash) == -1)
				goto bad;
		} else if (strcmp(a, "--from") == 0) {
			VAL();
			from = argv[++i];
		} else if (strcmp(a, "--to") == 0) {
			VAL();
			to = argv[++i];
		} else if (strcmp(a, "--tz") == 0) {
			VAL();
			tz = argv[++i];
		} else if (strcmp(a, "--close-all") == 0)
			close_all = 1;
		else if (strcmp(a, "--quiet") == 0)
			quiet = 1;
		else if (strcmp(a, "--") == 0) {
			while (++i < argc)
				rest[nrest++] = argv[i];
		} else if (a[0] == '-' && a[1] == '-') {
			fprintf(stderr, "g2b-logs: unknown option %s\n", a);
			return (2);
		} else
			rest[nrest++] = argv[i];
		continue;
bad:
		fprintf(stderr, "g2b-logs: %s: bad number '%s'\n", a, argv[i]);
		return (2);
	}

	if (strcmp(cmd, "import") == 0) {
		if (nrest == 0) {
			fprintf(stderr, "g2b-logs import: no FILE\n");
			return (2);
		}
		return (cmd_import(conninfo, nrest, rest, batch,
		    (size_t)max_open, close_all, quiet, crash));
	}
	if (strcmp(cmd, "report") == 0)
		return (cmd_report(conninfo, from, to, tz, (int)top));
	if (strcmp(cmd, "funnel") == 0 && nrest >= 1 &&
	    strcmp(rest[0], "add") == 0) {
		if (nrest < 3) {
			fprintf(stderr, "g2b-logs funnel add NAME STEP...\n");
			return (2);
		}
		return (cmd_funnel_add(conninfo, rest[1], nrest - 2, rest + 2));
	}
	if (strcmp(cmd, "funnel") == 0 && nrest == 1 &&
	    strcmp(rest[0], "list") == 0)
		return (cmd_funnel_list(conninfo));
	if (strcmp(cmd, "privacy") == 0) {
		connect_db(conninfo);
		ensure_schema(1);
		privacy((int)days);
		PQfinish(db);
		return (0);
	}
	if (strcmp(cmd, "migrate") == 0) {
		connect_db(conninfo);
		ensure_schema(1);
		PQfinish(db);
		return (0);
	}
	fputs(usage_text, stderr);
	return (2);
}
