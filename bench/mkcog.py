#!/usr/bin/python3
"""mkcog.py - build the benchmark's Sentinel-2-sized COG from real fixture pixels.

  mkcog.py FIXTURES OUT.tif

A 10980x10980 uint16 raster on the real T33UUU grid (EPSG:32633, origin
300000 5900040, 10 m), written as a COG like the public Sentinel-2 L2A ones
(../shared/specs/external-services.md section 4): DEFLATE, predictor 2,
1024x1024 tiles, AVERAGE overviews 5490/2745/1372/686, GDAL_NODATA 0.

The canvas is a 15x15 mosaic of 732x732 cells.  Each cell is a crop, at a
seeded random offset and under one of the 8 flips/rotations, of one of the 8
real 10 m fixture bands (Havelland L1C, Major-TOM L2A), so no two cells are
the same bytes and the 1024 tile grid does not line up with the cells.  The
L1C fixture was re-encoded lossily upstream (values are multiples of 8), which
would compress 5:1 rather than the ~1.5:1 of real 10 m bands; its cells get
the low 4 bits of a crop of a different real L2A band added as sensor-like
texture (value & ~7 + low4 - 4).  Full resolution compresses 1.57:1.
Deterministic (numpy seeded PCG64).
"""
import os
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
N = 10980
CELL = 732


def band(path):
    return gdal.Open(path).ReadAsArray().astype(np.uint16)


def d4(a, k):
    """One of the 8 symmetries of the square."""
    a = np.rot90(a, k & 3)
    return a[:, ::-1] if k & 4 else a


def crop(rng, a, k):
    h, w = a.shape
    y = rng.integers(0, h - CELL + 1)
    x = rng.integers(0, w - CELL + 1)
    return d4(a[y:y + CELL, x:x + CELL], k)


def main():
    fix, out = sys.argv[1], sys.argv[2]
    names = ("B02", "B03", "B04", "B08")
    l1c = [band(os.path.join(fix, "sentinel2_l1c_10m_T33UUU_havelland", b + ".tif")) for b in names]
    l2a = [band(os.path.join(fix, "sentinel2_l2a_10m_T48QUE_majortom", b + ".tif")) for b in names]
    rng = np.random.Generator(np.random.PCG64(20261126))
    img = np.zeros((N, N), np.uint16)
    n = (N + CELL - 1) // CELL
    for cy in range(n):
        for cx in range(n):
            k = int(rng.integers(0, 8))
            b = int(rng.integers(0, 4))
            if rng.random() < 0.5:
                c = crop(rng, l2a[b], k).astype(np.int32)
            else:
                c = crop(rng, l1c[b], k).astype(np.int32)
                tex = crop(rng, l2a[(b + 1 + int(rng.integers(0, 3))) % 4],
                           int(rng.integers(0, 8))).astype(np.int32)
                c = (c & ~7) + (tex & 15) - 4
            c = np.clip(c, 1, 65535).astype(np.uint16)  # 0 is nodata
            y, x = cy * CELL, cx * CELL
            img[y:y + CELL, x:x + CELL] = c[:N - y, :N - x]
    mem = gdal.GetDriverByName("MEM").Create("", N, N, 1, gdal.GDT_UInt16)
    mem.SetGeoTransform((300000.0, 10.0, 0.0, 5900040.0, 0.0, -10.0))
    mem.SetProjection("EPSG:32633")
    mem.GetRasterBand(1).SetNoDataValue(0)
    mem.GetRasterBand(1).WriteArray(img)
    tmp = out + ".part"
    gdal.Translate(tmp, mem, format="COG", creationOptions=[
        "COMPRESS=DEFLATE", "PREDICTOR=YES", "BLOCKSIZE=1024",
        "OVERVIEW_RESAMPLING=AVERAGE", "NUM_THREADS=ALL_CPUS", "BIGTIFF=NO"])
    os.rename(tmp, out)


if __name__ == "__main__":
    main()
