#!/usr/bin/python3
"""tiles.py - tile layout of a tiled TIFF, read from its IFDs, for the benchmark.

  tiles.py FILE            summary: per IFD size, tile size, compressed bytes, ratio
  tiles.py FILE WINDOWS    for each line "x y w h" of WINDOWS (pixels of IFD 0):
                           "ntiles bytes" = the tiles the window touches (inside
                           the image) and the sum of their TileByteCounts

Our own minimal reader (classic and BigTIFF, both byte orders), independent of
cog-read's lib/cog*.c and of GDAL, so the byte target is checked against the
file itself.
"""
import struct
import sys

TYPES = {1: "B", 2: "c", 3: "H", 4: "I", 6: "b", 7: "B", 8: "h", 9: "i",
         11: "f", 12: "d", 16: "Q", 17: "q", 18: "Q"}


def ifds(path):
    with open(path, "rb") as f:
        data = f.read(4 << 20)  # IFDs and arrays of a COG lie at the front
        f.seek(0, 2)
        size = f.tell()
    e = "<" if data[:2] == b"II" else ">"
    big = struct.unpack(e + "H", data[2:4])[0] == 43
    off = struct.unpack(e + ("Q" if big else "I"), data[(8 if big else 4):(16 if big else 8)])[0]
    out = []
    while off:
        if big:
            n = struct.unpack(e + "Q", data[off:off + 8])[0]
            p, esz = off + 8, 20
        else:
            n = struct.unpack(e + "H", data[off:off + 2])[0]
            p, esz = off + 2, 12
        tags = {}
        for i in range(n):
            q = p + i * esz
            tag, typ = struct.unpack(e + "HH", data[q:q + 4])
            cnt = struct.unpack(e + ("Q" if big else "I"), data[q + 4:q + (12 if big else 8)])[0]
            fmt = TYPES.get(typ)
            if fmt is None:
                continue
            nbytes = struct.calcsize(fmt) * cnt
            vo = q + (12 if big else 8)
            if nbytes > (8 if big else 4):
                vo = struct.unpack(e + ("Q" if big else "I"), data[vo:vo + (8 if big else 4)])[0]
            tags[tag] = struct.unpack(e + fmt * cnt, data[vo:vo + nbytes]) if fmt != "c" else None
        out.append(tags)
        q = p + n * esz
        off = struct.unpack(e + ("Q" if big else "I"), data[q:q + (8 if big else 4)])[0]
    return out, size


def layout(t):
    w, h = t[256][0], t[257][0]
    tw, th = t[322][0], t[323][0]
    return w, h, tw, th, (w + tw - 1) // tw, t[325]


def main():
    ds, size = ifds(sys.argv[1])
    if len(sys.argv) == 2:
        tot = 0
        for i, t in enumerate(ds):
            w, h, tw, th, across, counts = layout(t)
            raw = w * h * t[258][0] // 8 * t.get(277, (1,))[0]
            tot += sum(counts)
            print("ifd %d %dx%d tiles %dx%d n %d predictor %d compressed %d raw %d ratio %.2f"
                  % (i, w, h, tw, th, len(counts), t.get(317, (1,))[0], sum(counts), raw,
                     raw / sum(counts)))
        print("file %d bytes, tile data %d, rest (headers, ghost area, padding) %d"
              % (size, tot, size - tot))
        return
    w, h, tw, th, across, counts = layout(ds[0])
    for line in open(sys.argv[2]):
        x, y, ww, hh = map(int, line.split())
        x0, y0 = max(x, 0), max(y, 0)
        x1, y1 = min(x + ww, w), min(y + hh, h)
        n = b = 0
        for ty in range(y0 // th, (y1 - 1) // th + 1):
            for tx in range(x0 // tw, (x1 - 1) // tw + 1):
                n += 1
                b += counts[ty * across + tx]
        print(n, b)


if __name__ == "__main__":
    main()
