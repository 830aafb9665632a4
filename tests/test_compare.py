"""Compare cases (issue 17): two or three cases side by side at a shareable address. Expected rows
are worked out by hand from cases/bougainville-burnham-lincoln-talks.ttl."""

import re

import pytest

BOUGAINVILLE = "bougainville-burnham-lincoln-talks"


def row(page: str, heading: str) -> list[str]:
    """The cells of one row of the comparison, as text."""
    found = re.search(rf'<th scope="row">{re.escape(heading)}</th>(.*?)</tr>', page, re.S)
    assert found, heading
    cells = re.findall(r"<td>(.*?)</td>", found.group(1), re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip() for c in cells]


def test_two_cases_side_by_side(client):
    page = client.get(f"/compare?case={BOUGAINVILLE}&case=oslo-back-channel").get_data(as_text=True)
    assert page.count('<th scope="col"><a href="/id/case/') == 2
    bougainville = {h: row(page, h)[0] for h in ("Span", "Conveners, hosts and initiators", "Funders",
                                                  "Bridges into official talks", "Lead times (bridge to accord)",
                                                  "Accords", "Outcome")}
    # processes start 5 July 1997 (the Burnham leaders' talks) and end at the latest 30 August 2001
    assert bougainville["Span"] == "5 July 1997 – 30 August 2001"
    # the only host, convener or initiator of the unofficial process is New Zealand (role:host)
    assert bougainville["Conveners, hosts and initiators"] == "New Zealand"
    assert bougainville["Funders"] == "none recorded"
    # three bridges, one of each type
    assert bougainville["Bridges into official talks"].startswith("3 ")
    for kind in ("joint proposal or memorandum: 1", "participants join the official delegation: 1",
                 "facilitator takes an official role: 1"):
        assert kind in bougainville["Bridges into official talks"]
    # Burnham Declaration (18 Jul 1997) -> Truce (10 Oct 1997) 2, -> Lincoln (23 Jan 1998) 6,
    # -> Peace Agreement (30 Aug 2001) 49; signatories (23 Jan 1998) -> Arawa (30 Apr 1998) 3;
    # the same bridge -> Lincoln the same day is not a lead time
    months = [int(m) for m in re.findall(r"(\d+) months?:", bougainville["Lead times (bridge to accord)"])]
    assert months == [2, 3, 6, 49]
    # seven accords produced by the three processes
    assert len(re.findall(r"\(\d{1,2} [A-Z][a-z]+ \d{4}\)", bougainville["Accords"])) == 7
    assert "Lincoln Agreement on Peace, Security and Development on Bougainville (23 January 1998)" in bougainville["Accords"]
    assert bougainville["Outcome"].startswith("accord reached")


def test_a_case_with_an_open_ended_process_says_so(client):
    # oslo-back-channel.ttl: the Madrid–Washington talks start on 30 October 1991 and record no end;
    # of the processes that do, the official negotiations end last, on 13 September 1993
    page = client.get("/compare?case=oslo-back-channel&case=dakar-meeting").get_data(as_text=True)
    assert row(page, "Span")[0] == "30 October 1991 – 13 September 1993 or later (a process has no end date)"


def test_short_names_prefixed_names_and_iris_are_the_same_case(client):
    pages = [client.get(f"/compare?case={c}&case=oslo-back-channel").get_data(as_text=True)
             for c in (BOUGAINVILLE, f"case:{BOUGAINVILLE}", f"https://w3id.org/tracktwo/id/case/{BOUGAINVILLE}")]
    assert pages[0] == pages[1] == pages[2]


def test_the_form_keeps_the_choice_and_the_address_is_the_comparison(client):
    page = client.get(f"/compare?case={BOUGAINVILLE}").get_data(as_text=True)
    assert page.count("<select") == 3 and f'<option value="{BOUGAINVILLE}" selected>' in page


@pytest.mark.parametrize("query, status, message", [
    ("case=no-such-case", 400, "There is no case"),
    ("case=oslo-back-channel&case=oslo-back-channel", 200, None),
    ("case=oslo-back-channel&case=dakar-meeting&case=mells-park-talks&case=geneva-initiative", 200, "Up to 3 cases"),
    ("case=" + "x" * 5000, 400, "There is no case"),
    ("case=%3Cscript%3E", 400, "There is no case"),
    ("", 200, None),
])
def test_bad_choices_get_a_message_not_an_error(client, query, status, message):
    response = client.get("/compare?" + query)
    text = response.get_data(as_text=True)
    assert response.status_code == status and "Traceback" not in text and "<script>" not in text
    if message:
        assert message in text
    if query.startswith("case=oslo-back-channel&case=oslo"):
        assert text.count('<th scope="col"><a href="/id/case/') == 1


def test_case_pages_and_the_index_link_to_the_comparison(client):
    assert f'href="/compare?case={BOUGAINVILLE}"' in client.get(f"/id/case/{BOUGAINVILLE}").get_data(as_text=True)
    assert 'href="/compare"' in client.get("/cases").get_data(as_text=True)
