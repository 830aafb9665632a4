"""Pictures of query results (webapp/pictures): each draws what the rows say, worked out by hand
on small rows, and the query pages show the picture with the table beside it."""

import re

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from webapp.pictures import draw

P = "https://w3id.org/tracktwo/id/"
label_of = lambda row, column: str(row.get(f"{column}Label") or row.get(column) or "")


def marks(svg) -> int:
    return str(svg).count('class="mark"')


def test_bar_chart_has_a_bar_per_row_with_a_number():
    rows = [{"type": "a", "n": Literal(3)}, {"type": "b", "n": Literal(1)}, {"type": "c", "n": Literal("many")}]
    picture = draw("bar", {"label": "type", "value": "n"}, rows, label_of)
    assert marks(picture.svg) == 2  # "many" is not a number
    assert "the longest is a at 3" in picture.summary
    # the longer bar is three times the shorter
    widths = [float(w) for w in re.findall(r'<rect x="\d+" y="[\d.]+" width="([\d.]+)" height', str(picture.svg))]
    assert widths[0] == pytest.approx(3 * widths[1])


def test_map_has_a_marker_per_distinct_place_with_coordinates():
    oslo, london = URIRef(P + "place/oslo"), URIRef(P + "place/london")
    rows = [{"place": oslo, "placeLabel": "Oslo", "lat": Literal("59.91"), "long": Literal("10.75")},
            {"place": oslo, "placeLabel": "Oslo", "lat": Literal("59.91"), "long": Literal("10.75")},
            {"place": london, "placeLabel": "London", "lat": Literal("51.51"), "long": Literal("-0.13")},
            {"place": URIRef(P + "place/nowhere"), "lat": None, "long": None}]
    picture = draw("map", {"lat": "lat", "long": "long", "label": "place", "place": "place"}, rows, label_of)
    assert marks(picture.svg) == 2
    assert 'href="/id/place/oslo"' in str(picture.svg)
    assert picture.summary.startswith("2 place(s) on the map; the most rows are at Oslo")
    assert "<title>Norway</title>" in str(picture.svg)  # the basemap's countries in view are drawn


def test_timeline_has_a_mark_per_dated_row_in_its_lane():
    rows = [{"event": "first", "date": Literal("1993-01-20", datatype=XSD.date), "process": "channel"},
            {"event": "signing", "date": Literal("1993-09-13", datatype=XSD.date), "process": "talks"},
            {"event": "undated", "date": None, "process": "talks"}]
    picture = draw("timeline", {"start": "date", "label": "event", "item": "process"}, rows, label_of)
    assert marks(picture.svg) == 2
    assert picture.summary == "2 dated row(s) in 2 lane(s), from 1993-01-20 to 1993-09-13."


def test_network_has_a_node_per_resource_and_layers_in_the_flow():
    i, b, o = (URIRef(P + x) for x in ("process/channel", "bridge/draft", "process/talks"))
    rows = [{"from": i, "to": b, "kind": "bridge"}, {"from": b, "to": o, "kind": "official process"},
            {"from": i, "to": b, "kind": "initiative"}]
    picture = draw("graph", {"source": "from", "target": "to", "edge": "kind"}, rows, label_of)
    assert marks(picture.svg) == 3 and str(picture.svg).count("<line") == 2 + 2  # two arrows, two legend lines
    assert picture.summary == "3 resources in 3 layer(s), linked by 2 arrow(s)."


def test_nothing_to_draw_is_said_not_drawn():
    picture = draw("map", {"lat": "lat", "long": "long"}, [{"lat": None, "long": None}], label_of)
    assert picture.svg is None and "no row has coordinates" in picture.summary


@pytest.mark.parametrize("name, kind", [("bridge-types-summary", "bar"), ("meeting-places", "map"),
                                        ("upstream-of-accord", "graph"), ("initiatives-without-official-talks", "timeline")])
def test_query_pages_show_their_picture_and_the_table(app_with, name, kind):
    client = app_with().test_client()
    html = client.get(f"/queries/{name}").get_data(as_text=True)
    assert f'<svg class="picture {kind}"' in html and '<table class="results' in html
    assert 'href="#results"' in html
    table_only = client.get(f"/queries/{name}?view=table").get_data(as_text=True)
    assert '<svg class="picture' not in table_only and '<table class="results' in table_only


def test_case_page_maps_every_place_of_its_events_and_signings(app_with):
    """oslo-back-channel.ttl: events at Borregaard, Jerusalem, London, Madrid, Oslo, Tel Aviv, Tunis and
    Washington, and the declaration signed at Washington: eight places, each one marker."""
    html = app_with().test_client().get("/id/case/oslo-back-channel").get_data(as_text=True)
    section = html.split('<section id="places">', 1)[1].split("</section>", 1)[0]
    assert section.count('class="marker"') == 8
    for slug in ("borregaard-manor-sarpsborg", "jerusalem", "london", "madrid", "oslo", "tel-aviv", "tunis", "washington-dc"):
        assert f'href="/id/place/{slug}"' in section


def test_accord_page_draws_what_is_upstream_as_a_network(app_with):
    """The accord page's section runs the saved query upstream-of-accord, and draws its network."""
    html = app_with().test_client().get("/id/accord/oslo-i-declaration-of-principles").get_data(as_text=True)
    section = html.split('<section id="accord-upstream">', 1)[1].split("</section>", 1)[0]
    assert '<svg class="picture graph"' in section and '<table class="results">' in section
    assert 'href="/id/bridge/draft-dop-to-officials"' in section



def test_place_and_actor_pages_draw_their_pictures(app_with):
    """A place page maps the place; an actor page draws its crossings as a network:
    oslo-back-channel.ttl, Hirschfeld took part in the back channel and then in the official talks."""
    client = app_with().test_client()
    oslo = client.get("/id/place/oslo").get_data(as_text=True)
    section = oslo.split('<section id="place-map">', 1)[1].split("</section>", 1)[0]
    assert section.count('class="marker"') == 1 and 'href="/id/place/oslo"' in section
    person = client.get("/id/person/yair-hirschfeld").get_data(as_text=True)
    crossings = person.split('<section id="actor-crossings">', 1)[1].split("</section>", 1)[0]
    assert '<svg class="picture graph"' in crossings
    assert 'href="/id/process/oslo-back-channel"' in crossings and 'href="/id/process/oslo-official-negotiations"' in crossings


def test_a_section_with_an_impossible_picture_is_refused(tmp_path):
    from tracktwo.queries import QueryFileError, load_query
    bad = tmp_path / "bad-section.rq"
    bad.write_text("#+ title: A map without coordinates\n#+ kinds: [place]\n#+ view: map\n#+ encode: {label: r}\n\n"
                   "SELECT ?r WHERE { ?r ?p ?o }\n")
    with pytest.raises(QueryFileError) as err:
        load_query(bad, kind="section")
    assert "a map view needs the column(s) for lat, long" in str(err.value) and err.value.line == 4
