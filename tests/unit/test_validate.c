/*
 * Unit tests for portal/validate.c: 사업자등록번호, UTF-8 and text rules,
 * contact data, login/password policy and code lists.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "validate.h"

/* ---------------------------------------------------------------------
 * 사업자등록번호 (business registration number)
 */

/* Independent implementation of the check digit rule, for the tests. */
static int
ref_check_digit(const int d[9])
{
	static const int	w[9] = { 1, 3, 7, 1, 3, 7, 1, 3, 5 };
	int			i, sum = 0;

	for (i = 0; i < 9; i++)
		sum += d[i] * w[i];
	sum += (d[8] * 5) / 10;
	return ((10 - sum % 10) % 10);
}

static uint32_t	rng_state = 0x6b2b2024u;

static uint32_t
rng(void)
{
	/* xorshift32: deterministic, so a failure can be reproduced. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return (rng_state);
}

/* Normalizes in and checks the digit, as register.c does. */
static int
bizno_ok(const char *in)
{
	char	d[BIZNO_LEN + 1];

	return (bizno_normalize(in, d) && bizno_check_digit(d));
}

static void
test_bizno_accepts_documented_example(void **state)
{
	char	d[BIZNO_LEN + 1];

	(void)state;
	assert_true(bizno_normalize("123-45-67891", d));
	assert_string_equal(d, "1234567891");
	assert_true(bizno_check_digit(d));
	assert_true(bizno_ok("1234567891"));
}

static void
test_bizno_accepts_computed_valid_numbers(void **state)
{
	char	plain[11], dashed[13], d[11];
	int	dig[9], i, k, check, bad;

	(void)state;
	for (k = 0; k < 5000; k++) {
		for (i = 0; i < 9; i++) {
			dig[i] = (int)(rng() % 10);
			plain[i] = (char)('0' + dig[i]);
		}
		check = ref_check_digit(dig);
		plain[9] = (char)('0' + check);
		plain[10] = '\0';
		snprintf(dashed, sizeof(dashed), "%.3s-%.2s-%.5s", plain,
		    plain + 3, plain + 5);

		assert_true(bizno_check_digit(plain));
		assert_true(bizno_normalize(dashed, d));
		assert_string_equal(d, plain);
		assert_true(bizno_ok(dashed));
		assert_true(bizno_ok(plain));
		/* Every other last digit is refused. */
		for (bad = 0; bad < 10; bad++) {
			if (bad == check)
				continue;
			plain[9] = (char)('0' + bad);
			dashed[11] = (char)('0' + bad);
			assert_false(bizno_check_digit(plain));
			assert_false(bizno_ok(dashed));
		}
	}
}

/* d8 = 9 makes the floor(d8 * 5 / 10) term matter (it adds 4). */
static void
test_bizno_check_digit_includes_d8_carry_term(void **state)
{
	int	dig[9] = { 2, 2, 0, 8, 1, 1, 5, 0, 9 };
	char	s[11];
	int	i;

	(void)state;
	for (i = 0; i < 9; i++)
		s[i] = (char)('0' + dig[i]);
	s[9] = (char)('0' + ref_check_digit(dig));
	s[10] = '\0';
	assert_true(bizno_check_digit(s));
	/* The digit computed without the carry term must be refused. */
	s[9] = (char)('0' + (ref_check_digit(dig) + 4) % 10);
	assert_false(bizno_check_digit(s));
}

static void
test_bizno_rejects_wrong_check_digit(void **state)
{
	(void)state;
	assert_false(bizno_ok("123-45-67890"));
	assert_false(bizno_ok("123-45-67892"));
	assert_false(bizno_ok("1234567899"));
}

static void
test_bizno_rejects_wrong_dash_positions(void **state)
{
	char	d[BIZNO_LEN + 1];

	(void)state;
	assert_false(bizno_normalize("12-345-67891", d));
	assert_false(bizno_normalize("1234-5-67891", d));
	assert_false(bizno_normalize("123-456-7891", d));
	assert_false(bizno_normalize("123-4567-891", d));
	assert_false(bizno_normalize("123-45678-91", d));
	assert_false(bizno_normalize("123-4567891", d));
	assert_false(bizno_normalize("12345-67891", d));
	assert_false(bizno_normalize("123--4567891", d));
	assert_false(bizno_normalize("-123456789-", d));
	assert_false(bizno_normalize("123_45_67891", d));
	assert_false(bizno_normalize("123.45.67891", d));
	assert_false(bizno_normalize("123/45/67891", d));
	/* Only one of the two dashes in place. */
	assert_false(bizno_normalize("123-45567891", d));
	assert_false(bizno_normalize("123-45.67891", d));
	assert_false(bizno_normalize("123445-67891", d));
}

static void
test_bizno_rejects_letters(void **state)
{
	char	d[BIZNO_LEN + 1];

	(void)state;
	assert_false(bizno_normalize("12345678a1", d));
	assert_false(bizno_normalize("a234567891", d));
	assert_false(bizno_normalize("123-45-6789a", d));
	assert_false(bizno_normalize("12a-45-67891", d));
	assert_false(bizno_normalize("123-4b-67891", d));
	assert_false(bizno_normalize("abc-de-fghij", d));
	assert_false(bizno_check_digit("12345678a1"));
}

static void
test_bizno_rejects_spaces(void **state)
{
	char	d[BIZNO_LEN + 1];

	(void)state;
	assert_false(bizno_normalize(" 1234567891", d));
	assert_false(bizno_normalize("1234567891 ", d));
	assert_false(bizno_normalize("123 45 67891", d));
	assert_false(bizno_normalize("123 - 45 - 67891", d));
	assert_false(bizno_normalize("12345 67891", d));
	assert_false(bizno_normalize("1234567891\n", d));
}

static void
test_bizno_rejects_too_short_or_long(void **state)
{
	char	d[BIZNO_LEN + 1];

	(void)state;
	assert_false(bizno_normalize("", d));
	assert_false(bizno_normalize("123456789", d));
	assert_false(bizno_normalize("12345678910", d));
	assert_false(bizno_normalize("123-45-6789", d));
	assert_false(bizno_normalize("123-45-678910", d));
	assert_false(bizno_normalize("0123-45-67891", d));
	assert_false(bizno_normalize(NULL, d));
	assert_false(bizno_check_digit(""));
	assert_false(bizno_check_digit("123456789"));
	assert_false(bizno_check_digit("12345678910"));
	/* The check digit function wants bare digits, not the dashed form. */
	assert_false(bizno_check_digit("123-45-67891"));
}

static void
test_bizno_rejects_fullwidth_digits(void **state)
{
	char	d[BIZNO_LEN + 1];

	(void)state;
	/* "１２３４５６７８９１" (U+FF11..) looks like digits but is not. */
	assert_false(bizno_normalize("\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93"
	    "\xef\xbc\x94\xef\xbc\x95\xef\xbc\x96\xef\xbc\x97\xef\xbc\x98"
	    "\xef\xbc\x99\xef\xbc\x91", d));
}

static void
test_bizno_format_inserts_dashes(void **state)
{
	char	out[13], d[BIZNO_LEN + 1];

	(void)state;
	memset(out, 'Z', sizeof(out));
	bizno_format("1234567891", out);
	assert_string_equal(out, "123-45-67891");
	assert_int_equal(strlen(out), 12);
	bizno_format("0000000000", out);
	assert_string_equal(out, "000-00-00000");
	/* format and normalize are inverses. */
	bizno_format("2208115093", out);
	assert_true(bizno_normalize(out, d));
	assert_string_equal(d, "2208115093");
}

/* ---------------------------------------------------------------------
 * UTF-8
 */

static void
test_utf8_accepts_boundary_code_points(void **state)
{
	static const char *const ok[] = {
		"\x7f",			/* U+007F */
		"\xc2\x80",		/* U+0080 */
		"\xdf\xbf",		/* U+07FF */
		"\xe0\xa0\x80",		/* U+0800 */
		"\xed\x9f\xbf",		/* U+D7FF */
		"\xee\x80\x80",		/* U+E000 */
		"\xef\xbf\xbf",		/* U+FFFF */
		"\xf0\x90\x80\x80",	/* U+10000 */
		"\xf4\x8f\xbf\xbf",	/* U+10FFFF */
		"가나다 abc",
		"",
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_true(utf8_valid(ok[i], strlen(ok[i])));
}

static void
test_utf8_rejects_overlong_forms(void **state)
{
	(void)state;
	assert_false(utf8_valid("\xc0\xaf", 2));		/* '/' */
	assert_false(utf8_valid("\xc1\xbf", 2));
	assert_false(utf8_valid("\xc0\x80", 2));		/* NUL */
	assert_false(utf8_valid("\xe0\x80\xaf", 3));
	assert_false(utf8_valid("\xe0\x9f\xbf", 3));
	assert_false(utf8_valid("\xf0\x80\x80\xaf", 4));
	assert_false(utf8_valid("\xf0\x8f\xbf\xbf", 4));
}

static void
test_utf8_rejects_surrogates(void **state)
{
	(void)state;
	assert_false(utf8_valid("\xed\xa0\x80", 3));	/* U+D800 */
	assert_false(utf8_valid("\xed\xaf\xbf", 3));	/* U+DBFF */
	assert_false(utf8_valid("\xed\xb0\x80", 3));	/* U+DC00 */
	assert_false(utf8_valid("\xed\xbf\xbf", 3));	/* U+DFFF */
	/* CESU-8 style pair */
	assert_false(utf8_valid("\xed\xa0\xbd\xed\xb8\x80", 6));
}

static void
test_utf8_rejects_truncated_sequences(void **state)
{
	(void)state;
	assert_false(utf8_valid("\xea\xb0", 2));	/* 가 without last */
	assert_false(utf8_valid("a\xea", 2));
	assert_false(utf8_valid("\xf0\x9f\x98", 3));
	assert_false(utf8_valid("\xc3", 1));
	/* Length given by the caller cuts a valid sequence. */
	assert_false(utf8_valid("가", 2));
	/* Lead byte followed by a non-continuation byte. */
	assert_false(utf8_valid("\xea\x41\x41", 3));
	assert_false(utf8_valid("\xc3\x28", 2));
}

static void
test_utf8_rejects_invalid_bytes(void **state)
{
	(void)state;
	assert_false(utf8_valid("\x80", 1));		/* lone continuation */
	assert_false(utf8_valid("a\xbf" "b", 3));
	assert_false(utf8_valid("\xfe", 1));
	assert_false(utf8_valid("\xff", 1));
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4));	/* > U+10FFFF */
	assert_false(utf8_valid("\xf5\x80\x80\x80", 4));
	assert_false(utf8_valid("\xf8\x88\x80\x80\x80", 5));	/* 5 bytes */
}

