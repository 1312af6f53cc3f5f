/*
 * rec.c - read and write the record stream: one JSON object per line, then the
 * raster payloads it announces (or, by reference, the paths of spooled GeoTIFFs).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rec.h"
#include "errbuf.h"

void
rec_init(struct rec *r)
{
	memset(r, 0, sizeof *r);
	r->json = json_object();
}

void
rec_free(struct rec *r)
{
	for (size_t i = 0; i < r->nrasters; i++)
		raster_free(&r->rasters[i]);
	free(r->rasters);
	free(r->raw);
	json_decref(r->json);
	memset(r, 0, sizeof *r);
}

struct raster *
rec_add_raster(struct rec *r, const char *role, int width, int height, int nbands,
    enum dtype dt)
{
	struct raster *ra, *grown;
	size_t n;

	if (raster_size_ok(width, height, nbands, dt))
		return NULL;
	n = (size_t)width * (size_t)height;
	grown = realloc(r->rasters, (r->nrasters + 1) * sizeof *grown);
	if (grown == NULL)
		return NULL;
	r->rasters = grown;
	ra = &r->rasters[r->nrasters];
	memset(ra, 0, sizeof *ra);
	snprintf(ra->role, sizeof ra->role, "%s", role);
	ra->width = width;
	ra->height = height;
	ra->nbands = nbands;
	ra->dtype = dt;
	ra->bands = json_array();
	ra->data = calloc(1, n * (size_t)nbands * dtype_size(dt));
	if (ra->data == NULL) {
		json_decref(ra->bands);
		return NULL;
	}
	r->nrasters++;
	return ra;
}

struct raster *
rec_find_raster(struct rec *r, const char *role)
{
	for (size_t i = 0; i < r->nrasters; i++)
		if (strcmp(r->rasters[i].role, role) == 0)
			return &r->rasters[i];
	return NULL;
}

void
rec_remove_raster(struct rec *r, size_t i)
{
	if (i >= r->nrasters)
		return;
	raster_free(&r->rasters[i]);
	memmove(&r->rasters[i], &r->rasters[i + 1], (r->nrasters - i - 1) * sizeof *r->rasters);
	r->nrasters--;
}

void
rec_reader_init(struct rec_reader *rd, FILE *fp, const char *name)
{
	memset(rd, 0, sizeof *rd);
	rd->fp = fp;
	rd->name = name;
}

void
rec_reader_free(struct rec_reader *rd)
{
	free(rd->line);
	rd->line = NULL;
	rd->cap = 0;
}

/* Samples arrive little-endian; swap in place on a big-endian host. */
static void
from_le(void *data, size_t nbytes, size_t size)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	unsigned char *p = data, t;

	for (size_t i = 0; size == 2 && i + 1 < nbytes; i += 2)
		t = p[i], p[i] = p[i + 1], p[i + 1] = t;
	for (size_t i = 0; size == 4 && i + 3 < nbytes; i += 4) {
		t = p[i], p[i] = p[i + 3], p[i + 3] = t;
		t = p[i + 1], p[i + 1] = p[i + 2], p[i + 2] = t;
	}
#else
	(void)data, (void)nbytes, (void)size;
#endif
}

static int
json_int(json_t *v, long long min, long long max, long long *out)
{
	double d;

	if (json_is_integer(v))
		*out = json_integer_value(v);
	else if (json_is_real(v)) {
		d = json_real_value(v);
		if (d != floor(d) || fabs(d) >= 9e15)
			return -1;
		*out = (long long)d;
	} else
		return -1;
	return *out < min || *out > max ? -1 : 0;
}

static int
parse_nodata(json_t *v, struct raster *ra)
{
	const char *s;

	ra->has_nodata = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_number(v)) {
		ra->nodata = json_number_value(v);
		ra->has_nodata = 1;
		return 0;
	}
	/* JSON has no NaN: a float32 raster may say "nan". */
	if (json_is_string(v) && ((s = json_string_value(v)), strcasecmp(s, "nan") == 0)) {
		ra->nodata = NAN;
		ra->has_nodata = 1;
		return 0;
	}
	return -1;
}

