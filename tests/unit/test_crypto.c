/*
 * Unit tests for portal/crypto.c: scrypt password hashes, tokens, CSRF
 * tokens, base64url and hex.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "crypto.h"

static const char	B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz0123456789-_";

static const unsigned char	SECRET[32] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10
};

/* Independent base64url (no padding) via OpenSSL's standard base64. */
static void
ref_b64url(const unsigned char *in, size_t n, char *out)
{
	int	len, i;

	len = EVP_EncodeBlock((unsigned char *)out, in, (int)n);
	for (i = 0; i < len; i++) {
		if (out[i] == '+')
			out[i] = '-';
		else if (out[i] == '/')
			out[i] = '_';
	}
	while (len > 0 && out[len - 1] == '=')
		len--;
	out[len] = '\0';
}

/* A stored hash of pw made independently with OpenSSL, or "" if the
 * parameters are impossible. */
static void
ref_stored(const char *pw, unsigned long long N, unsigned long long r,
    unsigned long long p, char *out, size_t outlen)
{
	static const unsigned char	salt[16] = "0123456789abcdef";
	unsigned char			key[32];
	char				salt64[32], key64[48];

	out[0] = '\0';
	if (EVP_PBE_scrypt(pw, strlen(pw), salt, sizeof(salt), N, r, p,
	    512ULL * 1024 * 1024, key, sizeof(key)) != 1)
		return;
	ref_b64url(salt, sizeof(salt), salt64);
	ref_b64url(key, sizeof(key), key64);
	snprintf(out, outlen, "scrypt$%llu$%llu$%llu$%s$%s", N, r, p, salt64,
	    key64);
}

/* One hash shared by several tests (scrypt is deliberately slow). */
static char	shared_hash[PW_HASH_MAX];

static int
group_setup(void **state)
{
	(void)state;
	return (pw_hash("조달청-Passw0rd!", shared_hash,
	    sizeof(shared_hash)) == 0 ? 0 : -1);
}

/* ---------------------------------------------------------------------
 * Password hashes
 */

static void
test_pw_hash_has_documented_format(void **state)
{
	unsigned long long	N, r, p;
	char			salt[64], key[64];

	(void)state;
	assert_int_equal(strncmp(shared_hash, "scrypt$", 7), 0);
	assert_true(strlen(shared_hash) < PW_HASH_MAX);
	assert_int_equal(sscanf(shared_hash, "scrypt$%llu$%llu$%llu$%63[^$]$%63s",
	    &N, &r, &p, salt, key), 5);
	assert_true(N >= 16384);
	assert_int_equal(N & (N - 1), 0);
	assert_true(r >= 8);
	assert_true(p >= 1);
	/* 16-byte salt and 32-byte key, base64url without padding. */
	assert_int_equal(strlen(salt), 22);
	assert_int_equal(strlen(key), 43);
	assert_int_equal(strspn(salt, B64URL), 22);
	assert_int_equal(strspn(key, B64URL), 43);
}

static void
test_pw_verify_accepts_right_password(void **state)
{
	(void)state;
	assert_int_equal(pw_verify("조달청-Passw0rd!", shared_hash), 1);
}

static void
test_pw_verify_refuses_wrong_password(void **state)
{
	(void)state;
	assert_int_equal(pw_verify("조달청-Passw0rd", shared_hash), 0);
	assert_int_equal(pw_verify("조달청-Passw0rd!!", shared_hash), 0);
	assert_int_equal(pw_verify("조달청-passw0rd!", shared_hash), 0);
	assert_int_equal(pw_verify("", shared_hash), 0);
}

static void
test_pw_hash_salts_each_hash(void **state)
{
	char	h1[PW_HASH_MAX], h2[PW_HASH_MAX];

	(void)state;
	assert_int_equal(pw_hash("same password 1", h1, sizeof(h1)), 0);
	assert_int_equal(pw_hash("same password 1", h2, sizeof(h2)), 0);
	assert_string_not_equal(h1, h2);
	assert_int_equal(pw_verify("same password 1", h1), 1);
	assert_int_equal(pw_verify("same password 1", h2), 1);
}

