"""External access, as IAM Access Analyzer reports it: which roles principals outside a zone of
trust can assume, and which resources their resource policies open to them.

The zone of trust is the resource's account (``zone="account"``) or its organization
(``zone="organization"``). Service principals are not reported; federated identities, canonical
users, other accounts and their users and roles are; ``"*"`` is reported unless a condition keeps
it inside the zone (``aws:PrincipalAccount``, ``aws:PrincipalOrgID``, ``aws:PrincipalOrgPaths``,
``aws:PrincipalArn``, ``aws:SourceAccount``, ``aws:SourceOrgID``). Statements are read as Access
Analyzer reads them: Deny statements do not remove findings (unsure cases err toward a finding).
https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-concepts.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs

from iamsim._state import StoredPolicy
from iamsim.arn import is_account_id
from iamsim.errors import ValidationError
from iamsim.policy import ConditionClause, Statement, as_tuple

if TYPE_CHECKING:
    from iamsim.world import World

__all__ = ["ExternalAccess", "external_access"]

_ZONE_KEYS = {
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalarn",
    "aws:sourceaccount",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:userid",
}
_ACCOUNT_OF = re.compile(r"arn:[a-z-]+:(?:iam|sts)::(\d{12}):")


@attrs.frozen
class ExternalAccess:
    """One way in from outside the zone of trust."""

    resource: str
    resource_type: str
    principal: Any  # as written in the policy: "*", or {"AWS": ...}, {"Federated": ...}
    statement: int
    sid: str | None
    actions: tuple[str, ...]
    conditions: tuple[str, ...]

    @property
    def is_public(self) -> bool:
        """Whether anyone (``"*"``) can use it."""
        return bool(self.principal in ("*", {"AWS": "*"}))


def _zone_accounts(world: World, account_id: str, zone: str) -> tuple[set[str], str | None]:
    if zone == "account":
        return {account_id}, None
    org = world._org
    state = world._accounts.get(account_id)
    if org is None or state is None or state.parent is None:
        return {account_id}, None
    inside = {a.id for a in world._accounts.values() if a.parent is not None}
    return inside, org.id


def _account_of(identifier: str) -> str | None:
    if is_account_id(identifier):
        return identifier
    match = _ACCOUNT_OF.match(identifier)
    return match.group(1) if match else None


def _describe(clause: ConditionClause) -> str:
    values = clause.values if isinstance(clause.values, str) else list(clause.values)
    return f"{clause.operator} {clause.key} {values}"


def _keeps_inside(
    clauses: tuple[ConditionClause, ...], inside: set[str], org_id: str | None
) -> bool:
    """Whether a condition confines the statement to principals inside the zone."""
    for clause in clauses:
        key = clause.key.lower()
        if key not in _ZONE_KEYS or clause.parsed_operator.operator.negated:
            continue
        if clause.parsed_operator.set_prefix == "ForAllValues" or clause.parsed_operator.if_exists:
            continue  # true when the key is absent: confines nothing
        values = as_tuple(clause.values)
        if key in ("aws:principalorgid", "aws:sourceorgid"):
            if org_id is not None and all(v == org_id for v in values):
                return True
        elif key in ("aws:principalorgpaths", "aws:sourceorgpaths"):
            if org_id is not None and all(v.startswith(org_id + "/") for v in values):
                return True
        else:
            accounts = [_account_of(v) if key != "aws:userid" else None for v in values]
            if key in ("aws:principalaccount", "aws:sourceaccount"):
                accounts = [v if is_account_id(v) else None for v in values]
            if accounts and all(a is not None and a in inside for a in accounts):
                return True
    return False


def _findings(
    resource: str, resource_type: str, stored: StoredPolicy, inside: set[str], org_id: str | None
) -> Iterator[ExternalAccess]:
    for index, statement in enumerate(stored.policy.statements):
        if not statement.allows or statement.principal is None:
            continue
        clauses = statement.condition or ()
        if _keeps_inside(clauses, inside, org_id):
            continue
        conditions = tuple(_describe(c) for c in clauses)
        actions = as_tuple(statement.action) or tuple(
            f"NotAction {a}" for a in as_tuple(statement.not_action)
        )
        for principal in _external_principals(statement, inside):
            yield ExternalAccess(
                resource, resource_type, principal, index, statement.sid, actions, conditions
            )


def _external_principals(statement: Statement, inside: set[str]) -> Iterator[Any]:
    element = statement.principal
    assert element is not None
    if element.everyone:
        yield "*"
        return
    for key, values in element.entries:
        for value in as_tuple(values):
            if key == "Service":
                continue
            if key == "AWS":
                if value == "*":
                    yield {"AWS": "*"}
                    continue
                account = _account_of(value)
                if account is None or account not in inside:
                    yield {"AWS": value}
            else:  # Federated identities and canonical users are outside any account zone
                yield {key: value}


def external_access(world: World, zone: str = "account") -> list[ExternalAccess]:
    """Roles and resources that principals outside the zone of trust can reach."""
    if zone not in ("account", "organization"):
        raise ValidationError(f"zone must be 'account' or 'organization', not {zone!r}")
    out: list[ExternalAccess] = []
    for account_id, account in world._accounts.items():
        inside, org_id = _zone_accounts(world, account_id, zone)
        for role in account.roles.values():
            out += _findings(role.arn, "AWS::IAM::Role", role.trust, inside, org_id)
        for resource in account.resources.values():
            if resource.policy is not None:
                out += _findings(
                    resource.arn, _resource_type(resource.arn), resource.policy, inside, org_id
                )
    return out


def _resource_type(arn: str) -> str:
    service = arn.split(":")[2]
    return {
        "s3": "AWS::S3::Bucket",
        "sqs": "AWS::SQS::Queue",
        "kms": "AWS::KMS::Key",
        "sns": "AWS::SNS::Topic",
        "secretsmanager": "AWS::SecretsManager::Secret",
        "lambda": "AWS::Lambda::Function",
        "dynamodb": "AWS::DynamoDB::Table",
    }.get(service, f"AWS::{service}")
