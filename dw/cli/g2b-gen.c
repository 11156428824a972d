/*
 * g2b-gen: fills the live tables with synthetic, internally consistent
 * procurement data for tests, benchmarks and demos, reproducibly from a
 * seed (same seed, options and database state: same rows).
 *
 *   g2b-gen --db CONNINFO --seed N --notices N --suppliers N --agencies N
 *           --years Y [--bids-per-notice M] [--end YYYY-MM-DD]
 *           [--no-fk-checks]
 *
 * Writes, in one transaction with COPY: approved agencies (kind, region,
 * an agency user and a bid officer each), approved suppliers (valid
 * registration numbers, categories, a user and a certificate record),
 * notices over Y years up to --end (default today) across the four
 * families, with amendments and cancellations; for notices whose opening
 * time has passed, the opening (15 preliminary prices drawn in their
 * bands, picks, planned price, floor, ranking with the lot, all by
 * bidding/prices.c, the rules the real opening uses), the opened bids and
 * their results, the qualification review, and a contract for each award;
 * notices still open get live bids holding opaque ciphertext and no
 * result. Synthetic rows are marked: bids carry "g2b-gen" in their
 * canonical text, certificates are not PEM, users cannot log in (no
 * password hash), bids have no entry in the hash chain, and notices have
 * no opening key or sealed prices (they cannot be opened for real).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "prices.h"
#include "strbuf.h"
#include "dwgen.h"

#define CHUNK		2000		/* notices per COPY round */
#define MAX_BIDS	200
#define KST		(9 * 3600)

enum { T_NOTICE, T_VERSION, T_ITEM, T_NOMINEE, T_BID, T_OPENING,
    T_RESULT, T_CONTRACT, T_COUNT };

static const char *const copy_sql[T_COUNT] = {
	"COPY bidding.notice (id, agency_id, notice_no, pub_seq, status, "
	    "cur_ord, created_by, created_at, rebid_ord, outcome, opened_at) "
	    "FROM STDIN",
	"COPY bidding.notice_version (notice_id, ord, kind, reason, family, "
	    "title, base_amount, budget, contract_method, award_method, "
	    "range_milli, region_limit, bid_start, bid_close, opening_at, "
	    "officer_id, floor_rate_milli, published_at, published_by) "
	    "FROM STDIN",
	"COPY bidding.notice_item (notice_id, ord, line, code, quantity, unit) "
	    "FROM STDIN",
	"COPY bidding.notice_nominee (notice_id, ord, org_id) FROM STDIN",
	"COPY bidding.bid (id, notice_id, ord, org_id, user_id, cert_id, "
	    "canonical, sealed, signature, bid_hash, receipt_no, received_at, "
	    "status, status_at) FROM STDIN",
	"COPY bidding.opening (notice_id, ord, opened_at, opened_by, prices, "
	    "counts, chosen, planned, floor_rate_milli, floor_amount, "
	    "lot_seed, ranked, bids) FROM STDIN",
	"COPY bidding.bid_result (bid_id, notice_id, amount, pick_a, pick_b, "
	    "ratio_milli, valid, excluded, reason, rank, lot_key, review, "
	    "review_reason, reviewed_at, reviewed_by) FROM STDIN",
	"COPY bidding.contract (id, contract_no, notice_id, bid_id, agency_id, "
	    "supplier_id, amount, awarded_at, starts, ends, status) FROM STDIN",
};

struct region {
	char	code[3];
	double	weight;		/* share of organisations */
	const char *name;
};

/* Weights roughly follow where Korean firms and agencies are. */
static struct region regions[] = {
	{ "11", 19, "서울" }, { "26", 6, "부산" }, { "27", 4.5, "대구" },
	{ "28", 5.5, "인천" }, { "29", 3, "광주" }, { "30", 3, "대전" },
	{ "31", 2, "울산" }, { "36", 1, "세종" }, { "41", 25, "경기" },
	{ "51", 3, "강원" }, { "43", 3.2, "충북" }, { "44", 4.2, "충남" },
	{ "52", 3.5, "전북" }, { "46", 3.6, "전남" }, { "47", 5, "경북" },
	{ "48", 6.3, "경남" }, { "50", 1.2, "제주" },
};
#define NREGIONS	(sizeof(regions) / sizeof(regions[0]))

static const char *const families[4] = { "goods", "services", "works",
    "foreign" };
static const double family_w[4] = { 45, 30, 22, 3 };
/* Median base amount (won) and bidder factor per family. */
static const double family_median[4] = { 3e7, 8e7, 5e8, 2e8 };
static const double family_bidders[4] = { 0.8, 0.9, 1.5, 0.6 };
static const char *const family_word[4] = { "구매", "용역", "공사",
    "외자구매" };

struct category {
	char	code[9];
	char	*name;
};

struct catpool {
	struct category	*c;
	size_t		 n, cap;
};

struct agency {
	int64_t		 id, user_id, officer_id;
	int		 region;
	int		 kind;		/* 0 central 1 local 2 corp 3 edu */
};

struct supplier {
	int64_t		 id, user_id, cert_id;
	int		 region;
	int64_t		 created;	/* unix time */
};

struct floor_row {
	int		 family;
	int64_t		 min, max;	/* max 0: none */
	int32_t		 from;		/* yyyymmdd */
	int32_t		 rate;
};

struct gen {
	PGconn			*db;
	struct dwgen_rng	 rng;
	uint64_t		 seed;
	int64_t			 notices, nsup, nag;
	int			 years;
	double			 bpn;
	int64_t			 end;		/* unix time of --end (KST day end) */
	int64_t			 start;
	struct catpool		 pool[4];
	struct agency		*ag;
	struct supplier		*sup;
	int64_t			*by_region[NREGIONS];
	size_t			 n_region[NREGIONS];
	struct floor_row	*floors;
	size_t			 nfloors;
	int64_t			 next_notice, next_pub, next_bid,
				 next_receipt, next_contract, next_contract_no;
	struct strbuf		 buf[T_COUNT];
	/* counts */
	int64_t			 c_notices, c_bids, c_opened, c_contracts,
				 c_failed, c_live;
};

static void	die(PGconn *, const char *, ...)
		    __attribute__((format(printf, 2, 3), noreturn));
static void	exec_ok(PGconn *, const char *);
static int64_t	query_int(PGconn *, const char *);
static void	copy_buf(PGconn *, const char *, struct strbuf *);
static void	put_i(struct strbuf *, int64_t);
static void	put_s(struct strbuf *, const char *);
static void	put_ts(struct strbuf *, int64_t);
static void	put_date(struct strbuf *, int64_t);
static void	put_hex(struct strbuf *, const unsigned char *, size_t);
static void	tab(struct strbuf *);
static void	eol(struct strbuf *);
static int32_t	ymd(int64_t);
static int	year_of(int64_t);
static void	load_reference(struct gen *);
static void	gen_orgs(struct gen *);
static void	gen_notice(struct gen *);
static int32_t	floor_rate(struct gen *, int, int64_t, int32_t);
static void	usage(void);

