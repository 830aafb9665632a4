"""The web app lists the cases, through Flask's test client and through a real server."""

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tracktwo.build import dataset_path
from webapp import create_app


@pytest.fixture(scope="module")
def client(built):
    return create_app({"TRACKTWO_DATASET": str(dataset_path(built)), "TESTING": True}).test_client()


def test_home_lists_the_four_cases_with_summaries(client):
    page = client.get("/").get_data(as_text=True)
    for title in ["Oslo back channel", "Inter-Tajik Dialogue", "Neemrana Dialogue", "Living Room Dialogue"]:
        assert title in page
    assert page.count('class="summary"') == 4
    assert "cases ·" in page and "Track 2" in page and "Saved queries" in page


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "no page at this address" in response.get_data(as_text=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_tracktwo_serve_answers_over_http(built):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "tracktwo.cli", "--root", str(built.root), "serve",
                               "--port", str(port), "--no-build"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    body = response.read().decode()
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None and time.monotonic() < deadline, server.stderr.read().decode()
                time.sleep(0.2)
        assert "Oslo back channel" in body and "Living Room Dialogue" in body
    finally:
        server.terminate()
        server.wait(timeout=10)
