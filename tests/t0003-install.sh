#!/bin/sh
# make install puts every tool and every man page where man(1) and the shell find them.
. "$(dirname "$0")/lib.sh"
check 'make install PREFIX=... installs the tools and man pages' '
    make -s -C "$TOP" install PREFIX="$T/inst" BINDIR="$S2VL_BIN" BUILD="$(dirname "$S2VL_UNIT")" > "$T/install.log" 2>&1 &&
    for src in "$TOP"/tools/*.c; do n=$(basename "$src" .c);
        test -x "$T/inst/bin/$n" && test -f "$T/inst/share/man/man1/$n.1" || { echo "missing $n"; exit 1; }; done &&
    test -f "$T/inst/share/man/man5/s2vl-stream.5" &&
    "$T/inst/bin/tile" --version | grep -q "^tile (s2vl)"'