static void
die(PGconn *db, const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "g2b-gen: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (db != NULL)
		fprintf(stderr, ": %s", PQerrorMessage(db));
	fprintf(stderr, "\n");
	if (db != NULL)
		PQfinish(db);
	exit(1);
}

static void
exec_ok(PGconn *db, const char *sql)
{
	PGresult	*r;

	r = PQexec(db, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		die(db, "%.60s", sql);
	}
	PQclear(r);
}

static int64_t
query_int(PGconn *db, const char *sql)
{
	PGresult	*r;
	int64_t		 v;

	r = PQexec(db, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		PQclear(r);
		die(db, "%.60s", sql);
	}
	v = PQgetisnull(r, 0, 0) ? 0 : strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return (v);
}

static void
copy_buf(PGconn *db, const char *sql, struct strbuf *b)
{
	PGresult	*r;

	if (b->len == 0)
		return;
	r = PQexec(db, sql);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		PQclear(r);
		die(db, "%.50s", sql);
	}
	PQclear(r);
	if (PQputCopyData(db, b->data, (int)b->len) != 1 ||
	    PQputCopyEnd(db, NULL) != 1)
		die(db, "copy");
	r = PQgetResult(db);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		PQclear(r);
		die(db, "%.50s", sql);
	}
	PQclear(r);
	strbuf_reset(b);
}

static void
put_i(struct strbuf *b, int64_t v)
{
	char		 tmp[24], *p = tmp + sizeof(tmp);
	uint64_t	 u = v < 0 ? (uint64_t)-(v + 1) + 1 : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	strbuf_append(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

static void
put_s(struct strbuf *b, const char *s)
{
	strbuf_append(b, s, strlen(s));
}

static void
tab(struct strbuf *b)
{
	strbuf_append(b, "\t", 1);
}

static void
eol(struct strbuf *b)
{
	strbuf_append(b, "\n", 1);
}

/* An instant as UTC text. */
static void
put_ts(struct strbuf *b, int64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)t;
	char		s[40];

	gmtime_r(&tt, &tm);
	strftime(s, sizeof(s), "%Y-%m-%d %H:%M:%S+00", &tm);
	put_s(b, s);
}

/* The Korean date of an instant. */
static void
put_date(struct strbuf *b, int64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)(t + KST);
	char		s[16];

	gmtime_r(&tt, &tm);
	strftime(s, sizeof(s), "%Y-%m-%d", &tm);
	put_s(b, s);
}

static void
put_hex(struct strbuf *b, const unsigned char *p, size_t n)
{
	static const char	hx[] = "0123456789abcdef";
	char			c[2];
	size_t			i;

	put_s(b, "\\\\x");
	for (i = 0; i < n; i++) {
		c[0] = hx[p[i] >> 4];
		c[1] = hx[p[i] & 15];
		strbuf_append(b, c, 2);
	}
}

static int32_t
ymd(int64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)(t + KST);

	gmtime_r(&tt, &tm);
	return ((tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 +
	    tm.tm_mday);
}

static int
year_of(int64_t t)
{
	return (ymd(t) / 10000);
}

static void
usage(void)
{
	fprintf(stderr, "usage: g2b-gen --db CONNINFO --seed N --notices N "
	    "--suppliers N --agencies N --years Y\n"
	    "               [--bids-per-notice M] [--end YYYY-MM-DD] "
	    "[--no-fk-checks]\n");
	exit(2);
}

/* The categories by family, and the floor-rate table. */
static void
load_reference(struct gen *g)
{
	PGresult	*r;
	int		 i, f, seg;
	struct catpool	*p;

	r = PQexec(g->db, "SELECT code, name_ko FROM portal.category "
	    "WHERE level = 4 ORDER BY code");
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) == 0) {
		PQclear(r);
		die(g->db, "no item categories (portal.category)");
	}
	for (i = 0; i < PQntuples(r); i++) {
		seg = atoi(PQgetvalue(r, i, 0)) / 1000000;
		/* UNSPSC: 72 is construction; 70 and above are services. */
		f = seg == 72 ? 2 : seg >= 70 ? 1 : 0;
		p = &g->pool[f];
		if (p->n == p->cap) {
			p->cap = p->cap ? p->cap * 2 : 64;
			if ((p->c = realloc(p->c, p->cap * sizeof(*p->c))) ==
			    NULL)
				die(NULL, "out of memory");
		}
		snprintf(p->c[p->n].code, sizeof(p->c[p->n].code), "%s",
		    PQgetvalue(r, i, 0));
		if ((p->c[p->n].name = strdup(PQgetvalue(r, i, 1))) == NULL)
			die(NULL, "out of memory");
		p->n++;
	}
	PQclear(r);
	g->pool[3] = g->pool[0];	/* foreign procurement buys goods */
	for (f = 0; f < 3; f++)
		if (g->pool[f].n == 0)
			die(NULL, "no categories for family %s", families[f]);

	r = PQexec(g->db, "SELECT family, min_amount, "
	    "coalesce(max_amount, 0), to_char(valid_from, 'YYYYMMDD'), "
	    "rate_milli FROM bidding.floor_rate WHERE ruleset = 'national'");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		die(g->db, "floor rates");
	}
	g->nfloors = (size_t)PQntuples(r);
	if ((g->floors = calloc(g->nfloors + 1, sizeof(*g->floors))) == NULL)
		die(NULL, "out of memory");
	for (i = 0; i < PQntuples(r); i++) {
		for (f = 0; f < 4; f++)
			if (!strcmp(PQgetvalue(r, i, 0), families[f]))
				break;
		g->floors[i].family = f;
		g->floors[i].min = strtoll(PQgetvalue(r, i, 1), NULL, 10);
		g->floors[i].max = strtoll(PQgetvalue(r, i, 2), NULL, 10);
		g->floors[i].from = atoi(PQgetvalue(r, i, 3));
		g->floors[i].rate = atoi(PQgetvalue(r, i, 4));
	}
	PQclear(r);
}

/* bidding.floor_rate_for: the latest row in force for the amount. */
static int32_t
floor_rate(struct gen *g, int family, int64_t amount, int32_t day)
{
	size_t		 i;
	int32_t		 best = 0, from = 0;

	for (i = 0; i < g->nfloors; i++) {
		struct floor_row *f = &g->floors[i];

		if (f->family != family || amount < f->min ||
		    (f->max != 0 && amount >= f->max) || f->from > day)
			continue;
		if (f->from > from) {
			from = f->from;
			best = f->rate;
		}
	}
	return (best);
}

