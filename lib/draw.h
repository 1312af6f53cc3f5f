/*
 * draw.h - box outlines on interleaved RGB images, and class colours that are
 * the same on every run and machine (the original's came from Python's
 * per-process string hash, so its overlays changed colour between runs).
 */
#ifndef DRAW_H
#define DRAW_H

#include <jansson.h>

/*
 * Outline the box of pixels [x0,x1) x [y0,y1) with lines thick pixels wide,
 * drawn inside the box; clipped to the w x h image.  rgb is 3 bytes per pixel.
 */
void draw_box(unsigned char *rgb, int w, int h, int x0, int y0, int x1, int y1, int thick,
    const unsigned char color[3]);

/*
 * A normalised box [x1,y1,x2,y2] (0-1, exclusive right/bottom edges) in pixels
 * of a w x h image; at least one pixel wide and tall.  -1 if it is not a box.
 */
int draw_box_pixels(const double nb[4], int w, int h, int px[4]);

/* "006400" or "#006400" into r,g,b; -1 if it is not six hex digits. */
int draw_color_hex(const char *hex, unsigned char color[3]);

/*
 * A colour from the SHA-256 of name: its first three bytes, lifted into
 * 64..255 so no class is drawn near-black on dark imagery.
 */
void draw_color_hash(const char *name, unsigned char color[3]);

/*
 * The colour of class id: its "color" in classes ([{"id","name","color"}],
 * may be NULL), else draw_color_hash of name, else of the table's name for
 * id, else of "class <id>".
 */
void draw_class_color(const json_t *classes, long id, const char *name,
    unsigned char color[3]);

#endif
