"""tile oracle: windows, valid fractions, stems, grids and pixels recomputed in numpy.

usage: tile.py IN OUT [--size N] [--stride N] [--out N] [--min-valid-fraction F]
                      [--filter area|bilinear] [--aug flip,r90,...]
                      [--max-cloud F] [--cloud-classes LIST] [--scl-invalid LIST]
Exits 1 on any difference; prints a summary line per record.

With an scl raster, pixels of --scl-invalid classes are invalid, and each
tile's cloud_fraction (4 decimals, null without SCL data) and scl_counts are
recounted with numpy.bincount over the window's SCL pixels; --max-cloud drops
windows whose exact fraction exceeds it, and a record without scl must then
produce no tile at all (tile rejects it).

Imagery is checked against weight matrices built here from the filter
definitions (area: overlap of each input pixel with the output pixel's
footprint; bilinear: Pillow's triangle filter scaled to the reduction),
applied as matrix products, so the order of summation differs from tile's;
both round half up with an epsilon of 1e-7 so that exact ties agree; at most
1 of difference on at most 0.1% of the pixels is accepted (none is expected).
8-bit windows without nodata under bilinear follow Pillow's fixed-point
arithmetic, re-done here in numpy integers, and must match exactly, as must
labels, augmentations and grids.
"""
import argparse
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import recio  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("inp")
ap.add_argument("out")
ap.add_argument("--size", type=int, default=512)
ap.add_argument("--stride", type=int, default=128)
ap.add_argument("--out-size", "--out", dest="n", type=int, default=224)
ap.add_argument("--min-valid-fraction", type=float, default=0.35)
ap.add_argument("--filter", default="bilinear")
ap.add_argument("--aug", default="")
ap.add_argument("--max-cloud", type=float, default=None)
ap.add_argument("--cloud-classes", default="3,8,9,10")
ap.add_argument("--scl-invalid", default="0,1")
a = ap.parse_args()
CLOUDY = [int(v) for v in a.cloud_classes.split(",") if v]
SCL_BAD = [int(v) for v in a.scl_invalid.split(",") if v]
S, N = a.size, a.n
AUG = [v for v in a.aug.split(",") if v]
fail = []


def weights(n_in, n_out, kind):
    W = np.zeros((n_out, n_in))
    scale = n_in / n_out
    for i in range(n_out):
        if kind == "area":
            lo, hi = i * scale, (i + 1) * scale
            for x in range(int(math.floor(lo)), min(n_in, int(math.ceil(hi)))):
                W[i, x] = max(0.0, min(x + 1, hi) - max(x, lo))
        else:
            fs = max(scale, 1.0)
            ss = 1.0 / fs
            c = (i + 0.5) * scale
            for x in range(max(0, int(c - fs + 0.5)), min(n_in, int(c + fs + 0.5))):
                W[i, x] = max(0.0, 1 - abs((x - c + 0.5) * ss))
        W[i] /= W[i].sum()
    return W


def pillow_u8(win):
    """Pillow's 8-bit BILINEAR resize, re-done in numpy integers: weights in
    22-bit fixed point, horizontal pass rounded to 8 bits, then vertical."""
    K = weights(S, N, "bilinear")
    K = np.where(K < 0, np.trunc(-0.5 + K * (1 << 22)), np.trunc(0.5 + K * (1 << 22))).astype(np.int64)

    def clip8(v):
        return np.clip(v >> 22, 0, 255)
    out = []
    for band in win.astype(np.int64):
        tmp = clip8(band @ K.T + (1 << 21))
        out.append(clip8(K @ tmp + (1 << 21)))
    return np.array(out, dtype=np.float64)


def view(arr, v):
    """arr[bands, h, w] -> the augmented view, by numpy's own flips and rotations."""
    if v == "flip":
        return arr[:, :, ::-1]
    k = {"r90": 1, "r180": 2, "r270": 3}[v]
    return np.rot90(arr, k, axes=(1, 2))


def apply(t, col, row):
    return t[0] * col + t[1] * row + t[2], t[3] * col + t[4] * row + t[5]


