#!/bin/sh
# still-fetch against tests/servers/mapbox.py, a replay of the Static Images API on
# 127.0.0.1 serving a real PNG and a real JPEG cut from fixture imagery by GDAL.
. "$(dirname "$0")/lib.sh"

TOKEN=pk.test-S3CRET-tok3n_value
SRV=$T/srv
mkdir -p "$SRV"
TCI=$FIX/sentinel2_l2a_cog/S2A_29RKH_20200219_0_L2A/TCI.tif
# 64x64 stills (what --size 32 @2x asks for), and one of another size.
gdal_translate -q -of PNG -srcwin 300 200 64 64 "$TCI" "$SRV/still.png" &&
gdal_translate -q -of JPEG -co QUALITY=90 -srcwin 300 200 64 64 "$TCI" "$SRV/still.jpg" &&
gdal_translate -q -of PNG -srcwin 0 0 50 40 "$TCI" "$SRV/wrong.png" ||
	{ echo "not ok - gdal_translate could not make the stills"; exit 1; }
rm -f "$SRV"/*.aux.xml

start_server MAPBOX_ACCESS_TOKEN="$TOKEN" mapbox.py "$SRV"
PORT=$SERVER_PORT
BASE=http://127.0.0.1:$PORT

# The integer part of lon picks the server's answer (see mapbox.py).
ADDR=$($PY -c 'print("Straße " + "é" * 170)')
cat >"$T/in.ndjson" <<EOF
{"poi_id":"p1","lon":1.5,"lat":52.25,"source":{"country":"DE","address":"$ADDR"}}
{"poi_id":"p2","lon":2.5,"lat":-10.123456789,"source":{"country_iso_alpha2":"BR"}}
{"poi_id":"p3","lon":3.5,"lat":10}
{"poi_id":"p4","lon":4.5,"lat":10}
{"poi_id":"p5","lon":5.5,"lat":10}
{"poi_id":"p6","lon":6.5,"lat":10}
{"poi_id":"p7","lon":7.5,"lat":10}
{"poi_id":"p8","lon":8.5,"lat":10}
{"poi_id":"p9","lon":9.5,"lat":10}
{"poi_id":"p10","lon":1,"lat":85.06}
{"poi_id":"p11","lat":1}
{"poi_id":"p12","lon":181,"lat":1}
EOF

sf() { MAPBOX_ACCESS_TOKEN=$TOKEN still-fetch --base-url "$BASE" "$@"; }

check 'a stream with good and bad POIs: exit 1, stills for the good ones' '
	fails 1 "sf --size 32 -j 4 --max-retries 2 --rejects $T/rej.ndjson <$T/in.ndjson >$T/out.rec 2>$T/err" &&
	$PY -c "
import sys; sys.path.insert(0, \"$TOP/tests\"); import recio
recs = recio.read(\"$T/out.rec\")
assert [h[\"poi_id\"] for h, a in recs] == [\"p1\", \"p2\", \"p3\"], [h[\"poi_id\"] for h, a in recs]
for h, a in recs:
    assert a[\"still\"].shape == (3, 64, 64)
    assert h[\"rasters\"][0][\"bands\"] == [\"red\", \"green\", \"blue\"]
"
'

check 'rejects in input order, each with its reason' '
	$PY - "$T/rej.ndjson" <<PYEOF
import json, sys
rej = [json.loads(l) for l in open(sys.argv[1])]
got = [(r["poi_id"], r["error"]["message"]) for r in rej]
assert [g[0] for g in got] == ["p4", "p5", "p6", "p7", "p8", "p9", "p10", "p11", "p12"], got
url = "$BASE/styles/v1/mapbox/satellite-v9/static/%s,10,12,0,0/32x32@2x"
want = {
    "p4": url % "4.5" + "?...: HTTP 404: Not Found",
    "p5": url % "5.5" + ": not a PNG or JPEG image (starts with 3c 68 74 6d)",
    "p6": url % "6.5" + "?...: HTTP 401: Not Authorized - Invalid Token",
    "p7": url % "7.5" + "?...: HTTP 429 (after 3 attempts): Too Many Requests",
    "p8": url % "8.5" + ": the png is 50x40 pixels, expected 64x64",
    "p9": url % "9.5" + ": JPEG: Premature end of JPEG file",
    "p10": "lat 85.06 is beyond the Web Mercator limit of +-85.0511 that Mapbox Static Images accepts",
    "p11": "no numeric \"lon\" and \"lat\"",
    "p12": "lon 181 is outside -180..180",
}
for pid, msg in got:
    assert msg == want[pid], (pid, msg, want[pid])
    assert rej[[g[0] for g in got].index(pid)]["error"]["tool"] == "still-fetch"
PYEOF
	grep -q "^still-fetch: record 6 (p6): .*HTTP 401" "$T/err" &&
	grep -q "^still-fetch: 9 of 12 records rejected" "$T/err"
'

check 'PNG still: pixels equal what GDAL reads from the PNG' '
	gdal_translate -q -of ENVI -co INTERLEAVE=BSQ "$SRV/still.png" "$T/png.raw" &&
	$PY -c "
import sys; sys.path.insert(0, \"$TOP/tests\"); import recio, numpy as np
h, a = recio.read(\"$T/out.rec\")[0]
ref = np.fromfile(\"$T/png.raw\", dtype=np.uint8).reshape(3, 64, 64)
assert h[\"still\"][\"format\"] == \"png\", h[\"still\"]
assert np.array_equal(a[\"still\"], ref), \"PNG pixels differ\"
assert ref.std() > 5, \"a flat test image proves little\"
"
'

check 'JPEG still: pixels within 1 of what GDAL decodes, close to the source' '
	gdal_translate -q -of ENVI -co INTERLEAVE=BSQ "$SRV/still.jpg" "$T/jpg.raw" &&
	$PY -c "
import sys; sys.path.insert(0, \"$TOP/tests\"); import recio, numpy as np
recs = recio.read(\"$T/out.rec\")
h, a = recs[1]
ref = np.fromfile(\"$T/jpg.raw\", dtype=np.uint8).reshape(3, 64, 64).astype(int)
png = recs[0][1][\"still\"].astype(int)
got = a[\"still\"].astype(int)
assert h[\"still\"][\"format\"] == \"jpeg\", h[\"still\"]
d = np.abs(got - ref).max()
assert d <= 1, \"JPEG differs from GDAL by %d\" % d
assert np.abs(got - png).mean() < 6, \"JPEG far from its source: %f\" % np.abs(got - png).mean()
print(\"max diff to GDAL\", d)
"
'

check '429 then success: two requests, the still arrives' '
	test "$(grep -c "/static/3.5,10,12,0,0/32x32@2x 429" "$SRV/requests.log")" -eq 1 &&
	test "$(grep -c "/static/3.5,10,12,0,0/32x32@2x 200" "$SRV/requests.log")" -eq 1 &&
	test "$(grep -c "/static/7.5,10,12,0,0/32x32@2x 429" "$SRV/requests.log")" -eq 3 &&
	test "$(grep -c "/static/4.5," "$SRV/requests.log")" -eq 1 &&
	test "$(grep -c "/static/6.5," "$SRV/requests.log")" -eq 1
'

# The bytes decide, not the Content-Type: a JPEG labelled image/png and a PNG
# labelled image/jpeg (lon 10.x and 11.x, see mapbox.py) decode as what they are.
printf '%s\n' '{"poi_id":"q1","lon":10.5,"lat":10}' '{"poi_id":"q2","lon":11.5,"lat":10}' >"$T/lie.ndjson"
check 'mislabelled replies: the format comes from the bytes, not the Content-Type' '
	sf -q --size 32 <"$T/lie.ndjson" >"$T/lie.rec" &&
	$PY -c "
import sys; sys.path.insert(0, \"$TOP/tests\"); import recio, numpy as np
recs = recio.read(\"$T/lie.rec\")
ref = recio.read(\"$T/out.rec\")
assert [h[\"still\"][\"format\"] for h, a in recs] == [\"jpeg\", \"png\"], [h[\"still\"] for h, a in recs]
assert np.array_equal(recs[0][1][\"still\"], ref[1][1][\"still\"]), \"JPEG pixels differ\"
assert np.array_equal(recs[1][1][\"still\"], ref[0][1][\"still\"]), \"PNG pixels differ\"
"
'

check 'URL: lon/lat to 6 decimals at most, zoom, bearing, pitch, size@2x' '
	grep -q "^/styles/v1/mapbox/satellite-v9/static/1.5,52.25,12,0,0/32x32@2x 200$" "$SRV/requests.log" &&
	grep -q "^/styles/v1/mapbox/satellite-v9/static/2.5,-10.123457,12,0,0/32x32@2x 200$" "$SRV/requests.log" &&
	! grep -q "static/1,85.06\|static/181," "$SRV/requests.log"
'

check 'the overview row, worded as the original (address cut at 160 characters)' '
	$PY -c "
import sys; sys.path.insert(0, \"$TOP/tests\"); import recio
recs = recio.read(\"$T/out.rec\")
h = recs[0][0]
addr = (\"Straße \" + \"é\" * 170)[:160]
rows = h[\"rows\"]
assert len(rows) == 1 and rows[0][\"tag\"] == \"mapbox_overview\" and rows[0][\"boxes\"] == []
m = rows[0][\"messages\"]
assert m[0][\"role\"] == \"user\" and m[0][\"content\"][0] == {\"type\": \"image\", \"image\": \"{image}\"}
assert m[0][\"content\"][1][\"text\"].startswith(\"The input is overhead context imagery (not the same sensor as the chips).\")
ans = m[1][\"content\"][0][\"text\"]
want = (\"Overhead context imagery (zoom 12.0) centered near 52.25000\u00b0, 1.50000\u00b0. \"
        \"Pairs with satellite imagery and land-cover outputs from the same area. \"
        \"ISO country: DE. Vicinity: \" + addr + \".\")
assert ans == want, ans
a2 = recs[1][0][\"rows\"][0][\"messages\"][1][\"content\"][0][\"text\"]
assert a2 == (\"Overhead context imagery (zoom 12.0) centered near -10.12346\u00b0, 2.50000\u00b0. \"
              \"Pairs with satellite imagery and land-cover outputs from the same area. \"
              \"ISO country: BR.\"), a2
assert \"ISO\" not in recs[2][0][\"rows\"][0][\"messages\"][1][\"content\"][0][\"text\"]
"
'

check '"still" key and the Web Mercator grid of the still' '
	$PY -c "
import sys, math; sys.path.insert(0, \"$TOP/tests\"); import recio
h = recio.read(\"$T/out.rec\")[0][0]
s = h[\"still\"]
assert (s[\"style\"], s[\"zoom\"], s[\"width\"], s[\"height\"], s[\"scale\"], s[\"bearing\"], s[\"pitch\"]) == \
    (\"mapbox/satellite-v9\", 12, 32, 32, 2, 0, 0), s
assert s[\"url\"] == \"$BASE/styles/v1/mapbox/satellite-v9/static/1.5,52.25,12,0,0/32x32@2x\", s[\"url\"]
g = h[\"grid\"]
R = 6378137.0
x = R * math.radians(1.5); y = R * math.log(math.tan(math.pi / 4 + math.radians(52.25) / 2))
px = 2 * math.pi * R / (512 * 2 ** 12 * 2)
assert g[\"crs\"] == \"EPSG:3857\" and g[\"width\"] == 64 and g[\"height\"] == 64
want = [px, 0, x - 32 * px, 0, -px, y + 32 * px]
assert all(abs(a - b) < 1e-6 for a, b in zip(g[\"transform\"], want)), (g, want)
"
'

check '--spool: a GeoTIFF in EPSG:3857 whose centre is the POI, same pixels' '
	head -n 1 "$T/in.ndjson" | sf --size 32 --spool "$T/spool" >"$T/sp.rec" &&
	tif=$(ls "$T"/spool/*.tif) && test -n "$tif" &&
	grep -q "\"path\":\"$tif\"" "$T/sp.rec" &&
	gdalsrsinfo -o epsg "$tif" | grep -q "EPSG:3857" &&
	echo 32 32 | gdaltransform -t_srs EPSG:4326 "$tif" >"$T/centre" &&
	$PY -c "
lon, lat, _ = map(float, open(\"$T/centre\").read().split())
assert abs(lon - 1.5) < 1e-9 and abs(lat - 52.25) < 1e-9, (lon, lat)
" &&
	gdal_translate -q -of ENVI -co INTERLEAVE=BSQ "$tif" "$T/sp.raw" &&
	cmp "$T/sp.raw" "$T/png.raw"
'

check 'the token appears nowhere: output, rejects, stderr, server log' '
	! grep -r -l -a -F "$TOKEN" "$T/out.rec" "$T/rej.ndjson" "$T/err" "$SRV"
'

head -n 3 "$T/in.ndjson" >"$T/good.ndjson"
check '-j 1 and -j 8 give byte-identical output' '
	sf --size 32 -j 1 <"$T/good.ndjson" >"$T/j1.rec" &&
	sf --size 32 -j 8 <"$T/good.ndjson" >"$T/j8.rec" &&
	cmp "$T/j1.rec" "$T/j8.rec" && test -s "$T/j1.rec"
'

check '--no-retina --size 64: 64x64 asked without @2x' '
	echo "{\"poi_id\":\"n1\",\"lon\":1.25,\"lat\":0}" |
	sf --no-retina --size 64 >"$T/nr.rec" &&
	grep -q "/static/1.25,0,12,0,0/64x64 200$" "$SRV/requests.log" &&
	head -n 1 "$T/nr.rec" | grep -q "\"scale\":1,"
'

check '--style, --zoom, --bearing, --pitch reach the URL; a rotated still has no grid' '
	echo "{\"poi_id\":\"b1\",\"lon\":1.75,\"lat\":0}" |
	sf --style me/my.style-1 --zoom 13.257 --bearing 30 --pitch 45.5 --size 32 >"$T/b.rec" &&
	grep -q "^/styles/v1/me/my.style-1/static/1.75,0,13.26,30,45.5/32x32@2x 200$" "$SRV/requests.log" &&
	head -n 1 "$T/b.rec" | grep -q "(zoom 13.257) centered near 0.00000" &&
	! head -n 1 "$T/b.rec" | grep -q "\"grid\""
'

printf '  %s  \n' "$TOKEN" >"$T/token.txt"
check '--token-file: the first line, blanks trimmed, no environment needed' '
	head -n 1 "$T/in.ndjson" |
	env -u MAPBOX_ACCESS_TOKEN still-fetch --base-url "$BASE" --size 32 \
	    --token-file "$T/token.txt" >"$T/tf.rec" &&
	head -n 1 "$T/tf.rec" | grep -q "\"format\":\"png\""
'

check 'no token: exit 2 with a message, an existing --rejects file untouched' '
	echo keep >"$T/keep.rej" &&
	fails 2 "env -u MAPBOX_ACCESS_TOKEN still-fetch --rejects $T/keep.rej </dev/null 2>$T/e1" &&
	grep -q "^still-fetch: no access token: set MAPBOX_ACCESS_TOKEN or use --token-file FILE" "$T/e1" &&
	test "$(cat "$T/keep.rej")" = keep
'

check 'unreadable or empty token file: exit 2' '
	fails 2 "still-fetch --token-file $T/nope </dev/null 2>$T/e2" &&
	grep -q "^still-fetch: --token-file $T/nope: No such file or directory" "$T/e2" &&
	: >"$T/empty" &&
	fails 2 "still-fetch --token-file $T/empty </dev/null 2>$T/e3" &&
	grep -q "no token on the first line" "$T/e3"
'

check 'a token that would need escaping is refused without being printed' '
	fails 2 "MAPBOX_ACCESS_TOKEN=\"pk.a&b=SEKRIT\" still-fetch </dev/null 2>$T/e4" &&
	grep -q "^still-fetch: MAPBOX_ACCESS_TOKEN: the token has characters other than" "$T/e4" &&
	! grep -q SEKRIT "$T/e4"
'

check 'a wrong token: every POI rejected with 401, exit 1, neither token shown' '
	fails 1 "head -n 2 $T/in.ndjson | MAPBOX_ACCESS_TOKEN=pk.wrong-one still-fetch --base-url $BASE --size 32 -q --rejects $T/rej401 >$T/w.rec 2>$T/e5" &&
	test ! -s "$T/w.rec" && test "$(grep -c "HTTP 401: Not Authorized" "$T/rej401")" -eq 2 &&
	! grep -q "pk.wrong-one\|$TOKEN" "$T/rej401" "$T/e5"
'

check 'bad options: exit 2 with a message each' '
	for a in "--zoom 23" "--zoom x" "--size 0" "--size 1281" "--pitch 61" "--bearing -1" \
	    "--style nostyle" "--style a/b/c" "--timeout 0" "-j 0" "--base-url http://x/?a=1" "stray"; do
		fails 2 "sf $a </dev/null 2>$T/eo" || exit 1
		grep -q "^still-fetch: " "$T/eo" || { echo "no message for $a"; exit 1; }
	done
	sf --zoom 23 </dev/null 2>&1 | grep -q "^still-fetch: --zoom: expected 0..22, got .23."
'

check 'a record that already has rasters is rejected' '
	fails 1 "sf --size 32 <$T/nr.rec >/dev/null 2>$T/e6" &&
	grep -q "already has rasters or a grid: still-fetch takes POI records" "$T/e6"
'

check 'nothing listening: rejected with "connection refused", exit 1' '
	p=$(free_port) &&
	fails 1 "head -n 1 $T/in.ndjson | MAPBOX_ACCESS_TOKEN=$TOKEN still-fetch --base-url http://127.0.0.1:$p --max-retries 0 >/dev/null 2>$T/e7" &&
	grep -q "static/1.5,52.25,12,0,0/1280x1280@2x?...: connection refused" "$T/e7"
'

check 'empty input: exit 0, no output' '
	sf </dev/null >"$T/empty.rec" && test ! -s "$T/empty.rec"
'

check 'a broken input stream: exit 2' '
	fails 2 "echo not-json | sf 2>$T/e8" && grep -q "^still-fetch: stdin" "$T/e8"
'

# p1, a record with bad content in a sound frame, p4 (404), p2, then a broken frame.
{
	sed -n 1p "$T/in.ndjson"
	printf "%s\nX\n" "{\"poi_id\":\"bad\",\"rasters\":[{\"role\":\"x\",\"width\":1,\"height\":1,\"bands\":[\"a\"],\"dtype\":\"bogus\",\"bytes\":1}]}"
	sed -n 4p "$T/in.ndjson"
	sed -n 2p "$T/in.ndjson"
	echo "not json"
	sed -n 3p "$T/in.ndjson"
} >"$T/mixed.ndjson"
check 'bad records rejected in input order; a broken stream: the records before it, then exit 2' '
	fails 2 "sf --size 32 -j 8 --rejects $T/mixrej <$T/mixed.ndjson >$T/mix.rec 2>$T/e9" &&
	test "$(grep -a -o "^X*{\"poi_id\":\"[a-z0-9]*\"" "$T/mixrej" | tr -d "X\n")" = "{\"poi_id\":\"bad\"{\"poi_id\":\"p4\"" &&
	grep -q "^still-fetch: record 2 (bad): rasters\[0\] (x): unknown dtype" "$T/e9" &&
	grep -q "^still-fetch: stdin: record 5 (byte [0-9]*): not a JSON object" "$T/e9" &&
	$PY -c "
import sys; sys.path.insert(0, \"$TOP/tests\"); import recio
ids = [h[\"poi_id\"] for h, a in recio.read(\"$T/mix.rec\")]
assert ids == [\"p1\", \"p2\"], ids
"
'

check 'stdout not writable: exit 2' '
	fails 2 "head -n 1 $T/in.ndjson | sf --size 32 >/dev/full 2>/dev/null"
'

# The bundled POIs, moved to lon 1.x where the replay answers with the PNG.
check 'poi-fetch | still-fetch | shard-write: the still lands in mapbox_stills/ unchanged' '
	poi-fetch --from "$TOP/examples/pois.csv" --num-points 2 --min-separation-km 1 2>/dev/null |
	sed "s/\"lon\":12\.[0-9]*/\"lon\":1.5/" >"$T/pois.ndjson" &&
	test "$(wc -l <"$T/pois.ndjson")" -eq 2 &&
	sf --size 32 <"$T/pois.ndjson" | shard-write -o "$T/ds" &&
	cat "$T"/ds/data/*.jsonl >"$T/rows.jsonl" &&
	test "$(wc -l <"$T/rows.jsonl")" -eq 2 &&
	for f in $($PY -c "
import json
for l in open(\"$T/rows.jsonl\"):
    print(json.loads(l)[\"messages\"][0][\"content\"][0][\"image\"])
"); do
		case $f in mapbox_stills/s00000/poi_00000[01].png) ;; *) exit 1;; esac
		gdal_translate -q -of ENVI -co INTERLEAVE=BSQ "$T/ds/$f" "$T/ds.raw" &&
		cmp "$T/ds.raw" "$T/png.raw" || exit 1
	done &&
	grep -q "Vicinity: Ketzin/Havel, Brandenburg.\"" "$T/rows.jsonl" &&
	grep -q "ISO country: DE. Vicinity: Wustermark, Brandenburg.\"" "$T/rows.jsonl"
'

check 'the token appears nowhere in any file of this test but the token file' '
	! grep -r -l -a -F "$TOKEN" "$T" | grep -v "/token.txt$" | grep -v "/\.check\.out$"
'
