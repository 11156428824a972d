/*
 * exchange: the standard e-document exchange endpoints (전자문서 교환).
 * Organisations' systems authenticate with API tokens (only their SHA-256
 * is stored), register the certificate they sign documents with (issued
 * by the portal CA for a public key they hold), and post signed XML
 * documents; every document exchanged, with its signed answer, is kept in
 * the document box (전자문서함, exchange.document).
 *
 * Inbound (POST /api/edoc): token and duplicate check in one query that
 * writes nothing for a new document (exchange.inbound_auth); then on a
 * task thread the safe parse, schema validation and signature check
 * (portal/edoc.h) against the sender's registered, valid certificates,
 * the routing decision and the portal-signed answer; then one database
 * function (exchange.inbound_store_in) carries the document out and
 * stores it with its answer, stamping the token, in one transaction.
 *
 * A Tender (bid) from a supplier's system takes the browser's sealed-bid
 * path: after the checks above, the document's fields must agree with the
 * canonical bid text it carries, and the supplier user's certificate and
 * bid signature must verify (bids.h, ca_verify_signature_key; in the
 * task); then exchange.bid_take takes the bid (bidding.bid_submit: window,
 * eligibility, sanctions, revocation) and stores the document's row in
 * the same transaction; then the answer with the signed receipt (bids.h
 * receipt_text, receipt_sign) is put into that row (exchange.answer_put)
 * and only then sent. A crash between the two leaves a row waiting for
 * its answer, never a bid without its document: the same document sent
 * again gets the first receipt and completes the row, and whichever
 * answer is stored first is the one every duplicate gets.
 *
 * Uses portal's public headers, bidding/ca.h, bidding/seal.h (the CA
 * and the receipt key under G2B_CA_DIR), bidding/bids.h and
 * bidding/bidfmt.h. Owns the exchange schema (portal/sql/007_exchange.sql,
 * 008_exchange_bids.sql, 009, 010, 014_exchange_rush.sql).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <libxml/tree.h>

#include "bidfmt.h"
#include "bids.h"
#include "ca.h"
#include "edoc.h"
#include "seal.h"
#include "ubl.h"
#include "web.h"

int	page_edoc_tokens(struct http_request *);
int	page_edoc_certificate(struct http_request *);
int	page_edoc_inbound(struct http_request *);
int	page_edoc_box(struct http_request *);
int	page_edoc_box_file(struct http_request *);
int	page_edoc_out_notice(struct http_request *);
int	page_edoc_out_receipt(struct http_request *);
int	page_edoc_out_award(struct http_request *);
int	page_edoc_out_contract(struct http_request *);

#define EX_CERTS_MAX	8

/* in_bid.verdict: what the browser's checks found wrong. */
#define BID_BAD_CERT	1
#define BID_BAD_SIG	2
#define BID_NOT_X509	3	/* SignerCertificate does not parse */
#define BID_BAD_NAME	4	/* SubmitterName is not its person */

/* ex_auth: how a system authenticates. */
#define EX_AUTH_NONE	0
#define EX_AUTH_TOKEN	1
#define EX_AUTH_CERT	2
#define EX_AUTH_BADCERT	3
#define EX_CODE_MAX	32
#define EX_SPKI_MAX	1024
#define EX_CERT_DAYS	365
#define EX_LABEL_MAX	80
#define EX_ENVELOPE_MAX	4096	/* a sealed bid, as bids.c takes it */
#define EX_CERT_DER_MAX	3000	/* SignerCertificate, as bid.xsd takes it */

/* The columns of out_receipt_sql: the receipt of one bid (접수증). */
enum {
	R_NO, R_NOTICE, R_ORD, R_DATE, R_TIME, R_BIZNO, R_NAME, R_BID,
	R_HASH, R_ISSUED, R_NOTICE_ID, R_RECEIVED, R_NCOLS
};

/* A Tender's bid, as route_bid read it and bid_submit answered it. */
struct in_bid {
	struct bidfmt_bid	 bid;
	char			 canon[BIDFMT_CANON_MAX + 1];
	size_t			 canonlen;
	char			 hash_hex[BIDFMT_HEX_LEN + 1];
	char			 notice[24];	/* bidding.notice id */
	char			 ord[16];
	unsigned char		*sig;
	size_t			 siglen;
	char			*sealed_hex;	/* bytea input */
	char			*cert_pem;
	int			 line_folder;	/* lines for problems */
	int			 line_sig;
	int			 line_cert;
	int			 line_party;
	int			 line_sub;
	char			 submitter[256];	/* SubmitterName */
	int			 deferred;	/* cert read in bid_verify */
	/* The browser's checks, made in the task: 0, or BID_BAD_*. */
	int			 verdict;
	/* The receipt, once bid_submit took the bid. */
	int			 receipted;
	char			*rcols[R_NCOLS];	/* as out_receipt_sql */
	char			*rtext_b64;
	char			*rsig_b64;
};

/* The work of one inbound document, shared with its task. */
struct in_job {
	unsigned char		*body;
	size_t			 len;
	char			*certs[EX_CERTS_MAX];
	size_t			 ncerts;
	int			 agency;	/* the sender is an agency */
	char			 receiver[16];	/* its bizno or agency code */
	int			 status;	/* HTTP status preset, or 0 */

	struct edoc_result	*res;
	char			 custom[EDOC_PROBLEMS_MAX][EX_CODE_MAX];
	const char		*sig;
	const char		*route;
	struct strbuf		 fields;	/* JSON for inbound_store */
	int			 http;
	char			*answer;
	size_t			 answer_len;
	char			 sha_hex[SHA256_DIGEST_LENGTH * 2 + 1];
	int			 ubl;		/* a UBL ContractNotice */
	struct in_bid		 bid;
};

static int	tokens_get(struct g2b_ctx *);
static int	tokens_loaded(struct g2b_ctx *);
static int	tokens_certs_loaded(struct g2b_ctx *);
static int	tokens_post(struct g2b_ctx *);
static int	tokens_created(struct g2b_ctx *);
static int	tokens_changed(struct g2b_ctx *);
static int	cert_post(struct g2b_ctx *);
static int	cert_authed(struct g2b_ctx *);
static int	cert_stored(struct g2b_ctx *);
static int	in_post(struct g2b_ctx *);
static int	in_authed(struct g2b_ctx *);
static int	in_checked(struct g2b_ctx *);
static int	in_stored(struct g2b_ctx *);
static int	in_restored(struct g2b_ctx *);
static int	in_answered(struct g2b_ctx *);
static int	in_send(struct g2b_ctx *);
static int	bid_check(struct g2b_ctx *);
static int	bid_submitted(struct g2b_ctx *);
static int	bid_answered(struct g2b_ctx *);
static int	bid_put(struct g2b_ctx *);
static void	receipt_fill(xmlNodePtr, char *const *, const char *,
		    const char *, char *, size_t);
static int	receipt_signed(const char *, const char *, const char *,
		    const char *, const char *, const char *, char **, char **);
static int	box_get(struct g2b_ctx *);
static int	box_loaded(struct g2b_ctx *);
static int	boxfile_get(struct g2b_ctx *);
static int	boxfile_loaded(struct g2b_ctx *);
static int	out_get(struct g2b_ctx *);
static int	out_authed(struct g2b_ctx *);
static int	out_loaded(struct g2b_ctx *);
static int	out_built(struct g2b_ctx *);
static int	out_stored(struct g2b_ctx *);

static const struct g2b_route route_tokens =
    { "edoc_tokens", ROLE_SUPPLIER | ROLE_AGENCY | ROLE_OFFICER,
      ROUTE_APPROVED_ORG, tokens_get, tokens_post };
static const struct g2b_route route_certificate =
    { "edoc_certificate", ROLE_ANY, ROUTE_NO_CSRF, NULL, cert_post };
static const struct g2b_route route_inbound =
    { "edoc_inbound", ROLE_ANY, ROUTE_NO_CSRF | ROUTE_RAW_BODY, NULL,
      in_post };
static const struct g2b_route route_box =
    { "edoc_box", ROLE_SUPPLIER | ROLE_AGENCY | ROLE_OFFICER, 0, box_get,
      NULL };
static const struct g2b_route route_out_notice =
    { "edoc_out_notice", ROLE_ANY, ROUTE_NO_CSRF, out_get, NULL };
static const struct g2b_route route_out_receipt =
    { "edoc_out_receipt", ROLE_ANY, ROUTE_NO_CSRF, out_get, NULL };
static const struct g2b_route route_out_award =
    { "edoc_out_award", ROLE_ANY, ROUTE_NO_CSRF, out_get, NULL };
static const struct g2b_route route_out_contract =
    { "edoc_out_contract", ROLE_ANY, ROUTE_NO_CSRF, out_get, NULL };
static const struct g2b_route route_boxfile =
    { "edoc_box_file", ROLE_SUPPLIER | ROLE_AGENCY | ROLE_OFFICER, 0,
      boxfile_get, NULL };

/*
 * The portal's keys as this process sees them: the CA (to issue and check
 * system certificates) and the receipt key with a certificate the CA
 * issued for it (to sign answers and outbound documents). Loaded once per
 * worker on first use from G2B_CA_DIR (bids_init made them in the parent).
 */
static struct {
	int		 tried;
	struct ca	*ca;
	char		*ca_cert_pem;
	char		*key_pem;
	char		*cert_pem;
} ex;

/* edoc keeps one error collector per process: one document at a time. */
static pthread_mutex_t	ex_edoc_lock = PTHREAD_MUTEX_INITIALIZER;

/* ------------------------------------------------------------ keys */

static char *
ex_slurp(const char *path)
{
	FILE	*fp;
	char	*buf;
	long	 len;

	if ((fp = fopen(path, "r")) == NULL)
		return (NULL);
	if (fseek(fp, 0, SEEK_END) == -1 || (len = ftell(fp)) < 0 ||
	    len > 64 * 1024 || fseek(fp, 0, SEEK_SET) == -1) {
		fclose(fp);
		return (NULL);
	}
	if ((buf = calloc(1, (size_t)len + 1)) == NULL ||
	    fread(buf, 1, (size_t)len, fp) != (size_t)len) {
		fclose(fp);
		free(buf);
		return (NULL);
	}
	fclose(fp);
	return (buf);
}

static int
ex_keys(void)
{
	const char		*v;
	char			 dir[1024], path[1100], *pass = NULL, *pem = NULL;
	char			*key, *spki = NULL, serial[CA_SERIAL_HEX_MAX + 1];
	EVP_PKEY		*rk = NULL;
	BIO			*bio = NULL;
	struct ca_subject	 subj;

	if (ex.tried)
		return (ex.cert_pem != NULL ? 0 : -1);
	ex.tried = 1;

	if ((v = getenv("G2B_CA_DIR")) != NULL && *v != '\0')
		kore_strlcpy(dir, v, sizeof(dir));
	else
		snprintf(dir, sizeof(dir), "%s/var/ca", g2b_conf.root);
	if ((v = getenv("G2B_CA_PASSPHRASE_FILE")) != NULL && *v != '\0')
		kore_strlcpy(path, v, sizeof(path));
	else
		snprintf(path, sizeof(path), "%s/passphrase", dir);
	if ((pass = ex_slurp(path)) == NULL) {
		kore_log(LOG_ERR, "exchange: %s: cannot read the CA passphrase",
		    path);
		goto fail;
	}
	pass[strcspn(pass, "\r\n")] = '\0';

	snprintf(path, sizeof(path), "%s/ca.pem", dir);
	if ((pem = ex_slurp(path)) == NULL || (key = strstr(pem,
	    "-----BEGIN ENCRYPTED PRIVATE KEY-----")) == NULL)
		goto fail;
	if ((ex.ca_cert_pem = strndup(pem, (size_t)(key - pem))) == NULL ||
	    ca_load(ex.ca_cert_pem, key, pass, &ex.ca) == -1)
		goto fail;
	free(pem);

	snprintf(path, sizeof(path), "%s/receipt.pem", dir);
	if ((pem = ex_slurp(path)) == NULL ||
	    seal_key_recover(pem, pass, &rk) == -1)
		goto fail;
	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PrivateKey(bio, rk, NULL, NULL, 0, NULL, NULL) != 1 ||
	    seal_bio_to_str(bio, &ex.key_pem) == -1)
		goto fail;
	BIO_free(bio);
	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PUBKEY(bio, rk) != 1 ||
	    seal_bio_to_str(bio, &spki) == -1)
		goto fail;

	/*
	 * The portal signs as itself: no organisation, so serialNumber is
	 * ten zeros (no business registration number begins with 000).
	 */
	subj.company = "G2B Public Procurement";
	subj.bizno = "0000000000";
	subj.person = "G2B e-document exchange";
	subj.login = "g2b-edoc";
	if (ca_issue(ex.ca, spki, &subj, EX_CERT_DAYS, &ex.cert_pem,
	    serial) == -1)
		goto fail;
	BIO_free(bio);
	EVP_PKEY_free(rk);
	free(spki);
	OPENSSL_cleanse(pass, strlen(pass));
	free(pass);
	free(pem);
	return (0);

fail:
	kore_log(LOG_ERR, "exchange: cannot load the portal keys from %s", dir);
	BIO_free(bio);
	EVP_PKEY_free(rk);
	free(spki);
	if (pass != NULL) {
		OPENSSL_cleanse(pass, strlen(pass));
		free(pass);
	}
	free(pem);
	free(ex.cert_pem);
	ex.cert_pem = NULL;
	return (-1);
}

/* ------------------------------------------------------------ helpers */

/* The hash of the bearer token, as bytea input, or -1 if none is given. */
static int
ex_bearer(struct g2b_ctx *ctx, char *out, size_t outlen)
{
	const char	*h;
	unsigned char	 d[TOKEN_HASH_LEN];
	char		 tok[TOKEN_LEN + 1];

	if (outlen < TOKEN_HASH_LEN * 2 + 3 ||
	    !http_request_header(ctx->req, "authorization", &h) ||
	    strncasecmp(h, "Bearer ", 7) != 0)
		return (-1);
	h += 7;
	while (*h == ' ')
		h++;
	if (strlen(h) != TOKEN_LEN)
		return (-1);
	memcpy(tok, h, TOKEN_LEN + 1);
	if (!token_valid(tok))
		return (-1);
	token_hash(tok, d);
	out[0] = '\\';
	out[1] = 'x';
	hex_encode(d, sizeof(d), out + 2);
	secure_wipe(tok, sizeof(tok));
	return (0);
}

/*
 * The peer of the TCP connection is the trusted TLS proxy (nginx), by its
 * own address, not the forwarded client's (ctx->ip).
 */
static int
ex_from_proxy(struct g2b_ctx *ctx)
{
	struct connection	*c = ctx->req->owner;
	char			 peer[INET6_ADDRSTRLEN];

	if (g2b_conf.trusted_proxy == NULL)
		return (0);
	peer[0] = '\0';
	if (c->family == AF_INET)
		inet_ntop(AF_INET, &c->addr.ipv4.sin_addr, peer, sizeof(peer));
	else if (c->family == AF_INET6)
		inet_ntop(AF_INET6, &c->addr.ipv6.sin6_addr, peer,
		    sizeof(peer));
	return (peer[0] != '\0' && !strcmp(peer, g2b_conf.trusted_proxy));
}

