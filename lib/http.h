/*
 * http.h - fetch many URLs at once: libcurl multi, connection reuse, HTTP/2 where
 * offered, timeouts, retries with exponential backoff and jitter (timeouts,
 * resets, 429 honouring Retry-After, 5xx).  file:// URLs and plain local paths
 * are read from disk with the same interface, ranges included, so everything
 * runs offline.
 *
 * Calling sequence:
 *
 *	struct http *h = http_new(&opts);
 *	struct http_req rq[2] = {0};
 *	rq[0].url = "https://.../B04.tif"; rq[0].range_start = 0; rq[0].range_len = 16384;
 *	rq[1].url = "https://.../search"; rq[1].method = "POST"; rq[1].body = json;
 *	http_fetch(h, rq, 2);		// returns when every request is done or failed
 *	if (rq[0].ok) use(rq[0].data, rq[0].len); else puts(rq[0].error);
 *	http_req_clear(&rq[0]); ...
 *	http_free(h);
 *
 * A range that starts past the end of a resource is not an error: ok with len 0
 * (local files) or status 416 (HTTP).  A failed request's data holds up to 64 KiB
 * of the error page.  The CA bundle comes from CURL_CA_BUNDLE or SSL_CERT_FILE when
 * set, as for curl(1).
 *
 * Secrets: a URL's query string is never printed: rq.error names the URL with
 * its query replaced by "?...", and Authorization headers are never echoed.
 */
#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>
#include <stdint.h>

struct http_opts {
	int max_retries;	/* retries after the first try (default 4) */
	double connect_timeout;	/* seconds (default 15) */
	double timeout;		/* seconds for one whole transfer (default 120) */
	double low_speed_time;	/* abort when under 1 KiB/s this long (default 30) */
	int max_parallel;	/* transfers at once (default 32) */
	double backoff_base;	/* first retry delay in seconds (default 0.5) */
	const char *user_agent;	/* default "s2vl/VERSION" */
};

struct http_req {
	/* in */
	const char *url;	/* http(s)://, file://, or a local path */
	const char *method;	/* NULL: GET, or POST when body is set */
	const char *body;	/* request body (POST), NUL-terminated */
	const char *content_type;	/* default "application/json" with a body */
	const char *const *headers;	/* extra "Name: value" lines, NULL-terminated */
	uint64_t range_start;	/* with range_len > 0: ask for [start, start+len) */
	uint64_t range_len;
	uint64_t max_bytes;	/* refuse bodies larger than this (0: 1 GiB) */
	/* out */
	int ok;			/* 2xx (or 206/200 for ranges), body complete */
	long status;		/* HTTP status, 0 if none (local files: 200, 404) */
	char *data;		/* body, NUL-terminated for convenience, malloc'd */
	size_t len;
	uint64_t total_size;	/* whole resource size when known (Content-Range or file size) */
	int attempts;		/* tries made */
	char error[256];	/* "url: why" when !ok */
};

struct http_stats {
	uint64_t requests;	/* requests sent, retries included */
	uint64_t bytes;		/* body bytes received */
};

struct http;

void http_opts_default(struct http_opts *o);
struct http *http_new(const struct http_opts *o);
void http_free(struct http *h);

/* Perform all n requests concurrently; returns the number that failed. */
int http_fetch(struct http *h, struct http_req *reqs, size_t n);
void http_req_clear(struct http_req *rq);	/* frees data, keeps the inputs */
void http_stats(const struct http *h, struct http_stats *s);

/* "https://host/path?..." for messages: never the query string (signatures, tokens). */
void http_redact(const char *url, char *out, size_t outlen);
/* True for http:// or https:// URLs. */
int http_is_remote(const char *url);

#endif
