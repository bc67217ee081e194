"""Who can assume which role: ``sts:AssumeRole`` decided for every caller against every role
whose trust policy could let it in, with the engine's own steps shared between requests.

A decision is the engine's (:func:`iamsim.engine.settle` over the statements that apply), but
the statements are matched by side, each once per set of inputs it can see:

* the role's trust policy, per caller and role (it names the caller);
* the caller's identity policies, boundary and session policies, once per caller for each
  variant of the request, each way its Resource patterns match role ARNs and each set of
  values it reads from the role's context keys (tags);
* the SCP levels of the caller's account and the RCP levels of the role's account, shared by
  every caller that presents them the same values of the keys they read.

The inputs a part can see are found from the statements themselves: the keys their
conditions and policy variables read, and the outcome of their Resource patterns. Parts whose
statements name principals (an RCP with a ``NotPrincipal``) are kept per caller.
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
"""

from __future__ import annotations

import re
from collections.abc import Container, Hashable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs

from iamsim._state import RoleState, StoredPolicy, UserState
from iamsim.compiled import CompiledStatement
from iamsim.conditions import ContextValue, Scratch
from iamsim.decision import Outcome
from iamsim.engine import applicable, match_slots, settle
from iamsim.entities import Role, User
from iamsim.policy import as_tuple
from iamsim.request import Request

if TYPE_CHECKING:
    from iamsim.gather import PrincipalSide, ResourceSide
    from iamsim.world import World

__all__ = ["Gate", "Gates", "IncomingEdges", "assume_edges", "named_by", "trust_facts"]

ASSUME = "sts:assumerole"
_NO_KEYS: Mapping[str, ContextValue] = MappingProxyType({})
#: what a user who signed in with MFA just now brings to the request (keys lower-cased)
_MFA_CONTEXT = {"aws:multifactorauthpresent": "true", "aws:multifactorauthage": "0"}
_MFA_KEYS = frozenset(_MFA_CONTEXT)
_EXTERNAL_ID_KEYS = frozenset({"sts:externalid"})
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_UNKNOWN = object()

#: per slot of a part, the statements that apply
Part = list[list[CompiledStatement]]
#: the conditions a variant stands for, and the context keys it adds to the request
Variant = tuple[tuple[str, ...], dict[str, str]]


# -- what statements can see ----------------------------------------------------------------


def keys_read(statements: Iterable[CompiledStatement]) -> tuple[str, ...]:
    """Every context key the statements' conditions and policy variables could read, sorted."""
    keys: set[str] = set()
    for compiled in statements:
        statement = compiled.statement
        for clause in statement.condition or ():
            keys.add(clause.key.lower())
            for value in as_tuple(clause.values):
                keys.update(name.lower() for name in _VARIABLE.findall(value))
        for value in as_tuple(statement.resource) + as_tuple(statement.not_resource):
            keys.update(name.lower() for name in _VARIABLE.findall(value))
    return tuple(sorted(keys))


def any_resource(statement: CompiledStatement) -> bool:
    """Whether the statement's Resource covers every resource (``*``, or none written)."""
    written = statement.statement
    if written.resource is None:
        return written.not_resource is None
    return "*" in as_tuple(written.resource)


def has_variables(statement: CompiledStatement) -> bool:
    """Whether the statement's Resource or NotResource holds a policy variable."""
    values = as_tuple(statement.statement.resource) + as_tuple(statement.statement.not_resource)
    return any("${" in v for v in values)


def _names_callers(statements: Iterable[CompiledStatement]) -> bool:
    """Whether which statements apply can depend on who the caller is (beyond context keys)."""
    return any(
        (s.principal is not None and not s.principal.everyone) or s.not_principal is not None
        for s in statements
    )


