/*
 * opening: key pair and sealed preliminary prices of a notice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "bidfmt.h"
#include "ca.h"
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

static const char *
opening_check_bid(struct opening_run *o, EVP_PKEY *key,
    struct opening_bid *b)
{
	struct bidfmt_bid	 bid;
	struct bidfmt_sealed	 sp;
	char			 hex[BIDFMT_HEX_LEN + 1], aad[BIDFMT_AAD_MAX];
	unsigned char		*plain = NULL;
	size_t			 plainlen = 0;
	int			 r;

	bidfmt_sha256_hex(b->canonical, b->canonical_len, hex);
	if (bidfmt_unhex(hex, b->hash) == -1)
		return ("canonical");
	if (bidfmt_bid_parse(b->canonical, b->canonical_len, &bid) == -1 ||
	    bid.notice_id != o->notice_id ||
	    strcmp(bid.notice_no, o->notice_no) != 0)
		return ("canonical");
	bidfmt_sha256_hex(b->sealed, b->sealed_len, hex);
	if (strcmp(hex, bid.sealed_sha256) != 0)
		return ("sealed_hash");
	if (ca_verify_signature(b->cert_pem, (const unsigned char *)
	    b->canonical, b->canonical_len, b->sig, b->sig_len) == -1)
		return ("signature");
	if (bidfmt_sealed_aad(bid.notice_id, bid.order, bid.bizno, aad,
	    sizeof(aad)) == -1)
		return ("canonical");
	if (seal_open(key, b->sealed, b->sealed_len,
	    (const unsigned char *)aad, strlen(aad), &plain, &plainlen) == -1)
		return ("decrypt");
	r = bidfmt_sealed_parse((const char *)plain, plainlen, &sp);
	seal_free(plain, plainlen);
	if (r == -1)
		return ("plaintext");
	b->amount = sp.amount;
	b->picks[0] = sp.picks[0];
	b->picks[1] = sp.picks[1];
	return (NULL);
}

int
opening_run(struct opening_run *o)
{
	EVP_PKEY		*key = NULL;
	unsigned char		*env = NULL, (*hashes)[PRICES_HASH_LEN] = NULL;
	int			(*picks)[PRICES_PICKS] = NULL;
	size_t			 envlen, i, nvalid;
	struct opening_bid	*b;
	int			 rc = -1, n;

	o->wrong_passphrase = 0;
	o->ranked = 0;
	o->planned = o->floor_amount = 0;
	if (o->passphrase == NULL ||
	    seal_key_unlock(o->private_enc_pem, o->passphrase, &key) == -1) {
		o->wrong_passphrase = 1;
		goto done;
	}
	if (seal_b64_decode(o->prices_b64, &env, &envlen) == -1 ||
	    seal_prices_open(key, env, envlen, o->prices_aad,
	    o->prices) == -1)
		goto done;

	if (o->nbids > 0) {
		hashes = calloc(o->nbids, sizeof(*hashes));
		picks = calloc(o->nbids, sizeof(*picks));
		if (hashes == NULL || picks == NULL)
			goto done;
	}
	nvalid = 0;
	for (i = 0; i < o->nbids; i++) {
		b = &o->bids[i];
		memset(&b->e, 0, sizeof(b->e));
		b->amount = 0;
		b->picks[0] = b->picks[1] = 0;
		b->ratio = 0;
		b->reason = opening_check_bid(o, key, b);
		memcpy(hashes[i], b->hash, PRICES_HASH_LEN);
		if (b->reason == NULL) {
			picks[nvalid][0] = b->picks[0];
			picks[nvalid][1] = b->picks[1];
			nvalid++;
		}
	}
	if (prices_tally((const int (*)[PRICES_PICKS])picks, nvalid,
	    o->counts) == -1 ||
	    prices_planned(o->prices, o->counts, PRICES_ROUND_UP, &o->planned,
	    o->chosen) == -1)
		goto done;
	o->floor_amount = o->floor_rate > 0 ?
	    prices_floor_amount(o->planned, o->floor_rate) : 0;
	if (o->floor_amount < 0 || prices_lot_seed(o->notice_no, o->order,
	    (const unsigned char (*)[PRICES_HASH_LEN])hashes, o->nbids,
	    o->seed) == -1)
		goto done;
	for (i = 0; i < o->nbids; i++) {
		b = &o->bids[i];
		b->e.valid = b->reason == NULL;
		b->e.amount = b->amount;
		prices_lot_key(o->seed, b->hash, b->e.lot_key);
		if (b->e.valid)
			b->ratio = prices_ratio(b->amount, o->planned);
	}
	if (o->nbids > 0) {
		/* Build a contiguous array for prices_rank and copy back. */
		struct bid_entry *e = calloc(o->nbids, sizeof(*e));

		if (e == NULL)
			goto done;
		for (i = 0; i < o->nbids; i++)
			e[i] = o->bids[i].e;
		n = prices_rank(e, o->nbids, o->floor_amount);
		for (i = 0; i < o->nbids; i++) {
			o->bids[i].e = e[i];
			if (e[i].valid && e[i].excluded)
				o->bids[i].reason = "below_floor";
		}
		free(e);
		if (n == -1)
			goto done;
		o->ranked = n;
	}
	rc = 0;
done:
	seal_key_free(key);
	free(env);
	free(hashes);
	if (picks != NULL) {
		OPENSSL_cleanse(picks, o->nbids * sizeof(*picks));
		free(picks);
	}
	wipe_str(&o->passphrase);
	if (rc == -1) {
		/* Nothing opened may outlive a failed opening. */
		OPENSSL_cleanse(o->prices, sizeof(o->prices));
		OPENSSL_cleanse(o->counts, sizeof(o->counts));
		OPENSSL_cleanse(o->chosen, sizeof(o->chosen));
		OPENSSL_cleanse(o->seed, sizeof(o->seed));
		o->planned = o->floor_amount = 0;
		o->ranked = 0;
		for (i = 0; i < o->nbids; i++) {
			o->bids[i].amount = 0;
			o->bids[i].picks[0] = o->bids[i].picks[1] = 0;
			o->bids[i].ratio = 0;
			OPENSSL_cleanse(&o->bids[i].e, sizeof(o->bids[i].e));
		}
	}
	return (rc);
}
