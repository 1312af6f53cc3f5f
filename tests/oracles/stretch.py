"""stretch oracle: numpy.percentile and the stretch formula, against stretch's output.

usage: stretch.py IN OUT [--percentiles LO,HI] [--joint] [--range MIN,MAX]
Prints one line per band and exits 1 if any lo/hi is off by more than 1e-9 or
any pixel differs from trunc(clip((v-lo)/(hi-lo), 0, 1) * 255), nodata -> 0.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import recio  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("inp")
ap.add_argument("out")
ap.add_argument("--percentiles", default="2,98")
ap.add_argument("--range")
ap.add_argument("--joint", action="store_true")
a = ap.parse_args()
p = [float(v) for v in a.percentiles.split(",")]
src, dst = recio.read(a.inp), recio.read(a.out)
assert len(src) == len(dst), "%d records in, %d out" % (len(src), len(dst))
fail = 0
for (h, arrs), (g, outs) in zip(src, dst):
    meta = [r for r in h["rasters"] if r["role"] == "image"][0]
    img = arrs["image"].astype(np.float64)
    nd = meta.get("nodata")
    nd = np.nan if nd == "nan" else nd
    valid = np.isfinite(img) & (img > 0)
    if nd is not None and not np.isnan(nd):
        valid &= img != nd
    nodata = np.isnan(img) if nd is None or np.isnan(nd) else (img == nd) | np.isnan(img)
    out_meta = [r for r in g["rasters"] if r["role"] == "image"][0]
    assert out_meta["dtype"] == "uint8" and out_meta["nodata"] == 0, out_meta
    assert g["poi_id"] == h["poi_id"]
    for i, bs in enumerate(g["stretch"]["bands"]):
        sel = img[valid] if a.joint else img[i][valid[i]]
        lo = hi = None
        if a.range:
            lo, hi = [float(v) for v in a.range.split(",")]
        elif sel.size:
            lo, hi = np.percentile(sel, p)
        if valid[i].sum() == 0:
            ok = bs["lo"] is None and bs["valid"] == 0 and "all nodata" in bs["note"]
            exp = np.zeros_like(outs["image"][i])
        else:
            if hi <= lo:
                hi = lo + 1e-6
            ok = abs(lo - bs["lo"]) <= 1e-9 and abs(hi - bs["hi"]) <= 1e-9
            ok = ok and bs["valid"] == int(valid[i].sum())
            with np.errstate(invalid="ignore"):
                e = np.clip((img[i] - lo) / (hi - lo), 0, 1) * 255
            exp = np.where(np.isfinite(e), e, 0).astype(np.uint8)
            exp[nodata[i]] = 0
        bad = int(np.count_nonzero(exp != outs["image"][i]))
        print("%s %s numpy lo/hi %r %r stretch %r %r, %d pixels differ"
              % (h["poi_id"], bs["band"], lo, hi,
                 bs["lo"], bs["hi"], bad))
        if not ok or bad:
            fail = 1
sys.exit(fail)
