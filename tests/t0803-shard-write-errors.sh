#!/bin/sh
# shard-write on bad input: each spoilt record is rejected with its reason
# (exit 1) while the others are written; an unwritable folder, a cut or
# garbled stream and bad options exit 2.
. "$(dirname "$0")/lib.sh"

H() { $PY "$TOP/tests/t0800-shard.py" "$@"; }
sums() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs sha256sum); }

H mkstream "$FIX" "$T/in.rec" --pois 6 || echo "not ok - build the input stream"

# bad KIND MESSAGE: exit 1, the message on stderr and in the rejects file,
# the two good records written and counted.
bad() {
	H mkbad "$T/in.rec" "$T/$1.rec" "$1" &&
	fails 1 "shard-write -o \"$T/$1\" --write-bbox-overlays --write-masks \
	    --rejects \"$T/$1.rej\" <\"$T/$1.rec\" 2>\"$T/$1.err\"" &&
	grep -qF "$2" "$T/$1.err" &&
	head -n 1 "$T/$1.rej" | jq -e --arg m "$2" \
	    '.error.tool == "shard-write" and (.error.message | contains($m))' >/dev/null &&
	grep -q "1 of 3 records rejected" "$T/$1.err" &&
	[ $(find "$T/$1/images" -name "*.png" | wc -l) -eq 2 ] &&
	H check card "$T/$1" >/dev/null && H check files "$T/$1" >/dev/null
}
check 'missing image raster: rejected, exit 1' 'bad no-image "no \"image\" raster"'
check 'image of dtype uint16: rejected, exit 1' \
    'bad image-uint16 "image: dtype uint16, want uint8 (run stretch first)"'
check 'image of 4 bands: rejected, exit 1' 'bad image-4band "image: 4 bands, want 3 (RGB) or 1"'
check 'label of dtype float32: rejected, exit 1' \
    'bad label-float "label: dtype float32, want uint8 or uint16"'
check 'label of another size than the grid: rejected, exit 1' \
    'bad label-size "rasters[1] (label) is 40x40 but the grid is 48x48"'
check 'label of another size than the image, no grid: rejected, exit 1' \
    'bad label-size-nogrid "label: 40x40x1, want one band of the image'"'"'s 48x48"'
check 'a stem that is no safe file name (../evil): rejected, nothing outside the folder' '
	bad bad-stem "tile.stem: missing or not a safe file name" && [ ! -e "$T/evil.png" ] &&
	[ -z "$(find "$T" -name "evil*")" ]'
check 'a box index with no region: rejected, exit 1' \
    'bad box-index "rows[1].boxes[0]: not a region index"'
check 'a row without messages: rejected, exit 1' 'bad no-messages "rows[0]: no messages array"'
check 'a record without poi_id: rejected, exit 1' 'bad no-poi "poi_id: missing or not a string"'
check 'an image raster without "tile": rejected, exit 1' \
    'bad image-no-tile "no \"tile\" object: not a tile record (run tile first)"'
check 'neither tile nor still: rejected, exit 1' 'bad neither "neither a tile record"'
check 'a still of one gray band: rejected, exit 1' \
    'bad still-gray "still: 1 bands of uint8, want 3 of uint8 (RGB)"'

check 'a region box that is no box (x2 < x1): rejected, exit 1' \
    'bad bad-bbox "regions[0].bbox: not a box in 0..1"'
check 'rows that are no array: rejected, exit 1' 'bad rows-not-array "rows: not an array"'
check 'a row tag that is no string: rejected, exit 1' \
    'bad tag-not-string "rows[0].tag: not a string"'
check 'row boxes that are no array: rejected, exit 1' \
    'bad boxes-not-array "rows[0].boxes: not an array"'
check 'regions that are no array: rejected, exit 1' \
    'bad regions-not-array "regions: not an array"'
check 'a class table that is no array: rejected, exit 1' \
    'bad classes-not-array "landcover.classes: not an array"'
