#!/bin/sh
# stac-query --catalog: the real static catalog exported from Earth Search
# (catalog.json -> sentinel-2-l2a/collection.json -> 10 items, all links relative),
# read from disk (absolute, relative, file://) and through nginx, plus the bundled
# sample, a single item and a recorded search page used as catalogs.
# The expected scenes are those of t0500 (same items, same rule).
. "$(dirname "$0")/lib.sh"

CAT=$FIX/stac/static_catalog_earth_search_s2l2a
ITEMS=$CAT/sentinel-2-l2a
AUG="--datetime 2023-08-01/2023-08-31"
ids() {
	$PY -c 'import json, sys
for l in open(sys.argv[1]):
    d = json.loads(l); print(d["poi_id"], d["scene"]["id"])' "$1"
}
# hrefs FILE ASSET: the href of that asset per record.
hrefs() {
	$PY -c 'import json, sys
for l in open(sys.argv[1]):
    print(json.loads(l)["scene"]["assets"][sys.argv[2]]["href"])' "$1" "$2"
}
cat >"$T/pois.rec" <<'END'
{"poi_id":"a","lon":15.28,"lat":46.8}
{"poi_id":"b","lon":15.7,"lat":46.0}
{"poi_id":"c","lon":16.3,"lat":45.2}
{"poi_id":"sea","lon":0,"lat":0}
END
printf 'a S2B_33TWM_20230813_0_L2A\nb S2A_33TWL_20230815_0_L2A\nc S2A_33TWL_20230815_0_L2A\n' >"$T/want.ids"

stac-query --catalog "$CAT/catalog.json" $AUG <"$T/pois.rec" >"$T/disk.rec" 2>"$T/disk.err"
echo $? >"$T/disk.rc"
check 'from disk: the same scenes as the API, the point at sea rejected "no items", exit 1' '
	test "$(cat $T/disk.rc)" -eq 1 && ids "$T/disk.rec" | diff -u "$T/want.ids" - &&
	grep -q "\"poi_id\":\"sea\".*\"message\":\"no items\"" "$T/disk.err"'

check 'relative asset hrefs (B04.tif) resolved against the item file; absolute ones kept' '
	hrefs "$T/disk.rec" red >"$T/disk.red" &&
	printf "%s\n" "$ITEMS/S2B_33TWM_20230813_0_L2A/B04.tif" "$ITEMS/S2A_33TWL_20230815_0_L2A/B04.tif" \
	    "$ITEMS/S2A_33TWL_20230815_0_L2A/B04.tif" | diff -u - "$T/disk.red" &&
	hrefs "$T/disk.rec" visual | head -n 1 |
	    grep -qx "https://sentinel-cogs.s3.us-west-2.amazonaws.com/sentinel-s2-l2a-cogs/33/T/WM/2023/8/S2B_33TWM_20230813_0_L2A/TCI.tif"'

(cd "$FIX/stac" && stac-query --catalog static_catalog_earth_search_s2l2a/catalog.json $AUG \
    <"$T/pois.rec" >"$T/rel.rec" 2>/dev/null)
stac-query --catalog "file://$CAT/catalog.json" $AUG <"$T/pois.rec" >"$T/file.rec" 2>/dev/null
stac-query --catalog "$ITEMS/collection.json" $AUG <"$T/pois.rec" >"$T/coll.rec" 2>/dev/null
check 'a relative catalog path, a file:// URL and the collection as root give the same output' '
	test -s "$T/rel.rec" && cmp "$T/disk.rec" "$T/rel.rec" && cmp "$T/disk.rec" "$T/coll.rec" &&
	ids "$T/file.rec" | diff -u "$T/want.ids" - &&
	hrefs "$T/file.rec" red | head -n 1 | grep -qx "file://$ITEMS/S2B_33TWM_20230813_0_L2A/B04.tif"'

start_nginx "$FIX/stac" || { echo "not ok - nginx did not start"; exit 1; }
stac-query --catalog "$NGINX_URL/static_catalog_earth_search_s2l2a/catalog.json" $AUG \
    <"$T/pois.rec" >"$T/web.rec" 2>"$T/web.err"
