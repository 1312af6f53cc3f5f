#!/usr/bin/env python3
"""stac_api.py - a small STAC API of ours for tests/t05xx (127.0.0.1 only).

usage: stac_api.py PORT FIXTURES [options]

Answers /search (POST JSON body, or GET query parameters) by filtering a folder of
real item JSON, the way stac-server (Earth Search) or the Planetary Computer do:
collections, ids, bbox / intersects (polygon intersection on the item geometry),
datetime (instant or A/B, '..' open), query (eq neq lt lte gt gte), sortby, limit,
and paging through real-shaped next links.

  --items PATH       a file or folder of item JSON (repeatable).  Feature files are
                     items; FeatureCollection files give their features.  Default:
                     the Earth Search set: FIXTURES/stac/static_catalog_earth_search_s2l2a,
                     stac/earth_search_v1/item_*.json, the features of the recorded search
                     pages (all collections), and the S2A_29RKH item of
                     FIXTURES/sentinel2_l2a_cog.
  --pc               the Planetary Computer set instead: the recorded PC search page's
                     items and landing page, with PC-style paging (--paging pc)
  --landing FILE     landing page served at the root (default: the recorded Earth
                     Search landing page, verbatim)
  --no-sort          drop the sort conformance classes from the landing page
  --paging STYLE     es: POST next link, merge false, body = all parameters + "next"
                         "datetime,id,collection" (stac-server);
                     es-minimal: the same but a body of only {"next": ...}, as Earth
                         Search answered the recorded filter search (a client must
                         overlay it on its previous body);
                     get: GET next href carrying every parameter plus next=;
                     pc: POST next link, body = parameters + "token": "next:coll:id",
                         no merge key, plus a rel=previous link;
                     loop: a broken server whose next link repeats the request.
                     GET searches always get GET next links (as stac-server).
  --max-limit N      cap on limit (default 100); limit < 1 answers 400
  --ignore KEY       drop this request parameter before filtering (repeatable), as
                     Earth Search silently ignored a CQL2 filter (a client must
                     check what it asked for itself)
Also GET {prefix}/collections/{collection}/items/{id} (the whole item, or 404), and the
fields extension on searches (include / exclude dotted paths; GET: fields=a,-b).

  --no-fields        drop the fields conformance classes from the landing page
  --control FILE     JSON {"search"|"landing"|"token"|"item": [...]}: the
                     action for the Nth request of that route (the last one repeats):
                     ok, 429 (Retry-After: 1), 500, garbage (200, not JSON), notfc
                     (200, JSON but no features), hang (answer nothing for 60 s).
                     Counters restart whenever the file's content changes.
  --log FILE         one JSON line per request: {"route","method","path","query","body"}
  --token-ttl S      lifetime of the SAS tokens of /api/sas/v1/token/{collection}
                     (default 3600); tokens look like real SAS query strings and end
                     with sig=SECRET-SIG-N (N counts tokens issued)

When a POST body equals the body of a recorded request exactly, the recorded page is
served verbatim: stac/earth_search_v1/search_post_cql2_page1.json and page2.json, and
stac/planetary_computer/search_sentinel-2-l2a_datetime.json (see PROVENANCE.md).
"""
import glob
import json
import os
import sys
import threading
import time
import urllib.parse
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()


def load_items(paths):
    items, seen = [], set()

    def add(f):
        if isinstance(f, dict) and f.get("type") == "Feature" and "id" in f:
            k = (f.get("collection"), f["id"])
            if k not in seen:
                seen.add(k)
                items.append(f)

    files = []
    for p in paths:
        if os.path.isdir(p):
            files += sorted(glob.glob(os.path.join(p, "**", "*.json"), recursive=True))
        else:
            files += sorted(glob.glob(p))
    for fn in files:
        with open(fn, "rb") as fp:
            d = json.load(fp)
        if d.get("type") == "Feature":
            add(d)
        elif d.get("type") == "FeatureCollection":
            for f in d.get("features", []):
                add(f)
    return items


# ---- time ----

def parse_time(s):
    s = s.strip()
    if len(s) == 10:
        return datetime.strptime(s, "%Y-%m-%d").replace(tzinfo=timezone.utc).timestamp()
    d = datetime.fromisoformat(s.replace("z", "Z").replace("Z", "+00:00"))
    if d.tzinfo is None:
        raise ValueError("no time zone")
    return d.timestamp()


def parse_interval(s):
    if "/" not in s:
        t = parse_time(s)
        return t, t
    a, b = s.split("/", 1)
    lo = float("-inf") if a in ("", "..") else parse_time(a)
    hi = float("inf") if b in ("", "..") else parse_time(b)
    return lo, hi


