#!/bin/sh
# bench/cog-read.sh - cog-read against GDAL and whole-file downloads on a
# Sentinel-2-sized COG served by nginx on 127.0.0.1, without and with 50 ms
# of latency per response (bench/latency-proxy.py).  Prints one table per
# latency and the issue-3 target checks; see bench/README.md.
#
#   bench/cog-read.sh            (BENCH_POIS=200 BENCH_WHOLE=40 by default)
#
# The COG (bench/tmp/s2.tif, about 210 MB) is built once by bench/mkcog.py
# from the real 10 m fixture bands and kept for reruns.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
FIX=${S2VL_FIXTURES:-$TOP/../shared/fixtures}
WORK=$TOP/bench/tmp
PY=/usr/bin/python3	# Debian's, with numpy and GDAL's osgeo
mkdir -p "$WORK"
[ -x /usr/bin/time ] || { echo "cog-read.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
for t in nginx curl gdal_translate; do
	command -v $t >/dev/null || { echo "cog-read.sh: $t missing" >&2; exit 1; }
done
(cd "$TOP" && make -s -j2 bin/cog-read) >&2 || exit 1
if [ ! -s "$WORK/s2.tif" ] || [ "$TOP/bench/mkcog.py" -nt "$WORK/s2.tif" ]; then
	echo "building $WORK/s2.tif from $FIX (once)" >&2
	$PY "$TOP/bench/mkcog.py" "$FIX" "$WORK/s2.tif"
fi
exec $PY "$TOP/bench/run.py" "$TOP" "$WORK" "$WORK/s2.tif"
