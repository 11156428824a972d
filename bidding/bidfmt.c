/*
 * bidfmt: the wire formats of electronic bidding (전자입찰): canonical
 * bid text, the sealed part, the receipt, the password-protected key
 * file and the hashes of the audit chain.
 *
 * Owns no state. It may call libc and OpenSSL 3 libcrypto, never Kore or
 * the database. The formats are stated in bidfmt.h; the browser writes
 * and reads the same bytes with WebCrypto, and the database computes the
 * same row and chain hashes (bidding/sql/003_bids.sql).
 *
 * Parsers work on (pointer, length) and never look past length, so the
 * text need not be NUL-terminated. Each value is checked by the same
 * function whether it is being built or parsed, so whatever a build
 * writes, the parser reads back, and nothing else.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "bidfmt.h"
#include "prices.h"
#include "seal.h"

#define BID_HEADER	"g2b-bid-v1"
#define SEALED_HEADER	"g2b-sealed-bid-v1"
#define RECEIPT_HEADER	"g2b-receipt-v1"
#define CHAIN_TAG	"g2b-chain-v1"
#define ROW_TAG		"g2b-bid-row-v1"

#define NOTICE_ID_MAX	INT64_C(999999999999999999)	/* 18 digits */
#define NOTICE_ID_DIGITS 18
#define ORDER_MAX	999
#define ORDER_DIGITS	3
#define AMOUNT_DIGITS	17		/* PRICES_AMOUNT_MAX is 10^16 */
#define PICK_DIGITS	2
#define BIZNO_LEN	10
#define RECEIVED_LEN	27		/* YYYY-MM-DDTHH:MM:SS.ffffffZ */
#define NONCE_BYTES	(BIDFMT_NONCE_HEX / 2)

/* Key file (format 4). */
#define KF_FORMAT	"g2b-keyfile-v1"	/* also the GCM AAD */
#define KF_HEAD		"{\"format\":\"" KF_FORMAT "\"," \
			"\"kdf\":\"PBKDF2-SHA256\",\"iterations\":"
#define KF_SALT		",\"salt\":\""
#define KF_IV		"\",\"iv\":\""
#define KF_KEY		"\",\"key\":\""
#define KF_TAIL		"\"}"
#define KF_ITER_DIGITS	8		/* BIDFMT_KDF_ITER_MAX is 10^7 */
#define KF_SALT_LEN	16
#define KF_IV_LEN	12
#define KF_KEY_LEN	32
#define KF_TAG_LEN	16
#define KF_SALT_B64	24		/* base64 characters of the salt */
#define KF_IV_B64	16		/* and of the iv */

/* A read position in text that is not NUL-terminated. */
struct cur {
	const char	*p;
	size_t		 left;
};

static int	is_digit(char);
static int	is_lhex(char);
static int	is_uhex(char);
static int	is_no_char(char);
static int	dec_val(const char *, size_t, size_t, int64_t, int64_t,
		    int64_t *);
static int	no_ok(const char *, size_t);
static int	bizno_ok(const char *, size_t);
static int	serial_ok(const char *, size_t);
static int	lhex_ok(const char *, size_t, size_t);
static int	received_ok(const char *, size_t);
static int	str_field(const char *, size_t, size_t *);
static int	take_lit(struct cur *, const char *);
static int	take_line(struct cur *, const char *);
static int	take_field(struct cur *, const char *, const char **,
		    size_t *);
static int	take_b64(struct cur *, size_t, char *);
static int	put_text(const char *, int, char *, size_t, size_t *);
static void	put_be32(unsigned char *, uint32_t);
static void	put_be64(unsigned char *, uint64_t);
static int	p256_pkcs8_ok(const unsigned char *, size_t);
static int	kdf(const char *, const unsigned char *, int,
		    unsigned char *);
static int	gcm(int, const unsigned char *, const unsigned char *,
		    const unsigned char *, size_t, unsigned char *,
		    unsigned char *);

static int
is_digit(char c)
{
	return (c >= '0' && c <= '9');
}

static int
is_lhex(char c)
{
	return (is_digit(c) || (c >= 'a' && c <= 'f'));
}

static int
is_uhex(char c)
{
	return (is_digit(c) || (c >= 'A' && c <= 'F'));
}

/* Notice and receipt numbers: [A-Z0-9-]. */
static int
is_no_char(char c)
{
	return (is_digit(c) || (c >= 'A' && c <= 'Z') || c == '-');
}

/*
 * A decimal of 1..maxdig digits (maxdig <= 18, so it cannot overflow)
 * without sign or leading zero, within min..max.
 */
