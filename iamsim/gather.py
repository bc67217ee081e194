"""``iamsim.evaluate()``: answer a request from a World, gathering exactly the policies AWS would
and filling in the request context the way AWS does.

The caller side: a user's inline and managed policies and each of its groups'; a role's; the
permissions boundary; the SCPs of every level above the caller's account (not for the management
account, not for service-linked roles). The resource side: the resource's policy (a role's trust
policy when the resource is a role), the RCPs of every level above the resource's account, and
the resource's tags. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html

Context keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from iamsim._state import AccountState, ManagedPolicyState, StoredPolicy
from iamsim.arn import Arn
from iamsim.compiled import CompiledPolicy, PolicySource, PolicyType
from iamsim.conditions import ContextValue
from iamsim.decision import Decision, Outcome, Reason
from iamsim.engine import PolicySet, SlotIndex, caller_index, resource_index
from iamsim.entities import Role, User
from iamsim.errors import ValidationError
from iamsim.principals import PrincipalKind, RequestPrincipal
from iamsim.request import Request, normalize_context

if TYPE_CHECKING:
    from iamsim.world import World

__all__ = [
    "PrincipalSide",
    "ResourceSide",
    "evaluate",
    "org_levels",
    "principal_side",
    "resource_side",
]


@attrs.frozen
class PrincipalSide:
    """Everything about the caller that takes part in a decision."""

    key: Any
    principal: RequestPrincipal
    account: str
    identity: tuple[CompiledPolicy, ...]
    boundary: CompiledPolicy | None
    sessions: tuple[CompiledPolicy, ...]
    scps: tuple[tuple[CompiledPolicy, ...], ...]
    context: Mapping[str, ContextValue]
    service_linked: bool = False
    expires_at: datetime | None = None  # temporary credentials stop working then
    mfa_at: datetime | None = None  # when MFA was used: aws:MultiFactorAuthAge counts from it
    restricted: bool = False  # GetSessionToken credentials: no IAM without MFA, little STS
    #: the caller's statements indexed by action, shared by every request this side makes
    index: SlotIndex = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        index = caller_index(self.identity, self.boundary, self.sessions, self.scps)
        object.__setattr__(self, "index", index)


@attrs.frozen
class ResourceSide:
    """Everything about the resource that takes part in a decision."""

    key: Any
    account: str | None
    policy: CompiledPolicy | None
    rcps: tuple[tuple[CompiledPolicy, ...], ...]
    context: Mapping[str, ContextValue]
    assumed_account: bool = False
    #: the resource's statements indexed by action (with and without the RCPs, which do not
    #: govern service-linked roles), shared by every request on this resource
    index: SlotIndex = attrs.field(init=False, eq=False, repr=False)
    index_without_rcps: SlotIndex = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "index", resource_index(self.policy, self.rcps))
        object.__setattr__(self, "index_without_rcps", resource_index(self.policy, ()))


class SessionLike(Protocol):
    """What a session object offers to take part in evaluate (see iamsim.sts)."""

    def _principal_side(self) -> PrincipalSide: ...  # pragma: no cover

    @property
    def world(self) -> World: ...  # pragma: no cover


def _relabel(
    stored: StoredPolicy, policy_type: PolicyType, name: str, **level: Any
) -> CompiledPolicy:
    return stored.compiled.relabel(PolicySource(policy_type, name, **level))


def _managed(world: World, arns: Sequence[str], owner: str) -> list[CompiledPolicy]:
    out = []
    for arn in arns:
        state: ManagedPolicyState = world._managed_state(arn)
        out.append(_relabel(state.default, PolicyType.IDENTITY, f"{owner} managed {arn}"))
    return out


def _boundary(world: World, arn: str | None) -> CompiledPolicy | None:
    if arn is None:
        return None
    state = world._managed_state(arn)
    return _relabel(state.default, PolicyType.BOUNDARY, f"permissions boundary {arn}")


def org_path(world: World, account: AccountState) -> tuple[str, ...] | None:
    """The account's chain from the root: node IDs, or None outside an organization."""
    org = world._org
    if org is None or account.parent is None:
        return None
    chain = []
    node = account.parent
    while node != org.root_id:
        chain.append(node)
        node = org.ous[node].parent
    return (org.root_id, *reversed(chain))


