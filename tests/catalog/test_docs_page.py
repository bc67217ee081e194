"""docs/validate.md lists every check with the severity iamsim.validation.CHECKS gives it."""

from __future__ import annotations

import re
from pathlib import Path

from iamsim.validation import CHECKS

PAGE = Path(__file__).resolve().parents[2] / "docs" / "validate.md"


def test_the_checks_table_matches_the_code() -> None:
    text = PAGE.read_text(encoding="utf-8")
    table = text.split("<!-- checks:begin -->\n")[1].split("\n<!-- checks:end -->")[0]
    rows = re.findall(r"^\| `([A-Z_]+)` \| ([A-Z_]+) \|", table, re.MULTILINE)
    assert dict(rows) == {code: str(check.severity) for code, check in CHECKS.items()}
    assert [code for code, _ in rows] == list(CHECKS)