static int
dec_val(const char *v, size_t n, size_t maxdig, int64_t min, int64_t max,
    int64_t *out)
{
	int64_t	x;
	size_t	i;

	if (n == 0 || n > maxdig || (n > 1 && v[0] == '0'))
		return (-1);
	for (x = 0, i = 0; i < n; i++) {
		if (!is_digit(v[i]))
			return (-1);
		x = x * 10 + (v[i] - '0');
	}
	if (x < min || x > max)
		return (-1);
	*out = x;
	return (0);
}

static int
no_ok(const char *v, size_t n)
{
	size_t	i;

	if (n == 0 || n > BIDFMT_NO_MAX)
		return (0);
	for (i = 0; i < n; i++)
		if (!is_no_char(v[i]))
			return (0);
	return (1);
}

static int
bizno_ok(const char *v, size_t n)
{
	size_t	i;

	if (n != BIZNO_LEN)
		return (0);
	for (i = 0; i < n; i++)
		if (!is_digit(v[i]))
			return (0);
	return (1);
}

/*
 * Certificate serials are BN_bn2hex text (ca.h): uppercase, and whole
 * octets, so a leading 0 digit is possible and not refused here.
 */
static int
serial_ok(const char *v, size_t n)
{
	size_t	i;

	if (n == 0 || n > BIDFMT_SERIAL_MAX)
		return (0);
	for (i = 0; i < n; i++)
		if (!is_uhex(v[i]))
			return (0);
	return (1);
}

/* Exactly want lowercase hex digits. */
static int
lhex_ok(const char *v, size_t n, size_t want)
{
	size_t	i;

	if (n != want)
		return (0);
	for (i = 0; i < n; i++)
		if (!is_lhex(v[i]))
			return (0);
	return (1);
}

/*
 * YYYY-MM-DDTHH:MM:SS.ffffffZ, a real UTC date and time (year 1..9999,
 * no leap second: the database never writes :60).
 */
static int
received_ok(const char *v, size_t n)
{
	static const char	pat[] = "dddd-dd-ddTdd:dd:dd.ddddddZ";
	static const int	mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31,
				    30, 31, 30, 31 };
	int			y, mo, d, h, mi, s;
	size_t			i;

	if (n != RECEIVED_LEN)
		return (0);
	for (i = 0; i < n; i++) {
		if (pat[i] == 'd' ? !is_digit(v[i]) : v[i] != pat[i])
			return (0);
	}
	y = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 +
	    (v[3] - '0');
	mo = (v[5] - '0') * 10 + (v[6] - '0');
	d = (v[8] - '0') * 10 + (v[9] - '0');
	h = (v[11] - '0') * 10 + (v[12] - '0');
	mi = (v[14] - '0') * 10 + (v[15] - '0');
	s = (v[17] - '0') * 10 + (v[18] - '0');
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    h > 23 || mi > 59 || s > 59)
		return (0);
	if (mo == 2 && d == 29 &&
	    !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return (0);
	return (1);
}

/*
 * A string member of a struct (an array of size bytes): its length in
 * *n, or -1 if it is not NUL-terminated inside the array.
 */
static int
str_field(const char *s, size_t size, size_t *n)
{
	*n = strnlen(s, size);
	return (*n < size ? 0 : -1);
}

/* The exact bytes of s (no NUL) next. */
static int
take_lit(struct cur *c, const char *s)
{
	size_t	n;

	n = strlen(s);
	if (c->left < n || memcmp(c->p, s, n) != 0)
		return (-1);
	c->p += n;
	c->left -= n;
	return (0);
}

/* The line s, then LF. */
static int
take_line(struct cur *c, const char *s)
{
	if (take_lit(c, s) == -1 || c->left < 1 || c->p[0] != '\n')
		return (-1);
	c->p++;
	c->left--;
	return (0);
}

/*
 * "name:value" LF: *v and *vn get the value (without its LF). The value
 * may hold any byte but LF; the caller checks it.
 */
static int
take_field(struct cur *c, const char *name, const char **v, size_t *vn)
{
	const char	*lf;
	size_t		 n;

	n = strlen(name);
	if (c->left <= n || memcmp(c->p, name, n) != 0 || c->p[n] != ':')
		return (-1);
	if ((lf = memchr(c->p + n + 1, '\n', c->left - n - 1)) == NULL)
		return (-1);
	*v = c->p + n + 1;
	*vn = (size_t)(lf - *v);
	c->left -= (size_t)(lf + 1 - c->p);
	c->p = lf + 1;
	return (0);
}

/*
 * A run of base64 characters (at most max) copied NUL-terminated into
 * buf (max + 1 bytes), so seal_b64_decode, which reads strings, sees
 * exactly the run. What ends the run is left for the caller to match.
 */
static int
take_b64(struct cur *c, size_t max, char *buf)
{
	size_t	n;
	char	ch;

	for (n = 0; n < c->left; n++) {
		ch = c->p[n];
		if (!(is_digit(ch) || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= 'a' && ch <= 'z') || ch == '+' || ch == '/' ||
		    ch == '='))
			break;
		if (n == max)
			return (-1);
		buf[n] = ch;
	}
	buf[n] = '\0';
	c->p += n;
	c->left -= n;
	return (0);
}

