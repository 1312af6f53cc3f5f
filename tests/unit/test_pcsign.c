/* test_pcsign.c - pcsign's host rule, suffix lists and query stripping (no network:
 * the token requests are tested against a real server in t0304 and t0503). */
#include <stdlib.h>
#include <string.h>

#include "pcsign.h"
#include "unit.h"

static int
strip_is(const char *in, const char *want)
{
	char *s = pcsign_strip(in);
	int ok = s != NULL && strcmp(s, want) == 0;

	free(s);
	return ok;
}

int
main(void)
{
	struct pcsign *d = pcsign_new(NULL, NULL);
	struct pcsign_opts o = { .hosts = "127.0.0.1,.example.org,example.net" };
	struct pcsign *t = pcsign_new(NULL, &o);

	CHECK(d != NULL && t != NULL, "caches made without a client or options");
	CHECK(pcsign_host_match(d, "https://sentinel2l2a01.blob.core.windows.net/s/a.tif"),
	    "default: Azure Blob Storage");
	CHECK(pcsign_host_match(d, "https://X.Blob.Core.Windows.Net:443/s/a.tif?x=1"),
	    "default: case and port ignored");
	CHECK(!pcsign_host_match(d, "https://blob.core.windows.net.evil.com/a.tif"),
	    "default: a host that only contains the suffix is not signed");
	CHECK(!pcsign_host_match(d, "https://evil.com/x.blob.core.windows.net/a.tif"),
	    "default: the suffix in the path does not count");
	CHECK(!pcsign_host_match(d, "https://evil.com/?u=a.blob.core.windows.net"),
	    "default: the suffix in the query does not count");
	CHECK(!pcsign_host_match(d, "/data/a.blob.core.windows.net/a.tif") &&
	    !pcsign_host_match(d, "file:///x.blob.core.windows.net/a.tif"),
	    "default: local paths and file URLs are never signed");
	CHECK(pcsign_host_match(d, "https://user@acc.blob.core.windows.net/a"),
	    "userinfo skipped");
	CHECK(pcsign_host_match(t, "http://127.0.0.1:8080/a.tif") &&
	    !pcsign_host_match(t, "http://127.0.0.10/a.tif") &&
	    !pcsign_host_match(t, "http://1127.0.0.1/a.tif"),
	    "127.0.0.1 matches itself, not 127.0.0.10 or 1127.0.0.1");
	CHECK(pcsign_host_match(t, "https://a.example.org/x") &&
	    !pcsign_host_match(t, "https://example.org/x"),
	    "a leading dot: subdomains only");
	CHECK(pcsign_host_match(t, "https://example.net/x") &&
	    pcsign_host_match(t, "https://a.example.net/x") &&
	    !pcsign_host_match(t, "https://badexample.net/x"),
	    "no leading dot: the host or its subdomains, at a label boundary");
	CHECK(pcsign_hosts_valid(".blob.core.windows.net") == 0 &&
	    pcsign_hosts_valid("127.0.0.1,.a.b") == 0, "valid suffix lists");
	CHECK(pcsign_hosts_valid("") < 0 && pcsign_hosts_valid("a,,b") < 0 &&
	    pcsign_hosts_valid("a,") < 0 && pcsign_hosts_valid(",a") < 0 &&
	    pcsign_hosts_valid(".") < 0 && pcsign_hosts_valid("http://a") < 0 &&
	    pcsign_hosts_valid("a:80") < 0, "bad suffix lists refused");
	CHECK(strip_is("https://h/a.tif?st=1&sig=S", "https://h/a.tif") &&
	    strip_is("https://h/a.tif", "https://h/a.tif") &&
	    strip_is("https://h/a.tif?", "https://h/a.tif"), "strip drops the query string");
	{
		/* Nothing to fetch here: the cache has no http client at all. */
		struct pcsign_href hs[2] = {
			{ .collection = "c", .href = "https://s3.example/a.tif?x=1" },
			{ .collection = NULL, .href = "https://a.blob.core.windows.net/a.tif" },
		};
		CHECK(pcsign_sign(d, hs, 2) == 1, "sign: one of two failed");
		CHECK(hs[0].out && strcmp(hs[0].out, hs[0].href) == 0 && !hs[0].is_signed,
		    "sign: another host's href comes back unchanged");
		CHECK(hs[1].out == NULL && strcmp(hs[1].error, "no collection to sign for") == 0,
		    "sign: a blob href without a collection is an error");
		pcsign_href_clear(&hs[0]);
		pcsign_href_clear(&hs[1]);
	}
	pcsign_free(d);
	pcsign_free(t);
	UNIT_DONE();
}
