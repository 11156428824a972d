/*
 * Unit tests for bidding/ca.c: the portal's certificate authority.
 *
 * Certificates are inspected with OpenSSL's X509 calls directly, not
 * with ca.c's own readers, so the profile in ca.h is checked
 * independently. A fixed vector made by WebCrypto (Node 20's
 * crypto.subtle, the API browsers have) checks that a browser's P-256
 * SPKI export is accepted and its raw r || s signature verifies.
 *
 * One CA pair and one supplier certificate are made in the group setup
 * and shared; tests that need other certificates make their own.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ca.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define DAY		(24 * 60 * 60)

#define PASS		"correct horse 전지 staple"
#define CA_CN		"G2B 전자조달 인증기관"
#define CA_DAYS		3650
#define EE_DAYS		365
#define COMPANY		"(주)한빛정보통신"
#define BIZNO		"1208147521"
#define PERSON		"김민준"
#define LOGIN		"hanbit-kim"
#define MSG		"R26BK00000001|0|supplier-42|sealed-bid-sha256:3f2a"

/*
 * WebCrypto: generateKey({name: "ECDSA", namedCurve: "P-256"}), the
 * public key exportKey("spki") base64-encoded on one line, and
 * sign({name: "ECDSA", hash: "SHA-256"}, privateKey, MSG) in hex.
 */
static const char wc_spki_pem[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEQL3W4L4yMx0jx6YjNt80Q6OHX09p"
	"NnoPLwjBp8EjRoAQmHCkXJ5zIs47OaKAGoKHpp9Bscjno2jRg2yzYGq7Hw==\n"
	"-----END PUBLIC KEY-----\n";
static const char wc_sig_hex[] =
	"27f5e2eb3053c07d312ee1a7c6c440bbdc107118299123c7e7b972b23551567f"
	"f0a3eb07a8e7fb215ea06a2637b2f2b3edfcf681ebc970c00e9d5d8ed7bc078d";

struct fixture {
	char		*cacert;	/* CA 1 */
	char		*cakey;
	struct ca	*ca;
	char		*ca2cert;	/* CA 2: same CN, other key */
	char		*ca2key;
	struct ca	*ca2;
	EVP_PKEY	*eekey;		/* supplier key pair */
	char		*eespki;
	char		*eecert;	/* issued by CA 1 for eekey */
	char		 serial[CA_SERIAL_HEX_MAX + 1];
	time_t		 issued;	/* time(NULL) before issuing */
};

static const struct ca_subject subject = { COMPANY, BIZNO, PERSON, LOGIN };

/* The contents of a memory BIO as a malloc'd string; frees the BIO. */
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

/* SubjectPublicKeyInfo PEM of key, for free(3). */
static char *
spki_of(EVP_PKEY *key)
{
	BIO	*bio;

	assert_non_null(bio = BIO_new(BIO_s_mem()));
	assert_int_equal(PEM_write_bio_PUBKEY(bio, key), 1);
	return (bio_str(bio));
}

static X509 *
x509_of(const char *pem)
{
	BIO	*bio;
	X509	*x;

	assert_non_null(bio = BIO_new_mem_buf(pem, -1));
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	assert_non_null(x);
	return (x);
}

/* PEM of der as a "CERTIFICATE", for free(3). */
static char *
pem_of_der(const unsigned char *der, long len)
{
	BIO	*bio;

	assert_non_null(bio = BIO_new(BIO_s_mem()));
	assert_true(PEM_write_bio(bio, "CERTIFICATE", "", der, len) > 0);
	return (bio_str(bio));
}

/* The DER body of a certificate PEM, for OPENSSL_free. */
static unsigned char *
der_of(const char *pem, long *len)
{
	BIO		*bio;
	char		*name = NULL, *header = NULL;
	unsigned char	*der = NULL;

	assert_non_null(bio = BIO_new_mem_buf(pem, -1));
	assert_int_equal(PEM_read_bio(bio, &name, &header, &der, len), 1);
	assert_string_equal(name, "CERTIFICATE");
	OPENSSL_free(name);
	OPENSSL_free(header);
	BIO_free(bio);
	return (der);
}

/* A DER ECDSA-SHA-256 signature of msg by key, for OPENSSL_free. */
static unsigned char *
sign_der(EVP_PKEY *key, const void *msg, size_t len, size_t *siglen)
{
	EVP_MD_CTX	*md;
	unsigned char	*sig;

	assert_non_null(md = EVP_MD_CTX_new());
	assert_int_equal(EVP_DigestSignInit_ex(md, NULL, "SHA256", NULL, NULL,
	    key, NULL), 1);
	assert_int_equal(EVP_DigestSign(md, NULL, siglen, msg, len), 1);
	assert_non_null(sig = OPENSSL_malloc(*siglen));
	assert_int_equal(EVP_DigestSign(md, sig, siglen, msg, len), 1);
	EVP_MD_CTX_free(md);
	return (sig);
}

/* DER ECDSA signature to raw r || s (64 bytes). */
static void
der_to_raw(const unsigned char *der, size_t len, unsigned char raw[64])
{
	ECDSA_SIG		*es;
	const unsigned char	*p = der;
	const BIGNUM		*r, *s;

	assert_non_null(es = d2i_ECDSA_SIG(NULL, &p, (long)len));
	ECDSA_SIG_get0(es, &r, &s);
	assert_int_equal(BN_bn2binpad(r, raw, 32), 32);
	assert_int_equal(BN_bn2binpad(s, raw + 32, 32), 32);
	ECDSA_SIG_free(es);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	return (c - 'a' + 10);
}

static void
unhex(const char *hex, unsigned char *out, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		out[i] = (unsigned char)(hexval(hex[2 * i]) << 4 |
		    hexval(hex[2 * i + 1]));
}

/* Create and load a CA; 0 or -1 (usable from setup). */
static int
make_ca(const char *cn, int days, char **cert, char **key, struct ca **ca)
{
	if (ca_create(PASS, cn, days, cert, key) != 0)
		return (-1);
	return (ca_load(*cert, *key, PASS, ca));
}

static int
group_setup(void **state)
{
	struct fixture	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return (-1);
	*state = f;
	if (make_ca(CA_CN, CA_DAYS, &f->cacert, &f->cakey, &f->ca) != 0 ||
	    make_ca(CA_CN, CA_DAYS, &f->ca2cert, &f->ca2key, &f->ca2) != 0)
		return (-1);
	if ((f->eekey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL)
		return (-1);
	f->eespki = spki_of(f->eekey);
	f->issued = time(NULL);
	if (ca_issue(f->ca, f->eespki, &subject, EE_DAYS, &f->eecert,
	    f->serial) != 0)
		return (-1);
	return (0);
}

static int
group_teardown(void **state)
{
	struct fixture	*f = *state;

	if (f == NULL)
		return (0);
	free(f->cacert);
	free(f->cakey);
	ca_free(f->ca);
	free(f->ca2cert);
	free(f->ca2key);
	ca_free(f->ca2);
	EVP_PKEY_free(f->eekey);
	free(f->eespki);
	free(f->eecert);
	free(f);
	return (0);
}

/* The only value of nid in name, as UTF-8, into buf. */
static void
name_utf8(X509_NAME *name, int nid, char *buf, size_t sz, int *type)
{
	X509_NAME_ENTRY	*e;
	ASN1_STRING	*s;
	unsigned char	*u;
	int		 idx, n;

	idx = X509_NAME_get_index_by_NID(name, nid, -1);
	assert_true(idx >= 0);
	assert_int_equal(X509_NAME_get_index_by_NID(name, nid, idx), -1);
	assert_non_null(e = X509_NAME_get_entry(name, idx));
	s = X509_NAME_ENTRY_get_data(e);
	if (type != NULL)
		*type = ASN1_STRING_type(s);
	assert_true((n = ASN1_STRING_to_UTF8(&u, s)) >= 0);
	assert_true((size_t)n < sz);
	memcpy(buf, u, (size_t)n);
	buf[n] = '\0';
	OPENSSL_free(u);
}

/* 1 if extension nid of x is present and critical. */
static int
ext_critical(X509 *x, int nid)
{
	int	idx;

	idx = X509_get_ext_by_NID(x, nid, -1);
	assert_true(idx >= 0);
	return (X509_EXTENSION_get_critical(X509_get_ext(x, idx)));
}

/* Seconds from t to an ASN1_TIME. */
static long
secs_from(time_t t, const ASN1_TIME *at)
{
	ASN1_TIME	*base;
	int		 day, sec;

	assert_non_null(base = ASN1_TIME_set(NULL, t));
	assert_int_equal(ASN1_TIME_diff(&day, &sec, base, at), 1);
	ASN1_TIME_free(base);
	return ((long)day * DAY + sec);
}

static void
test_ca_created(void **state)
{
	struct fixture	*f = *state;
	X509		*x;
	EVP_PKEY	*pub;
	BIGNUM		*bn;
	char		 buf[256];
	time_t		 now = time(NULL);
	long		 d;

	assert_true(strncmp(f->cacert, "-----BEGIN CERTIFICATE-----\n",
	    28) == 0);
	assert_true(strncmp(f->cakey,
	    "-----BEGIN ENCRYPTED PRIVATE KEY-----\n", 38) == 0);

	x = x509_of(f->cacert);
	assert_int_equal(X509_get_version(x), X509_VERSION_3);
	pub = X509_get0_pubkey(x);
	assert_true(EVP_PKEY_is_a(pub, "EC"));
	assert_true(EVP_PKEY_get_group_name(pub, buf, sizeof(buf), NULL));
	assert_string_equal(buf, "prime256v1");
	assert_int_equal(X509_get_signature_nid(x), NID_ecdsa_with_SHA256);

	/* Self-signed, and a CA with pathlen 0. */
	assert_int_equal(X509_NAME_cmp(X509_get_subject_name(x),
	    X509_get_issuer_name(x)), 0);
	assert_int_equal(X509_check_issued(x, x), X509_V_OK);
	assert_int_equal(X509_verify(x, pub), 1);
	assert_int_equal(X509_check_ca(x), 1);
	assert_int_equal(X509_get_pathlen(x), 0);
	assert_true(ext_critical(x, NID_basic_constraints));
	assert_true(ext_critical(x, NID_key_usage));
	assert_int_equal(X509_get_key_usage(x), KU_KEY_CERT_SIGN | KU_CRL_SIGN);
	assert_non_null(X509_get0_subject_key_id(x));
	assert_int_equal(X509_get_ext_by_NID(x, NID_ext_key_usage, -1), -1);

	name_utf8(X509_get_subject_name(x), NID_commonName, buf, sizeof(buf),
	    NULL);
	assert_string_equal(buf, CA_CN);
	name_utf8(X509_get_subject_name(x), NID_organizationName, buf,
	    sizeof(buf), NULL);
	assert_string_equal(buf, "G2B Public Procurement");
	name_utf8(X509_get_subject_name(x), NID_countryName, buf, sizeof(buf),
	    NULL);
	assert_string_equal(buf, "KR");

	/* A positive 128-bit serial. */
	assert_non_null(bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x),
	    NULL));
	assert_false(BN_is_negative(bn));
	assert_int_equal(BN_num_bits(bn), 128);
	BN_free(bn);

	/* Valid from (about) now for CA_DAYS days. */
	d = secs_from(now, X509_get0_notBefore(x));
	assert_true(d <= 0 && d > -600);
	d = secs_from(now, X509_get0_notAfter(x));
	assert_true(d <= (long)CA_DAYS * DAY && d > (long)CA_DAYS * DAY - 600);
	X509_free(x);

	/* Two CAs never share a key. */
	assert_string_not_equal(f->cakey, f->ca2key);
}

