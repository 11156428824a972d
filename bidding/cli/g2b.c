/*
 * g2b: the command-line client of electronic bidding (전자입찰).
 *
 * It does what a supplier's browser does (make a signing key, get it
 * certified, seal and sign a bid, keep the signed receipt, withdraw) and
 * offers two offline tools: receipt verification and the audit-chain
 * check. The wire formats are bidfmt.h's; the envelope is seal.h's.
 * Links the Kore-free sources (bidfmt.c, seal.c, ca.c, prices.c,
 * crypto.c, strbuf.c), libcurl, libpq and OpenSSL 3.
 *
 * Secrets: passwords come from a file (--pass-file, --key-pass-file) or
 * the environment (G2B_PASSWORD, G2B_KEY_PASSWORD), never from argv; they
 * are kept in one buffer each, wiped after use, and an environment
 * variable is wiped and removed once read. Private key bytes are wiped
 * too. TLS verification is always on; --cacert names a private CA.
 *
 * Exit status: 0 on success, 1 when the server or a check refuses or
 * anything fails, 2 on a bad command line. Errors are one line on stderr.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#if defined(__has_include)
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
#include <postgresql/libpq-fe.h>
#endif
#else
#include <libpq-fe.h>
#endif

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "bidfmt.h"
#include "ca.h"
#include "crypto.h"
#include "prices.h"
#include "seal.h"
#include "strbuf.h"

#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2

#define ENV_PASS	"G2B_PASSWORD"
#define ENV_KEY_PASS	"G2B_KEY_PASSWORD"
#define ENV_SERVER	"G2B_SERVER"

#define RESP_MAX	(1024 * 1024)	/* bytes of a server response */
#define KEY_PASS_MIN	8		/* bytes of a new key's password */
#define SIG_BUF		80		/* DER ECDSA P-256 is <= 72 bytes */
#define FETCH_ROWS	1000		/* rows per cursor FETCH */
#define PREPARE_MAX	10000000	/* bodies per prepare-bid */
#define CONNECT_SECS	30L
#define TRANSFER_SECS	300L
#define USER_AGENT	"g2b-cli/1"

#define STR_(x)		#x
#define STR(x)		STR_(x)

/* ------------------------------------------------------------------ */
/* Command line. */

struct opts {
	const char	*server;
	const char	*user;
	const char	*key;
	const char	*cert;
	const char	*out;
	const char	*notice;
	const char	*notice_no;
	const char	*order;
	const char	*amount;
	const char	*amount_step;
	const char	*count;
	const char	*picks;
	const char	*pubkey;
	const char	*receipt;
	const char	*receipt_out;
	const char	*receipt_key;
	const char	*sig;
	const char	*bid;
	const char	*iterations;
	const char	*pass_file;
	const char	*key_pass_file;
	const char	*cacert;
	const char	*db;
	int		 plain;
};

#define OPT_SERVER		(1UL << 0)
#define OPT_USER		(1UL << 1)
#define OPT_KEY			(1UL << 2)
#define OPT_CERT		(1UL << 3)
#define OPT_OUT			(1UL << 4)
#define OPT_NOTICE		(1UL << 5)
#define OPT_NOTICE_NO		(1UL << 6)
#define OPT_ORDER		(1UL << 7)
#define OPT_AMOUNT		(1UL << 8)
#define OPT_AMOUNT_STEP		(1UL << 9)
#define OPT_COUNT		(1UL << 10)
#define OPT_PICKS		(1UL << 11)
#define OPT_PUBKEY		(1UL << 12)
#define OPT_RECEIPT		(1UL << 13)
#define OPT_RECEIPT_OUT		(1UL << 14)
#define OPT_RECEIPT_KEY		(1UL << 15)
#define OPT_SIG			(1UL << 16)
#define OPT_BID			(1UL << 17)
#define OPT_ITERATIONS		(1UL << 18)
#define OPT_PASS_FILE		(1UL << 19)
#define OPT_KEY_PASS_FILE	(1UL << 20)
#define OPT_CACERT		(1UL << 21)
#define OPT_DB			(1UL << 22)
#define OPT_PLAIN		(1UL << 23)

#define OPT_NET		(OPT_SERVER | OPT_CACERT)
#define OPT_LOGIN	(OPT_NET | OPT_USER | OPT_PASS_FILE)

struct optdef {
	const char	*name;
	unsigned long	 bit;
	size_t		 off;		/* of the value in struct opts */
	int		 flag;		/* 1: takes no value */
};

#define OV(n, b, f)	{ n, b, offsetof(struct opts, f), 0 }

static const struct optdef optdefs[] = {
	OV("server", OPT_SERVER, server),
	OV("user", OPT_USER, user),
	OV("key", OPT_KEY, key),
	OV("cert", OPT_CERT, cert),
	OV("out", OPT_OUT, out),
	OV("notice", OPT_NOTICE, notice),
	OV("notice-no", OPT_NOTICE_NO, notice_no),
	OV("order", OPT_ORDER, order),
	OV("amount", OPT_AMOUNT, amount),
	OV("amount-step", OPT_AMOUNT_STEP, amount_step),
	OV("count", OPT_COUNT, count),
	OV("picks", OPT_PICKS, picks),
	OV("pubkey", OPT_PUBKEY, pubkey),
	OV("receipt", OPT_RECEIPT, receipt),
	OV("receipt-out", OPT_RECEIPT_OUT, receipt_out),
	OV("receipt-key", OPT_RECEIPT_KEY, receipt_key),
	OV("sig", OPT_SIG, sig),
	OV("bid", OPT_BID, bid),
	OV("iterations", OPT_ITERATIONS, iterations),
	OV("pass-file", OPT_PASS_FILE, pass_file),
	OV("key-pass-file", OPT_KEY_PASS_FILE, key_pass_file),
	OV("cacert", OPT_CACERT, cacert),
	OV("db", OPT_DB, db),
	{ "plain", OPT_PLAIN, 0, 1 },
	{ NULL, 0, 0, 0 }
};

struct command {
	const char	*name;
	int		(*fn)(const struct opts *);
	unsigned long	 allowed;
	unsigned long	 required;
};

/* ------------------------------------------------------------------ */
/* JSON (the server's answers): one object, top-level members kept. */

#define JSON_MEMBERS	32
#define JSON_DEPTH	16

enum jtype {
	J_STRING, J_NUMBER, J_TRUE, J_FALSE, J_NULL, J_OBJECT, J_ARRAY
};

struct jmember {
	char		*key;
	enum jtype	 type;
	char		*str;		/* J_STRING decoded, J_NUMBER text */
};

struct json {
	struct jmember	 m[JSON_MEMBERS];
	size_t		 n;
};

struct jparser {
	const char	*p;
	const char	*end;
};

/* ------------------------------------------------------------------ */
/* HTTP. */

struct resp {
	long		 status;
	struct strbuf	 body;
	int		 too_big;
};

struct http {
	CURL		*curl;
	char		*base;		/* server URL without trailing '/' */
	char		*origin;	/* scheme://authority */
	char		*csrf;
	char		 errbuf[CURL_ERROR_SIZE];
};

/* ------------------------------------------------------------------ */
/* Bids. */

struct certinfo {
	char		*pem;
	char		 bizno[CA_BIZNO_LEN + 1];
	char		 serial[CA_SERIAL_HEX_MAX + 1];
};

struct bidreq {
	int64_t		 notice_id;
	const char	*notice_no;
	int		 order;
	const char	*bizno;
	const char	*serial;
	const char	*pub_pem;	/* the notice's opening key */
	int64_t		 amount;
	int		 picks[2];
};

struct bidmade {
	char		 canon[BIDFMT_CANON_MAX];
	size_t		 canonlen;
	char		 hash[BIDFMT_HEX_LEN + 1];
	char		*sealed_b64;
	char		*sig_b64;
};

struct bidinfo {
	int64_t		 notice_id;
	char		 notice_no[BIDFMT_NO_MAX + 1];
	int		 order;
	char		*pub_pem;
	char		*phase;
	char		*bid_start;
	char		*bid_close;
};

/* ------------------------------------------------------------------ */
/* Chain check. */

struct cursor {
	PGconn		*conn;
	const char	*name;
	PGresult	*res;
	int		 row;
	int		 nrows;
	int		 done;
	int		 open;
};

struct lanestate {
	int64_t		 last_seq;
	unsigned char	 last_hash[BIDFMT_HASH_LEN];
};

struct chk {
	uint64_t	 problems;
	uint64_t	 entries;
	uint64_t	 bids;
	struct lanestate lanes[BIDFMT_LANES];
};

#define NO_LANE		INT_MIN
#define NO_ID		INT64_MIN

/* ------------------------------------------------------------------ */

