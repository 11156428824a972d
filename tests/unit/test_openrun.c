/*
 * Unit tests for opening_run (bidding/opening.c): the opening (개찰).
 *
 * The inputs are made the way the server and the clients make them: the
 * notice's opening key pair and sealed preliminary prices come from
 * opening_setup_run (the prices are read back with opening_prices_unlock
 * to know them), suppliers have P-256 keys with certificates from the
 * portal CA (ca_issue), and each bid is a sealed part (bidfmt_sealed_build)
 * sealed with seal_to under its AAD (bidfmt_sealed_aad), a canonical text
 * (bidfmt_bid_build) naming the envelope's SHA-256, and an ECDSA P-256
 * SHA-256 signature over the canonical bytes (EVP_DigestSign).
 *
 * The expected results are computed here independently of prices.c
 * where the rule is simple enough to restate: the tally, the planned
 * price (prices.h rule 3, rounded up), the floor amount (rule 5), the
 * ratios, the lot keys (HMAC-SHA256 of the seed over the bid hash) and
 * the ranking (rule 6). The seed itself is prices_lot_seed's (its own
 * tests check it).
 *
 * The key pair, the prices, the CA and the suppliers are made once in
 * the group setup: RSA-3072 keygen and every scrypt run are slow, and
 * each opening_run costs one scrypt (the officer's key unlock).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include "bidfmt.h"
#include "ca.h"
#include "opening.h"
#include "prices.h"
#include "seal.h"

#define PASS		"officer passphrase 2026 개찰"
#define CA_PASS		"ca passphrase for the tests"
#define NOTICE_ID	INT64_C(4242)
#define NOTICE_IDS	"4242"
#define NOTICE_NO	"G2B-2026-004242"
#define BASE		INT64_C(100000000)	/* 1억 원 */
#define RANGE		2000			/* ±2 % */
#define RATE		87745			/* 87.745 % */
#define NSUP		10

struct supplier {
	EVP_PKEY	*key;
	char		*cert;
	char		 serial[CA_SERIAL_HEX_MAX + 1];
	char		 bizno[11];
};

static struct opening_setup	notice;		/* the notice's key and prices */
static char			prices_aad[64];	/* "notice:4242:prices" */
static int64_t			prices[PRICES_COUNT];
static char			*cacert, *cakey;
static struct ca		*ca;
static struct supplier		sup[NSUP];
static EVP_PKEY			*intruder;	/* a P-256 key without a cert */

/*
 * One bid to make: the supplier, what it seals, and the faults to put
 * in it. Zero fields mean "as a correct client does it".
 */
struct spec {
	int		 sup;
	int		 order;		/* canonical order; 0: 1 */
	int64_t		 amount;
	int		 pa, pb;	/* picks, pa < pb */
	int64_t		 notice_id;	/* canonical notice id; 0: NOTICE_ID */
	const char	*notice_no;	/* canonical notice no; NULL: NOTICE_NO */
	const char	*aad_bizno;	/* seal under this bizno */
	int		 aad_order;	/* seal under this order */
	const char	*plain;		/* sealed plaintext as is */
	EVP_PKEY	*signer;	/* sign with this key */
	int		 flip_env;	/* alter an envelope byte after hashing */
	int		 flip_sig;	/* alter the signature's last byte */
};

/* SubjectPublicKeyInfo PEM of key, for free(3); NULL on failure. */
static char *
spki_of(EVP_PKEY *key)
{
	BIO	*bio;
	char	*data, *s = NULL;
	long	 n;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return (NULL);
	if (PEM_write_bio_PUBKEY(bio, key) == 1 &&
	    (n = BIO_get_mem_data(bio, &data)) > 0 &&
	    (s = malloc((size_t)n + 1)) != NULL) {
		memcpy(s, data, (size_t)n);
		s[n] = '\0';
	}
	BIO_free(bio);
	return (s);
}

