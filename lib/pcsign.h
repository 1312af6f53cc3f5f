/*
 * pcsign.h - Planetary Computer SAS signing of asset hrefs: a cache of one
 * token per (token service, collection), fetched from {sas_url}/token/{collection}
 * and reused until 60 s before its msft:expiry, as the PC SDK does.
 *
 *	struct pcsign_opts o = { .sas_url = "https://.../api/sas/v1" };
 *	struct pcsign *ps = pcsign_new(http, &o);
 *	struct pcsign_href hs[2] = {{ .collection = "sentinel-2-l2a", .href = a },
 *	    { .collection = "sentinel-2-l2a", .href = b }};
 *	pcsign_sign(ps, hs, 2);		// at most one token request per collection
 *	if (hs[0].out) use(hs[0].out); else puts(hs[0].error);
 *	pcsign_href_clear(&hs[0]); ...
 *	pcsign_free(ps);
 *
 * Only hrefs whose host matches the signing hosts (default Azure Blob Storage,
 * ".blob.core.windows.net") get a token; others come back unchanged.  Tokens
 * are secrets: nothing here prints one, and messages name URLs through
 * http_redact.  Not thread-safe: one thread per cache (it uses the http client).
 */
#ifndef PCSIGN_H
#define PCSIGN_H

#include <stddef.h>

struct http;

#define PCSIGN_DEFAULT_SAS_URL "https://planetarycomputer.microsoft.com/api/sas/v1"
#define PCSIGN_DEFAULT_HOSTS ".blob.core.windows.net"

struct pcsign_opts {
	const char *sas_url;	/* token service (default PCSIGN_DEFAULT_SAS_URL) */
	const char *hosts;	/* comma-separated host suffixes (default PCSIGN_DEFAULT_HOSTS) */
	int replace;		/* 1: drop an href's query string before signing;
				   0: append the token after it with '&' */
	/* Called once per failed token request with "token for C: why" (no secret). */
	void (*warn)(void *arg, const char *msg);
	void *warn_arg;
};

struct pcsign_href {
	const char *collection;	/* in */
	const char *sas_url;	/* in: NULL for the cache's token service */
	const char *href;	/* in */
	char *out;		/* out: malloc'd signed href (a copy when not a signing
				   host), NULL on failure */
	int is_signed;		/* out: a token was added */
	char expiry[40];	/* out: msft:expiry of the token used */
	char error[256];	/* out: why out is NULL */
};

struct pcsign *pcsign_new(struct http *h, const struct pcsign_opts *o);
void pcsign_free(struct pcsign *ps);

/* Sign n hrefs; tokens missing or within 60 s of expiry are fetched at once,
 * one request per (service, collection).  Returns the number that failed. */
int pcsign_sign(struct pcsign *ps, struct pcsign_href *hs, size_t n);
void pcsign_href_clear(struct pcsign_href *h);	/* frees out, keeps the inputs */

/* 1 if href is http(s) on one of the signing hosts. */
int pcsign_host_match(const struct pcsign *ps, const char *href);
/* Copy of href without its query string, malloc'd (NULL on OOM). */
char *pcsign_strip(const char *href);
/* 0 if hosts is a usable suffix list ("a.b,.c"), else -1. */
int pcsign_hosts_valid(const char *hosts);

/* The signing options every tool that signs takes, for its getopt_long table. */
enum { PCSIGN_OPT_SIGN = 0x1080, PCSIGN_OPT_SAS_URL, PCSIGN_OPT_SIGN_HOSTS };
#define PCSIGN_LONGOPTS \
	{ "sign", required_argument, 0, PCSIGN_OPT_SIGN }, \
	{ "sas-url", required_argument, 0, PCSIGN_OPT_SAS_URL }, \
	{ "sign-hosts", required_argument, 0, PCSIGN_OPT_SIGN_HOSTS }

/* Apply one of those options: --sign sets *sign, the others fill o.  NULL when
 * ch is applied, else why arg is refused (for a usage error). */
const char *pcsign_option(struct pcsign_opts *o, int *sign, int ch, const char *arg);

#endif
