/*
 * stac-query - find the best Sentinel-2 scene for each point of interest.
 *
 * Reads POI records (lon, lat), searches a STAC API (POST /search, following
 * next links) or walks a static catalog, keeps the items whose footprint holds
 * the whole bbox around the point, picks the clearest (or latest) one and adds
 * "scene" with the asset hrefs and encodings cog-read needs.  -j N points are
 * searched at once; output keeps input order.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "geo.h"
#include "http.h"
#include "pcsign.h"
#include "rec.h"
#include "stac.h"
#include "tool.h"
#include "url.h"

#define DEFAULT_STAC_URL "https://earth-search.aws.element84.com/v1"
#define DEFAULT_SAS_URL PCSIGN_DEFAULT_SAS_URL
#define MAX_PAGES 1000		/* per point: a server that never stops paging */
#define MAX_ASSETS 64

static const char usage[] =
"usage: stac-query [-hq] [-j N] [--stac-url URL | --catalog URL-or-path]\n"
"                  [--collection ID] [--datetime A/B | --days N [--until DATE]]\n"
"                  [--bbox-km KM] [--use-bbox] [--max-cloud PCT]\n"
"                  [--pick clearest|latest] [--allow-partial] [--max-items N]\n"
"                  [--limit N] [--assets LIST] [--sign planetary-computer]\n"
"                  [--sas-url URL] [--sign-hosts SUFFIXES] [--timeout S]\n"
"                  [--no-fields] [--max-retries N]\n"
"                  [--rejects FILE] [--progress] [< pois] [> scenes]\n"
"  --stac-url URL     STAC API root (default " DEFAULT_STAC_URL ")\n"
"  --catalog SRC      walk a static catalog (file, folder path or URL) instead\n"
"  --collection ID    collection to search (default sentinel-2-l2a)\n"
"  --datetime A/B     RFC 3339 interval, '..' for an open end\n"
"  --days N           interval of N days up to --until (default 90)\n"
"  --until DATE       end of that interval (default today, UTC)\n"
"  --bbox-km KM       side of the square around the point (default 5)\n"
"  --use-bbox         send bbox instead of an intersects polygon\n"
"  --max-cloud PCT    keep items with eo:cloud_cover <= PCT (sent as query)\n"
"  --pick RULE        clearest (default: least cloud, then newest) or latest\n"
"  --allow-partial    accept items that cover only part of the bbox\n"
"  --max-items N      candidates to gather per point (default 100)\n"
"  --limit N          items per page asked for, 1..100 (default 100)\n"
"  --assets LIST      extra assets, comma separated (red,green,blue,visual,scl\n"
"                     always)\n"
"  --sign planetary-computer  append a SAS token to Azure asset hrefs\n"
"  --sas-url URL      token service (default " DEFAULT_SAS_URL ")\n"
"  --sign-hosts LIST  host suffixes that get a token (default " PCSIGN_DEFAULT_HOSTS ")\n"
"  --timeout S        seconds for one HTTP transfer (default 60)\n"
"  --no-fields        full items in searches even where the API takes \"fields\"\n"
"  -j N               points searched at once (default 8)\n"
"  --max-retries N    retries on 429, 5xx and timeouts (default 4)\n"
"  --rejects FILE     records without a scene go here (default stderr)\n"
"  -q, --progress, -h, --version\n";

enum {
	OPT_STAC_URL = OPT_TOOL_FIRST, OPT_CATALOG, OPT_COLLECTION, OPT_DATETIME,
	OPT_DAYS, OPT_UNTIL, OPT_BBOX_KM, OPT_USE_BBOX, OPT_MAX_CLOUD, OPT_PICK,
	OPT_ALLOW_PARTIAL, OPT_MAX_ITEMS, OPT_LIMIT, OPT_ASSETS, OPT_NO_FIELDS
};

static struct option longopts[] = {
	TOOL_LONGOPTS,
	TOOL_NET_LONGOPTS,
	{ "stac-url", required_argument, 0, OPT_STAC_URL },
	{ "catalog", required_argument, 0, OPT_CATALOG },
	{ "collection", required_argument, 0, OPT_COLLECTION },
	{ "datetime", required_argument, 0, OPT_DATETIME },
	{ "days", required_argument, 0, OPT_DAYS },
	{ "until", required_argument, 0, OPT_UNTIL },
	{ "bbox-km", required_argument, 0, OPT_BBOX_KM },
	{ "use-bbox", no_argument, 0, OPT_USE_BBOX },
	{ "max-cloud", required_argument, 0, OPT_MAX_CLOUD },
	{ "pick", required_argument, 0, OPT_PICK },
	{ "allow-partial", no_argument, 0, OPT_ALLOW_PARTIAL },
	{ "max-items", required_argument, 0, OPT_MAX_ITEMS },
	{ "limit", required_argument, 0, OPT_LIMIT },
	{ "assets", required_argument, 0, OPT_ASSETS },
	PCSIGN_LONGOPTS,
	{ "no-fields", no_argument, 0, OPT_NO_FIELDS },
	{ 0, 0, 0, 0 }
};

