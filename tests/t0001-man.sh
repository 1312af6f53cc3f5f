#!/bin/sh
# Every tool has a man page, and every page is clean under mandoc -Tlint -Wwarning.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1
for src in tools/*.c; do
	name=$(basename "$src" .c)
	check "man page for $name exists" "test -f man/$name.1"
done
for page in man/*.[1-9]; do
	check "$page is lint-clean" "mandoc -Tlint -Wwarning $page"
	check "$page renders without groff warnings" \
	    "[ -z \"\$(groff -mandoc -ww -z $page 2>&1)\" ] || ! command -v groff >/dev/null"
done
