"""The web app lists the cases, through Flask's test client and through a real server."""

import urllib.request

import pytest
from conftest import app_on
from servers import tracktwo_server



@pytest.fixture(scope="module")
def client(built):
    with app_on(built) as app:
        yield app.test_client()


def test_home_features_cases_and_the_index_lists_them_all(client, built):
    page = client.get("/").get_data(as_text=True)
    assert 0 < page.count('class="summary"') <= 6
    assert "cases ·" in page and "Track 2" in page and "Saved queries" in page
    index = client.get("/cases").get_data(as_text=True)
    for title in ["Oslo back channel", "Inter-Tajik Dialogue", "Neemrana Dialogue", "Living Room Dialogue"]:
        assert title in index
    assert index.count('class="summary"') == len(list((built.root / "cases").glob("*.ttl")))


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "no page at this address" in response.get_data(as_text=True)


def test_tracktwo_serve_answers_over_http(built):
    with tracktwo_server(built.root) as url:
        with urllib.request.urlopen(url + "/cases", timeout=30) as response:
            body = response.read().decode()
    assert "Oslo back channel" in body and "Living Room Dialogue" in body