static int
group_setup(void **state)
{
	struct ca_subject	 subj;
	char			 company[64], login[32], *spki;
	int			 i;

	(void)state;
	memset(&notice, 0, sizeof(notice));
	opening_prices_aad(prices_aad, sizeof(prices_aad), NOTICE_IDS);
	memcpy(notice.aad, prices_aad, sizeof(notice.aad));
	if ((notice.passphrase = strdup(PASS)) == NULL)
		return (-1);
	notice.base_amount = BASE;
	notice.range_milli = RANGE;
	if (opening_setup_run(&notice) != 0 ||
	    opening_prices_unlock(notice.private_enc_pem, PASS,
	    notice.prices_b64, prices_aad, prices) != 0)
		return (-1);
	if (ca_create(CA_PASS, "G2B 테스트 인증기관", 30, &cacert,
	    &cakey) != 0 || ca_load(cacert, cakey, CA_PASS, &ca) != 0)
		return (-1);
	for (i = 0; i < NSUP; i++) {
		snprintf(sup[i].bizno, sizeof(sup[i].bizno), "12081475%02d", i);
		snprintf(company, sizeof(company), "(주)한빛건설 %d", i);
		snprintf(login, sizeof(login), "supplier-%d", i);
		subj.company = company;
		subj.bizno = sup[i].bizno;
		subj.person = "김민준";
		subj.login = login;
		if ((sup[i].key = EVP_PKEY_Q_keygen(NULL, NULL, "EC",
		    "P-256")) == NULL || (spki = spki_of(sup[i].key)) == NULL)
			return (-1);
		if (ca_issue(ca, spki, &subj, 30, &sup[i].cert,
		    sup[i].serial) != 0) {
			free(spki);
			return (-1);
		}
		free(spki);
	}
	if ((intruder = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL)
		return (-1);
	return (0);
}

static int
group_teardown(void **state)
{
	int	i;

	(void)state;
	opening_setup_cleanup(&notice);
	free(cacert);
	free(cakey);
	ca_free(ca);
	for (i = 0; i < NSUP; i++) {
		EVP_PKEY_free(sup[i].key);
		free(sup[i].cert);
	}
	EVP_PKEY_free(intruder);
	return (0);
}

/* A DER ECDSA-SHA-256 signature of msg by key, malloc'd. */
static unsigned char *
sign_der(EVP_PKEY *key, const void *msg, size_t len, size_t *siglen)
{
	EVP_MD_CTX	*md;
	unsigned char	*sig;

	assert_non_null(md = EVP_MD_CTX_new());
	assert_int_equal(EVP_DigestSignInit_ex(md, NULL, "SHA256", NULL, NULL,
	    key, NULL), 1);
	assert_int_equal(EVP_DigestSign(md, NULL, siglen, msg, len), 1);
	assert_non_null(sig = malloc(*siglen));
	assert_int_equal(EVP_DigestSign(md, sig, siglen, msg, len), 1);
	EVP_MD_CTX_free(md);
	return (sig);
}

/* Make bid id as a client would, with the faults of s; into b. */
static void
make_bid(const struct spec *s, int64_t id, struct opening_bid *b)
{
	const struct supplier	*su = &sup[s->sup];
	struct bidfmt_sealed	 sp;
	struct bidfmt_bid	 bid;
	char			 plain[BIDFMT_SEALED_MAX], aad[BIDFMT_AAD_MAX];
	char			 canon[BIDFMT_CANON_MAX];
	size_t			 plainlen, canonlen;
	int			 order = s->order > 0 ? s->order : 1;

	memset(b, 0, sizeof(*b));
	if (s->plain != NULL) {
		plainlen = strlen(s->plain);
		assert_true(plainlen < sizeof(plain));
		memcpy(plain, s->plain, plainlen + 1);
	} else {
		sp.amount = s->amount;
		sp.picks[0] = s->pa;
		sp.picks[1] = s->pb;
		assert_int_equal(bidfmt_sealed_build(&sp, plain, sizeof(plain),
		    &plainlen), 0);
	}

	memset(&bid, 0, sizeof(bid));
	bid.notice_id = s->notice_id > 0 ? s->notice_id : NOTICE_ID;
	snprintf(bid.notice_no, sizeof(bid.notice_no), "%s",
	    s->notice_no != NULL ? s->notice_no : NOTICE_NO);
	bid.order = order;
	memcpy(bid.bizno, su->bizno, sizeof(bid.bizno));
	snprintf(bid.cert_serial, sizeof(bid.cert_serial), "%s", su->serial);

	assert_int_equal(bidfmt_sealed_aad(bid.notice_id,
	    s->aad_order > 0 ? s->aad_order : order,
	    s->aad_bizno != NULL ? s->aad_bizno : su->bizno, aad,
	    sizeof(aad)), 0);
	assert_int_equal(seal_to(notice.public_pem,
	    (const unsigned char *)plain, plainlen,
	    (const unsigned char *)aad, strlen(aad), &b->sealed,
	    &b->sealed_len), 0);
	OPENSSL_cleanse(plain, sizeof(plain));

	bidfmt_sha256_hex(b->sealed, b->sealed_len, bid.sealed_sha256);
	assert_int_equal(bidfmt_nonce(bid.nonce), 0);
	assert_int_equal(bidfmt_bid_build(&bid, canon, sizeof(canon),
	    &canonlen), 0);
	assert_non_null(b->canonical = strdup(canon));
	b->canonical_len = canonlen;
	b->sig = sign_der(s->signer != NULL ? s->signer : su->key, canon,
	    canonlen, &b->sig_len);

	if (s->flip_env)
		b->sealed[b->sealed_len / 2] ^= 0x01;
	if (s->flip_sig)
		b->sig[b->sig_len - 1] ^= 0x01;
	b->id = id;
	b->cert_pem = su->cert;
}

static void
make_bids(const struct spec *s, size_t n, struct opening_bid *b)
{
	size_t	i;

	for (i = 0; i < n; i++)
		make_bid(&s[i], (int64_t)(100 + i), &b[i]);
}

static void
free_bids(struct opening_bid *b, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free((char *)b[i].canonical);
		free(b[i].sealed);
		free(b[i].sig);
		memset(&b[i], 0, sizeof(b[i]));
	}
}

