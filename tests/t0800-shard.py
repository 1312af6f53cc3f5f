#!/usr/bin/env python3
"""t0800-shard.py - inputs and checks for the shard-write tests (t08xx).

  t0800-shard.py mkstream FIXDIR OUT [--pois N] [--tile PX] [--label8] [--stills]
      Tile records cut from the real Havelland bands and OSM labels: pixels
      come out of gdal_translate -of ENVI, the header is written here.  Regions
      (one box per class present, computed here) and rows (caption-like, written
      by hand) stand in for caption's output.  POIs poi_000000.. with geo-jitter
      variants _g001/_g002 of every third base.
  t0800-shard.py check WHAT DIR [STREAM] [--max N]
      One property of a dataset folder; prints why and exits 1 when it fails.
      WHAT: jsonl files leaf splits sidecar card pixels masks overlays secrets
  t0800-shard.py split STREAM N OUT1 OUT2 [base-even]
      The first N records to OUT1, the rest to OUT2 (or by even base POI number).
  t0800-shard.py mkbad STREAM OUT KIND
      Three tile records of STREAM, the middle one spoilt (KIND: no-image,
      image-uint16, image-4band, label-float, label-size, bad-stem, box-index,
      no-messages, no-poi, image-no-tile, neither, still-gray, bad-bbox,
      rows-not-array, tag-not-string, boxes-not-array, regions-not-array,
      classes-not-array, base-not-string).
  t0800-shard.py overlay-colors DIR
      The colours drawn in overlays (pixels that differ from the image), as JSON.

PNGs are decoded here with zlib (no libpng), so the checks do not share code
with the writer.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib
import hashlib

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import recio  # noqa: E402

SPLITS = ("train", "validation", "test")
OSM = [(7201, "forest", "228b22"), (7203, "residential", "c83232"), (7205, "farm", "e6c864"),
       (7208, "meadow", "8cd25a"), (7217, "scrub", None), (7218, "grass", "b4f08c"),
       (8200, "water", "1e64dc"), (8221, "wetland", None)]
SIDECAR_KEYS = ["poi_id", "base_poi_id", "tile_stem", "tile_index", "split", "image", "mask",
                "latitude", "longitude", "bbox_wgs84", "stac_item_id", "scene",
                "stac_rgb_meta", "land_cover_label_meta", "grid", "native_tile",
                "output_size", "tile_origin_native", "image_augmentation", "valid_fraction",
                "caption", "regions", "class_fractions", "rows"]


def fail(msg):
    print(msg)
    sys.exit(1)


# --- PNG decoding (independent of libpng) ---

def png_decode(path):
    """(kind, array, palette): kind 0 gray, 2 RGB, 3 palette; array h x w (x 3)."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("%s: not a PNG" % path)
    pos, idat, pal = 8, b"", None
    while pos < len(data):
        n, typ = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        crc = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0]
        if zlib.crc32(typ + body) & 0xffffffff != crc:
            raise ValueError("%s: bad CRC in %s" % (path, typ))
        if typ == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif typ == b"PLTE":
            pal = np.frombuffer(body, np.uint8).reshape(-1, 3)
        elif typ == b"IDAT":
            idat += body
        pos += 12 + n
    if interlace:
        raise ValueError("interlaced")
    ch = {0: 1, 2: 3, 3: 1}[ctype]
    bpp = ch * depth // 8
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows = []
    prev = [0] * stride
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)]
        if f == 0:
            cur = list(line)
        elif f == 2:
            cur = [(v + b) & 0xff for v, b in zip(line, prev)]
        else:
            cur = [0] * stride
            for x in range(stride):
                a = cur[x - bpp] if x >= bpp else 0
                if f == 1:
                    p = a
                elif f == 3:
                    p = (a + prev[x]) >> 1
                else:
                    b = prev[x]
                    c = prev[x - bpp] if x >= bpp else 0
                    pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                    p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                cur[x] = (line[x] + p) & 0xff
        rows.append(cur)
        prev = cur
    out = np.array(rows, np.int32).reshape(h, stride)
    if depth == 16:
        arr = (out[:, 0::2] << 8 | out[:, 1::2]).astype(np.uint16)
    else:
        arr = out.astype(np.uint8)
    if ch == 3:
        arr = arr.reshape(h, w, 3)
    return ctype, arr, pal


