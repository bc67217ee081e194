"""The request context evaluate() derives: each key present or absent exactly when AWS has it.

Global condition keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
Principal table: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#principaltable
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import iamsim

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "sts:AssumeRole"}
    ],
}


@pytest.fixture
def world() -> iamsim.World:
    world = iamsim.World(now=datetime(2026, 3, 1, 12, 30, tzinfo=UTC))
    org = world.create_organization("999999999999", org_id="o-exampleorg1")
    ou = org.create_ou("Workloads")
    world.create_account("111111111111", ou=ou)
    world.create_account("333333333333")  # outside the organization
    return world


def context_of(principal: object, resource: str = "arn:aws:s3:::bucket/key") -> dict[str, object]:
    return dict(iamsim.evaluate(principal, "s3:GetObject", resource).request.context)  # type: ignore[arg-type]


def test_user_keys(world: iamsim.World) -> None:
    alice = world.account("111111111111").create_user("alice", tags={"Team": "blue"})
    ctx = context_of(alice)
    assert ctx["aws:principalarn"] == alice.arn
    assert ctx["aws:principalaccount"] == "111111111111"
    assert ctx["aws:principaltype"] == "User"
    assert ctx["aws:userid"] == alice.id
    assert ctx["aws:username"] == "alice"
    assert ctx["aws:principaltag/team"] == "blue"  # tag keys are case-insensitive
    assert ctx["aws:principalorgid"] == "o-exampleorg1"
    org = world.organization
    assert org is not None
    ou = org.ou("Workloads")
    assert ctx["aws:principalorgpaths"] == (f"o-exampleorg1/{org.root.id}/{ou.id}/",)
    assert ctx["aws:principalisawsservice"] == "false"
    # long-term access keys carry no MFA keys and no token issue time
    assert "aws:multifactorauthpresent" not in ctx
    assert "aws:multifactorauthage" not in ctx
    assert "aws:tokenissuetime" not in ctx


def test_role_keys(world: iamsim.World) -> None:
    role = world.account("111111111111").create_role(
        "Deploy", trust_policy=TRUST, tags={"env": "ci"}
    )
    ctx = context_of(role)
    assert ctx["aws:principalarn"] == role.arn  # for role sessions: the role ARN
    assert ctx["aws:principaltype"] == "AssumedRole"
    assert ctx["aws:principaltag/env"] == "ci"
    assert "aws:username" not in ctx  # only IAM users have aws:username
    assert ctx["aws:multifactorauthpresent"] == "false"  # temporary credentials without MFA


def test_org_keys_absent_outside_an_organization(world: iamsim.World) -> None:
    outsider = world.account("333333333333").create_user("o")
    ctx = context_of(outsider)
    assert "aws:principalorgid" not in ctx
    assert "aws:principalorgpaths" not in ctx
    assert ctx["aws:principalaccount"] == "333333333333"


def test_management_account_is_in_the_organization(world: iamsim.World) -> None:
    org = world.organization
    assert org is not None
    boss = org.management_account.create_user("boss")
    ctx = context_of(boss)
    assert ctx["aws:principalorgid"] == "o-exampleorg1"
    assert ctx["aws:principalorgpaths"] == (f"o-exampleorg1/{org.root.id}/",)


def test_resource_keys(world: iamsim.World) -> None:
    world.account("111111111111").add_resource("arn:aws:s3:::tagged", tags={"Data": "pii"})
    alice = world.account("111111111111").create_user("alice")
    ctx = context_of(alice, "arn:aws:s3:::tagged/file")
    assert ctx["aws:resourceaccount"] == "111111111111"
    assert ctx["aws:resourceorgid"] == "o-exampleorg1"
    assert ctx["aws:resourcetag/data"] == "pii"
    outsider_bucket = "arn:aws:s3:::outside"
    world.account("333333333333").add_resource(outsider_bucket)
    ctx = context_of(alice, outsider_bucket)
    assert ctx["aws:resourceaccount"] == "333333333333"
    assert "aws:resourceorgid" not in ctx
    assert not any(k.startswith("aws:resourcetag/") for k in ctx)


def test_role_as_resource_has_its_tags(world: iamsim.World) -> None:
    account = world.account("111111111111")
    role = account.create_role("Tagged", trust_policy=TRUST, tags={"owner": "ops"})
    alice = account.create_user("alice")
    ctx = dict(iamsim.evaluate(alice, "sts:AssumeRole", role.arn).request.context)
    assert ctx["aws:resourcetag/owner"] == "ops"


def test_time_keys_come_from_the_world_clock(world: iamsim.World) -> None:
    alice = world.account("111111111111").create_user("alice")
    ctx = context_of(alice)
    assert ctx["aws:currenttime"] == "2026-03-01T12:30:00Z"
    assert ctx["aws:epochtime"] == str(int(datetime(2026, 3, 1, 12, 30, tzinfo=UTC).timestamp()))


def test_caller_context_adds_and_overrides(world: iamsim.World) -> None:
    alice = world.account("111111111111").create_user("alice")
    decision = iamsim.evaluate(
        alice,
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        {"aws:SourceIp": "203.0.113.7", "AWS:UserName": "mallory"},
    )
    assert decision.request.context["aws:sourceip"] == "203.0.113.7"
    assert decision.request.context["aws:username"] == "mallory"
