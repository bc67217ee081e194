"""Importing ``aws iam get-account-authorization-details`` output into a World.

The data file tests/data/authorization-details.json follows the response shape documented at
https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
(UserDetail, GroupDetail, RoleDetail, ManagedPolicyDetail, PolicyVersion) and the CLI page
https://awscli.amazonaws.com/v2/documentation/api/latest/reference/iam/get-account-authorization-details.html
The raw API returns policy documents URL-encoded (RFC 3986); the CLI decodes them, so the file
mixes both. RoleDetail (https://docs.aws.amazon.com/IAM/latest/APIReference/API_RoleDetail.html)
does not list MaxSessionDuration; the file carries it on one role because iamsim reads it.
"""

from __future__ import annotations

import copy
import json
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

import iamsim

DATA = Path(__file__).resolve().parent.parent / "data" / "authorization-details.json"
A = "123456789012"
PARTNER = "444455556666"
EXTERNAL_ID = "4f1c9a7e-partner-audit"
READONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
SUPPORT = "arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy"
DEV_S3 = f"arn:aws:iam::{A}:policy/DeveloperS3Access"
DEV_BOUNDARY = f"arn:aws:iam::{A}:policy/boundaries/DeveloperBoundary"
DEPLOY_BOUNDARY = f"arn:aws:iam::{A}:policy/boundaries/DeployBoundary"
DEPLOY_ROLE = f"arn:aws:iam::{A}:role/automation/DeployRole"
PARTNER_ROLE = f"arn:aws:iam::{A}:role/PartnerAuditAccess"
ARTIFACT = "arn:aws:s3:::dev-artifacts/build-1234.zip"
ALLOW_ASSUME = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
}


def raw() -> dict[str, Any]:
    """A fresh copy of the file's data, to break in one place."""
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def world() -> iamsim.World:
    return iamsim.World()


@pytest.fixture
def account(world: iamsim.World) -> iamsim.Account:
    return world.load_authorization_details(DATA)


def outcome(
    principal: Any, action: str, resource: str, context: dict[str, Any] | None = None
) -> str:
    return str(iamsim.evaluate(principal, action, resource, context).outcome)


# -- what the file holds ---------------------------------------------------------------------


def test_the_file_is_one_untruncated_account() -> None:
    data = raw()
    assert data["IsTruncated"] is False
    arns = [
        e["Arn"]
        for key in ("UserDetailList", "GroupDetailList", "RoleDetailList")
        for e in data[key]
    ]
    assert {arn.split(":")[4] for arn in arns} == {A}
    encoded = [
        v["Document"]
        for p in data["Policies"]
        for v in p["PolicyVersionList"]
        if isinstance(v["Document"], str)
    ]
    assert encoded
    assert all(doc.startswith("%7B") for doc in encoded)


def test_loads_every_entity(world: iamsim.World, account: iamsim.Account) -> None:
    assert account.id == A
    assert world.accounts == (account,)
    assert [u.name for u in account.users] == ["alice", "bob", "carol", "dave", "ci-deployer"]
    assert [g.name for g in account.groups] == ["Admins", "Developers", "Auditors"]
    assert [r.name for r in account.roles] == [
        "AWSServiceRoleForSupport",
        "app-server",
        "orders-processor-role-x1y2z3ab",
        "PartnerAuditAccess",
        "DeployRole",
        "github-actions-orders",
    ]
    assert {p.name for p in account.policies} == {
        "DeveloperS3Access",
        "DeveloperBoundary",
        "DeployBoundary",
        "BillingReadOnly",
        "AppDataAccess",
        "AWSLambdaBasicExecutionRole-8f2c61d4-3b7e-4a1f-9c0d-5e6a7b8c9d01",
    }


@pytest.mark.parametrize("as_what", ["str", "path", "mapping"])
def test_accepts_a_path_or_the_parsed_data(world: iamsim.World, as_what: str) -> None:
    source: Any = {"str": str(DATA), "path": DATA, "mapping": raw()}[as_what]
    account = world.load_authorization_details(source)
    assert len(account.users) == 5


