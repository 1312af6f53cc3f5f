#!/bin/sh
# stac-query when the STAC API misbehaves (tests/servers/stac_api.py --control): 429 with
# Retry-After, 500, garbage, a JSON answer that is no ItemCollection, a hang, a failing
# landing page, a failing second page.  A point whose search still fails after the
# retries is rejected with the reason; the stream goes on.
. "$(dirname "$0")/lib.sh"

CTL=$T/ctl.json
echo '{}' >"$CTL"
start_server stac_api.py "$FIX" --control "$CTL" --log "$T/srv.log"
P=$SERVER_PORT
URL=http://127.0.0.1:$P/v1

printf '{"poi_id":"a","lon":15.28,"lat":46.8}\n{"poi_id":"b","lon":15.7,"lat":46.0}\n' >"$T/ab.rec"
printf '{"poi_id":"b","lon":15.7,"lat":46.0}\n' >"$T/b.rec"
Q="stac-query --stac-url $URL --datetime 2023-08-01/2023-08-31 -j 1"

# scenario NAME CONTROL-JSON [options]: runs with a fresh control, keeps out/err/rc/log.
scenario() {
	_n=$1; _c=$2; shift 2
	echo "$_c" >"$CTL"
	: >"$T/srv.log"
	_s=$(date +%s)
	$Q "$@" >"$T/$_n.out" 2>"$T/$_n.err"
	echo $? >"$T/$_n.rc"
	echo $(( $(date +%s) - _s )) >"$T/$_n.secs"
	cp "$T/srv.log" "$T/$_n.log"
}
searches() { grep -c '"route": "search"' "$T/$1.log"; }

scenario r429 '{"search": ["429", "ok"]}' <"$T/b.rec"
check '429 with Retry-After: 1 is retried after a second, then the scene comes' '
	test "$(cat $T/r429.rc)" -eq 0 && grep -q S2A_33TWL_20230815_0_L2A "$T/r429.out" &&
	test "$(searches r429)" -eq 2 && test "$(cat $T/r429.secs)" -ge 1'

scenario r500 '{"search": ["500", "500", "ok"]}' --max-retries 1 <"$T/ab.rec"
check '500 twice with one retry: that point rejected with the status, the next one served, exit 1' '
	test "$(cat $T/r500.rc)" -eq 1 &&
	grep -q "\"poi_id\":\"a\".*\"message\":\"search: http://127.0.0.1:$P/v1/search: HTTP 500 (after 2 attempts)\"" "$T/r500.err" &&
	grep -q "\"poi_id\":\"b\".*S2A_33TWL_20230815_0_L2A" "$T/r500.out" && test "$(wc -l <"$T/r500.out")" -eq 1'

scenario garbage '{"search": ["garbage"]}' <"$T/ab.rec"
check 'garbage instead of JSON: every point rejected as "response is not JSON", not fatal' '
	test "$(cat $T/garbage.rc)" -eq 1 && test ! -s "$T/garbage.out" &&
	test "$(grep -c "response is not JSON" "$T/garbage.err")" -eq 2 &&
	grep -q "stac-query: 2 of 2 records rejected" "$T/garbage.err"'

scenario notfc '{"search": ["notfc"]}' <"$T/b.rec"
check 'JSON without features: "not a STAC ItemCollection"' '
	test "$(cat $T/notfc.rc)" -eq 1 &&
	grep -q "response is not a STAC ItemCollection (no features array)" "$T/notfc.err"'

scenario hang '{"search": ["hang"]}' --timeout 1 --max-retries 1 <"$T/b.rec"
check 'a server that never answers: timed out after 1 s twice, rejected within seconds' '
	test "$(cat $T/hang.rc)" -eq 1 && test "$(cat $T/hang.secs)" -le 20 &&
	grep -q "search: http://127.0.0.1:$P/v1/search: timed out after 1 s (after 2 attempts)" "$T/hang.err"'

