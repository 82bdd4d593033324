"""Lighthouse (tools/lighthouse, Debian's Chromium) in its mobile configuration on the site's
pages: performance, accessibility and best practices, each from 0 to 100, and the audits that
cost points. Used by run.py; on its own: `python3 bench/lighthouse.py BASE PATH...`."""

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
LIGHTHOUSE = os.path.join(HERE, "..", "tools", "lighthouse", "node_modules", ".bin", "lighthouse")
CATEGORIES = ("performance", "accessibility", "best-practices")


def audit(base, name, path, cookie=None):
    """One page's scores (0–100) and the audits below full marks, or None if it did not run."""
    out = tempfile.mktemp(prefix="vidan-lighthouse-", suffix=".json")
    command = [
        LIGHTHOUSE, base + path, "--quiet", "--output=json", f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    env = dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0 or not os.path.exists(out):
        print(f"lighthouse failed on {path}: {done.stderr[-500:]}", file=sys.stderr)
        return None
    report = json.load(open(out))
    os.unlink(out)
    scores = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
    weighed = {ref["id"] for c in CATEGORIES for ref in report["categories"][c]["auditRefs"]
               if ref.get("weight", 0) > 0}
    below = sorted(
        a["id"] for a in report["audits"].values()
        if a["id"] in weighed and a.get("score") is not None and a["score"] < 0.9
        and a.get("scoreDisplayMode") in ("binary", "numeric"))
    metrics = report["audits"]
    return {
        "name": name,
        "path": path,
        "signed_in": cookie is not None,
        **scores,
        "fcp_ms": round(metrics["first-contentful-paint"]["numericValue"]),
        "lcp_ms": round(metrics["largest-contentful-paint"]["numericValue"]),
        "tbt_ms": round(metrics["total-blocking-time"]["numericValue"]),
        "cls": round(metrics["cumulative-layout-shift"]["numericValue"], 3),
        "below": below,
    }


def audit_all(base, pages):
    """`pages`: (name, path, cookie or None). Each run once, one after another."""
    rows = []
    for name, path, cookie in pages:
        row = audit(base, name, path, cookie)
        if row:
            rows.append(row)
            print(f"lighthouse {name:28} perf {row['performance']:3}  a11y {row['accessibility']:3}  "
                  f"bp {row['best-practices']:3}  {' '.join(row['below'])}", flush=True)
    return rows


if __name__ == "__main__":
    base, paths = sys.argv[1], sys.argv[2:]
    audit_all(base, [(p, p, None) for p in paths])
