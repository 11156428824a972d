/*
 * Unit tests for portal/edoc.c: schemas and samples, safe parsing, XML
 * signatures, the acknowledgement/error document.
 *
 * Every sample under xsd/samples/<doc>/ must be valid or invalid as its
 * name says, both for the portal (edoc_check) and for xmllint with the
 * document's own schema, run here as a separate process. Signatures are
 * made with keys made here: an ECDSA P-256 supplier certificate issued by
 * a portal CA (bidding/ca.h), a second supplier, and a self-signed RSA
 * certificate; signatures made here are also checked by the xmlsec1
 * command, an independent implementation.
 *
 * Run from the repository root (xsd/ is found there, or in G2B_XSD_DIR).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "ca.h"
#include "edoc.h"

#define PASS		"edoc test passphrase 전자문서"

struct keys {
	char	*cacert;
	struct ca *ca;
	char	*eekey;		/* supplier 1: P-256 PKCS#8 PEM */
	char	*eecert;
	char	*ee2key;	/* supplier 2 */
	char	*ee2cert;
	char	*rsakey;	/* RSA-2048, self-signed */
	char	*rsacert;
	char	*p384key;	/* a curve we do not sign with */
	char	*p384cert;
};

static struct keys	 K;
static const char	*xsd_dir = "xsd";
static char		 samples[512];

/* Helpers */

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*b;
	long	 n;

	assert_non_null(f = fopen(path, "rb"));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	assert_non_null(b = malloc((size_t)n + 1));
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	b[n] = '\0';
	if (len != NULL)
		*len = (size_t)n;
	return (b);
}

static char *
sample(const char *doc, const char *name, size_t *len)
{
	char	path[1024];

	snprintf(path, sizeof(path), "%s/%s/%s", samples, doc, name);
	return (slurp(path, len));
}

static char *
bio_str(BIO *bio)
{
	char	*data, *s;
	long	 n;

	n = BIO_get_mem_data(bio, &data);
	assert_true(n > 0);
	assert_non_null(s = malloc((size_t)n + 1));
	memcpy(s, data, (size_t)n);
	s[n] = '\0';
	BIO_free(bio);
	return (s);
}

static char *
key_pem(EVP_PKEY *k)
{
	BIO	*bio;

	assert_non_null(bio = BIO_new(BIO_s_mem()));
	assert_int_equal(PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0,
	    NULL, NULL), 1);
	return (bio_str(bio));
}

static char *
spki_pem(EVP_PKEY *k)
{
	BIO	*bio;

	assert_non_null(bio = BIO_new(BIO_s_mem()));
	assert_int_equal(PEM_write_bio_PUBKEY(bio, k), 1);
	return (bio_str(bio));
}

/* A self-signed certificate for k (for RSA and P-384 keys). */
static char *
self_signed(EVP_PKEY *k, const char *cn)
{
	X509		*x;
	X509_NAME	*name;
	BIO		*bio;

	assert_non_null(x = X509_new());
	assert_int_equal(X509_set_version(x, 2), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), 7), 1);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), 0));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), 86400));
	name = X509_get_subject_name(x);
	assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0), 1);
	assert_int_equal(X509_set_issuer_name(x, name), 1);
	assert_int_equal(X509_set_pubkey(x, k), 1);
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	assert_non_null(bio = BIO_new(BIO_s_mem()));
	assert_int_equal(PEM_write_bio_X509(bio, x), 1);
	X509_free(x);
	return (bio_str(bio));
}

static void
issue(const char *person, const char *bizno, char **key, char **cert)
{
	struct ca_subject	 subj = { "(주)한빛정보통신", bizno, person,
				    "edoc-test" };
	EVP_PKEY		*k;
	char			*spki, serial[CA_SERIAL_HEX_MAX + 1];

	assert_non_null(k = EVP_EC_gen("P-256"));
	spki = spki_pem(k);
	assert_int_equal(ca_issue(K.ca, spki, &subj, 30, cert, serial), 0);
	*key = key_pem(k);
	free(spki);
	EVP_PKEY_free(k);
}

static struct edoc_result *
result_new(void)
{
	struct edoc_result	*r;

	assert_non_null(r = malloc(sizeof(*r)));
	edoc_result_init(r);
	return (r);
}

static int
has_code(const struct edoc_result *r, enum edoc_code code)
{
	size_t	i;

	for (i = 0; i < r->nproblems; i++)
		if (r->problems[i].code == code)
			return (1);
	return (0);
}

/* Replace the first occurrence of from in s by to (new string). */
static char *
replace(const char *s, const char *from, const char *to)
{
	const char	*p;
	char		*o;
	size_t		 n;

	assert_non_null(p = strstr(s, from));
	n = strlen(s) - strlen(from) + strlen(to);
	assert_non_null(o = malloc(n + 1));
	memcpy(o, s, (size_t)(p - s));
	strcpy(o + (p - s), to);
	strcat(o, p + strlen(from));
	return (o);
}

/* The valid bid sample signed with key/cert, serialised (free(3)). */
static char *
signed_bid(const char *key, const char *cert, size_t *len)
{
	struct edoc_result	*r = result_new();
	xmlDocPtr		 doc;
	char			*in, *out;
	size_t			 inlen;

	in = sample("bid", "valid-bid.xml", &inlen);
	assert_int_equal(edoc_check(in, inlen, EDOC_BID, r, &doc), 0);
	assert_int_equal(edoc_outbound(doc, key, cert, &out, len, r), 0);
	assert_int_equal(r->code, EDOC_OK);
	xmlFreeDoc(doc);
	free(in);
	free(r);
	return (out);
}

/* edoc_inbound's code for buf checked against cert. */
static enum edoc_code
inbound(const char *buf, const char *cert)
{
	struct edoc_result	*r = result_new();
	enum edoc_code		 code;
	xmlDocPtr		 doc = NULL;
	int			 rc;

	rc = edoc_inbound(buf, strlen(buf), EDOC_ANY, cert, r, &doc);
	code = r->code;
	assert_int_equal(rc == 0, code == EDOC_OK);
	assert_true(rc == 0 ? doc != NULL : doc == NULL);
	xmlFreeDoc(doc);
	free(r);
	return (code);
}

static enum edoc_code
check(const char *buf, size_t len, struct edoc_result *out)
{
	struct edoc_result	*r = out != NULL ? out : result_new();
	enum edoc_code		 code;

	edoc_result_init(r);
	(void)edoc_check(buf, len, EDOC_ANY, r, NULL);
	code = r->code;
	if (out == NULL)
		free(r);
	return (code);
}

