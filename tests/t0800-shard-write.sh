#!/bin/sh
# shard-write on tile records cut from the real Havelland bands and OSM labels
# (pixels by gdal_translate -of ENVI; regions and rows written by the test):
# the folder, its files, shards, splits, sidecars, card, masks and overlays.
. "$(dirname "$0")/lib.sh"

H() { $PY "$TOP/tests/t0800-shard.py" "$@"; }
# sums DIR: every file of the folder with its SHA-256, sorted by path.
sums() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs sha256sum); }

H mkstream "$FIX" "$T/in.rec" --pois 24 --stills || echo "not ok - build the input stream"
W="--write-bbox-overlays --write-masks --max-files-per-dir 9"

check 'writes the folder: exit 0, nothing on stdout' '
	shard-write -o "$T/ds" $W <"$T/in.rec" >"$T/out" 2>"$T/err" &&
	[ ! -s "$T/out" ] && [ -s "$T/ds/README.md" ] && [ -s "$T/ds/data/train.jsonl" ]'
check 'every JSONL line parses and holds messages (+ bbox_overlay_image) only' '
	H check jsonl "$T/ds" >"$T/c" && grep -q "^[1-9][0-9]* rows" "$T/c" &&
	! grep -h "\"tag\"\|\"boxes\"" "$T"/ds/data/*.jsonl'
check 'every referenced file exists and decodes (zlib decoder of the test, pngtopam)' '
	H check files "$T/ds" &&
	for f in $(find "$T/ds/images" "$T/ds/overlays" -name "*.png" | head -20); do
		pngtopam "$f" | pamfile | grep -q "48 by 48 .*maxval 255" || exit 1
	done'
check 'no leaf folder over --max-files-per-dir 9; shards s00000.. filled in order' '
	H check leaf "$T/ds" --max 9 &&
	[ -d "$T/ds/images/s00003" ] && [ -d "$T/ds/overlays/s00020" ]'
check 'splits by SHA-256 of base_poi_id; a base never straddles splits' '
	H check splits "$T/ds" >"$T/c" && grep -q " in 3 splits" "$T/c"'
check 'jitter variants _g001/_g002 land in their base split, not their own' '
	H check jitter "$T/ds"'
check 'sidecars carry the documented keys, split, WGS 84 bbox, image path' '
	H check sidecar "$T/ds" &&
	f=$(find "$T/ds/metadata" -name "poi_000001_g001_t0000.json") &&
	jq -e ".poi_id == \"poi_000001_g001\" and .base_poi_id == \"poi_000001\" and
	    .tile_origin_native == (.tile_origin_native|select(length == 2)) and
	    .land_cover_label_meta.shape == [48,48] and .native_tile == 48 and
	    .scene.mgrs == \"33UUU\" and (.stac_rgb_meta.red.href | endswith(\"B04.tif\"))" "$f"'
check 'the dataset card counts equal the files; front matter lists the splits' '
	H check card "$T/ds" && grep -q "^license: \"cc-by-4.0\"$" "$T/ds/README.md" &&
	jq -e ".tiles > 0 and .splits.train.rows > 0" "$T/ds/.shard-write/state.json"'
check 'PNG pixels equal the record pixels (tiles and stills)' '
	H check pixels "$T/ds" "$T/in.rec" && ls "$T"/ds/mapbox_stills/s00000/poi_000000.png'
check 'masks: palette PNGs equal to the uint16 label, class colours in the palette' '
	H check masks "$T/ds" "$T/in.rec"'
check 'overlays: only the row boxes changed, 2 px outlines, stem__NNN_tag names' '
	H check overlays "$T/ds"'
check 'overlay colours: class table colour, else SHA-256 of the class name' '
	H check colors "$T/ds"'
check 'signed URL query strings never reach the folder' '! grep -r SECRETTOKEN "$T/ds"'

check 'a second run into a new folder is byte-identical (overlay colours included)' '
	shard-write -o "$T/ds2" $W <"$T/in.rec" 2>/dev/null &&
	sums "$T/ds" >"$T/s1" && sums "$T/ds2" >"$T/s2" && cmp "$T/s1" "$T/s2" &&
	H overlay-colors "$T/ds" >"$T/c1" && H overlay-colors "$T/ds2" >"$T/c2" &&
	cmp "$T/c1" "$T/c2" && [ $(wc -c <"$T/c1") -gt 1000 ]'

check 'uint8 labels: masks keep the class values as palette indices' '
	H mkstream "$FIX" "$T/in8.rec" --pois 4 --label8 &&
	shard-write -q -o "$T/ds8" --write-masks <"$T/in8.rec" &&
	H check masks "$T/ds8" "$T/in8.rec" &&
	! grep -q mask_classes "$T"/ds8/metadata/s00000/*.json &&
	grep -q mask_classes "$T"/ds/metadata/s00000/*.json'

check 'running the same input again adds nothing: every record skipped, folder unchanged' '
	shard-write -o "$T/ds2" $W <"$T/in.rec" 2>"$T/err" &&
	grep -q "records already in .* were skipped" "$T/err" &&
	sums "$T/ds2" >"$T/s2" && cmp "$T/s1" "$T/s2"'

check 'two runs over two halves of the stream = one run over all (counts include earlier runs)' '
	H split "$T/in.rec" 29 "$T/a.rec" "$T/b.rec" &&
	shard-write -q -o "$T/ds3" $W <"$T/a.rec" && H check card "$T/ds3" &&
	shard-write -q -o "$T/ds3" $W <"$T/b.rec" &&
	sums "$T/ds3" >"$T/s3" && cmp "$T/s1" "$T/s3"'

check '--pass-through copies every record to stdout unchanged' '
	shard-write -q -o "$T/ds4" --pass-through <"$T/in.rec" >"$T/pass.rec" &&
	H same "$T/in.rec" "$T/pass.rec"'

check 'without overlays: rows carry no bbox_overlay_image, no overlays/ folder' '
	shard-write -q -o "$T/ds5" <"$T/in.rec" && [ ! -d "$T/ds5/overlays" ] &&
	[ ! -d "$T/ds5/masks" ] && ! grep -q bbox_overlay_image "$T"/ds5/data/*.jsonl &&
	H check card "$T/ds5" 2>&1 | grep -q "card agrees"'

check '--title and --license reach the card and stay for later runs' '
	shard-write -q -o "$T/ds6" --title "Havelland \"test\" set" --license odbl <"$T/a.rec" &&
	shard-write -q -o "$T/ds6" <"$T/b.rec" &&
	grep -q "^license: \"odbl\"$" "$T/ds6/README.md" &&
	grep -q "^pretty_name: \"Havelland \\\\\"test\\\\\" set\"$" "$T/ds6/README.md" &&
	grep -q "^# Havelland \"test\" set$" "$T/ds6/README.md" && H check card "$T/ds6" >/dev/null'