static void
test_utf8_chars_counts_code_points(void **state)
{
	(void)state;
	assert_int_equal(utf8_chars(""), 0);
	assert_int_equal(utf8_chars("abc"), 3);
	assert_int_equal(utf8_chars("조달청"), 3);
	assert_int_equal(utf8_chars("a가\xf0\x9f\x98\x80"), 3);
}

/* ---------------------------------------------------------------------
 * Text
 */

static void
test_valid_text_counts_code_points_not_bytes(void **state)
{
	(void)state;
	/* 3 Korean syllables are 9 bytes. */
	assert_true(valid_text("조달청", 3, 3));
	assert_true(valid_text("조달청", 1, 3));
	assert_false(valid_text("조달청", 1, 2));
	assert_false(valid_text("조달청", 4, 9));
	/* A 4-byte emoji is one character. */
	assert_true(valid_text("\xf0\x9f\x98\x80", 1, 1));
}

static void
test_valid_text_boundaries_min_and_max(void **state)
{
	char	s[3 * 102 + 1];
	size_t	i;

	(void)state;
	s[0] = '\0';
	for (i = 0; i < 100; i++)
		strcat(s, "가");
	assert_true(valid_text(s, 2, 100));
	strcat(s, "가");
	assert_false(valid_text(s, 2, 100));
	assert_true(valid_text("ab", 2, 100));
	assert_false(valid_text("a", 2, 100));
	assert_false(valid_text("가", 2, 100));
}

