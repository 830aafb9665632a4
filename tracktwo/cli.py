"""The tracktwo command line: validate, build, export, sparql, stats, serve."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from rdflib import Dataset, Graph

from .build import BuildFailed, build, require_build
from .errors import TrackTwoError
from .load import Project
from .namespaces import bind_prefixes
from .results import ALIASES, serialize
from .sparql import as_table, run, with_prologue
from .store import BACKENDS, DISK_ABOVE_MB, choose_backend, open_repository
from .validate import validate

EXPORT_FORMATS = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}
RESULT_FORMATS = ["table", "json", "xml", "csv", "tsv", "ttl", "nt", "jsonld"]  # table: for people


def write_result(result, fmt: str) -> None:
    """A query result on stdout: a table for people, or the SPARQL 1.1 result formats (the same
    writers as the /sparql endpoint); graph results only as RDF, tables only as results."""
    if fmt == "table":
        out = as_table(result).encode("utf-8")
    else:
        media = ALIASES[fmt]
        graph_format = fmt in ("ttl", "nt", "jsonld")
        if graph_format != (result.kind == "graph"):
            wanted = "ttl, nt or jsonld" if result.kind == "graph" else "json, xml, csv or tsv"
            raise TrackTwoError(f"--format {fmt} does not fit this result; use {wanted} (or table)")
        out = serialize(result, media)
    sys.stdout.buffer.write(out if out.endswith(b"\n") else out + b"\n")
    sys.stdout.flush()


def cmd_validate(args) -> int:
    project = Project.at(args.root)
    focus = None
    if args.files:
        # the named files are checked in the context of every other case (readings and shared
        # nodes point into them), and only their problems and gaps are reported
        chosen = Project.at(args.root, args.files).cases
        project.cases = sorted(set(project.cases) | set(chosen))
        focus = {project.relative(p) for p in chosen}
    report = validate(project, reason=not args.no_reason, focus=focus)
    if args.format == "json":
        print(json.dumps(report.as_json(), indent=2))
    else:
        for problem in report.problems:
            print(problem)
        for gap in report.gaps:
            print(gap)
        if report.ok:
            reasoned = "" if args.no_reason else f", OWL-consistent ({report.reasoned_cases} case(s) reasoned, {report.cache_hits} from cache)"
            lacking = f"; {len(report.gaps)} gap(s) against the case standard (cases/README.md)" if report.gaps else ""
            print(f"ok: {report.files} files valid (Turtle, SHACL: {len(report.shacl_reused)} from cache){reasoned}{lacking}")
        else:
            print(f"{len(report.problems)} problem(s) in {report.files} files", file=sys.stderr)
    return 0 if report.ok else 1


def cmd_new_case(args) -> int:
    import re
    from importlib.resources import files
    project = Project.at(args.root)
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", args.slug):
        raise TrackTwoError(f"{args.slug!r} is not a slug: use lowercase ASCII letters, digits and hyphens "
                            "(e.g. sant-egidio-mozambique)")
    path = project.root / "cases" / f"{args.slug}.ttl"
    if path.exists():
        raise TrackTwoError(f"{project.relative(path)} already exists; not overwriting it")
    title = args.title or args.slug.replace("-", " ").capitalize()
    template = files("tracktwo").joinpath("templates/case.ttl").read_text(encoding="utf-8")
    path.write_text(template.replace("{slug}", args.slug).replace("{title}", title.replace('"', "'")), encoding="utf-8")
    print(f"wrote {project.relative(path)}: fill it in, then run `tracktwo validate {project.relative(path)}`")
    return 0


def cmd_build(args) -> int:
    project = Project.at(args.root)
    try:
        result = build(project, force=args.force)
    except BuildFailed as failed:
        for problem in failed.report.problems:
            print(problem)
        raise
    where = project.relative(result.path)
    from webapp.answers import precompute   # the concept pages' rows, for the app to read
    precompute(result.path)
    if result.skipped:
        print(f"up to date: {where} ({result.quads} quads); use --force to rebuild")
    else:
        print(f"built {where}: {result.quads} quads in {result.graphs} graphs, "
              f"SHACL: {result.shacl_reused} of {result.graphs - 1} files from cache, "
              f"{result.reasoned_cases} case(s) reasoned ({result.cache_hits} from cache), {result.seconds:.1f} s")
    return 0


def _dataset(project: Project) -> Dataset:
    dataset = bind_prefixes(Dataset())
    dataset.parse(str(require_build(project)), format="nquads")
    return dataset


def cmd_export(args) -> int:
    project = Project.at(args.root)
    if args.format == "datapackage":  # tables, not RDF: a folder of CSV files
        from .datapackage import model, write
        ontology, shapes = model(project)
        out = write(_repository(project, "oxigraph"), ontology, Path(args.output or "tracktwo-datapackage"), shapes)
        print(f"wrote {out}/ (datapackage.json, codebook.md and one CSV per table)", file=sys.stderr)
        return 0
    dataset = _dataset(project)
    fmt = EXPORT_FORMATS[args.format]
    if args.format in ("ttl", "nt"):  # triple formats: merge the named graphs
        merged = bind_prefixes(Graph())
        for quad in dataset.quads((None, None, None, None)):
            merged.add(quad[:3])
        text = merged.serialize(format=fmt)
    else:
        text = dataset.serialize(format=fmt)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_sparql(args) -> int:
    project = Project.at(args.root)
    text = sys.stdin.read() if args.query == "-" else args.query
    if args.query != "-" and Path(args.query).suffix in (".rq", ".sparql") and Path(args.query).is_file():
        text = Path(args.query).read_text(encoding="utf-8")
    repo = _repository(project, args.backend)
    write_result(run(repo, with_prologue(text)), args.format)
    return 0


def _repository(project: Project, backend: str):
    if backend == "sparql":
        return open_repository(None, "sparql", os.environ.get("TRACKTWO_ENDPOINT"))
    dataset = require_build(project)
    if backend == "auto":   # by the app's own setting, checked as the app checks it
        from webapp.settings import BY_NAME
        backend = choose_backend(backend, dataset, BY_NAME["TRACKTWO_DISK_ABOVE_MB"].read(os.environ.get("TRACKTWO_DISK_ABOVE_MB")))
    return open_repository(dataset, backend)


def cmd_stats(args) -> int:
    from .stats import collect, render
    project = Project.at(args.root)
    repo = _repository(project, args.backend)
    stats = collect(repo)
    print(json.dumps(stats, indent=2) if args.format == "json" else render(stats))
    return 0


def cmd_case_table(args) -> int:
    from .casetable import case_table, replace_in
    project = Project.at(args.root)
    table = case_table(_repository(project, args.backend))
    if args.write:
        changed = replace_in(project.root / "README.md", table)
        print("README.md: case table " + ("updated" if changed else "already up to date"))
    else:
        print(table)
    return 0


def cmd_vocabulary(args) -> int:
    from .vocabulary import vocabulary_markdown, write
    project = Project.at(args.root)
    if args.write:
        print("docs/vocabulary.md: " + ("updated" if write(project) else "already up to date"))
    else:
        print(vocabulary_markdown(project), end="")
    return 0


def _registry(args):
    from .queries import Registry
    project = Project.at(args.root)
    return project, Registry(project.root / "queries")


def cmd_query_list(args) -> int:
    _, registry = _registry(args)
    for err in registry.errors:
        print(f"error: {err}", file=sys.stderr)
    width = max((len(n) for n in registry.queries), default=0)
    for q in registry.queries.values():
        print(f"{q.name:<{width}}  {q.summary}  [{', '.join(q.tags)}]")
    return 1 if registry.errors else 0


def cmd_query_show(args) -> int:
    _, registry = _registry(args)
    q = registry.get(args.name)
    print(f"{q.name}: {q.summary}\n")
    if q.description:
        print(q.description + "\n")
    print(f"tags: {', '.join(q.tags) or '-'}    view: {q.view}    file: {q.path.relative_to(registry.directory.parent)}")
    for p in q.params:
        extra = [f"default {p.default}"] if p.default is not None else []
        if p.allowed:
            extra.append("one of " + ", ".join(p.allowed))
        print(f"parameter {p.name} ({p.type}, {'required' if p.required and p.default is None else 'optional'})"
              + (f": {'; '.join(extra)}" if extra else ""))
    print("\n" + q.text.rstrip())
    return 0


def cmd_query_run(args) -> int:
    project, registry = _registry(args)
    q = registry.get(args.name)
    values = {}
    for item in args.param or []:
        name, sep, value = item.partition("=")
        if not sep:
            raise TrackTwoError(f"--param {item!r}: write it as name=value")
        values[name.strip()] = value
    repo = _repository(project, args.backend)
    write_result(q.run(repo, values), args.format)
    return 0


def cmd_readings(args) -> int:
    from .readings import EXPORTS, LEVELS, Catalogue, Pack, Session, markdown, pack_from_json, pack_readings
    catalogue = Catalogue(_repository(Project.at(args.root), args.backend))
    if args.level and args.level not in LEVELS:
        raise TrackTwoError(f"--level must be one of {', '.join(LEVELS)}")
    if args.pack:
        path = Path(args.pack)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as err:
            raise TrackTwoError(f"{path}: {err.strerror}") from None
        pack, problems = pack_from_json(text, str(path))
        for problem in problems:
            print(f"warning: {problem}", file=sys.stderr)
        for gone in [r for s in pack.sessions for r in s.readings if r not in catalogue.readings]:
            print(f"warning: {path}: reading {gone!r} is no longer in the catalogue", file=sys.stderr)
        readings = pack_readings(pack, catalogue)
    else:
        readings = catalogue.filter(args.case or "", args.topic or "", args.level or "", args.kind or "")
        pack = Pack("Readings", [Session("Readings", "", [r.slug for r in readings])])
    if args.format == "markdown":
        text = markdown(pack, catalogue)
    elif args.format == "table":
        text = "\n".join(f"{r.slug:<40} {r.level:<13} {r.kind:<20} {r.label}" for r in readings)
        text += f"\n({len(readings)} readings)\n"
    else:
        text = EXPORTS[args.format][0](readings, catalogue)
    sys.stdout.write(text)
    return 0


def cmd_publish(args) -> int:
    from .publish import publish
    project = Project.at(args.root)
    for graph, count in publish(require_build(project), args.endpoint, args.timeout):
        print(f"{count:>6} triples  {graph}")
    return 0


def cmd_serve(args) -> int:
    if args.reload:
        from .reload import serve_with_reload
        return serve_with_reload(Project.at(args.root).root, args.host, args.port, args.backend)
    from waitress import serve
    from webapp import create_app
    project = Project.at(args.root)
    if not args.no_build and args.backend != "sparql":
        cmd_build(argparse.Namespace(root=args.root, force=False))
    config = {"TRACKTWO_BACKEND": args.backend}
    if args.backend != "sparql":
        config["TRACKTWO_DATASET"] = str(require_build(project))
    app = create_app(config)
    print(f"serving http://{args.host}:{args.port}/ (backend: {app.config['TRACKTWO_BACKEND']})", file=sys.stderr)
    # more server threads than queries can run at once, so pages never wait behind /sparql
    serve(app, host=args.host, port=args.port, threads=app.config["TRACKTWO_THREADS"], ident=None)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tracktwo", description="Build and query the tracktwo knowledge graph.")
    p.add_argument("--root", default=".", help="the checkout to work on (default: the current directory)")
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="check Turtle syntax, SHACL shapes and OWL consistency")
    v.add_argument("files", nargs="*", help="case files to validate instead of cases/*.ttl (with the ontology and shared files)")
    v.add_argument("--format", choices=["text", "json"], default="text")
    v.add_argument("--no-reason", action="store_true", help="skip the OWL reasoner")
    v.set_defaults(func=cmd_validate)

    n = sub.add_parser("new-case", help="scaffold cases/SLUG.ttl from the case template")
    n.add_argument("slug", help="lowercase, hyphenated, e.g. sant-egidio-mozambique")
    n.add_argument("--title", help="the case's label (default: from the slug)")
    n.set_defaults(func=cmd_new_case)

    b = sub.add_parser("build", help="validate, reason and write build/tracktwo.nq")
    b.add_argument("--force", action="store_true", help="rebuild even if no input changed")
    b.set_defaults(func=cmd_build)

    e = sub.add_parser("export", help="write the built dataset in another RDF format")
    e.add_argument("--format", choices=[*EXPORT_FORMATS, "datapackage"], default="ttl")
    e.add_argument("-o", "--output", help="file to write (default: standard output); for datapackage, the folder")
    e.set_defaults(func=cmd_export)

    backend = dict(choices=["auto", *BACKENDS], default=os.environ.get("TRACKTWO_BACKEND", "auto"),
                   help="store backend (default: $TRACKTWO_BACKEND or auto: in memory, on disk above "
                        f"{DISK_ABOVE_MB:g} MB of N-Quads; sparql reads $TRACKTWO_ENDPOINT)")
    q = sub.add_parser("sparql", help="run a read-only SPARQL query over the built dataset")
    q.add_argument("query", help="the query text, a .rq file, or - to read standard input")
    q.add_argument("--format", choices=RESULT_FORMATS, default="table")
    q.add_argument("--backend", **backend)
    q.set_defaults(func=cmd_sparql)

    s = sub.add_parser("stats", help="instances per class, cases, sources, and uncited statements")
    s.add_argument("--format", choices=["text", "json"], default="text")
    s.add_argument("--backend", **backend)
    s.set_defaults(func=cmd_stats)

    vo = sub.add_parser("vocabulary", help="every allowed value (roles, capacities, event types …) with its definition")
    vo.add_argument("--write", action="store_true", help="rewrite docs/vocabulary.md")
    vo.set_defaults(func=cmd_vocabulary)
    ct = sub.add_parser("case-table", help="the README's table of cases, from the built dataset")
    ct.add_argument("--write", action="store_true", help="put it into README.md between its markers")
    ct.add_argument("--backend", **backend)
    ct.set_defaults(func=cmd_case_table)
    qs = sub.add_parser("query", help="saved queries in queries/: list, show, run").add_subparsers(dest="action", required=True)
    ql = qs.add_parser("list", help="every saved query with its summary and tags")
    ql.set_defaults(func=cmd_query_list)
    qw = qs.add_parser("show", help="a saved query's description, parameters and text")
    qw.add_argument("name")
    qw.set_defaults(func=cmd_query_show)
    qr = qs.add_parser("run", help="run a saved query over the built dataset")
    qr.add_argument("name")
    qr.add_argument("--param", "-p", action="append", metavar="NAME=VALUE", help="a parameter value (repeatable)")
    qr.add_argument("--format", choices=["table", "json", "xml", "csv", "tsv"], default="table")
    qr.add_argument("--backend", **backend)
    qr.set_defaults(func=cmd_query_run)

    rd = sub.add_parser("readings", help="the readings catalogue, filtered, as a table or BibTeX, RIS, CSL-JSON or Markdown")
    rd.add_argument("--case", help="a case slug, e.g. oslo-back-channel")
    rd.add_argument("--topic", help="a topic: track:track-2, mechanism:sustained-dialogue, or a bare slug")
    rd.add_argument("--level", help="introductory, intermediate or advanced")
    rd.add_argument("--kind", help="primary-document, memoir, scholarly-analysis, theory, practitioner-guide or journalism")
    rd.add_argument("--pack", help="a saved course-pack JSON file (from /readings) instead of filters")
    rd.add_argument("--format", choices=["table", "bibtex", "ris", "csljson", "markdown"], default="table")
    rd.add_argument("--backend", **backend)
    rd.set_defaults(func=cmd_readings)

    pb = sub.add_parser("publish", help="load the built dataset into a SPARQL Graph Store Protocol endpoint")
    pb.add_argument("--endpoint", required=True, help="the graph store URL, e.g. http://127.0.0.1:7878/store")
    pb.add_argument("--timeout", type=float, default=60, help="seconds per request (default 60)")
    pb.set_defaults(func=cmd_publish)

    w = sub.add_parser("serve", help="build if needed and serve the web app")
    w.add_argument("--host", default="127.0.0.1")
    w.add_argument("--port", type=int, default=5000)
    w.add_argument("--backend", **backend)
    w.add_argument("--no-build", action="store_true", help="serve the existing build without checking inputs")
    w.add_argument("--reload", action="store_true", help="rebuild when an input or the app changes, and serve the new build")
    w.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    from .load import quiet_rdflib
    args = parser().parse_args(argv)
    try:
        with quiet_rdflib():  # rdflib logs a traceback for a literal such as "1993-13-45"^^xsd:date
            return args.func(args)
    except TrackTwoError as err:
        print(f"tracktwo: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("tracktwo: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
