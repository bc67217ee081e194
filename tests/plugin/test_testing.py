"""iamsim.testing: each assertion passes on the outcome it names, and fails with an
AssertionError whose message is a one-line verdict followed by the decision's explanation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import iamsim
from iamsim.testing import (
    DEFAULT_SESSION_NAME,
    FIXED_NOW,
    assert_allowed,
    assert_can_assume,
    assert_cannot_assume,
    assert_decision,
    assert_denied,
    assert_explicitly_denied,
    assert_implicitly_denied,
    new_world,
    world_from_file,
)

ROOT = Path(__file__).resolve().parents[2]
V = "2012-10-17"
ALICE = "arn:aws:iam::111122223333:user/alice"
REPORT = "arn:aws:s3:::reports/q3.csv"
DEPLOY = "arn:aws:iam::222222222222:role/Deploy"
AUDIT = "arn:aws:iam::222222222222:role/Audit"
APP = "arn:aws:s3:::productionapp/app.zip"


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": V, "Statement": list(statements)}


FINANCE_READS = {
    "Sid": "FinanceReads",
    "Effect": "Allow",
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::reports/*",
    "Condition": {"StringEquals": {"aws:PrincipalTag/team": "finance"}},
}
KEEP_REPORTS = {
    "Sid": "KeepReports",
    "Effect": "Deny",
    "Action": "s3:DeleteObject",
    "Resource": "arn:aws:s3:::reports/*",
}
UPLOADS = {
    "Sid": "Uploads",
    "Effect": "Allow",
    "Action": "s3:PutObject",
    "Resource": "arn:aws:s3:::reports/*",
}


@pytest.fixture
def policies() -> iamsim.PolicySet:
    return iamsim.PolicySet(identity=[doc(FINANCE_READS, KEEP_REPORTS, UPLOADS)])


@pytest.fixture
def world() -> iamsim.World:
    """Development (alice in finance, bob in sales) and production (Deploy, which needs an
    external ID, and Audit, which only Deploy's sessions may assume)."""
    world = new_world()
    dev = world.create_account("111111111111", alias="development")
    prod = world.create_account("222222222222", alias="production")
    own = doc(
        FINANCE_READS,
        {"Sid": "AssumeDeploy", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": DEPLOY},
    )
    dev.create_user("alice", mfa=True, tags={"team": "finance"}, policies={"own": own})
    dev.create_user("bob", tags={"team": "sales"}, policies={"own": own})
    dev.create_user("mallory")
    prod.create_role(
        "Deploy",
        trust_policy=doc(
            {
                "Sid": "TicketHolders",
                "Effect": "Allow",
                "Principal": {"AWS": "111111111111"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": "ticket-42"}},
            }
        ),
        policies={
            "deploy": doc(
                {"Effect": "Allow", "Action": "s3:PutObject", "Resource": APP},
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": AUDIT},
            )
        },
    )
    prod.create_role(
        "Audit",
        trust_policy=doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": DEPLOY},
                "Action": "sts:AssumeRole",
            }
        ),
    )
    return world


def failure(call: Any, *args: Any, **kwargs: Any) -> str:
    """The message of the AssertionError that ``call(*args, **kwargs)`` raises."""
    with pytest.raises(AssertionError) as info:
        call(*args, **kwargs)
    return str(info.value)


# -- assert_allowed ---------------------------------------------------------------------------


def test_allowed_passes_and_returns_the_decision(policies: iamsim.PolicySet) -> None:
    decision = assert_allowed(
        ALICE, "s3:GetObject", REPORT, {"aws:PrincipalTag/team": "finance"}, policies=policies
    )
    assert isinstance(decision, iamsim.Decision)
    assert decision.allowed
    assert [s.sid for s in decision.determining_statements] == ["FinanceReads"]


def test_allowed_failure_is_the_summary_then_the_explanation(policies: iamsim.PolicySet) -> None:
    context = {"aws:PrincipalTag/team": "sales"}
    message = failure(assert_allowed, ALICE, "s3:GetObject", REPORT, context, policies=policies)
    summary, _, explanation = message.partition("\n")
    assert summary == (f"expected allowed, got implicitDeny: s3:GetObject on {REPORT} by {ALICE}")
    decision = policies.evaluate(ALICE, "s3:GetObject", REPORT, context=context)
    assert explanation == decision.explain()
    # the condition that failed, with the value the request had
    assert "  why: no identity-based policy allows" in explanation
    assert (
        "Allow statement 0 (Sid 'FinanceReads') in identity policy 0: condition not met — "
        "StringEquals aws:PrincipalTag/team 'finance': request has 'sales'"
    ) in explanation


def test_allowed_failure_names_the_missing_context_keys(policies: iamsim.PolicySet) -> None:
    message = failure(assert_allowed, ALICE, "s3:GetObject", REPORT, policies=policies)
    assert (
        "context keys that conditions asked for and the request lacks: aws:PrincipalTag/team"
        in message
    )


def test_allowed_failure_names_the_deny(policies: iamsim.PolicySet) -> None:
    message = failure(assert_allowed, ALICE, "s3:DeleteObject", REPORT, policies=policies)
    assert message.startswith("expected allowed, got explicitDeny: s3:DeleteObject")
    assert "decided by:\n    - Deny statement 1 (Sid 'KeepReports') in identity policy 0" in message


def test_allowed_from_a_world_user_an_arn_and_sessions(world: iamsim.World) -> None:
    alice = world.account("development").user("alice")
    assert assert_allowed(alice, "s3:GetObject", REPORT).allowed
    assert assert_allowed(alice.arn, "s3:GetObject", REPORT, world=world).allowed
    session = iamsim.get_session_token(alice)
    assert assert_allowed(session, "s3:GetObject", REPORT).allowed
    role_session = iamsim.assume_role(alice, DEPLOY, session_name="ci", external_id="ticket-42")
    decision = assert_allowed(role_session, "s3:PutObject", APP)
    assert decision.request.principal.arn == role_session.arn
    role = world.account("production").role("Deploy")
    assert assert_allowed(role, "s3:PutObject", APP).allowed


def test_allowed_failure_from_a_world_names_where_the_policy_lives(world: iamsim.World) -> None:
    bob = world.account("development").user("bob")
    message = failure(assert_allowed, bob, "s3:GetObject", REPORT)
    assert message.startswith(f"expected allowed, got implicitDeny: s3:GetObject on {REPORT} by ")
    assert message.splitlines()[0].endswith("user/bob")
    assert (
        "Allow statement 0 (Sid 'FinanceReads') in user bob inline 'own': condition not met — "
        "StringEquals aws:PrincipalTag/team 'finance': request has 'sales'"
    ) in message


def test_allowed_failure_names_the_scp_level() -> None:
    world = new_world()
    org = world.create_organization("999999999999")
    workloads = org.create_ou("Workloads")
    dev = world.create_account("111111111111", ou=workloads)
    alice = dev.create_user(
        "alice", policies={"all": doc({"Effect": "Allow", "Action": "*", "Resource": "*"})}
    )
    workloads.attach_scp(
        doc({"Sid": "NoIam", "Effect": "Deny", "Action": "iam:*", "Resource": "*"}), name="NoIam"
    )
    message = failure(assert_allowed, alice, "iam:CreateUser", "*")
    assert "Deny statement 0 (Sid 'NoIam') in SCP NoIam on OU Workloads (ou-" in message


def test_the_context_overrides_derived_keys(world: iamsim.World) -> None:
    bob = world.account("development").user("bob")
    assert assert_allowed(bob, "s3:GetObject", REPORT, {"aws:PrincipalTag/team": "finance"})


def test_resource_account_with_policies() -> None:
    cross = iamsim.PolicySet(
        identity=[doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})]
    )
    message = failure(
        assert_allowed,
        ALICE,
        "s3:GetObject",
        REPORT,
        policies=cross,
        resource_account="444455556666",
    )
    assert "cross-account" in message
    assert assert_allowed(ALICE, "s3:GetObject", REPORT, policies=cross)


