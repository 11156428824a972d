/*
 * prices: the price rules of a tender opening (개찰): preliminary prices
 * (복수예가), the planned price (예정가격), the award floor (낙찰하한율),
 * ranking and the lot (추첨) among equal bids.
 *
 * Owns only arithmetic on values handed to it; it stores nothing and
 * may call libc and OpenSSL libcrypto, never Kore or the database. The
 * rules are stated in prices.h; the opening code applies them in order
 * and publishes their inputs so anyone can recompute the result.
 *
 * All arithmetic is exact in int64_t/uint64_t: products that could leave
 * the 64-bit range (amount * rate) are split into quotient and remainder
 * by 100000 first.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "prices.h"

/* Tries before the CSPRNG draw gives up; each succeeds with p > 1/2. */
#define RAND_TRIES	64
#define LOT_TAG		"g2b-lot-v1"

static int	draw_span(int64_t, int, int64_t *, int64_t *);
static int64_t	mul_rate_floor(int64_t, int32_t);
static int	date_valid(int32_t);
static int	rank_before(const int *, int, int);
static int	hash_cmp(const void *, const void *);
static int	bid_cmp(const void *, const void *);

/*
 * The drawable amounts of rule 1: *lo = base - d and *n = 2d + 1 amounts,
 * d = floor(base * range / 100000).
 */
static int
draw_span(int64_t base, int range, int64_t *lo, int64_t *n)
{
	int64_t	d;

	if (base < 1 || base > PRICES_BASE_MAX ||
	    range < PRICES_RANGE_MIN || range > PRICES_RANGE_MAX)
		return (-1);
	d = mul_rate_floor(base, range);
	if (2 * d + 1 < PRICES_COUNT)
		return (-1);
	*lo = base - d;
	*n = 2 * d + 1;
	return (0);
}

/* floor(a * rate / 100000) for a >= 0 and 0 <= rate <= 100000. */
static int64_t
mul_rate_floor(int64_t a, int32_t rate)
{
	return ((a / PRICES_RATE_ONE) * rate +
	    (a % PRICES_RATE_ONE) * rate / PRICES_RATE_ONE);
}

int
prices_band(int64_t base, int range, int k, int64_t *lo, int64_t *hi)
{
	int64_t	start, n;

	if (lo == NULL || hi == NULL || k < 0 || k >= PRICES_COUNT)
		return (-1);
	if (draw_span(base, range, &start, &n) == -1)
		return (-1);
	/* n <= 2 * 10^14 + 1, so k * n stays far below INT64_MAX. */
	*lo = start + (int64_t)k * n / PRICES_COUNT;
	*hi = start + (int64_t)(k + 1) * n / PRICES_COUNT - 1;
	return (0);
}

