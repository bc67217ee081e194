"""Every public name, and every public method and property of the public classes, has a
docstring that says what it is and shows it in use (a ``>>>`` example).

The examples themselves run in test_doctests.py; this test makes sure they exist.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import pytest

import iamsim

#: Public names that cannot carry an example, each with the reason. Keep it short.
WITHOUT_EXAMPLE = {
    # A read-only mapping, not a function or class: a data object has no docstring of its own
    # (its type's would be read instead). docs/reference.md and docs/conditions.md describe it.
    "OPERATORS": "data, documented in docs/reference.md",
}

#: The classes users work with most; each must stay exported and checked member by member.
MAIN_CLASSES = [
    "World",
    "Account",
    "User",
    "Group",
    "Role",
    "ManagedPolicy",
    "Resource",
    "Organization",
    "OrganizationRoot",
    "OrganizationalUnit",
    "OrgPolicy",
    "PolicySet",
    "Policy",
    "Decision",
    "RoleSession",
    "UserSession",
    "ConsoleSession",
    "Arn",
    "Request",
]

PUBLIC = sorted(set(iamsim.__all__) - set(WITHOUT_EXAMPLE))
CLASSES = [name for name in PUBLIC if inspect.isclass(getattr(iamsim, name))]


def _members(cls: type) -> Iterator[tuple[str, object]]:
    """Public methods and properties a class defines or inherits from iamsim's own bases.

    Members inherited from Python's classes (Exception, Enum, str...) are not iamsim's to
    document, and enum members and other plain attributes are values, not functions.
    """
    seen: set[str] = set()
    for base in cls.__mro__:
        if not base.__module__.startswith("iamsim"):
            continue
        for name, value in vars(base).items():
            if name.startswith("_") or name in seen:
                continue
            seen.add(name)
            function = value.__func__ if isinstance(value, staticmethod | classmethod) else value
            target = function.fget if isinstance(function, property) else function
            if inspect.isfunction(target):
                yield name, target


MEMBERS = [
    pytest.param(cls_name, name, target, id=f"{cls_name}.{name}")
    for cls_name in CLASSES
    for name, target in _members(getattr(iamsim, cls_name))
]


def _check(what: str, doc: str | None) -> None:
    assert doc, f"{what} has no docstring"
    assert doc.strip().splitlines()[0].strip(), f"{what}: the docstring's first line is empty"
    assert ">>>" in doc, f"{what}: the docstring has no example (>>>)"


@pytest.mark.parametrize("name", PUBLIC)
def test_public_name_has_example(name: str) -> None:
    _check(f"iamsim.{name}", getattr(iamsim, name).__doc__)


@pytest.mark.parametrize(("cls_name", "name", "target"), MEMBERS)
def test_public_member_has_example(cls_name: str, name: str, target: object) -> None:
    _check(f"iamsim.{cls_name}.{name}", getattr(target, "__doc__", None))


def test_allow_list_is_current() -> None:
    stale = set(WITHOUT_EXAMPLE) - set(iamsim.__all__)
    assert not stale, f"no longer exported, drop from WITHOUT_EXAMPLE: {sorted(stale)}"
    for name in WITHOUT_EXAMPLE:
        value = getattr(iamsim, name)
        reason = f"{name} is a class or function: give it an example instead of an exemption"
        assert not inspect.isclass(value), reason
        assert not inspect.isfunction(value), reason


def test_main_classes_are_checked() -> None:
    assert set(MAIN_CLASSES) <= set(CLASSES)
    for cls_name in MAIN_CLASSES:
        assert any(param.values[0] == cls_name for param in MEMBERS), cls_name