def test_misused_arguments_are_type_errors(world: iamsim.World, policies: iamsim.PolicySet) -> None:
    alice = world.account("development").user("alice")
    with pytest.raises(TypeError, match="either world= or policies="):
        assert_allowed(ALICE, "s3:GetObject", REPORT, world=world, policies=policies)
    with pytest.raises(TypeError, match="the principal is an ARN"):
        assert_allowed(alice, "s3:GetObject", REPORT, policies=policies)
    with pytest.raises(TypeError, match="resource_account= applies only with policies="):
        assert_allowed(alice, "s3:GetObject", REPORT, resource_account="111111111111")
    request = iamsim.Request.build(ALICE, "s3:GetObject", REPORT)
    with pytest.raises(TypeError, match="pass policies="):
        assert_allowed(request, "s3:GetObject", REPORT)


def test_request_errors_are_not_assertion_failures(policies: iamsim.PolicySet) -> None:
    """A request iamsim cannot decide is a broken test, not a failed expectation."""
    with pytest.raises(iamsim.ValidationError):
        assert_allowed(ALICE, "s3:GetObject", REPORT)  # an ARN needs world= or policies=
    with pytest.raises(iamsim.ValidationError):
        assert_allowed("not-an-arn", "s3:GetObject", REPORT, policies=policies)


