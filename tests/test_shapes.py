"""Every SHACL shape has a fixture that breaks it, and the error names the right file and node."""

import pytest
from conftest import FIXTURES, fixture_expectations, run_cli
from rdflib import Graph
from rdflib.namespace import RDF, SH

from tracktwo.load import Project
from tracktwo.validate import validate

VALID = FIXTURES / "mini" / "valid-case.ttl"
BROKEN = sorted((FIXTURES / "shacl").glob("*.ttl"))
WARNED = sorted((FIXTURES / "standard").glob("*.ttl"))


def test_the_minimal_case_is_valid(mini_root):
    report = validate(Project.at(mini_root, [VALID]))
    assert report.ok, [str(p) for p in report.problems]


@pytest.mark.parametrize("fixture", BROKEN, ids=lambda p: p.stem)
def test_fixture_breaks_its_shape(mini_root, fixture):
    expected = fixture_expectations(fixture)
    report = validate(Project.at(mini_root, [VALID, fixture]), reason=False)
    assert not report.ok
    assert all(p.file.endswith(fixture.name) for p in report.problems), [str(p) for p in report.problems]
    matching = [p for p in report.problems if p.node == expected["node"] and expected["message"] in p.message]
    assert matching, [str(p) for p in report.problems]
    assert all(p.line for p in matching), "the problem should point at a line of the fixture"


@pytest.mark.parametrize("fixture", WARNED, ids=lambda p: p.stem)
def test_fixture_shows_its_gap_without_failing_validation(mini_root, fixture):
    """The case standard's shapes are sh:Warning: the file stays valid and the gap is counted."""
    expected = fixture_expectations(fixture)
    report = validate(Project.at(mini_root, [VALID, fixture]), reason=False)
    assert report.ok, [str(p) for p in report.problems]
    gaps = [g.message for g in report.gaps if g.file.endswith(fixture.name)]
    assert any(expected["message"] in g for g in gaps), gaps


def test_every_shape_has_a_breaking_or_warned_fixture():
    shapes = Graph().parse(FIXTURES.parent.parent / "ontology" / "shapes.ttl")
    declared = {str(s).split("#")[-1] for s in shapes.subjects(RDF.type, SH.NodeShape)}
    broken = {f.read_text().splitlines()[0].removeprefix("# Breaks ").rstrip(".") for f in BROKEN}
    warned = {f.read_text().splitlines()[0].removeprefix("# Warns ").rstrip(".") for f in WARNED}
    assert declared - broken - warned == set()
    assert all(shapes.value(s, SH.severity) == SH.Warning or any(
        shapes.value(p, SH.severity) == SH.Warning for p in shapes.objects(s, SH.property))
        for s in shapes.subjects(RDF.type, SH.NodeShape) if str(s).split("#")[-1] in warned)


def test_every_property_used_in_the_data_has_a_shape():
    """Each predicate the case files use is constrained by some shape (a path, or inside a path)."""
    root = FIXTURES.parent.parent
    shapes = Graph().parse(root / "ontology" / "shapes.ttl")
    constrained = set()
    for path in shapes.objects(None, SH.path):
        constrained |= set(shapes.items(path)) if (path, RDF.first, None) in shapes else {path}
    data = Graph()
    for f in Project.at(root).cases + Project.at(root).shared:
        data.parse(f)
    used = set(data.predicates()) - {RDF.type}
    assert sorted(used - constrained) == []


def test_cli_exit_status_and_message(mini_root):
    fixture = FIXTURES / "shacl" / "event-without-citation.ttl"
    result = run_cli("--root", mini_root, "validate", "--format", "json", VALID, fixture)
    assert result.returncode == 1
    assert '"node": "event:uncited"' in result.stdout
    assert "event-without-citation.ttl" in result.stdout


def test_dates_are_in_order_at_the_precision_they_are_known_to(mini_root):
    """process-ends-before-it-starts.ttl: March 1990 to 1989 is out of order; March 1990 to "1990"
    is not (the end may be any day of 1990), though its stored first day, 1990-01-01, is earlier."""
    fixture = FIXTURES / "shacl" / "process-ends-before-it-starts.ttl"
    report = validate(Project.at(mini_root, [VALID, fixture]), reason=False)
    nodes = {p.node for p in report.problems}
    assert "process:ends-too-soon" in nodes and "process:ends-the-same-year" not in nodes
