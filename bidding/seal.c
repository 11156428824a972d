/*
 * seal: the opening key pair of a notice, hybrid sealing to it (RSA-OAEP
 * wrapping an AES-256-GCM key) and the sealed preliminary prices.
 *
 * Owns no state: it turns passphrases, PEM text and bytes into other PEM
 * text and bytes. It may call libc and OpenSSL 3 libcrypto (EVP, PEM,
 * PKCS#8, OSSL_ENCODER), never Kore or the database. The formats are
 * stated in seal.h; a browser produces the same envelopes with WebCrypto.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "seal.h"

#define RSA_MAX_BITS	16384
#define RSA_PUB_EXP	65537U
#define PRICES_TAG	"g2b-prices-v1"

static int	pass_len(const char *, int *);
static int	rsa_ok(EVP_PKEY *);
static EVP_PKEY	*pub_load(const char *);
static int	priv_encrypt(EVP_PKEY *, const char *, int, char **);
static int	kdf_ok(const X509_SIG *);
static EVP_PKEY_CTX *oaep_ctx(EVP_PKEY *, int);
static int	prices_aad(const char *, unsigned char **, size_t *);
static void	put_be64(unsigned char *, uint64_t);
static uint64_t	get_be64(const unsigned char *);
static int	b64_val(char);

/* A passphrase of 1..SEAL_PASS_MAX bytes: its length in *len. */
static int
pass_len(const char *pass, int *len)
{
	size_t	n;

	if (pass == NULL)
		return (-1);
	n = strnlen(pass, SEAL_PASS_MAX + 1);
	if (n == 0 || n > SEAL_PASS_MAX)
		return (-1);
	*len = (int)n;
	return (0);
}

/*
 * Password callback for PEM reads that must not ask for one: without it
 * a legacy "Proc-Type: 4,ENCRYPTED" block would prompt on the terminal.
 */
int
seal_no_pass_cb(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return (-1);
}

/* The contents of a memory BIO as a NUL-terminated malloc'd string. */
int
seal_bio_to_str(BIO *bio, char **out)
{
	char	*data, *s;
	long	 n;

	n = BIO_get_mem_data(bio, &data);
	if (n <= 0 || (unsigned long)n > SEAL_PEM_MAX)
		return (-1);
	if ((s = malloc((size_t)n + 1)) == NULL)
		return (-1);
	memcpy(s, data, (size_t)n);
	s[n] = '\0';
	*out = s;
	return (0);
}

BIO *
seal_pem_bio(const char *pem)
{
	size_t	n;

	if (pem == NULL)
		return (NULL);
	n = strnlen(pem, SEAL_PEM_MAX + 1);
	if (n == 0 || n > SEAL_PEM_MAX)
		return (NULL);
	return (BIO_new_mem_buf(pem, (int)n));
}

int
seal_pass_ok(const char *pass)
{
	int	len;

	return (pass_len(pass, &len) == 0);
}

/* 1 if key is an RSA key of a size we accept. */
static int
rsa_ok(EVP_PKEY *key)
{
	int	bits;

	if (key == NULL || !EVP_PKEY_is_a(key, "RSA"))
		return (0);
	bits = EVP_PKEY_get_bits(key);
	return (bits >= SEAL_RSA_MIN_BITS && bits <= RSA_MAX_BITS);
}

/* An RSA public key from SubjectPublicKeyInfo PEM, or NULL. */
static EVP_PKEY *
pub_load(const char *pem)
{
	BIO		*bio;
	EVP_PKEY	*key;
	size_t		 n;

	if (pem == NULL)
		return (NULL);
	n = strnlen(pem, SEAL_PEM_MAX + 1);
	if (n == 0 || n > SEAL_PEM_MAX)
		return (NULL);
	if ((bio = BIO_new_mem_buf(pem, (int)n)) == NULL)
		return (NULL);
	key = PEM_read_bio_PUBKEY(bio, NULL, seal_no_pass_cb, NULL);
	BIO_free(bio);
	if (key != NULL && !rsa_ok(key)) {
		EVP_PKEY_free(key);
		key = NULL;
	}
	return (key);
}

