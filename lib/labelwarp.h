/*
 * labelwarp.h - class codes onto a grid, nearest neighbour, pixel centre to
 * pixel centre, from one source or from several side by side (the tiles of
 * one product).  The centre of every grid pixel, moved into the sources' CRS,
 * takes the value of the source pixel that contains it (floor(x + 1e-10), as
 * gdalwarp -r near does), so the labels equal gdalwarp's on the same target
 * grid and gdal_translate -srcwin's when the grids coincide.
 *
 * The sources are read in between, by window, so the work comes in phases:
 *
 *	struct labelwarp w = { 0 };
 *	labelwarp_init(&w, &grid);		// pixel centres, every one in part 0
 *	labelwarp_transform(&w, x, err, errlen); // into the sources' CRS (PROJ)
 *	...w.nparts = k, w.part[i] = which part holds centre i (LABELWARP_NONE: none)...
 *	w.parts[0] = (struct labelwarp_part){ .inv = ..., .width = ..., .height = ... };
 *	if (labelwarp_locate(&w) == 0) ...no source has any pixel...
 *	...read each part's window [c0,c1) x [r0,r1) into .plane (.dtype, .nodata)...
 *	valid = labelwarp_label(&w, out, DT_UINT8, 255);
 *	labelwarp_clear(&w);
 *
 * Or, for sources already on the grid (a server resampled them), only
 * labelwarp_on_grid, the part's pixels, and labelwarp_label.
 */
#ifndef LABELWARP_H
#define LABELWARP_H

#include <stddef.h>
#include <stdint.h>
#include "raster.h"

struct geo_xform;

#define LABELWARP_MAX_PARTS 16
#define LABELWARP_NONE 0xff		/* w.part[] of a centre no part holds */

/* One source as the warp sees it. */
struct labelwarp_part {
	/* in, for labelwarp_locate */
	double inv[6];			/* georeference -> pixel */
	int width, height;
	int empty;			/* holds no pixels (a tile that is not there) */
	int edge_snap;			/* a centre one pixel past an edge is the edge
					   pixel's: the part was chosen by a global grid
					   that a last bit of its own transform may miss */
	/* out of labelwarp_locate: the window of it the grid needs */
	long c0, r0, c1, r1;		/* [c0,c1) x [r0,r1) */
	uint64_t inside;		/* grid pixels it gives a value */
	/* in, for labelwarp_label: that window's pixels */
	const void *plane;		/* (c1 - c0) x (r1 - r0) samples */
	enum dtype dtype;		/* uint8, uint16 or int16 */
	int has_nodata;
	double nodata;
};

struct labelwarp {
	size_t n;			/* grid pixels */
	double *x, *y;			/* centres, then in the sources' CRS */
	int32_t *col, *row;		/* the source pixel of each */
	uint8_t *part;			/* its part, or LABELWARP_NONE */
	int on_grid;			/* part 0 is on the grid itself */
	int nparts;
	struct labelwarp_part parts[LABELWARP_MAX_PARTS];
};

/* The grid's pixel centres, all in part 0 of 1.  -1 when out of memory. */
int labelwarp_init(struct labelwarp *w, const struct grid *g);
/* Move the centres with x (NULL: the sources share the grid's CRS).  -1 with
 * err when PROJ fails. */
int labelwarp_transform(struct labelwarp *w, struct geo_xform *x, char *err, size_t errlen);
/* The source pixel of every centre, and the window each part must supply;
 * centres in an empty part or outside their part's pixels get no part.  Frees
 * the centres.  Returns the grid pixels some part gives a value. */
uint64_t labelwarp_locate(struct labelwarp *w);
/* Instead of the above: one part of width x height pixels that is the grid. */
void labelwarp_on_grid(struct labelwarp *w, const struct grid *g);

/*
 * The label raster: n samples of dt (uint8 or uint16) into out.  A pixel no
 * part holds, one whose part has its nodata there, and a code dt cannot hold
 * below nd become nd.  Returns the pixels that are not nd.
 */
size_t labelwarp_label(const struct labelwarp *w, void *out, enum dtype dt, double nd);
void labelwarp_clear(struct labelwarp *w);

#endif