class _Lens:
    """What one part of the request can see, read from its statements: the context keys they
    read and their Resource patterns; two requests equal through the lens match alike."""

    __slots__ = ("keys", "tests")

    def __init__(self, statements: list[CompiledStatement]) -> None:
        self.keys = keys_read(statements)
        self.tests = [s for s in statements if not any_resource(s)]

    def view(self, resource: str, context: Mapping[str, ContextValue]) -> Hashable:
        if not self.tests:
            return tuple([context.get(k) for k in self.keys])
        return (
            tuple([context.get(k) for k in self.keys]),
            tuple([s.matches_resource(resource, context) for s in self.tests]),
        )


# -- trust policies ---------------------------------------------------------------------------


@attrs.frozen
class TrustFacts:
    """What a role's trust policy says about sts:AssumeRole, for choosing what to try."""

    accounts: frozenset[str]
    arns: frozenset[str]
    everyone: bool
    external_ids: tuple[str, ...]
    needs_mfa: bool  # every Allow asks Bool aws:MultiFactorAuthPresent true
    needs_external_id: bool  # every Allow asks StringEquals sts:ExternalId

    def names(self, arn: str) -> bool:
        """Whether an Allow names the caller itself (or everyone): in its own account such a
        trust policy may let it in without an identity-based Allow."""
        return self.everyone or arn in self.arns


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


def named_by(
    allows: Iterable[CompiledStatement],
) -> tuple[bool, frozenset[str], frozenset[str]]:
    """Whom Allow statements name in their Principal: (everyone, accounts, ARNs). An Allow
    with ``NotPrincipal`` counts as naming everyone (it admits all but a few)."""
    everyone = False
    accounts: set[str] = set()
    arns: set[str] = set()
    for statement in allows:
        if statement.not_principal is not None:
            everyone = True
        elif statement.principal is not None:
            everyone = everyone or statement.principal.everyone
            accounts |= statement.principal.accounts
            arns |= statement.principal.arns
    return everyone, frozenset(accounts), frozenset(arns)


def trust_facts(role: RoleState) -> TrustFacts:
    """Who the role's trust policy names for sts:AssumeRole, and what it always asks."""
    external_ids: list[str] = []
    allows = [s for s in role.trust.compiled.statements if s.allow and s.applies_to_action(ASSUME)]
    everyone, accounts, arns = named_by(allows)
    for statement in allows:
        for clause in statement.statement.condition or ():
            if (
                clause.key.lower() == "sts:externalid"
                and not clause.parsed_operator.operator.negated
            ):
                external_ids += [
                    v for v in as_tuple(clause.values) if "*" not in v and "?" not in v
                ]
    return TrustFacts(
        accounts,
        arns,
        everyone,
        tuple(dict.fromkeys(external_ids)),
        bool(allows)
        and all(_asks(s, "aws:multifactorauthpresent", "Bool", {"true"}) for s in allows),
        bool(allows) and all(_asks(s, "sts:externalid", "StringEquals", None) for s in allows),
    )


# -- the two sides ----------------------------------------------------------------------------