/* Everything the options decide. */
static struct {
	const char *stac_url, *catalog, *collection;
	struct pcsign_opts signing;	/* --sas-url, --sign-hosts */
	char datetime[192];	/* as sent: normalised RFC 3339 interval */
	double t0, t1;		/* the same interval, for local checks */
	double bbox_km, max_cloud;
	int use_bbox, allow_partial, sign, sortby, fields, no_fields;
	enum stac_pick pick;
	long max_items, limit;
	const char *assets[MAX_ASSETS];
	size_t nassets;
} O;

static struct tool T;
static struct http *H;

/* One point in flight. */
struct poi {
	struct rec r;
	int failed;		/* reason[] holds why */
	char reason[512];
	double bb[4];
	/* search state */
	int searching, pages;
	char *url;		/* next request */
	int post;
	json_t *body;		/* current POST body */
	json_t *items;		/* candidates, deduplicated by id */
	json_t *urls;		/* URL each candidate came from */
	json_t *seen;		/* ids already taken */
	long fetched;		/* features received, duplicates included */
	json_t *best;		/* the chosen item */
	char *best_url;		/* where it came from */
	size_t ncand, nqual;
	json_t *scene;
};

/* A static catalog, loaded once. */
static json_t *cat_items, *cat_urls;

/* ---- time options ---- */

