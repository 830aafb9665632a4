"""Pages through Flask's test client: status, key content, escaping, content negotiation."""

import csv
import html
import io
import re
import shutil

import pytest
from conftest import FIXTURES, REPO, app_on
from rdflib import Graph

from tracktwo.build import build
from tracktwo.load import Project

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def client(built):
    with app_on(built) as app:
        yield app.test_client()


@pytest.mark.parametrize("path, words", [
    ("/", ["Featured cases", "Track 2", "/readings"]),
    ("/cases", ["Oslo back channel", "Inter-Tajik Dialogue"]),
    ("/id/case/oslo-back-channel", ["Timeline", "20 August 1993", "October 1991", "Terje Rød-Larsen", "disputed",
                                    "Bridges to official talks", "Waage"]),
    ("/id/case/living-room-dialogue", ["No accord", "channel kept open"]),
    ("/id/case/inter-tajik-dialogue", ["Harold H. Saunders", "27 June 1997"]),
    ("/id/case/neemrana-dialogue", ["October 1991", "Neemrana"]),
    ("/id/person/yair-hirschfeld", ["Yair Hirschfeld", "Linked from"]),
    ("/id/accord/oslo-i-declaration-of-principles", ["Declaration of Principles"]),
    ("/id/source/waage-2005", ["Norway"]),
])
def test_pages_answer_with_their_content(client, path, words):
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for word in words:
        assert word in page, word


def test_dates_print_at_their_precision(client):
    page = client.get("/id/case/oslo-back-channel").get_data(as_text=True)
    assert "April 1992" in page and "1992-04-01</time>" not in page


@pytest.mark.parametrize("path", ["/id/person/nobody", "/id/case/nothing-here", "/id/case/oslo-back-channel.exe"])
def test_unknown_resources_are_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("how, fmt", [({"headers": {"Accept": "text/turtle"}}, "turtle"),
                                      ({"headers": {"Accept": "application/ld+json"}}, "json-ld"),
                                      ({"headers": {"Accept": "application/n-triples"}}, "nt")])
def test_resources_dereference_by_content_negotiation(client, how, fmt):
    response = client.get("/id/person/yair-hirschfeld", **how)
    graph = Graph().parse(data=response.data, format=fmt)
    assert any("Hirschfeld" in str(o) for o in graph.objects())


@pytest.mark.parametrize("suffix, fmt", [("ttl", "turtle"), ("jsonld", "json-ld"), ("nt", "nt")])
def test_case_downloads(client, suffix, fmt):
    response = client.get(f"/id/case/oslo-back-channel.{suffix}")
    assert response.status_code == 200
    assert len(Graph().parse(data=response.data, format=fmt)) > 300


def test_literals_are_escaped_everywhere(tmp_path, mini_root):
    root = tmp_path / "root"
    shutil.copytree(mini_root, root, ignore=shutil.ignore_patterns("build"))
    text = (FIXTURES / "mini" / "valid-case.ttl").read_text().replace('"Example case"@en', f'"Example {SCRIPT} case"@en')
    text = text.replace('"First meeting"@en', f'"First {SCRIPT} meeting"@en')
    (root / "cases" / "evil.ttl").write_text(text)
    shared = root / "cases" / "shared" / "shared.ttl"  # a source title and a person's name, as citeproc and tables show them
    shared.write_text(shared.read_text().replace('"A Fixture Book"', f'"A {SCRIPT} Book"')
                      .replace('"Ann Example"@en', f'"Ann {SCRIPT} Example"@en'))
    project = Project.at(root)
    build(project)
    with app_on(project) as app:
        for path in ("/", "/id/case/example", "/id/event/example-meeting", "/id/process/example-dialogue",
                     "/id/source/fixture-book", "/id/person/ann-example", "/id/accord/example-accord", "/cases"):
            page = app.test_client().get(path).get_data(as_text=True)
            assert SCRIPT not in page, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path


