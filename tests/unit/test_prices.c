/*
 * Unit tests for bidding/prices.c: preliminary price draw (복수예가), picks,
 * planned price (예정가격), floor rates (낙찰하한율), floor amount, ratio,
 * ranking with the verifiable lot (추첨) and failed tenders (유찰).
 *
 * Expected values are computed by hand (shown in comments) or by
 * independent reference code here (plain uint64 or 128-bit arithmetic,
 * HMAC built from SHA-256), never by calling the code under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "prices.h"

__extension__ typedef unsigned __int128	u128;

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* What the fake random source does. */
#define FAKE_LOW	0	/* always 0: lowest amount of each band */
#define FAKE_HIGH	1	/* always bound - 1: highest amount */
#define FAKE_MID	2	/* bound / 2 */
#define FAKE_FAIL	3	/* returns -1 on the nth call */
#define FAKE_OUT	4	/* returns bound (out of range), nth call */

struct fake {
	int		mode;
	int		nth;
	int		calls;
	uint64_t	bounds[PRICES_COUNT];
};

static int
fake_rnd(void *arg, uint64_t bound, uint64_t *v)
{
	struct fake	*f = arg;
	int		 call;

	call = f->calls++;
	if (call < PRICES_COUNT)
		f->bounds[call] = bound;
	switch (f->mode) {
	case FAKE_LOW:
		*v = 0;
		return (0);
	case FAKE_HIGH:
		*v = bound - 1;
		return (0);
	case FAKE_MID:
		*v = bound / 2;
		return (0);
	case FAKE_FAIL:
		*v = 0;
		return (call == f->nth ? -1 : 0);
	default:
		*v = call == f->nth ? bound : 0;
		return (0);
	}
}

/*
 * Reference for rule 1 in plain uint64 arithmetic (base * range is at
 * most 10^19 < 2^64): band k of base within ±range.
 */
static void
ref_band(int64_t base, int range, int k, int64_t *lo, int64_t *hi)
{
	uint64_t	d, n, start;

	d = (uint64_t)base * (uint64_t)range / 100000;
	start = (uint64_t)base - d;
	n = 2 * d + 1;
	*lo = (int64_t)(start + (uint64_t)k * n / 15);
	*hi = (int64_t)(start + (uint64_t)(k + 1) * n / 15 - 1);
}

/* Checks all 15 bands of base/range against the reference and rule 1. */
static void
check_bands(int64_t base, int range)
{
	int64_t		lo[PRICES_COUNT], hi[PRICES_COUNT], rlo, rhi;
	int64_t		minsz, maxsz, sz;
	uint64_t	d;
	int		k;

	d = (uint64_t)base * (uint64_t)range / 100000;
	minsz = INT64_MAX;
	maxsz = 0;
	for (k = 0; k < PRICES_COUNT; k++) {
		assert_int_equal(prices_band(base, range, k, &lo[k], &hi[k]),
		    0);
		ref_band(base, range, k, &rlo, &rhi);
		assert_true(lo[k] == rlo);
		assert_true(hi[k] == rhi);
		assert_true(lo[k] <= hi[k]);
		sz = hi[k] - lo[k] + 1;
		if (sz < minsz)
			minsz = sz;
		if (sz > maxsz)
			maxsz = sz;
		/* Consecutive: no gap, no overlap. */
		if (k > 0)
			assert_true(lo[k] == hi[k - 1] + 1);
	}
	/* Covers exactly the whole amounts in [B(1-r), B(1+r)]. */
	assert_true(lo[0] == base - (int64_t)d);
	assert_true(hi[PRICES_COUNT - 1] == base + (int64_t)d);
	assert_true((u128)(base - lo[0]) * 100000 <= (u128)base * range);
	assert_true((u128)(base - lo[0] + 1) * 100000 > (u128)base * range);
	/* Equal bands, to the won. */
	assert_true(maxsz - minsz <= 1);
}

static void
test_band_hand_example(void **state)
{
	int64_t	lo, hi;

	(void)state;
	/*
	 * 100,000,000 won ±2 %: d = 2,000,000, amounts 98,000,000 ..
	 * 102,000,000, N = 4,000,001; band 1 starts at lo + floor(N / 15)
	 * = lo + 266,666.
	 */
	assert_int_equal(prices_band(100000000, 2000, 0, &lo, &hi), 0);
	assert_true(lo == 98000000 && hi == 98266665);
	assert_int_equal(prices_band(100000000, 2000, 1, &lo, &hi), 0);
	assert_true(lo == 98266666 && hi == 98533332);
	assert_int_equal(prices_band(100000000, 2000, 7, &lo, &hi), 0);
	assert_true(lo == 99866667 && hi == 100133332);
	assert_int_equal(prices_band(100000000, 2000, 14, &lo, &hi), 0);
	assert_true(lo == 101733334 && hi == 102000000);
}

static void
test_bands_cover_without_overlap(void **state)
{
	static const int64_t	bases[] = {
		350, 351, 357, 1399, 1400, 1401, 9999, 10001, 99999, 100001,
		123456789, 987654321, 1000000000, 1000000001, 4999999999,
		33333333333, 77777777777777, INT64_C(999999999999999),
		INT64_C(1000000000000000)
	};
	static const int	ranges[] = {
		500, 501, 1999, 2000, 2001, 3000, 3333, 7777, 9999, 10000
	};
	uint64_t		x;
	int64_t			base;
	size_t			i, j;
	int			n;

	(void)state;
	for (i = 0; i < NELEM(bases); i++) {
		for (j = 0; j < NELEM(ranges); j++) {
			/* Skip bases too small for the range (tested apart). */
			if ((uint64_t)bases[i] * ranges[j] / 100000 < 7)
				continue;
			check_bands(bases[i], ranges[j]);
		}
	}
	/* Pseudo-random odd and even bases over the whole scale. */
	x = 88172645463325252ULL;
	for (n = 0; n < 3000; n++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* 1400 won is the smallest base every range accepts. */
		if (n % 3 == 0)
			base = (int64_t)(x % 100000) + 1400;
		else
			base = (int64_t)(x % (uint64_t)(PRICES_BASE_MAX -
			    1399)) + 1400;
		check_bands(base, (int)(500 + (x >> 40) % 9501));
	}
	/* Every base around the minimum at ±2 %. */
	for (n = 350; n < 5000; n++)
		check_bands(n, 2000);
}

