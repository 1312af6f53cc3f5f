/*
 * rng.c - xoshiro256** 1.0 and splitmix64, after the public-domain reference
 * code by David Blackman and Sebastiano Vigna (prng.di.unimi.it).
 */
#include "rng.h"
#include "sha256.h"

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void
rng_seed(struct rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

void
rng_seed_bytes(struct rng *r, const void *data, size_t len)
{
	unsigned char d[32];
	int i, j;

	sha256(data, len, d);
	for (i = 0; i < 4; i++) {
		r->s[i] = 0;
		for (j = 0; j < 8; j++)
			r->s[i] = r->s[i] << 8 | d[8 * i + j];
	}
	/* The all-zero state is the one xoshiro cannot leave. */
	if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
		rng_seed(r, 0);
}

uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double
rng_uniform(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t
rng_below(struct rng *r, uint64_t n)
{
	/* Reject the top partial block so every residue is equally likely. */
	uint64_t lim = UINT64_MAX - UINT64_MAX % n, x;

	do
		x = rng_next(r);
	while (x >= lim);
	return x % n;
}

void
rng_shuffle_size(struct rng *r, size_t *v, size_t n)
{
	size_t i, j, t;

	for (i = n; i > 1; i--) {
		j = (size_t)rng_below(r, i);
		t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}
