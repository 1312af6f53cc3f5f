#!/bin/sh
# cog-read on bad input: corrupt, truncated and non-TIFF files, 404, 403, a
# refused connection, a server that hangs, an IFD past the end of the file,
# absurd sizes, a scene CRS that disagrees, a point outside the scene, bad
# records and bad options.  Each is rejected with its message (the rest of
# the stream goes on, exit 1) or is a usage/stream error (exit 2); never a
# crash or a hang.
. "$(dirname "$0")/lib.sh"

S2=$FIX/sentinel2_l2a_cog/S2A_29RKH_20200219_0_L2A
W=$T/www
mkdir -p "$W/adir"
cp "$S2"/B04.tif "$W"/ || exit 1
# Tile 0 of B04 starts at byte 1428188 (GDAL: BLOCK_OFFSET_0_0): garble its middle.
cp "$S2"/B04.tif "$W"/corrupt.tif &&
    printf 'garbage garbage garbage garbage garbage garbage garbage' |
    dd of="$W"/corrupt.tif bs=1 seek=1450000 conv=notrunc 2>/dev/null || exit 1
head -c 3000 "$S2"/B04.tif >"$W"/trunc.tif
head -c 600 "$S2"/B04.tif >"$W"/trunchdr.tif
echo "this is not a TIFF file at all, just text" >"$W"/text.tif
$PY - "$W" <<'EOF' || exit 1
import struct, sys
w = sys.argv[1]
# Classic TIFF whose first IFD lies at 1e9, far past the end.
open(w + "/ifdpast.tif", "wb").write(b"II*\0" + struct.pack("<I", 10**9) + b"\0" * 100)
# A well-formed IFD claiming a 2^30 x 2^30 image.
def ifd(entries):
    body = struct.pack("<H", len(entries))
    for tag, typ, cnt, val in entries:
        body += struct.pack("<HHII", tag, typ, cnt, val)
    return b"II*\0" + struct.pack("<I", 8) + body + struct.pack("<I", 0)
open(w + "/huge.tif", "wb").write(ifd([(256, 4, 1, 1 << 30), (257, 4, 1, 1 << 30),
    (258, 3, 1, 16), (259, 3, 1, 1), (273, 4, 1, 8), (277, 3, 1, 1), (279, 4, 1, 1)]) + b"\0" * 64)
# Tiles of 2^20 x 2^20 pixels.
open(w + "/hugetile.tif", "wb").write(ifd([(256, 4, 1, 1000), (257, 4, 1, 1000),
    (258, 3, 1, 16), (259, 3, 1, 8), (277, 3, 1, 1), (322, 4, 1, 1 << 20), (323, 4, 1, 1 << 20),
    (324, 4, 1, 8), (325, 4, 1, 8)]) + b"\0" * 64)
# 4M x 4M pixels in 16 x 16 tiles: 2^36 tiles.
open(w + "/manytiles.tif", "wb").write(ifd([(256, 4, 1, 1 << 22), (257, 4, 1, 1 << 22),
    (258, 3, 1, 8), (259, 3, 1, 1), (277, 3, 1, 1), (322, 4, 1, 16), (323, 4, 1, 16),
    (324, 4, 1, 8), (325, 4, 1, 8)]) + b"\0" * 64)
# An IFD chain that loops on itself.
open(w + "/loop.tif", "wb").write(b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", 1) +
    struct.pack("<HHII", 256, 4, 1, 10) + struct.pack("<I", 8))
EOF
start_nginx "$W" || { echo "not ok - nginx"; exit 1; }
DEAD=$(free_port)
start_server flaky.py "$W"
FPORT=$SERVER_PORT

LL=$(echo "225630 2774370" | gdaltransform -s_srs EPSG:32629 -t_srs EPSG:4326 -output_xy)
rec() {	# rec ID HREF [CRS] [LON LAT]
	set -- "$1" "$2" "${3:-EPSG:32629}" ${4:-$LL}
	printf '{"poi_id":"%s","lon":%s,"lat":%s,"scene":{"id":"s","crs":"%s","assets":{"red":{"href":"%s"}}}}\n' \
	    "$1" "$4" "$5" "$3" "$2"
}
# bad ID HREF MESSAGE [CRS] [LONLAT]: the record is rejected with MESSAGE, exit 1.
bad() {
	rec "$1" "$2" "${4:-}" "${5:-}" >"$T/$1.jsonl"
	fails 1 "cog-read -q --assets red --size 64 --timeout 3 --max-retries 1 \
	    <\"$T/$1.jsonl\" >\"$T/$1.out\" 2>\"$T/$1.err\"" || return 1
	[ ! -s "$T/$1.out" ] || { echo "output not empty" >&2; return 1; }
	grep -q "\"tool\":\"cog-read\"" "$T/$1.err" || { cat "$T/$1.err" >&2; return 1; }
	grep -q "\"poi_id\":\"$1\"" "$T/$1.err" || { cat "$T/$1.err" >&2; return 1; }
	grep -qF -- "$3" "$T/$1.err" || { cat "$T/$1.err" >&2; return 1; }
}
U=$NGINX_URL
check 'corrupt DEFLATE tile: rejected' \
	'bad corrupt "$U/corrupt.tif" "asset red: block 0: DEFLATE stream corrupt"'
check 'truncated file (3000 bytes): tile past the end' \
	'bad trunc "$U/trunc.tif" "asset red: block 0 at offset 1428188 past end of file (3000 bytes)"'
check 'truncated inside the header (600 bytes)' \
	'bad trunchdr "$U/trunchdr.tif" "asset red: IFD at 562 past end of file"'
