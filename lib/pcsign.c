/*
 * pcsign.c - Planetary Computer SAS token cache and href signing (see pcsign.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "http.h"
#include "pcsign.h"
#include "stac.h"
#include "url.h"

struct token {
	char *sas_url, *collection, *token;
	char expiry_s[40];
	double expiry;
};

struct pcsign {
	struct http *h;
	char *sas_url, *hosts;
	int replace;
	void (*warn)(void *, const char *);
	void *warn_arg;
	struct token *t;
	size_t nt;
};

struct pcsign *
pcsign_new(struct http *h, const struct pcsign_opts *o)
{
	struct pcsign *ps = calloc(1, sizeof *ps);

	if (ps == NULL)
		return NULL;
	ps->h = h;
	ps->sas_url = strdup(o && o->sas_url ? o->sas_url : PCSIGN_DEFAULT_SAS_URL);
	ps->hosts = strdup(o && o->hosts ? o->hosts : PCSIGN_DEFAULT_HOSTS);
	ps->replace = o ? o->replace : 0;
	ps->warn = o ? o->warn : NULL;
	ps->warn_arg = o ? o->warn_arg : NULL;
	if (ps->sas_url == NULL || ps->hosts == NULL) {
		pcsign_free(ps);
		return NULL;
	}
	return ps;
}

void
pcsign_free(struct pcsign *ps)
{
	if (ps == NULL)
		return;
	for (size_t i = 0; i < ps->nt; i++) {
		free(ps->t[i].sas_url);
		free(ps->t[i].collection);
		free(ps->t[i].token);
	}
	free(ps->t);
	free(ps->sas_url);
	free(ps->hosts);
	free(ps);
}

void
pcsign_href_clear(struct pcsign_href *h)
{
	free(h->out);
	h->out = NULL;
	h->is_signed = 0;
	h->expiry[0] = h->error[0] = '\0';
}

char *
pcsign_strip(const char *href)
{
	return strndup(href, strcspn(href, "?"));
}

/* The host of an http(s) URL, without userinfo and port: [*h, *h + *n). */
static int
url_host(const char *u, const char **h, size_t *n)
{
	const char *a, *e, *p;

	if (strncasecmp(u, "https://", 8) == 0)
		a = u + 8;
	else if (strncasecmp(u, "http://", 7) == 0)
		a = u + 7;
	else
		return -1;
	e = a + strcspn(a, "/?#");
	for (p = a; p < e; p++)
		if (*p == '@')
			a = p + 1;
	for (p = e; p > a && p[-1] >= '0' && p[-1] <= '9'; p--)
		;
	if (p > a && p[-1] == ':')
		e = p - 1;
	*h = a;
	*n = (size_t)(e - a);
	return *n > 0 ? 0 : -1;
}

/* Suffix ".x.y" matches any host ending so; "x.y" matches x.y or *.x.y. */
static int
suffix_match(const char *h, size_t n, const char *s, size_t sn)
{
	if (sn == 0 || sn > n || strncasecmp(h + n - sn, s, sn) != 0)
		return 0;
	return s[0] == '.' || sn == n || h[n - sn - 1] == '.';
}

int
pcsign_host_match(const struct pcsign *ps, const char *href)
{
	const char *h, *s = ps->hosts;
	size_t n, sn;

	if (href == NULL || url_host(href, &h, &n) < 0)
		return 0;
	for (; *s; s += sn + (s[sn] == ',')) {
		sn = strcspn(s, ",");
		if (suffix_match(h, n, s, sn))
			return 1;
	}
	return 0;
}

int
pcsign_hosts_valid(const char *hosts)
{
	const char *s = hosts;
	size_t sn;

	if (*s == '\0')
		return -1;
	for (; *s; s += sn + (s[sn] == ',')) {
		sn = strcspn(s, ",");
		if (sn == 0 || strcspn(s, "/?#@: \t") < sn || (sn == 1 && *s == '.'))
			return -1;
		if (s[sn] == ',' && s[sn + 1] == '\0')
			return -1;
	}
	return 0;
}

static struct token *
token_find(struct pcsign *ps, const char *sas, const char *coll)
{
	for (size_t i = 0; i < ps->nt; i++)
		if (strcmp(ps->t[i].collection, coll) == 0 && strcmp(ps->t[i].sas_url, sas) == 0)
			return &ps->t[i];
	return NULL;
}

/* Usable without a refresh until 60 s before msft:expiry (as the PC SDK). */
static int
token_fresh(const struct token *tk)
{
	return tk != NULL && tk->token != NULL && (double)time(NULL) < tk->expiry - 60;
}

static void
warnf(struct pcsign *ps, const char *fmt, const char *a, const char *b)
{
	char msg[1024];

	if (ps->warn == NULL)
		return;
	snprintf(msg, sizeof msg, fmt, a, b);
	ps->warn(ps->warn_arg, msg);
}

