"""The ``iamsim`` command: ``iamsim check`` runs case files as a policy test suite,
``iamsim simulate`` prints one decision with its explanation.

Exit codes: 0 all cases met their expectation; 1 some case did not; 2 a file or case could not be
read (bad JSON/YAML, malformed policy, invalid request) or the command line was wrong.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from iamsim.cases import CaseFileError, LoadedCase, find_case_files, load_case_file
from iamsim.decision import Decision
from iamsim.errors import IamSimError
from iamsim.lint import add_lint_command, lint
from iamsim.simulation import build_case

__all__ = ["main"]

EXIT_OK, EXIT_MISS, EXIT_ERROR = 0, 1, 2
_PROGRESS_EVERY = 500  # cases between progress lines on a terminal


def _colour(stream: TextIO, code: str, text: str) -> str:
    """ANSI colour only when writing to a terminal and NO_COLOR is not set."""
    if os.environ.get("NO_COLOR") or not getattr(stream, "isatty", lambda: False)():
        return text
    return f"\033[{code}m{text}\033[0m"


def _decide(loaded: LoadedCase) -> tuple[Decision, object]:
    policy_set, request, expect = build_case(loaded.case)
    decision = policy_set.evaluate(
        request["principal"],
        request["action"],
        request["resource"],
        resource_account=request.get("resource_account"),
        context=request.get("context"),
    )
    return decision, expect


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def _load(paths: Sequence[str], err: TextIO) -> tuple[list[LoadedCase], int]:
    cases: list[LoadedCase] = []
    errors = 0
    try:
        files = list(find_case_files(paths))
    except CaseFileError as exc:
        print(f"error: {exc}", file=err)
        return [], 1
    for path in files:
        try:
            cases += load_case_file(path)
        except CaseFileError as exc:
            print(f"error: {exc}", file=err)
            errors += 1
    return cases, errors


def check(paths: Sequence[str], fmt: str, out: TextIO, err: TextIO) -> int:
    """Run every case; print each miss with its explanation; summarise."""
    cases, errors = _load(paths, err)
    passed = failed = 0
    report = []
    show_progress = len(cases) >= _PROGRESS_EVERY and getattr(err, "isatty", lambda: False)()
    for number, loaded in enumerate(cases, start=1):
        if show_progress and number % _PROGRESS_EVERY == 0:
            print(f"  ... {number}/{len(cases)} cases", file=err, flush=True)
        try:
            decision, expect = _decide(loaded)
        except IamSimError as exc:
            first, *rest = str(exc).splitlines()
            print(f"error: {loaded.name}: {first}", file=err)
            for line in rest:
                print(f"  {line}", file=err)
            errors += 1
            continue
        if expect is None:
            print(
                f"error: {loaded.name}: the case has no `expect`, so it cannot be checked", file=err
            )
            errors += 1
            continue
        ok = decision.outcome is expect
        passed += ok
        failed += not ok
        if fmt == "json":
            report.append(
                {
                    "case": loaded.name,
                    "expected": str(expect),
                    "passed": ok,
                    "result": decision.to_dict(),
                }
            )
        elif not ok:
            why = loaded.case.get("why")
            miss = _colour(out, "31;1", "MISS")
            print(f"{miss} {loaded.name}: expected {expect}, got {decision.outcome}", file=out)
            if why:
                print(f"    case: {why}", file=out)
            print(_indent(decision.explain()), file=out)
    if fmt == "json":
        json.dump(
            {"passed": passed, "failed": failed, "errors": errors, "cases": report}, out, indent=2
        )
        out.write("\n")
    else:
        suffix = f", {errors} errors" if errors else ""
        summary = f"iamsim check: {passed} passed, {failed} failed{suffix}"
        print(_colour(out, "31" if failed or errors else "32", summary), file=out)
    if errors:
        return EXIT_ERROR
    return EXIT_MISS if failed else EXIT_OK


def simulate_command(path: str, fmt: str, out: TextIO, err: TextIO) -> int:
    """Print the decision of every case in one file."""
    cases, errors = _load([path], err)
    if errors:
        return EXIT_ERROR
    status = EXIT_OK
    results = []
    for loaded in cases:
        try:
            decision, expect = _decide(loaded)
        except IamSimError as exc:
            print(f"error: {loaded.name}: {exc}", file=err)
            return EXIT_ERROR
        if expect is not None and decision.outcome is not expect:
            status = EXIT_MISS
        if fmt == "json":
            results.append(decision.to_dict())
        else:
            print(decision.explain(), file=out)
    if fmt == "json":
        json.dump(results if len(results) != 1 else results[0], out, indent=2)
        out.write("\n")
    return status


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for the docs)."""
    parser = argparse.ArgumentParser(
        prog="iamsim",
        description="Simulate AWS IAM authorization: run policy test cases, explain decisions.",
        epilog="exit codes: 0 every case met its expectation (or no finding was an error), "
        "1 some case did not (or a finding was an error), 2 a file or case could not be read "
        "or the command line was wrong. Colour is used only on a terminal (NO_COLOR turns it off).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check_parser = commands.add_parser(
        "check",
        help="run case files (JSON/YAML) as a policy test suite",
        description="Run simulate cases; print every case that misses its `expect`, with the "
        "explanation; exit 1 if any does.",
    )
    check_parser.add_argument("paths", nargs="+", metavar="PATH", help="case files or directories")
    simulate_parser = commands.add_parser(
        "simulate",
        help="print the decision for the case(s) in a file, with the explanation",
        description="Decide the request of each case in FILE and print the explanation.",
    )
    simulate_parser.add_argument("file", metavar="FILE")
    for sub in (check_parser, simulate_parser):
        sub.add_argument(
            "--format",
            choices=("text", "json"),
            default="text",
            help="output format (default: text)",
        )
    add_lint_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``iamsim`` console script."""
    args = build_parser().parse_args(argv)
    if args.command == "check":
        return check(args.paths, args.format, sys.stdout, sys.stderr)
    if args.command == "lint":
        return lint(
            args.paths,
            args.policy_type,
            args.format,
            sys.stdout,
            sys.stderr,
            strict=args.strict,
            account_id=args.account,
        )
    return simulate_command(args.file, args.format, sys.stdout, sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
