/*
 * poifile.c - candidate points from a CSV, NDJSON, GeoJSON or JSON file (see poifile.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "csv.h"
#include "errbuf.h"
#include "poicand.h"
#include "poifile.h"

static int
is_type(const json_t *v, const char *type)
{
	const char *t = json_string_value(json_object_get(v, "type"));

	return t != NULL && strcmp(t, type) == 0;
}

static int
take_object(struct poicand_set *s, long long idx, const json_t *v)
{
	return is_type(v, "Feature") ? poicand_feature(s, idx, v) : poicand_row(s, idx, v);
}

static int
scan_array(struct poicand_set *s, const json_t *arr)
{
	const json_t *v;
	size_t i;

	json_array_foreach(arr, i, v) {
		if (poicand_full(s))
			return 0;
		if (take_object(s, (long long)i, v) == -1)
			return -1;
	}
	return 0;
}

static int
scan_lines(struct poicand_set *s, const char *name, const char *buf, size_t len,
    const char **format, char *err, size_t errlen)
{
	const char *p = buf, *end = buf + len, *nl, *q;
	long long idx = 0;
	long line = 0;
	json_error_t jerr;
	json_t *v;
	int st;

	*format = "ndjson";
	for (; p < end && !poicand_full(s); p = nl + 1) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		for (q = p; q < nl && isspace((unsigned char)*q); q++)
			;
		if (q == nl)
			continue;
		if ((v = json_loadb(p, (size_t)(nl - p), 0, &jerr)) == NULL)
			return errf(err, errlen, "%s:%ld: not JSON: %s", name, line, jerr.text);
		if (!json_is_object(v)) {
			json_decref(v);
			return errf(err, errlen, "%s:%ld: not a JSON object", name, line);
		}
		if (is_type(v, "Feature"))
			*format = "geojsonl";
		st = take_object(s, idx++, v);
		json_decref(v);
		if (st == -1)
			return errf(err, errlen, "out of memory");
	}
	return 0;
}

static int
scan_csv(struct poicand_set *s, const char *name, const char *buf, size_t len, char *err,
    size_t errlen)
{
	struct csv c;
	char **hdr = NULL;
	size_t nh = 0, i;
	long long idx = 0;
	int st, taken, ret = -1;

	csv_init(&c, buf, len);
	if ((st = csv_next(&c)) <= 0) {
		errf(err, errlen, "%s: %s", name, st == 0 ? "empty file, no CSV header" :
		    "unterminated quote in the CSV header");
		goto out;
	}
	if ((hdr = calloc(c.nfield, sizeof(*hdr))) == NULL)
		goto oom;
	for (nh = 0; nh < c.nfield; nh++)
		if ((hdr[nh] = strdup(c.field[nh])) == NULL)
			goto oom;
	while (!poicand_full(s) && (st = csv_next(&c)) == 1) {
		json_t *row = json_object();

		if (row == NULL)
			goto oom;
		for (i = 0; i < nh && i < c.nfield; i++)
			json_object_set_new(row, hdr[i], json_string(c.field[i]));
		taken = poicand_row(s, idx++, row);
		json_decref(row);
		if (taken == -1)
			goto oom;
	}
	if (st == -1) {
		errf(err, errlen, "%s:%ld: unterminated quoted CSV field", name, c.rec_line);
		goto out;
	}
	ret = 0;
	goto out;
oom:
	errf(err, errlen, "out of memory");
out:
	for (i = 0; i < nh; i++)
		free(hdr[i]);
	free(hdr);
	csv_free(&c);
	return ret;
}

int
poifile_parse(struct poicand_set *s, const char *name, const char *buf, size_t len,
    const char **format, char *err, size_t errlen)
{
	size_t off = 0;
	json_error_t jerr;
	json_t *doc;
	int st;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		off = 3;
	while (off < len && isspace((unsigned char)buf[off]))
		off++;
	if (off == len || (buf[off] != '{' && buf[off] != '[')) {
		*format = "csv";
		return scan_csv(s, name, buf, len, err, errlen);
	}
	/* One JSON document, or else one object per line. */
	doc = json_loadb(buf + off, len - off, 0, &jerr);
	if (json_is_array(doc)) {
		*format = "json";
		st = scan_array(s, doc);
	} else if (json_is_object(doc) && is_type(doc, "FeatureCollection")) {
		*format = "geojson";
		if (!json_is_array(json_object_get(doc, "features"))) {
			json_decref(doc);
			return errf(err, errlen, "%s: FeatureCollection without a features array",
			    name);
		}
		st = scan_array(s, json_object_get(doc, "features"));
	} else if (doc == NULL && buf[off] == '[') {
		return errf(err, errlen, "%s: not JSON: line %d: %s", name, jerr.line, jerr.text);
	} else {
		json_decref(doc);
		return scan_lines(s, name, buf + off, len - off, format, err, errlen);
	}
	json_decref(doc);
	return st == -1 ? errf(err, errlen, "out of memory") : 0;
}

/* The whole file or standard input, NUL-terminated; NULL with err set. */
static char *
slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (fp == NULL) {
		errf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - n < 65536) {
			char *b;

			cap = cap ? 2 * cap : 1 << 20;
			if ((b = realloc(buf, cap + 1)) == NULL) {
				errf(err, errlen, "%s: out of memory", path);
				goto fail;
			}
			buf = b;
		}
		r = fread(buf + n, 1, cap - n, fp);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(fp)) {
		errf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (fp != stdin)
		fclose(fp);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	if (fp != stdin)
		fclose(fp);
	free(buf);
	return NULL;
}

int
poifile_read(struct poicand_set *s, const char *path, const char **format, char *err,
    size_t errlen)
{
	size_t len;
	char *buf = slurp(path, &len, err, errlen);
	int st;

	if (buf == NULL)
		return -1;
	st = poifile_parse(s, strcmp(path, "-") == 0 ? "stdin" : path, buf, len, format, err,
	    errlen);
	free(buf);
	return st;
}