class _Target:
    """A role as every caller sees it: its trust facts, its resource side (trust policy, RCPs,
    context keys) and the request variants worth trying against it."""

    __slots__ = (
        "_variants",
        "arn",
        "facts",
        "likeness",
        "named",
        "names_each",
        "position",
        "rcp_lens",
        "rcps",
        "rcps_shared",
        "reads",
        "side",
        "trust",
        "trust_universal",
    )

    def __init__(
        self, world: World, position: int, account: str, role: RoleState, shared: _Shared
    ) -> None:
        from iamsim.gather import resource_side

        self.arn = role.arn
        self.position = position
        self.facts = trust_facts(role)
        # a role's resource side does not depend on the caller's account
        self.side: ResourceSide = resource_side(world, role.arn, account)
        slots, universal = self.side.index.prepared(ASSUME)
        self.trust = slots[0]  # the trust policy's statements for sts:AssumeRole
        self.trust_universal = universal[0]
        self.rcps = (slots[1:], universal[1:])
        rcp_statements = [s for slot in slots[1:] for s in slot]
        self.rcp_lens = _Lens(rcp_statements)
        # The RCP levels are one tuple per account; their part is shared by every caller
        # unless a statement names principals.
        self.rcps_shared = not _names_callers(rcp_statements)
        statements = [s for slot in slots for s in slot]
        self.reads = frozenset(keys_read(statements))
        self._variants: dict[tuple[bool, bool], list[Variant]] = {}
        # Which callers the trust policy and the RCPs name by ARN: for the others only their
        # account and kind matter to the Principal elements (NotPrincipal: every caller).
        self.named = frozenset(
            arn for s in statements if s.principal is not None for arn in s.principal.arns
        )
        self.names_each = any(s.not_principal is not None for s in statements)
        #: Roles with equal likeness decide alike for alike callers (see _Caller.likeness) that
        #: match their ARNs alike and read the same values from their context keys (tags):
        #: the same trust statements, the same RCPs and account. None when a resource-side
        #: statement has a Resource of its own.
        self.likeness: int | None = None
        if all(any_resource(s) for s in statements):
            self.likeness = shared.intern(
                (
                    tuple(s.matchers for s in self.trust),
                    id(self.side.rcps),  # one tuple per account, kept alive by every side
                    self.side.account,
                    self.side.assumed_account,
                )
            )

    def variants(self, mfa: bool, external_id: bool) -> list[Variant]:
        """What to try, least first: nothing, MFA, an external ID, both.

        Variants the trust policy rules out (no MFA when every Allow asks for it, no external
        ID when every Allow asks for one) are left out, and so are MFA (``mfa`` False: the caller
        cannot present it, or no policy reads it) and external IDs (``external_id`` False: no
        policy reads ``sts:ExternalId``).
        """
        found = self._variants.get((mfa, external_id))
        if found is not None:
            return found
        trust = self.facts
        session = {"sts:rolesessionname": "iamsim"}
        found = []
        if not trust.needs_mfa and not trust.needs_external_id:
            found.append(((), session))
        if mfa and not trust.needs_external_id:
            found.append((("MFA",), {**session, **_MFA_CONTEXT}))
        for value in trust.external_ids if external_id else ():
            given = {**session, "sts:externalid": value}
            if not trust.needs_mfa:
                found.append(((f"sts:ExternalId={value}",), given))
            if mfa:
                found.append((("MFA", f"sts:ExternalId={value}"), {**given, **_MFA_CONTEXT}))
        self._variants[(mfa, external_id)] = found
        return found


class Gate:
    """Whether a caller's identity-based Allows for an action could cover a resource: a caller
    with none that does need not be decided (a resource policy naming it aside). Conservative:
    an Allow whose Resource has policy variables, or covers ``*``, may cover anything."""

    __slots__ = ("allows", "key", "open")

    def __init__(self, allows: list[CompiledStatement]) -> None:
        self.allows = allows
        self.key = tuple(s.matchers for s in allows)  # equal keys, equal answers
        # an Allow on every resource (or one whose pattern has variables) may cover any role
        self.open = any(
            has_variables(s) or s.universal or s.matches_resource("*", _NO_KEYS) for s in allows
        )

    def may_allow(self, resource: str) -> bool:
        """Whether some Allow could cover ``resource``."""
        return self.open or any(s.matches_resource(resource, _NO_KEYS) for s in self.allows)


def identity_policies(
    world: World, state: UserState | RoleState, account: str
) -> list[StoredPolicy]:
    """The stored identity-based policies of a user (with its groups') or a role."""
    policies = list(state.inline.values())
    policies += [world._managed_state(a).default for a in state.managed]
    if isinstance(state, UserState):
        groups = world._account_state(account).groups
        for name in state.groups:
            group = groups[name]
            policies += list(group.inline.values())
            policies += [world._managed_state(a).default for a in group.managed]
    return policies