static void	 errmsg(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
static void	 print_clean(FILE *, const char *, size_t);
static int	 usage(FILE *, int);
static int	 opts_parse(int, char **, const struct command *,
		    struct opts *);

static int	 file_read(const char *, size_t, char **, size_t *);
static void	 file_free(char *, size_t);
static int	 file_exists(const char *);
static int	 file_write_new(const char *, const void *, size_t, mode_t);
static int	 file_save(const char *, const void *, size_t);
static int	 fd_write_all(int, const void *, size_t);

static int	 secret_get(const char *, const char *, const char *,
		    char **);
static void	 secret_free(char *);

static int	 parse_i64(const char *, const char *, int64_t, int64_t,
		    int64_t *);
static int	 parse_picks(const char *, int[2]);

static int	 json_parse(struct json *, const char *, size_t);
static void	 json_free(struct json *);
static const struct jmember *json_get(const struct json *, const char *);
static const char *json_str(const struct json *, const char *);
static int	 json_int(const struct json *, const char *, int64_t *);
static int	 json_bool(const struct json *, const char *, int *);
static void	 jp_ws(struct jparser *);
static int	 jp_value(struct jparser *, int, struct json *, enum jtype *,
		    char **);
static int	 jp_object(struct jparser *, int, struct json *);
static int	 jp_array(struct jparser *, int);
static int	 jp_string(struct jparser *, char **);
static int	 jp_hex4(struct jparser *, unsigned int *);
static int	 jp_number(struct jparser *, char **);
static int	 jp_literal(struct jparser *, const char *);
static void	 utf8_put(struct strbuf *, unsigned int);

static int	 http_init(struct http *, const char *, const char *);
static void	 http_cleanup(struct http *);
static size_t	 http_write_cb(char *, size_t, size_t, void *);
static int	 http_do(struct http *, const char *, const char *, size_t,
		    const char *, struct resp *);
static void	 resp_init(struct resp *);
static void	 resp_cleanup(struct resp *);
static void	 resp_error(const struct resp *, const char *);
static int	 resp_json(const struct resp *, struct json *, const char *);
static int	 http_csrf(struct http *);
static int	 http_login(struct http *, const char *, const char *);
static void	 form_add(struct strbuf *, const char *, const char *, size_t);
static size_t	 pct_encode(char *, const char *, size_t);

static EVP_PKEY	*key_load(const char *, const char *);
static EVP_PKEY	*key_from_der(const unsigned char *, size_t);
static int	 key_is_p256(EVP_PKEY *);
static int	 key_der(EVP_PKEY *, unsigned char **, size_t *);
static int	 key_spki_pem(EVP_PKEY *, char **);
static int	 key_fingerprint(EVP_PKEY *, char[BIDFMT_HEX_LEN + 1]);
static EVP_PKEY	*pubkey_load(const char *, int);
static int	 sign_bytes(EVP_PKEY *, const void *, size_t,
		    unsigned char *, size_t *);
static int	 verify_bytes(EVP_PKEY *, const void *, size_t,
		    const unsigned char *, size_t);
static int	 cert_load(const char *, EVP_PKEY *, struct certinfo *);
static void	 cert_cleanup(struct certinfo *);
static int	 cert_serial(X509 *, char[CA_SERIAL_HEX_MAX + 1]);

static int	 bid_make(const struct bidreq *, EVP_PKEY *,
		    struct bidmade *);
static void	 bid_made_cleanup(struct bidmade *);
static void	 bid_form(struct strbuf *, const char *,
		    const struct bidmade *, const char *);
static int	 bidinfo_get(struct http *, int64_t, struct bidinfo *);
static void	 bidinfo_cleanup(struct bidinfo *);
static EVP_PKEY	*receipt_key_get(struct http *, const char *);
static int	 receipt_check(const char *, EVP_PKEY *, const char *, size_t,
		    const unsigned char *, size_t, struct bidfmt_receipt *);
static int	 receipt_save(const char *, const char *, size_t,
		    const unsigned char *, size_t);
static void	 receipt_print(const struct bidfmt_receipt *);
static char	*path_join(const char *, const char *);

static int	 cur_open(struct cursor *, PGconn *, const char *,
		    const char *);
static int	 cur_next(struct cursor *);
static void	 cur_close(struct cursor *);
static int	 pg_cmd(PGconn *, const char *);
static const char *pg_err(PGconn *);
static int	 pg_int(const PGresult *, int, int, size_t, int64_t *);
static const unsigned char *pg_bytes(const PGresult *, int, int, size_t *);
static void	 problem(struct chk *, int, int64_t, int64_t, const char *,
		    ...) __attribute__((format(printf, 5, 6)));
static int	 chain_heads(PGconn *, struct chk *, int64_t[BIDFMT_LANES],
		    unsigned char[BIDFMT_LANES][BIDFMT_HASH_LEN],
		    int[BIDFMT_LANES]);
static int	 chain_lanes(PGconn *, struct chk *);
static int	 chain_bids(PGconn *, struct chk *);
static void	 chain_bid_row(struct chk *, const PGresult *, int,
		    int64_t, int *, unsigned char[BIDFMT_HASH_LEN],
		    int *, char *, size_t);
static int	 entry_read(struct cursor *, int64_t *, int64_t *,
		    int64_t *);

static int	 cmd_keygen(const struct opts *);
static int	 cmd_cert(const struct opts *);
static int	 cmd_notice(const struct opts *);
static int	 cmd_bid(const struct opts *);
static int	 cmd_prepare_bid(const struct opts *);
static int	 cmd_withdraw(const struct opts *);
static int	 cmd_receipt(const struct opts *);
static int	 cmd_verify_receipt(const struct opts *);
static int	 cmd_chain_check(const struct opts *);

static const struct command commands[] = {
	{ "keygen", cmd_keygen,
	    OPT_OUT | OPT_ITERATIONS | OPT_KEY_PASS_FILE | OPT_PLAIN,
	    OPT_OUT },
	{ "cert", cmd_cert,
	    OPT_LOGIN | OPT_KEY | OPT_KEY_PASS_FILE | OPT_OUT,
	    OPT_USER | OPT_KEY | OPT_OUT },
	{ "notice", cmd_notice,
	    OPT_NET | OPT_NOTICE,
	    OPT_NOTICE },
	{ "bid", cmd_bid,
	    OPT_LOGIN | OPT_KEY | OPT_KEY_PASS_FILE | OPT_CERT | OPT_NOTICE |
	    OPT_AMOUNT | OPT_PICKS | OPT_RECEIPT_OUT | OPT_RECEIPT_KEY,
	    OPT_USER | OPT_KEY | OPT_CERT | OPT_NOTICE | OPT_AMOUNT |
	    OPT_PICKS },
	{ "prepare-bid", cmd_prepare_bid,
	    OPT_PUBKEY | OPT_NOTICE | OPT_NOTICE_NO | OPT_ORDER | OPT_KEY |
	    OPT_KEY_PASS_FILE | OPT_CERT | OPT_AMOUNT | OPT_PICKS | OPT_OUT |
	    OPT_COUNT | OPT_AMOUNT_STEP,
	    OPT_PUBKEY | OPT_NOTICE | OPT_NOTICE_NO | OPT_ORDER | OPT_KEY |
	    OPT_CERT | OPT_AMOUNT | OPT_PICKS | OPT_OUT },
	{ "withdraw", cmd_withdraw,
	    OPT_LOGIN | OPT_NOTICE,
	    OPT_USER | OPT_NOTICE },
	{ "receipt", cmd_receipt,
	    OPT_LOGIN | OPT_BID | OPT_RECEIPT_OUT | OPT_RECEIPT_KEY,
	    OPT_USER | OPT_BID },
	{ "verify-receipt", cmd_verify_receipt,
	    OPT_RECEIPT | OPT_SIG | OPT_PUBKEY,
	    OPT_RECEIPT | OPT_SIG | OPT_PUBKEY },
	{ "chain-check", cmd_chain_check,
	    OPT_DB,
	    OPT_DB },
	{ NULL, NULL, 0, 0 }
};

static const char usage_text[] =
"usage: g2b COMMAND [--option VALUE ...]\n"
"\n"
"Electronic bidding client of the G2B procurement portal.\n"
"\n"
"  g2b keygen --out FILE [--iterations N] [--key-pass-file FILE]\n"
"  g2b keygen --out FILE --plain\n"
"      Make a new ECDSA P-256 signing key. Written as a g2b key file\n"
"      (PBKDF2-SHA256, " STR(BIDFMT_KDF_ITER) " iterations unless --iterations N, "
"AES-256-GCM)\n"
"      under the key password (at least " STR(KEY_PASS_MIN) " bytes), or with --plain as\n"
"      unencrypted PKCS#8 PEM (benchmarks only). Mode 0600; never\n"
"      overwrites.\n"
"\n"
"  g2b cert --server URL --user LOGIN --key FILE --out CERT.pem\n"
"      Log in, send the key's public half, save the issued certificate\n"
"      (refuses to overwrite CERT.pem).\n"
"\n"
"  g2b notice --server URL --notice ID\n"
"      Show a notice's bidding information (no login).\n"
"\n"
"  g2b bid --server URL --user LOGIN --key FILE --cert CERT.pem\n"
"          --notice ID --amount WON --picks A,B [--receipt-out PREFIX]\n"
"          [--receipt-key FILE]\n"
"      Seal the amount and picks (two numbers 1..15) to the notice's\n"
"      opening key, sign the bid, submit it, check the signed receipt\n"
"      against the portal's receipt key (GET /receipt-key.pem, or FILE)\n"
"      and save it as PREFIX.txt and PREFIX.sig (default PREFIX: the\n"
"      receipt number). Prints the receipt number and the bid hash.\n"
"\n"
"  g2b prepare-bid --pubkey NOTICE.pem --notice ID --notice-no NO\n"
"          --order N --key FILE --cert CERT.pem --amount WON --picks A,B\n"
"          --out FILE [--count N] [--amount-step WON]\n"
"      Offline: write form bodies (canonical, sealed, signature; no csrf)\n"
"      for POST /notices/ID/bid, one per line; bid i (0..N-1) offers\n"
"      WON + i * STEP. --out - writes to stdout.\n"
"\n"
"  g2b withdraw --server URL --user LOGIN --notice ID\n"
"      Withdraw the live bid on a notice.\n"
"\n"
"  g2b receipt --server URL --user LOGIN --bid ID [--receipt-out PREFIX]\n"
"          [--receipt-key FILE]\n"
"      Fetch, verify and save the receipt of one of your bids.\n"
"\n"
"  g2b verify-receipt --receipt R.txt --sig R.sig --pubkey RECEIPT-KEY.pem\n"
"      Offline: verify a receipt's signature and print its fields.\n"
"\n"
"  g2b chain-check --db CONNINFO\n"
"      Recompute the hash-chained bid log (" STR(BIDFMT_LANES) " lanes) from the database\n"
"      in one read-only snapshot; report every problem on stdout.\n"
"\n"
"Common options:\n"
"  --server URL          portal base URL (default: $G2B_SERVER)\n"
"  --cacert FILE         trust this CA for TLS (verification stays on)\n"
"  --pass-file FILE      login password (a one-line file), else $G2B_PASSWORD\n"
"  --key-pass-file FILE  key password (one line), else $G2B_KEY_PASSWORD\n"
"      (needed only for g2b key files and encrypted PEM keys)\n"
"  --key FILE            g2b key file, or a PEM P-256 private key\n"
"  Options may also be written --name=VALUE.\n"
"\n"
"Exit status: 0 success, 1 refused or failed, 2 bad command line.\n";

/* ------------------------------------------------------------------ */
/* Messages and the command line. */

static void
errmsg(const char *fmt, ...)
{
	va_list	ap;
	char	msg[2048];
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		msg[0] = '\0';
	/* libpq's messages end in a newline. */
	n = (int)strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	fputs("g2b: ", stderr);
	print_clean(stderr, msg, (size_t)n);
	fputc('\n', stderr);
}

/*
 * Text from the server or a file, on one line: newlines and tabs become
 * spaces, other control characters (escapes) '?'; UTF-8 stays.
 */
static void
print_clean(FILE *f, const char *s, size_t len)
{
	size_t		i;
	unsigned char	c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '\n' || c == '\r' || c == '\t')
			c = ' ';
		else if (c < 0x20 || c == 0x7f)
			c = '?';
		fputc(c, f);
	}
}

static int
usage(FILE *f, int rc)
{
	fputs(usage_text, f);
	return (rc);
}

static int
opts_parse(int argc, char **argv, const struct command *cmd, struct opts *o)
{
	const struct optdef	*d;
	const char		*arg, *name, *eq, *val;
	const char		**slot;
	unsigned long		 seen = 0;
	size_t			 nlen;
	int			 i;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < argc; i++) {
		arg = argv[i];
		if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
			errmsg("%s: unexpected argument '%s'", cmd->name, arg);
			return (-1);
		}
		name = arg + 2;
		eq = strchr(name, '=');
		nlen = eq != NULL ? (size_t)(eq - name) : strlen(name);
		for (d = optdefs; d->name != NULL; d++) {
			if (strlen(d->name) == nlen &&
			    strncmp(d->name, name, nlen) == 0)
				break;
		}
		if (d->name == NULL || !(cmd->allowed & d->bit)) {
			errmsg("%s: unknown option --%.*s", cmd->name,
			    (int)nlen, name);
			return (-1);
		}
		if (seen & d->bit) {
			errmsg("%s: --%s given twice", cmd->name, d->name);
			return (-1);
		}
		seen |= d->bit;
		if (d->flag) {
			if (eq != NULL) {
				errmsg("%s: --%s takes no value", cmd->name,
				    d->name);
				return (-1);
			}
			o->plain = 1;
			continue;
		}
		if (eq != NULL)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else {
			errmsg("%s: --%s needs a value", cmd->name, d->name);
			return (-1);
		}
		if (*val == '\0') {
			errmsg("%s: --%s: empty value", cmd->name, d->name);
			return (-1);
		}
		slot = (const char **)(void *)((char *)o + d->off);
		*slot = val;
	}
	if ((cmd->allowed & OPT_SERVER) && o->server == NULL)
		o->server = getenv(ENV_SERVER);
	if ((cmd->allowed & OPT_SERVER) && o->server == NULL) {
		errmsg("%s: --server is required (or set %s)", cmd->name,
		    ENV_SERVER);
		return (-1);
	}
	for (d = optdefs; d->name != NULL; d++) {
		if ((cmd->required & d->bit) && !(seen & d->bit)) {
			errmsg("%s: --%s is required", cmd->name, d->name);
			return (-1);
		}
	}
	return (0);
}

/* ------------------------------------------------------------------ */
/* Files. */

/*
 * Read a whole file of at most max bytes into one buffer of max + 1
 * bytes (never reallocated, so file_free wipes every copy), NUL-ended.
 */
static int
file_read(const char *path, size_t max, char **out, size_t *outlen)
{
	char	*buf;
	size_t	 len = 0;
	ssize_t	 n;
	int	 fd;

	*out = NULL;
	*outlen = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		errmsg("%s: %s", path, strerror(errno));
		return (-1);
	}
	if ((buf = malloc(max + 1)) == NULL) {
		close(fd);
		errmsg("out of memory");
		return (-1);
	}
	for (;;) {
		n = read(fd, buf + len, max + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			errmsg("%s: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			errmsg("%s: larger than %zu bytes", path, max);
			goto fail;
		}
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return (0);

fail:
	close(fd);
	OPENSSL_cleanse(buf, max + 1);
	free(buf);
	return (-1);
}

/* Wipe and free a file_read buffer. */
static void
file_free(char *buf, size_t len)
{
	if (buf == NULL)
		return;
	OPENSSL_cleanse(buf, len);
	free(buf);
}

static int
file_exists(const char *path)
{
	struct stat	st;

	return (lstat(path, &st) == 0);
}

static int
fd_write_all(int fd, const void *data, size_t len)
{
	const char	*p = data;
	ssize_t		 n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return (-1);
		p += n;
		len -= (size_t)n;
	}
	return (0);
}

/* Create path (it must not exist) with mode and write data to disk. */
static int
file_write_new(const char *path, const void *data, size_t len, mode_t mode)
{
	int	fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    mode);
	if (fd == -1) {
		if (errno == EEXIST)
			errmsg("%s: exists; refusing to overwrite", path);
		else
			errmsg("%s: %s", path, strerror(errno));
		return (-1);
	}
	if (fd_write_all(fd, data, len) == -1 || fsync(fd) == -1) {
		errmsg("%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return (-1);
	}
	if (close(fd) == -1) {
		errmsg("%s: %s", path, strerror(errno));
		unlink(path);
		return (-1);
	}
	return (0);
}

/*
 * Save a public document (receipt): create it, or accept an existing
 * file with exactly the same content (a repeated fetch).
 */
static int
file_save(const char *path, const void *data, size_t len)
{
	char	*old;
	size_t	 oldlen;
	int	 same;

	if (!file_exists(path))
		return (file_write_new(path, data, len, 0644));
	if (file_read(path, RESP_MAX, &old, &oldlen) == -1)
		return (-1);
	same = oldlen == len && memcmp(old, data, len) == 0;
	free(old);
	if (!same) {
		errmsg("%s: exists with other content; refusing to overwrite",
		    path);
		return (-1);
	}
	return (0);
}

/* ------------------------------------------------------------------ */
/* Secrets. */

/*
 * A password from the first line of file (if given) or from the
 * environment variable env, into a fresh buffer of SEAL_PASS_MAX + 1
 * bytes for secret_free. The variable is wiped in place (so that
 * /proc/PID/environ no longer shows it) and removed.
 */
static int
secret_get(const char *env, const char *file, const char *what, char **out)
{
	char	*buf = NULL, *val;
	size_t	 len = 0;

	*out = NULL;
	if (file != NULL) {
		if (file_read(file, SEAL_PASS_MAX + 2, &buf, &len) == -1)
			return (-1);
		if (len > 0 && buf[len - 1] == '\n')
			buf[--len] = '\0';
		if (len > 0 && buf[len - 1] == '\r')
			buf[--len] = '\0';
		if (strlen(buf) != len || memchr(buf, '\n', len) != NULL) {
			errmsg("%s: the %s must be one line of text", file,
			    what);
			goto fail;
		}
	} else if ((val = getenv(env)) != NULL) {
		len = strlen(val);
		if ((buf = malloc(SEAL_PASS_MAX + 3)) == NULL) {
			errmsg("out of memory");
			return (-1);
		}
		if (len <= SEAL_PASS_MAX + 1)
			memcpy(buf, val, len + 1);
		else
			buf[0] = '\0';
		OPENSSL_cleanse(val, len);
		unsetenv(env);
	} else {
		errmsg("no %s: set %s or give a file with --%s", what, env,
		    strcmp(env, ENV_PASS) == 0 ? "pass-file" :
		    "key-pass-file");
		return (-1);
	}
	if (len == 0 || len > SEAL_PASS_MAX) {
		errmsg("the %s must be 1..%d bytes", what, SEAL_PASS_MAX);
		goto fail;
	}
	*out = buf;
	return (0);

fail:
	if (buf != NULL) {
		OPENSSL_cleanse(buf, SEAL_PASS_MAX + 3);
		free(buf);
	}
	return (-1);
}

static void
secret_free(char *s)
{
	if (s == NULL)
		return;
	OPENSSL_cleanse(s, SEAL_PASS_MAX + 3);
	free(s);
}

/* ------------------------------------------------------------------ */
/* Numbers. */

/* A decimal number (digits only) in min..max; what names it in errors. */
static int
parse_i64(const char *s, const char *what, int64_t min, int64_t max,
    int64_t *out)
{
	int64_t		v = 0;
	const char	*p;

	if (s == NULL || *s == '\0')
		goto bad;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		if (v > (INT64_MAX - (*p - '0')) / 10)
			goto bad;
		v = v * 10 + (*p - '0');
	}
	if (v < min || v > max)
		goto bad;
	*out = v;
	return (0);

bad:
	errmsg("%s: '%s' is not a whole number in %" PRId64 "..%" PRId64,
	    what, s != NULL ? s : "", min, max);
	return (-1);
}

