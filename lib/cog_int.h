/*
 * cog_int.h - what lib/cog.c and lib/cog_read.c share, and nothing else uses.
 */
#ifndef COG_INT_H
#define COG_INT_H

#include <stddef.h>
#include <stdint.h>
#include "cog.h"

/* Sort ranges by offset and merge those closer than gap; returns the new count. */
size_t cog_merge_ranges(struct cog_range *r, size_t n, uint64_t gap);

#endif
