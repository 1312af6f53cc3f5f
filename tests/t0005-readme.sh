#!/bin/sh
# The README's two commands are what CI runs: its set-up line installs the very
# packages .ci/run installs, and its test command is the one .ci/run ends with.
. "$(dirname "$0")/lib.sh"

# The words after "apt-get install" up to "&&", options dropped, one per line, sorted.
packages() {
	tr '\n' ' ' | sed 's/\\ / /g' | sed -n 's/.*apt-get install \([^&]*\).*/\1/p' |
	    tr -s ' \t' '\n\n' | grep -v '^-\|^$' | sort
}

check 'the README set-up line installs exactly what .ci/run installs' '
	grep "^    .*apt-get install" "$TOP/README.md" | packages >"$T/readme" &&
	sed -n "/apt-get install/,/>\/dev\/null/p" "$TOP/.ci/run" | sed "s/>\/dev\/null//" | packages >"$T/ci" &&
	[ -s "$T/readme" ] && diff "$T/readme" "$T/ci"'

check 'the set-up line works without sudo (a root shell in a fresh container)' '
	line=$(grep "^    .*apt-get install" "$TOP/README.md") &&
	case $line in *"S=\$(command -v sudo); \$S apt-get update && \$S apt-get install"*) ;; *) exit 1;; esac'

check 'the README test command is the one .ci/run runs' '
	grep -q "^    make check$" "$TOP/README.md" && [ "$(tail -n 1 "$TOP/.ci/run")" = "make check" ]'