/* A hexadecimal digit of a URL escape, either case. */
static int
ex_xdigit(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/*
 * The TLS client certificate nginx passed on the exchange listener
 * (X-G2B-Client-Cert: $ssl_client_escaped_cert, the URL-escaped PEM),
 * believed only from the trusted proxy. 0: out has the SHA-256 of its DER
 * as bytea input (what exchange.cert_auth_ip pins); -1: no certificate;
 * -2: a header that is not one PEM certificate.
 */
static int
ex_client_cert(struct g2b_ctx *ctx, char *out, size_t outlen)
{
	const char	*h;
	char		*pem;
	unsigned char	 d[SHA256_DIGEST_LENGTH], *der = NULL;
	size_t		 i, n;
	int		 len, hi, lo, rc = -2;
	BIO		*bio;
	X509		*x = NULL;

	if (outlen < SHA256_DIGEST_LENGTH * 2 + 3 ||
	    !http_request_header(ctx->req, "x-g2b-client-cert", &h) ||
	    *h == '\0' || !ex_from_proxy(ctx))
		return (-1);
	if ((n = strlen(h)) > 16384 || (pem = malloc(n + 1)) == NULL)
		return (-2);
	for (i = 0; *h != '\0'; h++) {
		if (*h == '%') {
			if ((hi = ex_xdigit(h[1])) == -1 ||
			    (lo = ex_xdigit(h[2])) == -1)
				goto done;
			pem[i++] = (char)(hi << 4 | lo);
			h += 2;
		} else
			pem[i++] = *h;
	}
	pem[i] = '\0';
	if (strncmp(pem, "-----BEGIN CERTIFICATE-----", 27) != 0 ||
	    (bio = BIO_new_mem_buf(pem, (int)i)) == NULL)
		goto done;
	x = PEM_read_bio_X509(bio, NULL, seal_no_pass_cb, NULL);
	BIO_free(bio);
	if (x == NULL || (len = i2d_X509(x, &der)) <= 0)
		goto done;
	SHA256(der, (size_t)len, d);
	out[0] = '\\';
	out[1] = 'x';
	hex_encode(d, sizeof(d), out + 2);
	rc = 0;
done:
	OPENSSL_free(der);
	X509_free(x);
	free(pem);
	return (rc);
}

/*
 * How the caller authenticates: an Authorization bearer token first, else
 * a TLS client certificate from the exchange listener. out: the bytea
 * input for exchange.token_auth_ip or exchange.cert_auth_ip (and for
 * exchange.inbound_auth, which checks either the same way).
 */
static int
ex_auth(struct g2b_ctx *ctx, char *out, size_t outlen)
{
	const char	*h;

	if (http_request_header(ctx->req, "authorization", &h))
		return (ex_bearer(ctx, out, outlen) == 0 ? EX_AUTH_TOKEN :
		    EX_AUTH_NONE);
	switch (ex_client_cert(ctx, out, outlen)) {
	case 0:
		return (EX_AUTH_CERT);
	case -2:
		return (EX_AUTH_BADCERT);
	default:
		return (EX_AUTH_NONE);
	}
}

/*
 * A throttled address (exchange.token_auth_ip): Retry-After, and the
 * message of the error document.
 */
static const char *
ex_throttled(struct g2b_ctx *ctx, const char *secs, char *msg, size_t len)
{
	http_response_header(ctx->req, "retry-after", secs);
	if (msg == NULL)
		return (NULL);
	snprintf(msg, len, "too many unknown or revoked API tokens from this "
	    "address: try again in %s seconds", secs);
	return (msg);
}

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

/* A child element of the e-document namespace. */
static xmlNodePtr
x_child(xmlNodePtr n, const char *name)
{
	xmlNodePtr	c;

	if (n == NULL)
		return (NULL);
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type == XML_ELEMENT_NODE && c->ns != NULL &&
		    !strcmp((const char *)c->ns->href, EDOC_NS) &&
		    !strcmp((const char *)c->name, name))
			return (c);
	}
	return (NULL);
}

/* Follow "A/B/C" from n. */
static xmlNodePtr
x_path(xmlNodePtr n, const char *path)
{
	char	 buf[256], *s, *save;

	kore_strlcpy(buf, path, sizeof(buf));
	for (s = strtok_r(buf, "/", &save); s != NULL && n != NULL;
	    s = strtok_r(NULL, "/", &save))
		n = x_child(n, s);
	return (n);
}

/* The element's text, surrounding white space removed, into out. */
static const char *
x_text(xmlNodePtr n, char *out, size_t len)
{
	xmlChar	*c;
	char	*s, *e;

	out[0] = '\0';
	if (n == NULL || (c = xmlNodeGetContent(n)) == NULL)
		return (out);
	for (s = (char *)c; isspace((unsigned char)*s); s++)
		;
	kore_strlcpy(out, s, len);
	for (e = out + strlen(out); e > out && isspace((unsigned char)e[-1]);)
		*--e = '\0';
	xmlFree(c);
	return (out);
}

static const char *
x_attr(xmlNodePtr n, const char *name, char *out, size_t len)
{
	xmlChar	*c;

	out[0] = '\0';
	if (n != NULL && (c = xmlGetProp(n, (const xmlChar *)name)) != NULL) {
		kore_strlcpy(out, (const char *)c, len);
		xmlFree(c);
	}
	return (out);
}

/* A problem the portal itself finds, with its own stable code. */
static void
in_problem(struct in_job *j, const char *code, int line, const char *fmt, ...)
{
	char	msg[EDOC_MSG_MAX];
	size_t	idx = j->res->nproblems;
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	edoc_problem_add(j->res, EDOC_E_RULE, line, 0, "%s", msg);
	if (idx < EDOC_PROBLEMS_MAX && j->res->nproblems > idx)
		kore_strlcpy(j->custom[idx], code, EX_CODE_MAX);
}

static void
in_job_free(void *arg)
{
	struct in_job	*j = arg;
	size_t		 i;

	if (j == NULL)
		return;
	free(j->body);
	for (i = 0; i < j->ncerts; i++)
		free(j->certs[i]);
	free(j->res);
	strbuf_cleanup(&j->fields);
	free(j->answer);
	free(j->bid.sig);
	free(j->bid.sealed_hex);
	free(j->bid.cert_pem);
	for (i = 0; i < sizeof(j->bid.rcols) / sizeof(j->bid.rcols[0]); i++)
		free(j->bid.rcols[i]);
	free(j->bid.rtext_b64);
	free(j->bid.rsig_b64);
	free(j);
}

/* ------------------------------------------------------------ answers */

/* Give the portal's own problems their codes in the built answer. */
static void
answer_codes(struct in_job *j, xmlDocPtr doc)
{
	xmlNodePtr	dr, p, code;
	size_t		i = 0;

	dr = x_child(xmlDocGetRootElement(doc), "DocumentResponse");
	for (p = dr != NULL ? dr->children : NULL; p != NULL; p = p->next) {
		if (p->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)p->name, "Problem") != 0)
			continue;
		if (i < EDOC_PROBLEMS_MAX && j->custom[i][0] != '\0' &&
		    (code = x_child(p, "Code")) != NULL)
			xmlNodeSetContent(code, (const xmlChar *)j->custom[i]);
		i++;
	}
}

/* An accepted Tender's answer carries its receipt (xsd/response.xsd). */
static void
answer_receipt(struct in_job *j, xmlDocPtr doc)
{
	xmlNodePtr	n;
	char		id[EDOC_ID_MAX + 1];

	n = xmlNewChild(xmlDocGetRootElement(doc),
	    xmlDocGetRootElement(doc)->ns, (const xmlChar *)"TenderReceipt",
	    NULL);
	receipt_fill(n, j->bid.rcols, j->bid.rtext_b64, j->bid.rsig_b64, id,
	    sizeof(id));
}

/* Build and sign the answer to the received bytes; set j->http. */
static int
in_answer(struct in_job *j)
{
	struct edoc_result	*r2;
	xmlDocPtr		 doc = NULL;
	int			 rc = -1;

	free(j->answer);
	j->answer = NULL;
	if (j->status != 0)
		j->http = j->status;
	else if (j->res->nproblems == 0 && j->res->truncated == 0)
		j->http = 200;
	else if (j->res->code == EDOC_E_SIZE)
		j->http = 413;
	else if (j->res->code == EDOC_E_INTERNAL)
		j->http = 500;
	else
		j->http = 422;
	if ((r2 = malloc(sizeof(*r2))) == NULL)
		return (-1);
	/* Checked once, as signed and sent (edoc_outbound). */
	if (edoc_response_tree(j->res, j->body, j->len, NULL,
	    j->receiver[0] != '\0' ? j->receiver : NULL, &doc) == 0) {
		answer_codes(j, doc);
		if (j->bid.receipted && j->res->nproblems == 0)
			answer_receipt(j, doc);
		if (edoc_outbound(doc, ex.key_pem, ex.cert_pem, &j->answer,
		    &j->answer_len, r2) == 0)
			rc = 0;
		else
			kore_log(LOG_ERR, "exchange: answer invalid: %s",
			    r2->nproblems ? r2->problems[0].message : "?");
	}
	if (doc != NULL)
		xmlFreeDoc(doc);
	free(r2);
	return (rc);
}

static int
in_answer_work(void *arg)
{
	struct in_job	*j = arg;
	int		 rc;

	pthread_mutex_lock(&ex_edoc_lock);
	rc = in_answer(j);
	pthread_mutex_unlock(&ex_edoc_lock);
	return (rc);
}

/* ------------------------------------------------------------ routing */

static void
fjson(struct strbuf *b, const char *name, const char *val)
{
	strbuf_appendf(b, "%s\"%s\":", b->len > 1 ? "," : "", name);
	if (val == NULL || *val == '\0') {
		strbuf_appendstr(b, "null");
		return;
	}
	strbuf_appendstr(b, "\"");
	strbuf_append_json(b, val, strlen(val));
	strbuf_appendstr(b, "\"");
}

static int
amount_ok(xmlNodePtr n, char *out, size_t len)
{
	char	cur[8];
	size_t	i;

	x_text(n, out, len);
	x_attr(n, "currencyID", cur, sizeof(cur));
	if (strcmp(cur, "KRW") != 0 || out[0] == '\0' || strlen(out) > 15)
		return (0);
	for (i = 0; out[i] != '\0'; i++)
		if (!isdigit((unsigned char)out[i]))
			return (0);
	return (1);
}

/*
 * A CallForTenders registration becomes a draft notice of the sender's
 * agency (bidding.draft_save); what the portal's notices cannot hold is
 * refused with a problem naming it.
 */
static void
route_notice(struct in_job *j, xmlNodePtr root)
{
	struct strbuf	*b = &j->fields;
	xmlNodePtr	 proj, terms, proc, it, n;
	char		 v[512], u[64];
	int		 line, first;

	const char	*route = "draft";

	strbuf_appendstr(b, "{");
	if (x_child(root, "Registration") == NULL) {
		if ((n = x_child(root, "Amendment")) != NULL)
			route = "amend";
		else if ((n = x_child(root, "Cancellation")) != NULL)
			route = "cancel";
		fjson(b, "reason", x_text(x_child(n, "Reason"), v, sizeof(v)));
		fjson(b, "notice_no", x_text(x_child(root, "ContractFolderID"),
		    v, sizeof(v)));
		fjson(b, "order", x_text(x_child(root, "NoticeOrder"), v,
		    sizeof(v)));
	} else if (x_child(x_child(root, "Registration"), "RenoticeOf") !=
	    NULL) {
		in_problem(j, "not-mapped", xmlGetLineNo(x_child(root,
		    "Registration")), "a re-notice (RenoticeOf) is made from "
		    "the failed notice in the portal");
	}
	n = x_path(root, "ContractingParty/AgencyCode");
	if (strcmp(x_text(n, v, sizeof(v)), j->receiver) != 0)
		in_problem(j, "party-mismatch", n ? xmlGetLineNo(n) : 0,
		    "ContractingParty/AgencyCode %s is not the sending "
		    "agency's code %s", v, j->receiver);
	proj = x_child(root, "ProcurementProject");
	terms = x_child(root, "TenderingTerms");
	proc = x_child(root, "TenderingProcess");

	fjson(b, "family", x_text(x_child(proj, "ProcurementTypeCode"), v,
	    sizeof(v)));
	fjson(b, "title", x_text(x_child(proj, "Name"), v, sizeof(v)));
	n = x_child(proj, "BaseAmount");
	if (!amount_ok(n, v, sizeof(v)))
		in_problem(j, "not-mapped", n ? xmlGetLineNo(n) : 0,
		    "BaseAmount must be whole won (currencyID KRW)");
	fjson(b, "base", v);
	n = x_child(proj, "BudgetAmount");
	if (!amount_ok(n, v, sizeof(v)))
		in_problem(j, "not-mapped", n ? xmlGetLineNo(n) : 0,
		    "BudgetAmount must be whole won (currencyID KRW)");
	fjson(b, "budget", v);
	fjson(b, "contract", x_text(x_child(proc, "ProcedureCode"), v,
	    sizeof(v)));
	n = x_child(proc, "AwardingMethodCode");
	x_text(n, v, sizeof(v));
	if (strcmp(v, "lowest") != 0 && strcmp(v, "qualification") != 0)
		in_problem(j, "not-mapped", n ? xmlGetLineNo(n) : 0,
		    "AwardingMethodCode %s: the portal awards by lowest price "
		    "or qualification review only", v);
	fjson(b, "award", v);

	n = x_child(terms, "PriceDecisionCode");
	if (n != NULL && strcmp(x_text(n, v, sizeof(v)), "multiple") != 0)
		in_problem(j, "not-mapped", xmlGetLineNo(n),
		    "PriceDecisionCode %s: the portal uses multiple "
		    "preliminary prices only", v);
	n = x_child(terms, "PreliminaryPriceRange");
	x_text(n, v, sizeof(v));
	if (n != NULL && strcmp(v, "2") != 0 && strcmp(v, "3") != 0)
		in_problem(j, "not-mapped", xmlGetLineNo(n),
		    "PreliminaryPriceRange must be 2 or 3 (percent)");
	fjson(b, "range", !strcmp(v, "3") ? "3000" : "2000");
	n = x_child(terms, "PreliminaryPriceCount");
	if (n != NULL && strcmp(x_text(n, v, sizeof(v)), "15") != 0)
		in_problem(j, "not-mapped", xmlGetLineNo(n),
		    "PreliminaryPriceCount must be 15");
	n = x_child(terms, "PicksPerBidder");
	if (n != NULL && strcmp(x_text(n, v, sizeof(v)), "2") != 0)
		in_problem(j, "not-mapped", xmlGetLineNo(n),
		    "PicksPerBidder must be 2");
	n = x_child(terms, "JointBidCode");
	if (n != NULL && strcmp(x_text(n, v, sizeof(v)), "none") != 0)
		in_problem(j, "not-mapped", xmlGetLineNo(n),
		    "joint bids (JointBidCode %s) are not supported yet", v);
	fjson(b, "region", x_text(x_child(terms, "RegionRestriction"), v,
	    sizeof(v)));
	fjson(b, "category", x_text(x_child(terms, "CategoryRestriction"), v,
	    sizeof(v)));
	fjson(b, "start", x_text(x_path(proc,
	    "TenderSubmissionPeriod/StartDateTime"), v, sizeof(v)));
	fjson(b, "close", x_text(x_path(proc,
	    "TenderSubmissionPeriod/EndDateTime"), v, sizeof(v)));
	fjson(b, "opening", x_text(x_child(proc, "OpeningDateTime"), v,
	    sizeof(v)));

	/* Items: the 8-digit commodity class (G2B item numbers sit below). */
	strbuf_appendstr(b, ",\"codes\":[");
	first = 1;
	for (it = proj ? proj->children : NULL; it != NULL; it = it->next) {
		if (it->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)it->name, "ProcurementItem") != 0)
			continue;
		x_text(x_child(it, "CommodityCode"), v, sizeof(v));
		v[8] = '\0';
		strbuf_appendf(b, "%s\"", first ? "" : ",");
		strbuf_append_json(b, v, strlen(v));
		strbuf_appendstr(b, "\"");
		first = 0;
	}
	strbuf_appendstr(b, "],\"qty\":[");
	first = 1;
	for (it = proj ? proj->children : NULL; it != NULL; it = it->next) {
		if (it->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)it->name, "ProcurementItem") != 0)
			continue;
		n = x_child(it, "Quantity");
		line = xmlGetLineNo(it);
		x_text(n, v, sizeof(v));
		if (strspn(v, "0123456789.") != strlen(v) || v[0] == '\0')
			in_problem(j, "not-mapped", line, "bad quantity");
		strbuf_appendf(b, "%s\"", first ? "" : ",");
		strbuf_append_json(b, v, strlen(v));
		strbuf_appendstr(b, "\"");
		first = 0;
	}
	strbuf_appendstr(b, "],\"units\":[");
	first = 1;
	for (it = proj ? proj->children : NULL; it != NULL; it = it->next) {
		if (it->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)it->name, "ProcurementItem") != 0)
			continue;
		x_attr(x_child(it, "Quantity"), "unitCode", u, sizeof(u));
		strbuf_appendf(b, "%s\"", first ? "" : ",");
		strbuf_append_json(b, u, strlen(u));
		strbuf_appendstr(b, "\"");
		first = 0;
	}
	strbuf_appendstr(b, "]}");
	if (x_child(root, "Attachments") != NULL)
		in_problem(j, "not-mapped", xmlGetLineNo(x_child(root,
		    "Attachments")), "attachments cannot be sent through the "
		    "exchange: upload the files to the notice in the portal");
	j->route = route;
}

