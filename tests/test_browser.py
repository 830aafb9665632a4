"""A real browser: Playwright driving Debian's Chromium against the app on a real WSGI server.

home -> a case -> its timeline -> an actor -> back; a saved query with a changed parameter;
the SPARQL editor; a CSV download; a three-session course pack shared by its URL and downloaded as
BibTeX; screenshots of the home, case, query and readings pages.
"""

import shutil

import pytest
from conftest import REPO
from servers import tracktwo_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
playwright = pytest.importorskip("playwright.sync_api")
if not shutil.which("chromium"):
    pytest.skip("Debian's chromium is not installed (make test installs it)", allow_module_level=True)
SHOTS = REPO / "build" / "screenshots"
# Flags for a closed network: no background connections, no sandbox (tests run as root).
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def site(built):
    with tracktwo_server(built.root) as url:
        yield url


@pytest.fixture(scope="module")
def page(site):
    SHOTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(accept_downloads=True)
        yield context.new_page()
        browser.close()


def test_home_case_timeline_actor_and_back(site, page):
    page.goto(site + "/")
    page.screenshot(path=str(SHOTS / "home.png"), full_page=True)
    page.locator("nav").get_by_role("link", name="Cases").click()
    page.get_by_role("link", name="The Oslo back channel (1992–93)").click()
    assert page.locator("h1").inner_text() == "The Oslo back channel (1992–93)"
    timeline = page.locator("ol.timeline > li")
    assert timeline.count() == 21
    assert timeline.first.locator("time").inner_text() == "30 October 1991"
    page.screenshot(path=str(SHOTS / "case.png"), full_page=True)
    page.locator("#people").get_by_role("link", name="Yair Hirschfeld").first.click()
    assert page.locator("h1").inner_text() == "Yair Hirschfeld"
    page.go_back()
    assert page.locator("h1").inner_text() == "The Oslo back channel (1992–93)"


