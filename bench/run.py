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
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

import lighthouse

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

    def __init__(self, binary, site, demo, database_url=None, log=None, rust_log="warn", env_extra=None):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="vidan-bench-")
        env = dict(os.environ)
        env.update({
            "VIDAN_ADDR": f"127.0.0.1:{self.port}",
            "DATABASE_URL": database_url or f"sqlite://{self.dir}/vidan.db?mode=rwc",
            "LEPTOS_SITE_ROOT": site,
            # Demo data and no mail server: what development allows, and production refuses.
            "VIDAN_ENV": "development",
            "VIDAN_DEMO_DATA": "true" if demo else "false",
            "VIDAN_API_RATE_PER_MINUTE": "100000000",
            # The rush's voters come from many networks, through a proxy's X-Forwarded-For.
            "VIDAN_TRUST_PROXY": "true",
            "LEPTOS_HASH_FILES": "true",
            "RUST_LOG": rust_log,
        })
        env.update(env_extra or {})
        started = time.monotonic()
        self.log = open(log, "w") if log else None
        self.process = subprocess.Popen([binary], env=env, stdout=self.log, stderr=self.log)
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

    def phase_peak_mb(self):
        """The peak RSS since the last call (or the start), then the count starts again."""
        peak = self.peak_rss_mb()
        try:
            with open(f"/proc/{self.process.pid}/clear_refs", "w") as f:
                f.write("5")
        except OSError:
            pass
        return peak

    def stop(self, keep=False):
        self.process.terminate()
        self.process.wait(timeout=30)
        if self.log:
            self.log.close()
        if not keep:
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


def first_visit(url, encoding, cookie=None):
    out = subprocess.run(["node", os.path.join(HERE, "first-visit.mjs"), url, encoding]
                         + ([cookie] if cookie else []),
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"first visit to {url} failed: {out.stderr.strip()[-2000:]}")
    return json.loads(out.stdout)


def weight(site, base, other_pages):
    pkg = os.path.join(site, "pkg")
    files = {}
    for name in sorted(os.listdir(pkg)):
        if name.endswith((".gz", ".br")):
            continue
        data = open(os.path.join(pkg, name), "rb").read()
        files[name] = {"raw": len(data), "gzip": len(gzip.compress(data, 9)),
                       "brotli": brotli_size(data)}
    # A first visit to the home page in Chromium: every byte it downloads until it is quiet,
    # once accepting brotli (as browsers do) and once gzip only (the target's measure).
    visits = {encoding: first_visit(base + "/", encoding) for encoding in ("gzip", "br")}
    # Other pages a first visit may open on (a link someone shared), gzip only.
    # A page that could not be visited is reported as such (with the browser's words), and the
    # rest of the benchmark goes on.
    others = {}
    for name, path, *cookie in other_pages:
        try:
            v = first_visit(base + path, "gzip", *cookie)
            others[name] = {"path": path, "total": v["total"], "body": v["body"],
                            "headers": v["headers"], "responses": len(v["responses"]),
                            "errors": v["errors"]}
        except RuntimeError as failed:
            print(failed, flush=True)
            others[name] = {"path": path, "total": 0, "body": 0, "headers": 0, "responses": 0,
                            "errors": [str(failed)]}
    return {"files": files, "first_visit": visits, "first_visit_bytes": visits["gzip"]["total"],
            "first_visit_other_pages": others}


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


def seed(binary, database_url, fixture):
    """Fills a new database with the large set; returns the seconds it took."""
    env = dict(os.environ, DATABASE_URL=database_url, RUST_LOG="warn")
    started = time.monotonic()
    subprocess.run([binary, "bench-seed", fixture], env=env, check=True)
    return time.monotonic() - started


def compute(binary, database_url, fixture):
    env = dict(os.environ, DATABASE_URL=database_url, RUST_LOG="warn")
    out = subprocess.run([binary, "bench-compute", fixture], env=env, check=True,
                         capture_output=True, text=True).stdout
    return [{"name": name, "runs_ms": runs, "median_ms": sorted(runs)[len(runs) // 2]}
            for name, runs in json.loads(out.strip().splitlines()[-1])]


def script(*names):
    """One wrk script from several (the scenario's and the report's)."""
    f = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    for name in names:
        f.write(open(os.path.join(HERE, name)).read() + "\n")
    f.close()
    return f.name


def rush(server, fixture, count_votes, newest_vote, connections=256, threads=2):
    """Every rush voter votes once; returns wrk's figures and the count check."""
    rush = fixture["rush"]
    done_file = tempfile.mktemp(prefix="vidan-rush-")
    env = dict(os.environ, VIDAN_VOTERS=str(rush["voters"]),
               VIDAN_ENTRIES=",".join(map(str, rush["entry_ids"])),
               VIDAN_THREADS=str(threads), VIDAN_DONE_FILE=done_file)
    lua = script("wrk-report.lua", "vote-rush.lua")
    process = subprocess.Popen(
        ["wrk", f"-t{threads}", f"-c{connections}", "-d600s", "--latency", "--timeout", "10s",
         "-s", lua, server.base], env=env, stdout=subprocess.PIPE, text=True)
    # Each thread writes a line when it has sent its share and heard every answer; then the run
    # ends, so its duration is the rush's own. A request lost at the socket is never answered:
    # once the votes have stopped coming for five seconds, the run ends all the same.
    # Progress is the newest vote's id, read once a second through the primary key: counting
    # the votes during the rush would compete with it for the cores.
    last, still_since, counted_at = -1, time.monotonic(), 0.0
    while process.poll() is None:
        if os.path.exists(done_file) and len(open(done_file).read().splitlines()) >= threads:
            break
        if time.monotonic() - counted_at >= 1:
            rows, counted_at = newest_vote(), time.monotonic()
            if rows != last:
                last, still_since = rows, time.monotonic()
            elif rows > 0 and time.monotonic() - still_since > 5:
                break
        time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    out = process.communicate()[0]
    lines = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    run, counts = lines[-2], lines[-1]
    if os.path.exists(done_file):
        os.unlink(done_file)
    rows, voters, span = count_votes(rush["slug"])
    run.update({
        "connections": connections,
        "voters": rush["voters"],
        "accepted": counts["accepted"],
        "refused": counts["refused"],
        "votes_in_database": rows,
        "distinct_voters_in_database": voters,
        "lost": max(counts["accepted"] - rows, 0),
        "doubled": rows - voters,
        "unexpected": max(rows - counts["accepted"], 0),
        # From the first vote stored to the last: the server's own rate, whatever the tail.
        "accepted_per_second": rows / span if span else 0.0,
    })
    return run


def percentiles(times):
    """p50, p95 and p99 of a list of milliseconds."""
    times = sorted(times)
    if not times:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None}
    at = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99)}