static void
test_band_refuses_bad_arguments(void **state)
{
	int64_t	lo, hi;

	(void)state;
	/* ±2 % of 349 is 6.98 won: only 13 amounts, fewer than 15 bands. */
	assert_int_equal(prices_band(349, 2000, 0, &lo, &hi), -1);
	assert_int_equal(prices_band(350, 2000, 0, &lo, &hi), 0);
	assert_true(lo == 343 && hi == 343);
	assert_int_equal(prices_band(1399, 500, 0, &lo, &hi), -1);
	assert_int_equal(prices_band(1400, 500, 0, &lo, &hi), 0);
	assert_int_equal(prices_band(0, 2000, 0, &lo, &hi), -1);
	assert_int_equal(prices_band(-100000000, 2000, 0, &lo, &hi), -1);
	assert_int_equal(prices_band(PRICES_BASE_MAX + 1, 2000, 0, &lo, &hi),
	    -1);
	assert_int_equal(prices_band(INT64_MAX, 2000, 0, &lo, &hi), -1);
	assert_int_equal(prices_band(100000000, 2000, -1, &lo, &hi), -1);
	assert_int_equal(prices_band(100000000, 2000, 15, &lo, &hi), -1);
	assert_int_equal(prices_band(100000000, 2000, 0, NULL, &hi), -1);
	assert_int_equal(prices_band(100000000, 2000, 0, &lo, NULL), -1);
}

static void
test_draw_hits_band_edges(void **state)
{
	static const int64_t	bases[] = {
		350, 1401, 100000000, 123456789, INT64_C(1000000000000000)
	};
	struct fake		f;
	int64_t			out[PRICES_COUNT], lo, hi;
	size_t			i;
	int			k;

	(void)state;
	for (i = 0; i < NELEM(bases); i++) {
		memset(&f, 0, sizeof(f));
		f.mode = FAKE_LOW;
		assert_int_equal(prices_draw_with(bases[i], 3000, out,
		    fake_rnd, &f), 0);
		assert_int_equal(f.calls, PRICES_COUNT);
		for (k = 0; k < PRICES_COUNT; k++) {
			assert_int_equal(prices_band(bases[i], 3000, k, &lo,
			    &hi), 0);
			assert_true(out[k] == lo);
			/* The bound handed to rnd is the band's size. */
			assert_true(f.bounds[k] == (uint64_t)(hi - lo + 1));
		}
		memset(&f, 0, sizeof(f));
		f.mode = FAKE_HIGH;
		assert_int_equal(prices_draw_with(bases[i], 3000, out,
		    fake_rnd, &f), 0);
		for (k = 0; k < PRICES_COUNT; k++) {
			assert_int_equal(prices_band(bases[i], 3000, k, &lo,
			    &hi), 0);
			assert_true(out[k] == hi);
		}
	}
	/* Hand example: lowest of band 0 and highest of band 14. */
	memset(&f, 0, sizeof(f));
	f.mode = FAKE_LOW;
	assert_int_equal(prices_draw_with(100000000, 2000, out, fake_rnd, &f),
	    0);
	assert_true(out[0] == 98000000 && out[1] == 98266666);
	memset(&f, 0, sizeof(f));
	f.mode = FAKE_HIGH;
	assert_int_equal(prices_draw_with(100000000, 2000, out, fake_rnd, &f),
	    0);
	assert_true(out[0] == 98266665 && out[14] == 102000000);
}

static void
test_draw_refuses_bad_random_source(void **state)
{
	struct fake	f;
	int64_t		out[PRICES_COUNT];
	int		k, nth;

	(void)state;
	for (nth = 0; nth < PRICES_COUNT; nth += 7) {
		memset(&f, 0, sizeof(f));
		f.mode = FAKE_FAIL;
		f.nth = nth;
		memset(out, 0x55, sizeof(out));
		assert_int_equal(prices_draw_with(100000000, 2000, out,
		    fake_rnd, &f), -1);
		for (k = 0; k < PRICES_COUNT; k++)
			assert_true(out[k] == 0);

		memset(&f, 0, sizeof(f));
		f.mode = FAKE_OUT;
		f.nth = nth;
		assert_int_equal(prices_draw_with(100000000, 2000, out,
		    fake_rnd, &f), -1);
		for (k = 0; k < PRICES_COUNT; k++)
			assert_true(out[k] == 0);
	}
	assert_int_equal(prices_draw_with(100000000, 2000, out, NULL, NULL),
	    -1);
	assert_int_equal(prices_draw_with(100000000, 2000, NULL, fake_rnd, &f),
	    -1);
}

static void
test_draw_range_limits(void **state)
{
	int64_t	out[PRICES_COUNT];
	int	k;

	(void)state;
	assert_int_equal(prices_draw(100000000, 499, out), -1);
	for (k = 0; k < PRICES_COUNT; k++)
		assert_true(out[k] == 0);
	assert_int_equal(prices_draw(100000000, 10001, out), -1);
	assert_int_equal(prices_draw(100000000, 0, out), -1);
	assert_int_equal(prices_draw(100000000, -2000, out), -1);
	assert_int_equal(prices_draw(100000000, 500, out), 0);
	assert_int_equal(prices_draw(100000000, 10000, out), 0);
	assert_int_equal(prices_draw(100000000, PRICES_RANGE_NATIONAL, out), 0);
	assert_int_equal(prices_draw(100000000, PRICES_RANGE_LOCAL, out), 0);
	assert_int_equal(prices_draw(0, 2000, out), -1);
	assert_int_equal(prices_draw(349, 2000, out), -1);
	assert_int_equal(prices_draw(PRICES_BASE_MAX + 1, 2000, out), -1);
	assert_int_equal(prices_draw(100000000, 2000, NULL), -1);
}

static void
test_draw_csprng_stays_in_bands(void **state)
{
	static const int64_t	bases[] = {
		350, 1401, 77777, 100000000, 123456789, 5000000001,
		INT64_C(999999999999999), INT64_C(1000000000000000)
	};
	static const int	ranges[] = { 500, 2000, 3000, 10000 };
	int64_t			out[PRICES_COUNT], first[PRICES_COUNT];
	int64_t			lo, hi;
	size_t			i, j;
	int			n, k, differ, low_half, high_half;

	(void)state;
	for (i = 0; i < NELEM(bases); i++) {
		for (j = 0; j < NELEM(ranges); j++) {
			if ((uint64_t)bases[i] * ranges[j] / 100000 < 7)
				continue;
			for (n = 0; n < 200; n++) {
				assert_int_equal(prices_draw(bases[i],
				    ranges[j], out), 0);
				for (k = 0; k < PRICES_COUNT; k++) {
					assert_int_equal(prices_band(bases[i],
					    ranges[j], k, &lo, &hi), 0);
					assert_true(out[k] >= lo);
					assert_true(out[k] <= hi);
				}
			}
		}
	}
	/* Wide bands: two draws differ; values fall in both halves. */
	assert_int_equal(prices_draw(100000000, 2000, first), 0);
	differ = low_half = high_half = 0;
	for (n = 0; n < 100; n++) {
		assert_int_equal(prices_draw(100000000, 2000, out), 0);
		for (k = 0; k < PRICES_COUNT; k++) {
			assert_int_equal(prices_band(100000000, 2000, k, &lo,
			    &hi), 0);
			if (out[k] != first[k])
				differ = 1;
			if (out[k] - lo < (hi - lo + 1) / 2)
				low_half++;
			else
				high_half++;
		}
	}
	assert_true(differ);
	/* 1500 fair coin flips: 600..900 is over 7 standard deviations. */
	assert_true(low_half > 600 && high_half > 600);
}

