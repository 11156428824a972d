/*
 * ca: the portal's own certificate authority (인증기관) for supplier
 * signing keys. Kore-free; depends on libc and OpenSSL 3 libcrypto only.
 *
 * At registration a supplier's browser makes an ECDSA P-256 key pair
 * with WebCrypto and sends the public half; the portal issues an X.509
 * certificate for it (ca_issue) and stores the serial. Sealed bids are
 * signed with that key; the server checks the certificate (ca_verify:
 * issued by this CA, valid at the server's time, not revoked) and the
 * signature (ca_verify_signature). The private key never reaches the
 * portal.
 *
 * Functions return 0 on success and -1 on bad arguments, bad input or an
 * OpenSSL failure; nothing here crashes on bad input. On failure output
 * pointers are left NULL, output strings empty, and OpenSSL's per-thread
 * error queue is cleared.
 *
 * Memory: strings returned through char ** are NUL-terminated, from
 * malloc(3), for free(3); none of them is secret (certificates, public
 * keys, the encrypted CA key). The CA private key lives only inside
 * struct ca (OpenSSL wipes it when ca_free frees it).
 *
 * Keys: ECDSA over NIST P-256 (prime256v1, WebCrypto's "P-256") only,
 * signatures ECDSA with SHA-256, for the CA and for every certificate it
 * issues. Serials are random 128-bit positive integers (the top bit set,
 * so always 32 hex digits, 17 DER octets); the text form used everywhere
 * here is uppercase hex without leading "0x" (BN_bn2hex).
 *
 * CA private key protection (ca_create): the same as the notices'
 * opening keys (seal.h, seal_key_protect): encrypted PKCS#8, PBES2 with
 * scrypt and AES-256-CBC. ca_load accepts only that protection
 * (seal_key_recover), so a damaged row cannot demand unbounded work.
 *
 * Certificates made here:
 *
 *   CA (ca_create), self-signed, X.509 v3:
 *     subject = issuer = C=KR, O=G2B Public Procurement, CN=<name>
 *     basicConstraints    critical  CA:TRUE, pathlen:0
 *     keyUsage            critical  keyCertSign, cRLSign
 *     subjectKeyIdentifier          hash (SHA-1 of the public key bits)
 *
 *   Supplier (ca_issue), X.509 v3:
 *     subject = C=KR, O=<company>, CN=<person>, serialNumber=<bizno>,
 *               UID=<login>   (UID is userId, 0.9.2342.19200300.100.1.1)
 *     O, CN, UID are UTF8String (Korean text is kept as is);
 *     serialNumber and C are PrintableString.
 *     basicConstraints    critical  CA:FALSE
 *     keyUsage            critical  digitalSignature, nonRepudiation
 *     extendedKeyUsage              emailProtection (no standard purpose
 *                                   names document signing; this one
 *                                   keeps the certificate out of TLS
 *                                   client and server use)
 *     authorityKeyIdentifier        keyid (the CA's subjectKeyIdentifier)
 *     subjectKeyIdentifier          hash
 *
 * Validity is notBefore = now, notAfter = now + days * 86400 seconds;
 * days must be 1..CA_DAYS_MAX. A supplier certificate never outlives
 * its CA: notAfter is clamped to the CA's notAfter.
 */
#ifndef G2B_CA_H
#define G2B_CA_H

#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "seal.h"

#define CA_DAYS_MAX		7305	/* 20 years */
#define CA_PASS_MAX		SEAL_PASS_MAX	/* passphrase bytes */
#define CA_PEM_MAX		SEAL_PEM_MAX	/* PEM text accepted */
#define CA_NAME_MAX		64	/* characters of CN and O */
#define CA_LOGIN_MAX		64	/* bytes of a login (UID) */
#define CA_BIZNO_LEN		10	/* 사업자등록번호, digits only */
#define CA_SERIAL_HEX_MAX	40	/* 20 octets, RFC 5280 4.1.2.2 */
#define CA_SIG_MAX		256	/* signature bytes accepted */

struct ca;

/* The supplier named in a certificate; every field is required. */
struct ca_subject {
	const char	*company;	/* O: UTF-8, 1..CA_NAME_MAX chars */
	const char	*bizno;		/* serialNumber: 10 digits */
	const char	*person;	/* CN: UTF-8, 1..CA_NAME_MAX chars */
	const char	*login;		/* UID: 1..CA_LOGIN_MAX bytes */
};