/*
 * Encrypted PKCS#8 PEM of key: PBES2, scrypt, AES-256-CBC. The plain
 * PrivateKeyInfo DER is encoded here rather than by EVP_PKEY2PKCS8 so
 * that this file wipes it.
 */
static int
priv_encrypt(EVP_PKEY *key, const char *pass, int passlen, char **out)
{
	OSSL_ENCODER_CTX	*ectx = NULL;
	PKCS8_PRIV_KEY_INFO	*p8 = NULL;
	X509_ALGOR		*pbe = NULL;
	X509_SIG		*sig = NULL;
	BIO			*bio = NULL;
	unsigned char		*der = NULL, salt[SEAL_SCRYPT_SALT_LEN];
	const unsigned char	*p;
	size_t			 derlen = 0;
	int			 rc = -1;

	ectx = OSSL_ENCODER_CTX_new_for_pkey(key, OSSL_KEYMGMT_SELECT_KEYPAIR,
	    "DER", "PrivateKeyInfo", NULL);
	if (ectx == NULL || OSSL_ENCODER_CTX_get_num_encoders(ectx) == 0)
		goto cleanup;
	if (!OSSL_ENCODER_to_data(ectx, &der, &derlen) || der == NULL ||
	    derlen == 0 || derlen > LONG_MAX)
		goto cleanup;
	p = der;
	if ((p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)derlen)) == NULL)
		goto cleanup;
	if (RAND_bytes(salt, sizeof(salt)) != 1)
		goto cleanup;
	/* A NULL IV makes OpenSSL draw a random one. */
	pbe = PKCS5_pbe2_set_scrypt(EVP_aes_256_cbc(), salt, sizeof(salt),
	    NULL, SEAL_SCRYPT_N, SEAL_SCRYPT_R, SEAL_SCRYPT_P);
	if (pbe == NULL)
		goto cleanup;
	if ((sig = PKCS8_set0_pbe(pass, passlen, p8, pbe)) == NULL)
		goto cleanup;
	pbe = NULL;	/* owned by sig now */
	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    !PEM_write_bio_PKCS8(bio, sig))
		goto cleanup;
	rc = seal_bio_to_str(bio, out);

cleanup:
	BIO_free(bio);
	X509_SIG_free(sig);
	X509_ALGOR_free(pbe);
	/* Its free callback wipes the private key octets. */
	PKCS8_PRIV_KEY_INFO_free(p8);
	if (der != NULL)
		OPENSSL_clear_free(der, derlen);
	OSSL_ENCODER_CTX_free(ectx);
	return (rc);
}

/*
 * 1 if an encrypted PKCS#8 key is protected the way priv_encrypt does it:
 * PBES2, scrypt with N >= SEAL_SCRYPT_N, r = SEAL_SCRYPT_R and p at most
 * SEAL_SCRYPT_P_MAX, AES-256-CBC. This refuses weak legacy encryption
 * and bounds the work a damaged row can make an unlock do; OpenSSL's
 * 32 MiB scrypt memory limit bounds N.
 */
