#!/bin/sh
# What every tool inherits from lib/tool.c and lib/rec.c, exercised through stretch on
# real pixels: spooling, rejects that rerun, refusing to truncate the input, write
# errors, usage errors, progress and version.
. "$(dirname "$0")/lib.sh"
H=$FIX/sentinel2_l1c_10m_T33UUU_havelland
$PY "$TOP/tests/mkrec.py" --poi poi_000001 --window 100,200,64,48 \
    --raster image=red:$H/B04.tif,green:$H/B03.tif,blue:$H/B02.tif > "$T/one.rec" || exit 1
$PY "$TOP/tests/mkrec.py" --poi poi_000002 --window 600,300,64,48 \
    --raster image=red:$H/B04.tif,green:$H/B03.tif,blue:$H/B02.tif > "$T/two.rec" || exit 1
cat "$T/one.rec" "$T/two.rec" > "$T/in.rec"

check 'inline stream passes through stretch' \
    'stretch -q < "$T/in.rec" > "$T/inline.rec" && [ $(grep -c poi_id "$T/inline.rec") -eq 2 ]'

check '--spool writes georeferenced GeoTIFFs and plain NDJSON' '
    stretch -q --spool "$T/spool" < "$T/in.rec" > "$T/spooled.rec" &&
    $PY -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$T/spooled.rec" &&
    p=$($PY -c "import json,sys; print(json.loads(open(sys.argv[1]).readline())[\"rasters\"][0][\"path\"])" "$T/spooled.rec") &&
    test -f "$p" && gdalinfo "$p" > "$T/gi.txt" && grep -q "UTM zone 33N" "$T/gi.txt" &&
    grep -q "Origin = (331000.000000000000000,5820040.000000000000000)" "$T/gi.txt" &&
    grep -q "Pixel Size = (10.000000000000000,-10.000000000000000)" "$T/gi.txt"'

check 'a spooled stream reads back to the same records as the inline one' '
    stretch -q --range 0,255 < "$T/spooled.rec" > "$T/a.rec" &&
    stretch -q --range 0,255 < "$T/inline.rec" > "$T/b.rec" &&
    $PY - "$T/a.rec" "$T/b.rec" <<PY
import sys; sys.path.insert(0, "$TOP/tests"); import recio, numpy as np
a, b = recio.read(sys.argv[1]), recio.read(sys.argv[2])
assert len(a) == len(b) == 2
for (ha, ra), (hb, rb) in zip(a, b):
    assert ha["poi_id"] == hb["poi_id"]
    assert np.array_equal(ra["image"], rb["image"])
PY'

# A record with an unknown dtype between two good ones: rejected, the rest go on, exit 1.
$PY - "$T/one.rec" > "$T/bad.rec" <<'PY'
import json, sys
d = open(sys.argv[1], "rb").read()
line, payload = d.split(b"\n", 1)
h = json.loads(line); h["poi_id"] = "poi_bad"; h["rasters"][0]["dtype"] = "complex64"
sys.stdout.buffer.write(json.dumps(h).encode() + b"\n" + payload)
PY
cat "$T/one.rec" "$T/bad.rec" "$T/two.rec" > "$T/mixed.rec"
check 'a bad record is rejected with its payload, the stream goes on, exit 1' '
    fails 1 "stretch -q --rejects \"$T/rej.rec\" < \"$T/mixed.rec\" > \"$T/out.rec\"" &&
    [ $(grep -c poi_id "$T/out.rec") -eq 2 ] &&
    grep -q "\"error\":{\"tool\":\"stretch\",\"message\":\"rasters\[0\] (image): unknown dtype" "$T/rej.rec" &&
    [ $(wc -c < "$T/rej.rec") -gt 18000 ]'
check 'without --rejects the reject is one JSON line on stderr, payloads dropped' '
    fails 1 "stretch < \"$T/mixed.rec\" > /dev/null 2> \"$T/err.txt\"" &&
    grep "^{" "$T/err.txt" | $PY -c "import json,sys; r=json.loads(sys.stdin.readline()); assert r[\"poi_id\"]==\"poi_bad\" and r[\"rasters_dropped\"]==1 and \"rasters\" not in r"'
check 'feeding the rejects back reruns exactly that record (error key dropped)' '
    $PY -c "
import json,sys
d=open(sys.argv[1],\"rb\").read(); line,p=d.split(b\"\\n\",1); h=json.loads(line)
h[\"rasters\"][0][\"dtype\"]=\"uint16\"; sys.stdout.buffer.write(json.dumps(h).encode()+b\"\\n\"+p)" "$T/rej.rec" > "$T/fixed.rec" &&
    stretch -q < "$T/fixed.rec" > "$T/rerun.rec" && grep -q poi_bad "$T/rerun.rec" && ! grep -q "\"error\"" "$T/rerun.rec"'
check '--rejects naming the input file is refused, the input kept' '
    cp "$T/mixed.rec" "$T/self.rec" && s=$(wc -c < "$T/self.rec") &&
    fails 2 "stretch --rejects \"$T/self.rec\" < \"$T/self.rec\" > /dev/null 2> \"$T/self.err\"" &&
    grep -q "is also the input" "$T/self.err" && [ $(wc -c < "$T/self.rec") -eq $s ]'
check 'a garbage line stops with exit 2 after flushing the records before it' '
    { cat "$T/one.rec"; echo "this is not json"; cat "$T/two.rec"; } > "$T/garbage.rec" &&
    fails 2 "stretch -q < \"$T/garbage.rec\" > \"$T/g.out\" 2> \"$T/g.err\"" &&
    grep -q "^stretch: stdin: record 2 (byte [0-9]*): not a JSON object" "$T/g.err" &&
    [ $(grep -c poi_id "$T/g.out") -eq 1 ]'
check 'a truncated payload stops with exit 2 naming the record' '
    head -c $(( $(wc -c < "$T/in.rec") - 100 )) "$T/in.rec" > "$T/trunc.rec" &&
    fails 2 "stretch -q < \"$T/trunc.rec\" > \"$T/t.out\" 2> \"$T/t.err\"" &&
    grep -q "record 2 (byte [0-9]*): truncated payload of rasters\[0\]" "$T/t.err" &&
    [ $(grep -c poi_id "$T/t.out") -eq 1 ]'
check 'an empty stream is fine: nothing out, exit 0' \
    'stretch < /dev/null > "$T/empty.out" && [ ! -s "$T/empty.out" ]'
check 'writing to a full disk exits 2 with a message' '
    fails 2 "stretch -q < \"$T/in.rec\" > /dev/full 2> \"$T/full.err\"" && grep -q "stdout: .*No space left" "$T/full.err"'
check 'an unknown option exits 2 with the synopsis' '
    fails 2 "stretch --no-such-option < /dev/null 2> \"$T/u.err\"" && grep -q "^usage: stretch" "$T/u.err"'
check 'a stray operand exits 2' '
    fails 2 "stretch somefile < /dev/null 2> \"$T/o.err\"" && grep -q "unexpected operand .somefile." "$T/o.err"'
check '-h prints the synopsis on stdout, exit 0; --version names the tool' '
    stretch -h | grep -q "^usage: stretch" && stretch --version | grep -q "^stretch (s2vl) [0-9]"'
check '--progress draws a line on stderr, -q silences it' '
    stretch --progress < "$T/in.rec" > /dev/null 2> "$T/p.err" && grep -q "stretch: 2 in, 2 out, 0 rejected" "$T/p.err" &&
    stretch -q --progress < "$T/in.rec" > /dev/null 2> "$T/q.err" && [ ! -s "$T/q.err" ]'
