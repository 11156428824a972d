/*
 * crypto: password hashing (scrypt), session tokens and CSRF tokens, all on
 * OpenSSL. Kore-free.
 */
#ifndef G2B_CRYPTO_H
#define G2B_CRYPTO_H

#include <stddef.h>

#define PW_HASH_MAX	160
#define TOKEN_LEN	43		/* base64url of 32 bytes, no padding */
#define TOKEN_HASH_LEN	32

/* scrypt with a fresh 16-byte salt; "scrypt$N$r$p$salt$key". 0 or -1. */
int	pw_hash(const char *, char *, size_t);
/* 1 if the password matches the stored hash, 0 if not or malformed. */
int	pw_verify(const char *, const char *);

/* A new random 256-bit token, base64url (out: TOKEN_LEN + 1). 0 or -1. */
int	token_new(char *);
/* SHA-256 of a token string. */
void	token_hash(const char *, unsigned char *);
/* Well-formed token: TOKEN_LEN base64url characters. */
int	token_valid(const char *);

/* CSRF token bound to a session or visitor token: base64url HMAC-SHA256. */
void	csrf_token(const unsigned char *, size_t, const char *, char *);
/* 1 if given matches the token for binding (constant time). */
int	csrf_check(const unsigned char *, size_t, const char *, const char *);

void	b64url_encode(const unsigned char *, size_t, char *);
void	hex_encode(const unsigned char *, size_t, char *);
/* bytea hex text ("\\x..."): to it (malloc'd) and from it (0 or -1). */
char	*bytea_hex(const unsigned char *, size_t);
int	 bytea_unhex(const char *, unsigned char **, size_t *);
/* Wipe memory in a way the compiler keeps. */
void	secure_wipe(void *, size_t);

#endif
