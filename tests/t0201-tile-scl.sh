#!/bin/sh
# tile with an scl raster: cloud_fraction and scl_counts per tile against
# numpy counts (on the 100 m grid and on the original 200 m SCL), --max-cloud
# drops exactly the windows the oracle says, --scl-invalid and the image rule
# combined in the valid fraction, records without scl, bad options, man page.
. "$(dirname "$0")/lib.sh"

MK="$PY $TOP/tests/mkrec.py"
OR="$PY $TOP/tests/oracles/tile.py"
S2=$FIX/sentinel2_l2a_cog/S2A_29RKH_20200219_0_L2A
RGB="image=red:$S2/B04.tif,green:$S2/B03.tif,blue:$S2/B02.tif"
W="--size 300 --stride 250 --out 97"

# Real clouds: SCL (200 m, 549x549, classes 8, 9 and 10 present) brought onto
# the 100 m band grid by GDAL nearest, as cog-read --scl does for 10 m.
gdalwarp -q -r near -tr 100 100 $S2/SCL.tif $T/scl100.tif &&
$MK --poi wsa --window 0,0,1098,1098 --raster "$RGB" --raster scl=scl:$T/scl100.tif \
    >$T/scl.rec &&
$MK --poi noscl --window 0,0,1098,1098 --raster "$RGB" >$T/noscl.rec || exit 1

check 'the warped SCL has the bands'"'"' grid (so pixel (r,c) is the same ground)' '
	for f in $T/scl100.tif $S2/B04.tif; do gdalinfo -json $f | $PY -c "
