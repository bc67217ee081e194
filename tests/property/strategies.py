"""Composable Hypothesis strategies for iamsim's property tests: callers, requests, policies.

The vocabulary is deliberately small (two accounts, four services, a handful of actions,
resources, condition keys and values) so that generated statements actually match generated
requests: a good share of generated decisions are ``allowed`` and ``explicitDeny``, not only
``implicitDeny`` (``test_laws.test_generated_requests_reach_every_outcome`` keeps that true).
Everything shrinks toward the first entry of each vocabulary list, toward fewer statements and
toward no Condition, so a failing example reads like a hand-written one.

The policy grammar followed is https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
and the request context keys are the global ones of
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from hypothesis import strategies as st

Doc = dict[str, Any]
Kind = Literal["identity", "resource", "boundary", "session", "scp", "rcp"]

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
ACCOUNTS = (ACCOUNT, OTHER_ACCOUNT)
VERSION = "2012-10-17"

# --- callers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    """Who makes a request: the ARN to pass to ``evaluate`` and what AWS knows about it."""

    arn: str
    account: str
    kind: Literal["user", "session", "root"]
    #: The value AWS gives ``aws:PrincipalArn``: the user, the role of a session, or the root.
    principal_arn: str
    #: The role of a session, as a resource policy's Principal would name it.
    role_arn: str | None = None


USER_NAMES = ("alice", "bob")
ROLE_PATHS = ("", "team/")


def user_arn(account: str, name: str) -> str:
    """The ARN of an IAM user without a path."""
    return f"arn:aws:iam::{account}:user/{name}"


def role_arn(account: str, path: str = "") -> str:
    """The ARN of the one role of the vocabulary, ``AppRole``, with an optional path."""
    return f"arn:aws:iam::{account}:role/{path}AppRole"


def session_arn(account: str) -> str:
    """A session of ``AppRole`` (session ARNs carry no role path)."""
    return f"arn:aws:sts::{account}:assumed-role/AppRole/app-session"


def root_arn(account: str) -> str:
    """The account's root user."""
    return f"arn:aws:iam::{account}:root"


def account_ids() -> st.SearchStrategy[str]:
    """One of the two accounts of the vocabulary (shrinks toward 111122223333)."""
    return st.sampled_from(ACCOUNTS)


def users(accounts: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Caller]:
    """An IAM user (alice or bob) of one of the accounts."""
    return st.builds(
        lambda account, name: Caller(
            user_arn(account, name), account, "user", user_arn(account, name)
        ),
        accounts or account_ids(),
        st.sampled_from(USER_NAMES),
    )


def role_sessions(accounts: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Caller]:
    """A session of ``AppRole``; the role sometimes has a path (then only aws:PrincipalArn
    tells it, as on AWS)."""
    return st.builds(
        lambda account, path: Caller(
            session_arn(account),
            account,
            "session",
            role_arn(account, path),
            role_arn(account, path),
        ),
        accounts or account_ids(),
        st.sampled_from(ROLE_PATHS),
    )


def roots(accounts: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Caller]:
    """An account's root user."""
    return st.builds(
        lambda account: Caller(root_arn(account), account, "root", root_arn(account)),
        accounts or account_ids(),
    )


