/*
 * scenesign.h - a scene's asset hrefs signed again before they are read.
 *
 * stac-query --sign marks the scenes it signed: "signed": {"by":
 * "planetary-computer", "collection", "sas_url", "expiry"}, never the token.
 * Tokens expire, so a reader (cog-read) fetches a fresh one whenever a scene
 * carries that mark, or for every scene when asked to (--sign).  The record
 * itself keeps no token: scenesign_start strips the old ones from the hrefs on
 * the signing hosts, in the scene, before anything can write the record out,
 * and drops the mark's expiry; the fresh token goes only into the URLs fetched.
 *
 *	struct scenesign s;
 *	switch (scenesign_start(&s, scene, ps, force, sas_url, err, sizeof err)) {
 *	case SCENESIGN_NOMEM:	...fatal: the scene may still hold a token...
 *	case SCENESIGN_REFUSED:	...reject the record with err...
 *	case SCENESIGN_OK:	break;
 *	}
 *	if (s.sign) {
 *		struct pcsign_href h = { .collection = s.collection,
 *		    .sas_url = s.sas_url, .href = href };
 *		pcsign_sign(ps, &h, 1);		// a whole batch's hrefs in one call
 *	}
 *
 * s points into scene: it lives as long as the scene is not changed further.
 */
#ifndef SCENESIGN_H
#define SCENESIGN_H

#include <stddef.h>
#include <jansson.h>

struct pcsign;

struct scenesign {
	int sign;		/* its hrefs on the signing hosts get a fresh token */
	const char *collection;	/* the token's: the scene's, else the mark's (NULL: none) */
	const char *sas_url;	/* the token service: the caller's, else the mark's,
				   else NULL (the pcsign cache's own) */
};

enum scenesign_status {
	SCENESIGN_OK,
	SCENESIGN_REFUSED,	/* the mark cannot be followed: err says why */
	SCENESIGN_NOMEM		/* out of memory while stripping: write the scene nowhere */
};

/*
 * Decide whether scene gets signed (force, or a planetary-computer mark) and
 * prepare it: old tokens out of the hrefs on ps's signing hosts, the mark's
 * expiry gone.  sas_url is the caller's token service (NULL: the mark's).  A
 * scene that is not an object is left alone (s->sign 0).
 */
enum scenesign_status scenesign_start(struct scenesign *s, json_t *scene,
    const struct pcsign *ps, int force, const char *sas_url, char *err, size_t errlen);

#endif
