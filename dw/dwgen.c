/*
 * dwgen: seeded randomness and registration numbers for the synthetic
 * data generator (dw/cli/g2b-gen.c). Kore-free.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dwgen.h"

static uint64_t	splitmix64(uint64_t *);
static uint64_t	rotl(uint64_t, int);

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t	z;

	z = (*x += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return (z ^ (z >> 31));
}

static uint64_t
rotl(uint64_t x, int k)
{
	return ((x << k) | (x >> (64 - k)));
}

void
dwgen_seed(struct dwgen_rng *r, uint64_t seed)
{
	uint64_t	x = seed;
	int		i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

uint64_t
dwgen_next(struct dwgen_rng *r)
{
	uint64_t	*s = r->s, result, t;

	result = rotl(s[1] * 5, 7) * 9;
	t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return (result);
}

uint64_t
dwgen_below(struct dwgen_rng *r, uint64_t bound)
{
	uint64_t	x, limit;

	if (bound == 0)
		return (0);
	/* Reject the top partial range so every value is equally likely. */
	limit = UINT64_MAX - UINT64_MAX % bound;
	do {
		x = dwgen_next(r);
	} while (x >= limit);
	return (x % bound);
}

double
dwgen_unit(struct dwgen_rng *r)
{
	return ((double)(dwgen_next(r) >> 11) * 0x1.0p-53);
}

double
dwgen_normal(struct dwgen_rng *r)
{
	double	u1, u2;

	do {
		u1 = dwgen_unit(r);
	} while (u1 <= 0.0);
	u2 = dwgen_unit(r);
	return (sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2));
}

unsigned
dwgen_poisson(struct dwgen_rng *r, double lambda)
{
	double		l, p;
	unsigned	k;
	double		x;

	if (lambda <= 0.0)
		return (0);
	if (lambda > 30.0) {
		/* Normal approximation, good enough for bid counts. */
		x = lambda + sqrt(lambda) * dwgen_normal(r) + 0.5;
		return (x < 0.0 ? 0 : (unsigned)x);
	}
	l = exp(-lambda);
	k = 0;
	p = 1.0;
	do {
		k++;
		p *= dwgen_unit(r);
	} while (p > l);
	return (k - 1);
}

size_t
dwgen_pick(struct dwgen_rng *r, const double *w, size_t n)
{
	double	total = 0.0, x;
	size_t	i;

	for (i = 0; i < n; i++)
		total += w[i];
	x = dwgen_unit(r) * total;
	for (i = 0; i < n; i++) {
		if (x < w[i])
			return (i);
		x -= w[i];
	}
	/* Rounding at the top end: the last positive weight. */
	for (i = n; i > 0; i--) {
		if (w[i - 1] > 0.0)
			return (i - 1);
	}
	return (0);
}

int
dwgen_prices_rnd(void *arg, uint64_t bound, uint64_t *v)
{
	if (bound == 0)
		return (-1);
	*v = dwgen_below(arg, bound);
	return (0);
}

int
dwgen_bizno_check(const char *d)
{
	static const int	w[9] = { 1, 3, 7, 1, 3, 7, 1, 3, 5 };
	int			i, sum = 0;

	for (i = 0; i < 9; i++)
		sum += (d[i] - '0') * w[i];
	sum += ((d[8] - '0') * 5) / 10;
	return ((10 - sum % 10) % 10);
}

int
dwgen_bizno(uint64_t index, uint64_t salt, char out[11])
{
	/* 3^18 is prime to 10^9: x -> a*x + b mod 10^9 is a bijection. */
	const uint64_t	a = UINT64_C(387420489), m = UINT64_C(1000000000);
	const uint64_t	span = UINT64_C(899000000);	/* 101000000 .. 999999999 */
	uint64_t	x;

	if (index >= span)
		return (-1);
	/* A bijection on [0, span) (a is prime to span too), then shifted. */
	x = (index % span * (a % span) + salt % span) % span + 101000000;
	if (x >= m)
		return (-1);
	snprintf(out, 11, "%09llu", (unsigned long long)x);
	out[9] = (char)('0' + dwgen_bizno_check(out));
	out[10] = '\0';
	return (0);
}
