/*
 * Unit tests for bidding/bidfmt.c: the wire formats of electronic bidding
 * (canonical bid, sealed part, receipt, key file) and the audit chain
 * hashes.
 *
 * The expected bytes are written out here literally, and the hashes are
 * known answers (computed with Python's hashlib) that the tests also
 * recompute with EVP over bytes assembled by hand. The key file is
 * checked against one written by WebCrypto (Node 20's crypto.subtle,
 * the API browsers have) and against code here that builds and takes
 * apart key files with the EVP calls directly.
 *
 * Every parser is given text in a buffer of exactly its length (no NUL
 * after it), so AddressSanitizer catches any read past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "bidfmt.h"
#include "prices.h"
#include "seal.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define PASS		"correct horse 전지 staple"
#define KF_AAD		"g2b-keyfile-v1"

/* The canonical bid of fixed_bid(), byte for byte. */
static const char canon_text[] =
	"g2b-bid-v1\n"
	"notice:123456789012\n"
	"notice-no:G2B-2026-000012\n"
	"order:2\n"
	"bizno:1234567890\n"
	"cert:8F3A00C1D2E3F40516273849ABCDEF01\n"
	"sealed-sha256:"
	"1c4f7b77de1aaea992de7a54102782d7a2509bd75d1d8b77ff3057490d8a1a0e\n"
	"declarations:integrity,no-collusion\n"
	"nonce:0123456789abcdef0123456789abcdef\n";
/* SHA-256 of canon_text (the bid hash), and of "sealed envelope". */
#define CANON_SHA256 \
	"e27ce0a34d8f69aa2752a78330bbafad6d8908852ccb50f52b5d89b6fee09ea2"
#define SEALED_SHA256 \
	"1c4f7b77de1aaea992de7a54102782d7a2509bd75d1d8b77ff3057490d8a1a0e"

static const char sealed_text[] =
	"g2b-sealed-bid-v1\n"
	"amount:123456789\n"
	"picks:3,11\n";

static const char receipt_text[] =
	"g2b-receipt-v1\n"
	"receipt:R-2026-00000123\n"
	"notice-no:G2B-2026-000012\n"
	"order:2\n"
	"bizno:1234567890\n"
	"bid-sha256:"
	"e27ce0a34d8f69aa2752a78330bbafad6d8908852ccb50f52b5d89b6fee09ea2\n"
	"received:2026-03-02T01:02:03.456789Z\n";

/*
 * Known answers (hashlib): chain entry seq 3 of lane 5, prev bytes
 * 0x00..0x1f, kind "withdraw", bid 1234567, row bytes 0xa0..0xbf; entry
 * seq 1 of lane 0, kind "submit", bid 1, the same row; the row hash of
 * bid 42 with canon_text, envelope bytes 0..99 and 64 bytes of 0x55.
 */
#define CHAIN_KAT \
	"2f758685d55b2fdb34ed1a0eddd221bc00badc1039654753bd9b547a0f4d03d4"
#define CHAIN1_KAT \
	"f1c613ac719148e13ffd495a027fec3dc5fb258bd47fd4114de849aa95414e71"
#define ROW_KAT \
	"46e83905642cf082f63df72037968c4a95828b45fa6133a78e6023f0aae64141"

/*
 * A key file written by WebCrypto (Node 20): a P-256 key from
 * generateKey, exportKey("pkcs8"), PBKDF2 deriveKey with SHA-256 and
 * 1000 iterations, AES-GCM encrypt with additionalData "g2b-keyfile-v1",
 * JSON.stringify of the members in order. The password is
 * VECTOR_PASS; vector_der_b64 is the exported key.
 */
#define VECTOR_PASS	"키파일 vector pass"
static const char vector_json[] =
	"{\"format\":\"g2b-keyfile-v1\",\"kdf\":\"PBKDF2-SHA256\","
	"\"iterations\":1000,\"salt\":\"ZDjDtCkYLogovY8bsct1/A==\","
	"\"iv\":\"vCZikLsbKKokGnRN\",\"key\":\"FcAEqH+NGxpLQDuEToYCPUJrYU1mI"
	"PEMdfr2sSZBE7zv15ZevzBUEomLwBVnvTK6gnTb76NXvYtOBJobetoS/V8RsADh9IJ"
	"+y23ku3geLDgoAQfdZu0S4zJ8q/eir/AwmMHR2sMnByaJGaodS0hWxDXm/b1g6jA5+"
	"RlvZOVqrqfvR/tBscKprO44ycZno1j9JEhSEZwiCvuTQg==\"}";
static const char vector_der_b64[] =
	"MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgObjEIcJ8PbF1sJvBOKVU"
	"V42+Cbi2/eE9InhZMl64+QyhRANCAATCQs1onN8869EKq8YZkLv3nLd36LVGNOmPlxrB"
	"o9IgtUz2wkpiK0DgKCnUqfUW4sKDX0w64+ecFwe81dritTdk";

/* ---- helpers ---- */

/* A malloc'd copy of n bytes with nothing after them (for ASan). */
static char *
dup_exact(const char *s, size_t n)
{
	char	*p;

	assert_non_null(p = malloc(n > 0 ? n : 1));
	memcpy(p, s, n);
	return (p);
}

/* s with the first occurrence of from replaced by to, NUL-terminated. */
static char *
subst(const char *s, const char *from, const char *to)
{
	const char	*at;
	char		*out;
	size_t		 pre, n;

	assert_non_null(at = strstr(s, from));
	pre = (size_t)(at - s);
	n = strlen(s) - strlen(from) + strlen(to);
	assert_non_null(out = malloc(n + 1));
	memcpy(out, s, pre);
	memcpy(out + pre, to, strlen(to));
	strcpy(out + pre + strlen(to), at + strlen(from));
	return (out);
}

static int
parse_bid(const char *s, size_t n, struct bidfmt_bid *b)
{
	char	*p;
	int	 rc;

	p = dup_exact(s, n);
	rc = bidfmt_bid_parse(p, n, b);
	free(p);
	return (rc);
}

static int
parse_sealed(const char *s, size_t n, struct bidfmt_sealed *b)
{
	char	*p;
	int	 rc;

	p = dup_exact(s, n);
	rc = bidfmt_sealed_parse(p, n, b);
	free(p);
	return (rc);
}

static int
parse_receipt(const char *s, size_t n, struct bidfmt_receipt *b)
{
	char	*p;
	int	 rc;

	p = dup_exact(s, n);
	rc = bidfmt_receipt_parse(p, n, b);
	free(p);
	return (rc);
}

static int
all_zero(const void *p, size_t n)
{
	const unsigned char	*b = p;
	size_t			 i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return (0);
	return (1);
}

/*
 * Parsing s (a NUL-terminated string, taken without its NUL) must fail
 * and leave the output zeroed, even if it held something before.
 */
static void
bid_bad(const char *s)
{
	struct bidfmt_bid	b;

	memset(&b, 0x5a, sizeof(b));
	if (parse_bid(s, strlen(s), &b) != -1)
		fail_msg("accepted bid text:\n%s", s);
	assert_true(all_zero(&b, sizeof(b)));
}

/* bid_bad on canon_text with from replaced by to. */
static void
bid_bad_subst(const char *from, const char *to)
{
	char	*s;

	s = subst(canon_text, from, to);
	bid_bad(s);
	free(s);
}

static void
sealed_bad(const char *s)
{
	struct bidfmt_sealed	b;

	memset(&b, 0x5a, sizeof(b));
	if (parse_sealed(s, strlen(s), &b) != -1)
		fail_msg("accepted sealed text:\n%s", s);
	assert_true(all_zero(&b, sizeof(b)));
}

static void
receipt_bad(const char *s)
{
	struct bidfmt_receipt	r;

	memset(&r, 0x5a, sizeof(r));
	if (parse_receipt(s, strlen(s), &r) != -1)
		fail_msg("accepted receipt text:\n%s", s);
	assert_true(all_zero(&r, sizeof(r)));
}

static void
receipt_bad_subst(const char *from, const char *to)
{
	char	*s;

	s = subst(receipt_text, from, to);
	receipt_bad(s);
	free(s);
}

static void
fixed_bid(struct bidfmt_bid *b)
{
	memset(b, 0, sizeof(*b));
	b->notice_id = INT64_C(123456789012);
	strcpy(b->notice_no, "G2B-2026-000012");
	b->order = 2;
	strcpy(b->bizno, "1234567890");
	strcpy(b->cert_serial, "8F3A00C1D2E3F40516273849ABCDEF01");
	strcpy(b->sealed_sha256, SEALED_SHA256);
	strcpy(b->nonce, "0123456789abcdef0123456789abcdef");
}

static void
fixed_receipt(struct bidfmt_receipt *r)
{
	memset(r, 0, sizeof(*r));
	strcpy(r->receipt_no, "R-2026-00000123");
	strcpy(r->notice_no, "G2B-2026-000012");
	r->order = 2;
	strcpy(r->bizno, "1234567890");
	strcpy(r->bid_sha256, CANON_SHA256);
	strcpy(r->received, "2026-03-02T01:02:03.456789Z");
}

static void
assert_bid_equal(const struct bidfmt_bid *a, const struct bidfmt_bid *b)
{
	assert_true(a->notice_id == b->notice_id);
	assert_string_equal(a->notice_no, b->notice_no);
	assert_int_equal(a->order, b->order);
	assert_string_equal(a->bizno, b->bizno);
	assert_string_equal(a->cert_serial, b->cert_serial);
	assert_string_equal(a->sealed_sha256, b->sealed_sha256);
	assert_string_equal(a->nonce, b->nonce);
}

/* Build must refuse b, leaving out empty and *len 0. */
static void
bid_build_bad(const struct bidfmt_bid *b)
{
	char	out[BIDFMT_CANON_MAX];
	size_t	len = 99;

	memset(out, 'x', sizeof(out));
	assert_int_equal(bidfmt_bid_build(b, out, sizeof(out), &len), -1);
	assert_int_equal(out[0], '\0');
	assert_int_equal(len, 0);
}

static void
receipt_build_bad(const struct bidfmt_receipt *r)
{
	char	out[BIDFMT_RECEIPT_MAX];
	size_t	len = 99;

	memset(out, 'x', sizeof(out));
	assert_int_equal(bidfmt_receipt_build(r, out, sizeof(out), &len), -1);
	assert_int_equal(out[0], '\0');
	assert_int_equal(len, 0);
}

static void
sealed_build_bad(int64_t amount, int a, int b)
{
	struct bidfmt_sealed	s;
	char			out[BIDFMT_SEALED_MAX];
	size_t			len = 99;

	s.amount = amount;
	s.picks[0] = a;
	s.picks[1] = b;
	memset(out, 'x', sizeof(out));
	assert_int_equal(bidfmt_sealed_build(&s, out, sizeof(out), &len), -1);
	assert_int_equal(out[0], '\0');
	assert_int_equal(len, 0);
}

