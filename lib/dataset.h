/*
 * dataset.h - the dataset folder shard-write owns: files in shards of at most
 * N per leaf folder, JSONL splits, a journal that makes a killed run
 * resumable, no duplicates, merging of folders, and the numbers behind the
 * dataset card.
 *
 * Layout under DIR:
 *	images/sNNNNN/{stem}.png	metadata/sNNNNN/{stem}.json
 *	masks/sNNNNN/{stem}.png		overlays/sNNNNN/{stem}__{NNN}_{tag}.png
 *	mapbox_stills/sNNNNN/{poi_id}.png
 *	data/{train,validation,test}.jsonl	README.md
 *	.shard-write/journal		one line per committed item (the truth)
 *	.shard-write/state.json		counts, rewritten at the end of every run
 *
 * Commit protocol, per item: every file to .shard-write/tmp then rename(2)
 * into its shard; the item's rows appended to its split in one write(2); then
 * one journal line (with the split's new length) in one write(2).  The journal
 * line is the commit point: on --resume a torn journal line is dropped, each
 * split is cut back to the length its last journal line records (dropping a
 * torn row or rows whose journal line never made it), and items not in the
 * journal are written again, to the same slots, with the same bytes.
 *
 * Calling sequence:
 *
 *	struct ds *d = ds_open(&opts, err, sizeof err);
 *	for each item: if (!ds_contains(d, kind, id)) ds_commit(d, &item, err, ...);
 *	    or: ds_merge(d, "other/dir", err, ...);
 *	ds_close(d, err, sizeof err);	(card and state; NULL-safe free)
 */
#ifndef DATASET_H
#define DATASET_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

enum ds_kind { DS_TILE, DS_STILL };

struct ds_opts {
	const char *dir;
	long max_per_dir;	/* files per leaf folder; 0: the folder's own (or 8000) */
	int resume;		/* repair and continue an interrupted run */
	int sync;		/* fsync files, folders and journal (power loss) */
	const char *title;	/* card title; NULL: kept from the last run */
	const char *license;	/* card licence id; NULL: kept from the last run */
	/* Notes for the user ("dropped a torn row"): NULL to stay quiet. */
	void (*note)(void *arg, const char *msg);
	void *note_arg;
};

struct ds_file {
	const unsigned char *data;
	size_t len;		/* 0: no such file */
};

struct ds_item {
	enum ds_kind kind;
	const char *id;			/* tile stem, or the poi_id of a still */
	const char *poi_id, *base_poi_id;
	struct ds_file image;		/* PNG for images/ (tiles) or mapbox_stills/ */
	struct ds_file mask;		/* PNG for masks/, or none */
	/*
	 * Overlay PNGs, one per row (noverlays == rows) or none; tags name
	 * them: {stem}__{NNN}_{tag}.png, NNN the row's index.
	 */
	size_t noverlays;
	const struct ds_file *overlays;
	const char *const *tags;
	/*
	 * Tiles: the sidecar object.  Its "image" and "mask" keys and each
	 * "rows"[i].overlay are set to the item's paths here (keys already
	 * present keep their place).  NULL for stills.
	 */
	json_t *sidecar;
	json_t *rows;			/* array of objects with "messages" */
	/* The string that stands for the image in the rows: "{image}", or an old path. */
	const char *image_ref;
	json_t *px;			/* {"class id": valid label pixels} or NULL */
	json_t *classes;		/* [{"id","name","color"}] the item brings, or NULL */
};

struct ds;

/* Open (create) the folder, take its lock, replay the journal, repair on resume. */
struct ds *ds_open(const struct ds_opts *o, char *err, size_t errlen);

/* The split of a base POI id: "train", "validation" or "test". */
const char *ds_split(const char *base_poi_id);

/* 1 if an item of that kind and id is in the folder already. */
int ds_contains(struct ds *d, enum ds_kind kind, const char *id);

/* Write one item.  0 written, 1 already there (skipped), -1 I/O error (err set). */
int ds_commit(struct ds *d, struct ds_item *it, char *err, size_t errlen);

/*
 * Add every item of the folder src (made by shard-write) in its journal order,
 * re-sharded and with paths rewritten; items whose id is here already are
 * skipped.  Returns items added, or -1 (err set).
 */
long ds_merge(struct ds *d, const char *src, char *err, size_t errlen);

/* Write state.json and README.md, end the run, free d.  0 ok, -1 (err set). */
int ds_close(struct ds *d, char *err, size_t errlen);

/* Free d without ending the run (after a fatal error: --resume picks it up). */
void ds_abort(struct ds *d);

/* Counts so far, for messages. */
uint64_t ds_count(struct ds *d, enum ds_kind kind);

#endif