static void
test_valid_text_empty_and_null(void **state)
{
	(void)state;
	assert_true(valid_text("", 0, 10));
	assert_false(valid_text("", 1, 10));
	assert_true(valid_text(NULL, 0, 10));
	assert_false(valid_text(NULL, 1, 10));
}

static void
test_valid_text_refuses_control_characters(void **state)
{
	(void)state;
	assert_false(valid_text("a\nb", 0, 10));
	assert_false(valid_text("a\rb", 0, 10));
	assert_false(valid_text("a\tb", 0, 10));
	assert_false(valid_text("a\x01" "b", 0, 10));
	assert_false(valid_text("\x1b[31m", 0, 10));
	assert_false(valid_text("a\x7f", 0, 10));
	assert_true(valid_text("a b", 0, 10));
}

/* U+0080..U+009F are control characters (Unicode category Cc) too. */
static void
test_valid_text_refuses_c1_control_characters(void **state)
{
	(void)state;
	/* Regression test for a fixed bug: text_ok() only refuses bytes < 0x20 and 0x7f; C1 controls
	 * such as U+0085 NEL ("\xc2\x85", a line break for some software)
	 * and U+009B CSI are accepted in "single-line text, no control
	 * characters". */
	assert_false(valid_text("a\xc2\x85" "b", 0, 10));
	assert_false(valid_text("a\xc2\x9b" "b", 0, 10));
}