/* A fresh P-256 key as PKCS#8 DER (for free(3)). */
static unsigned char *
key_der(const char *type, const char *param, size_t *len)
{
	EVP_PKEY		*key;
	PKCS8_PRIV_KEY_INFO	*p8;
	unsigned char		*der = NULL;
	int			 n;

	if (param != NULL)
		key = EVP_PKEY_Q_keygen(NULL, NULL, type, param);
	else
		key = EVP_PKEY_Q_keygen(NULL, NULL, type);
	assert_non_null(key);
	assert_non_null(p8 = EVP_PKEY2PKCS8(key));
	n = i2d_PKCS8_PRIV_KEY_INFO(p8, &der);
	assert_true(n > 0);
	*len = (size_t)n;
	PKCS8_PRIV_KEY_INFO_free(p8);
	EVP_PKEY_free(key);
	return (der);
}

static unsigned char *
p256_der(size_t *len)
{
	return (key_der("EC", "P-256", len));
}

/* Standard base64 with EVP (not seal_b64_*), for free(3). */
static char *
evp_b64(const unsigned char *in, size_t n)
{
	char	*s;

	assert_non_null(s = malloc((n + 2) / 3 * 4 + 1));
	assert_int_equal(EVP_EncodeBlock((unsigned char *)s, in, (int)n),
	    (int)((n + 2) / 3 * 4));
	return (s);
}

/* Decode with EVP; *n excludes the padding. For free(3). */
static unsigned char *
evp_unb64(const char *s, size_t slen, size_t *n)
{
	unsigned char	*out;
	int		 m;

	assert_int_equal(slen % 4, 0);
	assert_non_null(out = malloc(slen / 4 * 3 + 1));
	m = EVP_DecodeBlock(out, (const unsigned char *)s, (int)slen);
	assert_true(m >= 0);
	if (slen > 0 && s[slen - 1] == '=')
		m--;
	if (slen > 1 && s[slen - 2] == '=')
		m--;
	*n = (size_t)m;
	return (out);
}

/*
 * A key file written here with EVP directly, as WebCrypto would write
 * it: PBKDF2-HMAC-SHA256, AES-256-GCM with the AAD, ct || tag.
 * iterations is printed as given (iter_text if not NULL).
 */
static char *
indep_keyfile(const unsigned char *der, size_t derlen, const char *pass,
    int iterations, const char *iter_text, const unsigned char salt[16],
    const unsigned char iv[12])
{
	EVP_CIPHER_CTX	*ctx;
	unsigned char	 key[32], *ct;
	char		*salt64, *iv64, *ct64, *json, itbuf[32];
	int		 n;

	assert_int_equal(PKCS5_PBKDF2_HMAC(pass, (int)strlen(pass), salt, 16,
	    iterations, EVP_sha256(), 32, key), 1);
	assert_non_null(ct = malloc(derlen + 16));
	assert_non_null(ctx = EVP_CIPHER_CTX_new());
	assert_int_equal(EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key,
	    iv), 1);
	assert_int_equal(EVP_EncryptUpdate(ctx, NULL, &n,
	    (const unsigned char *)KF_AAD, (int)strlen(KF_AAD)), 1);
	assert_int_equal(EVP_EncryptUpdate(ctx, ct, &n, der, (int)derlen), 1);
	assert_int_equal(n, (int)derlen);
	assert_int_equal(EVP_EncryptFinal_ex(ctx, ct + derlen, &n), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16,
	    ct + derlen), 1);
	EVP_CIPHER_CTX_free(ctx);

	salt64 = evp_b64(salt, 16);
	iv64 = evp_b64(iv, 12);
	ct64 = evp_b64(ct, derlen + 16);
	if (iter_text == NULL) {
		snprintf(itbuf, sizeof(itbuf), "%d", iterations);
		iter_text = itbuf;
	}
	n = snprintf(NULL, 0, "{\"format\":\"g2b-keyfile-v1\","
	    "\"kdf\":\"PBKDF2-SHA256\",\"iterations\":%s,\"salt\":\"%s\","
	    "\"iv\":\"%s\",\"key\":\"%s\"}", iter_text, salt64, iv64, ct64);
	assert_non_null(json = malloc((size_t)n + 1));
	snprintf(json, (size_t)n + 1, "{\"format\":\"g2b-keyfile-v1\","
	    "\"kdf\":\"PBKDF2-SHA256\",\"iterations\":%s,\"salt\":\"%s\","
	    "\"iv\":\"%s\",\"key\":\"%s\"}", iter_text, salt64, iv64, ct64);
	free(salt64);
	free(iv64);
	free(ct64);
	free(ct);
	return (json);
}

/*
 * bidfmt_keyfile_open on exactly len bytes of json; on success the DER
 * is compared with want (if not NULL). Checks the outputs are cleared on
 * failure and OpenSSL's error queue is left empty either way.
 */
static int
open_kf(const char *json, size_t len, const char *pass,
    const unsigned char *want, size_t wantlen)
{
	unsigned char	*der = (unsigned char *)"junk";
	size_t		 derlen = 99;
	char		*p;
	int		 rc;

	p = dup_exact(json, len);
	rc = bidfmt_keyfile_open(p, len, pass, &der, &derlen);
	free(p);
	if (rc == 0) {
		assert_non_null(der);
		if (want != NULL) {
			assert_int_equal(derlen, wantlen);
			assert_memory_equal(der, want, wantlen);
		}
		seal_free(der, derlen);
	} else {
		assert_int_equal(rc, -1);
		assert_null(der);
		assert_int_equal(derlen, 0);
	}
	assert_int_equal(ERR_peek_error(), 0);
	return (rc);
}

/* The value of string member name in a key file, by hand. */
static const char *
member(const char *json, const char *name, size_t *n)
{
	char		 key[32];
	const char	*p, *end;

	snprintf(key, sizeof(key), "\"%s\":\"", name);
	assert_non_null(p = strstr(json, key));
	p += strlen(key);
	assert_non_null(end = strchr(p, '"'));
	*n = (size_t)(end - p);
	return (p);
}

/* ---- canonical bid ---- */

static void
test_bid_canonical_bytes(void **state)
{
	struct bidfmt_bid	b;
	char			out[BIDFMT_CANON_MAX], hex[BIDFMT_HEX_LEN + 1];
	size_t			len = 0;

	(void)state;
	fixed_bid(&b);
	assert_int_equal(bidfmt_bid_build(&b, out, sizeof(out), &len), 0);
	assert_int_equal(len, sizeof(canon_text) - 1);
	assert_int_equal(len, 274);
	assert_memory_equal(out, canon_text, sizeof(canon_text));
	/* The bid hash is the SHA-256 of exactly these bytes. */
	bidfmt_sha256_hex(out, len, hex);
	assert_string_equal(hex, CANON_SHA256);

	/* Exactly enough room (text and NUL), then one byte less. */
	assert_int_equal(bidfmt_bid_build(&b, out, len + 1, &len), 0);
	assert_string_equal(out, canon_text);
	assert_int_equal(bidfmt_bid_build(&b, out, len, &len), -1);
	assert_int_equal(out[0], '\0');
	assert_int_equal(len, 0);
	assert_int_equal(bidfmt_bid_build(&b, out, 0, &len), -1);
	assert_int_equal(bidfmt_bid_build(NULL, out, sizeof(out), &len), -1);
	assert_int_equal(bidfmt_bid_build(&b, NULL, sizeof(out), &len), -1);
}

static void
test_bid_round_trip(void **state)
{
	struct bidfmt_bid	b, want, got;
	char			out[BIDFMT_CANON_MAX];
	size_t			len;

	(void)state;
	fixed_bid(&want);
	assert_int_equal(parse_bid(canon_text, strlen(canon_text), &b), 0);
	assert_bid_equal(&b, &want);

	/* Every field at its longest still fits in BIDFMT_CANON_MAX. */
	memset(&b, 0, sizeof(b));
	b.notice_id = INT64_C(999999999999999999);
	memset(b.notice_no, 'Z', BIDFMT_NO_MAX);
	b.notice_no[0] = '-';
	b.order = 999;
	strcpy(b.bizno, "0000000000");
	memset(b.cert_serial, 'F', BIDFMT_SERIAL_MAX);
	memset(b.sealed_sha256, 'f', BIDFMT_HEX_LEN);
	memset(b.nonce, '0', BIDFMT_NONCE_HEX);
	assert_int_equal(bidfmt_bid_build(&b, out, sizeof(out), &len), 0);
	assert_true(len < BIDFMT_CANON_MAX);
	assert_int_equal(strlen(out), len);
	assert_int_equal(parse_bid(out, len, &got), 0);
	assert_bid_equal(&got, &b);

	/* The smallest values. */
	memset(&b, 0, sizeof(b));
	b.notice_id = 1;
	strcpy(b.notice_no, "A");
	b.order = 1;
	strcpy(b.bizno, "9999999999");
	strcpy(b.cert_serial, "0");
	memset(b.sealed_sha256, '0', BIDFMT_HEX_LEN);
	memset(b.nonce, 'a', BIDFMT_NONCE_HEX);
	assert_int_equal(bidfmt_bid_build(&b, out, sizeof(out), &len), 0);
	assert_int_equal(parse_bid(out, len, &got), 0);
	assert_bid_equal(&got, &b);
	assert_non_null(strstr(out, "\nnotice:1\n"));
	assert_non_null(strstr(out, "\norder:1\n"));

	/* Works without len. */
	fixed_bid(&b);
	assert_int_equal(bidfmt_bid_build(&b, out, sizeof(out), NULL), 0);
	assert_string_equal(out, canon_text);
}

static void
test_bid_build_rejects(void **state)
{
	struct bidfmt_bid	b;
	size_t			i;
	static const int64_t	bad_ids[] = { 0, -1, INT64_MIN,
				    INT64_C(1000000000000000000), INT64_MAX };
	static const int	bad_orders[] = { 0, -1, 1000, INT32_MAX };
	static const char	*bad_nos[] = { "", "g2b-2026-1", "G2B 2026",
				    "G2B_2026", "G2B\n2026", "G2B:1", "한글" };
	static const char	*bad_biznos[] = { "", "123456789", "12345678a",
				    "123456789 ", "+123456789", "12345-6789" };
	static const char	*bad_serials[] = { "", "8f3a", "8F3G",
				    "0x8F3A", "8F 3A", "-1" };

	(void)state;
	for (i = 0; i < NELEM(bad_ids); i++) {
		fixed_bid(&b);
		b.notice_id = bad_ids[i];
		bid_build_bad(&b);
	}
	for (i = 0; i < NELEM(bad_orders); i++) {
		fixed_bid(&b);
		b.order = bad_orders[i];
		bid_build_bad(&b);
	}
	for (i = 0; i < NELEM(bad_nos); i++) {
		fixed_bid(&b);
		strcpy(b.notice_no, bad_nos[i]);
		bid_build_bad(&b);
	}
	for (i = 0; i < NELEM(bad_biznos); i++) {
		fixed_bid(&b);
		strcpy(b.bizno, bad_biznos[i]);
		bid_build_bad(&b);
	}
	for (i = 0; i < NELEM(bad_serials); i++) {
		fixed_bid(&b);
		strcpy(b.cert_serial, bad_serials[i]);
		bid_build_bad(&b);
	}
	/* Strings that fill their arrays have no NUL: too long. */
	fixed_bid(&b);
	memset(b.notice_no, 'A', sizeof(b.notice_no));
	bid_build_bad(&b);
	fixed_bid(&b);
	memset(b.bizno, '1', sizeof(b.bizno));
	bid_build_bad(&b);
	fixed_bid(&b);
	memset(b.cert_serial, 'A', sizeof(b.cert_serial));
	bid_build_bad(&b);
	fixed_bid(&b);
	memset(b.sealed_sha256, 'a', sizeof(b.sealed_sha256));
	bid_build_bad(&b);
	fixed_bid(&b);
	memset(b.nonce, 'a', sizeof(b.nonce));
	bid_build_bad(&b);
	/* Hashes: lowercase, exact length. */
	fixed_bid(&b);
	b.sealed_sha256[0] = 'C';
	bid_build_bad(&b);
	fixed_bid(&b);
	b.sealed_sha256[BIDFMT_HEX_LEN - 1] = '\0';
	bid_build_bad(&b);
	fixed_bid(&b);
	b.nonce[5] = 'A';
	bid_build_bad(&b);
	fixed_bid(&b);
	b.nonce[BIDFMT_NONCE_HEX - 1] = '\0';
	bid_build_bad(&b);
	fixed_bid(&b);
	b.nonce[3] = 'g';
	bid_build_bad(&b);
}

