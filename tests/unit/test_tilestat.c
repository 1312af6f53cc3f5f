/*
 * test_tilestat.c - lib/tilestat on small rasters worked out by hand: the
 * valid fraction of imagery (a band with data is enough), of labels and with
 * SCL classes ruled out, padding never valid, NaN as nodata, the mask of
 * pixels with data, and SCL class counts and cloud fraction.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "tilestat.h"
#include "unit.h"

int
main(void)
{
	/* Two bands, 4 x 4, nodata 0.  Band 0 has holes at pixels 0, 1, 2, 5;
	 * band 1 only at 0 and 5: pixels 0 and 5 have no data. */
	uint16_t img[2 * 16];
	uint8_t sclv[16], lab[16];
	float fl[16];
	unsigned char none[256] = { 0 }, invalid[256] = { 0 }, cloudy[256] = { 0 }, m[36];
	struct raster image = { .role = "image", .width = 4, .height = 4, .nbands = 2,
	    .dtype = DT_UINT16, .has_nodata = 1, .nodata = 0, .data = img };
	struct raster scl = { .role = "scl", .width = 4, .height = 4, .nbands = 1,
	    .dtype = DT_UINT8, .has_nodata = 1, .nodata = 0, .data = sclv };
	struct raster label = { .role = "label", .width = 4, .height = 4, .nbands = 1,
	    .dtype = DT_UINT8, .has_nodata = 1, .nodata = 255, .data = lab };
	struct raster flt = { .role = "image", .width = 4, .height = 4, .nbands = 1,
	    .dtype = DT_FLOAT32, .data = fl };
	struct tilestat_scl st;
	size_t holes;

	for (int i = 0; i < 16; i++) {
		img[i] = (i == 0 || i == 1 || i == 2 || i == 5) ? 0 : 100 + i;
		img[16 + i] = (i == 0 || i == 5) ? 0 : 200 + i;
		/* SCL: row 0 no data (0), row 1 saturated (1), row 2 cloud (9), row 3 soil (5). */
		sclv[i] = (uint8_t[]){ 0, 1, 9, 5 }[i / 4];
		lab[i] = i < 4 ? 255 : 10;
		fl[i] = i % 4 == 0 ? NAN : (float)i;
	}
	CHECK_NEAR(tilestat_valid_fraction(&image, NULL, none, 0, 0, 4), 14.0 / 16, 1e-15,
	    "imagery: a pixel with data in one band is valid (14 of 16)");
	CHECK_NEAR(tilestat_valid_fraction(&image, NULL, none, 2, 2, 4), 4.0 / 16, 1e-15,
	    "padding is never valid: 4 of 16 at (2, 2)");
	CHECK_NEAR(tilestat_valid_fraction(&image, NULL, none, 1, 1, 2), 3.0 / 4, 1e-15,
	    "a 2 x 2 window at (1, 1): pixel 5 has no data");
	invalid[0] = invalid[1] = 1;
	CHECK_NEAR(tilestat_valid_fraction(&image, &scl, invalid, 0, 0, 4), 8.0 / 16, 1e-15,
	    "SCL 0 and 1 rule out the top two rows (8 of 16)");
	CHECK_NEAR(tilestat_valid_fraction(&label, NULL, none, 0, 0, 4), 12.0 / 16, 1e-15,
	    "a label: pixels not its nodata (12 of 16)");
	CHECK_NEAR(tilestat_valid_fraction(&flt, NULL, none, 0, 0, 4), 12.0 / 16, 1e-15,
	    "NaN is nodata without a declared nodata");

	holes = tilestat_mask(&image, 2, 2, 6, m);
	CHECK(holes == 36 - 4 && m[0] && m[1] && m[6] && m[7] && !m[2] && !m[12],
	    "mask at (2, 2) of 6: 4 pixels with data, padding and holes are 0 (%zu)", holes);
	holes = tilestat_mask(&image, 0, 0, 4, m);
	CHECK(holes == 2 && !m[0] && !m[5] && m[1] && m[2], "mask of the whole: holes at 0 and 5");

	cloudy[9] = 1;
	tilestat_scl(&scl, cloudy, 0, 0, 4, &st);
	CHECK(st.count[0] == 4 && st.count[1] == 4 && st.count[9] == 4 && st.count[5] == 4 &&
	    st.data == 12 && st.cloud == 4, "SCL counts: class 0 is not data");
	CHECK_NEAR(tilestat_cloud_fraction(&st), 4.0 / 12, 1e-15, "cloud fraction 4 / 12");
	tilestat_scl(&scl, cloudy, 1, 2, 4, &st);
	CHECK(st.count[9] == 3 && st.count[5] == 3 && st.data == 6,
	    "padding is not counted (6 pixels on the raster)");
	tilestat_scl(&scl, cloudy, 0, 0, 1, &st);
	CHECK(st.data == 0 && isnan(tilestat_cloud_fraction(&st)),
	    "a window of SCL no data only: cloud fraction NaN");
	UNIT_DONE();
}