/* "A,B": two distinct numbers 1..PRICES_COUNT, returned ascending. */
static int
parse_picks(const char *s, int picks[2])
{
	char		 buf[16];
	const char	*comma;
	int64_t		 a, b;

	comma = strchr(s, ',');
	if (comma == NULL || (size_t)(comma - s) >= sizeof(buf) ||
	    strchr(comma + 1, ',') != NULL) {
		errmsg("--picks: '%s' is not two numbers A,B", s);
		return (-1);
	}
	memcpy(buf, s, (size_t)(comma - s));
	buf[comma - s] = '\0';
	if (parse_i64(buf, "--picks", 1, PRICES_COUNT, &a) == -1 ||
	    parse_i64(comma + 1, "--picks", 1, PRICES_COUNT, &b) == -1)
		return (-1);
	if (a == b) {
		errmsg("--picks: the two numbers must differ");
		return (-1);
	}
	picks[0] = (int)(a < b ? a : b);
	picks[1] = (int)(a < b ? b : a);
	return (0);
}

/* ------------------------------------------------------------------ */
/* JSON. */

static void
jp_ws(struct jparser *jp)
{
	while (jp->p < jp->end && (*jp->p == ' ' || *jp->p == '\t' ||
	    *jp->p == '\n' || *jp->p == '\r'))
		jp->p++;
}

static int
jp_literal(struct jparser *jp, const char *lit)
{
	size_t	n = strlen(lit);

	if ((size_t)(jp->end - jp->p) < n || memcmp(jp->p, lit, n) != 0)
		return (-1);
	jp->p += n;
	return (0);
}

static int
jp_hex4(struct jparser *jp, unsigned int *out)
{
	unsigned int	v = 0;
	int		i;
	char		c;

	if (jp->end - jp->p < 4)
		return (-1);
	for (i = 0; i < 4; i++) {
		c = *jp->p++;
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned int)(c - 'A' + 10);
		else
			return (-1);
	}
	*out = v;
	return (0);
}

static void
utf8_put(struct strbuf *sb, unsigned int cp)
{
	unsigned char	u[4];
	size_t		n;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | cp >> 18);
		u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	strbuf_append(sb, u, n);
}

/* A string at jp->p (the opening quote); decoded into *out if out. */
static int
jp_string(struct jparser *jp, char **out)
{
	struct strbuf	 sb;
	unsigned int	 cp, lo;
	unsigned char	 c;

	if (jp->p >= jp->end || *jp->p != '"')
		return (-1);
	jp->p++;
	strbuf_init(&sb);
	for (;;) {
		if (jp->p >= jp->end)
			goto fail;
		c = (unsigned char)*jp->p++;
		if (c == '"')
			break;
		if (c < 0x20)
			goto fail;
		if (c != '\\') {
			strbuf_append(&sb, &c, 1);
			continue;
		}
		if (jp->p >= jp->end)
			goto fail;
		c = (unsigned char)*jp->p++;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			strbuf_append(&sb, &c, 1);
			break;
		case 'b':
			strbuf_append(&sb, "\b", 1);
			break;
		case 'f':
			strbuf_append(&sb, "\f", 1);
			break;
		case 'n':
			strbuf_append(&sb, "\n", 1);
			break;
		case 'r':
			strbuf_append(&sb, "\r", 1);
			break;
		case 't':
			strbuf_append(&sb, "\t", 1);
			break;
		case 'u':
			if (jp_hex4(jp, &cp) == -1)
				goto fail;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				goto fail;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (jp_literal(jp, "\\u") == -1 ||
				    jp_hex4(jp, &lo) == -1 ||
				    lo < 0xdc00 || lo > 0xdfff)
					goto fail;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
			}
			/* C strings: an embedded NUL is refused. */
			if (cp == 0)
				goto fail;
			utf8_put(&sb, cp);
			break;
		default:
			goto fail;
		}
	}
	if (out != NULL)
		*out = strbuf_steal(&sb, NULL);
	strbuf_cleanup(&sb);
	return (0);

fail:
	strbuf_cleanup(&sb);
	return (-1);
}

static int
jp_number(struct jparser *jp, char **out)
{
	const char	*start = jp->p;
	char		*s;
	size_t		 n;

	if (jp->p < jp->end && *jp->p == '-')
		jp->p++;
	if (jp->p >= jp->end)
		return (-1);
	if (*jp->p == '0')
		jp->p++;
	else if (*jp->p >= '1' && *jp->p <= '9') {
		while (jp->p < jp->end && *jp->p >= '0' && *jp->p <= '9')
			jp->p++;
	} else
		return (-1);
	if (jp->p < jp->end && *jp->p == '.') {
		jp->p++;
		if (jp->p >= jp->end || *jp->p < '0' || *jp->p > '9')
			return (-1);
		while (jp->p < jp->end && *jp->p >= '0' && *jp->p <= '9')
			jp->p++;
	}
	if (jp->p < jp->end && (*jp->p == 'e' || *jp->p == 'E')) {
		jp->p++;
		if (jp->p < jp->end && (*jp->p == '+' || *jp->p == '-'))
			jp->p++;
		if (jp->p >= jp->end || *jp->p < '0' || *jp->p > '9')
			return (-1);
		while (jp->p < jp->end && *jp->p >= '0' && *jp->p <= '9')
			jp->p++;
	}
	if (out != NULL) {
		n = (size_t)(jp->p - start);
		if ((s = malloc(n + 1)) == NULL)
			return (-1);
		memcpy(s, start, n);
		s[n] = '\0';
		*out = s;
	}
	return (0);
}

static int
jp_array(struct jparser *jp, int depth)
{
	enum jtype	t;

	jp->p++;
	jp_ws(jp);
	if (jp->p < jp->end && *jp->p == ']') {
		jp->p++;
		return (0);
	}
	for (;;) {
		if (jp_value(jp, depth + 1, NULL, &t, NULL) == -1)
			return (-1);
		jp_ws(jp);
		if (jp->p >= jp->end)
			return (-1);
		if (*jp->p == ']') {
			jp->p++;
			return (0);
		}
		if (*jp->p++ != ',')
			return (-1);
		jp_ws(jp);
	}
}

/* An object; its members are kept in store (if not NULL). */
static int
jp_object(struct jparser *jp, int depth, struct json *store)
{
	struct jmember	*m;
	char		*key = NULL, *str = NULL;
	enum jtype	 t;
	size_t		 i;

	jp->p++;
	jp_ws(jp);
	if (jp->p < jp->end && *jp->p == '}') {
		jp->p++;
		return (0);
	}
	for (;;) {
		if (jp_string(jp, store != NULL ? &key : NULL) == -1)
			goto fail;
		jp_ws(jp);
		if (jp->p >= jp->end || *jp->p++ != ':')
			goto fail;
		jp_ws(jp);
		if (jp_value(jp, depth + 1, NULL, &t,
		    store != NULL ? &str : NULL) == -1)
			goto fail;
		if (store != NULL) {
			for (i = 0; i < store->n; i++) {
				if (strcmp(store->m[i].key, key) == 0)
					goto fail;	/* duplicate */
			}
			if (store->n < JSON_MEMBERS) {
				m = &store->m[store->n++];
				m->key = key;
				m->type = t;
				m->str = str;
			} else {
				free(key);
				free(str);
			}
			key = str = NULL;
		}
		jp_ws(jp);
		if (jp->p >= jp->end)
			goto fail;
		if (*jp->p == '}') {
			jp->p++;
			return (0);
		}
		if (*jp->p++ != ',')
			goto fail;
		jp_ws(jp);
	}

fail:
	free(key);
	free(str);
	return (-1);
}

/*
 * Any value. For strings and numbers *str gets the text (if str is not
 * NULL); obj receives the members if the value is the top-level object.
 */
static int
jp_value(struct jparser *jp, int depth, struct json *obj, enum jtype *type,
    char **str)
{
	if (str != NULL)
		*str = NULL;
	if (depth > JSON_DEPTH || jp->p >= jp->end)
		return (-1);
	switch (*jp->p) {
	case '{':
		*type = J_OBJECT;
		return (jp_object(jp, depth, obj));
	case '[':
		*type = J_ARRAY;
		return (jp_array(jp, depth));
	case '"':
		*type = J_STRING;
		return (jp_string(jp, str));
	case 't':
		*type = J_TRUE;
		return (jp_literal(jp, "true"));
	case 'f':
		*type = J_FALSE;
		return (jp_literal(jp, "false"));
	case 'n':
		*type = J_NULL;
		return (jp_literal(jp, "null"));
	default:
		*type = J_NUMBER;
		return (jp_number(jp, str));
	}
}

/* Parse a JSON document that must be one object. */
static int
json_parse(struct json *j, const char *text, size_t len)
{
	struct jparser	jp;
	enum jtype	t;

	memset(j, 0, sizeof(*j));
	jp.p = text;
	jp.end = text + len;
	jp_ws(&jp);
	if (jp.p >= jp.end || *jp.p != '{')
		return (-1);
	if (jp_value(&jp, 0, j, &t, NULL) == -1)
		goto fail;
	jp_ws(&jp);
	if (jp.p != jp.end)
		goto fail;
	return (0);

fail:
	json_free(j);
	return (-1);
}

static void
json_free(struct json *j)
{
	size_t	i;

	for (i = 0; i < j->n; i++) {
		free(j->m[i].key);
		free(j->m[i].str);
	}
	memset(j, 0, sizeof(*j));
}

static const struct jmember *
json_get(const struct json *j, const char *key)
{
	size_t	i;

	for (i = 0; i < j->n; i++) {
		if (strcmp(j->m[i].key, key) == 0)
			return (&j->m[i]);
	}
	return (NULL);
}

static const char *
json_str(const struct json *j, const char *key)
{
	const struct jmember	*m;

	if ((m = json_get(j, key)) == NULL || m->type != J_STRING)
		return (NULL);
	return (m->str);
}

/* An integer member (no fraction or exponent, fits int64_t). */
static int
json_int(const struct json *j, const char *key, int64_t *out)
{
	const struct jmember	*m;
	const char		*p;
	int64_t			 v = 0;
	int			 neg = 0;

	if ((m = json_get(j, key)) == NULL || m->type != J_NUMBER)
		return (-1);
	p = m->str;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (*p == '\0')
		return (-1);
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return (-1);
		if (v > (INT64_MAX - (*p - '0')) / 10)
			return (-1);
		v = v * 10 + (*p - '0');
	}
	*out = neg ? -v : v;
	return (0);
}

static int
json_bool(const struct json *j, const char *key, int *out)
{
	const struct jmember	*m;

	if ((m = json_get(j, key)) == NULL ||
	    (m->type != J_TRUE && m->type != J_FALSE))
		return (-1);
	*out = m->type == J_TRUE;
	return (0);
}

/* ------------------------------------------------------------------ */
/* HTTP. */

static void
resp_init(struct resp *r)
{
	r->status = 0;
	r->too_big = 0;
	strbuf_init(&r->body);
}

static void
resp_cleanup(struct resp *r)
{
	strbuf_cleanup(&r->body);
}

static size_t
http_write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct resp	*r = arg;
	size_t		 n;

	if (size != 0 && nmemb > RESP_MAX / size) {
		r->too_big = 1;
		return (0);
	}
	n = size * nmemb;
	if (n > RESP_MAX - r->body.len) {
		r->too_big = 1;
		return (0);
	}
	strbuf_append(&r->body, data, n);
	return (n);
}

static int
http_init(struct http *h, const char *server, const char *cacert)
{
	const char	*auth, *end;
	size_t		 n;

	memset(h, 0, sizeof(*h));
	if (strncmp(server, "https://", 8) == 0)
		auth = server + 8;
	else if (strncmp(server, "http://", 7) == 0)
		auth = server + 7;
	else {
		errmsg("--server: '%s' is not an http:// or https:// URL",
		    server);
		return (-1);
	}
	end = auth + strcspn(auth, "/?#");
	if (end == auth || *end == '?' || *end == '#') {
		errmsg("--server: '%s' is not a base URL", server);
		return (-1);
	}
	n = strlen(server);
	while (n > (size_t)(end - server) && server[n - 1] == '/')
		n--;
	if ((h->base = strndup(server, n)) == NULL ||
	    (h->origin = strndup(server, (size_t)(end - server))) == NULL) {
		errmsg("out of memory");
		goto fail;
	}
	if ((h->curl = curl_easy_init()) == NULL) {
		errmsg("cannot initialise libcurl");
		goto fail;
	}
	curl_easy_setopt(h->curl, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->curl, CURLOPT_COOKIEFILE, "");
	curl_easy_setopt(h->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT, CONNECT_SECS);
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT, TRANSFER_SECS);
	curl_easy_setopt(h->curl, CURLOPT_USERAGENT, USER_AGENT);
	curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, http_write_cb);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	if (cacert != NULL &&
	    curl_easy_setopt(h->curl, CURLOPT_CAINFO, cacert) != CURLE_OK) {
		errmsg("--cacert: not supported by this libcurl");
		goto fail;
	}
	return (0);

fail:
	http_cleanup(h);
	return (-1);
}

static void
http_cleanup(struct http *h)
{
	if (h->curl != NULL)
		curl_easy_cleanup(h->curl);
	free(h->base);
	free(h->origin);
	free(h->csrf);
	memset(h, 0, sizeof(*h));
}

/*
 * GET path (post NULL) or POST the form body post (postlen bytes) to
 * path; accept is the Accept header. r gets the status and the body
 * (at most RESP_MAX bytes). -1 (message printed) if no HTTP answer came.
 */
static int
http_do(struct http *h, const char *path, const char *post, size_t postlen,
    const char *accept, struct resp *r)
{
	struct curl_slist	*hdrs = NULL, *t;
	struct strbuf		 url, line;
	CURLcode		 cc;
	int			 rc = -1;

	strbuf_reset(&r->body);
	r->status = 0;
	r->too_big = 0;
	strbuf_init(&url);
	strbuf_init(&line);
	strbuf_appendf(&url, "%s%s", h->base, path);

	strbuf_appendf(&line, "Accept: %s", accept);
	if ((t = curl_slist_append(hdrs, line.data)) == NULL)
		goto done;
	hdrs = t;
	if (post != NULL) {
		strbuf_reset(&line);
		strbuf_appendf(&line, "Origin: %s", h->origin);
		if ((t = curl_slist_append(hdrs, line.data)) == NULL)
			goto done;
		hdrs = t;
		if ((t = curl_slist_append(hdrs, "Content-Type: "
		    "application/x-www-form-urlencoded")) == NULL)
			goto done;
		hdrs = t;
	}
	curl_easy_setopt(h->curl, CURLOPT_URL, url.data);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, r);
	if (post != NULL) {
		curl_easy_setopt(h->curl, CURLOPT_POST, 1L);
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, post);
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)postlen);
	} else
		curl_easy_setopt(h->curl, CURLOPT_HTTPGET, 1L);
	h->errbuf[0] = '\0';
	cc = curl_easy_perform(h->curl);
	/* No pointer into the caller's (possibly secret) body survives. */
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, NULL);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
	if (cc != CURLE_OK) {
		if (r->too_big)
			errmsg("%s: the response is larger than %d bytes",
			    url.data, RESP_MAX);
		else
			errmsg("%s: %s", url.data, h->errbuf[0] != '\0' ?
			    h->errbuf : curl_easy_strerror(cc));
		goto done;
	}
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &r->status);
	rc = 0;

