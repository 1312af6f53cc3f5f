/*
 * test_scenesign.c - lib/scenesign on a real Planetary Computer item made into
 * a record's scene (lib/stac), its hrefs carrying a stale token: which scenes
 * get signed, the tokens stripped from signing hosts only, the mark's expiry
 * dropped, the token's collection and service, and the marks refused.
 */
#include <stdlib.h>
#include <string.h>

#include "pcsign.h"
#include "scenesign.h"
#include "stac.h"
#include "unit.h"

#define BLOB "https://sentinel2l2a01.blob.core.windows.net/"
#define STALE "?st=2020-01-01T00%3A00%3A00Z&se=2020-01-02T00%3A00%3A00Z&sig=SECRET"

static json_t *pc_item;

/* The PC item as stac-query --sign leaves it: hrefs with a token, a mark. */
static json_t *
signed_scene(const char *by, const char *sas_url)
{
	const char *want[] = { "red", "green", "scl" };
	char err[256], *h;
	json_t *s = stac_scene(pc_item, NULL, want, 3, err, sizeof err), *a;
	const char *key;

	if (s == NULL)
		return NULL;
	json_object_foreach(json_object_get(s, "assets"), key, a) {
		const char *href = json_string_value(json_object_get(a, "href"));
		if ((h = malloc(strlen(href) + sizeof STALE)) == NULL)
			abort();
		strcpy(h, href);
		strcat(h, STALE);
		json_object_set_new(a, "href", json_string(h));
		free(h);
	}
	/* An asset on a host that gets no token keeps its query. */
	json_object_set_new(json_object_get(json_object_get(s, "assets"), "green"), "href",
	    json_string("https://example.org/B03.tif?v=1"));
	if (by != NULL)
		json_object_set_new(s, "signed", json_pack("{s:s,s:s,s:s,s:s}", "by", by,
		    "collection", "sentinel-2-l2a", "sas_url", sas_url,
		    "expiry", "2020-01-02T00:00:00Z"));
	return s;
}

static const char *
href(json_t *s, const char *name)
{
	return json_string_value(json_object_get(json_object_get(json_object_get(s, "assets"),
	    name), "href"));
}

int
main(void)
{
	char err[256], *dump;
	struct pcsign *ps = pcsign_new(NULL, NULL);
	struct scenesign s;
	json_error_t je;
	json_t *page, *sc;

	page = json_load_file(unit_fixture("stac/planetary_computer/search_sentinel-2-l2a_datetime.json"),
	    0, &je);
	pc_item = json_array_get(json_object_get(page, "features"), 0);
	CHECK(pc_item != NULL && ps != NULL, "the PC item loads (%s)", je.text);
	if (pc_item == NULL)
		UNIT_DONE();

	/* Marked by planetary-computer: signed, tokens out, expiry out. */
	sc = signed_scene("planetary-computer", "https://pc.example/api/sas/v1");
	CHECK(scenesign_start(&s, sc, ps, 0, NULL, err, sizeof err) == SCENESIGN_OK && s.sign,
	    "a planetary-computer mark: signed");
	CHECK(strchr(href(sc, "red"), '?') == NULL && strchr(href(sc, "scl"), '?') == NULL &&
	    strncmp(href(sc, "red"), BLOB, strlen(BLOB)) == 0,
	    "the stale token is gone from the blob hrefs (%s)", href(sc, "red"));
	dump = json_dumps(sc, 0);
	CHECK(dump != NULL && strstr(dump, "SECRET") == NULL, "no token left anywhere in the scene");
	free(dump);
	CHECK(strcmp(href(sc, "green"), "https://example.org/B03.tif?v=1") == 0,
	    "an href on another host keeps its query");
	CHECK(json_object_get(json_object_get(sc, "signed"), "expiry") == NULL &&
	    json_object_get(json_object_get(sc, "signed"), "collection") != NULL,
	    "the mark loses its expiry only");
	CHECK(s.collection && strcmp(s.collection, "sentinel-2-l2a") == 0,
	    "the token's collection is the scene's");
	CHECK(s.sas_url && strcmp(s.sas_url, "https://pc.example/api/sas/v1") == 0,
	    "the token service is the mark's");
	CHECK(scenesign_start(&s, sc, ps, 0, "http://127.0.0.1:9/sas", err, sizeof err) ==
	    SCENESIGN_OK && strcmp(s.sas_url, "http://127.0.0.1:9/sas") == 0,
	    "the caller's service comes first");
	json_object_del(sc, "collection");
	CHECK(scenesign_start(&s, sc, ps, 0, NULL, err, sizeof err) == SCENESIGN_OK &&
	    s.collection && strcmp(s.collection, "sentinel-2-l2a") == 0,
	    "a scene without collection: the mark's");
	json_decref(sc);

	/* No mark: left alone, token and all, unless the caller forces signing. */
	sc = signed_scene(NULL, NULL);
	CHECK(scenesign_start(&s, sc, ps, 0, NULL, err, sizeof err) == SCENESIGN_OK && !s.sign &&
	    strstr(href(sc, "red"), "sig=SECRET") != NULL, "unmarked: not signed, hrefs as they are");
	CHECK(scenesign_start(&s, sc, ps, 1, NULL, err, sizeof err) == SCENESIGN_OK && s.sign &&
	    strchr(href(sc, "red"), '?') == NULL && s.sas_url == NULL &&
	    strcmp(s.collection, "sentinel-2-l2a") == 0,
	    "forced: signed, stripped, the cache's own service");
	json_decref(sc);

	/* Marks that cannot be followed. */
	sc = signed_scene("other", "https://x.example/sas");
	err[0] = '\0';
	CHECK(scenesign_start(&s, sc, ps, 0, NULL, err, sizeof err) == SCENESIGN_REFUSED &&
	    strcmp(err, "scene: signed by 'other': only planetary-computer is known") == 0,
	    "another signer is refused: '%s'", err);
	CHECK(scenesign_start(&s, sc, ps, 1, NULL, err, sizeof err) == SCENESIGN_OK && s.sign,
	    "unless signing is forced");
	json_decref(sc);
	sc = signed_scene("planetary-computer", "file:///tmp/sas");
	err[0] = '\0';
	CHECK(scenesign_start(&s, sc, ps, 0, NULL, err, sizeof err) == SCENESIGN_REFUSED &&
	    strcmp(err, "scene: signed.sas_url: expected an http(s) URL") == 0 &&
	    strchr(href(sc, "red"), '?') == NULL,
	    "a mark's service that is not http(s) is refused, the tokens already out: '%s'", err);
	json_decref(sc);

	sc = json_string("x");
	CHECK(scenesign_start(&s, sc, ps, 1, NULL, err, sizeof err) == SCENESIGN_OK && !s.sign,
	    "a scene that is not an object is left alone");
	json_decref(sc);
	pcsign_free(ps);
	json_decref(page);
	UNIT_DONE();
}