static void
test_bid_parse_rejects(void **state)
{
	char	*s, *t;
	size_t	 n, i;

	(void)state;
	/* Line endings: CR anywhere, missing final LF, empty lines. */
	bid_bad_subst("g2b-bid-v1\n", "g2b-bid-v1\r\n");
	bid_bad_subst("order:2\n", "order:2\r\n");
	bid_bad_subst("cdef\n", "cdef\r\n");
	bid_bad_subst("cdef\n", "cdef");
	bid_bad_subst("cdef\n", "cdef\n\n");
	bid_bad_subst("order:2\n", "order:2\n\n");
	bid_bad_subst("g2b-bid-v1\n", "\ng2b-bid-v1\n");
	/* All LFs as CRLF. */
	n = strlen(canon_text);
	assert_non_null(s = malloc(2 * n + 1));
	for (i = 0, t = s; i < n; i++) {
		if (canon_text[i] == '\n')
			*t++ = '\r';
		*t++ = canon_text[i];
	}
	*t = '\0';
	bid_bad(s);
	free(s);

	/* Header and field names. */
	bid_bad_subst("g2b-bid-v1", "g2b-bid-v2");
	bid_bad_subst("g2b-bid-v1", "G2B-BID-V1");
	bid_bad_subst("notice:", "Notice:");
	bid_bad_subst("notice:", "notice :");
	bid_bad_subst("notice:", "notice: ");
	bid_bad_subst("notice:", "notice=");
	bid_bad_subst("nonce:", "nonce::");
	/* Extra, missing, duplicated and reordered fields. */
	bid_bad_subst("cdef\n", "cdef\nextra:1\n");
	bid_bad_subst("order:2\n", "order:2\nextra:1\n");
	bid_bad_subst("order:2\n", "");
	bid_bad_subst("order:2\n", "order:2\norder:2\n");
	bid_bad_subst("order:2\nbizno:1234567890\n",
	    "bizno:1234567890\norder:2\n");
	bid_bad_subst("notice:123456789012\nnotice-no:G2B-2026-000012\n",
	    "notice-no:G2B-2026-000012\nnotice:123456789012\n");
	bid_bad_subst("declarations:integrity,no-collusion\n"
	    "nonce:0123456789abcdef0123456789abcdef\n",
	    "nonce:0123456789abcdef0123456789abcdef\n"
	    "declarations:integrity,no-collusion\n");
	/* Declarations: fixed. */
	bid_bad_subst("integrity,no-collusion", "integrity");
	bid_bad_subst("integrity,no-collusion", "no-collusion,integrity");
	bid_bad_subst("integrity,no-collusion", "integrity,no-collusion,");
	bid_bad_subst("integrity,no-collusion", "integrity, no-collusion");
	bid_bad_subst("integrity,no-collusion\n", "\n");
	/* Numbers: no leading zeros, signs, spaces, too many digits. */
	bid_bad_subst("notice:123456789012", "notice:0123456789012");
	bid_bad_subst("notice:123456789012", "notice:+123456789012");
	bid_bad_subst("notice:123456789012", "notice:-123456789012");
	bid_bad_subst("notice:123456789012", "notice: 123456789012");
	bid_bad_subst("notice:123456789012", "notice:123456789012 ");
	bid_bad_subst("notice:123456789012", "notice:0");
	bid_bad_subst("notice:123456789012", "notice:");
	bid_bad_subst("notice:123456789012", "notice:1000000000000000000");
	bid_bad_subst("notice:123456789012", "notice:9223372036854775807");
	bid_bad_subst("notice:123456789012",
	    "notice:99999999999999999999999");
	bid_bad_subst("notice:123456789012", "notice:0x1F");
	bid_bad_subst("notice:123456789012", "notice:1e5");
	bid_bad_subst("order:2", "order:02");
	bid_bad_subst("order:2", "order:0");
	bid_bad_subst("order:2", "order:00");
	bid_bad_subst("order:2", "order:+2");
	bid_bad_subst("order:2", "order:-2");
	bid_bad_subst("order:2", "order:1000");
	bid_bad_subst("order:2", "order:");
	/* Notice number. */
	bid_bad_subst("G2B-2026-000012", "g2b-2026-000012");
	bid_bad_subst("G2B-2026-000012", "G2B 2026");
	bid_bad_subst("notice-no:G2B-2026-000012", "notice-no:");
	bid_bad_subst("G2B-2026-000012", "G2B-2026-000012-ABCDEFGHIJKLMNOPQ");
	/* bizno: exactly 10 digits. */
	bid_bad_subst("bizno:1234567890", "bizno:123456789");
	bid_bad_subst("bizno:1234567890", "bizno:12345678901");
	bid_bad_subst("bizno:1234567890", "bizno:123-45-67890");
	bid_bad_subst("bizno:1234567890", "bizno:123456789O");
	/* Certificate serial: uppercase hex, 1..40. */
	bid_bad_subst("8F3A00C1D2E3F40516273849ABCDEF01",
	    "8f3a00c1d2e3f40516273849abcdef01");
	bid_bad_subst("8F3A00C1D2E3F40516273849ABCDEF01",
	    "8F3A00C1D2E3F40516273849ABCDEf01");
	bid_bad_subst("cert:8F3A00C1D2E3F40516273849ABCDEF01", "cert:");
	bid_bad_subst("8F3A00C1D2E3F40516273849ABCDEF01",
	    "8F3A00C1D2E3F40516273849ABCDEF0123456789A");
	/* Hashes: lowercase hex of the exact length. */
	bid_bad_subst("1c4f7b77de1aaea9", "1C4F7B77DE1AAEA9");
	bid_bad_subst("1c4f7b77de1aaea9", "1c4f7b77de1aaeA9");
	bid_bad_subst("1c4f7b77de1aaea9", "1c4f7b77de1aaea");
	bid_bad_subst("1c4f7b77de1aaea9", "1c4f7b77de1aaea90");
	bid_bad_subst("1c4f7b77de1aaea9", "1c4f7b77de1aaeg9");
	bid_bad_subst("nonce:0123456789abcdef", "nonce:0123456789ABCDEF");
	bid_bad_subst("nonce:0123456789abcdef", "nonce:0123456789abcde");
	bid_bad_subst("nonce:0123456789abcdef", "nonce:0123456789abcdef0");
	/* Trailing bytes after the final LF. */
	bid_bad_subst("cdef\n", "cdef\nx");
	bid_bad_subst("cdef\n", "cdef\n ");
	bid_bad_subst("cdef\n", "cdef\n\r");
}

/* A NUL byte anywhere (the length says where the text ends, not a NUL). */
static void
test_bid_parse_nul_bytes(void **state)
{
	struct bidfmt_bid	b;
	char			buf[sizeof(canon_text)];
	size_t			n, i;

	(void)state;
	n = strlen(canon_text);
	for (i = 0; i < n; i++) {
		memcpy(buf, canon_text, n);
		buf[i] = '\0';
		assert_int_equal(parse_bid(buf, n, &b), -1);
	}
	/* Its own NUL counted as part of the text is a trailing byte. */
	assert_int_equal(parse_bid(canon_text, n + 1, &b), -1);
	assert_int_equal(bidfmt_bid_parse(NULL, 0, &b), -1);
	assert_int_equal(bidfmt_bid_parse(canon_text, n, NULL), -1);
}

static void
test_bid_parse_truncated(void **state)
{
	struct bidfmt_bid	b;
	size_t			n, i;

	(void)state;
	n = strlen(canon_text);
	for (i = 0; i < n; i++) {
		memset(&b, 0x5a, sizeof(b));
		assert_int_equal(parse_bid(canon_text, i, &b), -1);
		assert_true(all_zero(&b, sizeof(b)));
	}
	assert_int_equal(parse_bid(canon_text, n, &b), 0);
}

/*
 * One encoding per value: after any single-byte change the text is
 * either refused or it is exactly what build makes of what was parsed.
 */
static void
test_bid_single_byte_changes(void **state)
{
	struct bidfmt_bid	b;
	char			buf[sizeof(canon_text)], out[BIDFMT_CANON_MAX];
	size_t			n, i, len, accepted = 0;
	int			v;

	(void)state;
	n = strlen(canon_text);
	for (i = 0; i < n; i++) {
		for (v = 0; v < 256; v++) {
			if (v == (unsigned char)canon_text[i])
				continue;
			memcpy(buf, canon_text, n);
			buf[i] = (char)v;
			if (parse_bid(buf, n, &b) == -1)
				continue;
			accepted++;
			assert_int_equal(bidfmt_bid_build(&b, out, sizeof(out),
			    &len), 0);
			assert_int_equal(len, n);
			assert_memory_equal(out, buf, n);
		}
	}
	/* Digits and letters inside values do change. */
	assert_true(accepted > 0);
}

/* ---- sealed part ---- */

static void
test_sealed_bytes_and_round_trip(void **state)
{
	struct bidfmt_sealed	s, got;
	char			out[BIDFMT_SEALED_MAX];
	size_t			len;

	(void)state;
	s.amount = 123456789;
	s.picks[0] = 3;
	s.picks[1] = 11;
	assert_int_equal(bidfmt_sealed_build(&s, out, sizeof(out), &len), 0);
	assert_int_equal(len, strlen(sealed_text));
	assert_memory_equal(out, sealed_text, sizeof(sealed_text));
	assert_int_equal(parse_sealed(sealed_text, len, &got), 0);
	assert_true(got.amount == 123456789);
	assert_int_equal(got.picks[0], 3);
	assert_int_equal(got.picks[1], 11);

	/* The bounds. */
	s.amount = PRICES_AMOUNT_MAX;
	s.picks[0] = 14;
	s.picks[1] = 15;
	assert_int_equal(bidfmt_sealed_build(&s, out, sizeof(out), &len), 0);
	assert_string_equal(out, "g2b-sealed-bid-v1\n"
	    "amount:10000000000000000\npicks:14,15\n");
	assert_true(len < BIDFMT_SEALED_MAX);
	assert_int_equal(parse_sealed(out, len, &got), 0);
	assert_true(got.amount == PRICES_AMOUNT_MAX);
	assert_int_equal(got.picks[0], 14);
	assert_int_equal(got.picks[1], 15);
	s.amount = 1;
	s.picks[0] = 1;
	s.picks[1] = 2;
	assert_int_equal(bidfmt_sealed_build(&s, out, sizeof(out), &len), 0);
	assert_string_equal(out, "g2b-sealed-bid-v1\namount:1\npicks:1,2\n");
	assert_int_equal(parse_sealed(out, len, &got), 0);
	assert_true(got.amount == 1);

	/* Too small a buffer. */
	assert_int_equal(bidfmt_sealed_build(&s, out, len, &len), -1);
	assert_int_equal(out[0], '\0');
	assert_int_equal(bidfmt_sealed_build(NULL, out, sizeof(out), &len),
	    -1);
}