/*
 * Copy n bytes of text (snprintf's result into a local buffer) to out
 * with a NUL; -1 if snprintf failed or out is too small.
 */
static int
put_text(const char *text, int n, char *out, size_t outsz, size_t *len)
{
	if (n < 0 || (size_t)n >= outsz)
		return (-1);
	memcpy(out, text, (size_t)n + 1);
	if (len != NULL)
		*len = (size_t)n;
	return (0);
}

static void
put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void
put_be64(unsigned char *p, uint64_t v)
{
	int	i;

	for (i = 7; i >= 0; i--) {
		p[i] = (unsigned char)v;
		v >>= 8;
	}
}

int
bidfmt_bid_build(const struct bidfmt_bid *b, char *out, size_t outsz,
    size_t *len)
{
	char	buf[BIDFMT_CANON_MAX];
	size_t	nno, nbiz, nser, nsha, nnon;
	int	n;

	if (out != NULL && outsz > 0)
		out[0] = '\0';
	if (len != NULL)
		*len = 0;
	if (b == NULL || out == NULL)
		return (-1);
	if (b->notice_id < 1 || b->notice_id > NOTICE_ID_MAX ||
	    b->order < 1 || b->order > ORDER_MAX)
		return (-1);
	if (str_field(b->notice_no, sizeof(b->notice_no), &nno) == -1 ||
	    str_field(b->bizno, sizeof(b->bizno), &nbiz) == -1 ||
	    str_field(b->cert_serial, sizeof(b->cert_serial), &nser) == -1 ||
	    str_field(b->sealed_sha256, sizeof(b->sealed_sha256),
	    &nsha) == -1 ||
	    str_field(b->nonce, sizeof(b->nonce), &nnon) == -1)
		return (-1);
	if (!no_ok(b->notice_no, nno) || !bizno_ok(b->bizno, nbiz) ||
	    !serial_ok(b->cert_serial, nser) ||
	    !lhex_ok(b->sealed_sha256, nsha, BIDFMT_HEX_LEN) ||
	    !lhex_ok(b->nonce, nnon, BIDFMT_NONCE_HEX))
		return (-1);
	n = snprintf(buf, sizeof(buf),
	    BID_HEADER "\n"
	    "notice:%" PRId64 "\n"
	    "notice-no:%s\n"
	    "order:%d\n"
	    "bizno:%s\n"
	    "cert:%s\n"
	    "sealed-sha256:%s\n"
	    "declarations:" BIDFMT_DECLARATIONS "\n"
	    "nonce:%s\n",
	    b->notice_id, b->notice_no, b->order, b->bizno, b->cert_serial,
	    b->sealed_sha256, b->nonce);
	return (put_text(buf, n, out, outsz, len));
}

int
bidfmt_bid_parse(const char *text, size_t len, struct bidfmt_bid *out)
{
	struct bidfmt_bid	 b;
	struct cur		 c;
	const char		*v;
	size_t			 vn;
	int64_t			 x;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (text == NULL || out == NULL || len > BIDFMT_CANON_MAX)
		return (-1);
	memset(&b, 0, sizeof(b));
	c.p = text;
	c.left = len;

	if (take_line(&c, BID_HEADER) == -1)
		return (-1);
	if (take_field(&c, "notice", &v, &vn) == -1 ||
	    dec_val(v, vn, NOTICE_ID_DIGITS, 1, NOTICE_ID_MAX, &x) == -1)
		return (-1);
	b.notice_id = x;
	if (take_field(&c, "notice-no", &v, &vn) == -1 || !no_ok(v, vn))
		return (-1);
	memcpy(b.notice_no, v, vn);
	if (take_field(&c, "order", &v, &vn) == -1 ||
	    dec_val(v, vn, ORDER_DIGITS, 1, ORDER_MAX, &x) == -1)
		return (-1);
	b.order = (int)x;
	if (take_field(&c, "bizno", &v, &vn) == -1 || !bizno_ok(v, vn))
		return (-1);
	memcpy(b.bizno, v, vn);
	if (take_field(&c, "cert", &v, &vn) == -1 || !serial_ok(v, vn))
		return (-1);
	memcpy(b.cert_serial, v, vn);
	if (take_field(&c, "sealed-sha256", &v, &vn) == -1 ||
	    !lhex_ok(v, vn, BIDFMT_HEX_LEN))
		return (-1);
	memcpy(b.sealed_sha256, v, vn);
	/* Fixed: a bid without both declarations is not a bid. */
	if (take_line(&c, "declarations:" BIDFMT_DECLARATIONS) == -1)
		return (-1);
	if (take_field(&c, "nonce", &v, &vn) == -1 ||
	    !lhex_ok(v, vn, BIDFMT_NONCE_HEX))
		return (-1);
	memcpy(b.nonce, v, vn);
	if (c.left != 0)
		return (-1);
	*out = b;
	return (0);
}

