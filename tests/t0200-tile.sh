#!/bin/sh
# tile: windows, valid fractions, stems, grids and pixels on real fixture
# rasters against a numpy oracle (and GDAL for nearest labels and the
# georeference), padding of small rasters, exact augmentations, bad input.
. "$(dirname "$0")/lib.sh"

MK="$PY $TOP/tests/mkrec.py"
OR="$PY $TOP/tests/oracles/tile.py"
S2=$FIX/sentinel2_l2a_cog/S2A_29RKH_20200219_0_L2A
HAV=$FIX/sentinel2_l1c_10m_T33UUU_havelland
LC=$HAV/landcover/osm_landuse_10m.tif
RGBH="image=red:$HAV/B04.tif,green:$HAV/B03.tif,blue:$HAV/B02.tif"

# Havelland: Sentinel-2 L1C with an OSM land-use label on the same grid
# (label nodata 0 where no polygon: a real partial label).
$MK --poi hav --window 0,0,1536,768 --raster "$RGBH" --raster label=class:$LC >"$T/hav.raw" &&
stretch <"$T/hav.raw" >"$T/hav.rec" || exit 1
# Western Sahara 100 m: imagery only (valid fraction from the image).
$MK --poi s2 --window 0,0,1098,1098 \
    --raster image=red:$S2/B04.tif,green:$S2/B03.tif,blue:$S2/B02.tif >"$T/s2.raw" || exit 1
# A corner smaller than a window on both axes, with its label.
$MK --poi small --window 1236,468,300,300 --raster "$RGBH" --raster label=class:$LC \
    >"$T/small.raw" && stretch <"$T/small.raw" >"$T/small.rec" || exit 1

check 'man page lints clean' 'mandoc -Tlint -Wwarning $TOP/man/tile.1'
check '-h prints the synopsis, exit 0' 'tile -h | grep -q "usage: tile"'
check 'bad options exit 2 with a message' '
	fails 2 "tile --out 600 </dev/null 2>$T/e1" && grep -q "tile: --out 600 is larger than --size 512" $T/e1 &&
	fails 2 "tile --aug flip,r45 </dev/null 2>$T/e2" && grep -q "unknown view .r45." $T/e2 &&
	fails 2 "tile --min-valid-fraction 1.5 </dev/null 2>$T/e3" && grep -q "expected 0..1" $T/e3 &&
	fails 2 "tile --filter cubic </dev/null 2>$T/e4" && grep -q "area or bilinear" $T/e4 &&
	fails 2 "tile --stride 0 </dev/null 2>/dev/null"'

check 'defaults (512/128 -> 224 bilinear) with label: windows, stems, grids, pixels = oracle' '
	tile <$T/hav.rec >$T/hav.out && $OR $T/hav.rec $T/hav.out >$T/hav.log &&
	grep -q "hav: 27 windows, 9 kept" $T/hav.log'
# Pillow itself (Debian python3-pil) when installed; the oracle above re-does its
# fixed-point arithmetic in numpy either way.
if ! $PY -c "import PIL" 2>/dev/null; then
	echo "ok - 8-bit windows without nodata: identical to Pillow # SKIP python3-pil not installed"
else
check '8-bit windows without nodata: identical to Pillow Image.resize(BILINEAR)' '
	stretch --range 0,3000 <$T/hav.raw >$T/pil.rec && tile --aug r90 <$T/pil.rec >$T/pil.out &&
	$PY -c "