# --- building the input stream ---

def envi(path, tmp, name):
    """A whole band as numpy via gdal_translate -of ENVI (raw little-endian samples)."""
    dst = os.path.join(tmp, name + ".raw")
    subprocess.check_call(["gdal_translate", "-q", "-of", "ENVI", path, dst])
    info = json.loads(subprocess.check_output(["gdalinfo", "-json", path]))
    w, h = info["size"]
    dt = {"Byte": "<u1", "UInt16": "<u2"}[info["bands"][0]["type"]]
    return np.fromfile(dst, dt).reshape(h, w)


def stretch(band):
    v = band[band > 0]
    lo, hi = np.percentile(v, 2), np.percentile(v, 98)
    return (np.clip((band - lo) / max(hi - lo, 1e-6), 0, 1) * 255).astype(np.uint8)


def regions_of(lab, names):
    """One region per class present: the box of all its pixels (normalised, exclusive)."""
    h, w = lab.shape
    regs = []
    for cid, name, _ in OSM:
        if cid not in names:
            continue
        ys, xs = np.nonzero(lab == names[cid])
        if len(xs) == 0:
            continue
        regs.append({"label": name, "class_id": int(names[cid]),
                     "bbox": [round(xs.min() / w, 4), round(ys.min() / h, 4),
                              round((xs.max() + 1) / w, 4), round((ys.max() + 1) / h, 4)],
                     "area_px": int(len(xs))})
    regs.sort(key=lambda r: -r["area_px"])
    return regs


def row(tag, boxes, prompt, answer):
    return {"tag": tag, "boxes": boxes, "messages": [
        {"role": "user", "content": [{"type": "image", "image": "{image}"},
                                     {"type": "text", "text": prompt}]},
        {"role": "assistant", "content": [{"type": "text", "text": answer}]}]}


