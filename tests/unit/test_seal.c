/*
 * Unit tests for bidding/seal.c: the opening key pair (개찰 키), sealing
 * to it, sealed preliminary prices (복수예비가격) and strict base64.
 *
 * The envelope format is checked against code here that builds and
 * takes apart envelopes with the EVP calls directly, and against a fixed
 * envelope made by WebCrypto (Node 20's crypto.subtle, the API browsers
 * have) for a key made by the openssl command line tool.
 *
 * RSA-3072 key generation and scrypt are slow, so one key pair is made
 * in the group setup and shared; the second key is the fixed one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "seal.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define PASS		"correct horse 전지 staple"
#define VECTOR_PASS	"vector-passphrase"
#define VECTOR_MSG	"bid: 123456789 won, picks 3 and 11"
#define VECTOR_AAD	"R26BK00000001|0|supplier-42"
#define AAD		"R26BK00000001|0|supplier-7"
#define K3072		384	/* wrapped key length for RSA-3072 */

/*
 * A test-only RSA-3072 key (passphrase VECTOR_PASS) made by the openssl
 * tool: `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072`
 * then `openssl pkcs8 -topk8 -v2 aes-256-cbc -scrypt -scrypt_N 16384
 * -scrypt_r 8 -scrypt_p 5`.
 */
static const char vector_priv_pem[] =
	"-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
	"MIIHZTBPBgkqhkiG9w0BBQ0wQjAhBgkrBgEEAdpHBAswFAQIJe5jPOKmdpYCAkAA\n"
	"AgEIAgEFMB0GCWCGSAFlAwQBKgQQrh0ic82JTIYjCJFP7HsNZwSCBxDd/+vin28h\n"
	"p3iB3VgxxS/v9VNSts9mNMzy/QGo1OIOtBbQnMv3XuTr4N5Axx/LrJQp7l9TQVgi\n"
	"0NICSPZXhi6Z8pp/cUHLPu17+yMVv9lnsnNzfrTJljvXEUcnsDATQnKUJfxrkpam\n"
	"ACfAs66IBSsQ+uj5KSQ2A2lv7NKQ7PRKuED7yzBbkWz1+LCKg/2pIEGMHiy8JIrJ\n"
	"c7V21cXS+4KQNIrYli47k4pzpLE1vj34Y3BxNLM+nvtb4XX808Asawskeq4dBzmo\n"
	"2IoJ/1K4lFDsysd1v0kux1TQKdS1rc0sEJlMnS+KPMWaboYK4M0wUBW7rS5ILzEr\n"
	"mB4SUWuifL9U5jVwmX8jDNh45lGjJl1nxo+vtv1d2I3WTSjUiZJ52WA83pGxvBBD\n"
	"4hfrN8+ACZCo7wVCm79EsokkYjNJjWtvR9aMFfE4/8B2OCBtUvbskb50bYmc/TTW\n"
	"oLDW1Dtp5bV71yByAqn+5ek8HIsHF/+6AojVpsxyrnG8Izx5iLaBw5i365KFzfdr\n"
	"RnBU6X6MaOA96/nw2hWQoIDkTVoSkTc4mpSxPGIoFCYWKDcijHiKnDGOfokccONc\n"
	"lGBK2VFwKJFePJND9EPq/VPjsZKsUBAqqD1h8O8qFc8+9DUdPEw1vSSEEoI6pBQK\n"
	"B0rG+wcLq1dhUfHodDIRUeErnFYGTLV0CpRq3MYObQHmfKbSbwvJU296nztH7vS0\n"
	"9VrEtUmMiOZuxOaK2J2HO7AIDmDEA18GKcvkmTtXyDx3JLrLfSO9CFp78ySrE44W\n"
	"eoQJJKMys1Hk1of5OYalWmgbsjhUz5EynjgT3h5ExfA0AZU6J9Po0q8lTqeFZcel\n"
	"O8P3Y5xim27woO04P2xhN2HgqXgGpiUDHfId+hMnyU81dFml53U2OOEtCgWIbzYJ\n"
	"AFpfY/K3gZd/Fiasbx6Hq3v1cYLQyIyngaP/J4lDVXsz0xoKKT5jgXSReZHsnn03\n"
	"Q7XwFl8pv1sZ4VqeODZOd6woFC4wwcxTmaMoCJ7yRBIc+is0FGtKqxFKOGOzK+GH\n"
	"qhHxpjanGUHDSM9XtTThkP0eF1NIcqDjl67+QYHuH+RMsAR/DGNCmdOYZXFtAow5\n"
	"J/K1hA9YMv5Vp+tODM7Cv22sh7S7/hBElkI6GmsLK8nPX80lacepyK6CMWHqRrpG\n"
	"5+wf2N4M9YZSS+5OSQAsVPV28Y7Fjs7Ci1RzvnfdrNzPcgqKetJ2BBZTf9Tz3nzD\n"
	"wNEiEeDuwEuOBY4Mjtfu4FZifpjzdUxihBOctxQ7qZMG7BHQxV7dtuBTGx7tee0l\n"
	"CBqkSjILqNwRkuicoLCZ8hEwxxpm8g7IMKAySQrAAcOKh+TtBx/aSsbwcrl3TwsB\n"
	"rzjKUC+QyoSgmWf+pdX8i4IxDfnHRG033ZxCikJo6Arh+Jq8fjMapeghK3PJsT1R\n"
	"JjdrF8J4uo7RVuEtn34Jh4tMxTGat5LG2dZ7ANXalj5c3XU31mC1u8Nr6xkDJMqi\n"
	"jCwiwCFXUrRhaQRwP192mgKXUQN+UmSdenup0F1BfEvvA89mzdPXGIDAKeoEMaTs\n"
	"VJ48CofDM4ob4OPeAfRvgHYzRDTgdIY1PFX2LG2lBgUOHe+XRWKkTa4ns/cBfxoR\n"
	"3LQk4OajRP39pxRa5aGz+vVzhbE61XWldFoJhbn9egdLg7/fCP91Gx8PjNDcc9bP\n"
	"OuH51MqVSn8AcPevTfqVJ9QJ94OvZKdAgSlqruc/LbQH6cbY/xMKuxuponKNAuqE\n"
	"9B7swUWAFQMoniGI9JGJ8gZzhpsR14ABZm82C7pBkeiftOQTnCImAVacTatY+FRJ\n"
	"uDnifEHcazltZF6xnzmBaV0H8m55t7rVe9hipa32/tqIPrvXHANklsmgoIvh+TQX\n"
	"NOiScVwXn45t9Dqja9fsVH511y+eqITlbvzN7/pgZ1rgG4p8eDbM48rglcSiUcLd\n"
	"G55AbQFIeuYIqBiJ3fCfl1nwNUozj5BYjt29aY/XWxd0AAVvM1ZpKcx8nCCaN08u\n"
	"B8rsUXhZ8S4m0ovgMWrq3UFJE2mi28HfXTslfpqADZVBOULMLz/HjXpfs4glja35\n"
	"Gd7EQKeH9PJeMZPI1OyCMNrQoQca8YdCKjApjqtoOfaG/BIP46t4PrX3bZKMWvqL\n"
	"GvVKRN0n0R0zrm2rn3inA1zZqlZTQZVY7mi27wMEgaNKIr3aOJ0Cxtf6IMQV/Drz\n"
	"JAbL9tYW0XQ5ZnbpBbxLtOi88Mqy0Zl6pDONrF+TVth3UDjwxoeLQx3XiWd5s2if\n"
	"Mz/ILLkHMqViDtSU3widVDzMrYev2HhRbTqgn79qWw6eWEbBXutZuZYpLir7euzU\n"
	"G5Diof7VoLAl41p/aIzKX2Z/JXqZtSd7c6Tx1LJw/bqF+ugVmW2Fhpra6FzQUq4O\n"
	"Z6ailOhu+HReW95B0ZwrFKKcwPFKz3XIcw==\n"
	"-----END ENCRYPTED PRIVATE KEY-----\n";

