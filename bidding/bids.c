/*
 * bids: supplier certificates, the bid form, sealed signed bids, receipts
 * and withdrawal (전자입찰). The browser (portal/static/bid.js) and the
 * command-line client (bidding/cli/g2b.c) build the same bid; formats in
 * bidfmt.h. The server checks the certificate chain, revocation and
 * signature here, then one database function (bidding.bid_submit) checks
 * the window by the database clock, eligibility and sanctions, stores the
 * bid and appends it to the hash chain in one transaction. The receipt is
 * signed with the portal's receipt key, which anyone can check offline.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "bidfmt.h"
#include "bids.h"
#include "bidsql.h"
#include "ca.h"
#include "seal.h"
#include "validate.h"

int	page_api_csrf(struct http_request *);
int	page_certificate(struct http_request *);
int	page_certificate_pem(struct http_request *);
int	page_receipt_key(struct http_request *);
int	page_ca_certificate(struct http_request *);
int	page_bidinfo(struct http_request *);
int	page_bid(struct http_request *);
int	page_bid_withdraw(struct http_request *);
int	page_bids(struct http_request *);
int	page_receipt(struct http_request *);

static int	csrf_get(struct g2b_ctx *);
static int	cert_get(struct g2b_ctx *);
static int	cert_list_loaded(struct g2b_ctx *);
static int	cert_post(struct g2b_ctx *);
static int	cert_subject_loaded(struct g2b_ctx *);
static int	cert_stored(struct g2b_ctx *);
static int	certpem_get(struct g2b_ctx *);
static int	certpem_loaded(struct g2b_ctx *);
static int	rkey_get(struct g2b_ctx *);
static int	cacert_get(struct g2b_ctx *);
static int	bidinfo_get(struct g2b_ctx *);
static int	bidinfo_loaded(struct g2b_ctx *);
static int	bidform_get(struct g2b_ctx *);
static int	bidform_loaded(struct g2b_ctx *);
static int	bidform_certs(struct g2b_ctx *);
static int	bid_post(struct g2b_ctx *);
static int	bid_cert_loaded(struct g2b_ctx *);
static int	bid_verify_submit(struct g2b_ctx *);
static int	bid_submitted(struct g2b_ctx *);
static int	withdraw_post(struct g2b_ctx *);
static int	withdraw_done(struct g2b_ctx *);
static int	mybids_get(struct g2b_ctx *);
static int	mybids_loaded(struct g2b_ctx *);
static int	receipt_get(struct g2b_ctx *);
static int	receipt_loaded(struct g2b_ctx *);

static struct g2b_batch_kind	bid_batch;

static const struct g2b_route route_csrf =
    { "api_csrf", ROLE_ANY, 0, csrf_get, NULL };
static const struct g2b_route route_cert =
    { "certificate", ROLE_SUPPLIER, ROUTE_APPROVED_ORG, cert_get, cert_post };
static const struct g2b_route route_certpem =
    { "certificate_pem", ROLE_SUPPLIER | ROLE_STAFF, 0, certpem_get, NULL };
static const struct g2b_route route_rkey =
    { "receipt_key", ROLE_ANY, 0, rkey_get, NULL };
static const struct g2b_route route_cacert =
    { "ca_certificate", ROLE_ANY, 0, cacert_get, NULL };
static const struct g2b_route route_bidinfo =
    { "bidinfo", ROLE_ANY, 0, bidinfo_get, NULL };
/*
 * A bid checks its session in its own transaction (ROUTE_POST_SESSION,
 * bidding.bid_submit_session): one round trip a bid in a deadline rush.
 */
static const struct g2b_route route_bid =
    { "bid", ROLE_SUPPLIER, ROUTE_APPROVED_ORG | ROUTE_POST_SESSION,
      bidform_get, bid_post };
static const struct g2b_route route_withdraw =
    { "bid_withdraw", ROLE_SUPPLIER, ROUTE_APPROVED_ORG, NULL,
      withdraw_post };
static const struct g2b_route route_bids =
    { "bids", ROLE_SUPPLIER, 0, mybids_get, NULL };
static const struct g2b_route route_receipt =
    { "receipt", ROLE_SUPPLIER | ROLE_STAFF, 0, receipt_get, NULL };

/*
 * Certificates a user may obtain per day: enough for a lost key file or a
 * new device, not for filling the certificate table (005_cert_limit.sql
 * has the same figure).
 */
#define CERT_PER_DAY_SQL	"5"
#define CERT_DAYS	365
#define SPKI_MAX	1024
#define ENVELOPE_MAX	4096	/* a sealed bid is ~450 bytes */
#define CERT_PEM_MAX	4096	/* a supplier certificate is ~900 bytes */

/* The portal's keys, loaded in the parent before the workers fork. */
static struct {
	struct ca	*ca;
	char		*ca_cert_pem;
	EVP_PKEY	*receipt_key;
	char		*receipt_pub_pem;
} auth;

/* ------------------------------------------------------------ keys */

static char *
slurp_file(const char *path)
{
	FILE	*fp;
	char	*buf;
	long	 len;

	if ((fp = fopen(path, "r")) == NULL)
		return (NULL);
	if (fseek(fp, 0, SEEK_END) == -1 || (len = ftell(fp)) < 0 ||
	    len > SEAL_PEM_MAX * 2 || fseek(fp, 0, SEEK_SET) == -1) {
		fclose(fp);
		return (NULL);
	}
	buf = kore_calloc(1, (size_t)len + 1);
	if (fread(buf, 1, (size_t)len, fp) != (size_t)len) {
		fclose(fp);
		kore_free(buf);
		return (NULL);
	}
	fclose(fp);
	return (buf);
}

/*
 * Write data to path only if path does not exist yet: a temporary file
 * then link(2), so two servers starting at once agree on one key.
 */
static void
write_once(const char *path, const char *data)
{
	char	tmp[1200];
	int	fd;
	size_t	len = strlen(data);

	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		fatal("%s: %s", tmp, errno_s);
	if (write(fd, data, len) != (ssize_t)len || fsync(fd) == -1)
		fatal("%s: %s", tmp, errno_s);
	close(fd);
	if (link(tmp, path) == -1 && errno != EEXIST)
		fatal("%s: %s", path, errno_s);
	unlink(tmp);
}

