/*
 * ca: the portal's certificate authority. It makes the CA key and its
 * self-signed certificate, issues supplier certificates for P-256 public
 * keys made in the browser, verifies certificates against the CA at a
 * given time and a revocation list, and verifies the suppliers' ECDSA
 * signatures (DER or WebCrypto's raw r || s).
 *
 * Owns no state besides struct ca (a certificate and its private key).
 * It may call libc and OpenSSL 3 libcrypto (EVP, X509, X509V3, PEM,
 * PKCS#8), never Kore or the database. The certificate profiles are
 * stated in ca.h.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "ca.h"
#include "seal.h"

#define CA_ORG		"G2B Public Procurement"
#define CA_COUNTRY	"KR"
#define CA_SERIAL_BITS	128
#define P256_GROUP	"prime256v1"
#define P256_FIELD_LEN	32	/* bytes of r and of s */
#define TEXT_MAX_BYTES	256	/* bytes of any subject text field */

/* A certificate ca_verified_key found to chain to the CA. */
struct ca_verified {
	unsigned char	 id[SHA256_DIGEST_LENGTH];	/* of the PEM text */
	time_t		 not_before;
	time_t		 not_after;
	EVP_PKEY	*pub;
};

#define CA_VERIFIED	4096

struct ca {
	X509		*cert;
	EVP_PKEY	*key;
	X509_STORE	*store;		/* the CA as the only trust anchor */
	pthread_mutex_t	 lock;		/* for verified */
	struct ca_verified *verified;	/* CA_VERIFIED, direct-mapped */
	unsigned char	*name_der;	/* the CA's subject name, DER */
	int		 name_len;
};

static X509	*cert_load(const char *);
static int	cert_to_pem(X509 *, char **);
static int	p256_ok(EVP_PKEY *);
static int	text_ok(const char *, size_t, size_t);
static int	bizno_ok(const char *);
static int	name_add(X509_NAME *, int, const char *);
static int	ext_add(X509 *, X509V3_CTX *, int, const char *);
static X509	*cert_new(EVP_PKEY *, X509_NAME *, X509_NAME *, int, time_t);
static int	serial_hex(X509 *, char *);
static int	serial_match(const char *, const char *);
static int	hex_ok(const char *);
static int	name_get(X509_NAME *, int, char *, size_t);
static EVP_PKEY	*key_decrypt(const char *, const char *);
static int	verify_der(EVP_PKEY *, const unsigned char *, size_t,
		    const unsigned char *, size_t);
static int	der_strict(const unsigned char *, size_t);
static int	raw_to_der(const unsigned char *, unsigned char **, size_t *);

/*
 * Certificates parsed in this process, by the SHA-256 of their PEM text.
 * Under OpenSSL 3.0 parsing a certificate costs about 140 us, twice an
 * ECDSA verification, because its decoders build a chain of their own for
 * the public key every time; one e-document (issue 4) used to parse its
 * sender's and its bidder's certificates six times. X509 objects are
 * reference-counted and only read here, so threads share them; the lock
 * covers the table only, and a parse runs outside it.
 */
#define CERT_CACHE	64

static pthread_mutex_t	 cert_cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	unsigned char	 id[SHA256_DIGEST_LENGTH];
	X509		*x;
	unsigned long	 used;
} cert_cache[CERT_CACHE];
static unsigned long	 cert_clock;

/* x (a reference is taken) as the parse of the text with that digest. */
static void
cert_cache_put(const unsigned char *id, X509 *x)
{
	size_t	 i, old = 0;

	pthread_mutex_lock(&cert_cache_lock);
	for (i = 0; i < CERT_CACHE; i++) {
		if (cert_cache[i].x != NULL &&
		    memcmp(cert_cache[i].id, id, SHA256_DIGEST_LENGTH) == 0)
			break;
		if (cert_cache[i].used < cert_cache[old].used)
			old = i;
	}
	if (i == CERT_CACHE && X509_up_ref(x) == 1) {
		X509_free(cert_cache[old].x);
		memcpy(cert_cache[old].id, id, SHA256_DIGEST_LENGTH);
		cert_cache[old].x = x;
		cert_cache[old].used = ++cert_clock;
	}
	pthread_mutex_unlock(&cert_cache_lock);
}

static int
pem_id(const char *pem, unsigned char *id)
{
	size_t	n;

	if (pem == NULL || (n = strnlen(pem, SEAL_PEM_MAX + 1)) == 0 ||
	    n > SEAL_PEM_MAX)
		return (-1);
	return (EVP_Digest(pem, n, id, NULL, EVP_sha256(), NULL) == 1 ?
	    0 : -1);
}

/* A certificate from PEM ("BEGIN CERTIFICATE"), or NULL; see above. */
static X509 *
cert_load(const char *pem)
{
	BIO		*bio;
	X509		*x = NULL;
	unsigned char	 id[SHA256_DIGEST_LENGTH];
	size_t		 i;

	if (pem_id(pem, id) == -1)
		return (NULL);
	pthread_mutex_lock(&cert_cache_lock);
	for (i = 0; i < CERT_CACHE; i++) {
		if (cert_cache[i].x != NULL &&
		    memcmp(cert_cache[i].id, id, sizeof(id)) == 0 &&
		    X509_up_ref(cert_cache[i].x) == 1) {
			x = cert_cache[i].x;
			cert_cache[i].used = ++cert_clock;
			break;
		}
	}
	pthread_mutex_unlock(&cert_cache_lock);
	if (x != NULL)
		return (x);

	if ((bio = seal_pem_bio(pem)) == NULL)
		return (NULL);
	x = PEM_read_bio_X509(bio, NULL, seal_no_pass_cb, NULL);
	BIO_free(bio);
	/* Computes the cached extension flags; 0 for bad extensions. */
	if (x != NULL && (X509_get_extension_flags(x) & EXFLAG_INVALID)) {
		X509_free(x);
		x = NULL;
	}
	if (x != NULL)
		cert_cache_put(id, x);
	return (x);
}

X509 *
ca_cert_parse(const char *pem)
{
	X509	*x;

	if ((x = cert_load(pem)) == NULL)
		ERR_clear_error();
	return (x);
}

