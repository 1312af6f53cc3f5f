/*
 * test_ee.c - lib/ee.c: the requests it builds (URLs, the getPixels body on
 * the wire, the token header and where the token comes from), what it reads from Earth Engine's error JSON,
 * and answers: real fixture GeoTIFFs taken as getPixels answers for their own
 * grids decode to what libtiff reads, and answers off the grid asked for, of
 * the wrong size, without the band, or no TIFF at all are refused.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ee.h"
#include "http.h"
#include "tifread.h"
#include "unit.h"

static void
test_requests(void)
{
	struct ee ee;
	struct http_req rq = { 0 };
	char url[2048], err[300], big[3000];
	struct grid g = { "EPSG:32632", { 10, 0, 230000, 0, -10, 36000 }, 500, 400 };
	char *body;

	CHECK(ee_init(&ee, "ftp://x/v1") == -1 && ee_init(&ee, "/v1") == -1,
	    "the API root must be http(s)");
	CHECK(ee_init(&ee, "http://127.0.0.1:9/v1//") == 0 &&
	    strcmp(ee.root, "http://127.0.0.1:9/v1") == 0, "trailing slashes dropped");
	CHECK(ee_asset_url(&ee, "ESA/WorldCover/v200/2021", "getPixels", url, sizeof url) == 0 &&
	    strcmp(url, "http://127.0.0.1:9/v1/projects/earthengine-public/assets/"
	    "ESA/WorldCover/v200/2021:getPixels") == 0, "a public asset: %s", url);
	CHECK(ee_asset_url(&ee, "projects/p/assets/lc", "getPixels", url, sizeof url) == 0 &&
	    strcmp(url, "http://127.0.0.1:9/v1/projects/p/assets/lc:getPixels") == 0,
	    "an asset of a project: %s", url);
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	CHECK(ee_asset_url(&ee, big, "getPixels", url, sizeof url) == -1, "too long: -1");

	CHECK(ee_set_token(&ee, " \t\n") == -1 && ee.auth == NULL, "no word, no token");
	CHECK(ee_set_token(&ee, "  ya29.abc-DEF\r\nsecond line\n") == 0 &&
	    strcmp(ee.auth, "Authorization: Bearer ya29.abc-DEF") == 0 &&
	    ee.headers[0] == ee.auth && ee.headers[1] == NULL, "the token's first word: %s",
	    ee.auth);

	CHECK(ee_pixels_fit(&g, err, sizeof err) == 0, "500x400 fits one request");
	g.width = 10001;
	g.height = 10;
	CHECK(ee_pixels_fit(&g, err, sizeof err) == -1 && strcmp(err, "10001x10 pixels is "
	    "more than one Earth Engine getPixels request may ask for (10000 per side, 16 MB)")
	    == 0, "10001 pixels a side is too many: %s", err);
	g.width = g.height = 2897;
	CHECK(ee_pixels_fit(&g, err, sizeof err) == -1, "2897x2897 is over 16 MB");
	g.width = g.height = 2896;
	CHECK(ee_pixels_fit(&g, err, sizeof err) == 0, "2896x2896 is not");

	g.width = 500;
	g.height = 400;
	body = ee_get_pixels_body(&g, "Map");
	CHECK(body != NULL && strcmp(body, "{\"fileFormat\":\"GEO_TIFF\",\"grid\":{"
	    "\"dimensions\":{\"width\":500,\"height\":400},\"affineTransform\":{"
	    "\"scaleX\":10.0,\"shearX\":0.0,\"translateX\":230000.0,\"shearY\":0.0,"
	    "\"scaleY\":-10.0,\"translateY\":36000.0},\"crsCode\":\"EPSG:32632\"},"
	    "\"bandIds\":[\"Map\"]}") == 0, "the getPixels body: %s", body);
	ee_post(&ee, &rq, url, body);
	CHECK(strcmp(rq.method, "POST") == 0 && rq.body == body && rq.url == url &&
	    strcmp(rq.content_type, "application/json") == 0 && rq.headers == ee.headers &&
	    rq.max_bytes > 2 * EE_MAX_BYTES, "a POST with the token, room for the answer");
	free(body);
	g.t[0] = 0.1;		/* no digit of a transform may be lost on the way */
	body = ee_get_pixels_body(&g, NULL);
	CHECK(body != NULL && strstr(body, "\"scaleX\":0.10000000000000001,") &&
	    !strstr(body, "bandIds"), "17 digits; no band: all of them: %s", body);
	free(body);
	ee_clear(&ee);
	CHECK(ee.auth == NULL && ee.headers[0] == NULL, "cleared");
}

