"""``world.diff(change)``: who gains or loses which actions when the world changes — the question
asked before every policy change — computed on a snapshot, so the world itself is left as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from iamsim.decision import Outcome
from iamsim.entities import Role, User
from iamsim.policy import as_tuple

if TYPE_CHECKING:
    from iamsim.world import World

__all__ = ["AccessChange", "diff"]


@attrs.frozen
class AccessChange:
    """One request whose outcome the change alters."""

    principal: str
    action: str
    resource: str
    before: Outcome
    after: Outcome

    @property
    def gained(self) -> bool:
        """Whether the change allows what was denied."""
        return self.after is Outcome.ALLOWED and self.before is not Outcome.ALLOWED

    @property
    def lost(self) -> bool:
        """Whether the change denies what was allowed."""
        return self.before is Outcome.ALLOWED and self.after is not Outcome.ALLOWED


def _documents(world: World) -> Iterable[Any]:
    for account in world._accounts.values():
        for user in account.users.values():
            yield from (s.policy for s in user.inline.values())
        for group in account.groups.values():
            yield from (s.policy for s in group.inline.values())
        for role in account.roles.values():
            yield from (s.policy for s in role.inline.values())
            yield role.trust.policy
        for managed in account.policies.values():
            yield from (s.policy for s in managed.versions.values())
        for resource in account.resources.values():
            if resource.policy is not None:
                yield resource.policy.policy
    for managed in world._aws_policies.values():
        yield managed.default.policy


def _expand(pattern: str) -> list[str]:
    if "*" not in pattern and "?" not in pattern:
        return [pattern]
    from iamsim.catalog import expand_actions

    return list(expand_actions(pattern))


def probe_actions(world: World) -> set[str]:
    """The actions the world's policies name, wildcards expanded through the action catalog."""
    out: set[str] = set()
    for document in _documents(world):
        for statement in document.statements:
            for pattern in as_tuple(statement.action):
                if pattern != "*":
                    out.update(_expand(pattern))
    return out


def probe_resources(world: World) -> set[str]:
    """The world's resources and roles, the literal ARNs its policies name, and ``*``."""
    out = {"*"}
    for account in world._accounts.values():
        out.update(account.resources)
        out.update(r.arn for r in account.roles.values())
        out.update(u.arn for u in account.users.values())
    for document in _documents(world):
        for statement in document.statements:
            for arn in as_tuple(statement.resource):
                if arn.startswith("arn:") and not any(c in arn for c in "*?$"):
                    out.add(arn)
    return out


def _principals(world: World) -> list[User | Role]:
    out: list[User | Role] = []
    for account_id, account in world._accounts.items():
        out += [User(world, account_id, n) for n in account.users]
        out += [Role(world, account_id, n) for n in account.roles]
    return out


def diff(
    world: World,
    change: Callable[[World], Any],
    *,
    actions: Iterable[str] | None = None,
    resources: Iterable[str] | None = None,
    context: Mapping[str, Any] | None = None,
) -> list[AccessChange]:
    """Apply ``change`` to a snapshot of the world and list every request whose outcome moves.

    By default the requests probed are every user and role x the actions the policies name
    (before and after the change) x the world's resources and the ARNs its policies name.
    ``context`` is added to every probe (for example MFA keys, to see what MFA users gain).
    """
    from iamsim.gather import evaluate

    snapshot = world._snapshot()
    try:
        change(world)
        after_actions = probe_actions(world) if actions is None else set()
        after_resources = probe_resources(world) if resources is None else set()
        after_principals = {p.arn: p for p in _principals(world)}
    except BaseException:
        world._restore(snapshot)
        raise
    changed_state = world._snapshot()
    world._restore(snapshot)
    probe_a = sorted(set(actions) if actions is not None else probe_actions(world) | after_actions)
    probe_r = sorted(
        set(resources) if resources is not None else probe_resources(world) | after_resources
    )
    before_principals = {p.arn: p for p in _principals(world)}

    def outcomes(principals: dict[str, User | Role]) -> dict[tuple[str, str, str], Outcome]:
        return {
            (arn, action, resource): evaluate(principal, action, resource, context).outcome
            for arn, principal in principals.items()
            for action in probe_a
            for resource in probe_r
        }

    before = outcomes(before_principals)
    world._restore(changed_state)
    try:
        after = outcomes({arn: _rebind(p, world) for arn, p in after_principals.items()})
    finally:
        world._restore(snapshot)
    keys = sorted(set(before) | set(after))
    missing = Outcome.IMPLICIT_DENY  # a principal that does not exist can do nothing
    return [
        AccessChange(*key, before.get(key, missing), after.get(key, missing))
        for key in keys
        if before.get(key, missing) is not after.get(key, missing)
    ]


def _rebind(principal: User | Role, world: World) -> User | Role:
    return type(principal)(world, principal._account, principal._name)
