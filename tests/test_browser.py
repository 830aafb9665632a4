"""A real browser: Playwright driving Debian's Chromium against the app on a real WSGI server.

home -> a case -> its timeline -> an actor -> back; a saved query with a changed parameter;
the SPARQL editor; a CSV download; screenshots of the home, case and query pages.
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
