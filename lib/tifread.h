/*
 * tifread.h - windowed reads of a local GeoTIFF through libtiff: open the
 * file, learn its sample type, layout and georeference, then read any pixel
 * window by decoding only the tiles or strips it touches.
 *
 *	struct tifread tr;
 *	if (tifread_open(&tr, "B04.tif", err, sizeof err)) ...;
 *	buf = malloc(tr.spp * w * h * dtype_size(tr.dtype));
 *	if (tifread_window(&tr, col0, row0, w, h, 0, buf, err, sizeof err)) ...;
 *	tifread_close(&tr);
 *
 * Supported: 8-bit unsigned, 16-bit unsigned or signed, 32-bit float samples;
 * tiled or stripped; contiguous or separate planes; any compression libtiff
 * decodes.  Only the first image of the file (full resolution) is read.
 * libtiff and libgeotiff messages are caught per handle and end up in err;
 * nothing is printed.
 */
#ifndef TIFREAD_H
#define TIFREAD_H

#include <stddef.h>
#include <stdint.h>
#include "raster.h"

struct tifread {
	void *tif;			/* TIFF * */
	char path[1024];
	char msg[256];			/* last libtiff error, for messages */
	int width, height, spp;
	enum dtype dtype;
	int tiled;
	uint32_t block_w, block_h;	/* tile size, or width x rows per strip */
	int separate;			/* PLANARCONFIG_SEPARATE */
	int has_grid;			/* a transform was found */
	struct grid grid;		/* crs "" when the file names no known CRS */
	int pixel_is_point;		/* the origin was shifted half a pixel */
	int has_nodata;
	double nodata;
	void *block;			/* one decoded tile or strip */
	size_t block_bytes;
	uint64_t blocks_read;		/* decoded so far: tests check windowed reads */
};

/* 0 ok; -1 with err "path: why". */
int tifread_open(struct tifread *tr, const char *path, char *err, size_t errlen);
/* Read spp planes of width x height samples, host order, from the window whose
 * top-left pixel is (col0,row0); pixels outside the image get fill. */
int tifread_window(struct tifread *tr, long col0, long row0, int width, int height,
    double fill, void *out, char *err, size_t errlen);
/* Band names from GDAL_METADATA DESCRIPTION items: sets ra->bands entries. */
void tifread_band_names(struct tifread *tr, struct raster *ra);
void tifread_close(struct tifread *tr);

#endif