int
prices_rand_uniform(void *arg, uint64_t bound, uint64_t *v)
{
	unsigned char	buf[8];
	uint64_t	x, reject;
	size_t		i;
	int		tries;

	(void)arg;
	if (bound == 0 || v == NULL)
		return (-1);
	/*
	 * 2^64 mod bound: accepting only x >= reject leaves a multiple of
	 * bound values, so x % bound is uniform.
	 */
	reject = (UINT64_MAX - bound + 1) % bound;
	for (tries = 0; tries < RAND_TRIES; tries++) {
		if (RAND_bytes(buf, sizeof(buf)) != 1)
			break;
		for (x = 0, i = 0; i < sizeof(buf); i++)
			x = x << 8 | buf[i];
		if (x >= reject) {
			*v = x % bound;
			OPENSSL_cleanse(buf, sizeof(buf));
			return (0);
		}
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	return (-1);
}

int
prices_draw_with(int64_t base, int range, int64_t out[PRICES_COUNT],
    prices_rnd_fn rnd, void *arg)
{
	int64_t		lo, hi;
	uint64_t	v, size;
	int		k;

	if (out == NULL)
		return (-1);
	if (rnd == NULL)
		goto fail;
	for (k = 0; k < PRICES_COUNT; k++) {
		if (prices_band(base, range, k, &lo, &hi) == -1)
			goto fail;
		size = (uint64_t)(hi - lo) + 1;
		v = size;
		if (rnd(arg, size, &v) != 0 || v >= size)
			goto fail;
		out[k] = lo + (int64_t)v;
	}
	return (0);

fail:
	memset(out, 0, PRICES_COUNT * sizeof(out[0]));
	return (-1);
}

int
prices_draw(int64_t base, int range, int64_t out[PRICES_COUNT])
{
	return (prices_draw_with(base, range, out, prices_rand_uniform, NULL));
}

int
prices_picks_valid(int a, int b)
{
	return (a >= 1 && a <= PRICES_COUNT && b >= 1 && b <= PRICES_COUNT &&
	    a != b);
}

int
prices_tally(const int (*picks)[PRICES_PICKS], size_t nbids,
    int counts[PRICES_COUNT])
{
	size_t	i;

	if (counts == NULL)
		return (-1);
	memset(counts, 0, PRICES_COUNT * sizeof(counts[0]));
	/* Each count is at most nbids. */
	if ((nbids > 0 && picks == NULL) || nbids > INT_MAX)
		return (-1);
	for (i = 0; i < nbids; i++) {
		if (!prices_picks_valid(picks[i][0], picks[i][1])) {
			memset(counts, 0, PRICES_COUNT * sizeof(counts[0]));
			return (-1);
		}
		counts[picks[i][0] - 1]++;
		counts[picks[i][1] - 1]++;
	}
	return (0);
}

/* Whether index a ranks before index b: more picks, then lower number. */
static int
rank_before(const int *counts, int a, int b)
{
	if (counts[a] != counts[b])
		return (counts[a] > counts[b]);
	return (a < b);
}

int
prices_planned(const int64_t prices[PRICES_COUNT],
    const int counts[PRICES_COUNT], int rounding, int64_t *planned,
    int chosen[PRICES_CHOSEN])
{
	int	order[PRICES_COUNT];
	int	i, j, t;
	int64_t	sum;

	if (prices == NULL || counts == NULL || planned == NULL ||
	    chosen == NULL)
		return (-1);
	if (rounding != PRICES_ROUND_UP && rounding != PRICES_ROUND_DOWN &&
	    rounding != PRICES_ROUND_HALF_UP)
		return (-1);
	for (i = 0; i < PRICES_COUNT; i++) {
		if (prices[i] < 1 || prices[i] > PRICES_AMOUNT_MAX ||
		    counts[i] < 0)
			return (-1);
		order[i] = i;
	}
	/* Insertion sort: 15 entries, and the order is total. */
	for (i = 1; i < PRICES_COUNT; i++) {
		t = order[i];
		for (j = i; j > 0 && rank_before(counts, t, order[j - 1]); j--)
			order[j] = order[j - 1];
		order[j] = t;
	}
	/* At most 4 * 10^16: no overflow. */
	sum = 0;
	for (i = 0; i < PRICES_CHOSEN; i++)
		sum += prices[order[i]];
	switch (rounding) {
	case PRICES_ROUND_UP:
		*planned = (sum + PRICES_CHOSEN - 1) / PRICES_CHOSEN;
		break;
	case PRICES_ROUND_DOWN:
		*planned = sum / PRICES_CHOSEN;
		break;
	default:
		*planned = (sum + PRICES_CHOSEN / 2) / PRICES_CHOSEN;
		break;
	}
	for (i = 0; i < PRICES_CHOSEN; i++)
		chosen[i] = order[i] + 1;
	return (0);
}

/* A plausible yyyymmdd: year 1..9999, month 1..12, day 1..31. */
static int
date_valid(int32_t d)
{
	int	m, day;

	m = d / 100 % 100;
	day = d % 100;
	return (d >= 10101 && d <= 99991231 && m >= 1 && m <= 12 &&
	    day >= 1 && day <= 31);
}

int
prices_floor_rate(const struct floor_rule *rules, size_t n, int family,
    int ruleset, int64_t amount, int32_t date, int32_t *rate)
{
	const struct floor_rule	*r, *best;
	size_t			 i;
	int			 ambiguous;

	if ((n > 0 && rules == NULL) || rate == NULL || amount < 0 ||
	    !date_valid(date))
		return (-1);
	best = NULL;
	ambiguous = 0;
	for (i = 0; i < n; i++) {
		r = &rules[i];
		if (r->family != family || r->ruleset != ruleset)
			continue;
		if (amount < r->min_amount ||
		    (r->max_amount != 0 && amount >= r->max_amount))
			continue;
		if (r->valid_from > date)
			continue;
		if (best == NULL || r->valid_from > best->valid_from) {
			best = r;
			ambiguous = 0;
		} else if (r->valid_from == best->valid_from) {
			ambiguous = 1;
		}
	}
	if (best == NULL || ambiguous || best->rate < 0 ||
	    best->rate > PRICES_RATE_ONE)
		return (-1);
	*rate = best->rate;
	return (0);
}

/*
 * CONFIGURABLE DATA TO VERIFY. The portal stores the authoritative table
 * in the database; these rows seed it and back the tests.
 *
 * Works, national rules (적격심사), keyed on the estimated price
 * (추정가격): 87.745 % under 1 billion won, 86.745 % from 1 to 5
 * billion, 85.495 % from 5 to 10 billion; each 2 percentage points
 * higher from 2026-01-30 (domain notes, verify against the current
 * 계약예규). Above 10 billion other award methods apply: no row.
 * valid_from 19000101 means "before any record the portal keeps".
 *
 * Goods and services (적격심사): PLACEHOLDERS, one rate each over all
 * amounts, until the real bands are entered. No local (지방계약법) or
 * foreign-procurement rows yet: a lookup for them fails.
 */
static const struct floor_rule	default_rules[] = {
	{ FAMILY_WORKS, RULESET_NATIONAL,
	    INT64_C(0), INT64_C(1000000000), 19000101, 87745 },
	{ FAMILY_WORKS, RULESET_NATIONAL,
	    INT64_C(1000000000), INT64_C(5000000000), 19000101, 86745 },
	{ FAMILY_WORKS, RULESET_NATIONAL,
	    INT64_C(5000000000), INT64_C(10000000000), 19000101, 85495 },
	{ FAMILY_WORKS, RULESET_NATIONAL,
	    INT64_C(0), INT64_C(1000000000), 20260130, 89745 },
	{ FAMILY_WORKS, RULESET_NATIONAL,
	    INT64_C(1000000000), INT64_C(5000000000), 20260130, 88745 },
	{ FAMILY_WORKS, RULESET_NATIONAL,
	    INT64_C(5000000000), INT64_C(10000000000), 20260130, 87495 },
	/* Placeholders to verify. */
	{ FAMILY_GOODS, RULESET_NATIONAL, INT64_C(0), INT64_C(0),
	    19000101, 84245 },
	{ FAMILY_SERVICES, RULESET_NATIONAL, INT64_C(0), INT64_C(0),
	    19000101, 87745 },
};

const struct floor_rule *
prices_default_floor_rules(size_t *n)
{
	if (n != NULL)
		*n = sizeof(default_rules) / sizeof(default_rules[0]);
	return (default_rules);
}

int64_t
prices_floor_amount(int64_t planned, int32_t rate)
{
	int64_t	q, m;

	if (planned < 0 || rate < 0 || rate > PRICES_RATE_ONE)
		return (-1);
	/* q * rate <= planned - m and the rounded part <= m: no overflow. */
	q = planned / PRICES_RATE_ONE;
	m = planned % PRICES_RATE_ONE;
	return (q * rate + (m * rate + PRICES_RATE_ONE - 1) / PRICES_RATE_ONE);
}

int32_t
prices_ratio(int64_t bid, int64_t planned)
{
	uint64_t	q, rem, p;
	int		i;

	if (bid < 0 || planned < 1 || planned > PRICES_AMOUNT_MAX)
		return (-1);
	p = (uint64_t)planned;
	q = (uint64_t)bid / p;
	if (q > INT32_MAX / PRICES_RATE_ONE)
		return (-1);
	rem = (uint64_t)bid % p;
	/* Long division, one decimal digit of 100000 at a time. */
	for (i = 0; i < 5; i++) {
		rem *= 10;
		q = q * 10 + rem / p;
		rem %= p;
	}
	if (2 * rem >= p)
		q++;
	if (q > INT32_MAX)
		return (-1);
	return ((int32_t)q);
}

static int
hash_cmp(const void *a, const void *b)
{
	return (memcmp(a, b, PRICES_HASH_LEN));
}

int
prices_lot_seed(const char *notice_no, int order,
    const unsigned char (*bid_hashes)[PRICES_HASH_LEN], size_t n,
    unsigned char seed[PRICES_HASH_LEN])
{
	static const char	 tag[] = LOT_TAG;
	unsigned char		 be[4];
	unsigned char		*sorted;
	unsigned int		 len;
	EVP_MD_CTX		*ctx;
	int			 ret;

	if (notice_no == NULL || seed == NULL || order < 0 ||
	    (n > 0 && bid_hashes == NULL) || n > SIZE_MAX / PRICES_HASH_LEN)
		return (-1);
	ret = -1;
	sorted = NULL;
	ctx = NULL;
	if (n > 0) {
		if ((sorted = malloc(n * PRICES_HASH_LEN)) == NULL)
			goto cleanup;
		memcpy(sorted, bid_hashes, n * PRICES_HASH_LEN);
		qsort(sorted, n, PRICES_HASH_LEN, hash_cmp);
	}
	be[0] = (unsigned char)((unsigned int)order >> 24);
	be[1] = (unsigned char)((unsigned int)order >> 16);
	be[2] = (unsigned char)((unsigned int)order >> 8);
	be[3] = (unsigned char)order;
	len = 0;
	/* The tag and the notice number are hashed with their NUL. */
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, tag, sizeof(tag)) != 1 ||
	    EVP_DigestUpdate(ctx, notice_no, strlen(notice_no) + 1) != 1 ||
	    EVP_DigestUpdate(ctx, be, sizeof(be)) != 1 ||
	    (n > 0 && EVP_DigestUpdate(ctx, sorted,
	    n * PRICES_HASH_LEN) != 1) ||
	    EVP_DigestFinal_ex(ctx, seed, &len) != 1 ||
	    len != PRICES_HASH_LEN)
		goto cleanup;
	ret = 0;

