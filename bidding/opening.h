/*
 * opening: the notice's sealed state, Kore-free. At publication the
 * notice gets its opening key pair (the private half encrypted under the
 * bid officer's passphrase) and its 15 preliminary prices (복수예비가격),
 * drawn one per band and sealed to the opening key so that nobody, the
 * portal included, can read them before the officer opens the bids.
 */
#ifndef G2B_OPENING_H
#define G2B_OPENING_H

#include <stddef.h>
#include <stdint.h>

#include "prices.h"

#define OPENING_PASSPHRASE_MIN	12	/* characters */

struct opening_setup {
	/* in */
	char		*passphrase;	/* wiped by opening_setup_run */
	int64_t		 base_amount;	/* 기초금액 */
	int		 range_milli;	/* 2000 (±2 %) or 3000 (±3 %) */
	char		 aad[64];	/* binds the prices to the notice */
	/* out */
	char		*public_pem;
	char		*private_enc_pem;
	char		*prices_b64;
};

/*
 * The AAD of a notice's sealed prices: "notice:<id>:prices" for the first
 * order, "notice:<id>:<order>:prices" for an amendment that redraws them.
 */
void	opening_prices_aad(char *, size_t, const char *);
void	opening_prices_aad_order(char *, size_t, const char *, int);

/*
 * Draw new preliminary prices for an amended base amount or range and seal
 * them to the notice's existing opening key: only the public half is
 * needed. 0, or -1 with *prices_b64 NULL.
 */
int	opening_reseal(const char *public_pem, int64_t base_amount,
	    int range_milli, const char *aad, char **prices_b64);

/*
 * Create the key pair, draw and seal the prices. Slow (RSA-3072 keygen and
 * scrypt): run it off the request path. Always wipes the passphrase.
 * 0, or -1 with every output NULL.
 */
int	opening_setup_run(struct opening_setup *);
void	opening_setup_cleanup(struct opening_setup *);

/*
 * Unlock a notice's sealed prices with the officer's passphrase, for the
 * opening and for checks. 0, or -1 (wrong passphrase, tampered data).
 */
int	opening_prices_unlock(const char *private_enc_pem, const char *passphrase,
	    const char *prices_b64, const char *aad, int64_t prices[15]);

/*
 * The opening (개찰). In: the officer's passphrase, the notice's encrypted
 * opening key and sealed prices, and every live bid as stored. The run
 * unlocks the key, opens the prices, and for each bid re-checks the
 * canonical text (its notice), the envelope's hash, the signature with the
 * bidder's certificate, then opens the sealed part with the bid's AAD. It
 * tallies the picks of the valid bids, computes the planned price (prices.h
 * rule 3, rounding up below one won), the floor amount (rate 0: no floor,
 * lowest-price award), each ratio, the lot seed from the hashes of all the
 * bids opened, and the ranking. The key and the passphrase are wiped.
 * Blocking (scrypt): run it on a task thread.
 */
struct opening_bid {
	/* in */
	int64_t		 id;
	const char	*canonical;
	size_t		 canonical_len;
	unsigned char	*sealed;
	size_t		 sealed_len;
	unsigned char	*sig;
	size_t		 sig_len;
	const char	*cert_pem;
	/* out */
	const char	*reason;	/* NULL when valid, else a code */
	int64_t		 amount;
	int		 picks[2];
	int32_t		 ratio;		/* 0.001 % of the planned price */
	unsigned char	 hash[32];
	struct bid_entry e;
};

struct opening_run {
	/* in */
	char			*passphrase;	/* wiped */
	const char		*private_enc_pem;
	const char		*prices_b64;
	char			 prices_aad[64];
	int64_t			 notice_id;
	const char		*notice_no;
	int			 order;
	int32_t			 floor_rate;	/* 0.001 %; 0: none */
	struct opening_bid	*bids;
	size_t			 nbids;
	/* out */
	int			 wrong_passphrase;
	int64_t			 prices[15];
	int			 counts[15];
	int			 chosen[4];
	int64_t			 planned;
	int64_t			 floor_amount;
	unsigned char		 seed[32];
	int			 ranked;
};

int	opening_run(struct opening_run *);

#endif