static void
test_rand_uniform(void **state)
{
	uint64_t	v, big;
	int		counts[5], n, i, top;

	(void)state;
	assert_int_equal(prices_rand_uniform(NULL, 0, &v), -1);
	assert_int_equal(prices_rand_uniform(NULL, 5, NULL), -1);
	for (n = 0; n < 100; n++) {
		v = 99;
		assert_int_equal(prices_rand_uniform(NULL, 1, &v), 0);
		assert_true(v == 0);
	}
	/* 50,000 draws in [0, 5): each ~10,000, sd ~89, allow ±600. */
	memset(counts, 0, sizeof(counts));
	for (n = 0; n < 50000; n++) {
		assert_int_equal(prices_rand_uniform(NULL, 5, &v), 0);
		assert_true(v < 5);
		counts[v]++;
	}
	for (i = 0; i < 5; i++)
		assert_in_range(counts[i], 9400, 10600);
	/*
	 * 2^63 + 1: the worst case for rejection (almost half the values
	 * are rejected). A biased x % bound would give 0 and 1 twice as
	 * often as other values near the bottom; check range and spread.
	 */
	big = (UINT64_C(1) << 63) + 1;
	top = 0;
	for (n = 0; n < 2000; n++) {
		assert_int_equal(prices_rand_uniform(NULL, big, &v), 0);
		assert_true(v < big);
		if (v >= big / 2)
			top++;
	}
	assert_in_range(top, 850, 1150);
	/*
	 * bound = 2/3 of 2^64: a plain x % bound would put 2/3 of the
	 * values in the lower half of [0, bound). Unbiased: 1500 of 3000,
	 * sd ~27; biased: ~2000.
	 */
	big = UINT64_MAX / 3 * 2;
	top = 0;
	for (n = 0; n < 3000; n++) {
		assert_int_equal(prices_rand_uniform(NULL, big, &v), 0);
		assert_true(v < big);
		if (v < big / 2)
			top++;
	}
	assert_in_range(top, 1300, 1700);
	assert_int_equal(prices_rand_uniform(NULL, UINT64_MAX, &v), 0);
	assert_true(v < UINT64_MAX);
}

static void
test_picks_valid(void **state)
{
	(void)state;
	assert_true(prices_picks_valid(1, 2));
	assert_true(prices_picks_valid(15, 1));
	assert_true(prices_picks_valid(7, 14));
	assert_false(prices_picks_valid(3, 3));
	assert_false(prices_picks_valid(0, 2));
	assert_false(prices_picks_valid(2, 0));
	assert_false(prices_picks_valid(16, 2));
	assert_false(prices_picks_valid(2, 16));
	assert_false(prices_picks_valid(-1, 2));
	assert_false(prices_picks_valid(INT32_MIN, INT32_MAX));
}

static void
test_tally(void **state)
{
	static const int	picks[][2] = {
		{ 1, 2 }, { 2, 15 }, { 15, 2 }, { 7, 8 }, { 8, 1 }
	};
	static const int	bad[][2] = { { 1, 2 }, { 4, 4 } };
	static const int	want[PRICES_COUNT] = {
		2, 3, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 2
	};
	int			counts[PRICES_COUNT];
	int			k;

	(void)state;
	memset(counts, 0x7f, sizeof(counts));
	assert_int_equal(prices_tally(picks, NELEM(picks), counts), 0);
	for (k = 0; k < PRICES_COUNT; k++)
		assert_int_equal(counts[k], want[k]);

	/* No bids: all zero, also with NULL picks. */
	memset(counts, 0x7f, sizeof(counts));
	assert_int_equal(prices_tally(NULL, 0, counts), 0);
	for (k = 0; k < PRICES_COUNT; k++)
		assert_int_equal(counts[k], 0);

	/* An invalid pair refuses the whole tally and leaves zeros. */
	assert_int_equal(prices_tally(bad, NELEM(bad), counts), -1);
	for (k = 0; k < PRICES_COUNT; k++)
		assert_int_equal(counts[k], 0);
	assert_int_equal(prices_tally(NULL, 3, counts), -1);
	assert_int_equal(prices_tally(picks, NELEM(picks), NULL), -1);
}

/* Numbers 1..15 of a hand-made draw around 100,000,000 won. */
static const int64_t	P[PRICES_COUNT] = {
	98123457, 98400001, 98700002, 99000003, 99250000,
	99510001, 99800000, 100050007, 100300000, 100600001,
	100850002, 101100000, 101390005, 101650000, 101900009
};

static void
check_planned(const int counts[PRICES_COUNT], const int want_chosen[4],
    int64_t down, int64_t up, int64_t half)
{
	int64_t	planned;
	int	chosen[PRICES_CHOSEN], i;

	assert_int_equal(prices_planned(P, counts, PRICES_ROUND_DOWN,
	    &planned, chosen), 0);
	assert_true(planned == down);
	for (i = 0; i < PRICES_CHOSEN; i++)
		assert_int_equal(chosen[i], want_chosen[i]);
	assert_int_equal(prices_planned(P, counts, PRICES_ROUND_UP,
	    &planned, chosen), 0);
	assert_true(planned == up);
	assert_int_equal(prices_planned(P, counts, PRICES_ROUND_HALF_UP,
	    &planned, chosen), 0);
	assert_true(planned == half);
}

static void
test_planned_rounding_modes(void **state)
{
	/* Clear top 4: #2, #5, #9, #13. */
	static const int	c1[PRICES_COUNT] = {
		1, 9, 0, 2, 8, 0, 0, 3, 7, 0, 0, 0, 6, 0, 1
	};
	static const int	w1[4] = { 2, 5, 9, 13 };
	/* Top 4: #15, #1, #2, #3. */
	static const int	c2[PRICES_COUNT] = {
		5, 4, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6
	};
	static const int	w2[4] = { 15, 1, 2, 3 };
	static const int	c3[PRICES_COUNT] = {
		0, 0, 0, 4, 0, 3, 0, 2, 0, 1, 0, 0, 0, 0, 0
	};
	static const int	w3[4] = { 4, 6, 8, 10 };

	(void)state;
	/*
	 * 98,400,001 + 99,250,000 + 100,300,000 + 101,390,005 = 399,340,006;
	 * / 4 = 99,835,001.5: down 99,835,001, up and half up 99,835,002.
	 */
	check_planned(c1, w1, 99835001, 99835002, 99835002);
	/*
	 * 101,900,009 + 98,123,457 + 98,400,001 + 98,700,002 = 397,123,469;
	 * / 4 = 99,280,867.25: down and half up 99,280,867, up 99,280,868.
	 */
	check_planned(c2, w2, 99280867, 99280868, 99280867);
	/*
	 * 99,000,003 + 99,510,001 + 100,050,007 + 100,600,001 = 399,160,012;
	 * / 4 = 99,790,003 exactly: every mode gives it.
	 */
	check_planned(c3, w3, 99790003, 99790003, 99790003);
}