static void
test_valid_text_refuses_invalid_utf8(void **state)
{
	(void)state;
	assert_false(valid_text("\xc0\xaf", 0, 10));
	assert_false(valid_text("\xed\xa0\x80", 0, 10));
	assert_false(valid_text("abc\xea\xb0", 0, 10));
	assert_false(valid_text("\xff", 0, 10));
	assert_false(valid_multiline("\xea\xb0", 0, 10));
}

static void
test_valid_multiline_allows_newlines_and_tabs_only(void **state)
{
	(void)state;
	assert_true(valid_multiline("첫 줄\r\n둘째\t줄\n", 0, 100));
	assert_false(valid_multiline("a\x01", 0, 100));
	assert_false(valid_multiline("a\x0b", 0, 100));
	assert_false(valid_multiline("a\x7f", 0, 100));
	assert_false(valid_multiline("a\x1b", 0, 100));
	/* Characters are still counted: 2 + newline + 2 = 5. */
	assert_true(valid_multiline("가나\n다라", 5, 5));
	assert_false(valid_multiline("가나\n다라", 6, 10));
}

/* ---------------------------------------------------------------------
 * E-mail, phone
 */

static void
test_valid_email_accepts_usual_addresses(void **state)
{
	(void)state;
	assert_true(valid_email("user@example.com"));
	assert_true(valid_email("kim.cs+bid@g2b.go.kr"));
	assert_true(valid_email("a_b-c@sub.domain.co.kr"));
	assert_true(valid_email("a@b.co"));
	assert_true(valid_email("UPPER@EXAMPLE.COM"));
}

static void
test_valid_email_refuses_malformed(void **state)
{
	(void)state;
	assert_false(valid_email(NULL));
	assert_false(valid_email(""));
	assert_false(valid_email("user"));
	assert_false(valid_email("@example.com"));
	assert_false(valid_email("user@"));
	assert_false(valid_email("user@example"));
	assert_false(valid_email("user@@example.com"));
	assert_false(valid_email("a@b@example.com"));
	assert_false(valid_email("user@example.com."));
	assert_false(valid_email("user@example..com"));
	assert_false(valid_email("user@.com"));
	assert_false(valid_email("user name@example.com"));
	assert_false(valid_email("user@exa mple.com"));
	assert_false(valid_email("user@example.com\n"));
	assert_false(valid_email("<script>@x.com"));
	assert_false(valid_email("\"q\"@example.com"));
	assert_false(valid_email("김@example.com"));
	assert_false(valid_email("user@조달청.kr"));
}

static void
test_valid_email_refuses_empty_domain_label(void **state)
{
	(void)state;
	/* Regression test for a fixed bug: valid_email() only refuses a dot right after '@' when it is
	 * the last dot (strrchr), so "user@.example.com" (empty first
	 * domain label) is accepted although "user@.com" is refused. */
	assert_false(valid_email("user@.example.com"));
}

