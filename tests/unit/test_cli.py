"""The iamsim command: check runs case files as a test suite, simulate explains one case."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from iamsim.cli import main

from .helpers import ALICE, allow

CASE: dict[str, Any] = {
    "id": "read",
    "policies": {"identity": [allow("s3:GetObject")]},
    "request": {
        "principal": ALICE,
        "action": "s3:GetObject",
        "resource": "arn:aws:s3:::bucket/key",
        "resource_account": "111122223333",
    },
    "expect": "Allowed",
}


def write(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def test_check_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        tmp_path,
        "a.json",
        [
            CASE,
            {
                **CASE,
                "id": "write",
                "expect": "implicitDeny",
                "request": {**CASE["request"], "action": "s3:PutObject"},
            },
        ],
    )
    assert main(["check", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip().endswith("2 passed, 0 failed")


def test_check_reports_a_miss_with_its_explanation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "miss.json", {**CASE, "expect": "explicitDeny", "why": "should be denied"})
    assert main(["check", str(tmp_path / "miss.json")]) == 1
    out = capsys.readouterr().out
    assert "MISS" in out
    assert "expected explicitDeny, got allowed" in out
    assert "should be denied" in out
    assert "Allow statement 0 in identity policy 0" in out


def test_check_reads_yaml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    yaml_text = """
- id: yaml-case
  policies:
    identity:
      - Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Action: "s3:*", Resource: "*"}
  request:
    principal: arn:aws:iam::111122223333:user/alice
    action: s3:GetObject
    resource: arn:aws:s3:::bucket/key
  expect: allowed
"""
    write(tmp_path, "cases.yaml", yaml_text)
    assert main(["check", str(tmp_path)]) == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.json", "{not json", "bad.json: not valid JSON"),
        ("bad.yaml", "a: [unclosed", "bad.yaml: not valid YAML"),
        ("scalar.json", "42", "expected a case object"),
    ],
)
def test_bad_files_get_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str, message: str
) -> None:
    write(tmp_path, name, content)
    assert main(["check", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1


def test_malformed_policy_in_a_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = {
        **CASE,
        "policies": {
            "identity": [
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "s3:*",
                            "Resource": "*",
                            "Condition": {"StringEqulas": {"a": "b"}},
                        }
                    ],
                }
            ]
        },
    }
    write(tmp_path, "broken.json", broken)
    assert main(["check", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "broken.json:read" in err
    assert "Statement[0].Condition.StringEqulas" in err


def test_case_without_expect_cannot_be_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "open.json", {k: v for k, v in CASE.items() if k != "expect"})
    assert main(["check", str(tmp_path)]) == 2
    assert "no `expect`" in capsys.readouterr().err


def test_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "nope")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_simulate_prints_the_explanation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "one.json", CASE)
    assert main(["simulate", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("allowed: s3:GetObject on arn:aws:s3:::bucket/key")


def test_simulate_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "one.json", CASE)
    assert main(["simulate", "--format", "json", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["EvalDecision"] == "allowed"


def test_check_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "a.json", CASE)
    assert main(["check", "--format", "json", str(tmp_path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["passed"], report["failed"]) == (1, 0)


def test_unknown_keys_in_a_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "typo.json", {**CASE, "polices": {}})
    assert main(["check", str(tmp_path)]) == 2
    assert "unknown key(s) 'polices'" in capsys.readouterr().err


def test_expect_must_be_an_outcome(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "bad.json", {**CASE, "expect": "maybe"})
    assert main(["check", str(tmp_path)]) == 2
    assert "expect:" in capsys.readouterr().err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from iamsim.cli import check

    write(tmp_path, "miss.json", {**CASE, "expect": "explicitDeny"})
    monkeypatch.delenv("NO_COLOR", raising=False)
    plain, terminal = io.StringIO(), _Terminal()
    check([str(tmp_path)], "text", plain, io.StringIO())
    check([str(tmp_path)], "text", terminal, io.StringIO())
    assert "\033[" not in plain.getvalue()
    assert "\033[31;1mMISS\033[0m" in terminal.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    quiet = _Terminal()
    check([str(tmp_path)], "text", quiet, io.StringIO())
    assert "\033[" not in quiet.getvalue()


def test_progress_on_long_runs_on_a_terminal(tmp_path: Path) -> None:
    from iamsim.cli import check

    write(tmp_path, "many.json", [{**CASE, "id": f"c{i}"} for i in range(1000)])
    err = _Terminal()
    assert check([str(tmp_path)], "text", io.StringIO(), err) == 0
    assert "... 500/1000 cases" in err.getvalue()
    quiet = io.StringIO()
    check([str(tmp_path)], "text", io.StringIO(), quiet)
    assert quiet.getvalue() == ""


def test_help_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--help"], ["check", "--help"], ["simulate", "--help"]):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 0
    assert "exit codes" in capsys.readouterr().out
