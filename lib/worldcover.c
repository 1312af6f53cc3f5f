/*
 * worldcover.c - the WorldCover tile grid, tile URLs and which tiles points
 * lie in (see worldcover.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "worldcover.h"

int
worldcover_tile_index(double lon, double lat, int *tcol, int *trow)
{
	double gc, gr;
	long tc, tr;

	if (!isfinite(lon) || !isfinite(lat) || lon < -180 || lon > 180 || lat < -90 ||
	    lat > 90)
		return -1;
	/* Global pixel position, floored as GDAL's nearest lookup does (+1e-10). */
	gc = floor((lon + 180.0) * WORLDCOVER_PX_PER_DEG + 1e-10);
	gr = floor((90.0 - lat) * WORLDCOVER_PX_PER_DEG + 1e-10);
	tc = (long)(gc / WORLDCOVER_TILE_PX);
	tr = (long)(gr / WORLDCOVER_TILE_PX);
	*tcol = tc > 119 ? 119 : (int)tc;	/* lon 180 belongs to the last tile */
	*trow = tr > 59 ? 59 : (int)tr;
	return 0;
}

void
worldcover_tile_name(int tcol, int trow, char name[8], int *lon0, int *lat0)
{
	int x = -180 + 3 * tcol, y = 90 - 3 * (trow + 1);
	char buf[32];

	snprintf(buf, sizeof buf, "%c%02d%c%03d", y < 0 ? 'S' : 'N', abs(y) % 100,
	    x < 0 ? 'W' : 'E', abs(x) % 1000);
	memcpy(name, buf, 8);
	if (lon0 != NULL)
		*lon0 = x;
	if (lat0 != NULL)
		*lat0 = y;
}

int
worldcover_tile(double lon, double lat, char name[8], int *lon0, int *lat0)
{
	int tc, tr;

	if (worldcover_tile_index(lon, lat, &tc, &tr) != 0)
		return -1;
	worldcover_tile_name(tc, tr, name, lon0, lat0);
	return 0;
}

int
worldcover_tile_url(const char *tmpl, const char *tile, char *out, size_t outlen)
{
	const char *p = strstr(tmpl, "{TILE}");
	int n;

	if (p == NULL) {
		size_t l = strlen(tmpl);
		const char *f = strstr(WORLDCOVER_FILE, "{TILE}");

		n = snprintf(out, outlen, "%s%s%.*s%s%s", tmpl,
		    l > 0 && tmpl[l - 1] == '/' ? "" : "/",
		    (int)(f - WORLDCOVER_FILE), WORLDCOVER_FILE, tile, f + 6);
	} else
		n = snprintf(out, outlen, "%.*s%s%s", (int)(p - tmpl), tmpl, tile, p + 6);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

enum worldcover_cover_status
worldcover_cover(const char *tmpl, const double *lon, const double *lat, size_t n,
    uint8_t *tile_of, struct worldcover_tile *tiles, int max, int *ntiles)
{
	struct worldcover_tile *t;
	size_t i;
	int k, last = -1, tc, tr;

	*ntiles = 0;
	for (i = 0; i < n; i++) {
		if (worldcover_tile_index(lon[i], lat[i], &tc, &tr) != 0) {
			tile_of[i] = WORLDCOVER_OFF;
			continue;
		}
		/* Neighbouring points are almost always in the same tile. */
		if (last >= 0 && tiles[last].tcol == tc && tiles[last].trow == tr) {
			tile_of[i] = (uint8_t)last;
			continue;
		}
		for (k = 0; k < *ntiles; k++)
			if (tiles[k].tcol == tc && tiles[k].trow == tr)
				break;
		if (k == *ntiles) {
			if (k == max || k == WORLDCOVER_OFF)
				return WORLDCOVER_TOO_MANY;
			t = &tiles[k];
			t->tcol = tc;
			t->trow = tr;
			worldcover_tile_name(tc, tr, t->name, NULL, NULL);
			if (worldcover_tile_url(tmpl, t->name, t->url, sizeof t->url) != 0)
				return WORLDCOVER_URL_TOO_LONG;
			(*ntiles)++;
		}
		tile_of[i] = (uint8_t)k;
		last = k;
	}
	return WORLDCOVER_OK;
}