int
bidfmt_sealed_aad(int64_t notice_id, int order, const char *bizno,
    char *out, size_t outsz)
{
	char	buf[BIDFMT_AAD_MAX];
	int	n;

	if (out != NULL && outsz > 0)
		out[0] = '\0';
	if (out == NULL || bizno == NULL || notice_id < 1 ||
	    notice_id > NOTICE_ID_MAX || order < 1 || order > ORDER_MAX ||
	    !bizno_ok(bizno, strnlen(bizno, BIZNO_LEN + 1)))
		return (-1);
	n = snprintf(buf, sizeof(buf), "bid:%" PRId64 ":%d:%s", notice_id,
	    order, bizno);
	return (put_text(buf, n, out, outsz, NULL));
}

int
bidfmt_sealed_build(const struct bidfmt_sealed *s, char *out, size_t outsz,
    size_t *len)
{
	char	buf[BIDFMT_SEALED_MAX];
	int	n, rc;

	if (out != NULL && outsz > 0)
		out[0] = '\0';
	if (len != NULL)
		*len = 0;
	if (s == NULL || out == NULL || s->amount < 1 ||
	    s->amount > PRICES_AMOUNT_MAX ||
	    !prices_picks_valid(s->picks[0], s->picks[1]) ||
	    s->picks[0] >= s->picks[1])
		return (-1);
	n = snprintf(buf, sizeof(buf),
	    SEALED_HEADER "\n"
	    "amount:%" PRId64 "\n"
	    "picks:%d,%d\n",
	    s->amount, s->picks[0], s->picks[1]);
	rc = put_text(buf, n, out, outsz, len);
	/* The amount is the secret the envelope keeps until the opening. */
	OPENSSL_cleanse(buf, sizeof(buf));
	return (rc);
}

int
bidfmt_sealed_parse(const char *text, size_t len, struct bidfmt_sealed *out)
{
	struct cur	 c;
	const char	*v, *comma;
	size_t		 vn;
	int64_t		 amount, a, b;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (text == NULL || out == NULL || len > BIDFMT_SEALED_MAX)
		return (-1);
	c.p = text;
	c.left = len;
	if (take_line(&c, SEALED_HEADER) == -1)
		return (-1);
	if (take_field(&c, "amount", &v, &vn) == -1 ||
	    dec_val(v, vn, AMOUNT_DIGITS, 1, PRICES_AMOUNT_MAX, &amount) == -1)
		return (-1);
	if (take_field(&c, "picks", &v, &vn) == -1 ||
	    (comma = memchr(v, ',', vn)) == NULL)
		return (-1);
	if (dec_val(v, (size_t)(comma - v), PICK_DIGITS, 1, PRICES_COUNT,
	    &a) == -1 ||
	    dec_val(comma + 1, vn - (size_t)(comma - v) - 1, PICK_DIGITS, 1,
	    PRICES_COUNT, &b) == -1 || a >= b)
		return (-1);
	if (c.left != 0)
		return (-1);
	out->amount = amount;
	out->picks[0] = (int)a;
	out->picks[1] = (int)b;
	return (0);
}

int
bidfmt_receipt_build(const struct bidfmt_receipt *r, char *out,
    size_t outsz, size_t *len)
{
	char	buf[BIDFMT_RECEIPT_MAX];
	size_t	nrec, nno, nbiz, nsha, nrcv;
	int	n;

	if (out != NULL && outsz > 0)
		out[0] = '\0';
	if (len != NULL)
		*len = 0;
	if (r == NULL || out == NULL || r->order < 1 || r->order > ORDER_MAX)
		return (-1);
	if (str_field(r->receipt_no, sizeof(r->receipt_no), &nrec) == -1 ||
	    str_field(r->notice_no, sizeof(r->notice_no), &nno) == -1 ||
	    str_field(r->bizno, sizeof(r->bizno), &nbiz) == -1 ||
	    str_field(r->bid_sha256, sizeof(r->bid_sha256), &nsha) == -1 ||
	    str_field(r->received, sizeof(r->received), &nrcv) == -1)
		return (-1);
	if (!no_ok(r->receipt_no, nrec) || !no_ok(r->notice_no, nno) ||
	    !bizno_ok(r->bizno, nbiz) ||
	    !lhex_ok(r->bid_sha256, nsha, BIDFMT_HEX_LEN) ||
	    !received_ok(r->received, nrcv))
		return (-1);
	n = snprintf(buf, sizeof(buf),
	    RECEIPT_HEADER "\n"
	    "receipt:%s\n"
	    "notice-no:%s\n"
	    "order:%d\n"
	    "bizno:%s\n"
	    "bid-sha256:%s\n"
	    "received:%s\n",
	    r->receipt_no, r->notice_no, r->order, r->bizno, r->bid_sha256,
	    r->received);
	return (put_text(buf, n, out, outsz, len));
}

