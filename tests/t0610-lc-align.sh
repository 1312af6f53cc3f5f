#!/bin/sh
# lc-align on real land cover: the labels must equal GDAL's on the same target
# grid (gdal_translate -srcwin when the grids coincide, gdalwarp -r near -et 0
# when PROJ has to move the pixel centres), locally and over HTTP ranges.
. "$(dirname "$0")/lib.sh"
HV=$FIX/sentinel2_l1c_10m_T33UUU_havelland
OSM=$HV/landcover/osm_landuse_10m.tif
WC=$FIX/worldcover
WCT=$WC/ESA_WorldCover_10m_2021_v200_N00E006_Map.tif
CROP=$WC/derived/ESA_WorldCover_10m_2021_v200_N00E006_Map_SaoTome_crop.tif
CLS=$TOP/examples/havelland/landcover/classes.json

# rec POI CRS A C E F W H: a record with a grid and no rasters.
rec() {
	printf '{"poi_id":"%s","grid":{"crs":"%s","transform":[%s,0,%s,0,%s,%s],"width":%s,"height":%s}}\n' \
	    "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8"
}
# label STREAM N OUT: the label payload of record N (0-based) as raw bytes.
label() {
	$PY -c "
import sys; sys.path.insert(0, '$TOP/tests')
import recio
h, a = recio.read('$1')[int('$2')]
open('$3', 'wb').write(a['label'].tobytes())
"
}
# hdr STREAM N 'python expression on h': assert on record N's header.
hdr() {
	$PY -c "
import json, sys
h = [json.loads(l) for l in open('$1', 'rb') if l.startswith(b'{')][int('$2')]
ok = ($3)
if not ok: print(json.dumps(h)[:1500])
sys.exit(0 if ok else 1)
"
}
# warp SRC CRS XMIN YMIN XMAX YMAX RES NODATA OUT: GDAL's nearest on the target grid
# (exact transformations, full resolution: no overview stands in for coarser grids).
warp() {
	rm -f "$9" "$9.hdr" "$9.aux.xml"
	gdalwarp -q -r near -et 0 -ovr NONE -t_srs "$2" -te "$3" "$4" "$5" "$6" -tr "$7" "$7" \
	    -dstnodata "$8" -of ENVI "$1" "$9"
}

# 1. Same grid as the OSM raster: a window must be gdal_translate -srcwin, with
# the source nodata 0 turned into the label nodata 65535.
rec w1 EPSG:32633 10 331000 -10 5821040 300 200 >$T/w1.rec
check 'Havelland window: exit 0' \
    "lc-align --source $OSM --classes $CLS <$T/w1.rec >$T/w1.out"
check 'Havelland window: labels = gdal_translate -srcwin (0 -> 65535)' "
	label $T/w1.out 0 $T/w1.raw &&
	gdal_translate -q -of ENVI -srcwin 100 100 300 200 $OSM $T/w1.ref &&
	$PY -c \"
import numpy as np
a = np.fromfile('$T/w1.raw', '<u2'); b = np.fromfile('$T/w1.ref', '<u2')
b = np.where(b == 0, 65535, b)
assert a.size == 60000 and (a == b).all(), (a != b).sum()
assert len(set(a.tolist()) - {65535}) >= 5
\""
check 'Havelland window: byte-identical to gdalwarp -dstnodata 65535' "
	warp $OSM EPSG:32633 331000 5819040 334000 5821040 10 65535 $T/w1.warp &&
	cmp $T/w1.raw $T/w1.warp"
check 'Havelland window: uint16 label, nodata 65535, band "class", landcover key' "
	hdr $T/w1.out 0 \"h['rasters'] == [{'role': 'label', 'width': 300, 'height': 200,
	    'bands': ['class'], 'dtype': 'uint16', 'nodata': 65535, 'bytes': 120000}]
	    and h['landcover']['source'] == '$OSM' and h['landcover']['nodata'] == 65535
	    and h['landcover']['classes'][0] == {'id': 7201, 'name': 'forest', 'color': '397d49'}
	    and len(h['landcover']['classes']) == 8 and 0 < h['landcover']['coverage'] < 1
	    and h['grid']['crs'] == 'EPSG:32633'\""

