/*
 * card.h - the dataset card (README.md) of a dataset folder: YAML front matter
 * the Hugging Face Hub reads (configs/data_files per split, licence, tags, task
 * categories, size category) and the real counts, as Markdown.
 */
#ifndef CARD_H
#define CARD_H

#include <stddef.h>
#include <stdint.h>

struct card_class {
	long id;
	const char *name;	/* NULL: unnamed */
	const char *color;	/* "rrggbb" or NULL */
	uint64_t pixels;	/* valid label pixels of this class */
};

struct card_split {
	const char *name;	/* train, validation, test */
	uint64_t pois, tiles, stills, rows;
};

struct card_info {
	const char *title;
	const char *license;
	long max_per_dir;
	uint64_t pois, base_pois, tiles, stills, overlays, masks;
	struct card_split splits[3];
	const struct card_class *classes;	/* sorted by id */
	size_t nclasses;
};

/* The card as a malloc'ed NUL-terminated string; NULL when out of memory. */
char *card_render(const struct card_info *ci);

/* Hub size category for a number of rows: "n<1K", "1K<n<10K", ... */
const char *card_size_category(uint64_t n);

#endif