def test_a_prebuilt_request_with_policies(policies: iamsim.PolicySet) -> None:
    request = iamsim.Request.build(ALICE, "s3:PutObject", REPORT)
    assert assert_allowed(request, "s3:PutObject", REPORT, policies=policies).allowed


# -- the denials ------------------------------------------------------------------------------


def test_denied_accepts_either_deny(policies: iamsim.PolicySet) -> None:
    implicit = assert_denied(ALICE, "s3:GetObject", REPORT, policies=policies)
    explicit = assert_denied(ALICE, "s3:DeleteObject", REPORT, policies=policies)
    assert (str(implicit.outcome), str(explicit.outcome)) == ("implicitDeny", "explicitDeny")


def test_denied_failure_names_the_allow(policies: iamsim.PolicySet) -> None:
    message = failure(assert_denied, ALICE, "s3:PutObject", REPORT, policies=policies)
    assert message.splitlines()[0] == (
        f"expected a deny (explicitDeny or implicitDeny), got allowed: s3:PutObject on {REPORT} "
        f"by {ALICE}"
    )
    assert "    - Allow statement 2 (Sid 'Uploads') in identity policy 0" in message


def test_explicitly_denied(policies: iamsim.PolicySet) -> None:
    decision = assert_explicitly_denied(ALICE, "s3:DeleteObject", REPORT, policies=policies)
    assert [s.sid for s in decision.determining_statements] == ["KeepReports"]
    implicit = failure(assert_explicitly_denied, ALICE, "s3:GetObject", REPORT, policies=policies)
    assert implicit.startswith("expected explicitDeny, got implicitDeny: s3:GetObject")
    assert "why: no identity-based policy allows" in implicit
    allowed = failure(assert_explicitly_denied, ALICE, "s3:PutObject", REPORT, policies=policies)
    assert allowed.startswith("expected explicitDeny, got allowed: s3:PutObject")


def test_implicitly_denied(policies: iamsim.PolicySet) -> None:
    decision = assert_implicitly_denied(ALICE, "s3:GetObject", REPORT, policies=policies)
    assert not decision.allowed
    explicit = failure(
        assert_implicitly_denied, ALICE, "s3:DeleteObject", REPORT, policies=policies
    )
    assert explicit.startswith("expected implicitDeny, got explicitDeny: s3:DeleteObject")
    assert "Deny statement 1 (Sid 'KeepReports')" in explicit
    allowed = failure(assert_implicitly_denied, ALICE, "s3:PutObject", REPORT, policies=policies)
    assert allowed.startswith("expected implicitDeny, got allowed")


def test_denials_from_a_world(world: iamsim.World) -> None:
    mallory = world.account("development").user("mallory")
    assert_denied(mallory, "s3:GetObject", REPORT)
    assert_implicitly_denied(mallory.arn, "s3:GetObject", REPORT, world=world)
    message = failure(assert_explicitly_denied, mallory, "s3:GetObject", REPORT)
    assert f"by {mallory.arn}\n" in message


# -- assert_decision --------------------------------------------------------------------------

CASE = {
    "id": "boundary-caps",
    "policies": {
        "identity": [doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})],
        "boundary": doc({"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}),
    },
    "request": {"principal": ALICE, "action": "s3:GetObject", "resource": REPORT},
    "expect": "implicitDeny",
}


