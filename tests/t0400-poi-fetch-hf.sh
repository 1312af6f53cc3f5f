#!/bin/sh
# poi-fetch against tests/servers/hf_rows.py, a replay of the dataset viewer /rows API
# (documented shape, string coordinates, bad rows, 11 pages with a short last one).
. "$(dirname "$0")/lib.sh"

DS=stochastic/random_streetview_images_pano_v0.0.2

# start_hf NAME [server options]: a server logging to $T/NAME.log; sets URL.
start_hf() {
	_n=$1; shift
	start_server hf_rows.py "$FIX" --log "$T/$_n.log" "$@"
	URL=http://127.0.0.1:$SERVER_PORT
}

start_hf plain --dump "$T/rows.json"
PLAIN=$URL
poi-fetch --hf-url "$PLAIN" >"$T/a.rec" 2>"$T/a.err"
echo $? >"$T/a.rc"

check 'default run: exit 0, 12 or fewer spread records' '
	test "$(cat $T/a.rc)" -eq 0 && n=$(wc -l <"$T/a.rec") && test "$n" -ge 8 && test "$n" -le 12'

check 'bad rows skipped and counted on stderr by kind' '
	grep -q "poi-fetch: skipped 8 of 1050 rows without usable coordinates: 3 missing, 1 non-numeric, 2 non-finite, 2 out of range" "$T/a.err"'

check 'pages of 100 from offset 0 to 1000, the last one 50 rows, never more than 100' '
	grep -q "^offset=1000 length=50 auth=missing status=200" "$T/plain.log" &&
	test "$(grep -c "status=200" "$T/plain.log")" -eq 11 &&
	! grep -q "length=\(1[0-9][1-9]\|[2-9][0-9][0-9]\)" "$T/plain.log" &&
	for o in 0 100 200 300 400 500 600 700 800 900 1000; do
		grep -q "^offset=$o " "$T/plain.log" || exit 1
	done'

check 'records: ids from the row index, lon/lat numbers equal to the row strings, source columns, no image' '
	$PY - "$T/a.rec" "$T/rows.json" <<EOF
import json, sys
rows = {r["row_idx"]: r["row"] for r in json.load(open(sys.argv[2]))}
recs = [json.loads(l) for l in open(sys.argv[1])]
assert recs
for r in recs:
    s = r["source"]
    i = s["row_idx"]
    assert r["poi_id"] == "poi_%06d" % i and r["base_poi_id"] == r["poi_id"], r
    row = rows[i]
    assert r["lat"] == float(row["latitude"]) and r["lon"] == float(row["longitude"]), r
    assert s["dataset"] == "$DS" and s["config"] == "default" and s["split"] == "train"
    assert s["country_iso_alpha2"] == row["country_iso_alpha2"] and s["address"] == row["address"]
    assert "image" not in s and "latitude" not in s and "longitude" not in s, s
    assert "src" not in json.dumps(r) and "cached-assets" not in json.dumps(r)
EOF'

check 'the same run again is byte-identical; -j 1 and -j 8 give the same bytes' '
	poi-fetch -q --hf-url "$PLAIN" >"$T/b.rec" && cmp "$T/a.rec" "$T/b.rec" &&
	poi-fetch -q -j 1 --hf-url "$PLAIN" >"$T/c.rec" && cmp "$T/a.rec" "$T/c.rec" &&
	poi-fetch -q -j 8 --hf-url "$PLAIN" >"$T/d.rec" && cmp "$T/a.rec" "$T/d.rec"'

check '--max-scan 250 reads 250 rows in 3 requests, the last for 50' '
	: >"$T/plain.log" &&
	poi-fetch --max-scan 250 --num-points 0 --min-separation-km 0 --hf-url "$PLAIN" \
	    >"$T/m.rec" 2>"$T/m.err" &&
	test "$(wc -l <"$T/plain.log")" -eq 3 &&
	grep -q "^offset=200 length=50 " "$T/plain.log" &&
	grep -q "skipped 7 of 250 rows" "$T/m.err" &&
	test "$(wc -l <"$T/m.rec")" -eq 243'