def org_levels(
    world: World, account: AccountState, kind: str
) -> tuple[tuple[CompiledPolicy, ...], ...]:
    """The SCP (or RCP) levels above an account: root, each OU, the account itself.

    Empty for accounts outside the organization and for the management account, which neither
    SCPs nor RCPs affect. Built once per account and generation of the world.
    """
    return world._cached(
        ("org-levels", account.id, kind), lambda: _org_levels(world, account, kind)
    )


def _org_levels(
    world: World, account: AccountState, kind: str
) -> tuple[tuple[CompiledPolicy, ...], ...]:
    org = world._org
    chain = org_path(world, account)
    if org is None or chain is None or org.management_account == account.id:
        return ()
    policy_type = PolicyType.SCP if kind == "scp" else PolicyType.RCP
    label = kind.upper()
    levels = []
    targets: list[tuple[str, list[str]]] = []
    for node in chain:
        if node == org.root_id:
            targets.append((f"root {node}", org.root_scps if kind == "scp" else org.root_rcps))
        else:
            ou = org.ous[node]
            targets.append((f"OU {ou.name} ({node})", ou.scps if kind == "scp" else ou.rcps))
    targets.append((f"account {account.id}", account.scps if kind == "scp" else account.rcps))
    for level, (where, attached) in enumerate(targets):
        levels.append(
            tuple(
                _relabel(
                    org.policies[p].stored,
                    policy_type,
                    f"{label} {org.policies[p].name} on {where}",
                    level=level,
                    level_name=where,
                )
                for p in attached
            )
        )
    return tuple(levels)


def _org_context(world: World, account: AccountState, prefix: str) -> dict[str, ContextValue]:
    org = world._org
    chain = org_path(world, account)
    if org is None or chain is None:
        return {}
    path = "/".join((org.id, *chain)) + "/"
    return {f"aws:{prefix}orgid": org.id, f"aws:{prefix}orgpaths": (path,)}


def _tags(prefix: str, tags: Mapping[str, str]) -> dict[str, ContextValue]:
    return {f"aws:{prefix}tag/{k.lower()}": v for k, v in tags.items()}


def principal_side(world: World, principal: User | Role | SessionLike) -> PrincipalSide:
    """Gather the caller's policies and context keys (cached per generation of the world)."""
    if isinstance(principal, User):
        user = principal
        return world._cached(
            ("principal", "user", user._account, user._name), lambda: _user_side(world, user)
        )
    if isinstance(principal, Role):
        role = principal
        return world._cached(
            ("principal", "role", role._account, role._name), lambda: _role_side(world, role)
        )
    side_of = getattr(principal, "_principal_side", None)
    if side_of is None:
        raise ValidationError(
            f"{principal!r} is not a principal: pass a User, a Role or a session from assume_role()"
        )
    return side_of()  # type: ignore[no-any-return]


def _user_side(world: World, user: User) -> PrincipalSide:
    state = user._state()
    account = world._account_state(user._account)
    identity = [_relabel(s, PolicyType.IDENTITY, s.source.name) for s in state.inline.values()]
    identity += _managed(world, state.managed, f"user {state.name}")
    for group_name in state.groups:
        group = account.groups[group_name]
        identity += [_relabel(s, PolicyType.IDENTITY, s.source.name) for s in group.inline.values()]
        identity += _managed(world, group.managed, f"group {group_name}")
    boundary = _boundary(world, state.boundary)
    context: dict[str, ContextValue] = {
        "aws:principalarn": state.arn,
        "aws:principalaccount": account.id,
        "aws:principaltype": "User",
        "aws:userid": state.id,
        "aws:username": state.name,
        "aws:principalisawsservice": "false",
    }
    context.update(_org_context(world, account, "principal"))
    context.update(_tags("principal", state.tags))
    caller = RequestPrincipal(state.arn, PrincipalKind.USER, account.id, None, boundary is not None)
    return PrincipalSide(
        ("user", account.id, state.name),
        caller,
        account.id,
        tuple(identity),
        boundary,
        (),
        org_levels(world, account, "scp"),
        context,
    )


