/*
 * safechars.h - names that need no escaping anywhere they go: as a file name
 * and inside a URL.  They hold only ASCII letters, digits, '.', '_' and '-'
 * (POSIX's portable filename character set).
 *
 *	if (!safechars_only(token)) refuse();
 *	n = safechars_span("mapbox/satellite-v9");	// 6: up to the '/'
 */
#ifndef SAFECHARS_H
#define SAFECHARS_H

#include <stddef.h>

/* Length of the leading run of such characters. */
size_t safechars_span(const char *s);
/* 1 if s is not empty and holds nothing else. */
int safechars_only(const char *s);

#endif