/* A run as the server sets it up: the passphrase strdup'd. */
static void
run_init(struct opening_run *r, struct opening_bid *b, size_t n, int order,
    int32_t floor_rate)
{
	memset(r, 0, sizeof(*r));
	assert_non_null(r->passphrase = strdup(PASS));
	r->private_enc_pem = notice.private_enc_pem;
	r->prices_b64 = notice.prices_b64;
	memcpy(r->prices_aad, prices_aad, sizeof(r->prices_aad));
	r->notice_id = NOTICE_ID;
	r->notice_no = NOTICE_NO;
	r->order = order;
	r->floor_rate = floor_rate;
	r->bids = b;
	r->nbids = n;
}

/*
 * Rule 3 restated: the 4 numbers with the most picks, the lower number
 * first on equal counts; their average rounded up to the won.
 */
static int64_t
expect_planned(const int64_t p[PRICES_COUNT], const int counts[PRICES_COUNT],
    int chosen[PRICES_CHOSEN])
{
	int	used[PRICES_COUNT] = { 0 };
	int	i, k, best;
	int64_t	sum = 0;

	for (i = 0; i < PRICES_CHOSEN; i++) {
		best = -1;
		for (k = 0; k < PRICES_COUNT; k++)
			if (!used[k] && (best == -1 || counts[k] > counts[best]))
				best = k;
		used[best] = 1;
		chosen[i] = best + 1;
		sum += p[best];
	}
	return ((sum + PRICES_CHOSEN - 1) / PRICES_CHOSEN);
}

/* Rule 5 restated (small amounts: no overflow). */
static int64_t
expect_floor(int64_t planned, int32_t rate)
{
	if (rate == 0)
		return (0);
	return ((planned * rate + PRICES_RATE_ONE - 1) / PRICES_RATE_ONE);
}

/* bid / planned in 0.001 %, half up (small amounts: no overflow). */
static int32_t
expect_ratio(int64_t amount, int64_t planned)
{
	return ((int32_t)((2 * amount * PRICES_RATE_ONE + planned) /
	    (2 * planned)));
}

static void
sha256_of(const void *p, size_t len, unsigned char out[32])
{
	assert_non_null(SHA256(p, len, out));
}

static void
lot_key_of(const unsigned char seed[32], const unsigned char hash[32],
    unsigned char out[32])
{
	unsigned int	len = 0;

	assert_non_null(HMAC(EVP_sha256(), seed, 32, hash, 32, out, &len));
	assert_int_equal(len, 32);
}

/* The seed over the hashes of every bid given, in reverse order. */
static void
expect_seed(const struct opening_bid *b, size_t n, int order,
    unsigned char seed[32])
{
	unsigned char	(*h)[PRICES_HASH_LEN] = NULL;
	size_t		 i;

	if (n > 0)
		assert_non_null(h = calloc(n, sizeof(*h)));
	for (i = 0; i < n; i++)
		sha256_of(b[i].canonical, b[i].canonical_len, h[n - 1 - i]);
	assert_int_equal(prices_lot_seed(NOTICE_NO, order,
	    (const unsigned char (*)[PRICES_HASH_LEN])h, n, seed), 0);
	free(h);
}