static int
write_tmp(const char *data, size_t len, char *path, size_t pathsz)
{
	int	fd;

	snprintf(path, pathsz, "/tmp/test_edoc.XXXXXX");
	if ((fd = mkstemp(path)) == -1)
		return (-1);
	if (write(fd, data, len) != (ssize_t)len) {
		close(fd);
		return (-1);
	}
	close(fd);
	return (0);
}

/* Exit status of a shell command. */
static int
run(const char *cmd)
{
	int	st = system(cmd);

	return (WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/* Setup */

static int
setup(void **state)
{
	EVP_PKEY	*k;
	char		*cakey;
	const char	*d;

	(void)state;
	if ((d = getenv("G2B_XSD_DIR")) != NULL)
		xsd_dir = d;
	snprintf(samples, sizeof(samples), "%s/samples", xsd_dir);
	if (edoc_init(xsd_dir) != 0)
		return (-1);
	if (ca_create(PASS, "G2B 전자문서 시험 CA", 365, &K.cacert,
	    &cakey) != 0 || ca_load(K.cacert, cakey, PASS, &K.ca) != 0)
		return (-1);
	free(cakey);
	issue("김민준", "1208147521", &K.eekey, &K.eecert);
	issue("이서연", "1234567891", &K.ee2key, &K.ee2cert);
	if ((k = EVP_RSA_gen(2048)) == NULL)
		return (-1);
	K.rsakey = key_pem(k);
	K.rsacert = self_signed(k, "RSA signer");
	EVP_PKEY_free(k);
	if ((k = EVP_EC_gen("P-384")) == NULL)
		return (-1);
	K.p384key = key_pem(k);
	K.p384cert = self_signed(k, "P-384 signer");
	EVP_PKEY_free(k);
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	ca_free(K.ca);
	free(K.cacert);
	free(K.eekey);
	free(K.eecert);
	free(K.ee2key);
	free(K.ee2cert);
	free(K.rsakey);
	free(K.rsacert);
	free(K.p384key);
	free(K.p384cert);
	edoc_cleanup();
	return (0);
}

/* Schemas and samples */

static void
test_samples(void **state)
{
	struct edoc_result	*r = result_new();
	DIR			*top, *dir;
	struct dirent		*de, *fe;
	char			 path[1024], cmd[2048], *buf;
	size_t			 len;
	int			 nvalid = 0, ninvalid = 0, ndocs = 0;
	int			 want_valid, ours, theirs;

	(void)state;
	assert_non_null(top = opendir(samples));
	while ((de = readdir(top)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", samples, de->d_name);
		assert_non_null(dir = opendir(path));
		ndocs++;
		while ((fe = readdir(dir)) != NULL) {
			if (strstr(fe->d_name, ".xml") == NULL)
				continue;
			snprintf(path, sizeof(path), "%s/%s/%s", samples,
			    de->d_name, fe->d_name);
			want_valid = strncmp(fe->d_name, "valid-", 6) == 0;
			assert_true(want_valid ||
			    strncmp(fe->d_name, "invalid-", 8) == 0);
			buf = slurp(path, &len);
			ours = check(buf, len, r) == EDOC_OK;
			free(buf);
			snprintf(cmd, sizeof(cmd), "xmllint --noout --nonet "
			    "--schema %s/%s.xsd %s >/dev/null 2>&1", xsd_dir,
			    de->d_name, path);
			theirs = run(cmd) == 0;
			if (ours != want_valid || theirs != want_valid)
				fail_msg("%s: portal says %s, xmllint says %s, "
				    "the name says %s (first problem: %s)",
				    path, ours ? "valid" : "invalid",
				    theirs ? "valid" : "invalid",
				    want_valid ? "valid" : "invalid",
				    r->nproblems > 0 ?
				    r->problems[0].message : "-");
			if (want_valid) {
				nvalid++;
				assert_int_equal(r->nproblems, 0);
				snprintf(cmd, sizeof(cmd), "%s.xsd",
				    de->d_name);
				assert_string_equal(edoc_type_schema(r->type),
				    cmd);
				assert_true(r->id[0] != '\0');
				continue;
			}
			ninvalid++;
			/* Every problem of a sample has its place. */
			assert_true(r->nproblems >= 1);
			assert_true(r->problems[0].line > 0);
			assert_true(r->problems[0].column > 0);
			if (strstr(fe->d_name, "malformed") != NULL)
				assert_int_equal(r->code, EDOC_E_MALFORMED);
			else if (strstr(fe->d_name, "namespace") != NULL)
				assert_int_equal(r->code, EDOC_E_NAMESPACE);
			else
				assert_int_equal(r->code, EDOC_E_SCHEMA);
		}
		closedir(dir);
	}
	closedir(top);
	free(r);
	assert_int_equal(ndocs, EDOC_NTYPES - 1);
	assert_true(nvalid >= EDOC_NTYPES - 1);
	assert_true(ninvalid >= 3 * (EDOC_NTYPES - 1));
}

/* Each document's own schema and the portal's edoc.xsd agree. */
static void
test_schemas_annotated(void **state)
{
	char	path[1024], *x;
	int	t;

	(void)state;
	for (t = EDOC_ANY + 1; t < EDOC_NTYPES; t++) {
		snprintf(path, sizeof(path), "%s/%s", xsd_dir,
		    edoc_type_schema(t));
		x = slurp(path, NULL);
		assert_non_null(strstr(x, "targetNamespace=\"" EDOC_NS "\""));
		assert_non_null(strstr(x, "xml:lang=\"ko\""));
		assert_non_null(strstr(x, "xml:lang=\"en\""));
		assert_non_null(strstr(x, "ref=\"ds:Signature\""));
		assert_non_null(strstr(x, edoc_type_root(t)));
		free(x);
	}
	snprintf(path, sizeof(path), "%s/xmldsig-core-schema.xsd", xsd_dir);
	x = slurp(path, NULL);
	assert_null(strstr(x, "<!DOCTYPE"));
	free(x);
}

static void
test_every_problem_listed(void **state)
{
	struct edoc_result	*r = result_new();
	char			*in, *a, *b, *c;
	size_t			 len;

	(void)state;
	in = sample("bid", "valid-bid.xml", &len);
	a = replace(in, "<NoticeOrder>0</NoticeOrder>",
	    "<NoticeOrder>x</NoticeOrder>");
	b = replace(a, "<RegionCode>11</RegionCode>",
	    "<RegionCode>99</RegionCode>");
	c = replace(b, "<NoCollusion>true</NoCollusion>",
	    "<NoCollusion>false</NoCollusion>");
	assert_int_equal(check(c, strlen(c), r), EDOC_E_SCHEMA);
	assert_int_equal(r->nproblems, 3);
	assert_int_equal(r->problems[0].line, 7);
	assert_int_equal(r->problems[1].line, 12);
	assert_int_equal(r->problems[2].line, 23);
	assert_non_null(strstr(r->problems[1].message, "RegionCode"));
	assert_true(r->problems[2].column > 1);
	assert_int_equal(r->type, EDOC_BID);
	assert_string_equal(r->id, "TND-1208147521-20261125-0001");
	free(a);
	free(b);
	free(c);
	free(in);
	free(r);
}

static void
test_type_detection(void **state)
{
	struct edoc_result	*r = result_new();
	char			*in, *x;
	size_t			 len;

	(void)state;
	in = sample("invoice", "valid-invoice.xml", &len);
	assert_int_equal(edoc_check(in, len, EDOC_INVOICE, r, NULL), 0);
	assert_int_equal(r->type, EDOC_INVOICE);
	edoc_result_init(r);
	assert_int_equal(edoc_check(in, len, EDOC_BID, r, NULL), -1);
	assert_int_equal(r->code, EDOC_E_TYPE);
	free(in);

	x = "<?xml version=\"1.0\"?>\n<Order xmlns=\"urn:g2b:edoc:1\"/>";
	assert_int_equal(check(x, strlen(x), r), EDOC_E_UNKNOWN);
	assert_int_equal(r->nproblems, 1);
	x = "<Tender xmlns=\"urn:oasis:names:specification:ubl:schema:"
	    "xsd:Tender-2\"><ID>1</ID></Tender>";
	assert_int_equal(check(x, strlen(x), r), EDOC_E_NAMESPACE);
	assert_int_equal(r->nproblems, 1);
	x = "<Tender><ID>1</ID></Tender>";
	assert_int_equal(check(x, strlen(x), r), EDOC_E_NAMESPACE);
	assert_int_equal(edoc_type_from_root("Tender"), EDOC_BID);
	assert_int_equal(edoc_type_from_root("tender"), EDOC_ANY);
	assert_string_equal(edoc_code_name(EDOC_E_DOCTYPE), "doctype");
	free(r);
}

/* Rules beyond the schema: the schema accepts each case, edoc does not. */
static void
test_rules(void **state)
{
	static const struct {
		const char	*doc, *sample, *from, *to;
		int		 line;
		size_t		 n;	/* problems */
	} cases[] = {
		{ "bid", "valid-bid.xml", "<BusinessRegistrationNumber>"
		    "1208147521", "<BusinessRegistrationNumber>1208147522",
		    9, 1 },
		{ "notice", "valid-registration.xml", "<BaseAmount currencyID="
		    "\"KRW\">495000000", "<BaseAmount currencyID=\"KRW\">"
		    "520000001", 22, 1 },
		{ "notice", "valid-registration.xml", "<BaseAmount currencyID="
		    "\"KRW\">", "<BaseAmount currencyID=\"USD\">", 22, 1 },
		{ "notice", "valid-registration.xml", "<StartDateTime>"
		    "2026-11-24T10:00:00+09:00", "<StartDateTime>"
		    "2026-12-01T01:00:00Z", 49, 1 },
		{ "notice", "valid-registration.xml", "<OpeningDateTime>"
		    "2026-12-01T11:00:00+09:00", "<OpeningDateTime>"
		    "2026-12-01T00:59:59Z", 53, 1 },
		{ "notice", "valid-registration.xml", "\t\t<AwardFloorRate>"
		    "84.245</AwardFloorRate>\n", "", 35, 1 },
		{ "notice", "valid-renotice.xml", "<PicksPerBidder>2"
		    "</PicksPerBidder>", "<PicksPerBidder>2</PicksPerBidder>"
		    "<AwardFloorRate>87.745</AwardFloorRate>", 41, 1 },
		{ "notice", "valid-amendment.xml", "<NoticeOrder>1<",
		    "<NoticeOrder>0<", 7, 1 },
		{ "opening", "valid-opening.xml", "(below the award floor)"
		    "</Reason>", "(below the award floor)</Reason><Rank>2"
		    "</Rank>", 127, 1 },
		{ "opening", "valid-opening.xml", "<Valid>true</Valid>\n\t\t"
		    "<Excluded>true", "<Valid>false</Valid>\n\t\t<Excluded>"
		    "true", 115, 2 },
		{ "opening", "valid-opening.xml", "<Number>1</Number>\n\t\t"
		    "<Number>3</Number>", "<Number>3</Number>\n\t\t<Number>1"
		    "</Number>", 90, 1 },
		{ "opening", "valid-opening.xml", "490734810</PlannedPrice>",
		    "490734812</PlannedPrice>", 96, 2 },
		{ "opening", "valid-opening.xml", "413419541</FloorAmount>",
		    "413419540</FloorAmount>", 98, 1 },
		{ "opening", "valid-opening.xml", "<Ratio>84.543</Ratio>",
		    "<Ratio>84.544</Ratio>", 110, 1 },
		{ "opening", "valid-opening.xml", "<Number>15</Number>"
		    "\n\t\t\t\t<Amount currencyID=\"KRW\">505402660"
		    "</Amount>\n\t\t\t\t<PickCount>0",
		    "<Number>15</Number>\n\t\t\t\t<Amount "
		    "currencyID=\"KRW\">505402660</Amount>\n\t\t\t\t"
		    "<PickCount>1", 13, 1 },
		{ "opening", "valid-opening.xml", "<Excluded>true</Excluded>",
		    "<Excluded>false</Excluded>", 126, 1 },
		{ "contract", "valid-contract.xml", "<LineAmount currencyID="
		    "\"KRW\">14700000", "<LineAmount currencyID=\"KRW\">"
		    "14700001", 20, 1 },
		{ "contract", "valid-contract.xml", "<EndDate>2027-02-28",
		    "<EndDate>2026-12-04", 21, 1 },
		{ "inspection", "valid-inspection.xml", "<DeliveryKindCode>"
		    "partial", "<DeliveryKindCode>installment", 15, 1 },
		{ "inspection", "valid-inspection.xml", "<DeliveredAmount "
		    "currencyID=\"KRW\">178000000", "<DeliveredAmount "
		    "currencyID=\"KRW\">178000000.01", 25, 1 },
		{ "invoice", "valid-invoice.xml", "<PayableAmount currencyID="
		    "\"KRW\">178000000", "<PayableAmount currencyID=\"KRW\">"
		    "177999999", 24, 1 },
		{ "invoice", "valid-invoice.xml", "<TaxAmount currencyID="
		    "\"KRW\">", "<TaxAmount currencyID=\"USD\">", 24, 1 },
		{ "invoice", "valid-invoice.xml", "<LineExtensionAmount "
		    "currencyID=\"KRW\">161818182</LineExtensionAmount>\n\t"
		    "</InvoiceLine>", "<LineExtensionAmount currencyID=\"KRW\">"
		    "161818181</LineExtensionAmount>\n\t</InvoiceLine>",
		    22, 1 },
		{ "response", "valid-rejected.xml", "<ResponseCode>Rejected",
		    "<ResponseCode>Accepted", 10, 1 },
		{ "response", "valid-accepted.xml", "<ResponseCode>Accepted",
		    "<ResponseCode>Rejected", 13, 1 },
	};
	struct edoc_result	*r = result_new();
	char			*in, *t, *u, path[64], cmd[512];
	size_t			 i, len;

	(void)state;
	/* White space the schema ignores is ignored by the rules too. */
	in = sample("notice", "valid-registration.xml", &len);
	t = replace(in, "<AwardingMethodCode>qualification",
	    "<AwardingMethodCode>\n\t qualification \n");
	u = replace(t, "<AgencyCode>1230000</AgencyCode>",
	    "<AgencyCode> 1230000\n</AgencyCode>");
	free(t);
	t = replace(u, "<EndDateTime>2026-12-01T10:00:00+09:00<",
	    "<EndDateTime>\n 2026-12-01T10:00:00+09:00\n\t<");
	assert_int_equal(check(t, strlen(t), r), EDOC_OK);
	free(t);
	free(u);
	free(in);
	in = sample("bid", "valid-bid.xml", &len);
	t = replace(in, "<BusinessRegistrationNumber>1208147521<",
	    "<BusinessRegistrationNumber>\n\t1208147521  <");
	assert_int_equal(check(t, strlen(t), r), EDOC_OK);
	free(t);
	free(in);

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		in = sample(cases[i].doc, cases[i].sample, &len);
		t = replace(in, cases[i].from, cases[i].to);
		if (check(t, strlen(t), r) != EDOC_E_RULE || r->nproblems !=
		    cases[i].n ||
		    r->problems[0].line != cases[i].line)
			fail_msg("case %zu (%s): %s, %zu problems, line %d: %s",
			    i, cases[i].sample, edoc_code_name(r->code),
			    r->nproblems, r->nproblems > 0 ?
			    r->problems[0].line : 0, r->nproblems > 0 ?
			    r->problems[0].message : "-");
		/* The schema alone accepts it. */
		assert_int_equal(write_tmp(t, strlen(t), path, sizeof(path)),
		    0);
		snprintf(cmd, sizeof(cmd), "xmllint --noout --nonet --schema "
		    "%s/%s.xsd %s >/dev/null 2>&1", xsd_dir, cases[i].doc,
		    path);
		assert_int_equal(run(cmd), 0);
		unlink(path);
		free(t);
		free(in);
	}
	free(r);
}

/* Hostile input */

static void
test_doctype_refused(void **state)
{
	struct edoc_result	*r = result_new();
	static const char *const docs[] = {
		/* billion laughs */
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE Tender [\n"
		" <!ENTITY a \"aaaaaaaaaa\">\n"
		" <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
		" <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
		" <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
		" <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
		" <!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
		" <!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
		" <!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n"
		"]>\n<Tender xmlns=\"urn:g2b:edoc:1\"><ID>&h;</ID></Tender>",
		/* external entity (XXE) */
		"<?xml version=\"1.0\"?>\n<!DOCTYPE Tender [<!ENTITY x "
		"SYSTEM \"file:///etc/passwd\">]>\n"
		"<Tender xmlns=\"urn:g2b:edoc:1\"><ID>&x;</ID></Tender>",
		/* external DTD over the network */
		"<!DOCTYPE Tender SYSTEM \"http://127.0.0.1:9/x.dtd\">"
		"<Tender xmlns=\"urn:g2b:edoc:1\"/>",
		/* parameter entities */
		"<!DOCTYPE Tender [<!ENTITY % p SYSTEM \"file:///etc/hosts\">"
		"%p;]><Tender xmlns=\"urn:g2b:edoc:1\"/>",
		/* a harmless-looking DOCTYPE is refused too */
		"<!DOCTYPE Tender><Tender xmlns=\"urn:g2b:edoc:1\"/>",
	};
	size_t			 i;
	clock_t			 t0 = clock();

	(void)state;
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		assert_int_equal(check(docs[i], strlen(docs[i]), r),
		    EDOC_E_DOCTYPE);
		assert_int_equal(r->nproblems, 1);
		assert_true(r->problems[0].line >= 1);
		assert_true(r->problems[0].column >= 1);
		assert_non_null(strstr(r->problems[0].message, "DOCTYPE"));
	}
	/* Nothing was expanded: all of that took no time. */
	assert_true((clock() - t0) < CLOCKS_PER_SEC / 2);
	free(r);
}

static void
test_depth_limit(void **state)
{
	struct edoc_result	*r = result_new();
	char			*x;
	size_t			 i, n, o = 0, cap;

	(void)state;
	for (n = EDOC_DEPTH_MAX + 1; n <= 100000; n *= 10) {
		cap = n * 8 + 128;
		assert_non_null(x = malloc(cap));
		o = (size_t)snprintf(x, cap, "<Tender xmlns=\"%s\">", EDOC_NS);
		for (i = 1; i < n; i++) {
			memcpy(x + o, "<a>", 3);
			o += 3;
		}
		for (i = 1; i < n; i++) {
			memcpy(x + o, "</a>", 4);
			o += 4;
		}
		strcpy(x + o, "</Tender>");
		assert_int_equal(check(x, strlen(x), r), EDOC_E_DEPTH);
		assert_int_equal(r->nproblems, 1);
		assert_int_equal(r->problems[0].line, 1);
		assert_true(r->problems[0].column > 3 * EDOC_DEPTH_MAX);
		free(x);
	}
	free(r);
}

static void
test_size_limit(void **state)
{
	struct edoc_result	*r = result_new();
	char			*x;
	size_t			 n = EDOC_SIZE_MAX + 1;

	(void)state;
	assert_non_null(x = malloc(n));
	memset(x, ' ', n);
	memcpy(x, "<Tender xmlns=\"urn:g2b:edoc:1\">", 31);
	assert_int_equal(check(x, n, r), EDOC_E_SIZE);
	assert_int_equal(check(x, 0, r), EDOC_E_SIZE);
	assert_int_equal(check(NULL, 10, r), EDOC_E_SIZE);
	free(x);
	free(r);
}

static void
test_encoding(void **state)
{
	struct edoc_result	*r = result_new();
	const char		*x;
	char			 bad[64];

	(void)state;
	x = "<?xml version=\"1.0\" encoding=\"EUC-KR\"?>"
	    "<Tender xmlns=\"urn:g2b:edoc:1\"/>";
	assert_int_equal(check(x, strlen(x), r), EDOC_E_ENCODING);
	x = "\xff\xfe<\0T\0/\0>\0";
	assert_int_equal(check(x, 10, r), EDOC_E_ENCODING);
	snprintf(bad, sizeof(bad), "<Tender xmlns=\"urn:g2b:edoc:1\">"
	    "<ID>\xc3\x28</ID></Tender>");
	assert_int_equal(check(bad, strlen(bad), r), EDOC_E_ENCODING);
	assert_true(r->problems[0].line == 1);
	/* The problem text stays valid UTF-8 however bad the input. */
	x = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "<Tender xmlns=\"urn:g2b:edoc:1\"/>";
	assert_int_equal(check(x, strlen(x), r), EDOC_E_SCHEMA);
	free(r);
}

static void
test_malformed(void **state)
{
	struct edoc_result	*r = result_new();
	static const char *const docs[] = {
		"<",
		"not xml at all",
		"<Tender xmlns=\"urn:g2b:edoc:1\">",
		"<Tender xmlns=\"urn:g2b:edoc:1\"></Tender><Tender/>",
		"<Tender xmlns=\"urn:g2b:edoc:1\"><ID>&nope;</ID></Tender>",
		"<x:Tender xmlns=\"urn:g2b:edoc:1\"/>",
		"<Tender xmlns=\"urn:g2b:edoc:1\" a=\"1\" a=\"2\"/>",
		"\x00\x00\x00",
	};
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		enum edoc_code	c = check(docs[i], i == 7 ? 3 :
		    strlen(docs[i]), r);

		if (c != EDOC_E_MALFORMED && c != EDOC_E_ENCODING)
			fail_msg("doc %zu: code %s", i, edoc_code_name(c));
		assert_true(r->nproblems >= 1);
	}
	free(r);
}

/* Signatures */

static void
test_sign_verify_ecdsa(void **state)
{
	char	*out, path[64], cmd[512], certpath[64];
	size_t	 len;

	(void)state;
	out = signed_bid(K.eekey, K.eecert, &len);
	assert_non_null(strstr(out, "xmldsig-more#ecdsa-sha256"));
	assert_non_null(strstr(out, "xml-exc-c14n#"));
	assert_non_null(strstr(out, "<ds:X509Certificate>"));
	/* The signature is the last child of the root. */
	assert_non_null(strstr(out, "</ds:Signature></Tender>"));
	assert_int_equal(inbound(out, K.eecert), EDOC_OK);

	/* xmlsec1, another implementation, agrees. */
	assert_int_equal(write_tmp(out, len, path, sizeof(path)), 0);
	assert_int_equal(write_tmp(K.eecert, strlen(K.eecert), certpath,
	    sizeof(certpath)), 0);
	snprintf(cmd, sizeof(cmd), "xmlsec1 --verify --pubkey-cert-pem %s "
	    "--enabled-reference-uris empty %s >/dev/null 2>&1", certpath,
	    path);
	assert_int_equal(run(cmd), 0);
	snprintf(cmd, sizeof(cmd), "xmlsec1 --verify --pubkey-cert-pem %s "
	    "--enabled-reference-uris empty %s >/dev/null 2>&1", certpath,
	    "xsd/samples/bid/valid-bid.xml");
	assert_int_not_equal(run(cmd), 0);
	unlink(path);
	unlink(certpath);
	free(out);
}

/* A signature made once and committed still verifies (C14N is stable). */
static void
test_committed_signature(void **state)
{
	char	*doc, *cert;

	(void)state;
	doc = sample("bid", "valid-signed.xml", NULL);
	cert = sample("bid", "signer-cert.pem", NULL);
	assert_int_equal(inbound(doc, cert), EDOC_OK);
	assert_int_equal(inbound(doc, K.eecert), EDOC_E_SIG_CERT);
	free(doc);
	free(cert);
}

/* The public key of a PEM certificate (for EVP_PKEY_free). */
static EVP_PKEY *
pub_of(const char *pem)
{
	BIO		*bio;
	X509		*x;
	EVP_PKEY	*k;

	assert_non_null(bio = BIO_new_mem_buf(pem, -1));
	assert_non_null(x = PEM_read_bio_X509(bio, NULL, NULL, NULL));
	assert_non_null(k = X509_get_pubkey(x));
	X509_free(x);
	BIO_free(bio);
	return (k);
}

/* edoc_verify_key's verdict on text, as edoc_check then it. */
static enum edoc_code
inbound_key(const char *buf, const char *cert, EVP_PKEY *pub)
{
	struct edoc_result	*r = result_new();
	enum edoc_code		 code;
	xmlDocPtr		 doc = NULL;
	int			 rc;

	assert_int_equal(edoc_check(buf, strlen(buf), EDOC_ANY, r, &doc), 0);
	rc = edoc_verify_key(doc, cert, pub, r);
	code = r->code;
	assert_int_equal(rc == 0, code == EDOC_OK);
	xmlFreeDoc(doc);
	free(r);
	return (code);
}

/*
 * With the key the caller read from the certificate (the exchange's chain
 * check), the verdicts are edoc_verify's, twice (the second from the
 * cache of keys).
 */
static void
test_verify_key(void **state)
{
	EVP_PKEY	*ee = pub_of(K.eecert), *rsa = pub_of(K.rsacert), *sk;
	char		*out, *doc, *cert, *bad;
	size_t		 len;
	int		 round;

	(void)state;
	out = signed_bid(K.eekey, K.eecert, &len);
	doc = sample("bid", "valid-signed.xml", NULL);
	cert = sample("bid", "signer-cert.pem", NULL);
	sk = pub_of(cert);
	/* A character of the document's ID changed: not what was signed. */
	assert_non_null(bad = strdup(out));
	assert_non_null(strstr(bad, "<ID>"));
	strstr(bad, "<ID>")[4] ^= 1;
	for (round = 0; round < 2; round++) {
		assert_int_equal(inbound_key(out, K.eecert, ee), EDOC_OK);
		assert_int_equal(inbound(out, K.eecert), EDOC_OK);
		assert_int_equal(inbound_key(doc, cert, sk), EDOC_OK);
		assert_int_equal(inbound_key(doc, K.eecert, ee),
		    EDOC_E_SIG_CERT);
		assert_int_equal(inbound_key(out, K.rsacert, rsa),
		    EDOC_E_SIG_CERT);
		assert_int_equal(inbound_key(out, cert, ee), EDOC_E_SIG_CERT);
		assert_int_equal(inbound_key(out, K.eecert, NULL), EDOC_E_KEY);
		assert_int_equal(inbound_key(bad, K.eecert, ee),
		    EDOC_E_SIG_DIGEST);
		assert_int_equal(inbound(bad, K.eecert), EDOC_E_SIG_DIGEST);
	}
	EVP_PKEY_free(ee);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(sk);
	free(bad);
	free(out);
	free(doc);
	free(cert);
}

static void
test_sign_verify_rsa(void **state)
{
	struct edoc_result	*r = result_new();
	xmlDocPtr		 doc;
	char			*in, *out;
	size_t			 len, outlen;

	(void)state;
	in = sample("invoice", "valid-invoice.xml", &len);
	assert_int_equal(edoc_check(in, len, EDOC_INVOICE, r, &doc), 0);
	assert_int_equal(edoc_outbound(doc, K.rsakey, K.rsacert, &out,
	    &outlen, r), 0);
	assert_non_null(strstr(out, "xmldsig-more#rsa-sha256"));
	assert_int_equal(inbound(out, K.rsacert), EDOC_OK);
	assert_int_equal(inbound(out, K.eecert), EDOC_E_SIG_CERT);
	xmlFreeDoc(doc);
	free(out);
	free(in);
	free(r);
}

static void
test_sign_refusals(void **state)
{
	struct edoc_result	*r = result_new();
	xmlDocPtr		 doc;
	char			*in, *out;
	size_t			 len;

	(void)state;
	in = sample("bid", "valid-bid.xml", &len);
	assert_int_equal(edoc_check(in, len, EDOC_BID, r, &doc), 0);
	/* Key and certificate that do not match. */
	assert_int_equal(edoc_sign(doc, K.eekey, K.ee2cert, r), -1);
	assert_int_equal(r->code, EDOC_E_KEY);
	/* P-384 is not a portal key. */
	edoc_result_init(r);
	assert_int_equal(edoc_sign(doc, K.p384key, K.p384cert, r), -1);
	assert_int_equal(r->code, EDOC_E_KEY);
	edoc_result_init(r);
	assert_int_equal(edoc_sign(doc, "garbage", K.eecert, r), -1);
	assert_int_equal(r->code, EDOC_E_KEY);
	/* The document was left as it was, and signs once only. */
	edoc_result_init(r);
	assert_int_equal(edoc_sign(doc, K.eekey, K.eecert, r), 0);
	assert_int_equal(edoc_sign(doc, K.eekey, K.eecert, r), -1);
	assert_int_equal(r->code, EDOC_E_SIG_FORM);
	assert_int_equal(edoc_serialize(doc, &out, &len), 0);
	assert_int_equal(inbound(out, K.eecert), EDOC_OK);
	free(out);
	xmlFreeDoc(doc);
	free(in);
	free(r);
}

static void
test_tampering_detected(void **state)
{
	char	*out, *t;
	size_t	 len;

	(void)state;
	out = signed_bid(K.eekey, K.eecert, &len);
	/* A changed name, amount of ciphertext, and a changed attribute. */
	t = replace(out, "김민준", "김민수");
	assert_int_equal(inbound(t, K.eecert), EDOC_E_SIG_DIGEST);
	free(t);
	t = replace(out, "<Nonce>4e1f", "<Nonce>4e1e");
	assert_int_equal(inbound(t, K.eecert), EDOC_E_SIG_DIGEST);
	free(t);
	t = replace(out, "\n\t<Nonce>", "\n\t\t<Nonce>");
	assert_int_equal(inbound(t, K.eecert), EDOC_E_SIG_DIGEST);
	free(t);
	/* The signed data itself altered. */
	t = replace(out, "<ds:SignatureValue>", "<ds:SignatureValue>AAAA");
	assert_int_equal(inbound(t, K.eecert), EDOC_E_SIG_INVALID);
	free(t);
	/* xmlsec checks the reference first: a digest mismatch. */
	t = replace(out, "<ds:DigestValue>", "<ds:DigestValue>AAAA");
	assert_int_equal(inbound(t, K.eecert), EDOC_E_SIG_DIGEST);
	free(t);
	free(out);
}

static void
test_wrong_key_refused(void **state)
{
	char	*out, *t, *a, *b, *c;
	size_t	 len;

	(void)state;
	/* Signed by supplier 2, checked against supplier 1. */
	out = signed_bid(K.ee2key, K.ee2cert, &len);
	assert_int_equal(inbound(out, K.ee2cert), EDOC_OK);
	assert_int_equal(inbound(out, K.eecert), EDOC_E_SIG_CERT);
	assert_int_equal(inbound(out, K.rsacert), EDOC_E_SIG_CERT);
	/* Without KeyInfo the key still decides. */
	a = strstr(out, "<ds:KeyInfo>");
	b = strstr(out, "</ds:KeyInfo>");
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(t = strdup(out));
	memmove(t + (a - out), b + strlen("</ds:KeyInfo>"),
	    strlen(b + strlen("</ds:KeyInfo>")) + 1);
	assert_int_equal(inbound(t, K.ee2cert), EDOC_OK);
	assert_int_equal(inbound(t, K.eecert), EDOC_E_SIG_INVALID);
	assert_int_equal(inbound(t, K.rsacert), EDOC_E_SIG_INVALID);
	free(t);
	/* Supplier 1's certificate pasted into supplier 2's signature. */
	a = strstr(out, "<ds:X509Certificate>") +
	    strlen("<ds:X509Certificate>");
	b = strstr(out, "</ds:X509Certificate>");
	c = strdup(K.eecert);
	assert_non_null(c);
	*strstr(c, "\n-----END") = '\0';
	t = malloc(strlen(out) + strlen(c) + 1);
	assert_non_null(t);
	memcpy(t, out, (size_t)(a - out));
	strcpy(t + (a - out), strchr(c, '\n') + 1);
	strcat(t, b);
	assert_int_equal(inbound(t, K.eecert), EDOC_E_SIG_INVALID);
	free(t);
	free(c);
	free(out);
}

static void
test_signature_form(void **state)
{
	struct edoc_result	*r = result_new();
	char		*out, *t, *u;
	size_t		 len;
	const char	*sig;

	(void)state;
	/* Unsigned. */
	out = sample("bid", "valid-bid.xml", &len);
	assert_int_equal(inbound(out, K.eecert), EDOC_E_SIG_MISSING);
	free(out);

	out = signed_bid(K.eekey, K.eecert, &len);
	/* A reference to part of the document, or to elsewhere. */
	t = replace(out, "URI=\"\"", "URI=\"#TND\"");
	assert_int_equal(inbound(t, K.eecert), EDOC_E_SIG_FORM);
	free(t);
	t = replace(out, "URI=\"\"", "URI=\"http://127.0.0.1:9/doc.xml\"");
	assert_int_equal(inbound(t, K.eecert), EDOC_E_SIG_FORM);
	free(t);
	t = replace(out, "<ds:Reference URI=\"\">", "<ds:Reference>");
	assert_int_equal(inbound(t, K.eecert), EDOC_E_SIG_FORM);
	free(t);
	/* A second reference. */
	t = replace(out, "</ds:SignedInfo>", "<ds:Reference URI=\"\">"
	    "<ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/"
	    "2000/09/xmldsig#enveloped-signature\"/></ds:Transforms>"
	    "<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/"
	    "xmlenc#sha256\"/><ds:DigestValue>AAAA</ds:DigestValue>"
	    "</ds:Reference></ds:SignedInfo>");
	assert_int_equal(inbound(t, K.eecert), EDOC_E_SIG_FORM);
	free(t);
	/* No enveloped transform; an XPath transform; SHA-1. */
	t = replace(out, "<ds:Transform Algorithm=\"http://www.w3.org/2000/"
	    "09/xmldsig#enveloped-signature\"/>", "");
	assert_int_equal(inbound(t, K.eecert), EDOC_E_SIG_FORM);
	free(t);
	t = replace(out, "</ds:Transforms>", "<ds:Transform Algorithm="
	    "\"http://www.w3.org/TR/1999/REC-xpath-19991116\"><ds:XPath>"
	    "1</ds:XPath></ds:Transform></ds:Transforms>");
	assert_int_equal(inbound(t, K.eecert), EDOC_E_SIG_FORM);
	free(t);
	t = replace(out, "xmlenc#sha256", "xmldsig#sha1");
	u = replace(t, "http://www.w3.org/2001/04/xmldsig#sha1",
	    "http://www.w3.org/2000/09/xmldsig#sha1");
	assert_int_equal(inbound(u, K.eecert), EDOC_E_SIG_FORM);
	free(u);
	free(t);
	t = replace(out, "xmldsig-more#ecdsa-sha256",
	    "xmldsig-more#ecdsa-sha1");
	assert_int_equal(inbound(t, K.eecert), EDOC_E_SIG_FORM);
	free(t);
	/* Object, RetrievalMethod. */
	t = replace(out, "</ds:KeyInfo>", "</ds:KeyInfo><ds:Object Id=\"o\">"
	    "x</ds:Object>");
	assert_int_equal(inbound(t, K.eecert), EDOC_E_SIG_FORM);
	free(t);
	t = replace(out, "<ds:KeyInfo>", "<ds:KeyInfo><ds:RetrievalMethod "
	    "URI=\"http://127.0.0.1:9/key\"/>");
	assert_int_equal(inbound(t, K.eecert), EDOC_E_SIG_FORM);
	free(t);
	/* Two signatures; a signature elsewhere than last. */
	sig = strstr(out, "<ds:Signature");
	t = replace(out, "</Tender>", sig);
	edoc_result_init(r);
	assert_int_equal(edoc_inbound(t, strlen(t), EDOC_BID, K.eecert, r,
	    NULL), -1);
	assert_int_equal(r->code, EDOC_E_SCHEMA);
	assert_true(has_code(r, EDOC_E_SIG_FORM));
	free(t);
	t = replace(out, "</ds:Signature></Tender>",
	    "</ds:Signature><Extra/></Tender>");
	assert_int_equal(inbound(t, K.eecert), EDOC_E_SCHEMA);
	free(t);
	free(out);
	free(r);
}

/* The acknowledgement and error documents */

static void
test_response_documents(void **state)
{
	struct edoc_result	*r = result_new(), *in = result_new();
	xmlDocPtr		 resp;
	char			*src, *out, *signedout, path[64], cmd[512];
	size_t			 len, outlen, i;

	(void)state;
	/* Rejected: a schema error and a missing signature. */
	src = sample("bid", "invalid-bizno.xml", &len);
	assert_int_equal(edoc_inbound(src, len, EDOC_BID, K.eecert, in, NULL),
	    -1);
	assert_int_equal(in->code, EDOC_E_SCHEMA);
	assert_true(has_code(in, EDOC_E_SIG_MISSING));
	assert_int_equal(edoc_response(in, src, len, NULL, NULL, &resp), 0);
	assert_int_equal(edoc_outbound(resp, K.eekey, K.eecert, &out, &outlen,
	    r), 0);
	assert_int_equal(r->type, EDOC_RESPONSE);
	assert_non_null(strstr(out, "<ResponseCode>Rejected</ResponseCode>"));
	assert_non_null(strstr(out, "<Code>schema</Code>"));
	assert_non_null(strstr(out, "<Code>signature-missing</Code>"));
	assert_non_null(strstr(out, "<LineNumber>9</LineNumber>"));
	assert_non_null(strstr(out, "<ColumnNumber>"));
	assert_non_null(strstr(out, "<DocumentTypeCode>Tender"));
	assert_non_null(strstr(out, "<ID>ERR-"));
	assert_int_equal(inbound(out, K.eecert), EDOC_OK);
	/* xmllint agrees that the error document is valid. */
	assert_int_equal(write_tmp(out, outlen, path, sizeof(path)), 0);
	snprintf(cmd, sizeof(cmd), "xmllint --noout --nonet --schema "
	    "%s/response.xsd %s >/dev/null 2>&1", xsd_dir, path);
	assert_int_equal(run(cmd), 0);
	unlink(path);
	xmlFreeDoc(resp);
	free(out);
	free(src);

	/* Accepted. */
	signedout = signed_bid(K.eekey, K.eecert, &len);
	assert_int_equal(edoc_inbound(signedout, len, EDOC_BID, K.eecert, in,
	    NULL), 0);
	assert_int_equal(edoc_response(in, signedout, len, "ACK-1",
	    "1208147521", &resp), 0);
	assert_int_equal(edoc_serialize(resp, &out, &outlen), 0);
	assert_int_equal(check(out, outlen, r), EDOC_OK);
	assert_non_null(strstr(out, "<ResponseCode>Accepted</ResponseCode>"));
	assert_non_null(strstr(out,
	    "<ID>TND-1208147521-20261125-0001</ID>"));
	assert_null(strstr(out, "<Problem>"));
	assert_non_null(strstr(out, "<ReceiverParty>"
	    "<BusinessRegistrationNumber>1208147521"
	    "</BusinessRegistrationNumber></ReceiverParty>"));
	xmlFreeDoc(resp);
	free(out);
	free(signedout);

	/* Not even XML, hostile messages, more problems than listed. */
	edoc_result_init(in);
	for (i = 0; i < EDOC_PROBLEMS_MAX + 7; i++)
		edoc_problem_add(in, EDOC_E_SCHEMA, (int)i + 1, 2,
		    "bad \x01\x1b text \xc3\x28 </Problem> & \xed\xa0\x80 %zu",
		    i);
	assert_int_equal(in->nproblems, EDOC_PROBLEMS_MAX);
	assert_int_equal(in->truncated, 7);
	assert_int_equal(edoc_response(in, "<", 1, NULL, NULL, &resp), 0);
	assert_int_equal(edoc_serialize(resp, &out, &outlen), 0);
	assert_int_equal(check(out, outlen, r), EDOC_OK);
	assert_non_null(strstr(out,
	    "<TruncatedProblemCount>7</TruncatedProblemCount>"));
	assert_non_null(strstr(out, "&lt;/Problem&gt; &amp;"));
	assert_null(strstr(out, "<DocumentTypeCode>"));
	xmlFreeDoc(resp);
	free(out);

	/* An invalid response ID or receiver is refused, not sent. */
	assert_int_equal(edoc_response(in, "<", 1, "bad id!", NULL, &resp),
	    -1);
	assert_null(resp);
	assert_int_equal(edoc_response(in, "<", 1, NULL, "12345", &resp), -1);
	assert_null(resp);
	assert_int_equal(edoc_response(in, "<", 1, NULL, "1230000", &resp), 0);
	xmlFreeDoc(resp);
	free(in);
	free(r);
}

static void
test_outbound_refuses_invalid(void **state)
{
	struct edoc_result	*r = result_new();
	xmlDocPtr		 doc;
	xmlNodePtr		 root;
	char			*out = (char *)1;
	size_t			 outlen = 1;

	(void)state;
	doc = xmlNewDoc((const xmlChar *)"1.0");
	root = xmlNewNode(NULL, (const xmlChar *)"Tender");
	xmlDocSetRootElement(doc, root);
	xmlSetNs(root, xmlNewNs(root, (const xmlChar *)EDOC_NS, NULL));
	xmlNewTextChild(root, root->ns, (const xmlChar *)"ID",
	    (const xmlChar *)"x");
	assert_int_equal(edoc_outbound(doc, NULL, NULL, &out, &outlen, r),
	    -1);
	assert_null(out);
	assert_int_equal(outlen, 0);
	assert_int_equal(r->code, EDOC_E_SCHEMA);
	assert_true(r->problems[0].line > 0);
	assert_int_equal(edoc_outbound(doc, K.eekey, K.eecert, &out, &outlen,
	    r), -1);
	assert_int_equal(r->code, EDOC_E_SCHEMA);
	xmlFreeDoc(doc);
	free(r);
}

/*
 * The fuzzing corpus (tests/fuzz/corpus) replayed under ASan/UBSan: the
 * fuzz target's checks, for every input kept so far.
 */
static void
test_fuzz_corpus(void **state)
{
	struct edoc_result	*r = result_new(), *r2 = result_new();
	DIR			*dir;
	struct dirent		*de;
	xmlDocPtr		 doc, resp;
	char			 path[1024], *buf;
	size_t			 len;
	int			 n = 0;

	(void)state;
	if ((dir = opendir("tests/fuzz/corpus")) == NULL)
		skip();
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "tests/fuzz/corpus/%s",
		    de->d_name);
		buf = slurp(path, &len);
		edoc_result_init(r2);
		(void)edoc_check(buf, len, EDOC_ANY, r2, NULL);
		edoc_result_init(r);
		(void)edoc_check(buf, len, EDOC_ANY, r, &doc);
		assert_int_equal(r->code, r2->code);
		assert_int_equal(r->nproblems, r2->nproblems);
		if (doc != NULL) {
			(void)edoc_verify(doc, K.eecert, r);
			xmlFreeDoc(doc);
		}
		if (edoc_response(r, buf, len, NULL, NULL, &resp) != 0)
			fail_msg("%s: no response document", path);
		xmlFreeDoc(resp);
		free(buf);
		n++;
	}
	closedir(dir);
	free(r);
	free(r2);
	assert_true(n > 50);
}