static void
test_sealed_rejects(void **state)
{
	struct bidfmt_sealed	s;
	size_t			i;
	static const char	*bad[] = {
		"g2b-sealed-bid-v1\namount:0\npicks:3,11\n",
		"g2b-sealed-bid-v1\namount:10000000000000001\npicks:3,11\n",
		"g2b-sealed-bid-v1\namount:99999999999999999\npicks:3,11\n",
		"g2b-sealed-bid-v1\namount:9223372036854775807\npicks:3,11\n",
		"g2b-sealed-bid-v1\namount:0123\npicks:3,11\n",
		"g2b-sealed-bid-v1\namount:-5\npicks:3,11\n",
		"g2b-sealed-bid-v1\namount:+5\npicks:3,11\n",
		"g2b-sealed-bid-v1\namount:1,000\npicks:3,11\n",
		"g2b-sealed-bid-v1\namount:\npicks:3,11\n",
		"g2b-sealed-bid-v1\namount:5\npicks:3,3\n",
		"g2b-sealed-bid-v1\namount:5\npicks:11,3\n",
		"g2b-sealed-bid-v1\namount:5\npicks:0,3\n",
		"g2b-sealed-bid-v1\namount:5\npicks:3,16\n",
		"g2b-sealed-bid-v1\namount:5\npicks:03,11\n",
		"g2b-sealed-bid-v1\namount:5\npicks:3,011\n",
		"g2b-sealed-bid-v1\namount:5\npicks:3, 11\n",
		"g2b-sealed-bid-v1\namount:5\npicks:3\n",
		"g2b-sealed-bid-v1\namount:5\npicks:3,\n",
		"g2b-sealed-bid-v1\namount:5\npicks:,3\n",
		"g2b-sealed-bid-v1\namount:5\npicks:3,11,12\n",
		"g2b-sealed-bid-v1\namount:5\npicks:3;11\n",
		"g2b-sealed-bid-v1\namount:5\npicks:-1,3\n",
		"g2b-sealed-bid-v1\namount:5\npicks:100,101\n",
		"g2b-sealed-bid-v1\namount:5\npicks:3,11",
		"g2b-sealed-bid-v1\r\namount:5\r\npicks:3,11\r\n",
		"g2b-sealed-bid-v1\namount:5\npicks:3,11\r\n",
		"g2b-sealed-bid-v1\namount:5\npicks:3,11\n\n",
		"g2b-sealed-bid-v1\namount:5\npicks:3,11\nx",
		"g2b-sealed-bid-v1\npicks:3,11\namount:5\n",
		"g2b-sealed-bid-v1\namount:5\n",
		"g2b-sealed-bid-v1\namount:5\nextra:1\npicks:3,11\n",
		"g2b-sealed-bid-v2\namount:5\npicks:3,11\n",
		"g2b-bid-v1\namount:5\npicks:3,11\n",
		"amount:5\npicks:3,11\n",
		"",
	};

	(void)state;
	for (i = 0; i < NELEM(bad); i++)
		sealed_bad(bad[i]);
	/* Build refuses the same values. */
	sealed_build_bad(0, 3, 11);
	sealed_build_bad(-1, 3, 11);
	sealed_build_bad(PRICES_AMOUNT_MAX + 1, 3, 11);
	sealed_build_bad(INT64_MIN, 3, 11);
	sealed_build_bad(5, 3, 3);
	sealed_build_bad(5, 11, 3);
	sealed_build_bad(5, 0, 3);
	sealed_build_bad(5, 3, 16);
	sealed_build_bad(5, -1, 3);

	/* Truncated at every length. */
	for (i = 0; i < strlen(sealed_text); i++) {
		memset(&s, 0x5a, sizeof(s));
		assert_int_equal(parse_sealed(sealed_text, i, &s), -1);
		assert_true(all_zero(&s, sizeof(s)));
	}
	assert_int_equal(bidfmt_sealed_parse(NULL, 0, &s), -1);
	assert_int_equal(bidfmt_sealed_parse(sealed_text, strlen(sealed_text),
	    NULL), -1);
}

static void
test_sealed_single_byte_changes(void **state)
{
	struct bidfmt_sealed	s;
	char			buf[sizeof(sealed_text)];
	char			out[BIDFMT_SEALED_MAX];
	size_t			n, i, len;
	int			v;

	(void)state;
	n = strlen(sealed_text);
	for (i = 0; i < n; i++) {
		for (v = 0; v < 256; v++) {
			if (v == (unsigned char)sealed_text[i])
				continue;
			memcpy(buf, sealed_text, n);
			buf[i] = (char)v;
			if (parse_sealed(buf, n, &s) == -1)
				continue;
			assert_int_equal(bidfmt_sealed_build(&s, out,
			    sizeof(out), &len), 0);
			assert_int_equal(len, n);
			assert_memory_equal(out, buf, n);
		}
	}
}

static void
test_sealed_aad(void **state)
{
	char	out[BIDFMT_AAD_MAX];

	(void)state;
	assert_int_equal(bidfmt_sealed_aad(INT64_C(123456789012), 2,
	    "1234567890", out, sizeof(out)), 0);
	assert_string_equal(out, "bid:123456789012:2:1234567890");
	assert_int_equal(bidfmt_sealed_aad(INT64_C(999999999999999999), 999,
	    "0000000000", out, sizeof(out)), 0);
	assert_string_equal(out, "bid:999999999999999999:999:0000000000");

	assert_int_equal(bidfmt_sealed_aad(0, 2, "1234567890", out,
	    sizeof(out)), -1);
	assert_string_equal(out, "");
	assert_int_equal(bidfmt_sealed_aad(INT64_C(1000000000000000000), 2,
	    "1234567890", out, sizeof(out)), -1);
	assert_int_equal(bidfmt_sealed_aad(1, 0, "1234567890", out,
	    sizeof(out)), -1);
	assert_int_equal(bidfmt_sealed_aad(1, 1000, "1234567890", out,
	    sizeof(out)), -1);
	assert_int_equal(bidfmt_sealed_aad(1, 1, "123456789", out,
	    sizeof(out)), -1);
	assert_int_equal(bidfmt_sealed_aad(1, 1, "12345678901", out,
	    sizeof(out)), -1);
	assert_int_equal(bidfmt_sealed_aad(1, 1, "123456789a", out,
	    sizeof(out)), -1);
	assert_int_equal(bidfmt_sealed_aad(1, 1, NULL, out, sizeof(out)), -1);
	assert_int_equal(bidfmt_sealed_aad(1, 1, "1234567890", NULL, 64), -1);
	/* "bid:1:1:1234567890" is 18 bytes: 19 fit, 18 do not. */
	assert_int_equal(bidfmt_sealed_aad(1, 1, "1234567890", out, 19), 0);
	assert_string_equal(out, "bid:1:1:1234567890");
	assert_int_equal(bidfmt_sealed_aad(1, 1, "1234567890", out, 18), -1);
	assert_string_equal(out, "");
}

/* ---- receipt ---- */

static void
test_receipt_bytes_and_round_trip(void **state)
{
	struct bidfmt_receipt	r, got;
	char			out[BIDFMT_RECEIPT_MAX];
	size_t			len;

	(void)state;
	fixed_receipt(&r);
	assert_int_equal(bidfmt_receipt_build(&r, out, sizeof(out), &len), 0);
	assert_int_equal(len, strlen(receipt_text));
	assert_memory_equal(out, receipt_text, sizeof(receipt_text));
	assert_int_equal(parse_receipt(receipt_text, len, &got), 0);
	assert_string_equal(got.receipt_no, r.receipt_no);
	assert_string_equal(got.notice_no, r.notice_no);
	assert_int_equal(got.order, r.order);
	assert_string_equal(got.bizno, r.bizno);
	assert_string_equal(got.bid_sha256, r.bid_sha256);
	assert_string_equal(got.received, r.received);

	/* Longest fields, and a leap day. */
	memset(r.receipt_no, '9', BIDFMT_NO_MAX);
	memset(r.notice_no, 'Z', BIDFMT_NO_MAX);
	r.order = 999;
	strcpy(r.received, "2028-02-29T23:59:59.999999Z");
	assert_int_equal(bidfmt_receipt_build(&r, out, sizeof(out), &len), 0);
	assert_true(len < BIDFMT_RECEIPT_MAX);
	assert_int_equal(parse_receipt(out, len, &got), 0);
	assert_string_equal(got.receipt_no, r.receipt_no);
	assert_string_equal(got.received, r.received);
	strcpy(r.received, "2000-02-29T00:00:00.000000Z");
	assert_int_equal(bidfmt_receipt_build(&r, out, sizeof(out), &len), 0);

	/* The text and its NUL must fit. */
	fixed_receipt(&r);
	assert_int_equal(bidfmt_receipt_build(&r, out, strlen(receipt_text),
	    &len), -1);
	assert_int_equal(out[0], '\0');
	assert_int_equal(bidfmt_receipt_build(&r, out,
	    strlen(receipt_text) + 1, &len), 0);
	assert_string_equal(out, receipt_text);
	assert_int_equal(bidfmt_receipt_build(NULL, out, sizeof(out), &len),
	    -1);
}

