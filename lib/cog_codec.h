/*
 * cog_codec.h - TIFF block decompression and predictors, from memory to memory
 * (used by lib/cog.c; no I/O).  Every decoder writes at most outlen bytes and
 * reports a short or corrupt stream instead of reading past its input.
 */
#ifndef COG_CODEC_H
#define COG_CODEC_H

#include <stddef.h>
#include <stdint.h>

/* Decompress in[0..inlen) with TIFF compression code comp into out, which must
 * come out exactly outlen bytes long.  0 ok, -1 with err set. */
int cog_decompress(int comp, const unsigned char *in, size_t inlen,
    unsigned char *out, size_t outlen, char *err, size_t errlen);

/* Undo byte order and predictor on rows of a decoded block: rows rows of
 * rowsamples samples (pixels x samples interleaved), stride samples apart for
 * predictor 2 (= samples per pixel when contiguous, 1 when planar), bytes per
 * sample bps8 (1, 2, 4).  swap: file byte order differs from the host. */
int cog_unpredict(unsigned char *buf, size_t rows, size_t rowsamples, int stride,
    int bps8, int predictor, int swap, char *err, size_t errlen);

/* Load the optional codec libraries (libdeflate, libzstd); call once before
 * decoding from several threads. */
void cog_codec_init(void);

#endif
