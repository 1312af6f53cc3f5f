#!/usr/bin/env python3
"""flaky.py - a misbehaving HTTP server for tests/t1000-http.sh (127.0.0.1 only).

usage: flaky.py PORT ROOT

Paths (KEY makes each scenario's request count separate):
  /429/N/KEY[?...]     429 with "Retry-After: 1" the first N times, then 200 "ok KEY"
  /429date/N/KEY       the same with Retry-After as an HTTP-date 1 s ahead
  /429long/KEY         429 with Retry-After: 3600 (a client must give up at once)
  /500/N/KEY           500 the first N times, then 200
  /503/KEY             503 always
  /404/KEY             404 always (must not be retried)
  /hang/KEY            read the request, never answer
  /reset/N/KEY         reset the connection (RST) the first N times, then 200
  /garbage/KEY         answer bytes that are not HTTP
  /norange/FILE        serve ROOT/FILE whole with 200, ignoring Range
  /badrange/FILE       answer 206 with a Content-Range that starts elsewhere
  /big/KEY             a 200 body of 8 MiB
  /echo/KEY            POST: answer the request body, prefixed by method and content type
  /count/KEY           how many requests KEY has had so far (this one excluded)
  /redir/KEY?to=URL    302 to URL (signed-URL style hand-offs)
  /gzip/KEY            a gzip-encoded JSON body (400 if the client does not accept gzip)
  /peer/KEY            the client's port: the same port twice means a reused connection
  /trickle/KEY         promise 1000 bytes, send one every 0.4 s (a stalled transfer)
"""
import email.utils
import gzip
import os
import socket
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

counts = {}
lock = threading.Lock()
ROOT = "."


def bump(key):
    with lock:
        counts[key] = counts.get(key, 0) + 1
        return counts[key]


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("flaky: %s\n" % (fmt % args))

    def reply(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_POST(self):
        self.do_GET()

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        parts = [p for p in path.split("/") if p]
        if not parts:
            return self.reply(404)
        kind = parts[0]
        if kind == "count":
            with lock:
                n = counts.get("/".join(parts[1:]), 0)
            return self.reply(200, b"%d" % n)
        key = "/".join(parts[1:])
        n = bump(key)
        if kind in ("429", "429date", "500", "reset"):
            limit, name = int(parts[1]), "/".join(parts[2:])
            if n <= limit:
                if kind == "429":
                    return self.reply(429, b"slow down", [("Retry-After", "1")])
                if kind == "429date":
                    when = email.utils.formatdate(time.time() + 1.5, usegmt=True)
                    return self.reply(429, b"slow down", [("Retry-After", when)])
                if kind == "500":
                    return self.reply(500, b"oops")
                # RST instead of FIN: what a crashed peer or a load balancer does.
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
                return
            return self.reply(200, b"ok " + name.encode())
        if kind == "429long":
            return self.reply(429, b"later", [("Retry-After", "3600")])
        if kind == "503":
            return self.reply(503, b"unavailable")
        if kind == "404":
            return self.reply(404, b"no such thing")
        if kind == "hang":
            time.sleep(30)
            self.close_connection = True
            return
        if kind == "garbage":
            self.wfile.write(b"\x00\x01garbage that is not HTTP at all\r\n\r\n")
            self.close_connection = True
            return
        if kind in ("norange", "badrange"):
            with open(os.path.join(ROOT, os.path.basename(key)), "rb") as f:
                data = f.read()
            if kind == "norange":
                return self.reply(200, data)
            body = data[10:20]
            return self.reply(206, body, [("Content-Range", "bytes 10-19/%d" % len(data))])
        if kind == "redir":
            to = urllib.parse.parse_qs(self.path.split("?", 1)[1])["to"][0]
            return self.reply(302, b"", [("Location", to)])
        if kind == "gzip":
            body = b'{"items":[' + b",".join(b'{"n":%d}' % i for i in range(2000)) + b"]}"
            if "gzip" in self.headers.get("Accept-Encoding", ""):
                return self.reply(200, gzip.compress(body), [("Content-Encoding", "gzip")])
            return self.reply(400, b"this endpoint checks gzip decoding: send Accept-Encoding")
        if kind == "peer":
            return self.reply(200, b"%d" % self.client_address[1])
        if kind == "trickle":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(1000):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.4)
            except OSError:
                pass
            self.close_connection = True
            return
        if kind == "big":
            return self.reply(200, b"x" * (8 << 20))
        if kind == "echo":
            ln = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(ln) if ln else b""
            ct = self.headers.get("Content-Type", "")
            return self.reply(200, ("%s %s\n" % (self.command, ct)).encode() + body)
        return self.reply(404)


def main():
    global ROOT
    port, ROOT = int(sys.argv[1]), sys.argv[2]
    srv = ThreadingHTTPServer(("127.0.0.1", port), H)
    srv.daemon_threads = True
    srv.serve_forever()


if __name__ == "__main__":
    main()
