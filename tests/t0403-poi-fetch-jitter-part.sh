#!/bin/sh
# poi-fetch jitter variants (uniform in a disk, seeded per base id) and --part K/N
# (disjoint, complete, by SHA-256 of the base id); option errors.
. "$(dirname "$0")/lib.sh"

hf_rows_csv "$T/rows.csv"

# jitter.py FILE N M: every base is followed by its N variants {base}_g001.., each within
# M metres of its base (haversine, R = 6371 km; the tangent plane uses 111320 m per
# degree, i.e. R = 6378.1 km, hence 0.2 % slack), lon/lat on the globe; prints the mean
# of (d/M)^2, 0.5 for points uniform in the disk.
cat >"$T/jitter.py" <<'EOF'
import json, math, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
n, m = int(sys.argv[2]), float(sys.argv[3])
def hav_m(a, b):
    lon1, lat1, lon2, lat2 = map(math.radians, (a["lon"], a["lat"], b["lon"], b["lat"]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371000.0 * math.asin(min(1.0, math.sqrt(h)))
assert len(recs) % (n + 1) == 0 and recs, len(recs)
s, cnt = 0.0, 0
for i in range(0, len(recs), n + 1):
    base = recs[i]
    assert base["poi_id"] == base["base_poi_id"] and "jitter" not in base, base
    for j in range(1, n + 1):
        v = recs[i + j]
        assert v["poi_id"] == "%s_g%03d" % (base["poi_id"], j), v["poi_id"]
        assert v["base_poi_id"] == base["poi_id"] and v["source"] == base["source"]
        assert v["jitter"]["index"] == j
        assert -180 <= v["lon"] <= 180 and -90 <= v["lat"] <= 90, v
        d = hav_m(base, v)
        e = math.hypot(v["jitter"]["east_m"], v["jitter"]["north_m"])
        assert d <= m * 1.002 + 1e-6 and e <= m * (1 + 1e-12), (v["poi_id"], d, e)
        if m > 0:
            s += (e / m) ** 2
        cnt += 1
print("%.3f" % (s / cnt if m > 0 else 0.5))
EOF

check '--jitter 5 --jitter-max-m 500: variants after each base, all within 500 m, uniform in the disk' '
	poi-fetch -q --max-scan 200 --num-points 0 --min-separation-km 0 --jitter 5 --jitter-max-m 500 \
	    --from "$T/rows.csv" >"$T/j.rec" &&
	test "$(wc -l <"$T/j.rec")" -eq $((193 * 6)) &&
	mean=$($PY "$T/jitter.py" "$T/j.rec" 5 500) &&
	$PY -c "import sys; m = float(sys.argv[1]); sys.exit(0 if 0.45 < m < 0.55 else 1)" "$mean"'

check 'default selection with --jitter 2 (the original'"'"'s default count) and 2000 m' '
	poi-fetch -q --jitter 2 --jitter-max-m 2000 --from "$T/rows.csv" >"$T/d.rec" &&
	$PY "$T/jitter.py" "$T/d.rec" 2 2000 >/dev/null'

# variants FILE: "id lon lat" of the variants only.
variants() { grep "_g0" "$1" | $PY -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l); print(r["poi_id"], repr(r["lon"]), repr(r["lat"]))' | sort; }

check 'a variant does not change when the selection or the variant count changes' '
	poi-fetch -q --num-points 5 --min-separation-km 2200 --jitter 1 --from "$T/rows.csv" >"$T/s5.rec" &&
	poi-fetch -q --num-points 0 --min-separation-km 0 --jitter 3 --from "$T/rows.csv" >"$T/all.rec" &&
	variants "$T/s5.rec" >"$T/v5" && variants "$T/all.rec" >"$T/vall" &&
	test "$(wc -l <"$T/v5")" -eq 5 && comm -23 "$T/v5" "$T/vall" | wc -l | grep -qx 0'

check 'another --seed moves the variants, not the bases' '
	poi-fetch -q --num-points 0 --min-separation-km 0 --max-scan 50 --jitter 1 --from "$T/rows.csv" >"$T/s42.rec" &&
	poi-fetch -q --num-points 0 --min-separation-km 0 --max-scan 50 --jitter 1 --seed 9 --from "$T/rows.csv" >"$T/s9.rec" &&
	variants "$T/s42.rec" >"$T/v42" && variants "$T/s9.rec" >"$T/v9" &&
	test "$(comm -12 "$T/v42" "$T/v9" | wc -l)" -eq 0 &&
	test "$(grep -v _g0 "$T/s42.rec" | sort | md5sum)" = "$(grep -v _g0 "$T/s9.rec" | sort | md5sum)"'

check '--jitter-max-m 0: variants sit on their base' '
	poi-fetch -q --num-points 3 --jitter 2 --jitter-max-m 0 --from "$T/rows.csv" >"$T/z.rec" &&
	$PY "$T/jitter.py" "$T/z.rec" 2 0 >/dev/null'

check 'near the antimeridian and the poles the variants stay on the globe, within the radius' '
	printf "lat,lon\n0.0001,179.99999\n-0.5,-179.99999\n89.99,10\n-89.99,-170\n" >"$T/edge.csv" &&
	poi-fetch -q --num-points 0 --min-separation-km 0 --jitter 20 --jitter-max-m 5000 \
	    --from "$T/edge.csv" >"$T/edge.rec" &&
	$PY "$T/jitter.py" "$T/edge.rec" 20 5000 >/dev/null'

# Parts: the default selection with variants, split three ways.
poi-fetch -q --num-points 0 --min-separation-km 0 --max-scan 300 --jitter 2 --from "$T/rows.csv" >"$T/whole.rec"
for k in 1 2 3; do
	poi-fetch -q --num-points 0 --min-separation-km 0 --max-scan 300 --jitter 2 --part $k/3 \
	    --from "$T/rows.csv" >"$T/part$k.rec"
done

check '--part K/3: disjoint, together exactly the whole output, each part non-empty' '
	for k in 1 2 3; do test -s "$T/part$k.rec" || exit 1; done &&
	test "$(cat "$T"/part?.rec | sort | uniq -d | wc -l)" -eq 0 &&
	cat "$T"/part?.rec | sort >"$T/union" && sort "$T/whole.rec" >"$T/wsorted" &&
	cmp "$T/union" "$T/wsorted"'

check '--part: part = first 16 hex digits of SHA-256(base_poi_id) mod N; variants go with their base' '
	$PY - "$T" <<EOF
import hashlib, json, sys
t = sys.argv[1]
for k in (1, 2, 3):
    for l in open("%s/part%d.rec" % (t, k)):
        r = json.loads(l)
        h = int(hashlib.sha256(r["base_poi_id"].encode()).hexdigest()[:16], 16)
        assert h % 3 == k - 1, (k, r["poi_id"])
EOF'

check '--part 1/1 keeps everything' '
	poi-fetch -q --num-points 0 --min-separation-km 0 --max-scan 300 --jitter 2 --part 1/1 \
	    --from "$T/rows.csv" | cmp - "$T/whole.rec"'

for bad in "--part 0/3:--part: expected K/N with 1 <= K <= N, got '0/3'" \
	   "--part 4/3:--part: expected K/N with 1 <= K <= N, got '4/3'" \
	   "--part 1/0:--part: expected K/N with 1 <= K <= N, got '1/0'" \
	   "--part a/b:--part: expected K/N with 1 <= K <= N, got 'a/b'" \
	   "--part 2:--part: expected K/N with 1 <= K <= N, got '2'" \
	   "--jitter -1:--jitter: expected 0..999 variants, got '-1'" \
	   "--jitter-max-m x:--jitter-max-m: expected 0..1000000 metres, got 'x'" \
	   "--num-points -3:--num-points: expected a count >= 0, got '-3'" \
	   "--max-scan 1e3:--max-scan: expected a count >= 0, got '1e3'" \
	   "--seed abc:--seed: expected an integer >= 0, got 'abc'" \
	   "--min-separation-km -5:--min-separation-km: expected 0..20016 km, got '-5'" \
	   "--lat-col ,:--lat-col: expected column names, got ','" \
	   "stray:unexpected operand 'stray'"; do
	opt=${bad%%:*}; msg=${bad#*:}
	check "bad option $opt: exit 2 and a message" "
		fails 2 \"poi-fetch $opt --from $T/rows.csv >$T/o.rec 2>$T/o.err\" &&
		test ! -s $T/o.rec && grep -qF \"poi-fetch: $msg\" $T/o.err"
done

check '-h prints the synopsis and exits 0; --version names the tool' '
	poi-fetch -h >"$T/h.out" && grep -q "^usage: poi-fetch " "$T/h.out" &&
	grep -q -- "--jitter-max-m" "$T/h.out" &&
	poi-fetch --version | grep -q "^poi-fetch (s2vl) "'

check 'standard output not writable: exit 2 and a message' '
	fails 2 "poi-fetch -q --from $T/rows.csv >/dev/full 2>$T/full.err" &&
	grep -q "^poi-fetch: stdout: .*No space left on device" "$T/full.err"'