static char *
ca_passphrase(const char *dir)
{
	const char	*v;
	char		 path[1100], *p;
	unsigned char	 rnd[24];
	char		 hex[64];
	size_t		 i;

	if ((v = getenv("G2B_CA_PASSPHRASE")) != NULL && *v != '\0') {
		/* Keep it out of the workers' environment. */
		p = kore_strdup(v);
		OPENSSL_cleanse((char *)v, strlen(v));
		unsetenv("G2B_CA_PASSPHRASE");
		return (p);
	}
	if ((v = getenv("G2B_CA_PASSPHRASE_FILE")) != NULL && *v != '\0')
		kore_strlcpy(path, v, sizeof(path));
	else
		snprintf(path, sizeof(path), "%s/passphrase", dir);
	if (access(path, F_OK) == -1) {
		if (RAND_bytes(rnd, sizeof(rnd)) != 1)
			fatal("RAND_bytes");
		for (i = 0; i < sizeof(rnd); i++)
			snprintf(hex + i * 2, 3, "%02x", rnd[i]);
		write_once(path, hex);
		OPENSSL_cleanse(hex, sizeof(hex));
		OPENSSL_cleanse(rnd, sizeof(rnd));
	}
	if ((p = slurp_file(path)) == NULL)
		fatal("%s: cannot read the CA passphrase", path);
	p[strcspn(p, "\r\n")] = '\0';
	return (p);
}

