#!/bin/sh
# stac-query against tests/servers/stac_api.py, a STAC API of ours filtering the real
# recorded Earth Search items (static catalog export, search pages, single items).
#
# Expected scenes were read off the fixture geometries (see lib/stac.c for the rule):
#  a (15.28, 46.80): NW corner of 33TWM.  The 09:58 passes (08-10, 08-15, 08-20) cut
#     that corner off along 15.33,46.95 - 15.18,46.52; the 5 km square straddles the
#     cut, so only the 10:08 passes (08-13 1.11 %, 08-18 43.9 %) cover it whole.
#     Clearest whole: S2B_33TWM_20230813; clearest partial: S2A_33TWM_20230815 (0.207 %).
#  b (15.70, 46.00): in the TWL/TWM overlap, all 10 items cover it; clearest
#     S2A_33TWL_20230815 (0.204 %), latest S2B_33TWL_20230820 (09:58:11).
#  c (16.30, 45.20): SE of 33TWL, which the 10:08 passes miss: 3 items.
#  sea (0, 0): nothing.
. "$(dirname "$0")/lib.sh"

# start_stac NAME [server options]: a server logging to $T/NAME.log; sets URL.
start_stac() {
	_n=$1; shift
	start_server stac_api.py "$FIX" --log "$T/$_n.log" "$@"
	URL=http://127.0.0.1:$SERVER_PORT/v1
}

# ids FILE: "poi_id scene.id" per record.
ids() {
	$PY -c 'import json, sys
for l in open(sys.argv[1]):
    d = json.loads(l); print(d["poi_id"], d["scene"]["id"])' "$1"
}

# bodies LOG: the search requests, one compact JSON body per line (GET: the query).
bodies() {
	$PY -c 'import json, sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    if d["route"] == "search":
        print(d["method"], json.dumps(d["body"], sort_keys=True) if d["body"] is not None else d["query"])' "$1"
}

AUG=2023-08-01/2023-08-31
cat >"$T/pois.rec" <<EOF
{"poi_id":"a","lon":15.28,"lat":46.8,"keep":{"x":1}}
{"poi_id":"b","lon":15.7,"lat":46.0}
{"poi_id":"c","lon":16.3,"lat":45.2}
{"poi_id":"sea","lon":0,"lat":0}
EOF
printf 'a S2B_33TWM_20230813_0_L2A\nb S2A_33TWL_20230815_0_L2A\nc S2A_33TWL_20230815_0_L2A\n' >"$T/want.ids"

start_stac es
ES=$URL
stac-query --stac-url "$ES" --datetime $AUG <"$T/pois.rec" >"$T/a.rec" 2>"$T/a.err"
echo $? >"$T/a.rc"

check 'clearest covering scene per point, the point at sea rejected: exit 1' '
	test "$(cat $T/a.rc)" -eq 1 && ids "$T/a.rec" >"$T/a.ids" && diff -u "$T/want.ids" "$T/a.ids"'

check 'rejection says "no items" for the point at sea, other keys kept' '
	grep -q "\"poi_id\":\"sea\".*\"error\":{\"tool\":\"stac-query\",\"message\":\"no items\"}" "$T/a.err" &&
	grep -q "\"keep\":{\"x\":1}" "$T/a.rec"'

check 'landing page fetched once, one search per point (all fit in one page)' '
	test "$(grep -c "\"route\": \"landing\"" "$T/es.log")" -eq 1 &&
	test "$(grep -c "\"route\": \"search\"" "$T/es.log")" -eq 4'

check 'POST body: collections, intersects = the 5 km square of the reference, datetime, limit 100, sortby (conformant API), no query, no filter' '
	$PY - "$T/es.log" <<EOF
import json, math, sys
def around(b, x, y):
    r = b["intersects"]["coordinates"][0]
    return min(p[0] for p in r) < x < max(p[0] for p in r) and min(p[1] for p in r) < y < max(p[1] for p in r)
bs = [json.loads(l)["body"] for l in open(sys.argv[1]) if json.loads(l)["route"] == "search"]
bs = [b for b in bs if around(b, 15.28, 46.8)]
assert len(bs) == 1, bs
b = bs[0]
assert b["collections"] == ["sentinel-2-l2a"], b
assert b["datetime"] == "2023-08-01T00:00:00Z/2023-08-31T23:59:59.999Z", b["datetime"]
assert b["limit"] == 100 and "query" not in b and "filter" not in b and "bbox" not in b
assert b["sortby"] == [{"field": "properties.eo:cloud_cover", "direction": "asc"},
                       {"field": "properties.datetime", "direction": "desc"}], b["sortby"]
