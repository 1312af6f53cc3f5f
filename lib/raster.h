/*
 * raster.h - the raster value every floor above shares: sample types, the grid a
 * raster lies on, and a raster's planes and band names.  It knows no file format
 * and no stream: rec.h frames rasters in the record stream, gtiff.h stores them
 * as GeoTIFFs, and both speak this.
 */
#ifndef RASTER_H
#define RASTER_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

enum dtype { DT_UINT8, DT_UINT16, DT_INT16, DT_FLOAT32, DT_COUNT };

const char *dtype_name(enum dtype t);
int dtype_parse(const char *name, enum dtype *out);	/* 0 ok, -1 unknown */
size_t dtype_size(enum dtype t);
/* Sample i of an array of t, as a double. */
double dtype_get(enum dtype t, const void *data, size_t i);

/* Affine transform as STAC proj:transform: x = a*col + b*row + c, y = d*col + e*row + f. */
struct grid {
	char crs[64];		/* "EPSG:32631", or any string PROJ accepts */
	double t[6];
	int width, height;
};

struct raster {
	char role[16];		/* image, label, scl, still */
	int width, height, nbands;
	json_t *bands;		/* array of band names (strings), owned */
	enum dtype dtype;
	int has_nodata;
	double nodata;
	void *data;		/* nbands planes of width*height samples, host order */
	char *path;		/* samples held in this GeoTIFF instead (spooled), owned */
	json_t *extra;		/* the raster's JSON object as read: unknown keys survive */
};

/* Upper bound on one raster's samples in bytes, so a corrupt size cannot ask for all
 * memory. */
#define RASTER_MAX_BYTES ((uint64_t)1 << 34)

size_t raster_plane(const struct raster *ra);		/* samples in one band */
size_t raster_bytes(const struct raster *ra);		/* all planes in bytes */
/* 0 when width x height x nbands samples of dt are sane and under RASTER_MAX_BYTES. */
int raster_size_ok(int width, int height, int nbands, enum dtype dt);
void raster_free(struct raster *ra);
/* Band names: set band i of ra; ra->bands grows as needed. */
void raster_set_band_name(struct raster *ra, int i, const char *name);
/* Read sample i of band b as a double, whatever the dtype. */
double raster_get(const struct raster *ra, int b, size_t i);

#endif
