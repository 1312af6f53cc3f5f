#!/bin/sh
# poi-fetch --from FILE: CSV, NDJSON, GeoJSON FeatureCollection, GeoJSON-lines and a JSON
# array, detected by content, from a path or stdin.  All hold the same rows as the /rows
# replay (coordinates of the fixture STAC items and scenes, tests/servers/hf_rows.py),
# bad rows included, so every format must give the same POIs.
. "$(dirname "$0")/lib.sh"

$PY - "$TOP/tests/servers" "$FIX" "$T" <<'EOF'
import csv, json, sys
sys.path.insert(0, sys.argv[1])
import hf_rows
rows = hf_rows.build_rows(sys.argv[2], 1050)
t = sys.argv[3]
cols = ["country_iso_alpha2", "latitude", "longitude", "address"]
with open(t + "/rows.csv", "w", newline="") as fp:
    w = csv.writer(fp)
    w.writerow(cols)
    for r in rows:
        w.writerow(["" if r.get(c) is None else r[c] for c in cols])
with open(t + "/rows.ndjson", "w") as fp:
    for r in rows:
        fp.write(json.dumps({c: r[c] for c in cols if c in r}) + "\n")
def num(v):
    try:
        f = float(v)
        return f if f == f and abs(f) != float("inf") else v
    except (TypeError, ValueError):
        return v
with open(t + "/numbers.ndjson", "w") as fp:
    for r in rows:
        fp.write(json.dumps({c: (num(r[c]) if c in ("latitude", "longitude") else r[c])
                             for c in cols if c in r}) + "\n")
feats = []
for r in rows:
    props = {"country_iso_alpha2": r["country_iso_alpha2"], "address": r["address"]}
    if "latitude" in r and "longitude" in r:
        geom = {"type": "Point", "coordinates": [num(r["longitude"]), num(r["latitude"])]}
    else:
        geom = None
    feats.append({"type": "Feature", "geometry": geom, "properties": props})
with open(t + "/rows.geojson", "w") as fp:
    json.dump({"type": "FeatureCollection", "features": feats}, fp, indent=1)
with open(t + "/rows.geojsonl", "w") as fp:
    for f in feats:
        fp.write(json.dumps(f) + "\n")
with open(t + "/rows.json", "w") as fp:
    json.dump([{c: r[c] for c in cols if c in r} for r in rows], fp)
with open(t + "/renamed.csv", "w", newline="") as fp:
    w = csv.writer(fp)
    w.writerow(["land", "breite", "laenge", "adresse"])
    for r in rows[:60]:
        w.writerow(["" if r.get(c) is None else r[c] for c in cols])
EOF

# key FILE.rec: the POIs without the source's file name and format.
key() {
	$PY -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l); s = r["source"]
    print(r["poi_id"], repr(r["lon"]), repr(r["lat"]), s["row_idx"], s.get("country_iso_alpha2"), s.get("address"))
' "$1"
}

SEL="--num-points 10 --min-separation-km 500"
for f in csv ndjson geojson geojsonl json; do
	poi-fetch $SEL --from "$T/rows.$f" >"$T/$f.rec" 2>"$T/$f.err"
	echo $? >"$T/$f.rc"
	key "$T/$f.rec" >"$T/$f.key"
done

check 'CSV: exit 0, 10 POIs, bad rows counted by kind' '
	test "$(cat $T/csv.rc)" -eq 0 && test "$(wc -l <"$T/csv.rec")" -eq 10 &&
	grep -q "skipped 8 of 1050 rows without usable coordinates: 3 missing, 1 non-numeric, 2 non-finite, 2 out of range" "$T/csv.err"'

check 'NDJSON, GeoJSON, GeoJSON-lines and a JSON array give the same POIs as CSV, same counts' '
	for f in ndjson geojson geojsonl json; do
		test "$(cat $T/$f.rc)" -eq 0 || exit 1
		cmp "$T/csv.key" "$T/$f.key" || exit 1
		grep -q "skipped 8 of 1050 rows without usable coordinates: 3 missing, 1 non-numeric, 2 non-finite, 2 out of range" "$T/$f.err" || exit 1
	done'

check 'the format is detected by content and named in source' '
	grep -q "\"format\":\"csv\"" "$T/csv.rec" && grep -q "\"format\":\"ndjson\"" "$T/ndjson.rec" &&
	grep -q "\"format\":\"geojson\"" "$T/geojson.rec" && grep -q "\"format\":\"geojsonl\"" "$T/geojsonl.rec" &&
	grep -q "\"file\":\"$T/rows.csv\"" "$T/csv.rec"'

check 'numbers instead of strings give the same POIs' '
	poi-fetch -q $SEL --from "$T/numbers.ndjson" >"$T/num.rec" && key "$T/num.rec" >"$T/num.key" &&
	cmp "$T/csv.key" "$T/num.key"'

check 'stdin (--from -) is read like a file and named stdin' '
	poi-fetch -q $SEL --from - <"$T/rows.geojsonl" >"$T/in.rec" && key "$T/in.rec" >"$T/in.key" &&
	cmp "$T/csv.key" "$T/in.key" && grep -q "\"file\":\"stdin\"" "$T/in.rec"'

check 'coordinates and ids match the rows: ids from the row number, lon/lat equal to the text' '
	$PY - "$T/csv.rec" "$T/rows.csv" <<EOF
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[2])))
for l in open(sys.argv[1]):
    r = json.loads(l); i = r["source"]["row_idx"]
    assert r["poi_id"] == "poi_%06d" % i
    assert r["lat"] == float(rows[i]["latitude"]) and r["lon"] == float(rows[i]["longitude"])
    assert "latitude" not in r["source"] and r["source"]["address"] == rows[i]["address"]