void
bids_init(const char *root)
{
	const char	*v;
	char		 dir[1024], path[1100], *pass, *pem, *key;
	char		*cert = NULL, *enc = NULL, *both;
	EVP_PKEY	*rk;
	BIO		*bio;
	size_t		 len;

	if ((v = getenv("G2B_CA_DIR")) != NULL && *v != '\0')
		kore_strlcpy(dir, v, sizeof(dir));
	else
		snprintf(dir, sizeof(dir), "%s/var/ca", root);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		fatal("%s: %s", dir, errno_s);
	pass = ca_passphrase(dir);

	/* ca.pem: the CA certificate followed by its encrypted key. */
	snprintf(path, sizeof(path), "%s/ca.pem", dir);
	if (access(path, F_OK) == -1) {
		if (ca_create(pass, "G2B Portal CA", 3650, &cert, &enc) == -1)
			fatal("cannot create the CA");
		len = strlen(cert) + strlen(enc) + 1;
		both = kore_malloc(len);
		snprintf(both, len, "%s%s", cert, enc);
		write_once(path, both);
		kore_free(both);
		free(cert);
		free(enc);
	}
	if ((pem = slurp_file(path)) == NULL ||
	    (key = strstr(pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----")) == NULL)
		fatal("%s: not a CA file", path);
	auth.ca_cert_pem = kore_strdup(pem);
	auth.ca_cert_pem[key - pem] = '\0';
	if (ca_load(auth.ca_cert_pem, key, pass, &auth.ca) == -1)
		fatal("%s: cannot load the CA (wrong passphrase?)", path);
	kore_free(pem);

	/* receipt.pem: the receipt signing key (P-256), encrypted. */
	snprintf(path, sizeof(path), "%s/receipt.pem", dir);
	if (access(path, F_OK) == -1) {
		if ((rk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL ||
		    seal_key_protect(rk, pass, &enc) == -1)
			fatal("cannot create the receipt key");
		EVP_PKEY_free(rk);
		write_once(path, enc);
		free(enc);
	}
	if ((pem = slurp_file(path)) == NULL ||
	    seal_key_recover(pem, pass, &auth.receipt_key) == -1 ||
	    EVP_PKEY_get_base_id(auth.receipt_key) != EVP_PKEY_EC)
		fatal("%s: cannot load the receipt key", path);
	kore_free(pem);
	OPENSSL_cleanse(pass, strlen(pass));
	kore_free(pass);

	if ((v = getenv("G2B_BID_BATCH")) != NULL && *v != '\0')
		bid_batch.max = (int)strtol(v, NULL, 10);
	if (bid_batch.max > 64)
		bid_batch.max = 64;
	if ((v = getenv("G2B_BID_INFLIGHT")) != NULL && *v != '\0')
		bid_batch.inflight_max = (int)strtol(v, NULL, 10);
	if (bid_batch.inflight_max < 0)
		bid_batch.inflight_max = 0;

	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PUBKEY(bio, auth.receipt_key) != 1 ||
	    seal_bio_to_str(bio, &auth.receipt_pub_pem) == -1)
		fatal("receipt public key");
	BIO_free(bio);
}

/* ------------------------------------------------------------ helpers */

/* {"error":code,"message":text in the user's language}. */
static int
bid_error(struct g2b_ctx *ctx, int status, const char *code)
{
	struct strbuf	 b;
	char		 key[64];
	const char	*msg;

	snprintf(key, sizeof(key), "bid.err.%s", code);
	msg = g2b_msg(ctx, key);
	strbuf_init(&b);
	strbuf_appendstr(&b, "{\"error\":\"");
	strbuf_append_json(&b, code, strlen(code));
	strbuf_appendstr(&b, "\",\"message\":\"");
	strbuf_append_json(&b, msg, strlen(msg));
	strbuf_appendstr(&b, "\"}\n");
	g2b_json(ctx, status, &b);
	strbuf_cleanup(&b);
	return (STEP_DONE);
}

static void
json_str(struct strbuf *b, const char *name, const char *val, int comma)
{
	strbuf_appendf(b, "%s\"%s\":\"", comma ? "," : "", name);
	strbuf_append_json(b, val, strlen(val));
	strbuf_appendstr(b, "\"");
}

/* A UTF-8 string cut to at most max characters (for certificate names). */
static void
utf8_cut(char *s, size_t max)
{
	size_t	i, n = 0;

	for (i = 0; s[i] != '\0'; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && n++ == max) {
			s[i] = '\0';
			return;
		}
	}
}

/* Sign a receipt with the portal's receipt key: DER, base64 into *b64. */
int
receipt_sign(const char *text, size_t len, unsigned char **der,
    size_t *derlen)
{
	EVP_MD_CTX	*md;
	int		 rc = -1;

	*der = NULL;
	*derlen = 0;
	if ((md = EVP_MD_CTX_new()) == NULL)
		return (-1);
	if (EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL,
	    auth.receipt_key) == 1 &&
	    EVP_DigestSign(md, NULL, derlen, (const unsigned char *)text,
	    len) == 1) {
		*der = kore_malloc(*derlen);
		if (EVP_DigestSign(md, *der, derlen,
		    (const unsigned char *)text, len) == 1)
			rc = 0;
	}
	EVP_MD_CTX_free(md);
	if (rc == -1) {
		kore_free(*der);
		*der = NULL;
	}
	return (rc);
}

/* The receipt text of a stored bid from the columns given. */
int
receipt_text(const char *no, const char *notice_no, const char *ord,
    const char *bizno, const char *hash_hex, const char *received,
    char *out, size_t outsz, size_t *len)
{
	struct bidfmt_receipt	r;

	memset(&r, 0, sizeof(r));
	if (kore_strlcpy(r.receipt_no, no, sizeof(r.receipt_no)) >=
	    sizeof(r.receipt_no) ||
	    kore_strlcpy(r.notice_no, notice_no, sizeof(r.notice_no)) >=
	    sizeof(r.notice_no) ||
	    kore_strlcpy(r.bizno, bizno, sizeof(r.bizno)) >= sizeof(r.bizno) ||
	    kore_strlcpy(r.bid_sha256, hash_hex, sizeof(r.bid_sha256)) >=
	    sizeof(r.bid_sha256) ||
	    kore_strlcpy(r.received, received, sizeof(r.received)) >=
	    sizeof(r.received))
		return (-1);
	r.order = atoi(ord);
	return (bidfmt_receipt_build(&r, out, outsz, len));
}

/* --------------------------------------------------------------- csrf */

int
page_api_csrf(struct http_request *req)
{
	return (g2b_run(req, &route_csrf));
}

static int
csrf_get(struct g2b_ctx *ctx)
{
	struct strbuf	b;

	strbuf_init(&b);
	strbuf_appendstr(&b, "{");
	json_str(&b, "csrf", ctx->csrf, 0);
	strbuf_appendstr(&b, "}\n");
	g2b_json(ctx, 200, &b);
	strbuf_cleanup(&b);
	return (STEP_DONE);
}

/* -------------------------------------------------------- certificates */

int
page_certificate(struct http_request *req)
{
	return (g2b_run(req, &route_cert));
}

static int
cert_get(struct g2b_ctx *ctx)
{
	const char	*vals[1] = { ctx->user.id };

	return (g2b_query(ctx, cert_list_loaded,
	    "SELECT c.id, c.serial, " SEOUL("c.issued_at") ", "
	    SEOUL_DAY("c.not_after") ", " CERT_STATE_SQL ", "
	    "coalesce(c.revoke_reason, '') FROM bidding.cert c "
	    "WHERE c.user_id = $1 ORDER BY c.issued_at DESC LIMIT 50", 1, vals));
}

static int
cert_list_loaded(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*row;
	int			 i;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	for (i = 0; i < g2b_rows(ctx); i++) {
		row = tmpl_row(ctx->vars, "certs");
		tmpl_set(row, "id", g2b_val(ctx, i, 0));
		tmpl_set(row, "serial", g2b_val(ctx, i, 1));
		tmpl_set(row, "issued", g2b_val(ctx, i, 2));
		tmpl_set(row, "not_after", g2b_val(ctx, i, 3));
		tmpl_set(row, "state", g2b_val(ctx, i, 4));
		g2b_label(ctx, row, "state_label", "cert.state",
		    g2b_val(ctx, i, 4));
		tmpl_set(row, "reason", g2b_val(ctx, i, 5));
	}
	if (g2b_rows(ctx) == 0)
		tmpl_set(ctx->vars, "no_certs", "1");
	return (g2b_render(ctx, 200, "certificate", "cert.title"));
}

static int
cert_post(struct g2b_ctx *ctx)
{
	const char	*spki = g2b_post(ctx, "spki");
	const char	*vals[1] = { ctx->user.id };

	if (spki == NULL || strlen(spki) > SPKI_MAX ||
	    strncmp(spki, "-----BEGIN PUBLIC KEY-----", 26) != 0)
		return (bid_error(ctx, 400, "spki"));
	g2b_keep(ctx, 0, spki);
	return (g2b_query(ctx, cert_subject_loaded,
	    "SELECT o.name, o.bizno, u.name, u.login, (SELECT count(*) FROM "
	    "bidding.cert c WHERE c.user_id = u.id AND c.issued_at > now() - "
	    "interval '1 day') >= " CERT_PER_DAY_SQL " FROM portal.users u "
	    "JOIN portal.org o ON o.id = u.org_id WHERE u.id = $1", 1, vals));
}

static int
cert_time(const ASN1_TIME *t, char *out, size_t len)
{
	struct tm	tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return (-1);
	return (strftime(out, len, "%Y-%m-%d %H:%M:%S+00", &tm) == 0 ?
	    -1 : 0);
}

static int
cert_subject_loaded(struct g2b_ctx *ctx)
{
	struct ca_subject	 subj;
	char			 company[256], person[256], serial[CA_SERIAL_HEX_MAX + 1];
	char			 nb[40], na[40], *pem = NULL;
	const char		*vals[6];
	X509			*x = NULL;
	BIO			*bio;

	if (ctx->db_error)
		return (bid_error(ctx, 503, "unavailable"));
	if (g2b_rows(ctx) != 1)
		return (bid_error(ctx, 403, "not_supplier"));
	/* Checked again where the certificate is stored (races). */
	if (!strcmp(g2b_val(ctx, 0, 4), "t"))
		return (bid_error(ctx, 429, "cert_too_many"));
	kore_strlcpy(company, g2b_val(ctx, 0, 0), sizeof(company));
	kore_strlcpy(person, g2b_val(ctx, 0, 2), sizeof(person));
	utf8_cut(company, CA_NAME_MAX);
	utf8_cut(person, CA_NAME_MAX);
	subj.company = company;
	subj.bizno = g2b_val(ctx, 0, 1);
	subj.person = person;
	subj.login = g2b_val(ctx, 0, 3);
	if (ca_issue(auth.ca, ctx->s[0], &subj, CERT_DAYS, &pem, serial) == -1)
		return (bid_error(ctx, 400, "spki"));
	if ((bio = seal_pem_bio(pem)) == NULL ||
	    (x = PEM_read_bio_X509(bio, NULL, seal_no_pass_cb, NULL)) == NULL ||
	    cert_time(X509_get0_notBefore(x), nb, sizeof(nb)) == -1 ||
	    cert_time(X509_get0_notAfter(x), na, sizeof(na)) == -1) {
		BIO_free(bio);
		X509_free(x);
		free(pem);
		return (bid_error(ctx, 500, "failed"));
	}
	BIO_free(bio);
	X509_free(x);
	g2b_keep(ctx, 1, pem);
	g2b_keep(ctx, 2, serial);
	g2b_keep(ctx, 3, na);
	free(pem);
	vals[0] = ctx->user.id;
	vals[1] = ctx->s[2];
	vals[2] = ctx->s[1];
	vals[3] = nb;
	vals[4] = na;
	vals[5] = ctx->ip;
	return (g2b_query(ctx, cert_stored,
	    "SELECT status, cert_id FROM bidding.cert_store($1, $2, $3, $4, "
	    "$5, $6)", 6, vals));
}

static int
cert_stored(struct g2b_ctx *ctx)
{
	struct strbuf	b;

	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (bid_error(ctx, 503, "unavailable"));
	if (!strcmp(g2b_val(ctx, 0, 0), "too_many"))
		return (bid_error(ctx, 429, "cert_too_many"));
	if (strcmp(g2b_val(ctx, 0, 0), "ok") != 0)
		return (bid_error(ctx, 403, "not_supplier"));
	strbuf_init(&b);
	strbuf_appendf(&b, "{\"id\":%s", g2b_val(ctx, 0, 1));
	json_str(&b, "serial", ctx->s[2], 1);
	json_str(&b, "certificate", ctx->s[1], 1);
	json_str(&b, "not_after", ctx->s[3], 1);
	strbuf_appendstr(&b, "}\n");
	g2b_json(ctx, 200, &b);
	strbuf_cleanup(&b);
	return (STEP_DONE);
}

int
page_certificate_pem(struct http_request *req)
{
	return (g2b_run(req, &route_certpem));
}

static int
certpem_get(struct g2b_ctx *ctx)
{
	char		 id[24];
	const char	*vals[3];

	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (g2b_error(ctx, 404));
	vals[0] = id;
	vals[1] = ctx->user.id;
	vals[2] = ctx->user.role == ROLE_STAFF ? "t" : "f";
	return (g2b_query(ctx, certpem_loaded,
	    "SELECT cert_pem, serial FROM bidding.cert WHERE id = $1 AND "
	    "(user_id = $2 OR $3::boolean)", 3, vals));
}

static int
certpem_loaded(struct g2b_ctx *ctx)
{
	char	disp[128];

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	if (g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 404));
	snprintf(disp, sizeof(disp), "attachment; filename=\"g2b-%s.pem\"",
	    g2b_val(ctx, 0, 1));
	http_response_header(ctx->req, "content-disposition", disp);
	return (g2b_send(ctx, 200, "application/x-pem-file",
	    g2b_val(ctx, 0, 0), strlen(g2b_val(ctx, 0, 0))));
}

