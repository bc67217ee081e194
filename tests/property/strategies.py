"""Composable Hypothesis strategies for iamsim's property tests: callers, requests, policies.

The vocabulary is deliberately small (two accounts, four services, a handful of actions,
resources, condition keys and values) so that generated statements actually match generated
requests: a good share of generated decisions are ``allowed`` and ``explicitDeny``, not only
``implicitDeny`` (``test_laws.test_generated_requests_reach_every_outcome`` keeps that true).
Everything shrinks toward the first entry of each vocabulary list, toward fewer statements and
policies and toward no Condition, so a failing example reads like a hand-written one.

Statements, policies, Condition blocks and request contexts come from the public
:mod:`iamsim.strategies` (the same ones users get), fed with this module's vocabulary of actions,
resources and principals; what is specific to these tests stays here: callers that know their
``aws:PrincipalArn``, requests, scenarios leaning on one service, and the subset the naive
reference evaluator understands.

Strategies are built once and cached (Hypothesis validates every new strategy object, which
would otherwise dominate the run time), so the builders below take only hashable arguments.

Policy grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
Context keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from hypothesis import strategies as st

from iamsim import strategies as iam

Doc = dict[str, Any]
Kind = Literal["identity", "resource", "trust", "boundary", "session", "scp", "rcp"]
Strategy = st.SearchStrategy

#: The first two accounts of the public vocabulary (111122223333 and 444455556666).
ACCOUNT, OTHER_ACCOUNT = iam.ACCOUNTS[:2]
ACCOUNTS = (ACCOUNT, OTHER_ACCOUNT)
VERSION = "2012-10-17"


@functools.cache
def one_in(n: int) -> Strategy[bool]:
    """True about one time in ``n`` (``st.integers`` would favour its bounds), shrinking to
    False."""
    return st.sampled_from((False,) * (n - 1) + (True,))


# --- callers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    """Who makes a request: the ARN to pass to ``evaluate`` and what AWS knows about it."""

    arn: str
    account: str
    kind: Literal["user", "session", "root"]
    #: The value AWS gives ``aws:PrincipalArn``: the user, the role of a session, or the root.
    principal_arn: str


def user_arn(account: str, name: str) -> str:
    """The ARN of an IAM user (no path)."""
    return f"arn:aws:iam::{account}:user/{name}"


def role_arn(account: str, path: str = "") -> str:
    """The ARN of the vocabulary's one role, ``AppRole``, with an optional path."""
    return f"arn:aws:iam::{account}:role/{path}AppRole"


def session_arn(account: str) -> str:
    """A session of ``AppRole`` (session ARNs carry no role path)."""
    return f"arn:aws:sts::{account}:assumed-role/AppRole/app-session"


def root_arn(account: str) -> str:
    """The account's root user."""
    return f"arn:aws:iam::{account}:root"


CALLERS: dict[str, tuple[Caller, ...]] = {
    "user": tuple(
        Caller(user_arn(a, n), a, "user", user_arn(a, n))
        for a in ACCOUNTS
        for n in ("alice", "bob")
    ),
    # The role sometimes has a path: then only aws:PrincipalArn tells it, as on AWS.
    "session": tuple(
        Caller(session_arn(a), a, "session", role_arn(a, path))
        for a in ACCOUNTS
        for path in ("", "team/")
    ),
    "root": tuple(Caller(root_arn(a), a, "root", root_arn(a)) for a in ACCOUNTS),
}


@functools.cache
def callers(kinds: tuple[str, ...] = ("user", "session", "root")) -> Strategy[Caller]:
    """IAM users (alice, bob), sessions of AppRole, or root users of either account."""
    return st.sampled_from(tuple(c for k in kinds for c in CALLERS[k]))


# --- actions and resources ---------------------------------------------------------------------

#: service -> action names
ACTIONS: dict[str, tuple[str, ...]] = {
    "s3": ("GetObject", "PutObject", "ListBucket"),
    "iam": ("GetUser", "PassRole", "CreateAccessKey"),
    "ec2": ("DescribeInstances", "RunInstances", "TerminateInstances"),
    "dynamodb": ("GetItem", "PutItem", "Query"),
}
SERVICES = tuple(ACTIONS)

