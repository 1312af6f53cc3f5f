/*
 * hfrows.c - the dataset viewer's /rows API, page by page (see hfrows.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "hfrows.h"
#include "http.h"

struct hfrows {
	struct http *h;
	char *base;		/* ".../rows?dataset=...&config=...&split=..." */
	char *auth;		/* "Authorization: Bearer ..." or NULL: a secret */
	const char *headers[2];
	long long max_rows;
	size_t batch;
	long long total;	/* num_rows_total, -1 when not given */
	long long limit;	/* rows asked for at most, -1: until a short page */
	long long off;		/* the next offset to ask for */
	long long got;		/* rows in the last page */
	long long given;	/* rows in the pages handed out */
	int partial, done;
	json_t *media;
	struct hfrows_page first;	/* until handed out */
	/* The batch in flight: requests [next, n) not yet handed out. */
	struct http_req *rq;
	char **urls;
	long long *offs;
	size_t n, next;
};

/* Percent-encoding of a query value: all but RFC 3986's unreserved characters. */
static char *
urlenc(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = malloc(3 * strlen(s) + 1), *p = out;

	if (out == NULL)
		return NULL;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
			*p++ = (char)c;
		} else {
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p = '\0';
	return out;
}

static char *
base_url(const struct hfrows_query *q)
{
	char *d = urlenc(q->dataset), *c = urlenc(q->config), *s = urlenc(q->split), *out = NULL;
	size_t blen = strlen(q->url);

	while (blen > 0 && q->url[blen - 1] == '/')
		blen--;
	if (d && c && s && asprintf(&out, "%.*s/rows?dataset=%s&config=%s&split=%s",
	    (int)blen, q->url, d, c, s) < 0)
		out = NULL;
	free(d);
	free(c);
	free(s);
	return out;
}

static char *
page_url(const char *base, long long offset, long length)
{
	char *out;

	return asprintf(&out, "%s&offset=%lld&length=%ld", base, offset, length) < 0 ? NULL : out;
}

char *
hfrows_url(const struct hfrows_query *q, long long offset, long length)
{
	char *base = base_url(q), *out;

	if (base == NULL)
		return NULL;
	out = page_url(base, offset, length);
	free(base);
	return out;
}

/* The message of an {"error": ...} body, or NULL. */
static const char *
error_text(const json_t *doc)
{
	const json_t *e = json_object_get(doc, "error");

	return json_is_string(e) ? json_string_value(e) : NULL;
}

int
hfrows_answer(const struct http_req *rq, json_t **doc, char *why, size_t whylen)
{
	json_error_t jerr;
	const char *msg;

	*doc = NULL;
	snprintf(jerr.text, sizeof jerr.text, "an empty answer");
	if (rq->data && rq->len > 0)
		*doc = json_loadb(rq->data, rq->len, 0, &jerr);
	if (*doc && (msg = error_text(*doc)) != NULL)
		errf(why, whylen, "HTTP %ld: %s", rq->status, msg);
	else if (!rq->ok)
		errf(why, whylen, "%s", rq->error[0] ? rq->error : "fetch failed");
	else if (*doc == NULL)
		return errf(why, whylen, "not JSON: %s", jerr.text);
	else if (!json_is_object(*doc) || !json_is_array(json_object_get(*doc, "rows")))
		errf(why, whylen, "no \"rows\" array in the answer");
	else
		return 0;
	json_decref(*doc);
	*doc = NULL;
	return -1;
}

json_t *
hfrows_media(const json_t *doc)
{
	json_t *out = json_array();
	const json_t *f;
	size_t i;

	if (out == NULL)
		return NULL;
	json_array_foreach(json_object_get(doc, "features"), i, f) {
		json_t *type = json_object_get(f, "type"), *name = json_object_get(f, "name");
		const char *ty = json_string_value(json_object_get(type, "_type"));

		if (json_is_string(name) && ty && (strcmp(ty, "Image") == 0 ||
		    strcmp(ty, "Audio") == 0 || strcmp(ty, "Video") == 0))
			json_array_append(out, name);
	}
	return out;
}