/*
 * VECTOR_MSG sealed to that key with AAD VECTOR_AAD by Node 20's
 * WebCrypto (crypto.subtle), following the recipe in seal.h; base64.
 */
static const char vector_env_b64[] =
	"AQGAPUc83XtB3J1B4rUS57Yp61A+TC1yd2pGxx//Na99Gh3BqpTfQuEo2gobJ2uQ"
	"HBiz+xJz+aNj7FTw7p6F/3xlzKQDNMtonnWWJNgMmHkO5Hl+HNVXaT2+/yrYhQ8q"
	"zVPM3b8JB3NcQtwY8SLhA/y7MBaEnFsGlOci1PiVg/JCLHUhu1zVCQYV5pGBTr7m"
	"Ghe0DLVVSnVu4U895tp/Bcr+f67TmQP8/ANdsP/mCnY20Ceywx1aiom6cpL94JjN"
	"OCEPCCipxSkSoMu0a12jNy10MsBXsQfmwIxuPQlqBpQbDnGIxnEWZf8N6D2tINMV"
	"R9rrZFR2RmtgU/SWSNpNqFoJsEDd+p3Instm6hihWexjoC4R396rmhDb2VXp6GNe"
	"cOn8kWk0J/rh/tJQ5BBYPF5/IfXMLgR8oJo2Lxfe1lu2GuhlUZcAWh2J1+tU2I0E"
	"VNWD963+Ud6y2pTsB2RF/71uX7Jk8T4hlMXoc61ivQiU8v4UnNZu87H6GVRJGxLV"
	"/wzwi8/g08dCS8vMN5aydvQzaUIrYfm7G/Vz9jlQGcgqSzwBSh0LFACXqMwpszU6"
	"HIWXXvRIiuZ/Noht/d4hleM=";

struct fixture {
	char		*pub;		/* key pair made by seal_keypair_new */
	char		*priv;
	EVP_PKEY	*key;
	char		*vpub;		/* public half of the fixed key */
	EVP_PKEY	*vkey;		/* the fixed key */
};

/* PEM of the public half of key, for free(3). */
static char *
pub_pem_of(EVP_PKEY *key)
{
	BIO	*bio;
	char	*data, *s;
	long	 n;

	assert_non_null(bio = BIO_new(BIO_s_mem()));
	assert_int_equal(PEM_write_bio_PUBKEY(bio, key), 1);
	n = BIO_get_mem_data(bio, &data);
	assert_true(n > 0);
	assert_non_null(s = malloc((size_t)n + 1));
	memcpy(s, data, (size_t)n);
	s[n] = '\0';
	BIO_free(bio);
	return (s);
}

static int
group_setup(void **state)
{
	struct fixture	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return (-1);
	if (seal_keypair_new(PASS, &f->pub, &f->priv) != 0 ||
	    seal_key_unlock(f->priv, PASS, &f->key) != 0 ||
	    seal_key_unlock(vector_priv_pem, VECTOR_PASS, &f->vkey) != 0)
		return (-1);
	f->vpub = pub_pem_of(f->vkey);
	*state = f;
	return (0);
}

static int
group_teardown(void **state)
{
	struct fixture	*f = *state;

	if (f == NULL)
		return (0);
	free(f->pub);
	free(f->priv);
	free(f->vpub);
	seal_key_free(f->key);
	seal_key_free(f->vkey);
	free(f);
	return (0);
}

/* Seal plain to pub with aad; check the outer layout; return envelope. */
static unsigned char *
seal_ok(const char *pub, const unsigned char *plain, size_t len,
    const char *aad, size_t *envlen)
{
	unsigned char	*env;

	assert_int_equal(seal_to(pub, plain, len, (const unsigned char *)aad,
	    aad == NULL ? 0 : strlen(aad), &env, envlen), 0);
	assert_non_null(env);
	assert_int_equal(*envlen, 1 + 2 + K3072 + 12 + len + 16);
	assert_int_equal(env[0], 1);
	assert_int_equal(env[1] << 8 | env[2], K3072);
	return (env);
}

/* 0 and the plaintext in *out and *outlen, or -1 with both cleared. */
static int
open_aad(EVP_PKEY *key, const unsigned char *env, size_t envlen,
    const char *aad, unsigned char **out, size_t *outlen)
{
	int	rc;

	*out = (unsigned char *)"junk";
	*outlen = 99;
	rc = seal_open(key, env, envlen, (const unsigned char *)aad,
	    aad == NULL ? 0 : strlen(aad), out, outlen);
	if (rc != 0) {
		assert_int_equal(rc, -1);
		assert_null(*out);
		assert_int_equal(*outlen, 0);
	}
	/* Nothing left behind for a later TLS call to trip over. */
	assert_int_equal(ERR_peek_error(), 0);
	return (rc);
}

static void
test_keypair_pem_forms(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(strncmp(f->pub, "-----BEGIN PUBLIC KEY-----\n", 27),
	    0);
	assert_non_null(strstr(f->pub, "-----END PUBLIC KEY-----\n"));
	assert_int_equal(strncmp(f->priv,
	    "-----BEGIN ENCRYPTED PRIVATE KEY-----\n", 38), 0);
	assert_non_null(strstr(f->priv, "ENCRYPTED"));
	assert_null(strstr(f->priv, "BEGIN PRIVATE KEY"));
	assert_null(strstr(f->priv, "BEGIN RSA PRIVATE KEY"));
	assert_null(strstr(f->pub, "PRIVATE"));
}

static void
test_keypair_rsa_params(void **state)
{
	struct fixture	*f = *state;
	EVP_PKEY	*pub;
	BIO		*bio;
	BIGNUM		*e = NULL;

	assert_true(EVP_PKEY_is_a(f->key, "RSA"));
	assert_int_equal(EVP_PKEY_get_bits(f->key), 3072);
	assert_int_equal(EVP_PKEY_get_bn_param(f->key, OSSL_PKEY_PARAM_RSA_E,
	    &e), 1);
	assert_true(BN_is_word(e, 65537));
	BN_free(e);

	/* The published public key is the unlocked key's public half. */
	assert_non_null(bio = BIO_new_mem_buf(f->pub, -1));
	assert_non_null(pub = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL));
	assert_int_equal(EVP_PKEY_eq(pub, f->key), 1);
	EVP_PKEY_free(pub);
	BIO_free(bio);
}