VISIT_STEPS = ("entries page", "vote", "confirmation")


def print_visit(database, v):
    steps = ", ".join(f"{s['name']} p99 {s['p99_ms']:.1f} ms" for s in v["steps"] if s["p99_ms"])
    print(f"vote visits ({database}) {v['visits_per_second']:.0f}/s  {steps}  visits {v['visits']}  "
          f"in database {v['votes_in_database']}  unconfirmed {v['unconfirmed']}", flush=True)


def visit(server, fixture, count_votes, voters=20_000, threads=64):
    """Whole vote visits (the entries page, the vote, the page confirming it), one connection per
    wrk thread; each step's percentiles from the visiting threads' own clocks, and the votes
    counted in the database afterwards."""
    room = fixture["visit"]
    voters = min(voters, room["voters"])
    done_file = tempfile.mktemp(prefix="vidan-visit-")
    env = dict(os.environ, VIDAN_VOTERS=str(voters), VIDAN_SLUG=room["slug"],
               VIDAN_ENTRIES=",".join(map(str, room["entry_ids"])),
               VIDAN_THREADS=str(threads), VIDAN_DONE_FILE=done_file)
    lua = script("wrk-report.lua", "vote-visit.lua")
    process = subprocess.Popen(
        ["wrk", f"-t{threads}", f"-c{threads}", "-d900s", "--timeout", "10s", "-s", lua,
         server.base], env=env, stdout=subprocess.PIPE, text=True)
    files = [f"{done_file}.{t}" for t in range(threads)]
    started = time.monotonic()
    while process.poll() is None and time.monotonic() - started < 900:
        if all(os.path.exists(f) for f in files):
            break
        time.sleep(0.2)
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    process.communicate()
    visits = refused = unconfirmed = 0
    began, ended = [], []
    steps = [[] for _ in VISIT_STEPS]
    for f in files:
        if not os.path.exists(f):
            continue
        lines = open(f).read().splitlines()
        os.unlink(f)
        v, r, u, first, last = lines[0].split()
        visits, refused, unconfirmed = visits + int(v), refused + int(r), unconfirmed + int(u)
        began.append(float(first))
        ended.append(float(last))
        for s, line in enumerate(lines[1:4]):
            steps[s].extend(float(x) for x in line.split())
    seconds = (max(ended) - min(began)) / 1000 if began else 0.0
    rows, distinct, _ = count_votes(room["slug"])
    return {
        "threads": threads,
        "voters": voters,
        "finished_threads": len(began),
        "visits": visits,
        "refused": refused,
        "unconfirmed": unconfirmed,
        "seconds": seconds,
        "visits_per_second": visits / seconds if seconds else 0.0,
        "steps": [dict(name=n, **percentiles(t)) for n, t in zip(VISIT_STEPS, steps)],
        "votes_in_database": rows,
        "lost": max(visits - rows, 0),
        "doubled": rows - distinct,
        "unexpected": max(rows - visits, 0),
    }


NEWEST_VOTE = "SELECT COALESCE(MAX(id), 0) FROM votes"


def sqlite_newest_vote(path):
    """The newest vote's id, read through the primary key: a rush's progress, cheaply."""
    def newest():
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return db.execute(NEWEST_VOTE).fetchone()[0]
    return newest


def postgres_newest_vote(url):
    def newest():
        return int(subprocess.run(["psql", url, "-At", "-c", NEWEST_VOTE],
                                  capture_output=True, text=True, check=True).stdout)
    return newest


def sqlite_votes(path):
    def count(slug):
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return db.execute(
                "SELECT COUNT(*), COUNT(DISTINCT user_id), "
                "(julianday(MAX(v.created_at)) - julianday(MIN(v.created_at))) * 86400 FROM votes v "
                "JOIN challenges c ON c.id = v.challenge_id WHERE c.slug = ?", (slug,)).fetchone()
    return count