void
ca_cert_remember(const char *pem, X509 *x)
{
	unsigned char	 id[SHA256_DIGEST_LENGTH];

	if (x != NULL && !(X509_get_extension_flags(x) & EXFLAG_INVALID) &&
	    pem_id(pem, id) == 0)
		cert_cache_put(id, x);
	ERR_clear_error();
}

static int
cert_to_pem(X509 *x, char **out)
{
	BIO	*bio;
	int	 rc = -1;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return (-1);
	if (PEM_write_bio_X509(bio, x))
		rc = seal_bio_to_str(bio, out);
	BIO_free(bio);
	return (rc);
}

/* 1 if key is an EC key on P-256 with named-curve parameters. */
static int
p256_ok(EVP_PKEY *key)
{
	char	buf[64];
	size_t	len;

	if (key == NULL || !EVP_PKEY_is_a(key, "EC"))
		return (0);
	if (!EVP_PKEY_get_group_name(key, buf, sizeof(buf), &len) ||
	    strcmp(buf, P256_GROUP) != 0)
		return (0);
	/* Explicit parameters equal to P-256 still report its name. */
	if (!EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_EC_ENCODING,
	    buf, sizeof(buf), &len) ||
	    strcmp(buf, OSSL_PKEY_EC_ENCODING_GROUP) != 0)
		return (0);
	return (1);
}

/*
 * 1 if s is 1..maxbytes bytes of strict UTF-8 (shortest form, no
 * surrogates, at most U+10FFFF) of at most maxchars code points, none of
 * them a control character (U+0000..U+001F, U+007F..U+009F).
 */
static int
text_ok(const char *s, size_t maxbytes, size_t maxchars)
{
	const unsigned char	*p;
	size_t			 n, i, nchars = 0;
	uint32_t		 c, min;
	int			 k, j;

	if (s == NULL)
		return (0);
	n = strnlen(s, maxbytes + 1);
	if (n == 0 || n > maxbytes)
		return (0);
	p = (const unsigned char *)s;
	for (i = 0; i < n; nchars++) {
		c = p[i];
		if (c < 0x80) {
			k = 0;
			min = 0;
		} else if ((c & 0xe0) == 0xc0) {
			k = 1;
			c &= 0x1f;
			min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			k = 2;
			c &= 0x0f;
			min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			k = 3;
			c &= 0x07;
			min = 0x10000;
		} else
			return (0);
		if ((size_t)k >= n - i)
			return (0);
		for (j = 1; j <= k; j++) {
			if ((p[i + j] & 0xc0) != 0x80)
				return (0);
			c = c << 6 | (p[i + j] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return (0);
		if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
			return (0);
		i += (size_t)k + 1;
	}
	return (nchars <= maxchars);
}

/* 1 if s is exactly CA_BIZNO_LEN ASCII digits. */
static int
bizno_ok(const char *s)
{
	size_t	i;

	if (s == NULL || strnlen(s, CA_BIZNO_LEN + 1) != CA_BIZNO_LEN)
		return (0);
	for (i = 0; i < CA_BIZNO_LEN; i++)
		if (s[i] < '0' || s[i] > '9')
			return (0);
	return (1);
}

/*
 * Append one attribute to name. OpenSSL's string table picks the type
 * (UTF8String for O, CN and UID; PrintableString for C and
 * serialNumber) and enforces X.520's length bounds.
 */
static int
name_add(X509_NAME *name, int nid, const char *value)
{
	if (!X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8,
	    (const unsigned char *)value, -1, -1, 0))
		return (-1);
	return (0);
}

/* Add the extension nid with an openssl.cnf-style value to x. */
static int
ext_add(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION	*ext;
	int		 ok;

	if ((ext = X509V3_EXT_nconf_nid(NULL, ctx, nid, value)) == NULL)
		return (-1);
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return (ok ? 0 : -1);
}

/*
 * An unsigned v3 certificate for pub with the given subject and issuer
 * names, a random serial and validity now .. now + days; or NULL.
 */
static X509 *
cert_new(EVP_PKEY *pub, X509_NAME *subject, X509_NAME *issuer, int days,
    time_t now)
{
	X509		*x;
	BIGNUM		*bn = NULL;
	ASN1_INTEGER	*serial = NULL;
	int		 ok = 0;

	if ((x = X509_new()) == NULL)
		return (NULL);
	/* 128 random bits, top bit set: positive, always 32 hex digits. */
	if ((bn = BN_new()) == NULL ||
	    !BN_rand(bn, CA_SERIAL_BITS, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) ||
	    (serial = BN_to_ASN1_INTEGER(bn, NULL)) == NULL)
		goto done;
	if (!X509_set_version(x, X509_VERSION_3) ||
	    !X509_set_serialNumber(x, serial) ||
	    !X509_set_subject_name(x, subject) ||
	    !X509_set_issuer_name(x, issuer) ||
	    X509_time_adj_ex(X509_getm_notBefore(x), 0, 0, &now) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), days, 0, &now) == NULL ||
	    !X509_set_pubkey(x, pub))
		goto done;
	ok = 1;

done:
	ASN1_INTEGER_free(serial);
	BN_free(bn);
	if (!ok) {
		X509_free(x);
		x = NULL;
	}
	return (x);
}

/*
 * The serial of x as uppercase hex into out (CA_SERIAL_HEX_MAX + 1
 * bytes); -1 for a zero, negative or over-long serial.
 */
static int
serial_hex(X509 *x, char *out)
{
	BIGNUM	*bn;
	char	*hex = NULL;
	size_t	 n;
	int	 rc = -1;

	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL)) == NULL)
		return (-1);
	if (BN_is_zero(bn) || BN_is_negative(bn) ||
	    (hex = BN_bn2hex(bn)) == NULL)
		goto done;
	n = strlen(hex);
	if (n == 0 || n > CA_SERIAL_HEX_MAX)
		goto done;
	memcpy(out, hex, n + 1);
	rc = 0;

done:
	OPENSSL_free(hex);
	BN_free(bn);
	return (rc);
}