def item_time(it):
    p = it.get("properties", {})
    if p.get("datetime"):
        t = parse_time(p["datetime"])
        return t, t
    return parse_time(p["start_datetime"]), parse_time(p["end_datetime"])


# ---- geometry: polygons as lists of outer rings ----

def rings_of(g):
    if g is None:
        return []
    if g["type"] == "Polygon":
        return [g["coordinates"][0]]
    if g["type"] == "MultiPolygon":
        return [p[0] for p in g["coordinates"]]
    if g["type"] == "Point":
        x, y = g["coordinates"][:2]
        return [[[x, y], [x, y], [x, y]]]
    raise ValueError("unsupported geometry type %s" % g["type"])


def in_ring(ring, x, y):
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][:2]
        xj, yj = ring[j][:2]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def seg_cross(p1, p2, p3, p4):
    def o(a, b, c):
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    d1, d2, d3, d4 = o(p3, p4, p1), o(p3, p4, p2), o(p1, p2, p3), o(p1, p2, p4)
    return ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0))


def rings_intersect(a, b):
    if any(in_ring(b, *p[:2]) for p in a) or any(in_ring(a, *p[:2]) for p in b):
        return True
    for i in range(len(a) - 1):
        for j in range(len(b) - 1):
            if seg_cross(a[i], a[i + 1], b[j], b[j + 1]):
                return True
    return False


def geom_intersects(g1, g2):
    return any(rings_intersect(a, b) for a in rings_of(g1) for b in rings_of(g2))


def bbox_geom(b):
    x0, y0, x1, y1 = b
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


# ---- search ----

class BadRequest(Exception):
    pass


OPS = {
    "eq": lambda v, a: v == a, "neq": lambda v, a: v != a,
    "lt": lambda v, a: v is not None and v < a, "lte": lambda v, a: v is not None and v <= a,
    "gt": lambda v, a: v is not None and v > a, "gte": lambda v, a: v is not None and v >= a,
    "in": lambda v, a: v in a,
    "startsWith": lambda v, a: isinstance(v, str) and v.startswith(a),
    "endsWith": lambda v, a: isinstance(v, str) and v.endswith(a),
    "contains": lambda v, a: isinstance(v, str) and a in v,
}


def params_from_get(qs):
    q = urllib.parse.parse_qs(qs, keep_blank_values=True)
    p = {}
    for k, v in q.items():
        v = v[-1]
        if k in ("collections", "ids"):
            p[k] = [s for s in v.split(",") if s]
        elif k == "bbox":
            try:
                p[k] = [float(s) for s in v.split(",")]
            except ValueError:
                raise BadRequest("bbox: not numbers")
        elif k in ("intersects", "query"):
            try:
                p[k] = json.loads(v)
            except ValueError:
                raise BadRequest("%s: not JSON" % k)
        elif k == "limit":
            try:
                p[k] = int(v)
            except ValueError:
                raise BadRequest("limit: not an integer")
        elif k == "sortby":
            p[k] = [{"field": s.lstrip("+-"), "direction": "desc" if s.startswith("-") else "asc"}
                    for s in v.split(",") if s]
        elif k == "fields":
            f = [s for s in v.split(",") if s]
            p[k] = {"include": [s.lstrip("+") for s in f if not s.startswith("-")],
                    "exclude": [s[1:] for s in f if s.startswith("-")]}
        else:
            p[k] = v
    return p


def params_to_get(p):
    q = []
    for k, v in p.items():
        if k in ("collections", "ids"):
            v = ",".join(v)
        elif k == "bbox":
            v = ",".join(repr(float(x)) for x in v)
        elif k in ("intersects", "query"):
            v = json.dumps(v, separators=(",", ":"))
        elif k == "sortby":
            v = ",".join(("-" if s.get("direction") == "desc" else "+") + s["field"] for s in v)
        elif k == "fields":
            v = ",".join(list(v.get("include") or []) + ["-" + x for x in v.get("exclude") or []])
        q.append((k, str(v)))
    return urllib.parse.urlencode(q)


def prop(it, field):
    if field.startswith("properties."):
        return it.get("properties", {}).get(field[11:])
    if field in ("id", "collection"):
        return it.get(field)
    return it.get("properties", {}).get(field)


