/* unit.h - the smallest test harness: CHECK prints "ok - ..." or "not ok - ...". */
#ifndef UNIT_H
#define UNIT_H
#include <stdio.h>
#include <math.h>

static int unit_failed;

/* The condition is evaluated once: it may call functions with side effects. */
#define CHECK(cond, ...) do { \
	int unit_ok_ = (cond) ? 1 : 0; \
	printf(unit_ok_ ? "ok - " : "not ok - "); \
	if (!unit_ok_) unit_failed = 1; \
	printf(__VA_ARGS__); \
	if (!unit_ok_) printf("\n#   %s:%d: %s", __FILE__, __LINE__, #cond); \
	printf("\n"); \
} while (0)

#define CHECK_NEAR(a, b, tol, ...) CHECK(fabs((double)(a) - (double)(b)) <= (tol), __VA_ARGS__)

#define UNIT_DONE() return unit_failed
#endif