static void
format_time(double t, char *buf, size_t n)
{
	time_t s = (time_t)floor(t);
	int ms = (int)lround((t - floor(t)) * 1000);
	struct tm tm;

	if (ms >= 1000) {
		s++;
		ms = 0;
	}
	gmtime_r(&s, &tm);
	if (ms)
		snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
	else
		snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void
set_interval(double a, double b)
{
	char sa[80] = "..", sb[80] = "..";

	if (!isinf(a))
		format_time(a, sa, sizeof sa);
	if (!isinf(b))
		format_time(b, sb, sizeof sb);
	snprintf(O.datetime, sizeof O.datetime, "%s/%s", sa, sb);
	O.t0 = a;
	O.t1 = b;
}

/* --days N before --until DATE (a bare date: to its end; default today, UTC). */
static void
days_interval(long days, const char *until)
{
	double a, b;
	char today[16];
	time_t now;
	struct tm tm;

	if (until == NULL) {
		now = time(NULL);
		gmtime_r(&now, &tm);
		strftime(today, sizeof today, "%Y-%m-%d", &tm);
		until = today;
	}
	if (strchr(until, '/') != NULL || stac_interval_parse(until, &a, &b))
		tool_usage_error(&T, "--until: expected a date (YYYY-MM-DD) or an RFC 3339 "
		    "time, got '%s'", until);
	/* A bare date counts whole: N days back from its midnight, up to its end. */
	set_interval(a - (double)days * 86400, b);
}

/* ---- helpers ---- */

static void
poi_fail(struct poi *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
poi_fail(struct poi *p, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(p->reason, sizeof p->reason, fmt, ap);
	va_end(ap);
	p->failed = 1;
	p->searching = 0;
}

static void
poi_clear(struct poi *p)
{
	free(p->url);
	json_decref(p->body);
	json_decref(p->items);
	json_decref(p->urls);
	json_decref(p->seen);
	json_decref(p->scene);
	json_decref(p->best);
	free(p->best_url);
	memset(p, 0, sizeof *p);
}

/* Earth Search sort extension: clearest or latest first. */
static json_t *
sortby_json(void)
{
	if (O.pick == STAC_PICK_CLEAREST)
		return json_pack("[{s:s,s:s},{s:s,s:s}]",
		    "field", "properties.eo:cloud_cover", "direction", "asc",
		    "field", "properties.datetime", "direction", "desc");
	return json_pack("[{s:s,s:s},{s:s,s:s}]",
	    "field", "properties.datetime", "direction", "desc",
	    "field", "properties.eo:cloud_cover", "direction", "asc");
}

static json_t *
search_body(const double bb[4])
{
	json_t *b = json_pack("{s:[s]}", "collections", O.collection);

	if (O.use_bbox)
		json_object_set_new(b, "bbox", json_pack("[f,f,f,f]", bb[0], bb[1], bb[2], bb[3]));
	else
		json_object_set_new(b, "intersects", stac_bbox_polygon(bb));
	json_object_set_new(b, "datetime", json_string(O.datetime));
	json_object_set_new(b, "limit", json_integer(O.limit));
	/* Earth Search v1 has no CQL2 filter (it ignores one): use the query extension. */
	if (!isnan(O.max_cloud))
		json_object_set_new(b, "query", json_pack("{s:{s:f}}", "eo:cloud_cover",
		    "lte", O.max_cloud));
	if (O.sortby)
		json_object_set_new(b, "sortby", sortby_json());
	/*
	 * Candidates need only footprint, time and cloud: an Earth Search item is
	 * ~30 KB, mostly assets, so a page of 100 costs 3 MB.  The chosen one is
	 * fetched whole afterwards (fetch_chosen).
	 */
	if (O.fields)
		json_object_set_new(b, "fields", json_pack("{s:[s,s,s,s,s,s,s,s,s],s:[s,s]}",
		    "include", "id", "type", "collection", "geometry", "bbox",
		    "properties.datetime", "properties.start_datetime",
		    "properties.end_datetime", "properties.eo:cloud_cover",
		    "exclude", "assets", "links"));
	return b;
}

static char *
redacted(const char *url)
{
	static char buf[512];

	http_redact(url, buf, sizeof buf);
	return buf;
}

/* Take one item as a candidate if it is new, of our collection and in the interval. */
static void
take_item(struct poi *p, json_t *it, const char *from)
{
	const char *id = json_string_value(json_object_get(it, "id"));
	const char *coll = json_string_value(json_object_get(it, "collection"));
	double t0, t1;

	if (!json_is_object(it) || id == NULL || json_object_get(p->seen, id) != NULL)
		return;
	json_object_set_new(p->seen, id, json_true());
	/* A server that ignores a parameter must not slip items past us. */
	if (coll != NULL && strcmp(coll, O.collection) != 0)
		return;
	if (stac_item_time(it, &t0, &t1) || t1 < O.t0 || t0 > O.t1)
		return;
	json_array_append(p->items, it);
	json_array_append_new(p->urls, json_string(from));
}

/* ---- STAC API search ---- */

/* Does the landing page list this item-search conformance class ("...#sort")? */
static int
conforms_to(const json_t *landing, const char *cls)
{
	const json_t *c = json_object_get(landing, "conformsTo");
	const size_t k = strlen(cls);
	size_t i;
	json_t *v;

	json_array_foreach(c, i, v) {
		const char *s = json_string_value(v);
		size_t n = s ? strlen(s) : 0;

		if (n >= k && strcmp(s + n - k, cls) == 0)
			return 1;
	}
	return 0;
}

/* Fetch the landing page once: does the API take sortby? */
static void
probe_landing(void)
{
	struct http_req rq = { 0 };
	json_t *j;
	json_error_t je;

	rq.url = O.stac_url;
	rq.max_bytes = 16 << 20;
	http_fetch(H, &rq, 1);
	if (!rq.ok) {
		tool_warn(&T, "landing page: %s; sortby not sent", rq.error);
	} else if ((j = json_loadb(rq.data, rq.len, 0, &je)) == NULL || !json_is_object(j)) {
		tool_warn(&T, "landing page: %s: not a JSON object; sortby not sent",
		    redacted(O.stac_url));
		json_decref(j);
	} else {
		O.sortby = conforms_to(j, "item-search#sort");
		O.fields = conforms_to(j, "item-search#fields") && !O.no_fields;
		json_decref(j);
	}
	http_req_clear(&rq);
}

/* The rel=next link of a page, or NULL. */
static json_t *
next_link(json_t *page)
{
	size_t i;
	json_t *l;

	json_array_foreach(json_object_get(page, "links"), i, l) {
		const char *rel = json_string_value(json_object_get(l, "rel"));

		if (rel && strcmp(rel, "next") == 0 &&
		    json_is_string(json_object_get(l, "href")))
			return l;
	}
	return NULL;
}

/* One page arrived for p: take its items, set up the next request or stop. */
static void
search_page(struct poi *p, struct http_req *rq)
{
	json_t *page, *feats, *f, *link, *lb;
	json_error_t je;
	const char *method;
	char *href;
	size_t i;

	p->pages++;
	if (!rq->ok) {
		poi_fail(p, "search: %s", rq->error);
		return;
	}
	page = json_loadb(rq->data, rq->len, 0, &je);
	if (page == NULL || !json_is_object(page)) {
		poi_fail(p, "search: %s: response is not JSON (%s, line %d)",
		    redacted(p->url), page ? "not an object" : je.text, je.line);
		json_decref(page);
		return;
	}
	feats = json_object_get(page, "features");
	if (!json_is_array(feats)) {
		poi_fail(p, "search: %s: response is not a STAC ItemCollection "
		    "(no features array)", redacted(p->url));
		json_decref(page);
		return;
	}
	json_array_foreach(feats, i, f)
		take_item(p, f, p->url);
	p->fetched += (long)json_array_size(feats);
	link = next_link(page);
	if (link == NULL || json_array_size(feats) == 0 || p->fetched >= O.max_items ||
	    p->pages >= MAX_PAGES) {
		p->searching = 0;
		json_decref(page);
		return;
	}
	/* Relative next hrefs resolve against the URL of this page. */
	href = url_resolve(p->url, json_string_value(json_object_get(link, "href")));
	method = json_string_value(json_object_get(link, "method"));
	if (method != NULL && strcasecmp(method, "POST") == 0) {
		/*
		 * Spec: merge=false sends the link's body as is.  Earth Search once
		 * answered a next body of only {"next": ...}; overlaying it on the
		 * previous body gives the same request whenever the server echoes
		 * everything, and the right one when it does not.
		 */
		char *prev, *cur;

		lb = json_object_get(link, "body");
		if (p->body == NULL)
			p->body = json_object();
		prev = json_dumps(p->body, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
		if (json_is_object(lb))
			json_object_update(p->body, lb);
		cur = json_dumps(p->body, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
		/* The very same request again (as sent, to 15 digits) would loop forever. */
		if (prev && cur && strcmp(prev, cur) == 0 && strcmp(href ? href : "", p->url) == 0) {
			free(href);
			href = NULL;
		}
		free(prev);
		free(cur);
		p->post = 1;
	} else {
		p->post = 0;
	}
	if (href == NULL || (!p->post && strcmp(href, p->url) == 0)) {
		/* No new request (or a GET to the very same URL). */
		free(href);
		p->searching = 0;
	} else {
		free(p->url);
		p->url = href;
	}
	json_decref(page);
}

static void
search_batch(struct poi *ps, size_t n)
{
	struct http_req *rq = calloc(n, sizeof *rq);
	size_t *who = calloc(n, sizeof *who), k, i;
	char **bodies = calloc(n, sizeof *bodies);
	struct http_stats st;

	if (rq == NULL || who == NULL || bodies == NULL)
		tool_fatal(&T, "out of memory");
	for (i = 0; i < n; i++) {
		struct poi *p = &ps[i];

		if (p->failed)
			continue;
		p->searching = 1;
		p->post = 1;
		p->body = search_body(p->bb);
		p->url = url_join(O.stac_url, "search");
	}
	for (;;) {
		for (i = 0, k = 0; i < n; i++) {
			struct poi *p = &ps[i];

			if (!p->searching)
				continue;
			memset(&rq[k], 0, sizeof rq[k]);
			rq[k].url = p->url;
			rq[k].max_bytes = 256 << 20;
			if (p->post) {
				bodies[k] = json_dumps(p->body, JSON_COMPACT | JSON_REAL_PRECISION(15));
				rq[k].method = "POST";
				rq[k].body = bodies[k];
			}
			who[k++] = i;
		}
		if (k == 0)
			break;
		http_fetch(H, rq, k);
		for (i = 0; i < k; i++) {
			search_page(&ps[who[i]], &rq[i]);
			http_req_clear(&rq[i]);
			free(bodies[i]);
			bodies[i] = NULL;
		}
	}
	http_stats(H, &st);
	T.bytes_fetched = st.bytes;
	free(rq);
	free(who);
	free(bodies);
}

/* ---- static catalog ---- */

/* Base for a document's relative links: an absolute http(s)/file self link, else
 * where it was read from. */
static const char *
doc_base(const json_t *doc, const char *from)
{
	size_t i;
	json_t *l;

	json_array_foreach(json_object_get(doc, "links"), i, l) {
		const char *rel = json_string_value(json_object_get(l, "rel"));
		const char *h = json_string_value(json_object_get(l, "href"));

		if (rel && h && strcmp(rel, "self") == 0 &&
		    (strncmp(h, "http://", 7) == 0 || strncmp(h, "https://", 8) == 0 ||
		    strncmp(h, "file://", 7) == 0))
			return h;
	}
	return from;
}

static void
cat_add(json_t *item, const char *from)
{
	const char *coll = json_string_value(json_object_get(item, "collection"));

	if (!json_is_object(item) || !json_is_string(json_object_get(item, "id")))
		return;
	if (coll != NULL && strcmp(coll, O.collection) != 0)
		return;
	json_array_append(cat_items, item);
	json_array_append_new(cat_urls, json_string(from));
}

/* Walk catalog, collection and item links breadth first, each level fetched at once. */
static void
load_catalog(const char *src)
{
	json_t *level = json_array(), *nextl, *seen = json_object(), *doc, *l, *f;
	char *root = NULL, buf[PATH_MAX];
	struct http_req *rq;
	size_t i, j, n, depth = 0;
	json_error_t je;

	if (url_has_scheme(src))
		root = strdup(src);
	else {
		/* Local: make it absolute so "../" links resolve past the start. */
		if (realpath(src, buf) == NULL)
			tool_fatal(&T, "--catalog %s: %s", src, strerror(errno));
		root = strdup(buf);
	}
	cat_items = json_array();
	cat_urls = json_array();
	json_array_append_new(level, json_string(root));
	json_object_set_new(seen, root, json_true());
	while ((n = json_array_size(level)) > 0) {
		if (++depth > 64)
			tool_fatal(&T, "--catalog %s: links nested deeper than 64 levels", src);
		if ((rq = calloc(n, sizeof *rq)) == NULL)
			tool_fatal(&T, "out of memory");
		for (i = 0; i < n; i++) {
			rq[i].url = json_string_value(json_array_get(level, i));
			rq[i].max_bytes = 256 << 20;
		}
		http_fetch(H, rq, n);
		nextl = json_array();
		for (i = 0; i < n; i++) {
			const char *from = rq[i].url, *type, *base;

			if (!rq[i].ok) {
				if (depth == 1)
					tool_fatal(&T, "--catalog: %s", rq[i].error);
				tool_warn(&T, "catalog: %s", rq[i].error);
				continue;
			}
			doc = json_loadb(rq[i].data, rq[i].len, 0, &je);
			type = json_string_value(json_object_get(doc, "type"));
			if (!json_is_object(doc) || type == NULL) {
				if (depth == 1)
					tool_fatal(&T, "--catalog %s: not a STAC catalog, "
					    "collection, item or item collection (%s)",
					    redacted(from), doc ? "no type" : je.text);
				tool_warn(&T, "catalog: %s: not STAC JSON, skipped",
				    redacted(from));
				json_decref(doc);
				continue;
			}
			if (strcmp(type, "Feature") == 0)
				cat_add(doc, from);
			else if (strcmp(type, "FeatureCollection") == 0) {
				json_array_foreach(json_object_get(doc, "features"), j, f)
					cat_add(f, from);
			} else if (strcmp(type, "Catalog") == 0 ||
			    strcmp(type, "Collection") == 0) {
				base = doc_base(doc, from);
				json_array_foreach(json_object_get(doc, "links"), j, l) {
					const char *rel = json_string_value(json_object_get(l, "rel"));
					const char *h = json_string_value(json_object_get(l, "href"));
					char *u;

					if (rel == NULL || h == NULL || (strcmp(rel, "child") != 0 &&
					    strcmp(rel, "item") != 0))
						continue;
					if ((u = url_resolve(base, h)) == NULL)
						tool_fatal(&T, "out of memory");
					if (json_object_get(seen, u) == NULL) {
						json_object_set_new(seen, u, json_true());
						json_array_append_new(nextl, json_string(u));
					}
					free(u);
				}
			} else if (depth == 1)
				tool_fatal(&T, "--catalog %s: type \"%s\" is not a STAC catalog",
				    redacted(from), type);
			json_decref(doc);
		}
		for (i = 0; i < n; i++)
			http_req_clear(&rq[i]);
		free(rq);
		json_decref(level);
		level = nextl;
	}
	json_decref(level);
	json_decref(seen);
	free(root);
}

/* The same filters a server applies, on the loaded catalog. */
static void
catalog_search(struct poi *p)
{
	size_t i;
	json_t *it;

	json_array_foreach(cat_items, i, it) {
		if (stac_item_intersects(it, p->bb) != 1)
			continue;
		take_item(p, it, json_string_value(json_array_get(cat_urls, i)));
	}
}

/* ---- choice ---- */

static void
choose(struct poi *p)
{
	size_t i, n = json_array_size(p->items), ncloud = 0, ncover = 0;
	json_t *it, *best = NULL;
	const char *best_url = NULL;
	double cc;

	if (p->failed)
		return;
	if (n == 0) {
		poi_fail(p, "no items");
		return;
	}
	json_array_foreach(p->items, i, it) {
		/* The server was asked too, but a server may ignore query. */
		if (!isnan(O.max_cloud) && (stac_item_cloud(it, &cc) || cc > O.max_cloud))
			continue;
		ncloud++;
		if (O.allow_partial ? stac_item_intersects(it, p->bb) == 0 :
		    stac_item_covers(it, p->bb) != 1)
			continue;
		ncover++;
		if (stac_better(it, best, O.pick)) {
			best = it;
			best_url = json_string_value(json_array_get(p->urls, i));
		}
	}
	if (ncloud == 0) {
		poi_fail(p, "all %zu items above max cloud %g", n, O.max_cloud);
		return;
	}
	if (best == NULL) {
		poi_fail(p, "none of %zu items covers the bbox", ncloud);
		return;
	}
	p->best = json_incref(best);
	p->best_url = best_url ? strdup(best_url) : NULL;
	p->ncand = n;
	p->nqual = ncover;
}

/* Item ids and collection ids as one URL path segment (RFC 3986 unreserved kept). */
static char *
path_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = malloc(strlen(s) * 3 + 1), *o = out;

	if (out == NULL)
		tool_fatal(&T, "out of memory");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
			*o++ = (char)c;
		else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return out;
}

/*
 * The search asked for slim items (fields extension: no assets); fetch the
 * chosen ones whole, all at once: {stac-url}/collections/{c}/items/{id}.
 * A server that ignored "fields" sent assets already: nothing to do.
 */
static void
fetch_chosen(struct poi *ps, size_t n)
{
	struct http_req *rq = calloc(n, sizeof *rq);
	size_t *who = calloc(n, sizeof *who), i, k = 0;
	json_error_t je;

	if (rq == NULL || who == NULL)
		tool_fatal(&T, "out of memory");
	for (i = 0; i < n; i++) {
		struct poi *p = &ps[i];
		const char *id, *coll;
		char *eid, *ecoll, *tail;

		if (p->failed || p->best == NULL ||
		    json_is_object(json_object_get(p->best, "assets")))
			continue;
		id = json_string_value(json_object_get(p->best, "id"));
		coll = json_string_value(json_object_get(p->best, "collection"));
		eid = path_escape(id);
		ecoll = path_escape(coll ? coll : O.collection);
		if (asprintf(&tail, "collections/%s/items/%s", ecoll, eid) < 0)
			tool_fatal(&T, "out of memory");
		rq[k].url = url_join(O.stac_url, tail);
		rq[k].max_bytes = 64 << 20;
		free(tail);
		free(eid);
		free(ecoll);
		who[k++] = i;
	}
	if (k > 0)
		http_fetch(H, rq, k);
	for (i = 0; i < k; i++) {
		struct poi *p = &ps[who[i]];
		json_t *it = NULL;

		if (!rq[i].ok)
			poi_fail(p, "item: %s", rq[i].error);
		else if ((it = json_loadb(rq[i].data, rq[i].len, 0, &je)) == NULL ||
		    !json_is_object(json_object_get(it, "assets")) ||
		    !json_equal(json_object_get(it, "id"), json_object_get(p->best, "id")))
			poi_fail(p, "item: %s: not the STAC item asked for", redacted(rq[i].url));
		else {
			json_decref(p->best);
			p->best = json_incref(it);
			free(p->best_url);
			p->best_url = strdup(rq[i].url);
		}
		json_decref(it);
		free((char *)rq[i].url);
		http_req_clear(&rq[i]);
	}
	free(rq);
	free(who);
}

static void
make_scene(struct poi *p)
{
	char err[256];

	if (p->failed || p->best == NULL)
		return;
	p->scene = stac_scene(p->best, p->best_url, O.assets, O.nassets, err, sizeof err);
	if (p->scene == NULL) {
		poi_fail(p, "%s", err);
		return;
	}
	json_object_set_new(p->scene, "candidates", json_integer((json_int_t)p->ncand));
	json_object_set_new(p->scene, "qualifying", json_integer((json_int_t)p->nqual));
}

/* ---- Planetary Computer signing (lib/pcsign) ---- */

static struct pcsign *Sign;

static const char *
scene_collection(const struct poi *p)
{
	const char *c = json_string_value(json_object_get(p->scene, "collection"));

	return c ? c : O.collection;
}

static void
sign_warn(void *arg, const char *msg)
{
	tool_warn(&T, "sign: %s", msg);
}

/*
 * Sign the asset hrefs of this batch's scenes in one pcsign call (one token
 * request per collection at most).  The "signed" marker names the collection
 * and the token service, never the token, so a reader (cog-read) can sign the
 * hrefs again once this token has expired.
 */
static void
sign_batch(struct poi *ps, size_t n)
{
	struct pcsign_href *hs;
	size_t i, k = 0, m = 0;
	const char *key;
	json_t *a;
	char *sas;

	for (i = 0; i < n; i++)
		if (!ps[i].failed && ps[i].scene != NULL)
			m += json_object_size(json_object_get(ps[i].scene, "assets"));
	if ((hs = calloc(m + 1, sizeof *hs)) == NULL)
		tool_fatal(&T, "out of memory");
	for (i = 0; i < n; i++) {
		if (ps[i].failed || ps[i].scene == NULL)
			continue;
		json_object_foreach(json_object_get(ps[i].scene, "assets"), key, a) {
			hs[k].collection = scene_collection(&ps[i]);
			hs[k++].href = json_string_value(json_object_get(a, "href"));
		}
	}
	pcsign_sign(Sign, hs, k);
	/* The service URL without a query: that might hold a key. */
	if ((sas = pcsign_strip(O.signing.sas_url)) == NULL)
		tool_fatal(&T, "out of memory");
	for (i = k = 0; i < n; i++) {
		struct poi *p = &ps[i];
		const char *err = NULL, *exp = NULL;
		size_t k0 = k;

		if (p->failed || p->scene == NULL)
			continue;
		json_object_foreach(json_object_get(p->scene, "assets"), key, a) {
			if (hs[k].href == NULL)
				;	/* no href: nothing to sign */
			else if (hs[k].out == NULL)
				err = err ? err : hs[k].error;
			else if (hs[k].is_signed) {
				json_object_set_new(a, "href", json_string(hs[k].out));
				exp = hs[k].expiry;
			}
			k++;
		}
		if (err != NULL) {
			poi_fail(p, "sign: %s", err);
			json_decref(p->scene);
			p->scene = NULL;
		} else if (exp != NULL)
			json_object_set_new(p->scene, "signed", json_pack("{s:s,s:s,s:s,s:s}",
			    "by", "planetary-computer", "collection", scene_collection(p),
			    "sas_url", sas, "expiry", exp));
		for (; k0 < k; k0++)
			pcsign_href_clear(&hs[k0]);
	}
	free(sas);
	free(hs);
}

/* ---- records ---- */

static int
poi_start(struct poi *p)
{
	json_t *lon = json_object_get(p->r.json, "lon"), *lat = json_object_get(p->r.json, "lat");
	double x, y;

	/* A scene from an earlier run (maybe signed) never survives into this one. */
	json_object_del(p->r.json, "scene");
	p->items = json_array();
	p->urls = json_array();
	p->seen = json_object();
	if (!json_is_number(lon) || !json_is_number(lat)) {
		poi_fail(p, "lon/lat: missing or not numbers");
		return -1;
	}
	x = json_number_value(lon);
	y = json_number_value(lat);
	if (!isfinite(x) || !isfinite(y) || x < -180 || x > 180 || y < -90 || y > 90) {
		poi_fail(p, "lon/lat: (%g, %g) out of range", x, y);
		return -1;
	}
	if (fabs(y) > 89) {
		poi_fail(p, "lat %g: too close to a pole for a lon/lat bbox", y);
		return -1;
	}
	geo_bbox_km(x, y, O.bbox_km, p->bb);
	return 0;
}

static void
run_batch(struct poi *ps, size_t n)
{
	size_t i;

	if (O.catalog != NULL) {
		for (i = 0; i < n; i++)
			if (!ps[i].failed)
				catalog_search(&ps[i]);
	} else
		search_batch(ps, n);
	for (i = 0; i < n; i++)
		choose(&ps[i]);
	if (O.fields)
		fetch_chosen(ps, n);
	for (i = 0; i < n; i++)
		make_scene(&ps[i]);
	if (O.sign)
		sign_batch(ps, n);
	for (i = 0; i < n; i++) {
		struct poi *p = &ps[i];

		if (p->failed)
			tool_reject(&T, &p->r, "%s", p->reason);
		else {
			json_object_set(p->r.json, "scene", p->scene);
			tool_emit(&T, &p->r);
		}
		poi_clear(p);
	}
}

static void
add_asset(const char *name)
{
	for (size_t i = 0; i < O.nassets; i++)
		if (strcmp(O.assets[i], name) == 0)
			return;
	if (O.nassets == MAX_ASSETS)
		tool_usage_error(&T, "--assets: more than %d assets", MAX_ASSETS);
	O.assets[O.nassets++] = name;
}

int
main(int argc, char **argv)
{
	struct poi *ps;
	const char *until = NULL, *datetime = NULL, *why;
	char *list, *tok, *save;
	long days = 90;
	double a, b;
	int ch, have_days = 0, have_url = 0;
	size_t n;

	tool_init(&T, "stac-query", usage);
	T.jobs = 8;
	O.stac_url = DEFAULT_STAC_URL;
	O.collection = "sentinel-2-l2a";
	O.signing.sas_url = DEFAULT_SAS_URL;
	O.bbox_km = 5;
	O.max_cloud = NAN;
	T.timeout = 60;
	O.max_items = 100;
	O.limit = 100;
	add_asset("red");
	add_asset("green");
	add_asset("blue");
	add_asset("visual");
	add_asset("scl");
	while ((ch = getopt_long(argc, argv, "hqj:", longopts, NULL)) != -1) {
		if (tool_option(&T, ch, optarg))
			continue;
		switch (ch) {
		case OPT_STAC_URL:
			if (!http_is_remote(optarg))
				tool_usage_error(&T, "--stac-url: expected an http(s) URL, got '%s'",
				    optarg);
			O.stac_url = optarg;
			have_url = 1;
			break;
		case OPT_CATALOG:
			O.catalog = optarg;
			break;
		case OPT_COLLECTION:
			if (*optarg == '\0' || strpbrk(optarg, "/?#") != NULL)
				tool_usage_error(&T, "--collection: bad collection id '%s'", optarg);
			O.collection = optarg;
			break;
		case OPT_DATETIME:
			datetime = optarg;
			break;
		case OPT_DAYS:
			if (parse_long(optarg, 1, 36500, &days))
				tool_usage_error(&T, "--days: expected 1..36500, got '%s'", optarg);
			have_days = 1;
			break;
		case OPT_UNTIL:
			until = optarg;
			break;
		case OPT_BBOX_KM:
			if (parse_double(optarg, &O.bbox_km) || !(O.bbox_km > 0) ||
			    O.bbox_km > 1000)
				tool_usage_error(&T, "--bbox-km: expected a size in (0, 1000] km, "
				    "got '%s'", optarg);
			break;
		case OPT_USE_BBOX:
			O.use_bbox = 1;
			break;
		case OPT_MAX_CLOUD:
			if (parse_double(optarg, &O.max_cloud) || !(O.max_cloud >= 0) ||
			    O.max_cloud > 100)
				tool_usage_error(&T, "--max-cloud: expected a percentage 0..100, "
				    "got '%s'", optarg);
			break;
		case OPT_PICK:
			if (strcmp(optarg, "clearest") == 0)
				O.pick = STAC_PICK_CLEAREST;
			else if (strcmp(optarg, "latest") == 0)
				O.pick = STAC_PICK_LATEST;
			else
				tool_usage_error(&T, "--pick: expected clearest or latest, got '%s'",
				    optarg);
			break;
		case OPT_ALLOW_PARTIAL:
			O.allow_partial = 1;
			break;
		case OPT_MAX_ITEMS:
			if (parse_long(optarg, 1, 100000, &O.max_items))
				tool_usage_error(&T, "--max-items: expected 1..100000, got '%s'",
				    optarg);
			break;
		case OPT_LIMIT:
			/* Earth Search answered 500 above ~267 (pitfall 5). */
			if (parse_long(optarg, 1, 100, &O.limit))
				tool_usage_error(&T, "--limit: expected 1..100, got '%s'", optarg);
			break;
		case OPT_ASSETS:
			if (strspn(optarg, ", ") == strlen(optarg))
				tool_usage_error(&T, "--assets: empty list");
			/* Kept for the whole run: O.assets points into it. */
			if ((list = strdup(optarg)) == NULL)
				tool_fatal(&T, "out of memory");
			for (tok = strtok_r(list, ", ", &save); tok;
			    tok = strtok_r(NULL, ", ", &save))
				add_asset(tok);
			break;
		case PCSIGN_OPT_SIGN:
		case PCSIGN_OPT_SAS_URL:
		case PCSIGN_OPT_SIGN_HOSTS:
			if ((why = pcsign_option(&O.signing, &O.sign, ch, optarg)) != NULL)
				tool_usage_error(&T, "%s", why);
			break;
		case OPT_NO_FIELDS:
			O.no_fields = 1;
			break;
		default:
			tool_usage_error(&T, NULL);
		}
	}
	if (O.catalog != NULL && have_url)
		tool_usage_error(&T, "--catalog: not with --stac-url");
	if (O.limit > O.max_items)
		O.limit = O.max_items;
	if (datetime != NULL && (have_days || until != NULL))
		tool_usage_error(&T, "--datetime: not with --days or --until");
	if (datetime != NULL) {
		if (stac_interval_parse(datetime, &a, &b))
			tool_usage_error(&T, "--datetime: expected an RFC 3339 interval "
			    "A/B (.. for an open end), got '%s'", datetime);
		set_interval(a, b);
	} else
		days_interval(days, until);
	tool_start(&T, argc - optind, argv + optind);

	H = tool_http(&T, 0);
	if (O.sign) {
		O.signing.warn = sign_warn;
		if ((Sign = pcsign_new(H, &O.signing)) == NULL)
			tool_fatal(&T, "out of memory");
	}
	if (O.catalog != NULL)
		load_catalog(O.catalog);
	else
		probe_landing();

	if ((ps = calloc((size_t)T.jobs, sizeof *ps)) == NULL)
		tool_fatal(&T, "out of memory");
	for (;;) {
		for (n = 0; n < (size_t)T.jobs; n++) {
			if (!tool_next(&T, &ps[n].r))
				break;
			poi_start(&ps[n]);
		}
		if (n == 0)
			break;
		run_batch(ps, n);
		if (n < (size_t)T.jobs)
			break;
	}
	free(ps);
	http_free(H);
	json_decref(cat_items);
	json_decref(cat_urls);
	pcsign_free(Sign);
	return tool_finish(&T);
}