static void
test_ca_load(void **state)
{
	struct fixture	*f = *state;
	struct ca	*ca = (struct ca *)1;
	EVP_PKEY	*k;
	BIO		*bio;
	char		*plain;

	assert_int_equal(ca_load(f->cacert, f->cakey, PASS, &ca), 0);
	assert_non_null(ca);
	ca_free(ca);
	ca_free(NULL);

	/* Wrong, empty, NULL passphrase. */
	ca = (struct ca *)1;
	assert_int_equal(ca_load(f->cacert, f->cakey, "wrong", &ca), -1);
	assert_null(ca);
	assert_int_equal(ca_load(f->cacert, f->cakey, PASS "x", &ca), -1);
	assert_int_equal(ca_load(f->cacert, f->cakey, "", &ca), -1);
	assert_int_equal(ca_load(f->cacert, f->cakey, NULL, &ca), -1);
	assert_null(ca);

	/* A key that does not match the certificate. */
	assert_int_equal(ca_load(f->cacert, f->ca2key, PASS, &ca), -1);
	assert_int_equal(ca_load(f->ca2cert, f->cakey, PASS, &ca), -1);

	/* Swapped, missing, garbage. */
	assert_int_equal(ca_load(f->cakey, f->cacert, PASS, &ca), -1);
	assert_int_equal(ca_load(NULL, f->cakey, PASS, &ca), -1);
	assert_int_equal(ca_load(f->cacert, NULL, PASS, &ca), -1);
	assert_int_equal(ca_load("", "", PASS, &ca), -1);
	assert_int_equal(ca_load("garbage", "garbage", PASS, &ca), -1);
	assert_int_equal(ca_load(f->cacert, f->cakey, PASS, NULL), -1);
	assert_null(ca);

	/* A supplier certificate is not a CA. */
	assert_int_equal(ca_load(f->eecert, f->cakey, PASS, &ca), -1);

	/* An unencrypted PKCS#8 key is refused, even the right one. */
	assert_non_null(bio = BIO_new_mem_buf(f->cakey, -1));
	k = PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)PASS);
	BIO_free(bio);
	assert_non_null(k);
	assert_non_null(bio = BIO_new(BIO_s_mem()));
	assert_int_equal(PEM_write_bio_PKCS8PrivateKey(bio, k, NULL, NULL, 0,
	    NULL, NULL), 1);
	plain = bio_str(bio);
	assert_non_null(strstr(plain, "BEGIN PRIVATE KEY"));
	assert_int_equal(ca_load(f->cacert, plain, PASS, &ca), -1);
	OPENSSL_cleanse(plain, strlen(plain));
	free(plain);
	EVP_PKEY_free(k);
	assert_null(ca);
}