int
page_receipt_key(struct http_request *req)
{
	return (g2b_run(req, &route_rkey));
}

static int
rkey_get(struct g2b_ctx *ctx)
{
	http_response_header(ctx->req, "content-disposition",
	    "inline; filename=\"receipt-key.pem\"");
	return (g2b_send(ctx, 200, "application/x-pem-file",
	    auth.receipt_pub_pem, strlen(auth.receipt_pub_pem)));
}

/*
 * The portal CA's certificate (public): the trust anchor for supplier
 * certificates and for the portal's signed e-documents.
 */
int
page_ca_certificate(struct http_request *req)
{
	return (g2b_run(req, &route_cacert));
}

static int
cacert_get(struct g2b_ctx *ctx)
{
	http_response_header(ctx->req, "content-disposition",
	    "inline; filename=\"g2b-ca.pem\"");
	return (g2b_send(ctx, 200, "application/x-pem-file",
	    auth.ca_cert_pem, strlen(auth.ca_cert_pem)));
}

/* ------------------------------------------------------------- bidinfo */

int
page_bidinfo(struct http_request *req)
{
	return (g2b_run(req, &route_bidinfo));
}

static int
bidinfo_get(struct g2b_ctx *ctx)
{
	char		 id[24];
	const char	*vals[1];

	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (g2b_json_error(ctx, 404, "not_found"));
	vals[0] = id;
	return (g2b_query(ctx, bidinfo_loaded,
	    "SELECT c.id, c.notice_no, c.cur_ord, k.public_pem, "
	    ISO("c.bid_start") ", " ISO("c.bid_close") ", " PHASE_SQL " "
	    "FROM bidding.notice_current c JOIN bidding.opening_key k "
	    "ON k.notice_id = c.id WHERE c.id = $1", 1, vals));
}

static int
bidinfo_loaded(struct g2b_ctx *ctx)
{
	struct strbuf	b;

	if (ctx->db_error)
		return (g2b_json_error(ctx, 503, "unavailable"));
	if (g2b_rows(ctx) != 1)
		return (g2b_json_error(ctx, 404, "not_found"));
	strbuf_init(&b);
	strbuf_appendf(&b, "{\"notice_id\":%s", g2b_val(ctx, 0, 0));
	json_str(&b, "notice_no", g2b_val(ctx, 0, 1), 1);
	strbuf_appendf(&b, ",\"order\":%s", g2b_val(ctx, 0, 2));
	json_str(&b, "public_key", g2b_val(ctx, 0, 3), 1);
	json_str(&b, "bid_start", g2b_val(ctx, 0, 4), 1);
	json_str(&b, "bid_close", g2b_val(ctx, 0, 5), 1);
	json_str(&b, "phase", g2b_val(ctx, 0, 6), 1);
	strbuf_appendstr(&b, "}\n");
	g2b_json(ctx, 200, &b);
	strbuf_cleanup(&b);
	return (STEP_DONE);
}

