#!/usr/bin/python3
"""latency-proxy.py - HTTP/1.1 keep-alive proxy that adds time to first byte.

  latency-proxy.py LISTEN_PORT UPSTREAM_PORT [DELAY_MS]   (default 50)

For the benchmark only: netem is not available, so this stands in for an
object store's latency.  Each client connection gets its own upstream
connection to 127.0.0.1:UPSTREAM_PORT (keep-alive passes through: a client
that reuses its connection reuses ours).  Every response's first byte is held
until DELAY_MS after its request arrived; the body is then streamed through
as it comes.  Requests are forwarded in order, one at a time per connection
(no pipelining, which libcurl and GDAL do not use).  Listens on 127.0.0.1.
"""
import asyncio
import sys

CHUNK = 1 << 20


async def head(reader):
    """One message head (bytes up to and including the blank line), or b"" at EOF."""
    try:
        return await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as e:
        if e.partial:
            raise
        return b""


def fields(h):
    lines = h.decode("latin-1").split("\r\n")
    f = {}
    for ln in lines[1:]:
        if ":" in ln:
            k, v = ln.split(":", 1)
            f[k.strip().lower()] = v.strip()
    return lines[0], f


async def copy(reader, writer, n):
    while n > 0:
        b = await reader.read(min(n, CHUNK))
        if not b:
            raise ConnectionError("upstream closed mid-body")
        writer.write(b)
        n -= len(b)
        await writer.drain()


async def chunked(reader, writer):
    while True:
        ln = await reader.readuntil(b"\r\n")
        writer.write(ln)
        n = int(ln.split(b";")[0], 16)
        if n == 0:
            writer.write(await head(reader) or b"\r\n")  # trailers
            await writer.drain()
            return
        await copy(reader, writer, n + 2)


async def serve(cr, cw, up, delay):
    loop = asyncio.get_running_loop()
    ur = uw = None
    try:
        while True:
            req = await head(cr)
            if not req:
                return
            t0 = loop.time()
            line, f = fields(req)
            if ur is None:
                ur, uw = await asyncio.open_connection("127.0.0.1", up)
            uw.write(req)
            if "content-length" in f:
                await copy(cr, uw, int(f["content-length"]))
            await uw.drain()
            resp = await head(ur)
            if not resp:
                return
            status, g = fields(resp)
            wait = t0 + delay - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            cw.write(resp)
            code = int(status.split()[1])
            if line.startswith("HEAD ") or code in (204, 304) or code < 200:
                pass
            elif g.get("transfer-encoding", "").lower() == "chunked":
                await chunked(ur, cw)
            elif "content-length" in g:
                await copy(ur, cw, int(g["content-length"]))
            else:  # body until upstream closes
                while True:
                    b = await ur.read(CHUNK)
                    if not b:
                        break
                    cw.write(b)
                    await cw.drain()
                return
            await cw.drain()
            if g.get("connection", "").lower() == "close" or \
                    f.get("connection", "").lower() == "close":
                return
    except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        pass
    finally:
        for w in (cw, uw):
            if w is not None:
                w.close()


async def main():
    port, up = int(sys.argv[1]), int(sys.argv[2])
    delay = (float(sys.argv[3]) if len(sys.argv) > 3 else 50.0) / 1000.0
    srv = await asyncio.start_server(lambda r, w: serve(r, w, up, delay),
                                     "127.0.0.1", port, limit=1 << 16, backlog=256)
    async with srv:
        await srv.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