done:
	curl_slist_free_all(hdrs);
	strbuf_cleanup(&url);
	strbuf_cleanup(&line);
	return (rc);
}

/* Report a refusal: the server's JSON message if there is one. */
static void
resp_error(const struct resp *r, const char *what)
{
	struct json	 j;
	const char	*msg, *code;

	if (json_parse(&j, r->body.data, r->body.len) == 0) {
		msg = json_str(&j, "message");
		code = json_str(&j, "error");
		if (msg != NULL || code != NULL) {
			errmsg("%s: %s (%s, HTTP %ld)", what,
			    msg != NULL ? msg : code,
			    code != NULL ? code : "error", r->status);
			json_free(&j);
			return;
		}
		json_free(&j);
	}
	if (r->status >= 300 && r->status < 400)
		errmsg("%s: HTTP %ld (redirected; is the session valid?)",
		    what, r->status);
	else
		errmsg("%s: HTTP %ld", what, r->status);
}

/* A 200 JSON answer into j, or the refusal reported. */
static int
resp_json(const struct resp *r, struct json *j, const char *what)
{
	if (r->status != 200) {
		resp_error(r, what);
		return (-1);
	}
	if (json_parse(j, r->body.data, r->body.len) == -1) {
		errmsg("%s: the server's answer is not a JSON object", what);
		return (-1);
	}
	return (0);
}

static int
http_csrf(struct http *h)
{
	struct resp	 r;
	struct json	 j;
	const char	*tok;
	int		 rc = -1;

	resp_init(&r);
	if (http_do(h, "/api/csrf", NULL, 0, "application/json", &r) == -1)
		goto done;
	if (resp_json(&r, &j, "csrf token") == -1)
		goto done;
	if ((tok = json_str(&j, "csrf")) == NULL || *tok == '\0' ||
	    strlen(tok) > 256) {
		errmsg("csrf token: missing in the server's answer");
	} else {
		free(h->csrf);
		if ((h->csrf = strdup(tok)) != NULL)
			rc = 0;
	}
	json_free(&j);

done:
	resp_cleanup(&r);
	return (rc);
}

/* Percent-encode n bytes of in into out (room for 3 * n); its length. */
static size_t
pct_encode(char *out, const char *in, size_t n)
{
	static const char	hex[] = "0123456789ABCDEF";
	unsigned char		c;
	size_t			i, o = 0;

	for (i = 0; i < n; i++) {
		c = (unsigned char)in[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~')
			out[o++] = (char)c;
		else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	return (o);
}

/*
 * Log in: a visitor csrf token, POST /login (303 on success), then the
 * session's csrf token. The body holding the password is built in one
 * buffer and wiped.
 */
static int
http_login(struct http *h, const char *user, const char *pass)
{
	struct resp	 r;
	char		*body = NULL;
	size_t		 cap, n = 0;
	int		 rc = -1;

	resp_init(&r);
	if (http_csrf(h) == -1)
		goto done;
	cap = 3 * (strlen(user) + strlen(pass) + strlen(h->csrf)) + 64;
	if ((body = malloc(cap)) == NULL) {
		errmsg("out of memory");
		goto done;
	}
	memcpy(body + n, "login=", 6);
	n += 6;
	n += pct_encode(body + n, user, strlen(user));
	memcpy(body + n, "&password=", 10);
	n += 10;
	n += pct_encode(body + n, pass, strlen(pass));
	memcpy(body + n, "&csrf=", 6);
	n += 6;
	n += pct_encode(body + n, h->csrf, strlen(h->csrf));
	if (http_do(h, "/login", body, n, "text/html", &r) == -1)
		goto done;
	if (r.status != 303) {
		if (r.status == 200 || r.status == 400 || r.status == 401 ||
		    r.status == 403 || r.status == 429)
			errmsg("login as '%s' refused (HTTP %ld): wrong login "
			    "or password, or the account may not log in",
			    user, r.status);
		else
			resp_error(&r, "login");
		goto done;
	}
	if (http_csrf(h) == -1)
		goto done;
	rc = 0;

done:
	if (body != NULL) {
		OPENSSL_cleanse(body, cap);
		free(body);
	}
	resp_cleanup(&r);
	return (rc);
}

/* Append name=value (value percent-encoded) to a form body. */
static void
form_add(struct strbuf *sb, const char *name, const char *value, size_t len)
{
	if (sb->len > 0)
		strbuf_append(sb, "&", 1);
	strbuf_appendstr(sb, name);
	strbuf_append(sb, "=", 1);
	strbuf_append_url(sb, value, len);
}

/* ------------------------------------------------------------------ */
/* Keys and certificates. */

static int
key_is_p256(EVP_PKEY *key)
{
	char	name[64];
	size_t	len = 0;

	if (key == NULL || !EVP_PKEY_is_a(key, "EC"))
		return (0);
	if (EVP_PKEY_get_group_name(key, name, sizeof(name), &len) != 1)
		return (0);
	return (strcmp(name, "prime256v1") == 0 || strcmp(name, "P-256") == 0);
}

static EVP_PKEY *
key_from_der(const unsigned char *der, size_t derlen)
{
	PKCS8_PRIV_KEY_INFO	*p8;
	const unsigned char	*p = der;
	EVP_PKEY		*key = NULL;

	if (derlen == 0 || derlen > LONG_MAX)
		return (NULL);
	if ((p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)derlen)) == NULL)
		return (NULL);
	if (p == der + derlen)
		key = EVP_PKCS82PKEY(p8);
	PKCS8_PRIV_KEY_INFO_free(p8);
	return (key);
}

/*
 * The signing key in path: a g2b key file (JSON; the key password is
 * needed), an encrypted PKCS#8 PEM (likewise) or a plain PEM private key.
 * Must be ECDSA P-256 and pass the pairwise check.
 */
static EVP_PKEY *
key_load(const char *path, const char *pass_file)
{
	EVP_PKEY_CTX	*ctx = NULL;
	EVP_PKEY	*key = NULL;
	BIO		*bio = NULL;
	unsigned char	*der = NULL;
	char		*text = NULL, *pass = NULL;
	size_t		 len = 0, derlen = 0;

	if (file_read(path, SEAL_PEM_MAX, &text, &len) == -1)
		goto fail;
	if (len > 0 && text[0] == '{') {
		if (secret_get(ENV_KEY_PASS, pass_file, "key password",
		    &pass) == -1)
			goto fail;
		if (bidfmt_keyfile_open(text, len, pass, &der, &derlen) == -1) {
			errmsg("%s: cannot open the key file (wrong key "
			    "password or damaged file)", path);
			goto fail;
		}
		key = key_from_der(der, derlen);
	} else {
		if ((bio = BIO_new_mem_buf(text, (int)len)) == NULL)
			goto fail;
		if (strstr(text, "-----BEGIN ENCRYPTED PRIVATE KEY-----") !=
		    NULL || strstr(text, "Proc-Type: 4,ENCRYPTED") != NULL) {
			if (secret_get(ENV_KEY_PASS, pass_file, "key password",
			    &pass) == -1)
				goto fail;
			/* With no callback, u is the passphrase. */
			key = PEM_read_bio_PrivateKey(bio, NULL, NULL, pass);
		} else
			key = PEM_read_bio_PrivateKey(bio, NULL,
			    seal_no_pass_cb, NULL);
	}
	if (key == NULL) {
		errmsg("%s: not a private key (g2b key file or PEM), or a "
		    "wrong key password", path);
		goto fail;
	}
	if (!key_is_p256(key)) {
		errmsg("%s: not an ECDSA P-256 key", path);
		goto fail;
	}
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL)) == NULL ||
	    EVP_PKEY_pairwise_check(ctx) != 1) {
		errmsg("%s: the key is damaged (pairwise check failed)", path);
		goto fail;
	}
	EVP_PKEY_CTX_free(ctx);
	BIO_free(bio);
	seal_free(der, derlen);
	secret_free(pass);
	file_free(text, SEAL_PEM_MAX + 1);
	return (key);

fail:
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(key);
	BIO_free(bio);
	seal_free(der, derlen);
	secret_free(pass);
	file_free(text, SEAL_PEM_MAX + 1);
	ERR_clear_error();
	return (NULL);
}

/* PKCS#8 PrivateKeyInfo DER of key (OPENSSL_clear_free it). */
static int
key_der(EVP_PKEY *key, unsigned char **der, size_t *derlen)
{
	OSSL_ENCODER_CTX	*ectx;
	int			 rc = -1;

	*der = NULL;
	*derlen = 0;
	ectx = OSSL_ENCODER_CTX_new_for_pkey(key, OSSL_KEYMGMT_SELECT_KEYPAIR,
	    "DER", "PrivateKeyInfo", NULL);
	if (ectx != NULL && OSSL_ENCODER_CTX_get_num_encoders(ectx) > 0 &&
	    OSSL_ENCODER_to_data(ectx, der, derlen) && *der != NULL &&
	    *derlen > 0)
		rc = 0;
	OSSL_ENCODER_CTX_free(ectx);
	return (rc);
}

static int
key_spki_pem(EVP_PKEY *key, char **pem)
{
	BIO	*bio;
	int	 rc = -1;

	*pem = NULL;
	if ((bio = BIO_new(BIO_s_mem())) != NULL &&
	    PEM_write_bio_PUBKEY(bio, key))
		rc = seal_bio_to_str(bio, pem);
	BIO_free(bio);
	return (rc);
}

/* SHA-256 of the SubjectPublicKeyInfo DER, lowercase hex. */
static int
key_fingerprint(EVP_PKEY *key, char hex[BIDFMT_HEX_LEN + 1])
{
	unsigned char	*der = NULL;
	int		 n;

	if ((n = i2d_PUBKEY(key, &der)) <= 0)
		return (-1);
	bidfmt_sha256_hex(der, (size_t)n, hex);
	OPENSSL_free(der);
	return (0);
}

/* A public key from a PEM file; p256 demands ECDSA P-256. */
static EVP_PKEY *
pubkey_load(const char *path, int p256)
{
	EVP_PKEY	*key = NULL;
	BIO		*bio;
	char		*text;
	size_t		 len;

	if (file_read(path, SEAL_PEM_MAX, &text, &len) == -1)
		return (NULL);
	if ((bio = seal_pem_bio(text)) != NULL)
		key = PEM_read_bio_PUBKEY(bio, NULL, seal_no_pass_cb, NULL);
	BIO_free(bio);
	free(text);
	ERR_clear_error();
	if (key == NULL) {
		errmsg("%s: not a PEM public key (BEGIN PUBLIC KEY)", path);
		return (NULL);
	}
	if (p256 && !key_is_p256(key)) {
		errmsg("%s: not an ECDSA P-256 public key", path);
		EVP_PKEY_free(key);
		return (NULL);
	}
	return (key);
}

/* ECDSA SHA-256, DER, into sig (*siglen: its size in, length out). */
static int
sign_bytes(EVP_PKEY *key, const void *msg, size_t len, unsigned char *sig,
    size_t *siglen)
{
	EVP_MD_CTX	*ctx;
	size_t		 n = *siglen;
	int		 rc = -1;

	if ((size_t)EVP_PKEY_get_size(key) > n)
		return (-1);
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return (-1);
	if (EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestSign(ctx, sig, &n, msg, len) == 1) {
		*siglen = n;
		rc = 0;
	}
	EVP_MD_CTX_free(ctx);
	if (rc == -1)
		ERR_clear_error();
	return (rc);
}

static int
verify_bytes(EVP_PKEY *key, const void *msg, size_t len,
    const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX	*ctx;
	int		 rc = -1;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return (-1);
	if (EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestVerify(ctx, sig, siglen, msg, len) == 1)
		rc = 0;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return (rc);
}

/* The serial as ca.h writes it: BN_bn2hex, uppercase, 1..40 digits. */
static int
cert_serial(X509 *x, char out[CA_SERIAL_HEX_MAX + 1])
{
	BIGNUM	*bn;
	char	*hex = NULL;
	int	 rc = -1;

	out[0] = '\0';
	bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	if (bn == NULL || BN_is_negative(bn) || BN_is_zero(bn))
		goto done;
	if ((hex = BN_bn2hex(bn)) == NULL || strlen(hex) > CA_SERIAL_HEX_MAX)
		goto done;
	memcpy(out, hex, strlen(hex) + 1);
	rc = 0;

done:
	OPENSSL_free(hex);
	BN_free(bn);
	return (rc);
}

/*
 * The supplier certificate in path: its bizno (serialNumber of the
 * subject) and serial; if key is given, the certificate must be for it.
 */
static int
cert_load(const char *path, EVP_PKEY *key, struct certinfo *ci)
{
	X509	*x = NULL;
	BIO	*bio = NULL;
	size_t	 len;
	int	 rc = -1;

	memset(ci, 0, sizeof(*ci));
	if (file_read(path, CA_PEM_MAX, &ci->pem, &len) == -1)
		return (-1);
	if ((bio = seal_pem_bio(ci->pem)) == NULL ||
	    (x = PEM_read_bio_X509(bio, NULL, seal_no_pass_cb, NULL)) ==
	    NULL) {
		errmsg("%s: not a PEM certificate", path);
		goto done;
	}
	if (cert_serial(x, ci->serial) == -1) {
		errmsg("%s: the certificate serial is not usable", path);
		goto done;
	}
	if (ca_cert_subject(ci->pem, NULL, 0, ci->bizno, sizeof(ci->bizno),
	    NULL, 0) == -1 || strlen(ci->bizno) != CA_BIZNO_LEN) {
		errmsg("%s: no business registration number (serialNumber) "
		    "in the certificate subject", path);
		goto done;
	}
	if (key != NULL && EVP_PKEY_eq(X509_get0_pubkey(x), key) != 1) {
		errmsg("%s: the certificate is not for this key", path);
		goto done;
	}
	rc = 0;

done:
	X509_free(x);
	BIO_free(bio);
	ERR_clear_error();
	if (rc == -1)
		cert_cleanup(ci);
	return (rc);
}

