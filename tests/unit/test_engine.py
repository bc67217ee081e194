"""AWS's evaluation logic, rule by rule.

Each test names the page it pins; DOC is https://docs.aws.amazon.com/IAM/latest/UserGuide/.
"""

from __future__ import annotations

import pytest

import iamsim

from .helpers import (
    ALICE,
    BOB_OTHER,
    BUCKET_OBJECT,
    ROLE,
    SESSION,
    allow,
    decide,
    deny,
    outcome,
    policy,
    resource_policy,
    statement,
)

FULL_ACCESS = allow()  # the shape of FullAWSAccess
RCP_FULL = resource_policy("*")
ACCOUNT = "111122223333"
OTHER = "444455556666"
ORG = "o-a1b2c3d4e5"


# --- reference_policies_evaluation-logic_policy-eval-basics.html -----------------------------


def test_default_is_implicit_deny() -> None:
    assert outcome() == "implicitDeny"
    assert not decide()


def test_identity_allow_suffices_in_the_same_account() -> None:
    assert outcome(identity=[allow("s3:GetObject")]) == "allowed"


def test_resource_allow_naming_the_user_suffices_in_the_same_account() -> None:
    assert outcome(resource=resource_policy({"AWS": ALICE}, action="s3:GetObject")) == "allowed"


def test_statements_and_policies_are_ored() -> None:
    assert outcome(identity=[allow("ec2:*"), allow("s3:Get*")]) == "allowed"


# --- reference_policies_evaluation-logic_policy-eval-denyallow.html: explicit deny wins -------


@pytest.mark.parametrize(
    "where",
    ["identity", "resource", "boundary", "session", "scp", "rcp"],
)
def test_an_explicit_deny_in_any_policy_type_wins(where: str) -> None:
    principal = SESSION if where == "session" else ALICE
    policies: dict[str, object] = {
        "identity": [allow()],
        "resource": resource_policy({"AWS": principal}),
        "boundary": allow(),
        "session": allow() if where == "session" else None,
        "scps": [[FULL_ACCESS]],
        "rcps": [[RCP_FULL]],
    }
    deny_statement = deny("s3:GetObject")
    if where == "identity":
        policies["identity"] = [allow(), deny_statement]
    elif where == "resource":
        policies["resource"] = policy(
            {**statement(), "Principal": {"AWS": principal}},
            {**statement("Deny", "s3:GetObject"), "Principal": "*"},
        )
    elif where in ("boundary", "session"):
        policies[where] = policy(statement(), statement("Deny", "s3:GetObject"))
    elif where == "scp":
        policies["scps"] = [[FULL_ACCESS, deny_statement]]
    else:
        policies["rcps"] = [[RCP_FULL, resource_policy("*", "Deny", "s3:GetObject")]]
    decision = decide(principal, **policies)  # type: ignore[arg-type]
    assert str(decision.outcome) == "explicitDeny"
    assert all(s.effect == "Deny" for s in decision.determining_statements)
    assert decision.verdicts[where] == "explicitDeny"


# --- permissions boundaries: access_policies_boundaries.html ------------------------------------


def test_boundary_caps_identity_policies() -> None:
    assert outcome(identity=[allow("s3:*")], boundary=allow("ec2:*")) == "implicitDeny"
    decision = decide(identity=[allow("s3:*")], boundary=allow("ec2:*"))
    assert decision.reason is iamsim.decision.Reason.BOUNDARY_NO_ALLOW


def test_boundary_never_grants() -> None:
    assert outcome(boundary=allow("s3:*")) == "implicitDeny"


def test_boundary_and_identity_both_allow() -> None:
    assert outcome(identity=[allow("s3:*")], boundary=allow("s3:Get*")) == "allowed"


def test_same_account_user_arn_grant_is_not_limited_by_the_boundary() -> None:
    grant = resource_policy({"AWS": ALICE}, action="s3:GetObject")
    assert outcome(resource=grant, boundary=allow("ec2:*")) == "allowed"


