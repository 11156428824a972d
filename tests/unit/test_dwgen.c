/*
 * Unit tests for dw/dwgen.c: the seeded generator behind g2b-gen (fixed
 * sequences, unbiased bounds, distributions) and its business
 * registration numbers (valid check digit, no repeats).
 *
 * Expected sequences and numbers were computed with an independent
 * implementation of splitmix64, xoshiro256** and the check digit
 * (a few lines of Python), never with the code under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwgen.h"
#include "validate.h"
#include "prices.h"

static void
test_sequence_fixed(void **state)
{
	struct dwgen_rng	r;

	(void)state;
	dwgen_seed(&r, 0);
	assert_true(dwgen_next(&r) == UINT64_C(0x99ec5f36cb75f2b4));
	assert_true(dwgen_next(&r) == UINT64_C(0xbf6e1f784956452a));
	assert_true(dwgen_next(&r) == UINT64_C(0x1a5f849d4933e6e0));
	dwgen_seed(&r, 42);
	assert_true(dwgen_next(&r) == UINT64_C(0x15780b2e0c2ec716));
	assert_true(dwgen_next(&r) == UINT64_C(0x6104d9866d113a7e));
	assert_true(dwgen_next(&r) == UINT64_C(0xae17533239e499a1));
}

static void
test_same_seed_same_draws(void **state)
{
	struct dwgen_rng	a, b;
	int			i;

	(void)state;
	dwgen_seed(&a, 7);
	dwgen_seed(&b, 7);
	for (i = 0; i < 1000; i++) {
		assert_int_equal(dwgen_below(&a, 1000003),
		    dwgen_below(&b, 1000003));
		assert_true(dwgen_normal(&a) == dwgen_normal(&b));
	}
	dwgen_seed(&b, 8);
	assert_true(dwgen_next(&a) != dwgen_next(&b));
}

static void
test_below_bounds_and_spread(void **state)
{
	struct dwgen_rng	r;
	unsigned		counts[10] = { 0 };
	uint64_t		v;
	int			i;

	(void)state;
	dwgen_seed(&r, 1);
	assert_int_equal(dwgen_below(&r, 0), 0);
	assert_int_equal(dwgen_below(&r, 1), 0);
	for (i = 0; i < 100000; i++) {
		v = dwgen_below(&r, 10);
		assert_true(v < 10);
		counts[v]++;
	}
	/* Each bucket 10,000 expected; 5 sigma is about 475. */
	for (i = 0; i < 10; i++)
		assert_true(counts[i] > 9500 && counts[i] < 10500);
	for (i = 0; i < 1000; i++) {
		v = dwgen_below(&r, UINT64_MAX);
		assert_true(v < UINT64_MAX);
	}
}

static void
test_unit_normal_poisson(void **state)
{
	struct dwgen_rng	r;
	double			x, sum = 0, sq = 0, psum = 0;
	int			i, n = 200000;

	(void)state;
	dwgen_seed(&r, 3);
	for (i = 0; i < n; i++) {
		x = dwgen_unit(&r);
		assert_true(x >= 0.0 && x < 1.0);
	}
	for (i = 0; i < n; i++) {
		x = dwgen_normal(&r);
		sum += x;
		sq += x * x;
	}
	assert_true(fabs(sum / n) < 0.02);
	assert_true(fabs(sq / n - 1.0) < 0.03);
	for (i = 0; i < n; i++)
		psum += dwgen_poisson(&r, 9.5);
	assert_true(fabs(psum / n - 9.5) < 0.05);
	psum = 0;
	for (i = 0; i < 20000; i++)
		psum += dwgen_poisson(&r, 60.0);
	assert_true(fabs(psum / 20000 - 60.0) < 0.5);
	assert_int_equal(dwgen_poisson(&r, 0.0), 0);
	assert_int_equal(dwgen_poisson(&r, -1.0), 0);
}

static void
test_pick_weights(void **state)
{
	struct dwgen_rng	r;
	const double		w[4] = { 1, 0, 3, 0 };
	unsigned		c[4] = { 0 };
	int			i;

	(void)state;
	dwgen_seed(&r, 5);
	for (i = 0; i < 40000; i++)
		c[dwgen_pick(&r, w, 4)]++;
	assert_int_equal(c[1], 0);
	assert_int_equal(c[3], 0);
	/* 10,000 and 30,000 expected. */
	assert_true(c[0] > 9400 && c[0] < 10600);
	assert_true(c[2] > 29400 && c[2] < 30600);
}

static void
test_prices_rnd(void **state)
{
	struct dwgen_rng	r;
	uint64_t		v;
	int64_t			prices[PRICES_COUNT];
	int			k;

	(void)state;
	dwgen_seed(&r, 11);
	assert_int_equal(dwgen_prices_rnd(&r, 0, &v), -1);
	assert_int_equal(dwgen_prices_rnd(&r, 5, &v), 0);
	assert_true(v < 5);
	/* Driving the real draw: each price inside its band. */
	assert_int_equal(prices_draw_with(123456000, 2000, prices,
	    dwgen_prices_rnd, &r), 0);
	for (k = 0; k < PRICES_COUNT; k++) {
		int64_t lo, hi;

		assert_int_equal(prices_band(123456000, 2000, k, &lo, &hi), 0);
		assert_true(prices[k] >= lo && prices[k] <= hi);
	}
}

static void
test_bizno_known(void **state)
{
	char	b[11];

	(void)state;
	/* Reference values (independent implementation). */
	assert_int_equal(dwgen_bizno(0, 0, b), 0);
	assert_string_equal(b, "1010000002");
	assert_int_equal(dwgen_bizno(1, 0, b), 0);
	assert_string_equal(b, "4884204899");
	assert_int_equal(dwgen_bizno(2, 0, b), 0);
	assert_string_equal(b, "8758409782");
	/* The example of domain.md. */
	assert_int_equal(dwgen_bizno_check("123456789"), 1);
	assert_int_equal(dwgen_bizno(899000000, 0, b), -1);
}

static int
cmp_str(const void *a, const void *b)
{
	return (strcmp(a, b));
}

static void
test_bizno_valid_and_distinct(void **state)
{
	enum { N = 20000 };
	char	(*all)[11];
	int	i;

	(void)state;
	all = calloc(N, sizeof(*all));
	assert_non_null(all);
	for (i = 0; i < N; i++) {
		assert_int_equal(dwgen_bizno((uint64_t)i, 7919 * 5, all[i]), 0);
		assert_int_equal(strlen(all[i]), 10);
		/* The portal's own validator accepts every number. */
		assert_int_equal(bizno_check_digit(all[i]), 1);
		assert_true(memcmp(all[i], "101", 3) >= 0);
	}
	/* The last index of the range too. */
	{
		char b[11];

		assert_int_equal(dwgen_bizno(898999999, 12345, b), 0);
		assert_int_equal(bizno_check_digit(b), 1);
	}
	qsort(all, N, sizeof(*all), cmp_str);
	for (i = 1; i < N; i++)
		assert_true(strcmp(all[i - 1], all[i]) != 0);
	free(all);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sequence_fixed),
		cmocka_unit_test(test_same_seed_same_draws),
		cmocka_unit_test(test_below_bounds_and_spread),
		cmocka_unit_test(test_unit_normal_poisson),
		cmocka_unit_test(test_pick_weights),
		cmocka_unit_test(test_prices_rnd),
		cmocka_unit_test(test_bizno_known),
		cmocka_unit_test(test_bizno_valid_and_distinct),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
