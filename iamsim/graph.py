"""Who can reach what: the role-assumption graph of a world, and ``who_can``.

An edge ``principal → role`` means AWS would let the principal call ``sts:AssumeRole`` on the role
(the principal's own policies, boundary and SCPs, and the role's trust policy all allow), either
as things stand or under conditions the caller can meet: MFA (for users) or a particular
``sts:ExternalId``. Every edge is decided by the engine itself (``iamsim.evaluate``); a cheap
prefilter only skips pairs that cannot be allowed (the caller has no identity-based Allow for
``sts:AssumeRole`` that covers the role, and the trust policy does not name it directly).
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from iamsim._state import RoleState, StoredPolicy, UserState
from iamsim.compiled import CompiledStatement
from iamsim.entities import Role, User
from iamsim.policy import as_tuple

if TYPE_CHECKING:
    from iamsim.world import World

__all__ = ["AccessGraph", "Edge", "WhoCan", "access_graph", "who_can"]

_ASSUME = "sts:assumerole"
_MFA = {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "0"}


@attrs.frozen
class Edge:
    """``source`` (a user or role ARN) can assume ``target`` (a role ARN) when ``conditions``
    hold (empty: always)."""

    source: str
    target: str
    conditions: tuple[str, ...] = ()

    @property
    def cross_account(self) -> bool:
        """Whether the edge crosses an account boundary."""
        return self.source.split(":")[4] != self.target.split(":")[4]


@attrs.frozen
class WhoCan:
    """A principal that can perform a request, directly (empty ``path``) or through the roles it
    assumes on the way (their ARNs, in order), with the conditions needed along the path."""

    principal: str
    path: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()


@attrs.frozen
class AccessGraph:
    """Who can assume which role, across accounts."""

    nodes: tuple[str, ...]
    edges: tuple[Edge, ...]

    def edges_from(self, source: str) -> tuple[Edge, ...]:
        """The roles ``source`` can assume."""
        return tuple(e for e in self.edges if e.source == source)

    def edges_to(self, target: str) -> tuple[Edge, ...]:
        """Who can assume ``target``."""
        return tuple(e for e in self.edges if e.target == target)

    def paths_to(self, role_arn: str) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
        """Every principal that can reach ``role_arn``, once each, by a shortest chain:
        (start, the roles assumed on the way ending with ``role_arn``, the conditions)."""
        return _backward(self._into(), [role_arn], {role_arn})

    def _into(self) -> dict[str, list[Edge]]:
        into: dict[str, list[Edge]] = {}
        for edge in self.edges:
            into.setdefault(edge.target, []).append(edge)
        return into

    def escalation_paths(self, admin_roles: Iterable[str]) -> list[tuple[str, tuple[str, ...]]]:
        """Principals that reach an admin-equivalent role, with the path (privilege escalation)."""
        out = []
        for role in admin_roles:
            out += [(start, path) for start, path, _ in self.paths_to(role)]
        return out

    def to_json(self) -> dict[str, Any]:
        """Nodes and edges as JSON-ready data."""
        return {
            "nodes": [{"arn": n, "account": n.split(":")[4], "kind": _kind(n)} for n in self.nodes],
            "edges": [
                {
                    "source": e.source,
                    "target": e.target,
                    "conditions": list(e.conditions),
                    "crossAccount": e.cross_account,
                }
                for e in self.edges
            ],
        }

    def to_json_text(self) -> str:
        """The graph as JSON text."""
        return json.dumps(self.to_json(), indent=2)

    def to_networkx(self) -> Any:
        """A ``networkx.DiGraph`` (networkx must be installed)."""
        import networkx  # type: ignore[import-untyped,import-not-found,unused-ignore]

        graph = networkx.DiGraph()
        for node in self.nodes:
            graph.add_node(node, account=node.split(":")[4], kind=_kind(node))
        for edge in self.edges:
            graph.add_edge(edge.source, edge.target, conditions=list(edge.conditions))
        return graph

    def to_svg(self) -> str:
        """An SVG drawing: one column per account, arrows from principals to roles."""
        from iamsim.diagram import render_svg

        return render_svg(self)

    def write_svg(self, path: str) -> None:
        """Write :meth:`to_svg` to a file."""
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(self.to_svg())

    def _repr_html_(self) -> str:
        return self.to_svg()


def _kind(arn: str) -> str:
    return "role" if ":role/" in arn else "user"


class _Prefilter:
    """Which stored policies could allow an action on a resource (memoised per policy)."""

    def __init__(self, world: World, action: str) -> None:
        self.world = world
        self.action = action.lower()
        self._statements: dict[int, tuple[CompiledStatement, ...]] = {}

    def allows(self, policies: Iterable[StoredPolicy], resource: str) -> bool:
        for stored in policies:
            key = id(stored)
            statements = self._statements.get(key)
            if statements is None:
                statements = tuple(
                    s
                    for s in stored.compiled.statements
                    if s.allow and s.applies_to_action(self.action)
                )
                self._statements[key] = statements
            for statement in statements:
                # Resource patterns with policy variables may match once resolved: keep them.
                if statement.matches_resource(resource, {}) or _has_variables(statement):
                    return True
        return False


def _has_variables(statement: CompiledStatement) -> bool:
    values = as_tuple(statement.statement.resource) + as_tuple(statement.statement.not_resource)
    return any("${" in v for v in values)


def _identity_policies(
    world: World, kind: str, state: UserState | RoleState, account: str
) -> list[StoredPolicy]:
    policies = list(state.inline.values())
    policies += [world._managed_state(a).default for a in state.managed]
    if isinstance(state, UserState):
        groups = world._account_state(account).groups
        for name in state.groups:
            group = groups[name]
            policies += list(group.inline.values())
            policies += [world._managed_state(a).default for a in group.managed]
    del kind
    return policies


def _principals(world: World) -> Iterator[tuple[str, str, UserState | RoleState, User | Role]]:
    for account_id, account in world._accounts.items():
        for user in account.users.values():
            yield "user", account_id, user, User(world, account_id, user.name)
        for role in account.roles.values():
            yield "role", account_id, role, Role(world, account_id, role.name)


@attrs.frozen
class _Trust:
    """What a role's trust policy says about sts:AssumeRole, for choosing candidates."""

    accounts: frozenset[str]
    arns: frozenset[str]
    everyone: bool
    external_ids: tuple[str, ...]
    needs_mfa: bool  # every Allow asks Bool aws:MultiFactorAuthPresent true
    needs_external_id: bool  # every Allow asks StringEquals sts:ExternalId