cleanup:
	EVP_MD_CTX_free(ctx);
	free(sorted);
	return (ret);
}

void
prices_lot_key(const unsigned char seed[PRICES_HASH_LEN],
    const unsigned char bid_hash[PRICES_HASH_LEN],
    unsigned char key[PRICES_HASH_LEN])
{
	unsigned char	mac[EVP_MAX_MD_SIZE];
	unsigned int	len;

	if (key == NULL)
		return;
	if (seed == NULL || bid_hash == NULL) {
		memset(key, 0, PRICES_HASH_LEN);
		return;
	}
	len = 0;
	/* Only an internal OpenSSL failure gets here: crash loudly. */
	if (HMAC(EVP_sha256(), seed, PRICES_HASH_LEN, bid_hash,
	    PRICES_HASH_LEN, mac, &len) == NULL || len != PRICES_HASH_LEN)
		abort();
	memcpy(key, mac, PRICES_HASH_LEN);
}

static int
bid_cmp(const void *a, const void *b)
{
	const struct bid_entry	*x = *(const struct bid_entry *const *)a;
	const struct bid_entry	*y = *(const struct bid_entry *const *)b;

	if (x->amount != y->amount)
		return (x->amount < y->amount ? -1 : 1);
	return (memcmp(x->lot_key, y->lot_key, PRICES_HASH_LEN));
}