static void
test_ca_create_refused(void **state)
{
	static const char *const bad_cn[] = {
		NULL, "", "tab\there", "nl\n", "del\x7f", "bad\xff",
		"overlong\xc0\xaf", "surrogate\xed\xa0\x80", "cut\xea\xb9",
		"c1\xc2\x85",
	};
	char	*cert = (char *)1, *key = (char *)1, cn[CA_NAME_MAX + 2];
	size_t	 i;

	(void)state;
	assert_int_equal(ca_create(PASS, "CA", 0, &cert, &key), -1);
	assert_null(cert);
	assert_null(key);
	assert_int_equal(ca_create(PASS, "CA", -1, &cert, &key), -1);
	assert_int_equal(ca_create(PASS, "CA", CA_DAYS_MAX + 1, &cert, &key),
	    -1);
	assert_int_equal(ca_create(NULL, "CA", 1, &cert, &key), -1);
	assert_int_equal(ca_create("", "CA", 1, &cert, &key), -1);
	assert_int_equal(ca_create(PASS, "CA", 1, NULL, &key), -1);
	assert_int_equal(ca_create(PASS, "CA", 1, &cert, NULL), -1);
	for (i = 0; i < NELEM(bad_cn); i++)
		assert_int_equal(ca_create(PASS, bad_cn[i], 1, &cert, &key),
		    -1);
	memset(cn, 'a', CA_NAME_MAX + 1);
	cn[CA_NAME_MAX + 1] = '\0';
	assert_int_equal(ca_create(PASS, cn, 1, &cert, &key), -1);
	assert_null(cert);
	assert_null(key);

	/* CA_NAME_MAX characters are fine. */
	cn[CA_NAME_MAX] = '\0';
	assert_int_equal(ca_create(PASS, cn, 1, &cert, &key), 0);
	free(cert);
	free(key);
}

static void
test_issue_readback(void **state)
{
	struct fixture	*f = *state;
	X509		*x, *cax;
	const ASN1_OCTET_STRING *akid, *skid;
	EXTENDED_KEY_USAGE *eku;
	char		 company[256], bizno[16], person[256], buf[256];
	char		*spki;
	size_t		 i;
	long		 d;
	int		 type;

	/* Serial: 32 uppercase hex digits. */
	assert_int_equal(strlen(f->serial), 32);
	for (i = 0; i < 32; i++)
		assert_non_null(strchr("0123456789ABCDEF", f->serial[i]));

	assert_int_equal(ca_cert_subject(f->eecert, company, sizeof(company),
	    bizno, sizeof(bizno), person, sizeof(person)), 0);
	assert_string_equal(company, COMPANY);
	assert_string_equal(bizno, BIZNO);
	assert_string_equal(person, PERSON);

	assert_int_equal(ca_cert_pubkey_pem(f->eecert, &spki), 0);
	assert_string_equal(spki, f->eespki);
	free(spki);

	x = x509_of(f->eecert);
	cax = x509_of(f->cacert);
	assert_int_equal(X509_get_version(x), X509_VERSION_3);
	assert_int_equal(X509_get_signature_nid(x), NID_ecdsa_with_SHA256);
	assert_int_equal(X509_NAME_cmp(X509_get_issuer_name(x),
	    X509_get_subject_name(cax)), 0);
	assert_int_equal(X509_verify(x, X509_get0_pubkey(cax)), 1);
	assert_int_equal(EVP_PKEY_eq(X509_get0_pubkey(x), f->eekey), 1);

	/* Subject, with Korean kept as UTF8String. */
	name_utf8(X509_get_subject_name(x), NID_organizationName, buf,
	    sizeof(buf), &type);
	assert_string_equal(buf, COMPANY);
	assert_int_equal(type, V_ASN1_UTF8STRING);
	name_utf8(X509_get_subject_name(x), NID_commonName, buf, sizeof(buf),
	    &type);
	assert_string_equal(buf, PERSON);
	assert_int_equal(type, V_ASN1_UTF8STRING);
	name_utf8(X509_get_subject_name(x), NID_serialNumber, buf, sizeof(buf),
	    &type);
	assert_string_equal(buf, BIZNO);
	assert_int_equal(type, V_ASN1_PRINTABLESTRING);
	name_utf8(X509_get_subject_name(x), NID_userId, buf, sizeof(buf),
	    NULL);
	assert_string_equal(buf, LOGIN);
	name_utf8(X509_get_subject_name(x), NID_countryName, buf, sizeof(buf),
	    NULL);
	assert_string_equal(buf, "KR");

	/* Extensions. */
	assert_int_equal(X509_check_ca(x), 0);
	assert_true(ext_critical(x, NID_basic_constraints));
	assert_true(ext_critical(x, NID_key_usage));
	assert_int_equal(X509_get_key_usage(x),
	    KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION);
	assert_false(ext_critical(x, NID_ext_key_usage));
	assert_int_equal(X509_get_extended_key_usage(x), XKU_SMIME);
	assert_non_null(eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL,
	    NULL));
	assert_int_equal(sk_ASN1_OBJECT_num(eku), 1);
	assert_int_equal(OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, 0)),
	    NID_email_protect);
	EXTENDED_KEY_USAGE_free(eku);
	assert_non_null(akid = X509_get0_authority_key_id(x));
	assert_non_null(skid = X509_get0_subject_key_id(cax));
	assert_int_equal(ASN1_OCTET_STRING_cmp(akid, skid), 0);
	assert_non_null(X509_get0_subject_key_id(x));
	assert_int_not_equal(ASN1_OCTET_STRING_cmp(X509_get0_subject_key_id(x),
	    skid), 0);

	/* Valid from issue time for EE_DAYS days. */
	d = secs_from(f->issued, X509_get0_notBefore(x));
	assert_true(d >= 0 && d < 600);
	d = secs_from(f->issued, X509_get0_notAfter(x));
	assert_true(d >= (long)EE_DAYS * DAY && d < (long)EE_DAYS * DAY + 600);
	X509_free(cax);
	X509_free(x);

	/* Fields may be skipped; output is never truncated. */
	assert_int_equal(ca_cert_subject(f->eecert, NULL, 0, bizno,
	    sizeof(bizno), NULL, 0), 0);
	assert_string_equal(bizno, BIZNO);
	assert_int_equal(ca_cert_subject(f->eecert, company, strlen(COMPANY),
	    NULL, 0, NULL, 0), -1);
	assert_string_equal(company, "");
	assert_int_equal(ca_cert_subject(f->eecert, company,
	    strlen(COMPANY) + 1, NULL, 0, NULL, 0), 0);
	assert_int_equal(ca_cert_subject(f->eecert, NULL, 0, bizno, 10, NULL,
	    0), -1);
	/* The CA certificate has no serialNumber. */
	assert_int_equal(ca_cert_subject(f->cacert, company, sizeof(company),
	    bizno, sizeof(bizno), person, sizeof(person)), -1);
	assert_int_equal(ca_cert_subject(f->cacert, NULL, 0, NULL, 0, person,
	    sizeof(person)), 0);
	assert_string_equal(person, CA_CN);
	assert_int_equal(ca_cert_subject("garbage", company, sizeof(company),
	    NULL, 0, NULL, 0), -1);
	assert_int_equal(ca_cert_subject(NULL, NULL, 0, NULL, 0, NULL, 0), -1);
	assert_int_equal(ca_cert_pubkey_pem("garbage", &spki), -1);
	assert_null(spki);
	assert_int_equal(ca_cert_pubkey_pem(f->eecert, NULL), -1);
}

