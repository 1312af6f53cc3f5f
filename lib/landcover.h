/*
 * landcover.h - land-cover products: built-in class tables (ESA WorldCover,
 * Google Dynamic World), class tables from a JSON file, and the ESA WorldCover
 * tile grid (3 x 3 degree tiles named by their south-west corner).
 */
#ifndef LANDCOVER_H
#define LANDCOVER_H

#include <stddef.h>
#include <jansson.h>

/* https://esa-worldcover.s3.eu-central-1.amazonaws.com/v200/2021/map/... */
#define LC_WORLDCOVER_URL \
	"https://esa-worldcover.s3.eu-central-1.amazonaws.com/v200/2021/map/" \
	"ESA_WorldCover_10m_2021_v200_{TILE}_Map.tif"
#define LC_WORLDCOVER_FILE "ESA_WorldCover_10m_2021_v200_{TILE}_Map.tif"
#define LC_WORLDCOVER_RES (1.0 / 12000)	/* degrees per pixel */
#define LC_WORLDCOVER_TILE_PX 36000

/* New arrays of {"id","name","color"}: the 11 WorldCover classes with their
 * official colours, and the 9 Dynamic World V1 label classes. */
json_t *lc_worldcover_classes(void);
json_t *lc_dynamic_world_classes(void);

/*
 * A class table from a JSON file: an array of {"id": int 0..65534, "name":
 * string, "color": "RRGGBB"?}, ids unique.  NULL with err set if not.
 * Returned normalised: only id, name and color (when given), in file order.
 */
json_t *lc_classes_load(const char *path, char *err, size_t errlen);
/* Largest id of a table (-1 when empty). */
long lc_classes_max_id(const json_t *classes);

/*
 * The WorldCover tile holding the pixel that contains (lon, lat): tiles are
 * whole pixels of one global grid from (-180, 90), so a point on a tile edge
 * belongs to the tile whose pixel it falls in, as GDAL's nearest lookup
 * decides.  name gets "N00E006"; lon0/lat0 the tile's south-west corner.
 * -1 when the point is off the Earth.
 */
int lc_worldcover_tile(double lon, double lat, char name[8], int *lon0, int *lat0);
/* The same in two steps, for millions of points: the tile's column (0..119,
 * from -180) and row (0..59, from 90) without any formatting, then its name. */
int lc_worldcover_tile_index(double lon, double lat, int *tcol, int *trow);
void lc_worldcover_tile_name(int tcol, int trow, char name[8], int *lon0, int *lat0);

/* The tile's URL or path: template with {TILE} replaced; a template without
 * {TILE} is a folder that holds the tiles under their official names.
 * -1 if it does not fit. */
int lc_tile_url(const char *tmpl, const char *tile, char *out, size_t outlen);

#endif