ring = b["intersects"]["coordinates"][0]
assert b["intersects"]["type"] == "Polygon" and len(ring) == 5 and ring[0] == ring[4]
dlat = math.degrees(2.5 / 6371.0)
dlon = dlat / math.cos(math.radians(46.8))
xs = [p[0] for p in ring]; ys = [p[1] for p in ring]
for got, want in ((min(xs), 15.28 - dlon), (max(xs), 15.28 + dlon), (min(ys), 46.8 - dlat), (max(ys), 46.8 + dlat)):
    assert abs(got - want) < 1e-9, (got, want)
EOF'

check 'scene fields: crs, mgrs, baseline, BOA decision, assets with raster:bands values and resolved hrefs' '
	$PY - "$T/a.rec" <<EOF
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])][1]
s = r["scene"]
assert s["id"] == "S2A_33TWL_20230815_0_L2A" and s["collection"] == "sentinel-2-l2a"
assert s["datetime"] == "2023-08-15T09:58:11.662000Z" and s["cloud_cover"] == 0.20399
assert s["platform"] == "sentinel-2a" and s["crs"] == "EPSG:32633" and s["mgrs"] == "33TWL"
assert s["processing_baseline"] == "05.09" and s["boa_flag"] is True
assert s["boa_offset_applied"] is True and s["reflectance_offset"] == 0, s
assert s["candidates"] == 10 and s["qualifying"] == 10
assert sorted(s["assets"]) == ["blue", "green", "red", "scl", "visual"], sorted(s["assets"])
red, scl, vis = s["assets"]["red"], s["assets"]["scl"], s["assets"]["visual"]
assert red["key"] == "red" and red["scale"] == 0.0001 and red["offset"] == -0.1
assert red["nodata"] == 0 and red["resolution"] == 10 and red["data_type"] == "uint16"
assert red["shape"] == [10980, 10980] and red["transform"] == [10, 0, 499980, 0, -10, 5100000]
# The export keeps "B04.tif" relative and no self link: resolved against the URL the
# chosen item was fetched from (fields extension: .../collections/{c}/items/{id}).
assert red["href"].startswith("http://127.0.0.1:") and \
    red["href"].endswith("/v1/collections/sentinel-2-l2a/items/B04.tif"), red["href"]
assert scl["data_type"] == "uint8" and scl["resolution"] == 20 and scl["scale"] == 1 and scl["offset"] == 0
assert vis["bands"] == 3 and vis["href"].startswith("https://sentinel-cogs.s3.us-west-2.amazonaws.com/")
EOF'

printf '{"poi_id":"rkh","lon":-11.5,"lat":24.8}\n{"poi_id":"tms","lon":8.4,"lat":46.45}\n{"poi_id":"mwv","lon":-38.6,"lat":-4.8}\n' >"$T/more.rec"
: >"$T/es.log"
stac-query --stac-url "$ES" --datetime 2019-01-01/2025-12-31 <"$T/more.rec" >"$T/m.rec" 2>"$T/m.err"
echo $? >"$T/m.rc"
cp "$T/es.log" "$T/m.log"
: >"$T/es.log"
stac-query --stac-url "$ES" --datetime 2019-01-01/2025-12-31 --no-fields <"$T/more.rec" >"$T/nf.rec" 2>/dev/null
cp "$T/es.log" "$T/nf.log"
start_stac nofields --no-fields
stac-query --stac-url "$URL" --datetime 2019-01-01/2025-12-31 <"$T/more.rec" >"$T/nf2.rec" 2>/dev/null

check 'fields extension: slim candidates (no assets, no links), then the chosen items fetched whole, all at once' '
	bodies "$T/m.log" | grep -c "\"fields\": {\"exclude\": \[\"assets\", \"links\"\], \"include\": \[\"id\"" | grep -qx 3 &&
	test "$(grep -c "\"route\": \"item\"" "$T/m.log")" -eq 3 &&
	grep -q "\"path\": \"/v1/collections/sentinel-2-l2a/items/S2A_29RKH_20200219_0_L2A\"" "$T/m.log"'

check 'the same scenes with --no-fields and from a server without the fields class (absolute hrefs)' '
	test -s "$T/m.rec" && cmp "$T/m.rec" "$T/nf.rec" && cmp "$T/m.rec" "$T/nf2.rec" &&
	test "$(grep -c "\"route\": \"item\"" "$T/nf.log")" -eq 0 && ! grep -q "\"fields\"" "$T/nf.log" &&
	test "$(grep -c "\"route\": \"item\"" "$T/nofields.log")" -eq 0 && ! grep -q "\"fields\"" "$T/nofields.log"'

