/*
 * http.c - fetch many URLs at once over libcurl's multi interface, with
 * retries, backoff, range checks and a size guard; local files and file://
 * URLs take the same path through pread so tools run offline.
 *
 * One struct http owns a multi handle and a share handle that live across
 * http_fetch calls, so connections, DNS answers and TLS sessions are reused
 * from one batch to the next.  Nothing here is global except the one-time
 * curl_global_init.
 *
 * TLS peers are checked against the system's CA bundle, or against the file
 * named by CURL_CA_BUNDLE or SSL_CERT_FILE when set (as curl(1) does): for
 * proxies that re-sign traffic, and for tests against a local HTTPS server.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "http.h"

#ifndef S2VL_VERSION
#define S2VL_VERSION "dev"
#endif

#define DEFAULT_MAX_BYTES	((uint64_t)1 << 30)
#define ERROR_BODY_MAX		(64 * 1024)	/* keep this much of an error page */
#define BACKOFF_MAX		60.0		/* seconds, before jitter */
#define RETRY_AFTER_MAX		600.0		/* longer asks fail at once */

struct http {
	struct http_opts o;
	CURLM *multi;
	CURLSH *share;
	struct http_stats st;
	uint64_t rng;		/* jitter only: never reaches any output */
	char *ca_file;		/* CURL_CA_BUNDLE or SSL_CERT_FILE, else NULL */
	CURL **idle;		/* easy handles kept for the next transfers */
	size_t nidle;
};

/* One request in flight or waiting for its next try. */
struct xfer {
	struct http_req *rq;
	CURL *easy;
	struct curl_slist *hdrs;
	double ready_at;	/* monotonic time the next try may start */
	int state;		/* X_WAIT, X_RUN, X_DONE */
	char errbuf[CURL_ERROR_SIZE];

	/* per attempt, reset by attempt_reset() */
	long status;		/* of the last status line seen */
	int is_range;		/* a range was asked */
	int slicing;		/* server ignored the range: cut it from a 200 */
	int slice_done;		/* we stopped the transfer after the slice */
	int too_big;
	int cr_bad;		/* Content-Range missing or not what we asked */
	uint64_t cr_start, cr_end, cr_total;
	int cr_have, cr_total_known;
	uint64_t clen;		/* Content-Length, or UINT64_MAX */
	uint64_t seen;		/* body bytes of this response so far */
	uint64_t limit;		/* max bytes kept */
	char *buf;
	size_t len, cap;
};

enum { X_WAIT, X_RUN, X_DONE };

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_init_ok;