echo $? >"$T/web.rc"
check 'through nginx: same scenes, hrefs resolved to URLs on the server' '
	test "$(cat $T/web.rc)" -eq 1 && ids "$T/web.rec" | diff -u "$T/want.ids" - &&
	hrefs "$T/web.rec" red | head -n 1 |
	    grep -qx "$NGINX_URL/static_catalog_earth_search_s2l2a/sentinel-2-l2a/S2B_33TWM_20230813_0_L2A/B04.tif"'

check 'the walk fetched each document once: catalog, collection, 10 items, all 200' '
	test "$(grep -c "\"GET /static_catalog_earth_search_s2l2a/" "$NGINX_LOG")" -eq 12 &&
	test "$(grep -c "\" 200 " "$NGINX_LOG")" -eq 12 &&
	test "$(grep -c "sentinel-2-l2a/S2[AB]_33TW[LM]_202308[0-9]*_0_L2A/S2[AB]_33TW[LM]_202308[0-9]*_0_L2A.json" "$NGINX_LOG")" -eq 10'

printf '{"poi_id":"a","lon":15.28,"lat":46.8}\n' >"$T/a.rec"
stac-query --catalog "$CAT/catalog.json" $AUG --max-cloud 0.1 <"$T/a.rec" >/dev/null 2>"$T/cloud.err"
echo $? >"$T/cloud.rc"
stac-query --catalog "$CAT/catalog.json" $AUG --max-cloud 1 <"$T/a.rec" >/dev/null 2>"$T/cover.err"
echo $? >"$T/cover.rc"
check 'the same filters as a server: "all 5 items above max cloud 0.1"' '
	test "$(cat $T/cloud.rc)" -eq 1 && grep -q "\"message\":\"all 5 items above max cloud 0.1\"" "$T/cloud.err"'
check 'coverage rule: "none of 1 items covers the bbox" (the 0.2 % item misses the corner)' '
	test "$(cat $T/cover.rc)" -eq 1 && grep -q "\"message\":\"none of 1 items covers the bbox\"" "$T/cover.err"'

stac-query --catalog "$CAT/catalog.json" --datetime 2023-08-14/2023-08-16 <"$T/pois.rec" >"$T/dt.rec" 2>/dev/null
stac-query --catalog "$CAT/catalog.json" --days 2 --until 2023-08-16 <"$T/pois.rec" >"$T/days.rec" 2>/dev/null
check 'datetime filter: only 2023-08-15 in 08-14/08-16, and --days 2 --until 2023-08-16 is the same' '
	ids "$T/dt.rec" >"$T/dt.ids" &&
	printf "b S2A_33TWL_20230815_0_L2A\nc S2A_33TWL_20230815_0_L2A\n" | diff -u - "$T/dt.ids" &&
	cmp "$T/dt.rec" "$T/days.rec"'

printf '{"poi_id":"mwv","lon":-38.6,"lat":-4.8}\n' |
    stac-query --catalog "$FIX/stac/earth_search_v1/search_post_cql2_page2.json" \
    --datetime 2025-07-31/2025-07-31 >"$T/page.rec" 2>/dev/null
printf '{"poi_id":"rkh","lon":-11.5,"lat":24.8}\n' |
    stac-query --catalog "$FIX/sentinel2_l2a_cog/S2A_29RKH_20200219_0_L2A/S2A_29RKH_20200219_0_L2A.json" \
    --datetime 2020-02-19/2020-02-19 >"$T/item.rec" 2>/dev/null
check 'a recorded search page and a single item work as catalogs (other collections in the page skipped)' '
	ids "$T/page.rec" | grep -qx "mwv S2B_24MWV_20250731_0_L2A" &&
	ids "$T/item.rec" | grep -qx "rkh S2A_29RKH_20200219_0_L2A"'