static void
test_valid_email_length_limits(void **state)
{
	char	s[300];

	(void)state;
	/* Local part: 64 accepted, 65 refused. */
	memset(s, 'a', 64);
	strcpy(s + 64, "@example.com");
	assert_true(valid_email(s));
	memset(s, 'a', 65);
	strcpy(s + 65, "@example.com");
	assert_false(valid_email(s));
	/* Whole address: 254 accepted, 255 refused. */
	memset(s, 'a', 10);
	s[10] = '@';
	memset(s + 11, 'b', 254 - 11 - 4);
	strcpy(s + 254 - 4, ".com");
	assert_int_equal(strlen(s), 254);
	assert_true(valid_email(s));
	memset(s, 'a', 11);
	s[11] = '@';
	memset(s + 12, 'b', 255 - 12 - 4);
	strcpy(s + 255 - 4, ".com");
	assert_int_equal(strlen(s), 255);
	assert_false(valid_email(s));
}

static void
test_valid_phone_accepts_korean_formats(void **state)
{
	(void)state;
	assert_true(valid_phone("02-123-4567"));
	assert_true(valid_phone("02-1234-5678"));
	assert_true(valid_phone("031-123-4567"));
	assert_true(valid_phone("010-1234-5678"));
	assert_true(valid_phone("1588-1234"));
	assert_true(valid_phone("01012345678"));
	assert_true(valid_phone("0212345678"));
}

static void
test_valid_phone_refuses_bad_dashes(void **state)
{
	(void)state;
	assert_false(valid_phone("-010-1234-5678"));
	assert_false(valid_phone("010-1234-5678-"));
	assert_false(valid_phone("010--1234-5678"));
	assert_false(valid_phone("010-12-34-5678"));
	assert_false(valid_phone("-"));
}

static void
test_valid_phone_refuses_digit_count_out_of_range(void **state)
{
	(void)state;
	assert_false(valid_phone("123-4567"));		/* 7 digits */
	assert_true(valid_phone("1234-5678"));		/* 8 digits */
	assert_true(valid_phone("010-1234-5678"));	/* 11 digits */
	assert_false(valid_phone("010-1234-56789"));	/* 12 digits */
	assert_false(valid_phone("0101-2345-67890"));	/* 12 digits */
	assert_false(valid_phone("012345678901"));
}

static void
test_valid_phone_refuses_other_characters(void **state)
{
	(void)state;
	assert_false(valid_phone(NULL));
	assert_false(valid_phone(""));
	assert_false(valid_phone("010 1234 5678"));
	assert_false(valid_phone("+82-10-1234-5678"));
	assert_false(valid_phone("010.1234.5678"));
	assert_false(valid_phone("(02)123-4567"));
	assert_false(valid_phone("O10-1234-5678"));
	assert_false(valid_phone("010-1234-5678\n"));
	/* full-width digit */
	assert_false(valid_phone("010-1234-567\xef\xbc\x98"));
}

/* ---------------------------------------------------------------------
 * Login and password
 */

static void
test_valid_login_accepts_policy_examples(void **state)
{
	(void)state;
	assert_true(valid_login("kim1"));
	assert_true(valid_login("kim.cs_2024-x"));
	assert_true(valid_login("abcd"));
	assert_true(valid_login("a2345678901234567890123456789012"));	/* 32 */
}

static void
test_valid_login_refuses_length_out_of_range(void **state)
{
	(void)state;
	assert_false(valid_login(NULL));
	assert_false(valid_login(""));
	assert_false(valid_login("abc"));
	assert_false(valid_login("a23456789012345678901234567890123"));	/* 33 */
}

static void
test_valid_login_refuses_bad_characters(void **state)
{
	(void)state;
	assert_false(valid_login("1kim"));
	assert_false(valid_login("_kim"));
	assert_false(valid_login(".kim"));
	assert_false(valid_login("Kim1"));
	assert_false(valid_login("kimA"));
	assert_false(valid_login("kim!"));
	assert_false(valid_login("kim user"));
	assert_false(valid_login("kim@x"));
	assert_false(valid_login("김철수abc"));
	assert_false(valid_login("abc\xc3\xa9"));
}

static void
test_valid_password_accepts_policy(void **state)
{
	(void)state;
	assert_true(valid_password("abcdefghi1", NULL));	/* 10, 2 kinds */
	assert_true(valid_password("abcdefgh!!", NULL));
	assert_true(valid_password("1234567890!", NULL));
	assert_true(valid_password("abc12!@x", NULL));	/* 8, 3 kinds */
	assert_true(valid_password("correct horse battery 9", "kimcs"));
}

