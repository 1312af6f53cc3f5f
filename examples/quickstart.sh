#!/bin/sh
# quickstart.sh - the whole job, offline, on the bundled sample.
#
#   examples/quickstart.sh [OUTDIR]      (default: sample-dataset)
#
# Two places in the Havelland -> the scene in the static catalog -> 512 px windows read
# from the band COGs -> 2-98 % stretch -> OpenStreetMap land use on the same 10 m grid ->
# 256 px tiles every 128 px, downsampled to 224 -> captions, grounding and per-class
# rows -> a dataset folder with overlays.  Rejected records, if any, land in OUTDIR.rejects/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=${1:-sample-dataset}
PATH=$top/bin:$PATH
rej=$out.rejects
mkdir -p "$rej"

poi-fetch --from "$here/pois.csv" --num-points 0 --min-separation-km 0 |
stac-query --catalog "$here/catalog/catalog.json" --collection sentinel-2-l1c \
    --datetime 2017-02-01/2017-03-01 --bbox-km 3 --rejects "$rej/stac-query.rec" |
cog-read --size 512 --rejects "$rej/cog-read.rec" |
stretch --rejects "$rej/stretch.rec" |
lc-align --source "$here/havelland/landcover/osm_landuse_10m.tif" \
    --classes "$here/havelland/landcover/classes.json" --rejects "$rej/lc-align.rec" |
tile --size 256 --stride 128 --out 224 --rejects "$rej/tile.rec" |
caption --rejects "$rej/caption.rec" |
shard-write -o "$out" --write-bbox-overlays --write-masks --rejects "$rej/shard-write.rec"

echo "dataset in $out: $(cat "$out"/data/*.jsonl | wc -l) rows"
# A stage's rejects say what it could not do; empty ones say nothing.
find "$rej" -type f -empty -delete
if [ -n "$(ls -A "$rej")" ]; then
	echo "some records were rejected: see $rej/" >&2
	exit 1
fi
rmdir "$rej"
