"""Saved queries: loading, parameters, injection, and the answers worked out from the case files."""

import pytest
from conftest import FIXTURES, REPO, run_cli
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from tracktwo.errors import TrackTwoError
from tracktwo.namespaces import PREFIXES, sparql_prologue
from saved import NEEDS, REGISTRY, normalised
from tracktwo.queries import ParameterError, QueryFileError, Registry, load_query

ID = lambda kind, slug: URIRef(PREFIXES[kind] + slug)


@pytest.fixture(scope="module")
def repo(embedded_repo):
    return embedded_repo


def run(repo, name, **params):
    return REGISTRY.get(name).run(repo, {k: str(v) for k, v in params.items()}).rows


def test_registry_loads_every_query_with_its_decorators():
    assert REGISTRY.errors == []
    assert len(REGISTRY.queries) >= 15
    for q in REGISTRY.queries.values():
        assert q.summary and q.description and q.tags and q.view, q.name


@pytest.mark.parametrize("name", sorted(REGISTRY.queries))
def test_every_query_runs_and_returns_rows(repo, name):
    assert run(repo, name, **NEEDS.get(name, {}))


@pytest.mark.parametrize("name", sorted(REGISTRY.queries))
def test_same_answers_on_oxigraph_and_rdflib(saved_answers, name):
    assert normalised(saved_answers(name, "oxigraph")) == normalised(saved_answers(name, "rdflib"))


# --- answers worked out by hand from the case files --------------------------------------------

def _pair(rows, bridge, accord):
    [row] = [r for r in rows if r["bridge"] == ID("bridge", bridge) and r["accord"] == ID("accord", accord)]
    return row


def _months(row):
    return row["minMonths"].toPython(), row["maxMonths"].toPython()


def test_oslo_draft_preceded_the_declaration_by_three_to_four_months(repo):
    # cases/oslo-back-channel.ttl: bridge:draft-dop-to-officials is dated May 1993 (t2:Month, so
    # 1993-05-01 … 1993-05-31) and contributed to the Declaration of Principles, signed 13 September
    # 1993 (t2:Day). Least: 31 May → 13 Sep = (9 − 5) − 1 (13 < 31) = 3; most: 1 May → 13 Sep = 4.
    rows = run(repo, "bridge-types-before-accords")
    row = _pair(rows, "draft-dop-to-officials", "oslo-i-declaration-of-principles")
    assert _months(row) == (3, 4)
    assert (str(row["relation"]), str(row["order"])) == ("claimed", "before")
    assert "draft text or non-paper handed to officials" in str(row["bridgeTypes"])
    assert "The Oslo back channel" in str(row["cases"])


def test_inter_tajik_bridge_known_to_the_year_overlaps_the_1997_accord(repo):
    # cases/inter-tajik-dialogue.ttl:631-639: bridge:itd-members-join-cnr is dated "1997-01-01" with
    # t2:Year (so 1997-01-01 … 1997-12-31; its description places it after the accord) and claims
    # accord:tajikistan-general-agreement-1997, signed 27 June 1997 (t2:Day, line 549).
    # Least: 31 Dec 1997 → 27 Jun 1997 = (6 − 12) − 1 (27 < 31) = −7;
    # most: 1 Jan 1997 → 27 Jun 1997 = (6 − 1) − 0 = 5. The bridge's latest day is not before the
    # signing, so the dates do not settle the order: "overlaps" (the old query said 5 months before).
    rows = run(repo, "bridge-types-before-accords")
    row = _pair(rows, "itd-members-join-cnr", "tajikistan-general-agreement-1997")
    assert (str(row["relation"]), str(row["order"])) == ("claimed", "overlaps")
    assert _months(row) == (-7, 5)
    assert row["precision"] == URIRef("https://w3id.org/tracktwo/ontology#Year")
    assert (row["bridgeEarliest"], row["bridgeLatest"]) == (Literal("1997-01-01", datatype=XSD.date),
                                                            Literal("1997-12-31", datatype=XSD.date))


