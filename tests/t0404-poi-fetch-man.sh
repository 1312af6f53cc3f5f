#!/bin/sh
# poi-fetch's manual: lint-clean, and it documents every option -h lists.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1

check 'man/poi-fetch.1 is clean under mandoc -Tlint -Wwarning' 'mandoc -Tlint -Wwarning man/poi-fetch.1'

check 'every long option of poi-fetch -h is in the manual, with the exit statuses 0, 1 and 2' '
	poi-fetch -h | grep -o -- "--[a-z][a-z-]*" | sort -u >"$T/opts" &&
	test "$(wc -l <"$T/opts")" -ge 18 &&
	mandoc -Tascii man/poi-fetch.1 | col -b >"$T/page" &&
	while read -r o; do grep -q -- "$o" "$T/page" || { echo "missing $o"; exit 1; }; done <"$T/opts" &&
	sed -n "/^EXIT STATUS/,/^EXAMPLES/p" "$T/page" | grep -q "^     0" &&
	sed -n "/^EXIT STATUS/,/^EXAMPLES/p" "$T/page" | grep -q "^     1" &&
	sed -n "/^EXIT STATUS/,/^EXAMPLES/p" "$T/page" | grep -q "^     2"'
