"""Start-up and memory of the served app, by where its stores live (part of `make bench`).

For each arrangement, a 2-worker gunicorn server is started on a synthetic corpus and timed to its
first answer; after a warm-up (case pages, and `/sparql` queries so that each worker's query
process exists and has read what a query reads), the proportional memory (PSS) of each gunicorn
worker with its query processes is read from /proc, and a case page and a cross-case `/sparql`
query are timed over HTTP. The arrangements:

- memory: the app's store in memory, and its `/sparql` workers' own copy in memory (TRACKTWO_BACKEND=oxigraph,
  what the default `auto` chooses up to TRACKTWO_DISK_ABOVE_MB of N-Quads);
- query workers on disk: the app in memory, its `/sparql` workers reading one on-disk copy
  (TRACKTWO_QUERY_BACKEND=oxigraph-disk) that every worker shares through the page cache;
- all on disk: the app too (TRACKTWO_BACKEND=oxigraph-disk, what `auto` chooses above that size).

The on-disk copy's size is reported beside the PSS: it lives in the page cache, counted once for
the machine, not per process. Run alone:

    .venv/bin/python benchmarks/memory.py benchmarks/.work/cases-1000
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench import free_port, wait, workers_memory  # noqa: E402

ARRANGEMENTS = {
    "memory": {"TRACKTWO_BACKEND": "oxigraph"},
    "query workers on disk": {"TRACKTWO_BACKEND": "oxigraph", "TRACKTWO_QUERY_BACKEND": "oxigraph-disk"},
    "all on disk": {"TRACKTWO_BACKEND": "oxigraph-disk"},
}
CROSS_CASE = (ROOT / "queries" / "meeting-places.rq").read_text()


def _get(url: str, accept: str = "text/html") -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=120) as response:
        response.read()
    return time.perf_counter() - started


def _disk_store_mb(dataset: Path) -> float:
    return sum(f.stat().st_size for d in dataset.parent.glob(f"{dataset.stem}.oxigraph-*")
               for f in d.rglob("*") if f.is_file()) / 2**20


def measure(corpus: Path, runs: int = 5) -> list[dict]:
    dataset = corpus / "build" / "tracktwo.nq"
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    if not gunicorn:
        return []
    cases = sorted(p.stem for p in (corpus / "cases").glob("synthetic-*.ttl"))
    out = []
    for name, settings in ARRANGEMENTS.items():
        if settings:  # the on-disk copy is made once a build; its making is timed apart from start-up
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from tracktwo.store import "
                            "open_repository; open_repository(Path(sys.argv[1]), 'oxigraph-disk')", str(dataset)],
                           cwd=ROOT, check=True)
            made_s = time.perf_counter() - started
        port = free_port()
        env = {**os.environ, "TRACKTWO_DATASET": str(dataset), **settings}
        server = subprocess.Popen([gunicorn, "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}", "--timeout", "600",
                                   "webapp:create_app()"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            started = time.perf_counter()
            wait(base + "/")
            startup = time.perf_counter() - started
            sparql = base + "/sparql?" + urllib.parse.urlencode({"query": CROSS_CASE})
            for _ in range(4):  # both workers, their query processes
                _get(sparql, "application/sparql-results+json")
            pages = [_get(f"{base}/id/case/{cases[(i * 7919) % len(cases)]}") for i in range(runs * 4)]
            queries = [_get(sparql, "application/sparql-results+json") for _ in range(runs)]
            workers = workers_memory(server.pid)
            out.append({"arrangement": name, "settings": settings, "startup_s": startup,
                        "disk_store_made_s": made_s if settings else None,
                        "workers": workers, "pss_mb_max": max((w["pss_mb"] for w in workers), default=0),
                        "disk_store_mb": _disk_store_mb(dataset) if settings else None,
                        "case_page_median_ms": statistics.median(pages) * 1000,
                        "sparql_cross_case_median_ms": statistics.median(queries) * 1000,
                        "loadavg": os.getloadavg()[0]})
        finally:
            server.terminate()
            server.wait(timeout=60)
    return out


def markdown(rows: list[dict]) -> list[str]:
    lines = ["| arrangement | start-up s | PSS per worker, MB (with its query processes) | on-disk copy, MB (page cache, "
             "shared) | case page median ms | `/sparql` meeting places median ms | load |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        pss = " / ".join(f"{w['pss_mb']:.0f}" for w in r["workers"])
        disk = f"{r['disk_store_mb']:.0f} (made in {r['disk_store_made_s']:.1f} s)" if r["disk_store_mb"] is not None else "–"
        lines.append(f"| {r['arrangement']} | {r['startup_s']:.1f} | {pss} | {disk} | {r['case_page_median_ms']:.1f} | "
                     f"{r['sparql_cross_case_median_ms']:.0f} | {r['loadavg']:.1f} |")
    return lines


def save(rows: list[dict], corpus: Path) -> Path:
    """benchmarks/results/memory-STAMP.{json,md} (and memory-latest.md)."""
    results = ROOT / "benchmarks" / "results"
    results.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M")
    (results / f"memory-{stamp}.json").write_text(json.dumps({"corpus": str(corpus), "rows": rows}, indent=2))
    text = "\n".join([f"# Start-up and memory by where the stores live, {time.strftime('%Y-%m-%d %H:%M')}", "",
                      f"Corpus: {corpus.name}; gunicorn, 2 workers × 4 threads; {os.cpu_count()} cores.", ""]
                     + markdown(rows)) + "\n"
    (results / f"memory-{stamp}.md").write_text(text)
    (results / "memory-latest.md").write_text(text)
    return results / f"memory-{stamp}.md"


if __name__ == "__main__":
    corpus = Path(sys.argv[1])
    rows = measure(corpus)
    print(json.dumps(rows, indent=2))
    print(save(rows, corpus).read_text())
