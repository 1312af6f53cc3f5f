#!/bin/sh
# lc-align --earth-engine against tests/servers/ee.py, a stand-in for the
# getPixels REST method that answers with the real WorldCover tile warped by
# GDAL onto the requested grid: the labels must equal --worldcover's, the
# token must travel only in the Authorization header, errors must be clear.
. "$(dirname "$0")/lib.sh"
WC=$FIX/worldcover
WCT=$WC/ESA_WorldCover_10m_2021_v200_N00E006_Map.tif
ASSET=ESA/WorldCover/v200/2021
TOKEN=ya29.test-token-$$
SRV=$T/srv
mkdir -p "$SRV"

start_server EE_TEST_TOKEN="$TOKEN" ee.py "$SRV" "$ASSET=$WCT"
PORT=$SERVER_PORT
EE="--ee-url http://127.0.0.1:$PORT/v1"
printf '%s\n' "$TOKEN" >"$T/token"

rec() {
	printf '{"poi_id":"%s","grid":{"crs":"%s","transform":[%s,0,%s,0,%s,%s],"width":%s,"height":%s}}\n' \
	    "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8"
}
{
	rec st EPSG:32632 10 230000 -10 36000 500 400
	rec eq EPSG:32632 10 225000 -10 3000 600 600
	rec ll EPSG:4326 0.0001 6.5 -0.0001 0.35 300 200
} >$T/in.rec

check 'getPixels on the record grids: exit 0' "
	lc-align -j 3 --earth-engine $ASSET --ee-token-file $T/token $EE <$T/in.rec >$T/ee.out"
check 'the labels equal --worldcover on the same grids, byte for byte' "
	lc-align -j 3 --worldcover-url $WC <$T/in.rec >$T/wc.out &&
	$PY -c \"
import sys; sys.path.insert(0, '$TOP/tests')
import recio
a = recio.read('$T/ee.out'); b = recio.read('$T/wc.out')
assert len(a) == len(b) == 3
for (ha, ra), (hb, rb) in zip(a, b):
    assert ha['poi_id'] == hb['poi_id']
    assert ra['label'].dtype == rb['label'].dtype and ra['label'].shape == rb['label'].shape
    assert (ra['label'] == rb['label']).all(), (ha['poi_id'], (ra['label'] != rb['label']).sum())
    assert ha['landcover']['classes'] == hb['landcover']['classes']
    assert ha['landcover']['coverage'] == hb['landcover']['coverage']
\""
check 'landcover names the asset and band; uint8, nodata 255' "
	head -n 1 $T/ee.out | grep -q '\"landcover\":{\"source\":\"earthengine:ESA/WorldCover/v200/2021\",\"nodata\":255,\"classes\":\\[{\"id\":10,\"name\":\"Tree cover\"' &&
	head -n 1 $T/ee.out | grep -q '\"ee_band\":\"Map\"' &&
	head -n 1 $T/ee.out | grep -q '\"dtype\":\"uint8\",\"nodata\":255'"
check 'one request per record, band Map, the grid sizes asked' "
	[ \$(grep -c '^ESA/WorldCover/v200/2021 200 ' $SRV/requests.log) -eq 3 ] &&
	grep -q ' 500x400 Map\$' $SRV/requests.log && grep -q ' 600x600 Map\$' $SRV/requests.log &&
	grep -q ' 300x200 Map\$' $SRV/requests.log"
check 'the token from EE_ACCESS_TOKEN works too' "
	EE_ACCESS_TOKEN=$TOKEN lc-align --earth-engine $ASSET $EE <$T/in.rec | cmp - $T/ee.out"
check 'the token is in no output, message or reject' "
	EE_ACCESS_TOKEN=wrong-$TOKEN lc-align --earth-engine $ASSET $EE --rejects $T/rej.out <$T/in.rec >$T/x.out 2>$T/err;
	! grep -q \"$TOKEN\" $T/ee.out $T/x.out $T/err $T/rej.out"
check 'a wrong token: every record rejected with the 401 and its message' "
	fails 1 'EE_ACCESS_TOKEN=nope lc-align --earth-engine $ASSET $EE <$T/in.rec >$T/x.out 2>$T/err' &&
	[ \$(grep -c 'HTTP 401: Request had invalid authentication credentials' $T/err) -eq 3 ] && [ ! -s $T/x.out ]"
check 'an unknown asset: rejected with the 404' "
	fails 1 'lc-align --earth-engine ESA/WorldCover/v999/2099 --ee-token-file $T/token $EE <$T/in.rec >/dev/null 2>$T/err' &&
	grep -q \"HTTP 404: Image asset 'ESA/WorldCover/v999/2099' not found\" $T/err"
check 'an unknown band: rejected with the 400' "
	fails 1 'lc-align --earth-engine $ASSET --ee-band Nope --ee-token-file $T/token $EE <$T/in.rec >/dev/null 2>$T/err' &&
	grep -q \"HTTP 400: Band pattern 'Nope' did not match\" $T/err"
check 'a grid larger than one request may be: rejected before asking' "
	: >$SRV/requests.log &&
	rec big EPSG:32632 10 230000 -10 36000 12000 100 |
	fails 1 'lc-align --earth-engine $ASSET --ee-token-file $T/token $EE >/dev/null 2>$T/err' &&
	grep -q 'more than one Earth Engine getPixels request' $T/err && [ ! -s $SRV/requests.log ]"
check 'no token at all: usage error, exit 2' "
	fails 2 'env -u EE_ACCESS_TOKEN lc-align --earth-engine $ASSET $EE </dev/null 2>$T/err' &&
	grep -q 'needs a token' $T/err"
check 'an empty token file: exit 2' "
	: >$T/empty && fails 2 'lc-align --earth-engine $ASSET --ee-token-file $T/empty </dev/null 2>$T/err' &&
	grep -q 'is empty' $T/err"
check '--ee-band without --earth-engine: exit 2' "
	fails 2 'lc-align --worldcover --ee-band Map </dev/null 2>$T/err' && grep -q 'go with --earth-engine' $T/err"
check 'a server that is not there: rejected, not fatal' "
	fails 1 'lc-align --max-retries 0 --earth-engine $ASSET --ee-token-file $T/token --ee-url http://127.0.0.1:1/v1 <$T/in.rec >/dev/null 2>$T/err' &&
	[ \$(grep -c 'Earth Engine ESA/WorldCover/v200/2021' $T/err) -eq 3 ]"