def test_aceh_bridge_known_to_the_day_is_wholly_before_its_accord(repo):
    # cases/aceh-hd-centre-dialogue.ttl: bridge:exploratory-contact-to-formal-talks is dated
    # 27 January 2000 (t2:Day) and claims the humanitarian pause, signed 12 May 2000 (t2:Day, the
    # preferred value). 27 Jan → 12 May = (5 − 1) − 1 (12 < 27) = 3 whole months, least and most.
    rows = run(repo, "bridge-types-before-accords")
    row = _pair(rows, "exploratory-contact-to-formal-talks", "aceh-humanitarian-pause-2000")
    assert (str(row["relation"]), str(row["order"])) == ("claimed", "before")
    assert _months(row) == (3, 3)


def test_bridge_types_before_accords_lists_each_pair_once_and_keeps_relations_apart(repo):
    rows = run(repo, "bridge-types-before-accords")
    pairs = [(r["bridge"], r["accord"]) for r in rows]
    assert len(pairs) == len(set(pairs))
    assert {str(r["relation"]) for r in rows} == {"claimed", "later accord of the target process"}
    for r in rows:
        low, high = _months(r)
        assert low <= high
        # an accord the bridge does not claim is listed only when the bridge is wholly before it
        if str(r["relation"]) != "claimed":
            assert str(r["order"]) == "before"
        if str(r["order"]) == "before":
            assert r["bridgeLatest"].toPython() < r["signedEarliest"].toPython() and low >= 0
        else:
            assert str(r["order"]) in {"same day", "overlaps", "after"}
    # ITD memoranda to negotiators has two bridge types, and two cases cover its initiative: one row
    # per accord, both types and both cases named in it
    memoranda = [r for r in rows if r["bridge"] == ID("bridge", "itd-memoranda-to-negotiators")]
    assert memoranda and all(", " in str(r["bridgeTypes"]) and ", " in str(r["cases"]) for r in memoranda)


def test_bridge_types_by_region_keeps_only_that_region(repo):
    # two cases are coded Central Asia: the Inter-Tajik Dialogue and the Pugwash–Afghanistan case
    # (pugwash-afghanistan-dialogues.ttl: South Asia and Central Asia); only their bridges are listed
    rows = run(repo, "bridge-types-before-accords", region="region:central-asia")
    assert rows and all(str(r["bridge"]).startswith(ID("bridge", "itd-")) or "stanikzai" in str(r["bridge"])
                        or "pugwash" in str(r["bridge"]) for r in rows)
    assert all("Inter-Tajik Dialogue" in str(r["cases"]) or "Pugwash meetings with the Taliban" in str(r["cases"])
               for r in rows)
    assert any("Inter-Tajik Dialogue" in str(r["cases"]) for r in rows)


def test_day_bounds_by_precision():
    from datetime import date

    from tracktwo.bounds import day_bounds
    from tracktwo.namespaces import T2
    assert day_bounds(date(1993, 9, 13), T2.Day) == (date(1993, 9, 13), date(1993, 9, 13))
    assert day_bounds(date(1993, 5, 1), T2.Month) == (date(1993, 5, 1), date(1993, 5, 31))
    assert day_bounds(date(2000, 2, 1), T2.Month) == (date(2000, 2, 1), date(2000, 2, 29))  # leap year
    assert day_bounds(date(1900, 2, 1), T2.Month) == (date(1900, 2, 1), date(1900, 2, 28))  # not a leap year
    assert day_bounds(date(1997, 1, 1), T2.Year) == (date(1997, 1, 1), date(1997, 12, 31))
    assert day_bounds(date(1997, 1, 1), URIRef("https://example.org/decade")) is None