/* The private key is PBES2 with scrypt (the documented N, r, p) and AES. */
static void
test_keypair_kdf(void **state)
{
	struct fixture		*f = *state;
	BIO			*bio;
	X509_SIG		*sig;
	const X509_ALGOR	*alg;
	const ASN1_OBJECT	*oid;
	const void		*pval;
	int			 ptype;
	PBE2PARAM		*pbe2;
	SCRYPT_PARAMS		*sp;
	uint64_t		 v;

	assert_non_null(bio = BIO_new_mem_buf(f->priv, -1));
	assert_non_null(sig = PEM_read_bio_PKCS8(bio, NULL, NULL, NULL));
	X509_SIG_get0(sig, &alg, NULL);
	X509_ALGOR_get0(&oid, &ptype, &pval, alg);
	assert_int_equal(OBJ_obj2nid(oid), NID_pbes2);
	assert_int_equal(ptype, V_ASN1_SEQUENCE);
	assert_non_null(pbe2 = ASN1_item_unpack(pval,
	    ASN1_ITEM_rptr(PBE2PARAM)));
	assert_int_equal(OBJ_obj2nid(pbe2->encryption->algorithm),
	    NID_aes_256_cbc);
	X509_ALGOR_get0(&oid, &ptype, &pval, pbe2->keyfunc);
	assert_int_equal(OBJ_obj2nid(oid), NID_id_scrypt);
	assert_int_equal(ptype, V_ASN1_SEQUENCE);
	assert_non_null(sp = ASN1_item_unpack(pval,
	    ASN1_ITEM_rptr(SCRYPT_PARAMS)));
	assert_int_equal(ASN1_INTEGER_get_uint64(&v, sp->costParameter), 1);
	assert_true(v == 16384);
	assert_int_equal(ASN1_INTEGER_get_uint64(&v, sp->blockSize), 1);
	assert_true(v == 8);
	assert_int_equal(ASN1_INTEGER_get_uint64(&v,
	    sp->parallelizationParameter), 1);
	assert_true(v == 5);
	assert_int_equal(ASN1_STRING_length(sp->salt), 16);
	SCRYPT_PARAMS_free(sp);
	PBE2PARAM_free(pbe2);
	X509_SIG_free(sig);
	BIO_free(bio);
}

/* key as encrypted PKCS#8 PEM under PASS with the given PBES2 algorithm. */
static char *
enc_pem(EVP_PKEY *key, X509_ALGOR *pbe)
{
	PKCS8_PRIV_KEY_INFO	*p8;
	X509_SIG		*sig;
	BIO			*bio;
	char			*data, *s;
	long			 n;

	assert_non_null(pbe);
	assert_non_null(p8 = EVP_PKEY2PKCS8(key));
	assert_non_null(sig = PKCS8_set0_pbe(PASS, (int)strlen(PASS), p8,
	    pbe));
	assert_non_null(bio = BIO_new(BIO_s_mem()));
	assert_int_equal(PEM_write_bio_PKCS8(bio, sig), 1);
	n = BIO_get_mem_data(bio, &data);
	assert_non_null(s = calloc(1, (size_t)n + 1));
	memcpy(s, data, (size_t)n);
	BIO_free(bio);
	X509_SIG_free(sig);
	PKCS8_PRIV_KEY_INFO_free(p8);
	return (s);
}

/* Only the protection seal_keypair_new gives is accepted. */
static void
test_unlock_kdf_policy(void **state)
{
	struct fixture	*f = *state;
	EVP_PKEY	*key;
	BIO		*bio;
	char		*pem, *data;
	long		 n;
	size_t		 i;
	static const struct {
		int		 scrypt;	/* else PBKDF2 */
		int		 aes256;	/* else AES-128-CBC */
		uint64_t	 N, r, p;
		int		 rc;
	} v[] = {
		{ 1, 1, 16384, 8, 1, 0 },	/* the policy's cheapest */
		{ 1, 1, 8192, 8, 1, -1 },	/* N too small */
		{ 1, 1, 16384, 4, 2, -1 },	/* r other than 8 */
		{ 1, 0, 16384, 8, 1, -1 },	/* AES-128 */
		{ 0, 1, 0, 0, 0, -1 },		/* PBKDF2 */
	};

	for (i = 0; i < NELEM(v); i++) {
		if (v[i].scrypt)
			pem = enc_pem(f->key, PKCS5_pbe2_set_scrypt(v[i].aes256 ?
			    EVP_aes_256_cbc() : EVP_aes_128_cbc(), NULL, 0,
			    NULL, v[i].N, v[i].r, v[i].p));
		else
			pem = enc_pem(f->key, PKCS5_pbe2_set_iv(
			    EVP_aes_256_cbc(), 2048, NULL, 0, NULL,
			    NID_hmacWithSHA256));
		key = (EVP_PKEY *)f;
		assert_int_equal(seal_key_unlock(pem, PASS, &key), v[i].rc);
		if (v[i].rc == 0) {
			assert_int_equal(EVP_PKEY_eq(key, f->key), 1);
			seal_key_free(key);
		} else
			assert_null(key);
		free(pem);
	}

	/* OpenSSL's own PKCS#8 writer (PBKDF2 by default): refused too. */
	assert_non_null(bio = BIO_new(BIO_s_mem()));
	assert_int_equal(PEM_write_bio_PKCS8PrivateKey(bio, f->key,
	    EVP_aes_256_cbc(), PASS, (int)strlen(PASS), NULL, NULL), 1);
	n = BIO_get_mem_data(bio, &data);
	assert_non_null(pem = calloc(1, (size_t)n + 1));
	memcpy(pem, data, (size_t)n);
	assert_int_equal(seal_key_unlock(pem, PASS, &key), -1);
	free(pem);
	BIO_free(bio);
	assert_int_equal(ERR_peek_error(), 0);
}

static void
test_keypair_bad_args(void **state)
{
	char	*pub, *priv;

	(void)state;
	pub = priv = (char *)"junk";
	assert_int_equal(seal_keypair_new("", &pub, &priv), -1);
	assert_null(pub);
	assert_null(priv);
	pub = priv = (char *)"junk";
	assert_int_equal(seal_keypair_new(NULL, &pub, &priv), -1);
	assert_null(pub);
	assert_null(priv);
	assert_int_equal(seal_keypair_new(PASS, NULL, &priv), -1);
	assert_int_equal(seal_keypair_new(PASS, &pub, NULL), -1);
	assert_int_equal(ERR_peek_error(), 0);
}

