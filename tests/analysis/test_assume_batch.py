"""The access graph shares work between decisions (iamsim.assume): a caller's statements are
matched once per set of inputs they can see, SCP and RCP levels once for all callers that show
them the same keys, alike roles once per caller. Every shortcut must leave each edge, and the
least conditions it needs, exactly what ``iamsim.evaluate`` says pair by pair.

The worlds here stress what the shortcuts key on: an organization whose SCPs and RCPs read
caller keys (``aws:PrincipalTag``), resource keys (``aws:ResourceTag``) or match Resource
patterns; roles alike but for their tags; identity policies with policy variables in Resource;
permissions boundaries; trust policies asking MFA, an external ID or a principal tag.
Rules: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import iamsim

ORG = "o-batchtest01"
MANAGEMENT, MEMBER_A, MEMBER_B, OUTSIDE = (
    "100000000000",
    "111111111111",
    "222222222222",
    "333333333333",
)
MEMBERS = (MEMBER_A, MEMBER_B)
ACCOUNTS = (MEMBER_A, MEMBER_B, OUTSIDE)
ROLE_NAMES = ("app-1", "app-2", "secret-1")


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


SCPS = [
    None,
    # reads a resource key: roles tagged prod are off limits from these accounts
    doc(
        {
            "Effect": "Deny",
            "Action": "sts:AssumeRole",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/env": "prod"}},
        }
    ),
    # reads a caller key
    doc(
        {
            "Effect": "Deny",
            "Action": "sts:AssumeRole",
            "Resource": "*",
            "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalTag/team": "ops"}},
        }
    ),
    # a Resource pattern of its own
    doc({"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::*:role/secret-*"}),
]
RCPS = [
    None,
    doc(
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sts:AssumeRole",
            "Resource": "*",
            "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": ORG}},
        }
    ),
    doc(
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sts:AssumeRole",
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:ResourceTag/env": "prod"},
                "StringNotEquals": {"aws:PrincipalTag/team": "ops"},
            },
        }
    ),
]
IDENTITY_RESOURCES = [
    "*",
    "arn:aws:iam::*:role/app-*",
    "arn:aws:iam::${aws:PrincipalAccount}:role/*",  # a policy variable
    f"arn:aws:iam::{MEMBER_B}:role/secret-1",
]
TRUST_CONDITIONS: list[dict[str, Any] | None] = [
    None,
    {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
    {"StringEquals": {"sts:ExternalId": "x1"}},
    {"StringEquals": {"aws:PrincipalTag/team": "ops"}},
    {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/app-*"}},
]


def assume(resource: str, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Resource": resource,
    }
    if condition:
        statement["Condition"] = condition
    return statement


@st.composite
def worlds(draw: Any) -> iamsim.World:
    world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
    org = world.create_organization(MANAGEMENT, org_id=ORG)
    ou = org.create_ou("Workloads")
    world.create_account(MEMBER_A, ou=ou)
    world.create_account(MEMBER_B, ou=org.root)
    world.create_account(OUTSIDE)
    scp = draw(st.sampled_from(SCPS))
    if scp is not None:
        ou.attach_scp(scp, name="Guard")
    rcp = draw(st.sampled_from(RCPS))
    if rcp is not None:
        org.root.attach_rcp(rcp, name="Perimeter")
    teams = st.sampled_from([None, "ops", "dev"])
    for account_id in ACCOUNTS:
        account = world.account(account_id)
        for name in ROLE_NAMES:
            if not draw(st.booleans()):
                continue
            who = draw(st.sampled_from([*ACCOUNTS, "*", f"arn:aws:iam::{MEMBER_A}:role/app-1"]))
            condition = draw(st.sampled_from(TRUST_CONDITIONS))
            if who == "*":  # open to everyone only with a condition
                condition = {"StringEquals": {"aws:PrincipalOrgID": ORG}}
            statement: dict[str, Any] = {
                "Effect": "Allow",
                "Principal": {"AWS": who},
                "Action": "sts:AssumeRole",
            }
            if condition:
                statement["Condition"] = condition
            team = draw(teams)
            account.create_role(
                name,
                trust_policy=doc(statement),
                policies={"assume": doc(assume(draw(st.sampled_from(IDENTITY_RESOURCES))))},
                boundary=doc(assume("arn:aws:iam::*:role/app-*")) if draw(st.booleans()) else None,
                tags={
                    "env": draw(st.sampled_from(["dev", "prod"])),
                    **({"team": team} if team else {}),
                },
            )
        for index in range(2):
            team = draw(teams)
            statements = [assume(draw(st.sampled_from(IDENTITY_RESOURCES)))]
            if draw(st.booleans()):
                statements.append(
                    {
                        "Effect": "Deny",
                        "Action": "sts:AssumeRole",
                        "Resource": "*",
                        "Condition": {"StringEquals": {"aws:ResourceTag/env": "prod"}},
                    }
                )
            account.create_user(
                f"u{index}",
                mfa=True,
                policies={"p": doc(*statements)},
                tags={"team": team} if team else None,
            )
    return world


MFA = {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "0"}
VARIANTS = [
    ((), {}),
    (("MFA",), MFA),
    (("sts:ExternalId=x1",), {"sts:ExternalId": "x1"}),
    (("MFA", "sts:ExternalId=x1"), {**MFA, "sts:ExternalId": "x1"}),
]


def brute_edges(world: iamsim.World) -> dict[tuple[str, str], tuple[str, ...]]:
    """Every (caller, role) pair some variant allows, with the first such variant's conditions."""
    principals = [p for a in world.accounts for p in (*a.users, *a.roles)]
    roles = [r for a in world.accounts for r in a.roles]
    found: dict[tuple[str, str], tuple[str, ...]] = {}
    for principal in principals:
        usable = VARIANTS if isinstance(principal, iamsim.User) else VARIANTS[::2]
        for role in roles:
            for conditions, extra in usable:
                context = {"sts:RoleSessionName": "iamsim", **extra}
                if iamsim.evaluate(principal, "sts:AssumeRole", role.arn, context).allowed:
                    found[(principal.arn, role.arn)] = conditions
                    break
    return found


@settings(max_examples=60, deadline=None)
@given(worlds())
def test_every_edge_and_its_conditions_equal_pairwise_evaluation(world: iamsim.World) -> None:
    graph = world.access_graph()
    assert {(e.source, e.target): e.conditions for e in graph.edges} == brute_edges(world)


@settings(max_examples=40, deadline=None)
@given(worlds())
def test_who_can_without_the_graph_equals_who_can_with_it(world: iamsim.World) -> None:
    # Cold, who_can decides only the edges its walk meets; with the graph built it reads them.
    action, resource = "sts:AssumeRole", f"arn:aws:iam::{MEMBER_B}:role/secret-1"
    cold = world.who_can(action, resource)
    world.access_graph()
    assert world.who_can(action, resource) == cold
