/* scenesign.c - a scene's "signed" mark read and its stale tokens stripped (see scenesign.h). */
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "http.h"
#include "pcsign.h"
#include "scenesign.h"

/* The hrefs on the signing hosts without their query string (the old token). */
static int
strip_tokens(json_t *assets, const struct pcsign *ps)
{
	const char *key, *h;
	json_t *a;
	char *bare;
	int rc;

	json_object_foreach(assets, key, a) {
		h = json_string_value(json_object_get(a, "href"));
		if (h == NULL || !pcsign_host_match(ps, h) || strchr(h, '?') == NULL)
			continue;
		if ((bare = pcsign_strip(h)) == NULL)
			return -1;
		rc = json_object_set_new(a, "href", json_string(bare));
		free(bare);
		if (rc != 0)
			return -1;
	}
	return 0;
}

enum scenesign_status
scenesign_start(struct scenesign *s, json_t *scene, const struct pcsign *ps, int force,
    const char *sas_url, char *err, size_t errlen)
{
	json_t *mark = json_object_get(scene, "signed");
	const char *by = json_string_value(json_object_get(mark, "by")), *su;

	memset(s, 0, sizeof *s);
	if (!json_is_object(scene))
		return SCENESIGN_OK;
	if (by != NULL && strcmp(by, "planetary-computer") != 0 && !force) {
		errf(err, errlen, "scene: signed by '%s': only planetary-computer is known", by);
		return SCENESIGN_REFUSED;
	}
	if (!force && by == NULL)
		return SCENESIGN_OK;
	s->sign = 1;
	if (strip_tokens(json_object_get(scene, "assets"), ps) < 0)
		return SCENESIGN_NOMEM;
	/* The hrefs written out carry no token, so no expiry either. */
	json_object_del(mark, "expiry");
	s->collection = json_string_value(json_object_get(scene, "collection"));
	if (s->collection == NULL)
		s->collection = json_string_value(json_object_get(mark, "collection"));
	s->sas_url = sas_url;
	su = json_string_value(json_object_get(mark, "sas_url"));
	if (s->sas_url == NULL && su != NULL) {
		s->sas_url = su;
		if (!http_is_remote(su)) {
			errf(err, errlen, "scene: signed.sas_url: expected an http(s) URL");
			return SCENESIGN_REFUSED;
		}
	}
	return SCENESIGN_OK;
}