static void
test_unlock_wrong_pass(void **state)
{
	struct fixture	*f = *state;
	EVP_PKEY	*key;
	char		 longpass[SEAL_PASS_MAX + 2];
	static const char *wrong[] = {
		"", "correct horse 전지 stapl", "Correct horse 전지 staple",
		"correct horse 전지 staple ", VECTOR_PASS,
	};
	size_t		 i;

	for (i = 0; i < NELEM(wrong); i++) {
		key = (EVP_PKEY *)f;
		assert_int_equal(seal_key_unlock(f->priv, wrong[i], &key), -1);
		assert_null(key);
		assert_int_equal(ERR_peek_error(), 0);
	}
	assert_int_equal(seal_key_unlock(f->priv, NULL, &key), -1);
	assert_null(key);
	assert_int_equal(seal_key_unlock(f->priv, PASS, NULL), -1);
	memset(longpass, 'a', sizeof(longpass) - 1);
	longpass[sizeof(longpass) - 1] = '\0';
	assert_int_equal(seal_key_unlock(f->priv, longpass, &key), -1);
	assert_null(key);

	/* The right one still works (and a second time). */
	assert_int_equal(seal_key_unlock(f->priv, PASS, &key), 0);
	assert_int_equal(EVP_PKEY_eq(key, f->key), 1);
	seal_key_free(key);
	seal_key_free(NULL);
}

static void
test_unlock_bad_pem(void **state)
{
	struct fixture	*f = *state;
	EVP_PKEY	*key;
	BIO		*bio;
	char		*plain, *cut, *data;
	long		 n;
	size_t		 len, pos, i;
	static const size_t at[] = { 40, 70, 96 };
	static const char legacy[] =
	    "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
	    "Proc-Type: 4,ENCRYPTED\n"
	    "DEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n"
	    "\n"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
	    "-----END ENCRYPTED PRIVATE KEY-----\n";

	assert_int_equal(seal_key_unlock(NULL, PASS, &key), -1);
	assert_int_equal(seal_key_unlock("", PASS, &key), -1);
	assert_int_equal(seal_key_unlock("not a pem", PASS, &key), -1);
	assert_int_equal(seal_key_unlock(f->pub, PASS, &key), -1);
	/* Legacy PEM encryption: refused without asking for a password. */
	assert_int_equal(seal_key_unlock(legacy, PASS, &key), -1);
	assert_null(key);

	/* An unencrypted PKCS#8 key is refused even though it is valid. */
	assert_non_null(bio = BIO_new(BIO_s_mem()));
	assert_int_equal(PEM_write_bio_PrivateKey(bio, f->key, NULL, NULL, 0,
	    NULL, NULL), 1);
	n = BIO_get_mem_data(bio, &data);
	assert_non_null(plain = calloc(1, (size_t)n + 1));
	memcpy(plain, data, (size_t)n);
	assert_non_null(strstr(plain, "BEGIN PRIVATE KEY"));
	assert_int_equal(seal_key_unlock(plain, PASS, &key), -1);
	assert_null(key);
	OPENSSL_cleanse(plain, (size_t)n);
	free(plain);
	BIO_free(bio);

	/* Truncated in the middle of the base64 body. */
	len = strlen(f->priv);
	assert_non_null(cut = strdup(f->priv));
	cut[len / 2] = '\0';
	assert_int_equal(seal_key_unlock(cut, PASS, &key), -1);
	/*
	 * One changed base64 character in the encrypted data: near the end
	 * (breaks the CBC padding) and in the middle (garbles a block of a
	 * key component, which only the key check after decryption sees).
	 */
	for (i = 0; i < NELEM(at); i++) {
		strcpy(cut, f->priv);
		pos = len * at[i] / 100;
		while (!isalnum((unsigned char)cut[pos]))
			pos--;
		cut[pos] = cut[pos] == 'A' ? 'B' : 'A';
		key = (EVP_PKEY *)f;
		assert_int_equal(seal_key_unlock(cut, PASS, &key), -1);
		assert_null(key);
	}
	free(cut);
	assert_int_equal(ERR_peek_error(), 0);
}

/* An envelope made by WebCrypto opens; the format is the browser's. */
static void
test_webcrypto_vector(void **state)
{
	struct fixture	*f = *state;
	unsigned char	*env, *pt;
	size_t		 envlen, ptlen;

	assert_int_equal(seal_b64_decode(vector_env_b64, &env, &envlen), 0);
	assert_int_equal(envlen, 31 + K3072 + strlen(VECTOR_MSG));
	assert_int_equal(open_aad(f->vkey, env, envlen, VECTOR_AAD, &pt,
	    &ptlen), 0);
	assert_int_equal(ptlen, strlen(VECTOR_MSG));
	assert_memory_equal(pt, VECTOR_MSG, ptlen);
	seal_free(pt, ptlen);

	assert_int_equal(open_aad(f->vkey, env, envlen, AAD, &pt, &ptlen),
	    -1);
	assert_int_equal(open_aad(f->vkey, env, envlen, NULL, &pt, &ptlen),
	    -1);
	assert_int_equal(open_aad(f->key, env, envlen, VECTOR_AAD, &pt,
	    &ptlen), -1);
	free(env);
}

static void
test_roundtrip(void **state)
{
	struct fixture	*f = *state;
	static const size_t sizes[] = { 0, 1, 15, 16, 17, 120, 1000, 65536 };
	static const char *aads[] = { NULL, AAD };
	unsigned char	*msg, *env, *pt, *e1, *e2;
	size_t		 i, j, envlen, ptlen, l1, l2;

	assert_non_null(msg = malloc(65536));
	assert_int_equal(RAND_bytes(msg, 65536), 1);
	for (i = 0; i < NELEM(sizes); i++) {
		for (j = 0; j < NELEM(aads); j++) {
			env = seal_ok(f->pub, sizes[i] ? msg : NULL, sizes[i],
			    aads[j], &envlen);
			assert_int_equal(open_aad(f->key, env, envlen, aads[j],
			    &pt, &ptlen), 0);
			assert_non_null(pt);
			assert_int_equal(ptlen, sizes[i]);
			if (ptlen > 0)
				assert_memory_equal(pt, msg, ptlen);
			seal_free(pt, ptlen);
			free(env);
		}
	}
	/* Two seals of the same message differ (fresh key and IV). */
	e1 = seal_ok(f->pub, msg, 32, AAD, &l1);
	e2 = seal_ok(f->pub, msg, 32, AAD, &l2);
	assert_int_equal(l1, l2);
	assert_true(memcmp(e1 + 3, e2 + 3, K3072) != 0);
	assert_true(memcmp(e1 + 3 + K3072, e2 + 3 + K3072, 12) != 0);
	free(e1);
	free(e2);
	free(msg);
}

/*
 * seal_to's output taken apart by hand: RSA-OAEP SHA-256/MGF1-SHA-256
 * unwrap, then AES-256-GCM over ciphertext || tag with the AAD.
 */