static const char *const ag_prefix[4][6] = {
	{ "행정안전부", "국토교통부", "보건복지부", "환경부", "국방부",
	  "과학기술정보통신부" },
	{ "시청", "군청", "구청", "시설관리공단", "상수도사업본부", "보건소" },
	{ "한국도로공사", "한국전력공사", "한국수자원공사", "한국토지주택공사",
	  "한국철도공사", "인천국제공항공사" },
	{ "교육청", "교육지원청", "초등학교", "중학교", "고등학교", "대학교" },
};
static const char *const ag_kind[4] = { "central", "local", "corporation",
    "education" };
static const double ag_kind_w[4] = { 15, 45, 20, 20 };
static const char *const sup_a[] = { "한빛", "대한", "미래", "새한", "동서",
    "삼성", "우리", "태평양", "한국", "세종", "청솔", "푸른", "신화", "하나",
    "대양", "금강", "한결", "으뜸", "누리", "온누리" };
static const char *const sup_b[] = { "정보통신", "건설", "산업", "기술",
    "엔지니어링", "테크", "상사", "시스템", "전기", "환경", "종합건설",
    "물산", "디자인", "솔루션" };
/*
 * Supplier size classes (portal/sql/012_org_size.sql) in the proportions
 * of suppliers registered with public procurement: mostly small (소기업)
 * and medium (중소기업) firms and 소상공인, few 중견기업 and 대기업. Drawn
 * from a generator of their own so every other row is as before.
 */
static const char *const size_classes[5] = { "large", "midsize", "sme",
	"small", "micro" };
static const double size_w[5] = { 0.02, 0.04, 0.26, 0.46, 0.22 };

static const char *const biz_types[4] = { "manufacturer", "distributor",
    "service", "construction" };

