#!/usr/bin/env python3
"""hf_rows.py - a replay of the Hugging Face dataset viewer /rows API for
tests/t04xx (127.0.0.1 only).

usage: hf_rows.py PORT FIXTURES [options]
  --rows N              rows in the dataset (default 1050: 11 pages, the last short)
  --dataset ID          the one dataset served (default
                        stochastic/random_streetview_images_pano_v0.0.2); any other
                        answers 404 {"error": ...} as the real API does
  --require-token TOK   without "Authorization: Bearer TOK": 401 {"error": ...}
  --rate-limit-once OFF the first request for offset OFF gets 429, Retry-After: 1
  --fail-offset OFF     every request for offset OFF gets 500 (a page that never works)
  --no-total            leave num_rows_total out (a client must page until a short page)
  --partial             say "partial": true (the slice is not over the whole dataset)
  --log FILE            one line per request: "offset=O length=L auth=ok|missing|wrong status=S"
                        (the token itself is never written)
  --dump FILE           write the dataset rows (row_idx, row) as JSON and go on

Answers follow the documented shape (huggingface/dataset-viewer docs/source/rows.md and
openapi.json, see ../shared/fixtures/hf_datasets_server): features[] {feature_idx, name,
type}, rows[] {row_idx, row, truncated_cells: []}, num_rows_total, num_rows_per_page: 100,
partial: false.  length > 100 is refused with 422, as the API does.

The rows: the coordinates are the bbox centres of the real STAC items in
FIXTURES/stac and the centres of the fixture rasters, stored as strings like the default
dataset; beyond those, each later copy of the list is moved 0.05 degrees north and east
per round so every row is a distinct place.  Image cells are {src, height, width} objects
with an expired-looking URL: a client must never fetch them.  Some rows are bad on purpose
(see BAD below), so a client must skip and count them.
"""
import glob
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

# Centres of the fixture rasters that have no STAC item JSON (gdalinfo -json wgs84Extent).
SCENES = [
    ("sentinel2_l1c_10m_T33UUU_havelland", "DE", 12.6092116, 52.4897054),
    ("sentinel2_l2a_10m_T48QUE_majortom", "", 103.7532925, 17.9197352),
    ("sentinel2_l2a_cog S2A_29RKH_20200219_0_L2A", "", -11.4247435, 24.8002737),
    ("landsat_fallback RGB.byte", "BS", -77.7577864, 24.5569749),
    ("worldcover N00E006", "", 7.5, 1.5),
]

# Country by MGRS grid zone and latitude band of the item id, where the item is on land.
COUNTRY = {"32T": "CH", "33T": "SI", "24M": "BR", "20E": "AQ", "59V": "RU", "60V": "RU",
           "59U": "RU", "58V": "RU", "58U": "RU"}

# Row index -> a bad row (replacing the good one at that index).
BAD = {
    3: {"latitude": None},             # missing (null)
    7: {"drop": "longitude"},          # missing (no column)
    11: {"latitude": "abc"},           # non-numeric
    15: {"longitude": "NaN"},          # non-finite
    19: {"latitude": "95.5"},          # out of range
    23: {"longitude": "-181"},         # out of range
    150: {"latitude": ""},             # missing (empty string)
    1020: {"longitude": "inf"},        # non-finite, on the last page
}


def places(fix):
    out = []
    for f in sorted(glob.glob(os.path.join(fix, "stac", "**", "*.json"), recursive=True)):
        with open(f) as fp:
            d = json.load(fp)
        feats = d.get("features") if d.get("type") == "FeatureCollection" else (
            [d] if d.get("type") == "Feature" else [])
        for it in feats:
            b = it.get("bbox")
            if not b:
                continue
            iid = it["id"]
            cc = ""
            for part in iid.split("_"):
                p = part.lstrip("T")
                if len(p) == 5 and p[:2].isdigit():
                    cc = COUNTRY.get(p[:3], "")
                    break
            out.append((iid, cc, (b[0] + b[2]) / 2, (b[1] + b[3]) / 2))
    out += SCENES
    # Several items share a footprint: keep one row per distinct place.
    seen, uniq = set(), []
    for p in out:
        k = (round(p[2], 4), round(p[3], 4))
        if k not in seen:
            seen.add(k)
            uniq.append(p)
    return uniq


