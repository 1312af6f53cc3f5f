#!/bin/sh
# cog-read re-signing Planetary Computer hrefs: saved scenes whose SAS token has
# expired (or is garbage) get a fresh token from the token service (our
# tests/servers/stac_api.py) before fetching, one token request per collection
# per run; nginx (which ignores query strings) logs which token each request
# carried.  Tokens never reach stdout, stderr or the rejects.  --sign-hosts
# 127.0.0.1 stands in for Azure Blob Storage (default .blob.core.windows.net).
. "$(dirname "$0")/lib.sh"

OR="$PY $TOP/tests/oracles/cog_read.py"
export TMPDIR_ORACLE=$T
S2=$FIX/sentinel2_l2a_cog/S2A_29RKH_20200219_0_L2A
W=$T/www
mkdir -p "$W"
cp "$S2"/B04.tif "$W"/B04.tif && cp "$FIX"/sentinel2_l1c_10m_T33UUU_havelland/B04.tif "$W"/hav.tif ||
    exit 1
start_nginx "$W" || { echo "not ok - nginx"; exit 1; }
CTL=$T/ctl.json
echo '{}' >"$CTL"
start_server stac_api.py "$FIX" --control "$CTL" --log "$T/srv.log"
P=$SERVER_PORT
SAS=http://127.0.0.1:$P/api/sas/v1

# 7 windows per file (the oracle's points), B04 of collection sentinel-2-l2a,
# hav of sentinel-2-l1c; hrefs carrying an expired token, scenes marked signed
# the way stac-query marks them.
HREF_BASE=$NGINX_URL $OR records "$T/raw.jsonl" "$W" 100 B04.tif hav.tif || exit 1
$PY - "$T/raw.jsonl" "$SAS" >"$T/old.jsonl" <<'PYEOF' || exit 1
import json, sys
old = "st=2020-01-01T00%3A00%3A00Z&se=2020-01-01T01%3A00%3A00Z&sp=rl&sr=c&sig=EXPIRED-OLD"
for l in open(sys.argv[1]):
    r = json.loads(l)
    s = r["scene"]
    s["collection"] = "sentinel-2-l2a" if s["id"] == "B04.tif" else "sentinel-2-l1c"
    s["assets"]["red"]["href"] += "?" + old
    s["signed"] = {"by": "planetary-computer", "collection": s["collection"],
                   "sas_url": sys.argv[2], "expiry": "2020-01-01T01:00:00Z"}
    print(json.dumps(r))