static void
test_receipt_rejects(void **state)
{
	struct bidfmt_receipt	r;
	size_t			i;
	static const char	*bad_times[] = {
		"2026-03-02T01:02:03.456789",
		"2026-03-02T01:02:03.45678Z",
		"2026-03-02T01:02:03.4567890Z",
		"2026-03-02T01:02:03Z",
		"2026-03-02 01:02:03.456789Z",
		"2026-03-02t01:02:03.456789Z",
		"2026-03-02T01:02:03.456789z",
		"2026-03-02T01:02:03.456789+00:00",
		"2026-13-02T01:02:03.456789Z",
		"2026-00-02T01:02:03.456789Z",
		"2026-03-00T01:02:03.456789Z",
		"2026-04-31T01:02:03.456789Z",
		"2026-02-29T01:02:03.456789Z",
		"2100-02-29T01:02:03.456789Z",
		"2026-03-02T24:02:03.456789Z",
		"2026-03-02T01:60:03.456789Z",
		"2026-03-02T01:02:60.456789Z",
		"0000-03-02T01:02:03.456789Z",
		"2026/03/02T01:02:03.456789Z",
		"20260302T010203.456789Z",
		"",
	};
	char			from[64], to[64];

	(void)state;
	for (i = 0; i < NELEM(bad_times); i++) {
		snprintf(from, sizeof(from), "received:%s",
		    "2026-03-02T01:02:03.456789Z");
		snprintf(to, sizeof(to), "received:%s", bad_times[i]);
		receipt_bad_subst(from, to);
		fixed_receipt(&r);
		strcpy(r.received, bad_times[i]);
		receipt_build_bad(&r);
	}
	receipt_bad_subst("R-2026-00000123", "r-2026-00000123");
	receipt_bad_subst("receipt:R-2026-00000123", "receipt:");
	receipt_bad_subst("order:2", "order:02");
	receipt_bad_subst("order:2", "order:0");
	receipt_bad_subst("bizno:1234567890", "bizno:123456789");
	receipt_bad_subst("bid-sha256:e27c", "bid-sha256:E27C");
	receipt_bad_subst("bid-sha256:e27c", "bid-sha256:e27");
	receipt_bad_subst("g2b-receipt-v1\n", "g2b-receipt-v1\r\n");
	receipt_bad_subst("456789Z\n", "456789Z");
	receipt_bad_subst("456789Z\n", "456789Z\n\n");
	receipt_bad_subst("order:2\nbizno:1234567890\n",
	    "bizno:1234567890\norder:2\n");
	receipt_bad_subst("order:2\n", "order:2\nextra:x\n");
	receipt_bad_subst("g2b-receipt-v1", "g2b-bid-v1");

	fixed_receipt(&r);
	strcpy(r.receipt_no, "r-1");
	receipt_build_bad(&r);
	fixed_receipt(&r);
	r.order = 0;
	receipt_build_bad(&r);
	fixed_receipt(&r);
	strcpy(r.bizno, "123456789");
	receipt_build_bad(&r);
	fixed_receipt(&r);
	r.bid_sha256[0] = 'E';
	receipt_build_bad(&r);
	fixed_receipt(&r);
	memset(r.received, '1', sizeof(r.received));
	receipt_build_bad(&r);

	for (i = 0; i < strlen(receipt_text); i++) {
		memset(&r, 0x5a, sizeof(r));
		assert_int_equal(parse_receipt(receipt_text, i, &r), -1);
		assert_true(all_zero(&r, sizeof(r)));
	}
}

static void
test_receipt_single_byte_changes(void **state)
{
	struct bidfmt_receipt	r;
	char			buf[sizeof(receipt_text)];
	char			out[BIDFMT_RECEIPT_MAX];
	size_t			n, i, len;
	int			v;

	(void)state;
	n = strlen(receipt_text);
	for (i = 0; i < n; i++) {
		for (v = 0; v < 256; v++) {
			if (v == (unsigned char)receipt_text[i])
				continue;
			memcpy(buf, receipt_text, n);
			buf[i] = (char)v;
			if (parse_receipt(buf, n, &r) == -1)
				continue;
			assert_int_equal(bidfmt_receipt_build(&r, out,
			    sizeof(out), &len), 0);
			assert_int_equal(len, n);
			assert_memory_equal(out, buf, n);
		}
	}
}

/* ---- hex, hashes, nonce, lane ---- */

static void
test_hex(void **state)
{
	unsigned char	in[BIDFMT_HASH_LEN], back[BIDFMT_HASH_LEN];
	char		hex[BIDFMT_HEX_LEN + 1], bad[BIDFMT_HEX_LEN + 2];
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 8 + 7);
	bidfmt_hex(in, hex);
	assert_string_equal(hex, "070f171f272f373f474f575f676f777f"
	    "878f979fa7afb7bfc7cfd7dfe7eff7ff");
	assert_int_equal(bidfmt_unhex(hex, back), 0);
	assert_memory_equal(back, in, sizeof(in));
	assert_int_equal(bidfmt_unhex(CANON_SHA256, back), 0);
	assert_int_equal(back[0], 0xe2);
	assert_int_equal(back[31], 0xa2);

	/* Only the 64 lowercase digits bidfmt_hex writes. */
	strcpy(bad, hex);
	bad[10] = 'A';
	memset(back, 0x5a, sizeof(back));
	assert_int_equal(bidfmt_unhex(bad, back), -1);
	assert_true(all_zero(back, sizeof(back)));
	strcpy(bad, hex);
	bad[63] = 'g';
	assert_int_equal(bidfmt_unhex(bad, back), -1);
	strcpy(bad, hex);
	bad[63] = '\0';
	assert_int_equal(bidfmt_unhex(bad, back), -1);
	strcpy(bad, hex);
	strcat(bad, "0");
	assert_int_equal(bidfmt_unhex(bad, back), -1);
	assert_int_equal(bidfmt_unhex(" 70f171f272f373f474f575f676f777f"
	    "878f979fa7afb7bfc7cfd7dfe7eff7ff", back), -1);
	assert_int_equal(bidfmt_unhex("", back), -1);
	assert_int_equal(bidfmt_unhex(NULL, back), -1);
	assert_true(all_zero(back, sizeof(back)));
	assert_int_equal(bidfmt_unhex(hex, NULL), -1);
	bidfmt_hex(NULL, hex);
	assert_string_equal(hex, "");
}

