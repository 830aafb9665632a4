"""The OWL reasoner: inconsistencies are caught and named; inferences land in their own graph."""

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, fixture_expectations, run_cli
from rdflib import URIRef
from rdflib.namespace import RDF

from tracktwo.load import Project
from tracktwo.namespaces import PREFIXES, T2
from tracktwo.reason import Reasoner
from tracktwo.validate import validate

VALID = FIXTURES / "mini" / "valid-case.ttl"
INCONSISTENT = sorted((FIXTURES / "owl").glob("*.ttl"))
ID = lambda kind, slug: URIRef(PREFIXES[kind] + slug)


@pytest.mark.parametrize("fixture", INCONSISTENT, ids=lambda p: p.stem)
def test_inconsistency_is_caught_and_named(mini_root, fixture):
    report = validate(Project.at(mini_root, [fixture]))
    [problem] = report.problems
    assert problem.kind == "owl"
    assert problem.file.endswith(fixture.name)
    assert problem.node == fixture_expectations(fixture)["node"]
    assert "disjoint" in problem.message
    assert problem.line is not None


def test_reasoner_infers_track_crossers_inverses_and_supertypes(mini_root):
    report = validate(Project.at(mini_root, [VALID]))
    assert report.ok
    ann, dialogue = ID("person", "ann-example"), ID("process", "example-dialogue")
    inferred = report.inferred
    # Ann took part in the initiative and in the official talks: the defined class says she crossed tracks.
    assert (ann, RDF.type, T2.TrackCrosser) in inferred
    assert (dialogue, T2.hasEvent, ID("event", "example-meeting")) in inferred
    assert (ann, RDF.type, URIRef("http://www.w3.org/ns/prov#Agent")) in inferred
    assert (ID("accord", "example-accord"), RDF.type, T2.Accord) not in inferred, "asserted facts are not repeated"


def test_second_run_reuses_the_cached_result(mini_root):
    validate(Project.at(mini_root, [VALID]))
    again = validate(Project.at(mini_root, [VALID]))
    assert again.cache_hits == again.reasoned_cases == 1


def test_a_label_edit_reuses_the_reasoning_and_a_new_link_does_not(tmp_path, mini_root):
    """The reasoner sees only types and links between named resources: an edited label keeps the
    cached inferences (issue 20), while a new link between resources is reasoned over again."""
    root = tmp_path / "root"
    shutil.copytree(mini_root, root, ignore=shutil.ignore_patterns("build"))
    case = root / "cases" / "example.ttl"
    case.write_text(VALID.read_text())
    assert validate(Project.at(root)).cache_hits == 0
    case.write_text(case.read_text().replace('"First meeting"@en', '"First meeting, renamed"@en'))
    assert validate(Project.at(root)).cache_hits == 1
    shared = root / "cases" / "shared" / "shared.ttl"   # a shared file is data too: keyed by its links
    shared.write_text(shared.read_text().replace('"Ann Example"@en', '"Ann Example, renamed"@en'))
    assert validate(Project.at(root)).cache_hits == 1
    case.write_text(case.read_text() + "\ncase:example rdfs:seeAlso <https://example.org/elsewhere> .\n")
    report = validate(Project.at(root))
    assert report.ok and report.cache_hits == 0 and report.reasoned_cases == 1


def test_checking_one_case_trusts_the_last_full_reasoning_only_while_its_links_hold(tmp_path, mini_root):
    """`validate cases/x.ttl` after a build: every case as now linked was found consistent together, so
    the chosen one is (OWL is monotonic) and no reasoner runs; a changed link is reasoned over again."""
    root = tmp_path / "root"
    shutil.copytree(mini_root, root, ignore=shutil.ignore_patterns("build"))
    case = root / "cases" / "example.ttl"
    case.write_text(VALID.read_text())
    assert validate(Project.at(root)).ok
    case.write_text(case.read_text().replace('"First meeting"@en', '"First meeting, renamed"@en'))
    focus = {"cases/example.ttl"}
    report = validate(Project.at(root), focus=focus)
    assert report.ok and report.cache_hits == report.reasoned_cases == 1
    fixture = FIXTURES / "owl" / "initiative-and-official.ttl"
    case.write_text(case.read_text() + "\n" + "\n".join(x for x in fixture.read_text().splitlines() if not x.startswith("@prefix")))
    report = validate(Project.at(root), focus=focus)
    assert [p.kind for p in report.problems] == ["owl"] and report.cache_hits == 0


def test_missing_java_is_one_clear_line(tmp_path, mini_root):
    root = tmp_path / "root"
    shutil.copytree(mini_root, root, ignore=shutil.ignore_patterns("build"))
    result = run_cli("--root", root, "validate", VALID, env={"PATH": str(tmp_path / "nowhere")})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "java" in lines[0] and "install" in lines[0], result.stderr


def group_members(pgid: int) -> list[int]:
    """The processes still alive in a process group (from /proc: fields after the name's closing ')')."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue   # ended while we looked
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def test_reasoning_beside_shacl_is_stopped_when_the_shapes_fail(mini_root, monkeypatch):
    """The reasoner starts in a process of its own while SHACL runs; when SHACL finds a problem its
    answer is not wanted, and neither that process nor the JVM it started may be left running."""
    started = []
    start_all = Reasoner.start_all
    monkeypatch.setattr(Reasoner, "start_all", lambda self, cases: started.append(start_all(self, cases)) or started[-1])
    broken = sorted((FIXTURES / "shacl").glob("*.ttl"))[0]
    report = validate(Project.at(mini_root, [VALID, broken]), cache=False)
    assert report.problems and {p.kind for p in report.problems} == {"shacl"}
    [running] = started
    assert running._process is not None, "the reasoner should have run beside SHACL, not from the cache"
    assert running._process.exitcode is not None
    assert group_members(running._process.pid) == []