/* Validate the grid of a record: REC_OK, or REC_BAD with err. */
static enum rec_status
parse_grid(json_t *g, struct grid *out, char *err, size_t errlen)
{
	json_t *crs = json_object_get(g, "crs"), *tr = json_object_get(g, "transform");
	long long w, h;
	size_t n;

	if (!json_is_object(g))
		return errf(err, errlen, "grid: not an object"), REC_BAD;
	if (!json_is_string(crs) || json_string_length(crs) == 0 ||
	    json_string_length(crs) >= sizeof out->crs)
		return errf(err, errlen, "grid: crs missing or not a short string"), REC_BAD;
	n = json_array_size(tr);
	if (!json_is_array(tr) || (n != 6 && n != 9))
		return errf(err, errlen, "grid: transform must have 6 numbers (or 9 ending 0,0,1)"),
		    REC_BAD;
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(tr, i);
		if (!json_is_number(v) || !isfinite(json_number_value(v)))
			return errf(err, errlen, "grid: transform[%zu] is not a finite number", i),
			    REC_BAD;
		if (i < 6)
			out->t[i] = json_number_value(v);
	}
	if (json_int(json_object_get(g, "width"), 1, 1 << 30, &w) ||
	    json_int(json_object_get(g, "height"), 1, 1 << 30, &h))
		return errf(err, errlen, "grid: width and height must be positive integers"),
		    REC_BAD;
	snprintf(out->crs, sizeof out->crs, "%s", json_string_value(crs));
	out->width = (int)w;
	out->height = (int)h;
	return REC_OK;
}

/*
 * Describe raster i from its JSON object.  Fields that decide the frame (bytes,
 * path) were checked by the caller; here the content is judged.
 */
static enum rec_status
parse_raster(json_t *o, size_t i, struct raster *ra, char *err, size_t errlen)
{
	json_t *role = json_object_get(o, "role"), *bands = json_object_get(o, "bands");
	json_t *dt = json_object_get(o, "dtype");
	long long w, h;

	if (!json_is_string(role) || json_string_length(role) == 0 ||
	    json_string_length(role) >= sizeof ra->role)
		return errf(err, errlen, "rasters[%zu]: role missing or too long", i), REC_BAD;
	snprintf(ra->role, sizeof ra->role, "%s", json_string_value(role));
	if (json_int(json_object_get(o, "width"), 1, 1 << 30, &w) ||
	    json_int(json_object_get(o, "height"), 1, 1 << 30, &h))
		return errf(err, errlen, "rasters[%zu] (%s): width and height must be positive "
		    "integers", i, ra->role), REC_BAD;
	ra->width = (int)w;
	ra->height = (int)h;
	if (!json_is_array(bands) || json_array_size(bands) == 0 ||
	    json_array_size(bands) > 4096)
		return errf(err, errlen, "rasters[%zu] (%s): bands must be a non-empty array of "
		    "names", i, ra->role), REC_BAD;
	for (size_t b = 0; b < json_array_size(bands); b++)
		if (!json_is_string(json_array_get(bands, b)))
			return errf(err, errlen, "rasters[%zu] (%s): band %zu is not a name", i,
			    ra->role, b), REC_BAD;
	ra->nbands = (int)json_array_size(bands);
	ra->bands = json_incref(bands);
	if (!json_is_string(dt) || dtype_parse(json_string_value(dt), &ra->dtype))
		return errf(err, errlen, "rasters[%zu] (%s): unknown dtype %s%s%s (uint8, uint16, "
		    "int16, float32)", i, ra->role, json_is_string(dt) ? "\"" : "",
		    json_is_string(dt) ? json_string_value(dt) : "(missing)",
		    json_is_string(dt) ? "\"" : ""), REC_BAD;
	if (parse_nodata(json_object_get(o, "nodata"), ra))
		return errf(err, errlen, "rasters[%zu] (%s): nodata must be a number", i, ra->role),
		    REC_BAD;
	return REC_OK;
}

static enum rec_status
fatal_at(struct rec_reader *rd, uint64_t at, char *err, size_t errlen, const char *why)
{
	errf(err, errlen, "record %lld (byte %llu): %s", rd->number,
	    (unsigned long long)at, why);
	return REC_FATAL;
}

/* Read exactly n bytes into buf (NULL: discard).  Returns bytes read. */
static uint64_t
read_exact(FILE *fp, void *buf, uint64_t n)
{
	char scratch[65536];
	uint64_t got = 0;
	size_t k;

	while (got < n) {
		size_t want = n - got > sizeof scratch ? sizeof scratch : (size_t)(n - got);
		k = fread(buf ? (char *)buf + got : scratch, 1, want, fp);
		if (k == 0)
			break;
		got += k;
	}
	return got;
}

