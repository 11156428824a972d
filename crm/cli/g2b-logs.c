/*
 * g2b-logs: import web access logs (Common/Combined Log Format, from Kore,
 * nginx or Apache) and the portal's own usage events (u1 lines, portal/
 * usagefmt.h) into PostgreSQL schema "usage" and report on them.
 *
 *   g2b-logs import [--db CONNINFO] [--batch LINES] [--max-open N]
 *                   [--format auto|log|u1] [--close-all] [--quiet]
 *                   [--dir DIR]... [FILE...]
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
 * u1 events name the logged-in user, organisation and role (a session is
 * the user's; its user type is the role's), the route name and the
 * response time (every hit timed); an anonymous session is the portal's
 * visitor key (keyed again with the salt). Requests of logged-in users are
 * kept in order (usage.user_event) for staff's per-user timeline. The
 * portal writes one u1 file per worker and day: a day's files are read
 * together, line by line in time order, and every file's offset commits
 * with the batch, so the guarantees above hold for the merge too. --dir
 * takes every access log (rotated ones oldest first) and u1 file of DIR.
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

#include <dirent.h>

#include "logparse.h"
#include "strbuf.h"
#include "usage.h"
#include "usagefmt.h"

#ifndef G2B_LOGS_ROOT
#define G2B_LOGS_ROOT	"."
#endif

static const char *const migrations[] = { "001_usage.sql",
	"002_usage_events.sql", NULL };
#define MIGRATE_LOCK	7242001		/* the portal's */
#define IMPORT_LOCK	7242006
#define BUFSZ		(4u << 20)	/* an access log's read buffer */
#define U1_BUFSZ	(1u << 20)	/* each merged u1 file's */
#define NAME_MAX_U1	32		/* route names kept */
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
"                       [--format auto|log|u1] [--close-all] [--quiet]\n"
"                       [--dir DIR]... [FILE...]\n"
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
"line and continues where it stopped. --dir imports every access log and\n"
"usage-event (u1) file of DIR in order; the portal's u1 files of a day\n"
"(one per worker) are merged by time. --format: auto (u1 when a file\n"
"starts with \"u1<TAB>\"), log (Common/Combined), u1.\n";

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
	const char	*vals[1];
	const char	*root;
	char		 path[4096], name[128], *sql;
	int		 have, i;

	qx("SELECT pg_advisory_lock(7242001)");
	qx("CREATE TABLE IF NOT EXISTS public.schema_migrations ("
	    "name text PRIMARY KEY, applied_at timestamptz NOT NULL "
	    "DEFAULT now())");
	for (i = 0; migrations[i] != NULL; i++) {
		snprintf(name, sizeof(name), "crm/%s", migrations[i]);
		vals[0] = name;
		r = q("SELECT 1 FROM public.schema_migrations WHERE name = $1",
		    1, vals);
		have = PQntuples(r) == 1;
		PQclear(r);
		if (have)
			continue;
		root = getenv("G2B_ROOT");
		if (root == NULL || *root == '\0')
			root = G2B_LOGS_ROOT;
		snprintf(path, sizeof(path), "%s/crm/sql/%s", root,
		    migrations[i]);
		if ((sql = read_file(path)) == NULL)
			die("schema usage missing and %s unreadable: set "
			    "G2B_ROOT to the source tree or start the portal "
			    "once", path);
		qx("BEGIN");
		r = PQexec(db, sql);
		if (PQresultStatus(r) != PGRES_COMMAND_OK &&
		    PQresultStatus(r) != PGRES_TUPLES_OK)
			die("migration %s failed: %s", name,
			    PQerrorMessage(db));
		PQclear(r);
		qp("INSERT INTO public.schema_migrations (name) VALUES ($1)",
		    1, vals);
		qx("COMMIT");
		free(sql);
		if (verbose)
			fprintf(stderr, "g2b-logs: applied %s\n", name);
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

/* Epoch microseconds as "YYYY-MM-DD HH:MM:SS.ffffff+00". */
static void
put_ts_us(struct strbuf *b, int64_t us)
{
	int64_t	 sec, frac;
	char	 tmp[16];
	int	 n;

	sec = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
	frac = us - sec * 1000000;
	put_ts(b, sec);
	b->len -= 3;		/* "+00" */
	n = snprintf(tmp, sizeof(tmp), ".%06d+00", (int)frac);
	strbuf_append(b, tmp, (size_t)n);
}

/* ---------------------------------------------------------------- import */

struct route_key {
	int64_t		hour;
	int64_t		status;
	char		method[8];
	char		route[US_ROUTE_MAX];
	char		name[NAME_MAX_U1];	/* u1 route name, or "" */
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

/* An organisation's region (portal.org.region), sorted by id. */
struct org_region {
	int64_t		id;
	char		region[4];
};

enum { FMT_AUTO, FMT_CLF, FMT_U1 };

struct file_state {
	int64_t		 id;
	const char	*path;
	int		 fmt;		/* FMT_CLF or FMT_U1 */
	int64_t		 pos;		/* committed offset */
	int64_t		 pos_now;	/* after the last line processed */
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
	struct strbuf		 events;	/* COPY rows of user_event */
	struct lp_timecache	 tc;
	struct lp_agentcache	*ac;
	struct region_net	*nets;
	size_t			 nnets;
	struct org_region	*orgs;
	size_t			 norgs;
	struct file_state	*file;		/* of the current line */
	struct file_state	**act;		/* files read since the last */
	size_t			 nact;		/* commit, committed with it */
	size_t			 actcap;
	char			 u1line[USAGE_LINE_MAX + 8];
	int			 fmt;		/* --format */
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

static int
org_cmp(const void *a, const void *b)
{
	const struct org_region	*x = a, *y = b;

	return (x->id < y->id ? -1 : x->id > y->id);
}

/*
 * The region of a new session: a logged-in user's (u1) from the
 * organisation's region, else from the address ranges of region_net.
 */
static void
region_of(void *arg, struct us_session *s)
{
	struct importer		*im = arg;
	struct org_region	 k, *o;
	unsigned char		 a[16];
	char			 ip[48];
	size_t			 i, n, full, rem;
	int			 fam;

	if (s->org_id > 0 && im->norgs > 0) {
		k.id = s->org_id;
		if ((o = bsearch(&k, im->orgs, im->norgs, sizeof(*im->orgs),
		    org_cmp)) != NULL) {
			snprintf(s->region, sizeof(s->region), "%s",
			    o->region);
			return;
		}
	}
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

/* COPY fields user_id, org_id, role (\N when not known). */
static void
put_user(struct strbuf *b, const struct us_session *s)
{
	if (s->user_id > 0)
		put_i64(b, s->user_id);
	else
		strbuf_append(b, "\\N", 2);
	put_c(b, '\t');
	if (s->org_id > 0)
		put_i64(b, s->org_id);
	else
		strbuf_append(b, "\\N", 2);
	put_c(b, '\t');
	if (s->role[0] != '\0')
		put_str(b, s->role);
	else
		strbuf_append(b, "\\N", 2);
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
	put_c(b, '\t');
	put_user(b, s);
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
	    "region, bot, started, ended, entry, exit, depth, hits, user_id, "
	    "org_id, role) FROM STDIN",
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
		put_c(&b, '\t');
		put_text(&b, k->name, strnlen(k->name, sizeof(k->name)));
		for (j = 0; j < ROUTE_NVAL; j++) {
			put_c(&b, '\t');
			put_i64(&b, v[j]);
		}
		put_c(&b, '\n');
	}
	copy_in("COPY stage_route FROM STDIN", &b);
	strbuf_cleanup(&b);
	qx("INSERT INTO usage.agg_route AS a (hour, method, route, status, "
	    "name, hits, bytes, rt_n, rt_sum_us, rt_hist) "
	    "SELECT to_timestamp(hour), method, route, status, name, hits, "
	    "bytes, rt_n, rt_sum, ARRAY[h0,h1,h2,h3,h4,h5,h6,h7,h8,h9] "
	    "FROM stage_route "
	    "ON CONFLICT (hour, method, route, status, name) DO UPDATE SET "
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
	put_user(b, s);
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
commit(struct importer *im)
{
	struct file_state	*f;
	struct snap		 sn;
	char			 a[8][32];
	const char		*vals[8];
	size_t			 k;
	int			 i;

	begin(im);
	spill_routes(im);
	spill_agents(im);
	spill_refs(im);
	spill_funnels(im);
	spill_sessions(im);
	for (k = 0; k < im->nact; k++)
		flush_bad(im, im->act[k]);
	if (im->events.len > 0) {
		copy_in("COPY usage.user_event (user_id, ts, method, name, "
		    "path, status, dur_us) FROM STDIN", &im->events);
		strbuf_reset(&im->events);
	}
	/* The open sessions as of pos. */
	qx("DELETE FROM usage.open_session");
	sn.im = im;
	strbuf_init(&sn.b);
	us_foreach_open(&im->tr, snap_one, &sn);
	if (sn.b.len > 0)
		copy_in("COPY usage.open_session (key, visitor, ip, utype, "
		    "region, bot, started, last, entry, exit, depth, hits, "
		    "user_id, org_id, role, progress) FROM STDIN", &sn.b);
	strbuf_cleanup(&sn.b);
	for (k = 0; k < im->nact; k++) {
		f = im->act[k];
		snprintf(a[0], 32, "%" PRId64, f->id);
		snprintf(a[1], 32, "%" PRId64, f->pos_now);
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
		f->pos = f->pos_now;
		f->lines = f->bad = 0;
		f->first_ts = INT64_MAX;
		f->last_ts = INT64_MIN;
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

/* A u1 usage event of the portal (portal/usagefmt.h). */
static void
line_u1(struct importer *im, const char *s, size_t n, int64_t at)
{
	struct us_u1	 e;
	struct lp_agent	 ag;
	struct lp_str	 ls;
	struct route_key rk;
	struct agent_key akey;
	struct ref_key	 refk;
	struct us_hit	 h;
	int64_t		*v, hour, ts;
	int		 page, asset;

	if (n > USAGE_LINE_MAX) {
		bad_line(im, LP_E_TOOLONG, s, n, at);
		return;
	}
	memcpy(im->u1line, s, n);
	im->u1line[n] = '\0';
	if (memchr(s, '\0', n) != NULL || us_u1_parse(im->u1line, &e) == -1) {
		bad_line(im, LP_E_U1, s, n, at);
		return;
	}
	ts = e.time_us / 1000000;
	if (ts < im->file->first_ts)
		im->file->first_ts = ts;
	if (ts > im->file->last_ts)
		im->file->last_ts = ts;
	hour = ts - ts % 3600;
	lp_classify_cached(im->ac, e.agent, strlen(e.agent), &ag);

	memset(&rk, 0, sizeof(rk));
	rk.hour = hour;
	rk.status = e.status;
	ls.p = e.method;
	ls.n = (uint32_t)strlen(e.method);
	method_of(&ls, rk.method);
	lp_route(rk.route, sizeof(rk.route), e.path, strlen(e.path));
	snprintf(rk.name, sizeof(rk.name), "%s", e.name);
	if ((v = us_map_get(&im->routes, &rk)) == NULL) {
		spill_routes(im);
		v = us_map_get(&im->routes, &rk);
	}
	v[0]++;
	v[1] += e.bytes;
	/* the portal's own measure: every event has it */
	v[2]++;
	v[3] += e.dur_us;
	v[4 + us_rt_bucket(e.dur_us)]++;

	ls.p = e.path;
	ls.n = (uint32_t)strlen(e.path);
	asset = strcmp(e.name, "static") == 0 ||
	    lp_is_static(e.path, ls.n) || is_health(&ls);
	page = !asset && (rk.method[0] == 'G' || rk.method[0] == 'H') &&
	    !(e.status >= 300 && e.status < 400) &&
	    strncmp(rk.route, "/api/", 5) != 0;
	akey.hour = hour;
	akey.cls = ag.browser | (ag.os << 8) | (ag.bot << 16);
	if ((v = us_map_get(&im->agents, &akey)) == NULL) {
		spill_agents(im);
		v = us_map_get(&im->agents, &akey);
	}
	v[0]++;
	v[1] += page;

	if (e.referer[0] != '\0') {
		ls.p = e.referer;
		ls.n = (uint32_t)strlen(e.referer);
		refk.hour = hour;
		referrer_host(&ls, refk.host);
		if ((v = us_map_get(&im->refs, &refk)) == NULL) {
			spill_refs(im);
			v = us_map_get(&im->refs, &refk);
		}
		v[0]++;
	}
	if (asset)
		return;
	memset(&h, 0, sizeof(h));
	h.ts = ts;
	h.user = "";
	h.ip = e.ip;
	h.ip_n = strlen(e.ip);
	h.agent = e.agent;
	h.agent_n = strlen(e.agent);
	h.method = rk.method;
	h.method_n = strlen(rk.method);
	h.route = rk.route;
	h.status = e.status;
	h.bot = ag.bot;
	h.vkey = e.vkey;
	h.vkey_n = strlen(e.vkey);
	h.utype = e.utype;
	h.user_id = e.user_id;
	h.org_id = e.org_id;
	h.role = e.role;
	us_hit(&im->tr, &h);
	if (e.user_id > 0) {
		/* the page sequence of the user's timeline */
		put_i64(&im->events, e.user_id);
		put_c(&im->events, '\t');
		put_ts_us(&im->events, e.time_us);
		put_c(&im->events, '\t');
		put_str(&im->events, rk.method);
		put_c(&im->events, '\t');
		put_str(&im->events, rk.name);
		put_c(&im->events, '\t');
		put_text(&im->events, e.path, strlen(e.path) > 1000 ? 1000 :
		    strlen(e.path));
		put_c(&im->events, '\t');
		put_i64(&im->events, e.status);
		put_c(&im->events, '\t');
		put_i64(&im->events, e.dur_us);
		put_c(&im->events, '\n');
	}
}

static void
line_clf(struct importer *im, const char *s, size_t n, int64_t at)
{
	struct lp_line	 l;
	struct lp_agent	 ag;
	struct route_key rk;
	struct agent_key akey;
	struct ref_key	 refk;
	struct us_hit	 h;
	int64_t		*v, hour;
	int		 err, page, asset;

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
		memset(&h, 0, sizeof(h));
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
line(struct importer *im, const char *s, size_t n, int64_t at)
{
	im->file->lines++;
	im->in_batch++;
	if (im->file->fmt == FMT_U1)
		line_u1(im, s, n, at);
	else
		line_clf(im, s, n, at);
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

/*
 * A file being read: its lines one at a time through a buffer, the offset
 * after each. Many u1 files are read together and merged by time.
 */
struct reader {
	struct file_state	 f;
	int			 fd;
	char			*buf;
	size_t			 cap;
	size_t			 have;
	size_t			 off;		/* start of the unread part */
	int64_t			 base;		/* file offset of buf[0] */
	int			 eof;
	int			 skipping;	/* inside an overlong line */
	int			 ready;		/* line, linen, at are set */
	const char		*line;
	size_t			 linen;
	int64_t			 at;
	int64_t			 key;		/* u1: time of the line */
};

/* What a file holds, from its first bytes: FMT_U1 or FMT_CLF. */
static int
sniff(int fd)
{
	char	b[3];

	if (pread(fd, b, 3, 0) == 3 && memcmp(b, "u1\t", 3) == 0)
		return (FMT_U1);
	return (FMT_CLF);
}

static void
activate(struct importer *im, struct file_state *f)
{
	size_t	k;

	for (k = 0; k < im->nact; k++)
		if (im->act[k] == f)
			return;
	if (im->nact == im->actcap) {
		im->actcap = im->actcap ? im->actcap * 2 : 16;
		im->act = realloc(im->act, im->actcap * sizeof(*im->act));
		if (im->act == NULL)
			die("out of memory");
	}
	im->act[im->nact++] = f;
}

/*
 * Open path and find (or record) its row: 1 and r set up when there is
 * something to read, 0 when nothing (yet), -1 when it cannot be read.
 */
static int
reader_open(struct importer *im, const char *path, struct reader *r,
    size_t cap)
{
	struct stat	 st;
	PGresult	*res;
	char		 hh[65], dev[24], ino[24];
	const char	*vals[4];
	int		 fd;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
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
	r->f.path = path;
	r->f.fmt = im->fmt != FMT_AUTO ? im->fmt : sniff(fd);
	r->f.first_ts = INT64_MAX;
	r->f.last_ts = INT64_MIN;
	snprintf(dev, sizeof(dev), "%" PRId64, (int64_t)st.st_dev);
	snprintf(ino, sizeof(ino), "%" PRId64, (int64_t)st.st_ino);
	vals[0] = dev;
	vals[1] = ino;
	vals[2] = hh;
	vals[3] = path;
	res = q("INSERT INTO usage.import_file AS f (dev, ino, head_hash, "
	    "path) VALUES ($1, $2, $3, $4) ON CONFLICT (dev, ino, head_hash) "
	    "DO UPDATE SET path = excluded.path RETURNING id, pos", 4, vals);
	r->f.id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	r->f.pos = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	PQclear(res);
	if (r->f.pos > (int64_t)st.st_size) {
		fprintf(stderr, "g2b-logs: %s: shorter than the %" PRId64
		    " bytes already imported: truncated and rewritten, "
		    "importing from the start\n", path, r->f.pos);
		r->f.pos = 0;
	}
	r->f.pos_now = r->f.pos;
	im->files++;
	if (r->f.pos == (int64_t)st.st_size) {
		if (!im->quiet)
			fprintf(stderr, "g2b-logs: %s: nothing new\n", path);
		close(fd);
		return (0);
	}
	if (!im->quiet)
		fprintf(stderr, "g2b-logs: %s: %s from byte %" PRId64 " of %"
		    PRId64 "\n", path, r->f.fmt == FMT_U1 ? "u1" : "log",
		    r->f.pos, (int64_t)st.st_size);
	if (lseek(fd, r->f.pos, SEEK_SET) == -1)
		die("%s: seek: %s", path, strerror(errno));
	if ((r->buf = malloc(cap)) == NULL)
		die("out of memory");
	r->fd = fd;
	r->cap = cap;
	r->base = r->f.pos;
	return (1);
}

static void
reader_close(struct importer *im, struct reader *r)
{
	if (r->fd == -1)
		return;
	if (!im->quiet)
		fprintf(stderr, "g2b-logs: %s: up to byte %" PRId64 "%s\n",
		    r->f.path, r->f.pos_now, r->have > r->off || r->skipping ?
		    " (an unfinished last line waits)" : "");
	free(r->buf);
	close(r->fd);
	r->buf = NULL;
	r->fd = -1;
}

/* The next complete line into r->line; 0 at the end. */
static int
reader_next(struct importer *im, struct reader *r)
{
	char	*nl;
	ssize_t	 n;

	for (;;) {
		if (r->off < r->have && (nl = memchr(r->buf + r->off, '\n',
		    r->have - r->off)) != NULL) {
			if (r->skipping) {
				r->skipping = 0;
				r->off = (size_t)(nl + 1 - r->buf);
				r->f.pos_now = r->base + (int64_t)r->off;
				continue;
			}
			r->line = r->buf + r->off;
			r->linen = (size_t)(nl - r->line);
			r->at = r->base + (int64_t)r->off;
			r->ready = 1;
			return (1);
		}
		if (r->eof || stop_requested)
			return (0);
		memmove(r->buf, r->buf + r->off, r->have - r->off);
		r->base += (int64_t)r->off;
		r->have -= r->off;
		r->off = 0;
		if (r->have == r->cap) {
			/* A line longer than the buffer: one bad line. */
			if (!r->skipping) {
				im->file = &r->f;
				activate(im, &r->f);
				r->f.lines++;
				im->in_batch++;
				bad_line(im, LP_E_TOOLONG, r->buf, 200,
				    r->base);
				r->skipping = 1;
			}
			r->base += (int64_t)r->have;
			r->have = 0;
		}
		n = read(r->fd, r->buf + r->have, r->cap - r->have);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			die("%s: read: %s", r->f.path, strerror(errno));
		}
		if (n == 0) {
			r->eof = 1;
			continue;
		}
		im->bytes += n;
		r->have += (size_t)n;
	}
}

/* Time of a u1 line for the merge (lines without one first). */
static int64_t
u1_key(const char *s, size_t n)
{
	int64_t	v = 0;
	size_t	i;

	if (n < 4 || memcmp(s, "u1\t", 3) != 0)
		return (INT64_MIN);
	for (i = 3; i < n && s[i] >= '0' && s[i] <= '9' && i < 22; i++)
		v = v * 10 + (s[i] - '0');
	return (v);
}

/*
 * Import files together: each line of the one whose next line is the
 * oldest (u1 files written at the same time by different workers; a
 * single file reads straight through). Everything commits with every
 * file's offset every --batch lines.
 */
static void
import_group(struct importer *im, char **paths, size_t n, int *failed)
{
	struct reader	*rd, *best;
	size_t		 i, live = 0;
	int		 rc;

	if ((rd = calloc(n, sizeof(*rd))) == NULL)
		die("out of memory");
	for (i = 0; i < n; i++) {
		rc = reader_open(im, paths[i], &rd[i], n == 1 ? BUFSZ :
		    U1_BUFSZ);
		if (rc == -1)
			(*failed)++;
		live += rc == 1;
	}
	begin(im);
	while (live > 0 && !stop_requested) {
		best = NULL;
		for (i = 0; i < n; i++) {
			if (rd[i].fd == -1)
				continue;
			if (!rd[i].ready) {
				if (!reader_next(im, &rd[i])) {
					if (stop_requested)
						break;
					activate(im, &rd[i].f);
					reader_close(im, &rd[i]);
					live--;
					continue;
				}
				rd[i].key = n == 1 ? 0 :
				    u1_key(rd[i].line, rd[i].linen);
			}
			if (best == NULL || rd[i].key < best->key)
				best = &rd[i];
		}
		if (best == NULL)
			break;
		im->file = &best->f;
		activate(im, &best->f);
		line(im, best->line, best->linen, best->at);
		best->off = (size_t)(best->line + best->linen + 1 - best->buf);
		best->f.pos_now = best->base + (int64_t)best->off;
		best->ready = 0;
		if (im->crash_after > 0 &&
		    im->lines + im->in_batch >= im->crash_after)
			_exit(99);	/* test hook: a kill */
		if (im->in_batch >= im->batch || stop_requested) {
			im->lines += im->in_batch;
			commit(im);
			im->nact = 0;
			begin(im);
		}
	}
	im->lines += im->in_batch;
	commit(im);
	im->nact = 0;
	for (i = 0; i < n; i++)
		reader_close(im, &rd[i]);
	im->file = NULL;
	free(rd);
}

static void
load_state(struct importer *im)
{
	PGresult		*r;
	struct us_funnel	 f;
	struct us_session	 s;
	char			*p, *e, *arr, *tok;
	int			 i, j, k, rows, has_orgs;
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

	/* Organisations' regions, when the portal's tables are in this
	 * database and readable (a log-only database has none). */
	r = q("SELECT CASE WHEN to_regclass('portal.org') IS NULL THEN false "
	    "ELSE has_table_privilege(to_regclass('portal.org'), 'SELECT') "
	    "END", 0, NULL);
	has_orgs = PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	if (has_orgs) {
		r = q("SELECT id, region FROM portal.org WHERE region IS NOT "
		    "NULL ORDER BY id", 0, NULL);
		rows = PQntuples(r);
		if ((im->orgs = calloc((size_t)rows + 1,
		    sizeof(*im->orgs))) == NULL)
			die("out of memory");
		for (i = 0; i < rows; i++) {
			struct org_region *o = &im->orgs[im->norgs];

			o->id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
			snprintf(o->region, sizeof(o->region), "%s",
			    PQgetvalue(r, i, 1));
			if (o->id > 0)
				im->norgs++;
		}
		PQclear(r);
	}

	/* Sessions left open by the last import. */
	r = q("SELECT key, visitor, ip, utype, region, bot, "
	    "extract(epoch FROM started)::bigint, "
	    "extract(epoch FROM last)::bigint, entry, exit, depth, hits, "
	    "(SELECT string_agg(k || ':' || v, ',') FROM "
	    "jsonb_each_text(progress) AS e(k, v)), "
	    "coalesce(user_id, 0), coalesce(org_id, 0), coalesce(role, '') "
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
		s.user_id = strtoll(PQgetvalue(r, i, 13), NULL, 10);
		s.org_id = strtoll(PQgetvalue(r, i, 14), NULL, 10);
		snprintf(s.role, sizeof(s.role), "%s", PQgetvalue(r, i, 15));
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

/* ---------------------------------------------------------------- files */

/*
 * The files to import, in order: access logs first (as given; from a
 * directory each log's rotated files oldest first, numbered ".N" from
 * the highest, dated ".YYYYMMDD-HHMMSS" by date, the live file last),
 * then u1 files, merged by time in groups of one day (the portal's
 * usage-YYYYMMDD-PID.tsv, one per worker), days in order.
 */
struct item {
	char	*path;
	int	 fmt;
	char	 base[256];	/* access log: name without rotation */
	int	 cls;		/* 0 numbered, 1 dated, 2 live */
	long	 num;
	char	 key[300];	/* u1: the group (directory and day) */
	int	 seq;		/* order given */
};

static int
item_cmp(const void *pa, const void *pb)
{
	const struct item	*a = pa, *b = pb;
	int			 c;

	if (a->fmt != b->fmt)
		return (a->fmt == FMT_CLF ? -1 : 1);
	if (a->fmt == FMT_U1) {
		if ((c = strcmp(a->key, b->key)) != 0)
			return (c);
		return (strcmp(a->path, b->path));
	}
	if (a->seq >= 0 || b->seq >= 0)		/* from the command line */
		return (a->seq - b->seq);
	if ((c = strcmp(a->base, b->base)) != 0)
		return (c);
	if (a->cls != b->cls)
		return (a->cls - b->cls);
	if (a->cls == 0)
		return (a->num < b->num ? 1 : a->num > b->num ? -1 : 0);
	return (strcmp(a->path, b->path));
}

static int
all_digits(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return (0);
	return (n > 0);
}

/* Classify one file; -1 to leave it out. */
static int
item_make(struct item *it, char *path, int fmt, int seq, int from_dir)
{
	const char	*name, *dot;
	char		 head[LINE_LIMIT];
	struct lp_line	 l;
	struct lp_timecache tc;
	ssize_t		 n;
	size_t		 len;
	int		 fd;

	memset(it, 0, sizeof(*it));
	it->path = path;
	it->seq = seq;
	name = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	if ((fd = open(path, O_RDONLY)) == -1) {
		it->fmt = fmt != FMT_AUTO ? fmt : FMT_CLF;
		return (from_dir ? -1 : 0);	/* reported when imported */
	}
	it->fmt = fmt != FMT_AUTO ? fmt : sniff(fd);
	n = pread(fd, head, sizeof(head) - 1, 0);
	close(fd);
	if (from_dir && it->fmt == FMT_CLF) {
		/* only what reads as an access log */
		char *nl;

		memset(&tc, 0, sizeof(tc));
		if (n <= 0 || (nl = memchr(head, '\n', (size_t)n)) == NULL ||
		    lp_parse(&tc, head, (size_t)(nl - head), &l) != LP_OK) {
			fprintf(stderr, "g2b-logs: %s: neither an access log "
			    "nor usage events, skipped\n", path);
			return (-1);
		}
	}
	if (it->fmt == FMT_U1) {
		len = strlen(name);
		/* usage-YYYYMMDD-PID.tsv: grouped by directory and day */
		if (len > 15 && strncmp(name, "usage-", 6) == 0 &&
		    all_digits(name + 6, 8) && name[14] == '-')
			snprintf(it->key, sizeof(it->key), "%.*s%.8s",
			    (int)(name - path), path, name + 6);
		else
			snprintf(it->key, sizeof(it->key), "%s", path);
		return (0);
	}
	snprintf(it->base, sizeof(it->base), "%s", path);
	it->cls = 2;
	if ((dot = strrchr(name, '.')) != NULL && dot != name) {
		len = strlen(dot + 1);
		if (all_digits(dot + 1, len) && len < 6) {
			it->cls = 0;
			it->num = strtol(dot + 1, NULL, 10);
		} else if (len == 15 && all_digits(dot + 1, 8) &&
		    dot[9] == '-' && all_digits(dot + 10, 6))
			it->cls = 1;
		if (it->cls != 2)
			snprintf(it->base, sizeof(it->base), "%.*s",
			    (int)(dot - path), path);
	}
	return (0);
}

static int
skip_name(const char *n)
{
	static const char *const ext[] = { ".gz", ".bz2", ".xz", ".zst",
	    ".zip", ".tmp", ".swp", NULL };
	size_t	len = strlen(n), k;
	int	i;

	if (n[0] == '.')
		return (1);
	for (i = 0; ext[i] != NULL; i++) {
		k = strlen(ext[i]);
		if (len > k && strcmp(n + len - k, ext[i]) == 0)
			return (1);
	}
	return (0);
}

/* Files of argv and of the directories, in import order. */
static struct item *
plan(int argc, char **argv, int ndirs, char **dirs, int fmt, size_t *np)
{
	struct item	*it;
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	size_t		 n = 0, cap = (size_t)argc + 64;
	char		*p;
	int		 i;

	if ((it = calloc(cap, sizeof(*it))) == NULL)
		die("out of memory");
	for (i = 0; i < argc; i++)
		if (item_make(&it[n], argv[i], fmt, i, 0) == 0)
			n++;
	for (i = 0; i < ndirs; i++) {
		if ((d = opendir(dirs[i])) == NULL)
			die("%s: %s", dirs[i], strerror(errno));
		while ((de = readdir(d)) != NULL) {
			if (skip_name(de->d_name))
				continue;
			if (asprintf(&p, "%s/%s", dirs[i], de->d_name) == -1)
				die("out of memory");
			if (stat(p, &st) == -1 || !S_ISREG(st.st_mode)) {
				free(p);
				continue;
			}
			if (n == cap) {
				cap *= 2;
				if ((it = realloc(it, cap * sizeof(*it))) ==
				    NULL)
					die("out of memory");
			}
			if (item_make(&it[n], p, fmt, -1, 1) == 0)
				n++;
			else
				free(p);
		}
		closedir(d);
	}
	qsort(it, n, sizeof(*it), item_cmp);
	*np = n;
	return (it);
}

static int
cmd_import(const char *conninfo, int argc, char **argv, int ndirs,
    char **dirs, int fmt, int64_t batch, size_t max_open, int close_all,
    int quiet, int64_t crash_after)
{
	struct importer	 im;
	struct timespec	 t0, t1;
	struct item	*items;
	PGresult	*r;
	char		 a[3][32];
	const char	*vals[3];
	char		**group;
	double		 secs;
	size_t		 nitems, i, j, k;
	int		 failed = 0;

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
	im.fmt = fmt;
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
	strbuf_init(&im.events);
	im.tr.on_open = region_of;
	im.tr.on_close = session_closed;
	im.tr.arg = &im;
	load_state(&im);

	qx("CREATE TEMP TABLE stage_route (hour bigint, method text, "
	    "route text, status int, name text, hits bigint, bytes bigint, rt_n bigint, "
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
	items = plan(argc, argv, ndirs, dirs, fmt, &nitems);
	if ((group = calloc(nitems + 1, sizeof(*group))) == NULL)
		die("out of memory");
	for (i = 0; i < nitems && !stop_requested; i = j) {
		/* an access log alone, u1 files of one group together */
		k = 0;
		group[k++] = items[i].path;
		for (j = i + 1; j < nitems && items[i].fmt == FMT_U1 &&
		    items[j].fmt == FMT_U1 &&
		    strcmp(items[j].key, items[i].key) == 0; j++)
			group[k++] = items[j].path;
		import_group(&im, group, k, &failed);
	}
	free(group);
	if (close_all && !stop_requested) {
		us_expire(&im.tr, INT64_MAX);
		commit(&im);
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
	strbuf_cleanup(&im.events);
	for (i = 0; i < nitems; i++)
		if (items[i].seq < 0)
			free(items[i].path);
	free(items);
	free(im.act);
	free(im.nets);
	free(im.orgs);
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
	qp("DELETE FROM usage.user_event WHERE ts < $1::timestamptz", 1,
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
	char		**dirs;
	int		 i, nrest = 0, ndirs = 0, close_all = 0, quiet = 0;
	int		 fmt = FMT_AUTO;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return (argc < 2 ? 2 : 0);
	}
	cmd = argv[1];
	conninfo = getenv("G2B_DB");
	if ((rest = calloc((size_t)argc, sizeof(*rest))) == NULL ||
	    (dirs = calloc((size_t)argc, sizeof(*dirs))) == NULL)
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
		} else if (strcmp(a, "--dir") == 0) {
			VAL();
			dirs[ndirs++] = argv[++i];
		} else if (strcmp(a, "--format") == 0) {
			VAL();
			i++;
			if (strcmp(argv[i], "u1") == 0)
				fmt = FMT_U1;
			else if (strcmp(argv[i], "log") == 0 ||
			    strcmp(argv[i], "clf") == 0)
				fmt = FMT_CLF;
			else if (strcmp(argv[i], "auto") == 0)
				fmt = FMT_AUTO;
			else {
				fprintf(stderr, "g2b-logs: --format: auto, log "
				    "or u1\n");
				return (2);
			}
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
		if (nrest == 0 && ndirs == 0) {
			fprintf(stderr, "g2b-logs import: no FILE or --dir\n");
			return (2);
		}
		return (cmd_import(conninfo, nrest, rest, ndirs, dirs, fmt,
		    batch, (size_t)max_open, close_all, quiet, crash));
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