/* ------------------------------------------------------------ bid form */

int
page_bid(struct http_request *req)
{
	return (g2b_run(req, &route_bid));
}

static int
bidform_get(struct g2b_ctx *ctx)
{
	char		 id[24];
	const char	*vals[2];

	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (g2b_error(ctx, 404));
	g2b_keep(ctx, 0, id);
	vals[0] = id;
	vals[1] = ctx->user.org_id;
	return (g2b_query(ctx, bidform_loaded,
	    "SELECT c.id, c.notice_no, c.cur_ord, c.title, k.public_pem, "
	    SEOUL("c.bid_close") ", " PHASE_SQL ", "
	    "o.bizno, (SELECT b.id FROM bidding.bid b WHERE b.notice_id = c.id "
	    "AND b.org_id = $2 AND b.status = 'live'), c.base_amount, "
	    "c.contract_method = 'nominated' AND NOT EXISTS (SELECT 1 FROM "
	    "bidding.notice_nominee m WHERE m.notice_id = c.id AND "
	    "m.ord = c.cur_ord AND m.org_id = $2) "
	    "FROM bidding.notice_current c JOIN bidding.opening_key k "
	    "ON k.notice_id = c.id JOIN portal.org o ON o.id = $2 "
	    "WHERE c.id = $1", 2, vals));
}

static int
bidform_loaded(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*v = ctx->vars;
	const char		*vals[1];
	char			 biz[16];
	int			 i;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	if (g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 404));
	tmpl_set(v, "n_id", g2b_val(ctx, 0, 0));
	tmpl_set(v, "n_no", g2b_val(ctx, 0, 1));
	tmpl_set(v, "n_ord", g2b_val(ctx, 0, 2));
	tmpl_setf(v, "n_ord2", "%02d", atoi(g2b_val(ctx, 0, 2)));
	tmpl_set(v, "n_title", g2b_val(ctx, 0, 3));
	tmpl_set(v, "pubkey", g2b_val(ctx, 0, 4));
	tmpl_set(v, "n_close", g2b_val(ctx, 0, 5));
	tmpl_set(v, "bizno", g2b_val(ctx, 0, 7));
	bizno_format(g2b_val(ctx, 0, 7), biz);
	tmpl_set(v, "bizno_fmt", biz);
	if (strcmp(g2b_val(ctx, 0, 6), "open") != 0) {
		tmpl_set(v, "not_open", "1");
		g2b_label(ctx, v, "phase_label", "phase", g2b_val(ctx, 0, 6));
	}
	if (!g2b_isnull(ctx, 0, 8))
		tmpl_set(v, "has_live", g2b_val(ctx, 0, 8));
	/* A nominated competition takes its nominees' bids only. */
	if (!strcmp(g2b_val(ctx, 0, 10), "t"))
		tmpl_set(v, "not_nominated", "1");
	for (i = 1; i <= 15; i++)
		tmpl_setf(tmpl_row(v, "picks"), "n", "%d", i);
	vals[0] = ctx->user.id;
	return (g2b_query(ctx, bidform_certs,
	    "SELECT serial, to_char(not_after AT TIME ZONE 'Asia/Seoul', "
	    "'YYYY-MM-DD'), cert_pem FROM bidding.cert WHERE user_id = $1 AND "
	    "revoked_at IS NULL AND now() BETWEEN not_before AND not_after "
	    "ORDER BY issued_at DESC", 1, vals));
}

static int
bidform_certs(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*row;
	int			 i;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	for (i = 0; i < g2b_rows(ctx); i++) {
		row = tmpl_row(ctx->vars, "certs");
		tmpl_set(row, "serial", g2b_val(ctx, i, 0));
		tmpl_set(row, "not_after", g2b_val(ctx, i, 1));
		tmpl_set(row, "pem", g2b_val(ctx, i, 2));
	}
	if (g2b_rows(ctx) == 0)
		tmpl_set(ctx->vars, "no_cert", "1");
	return (g2b_render(ctx, 200, "bid_form", "bid.title"));
}

/* ------------------------------------------------------------- submit */

struct bid_post_data {
	struct bidfmt_bid	 bid;
	unsigned char		*sig;
	size_t			 siglen;
	char			 hash_hex[BIDFMT_HEX_LEN + 1];
	int			 retried;
};

static void
bid_post_free(void *arg)
{
	struct bid_post_data	*d = arg;

	free(d->sig);
	kore_free(d);
}

