#!/bin/sh
# cog-read through nginx range requests: pixels equal `gdal_translate -srcwin`
# on the real fixture COGs and on variants made here with GDAL (tile sizes,
# codecs, predictors, BigTIFF, big-endian, strips, planar, PixelIsPoint, a
# southern UTM zone, int16/float32), windows at centre, edges, corners and
# partly outside; the same through local paths and file://.
. "$(dirname "$0")/lib.sh"

OR="$PY $TOP/tests/oracles/cog_read.py"
export TMPDIR_ORACLE=$T
S2=$FIX/sentinel2_l2a_cog/S2A_29RKH_20200219_0_L2A
HAV=$FIX/sentinel2_l1c_10m_T33UUU_havelland
MT=$FIX/sentinel2_l2a_10m_T48QUE_majortom
W=$T/www
mkdir -p "$W"
cp "$S2"/B04.tif "$S2"/TCI.tif "$S2"/SCL.tif "$W"/ || exit 1
cp "$HAV"/B04.tif "$W"/hav.tif && cp "$MT"/B02.tif "$W"/mt.tif &&
    cp "$FIX"/landsat_fallback/RGB.byte.tif "$W"/rgb.tif || exit 1

gt() { gdal_translate -q "$@" 2>/dev/null; }
gt -co TILED=YES -co BLOCKXSIZE=256 -co BLOCKYSIZE=256 -co COMPRESS=DEFLATE \
    -co PREDICTOR=2 "$HAV/B04.tif" "$W/t256.tif" &&
gt -of COG -co BLOCKSIZE=1024 -co COMPRESS=DEFLATE -co PREDICTOR=2 "$HAV/B04.tif" "$W/t1024.tif" &&
gt -of COG -co BLOCKSIZE=512 -co COMPRESS=LZW -co PREDICTOR=2 "$MT/B04.tif" "$W/lzw.tif" &&
gt -of COG -co COMPRESS=LZW "$S2/TCI.tif" "$W/lzw8.tif" &&
gt -of COG -co COMPRESS=ZSTD -co PREDICTOR=2 "$HAV/B03.tif" "$W/zstd.tif" &&
gt -co TILED=YES -co COMPRESS=PACKBITS "$S2/TCI.tif" "$W/packbits.tif" &&
gt -co TILED=YES -co COMPRESS=NONE "$HAV/B02.tif" "$W/none.tif" &&
gt -of COG -co BIGTIFF=YES -co COMPRESS=DEFLATE "$HAV/B08.tif" "$W/bigtiff.tif" &&
gt -co TILED=YES -co ENDIANNESS=BIG -co COMPRESS=DEFLATE -co PREDICTOR=2 "$MT/B08.tif" "$W/bigend.tif" &&
gt -co TILED=YES -co ENDIANNESS=BIG -co BIGTIFF=YES -co COMPRESS=LZW "$S2/TCI.tif" "$W/bigend8.tif" &&
gt -co TILED=NO -co BLOCKYSIZE=7 -co COMPRESS=DEFLATE -co PREDICTOR=2 "$HAV/B04.tif" "$W/strips.tif" &&
gt -co TILED=NO -co INTERLEAVE=BAND -co COMPRESS=LZW "$S2/TCI.tif" "$W/stripsep.tif" &&
gt -co TILED=YES -co INTERLEAVE=BAND -co COMPRESS=DEFLATE "$S2/TCI.tif" "$W/tilesep.tif" &&
gt -co TILED=YES -co COMPRESS=DEFLATE -mo AREA_OR_POINT=Point "$HAV/B04.tif" "$W/point.tif" &&
gt -of COG -co COMPRESS=DEFLATE -a_srs EPSG:32733 "$HAV/B04.tif" "$W/south.tif" &&
gt -of COG -co COMPRESS=DEFLATE -co PREDICTOR=2 -ot Int16 -scale 0 4000 -2000 2000 \
    "$HAV/B04.tif" "$W/int16.tif" &&
gt -of COG -co COMPRESS=DEFLATE -co PREDICTOR=3 -ot Float32 -scale 0 10000 0 1 \
    "$HAV/B04.tif" "$W/float32.tif" &&
gt -of COG -co COMPRESS=ZSTD -co PREDICTOR=3 -ot Float32 -scale 0 10000 0 1 \
    "$MT/B04.tif" "$W/float32z.tif" || { echo "not ok - gdal_translate variants"; exit 1; }
# A rotated grid: GDAL writes it as ModelTransformation instead of scale + tiepoint.
$PY -c 'import sys
from osgeo import gdal
ds = gdal.Translate(sys.argv[2], sys.argv[1], creationOptions=["TILED=YES", "COMPRESS=DEFLATE"])
ds.SetGeoTransform([330000, 9.9, 1.2, 5822040, 0.8, -9.95])
ds = None' "$HAV/B04.tif" "$W/rotated.tif" || { echo "not ok - rotated variant"; exit 1; }
NAMES="B04.tif TCI.tif hav.tif mt.tif rgb.tif t256.tif t1024.tif lzw.tif lzw8.tif zstd.tif
packbits.tif none.tif bigtiff.tif bigend.tif bigend8.tif strips.tif stripsep.tif tilesep.tif
point.tif south.tif int16.tif float32.tif float32z.tif rotated.tif"

