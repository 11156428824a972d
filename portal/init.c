/*
 * portal: the host module. Owns start-up (configuration from the
 * environment, migrations, demo data, resources), the seccomp filter, and
 * the platform pages. Other areas (bidding, crm, dw) plug in through their
 * own routes and the shared pipeline in web.h; they may call portal's public
 * headers and nothing else.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kore/seccomp.h>
#include <kore/hooks.h>
#include <openssl/rand.h>

#include <libpq-fe.h>

#include "bids.h"
#include "capture.h"
#include "dwlink.h"
#include "edoc.h"
#include "web.h"

/*
 * The default Kore filter kills a worker on newfstatat (glibc's fstat, used
 * by localtime and libpq) and on a few calls OpenSSL and libpq make.
 */
KORE_SECCOMP_FILTER("g2b",
	KORE_SYSCALL_ALLOW(newfstatat),
	KORE_SYSCALL_ALLOW(statx),
	KORE_SYSCALL_ALLOW(uname),
	KORE_SYSCALL_ALLOW(getpeername),
	KORE_SYSCALL_ALLOW(getsockname),
	KORE_SYSCALL_ALLOW(pread64),
	KORE_SYSCALL_ALLOW(sysinfo),
	KORE_SYSCALL_ALLOW(getdents64),
	KORE_SYSCALL_ALLOW(fstatfs),
	KORE_SYSCALL_ALLOW(gettid),
	KORE_SYSCALL_ALLOW(sched_yield),
	KORE_SYSCALL_ALLOW(getrusage),
	KORE_SYSCALL_ALLOW(clock_getres),
	KORE_SYSCALL_ALLOW(shutdown),
	KORE_SYSCALL_ALLOW(rt_sigtimedwait),
	KORE_SYSCALL_ALLOW(getppid),
	KORE_SYSCALL_ALLOW(rename),
	KORE_SYSCALL_ALLOW(ftruncate),
	KORE_SYSCALL_ALLOW(fsync),
	KORE_SYSCALL_ALLOW(fdatasync),
	KORE_SYSCALL_ALLOW(mremap),
	KORE_SYSCALL_ALLOW(lstat),
	/*
	 * Task threads: glibc tries clone3 first and falls back to clone
	 * (which Kore's task filter allows, with its flags checked) on ENOSYS;
	 * clone3's arguments live in memory where seccomp cannot check them.
	 * Each new thread registers rseq.
	 */
	KORE_SYSCALL_DENY(clone3, ENOSYS),
	KORE_SYSCALL_ALLOW(rseq)
);

struct g2b_config	g2b_conf;

static const char *const areas[] = { "portal", "bidding", "crm", "dw", NULL };

void		kore_worker_configure(void);
void		kore_worker_teardown(void);
static void	config_read(void);
static void	secret_read(void);
static void	migrate(PGconn *, int);
static void	demo_seed(PGconn *);
static void	exec_ok(PGconn *, const char *);
static int	name_cmp(const void *, const void *);

void
kore_parent_configure(int argc, char **argv)
{
	PGconn		*db;
	const char	*dw;
	char		 xsd[1024], err[1024];
	int		 apart, separate;

	(void)argc;
	(void)argv;
	config_read();

	db = PQconnectdb(g2b_conf.dsn);
	if (PQstatus(db) != CONNECTION_OK)
		fatal("database: %s", PQerrorMessage(db));
	/*
	 * A warehouse of its own (G2B_DW_DB) is linked to the live database
	 * and migrated here, before any worker serves a report from it.
	 */
	dw = getenv("G2B_DW_DB");
	apart = dw != NULL && *dw != '\0' && strcmp(dw, g2b_conf.dsn) != 0;
	migrate(db, apart);
	if (apart) {
		if (dw_setup(g2b_conf.root, g2b_conf.dsn, getenv("G2B_DW_LIVE"),
		    dw, &separate, err, sizeof(err)) == -1)
			fatal("warehouse database: %s", err);
		/* Another connection string for the same database. */
		if (!separate)
			migrate(db, 0);
	}
	if (getenv("G2B_DEMO") == NULL || strcmp(getenv("G2B_DEMO"), "0"))
		demo_seed(db);
	PQfinish(db);

	if (!kore_pgsql_register("db", g2b_conf.dsn))
		fatal("cannot register database");
	resources_load(g2b_conf.root);
	bids_init(g2b_conf.root);
	/* The e-document schemas, loaded once and shared by the workers. */
	snprintf(xsd, sizeof(xsd), "%s/xsd", g2b_conf.root);
	if (edoc_init(xsd) == -1)
		fatal("cannot load the e-document schemas under %s", xsd);
	logrotate_init();
}

