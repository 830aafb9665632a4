"""The tabular data package: CSV files whose columns the descriptor and the codebook describe from
the ontology, with rows that match the case files. Expected rows are worked out by hand from
cases/bougainville-burnham-lincoln-talks.ttl, not taken from the code under test."""

import csv
import json
import re

import pytest
from frictionless import Package
from rdflib import Graph

from conftest import REPO, run_cli
from tracktwo.build import dataset_path
from tracktwo.datapackage import build_table, model, write
from tracktwo.errors import TrackTwoError
from tracktwo.store import open_repository

ID = "https://w3id.org/tracktwo/id/"
T2 = "https://w3id.org/tracktwo/ontology#"


@pytest.fixture(scope="module")
def package(built, tmp_path_factory):
    """The package as a researcher makes it: the real command line on the built checkout."""
    out = tmp_path_factory.mktemp("dp") / "tracktwo-datapackage"
    result = run_cli("--root", built.root, "export", "--format", "datapackage", "-o", out)
    assert result.returncode == 0, result.stderr
    return out


def rows(package, name):
    with (package / f"{name}.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_data_package_describes_every_column_and_holds_the_rows(built, tmp_path):
    ontology = Graph()
    for path in built.ontology:
        ontology.parse(path, format="turtle")
    out = write(open_repository(dataset_path(built)), ontology, tmp_path / "dp")
    descriptor = json.loads((out / "datapackage.json").read_text())
    assert descriptor["version"] and descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    for resource in descriptor["resources"]:
        with (out / resource["path"]).open(encoding="utf-8") as f:
            header = next(csv.reader(f))
        assert header == [field["name"] for field in resource["schema"]["fields"]], resource["name"]
        assert all(field["description"] for field in resource["schema"]["fields"])
    # clonard-monastery-channel.ttl: the Belfast Agreement has four signatures, two per government
    with (out / "signatures.csv").open(encoding="utf-8") as f:
        belfast = [r for r in csv.DictReader(f) if r["accord"].endswith("/accord/good-friday-agreement")]
    assert sorted(r["onBehalfOf"].rsplit("/", 1)[1] for r in belfast) == ["ireland", "ireland", "united-kingdom", "united-kingdom"]
    signed_on = next(f for r in descriptor["resources"] if r["name"] == "accords" for f in r["schema"]["fields"]
                     if f["name"] == "signedOn")
    assert signed_on["type"] == "date" and "When an accord was signed" in signed_on["description"]
    assert "### signatures.csv" in (out / "codebook.md").read_text()


def test_the_package_validates_with_frictionless_keys_and_all(package):
    report = Package(str(package / "datapackage.json")).validate()
    problems = [(task.name, error.type, error.note) for task in report.tasks for error in task.errors]
    assert report.valid, (report.errors, problems[:10])
    descriptor = json.loads((package / "datapackage.json").read_text())
    by_name = {r["name"]: r["schema"] for r in descriptor["resources"]}
    assert {"citations", "disputed-values", "readings", "case-features", "bridge-accord"} <= set(by_name)
    assert by_name["bridge-accord"]["primaryKey"] == ["bridge", "accord"]
    assert {"fields": ["accord"], "reference": {"resource": "accords", "fields": ["accord"]}} \
        in by_name["bridge-accord"]["foreignKeys"]


def test_every_column_name_is_one_stata_can_read(package):
    """Stata takes at most 32 characters: one indicator column, for mechanism:confidentiality-ground-rules,
    had 33 (mech_confidentiality_ground_rules) and is cut to 32; no two columns may then agree."""
    descriptor = json.loads((package / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        names = [f["name"] for f in resource["schema"]["fields"]]
        assert all(len(n) <= 32 and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", n) for n in names), resource["name"]
        assert len(names) == len(set(names)), resource["name"]
    features = next(r for r in descriptor["resources"] if r["name"] == "case-features")["schema"]["fields"]
    [cut] = [f for f in features if f["name"] == "mech_confidentiality_ground_rule"]
    assert "mechanism/confidentiality-ground-rules" in cut["description"]


def test_a_column_name_too_long_for_stata_is_refused_by_name(built, tmp_path):
    table = tmp_path / "long.rq"
    table.write_text("#+ summary: Long names\n"
                     "SELECT ?case (1 AS ?a_column_name_far_too_long_for_stata) WHERE { ?case a "
                     "<https://w3id.org/tracktwo/ontology#Case> } ORDER BY ?case ?a_column_name_far_too_long_for_stata\n")
    with pytest.raises(TrackTwoError, match="long.rq: column names longer than 32 characters.*a_column_name_far_too_long_for_stata"):
        build_table(table, open_repository(dataset_path(built)), Graph())


def test_case_features_of_bougainville_as_counted_by_hand(package):
    [row] = [r for r in rows(package, "case-features") if r["case"] == ID + "case/bougainville-burnham-lincoln-talks"]
    # the case file: 15 `a t2:Event`, one of them eventtype:meeting (Burnham I opens); 3 `a t2:Bridge`; 7 `a t2:Accord`
    assert (row["events"], row["meetings"], row["bridges"], row["accords"]) == ("15", "1", "3", "7")
    # its processes start 1997-07-05 (Burnham I, to the day) and 1997-10-01; the last ends 2001-08-30, to the day
    assert (row["startEarliest"], row["startLatest"], row["endEarliest"], row["endLatest"]) == \
        ("1997-07-05", "1997-07-05", "2001-08-30", "2001-08-30")
    # whole months from 1997-07-05 to 2001-08-30: (2001 - 1997) * 12 + (8 - 7) = 49; day 30 >= 5, so none less
    assert (row["durationMinMonths"], row["durationMaxMonths"]) == ("49", "49")
    assert (row["outcome"], row["outcomeRank"]) == (ID + "outcome/accord-reached", "1")
    # tracks 1.5 (Burnham I) and 1; mechanisms of the three processes, and none of the others
    assert (row["track_track_1_5"], row["track_track_1"], row["track_track_2"]) == ("1", "1", "0")
    assert {k for k, v in row.items() if k.startswith("mech_") and v == "1"} == {
        "mech_facilitated_dialogue", "mech_listening_session", "mech_joint_memorandum",
        "mech_confidence_building_measure", "mech_sequencing"}
    assert row["region"] == ID + "region/east-asia" and row["aboutConflict"] == ID + "conflict/bougainville-conflict"
    assert row["ucdpId"] == ""  # cases/shared/conflicts.ttl records no UCDP id for it


def test_bridge_accord_rows_of_bougainville_with_lead_times_by_hand(package):
    mine = {(r["bridge"].rsplit("/", 1)[1], r["accord"].rsplit("/", 1)[1]): r for r in rows(package, "bridge-accord")
            if r["fromProcess"] == ID + "process/burnham-bougainville-leaders-talks"}
    # two bridges with contributions (3 + 2); the third, New Zealand hosting, claims none
    assert set(mine) == {
        ("burnham-declaration-to-official-negotiations", "burnham-truce-1997"),
        ("burnham-declaration-to-official-negotiations", "lincoln-agreement-1998"),
        ("burnham-declaration-to-official-negotiations", "bougainville-peace-agreement-2001"),
        ("burnham-signatories-sign-official-agreements", "lincoln-agreement-1998"),
        ("burnham-signatories-sign-official-agreements", "arawa-ceasefire-agreement-1998")}
    truce = mine["burnham-declaration-to-official-negotiations", "burnham-truce-1997"]
    # bridge 1997-07-18 (to the day), truce signed 1997-10-10 (to the day):
    # (1997 - 1997) * 12 + (10 - 7) = 3, less one as day 10 < day 18: 2 months, both bounds
    assert (truce["leadMinMonths"], truce["leadMaxMonths"]) == ("2", "2")
    assert truce["evidenceGrade"] == ID + "evidence-grade/analyst-argument"
    assert truce["accordStage"] == ID + "accord-stage/ceasefire" and truce["paxId"] == ""
    lincoln = mine["burnham-declaration-to-official-negotiations", "lincoln-agreement-1998"]
    # 1997-07-18 to 1998-01-23: (1998 - 1997) * 12 + (1 - 7) = 6; day 23 >= 18
    assert (lincoln["leadMinMonths"], lincoln["paxId"], lincoln["bridgeType"]) == ("6", "437", ID + "bridge-type/joint-proposal")
    assert {r["sharedProcess"] for r in mine.values()} == {"false"}
    # oslo-back-channel's processes are covered by two cases: its rows say so
    oslo = [r for r in rows(package, "bridge-accord") if r["fromProcess"] == ID + "process/oslo-back-channel"]
    assert oslo and {r["sharedProcess"] for r in oslo} == {"true"}


def test_citations_disputed_values_and_readings_hold_what_the_files_say(package):
    citations = rows(package, "citations")
    lincoln = ID + "accord/lincoln-agreement-1998"
    # `t2:citation [ t2:source source:pax-437-lincoln-agreement ; t2:supports t2:signedOn , t2:signature , t2:accordStage ]`
    assert {"subject": lincoln, "contributionTo": "", "claimOn": "", "claimValue": "",
            "source": ID + "source/pax-437-lincoln-agreement", "locator": "",
            "supports": f"{T2}accordStage; {T2}signature; {T2}signedOn"} in citations
    # the rejected claim (23 January 1996) cites the UN letter, Annex, p. 2
    assert {"subject": lincoln, "contributionTo": "", "claimOn": T2 + "signedOn", "claimValue": "1996-01-23",
            "source": ID + "source/un-s-1998-287", "locator": "Annex, p. 2", "supports": ""} in citations
    disputed = [r for r in rows(package, "disputed-values") if r["subject"] == lincoln]
    assert sorted((r["value"], r["preferred"]) for r in disputed) == [("1996-01-23", "false"), ("1998-01-23", "true")]
    assert next(r for r in disputed if r["preferred"] == "true")["sources"] == "; ".join(sorted(
        ID + "source/" + s for s in ("pax-437-lincoln-agreement", "lincoln-agreement-1998-text-afp", "wolfers-2002-joint-creation")))
    readings_file = (REPO / "cases" / "shared" / "readings.ttl").read_text(encoding="utf-8")
    assert len(rows(package, "readings")) == len(re.findall(r"\ba t2:Reading\b", readings_file))


def test_a_table_whose_order_is_not_total_is_refused_by_name(built, tmp_path):
    ontology, _ = model(built)
    path = tmp_path / "loose.rq"
    path.write_text("#+ summary: cases, ordered by one of two columns\nPREFIX t2: <https://w3id.org/tracktwo/ontology#>\n"
                    "SELECT ?case ?aboutConflict WHERE { ?case t2:aboutConflict ?aboutConflict } ORDER BY ?case\n")
    with pytest.raises(TrackTwoError, match=r"ORDER BY must name every column.*\?aboutConflict"):
        build_table(path, open_repository(dataset_path(built)), ontology)