def test_saved_query_parameter_changes_the_rows(site, page):
    page.goto(site + "/queries/actors-by-role")
    mediators = page.locator("table.results tbody tr").count()
    page.select_option("select[name=role]", "role:convener")
    page.get_by_role("button", name="Run").click()
    page.wait_for_url("**role=role%3Aconvener**")
    conveners = page.locator("table.results tbody")
    assert "Fafo" in conveners.inner_text()
    assert page.locator("table.results tbody tr").count() != mediators
    page.screenshot(path=str(SHOTS / "query.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert text.splitlines()[0].startswith("actor,actorLabel") and "Fafo" in text


def test_sparql_editor_runs_a_query(site, page):
    page.goto(site + "/sparql-editor")
    assert page.locator(".CodeMirror").count() == 1  # the vendored editor took over the text box
    page.evaluate("window.tracktwoEditor.setValue('SELECT ?name WHERE { ?p a <https://w3id.org/tracktwo/ontology#TrackCrosser> ; <http://www.w3.org/2000/01/rdf-schema#label> ?name } ORDER BY ?name')")
    page.get_by_role("button", name="Run").click()
    page.wait_for_selector("table.results")
    assert "Yair Hirschfeld" in page.locator("table.results").inner_text()


def test_opening_the_endpoint_in_a_browser_gives_the_editor(site, page):
    """/sparql is what people are told the endpoint is; a browser there gets a page to type a query
    into (it showed the service description as Turtle, with no title)."""
    page.goto(site + "/sparql")
    assert page.url == site + "/sparql-editor"
    assert page.title() and page.locator(".CodeMirror").count() == 1


def test_the_editor_lets_the_keyboard_out_and_runs_on_ctrl_enter(site, page):
    """Tab leaves the editor for the Run button (no keyboard trap), and Ctrl+Enter runs the query."""
    page.goto(site + "/sparql-editor")
    page.locator(".CodeMirror textarea").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Run"
    page.locator(".CodeMirror textarea").focus()
    page.evaluate("window.tracktwoEditor.setValue('ASK { ?s ?p ?o }')")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("p.answer")
    assert "yes" in page.locator("p.answer").inner_text()


def test_the_editor_marks_the_line_an_error_names(site, page):
    from urllib.parse import quote
    page.goto(site + "/sparql-editor?query=" + quote("SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?s = )\n}"))
    assert "line 3" in page.locator("#query-error").inner_text()
    marked = page.locator(".CodeMirror .error-line")
    assert marked.count() == 1 and "FILTER(?s = )" in marked.inner_text()
    assert page.evaluate("window.tracktwoEditor.getCursor().line") == 2


def test_a_results_table_sorts_by_a_column_from_the_keyboard(site, page):
    """Headings become buttons; sorting by a number column orders the rows by number (9 before 10)."""
    query = ("SELECT ?case (COUNT(?p) AS ?processes) WHERE { ?case <https://w3id.org/tracktwo/ontology#coversProcess> ?p } "
             "GROUP BY ?case ORDER BY ?case")
    from urllib.parse import quote
    page.goto(site + "/sparql-editor?query=" + quote(query))
    column = page.locator("table.results thead th").nth(1)
    column.locator("button").focus()
    page.keyboard.press("Enter")
    assert column.get_attribute("aria-sort") == "ascending"
    numbers = [int(t) for t in page.locator("table.results tbody tr td:nth-child(2)").all_inner_texts()]
    assert numbers == sorted(numbers) and len(set(numbers)) > 1
    page.keyboard.press("Enter")
    numbers = [int(t) for t in page.locator("table.results tbody tr td:nth-child(2)").all_inner_texts()]
    assert column.get_attribute("aria-sort") == "descending" and numbers == sorted(numbers, reverse=True)


def test_the_header_search_suggests_names_and_opens_one_by_keyboard(site, page):
    page.goto(site + "/cases")
    page.locator("#site-search").focus()
    page.keyboard.type("rod-lars")
    page.wait_for_selector("#site-search-options [role=option]")
    assert page.locator("#site-search").get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    active = page.locator("#site-search").get_attribute("aria-activedescendant")
    assert page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    page.keyboard.press("Enter")
    page.wait_for_url("**/id/person/terje-rod-larsen")
    assert page.locator("h1").inner_text() == "Terje Rød-Larsen"
    # without choosing a suggestion, Enter searches
    page.locator("#site-search").fill("oslo")
    page.wait_for_selector("#site-search-options [role=option]")
    page.keyboard.press("Escape")  # closes the suggestions, keeps the words
    assert page.locator("#site-search-options").is_hidden() and page.locator("#site-search").input_value() == "oslo"
    page.locator("#site-search").press("Enter")
    page.wait_for_url("**/search?q=oslo")
    assert page.locator("h1").inner_text() == "Search" and page.locator(".search-group").count() >= 3


def test_trainer_builds_a_three_session_pack_shares_it_and_downloads_bibtex(site, page):
    import bibtexparser
    page.goto(site + "/")
    page.get_by_role("link", name="Readings and course packs").click()
    chosen = []
    for n, (title, case) in enumerate([("What track two is", ""), ("The Oslo channel", "oslo-back-channel"),
                                       ("Sustained dialogue", "inter-tajik-dialogue")]):
        page.fill("#add-session input[name=session_title]", title)
        page.locator("#add-session").get_by_role("button", name="Add session").click()
        page.wait_for_selector(f"#session-{n + 1}")
        page.select_option("#filters select[name=case]", case)
        page.select_option("#filters select[name=kind]", "" if case else "theory")
        page.locator("#filters").get_by_role("button", name="Show").click()
        page.wait_for_load_state()
        first = page.locator("li.reading").first
        for item in page.locator("li.reading").all():  # the filter really filtered
            assert not case or f"/id/case/{case}" in item.inner_html()
        reading = first.get_attribute("id").removeprefix("reading-")
        first.locator("select[name=session]").select_option(str(n))
        first.get_by_role("button", name="Add").click()
        page.wait_for_selector(f"#session-{n + 1} li:not(.meta)")
        chosen.append(reading)
    sessions = page.locator(".pack .session h3").all_inner_texts()
    assert sessions == ["Session 1: What track two is", "Session 2: The Oslo channel", "Session 3: Sustained dialogue"]
    page.screenshot(path=str(SHOTS / "readings.png"), full_page=True)
    shared = page.locator("#share").get_attribute("href")
    fresh = page.context.new_page()
    fresh.goto(site + shared)
    assert fresh.locator(".pack .session h3").all_inner_texts() == sessions
    assert fresh.locator(".pack .session li").count() == 3
    with fresh.expect_download() as download:
        fresh.locator("#download-bibtex").click()
    library = bibtexparser.parse_string(open(download.value.path(), encoding="utf-8").read())
    assert len(library.entries) == len(set(chosen)) and not library.failed_blocks
    assert all(e.fields_dict.get("title") for e in library.entries)
    fresh.close()


def test_no_page_breaks_the_content_security_policy(site, page):
    """Every kind of page, scripts and the editor included, runs under the app's CSP without a
    single violation (an inline script or style would be one), and the editor still takes over."""
    context = page.context.browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script("window.__violations = []; document.addEventListener('securitypolicyviolation', "
                             "e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));")
        console = []
        page.on("console", lambda message: console.append(message.text))
        for path in ["/", "/cases", "/id/case/oslo-back-channel", "/id/person/yair-hirschfeld", "/queries", "/search?q=oslo",
                     "/compare?case=oslo-back-channel&case=inter-tajik-dialogue",
                     "/queries/case-timeline?case=oslo-back-channel", "/sparql-editor", "/readings", "/ontology"]:
            response = page.goto(site + path)
            assert response.headers["content-security-policy"].startswith("default-src 'self'")
            assert page.evaluate("window.__violations") == [], path
            if path == "/sparql-editor":
                assert page.locator(".CodeMirror").count() == 1
    finally:
        context.close()
    assert not [text for text in console if "Content Security Policy" in text]


PHONE_PAGES = ["/", "/cases", "/id/case/oslo-back-channel", "/id/case/inter-tajik-dialogue", "/id/person/yair-hirschfeld",
               "/id/accord/oslo-i-declaration-of-principles", "/id/place/oslo", "/id/source/waage-2005",
               "/id/process/oslo-back-channel", "/id/track/track-2", "/ontology", "/queries",
               "/queries/bridge-types-before-accords", "/readings", "/sparql-editor", "/search?q=oslo",
               "/compare?case=oslo-back-channel&case=inter-tajik-dialogue&case=bougainville-burnham-lincoln-talks",
               "/readings/print?s=~Week+1"]


def test_no_page_scrolls_sideways_on_a_phone(site, page):
    """At 390 px wide every kind of page fits; wide tables and the drawn timeline scroll in their box."""
    phone = page.context.browser.new_context(viewport={"width": 390, "height": 800})
    try:
        tab = phone.new_page()
        wide = {}
        for path in PHONE_PAGES:
            tab.goto(site + path)
            width = tab.evaluate("document.documentElement.scrollWidth")
            if width > 390:
                wide[path] = width
        assert wide == {}
        tab.goto(site + "/id/case/inter-tajik-dialogue")
        tab.screenshot(path=str(SHOTS / "case-390.png"), full_page=False)
    finally:
        phone.close()


def test_screenshots_of_every_kind_of_page_at_1400_and_390_px(site, page):
    """For people reviewing a change: build/screenshots/{width}/{page}.png; each must show a heading."""
    import re
    for width in (1400, 390):
        context = page.context.browser.new_context(viewport={"width": width, "height": 900})
        try:
            tab = context.new_page()
            folder = SHOTS / str(width)
            folder.mkdir(parents=True, exist_ok=True)
            for path in PHONE_PAGES:
                response = tab.goto(site + path)
                assert response.status == 200, path
                assert tab.locator("h1").count() == 1, path
                name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")[:80] or "home"
                tab.screenshot(path=str(folder / f"{name}.png"), full_page=False)
        finally:
            context.close()
    assert len(list((SHOTS / "390").glob("*.png"))) >= len(PHONE_PAGES)


def test_the_first_tab_offers_a_skip_link_to_the_content(site, page):
    page.goto(site + "/id/case/oslo-back-channel")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to the content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.request.get(site + "/static/favicon.svg").status == 200


AXE = REPO / "build" / "axe" / "node_modules" / "axe-core" / "axe.min.js"  # installed by `make test`
AXE_PAGES = ["/", "/cases", "/id/case/oslo-back-channel", "/id/person/yair-hirschfeld",
             "/id/accord/oslo-i-declaration-of-principles", "/id/place/oslo", "/id/source/waage-2005",
             "/id/process/oslo-back-channel", "/id/track/track-2", "/ontology", "/queries",
             "/queries/case-timeline", "/queries/meeting-places", "/queries/upstream-of-accord",
             "/queries/bridge-types-summary", "/readings", "/sparql-editor", "/search?q=oslo",
             "/compare?case=oslo-back-channel&case=inter-tajik-dialogue", "/readings/print?s=~Week+1",
             "/sparql-editor?query=SELECT+*+WHERE+%7B+%3Fs+%7D"]


def test_axe_finds_no_serious_accessibility_violation_on_any_kind_of_page(site, page):
    """axe-core (from the npm registry) in the real browser; the page's CSP is bypassed only to let
    the test inject axe itself."""
    assert AXE.is_file(), "axe-core is missing: `make test` installs it (make axe)"
    context = page.context.browser.new_context(bypass_csp=True)
    try:
        tab = context.new_page()
        found = {}
        for path in AXE_PAGES:
            tab.goto(site + path)
            tab.add_script_tag(path=str(AXE))
            result = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
            serious = [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in result["violations"]
                       if v["impact"] in ("serious", "critical")]
            if serious:
                found[path] = serious
        assert found == {}
    finally:
        context.close()


def _csv_rows(site, path):
    import csv
    import io
    import urllib.request
    with urllib.request.urlopen(site + path + ("&" if "?" in path else "?") + "format=csv") as response:
        return list(csv.DictReader(io.StringIO(response.read().decode())))


@pytest.mark.parametrize("query, count", [
    # markers = distinct places with coordinates in the result
    ("meeting-places", lambda rows: len({r["place"] for r in rows if r["lat"] and r["long"]})),
    # bars = rows with a number
    ("bridge-types-summary", lambda rows: sum(1 for r in rows if r["pairs"])),
    # timeline marks = rows with a date
    ("initiatives-without-official-talks", lambda rows: sum(1 for r in rows if r["date"])),
    # network nodes = distinct resources linked by a row
    ("upstream-of-accord", lambda rows: len({x for r in rows if r["from"] and r["to"] and r["from"] != r["to"]
                                             for x in (r["from"], r["to"])})),
])
def test_each_view_draws_what_the_rows_say(site, page, query, count):
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(site + f"/queries/{query}")
    figure = page.locator("figure.picture-frame")
    assert figure.locator("svg.picture .mark").count() == count(_csv_rows(site, f"/queries/{query}"))
    figure.screenshot(path=str(SHOTS / f"view-{query}.png"))
    # the table is one click away, and the same rows stay
    page.get_by_role("link", name="Table", exact=True).click()
    assert page.locator("table.results").count() == 1 and page.locator("svg.picture").count() == 0
    page.go_back()
    # on a phone the picture scrolls inside its frame; the page does not scroll sideways
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(site + f"/queries/{query}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1400, "height": 1000})