def mkstream(args):
    fix, out = args[0], args[1]
    npois, tpx, label8, stills = 10, 48, False, False
    i = 2
    while i < len(args):
        if args[i] == "--pois":
            npois = int(args[i + 1]); i += 2
        elif args[i] == "--tile":
            tpx = int(args[i + 1]); i += 2
        elif args[i] == "--label8":
            label8 = True; i += 1
        elif args[i] == "--stills":
            stills = True; i += 1
        else:
            fail("mkstream: unknown " + args[i])
    hv = os.path.join(fix, "sentinel2_l1c_10m_T33UUU_havelland")
    with tempfile.TemporaryDirectory() as tmp:
        bands = [stretch(envi(os.path.join(hv, b + ".tif"), tmp, b).astype(np.float64))
                 for b in ("B04", "B03", "B02")]
        osm = envi(os.path.join(hv, "landcover", "osm_landuse_10m.tif"), tmp, "lc")
    H, W = osm.shape
    # uint8 labels: codes 7201.. become 1.., nodata 255; uint16 keep codes, nodata 65535.
    if label8:
        ids = {c: k + 1 for k, (c, _, _) in enumerate(OSM)}
        lut = np.full(65536, 255, np.uint8)
        for c, k in ids.items():
            lut[c] = k
        lab_all, ldt, lnod = lut[osm], "uint8", 255
    else:
        ids = {c: c for c, _, _ in OSM}
        lab_all = np.where(osm == 0, 65535, osm).astype(np.uint16)
        ldt, lnod = "uint16", 65535
    classes = [{"id": ids[c], "name": n, **({"color": col} if col else {})} for c, n, col in OSM]
    nx, ny = W // tpx, H // tpx
    # Windows with enough labelled pixels, visited in a fixed scattered order.
    wins = [(gx * tpx, gy * tpx) for gy in range(ny) for gx in range(nx)
            if (lab_all[gy * tpx:(gy + 1) * tpx, gx * tpx:(gx + 1) * tpx] != lnod).mean() > 0.3]
    slot = 0
    pois = []
    for p in range(npois):
        base = "poi_%06d" % p
        pois.append((base, base))
        if p % 3 == 1:
            pois += [(base + "_g001", base), (base + "_g002", base)]
    with open(out, "wb") as f:
        for k, (poi, base) in enumerate(pois):
            ntiles = 1 + k % 3
            for t in range(ntiles):
                x0, y0 = wins[(slot * 37) % len(wins)]
                slot += 1
                img = np.stack([b[y0:y0 + tpx, x0:x0 + tpx] for b in bands])
                lab = lab_all[y0:y0 + tpx, x0:x0 + tpx]
                valid = float((lab != lnod).mean())
                present = {c: ids[c] for c, _, _ in OSM if (lab == ids[c]).any()}
                regs = regions_of(lab, present)
                fr = {str(ids[c]): round(float((lab == ids[c]).sum()) / max(1, (lab != lnod).sum()), 4)
                      for c, _, _ in OSM if c in present}
                top = ", ".join("%s (%.1f%%)" % (r["label"], 100.0 * r["area_px"] / lab.size)
                                for r in regs[:4])
                cap = ("This satellite imagery is dominated by %s." % top) if regs else \
                    "This satellite imagery shows no clear land-cover regions."
                rows = [row("caption", list(range(len(regs))),
                            "Describe this satellite imagery in detail.", cap)]
                if regs:
                    rows.append(row("ground_all", list(range(len(regs))),
                                    "Detect the land cover regions.",
                                    json.dumps([{"label": r["label"], "bbox": r["bbox"]} for r in regs])))
                for i, r in enumerate(regs[:3]):
                    rows.append(row("classfocus_" + r["label"], [i],
                                    "Describe only %s." % r["label"],
                                    "%s covers part of the tile." % r["label"]))
                    rows.append(row("ground_" + r["label"], [i], "Detect the %s." % r["label"],
                                    json.dumps([{"label": r["label"], "bbox": r["bbox"]}])))
                stem = "%s_t%04d" % (poi, t)
                hdr = {
                    "poi_id": poi, "base_poi_id": base,
                    "lon": round(12.6 + 0.001 * k, 6), "lat": round(52.49 - 0.001 * k, 6),
                    "source": {"dataset": "fixture", "row_idx": k},
                    "scene": {"id": "S2B_MSIL1C_33UUU_fixture", "collection": "sentinel-2-l1c",
                              "datetime": "2018-05-08T10:20:19Z", "cloud_cover": 1.5,
                              "platform": "sentinel-2b", "crs": "EPSG:32633", "mgrs": "33UUU",
                              "assets": {b: {"href": "https://example.test/%s.tif?se=2030&sig=SECRETTOKEN" % a,
                                             "scale": 1, "offset": 0, "nodata": 0,
                                             "resolution": 10, "data_type": "uint16"}
                                         for b, a in (("red", "B04"), ("green", "B03"), ("blue", "B02"))}},
                    "landcover": {"source": "file:///fixtures/osm_landuse_10m.tif?token=SECRETTOKEN",
                                  "nodata": lnod, "classes": classes},
                    "grid": {"crs": "EPSG:32633", "transform": [10, 0, 330000 + 10 * x0, 0, -10, 5822040 - 10 * y0],
                             "width": tpx, "height": tpx},
                    "tile": {"index": t, "stem": stem, "origin": [y0, x0], "size": tpx, "out": tpx,
                             "valid_fraction": round(valid, 4), "aug": None},
                    "rasters": [
                        {"role": "image", "width": tpx, "height": tpx, "bands": ["red", "green", "blue"],
                         "dtype": "uint8", "nodata": 0},
                        {"role": "label", "width": tpx, "height": tpx, "bands": ["class"],
                         "dtype": ldt, "nodata": lnod}],
                    "regions": regs, "caption": cap, "class_fractions": fr, "rows": rows,
                }
                recio.write(f, hdr, [img, lab[None]])
            if stills and poi == base and k % 2 == 0:
                y0, x0 = (k * 37) % (H - 80), (k * 53) % (W - 80)
                img = np.stack([b[y0:y0 + 80, x0:x0 + 80] for b in bands])
                hdr = {"poi_id": poi, "base_poi_id": base, "lon": 12.6, "lat": 52.49,
                       "still": {"style": "mapbox/satellite-v9", "zoom": 12, "width": 80, "height": 80},
                       "rasters": [{"role": "still", "width": 80, "height": 80,
                                    "bands": ["red", "green", "blue"], "dtype": "uint8"}],
                       "rows": [row("mapbox_overview", [], "The input is overhead context imagery.",
                                    "Overhead context imagery centered near %s." % poi)]}
                recio.write(f, hdr, [img])