static void
cert_cleanup(struct certinfo *ci)
{
	free(ci->pem);
	memset(ci, 0, sizeof(*ci));
}

/* ------------------------------------------------------------------ */
/* Bids and receipts. */

/*
 * Build one bid: the sealed part sealed to the notice's key with the
 * AAD, the canonical text naming the envelope's hash and a fresh nonce,
 * its signature; base64 of envelope and signature for the form.
 */
static int
bid_make(const struct bidreq *q, EVP_PKEY *key, struct bidmade *m)
{
	struct bidfmt_sealed	 s;
	struct bidfmt_bid	 b;
	char			 plain[BIDFMT_SEALED_MAX], aad[BIDFMT_AAD_MAX];
	unsigned char		*env = NULL, sig[SIG_BUF];
	size_t			 plen = 0, envlen = 0, siglen = sizeof(sig);
	int			 rc = -1;

	memset(m, 0, sizeof(*m));
	memset(&s, 0, sizeof(s));
	memset(&b, 0, sizeof(b));
	s.amount = q->amount;
	s.picks[0] = q->picks[0];
	s.picks[1] = q->picks[1];
	if (bidfmt_sealed_build(&s, plain, sizeof(plain), &plen) == -1) {
		errmsg("the amount or picks are not valid for a bid");
		goto done;
	}
	if (bidfmt_sealed_aad(q->notice_id, q->order, q->bizno, aad,
	    sizeof(aad)) == -1) {
		errmsg("the notice, order or bizno is not valid for a bid");
		goto done;
	}
	if (seal_to(q->pub_pem, (const unsigned char *)plain, plen,
	    (const unsigned char *)aad, strlen(aad), &env, &envlen) == -1) {
		errmsg("cannot seal the bid to the notice's opening key (not "
		    "an RSA public key of 2048 bits or more?)");
		goto done;
	}
	b.notice_id = q->notice_id;
	if (strlen(q->notice_no) > BIDFMT_NO_MAX ||
	    strlen(q->bizno) > CA_BIZNO_LEN ||
	    strlen(q->serial) > BIDFMT_SERIAL_MAX) {
		errmsg("the notice number, bizno or serial is too long");
		goto done;
	}
	memcpy(b.notice_no, q->notice_no, strlen(q->notice_no) + 1);
	b.order = q->order;
	memcpy(b.bizno, q->bizno, strlen(q->bizno) + 1);
	memcpy(b.cert_serial, q->serial, strlen(q->serial) + 1);
	bidfmt_sha256_hex(env, envlen, b.sealed_sha256);
	if (bidfmt_nonce(b.nonce) == -1) {
		errmsg("no random numbers for the nonce");
		goto done;
	}
	if (bidfmt_bid_build(&b, m->canon, sizeof(m->canon),
	    &m->canonlen) == -1) {
		errmsg("the bid is not valid (notice number '%s', order %d, "
		    "bizno '%s', serial '%s')", q->notice_no, q->order,
		    q->bizno, q->serial);
		goto done;
	}
	if (sign_bytes(key, m->canon, m->canonlen, sig, &siglen) == -1) {
		errmsg("cannot sign the bid");
		goto done;
	}
	bidfmt_sha256_hex(m->canon, m->canonlen, m->hash);
	if (seal_b64_encode(env, envlen, &m->sealed_b64) == -1 ||
	    seal_b64_encode(sig, siglen, &m->sig_b64) == -1) {
		errmsg("out of memory");
		goto done;
	}
	rc = 0;

done:
	OPENSSL_cleanse(plain, sizeof(plain));
	OPENSSL_cleanse(&s, sizeof(s));
	free(env);
	if (rc == -1)
		bid_made_cleanup(m);
	return (rc);
}

static void
bid_made_cleanup(struct bidmade *m)
{
	free(m->sealed_b64);
	free(m->sig_b64);
	memset(m, 0, sizeof(*m));
}

/*
 * The form fields of a bid; csrf first if given. The signer's certificate
 * goes with it (as in CMS signed data), which spares the server a lookup.
 */
static void
bid_form(struct strbuf *sb, const char *csrf, const struct bidmade *m,
    const char *cert_pem)
{
	if (csrf != NULL)
		form_add(sb, "csrf", csrf, strlen(csrf));
	form_add(sb, "canonical", m->canon, m->canonlen);
	form_add(sb, "sealed", m->sealed_b64, strlen(m->sealed_b64));
	form_add(sb, "signature", m->sig_b64, strlen(m->sig_b64));
	if (cert_pem != NULL)
		form_add(sb, "certificate", cert_pem, strlen(cert_pem));
}

static int
bidinfo_get(struct http *h, int64_t notice_id, struct bidinfo *bi)
{
	struct resp	 r;
	struct json	 j;
	struct strbuf	 path;
	const char	*no, *pub, *phase, *start, *close_;
	int64_t		 id, order;
	int		 rc = -1, have_json = 0;

	memset(bi, 0, sizeof(*bi));
	resp_init(&r);
	strbuf_init(&path);
	strbuf_appendf(&path, "/api/notices/%" PRId64 "/bidinfo", notice_id);
	if (http_do(h, path.data, NULL, 0, "application/json", &r) == -1)
		goto done;
	if (resp_json(&r, &j, "notice") == -1)
		goto done;
	have_json = 1;
	no = json_str(&j, "notice_no");
	pub = json_str(&j, "public_key");
	phase = json_str(&j, "phase");
	start = json_str(&j, "bid_start");
	close_ = json_str(&j, "bid_close");
	if (json_int(&j, "notice_id", &id) == -1 ||
	    json_int(&j, "order", &order) == -1 || no == NULL ||
	    pub == NULL || phase == NULL) {
		errmsg("notice %" PRId64 ": the bidding information is "
		    "incomplete", notice_id);
		goto done;
	}
	if (id != notice_id) {
		errmsg("notice %" PRId64 ": the server answered for notice %"
		    PRId64, notice_id, id);
		goto done;
	}
	if (order < 1 || order > 999 || strlen(no) > BIDFMT_NO_MAX) {
		errmsg("notice %" PRId64 ": bad order or notice number",
		    notice_id);
		goto done;
	}
	bi->notice_id = id;
	bi->order = (int)order;
	memcpy(bi->notice_no, no, strlen(no) + 1);
	if ((bi->pub_pem = strdup(pub)) == NULL ||
	    (bi->phase = strdup(phase)) == NULL ||
	    (bi->bid_start = strdup(start != NULL ? start : "?")) == NULL ||
	    (bi->bid_close = strdup(close_ != NULL ? close_ : "?")) == NULL) {
		errmsg("out of memory");
		goto done;
	}
	rc = 0;

done:
	if (have_json)
		json_free(&j);
	if (rc == -1)
		bidinfo_cleanup(bi);
	strbuf_cleanup(&path);
	resp_cleanup(&r);
	return (rc);
}

static void
bidinfo_cleanup(struct bidinfo *bi)
{
	free(bi->pub_pem);
	free(bi->phase);
	free(bi->bid_start);
	free(bi->bid_close);
	memset(bi, 0, sizeof(*bi));
}

/* The receipt key: from file if given, else GET /receipt-key.pem. */
static EVP_PKEY *
receipt_key_get(struct http *h, const char *file)
{
	struct resp	 r;
	EVP_PKEY	*key = NULL;
	BIO		*bio = NULL;

	if (file != NULL)
		return (pubkey_load(file, 1));
	resp_init(&r);
	if (http_do(h, "/receipt-key.pem", NULL, 0,
	    "application/x-pem-file, text/plain, */*", &r) == -1)
		goto done;
	if (r.status != 200) {
		resp_error(&r, "receipt key");
		goto done;
	}
	if ((bio = seal_pem_bio(r.body.data)) != NULL)
		key = PEM_read_bio_PUBKEY(bio, NULL, seal_no_pass_cb, NULL);
	ERR_clear_error();
	if (key == NULL || !key_is_p256(key)) {
		errmsg("receipt key: /receipt-key.pem is not an ECDSA P-256 "
		    "public key");
		EVP_PKEY_free(key);
		key = NULL;
	}

done:
	BIO_free(bio);
	resp_cleanup(&r);
	return (key);
}

/*
 * Verify the receipt signature, then parse the receipt into rcpt; what
 * starts the error message.
 */
static int
receipt_check(const char *what, EVP_PKEY *key, const char *text, size_t len,
    const unsigned char *sig, size_t siglen, struct bidfmt_receipt *rcpt)
{
	if (len == 0 || len > BIDFMT_RECEIPT_MAX || siglen == 0 ||
	    siglen > CA_SIG_MAX) {
		errmsg("%s: the receipt or its signature is empty or too long",
		    what);
		return (-1);
	}
	if (verify_bytes(key, text, len, sig, siglen) == -1) {
		errmsg("%s: the receipt signature does NOT verify with the "
		    "receipt key", what);
		return (-1);
	}
	if (bidfmt_receipt_parse(text, len, rcpt) == -1) {
		errmsg("%s: the receipt is signed but not a valid "
		    "g2b-receipt-v1 text", what);
		return (-1);
	}
	return (0);
}

static char *
path_join(const char *prefix, const char *suffix)
{
	char	*s;
	size_t	 a = strlen(prefix), b = strlen(suffix);

	if ((s = malloc(a + b + 1)) == NULL)
		return (NULL);
	memcpy(s, prefix, a);
	memcpy(s + a, suffix, b + 1);
	return (s);
}

/* PREFIX.txt and PREFIX.sig. */
static int
receipt_save(const char *prefix, const char *text, size_t len,
    const unsigned char *sig, size_t siglen)
{
	char	*txt, *sg;
	int	 rc = -1;

	txt = path_join(prefix, ".txt");
	sg = path_join(prefix, ".sig");
	if (txt == NULL || sg == NULL)
		errmsg("out of memory");
	else if (file_save(txt, text, len) == 0 &&
	    file_save(sg, sig, siglen) == 0)
		rc = 0;
	free(txt);
	free(sg);
	return (rc);
}

static void
receipt_print(const struct bidfmt_receipt *r)
{
	printf("receipt: %s\n", r->receipt_no);
	printf("notice-no: %s\n", r->notice_no);
	printf("order: %d\n", r->order);
	printf("bizno: %s\n", r->bizno);
	printf("bid-sha256: %s\n", r->bid_sha256);
	printf("received: %s\n", r->received);
}

/* ------------------------------------------------------------------ */
/* Commands. */

static int
cmd_keygen(const struct opts *o)
{
	EVP_PKEY	*key = NULL;
	BIO		*bio = NULL;
	unsigned char	*der = NULL;
	char		*pass = NULL, *json = NULL, *buf = NULL, *pem;
	char		 fp[BIDFMT_HEX_LEN + 1];
	size_t		 derlen = 0, n = 0;
	int64_t		 iter = BIDFMT_KDF_ITER;
	long		 pemlen;
	int		 rc = EXIT_FAIL;

	if (o->plain && (o->iterations != NULL || o->key_pass_file != NULL)) {
		errmsg("keygen: --plain takes no password or iterations");
		return (EXIT_USAGE);
	}
	if (o->iterations != NULL && parse_i64(o->iterations, "--iterations",
	    BIDFMT_KDF_ITER_MIN, BIDFMT_KDF_ITER_MAX, &iter) == -1)
		return (EXIT_USAGE);
	if (file_exists(o->out)) {
		errmsg("%s: exists; refusing to overwrite", o->out);
		return (EXIT_FAIL);
	}
	if (!o->plain) {
		if (secret_get(ENV_KEY_PASS, o->key_pass_file, "key password",
		    &pass) == -1)
			goto done;
		if (strlen(pass) < KEY_PASS_MIN) {
			errmsg("keygen: the key password must be at least %d "
			    "bytes", KEY_PASS_MIN);
			goto done;
		}
	}
	if ((key = EVP_EC_gen("P-256")) == NULL) {
		errmsg("keygen: cannot make a P-256 key");
		goto done;
	}
	if (o->plain) {
		if ((bio = BIO_new(BIO_s_mem())) == NULL ||
		    !PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL,
		    NULL) || (pemlen = BIO_get_mem_data(bio, &pem)) <= 0) {
			errmsg("keygen: cannot encode the key");
			goto done;
		}
		if (file_write_new(o->out, pem, (size_t)pemlen, 0600) == -1) {
			OPENSSL_cleanse(pem, (size_t)pemlen);
			goto done;
		}
		OPENSSL_cleanse(pem, (size_t)pemlen);
	} else {
		if (key_der(key, &der, &derlen) == -1) {
			errmsg("keygen: cannot encode the key");
			goto done;
		}
		if (bidfmt_keyfile_seal(der, derlen, pass, (int)iter,
		    &json) == -1) {
			errmsg("keygen: cannot encrypt the key file");
			goto done;
		}
		n = strlen(json);
		if ((buf = malloc(n + 2)) == NULL) {
			errmsg("out of memory");
			goto done;
		}
		memcpy(buf, json, n);
		buf[n++] = '\n';
		if (file_write_new(o->out, buf, n, 0600) == -1)
			goto done;
	}
	if (key_fingerprint(key, fp) == -1)
		goto done;
	if (o->plain)
		printf("key: %s (ECDSA P-256, unencrypted PKCS#8 PEM)\n",
		    o->out);
	else
		printf("key: %s (ECDSA P-256, g2b key file, PBKDF2-SHA256 %"
		    PRId64 " iterations)\n", o->out, iter);
	printf("public-key-sha256: %s\n", fp);
	rc = EXIT_OK;

done:
	if (der != NULL)
		OPENSSL_clear_free(der, derlen);
	free(json);
	free(buf);
	BIO_free(bio);
	EVP_PKEY_free(key);
	secret_free(pass);
	ERR_clear_error();
	return (rc);
}