static void
test_planned_tie_rule(void **state)
{
	static const int	zero[PRICES_COUNT];
	static const int	w_zero[4] = { 1, 2, 3, 4 };
	/* #3 and #7 tie on 5; #1, #12, #15 tie on 4 for the last 2 places. */
	static const int	c_two[PRICES_COUNT] = {
		4, 0, 5, 0, 0, 0, 5, 0, 0, 0, 0, 4, 0, 0, 4
	};
	static const int	w_two[4] = { 3, 7, 1, 12 };
	static const int	c_all[PRICES_COUNT] = {
		2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2
	};
	/* #15 leads; the rest tie at 1 and the lowest numbers fill in. */
	static const int	c_lead[PRICES_COUNT] = {
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9
	};
	/* Tie for 4th place between #14 and #9: #9 wins. */
	static const int	c_fourth[PRICES_COUNT] = {
		0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 8, 7, 6, 3, 0
	};
	static const int	w_fourth[4] = { 11, 12, 13, 9 };
	static const int	w_lead[4] = { 15, 1, 2, 3 };

	(void)state;
	/*
	 * No bids: #1..#4, 98,123,457 + 98,400,001 + 98,700,002 +
	 * 99,000,003 = 394,223,463; / 4 = 98,555,865.75.
	 */
	check_planned(zero, w_zero, 98555865, 98555866, 98555866);
	/*
	 * 98,700,002 + 99,800,000 + 98,123,457 + 101,100,000 = 397,723,459;
	 * / 4 = 99,430,864.75.
	 */
	check_planned(c_two, w_two, 99430864, 99430865, 99430865);
	check_planned(c_all, w_zero, 98555865, 98555866, 98555866);
	check_planned(c_lead, w_lead, 99280867, 99280868, 99280867);
	/*
	 * 100,850,002 + 101,100,000 + 101,390,005 + 100,300,000 =
	 * 403,640,007; / 4 = 100,910,001.75.
	 */
	check_planned(c_fourth, w_fourth, 100910001, 100910002, 100910002);
}

static void
test_planned_from_tally_with_no_bids(void **state)
{
	int64_t	planned;
	int	counts[PRICES_COUNT], chosen[PRICES_CHOSEN];

	(void)state;
	assert_int_equal(prices_tally(NULL, 0, counts), 0);
	assert_int_equal(prices_planned(P, counts, PRICES_ROUND_UP, &planned,
	    chosen), 0);
	assert_int_equal(chosen[0], 1);
	assert_int_equal(chosen[3], 4);
	assert_true(planned == 98555866);
}

static void
test_planned_refuses_bad_arguments(void **state)
{
	int64_t	prices[PRICES_COUNT], planned;
	int	counts[PRICES_COUNT], chosen[PRICES_CHOSEN], k;

	(void)state;
	memcpy(prices, P, sizeof(prices));
	memset(counts, 0, sizeof(counts));
	planned = 12345;
	assert_int_equal(prices_planned(prices, counts, 0, &planned, chosen),
	    -1);
	assert_int_equal(prices_planned(prices, counts, 4, &planned, chosen),
	    -1);
	assert_true(planned == 12345);
	counts[3] = -1;
	assert_int_equal(prices_planned(prices, counts, PRICES_ROUND_UP,
	    &planned, chosen), -1);
	counts[3] = 0;
	prices[9] = 0;
	assert_int_equal(prices_planned(prices, counts, PRICES_ROUND_UP,
	    &planned, chosen), -1);
	prices[9] = PRICES_AMOUNT_MAX + 1;
	assert_int_equal(prices_planned(prices, counts, PRICES_ROUND_UP,
	    &planned, chosen), -1);
	/* The largest accepted prices do not overflow the sum. */
	for (k = 0; k < PRICES_COUNT; k++)
		prices[k] = PRICES_AMOUNT_MAX;
	assert_int_equal(prices_planned(prices, counts, PRICES_ROUND_UP,
	    &planned, chosen), 0);
	assert_true(planned == PRICES_AMOUNT_MAX);
	assert_int_equal(prices_planned(NULL, counts, PRICES_ROUND_UP,
	    &planned, chosen), -1);
	assert_int_equal(prices_planned(prices, NULL, PRICES_ROUND_UP,
	    &planned, chosen), -1);
	assert_int_equal(prices_planned(prices, counts, PRICES_ROUND_UP,
	    NULL, chosen), -1);
	assert_int_equal(prices_planned(prices, counts, PRICES_ROUND_UP,
	    &planned, NULL), -1);
}

static int32_t
default_rate(int family, int ruleset, int64_t amount, int32_t date)
{
	const struct floor_rule	*rules;
	size_t			 n;
	int32_t			 rate;

	rules = prices_default_floor_rules(&n);
	rate = -2;
	if (prices_floor_rate(rules, n, family, ruleset, amount, date,
	    &rate) == -1)
		return (-1);
	return (rate);
}

static void
test_floor_rate_by_date(void **state)
{
	(void)state;
	/* Works, national, under 1 billion: raised 2 points on 2026-01-30. */
	assert_int_equal(default_rate(FAMILY_WORKS, RULESET_NATIONAL,
	    500000000, 20260129), 87745);
	assert_int_equal(default_rate(FAMILY_WORKS, RULESET_NATIONAL,
	    500000000, 20260130), 89745);
	assert_int_equal(default_rate(FAMILY_WORKS, RULESET_NATIONAL,
	    500000000, 20260131), 89745);
	assert_int_equal(default_rate(FAMILY_WORKS, RULESET_NATIONAL,
	    3000000000, 20260129), 86745);
	assert_int_equal(default_rate(FAMILY_WORKS, RULESET_NATIONAL,
	    3000000000, 20260130), 88745);
	assert_int_equal(default_rate(FAMILY_WORKS, RULESET_NATIONAL,
	    7000000000, 20251231), 85495);
	assert_int_equal(default_rate(FAMILY_WORKS, RULESET_NATIONAL,
	    7000000000, 20270101), 87495);
	/* Placeholder rows for goods and services. */
	assert_int_equal(default_rate(FAMILY_GOODS, RULESET_NATIONAL,
	    50000000, 20260201), 84245);
	assert_int_equal(default_rate(FAMILY_SERVICES, RULESET_NATIONAL,
	    50000000, 20260201), 87745);
	/* No rows: foreign procurement, local rules. */
	assert_int_equal(default_rate(FAMILY_FOREIGN, RULESET_NATIONAL,
	    50000000, 20260201), -1);
	assert_int_equal(default_rate(FAMILY_WORKS, RULESET_LOCAL,
	    50000000, 20260201), -1);
	/* Malformed dates. */
	assert_int_equal(default_rate(FAMILY_WORKS, RULESET_NATIONAL,
	    500000000, 20261301), -1);
	assert_int_equal(default_rate(FAMILY_WORKS, RULESET_NATIONAL,
	    500000000, 20260100), -1);
	assert_int_equal(default_rate(FAMILY_WORKS, RULESET_NATIONAL,
	    500000000, 0), -1);
	assert_int_equal(default_rate(FAMILY_WORKS, RULESET_NATIONAL,
	    500000000, -20260130), -1);
}

