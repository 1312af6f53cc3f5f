#!/bin/sh
# caption on real labels: OSM land use of the Havelland (uint16, nodata 0), cut into
# 224x224 windows with gdal_translate, checked against a numpy/Python flood fill.
. "$(dirname "$0")/lib.sh"

LC=$FIX/sentinel2_l1c_10m_T33UUU_havelland/landcover/osm_landuse_10m.tif

# Eight windows over the 1536x768 raster; raw uint16 little-endian via ENVI.
check 'cut 8 windows with gdal_translate -of ENVI' '
	for y in 0 544; do for x in 0 448 896 1312; do
		gdal_translate -q -of ENVI -srcwin $x $y 224 224 "$LC" "$T/w_${x}_$y.raw" || exit 1
		grep -q "byte order = 0" "$T/w_${x}_$y.hdr" || exit 1
		[ "$(wc -c <"$T/w_${x}_$y.raw")" -eq $((224 * 224 * 2)) ] || exit 1
	done; done'

# Tile records: nodata 0 as in the source (stream a), and 0 mapped to 65535, the
# pipeline's uint16 nodata (stream b).  Both must give the same regions.
cat >"$T/mk.py" <<'EOF'
import json, sys
import numpy as np
T, mapped = sys.argv[1], sys.argv[2] == "mapped"
classes = [{"id": 7201, "name": "forest"}, {"id": 7203, "name": "residential"},
           {"id": 7205, "name": "farm"}, {"id": 7208, "name": "meadow"},
           {"id": 7217, "name": "scrub"}, {"id": 7218, "name": "grass"},
           {"id": 8200, "name": "water"}, {"id": 8221, "name": "wetland"}]
out = sys.stdout.buffer
for y in (0, 544):
    for x in (0, 448, 896, 1312):
        a = np.fromfile("%s/w_%d_%d.raw" % (T, x, y), dtype="<u2").reshape(224, 224)
        nd = 0
        if mapped:
            a = np.where(a == 0, 65535, a).astype("<u2")
            nd = 65535
        rec = {"poi_id": "havel_%d_%d" % (x, y),
               "tile": {"index": 0, "stem": "havel_%d_%d_t0000" % (x, y), "origin": [y, x],
                        "size": 512, "out": 224, "valid_fraction": 1.0},
               "landcover": {"source": "osm", "nodata": nd, "classes": classes},
               "rasters": [{"role": "label", "width": 224, "height": 224, "bands": ["label"],
                            "dtype": "uint16", "nodata": nd, "bytes": a.nbytes}]}
        out.write(json.dumps(rec).encode() + b"\n" + a.tobytes())
EOF
check 'build tile records (nodata 0, and nodata mapped to 65535)' '
	$PY "$T/mk.py" "$T" raw >"$T/a.rec" && $PY "$T/mk.py" "$T" mapped >"$T/b.rec"'

# The oracle: a breadth-first flood fill per pixel, 8 neighbours, in Python; areas,
# inclusive boxes, the threshold and per-class cap, the order, fractions, caption shares.
cat >"$T/oracle.py" <<'EOF'
import json, sys
from collections import deque
import numpy as np

def components(a, nodata):
    h, w = a.shape
    seen = np.zeros(a.shape, bool)
    comps = []
    for y in range(h):
        for x in range(w):
            if seen[y, x] or a[y, x] == nodata:
                continue
            c = a[y, x]
            seen[y, x] = True
            q = deque([(y, x)])
            n, x0, y0, x1, y1 = 0, x, y, x, y
            while q:
                py, px = q.popleft()
                n += 1
                x0, x1, y0, y1 = min(x0, px), max(x1, px), min(y0, py), max(y1, py)
                for dy in (-1, 0, 1):
                    for dx in (-1, 0, 1):
                        ny, nx = py + dy, px + dx
                        if 0 <= ny < h and 0 <= nx < w and not seen[ny, nx] and a[ny, nx] == c:
                            seen[ny, nx] = True
                            q.append((ny, nx))
            comps.append((int(c), n, x0, y0, x1, y1, y * w + x))
    return comps

def expect(a, nodata, min_area, max_per_class):
    comps = components(a, nodata)
    comps.sort(key=lambda t: (-t[1], t[0], t[3], t[2], t[6]))
    kept, per = [], {}
    for c in comps:
        if c[1] < min_area:
            continue
        if max_per_class and per.get(c[0], 0) >= max_per_class:
            continue
        per[c[0]] = per.get(c[0], 0) + 1
        kept.append(c)
    return kept

