/* tilestat.c - valid fraction and SCL classes of a tile's window (see tilestat.h). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "tilestat.h"

/* Some of the first nb bands of pixel i is neither NaN nor nodata. */
static int
has_data(const struct raster *ra, int nb, size_t i)
{
	for (int b = 0; b < nb; b++) {
		double v = raster_get(ra, b, i);

		if (!isnan(v) && !(ra->has_nodata && v == ra->nodata))
			return 1;
	}
	return 0;
}

double
tilestat_valid_fraction(const struct raster *ref, const struct raster *scl,
    const unsigned char scl_invalid[256], int col0, int row0, int size)
{
	size_t n = 0;
	int x, y, nb = strcmp(ref->role, "label") == 0 ? 1 : ref->nbands;

	for (y = row0; y < row0 + size && y < ref->height; y++)
		for (x = col0; x < col0 + size && x < ref->width; x++) {
			size_t i = (size_t)y * ref->width + x;

			if (scl != NULL && scl_invalid[((const uint8_t *)scl->data)[i]])
				continue;
			n += has_data(ref, nb, i);
		}
	return (double)n / ((double)size * size);
}

size_t
tilestat_mask(const struct raster *ra, int col0, int row0, int size, unsigned char *m)
{
	size_t S = (size_t)size, holes = 0;

	for (size_t y = 0; y < S; y++)
		for (size_t x = 0; x < S; x++) {
			size_t sx = (size_t)col0 + x, sy = (size_t)row0 + y;

			m[y * S + x] = sx < (size_t)ra->width && sy < (size_t)ra->height &&
			    has_data(ra, ra->nbands, sy * ra->width + sx);
			holes += !m[y * S + x];
		}
	return holes;
}

void
tilestat_scl(const struct raster *scl, const unsigned char cloudy[256], int col0, int row0,
    int size, struct tilestat_scl *st)
{
	const uint8_t *p = scl->data;
	int x, y;

	memset(st, 0, sizeof *st);
	for (y = row0; y < row0 + size && y < scl->height; y++)
		for (x = col0; x < col0 + size && x < scl->width; x++)
			st->count[p[(size_t)y * scl->width + x]]++;
	for (x = 0; x < 256; x++)
		if (x != TILESTAT_SCL_NODATA) {
			st->data += st->count[x];
			if (cloudy[x])
				st->cloud += st->count[x];
		}
}

double
tilestat_cloud_fraction(const struct tilestat_scl *st)
{
	return st->data ? (double)st->cloud / (double)st->data : NAN;
}