check 'not a TIFF file' 'bad text "$U/text.tif" "asset red: not a TIFF file"'
check 'empty file' ': >"$W/empty.tif"; bad empty "$U/empty.tif" "asset red: not a TIFF file (0 bytes)"'
check 'HTTP 404' 'bad nf "$U/missing.tif" "asset red: $U/missing.tif: HTTP 404"'
check 'HTTP 403 (a folder without index)' 'bad forbidden "$U/adir/" "HTTP 403"'
check 'refused connection' \
	'bad refused "http://127.0.0.1:$DEAD/B04.tif" "asset red: http://127.0.0.1:$DEAD/B04.tif:"'
check 'a server that never answers: rejected after the timeout, no hang' '
	s=$(date +%s); bad hang "http://127.0.0.1:$FPORT/hang/x" "asset red: http://127.0.0.1:$FPORT/hang/x:" &&
	[ $(($(date +%s) - s)) -lt 30 ]'
check 'IFD offset past the end of the file' \
	'bad ifdpast "$U/ifdpast.tif" "asset red: IFD offset 1000000000 past end of file (108 bytes)"'
check 'absurd image size' 'bad huge "$U/huge.tif" "asset red: absurd image size 1073741824x1073741824"'
check 'absurd tile size' 'bad hugetile "$U/hugetile.tif" "asset red: absurd tile size 1048576x1048576"'
check 'absurd number of tiles' 'bad manytiles "$U/manytiles.tif" "asset red: absurd number of blocks 68719476736"'
check 'IFD chain loop' 'bad loop "$U/loop.tif" "asset red: "'
check 'local file missing' 'bad nolocal "$W/nothere.tif" "asset red: "'
check 'scene crs disagrees with the GeoTIFF keys' \
	'bad crs "$U/B04.tif" "scene: crs EPSG:32630 disagrees with asset red (EPSG:32629)" EPSG:32630'
check 'point outside the scene' \
	'bad outside "$U/B04.tif" "window: point (2.000000, 48.000000) lies outside the scene" EPSG:32629 "2 48"'
check 'a server ignoring Range still gives the right pixels' '
	rec norange "http://127.0.0.1:$FPORT/norange/B04.tif" >"$T/nr.jsonl" &&
	rec ok "$U/B04.tif" >"$T/ok.jsonl" &&
	cog-read -q --assets red --size 64 <"$T/nr.jsonl" | tail -c 8192 >"$T/nr.px" &&
	cog-read -q --assets red --size 64 <"$T/ok.jsonl" | tail -c 8192 >"$T/ok.px" &&
	cmp "$T/nr.px" "$T/ok.px"'

ids() {	# poi_ids of a record stream, in order
	$PY -c 'import sys
sys.path.insert(0, sys.argv[2])
import recio
print("".join(h["poi_id"] + " " for h, a in recio.read(sys.argv[1])))' "$1" "$TOP/tests"
}
# Records without what cog-read needs.
check 'no scene / no asset / no lon-lat: rejected with reasons, good records kept in order' '
	{ rec ok1 "$U/B04.tif"
	  echo "{\"poi_id\":\"nos\",\"lon\":1,\"lat\":2}"
	  echo "{\"poi_id\":\"noa\",\"lon\":1,\"lat\":2,\"scene\":{\"assets\":{\"green\":{\"href\":\"x\"}}}}"
	  echo "{\"poi_id\":\"noll\",\"scene\":{\"assets\":{}}}"
	  rec bad1 "$U/text.tif"
	  rec ok2 "$U/B04.tif"; } >"$T/mixed.jsonl" &&
	fails 1 "cog-read -q --assets red --size 32 --rejects \"$T/mixed.rej\" <\"$T/mixed.jsonl\" >\"$T/mixed.rec\"" &&
	[ "$(ids "$T/mixed.rec")" = "ok1 ok2 " ] &&
	grep -q "\"nos\".*scene: missing, or without assets" "$T/mixed.rej" &&
	grep -q "\"noa\".*scene: no asset .red. with an href" "$T/mixed.rej" &&
	grep -q "\"noll\".*lon/lat: missing or not numbers" "$T/mixed.rej" &&
	grep -q "\"bad1\".*not a TIFF file" "$T/mixed.rej" && [ $(wc -l <"$T/mixed.rej") -eq 4 ]'
check 'a line that is not JSON stops the stream: exit 2' '
	{ rec ok1 "$U/B04.tif"; echo "{not json"; } >"$T/broken.jsonl" &&
	fails 2 "cog-read -q --assets red --size 32 <\"$T/broken.jsonl\" >\"$T/broken.rec\" 2>\"$T/broken.err\"" &&
	grep -q "^cog-read: " "$T/broken.err"'
check 'bad options: exit 2 with a message' '
	fails 2 "cog-read --size 0 </dev/null 2>\"$T/o1.err\"" && grep -q "cog-read: --size" "$T/o1.err" &&
	fails 2 "cog-read --visual --assets red </dev/null 2>\"$T/o2.err\"" && grep -q "cog-read: --visual" "$T/o2.err" &&
	fails 2 "cog-read --min-coverage 2 </dev/null 2>/dev/null" &&
	fails 2 "cog-read --resolution -1 </dev/null 2>/dev/null" &&
	fails 2 "cog-read --bogus </dev/null 2>/dev/null"'
check 'output to /dev/full fails: exit 2' '
	rec ok "$U/B04.tif" >"$T/full.jsonl" &&
	fails 2 "cog-read -q --assets red --size 64 <\"$T/full.jsonl\" >/dev/full 2>/dev/null"'
check '-h prints the synopsis, exit 0' 'cog-read -h | grep -q "^usage: cog-read"'
check 'man page is lint-clean' 'mandoc -Tlint -Wwarning "$TOP/man/cog-read.1"'