stac-query --stac-url "$ES" --datetime 2019-01-01/2025-12-31 --collection sentinel-2-c1-l2a \
    <"$T/more.rec" >"$T/c1.rec" 2>"$T/c1.err"

check 'BOA rule: baseline 02.14 (flag false) -> applied, offset 0; 05.09 flag true -> applied; c1 -> raw DN, -0.1' '
	test "$(cat $T/m.rc)" -eq 0 &&
	$PY - "$T/m.rec" "$T/c1.rec" <<EOF
import json, sys
m = {json.loads(l)["poi_id"]: json.loads(l)["scene"] for l in open(sys.argv[1])}
c = [json.loads(l) for l in open(sys.argv[2])]
r = m["rkh"]
assert r["id"] == "S2A_29RKH_20200219_0_L2A" and r["processing_baseline"] == "02.14"
assert r["boa_flag"] is False and r["boa_offset_applied"] is True and r["reflectance_offset"] == 0
assert r["assets"]["red"]["offset"] == 0 and r["crs"] == "EPSG:32629" and r["mgrs"] == "29RKH"
t = m["tms"]
assert t["id"] == "S2A_32TMS_20221207_0_L2A" and t["boa_offset_applied"] is True and t["reflectance_offset"] == 0
w = m["mwv"]
assert w["id"] == "S2B_24MWV_20250731_0_L2A" and w["boa_offset_applied"] is True
assert len(c) == 1 and c[0]["poi_id"] == "mwv"
s = c[0]["scene"]
assert s["id"] == "S2B_T24MWV_20250731T130245_L2A" and s["collection"] == "sentinel-2-c1-l2a"
assert s["boa_offset_applied"] is False and s["reflectance_offset"] == -0.1 and s["boa_flag"] is None
assert s["assets"]["red"]["href"].startswith("https://e84-earth-search-sentinel-data.s3.us-west-2.amazonaws.com/sentinel-2-c1-l2a/")
EOF'

stac-query --stac-url "$ES" --datetime $AUG --pick latest <"$T/pois.rec" >"$T/latest.rec" 2>/dev/null
stac-query --stac-url "$ES" --datetime $AUG --allow-partial <"$T/pois.rec" >"$T/partial.rec" 2>/dev/null
check '--pick latest: newest covering scene; sortby asks datetime first' '
	ids "$T/latest.rec" >"$T/latest.ids" &&
	printf "a S2A_33TWM_20230818_0_L2A\nb S2B_33TWL_20230820_0_L2A\nc S2B_33TWL_20230820_0_L2A\n" | diff -u - "$T/latest.ids" &&
	bodies "$T/es.log" | grep -q "\"sortby\": \[{\"direction\": \"desc\", \"field\": \"properties.datetime\"}"'

check '--allow-partial: the clearer item that misses the corner wins' '
	ids "$T/partial.rec" | grep -qx "a S2A_33TWM_20230815_0_L2A"'

# The paging styles must all give the same answer as one big page.
for style in es es-minimal get; do
	start_stac "pg-$style" --paging $style
	stac-query --stac-url "$URL" --datetime $AUG --limit 2 <"$T/pois.rec" >"$T/pg-$style.rec" 2>/dev/null
	echo $? >"$T/pg-$style.rc"
done

check 'paging, POST next links with the full body (stac-server): same scenes, 11 searches for 5+10+3+0 items by 2' '
	test "$(cat $T/pg-es.rc)" -eq 1 && ids "$T/pg-es.rec" | diff -u "$T/want.ids" - &&
	test "$(bodies "$T/pg-es.log" | wc -l)" -eq 11 &&
	test "$(bodies "$T/pg-es.log" | grep -c "\"next\": \"2023-08")" -eq 7'

check 'paging, next body of only {"next"} (as recorded from Earth Search): the client overlays it, filters survive' '
	ids "$T/pg-es-minimal.rec" | diff -u "$T/want.ids" - &&
	bodies "$T/pg-es-minimal.log" | grep "\"next\"" >"$T/min.next" &&
	test "$(wc -l <"$T/min.next")" -eq 7 &&
	! grep -v "\"intersects\"" "$T/min.next" && ! grep -v "\"collections\": \[\"sentinel-2-l2a\"\]" "$T/min.next"'