/* WebCrypto's key (one long base64 line) and raw r || s signature. */
static void
test_webcrypto_vector(void **state)
{
	struct fixture	*f = *state;
	unsigned char	 sig[64];
	char		*cert, serial[CA_SERIAL_HEX_MAX + 1];

	unhex(wc_sig_hex, sig, sizeof(sig));
	assert_int_equal(ca_issue(f->ca, wc_spki_pem, &subject, 30, &cert,
	    serial), 0);
	assert_int_equal(ca_verify(f->cacert, cert, time(NULL), NULL, 0, NULL),
	    0);
	assert_int_equal(ca_verify_signature(cert, (const unsigned char *)MSG,
	    strlen(MSG), sig, sizeof(sig)), 0);
	assert_int_equal(ca_verify_signature(cert, (const unsigned char *)MSG,
	    strlen(MSG) - 1, sig, sizeof(sig)), -1);
	sig[63] ^= 0x01;
	assert_int_equal(ca_verify_signature(cert, (const unsigned char *)MSG,
	    strlen(MSG), sig, sizeof(sig)), -1);
	/* Another certificate's key does not verify it. */
	sig[63] ^= 0x01;
	assert_int_equal(ca_verify_signature(f->eecert,
	    (const unsigned char *)MSG, strlen(MSG), sig, sizeof(sig)), -1);
	free(cert);
}

static void
test_issue_refused(void **state)
{
	struct fixture	*f = *state;
	static const char *const bad_bizno[] = {
		NULL, "", "120814752", "12081475211", "120-81-47521",
		"120814752a", "１２０８１４７５２１", "1208147521 ",
	};
	static const char *const bad_text[] = {
		NULL, "", "a\tb", "a\nb", "\xff", "\xc0\xaf", "\xed\xa0\x80",
		"\xea\xb9", "\xc2\x85",
	};
	static const char *const bad_spki[] = {
		NULL, "", "garbage",
		"-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n",
		"-----BEGIN PUBLIC KEY-----\n"
		"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEQL3W4L4yMx0jx6YjNt80Q6OHX09p\n"
		"-----END PUBLIC KEY-----\n",
		/*
		 * P-256 with explicit parameters: `openssl ecparam -name
		 * prime256v1 -param_enc explicit -genkey` then `openssl
		 * pkey -pubout`.
		 */
		"-----BEGIN PUBLIC KEY-----\n"
		"MIIBSzCCAQMGByqGSM49AgEwgfcCAQEwLAYHKoZIzj0BAQIhAP////8AAAABAAAA\n"
		"AAAAAAAAAAAA////////////////MFsEIP////8AAAABAAAAAAAAAAAAAAAA////\n"
		"///////////8BCBaxjXYqjqT57PrvVV2mIa8ZR0GsMxTsPY7zjw+J9JgSwMVAMSd\n"
		"NgiG5wSTamZ44ROdJreBn36QBEEEaxfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5\n"
		"RdiYwpZP40Li/hp/m47n60p8D54WK84zV2sxXs7LtkBoN79R9QIhAP////8AAAAA\n"
		"//////////+85vqtpxeehPO5ysL8YyVRAgEBA0IABD9PhV16orCWmyMvK0IAJ0Ge\n"
		"lBBz8ZHr9WTDm/sHUBaVcMxdiKP5lx10lrweE79P3txTeHGYQq5BDUIAnScIsIU=\n"
		"-----END PUBLIC KEY-----\n",
	};
	struct ca_subject s;
	EVP_PKEY	*k;
	X509		*cax;
	char		*cert = (char *)1, *spki, serial[CA_SERIAL_HEX_MAX + 1];
	char		 name[CA_NAME_MAX + 2], login[CA_LOGIN_MAX + 2];
	size_t		 i;
	const char	*algs[][2] = {
		{ "RSA", NULL }, { "EC", "P-384" }, { "EC", "secp256k1" },
		{ "ED25519", NULL }, { "X25519", NULL },
	};

	/* Keys that are not P-256. */
	for (i = 0; i < NELEM(algs); i++) {
		if (algs[i][1] != NULL)
			k = EVP_PKEY_Q_keygen(NULL, NULL, algs[i][0],
			    algs[i][1]);
		else if (strcmp(algs[i][0], "RSA") == 0)
			k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
		else
			k = EVP_PKEY_Q_keygen(NULL, NULL, algs[i][0]);
		assert_non_null(k);
		spki = spki_of(k);
		strcpy(serial, "junk");
		assert_int_equal(ca_issue(f->ca, spki, &subject, 30, &cert,
		    serial), -1);
		assert_null(cert);
		assert_string_equal(serial, "");
		free(spki);
		EVP_PKEY_free(k);
	}
	for (i = 0; i < NELEM(bad_spki); i++)
		assert_int_equal(ca_issue(f->ca, bad_spki[i], &subject, 30,
		    &cert, serial), -1);
	/* A certificate is not a public key. */
	assert_int_equal(ca_issue(f->ca, f->eecert, &subject, 30, &cert,
	    serial), -1);

	/* The CA's own key. */
	cax = x509_of(f->cacert);
	spki = spki_of(X509_get0_pubkey(cax));
	assert_int_equal(ca_issue(f->ca, spki, &subject, 30, &cert, serial),
	    -1);
	free(spki);
	X509_free(cax);

	/* Subject fields. */
	for (i = 0; i < NELEM(bad_bizno); i++) {
		s = subject;
		s.bizno = bad_bizno[i];
		assert_int_equal(ca_issue(f->ca, f->eespki, &s, 30, &cert,
		    serial), -1);
	}
	for (i = 0; i < NELEM(bad_text); i++) {
		s = subject;
		s.company = bad_text[i];
		assert_int_equal(ca_issue(f->ca, f->eespki, &s, 30, &cert,
		    serial), -1);
		s = subject;
		s.person = bad_text[i];
		assert_int_equal(ca_issue(f->ca, f->eespki, &s, 30, &cert,
		    serial), -1);
		s = subject;
		s.login = bad_text[i];
		assert_int_equal(ca_issue(f->ca, f->eespki, &s, 30, &cert,
		    serial), -1);
	}
	memset(name, 'a', CA_NAME_MAX + 1);
	name[CA_NAME_MAX + 1] = '\0';
	s = subject;
	s.company = name;
	assert_int_equal(ca_issue(f->ca, f->eespki, &s, 30, &cert, serial), -1);
	memset(login, 'b', CA_LOGIN_MAX + 1);
	login[CA_LOGIN_MAX + 1] = '\0';
	s = subject;
	s.login = login;
	assert_int_equal(ca_issue(f->ca, f->eespki, &s, 30, &cert, serial), -1);

	/* Arguments. */
	assert_int_equal(ca_issue(NULL, f->eespki, &subject, 30, &cert,
	    serial), -1);
	assert_int_equal(ca_issue(f->ca, f->eespki, NULL, 30, &cert, serial),
	    -1);
	assert_int_equal(ca_issue(f->ca, f->eespki, &subject, 0, &cert,
	    serial), -1);
	assert_int_equal(ca_issue(f->ca, f->eespki, &subject, CA_DAYS_MAX + 1,
	    &cert, serial), -1);
	assert_int_equal(ca_issue(f->ca, f->eespki, &subject, 30, NULL,
	    serial), -1);
	assert_int_equal(ca_issue(f->ca, f->eespki, &subject, 30, &cert,
	    NULL), -1);
	assert_null(cert);

	/* The limits themselves are fine: 64 Hangul syllables, 64 bytes. */
	{
		char	big[3 * CA_NAME_MAX + 1];

		for (i = 0; i < CA_NAME_MAX; i++)
			memcpy(big + 3 * i, "한", 3);
		big[3 * CA_NAME_MAX] = '\0';
		login[CA_LOGIN_MAX] = '\0';
		s = subject;
		s.company = big;
		s.person = big;
		s.login = login;
		assert_int_equal(ca_issue(f->ca, f->eespki, &s, 30, &cert,
		    serial), 0);
		free(cert);
	}
}