static int
bid_post(struct g2b_ctx *ctx)
{
	struct bid_post_data	*d;
	const char		*canon, *sealed, *sig, *cert, *vals[2];
	unsigned char		*env = NULL;
	size_t			 envlen;
	char			 id[24], hex[BIDFMT_HEX_LEN + 1], *h;

	canon = g2b_post(ctx, "canonical");
	sealed = g2b_post(ctx, "sealed");
	sig = g2b_post(ctx, "signature");
	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (bid_error(ctx, 404, "not_found"));
	if (canon == NULL || sealed == NULL || sig == NULL)
		return (bid_error(ctx, 400, "incomplete"));
	d = kore_calloc(1, sizeof(*d));
	ctx->ptr = d;
	ctx->ptr_free = bid_post_free;
	if (bidfmt_bid_parse(canon, strlen(canon), &d->bid) == -1 ||
	    d->bid.notice_id != strtoll(id, NULL, 10))
		return (bid_error(ctx, 400, "canonical"));
	if (strlen(sealed) > ENVELOPE_MAX * 4 / 3 + 4 ||
	    seal_b64_decode(sealed, &env, &envlen) == -1)
		return (bid_error(ctx, 400, "sealed"));
	bidfmt_sha256_hex(env, envlen, hex);
	if (strcmp(hex, d->bid.sealed_sha256) != 0) {
		free(env);
		return (bid_error(ctx, 400, "sealed_hash"));
	}
	if (strlen(sig) > CA_SIG_MAX * 2 ||
	    seal_b64_decode(sig, &d->sig, &d->siglen) == -1 ||
	    d->siglen == 0 || d->siglen > CA_SIG_MAX) {
		free(env);
		return (bid_error(ctx, 400, "signature"));
	}
	bidfmt_sha256_hex(canon, strlen(canon), d->hash_hex);
	g2b_keep(ctx, 0, canon);
	h = bytea_hex(env, envlen);
	g2b_keep(ctx, 1, h);
	free(h);
	free(env);
	g2b_keep(ctx, 2, id);
	/* The signer's certificate travels with the bid, like CMS. */
	if ((cert = g2b_post(ctx, "certificate")) != NULL) {
		if (strlen(cert) > CERT_PEM_MAX)
			return (bid_error(ctx, 400, "cert_unknown"));
		g2b_keep(ctx, 3, cert);
		return (bid_verify_submit(ctx));
	}
	vals[0] = d->bid.cert_serial;
	if (ctx->session_deferred) {
		/* The session is checked again with the bid. */
		vals[1] = ctx->sid_hash_hex;
		return (g2b_query(ctx, bid_cert_loaded,
		    "SELECT k.cert_pem FROM portal.session s JOIN portal.users u "
		    "ON u.id = s.user_id AND u.active LEFT JOIN bidding.cert k "
		    "ON k.user_id = u.id AND k.serial = $1 WHERE s.token_hash = "
		    "$2::bytea AND s.expires_at > now()", 2, vals));
	}
	vals[1] = ctx->user.id;
	return (g2b_query(ctx, bid_cert_loaded,
	    "SELECT cert_pem FROM bidding.cert WHERE serial = $1 AND "
	    "user_id = $2", 2, vals));
}

/* The certificate stored for the serial the bid names (older clients). */
static int
bid_cert_loaded(struct g2b_ctx *ctx)
{
	if (ctx->db_error)
		return (bid_error(ctx, 503, "unavailable"));
	if (ctx->session_deferred && g2b_rows(ctx) == 0)
		return (g2b_error(ctx, 401));
	if (g2b_rows(ctx) != 1 || g2b_isnull(ctx, 0, 0))
		return (bid_error(ctx, 403, "cert_unknown"));
	g2b_keep(ctx, 3, g2b_val(ctx, 0, 0));
	return (bid_verify_submit(ctx));
}

/*
 * A bid with the session check, alone or in a batch (group commit: bids
 * that wait for a database connection together are stored in one
 * transaction; bidding/sql/015_rush_batch.sql). At most two bid
 * transactions a worker run at once; the other connections stay free for
 * everything else, and bids that come meanwhile wait together.
 * G2B_BID_BATCH sets the most bids in one batch (default 16; 0 or 1:
 * none), G2B_BID_INFLIGHT the bid transactions a worker (default 2; 0: as
 * many as it has connections).
 */
static struct g2b_batch_kind bid_batch = {
	"SELECT status, bid_id, receipt_no, received, user_id, org_id, role, "
	"member FROM bidding.bid_submit_batch($1::bytea[], $2::int[], "
	"$3::bigint[], $4::int[], $5::text[], $6::text[], $7::text[], "
	"$8::text[], $9::bytea[], $10::bytea[], $11::bytea[], $12::inet[])",
	"SELECT status, bid_id, receipt_no, received, user_id, org_id, role "
	"FROM bidding.bid_submit_session($1::bytea, make_interval(mins => "
	"$2::int), $3, $4, $5, $6, $7, $8, $9::bytea, $10::bytea, "
	"$11::bytea, $12)",
	12, 16, 2, 0, NULL, NULL
};

/*
 * The certificate (ctx->s[3]) chains to the portal CA and is valid now,
 * and the signature verifies with its key: then one transaction checks the
 * certificate is the caller's and unrevoked, and stores the bid.
 */
static int
bid_verify_submit(struct g2b_ctx *ctx)
{
	struct bid_post_data	*d = ctx->ptr;
	const char		*vals[12];
	EVP_PKEY		*pub;
	char			 ord[16], idle[16], *h;
	char			 hbuf[BIDFMT_HEX_LEN + 3];

	/* The chain check is remembered (ca.h); revocation is the query's. */
	if ((pub = ca_verified_key(auth.ca, ctx->s[3], time(NULL))) == NULL)
		return (bid_error(ctx, 403, "cert_invalid"));
	if (ca_verify_signature_key(pub, (const unsigned char *)ctx->s[0],
	    strlen(ctx->s[0]), d->sig, d->siglen) == -1) {
		EVP_PKEY_free(pub);
		return (bid_error(ctx, 400, "signature"));
	}
	EVP_PKEY_free(pub);
	h = bytea_hex(d->sig, d->siglen);
	g2b_keep(ctx, 4, h);
	free(h);
	snprintf(hbuf, sizeof(hbuf), "\\x%s", d->hash_hex);
	g2b_keep(ctx, 5, hbuf);
	snprintf(ord, sizeof(ord), "%d", d->bid.order);
	if (ctx->session_deferred) {
		snprintf(idle, sizeof(idle), "%d", g2b_conf.idle_minutes);
		vals[0] = ctx->sid_hash_hex;
		vals[1] = idle;
		vals[2] = ctx->s[2];
		vals[3] = ord;
		vals[4] = d->bid.bizno;
		vals[5] = d->bid.cert_serial;
		vals[6] = ctx->s[3];
		vals[7] = ctx->s[0];
		vals[8] = ctx->s[1];
		vals[9] = ctx->s[4];
		vals[10] = ctx->s[5];
		vals[11] = ctx->ip;
		return (g2b_query_batch(ctx, bid_submitted, &bid_batch,
		    vals));
	}
	vals[0] = ctx->user.id;
	vals[1] = ctx->s[2];
	vals[2] = ord;
	vals[3] = d->bid.bizno;
	vals[4] = d->bid.cert_serial;
	vals[5] = ctx->s[3];
	vals[6] = ctx->s[0];
	vals[7] = ctx->s[1];
	vals[8] = ctx->s[4];
	vals[9] = ctx->s[5];
	vals[10] = ctx->ip;
	return (g2b_query(ctx, bid_submitted,
	    "SELECT status, bid_id, receipt_no, received FROM "
	    "bidding.bid_submit($1, $2, $3, $4, $5, $6, $7, $8::bytea, "
	    "$9::bytea, $10::bytea, $11)", 11, vals));
}

