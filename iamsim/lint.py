"""The ``iamsim lint`` command: validate policy files (:func:`iamsim.validate`).

``iamsim lint PATH... [--type identity|resource|trust|scp|rcp|boundary|session] [--format
text|json] [--strict] [--account ID]``: each file holds one JSON policy document; a directory
stands for every ``*.json`` file under it. Text output prints one finding a line,
``file:line:column: SEVERITY CODE message``, then a summary.

Exit codes: 0 no ERROR finding; 1 some ERROR finding (with ``--strict``, also a
SECURITY_WARNING); 2 a file could not be read (missing, a directory without policies, not UTF-8).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from iamsim.policy import PolicyKind
from iamsim.validation import Finding, Severity, validate

__all__ = ["EXIT_ERROR", "EXIT_FINDINGS", "EXIT_OK", "add_lint_command", "lint"]

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
TYPES = tuple(kind.value for kind in PolicyKind)


def add_lint_command(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``lint`` to an ``add_subparsers()`` object; returns the new parser."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "lint",
        help="validate policy files like IAM Access Analyzer (findings with line and column)",
        description="Check each policy file (one JSON policy document per file) for errors, "
        "security warnings, warnings and suggestions.",
        epilog="exit codes: 0 no ERROR finding, 1 an ERROR finding (with --strict also a "
        "SECURITY_WARNING), 2 a file could not be read",
    )
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="policy files, or directories of *.json files"
    )
    parser.add_argument(
        "--type",
        dest="policy_type",
        choices=TYPES,
        default="identity",
        help="what kind of policy the files hold (default: identity)",
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--strict", action="store_true", help="also exit 1 when there is a SECURITY_WARNING"
    )
    parser.add_argument(
        "--account",
        metavar="ID",
        default=None,
        help="the account that owns the policies (trust policies naming it are not cross-account)",
    )
    return parser


def _files(paths: Sequence[str], err: TextIO) -> tuple[list[Path], int]:
    files: list[Path] = []
    unreadable = 0
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.json") if p.is_file())
            if not found:
                print(f"error: {name}: no *.json files in this directory", file=err)
                unreadable += 1
            files += found
        else:
            files.append(path)
    return files, unreadable


def lint(
    paths: Sequence[str],
    policy_type: str,
    fmt: str,
    out: TextIO,
    err: TextIO,
    *,
    strict: bool = False,
    account_id: str | None = None,
) -> int:
    """Validate every file; print the findings (``text`` or ``json``); return the exit code."""
    files, unreadable = _files(paths, err)
    results: list[tuple[str, Finding]] = []
    problems: list[dict[str, str]] = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            print(f"error: {path}: cannot read: {reason}", file=err)
            problems.append({"file": str(path), "error": reason})
            unreadable += 1
            continue
        results += ((str(path), f) for f in validate(text, policy_type, account_id=account_id))
    counts = Counter(str(f.severity) for _, f in results)
    if fmt == "json":
        json.dump(
            {
                "findings": [{"file": name, **f.to_dict()} for name, f in results],
                "unreadable": problems,
                "counts": {str(s): counts[str(s)] for s in Severity},
                "files": len(files),
            },
            out,
            indent=2,
        )
        out.write("\n")
    else:
        for name, finding in results:
            print(
                f"{name}:{finding.line or 1}:{finding.column or 1}: {finding.severity} "
                f"{finding.code} {finding.message}",
                file=out,
            )
        summary = ", ".join(_count(counts[str(s)], s) for s in Severity)
        print(
            f"iamsim lint: {len(files)} file{'s' if len(files) != 1 else ''}, {summary}", file=out
        )
    if unreadable:
        return EXIT_ERROR
    failing = {Severity.ERROR, Severity.SECURITY_WARNING} if strict else {Severity.ERROR}
    return EXIT_FINDINGS if any(f.severity in failing for _, f in results) else EXIT_OK


def _count(count: int, severity: Severity) -> str:
    name = str(severity).lower().replace("_", " ")
    return f"{count} {name}{'' if count == 1 else 's'}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``lint`` alone (``python -m iamsim.lint``), until it is wired into ``iamsim``."""
    parser = argparse.ArgumentParser(prog="iamsim")
    add_lint_command(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return lint(
        args.paths,
        args.policy_type,
        args.format,
        sys.stdout,
        sys.stderr,
        strict=args.strict,
        account_id=args.account,
    )


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
