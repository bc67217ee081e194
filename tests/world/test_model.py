"""The world model: entities, handles, organizations, atomic changes, errors with AWS's codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import iamsim

ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
TRUST_DEV = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "sts:AssumeRole"}
    ],
}
BAD = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"StringEqulas": {"a": "b"}},
        }
    ],
}


@pytest.fixture
def world() -> iamsim.World:
    return iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))


def test_accounts_by_id_and_alias(world: iamsim.World) -> None:
    dev = world.create_account("111111111111", alias="development")
    assert world.account("development") == dev
    assert world.account("111111111111").alias == "development"
    assert dev.arn == "arn:aws:iam::111111111111:root"
    with pytest.raises(iamsim.NoSuchEntity) as info:
        world.account("nope")
    assert info.value.code == "NoSuchEntity"
    with pytest.raises(iamsim.EntityAlreadyExists) as exists:
        world.create_account("111111111111")
    assert exists.value.code == "EntityAlreadyExists"
    with pytest.raises(iamsim.ValidationError):
        world.create_account("1234")


def test_entities_expose_what_aws_shows(world: iamsim.World) -> None:
    dev = world.create_account("111111111111")
    dev.create_group("Developers", path="/eng/")
    alice = dev.create_user(
        "alice", path="/eng/", groups=["Developers"], mfa=True, tags={"team": "blue"}
    )
    assert alice.arn == "arn:aws:iam::111111111111:user/eng/alice"
    assert alice.id.startswith("AIDA")
    assert len(alice.id) == 21
    assert alice.mfa_serial == "arn:aws:iam::111111111111:mfa/alice"
    assert [g.name for g in alice.groups] == ["Developers"]
    assert dict(alice.tags) == {"team": "blue"}
    role = dev.create_role("Deploy", trust_policy=TRUST_DEV, path="/ci/", max_session_duration=7200)
    assert role.arn == "arn:aws:iam::111111111111:role/ci/Deploy"
    assert role.id.startswith("AROA")
    assert role.max_session_duration == 7200
    policy = dev.create_policy("ReadAll", ALLOW_ALL, path="/shared/")
    assert policy.arn == "arn:aws:iam::111111111111:policy/shared/ReadAll"
    assert policy.default_version == "v1"
    assert world.principal(alice.arn) == alice
    assert world.principal(role.arn) == role
    with pytest.raises(iamsim.NoSuchEntity):
        world.principal("arn:aws:iam::111111111111:user/nobody")


def test_groups_are_never_principals(world: iamsim.World) -> None:
    dev = world.create_account("111111111111")
    group = dev.create_group("Developers")
    with pytest.raises(iamsim.NoSuchEntity):
        world.principal(group.arn)
    with pytest.raises(iamsim.ValidationError):
        iamsim.evaluate(group, "s3:GetObject", "arn:aws:s3:::b/k")  # type: ignore[arg-type]


def test_duplicate_names_and_unknown_references(world: iamsim.World) -> None:
    dev = world.create_account("111111111111")
    dev.create_user("alice")
    with pytest.raises(iamsim.EntityAlreadyExists):
        dev.create_user("alice")
    with pytest.raises(iamsim.NoSuchEntity):
        dev.create_user("bob", groups=["Nope"])
    with pytest.raises(iamsim.NoSuchEntity):
        dev.create_user("bob", managed_policies=["arn:aws:iam::111111111111:policy/Nope"])
    with pytest.raises(iamsim.ValidationError):
        dev.create_user("bad name!")
    with pytest.raises(iamsim.ValidationError):
        dev.create_role("R", trust_policy=TRUST_DEV, max_session_duration=100)
    with pytest.raises(iamsim.ValidationError):
        dev.create_role("R", trust_policy=TRUST_DEV, max_session_duration=43201)


def test_a_failed_change_leaves_the_world_unchanged(world: iamsim.World) -> None:
    dev = world.create_account("111111111111")
    dev.create_group("Developers")
    with pytest.raises(iamsim.PolicyError) as info:
        dev.create_user(
            "alice",
            groups=["Developers"],
            policies={"ok": ALLOW_ALL, "bad": BAD},
            boundary=ALLOW_ALL,
        )
    assert "Statement[0].Condition.StringEqulas" in str(info.value)
    assert info.value.code == "MalformedPolicyDocument"
    assert dev.users == ()
    assert dev.policies == ()  # the boundary document did not become a managed policy
    with pytest.raises(iamsim.PolicyError):
        dev.create_role(
            "R",
            trust_policy={
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRole",
                        "Resource": "*",
                        "Principal": {"AWS": "111111111111"},
                    }
                ],
            },
        )
    assert dev.roles == ()


def test_handles_reflect_the_current_state(world: iamsim.World) -> None:
    dev = world.create_account("111111111111")
    alice = dev.create_user("alice")
    same = dev.user("alice")
    alice.tag({"team": "red"})
    assert dict(same.tags) == {"team": "red"}
    alice.put_policy("own", ALLOW_ALL)
    assert list(same.inline_policies) == ["own"]
    alice.delete()
    with pytest.raises(iamsim.NoSuchEntity):
        _ = same.arn


def test_boundary_document_becomes_a_managed_policy(world: iamsim.World) -> None:
    dev = world.create_account("111111111111")
    alice = dev.create_user("alice", boundary=ALLOW_ALL)
    assert alice.boundary is not None
    assert alice.boundary.arn.startswith("arn:aws:iam::111111111111:policy/")
    assert alice.boundary in dev.policies


def test_managed_policies_cannot_cross_accounts(world: iamsim.World) -> None:
    dev = world.create_account("111111111111")
    prod = world.create_account("222222222222")
    policy = prod.create_policy("P", ALLOW_ALL)
    with pytest.raises(iamsim.NoSuchEntity):
        dev.create_user("alice", managed_policies=[policy.arn])


def test_policy_versions(world: iamsim.World) -> None:
    dev = world.create_account("111111111111")
    policy = dev.create_policy("P", ALLOW_ALL)
    version = policy.create_version(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}],
        },
        set_as_default=False,
    )
    assert version == "v2"
    assert policy.default_version == "v1"
    policy.set_default_version("v2")
    assert policy.document.statements[0].effect == "Deny"
    for _ in range(3):
        policy.create_version(ALLOW_ALL)
    with pytest.raises(iamsim.ValidationError) as info:
        policy.create_version(ALLOW_ALL)  # IAM keeps at most five versions
    assert info.value.code == "LimitExceeded"


def test_clock(world: iamsim.World) -> None:
    start = world.now
    assert start.tzinfo is not None
    world.advance(90)
    world.advance(timedelta(minutes=1))
    assert world.now - start == timedelta(seconds=150)
    with pytest.raises(iamsim.ValidationError):
        world.advance(-1)
    naive = iamsim.World(now=datetime(2026, 1, 1))
    assert naive.now.tzinfo is not None


def test_organization_structure(world: iamsim.World) -> None:
    org = world.create_organization("999999999999")
    assert org.id.startswith("o-")
    assert len(org.id) == 12
    assert org.root.id.startswith("r-")
    assert org.management_account.id == "999999999999"
    assert org.management_account.is_management_account
    workloads = org.create_ou("Workloads")
    prod_ou = org.create_ou("Prod", parent=workloads)
    assert prod_ou.parent == workloads
    account = world.create_account("111111111111", ou=prod_ou)
    assert account.parent == prod_ou
    # FullAWSAccess and RCPFullAWSAccess are attached everywhere
    for target in (org.root, workloads, prod_ou, account):
        assert [p.name for p in target.scps] == ["FullAWSAccess"]
        assert [p.name for p in target.rcps] == ["RCPFullAWSAccess"]
    assert org.policy("FullAWSAccess").id == "p-FullAWSAccess"


def test_scp_attachment_rules(world: iamsim.World) -> None:
    org = world.create_organization("999999999999")
    ou = org.create_ou("Workloads")
    # organizations/APIReference/API_DetachPolicy.html: every target keeps at least one SCP
    with pytest.raises(iamsim.ValidationError) as info:
        ou.detach_scp("FullAWSAccess")
    assert info.value.code == "ConstraintViolationException"
    allow_s3 = ou.attach_scp(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
        },
        name="AllowS3",
    )
    ou.detach_scp("FullAWSAccess")
    assert ou.scps == (allow_s3,)
    with pytest.raises(iamsim.ValidationError):
        ou.detach_rcp("RCPFullAWSAccess")  # cannot be detached
    with pytest.raises(iamsim.PolicyError):
        ou.attach_rcp(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}
                ],
            }
        )
    with pytest.raises(iamsim.EntityAlreadyExists):
        ou.attach_scp(allow_s3)
    outside = world.create_account("333333333333")
    with pytest.raises(iamsim.ValidationError):
        outside.attach_scp("AllowS3")


def test_resources(world: iamsim.World) -> None:
    prod = world.create_account("222222222222")
    bucket = prod.add_resource("arn:aws:s3:::productionapp", tags={"data": "customer"})
    assert world.resource("arn:aws:s3:::productionapp") == bucket
    assert bucket.account == prod
    with pytest.raises(iamsim.EntityAlreadyExists):
        prod.add_resource("arn:aws:s3:::productionapp")
    with pytest.raises(iamsim.ValidationError):
        prod.add_resource("arn:aws:sqs:us-east-1:111111111111:queue")  # another account's ARN
    with pytest.raises(iamsim.ValidationError):
        prod.add_resource("bucket")
    with pytest.raises(iamsim.PolicyError):
        prod.add_resource("arn:aws:s3:::other", policy=ALLOW_ALL)  # resource policy needs Principal
