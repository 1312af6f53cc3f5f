/*
 * tilecut.h - one tile out of a raster: the size x size window at (col0, row0),
 * padded where it reaches past the raster, reduced to the tile's side.
 *
 * Categorical rasters (roles label and scl) and windows not reduced take the
 * input pixel under each output pixel's centre (lib/resample.h rs_nearest);
 * padding gets tilecut_pad_value.  Imagery goes through the antialiasing
 * filter over one mask for all bands: a pixel is invalid when every band is
 * nodata, or padding; invalid pixels carry no weight, an output pixel with
 * no valid input is the pad value, integers are rounded half up and
 * clamped.  A whole 8-bit window without nodata under RS_BILINEAR takes
 * Pillow's own fixed-point path (rs_plane_u8), byte for byte.
 *
 *	struct raster *dst = ...out x out, src's dtype and band count...
 *	if (tilecut_window(src, dst, col0, row0, size, RS_BILINEAR) < 0) ...out of memory...
 */
#ifndef TILECUT_H
#define TILECUT_H

#include "raster.h"
#include "resample.h"

/* What padding is filled with: the raster's nodata, else 255 for a label, else 0. */
double tilecut_pad_value(const struct raster *ra);

/* Fill dst (out x out with out <= size, already allocated, src's dtype and
 * bands) from the window of src.  0 ok, -1 out of memory. */
int tilecut_window(const struct raster *src, struct raster *dst, int col0, int row0,
    int size, enum rs_filter filter);

#endif