static void
test_pw_hash_empty_password_round_trip(void **state)
{
	char	h[PW_HASH_MAX];

	(void)state;
	assert_int_equal(pw_hash("", h, sizeof(h)), 0);
	assert_int_equal(pw_verify("", h), 1);
	assert_int_equal(pw_verify(" ", h), 0);
}

static void
test_pw_hash_refuses_small_output_buffer(void **state)
{
	char	h[40];

	(void)state;
	assert_int_equal(pw_hash("password 12", h, sizeof(h)), -1);
}

/* A hash made elsewhere with other (allowed) parameters verifies. */
static void
test_pw_verify_uses_parameters_from_stored_hash(void **state)
{
	char	stored[PW_HASH_MAX], *dollar;

	(void)state;
	ref_stored("pw-1024-x", 1024, 8, 1, stored, sizeof(stored));
	assert_int_equal(pw_verify("pw-1024-x", stored), 1);
	assert_int_equal(pw_verify("pw-1024-y", stored), 0);
	ref_stored("pw-2048-x", 2048, 4, 2, stored, sizeof(stored));
	assert_int_equal(pw_verify("pw-2048-x", stored), 1);
	/* The same key under other parameters must not verify. */
	ref_stored("pw-1024-x", 1024, 8, 1, stored, sizeof(stored));
	dollar = strchr(stored + 7, '$');
	memcpy(stored + 7, "2048", 4);
	assert_true(dollar == stored + 11);
	assert_int_equal(pw_verify("pw-1024-x", stored), 0);
}

static void
test_pw_verify_refuses_tampered_salt_or_key(void **state)
{
	char	h[PW_HASH_MAX], *key, *salt;

	(void)state;
	strcpy(h, shared_hash);
	key = strrchr(h, '$') + 1;
	key[0] = key[0] == 'A' ? 'B' : 'A';
	assert_int_equal(pw_verify("조달청-Passw0rd!", h), 0);

	strcpy(h, shared_hash);
	key = strrchr(h, '$') + 1;
	for (salt = key - 2; *salt != '$'; salt--)
		;
	salt++;
	salt[0] = salt[0] == 'A' ? 'B' : 'A';
	assert_int_equal(pw_verify("조달청-Passw0rd!", h), 0);
}

static void
test_pw_verify_malformed_returns_zero(void **state)
{
	static const char *const bad[] = {
		"",
		"scrypt",
		"scrypt$",
		"scrypt$$$$$",
		"scrypt$32768$8$1$$",
		"$2b$12$abcdefghijklmnopqrstuuJk9rYc7Qm6hP0lB2cXw0Yk5rWcV9m2",
		"scrypt$x$8$1$AAAAAAAAAAAAAAAAAAAAAA$"
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"scrypt$1024$8$1$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA",
	};
	char	ok[PW_HASH_MAX], h[PW_HASH_MAX * 2], *salt, *key;
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(pw_verify("password", bad[i]), 0);
	assert_int_equal(pw_verify("password", NULL), 0);

	/* Malformed variants of a hash that does match "password". */
	ref_stored("password", 1024, 8, 1, ok, sizeof(ok));
	assert_int_equal(pw_verify("password", ok), 1);
	snprintf(h, sizeof(h), "SCRYPT%s", ok + 6);
	assert_int_equal(pw_verify("password", h), 0);
	snprintf(h, sizeof(h), "bcrypt%s", ok + 6);
	assert_int_equal(pw_verify("password", h), 0);
	snprintf(h, sizeof(h), "x%s", ok);
	assert_int_equal(pw_verify("password", h), 0);
	snprintf(h, sizeof(h), "%s$", ok);
	assert_int_equal(pw_verify("password", h), 0);
	snprintf(h, sizeof(h), "%sA", ok);
	assert_int_equal(pw_verify("password", h), 0);
	snprintf(h, sizeof(h), "%s==", ok);
	assert_int_equal(pw_verify("password", h), 0);
	/* Standard-alphabet or padded salt/key. */
	strcpy(h, ok);
	key = strrchr(h, '$') + 1;
	*(key - 1) = '\0';
	salt = strrchr(h, '$') + 1;
	*(key - 1) = '$';
	salt[0] = '+';
	assert_int_equal(pw_verify("password", h), 0);
	strcpy(h, ok);
	h[strlen(h) - 1] = '/';
	assert_int_equal(pw_verify("password", h), 0);
}

