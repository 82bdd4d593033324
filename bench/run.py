#!/usr/bin/env python3
"""Vì Dân's benchmark: starts the release server on a fresh SQLite database, drives its pages with
wrk at 64 connections beside a static file served by the same process, weighs what a first visit
downloads, and writes a Markdown and a JSON report with the machine it ran on.

Usage: bench/run.py --binary target/release/vidan --site target/site [--seconds 10]
"""

import argparse
import datetime
import gzip
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as r:
        # Header names as the server sent them (lower case), looked up without regard to case.
        return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()


class Server:
    """The release binary on its own port and database; reports its peak memory."""

    def __init__(self, binary, site, demo):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="vidan-bench-")
        env = dict(os.environ)
        env.update({
            "VIDAN_ADDR": f"127.0.0.1:{self.port}",
            "DATABASE_URL": f"sqlite://{self.dir}/vidan.db?mode=rwc",
            "LEPTOS_SITE_ROOT": site,
            "VIDAN_DEMO_DATA": "true" if demo else "false",
            "VIDAN_API_RATE_PER_MINUTE": "100000000",
            "RUST_LOG": "warn",
        })
        started = time.monotonic()
        self.process = subprocess.Popen([binary], env=env)
        self.base = f"http://127.0.0.1:{self.port}"
        while True:
            try:
                if get(self.base + "/health")[0] == 200:
                    break
            except OSError:
                pass
            if self.process.poll() is not None:
                sys.exit("the server stopped while starting")
            time.sleep(0.02)
        self.ready_seconds = time.monotonic() - started

    def peak_rss_mb(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return None

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)


def wrk(url, seconds, connections=64):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
         "-s", os.path.join(HERE, "wrk-report.lua"), url],
        capture_output=True, text=True, check=True).stdout
    line = [l for l in out.splitlines() if l.startswith("{")][-1]
    return json.loads(line)


def brotli_size(data):
    if shutil.which("brotli") is None:
        return None
    return len(subprocess.run(["brotli", "-c", "-q", "11"], input=data, capture_output=True,
                              check=True).stdout)


def weight(site, base):
    pkg = os.path.join(site, "pkg")
    files = {}
    for name in sorted(os.listdir(pkg)):
        data = open(os.path.join(pkg, name), "rb").read()
        files[name] = {"raw": len(data), "gzip": len(gzip.compress(data, 9)),
                       "brotli": brotli_size(data)}
    # A first visit: the home page and what it links, as a browser asks for them.
    accept = {"Accept-Encoding": "br, gzip"}
    _, headers, html = get(base + "/", accept)
    page = html
    if headers.get("content-encoding") == "br" and shutil.which("brotli"):
        page = subprocess.run(["brotli", "-d", "-c"], input=html, capture_output=True).stdout
    elif headers.get("content-encoding") == "gzip":
        page = gzip.decompress(html)
    text = page.decode("utf-8", "replace")
    assets = sorted(set(re.findall(r'(?:href|src)="(/pkg/[^"]+|/fonts/[^"]+)"', text)))
    assets += [a.replace(".js", ".wasm") for a in assets if a.endswith(".js")]
    transferred = {"/": {"bytes": len(html), "encoding": headers.get("content-encoding")}}
    for path in assets:
        try:
            _, h, body = get(base + path, accept)
            transferred[path] = {"bytes": len(body), "encoding": h.get("content-encoding")}
        except OSError as e:
            transferred[path] = {"error": str(e)}
    total = sum(v.get("bytes", 0) for v in transferred.values())
    return {"files": files, "first_visit": transferred, "first_visit_bytes": total}


