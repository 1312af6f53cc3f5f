/* test_rec.c - the record stream reader and writer (DESIGN.md section 3). */
#include <stdlib.h>
#include <string.h>

#include "rec.h"
#include "unit.h"

/* Read every record of a stream given as bytes; return statuses in st[]. */
static int
read_all(const char *buf, size_t len, enum rec_status *st, int max, struct rec *keep,
    char *lasterr)
{
	FILE *fp = fmemopen((void *)buf, len, "r");
	struct rec_reader rd;
	struct rec r;
	char err[512];
	int n = 0;

	rec_reader_init(&rd, fp, "mem");
	while (n < max) {
		st[n] = rec_read(&rd, &r, err, sizeof err);
		if (st[n] == REC_EOF) {
			rec_free(&r);
			break;
		}
		if (err[0])
			strcpy(lasterr, err);
		if (keep && n == 0)
			*keep = r;
		else
			rec_free(&r);
		n++;
		if (st[n - 1] == REC_FATAL)
			break;
	}
	rec_reader_free(&rd);
	fclose(fp);
	return n;
}

static char *
write_one(struct rec *r, size_t *len)
{
	char *buf = NULL, err[256];
	FILE *fp = open_memstream(&buf, len);
	int rc = rec_write(fp, r, NULL, err, sizeof err);

	fclose(fp);
	CHECK(rc == 0, "rec_write succeeds");
	return buf;
}

