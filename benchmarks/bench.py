"""Benchmarks: store backends and saved queries at 100, 1,000 and 10,000 synthetic cases.

    python benchmarks/bench.py [--sizes 100 1000 10000] [--quick] [--remote-only] [--scaleout-sizes 1000]

For each size it generates a corpus (benchmarks/generate.py), then, for each backend, runs a
child process that opens the store and times every saved query as its web page runs it (every row
read into Python, the rows of the first page labelled), next to the raw pyoxigraph.Store.query of
the same text on the same graph (the baseline the ratios are against), and as a download runs it
(every row labelled). Up to 1,000 cases the remote backend is timed the same way on an Oxigraph
server and on Virtuoso (benchmarks/remote.py), each against a raw POST of the same request.
Then it serves the app under gunicorn (2 workers) on loopback, times pages end to end over HTTP,
and runs wrk against them; the queries bound to one resource at 1,000 cases and more
(benchmarks/bound.py: every saved query, page section and page query that takes a resource, as the
app runs it, beside the raw engine); the runaway scenario (benchmarks/runaway.py: a trivial query
and case pages while four clients run queries that never end); at 1,000 cases the scale-out
scenario (benchmarks/scaleout.py: 1, 2 and 4 app processes behind nginx, on embedded copies, one
Oxigraph server or one Virtuoso); and start-up and memory by where the stores live
(benchmarks/memory.py). Results go to benchmarks/results/ as Markdown and JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from webapp import DEFAULTS  # noqa: E402

WORK = ROOT / "benchmarks" / ".work"
RESULTS = ROOT / "benchmarks" / "results"
# a picture page and the same rows as a table: the difference is what drawing the picture costs
PAGES = ["/", "/id/case/synthetic-00001", "/queries/case-timeline?case=synthetic-00001", "/sparql?query=ASK%20%7B%7D",
         "/queries/meeting-places", "/queries/meeting-places?view=table", "/search?q=synth+person+12"]
PAGE_SIZE = DEFAULTS["TRACKTWO_PAGE_SIZE"]  # rows on a saved query's page
REMOTE_BUDGET = 30  # seconds a saved query may take on a SPARQL server before it is reported as a timeout
NEEDS = {"find-by-name": {"text": "synthetic case 1"}, "case-timeline": {"case": "case:synthetic-00001"},
         "upstream-of-accord": {"accord": "accord:synthetic-00001-accord"}}


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# --- the child: one backend on one corpus ------------------------------------------------------

def child(backend: str, corpus: Path, endpoint: str | None, runs: int, budget: float, server_pid: int | None = None) -> dict:
    from tracktwo.errors import TrackTwoError
    from tracktwo.queries import Registry
    from tracktwo.store import QueryTimeout, inline_values, open_repository, release_free_memory

    started = time.perf_counter()
    repo = open_repository(corpus / "build" / "tracktwo.nq", backend, endpoint, timeout=budget * 2)
    opened = time.perf_counter() - started
    if backend == "oxigraph":
        repo.labels()  # as the web app does when it starts
        release_free_memory()
    resident = rss_mb()  # what a worker holds once open; the peak (below) includes the queries' results
    baseline = repo.store if backend == "oxigraph" else None
    raw_post = raw_poster(repo) if backend == "sparql" else None
    registry = Registry(corpus / "queries")
    queries = {}
    # A first pass in a killable worker finds the queries that cannot finish within the budget
    # (pyoxigraph cannot be interrupted in process); those are reported, not timed.
    from tracktwo.executor import Executor, StoreSpec
    probe = Executor(StoreSpec(str(corpus / "build" / "tracktwo.nq"), backend, endpoint), timeout=budget, cap=10**9)
    too_slow = set()
    for name, q in sorted(registry.queries.items()):
        try:
            probe.run(q.text, q.bind(NEEDS.get(name, {})))
        except QueryTimeout:
            too_slow.add(name)
        except TrackTwoError:
            pass
    probe.close()
    settled = settle(server_pid) if too_slow and server_pid else None
    for name, q in sorted(registry.queries.items()):
        if name in too_slow:
            queries[name] = {"error": f"timeout: longer than {budget:g} s"}
            continue
        params = NEEDS.get(name, {})
        bindings = q.bind(params)
        times, raw, labelled_all, rows = [], [], [], 0
        deadline = time.perf_counter() + budget
        for _ in range(runs):
            # as the query's page does: every row read, the rows of the first page labelled
            t = time.perf_counter()
            rows = len(q.run(repo, params, slice(0, PAGE_SIZE)).rows)
            times.append(time.perf_counter() - t)
            # as a download (or `tracktwo query run`) does: every row labelled
            t = time.perf_counter()
            q.run(repo, params)
            labelled_all.append(time.perf_counter() - t)
            if baseline is not None:
                t = time.perf_counter()
                # the parameters written into the text, as the app and the raw POST send them: passed as
                # substitutions, Oxigraph does not start from them (case timeline: 582 ms against 1.5)
                list(baseline.query(inline_values(q.text, bindings) if bindings else q.text,
                                    use_default_graph_as_union=repo.union))
                raw.append(time.perf_counter() - t)
            if raw_post is not None:
                t = time.perf_counter()
                raw_post(q.text, bindings)
                raw.append(time.perf_counter() - t)
            if time.perf_counter() > deadline:
                break
        entry = {"rows": rows, "runs": len(times), "median_ms": statistics.median(times) * 1000,
                 "p95_ms": percentile(times, 95) * 1000, "all_labelled_median_ms": statistics.median(labelled_all) * 1000}
        if raw:
            entry["raw_median_ms"] = statistics.median(raw) * 1000
            entry["ratio"] = statistics.median(times) / max(statistics.median(raw), 1e-9)
        queries[name] = entry
    out = {"backend": backend, "open_s": opened, "rss_open_mb": resident,
           "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "queries": queries}
    if settled is not None:
        out["server_busy_after_timeout_s"] = settled
    return out


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system) a process has used so far, in seconds (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def settle(pid: int, limit: float = 300) -> float:
    """Wait until the server `pid` is idle (under a tenth of a core for a second), at most `limit`
    seconds; return how long it stayed busy. A query the client gave up on may still be running
    there, and would take a core from the queries timed next."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        before = cpu_seconds(pid)
        time.sleep(1)
        if cpu_seconds(pid) - before < 0.1:
            break
    return time.monotonic() - started - 1