check '--max-scan 0 reads the whole split: all 1042 good rows with --num-points 0 and no separation' '
	poi-fetch -q --max-scan 0 --num-points 0 --min-separation-km 0 --hf-url "$PLAIN" >"$T/all.rec" &&
	test "$(wc -l <"$T/all.rec")" -eq 1042 &&
	test "$(grep -o "\"poi_id\":\"[^\"]*\"" "$T/all.rec" | sort -u | wc -l)" -eq 1042'

start_hf limited --rate-limit-once 500
check '429 with Retry-After once: the page is asked again and the output is the same' '
	poi-fetch -q --hf-url "$URL" >"$T/r.rec" &&
	cmp "$T/a.rec" "$T/r.rec" &&
	grep -q "^offset=500 length=100 auth=missing status=429" "$T/limited.log" &&
	test "$(grep -c "^offset=500 length=100 auth=missing status=200" "$T/limited.log")" -eq 1'

start_hf nototal --no-total --partial
check 'without num_rows_total: pages one after another until a short one, same output; partial is noted' '
	poi-fetch -j 8 --hf-url "$URL" >"$T/nt.rec" 2>"$T/nt.err" && cmp "$T/a.rec" "$T/nt.rec" &&
	test "$(grep -c "status=200" "$T/nototal.log")" -eq 11 &&
	grep -q "^offset=1000 length=100 auth=missing status=200" "$T/nototal.log" &&
	grep -q "^poi-fetch: $DS: the dataset viewer serves only part of this split (\"partial\": true)" "$T/nt.err"'

start_hf failing --fail-offset 700
check 'a page that keeps failing: exit 2, a message naming the offset, nothing on stdout' '
	fails 2 "poi-fetch --max-retries 1 --hf-url $URL >$T/f.rec 2>$T/f.err" &&
	test ! -s "$T/f.rec" &&
	grep -q "^poi-fetch: $DS: rows at offset 700: HTTP 500: Unexpected error." "$T/f.err" &&
	test "$(grep -c "^offset=700 " "$T/failing.log")" -eq 2'

check 'a dataset that does not exist: exit 2 with the server'"'"'s error text, nothing on stdout' '
	fails 2 "poi-fetch --dataset nobody/nothing --hf-url $PLAIN >$T/e.rec 2>$T/e.err" &&
	test ! -s "$T/e.rec" &&
	grep -q "^poi-fetch: nobody/nothing: rows at offset 0: HTTP 404: The dataset does not exist, or is not accessible without authentication" "$T/e.err"'

check 'nothing listens: exit 2 and a message, nothing on stdout' '
	p=$(free_port) &&
	fails 2 "poi-fetch --max-retries 0 --hf-url http://127.0.0.1:$p >$T/n.rec 2>$T/n.err" &&
	test ! -s "$T/n.rec" && grep -q "^poi-fetch: $DS: rows at offset 0: " "$T/n.err"'

TOKEN=hf_TestTokenDoNotPrint4711
start_hf private --require-token "$TOKEN"
check 'HF_TOKEN is sent as a bearer token on every page and never printed' '
	HF_TOKEN=$TOKEN poi-fetch --progress --hf-url "$URL" >"$T/t.rec" 2>"$T/t.err" &&
	cmp "$T/a.rec" "$T/t.rec" &&
	test "$(grep -c "auth=ok status=200" "$T/private.log")" -eq 11 &&
	! grep -q "auth=missing\|auth=wrong" "$T/private.log" &&
	! grep -q "$TOKEN" "$T/t.rec" "$T/t.err"'

check 'without HF_TOKEN a private dataset fails: exit 2, the 401 message, no token anywhere' '
	fails 2 "env -u HF_TOKEN poi-fetch --hf-url $URL >$T/u.rec 2>$T/u.err" &&
	test ! -s "$T/u.rec" &&
	grep -q "rows at offset 0: HTTP 401: The dataset does not exist, or is not accessible" "$T/u.err" &&
	fails 2 "HF_TOKEN=wrong$TOKEN poi-fetch --max-retries 0 --hf-url $URL >$T/w.rec 2>$T/w.err" &&
	grep -q "HTTP 401" "$T/w.err" && ! grep -q "$TOKEN" "$T/w.err" "$T/w.rec"'