/* 1 if s is 1..CA_SERIAL_HEX_MAX hex digits. */
static int
hex_ok(const char *s)
{
	size_t	i, n;

	if (s == NULL)
		return (0);
	n = strnlen(s, CA_SERIAL_HEX_MAX + 1);
	if (n == 0 || n > CA_SERIAL_HEX_MAX)
		return (0);
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f') ||
		    (s[i] >= 'A' && s[i] <= 'F')))
			return (0);
	return (1);
}

/* 1 if two hex serials (checked by hex_ok) denote the same number. */
static int
serial_match(const char *a, const char *b)
{
	while (*a == '0' && a[1] != '\0')
		a++;
	while (*b == '0' && b[1] != '\0')
		b++;
	return (strcasecmp(a, b) == 0);
}

/* The P-256 private key in encrypted PKCS#8 PEM, or NULL. */
static EVP_PKEY *
key_decrypt(const char *pem, const char *pass)
{
	EVP_PKEY	*key;

	if (seal_key_recover(pem, pass, &key) == -1)
		return (NULL);
	if (!p256_ok(key)) {
		EVP_PKEY_free(key);
		return (NULL);
	}
	return (key);
}

int
ca_create(const char *passphrase, const char *common_name, int days,
    char **cert_pem, char **key_enc_pem)
{
	EVP_PKEY	*key = NULL;
	X509_NAME	*name = NULL;
	X509		*x = NULL;
	X509V3_CTX	 v3;
	BIO		*bio = NULL;
	int		 rc = -1;

	if (cert_pem != NULL)
		*cert_pem = NULL;
	if (key_enc_pem != NULL)
		*key_enc_pem = NULL;
	if (cert_pem == NULL || key_enc_pem == NULL ||
	    !seal_pass_ok(passphrase) ||
	    !text_ok(common_name, TEXT_MAX_BYTES, CA_NAME_MAX) ||
	    days < 1 || days > CA_DAYS_MAX)
		goto cleanup;

	if ((key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL)
		goto cleanup;
	if ((name = X509_NAME_new()) == NULL ||
	    name_add(name, NID_countryName, CA_COUNTRY) == -1 ||
	    name_add(name, NID_organizationName, CA_ORG) == -1 ||
	    name_add(name, NID_commonName, common_name) == -1)
		goto cleanup;
	if ((x = cert_new(key, name, name, days, time(NULL))) == NULL)
		goto cleanup;
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	if (ext_add(x, &v3, NID_basic_constraints,
	    "critical,CA:TRUE,pathlen:0") == -1 ||
	    ext_add(x, &v3, NID_key_usage,
	    "critical,keyCertSign,cRLSign") == -1 ||
	    ext_add(x, &v3, NID_subject_key_identifier, "hash") == -1)
		goto cleanup;
	if (X509_sign(x, key, EVP_sha256()) <= 0)
		goto cleanup;

	if (cert_to_pem(x, cert_pem) == -1)
		goto cleanup;
	if (seal_key_protect(key, passphrase, key_enc_pem) == -1)
		goto cleanup;
	rc = 0;

cleanup:
	BIO_free(bio);
	X509_free(x);
	X509_NAME_free(name);
	EVP_PKEY_free(key);
	if (rc == -1) {
		if (cert_pem != NULL) {
			free(*cert_pem);
			*cert_pem = NULL;
		}
		ERR_clear_error();
	}
	return (rc);
}

int
ca_load(const char *cert_pem, const char *key_enc_pem,
    const char *passphrase, struct ca **out)
{
	struct ca	*ca = NULL;
	X509		*cert = NULL;
	EVP_PKEY	*key = NULL, *pub;
	uint32_t	 flags;
	int		 rc = -1;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || !seal_pass_ok(passphrase))
		goto cleanup;
	if ((cert = cert_load(cert_pem)) == NULL)
		goto cleanup;
	pub = X509_get0_pubkey(cert);
	flags = X509_get_extension_flags(cert);
	if (!p256_ok(pub) || X509_check_ca(cert) != 1 ||
	    !(flags & EXFLAG_KUSAGE) ||
	    !(X509_get_key_usage(cert) & KU_KEY_CERT_SIGN) ||
	    X509_check_issued(cert, cert) != X509_V_OK ||
	    X509_verify(cert, pub) != 1)
		goto cleanup;
	if ((key = key_decrypt(key_enc_pem, passphrase)) == NULL ||
	    X509_check_private_key(cert, key) != 1)
		goto cleanup;
	if ((ca = calloc(1, sizeof(*ca))) == NULL)
		goto cleanup;
	if ((ca->store = X509_STORE_new()) == NULL ||
	    !X509_STORE_add_cert(ca->store, cert)) {
		X509_STORE_free(ca->store);
		free(ca);
		ca = NULL;
		goto cleanup;
	}
	ca->name_der = NULL;
	if ((ca->name_len = i2d_X509_NAME(X509_get_subject_name(cert),
	    &ca->name_der)) <= 0) {
		X509_STORE_free(ca->store);
		free(ca);
		ca = NULL;
		goto cleanup;
	}
	ca->cert = cert;
	ca->key = key;
	(void)pthread_mutex_init(&ca->lock, NULL);
	cert = NULL;
	key = NULL;
	*out = ca;
	rc = 0;

cleanup:
	EVP_PKEY_free(key);
	X509_free(cert);
	if (rc == -1)
		ERR_clear_error();
	return (rc);
}

void
ca_free(struct ca *ca)
{
	size_t	i;

	if (ca == NULL)
		return;
	EVP_PKEY_free(ca->key);
	X509_free(ca->cert);
	X509_STORE_free(ca->store);
	OPENSSL_free(ca->name_der);
	if (ca->verified != NULL) {
		for (i = 0; i < CA_VERIFIED; i++)
			EVP_PKEY_free(ca->verified[i].pub);
		free(ca->verified);
	}
	(void)pthread_mutex_destroy(&ca->lock);
	free(ca);
}