static int
kdf_ok(const X509_SIG *sig)
{
	const X509_ALGOR	*alg;
	const ASN1_OBJECT	*oid;
	const void		*pval;
	PBE2PARAM		*pbe2 = NULL;
	SCRYPT_PARAMS		*sp = NULL;
	uint64_t		 N, r, p;
	int			 ptype, ok = 0;

	X509_SIG_get0(sig, &alg, NULL);
	X509_ALGOR_get0(&oid, &ptype, &pval, alg);
	if (OBJ_obj2nid(oid) != NID_pbes2 || ptype != V_ASN1_SEQUENCE)
		goto done;
	if ((pbe2 = ASN1_item_unpack(pval, ASN1_ITEM_rptr(PBE2PARAM))) == NULL)
		goto done;
	if (OBJ_obj2nid(pbe2->encryption->algorithm) != NID_aes_256_cbc)
		goto done;
	X509_ALGOR_get0(&oid, &ptype, &pval, pbe2->keyfunc);
	if (OBJ_obj2nid(oid) != NID_id_scrypt || ptype != V_ASN1_SEQUENCE)
		goto done;
	if ((sp = ASN1_item_unpack(pval, ASN1_ITEM_rptr(SCRYPT_PARAMS))) ==
	    NULL)
		goto done;
	if (!ASN1_INTEGER_get_uint64(&N, sp->costParameter) ||
	    !ASN1_INTEGER_get_uint64(&r, sp->blockSize) ||
	    !ASN1_INTEGER_get_uint64(&p, sp->parallelizationParameter))
		goto done;
	ok = N >= SEAL_SCRYPT_N && r == SEAL_SCRYPT_R && p >= 1 &&
	    p <= SEAL_SCRYPT_P_MAX;

done:
	SCRYPT_PARAMS_free(sp);
	PBE2PARAM_free(pbe2);
	return (ok);
}

/* A context for RSA-OAEP, SHA-256, MGF1-SHA-256; encrypt or decrypt. */
static EVP_PKEY_CTX *
oaep_ctx(EVP_PKEY *key, int encrypt)
{
	EVP_PKEY_CTX	*ctx;

	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL)) == NULL)
		return (NULL);
	if ((encrypt ? EVP_PKEY_encrypt_init(ctx) :
	    EVP_PKEY_decrypt_init(ctx)) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) <= 0) {
		EVP_PKEY_CTX_free(ctx);
		return (NULL);
	}
	return (ctx);
}

int
seal_keypair_new(const char *passphrase, char **pub_pem, char **priv_enc_pem)
{
	EVP_PKEY_CTX	*ctx = NULL;
	EVP_PKEY	*key = NULL;
	BIO		*bio = NULL;
	OSSL_PARAM	 params[3];
	unsigned int	 bits = SEAL_RSA_BITS, e = RSA_PUB_EXP;
	int		 passlen, rc = -1;

	if (pub_pem != NULL)
		*pub_pem = NULL;
	if (priv_enc_pem != NULL)
		*priv_enc_pem = NULL;
	if (pub_pem == NULL || priv_enc_pem == NULL ||
	    pass_len(passphrase, &passlen) == -1)
		goto cleanup;

	params[0] = OSSL_PARAM_construct_uint(OSSL_PKEY_PARAM_RSA_BITS, &bits);
	params[1] = OSSL_PARAM_construct_uint(OSSL_PKEY_PARAM_RSA_E, &e);
	params[2] = OSSL_PARAM_construct_end();
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL ||
	    EVP_PKEY_keygen_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_params(ctx, params) <= 0 ||
	    EVP_PKEY_keygen(ctx, &key) <= 0)
		goto cleanup;

	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    !PEM_write_bio_PUBKEY(bio, key) ||
	    seal_bio_to_str(bio, pub_pem) == -1)
		goto cleanup;
	if (priv_encrypt(key, passphrase, passlen, priv_enc_pem) == -1)
		goto cleanup;
	rc = 0;

cleanup:
	BIO_free(bio);
	EVP_PKEY_free(key);
	EVP_PKEY_CTX_free(ctx);
	if (rc == -1) {
		if (pub_pem != NULL) {
			free(*pub_pem);
			*pub_pem = NULL;
		}
		ERR_clear_error();
	}
	return (rc);
}

int
seal_key_protect(EVP_PKEY *key, const char *passphrase, char **pem)
{
	int	passlen;

	if (pem != NULL)
		*pem = NULL;
	if (key == NULL || pem == NULL || pass_len(passphrase, &passlen) == -1)
		return (-1);
	if (priv_encrypt(key, passphrase, passlen, pem) == -1) {
		ERR_clear_error();
		return (-1);
	}
	return (0);
}

int
seal_key_unlock(const char *priv_enc_pem, const char *passphrase,
    EVP_PKEY **key)
{
	if (seal_key_recover(priv_enc_pem, passphrase, key) == -1)
		return (-1);
	if (!rsa_ok(*key)) {
		EVP_PKEY_free(*key);
		*key = NULL;
		return (-1);
	}
	return (0);
}