/*
 * Everything the run derives for the bids, checked against the specs:
 * valid[i] says whether bid i is expected to open (reason NULL or
 * "below_floor"), else its reason is reasons[i]. Checks the tally of the
 * valid bids' picks, planned price, floor, seed, hashes, lot keys,
 * ratios, exclusion and ranks. Returns the number ranked.
 */
static int
check_run(const struct opening_run *r, const struct spec *s,
    const char *const *reasons, int64_t planned_prices[PRICES_COUNT],
    int order)
{
	int		counts[PRICES_COUNT] = { 0 }, chosen[PRICES_CHOSEN];
	unsigned char	seed[32], hash[32], lot[32];
	int64_t		planned, floor_amount;
	size_t		i, j;
	int		k, ranked = 0, rank;
	const struct opening_bid *b, *c;

	for (k = 0; k < PRICES_COUNT; k++)
		assert_true(r->prices[k] == planned_prices[k]);
	for (i = 0; i < r->nbids; i++)
		if (reasons[i] == NULL ||
		    strcmp(reasons[i], "below_floor") == 0) {
			counts[s[i].pa - 1]++;
			counts[s[i].pb - 1]++;
		}
	for (k = 0; k < PRICES_COUNT; k++)
		assert_int_equal(r->counts[k], counts[k]);
	planned = expect_planned(planned_prices, counts, chosen);
	for (k = 0; k < PRICES_CHOSEN; k++)
		assert_int_equal(r->chosen[k], chosen[k]);
	assert_true(r->planned == planned);
	floor_amount = expect_floor(planned, r->floor_rate);
	assert_true(r->floor_amount == floor_amount);
	expect_seed(r->bids, r->nbids, order, seed);
	assert_memory_equal(r->seed, seed, 32);

	for (i = 0; i < r->nbids; i++) {
		b = &r->bids[i];
		assert_true(b->id == (int64_t)(100 + i));
		sha256_of(b->canonical, b->canonical_len, hash);
		assert_memory_equal(b->hash, hash, 32);
		lot_key_of(seed, hash, lot);
		assert_memory_equal(b->e.lot_key, lot, 32);
		if (reasons[i] != NULL &&
		    strcmp(reasons[i], "below_floor") != 0) {
			/* Not opened: nothing of it shows. */
			assert_non_null(b->reason);
			assert_string_equal(b->reason, reasons[i]);
			assert_true(b->amount == 0);
			assert_int_equal(b->picks[0], 0);
			assert_int_equal(b->picks[1], 0);
			assert_int_equal(b->ratio, 0);
			assert_int_equal(b->e.valid, 0);
			assert_int_equal(b->e.excluded, 0);
			assert_int_equal(b->e.rank, 0);
			continue;
		}
		assert_true(b->amount == s[i].amount);
		assert_true(b->e.amount == s[i].amount);
		assert_int_equal(b->picks[0], s[i].pa);
		assert_int_equal(b->picks[1], s[i].pb);
		assert_int_equal(b->ratio, expect_ratio(s[i].amount, planned));
		assert_int_equal(b->e.valid, 1);
		if (s[i].amount < floor_amount) {
			assert_non_null(b->reason);
			assert_string_equal(b->reason, "below_floor");
			assert_int_equal(b->e.excluded, 1);
			assert_int_equal(b->e.rank, 0);
			continue;
		}
		assert_null(b->reason);
		assert_int_equal(b->e.excluded, 0);
		/* Rank: 1 + the ranked bids before it (amount, lot key). */
		rank = 1;
		for (j = 0; j < r->nbids; j++) {
			c = &r->bids[j];
			if (j == i || c->reason != NULL)
				continue;
			if (c->amount < b->amount || (c->amount == b->amount &&
			    memcmp(c->e.lot_key, b->e.lot_key, 32) < 0))
				rank++;
		}
		assert_int_equal(b->e.rank, rank);
		ranked++;
	}
	assert_int_equal(r->ranked, ranked);
	return (ranked);
}

/*
 * A complete opening: six valid bids, one a won below the floor, one at
 * the floor, three with equal amounts settled by lot, one at the
 * planned price. The picks give counts 3, 3, 2, 2, 2 so that the tie
 * rule decides the fourth number; the numbers are shifted so that the
 * four chosen prices do not sum to a multiple of 4 and the rounding up
 * shows.
 */
