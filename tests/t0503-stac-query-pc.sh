#!/bin/sh
# stac-query on Planetary Computer items (tests/servers/stac_api.py --pc: the 33 real
# items of the recorded PC search, PC-style paging) with --sign planetary-computer
# against the server's fake SAS token endpoint.  Token values must reach the asset
# hrefs and nothing else: not stderr, not the rejects.
#  k1 (173.9, 58.1): inside T60VUK (56.3 %) and T59VPE (60.4 %): the clearer 60VUK.
#  k2 (170.2, 57.2): T59VMD only.  k3 (171.5, 55.4): T59UNB only.
. "$(dirname "$0")/lib.sh"

CTL=$T/ctl.json
echo '{}' >"$CTL"
start_server stac_api.py "$FIX" --pc --control "$CTL" --log "$T/srv.log"
P=$SERVER_PORT
start_server stac_api.py "$FIX" --pc --token-ttl 30 --log "$T/short.log"
P2=$SERVER_PORT

cat >"$T/pois.rec" <<'END'
{"poi_id":"k1","lon":173.9,"lat":58.1}
{"poi_id":"k2","lon":170.2,"lat":57.2}
{"poi_id":"k3","lon":171.5,"lat":55.4}
{"poi_id":"sea","lon":-30,"lat":40}
END
DT="--datetime 2019-01-01T00:00:00Z/2019-01-01T00:00:10Z"
Q="stac-query --stac-url http://127.0.0.1:$P/api/stac/v1 $DT"
SIGN="--sign planetary-computer --sas-url http://127.0.0.1:$P/api/sas/v1"
tokens() { grep -c '"route": "token"' "$1"; }
nosecret() { ! grep -q "SECRET-SIG\|sig=" "$@"; }

: >"$T/srv.log"
$Q $SIGN -j 1 --progress --rejects "$T/s.rej" <"$T/pois.rec" >"$T/s.rec" 2>"$T/s.err"
echo $? >"$T/s.rc"
cp "$T/srv.log" "$T/s.log"

check 'PC items: clearest covering scene per point, the point at sea rejected, exit 1' '
	test "$(cat $T/s.rc)" -eq 1 &&
	$PY -c "import json,sys; [print(json.loads(l)[\"poi_id\"], json.loads(l)[\"scene\"][\"id\"]) for l in open(sys.argv[1])]" "$T/s.rec" >"$T/s.ids" &&
	printf "%s\n" "k1 S2A_MSIL2A_20190101T000001_R116_T60VUK_20201007T214652" \
	    "k2 S2A_MSIL2A_20190101T000001_R116_T59VMD_20201007T214704" \
	    "k3 S2A_MSIL2A_20190101T000001_R116_T59UNB_20201007T214702" | diff -u - "$T/s.ids" &&
	grep -q "\"poi_id\":\"sea\".*\"message\":\"no items\"" "$T/s.rej"'

check 'PC keys mapped (B04 -> red, SCL -> scl), known Sentinel-2 values filled and flagged, BOA rule for baseline 02.12' '
	$PY - "$T/s.rec" <<EOF
import json, sys
s = json.loads(open(sys.argv[1]).readline())["scene"]
assert s["crs"] == "EPSG:32660" and s["mgrs"] == "60VUK" and s["processing_baseline"] == "02.12"
assert s["platform"] == "Sentinel-2A" and s["cloud_cover"] == 56.297088 and s["qualifying"] == 2
assert s["boa_offset_applied"] is True and s["reflectance_offset"] == 0 and s["boa_flag"] is None
a = s["assets"]
assert sorted(a) == ["blue", "green", "red", "scl", "visual"]
assert [a[k]["key"] for k in ("red", "green", "blue", "scl", "visual")] == ["B04", "B03", "B02", "SCL", "visual"]
for k in ("red", "green", "blue"):
    assert a[k]["defaults"] is True and a[k]["data_type"] == "uint16" and a[k]["scale"] == 0.0001
    assert a[k]["offset"] == 0 and a[k]["nodata"] == 0 and a[k]["resolution"] == 10
assert a["scl"]["data_type"] == "uint8" and a["scl"]["resolution"] == 20 and a["scl"]["shape"] == [5490, 5490]
assert a["visual"]["bands"] == 3 and a["visual"]["data_type"] == "uint8"
assert a["red"]["href"].endswith("/IMG_DATA/R10m/T60VUK_20190101T000001_B04_10m.tif?" +
    a["red"]["href"].split("?", 1)[1]) and a["red"]["href"].startswith("https://sentinel2l2a01.blob.core.windows.net/sentinel2-l2/60/V/UK/")
EOF'

