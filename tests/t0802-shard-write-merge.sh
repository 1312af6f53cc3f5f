#!/bin/sh
# shard-write --merge: folders of parallel runs combined, re-sharded, paths
# rewritten, no duplicates, card recomputed.
. "$(dirname "$0")/lib.sh"

H() { $PY "$TOP/tests/t0800-shard.py" "$@"; }
sums() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs sha256sum); }

H mkstream "$FIX" "$T/in.rec" --pois 24 --stills || echo "not ok - build the input stream"
W="--write-bbox-overlays --write-masks"
H split "$T/in.rec" 31 "$T/a.rec" "$T/b.rec"

check 'one run over the whole stream, and one per half' '
	shard-write -q -o "$T/all" $W --max-files-per-dir 9 <"$T/in.rec" &&
	shard-write -q -o "$T/a" $W --max-files-per-dir 9 <"$T/a.rec" &&
	shard-write -q -o "$T/b" $W --max-files-per-dir 9 <"$T/b.rec"'
check 'merging the halves gives the folder of the single run, byte for byte' '
	shard-write -o "$T/m" --max-files-per-dir 9 --merge "$T/a" "$T/b" 2>"$T/err" &&
	grep -q "a: [1-9][0-9]* items merged" "$T/err" &&
	sums "$T/all" >"$T/all.sum" && sums "$T/m" >"$T/m.sum" && cmp "$T/all.sum" "$T/m.sum"'
check 'merging a folder twice adds nothing the second time (same stem = one copy)' '
	shard-write -o "$T/m2" --max-files-per-dir 9 --merge "$T/a" "$T/b" "$T/a" "$T/all" \
	    2>"$T/err" &&
	grep -q "/a: 0 items merged" "$T/err" && grep -q "/all: 0 items merged" "$T/err" &&
	sums "$T/m2" >"$T/m2.sum" && cmp "$T/all.sum" "$T/m2.sum"'
check 'merging into a folder that holds the first half already' '
	rm -rf "$T/m3" && cp -a "$T/a" "$T/m3" &&
	shard-write -q -o "$T/m3" --merge "$T/b" &&
	sums "$T/m3" >"$T/m3.sum" && cmp "$T/all.sum" "$T/m3.sum"'

# Parts by base POI, as poi-fetch --part would make them, written with a large
# shard limit and merged with a small one: re-sharded, paths rewritten.
H split "$T/in.rec" 0 "$T/even.rec" "$T/odd.rec" base-even
check 'parts by base POI merged with a smaller shard limit: every check holds' '
	shard-write -q -o "$T/p1" $W <"$T/odd.rec" &&
	shard-write -q -o "$T/p2" $W <"$T/even.rec" &&
	shard-write -q -o "$T/pm" --max-files-per-dir 7 --merge "$T/p1" "$T/p2" &&
	H check jsonl "$T/pm" && H check files "$T/pm" && H check leaf "$T/pm" --max 7 &&
	H check splits "$T/pm" && H check sidecar "$T/pm" && H check card "$T/pm" &&
	H check pixels "$T/pm" "$T/in.rec" && H check masks "$T/pm" "$T/in.rec" &&
	H check overlays "$T/pm" && [ -d "$T/pm/images/s00005" ]'