def loadavg() -> str:
    """The machine's load average over 1, 5 and 15 minutes (it is shared: every figure needs it)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def raw_poster(repo):
    """The remote backend's baseline: the very request it sends for a query (the same body, the same
    headers), as a bare POST on a kept-alive http.client connection, its answer read but not parsed.
    What the backend spends beyond this is its own overhead (the issue's target: 1.3x)."""
    import http.client
    import urllib.parse
    from tracktwo.remote import acknowledge_at_once
    from tracktwo.store import inline_values, query_kind
    parts = urllib.parse.urlsplit(repo.endpoint)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)

    def post(text: str, bindings: dict) -> None:
        sent = inline_values(text, bindings) if bindings else text
        kind = "graph" if query_kind(text) == "graph" else "select"  # (kept per text, as the backend does)
        body = urllib.parse.urlencode([("query", sent), *repo._dataset(text, None, None)]).encode()
        for attempt in (1, 2):
            reused = conn.sock is not None
            try:
                conn.request("POST", parts.path, body, repo.transport.headers[kind])
                acknowledge_at_once(conn)  # as the backend does (tracktwo/remote.py), or Virtuoso's answers wait 40 ms
                response = conn.getresponse()
                response.read()
                break
            except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
                # a kept-alive connection the server closed meanwhile: once more on a new one, as the backend does
                conn.close()
                if not (reused and attempt == 1):
                    raise
        assert response.status == 200, response.status
    return post


