/*
 * test_hfrows.c - lib/hfrows: the request URL, the reading of an answer (the
 * dataset viewer's recorded /rows and /first-rows examples in
 * ../shared/fixtures/hf_datasets_server, and its error shape), and with the /rows
 * replay (tests/t0404-hfrows.sh starts tests/servers/hf_rows.py and sets these)
 * the paging:
 *
 *	S2VL_TEST_HF_URL	1050 rows, num_rows_total given, a token required
 *	S2VL_TEST_HF_TOKEN	that token
 *	S2VL_TEST_HF_NOTOTAL_URL	1050 rows, no num_rows_total, offset 700 always fails
 *
 * Without them only the offline checks run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hfrows.h"
#include "http.h"
#include "unit.h"

#define DS "stochastic/random_streetview_images_pano_v0.0.2"
#define NO_DATASET "The dataset does not exist, or is not accessible without " \
	"authentication (private or gated). Please check the spelling of the dataset " \
	"name or retry with other authentication credentials."

static char *
slurp(const char *rel, size_t *len)
{
	const char *path = unit_fixture(rel);
	FILE *fp;
	char *b = NULL;
	long n;

	if ((fp = fopen(path, "rb")) == NULL || fseek(fp, 0, SEEK_END) != 0 ||
	    (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0 ||
	    (b = malloc((size_t)n + 1)) == NULL || fread(b, 1, (size_t)n, fp) != (size_t)n) {
		printf("# cannot read %s\n", path);
		free(b);
		b = NULL;
	} else {
		b[n] = '\0';
		*len = (size_t)n;
	}
	if (fp)
		fclose(fp);
	return b;
}

/* An answer as http_fetch leaves it. */
static int
answer(int ok, long status, const char *body, const char *error, json_t **doc, char *why,
    size_t whylen)
{
	struct http_req rq;

	memset(&rq, 0, sizeof rq);
	rq.ok = ok;
	rq.status = status;
	rq.data = (char *)body;
	rq.len = body ? strlen(body) : 0;
	snprintf(rq.error, sizeof rq.error, "%s", error ? error : "");
	return hfrows_answer(&rq, doc, why, whylen);
}

static int
url_is(const struct hfrows_query *q, long long off, long len, const char *want)
{
	char *u = hfrows_url(q, off, len);
	int ok = u != NULL && strcmp(u, want) == 0;

	if (!ok)
		printf("# got %s\n", u ? u : "NULL");
	free(u);
	return ok;
}