int
bidfmt_receipt_parse(const char *text, size_t len,
    struct bidfmt_receipt *out)
{
	struct bidfmt_receipt	 r;
	struct cur		 c;
	const char		*v;
	size_t			 vn;
	int64_t			 x;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (text == NULL || out == NULL || len > BIDFMT_RECEIPT_MAX)
		return (-1);
	memset(&r, 0, sizeof(r));
	c.p = text;
	c.left = len;

	if (take_line(&c, RECEIPT_HEADER) == -1)
		return (-1);
	if (take_field(&c, "receipt", &v, &vn) == -1 || !no_ok(v, vn))
		return (-1);
	memcpy(r.receipt_no, v, vn);
	if (take_field(&c, "notice-no", &v, &vn) == -1 || !no_ok(v, vn))
		return (-1);
	memcpy(r.notice_no, v, vn);
	if (take_field(&c, "order", &v, &vn) == -1 ||
	    dec_val(v, vn, ORDER_DIGITS, 1, ORDER_MAX, &x) == -1)
		return (-1);
	r.order = (int)x;
	if (take_field(&c, "bizno", &v, &vn) == -1 || !bizno_ok(v, vn))
		return (-1);
	memcpy(r.bizno, v, vn);
	if (take_field(&c, "bid-sha256", &v, &vn) == -1 ||
	    !lhex_ok(v, vn, BIDFMT_HEX_LEN))
		return (-1);
	memcpy(r.bid_sha256, v, vn);
	if (take_field(&c, "received", &v, &vn) == -1 || !received_ok(v, vn))
		return (-1);
	memcpy(r.received, v, vn);
	if (c.left != 0)
		return (-1);
	*out = r;
	return (0);
}

void
bidfmt_hex(const unsigned char in[BIDFMT_HASH_LEN],
    char out[BIDFMT_HEX_LEN + 1])
{
	static const char	digits[] = "0123456789abcdef";
	size_t			i;

	if (out == NULL)
		return;
	/* No input gives "", which matches no hash. */
	out[0] = '\0';
	if (in == NULL)
		return;
	for (i = 0; i < BIDFMT_HASH_LEN; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[BIDFMT_HEX_LEN] = '\0';
}

/* Only the lowercase form bidfmt_hex writes: one text per hash. */
int
bidfmt_unhex(const char *hex, unsigned char out[BIDFMT_HASH_LEN])
{
	size_t	i;
	int	hi, lo;

	if (out == NULL)
		return (-1);
	memset(out, 0, BIDFMT_HASH_LEN);
	if (hex == NULL || strnlen(hex, BIDFMT_HEX_LEN + 1) != BIDFMT_HEX_LEN ||
	    !lhex_ok(hex, BIDFMT_HEX_LEN, BIDFMT_HEX_LEN))
		return (-1);
	for (i = 0; i < BIDFMT_HASH_LEN; i++) {
		hi = is_digit(hex[2 * i]) ? hex[2 * i] - '0' :
		    hex[2 * i] - 'a' + 10;
		lo = is_digit(hex[2 * i + 1]) ? hex[2 * i + 1] - '0' :
		    hex[2 * i + 1] - 'a' + 10;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return (0);
}

void
bidfmt_sha256_hex(const void *data, size_t len, char hex[BIDFMT_HEX_LEN + 1])
{
	unsigned char	md[BIDFMT_HASH_LEN];
	unsigned int	mdlen = 0;

	if (hex == NULL)
		return;
	hex[0] = '\0';
	if (data == NULL && len > 0)
		return;
	if (EVP_Digest(data != NULL ? data : "", len, md, &mdlen,
	    EVP_sha256(), NULL) != 1 || mdlen != BIDFMT_HASH_LEN) {
		/* "" on an internal failure: it matches no hash. */
		ERR_clear_error();
		return;
	}
	bidfmt_hex(md, hex);
}

int
bidfmt_nonce(char hex[BIDFMT_NONCE_HEX + 1])
{
	static const char	digits[] = "0123456789abcdef";
	unsigned char		r[NONCE_BYTES];
	size_t			i;

	if (hex == NULL)
		return (-1);
	hex[0] = '\0';
	if (RAND_bytes(r, sizeof(r)) != 1) {
		ERR_clear_error();
		return (-1);
	}
	for (i = 0; i < sizeof(r); i++) {
		hex[2 * i] = digits[r[i] >> 4];
		hex[2 * i + 1] = digits[r[i] & 0x0f];
	}
	hex[BIDFMT_NONCE_HEX] = '\0';
	return (0);
}

/*
 * 1 if der is exactly one PKCS#8 PrivateKeyInfo (no trailing bytes) of
 * an EC key on P-256, the only key the format carries. GCM already
 * authenticates what the writer sealed; this keeps a writer from sealing
 * something else (an RSA key, a certificate, a PEM file).
 */
static int
p256_pkcs8_ok(const unsigned char *der, size_t derlen)
{
	PKCS8_PRIV_KEY_INFO	*p8;
	EVP_PKEY		*key = NULL;
	const unsigned char	*p = der;
	char			 group[64];
	size_t			 glen = 0;
	int			 ok = 0;

	if (der == NULL || derlen == 0 || derlen > LONG_MAX)
		return (0);
	if ((p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)derlen)) == NULL)
		goto done;
	if (p != der + derlen)
		goto done;
	if ((key = EVP_PKCS82PKEY(p8)) == NULL || !EVP_PKEY_is_a(key, "EC"))
		goto done;
	if (EVP_PKEY_get_group_name(key, group, sizeof(group), &glen) != 1)
		goto done;
	ok = OBJ_txt2nid(group) == NID_X9_62_prime256v1;

done:
	EVP_PKEY_free(key);
	PKCS8_PRIV_KEY_INFO_free(p8);
	return (ok);
}