def apply_fields(it, fields):
    """The fields extension: keep "include" paths (dotted), then drop "exclude" ones."""
    inc, exc = fields.get("include") or [], fields.get("exclude") or []
    if inc:
        out = {"type": it.get("type"), "id": it.get("id")}
        for path in inc:
            src, dst, parts = it, out, path.split(".")
            for k in parts[:-1]:
                src = src.get(k) if isinstance(src, dict) else None
                dst = dst.setdefault(k, {})
            if isinstance(src, dict) and parts[-1] in src:
                dst[parts[-1]] = src[parts[-1]]
    else:
        out = json.loads(json.dumps(it))
    for path in exc:
        d, parts = out, path.split(".")
        for k in parts[:-1]:
            d = d.get(k) if isinstance(d, dict) else None
        if isinstance(d, dict):
            d.pop(parts[-1], None)
    return out


def search(items, p, max_limit):
    if "bbox" in p and "intersects" in p:
        raise BadRequest("Expected bbox OR intersects, not both")
    limit = p.get("limit", 10)
    if not isinstance(limit, int) or limit < 1:
        raise BadRequest("Invalid limit value, must be a number between 1 and %d" % max_limit)
    limit = min(limit, max_limit)
    area = None
    if "bbox" in p:
        if len(p["bbox"]) != 4:
            raise BadRequest("bbox: 4 numbers expected")
        area = bbox_geom(p["bbox"])
    elif "intersects" in p:
        area = p["intersects"]
        try:
            rings_of(area)
        except (KeyError, TypeError, ValueError) as e:
            raise BadRequest("intersects: %s" % e)
    lo = hi = None
    if p.get("datetime"):
        try:
            lo, hi = parse_interval(p["datetime"])
        except ValueError:
            raise BadRequest("datetime: not RFC 3339: %s" % p["datetime"])
    out = []
    for it in items:
        if "collections" in p and it.get("collection") not in p["collections"]:
            continue
        if "ids" in p and it["id"] not in p["ids"]:
            continue
        if lo is not None:
            t0, t1 = item_time(it)
            if t1 < lo or t0 > hi:
                continue
        if area is not None and not geom_intersects(it.get("geometry"), area):
            continue
        ok = True
        for k, ops in (p.get("query") or {}).items():
            for op, arg in ops.items():
                if op not in OPS:
                    raise BadRequest("query: unknown operator %s" % op)
                if not OPS[op](prop(it, k), arg):
                    ok = False
        if ok:
            out.append(it)
    # stac-server's default order: newest first, then id, then collection.
    sortby = p.get("sortby") or [{"field": "properties.datetime", "direction": "desc"},
                                 {"field": "id", "direction": "desc"},
                                 {"field": "collection", "direction": "desc"}]
    for s in reversed(sortby):
        desc = s.get("direction", "asc") == "desc"
        have = [it for it in out if prop(it, s["field"]) is not None]
        none = [it for it in out if prop(it, s["field"]) is None]
        have.sort(key=lambda it: prop(it, s["field"]), reverse=desc)
        out = have + none
    return out, limit


class Server(ThreadingHTTPServer):
    daemon_threads = True


