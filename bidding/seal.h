/*
 * seal: the opening key (개찰 키) of a notice and data sealed to it.
 * Kore-free; depends on libc and OpenSSL 3 libcrypto only.
 *
 * Each notice gets an RSA-3072 key pair. The public key is published (the
 * browser seals bids to it); the private key is stored only encrypted
 * under the bid officer's passphrase and is unlocked at the opening. The
 * 15 preliminary prices (복수예비가격) are sealed to the same public key.
 *
 * Functions return 0 on success and -1 on bad arguments, bad input or an
 * OpenSSL failure; nothing here crashes on bad input. On failure the
 * output pointers are left NULL (lengths 0) and OpenSSL's per-thread error
 * queue is cleared, so no stale error reaches a later TLS call.
 *
 * Memory: every buffer returned through a pointer argument is allocated
 * with malloc(3). Strings and envelopes may be released with free(3);
 * plaintext (seal_open) must be released with seal_free, which wipes it
 * first. Internal buffers holding key material or plaintext are wiped
 * with OPENSSL_cleanse before they are freed.
 *
 * Private key protection (seal_keypair_new): encrypted PKCS#8
 * ("BEGIN ENCRYPTED PRIVATE KEY"), PBES2 with AES-256-CBC and the scrypt
 * KDF, N = 2^14, r = 8, p = 5, a random 16-byte salt and a random IV.
 * OWASP's Password Storage Cheat Sheet lists this as one equivalent of
 * its scrypt minimum N = 2^17, r = 8, p = 1 (less memory, 16 MiB, and
 * more passes). N = 2^15, r = 8 (and so N = 2^17) is not possible:
 * it needs just over 32 MiB, and OpenSSL 3 checks PKCS#8 scrypt
 * parameters against its default 32 MiB limit both when writing
 * (PKCS5_pbe2_set_scrypt) and when reading, so neither this code nor
 * `openssl pkey` could use such a key. The output is readable by
 * `openssl pkey -in FILE -passin pass:...` (checked with OpenSSL 3.0.19).
 *
 * Envelope format (version 1). All lengths are in bytes.
 *
 *   offset      length  field
 *   0           1       version, 0x01
 *   1           2       k, big-endian: length of the wrapped key; equal to
 *                       the RSA modulus length (384 for RSA-3072)
 *   3           k       wrapped key: RSA-OAEP of the 32-byte AES-256 key,
 *                       hash SHA-256, MGF1 with SHA-256, empty label
 *   3 + k       12      IV (GCM nonce), random
 *   15 + k      n       AES-256-GCM ciphertext of the n plaintext bytes
 *   15 + k + n  16      GCM tag (128 bits)
 *
 * Total 31 + k + n, at most SEAL_ENVELOPE_MAX. The additional data (AAD),
 * e.g. notice number, order (차수) and bidder id, is the GCM additional
 * authenticated data; it is not stored, and opening with other AAD fails.
 * An empty AAD is the same as no AAD. Bytes 15 + k .. end are exactly
 * what WebCrypto returns (ciphertext || tag), so a browser builds an
 * envelope with:
 *
 *   pub  = importKey("spki", der, {name: "RSA-OAEP", hash: "SHA-256"},
 *              false, ["encrypt"])
 *   aes  = generateKey({name: "AES-GCM", length: 256}, true, ["encrypt"])
 *   raw  = exportKey("raw", aes)                       (32 bytes)
 *   wrap = encrypt({name: "RSA-OAEP"}, pub, raw)       (k bytes)
 *   iv   = getRandomValues(new Uint8Array(12))
 *   ct   = encrypt({name: "AES-GCM", iv, additionalData: aad,
 *              tagLength: 128}, aes, plain)            (n + 16 bytes)
 *   env  = [0x01, k >> 8, k & 0xff] || wrap || iv || ct
 *
 * Preliminary prices (seal_prices): the plaintext is the 15 prices as
 * big-endian two's-complement int64, number 1 first (120 bytes). The AAD
 * is "g2b-prices-v1" 0x00 followed by the caller's AAD string (without
 * its NUL), so a sealed price list cannot be passed off as a bid sealed
 * to the same key, or the reverse.
 */
