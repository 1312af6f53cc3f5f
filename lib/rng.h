/*
 * rng.h - a small seeded PRNG whose stream is the same on every machine:
 * xoshiro256** (Blackman and Vigna) seeded through splitmix64.  Integer
 * arithmetic only, so a seed gives the same numbers everywhere.  It is NOT
 * Python's Mersenne Twister: a seed does not reproduce random.shuffle.
 */
#ifndef RNG_H
#define RNG_H

#include <stddef.h>
#include <stdint.h>

struct rng {
	uint64_t s[4];
};

/* Seed from one 64-bit number (expanded by splitmix64). */
void	rng_seed(struct rng *, uint64_t seed);
/* Seed from bytes: the first 32 bytes of their SHA-256, so "42:poi_000017"
 * gives a stream that depends on nothing else. */
void	rng_seed_bytes(struct rng *, const void *data, size_t len);
uint64_t rng_next(struct rng *);
/* Uniform double in [0, 1) with 53 random bits. */
double	rng_uniform(struct rng *);
/* Uniform integer in [0, n), n > 0, without modulo bias (rejection). */
uint64_t rng_below(struct rng *, uint64_t n);
/* Fisher-Yates shuffle of n indices: for i = n-1 down to 1, swap i with
 * rng_below(i + 1). */
void	rng_shuffle_size(struct rng *, size_t *v, size_t n);

#endif
