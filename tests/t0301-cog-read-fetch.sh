#!/bin/sh
# cog-read's network behaviour and the rest of its output, against nginx's
# access log and GDAL: one 16 KiB header range per file, exactly the tile
# ranges a window needs (adjacent tiles merged), headers cached across
# batches, "fetch" equal to the log; --scl equal to gdalwarp -r near on the
# window's grid, --resolution reading the overview, --size-m, coverage.
. "$(dirname "$0")/lib.sh"

S2=$FIX/sentinel2_l2a_cog/S2A_29RKH_20200219_0_L2A
W=$T/www
mkdir -p "$W"
cp "$S2"/B02.tif "$S2"/B03.tif "$S2"/B04.tif "$S2"/SCL.tif "$S2"/TCI.tif "$W"/ &&
    cp "$FIX"/landsat_fallback/RGB.byte.tif "$W"/rgb.tif || exit 1
start_nginx "$W" || { echo "not ok - nginx"; exit 1; }

# Records at chosen pixels of the 100 m fixture grid (origin 199980, 2800020):
# point = pixel centre + 0.3 px, lon/lat by gdaltransform (GDAL, not us).
mk() {	# mk ID COL ROW [extra scene json] -> one record line
	ll=$(echo "$((199980 + $2 * 100 + 30)) $((2800020 - $3 * 100 - 30))" |
	    gdaltransform -s_srs EPSG:32629 -t_srs EPSG:4326 -output_xy)
	set -- "$1" "$2" "$3" "${4:-}" $ll
	printf '{"poi_id":"%s","lon":%s,"lat":%s,"scene":{"id":"S2A_29RKH_20200219_0_L2A","crs":"EPSG:32629"%s,"assets":{"red":{"href":"%s/B04.tif","nodata":0},"green":{"href":"%s/B03.tif","nodata":0},"blue":{"href":"%s/B02.tif","nodata":0},"scl":{"href":"%s/SCL.tif","nodata":0},"visual":{"href":"%s/TCI.tif"}}}}\n' \
	    "$1" "$5" "$6" "$4" "$NGINX_URL" "$NGINX_URL" "$NGINX_URL" "$NGINX_URL" "$NGINX_URL"
}
# Tile offsets and sizes as GDAL reports them (TIFF metadata domain).
tile() {	# tile FILE X Y -> "offset size"
	$PY -c 'import sys
from osgeo import gdal
ds = gdal.Open(sys.argv[1])
b = ds.GetRasterBand(1)
print(b.GetMetadataItem("BLOCK_OFFSET_%s_%s" % (sys.argv[2], sys.argv[3]), "TIFF"),
      b.GetMetadataItem("BLOCK_SIZE_%s_%s" % (sys.argv[2], sys.argv[3]), "TIFF"))' "$@"
}
field() {	# field REC EXPR -> value of a python expression over header h, per record
	$PY -c 'import sys, hashlib
sys.path.insert(0, sys.argv[3])
import recio
for h, a in recio.read(sys.argv[1]):
    print(eval(sys.argv[2]))' "$1" "$2" "$TOP/tests"
}
loglines() { wc -l <"$NGINX_LOG"; }

# 1. One window inside tile (0,0) of three assets: 3 header ranges + 3 tile ranges.
mk one 256 256 >"$T/one.jsonl"
: >"$NGINX_LOG"
check 'one window, 3 assets: exit 0' 'cog-read -q --size 100 <"$T/one.jsonl" >"$T/one.rec"'
cp "$NGINX_LOG" "$T/one.log"
check 'nginx saw 6 requests: 3 headers of bytes=0-16383, 3 tiles' '
	[ $(wc -l <"$T/one.log") -eq 6 ] &&
	[ $(grep -c "\"bytes=0-16383\"" "$T/one.log") -eq 3 ]'
check 'each tile request is exactly TileOffsets[0]..+TileByteCounts[0] of its file' '
	for f in B02 B03 B04; do
		set -- $(tile "$W/$f.tif" 0 0)
		grep -q "GET /$f.tif .* 206 $2 \"bytes=$1-$(($1 + $2 - 1))\"" "$T/one.log" || exit 1
	done'