int
main(void)
{
	enum rec_status st[8];
	struct rec r, back;
	struct raster *ra;
	char err[512] = "", *buf;
	size_t len;
	int n;

	/* Round trip: unknown keys, grid, a uint16 and a float32 raster. */
	rec_init(&r);
	json_object_set_new(r.json, "poi_id", json_string("poi_000007"));
	json_object_set_new(r.json, "custom", json_pack("{s:[i,i], s:s}", "a", 1, 2, "b", "é"));
	json_object_set_new(r.json, "error", json_string("stale"));
	r.has_grid = 1;
	snprintf(r.grid.crs, sizeof r.grid.crs, "EPSG:32633");
	double t[6] = { 10, 0, 330000, 0, -10, 5822040 };
	memcpy(r.grid.t, t, sizeof t);
	r.grid.width = 3;
	r.grid.height = 2;
	ra = rec_add_raster(&r, "image", 3, 2, 2, DT_UINT16);
	for (int i = 0; i < 12; i++)
		((uint16_t *)ra->data)[i] = (uint16_t)(i * 5000);
	raster_set_band_name(ra, 0, "red");
	raster_set_band_name(ra, 1, "green");
	ra->has_nodata = 1;
	ra->nodata = 0;
	ra = rec_add_raster(&r, "label", 3, 2, 1, DT_FLOAT32);
	((float *)ra->data)[4] = 1.5f;
	buf = write_one(&r, &len);
	CHECK(len == strlen(buf) + 24 + 24, "payload follows the line: %zu bytes", len);
	CHECK(strstr(buf, "\"bytes\":24") != NULL, "bytes written");
	rec_free(&r);

	n = read_all(buf, len, st, 8, &back, err);
	CHECK(n == 1 && st[0] == REC_OK, "read back one good record (%s)", err);
	CHECK(back.nrasters == 2, "two rasters");
	CHECK(back.rasters[0].dtype == DT_UINT16 && back.rasters[0].nbands == 2, "dtype, bands");
	CHECK(((uint16_t *)back.rasters[0].data)[11] == 55000, "uint16 payload intact");
	CHECK(((float *)back.rasters[1].data)[4] == 1.5f, "float32 payload intact");
	CHECK(back.rasters[0].has_nodata && back.rasters[0].nodata == 0, "nodata kept");
	CHECK(back.has_grid && back.grid.t[5] == 5822040 && !strcmp(back.grid.crs, "EPSG:32633"),
	    "grid parsed");
	CHECK(json_integer_value(json_array_get(json_object_get(json_object_get(back.json,
	    "custom"), "a"), 1)) == 2, "unknown keys survive");
	CHECK(json_object_get(back.json, "error") == NULL, "stale error key dropped");
	CHECK(raster_get(&back.rasters[0], 1, 0) == 30000, "raster_get band 1");
	rec_free(&back);

	/* Two records back to back, with a blank line between. */
	{
		size_t l2 = 2 * len + 1;
		char *two = malloc(l2);
		memcpy(two, buf, len);
		two[len] = '\n';
		memcpy(two + len + 1, buf, len);
		n = read_all(two, l2, st, 8, NULL, err);
		CHECK(n == 2 && st[0] == REC_OK && st[1] == REC_OK, "concatenated stream");
		/* Truncated: the second payload is cut short. */
		n = read_all(two, l2 - 5, st, 8, NULL, err);
		CHECK(n == 2 && st[1] == REC_FATAL, "truncated payload is fatal");
		CHECK(strstr(err, "record 2") && strstr(err, "truncated payload"),
		    "message names the record: %s", err);
		free(two);
	}
	free(buf);

	/* Not JSON. */
	n = read_all("{\"poi_id\":\"a\"}\nnot json\n", 24, st, 8, NULL, err);
	CHECK(n == 2 && st[0] == REC_OK && st[1] == REC_FATAL, "garbage line is fatal");
	CHECK(strstr(err, "record 2 (byte 15): not a JSON object") != NULL, "message: %s", err);
	n = read_all("[1,2]\n", 6, st, 8, NULL, err);
	CHECK(n == 1 && st[0] == REC_FATAL, "a JSON array is not a record");

	/* Content errors in a sound frame: rejected, the stream goes on. */
	{
		const char *s =
		    "{\"poi_id\":\"a\",\"rasters\":[{\"role\":\"image\",\"width\":2,\"height\":2,"
		    "\"bands\":[\"r\"],\"dtype\":\"uint16\",\"bytes\":7}]}\nABCDEFG"
		    "{\"poi_id\":\"b\",\"rasters\":[{\"role\":\"image\",\"width\":2,\"height\":2,"
		    "\"bands\":[\"r\"],\"dtype\":\"complex64\",\"bytes\":4}]}\nABCD"
		    "{\"poi_id\":\"c\",\"rasters\":[{\"role\":\"image\",\"width\":0,\"height\":2,"
		    "\"bands\":[\"r\"],\"dtype\":\"uint8\",\"bytes\":0}]}\n"
		    "{\"poi_id\":\"d\",\"grid\":{\"crs\":\"EPSG:4326\",\"transform\":[1,0,0,0,-1],"
		    "\"width\":1,\"height\":1}}\n"
		    "{\"poi_id\":\"e\"}\n";
		struct rec first;
		n = read_all(s, strlen(s), st, 8, &first, err);
		CHECK(n == 5, "five records read (%d)", n);
		CHECK(st[0] == REC_BAD && st[1] == REC_BAD && st[2] == REC_BAD && st[3] == REC_BAD &&
		    st[4] == REC_OK, "bad bytes, dtype, size, grid rejected; the next one is fine");
		CHECK(first.json && !strcmp(json_string_value(json_object_get(first.json,
		    "poi_id")), "a"), "a rejected record keeps its JSON");
		rec_free(&first);
	}
	{
		char e1[512];
		const char *s = "{\"rasters\":[{\"role\":\"image\",\"width\":2,\"height\":2,"
		    "\"bands\":[\"r\"],\"dtype\":\"uint16\",\"bytes\":7}]}\nABCDEFG";
		read_all(s, strlen(s), st, 8, NULL, e1);
		CHECK(strstr(e1, "bytes 7 disagrees with 2x2x1 uint16 = 8") != NULL, "%s", e1);
		s = "{\"rasters\":[{\"role\":\"image\",\"width\":2,\"height\":2,"
		    "\"bands\":[\"r\"],\"dtype\":\"complex64\",\"bytes\":4}]}\nABCD";
		read_all(s, strlen(s), st, 8, NULL, e1);
		CHECK(strstr(e1, "unknown dtype \"complex64\"") != NULL, "%s", e1);
		s = "{\"rasters\":[{\"role\":\"image\",\"width\":2,\"height\":2,"
		    "\"bands\":[\"r\"],\"dtype\":\"uint8\",\"bytes\":-4}]}\n";
		n = read_all(s, strlen(s), st, 8, NULL, e1);
		CHECK(n == 1 && st[0] == REC_FATAL, "negative bytes cannot be followed: %s", e1);
		s = "{\"rasters\":[{\"role\":\"image\",\"width\":2,\"height\":2,"
		    "\"bands\":[\"r\"],\"dtype\":\"uint8\",\"bytes\":99999999999999999}]}\n";
		n = read_all(s, strlen(s), st, 8, NULL, e1);
		CHECK(n == 1 && st[0] == REC_FATAL, "absurd bytes is fatal, not an allocation");
	}
	UNIT_DONE();
}