def test_the_build_derives_bounds_for_month_precise_dates(repo):
    # cases/aceh-helsinki-cmi.ttl:115-120: event:husain-christensen-meet-ahtisaari-2004 is dated
    # February 2004 (t2:Month); 2004 is a leap year, so it runs from 1 to 29 February.
    # cases/inter-tajik-dialogue.ttl: bridge:itd-memoranda-to-negotiators is dated March 1994 (t2:Month).
    # The accord of 27 June 1997 is known to the day: both of its signing bounds are that day.
    d = lambda text: Literal(text, datatype=XSD.date)
    t2 = "https://w3id.org/tracktwo/ontology#"
    for subject, earliest, latest, first, last in [
            (ID("event", "husain-christensen-meet-ahtisaari-2004"), "dateEarliest", "dateLatest", "2004-02-01", "2004-02-29"),
            (ID("bridge", "itd-memoranda-to-negotiators"), "dateEarliest", "dateLatest", "1994-03-01", "1994-03-31"),
            (ID("accord", "tajikistan-general-agreement-1997"), "signedEarliest", "signedLatest", "1997-06-27", "1997-06-27")]:
        rows = repo.select(f"SELECT ?e ?l WHERE {{ <{subject}> <{t2}{earliest}> ?e ; <{t2}{latest}> ?l }}")
        assert [(r["e"], r["l"]) for r in rows] == [(d(first), d(last))], subject


def test_bridges_and_accords_lists_the_channel_upgrade(repo):
    rows = run(repo, "bridges-and-accords")
    assert any(r["bridge"] == ID("bridge", "oslo-channel-upgraded")
               and r.get("signedOn") == Literal("1993-09-13", datatype=XSD.date) for r in rows)


def test_oslo_timeline_starts_at_madrid_and_has_every_event(repo):
    # The case covers three processes; grep counts 21 events in them, the earliest the Madrid
    # conference's opening on 30 October 1991.
    rows = run(repo, "case-timeline", case="oslo-back-channel")
    assert len(rows) == 21
    assert rows[0]["event"] == ID("event", "madrid-conference-opening-1991")
    assert rows[0]["kindLabel"] == Literal("Official process", lang="en")
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)


def test_hirschfeld_crossed_from_the_back_channel_into_the_official_talks(repo):
    rows = run(repo, "track-crossers")
    assert any(r["person"] == ID("person", "yair-hirschfeld") and r["initiative"] == ID("process", "oslo-back-channel")
               and r["official"] == ID("process", "oslo-official-negotiations") for r in rows)


def _crossing(rows, person, initiative, official):
    [row] = [r for r in rows if (r["person"], r["initiative"], r["official"])
             == (ID("person", person), ID("process", initiative), official)]
    return row


def test_track_crossers_are_ordered_by_dated_participations_with_the_lag(repo):
    rows = run(repo, "track-crossers")
    # cases/oslo-back-channel.ttl:425-428: Qurei at event:london-hirschfeld-qurei-1992 (in the back
    # channel, dated 4 December 1992, t2:Day, line 127); :550-553: Qurei initials at
    # event:initialling-oslo-1993 (in the official negotiations, 20 August 1993, t2:Day, line 208).
    # 4 Dec 1992 → 20 Aug 1993 = (1993 − 1992) × 12 + 8 − 12 = 8 (20 ≥ 4, nothing taken off).
    row = _crossing(rows, "ahmed-qurei", "oslo-back-channel", ID("process", "oslo-official-negotiations"))
    assert (str(row["order"]), row["lagMonths"].toPython()) == ("unofficial first", 8)
    assert row["unofficialEarliest"] == Literal("1992-12-04", datatype=XSD.date)
    assert row["officialEarliest"] == Literal("1993-08-20", datatype=XSD.date)
    assert {"negotiator", "head of delegation"} <= set(str(row["officialRoles"]).split(", "))
    # cases/schlaining-process.ttl:446-451 and :193-198: Khaindrava heads the Georgian delegation at
    # the Coordinating Council reconvened on 15 May 2006 (t2:Day), after the Schlaining meeting of
    # 31 July 2005 (:174-179, :353-358): (2006 − 2005) × 12 + 5 − 7 − 1 (15 < 31) = 9.
    row = _crossing(rows, "giorgi-khaindrava", "schlaining-process", ID("process", "un-georgian-abkhaz-peace-process"))
    assert (str(row["order"]), row["lagMonths"].toPython()) == ("unofficial first", 9)
    # a participation dated after the official one comes out "official first", with a negative lag
    assert all(r["lagMonths"].toPython() < 0 for r in rows if str(r["order"]) == "official first")
    assert all("lagMonths" not in r for r in rows if str(r["order"]) == "undated")
    # Hirschfeld is in the official negotiations, but at no dated event of them: undated, not guessed
    row = _crossing(rows, "yair-hirschfeld", "oslo-back-channel", ID("process", "oslo-official-negotiations"))
    assert str(row["order"]) == "undated" and "officialEarliest" not in row


