#!/bin/sh
# stac-query: every bad option and bad record it handles, with its message and exit
# status.  Runs offline on the bundled sample catalog.
. "$(dirname "$0")/lib.sh"

CAT=$TOP/examples/catalog/catalog.json
OK="--catalog $CAT --collection sentinel-2-l1c --datetime 2017-02-01/2017-02-28"
printf '{"poi_id":"w","lon":12.5527024,"lat":52.4886036}\n' >"$T/w.rec"

# usage_is 'ARGS' 'MESSAGE': exit 2 and exactly that first line on stderr.
usage_is() {
	fails 2 "stac-query $1 <$T/w.rec >$T/o 2>$T/e" &&
	head -n 1 "$T/e" | grep -qxF "stac-query: $2" &&
	grep -q "^usage: stac-query" "$T/e" && test ! -s "$T/o"
}

check '-h prints the usage on stdout, exit 0; --version' '
	stac-query -h >"$T/h" && grep -q "^usage: stac-query" "$T/h" &&
	stac-query --version | grep -q "^stac-query (s2vl) "'

check 'bad option values: message naming the option and value, usage, exit 2' '
	usage_is "--pick foo" "--pick: expected clearest or latest, got '\''foo'\''" &&
	usage_is "--limit 101" "--limit: expected 1..100, got '\''101'\''" &&
	usage_is "--limit 0" "--limit: expected 1..100, got '\''0'\''" &&
	usage_is "--max-items 0" "--max-items: expected 1..100000, got '\''0'\''" &&
	usage_is "--max-cloud 101" "--max-cloud: expected a percentage 0..100, got '\''101'\''" &&
	usage_is "--max-cloud abc" "--max-cloud: expected a percentage 0..100, got '\''abc'\''" &&
	usage_is "--max-cloud nan" "--max-cloud: expected a percentage 0..100, got '\''nan'\''" &&
	usage_is "--bbox-km 0" "--bbox-km: expected a size in (0, 1000] km, got '\''0'\''" &&
	usage_is "--bbox-km -5" "--bbox-km: expected a size in (0, 1000] km, got '\''-5'\''" &&
	usage_is "--days 0" "--days: expected 1..36500, got '\''0'\''" &&
	usage_is "--days 1x" "--days: expected 1..36500, got '\''1x'\''" &&
	usage_is "--timeout 0" "--timeout: expected seconds in (0, 3600], got '\''0'\''" &&
	usage_is "-j 0" "-j: expected a number of jobs in 1..1024, got '\''0'\''" &&
	usage_is "--max-retries -1" "--max-retries: expected 0..100, got '\''-1'\''"'

check 'bad dates and intervals' '
	usage_is "--until 2023-13-01" "--until: expected a date (YYYY-MM-DD) or an RFC 3339 time, got '\''2023-13-01'\''" &&
	usage_is "--until 2023-08-01/2023-08-02" "--until: expected a date (YYYY-MM-DD) or an RFC 3339 time, got '\''2023-08-01/2023-08-02'\''" &&
	usage_is "--datetime 2023-08-31/2023-08-01" "--datetime: expected an RFC 3339 interval A/B (.. for an open end), got '\''2023-08-31/2023-08-01'\''" &&
	usage_is "--datetime ../.." "--datetime: expected an RFC 3339 interval A/B (.. for an open end), got '\''../..'\''" &&
	usage_is "--datetime 2023-08-01T10:00:00/.." "--datetime: expected an RFC 3339 interval A/B (.. for an open end), got '\''2023-08-01T10:00:00/..'\''" &&
	usage_is "--datetime yesterday" "--datetime: expected an RFC 3339 interval A/B (.. for an open end), got '\''yesterday'\''" &&
	usage_is "--datetime 2023-08-01/.. --days 3" "--datetime: not with --days or --until"'