# STAC 1.1 items name the CRS with proj:code ("EPSG:32629") instead of proj:epsg:
# the same item rewritten that way gives the same scene CRS; with neither, none.
RKH=$FIX/sentinel2_l2a_cog/S2A_29RKH_20200219_0_L2A/S2A_29RKH_20200219_0_L2A.json
jq '.properties["proj:code"] = "EPSG:\(.properties["proj:epsg"])" | del(.properties["proj:epsg"])' \
    "$RKH" >"$T/code.json"
jq 'del(.properties["proj:epsg"])' "$RKH" >"$T/nocrs.json"
for k in code nocrs; do
	printf '{"poi_id":"rkh","lon":-11.5,"lat":24.8}\n' |
	    stac-query --catalog "$T/$k.json" --datetime 2020-02-19/2020-02-19 >"$T/$k.rec" 2>/dev/null
done
check 'proj:code instead of proj:epsg gives the scene CRS (EPSG:32629); neither gives null' '
	jq -e ".scene.crs == \"EPSG:32629\"" "$T/item.rec" >/dev/null &&
	jq -e ".scene.crs == \"EPSG:32629\" and .scene.mgrs == \"29RKH\"" "$T/code.rec" >/dev/null &&
	jq -e ".scene.crs == null" "$T/nocrs.rec" >/dev/null'

printf '{"poi_id":"w","lon":12.5527024,"lat":52.4886036}\n' |
    stac-query --catalog "$TOP/examples/catalog/catalog.json" --collection sentinel-2-l1c \
    --datetime 2017-02-01/2017-02-28 >"$T/ex.rec" 2>"$T/ex.err"
echo $? >"$T/ex.rc"
check 'the bundled sample: "../../havelland/B04.tif" resolves to the bundled file' '
	test "$(cat $T/ex.rc)" -eq 0 && hrefs "$T/ex.rec" red | grep -qx "$TOP/examples/havelland/B04.tif" &&
	test -f "$(hrefs "$T/ex.rec" red)"'

# A copy with one item missing: the walk warns and goes on.
cp -r "$CAT" "$T/cat" && rm -r "$T/cat/sentinel-2-l2a/S2A_33TWL_20230815_0_L2A"
stac-query --catalog "$T/cat/catalog.json" $AUG <"$T/pois.rec" >"$T/broken.rec" 2>"$T/broken.err"
echo $? >"$T/broken.rc"
check 'a broken item link: warned about, the rest used (b falls back to S2A_33TWM_20230815)' '
	test "$(cat $T/broken.rc)" -eq 1 &&
	grep -q "^stac-query: catalog: $T/cat/sentinel-2-l2a/S2A_33TWL_20230815_0_L2A/S2A_33TWL_20230815_0_L2A.json: No such file or directory" "$T/broken.err" &&
	ids "$T/broken.rec" | grep -qx "b S2A_33TWM_20230815_0_L2A"'

check 'a missing catalog: exit 2 with the path and errno' '
	fails 2 "stac-query --catalog $T/nope.json <$T/pois.rec >$T/o 2>$T/e" &&
	grep -qx "stac-query: --catalog $T/nope.json: No such file or directory" "$T/e"'

echo '{"hello": "world"}' >"$T/notstac.json"
echo 'not json at all' >"$T/garbage.json"
check 'a root that is not STAC: exit 2 "not a STAC catalog, collection, item or item collection"' '
	fails 2 "stac-query --catalog $T/notstac.json <$T/pois.rec >$T/o 2>$T/e" &&
	grep -q "stac-query: --catalog $T/notstac.json: not a STAC catalog, collection, item or item collection (no type)" "$T/e" &&
	fails 2 "stac-query --catalog $T/garbage.json <$T/pois.rec >$T/o 2>$T/e" &&
	grep -q "stac-query: --catalog $T/garbage.json: not a STAC catalog" "$T/e"'

check 'an unreachable catalog URL: exit 2' '
	fails 2 "stac-query --catalog $NGINX_URL/nope/catalog.json --max-retries 0 <$T/pois.rec >$T/o 2>$T/e" &&
	grep -q "stac-query: --catalog: $NGINX_URL/nope/catalog.json: HTTP 404" "$T/e"'
