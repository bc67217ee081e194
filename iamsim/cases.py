"""Reading simulate case files (JSON or YAML; one case or a list) for the command line and tests."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import yaml

from iamsim.errors import IamSimError

__all__ = ["CaseFileError", "LoadedCase", "find_case_files", "load_case_file"]

SUFFIXES = (".json", ".yaml", ".yml")


class CaseFileError(IamSimError, ValueError):
    """A case file that cannot be read: names the file and the problem."""

    code = "InvalidCaseFile"


@attrs.frozen
class LoadedCase:
    """One case and where it came from."""

    path: Path
    index: int
    case: Any

    @property
    def name(self) -> str:
        """``file:id`` (or ``file:index`` when the case has no id)."""
        ident = self.case.get("id", self.index) if isinstance(self.case, dict) else self.index
        return f"{self.path}:{ident}"


def find_case_files(paths: Sequence[str | Path]) -> Iterator[Path]:
    """Every case file under the given files and directories, sorted within each directory."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
        elif path.exists():
            yield path
        else:
            raise CaseFileError(f"{path}: no such file or directory")


def load_case_file(path: Path) -> list[LoadedCase]:
    """The cases in one file; raises :class:`CaseFileError` with a one-line message."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseFileError(f"{path}: cannot read: {exc}") from None
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise CaseFileError(
            f"{path}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise CaseFileError(f"{path}: nested too deeply") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CaseFileError(f"{path}: not valid YAML: {problem}{where}") from None
    items = data if isinstance(data, list) else [data]
    if not items or not all(isinstance(item, dict) for item in items):
        raise CaseFileError(f"{path}: expected a case object or a list of case objects")
    return [LoadedCase(path, i, item) for i, item in enumerate(items)]
