/*
 * dwgen: the Kore-free rules of the synthetic data generator (g2b-gen):
 * a seeded pseudo-random generator, distributions, and valid business
 * registration numbers. Same seed, same sequence on every machine.
 */
#ifndef G2B_DWGEN_H
#define G2B_DWGEN_H

#include <stddef.h>
#include <stdint.h>

/* xoshiro256** seeded through splitmix64; never for secrets. */
struct dwgen_rng {
	uint64_t	s[4];
};

void		dwgen_seed(struct dwgen_rng *, uint64_t);
uint64_t	dwgen_next(struct dwgen_rng *);
/* Uniform in [0, bound), without modulo bias; bound 0 gives 0. */
uint64_t	dwgen_below(struct dwgen_rng *, uint64_t);
/* Uniform double in [0, 1). */
double		dwgen_unit(struct dwgen_rng *);
/* Standard normal (Box-Muller). */
double		dwgen_normal(struct dwgen_rng *);
/* Poisson with mean lambda (lambda <= 0 gives 0). */
unsigned	dwgen_poisson(struct dwgen_rng *, double);
/* Index drawn by non-negative weights (n >= 1, some weight > 0). */
size_t		dwgen_pick(struct dwgen_rng *, const double *, size_t);
/* prices_rnd_fn for bidding/prices.h: arg is a struct dwgen_rng. */
int		dwgen_prices_rnd(void *, uint64_t, uint64_t *);

/*
 * The index-th business registration number (사업자등록번호) of a
 * generator run with the given salt: 10 digits and a NUL in out, the
 * first nine a bijection of index (0 .. 999,999,999) so distinct indices
 * give distinct numbers, the last the check digit (domain.md). The tax
 * office code (first three digits) is never below 101. 0, or -1 if index
 * is out of range.
 */
int		dwgen_bizno(uint64_t index, uint64_t salt, char out[11]);
/* The check digit of the first nine digits of d (weights 1,3,7,1,3,7,1,3,5). */
int		dwgen_bizno_check(const char *d);

#endif
