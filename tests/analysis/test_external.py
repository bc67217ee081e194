"""External access findings, following IAM Access Analyzer's documented rules.

https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html#access-analyzer-iam-role
https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-concepts.html
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

import iamsim

V = "2012-10-17"
ORG = "o-exampleorg1"


def trust(principal: Any, **extra: Any) -> dict[str, Any]:
    return {
        "Version": V,
        "Statement": [
            {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **extra}
        ],
    }


@pytest.fixture
def world() -> iamsim.World:
    world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
    org = world.create_organization("999999999999", org_id=ORG)
    ou = org.create_ou("Workloads")
    world.create_account("111111111111", ou=ou)
    world.create_account("222222222222", ou=ou)
    world.create_account("444455556666")  # outside the organization
    return world


def roles_found(world: iamsim.World, zone: str = "account") -> set[str]:
    return {f.resource.rsplit("/", 1)[-1] for f in world.external_access(zone)}


def test_other_accounts_and_their_principals(world: iamsim.World) -> None:
    account = world.account("111111111111")
    account.create_role("SameAccount", trust_policy=trust({"AWS": "111111111111"}))
    account.create_role("OrgAccount", trust_policy=trust({"AWS": "arn:aws:iam::222222222222:root"}))
    account.create_role(
        "Partner", trust_policy=trust({"AWS": "arn:aws:iam::444455556666:role/Ops"})
    )
    assert roles_found(world) == {"OrgAccount", "Partner"}
    # with the organization as the zone of trust, only the partner is outside
    assert roles_found(world, "organization") == {"Partner"}
    (finding,) = [f for f in world.external_access() if f.resource.endswith("Partner")]
    assert finding.principal == {"AWS": "arn:aws:iam::444455556666:role/Ops"}
    assert finding.statement == 0
    assert finding.actions == ("sts:AssumeRole",)
    assert finding.resource_type == "AWS::IAM::Role"


def test_service_principals_are_not_reported(world: iamsim.World) -> None:
    world.account("111111111111").create_role(
        "Ec2", trust_policy=trust({"Service": "ec2.amazonaws.com"})
    )
    assert roles_found(world) == set()


def test_federated_principals_are_external(world: iamsim.World) -> None:
    world.account("111111111111").create_role(
        "Web",
        trust_policy={
            "Version": V,
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": "accounts.google.com"},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                }
            ],
        },
    )
    (finding,) = world.external_access()
    assert finding.principal == {"Federated": "accounts.google.com"}


def test_star_is_public_unless_a_condition_keeps_it_inside(world: iamsim.World) -> None:
    account = world.account("111111111111")
    account.create_role("Open", trust_policy=trust("*"))
    account.create_role(
        "OpenWithIp",
        trust_policy=trust("*", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
    )
    account.create_role(
        "OrgOnly",
        trust_policy=trust({"AWS": "*"}, Condition={"StringEquals": {"aws:PrincipalOrgID": ORG}}),
    )
    account.create_role(
        "AccountOnly",
        trust_policy=trust(
            "*", Condition={"StringEquals": {"aws:PrincipalAccount": "111111111111"}}
        ),
    )
    account.create_role(
        "IfExists",
        trust_policy=trust(
            "*", Condition={"StringEqualsIfExists": {"aws:PrincipalAccount": "111111111111"}}
        ),
    )
    found = {f.resource.rsplit("/", 1)[-1]: f for f in world.external_access()}
    assert set(found) == {"Open", "OpenWithIp", "OrgOnly", "IfExists"}
    assert found["Open"].is_public
    assert found["OpenWithIp"].conditions == ("IpAddress aws:SourceIp 203.0.113.0/24",)
    assert "OrgOnly" not in roles_found(world, "organization")


def test_resource_policies(world: iamsim.World) -> None:
    account = world.account("111111111111")
    account.add_resource(
        "arn:aws:s3:::shared",
        policy={
            "Version": V,
            "Statement": [
                {
                    "Sid": "Partner",
                    "Effect": "Allow",
                    "Principal": {"AWS": "444455556666"},
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::shared/*",
                },
                {
                    "Sid": "Self",
                    "Effect": "Allow",
                    "Principal": {"AWS": "111111111111"},
                    "Action": "s3:*",
                    "Resource": "arn:aws:s3:::shared/*",
                },
                {
                    "Sid": "NoInsecure",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": "arn:aws:s3:::shared/*",
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
            ],
        },
    )
    (finding,) = world.external_access()
    assert (finding.resource, finding.sid, finding.resource_type) == (
        "arn:aws:s3:::shared",
        "Partner",
        "AWS::S3::Bucket",
    )


def test_bad_zone(world: iamsim.World) -> None:
    with pytest.raises(iamsim.ValidationError):
        world.external_access("galaxy")
