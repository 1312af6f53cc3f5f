/*
 * test_http.c - lib/http.c: local files, file:// URLs, ranges, redaction, and
 * with a server (tests/t1000-http.sh sets the variables) real HTTP:
 *
 *	S2VL_TEST_URL	nginx serving the folder that holds S2VL_TEST_FILE
 *	S2VL_TEST_FILE	a local file; its basename is fetched from both servers
 *	S2VL_TEST_FLAKY	tests/servers/flaky.py
 *	S2VL_TEST_H2_URL	nginx over HTTPS with HTTP/2 (CURL_CA_BUNDLE names its certificate)
 *
 * Without them only the offline checks run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "unit.h"

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *b;
	long n;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	b = malloc((size_t)n + 1);
	if (b == NULL || fread(b, 1, (size_t)n, fp) != (size_t)n) {
		fclose(fp);
		free(b);
		return NULL;
	}
	fclose(fp);
	*len = (size_t)n;
	return b;
}

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct http *
new_http(int retries, double timeout, double backoff)
{
	struct http_opts o;

	http_opts_default(&o);
	o.max_retries = retries;
	o.timeout = timeout;
	o.backoff_base = backoff;
	o.connect_timeout = 5;
	o.low_speed_time = 30;
	o.max_parallel = 8;
	return http_new(&o);
}

static void
offline(void)
{
	char out[700], dir[] = "/tmp/test_http.XXXXXX", path[512], url[600];
	char big[5000];
	struct http *h;
	struct http_req rq[6];
	struct http_stats st;
	size_t i;
	FILE *fp;
	int nf;

	http_redact("https://acc.blob.core.windows.net/c/B04.tif?sv=2021&sig=SECRET", out,
	    sizeof out);
	CHECK(strcmp(out, "https://acc.blob.core.windows.net/c/B04.tif?...") == 0,
	    "redact drops a SAS query: %s", out);
	http_redact("https://api.mapbox.com/a/b?access_token=pk.SECRET#frag", out, sizeof out);
	CHECK(strstr(out, "SECRET") == NULL && strstr(out, "frag") == NULL,
	    "redact drops access_token and fragment: %s", out);
	http_redact("https://user:pw@host.example/x", out, sizeof out);
	CHECK(strcmp(out, "https://...@host.example/x") == 0, "redact hides userinfo: %s", out);
	http_redact("http://127.0.0.1:8080/x.tif", out, sizeof out);
	CHECK(strcmp(out, "http://127.0.0.1:8080/x.tif") == 0, "redact keeps a clean URL");
	http_redact("/data/odd?name.tif", out, sizeof out);
	CHECK(strcmp(out, "/data/odd?name.tif") == 0, "a local path is not a URL");
	http_redact("https://h/p?secret", out, 8);
	CHECK(strlen(out) == 7, "redact truncates to the buffer");
	CHECK(http_is_remote("HTTPS://x/y") && http_is_remote("http://x") &&
	    !http_is_remote("file:///x") && !http_is_remote("/x") && !http_is_remote(NULL),
	    "http_is_remote");

	if (mkdtemp(dir) == NULL) {
		CHECK(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	for (i = 0; i < sizeof big; i++)
		big[i] = (char)(i * 7 + (i >> 8));
	snprintf(path, sizeof path, "%s/a file.bin", dir);
	fp = fopen(path, "wb");
	fwrite(big, 1, sizeof big, fp);
	fclose(fp);

	h = new_http(2, 10, 0.01);
	CHECK(h != NULL, "http_new");
	memset(rq, 0, sizeof rq);
	rq[0].url = path;					/* whole file */
	rq[1].url = path;					/* a range */
	rq[1].range_start = 100;
	rq[1].range_len = 1000;
	rq[2].url = path;					/* crosses EOF */
	rq[2].range_start = 4990;
	rq[2].range_len = 100;
	rq[3].url = path;					/* past EOF */
	rq[3].range_start = 9000;
	rq[3].range_len = 10;
	snprintf(url, sizeof url, "file://%s/a%%20file.bin", dir);
	rq[4].url = url;					/* file:// with %20 */
	rq[4].range_start = 4096;
	rq[4].range_len = 16;
	rq[5].url = path;					/* over max_bytes */
	rq[5].max_bytes = 4999;
	nf = http_fetch(h, rq, 6);
	CHECK(nf == 1, "one of six local requests fails (%d)", nf);
	CHECK(rq[0].ok && rq[0].status == 200 && rq[0].len == sizeof big &&
	    memcmp(rq[0].data, big, sizeof big) == 0 && rq[0].total_size == sizeof big &&
	    rq[0].data[rq[0].len] == '\0', "local whole file");
	CHECK(rq[1].ok && rq[1].len == 1000 && memcmp(rq[1].data, big + 100, 1000) == 0 &&
	    rq[1].total_size == sizeof big, "local range");
	CHECK(rq[2].ok && rq[2].len == 10 && memcmp(rq[2].data, big + 4990, 10) == 0,
	    "local range across EOF is short (%zu)", rq[2].len);
	CHECK(rq[3].ok && rq[3].len == 0 && rq[3].data != NULL, "local range past EOF is empty");
	CHECK(rq[4].ok && rq[4].len == 16 && memcmp(rq[4].data, big + 4096, 16) == 0,
	    "file:// URL with %%20 and a range");
	CHECK(!rq[5].ok && strstr(rq[5].error, "over the limit of 4999") != NULL &&
	    rq[5].data == NULL, "max_bytes guards local files: %s", rq[5].error);
	http_stats(h, &st);
	CHECK(st.requests == 6 && st.bytes == 5000 + 1000 + 10 + 16,
	    "stats count local reads (%llu requests, %llu bytes)",
	    (unsigned long long)st.requests, (unsigned long long)st.bytes);
	for (i = 0; i < 6; i++)
		http_req_clear(&rq[i]);
	CHECK(rq[0].data == NULL && rq[0].len == 0 && rq[0].url == path, "http_req_clear");

	memset(rq, 0, sizeof rq);
	snprintf(path, sizeof path, "%s/missing.tif", dir);
	rq[0].url = path;
	rq[1].url = dir;
	rq[2].url = "s3://bucket/key.tif";
	rq[3].url = "file://otherhost/x.tif";
	rq[4].url = "http://127.0.0.1:1/x.tif?token=SECRET";	/* nothing listens on port 1 */
	rq[5].url = "http://127.0.0.1:1/y.tif";
	rq[5].range_start = UINT64_MAX - 10;
	rq[5].range_len = 100;
	nf = http_fetch(h, rq, 6);
	CHECK(nf == 6, "six failures (%d)", nf);
	CHECK(!rq[5].ok && rq[5].attempts == 0 && strstr(rq[5].error, "is past 2^64") != NULL,
	    "a range past 2^64 is refused before any request: %s", rq[5].error);
	snprintf(out, sizeof out, "%s: No such file or directory", path);
	CHECK(!rq[0].ok && rq[0].status == 404 && strcmp(rq[0].error, out) == 0,
	    "missing file: 404, %s", rq[0].error);
	CHECK(!rq[1].ok && strstr(rq[1].error, "Is a directory") != NULL,
	    "a folder: %s", rq[1].error);
	CHECK(!rq[2].ok && strcmp(rq[2].error, "s3://bucket/key.tif: unsupported URL scheme") == 0,
	    "s3:// refused: %s", rq[2].error);
	CHECK(!rq[3].ok && strstr(rq[3].error, "file:///absolute/path") != NULL,
	    "file:// with a host refused: %s", rq[3].error);
	CHECK(!rq[4].ok && strcmp(rq[4].error,
	    "http://127.0.0.1:1/x.tif?...: connection refused") == 0 && rq[4].attempts == 1,
	    "connection refused, not retried, token redacted: %s", rq[4].error);
	for (i = 0; i < 6; i++)
		http_req_clear(&rq[i]);
	http_free(h);

	snprintf(path, sizeof path, "%s/a file.bin", dir);
	unlink(path);
	rmdir(dir);
}