def make_handler(cfg):
    counts = {}
    state = {"control": None}

    def action(route):
        ctl = {}
        if cfg["control"] and os.path.exists(cfg["control"]):
            with open(cfg["control"], "rb") as fp:
                raw = fp.read()
            with LOCK:
                if raw != state["control"]:
                    state["control"] = raw
                    counts.clear()
            try:
                ctl = json.loads(raw or b"{}")
            except ValueError:
                ctl = {}
        with LOCK:
            n = counts.get(route, 0)
            counts[route] = n + 1
        acts = ctl.get(route) or ["ok"]
        return acts[min(n, len(acts) - 1)]

    def log(entry):
        if cfg["log"]:
            with LOCK, open(cfg["log"], "a") as fp:
                fp.write(json.dumps(entry, sort_keys=True) + "\n")

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def reply(self, code, body, ctype="application/json", headers=()):
            if isinstance(body, (dict, list)):
                body = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def misbehave(self, act):
            if act == "429":
                self.reply(429, {"code": "TooManyRequests", "description": "slow down"},
                           headers=[("Retry-After", "1")])
            elif act == "500":
                self.reply(500, {"code": "InternalServerError", "description": "boom"})
            elif act == "garbage":
                self.reply(200, b"<html><body>502 Bad Gateway</body></html>", "application/json")
            elif act == "notfc":
                self.reply(200, {"code": "ok", "message": "nothing to see"})
            elif act == "hang":
                time.sleep(60)
                self.close_connection = True
            else:
                return False
            return True

        def base(self):
            return "http://127.0.0.1:%d" % self.server.server_address[1]

        def handle_any(self, method):
            u = urllib.parse.urlsplit(self.path)
            path = u.path
            body = None
            if method == "POST":
                n = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(n)
                try:
                    body = json.loads(raw or b"null")
                except ValueError:
                    body = raw.decode("utf-8", "replace")
            if "/sas/v1/token/" in path:
                route = "token"
            elif path.rstrip("/").endswith("/search"):
                route = "search"
            elif "/collections/" in path and "/items/" in path:
                route = "item"
            else:
                route = "landing"
            log({"route": route, "method": method, "path": path, "query": u.query, "body": body})
            if self.misbehave(action(route)):
                return
            if route == "token":
                self.token(path.rsplit("/", 1)[1])
            elif route == "search":
                self.search(method, path, u.query, body)
            elif route == "item":
                coll, iid = path.split("/collections/", 1)[1].split("/items/", 1)
                coll, iid = urllib.parse.unquote(coll), urllib.parse.unquote(iid)
                for it in cfg["items"]:
                    if it.get("collection") == coll and it["id"] == iid:
                        self.reply(200, it, "application/geo+json")
                        return
                self.reply(404, {"code": "NotFound", "description": "Item not found"})
            else:
                self.reply(200, cfg["landing"])

        def token(self, coll):
            with LOCK:
                cfg["tokens"] += 1
                n = cfg["tokens"]
            exp = datetime.fromtimestamp(time.time() + cfg["ttl"], timezone.utc)
            se = exp.strftime("%Y-%m-%dT%H:%M:%SZ")
            tok = ("st=%s&se=%s&sp=rl&sv=2021-06-08&sr=c&skoid=c85c15d6&sktid=72f988bf"
                   "&skt=%s&ske=%s&sks=b&skv=2021-06-08&sig=SECRET-SIG-%d" %
                   (se, urllib.parse.quote(se), se, se, n))
            self.reply(200, {"msft:expiry": se, "token": tok})

        def search(self, method, path, qs, body):
            if method == "POST":
                for req, page in cfg["recorded"]:
                    if body == req:
                        with open(page, "rb") as fp:
                            self.reply(200, fp.read(), "application/geo+json")
                        return
                if not isinstance(body, dict):
                    self.reply(400, {"code": "BadRequest", "description": "body is not a JSON object"})
                    return
                p = dict(body)
            else:
                try:
                    p = params_from_get(qs)
                except BadRequest as e:
                    self.reply(400, {"code": "BadRequest", "description": str(e)})
                    return
            style = cfg["paging"] if method == "POST" else "get"
            token = p.pop("token", None) if style == "pc" else p.pop("next", None)
            try:
                found, limit = search(cfg["items"], {k: v for k, v in p.items()
                                                     if k not in cfg["ignore"]}, cfg["max_limit"])
            except BadRequest as e:
                self.reply(400, {"code": "BadRequest", "description": str(e)})
                return
            start = 0
            if token:
                key = token.split(":", 2)[1:] if style == "pc" else token.split(",")[1:3][::-1]
                # key = [collection, id]
                for i, it in enumerate(found):
                    if [it.get("collection"), it["id"]] == key:
                        start = i + 1
                        break
                else:
                    self.reply(400, {"code": "BadRequest", "description": "unknown next token"})
                    return
            page = found[start:start + limit]
            if isinstance(p.get("fields"), dict):
                page = [apply_fields(it, p["fields"]) for it in page]
            links = []
            url = self.base() + path
            if style == "loop":
                # A broken server: "next" is the very request just made.
                links.append({"rel": "next", "method": "POST", "href": url, "body": dict(p)})
            elif start + limit < len(found):
                last = page[-1]
                if style in ("es", "es-minimal"):
                    nxt = "%s,%s,%s" % (last["properties"].get("datetime"), last["id"],
                                        last.get("collection"))
                    nb = {"next": nxt} if style == "es-minimal" else dict(p, next=nxt)
                    links.append({"rel": "next", "title": "Next page of Items", "method": "POST",
                                  "type": "application/geo+json", "href": url, "merge": False,
                                  "body": nb})
                elif style == "pc":
                    links.append({"rel": "next", "type": "application/geo+json", "method": "POST",
                                  "href": url, "body": dict(p, token="next:%s:%s" %
                                                            (last.get("collection"), last["id"]))})
                else:
                    nxt = "%s,%s,%s" % (last["properties"].get("datetime"), last["id"],
                                        last.get("collection"))
                    # A relative href, to exercise RFC 3986 resolution by clients.
                    links.append({"rel": "next", "title": "Next page of Items", "method": "GET",
                                  "type": "application/geo+json",
                                  "href": "search?" + params_to_get(dict(p, next=nxt))})
            if style == "pc" and start > 0:
                first = page[0] if page else found[start - 1]
                links.append({"rel": "previous", "type": "application/geo+json", "method": "POST",
                              "href": url, "body": dict(p, token="prev:%s:%s" %
                                                        (first.get("collection"), first["id"]))})
            links.append({"rel": "root", "type": "application/json", "href": self.base() + "/"})
            fc = {"type": "FeatureCollection", "features": page, "links": links}
            if style != "pc":
                fc = {"type": "FeatureCollection", "stac_version": "1.0.0", "stac_extensions": [],
                      "context": {"limit": limit, "matched": len(found), "returned": len(page)},
                      "numberMatched": len(found), "numberReturned": len(page),
                      "features": page, "links": links}
            self.reply(200, fc, "application/geo+json")

        def do_GET(self):
            self.handle_any("GET")

        def do_POST(self):
            self.handle_any("POST")

    return H