static void
offline(void)
{
	struct hfrows_query q = { "https://datasets-server.huggingface.co/", DS, "default",
	    "train", NULL, 0, 1 };
	struct hfrows_page pg;
	char why[1024], *body;
	json_t *doc, *media;
	long long idx;
	size_t len;

	/* The URL PROVENANCE.md gives for the default dataset. */
	CHECK(url_is(&q, 0, 100, "https://datasets-server.huggingface.co/rows?dataset="
	    "stochastic%2Frandom_streetview_images_pano_v0.0.2&config=default&split=train"
	    "&offset=0&length=100"), "the default dataset's URL: slash escaped, root's / dropped");
	q.dataset = "a b/ü~._-";
	q.split = "train[:10%]";
	CHECK(url_is(&q, 1000, 50, "https://datasets-server.huggingface.co/rows?dataset="
	    "a%20b%2F%C3%BC~._-&config=default&split=train%5B%3A10%25%5D&offset=1000&length=50"),
	    "only unreserved characters stay as they are");

	if ((body = slurp("hf_datasets_server/rows_image_example_horse2zebra.json", &len))) {
		CHECK(answer(1, 200, body, NULL, &doc, why, sizeof why) == 0 && doc != NULL,
		    "the recorded /rows answer is read");
		memset(&pg, 0, sizeof pg);
		pg.doc = doc;
		pg.offset = 234;
		CHECK(hfrows_page_size(&pg) == 3, "three rows");
		CHECK(hfrows_row(&pg, 0, &idx) != NULL && idx == 234 &&
		    hfrows_row(&pg, 2, &idx) != NULL && idx == 236, "row_idx 234..236");
		CHECK(json_is_object(json_object_get(hfrows_row(&pg, 1, &idx), "imageA")),
		    "a row's columns are the answer's row object");
		media = hfrows_media(doc);
		CHECK(json_array_size(media) == 2 && strcmp(json_string_value(json_array_get(media,
		    0)), "imageA") == 0 && strcmp(json_string_value(json_array_get(media, 1)),
		    "imageB") == 0, "both Image features are media columns");
		json_decref(media);
		json_object_del(json_array_get(json_object_get(doc, "rows"), 1), "row_idx");
		CHECK(hfrows_row(&pg, 1, &idx) != NULL && idx == 235,
		    "without row_idx a row is numbered from the page's offset");
		json_object_set_new(json_array_get(json_object_get(doc, "rows"), 1), "row",
		    json_string("x"));
		CHECK(hfrows_row(&pg, 1, &idx) == NULL, "a row that is not an object: NULL");
		hfrows_page_clear(&pg);
		free(body);
	}
	if ((body = slurp("hf_datasets_server/first_rows_image_example_horse2zebra.json", &len))) {
		CHECK(answer(1, 200, body, NULL, &doc, why, sizeof why) == 0 && doc != NULL,
		    "a /first-rows answer has the same shape");
		json_decref(doc);
		free(body);
	}

	CHECK(answer(0, 404, "{\"error\": \"" NO_DATASET "\"}", "http://h/rows?...: HTTP 404",
	    &doc, why, sizeof why) == -1 && doc == NULL &&
	    strcmp(why, "HTTP 404: " NO_DATASET) == 0,
	    "the API's own error text, with the status");
	CHECK(answer(1, 200, "{\"error\": \"Unexpected error.\"}", NULL, &doc, why, sizeof why) ==
	    -1 && strcmp(why, "HTTP 200: Unexpected error.") == 0,
	    "an error body fails even with 200");
	CHECK(answer(0, 0, NULL, "http://127.0.0.1:1/rows?...: connection refused", &doc, why,
	    sizeof why) == -1 &&
	    strcmp(why, "http://127.0.0.1:1/rows?...: connection refused") == 0,
	    "no answer: the transfer's message (query redacted)");
	CHECK(answer(0, 502, "<html>bad gateway</html>", "", &doc, why, sizeof why) == -1 &&
	    strcmp(why, "fetch failed") == 0, "a failure without a message");
	CHECK(answer(1, 200, "<html>", NULL, &doc, why, sizeof why) == -1 &&
	    strncmp(why, "not JSON: ", 10) == 0, "%s", why);
	CHECK(answer(1, 200, NULL, NULL, &doc, why, sizeof why) == -1 &&
	    strcmp(why, "not JSON: an empty answer") == 0, "%s", why);
	CHECK(answer(1, 200, "{\"rows\": {}}", NULL, &doc, why, sizeof why) == -1 &&
	    strcmp(why, "no \"rows\" array in the answer") == 0, "%s", why);
}

/* Read everything; the pages' offsets and sizes as "0:100 100:100 ...". */
static int
read_all(struct http *h, const struct hfrows_query *q, char *log, size_t loglen,
    long long *rows, int *in_order, char *err, size_t errlen)
{
	struct hfrows *hr = hfrows_open(h, q, err, errlen);
	struct hfrows_page pg;
	long long idx, want = 0;
	size_t i, n = 0;
	int st;

	log[0] = '\0';
	*rows = 0;
	*in_order = 1;
	if (hr == NULL)
		return -1;
	while ((st = hfrows_next(hr, &pg, err, errlen)) == 1) {
		n += (size_t)snprintf(log + n, n < loglen ? loglen - n : 0, "%s%lld:%zu",
		    n ? " " : "", pg.offset, hfrows_page_size(&pg));
		for (i = 0; i < hfrows_page_size(&pg); i++) {
			if (hfrows_row(&pg, i, &idx) == NULL || idx != want++)
				*in_order = 0;
			(*rows)++;
		}
		hfrows_page_clear(&pg);
	}
	hfrows_close(hr);
	return st;
}

