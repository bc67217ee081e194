"""A deliberately naive IAM evaluator, written straight from AWS's documented flowchart.

It is the oracle of ``test_reference.py`` and shares no code with iamsim: it reads the policy
dicts as they are written, translates wildcards with one plain regex, and follows the
documented steps in order, without indexing, caching or compiling anything.

Subset covered (the property test generates only this):

* identity-based policies, an optional permissions boundary, an optional resource-based policy;
* ``Action``/``NotAction`` and ``Resource``/``NotResource`` with exact values or ``*``/``?``
  wildcards (actions case-insensitive, resources case-sensitive);
* resource-policy ``Principal`` naming exact IAM user ARNs, account IDs, or ``"*"``;
* ``StringEquals``, ``StringNotEquals`` and ``Null`` (one value) on single-valued string keys;
* callers that are IAM users or role sessions (no root user, no session policy, no SCP/RCP).

The rules, in the order the pages give them:

1. "By default, all requests are implicitly denied" and "An explicit deny in any policy
   overrides any allows" (identity-based, resource-based, boundary alike).
   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
2. Within one account, "If an action is allowed by an identity-based policy, a resource-based
   policy, or both, then AWS allows the action", where a resource-based policy that names the
   account only delegates to the account's identity policies ("When you specify an account
   principal ... the account administrators must grant it through identity-based policies").
   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
3. A permissions boundary caps identity-based permissions: "the resulting permissions are the
   intersection" — but "Within an account, an implicit deny in a permissions boundary does not
   limit the permissions granted to an IAM user by a resource-based policy" (nor to ``"*"``,
   which names the caller as directly as its ARN does).
   https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
4. Across accounts, "both the identity-based policies of the principal and the resource-based
   policy of the resource must allow", the identity side within its boundary.
   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Doc = dict[str, Any]
Verdict = Literal["allowed", "explicitDeny", "implicitDeny"]


@dataclass(frozen=True)
class Request:
    """Who asks for what: the caller's ARN and account, the action, the resource and its
    account, and the request context (string values only)."""

    principal: str
    principal_account: str
    action: str
    resource: str
    resource_account: str
    context: Mapping[str, str]


def _values(value: Any) -> list[Any]:
    return [value] if isinstance(value, str) else list(value)


def _statements(policy: Doc) -> list[Doc]:
    body = policy["Statement"]
    return [body] if isinstance(body, dict) else list(body)


def _wildcard_match(pattern: str, value: str, *, ignore_case: bool) -> bool:
    """``*`` is any run of characters, ``?`` exactly one, everything else itself."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.fullmatch(regex, value, flags) is not None


def _covers(statement: Doc, element: str, value: str, *, ignore_case: bool) -> bool:
    """Whether ``Action``/``Resource`` (or their ``Not`` forms) cover ``value``."""
    if element in statement:
        patterns = _values(statement[element])
        return any(_wildcard_match(p, value, ignore_case=ignore_case) for p in patterns)
    patterns = _values(statement["Not" + element])
    return not any(_wildcard_match(p, value, ignore_case=ignore_case) for p in patterns)


def _condition_holds(condition: Doc, context: Mapping[str, str]) -> bool:
    """Operators AND, keys AND, values OR (NOR for StringNotEquals); key names ignore case.
    An absent key makes StringEquals false and StringNotEquals true."""
    lowered = {key.lower(): value for key, value in context.items()}
    for operator, block in condition.items():
        for key, wanted in block.items():
            value = lowered.get(key.lower())
            options = _values(wanted)
            if operator == "StringEquals":
                holds = value is not None and value in options
            elif operator == "StringNotEquals":
                holds = value is None or value not in options
            elif operator == "Null":
                holds = any((value is None) == (option == "true") for option in options)
            else:  # pragma: no cover - outside the subset
                raise NotImplementedError(operator)
            if not holds:
                return False
    return True


def _names(statement: Doc, request: Request) -> Literal["caller", "account"] | None:
    """How a resource-policy statement's Principal names the caller, if it does."""
    element = statement["Principal"]
    if element == "*":
        return "caller"
    ids = _values(element.get("AWS", []))
    if "*" in ids or request.principal in ids:
        return "caller"
    if request.principal_account in ids:
        return "account"
    return None


def _applies(statement: Doc, request: Request) -> bool:
    return (
        _covers(statement, "Action", request.action, ignore_case=True)
        and _covers(statement, "Resource", request.resource, ignore_case=False)
        and _condition_holds(statement.get("Condition", {}), request.context)
    )


def evaluate(
    request: Request,
    *,
    identity: Sequence[Doc] = (),
    boundary: Doc | None = None,
    resource_policy: Doc | None = None,
) -> Verdict:
    """Decide ``request`` the way the documentation's flowchart does."""
    identity_statements = [s for p in identity for s in _statements(p) if _applies(s, request)]
    boundary_statements = (
        [s for s in _statements(boundary) if _applies(s, request)] if boundary else []
    )
    resource_statements = (
        [
            (s, how)
            for s in _statements(resource_policy)
            if _applies(s, request) and (how := _names(s, request)) is not None
        ]
        if resource_policy
        else []
    )

    # 1. An explicit deny in any policy wins.
    every = identity_statements + boundary_statements + [s for s, _ in resource_statements]
    if any(s["Effect"] == "Deny" for s in every):
        return "explicitDeny"

    identity_allows = any(s["Effect"] == "Allow" for s in identity_statements)
    boundary_allows = boundary is None or any(s["Effect"] == "Allow" for s in boundary_statements)
    identity_side = identity_allows and boundary_allows
    resource_grants = {how for s, how in resource_statements if s["Effect"] == "Allow"}

    if request.principal_account == request.resource_account:
        # 2 and 3. Same account: a resource-based grant to the caller suffices by itself; one
        # to the account only delegates to the identity side, which the boundary caps.
        if "caller" in resource_grants or identity_side:
            return "allowed"
        return "implicitDeny"
    # 4. Across accounts both sides must allow.
    if identity_side and resource_grants:
        return "allowed"
    return "implicitDeny"
