"""Hostile input gets a clear 4xx, never a 500: one regression test for each cause an attacker run
found (issue 13), through Flask's test client on the real dataset."""

import html
import io
import json
import re
from urllib.parse import urlencode

import pytest
from conftest import app_on
from werkzeug.test import EnvironBuilder, run_wsgi_app

from tracktwo.errors import TrackTwoError
from tracktwo.readings import MAX_DEPTH, pack_from_args, pack_from_json
from webapp.format import link, web_url
from webapp.guards import host_problem

READING = "saunders-1999"  # a reading in cases/shared/readings.ttl


@pytest.fixture(scope="module")
def app(built):
    # one trusted proxy, as behind a reverse proxy: its X-Forwarded-* headers are read
    with app_on(built, TRACKTWO_PROXIES=1) as app:   # the default time limit: every saved query must answer
        yield app


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def session_arg(title: str = "Week 1", readings=()) -> str:
    return json.dumps({"t": title, "n": "", "r": list(readings)})


# 1, 2: /id/{kind}/{slug} with characters no IRI of ours can have --------------------------------

@pytest.mark.parametrize("segment", ["a%20b", "a%22b", "a%3Cb", "a%7Bb", "a%7Db", "a%5Cb", "%FF", "%ED%A0%80",
                                     "a%01b", "a%00b", "a%7Fb", "caf%C3%A9", "a%20b.ttl"])
@pytest.mark.parametrize("prefix", ["/id/person/", "/id/case/"])
def test_a_slug_no_iri_can_have_is_a_404_saying_why(client, prefix, segment):
    response = client.get(prefix + segment)
    assert response.status_code == 404
    assert "identifiers are made of letters, digits, hyphens" in text(response)


@pytest.mark.parametrize("path", ["/id/a%20b/oslo-back-channel", "/id/%FF/x", "/id/person%0A/x.nt"])
def test_a_kind_no_iri_can_have_is_a_404_too(client, path):
    response = client.get(path)
    assert response.status_code == 404 and "There is no resource" in text(response)


def test_a_hostile_slug_asked_for_as_rdf_is_a_404(client):
    response = client.get("/id/person/a%20b", headers={"Accept": "text/turtle"})
    assert response.status_code == 404 and "identifiers are made of" in text(response)


def test_a_well_formed_slug_still_answers(client):
    assert client.get("/id/person/yair-hirschfeld").status_code == 200
    assert client.get("/id/person/no-such-person").status_code == 404


# 3: ?page= with Unicode digits, huge or negative numbers -------------------------------------

@pytest.mark.parametrize("page", ["²", "٣", "１", "-1", "0", "1.5", " 1", "1_0", "9" * 5000, "99"])
def test_the_cases_index_refuses_a_page_that_is_not_one_of_its_page_numbers(client, page):
    response = client.get("/cases?" + urlencode({"page": page}))
    assert response.status_code == 400
    assert "page must be a whole number from 1 to 1, not " in text(response)


def test_a_long_page_number_is_cut_short_in_the_message(client):
    response = client.get("/cases?page=" + "9" * 5000)
    assert response.status_code == 400 and "9" * 41 not in text(response) and "…" in text(response)


def test_every_saved_query_refuses_a_unicode_digit_page(client, app):
    for name, q in sorted(app.extensions["tracktwo"].catalogue.queries.items()):
        values = {p.name: "Oslo" for p in q.params if p.required and not p.default}
        if q.web:  # its page is elsewhere (find-by-name: the site search), whatever page of it is asked for
            assert client.get(f"/queries/{name}?" + urlencode({**values, "page": "²"})).status_code == 303, name
            continue
        assert client.get(f"/queries/{name}?" + urlencode(values)).status_code == 200, name
        response = client.get(f"/queries/{name}?" + urlencode({**values, "page": "²"}))
        assert response.status_code == 400, name
        assert re.search(r"page must be a whole number from 1 to \d+, not '²'", text(response)), name


# 4: lone surrogates in a course pack, by URL or uploaded JSON --------------------------------

@pytest.mark.parametrize("session", ['{"t":"\\ud800","r":[]}', '{"t":"x","n":"\\udfff","r":[]}',
                                     '{"t":"x","r":["\\ud800"]}', '{"\\ud800":1,"t":"x"}'])
@pytest.mark.parametrize("path", ["/readings", "/readings/print", "/readings/pack.json", "/readings/export.bib",
                                  "/readings/edit?action=add-session"])