static void
route_invoice(struct in_job *j, xmlNodePtr root)
{
	xmlNodePtr	n;
	char		v[128];

	n = x_path(root, "SellerParty/BusinessRegistrationNumber");
	if (strcmp(x_text(n, v, sizeof(v)), j->receiver) != 0)
		in_problem(j, "party-mismatch", n ? xmlGetLineNo(n) : 0,
		    "SellerParty/BusinessRegistrationNumber %s is not the "
		    "sending supplier's number %s", v, j->receiver);
	x_text(x_child(root, "ContractID"), v, sizeof(v));
	strbuf_appendstr(&j->fields, "{");
	fjson(&j->fields, "contract_no", v);
	strbuf_appendstr(&j->fields, "}");
	j->route = "invoice";
}

/* Strict base64 of an element's text, white space (line breaks) left out. */
static int
x_b64(xmlNodePtr n, size_t max, unsigned char **out, size_t *outlen)
{
	xmlChar	*c;
	char	*s, *w, *r;
	int	 rc = -1;

	*out = NULL;
	*outlen = 0;
	if (n == NULL || (c = xmlNodeGetContent(n)) == NULL)
		return (-1);
	s = (char *)c;
	for (r = w = s; *r != '\0'; r++)
		if (!isspace((unsigned char)*r))
			*w++ = *r;
	*w = '\0';
	if (strlen(s) <= (max + 2) / 3 * 4 &&
	    seal_b64_decode(s, out, outlen) == 0) {
		if (*outlen <= max)
			rc = 0;
		else {
			free(*out);
			*out = NULL;
			*outlen = 0;
		}
	}
	xmlFree(c);
	return (rc);
}

/* An element's text must be what the canonical bid text says. */
static void
bid_agrees(struct in_job *j, xmlNodePtr root, const char *path,
    const char *want, const char *canon_name)
{
	xmlNodePtr	n;
	char		v[128];

	n = x_path(root, path);
	if (strcmp(x_text(n, v, sizeof(v)), want) != 0)
		in_problem(j, "canonical-mismatch", n ? xmlGetLineNo(n) : 0,
		    "%s %s is not the canonical bid text's %s:%s", path, v,
		    canon_name, want);
}

/* 1 if der[0..len) is exactly one DER SEQUENCE (definite length). */
static int
der_one(const unsigned char *der, size_t len)
{
	size_t	n, i, k;

	if (len < 2 || der[0] != 0x30)
		return (0);
	if (!(der[1] & 0x80))
		return ((size_t)der[1] + 2 == len);
	k = der[1] & 0x7f;
	if (k == 0 || k > 3 || len < 2 + k)
		return (0);
	for (n = 0, i = 0; i < k; i++)
		n = n << 8 | der[2 + i];
	return (n == len - 2 - k);
}

/*
 * 1 if SubmitterName is the person (CN) of the bid's certificate. One
 * whose chain verified is as the CA wrote it, so its one-pass reading
 * (ca_cert_light_cn) is what OpenSSL's parser would read.
 */
static int
bid_person_ok(const struct in_bid *b, int verified)
{
	char	person[256];

	if (verified && ca_cert_light_cn(ex.ca, b->cert_pem, person,
	    sizeof(person)) == 0)
		return (strcmp(person, b->submitter) == 0);
	return (ca_cert_subject(b->cert_pem, NULL, 0, NULL, 0, person,
	    sizeof(person)) == 0 && strcmp(person, b->submitter) == 0);
}

/*
 * A Tender from a supplier's system: what the browser posts, read from
 * TenderSignature, must agree with every field of the document, and the
 * sealed part with its hash. The certificate and the bid signature are
 * checked on the worker (bid_check), the rest by bidding.bid_submit.
 */
static void
route_bid(struct in_job *j, xmlNodePtr root)
{
	struct in_bid	*b = &j->bid;
	xmlNodePtr	 ts, n;
	unsigned char	*buf = NULL, *der;
	const unsigned char *p;
	char		 v[BIDFMT_HEX_LEN + 1];
	size_t		 len;
	X509		*x = NULL;
	BIO		*bio = NULL;

	j->route = "none";
	b->line_folder = xmlGetLineNo(x_child(root, "ContractFolderID"));
	n = x_path(root, "TendererParty/BusinessRegistrationNumber");
	b->line_party = n ? xmlGetLineNo(n) : 0;
	if (strcmp(x_text(n, v, sizeof(v)), j->receiver) != 0)
		in_problem(j, "party-mismatch", b->line_party,
		    "TendererParty/BusinessRegistrationNumber %s is not the "
		    "sending supplier's number %s", v, j->receiver);
	if ((ts = x_child(root, "TenderSignature")) == NULL) {
		in_problem(j, "tender-signature", xmlGetLineNo(root), "a Tender "
		    "sent to the portal must carry TenderSignature: the "
		    "canonical bid text, the supplier user's signature over "
		    "it and the user's certificate, as the bid form posts "
		    "them");
		return;
	}
	n = x_child(ts, "CanonicalTender");
	if (x_b64(n, BIDFMT_CANON_MAX, &buf, &len) == -1 ||
	    memchr(buf, '\0', len) != NULL ||
	    bidfmt_bid_parse((const char *)buf, len, &b->bid) == -1) {
		in_problem(j, "canonical", n ? xmlGetLineNo(n) : 0,
		    "CanonicalTender is not a canonical bid text (g2b-bid-v1)");
		free(buf);
		return;
	}
	memcpy(b->canon, buf, len);
	b->canon[len] = '\0';
	b->canonlen = len;
	free(buf);
	buf = NULL;
	bidfmt_sha256_hex(b->canon, b->canonlen, b->hash_hex);
	snprintf(b->notice, sizeof(b->notice), "%lld",
	    (long long)b->bid.notice_id);
	snprintf(b->ord, sizeof(b->ord), "%d", b->bid.order);

	bid_agrees(j, root, "ContractFolderID", b->bid.notice_no, "notice-no");
	bid_agrees(j, root, "NoticeOrder", b->ord, "order");
	bid_agrees(j, root, "TendererParty/BusinessRegistrationNumber",
	    b->bid.bizno, "bizno");
	bid_agrees(j, root, "CertificateSerial", b->bid.cert_serial, "cert");
	bid_agrees(j, root, "SealedTender/CipherValueHash",
	    b->bid.sealed_sha256, "sealed-sha256");
	bid_agrees(j, root, "Nonce", b->bid.nonce, "nonce");

	/* The sealed part stays sealed: only its bytes and hash are read. */
	n = x_path(root, "SealedTender/CipherValue");
	if (x_b64(n, EX_ENVELOPE_MAX, &buf, &len) == -1) {
		in_problem(j, "sealed", n ? xmlGetLineNo(n) : 0,
		    "CipherValue is not a sealed bid of at most %d bytes",
		    EX_ENVELOPE_MAX);
	} else {
		bidfmt_sha256_hex(buf, len, v);
		if (strcmp(v, b->bid.sealed_sha256) != 0)
			in_problem(j, "sealed-hash", xmlGetLineNo(n),
			    "the SHA-256 of CipherValue is %s, not the "
			    "sealed-sha256 the bid was signed with: the sealed "
			    "part was changed", v);
		else if ((b->sealed_hex = bytea_hex(buf, len)) == NULL)
			in_problem(j, "internal", 0, "out of memory");
	}
	free(buf);
	buf = NULL;

	n = x_child(ts, "SignatureValue");
	b->line_sig = n ? xmlGetLineNo(n) : 0;
	if (x_b64(n, CA_SIG_MAX, &b->sig, &b->siglen) == -1 ||
	    b->siglen == 0)
		in_problem(j, "bid-signature", b->line_sig,
		    "SignatureValue is not a signature of at most %d bytes",
		    CA_SIG_MAX);

	/*
	 * The certificate as the portal stored it: OpenSSL's PEM of the DER.
	 * A document with no problem so far keeps the PEM of the very bytes
	 * sent (one DER element: what OpenSSL would write for a certificate
	 * the portal issued) and has it read in bid_verify, which checks the
	 * chain without OpenSSL's X509 parser and then reads the person
	 * (ca.h, ca_cert_light_cn), and says what this would have said. One
	 * that is rejected anyway is read here, so that every problem is
	 * listed.
	 */
	n = x_child(root, "SubmitterName");
	b->line_sub = n ? xmlGetLineNo(n) : 0;
	x_text(n, b->submitter, sizeof(b->submitter));
	n = x_child(ts, "SignerCertificate");
	b->line_cert = n ? xmlGetLineNo(n) : 0;
	if (x_b64(n, EX_CERT_DER_MAX, &der, &len) == 0) {
		if (j->res->nproblems == 0 && der_one(der, len) &&
		    (bio = BIO_new(BIO_s_mem())) != NULL &&
		    PEM_write_bio(bio, PEM_STRING_X509, "", der,
		    (long)len) > 0 && seal_bio_to_str(bio, &b->cert_pem) == 0) {
			b->deferred = 1;
		} else {
			BIO_free(bio);
			bio = NULL;
			p = der;
			if ((x = d2i_X509(NULL, &p, (long)len)) == NULL ||
			    p != der + len ||
			    (bio = BIO_new(BIO_s_mem())) == NULL ||
			    PEM_write_bio_X509(bio, x) != 1 ||
			    seal_bio_to_str(bio, &b->cert_pem) == -1) {
				free(b->cert_pem);
				b->cert_pem = NULL;
			} else
				ca_cert_remember(b->cert_pem, x);
			X509_free(x);
		}
		BIO_free(bio);
		free(der);
	}
	if (b->cert_pem == NULL)
		in_problem(j, "certificate-invalid", b->line_cert,
		    "SignerCertificate is not an X.509 certificate (DER)");
	else if (!b->deferred && !bid_person_ok(b, 0))
		in_problem(j, "party-mismatch", b->line_sub, "SubmitterName %s "
		    "is not the name in the signer's certificate",
		    b->submitter);
	if (j->res->nproblems == 0)
		j->route = "bid";
}

/*
 * A document outside the e-document namespace may be an OASIS UBL 2.3
 * ContractNotice (portal/ubl.h): then its mapping replaces edoc_check's
 * answer. *docp becomes the UBL tree (the sender signed those bytes, so
 * its signature is verified there) and *noticep the mapped notice; the
 * mapping's problems become the answer's, with their codes and lines.
 * 0, or -1 when out of memory.
 */
static int
in_ubl(struct in_job *j, xmlDocPtr *docp, xmlDocPtr *noticep,
    struct ubl_result **urp)
{
	struct ubl_result	*ur;
	xmlDocPtr		 ubl = NULL;
	size_t			 k;
	int			 r;