/* Against nginx: whole file, many concurrent ranges, EOF cases, 404. */
static void
online_nginx(const char *base, const char *file)
{
	char *want, url[1024], secret[1100], err[300];
	const char *name;
	size_t wlen, i, nr = 64;
	struct http *h;
	struct http_req *rq;
	struct http_stats st;
	int nf, bad;

	if ((want = slurp(file, &wlen)) == NULL) {
		CHECK(0, "read %s", file);
		return;
	}
	name = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	snprintf(url, sizeof url, "%s/%s", base, name);
	h = new_http(2, 20, 0.05);
	rq = calloc(nr + 4, sizeof *rq);
	rq[0].url = url;
	for (i = 1; i <= nr; i++) {
		rq[i].url = url;
		rq[i].range_start = (i * 7919 * 13) % wlen;
		rq[i].range_len = 1 + (i * 104729) % 70000;
	}
	rq[nr + 1].url = url;				/* across the end */
	rq[nr + 1].range_start = wlen - 5;
	rq[nr + 1].range_len = 100;
	rq[nr + 2].url = url;				/* past the end: 416 */
	rq[nr + 2].range_start = wlen + 10;
	rq[nr + 2].range_len = 100;
	snprintf(secret, sizeof secret, "%s/nope.tif?sig=TOPSECRET", base);
	rq[nr + 3].url = secret;
	nf = http_fetch(h, rq, nr + 4);
	CHECK(nf == 1, "nginx: only the 404 fails (%d)", nf);
	CHECK(rq[0].ok && rq[0].status == 200 && rq[0].len == wlen &&
	    memcmp(rq[0].data, want, wlen) == 0 && rq[0].total_size == wlen,
	    "nginx: whole file, %zu bytes", wlen);
	bad = 0;
	for (i = 1; i <= nr; i++) {
		uint64_t s = rq[i].range_start, n = rq[i].range_len;
		size_t exp = s + n > wlen ? wlen - s : n;

		if (!rq[i].ok || rq[i].status != 206 || rq[i].len != exp ||
		    memcmp(rq[i].data, want + s, exp) != 0 || rq[i].total_size != wlen) {
			if (!bad)
				printf("# range %zu: ok %d status %ld len %zu/%zu: %s\n", i,
				    rq[i].ok, rq[i].status, rq[i].len, exp, rq[i].error);
			bad++;
		}
	}
	CHECK(bad == 0, "nginx: %zu concurrent ranges match the file bytes", nr);
	CHECK(rq[nr + 1].ok && rq[nr + 1].len == 5 &&
	    memcmp(rq[nr + 1].data, want + wlen - 5, 5) == 0, "nginx: range across EOF is short");
	CHECK(rq[nr + 2].ok && rq[nr + 2].len == 0 && rq[nr + 2].total_size == wlen,
	    "nginx: range past EOF (416) is empty, size %llu",
	    (unsigned long long)rq[nr + 2].total_size);
	snprintf(err, sizeof err, "%s/nope.tif?...: HTTP 404", base);
	CHECK(!rq[nr + 3].ok && rq[nr + 3].status == 404 && strcmp(rq[nr + 3].error, err) == 0 &&
	    rq[nr + 3].attempts == 1, "nginx: 404 not retried: %s", rq[nr + 3].error);
	http_stats(h, &st);
	CHECK(st.requests == nr + 4, "stats: %llu requests", (unsigned long long)st.requests);
	for (i = 0; i < nr + 4; i++)
		http_req_clear(&rq[i]);

	/* A second batch on the same handle reuses the connections (nginx log shows it). */
	for (i = 0; i < 8; i++) {
		rq[i].url = url;
		rq[i].range_start = i * 1000;
		rq[i].range_len = 1000;
	}
	nf = http_fetch(h, rq, 8);
	CHECK(nf == 0 && memcmp(rq[7].data, want + 7000, 1000) == 0, "nginx: second batch");
	for (i = 0; i < 8; i++)
		http_req_clear(&rq[i]);
	free(rq);
	http_free(h);
	free(want);
}

