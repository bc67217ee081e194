"""assume_role: what STS checks, what the session is, and what it can do.

STS = https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
DOC = https://docs.aws.amazon.com/IAM/latest/UserGuide/
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

import iamsim
from iamsim.decision import Reason

from .conftest import BUCKET, UPDATE_APP, allow, doc


def test_the_session(world: iamsim.World, alice: iamsim.User) -> None:
    session = iamsim.assume_role(alice, UPDATE_APP, session_name="alice")
    # STS: AssumedRoleUser.Arn and AssumedRoleId include the RoleSessionName
    assert session.arn == "arn:aws:sts::222222222222:assumed-role/UpdateApp/alice"
    assert session.assumed_role_id == f"{session.role.id}:alice"
    assert re.fullmatch(r"ASIA[A-Z2-7]{16}", session.credentials.access_key_id)
    assert len(session.credentials.secret_access_key) == 40
    assert session.credentials.session_token
    assert session.credentials.expiration == world.now + timedelta(seconds=3600)
    assert session.caller == alice
    assert not session.chained


def test_the_session_can_do_only_what_the_role_allows(
    world: iamsim.World, alice: iamsim.User
) -> None:
    session = iamsim.assume_role(alice, UPDATE_APP, session_name="alice")
    assert iamsim.evaluate(session, "s3:PutObject", f"{BUCKET}/app.zip").allowed
    assert not iamsim.evaluate(session, "s3:PutObject", "arn:aws:s3:::otherbucket/app.zip").allowed
    # DOC id_roles_use.html: the caller's own permissions play no part in the session
    assert iamsim.evaluate(alice, "s3:PutObject", "arn:aws:s3:::devbucket/x").allowed
    assert not iamsim.evaluate(session, "s3:PutObject", "arn:aws:s3:::devbucket/x").allowed


def test_the_callers_identity_policy_must_allow(world: iamsim.World, bob: iamsim.User) -> None:
    # DOC id_roles_use_permissions-to-switch.html: a cross-account caller needs its own Allow
    with pytest.raises(iamsim.AccessDenied) as info:
        iamsim.assume_role(bob, UPDATE_APP, session_name="bob")
    assert info.value.code == "AccessDenied"
    assert info.value.decision is not None
    assert info.value.decision.reason is Reason.NO_IDENTITY_ALLOW
    assert "is not authorized to perform: sts:AssumeRole" in str(info.value)


def test_the_trust_policy_must_allow(world: iamsim.World) -> None:
    partner = world.account("partner").create_user("p", policies={"all": allow("sts:AssumeRole")})
    with pytest.raises(iamsim.AccessDenied) as info:
        iamsim.assume_role(partner, UPDATE_APP, session_name="partner")
    assert info.value.decision is not None
    assert info.value.decision.reason is Reason.RESOURCE_POLICY_REQUIRED


def test_unknown_role_is_access_denied(alice: iamsim.User) -> None:
    with pytest.raises(iamsim.AccessDenied):
        iamsim.assume_role(alice, "arn:aws:iam::222222222222:role/Nope", session_name="alice")


def trust_with(
    world: iamsim.World, condition: dict[str, object], *, actions: object = "sts:AssumeRole"
) -> None:
    world.account("production").role("UpdateApp").update_trust_policy(
        doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "111111111111"},
                "Action": actions,
                "Condition": condition,
            }
        )
    )


def test_external_id(world: iamsim.World, alice: iamsim.User) -> None:
    # DOC id_roles_create_for-user_externalid.html
    trust_with(world, {"StringEquals": {"sts:ExternalId": "Example987"}})
    with pytest.raises(iamsim.AccessDenied) as info:
        iamsim.assume_role(alice, UPDATE_APP, session_name="ses-a")
    assert info.value.decision is not None
    assert "sts:ExternalId" in info.value.decision.missing_context_keys
    with pytest.raises(iamsim.AccessDenied):
        iamsim.assume_role(alice, UPDATE_APP, session_name="ses-a", external_id="Wrong123")
    iamsim.assume_role(alice, UPDATE_APP, session_name="ses-a", external_id="Example987")


def test_mfa(world: iamsim.World, alice: iamsim.User, bob: iamsim.User) -> None:
    # DOC id_credentials_mfa_configure-api-require.html
    trust_with(world, {"Bool": {"aws:MultiFactorAuthPresent": "true"}})
    with pytest.raises(iamsim.AccessDenied):
        iamsim.assume_role(alice, UPDATE_APP, session_name="ses-a")
    session = iamsim.assume_role(
        alice, UPDATE_APP, session_name="ses-a", serial_number=alice.mfa_serial, token_code="123456"
    )
    assert session.mfa_authenticated
    # DOC id_credentials_mfa_configure-api-require.html: "The temporary credentials returned by
    # AssumeRole do not include MFA information in the context" (MFA is checked at assume time)
    context = iamsim.evaluate(session, "s3:GetObject", f"{BUCKET}/x").request.context
    assert context["aws:multifactorauthpresent"] == "false"
    assert "aws:multifactorauthage" not in context
    with pytest.raises(iamsim.AccessDenied):  # a device that is not the caller's
        iamsim.assume_role(
            alice,
            UPDATE_APP,
            session_name="ses-a",
            serial_number=bob.mfa_serial,
            token_code="123456",
        )
    with pytest.raises(iamsim.ValidationError):
        iamsim.assume_role(
            alice,
            UPDATE_APP,
            session_name="ses-a",
            serial_number=alice.mfa_serial,
            token_code="12345",
        )
    with pytest.raises(iamsim.ValidationError):
        iamsim.assume_role(alice, UPDATE_APP, session_name="ses-a", serial_number=alice.mfa_serial)


def test_session_without_mfa_says_so(alice: iamsim.User) -> None:
    session = iamsim.assume_role(alice, UPDATE_APP, session_name="ses-a")
    context = iamsim.evaluate(session, "s3:GetObject", f"{BUCKET}/x").request.context
    assert context["aws:multifactorauthpresent"] == "false"
    assert "aws:multifactorauthage" not in context
    assert context["aws:userid"] == session.assumed_role_id
    assert context["aws:principalarn"] == UPDATE_APP
    assert context["aws:tokenissuetime"] == "2026-01-15T09:00:00Z"


@pytest.mark.parametrize("name", ["a", "x" * 65, "has space", "bad/slash", ""])
def test_session_name_rules(alice: iamsim.User, name: str) -> None:
    with pytest.raises(iamsim.ValidationError):
        iamsim.assume_role(alice, UPDATE_APP, session_name=name)


def test_session_name_condition(world: iamsim.World, alice: iamsim.User) -> None:
    # reference_policies_iam-condition-keys.html#ck_rolesessionname
    trust_with(world, {"StringLike": {"sts:RoleSessionName": "${aws:username}"}})
    iamsim.assume_role(alice, UPDATE_APP, session_name="alice")
    with pytest.raises(iamsim.AccessDenied):
        iamsim.assume_role(alice, UPDATE_APP, session_name="mallory")


@pytest.mark.parametrize("seconds", [899, 43201, "3600", True])
def test_duration_limits(alice: iamsim.User, seconds: object) -> None:
    with pytest.raises(iamsim.ValidationError):
        iamsim.assume_role(alice, UPDATE_APP, session_name="ses-a", duration_seconds=seconds)  # type: ignore[arg-type]


def test_duration_above_the_roles_maximum(world: iamsim.World, alice: iamsim.User) -> None:
    with pytest.raises(iamsim.ValidationError) as info:
        iamsim.assume_role(alice, UPDATE_APP, session_name="ses-a", duration_seconds=7200)
    assert "MaxSessionDuration" in str(info.value)
    session = iamsim.assume_role(alice, UPDATE_APP, session_name="ses-a", duration_seconds=900)
    assert session.expiration - world.now == timedelta(seconds=900)


def test_role_chaining_is_capped_at_one_hour(world: iamsim.World, alice: iamsim.User) -> None:
    prod = world.account("production")
    prod.create_role(
        "Next",
        max_session_duration=43200,
        trust_policy=doc(
            {"Effect": "Allow", "Principal": {"AWS": UPDATE_APP}, "Action": "sts:AssumeRole"}
        ),
    )
    prod.role("UpdateApp").put_policy(
        "chain", allow("sts:AssumeRole", "arn:aws:iam::222222222222:role/Next")
    )
    first = iamsim.assume_role(alice, UPDATE_APP, session_name="ses-a")
    with pytest.raises(iamsim.ValidationError) as info:
        iamsim.assume_role(
            first,
            "arn:aws:iam::222222222222:role/Next",
            session_name="ses-b",
            duration_seconds=7200,
        )
    assert "1 hour session limit for roles assumed by role chaining" in str(info.value)
    second = iamsim.assume_role(first, "arn:aws:iam::222222222222:role/Next", session_name="ses-b")
    assert second.chained
    assert second.caller is first


def test_session_policies_only_restrict(alice: iamsim.User, world: iamsim.World) -> None:
    # DOC access_policies.html#policies_session
    session = iamsim.assume_role(
        alice, UPDATE_APP, session_name="ses-a", policy=allow("s3:GetObject", f"{BUCKET}/*")
    )
    assert iamsim.evaluate(session, "s3:GetObject", f"{BUCKET}/x").allowed
    decision = iamsim.evaluate(session, "s3:PutObject", f"{BUCKET}/x")
    assert decision.reason is Reason.SESSION_NO_ALLOW
    broad = iamsim.assume_role(alice, UPDATE_APP, session_name="ses-a", policy=allow("*"))
    assert not iamsim.evaluate(broad, "ec2:StartInstances", "*").allowed  # never beyond the role
    managed = world.account("production").create_policy("OnlyList", allow("s3:ListBucket"))
    listed = iamsim.assume_role(alice, UPDATE_APP, session_name="ses-a", policy_arns=[managed.arn])
    assert iamsim.evaluate(listed, "s3:ListBucket", BUCKET).allowed
    assert not iamsim.evaluate(listed, "s3:GetObject", f"{BUCKET}/x").allowed


def test_bad_session_policies(alice: iamsim.User) -> None:
    with pytest.raises(iamsim.PolicyError):
        iamsim.assume_role(
            alice,
            UPDATE_APP,
            session_name="ses-a",
            policy={"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]},
        )
    big = doc(
        *[{"Effect": "Allow", "Action": f"s3:GetObject{i}", "Resource": "*"} for i in range(60)]
    )
    with pytest.raises(iamsim.ValidationError) as info:
        iamsim.assume_role(alice, UPDATE_APP, session_name="ses-a", policy=big)
    assert info.value.code == "PackedPolicyTooLarge"
    with pytest.raises(iamsim.ValidationError):
        iamsim.assume_role(
            alice,
            UPDATE_APP,
            session_name="ses-a",
            policy_arns=[f"arn:aws:iam::222222222222:policy/p{i}" for i in range(11)],
        )


def test_session_tags(world: iamsim.World, alice: iamsim.User) -> None:
    # DOC id_session-tags.html: passing tags needs sts:TagSession from the caller and the trust
    with pytest.raises(iamsim.AccessDenied):
        iamsim.assume_role(alice, UPDATE_APP, session_name="ses-a", tags={"env": "dev"})
    trust_with(
        world,
        {"StringEquals": {"aws:PrincipalAccount": "111111111111"}},
        actions=["sts:AssumeRole", "sts:TagSession"],
    )
    with pytest.raises(iamsim.AccessDenied):  # alice's group allows only sts:AssumeRole
        iamsim.assume_role(alice, UPDATE_APP, session_name="ses-a", tags={"env": "dev"})
    alice.put_policy("tag", allow("sts:TagSession", UPDATE_APP))
    session = iamsim.assume_role(
        alice, UPDATE_APP, session_name="ses-a", tags={"ENV": "dev", "team": "blue"}
    )
    context = iamsim.evaluate(session, "s3:GetObject", f"{BUCKET}/x").request.context
    assert context["aws:principaltag/env"] == "dev"  # the session tag overrides the role tag
    assert context["aws:principaltag/team"] == "blue"


def test_request_tags_reach_the_trust_policy(world: iamsim.World, alice: iamsim.User) -> None:
    trust_with(
        world,
        {"StringEquals": {"aws:RequestTag/project": "apollo"}},
        actions=["sts:AssumeRole", "sts:TagSession"],
    )
    alice.put_policy("tag", allow("sts:TagSession", UPDATE_APP))
    iamsim.assume_role(alice, UPDATE_APP, session_name="ses-a", tags={"project": "apollo"})
    with pytest.raises(iamsim.AccessDenied):
        iamsim.assume_role(alice, UPDATE_APP, session_name="ses-a", tags={"project": "gemini"})


def test_tag_limits(alice: iamsim.User) -> None:
    with pytest.raises(iamsim.ValidationError):
        iamsim.assume_role(
            alice, UPDATE_APP, session_name="ses-a", tags={f"k{i}": "v" for i in range(51)}
        )
    with pytest.raises(iamsim.ValidationError):
        iamsim.assume_role(alice, UPDATE_APP, session_name="ses-a", tags={"k" * 129: "v"})
    with pytest.raises(iamsim.ValidationError):
        iamsim.assume_role(
            alice, UPDATE_APP, session_name="ses-a", tags={"a": "1"}, transitive_tag_keys=["b"]
        )


def chain_world(world: iamsim.World, alice: iamsim.User) -> None:
    everyone_tags = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]
    trust_with(
        world, {"StringEquals": {"aws:PrincipalAccount": "111111111111"}}, actions=everyone_tags
    )
    alice.put_policy("sts", allow(everyone_tags))
    prod = world.account("production")
    prod.create_role(
        "Next",
        trust_policy=doc(
            {"Effect": "Allow", "Principal": {"AWS": UPDATE_APP}, "Action": everyone_tags}
        ),
    )
    prod.role("UpdateApp").put_policy(
        "chain", allow(everyone_tags, "arn:aws:iam::222222222222:role/Next")
    )


def test_transitive_tags_carry_through_chaining(world: iamsim.World, alice: iamsim.User) -> None:
    # DOC id_session-tags.html#id_session-tags_role-chaining
    chain_world(world, alice)
    first = iamsim.assume_role(
        alice,
        UPDATE_APP,
        session_name="ses-a",
        tags={"project": "x", "temp": "y"},
        transitive_tag_keys=["project"],
    )
    second = iamsim.assume_role(first, "arn:aws:iam::222222222222:role/Next", session_name="ses-b")
    context = iamsim.evaluate(second, "s3:GetObject", f"{BUCKET}/x").request.context
    assert context["aws:principaltag/project"] == "x"
    assert "aws:principaltag/temp" not in context
    with pytest.raises(iamsim.ValidationError):  # an inherited transitive key cannot be re-passed
        iamsim.assume_role(
            first,
            "arn:aws:iam::222222222222:role/Next",
            session_name="ses-b",
            tags={"Project": "z"},
        )


def test_source_identity(world: iamsim.World, alice: iamsim.User) -> None:
    # DOC id_credentials_temp_control-access_monitor.html
    chain_world(world, alice)
    first = iamsim.assume_role(
        alice, UPDATE_APP, session_name="ses-a", source_identity="alice@example.com"
    )
    context = iamsim.evaluate(first, "s3:GetObject", f"{BUCKET}/x").request.context
    assert context["aws:sourceidentity"] == "alice@example.com"
    second = iamsim.assume_role(first, "arn:aws:iam::222222222222:role/Next", session_name="ses-b")
    assert second.source_identity == "alice@example.com"  # persists across chained sessions
    with pytest.raises(iamsim.ValidationError):
        iamsim.assume_role(
            first,
            "arn:aws:iam::222222222222:role/Next",
            session_name="ses-b",
            source_identity="mallory",
        )
    with pytest.raises(iamsim.ValidationError):
        iamsim.assume_role(alice, UPDATE_APP, session_name="ses-a", source_identity="aws:me")


def test_set_source_identity_needs_permission(alice: iamsim.User) -> None:
    with pytest.raises(iamsim.AccessDenied) as info:
        iamsim.assume_role(alice, UPDATE_APP, session_name="ses-a", source_identity="alice")
    assert "sts:SetSourceIdentity" in str(info.value)


def test_expired_sessions(world: iamsim.World, alice: iamsim.User) -> None:
    session = iamsim.assume_role(alice, UPDATE_APP, session_name="ses-a", duration_seconds=900)
    world.advance(899)
    assert iamsim.evaluate(session, "s3:GetObject", f"{BUCKET}/x").allowed
    world.advance(1)
    decision = iamsim.evaluate(session, "s3:GetObject", f"{BUCKET}/x")
    assert decision.reason is Reason.CREDENTIALS_EXPIRED
    assert "expired" in decision.explain()
    assert session.expired
    with pytest.raises(iamsim.ValidationError) as info:
        iamsim.assume_role(session, UPDATE_APP, session_name="ses-b")
    assert info.value.code == "ExpiredTokenException"


def test_root_and_groups_cannot_assume(world: iamsim.World) -> None:
    with pytest.raises(iamsim.ValidationError):
        iamsim.assume_role(world.account("development"), UPDATE_APP, session_name="root")  # type: ignore[arg-type]
    with pytest.raises(iamsim.ValidationError):
        iamsim.assume_role(
            world.account("development").group("Developers"),
            UPDATE_APP,  # type: ignore[arg-type]
            session_name="group",
        )


def test_get_caller_identity(alice: iamsim.User) -> None:
    session = iamsim.assume_role(alice, UPDATE_APP, session_name="ses-a")
    assert iamsim.get_caller_identity(alice) == {
        "Account": "111111111111",
        "Arn": alice.arn,
        "UserId": alice.id,
    }
    assert iamsim.get_caller_identity(session) == {
        "Account": "222222222222",
        "Arn": session.arn,
        "UserId": session.assumed_role_id,
    }


def test_get_session_token_carries_mfa(world: iamsim.World, alice: iamsim.User) -> None:
    # STS API_GetSessionToken; id_credentials_mfa_configure-api-require.html: "temporary
    # credentials returned by GetSessionToken include MFA information"
    session = iamsim.get_session_token(alice, serial_number=alice.mfa_serial, token_code="654321")
    world.advance(90)
    context = iamsim.evaluate(session, "s3:GetObject", "arn:aws:s3:::devbucket/x").request.context
    assert context["aws:multifactorauthpresent"] == "true"
    assert context["aws:multifactorauthage"] == "90"
    assert (
        iamsim.evaluate(session, "iam:ListUsers", "*").reason
        is not Reason.TEMPORARY_CREDENTIALS_RESTRICTED
    )
    plain = iamsim.get_session_token(alice)
    assert (
        iamsim.evaluate(plain, "s3:GetObject", "arn:aws:s3:::devbucket/x").request.context[
            "aws:multifactorauthpresent"
        ]
        == "false"
    )
    # without MFA: no IAM; and no STS but AssumeRole and GetCallerIdentity
    assert (
        iamsim.evaluate(plain, "iam:ListUsers", "*").reason
        is Reason.TEMPORARY_CREDENTIALS_RESTRICTED
    )
    assert (
        iamsim.evaluate(plain, "sts:GetFederationToken", "*").reason
        is Reason.TEMPORARY_CREDENTIALS_RESTRICTED
    )
    assert iamsim.assume_role(plain, UPDATE_APP, session_name="from-gst")
    with pytest.raises(iamsim.ValidationError):
        iamsim.get_session_token(alice, duration_seconds=129601)
    role_session = iamsim.assume_role(alice, UPDATE_APP, session_name="ses-a")
    with pytest.raises(iamsim.AccessDenied):
        iamsim.get_session_token(role_session)  # type: ignore[arg-type]


def test_policy_arns_must_be_in_the_roles_account(world: iamsim.World, alice: iamsim.User) -> None:
    # STS API_AssumeRole: "The policies must exist in the same account as the role."
    elsewhere = world.account("development").create_policy("Elsewhere", allow("s3:*"))
    with pytest.raises(iamsim.ValidationError):
        iamsim.assume_role(alice, UPDATE_APP, session_name="ses-a", policy_arns=[elsewhere.arn])