	if ((ur = *urp = malloc(sizeof(*ur))) == NULL)
		return (-1);
	r = ubl_inbound(j->body, j->len, ur, &ubl, noticep);
	if (r == 1)
		return (0);	/* not a ContractNotice: edoc's answer */
	j->ubl = 1;
	if (*docp != NULL)
		xmlFreeDoc(*docp);
	*docp = ubl;
	edoc_result_init(j->res);
	if (strlen(ur->id) <= EDOC_ID_MAX &&
	    strspn(ur->id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._:/-") == strlen(ur->id))
		kore_strlcpy(j->res->id, ur->id, sizeof(j->res->id));
	if (r == -1) {
		for (k = 0; k < ur->nproblems; k++)
			in_problem(j, ur->problems[k].code, ur->problems[k].line,
			    "%s", ur->problems[k].message);
		j->res->truncated += ur->truncated;
	}
	return (0);
}

/*
 * The browser's checks of a Tender (bids.c bid_verify_submit), in the
 * task so the worker's event loop does not pay them: SignerCertificate
 * chains to the portal CA and is valid now, and the bid signature
 * verifies over the canonical text with its key. Under ex_edoc_lock.
 */
static void
bid_verify(struct in_bid *b)
{
	EVP_PKEY	*pub;
	X509		*x = NULL;

	pub = ca_verified_key(ex.ca, b->cert_pem, time(NULL));
	/* A deferred certificate: what route_bid would have said first. */
	if (b->deferred && pub == NULL &&
	    (x = ca_cert_parse(b->cert_pem)) == NULL)
		b->verdict = BID_NOT_X509;
	else if (b->deferred && !bid_person_ok(b, pub != NULL))
		b->verdict = BID_BAD_NAME;
	else if (pub == NULL)
		b->verdict = BID_BAD_CERT;
	else if (ca_verify_signature_key(pub, (const unsigned char *)b->canon,
	    b->canonlen, b->sig, b->siglen) == -1)
		b->verdict = BID_BAD_SIG;
	else
		b->verdict = 0;
	X509_free(x);
	EVP_PKEY_free(pub);
}

/*
 * The task: check the document, verify its signature against each of the
 * sender's certificates that the CA still vouches for, decide where it
 * goes, and build the signed answer (Accepted for now: if carrying it out
 * fails, a Rejected one is built again).
 */
static int
in_work(void *arg)
{
	struct in_job		*j = arg;
	struct edoc_result	*vr = NULL, *last = NULL;
	struct ubl_result	*ur = NULL;
	xmlDocPtr		 doc = NULL, notice = NULL;
	xmlNodePtr		 root;
	EVP_PKEY		*pub;
	size_t			 i, k;
	int			 verified = 0, missing = 0, rc;

	pthread_mutex_lock(&ex_edoc_lock);
	j->route = "none";
	j->sig = "unchecked";
	(void)edoc_check(j->body, j->len, EDOC_ANY, j->res, &doc);
	if (j->res->code == EDOC_E_NAMESPACE && in_ubl(j, &doc, &notice,
	    &ur) == -1)
		goto out;

	if (doc != NULL) {
		if ((vr = malloc(sizeof(*vr))) == NULL)
			goto out;
		for (i = 0; i < j->ncerts && !verified; i++) {
			/*
			 * Chains to the portal CA and valid now (ca.h,
			 * ca_verified_key; revocation is exchange.inbound_auth's,
			 * which returns only unrevoked certificates); its key
			 * verifies without the certificate parsed again.
			 */
			if ((pub = ca_verified_key(ex.ca, j->certs[i],
			    time(NULL))) == NULL)
				continue;
			edoc_result_init(vr);
			rc = edoc_verify_key(doc, j->certs[i], pub, vr);
			EVP_PKEY_free(pub);
			if (rc == 0) {
				verified = 1;
				break;
			}
			missing = vr->code == EDOC_E_SIG_MISSING;
			if (last == NULL && (last = malloc(sizeof(*last))) ==
			    NULL)
				goto out;
			memcpy(last, vr, sizeof(*last));
		}
		if (verified) {
			j->sig = "verified";
		} else if (last != NULL) {
			j->sig = missing ? "missing" : "invalid";
			for (k = 0; k < last->nproblems; k++)
				edoc_problem_add(j->res, last->problems[k].code,
				    last->problems[k].line,
				    last->problems[k].column, "%s",
				    last->problems[k].message);
		} else {
			in_problem(j, "no-certificate", 0, "the sender has no "
			    "registered, valid system certificate: register "
			    "one with POST /api/exchange/certificate");
		}
	}

	/* Who may send what. */
	if ((j->res->type == EDOC_NOTICE || j->ubl) && !j->agency) {
		in_problem(j, "forbidden", 0, "only an agency's system may "
		    "send CallForTenders documents");
		j->status = 403;
	} else if ((j->res->type == EDOC_INVOICE ||
	    j->res->type == EDOC_BID) && j->agency) {
		in_problem(j, "forbidden", 0, "only a supplier's system may "
		    "send %s documents", edoc_type_root(j->res->type));
		j->status = 403;
	}

	if (j->ubl) {
		/* The mapped CallForTenders goes where a registration goes. */
		if (j->res->nproblems == 0 && notice != NULL)
			route_notice(j, xmlDocGetRootElement(notice));
	} else if (j->res->nproblems == 0 && doc != NULL) {
		root = xmlDocGetRootElement(doc);
		switch (j->res->type) {
		case EDOC_NOTICE:
			route_notice(j, root);
			break;
		case EDOC_INVOICE:
			route_invoice(j, root);
			break;
		case EDOC_BID:
			route_bid(j, root);
			break;
		default:
			in_problem(j, "not-mapped", 0, "the portal does not "
			    "accept %s documents from systems",
			    edoc_type_root(j->res->type));
			break;
		}
	}
	if (j->res->nproblems != 0)
		j->route = "none";
	if (!strcmp(j->route, "bid"))
		bid_verify(&j->bid);
out:
	if (doc != NULL)
		xmlFreeDoc(doc);
	if (notice != NULL)
		xmlFreeDoc(notice);
	free(ur);
	free(vr);
	free(last);
	/* A bid is answered once bidding.bid_submit has taken it. */
	rc = strcmp(j->route, "bid") == 0 ? 0 : in_answer(j);
	pthread_mutex_unlock(&ex_edoc_lock);
	return (rc);
}

/* ------------------------------------------------------------ inbound */

static struct in_job *
in_job_new(struct g2b_ctx *ctx)
{
	struct in_job	*j;

	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->res = malloc(sizeof(*j->res))) == NULL) {
		free(j);
		return (NULL);
	}
	edoc_result_init(j->res);
	strbuf_init(&j->fields);
	ctx->ptr = j;
	ctx->ptr_free = in_job_free;
	return (j);
}

/* An answer before any sender is known (bad token, type, size). */
static int
in_refuse(struct g2b_ctx *ctx, int status, const char *code,
    const char *msg)
{
	struct in_job	*j = ctx->ptr;

	j->status = status;
	in_problem(j, code, 0, "%s", msg);
	return (g2b_task(ctx, in_answer_work, j, in_send));
}

static int
in_post(struct g2b_ctx *ctx)
{
	struct http_request	*req = ctx->req;
	struct in_job		*j;
	unsigned char		 d[SHA256_DIGEST_LENGTH];
	const char		*ctype, *vals[4];
	char			 hash[TOKEN_HASH_LEN * 2 + 4], *sha;
	size_t			 cap;
	ssize_t			 n;
	int			 how;

	if (ex_keys() == -1)
		return (g2b_error(ctx, 503));
	if ((j = in_job_new(ctx)) == NULL)
		return (g2b_error(ctx, 503));

	cap = 65536;
	if ((j->body = malloc(cap)) == NULL)
		return (g2b_error(ctx, 503));
	if (req->content_length > EDOC_SIZE_MAX)
		return (in_refuse(ctx, 413, "too-large", "the document is "
		    "larger than the limit of 4194304 bytes"));
	for (;;) {
		if (j->len > EDOC_SIZE_MAX)
			return (in_refuse(ctx, 413, "too-large", "the document "
			    "is larger than the limit of 4194304 bytes"));
		if (j->len == cap) {
			cap = cap * 2 > EDOC_SIZE_MAX + 1 ? EDOC_SIZE_MAX + 1 :
			    cap * 2;
			if ((j->body = realloc(j->body, cap)) == NULL)
				return (g2b_error(ctx, 503));
		}
		n = http_body_read(req, j->body + j->len, cap - j->len);
		if (n < 0)
			return (g2b_error(ctx, 400));
		if (n == 0)
			break;
		j->len += (size_t)n;
	}
	SHA256(j->body, j->len, d);
	hex_encode(d, sizeof(d), j->sha_hex);

	if ((how = ex_auth(ctx, hash, sizeof(hash))) == EX_AUTH_NONE)
		return (in_refuse(ctx, 401, "unauthorized", "no valid API "
		    "token: send Authorization: Bearer <token>, or on the "
		    "exchange TLS port a registered system certificate"));
	if (how == EX_AUTH_BADCERT)
		return (in_refuse(ctx, 401, "unauthorized", "the TLS client "
		    "certificate could not be read"));
	ctx->n[1] = how;
	ctype = NULL;
	(void)http_request_header(req, "content-type", &ctype);
	if (ctype == NULL || (strncasecmp(ctype, "application/xml", 15) != 0 &&
	    strncasecmp(ctype, "text/xml", 8) != 0))
		return (in_refuse(ctx, 415, "content-type", "send the "
		    "document as Content-Type: application/xml"));

	sha = bytea_hex(d, sizeof(d));
	vals[0] = hash;
	vals[1] = g2b_keep(ctx, 0, sha);
	vals[2] = ctx->ip;
	free(sha);
	vals[3] = NULL;
	if (how == EX_AUTH_CERT) {
		vals[3] = vals[0];
		vals[0] = NULL;
	}
	return (g2b_query(ctx, in_authed,
	    "SELECT token_id, org_id, org_kind, user_id, receiver, certs, "
	    "answer, http_status, retry_after "
	    "FROM exchange.inbound_auth($1, $4, $2, $3)", 4, vals));
}

/* Split a PostgreSQL text[] of PEM certificates (no quotes inside). */
static void
certs_split(struct in_job *j, const char *arr)
{
	const char	*p, *e;
	char		*s, *w, *r;

	if (arr == NULL || *arr != '{')
		return;
	p = arr + 1;
	while (*p == '"' && j->ncerts < EX_CERTS_MAX) {
		p++;
		if ((e = strchr(p, '"')) == NULL)
			return;
		if ((s = strndup(p, (size_t)(e - p))) == NULL)
			return;
		/* Array output escapes backslashes; PEM has none. */
		for (r = w = s; *r != '\0'; r++)
			if (*r != '\\')
				*w++ = *r;
		*w = '\0';
		j->certs[j->ncerts++] = s;
		p = e + 1;
		if (*p == ',')
			p++;
	}
}

static int
in_authed(struct g2b_ctx *ctx)
{
	struct in_job	*j = ctx->ptr;
	char		 msg[160];

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	if (g2b_rows(ctx) == 1 && !g2b_isnull(ctx, 0, 8))
		return (in_refuse(ctx, 429, "throttled", ex_throttled(ctx,
		    g2b_val(ctx, 0, 8), msg, sizeof(msg))));
	if (g2b_rows(ctx) != 1)
		return (in_refuse(ctx, 401, "unauthorized",
		    ctx->n[1] == EX_AUTH_CERT ? "unknown, revoked or expired "
		    "system certificate" : "unknown or revoked API token"));
	g2b_keep(ctx, 1, g2b_val(ctx, 0, 0));	/* token */
	g2b_keep(ctx, 2, g2b_val(ctx, 0, 1));	/* org */
	g2b_keep(ctx, 3, g2b_val(ctx, 0, 3));	/* user */
	kore_strlcpy(j->receiver, g2b_val(ctx, 0, 4), sizeof(j->receiver));
	j->agency = !strcmp(g2b_val(ctx, 0, 2), "agency");
	if (!g2b_isnull(ctx, 0, 6)) {
		/* Accepted before: the first answer again, nothing redone. */
		g2b_keep(ctx, 4, g2b_val(ctx, 0, 6));
		return (g2b_send(ctx, atoi(g2b_val(ctx, 0, 7)),
		    "application/xml; charset=utf-8", ctx->s[4],
		    strlen(ctx->s[4])));
	}
	certs_split(j, g2b_val(ctx, 0, 5));
	return (g2b_task(ctx, in_work, j, in_checked));
}

static void
problems_json(struct in_job *j, struct strbuf *b)
{
	const struct edoc_problem	*p;
	size_t				 i;

	strbuf_appendstr(b, "[");
	for (i = 0; i < j->res->nproblems; i++) {
		p = &j->res->problems[i];
		strbuf_appendstr(b, i ? ",{\"code\":\"" : "{\"code\":\"");
		strbuf_appendstr(b, j->custom[i][0] ? j->custom[i] :
		    edoc_code_name(p->code));
		strbuf_appendstr(b, "\",\"message\":\"");
		strbuf_append_json(b, p->message, strlen(p->message));
		strbuf_appendf(b, "\",\"line\":%d,\"column\":%d}", p->line,
		    p->column);
	}
	strbuf_appendstr(b, "]");
}

static int
in_store(struct g2b_ctx *ctx, g2b_step next)
{
	struct in_job	*j = ctx->ptr;
	struct strbuf	 probs;
	const char	*vals[15];
	char		 http[8], *body, *answer;
	int		 r;

	strbuf_init(&probs);
	problems_json(j, &probs);
	snprintf(http, sizeof(http), "%d", j->http);
	body = bytea_hex(j->body, j->len);
	answer = bytea_hex((const unsigned char *)j->answer, j->answer_len);
	vals[0] = ctx->s[1];
	vals[1] = ctx->s[2];
	vals[2] = ctx->s[3];
	vals[3] = j->ubl ? "ContractNotice" : edoc_type_root(j->res->type);
	vals[4] = j->res->id[0] != '\0' ? j->res->id : NULL;
	vals[5] = ctx->s[0];
	vals[6] = body;
	vals[7] = j->sig;
	vals[8] = j->http == 200 ? "accepted" : "rejected";
	vals[9] = probs.data;
	vals[10] = answer;
	vals[11] = http;
	vals[12] = j->http == 200 ? j->route : "none";
	vals[13] = ctx->ip;
	vals[14] = j->fields.len > 0 && j->http == 200 ? j->fields.data :
	    "{}";
	r = g2b_query(ctx, next,
	    "SELECT status, doc, notice, contract, answer FROM "
	    "exchange.inbound_store_in($1, $2, $3, $4, $5, $6, $7, $8, $9, "
	    "$10, $11, $12, $13, $14, $15)", 15, vals);
	free(body);
	free(answer);
	strbuf_cleanup(&probs);
	return (r);
}

static int
in_checked(struct g2b_ctx *ctx)
{
	struct in_job	*j = ctx->ptr;

	if (ctx->job->rc == 0 && !strcmp(j->route, "bid"))
		return (bid_check(ctx));
	if (ctx->job->rc != 0 || j->answer == NULL) {
		kore_log(LOG_ERR, "exchange: no answer for document %s",
		    j->sha_hex);
		return (g2b_error(ctx, 500));
	}
	return (in_store(ctx, in_stored));
}

/* ------------------------------------------------------------ bids */

/* Why exchange.bid_take (bidding.bid_submit) refused a bid. */
static const struct {
	const char	*status;
	const char	*code;
	int		 http;
	int		 at;	/* 0 the notice, 1 the party, 2 the certificate */
	const char	*message;
} bid_refusals[] = {
	{ "not_found", "notice-not-found", 422, 0, "the canonical bid's "
	  "notice is not a published notice of the portal" },
	{ "notice_mismatch", "notice-mismatch", 422, 0, "ContractFolderID is "
	  "not the number of the notice the canonical bid text names" },
	{ "not_published", "not-published", 422, 0, "the notice does not "
	  "take bids (cancelled, failed, or opened)" },
	{ "order", "order-mismatch", 422, 0, "NoticeOrder is not the notice's "
	  "current order: the notice was amended; make the bid again" },
	{ "not_open", "not-open", 422, 0, "the bid submission period has not "
	  "begun (by the portal's clock)" },
	{ "closed", "closed", 422, 0, "the bid submission period has ended "
	  "(by the portal's clock): the bid is late" },
	{ "not_eligible_region", "not-eligible-region", 403, 1, "the notice "
	  "is restricted to another region than the bidder's" },
	{ "not_eligible_category", "not-eligible-category", 403, 1, "the "
	  "bidder is not registered for the notice's item category" },
	{ "not_nominated", "not-nominated", 403, 1, "the notice is a nominated "
	  "competition (지명경쟁) and the bidder is not nominated" },
	{ "sanctioned", "sanctioned", 403, 1, "the bidder is under a bidding "
	  "sanction (부정당업자 제재) today" },
	{ "not_supplier", "not-supplier", 403, 1, "the API token's user is "
	  "not an active supplier user of an approved organisation" },
	{ "bizno", "party-mismatch", 422, 1, "the bid's business registration "
	  "number is not the token user's organisation's" },
	{ "cert_unknown", "certificate-unknown", 403, 2, "SignerCertificate is "
	  "not a certificate the portal issued to the API token's user" },
	{ "cert_revoked", "certificate-revoked", 403, 2, "SignerCertificate "
	  "has been revoked" },
	{ "cert_invalid", "certificate-invalid", 403, 2, "SignerCertificate "
	  "is not valid now" },
	{ "live_exists", "live-bid-exists", 409, 0, "the bidder already has a "
	  "live bid on this notice: withdraw it first" },
	{ "conflict", "conflict", 409, 0, "another bidder's bid has this bid "
	  "hash" },
	{ NULL, "not-permitted", 403, 0, "the bid was refused" }
};

/* Refuse a Tender after the checks: a Rejected answer, stored as such. */
static int
bid_refuse(struct g2b_ctx *ctx, const char *code, int http, int line,
    const char *msg)
{
	struct in_job	*j = ctx->ptr;

	j->route = "none";
	j->status = http;
	in_problem(j, code, line, "%s", msg);
	return (g2b_task(ctx, in_answer_work, j, in_answered));
}

