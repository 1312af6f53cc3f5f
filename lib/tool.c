/*
 * tool.c - the plumbing every filter shares: options, messages, rejects,
 * progress line and exit status.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "spool.h"
#include "tool.h"

double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
tool_init(struct tool *t, const char *name, const char *usage)
{
	memset(t, 0, sizeof *t);
	t->name = name;
	t->usage = usage;
	t->jobs = 1;
	t->max_retries = 4;
	t->timeout = 120;
	t->in = stdin;
	t->out = stdout;
	t->progress = isatty(STDERR_FILENO);
	t->t_start = now_seconds();
}

static void
clear_progress(struct tool *t)
{
	if (t->progress_shown) {
		fputs("\r\033[K", stderr);
		t->progress_shown = 0;
	}
}

static void
vmsg(struct tool *t, const char *f, va_list ap)
{
	clear_progress(t);
	fprintf(stderr, "%s: ", t->name);
	vfprintf(stderr, f, ap);
	fputc('\n', stderr);
}

void
tool_warn(struct tool *t, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vmsg(t, f, ap);
	va_end(ap);
}

_Noreturn void
tool_fatal(struct tool *t, const char *f, ...)
{
	va_list ap;

	/* Whatever was done already reaches the next stage. */
	fflush(t->out);
	va_start(ap, f);
	vmsg(t, f, ap);
	va_end(ap);
	if (t->rejects && t->rejects != stderr)
		fclose(t->rejects);
	exit(2);
}

_Noreturn void
tool_usage_error(struct tool *t, const char *f, ...)
{
	va_list ap;

	if (f) {
		va_start(ap, f);
		vmsg(t, f, ap);
		va_end(ap);
	}
	fprintf(stderr, "%s", t->usage);
	exit(2);
}

int
parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end != '\0' || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

int
parse_double_pair(const char *s, double *a, double *b)
{
	const char *comma = s ? strchr(s, ',') : NULL;
	char first[64];

	if (comma == NULL || (size_t)(comma - s) >= sizeof first)
		return -1;
	memcpy(first, s, (size_t)(comma - s));
	first[comma - s] = '\0';
	return parse_double(first, a) || parse_double(comma + 1, b) ? -1 : 0;
}

int
tool_option(struct tool *t, int ch, const char *arg)
{
	long v;

	switch (ch) {
	case 'h':
		fputs(t->usage, stdout);
		exit(0);
	case OPT_VERSION:
		printf("%s (s2vl) %s\n", t->name, S2VL_VERSION);
		exit(0);
	case 'q':
		t->quiet = 1;
		t->progress = 0;
		return 1;
	case OPT_PROGRESS:
		t->progress = 1;
		return 1;
	case OPT_REJECTS:
		t->rejects_path = arg;
		return 1;
	case OPT_SPOOL:
		t->spool_dir = arg;
		return 1;
	case 'j':
		if (parse_long(arg, 1, 1024, &v))
			tool_usage_error(t, "-j: expected a number of jobs in 1..1024, got '%s'", arg);
		t->jobs = (int)v;
		return 1;
	case OPT_MAX_RETRIES:
		if (parse_long(arg, 0, 100, &v))
			tool_usage_error(t, "--max-retries: expected 0..100, got '%s'", arg);
		t->max_retries = (int)v;
		return 1;
	case OPT_TIMEOUT:
		if (parse_double(arg, &t->timeout) || !(t->timeout > 0) || t->timeout > 3600)
			tool_usage_error(t, "--timeout: expected seconds in (0, 3600], got '%s'", arg);
		return 1;
	case '?':
		tool_usage_error(t, NULL);
	default:
		return 0;
	}
}

static int
mkdirs(const char *path)
{
	char buf[4096];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, 0777) && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(buf, 0777) && errno != EEXIST ? -1 : 0;
}

void
tool_start(struct tool *t, int argc, char **argv)
{
	struct stat in, rj;

	if (argc > 0)
		tool_usage_error(t, "unexpected operand '%s'", argv[0]);
	if (t->quiet)
		t->progress = 0;
	t->rejects = stderr;
	if (t->rejects_path) {
		/* Rerunning a rejects file into itself would truncate the input. */
		if (fstat(fileno(t->in), &in) == 0 && stat(t->rejects_path, &rj) == 0 &&
		    in.st_dev == rj.st_dev && in.st_ino == rj.st_ino && S_ISREG(in.st_mode))
			tool_usage_error(t, "--rejects %s: is also the input; name another file",
			    t->rejects_path);
		t->rejects = fopen(t->rejects_path, "w");
		if (t->rejects == NULL) {
			t->rejects = stderr;
			tool_fatal(t, "--rejects %s: %s", t->rejects_path, strerror(errno));
		}
	}
	if (t->spool_dir && mkdirs(t->spool_dir))
		tool_fatal(t, "--spool %s: %s", t->spool_dir, strerror(errno));
	rec_reader_init(&t->rd, t->in, "stdin");
}