static int
bid_submitted(struct g2b_ctx *ctx)
{
	struct bid_post_data	*d = ctx->ptr;
	const char		*st;
	char			 text[BIDFMT_RECEIPT_MAX], ord[16], *b64 = NULL;
	unsigned char		*der = NULL;
	size_t			 len, derlen;
	struct strbuf		 b;

	/*
	 * The same bid posted twice at once (a client that retried), or two
	 * bids of one supplier: both pass the look-ups, and the second insert
	 * waits for the first and then violates a unique index. Asked again,
	 * the database answers duplicate (the first receipt) or live_exists.
	 */
	if (ctx->db_error && !strcmp(ctx->sqlstate, "23505") && !d->retried) {
		d->retried = 1;
		return (bid_verify_submit(ctx));
	}
	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (bid_error(ctx, 503, "unavailable"));
	st = g2b_val(ctx, 0, 0);
	if (ctx->session_deferred) {
		if (!strcmp(st, "no_session"))
			return (g2b_error(ctx, 401));
		/* Who asked, for the usage log. */
		ctx->logged_in = 1;
		kore_strlcpy(ctx->user.id, g2b_val(ctx, 0, 4),
		    sizeof(ctx->user.id));
		kore_strlcpy(ctx->user.org_id, g2b_val(ctx, 0, 5),
		    sizeof(ctx->user.org_id));
		ctx->user.role = g2b_role_bit(g2b_val(ctx, 0, 6));
	}
	if (strcmp(st, "ok") != 0 && strcmp(st, "duplicate") != 0) {
		if (!strcmp(st, "not_found"))
			return (bid_error(ctx, 404, st));
		if (!strcmp(st, "conflict") || !strcmp(st, "live_exists"))
			return (bid_error(ctx, 409, st));
		if (!strcmp(st, "bizno"))
			return (bid_error(ctx, 400, st));
		return (bid_error(ctx, 403, st));
	}
	snprintf(ord, sizeof(ord), "%d", d->bid.order);
	if (receipt_text(g2b_val(ctx, 0, 2), d->bid.notice_no, ord,
	    d->bid.bizno, d->hash_hex, g2b_val(ctx, 0, 3), text, sizeof(text),
	    &len) == -1 || receipt_sign(text, len, &der, &derlen) == -1 ||
	    seal_b64_encode(der, derlen, &b64) == -1) {
		kore_free(der);
		kore_log(LOG_ERR, "receipt for bid %s failed", g2b_val(ctx, 0, 1));
		return (bid_error(ctx, 500, "failed"));
	}
	kore_free(der);
	strbuf_init(&b);
	strbuf_appendf(&b, "{\"bid_id\":%s", g2b_val(ctx, 0, 1));
	json_str(&b, "receipt_no", g2b_val(ctx, 0, 2), 1);
	json_str(&b, "receipt", text, 1);
	json_str(&b, "signature", b64, 1);
	json_str(&b, "bid_sha256", d->hash_hex, 1);
	strbuf_appendf(&b, ",\"duplicate\":%s}\n",
	    strcmp(st, "duplicate") ? "false" : "true");
	free(b64);
	g2b_json(ctx, 200, &b);
	strbuf_cleanup(&b);
	return (STEP_DONE);
}

/* ----------------------------------------------------------- withdraw */

int
page_bid_withdraw(struct http_request *req)
{
	return (g2b_run(req, &route_withdraw));
}

static int
wants_json(struct g2b_ctx *ctx)
{
	const char	*accept = NULL;

	return (http_request_header(ctx->req, "accept", &accept) &&
	    strstr(accept, "application/json") != NULL);
}

static int
withdraw_post(struct g2b_ctx *ctx)
{
	char		 id[24];
	const char	*vals[3];

	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (g2b_error(ctx, 404));
	g2b_keep(ctx, 0, id);
	vals[0] = ctx->user.id;
	vals[1] = id;
	vals[2] = ctx->ip;
	return (g2b_query(ctx, withdraw_done,
	    "SELECT bidding.bid_withdraw($1, $2, $3)", 3, vals));
}

static int
withdraw_done(struct g2b_ctx *ctx)
{
	const char	*st;
	char		 url[64];

	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (wants_json(ctx) ? bid_error(ctx, 503, "unavailable") :
		    g2b_error(ctx, 503));
	st = g2b_val(ctx, 0, 0);
	if (wants_json(ctx)) {
		if (strcmp(st, "ok") != 0)
			return (bid_error(ctx, !strcmp(st, "none") ? 404 : 403,
			    !strcmp(st, "none") ? "no_live_bid" : st));
		return (g2b_send(ctx, 200, "application/json; charset=utf-8",
		    "{\"ok\":true}\n", 12));
	}
	snprintf(url, sizeof(url), "/bids?ok=%s", strcmp(st, "ok") ?
	    "withdraw_refused" : "withdrawn");
	return (g2b_redirect(ctx, url));
}

/* ------------------------------------------------------------- my bids */

int
page_bids(struct http_request *req)
{
	return (g2b_run(req, &route_bids));
}

static int
mybids_get(struct g2b_ctx *ctx)
{
	const char	*vals[1] = { ctx->user.org_id };

	return (g2b_query(ctx, mybids_loaded,
	    "SELECT b.id, n.id, n.notice_no, b.ord, v.title, b.receipt_no, "
	    "to_char(b.received_at AT TIME ZONE 'Asia/Seoul', "
	    "'YYYY-MM-DD HH24:MI:SS'), b.status, "
	    "b.status = 'live' AND now() < v.bid_close, "
	    "CASE WHEN n.outcome = 'failed' THEN '' ELSE "
	    "coalesce(r.rank::text, '') END, coalesce(r.amount::text, '') "
	    "FROM bidding.bid b JOIN bidding.notice n ON n.id = b.notice_id "
	    "JOIN bidding.notice_version v ON v.notice_id = n.id "
	    "AND v.ord = n.cur_ord LEFT JOIN bidding.bid_result r "
	    "ON r.bid_id = b.id WHERE b.org_id = $1 "
	    "ORDER BY b.received_at DESC LIMIT 200", 1, vals));
}