int
ca_issue(struct ca *ca, const char *spki_pem, const struct ca_subject *subj,
    int days, char **cert_pem, char serial[CA_SERIAL_HEX_MAX + 1])
{
	EVP_PKEY	*pub = NULL;
	X509_NAME	*name = NULL;
	X509		*x = NULL;
	X509V3_CTX	 v3;
	BIO		*bio = NULL;
	const ASN1_TIME	*ca_end;
	time_t		 now;
	int		 cmp, rc = -1;

	if (cert_pem != NULL)
		*cert_pem = NULL;
	if (serial != NULL)
		serial[0] = '\0';
	if (ca == NULL || cert_pem == NULL || serial == NULL || subj == NULL ||
	    days < 1 || days > CA_DAYS_MAX)
		goto cleanup;
	if (!text_ok(subj->company, TEXT_MAX_BYTES, CA_NAME_MAX) ||
	    !text_ok(subj->person, TEXT_MAX_BYTES, CA_NAME_MAX) ||
	    !text_ok(subj->login, CA_LOGIN_MAX, CA_LOGIN_MAX) ||
	    !bizno_ok(subj->bizno))
		goto cleanup;

	/* The CA must be valid now. */
	now = time(NULL);
	ca_end = X509_get0_notAfter(ca->cert);
	if (X509_cmp_time(X509_get0_notBefore(ca->cert), &now) != -1 ||
	    X509_cmp_time(ca_end, &now) != 1)
		goto cleanup;

	if ((bio = seal_pem_bio(spki_pem)) == NULL)
		goto cleanup;
	pub = PEM_read_bio_PUBKEY(bio, NULL, seal_no_pass_cb, NULL);
	if (!p256_ok(pub) || EVP_PKEY_eq(pub, ca->key) == 1)
		goto cleanup;

	if ((name = X509_NAME_new()) == NULL ||
	    name_add(name, NID_countryName, CA_COUNTRY) == -1 ||
	    name_add(name, NID_organizationName, subj->company) == -1 ||
	    name_add(name, NID_commonName, subj->person) == -1 ||
	    name_add(name, NID_serialNumber, subj->bizno) == -1 ||
	    name_add(name, NID_userId, subj->login) == -1)
		goto cleanup;
	if ((x = cert_new(pub, name, X509_get_subject_name(ca->cert), days,
	    now)) == NULL)
		goto cleanup;
	/* Never outlive the CA. */
	if ((cmp = ASN1_TIME_compare(X509_get0_notAfter(x), ca_end)) < -1)
		goto cleanup;
	if (cmp > 0 && !X509_set1_notAfter(x, ca_end))
		goto cleanup;

	X509V3_set_ctx(&v3, ca->cert, x, NULL, NULL, 0);
	if (ext_add(x, &v3, NID_basic_constraints, "critical,CA:FALSE") == -1 ||
	    ext_add(x, &v3, NID_key_usage,
	    "critical,digitalSignature,nonRepudiation") == -1 ||
	    ext_add(x, &v3, NID_ext_key_usage, "emailProtection") == -1 ||
	    ext_add(x, &v3, NID_authority_key_identifier,
	    "keyid:always") == -1 ||
	    ext_add(x, &v3, NID_subject_key_identifier, "hash") == -1)
		goto cleanup;
	if (X509_sign(x, ca->key, EVP_sha256()) <= 0)
		goto cleanup;
	if (serial_hex(x, serial) == -1 || cert_to_pem(x, cert_pem) == -1)
		goto cleanup;
	rc = 0;

cleanup:
	X509_free(x);
	X509_NAME_free(name);
	EVP_PKEY_free(pub);
	BIO_free(bio);
	if (rc == -1) {
		if (serial != NULL)
			serial[0] = '\0';
		ERR_clear_error();
	}
	return (rc);
}

int
ca_verify(const char *ca_cert_pem, const char *cert_pem, time_t at,
    const char *const *revoked, size_t nrevoked,
    char serial[CA_SERIAL_HEX_MAX + 1])
{
	X509		*cacert = NULL, *cert = NULL;
	X509_STORE	*store = NULL;
	X509_STORE_CTX	*ctx = NULL;
	X509_VERIFY_PARAM *param;
	char		 hex[CA_SERIAL_HEX_MAX + 1];
	size_t		 i;
	int		 rc = -1;

	if (serial != NULL)
		serial[0] = '\0';
	if (revoked == NULL && nrevoked > 0)
		goto cleanup;
	/* Fail closed: a damaged revocation list verifies nothing. */
	for (i = 0; i < nrevoked; i++)
		if (!hex_ok(revoked[i]))
			goto cleanup;
	if ((cacert = cert_load(ca_cert_pem)) == NULL ||
	    (cert = cert_load(cert_pem)) == NULL)
		goto cleanup;
	if (X509_check_ca(cert) != 0 || !p256_ok(X509_get0_pubkey(cert)))
		goto cleanup;

	if ((store = X509_STORE_new()) == NULL ||
	    !X509_STORE_add_cert(store, cacert) ||
	    (ctx = X509_STORE_CTX_new()) == NULL ||
	    !X509_STORE_CTX_init(ctx, store, cert, NULL))
		goto cleanup;
	param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_time(param, at);
	X509_VERIFY_PARAM_set_depth(param, 0);
	if (!X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_X509_STRICT |
	    X509_V_FLAG_CHECK_SS_SIGNATURE) ||
	    !X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SMIME_SIGN))
		goto cleanup;
	if (X509_verify_cert(ctx) != 1)
		goto cleanup;

	if (serial_hex(cert, hex) == -1)
		goto cleanup;
	for (i = 0; i < nrevoked; i++)
		if (serial_match(hex, revoked[i]))
			goto cleanup;
	if (serial != NULL)
		memcpy(serial, hex, sizeof(hex));
	rc = 0;

cleanup:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	X509_free(cert);
	X509_free(cacert);
	if (rc == -1)
		ERR_clear_error();
	return (rc);
}

