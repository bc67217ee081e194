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
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from iamsim._gc import collector_paused
from iamsim._state import StoredPolicy
from iamsim.assume import Gates, IncomingEdges, assume_edges, named_by, principals

if TYPE_CHECKING:
    from iamsim.world import World

__all__ = ["AccessGraph", "Edge", "WhoCan", "access_graph", "who_can"]


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
        into = self._into()
        return _backward(lambda role: into.get(role, ()), [role_arn], {role_arn})

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


@attrs.frozen
class _Reach:
    """Whom the resource's own policy (a role's trust policy) lets in, for skipping callers
    that cannot be allowed: across accounts both sides must allow, so a caller from another
    account that the policy does not name (by account, ARN or ``*``) is denied.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
    """

    owner: str | None  # the resource's account, when known
    everyone: bool
    accounts: frozenset[str]
    arns: frozenset[str]

    @classmethod
    def of(cls, world: World, action: str, resource: str) -> _Reach:
        """What the policy of ``resource`` names for ``action``."""
        from iamsim.arn import Arn, is_account_id

        held = world.find_resource(resource)
        place = world._arn_index.get(resource)
        policy: StoredPolicy | None = None
        owner: str | None = None
        if held is not None:
            policy, owner = held.policy, held.account
        elif place is not None:
            owner = place[1]
            if place[0] == "role":
                policy = world._role_state(place[1], place[2]).trust
        elif resource != "*":
            account = Arn.parse(resource).account  # a malformed ARN is the caller's error
            owner = account if is_account_id(account) else None
        lowered = action.lower()
        statements = policy.compiled.statements if policy is not None else ()
        everyone, accounts, arns = named_by(
            s for s in statements if s.allow and s.applies_to_action(lowered)
        )
        return cls(owner, everyone, accounts, arns)

    def names(self, arn: str) -> bool:
        """Whether the policy names the caller itself (or everyone)."""
        return self.everyone or arn in self.arns

    def may_come_from(self, account: str, arn: str) -> bool:
        """Whether a caller of ``account`` could be allowed as far as this policy goes."""
        return (
            self.owner is None
            or account == self.owner
            or self.everyone
            or account in self.accounts
            or arn in self.arns
        )


def _backward(
    into: Callable[[str], Sequence[Edge]], seeds: Iterable[str], reached: set[str]
) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """Breadth-first along edges reversed (``into`` gives the edges into a role), from the seed
    roles: every principal not yet in ``reached`` once, with the shortest chain of roles to a
    seed and the conditions on it."""
    found: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []
    queue: deque[tuple[str, tuple[str, ...], tuple[str, ...]]] = deque(
        (seed, (seed,), ()) for seed in seeds
    )
    while queue:
        node, path, conditions = queue.popleft()
        for edge in into(node):
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
    with collector_paused():
        edges = [Edge(source, role, conditions) for source, role, conditions in assume_edges(world)]
    nodes = tuple(dict.fromkeys([e.source for e in edges] + [e.target for e in edges]))
    return AccessGraph(nodes, tuple(edges))


def who_can(
    world: World, action: str, resource: str, context: Mapping[str, Any] | None = None
) -> list[WhoCan]:
    """Every principal that can perform ``action`` on ``resource``: directly, or through any chain
    of roles it can assume (across accounts), with the path and the conditions on the way.

    With the access graph built (:func:`access_graph`) the walk back from the directly
    allowed roles reads it; otherwise only the edges the walk meets are decided."""
    with collector_paused():
        return _who_can(world, action, resource, context)


def _who_can(
    world: World, action: str, resource: str, context: Mapping[str, Any] | None
) -> list[WhoCan]:
    from iamsim.gather import _decide

    gates = Gates(world, action)
    reach = _Reach.of(world, action, resource)
    direct: list[WhoCan] = []
    for _kind, account, state, handle in principals(world):
        if not reach.may_come_from(account, state.arn):
            continue  # another account, and the resource's policy cannot let it in
        if not reach.names(state.arn) and not gates.of(state, account).may_allow(resource):
            continue
        if _decide(world, handle, action, resource, context, cache=False).allowed:
            direct.append(WhoCan(state.arn))
    results = list(direct)
    roles = [item.principal for item in direct if ":role/" in item.principal]
    if not roles:
        return results  # nobody reaches it through a role
    # One breadth-first search back from every directly allowed role at once: each principal
    # is reported once, with a shortest chain of roles.
    reached = {item.principal for item in direct}
    built = world._cache.get(("access-graph",))
    if isinstance(built, AccessGraph):
        into = built._into()
        edges_into: Callable[[str], Sequence[Edge]] = lambda role: into.get(role, ())  # noqa: E731
    else:
        # Without the graph, decide only the edges the walk meets.
        incoming = IncomingEdges(world)

        def edges_into(role: str) -> Sequence[Edge]:
            return [Edge(source, role, needs) for source, needs in incoming.into(role, reached)]

    walked = _backward(edges_into, roles, reached)
    results += [WhoCan(start, path, conditions) for start, path, conditions in walked]
    return results
