#!/usr/bin/env python3
# t07-mkrec.py - write one tile record with a hand-written label for the caption tests.
#
#   t07-mkrec.py [-d uint8|uint16] [-n NODATA|none] [-c dw|wc|none|FILE.json]
#                [-t SIZE,OUT] [-p POI] ROW...
#
# Each ROW is one label row of whitespace-separated values; "." is the nodata value.
# -c picks the landcover.classes table: Dynamic World (ids 0..8, as the original),
# ESA WorldCover (10..100), none (no landcover key), or a JSON file holding the array.
# The record goes to stdout: the JSON line, then the little-endian payload.
import argparse
import json
import struct
import sys

DW = ["water", "trees", "grass", "flooded_vegetation", "crops", "shrub_and_scrub",
      "built", "bare_ground", "snow_and_ice"]
WC = [(10, "Tree cover"), (20, "Shrubland"), (30, "Grassland"), (40, "Cropland"),
      (50, "Built-up"), (60, "Bare / sparse vegetation"), (70, "Snow and ice"),
      (80, "Permanent water bodies"), (90, "Herbaceous wetland"), (95, "Mangroves"),
      (100, "Moss and lichen")]

ap = argparse.ArgumentParser()
ap.add_argument("-d", default="uint8", choices=["uint8", "uint16"])
ap.add_argument("-n", default=None)
ap.add_argument("-c", default="dw")
ap.add_argument("-t", default=None)
ap.add_argument("-p", default="poi_000001")
ap.add_argument("rows", nargs="+")
a = ap.parse_args()

nodata = a.n if a.n is not None else ("255" if a.d == "uint8" else "65535")
rows = [r.split() for r in a.rows]
h, w = len(rows), len(rows[0])
if any(len(r) != w for r in rows):
    sys.exit("t07-mkrec: rows differ in length")
vals = [int(nodata) if v == "." else int(v) for r in rows for v in r]

rec = {"poi_id": a.p}
if a.c == "dw":
    rec["landcover"] = {"source": "dynamic-world", "nodata": 255,
                        "classes": [{"id": i, "name": n} for i, n in enumerate(DW)]}
elif a.c == "wc":
    rec["landcover"] = {"source": "esa-worldcover", "nodata": 255,
                        "classes": [{"id": i, "name": n} for i, n in WC]}
elif a.c != "none":
    with open(a.c) as f:
        rec["landcover"] = {"source": "file", "classes": json.load(f)}
if a.t:
    size, out = (int(x) for x in a.t.split(","))
    rec["tile"] = {"index": 0, "stem": a.p + "_t0000", "origin": [0, 0], "size": size,
                   "out": out, "valid_fraction": 1.0}
fmt, nb = ("B", 1) if a.d == "uint8" else ("H", 2)
raster = {"role": "label", "width": w, "height": h, "bands": ["label"], "dtype": a.d,
          "bytes": w * h * nb}
if nodata != "none":
    raster["nodata"] = int(nodata)
rec["rasters"] = [raster]
sys.stdout.buffer.write(json.dumps(rec).encode() + b"\n")
sys.stdout.buffer.write(struct.pack("<%d%s" % (w * h, fmt), *vals))