/* A supplier certificate never outlives its CA. */
static void
test_issue_clamped(void **state)
{
	struct fixture	*f = *state;
	struct ca	*ca;
	char		*cacert, *cakey, *cert;
	char		 serial[CA_SERIAL_HEX_MAX + 1];
	X509		*x, *cax;
	time_t		 now;

	assert_int_equal(make_ca("short-lived", 2, &cacert, &cakey, &ca), 0);
	assert_int_equal(ca_issue(ca, f->eespki, &subject, EE_DAYS, &cert,
	    serial), 0);
	x = x509_of(cert);
	cax = x509_of(cacert);
	assert_int_equal(ASN1_TIME_compare(X509_get0_notAfter(x),
	    X509_get0_notAfter(cax)), 0);
	now = time(NULL);
	assert_int_equal(ca_verify(cacert, cert, now + DAY, NULL, 0, NULL), 0);
	assert_int_equal(ca_verify(cacert, cert, now + 3 * DAY, NULL, 0, NULL),
	    -1);
	X509_free(cax);
	X509_free(x);
	free(cert);
	free(cacert);
	free(cakey);
	ca_free(ca);
}

static void
test_verify_good(void **state)
{
	struct fixture	*f = *state;
	const char	*others[] = { "01", "DEADBEEF", "0123456789abcdef" };
	char		 serial[CA_SERIAL_HEX_MAX + 1];
	time_t		 now = time(NULL);

	assert_int_equal(ca_verify(f->cacert, f->eecert, now, NULL, 0, serial),
	    0);
	assert_string_equal(serial, f->serial);
	assert_int_equal(ca_verify(f->cacert, f->eecert, now, others,
	    NELEM(others), serial), 0);
	assert_string_equal(serial, f->serial);
	assert_int_equal(ca_verify(f->cacert, f->eecert, now, NULL, 0, NULL),
	    0);
	/* Still good the day before it expires. */
	assert_int_equal(ca_verify(f->cacert, f->eecert,
	    f->issued + (EE_DAYS - 1) * DAY, NULL, 0, NULL), 0);
}

static void
test_verify_time(void **state)
{
	struct fixture	*f = *state;
	char		 serial[CA_SERIAL_HEX_MAX + 1];

	strcpy(serial, "junk");
	/* After expiry. */
	assert_int_equal(ca_verify(f->cacert, f->eecert,
	    f->issued + (EE_DAYS + 1) * DAY, NULL, 0, serial), -1);
	assert_string_equal(serial, "");
	assert_int_equal(ca_verify(f->cacert, f->eecert,
	    f->issued + (time_t)CA_DAYS * DAY * 2, NULL, 0, serial), -1);
	/* Before notBefore. */
	assert_int_equal(ca_verify(f->cacert, f->eecert, f->issued - 3600,
	    NULL, 0, serial), -1);
	assert_int_equal(ca_verify(f->cacert, f->eecert, 0, NULL, 0, serial),
	    -1);
}

static void
test_verify_revoked(void **state)
{
	struct fixture	*f = *state;
	char		 lower[CA_SERIAL_HEX_MAX + 1];
	char		 padded[CA_SERIAL_HEX_MAX + 1];
	char		 serial[CA_SERIAL_HEX_MAX + 1];
	const char	*list[3];
	time_t		 now = time(NULL);
	size_t		 i;

	for (i = 0; f->serial[i] != '\0'; i++)
		lower[i] = (char)(f->serial[i] >= 'A' && f->serial[i] <= 'F' ?
		    f->serial[i] - 'A' + 'a' : f->serial[i]);
	lower[i] = '\0';
	snprintf(padded, sizeof(padded), "0000%s", f->serial);

	list[0] = "01";
	list[1] = f->serial;
	list[2] = "ABCDEF";
	strcpy(serial, "junk");
	assert_int_equal(ca_verify(f->cacert, f->eecert, now, list, 3, serial),
	    -1);
	assert_string_equal(serial, "");
	list[1] = lower;
	assert_int_equal(ca_verify(f->cacert, f->eecert, now, list, 3, serial),
	    -1);
	list[1] = padded;
	assert_int_equal(ca_verify(f->cacert, f->eecert, now, list, 3, serial),
	    -1);
	list[0] = f->serial;
	assert_int_equal(ca_verify(f->cacert, f->eecert, now, list, 1, serial),
	    -1);

	/* Fail closed on a damaged list. */
	list[0] = "01";
	list[1] = "not-hex";
	assert_int_equal(ca_verify(f->cacert, f->eecert, now, list, 2, serial),
	    -1);
	list[1] = "";
	assert_int_equal(ca_verify(f->cacert, f->eecert, now, list, 2, serial),
	    -1);
	list[1] = NULL;
	assert_int_equal(ca_verify(f->cacert, f->eecert, now, list, 2, serial),
	    -1);
	assert_int_equal(ca_verify(f->cacert, f->eecert, now, NULL, 1, serial),
	    -1);
	/* The list itself still works without the bad entry. */
	assert_int_equal(ca_verify(f->cacert, f->eecert, now, list, 1, serial),
	    0);
}

