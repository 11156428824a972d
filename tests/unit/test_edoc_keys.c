/*
 * portal/edoc.c keeps the keys it has read (signing keys and registered
 * certificates, by the SHA-256 of their PEM, least recently used out).
 * More keys than the cache holds, used in turns, must still sign and
 * verify exactly as without it: each document verifies with its own
 * signer's certificate only, and each signature is made by the key asked
 * for (its KeyInfo certificate is that key's).
 *
 * Run from the repository root (xsd/ is read from there), or set
 * G2B_XSD_DIR.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "edoc.h"

#define NKEYS	40	/* more than the 32 certificates and 4 keys kept */

static char	*keys[NKEYS], *certs[NKEYS];

static char *
pem_of(BIO *bio)
{
	char	*p, *s;
	long	 n;

	n = BIO_get_mem_data(bio, &p);
	assert_true(n > 0);
	assert_non_null(s = strndup(p, (size_t)n));
	BIO_free(bio);
	return (s);
}

static void
make_key(int i)
{
	EVP_PKEY	*k;
	X509		*x;
	X509_NAME	*name;
	BIO		*bio;
	char		 cn[32];

	assert_non_null(k = EVP_EC_gen("P-256"));
	assert_non_null(x = X509_new());
	assert_int_equal(X509_set_version(x, 2), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), i + 1), 1);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), 0));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), 86400));
	name = X509_get_subject_name(x);
	snprintf(cn, sizeof(cn), "edoc key %d", i);
	assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0), 1);
	assert_int_equal(X509_set_issuer_name(x, name), 1);
	assert_int_equal(X509_set_pubkey(x, k), 1);
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	assert_non_null(bio = BIO_new(BIO_s_mem()));
	assert_int_equal(PEM_write_bio_X509(bio, x), 1);
	certs[i] = pem_of(bio);
	assert_non_null(bio = BIO_new(BIO_s_mem()));
	assert_int_equal(PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL,
	    NULL), 1);
	keys[i] = pem_of(bio);
	X509_free(x);
	EVP_PKEY_free(k);
}

/* A valid document signed by key i, as the bytes sent. */
static char *
signed_doc(int i, size_t *len, struct edoc_result *r)
{
	static const char	 fmt[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<ApplicationResponse xmlns=\"urn:g2b:edoc:1\">"
	    "<CustomizationID>urn:g2b:edoc:1.0</CustomizationID>"
	    "<ID>ACK-KEYS-%d</ID>"
	    "<IssueDateTime>2026-11-23T09:00:00Z</IssueDateTime>"
	    "<SenderParty><PortalID>G2B</PortalID></SenderParty>"
	    "<DocumentResponse><ResponseCode>Accepted</ResponseCode>"
	    "<DocumentReference><DocumentHash>"
	    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	    "</DocumentHash></DocumentReference></DocumentResponse>"
	    "</ApplicationResponse>\n";
	char		 buf[2048], *out;
	xmlDocPtr	 doc;
	int		 n;

	n = snprintf(buf, sizeof(buf), fmt, i);
	edoc_result_init(r);
	if (edoc_check(buf, (size_t)n, EDOC_RESPONSE, r, &doc) != 0)
		fail_msg("template invalid: %s", r->problems[0].message);
	edoc_result_init(r);
	assert_int_equal(edoc_sign(doc, keys[i], certs[i], r), 0);
	assert_int_equal(edoc_serialize(doc, &out, len), 0);
	xmlFreeDoc(doc);
	/* KeyInfo carries the certificate of the key asked for. */
	assert_non_null(strstr(out, "X509Certificate"));
	return (out);
}

static void
verify(const char *buf, size_t len, int cert, int want_ok,
    struct edoc_result *r)
{
	xmlDocPtr	doc;

	edoc_result_init(r);
	assert_int_equal(edoc_check(buf, len, EDOC_RESPONSE, r, &doc), 0);
	edoc_result_init(r);
	if (want_ok)
		assert_int_equal(edoc_verify(doc, certs[cert], r), 0);
	else {
		assert_int_equal(edoc_verify(doc, certs[cert], r), -1);
		assert_true(r->code == EDOC_E_SIG_CERT ||
		    r->code == EDOC_E_SIG_INVALID);
	}
	xmlFreeDoc(doc);
}

static void
test_many_keys(void **state)
{
	struct edoc_result	*r;
	char			*docs[NKEYS];
	size_t			 lens[NKEYS];
	int			 i, round;

	(void)state;
	assert_non_null(r = malloc(sizeof(*r)));
	for (round = 0; round < 2; round++) {
		/* Signing keys in turns: every sign after the 4th evicts. */
		for (i = 0; i < NKEYS; i++)
			docs[i] = signed_doc(i, &lens[i], r);
		/* Certificates in turns, each against its neighbour too. */
		for (i = 0; i < NKEYS; i++) {
			verify(docs[i], lens[i], i, 1, r);
			verify(docs[i], lens[i], (i + 1) % NKEYS, 0, r);
		}
		for (i = NKEYS - 1; i >= 0; i--) {
			verify(docs[i], lens[i], i, 1, r);
			verify(docs[(i + 7) % NKEYS], lens[(i + 7) % NKEYS], i,
			    0, r);
		}
		for (i = 0; i < NKEYS; i++)
			free(docs[i]);
	}
	/* One key used again and again stays right. */
	for (i = 0; i < 5; i++) {
		docs[0] = signed_doc(3, &lens[0], r);
		verify(docs[0], lens[0], 3, 1, r);
		verify(docs[0], lens[0], 4, 0, r);
		free(docs[0]);
	}
	free(r);
}

/* A bad certificate is refused every time, not remembered as good. */
static void
test_bad_certificate(void **state)
{
	struct edoc_result	*r;
	char			*doc, bad[4096];
	size_t			 len;
	xmlDocPtr		 d;
	int			 i;

	(void)state;
	assert_non_null(r = malloc(sizeof(*r)));
	doc = signed_doc(0, &len, r);
	snprintf(bad, sizeof(bad), "%s", certs[0]);
	bad[40] = bad[40] == 'A' ? 'B' : 'A';	/* damaged base64 */
	for (i = 0; i < 3; i++) {
		edoc_result_init(r);
		assert_int_equal(edoc_check(doc, len, EDOC_RESPONSE, r, &d), 0);
		edoc_result_init(r);
		assert_int_equal(edoc_verify(d, bad, r), -1);
		edoc_result_init(r);
		assert_int_equal(edoc_verify(d, certs[0], r), 0);
		xmlFreeDoc(d);
		edoc_result_init(r);
		assert_non_null(d = xmlNewDoc((const xmlChar *)"1.0"));
		xmlDocSetRootElement(d, xmlNewNode(NULL,
		    (const xmlChar *)"x"));
		assert_int_equal(edoc_sign(d, keys[1], certs[0], r), -1);
		assert_int_equal(r->code, EDOC_E_KEY);
		xmlFreeDoc(d);
	}
	free(doc);
	free(r);
}

static int
setup(void **state)
{
	int	i;

	(void)state;
	for (i = 0; i < NKEYS; i++)
		make_key(i);
	return (0);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_bad_certificate),
	};
	const char	*d = getenv("G2B_XSD_DIR");
	int		 i, rc;

	if (edoc_init(d != NULL ? d : "xsd") != 0)
		return (1);
	rc = cmocka_run_group_tests(tests, setup, NULL);
	for (i = 0; i < NKEYS; i++) {
		free(keys[i]);
		free(certs[i]);
	}
	edoc_cleanup();
	return (rc);
}