check 'signed: every asset href carries the SAS token, "signed" gives its expiry, collection and token service' '
	$PY - "$T/s.rec" <<EOF
import json, sys
for l in open(sys.argv[1]):
    s = json.loads(l)["scene"]
    assert s["signed"]["by"] == "planetary-computer" and s["signed"]["expiry"].endswith("Z")
    assert s["signed"]["collection"] == "sentinel-2-l2a" and sorted(s["signed"]) == ["by", "collection", "expiry", "sas_url"]
    assert s["signed"]["sas_url"] == "http://127.0.0.1:$P/api/sas/v1"
    for k, a in s["assets"].items():
        base, tok = a["href"].split("?", 1)
        assert tok.startswith("st=") and "&sp=rl&" in tok and tok.endswith("&sig=SECRET-SIG-1"), (k, tok)
        assert tok.split("&se=")[0] and s["signed"]["expiry"] in tok
EOF'

check 'one token request for three batches (cached until 60 s before msft:expiry)' '
	test "$(tokens "$T/s.log")" -eq 1 &&
	grep "\"route\": \"token\"" "$T/s.log" | grep -q "\"path\": \"/api/sas/v1/token/sentinel-2-l2a\""'

check 'the token is in no message: stderr (with --progress) and the rejects are clean' '
	test -s "$T/s.err" && nosecret "$T/s.err" "$T/s.rej"'

stac-query --stac-url "http://127.0.0.1:$P2/api/stac/v1" $DT -j 1 \
    --sign planetary-computer --sas-url "http://127.0.0.1:$P2/api/sas/v1" \
    <"$T/pois.rec" >"$T/short.rec" 2>"$T/short.err2"
check 'a token that expires within 60 s is fetched again for every batch' '
	test "$(tokens "$T/short.log")" -eq 3 &&
	grep -q "sig=SECRET-SIG-1\"" "$T/short.rec" && grep -q "sig=SECRET-SIG-3\"" "$T/short.rec" &&
	nosecret "$T/short.err2"'

: >"$T/srv.log"
$Q --limit 1 <"$T/pois.rec" >"$T/pg.rec" 2>/dev/null
cp "$T/srv.log" "$T/pg.log"
check 'PC paging (POST next with "token": "next:collection:id"): both k1 candidates seen, filters kept' '
	grep -q "\"candidates\":2,\"qualifying\":2" "$T/pg.rec" &&
	grep "\"token\": \"next:sentinel-2-l2a:" "$T/pg.log" >"$T/pg.next" &&
	test "$(wc -l <"$T/pg.next")" -ge 1 && grep -q "\"intersects\"" "$T/pg.next" &&
	test "$(tokens "$T/pg.log")" -eq 0 && ! grep -q "?st=" "$T/pg.rec"'

echo '{"token": ["500"]}' >"$CTL"
$Q $SIGN --max-retries 0 --rejects "$T/t500.rej" <"$T/pois.rec" >"$T/t500.rec" 2>"$T/t500.err"
echo $? >"$T/t500.rc"
check 'token endpoint failing: a warning naming the endpoint, every point rejected, no output' '
	test "$(cat $T/t500.rc)" -eq 1 && test ! -s "$T/t500.rec" &&
	grep -q "^stac-query: sign: token for sentinel-2-l2a: http://127.0.0.1:$P/api/sas/v1/token/sentinel-2-l2a: HTTP 500" "$T/t500.err" &&
	test "$(grep -c "\"message\":\"sign: no SAS token for collection sentinel-2-l2a\"" "$T/t500.rej")" -eq 3'

echo '{"token": ["garbage"]}' >"$CTL"
$Q $SIGN --max-retries 0 <"$T/pois.rec" >/dev/null 2>"$T/tg.err"
check 'token endpoint answering garbage: "answer lacks token or msft:expiry"' '
	grep -q "sign: token for sentinel-2-l2a: http://127.0.0.1:$P/api/sas/v1/token/sentinel-2-l2a: answer lacks token or msft:expiry" "$T/tg.err"'

# Signed records fed back while the search fails: the stale signed scene must not
# reach the rejects.
echo '{"search": ["500"]}' >"$CTL"
$Q $SIGN --max-retries 0 --rejects "$T/back.rej" <"$T/s.rec" >"$T/back.rec" 2>"$T/back.err"
echo $? >"$T/back.rc"
check 'signed records rerun into a failing search: rejected without their old signed scene' '
	test "$(cat $T/back.rc)" -eq 1 && test "$(wc -l <"$T/back.rej")" -eq 3 &&
	grep -q "HTTP 500" "$T/back.rej" && ! grep -q "\"scene\"" "$T/back.rej" &&
	nosecret "$T/back.rej" "$T/back.err"'