static void
test_layout_by_hand(void **state)
{
	struct fixture	*f = *state;
	static const char msg[] = "the price is 98,765,432 won";
	unsigned char	*env, key[512], pt[64], tag[16];
	const unsigned char *iv, *ct;
	EVP_PKEY_CTX	*pctx;
	EVP_CIPHER_CTX	*c;
	size_t		 envlen, klen, n;
	int		 m;

	env = seal_ok(f->pub, (const unsigned char *)msg, strlen(msg), AAD,
	    &envlen);
	assert_non_null(pctx = EVP_PKEY_CTX_new_from_pkey(NULL, f->key, NULL));
	assert_true(EVP_PKEY_decrypt_init(pctx) > 0);
	assert_true(EVP_PKEY_CTX_set_rsa_padding(pctx,
	    RSA_PKCS1_OAEP_PADDING) > 0);
	assert_true(EVP_PKEY_CTX_set_rsa_oaep_md(pctx, EVP_sha256()) > 0);
	assert_true(EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) > 0);
	klen = sizeof(key);
	assert_true(EVP_PKEY_decrypt(pctx, key, &klen, env + 3, K3072) > 0);
	assert_int_equal(klen, 32);
	EVP_PKEY_CTX_free(pctx);

	iv = env + 3 + K3072;
	ct = iv + 12;
	n = envlen - 3 - K3072 - 12 - 16;
	assert_int_equal(n, strlen(msg));
	memcpy(tag, ct + n, 16);
	assert_non_null(c = EVP_CIPHER_CTX_new());
	assert_int_equal(EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, key,
	    iv), 1);
	assert_int_equal(EVP_DecryptUpdate(c, NULL, &m,
	    (const unsigned char *)AAD, (int)strlen(AAD)), 1);
	assert_int_equal(EVP_DecryptUpdate(c, pt, &m, ct, (int)n), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, tag),
	    1);
	assert_int_equal(EVP_DecryptFinal_ex(c, pt + m, &m), 1);
	assert_memory_equal(pt, msg, n);
	EVP_CIPHER_CTX_free(c);
	OPENSSL_cleanse(key, sizeof(key));
	free(env);
}

static void
test_wrong_aad(void **state)
{
	struct fixture	*f = *state;
	static const char msg[] = "sealed";
	unsigned char	*env, *pt;
	size_t		 envlen, ptlen;

	env = seal_ok(f->pub, (const unsigned char *)msg, 6, AAD, &envlen);
	assert_int_equal(open_aad(f->key, env, envlen, NULL, &pt, &ptlen), -1);
	assert_int_equal(open_aad(f->key, env, envlen, "", &pt, &ptlen), -1);
	assert_int_equal(open_aad(f->key, env, envlen,
	    "R26BK00000001|0|supplier-8", &pt, &ptlen), -1);
	assert_int_equal(open_aad(f->key, env, envlen,
	    "R26BK00000001|0|supplier-7 ", &pt, &ptlen), -1);
	assert_int_equal(open_aad(f->key, env, envlen,
	    "R26BK00000001|0|supplier-", &pt, &ptlen), -1);
	assert_int_equal(open_aad(f->key, env, envlen, AAD, &pt, &ptlen), 0);
	seal_free(pt, ptlen);
	free(env);

	/* Sealed without AAD: any AAD fails, empty AAD is no AAD. */
	env = seal_ok(f->pub, (const unsigned char *)msg, 6, NULL, &envlen);
	assert_int_equal(open_aad(f->key, env, envlen, AAD, &pt, &ptlen), -1);
	assert_int_equal(open_aad(f->key, env, envlen, "", &pt, &ptlen), 0);
	seal_free(pt, ptlen);
	free(env);
}

/* Every byte changed in turn, and every bit at the field edges. */
static void
test_bit_flips(void **state)
{
	struct fixture	*f = *state;
	static const char msg[] = "0123456789abcdef0123";
	unsigned char	*env, *pt;
	size_t		 envlen, ptlen, pos, i, ct0, tag0;
	int		 bit;
	size_t		 edges[12];

	env = seal_ok(f->pub, (const unsigned char *)msg, strlen(msg), AAD,
	    &envlen);
	for (pos = 0; pos < envlen; pos++) {
		env[pos] ^= 0x01;
		assert_int_equal(open_aad(f->key, env, envlen, AAD, &pt,
		    &ptlen), -1);
		env[pos] ^= 0x01;
	}
	ct0 = 3 + K3072 + 12;
	tag0 = ct0 + strlen(msg);
	edges[0] = 0;			/* version */
	edges[1] = 1;			/* wrapped key length */
	edges[2] = 2;
	edges[3] = 3;			/* wrapped key */
	edges[4] = 3 + K3072 / 2;
	edges[5] = 3 + K3072 - 1;
	edges[6] = 3 + K3072;		/* IV */
	edges[7] = 3 + K3072 + 11;
	edges[8] = ct0;			/* ciphertext */
	edges[9] = tag0 - 1;
	edges[10] = tag0;		/* tag */
	edges[11] = envlen - 1;
	for (i = 0; i < NELEM(edges); i++) {
		for (bit = 0; bit < 8; bit++) {
			env[edges[i]] ^= (unsigned char)(1 << bit);
			assert_int_equal(open_aad(f->key, env, envlen, AAD,
			    &pt, &ptlen), -1);
			env[edges[i]] ^= (unsigned char)(1 << bit);
		}
	}
	/* Unchanged, it still opens. */
	assert_int_equal(open_aad(f->key, env, envlen, AAD, &pt, &ptlen), 0);
	seal_free(pt, ptlen);
	free(env);
}

static void
test_truncated_and_oversize(void **state)
{
	struct fixture	*f = *state;
	static const char msg[] = "truncate me";
	unsigned char	*env, *big, *pt;
	size_t		 envlen, len, ptlen;

	env = seal_ok(f->pub, (const unsigned char *)msg, strlen(msg), AAD,
	    &envlen);
	/* Every proper prefix, below the minimum (31 + k) and above it. */
	for (len = 0; len < envlen; len++)
		assert_int_equal(open_aad(f->key, env, len, AAD, &pt, &ptlen),
		    -1);
	/* A trailing byte moves the tag: refused. */
	assert_non_null(big = malloc(SEAL_ENVELOPE_MAX + 1));
	memcpy(big, env, envlen);
	big[envlen] = 0;
	assert_int_equal(open_aad(f->key, big, envlen + 1, AAD, &pt, &ptlen),
	    -1);
	/* Over the cap, with a good header: refused before any work. */
	memset(big + envlen, 0, SEAL_ENVELOPE_MAX + 1 - envlen);
	assert_int_equal(open_aad(f->key, big, SEAL_ENVELOPE_MAX + 1, AAD, &pt,
	    &ptlen), -1);
	free(big);

	/* The empty message gives the minimum envelope: 31 + k bytes. */
	free(env);
	env = seal_ok(f->pub, NULL, 0, AAD, &envlen);
	assert_int_equal(envlen, 31 + K3072);
	for (len = 0; len < envlen; len++)
		assert_int_equal(open_aad(f->key, env, len, AAD, &pt, &ptlen),
		    -1);
	assert_int_equal(open_aad(f->key, env, envlen, AAD, &pt, &ptlen), 0);
	assert_non_null(pt);
	assert_int_equal(ptlen, 0);
	seal_free(pt, ptlen);
	free(env);
}