def main():
    a = sys.argv[1:]
    if len(a) < 2:
        sys.exit(__doc__)
    port, fix = int(a[0]), a[1]
    opts = {"items": [], "landing": None, "paging": "es", "control": None, "log": None,
            "ttl": 3600, "max_limit": 100, "no_sort": False, "no_fields": False, "pc": False,
            "ignore": []}
    i = 2
    while i < len(a):
        k = a[i]
        if k in ("--no-sort", "--no-fields", "--pc"):
            opts[k[2:].replace("-", "_")] = True
            i += 1
            continue
        v = a[i + 1]
        if k == "--items":
            opts["items"].append(v)
        elif k == "--ignore":
            opts["ignore"].append(v)
        elif k == "--landing":
            opts["landing"] = v
        elif k == "--paging":
            opts["paging"] = v
        elif k == "--control":
            opts["control"] = v
        elif k == "--log":
            opts["log"] = v
        elif k == "--token-ttl":
            opts["ttl"] = float(v)
        elif k == "--max-limit":
            opts["max_limit"] = int(v)
        else:
            sys.exit("stac_api.py: unknown option %s" % k)
        i += 2
    stac = os.path.join(fix, "stac")
    if opts["pc"]:
        items = opts["items"] or [os.path.join(stac, "planetary_computer",
                                               "search_sentinel-2-l2a_datetime.json")]
        landing = opts["landing"] or os.path.join(stac, "planetary_computer", "landing.json")
        if opts["paging"] == "es":
            opts["paging"] = "pc"
    else:
        items = opts["items"] or [
            os.path.join(stac, "static_catalog_earth_search_s2l2a"),
            os.path.join(stac, "earth_search_v1", "item_*.json"),
            os.path.join(stac, "earth_search_v1", "search_post_cql2_page*.json"),
            os.path.join(fix, "sentinel2_l2a_cog", "*", "*.json")]
        landing = opts["landing"] or os.path.join(stac, "earth_search_v1", "landing.json")
    with open(landing, "rb") as fp:
        landing_body = fp.read()
    for cls in ("sort", "fields"):
        if opts["no_" + cls]:
            d = json.loads(landing_body)
            d["conformsTo"] = [c for c in d["conformsTo"] if not c.endswith("#" + cls)]
            landing_body = json.dumps(d).encode()
    es = os.path.join(stac, "earth_search_v1")
    recorded = [
        ({"filter": {"op": "lte", "args": [{"property": "eo:cloud_cover"}, 40]},
          "filter-lang": "cql2-json"}, os.path.join(es, "search_post_cql2_page1.json")),
        ({"next": "2025-07-31T13:03:25.899000Z,S2B_T24MVV_20250731T130245_L2A,sentinel-2-c1-l2a"},
         os.path.join(es, "search_post_cql2_page2.json")),
        ({"datetime": "2019-01-01T00:00:01Z/2019-01-01T00:00:10Z", "collections": ["sentinel-2-l2a"]},
         os.path.join(stac, "planetary_computer", "search_sentinel-2-l2a_datetime.json")),
    ]
    cfg = {"items": load_items(items), "landing": landing_body, "paging": opts["paging"],
           "control": opts["control"], "log": opts["log"], "ttl": opts["ttl"],
           "max_limit": opts["max_limit"], "recorded": recorded, "tokens": 0,
           "ignore": opts["ignore"]}
    srv = Server(("127.0.0.1", port), make_handler(cfg))
    srv.serve_forever()


if __name__ == "__main__":
    main()
