"""Sphinx configuration for the iamsim documentation: MyST Markdown, the Furo theme, autodoc.

Build (CI and tests/docs/test_sphinx.py treat every warning as an error):

    python -m sphinx -W --keep-going -b html docs docs/_build/html
"""

from __future__ import annotations

import builtins
import importlib
import pkgutil
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # autodoc documents the iamsim of this checkout

import iamsim  # noqa: E402

project = "iamsim"
author = "iamsim developers"
copyright = "iamsim developers"
release = version = iamsim.__version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

html_theme = "furo"
html_title = f"iamsim {release}"

# MyST: ```{directive} and ::: fences; headings get anchors so pages can link to sections.
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3

# autodoc + napoleon (Google-style docstrings). The public API is what iamsim/__init__.py
# exports; reference.md documents each name of iamsim.__all__ as iamsim.NAME.
# Members inherited from iamsim's private base classes are documented with each public class;
# members inherited from Python's own classes (str, Exception, Enum, ...) are not.
PYTHON_BASES = [name for name, value in vars(builtins).items() if isinstance(value, type)]
autodoc_default_options = {
    "members": True,
    "undoc-members": True,
    "inherited-members": ",".join([*PYTHON_BASES, "Enum", "ReprEnum", "StrEnum", "IntEnum"]),
    "member-order": "bysource",
}
autodoc_typehints = "signature"
autodoc_class_signature = "mixed"
napoleon_google_docstring = True
napoleon_numpy_docstring = False

# Every cross-reference must resolve (nitpicky), so a misspelt name or a docstring read wrongly
# fails the build. References to objects that exist but have no page here (the standard library:
# no intersphinx, the build stays offline; iamsim's internal type aliases, private bases and
# submodule paths) stay plain text: see _quiet_reference.
nitpicky = True


def _internal_names() -> frozenset[str]:
    names: set[str] = set(vars(builtins))
    for info in pkgutil.walk_packages(iamsim.__path__, "iamsim."):
        if info.name.endswith("__main__"):
            continue
        try:
            names.update(vars(importlib.import_module(info.name)))
        except Exception:  # a module that needs an optional dependency: its names stay unknown
            continue
    return frozenset(names)


INTERNAL = _internal_names()


def _exists(dotted: str) -> bool:
    """Whether ``dotted`` names a module, or an object inside one."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(found, attribute):
                return False
            found = getattr(found, attribute)
        return True
    return False


def _quiet_reference(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """Leave a reference to an existing object that has no page here as plain text."""
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "").lstrip("~.")
    if ("." in target and _exists(target)) or target in INTERNAL:
        return contnode
    return None


_ATTRIBUTE_TEXT: dict[str, list[str]] = {}


def _save_attribute_text(
    app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """Before napoleon: remember an attribute's or property's docstring as written."""
    if what in {"attribute", "property", "data"}:
        _ATTRIBUTE_TEXT[name] = list(lines)


def _restore_attribute_text(
    app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """After napoleon: put the attribute's docstring back as written.

    Napoleon reads the first line of an attribute docstring, "words: more words", as "type:
    description", so "Per policy type present: ``allowed``, ..." became a type named "Per policy
    type present". iamsim's attributes and properties take their types from annotations and their
    docstrings are prose, so napoleon has nothing to add to them.
    """
    if name in _ATTRIBUTE_TEXT:
        lines[:] = _ATTRIBUTE_TEXT.pop(name)


def _directive(name: str) -> str:
    value = getattr(iamsim, name)
    if isinstance(value, type):
        return "autoexception" if issubclass(value, BaseException) else "autoclass"
    return "autofunction" if callable(value) else "autodata"


def _complete_reference(app: Any, docname: str, source: list[str]) -> None:
    """The reference documents every name of ``iamsim.__all__``: any name reference.md does not
    place in a section yet is appended under "Other names", so a new export is never missing."""
    if docname != "reference":
        return
    placed = set(re.findall(r"^\.\. auto\w+:: (\w+)", source[0], re.MULTILINE))
    missing = [name for name in iamsim.__all__ if name not in placed]
    if missing:
        directives = "\n".join(f".. {_directive(name)}:: {name}\n" for name in missing)
        source[0] += (
            f"\n## Other names\n\n```{{eval-rst}}\n.. currentmodule:: iamsim\n\n{directives}```\n"
        )


def setup(app: Any) -> None:
    app.connect("source-read", _complete_reference)
    app.connect("missing-reference", _quiet_reference)
    # napoleon handles autodoc-process-docstring at the default priority, 500
    app.connect("autodoc-process-docstring", _save_attribute_text, priority=400)
    app.connect("autodoc-process-docstring", _restore_attribute_text, priority=600)