static void
test_size_limit(void **state)
{
	struct fixture	*f = *state;
	unsigned char	*msg, *env, *pt;
	size_t		 max, envlen, ptlen;

	max = SEAL_ENVELOPE_MAX - 31 - K3072;
	assert_non_null(msg = calloc(1, SEAL_ENVELOPE_MAX + 1));
	msg[0] = 1;
	msg[max - 1] = 2;
	env = (unsigned char *)"junk";
	envlen = 99;
	assert_int_equal(seal_to(f->pub, msg, max + 1, NULL, 0, &env,
	    &envlen), -1);
	assert_null(env);
	assert_int_equal(envlen, 0);
	assert_int_equal(seal_to(f->pub, msg, SEAL_ENVELOPE_MAX + 1, NULL, 0,
	    &env, &envlen), -1);
	assert_int_equal(seal_to(f->pub, msg, SIZE_MAX, NULL, 0, &env,
	    &envlen), -1);
	env = seal_ok(f->pub, msg, max, NULL, &envlen);
	assert_int_equal(envlen, SEAL_ENVELOPE_MAX);
	assert_int_equal(open_aad(f->key, env, envlen, NULL, &pt, &ptlen), 0);
	assert_int_equal(ptlen, max);
	assert_memory_equal(pt, msg, max);
	seal_free(pt, ptlen);
	free(env);
	free(msg);
}

static void
test_other_key(void **state)
{
	struct fixture	*f = *state;
	static const char msg[] = "for the other key";
	unsigned char	*env, *pt;
	size_t		 envlen, ptlen;
	EVP_PKEY	*k2048, *k1024, *ec;
	char		*pub2048, *pub1024, *pubec;

	/* Same key size, other key: the unwrap fails. */
	env = seal_ok(f->vpub, (const unsigned char *)msg, strlen(msg), AAD,
	    &envlen);
	assert_int_equal(open_aad(f->key, env, envlen, AAD, &pt, &ptlen), -1);
	assert_int_equal(open_aad(f->vkey, env, envlen, AAD, &pt, &ptlen), 0);
	seal_free(pt, ptlen);
	free(env);
	env = seal_ok(f->pub, (const unsigned char *)msg, strlen(msg), AAD,
	    &envlen);
	assert_int_equal(open_aad(f->vkey, env, envlen, AAD, &pt, &ptlen), -1);
	free(env);

	/* Another key size: the wrapped key length does not match. */
	assert_non_null(k2048 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
	    (size_t)2048));
	pub2048 = pub_pem_of(k2048);
	assert_int_equal(seal_to(pub2048, (const unsigned char *)msg,
	    strlen(msg), NULL, 0, &env, &envlen), 0);
	assert_int_equal(envlen, 31 + 256 + strlen(msg));
	assert_int_equal(open_aad(f->key, env, envlen, NULL, &pt, &ptlen), -1);
	assert_int_equal(open_aad(k2048, env, envlen, NULL, &pt, &ptlen), 0);
	seal_free(pt, ptlen);
	free(env);

	/* Too small or not RSA: refused both ways. */
	assert_non_null(k1024 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
	    (size_t)1024));
	pub1024 = pub_pem_of(k1024);
	env = (unsigned char *)"junk";
	assert_int_equal(seal_to(pub1024, (const unsigned char *)msg,
	    strlen(msg), NULL, 0, &env, &envlen), -1);
	assert_null(env);
	assert_non_null(ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"));
	pubec = pub_pem_of(ec);
	assert_int_equal(seal_to(pubec, (const unsigned char *)msg,
	    strlen(msg), NULL, 0, &env, &envlen), -1);
	env = seal_ok(f->pub, (const unsigned char *)msg, strlen(msg), NULL,
	    &envlen);
	assert_int_equal(open_aad(k1024, env, envlen, NULL, &pt, &ptlen), -1);
	assert_int_equal(open_aad(ec, env, envlen, NULL, &pt, &ptlen), -1);
	free(env);
	assert_int_equal(ERR_peek_error(), 0);

	free(pub2048);
	free(pub1024);
	free(pubec);
	EVP_PKEY_free(k2048);
	EVP_PKEY_free(k1024);
	EVP_PKEY_free(ec);
}

static void
test_bad_args(void **state)
{
	struct fixture	*f = *state;
	unsigned char	*env, *pt;
	size_t		 envlen, ptlen;
	EVP_PKEY	*pub;
	BIO		*bio;
	static const unsigned char msg[] = "x";

	assert_int_equal(seal_to(NULL, msg, 1, NULL, 0, &env, &envlen), -1);
	assert_int_equal(seal_to("", msg, 1, NULL, 0, &env, &envlen), -1);
	assert_int_equal(seal_to("-----BEGIN PUBLIC KEY-----\nAAAA\n"
	    "-----END PUBLIC KEY-----\n", msg, 1, NULL, 0, &env, &envlen), -1);
	assert_int_equal(seal_to(f->priv, msg, 1, NULL, 0, &env, &envlen), -1);
	assert_int_equal(seal_to(f->pub, NULL, 1, NULL, 0, &env, &envlen), -1);
	assert_int_equal(seal_to(f->pub, msg, 1, NULL, 1, &env, &envlen), -1);
	assert_int_equal(seal_to(f->pub, msg, 1, NULL, 0, NULL, &envlen), -1);
	assert_int_equal(seal_to(f->pub, msg, 1, NULL, 0, &env, NULL), -1);
	assert_null(env);
	assert_int_equal(ERR_peek_error(), 0);

	env = seal_ok(f->pub, msg, 1, NULL, &envlen);
	assert_int_equal(seal_open(NULL, env, envlen, NULL, 0, &pt, &ptlen),
	    -1);
	assert_int_equal(seal_open(f->key, NULL, envlen, NULL, 0, &pt,
	    &ptlen), -1);
	assert_int_equal(seal_open(f->key, env, envlen, NULL, 1, &pt, &ptlen),
	    -1);
	assert_int_equal(seal_open(f->key, env, envlen, NULL, 0, NULL,
	    &ptlen), -1);
	assert_int_equal(seal_open(f->key, env, envlen, NULL, 0, &pt, NULL),
	    -1);
	/* The public half alone cannot open. */
	assert_non_null(bio = BIO_new_mem_buf(f->pub, -1));
	assert_non_null(pub = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL));
	assert_int_equal(open_aad(pub, env, envlen, NULL, &pt, &ptlen), -1);
	EVP_PKEY_free(pub);
	BIO_free(bio);
	/* Version 2 and version 0 are refused. */
	env[0] = 2;
	assert_int_equal(open_aad(f->key, env, envlen, NULL, &pt, &ptlen), -1);
	env[0] = 0;
	assert_int_equal(open_aad(f->key, env, envlen, NULL, &pt, &ptlen), -1);
	free(env);
	seal_free(NULL, 0);
}

/*
 * An envelope built here with the EVP calls (as a browser would) opens,
 * and one whose wrapped key holds 31 or 33 bytes does not.
 */