static void
curl_init_once(void)
{
	curl_init_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* xorshift64*: jitter only, so the seed may vary from run to run. */
static double
rand01(struct http *h)
{
	h->rng ^= h->rng >> 12;
	h->rng ^= h->rng << 25;
	h->rng ^= h->rng >> 27;
	return ((h->rng * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}

void
http_opts_default(struct http_opts *o)
{
	memset(o, 0, sizeof *o);
	o->max_retries = 4;
	o->connect_timeout = 15;
	o->timeout = 120;
	o->low_speed_time = 30;
	o->max_parallel = 32;
	o->backoff_base = 0.5;
	o->user_agent = "s2vl/" S2VL_VERSION;
}

struct http *
http_new(const struct http_opts *o)
{
	struct http *h;
	struct timespec ts;
	const char *ca;

	pthread_once(&curl_once, curl_init_once);
	if (!curl_init_ok)
		return NULL;
	if ((h = calloc(1, sizeof *h)) == NULL)
		return NULL;
	if (o != NULL)
		h->o = *o;
	else
		http_opts_default(&h->o);
	/* Zero fields mean "the default" so callers may fill only what they need. */
	if (h->o.max_retries < 0)
		h->o.max_retries = 0;
	if (h->o.connect_timeout <= 0)
		h->o.connect_timeout = 15;
	if (h->o.timeout <= 0)
		h->o.timeout = 120;
	if (h->o.low_speed_time <= 0)
		h->o.low_speed_time = 30;
	if (h->o.max_parallel <= 0)
		h->o.max_parallel = 32;
	if (h->o.backoff_base < 0)
		h->o.backoff_base = 0.5;
	if (h->o.user_agent == NULL)
		h->o.user_agent = "s2vl/" S2VL_VERSION;

	if ((h->multi = curl_multi_init()) == NULL ||
	    (h->idle = calloc((size_t)h->o.max_parallel, sizeof *h->idle)) == NULL) {
		if (h->multi != NULL)
			curl_multi_cleanup(h->multi);
		free(h);
		return NULL;
	}
	curl_multi_setopt(h->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)h->o.max_parallel);
	curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, (long)h->o.max_parallel * 2);
	/* DNS and TLS sessions shared; the multi handle keeps the connection cache. */
	if ((h->share = curl_share_init()) != NULL) {
		curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
		curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	}
	if ((ca = getenv("CURL_CA_BUNDLE")) != NULL || (ca = getenv("SSL_CERT_FILE")) != NULL)
		if (*ca != '\0' && (h->ca_file = strdup(ca)) == NULL) {
			http_free(h);
			return NULL;
		}
	clock_gettime(CLOCK_REALTIME, &ts);
	h->rng = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^
	    ((uint64_t)getpid() << 40) ^ (uintptr_t)h;
	if (h->rng == 0)
		h->rng = 0x9E3779B97F4A7C15ULL;
	return h;
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	while (h->nidle > 0)
		curl_easy_cleanup(h->idle[--h->nidle]);
	free(h->idle);
	curl_multi_cleanup(h->multi);
	if (h->share != NULL)
		curl_share_cleanup(h->share);
	free(h->ca_file);
	free(h);
}

void
http_stats(const struct http *h, struct http_stats *s)
{
	*s = h->st;
}

void
http_req_clear(struct http_req *rq)
{
	free(rq->data);
	rq->data = NULL;
	rq->len = 0;
	rq->ok = 0;
	rq->status = 0;
	rq->total_size = 0;
	rq->attempts = 0;
	rq->error[0] = '\0';
}

int
http_is_remote(const char *url)
{
	return url != NULL && (strncasecmp(url, "http://", 7) == 0 ||
	    strncasecmp(url, "https://", 8) == 0);
}

static int
is_file_url(const char *url)
{
	return strncasecmp(url, "file://", 7) == 0;
}

void
http_redact(const char *url, char *out, size_t outlen)
{
	const char *p, *auth, *q, *at, *end;
	size_t n;
	int cut;

	if (outlen == 0)
		return;
	if (url == NULL)
		url = "(null)";
	/* Plain paths are not URLs: a '?' there is part of a file name. */
	if ((p = strstr(url, "://")) == NULL) {
		snprintf(out, outlen, "%s", url);
		return;
	}
	auth = p + 3;
	end = auth + strcspn(auth, "/?#");
	/* user:password@ in the authority is a secret as well. */
	at = NULL;
	for (q = auth; q < end; q++)
		if (*q == '@')
			at = q;
	q = end + strcspn(end, "?#");
	cut = *q != '\0';
	out[0] = '\0';
	if (at != NULL) {
		snprintf(out, outlen, "%.*s...%.*s", (int)(auth - url), url,
		    (int)(q - at), at);
	} else
		snprintf(out, outlen, "%.*s", (int)(q - url), url);
	if (cut) {
		n = strlen(out);
		snprintf(out + n, outlen - n, "?...");
	}
}

/* The "url: " prefix of messages, kept short enough to leave room for the why. */
static void
set_error(struct http_req *rq, const char *fmt, ...)
{
	char u[512], why[200];
	va_list ap;

	http_redact(rq->url, u, sizeof u);
	if (strlen(u) > 150)
		memcpy(u + 147, "...", 4);
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	snprintf(rq->error, sizeof rq->error, "%.150s: %.100s", u, why);
}

/* ---- local files ---- */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* file:///p, file://localhost/p -> /p with %XX decoded; NULL if not a local URL. */
static char *
file_url_path(const char *url)
{
	const char *p = url + 7, *s;
	char *out, *o;

	if (strncasecmp(p, "localhost/", 10) == 0)
		p += 9;
	if (*p != '/')
		return NULL;
	if ((out = malloc(strlen(p) + 1)) == NULL)
		return NULL;
	for (s = p, o = out; *s != '\0' && *s != '?' && *s != '#'; s++) {
		if (*s == '%' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
			*o++ = (char)(hexval(s[1]) * 16 + hexval(s[2]));
			s += 2;
		} else
			*o++ = *s;
	}
	*o = '\0';
	return out;
}

static void
fetch_local(struct http *h, struct http_req *rq)
{
	char *path = NULL;
	const char *p;
	struct stat sb;
	uint64_t start = 0, want, maxb;
	size_t got = 0;
	ssize_t r;
	int fd;

	rq->attempts = 1;
	h->st.requests++;
	maxb = rq->max_bytes ? rq->max_bytes : DEFAULT_MAX_BYTES;
	if (is_file_url(rq->url)) {
		if ((path = file_url_path(rq->url)) == NULL) {
			set_error(rq, "only file:///absolute/path URLs are supported");
			return;
		}
		p = path;
	} else
		p = rq->url;
	if ((fd = open(p, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			rq->status = 404;
		else if (errno == EACCES)
			rq->status = 403;
		set_error(rq, "%s", strerror(errno));
		free(path);
		return;
	}
	free(path);
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		set_error(rq, "%s", S_ISDIR(sb.st_mode) ? strerror(EISDIR) :
		    "not a regular file");
		close(fd);
		return;
	}
	rq->status = 200;
	rq->total_size = (uint64_t)sb.st_size;
	if (rq->range_len > 0) {
		start = rq->range_start;
		want = start >= (uint64_t)sb.st_size ? 0 :
		    (uint64_t)sb.st_size - start;
		if (want > rq->range_len)
			want = rq->range_len;
	} else
		want = (uint64_t)sb.st_size;
	if (want > maxb || want >= SIZE_MAX) {
		set_error(rq, "body of %llu bytes is over the limit of %llu",
		    (unsigned long long)want, (unsigned long long)maxb);
		close(fd);
		return;
	}
	if ((rq->data = malloc((size_t)want + 1)) == NULL) {
		set_error(rq, "out of memory for %llu bytes", (unsigned long long)want);
		close(fd);
		return;
	}
	while (got < want) {
		r = pread(fd, rq->data + got, (size_t)want - got, (off_t)(start + got));
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			set_error(rq, "%s", strerror(errno));
			close(fd);
			free(rq->data);
			rq->data = NULL;
			return;
		}
		if (r == 0)	/* shrank under us: return what exists */
			break;
		got += (size_t)r;
	}
	close(fd);
	rq->data[got] = '\0';
	rq->len = got;
	rq->ok = 1;
	h->st.bytes += got;
}

/* ---- network ---- */

static void
attempt_reset(struct xfer *x)
{
	x->status = 0;
	x->slicing = x->slice_done = x->too_big = x->cr_bad = 0;
	x->cr_have = x->cr_total_known = 0;
	x->cr_start = x->cr_end = x->cr_total = 0;
	x->clen = UINT64_MAX;
	x->seen = 0;
	x->len = 0;
	x->errbuf[0] = '\0';
}

/* "bytes a-b/N", "bytes a-b/(star)" or "bytes (star)/N". */
static void
parse_content_range(struct xfer *x, const char *v)
{
	unsigned long long a, b, n;
	char *e;

	while (*v == ' ' || *v == '\t')
		v++;
	if (strncasecmp(v, "bytes", 5) != 0)
		return;
	v += 5;
	while (*v == ' ' || *v == '\t')
		v++;
	if (*v == '*') {
		v++;
	} else {
		errno = 0;
		a = strtoull(v, &e, 10);
		if (e == v || *e != '-' || errno)
			return;
		v = e + 1;
		b = strtoull(v, &e, 10);
		if (e == v || errno || b < a)
			return;
		v = e;
		x->cr_start = a;
		x->cr_end = b;
		x->cr_have = 1;
	}
	if (*v != '/')
		return;
	v++;
	if (*v == '*')
		return;
	n = strtoull(v, &e, 10);
	if (e != v && errno == 0) {
		x->cr_total = n;
		x->cr_total_known = 1;
	}
}

static size_t
on_header(char *buf, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n;
	char line[512], *v;
	unsigned long long cl;
	char *e;

	if (len >= sizeof line)	/* long headers (cookies...) do not concern us */
		return len;
	memcpy(line, buf, len);
	line[len] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	if (strncmp(line, "HTTP/", 5) == 0) {
		/* A new response (redirect, 100 Continue): forget the last one. */
		uint64_t lim = x->limit;

		attempt_reset(x);
		x->limit = lim;
		if ((v = strchr(line, ' ')) != NULL)
			x->status = strtol(v + 1, NULL, 10);
		return len;
	}
	if ((v = strchr(line, ':')) == NULL)
		return len;
	*v++ = '\0';
	while (*v == ' ' || *v == '\t')
		v++;
	if (strcasecmp(line, "Content-Range") == 0)
		parse_content_range(x, v);
	else if (strcasecmp(line, "Content-Length") == 0) {
		errno = 0;
		cl = strtoull(v, &e, 10);
		if (e != v && errno == 0)
			x->clen = cl;
	}
	return len;
}

static int
grow(struct xfer *x, size_t need)
{
	size_t cap;
	char *nb;

	if (need <= x->cap)
		return 0;
	cap = x->cap ? x->cap : 16384;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if ((nb = realloc(x->buf, cap)) == NULL)
		return -1;
	x->buf = nb;
	x->cap = cap;
	return 0;
}

static size_t
on_body(char *buf, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	struct http_req *rq = x->rq;
	size_t len = size * n, off = 0, take = len;
	uint64_t lo, hi, pos;

	pos = x->seen;
	x->seen += len;
	if (x->status == 200 && x->is_range) {
		/* The server ignored Range: keep only our slice, stop after it. */
		x->slicing = 1;
		lo = rq->range_start;
		hi = rq->range_start + rq->range_len;
		if (pos + len <= lo)
			return len;
		off = pos < lo ? (size_t)(lo - pos) : 0;
		take = len - off;
		if (pos + off + take > hi)
			take = (size_t)(hi - pos - off);
		if (grow(x, x->len + take + 1) == -1)
			return 0;
		memcpy(x->buf + x->len, buf + off, take);
		x->len += take;
		if (pos + len >= hi) {
			x->slice_done = 1;
			return 0;	/* abort: we have what we asked for */
		}
		return len;
	}
	if (x->status < 200 || x->status > 299) {
		/* An error page: keep its start for the caller, drop the rest. */
		if (x->len >= ERROR_BODY_MAX)
			return len;
		if (take > ERROR_BODY_MAX - x->len)
			take = ERROR_BODY_MAX - x->len;
	} else if (x->len + take > x->limit) {
		x->too_big = 1;
		return 0;
	}
	if (grow(x, x->len + take + 1) == -1)
		return 0;
	memcpy(x->buf + x->len, buf, take);
	x->len += take;
	return len;
}

static int
is_retry_status(long s)
{
	return s == 408 || s == 429 || (s >= 500 && s <= 599 && s != 501 && s != 505);
}

static int
is_retry_code(CURLcode c)
{
	switch (c) {
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SSL_CONNECT_ERROR:
		return 1;
	default:
		return 0;
	}
}

/* An easy handle from the pool, or a new one.  NULL when curl has no memory. */
static CURL *
easy_get(struct http *h)
{
	if (h->nidle > 0)
		return h->idle[--h->nidle];
	return curl_easy_init();
}

/*
 * Back to the pool: at most max_parallel are kept, so a huge batch costs no
 * more.  Reset at once, so that no idle handle points into a finished batch
 * (error buffer, callbacks' data).
 */
static void
easy_put(struct http *h, CURL *e)
{
	if (e == NULL)
		return;
	if (h->idle != NULL && h->nidle < (size_t)h->o.max_parallel) {
		curl_easy_reset(e);
		h->idle[h->nidle++] = e;
	} else
		curl_easy_cleanup(e);
}

static int
start_xfer(struct http *h, struct xfer *x)
{
	struct http_req *rq = x->rq;
	const char *const *hp;
	const char *method;
	char range[64], ct[256];
	CURL *e;

	attempt_reset(x);
	x->is_range = rq->range_len > 0;
	x->limit = rq->max_bytes ? rq->max_bytes : DEFAULT_MAX_BYTES;
	if (x->is_range && rq->range_len < x->limit)
		x->limit = rq->range_len;
	if ((x->easy = easy_get(h)) == NULL)
		return -1;
	e = x->easy;
	curl_slist_free_all(x->hdrs);
	x->hdrs = NULL;

	curl_easy_setopt(e, CURLOPT_URL, rq->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)(h->o.connect_timeout * 1000));
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(h->o.timeout * 1000));
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME,
	    h->o.low_speed_time < 1 ? 1L : (long)(h->o.low_speed_time + 0.5));
	curl_easy_setopt(e, CURLOPT_USERAGENT, h->o.user_agent);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	if (h->ca_file != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, h->ca_file);
	if (h->share != NULL)
		curl_easy_setopt(e, CURLOPT_SHARE, h->share);
	if (x->is_range) {
		snprintf(range, sizeof range, "%llu-%llu",
		    (unsigned long long)rq->range_start,
		    (unsigned long long)(rq->range_start + rq->range_len - 1));
		curl_easy_setopt(e, CURLOPT_RANGE, range);
	} else {
		/* Compressed JSON is welcome; never on ranges, whose bytes must be raw. */
		curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	}

	method = rq->method;
	if (method == NULL)
		method = rq->body != NULL ? "POST" : "GET";
	if (rq->body != NULL) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, rq->body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(rq->body));
		snprintf(ct, sizeof ct, "Content-Type: %s",
		    rq->content_type ? rq->content_type : "application/json");
		x->hdrs = curl_slist_append(x->hdrs, ct);
		x->hdrs = curl_slist_append(x->hdrs, "Expect:");
	}
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, rq->body != NULL ? "POST" : "GET") != 0)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	for (hp = rq->headers; hp != NULL && *hp != NULL; hp++)
		x->hdrs = curl_slist_append(x->hdrs, *hp);
	if (x->hdrs != NULL)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->hdrs);

	rq->attempts++;
	h->st.requests++;
	if (curl_multi_add_handle(h->multi, e) != CURLM_OK) {
		easy_put(h, e);
		x->easy = NULL;
		return -1;
	}
	x->state = X_RUN;
	return 0;
}