static int
is_inline(json_t *o)
{
	return json_object_get(o, "bytes") != NULL || !json_is_string(json_object_get(o, "path"));
}

/*
 * A record rejected on read keeps its inline payloads as they came, so the
 * reject written with them can be fed back and rerun.
 */
static void
keep_raw(struct rec *r, json_t *rasters, const uint64_t *sizes)
{
	size_t total = 0, k = 0;

	for (size_t i = 0; i < r->nrasters; i++)
		if (is_inline(json_array_get(rasters, i)))
			total += sizes[i];
	r->raw = malloc(total ? total : 1);
	for (size_t i = 0; r->raw && i < r->nrasters; i++)
		if (is_inline(json_array_get(rasters, i))) {
			memcpy((char *)r->raw + k, r->rasters[i].data, sizes[i]);
			k += sizes[i];
		}
	r->rawlen = r->raw ? total : 0;
	r->raw_rasters = r->nrasters;
	for (size_t i = 0; i < r->nrasters; i++)
		raster_free(&r->rasters[i]);
	free(r->rasters);
	r->rasters = NULL;
	r->nrasters = 0;
}

void
rec_as_read(struct rec *r)
{
	json_t *rasters = json_object_get(r->json, "rasters");
	uint64_t *sizes;

	if (r->raw_rasters || r->nrasters != json_array_size(rasters))
		return;
	sizes = calloc(r->nrasters ? r->nrasters : 1, sizeof *sizes);
	if (sizes == NULL)
		return;
	for (size_t i = 0; i < r->nrasters; i++)
		if (is_inline(json_array_get(rasters, i))) {
			sizes[i] = raster_bytes(&r->rasters[i]);
			from_le(r->rasters[i].data, sizes[i], dtype_size(r->rasters[i].dtype));
		}
	keep_raw(r, rasters, sizes);
	r->has_grid = 0;
	free(sizes);
}

