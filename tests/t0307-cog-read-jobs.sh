#!/bin/sh
# cog-read over HTTP: output order and bytes do not depend on -j, whatever order the
# responses come back in, and every window equals gdal_translate -srcwin.
. "$(dirname "$0")/lib.sh"
H=$FIX/sentinel2_l1c_10m_T33UUU_havelland
start_nginx "$H" || { echo "not ok - nginx"; exit 1; }

# 40 points on the scene's 10 m grid, spread over the 1536x768 window, each a third of
# a pixel into pixel (col,row), so the 64 px window starts at (col-32, row-32).
$PY - "$NGINX_URL" > "$T/pts.txt" <<'PY'
import sys
for i in range(40):
    col = 40 + (i * 137) % 1450
    row = 40 + (i * 71) % 680
    print(i, col, row, 330000 + (col + 1 / 3) * 10, 5822040 - (row + 1 / 3) * 10)
PY
awk '{print $4, $5}' "$T/pts.txt" | gdaltransform -s_srs EPSG:32633 -t_srs EPSG:4326 -output_xy > "$T/ll.txt"
paste -d' ' "$T/pts.txt" "$T/ll.txt" | while read -r i col row x y lon lat; do
	printf '{"poi_id":"poi_%06d","lon":%s,"lat":%s,"scene":{"id":"T33UUU","crs":"EPSG:32633","assets":{"red":{"href":"%s/B04.tif"},"green":{"href":"%s/B03.tif"},"blue":{"href":"%s/B02.tif"}}}}\n' \
	    "$i" "$lon" "$lat" "$NGINX_URL" "$NGINX_URL" "$NGINX_URL"
done > "$T/in.jsonl"

check 'forty records read with -j 1, -j 7 and -j 16 give the same bytes in input order' '
    cog-read -q -j 1 --size 64 < "$T/in.jsonl" > "$T/j1.rec" &&
    cog-read -q -j 7 --size 64 < "$T/in.jsonl" > "$T/j7.rec" &&
    cog-read -q -j 16 --size 64 < "$T/in.jsonl" > "$T/j16.rec" &&
    $PY - "$T/j1.rec" "$T/j7.rec" "$T/j16.rec" <<PY
import sys; sys.path.insert(0, "$TOP/tests"); import recio, numpy as np
runs = [recio.read(p) for p in sys.argv[1:]]
ids = [[h["poi_id"] for h, _ in r] for r in runs]
assert ids[0] == ["poi_%06d" % i for i in range(40)], ids[0]
assert ids[0] == ids[1] == ids[2]
for r in runs[1:]:
    for (ha, ra), (hb, rb) in zip(runs[0], r):
        assert ha["grid"] == hb["grid"] and np.array_equal(ra["image"], rb["image"])
PY'

check 'every window equals gdal_translate -srcwin of each band' '
    $PY - "$T/j16.rec" "$T/pts.txt" "$H" "$T" <<PY
import sys, subprocess, numpy as np
sys.path.insert(0, "$TOP/tests"); import recio
recs = recio.read(sys.argv[1])
pts = [l.split() for l in open(sys.argv[2])]
for (h, r), p in zip(recs, pts):
    col, row = int(p[1]), int(p[2])
    for b, f in enumerate(["B04", "B03", "B02"]):
        out = sys.argv[4] + "/w.bin"
        subprocess.check_call(["gdal_translate", "-q", "-of", "ENVI", "-srcwin", str(col - 32),
            str(row - 32), "64", "64", sys.argv[3] + "/" + f + ".tif", out])
        ref = np.fromfile(out, "<u2").reshape(64, 64)
        assert np.array_equal(r["image"][b], ref), (h["poi_id"], f)
print(len(recs), "windows")
PY'
