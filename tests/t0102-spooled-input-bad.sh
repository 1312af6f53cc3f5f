#!/bin/sh
# stretch and tile on spooled records (DESIGN 3: a raster given by "path" to a
# GeoTIFF) that cannot be read: a missing file, a file that is no TIFF, a
# GeoTIFF whose size or band count disagrees with the record.  Each record is
# rejected with the file and the reason (exit 1) and the good record after it
# still comes out; a good spooled stream gives the same pixels as inline.
. "$(dirname "$0")/lib.sh"

MK="$PY $TOP/tests/mkrec.py"
S2=$FIX/sentinel2_l2a_cog/S2A_29RKH_20200219_0_L2A
$MK --poi a --window 10,10,20,20 --raster image=red:$S2/B04.tif,green:$S2/B03.tif >"$T/a.rec" &&
$MK --poi b --window 30,10,20,20 --raster image=red:$S2/B04.tif >"$T/b.rec" &&
cat "$T/a.rec" "$T/b.rec" | stretch -q --spool "$T/sp" >"$T/sp.jsonl" &&
cat "$T/a.rec" "$T/b.rec" | stretch -q >"$T/inline.rec" || exit 1
echo "this is no TIFF" >"$T/sp/junk.tif"
[ "$(grep -c '"path":"' "$T/sp.jsonl")" -eq 2 ] || { echo "not ok - spooling"; exit 1; }

# bad NAME SED MESSAGE: record a edited by SED, then good record b, through
# stretch and through tile; both must reject a with MESSAGE and exit 1.
bad() {
	{ sed -n 1p "$T/sp.jsonl" | sed "$2"; sed -n 2p "$T/sp.jsonl"; } >"$T/$1.jsonl" || return 1
	fails 1 "stretch --range 0,255 --rejects $T/$1.s.rej <$T/$1.jsonl >$T/$1.s.out 2>$T/$1.s.err" &&
	grep -qF -- "$3" "$T/$1.s.rej" && grep -q "\"poi_id\":\"a\"" "$T/$1.s.rej" &&
	grep -q "stretch: 1 of 2 records rejected" "$T/$1.s.err" &&
	[ "$(jq -r .poi_id "$T/$1.s.out")" = b ] &&
	fails 1 "tile --size 8 --stride 8 --out 4 --min-valid-fraction 0 --rejects $T/$1.t.rej <$T/$1.jsonl >$T/$1.t.out 2>$T/$1.t.err" &&
	grep -qF -- "$3" "$T/$1.t.rej" && grep -q "\"error\":{\"tool\":\"tile\"" "$T/$1.t.rej" &&
	[ "$(grep -c "\"stem\":\"b_t" "$T/$1.t.out")" -eq 4 ] && ! grep -q "\"stem\":\"a_t" "$T/$1.t.out"
}
check 'spooled raster file missing: rejected naming the file, the next record goes on' \
	"bad miss 's|a.stretch.image.tif|nothere.tif|' 'rasters[0] (image): $T/sp/nothere.tif: No such file or directory'"
check 'spooled raster that is no TIFF: rejected' \
	"bad junk 's|a.stretch.image.tif|junk.tif|' 'rasters[0] (image): $T/sp/junk.tif: '"
check 'spooled GeoTIFF with fewer bands than the record says: rejected' \
	"bad bands 's|a.stretch.image.tif|b.stretch.image.tif|' 'is 20x20x1 uint8, record says 20x20x2 uint8'"
check 'spooled GeoTIFF narrower than the record says: rejected' \
	"bad width 's|\"width\":20,\"height\":20|\"width\":21,\"height\":20|g' 'is 20x20x2 uint8, record says 21x20x2 uint8'"
check 'a good spooled stream tiles to the same pixels as the inline one' '
	tile --size 8 --stride 8 --out 4 --min-valid-fraction 0 <"$T/sp.jsonl" >"$T/t1.rec" &&
	tile --size 8 --stride 8 --out 4 --min-valid-fraction 0 <"$T/inline.rec" >"$T/t2.rec" &&
	$PY -c "
import sys; sys.path.insert(0, \"$TOP/tests\"); import recio, numpy as np
a, b = recio.read(\"$T/t1.rec\"), recio.read(\"$T/t2.rec\")
assert len(a) == len(b) == 8, (len(a), len(b))
for (ha, ra), (hb, rb) in zip(a, b):
    assert ha[\"tile\"] == hb[\"tile\"] and np.array_equal(ra[\"image\"], rb[\"image\"])
"'
