/*
 * opening: a notice's key pair and sealed preliminary prices.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "opening.h"
#include "prices.h"

static struct opening_setup	setup;
static char			aad[64];

static int
group_setup(void **state)
{
	(void)state;
	memset(&setup, 0, sizeof(setup));
	opening_prices_aad(aad, sizeof(aad), "42");
	memcpy(setup.aad, aad, sizeof(setup.aad));
	setup.passphrase = strdup("officer passphrase 2026");
	setup.base_amount = 123456789;
	setup.range_milli = 2000;
	return (opening_setup_run(&setup));
}

static int
group_teardown(void **state)
{
	(void)state;
	opening_setup_cleanup(&setup);
	return (0);
}

static void
test_setup_wipes_the_passphrase_and_fills_outputs(void **state)
{
	(void)state;
	assert_null(setup.passphrase);
	assert_non_null(strstr(setup.public_pem, "BEGIN PUBLIC KEY"));
	assert_non_null(strstr(setup.private_enc_pem, "ENCRYPTED PRIVATE KEY"));
	assert_true(strlen(setup.prices_b64) > 100);
}

static void
test_officer_unlocks_prices_within_the_bands(void **state)
{
	int64_t	prices[15], lo, hi;
	int	k;

	(void)state;
	assert_int_equal(opening_prices_unlock(setup.private_enc_pem,
	    "officer passphrase 2026", setup.prices_b64, aad, prices), 0);
	for (k = 0; k < 15; k++) {
		assert_int_equal(prices_band(123456789, 2000, k, &lo, &hi), 0);
		assert_true(prices[k] >= lo && prices[k] <= hi);
		assert_true(prices[k] >= 123456789 - 2469135 &&
		    prices[k] <= 123456789 + 2469135);
	}
}

static void
test_wrong_passphrase_or_notice_reveals_nothing(void **state)
{
	int64_t	prices[15];
	char	other[64];
	int	k;

	(void)state;
	assert_int_equal(opening_prices_unlock(setup.private_enc_pem,
	    "officer passphrase 2025", setup.prices_b64, aad, prices), -1);
	for (k = 0; k < 15; k++)
		assert_true(prices[k] == 0);
	opening_prices_aad(other, sizeof(other), "43");
	assert_int_equal(opening_prices_unlock(setup.private_enc_pem,
	    "officer passphrase 2026", setup.prices_b64, other, prices), -1);
	assert_int_equal(opening_prices_unlock(setup.private_enc_pem,
	    "officer passphrase 2026", "not base64!", aad, prices), -1);
}

/* An amendment redraws the prices to the same key, bound to its order. */
static void
test_reseal_with_the_public_key_only(void **state)
{
	int64_t	prices[15], lo, hi;
	char	aad2[64], *b64;
	int	k;

	(void)state;
	opening_prices_aad_order(aad2, sizeof(aad2), "42", 2);
	assert_string_equal(aad2, "notice:42:2:prices");
	assert_int_equal(opening_reseal(setup.public_pem, 200000000, 3000, aad2,
	    &b64), 0);
	assert_int_equal(opening_prices_unlock(setup.private_enc_pem,
	    "officer passphrase 2026", b64, aad2, prices), 0);
	for (k = 0; k < 15; k++) {
		assert_int_equal(prices_band(200000000, 3000, k, &lo, &hi), 0);
		assert_true(prices[k] >= lo && prices[k] <= hi);
	}
	/* Not the first order's prices: the AAD tells them apart. */
	assert_int_equal(opening_prices_unlock(setup.private_enc_pem,
	    "officer passphrase 2026", b64, aad, prices), -1);
	free(b64);
	assert_int_equal(opening_reseal("not a key", 200000000, 3000, aad2,
	    &b64), -1);
	assert_null(b64);
}

static void
test_setup_refuses_bad_input(void **state)
{
	struct opening_setup	o;

	(void)state;
	memset(&o, 0, sizeof(o));
	opening_prices_aad(o.aad, sizeof(o.aad), "1");
	o.passphrase = strdup("a fine passphrase");
	o.base_amount = 100;		/* too small for 15 bands */
	o.range_milli = 2000;
	assert_int_equal(opening_setup_run(&o), -1);
	assert_null(o.passphrase);
	assert_null(o.public_pem);
	assert_null(o.prices_b64);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setup_wipes_the_passphrase_and_fills_outputs),
		cmocka_unit_test(test_officer_unlocks_prices_within_the_bands),
		cmocka_unit_test(test_wrong_passphrase_or_notice_reveals_nothing),
		cmocka_unit_test(test_reseal_with_the_public_key_only),
		cmocka_unit_test(test_setup_refuses_bad_input),
	};

	return (cmocka_run_group_tests(tests, group_setup, group_teardown));
}