static void
test_run_opens_tallies_and_ranks(void **state)
{
	struct opening_run	r;
	struct opening_bid	b[6];
	struct spec		s[6];
	const char		*reasons[6] = { "below_floor", NULL, NULL, NULL,
				    NULL, NULL };
	int			pairs[6][2] = { { 3, 6 }, { 3, 6 }, { 2, 3 },
				    { 4, 6 }, { 2, 7 }, { 4, 7 } };
	int			counts[PRICES_COUNT], chosen[PRICES_CHOSEN];
	int			sh, shift, i, k;
	int64_t			sum, planned, floor_amount, tie;

	(void)state;
	/* Numbers 2..7 shifted by 0..8: find a sum that is not 4k. */
	shift = 0;
	for (sh = 0; sh <= 8; sh++) {
		sum = prices[sh + 3 - 1] + prices[sh + 6 - 1] +
		    prices[sh + 2 - 1] + prices[sh + 4 - 1];
		if (sum % 4 != 0) {
			shift = sh;
			break;
		}
	}
	if (sh > 8)
		print_message("note: no shift gives a fraction to round\n");
	memset(counts, 0, sizeof(counts));
	for (i = 0; i < 6; i++) {
		pairs[i][0] += shift;
		pairs[i][1] += shift;
		counts[pairs[i][0] - 1]++;
		counts[pairs[i][1] - 1]++;
	}
	planned = expect_planned(prices, counts, chosen);
	/* The tie rule by hand: 3 before 6 (3 each), 2 and 4 before 7. */
	assert_int_equal(chosen[0], shift + 3);
	assert_int_equal(chosen[1], shift + 6);
	assert_int_equal(chosen[2], shift + 2);
	assert_int_equal(chosen[3], shift + 4);
	sum = prices[shift + 2] + prices[shift + 5] + prices[shift + 1] +
	    prices[shift + 3];
	assert_true(planned * 4 >= sum && planned * 4 < sum + 4);
	if (sum % 4 != 0)
		assert_true(planned * 4 > sum);	/* up, never down */
	floor_amount = expect_floor(planned, RATE);
	assert_true(floor_amount > 0 && floor_amount < planned);
	tie = floor_amount + 777;

	memset(s, 0, sizeof(s));
	for (i = 0; i < 6; i++) {
		s[i].sup = i;
		s[i].pa = pairs[i][0];
		s[i].pb = pairs[i][1];
	}
	s[0].amount = floor_amount - 1;
	s[1].amount = floor_amount;
	s[2].amount = tie;
	s[3].amount = tie;
	s[4].amount = planned;
	s[5].amount = tie;
	make_bids(s, 6, b);

	run_init(&r, b, 6, 1, RATE);
	assert_int_equal(opening_run(&r), 0);
	assert_int_equal(r.wrong_passphrase, 0);
	assert_null(r.passphrase);
	assert_true(r.planned == planned);
	assert_true(r.floor_amount == floor_amount);
	assert_int_equal(check_run(&r, s, reasons, prices, 1), 5);

	/* The ranking spelt out. */
	assert_int_equal(b[0].e.rank, 0);
	assert_string_equal(b[0].reason, "below_floor");
	assert_int_equal(b[1].e.rank, 1);		/* at the floor */
	assert_int_equal(b[4].e.rank, 5);
	assert_int_equal(b[4].ratio, PRICES_RATE_ONE);	/* the planned price */
	for (i = 2; i < 6; i++) {
		if (i == 4)
			continue;
		for (k = 2; k < 6; k++) {
			if (k == 4 || k == i)
				continue;
			/* Equal amounts: the lower lot key ranks first. */
			assert_int_equal(b[i].e.rank < b[k].e.rank,
			    memcmp(b[i].e.lot_key, b[k].e.lot_key, 32) < 0);
		}
		assert_true(b[i].e.rank >= 2 && b[i].e.rank <= 4);
	}
	free_bids(b, 6);
}

/*
 * A wrong passphrase opens nothing: -1, wrong_passphrase set, and no
 * output keeps a value (prefilled here so that a stale one would show).
 */