import json, sys; j = json.load(sys.stdin); print(j[\"size\"], j[\"geoTransform\"])"; done >$T/grids &&
	test "$(sort -u $T/grids | wc -l)" -eq 1'
check 'cloud_fraction and scl_counts of every tile = numpy bincount (oracle)' '
	tile $W <$T/scl.rec >$T/all.out && $OR $W $T/scl.rec $T/all.out >$T/all.log &&
	grep -q "wsa: 16 windows, 16 kept" $T/all.log'
check 'cloud_fraction = the count on the original 200 m SCL.tif, 4 decimals' '
	gdal_translate -q -of ENVI $S2/SCL.tif $T/scl200.bin &&
	$PY -c "
import sys; sys.path.insert(0, \"$TOP/tests\"); import recio, numpy as np
s = np.fromfile(\"$T/scl200.bin\", np.uint8).reshape(549, 549)
assert {8, 9, 10} <= set(np.unique(s))
n = cloudy = 0
for g, o in recio.read(\"$T/all.out\"):
    t = g[\"tile\"]; r, c = t[\"origin\"]
    w = s[r // 2:(r + 300) // 2, c // 2:(c + 300) // 2]
    f = np.isin(w, [3, 8, 9, 10]).sum() / float((w != 0).sum())
    assert t[\"cloud_fraction\"] == float(\"%.4f\" % f), (t[\"stem\"], t[\"cloud_fraction\"], f)
    assert t[\"scl_counts\"][\"10\"] == 4 * (w == 10).sum(), t
    n += 1; cloudy += f > 0
assert n == 16 and cloudy >= 5, (n, cloudy)
"'
for mc in 0 0.001 0.01 0.05 0.2; do
check "--max-cloud $mc drops exactly the windows numpy counts as cloudier" '
	tile $W --max-cloud '$mc' <$T/scl.rec >$T/mc.out &&
	$OR $W --max-cloud '$mc' $T/scl.rec $T/mc.out >$T/mc.log && cat $T/mc.log >>$T/mc.all'
done
check '... which are 6, 5, 3, 2 and 1 of the 16 windows' '
	test "$(grep -o "[0-9]* too cloudy" $T/mc.all | tr "\n" " ")" = "6 too cloudy 5 too cloudy 3 too cloudy 2 too cloudy 1 too cloudy "'
check 'the oracle notices windows dropped at the wrong threshold' '
	tile $W --max-cloud 0.05 <$T/scl.rec >$T/w.out &&
	fails 1 "$OR $W --max-cloud 0.01 $T/scl.rec $T/w.out >$T/w.log" && grep -q "^FAIL" $T/w.log'
check '--aug: every view carries its tile'"'"'s cloud keys; --cloud-classes 9,10' '
	tile $W --aug flip,r90 --max-cloud 0.01 --cloud-classes 9,10 <$T/scl.rec >$T/aug.out &&
	$OR $W --aug flip,r90 --max-cloud 0.01 --cloud-classes 9,10 $T/scl.rec $T/aug.out'
check 'without --max-cloud and scl, tiles are as before: no SCL keys' '
	tile $W <$T/noscl.rec >$T/ns.out && $OR $W $T/noscl.rec $T/ns.out >/dev/null &&
	! grep -aq "cloud_fraction\|scl_counts" $T/ns.out'

# SCL no data and defective pixels (real SCL, two regions overwritten) and an
# image nodata region elsewhere: valid only where both rules say so.
$PY -c "
import sys; sys.path.insert(0, \"$TOP/tests\"); import recio
(h, a), = recio.read(\"$T/scl.rec\")
img, scl = a[\"image\"].copy(), a[\"scl\"].copy()
scl[:, 0:420, 0:420] = 0
scl[:, 600:700, :] = 1
img[:, 800:, 900:] = 0
h[\"poi_id\"] = \"holes\"
recio.write(open(\"$T/holes.rec\", \"wb\"), h, [img, scl])" || exit 1
check 'SCL classes 0,1 invalid, combined with the image rule (oracle)' '
	tile $W --min-valid-fraction 0 <$T/holes.rec >$T/h.out &&
	$OR $W --min-valid-fraction 0 $T/holes.rec $T/h.out >$T/h.log && grep -q "holes: 16 windows, 16 kept" $T/h.log &&
	grep -aq "\"origin\":\[0,0\],[^}]*\"valid_fraction\":0.0,[^}]*\"cloud_fraction\":null,[^}]*\"scl_counts\":{\"0\":90000," $T/h.out &&
	grep -aq "\"origin\":\[500,0\],[^}]*\"valid_fraction\":0.666666666666667,[^}]*\"scl_counts\":{\"0\":0,\"1\":30000," $T/h.out'
check 'default --min-valid-fraction skips the windows the SCL makes invalid' '
	tile $W <$T/holes.rec >$T/h2.out && $OR $W $T/holes.rec $T/h2.out >$T/h2.log &&
	grep -q "holes: 16 windows, 15 kept" $T/h2.log'
check '--scl-invalid "" (SCL ignored for validity), and 0,1,10 (cirrus invalid too)' '
	tile $W --scl-invalid "" <$T/holes.rec >$T/h3.out && $OR $W --scl-invalid "" $T/holes.rec $T/h3.out &&
	tile $W --scl-invalid 0,1,10 --max-cloud 0.9 <$T/holes.rec >$T/h4.out &&
	$OR $W --scl-invalid 0,1,10 --max-cloud 0.9 $T/holes.rec $T/h4.out &&
	grep -aq "\"scl_counts\":{\"0\":[0-9]*,\"1\":[0-9]*,\"3\":0,\"8\":[0-9]*,\"9\":[0-9]*,\"10\":[0-9]*}" $T/h4.out'
check 'a window without SCL data (cloud_fraction null) passes --max-cloud 0' '
	tile $W --min-valid-fraction 0 --max-cloud 0 <$T/holes.rec >$T/h5.out &&
	$OR $W --min-valid-fraction 0 --max-cloud 0 $T/holes.rec $T/h5.out &&
	grep -aq "\"stem\":\"holes_t0000\",\"origin\":\[0,0\],[^}]*\"cloud_fraction\":null" $T/h5.out'
check 'every window too cloudy: no tile, a note naming --max-cloud, exit 0' '
	tile --size 1098 --out 100 --max-cloud 0.01 <$T/scl.rec >$T/none.out 2>$T/none.err &&
	! test -s $T/none.out &&
	grep -q "tile: record 1 (wsa): no tile kept: cloud fraction over --max-cloud 0.01 in all 1 windows valid enough (least cloudy 0.0406)" $T/none.err'

check '--max-cloud without an scl raster: rejected (exit 1), the stream goes on' '
	cat $T/noscl.rec $T/scl.rec >$T/mix.rec &&
	fails 1 "tile $W --max-cloud 0.05 <$T/mix.rec >$T/mix.out 2>$T/mix.err" &&
	grep -q "\"poi_id\":\"noscl\",.*\"error\":{\"tool\":\"tile\",\"message\":\"--max-cloud needs an scl raster: run cog-read --scl\"}" $T/mix.err &&
	$OR $W --max-cloud 0.05 $T/mix.rec $T/mix.out >$T/mix.log &&
	grep -q "noscl: no scl, rejected" $T/mix.log && grep -q "wsa: 16 windows, 14 kept" $T/mix.log'
check 'an scl raster that is not one uint8 band: rejected' '
	$PY -c "
import sys; sys.path.insert(0, \"$TOP/tests\"); import recio
(h, a), = recio.read(\"$T/scl.rec\")
h[\"rasters\"][1][\"dtype\"] = \"uint16\"
recio.write(open(\"$T/u16.rec\", \"wb\"), h, [a[\"image\"], a[\"scl\"]])" &&
	fails 1 "tile $W --rejects $T/u16.rej <$T/u16.rec >$T/u16.out 2>$T/u16.err" &&
	grep -q "scl raster must be one uint8 band (SCL classes), not 1 uint16" $T/u16.rej && ! test -s $T/u16.out'
check 'bad options: exit 2 with a message' '
	fails 2 "tile --max-cloud 1.5 </dev/null 2>$T/e1" && grep -q "tile: --max-cloud: expected 0..1, got .1.5." $T/e1 &&
	fails 2 "tile --max-cloud cloudy </dev/null 2>$T/e2" && grep -q "tile: --max-cloud: expected 0..1, got .cloudy." $T/e2 &&
	fails 2 "tile --cloud-classes 3,0 </dev/null 2>$T/e3" && grep -q "tile: --cloud-classes: class 0 is SCL no data, never cloud" $T/e3 &&
	fails 2 "tile --cloud-classes 3,256 </dev/null 2>$T/e4" && grep -q "tile: --cloud-classes: expected SCL classes 0..255 separated by commas, got .256." $T/e4 &&
	fails 2 "tile --cloud-classes \"\" </dev/null 2>$T/e5" && grep -q "tile: --cloud-classes: expected SCL classes" $T/e5 &&
	fails 2 "tile --scl-invalid 0,,1 </dev/null 2>$T/e6" && grep -q "tile: --scl-invalid: expected SCL classes 0..255 separated by commas, got .0,,1." $T/e6 &&
	fails 2 "tile --scl-invalid cirrus </dev/null 2>$T/e7" && grep -q "got .cirrus." $T/e7'
check 'man page lints clean and documents every option of -h' '
	mandoc -Tlint -Wwarning $TOP/man/tile.1 &&
	tile -h | grep -o "\-\-[a-z-]*" | sort -u >$T/opts && test "$(wc -l <$T/opts)" -ge 14 &&
	while read o; do grep -q "^\.It Fl.*\\\\-$(echo ${o#--} | sed "s/-/\\\\\\\\-/g")" $TOP/man/tile.1 || { echo "undocumented $o"; exit 1; }; done <$T/opts &&
	grep -q "cloud_fraction" $TOP/man/tile.1 && grep -q "scl_counts" $TOP/man/tile.1'