static void
online(const char *url, const char *token, const char *nototal)
{
	struct hfrows_query q = { url, DS, "default", "train", token, 250, 2 };
	struct http_opts ho;
	struct http *h;
	struct hfrows *hr;
	char log[512], err[1024];
	long long rows;
	int in_order;

	http_opts_default(&ho);
	ho.max_retries = 0;
	h = http_new(&ho);
	CHECK(read_all(h, &q, log, sizeof log, &rows, &in_order, err, sizeof err) == 0 &&
	    strcmp(log, "0:100 100:100 200:50") == 0 && rows == 250 && in_order,
	    "max_rows 250: pages 0, 100 and 200, the last of 50 rows (%s)", log);
	q.max_rows = 0;
	q.batch = 4;
	CHECK(read_all(h, &q, log, sizeof log, &rows, &in_order, err, sizeof err) == 0 &&
	    rows == 1050 && in_order && strstr(log, " 900:100 1000:50") != NULL &&
	    strstr(log, "1100") == NULL, "max_rows 0: the whole split, 1050 rows in order");
	q.max_rows = 1;
	CHECK(read_all(h, &q, log, sizeof log, &rows, &in_order, err, sizeof err) == 0 &&
	    strcmp(log, "0:1") == 0, "max_rows 1: one page of one row");

	q.max_rows = 100;
	hr = hfrows_open(h, &q, err, sizeof err);
	CHECK(hr != NULL && !hfrows_partial(hr) && json_array_size(hfrows_media_columns(hr)) == 1 &&
	    strcmp(json_string_value(json_array_get(hfrows_media_columns(hr), 0)), "image") == 0,
	    "the first page: not partial, one media column, image");
	hfrows_close(hr);

	q.token = NULL;
	CHECK(hfrows_open(h, &q, err, sizeof err) == NULL &&
	    strcmp(err, "rows at offset 0: HTTP 401: " NO_DATASET) == 0,
	    "no token: 401 and the API's message");
	q.token = "wrong";
	CHECK(hfrows_open(h, &q, err, sizeof err) == NULL && strstr(err, "HTTP 401") != NULL &&
	    strstr(err, "wrong") == NULL, "a wrong token is refused and not repeated");
	q.token = token;
	q.dataset = "nobody/nothing";
	CHECK(hfrows_open(h, &q, err, sizeof err) == NULL &&
	    strcmp(err, "rows at offset 0: HTTP 404: " NO_DATASET) == 0,
	    "a dataset that does not exist: 404");

	if (nototal != NULL) {
		struct hfrows_query nt = { nototal, DS, "default", "train", NULL, 650, 8 };

		CHECK(read_all(h, &nt, log, sizeof log, &rows, &in_order, err, sizeof err) == 0 &&
		    strcmp(log, "0:100 100:100 200:100 300:100 400:100 500:100 600:100") == 0 &&
		    rows == 700 && in_order,
		    "no total: pages of 100 one after another until 650 rows are passed (%s)", log);
		nt.max_rows = 0;
		CHECK(read_all(h, &nt, log, sizeof log, &rows, &in_order, err, sizeof err) == -1 &&
		    rows == 700 &&
		    strcmp(err, "rows at offset 700: HTTP 500: Unexpected error.") == 0,
		    "a failing page stops the reading with its offset: %s", err);
	}
	http_free(h);
}

int
main(void)
{
	const char *url = getenv("S2VL_TEST_HF_URL");

	offline();
	if (url != NULL)
		online(url, getenv("S2VL_TEST_HF_TOKEN"), getenv("S2VL_TEST_HF_NOTOTAL_URL"));
	UNIT_DONE();
}
