/*
 * prices: the published price rules of a tender, used by the opening
 * (개찰). Kore-free; depends on libc and OpenSSL libcrypto only.
 *
 * Units: money is int64_t won; rates are int32_t in 0.001 % (87.745 % is
 * 87745, 100 % is PRICES_RATE_ONE). Functions return 0 on success and -1
 * on bad arguments or on a result that would not fit; predicates return
 * 1 or 0. Nothing here crashes on bad input.
 *
 * Published rules, in the order the opening applies them:
 *
 * 1. Preliminary prices (복수예비가격). With base amount B (기초금액) and
 *    range r (0.001 %), let d = floor(B * r / 100000). The drawable
 *    amounts are the whole won amounts lo = B - d .. hi = B + d, i.e. all
 *    whole amounts in [B(1 - r), B(1 + r)]; there are N = 2d + 1 of them.
 *    They are split into 15 consecutive bands: band k (k = 0..14, shown
 *    to users as number k + 1) holds
 *        lo + floor(k * N / 15) .. lo + floor((k + 1) * N / 15) - 1.
 *    The bands do not overlap, cover lo..hi and differ in size by at most
 *    one won. One amount is drawn uniformly at random inside each band, so
 *    preliminary price number k + 1 lies in band k and the 15 prices
 *    ascend with their numbers. N must be at least 15.
 * 2. Each bidder picks 2 distinct numbers out of 1..15.
 * 3. Planned price (예정가격): the 4 preliminary prices picked most often
 *    are averaged. On equal pick counts the lower number ranks first; so
 *    with no bids (all counts zero) the planned price is the average of
 *    numbers 1..4. The average is sum / 4 in exact integer arithmetic,
 *    rounded to the won as the notice states (PRICES_ROUND_*).
 * 4. Award floor rate (낙찰하한율): from a dated table keyed by family,
 *    rule set and amount band; the row with the latest valid_from not
 *    after the date applies.
 * 5. Floor amount: ceil(planned * rate / 100000) won. A bid equal to the
 *    floor amount is acceptable; a bid one won below it is excluded.
 * 6. Ranking: valid bids at or above the floor, lowest amount first.
 *    Equal amounts are settled by lot (추첨): the lower lot key ranks
 *    first, where lot key = HMAC-SHA256(seed, bid hash) and the seed is
 *    derived from public data only (see prices_lot_seed), so anyone can
 *    recompute the draw after the opening.
 * 7. A tender with fewer than two ranked bids fails (유찰).
 */
#ifndef G2B_PRICES_H
#define G2B_PRICES_H

#include <stddef.h>
#include <stdint.h>

#define PRICES_COUNT		15	/* preliminary prices drawn */
#define PRICES_PICKS		2	/* numbers picked per bid */
#define PRICES_CHOSEN		4	/* most-picked prices averaged */

#define PRICES_RATE_ONE		100000	/* 100 % in 0.001 % units */
#define PRICES_RANGE_MIN	500	/* ±0.5 % */
#define PRICES_RANGE_MAX	10000	/* ±10 % */
#define PRICES_RANGE_NATIONAL	2000	/* ±2 %, national bodies */
#define PRICES_RANGE_LOCAL	3000	/* ±3 %, local governments */
#define PRICES_BASE_MAX		INT64_C(1000000000000000)	/* 10^15 won */
/* Largest amount accepted as a preliminary price (above any draw). */
#define PRICES_AMOUNT_MAX	INT64_C(10000000000000000)	/* 10^16 won */

/* Rounding of the planned price to the won. */
#define PRICES_ROUND_UP		1	/* any fraction up (ceil) */
#define PRICES_ROUND_DOWN	2	/* fraction dropped (floor) */
#define PRICES_ROUND_HALF_UP	3	/* .5 and above up */

/* Procurement families (물품, 용역, 공사, 외자). */
#define FAMILY_GOODS		1
#define FAMILY_SERVICES		2
#define FAMILY_WORKS		3
#define FAMILY_FOREIGN		4