enum rec_status
rec_read(struct rec_reader *rd, struct rec *r, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *rasters, *g;
	ssize_t n;
	uint64_t start, *sizes = NULL;
	size_t nr = 0;
	enum rec_status st = REC_OK;
	char why[512];

	memset(r, 0, sizeof *r);
	err[0] = '\0';
	/* Blank lines carry nothing: skip them, as NDJSON readers do. */
	do {
		start = rd->offset;
		errno = 0;
		n = getline(&rd->line, &rd->cap, rd->fp);
		if (n < 0) {
			if (ferror(rd->fp))
				return errf(err, errlen, "%s: read error: %s", rd->name,
				    strerror(errno ? errno : EIO)), REC_FATAL;
			return REC_EOF;
		}
		rd->offset += (uint64_t)n;
	} while (strspn(rd->line, " \t\r\n") == (size_t)n);
	rd->number++;
	r->number = rd->number;

	r->json = json_loadb(rd->line, (size_t)n, JSON_DISABLE_EOF_CHECK, &jerr);
	if (r->json == NULL || !json_is_object(r->json)) {
		if (r->json == NULL)
			snprintf(why, sizeof why, "not a JSON object: %s (column %d)", jerr.text,
			    jerr.column);
		else
			snprintf(why, sizeof why, "not a JSON object");
		json_decref(r->json);
		r->json = NULL;
		return fatal_at(rd, start, err, errlen, why);
	}
	json_object_del(r->json, "error");

	/* The frame: how many payload bytes follow, decided before judging content. */
	rasters = json_object_get(r->json, "rasters");
	if (rasters != NULL && !json_is_array(rasters))
		return fatal_at(rd, start, err, errlen, "\"rasters\" is not an array");
	nr = json_array_size(rasters);
	if (nr > 64)
		return fatal_at(rd, start, err, errlen, "more than 64 rasters");
	sizes = calloc(nr ? nr : 1, sizeof *sizes);
	r->rasters = calloc(nr ? nr : 1, sizeof *r->rasters);
	if (sizes == NULL || r->rasters == NULL) {
		free(sizes);
		return fatal_at(rd, start, err, errlen, "out of memory");
	}
	for (size_t i = 0; i < nr; i++) {
		json_t *o = json_array_get(rasters, i), *b, *p;
		long long v;

		if (!json_is_object(o)) {
			free(sizes);
			snprintf(why, sizeof why, "rasters[%zu] is not an object", i);
			return fatal_at(rd, start, err, errlen, why);
		}
		b = json_object_get(o, "bytes");
		p = json_object_get(o, "path");
		if (b == NULL && json_is_string(p))
			continue;
		if (json_int(b, 0, (long long)REC_MAX_PAYLOAD, &v)) {
			free(sizes);
			snprintf(why, sizeof why, "rasters[%zu]: \"bytes\" must be an integer in "
			    "0..%llu (or give \"path\")", i, (unsigned long long)REC_MAX_PAYLOAD);
			return fatal_at(rd, start, err, errlen, why);
		}
		sizes[i] = (uint64_t)v;
	}
	r->nrasters = nr;

	/* Read every inline payload: the frame, before judging what it holds. */
	for (size_t i = 0; i < nr; i++) {
		json_t *o = json_array_get(rasters, i);
		struct raster *ra = &r->rasters[i];
		uint64_t got;

		ra->extra = json_incref(o);
		if (!is_inline(o))
			continue;
		ra->data = malloc(sizes[i] ? sizes[i] : 1);
		if (ra->data == NULL) {
			free(sizes);
			return fatal_at(rd, start, err, errlen, "out of memory for payload");
		}
		got = read_exact(rd->fp, ra->data, sizes[i]);
		rd->offset += got;
		if (got != sizes[i]) {
			snprintf(why, sizeof why, "truncated payload of rasters[%zu]: %llu of %llu "
			    "bytes", i, (unsigned long long)got, (unsigned long long)sizes[i]);
			free(sizes);
			return fatal_at(rd, start, err, errlen, why);
		}
	}

	/* Now the content. */
	for (size_t i = 0; i < nr && st == REC_OK; i++) {
		json_t *o = json_array_get(rasters, i);
		struct raster *ra = &r->rasters[i];

		st = parse_raster(o, i, ra, err, errlen);
		if (st != REC_OK)
			break;
		if (is_inline(o)) {
			if (sizes[i] != raster_bytes(ra)) {
				errf(err, errlen, "rasters[%zu] (%s): bytes %llu disagrees with "
				    "%dx%dx%d %s = %zu", i, ra->role, (unsigned long long)sizes[i],
				    ra->width, ra->height, ra->nbands, dtype_name(ra->dtype),
				    raster_bytes(ra));
				st = REC_BAD;
			}
			continue;
		}
		ra->path = strdup(json_string_value(json_object_get(o, "path")));
		if (ra->path == NULL) {
			free(sizes);
			return fatal_at(rd, start, err, errlen, "out of memory");
		}
	}
	g = json_object_get(r->json, "grid");
	if (st == REC_OK && g != NULL) {
		st = parse_grid(g, &r->grid, err, errlen);
		r->has_grid = st == REC_OK;
	}
	for (size_t i = 0; st == REC_OK && r->has_grid && i < nr; i++)
		if (r->rasters[i].width != r->grid.width ||
		    r->rasters[i].height != r->grid.height) {
			errf(err, errlen, "rasters[%zu] (%s) is %dx%d but the grid is %dx%d", i,
			    r->rasters[i].role, r->rasters[i].width, r->rasters[i].height,
			    r->grid.width, r->grid.height);
			st = REC_BAD;
		}
	if (st != REC_OK) {
		r->has_grid = 0;
		keep_raw(r, rasters, sizes);
	} else
		for (size_t i = 0; i < nr; i++)
			if (is_inline(json_array_get(rasters, i)))
				from_le(r->rasters[i].data, sizes[i],
				    dtype_size(r->rasters[i].dtype));
	free(sizes);
	return st;
}

static json_t *
grid_json(const struct grid *g)
{
	json_t *t = json_array();

	for (int i = 0; i < 6; i++)
		json_array_append_new(t, json_real(g->t[i]));
	return json_pack("{s:s, s:o, s:i, s:i}", "crs", g->crs, "transform", t,
	    "width", g->width, "height", g->height);
}

