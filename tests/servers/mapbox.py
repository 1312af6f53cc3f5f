#!/usr/bin/env python3
"""mapbox.py - a replay of the Mapbox Static Images API for tests (127.0.0.1 only).

usage: MAPBOX_ACCESS_TOKEN=... mapbox.py PORT DIR

GET /styles/v1/{owner}/{style}/static/{lon},{lat},{zoom},{bearing},{pitch}/{w}x{h}[@2x]
    ?access_token=T
A request without the token in the environment gets 401, as the real API does.
What comes back depends on the integer part of lon (files from DIR):
  1: still.png   2: still.jpg   3: 429 (Retry-After: 1) once, then still.png
  4: 404         5: an HTML page with 200   6: 401   7: 429 always
  8: wrong.png (another size)   9: truncated still.jpg
  10: still.jpg labelled image/png   11: still.png labelled image/jpeg
Every request is appended to DIR/requests.log as "path-without-query status"; the
query (the token) is never logged.  GET /count returns the number of requests.
"""
import os
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = re.compile(r"^/styles/v1/([\w.-]+)/([\w.-]+)/static/"
                  r"(-?[\d.]+),(-?[\d.]+),([\d.]+),([\d.]+),([\d.]+)/(\d+)x(\d+)(@2x)?$")
lock = threading.Lock()
seen = {}
total = [0]


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, code, body, ctype="application/json", headers=()):
        path = self.path.split("?", 1)[0]
        with lock:
            with open(os.path.join(DIR, "requests.log"), "a") as f:
                f.write("%s %d\n" % (path, code))
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def file(self, name):
        with open(os.path.join(DIR, name), "rb") as f:
            return f.read()

    def do_GET(self):
        path, _, query = self.path.partition("?")
        if path == "/count":
            return self.reply(200, b"%d" % total[0], "text/plain")
        with lock:
            total[0] += 1
        m = PATH.match(path)
        if not m:
            return self.reply(422, b'{"message":"Invalid request"}')
        params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
        kind = int(float(m.group(3)))
        if params.get("access_token") != TOKEN or kind == 6:
            return self.reply(401, b'{"message":"Not Authorized - Invalid Token"}')
        with lock:
            seen[path] = seen.get(path, 0) + 1
            n = seen[path]
        if kind == 1:
            return self.reply(200, self.file("still.png"), "image/png")
        if kind == 2:
            return self.reply(200, self.file("still.jpg"), "image/jpeg")
        if kind == 3:
            if n == 1:
                return self.reply(429, b'{"message":"Too Many Requests"}',
                                  headers=[("Retry-After", "1")])
            return self.reply(200, self.file("still.png"), "image/png")
        if kind == 4:
            return self.reply(404, b'{"message":"Not Found"}')
        if kind == 5:
            return self.reply(200, b"<html><body>maintenance</body></html>", "text/html")
        if kind == 7:
            return self.reply(429, b'{"message":"Too Many Requests"}',
                              headers=[("Retry-After", "0")])
        if kind == 8:
            return self.reply(200, self.file("wrong.png"), "image/png")
        if kind == 9:
            data = self.file("still.jpg")
            return self.reply(200, data[:len(data) // 2], "image/jpeg")
        if kind == 10:
            return self.reply(200, self.file("still.jpg"), "image/png")
        if kind == 11:
            return self.reply(200, self.file("still.png"), "image/jpeg")
        return self.reply(404, b'{"message":"Not Found"}')


def main():
    global DIR, TOKEN
    port, DIR = int(sys.argv[1]), sys.argv[2]
    TOKEN = os.environ["MAPBOX_ACCESS_TOKEN"]
    srv = ThreadingHTTPServer(("127.0.0.1", port), H)
    srv.daemon_threads = True
    srv.serve_forever()


if __name__ == "__main__":
    main()