mode, stream = sys.argv[1], sys.argv[2]
min_area, cap = (1, 0) if mode == "all" else (50 * 224 // 512, 24)
data = open(stream, "rb").read()
pos, nrec, nreg = 0, 0, 0
while pos < len(data):
    nl = data.index(b"\n", pos)
    rec = json.loads(data[pos:nl])
    off = nl + 1
    for ra in rec["rasters"]:
        if ra["role"] == "label":
            break
        off += ra["bytes"]
    a = np.frombuffer(data[off:off + ra["bytes"]], dtype="<u2").reshape(224, 224)
    pos = nl + 1 + sum(r["bytes"] for r in rec["rasters"])
    nd = ra["nodata"]
    want = expect(a, nd, min_area, cap)
    got = [(r["class_id"], r["area_px"], r["bbox"]) for r in rec["regions"]]
    exp = [(c, n, [round(x0 / 224, 4), round(y0 / 224, 4), round((x1 + 1) / 224, 4),
                   round((y1 + 1) / 224, 4)]) for c, n, x0, y0, x1, y1, _ in want]
    if got != exp:
        sys.exit("%s: regions differ: %d got, %d expected; first difference %s" % (
            rec["poi_id"], len(got), len(exp),
            next(((g, e) for g, e in zip(got, exp) if g != e), None)))
    valid = a[a != nd]
    ids, counts = np.unique(valid, return_counts=True)
    fr = {str(int(i)): round(int(k) / valid.size, 4) for i, k in zip(ids, counts)}
    if rec["class_fractions"] != fr:
        sys.exit("%s: fractions %s, expected %s" % (rec["poi_id"], rec["class_fractions"], fr))
    if mode != "all" and want:
        names = {c["id"]: c["name"] for c in rec["landcover"]["classes"]}
        area = {}
        for c in want:
            area[c[0]] = area.get(c[0], 0) + c[1]
        top = sorted(area.items(), key=lambda t: (-t[1], t[0]))[:4]
        parts = ["%s (%s%%)" % (names[c], round(100.0 * n / (224 * 224), 1)) for c, n in top]
        body = parts[0] if len(parts) == 1 else (" and ".join(parts) if len(parts) == 2
                                                 else ", ".join(parts[:-1]) + ", and " + parts[-1])
        if rec["caption"] != "This satellite imagery is dominated by %s." % body:
            sys.exit("%s: caption %r" % (rec["poi_id"], rec["caption"]))
        g = json.loads(rec["rows"][1]["messages"][1]["content"][0]["text"])
        if [r["bbox"] for r in g] != [e[2] for e in exp]:
            sys.exit("%s: ground_all answer differs from the regions" % rec["poi_id"])
    nrec += 1
    nreg += len(got)
print("%d records, %d regions agree" % (nrec, nreg))
EOF

check 'every component (min-area 1, no cap) equals the flood fill: areas, boxes, order' '
	caption --min-area 1 --max-per-class 0 <"$T/a.rec" >"$T/a_all.out" &&
	$PY "$T/oracle.py" all "$T/a_all.out" | tee "$T/all.txt" &&
	[ "$(cut -d" " -f3 "$T/all.txt")" -gt 100 ]'
check 'defaults (min-area 50*224/512 = 21, 24 per class): regions, fractions, caption' '
	caption <"$T/a.rec" >"$T/a.out" &&
	$PY "$T/oracle.py" default "$T/a.out" | tee "$T/def.txt" &&
	[ "$(cut -d" " -f3 "$T/def.txt")" -gt 20 ]'
check 'nodata mapped to 65535 gives the same regions, caption and rows' '
	caption <"$T/b.rec" >"$T/b.out" &&
	$PY "$T/oracle.py" default "$T/b.out" &&
	for f in a b; do
		$PY -c "
import json, sys
d = open(sys.argv[1], \"rb\").read(); p = 0
while p < len(d):
    n = d.index(b\"\\n\", p); r = json.loads(d[p:n]); p = n + 1 + r[\"rasters\"][0][\"bytes\"]
    print(json.dumps([r[\"regions\"], r[\"caption\"], r[\"class_fractions\"], r[\"rows\"]]))
" "$T/$f.out" >"$T/$f.txt" || exit 1
	done && cmp "$T/a.txt" "$T/b.txt"'
check 'deterministic on real data: identical bytes on a second run' '
	caption <"$T/a.rec" | cmp - "$T/a.out"'

# Through tile: the whole 1536x768 label, 512 px windows down to 224, then caption;
# the oracle applies the scaled threshold (21 px) to the label each tile carries.
cat >"$T/full.py" <<'EOF'
import json, sys
import numpy as np
a = np.fromfile(sys.argv[1], dtype="<u2").reshape(768, 1536)
a = np.where(a == 0, 65535, a).astype("<u2")
classes = [{"id": i, "name": n} for i, n in ((7201, "forest"), (7203, "residential"),
           (7205, "farm"), (7208, "meadow"), (7217, "scrub"), (7218, "grass"),
           (8200, "water"), (8221, "wetland"))]
rec = {"poi_id": "havelland",
       "grid": {"crs": "EPSG:32633", "transform": [10, 0, 330000, 0, -10, 5822040],
                "width": 1536, "height": 768},
       "landcover": {"source": "osm", "nodata": 65535, "classes": classes},
       "rasters": [{"role": "label", "width": 1536, "height": 768, "bands": ["label"],
                    "dtype": "uint16", "nodata": 65535, "bytes": a.nbytes}]}
sys.stdout.buffer.write(json.dumps(rec).encode() + b"\n" + a.tobytes())
EOF
check 'tile | caption on the whole raster: every tile agrees with the oracle at 21 px' '
	command -v tile >/dev/null || { echo "tile not built"; exit 1; }
	gdal_translate -q -of ENVI "$LC" "$T/full.raw" &&
	$PY "$T/full.py" "$T/full.raw" >"$T/full.rec" &&
	tile --min-valid-fraction 0.2 <"$T/full.rec" | caption >"$T/tiles.out" &&
	$PY "$T/oracle.py" default "$T/tiles.out" | tee "$T/tiles.txt" &&
	[ "$(cut -d" " -f1 "$T/tiles.txt")" -ge 20 ] &&
	head -n 1 "$T/tiles.out" | jq -e "[.regions[].area_px] | min >= 21 and min < 50" >/dev/null'
