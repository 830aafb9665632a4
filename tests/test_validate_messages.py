"""Bad data, clear words: `tracktwo validate` names the file and the line of the bad token, quotes
the bad value, exits non-zero and never prints a traceback (issue 13).

Each fixture in tests/fixtures/messages/ declares in `# expect-…:` header lines the kind of problem,
the line (counted by hand), the node and path where there is one, the text the message quotes, and a
part of the message. All of them are validated in one run of the real command line over the small
fixture world; the files that cannot carry a header (not UTF-8, empty, a directory …) are made here.
"""

import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, fixture_expectations, run_cli

MESSAGES = sorted((FIXTURES / "messages").glob("*.ttl"))


def lines_about(output: str, name: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(name + ":") or f"/{name}:" in line]


def no_traceback(result):
    everything = result.stdout + result.stderr
    assert "Traceback" not in everything
    assert 'File "' not in everything  # nor the frames of one
    assert "Failed to convert Literal" not in everything  # rdflib's log line


@pytest.fixture(scope="module")
def messages_run(mini_root):
    """One `tracktwo validate` over every message fixture (each is parsed and checked on its own)."""
    result = run_cli("--root", mini_root, "validate", *MESSAGES)
    return result


@pytest.fixture
def world(tmp_path, mini_root) -> Path:
    """A private copy of the fixture world, for tests that put odd things into cases/."""
    root = tmp_path / "world"
    shutil.copytree(mini_root, root, ignore=shutil.ignore_patterns("build"))
    return root


def test_the_run_fails_without_a_traceback(messages_run):
    assert messages_run.returncode == 1
    no_traceback(messages_run)
    assert f"{len(MESSAGES)} problem(s)" in messages_run.stderr


@pytest.mark.parametrize("fixture", MESSAGES, ids=lambda p: p.stem)
def test_fixture_is_reported_on_its_line_quoting_the_value(messages_run, fixture):
    expected = fixture_expectations(fixture)
    [line] = lines_about(messages_run.stdout, fixture.name)  # one problem, on one line
    where, kind, rest = line.split(": ", 2)
    assert where.endswith(f"{fixture.name}:{expected['line']}"), line
    assert kind == expected["kind"], line
    if "node" in expected:
        assert rest.startswith(expected["node"] + ": "), line
    assert expected["quote"] in rest, line
    assert expected["message"] in rest, line


def test_json_output_carries_kind_line_node_and_path(mini_root):
    fixture = FIXTURES / "messages" / "date-month-13.ttl"
    result = run_cli("--root", mini_root, "validate", "--format", "json", fixture)
    assert result.returncode == 1
    no_traceback(result)
    [problem] = json.loads(result.stdout)["problems"]
    assert problem["kind"] == "literal"
    assert problem["line"] == 12
    assert problem["node"] == "event:thirteenth-month"
    assert problem["path"] == "t2:date"
    assert '"1993-13-45"^^xsd:date' in problem["message"]


def test_not_utf8_names_the_line_and_the_byte(world):
    case = world / "cases" / "latin1.ttl"
    case.write_bytes(b'@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
                     b'@prefix event: <https://w3id.org/tracktwo/id/event/> .\n'
                     b'\n'
                     b'event:cafe rdfs:label "Caf\xe9 Europa"@en .\n')
    result = run_cli("--root", world, "validate", "--no-reason")
    assert result.returncode == 1
    no_traceback(result)
    [line] = lines_about(result.stdout, "cases/latin1.ttl")
    assert line.startswith("cases/latin1.ttl:4: syntax: not UTF-8 text: byte 0xe9"), line
    assert 'Caf\\xe9 Europa' in line