scenario landing '{"landing": ["500"]}' --max-retries 0 <"$T/b.rec"
check 'landing page failing: a warning, no sortby, the search still works' '
	test "$(cat $T/landing.rc)" -eq 0 && grep -q S2A_33TWL_20230815_0_L2A "$T/landing.out" &&
	grep -q "^stac-query: landing page: http://127.0.0.1:$P/v1: HTTP 500; sortby not sent" "$T/landing.err" &&
	! grep -q sortby "$T/landing.log"'

scenario page2 '{"search": ["ok", "500"]}' --limit 2 --max-retries 0 <"$T/b.rec"
check 'a later page failing rejects the point (no choice from half the candidates)' '
	test "$(cat $T/page2.rc)" -eq 1 && test ! -s "$T/page2.out" &&
	test "$(searches page2)" -eq 2 && grep -q "HTTP 500" "$T/page2.err"'

echo '{}' >"$CTL"
DEAD=$(free_port)
stac-query --stac-url "http://127.0.0.1:$DEAD/v1" --datetime 2023-08-01/2023-08-31 --max-retries 0 \
    <"$T/b.rec" >"$T/dead.out" 2>"$T/dead.err"
echo $? >"$T/dead.rc"
check 'nothing listening: the landing warning and a reject per point, exit 1' '
	test "$(cat $T/dead.rc)" -eq 1 && grep -q "landing page: http://127.0.0.1:$DEAD/v1: .*sortby not sent" "$T/dead.err" &&
	grep -q "\"message\":\"search: http://127.0.0.1:$DEAD/v1/search: " "$T/dead.err"'

echo '{}' >"$CTL"
scenario item500 '{"item": ["500"]}' --max-retries 0 <"$T/b.rec"
check 'the chosen item cannot be fetched whole: rejected as "item: URL: HTTP 500"' '
	test "$(cat $T/item500.rc)" -eq 1 && test ! -s "$T/item500.out" &&
	grep -q "\"message\":\"item: http://127.0.0.1:$P/v1/collections/sentinel-2-l2a/items/S2A_33TWL_20230815_0_L2A: HTTP 500\"" "$T/item500.err"'

scenario itemgarbage '{"item": ["notfc"]}' <"$T/b.rec"
check 'an item answer that is not the item: "not the STAC item asked for"' '
	test "$(cat $T/itemgarbage.rc)" -eq 1 &&
	grep -q "items/S2A_33TWL_20230815_0_L2A: not the STAC item asked for" "$T/itemgarbage.err"'

start_server stac_api.py "$FIX" --paging loop --log "$T/loop.log"
P2=$SERVER_PORT
stac-query --stac-url "http://127.0.0.1:$P2/v1" --datetime 2023-08-01/2023-08-31 --limit 2 \
    <"$T/b.rec" >"$T/loop.out" 2>/dev/null
check 'a next link that repeats the request is not followed (one search, the first page used)' '
	test "$(grep -c "\"route\": \"search\"" "$T/loop.log")" -eq 1 && test -s "$T/loop.out"'

# -j N means N searches in flight: six points against a server that never answers,
# each timing out after 2 s, take about 2 s with -j 6 (12 s if they went one by one).
for i in 1 2 3 4 5 6; do printf '{"poi_id":"h%d","lon":15.7,"lat":46.0}\n' "$i"; done >"$T/six.rec"
scenario par '{"search": ["hang"]}' --timeout 2 --max-retries 0 -j 6 <"$T/six.rec"
check '-j 6: six hanging searches in flight at once, all rejected well before the 12 s one by one would take, in input order' '
	test "$(cat $T/par.rc)" -eq 1 && test "$(cat $T/par.secs)" -le 9 &&
	test "$(searches par)" -eq 6 &&
	test "$(grep -o "\"poi_id\":\"h[0-9]\"" "$T/par.err" | tr -d "\n")" = \
	    "\"poi_id\":\"h1\"\"poi_id\":\"h2\"\"poi_id\":\"h3\"\"poi_id\":\"h4\"\"poi_id\":\"h5\"\"poi_id\":\"h6\""'
