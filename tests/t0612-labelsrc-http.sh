#!/bin/sh
# lib/labelsrc over HTTP ranges (tests/unit/test_labelsrc.c, its remote half):
# nginx serves the fixtures, the windows read through it must equal what the
# COG reader decodes from the files, a 404 is absent only where allowed.
. "$(dirname "$0")/lib.sh"

if start_nginx "$FIX"; then
	# The unit binary prints its own ok/not ok lines, tallied with ours.
	S2VL_FIXTURES=$FIX S2VL_TEST_URL=$NGINX_URL "$S2VL_UNIT/test_labelsrc"
	check 'only range requests reach the files' "
		grep -q 'osm_landuse_10m.tif HTTP/1.1\" 206' $NGINX_LOG &&
		! grep -q 'tif HTTP/1.1\" 200' $NGINX_LOG"
else
	echo "not ok - nginx did not start"
fi
