"""The case standard beyond validity (`tracktwo validate` gaps) and the `new-case` scaffold."""

import json
import shutil

from conftest import FIXTURES, REPO, run_cli


def world(tmp_path, mini_root, *cases):
    root = tmp_path / "root"
    shutil.copytree(mini_root, root, ignore=shutil.ignore_patterns("build"))
    for name, text in cases:
        (root / "cases" / name).write_text(text)
    return root


def test_validate_reports_what_a_valid_case_still_lacks(tmp_path, mini_root):
    # the fixture case: one dated event (with a locator and a place), one source, no lessons, two
    # participations, one bridge and one accord whose citations have no locator
    root = world(tmp_path, mini_root, ("example.ttl", (FIXTURES / "mini" / "valid-case.ttl").read_text()))
    result = run_cli("--root", root, "validate", "--no-reason")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if ": standard: " in line]
    assert all(line.startswith("cases/example.ttl: standard: Example case: ") for line in lines)
    said = " | ".join(lines)
    assert "1 dated event(s); the standard asks for at least 6" in said
    assert "1 distinct source(s) cited; the standard asks for at least 3" in said
    assert "no lessons" in said
    assert "2 participations, 1 bridges, 1 accords without a source locator" in said
    assert "without a place" not in said and "without a capacity" not in said
    assert "4 gap(s) against the case standard" in result.stdout

    as_json = json.loads(run_cli("--root", root, "validate", "--no-reason", "--format", "json").stdout)
    assert as_json["ok"] is True and len(as_json["gaps"]) == 4


def test_gaps_close_when_the_case_meets_the_standard(tmp_path, mini_root):
    text = (FIXTURES / "mini" / "valid-case.ttl").read_text().replace(
        't2:keySource source:fixture-book .', 't2:keySource source:fixture-book ; t2:lesson "A lesson."@en .')
    root = world(tmp_path, mini_root, ("example.ttl", text))
    said = run_cli("--root", root, "validate", "--no-reason").stdout
    assert "no lessons" not in said and "1 dated event(s)" in said


def test_validating_one_file_checks_it_against_all_the_others(tmp_path, mini_root):
    good = (FIXTURES / "mini" / "valid-case.ttl").read_text()
    broken = good.replace("case:example", "case:other").replace(' t2:summary "A fictional case used by the tests."@en ;', "")
    broken = broken.replace("process:example", "process:other").replace("event:example", "event:other")
    broken = broken.replace("participation:ann--", "participation:ann-other--").replace("accord:example", "accord:other")
    broken = broken.replace("bridge:example", "bridge:other").replace('"Example', '"Other')
    root = world(tmp_path, mini_root, ("example.ttl", good), ("other.ttl", broken))
    whole = run_cli("--root", root, "validate", "--no-reason")
    assert whole.returncode == 1 and "cases/other.ttl" in whole.stdout and "t2:summary" in whole.stdout
    one = run_cli("--root", root, "validate", "--no-reason", "cases/example.ttl")
    assert one.returncode == 0, one.stdout
    assert "cases/other.ttl" not in one.stdout


def test_new_case_scaffolds_a_file_that_validate_then_guides(tmp_path, mini_root):
    root = world(tmp_path, mini_root)
    made = run_cli("--root", root, "new-case", "sant-egidio-mozambique", "--title", "Sant'Egidio and Mozambique")
    assert made.returncode == 0, made.stderr
    path = root / "cases" / "sant-egidio-mozambique.ttl"
    text = path.read_text()
    assert 'case:sant-egidio-mozambique a t2:Case' in text and "Sant'Egidio and Mozambique" in text
    checked = run_cli("--root", root, "validate", "--no-reason", path)
    assert checked.returncode == 1
    for missing in ("t2:summary", "t2:aboutConflict", "t2:coversProcess", "t2:keySource"):
        assert f"case:sant-egidio-mozambique {missing}" in checked.stdout, missing
    again = run_cli("--root", root, "new-case", "sant-egidio-mozambique")
    assert again.returncode == 1 and "already exists" in again.stderr and path.read_text() == text


def test_new_case_refuses_a_bad_slug(tmp_path, mini_root):
    root = world(tmp_path, mini_root)
    result = run_cli("--root", root, "new-case", "Sant Egidio")
    assert result.returncode == 1 and "not a slug" in result.stderr and "Traceback" not in result.stderr
    assert not list((root / "cases").glob("*.ttl"))


def test_the_vocabulary_guide_says_what_the_vocabularies_say():
    """docs/vocabulary.md is generated (tracktwo vocabulary --write): every concept of every scheme,
    with the name to write; a new or changed concept without a regenerated guide fails here."""
    from tracktwo.load import Project
    from tracktwo.vocabulary import vocabulary_markdown
    project = Project.at(REPO)
    assert (REPO / "docs" / "vocabulary.md").read_text(encoding="utf-8") == vocabulary_markdown(project), \
        "run: tracktwo vocabulary --write"
    assert "| `role:facilitator` | facilitator |" in vocabulary_markdown(project)