static void
gen_orgs(struct gen *g)
{
	struct strbuf	 org, users, cats, certs;
	int64_t		 base_org, base_user, base_cert, i, j, codeno;
	char		 bizno[11], code[8], login[64];
	PGresult	*r;
	char		**taken_biz = NULL, **taken_code = NULL;
	int		 ntaken_biz = 0, ntaken_code = 0, k, ncat, dup;
	size_t		 reg;
	double		 rw[NREGIONS];
	uint64_t	 bindex;
	struct dwgen_rng sizer;

	for (reg = 0; reg < NREGIONS; reg++)
		rw[reg] = regions[reg].weight;
	/* Numbers already used (demo data, earlier runs) are skipped. */
	r = PQexec(g->db, "SELECT bizno FROM portal.org WHERE bizno IS NOT "
	    "NULL UNION ALL SELECT '#' || agency_code FROM portal.org "
	    "WHERE agency_code IS NOT NULL");
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		die(g->db, "existing organisations");
	taken_biz = calloc((size_t)PQntuples(r) + 1, sizeof(char *));
	taken_code = calloc((size_t)PQntuples(r) + 1, sizeof(char *));
	if (taken_biz == NULL || taken_code == NULL)
		die(NULL, "out of memory");
	for (k = 0; k < PQntuples(r); k++) {
		char *v = PQgetvalue(r, k, 0);

		if (v[0] == '#')
			taken_code[ntaken_code++] = strdup(v + 1);
		else
			taken_biz[ntaken_biz++] = strdup(v);
	}
	PQclear(r);

	base_org = query_int(g->db, "SELECT nextval('portal.org_id_seq')");
	base_user = query_int(g->db, "SELECT nextval('portal.users_id_seq')");
	base_cert = query_int(g->db, "SELECT nextval('bidding.cert_id_seq')");
	strbuf_init(&org);
	strbuf_init(&users);
	strbuf_init(&cats);
	strbuf_init(&certs);

	if ((g->ag = calloc((size_t)g->nag, sizeof(*g->ag))) == NULL ||
	    (g->sup = calloc((size_t)g->nsup, sizeof(*g->sup))) == NULL)
		die(NULL, "out of memory");
	codeno = 0;
	for (i = 0; i < g->nag; i++) {
		struct agency *a = &g->ag[i];
		int kind = (int)dwgen_pick(&g->rng, ag_kind_w, 4);

		a->id = base_org + i;
		a->kind = kind;
		a->region = (int)dwgen_pick(&g->rng, rw, NREGIONS);
		a->user_id = base_user + 2 * i;
		a->officer_id = base_user + 2 * i + 1;
		/* 7-digit agency codes, first digit by kind as KONEPS does. */
		do {
			snprintf(code, sizeof(code), "%c%06lld",
			    "1657"[kind], (long long)(codeno++ % 1000000));
			for (dup = 0, k = 0; k < ntaken_code; k++)
				if (!strcmp(taken_code[k], code))
					dup = 1;
		} while (dup);
		put_i(&org, a->id); tab(&org);
		put_s(&org, "agency\tapproved\t");
		if (kind == 1 || kind == 3) {
			put_s(&org, regions[a->region].name);
			put_s(&org, " ");
		}
		put_s(&org, ag_prefix[kind][dwgen_below(&g->rng, 6)]);
		put_s(&org, " ");
		put_i(&org, i + 1);
		tab(&org);
		put_s(&org, regions[a->region].code); tab(&org);
		put_s(&org, regions[a->region].name);
		put_s(&org, " 청사로 "); put_i(&org, 1 + (int64_t)dwgen_below(&g->rng, 300));
		tab(&org);
		put_s(&org, "\\N\t\\N\t\\N\t");
		put_s(&org, code); tab(&org);
		put_s(&org, ag_kind[kind]); tab(&org);
		put_ts(&org, g->start - 86400 * 30); tab(&org);
		put_ts(&org, g->start - 86400 * 30);
		put_s(&org, "\t\\N");	/* size: suppliers only */
		eol(&org);
		snprintf(login, sizeof(login), "gen%llu-a%lld",
		    (unsigned long long)g->seed, (long long)i);
		put_i(&users, a->user_id); tab(&users); put_s(&users, login);
		tab(&users); put_i(&users, a->id);
		put_s(&users, "\tagency\t수요기관 담당자 "); put_i(&users, i + 1);
		put_s(&users, "\t!synthetic\n");
		snprintf(login, sizeof(login), "gen%llu-o%lld",
		    (unsigned long long)g->seed, (long long)i);
		put_i(&users, a->officer_id); tab(&users); put_s(&users, login);
		tab(&users); put_i(&users, a->id);
		put_s(&users, "\tofficer\t입찰집행관 "); put_i(&users, i + 1);
		put_s(&users, "\t!synthetic\n");
	}
	bindex = 0;
	dwgen_seed(&sizer, g->seed ^ 0x5a1ec1a55e5ULL);
	for (i = 0; i < g->nsup; i++) {
		struct supplier *s = &g->sup[i];
		int f = (int)dwgen_pick(&g->rng, family_w, 3);

		s->id = base_org + g->nag + i;
		s->user_id = base_user + 2 * g->nag + i;
		s->cert_id = base_cert + i;
		s->region = (int)dwgen_pick(&g->rng, rw, NREGIONS);
		/* Registered before the first notice they may bid on. */
		s->created = g->start - 86400 * 2 - (int64_t)dwgen_below(
		    &g->rng, 86400 * 365);
		do {
			if (dwgen_bizno(bindex++, g->seed * 7919, bizno) == -1)
				die(NULL, "too many suppliers");
			for (dup = 0, k = 0; k < ntaken_biz; k++)
				if (!strcmp(taken_biz[k], bizno))
					dup = 1;
		} while (dup);
		put_i(&org, s->id); tab(&org);
		put_s(&org, "supplier\tapproved\t");
		put_s(&org, dwgen_below(&g->rng, 2) ? "(주)" : "");
		put_s(&org, sup_a[dwgen_below(&g->rng, 20)]);
		put_s(&org, sup_b[dwgen_below(&g->rng, 14)]);
		put_s(&org, " "); put_i(&org, i + 1); tab(&org);
		put_s(&org, regions[s->region].code); tab(&org);
		put_s(&org, regions[s->region].name);
		put_s(&org, " 산업로 "); put_i(&org, 1 + (int64_t)dwgen_below(&g->rng, 500));
		tab(&org);
		put_s(&org, bizno);
		put_s(&org, "\t대표자\t");
		put_s(&org, f == 2 ? "construction" :
		    biz_types[dwgen_below(&g->rng, 3)]);
		put_s(&org, "\t\\N\t\\N\t");
		put_ts(&org, s->created); tab(&org);
		put_ts(&org, s->created); tab(&org);
		put_s(&org, size_classes[dwgen_pick(&sizer, size_w, 5)]);
		eol(&org);
		snprintf(login, sizeof(login), "gen%llu-s%lld",
		    (unsigned long long)g->seed, (long long)i);
		put_i(&users, s->user_id); tab(&users); put_s(&users, login);
		tab(&users); put_i(&users, s->id);
		put_s(&users, "\tsupplier\t업체 담당자 "); put_i(&users, i + 1);
		put_s(&users, "\t!synthetic\n");
		ncat = 1 + (int)dwgen_below(&g->rng, 3);
		{
			int64_t chosen[3];

			for (k = 0; k < ncat; k++) {
				struct catpool *p = &g->pool[f];
				int64_t c = (int64_t)dwgen_below(&g->rng, p->n);

				for (j = 0, dup = 0; j < k; j++)
					if (chosen[j] == c)
						dup = 1;
				chosen[k] = c;
				if (dup)
					continue;
				put_i(&cats, s->id); tab(&cats);
				put_s(&cats, p->c[c].code); eol(&cats);
			}
		}
		put_i(&certs, s->cert_id); tab(&certs);
		put_i(&certs, s->user_id); tab(&certs);
		put_i(&certs, s->id); tab(&certs);
		{
			char serial[41];

			snprintf(serial, sizeof(serial), "D6%014llX%08llX",
			    (unsigned long long)(g->seed & 0xffffffffffffffULL),
			    (unsigned long long)i);
			put_s(&certs, serial);
		}
		put_s(&certs, "\tsynthetic certificate (g2b-gen)\t");
		put_ts(&certs, s->created); tab(&certs);
		put_ts(&certs, s->created + 86400LL * 365 * 30); tab(&certs);
		put_ts(&certs, s->created); eol(&certs);
	}
	copy_buf(g->db, "COPY portal.org (id, kind, status, name, region, "
	    "address, bizno, representative, biz_type, agency_code, "
	    "agency_kind, reviewed_at, created_at, size_class) FROM STDIN",
	    &org);
	copy_buf(g->db, "COPY portal.users (id, login, org_id, role, name, "
	    "pwhash) FROM STDIN", &users);
	copy_buf(g->db, "COPY portal.org_category (org_id, code) FROM STDIN",
	    &cats);
	copy_buf(g->db, "COPY bidding.cert (id, user_id, org_id, serial, "
	    "cert_pem, not_before, not_after, issued_at) FROM STDIN", &certs);
	strbuf_cleanup(&org);
	strbuf_cleanup(&users);
	strbuf_cleanup(&cats);
	strbuf_cleanup(&certs);
	for (k = 0; k < ntaken_biz; k++)
		free(taken_biz[k]);
	for (k = 0; k < ntaken_code; k++)
		free(taken_code[k]);
	free(taken_biz);
	free(taken_code);

	/* Suppliers by region, for regionally restricted tenders. */
	for (i = 0; i < g->nsup; i++) {
		reg = (size_t)g->sup[i].region;
		g->by_region[reg] = realloc(g->by_region[reg],
		    (g->n_region[reg] + 1) * sizeof(int64_t));
		if (g->by_region[reg] == NULL)
			die(NULL, "out of memory");
		g->by_region[reg][g->n_region[reg]++] = i;
	}
	snprintf(login, sizeof(login), "SELECT setval('portal.org_id_seq', "
	    "%lld)", (long long)(base_org + g->nag + g->nsup - 1));
	exec_ok(g->db, login);
	snprintf(login, sizeof(login), "SELECT setval('portal.users_id_seq', "
	    "%lld)", (long long)(base_user + 2 * g->nag + g->nsup - 1));
	exec_ok(g->db, login);
	snprintf(login, sizeof(login), "SELECT setval('bidding.cert_id_seq', "
	    "%lld)", (long long)(base_cert + g->nsup - 1));
	exec_ok(g->db, login);
}

/* A version row (notice_version) of the notice being generated. */
struct nv {
	int		 family, contract, award, range, region_limit;
	int64_t		 base, budget, start, close, opening, published;
	int32_t		 floor;
	const char	*title_cat;
};

static const char *const contract_codes[4] = { "open", "restricted",
    "nominated", "direct" };
static const double contract_w[4] = { 72, 20, 5, 3 };
static const char *const units[4] = { "개", "식", "EA", "대" };

static void
put_version(struct gen *g, int64_t id, int ord, const char *kind,
    const char *reason, const struct nv *v, int64_t published,
    int64_t officer, int64_t seq)
{
	struct strbuf *b = &g->buf[T_VERSION];

	put_i(b, id); tab(b); put_i(b, ord); tab(b);
	put_s(b, kind); tab(b);
	put_s(b, reason ? reason : "\\N"); tab(b);
	put_s(b, families[v->family]); tab(b);
	put_s(b, v->title_cat); put_s(b, " "); put_s(b, family_word[v->family]);
	put_s(b, " ("); put_i(b, seq); put_s(b, ")"); tab(b);
	put_i(b, v->base); tab(b); put_i(b, v->budget); tab(b);
	put_s(b, contract_codes[v->contract]); tab(b);
	put_s(b, v->award ? "qualification" : "lowest"); tab(b);
	put_i(b, v->range); tab(b);
	put_s(b, v->region_limit >= 0 ? regions[v->region_limit].code : "\\N");
	tab(b);
	put_ts(b, v->start); tab(b); put_ts(b, v->close); tab(b);
	put_ts(b, v->opening); tab(b);
	put_i(b, officer); tab(b);
	if (v->floor > 0)
		put_i(b, v->floor);
	else
		put_s(b, "\\N");
	tab(b);
	put_ts(b, published); tab(b); put_i(b, officer); eol(b);
}

