"""``world.what_can(principal, resource=None)``: the actions a principal is allowed, expanded
through the AWS action catalog, grouped by service.

Candidate actions come from the principal's Allow statements (its own, its groups', its role's),
and from the resource's policy when a resource is given; every candidate is then decided by the
engine, so Denies, boundaries, session policies and SCPs all count.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from iamsim.policy import as_tuple

if TYPE_CHECKING:
    from iamsim.world import World

__all__ = ["Allowed", "what_can"]


@attrs.frozen
class Allowed:
    """An action the principal may perform, and on which resources (patterns as its policies
    wrote them, or the resource asked about)."""

    action: str
    resources: tuple[str, ...]


def _candidates(policies: list[Any]) -> dict[str, set[str]]:
    """Action patterns of Allow statements, each with the resource patterns it was written for."""
    from iamsim import catalog

    found: dict[str, set[str]] = {}
    for policy in policies:
        for statement in policy.statements:
            if not statement.allows:
                continue
            resources = set(as_tuple(statement.resource)) or {"*"}
            if statement.not_resource is not None:
                resources = {"*"}
            if statement.action is not None:
                actions = [a for p in as_tuple(statement.action) for a in catalog.expand_actions(p)]
            else:
                excluded = {
                    a for p in as_tuple(statement.not_action) for a in catalog.expand_actions(p)
                }
                actions = [a for a in catalog.expand_actions("*") if a not in excluded]
            for action in actions:
                found.setdefault(action, set()).update(resources)
    return found


def what_can(
    world: World,
    principal: Any,
    resource: str | None = None,
    context: Mapping[str, Any] | None = None,
) -> dict[str, list[Allowed]]:
    """Allowed actions grouped by service prefix (``{"s3": [Allowed("s3:GetObject", ...)]}``)."""
    from iamsim.gather import evaluate, principal_side

    side = principal_side(world, principal)
    policies = [p.policy for p in side.identity]
    if resource is not None:
        held = world.find_resource(resource)
        if held is not None and held.policy is not None:
            policies.append(held.policy.policy)
        found = world._arn_index.get(resource)
        if found is not None and found[0] == "role":
            policies.append(world._role_state(found[1], found[2]).trust.policy)
    out: dict[str, list[Allowed]] = {}
    for action, patterns in sorted(_candidates(policies).items()):
        targets = [resource] if resource is not None else sorted(patterns)
        allowed = tuple(t for t in targets if evaluate(principal, action, t, context).allowed)
        if allowed:
            out.setdefault(action.split(":")[0], []).append(Allowed(action, allowed))
    return out
