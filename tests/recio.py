"""recio.py - read and write the record stream in numpy, for test oracles.

Independent of lib/rec.c on purpose: DESIGN.md section 3 written out again.
"""
import json

import numpy as np

DT = {"uint8": "<u1", "uint16": "<u2", "int16": "<i2", "float32": "<f4"}


def read(path):
    """Records of a stream file as (header dict, {role: array[bands, h, w]})."""
    out = []
    with open(path, "rb") as f:
        while True:
            line = f.readline()
            if not line:
                return out
            h = json.loads(line)
            arrs = {}
            for r in h.get("rasters", []):
                n = r["bytes"]
                buf = f.read(n)
                assert len(buf) == n, "short payload"
                a = np.frombuffer(buf, dtype=DT[r["dtype"]])
                arrs[r["role"]] = a.reshape(len(r["bands"]), r["height"], r["width"])
            out.append((h, arrs))


def write(f, header, arrays):
    """Write one record: arrays in the order of header["rasters"], bytes fixed up."""
    for r, a in zip(header["rasters"], arrays):
        a = np.ascontiguousarray(a, dtype=DT[r["dtype"]])
        r["bytes"] = a.nbytes
        r["bands"] = r["bands"][: a.shape[0]]
        r["height"], r["width"] = a.shape[1], a.shape[2]
    f.write(json.dumps(header, separators=(",", ":")).encode() + b"\n")
    for r, a in zip(header["rasters"], arrays):
        f.write(np.ascontiguousarray(a, dtype=DT[r["dtype"]]).tobytes())