static void
test_sha256_hex(void **state)
{
	char	hex[BIDFMT_HEX_LEN + 1];

	(void)state;
	bidfmt_sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
	bidfmt_sha256_hex(NULL, 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
	bidfmt_sha256_hex("abcdef", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	bidfmt_sha256_hex("sealed envelope", 15, hex);
	assert_string_equal(hex, SEALED_SHA256);
	bidfmt_sha256_hex(NULL, 5, hex);
	assert_string_equal(hex, "");
}

static void
test_nonce(void **state)
{
	struct bidfmt_bid	b, got;
	char			a[BIDFMT_NONCE_HEX + 1], c[BIDFMT_NONCE_HEX + 1];
	char			out[BIDFMT_CANON_MAX];
	size_t			i, len;

	(void)state;
	assert_int_equal(bidfmt_nonce(a), 0);
	assert_int_equal(bidfmt_nonce(c), 0);
	assert_int_equal(strlen(a), BIDFMT_NONCE_HEX);
	for (i = 0; i < BIDFMT_NONCE_HEX; i++)
		assert_non_null(strchr("0123456789abcdef", a[i]));
	assert_string_not_equal(a, c);
	/* A nonce is a valid nonce field. */
	fixed_bid(&b);
	strcpy(b.nonce, a);
	assert_int_equal(bidfmt_bid_build(&b, out, sizeof(out), &len), 0);
	assert_int_equal(parse_bid(out, len, &got), 0);
	assert_string_equal(got.nonce, a);
	assert_int_equal(bidfmt_nonce(NULL), -1);
}

static void
test_lane(void **state)
{
	unsigned char	h[BIDFMT_HASH_LEN];
	int		v;

	(void)state;
	memset(h, 0xff, sizeof(h));
	for (v = 0; v < 256; v++) {
		h[0] = (unsigned char)v;
		assert_int_equal(bidfmt_lane(h), v % BIDFMT_LANES);
	}
	/* Only the first byte counts. */
	memset(h, 0, sizeof(h));
	h[1] = 7;
	assert_int_equal(bidfmt_lane(h), 0);
	assert_int_equal(bidfmt_unhex(CANON_SHA256, h), 0);
	assert_int_equal(bidfmt_lane(h), 0xe2 % BIDFMT_LANES);
	assert_int_equal(bidfmt_lane(NULL), -1);
}

/* ---- chain and row hashes ---- */

static void
put_be(unsigned char *p, uint64_t v, int n)
{
	int	i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

/* The chain hash assembled by hand and digested with EVP_Digest. */
static void
chain_by_hand(int lane, int64_t seq, const unsigned char *prev,
    const char *kind, int64_t bid_id, const unsigned char *row,
    unsigned char out[32])
{
	unsigned char	buf[256], *p = buf;
	unsigned int	n;

	memcpy(p, "g2b-chain-v1", 12);
	p += 12;
	*p++ = 0x00;
	put_be(p, (uint64_t)lane, 4);
	p += 4;
	put_be(p, (uint64_t)seq, 8);
	p += 8;
	if (prev == NULL)
		memset(p, 0, 32);
	else
		memcpy(p, prev, 32);
	p += 32;
	memcpy(p, kind, strlen(kind));
	p += strlen(kind);
	*p++ = 0x00;
	put_be(p, (uint64_t)bid_id, 8);
	p += 8;
	memcpy(p, row, 32);
	p += 32;
	assert_int_equal(EVP_Digest(buf, (size_t)(p - buf), out, &n,
	    EVP_sha256(), NULL), 1);
}

static void
test_chain_known_answer(void **state)
{
	unsigned char	prev[32], row[32], out[32], want[32], zero[32];
	char		hex[BIDFMT_HEX_LEN + 1];
	int		i, lane;
	static const char *kinds[] = { "submit", "withdraw", "void", "open" };

	(void)state;
	for (i = 0; i < 32; i++) {
		prev[i] = (unsigned char)i;
		row[i] = (unsigned char)(0xa0 + i);
	}
	assert_int_equal(bidfmt_chain_hash(5, 3, prev, "withdraw", 1234567,
	    row, out), 0);
	bidfmt_hex(out, hex);
	assert_string_equal(hex, CHAIN_KAT);
	chain_by_hand(5, 3, prev, "withdraw", 1234567, row, want);
	assert_memory_equal(out, want, 32);

	/* Genesis: NULL prev is 32 zero bytes, and so is a zero prev. */
	assert_int_equal(bidfmt_chain_hash(0, 1, NULL, "submit", 1, row, out),
	    0);
	bidfmt_hex(out, hex);
	assert_string_equal(hex, CHAIN1_KAT);
	memset(zero, 0, sizeof(zero));
	assert_int_equal(bidfmt_chain_hash(0, 1, zero, "submit", 1, row, want),
	    0);
	assert_memory_equal(out, want, 32);

	/* Every lane and kind, large seq and bid id, against the hand. */
	for (lane = 0; lane < BIDFMT_LANES; lane++) {
		for (i = 0; i < 4; i++) {
			assert_int_equal(bidfmt_chain_hash(lane,
			    INT64_MAX - lane, prev, kinds[i],
			    INT64_C(0x0102030405060708) + i, row, out), 0);
			chain_by_hand(lane, INT64_MAX - lane, prev, kinds[i],
			    INT64_C(0x0102030405060708) + i, row, want);
			assert_memory_equal(out, want, 32);
		}
	}
}

static void
test_chain_sensitivity(void **state)
{
	unsigned char	prev[32], row[32], base[32], out[32];
	int		i;

	(void)state;
	for (i = 0; i < 32; i++) {
		prev[i] = (unsigned char)i;
		row[i] = (unsigned char)(0xa0 + i);
	}
	assert_int_equal(bidfmt_chain_hash(5, 3, prev, "withdraw", 7, row,
	    base), 0);
	assert_int_equal(bidfmt_chain_hash(4, 3, prev, "withdraw", 7, row,
	    out), 0);
	assert_memory_not_equal(out, base, 32);
	assert_int_equal(bidfmt_chain_hash(5, 4, prev, "withdraw", 7, row,
	    out), 0);
	assert_memory_not_equal(out, base, 32);
	assert_int_equal(bidfmt_chain_hash(5, 3, prev, "void", 7, row, out),
	    0);
	assert_memory_not_equal(out, base, 32);
	assert_int_equal(bidfmt_chain_hash(5, 3, prev, "withdraw", 8, row,
	    out), 0);
	assert_memory_not_equal(out, base, 32);
	for (i = 0; i < 32; i++) {
		prev[i] ^= 1;
		assert_int_equal(bidfmt_chain_hash(5, 3, prev, "withdraw", 7,
		    row, out), 0);
		assert_memory_not_equal(out, base, 32);
		prev[i] ^= 1;
		row[i] ^= 0x80;
		assert_int_equal(bidfmt_chain_hash(5, 3, prev, "withdraw", 7,
		    row, out), 0);
		assert_memory_not_equal(out, base, 32);
		row[i] ^= 0x80;
	}
	assert_int_equal(bidfmt_chain_hash(5, 3, prev, "withdraw", 7, row,
	    out), 0);
	assert_memory_equal(out, base, 32);
}

static void
chain_bad(int lane, int64_t seq, const unsigned char *prev, const char *kind,
    int64_t bid_id, const unsigned char *row)
{
	unsigned char	out[32];

	memset(out, 0x5a, sizeof(out));
	assert_int_equal(bidfmt_chain_hash(lane, seq, prev, kind, bid_id, row,
	    out), -1);
	assert_true(all_zero(out, sizeof(out)));
}

static void
test_chain_rejects(void **state)
{
	unsigned char	prev[32], row[32];

	(void)state;
	memset(prev, 0x11, sizeof(prev));
	memset(row, 0x22, sizeof(row));
	chain_bad(-1, 2, prev, "submit", 1, row);
	chain_bad(BIDFMT_LANES, 2, prev, "submit", 1, row);
	chain_bad(0, 0, prev, "submit", 1, row);
	chain_bad(0, -1, prev, "submit", 1, row);
	chain_bad(0, INT64_MIN, NULL, "submit", 1, row);
	chain_bad(0, 2, prev, "Submit", 1, row);
	chain_bad(0, 2, prev, "submit ", 1, row);
	chain_bad(0, 2, prev, "sub", 1, row);
	chain_bad(0, 2, prev, "", 1, row);
	chain_bad(0, 2, prev, "opened", 1, row);
	chain_bad(0, 2, prev, NULL, 1, row);
	chain_bad(0, 2, prev, "submit", 1, NULL);
	chain_bad(0, 2, prev, "submit", 0, row);
	chain_bad(0, 2, prev, "submit", -1, row);
	/* A later entry needs its predecessor; the first has none. */
	chain_bad(0, 2, NULL, "submit", 1, row);
	chain_bad(0, 1, prev, "submit", 1, row);
	assert_int_equal(bidfmt_chain_hash(0, 1, NULL, "submit", 1, row, NULL),
	    -1);
}

static void
row_by_hand(int64_t bid_id, const char *canon, size_t clen,
    const unsigned char *env, size_t envlen, const unsigned char *sig,
    size_t siglen, unsigned char out[32])
{
	unsigned char	*buf, *p;
	unsigned int	 n;

	assert_non_null(buf = malloc(15 + 8 + clen + 1 + 4 + envlen + 4 +
	    siglen));
	p = buf;
	memcpy(p, "g2b-bid-row-v1", 14);
	p += 14;
	*p++ = 0x00;
	put_be(p, (uint64_t)bid_id, 8);
	p += 8;
	memcpy(p, canon, clen);
	p += clen;
	*p++ = 0x00;
	put_be(p, envlen, 4);
	p += 4;
	if (envlen > 0)
		memcpy(p, env, envlen);
	p += envlen;
	put_be(p, siglen, 4);
	p += 4;
	if (siglen > 0)
		memcpy(p, sig, siglen);
	p += siglen;
	assert_int_equal(EVP_Digest(buf, (size_t)(p - buf), out, &n,
	    EVP_sha256(), NULL), 1);
	free(buf);
}

static void
test_row_known_answer(void **state)
{
	unsigned char	env[100], sig[64], out[32], want[32], big[1000];
	char		hex[BIDFMT_HEX_LEN + 1];
	size_t		clen, i;

	(void)state;
	clen = strlen(canon_text);
	for (i = 0; i < sizeof(env); i++)
		env[i] = (unsigned char)i;
	memset(sig, 0x55, sizeof(sig));
	assert_int_equal(bidfmt_row_hash(42, canon_text, clen, env,
	    sizeof(env), sig, sizeof(sig), out), 0);
	bidfmt_hex(out, hex);
	assert_string_equal(hex, ROW_KAT);
	row_by_hand(42, canon_text, clen, env, sizeof(env), sig, sizeof(sig),
	    want);
	assert_memory_equal(out, want, 32);

	/* Other sizes, a large id, empty parts. */
	for (i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 31);
	assert_int_equal(bidfmt_row_hash(INT64_MAX, canon_text, clen, big,
	    sizeof(big), big + 3, 72, out), 0);
	row_by_hand(INT64_MAX, canon_text, clen, big, sizeof(big), big + 3, 72,
	    want);
	assert_memory_equal(out, want, 32);
	assert_int_equal(bidfmt_row_hash(1, "x", 1, NULL, 0, NULL, 0, out), 0);
	row_by_hand(1, "x", 1, NULL, 0, NULL, 0, want);
	assert_memory_equal(out, want, 32);
}

static void
test_row_sensitivity(void **state)
{
	unsigned char	env[100], sig[64], base[32], base2[32], out[32];
	char		canon[sizeof(canon_text)];
	size_t		clen, i;

	(void)state;
	clen = strlen(canon_text);
	memcpy(canon, canon_text, sizeof(canon));
	for (i = 0; i < sizeof(env); i++)
		env[i] = (unsigned char)i;
	memset(sig, 0x55, sizeof(sig));
	assert_int_equal(bidfmt_row_hash(42, canon, clen, env, sizeof(env),
	    sig, sizeof(sig), base), 0);
	assert_int_equal(bidfmt_row_hash(43, canon, clen, env, sizeof(env),
	    sig, sizeof(sig), out), 0);
	assert_memory_not_equal(out, base, 32);
	/* A byte moved from the envelope to the signature: the lengths. */
	assert_int_equal(bidfmt_row_hash(42, canon, clen, env,
	    sizeof(env) - 1, env + sizeof(env) - 1, 1, out), 0);
	assert_memory_not_equal(out, base, 32);
	assert_int_equal(bidfmt_row_hash(42, canon, clen, env, sizeof(env),
	    NULL, 0, base2), 0);
	assert_memory_not_equal(out, base2, 32);
	assert_memory_not_equal(base, base2, 32);
	for (i = 0; i < clen; i++) {
		canon[i] ^= 0x01;
		assert_int_equal(bidfmt_row_hash(42, canon, clen, env,
		    sizeof(env), sig, sizeof(sig), out), 0);
		assert_memory_not_equal(out, base, 32);
		canon[i] ^= 0x01;
	}
	for (i = 0; i < sizeof(env); i++) {
		env[i] ^= 0x01;
		assert_int_equal(bidfmt_row_hash(42, canon, clen, env,
		    sizeof(env), sig, sizeof(sig), out), 0);
		assert_memory_not_equal(out, base, 32);
		env[i] ^= 0x01;
	}
	for (i = 0; i < sizeof(sig); i++) {
		sig[i] ^= 0x01;
		assert_int_equal(bidfmt_row_hash(42, canon, clen, env,
		    sizeof(env), sig, sizeof(sig), out), 0);
		assert_memory_not_equal(out, base, 32);
		sig[i] ^= 0x01;
	}
	/* Shorter canonical text. */
	assert_int_equal(bidfmt_row_hash(42, canon, clen - 1, env,
	    sizeof(env), sig, sizeof(sig), out), 0);
	assert_memory_not_equal(out, base, 32);
}

static void
row_bad(int64_t id, const char *canon, size_t clen, const unsigned char *env,
    size_t envlen, const unsigned char *sig, size_t siglen)
{
	unsigned char	out[32];

	memset(out, 0x5a, sizeof(out));
	assert_int_equal(bidfmt_row_hash(id, canon, clen, env, envlen, sig,
	    siglen, out), -1);
	assert_true(all_zero(out, sizeof(out)));
}

static void
test_row_rejects(void **state)
{
	unsigned char	env[8] = { 1 }, sig[8] = { 2 };
	size_t		clen;

	(void)state;
	clen = strlen(canon_text);
	row_bad(0, canon_text, clen, env, 8, sig, 8);
	row_bad(-1, canon_text, clen, env, 8, sig, 8);
	row_bad(1, NULL, 0, env, 8, sig, 8);
	row_bad(1, canon_text, 0, env, 8, sig, 8);
	/* A NUL inside the text would make the 0x00 separator ambiguous. */
	row_bad(1, "a\0b", 3, env, 8, sig, 8);
	row_bad(1, canon_text, clen + 1, env, 8, sig, 8);
	row_bad(1, canon_text, clen, NULL, 8, sig, 8);
	row_bad(1, canon_text, clen, env, 8, NULL, 8);
	row_bad(1, canon_text, clen, env, (size_t)SEAL_ENVELOPE_MAX + 1, sig,
	    8);
	row_bad(1, canon_text, clen, env, 8, sig,
	    (size_t)SEAL_ENVELOPE_MAX + 1);
	assert_int_equal(bidfmt_row_hash(1, canon_text, clen, env, 8, sig, 8,
	    NULL), -1);
}

/* ---- key file ---- */

static void
test_keyfile_round_trip(void **state)
{
	unsigned char	*der, *der2;
	size_t		 derlen, der2len;
	char		*json, *json2;
	static const char head[] = "{\"format\":\"g2b-keyfile-v1\","
	    "\"kdf\":\"PBKDF2-SHA256\",\"iterations\":1000,\"salt\":\"";

	(void)state;
	der = p256_der(&derlen);
	assert_int_equal(bidfmt_keyfile_seal(der, derlen, PASS,
	    BIDFMT_KDF_ITER_MIN, &json), 0);
	assert_non_null(json);
	assert_int_equal(ERR_peek_error(), 0);
	/* One line, no whitespace, the members in order. */
	assert_int_equal(strncmp(json, head, strlen(head)), 0);
	assert_null(strpbrk(json, " \t\r\n"));
	assert_true(strstr(json, "\"salt\":\"") < strstr(json, "\"iv\":\""));
	assert_true(strstr(json, "\"iv\":\"") < strstr(json, "\"key\":\""));
	assert_int_equal(json[strlen(json) - 1], '}');
	assert_true(strlen(json) < BIDFMT_KEYFILE_MAX);

	assert_int_equal(open_kf(json, strlen(json), PASS, der, derlen), 0);
	/* One trailing LF is allowed (a file saved with a final newline). */
	json2 = subst(json, "\"}", "\"}\n");
	assert_int_equal(open_kf(json2, strlen(json2), PASS, der, derlen), 0);
	free(json2);

	/* A fresh salt and iv each time: two files of one key differ. */
	assert_int_equal(bidfmt_keyfile_seal(der, derlen, PASS,
	    BIDFMT_KDF_ITER_MIN, &json2), 0);
	assert_string_not_equal(json, json2);
	assert_int_equal(open_kf(json2, strlen(json2), PASS, der, derlen), 0);
	free(json2);

	/* Another key. */
	der2 = p256_der(&der2len);
	assert_int_equal(bidfmt_keyfile_seal(der2, der2len, "x", 1234,
	    &json2), 0);
	assert_non_null(strstr(json2, "\"iterations\":1234,"));
	assert_int_equal(open_kf(json2, strlen(json2), "x", der2, der2len), 0);
	free(json2);
	free(der2);
	free(json);
	free(der);
}

/* The writers' default: BIDFMT_KDF_ITER (slow, ~1 s under ASan). */
static void
test_keyfile_default_iterations(void **state)
{
	unsigned char	*der;
	size_t		 derlen;
	char		*json;

	(void)state;
	der = p256_der(&derlen);
	assert_int_equal(bidfmt_keyfile_seal(der, derlen, PASS,
	    BIDFMT_KDF_ITER, &json), 0);
	assert_non_null(strstr(json, "\"iterations\":600000,"));
	assert_int_equal(open_kf(json, strlen(json), PASS, der, derlen), 0);
	free(json);
	free(der);
}

/*
 * A file made by bidfmt_keyfile_seal taken apart here with EVP: the
 * members decode with EVP's base64 and the key decrypts with PBKDF2 and
 * AES-256-GCM as WebCrypto would do it.
 */
static void
test_keyfile_read_by_hand(void **state)
{
	EVP_CIPHER_CTX	*ctx;
	unsigned char	*der, *salt, *iv, *ct, *pt, key[32];
	size_t		 derlen, saltlen, ivlen, ctlen, n;
	const char	*v;
	char		*json;
	int		 m;

	(void)state;
	der = p256_der(&derlen);
	assert_int_equal(bidfmt_keyfile_seal(der, derlen, PASS, 2000, &json),
	    0);
	assert_non_null(strstr(json, "\"iterations\":2000,"));
	assert_non_null(strstr(json, "\"format\":\"g2b-keyfile-v1\""));
	assert_non_null(strstr(json, "\"kdf\":\"PBKDF2-SHA256\""));
	v = member(json, "salt", &n);
	salt = evp_unb64(v, n, &saltlen);
	assert_int_equal(saltlen, 16);
	v = member(json, "iv", &n);
	iv = evp_unb64(v, n, &ivlen);
	assert_int_equal(ivlen, 12);
	v = member(json, "key", &n);
	ct = evp_unb64(v, n, &ctlen);
	assert_int_equal(ctlen, derlen + 16);

	assert_int_equal(PKCS5_PBKDF2_HMAC(PASS, (int)strlen(PASS), salt, 16,
	    2000, EVP_sha256(), 32, key), 1);
	assert_non_null(pt = malloc(derlen));
	assert_non_null(ctx = EVP_CIPHER_CTX_new());
	assert_int_equal(EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key,
	    iv), 1);
	assert_int_equal(EVP_DecryptUpdate(ctx, NULL, &m,
	    (const unsigned char *)KF_AAD, (int)strlen(KF_AAD)), 1);
	assert_int_equal(EVP_DecryptUpdate(ctx, pt, &m, ct, (int)derlen), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16,
	    ct + derlen), 1);
	assert_int_equal(EVP_DecryptFinal_ex(ctx, pt + m, &m), 1);
	assert_memory_equal(pt, der, derlen);
	EVP_CIPHER_CTX_free(ctx);
	free(pt);
	free(ct);
	free(iv);
	free(salt);
	free(json);
	free(der);
}

/* A file written here with EVP for a fixed salt, iv and password. */
static void
test_keyfile_written_by_hand(void **state)
{
	unsigned char	*der, salt[16], iv[12];
	size_t		 derlen, i;
	char		*json;

	(void)state;
	for (i = 0; i < 16; i++)
		salt[i] = (unsigned char)(0xf0 + i);
	for (i = 0; i < 12; i++)
		iv[i] = (unsigned char)(0x30 + i);
	der = p256_der(&derlen);
	json = indep_keyfile(der, derlen, PASS, BIDFMT_KDF_ITER_MIN, NULL,
	    salt, iv);
	assert_non_null(strstr(json, "\"salt\":\"8PHy8/T19vf4+fr7/P3+/w==\""));
	assert_non_null(strstr(json, "\"iv\":\"MDEyMzQ1Njc4OTo7\""));
	assert_int_equal(open_kf(json, strlen(json), PASS, der, derlen), 0);
	assert_int_equal(open_kf(json, strlen(json), PASS "x", NULL, 0), -1);
	free(json);
	json = indep_keyfile(der, derlen, PASS, BIDFMT_KDF_ITER_MAX / 10000,
	    NULL, salt, iv);
	assert_int_equal(open_kf(json, strlen(json), PASS, der, derlen), 0);
	free(json);

	/* Iterations outside MIN..MAX or not in canonical decimal. */
	json = indep_keyfile(der, derlen, PASS, 999, NULL, salt, iv);
	assert_int_equal(open_kf(json, strlen(json), PASS, NULL, 0), -1);
	free(json);
	json = indep_keyfile(der, derlen, PASS, 1000, "01000", salt, iv);
	assert_int_equal(open_kf(json, strlen(json), PASS, NULL, 0), -1);
	free(json);
	json = indep_keyfile(der, derlen, PASS, 1000, "1000.0", salt, iv);
	assert_int_equal(open_kf(json, strlen(json), PASS, NULL, 0), -1);
	free(json);
	json = indep_keyfile(der, derlen, PASS, 1000, "1e3", salt, iv);
	assert_int_equal(open_kf(json, strlen(json), PASS, NULL, 0), -1);
	free(json);
	json = indep_keyfile(der, derlen, PASS, 1000, "\"1000\"", salt, iv);
	assert_int_equal(open_kf(json, strlen(json), PASS, NULL, 0), -1);
	free(json);
	json = indep_keyfile(der, derlen, PASS, 1000, "10000001", salt, iv);
	assert_int_equal(open_kf(json, strlen(json), PASS, NULL, 0), -1);
	free(json);
	json = indep_keyfile(der, derlen, PASS, 1000, "-1000", salt, iv);
	assert_int_equal(open_kf(json, strlen(json), PASS, NULL, 0), -1);
	free(json);
	free(der);
}

/* The file WebCrypto wrote opens to the key WebCrypto exported. */
static void
test_keyfile_webcrypto_vector(void **state)
{
	unsigned char	*der;
	size_t		 derlen;

	(void)state;
	assert_int_equal(seal_b64_decode(vector_der_b64, &der, &derlen), 0);
	assert_int_equal(derlen, 138);
	assert_int_equal(open_kf(vector_json, strlen(vector_json), VECTOR_PASS,
	    der, derlen), 0);
	assert_int_equal(open_kf(vector_json, strlen(vector_json), PASS, NULL,
	    0), -1);
	free(der);
}

static void
test_keyfile_wrong_password(void **state)
{
	unsigned char	*der;
	size_t		 derlen;
	char		*json, pass[SEAL_PASS_MAX + 2];

	(void)state;
	der = p256_der(&derlen);
	assert_int_equal(bidfmt_keyfile_seal(der, derlen, PASS,
	    BIDFMT_KDF_ITER_MIN, &json), 0);
	assert_int_equal(open_kf(json, strlen(json), "correct horse", NULL,
	    0), -1);
	assert_int_equal(open_kf(json, strlen(json), "Correct horse 전지 "
	    "staple", NULL, 0), -1);
	assert_int_equal(open_kf(json, strlen(json), PASS " ", NULL, 0), -1);
	assert_int_equal(open_kf(json, strlen(json), "", NULL, 0), -1);
	assert_int_equal(open_kf(json, strlen(json), PASS, der, derlen), 0);
	memset(pass, 'p', sizeof(pass) - 1);
	pass[sizeof(pass) - 1] = '\0';
	assert_int_equal(open_kf(json, strlen(json), pass, NULL, 0), -1);
	free(json);

	/* The longest password. */
	pass[SEAL_PASS_MAX] = '\0';
	assert_int_equal(bidfmt_keyfile_seal(der, derlen, pass,
	    BIDFMT_KDF_ITER_MIN, &json), 0);
	assert_int_equal(open_kf(json, strlen(json), pass, der, derlen), 0);
	free(json);
	free(der);
}

/* 1 if byte i of json lies in the iterations or a base64 value. */
static int
in_value(const char *json, size_t i)
{
	static const char	*names[] = { "salt", "iv", "key" };
	const char		*v;
	size_t			 k, n;

	v = strstr(json, "\"iterations\":") + strlen("\"iterations\":");
	if (i >= (size_t)(v - json) && i < (size_t)(v - json) +
	    strspn(v, "0123456789"))
		return (1);
	for (k = 0; k < NELEM(names); k++) {
		v = member(json, names[k], &n);
		if (i >= (size_t)(v - json) && i < (size_t)(v - json) + n)
			return (1);
	}
	return (0);
}

/*
 * Any single-byte change of the file is refused. Outside the values
 * every other byte value is tried. Inside them most changes give a
 * well-formed file that costs a PBKDF2 run to refuse, so there each bit
 * flip and a set of replacements (all 255 would take ~20 s under ASan).
 */
static void
test_keyfile_every_byte_change(void **state)
{
	static const unsigned char	repl[] = { 0x00, 0x7f, 0xff, '\n',
					    '\r', ' ', '"', '\\', '=', '+',
					    '/', '-', '_', 'A', 'Z', 'a',
					    'z', '0', '9', '{', '}', ',',
					    ':', '.' };
	unsigned char			*der;
	size_t				 derlen, n, i, k, tried = 0;
	char				*json, *buf;
	int				 v;

	(void)state;
	der = p256_der(&derlen);
	assert_int_equal(bidfmt_keyfile_seal(der, derlen, PASS,
	    BIDFMT_KDF_ITER_MIN, &json), 0);
	n = strlen(json);
	assert_non_null(buf = malloc(n));
	for (i = 0; i < n; i++) {
		for (v = 0; v < 256; v++) {
			if (v == (unsigned char)json[i])
				continue;
			if (in_value(json, i)) {
				for (k = 0; k < sizeof(repl); k++)
					if (repl[k] == v)
						break;
				/* Single bit flips, or one of repl. */
				if ((v ^ (unsigned char)json[i]) &
				    ((v ^ (unsigned char)json[i]) - 1) &&
				    k == sizeof(repl))
					continue;
			}
			memcpy(buf, json, n);
			buf[i] = (char)v;
			tried++;
			if (open_kf(buf, n, PASS, NULL, 0) != -1)
				fail_msg("accepted change at %zu to 0x%02x",
				    i, v);
		}
	}
	assert_true(tried > 20000);
	free(buf);
	free(json);
	free(der);
}

static void
test_keyfile_malformed(void **state)
{
	unsigned char	*der;
	size_t		 derlen, n, i;
	char		*json, *s;
	static const struct {
		const char	*from, *to;
	} edits[] = {
		{ "\"}", "\"}\n\n" },
		{ "\"}", "\"}\r\n" },
		{ "\"}", "\"} " },
		{ "\"}", "\",\"x\":\"y\"}" },
		{ "{", " {" },
		{ "{", "\n{" },
		{ "{\"format\"", "{ \"format\"" },
		{ "\"format\":", "\"format\" :" },
		{ "\"format\":\"", "\"format\": \"" },
		{ ",\"kdf\"", ", \"kdf\"" },
		{ "\"format\":\"g2b-keyfile-v1\",\"kdf\":\"PBKDF2-SHA256\",",
		  "\"kdf\":\"PBKDF2-SHA256\",\"format\":\"g2b-keyfile-v1\"," },
		{ "g2b-keyfile-v1", "g2b-keyfile-v2" },
		{ "PBKDF2-SHA256", "PBKDF2-SHA512" },
		{ "PBKDF2-SHA256", "pbkdf2-sha256" },
		{ "\"iterations\":1000", "\"iterations\":01000" },
		{ "\"iterations\":1000", "\"iterations\":1000 " },
		{ "\"iterations\":1000", "\"iterations\":\"1000\"" },
		{ "\"iterations\":1000", "\"Iterations\":1000" },
		{ "\"salt\":\"", "\"salt\":\" " },
		{ "\"salt\":\"", "\"iv\":\"" },
		{ "\"iv\":\"", "\"IV\":\"" },
		{ "\"key\":\"", "\"key\" : \"" },
		{ "\"key\":\"", "\"key\":\"\\u0041" },
		{ ",\"iv\"", ",\"extra\":1,\"iv\"" },
	};

	(void)state;
	der = p256_der(&derlen);
	assert_int_equal(bidfmt_keyfile_seal(der, derlen, PASS,
	    BIDFMT_KDF_ITER_MIN, &json), 0);
	n = strlen(json);
	for (i = 0; i < NELEM(edits); i++) {
		s = subst(json, edits[i].from, edits[i].to);
		if (open_kf(s, strlen(s), PASS, NULL, 0) != -1)
			fail_msg("accepted %s", s);
		free(s);
	}
	/* A NUL counted inside the length, after the object. */
	assert_int_equal(open_kf(json, n + 1, PASS, NULL, 0), -1);
	/* Truncated at every length. */
	for (i = 0; i < n; i++)
		assert_int_equal(open_kf(json, i, PASS, NULL, 0), -1);
	assert_int_equal(open_kf(json, n, PASS, der, derlen), 0);

	/* Base64 of the wrong sizes, non-canonical or url-safe. */
	s = subst(json, "\"salt\":\"", "\"salt\":\"AAAA");
	assert_int_equal(open_kf(s, strlen(s), PASS, NULL, 0), -1);
	free(s);
	s = subst(json, "\"iv\":\"", "\"iv\":\"AAAA");
	assert_int_equal(open_kf(s, strlen(s), PASS, NULL, 0), -1);
	free(s);
	s = subst(json, "\"key\":\"", "\"key\":\"AAAA");
	assert_int_equal(open_kf(s, strlen(s), PASS, NULL, 0), -1);
	free(s);
	/* Only a tag: no key inside. */
	{
		const char	*v;
		size_t		 kn;
		char		*t;

		v = member(json, "key", &kn);
		t = malloc(n + 1);
		assert_non_null(t);
		memcpy(t, json, (size_t)(v - json));
		strcpy(t + (v - json), "AAAAAAAAAAAAAAAAAAAAAA==\"}");
		assert_int_equal(open_kf(t, strlen(t), PASS, NULL, 0), -1);
		memcpy(t, json, (size_t)(v - json));
		strcpy(t + (v - json), "\"}");
		assert_int_equal(open_kf(t, strlen(t), PASS, NULL, 0), -1);
		free(t);
	}
	/* Oversize input. */
	assert_non_null(s = malloc(BIDFMT_KEYFILE_MAX + 2));
	memset(s, ' ', BIDFMT_KEYFILE_MAX + 1);
	memcpy(s, json, n);
	assert_int_equal(open_kf(s, BIDFMT_KEYFILE_MAX + 1, PASS, NULL, 0),
	    -1);
	free(s);
	free(json);
	free(der);
}

/* The key inside must be a P-256 PKCS#8 key, sealing and opening. */
static void
test_keyfile_key_type(void **state)
{
	unsigned char	*der, *p384, *ed, *longer, salt[16] = { 1 },
			 iv[12] = { 2 };
	size_t		 derlen, p384len, edlen;
	char		*json;

	(void)state;
	der = p256_der(&derlen);
	p384 = key_der("EC", "P-384", &p384len);
	ed = key_der("ED25519", NULL, &edlen);

	json = (char *)"junk";
	assert_int_equal(bidfmt_keyfile_seal(p384, p384len, PASS,
	    BIDFMT_KDF_ITER_MIN, &json), -1);
	assert_null(json);
	assert_int_equal(bidfmt_keyfile_seal(ed, edlen, PASS,
	    BIDFMT_KDF_ITER_MIN, &json), -1);
	assert_int_equal(bidfmt_keyfile_seal(der, derlen - 1, PASS,
	    BIDFMT_KDF_ITER_MIN, &json), -1);
	assert_non_null(longer = malloc(derlen + 1));
	memcpy(longer, der, derlen);
	longer[derlen] = 0;
	assert_int_equal(bidfmt_keyfile_seal(longer, derlen + 1, PASS,
	    BIDFMT_KDF_ITER_MIN, &json), -1);
	assert_int_equal(ERR_peek_error(), 0);

	/* Authentic files (right password, tag checks) of other content. */
	json = indep_keyfile(p384, p384len, PASS, 1000, NULL, salt, iv);
	assert_int_equal(open_kf(json, strlen(json), PASS, NULL, 0), -1);
	free(json);
	json = indep_keyfile(ed, edlen, PASS, 1000, NULL, salt, iv);
	assert_int_equal(open_kf(json, strlen(json), PASS, NULL, 0), -1);
	free(json);
	json = indep_keyfile(longer, derlen + 1, PASS, 1000, NULL, salt, iv);
	assert_int_equal(open_kf(json, strlen(json), PASS, NULL, 0), -1);
	free(json);
	json = indep_keyfile((const unsigned char *)"not a key", 9, PASS, 1000,
	    NULL, salt, iv);
	assert_int_equal(open_kf(json, strlen(json), PASS, NULL, 0), -1);
	free(json);
	json = indep_keyfile(der, derlen, PASS, 1000, NULL, salt, iv);
	assert_int_equal(open_kf(json, strlen(json), PASS, der, derlen), 0);
	free(json);

	free(longer);
	free(ed);
	free(p384);
	free(der);
}

static void
test_keyfile_bad_args(void **state)
{
	unsigned char	*der, *out;
	size_t		 derlen, outlen;
	char		*json;

	(void)state;
	der = p256_der(&derlen);
	json = (char *)"junk";
	assert_int_equal(bidfmt_keyfile_seal(der, derlen, PASS,
	    BIDFMT_KDF_ITER_MIN - 1, &json), -1);
	assert_null(json);
	assert_int_equal(bidfmt_keyfile_seal(der, derlen, PASS,
	    BIDFMT_KDF_ITER_MAX + 1, &json), -1);
	assert_int_equal(bidfmt_keyfile_seal(der, derlen, PASS, 0, &json), -1);
	assert_int_equal(bidfmt_keyfile_seal(der, derlen, PASS, -1, &json),
	    -1);
	assert_int_equal(bidfmt_keyfile_seal(der, derlen, "",
	    BIDFMT_KDF_ITER_MIN, &json), -1);
	assert_int_equal(bidfmt_keyfile_seal(der, derlen, NULL,
	    BIDFMT_KDF_ITER_MIN, &json), -1);
	assert_int_equal(bidfmt_keyfile_seal(NULL, derlen, PASS,
	    BIDFMT_KDF_ITER_MIN, &json), -1);
	assert_int_equal(bidfmt_keyfile_seal(der, 0, PASS,
	    BIDFMT_KDF_ITER_MIN, &json), -1);
	assert_int_equal(bidfmt_keyfile_seal(der, derlen, PASS,
	    BIDFMT_KDF_ITER_MIN, NULL), -1);
	assert_null(json);

	assert_int_equal(bidfmt_keyfile_seal(der, derlen, PASS,
	    BIDFMT_KDF_ITER_MIN, &json), 0);
	out = (unsigned char *)"junk";
	outlen = 5;
	assert_int_equal(bidfmt_keyfile_open(NULL, 10, PASS, &out, &outlen),
	    -1);
	assert_null(out);
	assert_int_equal(outlen, 0);
	assert_int_equal(bidfmt_keyfile_open(json, strlen(json), NULL, &out,
	    &outlen), -1);
	assert_int_equal(bidfmt_keyfile_open(json, strlen(json), PASS, NULL,
	    &outlen), -1);
	assert_int_equal(bidfmt_keyfile_open(json, strlen(json), PASS, &out,
	    NULL), -1);
	assert_null(out);
	assert_int_equal(bidfmt_keyfile_open(json, 0, PASS, &out, &outlen),
	    -1);
	assert_int_equal(ERR_peek_error(), 0);
	free(json);
	free(der);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bid_canonical_bytes),
		cmocka_unit_test(test_bid_round_trip),
		cmocka_unit_test(test_bid_build_rejects),
		cmocka_unit_test(test_bid_parse_rejects),
		cmocka_unit_test(test_bid_parse_nul_bytes),
		cmocka_unit_test(test_bid_parse_truncated),
		cmocka_unit_test(test_bid_single_byte_changes),
		cmocka_unit_test(test_sealed_bytes_and_round_trip),
		cmocka_unit_test(test_sealed_rejects),
		cmocka_unit_test(test_sealed_single_byte_changes),
		cmocka_unit_test(test_sealed_aad),
		cmocka_unit_test(test_receipt_bytes_and_round_trip),
		cmocka_unit_test(test_receipt_rejects),
		cmocka_unit_test(test_receipt_single_byte_changes),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_sha256_hex),
		cmocka_unit_test(test_nonce),
		cmocka_unit_test(test_lane),
		cmocka_unit_test(test_chain_known_answer),
		cmocka_unit_test(test_chain_sensitivity),
		cmocka_unit_test(test_chain_rejects),
		cmocka_unit_test(test_row_known_answer),
		cmocka_unit_test(test_row_sensitivity),
		cmocka_unit_test(test_row_rejects),
		cmocka_unit_test(test_keyfile_round_trip),
		cmocka_unit_test(test_keyfile_default_iterations),
		cmocka_unit_test(test_keyfile_read_by_hand),
		cmocka_unit_test(test_keyfile_written_by_hand),
		cmocka_unit_test(test_keyfile_webcrypto_vector),
		cmocka_unit_test(test_keyfile_wrong_password),
		cmocka_unit_test(test_keyfile_every_byte_change),
		cmocka_unit_test(test_keyfile_malformed),
		cmocka_unit_test(test_keyfile_key_type),
		cmocka_unit_test(test_keyfile_bad_args),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