/*
 * HTTPS with HTTP/2 (nginx, a throwaway certificate named by CURL_CA_BUNDLE):
 * two batches of ranges; t1000-http.sh then reads nginx's log to see that all
 * went over HTTP/2 on one connection.
 */
static void
online_h2(const char *base, const char *file)
{
	char url[1024], *want;
	const char *name;
	struct http *h;
	struct http_req rq[60];
	size_t wlen, i, b;
	int nf, bad = 0;

	if ((want = slurp(file, &wlen)) == NULL) {
		CHECK(0, "read %s", file);
		return;
	}
	name = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	snprintf(url, sizeof url, "%s/%s", base, name);
	h = new_http(1, 20, 0.05);
	for (b = 0; b < 2; b++) {
		memset(rq, 0, sizeof rq);
		for (i = 0; i < 60; i++) {
			rq[i].url = url;
			rq[i].range_start = (i * 37813 + b * 999) % (wlen - 5000);
			rq[i].range_len = 1000 + i * 61;
		}
		nf = http_fetch(h, rq, 60);
		for (i = 0; i < 60; i++) {
			if (!rq[i].ok || rq[i].status != 206 || rq[i].len != rq[i].range_len ||
			    memcmp(rq[i].data, want + rq[i].range_start, rq[i].len) != 0) {
				if (!bad)
					printf("# h2 range %zu: %s\n", i, rq[i].error);
				bad++;
			}
			http_req_clear(&rq[i]);
		}
		CHECK(nf == 0 && bad == 0, "HTTPS/HTTP2 batch %zu: 60 ranges match the file", b + 1);
	}
	http_free(h);

	/* Without the bundle the certificate is refused: TLS checks are on. */
	unsetenv("CURL_CA_BUNDLE");
	unsetenv("SSL_CERT_FILE");
	h = new_http(2, 20, 0.05);
	memset(rq, 0, sizeof rq);
	rq[0].url = url;
	nf = http_fetch(h, rq, 1);
	CHECK(nf == 1 && rq[0].attempts == 1 && strstr(rq[0].error, "certificate") != NULL,
	    "an unknown certificate is refused, not retried: %s", rq[0].error);
	http_req_clear(&rq[0]);
	http_free(h);
	free(want);
}