def test_decision_with_an_outcome_or_its_name(policies: iamsim.PolicySet) -> None:
    decision = policies.evaluate(ALICE, "s3:DeleteObject", REPORT)
    assert assert_decision(decision, iamsim.Outcome.EXPLICIT_DENY) is decision
    assert assert_decision(decision, "explicitDeny") is decision
    assert assert_decision(decision, "ExplicitDeny") is decision
    assert assert_decision(decision, "denied") is decision


def test_decision_failure(policies: iamsim.PolicySet) -> None:
    decision = policies.evaluate(ALICE, "s3:DeleteObject", REPORT)
    message = failure(assert_decision, decision, "allowed")
    assert message == (
        f"expected allowed, got explicitDeny: s3:DeleteObject on {REPORT} by {ALICE}\n"
        + decision.explain()
    )
    allowed = policies.evaluate(ALICE, "s3:PutObject", REPORT)
    assert failure(assert_decision, allowed, "denied").startswith(
        "expected a deny (explicitDeny or implicitDeny), got allowed"
    )


def test_decision_of_a_simulate_case_uses_its_expect() -> None:
    decision = assert_decision(CASE)
    assert str(decision.outcome) == "implicitDeny"
    message = failure(assert_decision, CASE, "allowed")
    assert message.startswith(
        f"case boundary-caps: expected allowed, got implicitDeny: s3:GetObject on {REPORT}"
    )
    assert "why: the permissions boundary does not allow the action" in message
    wrong = {**CASE, "expect": "allowed"}
    assert failure(assert_decision, wrong).startswith("case boundary-caps: expected allowed")
    anonymous = {k: v for k, v in wrong.items() if k != "id"}
    assert failure(assert_decision, anonymous).startswith("expected allowed, got implicitDeny")


def test_decision_needs_an_expectation(policies: iamsim.PolicySet) -> None:
    no_expect = {k: v for k, v in CASE.items() if k != "expect"}
    with pytest.raises(ValueError, match="no `expect`"):
        assert_decision(no_expect)
    with pytest.raises(TypeError, match="say which outcome"):
        assert_decision(policies.evaluate(ALICE, "s3:PutObject", REPORT))
    with pytest.raises(ValueError, match="is not an outcome"):
        assert_decision(policies.evaluate(ALICE, "s3:PutObject", REPORT), "granted")
    with pytest.raises(TypeError, match="a Decision or a simulate case"):
        assert_decision(True, "allowed")  # type: ignore[arg-type]


def test_decision_of_an_access_denied(world: iamsim.World) -> None:
    bob = world.account("development").user("bob")
    with pytest.raises(iamsim.AccessDenied) as info:
        iamsim.assume_role(bob, DEPLOY, session_name="bob")
    assert info.value.decision is not None
    assert_decision(info.value.decision, "implicitDeny")


# -- AssumeRole -------------------------------------------------------------------------------


def test_can_assume_returns_the_session(world: iamsim.World) -> None:
    alice = world.account("development").user("alice")
    session = assert_can_assume(alice, DEPLOY, external_id="ticket-42")
    assert isinstance(session, iamsim.RoleSession)
    assert session.arn == f"arn:aws:sts::222222222222:assumed-role/Deploy/{DEFAULT_SESSION_NAME}"
    named = assert_can_assume(
        alice.arn, DEPLOY, world=world, external_id="ticket-42", session_name="alice"
    )
    assert named.session_name == "alice"
    chained = assert_can_assume(session, AUDIT)
    assert chained.chained


def test_can_assume_failure_explains_the_trust_policy(world: iamsim.World) -> None:
    alice = world.account("development").user("alice")
    message = failure(assert_can_assume, alice, DEPLOY, external_id="ticket-41")
    lines = message.splitlines()
    assert (
        lines[0]
        == f"expected to assume the role, got AccessDenied: sts:AssumeRole on {DEPLOY} by {alice.arn}"
    )
    assert lines[1].startswith(f"User: {alice.arn} is not authorized to perform: sts:AssumeRole")
    assert lines[2] == f"implicitDeny: sts:AssumeRole on {DEPLOY}"
    assert (
        "Allow statement 0 (Sid 'TicketHolders') in role Deploy trust policy: condition not met — "
        "StringEquals sts:ExternalId 'ticket-42': request has 'ticket-41'"
    ) in message


