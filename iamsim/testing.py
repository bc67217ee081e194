"""Assertions for a project's own test suite, whose failure message is the decision's explanation.

A policy test that fails with ``assert False`` makes its reader rerun the request by hand to learn
why; these helpers fail with the one-line verdict first and then :meth:`Decision.explain
<iamsim.Decision.explain>`: which policy and statement decided, which condition failed with what
values, which context keys were missing. They raise :class:`AssertionError`, so every test runner
(pytest, unittest, plain scripts) reports them as failures, and they never import pytest.

Each request helper takes what :func:`iamsim.evaluate` takes (a ``User``, a ``Role``, a
``RoleSession``, a ``UserSession``, or an ARN with ``world=``), or an ARN with ``policies=`` (an
:class:`iamsim.PolicySet`) for tests without a world, and returns the :class:`~iamsim.Decision`.

>>> import iamsim
>>> from iamsim.testing import assert_allowed
>>> policies = iamsim.PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
...     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}])
>>> assert_allowed("arn:aws:iam::111122223333:user/alice", "s3:GetObject",
...                "arn:aws:s3:::reports/q3.csv", policies=policies).outcome
<Outcome.ALLOWED: 'allowed'>

See docs/testing.md, and :mod:`iamsim.pytest_plugin` for the pytest fixtures.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from os import PathLike
from pathlib import Path
from typing import Any

from iamsim.decision import Decision, Outcome
from iamsim.engine import PolicySet
from iamsim.entities import Role, User
from iamsim.errors import AccessDenied, IamSimError
from iamsim.gather import evaluate
from iamsim.loaders import LoadError, load_world, read_yaml
from iamsim.request import Request
from iamsim.simulation import simulate
from iamsim.sts import RoleSession, UserSession, assume_role
from iamsim.world import World

__all__ = [
    "DEFAULT_SESSION_NAME",
    "FIXED_NOW",
    "Principal",
    "assert_allowed",
    "assert_can_assume",
    "assert_cannot_assume",
    "assert_decision",
    "assert_denied",
    "assert_explicitly_denied",
    "assert_implicitly_denied",
    "new_world",
    "world_from_file",
]

#: The instant the clock of :func:`new_world` (and of the ``iamsim_world`` and ``iamsim_load``
#: pytest fixtures) stands at: a fixed time, so ``aws:CurrentTime`` conditions, credential
#: expiry and audit timestamps give the same result on every run. It moves only when the test
#: calls ``world.advance()``.
FIXED_NOW = datetime(2026, 1, 1, tzinfo=UTC)

#: The ``session_name`` that :func:`assert_can_assume` and :func:`assert_cannot_assume` pass to
#: :func:`iamsim.assume_role` when the test does not choose one.
DEFAULT_SESSION_NAME = "iamsim-test"

#: What the request helpers accept as the caller.
Principal = User | Role | RoleSession | UserSession | str

_DENIES = (Outcome.EXPLICIT_DENY, Outcome.IMPLICIT_DENY)
_DETAIL_KEYS = ("UserDetailList", "GroupDetailList", "RoleDetailList")


# -- requests ---------------------------------------------------------------------------------


def _decide(
    principal: Principal | Request,
    action: str,
    resource: str,
    context: Mapping[str, Any] | None,
    world: World | None,
    policies: PolicySet | None,
    resource_account: str | None,
) -> Decision:
    """Decide the request from a world (as :func:`iamsim.evaluate`) or from ``policies``."""
    if policies is not None:
        if world is not None:
            raise TypeError("pass either world= or policies=, not both")
        if not isinstance(principal, str | Request):
            raise TypeError(
                f"with policies=, the principal is an ARN, not {type(principal).__name__}; "
                "a world's User, Role or session is decided from its world (drop policies=)"
            )
        return policies.evaluate(
            principal, action, resource, resource_account=resource_account, context=context
        )
    if resource_account is not None:
        raise TypeError(
            "resource_account= applies only with policies=; a world knows its resources"
        )
    if isinstance(principal, Request):
        raise TypeError("a prebuilt Request is decided by a PolicySet: pass policies=")
    return evaluate(principal, action, resource, context, world=world)


def _summary(expected: str, decision: Decision) -> str:
    request = decision.request
    return (
        f"expected {expected}, got {decision.outcome}: {request.action} on {request.resource} "
        f"by {request.principal.arn}"
    )


def _check(
    decision: Decision, accept: Callable[[Outcome], bool], expected: str, label: str = ""
) -> Decision:
    """Return the decision when ``accept`` likes its outcome, else fail with its explanation."""
    __tracebackhide__ = True
    if not accept(decision.outcome):
        raise AssertionError(label + _summary(expected, decision) + "\n" + decision.explain())
    return decision


def assert_allowed(
    principal: Principal | Request,
    action: str,
    resource: str,
    context: Mapping[str, Any] | None = None,
    *,
    world: World | None = None,
    policies: PolicySet | None = None,
    resource_account: str | None = None,
) -> Decision:
    """Assert that AWS would allow the request; return the decision.

    ``context`` adds request keys (and overrides derived ones, as in :func:`iamsim.evaluate`);
    ``resource_account`` is for ``policies=`` only (see :meth:`iamsim.PolicySet.evaluate`).
    On failure the :class:`AssertionError` says what was expected and what came, then the
    whole explanation: here, the condition that did not hold and the value the request had.

    >>> import iamsim
    >>> from iamsim.testing import assert_allowed
    >>> policies = iamsim.PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
    ...     {"Sid": "FinanceReads", "Effect": "Allow", "Action": "s3:GetObject",
    ...      "Resource": "arn:aws:s3:::reports/*",
    ...      "Condition": {"StringEquals": {"aws:PrincipalTag/team": "finance"}}}]}])
    >>> alice = "arn:aws:iam::111122223333:user/alice"
    >>> assert_allowed(alice, "s3:GetObject", "arn:aws:s3:::reports/q3.csv",
    ...                {"aws:PrincipalTag/team": "finance"}, policies=policies).allowed
    True
    >>> assert_allowed(alice, "s3:GetObject", "arn:aws:s3:::reports/q3.csv",
    ...                {"aws:PrincipalTag/team": "sales"}, policies=policies)
    Traceback (most recent call last):
    AssertionError: expected allowed, got implicitDeny: s3:GetObject on arn:aws:s3:::reports/q3.csv by arn:aws:iam::111122223333:user/alice
    implicitDeny: s3:GetObject on arn:aws:s3:::reports/q3.csv
      caller: arn:aws:iam::111122223333:user/alice
      why: no identity-based policy allows the action on this resource, ...
    ...
        - Allow statement 0 (Sid 'FinanceReads') in identity policy 0: condition not met — StringEquals aws:PrincipalTag/team 'finance': request has 'sales'
    ...
    """  # noqa: E501 (the doctest shows the message's long first line as pytest prints it)
    __tracebackhide__ = True
    decision = _decide(principal, action, resource, context, world, policies, resource_account)
    return _check(decision, lambda o: o is Outcome.ALLOWED, "allowed")


def assert_denied(
    principal: Principal | Request,
    action: str,
    resource: str,
    context: Mapping[str, Any] | None = None,
    *,
    world: World | None = None,
    policies: PolicySet | None = None,
    resource_account: str | None = None,
) -> Decision:
    """Assert that AWS would deny the request, explicitly or implicitly; return the decision.

    Use it when the test should not care which (a guardrail may be a Deny today and a missing
    Allow tomorrow). On failure the explanation names the statement(s) that allowed it.

    >>> import iamsim
    >>> from iamsim.testing import assert_denied
    >>> world = iamsim.World()
    >>> alice = world.create_account("111122223333").create_user("alice", policies={
    ...     "own": {"Version": "2012-10-17", "Statement": [
    ...         {"Sid": "Everything", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}})
    >>> str(assert_denied(alice, "iam:CreateUser", "*").outcome)
    'implicitDeny'
    >>> assert_denied(alice, "s3:DeleteBucket", "arn:aws:s3:::reports")
    Traceback (most recent call last):
    AssertionError: expected a deny (explicitDeny or implicitDeny), got allowed: ...
    ...
        - Allow statement 0 (Sid 'Everything') in user alice inline 'own'
    ...
    """
    __tracebackhide__ = True
    decision = _decide(principal, action, resource, context, world, policies, resource_account)
    return _check(decision, lambda o: o in _DENIES, "a deny (explicitDeny or implicitDeny)")


def assert_explicitly_denied(
    principal: Principal | Request,
    action: str,
    resource: str,
    context: Mapping[str, Any] | None = None,
    *,
    world: World | None = None,
    policies: PolicySet | None = None,
    resource_account: str | None = None,
) -> Decision:
    """Assert that a Deny statement refuses the request; return the decision.

    Pins a guardrail: the test fails if the Deny stops matching even though nothing allows the
    request any more (an implicit deny would hide that the guardrail broke).

    >>> import iamsim
    >>> from iamsim.testing import assert_explicitly_denied
    >>> policies = iamsim.PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
    ...     {"Sid": "KeepLogs", "Effect": "Deny", "Action": "s3:DeleteObject",
    ...      "Resource": "arn:aws:s3:::logs/*"}]}])
    >>> bob = "arn:aws:iam::111122223333:user/bob"
    >>> decision = assert_explicitly_denied(bob, "s3:DeleteObject", "arn:aws:s3:::logs/a",
    ...                                     policies=policies)
    >>> [s.sid for s in decision.determining_statements]
    ['KeepLogs']
    >>> assert_explicitly_denied(bob, "s3:DeleteObject", "arn:aws:s3:::tmp/a", policies=policies)
    Traceback (most recent call last):
    AssertionError: expected explicitDeny, got allowed: s3:DeleteObject on arn:aws:s3:::tmp/a by ...
    ...
    """
    __tracebackhide__ = True
    decision = _decide(principal, action, resource, context, world, policies, resource_account)
    return _check(decision, lambda o: o is Outcome.EXPLICIT_DENY, "explicitDeny")


def assert_implicitly_denied(
    principal: Principal | Request,
    action: str,
    resource: str,
    context: Mapping[str, Any] | None = None,
    *,
    world: World | None = None,
    policies: PolicySet | None = None,
    resource_account: str | None = None,
) -> Decision:
    """Assert that nothing allows the request and no Deny applies; return the decision.

    Pins least privilege without depending on a Deny: the test fails both when something
    starts allowing the request and when a Deny (perhaps a too-broad one) starts matching it.

    >>> import iamsim
    >>> from iamsim.testing import assert_implicitly_denied
    >>> policies = iamsim.PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"},
    ...     {"Sid": "NoAdmin", "Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}])
    >>> carol = "arn:aws:iam::111122223333:user/carol"
    >>> str(assert_implicitly_denied(carol, "s3:PutObject", "arn:aws:s3:::x/y",
    ...                              policies=policies).outcome)
    'implicitDeny'
    >>> assert_implicitly_denied(carol, "iam:CreateUser", "*", policies=policies)
    Traceback (most recent call last):
    AssertionError: expected implicitDeny, got explicitDeny: iam:CreateUser on * by ...
    ...
        - Deny statement 1 (Sid 'NoAdmin') in identity policy 0
    ...
    """
    __tracebackhide__ = True
    decision = _decide(principal, action, resource, context, world, policies, resource_account)
    return _check(decision, lambda o: o is Outcome.IMPLICIT_DENY, "implicitDeny")


def assert_decision(
    decision: Decision | Mapping[str, Any], expected_outcome: Outcome | str | None = None
) -> Decision:
    """Assert the outcome of a decision already computed, or of a simulate case; return it.

    ``decision`` is a :class:`~iamsim.Decision` (from ``evaluate``, ``PolicySet.evaluate``,
    ``console.evaluate``, ``AccessDenied.decision`` ...) or a case of the simulate format
    (docs/simulate-format.md), which is decided with :func:`iamsim.simulate` and checked
    against ``expected_outcome`` or else its own ``expect``. ``expected_outcome`` is an
    :class:`~iamsim.Outcome`, its name in any case (``"explicitDeny"``), or ``"denied"`` for
    either deny.

    >>> import iamsim
    >>> from iamsim.testing import assert_decision
    >>> case = {
    ...     "id": "boundary-caps",
    ...     "policies": {
    ...         "identity": [{"Version": "2012-10-17", "Statement": [
    ...             {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}],
    ...         "boundary": {"Version": "2012-10-17", "Statement": [
    ...             {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}},
    ...     "request": {"principal": "arn:aws:iam::111122223333:user/alice",
    ...                 "action": "s3:GetObject", "resource": "arn:aws:s3:::bucket/a.txt"},
    ...     "expect": "implicitDeny",
    ... }
    >>> str(assert_decision(case).outcome)
    'implicitDeny'
    >>> assert_decision(iamsim.simulate(case), "denied").allowed
    False
    >>> assert_decision(case, iamsim.Outcome.ALLOWED)
    Traceback (most recent call last):
    AssertionError: case boundary-caps: expected allowed, got implicitDeny: s3:GetObject on ...
    ...
      why: the permissions boundary does not allow the action; ...
    ...
    """
    __tracebackhide__ = True
    label = ""
    if isinstance(decision, Mapping):
        case = decision
        if expected_outcome is None:
            expected_outcome = case.get("expect")
            if expected_outcome is None:
                raise ValueError("the case has no `expect`: pass expected_outcome")
        if case.get("id") is not None:
            label = f"case {case['id']}: "
        decision = simulate(case)
    elif not isinstance(decision, Decision):
        raise TypeError(f"expected a Decision or a simulate case, not {type(decision).__name__}")
    if expected_outcome is None:
        raise TypeError("assert_decision(decision, expected_outcome): say which outcome to expect")
    if isinstance(expected_outcome, str) and expected_outcome.strip().lower() == "denied":
        return _check(
            decision, lambda o: o in _DENIES, "a deny (explicitDeny or implicitDeny)", label
        )
    expected = (
        expected_outcome
        if isinstance(expected_outcome, Outcome)
        else Outcome.parse(expected_outcome)
    )
    return _check(decision, lambda o: o is expected, str(expected), label)


# -- AssumeRole ----------------------------------------------------------------------------------


def _caller(caller: Principal, world: World | None) -> User | RoleSession | UserSession:
    """The caller object for AssumeRole: a User or a session (an ARN is looked up in world)."""
    if isinstance(caller, str):
        if world is None:
            raise TypeError("to name the caller by ARN, pass the world: world=...")
        caller = world.principal(caller)
    elif world is not None and caller.world is not world:
        raise ValueError(f"{caller!r} belongs to another world than the one passed")
    if isinstance(caller, Role):
        raise TypeError(
            f"{caller.arn} is a role, not a caller: assume it first and pass the RoleSession "
            "(role chaining), or pass a User or a UserSession"
        )
    return caller


def _refusal(expected: str, caller: Any, role_arn: str, error: IamSimError) -> str:
    """The message for an AssumeRole that raised when something else was expected: the
    verdict, STS's error message, and the refusing decision's explanation when there is one."""
    lines = [
        f"expected {expected}, got {error.code}: sts:AssumeRole on {role_arn} by {caller.arn}",
        str(error),
    ]
    decision = error.decision if isinstance(error, AccessDenied) else None
    if decision is not None:
        lines.append(decision.explain())
    return "\n".join(lines)


def _assume_context(caller: Any, kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The request keys AssumeRole adds to its authorization (see iamsim.sts), for explaining
    why an AssumeRole that should have been refused was allowed."""
    context: dict[str, Any] = {"sts:RoleSessionName": kwargs["session_name"]}
    if kwargs.get("external_id") is not None:
        context["sts:ExternalId"] = kwargs["external_id"]
    if kwargs.get("serial_number") is not None:
        context["aws:MultiFactorAuthPresent"] = "true"
        context["aws:MultiFactorAuthAge"] = "0"
    tags: Mapping[str, str] = kwargs.get("tags") or {}
    for key, value in tags.items():
        context[f"aws:RequestTag/{key}"] = value
    if tags:
        context["aws:TagKeys"] = list(tags)
    if kwargs.get("transitive_tag_keys"):
        context["sts:TransitiveTagKeys"] = list(kwargs["transitive_tag_keys"])
    source = kwargs.get("source_identity") or getattr(caller, "source_identity", None)
    if source is not None:
        context["sts:SourceIdentity"] = source
    return context


def assert_can_assume(
    caller: Principal, role_arn: str, *, world: World | None = None, **assume_role_kwargs: Any
) -> RoleSession:
    """Assert that ``caller`` can assume the role (via :func:`iamsim.assume_role`); return the
    session.

    ``caller`` is a ``User``, a ``UserSession``, a ``RoleSession`` (role chaining), or a user's
    ARN with ``world=``. ``assume_role_kwargs`` go to :func:`iamsim.assume_role` unchanged
    (``session_name`` defaults to :data:`DEFAULT_SESSION_NAME`). When STS refuses, the message
    gives the error (``AccessDenied``, ``ValidationError`` ... with its text) and, for an
    authorization refusal, the explanation of the refusing decision: which side (the caller's
    policies or the role's trust policy) refused, and why. The attempt is audited in
    ``world.events`` like any other.

    >>> import iamsim
    >>> from iamsim.testing import assert_can_assume, new_world
    >>> world = new_world()
    >>> dev = world.create_account("111111111111")
    >>> alice = dev.create_user("alice", policies={"assume": {"Version": "2012-10-17",
    ...     "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}})
    >>> role = dev.create_role("Deploy", trust_policy={"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "sts:AssumeRole",
    ...      "Condition": {"StringEquals": {"sts:ExternalId": "ticket-42"}}}]})
    >>> assert_can_assume(alice, role.arn, external_id="ticket-42").arn
    'arn:aws:sts::111111111111:assumed-role/Deploy/iamsim-test'
    >>> assert_can_assume(alice, role.arn, external_id="ticket-41")
    Traceback (most recent call last):
    AssertionError: expected to assume the role, got AccessDenied: sts:AssumeRole on ...
    ...
        - Allow statement 0 in role Deploy trust policy: condition not met — StringEquals sts:ExternalId 'ticket-42': request has 'ticket-41'
    ...
    """  # noqa: E501 (the doctest shows a long explanation line as pytest prints it)
    __tracebackhide__ = True
    who = _caller(caller, world)
    assume_role_kwargs.setdefault("session_name", DEFAULT_SESSION_NAME)
    try:
        return assume_role(who, role_arn, **assume_role_kwargs)
    except IamSimError as error:
        raise AssertionError(_refusal("to assume the role", who, role_arn, error)) from None


def assert_cannot_assume(
    caller: Principal,
    role_arn: str,
    *,
    world: World | None = None,
    code: str = "AccessDenied",
    **assume_role_kwargs: Any,
) -> IamSimError:
    """Assert that STS refuses to let ``caller`` assume the role; return the error.

    The refusal must carry ``code``: ``AccessDenied`` by default (an authorization refusal; its
    ``.decision`` says why), or another AWS error code such as ``ValidationError``,
    ``ExpiredTokenException`` or ``PackedPolicyTooLarge`` — so a typo that makes STS reject the
    parameters cannot pass for a trust policy that refuses. Arguments are those of
    :func:`assert_can_assume`. When the role is assumed after all, the message names the
    session and explains the ``sts:AssumeRole`` decision that allowed it.

    >>> import iamsim
    >>> from iamsim.testing import assert_cannot_assume, new_world
    >>> world = new_world()
    >>> dev = world.create_account("111111111111")
    >>> role = dev.create_role("Admin", trust_policy={"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "sts:AssumeRole"}]})
    >>> mallory = dev.create_user("mallory")
    >>> assert_cannot_assume(mallory, role.arn).code
    'AccessDenied'
    >>> assert_cannot_assume(mallory, role.arn, code="ValidationError", duration_seconds=60).code
    'ValidationError'
    >>> admin = dev.create_user("admin", policies={"all": {"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Allow", "Action": "*", "Resource": "*"}]}})
    >>> assert_cannot_assume(admin, role.arn)
    Traceback (most recent call last):
    AssertionError: expected AccessDenied, but arn:aws:iam::111111111111:user/admin assumed ...
    ...
      decided by:
        - Allow statement 0 in user admin inline 'all'
    ...
    """
    __tracebackhide__ = True
    who = _caller(caller, world)
    assume_role_kwargs.setdefault("session_name", DEFAULT_SESSION_NAME)
    try:
        session = assume_role(who, role_arn, **assume_role_kwargs)
    except IamSimError as error:
        if error.code == code:
            return error
        raise AssertionError(_refusal(code, who, role_arn, error)) from None
    decision = evaluate(who, "sts:AssumeRole", role_arn, _assume_context(who, assume_role_kwargs))
    raise AssertionError(
        f"expected {code}, but {who.arn} assumed {role_arn}: session {session.arn}\n"
        + decision.explain()
    )


# -- worlds ---------------------------------------------------------------------------------


def new_world(now: datetime = FIXED_NOW) -> World:
    """A fresh, empty :class:`~iamsim.World` whose clock stands at ``now`` (:data:`FIXED_NOW`).

    What the ``iamsim_world`` pytest fixture returns; use it directly outside pytest.

    >>> from iamsim.testing import new_world
    >>> new_world().now.isoformat()
    '2026-01-01T00:00:00+00:00'
    """
    return World(now=now)


def _peek(path: Path) -> Mapping[str, Any] | None:
    """The file's top-level mapping, or None when the loaders should report the problem."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else read_yaml(text)
    except Exception:  # the loader reads it again and names the problem
        return None
    return data if isinstance(data, Mapping) else None


def _relabel(error: LoadError, placeholder: str, path: Path) -> LoadError:
    """The loader's error for a mapping, naming the file instead of ``<world>``."""
    message = str(error)
    if message.startswith(placeholder):
        message = str(path) + message[len(placeholder) :]
    return LoadError(message, code=error.code, cause=error.cause)


def world_from_file(path: str | PathLike[str], *, now: datetime | None = None) -> World:
    """Load a world file (YAML or JSON) or ``aws iam get-account-authorization-details`` JSON
    into a fresh world; what the ``iamsim_load`` fixture does (after resolving the path).

    An authorization-details file is recognized by its ``UserDetailList``, ``GroupDetailList``
    or ``RoleDetailList`` key and becomes one account of a new world. The clock stands at
    ``now`` if given, else at the world file's own ``now``, else at :data:`FIXED_NOW`. Errors
    are the loaders' :class:`~iamsim.LoadError`, naming the file, the entity and the problem.

    >>> from iamsim.testing import world_from_file
    >>> world = world_from_file("tests/data/authorization-details.json")
    >>> [account.id for account in world.accounts], world.now.year
    (['123456789012'], 2026)
    >>> world_from_file("examples/world.yaml").now.isoformat()
    '2026-01-15T09:00:00+00:00'
    """
    source = Path(path)
    data = _peek(source)
    if data is None:
        return load_world(source)  # raises the loader's LoadError, which names the file
    if any(key in data for key in _DETAIL_KEYS):
        world = World(now=now or FIXED_NOW)
        try:
            world.load_authorization_details(data)
        except LoadError as error:
            raise _relabel(error, "<authorization details>", source) from None
        return world
    if now is not None or "now" not in data:
        data = {**data, "now": now or FIXED_NOW}
    try:
        return load_world(data)
    except LoadError as error:
        raise _relabel(error, "<world>", source) from None
