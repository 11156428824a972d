/*
 * crypto: scrypt password hashes, random tokens, HMAC-bound CSRF tokens.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "crypto.h"

/* 2^15 * 8 * 128 = 32 MiB per hash, ~50 ms on one core. */
#define SCRYPT_N	32768ULL
#define SCRYPT_R	8ULL
#define SCRYPT_P	1ULL
#define SCRYPT_MAXMEM	(64ULL * 1024 * 1024)
#define SALT_LEN	16
#define KEY_LEN		32

static int	b64url_decode(const char *, unsigned char *, size_t);

void
secure_wipe(void *p, size_t n)
{
	OPENSSL_cleanse(p, n);
}

void
b64url_encode(const unsigned char *in, size_t n, char *out)
{
	static const char	tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t			i, o;
	unsigned int		v;

	for (i = 0, o = 0; i + 2 < n; i += 3) {
		v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		out[o++] = tab[(v >> 18) & 63];
		out[o++] = tab[(v >> 12) & 63];
		out[o++] = tab[(v >> 6) & 63];
		out[o++] = tab[v & 63];
	}
	if (n - i == 1) {
		v = (unsigned)in[i] << 16;
		out[o++] = tab[(v >> 18) & 63];
		out[o++] = tab[(v >> 12) & 63];
	} else if (n - i == 2) {
		v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		out[o++] = tab[(v >> 18) & 63];
		out[o++] = tab[(v >> 12) & 63];
		out[o++] = tab[(v >> 6) & 63];
	}
	out[o] = '\0';
}

static int
b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return (c - 'A');
	if (c >= 'a' && c <= 'z')
		return (c - 'a' + 26);
	if (c >= '0' && c <= '9')
		return (c - '0' + 52);
	if (c == '-')
		return (62);
	if (c == '_')
		return (63);
	return (-1);
}

/* Decode exactly n bytes from base64url text; 0 or -1. */
static int
b64url_decode(const char *s, unsigned char *out, size_t n)
{
	size_t		len, i, o;
	unsigned int	v;
	int		k, d;

	len = strlen(s);
	if (len != (n * 4 + 2) / 3)
		return (-1);
	v = 0;
	k = 0;
	for (i = 0, o = 0; i < len; i++) {
		if ((d = b64val(s[i])) < 0)
			return (-1);
		v = (v << 6) | (unsigned)d;
		if (++k == 4) {
			out[o++] = (unsigned char)(v >> 16);
			out[o++] = (unsigned char)(v >> 8);
			out[o++] = (unsigned char)v;
			v = 0;
			k = 0;
		}
	}
	if (k == 2) {
		out[o++] = (unsigned char)(v >> 4);
	} else if (k == 3) {
		out[o++] = (unsigned char)(v >> 10);
		out[o++] = (unsigned char)(v >> 2);
	}
	return (o == n ? 0 : -1);
}

void
hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char	hex[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < n; i++) {
		out[i * 2] = hex[in[i] >> 4];
		out[i * 2 + 1] = hex[in[i] & 15];
	}
	out[n * 2] = '\0';
}

/* PostgreSQL bytea input in hex form ("\\x0a1b..."), malloc'd. */
char *
bytea_hex(const unsigned char *in, size_t n)
{
	char	*s;

	if ((s = malloc(n * 2 + 3)) == NULL)
		abort();
	s[0] = '\\';
	s[1] = 'x';
	hex_encode(in, n, s + 2);
	return (s);
}

static int
hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/*
 * bytea text output in hex form into malloc'd bytes (*out is not NULL on
 * success, even for no bytes); -1 on anything else.
 */
int
bytea_unhex(const char *s, unsigned char **out, size_t *len)
{
	size_t	n, i;
	int	hi, lo;

	*out = NULL;
	*len = 0;
	if (s == NULL || s[0] != '\\' || s[1] != 'x')
		return (-1);
	s += 2;
	n = strlen(s);
	if (n % 2 != 0)
		return (-1);
	if ((*out = malloc(n / 2 + 1)) == NULL)
		abort();
	for (i = 0; i < n / 2; i++) {
		hi = hexdigit(s[i * 2]);
		lo = hexdigit(s[i * 2 + 1]);
		if (hi < 0 || lo < 0) {
			free(*out);
			*out = NULL;
			return (-1);
		}
		(*out)[i] = (unsigned char)(hi << 4 | lo);
	}
	*len = n / 2;
	return (0);
}