/*
 * The browser's checks (bids.c bid_verify_submit), made in the task
 * (bid_verify): the certificate chains to the portal CA and is valid now,
 * the bid signature verifies over the canonical text; then one
 * transaction takes the bid and stores the document's row
 * (exchange.bid_take).
 */
static int
bid_check(struct g2b_ctx *ctx)
{
	struct in_job	*j = ctx->ptr;
	struct in_bid	*b = &j->bid;
	const char	*vals[18];
	char		 hbuf[BIDFMT_HEX_LEN + 3], *sig, *body, msg[400];
	int		 r;

	if (b->verdict == BID_NOT_X509)
		return (bid_refuse(ctx, "certificate-invalid", 422, b->line_cert,
		    "SignerCertificate is not an X.509 certificate (DER)"));
	if (b->verdict == BID_BAD_NAME) {
		snprintf(msg, sizeof(msg), "SubmitterName %s is not the name "
		    "in the signer's certificate", b->submitter);
		return (bid_refuse(ctx, "party-mismatch", 422, b->line_sub,
		    msg));
	}
	if (b->verdict == BID_BAD_CERT)
		return (bid_refuse(ctx, "certificate-invalid", 403, b->line_cert,
		    "SignerCertificate is not a supplier certificate of the "
		    "portal CA valid now"));
	if (b->verdict == BID_BAD_SIG)
		return (bid_refuse(ctx, "bid-signature", 422, b->line_sig,
		    "SignatureValue does not verify over CanonicalTender with "
		    "the key of SignerCertificate"));
	sig = bytea_hex(b->sig, b->siglen);
	body = bytea_hex(j->body, j->len);
	if (sig == NULL || body == NULL) {
		free(sig);
		free(body);
		return (g2b_error(ctx, 503));
	}
	snprintf(hbuf, sizeof(hbuf), "\\x%s", b->hash_hex);
	vals[0] = ctx->s[1];
	vals[1] = ctx->s[2];
	vals[2] = ctx->s[3];
	vals[3] = j->res->id[0] != '\0' ? j->res->id : NULL;
	vals[4] = ctx->s[0];
	vals[5] = body;
	vals[6] = j->sig;
	vals[7] = ctx->ip;
	vals[8] = b->notice;
	vals[9] = b->bid.notice_no;
	vals[10] = b->ord;
	vals[11] = b->bid.bizno;
	vals[12] = b->bid.cert_serial;
	vals[13] = b->cert_pem;
	vals[14] = b->canon;
	vals[15] = b->sealed_hex;
	vals[16] = sig;
	vals[17] = hbuf;
	r = g2b_query(ctx, bid_submitted,
	    "SELECT status, bid_id, receipt_no, received, reg_date, reg_time, "
	    "org_name, issued, doc, answer FROM exchange.bid_take($1, $2, $3, "
	    "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, "
	    "$18)", 18, vals);
	free(sig);
	free(body);
	return (r);
}

/* The receipt text and its signature by the receipt key, base64. */
static int
receipt_signed(const char *no, const char *notice_no, const char *ord,
    const char *bizno, const char *hash_hex, const char *received,
    char **text_b64, char **sig_b64)
{
	char		 text[BIDFMT_RECEIPT_MAX];
	unsigned char	*der = NULL;
	size_t		 len, derlen;
	int		 rc = -1;

	*text_b64 = *sig_b64 = NULL;
	if (receipt_text(no, notice_no, ord, bizno, hash_hex, received, text,
	    sizeof(text), &len) == 0 &&
	    receipt_sign(text, len, &der, &derlen) == 0 &&
	    seal_b64_encode((const unsigned char *)text, len, text_b64) == 0 &&
	    seal_b64_encode(der, derlen, sig_b64) == 0)
		rc = 0;
	kore_free(der);
	if (rc == -1) {
		free(*text_b64);
		free(*sig_b64);
		*text_b64 = *sig_b64 = NULL;
	}
	return (rc);
}

static int
bid_submitted(struct g2b_ctx *ctx)
{
	struct in_job	*j = ctx->ptr;
	struct in_bid	*b = &j->bid;
	const char	*st;
	size_t		 i;
	int		 line;

	if (ctx->db_error || g2b_rows(ctx) != 1) {
		kore_log(LOG_ERR, "exchange: bid of document %s: %s",
		    j->sha_hex, ctx->sqlstate);
		return (g2b_error(ctx, 503));
	}
	st = g2b_val(ctx, 0, 0);
	if (!strcmp(st, "answered")) {
		/* Answered meanwhile (the same document at once): that answer. */
		g2b_keep(ctx, 4, g2b_val(ctx, 0, 9));
		return (g2b_send(ctx, 200, "application/xml; charset=utf-8",
		    ctx->s[4], strlen(ctx->s[4])));
	}
	if (strcmp(st, "ok") != 0 && strcmp(st, "duplicate") != 0) {
		for (i = 0; bid_refusals[i].status != NULL; i++)
			if (!strcmp(bid_refusals[i].status, st))
				break;
		line = bid_refusals[i].at == 0 ? b->line_folder :
		    bid_refusals[i].at == 1 ? b->line_party : b->line_cert;
		return (bid_refuse(ctx, bid_refusals[i].code,
		    bid_refusals[i].http, line, bid_refusals[i].message));
	}
	/* The columns of out_receipt_sql, for receipt_fill. */
	b->rcols[R_NO] = strdup(g2b_val(ctx, 0, 2));
	b->rcols[R_NOTICE] = strdup(b->bid.notice_no);
	b->rcols[R_ORD] = strdup(b->ord);
	b->rcols[R_DATE] = strdup(g2b_val(ctx, 0, 4));
	b->rcols[R_TIME] = strdup(g2b_val(ctx, 0, 5));
	b->rcols[R_BIZNO] = strdup(b->bid.bizno);
	b->rcols[R_NAME] = strdup(g2b_val(ctx, 0, 6));
	b->rcols[R_BID] = strdup(g2b_val(ctx, 0, 1));
	b->rcols[R_HASH] = strdup(b->hash_hex);
	b->rcols[R_ISSUED] = strdup(g2b_val(ctx, 0, 7));
	b->rcols[R_NOTICE_ID] = strdup(b->notice);
	b->rcols[R_RECEIVED] = strdup(g2b_val(ctx, 0, 3));
	g2b_keep(ctx, 5, g2b_val(ctx, 0, 8));	/* the document's row */
	for (i = 0; i < R_NCOLS; i++)
		if (b->rcols[i] == NULL)
			return (g2b_error(ctx, 503));
	if (receipt_signed(b->rcols[R_NO], b->bid.notice_no, b->ord,
	    b->bid.bizno, b->hash_hex, b->rcols[R_RECEIVED], &b->rtext_b64,
	    &b->rsig_b64) == -1) {
		kore_log(LOG_ERR, "exchange: receipt of bid %s failed",
		    b->rcols[R_BID]);
		return (g2b_error(ctx, 500));
	}
	b->receipted = 1;
	return (g2b_task(ctx, in_answer_work, j, bid_answered));
}

/* The answer into the row bid_take stored; sent once it is there. */
static int
bid_answered(struct g2b_ctx *ctx)
{
	struct in_job	*j = ctx->ptr;
	const char	*vals[3];
	char		*answer;
	int		 r;

	if (ctx->job->rc != 0 || j->answer == NULL) {
		kore_log(LOG_ERR, "exchange: no answer for bid document %s",
		    j->sha_hex);
		return (g2b_error(ctx, 500));
	}
	if ((answer = bytea_hex((const unsigned char *)j->answer,
	    j->answer_len)) == NULL)
		return (g2b_error(ctx, 503));
	vals[0] = ctx->s[5];
	vals[1] = ctx->s[2];
	vals[2] = answer;
	r = g2b_query(ctx, bid_put,
	    "SELECT answer FROM exchange.answer_put($1, $2, $3)", 3, vals);
	free(answer);
	return (r);
}

static int
bid_put(struct g2b_ctx *ctx)
{
	struct in_job	*j = ctx->ptr;

	if (ctx->db_error || g2b_rows(ctx) != 1) {
		kore_log(LOG_ERR, "exchange: storing the answer to %s failed "
		    "(%s)", j->sha_hex, ctx->sqlstate);
		return (g2b_error(ctx, 503));
	}
	if (g2b_isnull(ctx, 0, 0))
		return (in_send(ctx));
	/* The same document at once: the answer stored first. */
	g2b_keep(ctx, 4, g2b_val(ctx, 0, 0));
	return (g2b_send(ctx, 200, "application/xml; charset=utf-8",
	    ctx->s[4], strlen(ctx->s[4])));
}

/* Why inbound_store (or the bidding function it called) refused. */
static const struct {
	const char	*status;
	const char	*code;
	const char	*message;
} route_refusals[] = {
	{ "unknown_category", "unknown-category", "a CommodityCode's 8-digit "
	  "class is not in the portal's item catalogue" },
	{ "unknown_region", "unknown-region", "RegionRestriction is not a "
	  "region code the portal knows" },
	{ "contract_not_found", "contract-not-found", "ContractID names no "
	  "contract of the sending supplier" },
	{ "notice_not_found", "notice-not-found", "ContractFolderID names no "
	  "published notice of the sending agency" },
	{ "order_mismatch", "order-mismatch", "NoticeOrder must be the "
	  "notice's current order plus one" },
	{ "not_found", "notice-not-found", "ContractFolderID names no notice "
	  "of the sending agency" },
	{ "not_published", "not-published", "the notice is not published "
	  "(cancelled, or still a draft)" },
	{ "changed", "order-mismatch", "the notice was amended meanwhile" },
	{ "closed", "closed", "the bid submission period has ended, or the new "
	  "EndDateTime is past" },
	{ "too_late", "closed", "the opening time has passed" },
	{ "reseal", "not-mapped", "a new base amount or price range needs new "
	  "sealed preliminary prices: amend the notice in the portal" },
	{ "bad_officer", "not-permitted", "the notice has no active bid "
	  "officer of the agency" },
	{ "no_floor", "not-mapped", "no award floor rate applies to this "
	  "family and amount" },
	{ NULL, "not-permitted", "the token's user may not act for this "
	  "agency (role or account)" }
};

static const char *
route_problem(const char *st)
{
	size_t	i;

	for (i = 0; route_refusals[i].status != NULL; i++)
		if (!strcmp(route_refusals[i].status, st))
			break;
	return (route_refusals[i].code);
}

static const char *
route_message(const char *st)
{
	size_t	i;

	for (i = 0; route_refusals[i].status != NULL; i++)
		if (!strcmp(route_refusals[i].status, st))
			break;
	return (route_refusals[i].message);
}

static int
in_stored(struct g2b_ctx *ctx)
{
	struct in_job	*j = ctx->ptr;
	const char	*st;

	if (ctx->db_error || g2b_rows(ctx) != 1) {
		kore_log(LOG_ERR, "exchange: storing %s failed (%s)",
		    j->sha_hex, ctx->sqlstate);
		return (g2b_error(ctx, 503));
	}
	st = g2b_val(ctx, 0, 0);
	if (!strcmp(st, "ok"))
		return (in_send(ctx));
	if (!strcmp(st, "duplicate")) {
		if (g2b_isnull(ctx, 0, 4))
			return (g2b_error(ctx, 503));
		g2b_keep(ctx, 4, g2b_val(ctx, 0, 4));
		return (g2b_send(ctx, 200, "application/xml; charset=utf-8",
		    ctx->s[4], strlen(ctx->s[4])));
	}
	/* Valid, but the portal cannot carry it out: say why. */
	j->route = "none";
	in_problem(j, route_problem(st), 0, "%s", route_message(st));
	return (g2b_task(ctx, in_answer_work, j, in_answered));
}

static int
in_answered(struct g2b_ctx *ctx)
{
	struct in_job	*j = ctx->ptr;

	if (ctx->job->rc != 0 || j->answer == NULL)
		return (g2b_error(ctx, 500));
	return (in_store(ctx, in_restored));
}

static int
in_restored(struct g2b_ctx *ctx)
{
	if (ctx->db_error || g2b_rows(ctx) != 1 ||
	    strcmp(g2b_val(ctx, 0, 0), "ok") != 0)
		return (g2b_error(ctx, 503));
	return (in_send(ctx));
}

static int
in_send(struct g2b_ctx *ctx)
{
	struct in_job	*j = ctx->ptr;

	if (ctx->job != NULL && ctx->job->rc != 0)
		return (g2b_error(ctx, 500));
	if (j->answer == NULL)
		return (g2b_error(ctx, 500));
	if (j->http == 401)
		http_response_header(ctx->req, "www-authenticate",
		    "Bearer realm=\"g2b-edoc\"");
	return (g2b_send(ctx, j->http, "application/xml; charset=utf-8",
	    j->answer, j->answer_len));
}

int
page_edoc_inbound(struct http_request *req)
{
	return (g2b_run(req, &route_inbound));
}

/* ------------------------------------------------------------ certificate */

static int
cert_error(struct g2b_ctx *ctx, int status, const char *code)
{
	return (g2b_json_error(ctx, status, code));
}