def role_identity(world: World, role: Role) -> tuple[list[CompiledPolicy], CompiledPolicy | None]:
    """A role's identity-based policies and its boundary."""
    state = role._state()
    identity = [_relabel(s, PolicyType.IDENTITY, s.source.name) for s in state.inline.values()]
    identity += _managed(world, state.managed, f"role {state.name}")
    return identity, _boundary(world, state.boundary)


def role_context(world: World, role: Role) -> dict[str, ContextValue]:
    """The context keys every session of ``role`` carries (tags may be overridden by sessions)."""
    state = role._state()
    account = world._account_state(role._account)
    context: dict[str, ContextValue] = {
        "aws:principalarn": state.arn,
        "aws:principalaccount": account.id,
        "aws:principaltype": "AssumedRole",
        "aws:principalisawsservice": "false",
    }
    context.update(_org_context(world, account, "principal"))
    context.update(_tags("principal", state.tags))
    return context


def _role_side(world: World, role: Role) -> PrincipalSide:
    state = role._state()
    account = world._account_state(role._account)
    identity, boundary = role_identity(world, role)
    context = role_context(world, role)
    # A role evaluated directly stands for one of its sessions, issued now, without MFA.
    context["aws:multifactorauthpresent"] = "false"
    caller = RequestPrincipal(
        state.arn, PrincipalKind.ROLE, account.id, state.arn, boundary is not None
    )
    scps = () if state.service_linked else org_levels(world, account, "scp")
    return PrincipalSide(
        ("role", account.id, state.name),
        caller,
        account.id,
        tuple(identity),
        boundary,
        (),
        scps,
        context,
        state.service_linked,
    )


def resource_side(world: World, resource: str, caller_account: str) -> ResourceSide:
    """Gather the resource's policy, RCP levels and context keys (cached per generation)."""
    if not isinstance(resource, str) or not resource:
        raise ValidationError(f"the resource must be an ARN or *, not `{resource!r}`")
    found = world._arn_index.get(resource)
    if found is not None and found[0] == "role":
        _, account_id, name = found
        role = world._role_state(account_id, name)
        key: Any = ("role", resource)
        policy: StoredPolicy | None = role.trust
        tags = role.tags
    elif found is not None:
        _, account_id, name = found
        key, policy, tags = ("user", resource), None, world._user_state(account_id, name).tags
    else:
        account_id = None
        stored = world.find_resource(resource) if resource != "*" else None
        if stored is not None:
            key, account_id, policy, tags = (
                ("resource", stored.arn),
                stored.account,
                stored.policy,
                stored.tags,
            )
        else:
            if resource != "*":
                account_id = Arn.parse(resource).account or None
            # A resource the world does not hold belongs to the account in its ARN, or (no
            # account in the ARN) to the caller's own account.
            key, policy, tags = ("unknown", account_id), None, {}
    owner = account_id or caller_account
    return world._cached(
        ("resource-side", key, owner),
        lambda: _build_resource_side(world, key, owner, policy, tags, account_id is None),
    )


def _build_resource_side(
    world: World,
    key: Any,
    account_id: str,
    policy: StoredPolicy | None,
    tags: Mapping[str, str],
    assumed: bool,
) -> ResourceSide:
    context: dict[str, ContextValue] = {"aws:resourceaccount": account_id}
    account = world._accounts.get(account_id)
    rcps: tuple[tuple[CompiledPolicy, ...], ...] = ()
    if account is not None:
        context.update(_org_context(world, account, "resource"))
        rcps = org_levels(world, account, "rcp")
    context.update(_tags("resource", tags))
    compiled = None if policy is None else policy.compiled
    return ResourceSide(key, account_id, compiled, rcps, context, assumed)


