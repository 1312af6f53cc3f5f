/*
 * hist.h - exact percentiles, equal to numpy.percentile's default method
 * ("linear", numpy >= 1.22): the sorted neighbours at rank (n-1)*p/100 are
 * interpolated with numpy's own two-sided lerp.
 *
 * Integer samples go through a histogram (one pass, no sort: exact for
 * uint8, uint16 and int16).  Floats go through a radix selection: two
 * linear passes of 16-bit histograms over their bits, exact, never a sort.
 */
#ifndef HIST_H
#define HIST_H

#include <stddef.h>
#include <stdint.h>

/* numpy's _lerp: a + (b-a)*t, or b - (b-a)*(1-t) when t >= 0.5. */
double hist_lerp(double a, double b, double t);

/* Rank of percentile p (0..100) among n > 0 sorted samples: the lower
 * neighbour k (0-based) and the weight t of the upper one (k+1, or k itself
 * at the top). */
void hist_rank(uint64_t n, double p, uint64_t *k, double *t);

/*
 * Percentiles p[0..np-1] (each 0..100, any order) of the samples counted in
 * count[0..nbins-1], where count[i] samples have the value base + i.
 * Writes out[0..np-1]; -1 when there is no sample at all.
 */
int hist_percentiles(const uint64_t *count, size_t nbins, double base,
    const double *p, size_t np, double *out);

/*
 * Percentiles of the n floats in v (no NaN; v is left as it is).
 * -1 when n is 0 or out of memory.
 */
int hist_select_percentiles(float *v, size_t n, const double *p, size_t np,
    double *out);

#endif