int
seal_key_recover(const char *priv_enc_pem, const char *passphrase,
    EVP_PKEY **key)
{
	BIO			*bio = NULL;
	X509_SIG		*sig = NULL;
	PKCS8_PRIV_KEY_INFO	*p8 = NULL;
	EVP_PKEY		*k = NULL;
	EVP_PKEY_CTX		*ctx = NULL;
	size_t			 n;
	int			 passlen, rc = -1;

	if (key != NULL)
		*key = NULL;
	if (key == NULL || priv_enc_pem == NULL ||
	    pass_len(passphrase, &passlen) == -1)
		goto cleanup;
	n = strnlen(priv_enc_pem, SEAL_PEM_MAX + 1);
	if (n == 0 || n > SEAL_PEM_MAX)
		goto cleanup;
	if ((bio = BIO_new_mem_buf(priv_enc_pem, (int)n)) == NULL)
		goto cleanup;
	/* Only "ENCRYPTED PRIVATE KEY": a plain key is refused. */
	if ((sig = PEM_read_bio_PKCS8(bio, NULL, seal_no_pass_cb, NULL)) == NULL ||
	    !kdf_ok(sig))
		goto cleanup;
	if ((p8 = PKCS8_decrypt(sig, passphrase, passlen)) == NULL)
		goto cleanup;
	if ((k = EVP_PKCS82PKEY(p8)) == NULL)
		goto cleanup;
	/*
	 * PKCS#8 encryption has no MAC: a damaged row can decrypt to a key
	 * with one garbled component, which its use may not notice.
	 */
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL)) == NULL ||
	    EVP_PKEY_pairwise_check(ctx) != 1)
		goto cleanup;
	*key = k;
	k = NULL;
	rc = 0;

cleanup:
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(k);
	PKCS8_PRIV_KEY_INFO_free(p8);
	X509_SIG_free(sig);
	BIO_free(bio);
	if (rc == -1)
		ERR_clear_error();
	return (rc);
}

void
seal_key_free(EVP_PKEY *key)
{
	EVP_PKEY_free(key);
}

void
seal_free(void *p, size_t len)
{
	if (p == NULL)
		return;
	OPENSSL_cleanse(p, len);
	free(p);
}