/* A 302 from flaky.py to nginx: followed, with the Range, like a signed-URL hand-off. */
static void
online_redirect(const char *flaky, const char *nginx, const char *file)
{
	char u[2][1200], *want;
	const char *name;
	struct http *h;
	struct http_req rq[2];
	size_t wlen;
	int nf;

	if ((want = slurp(file, &wlen)) == NULL) {
		CHECK(0, "read %s", file);
		return;
	}
	name = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	snprintf(u[0], sizeof u[0], "%s/redir/s?to=%s/%s", flaky, nginx, name);
	snprintf(u[1], sizeof u[1], "%s/redir/t?to=%s/missing.tif", flaky, nginx);
	memset(rq, 0, sizeof rq);
	rq[0].url = u[0];
	rq[0].range_start = 5000;
	rq[0].range_len = 777;
	rq[1].url = u[1];
	h = new_http(1, 10, 0.05);
	nf = http_fetch(h, rq, 2);
	CHECK(nf == 1 && rq[0].ok && rq[0].status == 206 && rq[0].len == 777 &&
	    memcmp(rq[0].data, want + 5000, 777) == 0 && rq[0].total_size == wlen,
	    "a redirect is followed and keeps the Range");
	CHECK(!rq[1].ok && rq[1].status == 404 && strstr(rq[1].error, "/redir/t?...: HTTP 404")
	    != NULL && rq[1].attempts == 1, "a redirect to a 404: %s", rq[1].error);
	http_req_clear(&rq[0]);
	http_req_clear(&rq[1]);
	http_free(h);
	free(want);
}