/* Each worker, once it runs: usage capture, log rotation, warehouse load. */
void
kore_worker_configure(void)
{
	capture_worker_init();
	logrotate_worker_ready();
	dwtimer_worker_init();
}

/* A clean stop: nothing captured is lost. */
void
kore_worker_teardown(void)
{
	capture_worker_teardown();
}

static void
config_read(void)
{
	char		 cwd[1024];
	const char	*v;

	if ((v = getenv("G2B_ROOT")) == NULL) {
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			fatal("getcwd: %s", errno_s);
		v = cwd;
	}
	g2b_conf.root = kore_strdup(v);
	if ((v = getenv("G2B_DB")) == NULL || *v == '\0')
		fatal("G2B_DB is not set (a libpq connection string)");
	g2b_conf.dsn = kore_strdup(v);
	g2b_conf.idle_minutes = 30;
	if ((v = getenv("G2B_SESSION_MINUTES")) != NULL && atoi(v) > 0 &&
	    atoi(v) <= 24 * 60)
		g2b_conf.idle_minutes = atoi(v);
	if ((v = getenv("G2B_USAGE_DIR")) != NULL && *v != '\0')
		g2b_conf.usage_dir = kore_strdup(v);
	else {
		snprintf(cwd, sizeof(cwd), "%s/var/usage", g2b_conf.root);
		g2b_conf.usage_dir = kore_strdup(cwd);
	}
	snprintf(cwd, sizeof(cwd), "%s/var", g2b_conf.root);
	(void)mkdir(cwd, 0750);
	if (mkdir(g2b_conf.usage_dir, 0750) == -1 && errno != EEXIST)
		fatal("G2B_USAGE_DIR %s: %s", g2b_conf.usage_dir, errno_s);
	v = getenv("G2B_SECURE_COOKIES");
	g2b_conf.secure_cookies = (v != NULL && !strcmp(v, "1"));
	if ((v = getenv("G2B_TRUSTED_PROXY")) != NULL && *v != '\0')
		g2b_conf.trusted_proxy = kore_strdup(v);
	secret_read();
}

/*
 * The server secret keys CSRF tokens. Every node of one installation must
 * share it: G2B_SECRET (64 hex digits) or the file G2B_SECRET_FILE.
 */
static void
secret_read(void)
{
	const char	*v, *path;
	char		 hex[80];
	FILE		*fp;
	size_t		 i;
	unsigned int	 b;

	hex[0] = '\0';
	if ((v = getenv("G2B_SECRET")) != NULL) {
		kore_strlcpy(hex, v, sizeof(hex));
	} else {
		path = getenv("G2B_SECRET_FILE");
		if (path != NULL && (fp = fopen(path, "r")) != NULL) {
			if (fgets(hex, sizeof(hex), fp) == NULL)
				hex[0] = '\0';
			fclose(fp);
		}
	}
	hex[strcspn(hex, "\r\n")] = '\0';
	if (strlen(hex) == 64) {
		for (i = 0; i < 32; i++) {
			if (sscanf(hex + i * 2, "%2x", &b) != 1)
				fatal("G2B_SECRET: not hex");
			g2b_conf.secret[i] = (unsigned char)b;
		}
	} else {
		kore_log(LOG_NOTICE, "no G2B_SECRET: using a random one "
		    "(forms break across restarts and nodes)");
		if (RAND_bytes(g2b_conf.secret, sizeof(g2b_conf.secret)) != 1)
			fatal("RAND_bytes");
	}
	secure_wipe(hex, sizeof(hex));
}

static void
exec_ok(PGconn *db, const char *sql)
{
	PGresult	*r;

	r = PQexec(db, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK)
		fatal("database: %s: %s", sql, PQerrorMessage(db));
	PQclear(r);
}

static int
name_cmp(const void *a, const void *b)
{
	return (strcmp(*(const char *const *)a, *(const char *const *)b));
}

/*
 * Apply each area's migrations (<area>/sql/NNN_name.sql) in order, each in
 * its own transaction, recording them so a re-run is a no-op. A failure
 * stops start-up with the file name and the database's message.
 */
