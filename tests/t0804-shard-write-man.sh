#!/bin/sh
# man/shard-write.1: lint-clean mdoc, the sections every page has, and in step with -h.
. "$(dirname "$0")/lib.sh"

M=$TOP/man/shard-write.1
check 'mandoc -Tlint -Wwarning is clean' 'mandoc -Tlint -Wwarning "$M"'
check 'groff -mandoc renders without complaint' '
	! command -v groff >/dev/null ||
	{ groff -mandoc -ww -z "$M" 2>"$T/groff.err"; [ ! -s "$T/groff.err" ]; }'
check 'NAME, SYNOPSIS, DESCRIPTION, OPTIONS, EXIT STATUS with 0/1/2, EXAMPLES, SEE ALSO' '
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"; do
		grep -q "^\.Sh $s\$" "$M" || { echo "missing $s"; exit 1; }
	done &&
	sed -n "/^\.Sh EXIT STATUS/,/^\.Sh/p" "$M" | grep -c "^\.It [012]$" | grep -qx 3'
check 'every long option of shard-write -h is documented' '
	shard-write -h | grep -o -- "--[a-z-]*" | sort -u >"$T/opts" &&
	[ $(wc -l <"$T/opts") -ge 10 ] &&
	while read -r o; do
		grep -qF "Fl \\-${o#--}" "$M" || { echo "undocumented: $o"; exit 1; }
	done <"$T/opts"'
check 'the page says stdout stays empty unless --pass-through' '
	mandoc -Tascii "$M" | col -b | tr -s " \n" "  " |
	    grep -q "standard output stays empty unless --pass-through"'