/* Why a transfer failed, in words; no URL (set_error adds it). */
static void
describe_curl_error(struct http *h, struct xfer *x, CURLcode c, char *out, size_t outlen)
{
	long oserr = 0;

	switch (c) {
	case CURLE_COULDNT_CONNECT:
		curl_easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &oserr);
		if (oserr == ECONNREFUSED)
			snprintf(out, outlen, "connection refused");
		else
			snprintf(out, outlen, "cannot connect%s%s",
			    oserr ? ": " : "", oserr ? strerror((int)oserr) : "");
		return;
	case CURLE_COULDNT_RESOLVE_HOST:
		snprintf(out, outlen, "cannot resolve host");
		return;
	case CURLE_OPERATION_TIMEDOUT:
		if (strstr(x->errbuf, "too slow") != NULL)
			snprintf(out, outlen, "stalled: under 1 KiB/s for %g s",
			    h->o.low_speed_time);
		else if (strncmp(x->errbuf, "Connection timed out", 20) == 0 ||
		    strncmp(x->errbuf, "Connection time-out", 19) == 0)
			snprintf(out, outlen, "connect timed out after %g s",
			    h->o.connect_timeout);
		else
			snprintf(out, outlen, "timed out after %g s", h->o.timeout);
		return;
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		curl_easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &oserr);
		if (oserr == ECONNRESET || strstr(x->errbuf, "reset") != NULL)
			snprintf(out, outlen, "connection reset");
		else
			snprintf(out, outlen, "%.150s", x->errbuf[0] ? x->errbuf :
			    curl_easy_strerror(c));
		return;
	case CURLE_GOT_NOTHING:
		snprintf(out, outlen, "connection closed without a reply");
		return;
	case CURLE_PARTIAL_FILE:
		snprintf(out, outlen, "connection closed after %llu bytes of the body",
		    (unsigned long long)x->seen);
		return;
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_UNSUPPORTED_PROTOCOL:
		if (strstr(x->errbuf, "HTTP/0.9") != NULL ||
		    strstr(x->errbuf, "header") != NULL || c == CURLE_WEIRD_SERVER_REPLY) {
			snprintf(out, outlen, "not an HTTP reply (%.150s)",
			    x->errbuf[0] ? x->errbuf : curl_easy_strerror(c));
			return;
		}
		break;
	default:
		break;
	}
	snprintf(out, outlen, "%.150s", x->errbuf[0] ? x->errbuf : curl_easy_strerror(c));
}