int
seal_to(const char *pub_pem, const unsigned char *plain, size_t len,
    const unsigned char *aad, size_t aadlen, unsigned char **out,
    size_t *outlen)
{
	EVP_PKEY	*key = NULL;
	EVP_PKEY_CTX	*pctx = NULL;
	EVP_CIPHER_CTX	*cctx = NULL;
	unsigned char	 aeskey[SEAL_KEY_LEN], *buf = NULL, *iv, *ct;
	size_t		 k, total, wlen;
	int		 n, rc = -1;

	if (out != NULL)
		*out = NULL;
	if (outlen != NULL)
		*outlen = 0;
	if (out == NULL || outlen == NULL || (plain == NULL && len > 0) ||
	    (aad == NULL && aadlen > 0) || aadlen > SEAL_ENVELOPE_MAX ||
	    len > SEAL_ENVELOPE_MAX)
		goto cleanup;
	if ((key = pub_load(pub_pem)) == NULL)
		goto cleanup;
	k = (size_t)EVP_PKEY_get_size(key);
	if (k == 0 || k > 0xffff || len > SEAL_ENVELOPE_MAX - SEAL_OVERHEAD - k)
		goto cleanup;
	total = SEAL_OVERHEAD + k + len;
	if ((buf = malloc(total)) == NULL)
		goto cleanup;
	iv = buf + SEAL_HDR_LEN + k;
	ct = iv + SEAL_IV_LEN;

	buf[0] = SEAL_VERSION;
	buf[1] = (unsigned char)(k >> 8);
	buf[2] = (unsigned char)k;
	if (RAND_bytes(aeskey, sizeof(aeskey)) != 1 ||
	    RAND_bytes(iv, SEAL_IV_LEN) != 1)
		goto cleanup;

	if ((pctx = oaep_ctx(key, 1)) == NULL)
		goto cleanup;
	wlen = k;
	if (EVP_PKEY_encrypt(pctx, buf + SEAL_HDR_LEN, &wlen, aeskey,
	    sizeof(aeskey)) <= 0 || wlen != k)
		goto cleanup;

	if ((cctx = EVP_CIPHER_CTX_new()) == NULL ||
	    !EVP_EncryptInit_ex(cctx, EVP_aes_256_gcm(), NULL, NULL, NULL) ||
	    !EVP_CIPHER_CTX_ctrl(cctx, EVP_CTRL_GCM_SET_IVLEN, SEAL_IV_LEN,
	    NULL) ||
	    !EVP_EncryptInit_ex(cctx, NULL, NULL, aeskey, iv))
		goto cleanup;
	if (aadlen > 0 &&
	    !EVP_EncryptUpdate(cctx, NULL, &n, aad, (int)aadlen))
		goto cleanup;
	if (len > 0 && (!EVP_EncryptUpdate(cctx, ct, &n, plain, (int)len) ||
	    (size_t)n != len))
		goto cleanup;
	if (!EVP_EncryptFinal_ex(cctx, ct + len, &n) || n != 0)
		goto cleanup;
	if (!EVP_CIPHER_CTX_ctrl(cctx, EVP_CTRL_GCM_GET_TAG, SEAL_TAG_LEN,
	    ct + len))
		goto cleanup;

	*out = buf;
	*outlen = total;
	buf = NULL;
	rc = 0;

cleanup:
	OPENSSL_cleanse(aeskey, sizeof(aeskey));
	free(buf);
	EVP_CIPHER_CTX_free(cctx);
	EVP_PKEY_CTX_free(pctx);
	EVP_PKEY_free(key);
	if (rc == -1)
		ERR_clear_error();
	return (rc);
}

int
seal_open(EVP_PKEY *key, const unsigned char *env, size_t envlen,
    const unsigned char *aad, size_t aadlen, unsigned char **plain,
    size_t *plainlen)
{
	EVP_PKEY_CTX	*pctx = NULL;
	EVP_CIPHER_CTX	*cctx = NULL;
	unsigned char	 aeskey[SEAL_KEY_LEN], tag[SEAL_TAG_LEN];
	unsigned char	*unwrapped = NULL, *pt = NULL;
	const unsigned char *iv, *ct;
	size_t		 k, ksize = 0, n = 0, ulen;
	int		 m, rc = -1;

	if (plain != NULL)
		*plain = NULL;
	if (plainlen != NULL)
		*plainlen = 0;
	if (plain == NULL || plainlen == NULL || env == NULL ||
	    (aad == NULL && aadlen > 0) || aadlen > SEAL_ENVELOPE_MAX ||
	    !rsa_ok(key))
		return (-1);
	if (envlen < SEAL_HDR_LEN || envlen > SEAL_ENVELOPE_MAX ||
	    env[0] != SEAL_VERSION)
		return (-1);
	k = (size_t)env[1] << 8 | env[2];
	ksize = (size_t)EVP_PKEY_get_size(key);
	if (k != ksize || envlen < SEAL_OVERHEAD + k)
		goto cleanup;
	n = envlen - SEAL_OVERHEAD - k;
	iv = env + SEAL_HDR_LEN + k;
	ct = iv + SEAL_IV_LEN;
	memcpy(tag, ct + n, sizeof(tag));

	if ((pctx = oaep_ctx(key, 0)) == NULL ||
	    (unwrapped = malloc(ksize)) == NULL)
		goto cleanup;
	ulen = ksize;
	if (EVP_PKEY_decrypt(pctx, unwrapped, &ulen, env + SEAL_HDR_LEN,
	    k) <= 0 || ulen != SEAL_KEY_LEN)
		goto cleanup;
	memcpy(aeskey, unwrapped, sizeof(aeskey));

	/* Never NULL on success, even for an empty plaintext. */
	if ((pt = malloc(n > 0 ? n : 1)) == NULL)
		goto cleanup;
	if ((cctx = EVP_CIPHER_CTX_new()) == NULL ||
	    !EVP_DecryptInit_ex(cctx, EVP_aes_256_gcm(), NULL, NULL, NULL) ||
	    !EVP_CIPHER_CTX_ctrl(cctx, EVP_CTRL_GCM_SET_IVLEN, SEAL_IV_LEN,
	    NULL) ||
	    !EVP_DecryptInit_ex(cctx, NULL, NULL, aeskey, iv))
		goto cleanup;
	if (aadlen > 0 &&
	    !EVP_DecryptUpdate(cctx, NULL, &m, aad, (int)aadlen))
		goto cleanup;
	if (n > 0 && (!EVP_DecryptUpdate(cctx, pt, &m, ct, (int)n) ||
	    (size_t)m != n))
		goto cleanup;
	if (!EVP_CIPHER_CTX_ctrl(cctx, EVP_CTRL_GCM_SET_TAG, SEAL_TAG_LEN,
	    tag))
		goto cleanup;
	/* The tag check: until it passes, pt is unauthenticated. */
	if (EVP_DecryptFinal_ex(cctx, pt + n, &m) <= 0 || m != 0)
		goto cleanup;

	*plain = pt;
	*plainlen = n;
	pt = NULL;
	rc = 0;

cleanup:
	OPENSSL_cleanse(aeskey, sizeof(aeskey));
	if (unwrapped != NULL)
		seal_free(unwrapped, ksize);
	if (pt != NULL)
		seal_free(pt, n > 0 ? n : 1);
	EVP_CIPHER_CTX_free(cctx);
	EVP_PKEY_CTX_free(pctx);
	if (rc == -1)
		ERR_clear_error();
	return (rc);
}

