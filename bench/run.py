#!/usr/bin/python3
"""run.py - the cog-read benchmark proper (bench/cog-read.sh sets it up and calls it).

  run.py TOP WORK COG

TOP is the repository, WORK the scratch folder (bench/tmp), COG the
Sentinel-2-sized COG made by mkcog.py.  Starts nginx on 127.0.0.1 serving
WORK/www and latency-proxy.py in front of it, then for the same POIs runs:

  cog-read -j 1, cog-read -j 16     one URL: the header is read once, cached
  cog-read -j 16 cold               one URL per POI (symlinks to the same
                                    file): every chip reads its own header,
                                    as when each POI has its own scene
  gdal                              gdal_translate -srcwin on /vsicurl/, one
                                    process per chip, sequential
  whole                             curl of the whole file per chip (the
                                    original builder), fewer chips, per chip

each without and with 50 ms time to first byte, every leg under
/usr/bin/time -v (CPU = user + sys of the leg's processes, peak RSS = the
largest process) with requests and bytes counted from nginx's access log.
Prints the table and the target checks; also writes them to WORK/results.txt.

The legs run in BENCH_ROUNDS interleaved rounds, each over every ROUNDS-th
POI, so that load from other processes is spread over all legs alike (the
warm cog-read legs so read the header once per round, not once).

Environment: BENCH_POIS (200), BENCH_WHOLE (chips for the whole-file leg, 40),
BENCH_LATENCY_MS (50), BENCH_SIZE (window side, 512), BENCH_ROUNDS (2).
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

import numpy as np
from osgeo import osr

TOP, WORK, COG = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, os.path.join(TOP, "tests"))
import recio  # noqa: E402

NPOI = int(os.environ.get("BENCH_POIS", "200"))
NWHOLE = int(os.environ.get("BENCH_WHOLE", "40"))
LAT = float(os.environ.get("BENCH_LATENCY_MS", "50"))
SIZE = int(os.environ.get("BENCH_SIZE", "512"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
N = 10980
X0, Y0, RES = 300000.0, 5900040.0, 10.0  # the COG's grid (T33UUU)
GDAL_ENV = {
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".tif",
    "GDAL_HTTP_MULTIPLEX": "YES",
    "GDAL_HTTP_MERGE_CONSECUTIVE_RANGES": "YES",
    "VSI_CACHE": "TRUE",
    "GDAL_PAM_ENABLED": "NO",
}
OUT = []


def say(s=""):
    print(s, flush=True)
    OUT.append(s)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(p):
    for _ in range(200):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", p)) == 0:
                return
        time.sleep(0.05)
    sys.exit("run.py: nothing listens on port %d" % p)


def pois():
    """Deterministic POIs: pixel (col + 0.3, row + 0.3), 85 % uniform over the
    tile, 15 % within 300 px of an edge or corner (windows partly outside)."""
    rng = np.random.Generator(np.random.PCG64(3))
    out = []
    for i in range(NPOI):
        if i % 7 == 3:
            c, r = rng.integers(0, N, 2)
            side = rng.integers(0, 4)
            d = int(rng.integers(0, 300))
            if side == 0:
                c = d
            elif side == 1:
                c = N - 1 - d
            elif side == 2:
                r = d
            else:
                r = N - 1 - d
            if i % 21 == 3:  # a corner
                c, r = (d, N - 1 - d) if side & 1 else (N - 1 - d, d)
        else:
            c, r = rng.integers(0, N, 2)
        out.append((int(c), int(r)))
    utm, wgs = osr.SpatialReference(), osr.SpatialReference()
    utm.ImportFromEPSG(32633)
    wgs.ImportFromEPSG(4326)
    wgs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    utm.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(utm, wgs)
    res = []
    for i, (c, r) in enumerate(out):
        lon, lat, _ = ct.TransformPoint(X0 + (c + 0.3) * RES, Y0 - (r + 0.3) * RES)
        res.append({"i": i, "id": "poi_%06d" % i, "col": c, "row": r, "lon": lon, "lat": lat})
    return res


def records(path, P, url, cold=False):
    with open(path, "w") as f:
        for p in P:
            href = "%s/c/%03d.tif" % (url, p["i"]) if cold else url + "/s2.tif"
            f.write(json.dumps({
                "poi_id": p["id"], "lon": p["lon"], "lat": p["lat"],
                "scene": {"id": "S2_BENCH_T33UUU", "crs": "EPSG:32633",
                          "assets": {"red": {"href": href, "nodata": 0,
                                             "data_type": "uint16"}}}}) + "\n")


class Nginx:
    def __init__(self, root):
        self.dir = os.path.join(WORK, "nginx")
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.port = free_port()
        self.log = os.path.join(self.dir, "access.log")
        d = self.dir
        conf = """daemon on;