/* A finished request into pg; -1 with err naming the page. */
static int
take_answer(struct http_req *rq, long long offset, struct hfrows_page *pg, char *err,
    size_t errlen)
{
	char why[1024];
	int st = hfrows_answer(rq, &pg->doc, why, sizeof why);

	pg->offset = offset;
	pg->bytes = rq->len;
	http_req_clear(rq);
	if (st == -1)
		return errf(err, errlen, "rows at offset %lld: %s", offset, why);
	return 0;
}

/* Fetch one page now. */
static int
fetch_one(struct hfrows *hr, long long offset, long length, struct hfrows_page *pg,
    char *err, size_t errlen)
{
	struct http_req rq;
	int st;

	memset(&rq, 0, sizeof rq);
	if ((rq.url = page_url(hr->base, offset, length)) == NULL)
		return errf(err, errlen, "out of memory");
	rq.headers = hr->headers;
	http_fetch(hr->h, &rq, 1);
	st = take_answer(&rq, offset, pg, err, errlen);
	free((char *)rq.url);
	return st;
}

static void
batch_clear(struct hfrows *hr)
{
	size_t i;

	for (i = hr->next; i < hr->n; i++)
		http_req_clear(&hr->rq[i]);
	for (i = 0; i < hr->n; i++)
		free(hr->urls[i]);
	hr->n = hr->next = 0;
}

/* Ask for the next pages up to the limit, all at once. */
static int
batch_fetch(struct hfrows *hr, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < hr->batch && hr->off < hr->limit; i++) {
		long len = hr->limit - hr->off < HFROWS_PAGE_ROWS ? (long)(hr->limit - hr->off) :
		    HFROWS_PAGE_ROWS;

		memset(&hr->rq[i], 0, sizeof hr->rq[i]);
		if ((hr->urls[i] = page_url(hr->base, hr->off, len)) == NULL) {
			hr->n = hr->next = i;
			return errf(err, errlen, "out of memory");
		}
		hr->rq[i].url = hr->urls[i];
		hr->rq[i].headers = hr->headers;
		hr->offs[i] = hr->off;
		hr->off += len;
	}
	hr->n = i;
	hr->next = 0;
	http_fetch(hr->h, hr->rq, hr->n);
	return 0;
}

static int
full(const struct hfrows *hr)
{
	return hr->max_rows > 0 && hr->given >= hr->max_rows;
}

struct hfrows *
hfrows_open(struct http *h, const struct hfrows_query *q, char *err, size_t errlen)
{
	struct hfrows *hr = calloc(1, sizeof *hr);
	const json_t *nt;
	long first;

	if (hr == NULL || (hr->base = base_url(q)) == NULL)
		goto oom;
	hr->h = h;
	hr->max_rows = q->max_rows;
	hr->batch = q->batch < 1 ? 1 : q->batch > HFROWS_BATCH_MAX ? HFROWS_BATCH_MAX :
	    (size_t)q->batch;
	if (q->token && *q->token) {
		if (asprintf(&hr->auth, "Authorization: Bearer %s", q->token) < 0) {
			hr->auth = NULL;
			goto oom;
		}
		hr->headers[0] = hr->auth;
	}
	/* The first page says how many rows there are. */
	hr->limit = q->max_rows > 0 ? q->max_rows : -1;
	first = hr->limit >= 0 && hr->limit < HFROWS_PAGE_ROWS ? (long)hr->limit :
	    HFROWS_PAGE_ROWS;
	if (fetch_one(hr, 0, first, &hr->first, err, errlen) == -1) {
		hfrows_close(hr);
		return NULL;
	}
	if ((hr->media = hfrows_media(hr->first.doc)) == NULL)
		goto oom;
	nt = json_object_get(hr->first.doc, "num_rows_total");
	hr->total = json_is_integer(nt) ? json_integer_value(nt) : -1;
	hr->partial = json_is_true(json_object_get(hr->first.doc, "partial"));
	hr->got = (long long)hfrows_page_size(&hr->first);
	if (hr->total >= 0 && (hr->limit < 0 || hr->total < hr->limit))
		hr->limit = hr->total;
	hr->off = hr->got;
	if (hr->total >= 0 && ((hr->rq = calloc(hr->batch, sizeof(*hr->rq))) == NULL ||
	    (hr->urls = calloc(hr->batch, sizeof(*hr->urls))) == NULL ||
	    (hr->offs = calloc(hr->batch, sizeof(*hr->offs))) == NULL))
		goto oom;
	return hr;
oom:
	hfrows_close(hr);
	errf(err, errlen, "out of memory");
	return NULL;
}

