/*
 * rec.h - the record stream every tool speaks (DESIGN.md section 3).
 *
 * A record is one line of JSON (an object) followed by the inline payloads of
 * the rasters it lists in "rasters", in that order: band-sequential, row-major,
 * little-endian.  A raster may instead name a spooled GeoTIFF by "path": rec
 * frames it by reference (ra->path set, ra->data NULL) and never opens the file;
 * spool.h loads and stores the samples one floor up.
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

#include "raster.h"

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
	int header_only;	/* write the JSON line alone (rejects on stderr) */
};

/* Write r: the header, then the payloads of the rasters that hold data; a raster
 * with a path and no data is written by reference.  o may be NULL.  0 ok, -1 error
 * (err set). */
int rec_write(FILE *fp, struct rec *r, const struct rec_write_opts *o, char *err, size_t errlen);

void rec_free(struct rec *r);
void rec_init(struct rec *r);		/* an empty record with an empty JSON object */

/* Rasters of a record. */
/* Append a raster with freshly allocated zeroed data; NULL on overflow/OOM. */
struct raster *rec_add_raster(struct rec *r, const char *role, int width, int height,
    int nbands, enum dtype dt);
struct raster *rec_find_raster(struct rec *r, const char *role);
void rec_remove_raster(struct rec *r, size_t i);

/*
 * Turn a record read whole back into the record as it came: its "rasters" as
 * read, its inline payloads as raw bytes, no parsed rasters.  For a record found
 * bad after reading (a spooled file that does not open): its reject reruns.
 */
void rec_as_read(struct rec *r);

/* Upper bound on one payload, so a corrupt "bytes" cannot ask for all memory. */
#define REC_MAX_PAYLOAD RASTER_MAX_BYTES

#endif