def test_same_account_role_arn_grant_is_limited_by_the_boundary() -> None:
    grant = resource_policy({"AWS": ROLE}, action="s3:GetObject")
    context = {"aws:PrincipalArn": ROLE}
    assert (
        outcome(SESSION, resource=grant, boundary=allow("ec2:*"), context=context) == "implicitDeny"
    )
    # ... but needs no identity-based Allow when the boundary allows
    assert outcome(SESSION, resource=grant, boundary=allow("s3:*"), context=context) == "allowed"


def test_same_account_session_arn_grant_is_not_limited_by_boundary_or_session_policy() -> None:
    grant = resource_policy({"AWS": SESSION}, action="s3:GetObject")
    assert (
        outcome(SESSION, resource=grant, boundary=allow("ec2:*"), session=allow("ec2:*"))
        == "allowed"
    )


# --- session policies: access_policies.html#policies_session -------------------------------------


def test_session_policy_caps_the_role() -> None:
    assert outcome(SESSION, identity=[allow("s3:*")], session=allow("ec2:*")) == "implicitDeny"
    assert outcome(SESSION, identity=[allow("s3:*")], session=allow("s3:GetObject")) == "allowed"


def test_session_policy_never_grants() -> None:
    assert outcome(SESSION, session=allow()) == "implicitDeny"


def test_role_arn_grant_is_limited_by_the_session_policy() -> None:
    grant = resource_policy({"AWS": ROLE}, action="s3:GetObject")
    assert outcome(SESSION, resource=grant, session=allow("ec2:*")) == "implicitDeny"
    assert outcome(SESSION, resource=grant, session=allow("s3:*")) == "allowed"


def test_principal_star_with_principalarn_condition_is_not_limited_by_the_boundary() -> None:
    # reference_policies_elements_principal.html#principal-roles
    grant = resource_policy(
        "*", action="s3:GetObject", Condition={"ArnEquals": {"aws:PrincipalArn": ROLE}}
    )
    assert (
        outcome(
            SESSION, resource=grant, boundary=allow("ec2:*"), context={"aws:PrincipalArn": ROLE}
        )
        == "allowed"
    )


def test_account_principal_only_delegates() -> None:
    # reference_policies_elements_principal.html#principal-accounts
    grant = resource_policy({"AWS": ACCOUNT}, action="s3:GetObject")
    assert outcome(resource=grant) == "implicitDeny"
    assert outcome(resource=grant, identity=[allow("s3:GetObject")]) == "allowed"


# --- SCPs: organizations/latest/userguide/orgs_manage_policies_inheritance_auth.html --------------


def test_every_scp_level_must_allow() -> None:
    assert (
        outcome(identity=[allow()], scps=[[FULL_ACCESS], [FULL_ACCESS], [FULL_ACCESS]]) == "allowed"
    )
    decision = decide(identity=[allow()], scps=[[FULL_ACCESS], [allow("ec2:*")], [FULL_ACCESS]])
    assert str(decision.outcome) == "implicitDeny"
    assert decision.level == 1
    assert "SCP" in decision.explain()


def test_scp_deny_list_strategy() -> None:
    scps = [[FULL_ACCESS], [FULL_ACCESS, deny("s3:DeleteBucket")]]
    assert outcome(action="s3:DeleteBucket", identity=[allow()], scps=scps) == "explicitDeny"
    assert outcome(action="s3:GetObject", identity=[allow()], scps=scps) == "allowed"


def test_scp_allow_list_strategy() -> None:
    scps = [[FULL_ACCESS], [allow(["s3:*", "cloudwatch:*"])]]
    assert outcome(action="s3:GetObject", identity=[allow()], scps=scps) == "allowed"
    assert (
        outcome(
            "arn:aws:iam::111122223333:user/alice",
            "ec2:RunInstances",
            "arn:aws:ec2:us-east-1:111122223333:instance/*",
            identity=[allow()],
            scps=scps,
        )
        == "implicitDeny"
    )


def test_scps_never_grant() -> None:
    assert outcome(scps=[[FULL_ACCESS]]) == "implicitDeny"


