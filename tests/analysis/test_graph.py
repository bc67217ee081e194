"""The access graph and who_can: hand-built scenarios, and brute force on generated worlds.

https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import iamsim

V = "2012-10-17"


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": V, "Statement": list(statements)}


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return doc({"Effect": "Allow", "Action": action, "Resource": resource, **extra})


def trust(principal: Any, **extra: Any) -> dict[str, Any]:
    return doc({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **extra})


def chain_world() -> iamsim.World:
    world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
    dev = world.create_account("111111111111")
    tools = world.create_account("222222222222")
    prod = world.create_account("333333333333")
    dev.create_user(
        "alice",
        mfa=True,
        policies={"a": allow("sts:AssumeRole", "arn:aws:iam::222222222222:role/Deployer")},
    )
    dev.create_user("bob", policies={"b": allow("s3:GetObject", "arn:aws:s3:::devbucket/*")})
    tools.create_role(
        "Deployer",
        trust_policy=trust(
            {"AWS": "111111111111"}, Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}
        ),
        policies={"d": allow("sts:AssumeRole", "arn:aws:iam::333333333333:role/*")},
    )
    prod.create_role(
        "Admin",
        trust_policy=trust({"AWS": "arn:aws:iam::222222222222:role/Deployer"}),
        policies={"all": allow("*")},
    )
    prod.create_role(
        "Vendor",
        trust_policy=trust(
            {"AWS": "111111111111"}, Condition={"StringEquals": {"sts:ExternalId": "Example987"}}
        ),
    )
    dev.create_user(
        "carol", policies={"c": allow("sts:AssumeRole", "arn:aws:iam::333333333333:role/Vendor")}
    )
    prod.add_resource("arn:aws:s3:::prodbucket")
    return world


def test_edges_and_conditions() -> None:
    graph = chain_world().access_graph()
    edges = {(e.source.split("/")[-1], e.target.split("/")[-1]): e.conditions for e in graph.edges}
    assert edges == {
        ("alice", "Deployer"): ("MFA",),
        ("Deployer", "Admin"): (),
        ("carol", "Vendor"): ("sts:ExternalId=Example987",),
    }
    assert all(e.cross_account for e in graph.edges)
    data = graph.to_json()
    assert {n["kind"] for n in data["nodes"]} == {"user", "role"}
    svg = graph.to_svg()
    assert svg.startswith("<svg")
    assert "Deployer" in svg
    assert "MFA" in svg


def test_who_can_through_a_chain_of_roles() -> None:
    world = chain_world()
    found = {
        (w.principal.split("/")[-1], tuple(p.split("/")[-1] for p in w.path), w.conditions)
        for w in world.who_can("s3:PutObject", "arn:aws:s3:::prodbucket/x")
    }
    assert found == {
        ("Admin", (), ()),
        ("Deployer", ("Admin",), ()),
        ("alice", ("Deployer", "Admin"), ("MFA",)),
    }


def test_escalation_paths() -> None:
    graph = chain_world().access_graph()
    paths = graph.escalation_paths(["arn:aws:iam::333333333333:role/Admin"])
    starts = {start.split("/")[-1] for start, _ in paths}
    assert starts == {"Deployer", "alice"}


# -- brute force on generated worlds --------------------------------------------------------

ACCOUNTS = ("111111111111", "222222222222")
TARGETS = ("s3:GetObject", "sqs:SendMessage")


@st.composite
def worlds(draw: Any) -> iamsim.World:
    world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
    for account in ACCOUNTS:
        world.create_account(account)
    role_arns = [f"arn:aws:iam::{a}:role/r{i}" for a in ACCOUNTS for i in range(2)]
    for account in ACCOUNTS:
        for i in range(2):
            principal = draw(
                st.sampled_from(
                    [
                        {"AWS": ACCOUNTS[0]},
                        {"AWS": ACCOUNTS[1]},
                        {"AWS": draw(st.sampled_from(role_arns))},
                    ]
                )
            )
            condition = draw(
                st.sampled_from(
                    [
                        None,
                        {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
                        {"StringEquals": {"sts:ExternalId": "x1"}},
                    ]
                )
            )
            extra = {"Condition": condition} if condition else {}
            statements = [
                {
                    "Effect": "Allow",
                    "Action": draw(st.sampled_from((*TARGETS, "*"))),
                    "Resource": "*",
                }
            ]
            if draw(st.booleans()):
                statements.append(
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRole",
                        "Resource": draw(st.sampled_from([*role_arns, "*"])),
                    }
                )
            world.account(account).create_role(
                f"r{i}", trust_policy=trust(principal, **extra), policies={"p": doc(*statements)}
            )
        for i in range(2):
            world.account(account).create_user(
                f"u{i}",
                mfa=True,
                policies={
                    "p": doc(
                        {
                            "Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"])),
                            "Action": draw(
                                st.sampled_from(["sts:AssumeRole", "s3:GetObject", "*"])
                            ),
                            "Resource": draw(st.sampled_from([*role_arns, "*"])),
                        }
                    )
                },
            )
    return world


def brute_edges(world: iamsim.World) -> set[tuple[str, str]]:
    """Every (principal, role) pair that some condition variant allows, by evaluating them all."""
    principals = [p for a in world.accounts for p in (*a.users, *a.roles)]
    roles = [r for a in world.accounts for r in a.roles]
    variants = [
        {},
        {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "0"},
        {"sts:ExternalId": "x1"},
        {
            "aws:MultiFactorAuthPresent": "true",
            "aws:MultiFactorAuthAge": "0",
            "sts:ExternalId": "x1",
        },
    ]
    found = set()
    for principal in principals:
        for role in roles:
            usable = variants if isinstance(principal, iamsim.User) else variants[::2]
            if any(
                iamsim.evaluate(
                    principal, "sts:AssumeRole", role.arn, {"sts:RoleSessionName": "iamsim", **v}
                ).allowed
                for v in usable
            ):
                found.add((principal.arn, role.arn))
    return found


@settings(max_examples=40)
@given(worlds())
def test_graph_equals_brute_force(world: iamsim.World) -> None:
    graph = world.access_graph()
    assert {(e.source, e.target) for e in graph.edges} == brute_edges(world)


@settings(max_examples=40)
@given(worlds(), st.sampled_from(TARGETS))
def test_who_can_equals_brute_force(world: iamsim.World, action: str) -> None:
    resource = (
        "arn:aws:s3:::b/k" if action.startswith("s3") else "arn:aws:sqs:us-east-1:111111111111:q"
    )
    principals = [p for a in world.accounts for p in (*a.users, *a.roles)]
    direct = {p.arn for p in principals if iamsim.evaluate(p, action, resource).allowed}
    edges = brute_edges(world)
    reach: set[str] = set(direct)
    changed = True
    while changed:  # fixpoint: whoever can assume a role that reaches the action reaches it too
        changed = False
        for source, target in edges:
            if target in reach and source not in reach:
                reach.add(source)
                changed = True
    got = world.who_can(action, resource)
    assert {w.principal for w in got} == reach
    assert {w.principal for w in got if not w.path} == direct
    for item in got:  # every path is a chain of real edges ending in a role that can do it
        chain = [item.principal, *item.path]
        assert all((a, b) in edges for a, b in itertools.pairwise(chain))
        assert chain[-1] in direct
