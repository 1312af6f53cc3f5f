/*
 * safechars.c - letters, digits, '.', '_' and '-' only (see safechars.h).
 */
#include <string.h>

#include "safechars.h"

/* Spelled out: isalnum() would follow the locale. */
static const char safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";

size_t
safechars_span(const char *s)
{
	return strspn(s, safe);
}

int
safechars_only(const char *s)
{
	return *s != '\0' && s[safechars_span(s)] == '\0';
}