def postgres_votes(url):
    def count(slug):
        out = subprocess.run(
            ["psql", url, "-At", "-F", " ", "-c",
             "SELECT COUNT(*), COUNT(DISTINCT user_id), "
             "COALESCE(EXTRACT(EPOCH FROM MAX(v.created_at) - MIN(v.created_at)), 0) FROM votes v "
             f"JOIN challenges c ON c.id = v.challenge_id WHERE c.slug = '{slug}'"],
            capture_output=True, text=True, check=True).stdout
        rows, voters, span = out.split()
        return int(rows), int(voters), float(span)
    return count


def drafting(server, fixture, seconds, connections=64, threads=2):
    d = fixture["drafting"]
    judges = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
    for j, entries in enumerate(d["judges"]):
        judges.write(f"bench-judge-{j} {','.join(map(str, entries))}\n")
    judges.close()
    env = dict(os.environ, VIDAN_JUDGES_FILE=judges.name,
               VIDAN_CRITERIA=",".join(map(str, d["criteria"])),
               VIDAN_SCALE=f"{d['scale_min']},{d['scale_max']}", VIDAN_THREADS=str(threads))
    lua = script("wrk-report.lua", "judges-drafting.lua")
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", lua,
         server.base], env=env, capture_output=True, text=True, check=True).stdout
    os.unlink(judges.name)
    run = json.loads([l for l in out.splitlines() if l.startswith("{")][-1])
    run.update({"connections": connections, "judges": len(d["judges"])})
    return run


def signed_in_pages(fixture):
    """The pages signed-in people open on a vote night: (name, path, token prefix, sessions).
    Voters are the rush's citizens (before the rush: none has voted yet); the judges are the
    drafting room's panel, and one of them opens a score sheet of their own."""
    rush, drafting = fixture["rush"], fixture["drafting"]
    voters, judges = ("bench-voter-", rush["voters"]), ("bench-judge-", len(drafting["judges"]))
    return [
        ("home", "/", *voters),
        ("challenge page", f"/challenges/{rush['slug']}", *voters),
        ("public entries, own vote shown", f"/challenges/{rush['slug']}/entries", *voters),
        ("pilot page", f"/pilots/{fixture['pilot_id']}", *voters),
        ("dashboard", "/dashboard", *voters),
        ("judging queue", f"/judging/{drafting['challenge_id']}", *judges),
        ("score sheet", f"/judging/entries/{drafting['judges'][0][0]}", "bench-judge-", 1),
    ]


def signed_in(server, fixture, seconds, connections=64, threads=2):
    """wrk on each page with a different person's session on each request."""
    rows = []
    lua = script("wrk-report.lua", "signed-in.lua")
    for name, path, prefix, sessions in signed_in_pages(fixture):
        env = dict(os.environ, VIDAN_PATH=path, VIDAN_SESSIONS=str(sessions),
                   VIDAN_TOKEN_PREFIX=prefix, VIDAN_THREADS=str(threads))
        out = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", lua,
             server.base], env=env, capture_output=True, text=True, check=True).stdout
        run = json.loads([l for l in out.splitlines() if l.startswith("{")][-1])
        run.update({"name": name, "path": path, "sessions": sessions})
        rows.append(run)
        print(f"signed in: {name:32} {run['rps']:>8.0f} req/s  p99 {run['p99_ms']:.1f} ms  "
              f"errors {run['errors']}", flush=True)
    return rows


def lighthouse_pages(fixture):
    """Every public page, and the pages of a signed-in voter and a judge: (name, path, cookie)."""
    voter = f"vidan_session=bench-voter-{fixture['rush']['voters'] - 1}"
    judge = "vidan_session=bench-judge-0"
    drafting = fixture["drafting"]
    return [
        ("home", "/", None),
        ("challenge list", "/challenges", None),
        ("challenge search", "/challenges?q=phuong+an+7", None),
        ("challenge page", f"/challenges/{fixture['big_vote']}", None),
        ("public entries", f"/challenges/{fixture['finished']}/entries", None),
        ("results", f"/challenges/{fixture['finished']}/results", None),
        ("pilot list", "/pilots", None),
        ("pilot page", f"/pilots/{fixture['pilot_id']}", None),
        ("dashboard", "/dashboard", None),
        ("reports", "/reports", None),
        ("organisations", "/organisations", None),
        ("open data", "/open-data", None),
        ("calendar", "/calendar", None),
        ("commitments", "/commitments", None),
        ("sign in", "/sign-in", None),
        ("register", "/register", None),
        ("voter: entries with the vote", f"/challenges/{fixture['rush']['slug']}/entries", voter),
        ("voter: challenge page", f"/challenges/{fixture['rush']['slug']}", voter),
        ("judge: queue", f"/judging/{drafting['challenge_id']}", judge),
        ("judge: score sheet", f"/judging/entries/{drafting['judges'][0][0]}", judge),
    ]


def query_counts(binary, site, database_url, pages):
    """Database statements per page: one request each, counted in sqlx's statement log, on a
    server started anew on the large set (its start is timed too)."""
    log = tempfile.mktemp(prefix="vidan-queries-")
    server = Server(binary, site, demo=False, database_url=database_url, log=log,
                    rust_log="warn,sqlx::query=info")
    counts = {}
    for name, path, *cookie in pages:
        before = open(log, errors="replace").read().count("sqlx::query")
        get(server.base + path, {"Cookie": cookie[0]} if cookie else None)
        time.sleep(0.3)
        counts[name] = open(log, errors="replace").read().count("sqlx::query") - before
    peak = server.peak_rss_mb()
    server.stop(keep=True)
    os.unlink(log)
    return counts, server.ready_seconds, peak


