"""The exceptions iamsim raises: one base class, AWS's error code on each.

Every error derives from :class:`IamSimError` and from its natural builtin, so callers can
catch either ``iamsim.PolicyError`` or plain ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from iamsim.decision import Decision

__all__ = [
    "AccessDenied",
    "EntityAlreadyExists",
    "IamSimError",
    "NoSuchEntity",
    "PolicyError",
    "Problem",
    "ValidationError",
]


class IamSimError(Exception):
    """Base class of every error iamsim raises; ``code`` is AWS's error code where AWS has one."""

    code: str = "IamSimError"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


@attrs.frozen
class Problem:
    """One thing wrong with a policy document, and where it is.

    ``location`` is a JSON path such as ``Statement[1].Condition.StringEqulas``; ``line`` and
    ``column`` are set (1-based) when the document was given as JSON text.
    """

    location: str
    message: str
    statement_index: int | None = None
    sid: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.location or "(document)"
        if self.line is not None:
            where += f" (line {self.line}, column {self.column})"
        return f"{where}: {self.message}"


class PolicyError(IamSimError, ValueError):
    """A policy document IAM would reject, listing every problem (MalformedPolicyDocument)."""

    code = "MalformedPolicyDocument"

    def __init__(self, problems: Iterable[Problem], *, source: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        head = f"{source}: " if source else ""
        count = len(self.problems)
        lines = [f"{head}malformed policy document ({count} problem{'s' if count != 1 else ''})"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class ValidationError(IamSimError, ValueError):
    """A request parameter outside what AWS accepts (ValidationError)."""

    code = "ValidationError"


class AccessDenied(IamSimError, PermissionError):
    """AWS refused the request; ``decision`` says which policy refused and why."""

    code = "AccessDenied"

    def __init__(self, message: str, decision: Decision | None = None) -> None:
        super().__init__(message)
        self.decision = decision


class NoSuchEntity(IamSimError, LookupError):
    """A user, role, group, policy or account that does not exist (NoSuchEntity)."""

    code = "NoSuchEntity"


class EntityAlreadyExists(IamSimError, ValueError):
    """An entity with that name already exists (EntityAlreadyExists)."""

    code = "EntityAlreadyExists"