static void
test_pw_verify_truncated_hash_returns_zero(void **state)
{
	char	h[PW_HASH_MAX];
	size_t	n, len;

	(void)state;
	len = strlen(shared_hash);
	for (n = 0; n < len; n++) {
		memcpy(h, shared_hash, n);
		h[n] = '\0';
		assert_int_equal(pw_verify("조달청-Passw0rd!", h), 0);
	}
}

/* Real hashes of the right password, made with parameters outside the
 * accepted range, are refused. */
static void
test_pw_verify_refuses_out_of_policy_parameters(void **state)
{
	char	h[PW_HASH_MAX];

	(void)state;
	ref_stored("password", 512, 8, 1, h, sizeof(h));	/* N too small */
	assert_int_equal(pw_verify("password", h), 0);
	ref_stored("password", 1024, 17, 1, h, sizeof(h));	/* r too big */
	assert_int_equal(pw_verify("password", h), 0);
	ref_stored("password", 1024, 1, 5, h, sizeof(h));	/* p too big */
	assert_int_equal(pw_verify("password", h), 0);
	ref_stored("password", 1024, 1, 4, h, sizeof(h));	/* in range */
	assert_int_equal(pw_verify("password", h), 1);
}

/* Absurd parameters are refused at once, not tried (a bad row must not
 * tie up a worker: p = 40000 with r = 1 alone would take ~10 s). */
