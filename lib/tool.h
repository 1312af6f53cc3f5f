/*
 * tool.h - what every filter shares: common options, messages, rejects,
 * progress and exit status (DESIGN.md section 4).
 *
 * Calling sequence in a tool's main():
 *
 *	static struct option longopts[] = { TOOL_LONGOPTS, {"size", 1, 0, 's'}, ... };
 *	struct tool t;
 *	tool_init(&t, "stretch", usage_text);
 *	while ((ch = getopt_long(argc, argv, "hqj:s:", longopts, NULL)) != -1) {
 *		if (tool_option(&t, ch, optarg)) continue;	// -h, -q, --rejects ...
 *		switch (ch) { ... default: tool_usage_error(&t, NULL); }
 *	}
 *	tool_start(&t);				// opens rejects, spool, progress
 *	while (tool_next(&t, &r)) {		// REC_BAD records are rejected for you
 *		if (bad) { tool_reject(&t, &r, "window: %s", why); continue; }
 *		tool_emit(&t, &r);		// writes and frees r
 *	}
 *	return tool_finish(&t);			// 0, 1 (some rejected) or 2
 *
 * Messages go to stderr as "tool: what: why".  tool_fatal flushes what was
 * done and exits 2.
 */
#ifndef TOOL_H
#define TOOL_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include "rec.h"

/* Long-only option codes shared by every tool (short ones are -h, -q, -j). */
enum {
	OPT_VERSION = 0x1000, OPT_PROGRESS, OPT_REJECTS, OPT_SPOOL, OPT_MAX_RETRIES,
	OPT_TIMEOUT,
	OPT_TOOL_FIRST = 0x1100	/* tools number their own long options from here */
};

#define TOOL_LONGOPTS \
	{ "help", no_argument, 0, 'h' }, \
	{ "version", no_argument, 0, OPT_VERSION }, \
	{ "quiet", no_argument, 0, 'q' }, \
	{ "progress", no_argument, 0, OPT_PROGRESS }, \
	{ "rejects", required_argument, 0, OPT_REJECTS }, \
	{ "spool", required_argument, 0, OPT_SPOOL }

/* Network tools add these: -j N, --max-retries N and --timeout S. */
#define TOOL_NET_LONGOPTS \
	{ "jobs", required_argument, 0, 'j' }, \
	{ "max-retries", required_argument, 0, OPT_MAX_RETRIES }, \
	{ "timeout", required_argument, 0, OPT_TIMEOUT }

struct tool {
	const char *name;
	const char *usage;	/* synopsis + options, printed by -h */
	int quiet, progress;
	int jobs;		/* -j, default set by the tool before parsing */
	int max_retries;	/* --max-retries, default 4 */
	double timeout;		/* --timeout: seconds for one transfer (default 120) */
	const char *rejects_path;
	const char *spool_dir;
	FILE *rejects;
	FILE *in, *out;
	struct rec_reader rd;
	uint64_t n_in, n_out, n_rejected;
	uint64_t bytes_fetched;	/* tools that fetch add to this for the progress line */
	double t_start, t_last_progress;
	int progress_shown;
	int fatal;		/* the input stream broke: exit 2 at the end */
};

void tool_init(struct tool *t, const char *name, const char *usage);
/* Handle a common option; 1 if it was one of ours. */
int tool_option(struct tool *t, int ch, const char *arg);
/* Print "name: msg" and the synopsis to stderr, exit 2. */
_Noreturn void tool_usage_error(struct tool *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* After option parsing: reject stray operands, open the rejects file and spool folder. */
void tool_start(struct tool *t, int argc, char **argv);

/* Next good record from stdin, 0 at the end.  Rejects REC_BAD records itself.  A
 * stream that cannot be followed ends the input like EOF after saying why, so that
 * records already read (a batch in flight) are still finished and emitted;
 * tool_finish then returns 2. */
int tool_next(struct tool *t, struct rec *r);
/* The read under tool_next, for tools that keep bad records in their batch: the
 * next record with its spooled rasters loaded (REC_BAD, record as read, when one
 * does not load), counted and shown in the progress line. */
enum rec_status tool_read(struct tool *t, struct rec *r, char *err, size_t errlen);
/* Write r to stdout (payloads inline or spooled) and free it. */
void tool_emit(struct tool *t, struct rec *r);
/* Send r to the rejects with {"tool","message"} under "error", and free it. */
void tool_reject(struct tool *t, struct rec *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Close outputs and say how it went: 0, 1 if anything was rejected, 2 on write errors. */
int tool_finish(struct tool *t);

void tool_warn(struct tool *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void tool_fatal(struct tool *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Redraw the progress line if due (called by tool_next/tool_emit too). */
void tool_progress(struct tool *t, int force);

/* Strict number parsing for options: whole string, in range; 0 ok, -1 bad. */
int parse_long(const char *s, long min, long max, long *out);
int parse_double(const char *s, double *out);
/* "a,b" into two doubles; 0 ok. */
int parse_double_pair(const char *s, double *a, double *b);

double now_seconds(void);	/* monotonic clock */

/* The HTTP client of a network tool, from -j (max_parallel, when > 0),
 * --max-retries and --timeout; exits 2 if libcurl cannot be set up. */
struct http *tool_http(struct tool *t, int max_parallel);

#endif