def test_paths_and_arns(account: iamsim.Account) -> None:
    bob = account.user("bob")
    assert bob.path == "/engineering/"
    assert bob.arn == f"arn:aws:iam::{A}:user/engineering/bob"
    assert account.group("Developers").path == "/engineering/"
    assert account.group("Developers").arn == f"arn:aws:iam::{A}:group/engineering/Developers"
    lam = account.role("orders-processor-role-x1y2z3ab")
    assert lam.path == "/service-role/"
    assert lam.arn == f"arn:aws:iam::{A}:role/service-role/orders-processor-role-x1y2z3ab"
    assert account.policy("DeveloperBoundary").path == "/boundaries/"
    assert account.policy("DeveloperBoundary").arn == DEV_BOUNDARY


def test_ids_come_from_the_file(world: iamsim.World, account: iamsim.Account) -> None:
    assert account.user("alice").id == "AIDAQ3EGUJ7ALICE0001"
    assert account.user("ci-deployer").id == "AIDAQ3EGUJ7CIDEPLOY5"
    assert account.role("DeployRole").id == "AROAQ3EGUJ7DEPLOY005"
    assert account.policy("DeveloperS3Access").id == "ANPAQ3EGUJ7DEVS3AC01"
    assert world.managed_policy(READONLY).id == "ANPAJ7EXAMPLEREADONL"


def test_aws_userid_is_the_users_id_from_the_file(account: iamsim.Account) -> None:
    bob = account.user("bob")
    context = iamsim.evaluate(bob, "s3:GetObject", ARTIFACT).request.context
    assert context["aws:userid"] == "AIDAQ3EGUJ7BOB000002"
    assert context["aws:username"] == "bob"
    assert context["aws:principalarn"] == f"arn:aws:iam::{A}:user/engineering/bob"


def test_tags(account: iamsim.Account) -> None:
    assert dict(account.user("alice").tags) == {"team": "platform", "cost-center": "CC-1042"}
    assert dict(account.user("ci-deployer").tags) == {"purpose": "ci", "managed-by": "terraform"}
    assert dict(account.user("bob").tags) == {}
    assert dict(account.role("DeployRole").tags) == {
        "environment": "production",
        "owner": "platform-team",
    }
    context = iamsim.evaluate(account.user("alice"), "s3:ListAllMyBuckets", "*").request.context
    assert context["aws:principaltag/cost-center"] == "CC-1042"


def test_group_membership(account: iamsim.Account) -> None:
    assert [g.name for g in account.user("dave").groups] == ["Developers", "Auditors"]
    assert [u.name for u in account.group("Developers").users] == ["bob", "dave"]
    assert [u.name for u in account.group("Auditors").users] == ["carol", "dave"]
    assert account.user("ci-deployer").groups == ()


def test_inline_and_attached_policies(world: iamsim.World, account: iamsim.Account) -> None:
    assert set(account.user("bob").inline_policies) == {"ManageOwnAccessKeys"}
    assert set(account.group("Admins").inline_policies) == {"RequireMFAForIamChanges"}
    assert set(account.role("app-server").inline_policies) == {"WriteAppLogs"}
    assert account.user("dave").managed_policies == (account.policy("BillingReadOnly"),)
    assert account.group("Developers").managed_policies == (
        account.policy("DeveloperS3Access"),
        world.managed_policy(READONLY),
    )


def test_aws_managed_policies_become_known(world: iamsim.World, account: iamsim.Account) -> None:
    admin = world.managed_policy(ADMIN)
    assert account.group("Admins").managed_policies == (admin,)
    assert admin in account.role("DeployRole").managed_policies
    readonly = world.managed_policy(READONLY)
    assert readonly.default_version == "v118"
    assert readonly in account.role("PartnerAuditAccess").managed_policies
    support = world.managed_policy(SUPPORT)
    assert support.path == "/aws-service-role/"
    assert account.role("AWSServiceRoleForSupport").managed_policies == (support,)
    # AWS managed policies belong to the world, not to the account
    assert admin not in account.policies


