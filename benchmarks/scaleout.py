"""Scale-out: 1, 2 and 4 app processes behind a reverse proxy, on embedded copies or one SPARQL server.

Each app process with its own embedded copy of the store, or all over one Oxigraph server, or all
over one Virtuoso.

    python benchmarks/scaleout.py [--cases 1000] [--quick] [--processes 1 2 4]
                                  [--deployments embedded oxigraph virtuoso] [--layout ports|workers]

The app processes are N gunicorns of one worker (4 threads) each, each on its own loopback port,
listed in the upstream block of nginx (benchmarks/proxy.py), which sends each request to the one
with the fewest in flight: the same shape as N hosts on a cluster. One gunicorn with N workers on
one socket (`--layout workers`, the single-host setup in gunicorn's docs) left workers idle: nginx
keeps its connections to the app open, and whichever workers accepted them first got all the
requests (at 4 workers: 0.00, 0.38, 0.39 and 0.39 cores used, where the ports layout gave 0.25
each). For each deployment and N, wrk drives nginx with 16 connections on a mix of pages
(benchmarks/mixed-pages.lua: case pages at random, and one request in ten a saved query's page),
after a short warm-up run that is not counted. Reported: requests a second, p50/p95/p99 latency,
errors, the proportional memory (PSS) of the app's processes and of the server, the CPU each part
used during the run, and what the whole machine used (the rest was other people's work: the
machine is shared). The page cache is off (TRACKTWO_PAGE_CACHE_MB=0) so that every request reaches
the store: at 1,000 cases each app process would otherwise soon hold every case page, and the
deployments would differ only in their first minute. The first configuration is measured again at
the end: how far the machine's speed drifted during the run.

Results go to benchmarks/results/scaleout-STAMP.md and .json when run alone; `make bench`
(benchmarks/bench.py) runs it at 1,000 cases and puts it in its own report.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.bench import RESULTS, _children, _kb, corpus_of, cpu_seconds, loadavg, machine, wait  # noqa: E402
from benchmarks.proxy import nginx  # noqa: E402
from benchmarks.remote import NAMES, published  # noqa: E402
from tracktwo.localservers import free_port  # noqa: E402

DEPLOYMENTS = ("embedded", "oxigraph", "virtuoso")
LAYOUTS = {"ports": "N gunicorn processes of one worker each, each on its own port, listed in nginx's upstream",
           "workers": "one gunicorn with N workers on one port"}
TITLES = {"embedded": "embedded copy per process", "oxigraph": "one Oxigraph server", "virtuoso": "one Virtuoso"}
THREADS = 4        # gunicorn threads per app process, as in bench.py's HTTP runs
CONNECTIONS = 16   # wrk's open connections (2 threads): as many as 4 processes × 4 threads
QUICK = {"seconds": 8, "longest": 30}  # --quick: shorter runs
ENOUGH = 300       # requests a run should answer for its p95 to mean something


def tree(pid: int) -> list[int]:
    """pid and every process below it."""
    out, todo = [], [pid]
    while todo:
        out.append(todo.pop())
        todo += _children(out[-1])
    return out


def pss_mb(pid: int) -> float:
    """Proportional memory of a process and everything below it (shared pages divided among the
    processes that share them), in MB."""
    return sum(_kb(p, "smaps_rollup", "Pss") for p in tree(pid)) / 1024


def cpu_of(pid: int) -> float:
    """CPU seconds used so far by a process and everything below it that is still running."""
    total = 0.0
    for p in tree(pid):
        try:
            total += cpu_seconds(p)
        except (OSError, IndexError, ValueError):
            pass  # it has just exited
    return total


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat: what every process
    used, other people's work included (steal time counts as busy: the cores were not ours)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    hz = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / hz, sum(fields[:8]) / hz


def settle(pids: list[int], limit: float = 120) -> None:
    """Wait until these processes (and those below them) are idle, under a tenth of a core for a
    second, at most `limit` seconds: requests that wrk abandoned at the end of its last run are
    still being answered (a page on Virtuoso takes a third of a second of its CPU), and would take
    the cores from the run measured next."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        before = sum(cpu_of(p) for p in pids)
        time.sleep(1)
        if sum(cpu_of(p) for p in pids) - before < 0.1:
            return