static void
test_verify_wrong_ca(void **state)
{
	struct fixture	*f = *state;
	char		*cert2, serial[CA_SERIAL_HEX_MAX + 1];
	time_t		 now = time(NULL);

	/* Another CA, even with the same name. */
	assert_int_equal(ca_verify(f->ca2cert, f->eecert, now, NULL, 0,
	    serial), -1);
	assert_int_equal(ca_issue(f->ca2, f->eespki, &subject, 30, &cert2,
	    serial), 0);
	assert_int_equal(ca_verify(f->ca2cert, cert2, now, NULL, 0, NULL), 0);
	assert_int_equal(ca_verify(f->cacert, cert2, now, NULL, 0, NULL), -1);
	free(cert2);

	/* The CA certificate is not a supplier certificate. */
	assert_int_equal(ca_verify(f->cacert, f->cacert, now, NULL, 0, NULL),
	    -1);
	/* A supplier certificate is no trust anchor. */
	assert_int_equal(ca_verify(f->eecert, f->eecert, now, NULL, 0, NULL),
	    -1);
	assert_int_equal(ca_verify(f->eecert, f->cacert, now, NULL, 0, NULL),
	    -1);
	/* Garbage. */
	assert_int_equal(ca_verify(NULL, f->eecert, now, NULL, 0, NULL), -1);
	assert_int_equal(ca_verify(f->cacert, NULL, now, NULL, 0, NULL), -1);
	assert_int_equal(ca_verify("", "", now, NULL, 0, NULL), -1);
	assert_int_equal(ca_verify(f->cacert, f->eespki, now, NULL, 0, NULL),
	    -1);
}

/* Change one byte of the DER and check the result is refused. */
static void
tampered_refused(struct fixture *f, size_t off)
{
	unsigned char	*der;
	char		*pem;
	long		 len;

	der = der_of(f->eecert, &len);
	assert_true(off < (size_t)len);
	der[off] ^= 0x01;
	pem = pem_of_der(der, len);
	assert_int_equal(ca_verify(f->cacert, pem, time(NULL), NULL, 0, NULL),
	    -1);
	free(pem);
	OPENSSL_free(der);
}

static void
test_verify_tampered(void **state)
{
	struct fixture	*f = *state;
	unsigned char	*der, *p;
	char		*pem;
	long		 len;
	size_t		 off;

	/* Unchanged DER re-encoded verifies: the harness is sound. */
	der = der_of(f->eecert, &len);
	pem = pem_of_der(der, len);
	assert_int_equal(ca_verify(f->cacert, pem, time(NULL), NULL, 0, NULL),
	    0);
	free(pem);

	/* The last byte is inside the signature's s. */
	tampered_refused(f, (size_t)len - 1);
	/* A byte of the person's name, inside the signed part. */
	p = memmem(der, (size_t)len, PERSON, strlen(PERSON));
	assert_non_null(p);
	off = (size_t)(p - der) + strlen(PERSON) - 1;
	OPENSSL_free(der);
	tampered_refused(f, off);
	/* A byte of the business number: "1208147521" -> "1208147520". */
	der = der_of(f->eecert, &len);
	p = memmem(der, (size_t)len, BIZNO, strlen(BIZNO));
	assert_non_null(p);
	off = (size_t)(p - der) + strlen(BIZNO) - 1;
	OPENSSL_free(der);
	tampered_refused(f, off);
}

