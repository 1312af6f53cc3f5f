"""cog_read.py - inputs and oracle for the cog-read tests, GDAL being the oracle.

  records OUT BASE SIZE NAME... : for each GeoTIFF BASE/NAME (BASE a folder; the
      href written is HREF_BASE/NAME, HREF_BASE from $HREF_BASE or BASE) write
      records whose points sit 0.3 px into chosen pixels (centre, corners, edges,
      next to a tile boundary), so the window is known: col0 = C - SIZE//2.
  check REC FOLDER : every record of REC (cog-read output) must equal
      `gdal_translate -srcwin` of FOLDER/<file> (GDALTranslate in process, raw bytes) and carry
      GDAL's geotransform as its grid.  Prints one line per mismatch; exit 1 if any.
"""
import json
import os
import subprocess
import sys

import numpy as np
from osgeo import gdal

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import recio  # noqa: E402

NP = {"Byte": "<u1", "UInt16": "<u2", "Int16": "<i2", "Float32": "<f4"}


def info(path):
    return json.loads(subprocess.check_output(["gdalinfo", "-json", path]))


def epsg_of(path):
    out = subprocess.check_output(["gdalsrsinfo", "-o", "epsg", path], text=True)
    return int(out.strip().split(":")[1])


def to_lonlat(epsg, pts):
    inp = "".join("%.6f %.6f\n" % p for p in pts)
    out = subprocess.check_output(
        ["gdaltransform", "-s_srs", "EPSG:%d" % epsg, "-t_srs", "EPSG:4326", "-output_xy"],
        input=inp, text=True)
    return [tuple(float(v) for v in line.split()[:2]) for line in out.splitlines()]


def records(out, base, size, names):
    href_base = os.environ.get("HREF_BASE", base)
    asset = os.environ.get("ASSET", "red")
    with open(out, "w") as f:
        for name in names:
            path = os.path.join(base, name)
            d = info(path)
            W, H = d["size"]
            gt = d["geoTransform"]
            epsg = epsg_of(path)
            cells = [(W // 2, H // 2), (0, 0), (W - 1, H - 1), (0, H // 2), (W // 2, 0),
                     (W - 1, H // 3), (min(W - 1, 515), min(H - 1, 261))]
            pts = [(gt[0] + (c + 0.3) * gt[1] + (r + 0.3) * gt[2],
                    gt[3] + (c + 0.3) * gt[4] + (r + 0.3) * gt[5]) for c, r in cells]
            for (c, r), (lon, lat) in zip(cells, to_lonlat(epsg, pts)):
                rec = {"poi_id": "%s~%d~%d" % (name, c - size // 2, r - size // 2),
                       "lon": lon, "lat": lat,
                       "scene": {"id": name, "crs": "EPSG:%d" % epsg,
                                 "assets": {asset: {"href": href_base + "/" + name}}}}
                f.write(json.dumps(rec) + "\n")


def check(rec, folder):
    bad = 0
    n = 0
    infos = {}
    srcwin = 0
    for h, arrs in recio.read(rec):
        n += 1
        name, c0, r0 = h["poi_id"].split("~")
        c0, r0 = int(c0), int(r0)
        img = arrs["image"]
        nb, hh, ww = img.shape
        src = os.path.join(folder, name)
        if name not in infos:
            infos[name] = info(src)
        d = infos[name]
        dt = NP[d["bands"][0]["type"]]
        nbands = len(d["bands"])
        # The oracle: GDALTranslate with -srcwin (what gdal_translate runs), in process.
        ds = gdal.Translate("", src, format="MEM", srcWin=[c0, r0, ww, hh])
        ref = np.frombuffer(ds.ReadRaster(), dtype=dt).reshape(nbands, hh, ww)
        ds = None
        srcwin += 1
        if ref.dtype != img.dtype or ref.shape != img.shape or \
                ref.tobytes() != img.tobytes():
            diff = np.argwhere(ref != img) if ref.shape == img.shape else []
            print("pixels differ: %s (%d differing, first %s)" % (
                h["poi_id"], len(diff), list(diff[:1])))
            bad += 1
        gt = d["geoTransform"]
        want = [gt[1], gt[2], gt[0] + c0 * gt[1] + r0 * gt[2],
                gt[4], gt[5], gt[3] + c0 * gt[4] + r0 * gt[5]]
        got = h["grid"]["transform"]
        if any(abs(a - b) > 1e-6 for a, b in zip(want, got)):
            print("grid differs: %s: %s, GDAL %s" % (h["poi_id"], got, want))
            bad += 1
    print("%d records checked (%d by gdal_translate -srcwin), %d mismatches" % (
        n, srcwin, bad))
    return 1 if bad or n == 0 else 0


if __name__ == "__main__":
    if sys.argv[1] == "records":
        records(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:])
    elif sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
