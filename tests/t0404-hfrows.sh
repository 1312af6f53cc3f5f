#!/bin/sh
# lib/hfrows.c against tests/servers/hf_rows.py, the /rows replay: paging with and without
# num_rows_total, the row limit, a token, a missing dataset, a page that keeps failing.
# The C checks live in tests/unit/test_hfrows.c; this script starts the servers and runs it.
. "$(dirname "$0")/lib.sh"

TOKEN=hf_TestTokenDoNotPrint4711
start_server hf_rows.py "$FIX" --require-token "$TOKEN"
URL=http://127.0.0.1:$SERVER_PORT
start_server hf_rows.py "$FIX" --no-total --fail-offset 700
NOTOTAL=http://127.0.0.1:$SERVER_PORT

# The unit binary prints its own ok/not ok lines, tallied with ours.
S2VL_TEST_HF_URL=$URL S2VL_TEST_HF_TOKEN=$TOKEN S2VL_TEST_HF_NOTOTAL_URL=$NOTOTAL \
	"$S2VL_UNIT/test_hfrows" >"$T/unit.out" 2>&1
echo $? >"$T/unit.rc"
cat "$T/unit.out"

check 'the online checks ran and passed, and no message repeats the token' '
	test "$(cat "$T/unit.rc")" -eq 0 && grep -q "^ok - max_rows 250" "$T/unit.out" &&
	grep -q "^ok - no total" "$T/unit.out" && ! grep -q "$TOKEN" "$T/unit.out"'
