#!/bin/sh
# caption on bad input: each case gives its message and the documented exit status.
. "$(dirname "$0")/lib.sh"

mk() { $PY "$TOP/tests/t07-mkrec.py" "$@"; }

mk -p good1 "1 1" "1 2" >"$T/good1.rec"
mk -p good2 "0 0" "0 0" >"$T/good2.rec"
mk -p nocls -c none "1 1" "1 2" >"$T/nocls.rec"
printf '[{"id":1,"name":"trees"},{"id":2}]' >"$T/badcls.json"
mk -p badcls -c "$T/badcls.json" "1 1" "1 2" >"$T/badcls.rec"
printf '[{"id":1,"name":"trees"},{"id":1,"name":"forest"}]' >"$T/dupcls.json"
mk -p dupcls -c "$T/dupcls.json" "1 1" "1 2" >"$T/dupcls.rec"
# A record with an image but no label raster.
printf '%s\n' '{"poi_id":"nolabel","landcover":{"classes":[{"id":1,"name":"trees"}]},"rasters":[{"role":"image","width":2,"height":1,"bands":["red"],"dtype":"uint8","bytes":2}]}' >"$T/nolabel.rec"
printf 'AB' >>"$T/nolabel.rec"
printf '%s\n' '{"poi_id":"flt","landcover":{"classes":[{"id":1,"name":"trees"}]},"rasters":[{"role":"label","width":1,"height":1,"bands":["label"],"dtype":"float32","bytes":4}]}' >"$T/flt.rec"
printf '\0\0\200\77' >>"$T/flt.rec"

check 'missing label raster: rejected with a clear message, others go on, exit 1' '
	cat "$T/good1.rec" "$T/nolabel.rec" "$T/good2.rec" >"$T/in1.rec" &&
	fails 1 "caption --rejects \"$T/rj1\" <\"$T/in1.rec\" >\"$T/out1\" 2>\"$T/err1\"" &&
	grep -q "record 2 (nolabel): no \"label\" raster" "$T/err1" &&
	[ "$(jq -r .error.tool "$T/rj1")" = caption ] &&
	jq -r .error.message "$T/rj1" | grep -q "no \"label\" raster: caption needs a tile with labels" &&
	[ "$(grep -ac "\"caption\":" "$T/out1")" -eq 2 ]'
check 'rejected record keeps its payload in the rejects file (can be fed back)' '
	[ "$(tail -c 2 "$T/rj1")" = AB ]'
check 'missing landcover.classes: rejected, exit 1' '
	fails 1 "caption --rejects \"$T/rj2\" <\"$T/nocls.rec\" >\"$T/out2\" 2>\"$T/err2\"" &&
	grep -q "no landcover.classes: the class names come from the record" "$T/err2" &&
	[ ! -s "$T/out2" ]'
check 'a class entry without a name, a duplicate id: rejected, exit 1' '
	fails 1 "caption -q --rejects \"$T/rj3\" <\"$T/badcls.rec\" >/dev/null" &&
	jq -r .error.message "$T/rj3" | grep -q "landcover.classes\[1\]: needs an integer \"id\" >= 0 and a string \"name\"" &&
	fails 1 "caption -q --rejects \"$T/rj3b\" <\"$T/dupcls.rec\" >/dev/null" &&
	jq -r .error.message "$T/rj3b" | grep -q "landcover.classes: id 1 appears twice"'
check 'a float32 label: rejected, exit 1' '
	fails 1 "caption -q --rejects \"$T/rj4\" <\"$T/flt.rec\" >/dev/null" &&
	jq -r .error.message "$T/rj4" | grep -q "label raster is float32: expected uint8 or uint16"'
check 'rejects on stderr by default, as one JSON line' '
	fails 1 "caption <\"$T/nocls.rec\" >/dev/null 2>\"$T/err5\"" &&
	grep "^{" "$T/err5" | jq -e ".error.tool == \"caption\" and .poi_id == \"nocls\"" >/dev/null'

check 'truncated payload: exit 2 naming record and byte, earlier records flushed' '
	cat "$T/good1.rec" "$T/good2.rec" | head -c -2 >"$T/trunc.rec" &&
	fails 2 "caption <\"$T/trunc.rec\" >\"$T/out6\" 2>\"$T/err6\"" &&
	grep -q "^caption: stdin: record 2 (byte [0-9]*): truncated payload of rasters\[0\]: 2 of 4 bytes" "$T/err6" &&
	[ "$(head -n 1 "$T/out6" | jq -r .poi_id)" = good1 ]'
check 'garbage line: exit 2, "not a JSON object"' '
	{ cat "$T/good1.rec"; echo "this is not json"; cat "$T/good2.rec"; } >"$T/garb.rec" &&
	fails 2 "caption <\"$T/garb.rec\" >\"$T/out7\" 2>\"$T/err7\"" &&
	grep -q "^caption: stdin: record 2 (byte [0-9]*): not a JSON object" "$T/err7" &&
	[ "$(head -n 1 "$T/out7" | jq -r .poi_id)" = good1 ]'
check 'empty input: no output, exit 0' '
	caption </dev/null >"$T/out8" && [ ! -s "$T/out8" ]'
check 'output not writable (/dev/full): exit 2' '
	fails 2 "caption <\"$T/good1.rec\" >/dev/full 2>\"$T/err9\"" && grep -q "^caption: stdout" "$T/err9"'

check 'bad options: exit 2 with the reason and the synopsis' '
	fails 2 "caption --min-area -1 </dev/null 2>\"$T/e1\"" &&
	grep -q "^caption: --min-area: expected pixels in 0..1e9, got .-1." "$T/e1" &&
	grep -q "^usage: caption" "$T/e1" &&
	fails 2 "caption --min-class-fraction 1.5 </dev/null 2>\"$T/e2\"" &&
	grep -q "^caption: --min-class-fraction: expected a fraction in 0..1" "$T/e2" &&
	fails 2 "caption --max-classes-per-tile x </dev/null 2>/dev/null" &&
	fails 2 "caption --caption-classes 0 </dev/null 2>/dev/null" &&
	fails 2 "caption --bogus </dev/null 2>/dev/null" &&
	fails 2 "caption extra-operand </dev/null 2>\"$T/e3\"" &&
	grep -q "unexpected operand" "$T/e3"'
check '-h prints the synopsis on stdout, exit 0; --version' '
	caption -h | grep -q "^usage: caption" && caption --version | grep -q "^caption (s2vl) "'