def test_versions_and_default_version(account: iamsim.Account) -> None:
    dev_s3 = account.policy("DeveloperS3Access")
    assert set(dev_s3.versions) == {"v1", "v2", "v3"}
    assert dev_s3.default_version == "v2"
    assert dev_s3.document == dev_s3.versions["v2"]
    assert dev_s3.document.statements[0].sid == "ArtifactsReadWrite"
    boundary = account.policy("DeveloperBoundary")
    assert (boundary.default_version, set(boundary.versions)) == ("v1", {"v1", "v2"})
    deploy = account.policy("DeployBoundary")
    assert deploy.default_version == "v2"


def test_decisions_follow_the_default_version_not_the_newest(account: iamsim.Account) -> None:
    bob = account.user("bob")
    # DeveloperS3Access v2 (default) allows PutObject on dev-artifacts
    assert outcome(bob, "s3:PutObject", ARTIFACT) == "allowed"
    # v3 (newest, not default) would allow s3:* on *; v2 does not allow DeleteObject
    assert outcome(bob, "s3:DeleteObject", ARTIFACT) == "implicitDeny"
    # the boundary's default v1 leaves out dynamodb; its newer v2 would allow everything
    decision = iamsim.evaluate(
        bob, "dynamodb:GetItem", f"arn:aws:dynamodb:us-east-1:{A}:table/orders"
    )
    assert str(decision.outcome) == "implicitDeny"
    assert decision.reason.name == "BOUNDARY_NO_ALLOW"


def test_set_default_version_changes_the_decision(account: iamsim.Account) -> None:
    bob = account.user("bob")
    account.policy("DeveloperS3Access").set_default_version("v3")
    # v3 allows s3:* on *, and bob's boundary allows s3:*
    assert outcome(bob, "s3:DeleteObject", ARTIFACT) == "allowed"


def test_next_version_follows_the_highest_in_the_file(account: iamsim.Account) -> None:
    dev_s3 = account.policy("DeveloperS3Access")
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }
    assert dev_s3.create_version(document, set_as_default=False) == "v4"


def test_boundaries(world: iamsim.World, account: iamsim.Account) -> None:
    assert account.user("bob").boundary == account.policy("DeveloperBoundary")
    assert account.role("DeployRole").boundary == world.managed_policy(DEPLOY_BOUNDARY)
    assert account.user("alice").boundary is None
    assert account.role("app-server").boundary is None


