"""The `iamsim lint` command: output formats and exit codes."""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from iamsim.lint import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, add_lint_command, lint, main

CLEAN = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}'
BROKEN = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}
  ]
}
"""
RISKY = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}'
TRUST = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}]}'


def run(
    paths: list[Path], policy_type: str = "identity", fmt: str = "text", **kw: object
) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = lint([str(p) for p in paths], policy_type, fmt, out, err, **kw)  # type: ignore[arg-type]
    return code, out.getvalue(), err.getvalue()


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_clean_file_exits_0(tmp_path: Path) -> None:
    code, out, err = run([write(tmp_path, "ok.json", CLEAN)])
    assert code == EXIT_OK
    assert out == "iamsim lint: 1 file, 0 errors, 0 security warnings, 0 warnings, 0 suggestions\n"
    assert err == ""


def test_errors_print_file_line_column_and_exit_1(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.json", BROKEN)
    code, out, _ = run([path])
    assert code == EXIT_FINDINGS
    first = out.splitlines()[0]
    assert first.startswith(f"{path}:4:35: ERROR INVALID_ACTION ")
    assert re.fullmatch(
        r".+:\d+:\d+: (ERROR|SECURITY_WARNING|WARNING|SUGGESTION) [A-Z_]+ .+", first
    )
    assert out.splitlines()[-1].endswith("1 error, 0 security warnings, 0 warnings, 0 suggestions")


def test_security_warnings_fail_only_with_strict(tmp_path: Path) -> None:
    path = write(tmp_path, "risky.json", RISKY)
    code, out, _ = run([path])
    assert code == EXIT_OK
    assert "SECURITY_WARNING PASS_ROLE_WITH_STAR_IN_RESOURCE" in out
    assert run([path], strict=True)[0] == EXIT_FINDINGS


def test_unreadable_files_exit_2(tmp_path: Path) -> None:
    ok = write(tmp_path, "ok.json", CLEAN)
    code, _, err = run([ok, tmp_path / "missing.json"])
    assert code == EXIT_ERROR
    assert "missing.json: cannot read" in err
    latin = write(tmp_path, "latin.json", b'{"Sid": "\xe9"}')
    code, _, err = run([latin])
    assert code == EXIT_ERROR
    assert "latin.json: cannot read" in err


def test_unreadable_wins_over_findings(tmp_path: Path) -> None:
    code, _, _ = run([write(tmp_path, "bad.json", BROKEN), tmp_path / "missing.json"])
    assert code == EXIT_ERROR


def test_invalid_json_is_a_finding_not_an_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, "syntax.json", '{"Version": "2012-10-17",\n "Statement": [}\n')
    code, out, _ = run([path])
    assert code == EXIT_FINDINGS
    assert out.startswith(f"{path}:2:16: ERROR MALFORMED not valid JSON")


def test_directories_stand_for_their_json_files(tmp_path: Path) -> None:
    write(tmp_path, "a.json", CLEAN)
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "b.json", BROKEN)
    write(tmp_path, "notes.txt", "not a policy")
    code, out, _ = run([tmp_path])
    assert code == EXIT_FINDINGS
    assert "iamsim lint: 2 files, 1 error" in out
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run([empty])[0] == EXIT_ERROR


def test_json_output(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.json", BROKEN)
    code, out, _ = run([bad, tmp_path / "missing.json"], fmt="json")
    assert code == EXIT_ERROR
    report = json.loads(out)
    (finding,) = report["findings"]
    assert finding["file"] == str(bad)
    assert (finding["line"], finding["column"]) == (4, 35)
    assert finding["severity"] == "ERROR"
    assert finding["code"] == "INVALID_ACTION"
    assert finding["element"] == "Statement[0].Action"
    assert report["counts"] == {"ERROR": 1, "SECURITY_WARNING": 0, "WARNING": 0, "SUGGESTION": 0}
    assert report["unreadable"][0]["file"].endswith("missing.json")
    assert report["files"] == 2


def test_policy_type_and_account(tmp_path: Path) -> None:
    path = write(tmp_path, "trust.json", TRUST)
    code, out, _ = run([path], policy_type="trust")
    assert code == EXIT_OK
    assert "TRUST_ALLOWS_ANY_PRINCIPAL" in out
    code, out, _ = run([path])  # an identity policy takes no Principal
    assert code == EXIT_FINDINGS
    assert "MALFORMED" in out
    cross = write(
        tmp_path,
        "cross.json",
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"}]}',
    )
    assert "CROSS_ACCOUNT" in run([cross], policy_type="trust")[1]
    assert "CROSS_ACCOUNT" not in run([cross], policy_type="trust", account_id="111122223333")[1]


def test_the_parser_wires_every_option(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser(prog="iamsim")
    add_lint_command(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(
        [
            "lint",
            "a.json",
            "b.json",
            "--type",
            "scp",
            "--format",
            "json",
            "--strict",
            "--account",
            "111122223333",
        ]
    )
    assert (args.command, args.paths, args.policy_type, args.format) == (
        "lint",
        ["a.json", "b.json"],
        "scp",
        "json",
    )
    assert args.strict
    assert args.account == "111122223333"
    with pytest.raises(SystemExit):
        parser.parse_args(["lint", "a.json", "--type", "nonsense"])


def test_main_and_module_entry_point(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "bad.json", BROKEN)
    assert main(["lint", str(path)]) == EXIT_FINDINGS
    assert "INVALID_ACTION" in capsys.readouterr().out
    result = subprocess.run(
        [sys.executable, "-m", "iamsim.lint", "lint", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == EXIT_FINDINGS
    assert json.loads(result.stdout)["counts"]["ERROR"] == 1