def test_query_gallery_lists_every_saved_query_once(client):
    from tracktwo.queries import Registry
    page = client.get("/queries").get_data(as_text=True)
    assert "Which bridge types preceded accords" in page
    for name in Registry(REPO / "queries").queries:
        assert page.count(f'href="/queries/{name}"') == 1, name


def test_query_page_runs_with_parameters_and_downloads(client):
    oslo = client.get("/queries/case-timeline?case=case:oslo-back-channel").get_data(as_text=True)
    neemrana = client.get("/queries/case-timeline?case=neemrana-dialogue").get_data(as_text=True)
    assert "Madrid peace conference opens" in oslo and "Madrid peace conference opens" not in neemrana
    csv = client.get("/queries/case-timeline?case=neemrana-dialogue&format=csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert "neemrana-first-meeting" in csv.get_data(as_text=True)


def test_a_bad_parameter_is_a_400_with_a_message(client):
    response = client.get("/queries/actors-by-role?role=role:king")
    assert response.status_code == 400 and "not one of the allowed values" in response.get_data(as_text=True)


def test_sparql_editor_shows_results_and_errors_in_place(client):
    ok = client.get("/sparql-editor", query_string={"query": "SELECT ?c WHERE { ?c a <https://w3id.org/tracktwo/ontology#Case> }"})
    assert ok.status_code == 200 and "oslo-back-channel" in ok.get_data(as_text=True)
    bad = client.get("/sparql-editor", query_string={"query": "SELECT ?c WHERE {"})
    assert bad.status_code == 400 and "syntax error" in bad.get_data(as_text=True)
    page = client.get("/sparql-editor").get_data(as_text=True)
    assert "PREFIX t2:" in page and "codemirror.js" in page


@pytest.mark.parametrize("query, expected", [
    ("", {"The Oslo back channel (1992–93)", "The Neemrana Dialogue (India–Pakistan)"}),
    ("region=https://w3id.org/tracktwo/id/region/south-asia", {"The Neemrana Dialogue (India–Pakistan)"}),
    ("outcome=https://w3id.org/tracktwo/id/outcome/accord-reached",
     {"The Oslo back channel (1992–93)", "Inter-Tajik Dialogue and the Tajik peace process"}),
    ("mechanism=https://w3id.org/tracktwo/id/mechanism/personal-dialogue-group",
     {"Jewish-Palestinian Living Room Dialogue Group (San Mateo, California)"}),
    ("bridge=https://w3id.org/tracktwo/id/bridge-type/channel-upgraded", {"The Oslo back channel (1992–93)"}),
    ("q=tajik", {"Inter-Tajik Dialogue and the Tajik peace process"}),
    ("decade=1950", set()),
])
def test_cases_index_filters(client, query, expected):
    page = client.get("/cases?" + query).get_data(as_text=True)
    titles = {t for t in ["The Oslo back channel (1992–93)", "The Neemrana Dialogue (India–Pakistan)",
                          "Inter-Tajik Dialogue and the Tajik peace process",
                          "Jewish-Palestinian Living Room Dialogue Group (San Mateo, California)"] if f">{t}</a></h3>" in page}
    assert expected <= titles if not query else titles == expected


@pytest.mark.parametrize("fmt, parser", [("nq", "nquads"), ("ttl", "turtle"), ("jsonld", "json-ld")])
def test_whole_dataset_downloads(client, fmt, parser):
    from rdflib import Dataset
    response = client.get(f"/downloads/tracktwo.{fmt}")
    assert response.status_code == 200
    target = Dataset() if fmt == "nq" else Graph()
    target.parse(data=response.data, format=parser)
    assert len(target) > 5000 or sum(len(g) for g in target.graphs()) > 5000


def test_void_description(client):
    graph = Graph().parse(data=client.get("/void").data, format="turtle")
    void = "http://rdfs.org/ns/void#"
    from rdflib import URIRef
    assert (None, URIRef(void + "sparqlEndpoint"), None) in graph
    assert len(list(graph.objects(None, URIRef(void + "dataDump")))) == 3
    classes = {str(o) for o in graph.objects(None, URIRef(void + "class"))}
    assert "https://w3id.org/tracktwo/ontology#Case" in classes


def test_case_page_embeds_schema_org_json_ld(client):
    import json
    import re
    page = client.get("/id/case/oslo-back-channel").get_data(as_text=True)
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, flags=re.S)
    data = json.loads(block)
    assert data["@context"] == "https://schema.org" and data["@id"].endswith("/case/oslo-back-channel")
    assert data["about"]["name"] == "Israeli–Palestinian conflict"


