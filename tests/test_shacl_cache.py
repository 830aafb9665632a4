"""Per-file SHACL caching (issue 20): a report built partly from the cache is the report of a full
run, for the real case files and for broken edits, and an edit reaches every file it can change.

"Full" is checked two ways: validate() with the cache off (the same per-file run, nothing kept),
and pyshacl's own validate() over the same data, called as tracktwo called it before the cache
(with the ontology mixed in), compared result by result.
"""

import hashlib
import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO
from pyshacl import validate as pyshacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from tracktwo import shacl
from tracktwo.load import Project
from tracktwo.validate import validate

VALID = FIXTURES / "mini" / "valid-case.ttl"
BROKEN = sorted((FIXTURES / "shacl").glob("*.ttl"))


def outcome(report) -> list[str]:
    """Everything a user is shown: problems and gaps, in order."""
    return [str(p) for p in report.problems] + [str(g) for g in report.gaps]


def copy_world(src: Path, dst: Path) -> Path:
    shutil.copytree(src / "ontology", dst / "ontology")
    shutil.copytree(src / "cases", dst / "cases")
    return dst


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} no longer holds {old!r}: choose another edit"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


FULL_RUNS: dict = {}   # what a full run reports, by the content of every input file


def full_run(root: Path) -> list[str]:
    """validate() with the cache off, once for each state of the files: a world edited and then put
    back is the same input, and a full run over the real corpus takes a quarter of a minute."""
    project = Project.at(root)
    key = hashlib.sha256()
    for path in sorted(root.rglob("*.ttl")):   # every input and the shapes, each with its name
        if "build" not in path.relative_to(root).parts:
            key.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    key = key.hexdigest()
    if key not in FULL_RUNS:
        full = validate(project, reason=False, cache=False)
        assert full.shacl_reused == []
        FULL_RUNS[key] = outcome(full)
    return FULL_RUNS[key]


def same_as_full(root: Path):
    """Validate with the cache, then without; the reports must be identical. Returns the cached one."""
    cached = validate(Project.at(root), reason=False)
    assert outcome(cached) == full_run(root)
    return cached


def results_as_set(graph: Graph) -> set:
    out = set()
    for r in graph.subjects(RDF.type, SH.ValidationResult):
        path = graph.value(r, SH.resultPath)
        out.add((graph.value(r, SH.resultSeverity) == SH.Warning, graph.value(r, SH.focusNode),
                 path if path is None or isinstance(path, URIRef) else shacl.COMPLEX_PATH,
                 graph.value(r, SH.value), str(graph.value(r, SH.resultMessage))))
    return out


@pytest.mark.parametrize("fixture", BROKEN, ids=lambda p: p.stem)
def test_the_per_file_run_gives_pyshacls_results(mini_root, fixture):
    """The per-file runner (focus nodes split by file, SPARQL parsed once) against pyshacl's own run
    over the same data with the ontology mixed in, as validate() called it before."""
    project = Project.at(mini_root, [VALID, fixture])
    files, _ = project.parse_all()
    data, ontology = shacl.data_graph(), Graph()
    for f in files:
        data += f.graph
        if f.name.startswith("ontology/"):
            ontology += f.graph
    shapes = project.parse_shapes()
    _, reference, _ = pyshacl_validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none",
                                       allow_warnings=True, advanced=True, abort_on_first=False)
    ours, reused = shacl.run(files, data, shapes, "", None)
    assert reused == []
    assert {(r.warning, r.focus, r.path, r.value, r.message) for r in ours} == results_as_set(reference)
    assert any(not r.warning for r in ours), "the fixture should break a shape"


def test_broken_edits_to_a_cached_world_report_as_a_full_run(tmp_path):
    """One world, cache warm, then each broken fixture added and taken away again: every report
    from the cache is the full run's, and unchanged files are reused."""
    root = tmp_path / "w"
    shutil.copytree(REPO / "ontology", root / "ontology")
    (root / "cases" / "shared").mkdir(parents=True)
    shutil.copy(FIXTURES / "mini" / "shared.ttl", root / "cases" / "shared" / "shared.ttl")
    shutil.copy(VALID, root / "cases" / "valid-case.ttl")
    assert same_as_full(root).ok
    for fixture in BROKEN:
        shutil.copy(fixture, root / "cases" / fixture.name)
        report = same_as_full(root)
        assert not report.ok, fixture.name
        assert "ontology/tracktwo.ttl" in report.shacl_reused
        (root / "cases" / fixture.name).unlink()
    assert same_as_full(root).ok


