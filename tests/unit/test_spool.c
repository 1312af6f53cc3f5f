/* test_spool.c - rasters stored as GeoTIFFs beside the stream and loaded back. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gtiff.h"
#include "rec.h"
#include "spool.h"
#include "unit.h"

/* Write r to memory and read it back as the next tool would. */
static enum rec_status
through_stream(struct rec *r, struct rec *back, char **text, char *err, size_t errlen)
{
	size_t len;
	FILE *fp = open_memstream(text, &len);
	struct rec_reader rd;
	enum rec_status st;

	CHECK(rec_write(fp, r, NULL, err, errlen) == 0, "rec_write of a spooled record");
	fclose(fp);
	fp = fmemopen(*text, len, "r");
	rec_reader_init(&rd, fp, "mem");
	st = rec_read(&rd, back, err, errlen);
	rec_reader_free(&rd);
	fclose(fp);
	return st;
}

int
main(void)
{
	const char *b04 = "../shared/fixtures/sentinel2_l1c_10m_T33UUU_havelland/B04.tif";
	char dir[] = "/tmp/test_spool.XXXXXX", err[512], want[600], *text = NULL;
	struct raster file, *ra;
	struct grid g;
	struct rec r, back;
	int has_grid;

	if (mkdtemp(dir) == NULL)
		return perror("mkdtemp"), 2;
	memset(&file, 0, sizeof file);
	CHECK(gtiff_read(b04, &file, &g, &has_grid, err, sizeof err) == 0 && has_grid,
	    "the real Havelland B04 reads");

	rec_init(&r);
	json_object_set_new(r.json, "poi_id", json_string("poi/7"));
	ra = rec_add_raster(&r, "image", file.width, file.height, 1, file.dtype);
	memcpy(ra->data, file.data, raster_bytes(&file));
	r.grid = g;
	r.has_grid = 1;

	CHECK(spool_store(&r, dir, "stretch", err, sizeof err) == 0, "spool_store: %s", err);
	snprintf(want, sizeof want, "%s/poi_7.stretch.image.tif", dir);
	CHECK(ra->data == NULL && ra->path && strcmp(ra->path, want) == 0,
	    "the raster is left by reference, named by its poi_id made path-safe");
	CHECK(access(want, R_OK) == 0, "the GeoTIFF exists");

	CHECK(through_stream(&r, &back, &text, err, sizeof err) == REC_OK, "read back");
	CHECK(strstr(text, "\"path\":\"") && !strstr(text, "\"bytes\""),
	    "the header names the file and announces no payload");
	CHECK(back.nrasters == 1 && back.rasters[0].data == NULL &&
	    strcmp(back.rasters[0].path, want) == 0, "rec_read frames it by reference only");
	CHECK(spool_load(&back, err, sizeof err) == 0, "spool_load: %s", err);
	CHECK(back.rasters[0].data && memcmp(back.rasters[0].data, file.data,
	    raster_bytes(&file)) == 0, "the samples come back identical");
	rec_free(&back);
	free(text);
	text = NULL;

	/* A file that does not hold what the record says: rejected, record as read. */
	json_object_set_new(r.json, "rasters", json_pack("[{s:s,s:i,s:i,s:[s],s:s,s:s}]",
	    "role", "image", "width", file.width, "height", file.height, "bands", "red",
	    "dtype", "uint8", "path", want));
	ra->dtype = DT_UINT8;
	CHECK(through_stream(&r, &back, &text, err, sizeof err) == REC_OK, "read back (uint8)");
	CHECK(spool_load(&back, err, sizeof err) == -1 && strstr(err, "uint16, record says") &&
	    strstr(err, want), "a dtype mismatch is refused naming the file: %s", err);
	rec_as_read(&back);
	free(text);
	text = NULL;
	{
		size_t len;
		FILE *fp = open_memstream(&text, &len);

		CHECK(rec_write(fp, &back, NULL, err, sizeof err) == 0 && back.nrasters == 0 &&
		    back.raw_rasters == 1, "the rejected record is written as it came");
		fclose(fp);
		CHECK(strstr(text, want) != NULL, "its reject still names the file");
	}
	rec_free(&back);
	free(text);

	CHECK(spool_store(&r, "/nonexistent/dir", "stretch", err, sizeof err) == 0,
	    "a raster by reference is not stored again");
	rec_free(&r);
	unlink(want);
	rmdir(dir);
	raster_free(&file);
	UNIT_DONE();
}