static void
test_run_wrong_passphrase(void **state)
{
	struct opening_run	r;
	struct opening_bid	b[1];
	struct spec		s[1];
	int			k;

	(void)state;
	memset(s, 0, sizeof(s));
	s[0].amount = 95000000;
	s[0].pa = 1;
	s[0].pb = 2;
	make_bids(s, 1, b);

	run_init(&r, b, 1, 1, RATE);
	free(r.passphrase);
	assert_non_null(r.passphrase = strdup(PASS "x"));
	for (k = 0; k < PRICES_COUNT; k++)
		r.prices[k] = 12345;
	r.planned = r.floor_amount = 777;
	r.ranked = 7;
	b[0].amount = 777;
	b[0].picks[0] = b[0].picks[1] = 7;
	assert_int_equal(opening_run(&r), -1);
	assert_int_equal(r.wrong_passphrase, 1);
	assert_null(r.passphrase);	/* freed: LeakSanitizer checks */
	for (k = 0; k < PRICES_COUNT; k++) {
		assert_true(r.prices[k] == 0);
		assert_int_equal(r.counts[k], 0);
	}
	for (k = 0; k < PRICES_CHOSEN; k++)
		assert_int_equal(r.chosen[k], 0);
	assert_true(r.planned == 0);
	assert_true(r.floor_amount == 0);
	assert_int_equal(r.ranked, 0);
	assert_true(b[0].amount == 0);
	assert_int_equal(b[0].picks[0], 0);
	assert_int_equal(b[0].picks[1], 0);
	assert_int_equal(b[0].ratio, 0);
	assert_int_equal(b[0].e.rank, 0);

	/* No passphrase at all: the same refusal, no scrypt run. */
	run_init(&r, b, 1, 1, RATE);
	free(r.passphrase);
	r.passphrase = NULL;
	assert_int_equal(opening_run(&r), -1);
	assert_int_equal(r.wrong_passphrase, 1);
	for (k = 0; k < PRICES_COUNT; k++)
		assert_true(r.prices[k] == 0);
	free_bids(b, 1);
}

/*
 * Bad bids are set aside with their reason and the opening goes on; their
 * picks (all among 12..15 here) do not reach the tally.
 */
static void
test_run_bad_bids_do_not_stop_the_opening(void **state)
{
	struct opening_run	r;
	struct opening_bid	b[11];
	struct spec		s[11];
	const char		*reasons[11] = {
		NULL,		/* 0: valid */
		"sealed_hash",	/* 1: an envelope byte altered */
		"canonical",	/* 2: the bid of another notice id */
		"canonical",	/* 3: another notice number */
		"signature",	/* 4: signed by a key without this cert */
		"signature",	/* 5: signature altered */
		"decrypt",	/* 6: sealed under another bidder's AAD */
		"decrypt",	/* 7: sealed under another order's AAD */
		"plaintext",	/* 8: amount with a leading zero */
		"plaintext",	/* 9: picks not ascending */
		NULL,		/* 10: valid */
	};
	int			k;

	(void)state;
	memset(s, 0, sizeof(s));
	for (k = 0; k < 11; k++) {
		s[k].sup = k % NSUP;
		s[k].amount = 99000000 + k;
		s[k].pa = 12 + k % 3;
		s[k].pb = 15;
	}
	s[0].pa = 1;
	s[0].pb = 2;
	s[10].pa = 1;
	s[10].pb = 3;
	s[10].amount = 98000000;
	s[1].flip_env = 1;
	s[2].notice_id = NOTICE_ID + 1;
	s[3].notice_no = "G2B-2026-009999";
	s[4].signer = intruder;
	s[5].flip_sig = 1;
	s[6].aad_bizno = sup[0].bizno;
	s[7].aad_order = 2;
	s[8].plain = "g2b-sealed-bid-v1\namount:099000008\npicks:12,15\n";
	s[9].plain = "g2b-sealed-bid-v1\namount:99000009\npicks:15,13\n";
	make_bids(s, 11, b);

	run_init(&r, b, 11, 1, RATE);
	assert_int_equal(opening_run(&r), 0);
	assert_int_equal(r.wrong_passphrase, 0);
	assert_null(r.passphrase);
	/* Only bids 0 and 10 count: numbers 1, 2, 3 picked. */
	assert_int_equal(r.counts[0], 2);
	assert_int_equal(r.counts[1], 1);
	assert_int_equal(r.counts[2], 1);
	for (k = 3; k < PRICES_COUNT; k++)
		assert_int_equal(r.counts[k], 0);
	assert_int_equal(check_run(&r, s, reasons, prices, 1), 2);
	assert_int_equal(b[10].e.rank, 1);
	assert_int_equal(b[0].e.rank, 2);
	free_bids(b, 11);
}