struct gbid {
	int64_t		 id;
	int64_t		 sup;		/* index into g->sup */
	int64_t		 received;
	int		 valid;
	int64_t		 amount;
	int		 picks[2];
	unsigned char	 hash[32];
	struct bid_entry e;
};

#define MAX_NOMINEES	(MAX_BIDS + 3)

/*
 * The nominees (지명업체) of a nominated notice, the same in each of its
 * orders 1..ord: every bidder (only nominees may bid) and 1 to 3 invited
 * suppliers who did not bid, at least two in all. The extra draws come
 * from a generator of their own (seed and notice id), so the main stream,
 * and with it every other generated row, is the same as without them.
 */
static void
put_nominees(struct gen *g, int64_t id, int ord, const struct gbid *bids,
    int nb)
{
	struct dwgen_rng	 r;
	int64_t			 sup[MAX_NOMINEES], x;
	int			 n, want, i, k, dup;
	struct strbuf		*b = &g->buf[T_NOMINEE];

	dwgen_seed(&r, g->seed * UINT64_C(1000003) + (uint64_t)id);
	for (n = 0; n < nb; n++)
		sup[n] = bids[n].sup;
	want = nb + 1 + (int)dwgen_below(&r, 3);
	if (want < 2)
		want = 2;
	if (want > g->nsup)
		want = (int)g->nsup;
	while (n < want) {
		x = (int64_t)dwgen_below(&r, (uint64_t)g->nsup);
		for (dup = 0, i = 0; i < n; i++)
			if (sup[i] == x)
				dup = 1;
		if (!dup)
			sup[n++] = x;
	}
	for (k = 1; k <= ord; k++) {
		for (i = 0; i < n; i++) {
			put_i(b, id); tab(b); put_i(b, k); tab(b);
			put_i(b, g->sup[sup[i]].id); eol(b);
		}
	}
}