def test_track_crossers_give_each_crossing_once(repo):
    rows = run(repo, "track-crossers")
    keys = [(r["person"], r["initiative"], r["official"]) for r in rows]
    assert len(keys) == len(set(keys))


def test_track_crossers_include_people_who_only_attended_an_initiatives_events(repo):
    # cases/schlaining-process.ttl:353-358: Khaindrava's only part in the Schlaining process is
    # event:schlaining-15th-meeting-vienna-2005 (no participation in process:schlaining-process itself).
    rows = run(repo, "track-crossers")
    assert any(r["person"] == ID("person", "giorgi-khaindrava") and r["initiative"] == ID("process", "schlaining-process")
               for r in rows)


def test_participations_are_dated_only_by_attended_events(repo):
    t2 = "https://w3id.org/tracktwo/ontology#"
    d = lambda text: Literal(text, datatype=XSD.date)

    def bounds(slug):
        return [(r["e"], r["l"]) for r in repo.select(
            f"SELECT ?e ?l WHERE {{ <{ID('participation', slug)}> <{t2}participationEarliest> ?e ; "
            f"<{t2}participationLatest> ?l }}")]
    # cases/inter-tajik-dialogue.ttl:354-361: Saunders in process:dartmouth-conference (which began in
    # October 1960, line 62), at no event of it: no bounds, not 1960.
    assert bounds("harold-saunders--dartmouth-conference") == []
    # a participation in an event: the event's day (oslo-back-channel.ttl:127, 4 December 1992)
    assert bounds("ahmed-qurei--london-hirschfeld-qurei-1992") == [(d("1992-12-04"), d("1992-12-04"))]
    # a participation in a process: the span of the events of it he attended (the initialling,
    # 20 August 1993, is his only dated event of the official negotiations)
    assert bounds("ahmed-qurei--oslo-official-negotiations") == [(d("1993-08-20"), d("1993-08-20"))]


def test_participation_bounds_on_a_tiny_graph():
    from rdflib import Graph, Namespace
    from rdflib.namespace import RDF

    from tracktwo.bounds import derive_participation_bounds
    from tracktwo.namespaces import T2
    x = Namespace("https://example.org/")
    d = lambda text: Literal(text, datatype=XSD.date)
    g = Graph()
    g.add((x.process, RDF.type, T2.Initiative))
    g.add((x.process, T2.startDate, d("1960-10-01")))
    g.add((x.process, T2.startDatePrecision, T2.Month))
    for event, day, precision in [(x.e1, "1990-05-01", T2.Month), (x.e2, "1991-01-01", T2.Year)]:
        g.add((event, RDF.type, T2.Event))
        g.add((event, T2.inProcess, x.process))
        g.add((event, T2.date, d(day)))
        g.add((event, T2.datePrecision, precision))
    g.add((x.e1, T2.endDate, d("1990-06-03")))  # a multi-day event: to the end date's latest day
    g.add((x.e1, T2.endDatePrecision, T2.Day))
    for part, actor, target in [(x.pa1, x.a, x.e1), (x.pa2, x.a, x.e2), (x.pa3, x.a, x.process),
                                (x.pb1, x.b, x.process), (x.pc1, x.c, x.e2), (x.pc2, x.c, x.process)]:
        g.add((part, RDF.type, T2.Participation))
        g.add((part, T2.participant, actor))
        g.add((part, T2.participationIn, target))
    got = {}
    for s, p, o in derive_participation_bounds([g]):
        got.setdefault(s, {})[p] = str(o)
    E, L = T2.participationEarliest, T2.participationLatest
    assert got[x.pa1] == {E: "1990-05-01", L: "1990-06-03"}
    assert got[x.pa2] == {E: "1991-01-01", L: "1991-12-31"}
    assert got[x.pa3] == {E: "1990-05-01", L: "1991-12-31"}  # the span of a's two events
    assert got[x.pc2] == {E: "1991-01-01", L: "1991-12-31"}  # only the event c attended
    assert x.pb1 not in got  # b attended no event: never the process's own start (1960)
    assert set(got) == {x.pa1, x.pa2, x.pa3, x.pc1, x.pc2}