def test_a_lone_surrogate_in_a_session_in_the_address_is_a_400(client, path, session):
    response = client.get(path + ("&" if "?" in path else "?") + urlencode({"title": "T", "s": session}))
    assert response.status_code == 400
    assert "holds a lone surrogate, which is not a character" in text(response)


def test_percent_encoded_surrogate_bytes_in_the_title_are_kept_as_text(client):
    # werkzeug leaves undecodable bytes in a query string percent-encoded: plain text, not a surrogate
    response = client.get("/readings?title=%ED%A0%80")
    assert response.status_code == 200 and "%ED%A0%80" in text(response)


def upload(client, content: bytes, name: str = "pack.json"):
    return client.post("/readings/load", data={"pack": (io.BytesIO(content), name)}, content_type="multipart/form-data")


@pytest.mark.parametrize("content", [b'{"title":"\\ud800","sessions":[]}',
                                     b'{"title":"T","sessions":[{"t":"\\udc00","r":[]}]}',
                                     b'{"title":"T","sessions":[{"t":"x","r":[],"n":"a\\ud83d"}]}'])
def test_a_lone_surrogate_in_an_uploaded_pack_is_a_400(client, content):
    response = upload(client, content)
    assert response.status_code == 400
    assert "pack.json: the text" in text(response) and "holds a lone surrogate" in text(response)


def test_a_real_surrogate_pair_is_a_character_and_loads(client):
    response = upload(client, b'{"title":"Peace \\ud83d\\udd4a","sessions":[{"t":"x","r":["' + READING.encode() + b'"]}]}')
    assert response.status_code == 200 and "Peace \U0001F54A" in text(response)


# 5: /readings/edit with a negative (or otherwise unreadable) session or index --------------------

@pytest.mark.parametrize("session", ["-5", "-1", "٣", " 1", "1e3", "9" * 5000, ""])
def test_edit_refuses_a_session_that_is_not_a_count(client, session):
    args = {"action": "add", "session": session, "reading": READING, "title": "T", "s": session_arg()}
    response = client.get("/readings/edit?" + urlencode(args))
    assert response.status_code == 400
    assert "session must be a whole number from 0 to 999999, not " in text(response)


def test_edit_refuses_a_negative_index(client):
    args = {"action": "remove", "session": "0", "index": "-1", "title": "T", "s": session_arg(readings=[READING])}
    response = client.get("/readings/edit?" + urlencode(args))
    assert response.status_code == 400 and "index must be a whole number from 0 to 999999, not '-1'" in text(response)


def test_edit_still_adds_to_an_existing_session(client):
    args = {"action": "add", "session": "0", "reading": READING, "title": "T", "s": session_arg()}
    response = client.get("/readings/edit?" + urlencode(args))
    assert response.status_code == 303 and READING in response.headers["Location"]


# 6: JSON nested a thousand deep --------------------------------------------------------------

@pytest.mark.parametrize("depth", [1000, 100_000, MAX_DEPTH + 1])
def test_an_uploaded_pack_nested_deep_is_a_400(client, depth):
    content = '{"title":"T","sessions":' + "[" * depth + "]" * depth + "}"
    response = upload(client, content.encode())
    assert response.status_code == 400
    assert f"pack.json: nested more than {MAX_DEPTH} levels deep; not a course pack" in text(response)


def test_a_session_nested_deep_in_the_address_is_a_400(client):
    response = client.get("/readings?" + urlencode({"s": '{"t":"x","r":' + "[" * 1000 + "]" * 1000 + "}"}))
    assert response.status_code == 400 and "session 1: nested more than" in text(response)


def test_the_library_refuses_deep_and_surrogate_packs_with_a_message():
    with pytest.raises(TrackTwoError, match="nested more than"):
        pack_from_json("[" * 5000 + "]" * 5000, "deep.json")
    with pytest.raises(TrackTwoError, match="lone surrogate"):
        pack_from_args("T", ['{"t":"\\ud800"}'])
    pack, problems = pack_from_args("T", ['{"t":"ok","r":["a-b"]}', "not json"])
    assert [s.title for s in pack.sessions] == ["ok"] and "not readable" in problems[0]


# 7: a Host header werkzeug cannot IDNA-encode ------------------------------------------------

@pytest.mark.parametrize("host", ["a" * 64 + ".example.org", "a..b", "x." + "b" * 100 + ":5000", "." * 3])
@pytest.mark.parametrize("path", ["/", "/void", "/no/such/page", "/readings/edit?action=add-session", "/sparql"])
def test_a_host_header_with_an_unencodable_label_is_a_400(client, host, path):
    response = client.get(path, headers={"Host": host})
    assert response.status_code == 400
    message = response.get_data(as_text=True)
    assert "is not a valid host name (label" in message and "label must be 1 to 63 letters, digits or hyphens" in message


