/*
 * dsint.h - what dataset.c shares with dsmerge.c and nothing else: the
 * folder's own file names and a few helpers.  Not for tools.
 */
#ifndef DSINT_H
#define DSINT_H

#include <stddef.h>
#include <jansson.h>

#include "dataset.h"
#include "errbuf.h"

#define META		".shard-write"
#define JOURNAL		META "/journal"
#define RUNNING		META "/running"
#define STATE		META "/state.json"
#define TMPDIR		META "/tmp"
#define TMPFILE		TMPDIR "/file"
/* One format for every JSON we write, so a merge re-dumps the same bytes. */
#define DUMP_FLAGS	(JSON_COMPACT | JSON_REAL_PRECISION(15))

extern const char *const ds_split_names[3];

/* A whole file under dfd into a malloc'ed, NUL-terminated buffer; -1 with errno. */
int ds_read_all(int dfd, const char *rel, unsigned char **out, size_t *outlen);
/* 0, 1, 2 for train, validation, test; -1 otherwise. */
int ds_split_index(const char *name);
/* The folder's descriptor (to tell a merge source from the output). */
int ds_dirfd(struct ds *d);

#endif