/*
 * Create a new CA: a P-256 key and the self-signed certificate above
 * with CN=common_name (UTF-8, 1..CA_NAME_MAX characters), valid for
 * days. *cert_pem gets the certificate ("BEGIN CERTIFICATE") and
 * *key_enc_pem the private key encrypted under passphrase (1..
 * CA_PASS_MAX bytes; its strength is the caller's policy).
 *
 * Text fields (here and in struct ca_subject) must be valid UTF-8
 * (no overlong forms, surrogates or code points above U+10FFFF) without
 * control characters (U+0000..U+001F, U+007F..U+009F).
 */
int	ca_create(const char *passphrase, const char *common_name, int days,
	    char **cert_pem, char **key_enc_pem);

/*
 * Load a CA made by ca_create into *ca (release with ca_free). -1 on: a
 * wrong passphrase; a key not protected as described at the top; a key
 * or certificate that is not P-256; a certificate that is not a
 * self-signed CA certificate (CA:TRUE, keyCertSign, a good signature by
 * its own key); a private key that does not match the certificate or
 * fails OpenSSL's pairwise check. The certificate's validity period is
 * not checked here (ca_issue does).
 */
int	ca_load(const char *cert_pem, const char *key_enc_pem,
	    const char *passphrase, struct ca **ca);

/* Free a CA from ca_load, wiping its private key; NULL is ignored. */
void	ca_free(struct ca *ca);

/*
 * Issue a supplier certificate (see the top) for the public key in
 * spki_pem: SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY"), which is
 * WebCrypto's exportKey("spki") DER base64-encoded between the PEM
 * lines (one long line or lines of 64 characters both work). Only EC
 * P-256 keys with named-curve parameters are accepted: RSA, other
 * curves, explicit parameters, the CA's own key and anything that does
 * not parse give -1. -1 too if the CA is not valid now. *cert_pem gets
 * the certificate and serial_hex the serial (uppercase hex, NUL-ended).
 */
int	ca_issue(struct ca *ca, const char *spki_pem,
	    const struct ca_subject *subj, int days, char **cert_pem,
	    char serial_hex[CA_SERIAL_HEX_MAX + 1]);

/*
 * Verify that cert_pem is a supplier certificate issued by the CA in
 * ca_cert_pem and good at time at (the server's clock, not the
 * client's): an X509_STORE with the CA certificate as the only trust
 * anchor, the verification time set to at (both certificates must be
 * within their validity at that time), X509_V_FLAG_X509_STRICT, the
 * S/MIME signing purpose (keyUsage digitalSignature or nonRepudiation,
 * extendedKeyUsage emailProtection if present), the self-signature of
 * the CA checked, and at most one level (no intermediates). The
 * certificate must not itself be a CA certificate and its key must be
 * P-256.
 *
 * revoked_serials_hex holds nrevoked serials (may be NULL if nrevoked is
 * 0), each 1..CA_SERIAL_HEX_MAX hex digits; they are compared with the
 * certificate's serial ignoring case and leading zeros. Failing closed:
 * a NULL or malformed entry gives -1 for every certificate.
 *
 * On success, serial_hex (may be NULL) gets the serial, uppercase; on
 * failure it is set to "".
 */
int	ca_verify(const char *ca_cert_pem, const char *cert_pem, time_t at,
	    const char *const *revoked_serials_hex, size_t nrevoked,
	    char serial_hex[CA_SERIAL_HEX_MAX + 1]);

/*
 * ca_verify for the CA loaded in ca (its self-signature was checked by
 * ca_load, so not again), with a trust store built once: the server's
 * per-bid check. Optionally returns the certificate's public key (for
 * EVP_PKEY_free) and validity period. 0 or -1.
 */
int	ca_verify_loaded(const struct ca *ca, const char *cert_pem, time_t at,
	    EVP_PKEY **pub, time_t *not_before, time_t *not_after);

/*
 * The check of ca_verify_loaded in one pass over the certificate's DER,
 * without OpenSSL's X509 parser (whose public-key decoding costs about
 * 90 us under OpenSSL 3.0): 0 and the key and validity period if pem is
 * exactly what ca_issue makes (one PEM block; v3; ECDSA-SHA-256; issued
 * by ca's name and signed by its key; a P-256 key; basic constraints
 * CA:FALSE, key usage and extended key usage exactly as ca_issue sets
 * them, otherwise only key identifiers) and valid at at. Anything else,
 * good or bad, is -1: ca_verified_key then runs the full check.
 */
