"""world.diff(change): who gains or loses what, computed without changing the world."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import iamsim

V = "2012-10-17"


def build() -> iamsim.World:
    world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
    dev = world.create_account("111111111111")
    dev.create_policy(
        "Read",
        {
            "Version": V,
            "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"}
            ],
        },
    )
    dev.create_group("Readers", managed_policies=["arn:aws:iam::111111111111:policy/Read"])
    dev.create_user("alice", groups=["Readers"])
    dev.create_user("bob")
    dev.add_resource("arn:aws:s3:::data")
    return world


def test_adding_a_user_to_a_group_gains_its_permissions() -> None:
    world = build()
    changes = world.diff(
        lambda w: w.account("111111111111").user("bob").add_to_group("Readers"),
        actions=["s3:GetObject", "s3:PutObject"],
        resources=["arn:aws:s3:::data/x"],
    )
    assert [(c.principal.rsplit("/", 1)[-1], c.action, c.gained) for c in changes] == [
        ("bob", "s3:GetObject", True)
    ]
    # the world is unchanged
    assert world.account("111111111111").user("bob").groups == ()


def test_a_new_policy_version_gains_and_loses() -> None:
    world = build()
    policy = world.account("111111111111").policy("Read")
    changes = world.diff(
        lambda w: w.managed_policy(policy.arn).create_version(
            {
                "Version": V,
                "Statement": [
                    {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::data/*"}
                ],
            }
        ),
        resources=["arn:aws:s3:::data/x"],
    )
    summary = {(c.action, c.gained, c.lost) for c in changes}
    assert summary == {("s3:GetObject", False, True), ("s3:PutObject", True, False)}
    assert policy.default_version == "v1"


def test_a_failing_change_leaves_the_world_as_it_was() -> None:
    world = build()

    def broken(w: iamsim.World) -> None:
        w.account("111111111111").create_user("carol")
        w.account("111111111111").create_user("carol")

    with pytest.raises(iamsim.EntityAlreadyExists):
        world.diff(broken, actions=["s3:GetObject"])
    assert [u.name for u in world.account("111111111111").users] == ["alice", "bob"]