static void
test_tokens(void)
{
	struct ee ee;
	char path[] = "/tmp/test_ee.XXXXXX", err[300];
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, "ya29.from-file\n", 15) != 15)
		exit(2);
	close(fd);
	ee_init(&ee, "https://earthengine.googleapis.com/v1");
	setenv("EE_ACCESS_TOKEN", " ya29.from-env ", 1);
	CHECK(ee_token_load(&ee, path, err, sizeof err) == 0 &&
	    strcmp(ee.auth, "Authorization: Bearer ya29.from-file") == 0,
	    "a token file wins over the environment");
	CHECK(ee_token_load(&ee, NULL, err, sizeof err) == 0 &&
	    strcmp(ee.auth, "Authorization: Bearer ya29.from-env") == 0, "the environment's");
	setenv("EE_ACCESS_TOKEN", "", 1);
	CHECK(ee_token_load(&ee, NULL, err, sizeof err) == 1, "an empty variable is none");
	unsetenv("EE_ACCESS_TOKEN");
	CHECK(ee_token_load(&ee, NULL, err, sizeof err) == 1, "no variable is none");
	CHECK(ee_token_load(&ee, "/nonexistent/token", err, sizeof err) == -1 &&
	    strcmp(err, "/nonexistent/token: No such file or directory") == 0,
	    "a missing file: %s", err);
	if ((fd = open(path, O_WRONLY | O_TRUNC)) < 0 || write(fd, "\n \n", 3) != 3)
		exit(2);
	close(fd);
	CHECK(ee_token_load(&ee, path, err, sizeof err) == -1 && strstr(err, " is empty") &&
	    strncmp(err, path, strlen(path)) == 0, "a file of blanks: %s", err);
	unlink(path);
	ee_clear(&ee);
}

static void
test_errors(void)
{
	const char *b404 = "{\n  \"error\": {\n    \"code\": 404,\n    \"message\": \"Image "
	    "asset 'ESA/WorldCover/v999/2099' not found.\",\n    \"status\": \"NOT_FOUND\"\n"
	    "  }\n}\n";
	char msg[400], long_msg[1000];

	CHECK(ee_error_message(b404, strlen(b404), msg, sizeof msg) == 0 &&
	    strcmp(msg, "Image asset 'ESA/WorldCover/v999/2099' not found.") == 0,
	    "the message of an error: %s", msg);
	CHECK(ee_error_message("<html>502</html>", 16, msg, sizeof msg) == -1 &&
	    msg[0] == '\0', "a page that is no JSON says nothing");
	CHECK(ee_error_message(NULL, 0, msg, sizeof msg) == -1 && msg[0] == '\0',
	    "no body says nothing");
	snprintf(long_msg, sizeof long_msg, "{\"error\":{\"message\":\"%0600d\"}}", 0);
	CHECK(ee_error_message(long_msg, strlen(long_msg), msg, sizeof msg) == 0 &&
	    strlen(msg) == 300, "a long message is cut at 300 bytes");
}

/* A fixture file as the answer to a request for its own grid. */
static void
answer(const char *path, int want_dt)
{
	struct tifread tr;
	struct ee_pixels px;
	struct grid g;
	unsigned char *buf, *want;
	size_t len = 0, sz;
	char err[800];

	if ((buf = unit_slurp(path, &len)) == NULL ||
	    tifread_open(&tr, path, err, sizeof err) != 0) {
		CHECK(0, "fixture %s", path);
		return;
	}
	g = tr.grid;
	sz = (size_t)tr.width * (size_t)tr.height * dtype_size(tr.dtype);
	want = malloc(sz);
	CHECK(want && tifread_window(&tr, 0, 0, tr.width, tr.height, 0, want, err,
	    sizeof err) == 0, "libtiff reads %s", path);
	CHECK(ee_pixels_read(buf, len, &g, 1, &px, err, sizeof err) == 0, "%dx%d %s answer "
	    "decodes (%s)", g.width, g.height, dtype_name(tr.dtype), err);
	CHECK(px.width == g.width && px.height == g.height && (int)px.dtype == want_dt &&
	    px.nodata == 0 && px.band != NULL && memcmp(px.band, want, sz) == 0,
	    "the label is the file's pixels, nodata 0");
	ee_pixels_clear(&px);
	CHECK(px.data == NULL && px.band == NULL, "cleared");

	g.width--;
	CHECK(ee_pixels_read(buf, len, &g, 1, &px, err, sizeof err) == -1 &&
	    strstr(err, "asked for") && strstr(err, "pixels, got"), "another size: %s", err);
	g.width++;
	g.t[2] += g.t[0];
	CHECK(ee_pixels_read(buf, len, &g, 1, &px, err, sizeof err) == -1 &&
	    strcmp(err, "the response is not on the record's grid") == 0,
	    "a grid one pixel off: %s", err);
	g.t[2] -= g.t[0];
	CHECK(ee_pixels_read(buf, len, &g, 2, &px, err, sizeof err) == -1 &&
	    strstr(err, "need integer class codes in band 2"), "no band 2: %s", err);
	CHECK(ee_pixels_read(buf, 300, &g, 1, &px, err, sizeof err) == -1 &&
	    strncmp(err, "the response is no readable GeoTIFF: ", 37) == 0,
	    "300 bytes of it: %s", err);
	CHECK(ee_pixels_read("{\"error\":{}}", 12, &g, 1, &px, err, sizeof err) == -1 &&
	    strncmp(err, "the response is no readable GeoTIFF: ", 37) == 0,
	    "JSON instead: %s", err);
	CHECK(px.data == NULL, "nothing held after a refusal");
	tifread_close(&tr);
	free(want);
	free(buf);
}

int
main(void)
{
	test_requests();
	test_tokens();
	test_errors();
	answer(unit_fixture("sentinel2_l1c_10m_T33UUU_havelland/landcover/"
	    "osm_landuse_10m.tif"), DT_UINT16);
	answer(unit_fixture("worldcover/derived/"
	    "ESA_WorldCover_10m_2021_v200_N00E006_Map_SaoTome_crop.tif"), DT_UINT8);
	UNIT_DONE();
}