static int
cert_post(struct g2b_ctx *ctx)
{
	struct http_request	*req = ctx->req;
	struct kore_json	 json;
	struct kore_json_item	*item;
	char			 hash[TOKEN_HASH_LEN * 2 + 4], buf[4096];
	const char		*vals[2];
	struct strbuf		 body;
	ssize_t			 n;
	int			 ok, how;

	if (ex_keys() == -1)
		return (cert_error(ctx, 503, "unavailable"));
	if ((how = ex_auth(ctx, hash, sizeof(hash))) == EX_AUTH_NONE ||
	    how == EX_AUTH_BADCERT)
		return (cert_error(ctx, 401, "unauthorized"));
	strbuf_init(&body);
	for (;;) {
		n = http_body_read(req, buf, sizeof(buf));
		if (n <= 0)
			break;
		strbuf_append(&body, buf, (size_t)n);
		if (body.len > 8192)
			break;
	}
	if (n < 0 || body.len == 0 || body.len > 8192) {
		strbuf_cleanup(&body);
		return (cert_error(ctx, 400, "spki"));
	}
	kore_json_init(&json, body.data, body.len);
	ok = 0;
	if (kore_json_parse(&json) &&
	    (item = kore_json_find_string(json.root, "spki")) != NULL &&
	    strlen(item->data.string) <= EX_SPKI_MAX &&
	    strncmp(item->data.string, "-----BEGIN PUBLIC KEY-----", 26) == 0) {
		g2b_keep(ctx, 0, item->data.string);
		ok = 1;
	}
	kore_json_cleanup(&json);
	strbuf_cleanup(&body);
	if (!ok)
		return (cert_error(ctx, 400, "spki"));
	vals[0] = hash;
	vals[1] = ctx->ip;
	if (how == EX_AUTH_CERT)
		return (g2b_query(ctx, cert_authed,
		    "SELECT token_id, org_id, org_kind, bizno, agency_code, "
		    "org_name, retry_after FROM exchange.cert_auth_ip($1, $2)",
		    2, vals));
	return (g2b_query(ctx, cert_authed,
	    "SELECT token_id, org_id, org_kind, bizno, agency_code, org_name, "
	    "retry_after FROM exchange.token_auth_ip($1, $2)", 2, vals));
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
cert_authed(struct g2b_ctx *ctx)
{
	struct ca_subject	 subj;
	char			 company[256], bizno[16], login[32];
	char			 serial[CA_SERIAL_HEX_MAX + 1], nb[40], na[40];
	char			*pem = NULL;
	const char		*vals[7];
	X509			*x = NULL;
	BIO			*bio;

	if (ctx->db_error)
		return (cert_error(ctx, 503, "unavailable"));
	if (g2b_rows(ctx) == 1 && !g2b_isnull(ctx, 0, 6)) {
		(void)ex_throttled(ctx, g2b_val(ctx, 0, 6), NULL, 0);
		return (cert_error(ctx, 429, "throttled"));
	}
	if (g2b_rows(ctx) != 1)
		return (cert_error(ctx, 401, "unauthorized"));
	kore_strlcpy(company, g2b_val(ctx, 0, 5), sizeof(company));
	utf8_cut(company, CA_NAME_MAX);
	/*
	 * serialNumber: the supplier's business registration number, or
	 * for an agency its 7-digit code after 000 (ca_issue takes ten
	 * digits; no business registration number begins with 000).
	 */
	if (!strcmp(g2b_val(ctx, 0, 2), "supplier"))
		kore_strlcpy(bizno, g2b_val(ctx, 0, 3), sizeof(bizno));
	else
		snprintf(bizno, sizeof(bizno), "000%s", g2b_val(ctx, 0, 4));
	snprintf(login, sizeof(login), "system-%s", g2b_val(ctx, 0, 1));
	subj.company = company;
	subj.bizno = bizno;
	subj.person = "e-document system";
	subj.login = login;
	if (ca_issue(ex.ca, ctx->s[0], &subj, EX_CERT_DAYS, &pem,
	    serial) == -1)
		return (cert_error(ctx, 400, "spki"));
	if ((bio = seal_pem_bio(pem)) == NULL ||
	    (x = PEM_read_bio_X509(bio, NULL, seal_no_pass_cb, NULL)) == NULL ||
	    cert_time(X509_get0_notBefore(x), nb, sizeof(nb)) == -1 ||
	    cert_time(X509_get0_notAfter(x), na, sizeof(na)) == -1) {
		BIO_free(bio);
		X509_free(x);
		free(pem);
		return (cert_error(ctx, 500, "failed"));
	}
	BIO_free(bio);
	X509_free(x);
	g2b_keep(ctx, 1, pem);
	free(pem);
	vals[0] = g2b_val(ctx, 0, 1);
	vals[1] = serial;
	vals[2] = ctx->s[1];
	vals[3] = nb;
	vals[4] = na;
	vals[5] = g2b_val(ctx, 0, 0);
	vals[6] = ctx->ip;
	return (g2b_query(ctx, cert_stored,
	    "WITH c AS (INSERT INTO exchange.system_cert (org_id, serial, "
	    "cert_pem, not_before, not_after, token_id) VALUES ($1, $2, $3, "
	    "$4, $5, $6) RETURNING id, org_id, serial) "
	    "INSERT INTO portal.audit (org_id, event, ip, detail) "
	    "SELECT org_id, 'edoc.certificate', $7, jsonb_build_object("
	    "'certificate', id, 'serial', serial, 'token', $6::bigint) "
	    "FROM c RETURNING id", 7, vals));
}

static int
cert_stored(struct g2b_ctx *ctx)
{
	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (cert_error(ctx, 503, "unavailable"));
	return (g2b_send(ctx, 201, "application/x-pem-file", ctx->s[1],
	    strlen(ctx->s[1])));
}

int
page_edoc_certificate(struct http_request *req)
{
	return (g2b_run(req, &route_certificate));
}

/* ------------------------------------------------------------ tokens */

static int
tokens_get(struct g2b_ctx *ctx)
{
	const char	*vals[1] = { ctx->user.org_id };

	g2b_flash(ctx);
	return (g2b_query(ctx, tokens_loaded,
	    "SELECT t.id, t.label, u.name, "
	    "to_char(t.created_at AT TIME ZONE 'Asia/Seoul', "
	    "'YYYY-MM-DD HH24:MI'), coalesce(to_char(t.last_used_at AT TIME "
	    "ZONE 'Asia/Seoul', 'YYYY-MM-DD HH24:MI'), ''), "
	    "coalesce(to_char(t.revoked_at AT TIME ZONE 'Asia/Seoul', "
	    "'YYYY-MM-DD HH24:MI'), '') "
	    "FROM exchange.token t JOIN portal.users u ON u.id = t.created_by "
	    "WHERE t.org_id = $1 ORDER BY t.id DESC LIMIT 100", 1, vals));
}

static int
tokens_loaded(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*row;
	const char		*vals[1] = { ctx->user.org_id };
	int			 i;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	for (i = 0; i < g2b_rows(ctx); i++) {
		row = tmpl_row(ctx->vars, "tokens");
		tmpl_set(row, "id", g2b_val(ctx, i, 0));
		tmpl_set(row, "label", g2b_val(ctx, i, 1));
		tmpl_set(row, "by", g2b_val(ctx, i, 2));
		tmpl_set(row, "created", g2b_val(ctx, i, 3));
		tmpl_set(row, "used", g2b_val(ctx, i, 4));
		tmpl_set(row, "revoked", g2b_val(ctx, i, 5));
	}
	return (g2b_query(ctx, tokens_certs_loaded,
	    "SELECT id, serial, to_char(not_after AT TIME ZONE 'Asia/Seoul', "
	    "'YYYY-MM-DD'), coalesce(to_char(revoked_at AT TIME ZONE "
	    "'Asia/Seoul', 'YYYY-MM-DD HH24:MI'), ''), not_after < now() "
	    "FROM exchange.system_cert WHERE org_id = $1 "
	    "ORDER BY id DESC LIMIT 100", 1, vals));
}

static int
tokens_certs_loaded(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*row;
	int			 i;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	for (i = 0; i < g2b_rows(ctx); i++) {
		row = tmpl_row(ctx->vars, "certs");
		tmpl_set(row, "id", g2b_val(ctx, i, 0));
		tmpl_set(row, "serial", g2b_val(ctx, i, 1));
		tmpl_set(row, "not_after", g2b_val(ctx, i, 2));
		tmpl_set(row, "revoked", g2b_val(ctx, i, 3));
		tmpl_set(row, "expired", !strcmp(g2b_val(ctx, i, 4), "t") ?
		    "1" : "");
	}
	return (g2b_render(ctx, ctx->s[5] != NULL ? 201 : 200,
	    "exchange_tokens", "exchange.tokens.title"));
}

static int
tokens_post(struct g2b_ctx *ctx)
{
	const char	*action = g2b_post(ctx, "action");
	const char	*label = g2b_post(ctx, "label");
	const char	*id = g2b_post(ctx, "id");
	const char	*vals[5];
	unsigned char	 h[TOKEN_HASH_LEN];
	char		 tok[TOKEN_LEN + 1], hex[TOKEN_HASH_LEN * 2 + 4];
	char		 *end;
	size_t		 i, n;

	if (action == NULL)
		return (g2b_error(ctx, 400));
	if (!strcmp(action, "create")) {
		if (label != NULL)
			while (*label == ' ')
				label++;
		n = 0;
		if (label != NULL)
			for (i = 0; label[i] != '\0'; i++)
				if (((unsigned char)label[i] & 0xc0) != 0x80)
					n++;
		if (label == NULL || n == 0 || n > EX_LABEL_MAX) {
			g2b_field_error(ctx, "label",
			    g2b_msg(ctx, "exchange.err.label"));
			if (label != NULL)
				tmpl_set(ctx->vars, "label", label);
			return (tokens_get(ctx));
		}
		for (i = 0; label[i] != '\0'; i++)
			if ((unsigned char)label[i] < 0x20) {
				g2b_field_error(ctx, "label",
				    g2b_msg(ctx, "exchange.err.label"));
				return (tokens_get(ctx));
			}
		if (token_new(tok) == -1)
			return (g2b_error(ctx, 503));
		token_hash(tok, h);
		hex[0] = '\\';
		hex[1] = 'x';
		hex_encode(h, sizeof(h), hex + 2);
		g2b_keep(ctx, 5, tok);
		secure_wipe(tok, sizeof(tok));
		vals[0] = ctx->user.org_id;
		vals[1] = hex;
		vals[2] = label;
		vals[3] = ctx->user.id;
		vals[4] = ctx->ip;
		return (g2b_query(ctx, tokens_created,
		    "WITH t AS (INSERT INTO exchange.token (org_id, token_hash, "
		    "label, created_by) VALUES ($1, $2, $3, $4) "
		    "RETURNING id, org_id, label, created_by) "
		    "INSERT INTO portal.audit (actor, org_id, event, ip, detail) "
		    "SELECT created_by, org_id, 'edoc.token.create', $5, "
		    "jsonb_build_object('token', id, 'label', label) FROM t "
		    "RETURNING id", 5, vals));
	}
	if (id == NULL || strtoll(id, &end, 10) <= 0 || *end != '\0')
		return (g2b_error(ctx, 400));
	vals[0] = id;
	vals[1] = ctx->user.org_id;
	vals[2] = ctx->user.id;
	vals[3] = ctx->ip;
	if (!strcmp(action, "revoke"))
		return (g2b_query(ctx, tokens_changed,
		    "WITH t AS (UPDATE exchange.token SET revoked_at = now(), "
		    "revoked_by = $3 WHERE id = $1 AND org_id = $2 AND "
		    "revoked_at IS NULL RETURNING id, org_id) "
		    "INSERT INTO portal.audit (actor, org_id, event, ip, detail) "
		    "SELECT $3, org_id, 'edoc.token.revoke', $4, "
		    "jsonb_build_object('token', id) FROM t RETURNING id",
		    4, vals));
	if (!strcmp(action, "revoke_cert"))
		return (g2b_query(ctx, tokens_changed,
		    "WITH c AS (UPDATE exchange.system_cert SET revoked_at = "
		    "now() WHERE id = $1 AND org_id = $2 AND revoked_at IS NULL "
		    "RETURNING id, org_id, serial) "
		    "INSERT INTO portal.audit (actor, org_id, event, ip, detail) "
		    "SELECT $3, org_id, 'edoc.certificate.revoke', $4, "
		    "jsonb_build_object('certificate', id, 'serial', serial) "
		    "FROM c RETURNING id", 4, vals));
	return (g2b_error(ctx, 400));
}

static int
tokens_created(struct g2b_ctx *ctx)
{
	if (ctx->db_error || g2b_rows(ctx) != 1) {
		secure_wipe(ctx->s[5], strlen(ctx->s[5]));
		return (g2b_error(ctx, 503));
	}
	/* Shown once, on this page; only its hash is kept. */
	tmpl_set(ctx->vars, "new_token", ctx->s[5]);
	return (tokens_get(ctx));
}

static int
tokens_changed(struct g2b_ctx *ctx)
{
	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	if (g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 404));
	return (g2b_redirect(ctx, "/account/api-tokens?ok=edoc_revoked"));
}

int
page_edoc_tokens(struct http_request *req)
{
	return (g2b_run(req, &route_tokens));
}

/* ------------------------------------------------------------ box */

static int
box_get(struct g2b_ctx *ctx)
{
	const char	*vals[1] = { ctx->user.org_id };

	if (ctx->user.org_id[0] == '\0')
		return (g2b_error(ctx, 403));
	return (g2b_query(ctx, box_loaded,
	    "SELECT d.id, d.direction, coalesce(d.doc_type, ''), "
	    "coalesce(d.doc_id, ''), "
	    "coalesce(CASE WHEN d.sender_org = $1 THEN r.name ELSE s.name END, "
	    "''), to_char(d.created_at AT TIME ZONE 'Asia/Seoul', "
	    "'YYYY-MM-DD HH24:MI:SS'), d.sig_status, d.result, "
	    "d.answer IS NOT NULL, d.sender_org = $1, "
	    "jsonb_array_length(d.problems), "
	    "coalesce(d.problems->0->>'code', '') "
	    "FROM exchange.document d "
	    "LEFT JOIN portal.org s ON s.id = d.sender_org "
	    "LEFT JOIN portal.org r ON r.id = d.receiver_org "
	    "WHERE d.sender_org = $1 OR d.receiver_org = $1 "
	    "ORDER BY d.id DESC LIMIT 200", 1, vals));
}

static int
box_loaded(struct g2b_ctx *ctx)
{
	struct tmpl_vars	*row;
	char			 key[64];
	int			 i, sent;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	for (i = 0; i < g2b_rows(ctx); i++) {
		row = tmpl_row(ctx->vars, "docs");
		sent = !strcmp(g2b_val(ctx, i, 9), "t");
		tmpl_set(row, "id", g2b_val(ctx, i, 0));
		snprintf(key, sizeof(key), "exchange.box.%s",
		    sent ? "sent" : "received");
		tmpl_set(row, "direction", g2b_msg(ctx, key));
		tmpl_set(row, "type", g2b_val(ctx, i, 2));
		tmpl_set(row, "doc_id", g2b_val(ctx, i, 3));
		tmpl_set(row, "counterpart", *g2b_val(ctx, i, 4) != '\0' ?
		    g2b_val(ctx, i, 4) : g2b_msg(ctx, "exchange.box.portal"));
		tmpl_set(row, "time", g2b_val(ctx, i, 5));
		snprintf(key, sizeof(key), "exchange.sig.%s",
		    g2b_val(ctx, i, 6));
		tmpl_set(row, "sig", g2b_msg(ctx, key));
		snprintf(key, sizeof(key), "exchange.result.%s",
		    g2b_val(ctx, i, 7));
		tmpl_set(row, "result", g2b_msg(ctx, key));
		tmpl_set(row, "problem", g2b_val(ctx, i, 11));
		/* The code is the machine's; people read it in their language. */
		snprintf(key, sizeof(key), "exchange.problem.%s",
		    g2b_val(ctx, i, 11));
		if (*g2b_val(ctx, i, 11) != '\0' &&
		    resources_msg(ctx->lang, key) != NULL)
			tmpl_set(row, "problem_text", g2b_msg(ctx, key));
		tmpl_set(row, "answer", !strcmp(g2b_val(ctx, i, 8), "t") ?
		    "1" : "");
	}
	return (g2b_render(ctx, 200, "exchange_box", "exchange.box.title"));
}

static int
boxfile_get(struct g2b_ctx *ctx)
{
	char		 id[24];
	const char	*vals[3];

	if (g2b_path_id(ctx, id, sizeof(id)) == -1 ||
	    ctx->user.org_id[0] == '\0')
		return (g2b_error(ctx, 404));
	vals[0] = id;
	vals[1] = ctx->user.org_id;
	vals[2] = strstr(ctx->req->path, "/answer") != NULL ? "a" : "d";
	g2b_keep(ctx, 1, vals[2]);
	return (g2b_query(ctx, boxfile_loaded,
	    "SELECT CASE WHEN $3 = 'a' THEN d.answer ELSE d.body END, "
	    "coalesce(d.doc_type, 'document'), d.id "
	    "FROM exchange.document d WHERE d.id = $1 AND "
	    "(d.sender_org = $2 OR d.receiver_org = $2) AND "
	    "(CASE WHEN $3 = 'a' THEN d.answer ELSE d.body END) IS NOT NULL",
	    3, vals));
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	return (-1);
}