/* Which body's rules apply. */
#define RULESET_NATIONAL	1	/* 국가계약법, central agencies */
#define RULESET_LOCAL		2	/* 지방계약법, local governments */

#define PRICES_HASH_LEN		32

/*
 * One row of an award floor table (낙찰하한율). A row applies to amounts in
 * [min_amount, max_amount) won (max_amount 0: no upper bound) from the
 * date valid_from (yyyymmdd) until a later row for the same family, rule
 * set and band takes over.
 */
struct floor_rule {
	int		family;		/* FAMILY_* */
	int		ruleset;	/* RULESET_* */
	int64_t		min_amount;
	int64_t		max_amount;
	int32_t		valid_from;	/* yyyymmdd */
	int32_t		rate;		/* 0.001 % */
};

/* One bid as the ranking sees it. */
struct bid_entry {
	int64_t		amount;		/* won */
	unsigned char	lot_key[PRICES_HASH_LEN]; /* from prices_lot_key */
	int		valid;		/* set by the caller */
	int		excluded;	/* set by the caller or prices_rank */
	int		rank;		/* by prices_rank: 1.., 0 unranked */
};

/*
 * Source of uniform random numbers: stores a value in [0, bound) in *v and
 * returns 0, or returns -1. bound is at least 1.
 */
typedef int	(*prices_rnd_fn)(void *, uint64_t, uint64_t *);

/*
 * Draw the 15 preliminary prices (복수예비가격) for base amount base
 * (1..PRICES_BASE_MAX won) within ±range (0.001 %, PRICES_RANGE_MIN..
 * PRICES_RANGE_MAX) by rule 1 above; out[k] lies in band k. Uses the
 * OpenSSL CSPRNG without modulo bias. -1 on bad arguments (including a
 * base too small to give 15 bands) or if the CSPRNG fails; out is then
 * zeroed.
 */
int	prices_draw(int64_t base, int range, int64_t out[PRICES_COUNT]);

/*
 * As prices_draw, with rnd (called once per band with bound = the band's
 * size in won) as the source of randomness. A value outside [0, bound) or
 * a failure of rnd gives -1.
 */
int	prices_draw_with(int64_t base, int range, int64_t out[PRICES_COUNT],
	    prices_rnd_fn rnd, void *arg);

/*
 * Band k (0..14) of rule 1: the amounts *lo..*hi inclusive. Same argument
 * limits as prices_draw. 0 or -1.
 */
int	prices_band(int64_t base, int range, int k, int64_t *lo, int64_t *hi);

/*
 * A prices_rnd_fn on the OpenSSL CSPRNG (RAND_bytes) with rejection
 * sampling, so every value in [0, bound) is equally likely. arg unused.
 */
int	prices_rand_uniform(void *arg, uint64_t bound, uint64_t *v);

/* 1 if a and b are two distinct preliminary price numbers in 1..15. */
int	prices_picks_valid(int a, int b);

/*
 * Count how often each number was picked: counts[k] for number k + 1.
 * picks holds nbids pairs of numbers. -1 (counts zeroed) if a pair is
 * not valid by prices_picks_valid.
 */
int	prices_tally(const int (*picks)[PRICES_PICKS], size_t nbids,
	    int counts[PRICES_COUNT]);

/*
 * Planned price (예정가격) by rule 3: the average of the 4 most-picked
 * preliminary prices, rounded by rounding (PRICES_ROUND_*).
 *
 * Tie rule (published): the prices are ordered by pick count, highest
 * first, and on equal counts by number, lower number first; the first 4
 * are taken. With no bids every count is zero and numbers 1..4 are taken.
 *
 * chosen receives the 4 numbers (1..15) in that order. prices must be
 * 1..PRICES_AMOUNT_MAX and counts non-negative. 0 or -1.
 */