int
ca_verify_loaded(const struct ca *ca, const char *cert_pem, time_t at,
    EVP_PKEY **pub, time_t *not_before, time_t *not_after)
{
	X509		*cert = NULL;
	X509_STORE_CTX	*ctx = NULL;
	X509_VERIFY_PARAM *param;
	struct tm	 tm;
	int		 rc = -1;

	if (pub != NULL)
		*pub = NULL;
	if (ca == NULL || (cert = cert_load(cert_pem)) == NULL)
		goto cleanup;
	if (X509_check_ca(cert) != 0 || !p256_ok(X509_get0_pubkey(cert)))
		goto cleanup;
	if ((ctx = X509_STORE_CTX_new()) == NULL ||
	    !X509_STORE_CTX_init(ctx, ca->store, cert, NULL))
		goto cleanup;
	param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_time(param, at);
	X509_VERIFY_PARAM_set_depth(param, 0);
	if (!X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_X509_STRICT) ||
	    !X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SMIME_SIGN))
		goto cleanup;
	if (X509_verify_cert(ctx) != 1)
		goto cleanup;
	if (not_before != NULL) {
		if (ASN1_TIME_to_tm(X509_get0_notBefore(cert), &tm) != 1)
			goto cleanup;
		*not_before = timegm(&tm);
	}
	if (not_after != NULL) {
		if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1)
			goto cleanup;
		*not_after = timegm(&tm);
	}
	if (pub != NULL && (*pub = X509_get_pubkey(cert)) == NULL)
		goto cleanup;
	rc = 0;

cleanup:
	X509_STORE_CTX_free(ctx);
	X509_free(cert);
	if (rc == -1)
		ERR_clear_error();
	return (rc);
}

/*
 * A minimal DER reader for ca_cert_light: the next element of d must have
 * tag; its content goes to *c and *clen, the whole element to *e and
 * *elen (either may be NULL). Definite lengths of up to 3 bytes. -1 if
 * the element is not there or runs past the end.
 */
struct der {
	const unsigned char	*p;
	const unsigned char	*end;
};

static int
der_take(struct der *d, unsigned char tag, struct der *c,
    const unsigned char **e, size_t *elen)
{
	const unsigned char	*p = d->p;
	size_t			 n, left, i, k;

	left = (size_t)(d->end - p);
	if (left < 2 || p[0] != tag)
		return (-1);
	n = p[1];
	p += 2;
	left -= 2;
	if (n & 0x80) {
		k = n & 0x7f;
		if (k == 0 || k > 3 || k > left)
			return (-1);
		for (n = 0, i = 0; i < k; i++)
			n = n << 8 | p[i];
		p += k;
		left -= k;
	}
	if (n > left)
		return (-1);
	if (c != NULL) {
		c->p = p;
		c->end = p + n;
	}
	if (e != NULL)
		*e = d->p;
	if (elen != NULL)
		*elen = (size_t)(p + n - d->p);
	d->p = p + n;
	return (0);
}

/* UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ). */
static int
der_time(struct der *d, time_t *out)
{
	struct der	 c;
	struct tm	 tm;
	const unsigned char *s;
	size_t		 n, i;
	int		 v[7], year;

	if (der_take(d, V_ASN1_UTCTIME, &c, NULL, NULL) == 0)
		n = 13;
	else if (der_take(d, V_ASN1_GENERALIZEDTIME, &c, NULL, NULL) == 0)
		n = 15;
	else
		return (-1);
	s = c.p;
	if ((size_t)(c.end - s) != n || s[n - 1] != 'Z')
		return (-1);
	for (i = 0; i < n - 1; i++)
		if (s[i] < '0' || s[i] > '9')
			return (-1);
	for (i = 0; i < (n - 1) / 2; i++)
		v[i] = (s[2 * i] - '0') * 10 + (s[2 * i + 1] - '0');
	if (n == 13) {
		year = v[0] < 50 ? 2000 + v[0] : 1900 + v[0];
	} else {
		year = v[0] * 100 + v[1];
		memmove(&v[1], &v[2], 5 * sizeof(int));
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 ||
	    v[4] > 59 || v[5] > 59)
		return (-1);
	*out = timegm(&tm);
	return (0);
}