static int
boxfile_loaded(struct g2b_ctx *ctx)
{
	const char	*hex;
	unsigned char	*out;
	char		 disp[128];
	size_t		 i, len;
	int		 hi, lo, r;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	if (g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 404));
	hex = g2b_val(ctx, 0, 0);
	if (strncmp(hex, "\\x", 2) != 0)
		return (g2b_error(ctx, 500));
	hex += 2;
	len = strlen(hex) / 2;
	out = kore_malloc(len + 1);
	for (i = 0; i < len; i++) {
		if ((hi = hexval(hex[i * 2])) < 0 ||
		    (lo = hexval(hex[i * 2 + 1])) < 0) {
			kore_free(out);
			return (g2b_error(ctx, 500));
		}
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s-%s-%s.xml\"",
	    g2b_val(ctx, 0, 1), g2b_val(ctx, 0, 2),
	    ctx->s[1][0] == 'a' ? "answer" : "document");
	http_response_header(ctx->req, "content-disposition", disp);
	r = g2b_send(ctx, 200, "application/xml", out, len);
	kore_free(out);
	return (r);
}

int
page_edoc_box(struct http_request *req)
{
	return (g2b_run(req, &route_box));
}

int
page_edoc_box_file(struct http_request *req)
{
	return (g2b_run(req, &route_boxfile));
}

/* ------------------------------------------------------------ outbound */

#define OUT_COLS	32

/* One outbound document: the row it is built from, then the bytes. */
struct out_job {
	int		 kind;		/* EDOC_NOTICE, EDOC_RECEIPT */
	char		*v[OUT_COLS];
	int		 nv;
	char		*out;
	size_t		 outlen;
	char		 id[EDOC_ID_MAX + 1];
	char		 sha[SHA256_DIGEST_LENGTH];
	char		 problem[EDOC_MSG_MAX + 64];
	char		*rtext;		/* a receipt's signed text, base64 */
	char		*rsig;
};

static void
out_job_free(void *arg)
{
	struct out_job	*o = arg;
	int		 i;

	if (o == NULL)
		return;
	for (i = 0; i < o->nv; i++)
		free(o->v[i]);
	free(o->out);
	free(o->rtext);
	free(o->rsig);
	free(o);
}

static xmlNodePtr
x_add(xmlNodePtr parent, const char *name, const char *text)
{
	return (xmlNewTextChild(parent, parent->ns, (const xmlChar *)name,
	    (const xmlChar *)text));
}

static void
x_amount(xmlNodePtr parent, const char *name, const char *won)
{
	xmlNodePtr	n;

	n = x_add(parent, name, won);
	xmlNewProp(n, (const xmlChar *)"currencyID", (const xmlChar *)"KRW");
}

/* The base64 body of a PEM block, without its lines and breaks. */
static char *
pem_body(const char *pem)
{
	const char	*p, *e;
	char		*out, *w;

	if ((p = strstr(pem, "-----\n")) == NULL ||
	    (e = strstr(p + 6, "-----END")) == NULL)
		return (NULL);
	p += 6;
	if ((out = malloc((size_t)(e - p) + 1)) == NULL)
		return (NULL);
	for (w = out; p < e; p++)
		if (!isspace((unsigned char)*p))
			*w++ = *p;
	*w = '\0';
	return (out);
}

/*
 * The columns of out_notice_sql, in order: the CallForTenders of the
 * notice's current order (차수).
 */
enum {
	N_NO, N_ORD, N_KIND, N_REASON, N_REBID, N_ACODE, N_ANAME, N_TITLE,
	N_FAMILY, N_BUDGET, N_BASE, N_RANGE, N_FLOOR, N_REGION, N_CATEGORY,
	N_PUBKEY, N_METHOD, N_AWARD, N_START, N_CLOSE, N_OPENING, N_OFFICER,
	N_ITEMS, N_ISSUED, N_NCOLS
};

static const char *out_notice_sql =
    "SELECT n.notice_no, n.cur_ord, v.kind, coalesce(v.reason, ''), "
    "v.rebid, o.agency_code, o.name, v.title, v.family, v.budget, "
    "v.base_amount, v.range_milli, coalesce(v.floor_rate_milli, -1), "
    "coalesce(v.region_limit, ''), coalesce(v.category_limit, ''), "
    "coalesce(k.public_pem, ''), v.contract_method, v.award_method, "
    "to_char(v.bid_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
    "to_char(v.bid_close AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
    "to_char(v.opening_at AT TIME ZONE 'UTC', "
    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), coalesce(u.name, ''), "
    "(SELECT string_agg(i.line || '|' || i.code || '|' || "
    "trim_scale(i.quantity)::text || '|' || i.unit, E'\\n' ORDER BY i.line) "
    "FROM bidding.notice_item i WHERE i.notice_id = n.id "
    "AND i.ord = v.ord), "
    "to_char(v.published_at AT TIME ZONE 'UTC', "
    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
    "FROM bidding.notice n "
    "JOIN bidding.notice_version v ON v.notice_id = n.id "
    "AND v.ord = n.cur_ord "
    "JOIN portal.org o ON o.id = n.agency_id "
    "LEFT JOIN bidding.opening_key k ON k.notice_id = n.id "
    "LEFT JOIN portal.users u ON u.id = v.officer_id "
    "WHERE n.id = $1 AND n.status <> 'draft'";