def test_pages_are_cached_per_process_and_stay_correct(client):
    first = client.get("/id/case/neemrana-dialogue")
    second = client.get("/id/case/neemrana-dialogue")
    assert first.status_code == second.status_code == 200 and first.data == second.data
    turtle = client.get("/id/case/neemrana-dialogue", headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle"  # the Accept header is part of the key
    assert client.get("/id/case/no-such-case").status_code == 404


def test_page_cache_keeps_pages_up_to_its_size_in_bytes(app_with):
    """The cache is bounded by the bytes it holds, dropping the least recently used page first."""
    paths = ["/id/case/neemrana-dialogue", "/id/case/oslo-back-channel", "/id/case/inter-tajik-dialogue"]
    plain = app_with(TRACKTWO_PAGE_CACHE_MB=0).test_client()
    sizes = {path: len(plain.get(path).data) for path in paths}
    room = sizes[paths[1]] + sizes[paths[2]]  # the last two fit, not all three
    app = app_with(TRACKTWO_PAGE_CACHE_MB=room / 1024 / 1024)
    client = app.test_client()
    pages = [client.get(path).data for path in paths]
    cache = app.extensions["tracktwo"].page_cache
    assert [key[0] for key in cache.pages] == paths[1:] and cache.bytes == room
    assert client.get(paths[0]).data == pages[0]  # a dropped page renders again, the same
    assert [key[0] for key in cache.pages][-1] == paths[0] and cache.bytes <= room


def section(page: str, section_id: str) -> str:
    """The HTML of one section of a resource page (empty when the page has no such section)."""
    import re
    match = re.search(rf'<section id="{section_id}">(.*?)</section>', page, flags=re.S)
    return match.group(1) if match else ""


def test_actor_page_shows_participations_across_cases_and_crossings(client):
    page = client.get("/id/person/ahmed-qurei").get_data(as_text=True)
    participations = section(page, "actor-participations")
    assert "Oslo back channel" in participations and "Oslo back channel" in section(page, "actor-crossings")
    crossings = section(page, "actor-crossings")
    # Qurei led the PLO side in the back channel and then in the official talks (the case file says
    # so: participation:ahmed-qurei--oslo-official-negotiations)
    assert "/id/process/oslo-official-negotiations" in crossings and "/id/process/oslo-back-channel" in crossings


def test_actor_page_of_someone_who_appears_in_two_cases(client):
    page = client.get("/id/person/harold-saunders").get_data(as_text=True)
    rows = section(page, "actor-participations")
    assert "Inter-Tajik" in rows and rows.count("<tr>") >= 2


def test_track_page_shows_each_scheme_its_mappings_and_its_processes(client):
    page = client.get("/id/track/track-2").get_data(as_text=True)
    assert "Tracks" in section(page, "track-schemes")
    mappings = section(page, "track-mappings")
    assert "match" in mappings and "/id/track/multitrack-" in mappings
    assert "/id/process/" in section(page, "concept-processes")


def test_accord_page_shows_signing_signatories_and_everything_upstream(client):
    page = client.get("/id/accord/oslo-i-declaration-of-principles").get_data(as_text=True)
    assert "13 September 1993" in section(page, "accord-signing")
    assert "/id/person/" in section(page, "accord-signatories")
    upstream = section(page, "accord-upstream")
    assert "bridge" in upstream and "/id/bridge/" in upstream and "/queries/upstream-of-accord?accord=" in upstream


def test_source_page_has_formatted_citations_and_everything_citing_it(client):
    page = client.get("/id/source/savir-1998").get_data(as_text=True)
    citation = section(page, "citation")
    assert "Chicago" in citation and "APA" in citation
    assert "<i>The Process: 1,100 Days That Changed the Middle East</i>" in citation and "1998" in citation
    cited_by = section(page, "source-cited-by")
    assert "/id/participation/" in cited_by or "/id/event/" in cited_by
    assert cited_by.count("<tr>") < 200  # one row per citing statement, not a cross product


def test_place_page_lists_what_happened_there(client):
    page = client.get("/id/place/oslo").get_data(as_text=True)
    rows = section(page, "place-events")
    assert "/id/event/" in rows or "/id/accord/" in rows


@pytest.mark.parametrize("path, section_id", [
    ("/id/process/oslo-back-channel", "process-timeline"), ("/id/mechanism/sustained-dialogue", "concept-processes"),
    ("/id/conflict/israeli-palestinian", "conflict-cases"), ("/id/scheme/tracks", "scheme-concepts"),
    ("/id/region/central-asia", "concept-cases"),
])
def test_every_kind_has_its_own_sections(client, path, section_id):
    page = client.get(path).get_data(as_text=True)
    assert "<tr>" in section(page, section_id), path


def test_dates_in_sections_print_at_their_precision(client):
    page = client.get("/id/process/neemrana-dialogue").get_data(as_text=True)
    timeline = section(page, "process-timeline")
    shown = re.sub(r"<[^>]+>", " ", timeline)  # what a reader sees (data-sort keeps the ISO date for sorting)
    assert "October 1991" in shown and "1991-10-01" not in shown and 'data-sort="1991-10-01"' in timeline


@pytest.mark.parametrize("path, schema_type", [("/id/person/harold-saunders", "Person"), ("/id/place/oslo", "Place"),
                                               ("/id/source/savir-1998", "Book"), ("/id/accord/oslo-i-declaration-of-principles", "Legislation"),
                                               ("/id/state/norway", "Country")])
def test_resource_pages_embed_schema_org_json_ld(client, path, schema_type):
    import json
    import re
    page = client.get(path).get_data(as_text=True)
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, flags=re.S)
    data = json.loads(block)
    assert data["@context"] == "https://schema.org" and data["@type"] == schema_type and data["name"]
    if schema_type == "Place":
        assert float(data["geo"]["latitude"]) > 59  # Oslo