check 'bad URLs, names and combinations' '
	usage_is "--stac-url ftp://x/v1" "--stac-url: expected an http(s) URL, got '\''ftp://x/v1'\''" &&
	usage_is "--sas-url /tmp/x" "--sas-url: expected an http(s) URL, got '\''/tmp/x'\''" &&
	usage_is "--sign aws" "--sign: only planetary-computer is known, got '\''aws'\''" &&
	usage_is "--sign-hosts a,,b" "--sign-hosts: expected host suffixes separated by commas, got '\''a,,b'\''" &&
	usage_is "--sign-hosts http://x" "--sign-hosts: expected host suffixes separated by commas, got '\''http://x'\''" &&
	usage_is "--collection a/b" "--collection: bad collection id '\''a/b'\''" &&
	usage_is "--assets ,," "--assets: empty list" &&
	usage_is "--catalog $CAT --stac-url http://x/v1" "--catalog: not with --stac-url" &&
	usage_is "$OK stray" "unexpected operand '\''stray'\''" &&
	fails 2 "stac-query --bogus <$T/w.rec >$T/o 2>$T/e" && grep -q "unrecognized option" "$T/e"'

cat >"$T/bad.rec" <<'END'
{"poi_id":"nolon","lat":52.49}
{"poi_id":"strlon","lon":"12.55","lat":52.49}
{"poi_id":"far","lon":12.55,"lat":95}
{"poi_id":"pole","lon":12.55,"lat":89.5}
{"poi_id":"w","lon":12.5527024,"lat":52.4886036}
END
stac-query $OK --rejects "$T/bad.rej" <"$T/bad.rec" >"$T/bad.out" 2>"$T/bad.err"
echo $? >"$T/bad.rc"
check 'bad coordinates: each record rejected with why, the good one written, exit 1' '
	test "$(cat $T/bad.rc)" -eq 1 && test "$(wc -l <"$T/bad.out")" -eq 1 &&
	grep -q "\"poi_id\":\"w\".*\"scene\"" "$T/bad.out" &&
	grep -q "\"poi_id\":\"nolon\".*\"message\":\"lon/lat: missing or not numbers\"" "$T/bad.rej" &&
	grep -q "\"poi_id\":\"strlon\".*\"message\":\"lon/lat: missing or not numbers\"" "$T/bad.rej" &&
	grep -q "\"poi_id\":\"far\".*\"message\":\"lon/lat: (12.55, 95) out of range\"" "$T/bad.rej" &&
	grep -q "\"poi_id\":\"pole\".*\"message\":\"lat 89.5: too close to a pole for a lon/lat bbox\"" "$T/bad.rej" &&
	grep -q "^stac-query: record 1 (nolon): lon/lat: missing or not numbers" "$T/bad.err"'

check 'a rejected record fed back is rerun (its stale error dropped)' '
	stac-query $OK <"$T/bad.rej" 2>"$T/again.err" >/dev/null; test $? -eq 1 &&
	test "$(grep -c "\"error\"" "$T/again.err")" -eq 4'

check 'input that is not a record stream: exit 2 naming the record and offset' '
	printf "{\"poi_id\":\"w\",\"lon\":12.5527024,\"lat\":52.4886036}\nnot json\n" >"$T/broken.rec" &&
	fails 2 "stac-query $OK <$T/broken.rec >$T/o 2>$T/e" &&
	grep -q "^stac-query: stdin: record 2 (byte 49): not a JSON object" "$T/e" &&
	grep -q "\"poi_id\":\"w\"" "$T/o"'

check 'output not writable: exit 2' '
	fails 2 "stac-query $OK <$T/w.rec >/dev/full 2>$T/e" && grep -q "^stac-query: stdout: " "$T/e"'

check 'rejects file not writable: exit 2' '
	fails 2 "stac-query $OK --rejects $T/no/such/dir/r <$T/w.rec >$T/o 2>$T/e" &&
	grep -q "^stac-query: --rejects $T/no/such/dir/r: No such file or directory" "$T/e"'

check 'empty input: nothing out, exit 0' '
	stac-query $OK </dev/null >"$T/empty.out" && test ! -s "$T/empty.out"'

check '--assets adds assets by Earth Search name or item key; unknown names are left out' '
	stac-query --catalog "$FIX/stac/static_catalog_earth_search_s2l2a/catalog.json" \
	    --datetime 2023-08-15/2023-08-15 --assets nir,swir16,nosuch <<EOF >"$T/as.out" &&
{"poi_id":"b","lon":15.7,"lat":46.0}
EOF
	$PY -c "
import json, sys
a = json.loads(open(sys.argv[1]).readline())[\"scene\"][\"assets\"]
assert sorted(a) == [\"blue\", \"green\", \"nir\", \"red\", \"scl\", \"swir16\", \"visual\"], sorted(a)
assert a[\"swir16\"][\"resolution\"] == 20 and a[\"nir\"][\"resolution\"] == 10
" "$T/as.out"'