def answer_with_host(app, path: str, host: str) -> tuple[int, str]:
    """The app's answer to a Host header as a WSGI server hands it on. (Not through the test client,
    which parses the Host itself after the app has answered, and fails on these.)"""
    environ = EnvironBuilder(path=path, environ_overrides={"HTTP_HOST": host}).get_environ()
    body, status, _ = run_wsgi_app(app, environ, buffered=True)
    return int(status.split()[0]), b"".join(body).decode()


@pytest.mark.parametrize("host, why", [("xn--", "label empty or too long"), ("xn--zz.example", "punycode"),
                                       ("a:b:c", "characters a host name cannot have"),
                                       ("ex ample.org", "characters a host name cannot have"),
                                       ("[::1", "characters a host name cannot have")])
@pytest.mark.parametrize("path", ["/sparql", "/void", "/"])
def test_a_host_header_werkzeug_cannot_read_is_a_400(app, host, why, path):
    status, message = answer_with_host(app, path, host)
    assert status == 400 and f"The Host header {host!r} is not a valid host name (" in message and why in message


@pytest.mark.parametrize("header, value", [("X-Forwarded-Host", "a" * 64 + ".org"), ("X-Forwarded-Host", "xn--"),
                                           ("X-Forwarded-Host", "a b")])
def test_a_forwarded_host_is_checked_like_the_host(client, header, value):
    response = client.get("/void", headers={header: value})
    assert response.status_code == 400 and "is not a valid host name" in response.get_data(as_text=True)


@pytest.mark.parametrize("proto", ["javascript", "ftp", "\\x", "http:"])
@pytest.mark.parametrize("path", ["/void", "/sparql", "/"])
def test_a_forwarded_scheme_other_than_http_is_a_400(client, proto, path):
    response = client.get(path, headers={"X-Forwarded-Proto": proto})
    assert response.status_code == 400
    assert f"The request's scheme {proto!r} (X-Forwarded-Proto) is not http or https." in response.get_data(as_text=True)


@pytest.mark.parametrize("proto", ["https", "HTTPS", "http"])
def test_a_forwarded_http_or_https_scheme_passes(client, proto):
    response = client.get("/void", headers={"X-Forwarded-Proto": proto})
    assert response.status_code == 200 and f"{proto.lower()}://localhost/sparql" in response.get_data(as_text=True).lower()


def test_ordinary_host_headers_pass(app):
    for host in ["localhost", "localhost:5000", "127.0.0.1:8080", "[::1]:5000", "a" * 63 + ".org", "EXAMPLE.ORG.",
                 "xn--bcher-kva.example"]:
        assert host_problem(host) is None, host
        assert answer_with_host(app, "/void", host)[0] == 200, host


# Links: only http(s) IRIs (and our own) become links -------------------------------------------

@pytest.mark.parametrize("iri", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=",
                                 "vbscript:msgbox", "file:///etc/passwd", "urn:x:y"])
def test_the_sparql_editor_shows_a_non_web_iri_as_text_not_a_link(client, iri):
    query = f'SELECT ?x {{ BIND(IRI("{iri}") AS ?x) }}'
    response = client.get("/sparql-editor?" + urlencode({"query": query}))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    cell = re.search(r"<td>(.*?)</td>", page, re.S).group(1)
    assert "<a" not in cell and html.unescape(cell) == f"<{iri}>"
    assert not re.search(r'href="\s*(javascript|data|vbscript|file|urn):', page, re.I)


def test_the_sparql_editor_still_links_web_iris_and_our_own(client):
    query = 'SELECT ?x { VALUES ?x { <https://example.org/a> <https://w3id.org/tracktwo/id/case/oslo-back-channel> } }'
    page = client.get("/sparql-editor?" + urlencode({"query": query})).get_data(as_text=True)
    assert 'href="https://example.org/a"' in page and 'href="/id/case/oslo-back-channel"' in page


def test_link_and_web_url_decide_by_scheme():
    assert web_url("https://example.org/") and web_url("HTTP://example.org/x")
    assert not web_url("javascript:alert(1)") and not web_url("http:no-host") and not web_url("http://[::1")
    assert str(link("javascript:alert(1)", "click")) == "click"
    assert str(link("https://example.org/", '"x"')) == '<a href="https://example.org/">&#34;x&#34;</a>'

