/*
 * resample.h - reducing a raster plane to a smaller size, for tile.
 *
 * Continuous data (imagery) goes through a separable antialiasing filter:
 *   RS_AREA      each output pixel is the mean of the input area it covers,
 *                partial pixels weighted by their overlap (OpenCV INTER_AREA);
 *                an integer factor gives exactly the block mean.
 *   RS_BILINEAR  Pillow's BILINEAR reduce: a triangle filter whose support is
 *                scaled by the reduction factor, taps at pixel centres, weights
 *                normalised per output pixel (Pillow's precompute_coeffs).
 * Pixels marked invalid (nodata) carry no weight; an output pixel whose taps
 * are all invalid is invalid.  Sums are in double precision.
 *
 * Categorical data (labels, SCL) is never averaged: rs_nearest() picks the
 * input pixel under each output pixel's centre.
 */
#ifndef RESAMPLE_H
#define RESAMPLE_H

#include <stddef.h>

enum rs_filter { RS_AREA, RS_BILINEAR };

/* "area" or "bilinear"; 0 ok, -1 unknown. */
int rs_filter_parse(const char *name, enum rs_filter *f);

/* 1-D weights of a reduction from n_in samples to n_out. */
struct rs_coeffs {
	int n_out;
	int ksize;		/* taps reserved per output sample */
	int *first;		/* first input index of output i */
	int *len;		/* number of taps of output i */
	double *w;		/* n_out * ksize weights, summing to 1 per output */
};

int rs_coeffs_make(struct rs_coeffs *c, int n_in, int n_out, enum rs_filter f);
void rs_coeffs_free(struct rs_coeffs *c);

/*
 * Resample src (win x hin doubles, row-major) into dst (wout x hout).
 * valid (may be NULL: all valid) marks usable input pixels; dvalid (may be
 * NULL when valid is NULL) receives the output mask.  0 ok, -1 out of memory.
 */
int rs_plane(const double *src, const unsigned char *valid, int win, int hin,
    double *dst, unsigned char *dvalid, int wout, int hout, enum rs_filter f);

/*
 * 8-bit samples without nodata, RS_BILINEAR: exactly Pillow's
 * Image.resize(..., BILINEAR) of an "L" or "RGB" image (per channel):
 * 22-bit fixed-point weights, horizontal pass rounded to 8 bits, then the
 * vertical pass.  0 ok, -1 out of memory.
 */
int rs_plane_u8(const unsigned char *src, int win, int hin, unsigned char *dst, int wout,
    int hout);

/* Input index under the centre of output pixel i, reducing n_in to n_out:
 * floor((i + 0.5) * n_in / n_out), computed exactly in integers. */
int rs_nearest(int i, int n_in, int n_out);

#endif
