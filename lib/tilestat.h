/*
 * tilestat.h - what one square window of a record holds, for tile to keep it
 * or skip it: the fraction of its pixels that are valid, and the SCL classes
 * under it with the share that is cloud.
 *
 *	double vf = tilestat_valid_fraction(ref, scl, scl_invalid, col0, row0, size);
 *	size_t holes = tilestat_mask(image, col0, row0, size, mask);
 *	struct tilestat_scl st;
 *	tilestat_scl(scl, cloudy, col0, row0, size, &st);
 *	double cf = tilestat_cloud_fraction(&st);	// NaN: no SCL data there
 *
 * A window may reach past the raster's right or bottom edge (tile pads it):
 * padding is never valid and never counted.  Class sets are 256 flags, one
 * per SCL class.
 */
#ifndef TILESTAT_H
#define TILESTAT_H

#include <stddef.h>

#include "raster.h"

/* SCL class 0 is "no data": never cloud, never in the cloud fraction. */
#define TILESTAT_SCL_NODATA 0

/*
 * Fraction of the size x size window at (col0, row0) that is valid: ref's
 * pixels not nodata when ref is the label, else (imagery) pixels with at
 * least one band not nodata; with an scl raster (one uint8 band, may be NULL)
 * also an SCL class not in scl_invalid.  Padding counts as invalid.
 */
double tilestat_valid_fraction(const struct raster *ref, const struct raster *scl,
    const unsigned char scl_invalid[256], int col0, int row0, int size);

/*
 * The window's pixels that hold data, the rule tile reduces imagery by: m
 * (size x size flags) is 1 where the pixel lies on the raster and some band
 * is neither NaN nor nodata.  Returns how many are 0 (padding included).
 */
size_t tilestat_mask(const struct raster *ra, int col0, int row0, int size, unsigned char *m);

/* The SCL classes of a window at input resolution. */
struct tilestat_scl {
	size_t count[256];	/* pixels per class */
	size_t data;		/* pixels whose class is not TILESTAT_SCL_NODATA */
	size_t cloud;		/* of those, in a cloudy class */
};

void tilestat_scl(const struct raster *scl, const unsigned char cloudy[256], int col0,
    int row0, int size, struct tilestat_scl *st);

/* cloud / data: SCL no data says nothing about clouds.  NaN when the window
 * has no SCL data at all. */
double tilestat_cloud_fraction(const struct tilestat_scl *st);

#endif
