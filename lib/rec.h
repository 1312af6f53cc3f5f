/*
 * rec.h - the record stream every tool speaks (DESIGN.md section 3).
 *
 * A record is one line of JSON (an object) followed by the inline payloads of
 * the rasters it lists in "rasters", in that order: band-sequential, row-major,
 * little-endian.  A raster may instead name a spooled GeoTIFF by "path".
 *
 * Calling sequence:
 *
 *	struct rec_reader rd;  struct rec r;
 *	rec_reader_init(&rd, stdin, "stdin");
 *	while ((st = rec_read(&rd, &r, err, sizeof err)) != REC_EOF) {
 *		if (st == REC_FATAL) { ...exit 2... }
 *		if (st == REC_BAD)   { ...reject r (its json is valid)... }
 *		...work on r.json, r.rasters, r.grid...
 *		rec_write(stdout, &r, &wopt, err, sizeof err);
 *		rec_free(&r);
 *	}
 *
 * Keys a tool does not know stay in r.json untouched.  The known raster and
 * grid fields live in struct raster / struct grid, and rec_write writes them
 * back over the JSON, so a tool edits the structs, never r.json["rasters"].
 * A stale "error" key (a record fed back from a rejects file) is dropped on read.
 */
#ifndef REC_H
#define REC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

enum dtype { DT_UINT8, DT_UINT16, DT_INT16, DT_FLOAT32, DT_COUNT };

const char *dtype_name(enum dtype t);
int dtype_parse(const char *name, enum dtype *out);	/* 0 ok, -1 unknown */
size_t dtype_size(enum dtype t);

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
	json_t *extra;		/* the raster's JSON object as read: unknown keys survive */
};

struct rec {
	json_t *json;		/* the header object, owned */
	size_t nrasters;
	struct raster *rasters;
	int has_grid;
	struct grid grid;
	long long number;	/* 1-based position in the input stream */
	/* A record rejected on read (REC_BAD) keeps its payloads as they came, and
	 * r.json its "rasters" as they were, so that its reject can be rerun. */
	void *raw;
	size_t rawlen, raw_rasters;
};

enum rec_status { REC_OK, REC_EOF, REC_BAD, REC_FATAL };

struct rec_reader {
	FILE *fp;
	const char *name;	/* for messages: "stdin" or a path */
	long long number;	/* records read so far */
	uint64_t offset;	/* bytes consumed so far */
	char *line;
	size_t cap;
};

void rec_reader_init(struct rec_reader *rd, FILE *fp, const char *name);
void rec_reader_free(struct rec_reader *rd);

/*
 * Read the next record.  REC_OK: r is complete.  REC_BAD: the frame was sound
 * (payload skipped) but the content is invalid: r.json is set for the reject,
 * err says why.  REC_FATAL: the stream cannot be followed (not JSON, short
 * payload, I/O error); err names the record number and byte offset.
 */
enum rec_status rec_read(struct rec_reader *rd, struct rec *r, char *err, size_t errlen);

struct rec_write_opts {
	const char *spool_dir;	/* NULL: inline payloads; else GeoTIFFs in this folder */
	const char *tool;	/* names spooled files: DIR/{id}.{tool}.{role}.tif */
	int header_only;	/* write the JSON line alone (rejects on stderr) */
};

/* Write r (header + payloads or spooled files).  0 ok, -1 error (err set). */
int rec_write(FILE *fp, struct rec *r, const struct rec_write_opts *o, char *err, size_t errlen);

void rec_free(struct rec *r);
void rec_init(struct rec *r);		/* an empty record with an empty JSON object */

/* Rasters of a record. */
size_t raster_plane(const struct raster *ra);		/* samples in one band */
size_t raster_bytes(const struct raster *ra);		/* whole payload in bytes */
/* Append a raster with freshly allocated zeroed data; NULL on overflow/OOM. */
struct raster *rec_add_raster(struct rec *r, const char *role, int width, int height,
    int nbands, enum dtype dt);
struct raster *rec_find_raster(struct rec *r, const char *role);
void rec_remove_raster(struct rec *r, size_t i);
void raster_free(struct raster *ra);
/* Band names: set band i of ra; ra->bands grows as needed. */
void raster_set_band_name(struct raster *ra, int i, const char *name);
/* Read sample i of band b as a double, whatever the dtype. */
double raster_get(const struct raster *ra, int b, size_t i);

/* Upper bound on one payload, so a corrupt "bytes" cannot ask for all memory. */
#define REC_MAX_PAYLOAD ((uint64_t)1 << 34)

#endif