def test_scps_limit_same_account_resource_grants() -> None:
    grant = resource_policy({"AWS": ALICE})
    assert outcome(resource=grant, scps=[[FULL_ACCESS], [allow("ec2:*")]]) == "implicitDeny"


def test_scps_apply_to_the_root_user_of_a_member_account() -> None:
    root = "arn:aws:iam::111122223333:root"
    assert outcome(root) == "allowed"  # root has full access by default
    assert outcome(root, scps=[[FULL_ACCESS, deny("s3:*")]]) == "explicitDeny"


def test_scps_do_not_apply_to_service_principals() -> None:
    grant = resource_policy({"Service": "cloudtrail.amazonaws.com"}, action="s3:PutObject")
    decision = decide(
        "cloudtrail.amazonaws.com", "s3:PutObject", resource=grant, scps=[[deny("s3:*")]]
    )
    assert decision.allowed
    assert decision.verdicts["scp"] == "notApplicable"


# --- RCPs: organizations/latest/userguide/orgs_manage_policies_rcps.html -------------------------


def perimeter() -> dict[str, object]:
    return resource_policy(
        "*",
        "Deny",
        "s3:*",
        Condition={
            "StringNotEqualsIfExists": {"aws:PrincipalOrgID": ORG},
            "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
        },
    )


def test_rcp_denies_principals_outside_the_organization() -> None:
    grant = resource_policy({"AWS": BOB_OTHER}, action="s3:GetObject")
    rcps = [[RCP_FULL, perimeter()]]
    outside = decide(
        BOB_OTHER,
        identity=[allow()],
        resource=grant,
        rcps=rcps,
        context={"aws:PrincipalOrgID": "o-other", "aws:PrincipalIsAWSService": "false"},
    )
    assert str(outside.outcome) == "explicitDeny"
    inside = decide(
        BOB_OTHER,
        identity=[allow()],
        resource=grant,
        rcps=rcps,
        context={"aws:PrincipalOrgID": ORG, "aws:PrincipalIsAWSService": "false"},
    )
    assert inside.allowed


def test_rcps_only_cover_their_services() -> None:
    ec2 = "arn:aws:ec2:us-east-1:111122223333:instance/i-1"
    decision = decide(
        ALICE,
        "ec2:StartInstances",
        ec2,
        identity=[allow()],
        rcps=[[resource_policy("*", "Deny", "ec2:*")]],
    )
    assert decision.allowed
    assert any("RCPs do not apply" in n for n in decision.notes)


def test_every_rcp_level_must_allow() -> None:
    assert outcome(identity=[allow()], rcps=[[RCP_FULL], []]) == "implicitDeny"


# --- cross-account: reference_policies_evaluation-logic-cross-account.html ------------------------

SHARED = "arn:aws:s3:::shared-bucket/data.csv"


def test_cross_account_needs_both_sides() -> None:
    grant = resource_policy({"AWS": BOB_OTHER}, action="s3:GetObject")
    assert outcome(BOB_OTHER, arn=SHARED, identity=[allow()], resource=grant) == "allowed"
    assert outcome(BOB_OTHER, arn=SHARED, identity=[allow()]) == "implicitDeny"
    assert outcome(BOB_OTHER, arn=SHARED, resource=grant) == "implicitDeny"


def test_cross_account_account_principal_with_identity_allow() -> None:
    grant = resource_policy({"AWS": OTHER}, action="s3:GetObject")
    assert outcome(BOB_OTHER, arn=SHARED, identity=[allow()], resource=grant) == "allowed"


def test_cross_account_session_arn_grant_still_needs_the_identity_side() -> None:
    other_session = "arn:aws:sts::444455556666:assumed-role/Analytics/job-7"
    grant = resource_policy({"AWS": other_session}, action="s3:GetObject")
    assert outcome(other_session, arn=SHARED, resource=grant) == "implicitDeny"
    assert outcome(other_session, arn=SHARED, resource=grant, identity=[allow()]) == "allowed"