static xmlDocPtr
build_notice(struct out_job *o)
{
	xmlDocPtr	 doc;
	xmlNodePtr	 root, n, m, it;
	xmlNsPtr	 ns;
	char		 buf[64], *key, *items, *line, *save, *f[4];
	int		 i, floor;

	doc = xmlNewDoc((const xmlChar *)"1.0");
	root = xmlNewNode(NULL, (const xmlChar *)"CallForTenders");
	ns = xmlNewNs(root, (const xmlChar *)EDOC_NS, NULL);
	xmlSetNs(root, ns);
	xmlDocSetRootElement(doc, root);

	snprintf(o->id, sizeof(o->id), "CFT-%s-%s", o->v[N_NO], o->v[N_ORD]);
	x_add(root, "CustomizationID", EDOC_CUSTOMIZATION);
	x_add(root, "ID", o->id);
	x_add(root, "IssueDateTime", o->v[N_ISSUED]);
	x_add(root, "ContractFolderID", o->v[N_NO]);
	x_add(root, "NoticeOrder", o->v[N_ORD]);
	if (!strcmp(o->v[N_KIND], "amend")) {
		n = x_add(root, "Amendment", NULL);
		x_add(n, "Reason", o->v[N_REASON]);
		x_add(n, "RebidRequired", !strcmp(o->v[N_REBID], "t") ?
		    "true" : "false");
	} else if (!strcmp(o->v[N_KIND], "cancel")) {
		n = x_add(root, "Cancellation", NULL);
		x_add(n, "Reason", o->v[N_REASON]);
	} else {
		x_add(root, "Registration", NULL);
	}
	n = x_add(root, "ContractingParty", NULL);
	x_add(n, "AgencyCode", o->v[N_ACODE]);
	x_add(n, "Name", o->v[N_ANAME]);

	n = x_add(root, "ProcurementProject", NULL);
	x_add(n, "Name", o->v[N_TITLE]);
	x_add(n, "ProcurementTypeCode", o->v[N_FAMILY]);
	x_amount(n, "BudgetAmount", o->v[N_BUDGET]);
	x_amount(n, "BaseAmount", o->v[N_BASE]);
	items = o->v[N_ITEMS];
	for (line = strtok_r(items, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		for (i = 0; i < 4; i++)
			f[i] = strsep(&line, "|");
		if (f[3] == NULL)
			continue;
		it = x_add(n, "ProcurementItem", NULL);
		x_add(it, "LineID", f[0]);
		x_add(it, "CommodityCode", f[1]);
		m = x_add(it, "Quantity", f[2]);
		xmlNewProp(m, (const xmlChar *)"unitCode", (const xmlChar *)f[3]);
	}

	n = x_add(root, "TenderingTerms", NULL);
	x_add(n, "PriceDecisionCode", "multiple");
	x_add(n, "PreliminaryPriceRange", atoi(o->v[N_RANGE]) == 3000 ?
	    "3" : "2");
	x_add(n, "PreliminaryPriceCount", "15");
	x_add(n, "PicksPerBidder", "2");
	floor = atoi(o->v[N_FLOOR]);
	if (!strcmp(o->v[N_AWARD], "qualification") && floor > 0) {
		snprintf(buf, sizeof(buf), "%d.%03d", floor / 1000,
		    floor % 1000);
		x_add(n, "AwardFloorRate", buf);
	}
	if (o->v[N_REGION][0] != '\0')
		x_add(n, "RegionRestriction", o->v[N_REGION]);
	if (o->v[N_CATEGORY][0] != '\0')
		x_add(n, "CategoryRestriction", o->v[N_CATEGORY]);
	x_add(n, "JointBidCode", "none");
	if (o->v[N_PUBKEY][0] != '\0' &&
	    (key = pem_body(o->v[N_PUBKEY])) != NULL) {
		x_add(n, "OpeningPublicKey", key);
		free(key);
	}

	n = x_add(root, "TenderingProcess", NULL);
	x_add(n, "ProcedureCode", o->v[N_METHOD]);
	x_add(n, "AwardingMethodCode", o->v[N_AWARD]);
	m = x_add(n, "TenderSubmissionPeriod", NULL);
	x_add(m, "StartDateTime", o->v[N_START]);
	x_add(m, "EndDateTime", o->v[N_CLOSE]);
	x_add(n, "OpeningDateTime", o->v[N_OPENING]);
	if (o->v[N_OFFICER][0] != '\0') {
		m = x_add(n, "BidOfficer", NULL);
		x_add(m, "Name", o->v[N_OFFICER]);
	}
	return (doc);
}


/* The bidder's own bids only ($2: the caller's organisation). */
static const char *out_receipt_sql =
    "SELECT b.receipt_no, n.notice_no, b.ord, "
    "to_char(b.received_at AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD'), "
    "to_char(b.received_at AT TIME ZONE 'Asia/Seoul', 'HH24:MI:SS.US') "
    "|| '+09:00', o.bizno, o.name, b.id, encode(b.bid_hash, 'hex'), "
    "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
    "n.id, to_char(b.received_at AT TIME ZONE 'UTC', "
    "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') "
    "FROM bidding.bid b JOIN bidding.notice n ON n.id = b.notice_id "
    "JOIN portal.org o ON o.id = b.org_id "
    "WHERE b.id = $1 AND b.org_id = $2";

/*
 * The children of a TenderReceipt from the columns of out_receipt_sql and
 * the signed receipt text (base64; NULL: none). Shared by the outbound
 * receipt and the answer to an accepted Tender, so both say the same.
 */
static void
receipt_fill(xmlNodePtr root, char *const *v, const char *rtext,
    const char *rsig, char *id, size_t idlen)
{
	xmlNodePtr	 n;
	char		 ref[EDOC_ID_MAX + 1];

	snprintf(id, idlen, "RCP-%s", v[R_NO]);
	snprintf(ref, sizeof(ref), "BID-%s", v[R_BID]);
	x_add(root, "CustomizationID", EDOC_CUSTOMIZATION);
	x_add(root, "ID", id);
	x_add(root, "IssueDateTime", v[R_ISSUED]);
	x_add(root, "ReceiptNumber", v[R_NO]);
	x_add(root, "ContractFolderID", v[R_NOTICE]);
	x_add(root, "NoticeOrder", v[R_ORD]);
	x_add(root, "RegisteredDate", v[R_DATE]);
	x_add(root, "RegisteredTime", v[R_TIME]);
	n = x_add(root, "SenderParty", NULL);
	x_add(n, "PortalID", "G2B");
	x_add(n, "Name", "G2B");
	n = x_add(root, "TendererParty", NULL);
	x_add(n, "BusinessRegistrationNumber", v[R_BIZNO]);
	x_add(n, "Name", v[R_NAME]);
	n = x_add(root, "TenderDocumentReference", NULL);
	x_add(n, "ID", ref);
	x_add(n, "DocumentHash", v[R_HASH]);
	if (rtext != NULL && rsig != NULL) {
		n = x_add(root, "ReceiptSignature", NULL);
		x_add(n, "ReceiptText", rtext);
		x_add(n, "SignatureValue", rsig);
	}
}

static xmlDocPtr
build_receipt(struct out_job *o)
{
	xmlDocPtr	 doc;
	xmlNodePtr	 root;
	xmlNsPtr	 ns;

	doc = xmlNewDoc((const xmlChar *)"1.0");
	root = xmlNewNode(NULL, (const xmlChar *)"TenderReceipt");
	ns = xmlNewNs(root, (const xmlChar *)EDOC_NS, NULL);
	xmlSetNs(root, ns);
	xmlDocSetRootElement(doc, root);
	receipt_fill(root, o->v, o->rtext, o->rsig, o->id, sizeof(o->id));
	return (doc);
}

/* The columns of out_award_sql: the award of a notice (낙찰 통보). */
enum {
	A_NO, A_ORD, A_ACODE, A_ANAME, A_DATE, A_METHOD, A_BIZNO, A_SNAME,
	A_RECEIPT, A_AMOUNT, A_PLANNED, A_RATIO, A_RANK, A_CONTRACT,
	A_FAILED, A_ISSUED, A_NOTICE_ID, A_NCOLS
};

/*
 * Public once awarded (the award follows the opening): the contract of
 * the notice, the winning bid's opening result and, for a qualification
 * review, the candidates ranked before it that failed the review.
 */
static const char *out_award_sql =
    "SELECT n.notice_no, b.ord, o.agency_code, o.name, "
    "to_char(c.awarded_at AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD'), "
    "v.award_method, s.bizno, s.name, b.receipt_no, c.amount, op.planned, "
    "r.ratio_milli, r.rank, c.contract_no, "
    "coalesce((SELECT string_agg(f.rank || '|' || fo.bizno || '|' || "
    "replace(coalesce(f.review_reason, '-'), E'\n', ' '), E'\n' "
    "ORDER BY f.rank) FROM bidding.bid_result f "
    "JOIN bidding.bid fb ON fb.id = f.bid_id "
    "JOIN portal.org fo ON fo.id = fb.org_id "
    "WHERE f.notice_id = n.id AND f.review = 'fail' AND f.rank < r.rank), "
    "''), "
    "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
    "n.id "
    "FROM bidding.contract c JOIN bidding.notice n ON n.id = c.notice_id "
    "JOIN bidding.bid b ON b.id = c.bid_id "
    "JOIN bidding.notice_version v ON v.notice_id = n.id AND v.ord = b.ord "
    "JOIN bidding.opening op ON op.notice_id = n.id "
    "JOIN bidding.bid_result r ON r.bid_id = b.id "
    "JOIN portal.org o ON o.id = c.agency_id "
    "JOIN portal.org s ON s.id = c.supplier_id "
    "WHERE n.id = $1 AND r.rank IS NOT NULL";

static xmlDocPtr
build_award(struct out_job *o)
{
	xmlDocPtr	 doc;
	xmlNodePtr	 root, n, q, fc;
	xmlNsPtr	 ns;
	char		 buf[32], *line, *save, *f[3];
	int		 i, ratio;

	doc = xmlNewDoc((const xmlChar *)"1.0");
	root = xmlNewNode(NULL, (const xmlChar *)"ContractAwardNotice");
	ns = xmlNewNs(root, (const xmlChar *)EDOC_NS, NULL);
	xmlSetNs(root, ns);
	xmlDocSetRootElement(doc, root);

	snprintf(o->id, sizeof(o->id), "AWD-%s-%s", o->v[A_NO], o->v[A_ORD]);
	x_add(root, "CustomizationID", EDOC_CUSTOMIZATION);
	x_add(root, "ID", o->id);
	x_add(root, "IssueDateTime", o->v[A_ISSUED]);
	x_add(root, "ContractFolderID", o->v[A_NO]);
	x_add(root, "NoticeOrder", o->v[A_ORD]);
	n = x_add(root, "ContractingParty", NULL);
	x_add(n, "AgencyCode", o->v[A_ACODE]);
	x_add(n, "Name", o->v[A_ANAME]);
	x_add(root, "AwardDate", o->v[A_DATE]);
	x_add(root, "AwardingMethodCode", o->v[A_METHOD]);
	n = x_add(root, "WinningParty", NULL);
	x_add(n, "BusinessRegistrationNumber", o->v[A_BIZNO]);
	x_add(n, "Name", o->v[A_SNAME]);
	x_add(root, "ReceiptNumber", o->v[A_RECEIPT]);
	x_amount(root, "AwardedAmount", o->v[A_AMOUNT]);
	x_amount(root, "PlannedPrice", o->v[A_PLANNED]);
	ratio = atoi(o->v[A_RATIO]);
	snprintf(buf, sizeof(buf), "%d.%03d", ratio / 1000, ratio % 1000);
	x_add(root, "Ratio", buf);
	x_add(root, "Rank", o->v[A_RANK]);
	if (!strcmp(o->v[A_METHOD], "qualification")) {
		q = x_add(root, "QualificationReview", NULL);
		for (line = strtok_r(o->v[A_FAILED], "\n", &save);
		    line != NULL; line = strtok_r(NULL, "\n", &save)) {
			for (i = 0; i < 3; i++)
				f[i] = strsep(&line, "|");
			if (f[2] == NULL)
				continue;
			fc = x_add(q, "FailedCandidate", NULL);
			x_add(fc, "Rank", f[0]);
			x_add(fc, "BusinessRegistrationNumber", f[1]);
			x_add(fc, "Reason", f[2]);
		}
	}
	x_add(root, "ContractID", o->v[A_CONTRACT]);
	return (doc);
}

/* The columns of out_contract_sql: one contract (계약서). */
enum {
	C_NO, C_NOTICE, C_TITLE, C_FAMILY, C_METHOD, C_ACODE, C_ANAME,
	C_BIZNO, C_SNAME, C_REP, C_AMOUNT, C_STARTS, C_ENDS, C_STATUS,
	C_ITEMS, C_ISSUED, C_NOTICE_ID, C_ID, C_NCOLS
};

/*
 * To its two parties only ($2: the caller's organisation). The portal's
 * contracts come from a lowest-price or qualification award of one bid
 * for all the items: lump-sum (총액), the items those of the bid's order.
 */
static const char *out_contract_sql =
    "SELECT c.contract_no, n.notice_no, v.title, v.family, "
    "v.contract_method, a.agency_code, a.name, s.bizno, s.name, "
    "coalesce(s.representative, ''), c.amount, "
    "coalesce(to_char(c.starts, 'YYYY-MM-DD'), ''), "
    "coalesce(to_char(c.ends, 'YYYY-MM-DD'), ''), c.status, "
    "(SELECT string_agg(i.line || '|' || i.code || '|' || "
    "trim_scale(i.quantity)::text || '|' || i.unit, E'\\n' ORDER BY i.line) "
    "FROM bidding.notice_item i WHERE i.notice_id = n.id "
    "AND i.ord = b.ord), "
    "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
    "n.id, c.id "
    "FROM bidding.contract c JOIN bidding.notice n ON n.id = c.notice_id "
    "JOIN bidding.bid b ON b.id = c.bid_id "
    "JOIN bidding.notice_version v ON v.notice_id = n.id AND v.ord = b.ord "
    "JOIN portal.org a ON a.id = c.agency_id "
    "JOIN portal.org s ON s.id = c.supplier_id "
    "WHERE c.id = $1 AND $2 IN (c.agency_id, c.supplier_id)";

static xmlDocPtr
build_contract(struct out_job *o)
{
	xmlDocPtr	 doc;
	xmlNodePtr	 root, n, m, it;
	xmlNsPtr	 ns;
	char		*line, *save, *f[4];
	int		 i;

	doc = xmlNewDoc((const xmlChar *)"1.0");
	root = xmlNewNode(NULL, (const xmlChar *)"Contract");
	ns = xmlNewNs(root, (const xmlChar *)EDOC_NS, NULL);
	xmlSetNs(root, ns);
	xmlDocSetRootElement(doc, root);

	snprintf(o->id, sizeof(o->id), "CTR-%s", o->v[C_NO]);
	x_add(root, "CustomizationID", EDOC_CUSTOMIZATION);
	x_add(root, "ID", o->id);
	x_add(root, "IssueDateTime", o->v[C_ISSUED]);
	x_add(root, "ContractID", o->v[C_NO]);
	x_add(root, "ContractFolderID", o->v[C_NOTICE]);
	x_add(root, "Name", o->v[C_TITLE]);
	x_add(root, "ProcurementTypeCode", o->v[C_FAMILY]);
	x_add(root, "ProcedureCode", o->v[C_METHOD]);
	n = x_add(root, "ContractingParty", NULL);
	x_add(n, "AgencyCode", o->v[C_ACODE]);
	x_add(n, "Name", o->v[C_ANAME]);
	n = x_add(root, "ContractorParty", NULL);
	x_add(n, "BusinessRegistrationNumber", o->v[C_BIZNO]);
	x_add(n, "Name", o->v[C_SNAME]);
	if (o->v[C_REP][0] != '\0')
		x_add(n, "RepresentativeName", o->v[C_REP]);
	x_amount(root, "LumpSumAmount", o->v[C_AMOUNT]);
	if (o->v[C_STARTS][0] != '\0' && o->v[C_ENDS][0] != '\0') {
		n = x_add(root, "ValidityPeriod", NULL);
		x_add(n, "StartDate", o->v[C_STARTS]);
		x_add(n, "EndDate", o->v[C_ENDS]);
	}
	for (line = strtok_r(o->v[C_ITEMS], "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		for (i = 0; i < 4; i++)
			f[i] = strsep(&line, "|");
		if (f[3] == NULL)
			continue;
		it = x_add(root, "ContractItem", NULL);
		x_add(it, "LineID", f[0]);
		x_add(it, "CommodityCode", f[1]);
		m = x_add(it, "Quantity", f[2]);
		xmlNewProp(m, (const xmlChar *)"unitCode", (const xmlChar *)f[3]);
	}
	x_add(root, "StatusCode", o->v[C_STATUS]);
	return (doc);
}

/* Build, sign with the portal's key and check what will be sent. */
static int
out_work(void *arg)
{
	struct out_job		*o = arg;
	struct edoc_result	*res;
	xmlDocPtr		 doc;
	int			 rc = -1;

	if ((res = malloc(sizeof(*res))) == NULL)
		return (-1);
	pthread_mutex_lock(&ex_edoc_lock);
	if (o->kind == EDOC_RECEIPT)
		doc = build_receipt(o);
	else if (o->kind == EDOC_AWARD)
		doc = build_award(o);
	else if (o->kind == EDOC_CONTRACT)
		doc = build_contract(o);
	else
		doc = build_notice(o);
	if (edoc_outbound(doc, ex.key_pem, ex.cert_pem, &o->out, &o->outlen,
	    res) == 0) {
		SHA256((const unsigned char *)o->out, o->outlen,
		    (unsigned char *)o->sha);
		rc = 0;
	} else if (res->nproblems > 0) {
		snprintf(o->problem, sizeof(o->problem), "%s at %d:%d: %s",
		    edoc_code_name(res->problems[0].code),
		    res->problems[0].line, res->problems[0].column,
		    res->problems[0].message);
	}
	xmlFreeDoc(doc);
	pthread_mutex_unlock(&ex_edoc_lock);
	free(res);
	return (rc);
}

static int
out_get(struct g2b_ctx *ctx)
{
	char		 hash[TOKEN_HASH_LEN * 2 + 4], id[24];
	const char	*vals[2];
	int		 how;

	if (g2b_path_id(ctx, id, sizeof(id)) == -1)
		return (g2b_error(ctx, 404));
	g2b_keep(ctx, 0, id);
	if (ex_keys() == -1)
		return (g2b_error(ctx, 503));
	how = ex_auth(ctx, hash, sizeof(hash));
	if (how == EX_AUTH_BADCERT)
		return (g2b_json_error(ctx, 401, "unauthorized"));
	if (how != EX_AUTH_NONE) {
		vals[0] = hash;
		vals[1] = ctx->ip;
		ctx->n[0] = 1;
		if (how == EX_AUTH_CERT)
			return (g2b_query(ctx, out_authed,
			    "SELECT org_id, user_id, token_id, retry_after "
			    "FROM exchange.cert_auth_ip($1, $2)", 2, vals));
		return (g2b_query(ctx, out_authed,
		    "SELECT org_id, user_id, token_id, retry_after "
		    "FROM exchange.token_auth_ip($1, $2)", 2, vals));
	}
	if (!ctx->logged_in) {
		http_response_header(ctx->req, "www-authenticate",
		    "Bearer realm=\"g2b-edoc\"");
		return (g2b_json_error(ctx, 401, "unauthorized"));
	}
	g2b_keep(ctx, 1, ctx->user.org_id);
	g2b_keep(ctx, 2, ctx->user.id);
	return (out_authed(ctx));
}

static int
out_authed(struct g2b_ctx *ctx)
{
	const char	*vals[2];

	if (ctx->n[0] == 1) {		/* came from token_auth */
		if (ctx->db_error)
			return (g2b_error(ctx, 503));
		if (g2b_rows(ctx) == 1 && !g2b_isnull(ctx, 0, 3)) {
			(void)ex_throttled(ctx, g2b_val(ctx, 0, 3), NULL, 0);
			return (g2b_json_error(ctx, 429, "throttled"));
		}
		if (g2b_rows(ctx) != 1)
			return (g2b_json_error(ctx, 401, "unauthorized"));
		g2b_keep(ctx, 1, g2b_val(ctx, 0, 0));
		g2b_keep(ctx, 2, g2b_val(ctx, 0, 1));
		g2b_keep(ctx, 3, g2b_val(ctx, 0, 2));
	}
	vals[0] = ctx->s[0];
	vals[1] = ctx->s[1] != NULL && ctx->s[1][0] != '\0' ? ctx->s[1] : "0";
	if (ctx->route == &route_out_receipt)
		return (g2b_query(ctx, out_loaded, out_receipt_sql, 2, vals));
	if (ctx->route == &route_out_contract)
		return (g2b_query(ctx, out_loaded, out_contract_sql, 2, vals));
	/* Awards are public once made. */
	if (ctx->route == &route_out_award)
		return (g2b_query(ctx, out_loaded, out_award_sql, 1, vals));
	/* Published notices are public to every authenticated caller. */
	return (g2b_query(ctx, out_loaded, out_notice_sql, 1, vals));
}

static int
out_loaded(struct g2b_ctx *ctx)
{
	struct out_job	*o;
	int		 i, ncols;

	if (ctx->db_error)
		return (g2b_error(ctx, 503));
	if (g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 404));
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return (g2b_error(ctx, 503));
	ctx->ptr = o;
	ctx->ptr_free = out_job_free;
	if (ctx->route == &route_out_receipt) {
		o->kind = EDOC_RECEIPT;
		ncols = R_NCOLS;
	} else if (ctx->route == &route_out_award) {
		o->kind = EDOC_AWARD;
		ncols = A_NCOLS;
	} else if (ctx->route == &route_out_contract) {
		o->kind = EDOC_CONTRACT;
		ncols = C_NCOLS;
	} else {
		o->kind = EDOC_NOTICE;
		ncols = N_NCOLS;
	}
	for (i = 0; i < ncols && i < PQnfields(ctx->res); i++) {
		if ((o->v[i] = strdup(g2b_val(ctx, 0, i))) == NULL)
			return (g2b_error(ctx, 503));
		o->nv = i + 1;
	}
	if (o->nv != ncols)
		fatal("exchange: outbound query has %d columns", o->nv);
	/* The receipt key signs on the worker, as for the browser's. */
	if (o->kind == EDOC_RECEIPT && receipt_signed(o->v[R_NO],
	    o->v[R_NOTICE], o->v[R_ORD], o->v[R_BIZNO], o->v[R_HASH],
	    o->v[R_RECEIVED], &o->rtext, &o->rsig) == -1) {
		kore_log(LOG_ERR, "exchange: receipt of bid %s failed",
		    o->v[R_BID]);
		return (g2b_error(ctx, 500));
	}
	return (g2b_task(ctx, out_work, o, out_built));
}

static int
out_built(struct g2b_ctx *ctx)
{
	struct out_job	*o = ctx->ptr;
	const char	*vals[9];
	char		*body, *sha;
	int		 r;

	if (ctx->job->rc != 0 || o->out == NULL) {
		/* A server bug: logged, never sent. */
		kore_log(LOG_ERR, "exchange: outbound %s is invalid: %s",
		    o->id, o->problem);
		return (g2b_error(ctx, 500));
	}
	body = bytea_hex((const unsigned char *)o->out, o->outlen);
	sha = bytea_hex((const unsigned char *)o->sha, sizeof(o->sha));
	vals[0] = edoc_type_root(o->kind);
	vals[1] = o->id;
	vals[2] = ctx->s[1] != NULL && ctx->s[1][0] != '\0' ? ctx->s[1] :
	    NULL;
	vals[3] = sha;
	vals[4] = body;
	vals[5] = ctx->s[3];
	vals[6] = ctx->s[2] != NULL && ctx->s[2][0] != '\0' ? ctx->s[2] :
	    NULL;
	vals[7] = o->kind == EDOC_RECEIPT ? o->v[R_NOTICE_ID] : ctx->s[0];
	if (o->kind == EDOC_AWARD)
		vals[7] = o->v[A_NOTICE_ID];
	vals[8] = NULL;
	if (o->kind == EDOC_CONTRACT) {
		vals[7] = o->v[C_NOTICE_ID];
		vals[8] = o->v[C_ID];
	}
	r = g2b_query(ctx, out_stored,
	    "INSERT INTO exchange.document (direction, doc_type, doc_id, "
	    "receiver_org, sha256, body, sig_status, result, http_status, "
	    "token_id, user_id, notice_id, contract_id) VALUES ('out', $1, $2, "
	    "$3, $4, $5, 'portal', 'sent', 200, $6, $7, $8, $9) RETURNING id",
	    9, vals);
	free(body);
	free(sha);
	return (r);
}

static int
out_stored(struct g2b_ctx *ctx)
{
	struct out_job	*o = ctx->ptr;

	if (ctx->db_error || g2b_rows(ctx) != 1)
		return (g2b_error(ctx, 503));
	return (g2b_send(ctx, 200, "application/xml; charset=utf-8", o->out,
	    o->outlen));
}

int
page_edoc_out_notice(struct http_request *req)
{
	return (g2b_run(req, &route_out_notice));
}

int
page_edoc_out_receipt(struct http_request *req)
{
	return (g2b_run(req, &route_out_receipt));
}

int
page_edoc_out_award(struct http_request *req)
{
	return (g2b_run(req, &route_out_award));
}

int
page_edoc_out_contract(struct http_request *req)
{
	return (g2b_run(req, &route_out_contract));
}
