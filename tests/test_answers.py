"""The concept pages' rows worked out at build time (webapp.answers): the same rows as the live
queries, made for the concepts the threshold names, read by the app for its own build only."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter

from rdflib import Dataset, URIRef
from rdflib.namespace import RDF, SKOS

import pytest

from tracktwo.build import dataset_path
from tracktwo.errors import TrackTwoError
from webapp import create_app, make_catalogue
from webapp.answers import HERE, HUB_LINKS, VERSION, Answers, ConceptQueries, compute, path_for, precompute


def test_every_precomputed_answer_is_the_live_answer(embedded_repo):
    catalogue = make_catalogue()   # the app's: the texts it will look answers up by
    answers = Answers({"answers": compute(embedded_repo, ConceptQueries(), least=1)})   # every concept in use
    compared = Counter()
    for entry in answers.answers.values():
        name = entry["name"]
        text = catalogue.page(name).text if name in catalogue.pages else \
            next(s.text for specs in catalogue.sections.values() for s in specs if s.name == name)
        for iri in entry["rows"]:
            got = answers.get(text, {"r": URIRef(iri)})
            live = embedded_repo.query(text, {"r": URIRef(iri)})
            assert got.variables == live.variables, (name, iri)
            assert got.rows == live.rows, (name, iri)
            compared[name] += 1
    # every concept in use has the resource page's queries; the concept sections are there too
    assert compared["resource-incoming"] > 100
    assert {"concept-processes", "concept-cases", "bridge-type-bridges", "track-mappings"} <= set(compared)


def test_the_threshold_picks_the_concepts_with_that_many_links(built, embedded_repo):
    """Counted here from the N-Quads file (the union of the graphs, as a set), not by the query."""
    data = Dataset()
    data.parse(str(dataset_path(built)), format="nquads")
    triples = {(s, p, o) for s, p, o, _g in data.quads()}
    concepts = {s for s, p, o in triples if p == RDF.type and o == SKOS.Concept}
    links = Counter(o for _s, _p, o in triples if o in concepts)
    expected = {str(c) for c, n in links.items() if n >= HUB_LINKS}
    assert 5 < len(expected) < len(concepts)   # the threshold picks some, not all
    got = compute(embedded_repo, ConceptQueries(), HUB_LINKS)
    assert set(next(e for e in got.values() if e["name"] == "resource-incoming")["rows"]) == expected


def _copy_build(built, tmp_path):
    """The built dataset and its manifest in a folder of their own (times kept: same fingerprint)."""
    folder = tmp_path / "build"
    folder.mkdir()
    for name in ("tracktwo.nq", "manifest.json"):
        shutil.copy2(built.build_dir / name, folder / name)
    return folder / "tracktwo.nq"


def test_the_app_reads_its_own_build_s_answers_and_no_other(built, tmp_path):
    nquads = _copy_build(built, tmp_path)
    target = precompute(nquads)
    data = json.loads(target.read_text())
    track2 = "https://w3id.org/tracktwo/id/track/track-2"
    entry = next(e for e in data["answers"].values() if e["name"] == "concept-processes")
    first = entry["rows"][track2]["rows"][0]
    first["processLabel"]["value"] = "A label only the precomputed rows carry"
    target.write_text(json.dumps(data))

    def page():
        app = create_app({"TRACKTWO_DATASET": str(nquads), "TESTING": True})
        try:
            response = app.test_client().get("/id/track/track-2")
            assert response.status_code == 200
            return response.get_data(as_text=True)
        finally:
            app.extensions["tracktwo"].close()

    assert "A label only the precomputed rows carry" in page()
    data["version"] = "0"   # a file of another layout is not read
    target.write_text(json.dumps(data))
    assert "A label only the precomputed rows carry" not in page()
    damaged = {**json.loads(json.dumps(data)), "version": VERSION}
    damaged["answers"][next(iter(damaged["answers"]))]["rows"][track2] = {"vars": ["x"], "rows": [{"x": 1}]}
    target.write_text(json.dumps(damaged))   # a damaged file is not read either: no 500
    assert "A label only the precomputed rows carry" not in page()
    data["version"] = VERSION
    target.write_text(json.dumps(data))
    assert "A label only the precomputed rows carry" in page()
    os.utime(nquads, ns=(0, nquads.stat().st_mtime_ns + 1))   # another build: another fingerprint
    html = page()
    assert "A label only the precomputed rows carry" not in html
    assert "Processes" in html   # the section is still there, from the store


def test_an_edited_query_is_not_answered_from_the_build(embedded_repo):
    catalogue = make_catalogue()
    answers = Answers({"answers": compute(embedded_repo, ConceptQueries(), HUB_LINKS)})
    text = catalogue.page("resource-incoming").text
    iri = URIRef("https://w3id.org/tracktwo/id/track/track-2")
    assert answers.get(text, {"r": iri}) is not None
    assert answers.get(text.replace("LIMIT 500", "LIMIT 5"), {"r": iri}) is None
    assert answers.get(text, {"r": iri, "x": iri}) is None
    assert answers.get(text, {"r": URIRef("https://w3id.org/tracktwo/id/track/none")}) is None


def test_tracktwo_build_writes_the_answers_and_removes_other_builds(built, tmp_path):
    root = tmp_path / "r"
    shutil.copytree(built.root, root)   # up to date: the build itself is skipped
    expected = path_for(root / "build" / "tracktwo.nq")
    original = expected.read_bytes()
    expected.unlink()
    stale = root / "build" / "tracktwo.answers-0000000000000000.json"
    stale.write_text("{}")
    result = subprocess.run([sys.executable, "-m", "tracktwo.cli", "--root", str(root), "build"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(expected.read_bytes()) == json.loads(original)
    assert not stale.exists()


def test_a_broken_section_stops_the_precomputation_with_its_file_and_line(built, tmp_path):
    pages, sections = tmp_path / "queries", tmp_path / "sections"
    shutil.copytree(HERE / "queries", pages)
    shutil.copytree(HERE / "sections", sections)
    (sections / "concept-cases.rq").write_text((HERE / "sections" / "concept-cases.rq").read_text()
                                               .replace("rdfs:label ?caseLabel .", "rdfs:label ?caseLabel . }"))
    nquads = _copy_build(built, tmp_path)
    with pytest.raises(TrackTwoError, match=r"concept-cases\.rq:\d+"):
        precompute(nquads, ConceptQueries(pages, sections))
    assert not path_for(nquads).exists()