def test_cross_account_boundary_applies() -> None:
    grant = resource_policy({"AWS": BOB_OTHER})
    assert (
        outcome(BOB_OTHER, arn=SHARED, identity=[allow()], resource=grant, boundary=allow("ec2:*"))
        == "implicitDeny"
    )


def test_cross_account_explanation_names_both_accounts() -> None:
    text = decide(BOB_OTHER, arn=SHARED, identity=[allow()]).explain()
    assert "444455556666" in text
    assert "111122223333" in text


# --- trust policies: id_roles_use_permissions-to-switch.html, STS API_AssumeRole -----------------

TARGET = "arn:aws:iam::111122223333:role/Target"


def trust(principal: object, **extra: object) -> dict[str, object]:
    body = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **extra}
    return policy(body)


def test_identity_allow_alone_never_assumes_a_role() -> None:
    assert outcome(ALICE, "sts:AssumeRole", TARGET, identity=[allow()]) == "implicitDeny"
    decision = decide(ALICE, "sts:AssumeRole", TARGET, identity=[allow()])
    assert "trust policy" in decision.explain()


def test_same_account_trust_naming_the_user_needs_no_identity_policy() -> None:
    assert outcome(ALICE, "sts:AssumeRole", TARGET, resource=trust({"AWS": ALICE})) == "allowed"


def test_same_account_trust_naming_the_account_needs_an_identity_allow() -> None:
    account_trust = trust({"AWS": ACCOUNT})
    assert outcome(ALICE, "sts:AssumeRole", TARGET, resource=account_trust) == "implicitDeny"
    assert (
        outcome(
            ALICE,
            "sts:AssumeRole",
            TARGET,
            resource=account_trust,
            identity=[allow("sts:AssumeRole", TARGET)],
        )
        == "allowed"
    )


def test_cross_account_assume_needs_trust_and_identity() -> None:
    cross = trust({"AWS": f"arn:aws:iam::{OTHER}:root"})
    assert outcome(BOB_OTHER, "sts:AssumeRole", TARGET, resource=cross) == "implicitDeny"
    assert (
        outcome(
            BOB_OTHER,
            "sts:AssumeRole",
            TARGET,
            resource=cross,
            identity=[allow("sts:AssumeRole", TARGET)],
        )
        == "allowed"
    )


def test_external_id_condition() -> None:
    cross = trust({"AWS": OTHER}, Condition={"StringEquals": {"sts:ExternalId": "Example987"}})
    identity = [allow("sts:AssumeRole", TARGET)]
    assert (
        outcome(
            BOB_OTHER,
            "sts:AssumeRole",
            TARGET,
            resource=cross,
            identity=identity,
            context={"sts:ExternalId": "Example987"},
        )
        == "allowed"
    )
    decision = decide(BOB_OTHER, "sts:AssumeRole", TARGET, resource=cross, identity=identity)
    assert not decision
    assert decision.missing_context_keys == ("sts:ExternalId",)