static void
test_valid_password_refuses_weak(void **state)
{
	(void)state;
	assert_false(valid_password(NULL, NULL));
	assert_false(valid_password("", NULL));
	assert_false(valid_password("abcdefghij", NULL));	/* 1 kind */
	assert_false(valid_password("1234567890", NULL));
	assert_false(valid_password("abcdefg1", NULL));	/* 8, 2 kinds */
	assert_false(valid_password("abcdefgh1", NULL));	/* 9, 2 kinds */
	assert_false(valid_password("ab1!xyz", NULL));	/* 7, 3 kinds */
}

static void
test_valid_password_length_limit_128(void **state)
{
	char	pw[140];

	(void)state;
	memset(pw, 'a', 127);
	pw[127] = '1';
	pw[128] = '\0';
	assert_true(valid_password(pw, NULL));
	pw[128] = '2';
	pw[129] = '\0';
	assert_false(valid_password(pw, NULL));
}

static void
test_valid_password_refuses_control_and_invalid_utf8(void **state)
{
	(void)state;
	assert_false(valid_password("abcdefgh1\x01", NULL));
	assert_false(valid_password("abcdefgh1\n2", NULL));
	assert_false(valid_password("abcdefgh1\t2", NULL));
	assert_false(valid_password("abcdefghi1\xff", NULL));
	assert_false(valid_password("abcdefghi1\xc0\xaf", NULL));
}

static void
test_valid_password_refuses_login_inside(void **state)
{
	(void)state;
	assert_false(valid_password("kimuser2024!", "kimuser"));
	assert_false(valid_password("2024!kimuser", "kimuser"));
	assert_false(valid_password("ab1!kimuser!x", "kimuser"));
	assert_false(valid_password("kimuser", "kimuser"));
	/* Only the login is refused, not the policy in general. */
	assert_true(valid_password("kimuse2024!!", "kimuser"));
	assert_true(valid_password("kimuser2024!", NULL));
	assert_true(valid_password("kimuser2024!", "parkuser"));
}

/* The policy counts characters: a Korean syllable is one character. */
static void
test_valid_password_counts_characters_not_bytes(void **state)
{
	(void)state;
	/* 10 characters, 2 kinds: accepted. */
	assert_true(valid_password("가나다라마바사아자1", NULL));
	/* Regression test for a fixed bug: valid_password() compares strlen() (bytes) with the
	 * "at least 10 characters" rule, so "가나다1" (4 characters,
	 * 10 bytes) is accepted as a 10-character password. */
	assert_false(valid_password("가나다1", NULL));
}

/* ---------------------------------------------------------------------
 * Codes and lists
 */

static void
test_valid_agency_code_is_7_digits(void **state)
{
	(void)state;
	assert_true(valid_agency_code("1230000"));
	assert_true(valid_agency_code("0000001"));
	assert_false(valid_agency_code("123000"));
	assert_false(valid_agency_code("12300000"));
	assert_false(valid_agency_code("123000a"));
	assert_false(valid_agency_code(" 123000"));
	assert_false(valid_agency_code("123-000"));
	assert_false(valid_agency_code(""));
	assert_false(valid_agency_code(NULL));
}

static void
test_valid_category_code_is_8_digits(void **state)
{
	(void)state;
	assert_true(valid_category_code("43211503"));
	assert_true(valid_category_code("00000000"));
	assert_false(valid_category_code("4321150"));
	assert_false(valid_category_code("432115031"));
	assert_false(valid_category_code("4321150a"));
	assert_false(valid_category_code("4321-1503"));
	assert_false(valid_category_code("43211503 "));
	assert_false(valid_category_code(""));
	assert_false(valid_category_code(NULL));
}