check 'paging, GET next links (relative hrefs resolved against the page URL)' '
	ids "$T/pg-get.rec" | diff -u "$T/want.ids" - &&
	test "$(bodies "$T/pg-get.log" | grep -c "^GET .*next=2023-08")" -eq 7 &&
	grep "\"method\": \"GET\"" "$T/pg-get.log" | grep "\"route\": \"search\"" | grep -q "\"path\": \"/v1/search\""'

start_stac nosort --no-sort
NOSORT=$URL
stac-query --stac-url "$NOSORT" --datetime $AUG <"$T/pois.rec" >"$T/ns.rec" 2>/dev/null
check 'no sort conformance class on the landing page: no sortby sent, same choice' '
	ids "$T/ns.rec" | diff -u "$T/want.ids" - &&
	test "$(bodies "$T/nosort.log" | wc -l)" -eq 4 && ! grep -q sortby "$T/nosort.log"'

stac-query --stac-url "$ES" --datetime $AUG --use-bbox <"$T/pois.rec" >"$T/bb.rec" 2>/dev/null
check '--use-bbox: bbox sent instead of intersects, same scenes' '
	ids "$T/bb.rec" | diff -u "$T/want.ids" - &&
	bodies "$T/es.log" | grep "\"bbox\": \[15.24" | grep -vq intersects'

printf '{"poi_id":"a","lon":15.28,"lat":46.8}\n' >"$T/a1.rec"
stac-query --stac-url "$ES" --datetime $AUG --max-cloud 1 <"$T/a1.rec" >/dev/null 2>"$T/mc.err"
echo $? >"$T/mc.rc"
start_stac noquery --ignore query
stac-query --stac-url "$URL" --datetime $AUG --max-cloud 0.1 <"$T/a1.rec" >/dev/null 2>"$T/nq.err"
echo $? >"$T/nq.rc"
check '--max-cloud sent as query (lte); the one clear item misses the corner: "none of 1 items covers the bbox"' '
	test "$(cat $T/mc.rc)" -eq 1 &&
	grep -q "\"message\":\"none of 1 items covers the bbox\"" "$T/mc.err" &&
	bodies "$T/es.log" | grep -q "\"query\": {\"eo:cloud_cover\": {\"lte\": 1.0}}"'

check 'a server that ignores query: the client checks cloud cover itself: "all 5 items above max cloud 0.1"' '
	test "$(cat $T/nq.rc)" -eq 1 &&
	grep -q "\"message\":\"all 5 items above max cloud 0.1\"" "$T/nq.err"'

# -j: the same bytes whatever the number of points in flight.
for i in 1 2 3; do cat "$T/pois.rec" "$T/more.rec"; done >"$T/many.rec"
stac-query --stac-url "$ES" --datetime 2019-01-01/2025-12-31 -j 1 <"$T/many.rec" >"$T/j1.rec" 2>/dev/null
stac-query --stac-url "$ES" --datetime 2019-01-01/2025-12-31 -j 7 <"$T/many.rec" >"$T/j7.rec" 2>/dev/null
check '-j 1 and -j 7 give byte-identical output, in input order' '
	test -s "$T/j1.rec" && cmp "$T/j1.rec" "$T/j7.rec" &&
	$PY -c "import json,sys; print(\" \".join(json.loads(l)[\"poi_id\"] for l in open(sys.argv[1])))" "$T/j7.rec" |
	    grep -qx "a b c rkh tms mwv a b c rkh tms mwv a b c rkh tms mwv"'

check 'the recorded requests get the recorded pages verbatim' '
	$PY - "${ES%/v1}" "$FIX/stac" <<EOF
import json, sys, urllib.request
base, stac = sys.argv[1], sys.argv[2]
cases = [({"filter": {"op": "lte", "args": [{"property": "eo:cloud_cover"}, 40]}, "filter-lang": "cql2-json"},
          "earth_search_v1/search_post_cql2_page1.json"),
         ({"next": "2025-07-31T13:03:25.899000Z,S2B_T24MVV_20250731T130245_L2A,sentinel-2-c1-l2a"},
          "earth_search_v1/search_post_cql2_page2.json"),
         ({"datetime": "2019-01-01T00:00:01Z/2019-01-01T00:00:10Z", "collections": ["sentinel-2-l2a"]},
          "planetary_computer/search_sentinel-2-l2a_datetime.json")]
for body, page in cases:
    rq = urllib.request.Request(base + "/v1/search", data=json.dumps(body).encode(),
                                headers={"Content-Type": "application/json"})
    got = urllib.request.urlopen(rq).read()
    assert got == open(stac + "/" + page, "rb").read(), page
EOF'