/* The P-256 public key of an uncompressed point (65 bytes), or NULL. */
static EVP_PKEY *
p256_from_point(const unsigned char *pt, size_t len)
{
	EVP_PKEY_CTX	*pctx;
	EVP_PKEY	*pkey = NULL;
	OSSL_PARAM	 params[3];

	if (len != 65 || pt[0] != 0x04)
		return (NULL);
	params[0] = OSSL_PARAM_construct_utf8_string(
	    OSSL_PKEY_PARAM_GROUP_NAME, (char *)P256_GROUP, 0);
	params[1] = OSSL_PARAM_construct_octet_string(
	    OSSL_PKEY_PARAM_PUB_KEY, (void *)pt, len);
	params[2] = OSSL_PARAM_construct_end();
	if ((pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL)
		return (NULL);
	if (EVP_PKEY_fromdata_init(pctx) != 1 ||
	    EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(pctx);
	return (pkey);
}

/* 1 if the Extensions content holds ext (one whole Extension) exactly. */
static int
der_has_ext(const struct der *exts, const unsigned char *ext, size_t len)
{
	struct der	 d = *exts;
	const unsigned char *e;
	size_t		 elen;

	while (d.p < d.end) {
		if (der_take(&d, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, NULL,
		    &e, &elen) == -1)
			return (0);
		if (elen == len && memcmp(e, ext, len) == 0)
			return (1);
	}
	return (0);
}

/*
 * What ca_cert_light reads of a certificate (spans into its DER): the
 * signed part, the CA's signature, the validity, the subject name and
 * the 65-byte public point.
 */
struct light {
	const unsigned char	*tbs, *sig, *subject, *point;
	size_t			 tbslen, siglen, subjectlen;
	time_t			 not_before, not_after;
};

/* The DER of exactly one PEM block as cert_to_pem writes it (free it). */
static int
light_der(const char *pem, unsigned char **der, size_t *derlen)
{
	const char	*b, *e;
	char		 text[4096];
	size_t		 n;

	*der = NULL;
	if (pem == NULL ||
	    strncmp(pem, "-----BEGIN CERTIFICATE-----\n", 28) != 0 ||
	    (e = strstr(pem + 28, "-----END CERTIFICATE-----")) == NULL ||
	    strspn(e + 25, "\r\n") != strlen(e + 25))
		return (-1);
	for (b = pem + 28, n = 0; b < e; b++) {
		if (*b == '\n' || *b == '\r')
			continue;
		if (n == sizeof(text) - 1)
			return (-1);
		text[n++] = *b;
	}
	text[n] = '\0';
	return (seal_b64_decode(text, der, derlen));
}

/*
 * 0 if der is, in its structure, exactly what ca_issue makes with ca (see
 * ca_cert_light; nothing is verified here), with its parts in *l.
 */
static int
light_walk(const struct ca *ca, const unsigned char *der, size_t derlen,
    struct light *l)
{
	/* What ca_issue signs: see there. */
	static const unsigned char ecdsa_sha256[] = { 0x30, 0x0a, 0x06, 0x08,
	    0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02 };
	static const unsigned char spki_p256[] = { 0x30, 0x59, 0x30, 0x13,
	    0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08,
	    0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00 };
	static const unsigned char ext_bc[] = { 0x30, 0x0c, 0x06, 0x03, 0x55,
	    0x1d, 0x13, 0x01, 0x01, 0xff, 0x04, 0x02, 0x30, 0x00 };
	static const unsigned char ext_ku[] = { 0x30, 0x0e, 0x06, 0x03, 0x55,
	    0x1d, 0x0f, 0x01, 0x01, 0xff, 0x04, 0x04, 0x03, 0x02, 0x06, 0xc0 };
	static const unsigned char ext_eku[] = { 0x30, 0x13, 0x06, 0x03,
	    0x55, 0x1d, 0x25, 0x04, 0x0c, 0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06,
	    0x01, 0x05, 0x05, 0x07, 0x03, 0x04 };
	static const unsigned char v3[] = { 0x02, 0x01, 0x02 };
	static const unsigned char id_ce[] = { 0x55, 0x1d };
	const unsigned char *alg, *name, *key;
	size_t		 alglen, namelen, keylen;
	struct der	 d, cert, t, c, c2, x, v;

	d.p = der;
	d.end = der + derlen;
	if (der_take(&d, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, &cert, NULL,
	    NULL) == -1 || d.p != d.end)
		return (-1);
	/* tbsCertificate, signatureAlgorithm, signatureValue. */
	if (der_take(&cert, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, &t, &l->tbs,
	    &l->tbslen) == -1 ||
	    der_take(&cert, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, NULL, &alg,
	    &alglen) == -1 ||
	    der_take(&cert, V_ASN1_BIT_STRING, &c, NULL, NULL) == -1 ||
	    cert.p != cert.end)
		return (-1);
	if (alglen != sizeof(ecdsa_sha256) ||
	    memcmp(alg, ecdsa_sha256, alglen) != 0 || c.end - c.p < 2 ||
	    c.p[0] != 0x00)
		return (-1);
	l->sig = c.p + 1;
	l->siglen = (size_t)(c.end - l->sig);
	/* version [0] v3, serialNumber, signature, issuer, validity. */
	if (der_take(&t, 0xa0, &v, NULL, NULL) == -1 ||
	    (size_t)(v.end - v.p) != sizeof(v3) ||
	    memcmp(v.p, v3, sizeof(v3)) != 0 ||
	    der_take(&t, V_ASN1_INTEGER, &c, NULL, NULL) == -1 ||
	    c.end - c.p < 1 || (c.p[0] & 0x80) ||
	    der_take(&t, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, NULL, &alg,
	    &alglen) == -1 || alglen != sizeof(ecdsa_sha256) ||
	    memcmp(alg, ecdsa_sha256, alglen) != 0 ||
	    der_take(&t, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, NULL, &name,
	    &namelen) == -1 || namelen != (size_t)ca->name_len ||
	    memcmp(name, ca->name_der, namelen) != 0 ||
	    der_take(&t, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, &v, NULL,
	    NULL) == -1 || der_time(&v, &l->not_before) == -1 ||
	    der_time(&v, &l->not_after) == -1 || v.p != v.end)
		return (-1);
	/* subject (not the CA's own), subjectPublicKeyInfo, extensions. */
	if (der_take(&t, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, NULL, &name,
	    &namelen) == -1 || (namelen == (size_t)ca->name_len &&
	    memcmp(name, ca->name_der, namelen) == 0) ||
	    der_take(&t, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, NULL, &key,
	    &keylen) == -1 || keylen != sizeof(spki_p256) + 65 ||
	    memcmp(key, spki_p256, sizeof(spki_p256)) != 0 ||
	    der_take(&t, 0xa3, &x, NULL, NULL) == -1 || t.p != t.end ||
	    der_take(&x, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, &c, NULL,
	    NULL) == -1 || x.p != x.end)
		return (-1);
	l->subject = name;
	l->subjectlen = namelen;
	l->point = key + sizeof(spki_p256);
	if (!der_has_ext(&c, ext_bc, sizeof(ext_bc)) ||
	    !der_has_ext(&c, ext_ku, sizeof(ext_ku)) ||
	    !der_has_ext(&c, ext_eku, sizeof(ext_eku)))
		return (-1);
	/*
	 * Besides those three exactly, only the key identifiers (not
	 * critical): anything else is for the full check.
	 */
	for (x = c; x.p < x.end; ) {
		if (der_take(&x, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, &v,
		    &alg, &alglen) == -1)
			return (-1);
		if ((alglen == sizeof(ext_bc) &&
		    memcmp(alg, ext_bc, alglen) == 0) ||
		    (alglen == sizeof(ext_ku) &&
		    memcmp(alg, ext_ku, alglen) == 0) ||
		    (alglen == sizeof(ext_eku) &&
		    memcmp(alg, ext_eku, alglen) == 0))
			continue;
		if (der_take(&v, V_ASN1_OBJECT, &c2, NULL, NULL) == -1 ||
		    c2.end - c2.p != 3 || memcmp(c2.p, id_ce, 2) != 0 ||
		    (c2.p[2] != 0x0e && c2.p[2] != 0x23) ||
		    der_take(&v, V_ASN1_OCTET_STRING, NULL, NULL, NULL) == -1 ||
		    v.p != v.end)
			return (-1);
	}
	return (0);
}

int
ca_cert_light(const struct ca *ca, const char *pem, time_t at,
    EVP_PKEY **pub, time_t *not_before, time_t *not_after)
{
	unsigned char	*der = NULL;
	size_t		 derlen;
	struct light	 l;
	EVP_PKEY	*k = NULL;
	int		 rc = -1;

	if (pub != NULL)
		*pub = NULL;
	if (ca == NULL || pem == NULL || pub == NULL)
		return (-1);
	if (light_der(pem, &der, &derlen) == -1)
		return (-1);
	if (light_walk(ca, der, derlen, &l) == -1)
		goto done;
	if (at < l.not_before || at > l.not_after)
		goto done;
	if (!verify_der(X509_get0_pubkey(ca->cert), l.tbs, l.tbslen, l.sig,
	    l.siglen))
		goto done;
	if ((k = p256_from_point(l.point, 65)) == NULL || !p256_ok(k))
		goto done;
	if (not_before != NULL)
		*not_before = l.not_before;
	if (not_after != NULL)
		*not_after = l.not_after;
	*pub = k;
	k = NULL;
	rc = 0;

done:
	EVP_PKEY_free(k);
	free(der);
	if (rc == -1)
		ERR_clear_error();
	return (rc);
}

int
ca_cert_light_cn(const struct ca *ca, const char *pem, char *person,
    size_t personsz)
{
	static const unsigned char oid_cn[] = { 0x55, 0x04, 0x03 };
	unsigned char	*der = NULL;
	size_t		 derlen, n, i;
	struct light	 l;
	struct der	 name, rdn, ava, oid, val;
	unsigned char	 tag;
	int		 found = 0, rc = -1;

	if (person == NULL || personsz == 0)
		return (-1);
	person[0] = '\0';
	if (ca == NULL || light_der(pem, &der, &derlen) == -1)
		return (-1);
	if (light_walk(ca, der, derlen, &l) == -1)
		goto done;
	name.p = l.subject;
	name.end = l.subject + l.subjectlen;
	if (der_take(&name, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, &rdn, NULL,
	    NULL) == -1 || name.p != name.end)
		goto done;
	name = rdn;
	/* Each RDN one attribute; commonName once, plain text. */
	while (name.p < name.end) {
		if (der_take(&name, V_ASN1_SET | V_ASN1_CONSTRUCTED, &rdn, NULL,
		    NULL) == -1 ||
		    der_take(&rdn, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, &ava,
		    NULL, NULL) == -1 || rdn.p != rdn.end ||
		    der_take(&ava, V_ASN1_OBJECT, &oid, NULL, NULL) == -1 ||
		    ava.p >= ava.end)
			goto done;
		tag = ava.p[0];
		if (der_take(&ava, tag, &val, NULL, NULL) == -1 ||
		    ava.p != ava.end)
			goto done;
		if ((size_t)(oid.end - oid.p) != sizeof(oid_cn) ||
		    memcmp(oid.p, oid_cn, sizeof(oid_cn)) != 0)
			continue;
		if (found)
			goto done;
		found = 1;
		n = (size_t)(val.end - val.p);
		if ((tag != V_ASN1_UTF8STRING &&
		    tag != V_ASN1_PRINTABLESTRING) || n >= personsz ||
		    memchr(val.p, '\0', n) != NULL)
			goto done;
		for (i = 0; tag == V_ASN1_PRINTABLESTRING && i < n; i++)
			if (val.p[i] >= 0x80)
				goto done;
		/* Text as the CA writes it (text_ok); else for OpenSSL. */
		memcpy(person, val.p, n);
		person[n] = '\0';
		if (!text_ok(person, n, n))
			goto done;
	}
	if (found)
		rc = 0;

done:
	free(der);
	if (rc == -1)
		person[0] = '\0';
	return (rc);
}

EVP_PKEY *
ca_verified_key(struct ca *ca, const char *cert_pem, time_t at)
{
	struct ca_verified	*e;
	unsigned char		 id[SHA256_DIGEST_LENGTH];
	EVP_PKEY		*pub = NULL;
	time_t			 nb, na;

	if (ca == NULL || pem_id(cert_pem, id) == -1)
		return (NULL);
	pthread_mutex_lock(&ca->lock);
	if (ca->verified == NULL)
		ca->verified = calloc(CA_VERIFIED, sizeof(*ca->verified));
	if (ca->verified != NULL) {
		e = &ca->verified[(id[0] | id[1] << 8) % CA_VERIFIED];
		if (e->pub != NULL && memcmp(e->id, id, sizeof(id)) == 0) {
			if (at >= e->not_before && at <= e->not_after &&
			    EVP_PKEY_up_ref(e->pub) == 1)
				pub = e->pub;
			pthread_mutex_unlock(&ca->lock);
			return (pub);
		}
	}
	pthread_mutex_unlock(&ca->lock);

	/*
	 * Checked outside the lock: a chain check costs about 0.3 ms, most
	 * of it the parse; the one-pass check below, 0.1 ms. Anything it
	 * does not take (it takes only what ca_issue makes) gets the full
	 * check, which decides.
	 */
	if (ca_cert_light(ca, cert_pem, at, &pub, &nb, &na) == -1 &&
	    ca_verify_loaded(ca, cert_pem, at, &pub, &nb, &na) == -1)
		return (NULL);
	pthread_mutex_lock(&ca->lock);
	if (ca->verified != NULL && EVP_PKEY_up_ref(pub) == 1) {
		e = &ca->verified[(id[0] | id[1] << 8) % CA_VERIFIED];
		EVP_PKEY_free(e->pub);
		memcpy(e->id, id, sizeof(id));
		e->not_before = nb;
		e->not_after = na;
		e->pub = pub;
	}
	pthread_mutex_unlock(&ca->lock);
	return (pub);
}

int
ca_cert_pubkey_pem(const char *cert_pem, char **spki_pem)
{
	X509		*x = NULL;
	EVP_PKEY	*pub;
	BIO		*bio = NULL;
	int		 rc = -1;

	if (spki_pem != NULL)
		*spki_pem = NULL;
	if (spki_pem == NULL || (x = cert_load(cert_pem)) == NULL)
		goto cleanup;
	if ((pub = X509_get0_pubkey(x)) == NULL ||
	    (bio = BIO_new(BIO_s_mem())) == NULL ||
	    !PEM_write_bio_PUBKEY(bio, pub))
		goto cleanup;
	rc = seal_bio_to_str(bio, spki_pem);

cleanup:
	BIO_free(bio);
	X509_free(x);
	if (rc == -1)
		ERR_clear_error();
	return (rc);
}

/*
 * The only entry nid of name as UTF-8 into out (size sz); out NULL
 * means "not wanted".
 */
static int
name_get(X509_NAME *name, int nid, char *out, size_t sz)
{
	X509_NAME_ENTRY	*e;
	unsigned char	*utf8 = NULL;
	int		 idx, n;

	if (out == NULL)
		return (0);
	if (sz == 0)
		return (-1);
	out[0] = '\0';
	if ((idx = X509_NAME_get_index_by_NID(name, nid, -1)) < 0 ||
	    X509_NAME_get_index_by_NID(name, nid, idx) >= 0)
		return (-1);
	if ((e = X509_NAME_get_entry(name, idx)) == NULL ||
	    (n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e))) < 0)
		return (-1);
	if ((size_t)n >= sz || memchr(utf8, '\0', (size_t)n) != NULL) {
		OPENSSL_free(utf8);
		return (-1);
	}
	memcpy(out, utf8, (size_t)n);
	out[n] = '\0';
	OPENSSL_free(utf8);
	return (0);
}

