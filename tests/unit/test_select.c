/* test_select.c - farthest-first against a direct transcription of the
 * original's rule (recompute every candidate's nearest distance each round
 * with haversine), and the auto separation's properties. */
#include <math.h>
#include <stdlib.h>

#include "geo.h"
#include "rng.h"
#include "select.h"
#include "unit.h"

#define N 400

static double lon[N], lat[N];

/* The original, slowly: O(n k^2), haversine, first of the shuffled order first,
 * ties to the lowest index. */
static long
naive(size_t k, double sep, uint64_t seed, size_t *out)
{
	struct rng r;
	size_t ord[N], i, j, m = 0;
	int taken[N] = { 0 };

	for (i = 0; i < N; i++)
		ord[i] = i;
	rng_seed(&r, seed);
	rng_shuffle_size(&r, ord, N);
	out[m++] = ord[0];
	taken[ord[0]] = 1;
	while (m < k) {
		double bestd = -1;
		size_t best = N;

		for (i = 0; i < N; i++) {
			double d = INFINITY;

			if (taken[i])
				continue;
			for (j = 0; j < m; j++) {
				double e = geo_haversine_km(lon[i], lat[i], lon[out[j]], lat[out[j]]);
				if (e < d)
					d = e;
			}
			if (d >= sep && d > bestd) {
				bestd = d;
				best = i;
			}
		}
		if (best == N)
			break;
		out[m++] = best;
		taken[best] = 1;
	}
	return (long)m;
}

int
main(void)
{
	struct select_pts sp;
	struct rng r;
	size_t a[N], b[N], i, j;
	long na, nb;
	double sep, mind;
	int same;

	rng_seed(&r, 1);
	for (i = 0; i < N; i++) {
		lat[i] = asin(2 * rng_uniform(&r) - 1) * 180 / M_PI;
		lon[i] = rng_uniform(&r) * 360 - 180;
	}
	na = select_init(&sp, lon, lat, N);	/* CHECK evaluates twice */
	CHECK(na == 0, "init");

	na = select_farthest(&sp, 30, 1500, 42, a);
	nb = naive(30, 1500, 42, b);
	same = na == nb;
	for (i = 0; same && i < (size_t)na; i++)
		same = a[i] == b[i];
	CHECK(same, "farthest-first equals the original's rule (%ld and %ld points)", na, nb);

	na = select_farthest(&sp, 0, 2200, 42, a);
	nb = naive(N, 2200, 42, b);
	same = na == nb;
	for (i = 0; same && i < (size_t)na; i++)
		same = a[i] == b[i];
	CHECK(same && na > 1 && na < N, "k = 0: as many as the separation allows (%ld)", na);
	mind = INFINITY;
	for (i = 0; i < (size_t)na; i++)
		for (j = i + 1; j < (size_t)na; j++)
			mind = fmin(mind, geo_haversine_km(lon[a[i]], lat[a[i]], lon[a[j]], lat[a[j]]));
	CHECK(mind >= 2200, "every pair at least 2200 km apart (closest %.1f)", mind);

	na = select_farthest(&sp, 10, 0, 42, a);
	CHECK(na == 10, "separation 0: the first 10 of the shuffled order");
	nb = select_farthest(&sp, 10, 0, 43, b);
	same = 1;
	for (i = 0; i < 10; i++)
		same = same && a[i] == b[i];
	CHECK(!same, "another seed, another order");

	na = select_auto(&sp, 100, 2200, 36, 42, a, &sep);
	CHECK(na == 100 && sep > 0 && sep < 2200, "auto: 100 points at %.3f km", sep);
	nb = select_farthest(&sp, 100, sep * 1.001, 42, b);
	CHECK(nb < 100, "auto: a 0.1%% larger separation gives fewer (%ld)", nb);
	na = select_auto(&sp, 5, 2200, 36, 42, a, &sep);
	CHECK(na == 5 && sep == 2200, "auto: hi itself when it already gives k");
	select_free(&sp);
	UNIT_DONE();
}