def test_conveners_include_fafo_and_the_dartmouth_task_force(repo):
    rows = {(r["actor"], r["role"], r["case"]) for r in run(repo, "conveners-funders-hosts")}
    assert (ID("organization", "fafo"), ID("role", "convener"), ID("case", "oslo-back-channel")) in rows
    # inter-tajik-dialogue.ttl: participation:rctf--inter-tajik-dialogue, role convener
    assert (ID("organization", "dartmouth-conference-regional-conflicts-task-force"), ID("role", "convener"),
            ID("case", "inter-tajik-dialogue")) in rows


def test_mechanisms_by_the_coded_outcome_with_the_size_of_each_group(repo):
    rows = run(repo, "mechanisms-by-outcome")
    groups = [r for r in rows if r["mechanism"] == ID("mechanism", "personal-dialogue-group")]
    # living-room-dialogue.ttl: the case is coded "channel kept open" and is a personal dialogue group
    assert any(r["outcome"] == ID("outcome", "channel-sustained") and "Living Room" in str(r["caseNames"]) for r in groups)
    assert not any(r["outcome"] == ID("outcome", "accord-reached") and "Living Room" in str(r["caseNames"]) for r in groups)
    # the case files code 20 cases "accord reached" (the Inter-Tajik Dialogue among them, with
    # "channel kept open" too): Inter-Tajik, Mozambique, East Timor, Clonard, Guatemala, Oslo,
    # Carter/Pyongyang, the Bangsamoro, Sierra Leone, Bougainville, Colombia, Liberia, Nepal,
    # US-Iran, Helsinki/Aceh, Kenya, El Salvador, Sudan (with "partial agreement"), Peru–Ecuador
    # (with "channel kept open") and South Africa's National Peace Accord; every row of that group says n = 20
    reached = [r for r in rows if r["outcome"] == ID("outcome", "accord-reached")]
    assert reached and {int(r["casesWithOutcome"]) for r in reached} == {20}
    assert all(int(r["cases"]) <= int(r["casesWithOutcome"]) for r in rows)


def test_oslo_first_meeting_to_declaration_is_sixteen_to_seventeen_months(repo):
    # The back channel's earliest event is the Beilin–Rød-Larsen meeting of April 1992 (t2:Month:
    # 1 … 30 April); the Declaration was signed on 13 September 1993 (t2:Day). Least: 30 Apr 1992 →
    # 13 Sep 1993 = 12 + (9 − 4) − 1 (13 < 30) = 16; most: 1 Apr 1992 → 13 Sep 1993 = 17.
    rows = run(repo, "first-meeting-to-accord")
    [row] = [r for r in rows if r["accord"] == ID("accord", "oslo-i-declaration-of-principles")]
    assert row["firstMeeting"] == Literal("1992-04-01", datatype=XSD.date)
    assert (row["firstEarliest"], row["firstLatest"]) == (Literal("1992-04-01", datatype=XSD.date),
                                                          Literal("1992-04-30", datatype=XSD.date))
    assert (int(row["minMonths"]), int(row["maxMonths"])) == (16, 17)


def test_oslo_was_a_third_country_and_neemrana_was_not(repo):
    rows = run(repo, "meeting-places")
    oslo = [r for r in rows if r["place"] == ID("place", "oslo")]
    neemrana = [r for r in rows if r["place"] == ID("place", "neemrana")]
    assert oslo and all(r["thirdCountry"].toPython() is True for r in oslo)
    assert neemrana and all(r["thirdCountry"].toPython() is False for r in neemrana)


def test_neemrana_began_before_any_official_process_on_its_conflict(repo):
    # The earliest India–Pakistan official process in the data starts in March 1997.
    rows = run(repo, "initiatives-without-official-talks")
    [row] = [r for r in rows if r["event"] == ID("event", "neemrana-first-meeting")]
    assert str(row["situation"]) == "no official talks running"