def test_can_assume_failure_on_the_callers_side(world: iamsim.World) -> None:
    mallory = world.account("development").user("mallory")
    message = failure(assert_can_assume, mallory, DEPLOY, external_id="ticket-42")
    assert "why: no identity-based policy allows the action on this resource" in message


def test_can_assume_failure_on_a_validation_error(world: iamsim.World) -> None:
    alice = world.account("development").user("alice")
    message = failure(assert_can_assume, alice, DEPLOY, session_name="x")
    assert message.startswith("expected to assume the role, got ValidationError: sts:AssumeRole")
    assert "RoleSessionName `x` is invalid" in message
    mfa = failure(
        assert_can_assume,
        alice,
        DEPLOY,
        serial_number="arn:aws:iam::111111111111:mfa/other",
        token_code="123456",
        external_id="ticket-42",
    )
    assert "got AccessDenied" in mfa
    assert "MultiFactorAuthentication failed" in mfa


def test_every_assume_attempt_is_audited_once(world: iamsim.World) -> None:
    alice = world.account("development").user("alice")
    assert_can_assume(alice, DEPLOY, external_id="ticket-42")
    failure(assert_can_assume, alice, DEPLOY)
    assert_cannot_assume(alice, DEPLOY)
    failure(assert_cannot_assume, alice, DEPLOY, external_id="ticket-42")
    events = world.events.filter(event_name="AssumeRole")
    assert [e.get("errorCode") for e in events] == [None, "AccessDenied", "AccessDenied", None]


def test_cannot_assume_returns_the_refusal(world: iamsim.World) -> None:
    alice = world.account("development").user("alice")
    error = assert_cannot_assume(alice, DEPLOY)
    assert isinstance(error, iamsim.AccessDenied)
    assert error.decision is not None
    assert not error.decision.allowed
    invalid = assert_cannot_assume(alice, DEPLOY, code="ValidationError", duration_seconds=60)
    assert "DurationSeconds" in str(invalid)


def test_cannot_assume_with_the_wrong_refusal(world: iamsim.World) -> None:
    alice = world.account("development").user("alice")
    message = failure(assert_cannot_assume, alice, DEPLOY, duration_seconds=60)
    assert message.startswith(
        f"expected AccessDenied, got ValidationError: sts:AssumeRole on {DEPLOY}"
    )
    assert "DurationSeconds 60 must be an integer from 900 to 43200" in message
    denied = failure(assert_cannot_assume, alice, DEPLOY, code="ValidationError")
    assert denied.startswith("expected ValidationError, got AccessDenied")
    assert (
        "condition not met — StringEquals sts:ExternalId 'ticket-42': the request lacks the key"
        in denied
    )


def test_cannot_assume_when_it_was_assumed(world: iamsim.World) -> None:
    alice = world.account("development").user("alice")
    message = failure(assert_cannot_assume, alice, DEPLOY, external_id="ticket-42")
    lines = message.splitlines()
    assert lines[0] == (
        f"expected AccessDenied, but {alice.arn} assumed {DEPLOY}: session "
        f"arn:aws:sts::222222222222:assumed-role/Deploy/{DEFAULT_SESSION_NAME}"
    )
    # the explanation is of the request STS authorized, with its external ID
    assert lines[1] == f"allowed: sts:AssumeRole on {DEPLOY}"
    assert "Allow statement 1 (Sid 'AssumeDeploy') in user alice inline 'own'" in message


def test_cannot_assume_after_expiry(world: iamsim.World) -> None:
    alice = world.account("development").user("alice")
    session = iamsim.get_session_token(alice, duration_seconds=900)
    world.advance(901)
    error = assert_cannot_assume(
        session, DEPLOY, code="ExpiredTokenException", external_id="ticket-42"
    )
    assert isinstance(error, iamsim.ValidationError)


