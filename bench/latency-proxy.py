#!/usr/bin/python3
"""latency-proxy.py - HTTP/1.1 keep-alive proxy that adds time to first byte.

  latency-proxy.py LISTEN_PORT UPSTREAM_PORT [DELAY_MS]   (default 50)

For the benchmark only: netem is not available, so this stands in for an
object store's latency.  Listens on 127.0.0.1.  Each client connection gets
its own upstream connection to 127.0.0.1:UPSTREAM_PORT, so keep-alive passes
through: a client that reuses its connection reuses ours.  Every response's
first byte is held until DELAY_MS after its request arrived; the rest of the
response then streams through untouched.

Written on asyncio protocols rather than streams: body bytes go from one
transport to the other without extra copies, so the proxy's own CPU (it
shares the machine with the programs measured) stays small.  Upstream
reading pauses while a response is held and while the client is slow
(flow control), so nothing is buffered without bound.  Responses are
delimited by Content-Length (nginx's static files); a response without one
streams until the upstream closes.
"""
import asyncio
import collections
import sys

HEAD_MAX = 65536


def parse_head(h):
    """(first line, {lower-case field: value}) of a message head."""
    lines = h.decode("latin-1").split("\r\n")
    f = {}
    for ln in lines[1:]:
        k, sep, v = ln.partition(":")
        if sep:
            f[k.strip().lower()] = v.strip()
    return lines[0], f


class Upstream(asyncio.Protocol):
    def __init__(self, client):
        self.c = client
        self.t = None
        self.buf = bytearray()	# response head being read, or body held back
        self.left = None	# body bytes still to pass of the current response
        self.holding = False

    def connection_made(self, t):
        self.t = t
        self.c.upstream_ready(self)

    def data_received(self, data):
        if self.left is not None and not self.holding:
            self.body(data)
            return
        self.buf += data
        if self.left is None:
            self.try_head()

    def try_head(self):
        i = self.buf.find(b"\r\n\r\n")
        if i < 0:
            if len(self.buf) > HEAD_MAX:
                self.c.close()
            return
        head = bytes(self.buf[:i + 4])
        rest = bytes(self.buf[i + 4:])
        self.buf = bytearray()
        status, f = parse_head(head)
        t0, method = self.c.pending.popleft() if self.c.pending else (self.c.loop.time(), "GET")
        code = int(status.split()[1])
        if method == "HEAD" or code in (204, 304) or code < 200:
            n = 0
        elif "content-length" in f:
            n = int(f["content-length"])
        else:
            n = -1	# until close
        self.close_after = f.get("connection", "").lower() == "close"
        self.left = n
        self.holding = True
        self.t.pause_reading()
        self.buf = bytearray(rest)
        wait = t0 + self.c.delay - self.c.loop.time()
        if wait > 0:
            self.c.loop.call_later(wait, self.release, head)
        else:
            self.release(head)

    def release(self, head):
        if self.c.closed:
            return
        self.holding = False
        self.c.t.write(head)
        rest, self.buf = bytes(self.buf), bytearray()
        if not self.c.paused:
            self.t.resume_reading()
        if rest or self.left == 0:
            self.body(rest)

    def body(self, data):
        if self.left < 0:
            self.c.t.write(data)
            return
        take = data[:self.left]
        self.c.t.write(take)
        self.left -= len(take)
        if self.left == 0:
            self.left = None
            if self.close_after:
                self.c.close()
                return
            more = data[len(take):]
            if more:
                self.data_received(more)

    def connection_lost(self, exc):
        self.c.close()


class Client(asyncio.Protocol):
    def __init__(self, up, delay):
        self.port, self.delay = up, delay
        self.loop = asyncio.get_running_loop()
        self.pending = collections.deque()	# (arrival time, method) per request
        self.buf = bytearray()
        self.up = None
        self.out = []	# request bytes waiting for the upstream connection
        self.paused = False
        self.closed = False

    def connection_made(self, t):
        self.t = t
        self.loop.create_task(self.connect())

    async def connect(self):
        try:
            await self.loop.create_connection(lambda: Upstream(self), "127.0.0.1", self.port)
        except OSError:
            self.close()

    def upstream_ready(self, u):
        self.up = u
        for b in self.out:
            u.t.write(b)
        self.out = []

    def data_received(self, data):
        # Requests are heads only (GET/HEAD): note each one's arrival time.
        now = self.loop.time()
        self.buf += data
        while True:
            i = self.buf.find(b"\r\n\r\n")
            if i < 0:
                if len(self.buf) > HEAD_MAX:
                    self.close()
                break
            line = bytes(self.buf[:self.buf.find(b" ")])
            self.pending.append((now, line.decode("latin-1")))
            del self.buf[:i + 4]
        if self.up is not None:
            self.up.t.write(data)
        else:
            self.out.append(bytes(data))

    def pause_writing(self):
        self.paused = True
        if self.up is not None and not self.up.holding:
            self.up.t.pause_reading()

    def resume_writing(self):
        self.paused = False
        if self.up is not None and not self.up.holding:
            self.up.t.resume_reading()

    def connection_lost(self, exc):
        self.close()

    def close(self):
        if self.closed:
            return
        self.closed = True
        self.t.close()
        if self.up is not None:
            self.up.t.close()


async def main():
    port, up = int(sys.argv[1]), int(sys.argv[2])
    delay = (float(sys.argv[3]) if len(sys.argv) > 3 else 50.0) / 1000.0
    loop = asyncio.get_running_loop()
    srv = await loop.create_server(lambda: Client(up, delay), "127.0.0.1", port, backlog=256)
    async with srv:
        await srv.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
