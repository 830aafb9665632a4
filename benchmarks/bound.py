"""Queries bound to one resource, timed as the app runs them, beside the raw engine.

    python benchmarks/bound.py CORPUS_DIR [--runs 20] [--save]   (a generated corpus with build/tracktwo.nq)
    python benchmarks/bound.py --compare BEFORE.json AFTER.json  (two saved runs side by side)

Every saved query that takes a resource (and find-by-name, which takes a text), every page section
(webapp/sections/) and every page query bound to a resource (webapp/queries/: the case page's and
the resource pages' own), each bound to resources picked from the corpus: a typical one and the
worst kind (the most connected person, place, source, conflict … of the synthetic pool, and
concepts such as track 2 that thousands of processes point at). Each is timed through what the
pages use (webapp.runner in an app made by create_app: sections and page queries in the app's
process, saved queries in a query worker, labels added), median and p95 over the runs, with the
raw `pyoxigraph.Store.query` of the very text the repository sends (the parameters inline as
VALUES, every solution read) as the baseline, and the rows each returned.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webapp.answers import HUB_LINKS  # noqa: E402 - after the path is set

TARGET_MS = 5.0   # the goal for anything bound to one resource at 10,000 cases
T2 = "https://w3id.org/tracktwo/ontology#"
ID = "https://w3id.org/tracktwo/id/"

# Picking the worst of a kind: the resource with the most of what its page lists. These run once,
# before the timing, and are not timed.
MOST = {
    "person": "SELECT ?x (COUNT(*) AS ?n) WHERE { ?p t2:participant ?x . ?x a t2:Person } GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1",
    "place": ("SELECT ?x (COUNT(*) AS ?n) WHERE { ?w t2:atPlace|t2:signedAt|t2:initialledAt ?x } "
              "GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1"),
    "source": ("SELECT ?x (COUNT(*) AS ?n) WHERE { { ?c t2:source ?x } UNION { ?i t2:keySource ?x } } "
               "GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1"),
    "conflict": ("SELECT ?x (COUNT(*) AS ?n) WHERE { ?p t2:addressesConflict ?x } GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1"),
    "state": "SELECT ?x (COUNT(*) AS ?n) WHERE { ?s ?p ?x . ?x a t2:State } GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1",
    "process": ("SELECT ?x (COUNT(*) AS ?n) WHERE { { ?e t2:inProcess ?x } UNION { ?p t2:participationIn ?x } } "
                "GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1"),
    "case": ("SELECT ?x (COUNT(*) AS ?n) WHERE { ?x t2:coversProcess ?pr . { ?e t2:inProcess ?pr } UNION "
             "{ ?p t2:participationIn ?pr } } GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1"),
}


def resources(repo) -> list[tuple[str, str, str]]:
    """(kind, why, IRI) for every resource timed: a typical one of each kind, then the worst."""
    out = [("case", "typical", ID + "case/synthetic-00001"),
           ("accord", "typical", ID + "accord/synthetic-00001-accord"),
           ("person", "typical (in one case)", ID + "person/synthetic-00001-k0"),
           ("process", "typical", ID + "process/synthetic-00001-dialogue"),
           ("event", "typical", ID + "event/synthetic-00001-e0"),
           ("bridge", "typical", ID + "bridge/synthetic-00001-bridge"),
           ("place", "typical", ID + "place/synth-city-1"),
           ("source", "typical", ID + "source/synthetic-1"),
           ("conflict", "typical", ID + "conflict/synthetic-1"),
           ("state", "typical", ID + "state/synthland-1")]
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in {"t2": T2}.items())
    for kind, query in MOST.items():
        rows = repo.select(prologue + query)
        if rows:
            out.append((kind, f"most connected ({int(rows[0]['n'])})", str(rows[0]["x"])))
    # concepts that thousands of things point at: the worst pages of all
    out += [("track", "worst: every dialogue", ID + "track/track-2"),
            ("mechanism", "a sixth of the dialogues", ID + "mechanism/back-channel"),
            ("region", "a seventh of the cases", ID + "region/middle-east"),
            ("outcome", "half the cases", ID + "outcome/accord-reached"),
            ("bridge-type", "a sixth of the bridges", ID + "bridge-type/channel-upgraded"),
            ("role", "every case's convener", ID + "role/convener"),
            ("scheme", "typical", ID + "scheme/tracks")]
    return out


# The page queries each kind of page runs, with the variable they bind (webapp/views/)
RESOURCE_PAGE = ["resource-outgoing", "resource-incoming", "resource-citations", "resource-schemaorg",
                 "resource-description"]
CASE_PAGE = ["case-header", "case-people-in-processes", "case-people-in-events", "case-processes", "case-events",
             "case-bridges", "case-accords", "case-outcomes", "case-lessons", "case-places", "case-disputes",
             "case-key-sources", "case-cited-sources", "case-readings"]
# Saved queries that take a resource: (name, parameter, the kind of resource it takes)
SAVED = [("case-timeline", "case", "case"), ("upstream-of-accord", "accord", "accord"),
         ("signatures", "accord", "accord"), ("readings", "case", "case"), ("readings", "topic", "mechanism"),
         ("actors-by-role", "role", "role"),
         ("cases-by-track-region-decade", "region", "region"), ("bridge-types-before-accords", "region", "region")]
TEXTS = ["synthetic case 1", "synth person 12", "zzzz"]   # find-by-name: many hits, a few, none


def timed(fn, runs: int) -> tuple[list[float], object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
    return times, out


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def measure(corpus: Path, runs: int = 20, budget: float = 30) -> dict:
    import pyoxigraph as ox
    from rdflib import URIRef
    from tracktwo.executor import Executor, StoreSpec
    from tracktwo.store import QueryTimeout, inline_values
    from webapp import create_app, runner
    from webapp.state import state

    # A page query runs in the app's process, where pyoxigraph cannot be stopped: each text is first
    # run once in a killable worker with a time limit, and one that does not finish is reported, not timed.
    probe = Executor(StoreSpec(str(corpus / "build" / "tracktwo.nq")), timeout=budget, cap=10**9)
    probed: dict = {}

    def too_slow(text: str, bindings: dict) -> bool:
        key = (text, tuple(sorted((k, str(v)) for k, v in bindings.items())))
        if key not in probed:
            try:
                probe.run(text, bindings or None, untrusted=False)
                probed[key] = False
            except QueryTimeout:
                probed[key] = True
        return probed[key]

    # as `tracktwo build` does: the concept pages' rows worked out beside the dataset (webapp.answers);
    # timed when they are made here, so that the cost moved to the build is reported beside the gain
    from webapp.answers import path_for, precompute
    nquads = corpus / "build" / "tracktwo.nq"
    made = not path_for(nquads).is_file()
    started = time.perf_counter()
    precompute(nquads)
    answers_seconds = time.perf_counter() - started if made else None
    app = create_app({"TRACKTWO_DATASET": str(nquads), "TRACKTWO_QUERY_TIMEOUT": 120})
    st = state(app)
    repo, catalogue = st.repo, st.catalogue
    page_size = app.config["TRACKTWO_PAGE_SIZE"]

    def raw(text: str, bindings: dict) -> int:
        sent = inline_values(text, bindings) if bindings else text
        answer = repo.store.query(sent, use_default_graph_as_union=repo.union)
        return 1 if isinstance(answer, ox.QueryBoolean) else len(list(answer))  # every solution (or triple) read

    entries = []

    def record(what: str, name: str, kind: str, why: str, iri: str, app_fn, text: str, bindings: dict) -> None:
        if too_slow(text, bindings):
            entries.append({"what": what, "name": name, "kind": kind, "why": why, "iri": iri,
                            "error": f"longer than {budget:g} s"})
            print(f"{what} {name} {iri.removeprefix(ID)}: longer than {budget:g} s", file=sys.stderr, flush=True)
            return
        try:
            app_times, out = timed(app_fn, runs)
        except Exception as err:  # noqa: BLE001 - reported, not fatal to the other measurements
            entries.append({"what": what, "name": name, "kind": kind, "why": why, "iri": iri, "error": str(err)})
            return
        raw_times, _ = timed(lambda: raw(text, bindings), runs)
        rows = (len(out) if isinstance(out, list) else 0 if out is None else len(out.rows) if out.kind == "select"
                else len(out.graph or []))
        print(f"{what} {name} {iri.removeprefix(ID)}: {rows} rows, {statistics.median(app_times):.2f} ms "
              f"(raw {statistics.median(raw_times):.2f})", file=sys.stderr, flush=True)
        entries.append({"what": what, "name": name, "kind": kind, "why": why, "iri": iri, "rows": rows,
                        "truncated": bool(getattr(out, "truncated", False)), "runs": runs,
                        "median_ms": statistics.median(app_times), "p95_ms": percentile(app_times, 95),
                        "raw_median_ms": statistics.median(raw_times)})

    load_before = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    picked = resources(repo)
    with app.test_request_context("/"):
        for kind, why, iri in picked:
            term = URIRef(iri)
            # the page's own queries
            if kind == "case":
                for name in CASE_PAGE:
                    spec = catalogue.page(name)
                    record("page query", name, kind, why, iri, lambda n=name: runner.result(n, case=term), spec.text,
                           {"case": term})
                # the bibliographic fields of the case's sources (webapp/views/cases.py: case_sources)
                spec = catalogue.page("resource-fields")
                sources = sorted({r["s"] for name in ("case-key-sources", "case-cited-sources")
                                  for r in runner.rows(name, case=term)})
                record("page query", "resource-fields", kind, why, iri,
                       lambda s=sources: runner.result("resource-fields", s=s), spec.text, {"s": sources})
                spec = catalogue.page("case-graph")
                g = URIRef("https://w3id.org/tracktwo/graph/cases/" + iri.rsplit("/", 1)[1])
                record("page query", "case-graph", kind, why, iri, lambda: runner.result("case-graph", g=g), spec.text,
                       {"g": g})
            else:
                for name in RESOURCE_PAGE:
                    spec = catalogue.page(name)
                    record("page query", name, kind, why, iri, lambda n=name: runner.result(n, r=term), spec.text,
                           {"r": term})
            if kind == "source":  # its citation in each style is made from these fields (webapp/views/resources.py)
                from tracktwo.citations import SOURCES
                record("page query", "citations.SOURCES", kind, why, iri,
                       lambda: repo.query(SOURCES, {"s": term}), SOURCES, {"s": term})
            # the sections of its page
            for spec in st.catalogue.sections.get(kind, []):
                if spec.saved:
                    saved = catalogue.get(spec.saved)
                    param = next(p for p in saved.params if p.type == "iri")
                    bindings = saved.bind({param.name: iri})
                    record("section", spec.name, kind, why, iri, lambda s=spec: runner.section(s, term), saved.text, bindings)
                else:
                    record("section", spec.name, kind, why, iri, lambda s=spec: runner.section(s, term), spec.text,
                           {"r": term})
        # saved queries that take a resource, as their page runs them (a worker, the first page labelled)
        for name, param, kind in SAVED:
            saved = catalogue.get(name)
            for k, why, iri in picked:
                if k != kind:
                    continue
                values = {param: iri}
                record("saved query", name, kind, why, iri,
                       lambda s=saved, v=values: runner.saved(s, v, slice(0, page_size)), saved.text, saved.bind(values))
        # find-by-name: its web page is the site search (the index of labels, webapp/search.py); its
        # download runs the SPARQL, which reads every label
        from webapp.views.search import index
        index()  # read once per process, as the app does on the first search
        finder = catalogue.get("find-by-name")
        for text in TEXTS:
            values = {"text": text}
            record("web page (site search index)", "find-by-name", "text", "", text,
                   lambda t=text: index().search(t), finder.text, finder.bind(values))
            record("download (SPARQL, a worker)", "find-by-name", "text", "", text,
                   lambda v=values: runner.saved(finder, v), finder.text, finder.bind(values))
    st.close()
    probe.close()
    return {"runs": runs, "page_size": page_size, "entries": entries, "load_before": load_before,
            "answers": {"seconds": answers_seconds, "concepts": len({iri for entry in st.answers.answers.values()
                                                                      for iri in entry["rows"]})},
            "load": Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []}


def scenario(corpus: Path, runs: int = 20, budget: float = 30, limit: float = 3600) -> dict:
    """measure() in a child process (the app it makes holds a copy of the store and a query process)."""
    cmd = [sys.executable, __file__, str(corpus), "--runs", str(runs), "--budget", str(budget), "--json"]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=limit, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish within {limit:g} s"}
    if out.returncode != 0:
        return {"error": (out.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(out.stdout)


# Kinds of resource that thousands of things point at in the synthetic corpus (every dialogue is on
# track 2, half the cases reached an accord): their pages list or count thousands, which no query
# bound to them can read in 5 ms; reported apart from the resources a page is really about.
CONCEPTS = {"track", "mechanism", "region", "outcome", "bridge-type", "role"}


def scope(entry: dict) -> str:
    if entry["kind"] == "text":
        return "a text"
    return "a concept thousands use" if entry["kind"] in CONCEPTS else "one resource"


def answers_note(answers: dict | None) -> str:
    if not answers:
        return ""
    made = (f"worked out in {answers['seconds']:.1f} s before this run" if answers["seconds"] is not None
            else "worked out by an earlier build")
    return (f"The pages of the {answers['concepts']} concepts with at least {HUB_LINKS} links read their rows from "
            f"the build ({made}; webapp.answers): the raw column is the engine's time without them.")


def markdown(result: dict) -> str:
    if "error" in result:
        return f"**Bound to one resource**: failed: {result['error']}\n"
    entries = [e for e in result["entries"] if "error" not in e]
    summary = []
    for name in ("one resource", "a concept thousands use", "a text"):
        group = [e for e in result["entries"] if scope(e) == name]
        met = [e for e in group if "error" not in e and e["median_ms"] <= TARGET_MS]
        if group:
            summary.append(f"{name}: {len(met)} of {len(group)} within {TARGET_MS:g} ms")
    lines = [f"**Bound to one resource** ({len(entries)} measurements, {result['runs']} runs each; load average "
             f"{' '.join(result.get('load_before', []))} at the start, {' '.join(result.get('load', []))} at the end): "
             "each query as the app runs it (sections and page queries in the app's process, saved queries in a "
             "query worker, labels added; find-by-name's web page is the site search's index) against the raw "
             f"pyoxigraph query of the same text. Target: a median of {TARGET_MS:g} ms or less. "
             + "; ".join(summary) + ". " + answers_note(result.get("answers")), "",
             "| scope | kind | resource | query | rows | median ms | p95 ms | raw median ms |",
             "|---|---|---|---|---:|---:|---:|---:|"]
    for e in result["entries"]:
        short = e["iri"].removeprefix(ID)
        label = f"`{short}` ({e['why']})" if e["why"] else f"`{short}`"
        if "error" in e:
            lines.append(f"| {scope(e)} | {e['kind']} | {label} | {e['what']} `{e['name']}` | | {e['error']} | | |")
            continue
        rows = f"{e['rows']}{' (capped)' if e['truncated'] else ''}"
        mark = " **over**" if e["median_ms"] > TARGET_MS else ""
        lines.append(f"| {scope(e)} | {e['kind']} | {label} | {e['what']} `{e['name']}` | {rows} | "
                     f"{e['median_ms']:.2f}{mark} | {e['p95_ms']:.2f} | {e['raw_median_ms']:.2f} |")
    return "\n".join(lines) + "\n"


def compare(before: dict, after: dict) -> str:
    """Two runs side by side (say, the code before a change and after it), matched by what was timed."""
    def key(e):
        return (e["what"], e["name"], e["kind"], e["why"], e["iri"])

    def cell(e):
        if e is None:
            return "", ""
        if "error" in e:
            return e["error"], ""
        return f"{e['median_ms']:.2f}", f"{e['rows']}"
    old = {key(e): e for e in before["entries"]}
    lines = [f"| scope | kind | resource | query | rows before | median ms before | rows after | median ms after |",
             "|---|---|---|---|---:|---:|---:|---:|"]
    for e in after["entries"]:
        b = old.get(key(e))
        if b is None and e["name"] == "find-by-name":  # before, find-by-name's page ran the SPARQL
            b = old.get(("saved query", e["name"], e["kind"], e["why"], e["iri"]))
        short = e["iri"].removeprefix(ID)
        label = f"`{short}` ({e['why']})" if e["why"] else f"`{short}`"
        (bm, br), (am, ar) = cell(b), cell(e)
        lines.append(f"| {scope(e)} | {e['kind']} | {label} | {e['what']} `{e['name']}` | {br} | {bm} | {ar} | {am} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, nargs="?")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE.json", "AFTER.json"),
                        help="print two saved runs side by side instead of measuring")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--budget", type=float, default=30, help="seconds a query may take before it is reported, not timed")
    parser.add_argument("--json", action="store_true", help="print the measurements as JSON (for bench.py)")
    parser.add_argument("--save", action="store_true",
                        help="also write benchmarks/results/bound-<corpus>-<date>-<time>.md and .json")
    args = parser.parse_args()
    if args.compare:
        print(compare(*(json.loads(p.read_text()) for p in args.compare)))
        return
    if args.corpus is None:
        parser.error("name a corpus (or --compare two runs)")
    result = measure(args.corpus, args.runs, args.budget)
    result["corpus"] = args.corpus.name
    if args.save:
        name = f"bound-{args.corpus.name}-{time.strftime('%Y%m%d-%H%M%S')}"
        results = ROOT / "benchmarks" / "results"
        results.mkdir(parents=True, exist_ok=True)
        (results / f"{name}.json").write_text(json.dumps(result, indent=2))
        (results / f"{name}.md").write_text(f"# Queries bound to one resource: {name}\n\n" + markdown(result))
        print(f"wrote benchmarks/results/{name}.md", file=sys.stderr)
    print(json.dumps(result) if args.json else markdown(result))


if __name__ == "__main__":
    main()