def test_aceh_contacts_of_2004_fell_while_official_talks_were_suspended(repo):
    # The case file: the GoI–GAM talks ended with martial law and the COHA suspended (19 May 2003),
    # and the next official event is the first Helsinki round (27 January 2005).
    rows = {r["event"]: str(r["situation"]) for r in run(repo, "initiatives-without-official-talks")}
    assert rows[ID("event", "husain-christensen-meet-ahtisaari-2004")] == "official talks suspended"
    assert rows[ID("event", "indian-ocean-tsunami-2004")] == "official talks suspended"
    # and an initiative event while official talks ran is not listed: the Oslo channel's first
    # round (January 1993) fell during the Madrid–Washington talks (from October 1991)
    assert ID("event", "first-norway-round-borregaard-1993") not in rows


def test_cases_filtered_by_region_and_decade(repo):
    rows = run(repo, "cases-by-track-region-decade", region="south-asia", decade=1990)
    assert ID("case", "neemrana-dialogue") in [r["case"] for r in rows]
    assert all(str(r["region"]).endswith("/south-asia") and int(r["decade"]) == 1990 for r in rows)
    assert ID("case", "oslo-back-channel") not in [r["case"] for r in rows]
    assert run(repo, "cases-by-track-region-decade", decade=1950) == []


def test_readings_for_the_inter_tajik_dialogue(repo):
    rows = run(repo, "readings", case="inter-tajik-dialogue")
    assert {ID("reading", "saunders-1999"), ID("reading", "slim-saunders-2001")} <= {r["reading"] for r in rows}
    advanced = run(repo, "readings", level="advanced", topic="mechanism:back-channel")
    assert {ID("reading", "waage-2005"), ID("reading", "wanis-st-john-2006")} <= {r["reading"] for r in advanced}
    assert all(str(r["level"]) == "advanced" for r in advanced)


def test_initialling_date_is_disputed_with_both_values(repo):
    rows = [r for r in run(repo, "disputed-facts") if r["resource"] == ID("event", "initialling-oslo-1993")]
    values = {(str(r["value"]), r["preferred"].toPython()) for r in rows}
    assert values == {("1993-08-20", True), ("1993-08-19", False)}


def test_data_quality_finds_no_case_without_outcome(repo):
    rows = run(repo, "data-quality")
    problems = {str(r["problem"]) for r in rows}
    assert "case without outcome" not in problems
    assert "citation without locator" in problems


def test_upstream_of_the_declaration(repo):
    rows = run(repo, "upstream-of-accord")
    items = {(str(r["kind"]), r["item"]) for r in rows}
    assert ("initiative", ID("process", "oslo-back-channel")) in items
    assert ("bridge", ID("bridge", "draft-dop-to-officials")) in items
    assert ("person who carried a bridge", ID("person", "yair-hirschfeld")) in items


def test_mediators_across_cases(repo):
    actors = {r["actor"] for r in run(repo, "actors-by-role", role="role:mediator")}
    assert {ID("person", "johan-jorgen-holst"), ID("person", "ramiro-piriz-ballon")} <= actors


def test_find_by_name_ignores_case(repo):
    rows = run(repo, "find-by-name", text="RØD-larsen")
    assert ID("person", "terje-rod-larsen") in {r["resource"] for r in rows}


# --- parameters ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name, params, words", [
    ("find-by-name", {}, "'text' is required"),
    ("cases-by-track-region-decade", {"decade": "nineties"}, "'decade'"),
    ("actors-by-role", {"role": "role:king"}, "not one of the allowed values"),
    ("case-timeline", {"case": "<http://a> } UNION { ?s ?p ?o"}, "'case'"),
    ("case-timeline", {"colour": "red"}, "no parameter 'colour'"),
])
def test_bad_parameters_are_named(repo, name, params, words):
    with pytest.raises(ParameterError, match=words.replace("(", r"\(")):
        REGISTRY.get(name).run(repo, params)