int
hfrows_next(struct hfrows *hr, struct hfrows_page *pg, char *err, size_t errlen)
{
	memset(pg, 0, sizeof *pg);
	if (hr->first.doc != NULL) {
		*pg = hr->first;
		hr->first.doc = NULL;
		hr->given += hr->got;
		return 1;
	}
	while (!hr->done) {
		if (hr->total < 0) {
			/* Unknown size: one page after another until a short one. */
			if (hr->got != HFROWS_PAGE_ROWS || full(hr))
				break;
			if (fetch_one(hr, hr->off, HFROWS_PAGE_ROWS, pg, err, errlen) == -1) {
				hr->done = 1;
				return -1;
			}
			hr->got = (long long)hfrows_page_size(pg);
			hr->off += hr->got;
			hr->given += hr->got;
			return 1;
		}
		if (hr->next < hr->n) {
			size_t i = hr->next++;

			if (take_answer(&hr->rq[i], hr->offs[i], pg, err, errlen) == -1) {
				hr->done = 1;
				return -1;
			}
			hr->got = (long long)hfrows_page_size(pg);
			if (hr->got == 0) {
				hr->done = 1;	/* shorter than announced */
				batch_clear(hr);
			}
			if (full(hr)) {
				/* Checked like the others, but not handed out. */
				hfrows_page_clear(pg);
				continue;
			}
			hr->given += hr->got;
			return 1;
		}
		batch_clear(hr);
		if (hr->got == 0 || hr->off >= hr->limit || full(hr))
			break;
		if (batch_fetch(hr, err, errlen) == -1) {
			hr->done = 1;
			return -1;
		}
	}
	hr->done = 1;
	return 0;
}

void
hfrows_page_clear(struct hfrows_page *pg)
{
	json_decref(pg->doc);
	pg->doc = NULL;
}

void
hfrows_close(struct hfrows *hr)
{
	if (hr == NULL)
		return;
	if (hr->rq != NULL)
		batch_clear(hr);
	free(hr->rq);
	free(hr->urls);
	free(hr->offs);
	hfrows_page_clear(&hr->first);
	json_decref(hr->media);
	if (hr->auth) {
		explicit_bzero(hr->auth, strlen(hr->auth));
		free(hr->auth);
	}
	free(hr->base);
	free(hr);
}

int
hfrows_partial(const struct hfrows *hr)
{
	return hr->partial;
}

const json_t *
hfrows_media_columns(const struct hfrows *hr)
{
	return hr->media;
}

size_t
hfrows_page_size(const struct hfrows_page *pg)
{
	return json_array_size(json_object_get(pg->doc, "rows"));
}

const json_t *
hfrows_row(const struct hfrows_page *pg, size_t i, long long *row_idx)
{
	const json_t *r = json_array_get(json_object_get(pg->doc, "rows"), i);
	const json_t *row = json_object_get(r, "row"), *ix = json_object_get(r, "row_idx");

	*row_idx = json_is_integer(ix) ? json_integer_value(ix) : pg->offset + (long long)i;
	return json_is_object(row) ? row : NULL;
}
