#!/bin/sh
# Every tool has a man page in step with its -h, with the sections every page has, and
# every page is clean under mandoc -Tlint -Wwarning and groff.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1
for src in tools/*.c; do
	name=$(basename "$src" .c)
	M=man/$name.1
	check "man page for $name exists" "test -f $M"
	check "$M: NAME, SYNOPSIS, DESCRIPTION, OPTIONS, EXIT STATUS with 0/1/2, EXAMPLES, SEE ALSO" '
	    for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"; do
		grep -q "^\.Sh $s\$" '"$M"' || { echo "missing $s"; exit 1; }
	    done &&
	    sed -n "/^\.Sh EXIT STATUS/,/^\.Sh/p" '"$M"' | grep -c "^\.It [012]$" | grep -qx 3'
	check "$M documents every long option of $name -h" '
	    mandoc -Tascii '"$M"' | col -b > "$T/'"$name"'.page" &&
	    '"$name"' -h | grep -o -- "--[a-z][a-z-]*" | sort -u > "$T/'"$name"'.opts" &&
	    [ -s "$T/'"$name"'.opts" ] &&
	    while read -r o; do
		grep -q -- "$o" "$T/'"$name"'.page" || { echo "undocumented: $o"; exit 1; }
	    done < "$T/'"$name"'.opts"'
done
for page in man/*.[1-9]; do
	check "$page is lint-clean" "mandoc -Tlint -Wwarning $page"
	check "$page renders without groff warnings" \
	    "[ -z \"\$(groff -mandoc -ww -z $page 2>&1)\" ] || ! command -v groff >/dev/null"
done