static void
test_floor_rate_band_edges(void **state)
{
	(void)state;
	assert_int_equal(default_rate(FAMILY_WORKS, RULESET_NATIONAL,
	    0, 20250101), 87745);
	assert_int_equal(default_rate(FAMILY_WORKS, RULESET_NATIONAL,
	    999999999, 20250101), 87745);
	/* Exactly 1 billion belongs to the 1-5 billion band. */
	assert_int_equal(default_rate(FAMILY_WORKS, RULESET_NATIONAL,
	    1000000000, 20250101), 86745);
	assert_int_equal(default_rate(FAMILY_WORKS, RULESET_NATIONAL,
	    4999999999, 20250101), 86745);
	assert_int_equal(default_rate(FAMILY_WORKS, RULESET_NATIONAL,
	    5000000000, 20250101), 85495);
	assert_int_equal(default_rate(FAMILY_WORKS, RULESET_NATIONAL,
	    9999999999, 20250101), 85495);
	/* 10 billion and above: no floor-rate row. */
	assert_int_equal(default_rate(FAMILY_WORKS, RULESET_NATIONAL,
	    10000000000, 20250101), -1);
	assert_int_equal(default_rate(FAMILY_WORKS, RULESET_NATIONAL,
	    -1, 20250101), -1);
	assert_int_equal(default_rate(FAMILY_WORKS, RULESET_NATIONAL,
	    1000000000, 20260130), 88745);
	/* Unbounded placeholder rows take any amount. */
	assert_int_equal(default_rate(FAMILY_GOODS, RULESET_NATIONAL,
	    INT64_MAX, 20250101), 84245);
}

static void
test_floor_rate_custom_table(void **state)
{
	/* Out of date order on purpose; the latest valid_from wins. */
	static const struct floor_rule	t[] = {
		{ FAMILY_GOODS, RULESET_LOCAL, 0, 100000000, 20240701, 88000 },
		{ FAMILY_GOODS, RULESET_LOCAL, 0, 100000000, 20200101, 86000 },
		{ FAMILY_GOODS, RULESET_LOCAL, 0, 100000000, 20220315, 87000 },
		{ FAMILY_GOODS, RULESET_LOCAL, 100000000, 0, 20200101, 80000 },
		/* Two rows for the same band and date: ambiguous. */
		{ FAMILY_SERVICES, RULESET_LOCAL, 0, 0, 20200101, 87000 },
		{ FAMILY_SERVICES, RULESET_LOCAL, 0, 0, 20200101, 88000 },
		{ FAMILY_SERVICES, RULESET_LOCAL, 0, 0, 20230101, 89000 },
		/* A rate over 100 % is never returned. */
		{ FAMILY_FOREIGN, RULESET_LOCAL, 0, 0, 20200101, 100001 },
	};
	int32_t				rate;

	(void)state;
	rate = -2;
	assert_int_equal(prices_floor_rate(t, NELEM(t), FAMILY_GOODS,
	    RULESET_LOCAL, 99999999, 20191231, &rate), -1);
	assert_int_equal(rate, -2);
	assert_int_equal(prices_floor_rate(t, NELEM(t), FAMILY_GOODS,
	    RULESET_LOCAL, 99999999, 20200101, &rate), 0);
	assert_int_equal(rate, 86000);
	assert_int_equal(prices_floor_rate(t, NELEM(t), FAMILY_GOODS,
	    RULESET_LOCAL, 99999999, 20220314, &rate), 0);
	assert_int_equal(rate, 86000);
	assert_int_equal(prices_floor_rate(t, NELEM(t), FAMILY_GOODS,
	    RULESET_LOCAL, 99999999, 20220315, &rate), 0);
	assert_int_equal(rate, 87000);
	assert_int_equal(prices_floor_rate(t, NELEM(t), FAMILY_GOODS,
	    RULESET_LOCAL, 99999999, 20991231, &rate), 0);
	assert_int_equal(rate, 88000);
	assert_int_equal(prices_floor_rate(t, NELEM(t), FAMILY_GOODS,
	    RULESET_LOCAL, 100000000, 20991231, &rate), 0);
	assert_int_equal(rate, 80000);
	assert_int_equal(prices_floor_rate(t, NELEM(t), FAMILY_SERVICES,
	    RULESET_LOCAL, 1, 20221231, &rate), -1);
	/* A later unambiguous row settles it again. */
	assert_int_equal(prices_floor_rate(t, NELEM(t), FAMILY_SERVICES,
	    RULESET_LOCAL, 1, 20230101, &rate), 0);
	assert_int_equal(rate, 89000);
	assert_int_equal(prices_floor_rate(t, NELEM(t), FAMILY_FOREIGN,
	    RULESET_LOCAL, 1, 20230101, &rate), -1);
	assert_int_equal(prices_floor_rate(t, NELEM(t), FAMILY_GOODS,
	    RULESET_NATIONAL, 1, 20230101, &rate), -1);
	assert_int_equal(prices_floor_rate(NULL, 0, FAMILY_GOODS,
	    RULESET_LOCAL, 1, 20230101, &rate), -1);
	assert_int_equal(prices_floor_rate(NULL, 3, FAMILY_GOODS,
	    RULESET_LOCAL, 1, 20230101, &rate), -1);
	assert_int_equal(prices_floor_rate(t, NELEM(t), FAMILY_GOODS,
	    RULESET_LOCAL, 1, 20230101, NULL), -1);
}

/* Reference: ceil(planned * rate / 100000) in 128 bits. */
static int64_t
ref_floor_amount(int64_t planned, int32_t rate)
{
	u128	p;

	p = (u128)planned * (u128)rate;
	return ((int64_t)((p + 99999) / 100000));
}