check 'the merged folder holds each stem once, the same set as the single run' '
	(cd "$T/pm" && find images mapbox_stills -name "*.png" -exec basename {} \; | sort) >"$T/pm.ls" &&
	(cd "$T/all" && find images mapbox_stills -name "*.png" -exec basename {} \; | sort) >"$T/all.ls" &&
	cmp "$T/pm.ls" "$T/all.ls" && [ -z "$(uniq -d "$T/pm.ls")" ] &&
	[ $(cat "$T"/pm/data/*.jsonl | wc -l) -eq $(cat "$T"/all/data/*.jsonl | wc -l) ]'
check 'merged rows point at the new shards, not the sources'"'"' ones' '
	grep -q "images/s00006/" "$T"/pm/data/*.jsonl &&
	H check files "$T/pm" | grep -q "files decoded"'

# A merge killed -9 at a random moment (until one is really cut, 15 tries).
t0=$(date +%s%3N)
shard-write -q -o "$T/mt" --max-files-per-dir 9 --merge "$T/a" "$T/b"
took=$(( $(date +%s%3N) - t0 ))
tries=0
while [ $tries -lt 15 ]; do
	tries=$((tries + 1))
	rm -rf "$T/mk"
	d=$($PY -c "import random; print('%.3f' % (random.uniform(0.05, 0.7) * $took / 1000))")
	shard-write -q -o "$T/mk" --max-files-per-dir 9 --merge "$T/a" "$T/b" &
	p=$!
	sleep "$d"
	kill -9 $p 2>/dev/null
	wait $p 2>/dev/null
	[ -e "$T/mk/.shard-write/running" ] && break
done
check "a merge killed after ${d}s finishes with --resume, byte-identical" '
	[ -e "$T/mk/.shard-write/running" ] &&
	shard-write -q -o "$T/mk" --max-files-per-dir 9 --resume --merge "$T/a" "$T/b" &&
	sums "$T/mk" >"$T/mk.sum" && cmp "$T/all.sum" "$T/mk.sum"'

rm -rf "$T/broken" && cp -a "$T/a" "$T/broken" && : >"$T/broken/.shard-write/running"
check 'a source whose run was interrupted is refused: exit 2' '
	fails 2 "shard-write -o \"$T/m4\" --merge \"$T/broken\" 2>\"$T/err\"" &&
	grep -q "broken: its last run was interrupted; finish it with shard-write --resume" "$T/err"'
check 'a source that is not a shard-write folder: exit 2' '
	mkdir -p "$T/plain" &&
	fails 2 "shard-write -o \"$T/m5\" --merge \"$T/plain\" 2>\"$T/err\"" &&
	grep -q "plain: no .shard-write/journal: not a folder written by shard-write" "$T/err"'
check 'a missing source: exit 2' '
	fails 2 "shard-write -o \"$T/m6\" --merge \"$T/nope\" 2>\"$T/err\"" &&
	grep -q "nope: No such file or directory" "$T/err"'
check 'merging a folder into itself: exit 2' '
	fails 2 "shard-write -o \"$T/a\" --merge \"$T/a\" 2>\"$T/err\"" &&
	grep -q "is the output folder" "$T/err"'
check 'a source file gone missing: exit 2 naming it' '
	rm -rf "$T/gone" && cp -a "$T/b" "$T/gone" && rm "$T/gone/images/s00000/"*_t0000.png &&
	fails 2 "shard-write -o \"$T/m7\" --merge \"$T/gone\" 2>\"$T/err\"" &&
	grep -q "gone/images/s00000/.*_t0000.png: No such file or directory" "$T/err"'
check 'a source split shorter than its journal says: exit 2' '
	rm -rf "$T/short" && cp -a "$T/b" "$T/short" && truncate -s -300 "$T/short/data/train.jsonl" &&
	fails 2 "shard-write -o \"$T/m9\" --merge \"$T/short\" 2>\"$T/err\"" &&
	grep -q "short/data/train.jsonl: shorter than its journal says" "$T/err"'
check 'a source journal line that is damaged: exit 2' '
	rm -rf "$T/dam" && cp -a "$T/b" "$T/dam" && sed -i "4s/.*/{oops/" "$T/dam/.shard-write/journal" &&
	fails 2 "shard-write -o \"$T/m10\" --merge \"$T/dam\" 2>\"$T/err\"" &&
	grep -q "dam/.shard-write/journal: line 4 is damaged" "$T/err"'
check '--merge without folders, or with --write-masks: usage, exit 2' '
	fails 2 "shard-write -o \"$T/m8\" --merge 2>\"$T/err\"" &&
	grep -q "name the folders to merge" "$T/err" &&
	fails 2 "shard-write -o \"$T/m8\" --merge --write-masks \"$T/a\" 2>\"$T/err\"" &&
	grep -q "do not apply" "$T/err"'