/* Seconds to wait before the next try. */
static double
backoff(struct http *h, struct xfer *x, double retry_after)
{
	double d = h->o.backoff_base;
	int i;

	for (i = 1; i < x->rq->attempts && d < BACKOFF_MAX; i++)
		d *= 2;
	if (d > BACKOFF_MAX)
		d = BACKOFF_MAX;
	/* Jitter in [d/2, d): many clients hit by one outage do not return together. */
	d = d / 2 + rand01(h) * d / 2;
	if (retry_after > d)
		d = retry_after;
	return d;
}

static void
take_body(struct xfer *x)
{
	struct http_req *rq = x->rq;

	free(rq->data);
	if (x->buf == NULL && grow(x, 1) == -1) {
		rq->data = NULL;
		rq->len = 0;
		return;
	}
	x->buf[x->len] = '\0';
	rq->data = x->buf;
	rq->len = x->len;
	x->buf = NULL;
	x->cap = x->len = 0;
}

/*
 * A transfer ended: decide between done (ok or not) and another try.
 * Returns 1 when the request is finished.
 */
static int
judge_xfer(struct http *h, struct xfer *x, CURLcode c)
{
	struct http_req *rq = x->rq;
	char why[200];
	curl_off_t ra = -1;
	double retry_after = 0;
	int retry = 0, last = rq->attempts > h->o.max_retries;
	uint64_t want_end;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &rq->status);
	if (rq->status == 0)
		rq->status = x->status;
	curl_multi_remove_handle(h->multi, x->easy);
	h->st.bytes += x->seen;
	why[0] = '\0';

	if (x->slice_done)	/* we cut the transfer short on purpose */
		c = CURLE_OK;
	if (c != CURLE_OK) {
		if (x->too_big)
			snprintf(why, sizeof why, "body over the limit of %llu bytes",
			    (unsigned long long)x->limit);
		else {
			describe_curl_error(h, x, c, why, sizeof why);
			retry = is_retry_code(c);
		}
	} else if (rq->status < 200 || rq->status > 299) {
		snprintf(why, sizeof why, "HTTP %ld", rq->status);
		retry = is_retry_status(rq->status);
		if (rq->status == 429 || rq->status == 503) {
			if (curl_easy_getinfo(x->easy, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK &&
			    ra > 0) {
				retry_after = (double)ra;
				if (retry_after > RETRY_AFTER_MAX) {
					snprintf(why, sizeof why, "HTTP %ld, Retry-After %lld s",
					    rq->status, (long long)ra);
					retry = 0;
				}
			}
		}
		if (rq->status == 416 && x->is_range && x->cr_total_known &&
		    rq->range_start >= x->cr_total) {
			/* Past the end, as with local files: nothing there, not an error. */
			rq->total_size = x->cr_total;
			x->len = 0;
			take_body(x);
			rq->ok = 1;
			return 1;
		}
	} else if (x->is_range && rq->status == 206) {
		want_end = rq->range_start + rq->range_len - 1;
		if (!x->cr_have)
			snprintf(why, sizeof why, "206 reply without a Content-Range");
		else if (x->cr_start != rq->range_start || x->cr_end > want_end ||
		    (x->cr_end < want_end && !(x->cr_total_known &&
		    x->cr_end + 1 == x->cr_total)))
			snprintf(why, sizeof why,
			    "asked for bytes %llu-%llu, got Content-Range %llu-%llu",
			    (unsigned long long)rq->range_start,
			    (unsigned long long)want_end,
			    (unsigned long long)x->cr_start, (unsigned long long)x->cr_end);
		else if (x->len != x->cr_end - x->cr_start + 1)
			snprintf(why, sizeof why, "Content-Range says %llu bytes, got %zu",
			    (unsigned long long)(x->cr_end - x->cr_start + 1), x->len);
		if (x->cr_total_known)
			rq->total_size = x->cr_total;
	} else if (x->is_range && rq->status == 200) {
		/* Range ignored: the whole body's length is the resource's size. */
		if (x->clen != UINT64_MAX)
			rq->total_size = x->clen;
		else if (!x->slice_done)
			rq->total_size = x->seen;
	} else if (x->is_range) {
		snprintf(why, sizeof why, "HTTP %ld to a range request", rq->status);
	} else {
		/* The whole body: its decoded length (Content-Length may be gzip's). */
		rq->total_size = x->len;
	}

	if (why[0] == '\0') {
		take_body(x);
		rq->ok = 1;
		rq->error[0] = '\0';
		return 1;
	}
	if (retry && !last) {
		x->state = X_WAIT;
		x->ready_at = mono() + backoff(h, x, retry_after);
		return 0;
	}
	take_body(x);
	rq->ok = 0;
	if (rq->attempts > 1) {
		size_t n = strlen(why);

		snprintf(why + n, sizeof why - n, " (after %d attempts)", rq->attempts);
	}
	set_error(rq, "%s", why);
	return 1;
}