check 'fetch.requests and fetch.bytes equal the access log' '
	[ "$(field "$T/one.rec" "h[\"fetch\"][\"requests\"]")" -eq 6 ] &&
	[ "$(field "$T/one.rec" "h[\"fetch\"][\"bytes\"]")" -eq \
	  "$(awk "{s += \$5} END {print s}" "$T/one.log")" ]'
check 'grid, bands, dtype, nodata, coverage 1' '
	[ "$(field "$T/one.rec" "h[\"grid\"][\"transform\"]")" = "[100.0, 0.0, 220580.0, 0.0, -100.0, 2779420.0]" ] &&
	[ "$(field "$T/one.rec" "\",\".join(h[\"rasters\"][0][\"bands\"]) + \" \" + h[\"rasters\"][0][\"dtype\"] + \" %g %g\" % (h[\"rasters\"][0][\"nodata\"], h[\"coverage\"])")" = "red,green,blue uint16 0 1" ]'

# 2. Headers are cached: a second point of the same scene in a later batch
#    costs only its tiles; a window over two neighbouring tiles is one range.
mk a 256 256 >"$T/two.jsonl"
mk b 512 256 >>"$T/two.jsonl"
: >"$NGINX_LOG"
check 'two points, -j 1: exit 0' 'cog-read -q -j 1 --size 100 <"$T/two.jsonl" >"$T/two.rec"'
cp "$NGINX_LOG" "$T/two.log"
# Expected ranges of record b from GDAL's tile offsets: tiles (0,0) and (1,0)
# of each file, one range when they touch in the file (in either order), else two.
$PY -c 'import sys
from osgeo import gdal
for f in ("B04", "B03", "B02"):
    ds = gdal.Open(sys.argv[1] + "/" + f + ".tif"); b = ds.GetRasterBand(1)
    t = sorted((int(b.GetMetadataItem("BLOCK_OFFSET_%d_0" % x, "TIFF")),
                int(b.GetMetadataItem("BLOCK_SIZE_%d_0" % x, "TIFF"))) for x in (0, 1))
    if t[1][0] - (t[0][0] + t[0][1]) <= 4096:
        print("/%s.tif bytes=%d-%d" % (f, t[0][0], t[1][0] + t[1][1] - 1))
    else:
        for o, n in t: print("/%s.tif bytes=%d-%d" % (f, o, o + n - 1))
' "$W" | sort >"$T/two.want"
check 'the second record fetched no header, only its tile ranges, merged where adjacent' '
	tail -n +7 "$T/two.log" | sed "s/^\"GET \([^ ]*\) .*\"\(bytes=[0-9-]*\)\"\$/\1 \2/" | sort >"$T/two.got" &&
	cmp "$T/two.want" "$T/two.got" &&
	[ $(grep -c "\"bytes=0-16383\"" "$T/two.log") -eq 3 ] &&
	[ "$(field "$T/two.rec" "h[\"fetch\"][\"requests\"]" | tr "\n" " ")" = "6 $(wc -l <"$T/two.want") " ]'
check 'at least one file stores the two tiles side by side: one merged range' '
	[ $(wc -l <"$T/two.want") -lt 6 ]'

# A cache of one header: alternating scenes re-read their headers, and are right.
{ mk c1 256 256; mk c2 256 256 | sed "s|/B04.tif|/B04b.tif|"; mk c3 256 256; } >"$T/cache.jsonl"
cp "$W/B04.tif" "$W/B04b.tif"
: >"$NGINX_LOG"
check '--cache 1 with alternating files: every record fetches its header again' '
	cog-read -q -j 1 --assets red --size 100 --cache 1 <"$T/cache.jsonl" >"$T/cache.rec" &&
	[ "$(field "$T/cache.rec" "h[\"fetch\"][\"requests\"]" | tr "\n" " ")" = "2 2 2 " ] &&
	[ $(grep -c "\"bytes=0-16383\"" "$NGINX_LOG") -eq 3 ] &&
	[ "$(field "$T/cache.rec" "hash(a[\"image\"].tobytes())" | sort -u | wc -l)" -eq 1 ]'
: >"$NGINX_LOG"
check 'the default cache keeps both: the third record fetches no header' '
	cog-read -q -j 1 --assets red --size 100 <"$T/cache.jsonl" >"$T/cache2.rec" &&
	[ "$(field "$T/cache2.rec" "h[\"fetch\"][\"requests\"]" | tr "\n" " ")" = "2 2 1 " ]'

# Jittered variants of one point in one batch share their tiles: fetched once.
{ mk v0 256 256; mk v1 262 251; mk v2 249 259; } >"$T/jit.jsonl"
: >"$NGINX_LOG"
check 'three nearby points in one batch: 3 headers + 3 tile ranges in all, counted on the first' '
	cog-read -q -j 8 --size 100 <"$T/jit.jsonl" >"$T/jit.rec" &&
	[ $(wc -l <"$NGINX_LOG") -eq 6 ] &&
	[ "$(field "$T/jit.rec" "h[\"fetch\"][\"requests\"]" | tr "\n" " ")" = "6 0 0 " ] &&
	[ "$(field "$T/jit.rec" "h[\"fetch\"][\"bytes\"]" | awk "{s += \$1} END {print s}")" -eq \
	  "$(awk "{s += \$5} END {print s}" "$NGINX_LOG")" ]'
check 'and their pixels equal those read one record at a time' '
	cog-read -q -j 1 --cache 1 --size 100 <"$T/jit.jsonl" >"$T/jit1.rec" &&
	[ "$(field "$T/jit.rec" "hashlib.sha256(a[\"image\"].tobytes()).hexdigest()")" = \
	  "$(field "$T/jit1.rec" "hashlib.sha256(a[\"image\"].tobytes()).hexdigest()")" ] &&
	[ "$(field "$T/jit.rec" "hashlib.sha256(a[\"image\"].tobytes()).hexdigest()" | sort -u | wc -l)" -eq 3 ]'

# 3. A stripped file with its IFD at the end (not a COG): the header grows.
rgbrec() {
	printf '{"poi_id":"rgb","lon":%s,"lat":%s,"scene":{"id":"rgb","assets":{"visual":{"href":"%s/rgb.tif"}}}}\n' $1 $2 "$NGINX_URL"
}
ll=$(echo "220000 2720000" | gdaltransform -s_srs EPSG:32618 -t_srs EPSG:4326 -output_xy)
rgbrec $ll >"$T/rgb.jsonl"
: >"$NGINX_LOG"
check 'stripped non-COG file: header in 2 ranges (16 KiB, then the IFD at the end)' '
	cog-read -q --visual --size 64 <"$T/rgb.jsonl" >"$T/rgb.rec" &&
	[ $(grep -c "GET /rgb.tif" "$NGINX_LOG") -ge 3 ] &&
	[ $(grep "GET /rgb.tif" "$NGINX_LOG" | head -n 2 | grep -c "bytes=") -eq 2 ] &&
	grep -q "\"bytes=1743350-" "$NGINX_LOG" &&
	[ "$(field "$T/rgb.rec" "h[\"fetch\"][\"requests\"]")" -eq "$(wc -l <"$NGINX_LOG")" ] &&
	[ "$(awk "{s += \$5} END {print s}" "$NGINX_LOG")" -lt 200000 ]'

# 4. --scl: the 200 m SCL on the 100 m window grid, as gdalwarp -r near does it.
mk scl 630 52 >"$T/scl.jsonl"	# clouds over desert: several classes
check '--scl adds raster scl equal to gdalwarp -r near on the window grid' '
	cog-read -q --scl --size 101 <"$T/scl.jsonl" >"$T/scl.rec" &&
	$PY -c "
import sys
sys.path.insert(0, \"$TOP/tests\")
import recio, numpy as np
from osgeo import gdal
(h, a), = recio.read(\"$T/scl.rec\")
t = h[\"grid\"][\"transform\"]; w = h[\"grid\"][\"width\"]; hh = h[\"grid\"][\"height\"]
ds = gdal.Warp(\"\", \"$W/SCL.tif\", format=\"MEM\", outputBounds=[t[2], t[5] + hh * t[4], t[2] + w * t[0], t[5]],
    xRes=t[0], yRes=-t[4], resampleAlg=\"near\")
ref = np.frombuffer(ds.ReadRaster(), np.uint8).reshape(1, hh, w)
assert a[\"scl\"].dtype == np.uint8 and (a[\"scl\"] == ref).all(), (a[\"scl\"] != ref).sum()
assert h[\"rasters\"][1][\"role\"] == \"scl\" and h[\"rasters\"][1][\"nodata\"] == 0
assert len(set(a[\"scl\"].ravel())) > 1
"'

# 5. --resolution 200 reads overview 1 (200 m), equal to GDAL's overview.
check '--resolution 200 reads the 200 m overview pixels as GDAL does' '
	cog-read -q --assets red --resolution 200 --size 64 <"$T/scl.jsonl" >"$T/ovr.rec" &&
	$PY -c "
import sys
sys.path.insert(0, \"$TOP/tests\")
import recio, numpy as np
from osgeo import gdal
(h, a), = recio.read(\"$T/ovr.rec\")
t = h[\"grid\"][\"transform\"]
assert t[0] == 200 and t[4] == -200, t
c0 = round((t[2] - 199980) / 200); r0 = round((2800020 - t[5]) / 200)
src = gdal.OpenEx(\"$W/B04.tif\", open_options=[\"OVERVIEW_LEVEL=0\"])
ds = gdal.Translate(\"\", src, format=\"MEM\", srcWin=[c0, r0, 64, 64])
ref = np.frombuffer(ds.ReadRaster(), np.uint16).reshape(1, 64, 64)
assert (a[\"image\"] == ref).all()
"'
check '--resolution 60 on a file without a 60 m overview: rejected, exit 1' '
	fails 1 "cog-read -q --resolution 60 <\"$T/scl.jsonl\" >/dev/null 2>\"$T/res.err\"" &&
	grep -q "asset red: no overview with 60 m pixels" "$T/res.err"'

# 6. --size-m and coverage.
check '--size-m 5000 on 100 m pixels gives 50x50' '
	cog-read -q --assets red --size-m 5000 <"$T/scl.jsonl" >"$T/sm.rec" &&
	[ "$(field "$T/sm.rec" "(h[\"grid\"][\"width\"], h[\"grid\"][\"height\"])")" = "(50, 50)" ]'
mk corner 0 0 >"$T/corner.jsonl"
check 'a window over the top-left corner has coverage 0.25, outside = nodata' '
	cog-read -q --assets red --size 100 <"$T/corner.jsonl" >"$T/corner.rec" &&
	[ "$(field "$T/corner.rec" "h[\"coverage\"]")" = "0.25" ] &&
	[ "$(field "$T/corner.rec" "int(a[\"image\"][0, :50, :].max()), int(a[\"image\"][0, 50:, 50:].min() > 0)")" = "(0, 1)" ]'
check '--min-coverage 0.5 rejects it with the coverage in the message, exit 1' '
	fails 1 "cog-read -q --assets red --size 100 --min-coverage 0.5 <\"$T/corner.jsonl\" >\"$T/mc.rec\" 2>\"$T/mc.err\"" &&
	grep -q "\"tool\":\"cog-read\"" "$T/mc.err" &&
	grep -q "coverage 0.2500 below --min-coverage 0.5" "$T/mc.err" && [ ! -s "$T/mc.rec" ]'
check '--spool writes GeoTIFFs with the window grid and the same pixels' '
	mkdir -p "$T/spool" &&
	cog-read -q --size 100 --spool "$T/spool" <"$T/one.jsonl" >"$T/spool.jsonl" &&
	p=$(jq -r ".rasters[0].path" "$T/spool.jsonl") && [ -f "$p" ] &&
	$PY -c "
import sys
sys.path.insert(0, \"$TOP/tests\")
import recio, numpy as np
from osgeo import gdal
(h, a), = recio.read(\"$T/one.rec\")
ds = gdal.Open(\"$p\")
t = h[\"grid\"][\"transform\"]; g = ds.GetGeoTransform()
assert (g[0], g[1], g[3], g[5]) == (t[2], t[0], t[5], t[4]), (g, t)
assert (ds.ReadAsArray() == a[\"image\"]).all()
"'
check 'assets on different grids or of different types: rejected, exit 1' '
	fails 1 "cog-read -q --assets red,scl --size 64 <\"$T/one.jsonl\" >/dev/null 2>\"$T/grid.err\"" &&
	grep -q "asset scl: grid differs from asset red" "$T/grid.err" &&
	fails 1 "cog-read -q --assets red,visual --size 64 <\"$T/one.jsonl\" >/dev/null 2>\"$T/type.err\"" &&
	grep -q "asset visual: uint8, asset red: uint16" "$T/type.err"'
