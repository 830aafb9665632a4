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


def test_synthetic_corpus_is_shaped_like_the_real_one(tmp_path):
    """Most people take part in one case only, a conflict has a case or two, some people cross
    tracks: a corpus where everyone is everywhere makes the pairwise queries look far worse."""
    root = generate(200, tmp_path / "corpus")
    repo = open_repository(root / "build" / "tracktwo.nq")
    t2 = "PREFIX t2: <https://w3id.org/tracktwo/ontology#>\n"
    per_person = [int(r["n"]) for r in repo.select(t2 + """SELECT ?person (COUNT(DISTINCT ?case) AS ?n) WHERE {
        ?p t2:participant ?person ; t2:participationIn ?process . ?case t2:coversProcess ?process } GROUP BY ?person""")]
    assert sum(n == 1 for n in per_person) / len(per_person) > 0.8
    per_conflict = [int(r["n"]) for r in repo.select(t2 + """SELECT ?c (COUNT(?case) AS ?n) WHERE {
        ?case t2:aboutConflict ?c } GROUP BY ?c""")]
    assert sum(per_conflict) / len(per_conflict) < 3
    crossers = repo.select(t2 + """SELECT DISTINCT ?person WHERE {
        ?a t2:participant ?person ; t2:participationIn/a t2:Initiative .
        ?b t2:participant ?person ; t2:participationIn/a t2:OfficialProcess }""")
    assert len(crossers) > 20
