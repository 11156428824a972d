/*
 * opening: key pair and sealed preliminary prices of a notice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "opening.h"
#include "prices.h"
#include "seal.h"

void
opening_prices_aad(char *out, size_t len, const char *notice_id)
{
	snprintf(out, len, "notice:%s:prices", notice_id);
}

void
opening_prices_aad_order(char *out, size_t len, const char *notice_id,
    int order)
{
	if (order <= 1)
		opening_prices_aad(out, len, notice_id);
	else
		snprintf(out, len, "notice:%s:%d:prices", notice_id, order);
}

int
opening_reseal(const char *public_pem, int64_t base, int range,
    const char *aad, char **prices_b64)
{
	int64_t		 prices[PRICES_COUNT];
	unsigned char	*env = NULL;
	size_t		 envlen = 0;
	int		 rc = -1;

	*prices_b64 = NULL;
	if (prices_draw(base, range, prices) == 0 &&
	    seal_prices(public_pem, prices, aad, &env, &envlen) == 0 &&
	    seal_b64_encode(env, envlen, prices_b64) == 0)
		rc = 0;
	OPENSSL_cleanse(prices, sizeof(prices));
	free(env);
	return (rc);
}

static void
wipe_str(char **s)
{
	if (*s != NULL) {
		OPENSSL_cleanse(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

int
opening_setup_run(struct opening_setup *o)
{
	int64_t		 prices[PRICES_COUNT];
	unsigned char	*env = NULL;
	size_t		 envlen = 0;
	int		 rc = -1;

	o->public_pem = o->private_enc_pem = o->prices_b64 = NULL;
	if (o->passphrase == NULL || o->aad[0] == '\0')
		goto done;
	if (seal_keypair_new(o->passphrase, &o->public_pem,
	    &o->private_enc_pem) == -1)
		goto done;
	if (prices_draw(o->base_amount, o->range_milli, prices) == -1)
		goto done;
	if (seal_prices(o->public_pem, prices, o->aad, &env, &envlen) == -1)
		goto done;
	if (seal_b64_encode(env, envlen, &o->prices_b64) == -1)
		goto done;
	rc = 0;
done:
	OPENSSL_cleanse(prices, sizeof(prices));
	free(env);
	wipe_str(&o->passphrase);
	if (rc == -1)
		opening_setup_cleanup(o);
	return (rc);
}

void
opening_setup_cleanup(struct opening_setup *o)
{
	wipe_str(&o->passphrase);
	wipe_str(&o->public_pem);
	wipe_str(&o->private_enc_pem);
	wipe_str(&o->prices_b64);
}

int
opening_prices_unlock(const char *priv, const char *passphrase,
    const char *prices_b64, const char *aad, int64_t prices[15])
{
	EVP_PKEY	*key = NULL;
	unsigned char	*env = NULL;
	size_t		 envlen;
	int		 rc = -1;

	memset(prices, 0, sizeof(int64_t) * 15);
	if (seal_b64_decode(prices_b64, &env, &envlen) == -1)
		return (-1);
	if (seal_key_unlock(priv, passphrase, &key) == 0 &&
	    seal_prices_open(key, env, envlen, aad, prices) == 0)
		rc = 0;
	seal_key_free(key);
	free(env);
	return (rc);
}
