"""AWS's decision logic as pure functions over compiled policies. It knows nothing of worlds.

The order follows the enforcement code AWS documents
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html):

1. an applicable Deny in any policy (SCP, RCP, resource-based, identity-based, boundary, session)
   denies explicitly;
2. every RCP level of the resource's account must allow (for the services RCPs cover);
3. every SCP level of the caller's account must allow;
4. in the same account, a resource-based Allow that names the caller (user, session, ``*``) allows
   by itself; one that names the caller's role still needs the boundary and session policy;
   one that names only the account delegates to the identity policies;
5. the identity-based policies must allow, and then the boundary and the session policy (when
   present) must allow too;
6. across accounts both sides are needed: the caller's identity side (with its boundary, session
   policy and SCPs) and the resource's policy (with its RCPs).
   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html

Role trust policies and KMS key policies must allow the caller themselves: an identity Allow is
never enough for ``sts:AssumeRole`` or a KMS key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import Any

from iamsim._jsonpos import Span
from iamsim.compiled import (
    CompiledPolicy,
    CompiledStatement,
    PolicySource,
    PolicyType,
    compile_policy,
)
from iamsim.conditions import ContextValue, Scratch
from iamsim.decision import Decision, Outcome, Reason
from iamsim.errors import ValidationError
from iamsim.policy import Policy, PolicyKind
from iamsim.principals import Grant, PrincipalKind, RequestPrincipal
from iamsim.request import Request

__all__ = [
    "RCP_SERVICES",
    "PolicySet",
    "SlotIndex",
    "applicable",
    "caller_index",
    "decide",
    "match_slots",
    "resource_index",
    "settle",
]

#: Services whose resources RCPs govern ("RCPs apply to actions for the following AWS services").
#: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
RCP_SERVICES = frozenset(
    [
        "appstream",
        "dsql",
        "clouddirectory",
        "cloudfront",
        "cloudsearch",
        "logs",
        "networkmonitor",
        "cognito-identity",
        "cognito-idp",
        "comprehend",
        "comprehendmedical",
        "firehose",
        "dynamodb",
        "dax",
        "autoscaling",
        "ecr",
        "ecr-public",
        "gamelift",
        "inspector-scan",
        "kendra",
        "kinesisvideo",
        "memorydb",
        "aoss",
        "personalize",
        "polly",
        "s3",
        "swf",
        "sqs",
        "textract",
        "timestream-influxdb",
        "transcribe",
        "translate",
        "workspaces",
        "appconfig",
        "autoscaling-plans",
        "budgets",
        "servicediscovery",
        "cloudtrail-data",
        "codeartifact",
        "codebuild",
        "codecommit",
        "codepipeline",
        "compute-optimizer",
        "cost-optimization-hub",
        "events",
        "fms",
        "fis",
        "health",
        "rolesanywhere",
        "kms",
        "opensearch",
        "pricing",
        "pca-connector-ad",
        "resource-groups",
        "secretsmanager",
        "sts",
        "signin",
        "support",
        "transfer",
        "notifications",
        "wafv2",
        "xray",
    ]
)

#: Actions authorized by a role's trust policy.
TRUST_ACTIONS = frozenset(
    {
        "sts:assumerole",
        "sts:assumerolewithsaml",
        "sts:assumerolewithwebidentity",
        "sts:tagsession",
        "sts:setsourceidentity",
        "sts:setcontext",
    }
)

_SCP_CALLERS = frozenset(
    {
        PrincipalKind.USER,
        PrincipalKind.ROLE,
        PrincipalKind.ROLE_SESSION,
        PrincipalKind.ROOT,
        PrincipalKind.FEDERATED_USER,
    }
)

PolicyInput = Policy | Mapping[str, Any] | str | CompiledPolicy
_EMPTY: tuple[CompiledStatement, ...] = ()
_GUARDRAILS = (PolicyType.SCP, PolicyType.RCP)
_CACHE_LIMIT = 4096
#: per slot its statements, and whether all of them are universal
Slots = tuple[tuple[tuple[CompiledStatement, ...], ...], tuple[bool, ...]]


def _source(
    policy_type: PolicyType, name: str, level: int | None = None, level_name: str | None = None
) -> PolicySource:
    return PolicySource(policy_type, name, level, level_name)


def _compile(
    item: PolicyInput, kind: PolicyKind, source: Callable[[], PolicySource]
) -> CompiledPolicy:
    if isinstance(item, CompiledPolicy):
        return item
    made = source()
    return compile_policy(Policy.parse(item, kind, name=made.name), made)


class SlotIndex:
    """The statements of one side of a request (the caller's policies, or the resource's),
    grouped into slots and indexed by action on first use.

    Every policy set that side takes part in shares it, so deciding one caller against many
    resources (or many callers against one resource) indexes each side once.

    >>> ps = PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}])
    >>> index = caller_index(ps.identity, None, (), ())
    >>> [len(slot) for slot in index.slots("s3:getobject")]  # identity, boundary, sessions
    [1, 0, 0]
    """

    __slots__ = ("_memo", "groups")

    def __init__(self, groups: tuple[tuple[CompiledPolicy, ...], ...]) -> None:
        self.groups = groups
        self._memo: dict[str, Slots] = {}

    def slots(self, action: str) -> tuple[tuple[CompiledStatement, ...], ...]:
        """Per group, the statements whose Action/NotAction covers a lower-cased action."""
        return self.prepared(action)[0]

    def prepared(self, action: str) -> Slots:
        """The slots for a lower-cased action, and per slot whether every statement in it is
        universal (applies to any resource and caller, without a condition), so deciding can
        take it whole without testing each statement."""
        found = self._memo.get(action)
        if found is None:
            slots = tuple(
                _EMPTY
                if not group
                else group[0].for_action(action)
                if len(group) == 1
                else tuple(s for p in group for s in p.for_action(action))
                for group in self.groups
            )
            universal = tuple(bool(slot) and all(s.universal for s in slot) for slot in slots)
            found = (slots, universal)
            if len(self._memo) >= _CACHE_LIMIT:
                self._memo.clear()
            self._memo[action] = found
        return found


def caller_index(
    identity: tuple[CompiledPolicy, ...],
    boundary: CompiledPolicy | None,
    sessions: tuple[CompiledPolicy, ...],
    scps: tuple[tuple[CompiledPolicy, ...], ...],
) -> SlotIndex:
    """The caller's side: identity, boundary, session and SCP-level slots, in that order."""
    return SlotIndex((identity, (boundary,) if boundary else (), sessions, *scps))


