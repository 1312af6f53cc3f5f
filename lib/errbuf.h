/*
 * errbuf.h - the library's one way of reporting why: functions take a caller's
 * buffer (char *err, size_t errlen) and fill it with a short reason, which the
 * tool prints as "tool: what: why".
 */
#ifndef ERRBUF_H
#define ERRBUF_H

#include <stddef.h>

/* printf into err (a NULL err or zero errlen is allowed and ignored); returns -1
 * so that a failing function can end with "return errf(err, errlen, ...)". */
int errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Why one piece of work (a record in a batch) failed.  Only the first reason is
 * kept: it is the cause, and what fails after it is its consequence.
 */
struct failure {
	int failed;
	char why[1024];
};

void failure_set(struct failure *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