class Gates:
    """Each caller's gate for one action, read from its stored policies: choosing whom to
    decide waits for no more than that (a caller's whole side is built only when it passes)."""

    def __init__(self, world: World, action: str) -> None:
        self.world = world
        self.action = action.lower()
        self._allows: dict[int, list[CompiledStatement]] = {}  # per stored policy

    def of(self, state: UserState | RoleState, account: str) -> Gate:
        """The gate of the user or role ``state`` of ``account``."""
        allows: list[CompiledStatement] = []
        for stored in identity_policies(self.world, state, account):
            found = self._allows.get(id(stored))
            if found is None:
                found = self._allows[id(stored)] = [
                    s for s in stored.compiled.for_action(self.action) if s.allow
                ]
            allows += found
        return Gate(allows)


class _Shared:
    """What callers share: the parts for SCP and RCP levels, and edges worked out for alike
    callers on alike roles."""

    def __init__(self) -> None:
        self.scps: dict[Hashable, Part] = {}
        self.rcps: dict[Hashable, Part] = {}
        self.edges: dict[Hashable, tuple[str, ...] | None] = {}
        self.keys: dict[tuple[frozenset[str], frozenset[str]], tuple[str, ...]] = {}
        self._interned: dict[Hashable, int] = {}

    def intern(self, likeness: Hashable) -> int:
        """A small number standing for ``likeness`` (equal likenesses, equal numbers)."""
        return self._interned.setdefault(likeness, len(self._interned))


class _Caller:
    """One caller, ready to be decided against many roles."""

    def __init__(self, world: World, handle: User | Role, kind: str, shared: _Shared) -> None:
        from iamsim.gather import principal_side

        self.world = world
        self.handle = handle
        self.kind = kind
        self.shared = shared
        self.side: PrincipalSide = principal_side(world, handle)
        side = self.side
        (slots, universal) = side.index.prepared(ASSUME)
        self.own = (slots[:3], universal[:3])  # identity, boundary, session policies
        self.scps = (slots[3:], universal[3:])
        own = [s for slot in slots[:3] for s in slot]
        scps = [s for slot in slots[3:] for s in slot]
        self.own_lens = _Lens(own)
        self.scp_lens = _Lens(scps)
        self.scp_key: Hashable = (id(side.scps), side.principal if _names_callers(scps) else None)
        self.reads = frozenset(self.own_lens.keys) | frozenset(self.scp_lens.keys)
        self.base: dict[str, ContextValue] = {**world._time_keys(), **side.context}
        self.has_boundary = side.boundary is not None
        self.has_sessions = bool(side.sessions)
        self.scp_levels = len(side.scps)
        # The caller's statements whose Resource decides between roles: two alike roles that
        # these match alike get the same answer (see _Target.likeness), worked out once.
        self.resource_tests = self.own_lens.tests + self.scp_lens.tests
        self._own_parts: dict[Hashable, Part] = {}
        self._rcp_parts: dict[Hashable, Part] = {}
        # Temporary credentials and service-linked roles take the general path (_decide).
        self.plain = side.expires_at is None and not side.restricted and not side.service_linked
        #: Callers with equal likeness decide alike on a role when they read the same values
        #: from the request's context keys and are named alike: the same kind, account and
        #: boundary presence, and the same identity, boundary, session and SCP statements.
        self.likeness: int | None = None
        if self.plain and not any(has_variables(s) for s in self.resource_tests):
            principal = side.principal
            self.likeness = shared.intern(
                (
                    principal.kind,
                    principal.account,
                    principal.has_boundary,
                    tuple(tuple(s.matchers for s in slot) for slot in slots[:3]),
                    self.scp_key,
                )
            )

    def edge_conditions(self, target: _Target) -> tuple[str, ...] | None:
        """The least the caller must supply to assume the role, or None when nothing works."""
        if self.likeness is None or target.likeness is None:
            return self._edge_conditions(target)
        shared = self.shared
        keys = shared.keys.get((self.reads, target.reads))
        if keys is None:
            keys = shared.keys[(self.reads, target.reads)] = tuple(
                sorted(self.reads | target.reads)
            )
        base, context, arn = self.base, target.side.context, target.arn
        me = self.side.principal.arn
        key = (
            self.likeness,
            target.likeness,
            me if target.names_each else me in target.named,
            tuple([context[k] if k in context else base.get(k) for k in keys]),
            tuple([s.matches_resource(arn, _NO_KEYS) for s in self.resource_tests]),
        )
        found = shared.edges.get(key, _UNKNOWN)
        if found is _UNKNOWN:
            found = shared.edges[key] = self._edge_conditions(target)
        return found  # type: ignore[return-value]

    def _edge_conditions(self, target: _Target) -> tuple[str, ...] | None:
        # Only users can present MFA; a variant adding a key that no policy in the request
        # reads would decide as the plain request does, so it is not tried.
        reads = self.reads | target.reads
        variants = target.variants(
            self.kind == "user" and not reads.isdisjoint(_MFA_KEYS),
            not reads.isdisjoint(_EXTERNAL_ID_KEYS),
        )
        for conditions, extra in variants:
            if self._allowed(target, conditions, extra):
                return conditions
        return None

    def _allowed(
        self, target: _Target, conditions: tuple[str, ...], extra: Mapping[str, str]
    ) -> bool:
        """Whether the caller may assume the role with ``extra`` in the request."""
        if not self.plain:
            from iamsim.gather import _decide

            decision = _decide(
                self.world, self.handle, "sts:AssumeRole", target.arn, extra, cache=False
            )
            return decision.allowed
        res = target.side
        context: dict[str, ContextValue] = {**self.base, **res.context, **extra}
        arn = target.arn
        request = Request(
            self.side.principal,
            "sts:AssumeRole",
            arn,
            res.account,
            MappingProxyType(context),
            res.assumed_account,
        )
        scratch = Scratch()  # what conditions noticed: not needed for the outcome
        trust = (
            list(target.trust)
            if target.trust_universal
            else applicable(target.trust, request, scratch)
        )
        if not any(s.allow for s in trust):
            return False  # the trust policy must allow the caller itself
        key: Hashable = self.own_lens.view(arn, context)
        own = self._own_parts.get(key)
        if own is None:
            own = self._own_parts[key] = match_slots(*self.own, request, scratch)
        key = (self.scp_key, self.scp_lens.view(arn, context))
        scps = self.shared.scps.get(key)
        if scps is None:
            scps = self.shared.scps[key] = match_slots(*self.scps, request, scratch)
        rcp_parts = self.shared.rcps if target.rcps_shared else self._rcp_parts
        key = (id(res.rcps), target.rcp_lens.view(arn, context))
        rcps = rcp_parts.get(key)
        if rcps is None:
            rcps = rcp_parts[key] = match_slots(*target.rcps, request, scratch)
        per_slot = [own[0], trust, own[1], own[2], *scps, *rcps]
        matched = [s for found in per_slot for s in found]
        outcome = settle(
            request,
            per_slot,
            matched,
            has_boundary=self.has_boundary,
            has_sessions=self.has_sessions,
            scp_levels=self.scp_levels,
            rcp_levels=len(rcps),
        )[0]
        return outcome is Outcome.ALLOWED


