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
    """Base class of every error iamsim raises; ``code`` is AWS's error code where AWS has one.

    Catch it to handle any iamsim failure in one place, and read ``code`` to tell them apart.

    >>> import iamsim
    >>> try:
    ...     iamsim.World().account("nobody")
    ... except iamsim.IamSimError as e:
    ...     print(e.code)
    NoSuchEntity
    """

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
    ``column`` are set (1-based) when the document was given as JSON text, so an editor can jump
    to the mistake.

    >>> import iamsim
    >>> try:
    ...     iamsim.Policy.parse('{"Version": "2012-10-17", "Statement": {"Effect": "Allow"}}')
    ... except iamsim.PolicyError as e:
    ...     problem = e.problems[0]
    >>> problem.location, problem.line, problem.column
    ('Statement', 1, 27)
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
    """A policy document IAM would reject, listing every problem (MalformedPolicyDocument).

    All problems are reported at once (in ``problems``), so one run fixes a document.

    >>> import iamsim
    >>> try:
    ...     iamsim.Policy.parse({"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]})
    ... except iamsim.PolicyError as e:
    ...     print(e.code, len(e.problems))
    MalformedPolicyDocument 1
    """

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
    """A request parameter outside what AWS accepts (ValidationError).

    Raised before anything changes, so the world is left as it was.

    >>> import iamsim
    >>> try:
    ...     iamsim.World().advance(-1)
    ... except iamsim.ValidationError as e:
    ...     print(e.code, e)
    ValidationError the clock only moves forward
    """

    code = "ValidationError"


class AccessDenied(IamSimError, PermissionError):
    """AWS refused the request; ``decision`` says which policy refused and why.

    STS raises it (as AWS does) instead of returning a denied session; the attached decision
    explains the refusal.

    >>> import iamsim
    >>> bob = iamsim.World().create_account("111122223333").create_user("bob")
    >>> try:
    ...     iamsim.assume_role(bob, "arn:aws:iam::111122223333:role/Admin", session_name="bob")
    ... except iamsim.AccessDenied as e:
    ...     print(e.code, e.decision.allowed)
    AccessDenied False
    """

    code = "AccessDenied"

    def __init__(self, message: str, decision: Decision | None = None) -> None:
        super().__init__(message)
        self.decision = decision


class NoSuchEntity(IamSimError, LookupError):
    """A user, role, group, policy or account that does not exist (NoSuchEntity).

    It is also a :class:`LookupError`, so ``except LookupError`` catches it too.

    >>> import iamsim
    >>> account = iamsim.World().create_account("111122223333")
    >>> try:
    ...     account.user("nobody")
    ... except iamsim.NoSuchEntity as e:
    ...     print(e.code)
    NoSuchEntity
    """

    code = "NoSuchEntity"


class EntityAlreadyExists(IamSimError, ValueError):
    """An entity with that name already exists (EntityAlreadyExists).

    Names are unique per account, as in IAM; creating one twice raises rather than replaces.

    >>> import iamsim
    >>> world = iamsim.World()
    >>> _ = world.create_account("111122223333")
    >>> try:
    ...     world.create_account("111122223333")
    ... except iamsim.EntityAlreadyExists as e:
    ...     print(e.code)
    EntityAlreadyExists
    """

    code = "EntityAlreadyExists"