/* The AES key: PBKDF2-HMAC-SHA256(password, salt, iterations, 32). */
static int
kdf(const char *password, const unsigned char *salt, int iterations,
    unsigned char *key)
{
	return (PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt,
	    KF_SALT_LEN, iterations, EVP_sha256(), KF_KEY_LEN, key) == 1 ?
	    0 : -1);
}

/*
 * AES-256-GCM with the 12-byte iv and the AAD KF_FORMAT over n bytes of
 * in into out. Encrypting writes the 16-byte tag to tag; decrypting
 * checks it, and out is not to be used unless this returns 0.
 */
static int
gcm(int encrypt, const unsigned char *key, const unsigned char *iv,
    const unsigned char *in, size_t n, unsigned char *out,
    unsigned char *tag)
{
	static const char	 aad[] = KF_FORMAT;
	EVP_CIPHER_CTX		*ctx;
	int			 m, rc = -1;

	if (n > INT_MAX || (ctx = EVP_CIPHER_CTX_new()) == NULL)
		return (-1);
	if (EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL,
	    encrypt) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, KF_IV_LEN,
	    NULL) != 1 ||
	    EVP_CipherInit_ex(ctx, NULL, NULL, key, iv, encrypt) != 1)
		goto done;
	if (EVP_CipherUpdate(ctx, NULL, &m, (const unsigned char *)aad,
	    (int)(sizeof(aad) - 1)) != 1)
		goto done;
	if (n > 0 && (EVP_CipherUpdate(ctx, out, &m, in, (int)n) != 1 ||
	    (size_t)m != n))
		goto done;
	if (!encrypt && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG,
	    KF_TAG_LEN, tag) != 1)
		goto done;
	/* Decrypting, this is the tag check. */
	if (EVP_CipherFinal_ex(ctx, out + n, &m) != 1 || m != 0)
		goto done;
	if (encrypt && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG,
	    KF_TAG_LEN, tag) != 1)
		goto done;
	rc = 0;

done:
	/* Freeing the context wipes the key schedule. */
	EVP_CIPHER_CTX_free(ctx);
	return (rc);
}

int
bidfmt_keyfile_seal(const unsigned char *der, size_t derlen,
    const char *password, int iterations, char **out)
{
	unsigned char	 salt[KF_SALT_LEN], iv[KF_IV_LEN], key[KF_KEY_LEN];
	unsigned char	*ct = NULL;
	char		*salt64 = NULL, *iv64 = NULL, *ct64 = NULL, *s = NULL;
	int		 n, rc = -1;

	if (out != NULL)
		*out = NULL;
	/*
	 * derlen <= BIDFMT_KEYFILE_MAX keeps the sizes below from wrapping;
	 * the length check of the JSON is the real limit.
	 */
	if (out == NULL || der == NULL || derlen == 0 ||
	    derlen > BIDFMT_KEYFILE_MAX || !seal_pass_ok(password) ||
	    iterations < BIDFMT_KDF_ITER_MIN ||
	    iterations > BIDFMT_KDF_ITER_MAX || !p256_pkcs8_ok(der, derlen))
		goto done;
	if (RAND_bytes(salt, sizeof(salt)) != 1 ||
	    RAND_bytes(iv, sizeof(iv)) != 1)
		goto done;
	if ((ct = malloc(derlen + KF_TAG_LEN)) == NULL)
		goto done;
	if (kdf(password, salt, iterations, key) == -1 ||
	    gcm(1, key, iv, der, derlen, ct, ct + derlen) == -1)
		goto done;
	if (seal_b64_encode(salt, sizeof(salt), &salt64) == -1 ||
	    seal_b64_encode(iv, sizeof(iv), &iv64) == -1 ||
	    seal_b64_encode(ct, derlen + KF_TAG_LEN, &ct64) == -1)
		goto done;
	/* No trailing LF: the JSON value itself; a writer may add one. */
	n = snprintf(NULL, 0, KF_HEAD "%d" KF_SALT "%s" KF_IV "%s" KF_KEY
	    "%s" KF_TAIL, iterations, salt64, iv64, ct64);
	/* Leave room for that LF within BIDFMT_KEYFILE_MAX. */
	if (n < 0 || n >= BIDFMT_KEYFILE_MAX)
		goto done;
	if ((s = malloc((size_t)n + 1)) == NULL)
		goto done;
	if (snprintf(s, (size_t)n + 1, KF_HEAD "%d" KF_SALT "%s" KF_IV "%s"
	    KF_KEY "%s" KF_TAIL, iterations, salt64, iv64, ct64) != n)
		goto done;
	*out = s;
	s = NULL;
	rc = 0;

done:
	OPENSSL_cleanse(key, sizeof(key));
	free(s);
	free(ct64);
	free(iv64);
	free(salt64);
	free(ct);
	if (rc == -1)
		ERR_clear_error();
	return (rc);
}

