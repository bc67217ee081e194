"""what_can, diff and external_access against brute force on generated small worlds.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import iamsim
from iamsim.catalog import expand_actions

V = "2012-10-17"
HOME, OTHER, OUTSIDE = "111111111111", "222222222222", "999999999999"
PATTERNS = ("s3:Get*", "s3:PutObject", "s3:*Object", "sqs:SendMessage", "sqs:*")
RESOURCE = "arn:aws:s3:::data/report.csv"


def statement(draw: Any) -> dict[str, Any]:
    return {
        "Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"])),
        "Action": draw(st.lists(st.sampled_from(PATTERNS), min_size=1, max_size=2, unique=True)),
        "Resource": draw(st.sampled_from(["*", "arn:aws:s3:::data/*", "arn:aws:s3:::other/*"])),
    }


@st.composite
def worlds(draw: Any) -> iamsim.World:
    world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
    home = world.create_account(HOME)
    world.create_account(OTHER)
    world.create_account(OUTSIDE)
    home.create_group("G", policies={"g": {"Version": V, "Statement": [statement(draw)]}})
    for name in ("u0", "u1"):
        home.create_user(
            name,
            groups=["G"] if draw(st.booleans()) else [],
            policies={"p": {"Version": V, "Statement": [statement(draw) for _ in range(2)]}},
        )
    principal = draw(
        st.sampled_from(
            [{"AWS": HOME}, {"AWS": OTHER}, {"AWS": OUTSIDE}, "*", {"Service": "ec2.amazonaws.com"}]
        )
    )
    home.create_role(
        "R",
        trust_policy={
            "Version": V,
            "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
        },
        policies={"r": {"Version": V, "Statement": [statement(draw)]}},
    )
    bucket_principal = draw(
        st.sampled_from(
            [{"AWS": HOME}, {"AWS": OUTSIDE}, "*", {"AWS": f"arn:aws:iam::{OUTSIDE}:user/x"}]
        )
    )
    home.add_resource(
        "arn:aws:s3:::data",
        policy={
            "Version": V,
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": bucket_principal,
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::data/*",
                }
            ],
        },
    )
    world.account(OUTSIDE).create_user(
        "x",
        policies={
            "all": {
                "Version": V,
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
            }
        },
    )
    return world


@settings(max_examples=40)
@given(worlds())
def test_what_can_equals_brute_force(world: iamsim.World) -> None:
    vocabulary = sorted({a for p in PATTERNS for a in expand_actions(p)})
    for principal in (*world.account(HOME).users, *world.account(HOME).roles):
        brute = {a for a in vocabulary if iamsim.evaluate(principal, a, RESOURCE).allowed}
        got = {a.action for items in world.what_can(principal, RESOURCE).values() for a in items}
        assert got == brute


@settings(max_examples=30)
@given(worlds(), st.data())
def test_diff_equals_brute_force(world: iamsim.World, data: st.DataObject) -> None:
    new = {"Version": V, "Statement": [statement(data.draw)]}
    actions = ["s3:GetObject", "s3:PutObject", "sqs:SendMessage"]
    resources = [RESOURCE, "arn:aws:s3:::other/x"]

    def change(w: iamsim.World) -> None:
        w.account(HOME).group("G").put_policy("g", new)

    principals = [*world.account(HOME).users, *world.account(HOME).roles]
    before = {
        (p.arn, a, r): iamsim.evaluate(p, a, r).outcome
        for p in principals
        for a in actions
        for r in resources
    }
    changes = world.diff(change, actions=actions, resources=resources)
    change(world)  # now apply it for real and compare
    after = {
        (p.arn, a, r): iamsim.evaluate(p, a, r).outcome
        for p in principals
        for a in actions
        for r in resources
    }
    brute = {k for k in before if before[k] is not after[k]}
    assert {(c.principal, c.action, c.resource) for c in changes} == brute


@settings(max_examples=40)
@given(worlds())
def test_external_access_equals_brute_force(world: iamsim.World) -> None:
    """An outside user with an allow-all identity policy reaches a resource exactly when the
    zone's findings name it (for these unconditional policies)."""
    outsider = world.account(OUTSIDE).user("x")
    findings = {f.resource for f in world.external_access("account")}
    role = world.account(HOME).role("R")
    can_assume = iamsim.evaluate(outsider, "sts:AssumeRole", role.arn).allowed
    can_read = iamsim.evaluate(outsider, "s3:GetObject", RESOURCE).allowed
    trust = role.trust_policy.statements[0].principal
    assert trust is not None
    other_account_only = trust.ids("AWS") == (OTHER,)  # outside the account, but not this user
    assert (role.arn in findings) == (can_assume or other_account_only)
    assert ("arn:aws:s3:::data" in findings) == can_read
