"""The benchmark corpus generator writes cases that pass the same shapes as the real ones."""

from benchmarks.generate import generate

from tracktwo.load import Project
from tracktwo.store import open_repository
from tracktwo.validate import validate


def test_synthetic_cases_pass_the_shapes_and_the_reasoner(tmp_path):
    root = generate(6, tmp_path / "corpus")
    report = validate(Project.at(root))
    assert report.ok, [str(p) for p in report.problems[:5]]
    repo = open_repository(root / "build" / "tracktwo.nq")
    [row] = repo.select("SELECT (COUNT(?c) AS ?n) WHERE { ?c a <https://w3id.org/tracktwo/ontology#Case> }")
    assert int(row["n"]) == 6
    [row] = repo.select("SELECT (COUNT(?a) AS ?n) WHERE { ?a a <http://www.w3.org/ns/prov#Agent> }")
    assert int(row["n"]) > 0, "the schema closure (supertypes) is in the inferred graph"
