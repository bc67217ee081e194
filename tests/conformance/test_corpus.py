"""The project's own conformance corpus (tests/conformance/cases, written from the AWS
documentation, each case citing its page) runs through `iamsim check`, as a user would run it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iamsim.cli import main

CASES = Path(__file__).with_name("cases")


def test_corpus_is_large_and_documented() -> None:
    cases = [c for f in sorted(CASES.glob("*.json")) for c in json.loads(f.read_text())]
    assert len(cases) >= 250
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids))
    for case in cases:
        assert case["doc"].startswith("https://docs.aws.amazon.com/"), case["id"]
        assert case["why"], case["id"]
        assert case["expect"].lower() in ("allowed", "explicitdeny", "implicitdeny")


def test_iamsim_check_passes_the_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["check", str(CASES)])
    out = capsys.readouterr().out
    assert status == 0, out
    assert ", 0 failed" in out
