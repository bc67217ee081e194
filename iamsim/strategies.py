"""Hypothesis strategies for IAM: ARNs, actions, conditions, policies, requests and worlds.

For your own property tests and fuzzers (``pip install hypothesis``; this module imports it,
``import iamsim`` does not)::

    from hypothesis import given
    import iamsim
    from iamsim import strategies as iam

    @given(iam.policies("identity"))
    def test_my_linter_accepts_what_iam_accepts(doc):
        assert my_linter.check(doc) == []

Everything is drawn from a small built-in vocabulary (three accounts, seven services with real
action names, a few resources, principals and condition keys whose policy values and request
values are chosen to meet), so generated statements often match generated requests: decisions
are ``allowed``, ``explicitDeny`` and ``implicitDeny`` alike, not only ``implicitDeny``.
Every strategy shrinks toward the first entry of its vocabulary, toward fewer and simpler
statements and toward no Condition; each docstring says where exactly, and shows it with
:func:`minimal`. docs/strategies.md has the guide.

Valid output is what :meth:`iamsim.Policy.parse`, :func:`iamsim.simulate` and
:class:`iamsim.World` accept; every document :func:`malformed_policies` draws is one they reject
with :class:`iamsim.PolicyError`.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Literal, TypeAlias, TypeVar

from hypothesis import Phase, find, settings
from hypothesis import strategies as st

from iamsim.policy import PolicyKind
from iamsim.world import World

__all__ = [
    "ACCOUNTS",
    "ACTIONS",
    "CONDITION_KEYS",
    "KINDS",
    "RESOURCE_SERVICES",
    "SERVICES",
    "account_ids",
    "actions",
    "arns",
    "condition_blocks",
    "contexts",
    "malformation_rules",
    "malformed_policies",
    "minimal",
    "policies",
    "principal_arns",
    "principal_elements",
    "resource_patterns",
    "simulate_cases",
    "statements",
    "worlds",
]

T = TypeVar("T")
Strategy: TypeAlias = st.SearchStrategy
#: A policy document, statement, Condition block or simulate case: a JSON-ready dict.
Doc: TypeAlias = dict[str, Any]
#: What a request context maps each key to: a string, or a list for a multivalued key.
ContextValue: TypeAlias = str | list[str]
KindName = Literal["identity", "resource", "trust", "boundary", "session", "scp", "rcp"]
Negation = Literal["NotAction", "NotResource", "NotPrincipal"]

#: The kinds of policy, as :class:`iamsim.PolicyKind` names them.
KINDS: tuple[KindName, ...] = (
    "identity",
    "resource",
    "trust",
    "boundary",
    "session",
    "scp",
    "rcp",
)
VERSION = "2012-10-17"

# --- vocabulary --------------------------------------------------------------------------------

#: The accounts of the vocabulary, as the AWS documentation spells example accounts.
ACCOUNTS: tuple[str, ...] = ("111122223333", "444455556666", "777788889999")
_MANAGEMENT_ACCOUNT = "999999999999"
_ORG_ID = "o-a1b2c3d4e5"
_REGIONS = ("us-east-1", "eu-west-1")
_NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

#: Real action names (https://docs.aws.amazon.com/service-authorization/latest/reference/),
#: a few per service; the first of each is what its strategies shrink toward.
ACTIONS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "s3": ("GetObject", "PutObject", "DeleteObject", "ListBucket", "GetBucketPolicy"),
        "iam": ("GetUser", "PassRole", "CreateAccessKey", "CreateRole", "ListRoles"),
        "ec2": (
            "DescribeInstances",
            "RunInstances",
            "StartInstances",
            "TerminateInstances",
            "CreateTags",
        ),
        "dynamodb": ("GetItem", "PutItem", "Query", "Scan", "DeleteItem"),
        "sqs": ("SendMessage", "ReceiveMessage", "DeleteMessage", "GetQueueAttributes"),
        "kms": ("Decrypt", "Encrypt", "GenerateDataKey", "DescribeKey"),
        "sts": ("AssumeRole", "TagSession", "GetCallerIdentity"),
    }
)
SERVICES: tuple[str, ...] = tuple(ACTIONS)
#: The services whose resources :func:`arns` draws (sts acts on IAM roles).
RESOURCE_SERVICES: tuple[str, ...] = ("s3", "iam", "ec2", "dynamodb", "sqs", "kms")

_BUCKETS = ("reports", "logs", "home")
_OBJECT_KEYS = ("q3.csv", "2024/app.log", "alice/notes.txt")
_USERS = ("alice", "bob")
_USER_PATHS = ("", "engineering/")
_ROLES = ("AppRole", "Admin")
_ROLE_PATHS = ("", "service-role/")
_SESSIONS = ("app-session", "alice")
_SERVICE_PRINCIPALS = ("ec2.amazonaws.com", "lambda.amazonaws.com", "sns.amazonaws.com")
_TRUST_ACTIONS = ("sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity")

#: What each action of :data:`ACTIONS` acts on, for the requests of :func:`simulate_cases`.
_ACTION_RESOURCES: Mapping[str, str] = MappingProxyType(
    {
        "s3:GetObject": "object",
        "s3:PutObject": "object",
        "s3:DeleteObject": "object",
        "s3:ListBucket": "bucket",
        "s3:GetBucketPolicy": "bucket",
        "iam:GetUser": "user",
        "iam:PassRole": "role",
        "iam:CreateAccessKey": "user",
        "iam:CreateRole": "role",
        "iam:ListRoles": "*",
        "ec2:DescribeInstances": "*",
        "ec2:RunInstances": "instance",
        "ec2:StartInstances": "instance",
        "ec2:TerminateInstances": "instance",
        "ec2:CreateTags": "instance",
        "dynamodb:GetItem": "table",
        "dynamodb:PutItem": "table",
        "dynamodb:Query": "table",
        "dynamodb:Scan": "table",
        "dynamodb:DeleteItem": "table",
        "sqs:SendMessage": "queue",
        "sqs:ReceiveMessage": "queue",
        "sqs:DeleteMessage": "queue",
        "sqs:GetQueueAttributes": "queue",
        "kms:Decrypt": "key",
        "kms:Encrypt": "key",
        "kms:GenerateDataKey": "key",
        "kms:DescribeKey": "key",
        "sts:AssumeRole": "role",
        "sts:TagSession": "role",
        "sts:GetCallerIdentity": "*",
    }
)
_SERVICE_TYPES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "s3": ("bucket", "object"),
        "iam": ("user", "role", "group", "policy"),
        "ec2": ("instance", "volume", "security-group"),
        "dynamodb": ("table", "index"),
        "sqs": ("queue",),
        "kms": ("key", "alias"),
    }
)


@functools.lru_cache(maxsize=1024)
def _sampled(values: tuple[T, ...]) -> Strategy[T]:
    """``st.sampled_from``, built once per tuple: building strategies inside a draw costs as much
    as drawing from them."""
    return st.sampled_from(values)


@functools.lru_cache(maxsize=1024)
def _integers(low: int, high: int) -> Strategy[int]:
    return st.integers(low, high)


_BOOLEANS = st.booleans()


@functools.cache
def _one_in(n: int) -> Strategy[bool]:
    """True about one time in ``n`` (``st.integers`` would favour its bounds); shrinks to
    False."""
    return st.sampled_from((False,) * (n - 1) + (True,))


@functools.lru_cache(maxsize=1024)
def _one_or_many(strategy: Strategy[T], max_size: int = 3) -> Strategy[T | list[T]]:
    """A single value or a non-empty list of them (IAM reads ``"x"`` as ``["x"]``); shrinks
    toward the single value."""
    return st.one_of(strategy, st.lists(strategy, min_size=1, max_size=max_size))


def _kind(kind: PolicyKind | str) -> KindName:
    name = PolicyKind(kind).value
    assert name in KINDS
    return name


_MINIMAL = settings(
    database=None,
    derandomize=True,
    phases=(Phase.generate, Phase.shrink),
    max_examples=1000,
    deadline=None,
)


def minimal(strategy: Strategy[T], condition: Callable[[T], bool] | None = None) -> T:
    """The simplest example of ``strategy`` (that satisfies ``condition``): what a failing
    property test drawing from it shrinks toward. This is :func:`hypothesis.find`,
    derandomized, without the example database and without the explain phase, so it takes
    milliseconds and always gives the same answer; it raises
    ``hypothesis.errors.NoSuchExample`` when no example satisfies ``condition``.

    >>> minimal(actions(), lambda action: action.startswith("sqs:"))
    'sqs:SendMessage'
    """
    return find(strategy, condition or _anything, settings=_MINIMAL)


def _anything(_: object) -> bool:
    return True


# --- accounts, ARNs, principals -----------------------------------------------------------------


@functools.cache
def account_ids(*, arbitrary: bool = False) -> Strategy[str]:
    """A 12-digit AWS account ID.

    By default one of :data:`ACCOUNTS` (so that policies and requests drawn separately name the
    same accounts), shrinking toward ``111122223333``; with ``arbitrary=True`` any 12 digits,
    shrinking toward ``000000000000``.

    >>> minimal(account_ids())
    '111122223333'
    >>> minimal(account_ids(arbitrary=True), lambda account: account.endswith("7"))
    '000000000007'
    """
    if arbitrary:
        return st.text(alphabet="0123456789", min_size=12, max_size=12)
    return st.sampled_from(ACCOUNTS)


def _accounts(accounts: Strategy[str] | None) -> Strategy[str]:
    return account_ids() if accounts is None else accounts


#: Every ARN and caller draws the same choices, whatever its type, so that no type is
#: "simpler" to Hypothesis's shrinker than the first (it prefers fewer choices): shrinking then
#: lands on the first entry of each list, as documented. Six divides evenly by every list length.
_INDEX = st.integers(0, 5)

_NAMES: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = MappingProxyType(
    {
        "user": (_USERS, _USER_PATHS),
        "role": (_ROLES, _ROLE_PATHS),
        "group": (("Developers", "Admins"), ("",)),
        "policy": (("ReadOnly", "Shared"), ("",)),
    }
)
_REGIONAL: Mapping[str, tuple[str, tuple[str, ...]]] = MappingProxyType(
    {
        "instance": ("ec2", ("instance/i-0abcd1234ef567890", "instance/i-0fedc4321ba098765")),
        "volume": ("ec2", ("volume/vol-0123456789abcdef0",)),
        "security-group": ("ec2", ("security-group/sg-0123456789abcdef0",)),
        "table": ("dynamodb", ("table/Orders", "table/Customers")),
        "index": ("dynamodb", ("table/Orders/index/ByDate",)),
        "queue": ("sqs", ("orders", "orders-dlq")),
        "key": ("kms", ("key/1234abcd-12ab-34cd-56ef-1234567890ab",)),
        "alias": ("kms", ("alias/app",)),
    }
)


@functools.lru_cache(maxsize=1024)
def _arn_of(rtype: str, account: str) -> Strategy[str]:
    """ARNs of one type in one account."""
    return _typed_arns(rtype, st.just(account))


@functools.lru_cache(maxsize=1024)
def _typed_arns(rtype: str, accounts: Strategy[str]) -> Strategy[str]:
    return _typed_arn(rtype, accounts)


@st.composite
def _typed_arn(draw: st.DrawFn, rtype: str, accounts: Strategy[str]) -> str:
    """An ARN of one resource type (``bucket``, ``object``, ``user``, ``role``, ``table``...)."""
    account, region = draw(accounts), draw(_sampled(_REGIONS))
    first, second = draw(_INDEX), draw(_INDEX)
    if rtype in ("bucket", "object"):
        bucket = _BUCKETS[first % len(_BUCKETS)]
        if rtype == "bucket":
            return f"arn:aws:s3:::{bucket}"
        return f"arn:aws:s3:::{bucket}/{_OBJECT_KEYS[second % len(_OBJECT_KEYS)]}"
    if rtype in _NAMES:
        names, paths = _NAMES[rtype]
        name, path = names[first % len(names)], paths[second % len(paths)]
        return f"arn:aws:iam::{account}:{rtype}/{path}{name}"
    service, resources = _REGIONAL[rtype]
    return f"arn:aws:{service}:{region}:{account}:{resources[first % len(resources)]}"


@functools.lru_cache(maxsize=256)
def arns(service: str | None = None, *, accounts: Strategy[str] | None = None) -> Strategy[str]:
    """The ARN of a resource of S3 (buckets and objects), IAM (users, roles, groups, managed
    policies), EC2 (instances, volumes, security groups), DynamoDB (tables, indexes), SQS
    (queues) or KMS (keys, aliases); with ``service``, of that service only.

    Names come from a small vocabulary (buckets ``reports``, ``logs``, ``home``; users ``alice``
    and ``bob``, sometimes with a path...), regions are us-east-1 or eu-west-1 and accounts are
    drawn from ``accounts`` (default :func:`account_ids`). The resource part never holds a
    colon. Shrinks toward ``arn:aws:s3:::reports`` (or the first resource of ``service``).

    >>> minimal(arns())
    'arn:aws:s3:::reports'
    >>> minimal(arns("sqs"))
    'arn:aws:sqs:us-east-1:111122223333:orders'
    """
    services = RESOURCE_SERVICES if service is None else (service,)
    unknown = set(services) - set(_SERVICE_TYPES)
    if unknown:
        raise ValueError(f"arns(): no resources for {sorted(unknown)}; use one of {SERVICES}")
    account = _accounts(accounts)
    return st.sampled_from(tuple(t for s in services for t in _SERVICE_TYPES[s])).flatmap(
        lambda rtype: _typed_arns(rtype, account)
    )


CallerKind = Literal["user", "role", "session", "root"]
_CALLER_KINDS: tuple[CallerKind, ...] = ("user", "role", "session", "root")


def principal_arns(
    kinds: Iterable[CallerKind] = _CALLER_KINDS, *, accounts: Strategy[str] | None = None
) -> Strategy[str]:
    """The ARN of a caller: an IAM user (``alice``, ``bob``, sometimes with a path), a role
    (``AppRole``, ``Admin``; as a request principal a role ARN stands for one of its sessions),
    an assumed-role session (``arn:aws:sts::…:assumed-role/AppRole/app-session``) or an
    account's root user; only ``kinds`` of them. Valid both as a request principal and inside a
    ``Principal`` element. Shrinks toward ``arn:aws:iam::111122223333:user/alice``.

    >>> minimal(principal_arns())
    'arn:aws:iam::111122223333:user/alice'
    >>> minimal(principal_arns(["session"]))
    'arn:aws:sts::111122223333:assumed-role/AppRole/app-session'
    """
    chosen = tuple(kinds)
    if not chosen or set(chosen) - set(_CALLER_KINDS):
        raise ValueError(f"principal_arns(): kinds are some of {_CALLER_KINDS}, not {chosen}")
    return _principal_arns(chosen, _accounts(accounts))


@functools.lru_cache(maxsize=256)
def _principal_arns(kinds: tuple[CallerKind, ...], accounts: Strategy[str]) -> Strategy[str]:
    return st.sampled_from(kinds).flatmap(lambda kind: _caller_arns(kind, accounts))


@functools.lru_cache(maxsize=256)
def _caller_arns(kind: str, accounts: Strategy[str]) -> Strategy[str]:
    return _caller(kind, accounts).map(lambda caller: caller[0])


@st.composite
def _caller(draw: st.DrawFn, kind: str, accounts: Strategy[str]) -> tuple[str, str, str]:
    """``(request principal ARN, its account, the aws:PrincipalArn AWS gives it)``: the role
    ARN (with its path) for a session. Every kind draws the same choices (see _INDEX)."""
    account = draw(accounts)
    first, second, third = draw(_INDEX), draw(_INDEX), draw(_INDEX)
    if kind == "root":
        arn = f"arn:aws:iam::{account}:root"
        return arn, account, arn
    if kind == "user":
        path, name = _USER_PATHS[second % len(_USER_PATHS)], _USERS[first % len(_USERS)]
        arn = f"arn:aws:iam::{account}:user/{path}{name}"
        return arn, account, arn
    path, role = _ROLE_PATHS[second % len(_ROLE_PATHS)], _ROLES[first % len(_ROLES)]
    role_arn = f"arn:aws:iam::{account}:role/{path}{role}"
    if kind == "role":
        return role_arn, account, role_arn
    session = _SESSIONS[third % len(_SESSIONS)]
    return f"arn:aws:sts::{account}:assumed-role/{role}/{session}", account, role_arn


@functools.lru_cache(maxsize=256)
def principal_elements(
    kind: Literal["resource", "trust"] = "resource", *, accounts: Strategy[str] | None = None
) -> Strategy[str | Doc]:
    """A ``Principal`` element: for resource-based policies ``"*"``, ``{"AWS": ids}`` (account
    IDs, user, role, session and root ARNs, ``"*"``; one or several), ``{"Service": ...}`` or
    both, shrinking toward ``"*"``; for trust policies the same without ``"*"``, shrinking
    toward ``{"AWS": "111122223333"}`` (the account trusts itself).

    >>> minimal(principal_elements())
    '*'
    >>> minimal(principal_elements("trust"))
    {'AWS': '111122223333'}
    """
    account = _accounts(accounts)
    ids = st.one_of(account, principal_arns(accounts=account))
    if kind == "resource":
        ids = st.one_of(ids, st.just("*"))
    aws = _one_or_many(ids, 2).map(lambda v: {"AWS": v})
    service = _one_or_many(st.sampled_from(_SERVICE_PRINCIPALS), 2)
    elements: list[Strategy[Any]] = [
        aws,
        service.map(lambda v: {"Service": v}),
        st.tuples(aws, service).map(lambda p: {**p[0], "Service": p[1]}),
    ]
    if kind == "resource":
        elements.insert(0, st.just("*"))
    return st.one_of(*elements)


# --- actions and resource patterns ------------------------------------------------------------


@st.composite
def _action_pattern(draw: st.DrawFn, names: Strategy[str]) -> str:
    """A wildcard pattern that matches the drawn real action."""
    action = draw(names)
    service, _, name = action.partition(":")
    how = draw(_sampled(("service", "prefix", "suffix", "question", "case")))
    if how == "service":
        return f"{service}:*"
    if how == "prefix":
        return f"{service}:{name[: draw(_integers(1, len(name) - 1))]}*"
    if how == "suffix":
        return f"{service}:*{name[draw(_integers(1, len(name) - 1)) :]}"
    if how == "question":
        at = draw(_integers(0, len(name) - 1))
        return f"{service}:{name[:at]}?{name[at + 1 :]}"
    spelled: str = draw(_sampled((action.lower(), action.upper(), service.upper() + ":" + name)))
    return spelled


@functools.lru_cache(maxsize=64)
def actions(service: str | None = None, *, wildcards: bool = False) -> Strategy[str]:
    """A real ``service:Action`` name from :data:`ACTIONS` (S3, IAM, EC2, DynamoDB, SQS, KMS,
    STS), or only ``service``'s.

    With ``wildcards=True``, also what an ``Action`` element may hold: ``"*"``,
    ``"s3:*"``, prefix and suffix patterns (``"s3:Get*"``, ``"s3:*Object"``), ``?``
    (``"s3:?etObject"``) and other letter cases (``"S3:getobject"``), each one matching a real
    action. Exact names are valid request actions; patterns are not. Shrinks toward
    ``"s3:GetObject"``, and with wildcards toward ``"*"``.

    >>> minimal(actions())
    's3:GetObject'
    >>> minimal(actions(wildcards=True))
    '*'
    >>> minimal(actions("sqs", wildcards=True), lambda action: "*" in action and action != "*")
    'sqs:*'
    """
    services = SERVICES if service is None else (service,)
    unknown = set(services) - set(ACTIONS)
    if unknown:
        raise ValueError(f"actions(): unknown service {sorted(unknown)}; use one of {SERVICES}")
    names = st.sampled_from(tuple(f"{s}:{a}" for s in services for a in ACTIONS[s]))
    if not wildcards:
        return names
    return st.one_of(st.just("*"), names, _action_pattern(names))


@st.composite
def _resource_pattern(draw: st.DrawFn, concrete: Strategy[str]) -> str:
    """A wildcard pattern that matches the drawn ARN (or, for variables, the caller's own)."""
    arn = draw(concrete)
    _, partition, service, region, account, resource = arn.split(":", 5)
    head = f"arn:{partition}:{service}"
    how = draw(_sampled(("name", "prefix", "region", "account", "question", "variable")))
    if how == "region" and region:
        return f"{head}:*:{account}:{resource}"
    if how == "account" and account:
        return f"{head}:{region}:*:{resource}"
    if how == "prefix":
        return f"{head}:{region}:{account}:{resource[: draw(_integers(1, len(resource)))]}*"
    if how == "question":
        at = draw(_integers(0, len(resource) - 1))
        return f"{head}:{region}:{account}:{resource[:at]}?{resource[at + 1 :]}"
    if how == "variable" and service in ("s3", "iam"):
        if service == "s3":
            return "arn:aws:s3:::home/${aws:username}/*"
        return f"arn:aws:iam::{account}:user/${{aws:username}}"
    kind, slash, _ = resource.partition("/")
    return f"{head}:{region}:{account}:{kind}/*" if slash else f"{head}:{region}:{account}:*"


@functools.lru_cache(maxsize=256)
def resource_patterns(
    service: str | None = None, *, accounts: Strategy[str] | None = None
) -> Strategy[str]:
    """An entry of a ``Resource`` element: ``"*"``, an ARN from :func:`arns`, or a pattern
    that matches one: the name as ``*`` (``arn:aws:s3:::reports/*``), a prefix with ``*``,
    ``*`` for the region or the account, a ``?``, or a policy variable
    (``arn:aws:s3:::home/${aws:username}/*``). The service component never holds a wildcard.
    Shrinks toward ``"*"``.

    >>> minimal(resource_patterns())
    '*'
    >>> minimal(resource_patterns("dynamodb"), lambda pattern: "*" in pattern and pattern != "*")
    'arn:aws:dynamodb:us-east-1:111122223333:table/*'
    """
    concrete = arns(service, accounts=accounts)
    return st.one_of(st.just("*"), concrete, _resource_pattern(concrete))


# --- conditions and contexts -------------------------------------------------------------------


@dataclass(frozen=True)
class _Key:
    """A condition key: the operators that suit it, values for policies and for requests (a
    tuple request value is a multivalued key's list)."""

    name: str
    operators: tuple[str, ...]
    policy_values: tuple[str, ...]
    request_values: tuple[str | tuple[str, ...], ...]
    multivalued: bool = False


_STRING_OPS = (
    "StringEquals",
    "StringNotEquals",
    "StringLike",
    "StringNotLike",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
)
_NUMERIC_OPS = (
    "NumericLessThan",
    "NumericGreaterThanEquals",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThanEquals",
    "NumericGreaterThan",
)
_DATE_OPS = (
    "DateLessThan",
    "DateGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThanEquals",
    "DateGreaterThan",
)

#: The condition keys of the vocabulary. Policy values and request values are chosen to meet
#: (``red`` and ``Red`` for StringEqualsIgnoreCase, a number on each side of ``10``...), and
#: ``s3:max-keys`` sometimes gets ``lots``, which no Numeric operator can read.
_KEYS: tuple[_Key, ...] = (
    _Key(
        "aws:PrincipalTag/team", _STRING_OPS, ("red", "blue", "r*", "RED"), ("red", "blue", "Red")
    ),
    _Key(
        "aws:username",
        ("StringEquals", "StringNotEquals", "StringLike"),
        ("alice", "b*", "${aws:PrincipalTag/team}"),
        ("alice", "bob", "red"),
    ),
    _Key(
        "aws:RequestedRegion",
        ("StringEquals", "StringNotEquals", "StringLike"),
        ("us-east-1", "eu-*"),
        ("us-east-1", "eu-west-1"),
    ),
    _Key("s3:max-keys", _NUMERIC_OPS, ("10", "100"), ("5", "10", "50", "500", "lots")),
    _Key("aws:SecureTransport", ("Bool",), ("true", "false"), ("true", "false")),
    _Key(
        "aws:SourceIp",
        ("IpAddress", "NotIpAddress"),
        ("203.0.113.0/24", "2001:db8::/32"),
        ("203.0.113.7", "198.51.100.1", "2001:db8::1"),
    ),
    _Key(
        "aws:CurrentTime",
        _DATE_OPS,
        ("2025-01-01T00:00:00Z", "1767225600"),
        ("2024-06-01T00:00:00Z", "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
    ),
    _Key(
        "aws:SourceArn",
        ("ArnLike", "ArnEquals", "ArnNotLike", "ArnNotEquals"),
        ("arn:aws:sns:*:111122223333:*", "arn:aws:sqs:us-east-1:*:orders"),
        ("arn:aws:sns:us-east-1:111122223333:topic", "arn:aws:sqs:us-east-1:444455556666:orders"),
    ),
    _Key(
        "aws:PrincipalOrgID",
        ("StringEquals", "StringNotEquals"),
        (_ORG_ID,),
        (_ORG_ID, "o-f6g7h8i9j0"),
    ),
    _Key("aws:MultiFactorAuthPresent", ("Bool",), ("true", "false"), ("true", "false")),
    _Key(
        "aws:TagKeys",
        ("StringEquals", "StringLike", "StringNotEquals", "StringNotLike"),
        ("team", "env", "cost*"),
        (("team",), ("team", "env"), ("cost-center",), ("env", "owner"), ()),
        multivalued=True,
    ),
)
_KEYS_BY_NAME = {key.name.lower(): key for key in _KEYS}
#: The condition keys :func:`condition_blocks` and :func:`contexts` know.
CONDITION_KEYS: tuple[str, ...] = tuple(key.name for key in _KEYS)


def _select_keys(keys: Iterable[str] | None, where: str) -> tuple[_Key, ...]:
    if keys is None:
        return _KEYS
    chosen = tuple(_KEYS_BY_NAME.get(name.lower()) for name in keys)
    missing = [name for name, key in zip(keys, chosen, strict=True) if key is None]
    if missing or not chosen:
        raise ValueError(
            f"{where}: unknown condition key(s) {missing}; use some of {CONDITION_KEYS}"
        )
    return tuple(key for key in chosen if key is not None)


@st.composite
def _clause(draw: st.DrawFn, keys: tuple[_Key, ...]) -> tuple[str, str, str | list[str]]:
    """``(operator, key, values)``: a set prefix on multivalued keys, IfExists one time in four,
    the key sometimes in another letter case, Null one time in ten (decided last, so that a Null
    clause takes more choices than the operator it replaces and never shrinks ahead of it)."""
    key = draw(_sampled(keys))
    spelled = draw(_sampled((key.name, key.name.lower(), key.name.upper())))
    operator = draw(_sampled(key.operators))
    if key.multivalued:
        operator = draw(_sampled(("ForAllValues:", "ForAnyValue:"))) + operator
    if draw(_one_in(4)):
        operator += "IfExists"
    values = draw(_one_or_many(_sampled(key.policy_values), 2))
    if draw(_one_in(10)):
        return "Null", spelled, draw(_sampled(("true", "false")))
    return operator, spelled, values


def _block(clauses: list[tuple[str, str, Any]]) -> Doc:
    block: Doc = {}
    for operator, key, values in clauses:
        block.setdefault(operator, {})[key] = values
    return block


@functools.lru_cache(maxsize=64)
def _condition_blocks(keys: tuple[_Key, ...], max_clauses: int) -> Strategy[Doc]:
    return st.lists(_clause(keys), min_size=1, max_size=max_clauses).map(_block)


def condition_blocks(keys: Iterable[str] | None = None, *, max_clauses: int = 2) -> Strategy[Doc]:
    """A valid ``Condition`` element of 1 to ``max_clauses`` clauses over the vocabulary's
    condition keys (or only ``keys``): String, Numeric, Date, Bool, IP address, ARN and Null
    operators, ``IfExists``, ``ForAllValues:``/``ForAnyValue:`` on the multivalued
    ``aws:TagKeys``, policy variables in values, one value or a list, key names in any letter
    case. Shrinks toward ``{"StringEquals": {"aws:PrincipalTag/team": "red"}}``.

    >>> minimal(condition_blocks())
    {'StringEquals': {'aws:PrincipalTag/team': 'red'}}
    >>> minimal(condition_blocks(["aws:SourceIp"]))
    {'IpAddress': {'aws:SourceIp': '203.0.113.0/24'}}
    """
    return _condition_blocks(_select_keys(keys, "condition_blocks()"), max_clauses)


def _request_value(value: str | tuple[str, ...]) -> ContextValue:
    return list(value) if isinstance(value, tuple) else value


_CONTEXT_VALUES: Mapping[str, Strategy[ContextValue]] = MappingProxyType(
    {key.name: st.sampled_from(tuple(map(_request_value, key.request_values))) for key in _KEYS}
)
_GENERIC_VALUES = st.one_of(
    st.sampled_from(("red", "blue", "true", "10")),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", max_size=8),
)


@functools.lru_cache(maxsize=64)
def _contexts(entries: tuple[tuple[str, Strategy[Any]], ...]) -> Strategy[dict[str, Any]]:
    present = [st.one_of(st.none(), st.tuples(st.just(k), values)) for k, values in entries]
    return st.tuples(*present).map(lambda pairs: dict(p for p in pairs if p is not None))


def contexts(
    keys: Iterable[str] | Mapping[str, Strategy[Any]] | None = None,
) -> Strategy[dict[str, Any]]:
    """A request context: each key present or absent, mapped to a string, or a list of strings
    for a multivalued key (``aws:TagKeys``).

    ``keys`` is the keys to draw: by default every key :func:`condition_blocks` uses, with
    values that meet those conditions' (both sides of every comparison, and a value a Numeric
    operator cannot read); a list of key names (the vocabulary's get their values, others a
    short word); or a mapping of key name to a strategy for its value. Shrinks toward ``{}``.

    >>> minimal(contexts())
    {}
    >>> minimal(contexts(["aws:SourceIp", "s3:prefix"]), lambda context: len(context) == 2)
    {'aws:SourceIp': '203.0.113.7', 's3:prefix': 'red'}
    """
    entries: list[tuple[str, Strategy[Any]]] = []
    if isinstance(keys, Mapping):
        entries = [(str(name), values) for name, values in keys.items()]
    else:
        for name in [key.name for key in _KEYS] if keys is None else keys:
            key = _KEYS_BY_NAME.get(name.lower())
            values = _GENERIC_VALUES if key is None else _CONTEXT_VALUES[key.name]
            entries.append((name, values))
    return _contexts(tuple(entries))


# --- statements and policies -------------------------------------------------------------------

_NEGATIONS: frozenset[str] = frozenset(("NotAction", "NotResource", "NotPrincipal"))


def _negations(negations: bool | Collection[Negation]) -> frozenset[str]:
    if negations is True:
        return _NEGATIONS
    if negations is False:
        return frozenset()
    chosen = frozenset(negations)
    if chosen - _NEGATIONS:
        raise ValueError(f"negations: unknown element(s) {sorted(chosen - _NEGATIONS)}")
    return chosen


def _names_someone(element: str | Doc) -> bool:
    return element != "*"


def _not_all_actions(element: str | list[str]) -> bool:
    return "*" not in ([element] if isinstance(element, str) else element)


@functools.lru_cache(maxsize=256)
def _statements(
    kind: KindName,
    effect: str | None,
    actions_: Strategy[str] | None,
    resources: Strategy[str] | None,
    conditions: Strategy[Doc] | None,
    principals: Strategy[Any] | None,
    negations: frozenset[str],
) -> Strategy[Doc]:
    if kind == "rcp":
        if effect == "Allow":
            raise ValueError("custom RCPs can only Deny: statements('rcp') takes no Allow")
        effect = "Deny"
    if effect not in (None, "Allow", "Deny"):
        raise ValueError(f"effect must be 'Allow', 'Deny' or None, not {effect!r}")
    effects = st.sampled_from(("Allow", "Allow", "Deny"))
    if actions_ is None:
        actions_ = st.sampled_from(_TRUST_ACTIONS) if kind == "trust" else actions(wildcards=True)
    action_elements = _one_or_many(actions_)
    if kind == "rcp":  # a customer managed RCP cannot use "*" as its Action
        action_elements = action_elements.filter(_not_all_actions)
    resource_elements = _one_or_many(resource_patterns() if resources is None else resources)
    conditions = condition_blocks() if conditions is None else conditions
    if principals is None and kind == "resource":
        principals = principal_elements("resource")
    elif principals is None and kind == "trust":
        principals = principal_elements("trust")
    # NotPrincipal names principals as Principal does; "*" would exempt everyone.
    not_principals = None if principals is None else principals.filter(_names_someone)
    not_action = "NotAction" in negations and kind not in ("rcp", "trust")
    not_resource = "NotResource" in negations and kind != "trust"
    if "NotPrincipal" not in negations or kind != "resource":
        not_principals = None

    @st.composite
    def build(draw: st.DrawFn) -> Doc:
        chosen = effect if effect is not None else draw(effects)
        out: Doc = {"Effect": chosen}
        if kind == "rcp":
            out["Principal"] = "*"
        elif principals is not None:
            if chosen == "Deny" and not_principals is not None and draw(_one_in(8)):
                out["NotPrincipal"] = draw(not_principals)
            else:
                out["Principal"] = draw(principals)
        out["NotAction" if not_action and draw(_one_in(8)) else "Action"] = draw(action_elements)
        if kind != "trust":
            name = "NotResource" if not_resource and draw(_one_in(8)) else "Resource"
            out[name] = draw(resource_elements)
        if draw(_one_in(3)):
            out["Condition"] = draw(conditions)
        return out

    return build()


def statements(
    kind: PolicyKind | str = "identity",
    *,
    effect: Literal["Allow", "Deny"] | None = None,
    actions: Strategy[str] | None = None,
    resources: Strategy[str] | None = None,
    conditions: Strategy[Doc] | None = None,
    principals: Strategy[Any] | None = None,
    negations: bool | Collection[Negation] = True,
) -> Strategy[Doc]:
    """One statement valid in a policy of ``kind`` (identity, resource, trust, boundary,
    session, scp, rcp): ``Allow`` two times in three (or always ``effect``), Action (NotAction
    one time in eight), Resource (NotResource one time in eight; none in a trust policy),
    Principal in resource-based and trust policies (NotPrincipal in some resource-policy Denies),
    a Condition one time in three. Custom RCP statements are Deny with ``Principal "*"`` and an
    Action other than ``"*"``. Each element's entries come from the given strategies, by default
    ``actions(wildcards=True)`` (``sts:AssumeRole`` and friends for trust policies),
    :func:`resource_patterns`, :func:`condition_blocks` and :func:`principal_elements`;
    ``negations`` (True, False, or some of ``"NotAction"``, ``"NotResource"``, ``"NotPrincipal"``)
    says which negated elements may appear.

    Shrinks toward ``{"Effect": "Allow", "Action": "*", "Resource": "*"}`` (with ``Principal
    "*"`` for resource-based policies).

    >>> minimal(statements())
    {'Effect': 'Allow', 'Action': '*', 'Resource': '*'}
    >>> minimal(statements("trust"))
    {'Effect': 'Allow', 'Principal': {'AWS': '111122223333'}, 'Action': 'sts:AssumeRole'}
    """
    return _statements(
        _kind(kind),
        effect,
        actions,
        resources,
        conditions,
        principals,
        _negations(negations),
    )


def _with_sids(body: list[Doc]) -> list[Doc]:
    return [{"Sid": f"Stmt{index}", **statement} for index, statement in enumerate(body)]


@functools.lru_cache(maxsize=256)
def _policies(
    kind: KindName,
    bodies: Strategy[list[Doc]],
) -> Strategy[Doc]:
    @st.composite
    def build(draw: st.DrawFn) -> Doc:
        body = draw(bodies)
        if draw(_BOOLEANS):
            body = _with_sids(body)
        doc: Doc = {"Version": VERSION}
        if kind == "resource" and draw(_one_in(4)):
            doc["Id"] = "ResourcePolicy"
        doc["Statement"] = body[0] if len(body) == 1 and draw(_BOOLEANS) else body
        return doc

    return build()


def policies(
    kind: PolicyKind | str = "identity",
    *,
    effect: Literal["Allow", "Deny"] | None = None,
    min_statements: int = 1,
    max_statements: int = 3,
    actions: Strategy[str] | None = None,
    resources: Strategy[str] | None = None,
    conditions: Strategy[Doc] | None = None,
    principals: Strategy[Any] | None = None,
    negations: bool | Collection[Negation] = True,
) -> Strategy[Doc]:
    """A policy document (a dict) valid for ``kind``: ``iamsim.Policy.parse(doc, kind)``
    accepts it. Version 2012-10-17, ``min_statements`` to ``max_statements`` statements from
    :func:`statements` (the other arguments are passed on to it), unique Sids half the time, an
    Id in some resource-based policies, and a lone statement sometimes given as an object rather
    than a list.

    Shrinks toward a single Allow statement with Action and Resource ``"*"``: ``{"Version":
    "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}``.

    >>> minimal(policies())
    {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*'}]}
    >>> minimal(policies("rcp"))["Statement"]
    [{'Effect': 'Deny', 'Principal': '*', 'Action': 's3:GetObject', 'Resource': '*'}]
    """
    if not 1 <= min_statements <= max_statements:
        raise ValueError("policies(): need 1 <= min_statements <= max_statements")
    each = statements(
        kind,
        effect=effect,
        actions=actions,
        resources=resources,
        conditions=conditions,
        principals=principals,
        negations=negations,
    )
    bodies = _statement_lists(each, min_statements, max_statements)
    return _policies(_kind(kind), bodies)


@functools.lru_cache(maxsize=256)
def _statement_lists(each: Strategy[Doc], low: int, high: int) -> Strategy[list[Doc]]:
    return st.lists(each, min_size=low, max_size=high)


# --- malformed policies ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Choices:
    """What a rule breaks, and how: drawn once per document, the same three choices whatever
    the rule (see _INDEX), so that shrinking lands on the first rule and its first value."""

    index: int
    first: int
    second: int

    def statement(self, doc: Doc) -> Doc:
        """One statement of the document (Statement made a list, in place)."""
        if isinstance(doc["Statement"], dict):
            doc["Statement"] = [doc["Statement"]]
        body: list[Doc] = doc["Statement"]
        return body[self.index % len(body)]

    def one(self, values: tuple[Any, ...]) -> Any:
        """One of ``values`` (a copy: they are inserted into documents)."""
        return copy.deepcopy(values[self.first % len(values)])

    def other(self, values: tuple[Any, ...]) -> Any:
        """One of ``values``, chosen independently of :meth:`one`."""
        return copy.deepcopy(values[self.second % len(values)])


_CHOICE = st.integers(0, 2**12 - 1)
Mutation = Callable[[Doc, KindName, _Choices], None]


@dataclass(frozen=True)
class _Rule:
    kinds: tuple[KindName, ...]
    mutate: Mutation
    grammar: bool  # rejected whatever the kind, by Policy.parse(doc) without a kind too


_RULES: dict[str, _Rule] = {}
_NO_PRINCIPAL: tuple[KindName, ...] = ("identity", "boundary", "session", "scp")
_IAM: tuple[KindName, ...] = ("identity", "trust", "boundary", "session")


def _rule(*kinds: KindName) -> Callable[[Mutation], Mutation]:
    """Register a way of breaking a valid document of ``kinds``; with none, a grammar rule
    that breaks a document of any kind."""

    def register(function: Mutation) -> Mutation:
        _RULES[function.__name__] = _Rule(kinds or KINDS, function, not kinds)
        return function

    return register


@_rule()
def bad_effect(doc: Doc, kind: KindName, c: _Choices) -> None:
    """Effect is "Allow" or "Deny", case-sensitive."""
    values = ("allow", "DENY", "", "Permit", 1, None, ["Allow"], True, {"Allow": 1})
    c.statement(doc)["Effect"] = c.one(values)


@_rule()
def missing_effect(doc: Doc, kind: KindName, c: _Choices) -> None:
    """Effect is required."""
    del c.statement(doc)["Effect"]


@_rule()
def missing_action(doc: Doc, kind: KindName, c: _Choices) -> None:
    """A statement needs Action or NotAction."""
    statement = c.statement(doc)
    statement.pop("Action", None)
    statement.pop("NotAction", None)


_SOME_ACTIONS = ("s3:GetObject", "iam:PassRole", "ec2:*", "*")
_SOME_RESOURCES = ("*", "arn:aws:s3:::reports/*", "arn:aws:sqs:*:111122223333:orders")


@_rule()
def action_and_not_action(doc: Doc, kind: KindName, c: _Choices) -> None:
    """A statement takes Action or NotAction, not both."""
    statement = c.statement(doc)
    statement["Action"] = statement["NotAction"] = c.one(_SOME_ACTIONS)


@_rule("identity", "boundary", "session", "scp", "rcp")
def missing_resource(doc: Doc, kind: KindName, c: _Choices) -> None:
    """Resource (or NotResource) is required outside resource-based and trust policies."""
    statement = c.statement(doc)
    statement.pop("Resource", None)
    statement.pop("NotResource", None)


@_rule()
def resource_and_not_resource(doc: Doc, kind: KindName, c: _Choices) -> None:
    """A statement takes Resource or NotResource, not both."""
    statement = c.statement(doc)
    statement["Resource"] = statement["NotResource"] = c.one(_SOME_RESOURCES)


_WRONG_TYPES: tuple[tuple[str, tuple[Any, ...]], ...] = (
    ("Action", (1, 1.5, True, None, {}, [], [1], [None], {"s3": "GetObject"}, [["s3:*"]])),
    ("Resource", (1, True, None, {}, [], [2], {"arn": "x"}, [["*"]])),
    ("Condition", ([], "x", 1, None, True, [{"StringEquals": {"k": "v"}}])),
    ("Sid", (1, True, [], {}, ["Sid"])),
)


@_rule()
def wrong_type(doc: Doc, kind: KindName, c: _Choices) -> None:
    """Action and Resource are strings or lists of strings, Condition an object, Sid text."""
    statement = c.statement(doc)
    element, values = _WRONG_TYPES[c.first % len(_WRONG_TYPES)]
    if element in ("Action", "Resource"):
        statement.pop("Not" + element, None)
    statement[element] = c.other(values)


@_rule()
def unknown_statement_element(doc: Doc, kind: KindName, c: _Choices) -> None:
    """Only the documented elements are allowed in a statement (names are case-sensitive)."""
    names = ("Actions", "Effects", "Resources", "Conditions", "Principals", "action", "Foo", "")
    c.statement(doc)[c.one(names)] = "x"


@_rule()
def unknown_policy_element(doc: Doc, kind: KindName, c: _Choices) -> None:
    """A policy holds only Version, Id and Statement."""
    names = ("Versions", "Statements", "statement", "version", "Policy", "Ids")
    doc[c.one(names)] = c.other(("x", 1, [], {}))


@_rule()
def bad_version(doc: Doc, kind: KindName, c: _Choices) -> None:
    """Version is 2012-10-17 or 2008-10-17."""
    values: tuple[Any, ...] = ("2012-10-18", "", "2012-10-17 ", "2008-10-18", "latest", 20121017)
    doc["Version"] = c.one((*values, None, ["x"], {}))


@_rule()
def bad_statement(doc: Doc, kind: KindName, c: _Choices) -> None:
    """Statement is one statement object or a non-empty list of them."""
    doc["Statement"] = c.one(("x", 5, None, [], [1], [[]], True, [None], ["Allow"]))


@_rule()
def missing_statement(doc: Doc, kind: KindName, c: _Choices) -> None:
    """Statement is required."""
    del doc["Statement"]


_MISSPELLED_OPERATORS = (
    "StringEqulas",
    "StringEqual",
    "StringEqualsIfExist",
    "ForAllValue:StringEquals",
    "ForAnyValues:StringLike",
    "NullIfExists",
    "ForAllValues:Null",
    "IfExists",
    "Numeric",
    "StringLikeIfExists:ForAllValues",
    "ForAnyValue:",
    "StringNotEqual",
    "ArnLikes",
    "IpAddres",
    "DateLessThen",
    "Bools",
)


@_rule()
def misspelled_operator(doc: Doc, kind: KindName, c: _Choices) -> None:
    """Condition operators come from a fixed list (with IfExists and set prefixes)."""
    condition = c.statement(doc).setdefault("Condition", {})
    condition[c.one(_MISSPELLED_OPERATORS)] = {"aws:PrincipalTag/team": "red"}


_BAD_BLOCKS: tuple[Any, ...] = (
    {"StringEquals": "x"},
    {"StringEquals": []},
    {"StringEquals": {"k": []}},
    {"StringEquals": {"k": {}}},
    {"StringEquals": {"k": [[]]}},
    {"StringEquals": {"k": None}},
    {"StringEquals": {"k": [None]}},
    {"StringEquals": {"": "v"}},
    {"StringEquals": {"k": {"nested": "v"}}},
)


@_rule()
def bad_condition_block(doc: Doc, kind: KindName, c: _Choices) -> None:
    """An operator maps condition keys to a value or a non-empty list of values."""
    c.statement(doc)["Condition"] = c.one(_BAD_BLOCKS)


_BAD_VALUES: tuple[tuple[str, Any], ...] = (
    ("NumericLessThan", "ten"),
    ("NumericEquals", "1,000"),
    ("NumericGreaterThanIfExists", ["1", "two"]),
    ("DateLessThan", "yesterday"),
    ("DateGreaterThan", "2025-13-01T00:00:00Z"),
    ("IpAddress", "300.1.1.1"),
    ("NotIpAddress", "10.0.0.0/33"),
    ("Bool", "yes"),
    ("BinaryEquals", "not base64!"),
    ("ArnLike", "arn:aws:s3"),
    ("ForAnyValue:ArnEquals", ["arn:aws:iam::111122223333:root", "nope"]),
    ("Null", "maybe"),
)


@_rule()
def bad_condition_value(doc: Doc, kind: KindName, c: _Choices) -> None:
    """Typed operators take values of their type."""
    operator, value = c.one(_BAD_VALUES)
    c.statement(doc)["Condition"] = {operator: {"aws:SomeKey": value}}


_BAD_ARNS = (
    "arn:aws:s3",
    "s3:::reports",
    "arn",
    "",
    "reports/q3.csv",
    "arn:aws::us-east-1:111122223333:thing",
    "arn:aws:s*:::reports",
    "ARN:aws:s3:::reports",
)


@_rule()
def bad_resource_arn(doc: Doc, kind: KindName, c: _Choices) -> None:
    """Resource entries are ARNs (the service component holds no wildcard) or ``*``."""
    statement = c.statement(doc)
    statement.pop("NotResource", None)
    arn = c.one(_BAD_ARNS)
    statement["Resource"] = c.other((arn, [arn], ["*", arn]))


_BAD_ACTIONS = ("s3", "s3:", ":GetObject", "s3:Get Object", "", "s3:Get:Object", "s3 GetObject")


@_rule()
def bad_action(doc: Doc, kind: KindName, c: _Choices) -> None:
    """Action entries are ``service:ActionName`` (wildcards allowed) or ``*``."""
    statement = c.statement(doc)
    statement.pop("NotAction", None)
    action = c.one(_BAD_ACTIONS)
    statement["Action"] = c.other((action, [action], ["s3:GetObject", action]))


_BAD_PRINCIPALS: tuple[Any, ...] = (
    "",
    1,
    [],
    {},
    "everyone",
    {"AWS": "arn:aws:iam::12345:user/x"},
    {"AWS": "arn:aws:iam::*:root"},
    {"AWS": "arn:aws:iam::111122223333:user/*"},
    {"AWS": "alice"},
    {"Aws": "*"},
    {"Service": "ec2"},
    {"CanonicalUser": "abc"},
    {"AWS": []},
    {"AWS": [1]},
    {"AWS": None},
)


@_rule()
def bad_principal(doc: Doc, kind: KindName, c: _Choices) -> None:
    """Principal is "*" or a map of AWS/Service/Federated/CanonicalUser to valid ids."""
    statement = c.statement(doc)
    statement.pop("NotPrincipal", None)
    statement["Principal"] = c.one(_BAD_PRINCIPALS)


@_rule("resource", "trust", "rcp")
def missing_principal(doc: Doc, kind: KindName, c: _Choices) -> None:
    """Resource-based policies, trust policies and RCPs need a Principal."""
    statement = c.statement(doc)
    statement.pop("Principal", None)
    statement.pop("NotPrincipal", None)


@_rule(*_NO_PRINCIPAL)
def principal_where_none_is_taken(doc: Doc, kind: KindName, c: _Choices) -> None:
    """Identity-based policies, boundaries, session policies and SCPs name no principal."""
    element = c.one(("Principal", "NotPrincipal"))
    c.statement(doc)[element] = c.other(("*", {"AWS": ACCOUNTS[0]}))


@_rule("resource", "trust")
def not_principal_with_allow(doc: Doc, kind: KindName, c: _Choices) -> None:
    """NotPrincipal is supported only with Effect Deny (and never in a trust policy)."""
    statement = c.statement(doc)
    statement.pop("Principal", None)
    statement["Effect"] = "Allow"
    statement["NotPrincipal"] = {"AWS": ACCOUNTS[0]}


@_rule("trust")
def resource_in_a_trust_policy(doc: Doc, kind: KindName, c: _Choices) -> None:
    """A trust policy names no Resource: the role is the resource."""
    c.statement(doc)[c.one(("Resource", "NotResource"))] = c.other(_SOME_RESOURCES)


@_rule(*_IAM)
def bad_sid(doc: Doc, kind: KindName, c: _Choices) -> None:
    """An IAM Sid holds only A-Z, a-z and 0-9."""
    c.statement(doc)["Sid"] = c.one(("my sid", "sid-1", "Sid_1", "Sid.1", "Sïd"))


@_rule(*_IAM)
def duplicate_sid(doc: Doc, kind: KindName, c: _Choices) -> None:
    """Sids are unique within an IAM policy."""
    statement = c.statement(doc)
    statement["Sid"] = "Twice"
    doc["Statement"].append(copy.deepcopy(statement))


@_rule(*_IAM)
def characters_out_of_range(doc: Doc, kind: KindName, c: _Choices) -> None:
    """IAM policies hold only tab, newline, carriage return and U+0020 to U+00FF."""
    value = "red" + c.one(("Ω", "☃", "\x00", "😀"))
    c.statement(doc)["Condition"] = {"StringEquals": {"aws:PrincipalTag/team": value}}


@_rule("identity", "boundary", "session")
def id_in_an_iam_policy(doc: Doc, kind: KindName, c: _Choices) -> None:
    """Identity-based policies (and boundaries, session policies) take no Id."""
    doc["Id"] = "MyPolicy"


@_rule()
def id_of_the_wrong_type(doc: Doc, kind: KindName, c: _Choices) -> None:
    """Id is a string."""
    doc["Id"] = c.one((5, None, [], {}, True))


@_rule("rcp")
def custom_rcp_allow(doc: Doc, kind: KindName, c: _Choices) -> None:
    """Custom RCPs can only deny (Allow exists only in RCPFullAWSAccess)."""
    c.statement(doc)["Effect"] = "Allow"


@_rule("rcp")
def rcp_not_action_or_not_principal(doc: Doc, kind: KindName, c: _Choices) -> None:
    """RCPs take no NotAction and no NotPrincipal."""
    statement = c.statement(doc)
    if c.first % 2:
        statement["NotPrincipal"] = statement.pop("Principal")
    else:
        statement["NotAction"] = statement.pop("Action")


@_rule("rcp")
def rcp_principal_other_than_everyone(doc: Doc, kind: KindName, c: _Choices) -> None:
    """The Principal of an RCP can only be ``"*"``."""
    c.statement(doc)["Principal"] = {"AWS": c.one(("*", ACCOUNTS[0]))}


@_rule("scp", "rcp")
def organizations_policy_without_version(doc: Doc, kind: KindName, c: _Choices) -> None:
    """SCPs and RCPs need Version 2012-10-17."""
    if c.first % 2:
        doc["Version"] = "2008-10-17"
    else:
        del doc["Version"]


@_rule()
def empty_list(doc: Doc, kind: KindName, c: _Choices) -> None:
    """Lists in a policy are never empty."""
    statement = c.statement(doc)
    element = c.one(("Action", "Resource"))
    statement.pop("Not" + element, None)
    statement[element] = []


def malformation_rules(kind: PolicyKind | str | None = None) -> tuple[str, ...]:
    """The names of the rules :func:`malformed_policies` breaks (``bad_effect``,
    ``misspelled_operator``, ``missing_principal``...): those a policy of ``kind`` can break,
    or with no kind those that break a document whatever its kind.

    >>> malformation_rules()[:3]
    ('bad_effect', 'missing_effect', 'missing_action')
    >>> "custom_rcp_allow" in malformation_rules("rcp")
    True
    """
    if kind is None:
        return tuple(name for name, rule in _RULES.items() if rule.grammar)
    chosen = _kind(kind)
    return tuple(name for name, rule in _RULES.items() if chosen in rule.kinds)


@functools.lru_cache(maxsize=64)
def _malformed(kind: KindName | None, rules: tuple[str, ...]) -> Strategy[Doc]:
    valid = {k: policies(k) for k in KINDS}

    @st.composite
    def build(draw: st.DrawFn) -> Doc:
        rule = _RULES[draw(_sampled(rules))]
        chosen = kind if kind is not None else draw(_sampled(rule.kinds))
        doc = copy.deepcopy(draw(valid[chosen]))
        rule.mutate(doc, chosen, _Choices(draw(_INDEX), draw(_CHOICE), draw(_CHOICE)))
        return doc

    return build()


def malformed_policies(
    kind: PolicyKind | str | None = "identity", *, rules: Iterable[str] | None = None
) -> Strategy[Doc]:
    """A policy document IAM would reject: a valid one from :func:`policies` broken by one
    documented rule (a wrong type, an unknown or missing element, Action with NotAction, a
    misspelled operator, a value its operator cannot read, a bad ARN, action or principal, a
    kind's own rule such as a Principal in an identity policy or an Allow in a custom RCP...).
    ``iamsim.Policy.parse(doc, kind)`` raises :class:`iamsim.PolicyError` for every one; with
    ``kind=None`` the documents are of any kind and break a rule of the grammar, so
    ``iamsim.Policy.parse(doc)`` rejects them too. ``rules`` narrows the rules to some of
    :func:`malformation_rules`. Give ``json.dumps(doc)`` to fuzz a parser of JSON text.

    Shrinks toward the first rule on the smallest policy: ``{"Version": "2012-10-17",
    "Statement": [{"Effect": "allow", "Action": "*", "Resource": "*"}]}``.

    >>> minimal(malformed_policies())
    {'Version': '2012-10-17', 'Statement': [{'Effect': 'allow', 'Action': '*', 'Resource': '*'}]}
    >>> scp = malformed_policies("scp", rules=["principal_where_none_is_taken"])
    >>> minimal(scp)["Statement"]
    [{'Effect': 'Allow', 'Action': '*', 'Resource': '*', 'Principal': '*'}]
    """
    chosen = None if kind is None else _kind(kind)
    applicable = malformation_rules(chosen)
    names = applicable if rules is None else tuple(rules)
    wrong = [name for name in names if name not in applicable]
    if wrong or not names:
        raise ValueError(
            f"malformed_policies(): rule(s) {wrong} do not apply to kind {chosen}; "
            f"use some of {applicable}"
        )
    return _malformed(chosen, names)


# --- simulate cases ----------------------------------------------------------------------------


def _allow_all(kind: Literal["scp", "rcp"]) -> Doc:
    statement: Doc = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    if kind == "rcp":
        statement = {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
    return {"Version": VERSION, "Statement": [statement]}


@functools.lru_cache(maxsize=64)
def _leaning(service: str) -> tuple[Strategy[str], Strategy[str]]:
    """Action and Resource entries leaning on one service (``*``, its own, or anything), so
    that statements often match a request to it."""
    resource_service = "iam" if service == "sts" else service
    own_actions = actions(service, wildcards=True)
    own_resources = resource_patterns(resource_service)
    return (
        st.one_of(own_actions, actions(wildcards=True)),
        st.one_of(own_resources, resource_patterns()),
    )


@functools.lru_cache(maxsize=16)
def _callers(kind: str) -> Strategy[tuple[str, str, str]]:
    return _caller(kind, account_ids())


@st.composite
def _request(draw: st.DrawFn) -> tuple[Doc, str]:
    """The request of a case, and the aws:PrincipalArn its caller has."""
    kind = draw(_sampled(("user", "role", "session", "root")))
    caller, account, principal_arn = draw(_callers(kind))
    action = draw(actions())
    resource_account = account
    if draw(_one_in(4)):
        resource_account = draw(_sampled(tuple(a for a in ACCOUNTS if a != account)))
    rtype = _ACTION_RESOURCES[action]
    # An action on "*" draws an ARN too, so that it takes as many choices as the others (see
    # _INDEX) and requests shrink toward the first action, s3:GetObject.
    resource = draw(_arn_of("bucket" if rtype == "*" else rtype, resource_account))
    if rtype == "*":
        resource = "*"
    context = draw(contexts())
    if kind in ("role", "session") and draw(_BOOLEANS):
        context["aws:PrincipalArn"] = principal_arn
    request = {
        "principal": caller,
        "action": action,
        "resource": resource,
        "resource_account": resource_account,
        "context": context,
    }
    return request, kind


@dataclass(frozen=True)
class _CaseParts:
    """The policy strategies of the cases whose request is to one service."""

    identity: Strategy[list[Doc]]
    resource: Strategy[Doc]
    trust: Strategy[Doc]
    boundary: Strategy[Doc]
    session: Strategy[Doc]
    scps: Strategy[list[list[Doc]]]
    rcp: Strategy[Doc]


@functools.lru_cache(maxsize=16)
def _case_parts(service: str) -> _CaseParts:
    action_entries, resource_entries = _leaning(service)

    def some(kind: KindName, max_statements: int = 3) -> Strategy[Doc]:
        return policies(
            kind,
            actions=None if kind == "trust" else action_entries,
            resources=resource_entries,
            max_statements=max_statements,
        )

    scp_level = st.one_of(
        st.builds(lambda: [_allow_all("scp")]),
        some("scp", 2).map(lambda p: [_allow_all("scp"), p]),
        some("scp", 2).map(lambda p: [p]),
    )
    return _CaseParts(
        st.lists(some("identity"), min_size=1, max_size=2),
        some("resource"),
        some("trust"),
        some("boundary"),
        some("session"),
        st.lists(scp_level, max_size=2),
        some("rcp", 2),
    )


@st.composite
def _cases(draw: st.DrawFn) -> Doc:
    request, caller_kind = draw(_request())
    parts = _case_parts(request["action"].partition(":")[0])
    # Which policies there are is drawn before any policy: Hypothesis draws late choices of a
    # large example closer to their simplest, which would make the last ones rare.
    trust = request["action"] in ("sts:AssumeRole", "sts:TagSession")  # a role has one always
    resource = trust or draw(_BOOLEANS)
    boundary = draw(_one_in(4))
    session = caller_kind in ("role", "session") and draw(_one_in(4))
    rcp = draw(_one_in(4))
    policies_: Doc = {"identity": draw(parts.identity)}
    if resource:
        policies_["resource"] = draw(parts.trust if trust else parts.resource)
    if boundary:
        policies_["boundary"] = draw(parts.boundary)
    if session:
        policies_["session"] = draw(parts.session)
    scps = draw(parts.scps)
    if scps:
        policies_["scps"] = scps
    if rcp:
        policies_["rcps"] = [[_allow_all("rcp"), draw(parts.rcp)]]
    return {"policies": policies_, "request": request}


@functools.cache
def simulate_cases() -> Strategy[Doc]:
    """A case of the simulate format (docs/simulate-format.md) that :func:`iamsim.simulate`
    decides without error.

    The request: a user, role, role session or root caller of one account; a real action; a
    resource of the kind the action acts on (``*`` for actions that take none), in the caller's
    account three times in four; ``resource_account``; a context from :func:`contexts` (with
    the role's ``aws:PrincipalArn`` for half the role sessions). The policies lean on the
    request's service, so all three outcomes are common: one or two identity policies, a
    resource-based policy half the time (always the role's trust policy for ``sts:AssumeRole``
    and ``sts:TagSession``), a
    boundary a quarter of the time, a session policy for a quarter of the role sessions, zero to
    two SCP levels (most keep FullAWSAccess) and now and then an RCP level. No ``expect``: add
    your own.

    Shrinks toward alice asking for ``s3:GetObject`` on ``arn:aws:s3:::reports/q3.csv`` in her
    own account, with one identity policy that allows everything.

    >>> import iamsim
    >>> case = minimal(simulate_cases())
    >>> case["request"]["principal"], case["request"]["action"], case["request"]["resource"]
    ('arn:aws:iam::111122223333:user/alice', 's3:GetObject', 'arn:aws:s3:::reports/q3.csv')
    >>> str(iamsim.simulate(case).outcome)
    'allowed'
    """
    return _cases()


# --- worlds ------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _own_policies(account_id: str) -> Strategy[Doc]:
    """Identity policies of an account: their ARNs name the account's own resources."""
    return policies(
        "identity", max_statements=2, resources=resource_patterns(accounts=st.just(account_id))
    )


@dataclass(frozen=True)
class _UserShape:
    name: str
    inline: bool
    in_group: bool
    managed: bool
    boundary: bool
    team: str | None
    mfa: bool


@dataclass(frozen=True)
class _AccountShape:
    account_id: str
    under_root: bool
    group: bool
    group_policy: bool
    shared: bool
    users: tuple[_UserShape, ...]
    role: bool
    role_policy: bool
    role_managed: bool
    role_team: str | None
    resources: tuple[tuple[str, bool, str | None], ...]  # type, has a policy, data tag


_TEAMS = st.one_of(st.none(), st.sampled_from(("red", "blue")))
_DATA_TAGS = st.one_of(st.none(), st.sampled_from(("public", "customer")))


@st.composite
def _user_shape(draw: st.DrawFn, group: bool, shared: bool) -> _UserShape:
    return _UserShape(
        draw(_sampled(_USERS)),
        inline=draw(_BOOLEANS),
        in_group=group and draw(_BOOLEANS),
        managed=shared and draw(_BOOLEANS),
        boundary=draw(_one_in(4)),
        team=draw(_TEAMS),
        mfa=draw(_BOOLEANS),
    )


def _user_name(user: _UserShape) -> str:
    return user.name


@functools.lru_cache(maxsize=16)
def _user_shapes(group: bool, shared: bool, first: bool) -> Strategy[list[_UserShape]]:
    """Each user drawn in one piece (name and all), so that shrinking can drop a user."""
    return st.lists(
        _user_shape(group, shared), min_size=1 if first else 0, max_size=2, unique_by=_user_name
    )


@st.composite
def _account_shape(draw: st.DrawFn, account_id: str, first: bool, in_org: bool) -> _AccountShape:
    under_root = in_org and draw(_one_in(4))
    group, shared = draw(_BOOLEANS), draw(_BOOLEANS)
    group_policy = group and draw(_BOOLEANS)
    users = tuple(draw(_user_shapes(group, shared, first)))
    role = draw(_BOOLEANS)
    role_policy = role and draw(_BOOLEANS)
    role_managed = role and shared and draw(_BOOLEANS)
    role_team = draw(_TEAMS) if role else None
    kinds = draw(st.lists(_sampled(("bucket", "queue", "key", "table")), max_size=2, unique=True))
    resources = tuple((kind, draw(_BOOLEANS), draw(_DATA_TAGS)) for kind in kinds)
    return _AccountShape(
        account_id,
        under_root,
        group,
        group_policy,
        shared,
        users,
        role,
        role_policy,
        role_managed,
        role_team,
        resources,
    )


@st.composite
def _world(draw: st.DrawFn, max_accounts: int, organization: bool | None) -> World:
    # The world's shape is drawn before any of its policies: Hypothesis draws the late choices
    # of a large example closer to their simplest, which would make whatever comes last rare.
    count = draw(_integers(1, max_accounts))
    in_org = draw(_BOOLEANS) if organization is None else organization
    scp = in_org and draw(_BOOLEANS)
    rcp = in_org and draw(_one_in(3))
    shapes = [
        draw(_account_shape(account_id, index == 0, in_org))
        for index, account_id in enumerate(ACCOUNTS[:count])
    ]
    world = World(now=_NOW)
    ou = root = None
    if in_org:
        org = world.create_organization(_MANAGEMENT_ACCOUNT, org_id=_ORG_ID)
        root, ou = org.root, org.create_ou("Workloads")
        if scp:
            ou.attach_scp(draw(policies("scp", max_statements=2)), name="Guardrails")
        if rcp:
            ou.attach_rcp(draw(policies("rcp", max_statements=2)), name="Perimeter")
    buckets = list(_BUCKETS)
    boundaries = policies("boundary", max_statements=2)
    for shape in shapes:
        identity = _own_policies(shape.account_id)
        parent = None if ou is None else (root if shape.under_root else ou)
        account = world.create_account(shape.account_id, ou=parent)
        if shape.group:
            inline = {"Developers": draw(identity)} if shape.group_policy else {}
            account.create_group("Developers", policies=inline)
        shared = account.create_policy("Shared", draw(identity)) if shape.shared else None
        for user in shape.users:
            account.create_user(
                user.name,
                policies={"own": draw(identity)} if user.inline else {},
                groups=["Developers"] if user.in_group else [],
                managed_policies=[shared.arn] if shared is not None and user.managed else [],
                boundary=draw(boundaries) if user.boundary else None,
                tags={"team": user.team} if user.team else {},
                mfa=user.mfa,
            )
        if shape.role:
            account.create_role(
                "AppRole",
                trust_policy=draw(policies("trust", max_statements=2)),
                policies={"app": draw(identity)} if shape.role_policy else {},
                managed_policies=[shared.arn] if shared is not None and shape.role_managed else [],
                tags={"team": shape.role_team} if shape.role_team else {},
            )
        for rtype, has_policy, data in shape.resources:
            if rtype == "bucket":
                if not buckets:
                    continue
                arn = f"arn:aws:s3:::{buckets.pop(0)}"
            else:
                arn = draw(_arn_of(rtype, shape.account_id))
            account.add_resource(
                arn,
                policy=draw(policies("resource", max_statements=2)) if has_policy else None,
                tags={"data": data} if data else None,
            )
    return world


@functools.lru_cache(maxsize=16)
def worlds(*, max_accounts: int = 3, organization: bool | None = None) -> Strategy[World]:
    """A small :class:`iamsim.World` (its clock at 2026-01-01T12:00:00Z): 1 to ``max_accounts``
    accounts of :data:`ACCOUNTS`; half the time (always with ``organization=True``, never with
    False) an organization (management account 999999999999, ID ``o-a1b2c3d4e5``) whose OU
    ``Workloads`` holds most accounts, sometimes with an SCP ``Guardrails`` and an RCP
    ``Perimeter``. Each account may have a group ``Developers``, a managed policy ``Shared``,
    users ``alice``/``bob`` (inline, group and managed policies, a boundary, a ``team`` tag, MFA),
    a role ``AppRole`` with a trust policy, and up to two resources (an S3 bucket, an SQS queue,
    a KMS key, a DynamoDB table) with resource policies and tags. Every policy comes from
    :func:`policies` (identity policies name their own account's resources), so requests to the
    vocabulary's actions and resources often match.

    Shrinks toward one account, no organization, one user ``alice`` with no policy.

    >>> world = minimal(worlds())
    >>> [a.id for a in world.accounts], world.organization
    (['111122223333'], None)
    >>> [u.name for u in world.account("111122223333").users]
    ['alice']
    """
    if not 1 <= max_accounts <= len(ACCOUNTS):
        raise ValueError(f"worlds(): max_accounts must be 1 to {len(ACCOUNTS)}")
    return _world(max_accounts, organization)