static void
gen_notice(struct gen *g)
{
	struct nv	 v;
	struct gbid	 bids[MAX_BIDS];
	struct bid_entry e[MAX_BIDS];
	int64_t		 id, seq, span, day, published, created, t;
	int64_t		 prices[PRICES_COUNT], planned = 0, floor_amount = 0;
	int64_t		 opened = 0, awarded = 0, cancel_at = 0, amend_at = 0;
	int64_t		 winner = -1, reviewed_at = 0, reviewer = 0;
	int		 counts[PRICES_COUNT], chosen[PRICES_CHOSEN];
	int		 (*picks)[PRICES_PICKS];
	int		 ord, nitems, i, j, k, nb, ranked = 0, cancelled, amended;
	int		 nvalid, dup, review_done[MAX_BIDS];
	const char	*outcome = NULL;
	struct agency	*a;
	struct catpool	*p;
	struct category	*cat[3];
	char		 no[40], tmp[96];
	unsigned char	 seed[32], sealed[16];
	struct strbuf	*b;
	double		 lam, x;
	size_t		 reg;
	int32_t		 pubday;

	memset(review_done, 0, sizeof(review_done));
	id = g->next_notice++;
	seq = g->next_pub++;
	a = &g->ag[dwgen_below(&g->rng, (uint64_t)g->nag)];
	memset(&v, 0, sizeof(v));
	v.family = (int)dwgen_pick(&g->rng, family_w, 4);
	v.contract = (int)dwgen_pick(&g->rng, contract_w, 4);
	if (v.contract == 2 && g->nsup < 2)
		v.contract = 0;		/* 지명경쟁 names at least two */
	v.award = (v.family == 1 || v.family == 2) ?
	    dwgen_unit(&g->rng) < 0.65 : dwgen_unit(&g->rng) < 0.45;
	v.range = (a->kind == 1 || a->kind == 3) ? 3000 : 2000;
	v.region_limit = v.contract == 1 ? a->region : -1;
	x = family_median[v.family] * exp(1.1 * dwgen_normal(&g->rng));
	if (x < 1e6)
		x = 1e6;
	if (x > 5e11)
		x = 5e11;
	v.base = (int64_t)(x / 1000) * 1000;
	v.budget = v.base + (int64_t)(v.base * 0.1 * dwgen_unit(&g->rng)) /
	    1000 * 1000;

	/* Publication on a working day, 09:00-18:00 KST. */
	span = (g->end - g->start) / 86400;
	do {
		day = g->start / 86400 + (int64_t)dwgen_below(&g->rng,
		    (uint64_t)span);
		published = day * 86400 - KST + 9 * 3600 +
		    (int64_t)dwgen_below(&g->rng, 9 * 3600);
		t = (day + 4) % 7;	/* 1970-01-01 was a Thursday: 0 Sun */
	} while (t == 0 || t == 6);
	if (published >= g->end)
		published = g->end - 3600;
	created = published - 3600 - (int64_t)dwgen_below(&g->rng, 3 * 86400);
	pubday = ymd(published);
	if (v.award) {
		v.floor = floor_rate(g, v.family, v.base, pubday);
		if (v.floor == 0)
			v.award = 0;
	}
	v.published = published;
	v.start = (published / 3600 + 1) * 3600;
	/* Closing at 10:00 KST, 5 to 20 days later. */
	v.close = ((published + KST) / 86400 + 5 +
	    (int64_t)dwgen_below(&g->rng, 16)) * 86400 - KST + 10 * 3600;
	v.opening = v.close + 3600;
	p = &g->pool[v.family];
	nitems = 1 + (int)dwgen_below(&g->rng, 3);
	for (i = 0; i < nitems; i++)
		cat[i] = &p->c[dwgen_below(&g->rng, p->n)];
	v.title_cat = cat[0]->name;

	ord = 1;
	cancelled = dwgen_unit(&g->rng) < 0.02;
	amended = !cancelled && dwgen_unit(&g->rng) < 0.10;
	if (cancelled)
		cancel_at = published + (v.close - published) / 2;
	if (amended)
		amend_at = published + (v.close - published) / 3;
	if (cancelled && cancel_at > g->end)
		cancelled = 0;
	if (amended && amend_at > g->end)
		amended = 0;

	snprintf(no, sizeof(no), "G2B-%04d-%06lld", year_of(published),
	    (long long)seq);

	/* Versions and items. */
	put_version(g, id, 1, "register", NULL, &v, published, a->officer_id,
	    seq);
	if (amended) {
		ord = 2;
		v.close += 3 * 86400;
		v.opening += 3 * 86400;
		put_version(g, id, 2, "amend", "입찰서 제출 마감일시 연장",
		    &v, amend_at, a->officer_id, seq);
	}
	if (cancelled) {
		ord = 2;
		put_version(g, id, 2, "cancel", "사업 계획 변경에 따른 취소",
		    &v, cancel_at, a->officer_id, seq);
	}
	b = &g->buf[T_ITEM];
	for (k = 1; k <= ord; k++) {
		for (i = 0; i < nitems; i++) {
			put_i(b, id); tab(b); put_i(b, k); tab(b);
			put_i(b, i + 1); tab(b); put_s(b, cat[i]->code); tab(b);
			put_i(b, 1 + (int64_t)((uint64_t)(id * 31 + i * 7) % 500));
			tab(b); put_s(b, units[v.family == 2 ? 1 :
			    (id + i) % 4]); eol(b);
		}
	}

	/* Bids: none for a cancelled notice, none before the window. */
	nb = 0;
	if (!cancelled && v.start < g->end) {
		/*
		 * Scaled so that bids per notice average --bids-per-notice
		 * over all notices: 2 % are cancelled, 3 % direct (1.3
		 * bids), 7 % of the rest draw few bidders (0.5).
		 */
		lam = (g->bpn / 0.98 - 0.03 * 1.3 - 0.97 * 0.07 * 0.5) /
		    (0.97 * 0.93) * family_bidders[v.family] /
		    (0.45 * 0.8 + 0.3 * 0.9 + 0.22 * 1.5 + 0.03 * 0.6);
		if (lam < 0)
			lam = 0;
		if (v.contract == 3)
			nb = 1 + (dwgen_unit(&g->rng) < 0.3);
		else if (dwgen_unit(&g->rng) < 0.07)
			nb = (int)dwgen_below(&g->rng, 2);
		else
			nb = (int)dwgen_poisson(&g->rng, lam);
		if (nb > MAX_BIDS)
			nb = MAX_BIDS;
		reg = v.region_limit >= 0 ? (size_t)v.region_limit : 0;
		if (v.region_limit >= 0 && (size_t)nb > g->n_region[reg])
			nb = (int)g->n_region[reg];
		if (nb > g->nsup)
			nb = (int)g->nsup;
	}
	for (i = 0; i < nb; i++) {
		struct gbid *gb = &bids[i];
		int64_t lo, hi;

		do {
			if (v.region_limit >= 0)
				gb->sup = g->by_region[v.region_limit][
				    dwgen_below(&g->rng, g->n_region[
				    v.region_limit])];
			else
				gb->sup = (int64_t)dwgen_below(&g->rng,
				    (uint64_t)g->nsup);
			for (dup = 0, j = 0; j < i; j++)
				if (bids[j].sup == gb->sup)
					dup = 1;
		} while (dup);
		lo = amended ? amend_at : v.start;
		hi = v.close < g->end ? v.close : g->end;
		gb->received = lo + (hi > lo ? (int64_t)dwgen_below(&g->rng,
		    (uint64_t)(hi - lo)) : 0);
		gb->picks[0] = 1 + (int)dwgen_below(&g->rng, 15);
		do {
			gb->picks[1] = 1 + (int)dwgen_below(&g->rng, 15);
		} while (gb->picks[1] == gb->picks[0]);
		for (j = 0; j < 4; j++) {
			uint64_t r = dwgen_next(&g->rng);

			memcpy(gb->hash + 8 * j, &r, 8);
		}
		gb->valid = dwgen_unit(&g->rng) >= 0.015;
		/* Bidders aim just above the floor under 적격심사. */
		if (v.award)
			x = v.floor / 100000.0 + 0.004 +
			    0.006 * dwgen_normal(&g->rng);
		else
			x = 0.88 + 0.05 * dwgen_normal(&g->rng);
		if (x < 0.6)
			x = 0.6;
		if (x > 1.05)
			x = 1.05;
		gb->amount = (int64_t)(v.base * x);
		if (gb->amount < 1)
			gb->amount = 1;
		gb->id = g->next_bid++;
	}
	/* Sort by arrival (bid ids grow with time, like the real table). */
	for (i = 1; i < nb; i++) {
		struct gbid tmpb = bids[i];

		for (j = i; j > 0 && bids[j - 1].received > tmpb.received;
		    j--)
			bids[j] = bids[j - 1];
		bids[j] = tmpb;
	}
	for (i = 0; i < nb; i++)
		bids[i].id = g->next_bid - nb + i;
	if (v.contract == 2)
		put_nominees(g, id, ord, bids, nb);

	opened = 0;
	if (!cancelled && v.opening + 5 * 60 < g->end)
		opened = v.opening + 5 * 60 + (int64_t)dwgen_below(&g->rng,
		    3600);
	if (opened > g->end)
		opened = 0;

	if (opened) {
		unsigned char (*hashes)[32] = NULL;

		if (prices_draw_with(v.base, v.range, prices,
		    dwgen_prices_rnd, &g->rng) == -1)
			die(NULL, "prices_draw for base %lld", (long long)v.base);
		picks = calloc((size_t)nb + 1, sizeof(*picks));
		hashes = calloc((size_t)nb + 1, sizeof(*hashes));
		if (picks == NULL || hashes == NULL)
			die(NULL, "out of memory");
		for (nvalid = 0, i = 0; i < nb; i++) {
			memcpy(hashes[i], bids[i].hash, 32);
			if (bids[i].valid) {
				picks[nvalid][0] = bids[i].picks[0];
				picks[nvalid][1] = bids[i].picks[1];
				nvalid++;
			}
		}
		if (prices_tally((const int (*)[PRICES_PICKS])picks,
		    (size_t)nvalid, counts) == -1 ||
		    prices_planned(prices, counts, PRICES_ROUND_UP, &planned,
		    chosen) == -1)
			die(NULL, "planned price");
		floor_amount = v.floor > 0 ?
		    prices_floor_amount(planned, v.floor) : 0;
		if (prices_lot_seed(no, ord, (const unsigned char (*)[32])hashes,
		    (size_t)nb, seed) == -1)
			die(NULL, "lot seed");
		for (i = 0; i < nb; i++) {
			memset(&e[i], 0, sizeof(e[i]));
			e[i].valid = bids[i].valid;
			e[i].amount = bids[i].valid ? bids[i].amount : 0;
			prices_lot_key(seed, bids[i].hash, e[i].lot_key);
		}
		ranked = nb > 0 ? prices_rank(e, (size_t)nb, floor_amount) : 0;
		if (ranked == -1)
			die(NULL, "ranking");
		for (i = 0; i < nb; i++)
			bids[i].e = e[i];
		free(picks);
		free(hashes);

		/*
		 * Outcome: 유찰 (a competitive tender needs two ranked
		 * bids; 수의계약 one), review (적격심사) or award.
		 */
		memset(review_done, 0, sizeof(review_done));
		reviewer = a->officer_id;
		reviewed_at = 0;
		if ((ranked < 2 && v.contract != 3) || ranked == 0) {
			outcome = "failed";
		} else if (v.award) {
			outcome = "review";
			reviewed_at = opened + 86400 + (int64_t)dwgen_below(
			    &g->rng, 10 * 86400);
			if (reviewed_at < g->end) {
				outcome = "failed";
				for (k = 1; k <= ranked; k++) {
					for (i = 0; i < nb; i++)
						if (bids[i].e.rank == k)
							break;
					if (dwgen_unit(&g->rng) < 0.85) {
						review_done[i] = 1;
						winner = i;
						outcome = "awarded";
						break;
					}
					review_done[i] = -1;
				}
				awarded = winner >= 0 ? reviewed_at : 0;
			}
		} else {
			outcome = "awarded";
			for (i = 0; i < nb; i++)
				if (bids[i].e.rank == 1)
					winner = i;
			awarded = opened;
		}
		if (!strcmp(outcome, "failed"))
			g->c_failed++;
		g->c_opened++;

		b = &g->buf[T_OPENING];
		put_i(b, id); tab(b); put_i(b, ord); tab(b); put_ts(b, opened);
		tab(b); put_i(b, a->officer_id); put_s(b, "\t{");
		for (k = 0; k < 15; k++) {
			if (k)
				put_s(b, ",");
			put_i(b, prices[k]);
		}
		put_s(b, "}\t{");
		for (k = 0; k < 15; k++) {
			if (k)
				put_s(b, ",");
			put_i(b, counts[k]);
		}
		put_s(b, "}\t{");
		for (k = 0; k < 4; k++) {
			if (k)
				put_s(b, ",");
			put_i(b, chosen[k]);
		}
		put_s(b, "}\t"); put_i(b, planned); tab(b);
		if (v.floor > 0)
			put_i(b, v.floor);
		else
			put_s(b, "\\N");
		tab(b); put_i(b, floor_amount); tab(b);
		put_hex(b, seed, 32); tab(b); put_i(b, ranked); tab(b);
		put_i(b, nb); eol(b);
	}

	b = &g->buf[T_NOTICE];
	put_i(b, id); tab(b); put_i(b, a->id); tab(b); put_s(b, no); tab(b);
	put_i(b, seq); tab(b); put_s(b, cancelled ? "cancelled" : "published");
	tab(b); put_i(b, ord); tab(b); put_i(b, a->user_id); tab(b);
	put_ts(b, created); put_s(b, "\t1\t");
	put_s(b, outcome ? outcome : "\\N"); tab(b);
	if (opened)
		put_ts(b, opened);
	else
		put_s(b, "\\N");
	eol(b);
	g->c_notices++;

	for (i = 0; i < nb; i++) {
		struct gbid *gb = &bids[i];
		struct supplier *s = &g->sup[gb->sup];

		b = &g->buf[T_BID];
		put_i(b, gb->id); tab(b); put_i(b, id); tab(b); put_i(b, ord);
		tab(b); put_i(b, s->id); tab(b); put_i(b, s->user_id); tab(b);
		put_i(b, s->cert_id); tab(b);
		snprintf(tmp, sizeof(tmp), "g2b-gen synthetic bid: notice %s "
		    "order %d", no, ord);
		put_s(b, tmp); tab(b);
		for (k = 0; k < 2; k++) {
			uint64_t r = dwgen_next(&g->rng);

			memcpy(sealed + 8 * k, &r, 8);
		}
		put_hex(b, sealed, sizeof(sealed)); tab(b);
		put_s(b, "\\\\x"); tab(b);
		put_hex(b, gb->hash, 32); tab(b);
		put_s(b, "R-");
		put_i(b, year_of(gb->received));
		snprintf(tmp, sizeof(tmp), "-%08lld",
		    (long long)g->next_receipt++);
		put_s(b, tmp); tab(b);
		put_ts(b, gb->received); tab(b);
		if (opened) {
			put_s(b, "opened\t");
			put_ts(b, opened);
		} else {
			put_s(b, "live\t\\N");
			g->c_live++;
		}
		eol(b);
		g->c_bids++;
		if (!opened)
			continue;
		b = &g->buf[T_RESULT];
		put_i(b, gb->id); tab(b); put_i(b, id); tab(b);
		if (gb->valid) {
			put_i(b, gb->amount); tab(b);
			put_i(b, gb->picks[0]); tab(b);
			put_i(b, gb->picks[1]); tab(b);
			put_i(b, prices_ratio(gb->amount, planned)); tab(b);
			put_s(b, "t\t");
			put_s(b, gb->e.excluded ? "t\tbelow_floor\t" :
			    "f\t\\N\t");
		} else {
			put_s(b, "\\N\t\\N\t\\N\t\\N\tf\tf\tsignature\t");
		}
		if (gb->e.rank > 0)
			put_i(b, gb->e.rank);
		else
			put_s(b, "\\N");
		tab(b);
		put_hex(b, gb->e.lot_key, 32); tab(b);
		if (review_done[i] != 0) {
			put_s(b, review_done[i] > 0 ? "pass\t적격\t" :
			    "fail\t적격심사 점수 미달\t");
			put_ts(b, reviewed_at); tab(b);
			put_i(b, reviewer);
		} else {
			put_s(b, "\\N\t\\N\t\\N\t\\N");
		}
		eol(b);
	}

	if (winner >= 0 && awarded > 0) {
		int64_t ends = awarded + 86400 * (30 + (int64_t)dwgen_below(
		    &g->rng, 335));

		b = &g->buf[T_CONTRACT];
		put_i(b, g->next_contract++); tab(b);
		snprintf(tmp, sizeof(tmp), "C-%04d-%06lld", year_of(awarded),
		    (long long)g->next_contract_no++);
		put_s(b, tmp); tab(b);
		put_i(b, id); tab(b); put_i(b, bids[winner].id); tab(b);
		put_i(b, a->id); tab(b); put_i(b, g->sup[bids[winner].sup].id);
		tab(b); put_i(b, bids[winner].amount); tab(b);
		put_ts(b, awarded); tab(b); put_date(b, awarded); tab(b);
		put_date(b, ends); tab(b);
		put_s(b, ends < g->end ? "completed" : "signed"); eol(b);
		g->c_contracts++;
	}
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "seed", required_argument, NULL, 's' },
		{ "notices", required_argument, NULL, 'n' },
		{ "suppliers", required_argument, NULL, 'u' },
		{ "agencies", required_argument, NULL, 'a' },
		{ "years", required_argument, NULL, 'y' },
		{ "bids-per-notice", required_argument, NULL, 'b' },
		{ "end", required_argument, NULL, 'e' },
		{ "no-fk-checks", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct gen	 g;
	const char	*dsn = NULL, *end = NULL;
	char		*ep, sql[256];
	int		 c, i, have_seed = 0, nofk = 0;
	struct tm	 tm;
	struct timespec	 t0, t1;
	double		 secs;
	int64_t		 n, chunk_end;

	memset(&g, 0, sizeof(g));
	g.notices = -1;
	g.nsup = g.nag = -1;
	g.years = 0;
	g.bpn = 10;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		errno = 0;
		switch (c) {
		case 'd':
			dsn = optarg;
			ep = (char *)"";
			break;
		case 's':
			g.seed = strtoull(optarg, &ep, 10);
			have_seed = 1;
			break;
		case 'n':
			g.notices = strtoll(optarg, &ep, 10);
			break;
		case 'u':
			g.nsup = strtoll(optarg, &ep, 10);
			break;
		case 'a':
			g.nag = strtoll(optarg, &ep, 10);
			break;
		case 'y':
			g.years = (int)strtol(optarg, &ep, 10);
			break;
		case 'b':
			g.bpn = strtod(optarg, &ep);
			break;
		case 'e':
			end = optarg;
			ep = (char *)"";
			break;
		case 'f':
			nofk = 1;
			ep = (char *)"";
			break;
		default:
			usage();
		}
		if (errno != 0 || *ep != '\0') {
			fprintf(stderr, "g2b-gen: not a number: %s\n",
			    optarg);
			usage();
		}
	}
	if (dsn == NULL || !have_seed || g.notices < 0 || g.nsup < 2 ||
	    g.nag < 1 || g.years < 1 || g.years > 20 || g.bpn < 0 ||
	    g.bpn > 100 || g.nsup > 800000000 || g.nag > 1000000) {
		fprintf(stderr, "g2b-gen: need --db, --seed, --notices >= 0, "
		    "--suppliers >= 2, --agencies 1..1000000, --years 1..20 "
		    "(--bids-per-notice 0..100)\n");
		usage();
	}
	memset(&tm, 0, sizeof(tm));
	if (end != NULL) {
		if (sscanf(end, "%d-%d-%d", &tm.tm_year, &tm.tm_mon,
		    &tm.tm_mday) != 3 || tm.tm_year < 2001 ||
		    tm.tm_year > 2045 || tm.tm_mon < 1 || tm.tm_mon > 12 ||
		    tm.tm_mday < 1 || tm.tm_mday > 31) {
			fprintf(stderr, "g2b-gen: --end: not a date "
			    "YYYY-MM-DD (2001..2045): %s\n", end);
			return (2);
		}
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		g.end = (int64_t)timegm(&tm) + 86400 - KST;
	} else {
		g.end = (int64_t)time(NULL);
	}
	/* From January 1st (KST) of the first year. */
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year_of(g.end) - g.years + 1 - 1900;
	tm.tm_mday = 1;
	g.start = (int64_t)timegm(&tm) - KST;
	if (g.end - g.start < 30 * 86400)
		g.start = g.end - 30 * 86400;
	dwgen_seed(&g.rng, g.seed);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((g.db = PQconnectdb(dsn)) == NULL ||
	    PQstatus(g.db) != CONNECTION_OK)
		die(g.db, "cannot connect");
	exec_ok(g.db, "SET client_min_messages = warning");
	exec_ok(g.db, "BEGIN");
	/*
	 * Bulk loads may skip the per-row foreign-key triggers as pg_restore
	 * --disable-triggers does: every reference written here points at a
	 * row written before it (or read from the database), by construction.
	 * Needs a superuser; CHECK, NOT NULL and unique constraints still hold.
	 */
	if (nofk) {
		PGresult *r = PQexec(g.db,
		    "SET LOCAL session_replication_role = replica");

		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			PQclear(r);
			die(g.db, "--no-fk-checks needs a superuser connection");
		}
		PQclear(r);
	}
	/* No other writer may take ids or numbers while we reserve them. */
	exec_ok(g.db, "LOCK TABLE portal.org, portal.users, bidding.cert, "
	    "bidding.notice, bidding.bid, bidding.contract "
	    "IN SHARE ROW EXCLUSIVE MODE");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM portal.users "
	    "WHERE login LIKE 'gen%llu-%%'", (unsigned long long)g.seed);
	if (query_int(g.db, sql) > 0)
		die(NULL, "data for seed %llu is already in this database",
		    (unsigned long long)g.seed);
	for (i = 0; i < T_COUNT; i++)
		strbuf_init(&g.buf[i]);
	load_reference(&g);
	gen_orgs(&g);

	g.next_notice = query_int(g.db,
	    "SELECT nextval('bidding.notice_id_seq')");
	g.next_pub = query_int(g.db, "SELECT nextval('bidding.notice_seq')");
	g.next_bid = query_int(g.db, "SELECT nextval('bidding.bid_id_seq')");
	g.next_receipt = query_int(g.db,
	    "SELECT nextval('bidding.receipt_seq')");
	g.next_contract = query_int(g.db,
	    "SELECT nextval('bidding.contract_id_seq')");
	g.next_contract_no = query_int(g.db,
	    "SELECT nextval('bidding.contract_seq')");
	for (n = 0; n < g.notices; n = chunk_end) {
		chunk_end = n + CHUNK < g.notices ? n + CHUNK : g.notices;
		while (g.c_notices < chunk_end)
			gen_notice(&g);
		for (i = 0; i < T_COUNT; i++)
			copy_buf(g.db, copy_sql[i], &g.buf[i]);
	}
