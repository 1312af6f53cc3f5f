#!/usr/bin/env python3
"""mkrec.py - build a record (DESIGN.md section 3) from real GeoTIFF pixels, for tests.

Pixels come out of GDAL (gdal_translate -of ENVI: raw band-sequential
little-endian samples), the header is written here, so the test inputs do not
depend on any tool of ours.

  mkrec.py --poi ID --window X,Y,W,H \\
      --raster image=red:B04.tif,green:B03.tif,blue:B02.tif [--raster label=class:lc.tif] \\
      [--nodata image=0] [--no-nodata image] > rec

Each --raster is ROLE=NAME:FILE,...; one band per file (band 1).  --window is
in pixels of the first file; every file must share its grid.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

DT = {"Byte": "uint8", "UInt16": "uint16", "Int16": "int16", "Float32": "float32"}
SIZE = {"uint8": 1, "uint16": 2, "int16": 2, "float32": 4}


def info(path):
    return json.loads(subprocess.check_output(["gdalinfo", "-json", path]))


def raw(path, win, tmp):
    out = os.path.join(tmp, "x.bin")
    subprocess.check_call(["gdal_translate", "-q", "-of", "ENVI", "-b", "1",
                           "-srcwin"] + [str(v) for v in win] + [path, out])
    with open(out, "rb") as f:
        return f.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--poi", default="poi_000000")
    ap.add_argument("--window", required=True)
    ap.add_argument("--raster", action="append", required=True)
    ap.add_argument("--nodata", action="append", default=[])
    ap.add_argument("--no-nodata", action="append", default=[])
    a = ap.parse_args()
    x, y, w, h = [int(v) for v in a.window.split(",")]
    forced = dict(s.split("=") for s in a.nodata)
    header = {"poi_id": a.poi, "rasters": []}
    payloads = []
    grid = None
    with tempfile.TemporaryDirectory() as tmp:
        for spec in a.raster:
            role, bands = spec.split("=", 1)
            names, data, dtype, nodata = [], b"", None, None
            for nb in bands.split(","):
                name, path = nb.split(":", 1)
                inf = info(path)
                b1 = inf["bands"][0]
                dt = DT[b1["type"]]
                if dtype not in (None, dt):
                    sys.exit("mkrec: bands of %s differ in type" % role)
                dtype = dt
                nodata = b1.get("noDataValue", nodata)
                if grid is None:
                    gt = inf["geoTransform"]
                    crs = "EPSG:%s" % inf["stac"]["proj:epsg"]
                    grid = {"crs": crs, "width": w, "height": h,
                            "transform": [gt[1], gt[2], gt[0] + x * gt[1] + y * gt[2],
                                          gt[4], gt[5], gt[3] + x * gt[4] + y * gt[5]]}
                names.append(name)
                data += raw(path, (x, y, w, h), tmp)
            if role in forced:
                nodata = float(forced[role])
            if role in a.no_nodata:
                nodata = None
            r = {"role": role, "width": w, "height": h, "bands": names, "dtype": dtype,
                 "bytes": len(data)}
            assert len(data) == w * h * len(names) * SIZE[dtype]
            if nodata is not None:
                r["nodata"] = int(nodata) if float(nodata).is_integer() else nodata
            header["rasters"].append(r)
            payloads.append(data)
    header["grid"] = grid
    out = sys.stdout.buffer
    out.write(json.dumps(header, separators=(",", ":")).encode() + b"\n")
    for p in payloads:
        out.write(p)


main()