start_nginx "$W" || { echo "not ok - nginx"; exit 1; }

# The windows: 7 per file, size 100 (even) and 101 (odd).
HREF_BASE=$NGINX_URL $OR records "$T/in100.jsonl" "$W" 100 $NAMES || exit 1
HREF_BASE=$NGINX_URL $OR records "$T/in101.jsonl" "$W" 101 $NAMES || exit 1
# Pixel-interleaved and planar files are read as the visual asset (all bands).
for f in 100 101; do
	sed 's/"red": {"href"/"visual": {"href"/' "$T/in$f.jsonl" >"$T/vis$f.jsonl"
	grep -E 'TCI|rgb|lzw8|packbits|bigend8|stripsep|tilesep' "$T/vis$f.jsonl" >"$T/v$f.jsonl"
	grep -vE 'TCI|rgb|lzw8|packbits|bigend8|stripsep|tilesep' "$T/in$f.jsonl" >"$T/s$f.jsonl"
done

check 'single-band windows over nginx equal gdal_translate -srcwin (size 100)' '
	cog-read -q --assets red --size 100 <"$T/s100.jsonl" >"$T/s100.rec" &&
	$OR check "$T/s100.rec" "$W"'
check 'single-band windows over nginx equal gdal_translate -srcwin (size 101)' '
	cog-read -q --assets red --size 101 <"$T/s101.jsonl" >"$T/s101.rec" &&
	$OR check "$T/s101.rec" "$W"'
check 'pixel-interleaved and planar 3-band windows equal gdal_translate (--visual)' '
	cog-read -q --visual --size 100 <"$T/v100.jsonl" >"$T/v100.rec" &&
	$OR check "$T/v100.rec" "$W" &&
	cog-read -q --visual --size 101 <"$T/v101.jsonl" >"$T/v101.rec" &&
	$OR check "$T/v101.rec" "$W"'
check 'every variant file was exercised: 17 single-band x 7 windows, 7 multi-band x 7' '
	[ $(wc -l <"$T/s100.jsonl") -eq 119 ] && [ $(wc -l <"$T/v100.jsonl") -eq 49 ]'
check 'visual bands are named red, green, blue; dtype uint8, nodata 0' '
	head -n 1 "$T/v100.rec" | grep -q "\"bands\":\[\"red\",\"green\",\"blue\"\],\"dtype\":\"uint8\",\"nodata\":0"'

# Local paths and file:// give the same records (hrefs and fetch aside).
strip_rec() {	# payloads and headers without scene and fetch
	$PY -c '
import sys, json, hashlib
sys.path.insert(0, sys.argv[2])
import recio
for h, a in recio.read(sys.argv[1]):
    h.pop("scene"); h.pop("fetch")
    print(json.dumps(h, sort_keys=True))
    for k in sorted(a): print(k, hashlib.sha256(a[k].tobytes()).hexdigest())
' "$1" "$TOP/tests"
}
check 'local paths give the same windows as nginx' '
	sed "s|$NGINX_URL|$W|" "$T/s100.jsonl" >"$T/local.jsonl" &&
	cog-read -q --assets red --size 100 <"$T/local.jsonl" >"$T/local.rec" &&
	strip_rec "$T/s100.rec" >"$T/a.txt" && strip_rec "$T/local.rec" >"$T/b.txt" &&
	cmp "$T/a.txt" "$T/b.txt"'
check 'file:// URLs give the same windows as nginx' '
	sed "s|$NGINX_URL|file://$W|" "$T/s100.jsonl" >"$T/file.jsonl" &&
	cog-read -q --assets red --size 100 <"$T/file.jsonl" >"$T/file.rec" &&
	strip_rec "$T/file.rec" >"$T/c.txt" && cmp "$T/a.txt" "$T/c.txt"'
check '-j 1 and -j 16 give the same stream in input order' '
	cog-read -q -j 1 --assets red --size 100 <"$T/local.jsonl" >"$T/j1.rec" &&
	cog-read -q -j 16 --assets red --size 100 <"$T/local.jsonl" >"$T/j16.rec" &&
	strip_rec "$T/j1.rec" >"$T/j1.txt" && strip_rec "$T/j16.rec" >"$T/j16.txt" &&
	cmp "$T/j1.txt" "$T/j16.txt" && cmp "$T/j1.txt" "$T/b.txt"'
check 'the rotated file carries ModelTransformation (tag 34264), no PixelScale' '
	$PY -c "
import struct, sys
b = open(\"$W/rotated.tif\", \"rb\").read()
off = struct.unpack(\"<I\", b[4:8])[0]
n = struct.unpack(\"<H\", b[off:off + 2])[0]
tags = [struct.unpack(\"<H\", b[off + 2 + 12 * i:off + 4 + 12 * i])[0] for i in range(n)]
sys.exit(0 if 34264 in tags and 33550 not in tags else 1)"'
check 'zlib instead of libdeflate (S2VL_NO_LIBDEFLATE) gives the same pixels' '
	S2VL_NO_LIBDEFLATE=1 cog-read -q --assets red --size 100 <"$T/local.jsonl" >"$T/zlib.rec" &&
	strip_rec "$T/zlib.rec" >"$T/zlib.txt" && cmp "$T/zlib.txt" "$T/b.txt"'