#ifndef G2B_SEAL_H
#define G2B_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/bio.h>
#include <openssl/evp.h>

#define SEAL_RSA_BITS		3072	/* keys made by seal_keypair_new */
#define SEAL_RSA_MIN_BITS	2048	/* smallest key seal_* accept */
#define SEAL_VERSION		1
#define SEAL_KEY_LEN		32	/* AES-256 key */
#define SEAL_IV_LEN		12	/* GCM nonce */
#define SEAL_TAG_LEN		16	/* GCM tag */
#define SEAL_HDR_LEN		3	/* version + wrapped key length */
/* Envelope overhead besides the wrapped key: header, IV and tag. */
#define SEAL_OVERHEAD		(SEAL_HDR_LEN + SEAL_IV_LEN + SEAL_TAG_LEN)
#define SEAL_ENVELOPE_MAX	(1024 * 1024)	/* 1 MiB */
/* Longest base64 text seal_b64_* handle: that of SEAL_ENVELOPE_MAX bytes. */
#define SEAL_B64_MAX		((SEAL_ENVELOPE_MAX + 2) / 3 * 4)
#define SEAL_PASS_MAX		1024	/* passphrase bytes */
#define SEAL_PEM_MAX		(64 * 1024)	/* PEM text accepted */
#define SEAL_PRICES		15	/* preliminary prices (복수예비가격) */
#define SEAL_PRICES_LEN		(SEAL_PRICES * 8)

/* scrypt parameters of the private key encryption (see above). */
#define SEAL_SCRYPT_N		16384
#define SEAL_SCRYPT_R		8
#define SEAL_SCRYPT_P		5
#define SEAL_SCRYPT_SALT_LEN	16
#define SEAL_SCRYPT_P_MAX	16	/* largest p seal_key_unlock accepts */

/*
 * Create a new opening key pair: RSA-3072, e = 65537. *pub_pem gets the
 * public key as SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY"; what
 * WebCrypto importKey("spki") takes after base64-decoding the body) and
 * *priv_enc_pem the private key as encrypted PKCS#8 PEM under passphrase
 * (see the top of this file), both NUL-terminated, for free(3). The
 * passphrase must be 1..SEAL_PASS_MAX bytes; its strength is the
 * caller's policy. Slow: RSA key generation and scrypt take ~0.2-1 s.
 */
int	seal_keypair_new(const char *passphrase, char **pub_pem,
	    char **priv_enc_pem);

/*
 * Decrypt an encrypted PKCS#8 PEM private key with passphrase into *key
 * (release with seal_key_free). Only "BEGIN ENCRYPTED PRIVATE KEY" input
 * protected as seal_keypair_new does it is accepted: PBES2, AES-256-CBC,
 * scrypt with N >= SEAL_SCRYPT_N, r = SEAL_SCRYPT_R, p in 1..
 * SEAL_SCRYPT_P_MAX (so a damaged row cannot demand unbounded work, and
 * weak legacy encryption is refused). The key must be RSA, at least
 * SEAL_RSA_MIN_BITS, and pass OpenSSL's pairwise consistency check (the
 * encryption has no MAC, so this catches a corrupted component). A wrong
 * passphrase gives -1. Costs one scrypt run and the check, ~0.3 s.
 */
int	seal_key_unlock(const char *priv_enc_pem, const char *passphrase,
	    EVP_PKEY **key);

/* Free a key from seal_key_unlock (OpenSSL wipes it); NULL is ignored. */
void	seal_key_free(EVP_PKEY *key);

/*
 * Any private key (the CA's, say) protected as the opening key is:
 * encrypted PKCS#8 with PBES2, scrypt and AES-256-CBC. seal_key_recover
 * accepts only that protection, checks the key's consistency, and leaves
 * the type to the caller (seal_key_unlock is it plus "RSA of 2048 bits
 * or more"). 0, or -1 with *pem or *key NULL.
 */