def fresh_postgres(url):
    base, name = url.rsplit("/", 1)
    admin = base + "/postgres"
    subprocess.run(["psql", admin, "-q", "-c", f"DROP DATABASE IF EXISTS {name}"], check=True)
    subprocess.run(["psql", admin, "-q", "-c", f"CREATE DATABASE {name}"], check=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--site", required=True)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--postgres", default=os.environ.get(
        "VIDAN_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/vidan_bench"))
    parser.add_argument("--out", default=os.path.join(HERE, "results"))
    args = parser.parse_args()
    site = os.path.abspath(args.site)
    binary = os.path.abspath(args.binary)
    peaks = []

    empty = Server(binary, site, demo=False)
    ready_empty = empty.ready_seconds
    peaks.append(empty.peak_rss_mb())
    empty.stop()

    # The large set on SQLite.
    work = tempfile.mkdtemp(prefix="vidan-bench-data-")
    db_path = os.path.join(work, "vidan.db")
    sqlite_url = f"sqlite://{db_path}?mode=rwc"
    fixture_path = os.path.join(work, "fixture.json")
    print("seeding the large data set on SQLite…", flush=True)
    seed_sqlite = seed(binary, sqlite_url, fixture_path)
    fixture = json.load(open(fixture_path))
    print(f"  {seed_sqlite:.0f} s", flush=True)
    computations = compute(binary, sqlite_url, fixture_path)
    for c in computations:
        print(f"{c['name']:60} {c['median_ms']:8.1f} ms", flush=True)

    pages = [
        ("home", "/"),
        ("challenge list", "/challenges"),
        ("challenge page", f"/challenges/{fixture['big_vote']}"),
        ("public entries", f"/challenges/{fixture['finished']}/entries"),
        ("pilot page", f"/pilots/{fixture['pilot_id']}"),
        ("dashboard", "/dashboard"),
        ("API: challenges", "/api/v1/challenges"),
        ("static file", "/favicon.svg"),
    ]
    phase_peaks = {}

    def drive(server):
        results = []
        for name, path in pages:
            run = wrk(server.base + path, args.seconds)
            run.update({"name": name, "path": path})
            results.append(run)
            print(f"{name:16} {run['rps']:>9.0f} req/s  p99 {run['p99_ms']:.1f} ms  errors {run['errors']}",
                  flush=True)
        static = next(r for r in results if r["name"] == "static file")["rps"]
        for r in results:
            r["share_of_static"] = r["rps"] / static if static else None
        return results

    # Every page rendered for every request: what each visitor who is signed in costs.
    print("pages, each request rendered:", flush=True)
    rendering = Server(binary, site, demo=False, database_url=sqlite_url,
                       env_extra={"VIDAN_PAGE_CACHE_MS": "0"})
    rendered = drive(rendering)
    phase_peaks["pages, each rendered"] = rendering.phase_peak_mb()
    rendering.stop(keep=True)

    # As deployed: anonymous visitors share each page's rendering for a second.
    print("pages, as anonymous visitors get them:", flush=True)
    server = Server(binary, site, demo=False, database_url=sqlite_url)
    base = server.base
    results = drive(server)
    phase_peaks["pages, as served"] = server.phase_peak_mb()

    drafts = drafting(server, fixture, args.seconds)
    print(f"judges' drafts  {drafts['rps']:>9.0f} req/s  p99 {drafts['p99_ms']:.1f} ms  "
          f"errors {drafts['errors']}", flush=True)
    phase_peaks["judges' drafts"] = server.phase_peak_mb()
    rush_sqlite = rush(server, fixture, sqlite_votes(db_path), sqlite_newest_vote(db_path))
    print(f"vote rush (SQLite) {rush_sqlite['accepted_per_second']:.0f} votes/s  "
          f"p99 {rush_sqlite['p99_ms']:.1f} ms  accepted {rush_sqlite['accepted']}  "
          f"in database {rush_sqlite['votes_in_database']}", flush=True)
    phase_peaks["vote rush, SQLite"] = server.phase_peak_mb()
    # After the rush every voter has voted: each page shows that person's own vote.
    signed = signed_in(server, fixture, args.seconds)
    phase_peaks["pages, signed in"] = server.phase_peak_mb()
    visit_sqlite = visit(server, fixture, sqlite_votes(db_path))
    print_visit("SQLite", visit_sqlite)
    phase_peaks["vote visits, SQLite"] = server.phase_peak_mb()
    # Straight to any page a link may open on (the API and the static file are no pages).
    # The signed-in voter's and judge's pages too, on a phone that has not loaded the site before.
    weights = weight(site, base, [p for p in pages if not p[0].startswith(("API", "static"))]
                     + [p for p in lighthouse_pages(fixture) if p[2]])
    phase_peaks["first visits"] = server.phase_peak_mb()
    scores = lighthouse.audit_all(base, lighthouse_pages(fixture))
    phase_peaks["Lighthouse"] = server.phase_peak_mb()
    peaks.append(server.peak_rss_mb())
    peaks.extend(phase_peaks.values())
    server.stop()

    signed_pages = [(f"signed in: {name}", path, f"vidan_session={prefix}0")
                    for name, path, prefix, _ in signed_in_pages(fixture)]
    counts, ready_large, peak = query_counts(binary, site, sqlite_url, pages + signed_pages)
    for row in signed:
        row["queries"] = counts.pop(f"signed in: {row['name']}", None)
    peaks.append(peak)
    shutil.rmtree(work, ignore_errors=True)

    # The rush again on PostgreSQL.
    rush_pg = visit_pg = None
    seed_pg = None
    if shutil.which("psql"):
        fresh_postgres(args.postgres)
        fixture_path = tempfile.mktemp(prefix="vidan-fixture-")
        print("seeding the large data set on PostgreSQL…", flush=True)
        seed_pg = seed(binary, args.postgres, fixture_path)
        pg_fixture = json.load(open(fixture_path))
        os.unlink(fixture_path)
        pg = Server(binary, site, demo=False, database_url=args.postgres)
        pg.phase_peak_mb()
        rush_pg = rush(pg, pg_fixture, postgres_votes(args.postgres), postgres_newest_vote(args.postgres))
        phase_peaks["vote rush, PostgreSQL"] = pg.phase_peak_mb()
        print(f"vote rush (PostgreSQL) {rush_pg['accepted_per_second']:.0f} votes/s  "
              f"p99 {rush_pg['p99_ms']:.1f} ms  accepted {rush_pg['accepted']}  "
              f"in database {rush_pg['votes_in_database']}", flush=True)
        visit_pg = visit(pg, pg_fixture, postgres_votes(args.postgres))
        print_visit("PostgreSQL", visit_pg)
        phase_peaks["vote visits, PostgreSQL"] = pg.phase_peak_mb()
        peaks.append(pg.peak_rss_mb())
        pg.stop()

    report = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE,
                                 capture_output=True, text=True).stdout.strip() or None,
        "machine": machine(),
        "data": {k: fixture[k] for k in
                 ("citizens", "challenges", "entries", "votes", "scores", "pilots")},
        "seed_seconds": {"sqlite": seed_sqlite, "postgres": seed_pg},
        "connections": 64,
        "seconds_per_scenario": args.seconds,
        "ready_seconds": {"empty database": ready_empty, "large data set": ready_large},
        "pages": results,
        "pages_rendered": rendered,
        "pages_signed_in": signed,
        "queries_per_page": counts,
        "judging_drafts": drafts,
        "vote_rush": {"sqlite": rush_sqlite, "postgres": rush_pg},
        "vote_visit": {"sqlite": visit_sqlite, "postgres": visit_pg},
        "computations": computations,
        "weight": weights,
        "lighthouse": scores,
        "peak_rss_mb": max(p for p in peaks if p is not None),
        "peak_rss_mb_by_phase": phase_peaks,
    }
    os.makedirs(args.out, exist_ok=True)
    stem = os.path.join(args.out, f"{report['date'][:10]}-{report['machine']['host']}")
    with open(stem + ".json", "w") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)
    before = previous_report(args.out, report["date"])
    with open(stem + ".md", "w") as f:
        f.write(markdown(report) + "\n".join(compared(report, before)) + "\n")
    print(f"wrote {stem}.md and {stem}.json")