int
bidfmt_keyfile_open(const char *json, size_t len, const char *password,
    unsigned char **der, size_t *derlen)
{
	struct cur	 c;
	const char	*digits;
	char		 salt64[KF_SALT_B64 + 1], iv64[KF_IV_B64 + 1];
	char		*ct64 = NULL;
	unsigned char	*salt = NULL, *iv = NULL, *ct = NULL, *pt = NULL;
	unsigned char	 key[KF_KEY_LEN];
	size_t		 saltlen = 0, ivlen = 0, ctlen = 0, ptlen = 0, nd;
	int64_t		 iter;
	int		 rc = -1;

	if (der != NULL)
		*der = NULL;
	if (derlen != NULL)
		*derlen = 0;
	if (json == NULL || der == NULL || derlen == NULL ||
	    len > BIDFMT_KEYFILE_MAX || !seal_pass_ok(password))
		goto done;
	c.p = json;
	c.left = len;

	if (take_lit(&c, KF_HEAD) == -1)
		goto done;
	digits = c.p;
	for (nd = 0; nd < c.left && is_digit(c.p[nd]); nd++)
		;
	if (dec_val(digits, nd, KF_ITER_DIGITS, BIDFMT_KDF_ITER_MIN,
	    BIDFMT_KDF_ITER_MAX, &iter) == -1)
		goto done;
	c.p += nd;
	c.left -= nd;
	if ((ct64 = malloc(BIDFMT_KEYFILE_MAX + 1)) == NULL)
		goto done;
	if (take_lit(&c, KF_SALT) == -1 ||
	    take_b64(&c, KF_SALT_B64, salt64) == -1 ||
	    take_lit(&c, KF_IV) == -1 ||
	    take_b64(&c, KF_IV_B64, iv64) == -1 ||
	    take_lit(&c, KF_KEY) == -1 ||
	    take_b64(&c, BIDFMT_KEYFILE_MAX, ct64) == -1 ||
	    take_lit(&c, KF_TAIL) == -1)
		goto done;
	if (c.left == 1 && c.p[0] == '\n')
		c.left = 0;
	if (c.left != 0)
		goto done;
	if (seal_b64_decode(salt64, &salt, &saltlen) == -1 ||
	    saltlen != KF_SALT_LEN ||
	    seal_b64_decode(iv64, &iv, &ivlen) == -1 || ivlen != KF_IV_LEN ||
	    seal_b64_decode(ct64, &ct, &ctlen) == -1 ||
	    ctlen <= KF_TAG_LEN)
		goto done;
	ptlen = ctlen - KF_TAG_LEN;
	if ((pt = malloc(ptlen)) == NULL)
		goto done;
	if (kdf(password, salt, (int)iter, key) == -1 ||
	    gcm(0, key, iv, ct, ptlen, pt, ct + ptlen) == -1)
		goto done;
	if (!p256_pkcs8_ok(pt, ptlen))
		goto done;
	*der = pt;
	*derlen = ptlen;
	pt = NULL;
	rc = 0;

done:
	OPENSSL_cleanse(key, sizeof(key));
	/* Not released on failure, even if the tag matched. */
	seal_free(pt, ptlen);
	free(ct);
	free(iv);
	free(salt);
	free(ct64);
	if (rc == -1)
		ERR_clear_error();
	return (rc);
}