def nodata_of(meta):
    nd = meta.get("nodata")
    return float("nan") if nd == "nan" else nd


def expect_pixels(meta, arr, r0, c0):
    role = meta["role"]
    nd = nodata_of(meta)
    pad = nd if nd is not None else (255 if role == "label" else 0)
    b, H, W = arr.shape
    win = np.full((b, S, S), pad, dtype=np.float64)
    hh, ww = min(S, H - r0), min(S, W - c0)
    win[:, :hh, :ww] = arr[:, r0:r0 + hh, c0:c0 + ww]
    if role in ("label", "scl") or N == S:
        ix = ((2 * np.arange(N) + 1) * S) // (2 * N)
        return win[:, ix][:, :, ix], None
    m = np.zeros((S, S), bool)
    inb = np.zeros((S, S), bool)
    inb[:hh, :ww] = True
    for k in range(b):
        bad = np.isnan(win[k]) | ((win[k] == nd) if nd is not None else False)
        m |= ~bad
    m &= inb
    if a.filter == "bilinear" and meta["dtype"] == "uint8" and m.all():
        return pillow_u8(win), np.ones((N, N), bool)
    Wy = weights(S, N, a.filter)
    v = np.where(m, win, 0)
    num = Wy @ v @ Wy.T
    den = Wy @ m.astype(float) @ Wy.T
    ok = den > 1e-12
    with np.errstate(invalid="ignore", divide="ignore"):
        res = np.where(ok, num / np.where(ok, den, 1), pad)
    if meta["dtype"] != "float32":
        res = np.where(ok, np.floor(res + 0.5 + 1e-7), pad)
    return res, ok