PYEOF
tokens() { grep -c '"route": "token"' "$1"; }
nrec() { $PY -c 'import sys; sys.path.insert(0, sys.argv[2]); import recio
print(len(recio.read(sys.argv[1])))' "$1" "$TOP/tests"; }
nosecret() { ! grep -aq "SECRET-SIG\|sig=\|EXPIRED-OLD\|?st=" "$@"; }

# 1. Marked scenes are re-signed without any option but the host rule.
: >"$NGINX_LOG"
: >"$T/srv.log"
cog-read --progress --assets red --size 100 -j 3 --sign-hosts 127.0.0.1 \
    <"$T/old.jsonl" >"$T/a.rec" 2>"$T/a.err"
echo $? >"$T/a.rc"
cp "$NGINX_LOG" "$T/a.ngx"
cp "$T/srv.log" "$T/a.srv"
check 'scenes marked signed, expired tokens: exit 0, pixels equal gdal_translate -srcwin' '
	test "$(cat $T/a.rc)" -eq 0 && test "$(nrec "$T/a.rec")" -eq 14 &&
	$OR check "$T/a.rec" "$W"'
check 'every request nginx saw carried a fresh token of the token service, none the old one' '
	grep -q "GET /B04.tif?st=.*&sig=SECRET-SIG-[12] .* \"bytes=0-16383\"" "$T/a.ngx" &&
	grep -q "GET /hav.tif?st=.*&sig=SECRET-SIG-[12] .* \"bytes=0-16383\"" "$T/a.ngx" &&
	test "$(grep -c "GET /[a-zB04]*.tif?st=.*&sig=SECRET-SIG-[12] " "$T/a.ngx")" -eq "$(wc -l <"$T/a.ngx")" &&
	! grep -q "EXPIRED-OLD" "$T/a.ngx"'
check 'one token request per collection for the run (5 batches), from the marked sas_url' '
	test "$(tokens "$T/a.srv")" -eq 2 &&
	grep -q "\"path\": \"/api/sas/v1/token/sentinel-2-l2a\"" "$T/a.srv" &&
	grep -q "\"path\": \"/api/sas/v1/token/sentinel-2-l1c\"" "$T/a.srv"'
check 'no token, old or new, in stdout or stderr (with --progress); hrefs written back bare' '
	test -s "$T/a.err" && nosecret "$T/a.rec" "$T/a.err" &&
	grep -aq "\"href\":\"$NGINX_URL/B04.tif\"" "$T/a.rec" &&
	grep -aq "\"href\":\"$NGINX_URL/hav.tif\"" "$T/a.rec"'
check 'the signed marker keeps by, collection and sas_url, loses the expiry of the token dropped' '
	grep -a "^{" "$T/a.rec" | head -n 1 | $PY -c "import json, sys
m = json.loads(sys.stdin.readline())[\"scene\"][\"signed\"]
assert m == {\"by\": \"planetary-computer\", \"collection\": \"sentinel-2-l2a\", \"sas_url\": \"$SAS\"}, m"'

# 2. Unmarked scenes with --sign planetary-computer --sas-url.
sed 's/"signed": {[^}]*}, *//; s/, *"signed": {[^}]*}//' "$T/old.jsonl" >"$T/plain.jsonl"
: >"$NGINX_LOG"
: >"$T/srv.log"
cog-read -q --assets red --size 100 --sign planetary-computer --sas-url "$SAS" \
    --sign-hosts 127.0.0.1 <"$T/plain.jsonl" >"$T/b.rec" 2>"$T/b.err"
echo $? >"$T/b.rc"
check '--sign on unmarked scenes: no marker in, same pixels, fresh tokens, 2 token requests' '
	! grep -q "\"signed\"" "$T/plain.jsonl" && test "$(cat $T/b.rc)" -eq 0 &&
	$OR check "$T/b.rec" "$W" && ! grep -q "EXPIRED-OLD" "$NGINX_LOG" &&
	test "$(grep -c "sig=SECRET-SIG-" "$NGINX_LOG")" -eq "$(wc -l <"$NGINX_LOG")" &&
	test "$(tokens "$T/srv.log")" -eq 2 && nosecret "$T/b.rec" "$T/b.err"'

# 3. Hosts outside --sign-hosts are left alone (the default is Azure Blob only).
: >"$NGINX_LOG"
: >"$T/srv.log"
check 'default --sign-hosts: a 127.0.0.1 href is neither signed nor stripped, no token asked' '
	cog-read -q --assets red --size 100 <"$T/old.jsonl" >"$T/c.rec" &&
	test "$(tokens "$T/srv.log")" -eq 0 && ! grep -q "SECRET-SIG" "$NGINX_LOG" &&
	test "$(grep -c "sig=EXPIRED-OLD" "$NGINX_LOG")" -eq "$(wc -l <"$NGINX_LOG")"'

# 4. The token service failing for one collection: its records rejected, the rest go on.
echo '{"token": ["ok", "500"]}' >"$CTL"
: >"$T/srv.log"
cog-read -q --assets red --size 100 -j 7 --max-retries 0 --sign-hosts 127.0.0.1 \
    --rejects "$T/d.rej" <"$T/old.jsonl" >"$T/d.rec" 2>"$T/d.err"
echo $? >"$T/d.rc"
check 'token service answering 500 for sentinel-2-l1c: a warning naming the endpoint, exit 1' '
	test "$(cat $T/d.rc)" -eq 1 &&
	grep -q "^cog-read: sign: token for sentinel-2-l1c: $SAS/token/sentinel-2-l1c: HTTP 500" "$T/d.err"'
check 'its 7 records rejected with a clear message, the 7 of sentinel-2-l2a out and right' '
	test "$(grep -c "\"message\":\"sign: asset red: no SAS token for collection sentinel-2-l1c\"" "$T/d.rej")" -eq 7 &&
	test "$(nrec "$T/d.rec")" -eq 7 && $OR check "$T/d.rec" "$W" &&
	! grep -aq "hav.tif" "$T/d.rec"'
check 'no token in the rejects, stdout or stderr of the failing run' '
	nosecret "$T/d.rej" "$T/d.rec" "$T/d.err"'
echo '{}' >"$CTL"

# 5. Usage errors.
check 'bad --sign, --sas-url, --sign-hosts: exit 2 with a message' '
	fails 2 "cog-read --sign aws </dev/null 2>$T/u1.err" &&
	grep -q "^cog-read: --sign: only planetary-computer is known, got .aws." "$T/u1.err" &&
	fails 2 "cog-read --sas-url ftp://x </dev/null 2>$T/u2.err" &&
	grep -q "^cog-read: --sas-url: expected an http(s) URL" "$T/u2.err" &&
	fails 2 "cog-read --sign-hosts a,,b </dev/null 2>$T/u3.err" &&
	grep -q "^cog-read: --sign-hosts: expected host suffixes separated by commas" "$T/u3.err"'
check 'a scene signed by an unknown service is rejected, exit 1' '
	head -n 1 "$T/old.jsonl" | sed "s/\"by\": \"planetary-computer\"/\"by\": \"other\"/" >"$T/o.jsonl" &&
	fails 1 "cog-read -q --assets red --size 100 --rejects $T/o.rej <$T/o.jsonl >/dev/null" &&
	grep -q "\"message\":\"scene: signed by .other.: only planetary-computer is known\"" "$T/o.rej"'

# 6. End to end: stac-query --sign signs a scene whose assets live on "blob
# storage" (nginx), the token is then past use (TTL 30 s < the 60 s margin);
# cog-read reads the saved stream with a fresh token and writes it back bare.
cp "$S2"/B02.tif "$S2"/B03.tif "$S2"/SCL.tif "$S2"/TCI.tif "$W"/ || exit 1
mkdir -p "$T/items"
sed "s#https://sentinel-cogs.s3.us-west-2.amazonaws.com/sentinel-s2-l2a-cogs/29/R/KH/2020/2/S2A_29RKH_20200219_0_L2A#$NGINX_URL#g" \
    "$S2/S2A_29RKH_20200219_0_L2A.json" >"$T/items/item.json" || exit 1
start_server stac_api.py "$FIX" --items "$T/items" --token-ttl 30 --log "$T/e2e.log"
P2=$SERVER_PORT
SAS2=http://127.0.0.1:$P2/api/sas/v1
# Pixel (256, 256) of the 100 m fixture grid + 0.3 px: window origin (206, 206).
ll=$(echo "$((199980 + 256 * 100 + 30)) $((2800020 - 256 * 100 - 30))" |
    gdaltransform -s_srs EPSG:32629 -t_srs EPSG:4326 -output_xy)
set -- $ll
printf '{"poi_id":"B04.tif~206~206","lon":%s,"lat":%s}\n' "$1" "$2" >"$T/poi.jsonl"
stac-query --stac-url "http://127.0.0.1:$P2/v1" --datetime 2020-02-19T00:00:00Z/2020-02-20T00:00:00Z \
    --sign planetary-computer --sas-url "$SAS2" --sign-hosts 127.0.0.1 \
    <"$T/poi.jsonl" >"$T/e2e.scene" 2>"$T/e2e.sq.err"
check 'stac-query --sign --sign-hosts 127.0.0.1: hrefs signed, the marker names collection and service' '
	$PY - "$T/e2e.scene" "$SAS2" <<PYEOF
import json, sys
s = json.loads(open(sys.argv[1]).readline())["scene"]
m = s["signed"]
assert m["by"] == "planetary-computer" and m["collection"] == "sentinel-2-l2a", m
assert m["sas_url"] == sys.argv[2] and m["expiry"].endswith("Z") and "sig" not in json.dumps(m), m
for k in ("red", "green", "blue", "scl", "visual"):
    assert s["assets"][k]["href"].endswith("&sig=SECRET-SIG-1"), s["assets"][k]["href"]
PYEOF
	nosecret "$T/e2e.sq.err"'
: >"$NGINX_LOG"
cog-read --assets red --size 100 --sign-hosts 127.0.0.1 <"$T/e2e.scene" >"$T/e2e.rec" 2>"$T/e2e.cr.err"
echo $? >"$T/e2e.rc"
check 'cog-read on that stream: a new token (SIG-2) in every request, pixels equal GDAL, hrefs bare' '
	test "$(cat $T/e2e.rc)" -eq 0 && test "$(tokens "$T/e2e.log")" -eq 2 &&
	test "$(grep -c "GET /B04.tif?st=.*&sig=SECRET-SIG-2 " "$NGINX_LOG")" -eq "$(wc -l <"$NGINX_LOG")" &&
	$OR check "$T/e2e.rec" "$W" && nosecret "$T/e2e.rec" "$T/e2e.cr.err" &&
	test "$(grep -ao "\"href\":\"$NGINX_URL/[A-Z0-9]*.tif\"" "$T/e2e.rec" | wc -l)" -eq 5'
