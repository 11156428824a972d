/*
 * bidfmt: the wire formats of electronic bidding (전자입찰), shared by the
 * server, the command-line client (bidding/cli/g2b.c) and, in JavaScript,
 * the browser (portal/static/bid.js). Kore-free; libc and OpenSSL 3 only.
 *
 * Every text format here is UTF-8 (in practice ASCII), one "name:value"
 * field per line, each line ending in a single LF (no CR), fields in the
 * order given, no spaces around ':', no empty lines, and a final LF.
 * Parsers accept exactly that and nothing else, so every value has one
 * encoding and a signature over the bytes is a signature over the meaning.
 *
 * 1. Canonical bid (what the supplier signs; the bid hash is its SHA-256):
 *
 *      g2b-bid-v1
 *      notice:<notice id, decimal, 1..18 digits, no leading zero>
 *      notice-no:<notice number, e.g. G2B-2026-000012; [A-Z0-9-], 1..32>
 *      order:<차수, decimal 1..999, no leading zero>
 *      bizno:<사업자등록번호, exactly 10 digits>
 *      cert:<certificate serial, uppercase hex, 1..40 digits>
 *      sealed-sha256:<SHA-256 of the sealed envelope bytes, 64 lowercase hex>
 *      declarations:integrity,no-collusion
 *      nonce:<32 lowercase hex: 16 random bytes from the client>
 *
 *    The declarations line is fixed: the supplier declares the bid
 *    integrity pledge (청렴계약 이행서약) and no collusion (담합 없음);
 *    a bid without it is not a bid. The nonce makes every submission
 *    distinct, so a resubmission with the same amount has another hash,
 *    while a repeated post of the same signed bid has the same hash (and
 *    gets the first receipt back).
 *
 *    Signature: ECDSA P-256 with SHA-256 over the canonical bytes, by the
 *    key of the certificate named in "cert:". Raw r||s (64 bytes, what
 *    WebCrypto returns) or DER; sent base64 (seal_b64_*).
 *
 * 2. Sealed part (plaintext of the envelope sealed with seal_to to the
 *    notice's opening public key; only the opening can read it):
 *
 *      g2b-sealed-bid-v1
 *      amount:<won, decimal 1..PRICES_AMOUNT_MAX, no leading zero>
 *      picks:<a>,<b>
 *
 *    a and b are two distinct preliminary price numbers 1..15, a < b.
 *    AAD (GCM additional data, not stored): "bid:<notice id>:<order>:<bizno>"
 *    (bidfmt_sealed_aad), so an envelope cannot be moved to another
 *    notice, order or bidder.
 *
 * 3. Receipt (접수증), signed by the portal's receipt key:
 *
 *      g2b-receipt-v1
 *      receipt:<receipt number, e.g. R-2026-00000123; [A-Z0-9-], 1..32>
 *      notice-no:<notice number>
 *      order:<order>
 *      bizno:<10 digits>
 *      bid-sha256:<bid hash, 64 lowercase hex>
 *      received:<server time, UTC: YYYY-MM-DDTHH:MM:SS.ffffffZ>
 *
 *    Signature: ECDSA P-256 SHA-256, DER, over the receipt bytes. Anyone
 *    checks it offline with the portal's published receipt public key:
 *      openssl dgst -sha256 -verify receipt-key.pem \
 *          -signature receipt.sig receipt.txt
 *
 * 4. Key file (the supplier's private signing key, kept by the user like a
 *    certificate file on disk; the portal never sees it). JSON, one
 *    object, members in this order, no other members, no whitespace:
 *
 *      {"format":"g2b-keyfile-v1","kdf":"PBKDF2-SHA256",
 *       "iterations":<decimal>,"salt":"<b64 16 bytes>","iv":"<b64 12 bytes>",
 *       "key":"<b64 AES-256-GCM ciphertext||tag of the PKCS#8 DER key>"}
 *
 *    (shown wrapped here; the file is one line, optionally followed by
 *    one LF). The AES key is PBKDF2-HMAC-SHA256(password, salt,
 *    iterations, 32 bytes); GCM with the 12-byte iv, 128-bit tag and the
 *    AAD "g2b-keyfile-v1". The key inside is an ECDSA P-256 private key,
 *    PKCS#8 DER (WebCrypto exportKey("pkcs8")). Writers use
 *    BIDFMT_KDF_ITER iterations; readers accept BIDFMT_KDF_ITER_MIN..
 *    BIDFMT_KDF_ITER_MAX (the minimum is low so that benchmarks and tests
 *    can make thousands of keys; a user's file always has the default).
 *
 * 5. Audit chain link (hash-chained bid log): the log has BIDFMT_LANES
 *    independent chains (lanes), so concurrent bids do not all wait on
 *    one lock; each lane is a complete chain from its genesis. Entry seq
 *    (1, 2, .. within its lane) links to the previous entry's hash
 *    (32 zero bytes before seq 1):
 *
 *      hash = SHA-256("g2b-chain-v1" 0x00 lane(4, BE) seq(8, BE)
 *                     prev(32) kind 0x00 bid_id(8, BE) row(32))
 *
 *    kind is "submit", "withdraw", "void" or "open"; row is the SHA-256
 *    of the bid row's immutable content (bidfmt_row_hash), so altering a
 *    stored bid (its envelope, signature, canonical text, ...) or any
 *    entry breaks the check.
 *
 * Functions return 0 on success and -1 on bad input; nothing crashes on
 * bad input, and parse failures leave the output zeroed.
 */
