#!/usr/bin/env python3
"""ee.py - a stand-in for the Earth Engine getPixels REST method (127.0.0.1 only).

usage: EE_TEST_TOKEN=... ee.py PORT DIR ASSET=FILE...

POST /v1/projects/earthengine-public/assets/{ASSET}:getPixels with a JSON body
{"fileFormat":"GEO_TIFF","grid":{"dimensions":{width,height},"affineTransform":
{scaleX,shearX,translateX,shearY,scaleY,translateY},"crsCode"},"bandIds":[...]}
answers as the documented API does, computed for real: the asset's FILE is
warped onto the requested grid with gdalwarp -r near (exact transformation,
masked pixels 0) and the GeoTIFF is returned.  Errors come back as Earth
Engine's JSON {"error":{"code","message","status"}}:
  401 without "Authorization: Bearer $EE_TEST_TOKEN", 404 for an unknown asset,
  400 for a bad body, a rotated grid, or an unknown band (the asset has "Map").
Every request is appended to DIR/requests.log as "asset status WxH band auth-ok".
"""
import json
import os
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/v1/projects/earthengine-public/assets/"
lock = threading.Lock()


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def log(self, asset, code, what):
        with lock:
            with open(os.path.join(DIR, "requests.log"), "a") as f:
                f.write("%s %d %s\n" % (asset, code, what))

    def reply(self, code, body, ctype="application/json"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def error(self, asset, code, status, message):
        self.log(asset, code, message)
        body = json.dumps({"error": {"code": code, "message": message, "status": status}})
        self.reply(code, body.encode())

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n)
        path = self.path
        if not path.startswith(PREFIX) or not path.endswith(":getPixels"):
            return self.error("-", 404, "NOT_FOUND", "Unknown method " + path)
        asset = path[len(PREFIX):-len(":getPixels")]
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            return self.error(asset, 401, "UNAUTHENTICATED",
                              "Request had invalid authentication credentials.")
        if asset not in ASSETS:
            return self.error(asset, 404, "NOT_FOUND",
                              "Image asset '%s' not found." % asset)
        try:
            req = json.loads(raw)
            assert req["fileFormat"] == "GEO_TIFF"
            g = req["grid"]
            w, h = g["dimensions"]["width"], g["dimensions"]["height"]
            t = g["affineTransform"]
            crs = g["crsCode"]
            bands = req.get("bandIds", ["Map"])
        except (ValueError, KeyError, AssertionError, TypeError):
            return self.error(asset, 400, "INVALID_ARGUMENT", "Invalid JSON payload.")
        if t.get("shearX", 0) or t.get("shearY", 0):
            return self.error(asset, 400, "INVALID_ARGUMENT", "rotated grids not served here")
        if bands != ["Map"]:
            return self.error(asset, 400, "INVALID_ARGUMENT",
                              "Band pattern '%s' did not match any bands." % bands[0])
        x0, y0 = t["translateX"], t["translateY"]
        x1, y1 = x0 + w * t["scaleX"], y0 + h * t["scaleY"]
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "out.tif")
            subprocess.check_call(["gdalwarp", "-q", "-r", "near", "-et", "0", "-ovr", "NONE",
                                   "-t_srs", crs, "-te", repr(min(x0, x1)), repr(min(y0, y1)),
                                   repr(max(x0, x1)), repr(max(y0, y1)), "-ts", str(w), str(h),
                                   "-dstnodata", "0", "-co", "COMPRESS=DEFLATE",
                                   "-co", "TILED=YES", ASSETS[asset], out])
            with open(out, "rb") as f:
                body = f.read()
        self.log(asset, 200, "%dx%d %s" % (w, h, bands[0]))
        self.reply(200, body, "image/tiff")


if __name__ == "__main__":
    PORT, DIR = int(sys.argv[1]), sys.argv[2]
    ASSETS = dict(a.split("=", 1) for a in sys.argv[3:])
    TOKEN = os.environ["EE_TEST_TOKEN"]
    ThreadingHTTPServer(("127.0.0.1", PORT), H).serve_forever()
