"""The ontology, vocabularies and every case together are OWL 2 DL, by the OWL API's own checker."""

from pathlib import Path

from rdflib import Graph

from tracktwo.load import Project
from tracktwo.profile import check_dl_profile

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "profile"


def project_graph(extra: Path | None = None) -> Graph:
    project = Project.at(ROOT)
    g = Graph()
    for path in project.data_paths():
        g.parse(path, format="turtle")
    if extra:
        g.parse(extra, format="turtle")
    return g


def test_the_whole_graph_is_owl2_dl():
    report = check_dl_profile(project_graph())
    assert report.ok, report.violations[:10]


def test_a_resource_in_a_literal_property_is_caught():
    # 0.1 put IRIs in t2:claimedValue (a data property): the checker must still see that
    report = check_dl_profile(project_graph(FIXTURES / "resource-in-claimed-value.ttl"))
    assert not report.ok
    assert any("claimedValue" in v for v in report.violations)


def test_an_undeclared_annotation_property_is_caught():
    report = check_dl_profile(project_graph(FIXTURES / "undeclared-annotation.ttl"))
    assert any("Use of undeclared annotation property" in v and "example.org/undeclared" in v
               for v in report.violations)