/* "g2b-prices-v1" 0x00 aad, without aad's NUL. */
static int
prices_aad(const char *aad, unsigned char **out, size_t *outlen)
{
	unsigned char	*buf;
	size_t		 n, tag;

	if (aad == NULL)
		return (-1);
	n = strnlen(aad, SEAL_ENVELOPE_MAX + 1);
	if (n > SEAL_ENVELOPE_MAX)
		return (-1);
	tag = sizeof(PRICES_TAG);	/* with its NUL as the separator */
	if ((buf = malloc(tag + n)) == NULL)
		return (-1);
	memcpy(buf, PRICES_TAG, tag);
	memcpy(buf + tag, aad, n);
	*out = buf;
	*outlen = tag + n;
	return (0);
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

static uint64_t
get_be64(const unsigned char *p)
{
	uint64_t	v;
	int		i;

	v = 0;
	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return (v);
}

int
seal_prices(const char *pub_pem, const int64_t prices[SEAL_PRICES],
    const char *aad, unsigned char **env, size_t *envlen)
{
	unsigned char	 buf[SEAL_PRICES_LEN], *a = NULL;
	size_t		 alen = 0;
	int		 i, rc;

	if (env != NULL)
		*env = NULL;
	if (envlen != NULL)
		*envlen = 0;
	if (prices == NULL || env == NULL || envlen == NULL ||
	    prices_aad(aad, &a, &alen) == -1)
		return (-1);
	for (i = 0; i < SEAL_PRICES; i++)
		put_be64(buf + i * 8, (uint64_t)prices[i]);
	rc = seal_to(pub_pem, buf, sizeof(buf), a, alen, env, envlen);
	OPENSSL_cleanse(buf, sizeof(buf));
	free(a);
	return (rc);
}

int
seal_prices_open(EVP_PKEY *key, const unsigned char *env, size_t envlen,
    const char *aad, int64_t prices[SEAL_PRICES])
{
	unsigned char	*a = NULL, *pt = NULL;
	size_t		 alen = 0, ptlen = 0;
	uint64_t	 v;
	int		 i, rc = -1;

	if (prices == NULL)
		return (-1);
	OPENSSL_cleanse(prices, sizeof(int64_t) * SEAL_PRICES);
	if (prices_aad(aad, &a, &alen) == -1)
		return (-1);
	if (seal_open(key, env, envlen, a, alen, &pt, &ptlen) == -1 ||
	    ptlen != SEAL_PRICES_LEN)
		goto cleanup;
	for (i = 0; i < SEAL_PRICES; i++) {
		v = get_be64(pt + i * 8);
		/* Two's complement back to int64_t without relying on the
		 * implementation-defined conversion. */
		if (v <= INT64_MAX)
			prices[i] = (int64_t)v;
		else
			prices[i] = -(int64_t)(~v) - 1;
	}
	rc = 0;

cleanup:
	seal_free(pt, ptlen);
	free(a);
	return (rc);
}

int
seal_b64_encode(const unsigned char *in, size_t len, char **out)
{
	static const char	tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char			*s;
	size_t			 i, o;
	uint32_t		 v;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || (in == NULL && len > 0) || len > SEAL_ENVELOPE_MAX)
		return (-1);
	if ((s = malloc((len + 2) / 3 * 4 + 1)) == NULL)
		return (-1);
	for (i = 0, o = 0; i + 2 < len; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		s[o++] = tab[(v >> 18) & 63];
		s[o++] = tab[(v >> 12) & 63];
		s[o++] = tab[(v >> 6) & 63];
		s[o++] = tab[v & 63];
	}
	if (len - i == 1) {
		v = (uint32_t)in[i] << 16;
		s[o++] = tab[(v >> 18) & 63];
		s[o++] = tab[(v >> 12) & 63];
		s[o++] = '=';
		s[o++] = '=';
	} else if (len - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		s[o++] = tab[(v >> 18) & 63];
		s[o++] = tab[(v >> 12) & 63];
		s[o++] = tab[(v >> 6) & 63];
		s[o++] = '=';
	}
	s[o] = '\0';
	*out = s;
	return (0);
}