def resource_index(
    resource: CompiledPolicy | None, rcps: tuple[tuple[CompiledPolicy, ...], ...]
) -> SlotIndex:
    """The resource's side: its own policy's slot, then the RCP-level slots."""
    return SlotIndex(((resource,) if resource else (), *rcps))


class PolicySet:
    """Every policy that takes part in deciding requests of one caller on one resource, compiled.

    Build it once and evaluate many requests: statements are indexed by action on first use, so
    later requests for the same action scan only the statements whose Action can match.

    >>> ps = PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}])
    >>> ps.evaluate("arn:aws:iam::111122223333:user/alice", "s3:GetObject",
    ...             "arn:aws:s3:::bucket/key").allowed
    True
    """

    def __init__(
        self,
        *,
        identity: Iterable[PolicyInput] = (),
        resource: PolicyInput | None = None,
        boundary: PolicyInput | None = None,
        session: PolicyInput | Sequence[PolicyInput] | None = None,
        scps: Iterable[Iterable[PolicyInput]] = (),
        rcps: Iterable[Iterable[PolicyInput]] = (),
        scp_level_names: Sequence[str] | None = None,
        rcp_level_names: Sequence[str] | None = None,
    ) -> None:
        self.identity = tuple(
            _compile(
                p,
                PolicyKind.IDENTITY,
                partial(_source, PolicyType.IDENTITY, f"identity policy {i}"),
            )
            for i, p in enumerate(identity)
        )
        self.resource = (
            None
            if resource is None
            else _compile(
                resource,
                PolicyKind.RESOURCE,
                partial(_source, PolicyType.RESOURCE, "resource-based policy"),
            )
        )
        self.boundary = (
            None
            if boundary is None
            else _compile(
                boundary,
                PolicyKind.BOUNDARY,
                partial(_source, PolicyType.BOUNDARY, "permissions boundary"),
            )
        )
        if session is None:
            sessions: list[PolicyInput] = []
        elif isinstance(session, Policy | Mapping | str | bytes | CompiledPolicy):
            sessions = [session]
        elif isinstance(session, Iterable):
            sessions = list(session)
        else:  # not a document: let the parser say so, with its location
            sessions = [session]
        #: Session policies (an inline one and managed ones passed to AssumeRole): the session
        #: may do what any of them allows, within the role's permissions.
        self.sessions = tuple(
            _compile(
                p,
                PolicyKind.SESSION,
                partial(_source, PolicyType.SESSION, "session policy" + (f" {i}" if i else "")),
            )
            for i, p in enumerate(sessions)
        )
        self.scps = self._levels(scps, PolicyType.SCP, PolicyKind.SCP, scp_level_names)
        self.rcps = self._levels(rcps, PolicyType.RCP, PolicyKind.RCP, rcp_level_names)
        self._caller_index = caller_index(self.identity, self.boundary, self.sessions, self.scps)
        self._resource_index = resource_index(self.resource, self.rcps)
        self._scp_start = 4
        self._rcp_start = 4 + len(self.scps)
        self._cache: dict[str, Slots] = {}

    @classmethod
    def from_compiled(
        cls,
        *,
        identity: tuple[CompiledPolicy, ...],
        resource: CompiledPolicy | None,
        boundary: CompiledPolicy | None,
        sessions: tuple[CompiledPolicy, ...],
        scps: tuple[tuple[CompiledPolicy, ...], ...],
        rcps: tuple[tuple[CompiledPolicy, ...], ...],
        caller: SlotIndex | None = None,
        target: SlotIndex | None = None,
    ) -> PolicySet:
        """A policy set from already compiled policies, built without any checks: the world
        builds one for every caller and resource it answers for.

        Skipping the checks is what makes it cheap; pass only policies a PolicySet compiled.
        ``caller`` and ``target`` share the per-action statement index of one side (see
        :func:`caller_index`, :func:`resource_index`), so a set built per request costs little.

        >>> ps = PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}])
        >>> same = PolicySet.from_compiled(identity=ps.identity, resource=None, boundary=None,
        ...                                sessions=(), scps=(), rcps=())
        >>> same.evaluate("arn:aws:iam::111122223333:user/alice", "s3:GetObject", "*").allowed
        True
        """
        self = cls.__new__(cls)
        self.identity, self.resource, self.boundary = identity, resource, boundary
        self.sessions, self.scps, self.rcps = sessions, scps, rcps
        self._caller_index = caller or caller_index(identity, boundary, sessions, scps)
        self._resource_index = target or resource_index(resource, rcps)
        self._scp_start = 4
        self._rcp_start = 4 + len(scps)
        self._cache = {}
        return self

    @staticmethod
    def _levels(
        levels: Iterable[Iterable[PolicyInput]],
        policy_type: PolicyType,
        kind: PolicyKind,
        names: Sequence[str] | None,
    ) -> tuple[tuple[CompiledPolicy, ...], ...]:
        out = []
        for level, policies in enumerate(levels):
            level_name = names[level] if names is not None else f"level {level}"
            label = f"{policy_type.value.upper()} {{}} at {level_name}"
            out.append(
                tuple(
                    _compile(
                        p, kind, partial(_source, policy_type, label.format(i), level, level_name)
                    )
                    for i, p in enumerate(policies)
                )
            )
        return tuple(out)

    # -- evaluation

    def candidates(self, action: str) -> tuple[tuple[CompiledStatement, ...], ...]:
        """Per slot, the statements whose Action/NotAction covers the lower-cased ``action``.

        The slots are identity, resource, boundary, sessions, then each SCP and RCP level; the
        result is cached per action, which is what makes repeated evaluation fast.

        >>> ps = PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}])
        >>> [len(slot) for slot in ps.candidates("s3:getobject")]
        [1, 0, 0, 0]
        >>> [len(slot) for slot in ps.candidates("s3:putobject")]
        [0, 0, 0, 0]
        """
        return self._prepared(action)[0]

    def _prepared(self, action: str) -> Slots:
        found = self._cache.get(action)
        if found is None:
            caller, caller_universal = self._caller_index.prepared(action)
            target, target_universal = self._resource_index.prepared(action)
            # slot order: identity, resource, boundary, sessions, SCP levels, RCP levels
            found = (
                (caller[0], target[0], *caller[1:], *target[1:]),
                (
                    caller_universal[0],
                    target_universal[0],
                    *caller_universal[1:],
                    *target_universal[1:],
                ),
            )
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[action] = found
        return found

    def evaluate(
        self,
        principal: str | RequestPrincipal | Request,
        action: str | None = None,
        resource: str | None = None,
        *,
        resource_account: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> Decision:
        """Decide one request (a :class:`Request`, or its parts).

        >>> ps = PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}])
        >>> ps.evaluate("arn:aws:iam::111122223333:user/alice", "s3:GetObject", "*").allowed
        True
        >>> str(ps.evaluate("arn:aws:iam::111122223333:user/alice", "s3:PutObject", "*").outcome)
        'implicitDeny'
        """
        if isinstance(principal, Request):
            return decide(self, principal)
        if action is None or resource is None:
            raise ValidationError("evaluate() needs an action and a resource")
        request = Request.build(
            principal,
            action,
            resource,
            resource_account=resource_account,
            context=context,
            has_boundary=self.boundary is not None,
        )
        return decide(self, request)

    # -- reporting

    def statement_span(self, statement: CompiledStatement) -> Span | None:
        """Line and column of a statement when its policy came as JSON text.

        Explanations use it to point at the statement in the file; a dict policy has no span.

        >>> ps = PolicySet(identity=['{"Version": "2012-10-17", "Statement": '
        ...                          '[{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'])
        >>> decision = ps.evaluate("arn:aws:iam::111122223333:user/alice", "s3:GetObject", "*")
        >>> ps.statement_span(decision.determining_compiled[0])
        (1, 41, 1, 94)
        """
        groups = self._caller_index.groups + self._resource_index.groups
        policies = {p.source: p.policy for group in groups for p in group}
        policy = policies.get(statement.source)
        return policy.statement_span(statement.index) if policy is not None else None

    def verdicts(self, decision: Decision) -> dict[str, str]:
        """Per policy type present, what it said about the request.

        This is what :attr:`Decision.verdicts` reads.

        >>> ps = PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}])
        >>> decision = ps.evaluate("arn:aws:iam::111122223333:user/alice", "s3:GetObject", "*")
        >>> ps.verdicts(decision)
        {'identity': 'allowed'}
        """
        matched = decision.matched_compiled
        out: dict[str, str] = {}

        def verdict(policy_type: PolicyType, level: int | None = None) -> str:
            mine = [
                s
                for s in matched
                if s.source.type is policy_type and (level is None or s.source.level == level)
            ]
            if any(not s.allow for s in mine):
                return str(Outcome.EXPLICIT_DENY)
            return str(Outcome.ALLOWED if mine else Outcome.IMPLICIT_DENY)

        request = decision.request
        if request.principal.has_identity_policies:
            root = request.principal.kind is PrincipalKind.ROOT
            out["identity"] = "allowed (root user)" if root else verdict(PolicyType.IDENTITY)
        if self.resource is not None:
            out["resource"] = verdict(PolicyType.RESOURCE)
        if self.boundary is not None:
            out["boundary"] = verdict(PolicyType.BOUNDARY)
        if self.sessions:
            out["session"] = verdict(PolicyType.SESSION)
        for name, levels, applies in (
            ("scp", self.scps, scps_apply(request.principal)),
            ("rcp", self.rcps, rcps_apply(request)),
        ):
            if not levels:
                continue
            if not applies:
                out[name] = "notApplicable"
                continue
            policy_type = PolicyType.SCP if name == "scp" else PolicyType.RCP
            per_level = [verdict(policy_type, i) for i in range(len(levels))]
            if str(Outcome.EXPLICIT_DENY) in per_level:
                out[name] = str(Outcome.EXPLICIT_DENY)
            elif str(Outcome.IMPLICIT_DENY) in per_level:
                out[name] = str(Outcome.IMPLICIT_DENY)
            else:
                out[name] = str(Outcome.ALLOWED)
        return out


def scps_apply(caller: RequestPrincipal) -> bool:
    """SCPs govern the users and roles (and root) of member accounts, not services or anonymous
    callers. https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html"""
    return caller.kind in _SCP_CALLERS


def rcps_apply(request: Request) -> bool:
    """RCPs govern only the resources of the services they support."""
    return request.service in RCP_SERVICES


def requires_own_policy(request: Request) -> bool:
    """Role trust policies and KMS key policies must allow the caller themselves."""
    if request.action_lower in TRUST_ACTIONS and ":role/" in request.resource:
        return True
    return request.service == "kms" and ":key/" in request.resource


def _applicable(
    statements: tuple[CompiledStatement, ...],
    request: Request,
    context: Mapping[str, ContextValue],
    scratch: Scratch,
    out: list[CompiledStatement],
) -> None:
    resource = request.resource
    caller = request.principal
    for statement in statements:
        if not statement.matches_resource(resource, context):
            continue
        if statement.principal is not None and statement.principal.grant(caller) is None:
            continue
        if (
            statement.not_principal is not None
            and not caller.has_boundary
            and statement.not_principal.excludes(caller)
        ):
            continue
        condition = statement.condition
        if condition is not None and not condition.evaluate(context, scratch, not statement.allow):
            continue
        out.append(statement)


def applicable(
    statements: tuple[CompiledStatement, ...], request: Request, scratch: Scratch | None = None
) -> list[CompiledStatement]:
    """The statements that apply to ``request``: Resource, Principal and Condition all match
    (their Action is taken to cover it: pass statements a slot chose for the action).

    >>> ps = PolicySet(resource={"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    ...     "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"}]})
    >>> trust = ps.candidates("sts:assumerole")[1]
    >>> role = "arn:aws:iam::111122223333:role/ops"
    >>> def caller(arn): return Request.build(arn, "sts:AssumeRole", role)
    >>> len(applicable(trust, caller("arn:aws:iam::111122223333:user/a")))
    1
    >>> applicable(trust, caller("arn:aws:iam::444455556666:user/b"))
    []
    """
    found: list[CompiledStatement] = []
    _applicable(statements, request, request.context, scratch or Scratch(), found)
    return found


def notes_for(policy_set: PolicySet, request: Request) -> tuple[str, ...]:
    """Assumptions and non-applicable policy types worth telling the reader about."""
    notes: tuple[str, ...] = ()
    if request.resource_account_assumed:
        notes += (
            "the resource ARN names no account; it is taken to belong to the caller's "
            f"account ({request.resource_account})",
        )
    if policy_set.rcps and not rcps_apply(request):
        notes += (f"RCPs do not apply: they do not cover the `{request.service}` service",)
    if policy_set.scps and not scps_apply(request.principal):
        notes += ("SCPs do not apply to this kind of caller",)
    return notes


def decide(policy_set: PolicySet, request: Request) -> Decision:
    """Decide ``request`` against ``policy_set`` exactly as AWS would."""
    slots, universal = policy_set._prepared(request.action_lower)
    context = request.context
    caller = request.principal
    scratch = Scratch()
    scp_on = caller.kind in _SCP_CALLERS
    rcp_on = request.service in RCP_SERVICES
    scp_start, rcp_start = policy_set._scp_start, policy_set._rcp_start
    per_slot: list[list[CompiledStatement]] = []
    matched: list[CompiledStatement] = []
    for index, slot in enumerate(slots):
        found: list[CompiledStatement] = []
        if slot and (index < scp_start or (scp_on if index < rcp_start else rcp_on)):
            if universal[index]:
                found += slot
            else:
                _applicable(slot, request, context, scratch, found)
            if found:
                matched += found
        per_slot.append(found)
    outcome, reason, determining, level = settle(
        request,
        per_slot,
        matched,
        has_boundary=policy_set.boundary is not None,
        has_sessions=bool(policy_set.sessions),
        scp_levels=len(policy_set.scps),
        rcp_levels=len(policy_set.rcps),
    )
    return Decision(
        outcome,
        reason,
        request,
        policy_set,
        tuple(determining),
        tuple(matched),
        tuple(scratch.missing),
        tuple(scratch.unreadable),
        level,
    )


def match_slots(
    slots: tuple[tuple[CompiledStatement, ...], ...],
    universal: tuple[bool, ...],
    request: Request,
    scratch: Scratch,
    on: bool = True,
) -> list[list[CompiledStatement]]:
    """Per slot, the statements that apply to ``request`` (none when ``on`` is False: the
    policy type does not govern this request). :func:`decide` does the same for all slots;
    analyses that decide one side once for many requests use this for that side.

    >>> ps = PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::docs/*"}]}])
    >>> slots, universal = caller_index(ps.identity, None, (), ()).prepared("s3:getobject")
    >>> request = Request.build("arn:aws:iam::111122223333:user/a", "s3:GetObject",
    ...                         "arn:aws:s3:::docs/a.txt")
    >>> [len(found) for found in match_slots(slots, universal, request, Scratch())]
    [1, 0, 0]
    """
    out: list[list[CompiledStatement]] = []
    for index, slot in enumerate(slots):
        found: list[CompiledStatement] = []
        if on and slot:
            if universal[index]:
                found += slot
            else:
                _applicable(slot, request, request.context, scratch, found)
        out.append(found)
    return out


def settle(
    request: Request,
    per_slot: list[list[CompiledStatement]],
    matched: list[CompiledStatement],
    *,
    has_boundary: bool,
    has_sessions: bool,
    scp_levels: int,
    rcp_levels: int,
) -> tuple[Outcome, Reason, list[CompiledStatement], int | None]:
    """AWS's evaluation logic over the statements that apply: the outcome, the rule that
    settled it, the statements that decided, and the SCP/RCP level that lacked an Allow.

    ``per_slot`` holds what applies per slot (identity, resource, boundary, sessions, each
    SCP level, each RCP level; empty for a type that does not govern the request) and
    ``matched`` all of it in that order.
    """
    caller = request.principal
    scp_start = 4
    rcp_start = scp_start + scp_levels
    denies = [s for s in matched if not s.allow]
    if denies:
        return Outcome.EXPLICIT_DENY, Reason.EXPLICIT_DENY, denies, None
    if request.service in RCP_SERVICES:
        for level in range(rcp_levels):
            if not per_slot[rcp_start + level]:
                return Outcome.IMPLICIT_DENY, Reason.RCP_NO_ALLOW, [], level
    if caller.kind in _SCP_CALLERS:
        for level in range(scp_levels):
            if not per_slot[scp_start + level]:
                return Outcome.IMPLICIT_DENY, Reason.SCP_NO_ALLOW, [], level
    identity, resource, boundary, session = per_slot[0], per_slot[1], per_slot[2], per_slot[3]
    guardrails = (
        [s for s in matched if s.source.type in _GUARDRAILS] if scp_levels or rcp_levels else []
    )
    if caller.kind is PrincipalKind.ROOT and request.action_lower in TRUST_ACTIONS:
        # "You cannot use AWS account root user credentials to call AssumeRole."
        return Outcome.IMPLICIT_DENY, Reason.ROOT_CANNOT_ASSUME, [], None
    if resource == [] and requires_own_policy(request):
        return Outcome.IMPLICIT_DENY, Reason.RESOURCE_POLICY_REQUIRED, [], None
    if not caller.has_identity_policies:
        if resource:
            return Outcome.ALLOWED, Reason.RESOURCE_ONLY, resource + guardrails, None
        return Outcome.IMPLICIT_DENY, Reason.NO_RESOURCE_ALLOW, [], None
    root = caller.kind is PrincipalKind.ROOT
    identity_ok = root or bool(identity)
    boundary_ok = root or not has_boundary or bool(boundary)
    session_ok = root or not has_sessions or bool(session)
    caps = boundary + session
    if request.same_account:
        if resource:
            grants = [
                (s, Grant.DIRECT if s.principal is None else s.principal.grant(caller))
                for s in resource
            ]
            direct = [s for s, g in grants if g is Grant.DIRECT]
            if direct:
                return Outcome.ALLOWED, Reason.RESOURCE_DIRECT, direct + guardrails, None
            by_role = [s for s, g in grants if g is Grant.ROLE]
            if by_role and boundary_ok and session_ok:
                return Outcome.ALLOWED, Reason.RESOURCE_ROLE, by_role + caps + guardrails, None
        else:
            by_role = []
        if identity_ok and boundary_ok and session_ok:
            # a trust or key policy that had to allow too is part of what decided
            own = resource if requires_own_policy(request) else []
            return Outcome.ALLOWED, Reason.IDENTITY, identity + own + caps + guardrails, None
        if not identity_ok and not by_role:
            return Outcome.IMPLICIT_DENY, Reason.NO_IDENTITY_ALLOW, [], None
    elif identity_ok and boundary_ok and session_ok:
        if resource:
            return Outcome.ALLOWED, Reason.IDENTITY, identity + resource + caps + guardrails, None
        return Outcome.IMPLICIT_DENY, Reason.CROSS_ACCOUNT_NO_RESOURCE_ALLOW, [], None
    elif not identity_ok:
        return Outcome.IMPLICIT_DENY, Reason.NO_IDENTITY_ALLOW, [], None
    if not boundary_ok:
        return Outcome.IMPLICIT_DENY, Reason.BOUNDARY_NO_ALLOW, [], None
    return Outcome.IMPLICIT_DENY, Reason.SESSION_NO_ALLOW, [], None