static void
build_env(EVP_PKEY *key, const unsigned char *aeskey, size_t aeskeylen,
    const char *msg, const char *aad, unsigned char *env, size_t *envlen)
{
	EVP_PKEY_CTX	*pctx;
	EVP_CIPHER_CTX	*c;
	unsigned char	 full[32], *iv, *ct;
	size_t		 wlen, n;
	int		 m;

	n = strlen(msg);
	assert_non_null(pctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL));
	assert_true(EVP_PKEY_encrypt_init(pctx) > 0);
	assert_true(EVP_PKEY_CTX_set_rsa_padding(pctx,
	    RSA_PKCS1_OAEP_PADDING) > 0);
	assert_true(EVP_PKEY_CTX_set_rsa_oaep_md(pctx, EVP_sha256()) > 0);
	assert_true(EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) > 0);
	wlen = K3072;
	assert_true(EVP_PKEY_encrypt(pctx, env + 3, &wlen, aeskey,
	    aeskeylen) > 0);
	assert_int_equal(wlen, K3072);
	EVP_PKEY_CTX_free(pctx);
	env[0] = 1;
	env[1] = K3072 >> 8;
	env[2] = K3072 & 0xff;
	iv = env + 3 + K3072;
	ct = iv + 12;
	memset(iv, 0x5a, 12);
	memset(full, 0, sizeof(full));
	memcpy(full, aeskey, aeskeylen < 32 ? aeskeylen : 32);
	assert_non_null(c = EVP_CIPHER_CTX_new());
	assert_int_equal(EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, full,
	    iv), 1);
	assert_int_equal(EVP_EncryptUpdate(c, NULL, &m,
	    (const unsigned char *)aad, (int)strlen(aad)), 1);
	assert_int_equal(EVP_EncryptUpdate(c, ct, &m,
	    (const unsigned char *)msg, (int)n), 1);
	assert_int_equal(EVP_EncryptFinal_ex(c, ct + n, &m), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16,
	    ct + n), 1);
	EVP_CIPHER_CTX_free(c);
	*envlen = 31 + K3072 + n;
}

static void
test_reference_envelope(void **state)
{
	struct fixture	*f = *state;
	static const char msg[] = "reference envelope";
	unsigned char	 aeskey[33], env[31 + K3072 + 64], *pt;
	size_t		 envlen, ptlen;

	assert_int_equal(RAND_bytes(aeskey, sizeof(aeskey)), 1);
	build_env(f->key, aeskey, 32, msg, AAD, env, &envlen);
	assert_int_equal(open_aad(f->key, env, envlen, AAD, &pt, &ptlen), 0);
	assert_int_equal(ptlen, strlen(msg));
	assert_memory_equal(pt, msg, ptlen);
	seal_free(pt, ptlen);

	build_env(f->key, aeskey, 31, msg, AAD, env, &envlen);
	assert_int_equal(open_aad(f->key, env, envlen, AAD, &pt, &ptlen), -1);
	build_env(f->key, aeskey, 33, msg, AAD, env, &envlen);
	assert_int_equal(open_aad(f->key, env, envlen, AAD, &pt, &ptlen), -1);
}

static void
test_prices_roundtrip(void **state)
{
	struct fixture	*f = *state;
	int64_t		 in[SEAL_PRICES], out[SEAL_PRICES];
	unsigned char	*env, *pt, want[SEAL_PRICES_LEN], aad[64];
	size_t		 envlen, ptlen, alen;
	uint64_t	 u;
	int		 i, j;

	for (i = 0; i < SEAL_PRICES; i++)
		in[i] = INT64_C(98000000) + INT64_C(266666) * i + i;
	in[13] = INT64_MAX;
	in[14] = INT64_MIN;
	in[12] = -1;
	assert_int_equal(seal_prices(f->pub, in, "R26BK00000001|0", &env,
	    &envlen), 0);
	assert_int_equal(envlen, 31 + K3072 + 120);
	memset(out, 0x55, sizeof(out));
	assert_int_equal(seal_prices_open(f->key, env, envlen,
	    "R26BK00000001|0", out), 0);
	assert_memory_equal(in, out, sizeof(in));

	/* The plaintext is 15 big-endian int64 under the tagged AAD. */
	for (i = 0; i < SEAL_PRICES; i++) {
		u = (uint64_t)in[i];
		for (j = 7; j >= 0; j--) {
			want[i * 8 + j] = (unsigned char)u;
			u >>= 8;
		}
	}
	memcpy(aad, "g2b-prices-v1\0R26BK00000001|0", 29);
	alen = 29;
	assert_int_equal(seal_open(f->key, env, envlen, aad, alen, &pt,
	    &ptlen), 0);
	assert_int_equal(ptlen, SEAL_PRICES_LEN);
	assert_memory_equal(pt, want, SEAL_PRICES_LEN);
	assert_int_equal(pt[0], 0);
	assert_int_equal(pt[4], 0x05);	/* 98,000,000 = 0x05D75C80 */
	assert_int_equal(pt[7], 0x80);
	seal_free(pt, ptlen);

	/* Under the plain AAD (as a bid would be) it does not open. */
	assert_int_equal(open_aad(f->key, env, envlen, "R26BK00000001|0", &pt,
	    &ptlen), -1);
	free(env);
}

static void
test_prices_refused(void **state)
{
	struct fixture	*f = *state;
	int64_t		 in[SEAL_PRICES], out[SEAL_PRICES];
	unsigned char	*env, buf[SEAL_PRICES_LEN + 1], aad[32];
	size_t		 envlen;
	int		 i;

	for (i = 0; i < SEAL_PRICES; i++)
		in[i] = 1000 + i;
	assert_int_equal(seal_prices(f->pub, in, "N-1|0", &env, &envlen), 0);
	memset(out, 0x55, sizeof(out));
	assert_int_equal(seal_prices_open(f->key, env, envlen, "N-1|1", out),
	    -1);
	for (i = 0; i < SEAL_PRICES; i++)
		assert_true(out[i] == 0);
	assert_int_equal(seal_prices_open(f->key, env, envlen, "", out), -1);
	assert_int_equal(seal_prices_open(f->key, env, envlen, NULL, out), -1);
	assert_int_equal(seal_prices_open(f->vkey, env, envlen, "N-1|0", out),
	    -1);
	env[envlen - 1] ^= 0x40;
	assert_int_equal(seal_prices_open(f->key, env, envlen, "N-1|0", out),
	    -1);
	assert_int_equal(seal_prices_open(f->key, env, envlen, "N-1|0", NULL),
	    -1);
	free(env);

	/* A bid-shaped envelope (plain AAD) is no price list. */
	memset(buf, 0, sizeof(buf));
	env = seal_ok(f->pub, buf, SEAL_PRICES_LEN, "N-1|0", &envlen);
	assert_int_equal(seal_prices_open(f->key, env, envlen, "N-1|0", out),
	    -1);
	free(env);
	/* The right AAD but 119 or 121 bytes of plaintext. */
	memcpy(aad, "g2b-prices-v1\0N-1|0", 19);
	assert_int_equal(seal_to(f->pub, buf, SEAL_PRICES_LEN - 1, aad, 19,
	    &env, &envlen), 0);
	assert_int_equal(seal_prices_open(f->key, env, envlen, "N-1|0", out),
	    -1);
	free(env);
	assert_int_equal(seal_to(f->pub, buf, SEAL_PRICES_LEN + 1, aad, 19,
	    &env, &envlen), 0);
	assert_int_equal(seal_prices_open(f->key, env, envlen, "N-1|0", out),
	    -1);
	free(env);
	assert_int_equal(seal_to(f->pub, buf, SEAL_PRICES_LEN, aad, 19,
	    &env, &envlen), 0);
	assert_int_equal(seal_prices_open(f->key, env, envlen, "N-1|0", out),
	    0);
	free(env);

	env = (unsigned char *)"junk";
	assert_int_equal(seal_prices(f->pub, in, NULL, &env, &envlen), -1);
	assert_null(env);
	assert_int_equal(seal_prices(f->pub, NULL, "N-1|0", &env, &envlen),
	    -1);
	assert_int_equal(seal_prices("junk", in, "N-1|0", &env, &envlen), -1);
	assert_int_equal(ERR_peek_error(), 0);
}