#: Action element entries: exact names, wildcard patterns (``*`` and ``?``, other cases),
#: ``service:*``. ``*`` alone is drawn separately.
ACTION_PATTERNS: tuple[str, ...] = (
    *(f"{s}:{a}" for s in SERVICES for a in ACTIONS[s]),
    "s3:Get*",
    "s3:*Object",
    "S3:getobject",
    "s3:?utObject",
    "iam:Get*",
    "iam:*User",
    "IAM:PASSROLE",
    "ec2:Describe*",
    "ec2:*Instances",
    "EC2:runinstances",
    "dynamodb:?etItem",
    "dynamodb:*Item",
    "DynamoDB:query",
    *(f"{s}:*" for s in SERVICES),
)


def resource_arns(service: str, account: str) -> tuple[str, ...]:
    """Concrete resources of a service in an account (S3 ARNs name no account)."""
    return {
        "s3": (
            "arn:aws:s3:::reports/q3.csv",
            "arn:aws:s3:::reports",
            "arn:aws:s3:::logs/2024/app.log",
            "arn:aws:s3:::home/alice/notes.txt",
        ),
        "iam": (user_arn(account, "alice"), role_arn(account)),
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
    """Wildcard Resource patterns of a service. No resource above holds a colon in its
    resource part, so a ``*`` can never need to stretch across an ARN component to match one:
    the reference evaluator's plain regex translation and the engine's ARN-aware one agree."""
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


#: Resource patterns with policy variables (resolved from the request context; a variable
#: without a value matches nothing unless it has a default). The reference evaluator does not
#: know variables, so only the laws' vocabulary uses them.
#: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
VARIABLE_PATTERNS = (
    "arn:aws:s3:::home/${aws:username}/*",
    "arn:aws:s3:::home/${aws:PrincipalTag/team, 'alice'}/*",
)

RESOURCE_ENTRIES: tuple[str, ...] = (
    *dict.fromkeys(
        r
        for s in SERVICES
        for a in ACCOUNTS
        for r in (*resource_arns(s, a), *resource_patterns(s, a))
    ),
    *VARIABLE_PATTERNS,
)


@functools.cache
def one_or_many(strategy: Strategy[str], max_size: int = 3) -> Strategy[Any]:
    """A single string or a list of them (IAM treats ``"x"`` and ``["x"]`` alike)."""
    return st.one_of(strategy, st.lists(strategy, min_size=1, max_size=max_size))


def action_patterns() -> Strategy[str]:
    """An Action element entry: ``*`` half the time, else from the vocabulary."""
    return st.one_of(st.sampled_from(ACTION_PATTERNS), st.just("*"))


def resource_entries() -> Strategy[str]:
    """A Resource element entry: ``*`` half the time, else an ARN or a pattern."""
    return st.one_of(st.sampled_from(RESOURCE_ENTRIES), st.just("*"))


# --- conditions --------------------------------------------------------------------------------


#: The string-valued keys the naive reference evaluator understands, with the values its
#: conditions and contexts use.
REFERENCE_KEYS: dict[str, tuple[str, ...]] = {
    "aws:PrincipalTag/team": ("red", "blue"),
    "aws:RequestedRegion": ("us-east-1", "eu-west-1"),
    "aws:PrincipalArn": (
        user_arn(ACCOUNT, "alice"),
        role_arn(ACCOUNT),
        user_arn(OTHER_ACCOUNT, "bob"),
        role_arn(OTHER_ACCOUNT, "team/"),
    ),
}


def _spellings(name: str) -> tuple[str, ...]:
    """Condition key names are case-insensitive: policies sometimes write them in another case."""
    return (name, name.lower(), name.upper())


def _block(clauses: list[tuple[str, str, Any]]) -> Doc:
    block: Doc = {}
    for operator, key, values in clauses:
        block.setdefault(operator, {})[key] = values
    return block


_REFERENCE_PARTS = tuple(
    (st.sampled_from(_spellings(key)), one_or_many(st.sampled_from(values), 2))
    for key, values in REFERENCE_KEYS.items()
)


@st.composite
def reference_clauses(draw: st.DrawFn) -> tuple[str, str, Any]:
    """The condition subset of the reference evaluator: StringEquals, StringNotEquals, and
    Null with one value, on single-valued string keys."""
    spellings, values = draw(st.sampled_from(_REFERENCE_PARTS))
    operator = draw(st.sampled_from(("StringEquals", "StringNotEquals", "Null")))
    if operator == "Null":
        return operator, draw(spellings), draw(st.sampled_from(("true", "false")))
    return operator, draw(spellings), draw(values)


@functools.cache
def reference_conditions() -> Strategy[Doc]:
    """A Condition element of one or two clauses of the reference subset."""
    return st.lists(reference_clauses(), min_size=1, max_size=2).map(_block)


@functools.cache
def contexts(caller: Caller | None = None) -> Strategy[Doc]:
    """A request context from the public ``iamsim.strategies.contexts()`` (every key the
    public ``condition_blocks()`` use, each present or not), its ``"true"``/``"false"`` and
    digit values now and then as JSON booleans and numbers (the simulate format reads them as
    IAM text); with ``caller``, sometimes the caller's ``aws:PrincipalArn`` too."""
    base = iam.contexts()
    principal = st.none() if caller is None else st.one_of(st.none(), st.just(caller.principal_arn))

    @st.composite
    def build(draw: st.DrawFn) -> Doc:
        context: Doc = draw(base)
        for key, value in context.items():
            if value in ("true", "false") and draw(one_in(3)):
                context[key] = value == "true"
            elif isinstance(value, str) and value.isdigit() and draw(one_in(3)):
                context[key] = int(value)
        arn = draw(principal)
        if arn is not None:
            context["aws:PrincipalArn"] = arn
        return context

    return build()


@functools.cache
def reference_contexts(caller: Caller) -> Strategy[Doc]:
    """A context of string values for the reference subset's keys (each present or not;
    aws:PrincipalArn, when present, is the caller's)."""
    tag = st.one_of(st.none(), st.sampled_from(REFERENCE_KEYS["aws:PrincipalTag/team"]))
    region = st.one_of(st.none(), st.sampled_from(REFERENCE_KEYS["aws:RequestedRegion"]))
    arn = st.one_of(st.none(), st.just(caller.principal_arn))
    return st.tuples(tag, region, arn).map(
        lambda values: {k: v for k, v in zip(REFERENCE_KEYS, values, strict=True) if v is not None}
    )


# --- principals of resource-based policies -----------------------------------------------------

#: ``AWS`` principal identifiers: users, accounts, ``*``, roots, roles (with and without the
#: path AppRole sometimes has) and sessions.
PRINCIPAL_IDS: tuple[str, ...] = (
    *(user_arn(a, "alice") for a in ACCOUNTS),
    *ACCOUNTS,
    "*",
    *(root_arn(a) for a in ACCOUNTS),
    *(role_arn(a) for a in ACCOUNTS),
    *(role_arn(a, "team/") for a in ACCOUNTS),
    *(session_arn(a) for a in ACCOUNTS),
    *(user_arn(a, "bob") for a in ACCOUNTS),
)


def principal_elements() -> Strategy[Any]:
    """A Principal element: ``{"AWS": ...}`` (one id or several), ``"*"``, or an ``AWS`` and
    a ``Service`` entry."""
    aws = one_or_many(st.sampled_from(PRINCIPAL_IDS), 2).map(lambda v: {"AWS": v})
    return st.one_of(aws, st.just("*"), aws.map(lambda p: {**p, "Service": "ec2.amazonaws.com"}))


def reference_principal_elements() -> Strategy[Any]:
    """The reference subset: exact user ARNs, account IDs, or ``*``."""
    ids = (
        *(user_arn(a, "alice") for a in ACCOUNTS),
        *ACCOUNTS,
        *(user_arn(a, "bob") for a in ACCOUNTS),
    )
    aws = one_or_many(st.sampled_from(ids), 2).map(lambda v: {"AWS": v})
    return st.one_of(aws, st.just("*"))


# --- statements and policies -------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """What statements are built from; the reference test narrows it to its subset."""

    actions: Strategy[str]
    resources: Strategy[str]
    conditions: Strategy[Doc]
    principals: Strategy[Any]
    negations: bool = True  # NotAction and NotResource now and then
    not_principals: bool = True  # NotPrincipal in resource-policy Denies now and then


FULL = Vocabulary(
    action_patterns(), resource_entries(), iam.condition_blocks(), principal_elements()
)


@functools.cache
def focused(service: str, *, spread: bool = True) -> Vocabulary:
    """The full vocabulary, but with Action and Resource entries leaning on one service: ``*``,
    that service's actions, patterns and resources (in either account) and, with ``spread``,
    the entries of every service. Statements then match requests to that service far more
    often."""
    own_actions = tuple(a for a in ACTION_PATTERNS if a.lower().startswith(f"{service}:"))
    own_resources = tuple(
        dict.fromkeys(
            r
            for a in ACCOUNTS
            for r in (*resource_arns(service, a), *resource_patterns(service, a))
        )
    )
    if spread and service == "s3":
        own_resources += VARIABLE_PATTERNS
    everywhere = (
        (st.sampled_from(ACTION_PATTERNS), st.sampled_from(RESOURCE_ENTRIES)) if spread else ()
    )
    return Vocabulary(
        st.one_of(st.just("*"), st.sampled_from(own_actions), *everywhere[:1]),
        st.one_of(st.just("*"), st.sampled_from(own_resources), *everywhere[1:]),
        FULL.conditions,
        FULL.principals,
    )


def _negations(vocabulary: Vocabulary) -> tuple[str, ...]:
    return ("NotAction", "NotResource") * vocabulary.negations + (
        "NotPrincipal",
    ) * vocabulary.not_principals


@functools.cache
def statements(
    kind: Kind = "identity", effect: str | None = None, vocabulary: Vocabulary = FULL
) -> Strategy[Doc]:
    """One statement valid in a policy of ``kind`` (the public ``iamsim.strategies``
    statements, from ``vocabulary``); Allow is drawn two times out of three. RCP statements are
    Deny-only with ``Principal "*"`` and no ``"*"`` Action, as custom RCPs must be."""
    return iam.statements(
        kind,
        effect=effect,
        actions=vocabulary.actions,
        resources=vocabulary.resources,
        conditions=vocabulary.conditions,
        principals=vocabulary.principals if kind == "resource" else None,
        negations=_negations(vocabulary),
    )


@functools.cache
def policies(
    kind: Kind = "identity",
    effect: str | None = None,
    vocabulary: Vocabulary = FULL,
    max_statements: int = 3,
) -> Strategy[Doc]:
    """A policy document of ``kind`` from ``vocabulary`` (the public ``iamsim.strategies``
    policies): unique Sids now and then, a one-statement policy sometimes with Statement as an
    object."""
    return iam.policies(
        kind,
        effect=effect,
        max_statements=max_statements,
        actions=vocabulary.actions,
        resources=vocabulary.resources,
        conditions=vocabulary.conditions,
        principals=vocabulary.principals if kind == "resource" else None,
        negations=_negations(vocabulary),
    )


def _allow_all(kind: Kind = "scp") -> Doc:
    statement: Doc = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    if kind == "rcp":
        statement["Principal"] = "*"
    return {"Version": VERSION, "Statement": [statement]}


#: AWS's FullAWSAccess SCP and RCPFullAWSAccess RCP, as the simulate format wants them spelled.
FULL_AWS_ACCESS = _allow_all("scp")
RCP_FULL_AWS_ACCESS = _allow_all("rcp")


def _full_access_level(kind: Kind) -> Strategy[list[Doc]]:
    return st.builds(lambda: [_allow_all(kind)])


@functools.cache
def scp_levels(vocabulary: Vocabulary = FULL) -> Strategy[list[list[Doc]]]:
    """Zero to two SCP levels; most keep FullAWSAccess (alone, or beside a generated SCP)."""
    generated = policies("scp", None, vocabulary, 2)
    level = st.one_of(
        _full_access_level("scp"),
        _full_access_level("scp"),
        generated.map(lambda p: [_allow_all("scp"), p]),
        generated.map(lambda p: [p]),
    )
    return st.lists(level, max_size=2)


@functools.cache
def rcp_levels(vocabulary: Vocabulary = FULL) -> Strategy[list[list[Doc]]]:
    """Zero or one RCP level: RCPFullAWSAccess and sometimes a Deny-only custom RCP."""
    level = st.one_of(
        _full_access_level("rcp"),
        policies("rcp", None, vocabulary, 2).map(lambda p: [_allow_all("rcp"), p]),
    )
    return st.lists(level, max_size=1)


def _sometimes(strategy: Strategy[Doc], n: int) -> Strategy[Doc | None]:
    return one_in(n).flatmap(lambda yes: strategy if yes else st.none())


@functools.cache
def policy_sets(effect: str | None = None, vocabulary: Vocabulary = FULL) -> Strategy[Doc]:
    """The ``policies`` part of a simulate case, i.e. keyword arguments for ``PolicySet``:
    one or two identity policies, a resource policy half the time, a boundary and a session
    policy a quarter of the time each, SCP and RCP levels.

    With ``effect="Deny"`` every statement is a Deny (and no SCP or RCP level is drawn, since
    FullAWSAccess is an Allow).
    """
    deny_only = effect == "Deny"
    return st.fixed_dictionaries(
        {
            "identity": st.lists(policies("identity", effect, vocabulary), min_size=1, max_size=2),
            "resource": _sometimes(policies("resource", effect, vocabulary), 2),
            "boundary": _sometimes(policies("boundary", effect, vocabulary), 4),
            "session": _sometimes(policies("session", effect, vocabulary), 4),
            "scps": st.builds(list) if deny_only else scp_levels(vocabulary),
            "rcps": st.builds(list) if deny_only else rcp_levels(vocabulary),
        }
    )


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


_SERVICE_PARTS = tuple(
    (
        st.sampled_from(tuple(f"{s}:{a}" for a in ACTIONS[s])),
        {a: st.sampled_from(resource_arns(s, a)) for a in ACCOUNTS},
    )
    for s in SERVICES
)


@functools.cache
def requests(
    caller_kinds: tuple[str, ...] = ("user", "session", "root"),
    same_account: bool | None = None,
    context: Callable[[Caller], Strategy[Doc]] = contexts,
) -> Strategy[RequestParts]:
    """A request: a caller, an action and a resource of one service, the resource's account
    (the caller's own three times out of four, or the other one), and a context."""
    who = callers(caller_kinds)

    @st.composite
    def build(draw: st.DrawFn) -> RequestParts:
        caller = draw(who)
        action, resources = draw(st.sampled_from(_SERVICE_PARTS))
        same = same_account if same_account is not None else not draw(one_in(4))
        other = OTHER_ACCOUNT if caller.account == ACCOUNT else ACCOUNT
        account = caller.account if same else other
        return RequestParts(
            caller, draw(action), draw(resources[account]), account, draw(context(caller))
        )

    return build()


Scenario = tuple[Doc, RequestParts]


@functools.cache
def scenarios(
    effect: str | None = None,
    caller_kinds: tuple[str, ...] = ("user", "session", "root"),
    same_account: bool | None = None,
) -> Strategy[Scenario]:
    """A request and a policy set whose statements lean toward the request's service
    (:func:`focused`), so that all three outcomes are common."""
    requests_ = requests(caller_kinds, same_account)

    @st.composite
    def build(draw: st.DrawFn) -> Scenario:
        request = draw(requests_)
        service = request.action.partition(":")[0]
        return draw(policy_sets(effect, focused(service))), request

    return build()