def machine():
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        mem = open("/proc/meminfo").readline().split(":", 1)[1].strip()
    except OSError:
        pass
    return {"host": platform.node(), "cpu": cpu, "cores": os.cpu_count(), "memory": mem,
            "kernel": platform.release()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--site", required=True)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--out", default=os.path.join(HERE, "results"))
    args = parser.parse_args()
    site = os.path.abspath(args.site)

    empty = Server(args.binary, site, demo=False)
    ready_empty = empty.ready_seconds
    empty.stop()

    server = Server(args.binary, site, demo=True)
    base = server.base
    challenges = json.loads(get(base + "/api/v1/challenges?limit=200")[2])["items"]
    public = [c for c in challenges if c["entries_public"]]
    pilots = json.loads(get(base + "/api/v1/pilots")[2])["items"]
    pages = [
        ("home", "/"),
        ("challenge list", "/challenges"),
        ("challenge page", f"/challenges/{challenges[0]['slug']}"),
        ("public entries", f"/challenges/{public[0]['slug']}/entries"),
        ("pilot page", f"/pilots/{pilots[0]['id']}"),
        ("dashboard", "/dashboard"),
        ("API: challenges", "/api/v1/challenges"),
        ("static file", "/favicon.svg"),
    ]
    results = []
    for name, path in pages:
        run = wrk(base + path, args.seconds)
        run.update({"name": name, "path": path})
        results.append(run)
        print(f"{name:16} {run['rps']:>9.0f} req/s  p99 {run['p99_ms']:.1f} ms  errors {run['errors']}",
              flush=True)
    static = next(r for r in results if r["name"] == "static file")["rps"]
    for r in results:
        r["share_of_static"] = r["rps"] / static if static else None
    report = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "data": "demo data (the large seed is not built yet)",
        "connections": 64,
        "seconds_per_scenario": args.seconds,
        "ready_seconds": {"empty database": ready_empty, "demo data": server.ready_seconds},
        "pages": results,
        "weight": weight(site, base),
        "peak_rss_mb": server.peak_rss_mb(),
    }
    server.stop()
    os.makedirs(args.out, exist_ok=True)
    stem = os.path.join(args.out, f"{report['date'][:10]}-{report['machine']['host']}")
    with open(stem + ".json", "w") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)
    with open(stem + ".md", "w") as f:
        f.write(markdown(report))
    print(f"wrote {stem}.md and {stem}.json")


def markdown(r):
    m = r["machine"]
    lines = [
        f"# Benchmark {r['date']}",
        "",
        f"Machine: {m['host']}, {m['cpu']}, {m['cores']} cores, {m['memory']}, Linux {m['kernel']}.",
        f"Data: {r['data']}. wrk, 2 threads, {r['connections']} connections, "
        f"{r['seconds_per_scenario']} s per scenario; SQLite.",
        "",
        "## Pages",
        "",
        "| page | path | req/s | p50 ms | p95 ms | p99 ms | errors | of static |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for p in r["pages"]:
        share = f"{p['share_of_static'] * 100:.1f} %" if p["share_of_static"] else ""
        lines.append(f"| {p['name']} | `{p['path']}` | {p['rps']:.0f} | {p['p50_ms']:.1f} | "
                     f"{p['p95_ms']:.1f} | {p['p99_ms']:.1f} | {p['errors']} | {share} |")
    w = r["weight"]
    lines += ["", "## Weight", "", "| file | raw | gzip | brotli |", "|---|---:|---:|---:|"]
    for name, f in w["files"].items():
        brotli = f"{f['brotli']:,}" if f["brotli"] is not None else "n/a"
        lines.append(f"| `{name}` | {f['raw']:,} | {f['gzip']:,} | {brotli} |")
    lines += ["", f"A first visit to the home page transfers **{w['first_visit_bytes']:,} bytes**:", ""]
    for path, f in w["first_visit"].items():
        lines.append(f"- `{path}`: {f.get('bytes', f.get('error'))} bytes ({f.get('encoding') or 'identity'})")
    ready = r["ready_seconds"]
    lines += [
        "",
        "## Start and memory",
        "",
        f"- Ready on an empty database (migrations included): {ready['empty database']:.2f} s",
        f"- Ready on a new database filled with demo data: {ready['demo data']:.2f} s",
        f"- Peak RSS of the server during the run: {r['peak_rss_mb']:.0f} MB",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
