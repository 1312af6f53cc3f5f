#!/bin/sh
# tile when the grid is smaller than a window on ONE axis only (issue 2: "when
# the grid is smaller than a window on an axis, one window at (0,0) on that
# axis, padded"): a wide, short strip and a tall, narrow one of real
# Havelland pixels with their OSM label, against the numpy oracle; records
# of several sizes in one stream keep their order and their own stems.
. "$(dirname "$0")/lib.sh"

MK="$PY $TOP/tests/mkrec.py"
OR="$PY $TOP/tests/oracles/tile.py"
HAV=$FIX/sentinel2_l1c_10m_T33UUU_havelland
LC=$HAV/landcover/osm_landuse_10m.tif
RGBH="image=red:$HAV/B04.tif,green:$HAV/B03.tif,blue:$HAV/B02.tif"

$MK --poi wide --window 0,100,1536,300 --raster "$RGBH" --raster label=class:$LC >"$T/wide.raw" &&
$MK --poi tall --window 700,0,200,768 --raster "$RGBH" --raster label=class:$LC >"$T/tall.raw" &&
cat "$T/wide.raw" "$T/tall.raw" | stretch -q >"$T/both.rec" || exit 1

check 'wide strip (1536x300), tall strip (200x768): one row / one column of windows = oracle' '
	tile --stride 256 --min-valid-fraction 0.05 <"$T/both.rec" >"$T/both.out" &&
	$OR --stride 256 --min-valid-fraction 0.05 "$T/both.rec" "$T/both.out" >"$T/both.log" &&
	grep -q "^wide: 5 windows, 5 kept$" "$T/both.log" && grep -q "^tall: 2 windows, 2 kept$" "$T/both.log"'
check 'origins: wide along columns at row 0, tall along rows at column 0; stems restart per record' '
	$PY -c "
import sys; sys.path.insert(0, \"$TOP/tests\"); import recio
got = [(g[\"tile\"][\"stem\"], g[\"tile\"][\"origin\"]) for g, o in recio.read(\"$T/both.out\")]
want = [(\"wide_t%04d\" % k, [0, 256 * k]) for k in range(5)] + [(\"tall_t0000\", [0, 0]), (\"tall_t0001\", [256, 0])]
assert got == want, got
"'
check 'the padded part is image 0 and label nodata (the raster'"'"'s own, 0 here), downsampled' '
	$PY -c "
import sys; sys.path.insert(0, \"$TOP/tests\"); import recio
t = recio.read(\"$T/both.out\")
g, o = t[0]
assert g[\"rasters\"][1][\"nodata\"] == 0
# rows 300..511 of the window are padding: output rows from ceil(300*224/512) on
assert (o[\"image\"][:, 132:, :] == 0).all() and (o[\"label\"][:, 132:, :] == 0).all()
g, o = t[5]
assert (o[\"image\"][:, :, 88:] == 0).all() and (o[\"label\"][:, :, 88:] == 0).all()
"'