@pytest.mark.parametrize("value", ['x" } ; DROP ALL ; #', "<http://a> } UNION { ?s ?p ?o", "') || true || ('"])
def test_injection_cannot_change_what_the_query_does(repo, value):
    before = len(repo.select("SELECT * WHERE { ?s ?p ?o }"))
    assert run(repo, "find-by-name", text=value) == []   # no label contains the text: no rows, not all rows
    assert len(repo.select("SELECT * WHERE { ?s ?p ?o }")) == before


def test_cli_query_list_show_run(built):
    listing = run_cli("--root", built.root, "query", "list")
    assert listing.returncode == 0 and len(listing.stdout.splitlines()) >= 15
    shown = run_cli("--root", built.root, "query", "show", "actors-by-role")
    assert "parameter role (iri, optional): default role:facilitator" in shown.stdout
    ran = run_cli("--root", built.root, "query", "run", "case-timeline", "--param", "case=neemrana-dialogue", "--format", "csv")
    assert ran.returncode == 0 and "neemrana-first-meeting" in ran.stdout and "eventLabel" in ran.stdout.splitlines()[0]


def test_cli_bad_parameter_exits_non_zero(built):
    result = run_cli("--root", built.root, "query", "run", "actors-by-role", "--param", "role=role:king")
    assert result.returncode == 1 and "'role'" in result.stderr and "Traceback" not in result.stderr


# --- loading --------------------------------------------------------------------------------------

@pytest.mark.parametrize("fixture, words, line", [
    ("syntax-error.rq", "SPARQL syntax error", 6),
    ("unknown-parameter.rq", "names parameter 'year'", 2),
    ("unprojected-parameter.rq", "must be in the SELECT projection", 5),
    ("bad-view.rq", "view 'pie'", 2),
    ("map-without-coordinates.rq", "a map view needs the column(s) for lat, long", 3),
    ("bar-from-missing-column.rq", "draws value from ?n, which the query does not project", 3),
    ("web-unknown-parameter.rq", "`web` is a path on this site with the query's parameters in braces", 2),
])
def test_broken_query_files_are_reported_with_file_and_line(fixture, words, line):
    with pytest.raises(QueryFileError) as err:
        load_query(FIXTURES / "queries" / fixture)
    assert words in str(err.value) and fixture in str(err.value)
    assert err.value.line == line


def test_a_registry_with_broken_files_refuses_to_pretend(tmp_path):
    registry = Registry(FIXTURES / "queries")
    assert len(registry.errors) == 7
    with pytest.raises(TrackTwoError, match="broken query files"):
        registry.check()


def test_an_unknown_resource_is_named_not_answered_with_no_rows(repo, built):
    with pytest.raises(ParameterError, match="there is no case:no-such-case in the dataset"):
        REGISTRY.get("case-timeline").run(repo, {"case": "no-such-case"})
    result = run_cli("--root", built.root, "query", "run", "upstream-of-accord", "--param", "accord=accord:nothing")
    assert result.returncode == 1 and "there is no accord:nothing in the dataset" in result.stderr


def test_belfast_agreement_signatures_are_the_two_governments(repo):
    """clonard-monastery-channel.ttl: the British–Irish Agreement was signed for the two governments
    (Blair and Mowlam for the UK, Ahern and Andrews for Ireland); no party leader signed."""
    rows = run(repo, "signatures", accord=ID("accord", "good-friday-agreement"))
    got = sorted((str(r["signer"]).rsplit("/", 1)[1], str(r["onBehalfOf"]).rsplit("/", 1)[1]) for r in rows)
    assert got == [("bertie-ahern", "ireland"), ("david-andrews", "ireland"),
                   ("mo-mowlam", "united-kingdom"), ("tony-blair", "united-kingdom")]