def test_ontology_page_lists_classes_properties_and_schemes(client):
    page = client.get("/ontology").get_data(as_text=True)
    assert 'id="Case"' in page and 'id="Bridge"' in page and 'id="participationIn"' in page
    assert "Track 1.5" in page and '<dt><a href="/id/role/facilitator">facilitator</a>' in page
    # class and property IRIs on other pages link here
    resource = client.get("/id/person/harold-saunders").get_data(as_text=True)
    assert 'href="/ontology#Person"' in resource


def test_home_features_a_few_cases_and_links_to_all(client, built):
    import re
    cases = len(list((built.root / "cases").glob("*.ttl")))
    page = client.get("/").get_data(as_text=True)
    assert 'href="/cases"' in page and f"All {cases} cases" in page
    assert 0 < len(re.findall(r'<li class="case"', page)) <= 6


def test_print_stylesheet_hides_navigation_and_forms(client):
    css = client.get("/static/site.css").get_data(as_text=True)
    print_rules = css[css.index("@media print"):]
    assert "nav" in print_rules and "form" in print_rules and "break-inside: avoid" in print_rules


def test_long_results_come_in_pages_and_the_download_has_every_row(app_with):
    client = app_with(TRACKTWO_PAGE_SIZE=40).test_client()
    download = client.get("/queries/conveners-funders-hosts?format=csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(download)))[1:]
    assert len(rows) > 80, "the real data has enough conveners, funders and hosts for three pages"
    pages = -(-len(rows) // 40)
    first = client.get("/queries/conveners-funders-hosts").get_data(as_text=True)
    assert f"{len(rows)} rows, showing 1–40" in first and f"page 1 of {pages}" in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    # every row of the download appears on exactly one page, in order
    shown = []
    for n in range(1, pages + 1):
        page = client.get(f"/queries/conveners-funders-hosts?page={n}").get_data(as_text=True)
        shown += re.findall(r'<tr>\s*<td><a href="([^"]*)"[^>]*>([^<]*)<', page)
    assert [href.rsplit("/", 1)[-1] for href, _ in shown] == [row[0].rsplit("/", 1)[-1] for row in rows]
    # a page labels the rows it shows, the later pages as well as the first, as the download does
    assert [html.unescape(label) for _, label in shown] == [row[1] for row in rows]
    last = client.get(f"/queries/conveners-funders-hosts?page={pages}").get_data(as_text=True)
    assert 'rel="next"' not in last and 'rel="prev"' in last
    for bad in ("0", str(pages + 1), "two"):
        response = client.get(f"/queries/conveners-funders-hosts?page={bad}")
        assert response.status_code == 400 and "page must be" in response.get_data(as_text=True)


def test_the_cases_index_comes_in_pages_keeping_its_filters(built, app_with):
    client = app_with(TRACKTWO_PAGE_SIZE=10).test_client()
    cases = len(list((built.root / "cases").glob("*.ttl")))
    seen = []
    for n in range(1, -(-cases // 10) + 1):
        page = client.get(f"/cases?sort=name&page={n}").get_data(as_text=True)
        seen += re.findall(r'<h3><a href="(/id/case/[^"]+)"', page)
    assert len(seen) == len(set(seen)) == cases, "every case once, over all the pages"
    first = client.get("/cases?sort=name").get_data(as_text=True)
    assert f"{cases} cases, showing 1–10" in first and 'href="?sort=name&amp;page=2" rel="next"' in first
    # a filter narrows the list before it is paged, and the page links keep the filter
    tajik = client.get("/cases?q=tajik").get_data(as_text=True)
    shown = re.findall(r'<h3><a href="(/id/case/[^"]+)"', tajik)
    assert 0 < len(shown) < 10 and f"{len(shown)} case" in tajik and 'rel="next"' not in tajik
    assert "/id/case/inter-tajik-dialogue" in shown
    assert client.get("/cases?page=99").status_code == 400


def test_whole_dataset_downloads_are_kept_only_while_they_fit(built):
    for limit, kept in [(64, True), (0.001, False)]:
        with app_on(built, TRACKTWO_DOWNLOAD_CACHE_MB=limit) as app:
            body = app.test_client().get("/downloads/tracktwo.ttl").data
            assert body.startswith(b"@prefix") and ("ttl" in app.extensions["tracktwo"].downloads) is kept


def test_the_cases_index_starts_each_case_with_its_earliest_process(client):
    """Hand-checked in the case files: Pugwash's conferences from July 1957 (pugwash-conferences.ttl),
    Dartmouth from October 1960 (inter-tajik-dialogue.ttl, process:dartmouth-conference), Kelman's
    workshops from 1971; each was shown from a later sub-process's year (1967, 1993, 1991)."""
    import re
    page = client.get("/cases?sort=date").get_data(as_text=True)
    years = dict(re.findall(r'<a href="/id/case/([a-z0-9-]+)">.*?· from (\d{4})', page, flags=re.S))
    assert years["pugwash-conferences"] == "1957"
    assert years["dartmouth-conference"] == "1960"
    assert years["kelman-problem-solving-workshops"] == "1971"
    fifties = client.get("/cases?decade=1950").get_data(as_text=True)
    assert "/id/case/pugwash-conferences" in fifties
    assert "/id/case/dartmouth-conference" in client.get("/cases?decade=1960").get_data(as_text=True)


def test_the_case_page_gives_lead_times_as_ranges_from_the_date_bounds(client):
    """inter-tajik-dialogue.ttl: bridge:itd-members-join-cnr is dated to the year 1997 and claims
    the General Agreement of 27 June 1997, so the dates overlap (from 31 December 1997: -7 months;
    from 1 January 1997: 5); the page used to say '5 months' before it."""
    import re
    page = client.get("/id/case/inter-tajik-dialogue").get_data(as_text=True)
    row = re.search(r'<tr>(?:(?!</tr>).)*itd-members-join-cnr(?:(?!</tr>).)*</tr>', page, flags=re.S).group(0)
    assert "dates overlap: -7 to 5 months" in row


def test_the_case_timeline_is_drawn_to_scale_with_a_mark_for_everything(client):
    """oslo-back-channel.ttl holds 4 bridges and 2 accords (counted in the file); the drawing has a
    mark per event of the list below it, an arrow per bridge, a diamond per accord, each a link; a
    month-precise event (event:peres-asks-savir-1993, May 1993) is a band over its month, not a dot."""
    import re
    page = client.get("/id/case/oslo-back-channel").get_data(as_text=True)
    svg = re.search(r"<svg class=\"case-timeline\".*?</svg>", page, flags=re.S).group(0)
    listed = page.split('id="timeline-list"', 1)[1].split("</ol>", 1)[0].count("<li ")
    assert len(re.findall(r'class="event', svg)) == listed == 21
    assert len(re.findall(r'class="bridge"', svg)) == 4
    assert len(re.findall(r'class="accord"', svg)) == 2
    marks = re.findall(r'<a href="(/id/[^"]+)"><title>[^<]+</title><(circle|rect|line|polygon) class="(event|bridge|accord)', svg)
    assert len(marks) == 21 + 4 + 2 and all(href.startswith("/id/") for href, _, _ in marks)
    peres = re.search(r'href="/id/event/peres-asks-savir-1993"><title>[^<]+</title><(\w+)', svg)
    assert peres and peres.group(1) == "rect"
    widths = [float(w) for w in re.findall(r'<rect class="event[^"]*" x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg)]
    assert widths and min(widths) >= 3  # a month spans its month (at least 3 units wide at this scale)


def test_addresses_and_dois_are_links_where_people_read_them(client):
    """sources.ttl: source:diamond-mcdonald-1996 has t2:url https://www.rienner.com/title/…; a DOI
    (10.1111/pops.12265) goes to doi.org. Only http(s) addresses become links."""
    from webapp.format import linkify
    page = client.get("/id/source/diamond-mcdonald-1996").get_data(as_text=True)
    assert '<a href="https://www.rienner.com/title/Multi_Track_Diplomacy_A_Systems_Approach_to_Peace" rel="nofollow">' in page
    assert str(linkify("see doi:10.1111/pops.12265.")) == \
        'see <a href="https://doi.org/10.1111/pops.12265" rel="nofollow">doi:10.1111/pops.12265</a>.'
    assert "<a" not in str(linkify("javascript:alert(1) and ftp://x/y"))
    assert '<a href="https://e.org/a?b=1&amp;c=2" rel="nofollow">' in str(linkify("https://e.org/a?b=1&c=2"))
    readings = client.get("/readings").get_data(as_text=True)
    assert re.search(r'<p class="citation">[^\n]*<a href="https?://', readings)


def test_people_read_labels_not_names_of_variables_and_properties(client):
    """The Oslo case's disputed facts name the property by its label (tracktwo.ttl: t2:initialledOn is
    "initialled on"); a resource page lists each property once (a person is typed five ways); a
    saved query's column headers are words."""
    import re
    case = client.get("/id/case/oslo-back-channel").get_data(as_text=True)
    disputes = case.split('id="disputes"', 1)[1].split("</section>", 1)[0]
    assert "t2:initialledOn" not in disputes and "<td>initialled on</td>" in disputes
    person = client.get("/id/person/yair-hirschfeld").get_data(as_text=True)
    statements = person.split('id="properties"', 1)[1].split("</table>", 1)[0]
    assert len(re.findall(r"<th>", statements)) == len(set(re.findall(r"<th>(.*?)</th>", statements)))
    query = client.get("/queries/track-crossers").get_data(as_text=True)
    headers = re.findall(r"<th>([^<]*)</th>", query)
    assert headers and all(" " in h or h[:1].isupper() for h in headers) and not any(re.search(r"[a-z][A-Z]", h) for h in headers)


def test_resources_are_chosen_from_labelled_lists_and_short_names_work_everywhere(client):
    """case-timeline's case, bridge-types-before-accords' region: lists of labels, not IRI boxes;
    /cases?region=central-asia means the region IRI, as on query pages (the Inter-Tajik case is in
    Central Asia: conflicts.ttl codes the Tajik Civil War so)."""
    import re
    page = client.get("/queries/case-timeline").get_data(as_text=True)
    assert re.search(r'<select name="case">.*<option value="oslo-back-channel" selected>The Oslo back channel', page, flags=re.S)
    regions = client.get("/queries/bridge-types-before-accords").get_data(as_text=True)
    assert re.search(r'<select name="region">.*<option value="middle-east" ?>Middle East', regions, flags=re.S)
    central = client.get("/cases?region=central-asia").get_data(as_text=True)
    assert "/id/case/inter-tajik-dialogue" in central
    assert client.get("/queries/case-timeline?case=neemrana-dialogue").status_code == 200


def test_a_participation_or_event_is_listed_once_under_the_case_that_states_it(client):
    """Rød-Larsen's participations are stated in the Oslo and other files, never the Kelman one (which
    covers an Oslo process too); the Oslo place page listed four events twice; Saunders's part in the
    Dartmouth Conference has no date of its own (October 1960 is the conference's start)."""
    import re
    def rows(path, section_id):
        page = client.get(path).get_data(as_text=True)
        return re.findall(r"<tr>(.*?)</tr>", re.search(rf'<section id="{section_id}">(.*?)</section>', page, re.S).group(1), re.S)
    larsen = rows("/id/person/terje-rod-larsen", "actor-participations")
    assert larsen and not any("kelman" in r.lower() for r in larsen)
    oslo = rows("/id/place/oslo", "place-events")
    assert len(oslo) == len(set(oslo))
    assert not any("October 1960" in r for r in rows("/id/person/harold-saunders", "actor-participations"))


def test_a_case_page_has_contents_linking_to_each_of_its_sections(client):
    import re
    page = client.get("/id/case/oslo-back-channel").get_data(as_text=True)
    toc = re.search(r'<nav class="toc"[^>]*>(.*?)</nav>', page, re.S).group(1)
    targets = re.findall(r'href="#([a-z-]+)"', toc)
    assert {"processes", "timeline", "people", "bridges", "accords", "disputes", "sources"} <= set(targets)
    assert all(f'<section id="{t}"' in page for t in targets)


def test_one_version_in_the_void_description_the_downloads_the_build_and_citation_cff(client, built):
    """tracktwo/dataset.py holds the version; CITATION.cff (read as YAML here) must say the same."""
    import json

    import yaml
    from rdflib.namespace import DCTERMS, OWL

    from tracktwo import dataset
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(citation["version"]) == dataset.VERSION and str(citation["date-released"]) == dataset.RELEASED
    assert set(citation["license"]) == {"CC-BY-4.0", "MIT"} and citation["cff-version"] == "1.2.0"
    void = Graph().parse(data=client.get("/void").data, format="turtle")
    assert {str(v) for v in void.objects(None, OWL.versionInfo)} == {dataset.VERSION}
    for term in (DCTERMS.creator, DCTERMS.publisher, DCTERMS.license, DCTERMS.issued, DCTERMS.modified):
        assert list(void.objects(None, term)), term
    for fmt in ("nq", "ttl"):
        disposition = client.get(f"/downloads/tracktwo.{fmt}").headers["Content-Disposition"]
        assert f"tracktwo-{dataset.VERSION}.{fmt}" in disposition
    manifest = json.loads((built.build_dir / "manifest.json").read_text())
    assert manifest["version"] == dataset.VERSION


def test_case_page_says_how_to_cite_it_with_the_dataset_version(client):
    from tracktwo import dataset
    html = client.get("/id/case/oslo-back-channel").get_data(as_text=True)
    cite = html.split('<section id="cite">', 1)[1].split("</section>", 1)[0]
    assert f"version {dataset.VERSION}" in cite and "https://w3id.org/tracktwo/id/case/oslo-back-channel" in cite
    assert "The Oslo back channel (1992–93)" in cite


def test_cases_index_counts_beside_filters_and_a_compact_view(client):
    """The region filter of the Central Asia cases: the Inter-Tajik Dialogue and the Pugwash–Afghanistan
    case (pugwash-afghanistan-dialogues.ttl codes South Asia and Central Asia) — the count beside
    'Central Asia' is 2 over all cases; filtered to that region, each listed case has it."""
    page = client.get("/cases").get_data(as_text=True)
    assert re.search(r">Central Asia \(2\)</option>", page)
    filtered = client.get("/cases?region=central-asia").get_data(as_text=True)
    assert "2 cases" in filtered and re.search(r">Central Asia \(2\)</option>", filtered)
    compact = client.get("/cases?view=compact").get_data(as_text=True)
    assert 'class="summary"' not in compact and 'class="summary"' in page


def test_a_long_section_shows_its_first_rows_and_links_to_the_whole_list(app_with, tmp_path):
    # The concept sections end with LIMIT 101 and `#+ more:`: at most 100 rows, and a link to the cases
    # index when there are more. Track 2 has 63 processes in the real data, so a copy of the section
    # with LIMIT 4 stands in: it shows three, undated processes first, by label (cases/*.ttl: these four
    # track-2 processes have no start date; ordered by label, the SPLM/A church attempts come first)
    from tracktwo.queries import load_query
    from webapp.state import state
    text = (REPO / "webapp" / "sections" / "concept-processes.rq").read_text().replace("LIMIT 101", "LIMIT 4")
    (tmp_path / "concept-processes.rq").write_text(text)
    app = app_with(TRACKTWO_PAGE_CACHE_MB=0)
    short = load_query(tmp_path / "concept-processes.rq", kind="section")
    assert (short.shows, short.more) == (3, "/cases?{kind}={r}")
    state(app).catalogue.sections["track"] = [short]
    client = app.test_client()
    rows = section(client.get("/id/track/track-2").get_data(as_text=True), "concept-processes")
    shown = re.findall(r'<td><a href="/id/process/([^"]+)"', rows)
    assert shown == ["sudan-church-mediation-splm-leaders", "dartmouth-regional-conflicts-task-force",
                     "dartmouth-karabakh-dialogue"]
    more = re.search(r'Only the first 3 are shown: <a href="([^"]+)">browse every case with it</a>', rows).group(1)
    assert html.unescape(more) == "/cases?track=https%3A%2F%2Fw3id.org%2Ftracktwo%2Fid%2Ftrack%2Ftrack-2"
    cases = client.get(html.unescape(more)).get_data(as_text=True)
    assert "/id/case/pugwash" in cases  # the cases index, filtered by the track
    # a track with few processes shows them all, and no link
    state(app).catalogue.sections["track"] = [load_query(REPO / "webapp" / "sections" / "concept-processes.rq", "section")]
    assert "Only the first" not in client.get("/id/track/track-2").get_data(as_text=True)


def test_a_long_section_without_a_limit_is_refused(tmp_path):
    from tracktwo.queries import QueryFileError, load_query
    bad = tmp_path / "long.rq"
    bad.write_text("#+ title: Everything\n#+ kinds: [track]\n#+ more: /cases?{kind}={r}\n\n"
                   "SELECT ?s WHERE { ?s ?p ?r } ORDER BY ?s\n")
    with pytest.raises(QueryFileError) as err:
        load_query(bad, kind="section")
    assert "ends its query with LIMIT N" in str(err.value) and err.value.line == 3