static void
test_signature(void **state)
{
	struct fixture	*f = *state;
	EVP_PKEY	*other;
	unsigned char	*der, raw[64], buf[80], msg[] = MSG;
	size_t		 derlen, n = strlen(MSG);

	der = sign_der(f->eekey, msg, n, &derlen);
	der_to_raw(der, derlen, raw);

	assert_int_equal(ca_verify_signature(f->eecert, msg, n, der, derlen),
	    0);
	assert_int_equal(ca_verify_signature(f->eecert, msg, n, raw, 64), 0);

	/* A changed message. */
	msg[0] ^= 0x01;
	assert_int_equal(ca_verify_signature(f->eecert, msg, n, der, derlen),
	    -1);
	assert_int_equal(ca_verify_signature(f->eecert, msg, n, raw, 64), -1);
	msg[0] ^= 0x01;
	assert_int_equal(ca_verify_signature(f->eecert, msg, n - 1, der,
	    derlen), -1);

	/* A changed signature. */
	der[derlen - 1] ^= 0x01;
	assert_int_equal(ca_verify_signature(f->eecert, msg, n, der, derlen),
	    -1);
	der[derlen - 1] ^= 0x01;
	raw[10] ^= 0x80;
	assert_int_equal(ca_verify_signature(f->eecert, msg, n, raw, 64), -1);
	raw[10] ^= 0x80;
	assert_int_equal(ca_verify_signature(f->eecert, msg, n, raw, 63), -1);
	assert_int_equal(ca_verify_signature(f->eecert, msg, n, der,
	    derlen - 1), -1);
	/* DER with a trailing byte is not strict DER. */
	assert_true(derlen + 1 <= sizeof(buf));
	memcpy(buf, der, derlen);
	buf[derlen] = 0;
	assert_int_equal(ca_verify_signature(f->eecert, msg, n, buf,
	    derlen + 1), -1);
	/* r || s = 0 || 0, and all ones (>= n). */
	memset(buf, 0, 64);
	assert_int_equal(ca_verify_signature(f->eecert, msg, n, buf, 64), -1);
	memset(buf, 0xff, 64);
	assert_int_equal(ca_verify_signature(f->eecert, msg, n, buf, 64), -1);

	/* Another key's certificate. */
	assert_int_equal(ca_verify_signature(f->cacert, msg, n, der, derlen),
	    -1);
	/* Bad arguments. */
	assert_int_equal(ca_verify_signature(NULL, msg, n, der, derlen), -1);
	assert_int_equal(ca_verify_signature("garbage", msg, n, der, derlen),
	    -1);
	assert_int_equal(ca_verify_signature(f->eecert, NULL, n, der, derlen),
	    -1);
	assert_int_equal(ca_verify_signature(f->eecert, msg, n, NULL, derlen),
	    -1);
	assert_int_equal(ca_verify_signature(f->eecert, msg, n, der, 0), -1);
	assert_int_equal(ca_verify_signature(f->eecert, msg, n, der,
	    CA_SIG_MAX + 1), -1);
	OPENSSL_free(der);

	/* The empty message. */
	der = sign_der(f->eekey, "", 0, &derlen);
	der_to_raw(der, derlen, raw);
	assert_int_equal(ca_verify_signature(f->eecert, NULL, 0, der, derlen),
	    0);
	assert_int_equal(ca_verify_signature(f->eecert, NULL, 0, raw, 64), 0);
	OPENSSL_free(der);

	/* A signature by a key that is not the certificate's. */
	assert_non_null(other = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"));
	der = sign_der(other, msg, n, &derlen);
	der_to_raw(der, derlen, raw);
	assert_int_equal(ca_verify_signature(f->eecert, msg, n, der, derlen),
	    -1);
	assert_int_equal(ca_verify_signature(f->eecert, msg, n, raw, 64), -1);
	OPENSSL_free(der);
	EVP_PKEY_free(other);

	/* Many signatures, each in both forms (some DER are short). */
	{
		int	i;

		for (i = 0; i < 64; i++) {
			msg[0] = (unsigned char)i;
			der = sign_der(f->eekey, msg, n, &derlen);
			der_to_raw(der, derlen, raw);
			assert_int_equal(ca_verify_signature(f->eecert, msg, n,
			    der, derlen), 0);
			assert_int_equal(ca_verify_signature(f->eecert, msg, n,
			    raw, 64), 0);
			OPENSSL_free(der);
		}
	}
	/* No stale errors are left for a later TLS call. */
	assert_int_equal(ERR_peek_error(), 0);
}

/*
 * ca_cert_parse: the same text gives the same shared object; another
 * text, even of the same certificate with one byte changed, its own
 * parse; what is not a certificate, NULL; and after more texts than the
 * cache keeps, the first is parsed again correctly.
 */
static void
test_parse_shared(void **state)
{
	struct fixture	*f = *state;
	X509		*a, *b, *c, *first;
	unsigned char	*der;
	char		*pem, *texts[70];
	long		 len;
	size_t		 i;

	a = ca_cert_parse(f->eecert);
	b = ca_cert_parse(f->eecert);
	assert_non_null(a);
	assert_ptr_equal(a, b);
	X509_free(b);

	/* One byte of the signature changed: parsed on its own, refused. */
	der = der_of(f->eecert, &len);
	der[len - 1] ^= 0x01;
	pem = pem_of_der(der, len);
	c = ca_cert_parse(pem);
	assert_non_null(c);
	assert_ptr_not_equal(a, c);
	assert_int_not_equal(X509_cmp(a, c), 0);
	assert_int_equal(ca_verify_loaded(f->ca, pem, time(NULL), NULL, NULL,
	    NULL), -1);
	assert_int_equal(ca_verify_loaded(f->ca, f->eecert, time(NULL), NULL,
	    NULL, NULL), 0);
	X509_free(c);
	free(pem);
	OPENSSL_free(der);

	assert_null(ca_cert_parse(NULL));
	assert_null(ca_cert_parse(""));
	assert_null(ca_cert_parse("-----BEGIN CERTIFICATE-----\nAAAA\n"
	    "-----END CERTIFICATE-----\n"));
	assert_null(ca_cert_parse(f->eespki));

	/* 70 texts (text before the PEM block is skipped by the reader). */
	for (i = 0; i < NELEM(texts); i++) {
		assert_true(asprintf(&texts[i], "copy %zu\n%s", i,
		    f->eecert) > 0);
		c = ca_cert_parse(texts[i]);
		assert_non_null(c);
		assert_int_equal(X509_cmp(a, c), 0);
		if (i == 0)
			first = c;
		else
			X509_free(c);
	}
	c = ca_cert_parse(texts[0]);
	assert_non_null(c);
	assert_int_equal(X509_cmp(a, c), 0);
	assert_ptr_not_equal(c, first);		/* evicted, parsed again */
	X509_free(c);
	X509_free(first);

	/* ca_cert_remember: the next parse of that text is the object. */
	ca_cert_remember(texts[1], a);
	c = ca_cert_parse(texts[1]);
	assert_ptr_equal(c, a);
	X509_free(c);
	for (i = 0; i < NELEM(texts); i++)
		free(texts[i]);
	X509_free(a);
	assert_int_equal(ERR_peek_error(), 0);
}

/*
 * ca_verified_key: the key of a certificate that chains to the CA, again
 * from memory; never for another CA, outside the validity period (also
 * once remembered), or for a changed certificate.
 */
static void
test_verified_key(void **state)
{
	struct fixture	*f = *state;
	EVP_PKEY	*a, *b;
	unsigned char	*der;
	char		*pem;
	long		 len;
	time_t		 now = time(NULL);

	a = ca_verified_key(f->ca, f->eecert, now);
	assert_non_null(a);
	assert_int_equal(EVP_PKEY_eq(a, f->eekey), 1);
	b = ca_verified_key(f->ca, f->eecert, now);
	assert_ptr_equal(a, b);			/* remembered */
	EVP_PKEY_free(b);
	EVP_PKEY_free(a);

	/* Remembered, but not yet or no longer valid: refused. */
	assert_null(ca_verified_key(f->ca, f->eecert, f->issued - 3600));
	assert_null(ca_verified_key(f->ca, f->eecert,
	    f->issued + (EE_DAYS + 1) * DAY));
	assert_null(ca_verified_key(f->ca2, f->eecert, now));
	assert_null(ca_verified_key(NULL, f->eecert, now));
	assert_null(ca_verified_key(f->ca, NULL, now));
	assert_null(ca_verified_key(f->ca, "not a certificate", now));

	der = der_of(f->eecert, &len);
	der[len - 1] ^= 0x01;
	pem = pem_of_der(der, len);
	assert_null(ca_verified_key(f->ca, pem, now));
	assert_null(ca_verified_key(f->ca, pem, now));
	free(pem);
	OPENSSL_free(der);
	assert_int_equal(ERR_peek_error(), 0);
}

/*
 * ca_cert_light: takes exactly what ca_issue makes, with the same key and
 * validity as OpenSSL reads; refuses the CA's own certificate, another
 * CA's, a certificate outside its validity, and every one-byte change
 * and truncation of the DER; leaves other PEM layouts to the full check.
 */
static void
test_cert_light(void **state)
{
	struct fixture	*f = *state;
	EVP_PKEY	*k = NULL;
	X509		*x;
	struct tm	 tm;
	unsigned char	*der;
	char		*pem, *odd;
	long		 len, i;
	time_t		 now = time(NULL), nb, na;
	int		 bit;

	assert_int_equal(ca_cert_light(f->ca, f->eecert, now, &k, &nb, &na),
	    0);
	assert_int_equal(EVP_PKEY_eq(k, f->eekey), 1);
	EVP_PKEY_free(k);
	x = x509_of(f->eecert);
	assert_int_equal(ASN1_TIME_to_tm(X509_get0_notBefore(x), &tm), 1);
	assert_true(nb == timegm(&tm));
	assert_int_equal(ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm), 1);
	assert_true(na == timegm(&tm));
	X509_free(x);

	assert_int_equal(ca_cert_light(f->ca2, f->eecert, now, &k, NULL,
	    NULL), -1);
	assert_null(k);
	assert_int_equal(ca_cert_light(f->ca, f->cacert, now, &k, NULL, NULL),
	    -1);
	assert_null(ca_verified_key(f->ca, f->cacert, now));
	assert_int_equal(ca_cert_light(f->ca, f->eecert, f->issued - 3600, &k,
	    NULL, NULL), -1);
	assert_int_equal(ca_cert_light(f->ca, f->eecert,
	    f->issued + (EE_DAYS + 1) * DAY, &k, NULL, NULL), -1);
	assert_int_equal(ca_cert_light(f->ca, "not a certificate", now, &k,
	    NULL, NULL), -1);
	assert_int_equal(ca_cert_light(f->ca, NULL, now, &k, NULL, NULL), -1);
	assert_int_equal(ca_cert_light(NULL, f->eecert, now, &k, NULL, NULL),
	    -1);

	/* Every one-byte change and every truncation is refused. */
	der = der_of(f->eecert, &len);
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit += 7) {
			der[i] ^= (unsigned char)(1 << bit);
			pem = pem_of_der(der, len);
			assert_int_equal(ca_cert_light(f->ca, pem, now, &k,
			    NULL, NULL), -1);
			assert_null(k);
			free(pem);
			der[i] ^= (unsigned char)(1 << bit);
		}
	}
	for (i = 1; i < len; i++) {
		pem = pem_of_der(der, i);
		assert_int_equal(ca_cert_light(f->ca, pem, now, &k, NULL,
		    NULL), -1);
		free(pem);
	}
	/* The unchanged DER again: taken. */
	pem = pem_of_der(der, len);
	assert_int_equal(ca_cert_light(f->ca, pem, now, &k, NULL, NULL), 0);
	EVP_PKEY_free(k);
	free(pem);
	OPENSSL_free(der);

	/* Text around the block: not this check's; the full one takes it. */
	assert_non_null(odd = malloc(strlen(f->eecert) + 16));
	snprintf(odd, strlen(f->eecert) + 16, "note\n%s", f->eecert);
	assert_int_equal(ca_cert_light(f->ca, odd, now, &k, NULL, NULL), -1);
	assert_non_null(k = ca_verified_key(f->ca, odd, now));
	assert_int_equal(EVP_PKEY_eq(k, f->eekey), 1);
	EVP_PKEY_free(k);
	free(odd);
	assert_int_equal(ERR_peek_error(), 0);
}