%s
pid %s/nginx.pid;
error_log %s/error.log;
worker_processes 1;
events { worker_connections 1024; }
http {
	log_format rangelog '"$request" $status $body_bytes_sent "$http_range" $connection';
	access_log %s rangelog;
	client_body_temp_path %s;
	proxy_temp_path %s;
	fastcgi_temp_path %s;
	uwsgi_temp_path %s;
	scgi_temp_path %s;
	types { image/tiff tif; }
	keepalive_requests 100000;
	keepalive_timeout 300s;
	sendfile on;
	server { listen 127.0.0.1:%d; root %s; location / { } }
}
""" % ("user root;" if os.getuid() == 0 else "", d, d, self.log, d, d, d, d, d,
            self.port, root)
        with open(os.path.join(d, "nginx.conf"), "w") as f:
            f.write(conf)
        subprocess.check_call(["nginx", "-c", os.path.join(d, "nginx.conf"),
                               "-e", os.path.join(d, "error.log")])
        wait_port(self.port)

    def stop(self):
        try:
            with open(os.path.join(self.dir, "nginx.pid")) as f:
                os.kill(int(f.read()), signal.SIGTERM)
        except (OSError, ValueError):
            pass

    def clear(self):
        open(self.log, "w").close()

    def count(self):
        """(requests, bytes, connections) logged since clear()."""
        time.sleep(0.3)  # nginx logs a request after its last byte went out
        n = b = 0
        conns = set()
        with open(self.log) as f:
            for ln in f:
                m = re.match(r'"[^"]*" (\d+) (\d+) "[^"]*" (\d+)', ln)
                if m:
                    n += 1
                    b += int(m.group(2))
                    conns.add(m.group(3))
        return n, b, len(conns)


def timed(cmd, env=None, stdin=None, stdout=None):
    """Run under /usr/bin/time -v: (wall s, cpu s, peak rss KiB, exit status)."""
    tf = os.path.join(WORK, "time.txt")
    e = dict(os.environ)
    e.update(env or {})
    t0 = time.monotonic()
    st = subprocess.call(["/usr/bin/time", "-v", "-o", tf] + cmd, env=e,
                         stdin=stdin, stdout=stdout)
    wall = time.monotonic() - t0
    v = {}
    with open(tf) as f:
        for ln in f:
            k, _, val = ln.strip().rpartition(": ")
            v[k] = val
    cpu = float(v["User time (seconds)"]) + float(v["System time (seconds)"])
    return wall, cpu, int(v["Maximum resident set size (kbytes)"]), st


def leg(ng, name, chips, cmd, **kw):
    ng.clear()
    wall, cpu, rss, st = timed(cmd, **kw)
    req, byt, conns = ng.count()
    if st != 0:
        say("!! %s exited %d" % (name, st))
    return {"name": name, "chips": chips, "wall": wall, "cpu": cpu, "rss": rss,
            "req": req, "bytes": byt, "conns": conns, "status": st}


def cogread(ng, name, P, url, j, cold=False):
    rec = os.path.join(WORK, "in.jsonl")
    records(rec, P, url, cold)
    rej = os.path.join(WORK, "rejects.txt")
    with open(rec) as fi, open(os.path.join(WORK, "cr.out"), "wb") as fo:
        r = leg(ng, name, len(P), [os.path.join(TOP, "bin", "cog-read"), "-q", "-j", str(j),
                                   "--assets", "red", "--size", str(SIZE), "--rejects", rej],
                stdin=fi, stdout=fo)
    if os.path.getsize(rej):
        say("!! %s rejected records: %s" % (name, open(rej).read()[:500]))
        r["status"] = 1
    return r


def gdal(ng, name, W, url):
    lst = os.path.join(WORK, "srcwin.txt")
    with open(lst, "w") as f:
        for x, y in W:
            f.write("%d %d\n" % (x, y))
    out = os.path.join(WORK, "g.tif")
    sh = ('while read x y; do gdal_translate -q -srcwin $x $y %d %d /vsicurl/%s/s2.tif %s '
          '|| exit 1; done <%s' % (SIZE, SIZE, url, out, lst))
    return leg(ng, name, len(W), ["sh", "-c", sh], env=GDAL_ENV)


def whole(ng, name, n, url):
    out = os.path.join(WORK, "whole.tif")
    sh = ('i=0; while [ $i -lt %d ]; do curl -sSf -o %s %s/s2.tif || exit 1; '
          'i=$((i + 1)); done' % (n, out, url))
    return leg(ng, name, n, ["sh", "-c", sh])


def table(rows, ref_gdal, ref_whole):
    say("%-22s %5s %5s %8s %9s %9s %9s %8s %8s | %7s %7s %7s | %7s %7s" % (
        "leg", "chips", "conns", "req/chip", "KiB/chip", "wall/chip", "cpu/chip", "rss MiB",
        "chips/s", "B/gdal", "cpu/gd", "x gdal", "B/whole", "x whole"))
    g, w = ref_gdal, ref_whole

    def per(r, k):
        return r[k] / r["chips"]
    for r in rows:
        say("%-22s %5d %5d %8.2f %9.1f %9.4f %9.4f %8.1f %8.2f | %7.3f %7.3f %7.2f | %7.4f %7.1f" % (
            r["name"], r["chips"], r["conns"], per(r, "req"), per(r, "bytes") / 1024, per(r, "wall"),
            per(r, "cpu"), r["rss"] / 1024, r["chips"] / r["wall"],
            per(r, "bytes") / per(g, "bytes"), per(r, "cpu") / per(g, "cpu"),
            per(g, "wall") / per(r, "wall"),
            per(r, "bytes") / per(w, "bytes"), per(w, "wall") / per(r, "wall")))


def main():
    www = os.path.join(WORK, "www")
    shutil.rmtree(www, ignore_errors=True)
    os.makedirs(os.path.join(www, "c"))
    os.symlink(os.path.abspath(COG), os.path.join(www, "s2.tif"))
    for i in range(NPOI):
        os.symlink(os.path.abspath(COG), os.path.join(www, "c", "%03d.tif" % i))
    ng = Nginx(www)
    pport = free_port()
    proxy = subprocess.Popen([sys.executable, os.path.join(TOP, "bench", "latency-proxy.py"),
                              str(pport), str(ng.port), str(LAT)])
    try:
        wait_port(pport)
        run(ng, pport)
    finally:
        proxy.terminate()
        proxy.wait()
        ng.stop()
    with open(os.path.join(WORK, "results.txt"), "w") as f:
        f.write("\n".join(OUT) + "\n")


def run(ng, pport):
    P = pois()
    direct = "http://127.0.0.1:%d" % ng.port
    slow = "http://127.0.0.1:%d" % pport
    say("cog-read benchmark, %s, %d POIs, %dx%d windows, nproc %d, load average %.2f" % (
        time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), NPOI, SIZE, SIZE, os.cpu_count(),
        os.getloadavg()[0]))
    git = ["git", "-C", TOP]
    head = subprocess.run(git + ["log", "-1", "--format=%h %cd", "--date=format:%H:%M"],
                          capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(git + ["status", "--porcelain", "--", "tools/cog-read.c", "lib/cog.c",
                                  "lib/cog.h", "lib/cog_codec.c", "lib/cog_codec.h", "lib/http.c"],
                           capture_output=True, text=True).stdout.split()[1::2]
    say("cog-read built from commit %s%s; %s" % (
        head, " + uncommitted " + " ".join(dirty) if dirty else "",
        subprocess.run(["gdal_translate", "--version"], capture_output=True,
                       text=True).stdout.strip()))
    tl = subprocess.check_output([sys.executable, os.path.join(TOP, "bench", "tiles.py"), COG],
                                 text=True)
    say(tl.rstrip())

    # Untimed first run: warms the page cache and gives the windows cog-read
    # chose (its "grid"), which GDAL then reads with -srcwin.
    prep = cogread(ng, "prep", P, direct, 16)
    if prep["status"]:
        sys.exit("run.py: cog-read failed on the first run")
    W, recs = [], {}
    for h, a in recio.read(os.path.join(WORK, "cr.out")):
        t = h["grid"]["transform"]
        W.append((round((t[2] - X0) / RES), round((Y0 - t[5]) / RES)))
        recs[h["poi_id"]] = (h, a)
    off = [(x - p["col"], y - p["row"]) for (x, y), p in zip(W, P)]
    say("windows: %d, offset from the POI's pixel always %s" % (len(W), sorted(set(off))))

    # Compressed size of the full-resolution tiles each window touches.
    wf = os.path.join(WORK, "windows.txt")
    with open(wf, "w") as f:
        for x, y in W:
            f.write("%d %d %d %d\n" % (x, y, SIZE, SIZE))
    tt = subprocess.check_output([sys.executable, os.path.join(TOP, "bench", "tiles.py"),
                                  COG, wf], text=True).split("\n")
    ntiles = sum(int(ln.split()[0]) for ln in tt if ln)
    touched = sum(int(ln.split()[1]) for ln in tt if ln)
    say("touched tiles: %.2f per chip, %.1f KiB compressed per chip" % (
        ntiles / NPOI, touched / NPOI / 1024))

    oracle(P, W, recs)

    # Every leg runs in ROUNDS interleaved rounds over a stripe of the POIs
    # (every ROUNDS-th), leg order reversed in odd rounds, so a burst of load
    # from other processes on the machine hits all legs alike.
    legs = []
    for lat, url in ((0, direct), (LAT, slow)):
        tag = "%dms" % lat
        legs += [
            ("cog-read -j1 " + tag, lambda p, w, n, u=url: cogread(ng, "", p, u, 1)),
            ("cog-read -j16 " + tag, lambda p, w, n, u=url: cogread(ng, "", p, u, 16)),
            ("cog-read -j16 cold " + tag,
             lambda p, w, n, u=url: cogread(ng, "", p, u, 16, cold=True)),
            ("gdal " + tag, lambda p, w, n, u=url: gdal(ng, "", w, u)),
            ("whole-file " + tag, lambda p, w, n, u=url: whole(ng, "", n, u)),
        ]
    acc = {name: {"name": name, "chips": 0, "wall": 0.0, "cpu": 0.0, "rss": 0, "req": 0,
                  "bytes": 0, "conns": 0, "status": 0} for name, _ in legs}
    t0 = time.monotonic()
    for k in range(ROUNDS):
        idx = list(range(k, NPOI, ROUNDS))
        p, w = [P[i] for i in idx], [W[i] for i in idx]
        n = NWHOLE // ROUNDS + (1 if k < NWHOLE % ROUNDS else 0)
        for name, fn in (legs if k % 2 == 0 else legs[::-1]):
            if name.startswith("whole") and n == 0:
                continue
            r = fn(p, w, n)
            a = acc[name]
            for key in ("chips", "wall", "cpu", "req", "bytes", "conns"):
                a[key] += r[key]
            a["rss"] = max(a["rss"], r["rss"])
            a["status"] |= r["status"]
        print("round %d of %d done, %.0f s, load average %.2f" % (
            k + 1, ROUNDS, time.monotonic() - t0, os.getloadavg()[0]), file=sys.stderr)
    results = {}
    for lat in (0, LAT):
        rows = [acc[name] for name, _ in legs if name.endswith(" %dms" % lat)]
        results[lat] = rows
        say()
        say("latency %g ms (time to first byte of every response)" % lat)
        table(rows, rows[3], rows[4])
        for r in rows:
            if r["status"]:
                say("!! %s failed" % r["name"])
    say()
    say("legs took %.0f s in %d interleaved rounds; load average at the end %.2f" % (
        time.monotonic() - t0, ROUNDS, os.getloadavg()[0]))
    say("columns: conns = TCP connections nginx saw; per chip = leg total / chips; rss = the"
        " largest process; chips/s = chips / wall; B/gdal, cpu/gd = bytes, CPU per chip over"
        " GDAL's; x gdal, x whole = throughput over GDAL's, the whole-file download's")
    checks(results, touched)


def oracle(P, W, recs):
    """cog-read's pixels against gdal_translate -srcwin on the same file."""
    pick = [i for i in range(NPOI) if i % 7 == 3][:4] + [0, 1, 2, NPOI // 2]
    bad = 0
    tmp = os.path.join(WORK, "oracle.raw")
    for i in pick:
        x, y = W[i]
        subprocess.check_call(["gdal_translate", "-q", "-of", "ENVI", "-srcwin", str(x), str(y),
                               str(SIZE), str(SIZE), COG, tmp])
        g = np.fromfile(tmp, "<u2").reshape(SIZE, SIZE)
        h, a = recs[P[i]["id"]]
        if not np.array_equal(a["image"][0], g):
            bad += 1
            say("!! oracle: %s window %d,%d differs from gdal_translate in %d pixels" % (
                P[i]["id"], x, y, int((a["image"][0] != g).sum())))
    say("oracle: %d of %d windows (%s) equal gdal_translate -srcwin pixel for pixel%s" % (
        len(pick) - bad, len(pick), ",".join(str(i) for i in pick),
        "" if not bad else "  ** MISMATCH **"))


def checks(res, touched):
    def per(r, k):
        return r[k] / r["chips"]
    say("targets (issue 3):")
    tb = touched / NPOI
    for lat, rows in res.items():
        for r in rows[:3]:
            ratio = per(r, "bytes") / tb
            say("  bytes %-24s %.3fx the touched tiles (%.1f of %.1f KiB/chip)  <= 1.25x: %s" % (
                r["name"], ratio, per(r, "bytes") / 1024, tb / 1024,
                "MET" if ratio <= 1.25 else "MISSED"))
    for lat, rows in res.items():
        g = rows[3]
        for r in rows[:3]:
            ratio = per(r, "cpu") / per(g, "cpu")
            say("  cpu   %-24s %.3fx GDAL's CPU per chip  <= 0.5x: %s" % (
                r["name"], ratio, "MET" if ratio <= 0.5 else "MISSED"))
    rows = res[LAT]
    g = rows[3]
    for r in rows[1:3]:
        x = per(g, "wall") / per(r, "wall")
        say("  speed %-24s %.1fx GDAL's sequential throughput with %g ms  >= 8x: %s" % (
            r["name"], x, LAT, "MET" if x >= 8 else "MISSED"))


if __name__ == "__main__":
    main()