def callers(
    kinds: Sequence[str] = ("user", "session", "root"),
    accounts: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[Caller]:
    """A caller of one of ``kinds`` (users first: they shrink best)."""
    makers: dict[str, Callable[[st.SearchStrategy[str] | None], st.SearchStrategy[Caller]]] = {
        "user": users,
        "session": role_sessions,
        "root": roots,
    }
    return st.one_of(*(makers[k](accounts) for k in kinds))


# --- actions and resources ---------------------------------------------------------------------

#: service -> action names
ACTIONS: dict[str, tuple[str, ...]] = {
    "s3": ("GetObject", "PutObject", "ListBucket"),
    "iam": ("GetUser", "PassRole", "CreateAccessKey"),
    "ec2": ("DescribeInstances", "RunInstances", "TerminateInstances"),
    "dynamodb": ("GetItem", "PutItem", "Query"),
}
SERVICES = tuple(ACTIONS)

#: service -> action patterns besides the exact names, ``service:*`` and ``*``
ACTION_PATTERNS: dict[str, tuple[str, ...]] = {
    "s3": ("s3:Get*", "s3:*Object", "S3:getobject", "s3:?utObject"),
    "iam": ("iam:Get*", "iam:*User", "IAM:PASSROLE"),
    "ec2": ("ec2:Describe*", "ec2:*Instances", "EC2:runinstances"),
    "dynamodb": ("dynamodb:?etItem", "dynamodb:*Item", "DynamoDB:query"),
}


def resource_arns(service: str, account: str) -> tuple[str, ...]:
    """Concrete resources of a service in an account (S3 ARNs name no account)."""
    return {
        "s3": (
            "arn:aws:s3:::reports/q3.csv",
            "arn:aws:s3:::reports",
            "arn:aws:s3:::logs/2024/app.log",
        ),
        "iam": (f"arn:aws:iam::{account}:user/alice", role_arn(account)),
        "ec2": (
            f"arn:aws:ec2:us-east-1:{account}:instance/i-0abc",
            f"arn:aws:ec2:eu-west-1:{account}:volume/vol-1",
        ),
        "dynamodb": (
            f"arn:aws:dynamodb:us-east-1:{account}:table/Orders",
            f"arn:aws:dynamodb:us-east-1:{account}:table/Orders/index/ByDate",
        ),
    }[service]


def resource_patterns(service: str, account: str) -> tuple[str, ...]:
    """Wildcard Resource patterns of a service. None of the resources above holds a colon in
    its resource part, so ``*`` can never stretch across an ARN component on them: the simple
    regex translation of the reference evaluator and the engine's ARN-aware one agree."""
    return {
        "s3": (
            "arn:aws:s3:::reports/*",
            "arn:aws:s3:::*",
            "arn:aws:s3:::reports/q?.csv",
            "arn:aws:s3:::logs/*/app.log",
        ),
        "iam": (
            f"arn:aws:iam::{account}:user/*",
            "arn:aws:iam::*:role/AppRole",
            f"arn:aws:iam::{account}:*",
        ),
        "ec2": (
            "arn:aws:ec2:*:*:instance/*",
            f"arn:aws:ec2:*:{account}:volume/*",
            "arn:aws:ec2:us-*:*:*",
        ),
        "dynamodb": (
            "arn:aws:dynamodb:*:*:table/Orders",
            "arn:aws:dynamodb:us-east-1:*:table/Orders*",
            f"arn:aws:dynamodb:*:{account}:table/*",
        ),
    }[service]


def actions(services: Sequence[str] = SERVICES) -> st.SearchStrategy[str]:
    """An exact action of the vocabulary, as a request names it."""
    return st.sampled_from(services).flatmap(
        lambda s: st.sampled_from(ACTIONS[s]).map(lambda a: f"{s}:{a}")
    )


def action_patterns(services: Sequence[str] = SERVICES) -> st.SearchStrategy[str]:
    """An Action element entry: an exact action, a wildcard pattern, ``service:*`` or ``*``."""
    per_service = st.sampled_from(services).flatmap(
        lambda s: st.sampled_from(
            (*(f"{s}:{a}" for a in ACTIONS[s]), *ACTION_PATTERNS[s], f"{s}:*")
        )
    )
    return st.one_of(per_service, st.just("*"))


def resource_entries(services: Sequence[str] = SERVICES) -> st.SearchStrategy[str]:
    """A Resource element entry: a concrete ARN, a wildcard pattern, or ``*``."""
    per_service = st.tuples(st.sampled_from(services), account_ids()).flatmap(
        lambda sa: st.sampled_from((*resource_arns(*sa), *resource_patterns(*sa)))
    )
    return st.one_of(per_service, st.just("*"))


def one_or_many(strategy: st.SearchStrategy[str], max_size: int = 3) -> st.SearchStrategy[Any]:
    """A single string or a list of them (IAM treats ``"x"`` and ``["x"]`` alike)."""
    return st.one_of(strategy, st.lists(strategy, min_size=1, max_size=max_size, unique=True))


# --- conditions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConditionKey:
    """A condition key of the vocabulary: the operators that suit it and the values to use."""

    name: str  # as AWS spells it; policies sometimes change its case
    operators: tuple[str, ...]
    policy_values: tuple[str, ...]
    request_values: tuple[Any, ...]  # a list value is a multivalued key
    multivalued: bool = False


_STRING_OPS = (
    "StringEquals",
    "StringNotEquals",
    "StringLike",
    "StringNotLike",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
)

CONDITION_KEYS: tuple[ConditionKey, ...] = (
    ConditionKey(
        "aws:PrincipalTag/team", _STRING_OPS, ("red", "blue", "r*", "RED"), ("red", "blue", "Red")
    ),
    ConditionKey(
        "aws:RequestedRegion",
        ("StringEquals", "StringNotEquals", "StringLike"),
        ("us-east-1", "eu-*"),
        ("us-east-1", "eu-west-1"),
    ),
    ConditionKey(
        "s3:max-keys",
        ("NumericLessThan", "NumericGreaterThanEquals", "NumericEquals", "NumericNotEquals"),
        ("10", "100"),
        ("5", "50", "500", 10, "lots"),  # "lots" cannot be read as a number
    ),
    ConditionKey("aws:SecureTransport", ("Bool",), ("true", "false"), ("true", "false", True)),
    ConditionKey(
        "aws:SourceIp",
        ("IpAddress", "NotIpAddress"),
        ("203.0.113.0/24", "2001:db8::/32"),
        ("203.0.113.7", "198.51.100.1", "2001:db8::1"),
    ),
    ConditionKey(
        "aws:CurrentTime",
        ("DateLessThan", "DateGreaterThanEquals"),
        ("2025-01-01T00:00:00Z",),
        ("2024-06-01T00:00:00Z", "2026-01-01T00:00:00Z"),
    ),
    ConditionKey(
        "aws:SourceArn",
        ("ArnLike", "ArnEquals", "ArnNotLike"),
        ("arn:aws:sns:*:111122223333:*", "arn:aws:sqs:us-east-1:*:queue1"),
        ("arn:aws:sns:us-east-1:111122223333:topic", "arn:aws:sqs:us-east-1:444455556666:queue1"),
    ),
    ConditionKey(
        "aws:TagKeys",
        ("StringEquals", "StringLike", "StringNotEquals", "StringNotLike"),
        ("team", "env", "cost*"),
        (["team"], ["team", "env"], ["cost-center"], ["env", "owner"], []),
        multivalued=True,
    ),
)

#: The string-valued keys the naive reference evaluator understands (with the caller's own
#: aws:PrincipalArn added by the requests themselves).
REFERENCE_KEYS = ("aws:PrincipalTag/team", "aws:RequestedRegion", "aws:PrincipalArn")
REFERENCE_VALUES = ("red", "blue", "us-east-1", "eu-west-1")


def _key_spelling(name: str) -> st.SearchStrategy[str]:
    """Condition key names are case-insensitive: sometimes write them in another case."""
    return st.sampled_from((name, name.lower(), name.upper()))


@st.composite
def condition_clauses(draw: st.DrawFn) -> tuple[str, str, Any]:
    """One ``(operator, key, values)`` clause from the vocabulary, with IfExists, a set prefix
    (only on the multivalued key, as AWS advises) or Null now and then."""
    key = draw(st.sampled_from(CONDITION_KEYS))
    spelled = draw(_key_spelling(key.name))
    if draw(st.integers(0, 9)) == 0:
        return "Null", spelled, draw(st.sampled_from(("true", "false")))
    operator = draw(st.sampled_from(key.operators))
    if key.multivalued:
        operator = draw(st.sampled_from(("ForAllValues:", "ForAnyValue:"))) + operator
    if draw(st.integers(0, 3)) == 0:
        operator += "IfExists"
    values = draw(one_or_many(st.sampled_from(key.policy_values), max_size=2))
    return operator, spelled, values


def _block(clauses: Iterable[tuple[str, str, Any]]) -> Doc:
    block: Doc = {}
    for operator, key, values in clauses:
        block.setdefault(operator, {})[key] = values
    return block


def condition_blocks(
    clauses: st.SearchStrategy[tuple[str, str, Any]] | None = None,
) -> st.SearchStrategy[Doc]:
    """A Condition element of one or two clauses (operators AND, keys AND, values OR)."""
    return st.lists(clauses or condition_clauses(), min_size=1, max_size=2).map(_block)


@st.composite
def reference_clauses(draw: st.DrawFn, *, multi_valued_null: bool = False) -> tuple[str, str, Any]:
    """The condition subset of the reference evaluator: StringEquals, StringNotEquals, Null."""
    key = draw(st.sampled_from(REFERENCE_KEYS))
    operator = draw(st.sampled_from(("StringEquals", "StringNotEquals", "Null")))
    if operator == "Null":
        if multi_valued_null:
            values: Any = draw(st.permutations(["true", "false"]))
        else:
            values = draw(st.sampled_from(("true", "false")))
        return operator, draw(_key_spelling(key)), values
    pool = (*REFERENCE_VALUES, *(user_arn(a, "alice") for a in ACCOUNTS))
    values = draw(one_or_many(st.sampled_from(pool), max_size=2))
    return operator, draw(_key_spelling(key)), values


def contexts(caller: Caller | None = None) -> st.SearchStrategy[Doc]:
    """A request context: each key of the vocabulary present or not, with one of its values;
    with ``caller``, sometimes the caller's ``aws:PrincipalArn`` too."""
    entries = [
        st.one_of(st.none(), st.sampled_from(k.request_values).map(lambda v, n=k.name: (n, v)))
        for k in CONDITION_KEYS
    ]
    if caller is not None:
        entries.append(st.one_of(st.none(), st.just(("aws:PrincipalArn", caller.principal_arn))))
    return st.tuples(*entries).map(lambda pairs: dict(p for p in pairs if p is not None))


def reference_contexts(caller: Caller) -> st.SearchStrategy[dict[str, str]]:
    """A context of string values for the reference subset's keys."""
    tag = st.one_of(st.none(), st.sampled_from(REFERENCE_VALUES))
    region = st.one_of(st.none(), st.sampled_from(REFERENCE_VALUES))
    arn = st.one_of(st.none(), st.just(caller.principal_arn))
    return st.tuples(tag, region, arn).map(
        lambda values: {k: v for k, v in zip(REFERENCE_KEYS, values, strict=True) if v is not None}
    )


# --- principals of resource-based policies -----------------------------------------------------


def principal_ids() -> st.SearchStrategy[str]:
    """An ``AWS`` principal identifier: account, root, user, role or session ARN, or ``*``."""
    return account_ids().flatmap(
        lambda a: st.sampled_from(
            (
                user_arn(a, "alice"),
                a,
                "*",
                root_arn(a),
                role_arn(a),
                role_arn(a, "team/"),
                session_arn(a),
                user_arn(a, "bob"),
            )
        )
    )


def principal_elements(ids: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Any]:
    """A Principal element: ``"*"``, ``{"AWS": ...}`` (one id or several), sometimes a
    ``Service`` beside it."""
    ids = ids or principal_ids()
    aws = one_or_many(ids, max_size=2).map(lambda v: {"AWS": v})
    with_service = aws.map(lambda p: {**p, "Service": "ec2.amazonaws.com"})
    return st.one_of(aws, st.just("*"), with_service)


def reference_principal_elements() -> st.SearchStrategy[Any]:
    """The reference subset: exact user ARNs, account IDs, or ``*``."""
    ids = account_ids().flatmap(
        lambda a: st.sampled_from((user_arn(a, "alice"), a, user_arn(a, "bob")))
    )
    return st.one_of(one_or_many(ids, max_size=2).map(lambda v: {"AWS": v}), st.just("*"))


# --- statements and policies -------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """What statements are built from; the reference test narrows it to its subset."""

    actions: st.SearchStrategy[str] = field(default_factory=action_patterns)
    resources: st.SearchStrategy[str] = field(default_factory=resource_entries)
    conditions: st.SearchStrategy[Doc] = field(default_factory=condition_blocks)
    principals: st.SearchStrategy[Any] = field(default_factory=principal_elements)
    negations: bool = True  # NotAction and NotResource now and then
    not_principals: bool = True  # NotPrincipal in resource-policy Denies now and then


FULL = Vocabulary()


@st.composite
def statements(
    draw: st.DrawFn,
    kind: Kind = "identity",
    *,
    effect: str | None = None,
    vocabulary: Vocabulary = FULL,
) -> Doc:
    """One statement valid in a policy of ``kind``; Allow is drawn three times out of four."""
    if kind == "rcp":
        effect = "Deny"  # custom RCPs can only deny
    if effect is None:
        effect = draw(st.sampled_from(("Allow", "Allow", "Allow", "Deny")))
    out: Doc = {"Effect": effect}
    negate = vocabulary.negations and kind != "rcp"
    if kind in ("resource", "rcp"):
        if (
            kind == "resource"
            and effect == "Deny"
            and vocabulary.not_principals
            and draw(st.integers(0, 7)) == 0
        ):
            out["NotPrincipal"] = {"AWS": draw(one_or_many(principal_ids(), max_size=2))}
        else:
            out["Principal"] = "*" if kind == "rcp" else draw(vocabulary.principals)
    action_name = "NotAction" if negate and draw(st.integers(0, 7)) == 0 else "Action"
    # A customer managed RCP cannot use "*" as its Action.
    action_entries = (
        vocabulary.actions.filter(lambda a: a != "*") if kind == "rcp" else vocabulary.actions
    )
    out[action_name] = draw(one_or_many(action_entries))
    resource_name = (
        "NotResource" if vocabulary.negations and draw(st.integers(0, 7)) == 0 else "Resource"
    )
    out[resource_name] = draw(one_or_many(vocabulary.resources))
    if draw(st.integers(0, 2)) == 0:
        out["Condition"] = draw(vocabulary.conditions)
    return out


@st.composite
def policies(
    draw: st.DrawFn,
    kind: Kind = "identity",
    *,
    effect: str | None = None,
    vocabulary: Vocabulary = FULL,
    max_statements: int = 3,
) -> Doc:
    """A policy document of ``kind`` (resource policies name principals). Statements get
    unique Sids now and then; a one-statement policy sometimes has Statement as an object."""
    body = draw(
        st.lists(
            statements(kind, effect=effect, vocabulary=vocabulary),
            min_size=1,
            max_size=max_statements,
        )
    )
    if draw(st.booleans()):
        for index, statement in enumerate(body):
            statement["Sid"] = f"Stmt{index}"
    doc: Doc = {"Version": VERSION}
    if kind == "resource" and draw(st.integers(0, 3)) == 0:
        doc["Id"] = "ResourcePolicy"
    doc["Statement"] = body[0] if len(body) == 1 and draw(st.booleans()) else body
    return doc


def identity_policies(**kwargs: Any) -> st.SearchStrategy[Doc]:
    """An identity-based policy (no Principal)."""
    return policies("identity", **kwargs)


def resource_policies(**kwargs: Any) -> st.SearchStrategy[Doc]:
    """A resource-based policy: every statement has a Principal (or, for a Deny, a
    NotPrincipal)."""
    return policies("resource", **kwargs)


def _allow_all(kind: Kind = "scp") -> Doc:
    statement: Doc = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    if kind == "rcp":
        statement["Principal"] = "*"
    return {"Version": VERSION, "Statement": [statement]}


#: AWS's FullAWSAccess SCP and RCPFullAWSAccess RCP, as the simulate format wants them spelled.
FULL_AWS_ACCESS = _allow_all("scp")
RCP_FULL_AWS_ACCESS = _allow_all("rcp")


def scp_levels() -> st.SearchStrategy[list[list[Doc]]]:
    """Zero to two SCP levels; most levels keep FullAWSAccess beside a generated SCP."""
    level = st.one_of(
        st.just([copy.deepcopy(FULL_AWS_ACCESS)]),
        policies("scp", max_statements=2).map(lambda p: [copy.deepcopy(FULL_AWS_ACCESS), p]),
        policies("scp", max_statements=2).map(lambda p: [p]),
    )
    return st.lists(level, max_size=2)


def rcp_levels() -> st.SearchStrategy[list[list[Doc]]]:
    """Zero or one RCP level: RCPFullAWSAccess and sometimes a Deny-only custom RCP."""
    level = st.one_of(
        st.just([copy.deepcopy(RCP_FULL_AWS_ACCESS)]),
        policies("rcp", max_statements=2).map(lambda p: [copy.deepcopy(RCP_FULL_AWS_ACCESS), p]),
    )
    return st.lists(level, max_size=1)


@st.composite
def policy_sets(draw: st.DrawFn, *, effect: str | None = None) -> Doc:
    """The ``policies`` part of a simulate case: keyword arguments for ``iamsim.PolicySet``.

    With ``effect="Deny"`` every statement is a Deny (and no SCP or RCP level is drawn, since
    FullAWSAccess is an Allow).
    """
    config: Doc = {
        "identity": draw(st.lists(identity_policies(effect=effect), max_size=3)),
        "resource": draw(st.one_of(st.none(), resource_policies(effect=effect))),
        "boundary": draw(st.one_of(st.none(), policies("boundary", effect=effect))),
        "session": draw(st.one_of(st.none(), policies("session", effect=effect))),
        "scps": [] if effect == "Deny" else draw(scp_levels()),
        "rcps": [] if effect == "Deny" else draw(rcp_levels()),
    }
    return config


# --- requests ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestParts:
    """The arguments of ``PolicySet.evaluate`` for one request."""

    caller: Caller
    action: str
    resource: str
    resource_account: str
    context: Doc

    def evaluate_args(self) -> tuple[tuple[str, str, str], Doc]:
        """Positional and keyword arguments for ``PolicySet.evaluate``."""
        return (self.caller.arn, self.action, self.resource), {
            "resource_account": self.resource_account,
            "context": self.context,
        }

    def as_simulate(self) -> Doc:
        """The ``request`` part of a simulate case."""
        return {
            "principal": self.caller.arn,
            "action": self.action,
            "resource": self.resource,
            "resource_account": self.resource_account,
            "context": self.context,
        }


@st.composite
def requests(
    draw: st.DrawFn,
    *,
    caller_kinds: Sequence[str] = ("user", "session", "root"),
    same_account: bool | None = None,
    context: Callable[[Caller], st.SearchStrategy[Doc]] = contexts,
) -> RequestParts:
    """A request: a caller, an action and a resource of one service, the resource's account
    (the caller's own, or the other one), and a context."""
    caller = draw(callers(caller_kinds))
    service = draw(st.sampled_from(SERVICES))
    action = f"{service}:{draw(st.sampled_from(ACTIONS[service]))}"
    if same_account is None:
        same_account = draw(st.integers(0, 3)) != 0
    other = OTHER_ACCOUNT if caller.account == ACCOUNT else ACCOUNT
    resource_account = caller.account if same_account else other
    resource = draw(st.sampled_from(resource_arns(service, resource_account)))
    return RequestParts(caller, action, resource, resource_account, draw(context(caller)))