# -- the whole world --------------------------------------------------------------------------


def principals(world: World) -> Iterator[tuple[str, str, UserState | RoleState, User | Role]]:
    """Every user and role of the world: (kind, account, state, handle)."""
    for account_id, account in world._accounts.items():
        for user in account.users.values():
            yield "user", account_id, user, User(world, account_id, user.name)
        for role in account.roles.values():
            yield "role", account_id, role, Role(world, account_id, role.name)


def assume_edges(world: World) -> list[tuple[str, str, tuple[str, ...]]]:
    """(caller ARN, role ARN, conditions) for every caller that can assume a role, per role in
    the world's order, callers in the world's order."""
    shared = _Shared()
    roles = [
        _Target(world, position, account_id, role, shared)
        for position, (account_id, role) in enumerate(
            (account_id, role)
            for account_id, account in world._accounts.items()
            for role in account.roles.values()
        )
    ]
    # Who each role's trust policy names: an account, an ARN, or everyone.
    by_account: dict[str, list[_Target]] = {}
    by_arn: dict[str, list[_Target]] = {}
    everyone: list[_Target] = []
    for target in roles:
        trust = target.facts
        if trust.everyone:
            everyone.append(target)
            continue
        for account_id in trust.accounts:
            by_account.setdefault(account_id, []).append(target)
        for arn in trust.arns:
            by_arn.setdefault(arn, []).append(target)
    gates = Gates(world, ASSUME)
    # The roles a caller's gate lets through, per gate and account: shared by every caller
    # with the same Allows for sts:AssumeRole in that account.
    passing: dict[tuple[Hashable, str], tuple[list[_Target], set[int]]] = {}
    found: list[tuple[int, int, str, str, tuple[str, ...]]] = []
    for number, (kind, account_id, state, handle) in enumerate(principals(world)):
        gate = gates.of(state, account_id)
        through = passing.get((gate.key, account_id))
        if through is None:
            chosen = [
                target
                for target in everyone + by_account.get(account_id, [])
                if target.facts.everyone or gate.may_allow(target.arn)
            ]
            through = passing[(gate.key, account_id)] = (chosen, {t.position for t in chosen})
        candidates, chosen_positions = through
        named = [t for t in by_arn.get(state.arn, ()) if t.position not in chosen_positions]
        if named:
            candidates = candidates + named  # the trust policy names the caller itself
        if not candidates:
            continue
        caller = _Caller(world, handle, kind, shared)
        for target in candidates:
            conditions = caller.edge_conditions(target)
            if conditions is not None:
                found.append((target.position, number, state.arn, target.arn, conditions))
    found.sort(key=lambda item: (item[0], item[1]))
    return [(source, role, conditions) for _, _, source, role, conditions in found]


