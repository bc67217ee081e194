"""The docs stay true: every Python block in README and docs/ runs, the operator page matches the
operator table, and the examples run."""

from __future__ import annotations

import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from iamsim.operators import markdown_table

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def blocks() -> list[tuple[str, str]]:
    found = []
    for page in PAGES:
        for index, code in enumerate(BLOCK.findall(page.read_text(encoding="utf-8"))):
            found.append((f"{page.name}[{index}]", code))
    return found


@pytest.mark.parametrize(("name", "code"), blocks(), ids=[n for n, _ in blocks()])
def test_python_blocks_run(name: str, code: str, capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(code, name, "exec"), {"__name__": "__docs__"})


def test_operator_page_matches_the_table() -> None:
    page = (ROOT / "docs" / "conditions.md").read_text(encoding="utf-8")
    inside = page.split("<!-- operators:begin -->\n")[1].split("\n<!-- operators:end -->")[0]
    assert inside == markdown_table(), "regenerate with iamsim.operators.markdown_table()"


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("*.py")), ids=lambda p: p.name)
def test_examples_run(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(example), run_name="__main__")
    assert capsys.readouterr().out


def test_readme_opens_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(.*?)\n```", text, re.DOTALL)[:2]
    assert "pip install" in commands[0]
    assert "examples/" in commands[0]
    assert commands[1] == ".venv/bin/python -m pytest"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "\n" + commands[1] + "\n" in ci


def test_cli_help_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "iamsim.cli", "check", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "PATH" in result.stdout