def build_rows(fix, n):
    pl = places(fix)
    rows = []
    for i in range(n):
        name, cc, lon, lat = pl[i % len(pl)]
        shift = 0.05 * (i // len(pl))
        lat = min(89.0, lat + shift)
        lon = lon + shift
        if lon > 180:
            lon -= 360
        row = {
            "image": {"src": "https://datasets-server.huggingface.co/cached-assets/x/"
                      "--/y/train/%d/image/image.jpg?Expires=1&Signature=z" % i,
                      "height": 1024, "width": 3030},
            "country_iso_alpha2": cc,
            "latitude": "%.7f" % lat,
            "longitude": "%.7f" % lon,
            "address": "%s, row %d" % (name, i),
        }
        bad = BAD.get(i)
        if bad:
            for k, v in bad.items():
                if k == "drop":
                    del row[v]
                else:
                    row[k] = v
        rows.append(row)
    return rows


FEATURES = [
    {"feature_idx": 0, "name": "image", "type": {"_type": "Image"}},
    {"feature_idx": 1, "name": "country_iso_alpha2", "type": {"dtype": "string", "_type": "Value"}},
    {"feature_idx": 2, "name": "latitude", "type": {"dtype": "string", "_type": "Value"}},
    {"feature_idx": 3, "name": "longitude", "type": {"dtype": "string", "_type": "Value"}},
    {"feature_idx": 4, "name": "address", "type": {"dtype": "string", "_type": "Value"}},
]


class State:
    rows = []
    dataset = "stochastic/random_streetview_images_pano_v0.0.2"
    token = None
    rate_once = None
    fail_offset = None
    log = None
    lock = threading.Lock()
    limited = set()
    no_total = False
    partial = False


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send_json(self, code, obj, headers=()):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        u = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(u.query, keep_blank_values=True).items()}
        auth = self.headers.get("Authorization")
        if auth is None:
            a = "missing"
        elif State.token is not None and auth == "Bearer " + State.token:
            a = "ok"
        else:
            a = "present" if State.token is None else "wrong"
        status = self.answer(u.path, q, a)
        if State.log:
            with State.lock, open(State.log, "a") as fp:
                fp.write("offset=%s length=%s auth=%s status=%d\n" % (
                    q.get("offset", "-"), q.get("length", "-"), a, status))

    def answer(self, path, q, a):
        if path != "/rows":
            self.send_json(404, {"error": "Not Found"})
            return 404
        if State.token is not None and a != "ok":
            self.send_json(401, {"error": "The dataset does not exist, or is not accessible "
                                 "without authentication (private or gated). Please check "
                                 "the spelling of the dataset name or retry with other "
                                 "authentication credentials."})
            return 401
        if q.get("dataset") != State.dataset or q.get("split") != "train" or \
                q.get("config") != "default":
            self.send_json(404, {"error": "The dataset does not exist, or is not accessible "
                                 "without authentication (private or gated). Please check "
                                 "the spelling of the dataset name or retry with other "
                                 "authentication credentials."})
            return 404
        try:
            off = int(q.get("offset", "0"))
            length = int(q.get("length", "100"))
        except ValueError:
            self.send_json(422, {"error": "Parameters 'offset' and 'length' must be integers"})
            return 422
        if off < 0 or length < 0 or length > 100:
            self.send_json(422, {"error": "Parameter 'length' must be between 0 and 100"})
            return 422
        if State.fail_offset is not None and off == State.fail_offset:
            self.send_json(500, {"error": "Unexpected error."})
            return 500
        if State.rate_once is not None and off == State.rate_once:
            with State.lock:
                first = off not in State.limited
                State.limited.add(off)
            if first:
                self.send_json(429, {"error": "Too Many Requests"}, [("Retry-After", "1")])
                return 429
        page = [{"row_idx": i, "row": State.rows[i], "truncated_cells": []}
                for i in range(off, min(off + length, len(State.rows)))]
        doc = {"features": FEATURES, "rows": page, "num_rows_total": len(State.rows),
               "num_rows_per_page": 100, "partial": State.partial}
        if State.no_total:
            del doc["num_rows_total"]
        self.send_json(200, doc)
        return 200


def main():
    args = sys.argv[1:]
    port, fix = int(args[0]), args[1]
    n = 1050
    dump = None
    i = 2
    while i < len(args):
        if args[i] in ("--no-total", "--partial"):
            setattr(State, args[i][2:].replace("-", "_"), True)
            i += 1
            continue
        k, v = args[i], args[i + 1]
        if k == "--rows":
            n = int(v)
        elif k == "--dataset":
            State.dataset = v
        elif k == "--require-token":
            State.token = v
        elif k == "--rate-limit-once":
            State.rate_once = int(v)
        elif k == "--fail-offset":
            State.fail_offset = int(v)
        elif k == "--log":
            State.log = v
        elif k == "--dump":
            dump = v
        else:
            sys.exit("hf_rows.py: unknown option " + k)
        i += 2
    State.rows = build_rows(fix, n)
    if dump:
        with open(dump, "w") as fp:
            json.dump([{"row_idx": i, "row": r} for i, r in enumerate(State.rows)], fp)
    srv = ThreadingHTTPServer(("127.0.0.1", port), H)
    srv.daemon_threads = True
    srv.serve_forever()


if __name__ == "__main__":
    main()