/* Problems are collected, never printed: stderr stays empty. */
static void
test_silent(void **state)
{
	char		 path[64], *out, *t;
	size_t		 len;
	struct stat	 st;
	int		 fd, saved;

	(void)state;
	assert_int_equal(write_tmp("", 0, path, sizeof(path)), 0);
	fflush(stderr);
	assert_true((saved = dup(2)) != -1);
	assert_true((fd = open(path, O_WRONLY)) != -1);
	assert_int_equal(dup2(fd, 2), 2);
	close(fd);

	(void)check("<a><b></a>", 10, NULL);
	(void)check("<!DOCTYPE a [<!ENTITY x SYSTEM \"/etc/passwd\">]>"
	    "<a>&x;</a>", 55, NULL);
	(void)check("<Tender xmlns=\"urn:g2b:edoc:1\"><Bad/></Tender>", 45,
	    NULL);
	out = signed_bid(K.eekey, K.eecert, &len);
	t = replace(out, "<ds:SignatureValue>", "<ds:SignatureValue>!!");
	(void)inbound(t, K.eecert);
	(void)inbound(out, K.ee2cert);
	free(t);
	t = replace(out, "xmldsig-more#ecdsa-sha256",
	    "xmldsig-more#rsa-sha256");
	(void)inbound(t, K.eecert);
	free(t);
	free(out);

	fflush(stderr);
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
	assert_int_equal(stat(path, &st), 0);
	unlink(path);
	assert_int_equal(st.st_size, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_schemas_annotated),
		cmocka_unit_test(test_every_problem_listed),
		cmocka_unit_test(test_type_detection),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_doctype_refused),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_encoding),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_sign_verify_ecdsa),
		cmocka_unit_test(test_committed_signature),
		cmocka_unit_test(test_verify_key),
		cmocka_unit_test(test_sign_verify_rsa),
		cmocka_unit_test(test_sign_refusals),
		cmocka_unit_test(test_tampering_detected),
		cmocka_unit_test(test_wrong_key_refused),
		cmocka_unit_test(test_signature_form),
		cmocka_unit_test(test_response_documents),
		cmocka_unit_test(test_outbound_refuses_invalid),
		cmocka_unit_test(test_fuzz_corpus),
		cmocka_unit_test(test_silent),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
