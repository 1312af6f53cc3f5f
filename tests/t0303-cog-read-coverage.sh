#!/bin/sh
# cog-read, issue 3 bullets the other cog-read tests leave open: coverage
# counts nodata *inside* the image (not only outside it) and --min-coverage
# at its boundary; --assets order is band order; the STAC proj:epsg and
# proj:code cross-check; the "fetch" key's three members; all assets of a
# record share reused connections (nginx's $connection); a broken line
# after a good record flushes that record and names the broken record.
. "$(dirname "$0")/lib.sh"

S2=$FIX/sentinel2_l2a_cog/S2A_29RKH_20200219_0_L2A
W=$T/www
mkdir -p "$W"
cp "$S2"/B02.tif "$S2"/B03.tif "$S2"/B04.tif "$W"/ || exit 1
# Real B04 with a block of nodata (0, the file's GDAL_NODATA) punched inside
# the image, rewritten as a COG by GDAL: rows 260..289, cols 270..339.
$PY - "$S2/B04.tif" "$W/holes.tif" <<'EOF' || exit 1
import sys
from osgeo import gdal
src = gdal.Open(sys.argv[1])
mem = gdal.Translate("", src, format="MEM")
a = mem.GetRasterBand(1).ReadAsArray()
assert (a != 0).all()
a[260:290, 270:340] = 0
mem.GetRasterBand(1).WriteArray(a)
mem.GetRasterBand(1).SetNoDataValue(0)
gdal.Translate(sys.argv[2], mem, format="COG", creationOptions=["COMPRESS=DEFLATE"])
EOF
start_nginx "$W" || { echo "not ok - nginx"; exit 1; }
# The same server logging each request's connection number too ($6).
$PY -c 'import sys
p = sys.argv[1]; s = open(p).read()
open(p, "w").write(s.replace("\"$http_range\"'"'"';", "\"$http_range\" $connection'"'"';"))' \
    "$T/nginx.$NGINX_PORT/nginx.conf"
grep -q 'http_range" $connection' "$T/nginx.$NGINX_PORT/nginx.conf" || { echo "not ok - log format"; exit 1; }
nginx -s reload -c "$T/nginx.$NGINX_PORT/nginx.conf" -e "$T/nginx.$NGINX_PORT/error.log" ||
    { echo "not ok - nginx reload"; exit 1; }
sleep 1

# mk ID COL ROW [SCENE-EXTRA] [RED-FILE]: a point 0.3 px into pixel (COL,ROW) of
# the 100 m grid (origin 199980, 2800020), lon/lat by gdaltransform.
mk() {
	ll=$(echo "$((199980 + $2 * 100 + 30)) $((2800020 - $3 * 100 - 30))" |
	    gdaltransform -s_srs EPSG:32629 -t_srs EPSG:4326 -output_xy)
	set -- "$1" "$2" "$3" "${4:-\"crs\":\"EPSG:32629\"}" "${5:-B04.tif}" $ll
	printf '{"poi_id":"%s","lon":%s,"lat":%s,"scene":{"id":"S2A_29RKH",%s,"assets":{"red":{"href":"%s/%s"},"green":{"href":"%s/B03.tif"},"blue":{"href":"%s/B02.tif"}}}}\n' \
	    "$1" "$6" "$7" "$4" "$NGINX_URL" "$5" "$NGINX_URL" "$NGINX_URL"
}
field() {	# field REC EXPR: a python expression over header h and arrays a, per record
	$PY -c 'import sys, json
sys.path.insert(0, sys.argv[3])
import recio
for h, a in recio.read(sys.argv[1]):
    print(eval(sys.argv[2]))' "$1" "$2" "$TOP/tests"
}

# Window cols/rows 250..349: the hole covers 30 x 70 = 2100 of its 10000 pixels.
mk hole 300 300 "" holes.tif >"$T/hole.jsonl"
check 'nodata inside the image lowers coverage: 0.79, equal to GDAL'"'"'s count' '
	cog-read -q --assets red --size 100 <"$T/hole.jsonl" >"$T/hole.rec" &&
	[ "$(field "$T/hole.rec" "h[\"coverage\"]")" = "0.79" ] &&
	$PY -c "
import sys
sys.path.insert(0, \"$TOP/tests\")
import recio, numpy as np
from osgeo import gdal
(h, a), = recio.read(\"$T/hole.rec\")
t = h[\"grid\"][\"transform\"]
c0 = round((t[2] - 199980) / 100); r0 = round((2800020 - t[5]) / 100)
ds = gdal.Translate(\"\", \"$W/holes.tif\", format=\"MEM\", srcWin=[c0, r0, 100, 100])
ref = ds.GetRasterBand(1).ReadAsArray()
assert (a[\"image\"][0] == ref).all()
assert abs(h[\"coverage\"] - np.count_nonzero(ref) / ref.size) < 1e-12, h[\"coverage\"]
assert h[\"rasters\"][0][\"nodata\"] == 0
"'
check '--min-coverage equal to the coverage keeps the record, just above rejects it (exit 1)' '
	cog-read -q --assets red --size 100 --min-coverage 0.79 <"$T/hole.jsonl" >"$T/mc1.rec" &&
	[ "$(field "$T/mc1.rec" "h[\"poi_id\"]")" = "hole" ] &&
	fails 1 "cog-read -q --assets red --size 100 --min-coverage 0.7901 <\"$T/hole.jsonl\" >\"$T/mc2.rec\" 2>\"$T/mc2.err\"" &&
	grep -q "coverage 0.7900 below --min-coverage 0.7901" "$T/mc2.err" && [ ! -s "$T/mc2.rec" ]'

# --assets order is the band order, pixels included.
mk ord 500 700 >"$T/ord.jsonl"
check '--assets blue,red: bands in that order, each equal to its own file (GDAL)' '
	cog-read -q --assets blue,red --size 64 <"$T/ord.jsonl" >"$T/ord.rec" &&
	$PY -c "
import sys
sys.path.insert(0, \"$TOP/tests\")
import recio
from osgeo import gdal
(h, a), = recio.read(\"$T/ord.rec\")
assert h[\"rasters\"][0][\"bands\"] == [\"blue\", \"red\"], h[\"rasters\"][0]
t = h[\"grid\"][\"transform\"]
c0 = round((t[2] - 199980) / 100); r0 = round((2800020 - t[5]) / 100)
for k, f in enumerate([\"B02\", \"B04\"]):
    ds = gdal.Open(\"$W/%s.tif\" % f)	# kept: a band outliving its dataset crashes
    ref = ds.GetRasterBand(1).ReadAsArray(c0, r0, 64, 64)
    assert (a[\"image\"][k] == ref).all(), f
"'

# STAC proj:epsg (integer) and proj:code (string) are cross-checked like crs.
check 'proj:epsg 32629 (agrees with the GeoTIFF keys): read' '
	mk pe 400 400 "\"proj:epsg\":32629" | cog-read -q --assets red --size 32 >"$T/pe.rec" &&
	[ "$(field "$T/pe.rec" "h[\"grid\"][\"crs\"]")" = "EPSG:32629" ]'
check 'proj:epsg 32630 disagrees: rejected naming both codes, exit 1' '
	mk pe2 400 400 "\"proj:epsg\":32630" >"$T/pe2.jsonl" &&
	fails 1 "cog-read -q --assets red --size 32 <\"$T/pe2.jsonl\" >\"$T/pe2.rec\" 2>\"$T/pe2.err\"" &&
	grep -q "scene: crs EPSG:32630 disagrees with asset red (EPSG:32629)" "$T/pe2.err" &&
	[ ! -s "$T/pe2.rec" ]'
check 'proj:code "EPSG:32631" disagrees: rejected, exit 1' '
	mk pc 400 400 "\"proj:code\":\"EPSG:32631\"" >"$T/pc.jsonl" &&
	fails 1 "cog-read -q --assets red --size 32 <\"$T/pc.jsonl\" >/dev/null 2>\"$T/pc.err\"" &&
	grep -q "scene: crs EPSG:32631 disagrees with asset red (EPSG:32629)" "$T/pc.err"'

# fetch: exactly requests, bytes, seconds; connections reused across assets.
mk con 256 256 >"$T/con.jsonl"
: >"$NGINX_LOG"
check 'fetch has requests, bytes (= the log) and seconds (a number >= 0)' '
	cog-read -q --size 100 <"$T/con.jsonl" >"$T/con.rec" &&
	[ "$(field "$T/con.rec" "sorted(h[\"fetch\"]) == [\"bytes\", \"requests\", \"seconds\"]")" = True ] &&
	[ "$(field "$T/con.rec" "isinstance(h[\"fetch\"][\"seconds\"], float) and 0 <= h[\"fetch\"][\"seconds\"] < 30")" = True ] &&
	[ "$(field "$T/con.rec" "h[\"fetch\"][\"bytes\"]")" -eq "$(awk "{s += \$5} END {print s}" "$NGINX_LOG")" ]'
check '3 assets, 6 requests: at most 3 connections (tiles reuse the header connections)' '
	cp "$NGINX_LOG" "$T/con.log" &&
	[ $(wc -l <"$T/con.log") -eq 6 ] &&
	n=$(awk "{print \$NF}" "$T/con.log" | sort -u | wc -l) && echo "connections: $n" &&
	[ "$n" -ge 1 ] && [ "$n" -le 3 ]'

check 'a broken line after a good record: that record is out, the message names record 2, exit 2' '
	{ mk g1 300 300; echo "{not json"; mk g2 301 301; } >"$T/br.jsonl" &&
	fails 2 "cog-read -q --assets red --size 32 <\"$T/br.jsonl\" >\"$T/br.rec\" 2>\"$T/br.err\"" &&
	grep -q "^cog-read: stdin: record 2 (byte [0-9]*): not a JSON object" "$T/br.err" &&
	[ "$(field "$T/br.rec" "h[\"poi_id\"]")" = "g1" ]'

# The header cache is least-recently-used, not first-in-first-out: with room
# for 2, the order A B A C A keeps A (used again before C arrives) and
# evicts B, so the last A costs no header (FIFO would evict A: "2 2 1 2 2").
cp "$W/B04.tif" "$W/B04b.tif" && cp "$W/B04.tif" "$W/B04c.tif"
{ mk A 256 256; mk B 256 256 "" B04b.tif; mk A2 256 256; mk C 256 256 "" B04c.tif; mk A3 256 256; } >"$T/lru.jsonl"
: >"$NGINX_LOG"
check '--cache 2, files A B A C A: least recently used evicted (3 header reads, last A from the cache)' '
	cog-read -q -j 1 --assets red --size 100 --cache 2 <"$T/lru.jsonl" >"$T/lru.rec" &&
	[ "$(field "$T/lru.rec" "h[\"fetch\"][\"requests\"]" | tr "\n" " ")" = "2 2 1 2 1 " ] &&
	[ $(grep -c "\"bytes=0-16383\"" "$NGINX_LOG") -eq 3 ] &&
	[ $(grep -c "GET /B04.tif .*\"bytes=0-16383\"" "$NGINX_LOG") -eq 1 ]'