check 'a base_poi_id that is no string: rejected, exit 1' \
    'bad base-not-string "base_poi_id: not a string"'

check 'an unwritable folder (-o under a file): exit 2, nothing read' '
	fails 2 "shard-write -o /dev/null/ds <\"$T/in.rec\" 2>\"$T/err\"" &&
	grep -q "^shard-write: /dev/null/ds: Not a directory$" "$T/err"'
check 'a folder whose data/ cannot be made: exit 2' '
	mkdir -p "$T/nodata" && : >"$T/nodata/data" &&
	fails 2 "shard-write -o \"$T/nodata\" <\"$T/in.rec\" 2>\"$T/err\"" &&
	grep -q "nodata/data/train.jsonl: Not a directory" "$T/err" && [ ! -e "$T/nodata/.shard-write/running" ]'

# A stream cut inside the 4th record's payload.
n=$($PY -c "
import json
f = open('$T/in.rec', 'rb'); off = 0
for i in range(3):
    h = f.readline(); off += len(h) + sum(r['bytes'] for r in json.loads(h)['rasters']); f.seek(off)
print(off + len(f.readline()) + 100)")
head -c "$n" "$T/in.rec" >"$T/cut.rec"
check 'a truncated stream: exit 2 naming the record; the 3 before it committed, card written' '
	fails 2 "shard-write -o \"$T/cut\" <\"$T/cut.rec\" 2>\"$T/err\"" &&
	grep -q "stdin: record 4 (byte [0-9]*): truncated payload of rasters\[0\]: 100 of 6912 bytes" "$T/err" &&
	[ $(find "$T/cut/images" -name "*.png" | wc -l) -eq 3 ] &&
	H check card "$T/cut" >/dev/null && [ ! -e "$T/cut/.shard-write/running" ]'
check 'the full stream afterwards completes it: same folder as one run' '
	shard-write -q -o "$T/cut" <"$T/in.rec" && shard-write -q -o "$T/one" <"$T/in.rec" &&
	sums "$T/cut" >"$T/s1" && sums "$T/one" >"$T/s2" && cmp "$T/s1" "$T/s2"'
check 'a line that is not JSON: exit 2' '
	{ head -c 100 "$T/in.rec" | head -n 0; echo "not json"; } >"$T/garbage.rec" &&
	fails 2 "shard-write -o \"$T/garb\" <\"$T/garbage.rec\" 2>\"$T/err\"" &&
	grep -q "record 1 (byte 0): not a JSON object" "$T/err"'
check 'stdout on /dev/full with --pass-through: exit 2' '
	fails 2 "shard-write -o \"$T/full\" --pass-through <\"$T/in.rec\" >/dev/full 2>\"$T/err\"" &&
	grep -q "No space left on device" "$T/err"'

check 'bad options: exit 2 with the reason' '
	fails 2 "shard-write </dev/null 2>\"$T/err\"" && grep -q "o DIR is required" "$T/err" &&
	fails 2 "shard-write -o \"$T/o\" --max-files-per-dir 0 </dev/null 2>\"$T/err\"" &&
	grep -q "max-files-per-dir: expected 1..1000000, got .0." "$T/err" &&
	fails 2 "shard-write -o \"$T/o\" --max-files-per-dir 8k </dev/null 2>\"$T/err\"" &&
	fails 2 "shard-write -o \"$T/o\" --bogus </dev/null 2>\"$T/err\"" &&
	fails 2 "shard-write -o \"$T/o\" stray </dev/null 2>\"$T/err\"" &&
	grep -q "unexpected operand .stray." "$T/err" && [ ! -e "$T/o" ]'
check '-h prints the synopsis on stdout, exit 0; --version' '
	shard-write -h >"$T/h" && grep -q "^usage: shard-write -o DIR" "$T/h" &&
	shard-write --version | grep -q "^shard-write (s2vl) "'
