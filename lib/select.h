/*
 * select.h - choose points spread over the globe, as the original builder:
 * shuffle with a seed, then greedy farthest-first under a minimum great-circle
 * separation, or the largest separation that still yields k points.
 *
 * Farthest-first keeps, for every candidate, its distance to the nearest
 * chosen point and updates it once per pick: O(n*k) time, O(n) memory.
 */
#ifndef SELECT_H
#define SELECT_H

#include <stddef.h>
#include <stdint.h>

struct select_pts {
	size_t n;
	double *xyz;		/* unit vectors, 3 per point */
};

/* Prepare n points (degrees).  0 ok, -1 out of memory. */
int	select_init(struct select_pts *, const double *lon, const double *lat, size_t n);
void	select_free(struct select_pts *);

/*
 * Pick at most k points (k = 0: no limit) into out[] (indices into the
 * input, in pick order); returns how many.  The candidates are first put in
 * the order of a seeded shuffle (rng.h); the first of that order is picked,
 * then repeatedly the candidate farthest from all picked ones, while that
 * distance is >= min_sep_km (ties: lowest input index).  min_sep_km <= 0
 * takes the first k of the shuffled order.  -1 when out of memory.
 */
long	select_farthest(const struct select_pts *, size_t k, double min_sep_km,
	    uint64_t seed, size_t *out);

/*
 * The largest separation in [0, hi_km] for which select_farthest still gives
 * k points: hi_km itself if it does, else a binary search of `iterations`
 * halvings (36 in the original).  Fills out[] with that selection and returns
 * its size; *sep_km is the separation used.  Falls back to separation 0 when
 * even the search result gives fewer than k (as the original does).
 */
long	select_auto(const struct select_pts *, size_t k, double hi_km, int iterations,
	    uint64_t seed, size_t *out, double *sep_km);

/* Great-circle distance in km between points i and j (from their vectors). */
double	select_dist_km(const struct select_pts *, size_t i, size_t j);

#endif
