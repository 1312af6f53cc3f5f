/*
 * poicand.h - candidate points from rows of columns, as poi-fetch reads them from
 * a dataset or a file: the coordinates come from the first latitude and the first
 * longitude column a row has (names tried in order), or from a GeoJSON Point;
 * the row's other columns are kept, except images.  A row without usable
 * coordinates is counted by kind and left out.
 *
 *	static const char *lat[] = { "latitude", "lat", "y" }, *lon[] = { ... };
 *	struct poicand_set s = { .lat_keys = lat, .nlat = 3, .lon_keys = lon, .nlon = 3,
 *	    .max_rows = 100000 };
 *	while (more rows && !poicand_full(&s))
 *		if (poicand_row(&s, row_idx, row) == -1) fail("out of memory");
 *	use(s.v, s.n); report(s.rows, s.missing, s.nonnum, s.nonfinite, s.range);
 *	poicand_free(&s);
 *
 * Rows are borrowed: what a candidate keeps of one is a copy.
 */
#ifndef POICAND_H
#define POICAND_H

#include <stddef.h>
#include <jansson.h>

/* A row with usable coordinates. */
struct poicand {
	long long row_idx;
	double lon, lat;
	json_t *meta;		/* the row's other columns */
};

struct poicand_set {
	/* in */
	const char *const *lat_keys, *const *lon_keys;	/* column names, tried in order */
	int nlat, nlon;
	long long max_rows;	/* rows looked at, at most (0: all) */
	const json_t *skip_cols;	/* names of columns never kept (media), or NULL */
	/* out */
	struct poicand *v;
	size_t n, cap;
	long long rows;		/* rows looked at */
	long long missing, nonnum, nonfinite, range;	/* rows left out, by why */
};

/* What a coordinate value is: JSON numbers, or strings as the default dataset
 * stores them ("46.028223"; hexadecimal, which strtod would read, is refused). */
enum poicand_coord { POICAND_OK, POICAND_MISSING, POICAND_NONNUM, POICAND_NONFINITE };
enum poicand_coord poicand_coord(const json_t *v, double *out);

/* One row: an object of columns, or anything else (counted missing).  0, or -1
 * when out of memory. */
int poicand_row(struct poicand_set *s, long long row_idx, const json_t *row);
/* A GeoJSON Feature: coordinates from a Point geometry, columns from its properties
 * (and its id); without a geometry the properties' columns are tried.  0 or -1. */
int poicand_feature(struct poicand_set *s, long long row_idx, const json_t *f);
/* 1 when max_rows rows have been looked at: readers stop there. */
int poicand_full(const struct poicand_set *s);
void poicand_free(struct poicand_set *s);

#endif