def _asks(statement: CompiledStatement, key: str, operator: str, values: set[str] | None) -> bool:
    for clause in statement.statement.condition or ():
        parsed = clause.parsed_operator
        if (
            clause.key.lower() == key
            and parsed.operator.name == operator
            and not parsed.if_exists
            and parsed.set_prefix is None
            and (values is None or {v.lower() for v in as_tuple(clause.values)} <= values)
        ):
            return True
    return False


def _trust_facts(role: RoleState) -> _Trust:
    accounts: set[str] = set()
    arns: set[str] = set()
    everyone = False
    external_ids: list[str] = []
    allows = [s for s in role.trust.compiled.statements if s.allow and s.applies_to_action(_ASSUME)]
    for statement in allows:
        matcher = statement.principal
        if matcher is not None:
            everyone = everyone or matcher.everyone
            accounts |= matcher.accounts
            arns |= matcher.arns
        for clause in statement.statement.condition or ():
            if (
                clause.key.lower() == "sts:externalid"
                and not clause.parsed_operator.operator.negated
            ):
                external_ids += [
                    v for v in as_tuple(clause.values) if "*" not in v and "?" not in v
                ]
    return _Trust(
        frozenset(accounts),
        frozenset(arns),
        everyone,
        tuple(dict.fromkeys(external_ids)),
        bool(allows)
        and all(_asks(s, "aws:multifactorauthpresent", "Bool", {"true"}) for s in allows),
        bool(allows) and all(_asks(s, "sts:externalid", "StringEquals", None) for s in allows),
    )


def _backward(
    into: Mapping[str, list[Edge]], seeds: Iterable[str], reached: set[str]
) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """Breadth-first along edges reversed, from the seed roles: every principal not yet in
    ``reached`` once, with the shortest chain of roles to a seed and the conditions on it."""
    found: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []
    queue: deque[tuple[str, tuple[str, ...], tuple[str, ...]]] = deque(
        (seed, (seed,), ()) for seed in seeds
    )
    while queue:
        node, path, conditions = queue.popleft()
        for edge in into.get(node, ()):
            if edge.source in reached:
                continue
            reached.add(edge.source)
            merged = tuple(dict.fromkeys(edge.conditions + conditions))
            found.append((edge.source, path, merged))
            if ":role/" in edge.source:
                queue.append((edge.source, (edge.source, *path), merged))
    return found


def access_graph(world: World) -> AccessGraph:
    """Compute who can assume which role (cached until the world changes)."""
    return world._cached(("access-graph",), lambda: _build_graph(world))