EOF'

check '--lat-col/--lon-col name other columns; without them no row has coordinates (exit 2)' '
	poi-fetch -q --num-points 0 --min-separation-km 0 --lat-col breite --lon-col laenge \
	    --from "$T/renamed.csv" >"$T/ren.rec" &&
	test "$(wc -l <"$T/ren.rec")" -eq 54 &&
	grep -q "\"land\":\"CH\"" "$T/ren.rec" && ! grep -q "breite" "$T/ren.rec" &&
	fails 2 "poi-fetch --from $T/renamed.csv >$T/ren2.rec 2>$T/ren2.err" &&
	test ! -s "$T/ren2.rec" &&
	grep -q "^poi-fetch: $T/renamed.csv: no rows with usable coordinates (columns tried: latitude... / longitude...)" "$T/ren2.err"'

check 'the first column present decides, as the original: a bad latitude is not rescued by lat' '
	printf "%s\n" "{\"latitude\":\"abc\",\"lat\":\"10\",\"longitude\":\"5\"}" \
	    "{\"lat\":\"-33.9\",\"lon\":18.4}" "{\"y\":\"1.5\",\"x\":\"2.5\"}" >"$T/first.ndjson" &&
	poi-fetch --num-points 0 --min-separation-km 0 --from "$T/first.ndjson" >"$T/first.rec" 2>"$T/first.err" &&
	test "$(wc -l <"$T/first.rec")" -eq 2 &&
	grep -q "skipped 1 of 3 rows without usable coordinates: 0 missing, 1 non-numeric" "$T/first.err" &&
	grep -q "\"lon\":18.4,\"lat\":-33.9" "$T/first.rec" && grep -q "\"lon\":2.5,\"lat\":1.5" "$T/first.rec"'

check '--max-scan applies to files: 100 rows looked at' '
	poi-fetch --max-scan 100 --num-points 0 --min-separation-km 0 --from "$T/rows.csv" \
	    >"$T/ms.rec" 2>"$T/ms.err" &&
	grep -q "skipped 6 of 100 rows" "$T/ms.err" && test "$(wc -l <"$T/ms.rec")" -eq 94'

check 'an unterminated CSV quote: exit 2 naming the line, nothing on stdout' '
	printf "lat,lon,name\n1,2,a\n3,4,\"open\n5,6,b\n" >"$T/bad.csv" &&
	fails 2 "poi-fetch --from $T/bad.csv >$T/bq.rec 2>$T/bq.err" && test ! -s "$T/bq.rec" &&
	grep -q "^poi-fetch: $T/bad.csv:3: unterminated quoted CSV field" "$T/bq.err"'

check 'a line of NDJSON that is not JSON: exit 2 naming the line' '
	printf "%s\n" "{\"lat\":1,\"lon\":2}" "" "{\"lat\":1,\"lon\":" >"$T/bad.ndjson" &&
	fails 2 "poi-fetch --from $T/bad.ndjson >$T/bn.rec 2>$T/bn.err" && test ! -s "$T/bn.rec" &&
	grep -q "^poi-fetch: $T/bad.ndjson:3: not JSON: " "$T/bn.err"'

check 'a FeatureCollection without features, a missing file, an empty file: exit 2 with messages' '
	echo "{\"type\":\"FeatureCollection\"}" >"$T/nofeat.geojson" &&
	fails 2 "poi-fetch --from $T/nofeat.geojson 2>$T/nf.err" &&
	grep -q "^poi-fetch: $T/nofeat.geojson: FeatureCollection without a features array" "$T/nf.err" &&
	fails 2 "poi-fetch --from $T/absent.csv 2>$T/ab.err" &&
	grep -q "^poi-fetch: $T/absent.csv: No such file or directory" "$T/ab.err" &&
	: >"$T/empty.csv" && fails 2 "poi-fetch --from $T/empty.csv 2>$T/em.err" &&
	grep -q "^poi-fetch: $T/empty.csv: empty file, no CSV header" "$T/em.err"'

check 'GeoJSON: a non-point geometry is skipped as missing, feature ids and properties kept' '
	cat >"$T/mixed.geojson" <<EOF &&
{"type":"FeatureCollection","features":[
 {"type":"Feature","id":"havelland","geometry":{"type":"Point","coordinates":[12.6092116,52.4897054]},"properties":{"name":"T33UUU"}},
 {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[15.0,45.06],[16.44,45.06],[16.44,46.95],[15.0,45.06]]]},"properties":{}},
 {"type":"Feature","geometry":{"type":"Point","coordinates":[-77.7577864,24.5569749]},"properties":{"name":"Bahamas"}}]}
EOF
	poi-fetch --num-points 0 --min-separation-km 0 --from "$T/mixed.geojson" >"$T/mx.rec" 2>"$T/mx.err" &&
	test "$(wc -l <"$T/mx.rec")" -eq 2 &&
	grep -q "skipped 1 of 3 rows without usable coordinates: 1 missing" "$T/mx.err" &&
	grep -q "\"poi_id\":\"poi_000000\".*\"id\":\"havelland\"" "$T/mx.rec" &&
	grep -q "\"poi_id\":\"poi_000002\".*\"name\":\"Bahamas\"" "$T/mx.rec"'