void
tool_progress(struct tool *t, int force)
{
	double now, dt;

	if (!t->progress)
		return;
	now = now_seconds();
	if (!force && now - t->t_last_progress < 0.25)
		return;
	t->t_last_progress = now;
	dt = now - t->t_start;
	fprintf(stderr, "\r\033[K%s: %llu in, %llu out, %llu rejected, %.1f/s", t->name,
	    (unsigned long long)t->n_in, (unsigned long long)t->n_out,
	    (unsigned long long)t->n_rejected, dt > 0 ? (double)t->n_in / dt : 0.0);
	if (t->bytes_fetched)
		fprintf(stderr, ", %.1f MB fetched", (double)t->bytes_fetched / 1e6);
	fflush(stderr);
	t->progress_shown = 1;
}

enum rec_status
tool_read(struct tool *t, struct rec *r, char *err, size_t errlen)
{
	enum rec_status st = rec_read(&t->rd, r, err, errlen);

	if (st == REC_OK && spool_load(r, err, errlen)) {
		rec_as_read(r);
		st = REC_BAD;
	}
	if (st == REC_OK || st == REC_BAD)
		t->n_in++;
	if (st == REC_OK)
		tool_progress(t, 0);
	return st;
}

int
tool_next(struct tool *t, struct rec *r)
{
	char err[1024];

	for (;;)
		switch (tool_read(t, r, err, sizeof err)) {
		case REC_EOF:
			rec_free(r);
			return 0;
		case REC_FATAL:
			/* Like the end of input, so that a tool holding a batch still
			 * finishes and emits it; tool_finish then exits 2. */
			rec_free(r);
			tool_warn(t, "%s: %s", t->rd.name, err);
			t->fatal = 1;
			return 0;
		case REC_BAD:
			tool_reject(t, r, "%s", err);
			continue;
		case REC_OK:
			return 1;
		}
}

void
tool_emit(struct tool *t, struct rec *r)
{
	char err[512];

	errno = 0;
	if (t->spool_dir && spool_store(r, t->spool_dir, t->name, err, sizeof err)) {
		rec_free(r);
		tool_fatal(t, "stdout: %s", err);
	}
	if (rec_write(t->out, r, NULL, err, sizeof err)) {
		rec_free(r);
		tool_fatal(t, "stdout: %s", err);
	}
	rec_free(r);
	t->n_out++;
	tool_progress(t, 0);
}

void
tool_reject(struct tool *t, struct rec *r, const char *f, ...)
{
	struct rec_write_opts o = { t->rejects == stderr };
	const char *id;
	char msg[1024], err[512];
	va_list ap;

	va_start(ap, f);
	vsnprintf(msg, sizeof msg, f, ap);
	va_end(ap);
	if (r->json == NULL)
		r->json = json_object();
	json_object_set_new(r->json, "error", json_pack("{s:s, s:s}", "tool", t->name,
	    "message", msg));
	clear_progress(t);
	if (t->rejects != stderr && !t->quiet) {
		id = json_string_value(json_object_get(r->json, "poi_id"));
		fprintf(stderr, "%s: record %lld%s%s%s: %s\n", t->name, r->number,
		    id ? " (" : "", id ? id : "", id ? ")" : "", msg);
	}
	errno = 0;
	if (rec_write(t->rejects, r, &o, err, sizeof err) || fflush(t->rejects)) {
		rec_free(r);
		tool_fatal(t, "%s: %s", t->rejects_path ? t->rejects_path : "stderr", err);
	}
	rec_free(r);
	t->n_rejected++;
	tool_progress(t, 0);
}

int
tool_finish(struct tool *t)
{
	int rc = t->fatal ? 2 : t->n_rejected ? 1 : 0;

	tool_progress(t, 1);
	if (t->progress_shown) {
		fputc('\n', stderr);
		t->progress_shown = 0;
	}
	rec_reader_free(&t->rd);
	if (fflush(t->out) || ferror(t->out) || fclose(t->out)) {
		fprintf(stderr, "%s: stdout: write error: %s\n", t->name,
		    strerror(errno ? errno : EIO));
		rc = 2;
	}
	if (t->rejects && t->rejects != stderr && fclose(t->rejects)) {
		fprintf(stderr, "%s: %s: %s\n", t->name, t->rejects_path, strerror(errno));
		rc = 2;
	}
	if (t->n_rejected && !t->quiet)
		fprintf(stderr, "%s: %llu of %llu records rejected%s%s\n", t->name,
		    (unsigned long long)t->n_rejected, (unsigned long long)t->n_in,
		    t->rejects_path ? ", see " : "", t->rejects_path ? t->rejects_path : "");
	return rc;
}

struct http *
tool_http(struct tool *t, int max_parallel)
{
	struct http_opts o;
	struct http *h;

	http_opts_default(&o);
	o.max_retries = t->max_retries;
	o.timeout = t->timeout;
	/* A short --timeout bounds every phase, not only the whole transfer. */
	if (o.connect_timeout > t->timeout)
		o.connect_timeout = t->timeout;
	if (o.low_speed_time > t->timeout)
		o.low_speed_time = t->timeout;
	if (max_parallel > 0)
		o.max_parallel = max_parallel;
	if ((h = http_new(&o)) == NULL)
		tool_fatal(t, "cannot set up the HTTP client (libcurl)");
	return h;
}