static int
mybids_loaded(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*row;
	int			 i;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	for (i = 0; i < g2b_rows(ctx); i++) {
		row = tmpl_row(ctx->vars, "bids");
		tmpl_set(row, "id", g2b_val(ctx, i, 0));
		tmpl_set(row, "notice_id", g2b_val(ctx, i, 1));
		tmpl_set(row, "no", g2b_val(ctx, i, 2));
		tmpl_setf(row, "ord", "%02d", atoi(g2b_val(ctx, i, 3)));
		tmpl_set(row, "title", g2b_val(ctx, i, 4));
		tmpl_set(row, "receipt", g2b_val(ctx, i, 5));
		tmpl_set(row, "at", g2b_val(ctx, i, 6));
		tmpl_set(row, "state", g2b_val(ctx, i, 7));
		g2b_label(ctx, row, "state_label", "bid.state",
		    g2b_val(ctx, i, 7));
		if (!strcmp(g2b_val(ctx, i, 8), "t"))
			tmpl_set(row, "can_withdraw", "1");
		tmpl_set(row, "rank", g2b_val(ctx, i, 9));
	}
	if (g2b_rows(ctx) == 0)
		tmpl_set(ctx->vars, "empty", "1");
	g2b_flash(ctx);
	return (g2b_render(ctx, 200, "bids", "bids.title"));
}

/* ------------------------------------------------------------- receipt */

int
page_receipt(struct http_request *req)
{
	return (g2b_run(req, &route_receipt));
}

static int
receipt_get(struct g2b_ctx *ctx)
{
	char		 id[24];
	const char	*vals[3];

	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (g2b_error(ctx, 404));
	vals[0] = id;
	vals[1] = ctx->user.org_id[0] != '\0' ? ctx->user.org_id : NULL;
	vals[2] = ctx->user.role == ROLE_STAFF ? "t" : "f";
	return (g2b_query(ctx, receipt_loaded,
	    "SELECT b.receipt_no, n.notice_no, b.ord, o.bizno, "
	    "encode(b.bid_hash, 'hex'), to_char(b.received_at AT TIME ZONE "
	    "'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), b.status, v.title, "
	    "n.id, to_char(b.received_at AT TIME ZONE 'Asia/Seoul', "
	    "'YYYY-MM-DD HH24:MI:SS.US'), o.name "
	    "FROM bidding.bid b JOIN bidding.notice n ON n.id = b.notice_id "
	    "JOIN bidding.notice_version v ON v.notice_id = n.id "
	    "AND v.ord = b.ord JOIN portal.org o ON o.id = b.org_id "
	    "WHERE b.id = $1 AND (b.org_id = $2::bigint OR $3::boolean)",
	    3, vals));
}

static int
receipt_loaded(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*v = ctx->vars;
	char			 text[BIDFMT_RECEIPT_MAX], disp[96], *b64 = NULL;
	unsigned char		*der = NULL;
	size_t			 len, derlen, plen;
	const char		*path = ctx->req->path;
	int			 r;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	if (g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 404));
	if (receipt_text(g2b_val(ctx, 0, 0), g2b_val(ctx, 0, 1),
	    g2b_val(ctx, 0, 2), g2b_val(ctx, 0, 3), g2b_val(ctx, 0, 4),
	    g2b_val(ctx, 0, 5), text, sizeof(text), &len) == -1 ||
	    receipt_sign(text, len, &der, &derlen) == -1)
		return (g2b_error(ctx, 500));
	plen = strlen(path);
	if (plen > 4 && !strcmp(path + plen - 4, ".txt")) {
		snprintf(disp, sizeof(disp), "attachment; filename=\"%s.txt\"",
		    g2b_val(ctx, 0, 0));
		http_response_header(ctx->req, "content-disposition", disp);
		kore_free(der);
		return (g2b_send(ctx, 200, "text/plain; charset=utf-8", text,
		    len));
	}
	if (plen > 4 && !strcmp(path + plen - 4, ".sig")) {
		snprintf(disp, sizeof(disp), "attachment; filename=\"%s.sig\"",
		    g2b_val(ctx, 0, 0));
		http_response_header(ctx->req, "content-disposition", disp);
		r = g2b_send(ctx, 200, "application/octet-stream", der, derlen);
		kore_free(der);
		return (r);
	}
	if (seal_b64_encode(der, derlen, &b64) == -1) {
		kore_free(der);
		return (g2b_error(ctx, 500));
	}
	kore_free(der);
	tmpl_set(v, "b_id", g2b_path_id(ctx, disp, sizeof(disp)) == 0 ?
	    disp : "");
	tmpl_set(v, "receipt_no", g2b_val(ctx, 0, 0));
	tmpl_set(v, "notice_no", g2b_val(ctx, 0, 1));
	tmpl_setf(v, "ord", "%02d", atoi(g2b_val(ctx, 0, 2)));
	bizno_format(g2b_val(ctx, 0, 3), disp);
	tmpl_set(v, "bizno", disp);
	tmpl_set(v, "hash", g2b_val(ctx, 0, 4));
	tmpl_set(v, "state", g2b_val(ctx, 0, 6));
	g2b_label(ctx, v, "state_label", "bid.state", g2b_val(ctx, 0, 6));
	tmpl_set(v, "n_title", g2b_val(ctx, 0, 7));
	tmpl_set(v, "n_id", g2b_val(ctx, 0, 8));
	tmpl_set(v, "received", g2b_val(ctx, 0, 9));
	tmpl_set(v, "company", g2b_val(ctx, 0, 10));
	tmpl_set(v, "receipt_text", text);
	tmpl_set(v, "receipt_sig", b64);
	free(b64);
	return (g2b_render(ctx, 200, "receipt", "receipt.title"));
}
