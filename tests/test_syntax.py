"""A Turtle syntax error is reported as file:line and the parser's message."""

from conftest import FIXTURES, run_cli

from tracktwo.load import Project
from tracktwo.validate import validate

BAD = FIXTURES / "syntax" / "unterminated-string.ttl"


def test_syntax_error_names_file_and_line(mini_root):
    report = validate(Project.at(mini_root, [BAD]))
    assert not report.ok
    [problem] = report.problems
    assert problem.kind == "syntax"
    assert problem.file.endswith("unterminated-string.ttl")
    assert problem.line == 5
    assert "string" in problem.message


def test_cli_reports_syntax_error_without_traceback(mini_root):
    result = run_cli("--root", mini_root, "validate", BAD)
    assert result.returncode == 1
    assert "unterminated-string.ttl:5: syntax:" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_not_a_checkout_is_a_clear_error(tmp_path):
    result = run_cli("--root", tmp_path, "validate")
    assert result.returncode == 1
    assert "not a tracktwo checkout" in result.stderr
    assert "Traceback" not in result.stderr