def test_assume_callers(world: iamsim.World) -> None:
    role = world.account("production").role("Deploy")
    with pytest.raises(TypeError, match="is a role, not a caller"):
        assert_can_assume(role, AUDIT)
    with pytest.raises(TypeError, match="pass the world"):
        assert_cannot_assume("arn:aws:iam::111111111111:user/alice", DEPLOY)
    with pytest.raises(ValueError, match="another world"):
        assert_can_assume(world.account("development").user("alice"), DEPLOY, world=new_world())
    with pytest.raises(iamsim.NoSuchEntity):
        assert_can_assume("arn:aws:iam::111111111111:user/nobody", DEPLOY, world=world)


# -- worlds -----------------------------------------------------------------------------------


def test_new_world_is_fresh_and_frozen() -> None:
    first, second = new_world(), new_world()
    assert first is not second
    assert first.now == second.now == FIXED_NOW
    assert FIXED_NOW.isoformat() == "2026-01-01T00:00:00+00:00"
    assert first.accounts == ()
    first.advance(60)
    assert (first.now - FIXED_NOW).total_seconds() == 60
    assert second.now == FIXED_NOW


def test_world_from_an_authorization_details_file() -> None:
    world = world_from_file(ROOT / "tests" / "data" / "authorization-details.json")
    assert [a.id for a in world.accounts] == ["123456789012"]
    assert world.now == FIXED_NOW
    later = world_from_file(
        str(ROOT / "tests" / "data" / "authorization-details.json"),
        now=FIXED_NOW.replace(year=2027),
    )
    assert later.now.year == 2027


def test_world_from_a_world_file_keeps_its_clock() -> None:
    world = world_from_file(ROOT / "examples" / "world.yaml")
    assert world.now.isoformat() == "2026-01-15T09:00:00+00:00"
    assert world.account("development").user("alice").arn.endswith("user/alice")
    assert world_from_file(ROOT / "examples" / "world.yaml", now=FIXED_NOW).now == FIXED_NOW


def test_world_file_without_a_clock_gets_the_fixed_instant(tmp_path: Path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text('accounts:\n  - id: "111111111111"\n    users: [{name: alice}]\n')
    world = world_from_file(path)
    assert world.now == FIXED_NOW
    json_path = tmp_path / "small.json"
    json_path.write_text('{"accounts": [{"id": "111111111111"}]}')
    assert world_from_file(json_path).now == FIXED_NOW


def test_load_errors_name_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text('accounts:\n  - id: "111111111111"\n    userz: []\n')
    with pytest.raises(iamsim.LoadError) as info:
        world_from_file(broken)
    assert str(info.value).startswith(f"{broken}: accounts[0] 111111111111")
    assert "userz" in str(info.value)
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text("accounts: [\n")
    with pytest.raises(iamsim.LoadError, match="not valid YAML"):
        world_from_file(invalid)
    with pytest.raises(iamsim.LoadError, match="cannot read"):
        world_from_file(tmp_path / "missing.yaml")
    details = tmp_path / "details.json"
    details.write_text(
        '{"UserDetailList": [{"UserName": "a", "Arn": "arn:aws:iam::111111111111:user/a"}], '
        '"Unexpected": 1}'
    )
    with pytest.raises(iamsim.LoadError) as info:
        world_from_file(details)
    assert str(info.value).startswith(f"{details}: ")
    assert "Unexpected" in str(info.value)


# -- packaging --------------------------------------------------------------------------------


def test_importable_without_pytest() -> None:
    """Projects using unittest or plain scripts can use the helpers: nothing imports pytest."""
    code = (
        "import sys\n"
        "sys.modules['pytest'] = None\n"
        "sys.modules['_pytest'] = None\n"
        "import iamsim.testing\n"
        "assert 'pytest' not in [m.split('.')[0] for m in sys.modules if sys.modules[m]]\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr


def test_helpers_hide_their_frames_from_pytest_tracebacks() -> None:
    """pytest cuts frames whose locals say __tracebackhide__, so a failure points at the test."""
    for helper in (
        assert_allowed,
        assert_denied,
        assert_explicitly_denied,
        assert_implicitly_denied,
        assert_decision,
        assert_can_assume,
        assert_cannot_assume,
    ):
        assert "__tracebackhide__" in helper.__code__.co_varnames, helper.__name__
