"""`tracktwo serve --reload`: an edited case shows on the next page load; a broken edit keeps the
last good build serving. A real server process on loopback, on a copy of the mini project."""

import shutil
import subprocess
import sys
import time
import urllib.request

from conftest import FIXTURES
from servers import free_port, wait_for


def page(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def until(predicate, seconds: float = 240) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass  # the server is restarting
        time.sleep(0.5)
    return False


def test_an_edit_shows_on_the_next_page_load_and_a_broken_one_does_not_take_the_site_down(tmp_path, mini_root):
    root = tmp_path / "root"
    shutil.copytree(mini_root, root, ignore=shutil.ignore_patterns("build"))
    case = root / "cases" / "example.ttl"
    case.write_text((FIXTURES / "mini" / "valid-case.ttl").read_text())
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "tracktwo.cli", "--root", str(root), "serve", "--reload",
                               "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/id/event/example-meeting"
    try:
        wait_for(url, server, seconds=240)
        assert "First meeting" in page(url)
        case.write_text(case.read_text().replace('"First meeting"@en', '"First meeting, renamed"@en'))
        assert until(lambda: "First meeting, renamed" in page(url))
        case.write_text(case.read_text().replace("t2:inProcess process:example-dialogue", "t2:inProcess"))  # broken
        time.sleep(8)
        assert "First meeting, renamed" in page(url)  # the last good build still serves
    finally:
        server.terminate()
        server.wait(timeout=30)