static void
test_b64_vectors(void **state)
{
	/* RFC 4648, section 10, plus both extra characters. */
	static const struct {
		const char	*raw;
		size_t		 len;
		const char	*b64;
	} v[] = {
		{ "", 0, "" },
		{ "f", 1, "Zg==" },
		{ "fo", 2, "Zm8=" },
		{ "foo", 3, "Zm9v" },
		{ "foob", 4, "Zm9vYg==" },
		{ "fooba", 5, "Zm9vYmE=" },
		{ "foobar", 6, "Zm9vYmFy" },
		{ "\xfb\xff", 2, "+/8=" },
		{ "\x00\x00\x00", 3, "AAAA" },
		{ "\xff\xff\xff", 3, "////" },
	};
	unsigned char	*raw;
	char		*s;
	size_t		 i, len;

	(void)state;
	for (i = 0; i < NELEM(v); i++) {
		assert_int_equal(seal_b64_encode((const unsigned char *)v[i].raw,
		    v[i].len, &s), 0);
		assert_string_equal(s, v[i].b64);
		free(s);
		assert_int_equal(seal_b64_decode(v[i].b64, &raw, &len), 0);
		assert_non_null(raw);
		assert_int_equal(len, v[i].len);
		if (len > 0)
			assert_memory_equal(raw, v[i].raw, len);
		free(raw);
	}
	assert_int_equal(seal_b64_encode(NULL, 0, &s), 0);
	assert_string_equal(s, "");
	free(s);
}

static void
test_b64_roundtrip(void **state)
{
	unsigned char	 buf[300], *raw;
	char		*s;
	size_t		 n, len;

	(void)state;
	assert_int_equal(RAND_bytes(buf, sizeof(buf)), 1);
	for (n = 0; n <= sizeof(buf); n++) {
		assert_int_equal(seal_b64_encode(buf, n, &s), 0);
		assert_int_equal(strlen(s), (n + 2) / 3 * 4);
		assert_int_equal(seal_b64_decode(s, &raw, &len), 0);
		assert_int_equal(len, n);
		if (n > 0)
			assert_memory_equal(raw, buf, n);
		free(raw);
		free(s);
	}
}

static void
test_b64_strict(void **state)
{
	static const char *bad[] = {
		"Zg", "Zg=", "Zm9", "Zm9vY", "=", "==",	/* length */
		"Zm9v!AAA", "Zm9 v===", "Zm9v\n", " Zm9v", "Zm9v ",
		"Zm-_", "Zm9\x80",			/* alphabet */
		"Zg=a", "Z===", "====", "=Zg=", "Zm9v====", "Zg==Zg==",
		"Z=g=", "Zm=v",				/* padding */
		"Zh==", "Zm9=", "Zm//Zm/=", "AB==",	/* stray bits */
	};
	unsigned char	*raw, *big;
	size_t		 i, len;
	char		*s;

	(void)state;
	for (i = 0; i < NELEM(bad); i++) {
		raw = (unsigned char *)"junk";
		len = 99;
		assert_int_equal(seal_b64_decode(bad[i], &raw, &len), -1);
		assert_null(raw);
		assert_int_equal(len, 0);
	}
	assert_int_equal(seal_b64_decode(NULL, &raw, &len), -1);
	assert_int_equal(seal_b64_decode("Zg==", NULL, &len), -1);
	assert_int_equal(seal_b64_decode("Zg==", &raw, NULL), -1);
	assert_int_equal(seal_b64_encode((const unsigned char *)"x", 1, NULL),
	    -1);
	assert_int_equal(seal_b64_encode(NULL, 1, &s), -1);
	assert_null(s);

	/* Size limits: SEAL_ENVELOPE_MAX bytes and its text are fine. */
	assert_non_null(big = calloc(1, SEAL_ENVELOPE_MAX + 1));
	assert_int_equal(seal_b64_encode(big, SEAL_ENVELOPE_MAX + 1, &s), -1);
	assert_int_equal(seal_b64_encode(big, SEAL_ENVELOPE_MAX, &s), 0);
	assert_int_equal(strlen(s), SEAL_B64_MAX);
	assert_int_equal(seal_b64_decode(s, &raw, &len), 0);
	assert_int_equal(len, SEAL_ENVELOPE_MAX);
	free(raw);
	free(s);
	assert_non_null(s = malloc(SEAL_B64_MAX + 5));
	memset(s, 'A', SEAL_B64_MAX + 4);
	s[SEAL_B64_MAX + 4] = '\0';
	assert_int_equal(seal_b64_decode(s, &raw, &len), -1);
	free(s);
	free(big);
}

/* An envelope survives the text column: base64 out and back. */
static void
test_b64_envelope(void **state)
{
	struct fixture	*f = *state;
	unsigned char	*env, *back, *pt;
	size_t		 envlen, backlen, ptlen;
	char		*s;

	env = seal_ok(f->pub, (const unsigned char *)"abc", 3, AAD, &envlen);
	assert_int_equal(seal_b64_encode(env, envlen, &s), 0);
	assert_int_equal(strncmp(s, "AQGA", 4), 0);	/* 01 01 80 */
	assert_int_equal(seal_b64_decode(s, &back, &backlen), 0);
	assert_int_equal(backlen, envlen);
	assert_memory_equal(back, env, envlen);
	assert_int_equal(open_aad(f->key, back, backlen, AAD, &pt, &ptlen), 0);
	assert_memory_equal(pt, "abc", 3);
	seal_free(pt, ptlen);
	free(back);
	free(s);
	free(env);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keypair_pem_forms),
		cmocka_unit_test(test_keypair_rsa_params),
		cmocka_unit_test(test_keypair_kdf),
		cmocka_unit_test(test_keypair_bad_args),
		cmocka_unit_test(test_unlock_wrong_pass),
		cmocka_unit_test(test_unlock_bad_pem),
		cmocka_unit_test(test_unlock_kdf_policy),
		cmocka_unit_test(test_webcrypto_vector),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_layout_by_hand),
		cmocka_unit_test(test_reference_envelope),
		cmocka_unit_test(test_wrong_aad),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_truncated_and_oversize),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_other_key),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_prices_roundtrip),
		cmocka_unit_test(test_prices_refused),
		cmocka_unit_test(test_b64_vectors),
		cmocka_unit_test(test_b64_roundtrip),
		cmocka_unit_test(test_b64_strict),
		cmocka_unit_test(test_b64_envelope),
	};

	return (cmocka_run_group_tests(tests, group_setup, group_teardown));
}