def figures(r):
    """The report's headline figures by name, as (value, unit, better): what two reports are
    compared by. A figure a report does not have is left out."""
    out = {}
    for p in r.get("pages") or []:
        out[f"{p['name']}: req/s"] = (p["rps"], "req/s", "more")
        out[f"{p['name']}: p99"] = (p["p99_ms"], "ms", "less")
    for p in r.get("pages_signed_in") or []:
        out[f"signed in, {p['name']}: req/s"] = (p["rps"], "req/s", "more")
        out[f"signed in, {p['name']}: p99"] = (p["p99_ms"], "ms", "less")
    j = r.get("judging_drafts")
    if j:
        out["judges' drafts: saves/s"] = (j["rps"], "/s", "more")
    for name, v in (r.get("vote_rush") or {}).items():
        if v:
            out[f"vote rush ({name}): votes/s"] = (v["accepted_per_second"], "/s", "more")
            out[f"vote rush ({name}): p99"] = (v["p99_ms"], "ms", "less")
    for name, v in (r.get("vote_visit") or {}).items():
        if v:
            out[f"vote visits ({name}): visits/s"] = (v["visits_per_second"], "/s", "more")
    for c in r.get("computations") or []:
        out[c["name"]] = (c["median_ms"], "ms", "less")
    w = r.get("weight") or {}
    if w.get("first_visit_bytes"):
        out["first visit to home (gzip)"] = (w["first_visit_bytes"] / 1000, "KB", "less")
    for name, v in (w.get("first_visit_other_pages") or {}).items():
        out[f"first visit to {name} (gzip)"] = (v["total"] / 1000, "KB", "less")
        out[f"first visit to {name}: responses"] = (v["responses"], "", "less")
    if r.get("peak_rss_mb"):
        out["peak RSS"] = (r["peak_rss_mb"], "MB", "less")
    return out


def previous_report(folder, date):
    """The newest report in `folder` from before `date` (its JSON), or None."""
    if not os.path.isdir(folder):
        return None
    older = sorted(f for f in os.listdir(folder)
                   if f.endswith(".json") and f[:10] < date[:10])
    return json.load(open(os.path.join(folder, older[-1]))) if older else None


