"""The codebook page and the data package download of the web app."""

import io
import json
import zipfile

import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS

from conftest import REPO, app_on

T2 = "https://w3id.org/tracktwo/ontology#"


@pytest.fixture(scope="module")
def client(built):
    with app_on(built) as app:
        yield app.test_client()


def test_the_codebook_lists_every_property_of_the_ontology_by_label(client):
    page = client.get("/codebook")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    ontology = Graph().parse(REPO / "ontology" / "tracktwo.ttl", format="turtle")
    properties = {p for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
                  for p in ontology.subjects(RDF.type, kind) if str(p).startswith(T2)}
    assert len(properties) > 100
    missing = [p for p in properties if f"<code>t2:{p[len(T2):]}</code>" not in html]
    assert not missing
    for p in properties:  # a person reads the label, with the short name beside it
        label = str(ontology.value(p, RDFS.label)).replace("'", "&#39;")
        assert f"{label} <code>t2:{p[len(T2):]}</code>" in html, p


def test_the_codebook_gives_allowed_values_rules_and_every_column(client):
    html = client.get("/codebook").get_data(as_text=True)
    # the outcome scheme's concepts, with their definitions, under t2:outcome (from vocabularies.ttl)
    assert "<code>outcome:accord-reached</code></td><td>accord reached</td><td>An accord was signed that the process fed into." in html
    # a SHACL rule with its cardinality and message (shapes.ttl, CaseShape)
    assert "on every Case: at least 1; at most 1; a Conflict — “A case is about exactly one conflict" in html
    assert "<code>case-features.csv</code>" in html and "<code>mech_back_channel</code>" in html
    assert 'class="scroll" tabindex="0"' in html  # long tables scroll sideways on a phone


def test_the_data_package_downloads_as_a_zip_linked_from_home_and_footer(client):
    home = client.get("/").get_data(as_text=True)
    assert home.count('href="/downloads/tracktwo-datapackage.zip"') == 2 and 'href="/codebook"' in home
    response = client.get("/downloads/tracktwo-datapackage.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = {n.split("/", 1)[1] for n in archive.namelist()}
    assert {"datapackage.json", "codebook.md", "case-features.csv", "bridge-accord.csv", "citations.csv"} <= names
    folder = archive.namelist()[0].split("/")[0]
    descriptor = json.loads(archive.read(f"{folder}/datapackage.json"))
    assert {r["path"] for r in descriptor["resources"]} == {n for n in names if n.endswith(".csv")}
