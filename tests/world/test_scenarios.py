"""Scenarios over a world: each policy source and their combinations, decided by evaluate().

DOC = https://docs.aws.amazon.com/IAM/latest/UserGuide/ ; ORG = https://docs.aws.amazon.com/organizations/latest/userguide/
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

import iamsim

V = "2012-10-17"
ORG_ID = "o-exampleorg1"


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": V, "Statement": list(statements)}


def allow(action: Any = "*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return doc({"Effect": "Allow", "Action": action, "Resource": resource, **extra})


def deny(action: Any = "*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return doc({"Effect": "Deny", "Action": action, "Resource": resource, **extra})


def outcome(
    principal: Any, action: str, resource: str, context: dict[str, Any] | None = None
) -> str:
    return str(iamsim.evaluate(principal, action, resource, context).outcome)


@pytest.fixture
def world() -> iamsim.World:
    world = iamsim.World(now=datetime(2026, 1, 15, 9, 0, tzinfo=UTC))
    org = world.create_organization("999999999999", org_id=ORG_ID)
    workloads = org.create_ou("Workloads")
    world.create_account("111111111111", alias="development", ou=workloads)
    world.create_account("222222222222", alias="production", ou=workloads)
    world.create_account("333333333333", alias="partner")  # outside the organization
    return world


# DOC reference_policies_evaluation-logic_policy-eval-denyallow.html: a Deny in any policy wins
def test_group_deny_beats_user_allow(world: iamsim.World) -> None:
    dev = world.account("development")
    dev.create_group("NoDelete", policies={"deny": deny("s3:DeleteObject")})
    alice = dev.create_user("alice", groups=["NoDelete"], policies={"own": allow("s3:*")})
    assert outcome(alice, "s3:GetObject", "arn:aws:s3:::devbucket/a") == "allowed"
    decision = iamsim.evaluate(alice, "s3:DeleteObject", "arn:aws:s3:::devbucket/a")
    assert str(decision.outcome) == "explicitDeny"
    assert decision.determining_statements[0].policy_name == "group NoDelete inline 'deny'"


def test_group_managed_policy_grants(world: iamsim.World) -> None:
    dev = world.account("development")
    read = dev.create_policy("Read", allow("s3:Get*"))
    dev.create_group("Readers", managed_policies=[read.arn])
    bob = dev.create_user("bob", groups=["Readers"])
    decision = iamsim.evaluate(bob, "s3:GetObject", "arn:aws:s3:::devbucket/a")
    assert decision.allowed
    assert decision.determining_statements[0].policy_name == f"group Readers managed {read.arn}"


# DOC access_policies_boundaries.html
def test_boundary_caps_a_user(world: iamsim.World) -> None:
    dev = world.account("development")
    alice = dev.create_user("alice", policies={"admin": allow()}, boundary=allow(["s3:*", "ec2:*"]))
    assert outcome(alice, "s3:GetObject", "arn:aws:s3:::devbucket/a") == "allowed"
    assert outcome(alice, "iam:CreateUser", "arn:aws:iam::111111111111:user/x") == "implicitDeny"


# ORG orgs_manage_policies_scps.html (deny list strategy)
def test_scp_deny_list(world: iamsim.World) -> None:
    org = world.organization
    assert org is not None
    org.ou("Workloads").attach_scp(
        deny("ec2:*", Condition={"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}),
        name="EuOnly",
    )
    dev = world.account("development")
    admin = dev.create_user("admin", policies={"all": allow()})
    instance = "arn:aws:ec2:eu-west-1:111111111111:instance/i-1"
    assert (
        outcome(admin, "ec2:StartInstances", instance, {"aws:RequestedRegion": "eu-west-1"})
        == "allowed"
    )
    decision = iamsim.evaluate(
        admin, "ec2:StartInstances", instance, {"aws:RequestedRegion": "us-east-1"}
    )
    assert str(decision.outcome) == "explicitDeny"
    assert "SCP EuOnly on OU Workloads" in decision.explain()


# ORG orgs_manage_policies_inheritance_auth.html (allow list strategy: every level must allow)
def test_scp_allow_list(world: iamsim.World) -> None:
    org = world.organization
    assert org is not None
    workloads = org.ou("Workloads")
    workloads.attach_scp(allow(["s3:*", "sts:*"]), name="AllowS3")
    workloads.detach_scp("FullAWSAccess")
    admin = world.account("production").create_user("admin", policies={"all": allow()})
    assert outcome(admin, "s3:GetObject", "arn:aws:s3:::prodbucket/a") == "allowed"
    decision = iamsim.evaluate(
        admin, "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:222222222222:table/T"
    )
    assert str(decision.outcome) == "implicitDeny"
    assert decision.reason is iamsim.decision.Reason.SCP_NO_ALLOW


# ORG orgs_manage_policies_scps.html: SCPs do not affect the management account
def test_scps_skip_the_management_account(world: iamsim.World) -> None:
    org = world.organization
    assert org is not None
    org.root.attach_scp(deny("s3:*"), name="NoS3")
    boss = org.management_account.create_user("boss", policies={"all": allow()})
    assert outcome(boss, "s3:GetObject", "arn:aws:s3:::mgmtbucket/a") == "allowed"
    member = world.account("development").create_user("member", policies={"all": allow()})
    assert outcome(member, "s3:GetObject", "arn:aws:s3:::devbucket/a") == "explicitDeny"


# DOC reference_policies_evaluation-logic_policy-eval-reqcontext.html: service-linked roles are exempt
def test_scps_skip_service_linked_roles(world: iamsim.World) -> None:
    org = world.organization
    assert org is not None
    org.root.attach_scp(deny("s3:*"), name="NoS3")
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"Service": "elasticmapreduce.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    )
    dev = world.account("development")
    linked = dev.create_role(
        "AWSServiceRoleForEMR",
        path="/aws-service-role/",
        trust_policy=trust,
        policies={"p": allow("s3:*")},
    )
    assert linked.service_linked
    assert outcome(linked, "s3:GetObject", "arn:aws:s3:::devbucket/a") == "allowed"


# ORG orgs_manage_policies_rcps.html: RCPs restrict access to member accounts' resources
def test_rcp_denies_principals_outside_the_organization(world: iamsim.World) -> None:
    org = world.organization
    assert org is not None
    org.root.attach_rcp(
        doc(
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": "*",
                "Condition": {
                    "StringNotEqualsIfExists": {"aws:PrincipalOrgID": ORG_ID},
                    "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
                },
            }
        ),
        name="OrgOnly",
    )
    prod = world.account("production")
    prod.add_resource(
        "arn:aws:s3:::shared",
        policy=doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": ["333333333333", "111111111111"]},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::shared/*",
            }
        ),
    )
    partner = world.account("partner").create_user("p", policies={"all": allow()})
    dev_user = world.account("development").create_user("d", policies={"all": allow()})
    decision = iamsim.evaluate(partner, "s3:GetObject", "arn:aws:s3:::shared/report.csv")
    assert str(decision.outcome) == "explicitDeny"
    assert "RCP OrgOnly on root" in decision.explain()
    assert outcome(dev_user, "s3:GetObject", "arn:aws:s3:::shared/report.csv") == "allowed"


# DOC reference_policies_evaluation-logic_policy-eval-basics.html: same account, resource grant alone
def test_same_account_resource_grant_alone(world: iamsim.World) -> None:
    prod = world.account("production")
    carol = prod.create_user("carol")
    prod.add_resource(
        "arn:aws:s3:::carol-bucket",
        policy=doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": carol.arn},
                "Action": "s3:*",
                "Resource": ["arn:aws:s3:::carol-bucket", "arn:aws:s3:::carol-bucket/*"],
            }
        ),
    )
    decision = iamsim.evaluate(carol, "s3:PutObject", "arn:aws:s3:::carol-bucket/notes.txt")
    assert decision.allowed
    assert decision.reason is iamsim.decision.Reason.RESOURCE_DIRECT
    assert (
        decision.determining_statements[0].policy_name
        == "resource policy of arn:aws:s3:::carol-bucket"
    )


# DOC reference_policies_evaluation-logic-cross-account.html
def test_cross_account_needs_both_sides(world: iamsim.World) -> None:
    dev = world.account("development")
    prod = world.account("production")
    carlos = dev.create_user(
        "carlos", policies={"s3": allow("s3:GetObject", "arn:aws:s3:::production/*")}
    )
    nobody = dev.create_user("nobody")
    prod.add_resource(
        "arn:aws:s3:::production",
        policy=doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "111111111111"},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::production/*",
            }
        ),
    )
    prod.add_resource("arn:aws:s3:::private")
    assert outcome(carlos, "s3:GetObject", "arn:aws:s3:::production/report.csv") == "allowed"
    assert outcome(nobody, "s3:GetObject", "arn:aws:s3:::production/report.csv") == "implicitDeny"
    carlos.put_policy("private", allow("s3:GetObject", "arn:aws:s3:::private/*"))
    decision = iamsim.evaluate(carlos, "s3:GetObject", "arn:aws:s3:::private/x")
    assert decision.reason is iamsim.decision.Reason.CROSS_ACCOUNT_NO_RESOURCE_ALLOW


def test_s3_objects_belong_to_their_bucket(world: iamsim.World) -> None:
    prod = world.account("production")
    prod.add_resource("arn:aws:s3:::prodbucket", tags={"data": "customer"})
    dev_user = world.account("development").create_user("d", policies={"all": allow()})
    decision = iamsim.evaluate(dev_user, "s3:GetObject", "arn:aws:s3:::prodbucket/x.csv")
    assert decision.request.resource_account == "222222222222"
    assert decision.reason is iamsim.decision.Reason.CROSS_ACCOUNT_NO_RESOURCE_ALLOW
    assert decision.request.context["aws:resourcetag/data"] == "customer"


def test_unknown_bucket_is_the_callers_own(world: iamsim.World) -> None:
    alice = world.account("development").create_user("alice", policies={"all": allow()})
    decision = iamsim.evaluate(alice, "s3:GetObject", "arn:aws:s3:::not-added/x")
    assert decision.allowed
    assert decision.request.resource_account == "111111111111"
    assert any("caller's account" in note for note in decision.notes)


# DOC id_roles_use_permissions-to-switch.html: the trust policy is the role's resource policy
def test_trust_policy_for_assume_role(world: iamsim.World) -> None:
    dev = world.account("development")
    prod = world.account("production")
    dev.create_group(
        "Developers",
        policies={"assume": allow("sts:AssumeRole", "arn:aws:iam::222222222222:role/UpdateApp")},
    )
    alice = dev.create_user("alice", groups=["Developers"])
    bob = dev.create_user("bob")
    role = prod.create_role(
        "UpdateApp",
        trust_policy=doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
                "Action": "sts:AssumeRole",
            }
        ),
    )
    assert outcome(alice, "sts:AssumeRole", role.arn) == "allowed"
    assert outcome(bob, "sts:AssumeRole", role.arn) == "implicitDeny"
    partner = world.account("partner").create_user("p", policies={"all": allow()})
    assert outcome(partner, "sts:AssumeRole", role.arn) == "implicitDeny"


def test_changes_invalidate_cached_decisions(world: iamsim.World) -> None:
    dev = world.account("development")
    policy = dev.create_policy("P", allow("s3:GetObject"))
    alice = dev.create_user("alice", managed_policies=[policy.arn])
    bucket = "arn:aws:s3:::devbucket/a"
    assert outcome(alice, "s3:GetObject", bucket) == "allowed"
    policy.create_version(allow("s3:PutObject"))
    assert outcome(alice, "s3:GetObject", bucket) == "implicitDeny"
    policy.set_default_version("v1")
    assert outcome(alice, "s3:GetObject", bucket) == "allowed"
    alice.put_policy("deny", deny("s3:GetObject"))
    assert outcome(alice, "s3:GetObject", bucket) == "explicitDeny"
    alice.delete_policy("deny")
    alice.detach_policy(policy.arn)
    assert outcome(alice, "s3:GetObject", bucket) == "implicitDeny"


def test_evaluate_by_arn_needs_the_world(world: iamsim.World) -> None:
    alice = world.account("development").create_user("alice", policies={"all": allow()})
    assert iamsim.evaluate(alice.arn, "s3:GetObject", "arn:aws:s3:::b/k", world=world).allowed
    with pytest.raises(iamsim.ValidationError):
        iamsim.evaluate(alice.arn, "s3:GetObject", "arn:aws:s3:::b/k")
    with pytest.raises(iamsim.NoSuchEntity):
        iamsim.evaluate(
            "arn:aws:iam::111111111111:user/nobody", "s3:GetObject", "arn:aws:s3:::b/k", world=world
        )


def test_clock_drives_aws_currenttime(world: iamsim.World) -> None:
    until = allow(
        "s3:GetObject", Condition={"DateLessThan": {"aws:CurrentTime": "2026-01-15T10:00:00Z"}}
    )
    alice = world.account("development").create_user("alice", policies={"until": until})
    assert outcome(alice, "s3:GetObject", "arn:aws:s3:::b/k") == "allowed"
    world.advance(3600)
    assert outcome(alice, "s3:GetObject", "arn:aws:s3:::b/k") == "implicitDeny"