int
ca_cert_subject(const char *cert_pem, char *company, size_t companysz,
    char *bizno, size_t biznosz, char *person, size_t personsz)
{
	X509		*x;
	X509_NAME	*name;
	int		 rc = -1;

	if (company != NULL && companysz > 0)
		company[0] = '\0';
	if (bizno != NULL && biznosz > 0)
		bizno[0] = '\0';
	if (person != NULL && personsz > 0)
		person[0] = '\0';
	if ((x = cert_load(cert_pem)) == NULL)
		goto done;
	name = X509_get_subject_name(x);
	if (name_get(name, NID_organizationName, company, companysz) == -1 ||
	    name_get(name, NID_serialNumber, bizno, biznosz) == -1 ||
	    name_get(name, NID_commonName, person, personsz) == -1)
		goto done;
	rc = 0;

done:
	X509_free(x);
	if (rc == -1) {
		if (company != NULL && companysz > 0)
			company[0] = '\0';
		if (bizno != NULL && biznosz > 0)
			bizno[0] = '\0';
		if (person != NULL && personsz > 0)
			person[0] = '\0';
		ERR_clear_error();
	}
	return (rc);
}

/* 1 if der is a good ECDSA-SHA-256 DER signature over msg by key. */
static int
verify_der(EVP_PKEY *key, const unsigned char *msg, size_t len,
    const unsigned char *der, size_t derlen)
{
	EVP_MD_CTX	*md;
	int		 ok;

	if ((md = EVP_MD_CTX_new()) == NULL)
		return (0);
	if (msg == NULL)
		msg = (const unsigned char *)"";
	ok = EVP_DigestVerifyInit_ex(md, NULL, "SHA256", NULL, NULL, key,
	    NULL) == 1 && EVP_DigestVerify(md, der, derlen, msg, len) == 1;
	EVP_MD_CTX_free(md);
	return (ok);
}

