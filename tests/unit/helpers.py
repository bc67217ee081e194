"""Small builders shared by the unit tests."""

from __future__ import annotations

from typing import Any

import iamsim

ALICE = "arn:aws:iam::111122223333:user/alice"
BOB_OTHER = "arn:aws:iam::444455556666:user/bob"
SESSION = "arn:aws:sts::111122223333:assumed-role/AppRole/app-session"
ROLE = "arn:aws:iam::111122223333:role/AppRole"
BUCKET_OBJECT = "arn:aws:s3:::amzn-s3-demo-bucket/a.txt"
DOC = "https://docs.aws.amazon.com/IAM/latest/UserGuide/"


def statement(
    effect: str = "Allow", action: Any = "*", resource: Any = "*", **extra: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {"Effect": effect, "Action": action, "Resource": resource}
    out.update(extra)
    return out


def policy(*statements: dict[str, Any], version: str | None = "2012-10-17") -> dict[str, Any]:
    doc: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        doc["Version"] = version
    return doc


def allow(action: Any = "*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return policy(statement("Allow", action, resource, **extra))


def deny(action: Any = "*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return policy(statement("Deny", action, resource, **extra))


def resource_policy(
    principal: Any, effect: str = "Allow", action: Any = "*", resource: Any = "*", **extra: Any
) -> dict[str, Any]:
    body = statement(effect, action, resource, **extra)
    body["Principal"] = principal
    return policy(body)


def decide(
    principal: str = ALICE,
    action: str = "s3:GetObject",
    arn: str = BUCKET_OBJECT,
    *,
    resource_account: str | None = "111122223333",
    context: dict[str, Any] | None = None,
    **policies: Any,
) -> iamsim.Decision:
    return iamsim.PolicySet(**policies).evaluate(
        principal, action, arn, resource_account=resource_account, context=context
    )


def outcome(*args: Any, **kwargs: Any) -> str:
    return str(decide(*args, **kwargs).outcome)


def condition_allows(
    condition: dict[str, Any], context: dict[str, Any] | None, version: str = "2012-10-17"
) -> bool:
    """Whether an Allow statement with this condition applies to a request with this context."""
    doc = policy(statement(Condition=condition), version=version)
    return decide(identity=[doc], context=context).allowed


def condition_denies(condition: dict[str, Any], context: dict[str, Any] | None) -> bool:
    """Whether a Deny statement with this condition applies (next to an Allow-all)."""
    return (
        str(decide(identity=[allow(), deny(Condition=condition)], context=context).outcome)
        == "explicitDeny"
    )