def test_kms_key_policy_must_allow() -> None:
    key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    assert outcome(ALICE, "kms:Decrypt", key, identity=[allow()]) == "implicitDeny"
    key_policy = resource_policy({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, action="kms:*")
    assert outcome(ALICE, "kms:Decrypt", key, identity=[allow()], resource=key_policy) == "allowed"


# --- NotPrincipal: reference_policies_elements_notprincipal.html -------------------------------


def not_principal_deny(*principals: str) -> dict[str, object]:
    return policy(
        {**statement(), "Principal": {"AWS": ACCOUNT}},
        {
            "Effect": "Deny",
            "NotPrincipal": {"AWS": list(principals)},
            "Action": "s3:*",
            "Resource": "*",
        },
    )


def test_notprincipal_deny_spares_only_the_listed_principal() -> None:
    listed = not_principal_deny(ALICE, f"arn:aws:iam::{ACCOUNT}:root")
    assert outcome(ALICE, identity=[allow()], resource=listed) == "allowed"
    carol = "arn:aws:iam::111122223333:user/carol"
    assert outcome(carol, identity=[allow()], resource=listed) == "explicitDeny"


def test_notprincipal_needs_the_account_listed_too() -> None:
    only_user = not_principal_deny(ALICE)
    assert outcome(ALICE, identity=[allow()], resource=only_user) == "explicitDeny"


def test_notprincipal_session_needs_account_role_and_session() -> None:
    context = {"aws:PrincipalArn": ROLE}
    full = not_principal_deny(SESSION, ROLE, f"arn:aws:iam::{ACCOUNT}:root")
    assert outcome(SESSION, identity=[allow()], resource=full, context=context) == "allowed"
    partial = not_principal_deny(SESSION, f"arn:aws:iam::{ACCOUNT}:root")
    assert outcome(SESSION, identity=[allow()], resource=partial, context=context) == "explicitDeny"


def test_notprincipal_always_denies_a_principal_with_a_boundary() -> None:
    listed = not_principal_deny(ALICE, f"arn:aws:iam::{ACCOUNT}:root")
    assert outcome(ALICE, identity=[allow()], resource=listed, boundary=allow()) == "explicitDeny"


# --- Action / NotAction / Resource / NotResource -------------------------------------------------


def test_actions_are_case_insensitive() -> None:
    # reference_policies_elements_action.html
    assert outcome(action="S3:getobject", identity=[allow("s3:GetObject")]) == "allowed"
    assert outcome(action="s3:GetObject", identity=[allow("S3:GETOBJECT")]) == "allowed"


def test_notaction_allow_scoped_by_resource() -> None:
    # reference_policies_elements_notaction.html
    doc = allow(NotAction="s3:DeleteBucket", resource="arn:aws:s3:::*")
    del doc["Statement"][0]["Action"]
    assert outcome(action="s3:GetObject", identity=[doc]) == "allowed"
    assert (
        outcome(action="s3:DeleteBucket", arn="arn:aws:s3:::amzn-s3-demo-bucket", identity=[doc])
        == "implicitDeny"
    )
    assert outcome(action="s3:ListAllMyBuckets", arn="*", identity=[doc]) == "implicitDeny"
    assert (
        outcome("arn:aws:iam::111122223333:user/alice", "iam:ListUsers", "*", identity=[doc])
        == "implicitDeny"
    )


def test_notresource_deny_covers_everything_else() -> None:
    # reference_policies_elements_notresource.html
    doc = policy(
        statement(),
        {"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::amzn-s3-demo-bucket/*"},
    )
    assert outcome(identity=[doc]) == "allowed"
    assert outcome(arn="arn:aws:s3:::other/a.txt", identity=[doc]) == "explicitDeny"


def test_resource_wildcards_stay_inside_their_component() -> None:
    doc = allow("dynamodb:GetItem", "arn:aws:dynamodb:*:111122223333:table/Thread")
    table = "arn:aws:dynamodb:us-east-1:111122223333:table/Thread"
    assert outcome(ALICE, "dynamodb:GetItem", table, identity=[doc]) == "allowed"
    other = "arn:aws:dynamodb:us-east-1:444455556666:table/Thread"
    assert (
        outcome(ALICE, "dynamodb:GetItem", other, identity=[doc], resource_account=ACCOUNT)
        == "implicitDeny"
    )


def test_resource_policy_without_resource_covers_its_resource() -> None:
    grant = policy({"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "s3:GetObject"})
    assert outcome(resource=grant) == "allowed"


def test_service_principal_is_allowed_by_the_resource_policy_alone() -> None:
    grant = resource_policy({"Service": "sns.amazonaws.com"}, action="sqs:SendMessage")
    queue = "arn:aws:sqs:us-east-1:111122223333:queue1"
    assert outcome("sns.amazonaws.com", "sqs:SendMessage", queue, resource=grant) == "allowed"
    assert (
        outcome("events.amazonaws.com", "sqs:SendMessage", queue, resource=grant) == "implicitDeny"
    )


def test_anonymous_caller_only_through_principal_star() -> None:
    public = resource_policy("*", action="s3:GetObject")
    assert outcome("anonymous", resource=public) == "allowed"
    assert outcome("anonymous", resource=resource_policy({"AWS": ACCOUNT})) == "implicitDeny"


# --- the decision object --------------------------------------------------------------------------


def test_decision_is_falsy_unless_allowed() -> None:
    assert bool(decide(identity=[allow()])) is True
    assert bool(decide(identity=[deny()])) is False
    assert str(iamsim.Outcome.EXPLICIT_DENY) == "explicitDeny"


def test_decision_records_what_decided() -> None:
    decision = decide(identity=[allow(Sid="ReadAll"), deny("s3:Put*")])
    (determining,) = decision.determining_statements
    assert (determining.policy_type, determining.statement_index, determining.sid) == (
        iamsim.PolicyType.IDENTITY,
        0,
        "ReadAll",
    )
    assert decision.verdicts == {"identity": "allowed"}


def test_missing_context_keys_are_reported() -> None:
    decision = decide(identity=[allow(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})])
    assert decision.missing_context_keys == ("aws:SourceIp",)
    assert "aws:SourceIp" in decision.explain()


def test_explanation_shows_the_failing_condition_and_values() -> None:
    doc = allow(Condition={"StringEquals": {"aws:PrincipalTag/team": "blue"}})
    text = decide(identity=[doc], context={"aws:PrincipalTag/team": "red"}).explain()
    assert text.startswith("implicitDeny")
    assert (
        "condition not met — StringEquals aws:PrincipalTag/team 'blue': request has 'red'" in text
    )


def test_to_dict_has_the_simulator_shape() -> None:
    text = '{"Version": "2012-10-17",\n "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
    result = iamsim.PolicySet(identity=[text], boundary=allow()).evaluate(
        ALICE, "s3:GetObject", BUCKET_OBJECT
    )
    data = result.to_dict()
    assert data["EvalDecision"] == "allowed"
    assert data["EvalActionName"] == "s3:GetObject"
    assert data["MatchedStatements"][0]["StartPosition"] == {"Line": 2, "Column": 16}
    assert data["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": True}


def test_html_is_escaped() -> None:
    doc = allow(Sid="Sid1")
    decision = decide("arn:aws:iam::111122223333:user/<b>x</b>", identity=[doc])
    html = decision._repr_html_()
    assert "<b>x</b>" not in html
    assert "&lt;b&gt;" in html


def test_bad_requests_raise_validation_errors() -> None:
    with pytest.raises(iamsim.ValidationError):
        decide("not-an-arn")
    with pytest.raises(iamsim.ValidationError):
        decide(action="GetObject")
    with pytest.raises(iamsim.ValidationError):
        decide(arn="bucket")
    with pytest.raises(iamsim.ValidationError):
        decide(context={"k": {"nested": 1}})


def test_star_ending_a_component_may_cross_colons() -> None:
    # reference_policies_elements_resource.html: "If the * wildcard is the last character of a
    # resource ARN segment, it can expand to match beyond the colon boundaries."
    table = "arn:aws:dynamodb:us-east-1:111122223333:table/Thread"
    assert (
        outcome(ALICE, "dynamodb:GetItem", table, identity=[allow("*", "arn:aws:dynamodb:*")])
        == "allowed"
    )
    # a * inside a component stays in it
    inside = allow("*", "arn:aws:dynamodb:us-*-1:111122223333:table/Thread")
    assert outcome(ALICE, "dynamodb:GetItem", table, identity=[inside]) == "allowed"
    odd = "arn:aws:dynamodb:us-x:y-1:111122223333:table/Thread"
    assert outcome(ALICE, "dynamodb:GetItem", odd, identity=[inside]) == "implicitDeny"


def test_root_user_cannot_assume_a_role() -> None:
    # STS API_AssumeRole: "You cannot use AWS account root user credentials to call AssumeRole."
    root = "arn:aws:iam::111122223333:root"
    trust = policy({"Effect": "Allow", "Principal": {"AWS": root}, "Action": "sts:AssumeRole"})
    decision = decide(
        root, "sts:AssumeRole", "arn:aws:iam::111122223333:role/Target", resource=trust
    )
    assert str(decision.outcome) == "implicitDeny"
    assert "root user" in decision.explain()
