/* test_pngenc.c - lib/pngenc (read back with libpng), lib/draw, ds_split and card sizes. */
#include <stdlib.h>
#include <string.h>

#include "card.h"
#include "dataset.h"
#include "draw.h"
#include "pngenc.h"
#include "unit.h"
#include "unitpng.h"

int
main(void)
{
	enum { W = 37, H = 23 };
	unsigned char rgb[W * H * 3], planes[W * H * 3], *buf, *buf2, *dec, c[3];
	unsigned char gray[W * H], pal[256][3];
	uint16_t g16[W * H];
	size_t len, len2;
	char err[256];
	int w, h, px[4];

	/* A deterministic pattern with every byte value. */
	for (int i = 0; i < W * H * 3; i++)
		rgb[i] = (unsigned char)(i * 7 + i / 11);
	struct pngenc_image im = { W, H, PNGENC_RGB, 8, rgb, NULL, 0 };
	CHECK(pngenc_encode(&im, &buf, &len, err, sizeof err) == 0, "encode RGB %dx%d", W, H);
	CHECK(len > 8 && memcmp(buf, "\x89PNG\r\n\x1a\n", 8) == 0, "PNG signature");
	CHECK(unit_png_rgb(buf, len, &w, &h, &dec) == 0 && w == W && h == H &&
	    memcmp(dec, rgb, sizeof rgb) == 0, "libpng reads back the same RGB pixels");
	free(dec);
	CHECK(pngenc_encode(&im, &buf2, &len2, err, sizeof err) == 0 && len2 == len &&
	    memcmp(buf, buf2, len) == 0, "same pixels, same bytes");
	CHECK(memmem(buf, len, "tIME", 4) == NULL && memmem(buf, len, "tEXt", 4) == NULL,
	    "no time or text chunks");
	free(buf);
	free(buf2);

	/* Band-sequential planes to interleaved. */
	for (int i = 0; i < W * H; i++)
		for (int k = 0; k < 3; k++)
			planes[k * W * H + i] = rgb[3 * i + k];
	memset(dec = malloc(sizeof rgb), 0, sizeof rgb);
	pngenc_interleave3(planes, W * H, dec);
	CHECK(memcmp(dec, rgb, sizeof rgb) == 0, "interleave3 undoes band-sequential order");
	free(dec);

	/* Gray 8 and 16, palette. */
	for (int i = 0; i < W * H; i++) {
		gray[i] = (unsigned char)i;
		g16[i] = (uint16_t)(i * 61);
	}
	struct pngenc_image gi = { W, H, PNGENC_GRAY, 8, gray, NULL, 0 };
	CHECK(pngenc_encode(&gi, &buf, &len, err, sizeof err) == 0 &&
	    unit_png_rgb(buf, len, &w, &h, &dec) == 0 && dec[3 * 5] == 5 && dec[3 * 5 + 2] == 5,
	    "gray 8-bit round trip");
	free(buf);
	free(dec);
	struct pngenc_image g16i = { W, H, PNGENC_GRAY, 16, g16, NULL, 0 };
	CHECK(pngenc_encode(&g16i, &buf, &len, err, sizeof err) == 0 && buf[24] == 16 &&
	    buf[25] == 0, "gray 16-bit: IHDR depth 16, colour type 0");
	free(buf);
	for (int i = 0; i < 256; i++)
		pal[i][0] = (unsigned char)i, pal[i][1] = (unsigned char)(255 - i), pal[i][2] = 7;
	struct pngenc_image pi = { W, H, PNGENC_PALETTE, 8, gray, (const unsigned char (*)[3])pal,
	    256 };
	CHECK(pngenc_encode(&pi, &buf, &len, err, sizeof err) == 0 && buf[25] == 3 &&
	    unit_png_rgb(buf, len, &w, &h, &dec) == 0 && dec[3 * 9] == 9 && dec[3 * 9 + 1] == 246 &&
	    dec[3 * 9 + 2] == 7, "palette PNG: colour type 3, index 9 -> palette[9]");
	free(buf);
	free(dec);
	struct pngenc_image bad = { 0, H, PNGENC_RGB, 8, rgb, NULL, 0 };
	CHECK(pngenc_encode(&bad, &buf, &len, err, sizeof err) == -1 && strstr(err, "size"),
	    "zero width refused: %s", err);
	struct pngenc_image bad16 = { W, H, PNGENC_RGB, 16, rgb, NULL, 0 };
	CHECK(pngenc_encode(&bad16, &buf, &len, err, sizeof err) == -1, "16-bit RGB refused");

	/* Boxes: exclusive normalised edges back to pixels; 2 px outline inside. */
	double nb[4] = { 0.25, 0.0, 1.0, 0.5 }, whole[4] = { 0, 0, 1, 1 };
	CHECK(draw_box_pixels(nb, 8, 8, px) == 0 && px[0] == 2 && px[1] == 0 && px[2] == 8 &&
	    px[3] == 4, "box [0.25,0,1,0.5] on 8x8 -> columns 2..8, rows 0..4");
	CHECK(draw_box_pixels(whole, 224, 224, px) == 0 && px[2] == 224 && px[3] == 224,
	    "[0,0,1,1] covers the tile");
	double rnd[4] = { 0.0223, 0.0, 0.0268, 0.0045 };	/* 5/224, 6/224, 1/224 at 4 decimals */
	CHECK(draw_box_pixels(rnd, 224, 224, px) == 0 && px[0] == 5 && px[2] == 6 && px[3] == 1,
	    "4-decimal boxes round back to their pixel edges");
	double inv[4] = { 0.5, 0, 0.4, 1 }, out[4] = { 0, 0, 1.2, 1 };
	CHECK(draw_box_pixels(inv, 8, 8, px) == -1 && draw_box_pixels(out, 8, 8, px) == -1,
	    "x2 <= x1 or beyond 1 is no box");
	memset(rgb, 0, sizeof rgb);
	c[0] = 255, c[1] = 1, c[2] = 2;
	draw_box(rgb, W, H, 3, 4, 13, 14, 2, c);
	{
		int on = 0, bad_px = 0;
		for (int y = 0; y < H; y++)
			for (int x = 0; x < W; x++) {
				int inbox = x >= 3 && x < 13 && y >= 4 && y < 14;
				int inner = x >= 5 && x < 11 && y >= 6 && y < 12;
				int lit = rgb[3 * (y * W + x)] == 255;
				on += lit;
				bad_px += lit != (inbox && !inner);
			}
		CHECK(bad_px == 0 && on == 10 * 10 - 6 * 6, "2 px outline: %d pixels lit", on);
	}
	memset(rgb, 0, sizeof rgb);
	draw_box(rgb, W, H, -5, -5, 100, 100, 2, c);
	CHECK(rgb[0] == 255 && rgb[3 * (W * H - 1)] == 255 && rgb[3 * (W * 5 + 5)] == 0,
	    "a box beyond the image is clipped to its edges");

	CHECK(draw_color_hex("006400", c) == 0 && c[0] == 0 && c[1] == 0x64 && c[2] == 0,
	    "hex colour 006400");
	CHECK(draw_color_hex("#FfA0a0", c) == 0 && c[0] == 255 && c[1] == 160,
	    "hex colour with # and mixed case");
	CHECK(draw_color_hex("00640", c) == -1 && draw_color_hex("00640g", c) == -1 &&
	    draw_color_hex(NULL, c) == -1, "bad hex colours refused");
	/* sha256("water") starts 0f 41 68 (Python hashlib): 64 + b*192/256 each. */
	draw_color_hash("water", c);
	CHECK(c[0] == 75 && c[1] == 112 && c[2] == 142, "hash colour of water %d,%d,%d", c[0],
	    c[1], c[2]);

	/* A class's colour: the table's, else the hash of a name (given, the table's, made up). */
	{
		json_t *tab = json_loads("[{\"id\":3,\"name\":\"water\"},{\"id\":10,\"name\":"
		    "\"trees\",\"color\":\"006400\"},{\"id\":11,\"color\":\"bad\"}]", 0, NULL);
		unsigned char want[3];

		draw_class_color(tab, 10, "ignored", c);
		CHECK(c[0] == 0 && c[1] == 0x64 && c[2] == 0, "class colour from the table");
		draw_class_color(tab, 3, NULL, c);
		CHECK(c[0] == 75 && c[1] == 112 && c[2] == 142, "no colour: the hash of its name");
		draw_class_color(tab, 3, "lake", c);
		draw_color_hash("lake", want);
		CHECK(memcmp(c, want, 3) == 0, "a given name before the table's");
		draw_class_color(tab, 11, NULL, c);
		draw_color_hash("class 11", want);
		CHECK(memcmp(c, want, 3) == 0, "a bad colour and no name: the hash of \"class 11\"");
		draw_class_color(NULL, 7, NULL, c);
		draw_color_hash("class 7", want);
		CHECK(memcmp(c, want, 3) == 0, "no table: the hash of \"class 7\"");
		json_decref(tab);
	}

	/* Splits: int(sha256(id)[:16], 16) % 10, checked against Python's hashlib. */
	CHECK(strcmp(ds_split("poi_000000"), "train") == 0, "poi_000000 -> train");
	CHECK(strcmp(ds_split("poi_000001"), "validation") == 0, "poi_000001 -> validation");
	CHECK(strcmp(ds_split("poi_000023"), "test") == 0, "poi_000023 -> test");
	CHECK(strcmp(ds_split("poi_000038"), "test") == 0, "poi_000038 -> test");

	CHECK(strcmp(card_size_category(0), "n<1K") == 0 &&
	    strcmp(card_size_category(999), "n<1K") == 0 &&
	    strcmp(card_size_category(1000), "1K<n<10K") == 0 &&
	    strcmp(card_size_category(2500000), "1M<n<10M") == 0 &&
	    strcmp(card_size_category(5000000000ULL), "1B<n<10B") == 0, "Hub size categories");
	UNIT_DONE();
}
