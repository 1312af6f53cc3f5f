/*
 * hfrows.h - read a split of a Hugging Face dataset through the dataset viewer's
 * /rows API (specs/dataset-conventions.md 1; answers shaped as in
 * ../shared/fixtures/hf_datasets_server): the rows' JSON only, never their images.
 *
 *	struct hfrows_query q = { .url = HFROWS_DEFAULT_URL, .dataset = "owner/name",
 *	    .config = "default", .split = "train", .token = getenv("HF_TOKEN"),
 *	    .max_rows = 100000, .batch = 16 };
 *	struct hfrows *hr = hfrows_open(http, &q, err, sizeof err);	// the first page
 *	if (hr == NULL) fail(err);	// "rows at offset 0: HTTP 404: The dataset ..."
 *	if (hfrows_partial(hr)) warn(...);
 *	while ((st = hfrows_next(hr, &pg, err, sizeof err)) == 1) {
 *		for (i = 0; i < hfrows_page_size(&pg); i++)
 *			use(hfrows_row(&pg, i, &row_idx));
 *		hfrows_page_clear(&pg);
 *	}
 *	hfrows_close(hr);	// st == -1: fail(err)
 *
 * Pages hold 100 rows at most (the API's limit).  The first one says how many rows
 * the split has; then the rest, up to max_rows, are asked for `batch` pages at a
 * time (at most HFROWS_BATCH_MAX), all of a batch checked before the next one.
 * Without a total, pages follow one another until a short one.
 *
 * The token is a secret: sent as "Authorization: Bearer ...", never in a message,
 * and wiped from memory by hfrows_close.
 */
#ifndef HFROWS_H
#define HFROWS_H

#include <stddef.h>
#include <jansson.h>

struct http;
struct http_req;

#define HFROWS_DEFAULT_URL	"https://datasets-server.huggingface.co"
#define HFROWS_PAGE_ROWS	100	/* the /rows API's maximum length */
#define HFROWS_BATCH_MAX	1024	/* pages held in memory at once */

struct hfrows_query {
	const char *url;	/* the API root */
	const char *dataset, *config, *split;
	const char *token;	/* NULL or "": none */
	long long max_rows;	/* rows asked for at most (0: all) */
	int batch;		/* pages asked for at once, after the first */
};

/* One answer: the /rows document and where it starts. */
struct hfrows_page {
	json_t *doc;		/* {"features", "rows", "num_rows_total", ...} */
	long long offset;
	size_t bytes;		/* the body's size, for a progress line */
};

/* Ask for the first page.  NULL with err set if it fails (or out of memory). */
struct hfrows *hfrows_open(struct http *h, const struct hfrows_query *q, char *err,
    size_t errlen);
/* The next page into pg (the first one first): 1, 0 after the last, -1 with err set.
 * Pages come in order of offset. */
int hfrows_next(struct hfrows *hr, struct hfrows_page *pg, char *err, size_t errlen);
void hfrows_page_clear(struct hfrows_page *pg);
void hfrows_close(struct hfrows *hr);

/* From the first page: "partial": true (the viewer serves only part of the split),
 * and the names of the media columns (Image, Audio, Video features: never read). */
int hfrows_partial(const struct hfrows *hr);
const json_t *hfrows_media_columns(const struct hfrows *hr);

/* Rows of a page: row i's columns (NULL if it is not an object), and its index in
 * the split: the answer's row_idx, else offset + i. */
size_t hfrows_page_size(const struct hfrows_page *pg);
const json_t *hfrows_row(const struct hfrows_page *pg, size_t i, long long *row_idx);

/* The pieces, for tests: the request URL for offset and length (malloc'd, NULL on
 * OOM), the document of a finished request or -1 with why (the API's own
 * {"error": ...} text first), and a document's media column names (a new array). */
char *hfrows_url(const struct hfrows_query *q, long long offset, long length);
int hfrows_answer(const struct http_req *rq, json_t **doc, char *why, size_t whylen);
json_t *hfrows_media(const json_t *doc);

#endif
