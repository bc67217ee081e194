"""``simulate()``: decide one request against an explicit set of policies, like the AWS policy
simulator's custom-policy mode. The format is documented in docs/simulate-format.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from iamsim.decision import Decision, Outcome
from iamsim.engine import PolicySet
from iamsim.errors import PolicyError, ValidationError

__all__ = ["CASE_KEYS", "build_case", "simulate"]

CASE_KEYS = ("policies", "request", "expect", "id", "doc", "why", "name")
_POLICY_KEYS = ("identity", "resource", "boundary", "session", "scps", "rcps")
_REQUEST_KEYS = ("principal", "action", "resource", "resource_account", "context")


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValidationError(f"{where} must be an object, not {type(value).__name__}")
    return value


def _unknown(mapping: Mapping[str, Any], known: tuple[str, ...], where: str) -> None:
    extra = [k for k in mapping if k not in known]
    if extra:
        raise ValidationError(
            f"{where}: unknown key(s) {', '.join(map(repr, extra))}; expected {', '.join(known)}"
        )


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise ValidationError(f"{where} must be a list, not {type(value).__name__}")
    return list(value)


def build_case(case: Mapping[str, Any]) -> tuple[PolicySet, dict[str, Any], Outcome | None]:
    """Validate a simulate case; return its compiled policies, request parts and expectation."""
    case = _mapping(case, "a simulate case")
    _unknown(case, CASE_KEYS, "case")
    policies = _mapping(case.get("policies", {}), "policies")
    _unknown(policies, _POLICY_KEYS, "policies")
    request = _mapping(case.get("request"), "request") if "request" in case else None
    if request is None:
        raise ValidationError("case: missing `request`")
    _unknown(request, _REQUEST_KEYS, "request")
    for key in ("principal", "action", "resource"):
        if key not in request:
            raise ValidationError(f"request: missing `{key}`")
    levels = {
        name: [
            _list(level, f"policies.{name}[{i}]")
            for i, level in enumerate(_list(policies.get(name), f"policies.{name}"))
        ]
        for name in ("scps", "rcps")
    }
    try:
        policy_set = PolicySet(
            identity=_list(policies.get("identity"), "policies.identity"),
            resource=policies.get("resource"),
            boundary=policies.get("boundary"),
            session=policies.get("session"),
            scps=levels["scps"],
            rcps=levels["rcps"],
        )
    except PolicyError as exc:
        raise PolicyError(exc.problems, source=f"policies: {exc.source}") from None
    expect = None
    if case.get("expect") is not None:
        try:
            expect = Outcome.parse(case["expect"])
        except ValueError as exc:
            raise ValidationError(f"expect: {exc}") from None
    return policy_set, dict(request), expect


def simulate(case: Mapping[str, Any]) -> Decision:
    """Decide the request of a simulate case (``expect`` is not consulted here).

    >>> simulate({
    ...     "policies": {"identity": [{"Version": "2012-10-17", "Statement": [
    ...         {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}]},
    ...     "request": {"principal": "arn:aws:iam::111122223333:user/alice",
    ...                 "action": "s3:GetObject", "resource": "arn:aws:s3:::bucket/key"},
    ... }).outcome
    <Outcome.ALLOWED: 'allowed'>
    """
    policy_set, request, _ = build_case(case)
    return policy_set.evaluate(
        request["principal"],
        request["action"],
        request["resource"],
        resource_account=request.get("resource_account"),
        context=request.get("context"),
    )