/*
 * Prices sealed under another AAD (another notice's) do not open: -1,
 * and it is not a wrong passphrase (the key did unlock).
 */
static void
test_run_prices_of_another_notice(void **state)
{
	struct opening_run	r;
	struct opening_bid	b[1];
	struct spec		s[1];
	char			other[64], *b64 = NULL;
	int			k;

	(void)state;
	opening_prices_aad(other, sizeof(other), "4243");
	assert_int_equal(opening_reseal(notice.public_pem, BASE, RANGE, other,
	    &b64), 0);
	memset(s, 0, sizeof(s));
	s[0].amount = 95000000;
	s[0].pa = 1;
	s[0].pb = 2;
	make_bids(s, 1, b);

	run_init(&r, b, 1, 1, RATE);
	r.prices_b64 = b64;
	assert_int_equal(opening_run(&r), -1);
	assert_int_equal(r.wrong_passphrase, 0);
	assert_null(r.passphrase);
	for (k = 0; k < PRICES_COUNT; k++)
		assert_true(r.prices[k] == 0);
	assert_true(r.planned == 0);
	assert_true(r.floor_amount == 0);
	assert_int_equal(r.ranked, 0);
	assert_true(b[0].amount == 0);
	assert_int_equal(b[0].picks[0], 0);
	assert_int_equal(b[0].picks[1], 0);
	free_bids(b, 1);
	free(b64);
}

/* No bids: every count 0, so numbers 1..4 are averaged, rounded up. */
static void
test_run_without_bids(void **state)
{
	struct opening_run	r;
	unsigned char		seed[32];
	int64_t			sum, planned;
	int			k;

	(void)state;
	run_init(&r, NULL, 0, 1, RATE);
	assert_int_equal(opening_run(&r), 0);
	assert_int_equal(r.wrong_passphrase, 0);
	assert_null(r.passphrase);
	for (k = 0; k < PRICES_COUNT; k++) {
		assert_true(r.prices[k] == prices[k]);
		assert_int_equal(r.counts[k], 0);
	}
	for (k = 0; k < PRICES_CHOSEN; k++)
		assert_int_equal(r.chosen[k], k + 1);
	sum = prices[0] + prices[1] + prices[2] + prices[3];
	planned = sum / 4 + (sum % 4 != 0);
	assert_true(r.planned == planned);
	assert_true(r.floor_amount == expect_floor(planned, RATE));
	assert_int_equal(r.ranked, 0);
	assert_int_equal(prices_lot_seed(NOTICE_NO, 1, NULL, 0, seed), 0);
	assert_memory_equal(r.seed, seed, 32);
}

/*
 * An amendment that redrew the prices (order 2, sealed under
 * "notice:4242:2:prices"): the bids of order 2, sealed under their
 * order-2 AAD, open; the seed is the order-2 one. Lowest-price award
 * (floor rate 0): no floor, so even a very low bid ranks.
 */
static void
test_run_amendment_with_new_prices(void **state)
{
	struct opening_run	r;
	struct opening_bid	b[3];
	struct spec		s[3];
	const char		*reasons[3] = { NULL, NULL, NULL };
	int64_t			p2[PRICES_COUNT];
	char			aad2[64], *b64 = NULL;

	(void)state;
	opening_prices_aad_order(aad2, sizeof(aad2), NOTICE_IDS, 2);
	assert_int_equal(opening_reseal(notice.public_pem, 150000000, 3000,
	    aad2, &b64), 0);
	assert_int_equal(opening_prices_unlock(notice.private_enc_pem, PASS,
	    b64, aad2, p2), 0);

	memset(s, 0, sizeof(s));
	s[0].sup = 0;
	s[0].order = 2;
	s[0].amount = 1000;
	s[0].pa = 5;
	s[0].pb = 9;
	s[1].sup = 1;
	s[1].order = 2;
	s[1].amount = 149000000;
	s[1].pa = 5;
	s[1].pb = 11;
	s[2].sup = 2;
	s[2].order = 2;
	s[2].amount = 140000000;
	s[2].pa = 9;
	s[2].pb = 15;
	make_bids(s, 3, b);

	run_init(&r, b, 3, 2, 0);
	r.prices_b64 = b64;
	memcpy(r.prices_aad, aad2, sizeof(r.prices_aad));
	assert_int_equal(opening_run(&r), 0);
	assert_int_equal(r.wrong_passphrase, 0);
	assert_true(r.floor_amount == 0);
	assert_int_equal(check_run(&r, s, reasons, p2, 2), 3);
	assert_int_equal(b[0].e.rank, 1);
	assert_int_equal(b[2].e.rank, 2);
	assert_int_equal(b[1].e.rank, 3);
	free_bids(b, 3);
	free(b64);
}

