"""The contributor's loop (issue 20): how long `tracktwo build` and `tracktwo validate cases/X.ttl`
take after an edit, against a cold build, on a copy of this repository's ontology and case files.

    python benchmarks/loop.py [--case oslo-back-channel] [--runs 3]

Each step runs the real command line in a subprocess and is timed by the wall clock and by the CPU
time of the process (user + system): the machine is shared, and the CPU time is what the command
itself costs. The ratios are against the cold build of the same run (no build/ directory: every
cache empty). Results go to benchmarks/results/loop-*.md and loop-latest.md.
"""

from __future__ import annotations

import argparse
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
CLI = [sys.executable, "-m", "tracktwo.cli"]


def timed(root: Path, *args) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, last line of output) of one run of the command line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run([*CLI, "--root", str(root), *args], capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"tracktwo {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu, (result.stdout.strip().splitlines() or [""])[-1]


def relabel(path: Path, n: int) -> None:
    """A one-label edit: the first rdfs:label of the file gets a different ending each time."""
    text = path.read_text(encoding="utf-8")
    marker = 'rdfs:label "'
    at = text.index(marker) + len(marker)
    end = text.index('"', at)
    label = text[at:end].split(" (edit ")[0]
    path.write_text(text[:at] + f"{label} (edit {n})" + text[end:], encoding="utf-8")


def link(path: Path, n: int) -> None:
    """A link edit: the case points to one more page (rdfs:seeAlso), which changes its links."""
    with path.open("a", encoding="utf-8") as out:
        out.write(f"\n<https://w3id.org/tracktwo/id/case/{path.stem}> "
                  f"<http://www.w3.org/2000/01/rdf-schema#seeAlso> <https://example.org/page-{n}> .\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", default="oslo-back-channel")
    parser.add_argument("--runs", type=int, default=3, help="repetitions of each warm step (the median is reported)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="tracktwo-loop-") as tmp:
        root = Path(tmp)
        shutil.copytree(ROOT / "ontology", root / "ontology")
        shutil.copytree(ROOT / "cases", root / "cases")
        case = root / "cases" / f"{args.case}.ttl"
        shared = root / "cases" / "shared" / "people.ttl"
        cases = len(list((root / "cases").glob("*.ttl")))

        cold = timed(root, "build")
        rows.append(("cold build (no build/: every cache empty)", [cold]))
        steps = [
            ("build, nothing changed", lambda n: None, ("build",)),
            (f"build after a one-label edit to cases/{case.name}", lambda n: relabel(case, n), ("build",)),
            (f"validate cases/{case.name} after a one-label edit", lambda n: relabel(case, 100 + n),
             ("validate", f"cases/{case.name}")),
            ("build after a one-label edit to cases/shared/people.ttl", lambda n: relabel(shared, n), ("build",)),
            ("build --force, nothing changed (every cache warm)", lambda n: None, ("build", "--force")),
            # a new link between resources is something the reasoner sees: HermiT runs over every case
            (f"build after a new link in cases/{case.name} (the reasoner runs)", lambda n: link(case, n), ("build",)),
        ]
        for title, change, command in steps:
            timings = []
            for n in range(1 if "reasoner runs" in title else args.runs):
                change(n + 1)
                timings.append(timed(root, *command))
            rows.append((title, timings))

    stamp = time.strftime("%Y%m%d-%H%M")
    lines = [f"# The contributor's loop, {stamp}", "",
             f"{cases} case files; {platform.processor() or platform.machine()}, {_cores()} cores; load average "
             f"{_load()} at the end. Median of {args.runs} runs for each warm step (one for the reasoner's); ratios against the cold build.",
             "", "| step | wall s | CPU s | wall / cold | CPU / cold | last line of output |", "|---|---|---|---|---|---|"]
    for title, timings in rows:
        wall = statistics.median(t[0] for t in timings)
        cpu = statistics.median(t[1] for t in timings)
        out = timings[-1][2].replace("|", "\\|")
        lines.append(f"| {title} | {wall:.2f} | {cpu:.2f} | {wall / cold[0]:.3f} | {cpu / cold[1]:.3f} | {out} |")
    report = "\n".join(lines) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"loop-{stamp}.md").write_text(report, encoding="utf-8")
    (RESULTS / "loop-latest.md").write_text(report, encoding="utf-8")
    print(report)


def _cores() -> int:
    import os
    return os.cpu_count() or 1


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


if __name__ == "__main__":
    main()