int
pw_hash(const char *pw, char *out, size_t outlen)
{
	unsigned char	salt[SALT_LEN], key[KEY_LEN];
	char		salt64[32], key64[48];
	int		n;

	if (RAND_bytes(salt, sizeof(salt)) != 1)
		return (-1);
	if (EVP_PBE_scrypt(pw, strlen(pw), salt, sizeof(salt), SCRYPT_N,
	    SCRYPT_R, SCRYPT_P, SCRYPT_MAXMEM, key, sizeof(key)) != 1)
		return (-1);
	b64url_encode(salt, sizeof(salt), salt64);
	b64url_encode(key, sizeof(key), key64);
	secure_wipe(key, sizeof(key));
	n = snprintf(out, outlen, "scrypt$%llu$%llu$%llu$%s$%s", SCRYPT_N,
	    SCRYPT_R, SCRYPT_P, salt64, key64);
	secure_wipe(key64, sizeof(key64));
	return (n > 0 && (size_t)n < outlen ? 0 : -1);
}

int
pw_verify(const char *pw, const char *stored)
{
	unsigned long long	N, r, p;
	unsigned char		salt[SALT_LEN], want[KEY_LEN], got[KEY_LEN];
	char			salt64[32], key64[48];
	int			ok;

	if (stored == NULL || strlen(stored) >= PW_HASH_MAX)
		return (0);
	if (sscanf(stored, "scrypt$%llu$%llu$%llu$%31[^$]$%47s", &N, &r, &p,
	    salt64, key64) != 5)
		return (0);
	/* Refuse parameters that would let a bad row exhaust the worker. */
	if (N < 1024 || N > 1048576 || (N & (N - 1)) != 0 || r < 1 ||
	    r > 16 || p < 1 || p > 4)
		return (0);
	if (b64url_decode(salt64, salt, sizeof(salt)) == -1 ||
	    b64url_decode(key64, want, sizeof(want)) == -1)
		return (0);
	if (EVP_PBE_scrypt(pw, strlen(pw), salt, sizeof(salt), N, r, p,
	    256ULL * 1024 * 1024, got, sizeof(got)) != 1)
		return (0);
	ok = CRYPTO_memcmp(got, want, sizeof(got)) == 0;
	secure_wipe(got, sizeof(got));
	secure_wipe(want, sizeof(want));
	return (ok);
}

int
token_new(char *out)
{
	unsigned char	raw[32];

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return (-1);
	b64url_encode(raw, sizeof(raw), out);
	secure_wipe(raw, sizeof(raw));
	return (0);
}

void
token_hash(const char *token, unsigned char *out)
{
	SHA256((const unsigned char *)token, strlen(token), out);
}

int
token_valid(const char *s)
{
	size_t	i;

	if (s == NULL || strlen(s) != TOKEN_LEN)
		return (0);
	for (i = 0; i < TOKEN_LEN; i++) {
		if (b64val(s[i]) < 0)
			return (0);
	}
	return (1);
}

void
csrf_token(const unsigned char *secret, size_t slen, const char *binding,
    char *out)
{
	unsigned char	mac[EVP_MAX_MD_SIZE];
	unsigned int	maclen;
	char		msg[128];
	int		n;

	/* Domain-separate from any other use of the secret. */
	n = snprintf(msg, sizeof(msg), "g2b-csrf:%s", binding);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = (int)sizeof(msg) - 1;
	maclen = 0;
	if (HMAC(EVP_sha256(), secret, (int)slen, (const unsigned char *)msg,
	    (size_t)n, mac, &maclen) == NULL)
		abort();
	b64url_encode(mac, maclen, out);
}

int
csrf_check(const unsigned char *secret, size_t slen, const char *binding,
    const char *given)
{
	char	want[TOKEN_LEN + 1];

	if (given == NULL || binding == NULL || strlen(given) != TOKEN_LEN)
		return (0);
	csrf_token(secret, slen, binding, want);
	return (CRYPTO_memcmp(want, given, TOKEN_LEN) == 0);
}
