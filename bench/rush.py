#!/usr/bin/env python3
"""The vote rush alone, on SQLite and PostgreSQL, with the large data set: for trying a change to
the vote path without the whole benchmark (`make bench` writes the report). Prints each run's
figures as JSON lines.

    python3 bench/rush.py --binary target/release/vidan --site target/site [--runs 2] [--connections 256]

With `--log PREFIX`, each run's server log goes to PREFIX-RUN-DATABASE.log, with a line per batch
of votes saying where its time went.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--site", required=True)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--connections", type=int, default=256)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--log", help="write each run's server log to LOG-RUN-DATABASE.log")
    parser.add_argument("--postgres", default=os.environ.get(
        "VIDAN_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/vidan_bench"))
    args = parser.parse_args()
    binary, site = os.path.abspath(args.binary), os.path.abspath(args.site)
    keys = ("accepted_per_second", "p50_ms", "p99_ms", "max_ms", "accepted", "refused", "lost", "doubled")

    def once(n, database, url, count_votes, newest_vote):
        """Seeds `url`, starts the server on it, runs the rush and prints its figures."""
        fixture_path = tempfile.mktemp(prefix="vidan-fixture-")
        run.seed(binary, url, fixture_path)
        fixture = json.load(open(fixture_path))
        os.unlink(fixture_path)
        log = f"{args.log}-{n}-{database}.log" if args.log else None
        server = run.Server(binary, site, demo=False, database_url=url, log=log,
                            rust_log="warn,app::vote::ballot_box=debug" if log else "warn")
        result = run.rush(server, fixture, count_votes, newest_vote, connections=args.connections)
        result["peak_rss_mb"] = server.peak_rss_mb()
        server.stop()
        print(json.dumps({"run": n, "database": database,
                          **{k: result[k] for k in keys + ("peak_rss_mb",)}}), flush=True)

    for n in range(args.runs):
        if args.only in (None, "sqlite"):
            work = tempfile.mkdtemp(prefix="vidan-rush-")
            db = os.path.join(work, "vidan.db")
            once(n, "sqlite", f"sqlite://{db}?mode=rwc", run.sqlite_votes(db), run.sqlite_newest_vote(db))
            shutil.rmtree(work, ignore_errors=True)
        if args.only in (None, "postgres"):
            run.fresh_postgres(args.postgres)
            once(n, "postgres", args.postgres, run.postgres_votes(args.postgres),
                 run.postgres_newest_vote(args.postgres))

if __name__ == "__main__":
    main()