src, dst = recio.read(a.inp), recio.read(a.out)
di = 0
for h, arrs in src:
    metas = h["rasters"]
    H, W = metas[0]["height"], metas[0]["width"]
    ref = next((m for m in metas if m["role"] == "label"), None) or \
        next((m for m in metas if m["role"] == "image"), metas[0])
    ra = arrs[ref["role"]].astype(np.float64)
    if ref["role"] == "label":
        ra = ra[:1]
    nd = nodata_of(ref)
    rows = [0] if H < S else list(range(0, H - S + 1, a.stride))
    cols = [0] if W < S else list(range(0, W - S + 1, a.stride))
    scl = arrs["scl"][0] if "scl" in arrs else None
    kept = cloudy = 0
    if scl is None and a.max_cloud is not None:
        rows = cols = []        # rejected: --max-cloud needs an scl raster
        print("%s: no scl, rejected" % h["poi_id"])
    for r0 in rows:
        for c0 in cols:
            w = ra[:, r0:r0 + S, c0:c0 + S]
            good = np.zeros(w.shape[1:], bool)
            for k in range(w.shape[0]):
                good |= ~(np.isnan(w[k]) | ((w[k] == nd) if nd is not None else False))
            if scl is not None:
                sw = scl[r0:r0 + S, c0:c0 + S]
                good &= ~np.isin(sw, SCL_BAD)
            vf = good.sum() / float(S * S)
            if vf < a.min_valid_fraction:
                continue
            if scl is not None:
                cnt = np.bincount(sw.ravel(), minlength=256)
                ndata = int(cnt.sum() - cnt[0])
                cf = cnt[CLOUDY].sum() / float(ndata) if ndata else None
                if a.max_cloud is not None and cf is not None and cf > a.max_cloud:
                    cloudy += 1
                    continue
                ecounts = {str(c): int(cnt[c]) for c in sorted(set([0] + CLOUDY + SCL_BAD))}
            base = None
            for v in [None] + AUG:
                if di >= len(dst):
                    fail.append("missing output tile %s t%04d %s" % (h["poi_id"], kept, v))
                    break
                g, outs = dst[di]
                di += 1
                stem = "%s_t%04d" % (h["poi_id"], kept) + ("_" + v if v else "")
                t = g["tile"]
                exp = {"index": kept, "stem": stem, "origin": [r0, c0], "size": S, "out": N,
                       "aug": v}
                for key, val in exp.items():
                    if t.get(key) != val:
                        fail.append("%s: tile.%s is %r, expected %r" % (stem, key, t.get(key), val))
                if abs(t["valid_fraction"] - vf) > 1e-12:
                    fail.append("%s: valid_fraction %r, expected %r" % (stem, t["valid_fraction"], vf))
                if scl is None:
                    if "cloud_fraction" in t or "scl_counts" in t:
                        fail.append("%s: SCL keys without an scl raster" % stem)
                else:
                    got = t.get("cloud_fraction", "missing")
                    if cf is None:
                        ok4 = got is None
                    else:
                        ok4 = isinstance(got, float) and abs(got - cf) <= 5e-5 + 1e-12 and \
                            abs(got * 1e4 - round(got * 1e4)) < 1e-6
                    if not ok4:
                        fail.append("%s: cloud_fraction %r, expected %r (4 decimals)" % (stem, got, cf))
                    if t.get("scl_counts") != ecounts:
                        fail.append("%s: scl_counts %r, expected %r" % (stem, t.get("scl_counts"), ecounts))
                for key in h:
                    if key not in ("rasters", "grid", "tile") and g.get(key) != h[key]:
                        fail.append("%s: key %s changed" % (stem, key))
                gt = g["grid"]["transform"]
                if v is None:
                    base = (g, outs)
                    t0 = h["grid"]["transform"]
                    f = S / N
                    x0, y0 = apply(t0, c0, r0)
                    et = [t0[0] * f, t0[1] * f, x0, t0[3] * f, t0[4] * f, y0]
                    if max(abs(p - q) for p, q in zip(gt, et)) > 1e-6:
                        fail.append("%s: transform %r, expected %r" % (stem, gt, et))
                    for m in metas:
                        e, ok = expect_pixels(m, arrs[m["role"]].astype(np.float64), r0, c0)
                        got = outs[m["role"]].astype(np.float64)
                        if ok is None:
                            if not np.array_equal(got, e):
                                fail.append("%s: %s pixels differ" % (stem, m["role"]))
                        else:
                            d = np.abs(got - e)
                            if m["dtype"] == "uint8" and a.filter == "bilinear" and ok.all() \
                                    and not np.array_equal(got, e):
                                fail.append("%s: %s differs from Pillow's 8-bit path" % (stem, m["role"]))
                            nbad = int(np.count_nonzero(d > 1e-3 if m["dtype"] == "float32" else d > 0))
                            if d.max() > (1e-3 if m["dtype"] == "float32" else 1) or nbad > d.size / 1000:
                                fail.append("%s: %s: %d pixels differ, max %g" % (stem, m["role"], nbad, d.max()))
                else:
                    bg, bouts = base
                    for m in metas:
                        if not np.array_equal(outs[m["role"]], view(bouts[m["role"]], v)):
                            fail.append("%s: %s is not numpy's %s of the tile" % (stem, m["role"], v))
                    # Each view pixel centre lands on the ground where its source pixel was.
                    idx = np.arange(N * N).reshape(1, N, N)
                    src_of = view(idx, v)[0]
                    ii, jj = np.mgrid[0:N, 0:N]
                    xv, yv = apply(gt, jj + 0.5, ii + 0.5)
                    si, sj = src_of // N, src_of % N
                    xb, yb = apply(bg["grid"]["transform"], sj + 0.5, si + 0.5)
                    if max(np.abs(xv - xb).max(), np.abs(yv - yb).max()) > 1e-6:
                        fail.append("%s: grid does not follow the pixels" % stem)
            kept += 1
    print("%s: %d windows, %d kept" % (h["poi_id"], len(rows) * len(cols), kept) +
          (", %d too cloudy" % cloudy if a.max_cloud is not None else ""))
if di != len(dst):
    fail.append("%d extra output records" % (len(dst) - di))
for f in fail[:20]:
    print("FAIL", f)
sys.exit(1 if fail else 0)
