#!/bin/sh
# stretch: percentiles equal numpy's on real Sentinel-2 bands (uint16 with and
# without nodata, uint8, int16, float32), pixels equal the formula, --joint,
# --range, all-nodata bands, and every bad input of issue 2.
. "$(dirname "$0")/lib.sh"

MK="$PY $TOP/tests/mkrec.py"
OR="$PY $TOP/tests/oracles/stretch.py"
S2=$FIX/sentinel2_l2a_cog/S2A_29RKH_20200219_0_L2A
HAV=$FIX/sentinel2_l1c_10m_T33UUU_havelland
MT=$FIX/sentinel2_l2a_10m_T48QUE_majortom
RGB29="image=red:$S2/B04.tif,green:$S2/B03.tif,blue:$S2/B02.tif"

# Inputs from fixture pixels (GDAL), not from any tool of ours.
$MK --poi s2full --window 0,0,1098,1098 --raster "$RGB29" >"$T/s2full.rec" || exit 1
$MK --poi chip --window 300,400,512,512 --raster "$RGB29" >"$T/chip.rec" || exit 1
$MK --poi edge --window 0,1000,300,98 --raster "$RGB29" >"$T/edge.rec" || exit 1
$MK --poi hav --window 200,100,512,512 \
    --raster image=red:$HAV/B04.tif,green:$HAV/B03.tif,blue:$HAV/B02.tif >"$T/hav.rec" || exit 1
$MK --poi mt --window 0,0,1068,1068 \
    --raster image=red:$MT/B04.tif,green:$MT/B03.tif,blue:$MT/B02.tif,nir:$MT/B08.tif \
    >"$T/mt.rec" || exit 1
$MK --poi tci --window 100,100,600,500 --raster image=red:$S2/TCI.tif >"$T/tci.rec" || exit 1
cat "$T/s2full.rec" "$T/chip.rec" "$T/edge.rec" "$T/hav.rec" "$T/mt.rec" "$T/tci.rec" \
    >"$T/all.rec"

# Derived dtypes from the same real pixels: int16 (offset into negatives) and
# float32 reflectance with NaN nodata; and an all-nodata blue band.
$PY - "$T" "$TOP/tests" <<'EOF' || exit 1
import sys, numpy as np
sys.path.insert(0, sys.argv[2])
import recio
T = sys.argv[1]
(h, a), = recio.read(T + "/chip.rec")[:1]
img = a["image"].astype(np.int32)
with open(T + "/int16.rec", "wb") as f:
    hh = dict(h, poi_id="i16"); hh["rasters"] = [dict(h["rasters"][0], dtype="int16", nodata=-9999)]
    v = img - 2000
    v[img == 0] = -9999
    recio.write(f, hh, [v.astype(np.int16)])
with open(T + "/float32.rec", "wb") as f:
    hh = dict(h, poi_id="f32"); hh["rasters"] = [dict(h["rasters"][0], dtype="float32", nodata="nan")]
    v = img.astype(np.float32) * np.float32(1e-4)
    v[:, :40, :40] = np.nan
    recio.write(f, hh, [v])
with open(T + "/nodataband.rec", "wb") as f:
    hh = dict(h, poi_id="nd"); hh["rasters"] = [dict(h["rasters"][0])]
    v = a["image"].copy(); v[2] = 0
    recio.write(f, hh, [v])
EOF

check 'man page lints clean' 'mandoc -Tlint -Wwarning $TOP/man/stretch.1'
check '-h prints the synopsis, exit 0' 'stretch -h | grep -q "usage: stretch"'
check 'bad options exit 2 with a message' '
	fails 2 "stretch --percentiles 98,2 </dev/null 2>$T/e1" && grep -q "stretch: --percentiles" $T/e1 &&
	fails 2 "stretch --percentiles 2,98 --range 0,3000 </dev/null 2>$T/e2" &&
	grep -q "exclude each other" $T/e2 &&
	fails 2 "stretch --range 5,5 </dev/null 2>$T/e3" && grep -q "MIN < MAX" $T/e3 &&
	fails 2 "stretch --bogus </dev/null 2>/dev/null" &&
	fails 2 "stretch extra </dev/null 2>$T/e4" && grep -q "unexpected operand" $T/e4'

check 'p2/p98 equal numpy (1e-9) and pixels equal the formula on 6 real records' '
	stretch <$T/all.rec >$T/all.out && $OR $T/all.rec $T/all.out >$T/all.log'
check 'non-round percentiles 1.5,99.7 (interpolated ranks) equal numpy' '
	stretch --percentiles 1.5,99.7 <$T/all.rec >$T/p.out &&
	$OR --percentiles 1.5,99.7 $T/all.rec $T/p.out'
check 'percentiles 0,100 are the valid min and max' '
	stretch --percentiles 0,100 <$T/chip.rec >$T/mm.out && $OR --percentiles 0,100 $T/chip.rec $T/mm.out'
check '--joint: one lo/hi from all bands pooled' '
	stretch --joint <$T/all.rec >$T/j.out && $OR --joint $T/all.rec $T/j.out &&
	head -n1 $T/j.out | grep -q "\"joint\":true"'
check '--range 0,3000: fixed stretch' '
	stretch --range 0,3000 <$T/all.rec >$T/r.out && $OR --range 0,3000 $T/all.rec $T/r.out &&
	head -n1 $T/r.out | grep -q "\"method\":\"range\",\"range\":\[0.0,3000.0\]"'
check 'int16 with negatives and nodata -9999: equals numpy' '
	stretch <$T/int16.rec >$T/i16.out && $OR $T/int16.rec $T/i16.out'
check 'float32 with NaN nodata (selection, no sort): equals numpy' '
	stretch <$T/float32.rec >$T/f32.out && $OR $T/float32.rec $T/f32.out &&
	head -n1 $T/f32.out | grep -q "\"source_dtype\":\"float32\""'