def rss_mb() -> float:
    """The resident memory of this process now (Linux), in MB."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


# --- the parent ------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(url: str, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=10).read()
            return
        except Exception:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def run_child(backend, corpus, endpoint, runs, budget, limit=3600, server_pid=None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", backend, "--corpus", str(corpus), "--runs", str(runs),
           "--budget", str(budget)]
    if endpoint:
        cmd += ["--endpoint", endpoint]
    if server_pid:
        cmd += ["--server-pid", str(server_pid)]
    load = loadavg()
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=limit)
    except subprocess.TimeoutExpired:
        return {"backend": backend, "error": f"did not finish within {limit} s"}
    if out.returncode != 0:
        return {"backend": backend, "error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed"}
    return {**json.loads(out.stdout), "load": f"{load} → {loadavg()}"}


def http_pages(base: str, paths: list[str], runs: int) -> dict:
    """Each page's median and p95; a page answered with an error is reported with what it said (a
    saved query past the time limit is a 503), and the run goes on: it stopped the whole report once."""
    out = {}
    for path in paths:
        times = []
        try:
            for _ in range(runs):
                t = time.perf_counter()
                urllib.request.urlopen(base + path, timeout=120).read()
                times.append(time.perf_counter() - t)
        except urllib.error.HTTPError as err:
            said = err.read().decode("utf-8", "replace").strip().splitlines()
            out[path] = {"error": f"HTTP {err.code} after {len(times)} answers" + (f": {said[0][:120]}" if said else "")}
            continue
        out[path] = {"median_ms": statistics.median(times) * 1000, "p95_ms": percentile(times, 95) * 1000}
    return out


def wrk(url: str, seconds: int, cases: int | None = None) -> dict | None:
    """A wrk load run on url; with cases, on case pages chosen at random among that many."""
    if not shutil.which("wrk"):
        return None
    cmd = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", url]
    if cases:
        cmd[-1:-1] = ["-s", str(ROOT / "benchmarks" / "random-case.lua")]
        cmd += ["--", str(cases)]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    result = {"url": url if not cases else f"{url.rstrip('/')}/id/case/<one of {cases:,} at random>"}
    if m := re.search(r"Requests/sec:\s+([\d.]+)", out):
        result["requests_per_s"] = float(m.group(1))
    for pct in ("50", "90", "99"):
        if m := re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)", out):
            value = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
            result[f"p{pct}_ms"] = value
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    result["errors"] = int(m.group(1)) if m else 0
    result["socket_errors"] = errors.group(1) if errors else "none"
    return result


def serve_and_measure(corpus: Path, pages: list[str], runs: int, load_seconds: int, cases: int) -> dict:
    port = free_port()
    env = {**os.environ, "TRACKTWO_DATASET": str(corpus / "build" / "tracktwo.nq")}
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    if gunicorn:
        # two processes, four threads each: pyoxigraph releases the GIL while it queries
        cmd = [gunicorn, "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}", "--timeout", "600", "webapp:create_app()"]
    else:  # the bench extras were not installed: fall back to waitress
        cmd = [sys.executable, "-m", "waitress", f"--listen=127.0.0.1:{port}", "--call", "webapp:create_app"]
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        started = time.perf_counter()
        wait(base + "/")
        from tracktwo.store import choose_backend   # the default, `auto`: which store it chose for this size
        backend = choose_backend("auto", corpus / "build" / "tracktwo.nq")
        result = {"server": ("gunicorn, 2 workers × 4 threads" if gunicorn else "waitress") + f", {backend}",
                  "startup_s": time.perf_counter() - started,
                  "pages": http_pages(base, pages, runs)}
        result["load"] = [r for r in (wrk(base + p, load_seconds) for p in pages) if r]
        # the same page again and again is served from the page cache; pages at random are mostly not
        if (spread := wrk(base + "/", load_seconds, cases)):
            result["load"].append(spread)
        result["workers"] = workers_memory(server.pid)
        return result
    finally:
        server.terminate()
        server.wait(timeout=30)


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return out


def _kb(pid: int, path: str, field: str) -> int:
    try:
        text = Path(f"/proc/{pid}/{path}").read_text()
        return int(re.search(rf"^{field}:\s+(\d+)", text, flags=re.M).group(1))
    except (OSError, AttributeError):
        return 0


def workers_memory(pid: int) -> list[dict]:
    """For each child of pid (a gunicorn worker): its resident memory, and the proportional memory
    (PSS: shared pages divided among the processes sharing them) of it and of every process below it
    (its query zygote and workers), in MB."""
    out = []
    for worker in _children(pid):
        tree, todo = [], [worker]
        while todo:
            tree.append(todo.pop())
            todo += _children(tree[-1])
        out.append({"rss_mb": _kb(worker, "status", "VmRSS") / 1024, "processes": len(tree),
                    "pss_mb": sum(_kb(p, "smaps_rollup", "Pss") for p in tree) / 1024})
    return out


def machine() -> dict:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "date": time.strftime("%Y-%m-%d %H:%M"), "load": loadavg()}


def markdown(report: dict) -> str:
    from benchmarks.remote import NAMES, side_by_side
    m = report["machine"]
    lines = [f"# tracktwo benchmarks, {m['date']}", "",
             f"Machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, {m['platform']}; load average "
             f"{m.get('load', 'not recorded')} when the run began (the machine is shared).", "",
             "Saved queries: median and p95 as the query's web page runs it (every row read, the "
             f"{PAGE_SIZE} rows of its first page labelled); the ratio is that median over the raw "
             "baseline: for `oxigraph`, `pyoxigraph.Store.query` of the same text on the same graph; for "
             "`sparql`, a bare POST of the same request on a kept-alive connection to the same server, "
             "its answer read but not parsed. The last column is a download's time, with every row labelled.", ""]
    for size in report["sizes"]:
        lines += [f"## {size['cases']:,} cases ({size['quads']:,} quads)", ""]
        for b in size["backends"]:
            title = f"{b['backend']}** on the {NAMES[b['server']]}" if "server" in b else f"{b['backend']}**"
            if "error" in b:
                lines += [f"**{title}: failed: {b['error']}", ""]
                continue
            held = f"{b['rss_open_mb']:.0f} MB once open, " if "rss_open_mb" in b else ""
            load = f" Load average {b['load']}." if "load" in b else ""
            busy = (f" The server stayed busy {b['server_busy_after_timeout_s']:.0f} s after the queries that timed out "
                    "were given up (waited for before timing)." if b.get("server_busy_after_timeout_s", 0) >= 1 else "")
            lines += [f"**{title}: opened in {b['open_s']:.2f} s, resident memory {held}peak {b['rss_mb']:.0f} MB.{load}{busy}", "",
                      "| query | rows | median ms | p95 ms | raw baseline median ms | ratio | every row labelled, median ms |",
                      "|---|---:|---:|---:|---:|---:|---:|"]
            for name, q in b["queries"].items():
                if "error" in q:
                    lines.append(f"| {name} | | {q['error']} | | | | |")
                    continue
                raw = f"{q['raw_median_ms']:.1f}" if "raw_median_ms" in q else ""
                ratio = f"{q['ratio']:.2f}×" if "ratio" in q else ""
                every = f"{q['all_labelled_median_ms']:.1f}" if "all_labelled_median_ms" in q else ""
                lines.append(f"| {name} | {q['rows']} | {q['median_ms']:.1f} | {q['p95_ms']:.1f} | {raw} | {ratio} | {every} |")
            lines.append("")
        if (table := side_by_side(size["backends"])):
            lines += [table]
        if "http" in size:
            h = size["http"]
            workers = "; ".join(f"{w['rss_mb']:.0f} MB resident, {w['pss_mb']:.0f} MB proportional with its "
                                f"{w['processes'] - 1} query processes" for w in h.get("workers", []))
            held = f"; after the load runs, each worker: {workers}" if workers else ""
            lines += [f"**HTTP** ({h['server']}, started in {h['startup_s']:.1f} s{held}):", "",
                      "| page | median ms | p95 ms |", "|---|---:|---:|"]
            lines += [f"| `{p}` | {v['median_ms']:.1f} | {v['p95_ms']:.1f} |" if "error" not in v else f"| `{p}` | {v['error']} | |"
                      for p, v in h["pages"].items()]
            lines.append("")
            if h["load"]:
                lines += ["| load (wrk, 2 threads, 16 connections) | requests/s | p50 ms | p99 ms | non-2xx |",
                          "|---|---:|---:|---:|---:|"]
                lines += [f"| `{r['url'].split('/', 3)[-1] or '/'}` | {r.get('requests_per_s', 0):.0f} | {r.get('p50_ms', 0):.1f} | "
                          f"{r.get('p99_ms', 0):.1f} | {r['errors']} |" for r in h["load"]]
                lines.append("")
        if "search" in size:
            from benchmarks.search import markdown as search_markdown
            lines += [search_markdown(size["search"])]
        if "bound" in size:
            from benchmarks.bound import markdown as bound_markdown
            lines += [bound_markdown(size["bound"])]
        if "runaway" in size:
            from benchmarks.runaway import markdown as runaway_markdown
            lines += [runaway_markdown(size["runaway"])]
        if "scaleout" in size:
            from benchmarks.scaleout import markdown as scaleout_markdown
            lines += [scaleout_markdown(size["scaleout"])]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--quick", action="store_true", help="fewer runs, shorter load runs")
    parser.add_argument("--remote-only", action="store_true",
                        help="only the remote backend (an Oxigraph server and Virtuoso) against its raw POST baseline")
    parser.add_argument("--scaleout-sizes", type=int, nargs="*", default=[1000],
                        help="the sizes at which to run the scale-out scenario (benchmarks/scaleout.py); none: skip it")
    parser.add_argument("--child")
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--endpoint")
    parser.add_argument("--server-pid", type=int, help="the SPARQL server's process, to wait for it to go idle after a timeout")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--budget", type=float, default=60)
    args = parser.parse_args()
    # stopped with a signal, it still stops the servers it started (the `with` blocks' exits run)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.child:
        print(json.dumps(child(args.child, args.corpus, args.endpoint, args.runs, args.budget, args.server_pid)))
        return

    runs, load = (5, 5) if args.quick else (20, 15)
    report = {"machine": machine(), "sizes": []}
    stamp = time.strftime("%Y%m%d-%H%M")
    for n in args.sizes:
        corpus = corpus_of(n)
        quads = sum(1 for _ in open(corpus / "build" / "tracktwo.nq"))
        size = {"cases": n, "quads": quads, "backends": []}
        if not args.remote_only:
            print(f"{n} cases: oxigraph …", file=sys.stderr)
            size["backends"].append(run_child("oxigraph", corpus, None, runs, 120))
        if n <= 100 and not args.remote_only:  # rdflib is measured where it finishes in reasonable time (one run can take minutes above)
            print(f"{n} cases: rdflib …", file=sys.stderr)
            size["backends"].append(run_child("rdflib", corpus, None, 3, 20, limit=900))
        if n <= 1000:
            size["backends"] += remote_backends(corpus, runs)
        if args.remote_only:
            report["sizes"].append(size)
            save(report, stamp)
            continue
        from benchmarks.search import measure as measure_search
        print(f"{n} cases: site search …", file=sys.stderr)
        size["search"] = measure_search(corpus, runs)
        if n >= 1000:  # the target is at 10,000 cases; 1,000 shows how each one grows
            from benchmarks.bound import scenario as bound_scenario
            print(f"{n} cases: queries bound to one resource …", file=sys.stderr)
            size["bound"] = bound_scenario(corpus, runs)
        print(f"{n} cases: HTTP …", file=sys.stderr)
        size["http"] = serve_and_measure(corpus, PAGES, runs, load, n)
        if n <= 1000:  # (at 10,000 cases the runaway cross product is the same; only slower to start)
            from benchmarks.runaway import scenario
            print(f"{n} cases: runaway queries …", file=sys.stderr)
            size["runaway"] = scenario(corpus, 10 if args.quick else 20)
        if n in args.scaleout_sizes:
            from benchmarks import scaleout
            started = time.perf_counter()
            size["scaleout"] = scaleout.scenario(corpus, **(scaleout.QUICK if args.quick else {}))
            size["scaleout"]["minutes"] = (time.perf_counter() - started) / 60
        if n >= 10000:  # start-up and memory by where the stores live (memory-*.md of its own)
            from benchmarks import memory
            print(f"{n} cases: start-up and memory …", file=sys.stderr)
            rows = memory.measure(corpus, 5)
            memory.save(rows, corpus)
        report["sizes"].append(size)
        save(report, stamp)  # after every size, so a long run that is stopped keeps what it measured
    print(markdown(report))


def corpus_of(n: int) -> Path:
    """The synthetic corpus of n cases under benchmarks/.work/, generated once, with the current saved queries."""
    from benchmarks.generate import generate
    corpus = WORK / f"cases-{n}"
    if not (corpus / "build" / "tracktwo.nq").is_file():
        print(f"generating {n} cases …", file=sys.stderr)
        generate(n, corpus)
    # as `tracktwo build` does after writing the dataset: the concept pages' rows (webapp.answers)
    from webapp.answers import precompute
    precompute(corpus / "build" / "tracktwo.nq")
    shutil.rmtree(corpus / "queries", ignore_errors=True)  # always the current saved queries
    shutil.copytree(ROOT / "queries", corpus / "queries")
    return corpus


def remote_backends(corpus: Path, runs: int) -> list[dict]:
    """The remote backend on an Oxigraph server and on Virtuoso, each beside its own raw POST
    baseline; a query longer than REMOTE_BUDGET is reported as a timeout, not timed."""
    from benchmarks.remote import published
    from tracktwo.errors import TrackTwoError
    out = []
    for engine in ("oxigraph", "virtuoso"):
        print(f"{corpus.name}: remote backend on {engine} …", file=sys.stderr)
        try:
            with published(engine, corpus, timeout_s=REMOTE_BUDGET) as (endpoint, server):
                result = run_child("sparql", corpus, endpoint, runs, REMOTE_BUDGET, server_pid=server.pid)
        except (RuntimeError, OSError, TrackTwoError) as err:  # not installed, or would not start or load
            result = {"backend": "sparql", "error": str(err).splitlines()[0]}
        out.append({**result, "server": engine})
    return out


def save(report: dict, stamp: str) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"bench-{stamp}.json").write_text(json.dumps(report, indent=2))
    (RESULTS / f"bench-{stamp}.md").write_text(markdown(report))
    shutil.copy(RESULTS / f"bench-{stamp}.md", RESULTS / "latest.md")


if __name__ == "__main__":
    main()