# 2. Several records, one over the source's edge, -j 1 and -j 3 alike.
{
	rec a EPSG:32633 10 330000 -10 5822040 512 512
	rec b EPSG:32633 10 345000 -10 5815000 100 100
	rec c EPSG:32633 20 336000 -20 5820000 150 100
} >$T/multi.rec
check 'three records: -j 3 output equals -j 1 output, in input order' "
	lc-align -j 1 --source $OSM <$T/multi.rec >$T/m1.out &&
	lc-align -j 3 --source $OSM <$T/multi.rec >$T/m3.out && cmp $T/m1.out $T/m3.out &&
	[ \"\$(grep -a -o '\"poi_id\":\"[abc]\"' $T/m3.out | tr -d '\\n')\" = '\"poi_id\":\"a\"\"poi_id\":\"b\"\"poi_id\":\"c\"' ]"
check 'record over the edge: outside pixels are nodata, as gdalwarp says' "
	label $T/m3.out 1 $T/b.raw && warp $OSM EPSG:32633 345000 5814000 346000 5815000 10 65535 $T/b.warp &&
	cmp $T/b.raw $T/b.warp"
check 'a 20 m grid over the 10 m source: nearest centre, as gdalwarp' "
	label $T/m3.out 2 $T/c.raw && warp $OSM EPSG:32633 336000 5818000 339000 5820000 20 65535 $T/c.warp &&
	cmp $T/c.raw $T/c.warp"
check 'without --classes: empty class table, uint16 from the uint16 source' "
	hdr $T/m3.out 0 \"h['landcover']['classes'] == [] and h['rasters'][0]['dtype'] == 'uint16'\""

# 3. Another CRS: PROJ moves the centres (UTM 33N source, ETRS89-LAEA grid).
rec laea EPSG:3035 10 4494000 -10 3268000 400 300 >$T/laea.rec
check 'LAEA grid over the UTM source: byte-identical to gdalwarp -r near -et 0' "
	lc-align --source $OSM <$T/laea.rec >$T/laea.out && label $T/laea.out 0 $T/laea.raw &&
	warp $OSM EPSG:3035 4494000 3265000 4498000 3268000 10 65535 $T/laea.warp &&
	cmp $T/laea.raw $T/laea.warp && hdr $T/laea.out 0 \"h['landcover']['coverage'] > 0.1\""

# 4. WorldCover N00E006 onto a UTM 32N grid near 6.6E 0.3N.
rec st EPSG:32632 10 230000 -10 36000 500 400 >$T/st.rec
check 'WorldCover (local folder): labels = gdalwarp -t_srs EPSG:32632 -tr 10 10' "
	lc-align --worldcover-url $WC <$T/st.rec >$T/st.out && label $T/st.out 0 $T/st.raw &&
	warp $WCT EPSG:32632 230000 32000 235000 36000 10 255 $T/st.warp && cmp $T/st.raw $T/st.warp"
check 'WorldCover: uint8, nodata 255, the 11 official classes, tile named' "
	hdr $T/st.out 0 \"h['rasters'][0]['dtype'] == 'uint8' and h['rasters'][0]['nodata'] == 255
	    and len(h['landcover']['classes']) == 11
	    and h['landcover']['classes'][0] == {'id': 10, 'name': 'Tree cover', 'color': '006400'}
	    and h['landcover']['classes'][10]['id'] == 100 and h['landcover']['tiles'] == ['N00E006']\""
check 'WorldCover: a {TILE} file:// template gives the same labels' "
	lc-align --worldcover-url 'file://$WC/ESA_WorldCover_10m_2021_v200_{TILE}_Map.tif' \
	    <$T/st.rec >$T/st2.out && cmp $T/st.out $T/st2.out"
check 'WorldCover crop as --source: the same labels again' "
	lc-align --source $CROP <$T/st.rec >$T/st3.out && label $T/st3.out 0 $T/st3.raw &&
	cmp $T/st.raw $T/st3.raw"
rec eq EPSG:32632 10 225000 -10 3000 600 600 >$T/eq.rec
check 'WorldCover across the equator: the absent S03E006 tile is nodata, as GDAL' "
	lc-align --worldcover-url $WC <$T/eq.rec >$T/eq.out && label $T/eq.out 0 $T/eq.raw &&
	warp $WCT EPSG:32632 225000 -3000 231000 3000 10 255 $T/eq.warp && cmp $T/eq.raw $T/eq.warp &&
	hdr $T/eq.out 0 \"h['landcover']['coverage'] == 0.5\""
# Two tiles: N00E009 made of real Sao Tome pixels moved to 9.00-9.05E, so the
# tile edge at 9E separates sea from land classes.
mkdir -p $T/two && ln -sf $WCT $T/two/ &&
gdal_translate -q -projwin 6.5 0.3 6.55 0.25 -a_ullr 9.0 0.3 9.05 0.25 -co TILED=YES \
    $WCT $T/two/ESA_WorldCover_10m_2021_v200_N00E009_Map.tif &&
gdalbuildvrt -q $T/two.vrt $T/two/*.tif
rec two EPSG:32632 10 498500 -10 32000 300 300 >$T/two.rec
check 'WorldCover grid across two tiles: reads both, = gdalwarp on their mosaic' "
	lc-align --worldcover-url $T/two <$T/two.rec >$T/two.out && label $T/two.out 0 $T/two.raw &&
	warp $T/two.vrt EPSG:32632 498500 29000 501500 32000 10 255 $T/two.warp && cmp $T/two.raw $T/two.warp &&
	hdr $T/two.out 0 \"h['landcover']['tiles'] == ['N00E006', 'N00E009']\""
check 'a pipeline record keeps its image raster untouched and gets the label' "
	$PY $TOP/tests/mkrec.py --poi img --window 200,100,64,48 --raster image=red:$HV/B04.tif >$T/img.rec &&
	lc-align --source $OSM --classes $CLS <$T/img.rec >$T/img.out &&
	$PY -c \"
import sys; sys.path.insert(0, '$TOP/tests')
import numpy as np, recio
(h0, a0), = recio.read('$T/img.rec'); (h1, a1), = recio.read('$T/img.out')
assert (a0['image'] == a1['image']).all()
assert [r['role'] for r in h1['rasters']] == ['image', 'label']
\" && label $T/img.out 0 $T/img.raw && warp $OSM EPSG:32633 332000 5820560 332640 5821040 10 65535 $T/img.warp &&
	cmp $T/img.raw $T/img.warp"
check 'running it twice replaces the label, no second one' "
	lc-align --source $OSM <$T/img.out >$T/img2.out &&
	hdr $T/img2.out 0 \"[r['role'] for r in h['rasters']] == ['image', 'label']\""
check '--spool: the label is a GeoTIFF GDAL reads on the right grid' "
	mkdir -p $T/spool && lc-align --spool $T/spool --source $OSM <$T/w1.rec >$T/sp.out &&
	p=\$(grep -o '\"path\":\"[^\"]*\"' $T/sp.out | cut -d'\"' -f4) && test -f \"\$p\" &&
	gdalinfo \"\$p\" | grep -q 'Origin = (331000.000000000000000,5821040.000000000000000)' &&
	gdalinfo \"\$p\" | grep -q 'ID\\[\"EPSG\",32633\\]\\]\$' &&
	gdal_translate -q -of ENVI \"\$p\" $T/sp.envi && cmp $T/sp.envi $T/w1.raw"

# 5. Over HTTP: the same bytes through range requests, never the whole file.
if start_nginx "$FIX"; then
	U=$NGINX_URL
	check 'http --source: the same labels as the local file' "
		lc-align --source $U/sentinel2_l1c_10m_T33UUU_havelland/landcover/osm_landuse_10m.tif \
		    --classes $CLS <$T/w1.rec >$T/h1.out && label $T/h1.out 0 $T/h1.raw && cmp $T/h1.raw $T/w1.raw"
	check 'http --source: only ranges, fewer bytes than the file' "
		grep -q 'osm_landuse_10m.tif HTTP/1.1\" 206' $NGINX_LOG &&
		! grep 'osm_landuse_10m.tif HTTP/1.1\" 200' $NGINX_LOG &&
		[ \$(grep osm_landuse $NGINX_LOG | awk '{s += \$4} END {print s}') -lt \$(wc -c <$OSM) ]"
	: >$NGINX_LOG
	check 'http WorldCover {TILE} template: same labels, 404 tile is nodata' "
		lc-align -j 2 --worldcover-url '$U/worldcover/ESA_WorldCover_10m_2021_v200_{TILE}_Map.tif' \
		    <$T/eq.rec >$T/heq.out && label $T/heq.out 0 $T/heq.raw && cmp $T/heq.raw $T/eq.raw &&
		grep -q 'S03E006_Map.tif HTTP/1.1\" 404' $NGINX_LOG &&
		[ \$(grep N00E006 $NGINX_LOG | awk '{s += \$4} END {print s}') -lt \$(wc -c <$WCT) ]"
	check 'http source that is not there: rejected with the status' "
		fails 1 'lc-align --source $U/nothere.tif <$T/w1.rec >$T/x.out 2>$T/err' &&
		grep -q 'nothere.tif.*404' $T/err && [ ! -s $T/x.out ]"
else
	echo "not ok - nginx did not start"
fi

# 6. Records lc-align cannot label, and bad options.
check 'record without a grid: rejected, exit 1, message' "
	echo '{\"poi_id\":\"ng\",\"lon\":13,\"lat\":52}' >$T/ng.rec &&
	fails 1 'lc-align --source $OSM --rejects $T/rej <$T/ng.rec >$T/x.out' &&
	grep -q '\"message\":\"no \\\\\"grid\\\\\"' $T/rej && grep -q '\"poi_id\":\"ng\"' $T/rej &&
	[ ! -s $T/x.out ]"
check 'grid far from the source: rejected, does not cover' "
	rec far EPSG:32633 10 500000 -10 6000000 10 10 | fails 1 'lc-align --source $OSM 2>$T/err >$T/x.out' &&
	grep -q 'osm_landuse_10m.tif does not cover the grid (EPSG:32633' $T/err"
check 'WorldCover grid at sea with no tile: rejected, names the tile' "
	rec sea EPSG:32631 10 500000 -10 100000 10 10 | fails 1 'lc-align --worldcover-url $WC 2>$T/err >$T/x.out' &&
	grep -q 'no WorldCover tile covers the grid.*no such tile: N00E003' $T/err"
check 'unreadable source file: every record rejected with the reason' "
	fails 1 'lc-align --source $T/none.tif <$T/multi.rec 2>$T/err >$T/x.out' &&
	[ \$(grep -c 'none.tif: No such file or directory' $T/err) -eq 3 ]"
check 'a source that is no TIFF' "
	echo junk >$T/junk.tif && fails 1 'lc-align --source $T/junk.tif <$T/w1.rec 2>$T/err >/dev/null' &&
	grep -q 'junk.tif: Cannot read TIFF header' $T/err"
check 'a float32 source is refused: class codes are integers' "
	gdal_translate -q -ot Float32 -srcwin 0 0 100 100 $OSM $T/f.tif &&
	rec f EPSG:32633 10 330000 -10 5822040 10 10 | fails 1 'lc-align --source $T/f.tif 2>$T/err >/dev/null' &&
	grep -q 'float32 samples' $T/err"
check '--band beyond the source bands' "
	fails 1 'lc-align --band 2 --source $OSM <$T/w1.rec 2>$T/err >/dev/null' &&
	grep -q 'has 1 band, --band is 2' $T/err"
check 'a grid too large to label at once: rejected' "
	rec huge EPSG:32633 10 330000 -10 5822040 10000 10000 | fails 1 'lc-align --source $OSM 2>$T/err >/dev/null' &&
	grep -q 'grid: 10000x10000 pixels, more than the 67108864' $T/err"
check 'a spooled stream goes through again: the label GeoTIFF is read and replaced' "
	mkdir -p $T/spool2 && lc-align --spool $T/spool2 --source $OSM <$T/img.rec >$T/sp2.rec &&
	lc-align --source $OSM --classes $CLS <$T/sp2.rec >$T/sp2.out &&
	hdr $T/sp2.out 0 \"[r['role'] for r in h['rasters']] == ['image', 'label'] and 'bytes' in h['rasters'][1]\" &&
	label $T/sp2.out 0 $T/sp2.raw && cmp $T/sp2.raw $T/img.raw"
check 'a grid CRS PROJ does not know' "
	rec bad EPSG:999999 10 0 -10 0 10 10 | fails 1 'lc-align --source $OSM 2>$T/err >/dev/null' &&
	grep -q 'grid CRS: EPSG:999999: not a CRS that PROJ knows' $T/err"
check 'no source: usage error, exit 2' "
	fails 2 'lc-align <$T/w1.rec 2>$T/err' && grep -q 'lc-align: say where the land cover comes from' $T/err"
check '--source and --worldcover together: exit 2' "
	fails 2 'lc-align --source $OSM --worldcover <$T/w1.rec 2>$T/err' && grep -q 'exclude each other' $T/err"
check '--classes that is not a class table: exit 2' "
	echo '[{\"id\":\"x\",\"name\":\"a\"}]' >$T/cls.json &&
	fails 2 'lc-align --source $OSM --classes $T/cls.json <$T/w1.rec 2>$T/err' &&
	grep -q 'cls.json: entry 0: \"id\" must be an integer' $T/err"
check '--classes with a duplicate id: exit 2' "
	echo '[{\"id\":1,\"name\":\"a\"},{\"id\":1,\"name\":\"b\"}]' >$T/cls2.json &&
	fails 2 'lc-align --source $OSM --classes $T/cls2.json <$T/w1.rec 2>$T/err' &&
	grep -q 'id 1 appears twice' $T/err"
check '--band 0: exit 2' "fails 2 'lc-align --source $OSM --band 0 </dev/null 2>$T/err' && grep -q -- '--band: expected' $T/err"
check '--dynamic-world: the nine label classes' "
	lc-align --source $OSM --dynamic-world <$T/w1.rec >$T/dw.out &&
	hdr $T/dw.out 0 \"[c['name'] for c in h['landcover']['classes']] == ['water', 'trees', 'grass',
	    'flooded_vegetation', 'crops', 'shrub_and_scrub', 'built', 'bare_ground', 'snow_and_ice']
	    and h['rasters'][0]['dtype'] == 'uint8'\""
check 'output to /dev/full: exit 2' "fails 2 'lc-align --source $OSM <$T/w1.rec >/dev/full 2>/dev/null'"
check 'a truncated input stream: exit 2' "
	head -c 40 $T/w1.rec | fails 2 'lc-align --source $OSM >/dev/null 2>$T/err' && grep -q 'lc-align:' $T/err"
check '-h prints the usage, exit 0' "lc-align -h | grep -q 'usage: lc-align'"
