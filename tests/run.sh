#!/bin/sh
# Run every test: the C unit tests, then the shell tests tests/t*.sh.
# Each prints TAP-style "ok - ..." / "not ok - ..." lines; this tallies them and ends
# with the line CI reads: "N passed, N failed".  Optional args: name patterns to run.
cd "$(dirname "$0")/.." || exit 2
: "${S2VL_BIN:?set by make check}" "${S2VL_UNIT:?set by make check}"
export S2VL_BIN S2VL_UNIT
# One scratch folder per run, so that runs side by side never share files.
S2VL_TMP=$(pwd)/tests/tmp/run.$$
export S2VL_TMP
rm -rf "$S2VL_TMP" && mkdir -p "$S2VL_TMP"
pass=0 fail=0

want() {	# $1 = test name: run it when no patterns were given or one matches
	[ -z "$PATTERNS" ] && return 0
	for p in $PATTERNS; do case "$1" in *"$p"*) return 0;; esac; done
	return 1
}
PATTERNS="$*"

tally() {	# $1 = name, $2 = exit status, $3 = log
	p=$(grep -c '^ok ' "$3")
	f=$(grep -c '^not ok ' "$3")
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $1: exited $2 outside any check"; f=1
		tail -n 20 "$3" | sed 's/^/# /'
	fi
	grep -E '^(ok|not ok) ' "$3" | sed "s|^ok |ok $1: |; s|^not ok |not ok $1: |"
	grep -A 25 '^not ok ' "$3" | grep '^#' | head -n 60
	pass=$((pass + p)); fail=$((fail + f))
}

for u in "$S2VL_UNIT"/*; do
	[ -f "$u" ] && [ -x "$u" ] || continue
	n=$(basename "$u")
	want "$n" || continue
	log=$S2VL_TMP/$n.log
	"$u" >"$log" 2>&1; tally "$n" $? "$log"
done
for t in tests/t[0-9]*.sh; do
	[ -f "$t" ] || continue
	n=$(basename "$t" .sh)
	want "$n" || continue
	log=$S2VL_TMP/$n.log
	sh "$t" >"$log" 2>&1; tally "$n" $? "$log"
done
echo "$pass passed, $fail failed"
# Keep the scratch of a failing run to look at; drop a passing one.
[ "$fail" -eq 0 ] && rm -rf "$S2VL_TMP"
[ "$fail" -eq 0 ]