/*
 * An amendment that kept the prices (still sealed under the first
 * order's AAD) and kept the bids: a bid of order 1 and one of order 2
 * both open in the order-2 run, each with its own AAD; a bid whose
 * canonical says order 2 but sealed under order 1's AAD does not.
 */
static void
test_run_amendment_keeping_prices_and_bids(void **state)
{
	struct opening_run	r;
	struct opening_bid	b[3];
	struct spec		s[3];
	const char		*reasons[3] = { NULL, NULL, "decrypt" };

	(void)state;
	memset(s, 0, sizeof(s));
	s[0].sup = 3;
	s[0].order = 1;
	s[0].amount = 99500000;
	s[0].pa = 1;
	s[0].pb = 15;
	s[1].sup = 4;
	s[1].order = 2;
	s[1].amount = 99400000;
	s[1].pa = 2;
	s[1].pb = 15;
	s[2].sup = 5;
	s[2].order = 2;
	s[2].aad_order = 1;
	s[2].amount = 99300000;
	s[2].pa = 3;
	s[2].pb = 14;
	make_bids(s, 3, b);

	run_init(&r, b, 3, 2, RATE);	/* prices_aad: the first order's */
	assert_int_equal(opening_run(&r), 0);
	assert_int_equal(check_run(&r, s, reasons, prices, 2), 2);
	assert_int_equal(r.counts[14], 2);
	assert_int_equal(r.counts[13], 0);
	assert_int_equal(b[1].e.rank, 1);
	assert_int_equal(b[0].e.rank, 2);
	free_bids(b, 3);
}

/*
 * The same bid twice (the database's unique bid hash rules it out, but
 * the run must not trust that): the lot cannot decide, the run fails,
 * and no amount it opened stays behind in the outputs.
 */
static void
test_run_failing_late_wipes_the_amounts(void **state)
{
	struct opening_run	r;
	struct opening_bid	b[2];
	struct spec		s[1];
	int			k;

	(void)state;
	memset(s, 0, sizeof(s));
	s[0].amount = 99123456;
	s[0].pa = 4;
	s[0].pb = 8;
	make_bids(s, 1, b);
	b[1] = b[0];
	b[1].id = 101;

	run_init(&r, b, 2, 1, RATE);
	assert_int_equal(opening_run(&r), -1);
	assert_int_equal(r.wrong_passphrase, 0);
	assert_null(r.passphrase);
	assert_int_equal(r.ranked, 0);
	for (k = 0; k < PRICES_COUNT; k++)
		assert_true(r.prices[k] == 0);
	for (k = 0; k < 2; k++) {
		assert_true(b[k].amount == 0);
		assert_int_equal(b[k].picks[0], 0);
		assert_int_equal(b[k].picks[1], 0);
		assert_int_equal(b[k].e.rank, 0);
	}
	/* Nothing opened outlives a failed run. */
	assert_true(b[0].e.amount == 0 && b[1].e.amount == 0);
	assert_int_equal(b[0].ratio, 0);
	assert_int_equal(b[1].ratio, 0);
	assert_true(r.planned == 0 && r.floor_amount == 0);
	b[1].canonical = NULL;
	b[1].sealed = NULL;
	b[1].sig = NULL;
	free_bids(b, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_opens_tallies_and_ranks),
		cmocka_unit_test(test_run_wrong_passphrase),
		cmocka_unit_test(test_run_bad_bids_do_not_stop_the_opening),
		cmocka_unit_test(test_run_prices_of_another_notice),
		cmocka_unit_test(test_run_without_bids),
		cmocka_unit_test(test_run_amendment_with_new_prices),
		cmocka_unit_test(test_run_amendment_keeping_prices_and_bids),
		cmocka_unit_test(test_run_failing_late_wipes_the_amounts),
	};

	return (cmocka_run_group_tests(tests, group_setup, group_teardown));
}