static void
test_valid_region_accepts_exactly_the_17_codes(void **state)
{
	static const char *const want[] = {
		"11", "26", "27", "28", "29", "30", "31", "36", "41", "51",
		"43", "44", "52", "46", "47", "48", "50"
	};
	char	code[3];
	int	i, j, expected, accepted;

	(void)state;
	for (i = 0; i < (int)(sizeof(want) / sizeof(want[0])); i++)
		assert_true(valid_region(want[i]));
	accepted = 0;
	for (i = 0; i < 100; i++) {
		code[0] = (char)('0' + i / 10);
		code[1] = (char)('0' + i % 10);
		code[2] = '\0';
		expected = 0;
		for (j = 0; j < (int)(sizeof(want) / sizeof(want[0])); j++)
			if (!strcmp(code, want[j]))
				expected = 1;
		assert_int_equal(valid_region(code), expected);
		accepted += valid_region(code);
	}
	assert_int_equal(accepted, 17);
}

static void
test_valid_region_refuses_near_misses(void **state)
{
	(void)state;
	assert_false(valid_region(NULL));
	assert_false(valid_region(""));
	assert_false(valid_region("1"));
	assert_false(valid_region("011"));
	assert_false(valid_region("110"));
	assert_false(valid_region("11 "));
	assert_false(valid_region(" 11"));
	assert_false(valid_region("서울"));
}

static void
test_valid_biz_type_and_agency_kind_lists(void **state)
{
	(void)state;
	assert_true(valid_biz_type("manufacturer"));
	assert_true(valid_biz_type("distributor"));
	assert_true(valid_biz_type("service"));
	assert_true(valid_biz_type("construction"));
	assert_false(valid_biz_type("Manufacturer"));
	assert_false(valid_biz_type("service "));
	assert_false(valid_biz_type(""));
	assert_false(valid_biz_type(NULL));
	assert_true(valid_agency_kind("central"));
	assert_true(valid_agency_kind("local"));
	assert_true(valid_agency_kind("corporation"));
	assert_true(valid_agency_kind("education"));
	assert_false(valid_agency_kind("federal"));
	assert_false(valid_agency_kind("LOCAL"));
	assert_false(valid_agency_kind(NULL));
}

static void
test_valid_id_accepts_positive_decimals(void **state)
{
	(void)state;
	assert_true(valid_id("1"));
	assert_true(valid_id("42"));
	assert_true(valid_id("999999999999999999"));	/* 18 digits */
}

static void
test_valid_id_refuses_zero_signs_and_junk(void **state)
{
	(void)state;
	assert_false(valid_id(NULL));
	assert_false(valid_id(""));
	assert_false(valid_id("0"));
	assert_false(valid_id("007"));
	assert_false(valid_id("-1"));
	assert_false(valid_id("+1"));
	assert_false(valid_id(" 1"));
	assert_false(valid_id("1 "));
	assert_false(valid_id("1a"));
	assert_false(valid_id("0x10"));
	assert_false(valid_id("1e5"));
	assert_false(valid_id("1.0"));
}

static void
test_valid_id_refuses_int64_overflow(void **state)
{
	(void)state;
	assert_false(valid_id("9223372036854775808"));		/* 2^63 */
	assert_false(valid_id("18446744073709551616"));	/* 2^64 */
	assert_false(valid_id("99999999999999999999"));
	assert_false(valid_id("100000000000000000000000000000"));
}

/* Redirect targets after login and the language switch stay on this site. */
static void
test_local_path_accepts_site_paths(void **state)
{
	(void)state;
	assert_true(valid_local_path("/"));
	assert_true(valid_local_path("/account"));
	assert_true(valid_local_path("/admin/suppliers?status=rejected"));
	assert_true(valid_local_path("/notices?q=%EC%A1%B0%EB%8B%AC"));
	assert_true(valid_local_path("/검색"));
}

static void
test_local_path_refuses_other_sites(void **state)
{
	(void)state;
	assert_false(valid_local_path(NULL));
	assert_false(valid_local_path(""));
	assert_false(valid_local_path("account"));
	assert_false(valid_local_path("//evil.example"));
	assert_false(valid_local_path("/\\evil.example"));
	assert_false(valid_local_path("/\t/evil.example"));
	assert_false(valid_local_path("/\n/evil.example"));
	assert_false(valid_local_path("/\r\nSet-Cookie: x=1"));
	assert_false(valid_local_path("/a\x7f"));
	assert_false(valid_local_path("https://evil.example"));
	assert_false(valid_local_path("/\xff\xfe"));
}

