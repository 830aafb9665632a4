"""The runaway scenario: is everyone else still served while four clients run queries that never end?

    python benchmarks/runaway.py [--root DIR] [--seconds 20]

Serves the app as `make run` does (`tracktwo serve`: waitress, the default settings) over the
dataset built in DIR, then measures a trivial `ASK {}` on /sparql and uncached case pages twice in
the same run: first on a quiet server (the baseline), then while four clients, each from its own
loopback address (127.0.0.2-5), keep a runaway query in flight (each is stopped at the time limit
and sent again at once). Reports medians and p95s and the ratios against the baseline.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TRIVIAL = "ASK {}"


def get(port: int, path: str, source: str = "127.0.0.1", timeout: float = 60) -> tuple[int, float]:
    """One GET from a chosen loopback address: (status, seconds)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    started = time.perf_counter()
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        conn.close()


def sparql(query: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query})


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def case_slugs(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "cases").glob("*.ttl"))


def measure(port: int, slugs: list[str], seconds: float) -> dict:
    """Trivial queries and case pages, one at a time, for `seconds`. A query-string the page cache
    has not seen keeps each case page uncached (`?v=n`)."""
    asks, pages, statuses = [], [], []
    deadline, n = time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        status, took = get(port, sparql(TRIVIAL), "127.0.0.9")
        statuses.append(status)
        asks.append(took)
        n += 1
        status, took = get(port, f"/id/case/{random.choice(slugs)}?v={n}", "127.0.0.10")
        statuses.append(status)
        pages.append(took)
    ms = lambda values, p: percentile(values, p) * 1000
    return {"ask_median_ms": statistics.median(asks) * 1000, "ask_p95_ms": ms(asks, 95), "ask_max_ms": max(asks) * 1000,
            "page_median_ms": statistics.median(pages) * 1000, "page_p95_ms": ms(pages, 95),
            "requests": len(statuses), "errors": sum(s != 200 for s in statuses)}


def runaway_clients(port: int, stop: threading.Event, count: int = 4) -> tuple[list[threading.Thread], list]:
    outcomes: list[int] = []

    def client(source: str):
        while not stop.is_set():
            try:
                outcomes.append(get(port, sparql(RUNAWAY), source, timeout=120)[0])
            except OSError:
                outcomes.append(0)
    threads = [threading.Thread(target=client, args=(f"127.0.0.{2 + i}",), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    return threads, outcomes


def scenario(root: Path, seconds: float = 20, env: dict | None = None) -> dict:
    sys.path.insert(0, str(ROOT))
    from benchmarks.bench import free_port, wait
    port = free_port()
    cmd = [sys.executable, "-m", "tracktwo.cli", "--root", str(root), "serve", "--no-build", "--port", str(port)]
    server = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait(f"http://127.0.0.1:{port}/")
        slugs = case_slugs(root)
        get(port, sparql(TRIVIAL))  # the first query forks the first worker
        quiet = measure(port, slugs, seconds)
        stop = threading.Event()
        threads, outcomes = runaway_clients(port, stop)
        time.sleep(1)  # all four in flight
        loaded = measure(port, slugs, seconds)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        result = {"seconds": seconds, "quiet": quiet, "four_runaways": loaded,
                  "runaway_answers": {str(s): outcomes.count(s) for s in sorted(set(outcomes))},
                  "ask_p95_ratio": loaded["ask_p95_ms"] / quiet["ask_p95_ms"],
                  "page_p95_ratio": loaded["page_p95_ms"] / quiet["page_p95_ms"]}
        return result
    finally:
        server.terminate()
        server.wait(timeout=30)


def markdown(result: dict) -> str:
    q, r = result["quiet"], result["four_runaways"]
    row = lambda name, d: (f"| {name} | {d['ask_median_ms']:.1f} | {d['ask_p95_ms']:.1f} | {d['ask_max_ms']:.1f} | "
                           f"{d['page_median_ms']:.1f} | {d['page_p95_ms']:.1f} | {d['requests']} | {d['errors']} |")
    return "\n".join([
        f"**Runaway queries** (`tracktwo serve`, default settings; {result['seconds']:g} s each; four clients each "
        f"keep a runaway query in flight, answered {result['runaway_answers']} by status):", "",
        "| server | ASK median ms | ASK p95 ms | ASK max ms | case page median ms | case page p95 ms | requests | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        row("quiet", q), row("4 runaway queries", r), "",
        f"p95 ratios under load: ASK {result['ask_p95_ratio']:.2f}×, case page {result['page_p95_ratio']:.2f}×.", ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="a checkout whose build/ holds the dataset")
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    result = scenario(args.root, args.seconds)
    print(json.dumps(result, indent=2), file=sys.stderr)
    print(markdown(result))


if __name__ == "__main__":
    main()