/* 1 if sig is exactly the strict DER encoding of an ECDSA-Sig-Value. */
static int
der_strict(const unsigned char *sig, size_t siglen)
{
	ECDSA_SIG		*es;
	const unsigned char	*p = sig;
	unsigned char		*der = NULL;
	int			 n, ok = 0;

	if ((es = d2i_ECDSA_SIG(NULL, &p, (long)siglen)) == NULL)
		return (0);
	if (p == sig + siglen && (n = i2d_ECDSA_SIG(es, &der)) > 0 &&
	    (size_t)n == siglen && memcmp(der, sig, siglen) == 0)
		ok = 1;
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	return (ok);
}

/* WebCrypto's raw r || s (2 * 32 bytes) as DER into *der (OPENSSL_free). */
static int
raw_to_der(const unsigned char *raw, unsigned char **der, size_t *derlen)
{
	ECDSA_SIG	*es = NULL;
	BIGNUM		*r = NULL, *s = NULL;
	int		 n, rc = -1;

	*der = NULL;
	if ((r = BN_bin2bn(raw, P256_FIELD_LEN, NULL)) == NULL ||
	    (s = BN_bin2bn(raw + P256_FIELD_LEN, P256_FIELD_LEN, NULL)) ==
	    NULL || (es = ECDSA_SIG_new()) == NULL ||
	    !ECDSA_SIG_set0(es, r, s))
		goto done;
	r = s = NULL;	/* owned by es now */
	if ((n = i2d_ECDSA_SIG(es, der)) <= 0) {
		*der = NULL;
		goto done;
	}
	*derlen = (size_t)n;
	rc = 0;

done:
	ECDSA_SIG_free(es);
	BN_free(r);
	BN_free(s);
	return (rc);
}

int
ca_verify_signature(const char *cert_pem, const unsigned char *msg,
    size_t len, const unsigned char *sig, size_t siglen)
{
	X509	*x;
	int	 rc = -1;

	if ((x = cert_load(cert_pem)) != NULL)
		rc = ca_verify_signature_key(X509_get0_pubkey(x), msg, len, sig,
		    siglen);
	X509_free(x);
	ERR_clear_error();
	return (rc);
}

int
ca_verify_signature_key(EVP_PKEY *pub, const unsigned char *msg,
    size_t len, const unsigned char *sig, size_t siglen)
{
	unsigned char	*der = NULL;
	size_t		 derlen = 0;
	int		 ok = 0;

	if ((msg == NULL && len > 0) || sig == NULL || siglen == 0 ||
	    siglen > CA_SIG_MAX || !p256_ok(pub))
		goto done;
	if (siglen == 2 * P256_FIELD_LEN &&
	    raw_to_der(sig, &der, &derlen) == 0 &&
	    verify_der(pub, msg, len, der, derlen))
		ok = 1;
	else if (der_strict(sig, siglen) && verify_der(pub, msg, len, sig,
	    siglen))
		ok = 1;

done:
	OPENSSL_free(der);
	if (!ok)
		ERR_clear_error();
	return (ok ? 0 : -1);
}
