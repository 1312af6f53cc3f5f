/* augview.c - flips and quarter turns of a tile's pixels and transform (see augview.h). */
#include <string.h>

#include "augview.h"

static const char *names[AUGVIEW_COUNT] = { NULL, "flip", "r90", "r180", "r270" };

const char *
augview_name(enum augview v)
{
	return v > AUGVIEW_NONE && v < AUGVIEW_COUNT ? names[v] : NULL;
}

int
augview_parse(const char *name, enum augview *v)
{
	for (int i = AUGVIEW_FLIP; i < AUGVIEW_COUNT; i++)
		if (strcmp(name, names[i]) == 0) {
			*v = (enum augview)i;
			return 0;
		}
	return -1;
}

int
augview_swaps_sides(enum augview v)
{
	return v == AUGVIEW_R90 || v == AUGVIEW_R270;
}

void
augview_plane(const void *src, void *dst, int w, int h, size_t esz, enum augview v)
{
	int i, j, ow = augview_swaps_sides(v) ? h : w, oh = augview_swaps_sides(v) ? w : h;

	for (i = 0; i < oh; i++)
		for (j = 0; j < ow; j++) {
			int si, sj;

			switch (v) {
			case AUGVIEW_FLIP:	si = i;		sj = w - 1 - j;	break;
			case AUGVIEW_R90:	si = j;		sj = w - 1 - i;	break;
			case AUGVIEW_R180:	si = h - 1 - i;	sj = w - 1 - j;	break;
			case AUGVIEW_R270:	si = h - 1 - j;	sj = i;		break;
			default:		si = i;		sj = j;		break;
			}
			memcpy((char *)dst + ((size_t)i * ow + j) * esz,
			    (const char *)src + ((size_t)si * w + sj) * esz, esz);
		}
}

void
augview_transform(const double t[6], int w, int h, enum augview v, double o[6])
{
	double a = t[0], b = t[1], c = t[2], d = t[3], e = t[4], f = t[5];

	switch (v) {
	case AUGVIEW_FLIP:	/* col = w - x', row = y' */
		o[0] = -a; o[1] = b; o[2] = a * w + c;
		o[3] = -d; o[4] = e; o[5] = d * w + f;
		break;
	case AUGVIEW_R90:	/* col = w - y', row = x' */
		o[0] = b; o[1] = -a; o[2] = a * w + c;
		o[3] = e; o[4] = -d; o[5] = d * w + f;
		break;
	case AUGVIEW_R180:	/* col = w - x', row = h - y' */
		o[0] = -a; o[1] = -b; o[2] = a * w + b * h + c;
		o[3] = -d; o[4] = -e; o[5] = d * w + e * h + f;
		break;
	case AUGVIEW_R270:	/* col = y', row = h - x' */
		o[0] = -b; o[1] = a; o[2] = b * h + c;
		o[3] = -e; o[4] = d; o[5] = e * h + f;
		break;
	default:
		memcpy(o, t, 6 * sizeof *o);
	}
	for (int i = 0; i < 6; i++)
		o[i] += 0.0;	/* no "-0.0" in the JSON */
}