static void
migrate(PGconn *db, int skip_dw)
{
	DIR		*d;
	struct dirent	*de;
	char		 dir[1024], path[1200], name[300], *files[512];
	const char	*vals[1];
	char		*sql;
	size_t		 n, i, len;
	PGresult	*r;
	FILE		*fp;
	int		 a, applied;

	exec_ok(db, "SET client_min_messages = warning");
	exec_ok(db, "SELECT pg_advisory_lock(7242001)");
	exec_ok(db, "CREATE TABLE IF NOT EXISTS public.schema_migrations ("
	    "name text PRIMARY KEY, applied_at timestamptz NOT NULL "
	    "DEFAULT now())");
	applied = 0;
	for (a = 0; areas[a] != NULL; a++) {
		/* The warehouse's own database gets those (dw_setup). */
		if (skip_dw && !strcmp(areas[a], "dw"))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s/sql", g2b_conf.root,
		    areas[a]);
		if ((d = opendir(dir)) == NULL)
			continue;
		n = 0;
		while ((de = readdir(d)) != NULL && n < 512) {
			len = strlen(de->d_name);
			if (len > 4 && !strcmp(de->d_name + len - 4, ".sql"))
				files[n++] = kore_strdup(de->d_name);
		}
		closedir(d);
		qsort(files, n, sizeof(files[0]), name_cmp);
		for (i = 0; i < n; i++) {
			snprintf(name, sizeof(name), "%s/%s", areas[a],
			    files[i]);
			vals[0] = name;
			r = PQexecParams(db, "SELECT 1 FROM "
			    "public.schema_migrations WHERE name = $1", 1,
			    NULL, vals, NULL, NULL, 0);
			if (PQresultStatus(r) != PGRES_TUPLES_OK)
				fatal("migrations: %s", PQerrorMessage(db));
			if (PQntuples(r) == 1) {
				PQclear(r);
				continue;
			}
			PQclear(r);

			snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
			if ((fp = fopen(path, "rb")) == NULL)
				fatal("migration %s: cannot open", name);
			fseek(fp, 0, SEEK_END);
			len = (size_t)ftell(fp);
			fseek(fp, 0, SEEK_SET);
			sql = kore_malloc(len + 1);
			if (fread(sql, 1, len, fp) != len)
				fatal("migration %s: cannot read", name);
			sql[len] = '\0';
			fclose(fp);

			exec_ok(db, "BEGIN");
			r = PQexec(db, sql);
			if (PQresultStatus(r) != PGRES_COMMAND_OK &&
			    PQresultStatus(r) != PGRES_TUPLES_OK) {
				fprintf(stderr, "migration %s failed: %s\n",
				    name, PQerrorMessage(db));
				fatal("migration %s failed: %s", name,
				    PQerrorMessage(db));
			}
			PQclear(r);
			r = PQexecParams(db, "INSERT INTO "
			    "public.schema_migrations (name) VALUES ($1)", 1,
			    NULL, vals, NULL, NULL, 0);
			if (PQresultStatus(r) != PGRES_COMMAND_OK)
				fatal("migration %s: %s", name,
				    PQerrorMessage(db));
			PQclear(r);
			exec_ok(db, "COMMIT");
			kore_free(sql);
			kore_log(LOG_NOTICE, "migration %s applied", name);
			applied++;
		}
		for (i = 0; i < n; i++)
			kore_free(files[i]);
	}
	exec_ok(db, "SELECT pg_advisory_unlock(7242001)");
	if (applied == 0)
		kore_log(LOG_NOTICE, "migrations: up to date");
}

struct demo_user {
	const char	*login;
	const char	*role;
	const char	*name;
	const char	*org;		/* agency code or bizno, or NULL */
	const char	*password;
};

static const struct demo_user demo_users[] = {
	{ "admin", "staff", "김조달", NULL, "Admin!2026" },
	{ "agent", "agent", "이상담", NULL, "Agent!2026" },
	{ "agency", "agency", "박수요", "6110000", "Agency!2026" },
	{ "officer", "officer", "최집행", "6110000", "Officer!2026" },
	{ "supplier", "supplier", "정공급", "1234567891", "Supplier!2026" },
	{ "pending", "supplier", "한대기", "2068600053", "Pending!2026" },
};

/*
 * Demo data, loaded once: agencies, suppliers (one approved, one pending)
 * and one user per role. Skipped when the demo staff user already exists.
 */