static int
b64_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return (c - 'A');
	if (c >= 'a' && c <= 'z')
		return (c - 'a' + 26);
	if (c >= '0' && c <= '9')
		return (c - '0' + 52);
	if (c == '+')
		return (62);
	if (c == '/')
		return (63);
	return (-1);
}

int
seal_b64_decode(const char *in, unsigned char **out, size_t *outlen)
{
	unsigned char	*buf;
	size_t		 n, len, i, o;
	uint32_t	 v;
	int		 d, j, pad, last;

	if (out != NULL)
		*out = NULL;
	if (outlen != NULL)
		*outlen = 0;
	if (in == NULL || out == NULL || outlen == NULL)
		return (-1);
	n = strnlen(in, SEAL_B64_MAX + 1);
	if (n > SEAL_B64_MAX || n % 4 != 0)
		return (-1);
	pad = 0;
	if (n > 0 && in[n - 1] == '=') {
		pad = 1;
		if (in[n - 2] == '=')
			pad = 2;
	}
	len = n / 4 * 3 - (size_t)pad;
	if ((buf = malloc(len > 0 ? len : 1)) == NULL)
		return (-1);
	for (i = 0, o = 0; i < n; i += 4) {
		last = i + 4 == n;
		v = 0;
		for (j = 0; j < 4; j++) {
			if (last && j >= 4 - pad) {
				v <<= 6;
				continue;
			}
			if ((d = b64_val(in[i + (size_t)j])) < 0)
				goto fail;
			v = v << 6 | (uint32_t)d;
		}
		/* The bits the padding drops must be zero (canonical). */
		if (last && ((pad == 1 && (v & 0xff) != 0) ||
		    (pad == 2 && (v & 0xffff) != 0)))
			goto fail;
		buf[o++] = (unsigned char)(v >> 16);
		if (!last || pad < 2)
			buf[o++] = (unsigned char)(v >> 8);
		if (!last || pad < 1)
			buf[o++] = (unsigned char)v;
	}
	*out = buf;
	*outlen = len;
	return (0);

fail:
	free(buf);
	return (-1);
}
