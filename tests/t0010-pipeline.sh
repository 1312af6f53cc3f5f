#!/bin/sh
# The whole job on the bundled sample, offline: every stage chained as the README
# shows, then the dataset folder checked as a user (and the Hub) would.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

check 'the quickstart runs clean on the bundled sample' \
    '"$TOP/examples/quickstart.sh" "$T/ds" > qs.out 2> qs.err && grep -q "rows" qs.out && [ ! -e "$T/ds.rejects" ]'

check 'the overlay pictured in the README is the one the quickstart makes' '
    cmp "$TOP/examples/overlay-poi_000000_t0000.png" "$T/ds/overlays/s00000/poi_000000_t0000__001_ground_all.png"'

check 'every JSONL row parses, in leap-finetune vlm_sft shape, and its files decode' '
    $PY - "$T/ds" <<PY
import json, os, sys, subprocess
d = sys.argv[1]
n = 0
for split in ("train", "validation", "test"):
    p = os.path.join(d, "data", split + ".jsonl")
    if not os.path.exists(p):
        continue
    for line in open(p, encoding="utf-8"):
        row = json.loads(line)
        m = row["messages"]
        assert [x["role"] for x in m] == ["user", "assistant"], m
        img = [c for c in m[0]["content"] if c["type"] == "image"]
        txt = [c for c in m[0]["content"] if c["type"] == "text"]
        assert len(img) == 1 and len(txt) == 1 and isinstance(img[0]["image"], str)
        assert m[1]["content"][0]["type"] == "text" and m[1]["content"][0]["text"]
        path = os.path.join(d, img[0]["image"])
        out = subprocess.run(["pngtopam", path], capture_output=True, check=True).stdout
        assert out.startswith(b"P7") or out.startswith(b"P6"), path
        if "bbox_overlay_image" in row:
            assert os.path.exists(os.path.join(d, row["bbox_overlay_image"]))
        n += 1
assert n > 0
print(n, "rows")
PY'

check 'the tiles carry labels from the same grid: sidecars name the scene, grid and regions' '
    $PY - "$T/ds" <<PY
import json, glob, sys
side = glob.glob(sys.argv[1] + "/metadata/s*/*.json")
assert side, "no sidecars"
for p in side:
    m = json.load(open(p))
    g = m["grid"]
    assert g["crs"] == "EPSG:32633", g
    # 256 native pixels of 10 m downsampled to 224: pixel size 256*10/224
    assert abs(g["transform"][0] - 256 * 10 / 224) < 1e-9, g
    # the tile origin lies on the scene 10 m lattice
    x0 = g["transform"][2] - 330000; y0 = 5822040 - g["transform"][5]
    assert abs(x0 / 10 - round(x0 / 10)) < 1e-6 and abs(y0 / 10 - round(y0 / 10)) < 1e-6, g
    assert m["regions"] and m["class_fractions"]
PY'

check 'the same inputs give a byte-identical dataset (and -j does not change it)' '
    PATH=$TOP/bin:$PATH
    poi-fetch -q --from "$TOP/examples/pois.csv" --num-points 0 --min-separation-km 0 |
    stac-query -q -j 3 --catalog "$TOP/examples/catalog/catalog.json" --collection sentinel-2-l1c \
        --datetime 2017-02-01/2017-03-01 --bbox-km 3 |
    cog-read -q -j 5 --size 512 | stretch -q |
    lc-align -q -j 3 --source "$TOP/examples/havelland/landcover/osm_landuse_10m.tif" \
        --classes "$TOP/examples/havelland/landcover/classes.json" |
    tile -q --size 256 --stride 128 --out 224 | caption -q |
    shard-write -q -o "$T/ds2" --write-bbox-overlays --write-masks &&
    (cd "$T/ds" && find . -type f | sort | xargs sha256sum) > a.sum &&
    (cd "$T/ds2" && find . -type f | sort | xargs sha256sum) > b.sum &&
    diff a.sum b.sum'

check 'any stage rerun alone on a saved stream gives the same result' '
    PATH=$TOP/bin:$PATH
    poi-fetch -q --from "$TOP/examples/pois.csv" --num-points 0 --min-separation-km 0 |
    stac-query -q --catalog "$TOP/examples/catalog/catalog.json" --collection sentinel-2-l1c \
        --datetime 2017-02-01/2017-03-01 --bbox-km 3 | cog-read -q --size 512 > raw.rec &&
    stretch -q < raw.rec > s1.rec && stretch -q < raw.rec > s2.rec && cmp s1.rec s2.rec &&
    stretch -q --spool spool < raw.rec | stretch -q --range 0,255 > viaspool.rec &&
    stretch -q --range 0,255 < s1.rec > direct.rec && cmp viaspool.rec direct.rec'