#define SETVAL(seq, v) do {						\
	snprintf(sql, sizeof(sql), "SELECT setval('%s', %lld, %s)", seq,	\
	    (long long)((v) > 1 ? (v) - 1 : 1), (v) > 1 ? "true" : "false");\
	exec_ok(g.db, sql);						\
} while (0)
	SETVAL("bidding.notice_id_seq", g.next_notice);
	SETVAL("bidding.notice_seq", g.next_pub);
	SETVAL("bidding.bid_id_seq", g.next_bid);
	SETVAL("bidding.receipt_seq", g.next_receipt);
	SETVAL("bidding.contract_id_seq", g.next_contract);
	SETVAL("bidding.contract_seq", g.next_contract_no);
	exec_ok(g.db, "COMMIT");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("g2b-gen: seed %llu: %lld agencies, %lld suppliers, "
	    "%lld notices (%lld opened, %lld failed), %lld bids (%lld "
	    "sealed), %lld contracts in %.2f s (%.0f rows/s)\n",
	    (unsigned long long)g.seed, (long long)g.nag, (long long)g.nsup,
	    (long long)g.c_notices, (long long)g.c_opened,
	    (long long)g.c_failed, (long long)g.c_bids, (long long)g.c_live,
	    (long long)g.c_contracts, secs,
	    (double)(g.c_notices * 2 + g.c_bids * 2 + g.c_contracts) / secs);
	PQfinish(g.db);
	for (i = 0; i < T_COUNT; i++)
		strbuf_cleanup(&g.buf[i]);
	return (0);
}
