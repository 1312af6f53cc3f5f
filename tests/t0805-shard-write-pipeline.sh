#!/bin/sh
# The real pipeline on the bundled Havelland scene: mkrec (GDAL pixels) |
# stretch | lc-align (OSM land use) | tile --aug flip | caption | shard-write,
# then every check of t0800 on the folder it makes.
. "$(dirname "$0")/lib.sh"

H() { $PY "$TOP/tests/t0800-shard.py" "$@"; }
HV=$FIX/sentinel2_l1c_10m_T33UUU_havelland
cat >"$T/classes.json" <<'JSON'
[{"id":7201,"name":"forest","color":"228b22"},{"id":7203,"name":"residential","color":"c83232"},
 {"id":7205,"name":"farm","color":"e6c864"},{"id":7208,"name":"meadow","color":"8cd25a"},
 {"id":7217,"name":"scrub"},{"id":7218,"name":"grass","color":"b4f08c"},
 {"id":8200,"name":"water","color":"1e64dc"},{"id":8221,"name":"wetland"}]
JSON

check 'mkrec | stretch | lc-align | tile --aug flip | caption' '
	for p in 0 1; do
		$PY "$TOP/tests/mkrec.py" --poi poi_00000$p --window $((p * 512)),0,1024,768 \
		    --raster image=red:$HV/B04.tif,green:$HV/B03.tif,blue:$HV/B02.tif || exit 1
	done >"$T/raw.rec" &&
	stretch -q <"$T/raw.rec" |
	    lc-align -q --source "$HV/landcover/osm_landuse_10m.tif" --classes "$T/classes.json" |
	    tile -q --aug flip | caption -q >"$T/cap.rec" && [ -s "$T/cap.rec" ]'
check '| shard-write: exit 0, nothing on stdout' '
	shard-write -o "$T/ds" --write-bbox-overlays --write-masks --max-files-per-dir 20 \
	    <"$T/cap.rec" >"$T/out" && [ ! -s "$T/out" ] &&
	jq -e ".tiles >= 20 and .pois == 2" "$T/ds/.shard-write/state.json"'
for c in jsonl files splits sidecar card overlays colors; do
	check "check $c" 'H check '$c' "$T/ds"'
done
check 'check leaf (20 per folder)' 'H check leaf "$T/ds" --max 20 && [ -d "$T/ds/images/s00001" ]'
check 'check pixels and masks against the caption stream' '
	H check pixels "$T/ds" "$T/cap.rec" && H check masks "$T/ds" "$T/cap.rec"'
check 'flipped views are their own items, with their own rows' '
	ls "$T"/ds/images/s0000*/poi_000000_t0000_flip.png &&
	grep -q "poi_000000_t0000_flip__000_caption.png" "$T"/ds/data/*.jsonl'
check 'rows keep the caption messages, with the image path in place of {image}' '
	! grep -q "{image}" "$T"/ds/data/*.jsonl &&
	grep -c "\"text\":\"The input is satellite imagery" "$T"/ds/data/*.jsonl | grep -qv ":0$"'

# Stills from still-fetch (against the Mapbox replay on 127.0.0.1) in the same folder.
TOKEN=pk.test-S3CRET-tok3n_value
SRV=$T/srv
mkdir -p "$SRV"
TCI=$FIX/sentinel2_l2a_cog/S2A_29RKH_20200219_0_L2A/TCI.tif
gdal_translate -q -of PNG -srcwin 300 200 64 64 "$TCI" "$SRV/still.png" &&
gdal_translate -q -of JPEG -co QUALITY=90 -srcwin 300 200 64 64 "$TCI" "$SRV/still.jpg" &&
rm -f "$SRV"/*.aux.xml || echo "not ok - gdal_translate could not make the stills"
start_server MAPBOX_ACCESS_TOKEN="$TOKEN" mapbox.py "$SRV"
PORT=$SERVER_PORT
# lon 1.x answers a PNG, 2.x a JPEG (see tests/servers/mapbox.py).
printf '%s\n' '{"poi_id":"poi_000000","base_poi_id":"poi_000000","lon":1.5,"lat":52.5}' \
    '{"poi_id":"poi_000001_g001","base_poi_id":"poi_000001","lon":2.5,"lat":52.5}' >"$T/pois.ndjson"
check 'still-fetch | shard-write into the same folder: stills and their overview rows' '
	MAPBOX_ACCESS_TOKEN=$TOKEN still-fetch -q --base-url "http://127.0.0.1:$PORT" --size 32 \
	    <"$T/pois.ndjson" >"$T/stills.rec" &&
	shard-write -q -o "$T/ds" <"$T/stills.rec" &&
	[ -s "$T/ds/mapbox_stills/s00000/poi_000000.png" ] &&
	[ -s "$T/ds/mapbox_stills/s00000/poi_000001_g001.png" ] &&
	H check pixels "$T/ds" "$T/stills.rec" && H check card "$T/ds" &&
	H check splits "$T/ds" && H check jsonl "$T/ds" && H check files "$T/ds" &&
	grep -c "mapbox_stills/s00000/poi_000001_g001.png" "$T/ds/data/validation.jsonl" | grep -qx 1 &&
	jq -e ".stills == 2" "$T/ds/.shard-write/state.json" && ! grep -rq S3CRET "$T/ds"'
