#!/bin/sh
# lib/gtiff.c against GDAL: the GeoTIFFs we write show the right CRS, origin,
# pixel size and nodata in gdalinfo and give GDAL byte-identical pixels; the
# real fixture GeoTIFFs we read give the same pixels and grid as GDAL.
. "$(dirname "$0")/lib.sh"
U=$S2VL_UNIT/test_gtiff
HV=$FIX/sentinel2_l1c_10m_T33UUU_havelland
W=$T/w
mkdir -p "$W"

check 'test_gtiff writes its rasters (real B04 pixels, every dtype)' \
    "(cd '$TOP' && S2VL_FIXTURES='$FIX' '$U' -w '$W') | grep -v '^ok' | grep . && exit 1; true"

# gdalinfo -json, then python asserts on it: FILE 'python expression'.
ginfo() {
	gdalinfo -json "$1" >"$1.json" || return 1
	$PY - "$1.json" "$2" <<'EOF'
import json, sys
i = json.load(open(sys.argv[1]))
wkt = i.get("coordinateSystem", {}).get("wkt", "")
epsg = None
if wkt:
    last = wkt.rstrip().rsplit('ID["EPSG",', 1)
    epsg = int(last[1].split("]")[0]) if len(last) == 2 else None
gt = i.get("geoTransform")
nd = [b.get("noDataValue") for b in i["bands"]]
desc = [b.get("description") for b in i["bands"]]
ok = eval(sys.argv[2])
if not ok:
    print("epsg", epsg, "gt", gt, "nodata", nd, "size", i["size"], "desc", desc)
sys.exit(0 if ok else 1)
EOF
}

for n in uint8 uint16 int16 float32 rgb uint16x4; do
	check "$n: gdalinfo says EPSG:32633, origin (334000, 5820040), 10 m" \
	    "ginfo $W/$n.tif 'epsg == 32633 and gt == [334000.0, 10.0, 0.0, 5820040.0, 0.0, -10.0]'"
	check "$n: gdal_translate -of ENVI gives byte-identical pixels" \
	    "gdal_translate -q -of ENVI $W/$n.tif $W/$n.envi && cmp $W/$n.envi $W/$n.raw"
done
check 'uint8: nodata 0, 700x300' "ginfo $W/uint8.tif 'nd == [0] and i[\"size\"] == [700, 300]'"
check 'int16: nodata -32768, Int16' \
    "ginfo $W/int16.tif 'nd == [-32768] and i[\"bands\"][0][\"type\"] == \"Int16\"'"
check 'float32: nodata -9999, Float32' \
    "ginfo $W/float32.tif 'nd == [-9999] and i[\"bands\"][0][\"type\"] == \"Float32\"'"
check 'uint16: no nodata' "ginfo $W/uint16.tif 'nd == [None]'"
check 'rgb: 3 bands, nodata 0 each, band names as descriptions, RGB colours' \
    "ginfo $W/rgb.tif 'nd == [0, 0, 0] and desc[:2] == [\"red\", \"green\"] and [b[\"colorInterpretation\"] for b in i[\"bands\"]] == [\"Red\", \"Green\", \"Blue\"]'"
check 'uint16x4: 4 bands, 300x200' "ginfo $W/uint16x4.tif 'len(nd) == 4 and i[\"size\"] == [300, 200]'"
check 'files are tiled 256, DEFLATE with predictor 2 (ints) or 3 (float)' '
	gdalinfo $W/uint16.tif | grep -q "Block=256x256" &&
	gdalinfo $W/uint16.tif | grep -q "COMPRESSION=DEFLATE" &&
	gdalinfo $W/uint16.tif | grep -q "PREDICTOR=2" &&
	gdalinfo $W/float32.tif | grep -q "PREDICTOR=3"'
check 'rotated grid: GDAL reads the ModelTransformation back' \
    "ginfo $W/rotated.tif 'epsg == 32633 and all(abs(a - b) < 1e-9 for a, b in zip(gt, [334000, 8.660254037844386, 5, 5820040, 5, -8.660254037844386]))' &&
     gdal_translate -q -of ENVI $W/rotated.tif $W/rotated.envi && cmp $W/rotated.envi $W/rotated.raw"
check 'EPSG:4326 grid: geographic keys, origin (6.45, 0.42), 1/12000 deg' \
    "ginfo $W/wgs84.tif 'epsg == 4326 and abs(gt[0] - 6.45) < 1e-12 and abs(gt[3] - 0.42) < 1e-12 and abs(gt[1] - 1/12000) < 1e-15'"
check 'no grid: GDAL sees no CRS and no transform' "ginfo $W/nogrid.tif 'epsg is None and gt is None'"
check 'no temporary files left beside the outputs' "! ls $W | grep -q tmp"