int	seal_key_protect(EVP_PKEY *key, const char *passphrase, char **pem);

/* Small PEM helpers shared with ca.c. */
/* 1 if a passphrase is 1..SEAL_PASS_MAX bytes. */
int	seal_pass_ok(const char *pass);
/* A read-only memory BIO over 1..SEAL_PEM_MAX bytes of pem, or NULL. */
BIO	*seal_pem_bio(const char *pem);
/* A memory BIO's contents (at most SEAL_PEM_MAX) as a malloc'd string. */
int	seal_bio_to_str(BIO *bio, char **out);
/* PEM password callback that refuses: reads never prompt. */
int	seal_no_pass_cb(char *buf, int size, int rwflag, void *u);
int	seal_key_recover(const char *priv_enc_pem, const char *passphrase,
	    EVP_PKEY **key);

/*
 * Seal len bytes of plain (len may be 0; plain may then be NULL) to the
 * RSA public key in pub_pem ("BEGIN PUBLIC KEY", at least
 * SEAL_RSA_MIN_BITS), authenticating aadlen bytes of aad (NULL if 0).
 * *out gets the envelope described above (free(3)), *outlen its length.
 * -1 if the envelope would exceed SEAL_ENVELOPE_MAX.
 */
int	seal_to(const char *pub_pem, const unsigned char *plain, size_t len,
	    const unsigned char *aad, size_t aadlen, unsigned char **out,
	    size_t *outlen);

/*
 * Open an envelope with the private key (from seal_key_unlock) and the
 * same AAD it was sealed with. *plain gets the plaintext (never NULL on
 * success, even for 0 bytes; release with seal_free) and *plainlen its
 * length. -1 on: a version other than 1; an envelope longer than
 * SEAL_ENVELOPE_MAX or too short for its header; k not equal to the
 * key's modulus length; a wrapped key that does not unwrap to 32 bytes
 * (wrong key, corruption); a tag that does not verify (wrong AAD, any
 * change to IV, ciphertext or tag). No plaintext is released on failure.
 */
int	seal_open(EVP_PKEY *key, const unsigned char *env, size_t envlen,
	    const unsigned char *aad, size_t aadlen, unsigned char **plain,
	    size_t *plainlen);

/* Wipe len bytes at p and free(3) it; NULL is ignored. */
void	seal_free(void *p, size_t len);

/*
 * Seal the 15 preliminary prices (number k + 1 in prices[k]) to pub_pem
 * with the AAD aad (a NUL-terminated string, e.g. notice number and
 * order; may be empty, not NULL). Format at the top of this file. The
 * values are sealed as given; checking them is prices.h's business.
 */
int	seal_prices(const char *pub_pem, const int64_t prices[SEAL_PRICES],
	    const char *aad, unsigned char **env, size_t *envlen);

/*
 * Open sealed preliminary prices into prices. -1 (prices zeroed) on any
 * seal_open failure or a plaintext that is not exactly SEAL_PRICES_LEN
 * bytes.
 */
int	seal_prices_open(EVP_PKEY *key, const unsigned char *env,
	    size_t envlen, const char *aad, int64_t prices[SEAL_PRICES]);

/*
 * Standard base64 (RFC 4648 section 4, alphabet A-Z a-z 0-9 + /, with
 * '=' padding, no line breaks) of len bytes (at most SEAL_ENVELOPE_MAX)
 * into a NUL-terminated *out for free(3).
 */
int	seal_b64_encode(const unsigned char *in, size_t len, char **out);

/*
 * Strict decode of standard base64 text (at most SEAL_B64_MAX characters)
 * into *out (free(3); never NULL on success) and *outlen. -1 on any
 * character outside the alphabet (including whitespace and base64url's
 * '-' and '_'), a length that is not a multiple of 4, padding anywhere
 * but the last one or two characters, or non-zero bits in the last
 * character before the padding (non-canonical encoding). "" decodes to 0
 * bytes.
 */
int	seal_b64_decode(const char *in, unsigned char **out, size_t *outlen);

#endif