def wrk_mix(url: str, seconds: int, cases: int) -> dict:
    """wrk on the page mix; requests a second, latency percentiles (ms), errors, and wrk's own CPU."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "30s", "-s",
           str(ROOT / "benchmarks" / "mixed-pages.lua"), url, "--", str(cases)]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {"wrk_cpu_s": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)}
    if m := re.search(r"Requests/sec:\s+([\d.]+)", out):
        result["requests_per_s"] = float(m.group(1))
    if m := re.search(r"(\d+) requests in", out):
        result["requests"] = int(m.group(1))
    if m := re.search(r"PERCENTILES p50=(\d+) p95=(\d+) p99=(\d+) max=(\d+)", out):
        result.update({k: int(v) / 1000 for k, v in zip(("p50_ms", "p95_ms", "p99_ms", "max_ms"), m.groups())})
    result["statuses"] = {code: int(count) for code, count in re.findall(r"STATUS (\d+)=(\d+)", out)}
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    result["non_2xx"] = int(m.group(1)) if m else 0
    if m := re.search(r"ERRORS connect=(\d+) read=(\d+) write=(\d+) status=\d+ timeout=(\d+)", out):
        result["socket_errors"] = sum(int(v) for v in m.groups())
    if "requests_per_s" not in result:
        result["error"] = (out.strip().splitlines() or ["wrk printed nothing"])[-1]
    return result


def start_apps(layout: str, processes: int, env: dict, log: Path) -> tuple[list[subprocess.Popen], list[str]]:
    """The app processes: gunicorn with `processes` workers on one port ("workers"), or `processes`
    gunicorns of one worker each, each on its own port ("ports"); returns them and their host:ports."""
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    if gunicorn is None:
        raise RuntimeError("gunicorn is not installed: pip install -e '.[bench]'")
    ports = [free_port() for _ in range(processes if layout == "ports" else 1)]
    workers = 1 if layout == "ports" else processes
    apps = []
    with log.open("wb") as out:  # (gunicorn's and the app's log: a line a request)
        for port in ports:
            cmd = [gunicorn, "-w", str(workers), "--threads", str(THREADS), "-b", f"127.0.0.1:{port}", "--timeout", "600",
                   "--graceful-timeout", "5", "webapp:create_app()"]
            apps.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT))
    return apps, [f"127.0.0.1:{port}" for port in ports]


def stop(apps: list[subprocess.Popen]) -> None:
    for app in apps:
        app.terminate()
    for app in apps:
        try:
            app.wait(timeout=30)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait()


def one_run(corpus: Path, deployment: str, processes: int, endpoint: str | None, server_pid: int | None,
            seconds: int, warmup: int, folder: Path, longest: int, layout: str = "ports") -> dict:
    """`processes` app processes behind nginx, driven by wrk; what they served and what they used.
    The run lasts `seconds`, or longer (up to `longest`) when the warm-up's pace says that fewer than
    ENOUGH requests would be answered in that time: a p95 needs a few hundred."""
    cases = sum(1 for _ in (corpus / "cases").glob("*.ttl"))
    env = {**os.environ, "TRACKTWO_DATASET": str(corpus / "build" / "tracktwo.nq"), "TRACKTWO_PAGE_CACHE_MB": "0",
           "TRACKTWO_PROXIES": "1"}
    if endpoint:
        env.update(TRACKTWO_BACKEND="sparql", TRACKTWO_ENDPOINT=endpoint)
    if server_pid:
        settle([server_pid])  # (the last configuration's abandoned requests)
    load = loadavg()
    started = time.perf_counter()
    name = f"{deployment}-{layout}-{processes}"
    apps, upstreams = start_apps(layout, processes, env, folder / f"app-{name}.log")
    proxies: list = []
    try:
        for upstream in upstreams:
            wait(f"http://{upstream}/")
        with nginx(upstreams, folder / f"nginx-{name}", process_out=proxies) as url:
            startup = time.perf_counter() - started
            # every process opens its store, forks its query workers, fills its caches
            pace = wrk_mix(url, warmup, cases).get("requests_per_s", 0)
            parts = {"app": [a.pid for a in apps], "nginx": [proxies[0].pid], "server": [server_pid] if server_pid else []}
            settle([pid for pids in parts.values() for pid in pids])
            seconds = max(seconds, min(longest, math.ceil(ENOUGH / pace) if pace else longest))
            workers = [pid for a in apps for pid in _children(a.pid)]  # gunicorn's workers (with their query processes)
            cpu = {part: sum(cpu_of(pid) for pid in pids) for part, pids in parts.items()}
            each = {pid: cpu_of(pid) for pid in workers}
            busy = machine_cpu()
            result = wrk_mix(url, seconds, cases)
            busy = [after - before for after, before in zip(machine_cpu(), busy)]
            cpu = {part: sum(cpu_of(pid) for pid in pids) - cpu[part] for part, pids in parts.items() if pids}
            # each worker's share of the app's CPU: how evenly the requests were spread
            result["worker_cores"] = sorted(round((cpu_of(pid) - used) / seconds, 2) for pid, used in each.items())
            memory = {"app_pss_mb": sum(pss_mb(a.pid) for a in apps), "app_processes": sum(len(tree(a.pid)) for a in apps),
                      "nginx_pss_mb": pss_mb(proxies[0].pid)}
            if server_pid:
                memory["server_pss_mb"] = pss_mb(server_pid)
    finally:
        stop(apps)
    cores = {f"{part}_cores": used / seconds for part, used in cpu.items()}
    cores["wrk_cores"] = result.pop("wrk_cpu_s") / seconds
    # the whole machine's busy cores during the run; what this run's processes did not use was other work
    cores["machine_busy_cores"] = busy[0] / busy[1] * os.cpu_count() if busy[1] else 0
    cores["other_cores"] = max(0.0, cores["machine_busy_cores"] - sum(v for k, v in cores.items() if k != "machine_busy_cores"))
    if result.get("non_2xx") or result.get("socket_errors"):  # what the app and nginx said about them
        said = (folder / f"app-{name}.log").read_text(errors="replace").splitlines()
        said += (folder / f"nginx-{name}" / "error.log").read_text(errors="replace").splitlines()
        result["said"] = [line for line in said if not re.search(r" 200 [\d.]+ ms$", line)][-10:]
    return {"deployment": deployment, "processes": processes, "layout": layout, "startup_s": startup,
            "seconds": seconds, **result, **memory, **cores, "load": f"{load} → {loadavg()}"}


def measured(corpus, deployment, processes, *args, **options) -> dict:
    """one_run, or what stopped it (a server that would not start): one failed run is reported, and
    the others still run."""
    load = loadavg()
    try:
        return one_run(corpus, deployment, processes, *args, **options)
    except (RuntimeError, OSError) as err:
        return {"deployment": deployment, "processes": processes, "error": str(err).splitlines()[0],
                "load": f"{load} → {loadavg()}"}


def scenario(corpus: Path, processes=(1, 2, 4), deployments=DEPLOYMENTS, seconds: int = 15, warmup: int = 3,
             longest: int = 60, layout: str = "ports") -> dict:
    """Every deployment at every number of app processes, one N at a time (so the deployments
    compared at one N are measured minutes apart, not a quarter of an hour), then the first
    configuration again."""
    runs = []
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="scaleout-")))
        servers, started = {"embedded": (None, None)}, {}
        for engine in (d for d in deployments if d != "embedded"):
            print(f"{corpus.name}: starting the {NAMES[engine]} …", file=sys.stderr)
            # no time limit on the Oxigraph server: with one it keeps a thread a query (see published)
            endpoint, process = stack.enter_context(published(engine, corpus, timeout_s=None, threads=8,
                                                              keep_alives=64))
            servers[engine] = (endpoint, process.pid)
            started[engine] = process
        for n in processes:
            for deployment in deployments:
                print(f"{corpus.name}: {deployment}, {n} app process(es) …", file=sys.stderr)
                if deployment in started and started[deployment].poll() is not None:
                    runs.append({"deployment": deployment, "processes": n, "load": loadavg(), "error":
                                 f"the {NAMES[deployment]} had stopped (exit status {started[deployment].returncode})"})
                    continue
                runs.append(measured(corpus, deployment, n, *servers[deployment], seconds, warmup, folder, longest,
                                     layout=layout))
        first = runs[0]
        print(f"{corpus.name}: {first['deployment']}, {first['processes']} app process(es) again …", file=sys.stderr)
        again = measured(corpus, first["deployment"], first["processes"], *servers[first["deployment"]], seconds,
                         warmup, folder, longest, layout=layout)
    cases = sum(1 for _ in (corpus / "cases").glob("*.ttl"))
    return {"cases": cases, "threads": THREADS, "connections": CONNECTIONS, "layout": layout, "runs": runs,
            "again": again}


def markdown(result: dict) -> str:
    runs = result["runs"]
    lines = [f"### Scale-out at {result['cases']:,} cases", "",
             f"{LAYOUTS[result.get('layout', 'workers')]}, {result['threads']} threads each, behind nginx; wrk, 2 threads and "
             f"{result['connections']} connections through nginx, on case pages at random with one request in ten a "
             "saved query's page (case timeline, a case at random); the page cache off. Memory is proportional "
             "(PSS): all the app's processes (gunicorn's master, its workers and their query processes), and the "
             "SPARQL server's. Cores: CPU seconds used during the run over its length (the machine has "
             f"{os.cpu_count()}, shared with other work: other work is what the whole machine used, from /proc/stat, "
             "beyond this run's processes); CPU a request: those seconds over the requests answered. "
             f"wrk keeps {result['connections']} requests in flight, so the latencies are mostly waiting: "
             f"p50 ≈ {result['connections']} / (requests/s).", "",
             "| deployment | app processes | requests/s | × 1 process | answered in | p50 ms | p95 ms | p99 ms | errors | "
             "CPU ms a request: app / server | cores used: app / server / nginx / wrk / other work | app MB | server MB | "
             "load average before → after |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---|"]
    one = {r["deployment"]: r.get("requests_per_s") for r in runs if r["processes"] == min(x["processes"] for x in runs)}
    for r in sorted(runs, key=lambda r: (DEPLOYMENTS.index(r["deployment"]), r["processes"])):
        lines.append(row(r, one.get(r["deployment"])))
    again, first = result["again"], runs[0]
    if "requests_per_s" in again and first.get("requests_per_s"):
        lines += ["", f"The first configuration again at the end ({TITLES[again['deployment']]}, "
                  f"{again['processes']} process): {again['requests_per_s']:,.1f} requests/s against "
                  f"{first['requests_per_s']:,.1f} at the start ({again['requests_per_s'] / first['requests_per_s']:.2f}×), "
                  f"p95 {again.get('p95_ms', 0):.1f} ms against {first.get('p95_ms', 0):.1f} ms: how much the shared "
                  f"machine's speed drifted during the run (load average {again['load']})."]
    return "\n".join(lines) + "\n"


def row(r: dict, baseline: float | None) -> str:
    title = TITLES[r["deployment"]]
    if "error" in r:
        return f"| {title} | {r['processes']} | {r['error']} | | | | | | | | | | | {r['load']} |"
    scaled = f"{r['requests_per_s'] / baseline:.2f}×" if baseline else ""
    errors = r.get("non_2xx", 0) + r.get("socket_errors", 0)
    server = f"{r['server_pss_mb']:.0f}" if "server_pss_mb" in r else "–"
    cores = " / ".join(f"{r[k]:.2f}" if k in r else "–"
                       for k in ("app_cores", "server_cores", "nginx_cores", "wrk_cores", "other_cores"))
    answered = f"{r.get('requests', 0):,} in {r['seconds']} s"
    # the CPU a request costs: what the shared machine's load changes least (a cluster's sizing)
    cost = " / ".join(f"{1000 * r[k] / r['requests_per_s']:.1f}" if k in r and r["requests_per_s"] else "–"
                      for k in ("app_cores", "server_cores"))
    return (f"| {title} | {r['processes']} | {r['requests_per_s']:,.1f} | {scaled} | {answered} | {r.get('p50_ms', 0):.1f} | "
            f"{r.get('p95_ms', 0):.1f} | {r.get('p99_ms', 0):.1f} | {errors} | {cost} | {cores} | {r['app_pss_mb']:.0f} | "
            f"{server} | {r['load']} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="load runs of 8-30 seconds instead of 15-60")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--deployments", nargs="+", choices=DEPLOYMENTS, default=list(DEPLOYMENTS))
    parser.add_argument("--layout", choices=sorted(LAYOUTS), default="ports",
                        help="ports: N gunicorns of one worker behind nginx's upstream (the default); workers: one gunicorn, N workers")
    args = parser.parse_args()
    # stopped with a signal, it still stops the servers it started (the `with` blocks' exits run)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: `make bench` installs Debian's (apt-get install wrk)")
    started, at_start, stamp = time.perf_counter(), machine(), time.strftime("%Y%m%d-%H%M")  # (named when it began)
    corpus = corpus_of(args.cases)
    result = scenario(corpus, tuple(args.processes), tuple(args.deployments), layout=args.layout,
                      **(QUICK if args.quick else {}))
    result["machine"] = at_start
    result["minutes"] = (time.perf_counter() - started) / 60
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"scaleout-{stamp}.json").write_text(json.dumps(result, indent=2))
    m = result["machine"]
    text = (f"# tracktwo scale-out, {m['date']}\n\nMachine: {m['cpu']}, {m['cores']} cores; load average {m['load']} "
            f"when the run began; it took {result['minutes']:.1f} minutes.\n\n" + markdown(result))
    (RESULTS / f"scaleout-{stamp}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
