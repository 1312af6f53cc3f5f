/*
 * augview.h - augmented views of a tile: a left-right flip and quarter turns
 * (counter-clockwise, as numpy.rot90), exact permutations of the pixels with
 * the transform that keeps every pixel on the same ground.
 *
 *	enum augview v;
 *	if (augview_parse("r90", &v) < 0) ...unknown...
 *	int vw = augview_swaps_sides(v) ? h : w, vh = augview_swaps_sides(v) ? w : h;
 *	augview_plane(src, dst, w, h, sizeof(uint16_t), v);	// each band
 *	augview_transform(t, w, h, v, view_t);			// the view's grid
 */
#ifndef AUGVIEW_H
#define AUGVIEW_H

#include <stddef.h>

/* The tile itself, then the views in the order of their names. */
enum augview { AUGVIEW_NONE, AUGVIEW_FLIP, AUGVIEW_R90, AUGVIEW_R180, AUGVIEW_R270,
	AUGVIEW_COUNT };

/* "flip", "r90", "r180", "r270"; NULL for AUGVIEW_NONE. */
const char *augview_name(enum augview v);
/* A view by its name; 0 ok, -1 unknown (NONE has no name). */
int augview_parse(const char *name, enum augview *v);
/* 1 for r90 and r270: the view is h x w. */
int augview_swaps_sides(enum augview v);

/*
 * Permute one w x h plane of esz-byte samples into dst for view v: flip is
 * numpy.fliplr, r90 numpy.rot90(a, 1) (counter-clockwise), r180
 * numpy.rot90(a, 2), r270 numpy.rot90(a, 3).
 */
void augview_plane(const void *src, void *dst, int w, int h, size_t esz, enum augview v);

/*
 * The affine of view v of a w x h tile whose affine is t (proj:transform
 * order): pixel corner (x', y') of the view is the tile's pixel corner it
 * came from, so every pixel keeps its ground (r90 and r270 give a rotated
 * transform).  Never a negative zero.
 */
void augview_transform(const double t[6], int w, int h, enum augview v, double out[6]);

#endif