static void
demo_seed(PGconn *db)
{
	PGresult	*r;
	const char	*vals[6];
	char		 hash[PW_HASH_MAX];
	size_t		 i;

	r = PQexec(db, "SELECT 1 FROM portal.users WHERE login = 'admin'");
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fatal("demo: %s", PQerrorMessage(db));
	if (PQntuples(r) == 1) {
		PQclear(r);
		goto print;
	}
	PQclear(r);

	exec_ok(db, "BEGIN");
	exec_ok(db,
	    "INSERT INTO portal.org (kind, status, name, region, address, "
	    "agency_code, agency_kind, reviewed_at) VALUES "
	    "('agency','approved','조달청','30','대전광역시 서구 청사로 189',"
	    "'1230000','central',now()),"
	    "('agency','approved','국토교통부','36','세종특별자치시 도움6로 11',"
	    "'1613000','central',now()),"
	    "('agency','approved','서울특별시','11','서울특별시 중구 세종대로 110',"
	    "'6110000','local',now()),"
	    "('agency','approved','부산광역시','26','부산광역시 연제구 중앙대로 1001',"
	    "'6260000','local',now()),"
	    "('agency','approved','한국도로공사','47','경상북도 김천시 혁신8로 77',"
	    "'5510000','corporation',now()),"
	    "('agency','approved','서울특별시교육청','11','서울특별시 종로구 송월길 48',"
	    "'7010000','education',now())");
	exec_ok(db,
	    "INSERT INTO portal.org (kind, status, name, region, address, bizno, "
	    "representative, biz_type, licences, contact_name, email, phone, "
	    "reviewed_at, created_at) VALUES "
	    "('supplier','approved','(주)한빛정보통신','11',"
	    "'서울특별시 금천구 가산디지털1로 145','1234567891','정한빛',"
	    "'distributor','{정보통신공사업}','정공급','sales@hanbit.example',"
	    "'02-2108-1234',now(),now() - interval '20 days'),"
	    "('supplier','approved','대한건설(주)','41',"
	    "'경기도 수원시 영통구 광교로 156','2208112341','오대한',"
	    "'construction','{종합건설업(토목),종합건설업(건축)}','오현장',"
	    "'bid@daehan.example','031-212-5678',now(),now() - interval '12 days'),"
	    "('supplier','approved','미래사무기기','26',"
	    "'부산광역시 해운대구 센텀중앙로 97','1058100003','윤미래',"
	    "'manufacturer','{}','윤영업','office@mirae.example','051-740-2000',"
	    "now(),now() - interval '5 days'),"
	    "('supplier','approved','(주)청정환경','44',"
	    "'충청남도 천안시 서북구 불당대로 150','3148600015','서청정',"
	    "'service','{환경전문공사업}','서담당','eco@cheongjeong.example',"
	    "'041-550-3000',now(),now() - interval '2 days'),"
	    "('supplier','pending','(주)새봄소프트','50',"
	    "'제주특별자치도 제주시 첨단로 242','2068600053','한새봄',"
	    "'service','{소프트웨어사업자}','한대기','hello@saebom.example',"
	    "'064-710-1004',NULL,now())");
	for (i = 0; i < sizeof(demo_users) / sizeof(demo_users[0]); i++) {
		if (pw_hash(demo_users[i].password, hash, sizeof(hash)) == -1)
			fatal("demo: pw_hash");
		vals[0] = demo_users[i].login;
		vals[1] = demo_users[i].role;
		vals[2] = demo_users[i].name;
		vals[3] = demo_users[i].org;
		vals[4] = hash;
		r = PQexecParams(db,
		    "INSERT INTO portal.users (login, role, name, pwhash, "
		    "email, org_id) VALUES ($1, $2, $3, $5, $1 || '@demo.example', "
		    "(SELECT id FROM portal.org WHERE agency_code = $4 "
		    "OR bizno = $4))", 5, NULL, vals, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			fatal("demo: %s", PQerrorMessage(db));
		PQclear(r);
	}
	exec_ok(db, "INSERT INTO portal.org_category (org_id, code) "
	    "SELECT o.id, c.code FROM portal.org o, portal.category c "
	    "WHERE o.kind = 'supplier' AND c.level = 4 AND "
	    "((o.biz_type = 'distributor' AND c.code LIKE '43%') OR "
	    "(o.biz_type = 'construction' AND c.code LIKE '72%') OR "
	    "(o.biz_type = 'manufacturer' AND c.code LIKE '44%') OR "
	    "(o.biz_type = 'service' AND (c.code LIKE '76%' OR c.code LIKE '81%')))");
	exec_ok(db, "INSERT INTO portal.audit (event, detail) VALUES "
	    "('demo.seed', '{}')");
	exec_ok(db, "COMMIT");
	kore_log(LOG_NOTICE, "demo data loaded");

print:
	printf("\n  Demo logins (change them outside a demo):\n");
	for (i = 0; i < sizeof(demo_users) / sizeof(demo_users[0]); i++)
		printf("    %-9s %-13s %s\n", demo_users[i].role,
		    demo_users[i].login, demo_users[i].password);
	printf("\n");
	fflush(stdout);
}
