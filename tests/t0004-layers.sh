#!/bin/sh
# The library's units form floors, not loops (issue 9): no unit of lib/ includes,
# directly or through others, a header of a unit that includes it back.  A unit is
# lib/NAME.h with lib/NAME.c; a file without its pair (a private header such as
# cog_int.h, or cog_read.c) is part of the first unit it includes.
. "$(dirname "$0")/lib.sh"

check 'no include cycle between the units of lib/' '
	$PY - "$TOP/lib" <<"PY"
import os, re, sys
lib = sys.argv[1]
files = sorted(f for f in os.listdir(lib) if f.endswith((".c", ".h")))
names = {f for f in files}
def includes(f):
    return [m.group(1) for m in (re.match(r"\s*#\s*include\s+\"([^\"]+)\.h\"", l)
            for l in open(os.path.join(lib, f), encoding="utf-8")) if m]
def unit_of(name):		# name without extension
    paired = name + ".c" in names and name + ".h" in names
    own = includes(name + (".h" if name + ".h" in names else ".c"))
    return name if paired or not own else unit_of(own[0])
deps = {}
for f in files:
    unit = unit_of(f[:-2])
    for i in includes(f):
        if unit_of(i) != unit:
            deps.setdefault(unit, set()).add(unit_of(i))
# Depth-first search; a grey node met again closes a cycle.
state, path = {}, []
def visit(u):
    state[u] = "grey"; path.append(u)
    for v in sorted(deps.get(u, ())):
        if state.get(v) == "grey":
            sys.exit("include cycle: " + " -> ".join(path[path.index(v):] + [v]))
        if v not in state:
            visit(v)
    state[u] = "black"; path.pop()
for u in sorted(deps):
    if u not in state:
        visit(u)
PY'

check 'the stream and raster floor knows no file format: rec and raster include no other unit' '
	! grep -n "#include \"" "$TOP/lib/rec.c" "$TOP/lib/rec.h" "$TOP/lib/raster.c" "$TOP/lib/raster.h" |
	    grep -v "\"rec.h\"\|\"raster.h\"\|\"errbuf.h\""'