static void
test_floor_amount(void **state)
{
	uint64_t	x;
	int64_t		planned, f;
	int32_t		rate;
	int		n;

	(void)state;
	/* 100,000,000 × 87.745 % = 87,745,000 exactly. */
	assert_true(prices_floor_amount(100000000, 87745) == 87745000);
	/* 123,456,789 × 87.745 % = 108,327,159.50805: up to 108,327,160. */
	assert_true(prices_floor_amount(123456789, 87745) == 108327160);
	/* 99,835,002 × 89.745 % = 89,596,922.5449: up to 89,596,923. */
	assert_true(prices_floor_amount(99835002, 89745) == 89596923);
	/* Any fraction, however small, goes up: 7 × 0.001 % = 0.00007. */
	assert_true(prices_floor_amount(7, 1) == 1);
	assert_true(prices_floor_amount(999999999999999, 99999) ==
	    999990000000000);
	/* 1.1 × 10^15 × 87.745 %: planned × rate exceeds 2^64. */
	assert_true(prices_floor_amount(INT64_C(1100000000000000), 87745) ==
	    INT64_C(965195000000000));
	assert_true(prices_floor_amount(INT64_MAX, PRICES_RATE_ONE) ==
	    INT64_MAX);
	assert_true(prices_floor_amount(INT64_MAX, 87745) ==
	    ref_floor_amount(INT64_MAX, 87745));
	assert_true(prices_floor_amount(0, 87745) == 0);
	assert_true(prices_floor_amount(100000000, 0) == 0);
	assert_true(prices_floor_amount(-1, 87745) == -1);
	assert_true(prices_floor_amount(100000000, -1) == -1);
	assert_true(prices_floor_amount(100000000, PRICES_RATE_ONE + 1) == -1);
	x = 0x9e3779b97f4a7c15ULL;
	for (n = 0; n < 20000; n++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		planned = (int64_t)(x % (uint64_t)(PRICES_BASE_MAX * 2));
		rate = (int32_t)((x >> 17) % (PRICES_RATE_ONE + 1));
		f = prices_floor_amount(planned, rate);
		assert_true(f == ref_floor_amount(planned, rate));
		/* The floor is acceptable, one won less is not. */
		assert_true((u128)f * 100000 >= (u128)planned * rate);
		if (f > 0)
			assert_true((u128)(f - 1) * 100000 <
			    (u128)planned * rate);
	}
}

/* Reference: round half up of bid * 100000 / planned in 128 bits. */
static int64_t
ref_ratio(int64_t bid, int64_t planned)
{
	u128	n;

	n = (u128)bid * 100000 * 2 + (u128)planned;
	return ((int64_t)(n / ((u128)planned * 2)));
}

static void
test_ratio(void **state)
{
	uint64_t	x;
	int64_t		bid, planned;
	int		n;

	(void)state;
	/* 87.7453 % → 87745, 87.7455 % → 87746, 87.74549 % → 87745. */
	assert_int_equal(prices_ratio(8774530, 10000000), 87745);
	assert_int_equal(prices_ratio(8774550, 10000000), 87746);
	assert_int_equal(prices_ratio(8774549, 10000000), 87745);
	assert_int_equal(prices_ratio(10000000, 10000000), 100000);
	assert_int_equal(prices_ratio(0, 10000000), 0);
	/* 1/3 = 33.333 %, 2/3 = 66.6667 % → 66.667 %. */
	assert_int_equal(prices_ratio(1, 3), 33333);
	assert_int_equal(prices_ratio(2, 3), 66667);
	/* Large amounts: bid × 100000 exceeds int64. */
	assert_int_equal(prices_ratio(INT64_C(999999999999999),
	    INT64_C(1000000000000000)), 100000);
	assert_int_equal(prices_ratio(INT64_C(877453000000000),
	    INT64_C(1000000000000000)), 87745);
	assert_int_equal(prices_ratio(INT64_C(877455000000000),
	    INT64_C(1000000000000000)), 87746);
	/* Largest ratio that fits in int32 and the first that does not. */
	assert_int_equal(prices_ratio(INT64_C(2147483647), 100000),
	    2147483647);
	assert_int_equal(prices_ratio(INT64_C(2147483648), 100000), -1);
	/* 2,147,483,647.75 rounds up past INT32_MAX. */
	assert_int_equal(prices_ratio(INT64_C(42949672955), 2000000), -1);
	assert_int_equal(prices_ratio(INT64_MAX, 1), -1);
	assert_int_equal(prices_ratio(-1, 10000000), -1);
	assert_int_equal(prices_ratio(1, 0), -1);
	assert_int_equal(prices_ratio(1, -5), -1);
	assert_int_equal(prices_ratio(1, PRICES_AMOUNT_MAX + 1), -1);
	x = 0x2545f4914f6cdd1dULL;
	for (n = 0; n < 20000; n++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		planned = (int64_t)(x % (uint64_t)PRICES_AMOUNT_MAX) + 1;
		/* Bids from 0 to about 2 × planned. */
		bid = (int64_t)((x >> 11) % ((uint64_t)planned * 2 + 1));
		assert_true(prices_ratio(bid, planned) ==
		    ref_ratio(bid, planned));
	}
}

/* HMAC-SHA256 built from SHA-256 (RFC 2104), for a 32-byte key. */
static void
ref_hmac(const unsigned char key[32], const unsigned char msg[32],
    unsigned char out[32])
{
	unsigned char	pad[64 + 32], inner[32];
	int		i;

	memset(pad, 0, sizeof(pad));
	memcpy(pad, key, 32);
	for (i = 0; i < 64; i++)
		pad[i] ^= 0x36;
	memcpy(pad + 64, msg, 32);
	SHA256(pad, sizeof(pad), inner);
	memset(pad, 0, sizeof(pad));
	memcpy(pad, key, 32);
	for (i = 0; i < 64; i++)
		pad[i] ^= 0x5c;
	memcpy(pad + 64, inner, 32);
	SHA256(pad, sizeof(pad), out);
}

static void
make_hash(const char *s, unsigned char out[32])
{
	SHA256((const unsigned char *)s, strlen(s), out);
}

static void
from_hex(const char *hex, unsigned char *out, size_t n)
{
	size_t		i;
	unsigned int	b;

	for (i = 0; i < n; i++) {
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &b), 1);
		out[i] = (unsigned char)b;
	}
}

static void
test_lot_seed_known_answer(void **state)
{
	unsigned char	h[3][32], seed[32], want[32], key[32], ref[32];

	(void)state;
	make_hash("bid1", h[0]);
	make_hash("bid2", h[1]);
	make_hash("bid3", h[2]);
	/*
	 * Python: sha256(b"g2b-lot-v1\0R26BK00000001\0" + (2).to_bytes(4,
	 * "big") + b"".join(sorted(hashes))).
	 */
	from_hex("f27a4f5604e6fc58a9ef0d4d77ac10b8"
	    "29192b63d52ddab50c897f60d469dfc5", want, 32);
	assert_int_equal(prices_lot_seed("R26BK00000001", 2,
	    (const unsigned char (*)[32])h, 3, seed), 0);
	assert_memory_equal(seed, want, 32);
	/* Python: hmac.new(seed, sha256(b"bid1"), sha256). */
	from_hex("3ef65e04bfcb5e142b7e2a7b8986d4b9"
	    "61dd369a43465fd9c6a9da139be60ff6", want, 32);
	prices_lot_key(seed, h[0], key);
	assert_memory_equal(key, want, 32);
	ref_hmac(seed, h[0], ref);
	assert_memory_equal(key, ref, 32);
}

