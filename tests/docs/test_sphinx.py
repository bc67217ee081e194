"""The documentation site builds with Sphinx, warnings as errors, and documents the whole API."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import iamsim

ROOT = Path(__file__).resolve().parents[2]


def test_sphinx_build_has_no_warnings(tmp_path: Path) -> None:
    out = tmp_path / "html"
    options = ["-W", "--keep-going", "-q", "-b", "html", "-d", str(tmp_path / "doctrees")]
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", *options, str(ROOT / "docs"), str(out)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert (out / "index.html").is_file()
    assert (out / "_images" / "evaluation.svg").is_file()
    changes = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").splitlines()
    first_release = next(line[3:].strip("[] ") for line in changes if line.startswith("## "))
    assert first_release in (out / "changelog.html").read_text(encoding="utf-8")

    reference = (out / "reference.html").read_text(encoding="utf-8")
    undocumented = [name for name in iamsim.__all__ if f'id="iamsim.{name}"' not in reference]
    assert not undocumented, f"missing from the API reference: {undocumented}"