static int
cmd_cert(const struct opts *o)
{
	struct http	 h;
	struct resp	 r;
	struct json	 j;
	struct strbuf	 body;
	EVP_PKEY	*key = NULL;
	X509		*x = NULL;
	BIO		*bio = NULL;
	char		*pass = NULL, *spki = NULL;
	char		 serial[CA_SERIAL_HEX_MAX + 1];
	const char	*pem, *jserial, *after;
	int64_t		 id = 0;
	int		 rc = EXIT_FAIL, have_http = 0, have_json = 0;

	resp_init(&r);
	strbuf_init(&body);
	if (file_exists(o->out)) {
		errmsg("%s: exists; refusing to overwrite", o->out);
		goto done;
	}
	if (secret_get(ENV_PASS, o->pass_file, "login password", &pass) == -1)
		goto done;
	if ((key = key_load(o->key, o->key_pass_file)) == NULL)
		goto done;
	if (key_spki_pem(key, &spki) == -1) {
		errmsg("cert: cannot encode the public key");
		goto done;
	}
	if (http_init(&h, o->server, o->cacert) == -1)
		goto done;
	have_http = 1;
	if (http_login(&h, o->user, pass) == -1)
		goto done;
	secret_free(pass);
	pass = NULL;

	form_add(&body, "csrf", h.csrf, strlen(h.csrf));
	form_add(&body, "spki", spki, strlen(spki));
	if (http_do(&h, "/certificate", body.data, body.len,
	    "application/json", &r) == -1)
		goto done;
	if (resp_json(&r, &j, "certificate") == -1)
		goto done;
	have_json = 1;
	if ((pem = json_str(&j, "certificate")) == NULL) {
		errmsg("certificate: no certificate in the server's answer");
		goto done;
	}
	(void)json_int(&j, "id", &id);
	jserial = json_str(&j, "serial");
	after = json_str(&j, "not_after");
	if ((bio = seal_pem_bio(pem)) == NULL ||
	    (x = PEM_read_bio_X509(bio, NULL, seal_no_pass_cb, NULL)) ==
	    NULL) {
		errmsg("certificate: the server's certificate does not parse");
		goto done;
	}
	if (EVP_PKEY_eq(X509_get0_pubkey(x), key) != 1) {
		errmsg("certificate: issued for another key than ours");
		goto done;
	}
	if (cert_serial(x, serial) == -1 ||
	    (jserial != NULL && strcasecmp(jserial, serial) != 0)) {
		errmsg("certificate: the serial does not match the answer");
		goto done;
	}
	if (file_write_new(o->out, pem, strlen(pem), 0644) == -1)
		goto done;
	printf("certificate: %s\n", o->out);
	printf("id: %" PRId64 "\n", id);
	printf("serial: %s\n", serial);
	if (after != NULL) {
		fputs("not-after: ", stdout);
		print_clean(stdout, after, strlen(after));
		fputc('\n', stdout);
	}
	rc = EXIT_OK;

done:
	if (have_json)
		json_free(&j);
	if (have_http)
		http_cleanup(&h);
	X509_free(x);
	BIO_free(bio);
	EVP_PKEY_free(key);
	free(spki);
	secret_free(pass);
	strbuf_cleanup(&body);
	resp_cleanup(&r);
	ERR_clear_error();
	return (rc);
}

static int
cmd_notice(const struct opts *o)
{
	struct http	 h;
	struct bidinfo	 bi;
	const char	*p;
	int64_t		 id;
	int		 rc = EXIT_FAIL;

	if (parse_i64(o->notice, "--notice", 1, INT64_MAX, &id) == -1)
		return (EXIT_USAGE);
	if (http_init(&h, o->server, o->cacert) == -1)
		return (EXIT_FAIL);
	if (bidinfo_get(&h, id, &bi) == 0) {
		printf("notice: %" PRId64 "\n", bi.notice_id);
		printf("notice-no: %s\n", bi.notice_no);
		printf("order: %d\n", bi.order);
		fputs("phase: ", stdout);
		print_clean(stdout, bi.phase, strlen(bi.phase));
		fputs("\nbid-start: ", stdout);
		print_clean(stdout, bi.bid_start, strlen(bi.bid_start));
		fputs("\nbid-close: ", stdout);
		print_clean(stdout, bi.bid_close, strlen(bi.bid_close));
		fputc('\n', stdout);
		for (p = bi.pub_pem; *p != '\0'; p++)
			fputc(*p == '\n' || (*p >= 0x20 && *p < 0x7f) ? *p : '?',
			    stdout);
		if (p > bi.pub_pem && p[-1] != '\n')
			fputc('\n', stdout);
		bidinfo_cleanup(&bi);
		rc = EXIT_OK;
	}
	http_cleanup(&h);
	return (rc);
}

static int
cmd_bid(const struct opts *o)
{
	struct http		 h;
	struct resp		 r;
	struct json		 j;
	struct strbuf		 body, path;
	struct certinfo		 ci;
	struct bidinfo		 bi;
	struct bidreq		 q;
	struct bidmade		 m;
	struct bidfmt_receipt	 rcpt;
	EVP_PKEY		*key = NULL, *rkey = NULL;
	unsigned char		*sig = NULL, *own = NULL;
	char			*pass = NULL, *txt = NULL, *sg = NULL;
	const char		*receipt, *sig64, *rno, *prefix;
	size_t			 siglen = 0, ownlen = 0, rlen;
	int64_t			 notice, amount, bid_id = 0;
	int			 picks[2], dup = 0, rc = EXIT_FAIL;
	int			 have_http = 0, have_json = 0;

	memset(&ci, 0, sizeof(ci));
	memset(&bi, 0, sizeof(bi));
	memset(&m, 0, sizeof(m));
	if (parse_i64(o->notice, "--notice", 1, INT64_MAX, &notice) == -1 ||
	    parse_i64(o->amount, "--amount", 1, PRICES_AMOUNT_MAX,
	    &amount) == -1 || parse_picks(o->picks, picks) == -1)
		return (EXIT_USAGE);
	resp_init(&r);
	strbuf_init(&body);
	strbuf_init(&path);

	/* An explicit receipt name must be free before the bid is made. */
	if (o->receipt_out != NULL) {
		if ((txt = path_join(o->receipt_out, ".txt")) == NULL ||
		    (sg = path_join(o->receipt_out, ".sig")) == NULL) {
			errmsg("out of memory");
			goto done;
		}
		if (file_exists(txt) || file_exists(sg)) {
			errmsg("%s.txt or .sig exists; refusing to overwrite",
			    o->receipt_out);
			goto done;
		}
	}
	if (secret_get(ENV_PASS, o->pass_file, "login password", &pass) == -1)
		goto done;
	if ((key = key_load(o->key, o->key_pass_file)) == NULL)
		goto done;
	if (cert_load(o->cert, key, &ci) == -1)
		goto done;
	if (http_init(&h, o->server, o->cacert) == -1)
		goto done;
	have_http = 1;
	if (o->receipt_key != NULL &&
	    (rkey = receipt_key_get(&h, o->receipt_key)) == NULL)
		goto done;

	if (bidinfo_get(&h, notice, &bi) == -1)
		goto done;
	if (strcmp(bi.phase, "open") != 0) {
		errmsg("notice %" PRId64 " (%s) is not open for bids: phase "
		    "'%s', bidding %s .. %s", notice, bi.notice_no, bi.phase,
		    bi.bid_start, bi.bid_close);
		goto done;
	}
	memset(&q, 0, sizeof(q));
	q.notice_id = notice;
	q.notice_no = bi.notice_no;
	q.order = bi.order;
	q.bizno = ci.bizno;
	q.serial = ci.serial;
	q.pub_pem = bi.pub_pem;
	q.amount = amount;
	q.picks[0] = picks[0];
	q.picks[1] = picks[1];
	if (bid_make(&q, key, &m) == -1)
		goto done;
	/* Check our signature as the server will (ca_verify_signature). */
	if (seal_b64_decode(m.sig_b64, &own, &ownlen) == -1 ||
	    ca_verify_signature(ci.pem, (const unsigned char *)m.canon,
	    m.canonlen, own, ownlen) == -1) {
		errmsg("bid: our signature does not verify with %s", o->cert);
		goto done;
	}

	if (http_login(&h, o->user, pass) == -1)
		goto done;
	secret_free(pass);
	pass = NULL;

	bid_form(&body, h.csrf, &m, ci.pem);
	strbuf_appendf(&path, "/notices/%" PRId64 "/bid", notice);
	if (http_do(&h, path.data, body.data, body.len, "application/json",
	    &r) == -1)
		goto done;
	if (resp_json(&r, &j, "bid") == -1)
		goto done;
	have_json = 1;
	receipt = json_str(&j, "receipt");
	sig64 = json_str(&j, "signature");
	rno = json_str(&j, "receipt_no");
	(void)json_int(&j, "bid_id", &bid_id);
	(void)json_bool(&j, "duplicate", &dup);
	if (receipt == NULL || sig64 == NULL || rno == NULL) {
		errmsg("bid: the server's answer has no receipt; bid hash %s",
		    m.hash);
		goto done;
	}
	rlen = strlen(receipt);
	if (seal_b64_decode(sig64, &sig, &siglen) == -1) {
		errmsg("bid: the receipt signature is not base64; bid hash %s",
		    m.hash);
		goto done;
	}
	prefix = o->receipt_out;
	if (prefix == NULL) {
		/* The receipt number: [A-Z0-9-] once parsed, a safe name. */
		memset(&rcpt, 0, sizeof(rcpt));
		if (bidfmt_receipt_parse(receipt, rlen, &rcpt) == -1) {
			errmsg("bid: the receipt does not parse; bid hash %s",
			    m.hash);
			goto done;
		}
		prefix = rcpt.receipt_no;
	}
	/* Saved as received: it is the evidence, checked or not. */
	if (receipt_save(prefix, receipt, rlen, sig, siglen) == -1)
		goto done;
	if (rkey == NULL && (rkey = receipt_key_get(&h, NULL)) == NULL)
		goto done;
	memset(&rcpt, 0, sizeof(rcpt));
	strbuf_reset(&path);
	strbuf_appendf(&path, "bid accepted as %s (bid-sha256 %s, saved as "
	    "%s.txt/.sig), but", rno, m.hash, prefix);
	if (receipt_check(path.data, rkey, receipt, rlen, sig, siglen,
	    &rcpt) == -1)
		goto done;
	if (strcmp(rcpt.bid_sha256, m.hash) != 0 ||
	    strcmp(rcpt.notice_no, bi.notice_no) != 0 ||
	    rcpt.order != bi.order || strcmp(rcpt.bizno, ci.bizno) != 0 ||
	    strcmp(rcpt.receipt_no, rno) != 0) {
		errmsg("bid: the server answered with receipt %s, which is not "
		    "for this bid (bid-sha256 %s; the receipt names notice %s "
		    "order %d bizno %s bid %s)", rcpt.receipt_no, m.hash,
		    rcpt.notice_no, rcpt.order, rcpt.bizno, rcpt.bid_sha256);
		goto done;
	}
	printf("receipt: %s\n", rcpt.receipt_no);
	printf("bid-sha256: %s\n", m.hash);
	printf("bid-id: %" PRId64 "\n", bid_id);
	printf("notice: %" PRId64 " %s order %d\n", notice, bi.notice_no,
	    bi.order);
	printf("received: %s\n", rcpt.received);
	printf("saved: %s.txt %s.sig (signature verified)\n", prefix, prefix);
	if (dup)
		printf("note: the server already had this exact bid; this is "
		    "its first receipt\n");
	rc = EXIT_OK;

done:
	if (have_json)
		json_free(&j);
	if (have_http)
		http_cleanup(&h);
	bid_made_cleanup(&m);
	bidinfo_cleanup(&bi);
	cert_cleanup(&ci);
	EVP_PKEY_free(key);
	EVP_PKEY_free(rkey);
	free(sig);
	free(own);
	free(txt);
	free(sg);
	secret_free(pass);
	strbuf_cleanup(&body);
	strbuf_cleanup(&path);
	resp_cleanup(&r);
	return (rc);
}