static void
test_lot_seed_independent_of_order(void **state)
{
	static const int	perms[6][3] = {
		{ 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
		{ 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 }
	};
	unsigned char		h[4][32], p[4][32];
	unsigned char		first[32], seed[32], other[32];
	int			i, j;

	(void)state;
	make_hash("bid-a", h[0]);
	make_hash("bid-b", h[1]);
	make_hash("bid-c", h[2]);
	make_hash("bid-d", h[3]);
	assert_int_equal(prices_lot_seed("R26BK00000042", 0,
	    (const unsigned char (*)[32])h, 3, first), 0);
	for (i = 0; i < 6; i++) {
		for (j = 0; j < 3; j++)
			memcpy(p[j], h[perms[i][j]], 32);
		assert_int_equal(prices_lot_seed("R26BK00000042", 0,
		    (const unsigned char (*)[32])p, 3, seed), 0);
		assert_memory_equal(seed, first, 32);
	}
	/* The input array is left as it was (a copy is sorted). */
	assert_memory_equal(p[0], h[2], 32);
	/* Notice number, order and bid set each change the seed. */
	assert_int_equal(prices_lot_seed("R26BK00000043", 0,
	    (const unsigned char (*)[32])h, 3, other), 0);
	assert_memory_not_equal(other, first, 32);
	assert_int_equal(prices_lot_seed("R26BK00000042", 1,
	    (const unsigned char (*)[32])h, 3, other), 0);
	assert_memory_not_equal(other, first, 32);
	assert_int_equal(prices_lot_seed("R26BK00000042", 0,
	    (const unsigned char (*)[32])h, 4, other), 0);
	assert_memory_not_equal(other, first, 32);
	assert_int_equal(prices_lot_seed("R26BK00000042", 0,
	    (const unsigned char (*)[32])h, 2, other), 0);
	assert_memory_not_equal(other, first, 32);
	/* No bids still gives a seed; bad arguments do not. */
	assert_int_equal(prices_lot_seed("R26BK00000042", 0, NULL, 0, other),
	    0);
	assert_int_equal(prices_lot_seed(NULL, 0,
	    (const unsigned char (*)[32])h, 3, other), -1);
	assert_int_equal(prices_lot_seed("R26BK00000042", -1,
	    (const unsigned char (*)[32])h, 3, other), -1);
	assert_int_equal(prices_lot_seed("R26BK00000042", 0, NULL, 3, other),
	    -1);
	assert_int_equal(prices_lot_seed("R26BK00000042", 0,
	    (const unsigned char (*)[32])h, 3, NULL), -1);
}

static void
test_lot_key_is_hmac(void **state)
{
	unsigned char	seed[32], bid[32], key[32], ref[32], key2[32];
	int		i;

	(void)state;
	for (i = 0; i < 32; i++) {
		make_hash(i % 2 ? "odd" : "even", seed);
		seed[0] ^= (unsigned char)i;
		make_hash("some bid", bid);
		bid[31] ^= (unsigned char)(i * 7);
		prices_lot_key(seed, bid, key);
		ref_hmac(seed, bid, ref);
		assert_memory_equal(key, ref, 32);
	}
	/* Another seed gives another key for the same bid. */
	seed[5] ^= 1;
	prices_lot_key(seed, bid, key2);
	assert_memory_not_equal(key, key2, 32);
}

static void
set_bid(struct bid_entry *b, int64_t amount, unsigned char keybyte,
    int valid, int excluded)
{
	memset(b, 0, sizeof(*b));
	b->amount = amount;
	memset(b->lot_key, keybyte, sizeof(b->lot_key));
	b->valid = valid;
	b->excluded = excluded;
	b->rank = 99;
}

static void
test_rank_with_exclusions(void **state)
{
	struct bid_entry	b[8];
	int64_t			floor;

	(void)state;
	/* Planned 100,000,000 × 87.745 %: floor 87,745,000. */
	floor = prices_floor_amount(100000000, 87745);
	assert_true(floor == 87745000);
	set_bid(&b[0], 90000000, 0x10, 1, 0);
	set_bid(&b[1], 87744999, 0x11, 1, 0);	/* one won below floor */
	set_bid(&b[2], 88000000, 0xf0, 1, 0);	/* ties with b[3] */
	set_bid(&b[3], 88000000, 0x0f, 1, 0);	/* lower lot key */
	set_bid(&b[4], 85000000, 0x12, 0, 0);	/* invalid */
	set_bid(&b[5], 87745000, 0x13, 1, 0);	/* exactly the floor */
	set_bid(&b[6], 80000000, 0x14, 1, 1);	/* excluded beforehand */
	set_bid(&b[7], 99000000, 0x15, 0, 0);	/* invalid */
	assert_int_equal(prices_rank(b, 8, floor), 4);
	assert_int_equal(b[5].rank, 1);
	assert_int_equal(b[3].rank, 2);
	assert_int_equal(b[2].rank, 3);
	assert_int_equal(b[0].rank, 4);
	assert_int_equal(b[1].rank, 0);
	assert_int_equal(b[1].excluded, 1);
	assert_int_equal(b[4].rank, 0);
	assert_int_equal(b[4].excluded, 0);	/* invalid, not excluded */
	assert_int_equal(b[6].rank, 0);
	assert_int_equal(b[6].excluded, 1);
	assert_int_equal(b[7].rank, 0);
	assert_int_equal(b[5].excluded, 0);
	assert_false(prices_failed(4));

	/* Swap the lot keys: the tie goes the other way. */
	memset(b[2].lot_key, 0x0f, 32);
	memset(b[3].lot_key, 0xf0, 32);
	b[3].lot_key[31] = 0x00;
	assert_int_equal(prices_rank(b, 8, floor), 4);
	assert_int_equal(b[2].rank, 2);
	assert_int_equal(b[3].rank, 3);
	/* Keys differing only in the last byte still decide. */
	memcpy(b[3].lot_key, b[2].lot_key, 32);
	b[2].lot_key[31] = 0x10;
	assert_int_equal(prices_rank(b, 8, floor), 4);
	assert_int_equal(b[3].rank, 2);
	assert_int_equal(b[2].rank, 3);
}

static void
test_rank_ties_by_lot_key(void **state)
{
	struct bid_entry	b[5];
	unsigned char		h[5][32], seed[32];
	char			name[32];
	int			i, j, before;

	(void)state;
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "tie-bid-%d", i);
		make_hash(name, h[i]);
	}
	assert_int_equal(prices_lot_seed("R26BK00000777", 0,
	    (const unsigned char (*)[32])h, 5, seed), 0);
	for (i = 0; i < 5; i++) {
		set_bid(&b[i], 50000000, 0, 1, 0);
		prices_lot_key(seed, h[i], b[i].lot_key);
	}
	assert_int_equal(prices_rank(b, 5, 40000000), 5);
	/* Each bid's rank is 1 + the number of lower reference keys. */
	for (i = 0; i < 5; i++) {
		unsigned char	ki[32], kj[32];

		ref_hmac(seed, h[i], ki);
		before = 0;
		for (j = 0; j < 5; j++) {
			ref_hmac(seed, h[j], kj);
			if (memcmp(kj, ki, 32) < 0)
				before++;
		}
		assert_int_equal(b[i].rank, before + 1);
	}
	/* A lower amount beats any lot key. */
	b[4].amount = 49999999;
	assert_int_equal(prices_rank(b, 5, 40000000), 5);
	assert_int_equal(b[4].rank, 1);
}