/* judge_xfer, then the handle goes back to the pool (retries take another). */
static int
finish_xfer(struct http *h, struct xfer *x, CURLcode c)
{
	int fin = judge_xfer(h, x, c);

	easy_put(h, x->easy);
	x->easy = NULL;
	curl_slist_free_all(x->hdrs);
	x->hdrs = NULL;
	if (fin) {
		free(x->buf);
		x->buf = NULL;
		x->cap = x->len = 0;
	}
	return fin;
}

int
http_fetch(struct http *h, struct http_req *reqs, size_t n)
{
	struct xfer *xs;
	size_t i, j, done = 0, running = 0, fresh = 0, *retry, nretry = 0;
	int failed = 0, still, msgs;
	double now, wait;
	CURLMsg *m;

	for (i = 0; i < n; i++) {
		free(reqs[i].data);
		reqs[i].data = NULL;
		reqs[i].len = 0;
		reqs[i].ok = 0;
		reqs[i].status = 0;
		reqs[i].total_size = 0;
		reqs[i].attempts = 0;
		reqs[i].error[0] = '\0';
	}
	xs = calloc(n ? n : 1, sizeof *xs);
	retry = calloc(n ? n : 1, sizeof *retry);
	if (xs == NULL || retry == NULL) {
		free(xs);
		free(retry);
		for (i = 0; i < n; i++)
			set_error(&reqs[i], "out of memory");
		return (int)n;
	}
	for (i = 0; i < n; i++) {
		xs[i].rq = &reqs[i];
		xs[i].state = X_WAIT;
		if (reqs[i].url == NULL) {
			reqs[i].url = "(null)";
			set_error(&reqs[i], "no URL");
			reqs[i].url = NULL;
			xs[i].state = X_DONE;
			done++;
		} else if (reqs[i].range_len > 0 &&
		    reqs[i].range_len - 1 > UINT64_MAX - reqs[i].range_start) {
			set_error(&reqs[i], "range %llu+%llu is past 2^64",
			    (unsigned long long)reqs[i].range_start,
			    (unsigned long long)reqs[i].range_len);
			xs[i].state = X_DONE;
			done++;
		} else if (!http_is_remote(reqs[i].url)) {
			if (strstr(reqs[i].url, "://") != NULL && !is_file_url(reqs[i].url))
				set_error(&reqs[i], "unsupported URL scheme");
			else
				fetch_local(h, &reqs[i]);
			xs[i].state = X_DONE;
			done++;
		}
	}

	/*
	 * Requests start in input order, up to max_parallel at once; one due for
	 * a retry goes before those never tried.  Retries wait in their own short
	 * list, so a batch of many thousands costs no scan per wake-up.
	 */
	while (done < n) {
		now = mono();
		for (i = j = 0; i < nretry; i++) {
			struct xfer *x = &xs[retry[i]];

			if (running >= (size_t)h->o.max_parallel || x->ready_at > now) {
				retry[j++] = retry[i];
				continue;
			}
			if (start_xfer(h, x) == -1) {
				set_error(x->rq, "cannot start the transfer");
				x->state = X_DONE;
				done++;
			} else
				running++;
		}
		nretry = j;
		for (; fresh < n && running < (size_t)h->o.max_parallel; fresh++) {
			if (xs[fresh].state != X_WAIT)
				continue;
			if (start_xfer(h, &xs[fresh]) == -1) {
				set_error(xs[fresh].rq, "cannot start the transfer");
				xs[fresh].state = X_DONE;
				done++;
			} else
				running++;
		}
		if (running > 0) {
			curl_multi_perform(h->multi, &still);
			while ((m = curl_multi_info_read(h->multi, &msgs)) != NULL) {
				struct xfer *x;
				char *priv = NULL;

				if (m->msg != CURLMSG_DONE)
					continue;
				curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
				x = (struct xfer *)priv;
				running--;
				if (finish_xfer(h, x, m->data.result)) {
					x->state = X_DONE;
					done++;
				} else
					retry[nretry++] = (size_t)(x - xs);
			}
		}
		if (done == n)
			break;
		/* Sleep until a retry is due, or curl has something to do. */
		wait = 1.0;
		if (running < (size_t)h->o.max_parallel) {
			now = mono();
			while (fresh < n && xs[fresh].state != X_WAIT)
				fresh++;
			if (fresh < n)
				wait = 0;
			for (i = 0; i < nretry; i++)
				if (xs[retry[i]].ready_at - now < wait)
					wait = xs[retry[i]].ready_at - now;
		}
		if (wait <= 0)
			continue;
		if (running > 0)
			curl_multi_poll(h->multi, NULL, 0, (int)(wait * 1000) + 1, NULL);
		else {
			struct timespec ts;

			ts.tv_sec = (time_t)wait;
			ts.tv_nsec = (long)((wait - ts.tv_sec) * 1e9);
			nanosleep(&ts, NULL);
		}
	}

	for (i = 0; i < n; i++) {
		easy_put(h, xs[i].easy);
		curl_slist_free_all(xs[i].hdrs);
		free(xs[i].buf);
		if (!reqs[i].ok)
			failed++;
	}
	free(xs);
	free(retry);
	return failed;
}