#ifndef G2B_BIDFMT_H
#define G2B_BIDFMT_H

#include <stddef.h>
#include <stdint.h>

#define BIDFMT_HASH_LEN		32
#define BIDFMT_HEX_LEN		64
#define BIDFMT_NONCE_HEX	32
#define BIDFMT_NO_MAX		32	/* notice and receipt numbers */
#define BIDFMT_SERIAL_MAX	40
#define BIDFMT_CANON_MAX	512	/* bytes of a canonical bid */
#define BIDFMT_SEALED_MAX	128	/* bytes of a sealed plaintext */
#define BIDFMT_RECEIPT_MAX	512
#define BIDFMT_AAD_MAX		64
#define BIDFMT_KDF_ITER		600000	/* OWASP 2023 for PBKDF2-SHA256 */
#define BIDFMT_KDF_ITER_MIN	1000
#define BIDFMT_KDF_ITER_MAX	10000000
#define BIDFMT_KEYFILE_MAX	4096
#define BIDFMT_LANES		64
#define BIDFMT_DECLARATIONS	"integrity,no-collusion"

struct bidfmt_bid {
	int64_t		notice_id;
	char		notice_no[BIDFMT_NO_MAX + 1];
	int		order;
	char		bizno[11];
	char		cert_serial[BIDFMT_SERIAL_MAX + 1];	/* uppercase */
	char		sealed_sha256[BIDFMT_HEX_LEN + 1];	/* lowercase */
	char		nonce[BIDFMT_NONCE_HEX + 1];		/* lowercase */
};

struct bidfmt_sealed {
	int64_t		amount;
	int		picks[2];	/* a < b */
};

struct bidfmt_receipt {
	char		receipt_no[BIDFMT_NO_MAX + 1];
	char		notice_no[BIDFMT_NO_MAX + 1];
	int		order;
	char		bizno[11];
	char		bid_sha256[BIDFMT_HEX_LEN + 1];
	char		received[40];	/* YYYY-MM-DDTHH:MM:SS.ffffffZ */
};

/*
 * Canonical bid text into out (outsz >= BIDFMT_CANON_MAX is always
 * enough), NUL-terminated; *len gets its length. Every field is checked
 * as in the parser; -1 if any is malformed.
 */
int	bidfmt_bid_build(const struct bidfmt_bid *, char *out, size_t outsz,
	    size_t *len);
