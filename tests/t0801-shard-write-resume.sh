#!/bin/sh
# shard-write crash safety: kill -9 at random points, then --resume, must end
# byte-identical to an uninterrupted run; torn rows and journal lines are
# dropped; a damaged or busy folder is refused.
. "$(dirname "$0")/lib.sh"

H() { $PY "$TOP/tests/t0800-shard.py" "$@"; }
sums() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs sha256sum); }
ms() { date +%s%3N; }

H mkstream "$FIX" "$T/in.rec" --pois 40 --stills || echo "not ok - build the input stream"
W="--write-bbox-overlays --write-masks --max-files-per-dir 50"

t0=$(ms)
check 'an uninterrupted reference run' '
	shard-write -q -o "$T/ref" $W <"$T/in.rec" && sums "$T/ref" >"$T/ref.sum" &&
	[ $(wc -l <"$T/ref.sum") -gt 1000 ]'
took=$(( $(ms) - t0 ))

# kill -9 at a random moment of the run, resume, compare: five runs that were
# really cut (a kill that came after the end does not count), 15 tries at most.
killed=0 tries=0
while [ $killed -lt 5 ] && [ $tries -lt 15 ]; do
	tries=$((tries + 1))
	rm -rf "$T/k"
	d=$($PY -c "import random; print('%.3f' % (random.uniform(0.03, 0.7) * $took / 1000))")
	shard-write -q -o "$T/k" $W <"$T/in.rec" &
	p=$!
	sleep "$d"
	kill -9 $p 2>/dev/null
	wait $p 2>/dev/null
	[ -e "$T/k/.shard-write/running" ] || continue
	killed=$((killed + 1))
	rows=$(cat "$T"/k/data/*.jsonl 2>/dev/null | wc -l)
	check "kill -9 after ${d}s ($rows rows in), --resume: byte-identical to an uninterrupted run" '
		shard-write -o "$T/k" $W --resume <"$T/in.rec" 2>"$T/k.err" &&
		sums "$T/k" >"$T/k.sum" && cmp "$T/ref.sum" "$T/k.sum" &&
		[ ! -e "$T/k/.shard-write/running" ] && [ ! -e "$T/k/.shard-write/tmp" ]'
done
check "5 runs killed mid-way ($killed in $tries tries)" '[ $killed -eq 5 ]'

check '--sync (fsync of every file, folder, split and journal line) writes the same folder' '
	shard-write -q -o "$T/sync" $W --sync <"$T/in.rec" &&
	sums "$T/sync" >"$T/sync.sum" && cmp "$T/ref.sum" "$T/sync.sum"'

# A write that fails half-way (file size limit, like a full disk): exit 2, then resume.
limited() { ( trap "" XFSZ; ulimit -f 40; exec shard-write "$@" ); }
check 'a write failing half-way (ulimit -f): exit 2 naming the file, the run left to resume' '
	rm -rf "$T/fz" &&
	fails 2 "limited -o \"$T/fz\" $W <\"$T/in.rec\" 2>\"$T/fz.err\"" &&
	grep -q "^shard-write: $T/fz/.*: File too large$" "$T/fz.err" &&
	[ -e "$T/fz/.shard-write/running" ]'
check '--resume after it: byte-identical to the uninterrupted run' '
	shard-write -o "$T/fz" $W --resume <"$T/in.rec" 2>"$T/fz.err" &&
	sums "$T/fz" >"$T/fz.sum" && cmp "$T/ref.sum" "$T/fz.sum"'

# Torn writes, made by hand: half a row, whole rows never committed, half a journal line.
rm -rf "$T/t" && cp -a "$T/ref" "$T/t"
printf '{"messages":[{"role":"us' >>"$T/t/data/train.jsonl"
head -n 2 "$T/ref/data/validation.jsonl" >>"$T/t/data/validation.jsonl"
printf '{"k":"tile","id":"poi_000099_t00' >>"$T/t/.shard-write/journal"
: >"$T/t/.shard-write/running"
check 'an interrupted folder is refused without --resume (exit 2)' '
	fails 2 "shard-write -o \"$T/t\" $W <\"$T/in.rec\" 2>\"$T/err\"" &&
	grep -q "an earlier run was interrupted; rerun with --resume" "$T/err"'
check '--resume drops the torn row, the uncommitted rows and the torn journal line' '
	shard-write -o "$T/t" $W --resume <"$T/in.rec" 2>"$T/err" &&
	grep -q "journal: dropped a torn last line" "$T/err" &&
	grep -q "train.jsonl: dropped 24 bytes of rows not committed" "$T/err" &&
	grep -q "validation.jsonl: dropped [0-9]* bytes" "$T/err" &&
	sums "$T/t" >"$T/t.sum" && cmp "$T/ref.sum" "$T/t.sum"'

rm -rf "$T/x" && cp -a "$T/ref" "$T/x"
truncate -s -5 "$T/x/data/train.jsonl"
check 'a split shorter than its journal says: exit 2, changed outside shard-write' '
	fails 2 "shard-write -o \"$T/x\" <\"$T/in.rec\" 2>\"$T/err\"" &&
	grep -q "train.jsonl: .* were committed: changed outside shard-write" "$T/err"'
rm -rf "$T/x" && cp -a "$T/ref" "$T/x"
echo '{"messages":[]}' >>"$T/x/data/test.jsonl"
check 'rows after the last commit in a finished folder: exit 2, even with --resume' '
	fails 2 "shard-write -o \"$T/x\" --resume <\"$T/in.rec\" 2>\"$T/err\"" &&
	grep -q "test.jsonl: 16 bytes after the last commit: changed outside" "$T/err"'
check 'another --max-files-per-dir than the folder was written with: exit 2' '
	fails 2 "shard-write -o \"$T/ref\" --max-files-per-dir 7 </dev/null 2>\"$T/err\"" &&
	grep -q "written with --max-files-per-dir 50, not 7" "$T/err"'
check 'a folder with splits but no journal is not ours: exit 2' '
	mkdir -p "$T/y/data" && echo "{}" >"$T/y/data/train.jsonl" &&
	fails 2 "shard-write -o \"$T/y\" </dev/null 2>\"$T/err\"" &&
	grep -q "has data/train.jsonl but no .shard-write/journal" "$T/err"'

rm -rf "$T/j" && cp -a "$T/ref" "$T/j" && sed -i "3s/.*/garbage/" "$T/j/.shard-write/journal"
check 'a journal line that is not JSON: exit 2, the journal is damaged' '
	fails 2 "shard-write -o \"$T/j\" </dev/null 2>\"$T/err\"" &&
	grep -q "journal: line 3 is not JSON: the journal is damaged" "$T/err"'
rm -rf "$T/j" && cp -a "$T/ref" "$T/j" && sed -i "1d" "$T/j/.shard-write/journal"
check 'a journal without its header line: exit 2' '
	fails 2 "shard-write -o \"$T/j\" </dev/null 2>\"$T/err\"" &&
	grep -q "journal: no header line: not a shard-write journal" "$T/err"'
rm -rf "$T/j" && cp -a "$T/ref" "$T/j" && : >"$T/j/.shard-write/journal"
check 'an empty journal: exit 2' '
	fails 2 "shard-write -o \"$T/j\" </dev/null 2>\"$T/err\"" &&
	grep -q "journal: empty journal" "$T/err"'
rm -rf "$T/j" && cp -a "$T/ref" "$T/j" && sed -i "10s/\"split\":\"[a-z]*\"/\"split\":\"dev\"/" "$T/j/.shard-write/journal"
check 'a journal line with an unknown split: exit 2 naming the line' '
	fails 2 "shard-write -o \"$T/j\" </dev/null 2>\"$T/err\"" &&
	grep -q "journal: line 10: tile line lacks id, poi, base, split, rows or end" "$T/err"'

# Two writers: the first waits on a fifo, holding the folder.
mkfifo "$T/fifo"
shard-write -q -o "$T/busy" <"$T/fifo" &
p=$!
exec 3>"$T/fifo"
check 'a second writer on a busy folder: exit 2, in use' '
	sleep 0.3 &&
	fails 2 "shard-write -o \"$T/busy\" </dev/null 2>\"$T/err\"" &&
	grep -q "busy: in use by another shard-write" "$T/err"'
exec 3>&-
wait $p
check 'the first writer finishes normally once its input ends' '
	[ -s "$T/busy/README.md" ] && [ ! -e "$T/busy/.shard-write/running" ]'