static int
cmd_prepare_bid(const struct opts *o)
{
	struct certinfo	 ci;
	struct bidreq	 q;
	struct bidmade	 m;
	struct strbuf	 line;
	EVP_PKEY	*key = NULL, *nkey = NULL;
	char		*pub = NULL;
	size_t		 publen;
	int64_t		 notice, order, amount, step = 0, count = 1, i;
	int		 picks[2], fd = -1, tostdout, rc = EXIT_FAIL;

	memset(&ci, 0, sizeof(ci));
	memset(&m, 0, sizeof(m));
	if (parse_i64(o->notice, "--notice", 1, INT64_MAX, &notice) == -1 ||
	    parse_i64(o->order, "--order", 1, 999, &order) == -1 ||
	    parse_i64(o->amount, "--amount", 1, PRICES_AMOUNT_MAX,
	    &amount) == -1 || parse_picks(o->picks, picks) == -1)
		return (EXIT_USAGE);
	if (o->count != NULL && parse_i64(o->count, "--count", 1,
	    PREPARE_MAX, &count) == -1)
		return (EXIT_USAGE);
	if (o->amount_step != NULL && parse_i64(o->amount_step,
	    "--amount-step", 0, PRICES_AMOUNT_MAX, &step) == -1)
		return (EXIT_USAGE);
	if (step > 0 && (count - 1) > (PRICES_AMOUNT_MAX - amount) / step) {
		errmsg("prepare-bid: the last amount would exceed %" PRId64,
		    PRICES_AMOUNT_MAX);
		return (EXIT_USAGE);
	}
	strbuf_init(&line);
	if (file_read(o->pubkey, SEAL_PEM_MAX, &pub, &publen) == -1)
		goto done;
	if ((nkey = pubkey_load(o->pubkey, 0)) == NULL)
		goto done;
	if (!EVP_PKEY_is_a(nkey, "RSA")) {
		errmsg("%s: the notice's opening key must be RSA", o->pubkey);
		goto done;
	}
	if ((key = key_load(o->key, o->key_pass_file)) == NULL)
		goto done;
	if (cert_load(o->cert, key, &ci) == -1)
		goto done;

	tostdout = strcmp(o->out, "-") == 0;
	if (tostdout)
		fd = STDOUT_FILENO;
	else if ((fd = open(o->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1) {
		errmsg("%s: %s", o->out, strerror(errno));
		goto done;
	}
	memset(&q, 0, sizeof(q));
	q.notice_id = notice;
	q.notice_no = o->notice_no;
	q.order = (int)order;
	q.bizno = ci.bizno;
	q.serial = ci.serial;
	q.pub_pem = pub;
	q.picks[0] = picks[0];
	q.picks[1] = picks[1];
	for (i = 0; i < count; i++) {
		q.amount = amount + i * step;
		if (bid_make(&q, key, &m) == -1)
			goto done;
		strbuf_reset(&line);
		bid_form(&line, NULL, &m, ci.pem);
		strbuf_append(&line, "\n", 1);
		bid_made_cleanup(&m);
		if (fd_write_all(fd, line.data, line.len) == -1) {
			errmsg("%s: %s", o->out, strerror(errno));
			goto done;
		}
	}
	if (!tostdout) {
		if (fsync(fd) == -1 || close(fd) == -1) {
			fd = -1;
			errmsg("%s: %s", o->out, strerror(errno));
			goto done;
		}
		fd = -1;
		printf("wrote %" PRId64 " bid bod%s to %s (bizno %s, cert %s)\n",
		    count, count == 1 ? "y" : "ies", o->out, ci.bizno,
		    ci.serial);
	}
	rc = EXIT_OK;

done:
	if (fd != -1 && fd != STDOUT_FILENO)
		close(fd);
	bid_made_cleanup(&m);
	cert_cleanup(&ci);
	EVP_PKEY_free(key);
	EVP_PKEY_free(nkey);
	free(pub);
	strbuf_cleanup(&line);
	return (rc);
}

static int
cmd_withdraw(const struct opts *o)
{
	struct http	 h;
	struct resp	 r;
	struct json	 j;
	struct strbuf	 body, path;
	char		*pass = NULL;
	int64_t		 notice;
	int		 ok = 0, rc = EXIT_FAIL, have_http = 0;

	if (parse_i64(o->notice, "--notice", 1, INT64_MAX, &notice) == -1)
		return (EXIT_USAGE);
	resp_init(&r);
	strbuf_init(&body);
	strbuf_init(&path);
	if (secret_get(ENV_PASS, o->pass_file, "login password", &pass) == -1)
		goto done;
	if (http_init(&h, o->server, o->cacert) == -1)
		goto done;
	have_http = 1;
	if (http_login(&h, o->user, pass) == -1)
		goto done;
	secret_free(pass);
	pass = NULL;
	form_add(&body, "csrf", h.csrf, strlen(h.csrf));
	strbuf_appendf(&path, "/notices/%" PRId64 "/withdraw", notice);
	if (http_do(&h, path.data, body.data, body.len, "application/json",
	    &r) == -1)
		goto done;
	if (resp_json(&r, &j, "withdraw") == -1)
		goto done;
	if (json_bool(&j, "ok", &ok) == -1 || !ok)
		errmsg("withdraw: the server did not confirm the withdrawal");
	else {
		printf("withdrawn: your bid on notice %" PRId64 "\n", notice);
		rc = EXIT_OK;
	}
	json_free(&j);

done:
	if (have_http)
		http_cleanup(&h);
	secret_free(pass);
	strbuf_cleanup(&body);
	strbuf_cleanup(&path);
	resp_cleanup(&r);
	return (rc);
}

static int
cmd_receipt(const struct opts *o)
{
	struct http		 h;
	struct resp		 rt, rs;
	struct strbuf		 path;
	struct bidfmt_receipt	 rcpt;
	EVP_PKEY		*rkey = NULL;
	char			*pass = NULL;
	const char		*prefix;
	int64_t			 bid;
	int			 rc = EXIT_FAIL, have_http = 0;

	if (parse_i64(o->bid, "--bid", 1, INT64_MAX, &bid) == -1)
		return (EXIT_USAGE);
	resp_init(&rt);
	resp_init(&rs);
	strbuf_init(&path);
	if (secret_get(ENV_PASS, o->pass_file, "login password", &pass) == -1)
		goto done;
	if (http_init(&h, o->server, o->cacert) == -1)
		goto done;
	have_http = 1;
	if ((rkey = receipt_key_get(&h, o->receipt_key)) == NULL)
		goto done;
	if (http_login(&h, o->user, pass) == -1)
		goto done;
	secret_free(pass);
	pass = NULL;
	strbuf_appendf(&path, "/bids/%" PRId64 "/receipt.txt", bid);
	if (http_do(&h, path.data, NULL, 0, "text/plain", &rt) == -1)
		goto done;
	if (rt.status != 200) {
		resp_error(&rt, "receipt");
		goto done;
	}
	strbuf_reset(&path);
	strbuf_appendf(&path, "/bids/%" PRId64 "/receipt.sig", bid);
	if (http_do(&h, path.data, NULL, 0, "application/octet-stream",
	    &rs) == -1)
		goto done;
	if (rs.status != 200) {
		resp_error(&rs, "receipt signature");
		goto done;
	}
	memset(&rcpt, 0, sizeof(rcpt));
	if (receipt_check("receipt", rkey, rt.body.data, rt.body.len,
	    (const unsigned char *)rs.body.data, rs.body.len, &rcpt) == -1)
		goto done;
	prefix = o->receipt_out != NULL ? o->receipt_out : rcpt.receipt_no;
	if (receipt_save(prefix, rt.body.data, rt.body.len,
	    (const unsigned char *)rs.body.data, rs.body.len) == -1)
		goto done;
	receipt_print(&rcpt);
	printf("saved: %s.txt %s.sig (signature verified)\n", prefix, prefix);
	rc = EXIT_OK;

done:
	if (have_http)
		http_cleanup(&h);
	EVP_PKEY_free(rkey);
	secret_free(pass);
	strbuf_cleanup(&path);
	resp_cleanup(&rt);
	resp_cleanup(&rs);
	return (rc);
}

static int
cmd_verify_receipt(const struct opts *o)
{
	struct bidfmt_receipt	 rcpt;
	EVP_PKEY		*key = NULL;
	char			*text = NULL, *sig = NULL;
	size_t			 len = 0, siglen = 0;
	int			 rc = EXIT_FAIL;

	if ((key = pubkey_load(o->pubkey, 1)) == NULL)
		goto done;
	if (file_read(o->receipt, BIDFMT_RECEIPT_MAX, &text, &len) == -1 ||
	    file_read(o->sig, CA_SIG_MAX, &sig, &siglen) == -1)
		goto done;
	memset(&rcpt, 0, sizeof(rcpt));
	if (receipt_check(o->receipt, key, text, len,
	    (const unsigned char *)sig, siglen, &rcpt) == -1)
		goto done;
	receipt_print(&rcpt);
	printf("signature: ok\n");
	rc = EXIT_OK;

done:
	EVP_PKEY_free(key);
	free(text);
	free(sig);
	return (rc);
}

/* ------------------------------------------------------------------ */
/* The audit-chain check. */

/* The first line of libpq's last error message. */
static const char *
pg_err(PGconn *conn)
{
	static char	 buf[512];
	const char	*m;
	size_t		 n;

	m = conn != NULL ? PQerrorMessage(conn) : "out of memory";
	n = strcspn(m, "\n");
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	memcpy(buf, m, n);
	buf[n] = '\0';
	return (buf);
}

static int
pg_cmd(PGconn *conn, const char *sql)
{
	PGresult	*res;
	int		 rc = 0;

	res = PQexec(conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		errmsg("chain-check: %s: %s", sql, pg_err(conn));
		rc = -1;
	}
	PQclear(res);
	return (rc);
}

static int
cur_open(struct cursor *c, PGconn *conn, const char *name, const char *query)
{
	struct strbuf	sql;
	int		rc;

	memset(c, 0, sizeof(*c));
	c->conn = conn;
	c->name = name;
	c->row = -1;
	strbuf_init(&sql);
	strbuf_appendf(&sql, "DECLARE %s NO SCROLL CURSOR FOR %s", name, query);
	rc = pg_cmd(conn, sql.data);
	strbuf_cleanup(&sql);
	if (rc == 0)
		c->open = 1;
	return (rc);
}

/* 1 with c->res/c->row on the next row, 0 at the end, -1 on error. */
static int
cur_next(struct cursor *c)
{
	struct strbuf	sql;

	if (c->res != NULL && c->row + 1 < c->nrows) {
		c->row++;
		return (1);
	}
	PQclear(c->res);
	c->res = NULL;
	c->nrows = 0;
	if (c->done)
		return (0);
	strbuf_init(&sql);
	strbuf_appendf(&sql, "FETCH FORWARD %d FROM %s", FETCH_ROWS, c->name);
	/* Binary results: integers big-endian, bytea and text raw. */
	c->res = PQexecParams(c->conn, sql.data, 0, NULL, NULL, NULL, NULL, 1);
	strbuf_cleanup(&sql);
	if (PQresultStatus(c->res) != PGRES_TUPLES_OK) {
		errmsg("chain-check: FETCH %s: %s", c->name,
		    pg_err(c->conn));
		PQclear(c->res);
		c->res = NULL;
		c->done = 1;
		return (-1);
	}
	c->nrows = PQntuples(c->res);
	c->row = 0;
	if (c->nrows < FETCH_ROWS)
		c->done = 1;
	if (c->nrows == 0) {
		PQclear(c->res);
		c->res = NULL;
		return (0);
	}
	return (1);
}

static void
cur_close(struct cursor *c)
{
	struct strbuf	sql;
	PGresult	*res;

	PQclear(c->res);
	c->res = NULL;
	if (c->open && PQtransactionStatus(c->conn) == PQTRANS_INTRANS) {
		strbuf_init(&sql);
		strbuf_appendf(&sql, "CLOSE %s", c->name);
		res = PQexec(c->conn, sql.data);
		PQclear(res);
		strbuf_cleanup(&sql);
	}
	c->open = 0;
}

/* A binary integer column of width 4 or 8 bytes. */
static int
pg_int(const PGresult *res, int row, int col, size_t width, int64_t *out)
{
	const unsigned char	*p;
	uint64_t		 v = 0;
	size_t			 i;

	if (PQgetisnull(res, row, col) ||
	    (size_t)PQgetlength(res, row, col) != width)
		return (-1);
	p = (const unsigned char *)PQgetvalue(res, row, col);
	for (i = 0; i < width; i++)
		v = v << 8 | p[i];
	if (width == 4)
		*out = (int32_t)(uint32_t)v;
	else if (v > (uint64_t)INT64_MAX)
		*out = -(int64_t)(~v) - 1;
	else
		*out = (int64_t)v;
	return (0);
}

/* A binary bytea or text column; NULL if SQL NULL. */
static const unsigned char *
pg_bytes(const PGresult *res, int row, int col, size_t *len)
{
	if (PQgetisnull(res, row, col)) {
		*len = 0;
		return (NULL);
	}
	*len = (size_t)PQgetlength(res, row, col);
	return ((const unsigned char *)PQgetvalue(res, row, col));
}

static void
problem(struct chk *ck, int lane, int64_t seq, int64_t bid, const char *fmt,
    ...)
{
	va_list	ap;
	char	msg[512];
	int	sep = 0;

	ck->problems++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fputs("problem:", stdout);
	if (lane != NO_LANE) {
		printf(" lane %d", lane);
		sep = 1;
	}
	if (seq != NO_ID) {
		printf("%s seq %" PRId64, sep ? "," : "", seq);
		sep = 1;
	}
	if (bid != NO_ID)
		printf("%s bid %" PRId64, sep ? "," : "", bid);
	fputs(": ", stdout);
	print_clean(stdout, msg, strlen(msg));
	fputc('\n', stdout);
}

static int
chain_heads(PGconn *conn, struct chk *ck, int64_t seq[BIDFMT_LANES],
    unsigned char hash[BIDFMT_LANES][BIDFMT_HASH_LEN], int have[BIDFMT_LANES])
{
	PGresult		*res;
	const unsigned char	*h;
	size_t			 hlen;
	int64_t			 lane, s;
	int			 i, n;

	memset(have, 0, sizeof(int) * BIDFMT_LANES);
	res = PQexecParams(conn, "SELECT lane::int4, seq::int8, hash "
	    "FROM bidding.chain_head ORDER BY lane", 0, NULL, NULL, NULL, NULL,
	    1);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		errmsg("chain-check: chain_head: %s", pg_err(conn));
		PQclear(res);
		return (-1);
	}
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		if (pg_int(res, i, 0, 4, &lane) == -1 ||
		    pg_int(res, i, 1, 8, &s) == -1) {
			problem(ck, NO_LANE, NO_ID, NO_ID,
			    "chain_head row with a NULL lane or seq");
			continue;
		}
		if (lane < 0 || lane >= BIDFMT_LANES) {
			problem(ck, (int)lane, NO_ID, NO_ID,
			    "chain_head row for a lane outside 0..%d",
			    BIDFMT_LANES - 1);
			continue;
		}
		h = pg_bytes(res, i, 2, &hlen);
		have[lane] = 1;
		seq[lane] = s;
		if (h == NULL || hlen != BIDFMT_HASH_LEN) {
			problem(ck, (int)lane, NO_ID, NO_ID,
			    "chain_head hash is not 32 bytes");
			memset(hash[lane], 0xff, BIDFMT_HASH_LEN);
		} else
			memcpy(hash[lane], h, BIDFMT_HASH_LEN);
	}
	PQclear(res);
	return (0);
}

/*
 * Pass 1, every lane in seq order: seq 1..n without gaps, prev_hash
 * links to the previous entry's hash (zeros before seq 1), the hash
 * recomputes from the entry's own fields.
 */