import sys; sys.path.insert(0, \"$TOP/tests\"); import recio, numpy as np
from PIL import Image
(h, a), = recio.read(\"$T/pil.rec\")
n = 0
for g, o in recio.read(\"$T/pil.out\"):
    if g[\"tile\"][\"aug\"]:
        continue
    r, c = g[\"tile\"][\"origin\"]
    w = a[\"image\"][:, r:r+512, c:c+512]
    assert (w > 0).any(axis=0).all()
    im = Image.fromarray(np.moveaxis(w, 0, 2).copy(), \"RGB\").resize((224, 224), Image.BILINEAR)
    assert np.array_equal(np.moveaxis(np.asarray(im), 2, 0), o[\"image\"]), g[\"tile\"][\"stem\"]
    n += 1
assert n == 9, n
"'
fi
check 'area filter at 512 -> 224 (fractional footprints) = oracle' '
	tile --filter area <$T/hav.rec >$T/area.out && $OR --filter area $T/hav.rec $T/area.out'
check 'area filter at an integer factor is the exact block mean' '
	tile --filter area --out 256 --stride 256 --min-valid-fraction 0 <$T/hav.raw >$T/a2.out &&
	$OR --filter area --out 256 --stride 256 --min-valid-fraction 0 $T/hav.raw $T/a2.out &&
	$PY -c "
import sys; sys.path.insert(0, \"$TOP/tests\"); import recio, numpy as np
(h, a), = recio.read(\"$T/hav.raw\")
for g, o in recio.read(\"$T/a2.out\"):
    r, c = g[\"tile\"][\"origin\"]
    w = a[\"image\"][:, r:r+512, c:c+512].astype(float)
    assert \"nodata\" not in h[\"rasters\"][0]
    m = w.reshape(3, 256, 2, 256, 2).mean(axis=(2, 4))
    assert np.array_equal(np.floor(m + 0.5), o[\"image\"]), g[\"tile\"][\"stem\"]
"'
check 'image only, unusual sizes (300/170 -> 97): valid fraction from the image' '
	tile --size 300 --stride 170 --out 97 --min-valid-fraction 0 <$T/s2.raw >$T/s2.out &&
	$OR --size 300 --stride 170 --out 97 --min-valid-fraction 0 $T/s2.raw $T/s2.out >$T/s2.log &&
	grep -q "s2: 25 windows, 25 kept" $T/s2.log'
check 'image + scl (SCL brought to the 100 m grid by GDAL): scl nearest, never averaged' '
	gdal_translate -q -r nearest -outsize 1098 1098 $S2/SCL.tif $T/scl100.tif &&
	$MK --poi scl --window 0,0,1098,1098 \
	    --raster image=red:$S2/B04.tif,green:$S2/B03.tif,blue:$S2/B02.tif \
	    --raster scl=scl:$T/scl100.tif >$T/scl.rec &&
	tile --size 300 --stride 250 --out 97 <$T/scl.rec >$T/scl.out &&
	$OR --size 300 --stride 250 --out 97 $T/scl.rec $T/scl.out >$T/scl.log &&
	grep -q "scl: 16 windows, 16 kept" $T/scl.log &&
	$PY -c "
import sys; sys.path.insert(0, \"$TOP/tests\"); import recio, numpy as np
(h, a), = recio.read(\"$T/scl.rec\")
classes = set(np.unique(a[\"scl\"]))
for g, o in recio.read(\"$T/scl.out\"):
    assert set(np.unique(o[\"scl\"])) <= classes
"'
check 'float32 imagery with NaN nodata: masked filter = oracle, NaN stays nodata' '
	$PY -c "
import sys; sys.path.insert(0, \"$TOP/tests\"); import recio, numpy as np
(h, a), = recio.read(\"$T/s2.raw\")[:1]
h[\"poi_id\"] = \"f32\"; h[\"rasters\"][0].update(dtype=\"float32\", nodata=\"nan\")
v = a[\"image\"].astype(np.float32) * np.float32(1e-4)
v[:, 100:400, 250:300] = np.nan
recio.write(open(\"$T/f32.rec\", \"wb\"), h, [v])" &&
	tile --size 512 --stride 293 <$T/f32.rec >$T/f32.out &&
	$OR --size 512 --stride 293 $T/f32.rec $T/f32.out >$T/f32.log &&
	grep -q "f32: 9 windows, 9 kept" $T/f32.log &&
	$PY -c "
import sys; sys.path.insert(0, \"$TOP/tests\"); import recio, numpy as np
g, o = recio.read(\"$T/f32.out\")[0]
assert np.isnan(o[\"image\"]).any() and g[\"rasters\"][0][\"nodata\"] == \"nan\"
"'
check '--out equal to --size copies the window' '
	tile --size 256 --stride 512 --out 256 <$T/hav.rec >$T/copy.out &&
	$OR --size 256 --stride 512 --out 256 $T/hav.rec $T/copy.out'
check '--aug flip,r90,r180,r270: numpy fliplr/rot90 of every raster, grids follow' '
	tile --aug flip,r90,r180,r270 <$T/hav.rec >$T/aug.out &&
	$OR --aug flip,r90,r180,r270 $T/hav.rec $T/aug.out &&
	test "$(grep -c "\"stem\":\"hav_t0003_r270\"" $T/aug.out)" -eq 1 &&
	test "$(grep -ac "\"tile\":{" $T/aug.out)" -eq 45'
check 'labels equal GDAL nearest (-srcwin -outsize -r nearest) and the grid equals GDAL'"'"'s' '
	$PY -c "
import sys, json, subprocess; sys.path.insert(0, \"$TOP/tests\"); import recio, numpy as np
for g, o in recio.read(\"$T/hav.out\"):
    r, c = g[\"tile\"][\"origin\"]
    out = \"$T/gd.bin\"
    subprocess.check_call([\"gdal_translate\", \"-q\", \"-of\", \"ENVI\", \"-r\", \"nearest\",
        \"-oo\", \"OVERVIEW_LEVEL=NONE\",
        \"-srcwin\", str(c), str(r), \"512\", \"512\", \"-outsize\", \"224\", \"224\", \"$LC\", out])
    ref = np.fromfile(out, \"<u2\").reshape(224, 224)
    assert np.array_equal(ref, o[\"label\"][0]), g[\"tile\"][\"stem\"]
    gt = json.loads(subprocess.check_output([\"gdalinfo\", \"-json\", out]))[\"geoTransform\"]
    t = g[\"grid\"][\"transform\"]
    assert max(abs(p - q) for p, q in zip(gt, [t[2], t[0], t[1], t[5], t[3], t[4]])) < 1e-6, (gt, t)
"'
check '--spool: every tile GeoTIFF carries its grid (gdalinfo), rotated views too' '
	tile --aug r90 --spool $T/sp <$T/hav.rec >$T/sp.out &&
	gdalinfo $T/sp/hav_t0002.tile.image.tif | grep -q "Origin = (335120.0*,5820760.0*)" &&
	gdalinfo $T/sp/hav_t0002.tile.image.tif | grep -q "Pixel Size = (22.857142857142" &&
	gdalinfo -json $T/sp/hav_t0002_r90.tile.label.tif | $PY -c "
import json, sys; gt = json.load(sys.stdin)[\"geoTransform\"]
assert abs(gt[1]) < 1e-9 and abs(gt[2] + 22.857142857) < 1e-6 and abs(gt[4] + 22.857142857) < 1e-6, gt"'

check 'raster smaller than a window: one window at (0,0), padded (image 0, label nodata)' '
	tile --min-valid-fraction 0.1 <$T/small.rec >$T/small.out &&
	$OR --min-valid-fraction 0.1 $T/small.rec $T/small.out >$T/small.log &&
	grep -q "small: 1 windows, 1 kept" $T/small.log &&
	$PY -c "
import sys; sys.path.insert(0, \"$TOP/tests\"); import recio
(g, o), = recio.read(\"$T/small.out\")
assert g[\"tile\"][\"origin\"] == [0, 0]
assert (o[\"image\"][:, 140:, :] == 0).all() and (o[\"label\"][:, :, 140:] == 0).all()
"'
check 'raster smaller than a window, too little valid: no tile, a note, exit 0' '
	tile <$T/small.rec >$T/small2.out 2>$T/small2.err && ! test -s $T/small2.out &&
	grep -q "tile: record 1 (small): no tile kept: best valid fraction 0.125 is below 0.35" $T/small2.err'
check 'padding declares nodata on rasters that had none (255 for a label)' '
	$MK --poi nl --window 0,0,40,30 --raster "$RGBH" --raster label=class:$LC --no-nodata label \
	    --no-nodata image >$T/nl.rec &&
	tile --size 64 --out 32 --min-valid-fraction 0 <$T/nl.rec >$T/nl.out &&
	$OR --size 64 --out 32 --min-valid-fraction 0 $T/nl.rec $T/nl.out &&
	head -n1 $T/nl.out | grep -q "\"role\":\"label\",\"width\":32,\"height\":32,\"bands\":\[\"class\"\],\"dtype\":\"uint16\",\"bytes\":2048,\"nodata\":255}" &&
	head -n1 $T/nl.out | grep -q "\"role\":\"image\",[^}]*,\"nodata\":0}"'
check 'all-nodata image (no label): no tile, a note, exit 0' '
	$PY -c "
import sys; sys.path.insert(0, \"$TOP/tests\"); import recio
(h, a), = recio.read(\"$T/s2.raw\")[:1]
h[\"poi_id\"] = \"dark\"
recio.write(open(\"$T/dark.rec\", \"wb\"), h, [a[\"image\"] * 0])" &&
	tile <$T/dark.rec >$T/dark.out 2>$T/dark.err && ! test -s $T/dark.out &&
	grep -q "record 1 (dark): no tile kept: best valid fraction 0.000" $T/dark.err'
check 'one all-nodata band among valid ones: windows kept, that band stays nodata' '
	$PY -c "
import sys; sys.path.insert(0, \"$TOP/tests\"); import recio
(h, a), = recio.read(\"$T/s2.raw\")[:1]
img = a[\"image\"].copy(); img[1] = 0
recio.write(open(\"$T/band.rec\", \"wb\"), h, [img])" &&
	tile --size 512 --stride 293 --min-valid-fraction 0.5 <$T/band.rec >$T/band.out &&
	$OR --size 512 --stride 293 --min-valid-fraction 0.5 $T/band.rec $T/band.out >$T/band.log &&
	grep -q "s2: 9 windows, 9 kept" $T/band.log'

hdr() { head -n1 "$1"; }
payload() { tail -c +$(( $(head -n1 "$1" | wc -c) + 1 )) "$1"; }
$MK --poi tiny --window 10,10,6,4 --raster "$RGBH" --raster label=class:$LC >"$T/tiny.rec"
TOPT="--size 4 --stride 2 --out 2 --min-valid-fraction 0"
ntiles() { grep -ac '"tile":{' "$1"; }
check 'empty stream: no output, exit 0' '
	tile </dev/null >$T/empty.out 2>$T/empty.err && ! test -s $T/empty.out && ! test -s $T/empty.err'
check 'garbage line: exit 2 naming record 2, the tiles of record 1 are on stdout' '
	{ cat $T/tiny.rec; echo "[1,2"; cat $T/tiny.rec; } >$T/garb.rec &&
	fails 2 "tile $TOPT <$T/garb.rec >$T/garb.out 2>$T/garb.err" &&
	grep -q "^tile: stdin: record 2 (byte [0-9]*): not a JSON object" $T/garb.err &&
	test "$(ntiles $T/garb.out)" -eq 2'
check 'truncated payload: exit 2, earlier tiles kept' '
	{ cat $T/tiny.rec; hdr $T/tiny.rec; payload $T/tiny.rec | head -c 100; } >$T/trunc.rec &&
	fails 2 "tile $TOPT <$T/trunc.rec >$T/trunc.out 2>$T/trunc.err" &&
	grep -q "record 2 (byte [0-9]*): truncated payload" $T/trunc.err && test "$(ntiles $T/trunc.out)" -eq 2'
check 'wrong bytes: rejected (exit 1), the stream goes on' '
	{ hdr $T/tiny.rec | sed "s/\"bytes\":48,/\"bytes\":40,/"; payload $T/tiny.rec | head -c 184
	  cat $T/tiny.rec; } >$T/wb.rec &&
	fails 1 "tile $TOPT <$T/wb.rec >$T/wb.out 2>$T/wb.err" &&
	grep -q "bytes 40 disagrees with 6x4x1 uint16 = 48" $T/wb.err && test "$(ntiles $T/wb.out)" -eq 2'
check 'unknown dtype: rejected (exit 1) into --rejects, the stream goes on' '
	{ cat $T/tiny.rec; hdr $T/tiny.rec | sed "s/\"dtype\":\"uint16\",\"bytes\":48/\"dtype\":\"complex64\",\"bytes\":48/"
	  payload $T/tiny.rec; } >$T/dt.rec &&
	fails 1 "tile $TOPT --rejects $T/dt.rej <$T/dt.rec >$T/dt.out 2>$T/dt.err" &&
	grep -q "tile: record 2 (tiny): rasters\[1\] (label): unknown dtype \"complex64\"" $T/dt.err &&
	grep -q "\"error\":{\"tool\":\"tile\"" $T/dt.rej && test "$(ntiles $T/dt.out)" -eq 2'
check 'zero-sized raster: rejected, exit 1' '
	printf "{\"poi_id\":\"z\",\"rasters\":[{\"role\":\"image\",\"width\":5,\"height\":0,\"bands\":[\"red\"],\"dtype\":\"uint8\",\"bytes\":0}]}\n" >$T/zero.rec &&
	fails 1 "tile <$T/zero.rec >$T/zero.out 2>$T/zero.err" &&
	grep -q "width and height must be positive" $T/zero.err && ! test -s $T/zero.out'
check 'no poi_id, no raster, rasters of different sizes: each rejected' '
	{ hdr $T/tiny.rec | sed "s/\"poi_id\":\"tiny\",//"; payload $T/tiny.rec
	  echo "{\"poi_id\":\"none\"}"
	  $PY -c "
import sys; sys.path.insert(0, \"$TOP/tests\"); import recio
(h, a), = recio.read(\"$T/tiny.rec\"); del h[\"grid\"]
recio.write(sys.stdout.buffer, h, [a[\"image\"], a[\"label\"][:, :3, :]])"; } >$T/misc.rec &&
	fails 1 "tile --rejects $T/misc.rej <$T/misc.rec >$T/misc.out 2>$T/misc.err" &&
	grep -q "no \\\\\"poi_id\\\\\" to name the tiles by" $T/misc.rej &&
	grep -q "no raster to tile" $T/misc.rej &&
	grep -q "rasters differ in size (image 6x4, label 6x3)" $T/misc.rej && ! test -s $T/misc.out'
check 'unwritable output: exit 2' '
	fails 2 "tile <$T/hav.rec >/dev/full 2>$T/full.err" && grep -q "tile: stdout" $T/full.err'
check 'deterministic: two runs give identical bytes' 'tile <$T/hav.rec | cmp - $T/hav.out'