static void
test_pw_verify_refuses_absurd_parameters_quickly(void **state)
{
	static const char *const params[] = {
		"0$8$1", "1$8$1", "3$8$1", "1023$8$1", "1025$8$1",
		"2097152$8$1", "1073741824$8$1", "4294967296$8$1",
		"18446744073709551615$8$1", "99999999999999999999999$8$1",
		"-1$8$1", "1024$0$1", "1024$17$1", "1024$4294967296$1",
		"1024$8$0", "1024$8$5", "1024$1$40000",
		"1048576$16$4",		/* in range, but 2 GiB of memory */
	};
	char		stored[PW_HASH_MAX];
	size_t		i;
	struct timespec	t0, t1;
	double		secs;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		snprintf(stored, sizeof(stored),
		    "scrypt$%s$AAAAAAAAAAAAAAAAAAAAAA$"
		    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", params[i]);
		assert_int_equal(pw_verify("password", stored), 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(secs < 3.0);
}

static void
test_pw_verify_refuses_overlong_stored_hash(void **state)
{
	char	h[PW_HASH_MAX * 2];

	(void)state;
	strcpy(h, shared_hash);
	memset(h + strlen(h), ' ', PW_HASH_MAX);
	h[PW_HASH_MAX + 10] = '\0';
	assert_int_equal(pw_verify("조달청-Passw0rd!", h), 0);
}

/* ---------------------------------------------------------------------
 * Tokens
 */

static void
test_token_new_is_43_base64url_chars(void **state)
{
	char	t[TOKEN_LEN + 1];
	int	i;

	(void)state;
	assert_int_equal(TOKEN_LEN, 43);
	for (i = 0; i < 200; i++) {
		memset(t, '#', sizeof(t));
		assert_int_equal(token_new(t), 0);
		assert_int_equal(strlen(t), TOKEN_LEN);
		assert_int_equal(strspn(t, B64URL), TOKEN_LEN);
		/* 256 bits in 43 characters: the last 2 bits are zero. */
		assert_non_null(strchr("AEIMQUYcgkosw048", t[TOKEN_LEN - 1]));
		assert_true(token_valid(t));
	}
}

static void
test_token_new_gives_distinct_values(void **state)
{
	char	t[64][TOKEN_LEN + 1];
	int	i, j, same_first;

	(void)state;
	same_first = 0;
	for (i = 0; i < 64; i++) {
		assert_int_equal(token_new(t[i]), 0);
		for (j = 0; j < i; j++) {
			assert_string_not_equal(t[i], t[j]);
			same_first += t[i][0] == t[j][0];
		}
	}
	/* 2016 pairs, 1/64 chance each: a stuck generator would hit 2016. */
	assert_true(same_first < 200);
}

static void
test_token_valid_edge_cases(void **state)
{
	char	t[TOKEN_LEN + 2];
	size_t	i;
	const char	*bad = "+/=. \t\n%\xc3";

	(void)state;
	assert_false(token_valid(NULL));
	assert_false(token_valid(""));
	memset(t, 'A', TOKEN_LEN);
	t[TOKEN_LEN] = '\0';
	assert_true(token_valid(t));
	t[TOKEN_LEN - 1] = '\0';
	assert_false(token_valid(t));			/* 42 */
	t[TOKEN_LEN - 1] = 'A';
	t[TOKEN_LEN] = 'A';
	t[TOKEN_LEN + 1] = '\0';
	assert_false(token_valid(t));			/* 44 */
	t[TOKEN_LEN] = '\0';
	memcpy(t, "-_-_", 4);
	assert_true(token_valid(t));
	for (i = 0; i < strlen(bad); i++) {
		t[20] = bad[i];
		assert_false(token_valid(t));
	}
}

static void
test_token_hash_is_sha256(void **state)
{
	unsigned char	h[TOKEN_HASH_LEN];
	char		hex[TOKEN_HASH_LEN * 2 + 1];

	(void)state;
	token_hash("abc", h);
	hex_encode(h, sizeof(h), hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
}

/* ---------------------------------------------------------------------
 * CSRF
 */

static void
test_csrf_accepts_its_own_token(void **state)
{
	char	tok[TOKEN_LEN + 1], sid[TOKEN_LEN + 1];

	(void)state;
	assert_int_equal(token_new(sid), 0);
	csrf_token(SECRET, sizeof(SECRET), sid, tok);
	assert_int_equal(strlen(tok), TOKEN_LEN);
	assert_true(token_valid(tok));
	assert_int_equal(csrf_check(SECRET, sizeof(SECRET), sid, tok), 1);
}

static void
test_csrf_token_is_deterministic(void **state)
{
	char	a[TOKEN_LEN + 1], b[TOKEN_LEN + 1];

	(void)state;
	csrf_token(SECRET, sizeof(SECRET), "binding-1", a);
	csrf_token(SECRET, sizeof(SECRET), "binding-1", b);
	assert_string_equal(a, b);
}

static void
test_csrf_refuses_token_for_other_binding(void **state)
{
	char	tok[TOKEN_LEN + 1], other[TOKEN_LEN + 1];

	(void)state;
	csrf_token(SECRET, sizeof(SECRET), "visitor-aaaa", tok);
	csrf_token(SECRET, sizeof(SECRET), "visitor-aaab", other);
	assert_string_not_equal(tok, other);
	assert_int_equal(csrf_check(SECRET, sizeof(SECRET), "visitor-aaab",
	    tok), 0);
	assert_int_equal(csrf_check(SECRET, sizeof(SECRET), "", tok), 0);
	assert_int_equal(csrf_check(SECRET, sizeof(SECRET), "visitor-aaa",
	    tok), 0);
}

static void
test_csrf_refuses_token_made_with_other_secret(void **state)
{
	unsigned char	secret2[32];
	char		tok[TOKEN_LEN + 1];

	(void)state;
	memcpy(secret2, SECRET, sizeof(secret2));
	secret2[31] ^= 1;
	csrf_token(secret2, sizeof(secret2), "sid", tok);
	assert_int_equal(csrf_check(SECRET, sizeof(SECRET), "sid", tok), 0);
	assert_int_equal(csrf_check(secret2, sizeof(secret2), "sid", tok), 1);
}

static void
test_csrf_refuses_modified_token(void **state)
{
	char	tok[TOKEN_LEN + 1], mod[TOKEN_LEN + 2];
	size_t	i;

	(void)state;
	csrf_token(SECRET, sizeof(SECRET), "sid-xyz", tok);
	for (i = 0; i < TOKEN_LEN; i++) {
		strcpy(mod, tok);
		mod[i] = mod[i] == 'A' ? 'B' : 'A';
		assert_int_equal(csrf_check(SECRET, sizeof(SECRET), "sid-xyz",
		    mod), 0);
	}
	/* Truncated, extended, case-changed. */
	strcpy(mod, tok);
	mod[TOKEN_LEN - 1] = '\0';
	assert_int_equal(csrf_check(SECRET, sizeof(SECRET), "sid-xyz", mod),
	    0);
	strcpy(mod, tok);
	strcat(mod, "A");
	assert_int_equal(csrf_check(SECRET, sizeof(SECRET), "sid-xyz", mod),
	    0);
}

static void
test_csrf_refuses_null_and_empty(void **state)
{
	char	tok[TOKEN_LEN + 1];

	(void)state;
	csrf_token(SECRET, sizeof(SECRET), "sid", tok);
	assert_int_equal(csrf_check(SECRET, sizeof(SECRET), "sid", NULL), 0);
	assert_int_equal(csrf_check(SECRET, sizeof(SECRET), "sid", ""), 0);
	assert_int_equal(csrf_check(SECRET, sizeof(SECRET), NULL, tok), 0);
}

/* The token must not be computable without the secret. */
static void
test_csrf_token_depends_on_secret(void **state)
{
	static const unsigned char	zero[32];
	char				a[TOKEN_LEN + 1], b[TOKEN_LEN + 1];

	(void)state;
	csrf_token(SECRET, sizeof(SECRET), "sid", a);
	csrf_token(zero, sizeof(zero), "sid", b);
	assert_string_not_equal(a, b);
}

/* ---------------------------------------------------------------------
 * Encodings
 */

static void
check_b64(const char *in, size_t n, const char *want)
{
	char	out[128];

	memset(out, '#', sizeof(out));
	b64url_encode((const unsigned char *)in, n, out);
	assert_string_equal(out, want);
}

/* RFC 4648 section 10, without padding. */
static void
test_b64url_rfc4648_vectors(void **state)
{
	(void)state;
	check_b64("", 0, "");
	check_b64("f", 1, "Zg");
	check_b64("fo", 2, "Zm8");
	check_b64("foo", 3, "Zm9v");
	check_b64("foob", 4, "Zm9vYg");
	check_b64("fooba", 5, "Zm9vYmE");
	check_b64("foobar", 6, "Zm9vYmFy");
}

static void
test_b64url_uses_url_alphabet(void **state)
{
	(void)state;
	/* Standard base64 would be "+/+/" and "+/8=". */
	check_b64("\xfb\xff\xbf", 3, "-_-_");
	check_b64("\xfb\xff", 2, "-_8");
	check_b64("\xff", 1, "_w");
	check_b64("\x00\x00\x00", 3, "AAAA");
}

static void
test_b64url_matches_reference_for_all_lengths(void **state)
{
	unsigned char	in[70];
	char		got[128], want[128];
	size_t		n, i;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 37 + 11);
	for (n = 0; n <= sizeof(in); n++) {
		b64url_encode(in, n, got);
		ref_b64url(in, n, want);
		assert_string_equal(got, want);
		assert_int_equal(strlen(got), (n * 4 + 2) / 3);
	}
}

static void
test_hex_encode_lowercase(void **state)
{
	char	out[16];

	(void)state;
	hex_encode((const unsigned char *)"\x00\x01\x7f\x80\xab\xff", 6, out);
	assert_string_equal(out, "00017f80abff");
	hex_encode((const unsigned char *)"", 0, out);
	assert_string_equal(out, "");
}

static void
test_secure_wipe_zeroes_memory(void **state)
{
	unsigned char	buf[32];
	size_t		i;

	(void)state;
	memset(buf, 0xa5, sizeof(buf));
	secure_wipe(buf, 16);
	for (i = 0; i < 16; i++)
		assert_int_equal(buf[i], 0);
	for (i = 16; i < 32; i++)
		assert_int_equal(buf[i], 0xa5);
}

static void
test_bytea_hex_round_trip(void **state)
{
	const unsigned char	 in[] = { 0x00, 0x0a, 0x7f, 0x80, 0xff, 'A' };
	unsigned char		*out;
	char			*h;
	size_t			 n;

	(void)state;
	h = bytea_hex(in, sizeof(in));
	assert_string_equal(h, "\\x000a7f80ff41");
	assert_int_equal(bytea_unhex(h, &out, &n), 0);
	assert_int_equal(n, sizeof(in));
	assert_memory_equal(out, in, sizeof(in));
	free(out);
	free(h);
	/* Upper case is read too; nothing at all is an empty value. */
	assert_int_equal(bytea_unhex("\\xFF00", &out, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(out[0], 0xff);
	free(out);
	assert_int_equal(bytea_unhex("\\x", &out, &n), 0);
	assert_int_equal(n, 0);
	assert_non_null(out);
	free(out);
	h = bytea_hex(in, 0);
	assert_string_equal(h, "\\x");
	free(h);
}

static void
test_bytea_unhex_refuses_bad_text(void **state)
{
	static const char *const bad[] = { "", "x00", "\\00", "\\x0",
	    "\\x0g", "\\x 0", "\\x00 " };
	unsigned char	*out;
	size_t		 n, i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(bytea_unhex(bad[i], &out, &n), -1);
		assert_null(out);
		assert_int_equal(n, 0);
	}
	assert_int_equal(bytea_unhex(NULL, &out, &n), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pw_hash_has_documented_format),
		cmocka_unit_test(test_pw_verify_accepts_right_password),
		cmocka_unit_test(test_pw_verify_refuses_wrong_password),
		cmocka_unit_test(test_pw_hash_salts_each_hash),
		cmocka_unit_test(test_pw_hash_empty_password_round_trip),
		cmocka_unit_test(test_pw_hash_refuses_small_output_buffer),
		cmocka_unit_test(test_pw_verify_uses_parameters_from_stored_hash),
		cmocka_unit_test(test_pw_verify_refuses_tampered_salt_or_key),
		cmocka_unit_test(test_pw_verify_malformed_returns_zero),
		cmocka_unit_test(test_pw_verify_truncated_hash_returns_zero),
		cmocka_unit_test(test_pw_verify_refuses_out_of_policy_parameters),
		cmocka_unit_test(test_pw_verify_refuses_absurd_parameters_quickly),
		cmocka_unit_test(test_pw_verify_refuses_overlong_stored_hash),
		cmocka_unit_test(test_token_new_is_43_base64url_chars),
		cmocka_unit_test(test_token_new_gives_distinct_values),
		cmocka_unit_test(test_token_valid_edge_cases),
		cmocka_unit_test(test_token_hash_is_sha256),
		cmocka_unit_test(test_csrf_accepts_its_own_token),
		cmocka_unit_test(test_csrf_token_is_deterministic),
		cmocka_unit_test(test_csrf_refuses_token_for_other_binding),
		cmocka_unit_test(test_csrf_refuses_token_made_with_other_secret),
		cmocka_unit_test(test_csrf_refuses_modified_token),
		cmocka_unit_test(test_csrf_refuses_null_and_empty),
		cmocka_unit_test(test_csrf_token_depends_on_secret),
		cmocka_unit_test(test_b64url_rfc4648_vectors),
		cmocka_unit_test(test_b64url_uses_url_alphabet),
		cmocka_unit_test(test_b64url_matches_reference_for_all_lengths),
		cmocka_unit_test(test_hex_encode_lowercase),
		cmocka_unit_test(test_bytea_hex_round_trip),
		cmocka_unit_test(test_bytea_unhex_refuses_bad_text),
		cmocka_unit_test(test_secure_wipe_zeroes_memory),
	};

	return (cmocka_run_group_tests(tests, group_setup, NULL));
}