def evaluate(
    principal: User | Role | SessionLike | str,
    action: str,
    resource: str,
    context: Mapping[str, Any] | None = None,
    *,
    world: World | None = None,
) -> Decision:
    """Decide a request from a world's principal, as AWS would.

    ``principal`` is a User, a Role (one of its sessions), a session from ``assume_role``, or
    the ARN of a user or role with ``world=``. ``context`` adds request keys and overrides the
    ones derived from the caller and the resource.

    >>> import iamsim
    >>> world = iamsim.World()
    >>> dev = world.create_account("111122223333")
    >>> alice = dev.create_user("alice", policies={"own": {"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::docs/*"}]}})
    >>> iamsim.evaluate(alice, "s3:GetObject", "arn:aws:s3:::docs/readme.txt").allowed
    True
    """
    if isinstance(principal, str):
        if world is None:
            raise ValidationError("to evaluate by ARN, pass the world: evaluate(arn, ..., world=w)")
        principal = world.principal(principal)
    owner: World = principal.world
    if world is not None and owner is not world:
        raise ValidationError(f"{principal!r} belongs to another world than the one passed")
    return _decide(owner, principal, action, resource, context, cache=True)


def _decide(
    owner: World,
    principal: User | Role | SessionLike,
    action: str,
    resource: str,
    context: Mapping[str, Any] | None,
    *,
    cache: bool,
) -> Decision:
    """evaluate() proper. With ``cache=False`` (analyses that visit each pair once) the policy
    set and context of this caller and resource are built without being kept."""
    side = principal_side(owner, principal)
    res = resource_side(owner, resource, side.account)
    rcps = () if side.service_linked else res.rcps

    def build_set() -> PolicySet:
        return PolicySet.from_compiled(
            identity=side.identity,
            resource=res.policy,
            boundary=side.boundary,
            sessions=side.sessions,
            scps=side.scps,
            rcps=rcps,
            caller=side.index,
            target=res.index_without_rcps if side.service_linked else res.index,
        )

    if cache:
        # Resources without a policy of their own share the caller's policy set for their account.
        policy_set = owner._cached(
            ("policy-set", side.key, id(res.policy) if res.policy else None, res.account),
            build_set,
        )
        base = owner._cached(
            ("context", side.key, res.key, res.account), lambda: {**side.context, **res.context}
        )
    else:
        policy_set = build_set()
        base = {**side.context, **res.context}
    now = owner.now
    merged: dict[str, ContextValue] = dict(owner._time_keys())
    merged.update(base)
    if side.mfa_at is not None:
        merged["aws:multifactorauthage"] = str(int((now - side.mfa_at).total_seconds()))
    if context:
        merged.update(normalize_context(context))
    request = Request.build(
        side.principal,
        action,
        resource,
        resource_account=res.account,
        context=merged,
        resource_account_assumed=res.assumed_account,
        context_is_normal=True,
    )
    if side.expires_at is not None and now >= side.expires_at:
        return Decision(
            Outcome.IMPLICIT_DENY, Reason.CREDENTIALS_EXPIRED, request, policy_set, (), (), ()
        )
    if side.restricted and _restricted(request.action_lower, side.mfa_at is not None):
        return Decision(
            Outcome.IMPLICIT_DENY,
            Reason.TEMPORARY_CREDENTIALS_RESTRICTED,
            request,
            policy_set,
            (),
            (),
            (),
        )
    return policy_set.evaluate(request)


def _restricted(action: str, mfa: bool) -> bool:
    """GetSessionToken credentials cannot call IAM without MFA, nor STS beyond AssumeRole and
    GetCallerIdentity. https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html"""
    service = action.partition(":")[0]
    if service == "iam":
        return not mfa
    return service == "sts" and action not in ("sts:assumerole", "sts:getcalleridentity")