static int
chain_lanes(PGconn *conn, struct chk *ck)
{
	struct cursor		 c;
	struct lanestate	*ls;
	const PGresult		*res;
	const unsigned char	*kind, *rowh, *prev, *hash;
	unsigned char		 calc[BIDFMT_HASH_LEN];
	char			 kbuf[16];
	size_t			 klen, rlen, plen, hlen;
	int64_t			 lane, seq, bid;
	int			 row, n, l;

	if (cur_open(&c, conn, "g2b_lanes", "SELECT lane::int4, seq::int8, "
	    "kind, bid_id::int8, row_hash, prev_hash, hash "
	    "FROM bidding.bid_chain ORDER BY lane, seq") == -1)
		return (-1);
	while ((n = cur_next(&c)) == 1) {
		res = c.res;
		row = c.row;
		if (pg_int(res, row, 0, 4, &lane) == -1 ||
		    pg_int(res, row, 1, 8, &seq) == -1 ||
		    pg_int(res, row, 3, 8, &bid) == -1) {
			problem(ck, NO_LANE, NO_ID, NO_ID,
			    "entry with a NULL lane, seq or bid_id");
			continue;
		}
		ck->entries++;
		if (lane < 0 || lane >= BIDFMT_LANES) {
			problem(ck, (int)lane, seq, bid,
			    "lane outside 0..%d", BIDFMT_LANES - 1);
			continue;
		}
		l = (int)lane;
		ls = &ck->lanes[l];
		kind = pg_bytes(res, row, 2, &klen);
		rowh = pg_bytes(res, row, 4, &rlen);
		prev = pg_bytes(res, row, 5, &plen);
		hash = pg_bytes(res, row, 6, &hlen);

		if (seq != ls->last_seq + 1)
			problem(ck, l, seq, bid, "seq %" PRId64 " follows seq %"
			    PRId64 " (expected %" PRId64 ")", seq,
			    ls->last_seq, ls->last_seq + 1);
		if (prev == NULL || plen != BIDFMT_HASH_LEN ||
		    memcmp(prev, ls->last_hash, BIDFMT_HASH_LEN) != 0) {
			if (ls->last_seq == 0 && seq == 1)
				problem(ck, l, seq, bid, "prev_hash is not 32 "
				    "zero bytes (first entry of the lane)");
			else if (ls->last_seq == 0)
				problem(ck, l, seq, bid, "prev_hash links to no "
				    "entry (none before it in the lane)");
			else
				problem(ck, l, seq, bid, "prev_hash is not the "
				    "hash of seq %" PRId64, ls->last_seq);
		}
		if (kind == NULL || klen == 0 || klen >= sizeof(kbuf) ||
		    memchr(kind, '\0', klen) != NULL) {
			problem(ck, l, seq, bid, "kind is missing or invalid");
			kbuf[0] = '\0';
		} else {
			memcpy(kbuf, kind, klen);
			kbuf[klen] = '\0';
		}
		if (rowh == NULL || rlen != BIDFMT_HASH_LEN)
			problem(ck, l, seq, bid, "row_hash is not 32 bytes");
		else if (hash == NULL || hlen != BIDFMT_HASH_LEN)
			problem(ck, l, seq, bid, "hash is not 32 bytes");
		else if (prev == NULL || plen != BIDFMT_HASH_LEN)
			;	/* reported above */
		else if (kbuf[0] != '\0' && bidfmt_chain_hash(l, seq, prev,
		    kbuf, bid, rowh, calc) == -1)
			problem(ck, l, seq, bid, "cannot recompute the hash "
			    "(kind '%s' or seq invalid)", kbuf);
		else if (kbuf[0] != '\0' &&
		    memcmp(calc, hash, BIDFMT_HASH_LEN) != 0)
			problem(ck, l, seq, bid, "hash does not recompute");

		ls->last_seq = seq;
		if (hash != NULL && hlen == BIDFMT_HASH_LEN)
			memcpy(ls->last_hash, hash, BIDFMT_HASH_LEN);
		else
			memset(ls->last_hash, 0xff, BIDFMT_HASH_LEN);
	}
	cur_close(&c);
	return (n == -1 ? -1 : 0);
}

/*
 * One bid row (pass 2): the content checks; *id, its lane (-1 if the
 * bid hash is unusable), its recomputed row hash (*rowok), status.
 */
static void
chain_bid_row(struct chk *ck, const PGresult *res, int row, int64_t id,
    int *lane, unsigned char rowhash[BIDFMT_HASH_LEN], int *rowok,
    char *status, size_t statussz)
{
	struct bidfmt_bid	 b;
	const unsigned char	*st, *canon, *sealed, *sig, *bh;
	unsigned char		 calc[BIDFMT_HASH_LEN];
	char			 hex[BIDFMT_HEX_LEN + 1];
	size_t			 stlen, clen, slen, siglen, bhlen;
	int64_t			 notice = 0, ord = 0;

	*lane = -1;
	*rowok = 0;
	status[0] = '\0';
	st = pg_bytes(res, row, 1, &stlen);
	canon = pg_bytes(res, row, 2, &clen);
	sealed = pg_bytes(res, row, 3, &slen);
	sig = pg_bytes(res, row, 4, &siglen);
	bh = pg_bytes(res, row, 5, &bhlen);
	(void)pg_int(res, row, 6, 8, &notice);
	(void)pg_int(res, row, 7, 4, &ord);

	if (st != NULL && stlen < statussz) {
		memcpy(status, st, stlen);
		status[stlen] = '\0';
	}
	if (bh == NULL || bhlen != BIDFMT_HASH_LEN)
		problem(ck, NO_LANE, NO_ID, id, "bid_hash is not 32 bytes");
	else {
		*lane = bidfmt_lane(bh);
		if (canon != NULL) {
			bidfmt_sha256_hex(canon, clen, hex);
			if (bidfmt_unhex(hex, calc) == -1 ||
			    memcmp(calc, bh, BIDFMT_HASH_LEN) != 0)
				problem(ck, NO_LANE, NO_ID, id, "bid_hash is "
				    "not the SHA-256 of the canonical text");
		}
	}
	if (canon == NULL || sealed == NULL || sig == NULL) {
		problem(ck, NO_LANE, NO_ID, id,
		    "canonical, sealed or signature is NULL");
		return;
	}
	memset(&b, 0, sizeof(b));
	if (bidfmt_bid_parse((const char *)canon, clen, &b) == -1)
		problem(ck, NO_LANE, NO_ID, id,
		    "the canonical text does not parse");
	else {
		bidfmt_sha256_hex(sealed, slen, hex);
		if (strcmp(hex, b.sealed_sha256) != 0)
			problem(ck, NO_LANE, NO_ID, id, "the stored envelope "
			    "is not the one the canonical text names");
		if (b.notice_id != notice || b.order != ord)
			problem(ck, NO_LANE, NO_ID, id, "the canonical text "
			    "names notice %" PRId64 " order %d, the row "
			    "notice %" PRId64 " order %" PRId64, b.notice_id,
			    b.order, notice, ord);
	}
	if (bidfmt_row_hash(id, (const char *)canon, clen, sealed, slen, sig,
	    siglen, rowhash) == -1)
		problem(ck, NO_LANE, NO_ID, id,
		    "cannot compute the row hash");
	else
		*rowok = 1;
}

/* The next entry of pass 2: 1 with its bid, lane and seq, 0, or -1. */
static int
entry_read(struct cursor *c, int64_t *bid, int64_t *lane, int64_t *seq)
{
	int	n;

	if ((n = cur_next(c)) != 1)
		return (n);
	if (pg_int(c->res, c->row, 0, 8, bid) == -1 ||
	    pg_int(c->res, c->row, 1, 4, lane) == -1 ||
	    pg_int(c->res, c->row, 2, 8, seq) == -1) {
		errmsg("chain-check: an entry with a NULL key column");
		return (-1);
	}
	return (1);
}

/*
 * Pass 2, bids in id order merged with the entries in bid order: every
 * entry's row_hash is the bid row's hash now and its lane the bid's;
 * one 'submit' per bid; 'withdraw' entries agree with the status.
 */
static int
chain_bids(PGconn *conn, struct chk *ck)
{
	struct cursor		 cb, ce;
	const unsigned char	*kind, *rowh;
	unsigned char		 rowhash[BIDFMT_HASH_LEN];
	char			 status[16];
	size_t			 klen, rlen;
	int64_t			 id, eb = 0, el = 0, es = 0;
	int64_t			 submit_seq, withdraw_seq;
	int			 nb, ne, lane, rowok, submits, withdraws;
	int			 rc = -1;

	memset(&ce, 0, sizeof(ce));
	if (cur_open(&cb, conn, "g2b_bids", "SELECT id::int8, status, "
	    "canonical, sealed, signature, bid_hash, notice_id::int8, "
	    "ord::int4 FROM bidding.bid ORDER BY id") == -1)
		return (-1);
	if (cur_open(&ce, conn, "g2b_entries", "SELECT bid_id::int8, "
	    "lane::int4, seq::int8, kind, row_hash FROM bidding.bid_chain "
	    "ORDER BY bid_id, lane, seq") == -1)
		goto done;

	if ((ne = entry_read(&ce, &eb, &el, &es)) == -1)
		goto done;
	while ((nb = cur_next(&cb)) == 1) {
		if (pg_int(cb.res, cb.row, 0, 8, &id) == -1) {
			errmsg("chain-check: bid with a NULL id");
			goto done;
		}
		ck->bids++;
		chain_bid_row(ck, cb.res, cb.row, id, &lane, rowhash, &rowok,
		    status, sizeof(status));
		while (ne == 1 && eb < id) {
			problem(ck, (int)el, es, eb,
			    "entry for a bid that does not exist");
			if ((ne = entry_read(&ce, &eb, &el, &es)) == -1)
				goto done;
		}
		submits = withdraws = 0;
		submit_seq = withdraw_seq = 0;
		while (ne == 1 && eb == id) {
			kind = pg_bytes(ce.res, ce.row, 3, &klen);
			rowh = pg_bytes(ce.res, ce.row, 4, &rlen);
			if (rowok && (rowh == NULL ||
			    rlen != BIDFMT_HASH_LEN ||
			    memcmp(rowh, rowhash, BIDFMT_HASH_LEN) != 0))
				problem(ck, (int)el, es, id, "row_hash is not "
				    "the hash of the bid row as stored now");
			if (lane != -1 && el != lane)
				problem(ck, (int)el, es, id, "entry in lane %"
				    PRId64 ", the bid hash says lane %d", el,
				    lane);
			if (kind != NULL && klen == 6 &&
			    memcmp(kind, "submit", 6) == 0) {
				submits++;
				submit_seq = es;
			} else if (kind != NULL && klen == 8 &&
			    memcmp(kind, "withdraw", 8) == 0) {
				withdraws++;
				withdraw_seq = es;
			}
			if ((ne = entry_read(&ce, &eb, &el, &es)) == -1)
				goto done;
		}
		if (submits != 1)
			problem(ck, lane != -1 ? lane : NO_LANE, NO_ID, id,
			    "%d 'submit' entries (expected exactly one)",
			    submits);
		if (strcmp(status, "withdrawn") == 0 && withdraws != 1)
			problem(ck, lane != -1 ? lane : NO_LANE, NO_ID, id,
			    "status 'withdrawn' with %d 'withdraw' entries "
			    "(expected one)", withdraws);
		else if (strcmp(status, "live") == 0 && withdraws != 0)
			problem(ck, lane != -1 ? lane : NO_LANE, NO_ID, id,
			    "status 'live' but %d 'withdraw' entries",
			    withdraws);
		if (submits == 1 && withdraws == 1 &&
		    withdraw_seq < submit_seq)
			problem(ck, lane != -1 ? lane : NO_LANE, withdraw_seq,
			    id, "'withdraw' entry before the 'submit' entry "
			    "(seq %" PRId64 ")", submit_seq);
	}
	if (nb == -1)
		goto done;
	while (ne == 1) {
		problem(ck, (int)el, es, eb,
		    "entry for a bid that does not exist");
		if ((ne = entry_read(&ce, &eb, &el, &es)) == -1)
			goto done;
	}
	rc = 0;

done:
	cur_close(&ce);
	cur_close(&cb);
	return (rc);
}

static int
cmd_chain_check(const struct opts *o)
{
	struct chk	 ck;
	PGconn		*conn;
	int64_t		 hseq[BIDFMT_LANES];
	unsigned char	 hhash[BIDFMT_LANES][BIDFMT_HASH_LEN];
	int		 have[BIDFMT_LANES], l, rc = EXIT_FAIL;

	memset(&ck, 0, sizeof(ck));
	memset(hseq, 0, sizeof(hseq));
	conn = PQconnectdb(o->db);
	if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
		errmsg("chain-check: cannot connect: %s", pg_err(conn));
		PQfinish(conn);
		return (EXIT_FAIL);
	}
	if (PQsetClientEncoding(conn, "UTF8") != 0) {
		errmsg("chain-check: cannot set the client encoding");
		goto done;
	}
	/* One snapshot for every pass: a consistent view while bids go on. */
	if (pg_cmd(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
	    == -1 || pg_cmd(conn, "SET LOCAL statement_timeout = 0") == -1)
		goto done;
	if (chain_heads(conn, &ck, hseq, hhash, have) == -1 ||
	    chain_lanes(conn, &ck) == -1 || chain_bids(conn, &ck) == -1)
		goto done;
	for (l = 0; l < BIDFMT_LANES; l++) {
		if (!have[l]) {
			problem(&ck, l, NO_ID, NO_ID, "no chain_head row");
			continue;
		}
		if (hseq[l] != ck.lanes[l].last_seq)
			problem(&ck, l, NO_ID, NO_ID, "chain_head seq is %"
			    PRId64 ", the last entry's seq %" PRId64, hseq[l],
			    ck.lanes[l].last_seq);
		if (memcmp(hhash[l], ck.lanes[l].last_hash,
		    BIDFMT_HASH_LEN) != 0)
			problem(&ck, l, NO_ID, NO_ID, "chain_head hash is not "
			    "the hash of the last entry (seq %" PRId64 ")",
			    ck.lanes[l].last_seq);
	}
	(void)pg_cmd(conn, "COMMIT");
	if (fflush(stdout) == EOF) {
		errmsg("chain-check: cannot write the report");
		goto done;
	}
	if (ck.problems > 0) {
		errmsg("chain-check: %" PRIu64 " problem%s in %" PRIu64
		    " entries, %" PRIu64 " bids", ck.problems,
		    ck.problems == 1 ? "" : "s", ck.entries, ck.bids);
		goto done;
	}
	printf("chain ok: %" PRIu64 " entries in %d lanes, %" PRIu64 " bids\n",
	    ck.entries, BIDFMT_LANES, ck.bids);
	rc = EXIT_OK;

done:
	PQfinish(conn);
	return (rc);
}

/* ------------------------------------------------------------------ */

int
main(int argc, char *argv[])
{
	const struct command	*c;
	struct opts		 o;
	int			 rc;

	if (argc < 2)
		return (usage(stderr, EXIT_USAGE));
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0)
		return (usage(stdout, EXIT_OK));
	for (c = commands; c->name != NULL; c++) {
		if (strcmp(c->name, argv[1]) == 0)
			break;
	}
	if (c->name == NULL) {
		errmsg("unknown command '%s' (g2b --help lists them)", argv[1]);
		return (EXIT_USAGE);
	}
	if (argc == 3 && (strcmp(argv[2], "--help") == 0 ||
	    strcmp(argv[2], "-h") == 0))
		return (usage(stdout, EXIT_OK));
	if (opts_parse(argc - 2, argv + 2, c, &o) == -1)
		return (EXIT_USAGE);
	/* A closed pipe or socket is an error to report, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		errmsg("cannot initialise libcurl");
		return (EXIT_FAIL);
	}
	rc = c->fn(&o);
	curl_global_cleanup();
	if (fflush(stdout) == EOF && rc == EXIT_OK) {
		errmsg("cannot write to stdout: %s", strerror(errno));
		rc = EXIT_FAIL;
	}
	return (rc);
}