@pytest.mark.parametrize("content, message", [
    ("", "the file is empty"),
    ("# nothing but a comment\n@prefix t2: <https://w3id.org/tracktwo/ontology#> .\n", "no triples"),
], ids=["empty", "only-prefixes"])
def test_a_file_without_triples_is_a_problem(world, content, message):
    (world / "cases" / "blank.ttl").write_text(content)
    result = run_cli("--root", world, "validate", "--no-reason")
    assert result.returncode == 1
    no_traceback(result)
    [line] = lines_about(result.stdout, "cases/blank.ttl")
    assert line.startswith("cases/blank.ttl: file: ") and message in line, line


def test_a_directory_among_the_cases(world):
    (world / "cases" / "folder.ttl").mkdir()
    result = run_cli("--root", world, "validate", "--no-reason")
    assert result.returncode == 1
    no_traceback(result)
    assert "cases/folder.ttl: file: is a directory, not a Turtle file" in result.stdout


def test_a_directory_named_on_the_command_line(world):
    (world / "cases" / "folder.ttl").mkdir()
    result = run_cli("--root", world, "validate", "cases/folder.ttl")
    assert result.returncode == 1
    no_traceback(result)
    assert "cases/folder.ttl: is a directory, not a Turtle file" in result.stderr


def test_an_unreadable_file(world):
    # a broken link fails to open as an unreadable file does (the tests may run as root, who reads anything)
    (world / "cases" / "gone.ttl").symlink_to(world / "nowhere.ttl")
    result = run_cli("--root", world, "validate", "--no-reason")
    assert result.returncode == 1
    no_traceback(result)
    [line] = lines_about(result.stdout, "cases/gone.ttl")
    assert line.startswith("cases/gone.ttl: file: cannot be read"), line


def test_the_old_syntax_fixture_now_quotes_the_string(mini_root):
    fixture = FIXTURES / "syntax" / "unterminated-string.ttl"
    result = run_cli("--root", mini_root, "validate", fixture)
    no_traceback(result)
    [line] = lines_about(result.stdout, fixture.name)
    assert ":5: syntax: " in line and '`"This label never ends .`' in line, line


def test_shacl_quotes_the_value_on_its_line(mini_root):
    """A date written as text passes the syntax and literal checks; SHACL rejects it, quoting it,
    on the line of the date (35), not of the event (34)."""
    fixture = FIXTURES / "shacl" / "date-as-string.ttl"
    result = run_cli("--root", mini_root, "validate", "--no-reason", FIXTURES / "mini" / "valid-case.ttl", fixture)
    assert result.returncode == 1
    no_traceback(result)
    lines = lines_about(result.stdout, fixture.name)
    assert lines and all(":35: shacl: event:string-date t2:date: " in x for x in lines), lines
    assert all('"October 1991"' in x for x in lines), lines
    assert any("must be a single xsd:date" in x for x in lines), lines


def test_a_bad_date_in_a_real_case_from_the_checkout_directory(tmp_path):
    """The reported case: a case file of the corpus with a month-13 date, validated by a relative
    name from the directory of another checkout: the copy under --root is the one checked."""
    root = tmp_path / "copy"
    shutil.copytree(REPO / "ontology", root / "ontology")
    shutil.copytree(REPO / "cases", root / "cases")
    case = root / "cases" / "oslo-back-channel.ttl"
    lines = case.read_text(encoding="utf-8").split("\n")
    number = next(i for i, x in enumerate(lines, start=1) if 't2:startDate "' in x and "^^xsd:date" in x)
    old = lines[number - 1].split('t2:startDate "', 1)[1].split('"', 1)[0]
    lines[number - 1] = lines[number - 1].replace(f'"{old}"', '"1993-13-45"', 1)
    case.write_text("\n".join(lines), encoding="utf-8")
    result = run_cli("--root", root, "validate", "cases/oslo-back-channel.ttl", cwd=REPO)
    assert result.returncode == 1
    no_traceback(result)
    [line] = result.stdout.splitlines()
    assert line.startswith(f"cases/oslo-back-channel.ttl:{number}: literal: "), line
    assert '"1993-13-45"^^xsd:date' in line and "month must be in 1..12" in line, line
    assert "t2:startDate" in line