static void
test_rank_refuses_bad_arguments(void **state)
{
	struct bid_entry	b[3];

	(void)state;
	set_bid(&b[0], 100, 0x01, 1, 0);
	set_bid(&b[1], 100, 0x01, 1, 0);	/* same amount, same key */
	set_bid(&b[2], 90, 0x02, 1, 0);
	assert_int_equal(prices_rank(b, 3, 0), -1);
	assert_int_equal(b[0].rank, 0);
	assert_int_equal(b[1].rank, 0);
	assert_int_equal(b[2].rank, 0);
	/* Same key with different amounts is fine. */
	b[1].amount = 101;
	assert_int_equal(prices_rank(b, 3, 0), 3);
	assert_int_equal(b[2].rank, 1);
	assert_int_equal(b[0].rank, 2);
	assert_int_equal(b[1].rank, 3);
	/* A negative amount: refused, and no rank is left behind. */
	b[2].amount = -1;
	assert_int_equal(prices_rank(b, 3, 0), -1);
	assert_int_equal(b[0].rank + b[1].rank + b[2].rank, 0);
	b[2].amount = 90;
	assert_int_equal(prices_rank(b, 3, 0), 3);
	assert_int_equal(prices_rank(b, 3, -1), -1);
	assert_int_equal(b[0].rank + b[1].rank + b[2].rank, 0);
	/* An invalid bid's amount is not looked at. */
	b[2].valid = 0;
	b[2].amount = -1;
	assert_int_equal(prices_rank(b, 3, 0), 2);
	assert_int_equal(b[2].rank, 0);
	b[2].valid = 1;
	b[2].amount = 90;
	assert_int_equal(prices_rank(NULL, 3, 0), -1);
	assert_int_equal(prices_rank(NULL, 0, 0), 0);
	/* Everything below the floor: nothing ranked, the tender fails. */
	assert_int_equal(prices_rank(b, 3, 1000), 0);
	assert_int_equal(b[0].excluded + b[1].excluded + b[2].excluded, 3);
}

static void
test_failed_tender(void **state)
{
	struct bid_entry	b[2];

	(void)state;
	assert_true(prices_failed(0));
	assert_true(prices_failed(1));
	assert_false(prices_failed(2));
	assert_false(prices_failed(3));
	/* From ranking: 0, 1 and 2 ranked bids. */
	set_bid(&b[0], 100, 0x01, 1, 0);
	set_bid(&b[1], 50, 0x02, 1, 0);
	assert_true(prices_failed((size_t)prices_rank(b, 0, 0)));
	assert_true(prices_failed((size_t)prices_rank(b, 2, 80)));
	b[1].excluded = 0;
	assert_false(prices_failed((size_t)prices_rank(b, 2, 50)));
}

/* The whole opening on fixed data: draw, tally, planned, floor, rank. */
static void
test_opening_end_to_end(void **state)
{
	static const int	picks[][2] = {
		{ 1, 2 }, { 1, 3 }, { 2, 3 }, { 4, 5 }, { 1, 15 }, { 2, 14 }
	};
	struct fake		f;
	struct bid_entry	b[3];
	int64_t			out[PRICES_COUNT], planned, floor;
	int32_t			rate;
	int			counts[PRICES_COUNT], chosen[PRICES_CHOSEN];
	const struct floor_rule	*rules;
	size_t			n;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.mode = FAKE_LOW;
	assert_int_equal(prices_draw_with(100000000, 2000, out, fake_rnd, &f),
	    0);
	/* Band starts: lo + floor(k * 4,000,001 / 15). */
	assert_true(out[0] == 98000000 && out[1] == 98266666 &&
	    out[2] == 98533333 && out[3] == 98800000);
	assert_int_equal(prices_tally(picks, NELEM(picks), counts), 0);
	/* #1: 3, #2: 3, #3: 2, then #4, #5, #14, #15 tie on 1: #4. */
	assert_int_equal(prices_planned(out, counts, PRICES_ROUND_UP,
	    &planned, chosen), 0);
	assert_int_equal(chosen[0], 1);
	assert_int_equal(chosen[1], 2);
	assert_int_equal(chosen[2], 3);
	assert_int_equal(chosen[3], 4);
	/* (98,000,000 + 98,266,666 + 98,533,333 + 98,800,000) / 4 =
	 * 393,599,999 / 4 = 98,399,999.75 → 98,400,000. */
	assert_true(planned == 98400000);
	rules = prices_default_floor_rules(&n);
	assert_int_equal(prices_floor_rate(rules, n, FAMILY_WORKS,
	    RULESET_NATIONAL, 90000000, 20260301, &rate), 0);
	assert_int_equal(rate, 89745);
	/* 98,400,000 × 89.745 % = 88,309,080 exactly. */
	floor = prices_floor_amount(planned, rate);
	assert_true(floor == 88309080);
	set_bid(&b[0], 88309080, 0x01, 1, 0);
	set_bid(&b[1], 88309079, 0x02, 1, 0);
	set_bid(&b[2], 90000000, 0x03, 1, 0);
	assert_int_equal(prices_rank(b, 3, floor), 2);
	assert_int_equal(b[0].rank, 1);
	assert_int_equal(b[1].rank, 0);
	assert_int_equal(prices_ratio(b[0].amount, planned), 89745);
	assert_int_equal(prices_ratio(b[2].amount, planned), 91463);
	assert_false(prices_failed(2));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_band_hand_example),
		cmocka_unit_test(test_bands_cover_without_overlap),
		cmocka_unit_test(test_band_refuses_bad_arguments),
		cmocka_unit_test(test_draw_hits_band_edges),
		cmocka_unit_test(test_draw_refuses_bad_random_source),
		cmocka_unit_test(test_draw_range_limits),
		cmocka_unit_test(test_draw_csprng_stays_in_bands),
		cmocka_unit_test(test_rand_uniform),
		cmocka_unit_test(test_picks_valid),
		cmocka_unit_test(test_tally),
		cmocka_unit_test(test_planned_rounding_modes),
		cmocka_unit_test(test_planned_tie_rule),
		cmocka_unit_test(test_planned_from_tally_with_no_bids),
		cmocka_unit_test(test_planned_refuses_bad_arguments),
		cmocka_unit_test(test_floor_rate_by_date),
		cmocka_unit_test(test_floor_rate_band_edges),
		cmocka_unit_test(test_floor_rate_custom_table),
		cmocka_unit_test(test_floor_amount),
		cmocka_unit_test(test_ratio),
		cmocka_unit_test(test_lot_seed_known_answer),
		cmocka_unit_test(test_lot_seed_independent_of_order),
		cmocka_unit_test(test_lot_key_is_hmac),
		cmocka_unit_test(test_rank_with_exclusions),
		cmocka_unit_test(test_rank_ties_by_lot_key),
		cmocka_unit_test(test_rank_refuses_bad_arguments),
		cmocka_unit_test(test_failed_tender),
		cmocka_unit_test(test_opening_end_to_end),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