@pytest.fixture(scope="module")
def corpus(built, tmp_path_factory) -> Path:
    """A copy of the real ontology and case files, its caches warm: the shared build's, which
    validated these same files (a cold validation of the corpus is tested by every build)."""
    root = copy_world(REPO, tmp_path_factory.mktemp("corpus"))
    shutil.copytree(built.build_dir / "cache", root / "build" / "cache")
    return root


def test_an_unchanged_corpus_is_all_from_the_cache_and_the_same(corpus):
    report = same_as_full(corpus)
    assert len(report.shacl_reused) == len(Project.at(corpus).data_paths())


def test_edits_to_real_case_files_report_as_a_full_run(corpus):
    oslo = corpus / "cases" / "oslo-back-channel.ttl"
    before = oslo.read_text(encoding="utf-8")
    unchanged = full_run(corpus)
    try:
        # a label: only the file itself is validated again, and as a label is free text no shape
        # answers differently: the report is the unchanged corpus's full one, the case's name in its
        # gaps edited too (a full run of this state would take a quarter of a minute to say so)
        label = re.search(r'rdfs:label "([^"]+)"', before).group(1)
        edit(oslo, "rdfs:label \"", "rdfs:label \"Edited: ")
        report = validate(Project.at(corpus), reason=False)
        assert outcome(report) == [line.replace(label, "Edited: " + label) if line.startswith("cases/oslo-back-channel.ttl:")
                                   else line for line in unchanged]
        assert report.ok and "cases/oslo-back-channel.ttl" not in report.shacl_reused
        assert "cases/neemrana-dialogue.ttl" in report.shacl_reused
        # broken: a citation without its source, and a date precision that puts an end before a start
        edit(oslo, "t2:citation [ t2:source ", "t2:citation [ t2:note \"no source\"@en ; rdfs:seeAlso ")
        edit(oslo, 't2:endDate "1993-09-13"', 't2:endDate "1990-09-13"')
        report = same_as_full(corpus)
        assert not report.ok
        assert all(p.file == "cases/oslo-back-channel.ttl" for p in report.problems)
    finally:
        oslo.write_text(before, encoding="utf-8")
    assert same_as_full(corpus).ok


def test_an_edit_to_a_shared_record_reaches_the_cases_that_use_it(corpus):
    """Neemrana cites a shared source; untyping that source breaks Neemrana's citations of it, which
    only a fresh look at Neemrana's file can tell: its cached results must not be reused."""
    neemrana = (corpus / "cases" / "neemrana-dialogue.ttl").read_text(encoding="utf-8")
    sources = corpus / "cases" / "shared" / "sources.ttl"
    graph = Graph().parse(sources)
    cited = [s for s in graph.subjects(RDF.type, URIRef("https://w3id.org/tracktwo/ontology#Source"))
             if f"source:{str(s).rsplit('/', 1)[1]} " in neemrana or f"source:{str(s).rsplit('/', 1)[1]} ;" in neemrana]
    assert cited
    slug = str(cited[0]).rsplit("/", 1)[1]
    before = sources.read_text(encoding="utf-8")
    try:
        edit(sources, f"source:{slug} a t2:Source", f"source:{slug} a t2:Reading")
        report = same_as_full(corpus)
        assert "cases/neemrana-dialogue.ttl" not in report.shacl_reused
        assert any(p.file == "cases/neemrana-dialogue.ttl" and "t2:Source" in p.message for p in report.problems)
        # a case that does not cite it is still taken from the cache
        assert any(name.startswith("cases/") and not name.startswith("cases/shared/") for name in report.shacl_reused)
    finally:
        sources.write_text(before, encoding="utf-8")
    report = same_as_full(corpus)
    assert report.ok and "cases/neemrana-dialogue.ttl" not in report.shacl_reused


def test_the_caches_keep_only_the_files_as_they_are(tmp_path, mini_root):
    """Every save of a file would add entries to build/cache/; a run over every input keeps only what
    it used, so after edits there is one entry a file, and the next run still reuses them."""
    from tracktwo.build import build
    root = tmp_path / "r"
    shutil.copytree(mini_root, root, ignore=shutil.ignore_patterns("build"))
    case = root / "cases" / "example.ttl"
    case.write_text(VALID.read_text())
    project = Project.at(root)
    build(project)
    for n in range(3):
        case.write_text(case.read_text().replace('"First meeting', f'"First meeting {n}'))
        build(project)
    files = len(project.data_paths())
    cache = root / "build" / "cache"
    for name in ("parsed", "literals", "shacl/triples", "nquads"):
        assert len(list((cache / name).iterdir())) == files, name
    assert build(project, force=True).shacl_reused == files   # and what was kept is what is used
