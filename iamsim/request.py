"""A request to decide: who, which action, on which resource, in which context.

Context keys are case-insensitive, so they are stored lower-cased; values are strings, and a list
(a multivalued key such as ``aws:TagKeys``) becomes a tuple. Booleans and numbers given in JSON
become their IAM text (``true``, ``42``).
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import attrs

from iamsim.arn import Arn, is_account_id
from iamsim.conditions import ContextValue
from iamsim.errors import ValidationError
from iamsim.principals import RequestPrincipal

__all__ = ["Request", "normalize_context"]

_ACTION = re.compile(r"[A-Za-z0-9-]+:[A-Za-z0-9_-]+")


def _text(value: Any, key: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return repr(value)
    raise ValidationError(
        f"context key `{key}`: a value must be a string, number or boolean, "
        f"not {type(value).__name__}"
    )


def normalize_context(context: Mapping[str, Any] | None) -> dict[str, ContextValue]:
    """Lower-case the keys and turn every value into a string or a tuple of strings."""
    if context is None:
        return {}
    if not isinstance(context, Mapping):
        raise ValidationError(
            f"the request context must be a mapping, not {type(context).__name__}"
        )
    out: dict[str, ContextValue] = {}
    for key, value in context.items():
        if type(key) is not str or not key:
            raise ValidationError(f"context key `{key!r}` must be a non-empty string")
        lowered = key.lower()
        if lowered in out:
            raise ValidationError(f"context key `{key}` is given twice (keys are case-insensitive)")
        if type(value) is str:  # the common case, checked first: this runs per request
            out[lowered] = value
        elif isinstance(value, list | tuple):
            out[lowered] = tuple(_text(v, key) for v in value)
        else:
            out[lowered] = _text(value, key)
    return out


@lru_cache(maxsize=16384)
def _arn_account(resource: str) -> str | None:
    """The 12-digit account in a resource ARN (None for ``*`` or an ARN without one)."""
    if resource == "*":
        return None
    account = Arn.parse(resource).account
    return account if is_account_id(account) else None


@attrs.frozen
class Request:
    """One request to decide. Build it with :meth:`build`.

    Validated and normalised once (context keys lower-cased, values as IAM text), so the engine
    can decide it many times cheaply.

    >>> request = Request.build("arn:aws:iam::111122223333:user/alice", "s3:GetObject",
    ...     "arn:aws:s3:::reports/q3.csv", context={"aws:SecureTransport": True})
    >>> request.service, dict(request.context)
    ('s3', {'aws:securetransport': 'true'})
    """

    principal: RequestPrincipal
    action: str
    resource: str
    resource_account: str | None
    context: Mapping[str, ContextValue] = attrs.field(repr=False)
    resource_account_assumed: bool = False
    action_lower: str = attrs.field(init=False, repr=False)
    service: str = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "action_lower", self.action.lower())
        object.__setattr__(self, "service", self.action_lower.partition(":")[0])

    @classmethod
    def build(
        cls,
        principal: str | RequestPrincipal,
        action: str,
        resource: str,
        *,
        resource_account: str | None = None,
        context: Mapping[str, Any] | None = None,
        has_boundary: bool = False,
        resource_account_assumed: bool = False,
        context_is_normal: bool = False,
    ) -> Request:
        """Validate and normalise a request.

        ``resource_account`` defaults to the account in the resource ARN; an ARN without one
        (an S3 bucket) is taken to be the caller's own, and the decision says so.

        >>> request = Request.build("arn:aws:iam::111122223333:user/alice", "s3:GetObject",
        ...                         "arn:aws:s3:::reports/q3.csv")
        >>> request.resource_account, request.resource_account_assumed
        ('111122223333', True)
        """
        # evaluate() passes a context it built already normalised; skip the second pass
        normalized = dict(context) if context_is_normal and context else normalize_context(context)
        if not isinstance(principal, RequestPrincipal | str):
            raise ValidationError(f"the principal must be an ARN, not {type(principal).__name__}")
        if resource_account is not None and not isinstance(resource_account, str):
            raise ValidationError(
                f"resource_account must be a 12-digit string (quote it in YAML), not "
                f"{type(resource_account).__name__}"
            )
        if not isinstance(principal, RequestPrincipal):
            role_arn = normalized.get("aws:principalarn")
            principal = RequestPrincipal.parse(
                principal,
                role_arn=role_arn
                if isinstance(role_arn, str) and "assumed-role/" in principal
                else None,
                has_boundary=has_boundary,
            )
        if not isinstance(action, str) or not _ACTION.fullmatch(action):
            raise ValidationError(f"`{action}` is not an action: use service:ActionName")
        if not isinstance(resource, str) or not resource:
            raise ValidationError(f"the resource must be an ARN or *, not `{resource!r}`")
        assumed = resource_account_assumed
        arn_account = _arn_account(resource)
        if resource_account is None:
            if arn_account:
                resource_account = arn_account
            else:
                resource_account, assumed = principal.account, True
        if resource_account is not None and not is_account_id(resource_account):
            raise ValidationError(
                f"resource_account `{resource_account}` is not a 12-digit account ID"
            )
        return cls(
            principal,
            action,
            resource,
            resource_account,
            MappingProxyType(normalized),
            assumed,
        )

    @property
    def same_account(self) -> bool:
        """Whether the caller and the resource belong to the same account.

        Across accounts AWS needs both sides to allow, so the engine asks this first.

        >>> Request.build("arn:aws:iam::111122223333:user/alice", "sqs:SendMessage",
        ...               "arn:aws:sqs:us-east-1:444455556666:jobs").same_account
        False
        """
        return (
            self.principal.account is not None and self.principal.account == self.resource_account
        )