# --- checks ---

def split_of(base):
    v = int(hashlib.sha256(base.encode()).hexdigest()[:16], 16) % 10
    return "train" if v <= 7 else "validation" if v == 8 else "test"


def rows_of(d):
    out = []
    for s in SPLITS:
        p = os.path.join(d, "data", s + ".jsonl")
        if not os.path.exists(p):
            continue
        data = open(p, "rb").read()
        if data and not data.endswith(b"\n"):
            fail("%s: last line not terminated" % p)
        for n, line in enumerate(data.splitlines(), 1):
            try:
                out.append((s, json.loads(line)))
            except ValueError as e:
                fail("%s:%d: %s" % (p, n, e))
    return out


def sidecars(d):
    out = {}
    for root, _, files in os.walk(os.path.join(d, "metadata")):
        for f in files:
            out[f[:-5]] = json.load(open(os.path.join(root, f)))
    return out


def image_of(row):
    ims = [p["image"] for m in row["messages"] for p in m["content"] if p.get("type") == "image"]
    if len(ims) != 1:
        fail("row without exactly one image: %r" % row)
    return ims[0]


def check(what, d, stream, mx):
    rows = rows_of(d)
    if what == "jsonl":
        for s, r in rows:
            if not set(r) <= {"messages", "bbox_overlay_image"} or "messages" not in r:
                fail("row keys %s" % sorted(r))
            for m in r["messages"]:
                for p in m["content"]:
                    if p.get("type") == "image" and (p["image"].startswith("/") or "{image}" in p["image"]):
                        fail("image path %s" % p["image"])
        print("%d rows" % len(rows))
    elif what == "files":
        n = 0
        for s, r in rows:
            for p in [image_of(r)] + ([r["bbox_overlay_image"]] if "bbox_overlay_image" in r else []):
                png_decode(os.path.join(d, p))
                n += 1
        for k, sc in sidecars(d).items():
            for p in [sc["image"], sc["mask"]] + [x["overlay"] for x in sc["rows"]]:
                if p is not None:
                    png_decode(os.path.join(d, p))
                    n += 1
        print("%d files decoded" % n)
    elif what == "leaf":
        for root, dirs, files in os.walk(d):
            if ".shard-write" in root:
                continue
            if len(files) > mx and root != d:
                fail("%s holds %d files > %d" % (root, len(files), mx))
            rel = os.path.relpath(root, d)
            parts = rel.split(os.sep)
            if len(parts) == 2 and parts[0] in ("images", "metadata", "masks", "overlays", "mapbox_stills"):
                if not parts[1].startswith("s") or len(parts[1]) != 6:
                    fail("shard name %s" % rel)
        # Shards filled in order: every shard but the last of a folder is full.
        for top in ("images", "metadata", "masks", "overlays", "mapbox_stills"):
            p = os.path.join(d, top)
            if not os.path.isdir(p):
                continue
            sh = sorted(os.listdir(p))
            if sh != ["s%05d" % i for i in range(len(sh))]:
                fail("%s shards %s not s00000.. in order" % (top, sh))
            for s in sh[:-1]:
                if len(os.listdir(os.path.join(p, s))) != mx:
                    fail("%s/%s not full before the next" % (top, s))
        print("ok")
    elif what == "splits":
        seen = {}
        for s, r in rows:
            img = image_of(r)
            stem = os.path.basename(img)[:-4]
            sc = sidecars(d).get(stem) if img.startswith("images/") else None
            base = sc["base_poi_id"] if sc else stem.split("_g")[0]
            if s != split_of(base):
                fail("%s in %s, want %s" % (img, s, split_of(base)))
            if seen.setdefault(base, s) != s:
                fail("base %s in %s and %s" % (base, seen[base], s))
        print("%d bases in %d splits" % (len(seen), len(set(seen.values()))))
    elif what == "sidecar":
        for k, sc in sidecars(d).items():
            if list(sc)[:len(SIDECAR_KEYS)] != SIDECAR_KEYS and not all(x in sc for x in SIDECAR_KEYS):
                fail("%s: keys %s" % (k, list(sc)))
            lm = sc["land_cover_label_meta"]
            if set(lm) - {"source", "crs", "shape", "dtype", "nodata", "class_pixels", "mask_classes"}:
                fail("%s: label meta %s" % (k, sorted(lm)))
            if sc["split"] != split_of(sc["base_poi_id"]):
                fail("%s: split" % k)
            b = sc["bbox_wgs84"]
            if not (12.4 < b[0] < b[2] < 12.8 and 52.4 < b[1] < b[3] < 52.6):
                fail("%s: bbox_wgs84 %s" % (k, b))
            if sc["image"] != "images/%s/%s.png" % (sc["image"].split("/")[1], k):
                fail("%s: image %s" % (k, sc["image"]))
        print("%d sidecars" % len(sidecars(d)))
    elif what == "card":
        card = open(os.path.join(d, "README.md")).read()
        if not card.startswith("---\n"):
            fail("no front matter")
        front = card.split("---\n")[1]
        sc = sidecars(d)
        tiles = len(sc)
        nrows = {s: sum(1 for x, _ in rows if x == s) for s in SPLITS}
        stills = sum(len(fs) for r, _, fs in os.walk(os.path.join(d, "mapbox_stills")))
        pois = set(v["poi_id"] for v in sc.values())
        for s, r in rows:
            img = image_of(r)
            if img.startswith("mapbox_stills/"):
                pois.add(os.path.basename(img)[:-4])
        want_rows = "| rows | %d | %d | %d | %d |" % (nrows["train"], nrows["validation"], nrows["test"], sum(nrows.values()))
        tl = {s: sum(1 for v in sc.values() if v["split"] == s) for s in SPLITS}
        want_tiles = "| tiles | %d | %d | %d | %d |" % (tl["train"], tl["validation"], tl["test"], tiles)
        for want in (want_rows, want_tiles, "%d POIs" % len(pois), "%d tiles" % tiles,
                     "%d overview stills" % stills):
            if want not in card:
                fail("card lacks %r" % want)
        for s in SPLITS:
            listed = ("- split: %s\n    path: data/%s.jsonl" % (s, s)) in front
            if listed != (nrows[s] > 0):
                fail("front matter split %s listed=%s rows=%d" % (s, listed, nrows[s]))
        for key in ("license:", "task_categories:", "tags:", "configs:", "size_categories:"):
            if key not in front:
                fail("front matter lacks " + key)
        try:
            import yaml
        except ImportError:
            yaml = None
        if yaml:
            # The Hub reads it as YAML: configs[0].data_files lists split/path pairs.
            y = yaml.safe_load(front)
            files = {f["split"]: f["path"] for f in y["configs"][0]["data_files"]}
            if y["configs"][0]["config_name"] != "default" or \
                    files != {s: "data/%s.jsonl" % s for s in SPLITS if nrows[s] > 0}:
                fail("YAML configs %r" % y["configs"])
            if not isinstance(y["license"], str) or "sentinel-2" not in y["tags"] or \
                    "image-text-to-text" not in y["task_categories"]:
                fail("YAML front matter %r" % y)
        # Pixel shares from the sidecars' class pixel counts.
        px = {}
        for v in sc.values():
            for c, n in v["land_cover_label_meta"]["class_pixels"].items():
                px[int(c)] = px.get(int(c), 0) + n
        tot = sum(px.values())
        for c, n in px.items():
            if not any(l.startswith("| %d |" % c) and ("| %d | %.2f%% |" % (n, 100.0 * n / tot)) in l
                       for l in card.splitlines()):
                fail("card lacks class %d with %d pixels" % (c, n))
        print("card agrees: %d tiles, %d rows" % (tiles, sum(nrows.values())))
    elif what == "pixels":
        sc = sidecars(d)
        n = 0
        for h, arrs in recio.read(stream):
            if "tile" in h:
                s = sc[h["tile"]["stem"]]
                _, got, _ = png_decode(os.path.join(d, s["image"]))
                want = np.transpose(arrs["image"], (1, 2, 0))
                if got.shape != want.shape or (got != want).any():
                    fail("%s: PNG pixels differ from the record" % s["image"])
                n += 1
            else:
                p = [os.path.join(r, f) for r, _, fs in os.walk(os.path.join(d, "mapbox_stills"))
                     for f in fs if f == h["poi_id"] + ".png"]
                _, got, _ = png_decode(p[0])
                if (got != np.transpose(arrs["still"], (1, 2, 0))).any():
                    fail("%s: still pixels differ" % p[0])
                n += 1
        print("%d images equal their records" % n)
    elif what == "masks":
        sc = sidecars(d)
        n = 0
        for h, arrs in recio.read(stream):
            if "tile" not in h:
                continue
            s = sc[h["tile"]["stem"]]
            kind, idx, pal = png_decode(os.path.join(d, s["mask"]))
            if kind != 3 or pal is None:
                fail("%s: not a palette PNG" % s["mask"])
            lab = arrs["label"][0].astype(np.int64)
            mc = s["land_cover_label_meta"].get("mask_classes")
            nod = [r for r in h["rasters"] if r["role"] == "label"][0]["nodata"]
            if mc:
                want = np.full(lab.shape, 254)
                for i, c in enumerate(mc):
                    want[lab == c] = i
                want[lab == nod] = 255
            else:
                want = np.where(lab == nod, 255, lab)
            if (idx != want).any():
                fail("%s: indices differ from the label" % s["mask"])
            for c in h["landcover"]["classes"]:
                i = mc.index(c["id"]) if mc else c["id"]
                if "color" in c and "%02x%02x%02x" % tuple(pal[i]) != c["color"]:
                    fail("%s: palette[%d] %s, want %s" % (s["mask"], i, pal[i], c["color"]))
            n += 1
        print("%d masks equal their labels" % n)
    elif what == "overlays":
        # Each overlay = the image with the row's boxes outlined (2 px), nothing else.
        sc = sidecars(d)
        n = 0
        for k, s in sc.items():
            _, img, _ = png_decode(os.path.join(d, s["image"]))
            h, w = img.shape[:2]
            for i, r in enumerate(s["rows"]):
                _, ov, _ = png_decode(os.path.join(d, r["overlay"]))
                want = np.zeros((h, w), bool)
                for b in r["boxes"]:
                    x1, y1, x2, y2 = s["regions"][b]["bbox"]
                    a, bb, c, dd = round(x1 * w), round(y1 * h), round(x2 * w), round(y2 * h)
                    m = np.zeros((h, w), bool)
                    m[bb:dd, a:c] = True
                    m[bb + 2:dd - 2, a + 2:c - 2] = False
                    want |= m
                diff = (ov != img).any(axis=2)
                if (diff & ~want).any():
                    fail("%s: pixels changed outside the box outlines" % r["overlay"])
                if not os.path.basename(r["overlay"]).startswith("%s__%03d_" % (k, i)):
                    fail("overlay name %s" % r["overlay"])
                n += 1
        print("%d overlays" % n)
    elif what == "jitter":
        # Variants share their base's split, and some would not if their own id were hashed.
        leaks = 0
        for k, sc in sidecars(d).items():
            if sc["poi_id"] != sc["base_poi_id"]:
                if sc["split"] != split_of(sc["base_poi_id"]):
                    fail("%s: split %s, base in %s" % (k, sc["split"], split_of(sc["base_poi_id"])))
                leaks += split_of(sc["poi_id"]) != split_of(sc["base_poi_id"])
        if leaks == 0:
            fail("no variant whose own id hashes to another split: the input proves nothing")
        print("%d variant tiles kept with their base" % leaks)
    elif what == "colors":
        # One-class rows: outlines in the class table colour, else SHA-256 of the name.
        table = {c: col for c, n, col in OSM}
        names = {n: c for c, n, col in OSM}
        n = 0
        for k, sc in sidecars(d).items():
            _, img, _ = png_decode(os.path.join(d, sc["image"]))
            for r in sc["rows"]:
                if len(set(sc["regions"][b]["label"] for b in r["boxes"])) != 1:
                    continue
                reg = sc["regions"][r["boxes"][0]]
                col = table.get(names.get(reg["label"]))
                if col:
                    want = tuple(int(col[i:i + 2], 16) for i in (0, 2, 4))
                else:
                    h = hashlib.sha256(reg["label"].encode()).digest()
                    want = tuple(64 + h[i] * 192 // 256 for i in range(3))
                _, ov, _ = png_decode(os.path.join(d, r["overlay"]))
                diff = (ov != img).any(axis=2)
                got = set(map(tuple, ov[diff].tolist()))
                if got and got != {want}:
                    fail("%s: colours %s, want %s" % (r["overlay"], got, want))
                n += bool(got)
        if n == 0:
            fail("no overlay drawn")
        print("%d one-class overlays in their class colour" % n)
    else:
        fail("unknown check " + what)


def overlay_colors(d):
    out = {}
    for k, s in sorted(sidecars(d).items()):
        _, img, _ = png_decode(os.path.join(d, s["image"]))
        for r in s["rows"]:
            _, ov, _ = png_decode(os.path.join(d, r["overlay"]))
            diff = (ov != img).any(axis=2)
            cols = sorted(set(map(tuple, ov[diff].tolist())))
            out[os.path.basename(r["overlay"])] = cols
    print(json.dumps(out, sort_keys=True))


def split_stream(src, n, out1, out2, pick=None):
    """Records 1..n of src to out1, the rest to out2, bytes untouched.  With pick
    "base-even", records whose base POI number is even go to out1 instead."""
    with open(src, "rb") as f, open(out1, "wb") as a, open(out2, "wb") as b:
        k = 0
        while True:
            line = f.readline()
            if not line:
                return
            h = json.loads(line)
            body = f.read(sum(r["bytes"] for r in h.get("rasters", [])))
            if pick == "base-even":
                dst = a if int(h["base_poi_id"][4:]) % 2 == 0 else b
            else:
                dst = a if k < n else b
            dst.write(line + body)
            k += 1


def same_streams(p1, p2):
    """Same records: equal JSON headers (as values) and equal payload arrays."""
    r1, r2 = recio.read(p1), recio.read(p2)
    if len(r1) != len(r2):
        fail("%d records vs %d" % (len(r1), len(r2)))
    for (h1, a1), (h2, a2) in zip(r1, r2):
        if h1 != h2:
            fail("headers differ: %s" % h1.get("poi_id"))
        if set(a1) != set(a2) or any((a1[k] != a2[k]).any() for k in a1):
            fail("payloads differ: %s" % h1.get("poi_id"))
    print("%d records equal" % len(r1))


def mkbad(src, out, kind):
    """Records 1 and 3 of src intact, between them record 2 spoilt in one way."""
    recs = recio.read(src)
    tiles = [(h, a) for h, a in recs if "tile" in h]
    good = [tiles[0], tiles[2]]
    h, a = json.loads(json.dumps(tiles[1][0])), dict(tiles[1][1])
    roles = ["image", "label"]
    if kind == "no-image":
        h["rasters"], roles = h["rasters"][1:], ["label"]
    elif kind == "image-uint16":
        h["rasters"][0]["dtype"] = "uint16"
        a["image"] = a["image"].astype(np.uint16) * 257
    elif kind == "image-4band":
        h["rasters"][0]["bands"] = ["red", "green", "blue", "nir"]
        a["image"] = np.concatenate([a["image"], a["image"][:1]])
    elif kind == "label-float":
        h["rasters"][1]["dtype"] = "float32"
        a["label"] = a["label"].astype(np.float32)
    elif kind in ("label-size", "label-size-nogrid"):
        a["label"] = a["label"][:, :40, :40]
        if kind == "label-size-nogrid":
            del h["grid"]
    elif kind == "bad-stem":
        h["tile"]["stem"] = "../evil"
    elif kind == "box-index":
        h["rows"][1]["boxes"] = [99]
    elif kind == "no-messages":
        del h["rows"][0]["messages"]
    elif kind == "bad-bbox":
        h["regions"][0]["bbox"] = [0.5, 0.2, 0.4, 0.9]
    elif kind == "rows-not-array":
        h["rows"] = {"tag": "caption"}
    elif kind == "tag-not-string":
        h["rows"][0]["tag"] = 7
    elif kind == "boxes-not-array":
        h["rows"][0]["boxes"] = "0"
    elif kind == "regions-not-array":
        h["regions"] = {}
    elif kind == "classes-not-array":
        h["landcover"]["classes"] = "osm"
    elif kind == "base-not-string":
        h["base_poi_id"] = 12
    elif kind == "no-poi":
        del h["poi_id"]
    elif kind == "image-no-tile":
        del h["tile"]
    elif kind == "neither":
        del h["tile"]
        h["rasters"], roles = h["rasters"][1:], ["label"]
    elif kind == "still-gray":
        del h["tile"]
        h["rasters"] = [{"role": "still", "width": 48, "height": 48, "bands": ["gray"], "dtype": "uint8"}]
        roles, a = ["still"], {"still": a["image"][:1]}
    else:
        fail("mkbad: unknown kind " + kind)
    with open(out, "wb") as f:
        recio.write(f, good[0][0], [good[0][1]["image"], good[0][1]["label"]])
        recio.write(f, h, [a[r] for r in roles])
        recio.write(f, good[1][0], [good[1][1]["image"], good[1][1]["label"]])


def main():
    a = sys.argv[1:]
    if a[0] == "mkbad":
        mkbad(a[1], a[2], a[3])
    elif a[0] == "same":
        same_streams(a[1], a[2])
    elif a[0] == "split":
        split_stream(a[1], int(a[2]), a[3], a[4], a[5] if len(a) > 5 else None)
    elif a[0] == "mkstream":
        mkstream(a[1:])
    elif a[0] == "check":
        mx = 8000
        if "--max" in a:
            i = a.index("--max")
            mx = int(a[i + 1])
            del a[i:i + 2]
        check(a[1], a[2], a[3] if len(a) > 3 else None, mx)
    elif a[0] == "overlay-colors":
        overlay_colors(a[1])
    else:
        fail("usage: see the header")


if __name__ == "__main__":
    main()
