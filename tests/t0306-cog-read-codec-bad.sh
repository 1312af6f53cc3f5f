#!/bin/sh
# cog-read on damaged blocks of every codec it decodes (issue 3: "a corrupt
# ... file: the record is rejected with a clear message; never a crash"):
# the first tile of real B04 garbled, or its TileByteCounts halved so the
# stream ends early, for DEFLATE, LZW (with and without predictor 2), ZSTD
# and PackBits; and codecs or sample types it does not decode (JPEG, LZMA,
# 12-bit).  Each record is rejected naming the asset and block, exit 1, and
# the good record after it still comes out equal to GDAL's pixels.
. "$(dirname "$0")/lib.sh"

S2=$FIX/sentinel2_l2a_cog/S2A_29RKH_20200219_0_L2A
W=$T/w
mkdir -p "$W"
gt() { gdal_translate -q "$@" 2>/dev/null; }
cp "$S2/B04.tif" "$W/DEFLATE.tif" &&
gt -co TILED=YES -co COMPRESS=LZW "$S2/B04.tif" "$W/LZW.tif" &&
gt -co TILED=YES -co COMPRESS=LZW -co PREDICTOR=2 "$S2/B04.tif" "$W/LZWP.tif" &&
gt -co TILED=YES -co COMPRESS=ZSTD "$S2/B04.tif" "$W/ZSTD.tif" &&
gt -co TILED=YES -co COMPRESS=PACKBITS "$S2/B04.tif" "$W/PACKBITS.tif" &&
gt -co TILED=YES -co COMPRESS=JPEG "$S2/TCI.tif" "$W/JPEG.tif" &&
gt -co TILED=YES -co COMPRESS=LZMA "$S2/B04.tif" "$W/LZMA.tif" &&
gt -co TILED=YES -co NBITS=12 -scale 0 65535 0 4095 "$S2/B04.tif" "$W/N12.tif" || { echo "not ok - variants"; exit 1; }
# NAME_bad.tif: bytes of tile 0 (offset and size from GDAL) garbled;
# NAME_short.tif: TileByteCounts[0] halved in the IFD.
for c in DEFLATE LZW LZWP ZSTD PACKBITS; do
	$PY - "$W/$c.tif" <<'PYEOF' || { echo "not ok - damaging $c"; exit 1; }
import struct, sys
from osgeo import gdal
f = sys.argv[1]
ds = gdal.Open(f); b = ds.GetRasterBand(1)
o = int(b.GetMetadataItem("BLOCK_OFFSET_0_0", "TIFF")); n = int(b.GetMetadataItem("BLOCK_SIZE_0_0", "TIFF"))
b = ds = None
d = bytearray(open(f, "rb").read())
g = bytearray(d)
for i in range(o + 2, o + n - 2, 7):
    g[i] = (g[i] * 31 + 17) & 255
open(f.replace(".tif", "_bad.tif"), "wb").write(g)
assert d[:4] == b"II*\0"
off = struct.unpack_from("<I", d, 4)[0]
for i in range(struct.unpack_from("<H", d, off)[0]):
    tag, typ, cnt, val = struct.unpack_from("<HHII", d, off + 2 + 12 * i)
    if tag == 325:
        at = val if cnt > 1 else off + 2 + 12 * i + 8
        assert typ == 4 and struct.unpack_from("<I", d, at)[0] == n
        struct.pack_into("<I", d, at, n // 2)
        break
else:
    sys.exit("no TileByteCounts")
open(f.replace(".tif", "_short.tif"), "wb").write(d)
PYEOF
done

# A point in tile 0 (pixel 256.5, 256.5 of the 100 m grid): window 225..288, block 0 only.
LL=$(echo "225630 2774370" | gdaltransform -s_srs EPSG:32629 -t_srs EPSG:4326 -output_xy)
rec() {	# rec ID FILE [ASSET]
	set -- "$1" "$2" "${3:-red}" $LL
	printf '{"poi_id":"%s","lon":%s,"lat":%s,"scene":{"id":"s","crs":"EPSG:32629","assets":{"%s":{"href":"%s"}}}}\n' \
	    "$1" "$4" "$5" "$3" "$W/$2"
}
# bad ID FILE MESSAGE [ASSET]: rejected with MESSAGE, exit 1, then a good record comes out right.
bad() {
	a=${4:-red}
	opt="--assets red"; [ "$a" = visual ] && opt=--visual
	{ rec "$1" "$2" "$a"; rec ok DEFLATE.tif "$a"; } >"$T/$1.jsonl"
	[ "$a" = visual ] && sed -i 's|DEFLATE.tif|../tci.tif|' "$T/$1.jsonl" && cp "$S2/TCI.tif" "$T/tci.tif"
	fails 1 "cog-read -q $opt --size 64 --rejects $T/$1.rej <$T/$1.jsonl >$T/$1.rec 2>$T/$1.err" &&
	grep -qF -- "\"message\":\"asset $a: $3" "$T/$1.rej" && grep -q "\"poi_id\":\"$1\"" "$T/$1.rej" &&
	[ $(wc -l <"$T/$1.rej") -eq 1 ] &&
	$PY -c "
import sys; sys.path.insert(0, \"$TOP/tests\"); import recio
from osgeo import gdal
(h, a), = recio.read(\"$T/$1.rec\")
assert h[\"poi_id\"] == \"ok\"
ds = gdal.Open(\"$S2/${5:-B04}.tif\")
t = h[\"grid\"][\"transform\"]
c0 = round((t[2] - 199980) / 100); r0 = round((2800020 - t[5]) / 100)
assert (c0, r0) == (225, 225), (c0, r0)
ref = ds.ReadAsArray(c0, r0, 64, 64).reshape(a[\"image\"].shape)
assert (a[\"image\"] == ref).all()
"
}
check 'DEFLATE tile garbled: rejected' 'bad deflate DEFLATE_bad.tif "block 0: DEFLATE stream corrupt"'
check 'DEFLATE tile cut short: rejected' 'bad deflate2 DEFLATE_short.tif "block 0: DEFLATE stream corrupt"'
check 'LZW tile garbled: rejected' 'bad lzw LZW_bad.tif "block 0: LZW stream corrupt"'
check 'LZW tile cut short: rejected, the short length said' 'bad lzw2 LZW_short.tif "block 0: LZW block short: "'
check 'LZW + predictor 2 tile garbled: rejected' 'bad lzwp LZWP_bad.tif "block 0: LZW stream corrupt"'
check 'ZSTD tile garbled: rejected' 'bad zstd ZSTD_bad.tif "block 0: ZSTD stream corrupt"'
check 'ZSTD tile cut short: rejected' 'bad zstd2 ZSTD_short.tif "block 0: ZSTD stream corrupt"'
check 'PackBits tile garbled: rejected' 'bad pb PACKBITS_bad.tif "block 0: PackBits"'
check 'PackBits tile cut short: rejected' 'bad pb2 PACKBITS_short.tif "block 0: PackBits"'
check 'JPEG (not decoded): rejected as unsupported compression 7' \
	'bad jpeg JPEG.tif "unsupported compression 7" visual TCI'
check 'LZMA (not decoded): rejected as unsupported compression 34925' \
	'bad lzma LZMA.tif "unsupported compression 34925"'
check '12-bit samples: rejected as an unsupported sample type' \
	'bad n12 N12.tif "unsupported sample type: 12 bits"'