# Reading: our samples and grid against GDAL's, on real files of every layout.
# dump FILE NAME: our raw + grid line; GDAL's raw; compare both.
same_as_gdal() {
	"$U" -d "$1" "$T/$2.ours" >"$T/$2.grid" || return 1
	gdal_translate -q -of ENVI -co INTERLEAVE=BSQ "$1" "$T/$2.gdal" || return 1
	cmp "$T/$2.ours" "$T/$2.gdal" || return 1
	gdalinfo -json "$1" >"$T/$2.json"
	$PY - "$T/$2.json" "$T/$2.grid" <<'EOF'
import json, sys
i = json.load(open(sys.argv[1]))
f = open(sys.argv[2]).read().split()
gt = i["geoTransform"]
ours = [float(v) for v in f[3:9]]	# a b c d e f
want = [gt[1], gt[2], gt[0], gt[4], gt[5], gt[3]]
wkt = i["coordinateSystem"]["wkt"].rstrip()
epsg = "EPSG:" + wkt.rsplit('ID["EPSG",', 1)[1].split("]")[0]
ok = f[2] == epsg and all(abs(a - b) <= 1e-9 * max(1, abs(b)) for a, b in zip(ours, want))
if not ok:
    print("ours", f, "gdal", epsg, want)
sys.exit(0 if ok else 1)
EOF
}
check 'Havelland B04 COG (uint16, 512 tiles) reads as GDAL reads it' "same_as_gdal $HV/B04.tif b04"
check 'OSM landuse COG (uint16 codes, nodata 0)' "same_as_gdal $HV/landcover/osm_landuse_10m.tif osm &&
	grep -q 'nodata 0' $T/osm.grid"
check 'RGB.byte.tif (stripped, pixel-interleaved, uncompressed)' \
    "same_as_gdal $FIX/landsat_fallback/RGB.byte.tif rgbbyte"
check 'TCI.tif (tiled, pixel-interleaved RGB)' \
    "same_as_gdal $FIX/sentinel2_l2a_cog/S2A_29RKH_20200219_0_L2A/TCI.tif tci"
check 'SCL.tif (uint8, 200 m)' "same_as_gdal $FIX/sentinel2_l2a_cog/S2A_29RKH_20200219_0_L2A/SCL.tif scl"
check 'WorldCover Sao Tome crop (EPSG:4326, palette)' \
    "same_as_gdal $FIX/worldcover/derived/ESA_WorldCover_10m_2021_v200_N00E006_Map_SaoTome_crop.tif wc"
check 'Major TOM B04 (T48QUE)' "same_as_gdal $FIX/sentinel2_l2a_10m_T48QUE_majortom/B04.tif mt"

# Layouts GDAL can write that the fixtures lack.
check 'stripped band-separate LZW with predictor 2' "
	gdal_translate -q -co INTERLEAVE=BAND -co COMPRESS=LZW -co PREDICTOR=2 \
	    $FIX/sentinel2_l2a_cog/S2A_29RKH_20200219_0_L2A/TCI.tif $T/sep.tif &&
	same_as_gdal $T/sep.tif sep"
check 'tiled 128x64 band-separate int16, DEFLATE' "
	gdal_translate -q -ot Int16 -co TILED=YES -co BLOCKXSIZE=128 -co BLOCKYSIZE=64 \
	    -co INTERLEAVE=BAND -co COMPRESS=DEFLATE -srcwin 100 100 333 211 \
	    -b 1 -b 1 $FIX/landsat_fallback/RGB.byte.tif $T/i16.tif &&
	same_as_gdal $T/i16.tif i16"
check 'float32 with floating-point predictor' "
	gdal_translate -q -ot Float32 -scale 0 20000 0 2 -co COMPRESS=DEFLATE -co PREDICTOR=3 \
	    -srcwin 0 0 300 200 $HV/B08.tif $T/f32.tif && same_as_gdal $T/f32.tif f32"
check 'PixelIsPoint: origin shifted half a pixel, as GDAL does' "
	gdal_translate -q -mo AREA_OR_POINT=Point -srcwin 10 10 64 64 $HV/B02.tif $T/pt.tif &&
	gdalinfo $T/pt.tif | grep -q 'AREA_OR_POINT=Point' && same_as_gdal $T/pt.tif pt &&
	grep -q ' 330100 ' $T/pt.grid"

# Failures: exit status and message.
check 'unsupported sample type is refused with a message' "
	gdal_translate -q -ot Int32 -srcwin 0 0 10 10 $HV/B02.tif $T/i32.tif &&
	fails 1 '\"$U\" -d $T/i32.tif $T/x 2>$T/err' && grep -q 'i32.tif: unsupported samples: 32-bit signed' $T/err"
check 'a file that is no TIFF is refused' "
	echo hello >$T/no.tif && fails 1 '\"$U\" -d $T/no.tif $T/x 2>$T/err' &&
	grep -q 'no.tif: Cannot read TIFF header' $T/err"
check 'a truncated COG is refused' "
	head -c 40000 $HV/B03.tif >$T/cut.tif && fails 1 '\"$U\" -d $T/cut.tif $T/x 2>$T/err' &&
	grep -q 'cut.tif: cannot decode tile' $T/err"