def test_roles(account: iamsim.Account) -> None:
    assert account.role("PartnerAuditAccess").max_session_duration == 14400
    # RoleDetail carries no MaxSessionDuration: the other roles get IAM's default
    assert account.role("app-server").max_session_duration == 3600
    assert account.role("AWSServiceRoleForSupport").service_linked
    assert not account.role("DeployRole").service_linked
    ec2_trust = account.role("app-server").trust_policy.to_json()
    assert ec2_trust["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    partner_trust = account.role("PartnerAuditAccess").trust_policy.to_json()["Statement"][0]
    assert partner_trust["Principal"] == {"AWS": f"arn:aws:iam::{PARTNER}:root"}
    assert partner_trust["Condition"] == {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}
    oidc = account.role("github-actions-orders").trust_policy.to_json()["Statement"][0]
    assert oidc["Action"] == "sts:AssumeRoleWithWebIdentity"


# -- decisions that follow from the file -------------------------------------------------------


def test_admin_group_decisions(account: iamsim.Account) -> None:
    alice = account.user("alice")
    user_arn = f"arn:aws:iam::{A}:user/newhire"
    # AdministratorAccess through the Admins group allows anything not denied
    assert outcome(alice, "ec2:RunInstances", f"arn:aws:ec2:us-east-1:{A}:instance/*") == "allowed"
    # Admins' inline Deny: no MFA key in the request, BoolIfExists matches
    assert outcome(alice, "iam:CreateUser", user_arn) == "explicitDeny"
    # with MFA the Deny's condition fails and AdministratorAccess allows
    assert (
        outcome(alice, "iam:CreateUser", user_arn, {"aws:MultiFactorAuthPresent": "true"})
        == "allowed"
    )
    # a role's trust policy must allow even an administrator of the same account
    assert outcome(alice, "sts:AssumeRole", f"arn:aws:iam::{A}:role/app-server") == "implicitDeny"


def test_developer_decisions(account: iamsim.Account) -> None:
    bob = account.user("bob")
    # ReadOnlyAccess (Developers) allows ec2:Describe*, and so does bob's boundary
    assert outcome(bob, "ec2:DescribeInstances", "*") == "allowed"
    # nothing grants RunInstances
    assert outcome(bob, "ec2:RunInstances", "*") == "implicitDeny"
    # the group's inline policy allows reading /dev/* log groups; the boundary allows logs:*
    logs = f"arn:aws:logs:us-east-1:{A}:log-group:/dev/orders"
    assert outcome(bob, "logs:GetLogEvents", logs) == "allowed"
    # ${aws:username} in bob's inline policy resolves to bob: his own access keys only
    assert outcome(bob, "iam:CreateAccessKey", bob.arn) == "allowed"
    assert outcome(bob, "iam:CreateAccessKey", f"arn:aws:iam::{A}:user/alice") == "implicitDeny"


def test_auditor_decisions(account: iamsim.Account) -> None:
    carol, dave = account.user("carol"), account.user("dave")
    # ReadOnlyAccess allows listing the bucket
    assert outcome(carol, "s3:ListBucket", "arn:aws:s3:::dev-artifacts") == "allowed"
    # Auditors' URL-encoded inline Deny stops object reads despite ReadOnlyAccess
    assert outcome(carol, "s3:GetObject", ARTIFACT) == "explicitDeny"
    # dave is in Developers too, but the Auditors Deny still wins over DeveloperS3Access
    assert outcome(dave, "s3:GetObject", ARTIFACT) == "explicitDeny"
    # the Deny covers reads only: Developers' PutObject still applies to dave
    assert outcome(dave, "s3:PutObject", ARTIFACT) == "allowed"
    # dave's directly attached BillingReadOnly (URL-encoded) allows Cost Explorer reads
    assert outcome(dave, "ce:GetCostAndUsage", "*") == "allowed"
    # carol has no billing policy
    assert outcome(carol, "ce:GetCostAndUsage", "*") == "implicitDeny"


def test_deploy_role_decisions(account: iamsim.Account) -> None:
    deploy = account.role("DeployRole")
    # AdministratorAccess and DeployBoundary v2 both allow lambda:*
    function = f"arn:aws:lambda:us-east-1:{A}:function:orders"
    assert outcome(deploy, "lambda:UpdateFunctionCode", function) == "allowed"
    # the boundary does not allow iam: AdministratorAccess alone is not enough
    decision = iamsim.evaluate(deploy, "iam:CreateRole", f"arn:aws:iam::{A}:role/x")
    assert (str(decision.outcome), decision.reason.name) == ("implicitDeny", "BOUNDARY_NO_ALLOW")
    # the boundary's NoTeardown Deny
    assert outcome(deploy, "s3:DeleteBucket", "arn:aws:s3:::dev-artifacts") == "explicitDeny"
    # the boundary allows parameters under the role's environment tag (production) only
    parameter = f"arn:aws:ssm:us-east-1:{A}:parameter/%s/db-url"
    assert outcome(deploy, "ssm:GetParameter", parameter % "production") == "allowed"
    assert outcome(deploy, "ssm:GetParameter", parameter % "staging") == "implicitDeny"


def test_service_role_decisions(account: iamsim.Account) -> None:
    lam = account.role("orders-processor-role-x1y2z3ab")
    # the URL-encoded inline policy allows the orders queue
    assert outcome(lam, "sqs:ReceiveMessage", f"arn:aws:sqs:us-east-1:{A}:orders") == "allowed"
    # the /service-role/ customer managed policy allows writing its log stream
    stream = (
        f"arn:aws:logs:us-east-1:{A}:log-group:/aws/lambda/orders-processor:log-stream:2026/01/15/x"
    )
    assert outcome(lam, "logs:PutLogEvents", stream) == "allowed"
    # PutItem only: no DeleteItem on the table
    table = f"arn:aws:dynamodb:us-east-1:{A}:table/orders"
    assert outcome(lam, "dynamodb:DeleteItem", table) == "implicitDeny"
    # the EC2 role's AppDataAccess (path /application/) allows GetItem on the table
    assert outcome(account.role("app-server"), "dynamodb:GetItem", table) == "allowed"
    # the service-linked role's AWS managed policy (path /aws-service-role/) allows support:*
    assert (
        outcome(account.role("AWSServiceRoleForSupport"), "support:DescribeCases", "*") == "allowed"
    )


def test_assume_role_decisions(account: iamsim.Account) -> None:
    # DeployRole's trust names ci-deployer, whose URL-encoded inline policy allows it
    assert outcome(account.user("ci-deployer"), "sts:AssumeRole", DEPLOY_ROLE) == "allowed"
    # the trust does not name bob, and his policies do not allow sts:AssumeRole either
    assert outcome(account.user("bob"), "sts:AssumeRole", DEPLOY_ROLE) == "implicitDeny"


def test_cross_account_trust_needs_the_external_id(
    world: iamsim.World, account: iamsim.Account
) -> None:
    partner = world.create_account(PARTNER).create_user(
        "auditor", policies={"assume": ALLOW_ASSUME}
    )
    stranger = world.create_account("555555555555").create_user(
        "x", policies={"assume": ALLOW_ASSUME}
    )
    # the trust trusts account 444455556666 when sts:ExternalId matches
    assert (
        outcome(partner, "sts:AssumeRole", PARTNER_ROLE, {"sts:ExternalId": EXTERNAL_ID})
        == "allowed"
    )
    # a wrong external ID fails the StringEquals condition
    assert (
        outcome(partner, "sts:AssumeRole", PARTNER_ROLE, {"sts:ExternalId": "guess"})
        == "implicitDeny"
    )
    # no external ID at all: StringEquals on a missing key does not match
    assert outcome(partner, "sts:AssumeRole", PARTNER_ROLE) == "implicitDeny"
    # another account is not trusted, whatever ExternalId it sends
    assert (
        outcome(stranger, "sts:AssumeRole", PARTNER_ROLE, {"sts:ExternalId": EXTERNAL_ID})
        == "implicitDeny"
    )
    # once assumed, the role reads (ReadOnlyAccess) but does not write
    assert outcome(account.role("PartnerAuditAccess"), "s3:ListAllMyBuckets", "*") == "allowed"
    assert outcome(account.role("PartnerAuditAccess"), "s3:PutObject", ARTIFACT) == "implicitDeny"


# -- URL-encoded and decoded documents ------------------------------------------------------


def _documents(data: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    """Every (holder, key) of a policy document in the data."""
    out = []
    for user in data["UserDetailList"]:
        out += [(p, "PolicyDocument") for p in user.get("UserPolicyList", [])]
    for group in data["GroupDetailList"]:
        out += [(p, "PolicyDocument") for p in group.get("GroupPolicyList", [])]
    for role in data["RoleDetailList"]:
        out.append((role, "AssumeRolePolicyDocument"))
        out += [(p, "PolicyDocument") for p in role.get("RolePolicyList", [])]
    for policy in data["Policies"]:
        out += [(v, "Document") for v in policy["PolicyVersionList"]]
    return out


def _decoded(value: Any) -> Any:
    return json.loads(urllib.parse.unquote(value)) if isinstance(value, str) else value


def _rewrite(style: str) -> dict[str, Any]:
    data = raw()
    for holder, key in _documents(data):
        document = _decoded(holder[key])
        if style == "encoded":
            holder[key] = urllib.parse.quote(json.dumps(document), safe="")
        elif style == "decoded":
            holder[key] = document
        elif style == "json-text":
            holder[key] = json.dumps(document, indent=2)
    return data


def test_the_file_mixes_encoded_and_decoded_documents() -> None:
    kinds = {type(holder[key]) for holder, key in _documents(raw())}
    assert kinds == {str, dict}


@pytest.mark.parametrize("style", ["encoded", "decoded", "json-text"])
def test_encoded_and_decoded_documents_load_the_same(account: iamsim.Account, style: str) -> None:
    other = iamsim.World().load_authorization_details(_rewrite(style))
    for kind in ("users", "groups", "roles"):
        for mine, theirs in zip(getattr(account, kind), getattr(other, kind), strict=True):
            assert dict(mine.inline_policies) == dict(theirs.inline_policies)
    for mine_role, their_role in zip(account.roles, other.roles, strict=True):
        assert mine_role.trust_policy == their_role.trust_policy
    for policy in account.policies:
        assert dict(policy.versions) == dict(other.policy(policy.name).versions)
    # decisions resting on documents that are URL-encoded in the file
    assert outcome(other.user("carol"), "s3:GetObject", ARTIFACT) == "explicitDeny"
    assert outcome(other.user("dave"), "ce:GetCostAndUsage", "*") == "allowed"
    assert outcome(other.user("bob"), "s3:PutObject", ARTIFACT) == "allowed"
    assert outcome(other.user("ci-deployer"), "sts:AssumeRole", DEPLOY_ROLE) == "allowed"


# -- errors: named, and the world left as it was -----------------------------------------------


@pytest.fixture
def busy_world() -> iamsim.World:
    """A world that already holds another account, to check a failed load leaves it be."""
    world = iamsim.World()
    world.create_account("111111111111").create_user("existing")
    return world


def _state(world: iamsim.World) -> tuple[Any, ...]:
    return (
        world.accounts,
        tuple(u.name for a in world.accounts for u in a.users),
        tuple(p.arn for a in world.accounts for p in a.policies),
    )


def _unknown_group(data: dict[str, Any]) -> None:
    data["UserDetailList"][2]["GroupList"] = ["Auditors", "Contractors"]


def _bad_inline(data: dict[str, Any]) -> None:
    statement = data["RoleDetailList"][4]["RolePolicyList"][0]["PolicyDocument"]["Statement"][0]
    statement["Condition"] = {"StringEqulas": {"aws:PrincipalTag/environment": "production"}}


def _bad_encoded(data: dict[str, Any]) -> None:
    text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Alow", "Action": "s3:*", "Resource": "*"}\n  ]\n}'
    data["GroupDetailList"][2]["GroupPolicyList"][0]["PolicyDocument"] = urllib.parse.quote(
        text, safe=""
    )


def _bad_version(data: dict[str, Any]) -> None:
    newest = data["Policies"][0]["PolicyVersionList"][0]
    assert newest["VersionId"] == "v3"
    newest["Document"]["Statement"][0]["Condition"] = {"StringEqulas": {"s3:prefix": "x"}}


def _bad_last_trust(data: dict[str, Any]) -> None:
    data["RoleDetailList"][-1]["AssumeRolePolicyDocument"] = "%7B%22Version%22%3A"


def _missing_default(data: dict[str, Any]) -> None:
    data["Policies"][1]["DefaultVersionId"] = "v7"


def _truncated(data: dict[str, Any]) -> None:
    data["IsTruncated"] = True
    data["Marker"] = "AAEAAYExampleMarker"


def _unknown_boundary(data: dict[str, Any]) -> None:
    data["Policies"] = [p for p in data["Policies"] if p["PolicyName"] != "DeveloperBoundary"]


def _duplicate_user(data: dict[str, Any]) -> None:
    data["UserDetailList"].append(copy.deepcopy(data["UserDetailList"][0]))


def _two_accounts(data: dict[str, Any]) -> None:
    data["UserDetailList"][3]["Arn"] = "arn:aws:iam::999999999999:user/dave"


def _bad_session_duration(data: dict[str, Any]) -> None:
    data["RoleDetailList"][3]["MaxSessionDuration"] = 60


@pytest.mark.parametrize(
    ("breaks", "where", "problem"),
    [
        (_unknown_group, "user carol", "the group with name Contractors cannot be found"),
        (_bad_inline, "role DeployRole", "Statement[0].Condition.StringEqulas"),
        (_bad_encoded, "group Auditors", "Statement[0].Effect (line 4, column"),
        (_bad_version, f"policy {DEV_S3}", "v3: malformed policy document"),
        (_bad_last_trust, "role github-actions-orders", "trust policy: malformed policy document"),
        (
            _missing_default,
            f"policy {DEV_BOUNDARY}",
            "default version v7 is not in PolicyVersionList",
        ),
        (_truncated, "top level", "truncated (IsTruncated)"),
        (_unknown_boundary, "user bob", f"policy {DEV_BOUNDARY} does not exist"),
        (_duplicate_user, "user alice", "already exists"),
        (_two_accounts, "top level", "found accounts: 123456789012, 999999999999"),
        (_bad_session_duration, "role PartnerAuditAccess", "between 3600 and 43200"),
    ],
)
def test_errors_name_the_entity_and_leave_the_world_unchanged(
    busy_world: iamsim.World, breaks: Any, where: str, problem: str
) -> None:
    data = raw()
    breaks(data)
    before = _state(busy_world)
    with pytest.raises(iamsim.LoadError) as info:
        busy_world.load_authorization_details(data)
    message = str(info.value)
    assert message.startswith(f"<authorization details>: {where}: "), message
    assert problem in message
    assert isinstance(info.value, iamsim.IamSimError)
    assert _state(busy_world) == before
    with pytest.raises(iamsim.NoSuchEntity):
        busy_world.account(A)
    with pytest.raises(iamsim.NoSuchEntity):
        busy_world.managed_policy(READONLY)  # AWS managed policies are rolled back too
    # the world still works, and a correct load succeeds afterwards
    assert busy_world.load_authorization_details(raw()).user("alice").id == "AIDAQ3EGUJ7ALICE0001"


def test_error_codes(world: iamsim.World) -> None:
    data = raw()
    _bad_inline(data)
    with pytest.raises(iamsim.LoadError) as info:
        world.load_authorization_details(data)
    assert info.value.code == "MalformedPolicyDocument"
    data = raw()
    _unknown_group(data)
    with pytest.raises(iamsim.LoadError) as info:
        world.load_authorization_details(data)
    assert info.value.code == "NoSuchEntity"


def test_a_failed_load_into_an_existing_empty_account_leaves_it_empty(world: iamsim.World) -> None:
    existing = world.create_account(A, alias="production")
    data = raw()
    _bad_last_trust(data)
    with pytest.raises(iamsim.LoadError):
        world.load_authorization_details(data)
    assert world.accounts == (existing,)
    assert (existing.users, existing.groups, existing.roles, existing.policies) == ((), (), (), ())
    assert existing.alias == "production"
    # loading the good file then fills the same account
    assert world.load_authorization_details(DATA) == existing
    assert len(existing.users) == 5


def test_an_account_that_holds_entities_is_not_overwritten(world: iamsim.World) -> None:
    world.create_account(A).create_user("zed")
    with pytest.raises(iamsim.LoadError, match=f"account {A} already holds IAM entities"):
        world.load_authorization_details(DATA)
    assert [u.name for u in world.account(A).users] == ["zed"]


def test_file_errors_name_the_file(world: iamsim.World, tmp_path: Path) -> None:
    data = raw()
    _unknown_group(data)
    path = tmp_path / "details.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(iamsim.LoadError) as info:
        world.load_authorization_details(path)
    assert str(info.value).startswith(f"{path}: user carol: ")
    path.write_text('{"UserDetailList": [', encoding="utf-8")
    with pytest.raises(iamsim.LoadError, match="not valid JSON"):
        world.load_authorization_details(path)
    with pytest.raises(iamsim.LoadError, match="cannot read"):
        world.load_authorization_details(tmp_path / "missing.json")
    assert world.accounts == ()


@pytest.mark.parametrize(("key", "index"), [("UserDetailList", 0), ("RoleDetailList", 1)])
def test_a_user_or_role_arn_that_disagrees_with_its_path_is_an_error(
    world: iamsim.World, key: str, index: int
) -> None:
    data = raw()
    data[key][index]["Path"] = "/moved/"  # the Arn in the file still has path /
    with pytest.raises(iamsim.LoadError, match="does not match"):
        world.load_authorization_details(data)