class IncomingEdges:
    """The callers that can assume a role, worked out per role on demand, so that a walk back
    from a few roles (``who_can``) decides only the edges it meets, not the whole graph.

    Each role's callers come in the world's order with the conditions they need, exactly as
    :func:`assume_edges` lists them.
    """

    def __init__(self, world: World) -> None:
        self.world = world
        self._shared = _Shared()
        self._entries = list(principals(world))
        self._by_account: dict[str, list[int]] = {}
        self._by_arn: dict[str, int] = {}
        for number, (_, account_id, state, _) in enumerate(self._entries):
            self._by_account.setdefault(account_id, []).append(number)
            self._by_arn[state.arn] = number
        self._callers: dict[int, _Caller] = {}
        self._gates: dict[int, Gate] = {}
        self._gate_of = Gates(world, ASSUME)

    def _gate(self, number: int) -> Gate:
        gate = self._gates.get(number)
        if gate is None:
            _, account, state, _ = self._entries[number]
            gate = self._gates[number] = self._gate_of.of(state, account)
        return gate

    def into(self, role_arn: str, skip: Container[str] = ()) -> list[tuple[str, tuple[str, ...]]]:
        """(caller ARN, conditions) for every caller that can assume ``role_arn``, leaving out
        the callers in ``skip`` (a walk that has reached them already needs no more edges)."""
        found: list[tuple[str, tuple[str, ...]]] = []
        place = self.world._arn_index.get(role_arn)
        if place is None or place[0] != "role":
            return found
        _, account, name = place
        target = _Target(
            self.world, 0, account, self.world._role_state(account, name), self._shared
        )
        facts = target.facts
        if facts.everyone:
            numbers: Iterable[int] = range(len(self._entries))
        else:
            chosen = {n for a in facts.accounts for n in self._by_account.get(a, ())}
            chosen |= {self._by_arn[arn] for arn in facts.arns if arn in self._by_arn}
            numbers = sorted(chosen)
        for number in numbers:
            kind, _, state, handle = self._entries[number]
            if state.arn in skip:
                continue
            if not facts.names(state.arn) and not self._gate(number).may_allow(role_arn):
                continue
            caller = self._callers.get(number)
            if caller is None:
                caller = self._callers[number] = _Caller(self.world, handle, kind, self._shared)
            conditions = caller.edge_conditions(target)
            if conditions is not None:
                found.append((state.arn, conditions))
        return found