/* A reason shown to others must say something: blanks do not count. */
static void
test_reason_needs_non_blank_characters(void **state)
{
	(void)state;
	assert_true(valid_reason("서류 미비", 4, 500));
	assert_true(valid_reason("예산 삭감으로\r\n사업 취소", 5, 500));
	assert_false(valid_reason("        ", 5, 500));
	assert_false(valid_reason("\r\n \r\n \t\r\n", 5, 500));
	assert_false(valid_reason("  가 나  ", 5, 500));
	assert_false(valid_reason(NULL, 5, 500));
	assert_false(valid_reason("a\x01bcdef", 5, 500));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bizno_accepts_documented_example),
		cmocka_unit_test(test_bizno_accepts_computed_valid_numbers),
		cmocka_unit_test(test_bizno_check_digit_includes_d8_carry_term),
		cmocka_unit_test(test_bizno_rejects_wrong_check_digit),
		cmocka_unit_test(test_bizno_rejects_wrong_dash_positions),
		cmocka_unit_test(test_bizno_rejects_letters),
		cmocka_unit_test(test_bizno_rejects_spaces),
		cmocka_unit_test(test_bizno_rejects_too_short_or_long),
		cmocka_unit_test(test_bizno_rejects_fullwidth_digits),
		cmocka_unit_test(test_bizno_format_inserts_dashes),
		cmocka_unit_test(test_utf8_accepts_boundary_code_points),
		cmocka_unit_test(test_utf8_rejects_overlong_forms),
		cmocka_unit_test(test_utf8_rejects_surrogates),
		cmocka_unit_test(test_utf8_rejects_truncated_sequences),
		cmocka_unit_test(test_utf8_rejects_invalid_bytes),
		cmocka_unit_test(test_utf8_chars_counts_code_points),
		cmocka_unit_test(test_valid_text_counts_code_points_not_bytes),
		cmocka_unit_test(test_valid_text_boundaries_min_and_max),
		cmocka_unit_test(test_valid_text_empty_and_null),
		cmocka_unit_test(test_valid_text_refuses_control_characters),
		cmocka_unit_test(test_valid_text_refuses_c1_control_characters),
		cmocka_unit_test(test_valid_text_refuses_invalid_utf8),
		cmocka_unit_test(test_valid_multiline_allows_newlines_and_tabs_only),
		cmocka_unit_test(test_valid_email_accepts_usual_addresses),
		cmocka_unit_test(test_valid_email_refuses_malformed),
		cmocka_unit_test(test_valid_email_refuses_empty_domain_label),
		cmocka_unit_test(test_valid_email_length_limits),
		cmocka_unit_test(test_valid_phone_accepts_korean_formats),
		cmocka_unit_test(test_valid_phone_refuses_bad_dashes),
		cmocka_unit_test(test_valid_phone_refuses_digit_count_out_of_range),
		cmocka_unit_test(test_valid_phone_refuses_other_characters),
		cmocka_unit_test(test_valid_login_accepts_policy_examples),
		cmocka_unit_test(test_valid_login_refuses_length_out_of_range),
		cmocka_unit_test(test_valid_login_refuses_bad_characters),
		cmocka_unit_test(test_valid_password_accepts_policy),
		cmocka_unit_test(test_valid_password_refuses_weak),
		cmocka_unit_test(test_valid_password_length_limit_128),
		cmocka_unit_test(test_valid_password_refuses_control_and_invalid_utf8),
		cmocka_unit_test(test_valid_password_refuses_login_inside),
		cmocka_unit_test(test_valid_password_counts_characters_not_bytes),
		cmocka_unit_test(test_valid_agency_code_is_7_digits),
		cmocka_unit_test(test_valid_category_code_is_8_digits),
		cmocka_unit_test(test_valid_region_accepts_exactly_the_17_codes),
		cmocka_unit_test(test_valid_region_refuses_near_misses),
		cmocka_unit_test(test_valid_biz_type_and_agency_kind_lists),
		cmocka_unit_test(test_valid_id_accepts_positive_decimals),
		cmocka_unit_test(test_valid_id_refuses_zero_signs_and_junk),
		cmocka_unit_test(test_valid_id_refuses_int64_overflow),
		cmocka_unit_test(test_local_path_accepts_site_paths),
		cmocka_unit_test(test_local_path_refuses_other_sites),
		cmocka_unit_test(test_reason_needs_non_blank_characters),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