def compared(r, before):
    """A table of this report's figures beside the previous report's."""
    if not before:
        return []
    now, then = figures(r), figures(before)
    lines = ["", f"## Beside the previous report ({before['date'][:10]}, commit "
             f"{before.get('commit') or 'unknown'})", "",
             "| figure | before | now | change |", "|---|---:|---:|---:|"]
    for name, (value, unit, better) in now.items():
        if name not in then:
            lines.append(f"| {name} | — | {value:,.1f} {unit} | new |")
            continue
        old = then[name][0]
        change = ""
        if old:
            ratio = value / old
            change = f"{ratio:.2f}×" + (" better" if (ratio > 1.05 if better == "more" else ratio < 0.95)
                                         else " worse" if (ratio < 0.95 if better == "more" else ratio > 1.05)
                                         else "")
        lines.append(f"| {name} | {old:,.1f} {unit} | {value:,.1f} {unit} | {change} |")
    return lines


def verdict(ok):
    return "met" if ok else "missed"


def markdown(r):
    m = r["machine"]
    d = r["data"]
    seeded = f"built in {r['seed_seconds']['sqlite']:.0f} s on SQLite"
    if r["seed_seconds"]["postgres"]:
        seeded += f", {r['seed_seconds']['postgres']:.0f} s on PostgreSQL"
    lines = [
        f"# Benchmark {r['date']}",
        "",
        f"Machine: {m['host']}, {m['cpu']}, {m['cores']} cores, {m['memory']}, Linux {m['kernel']}.",
        f"Data: {d['citizens']:,} citizens, {d['challenges']} challenges, {d['entries']:,} entries, "
        f"{d['votes']:,} votes, {d['scores']:,} scores, {d['pilots']} pilots ({seeded}).",
        f"Code: commit {r.get('commit') or 'unknown'}, built with `LEPTOS_HASH_FILES=true cargo leptos "
        "build --release --split --precompress`.",
        f"Load: wrk, 2 threads; pages at {r['connections']} connections for "
        f"{r['seconds_per_scenario']} s each, on SQLite.",
        "",
        "## Pages",
        "",
        "| page | path | req/s | p50 ms | p95 ms | p99 ms | errors | of static | queries |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in r["pages"]:
        share = f"{p['share_of_static'] * 100:.1f} %" if p["share_of_static"] else ""
        queries = r["queries_per_page"].get(p["name"], "")
        lines.append(f"| {p['name']} | `{p['path']}` | {p['rps']:.0f} | {p['p50_ms']:.1f} | "
                     f"{p['p95_ms']:.1f} | {p['p99_ms']:.1f} | {p['errors']} | {share} | {queries} |")
    lines += ["", "Queries: the database statements one anonymous request runs (sqlx's statement log).",
              "Anonymous visitors share one rendering of each page per second and instance "
              "(`VIDAN_PAGE_CACHE_MS`, default 1000); the targets below are judged on this table.", ""]
    if r.get("pages_rendered"):
        lines += ["Each request rendered (`VIDAN_PAGE_CACHE_MS=0`: what every signed-in visitor "
                  "costs), same data and load:", "",
                  "| page | req/s | p50 ms | p95 ms | p99 ms | errors | of static |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for p in r["pages_rendered"]:
            share = f"{p['share_of_static'] * 100:.1f} %" if p["share_of_static"] else ""
            lines.append(f"| {p['name']} | {p['rps']:.0f} | {p['p50_ms']:.1f} | {p['p95_ms']:.1f} | "
                         f"{p['p99_ms']:.1f} | {p['errors']} | {share} |")
        lines.append("")
    signed = r.get("pages_signed_in") or []
    if signed:
        lines += ["## Pages signed in", "",
                  "Each request carries another person's session (made beforehand), so each answer "
                  "is for its person: their name, their vote, their unread count (rendered for "
                  "them, or a rendering shared by citizens alike with their own words filled in). "
                  "Voters are the rush's citizens after the rush (each has voted); judges the "
                  "drafting room's panel. 64 connections, same data.", "",
                  "| page | sessions | req/s | p50 ms | p95 ms | p99 ms | errors | queries |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for p in signed:
            lines.append(f"| {p['name']} (`{p['path']}`) | {p['sessions']:,} | {p['rps']:.0f} | "
                         f"{p['p50_ms']:.1f} | {p['p95_ms']:.1f} | {p['p99_ms']:.1f} | "
                         f"{p['errors']} | {p.get('queries', '')} |")
        lines.append("")
    j = r["judging_drafts"]
    lines += [
        "## Judges saving drafts",
        "",
        f"{j['judges']} signed-in judges saving marks for their entries, {j['connections']} "
        f"connections: **{j['rps']:.0f} saves/s**, p50 {j['p50_ms']:.1f} ms, p95 {j['p95_ms']:.1f} ms, "
        f"p99 {j['p99_ms']:.1f} ms, errors {j['errors']}.",
        "",
        "## Vote rush",
        "",
        "Every voter holds a session made beforehand and votes once, from many networks (through "
        "X-Forwarded-For). Each vote is answered after the commit that holds it (group commit; "
        "`synchronous=FULL` on SQLite).",
        "",
        "| database | voters | connections | accepted/s | p50 ms | p95 ms | p99 ms | accepted "
        "| refused | in database | lost | doubled |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, v in r["vote_rush"].items():
        if v is None:
            continue
        lines.append(
            f"| {name} | {v['voters']:,} | {v['connections']} | {v['accepted_per_second']:.0f} | "
            f"{v['p50_ms']:.1f} | {v['p95_ms']:.1f} | {v['p99_ms']:.1f} | {v['accepted']:,} | "
            f"{v['refused']:,} | {v['votes_in_database']:,} | {v['lost']} | {v['doubled']} |")
    visits = {k: v for k, v in (r.get("vote_visit") or {}).items() if v}
    if visits:
        lines += ["", "## Vote visits", "",
                  "A whole vote as a citizen lives it, each of 64 connections one citizen after "
                  "another: the challenge's entries page signed in, the vote as its form sends it, "
                  "the page the answer leads back to (which must show the vote as theirs). Each "
                  "step's time is read by the visiting thread from request to answer.", "",
                  "| database | visits | visits/s | entries page p50 / p99 ms | vote p50 / p99 ms "
                  "| confirmation p50 / p99 ms | refused | unconfirmed | in database | lost | doubled |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for name, v in visits.items():
            steps = " | ".join(f"{s['p50_ms']:.1f} / {s['p99_ms']:.1f}" if s["p99_ms"] is not None
                               else "" for s in v["steps"])
            lines.append(f"| {name} | {v['visits']:,} | {v['visits_per_second']:.0f} | {steps} | "
                         f"{v['refused']} | {v['unconfirmed']} | {v['votes_in_database']:,} | "
                         f"{v['lost']} | {v['doubled']} |")
    lines += ["", "## Computations", "", "| what | median ms | runs ms |", "|---|---:|---|"]
    for c in r["computations"]:
        runs = ", ".join(f"{x:.0f}" for x in c["runs_ms"])
        lines.append(f"| {c['name']} | {c['median_ms']:.1f} | {runs} |")
    w = r["weight"]
    lines += ["", "## Weight", "",
              "Only islands run in the browser (Leptos islands). The one that sends forms in place "
              "is in the main WebAssembly file, loaded by the pages that have a form or an island; "
              "each other island is a piece of its own (`--split`, lazy islands), loaded by the "
              "pages that show it; code several islands share is in shared pieces.", "",
              "| file | raw | gzip | brotli |", "|---|---:|---:|---:|"]
    groups = {}
    for name, f in w["files"].items():
        group = ("every island's own piece" if name.startswith("split_") else
                 "every shared piece" if name.startswith("chunk_") else None)
        if group is None:
            brotli = f"{f['brotli']:,}" if f["brotli"] is not None else "n/a"
            lines.append(f"| `{name}` | {f['raw']:,} | {f['gzip']:,} | {brotli} |")
            continue
        g = groups.setdefault(group, {"n": 0, "raw": 0, "gzip": 0, "brotli": 0})
        g["n"] += 1
        for key in ("raw", "gzip", "brotli"):
            g[key] += f[key] or 0
    for group, g in groups.items():
        lines.append(f"| {group} ({g['n']} files) | {g['raw']:,} | {g['gzip']:,} | {g['brotli']:,} |")
    pages = sorted(((f["gzip"], name) for name, f in w["files"].items() if name.startswith("split_")),
                   reverse=True)[:5]
    if pages:
        lines += ["", "The islands' own pieces (gzip): " +
                  ", ".join(f"`{name.split('.')[0]}` {size:,}" for size, name in pages) + "."]
    gz, br = w["first_visit"]["gzip"], w["first_visit"]["br"]
    lines += ["", f"A first visit to the home page in Chromium (360 px wide), until the network is quiet, "
              f"downloads **{gz['total']:,} bytes** accepting gzip only ({gz['body']:,} of bodies, "
              f"{gz['headers']:,} of response headers, {len(gz['responses'])} responses over HTTP/1.1) and "
              f"**{br['total']:,} bytes** accepting brotli ({br['body']:,} of bodies). By kind (gzip):", "",
              "| kind | responses | bodies | headers |", "|---|---:|---:|---:|"]
    kinds = {}
    for resp in gz["responses"]:
        path = resp["url"]
        kind = ("page" if not path.startswith(("/pkg/", "/fonts/")) else
                "fonts" if path.startswith("/fonts/") else
                "island's own WebAssembly" if "/split_" in path else
                "shared WebAssembly pieces" if "/chunk_" in path else
                "main WebAssembly" if path.endswith(".wasm") else
                "scripts" if path.endswith(".js") else "stylesheet" if path.endswith(".css") else "other")
        k = kinds.setdefault(kind, [0, 0, 0])
        k[0] += 1
        k[1] += resp["body"]
        k[2] += resp["headers"]
    for kind, (n, body, headers) in kinds.items():
        lines.append(f"| {kind} | {n} | {body:,} | {headers:,} |")
    others = w.get("first_visit_other_pages") or {}
    if others:
        lines += ["", "A first visit to another page, accepting gzip only:", "",
                  "| page | responses | bytes | of them headers |", "|---|---:|---:|---:|"]
        for name, v in others.items():
            lines.append(f"| {name} (`{v['path']}`) | {v['responses']} | {v['total']:,} | "
                         f"{v['headers']:,} |")
            for err in v["errors"]:
                lines.append(f"\nThe page reported an error: `{err}`")
    for enc, visit in (("gzip", gz), ("br", br)):
        for err in visit["errors"]:
            lines.append(f"\nThe page reported an error ({enc}): `{err}`")
    scores = r.get("lighthouse") or []
    if scores:
        lines += ["", "## Lighthouse", "",
                  "Lighthouse 12.2 in its mobile configuration (a mid-range phone on a slow 4G line, "
                  "simulated), Debian's Chromium, each page once, against the server as deployed "
                  "(release build, hashed and compressed files).", "",
                  "| page | signed in | performance | accessibility | best practices | FCP ms | LCP ms "
                  "| TBT ms | CLS | audits below 90 |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        for row in scores:
            lines.append(
                f"| {row['name']} (`{row['path']}`) | {'yes' if row['signed_in'] else ''} | "
                f"{row['performance']} | {row['accessibility']} | {row['best-practices']} | "
                f"{row['fcp_ms']:,} | {row['lcp_ms']:,} | {row['tbt_ms']:,} | {row['cls']} | "
                f"{', '.join(row['below'])} |")
    ready = r["ready_seconds"]
    lines += [
        "",
        "## Start and memory",
        "",
        f"- Ready on an empty database (migrations included): {ready['empty database']:.2f} s",
        f"- Ready on the large data set: {ready['large data set']:.2f} s",
        f"- Peak RSS of any server process during the whole benchmark: {r['peak_rss_mb']:.0f} MB",
    ]
    for phase, peak in (r.get("peak_rss_mb_by_phase") or {}).items():
        if peak is not None:
            lines.append(f"  - {phase}: {peak:.0f} MB")
    lines += [
        "",
        "## Targets",
        "",
        "| target | figure | |",
        "|---|---|---|",
    ]
    static = next(p for p in r["pages"] if p["name"] == "static file")
    for p in r["pages"]:
        if p["name"] == "static file":
            continue
        ok = p["rps"] >= 2000 and p["p99_ms"] < 50 and p["rps"] >= 0.05 * static["rps"]
        lines.append(f"| {p['name']}: ≥ 2,000 req/s, p99 < 50 ms, ≥ 5 % of static | "
                     f"{p['rps']:.0f} req/s, p99 {p['p99_ms']:.1f} ms | {verdict(ok)} |")
    for p in signed:
        ok = p["rps"] >= 2000 and p["p99_ms"] < 50 and p["errors"] == 0
        lines.append(f"| signed in, {p['name']}: ≥ 2,000 req/s, p99 < 50 ms | "
                     f"{p['rps']:.0f} req/s, p99 {p['p99_ms']:.1f} ms | {verdict(ok)} |")
    for name, target, p99 in (("sqlite", 1500, 100), ("postgres", 3000, None)):
        v = r["vote_rush"].get(name)
        if v is None:
            continue
        ok = (v["accepted_per_second"] >= target and (p99 is None or v["p99_ms"] < p99)
              and v["lost"] == 0 and v["doubled"] == 0 and v["unexpected"] == 0)
        need = f"≥ {target:,} votes/s" + (f", p99 < {p99} ms" if p99 else "") + ", none lost or doubled"
        lines.append(f"| vote rush on {name}: {need} | {v['accepted_per_second']:.0f}/s, "
                     f"p99 {v['p99_ms']:.1f} ms, lost {v['lost']}, doubled {v['doubled']} "
                     f"| {verdict(ok)} |")
    for name, target in (("sqlite", 1500), ("postgres", 2500)):
        v = visits.get(name)
        if v is None:
            continue
        ok = (v["visits_per_second"] >= target and v["lost"] == 0 and v["doubled"] == 0
              and v["unexpected"] == 0 and v["unconfirmed"] == 0 and v["refused"] == 0)
        p99s = ", ".join(f"{s['name']} {s['p99_ms']:.0f} ms" for s in v["steps"] if s["p99_ms"])
        lines.append(f"| vote visits on {name}: ≥ {target:,} visits/s, each confirmed, none lost "
                     f"or doubled | {v['visits_per_second']:.0f}/s (p99 {p99s}), lost {v['lost']}, "
                     f"doubled {v['doubled']}, unconfirmed {v['unconfirmed']} | {verdict(ok)} |")
    tally = next(c for c in r["computations"] if c["name"].startswith("tally of every"))
    dash = next(c for c in r["computations"] if c["name"].startswith("dashboard"))
    lines.append(f"| tally of {d['votes']:,} votes < 1 s | {tally['median_ms']:.0f} ms | "
                 f"{verdict(tally['median_ms'] < 1000)} |")
    lines.append(f"| dashboard < 100 ms | {dash['median_ms']:.0f} ms | "
                 f"{verdict(dash['median_ms'] < 100)} |")
    lines.append(f"| first visit < 400 KB (gzip, headers included) | {w['first_visit_bytes'] / 1000:.0f} KB | "
                 f"{verdict(w['first_visit_bytes'] < 400_000)} |")
    others = w.get("first_visit_other_pages") or {}
    if others:
        heaviest = max(others.values(), key=lambda v: v["total"])
        most = max(others.values(), key=lambda v: v["responses"])
        ok = heaviest["total"] < 200_000 and most["responses"] < 30
        lines.append(f"| first visit straight to any page < 200 KB and < 30 responses ({len(others)} pages) | "
                     f"heaviest {heaviest['total'] / 1000:.0f} KB (`{heaviest['path']}`), most responses "
                     f"{most['responses']} (`{most['path']}`) | {verdict(ok)} |")
    if scores:
        low = [row for row in scores
               if min(row["performance"], row["accessibility"], row["best-practices"]) < 95]
        worst = min(min(row["performance"], row["accessibility"], row["best-practices"])
                    for row in scores)
        lines.append(f"| Lighthouse ≥ 95 (performance, accessibility, best practices) on "
                     f"{len(scores)} pages | lowest {worst}" +
                     (f"; below on {', '.join(row['name'] for row in low)}" if low else "") +
                     f" | {verdict(not low)} |")
    lines.append(f"| peak RSS < 150 MB | {r['peak_rss_mb']:.0f} MB | "
                 f"{verdict(r['peak_rss_mb'] < 150)} |")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