check 'all-nodata band: zeros, exit 0, said in the record' '
	stretch <$T/nodataband.rec >$T/nd.out 2>$T/nd.err && $OR $T/nodataband.rec $T/nd.out &&
	head -n1 $T/nd.out | grep -q "\"all_nodata\":\[\"blue\"\]" &&
	head -n1 $T/nd.out | grep -q "\"note\":\"all nodata: output is zeros\"" && ! test -s $T/nd.err'
check 'a tiny raster (smaller than any tile) stretches' '
	$MK --poi tiny --window 10,10,3,2 --raster "$RGB29" >$T/tiny.rec &&
	stretch <$T/tiny.rec >$T/tiny.out && $OR $T/tiny.rec $T/tiny.out'
check 'unknown keys and the grid survive unchanged' '
	{ head -n1 $T/chip.rec | sed "s/^{/{\"scene\":{\"id\":\"S2A\",\"x\":[1,2.5]},/"
	  tail -c +$(( $(head -n1 $T/chip.rec | wc -c) + 1 )) $T/chip.rec; } >$T/keys.rec &&
	stretch <$T/keys.rec | head -n1 >$T/keys.h &&
	grep -q "\"scene\":{\"id\":\"S2A\",\"x\":\[1,2.5\]}" $T/keys.h &&
	grep -q "\"transform\":\[100.0,0.0,229980.0,0.0,-100.0,2760020.0\]" $T/keys.h'

# Bad input.  Frames are cut by hand from a good record.
hdr() { head -n1 "$1"; }
payload() { tail -c +$(( $(head -n1 "$1" | wc -c) + 1 )) "$1"; }
check 'empty stream: no output, exit 0' '
	stretch </dev/null >$T/empty.out 2>$T/empty.err && ! test -s $T/empty.out && ! test -s $T/empty.err'
check 'garbage line: exit 2 naming record 2, record 1 is on stdout' '
	{ cat $T/tiny.rec; echo "this is not json"; cat $T/tiny.rec; } >$T/garb.rec &&
	fails 2 "stretch <$T/garb.rec >$T/garb.out 2>$T/garb.err" &&
	grep -q "^stretch: stdin: record 2 (byte [0-9]*): not a JSON object" $T/garb.err &&
	$PY -c "import sys; sys.path.insert(0,\"$TOP/tests\"); import recio; r=recio.read(\"$T/garb.out\"); assert len(r)==1 and r[0][0][\"stretch\"]"'
check 'truncated payload: exit 2, the records before are on stdout' '
	{ cat $T/tiny.rec $T/tiny.rec; head -c 1000 $T/chip.rec; } >$T/trunc.rec &&
	fails 2 "stretch <$T/trunc.rec >$T/trunc.out 2>$T/trunc.err" &&
	grep -q "stretch: stdin: record 3 (byte [0-9]*): truncated payload of rasters\[0\]" $T/trunc.err &&
	test "$(grep -c "\"stretch\"" $T/trunc.out)" -eq 2'
check 'wrong bytes: that record rejected (exit 1), the stream goes on' '
	{ cat $T/tiny.rec
	  hdr $T/tiny.rec | sed "s/\"bytes\":36/\"bytes\":30/"; payload $T/tiny.rec | head -c 30
	  cat $T/tiny.rec; } >$T/wb.rec &&
	fails 1 "stretch <$T/wb.rec >$T/wb.out 2>$T/wb.err" &&
	grep -q "bytes 30 disagrees with 3x2x3 uint16 = 36" $T/wb.err &&
	grep -q "\"error\":{\"tool\":\"stretch\"" $T/wb.err &&
	test "$(grep -c "\"stretch\"" $T/wb.out)" -eq 2'
check 'unknown dtype: rejected with the reason, exit 1' '
	{ hdr $T/tiny.rec | sed "s/uint16/uint12/"; payload $T/tiny.rec; cat $T/tiny.rec; } >$T/dt.rec &&
	fails 1 "stretch --rejects $T/dt.rej <$T/dt.rec >$T/dt.out 2>$T/dt.err" &&
	grep -q "unknown dtype \"uint12\"" $T/dt.err &&
	grep -q "\"message\":\"rasters\[0\] (image): unknown dtype" $T/dt.rej &&
	test "$(grep -c "\"stretch\"" $T/dt.out)" -eq 1'
check 'zero-sized raster: rejected, exit 1' '
	printf "{\"poi_id\":\"z\",\"rasters\":[{\"role\":\"image\",\"width\":0,\"height\":5,\"bands\":[\"red\"],\"dtype\":\"uint16\",\"bytes\":0}]}\n" >$T/zero.rec &&
	cat $T/tiny.rec >>$T/zero.rec &&
	fails 1 "stretch <$T/zero.rec >$T/zero.out 2>$T/zero.err" &&
	grep -q "width and height must be positive" $T/zero.err && test "$(grep -c "\"stretch\"" $T/zero.out)" -eq 1'
check 'a record without an image raster is rejected, exit 1' '
	$MK --poi lab --window 0,0,4,4 --raster label=scl:$S2/SCL.tif >$T/lab.rec &&
	fails 1 "stretch <$T/lab.rec >$T/lab.out 2>$T/lab.err" &&
	grep -q "no \\\\\"image\\\\\" raster to stretch" $T/lab.err && ! test -s $T/lab.out'
check 'unwritable output: exit 2' '
	fails 2 "stretch <$T/chip.rec >/dev/full 2>$T/full.err" && grep -q "stretch: stdout" $T/full.err'
check 'deterministic: two runs give identical bytes' '
	stretch <$T/all.rec | cmp - $T/all.out'