static void
online_flaky(const char *base, const char *file)
{
	char u[16][512], *want;
	const char *name, *const hdrs[] = { "X-Test: yes", NULL };
	struct http *h;
	struct http_req rq[16];
	size_t wlen, i;
	double t0, t1;
	int nf;

	if ((want = slurp(file, &wlen)) == NULL) {
		CHECK(0, "read %s", file);
		return;
	}
	name = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	h = new_http(3, 1.5, 0.05);
	memset(rq, 0, sizeof rq);
	snprintf(u[0], sizeof u[0], "%s/429/2/a?access_token=SECRET", base);
	snprintf(u[1], sizeof u[1], "%s/429date/1/b", base);
	snprintf(u[2], sizeof u[2], "%s/500/2/c", base);
	snprintf(u[3], sizeof u[3], "%s/503/d", base);
	snprintf(u[4], sizeof u[4], "%s/404/e", base);
	snprintf(u[5], sizeof u[5], "%s/hang/f", base);
	snprintf(u[6], sizeof u[6], "%s/reset/2/g", base);
	snprintf(u[7], sizeof u[7], "%s/garbage/h", base);
	snprintf(u[8], sizeof u[8], "%s/norange/%s", base, name);
	snprintf(u[9], sizeof u[9], "%s/badrange/%s", base, name);
	snprintf(u[10], sizeof u[10], "%s/big/k", base);
	snprintf(u[11], sizeof u[11], "%s/echo/l", base);
	snprintf(u[12], sizeof u[12], "%s/429long/m", base);
	snprintf(u[13], sizeof u[13], "%s/norange/%s", base, name);
	for (i = 0; i < 14; i++)
		rq[i].url = u[i];
	rq[8].range_start = 1000;		/* sliced out of a 200 */
	rq[8].range_len = 3000;
	rq[9].range_start = 0;
	rq[9].range_len = 100;
	rq[10].max_bytes = 1 << 20;
	rq[11].body = "{\"q\":1}";
	rq[11].headers = hdrs;
	rq[13].range_start = wlen - 10;		/* the slice runs past the end */
	rq[13].range_len = 100;
	nf = http_fetch(h, rq, 14);
	CHECK(nf == 7, "flaky: seven requests fail (%d)", nf);
	CHECK(rq[0].ok && rq[0].attempts == 3 && strcmp(rq[0].data, "ok a") == 0,
	    "429 twice then ok: %d attempts", rq[0].attempts);
	CHECK(rq[1].ok && rq[1].attempts == 2, "429 with an HTTP-date Retry-After, then ok: %d",
	    rq[1].attempts);
	CHECK(rq[2].ok && rq[2].attempts == 3 && rq[2].status == 200, "500 twice then ok: %d",
	    rq[2].attempts);
	CHECK(!rq[3].ok && rq[3].attempts == 4 && rq[3].status == 503 &&
	    strstr(rq[3].error, ": HTTP 503 (after 4 attempts)") != NULL,
	    "503 always: gives up after 1+3 tries: %s", rq[3].error);
	CHECK(!rq[4].ok && rq[4].attempts == 1 && strstr(rq[4].error, "/404/e: HTTP 404") != NULL,
	    "404 is not retried: %s", rq[4].error);
	CHECK(!rq[5].ok && rq[5].attempts == 4 &&
	    strstr(rq[5].error, "/hang/f: timed out after 1.5 s (after 4 attempts)") != NULL,
	    "a hang ends in a timeout: %s", rq[5].error);
	/* curl itself retries once when a reused connection turns out dead. */
	CHECK(rq[6].ok && rq[6].attempts >= 2 && rq[6].attempts <= 3,
	    "reset twice then ok: %d attempts: %s",
	    rq[6].attempts, rq[6].error);
	CHECK(!rq[7].ok && rq[7].attempts == 1 && strstr(rq[7].error, "not an HTTP reply") != NULL,
	    "garbage is an error, not retried: %s", rq[7].error);
	CHECK(rq[8].ok && rq[8].status == 200 && rq[8].len == 3000 &&
	    memcmp(rq[8].data, want + 1000, 3000) == 0 && rq[8].total_size == wlen,
	    "a server ignoring Range: the slice is cut from the 200 (total %llu)",
	    (unsigned long long)rq[8].total_size);
	CHECK(rq[13].ok && rq[13].len == 10 && memcmp(rq[13].data, want + wlen - 10, 10) == 0,
	    "a 200 slice past the end is short");
	CHECK(!rq[9].ok && strstr(rq[9].error, "asked for bytes 0-99, got Content-Range 10-19")
	    != NULL, "a wrong Content-Range is refused: %s", rq[9].error);
	CHECK(!rq[10].ok && strstr(rq[10].error, "over the limit of 1048576") != NULL &&
	    rq[10].attempts == 1, "max_bytes stops a big body: %s", rq[10].error);
	CHECK(rq[11].ok && strcmp(rq[11].data, "POST application/json\n{\"q\":1}") == 0,
	    "POST with a JSON body, content type and extra header: %s", rq[11].error);
	CHECK(!rq[12].ok && rq[12].attempts == 1 && strstr(rq[12].error, "Retry-After 3600") != NULL,
	    "Retry-After an hour: give up at once: %s", rq[12].error);
	for (i = 0; i < 14; i++)
		CHECK(strstr(rq[i].error, "SECRET") == NULL, "no secret in error %zu", i);
	for (i = 0; i < 14; i++)
		http_req_clear(&rq[i]);

	/* Retry-After is waited for: seconds, and an HTTP-date (whole seconds). */
	snprintf(u[0], sizeof u[0], "%s/429/2/q", base);
	snprintf(u[1], sizeof u[1], "%s/429date/1/r", base);
	rq[0].url = u[0];
	t0 = mono();
	nf = http_fetch(h, rq, 1);
	t1 = mono() - t0;
	CHECK(nf == 0 && rq[0].attempts == 3 && t1 >= 2.0 && t1 < 10.0,
	    "Retry-After: 1 twice: %.2f s (backoff alone would be 0.15 s)", t1);
	http_req_clear(&rq[0]);
	rq[0].url = u[1];
	t0 = mono();
	nf = http_fetch(h, rq, 1);
	t1 = mono() - t0;
	CHECK(nf == 0 && rq[0].attempts == 2 && t1 >= 0.9 && t1 < 10.0,
	    "Retry-After as an HTTP-date: %.2f s", t1);
	http_req_clear(&rq[0]);

	/* Compressed JSON arrives decoded, and total_size is the decoded length. */
	snprintf(u[0], sizeof u[0], "%s/gzip/p", base);
	rq[0].url = u[0];
	nf = http_fetch(h, rq, 1);
	CHECK(nf == 0 && rq[0].len == 20901 && rq[0].total_size == 20901 &&
	    strncmp(rq[0].data, "{\"items\":[{\"n\":0},", 18) == 0 &&
	    strcmp(rq[0].data + rq[0].len - 12, "{\"n\":1999}]}") == 0,
	    "gzip body decoded: %zu bytes, total_size %llu", rq[0].len,
	    (unsigned long long)rq[0].total_size);
	http_req_clear(&rq[0]);

	/* Two batches on one handle: the second reuses the first one's connection. */
	snprintf(u[0], sizeof u[0], "%s/peer/n", base);
	rq[0].url = u[0];
	http_fetch(h, rq, 1);
	snprintf(u[1], sizeof u[1], "%s", rq[0].data ? rq[0].data : "none");
	http_fetch(h, rq, 1);
	CHECK(rq[0].ok && strcmp(u[1], rq[0].data) == 0,
	    "the connection is reused across http_fetch calls (port %s, then %s)", u[1],
	    rq[0].data ? rq[0].data : rq[0].error);
	http_req_clear(&rq[0]);
	http_free(h);

	/* A transfer that stalls under 1 KiB/s ends on the low-speed limit. */
	{
		struct http_opts o;
		struct http_stats st;

		http_opts_default(&o);
		o.low_speed_time = 1;
		o.max_retries = 0;
		h = http_new(&o);
		snprintf(u[0], sizeof u[0], "%s/trickle/o", base);
		rq[0].url = u[0];
		nf = http_fetch(h, rq, 1);
		CHECK(nf == 1 && strstr(rq[0].error, "/trickle/o: stalled: under 1 KiB/s for 1 s")
		    != NULL && rq[0].attempts == 1, "a stalled transfer: %s", rq[0].error);
		http_stats(h, &st);
		CHECK(st.requests == 1 && st.bytes >= 1 && st.bytes < 20,
		    "stats: %llu request, %llu bytes", (unsigned long long)st.requests,
		    (unsigned long long)st.bytes);
		http_req_clear(&rq[0]);
		http_free(h);
	}
	free(want);
}

int
main(void)
{
	const char *url = getenv("S2VL_TEST_URL"), *file = getenv("S2VL_TEST_FILE");
	const char *flaky = getenv("S2VL_TEST_FLAKY");

	offline();
	if (url != NULL && file != NULL)
		online_nginx(url, file);
	if (flaky != NULL && file != NULL)
		online_flaky(flaky, file);
	if (flaky != NULL && url != NULL && file != NULL)
		online_redirect(flaky, url, file);
	if (getenv("S2VL_TEST_H2_URL") != NULL && file != NULL)
		online_h2(getenv("S2VL_TEST_H2_URL"), file);
	UNIT_DONE();
}