int	ca_cert_light(const struct ca *ca, const char *pem, time_t at,
	    EVP_PKEY **pub, time_t *not_before, time_t *not_after);

/*
 * The subject's commonName (the person) without OpenSSL's X509 parser,
 * for a certificate laid out as ca_issue makes them (the structure
 * ca_cert_light reads; nothing is verified here) whose subject has
 * commonName once, in an attribute of its own, as strict UTF-8 without
 * control characters (or such ASCII as a PrintableString). 0, or -1 for
 * anything else: the caller then asks ca_cert_subject, which decides. Call it only on a certificate whose
 * chain was verified (ca_verified_key): on one the CA wrote it reads
 * what ca_cert_subject reads; on bytes nobody verified it may read text
 * that OpenSSL's parser would refuse.
 */
int	ca_cert_light_cn(const struct ca *ca, const char *pem, char *person,
	    size_t personsz);

/*
 * ca_verify_loaded(ca, cert_pem, at) remembered: the certificate's public
 * key (a reference for EVP_PKEY_free) if it chains to ca and is valid at
 * at, else NULL. A chain once verified is kept per ca, by the SHA-256 of
 * the PEM text (4,096 entries, direct-mapped, thread-safe), with its
 * validity period, which is checked against at on every call; revocation
 * is not this function's (the database's, in the bid's transaction).
 */
EVP_PKEY *ca_verified_key(struct ca *ca, const char *cert_pem, time_t at);

/*
 * The certificate in pem parsed, a reference for X509_free, or NULL if it
 * is not one PEM certificate with well-formed extensions. Verifies
 * nothing. The last 64 texts parsed in the process (by any function
 * here) are kept by their SHA-256 and shared between threads: treat the
 * X509 as read-only.
 */
X509	*ca_cert_parse(const char *pem);

/*
 * Tell the cache that x is what pem parses to (pem written from x), so
 * that the functions here do not parse it again. x stays the caller's.
 */
void	ca_cert_remember(const char *pem, X509 *x);

/*
 * The public key of a certificate as SubjectPublicKeyInfo PEM
 * ("BEGIN PUBLIC KEY") into *spki_pem. Does not verify anything.
 */
int	ca_cert_pubkey_pem(const char *cert_pem, char **spki_pem);

/*
 * Read the subject of a supplier certificate back as UTF-8: company
 * (O), bizno (serialNumber) and person (CN) into NUL-terminated buffers
 * of the given sizes. A buffer may be NULL (size 0) to skip that field.
 * -1 if a wanted field is missing, appears more than once, contains a
 * NUL or does not fit (output is never truncated). Does not verify the
 * certificate: call ca_verify first.
 */
int	ca_cert_subject(const char *cert_pem, char *company,
	    size_t companysz, char *bizno, size_t biznosz, char *person,
	    size_t personsz);

/*
 * Verify an ECDSA P-256 SHA-256 signature over len bytes of msg (msg may
 * be NULL if len is 0) with the key of cert_pem (which must be a P-256
 * key; the certificate itself is not verified here: call ca_verify).
 * Two signature encodings are accepted:
 *   - DER, the ASN.1 ECDSA-Sig-Value SEQUENCE { r, s } that OpenSSL and
 *     Java make (70..72 bytes for P-256), strict DER only;
 *   - raw r || s, 32 bytes each, big-endian: what WebCrypto's
 *     sign({name: "ECDSA", hash: "SHA-256"}) returns (IEEE P1363). It is
 *     converted to DER with ECDSA_SIG_set0 and i2d_ECDSA_SIG.
 * A 64-byte signature is tried as r || s and, should that fail and the
 * bytes happen to be strict DER, as DER; both checks are against the
 * same key and message, so this widens nothing. Returns 0 if the
 * signature verifies, -1 otherwise.
 */
int	ca_verify_signature(const char *cert_pem, const unsigned char *msg,
	    size_t len, const unsigned char *sig, size_t siglen);

/* The same with the public key itself (a P-256 EVP_PKEY, not freed). */
int	ca_verify_signature_key(EVP_PKEY *pub, const unsigned char *msg,
	    size_t len, const unsigned char *sig, size_t siglen);

#endif