/* Fetch, all at once, the tokens the signing hosts among hs need. */
static int
fetch_tokens(struct pcsign *ps, struct pcsign_href *hs, size_t n)
{
	struct http_req *rq = calloc(n, sizeof *rq);
	size_t *tks = calloc(n, sizeof *tks);	/* indexes into ps->t */
	size_t i, j, k = 0;

	if (rq == NULL || tks == NULL) {
		free(rq);
		free(tks);
		return -1;
	}
	for (i = 0; i < n; i++) {
		const char *sas = hs[i].sas_url ? hs[i].sas_url : ps->sas_url;
		struct token *tk, *nt;
		char *tail;

		if (hs[i].collection == NULL || !pcsign_host_match(ps, hs[i].href))
			continue;
		tk = token_find(ps, sas, hs[i].collection);
		if (token_fresh(tk))
			continue;
		for (j = 0; tk != NULL && j < k && tks[j] != (size_t)(tk - ps->t); j++)
			;
		if (tk != NULL && j < k)
			continue;
		if (tk == NULL) {
			if ((nt = realloc(ps->t, (ps->nt + 1) * sizeof *nt)) == NULL)
				goto oom;
			ps->t = nt;
			tk = &ps->t[ps->nt];
			memset(tk, 0, sizeof *tk);
			if ((tk->sas_url = strdup(sas)) == NULL ||
			    (tk->collection = strdup(hs[i].collection)) == NULL) {
				free(tk->sas_url);
				goto oom;
			}
			ps->nt++;
		}
		if (asprintf(&tail, "token/%s", tk->collection) < 0)
			goto oom;
		rq[k].url = url_join(tk->sas_url, tail);
		free(tail);
		if (rq[k].url == NULL)
			goto oom;
		rq[k].max_bytes = 1 << 20;
		tks[k++] = (size_t)(tk - ps->t);
	}
	if (k > 0)
		http_fetch(ps->h, rq, k);
	for (i = 0; i < k; i++) {
		struct token *tk = &ps->t[tks[i]];
		json_t *doc = NULL;
		const char *tok, *exp;
		char red[400];
		double e;

		free(tk->token);
		tk->token = NULL;
		if (!rq[i].ok) {
			/* rq.error names the URL without its query; never the body. */
			warnf(ps, "token for %s: %s", tk->collection, rq[i].error);
		} else if ((doc = json_loadb(rq[i].data, rq[i].len, 0, NULL)) == NULL ||
		    (tok = json_string_value(json_object_get(doc, "token"))) == NULL ||
		    (exp = json_string_value(json_object_get(doc, "msft:expiry"))) == NULL ||
		    stac_time_parse(exp, &e) != 0) {
			http_redact(rq[i].url, red, sizeof red);
			warnf(ps, "token for %s: %s: answer lacks token or msft:expiry",
			    tk->collection, red);
		} else if ((tk->token = strdup(tok)) != NULL) {
			snprintf(tk->expiry_s, sizeof tk->expiry_s, "%s", exp);
			tk->expiry = e;
		}
		json_decref(doc);
		http_req_clear(&rq[i]);
		free((char *)rq[i].url);
	}
	free(rq);
	free(tks);
	return 0;
oom:
	for (i = 0; i < k; i++)
		free((char *)rq[i].url);
	free(rq);
	free(tks);
	return -1;
}

int
pcsign_sign(struct pcsign *ps, struct pcsign_href *hs, size_t n)
{
	int fails = 0, oom = fetch_tokens(ps, hs, n) < 0;

	for (size_t i = 0; i < n; i++) {
		struct pcsign_href *h = &hs[i];
		const char *sas = h->sas_url ? h->sas_url : ps->sas_url;
		struct token *tk;
		size_t bl;

		pcsign_href_clear(h);
		if (h->href == NULL) {
			snprintf(h->error, sizeof h->error, "no href");
			fails++;
			continue;
		}
		if (!pcsign_host_match(ps, h->href)) {
			if ((h->out = strdup(h->href)) == NULL) {
				snprintf(h->error, sizeof h->error, "out of memory");
				fails++;
			}
			continue;
		}
		if (h->collection == NULL) {
			snprintf(h->error, sizeof h->error, "no collection to sign for");
			fails++;
			continue;
		}
		tk = token_find(ps, sas, h->collection);
		/* Just fetched, a short-lived token is still good for this batch. */
		if (oom || tk == NULL || tk->token == NULL || (double)time(NULL) >= tk->expiry) {
			snprintf(h->error, sizeof h->error, "no SAS token for collection %s",
			    h->collection);
			fails++;
			continue;
		}
		bl = ps->replace ? strcspn(h->href, "?") : strlen(h->href);
		if (asprintf(&h->out, "%.*s%c%s", (int)bl, h->href,
		    h->href[bl] == '?' ? '&' : '?', tk->token) < 0) {
			h->out = NULL;
			snprintf(h->error, sizeof h->error, "out of memory");
			fails++;
			continue;
		}
		h->is_signed = 1;
		snprintf(h->expiry, sizeof h->expiry, "%s", tk->expiry_s);
	}
	return fails;
}

const char *
pcsign_option(struct pcsign_opts *o, int *sign, int ch, const char *arg)
{
	static char why[160];

	switch (ch) {
	case PCSIGN_OPT_SIGN:
		if (strcmp(arg, "planetary-computer") != 0) {
			snprintf(why, sizeof why, "--sign: only planetary-computer is known, "
			    "got '%.80s'", arg);
			return why;
		}
		*sign = 1;
		return NULL;
	case PCSIGN_OPT_SAS_URL:
		if (!http_is_remote(arg)) {
			snprintf(why, sizeof why, "--sas-url: expected an http(s) URL, got '%.80s'",
			    arg);
			return why;
		}
		o->sas_url = arg;
		return NULL;
	case PCSIGN_OPT_SIGN_HOSTS:
		if (pcsign_hosts_valid(arg) < 0) {
			snprintf(why, sizeof why, "--sign-hosts: expected host suffixes separated "
			    "by commas, got '%.80s'", arg);
			return why;
		}
		o->hosts = arg;
		return NULL;
	default:
		return "not a signing option";
	}
}