int
bidfmt_chain_hash(int lane, int64_t seq,
    const unsigned char prev[BIDFMT_HASH_LEN], const char *kind,
    int64_t bid_id, const unsigned char row[BIDFMT_HASH_LEN],
    unsigned char out[BIDFMT_HASH_LEN])
{
	static const char *const	 kinds[] = { "submit", "withdraw",
					    "void", "open" };
	static const unsigned char	 zero[BIDFMT_HASH_LEN];
	unsigned char			 buf[128], *p;
	unsigned int			 mdlen = 0;
	size_t				 i, klen;

	if (out == NULL)
		return (-1);
	memset(out, 0, BIDFMT_HASH_LEN);
	if (lane < 0 || lane >= BIDFMT_LANES || seq < 1 || kind == NULL ||
	    row == NULL || bid_id < 1)
		return (-1);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kind, kinds[i]) == 0)
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0]))
		return (-1);
	/*
	 * The first entry of a lane links to 32 zero bytes (what the empty
	 * head row holds); any later one needs its predecessor's hash.
	 */
	if (seq == 1 && prev != NULL &&
	    CRYPTO_memcmp(prev, zero, BIDFMT_HASH_LEN) != 0)
		return (-1);
	if (seq > 1 && prev == NULL)
		return (-1);
	if (prev == NULL)
		prev = zero;

	klen = strlen(kind);
	p = buf;
	memcpy(p, CHAIN_TAG, sizeof(CHAIN_TAG));	/* with its NUL */
	p += sizeof(CHAIN_TAG);
	put_be32(p, (uint32_t)lane);
	p += 4;
	put_be64(p, (uint64_t)seq);
	p += 8;
	memcpy(p, prev, BIDFMT_HASH_LEN);
	p += BIDFMT_HASH_LEN;
	memcpy(p, kind, klen + 1);			/* with its NUL */
	p += klen + 1;
	put_be64(p, (uint64_t)bid_id);
	p += 8;
	memcpy(p, row, BIDFMT_HASH_LEN);
	p += BIDFMT_HASH_LEN;
	if (EVP_Digest(buf, (size_t)(p - buf), out, &mdlen, EVP_sha256(),
	    NULL) != 1 || mdlen != BIDFMT_HASH_LEN) {
		memset(out, 0, BIDFMT_HASH_LEN);
		ERR_clear_error();
		return (-1);
	}
	return (0);
}

int
bidfmt_row_hash(int64_t bid_id, const char *canonical, size_t clen,
    const unsigned char *env, size_t envlen, const unsigned char *sig,
    size_t siglen, unsigned char out[BIDFMT_HASH_LEN])
{
	static const unsigned char	 nul = 0;
	EVP_MD_CTX			*ctx = NULL;
	unsigned char			 id[8], elen[4], slen[4];
	unsigned int			 mdlen = 0;
	int				 rc = -1;

	if (out == NULL)
		return (-1);
	memset(out, 0, BIDFMT_HASH_LEN);
	/*
	 * The 0x00 after the canonical text ends it only if it holds none
	 * (the database keeps it as text, which cannot); the 4-byte
	 * lengths bound the envelope and signature sizes.
	 */
	if (bid_id < 1 || canonical == NULL || clen == 0 ||
	    clen > BIDFMT_CANON_MAX || memchr(canonical, '\0', clen) != NULL ||
	    (env == NULL && envlen > 0) || envlen > SEAL_ENVELOPE_MAX ||
	    (sig == NULL && siglen > 0) || siglen > SEAL_ENVELOPE_MAX)
		return (-1);
	put_be64(id, (uint64_t)bid_id);
	put_be32(elen, (uint32_t)envlen);
	put_be32(slen, (uint32_t)siglen);
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, ROW_TAG, sizeof(ROW_TAG)) != 1 ||
	    EVP_DigestUpdate(ctx, id, sizeof(id)) != 1 ||
	    EVP_DigestUpdate(ctx, canonical, clen) != 1 ||
	    EVP_DigestUpdate(ctx, &nul, 1) != 1 ||
	    EVP_DigestUpdate(ctx, elen, sizeof(elen)) != 1 ||
	    (envlen > 0 && EVP_DigestUpdate(ctx, env, envlen) != 1) ||
	    EVP_DigestUpdate(ctx, slen, sizeof(slen)) != 1 ||
	    (siglen > 0 && EVP_DigestUpdate(ctx, sig, siglen) != 1) ||
	    EVP_DigestFinal_ex(ctx, out, &mdlen) != 1 ||
	    mdlen != BIDFMT_HASH_LEN)
		goto done;
	rc = 0;

done:
	EVP_MD_CTX_free(ctx);
	if (rc == -1) {
		memset(out, 0, BIDFMT_HASH_LEN);
		ERR_clear_error();
	}
	return (rc);
}

int
bidfmt_lane(const unsigned char bid_hash[BIDFMT_HASH_LEN])
{
	if (bid_hash == NULL)
		return (-1);
	return (bid_hash[0] % BIDFMT_LANES);
}