/* Parse exactly len bytes (no NUL needed) of canonical bid text. */
int	bidfmt_bid_parse(const char *text, size_t len, struct bidfmt_bid *);

/* "bid:<notice id>:<order>:<bizno>" into out (>= BIDFMT_AAD_MAX). */
int	bidfmt_sealed_aad(int64_t notice_id, int order, const char *bizno,
	    char *out, size_t outsz);
int	bidfmt_sealed_build(const struct bidfmt_sealed *, char *out,
	    size_t outsz, size_t *len);
int	bidfmt_sealed_parse(const char *text, size_t len,
	    struct bidfmt_sealed *);

int	bidfmt_receipt_build(const struct bidfmt_receipt *, char *out,
	    size_t outsz, size_t *len);
int	bidfmt_receipt_parse(const char *text, size_t len,
	    struct bidfmt_receipt *);

/* SHA-256 of len bytes as 64 lowercase hex digits plus NUL. */
void	bidfmt_sha256_hex(const void *data, size_t len,
	    char hex[BIDFMT_HEX_LEN + 1]);
/* 16 random bytes (OpenSSL CSPRNG) as 32 lowercase hex; -1 if it fails. */
int	bidfmt_nonce(char hex[BIDFMT_NONCE_HEX + 1]);

/*
 * Key file (format 4 above). bidfmt_keyfile_seal encrypts the PKCS#8 DER
 * private key der (derlen bytes) under password with iterations
 * (BIDFMT_KDF_ITER_MIN..MAX) into a NUL-terminated JSON *out (free(3)).
 * bidfmt_keyfile_open parses and decrypts into *der (release with
 * seal_free(*der, *derlen)); a wrong password, a damaged file or any
 * deviation from the format gives -1. The derived key is wiped.
 */
int	bidfmt_keyfile_seal(const unsigned char *der, size_t derlen,
	    const char *password, int iterations, char **out);
int	bidfmt_keyfile_open(const char *json, size_t len, const char *password,
	    unsigned char **der, size_t *derlen);

/*
 * Chain link (format 5): hash of entry seq of lane with prev the previous
 * entry's hash (NULL for seq 1: 32 zero bytes). -1 on bad arguments
 * (lane outside 0..BIDFMT_LANES-1, seq < 1, unknown kind).
 */
int	bidfmt_chain_hash(int lane, int64_t seq,
	    const unsigned char prev[BIDFMT_HASH_LEN], const char *kind,
	    int64_t bid_id, const unsigned char row[BIDFMT_HASH_LEN],
	    unsigned char out[BIDFMT_HASH_LEN]);

/*
 * Row hash of a stored bid's immutable content (bid_id >= 1, canonical
 * 1..BIDFMT_CANON_MAX bytes without NUL, envelope and signature at most
 * SEAL_ENVELOPE_MAX bytes), with explicit 4-byte big-endian lengths so
 * the boundary between envelope and signature is unambiguous:
 *   SHA-256("g2b-bid-row-v1" 0x00 bid_id(8, BE) canonical 0x00
 *           envlen(4) envelope siglen(4) signature)
 * bidding.bid_row_hash in bidding/sql/003_bids.sql computes the same.
 */
int	bidfmt_row_hash(int64_t bid_id, const char *canonical, size_t clen,
	    const unsigned char *env, size_t envlen, const unsigned char *sig,
	    size_t siglen, unsigned char out[BIDFMT_HASH_LEN]);

/* Lane of a bid: the first byte of its bid hash modulo BIDFMT_LANES. */
int	bidfmt_lane(const unsigned char bid_hash[BIDFMT_HASH_LEN]);

/* 32 bytes as 64 lowercase hex (+NUL), and back (-1 on bad hex). */
void	bidfmt_hex(const unsigned char in[BIDFMT_HASH_LEN],
	    char out[BIDFMT_HEX_LEN + 1]);
int	bidfmt_unhex(const char *hex, unsigned char out[BIDFMT_HASH_LEN]);

#endif
