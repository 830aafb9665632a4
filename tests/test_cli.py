"""The command line over a built dataset: sparql, export, stats."""

import csv
import io
import json

import pytest
from conftest import run_cli
from rdflib import Dataset, Graph

BRIDGES = """SELECT ?bridge ?type ?date ?official ?accord ?signed WHERE {
  ?bridge a t2:Bridge ; t2:bridgeType ?type ; t2:date ?date ; t2:toProcess ?official .
  OPTIONAL { ?bridge t2:contributedTo ?accord . ?accord t2:signedOn ?signed }
} ORDER BY ?date ?bridge"""


def test_sparql_table_shows_short_names(built):
    result = run_cli("--root", built.root, "sparql", BRIDGES)
    assert result.returncode == 0, result.stderr
    assert "bridgetype:" in result.stdout and "1993-09-13" in result.stdout
    assert result.stdout.rstrip().endswith("rows)")


def test_sparql_json_and_csv_agree(built):
    as_json = json.loads(run_cli("--root", built.root, "sparql", "--format", "json", BRIDGES).stdout)
    as_csv = list(csv.DictReader(io.StringIO(run_cli("--root", built.root, "sparql", "--format", "csv", BRIDGES).stdout)))
    assert len(as_json["results"]["bindings"]) == len(as_csv) > 0
    assert as_json["results"]["bindings"][0]["bridge"]["value"] == as_csv[0]["bridge"]


def test_sparql_reads_standard_input_and_construct_gives_turtle(built):
    result = run_cli("--root", built.root, "sparql", "-", stdin="CONSTRUCT { ?a t2:signedOn ?d } WHERE { ?a t2:signedOn ?d }")
    assert result.returncode == 0
    assert len(Graph().parse(data=result.stdout, format="turtle")) >= 4


@pytest.mark.parametrize("query, words", [
    ("INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", "read-only"),
    ("LOAD <http://example.org/data.ttl>", "read-only"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE is refused"),
    ("SELECT ?x WHERE { ?x ", "syntax error"),
])
def test_sparql_refuses_what_must_not_run(built, query, words):
    result = run_cli("--root", built.root, "sparql", query)
    assert result.returncode == 1
    assert words in result.stderr and "Traceback" not in result.stderr


def test_from_names_only_the_datasets_own_graphs(built):
    own = run_cli("--root", built.root, "sparql", "--format", "csv",
                  "SELECT ?e FROM <https://w3id.org/tracktwo/graph/cases/oslo-back-channel> WHERE { ?e a t2:Event }")
    assert own.returncode == 0 and len(own.stdout.splitlines()) == 22  # header + the case's 21 events
    elsewhere = run_cli("--root", built.root, "sparql", "--format", "csv", "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }")
    assert elsewhere.returncode == 0 and len(elsewhere.stdout.splitlines()) == 1  # the header only


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "jsonld"])
def test_export_round_trips(built, tmp_path, fmt):
    out = tmp_path / f"export.{fmt}"
    assert run_cli("--root", built.root, "export", "--format", fmt, "-o", out).returncode == 0
    parser = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}[fmt]
    target = Dataset() if fmt in ("nq", "trig", "jsonld") else Graph()
    target.parse(out, format=parser)
    assert len(target) > 1000 or sum(len(g) for g in target.graphs()) > 1000


def test_stats_counts_and_lists_uncited_statements(built):
    result = run_cli("--root", built.root, "stats", "--format", "json")
    stats = json.loads(result.stdout)
    counts = dict(stats["instances"])
    assert counts["t2:Case"] == len(list((built.root / "cases").glob("*.ttl"))) and counts["t2:Event"] >= 40
    assert stats["uncited"] == []
    # identifier coverage, counted from the case files as text: accords and their t2:paxId lines
    import re
    texts = [f.read_text(encoding="utf-8") for f in (built.root / "cases").glob("*.ttl")]
    accords = sum(len(re.findall(r"^accord:\S+ a t2:Accord", t, re.M)) for t in texts)
    with_pax = sum(len(re.findall(r"t2:paxId \"\d+\"", t)) for t in texts)
    coverage = {(kind, ident): (w, n) for kind, ident, w, n in stats["identifiers"]}
    assert coverage[("t2:Accord", "t2:paxId")] == (with_pax, accords)


def test_commands_that_need_a_build_say_so(tmp_path, mini_root):
    result = run_cli("--root", mini_root, "sparql", "ASK { ?s ?p ?o }")
    assert result.returncode == 1 and "run `tracktwo build` first" in result.stderr


def test_case_table_write_without_a_readme_says_so_in_one_line(built, tmp_path):
    # the built copy holds ontology/, cases/ and queries/ but no README.md (a contributor's scratch copy)
    result = run_cli("--root", built.root, "case-table", "--write")
    assert result.returncode == 1, result.stdout
    assert "no README.md to write the case table into" in result.stderr and "Traceback" not in result.stderr
    from tracktwo.casetable import replace_in
    from tracktwo.errors import TrackTwoError
    readme = tmp_path / "README.md"
    readme.write_text("# A README without the markers\n", encoding="utf-8")
    with pytest.raises(TrackTwoError, match="case-table markers are missing"):
        replace_in(readme, "| case |")