def test_bridges_into_accords_outside_pax_typology(repo):
    """Accords of stage "other": the Partial Test Ban and ABM treaties (Pugwash), the ARF's
    preventive-diplomacy paper (CSCAP) and the JCPOA (US–Iran), each claimed by one bridge graded
    analyst-argument; the Manila declaration and the 2002 DOC (South China Sea) and the 2012
    India–Pakistan visa agreement (chaophraya-dialogue.ttl), each claimed by one bridge graded
    participant-testimony, and the certificates and registered-mail agreements of 1993
    (koo-wang-sef-arats-talks.ttl), both claimed by one bridge (the working-level drafts) graded
    participant-testimony: 3 + 2 contributions, 3 + 1 bridges, 3 + 2 accords."""
    rows = {(str(r["stageName"]), str(r["grade"]).rsplit("/", 1)[1]): r
            for r in run(repo, "bridges-by-accord-stage")}
    other = "other (outside PA-X's typology)"
    analyst, participants = rows[(other, "analyst-argument")], rows[(other, "participant-testimony")]
    assert (int(analyst["contributions"]), int(analyst["bridges"]), int(analyst["accords"])) == (4, 4, 4)
    assert (int(participants["contributions"]), int(participants["bridges"]), int(participants["accords"])) == (5, 4, 5)


def test_contributions_carry_their_own_grade_and_derive_contributed_to(repo):
    """oslo-back-channel.ttl: the channel upgrade claims the declaration and the recognition letters,
    one contribution each; the build derives t2:contributedTo for both."""
    rows = repo.select(sparql_prologue() + """SELECT ?accord ?grade WHERE {
        ?b t2:contribution ?c . ?c t2:toAccord ?accord ; t2:evidenceGrade ?grade . ?b t2:contributedTo ?accord }""",
                       {"b": ID("bridge", "oslo-channel-upgraded")})
    assert sorted(str(r["accord"]).rsplit("/", 1)[1] for r in rows) == [
        "israel-plo-letters-of-mutual-recognition", "oslo-i-declaration-of-principles"]


def test_disputed_facts_keep_resource_and_worded_values(repo):
    """0.2 keeps resource values (t2:claimedResource) and sources' words (t2:claimedWording) apart
    from literals; the disputes list must still show them. oslo-back-channel.ttl: Holst's role is
    disputed, mediator (preferred) against facilitator; neemrana-dialogue.ttl: the first meeting's
    place, Neemrana (preferred) against a 2004 report's "Neem Rana Fort, Haryana"."""
    rows = run(repo, "disputed-facts")
    holst = ID("participation", "johan-jorgen-holst--oslo-official-negotiations")
    roles = {(r["value"], r["preferred"].toPython()) for r in rows if r["resource"] == holst}
    assert roles == {(ID("role", "mediator"), True), (ID("role", "facilitator"), False)}
    assert any(str(r["value"]) == "Neem Rana Fort, Haryana" and not r["preferred"].toPython() for r in rows)


def test_bridge_types_summary_group_worked_out_by_hand(repo):
    """bougainville-burnham-lincoln-talks.ttl: the only joint proposal with a contribution graded
    primary-documents is the Burnham Declaration (18 July 1997, to the day), fed into the Lincoln
    Agreement (signed 23 January 1998, to the day): (1998 − 1997) × 12 + 1 − 7 = 6 whole months, the
    23rd not before the 18th, so least and most are both 6; one pair, one bridge, one case."""
    rows = run(repo, "bridge-types-summary")
    [group] = [r for r in rows if str(r["bridgeType"]) == "joint proposal or memorandum"
               and r["grade"] == ID("evidence", "primary-documents")]
    assert [int(group[k]) for k in ("pairs", "bridges", "cases", "leastMonths", "mostMonths")] == [1, 1, 1, 6, 6]


def test_third_party_kinds_counts_business_as_the_case_files_say(repo):
    """Worked out from the files: three organisations are typed track:multitrack-3 (Track Three:
    Business) in cases/shared/organizations.ttl. Consolidated Gold Fields is funder and host of
    process:mells-park-talks (an initiative, covered only by mells-park-talks.ttl); the Consultative
    Business Movement convenes process:sa-church-business-peace-initiative (covered only by
    south-africa-national-peace-accord.ttl); the South African Chamber of Business has no
    participation. So one organisation in one case for each of funder, host and convener."""
    rows = [r for r in run(repo, "third-party-kinds") if str(r["typeName"]) == "Track Three: Business"]
    found = {str(r["role"]).rsplit("/", 1)[1]: (int(r["organizations"]), int(r["cases"])) for r in rows}
    assert found == {"funder": (1, 1), "host": (1, 1), "convener": (1, 1)}
