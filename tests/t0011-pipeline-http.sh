#!/bin/sh
# The whole job over the network, as against the real services: a STAC API (ours, on
# 127.0.0.1, filtering the bundled sample's item whose hrefs point at nginx), COG range
# reads of imagery and land cover through nginx.  The dataset must equal the one the
# offline quickstart makes from local files: images, masks and rows byte for byte.
. "$(dirname "$0")/lib.sh"
E=$TOP/examples
W=$T/www
mkdir -p "$W/items"
cp "$E"/havelland/B0[234].tif "$E"/havelland/landcover/osm_landuse_10m.tif "$W"/ || exit 1
start_nginx "$W" || { echo "not ok - nginx"; exit 1; }
jq --arg u "$NGINX_URL" '.assets |= with_entries(.value.href = ($u + "/" + (.value.href | split("/") | last)))' \
    "$E"/catalog/S2A_33UUU_20170216_0_L1C_havelland/S2A_33UUU_20170216_0_L1C_havelland.json \
    > "$W/items/item.json" || exit 1
# The landing page the server would answer by default is Earth Search's; its
# conformance (sort, query) is what stac-query probes.
start_server stac_api.py "$FIX" --items "$W/items/item.json" --log "$T/stac.log"
SP=$SERVER_PORT

"$E/quickstart.sh" "$T/local" > /dev/null 2>&1 || { echo "not ok - offline quickstart"; exit 1; }

check 'poi-fetch | stac-query (API) | cog-read (HTTP) | stretch | lc-align (HTTP) | tile | caption | shard-write' '
    poi-fetch -q --from "$E/pois.csv" --num-points 0 --min-separation-km 0 |
    stac-query -q -j 4 --stac-url "http://127.0.0.1:$SP/v1" --collection sentinel-2-l1c \
        --datetime 2017-02-01/2017-03-01 --bbox-km 3 --rejects "$T/rej-stac.rec" |
    cog-read -q -j 4 --size 512 --rejects "$T/rej-cog.rec" |
    stretch -q |
    lc-align -q -j 4 --source "$NGINX_URL/osm_landuse_10m.tif" \
        --classes "$E/havelland/landcover/classes.json" --rejects "$T/rej-lc.rec" |
    tile -q --size 256 --stride 128 --out 224 |
    caption -q |
    shard-write -q -o "$T/net" --write-bbox-overlays --write-masks &&
    [ ! -s "$T/rej-stac.rec" ] && [ ! -s "$T/rej-cog.rec" ] && [ ! -s "$T/rej-lc.rec" ]'

check 'the search went to the API, and every raster byte came as a range request' '
    grep -q "\"route\": \"search\"" "$T/stac.log" &&
    [ $(grep -c "\" 206 " "$NGINX_LOG") -gt 0 ] &&
    ! grep "GET /[^ ]*\.tif HTTP/1.1\" 200 " "$NGINX_LOG"'

check 'images, masks, overlays and rows equal the offline run byte for byte' '
    for d in images masks overlays data; do
        (cd "$T/local/$d" && find . -type f | sort | xargs sha256sum) > "$T/a.$d" &&
        (cd "$T/net/$d" && find . -type f | sort | xargs sha256sum) > "$T/b.$d" &&
        diff "$T/a.$d" "$T/b.$d" || exit 1
    done && [ -s "$T/a.images" ]'