static int
write_all(FILE *fp, const void *p, size_t n, char *err, size_t errlen)
{
	if (n && fwrite(p, 1, n, fp) != n) {
		errf(err, errlen, "write error: %s", strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

static int
write_payload(FILE *fp, const struct raster *ra, char *err, size_t errlen)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	size_t n = raster_bytes(ra), sz = dtype_size(ra->dtype);
	unsigned char *tmp = malloc(n ? n : 1);
	int rc;

	if (tmp == NULL)
		return errf(err, errlen, "out of memory"), -1;
	memcpy(tmp, ra->data, n);
	from_le(tmp, n, sz);	/* the swap is its own inverse */
	rc = write_all(fp, tmp, n, err, errlen);
	free(tmp);
	return rc;
#else
	return write_all(fp, ra->data, raster_bytes(ra), err, errlen);
#endif
}

static int
write_line(FILE *fp, struct rec *r, char *err, size_t errlen)
{
	char *line = json_dumps(r->json, JSON_COMPACT | JSON_REAL_PRECISION(15));
	int rc;

	if (line == NULL)
		return errf(err, errlen, "cannot serialise record %lld", r->number), -1;
	errno = 0;
	rc = write_all(fp, line, strlen(line), err, errlen) || write_all(fp, "\n", 1, err, errlen);
	free(line);
	return rc ? -1 : 0;
}

/* A record that was rejected on read: its JSON and payloads exactly as they came. */
static int
write_raw(FILE *fp, struct rec *r, const struct rec_write_opts *o, char *err, size_t errlen)
{
	if (o && o->header_only) {
		json_object_del(r->json, "rasters");
		json_object_set_new(r->json, "rasters_dropped",
		    json_integer((json_int_t)r->raw_rasters));
		return write_line(fp, r, err, errlen);
	}
	if (write_line(fp, r, err, errlen))
		return -1;
	return write_all(fp, r->raw, r->rawlen, err, errlen);
}

int
rec_write(FILE *fp, struct rec *r, const struct rec_write_opts *o, char *err, size_t errlen)
{
	json_t *arr;
	int rc;

	if (r->raw_rasters)
		return write_raw(fp, r, o, err, errlen);
	if (r->has_grid)
		json_object_set_new(r->json, "grid", grid_json(&r->grid));
	arr = json_array();
	for (size_t i = 0; i < r->nrasters; i++) {
		struct raster *ra = &r->rasters[i];
		json_t *d = ra->extra ? json_deep_copy(ra->extra) : json_object();

		json_object_set_new(d, "role", json_string(ra->role));
		json_object_set_new(d, "width", json_integer(ra->width));
		json_object_set_new(d, "height", json_integer(ra->height));
		if (ra->bands == NULL || (int)json_array_size(ra->bands) != ra->nbands)
			for (int b = 0; b < ra->nbands; b++)
				if (ra->bands == NULL || (size_t)b >= json_array_size(ra->bands)) {
					char name[24];
					snprintf(name, sizeof name, "b%d", b + 1);
					raster_set_band_name(ra, b, name);
				}
		json_object_set(d, "bands", ra->bands);
		while ((int)json_array_size(json_object_get(d, "bands")) > ra->nbands)
			json_array_remove(json_object_get(d, "bands"), (size_t)ra->nbands);
		json_object_set_new(d, "dtype", json_string(dtype_name(ra->dtype)));
		if (!ra->has_nodata)
			json_object_del(d, "nodata");
		else if (isnan(ra->nodata))
			json_object_set_new(d, "nodata", json_string("nan"));
		else if (ra->nodata == floor(ra->nodata) && fabs(ra->nodata) < 1e15)
			json_object_set_new(d, "nodata", json_integer((json_int_t)ra->nodata));
		else
			json_object_set_new(d, "nodata", json_real(ra->nodata));
		if (ra->data == NULL && ra->path != NULL) {
			json_object_del(d, "bytes");
			json_object_set_new(d, "path", json_string(ra->path));
		} else {
			json_object_del(d, "path");
			json_object_set_new(d, "bytes", json_integer((json_int_t)raster_bytes(ra)));
		}
		json_array_append_new(arr, d);
	}
	if (o && o->header_only) {
		/* A header without its payloads would break the frame: say what was dropped. */
		json_object_del(r->json, "rasters");
		if (r->nrasters)
			json_object_set_new(r->json, "rasters_dropped",
			    json_integer((json_int_t)r->nrasters));
		json_decref(arr);
	} else if (r->nrasters || json_object_get(r->json, "rasters"))
		json_object_set_new(r->json, "rasters", arr);
	else
		json_decref(arr);

	rc = write_line(fp, r, err, errlen);
	if (rc == 0 && !(o && o->header_only))
		for (size_t i = 0; i < r->nrasters && rc == 0; i++)
			if (r->rasters[i].data != NULL)
				rc = write_payload(fp, &r->rasters[i], err, errlen);
	return rc;
}
