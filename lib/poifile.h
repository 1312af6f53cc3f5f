/*
 * poifile.h - candidate points (poicand.h) from a local file, its format told by
 * its content: one JSON document (a GeoJSON FeatureCollection, or an array of
 * rows and Features), else one JSON object per line (NDJSON, GeoJSON-lines),
 * else CSV with a header line (csv.h).  A UTF-8 byte order mark is skipped.
 *
 *	struct poicand_set s = { .lat_keys = ..., .max_rows = 100000 };
 *	const char *format;	// "csv", "ndjson", "geojsonl", "json" or "geojson"
 *	if (poifile_read(&s, "places.csv", &format, err, sizeof err) == -1)
 *		fail(err);	// "places.csv:12: not JSON: ..."
 *
 * A row's index is its place in the file: the n-th data line of a CSV, the n-th
 * object of an array or of the lines (blank lines not counted).  Reading stops
 * once the set is full, so what follows is never looked at.
 */
#ifndef POIFILE_H
#define POIFILE_H

#include <stddef.h>

struct poicand_set;

/* The file at path ("-": standard input, named "stdin" in messages).
 * 0, or -1 with err set: unreadable, or no format holds. */
int poifile_read(struct poicand_set *s, const char *path, const char **format, char *err,
    size_t errlen);
/* The same for len bytes at buf, named name in messages. */
int poifile_parse(struct poicand_set *s, const char *name, const char *buf, size_t len,
    const char **format, char *err, size_t errlen);

#endif