int	prices_planned(const int64_t prices[PRICES_COUNT],
	    const int counts[PRICES_COUNT], int rounding, int64_t *planned,
	    int chosen[PRICES_CHOSEN]);

/*
 * Award floor rate (낙찰하한율) for a tender of the given family and rule
 * set, amount in won (the amount the table is keyed on, e.g. the
 * estimated price 추정가격 for works; verify per family) and date
 * (yyyymmdd, the notice date): among the rows whose family and rule set
 * match, whose band holds amount and whose valid_from is not after date,
 * the one with the latest valid_from. -1 if no row applies or if two
 * matching rows share that latest valid_from (an ambiguous table).
 */
int	prices_floor_rate(const struct floor_rule *rules, size_t n, int family,
	    int ruleset, int64_t amount, int32_t date, int32_t *rate);

/*
 * Built-in floor table, *n rows. CONFIGURABLE DATA TO VERIFY: the portal
 * keeps the authoritative table in the database; this one seeds it and
 * serves the tests. See prices.c for the rows and their sources.
 */
const struct floor_rule	*prices_default_floor_rules(size_t *n);

/*
 * Lowest acceptable bid: ceil(planned * rate / 100000) won, computed
 * without overflow. planned 0..INT64_MAX, rate 0..PRICES_RATE_ONE.
 * -1 on bad arguments.
 */
int64_t	prices_floor_amount(int64_t planned, int32_t rate);

/*
 * A bid as a ratio of the planned price in 0.001 %, rounded half up:
 * 87.7453 % gives 87745, 87.7455 % gives 87746. bid >= 0 and planned
 * 1..PRICES_AMOUNT_MAX; -1 on bad arguments or if the ratio does not fit
 * in int32_t.
 */
int32_t	prices_ratio(int64_t bid, int64_t planned);

/*
 * Seed of the lot (추첨) among equal bids, from public data only:
 *     SHA-256("g2b-lot-v1" 0x00 notice_no 0x00 order(4 bytes, big endian)
 *             H1 H2 .. Hn)
 * where H1..Hn are the n 32-byte bid hashes sorted bytewise ascending, so
 * the seed does not depend on arrival order. The hashes are those of
 * every bid opened for this notice and order, all published with the
 * results. order is the notice's 차수 (>= 0). 0 or -1 (bad arguments,
 * out of memory).
 */
int	prices_lot_seed(const char *notice_no, int order,
	    const unsigned char (*bid_hashes)[PRICES_HASH_LEN], size_t n,
	    unsigned char seed[PRICES_HASH_LEN]);

/*
 * Lot key of a bid: HMAC-SHA256 with key seed over bid_hash. NULL seed or
 * bid_hash gives an all-zero key; an internal OpenSSL failure aborts.
 */
void	prices_lot_key(const unsigned char seed[PRICES_HASH_LEN],
	    const unsigned char bid_hash[PRICES_HASH_LEN],
	    unsigned char key[PRICES_HASH_LEN]);

/*
 * Rank bids by rule 6. Sets excluded on valid bids below floor_amount
 * (never clears it, so the caller may exclude bids for other reasons
 * beforehand). Ranks the valid, non-excluded bids 1, 2, .. by ascending
 * amount, equal amounts by ascending lot_key (bytewise); every other bid
 * gets rank 0. Returns the number of ranked bids, or -1 (all ranks 0) on
 * bad arguments (NULL, floor_amount < 0, a valid bid with a negative
 * amount), out of memory, or two ranked bids with equal amounts and equal
 * lot keys (the same bid hash twice: the lot cannot decide).
 */
int	prices_rank(struct bid_entry *bids, size_t n, int64_t floor_amount);

/*
 * 1 if the tender fails (유찰): in open competition (일반경쟁) fewer than
 * two bids were ranked (valid and not excluded); 0 otherwise.
 */
int	prices_failed(size_t ranked);

#endif
