/*
 * worldcover.h - the ESA WorldCover 10 m 2021 v200 map as files: GeoTIFF tiles
 * of 3 x 3 degrees named by their south-west corner ("N00E006"), all cut from
 * one global grid of 1/12000 degree pixels starting at (-180, 90), EPSG:4326.
 *
 * Tiles exist over land only.  A tile that is not there (HTTP 404, no such
 * file) is sea: it holds no labels, and asking for it is no fault.
 *
 * Calling sequence (lon/lat are the points to label, in EPSG:4326):
 *
 *	struct worldcover_tile tiles[16];
 *	uint8_t *tile_of = malloc(n);
 *	int nt;
 *	if (worldcover_cover(WORLDCOVER_URL, lon, lat, n, tile_of, tiles, 16, &nt))
 *		...more than 16 tiles, or a URL too long...
 *	// point i lies in tiles[tile_of[i]] (WORLDCOVER_OFF: off the Earth);
 *	// read tiles[0 .. nt-1].url, taking a missing one as sea
 *
 * A point on a tile edge belongs to the tile whose pixel it falls in, as
 * GDAL's nearest lookup decides (floor(x + 1e-10) on the global grid).
 */
#ifndef WORLDCOVER_H
#define WORLDCOVER_H

#include <stddef.h>
#include <stdint.h>

/* The official tiles (specs/external-services.md 6.1), and their file names. */
#define WORLDCOVER_URL \
	"https://esa-worldcover.s3.eu-central-1.amazonaws.com/v200/2021/map/" \
	"ESA_WorldCover_10m_2021_v200_{TILE}_Map.tif"
#define WORLDCOVER_FILE "ESA_WorldCover_10m_2021_v200_{TILE}_Map.tif"
/* What a record's "landcover.source" calls the product. */
#define WORLDCOVER_NAME "ESA WorldCover 10m 2021 v200"
#define WORLDCOVER_PX_PER_DEG 12000	/* 10 m pixels: 1/12000 degree */
#define WORLDCOVER_TILE_PX 36000	/* pixels per tile side */

/*
 * The tile holding the pixel that contains (lon, lat).  name gets "N00E006";
 * lon0/lat0 (either may be NULL) the tile's south-west corner.  -1 when the
 * point is off the Earth.
 */
int worldcover_tile(double lon, double lat, char name[8], int *lon0, int *lat0);
/* The same in two steps, for millions of points: the tile's column (0..119,
 * from -180) and row (0..59, from 90) without any formatting, then its name. */
int worldcover_tile_index(double lon, double lat, int *tcol, int *trow);
void worldcover_tile_name(int tcol, int trow, char name[8], int *lon0, int *lat0);

/* The tile's URL or path: tmpl with {TILE} replaced by the name; a tmpl without
 * {TILE} is a folder holding the tiles under their official names (a file://
 * URL or a plain path stays one).  -1 if it does not fit in outlen. */
int worldcover_tile_url(const char *tmpl, const char *tile, char *out, size_t outlen);

#define WORLDCOVER_OFF 0xff		/* tile_of[] of a point off the Earth */

struct worldcover_tile {
	char name[8];			/* "N00E006" */
	char url[2048];			/* from the template */
	int tcol, trow;			/* as worldcover_tile_index gives them */
};

enum worldcover_cover_status {
	WORLDCOVER_OK,
	WORLDCOVER_TOO_MANY,		/* the points lie in more than max tiles */
	WORLDCOVER_URL_TOO_LONG		/* the template makes a URL over 2047 bytes */
};

/*
 * Which tiles n points lie in: tiles[0 .. *ntiles-1] in the order the points
 * first meet them (max at most 254), and for each point tile_of[i], its tile's
 * index or WORLDCOVER_OFF.  On an error tile_of and tiles are filled up to the
 * point that met it.
 */
enum worldcover_cover_status worldcover_cover(const char *tmpl, const double *lon,
    const double *lat, size_t n, uint8_t *tile_of, struct worldcover_tile *tiles, int max,
    int *ntiles);

#endif