int
prices_rank(struct bid_entry *bids, size_t n, int64_t floor_amount)
{
	struct bid_entry	**order;
	size_t			  i, m;

	if (n > 0 && bids == NULL)
		return (-1);
	if (n > INT_MAX || floor_amount < 0)
		goto bad;
	for (i = 0; i < n; i++) {
		if (bids[i].valid && bids[i].amount < 0)
			goto bad;
	}
	m = 0;
	for (i = 0; i < n; i++) {
		bids[i].rank = 0;
		if (!bids[i].valid)
			continue;
		if (bids[i].amount < floor_amount)
			bids[i].excluded = 1;
		if (!bids[i].excluded)
			m++;
	}
	if (m == 0)
		return (0);
	if ((order = calloc(m, sizeof(order[0]))) == NULL)
		return (-1);
	for (i = 0, m = 0; i < n; i++) {
		if (bids[i].valid && !bids[i].excluded)
			order[m++] = &bids[i];
	}
	qsort(order, m, sizeof(order[0]), bid_cmp);
	for (i = 1; i < m; i++) {
		if (bid_cmp(&order[i - 1], &order[i]) == 0) {
			free(order);
			return (-1);
		}
	}
	for (i = 0; i < m; i++)
		order[i]->rank = (int)i + 1;
	free(order);
	return ((int)m);

bad:
	for (i = 0; i < n; i++)
		bids[i].rank = 0;
	return (-1);
}

int
prices_failed(size_t ranked)
{
	return (ranked < 2);
}