def _build_graph(world: World) -> AccessGraph:
    from functools import partial

    from iamsim.gather import _decide

    evaluate = partial(_decide, world, cache=False)

    prefilter = _Prefilter(world, "sts:AssumeRole")
    principals = list(_principals(world))
    by_account: dict[str, list[tuple[str, str, UserState | RoleState, User | Role]]] = {}
    by_arn = {entry[2].arn: entry for entry in principals}
    for entry in principals:
        by_account.setdefault(entry[1], []).append(entry)
    identity_cache: dict[str, list[StoredPolicy]] = {}
    edges: list[Edge] = []
    for account in world._accounts.values():
        for role in account.roles.values():
            trust = _trust_facts(role)
            accounts, arns = trust.accounts, trust.arns
            if trust.everyone:
                candidates = principals
            else:
                candidates = [e for a in accounts for e in by_account.get(a, [])]
                candidates += [
                    by_arn[arn] for arn in arns if arn in by_arn and by_arn[arn][1] not in accounts
                ]
            for kind, principal_account, state, handle in candidates:
                named = state.arn in arns
                if not named:
                    policies = identity_cache.get(state.arn)
                    if policies is None:
                        policies = identity_cache[state.arn] = _identity_policies(
                            world, kind, state, principal_account
                        )
                    if not prefilter.allows(policies, role.arn):
                        continue
                conditions = _edge_conditions(evaluate, handle, role.arn, kind, trust)
                if conditions is not None:
                    edges.append(Edge(state.arn, role.arn, conditions))
    nodes = tuple(dict.fromkeys([e.source for e in edges] + [e.target for e in edges]))
    return AccessGraph(nodes, tuple(edges))


def _edge_conditions(
    evaluate: Any, principal: User | Role, role_arn: str, kind: str, trust: _Trust
) -> tuple[str, ...] | None:
    """The least the caller must supply to assume the role, or None when nothing works.

    Variants the trust policy rules out (no MFA when every Allow asks for it, no external ID
    when every Allow asks for one) are not tried; only users can present MFA.
    """
    variants: list[tuple[tuple[str, ...], Mapping[str, str]]] = []
    if not trust.needs_mfa and not trust.needs_external_id:
        variants.append(((), {}))
    if kind == "user" and not trust.needs_external_id:
        variants.append((("MFA",), _MFA))
    for value in trust.external_ids:
        if not trust.needs_mfa:
            variants.append(((f"sts:ExternalId={value}",), {"sts:ExternalId": value}))
        if kind == "user":
            variants.append((("MFA", f"sts:ExternalId={value}"), {**_MFA, "sts:ExternalId": value}))
    first = True
    for conditions, extra in variants:
        context = {"sts:RoleSessionName": "iamsim", **extra}
        decision = evaluate(principal, "sts:AssumeRole", role_arn, context)
        if decision.allowed:
            return conditions
        if first:
            # Only conditions that asked for MFA or an external ID can change the outcome.
            asked = {k.lower() for k in decision.missing_context_keys}
            if not asked & {
                "aws:multifactorauthpresent",
                "aws:multifactorauthage",
                "sts:externalid",
            }:
                return None
            first = False
    return None


def who_can(
    world: World, action: str, resource: str, context: Mapping[str, Any] | None = None
) -> list[WhoCan]:
    """Every principal that can perform ``action`` on ``resource``: directly, or through any chain
    of roles it can assume (across accounts), with the path and the conditions on the way."""
    from iamsim.gather import evaluate

    prefilter = _Prefilter(world, action)
    held = world.find_resource(resource)
    direct_names: set[str] = set()
    if held is not None and held.policy is not None:
        for statement in held.policy.compiled.statements:
            if statement.allow and statement.principal is not None:
                direct_names |= statement.principal.arns
                if statement.principal.everyone:
                    direct_names.add("*")
    role_resource = world._arn_index.get(resource)
    if role_resource is not None and role_resource[0] == "role":
        trust = world._role_state(role_resource[1], role_resource[2]).trust
        for statement in trust.compiled.statements:
            if statement.allow and statement.principal is not None:
                direct_names |= statement.principal.arns
                if statement.principal.everyone:
                    direct_names.add("*")
    direct: list[WhoCan] = []
    for kind, account, state, handle in _principals(world):
        if "*" not in direct_names and state.arn not in direct_names:
            policies = _identity_policies(world, kind, state, account)
            if not prefilter.allows(policies, resource):
                continue
        if evaluate(handle, action, resource, context).allowed:
            direct.append(WhoCan(state.arn))
    results = list(direct)
    roles = [item.principal for item in direct if ":role/" in item.principal]
    if not roles:
        return results  # nobody reaches it through a role
    # One breadth-first search back from every directly allowed role at once: each principal
    # is reported once, with a shortest chain of roles.
    reached = {item.principal for item in direct}
    for start, path, conditions in _backward(access_graph(world)._into(), roles, reached):
        results.append(WhoCan(start, path, conditions))
    return results