/*
 * ca_cert_light_cn reads the person of a certificate the CA wrote as
 * ca_cert_subject does, whatever the names; it reads structure only, so
 * anything else is the caller's to have verified first.
 */
static void
test_cert_light_cn(void **state)
{
	static const char *const people[] = { PERSON, "Kim Min-jun",
	    "O'Brien-Park (주) 김", "𝔊 four-byte 한글 mix", "a",
	    "가나다라마바사아자차카타파하가나다라마바사아자차카타파하가나다라"
	    "마바사아자차카타파하가나다라마바사아자차카타" };
	struct fixture	*f = *state;
	struct ca_subject subj = subject;
	char		 person[256], full[256], *cert;
	char		 serial[CA_SERIAL_HEX_MAX + 1];
	size_t		 i;

	for (i = 0; i < sizeof(people) / sizeof(people[0]); i++) {
		subj.person = people[i];
		assert_int_equal(ca_issue(f->ca, f->eespki, &subj, 30, &cert,
		    serial), 0);
		assert_int_equal(ca_cert_light_cn(f->ca, cert, person,
		    sizeof(person)), 0);
		assert_int_equal(ca_cert_subject(cert, NULL, 0, NULL, 0, full,
		    sizeof(full)), 0);
		assert_string_equal(person, full);
		assert_string_equal(person, people[i]);
		/* Too small a buffer: refused, as ca_cert_subject does. */
		assert_int_equal(ca_cert_light_cn(f->ca, cert, person,
		    strlen(people[i])), -1);
		assert_string_equal(person, "");
		assert_int_equal(ca_cert_subject(cert, NULL, 0, NULL, 0, full,
		    strlen(people[i])), -1);
		assert_int_equal(ca_cert_light_cn(f->ca, cert, person,
		    strlen(people[i]) + 1), 0);
		free(cert);
	}

	/* Structure only: another CA of the same name reads it too. */
	assert_int_equal(ca_cert_light_cn(f->ca2, f->eecert, person,
	    sizeof(person)), 0);
	assert_string_equal(person, PERSON);
	/* Not what ca_issue makes: the CA's own, garbage, nothing. */
	assert_int_equal(ca_cert_light_cn(f->ca, f->cacert, person,
	    sizeof(person)), -1);
	assert_int_equal(ca_cert_light_cn(f->ca, "garbage", person,
	    sizeof(person)), -1);
	assert_int_equal(ca_cert_light_cn(f->ca, NULL, person,
	    sizeof(person)), -1);
	assert_int_equal(ca_cert_light_cn(NULL, f->eecert, person,
	    sizeof(person)), -1);
	assert_int_equal(ca_cert_light_cn(f->ca, f->eecert, NULL, 0), -1);
	assert_int_equal(ERR_peek_error(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ca_created),
		cmocka_unit_test(test_ca_load),
		cmocka_unit_test(test_ca_create_refused),
		cmocka_unit_test(test_issue_readback),
		cmocka_unit_test(test_webcrypto_vector),
		cmocka_unit_test(test_issue_refused),
		cmocka_unit_test(test_issue_clamped),
		cmocka_unit_test(test_verify_good),
		cmocka_unit_test(test_verify_time),
		cmocka_unit_test(test_verify_revoked),
		cmocka_unit_test(test_verify_wrong_ca),
		cmocka_unit_test(test_verify_tampered),
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_parse_shared),
		cmocka_unit_test(test_verified_key),
		cmocka_unit_test(test_cert_light),
		cmocka_unit_test(test_cert_light_cn),
	};

	return (cmocka_run_group_tests(tests, group_setup, group_teardown));
}
