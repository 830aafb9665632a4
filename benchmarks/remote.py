"""SPARQL servers loaded with a benchmark corpus: an Oxigraph server and Virtuoso, each published
once per corpus and reopened while the corpus is unchanged (publishing 1,000 synthetic cases
through the Graph Store protocol takes 30-45 s a server).

- `published(engine, corpus)` starts a server of that engine over the corpus's dataset; used by the
  saved-query benchmark (the remote backend on both servers, side by side) and by the scale-out
  scenario (benchmarks/scaleout.py).
- `side_by_side(report)` is the Markdown table of the remote backend on both servers.

The Oxigraph server is served read-only, for the saved queries with a time limit
(`serve-read-only --timeout-s`): without one, a query the benchmark gives up on keeps a core busy
on the server while the next ones are timed (but see `published` on what the limit costs). Virtuoso is served with the settings the tests use (no time limit:
its "anytime" limit answers with partial results, which a benchmark would take for answers).
"""

from __future__ import annotations

import json
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tracktwo.localservers import ENGINES, oxigraph_server, virtuoso_server  # noqa: E402
from tracktwo.publish import publish  # noqa: E402

WORK = ROOT / "benchmarks" / ".work"
NAMES = {"oxigraph": "Oxigraph server", "virtuoso": "Virtuoso"}


def _stamp(nquads: Path) -> dict:
    """What identifies the corpus a server folder was published from."""
    stat = nquads.stat()
    return {"dataset": str(nquads.resolve()), "bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _published_already(folder: Path, nquads: Path) -> bool:
    marker = folder / "published.json"
    return marker.is_file() and json.loads(marker.read_text()) == _stamp(nquads)


def _mark(folder: Path, nquads: Path) -> None:
    (folder / "published.json").write_text(json.dumps(_stamp(nquads)))


def virtuoso_buffers(cases: int) -> int:
    """Virtuoso's page cache (8 KB pages) for a corpus: its database is about 55 MB at 1,000
    synthetic cases, so this holds all of it up to 10,000 (80,000 pages, 640 MB)."""
    return max(10_000, 8 * cases)


@contextmanager
def published(engine: str, corpus: Path, timeout_s: float | None = 30, threads: int = 8, keep_alives: int = 16):
    """A server of `engine` over the corpus's built dataset, on a free loopback port; yields (query
    endpoint, the server's process). Published on first use into benchmarks/.work/ENGINE-<corpus>.
    `timeout_s`: the Oxigraph server's time limit, or None for none. Oxigraph 0.5.13 keeps a thread
    for every query until its limit has passed, finished or not (a sleeping thread; the open pull
    request oxigraph/oxigraph#1954 would replace it with one watcher): at 200 queries a second and
    30 s that is 6,000 threads, and the server aborted ("failed to set up alternative stack guard
    page"), so a load run goes without one."""
    nquads = corpus / "build" / "tracktwo.nq"
    folder = WORK / f"{engine}-{corpus.name}"
    fresh = not _published_already(folder, nquads)
    if fresh:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    _, query_path, store_path = ENGINES[engine]
    processes: list = []
    if engine == "oxigraph":
        if fresh:
            with oxigraph_server(folder) as url:
                publish(nquads, url + store_path, timeout=1800)
            _mark(folder, nquads)
        limit = ["--timeout-s", f"{timeout_s:g}"] if timeout_s else []
        with oxigraph_server(folder, *limit, read_only=True, log=WORK / f"{folder.name}.log", process_out=processes) as url:
            yield url + query_path, processes[0]
    else:
        cases = sum(1 for _ in (corpus / "cases").glob("*.ttl"))
        with virtuoso_server(folder, threads=threads, keep_alives=keep_alives, buffers=virtuoso_buffers(cases),
                             checkpoint=fresh, process_out=processes) as url:
            if fresh:
                publish(nquads, url + store_path, timeout=1800)
                _mark(folder, nquads)
            yield url + query_path, processes[0]


def side_by_side(backends: list[dict]) -> str:
    """The remote backend's saved queries on each server in one table: the page's median, the raw
    POST's median and their ratio, per server; then Virtuoso's median over the Oxigraph server's."""
    remote = [b for b in backends if b.get("backend") == "sparql" and "server" in b and "queries" in b]
    if len(remote) < 2:
        return ""
    names = sorted({name for b in remote for name in b["queries"]})
    head = " | ".join(f"{NAMES[b['server']]} median ms | raw ms | ratio" for b in remote)
    lines = ["Remote backend on both servers, side by side (median of the query's page; raw: the same request "
             "as a bare POST on a kept-alive connection; ratio: page over raw, the backend's own overhead):", "",
             f"| query | rows | {head} | {NAMES[remote[1]['server']]} / {NAMES[remote[0]['server']]} |",
             "|---|---:|" + "---:|---:|---:|" * len(remote) + "---:|"]
    for name in names:
        cells, medians, rows = [], [], set()
        for b in remote:
            q = b["queries"].get(name, {})
            if "error" in q:
                cells.append(f"{q['error']} | | ")
                medians.append(None)
                continue
            rows.add(q.get("rows"))
            cells.append(f"{q['median_ms']:.1f} | {q.get('raw_median_ms', 0):.1f} | {q.get('ratio', 0):.2f}×")
            medians.append(q["median_ms"])
        between = f"{medians[1] / medians[0]:.2f}×" if None not in medians[:2] and medians[0] else ""
        shown = " ≠ ".join(str(r) for r in sorted(rows, key=str)) if len(rows) > 1 else (next(iter(rows)) if rows else "")
        lines.append(f"| {name} | {shown} | " + " | ".join(cells) + f" | {between} |")
    return "\n".join(lines) + "\n"
