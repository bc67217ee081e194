"""world.what_can: allowed actions, expanded through the action catalog, grouped by service."""

from __future__ import annotations

from datetime import UTC, datetime

import iamsim

V = "2012-10-17"


def test_what_can_expands_wildcards_and_respects_denies() -> None:
    world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
    account = world.create_account("111111111111")
    user = account.create_user(
        "alice",
        policies={
            "p": {
                "Version": V,
                "Statement": [
                    {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::data/*"},
                    {"Effect": "Deny", "Action": "s3:GetObjectAcl", "Resource": "*"},
                    {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"},
                ],
            }
        },
    )
    found = world.what_can(user)
    assert set(found) == {"s3", "sqs"}
    s3 = {a.action for a in found["s3"]}
    assert {"s3:GetObject", "s3:GetObjectTagging"} <= s3
    assert "s3:GetObjectAcl" not in s3  # denied
    assert "s3:PutObject" not in s3
    assert all(a.resources == ("arn:aws:s3:::data/*",) for a in found["s3"])
    on_object = world.what_can(user, "arn:aws:s3:::data/report.csv")
    assert "s3:GetObject" in {a.action for a in on_object["s3"]}
    assert world.what_can(user, "arn:aws:s3:::elsewhere/x").get("s3") is None


def test_what_can_a_role_session_do(tmp_path: object) -> None:
    world = iamsim.load_world("examples/world.yaml")
    alice = world.account("development").user("alice")
    session = iamsim.assume_role(
        alice,
        "arn:aws:iam::222222222222:role/UpdateApp",
        session_name="alice",
        serial_number=alice.mfa_serial,
        token_code="123456",
        policy={
            "Version": V,
            "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}],
        },
    )
    actions = {a.action for items in world.what_can(session).values() for a in items}
    assert actions == {"s3:GetObject", "s3:GetBucketLocation"}  # capped by the session policy
