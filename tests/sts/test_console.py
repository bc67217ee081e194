"""The console: sign in, Switch Role, Switch back, and the links that pre-fill Switch Role.

DOC = https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-console.html
"""

from __future__ import annotations

import pytest

import iamsim
from iamsim.decision import Reason

from .conftest import BUCKET, UPDATE_APP, allow, doc


def test_switch_suspends_the_users_permissions_and_exit_restores_them(alice: iamsim.User) -> None:
    console = iamsim.sign_in(alice)
    assert console.evaluate("s3:PutObject", "arn:aws:s3:::devbucket/x").allowed
    session = console.switch_role("production", "UpdateApp")
    assert console.active is session
    assert session.arn == "arn:aws:sts::222222222222:assumed-role/UpdateApp/alice"
    assert console.evaluate("s3:PutObject", f"{BUCKET}/app.zip").allowed
    assert not console.evaluate("s3:PutObject", "arn:aws:s3:::devbucket/x").allowed
    console.exit_role()
    assert console.evaluate("s3:PutObject", "arn:aws:s3:::devbucket/x").allowed
    assert not console.evaluate("s3:PutObject", f"{BUCKET}/app.zip").allowed
    with pytest.raises(iamsim.ValidationError):
        console.exit_role()


def test_switch_by_account_id_and_refusal(bob: iamsim.User) -> None:
    console = iamsim.sign_in(bob)
    with pytest.raises(iamsim.AccessDenied):
        console.switch_role("222222222222", "UpdateApp")
    assert console.active.arn == bob.arn


def test_switching_uses_the_users_own_credentials(world: iamsim.World, alice: iamsim.User) -> None:
    # the console authorizes every switch with the original user's credentials, so a role the
    # current role could not assume is still reachable when the user may assume it
    prod = world.account("production")
    prod.create_role(
        "Audit",
        trust_policy=doc(
            {"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "sts:AssumeRole"}
        ),
    )
    alice.put_policy("audit", allow("sts:AssumeRole", "arn:aws:iam::222222222222:role/Audit"))
    console = iamsim.sign_in(alice)
    first = console.switch_role("production", "UpdateApp")
    assert not iamsim.evaluate(
        first, "sts:AssumeRole", "arn:aws:iam::222222222222:role/Audit"
    ).allowed
    second = console.switch_role("production", "Audit")
    assert second.caller.arn == alice.arn  # not the UpdateApp session
    assert not second.chained


def test_console_cannot_pass_an_external_id(world: iamsim.World, alice: iamsim.User) -> None:
    world.account("production").role("UpdateApp").update_trust_policy(
        doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "111111111111"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": "Example987"}},
            }
        )
    )
    with pytest.raises(iamsim.AccessDenied):
        iamsim.sign_in(alice).switch_role("production", "UpdateApp")


def test_mfa_sign_in_carries_into_the_role(world: iamsim.World, alice: iamsim.User) -> None:
    world.account("production").role("UpdateApp").update_trust_policy(
        doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "111111111111"},
                "Action": "sts:AssumeRole",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
            }
        )
    )
    with pytest.raises(iamsim.AccessDenied):
        iamsim.sign_in(alice).switch_role("production", "UpdateApp")
    console = iamsim.sign_in(alice, mfa=True)
    session = console.switch_role("production", "UpdateApp")
    assert session.mfa_authenticated
    with pytest.raises(iamsim.ValidationError):
        iamsim.sign_in(world.account("development").create_user("nodevice"), mfa=True)


def test_console_user_requests_carry_mfa_keys(alice: iamsim.User) -> None:
    context = (
        iamsim.sign_in(alice).evaluate("s3:GetObject", "arn:aws:s3:::devbucket/x").request.context
    )
    assert context["aws:multifactorauthpresent"] == "false"


def test_history_keeps_five_recent_roles(world: iamsim.World, alice: iamsim.User) -> None:
    prod = world.account("production")
    names = [f"Role{i}" for i in range(7)]
    for name in names:
        prod.create_role(
            name,
            trust_policy=doc(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "111111111111"},
                    "Action": "sts:AssumeRole",
                }
            ),
        )
    alice.put_policy("all", allow("sts:AssumeRole", "arn:aws:iam::222222222222:role/*"))
    console = iamsim.sign_in(alice)
    for name in names:
        console.switch_role("production", name, display_name=f"Prod {name}")
    console.switch_role("production", "Role3")
    assert [h.role_name for h in console.history] == ["Role3", "Role6", "Role5", "Role4", "Role2"]
    assert console.display_name == "Role3 @ production"


def test_console_role_session_ends_with_the_role_limit(
    world: iamsim.World, alice: iamsim.User
) -> None:
    session = iamsim.sign_in(alice).switch_role("production", "UpdateApp")
    world.advance(3600)
    assert (
        iamsim.evaluate(session, "s3:GetObject", f"{BUCKET}/x").reason is Reason.CREDENTIALS_EXPIRED
    )


def test_switch_role_url_round_trip(world: iamsim.World) -> None:
    prod = world.account("production")
    role = prod.create_role(
        "Admin",
        path="/ops/",
        trust_policy=doc(
            {"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "sts:AssumeRole"}
        ),
    )
    url = iamsim.switch_role_url(role, display_name="Prod admin")
    assert url.startswith("https://signin.aws.amazon.com/switchrole?")
    link = iamsim.parse_switch_role_url(url)
    assert (link.account, link.role_name, link.display_name) == (
        "222222222222",
        "ops/Admin",
        "Prod admin",
    )
    plain = iamsim.parse_switch_role_url(
        iamsim.switch_role_url(world.account("production").role("UpdateApp"))
    )
    assert (plain.role_name, plain.display_name) == ("UpdateApp", None)


@pytest.mark.parametrize(
    "url",
    [
        "http://signin.aws.amazon.com/switchrole?account=222222222222&roleName=X",
        "https://evil.example.com/switchrole?account=222222222222&roleName=X",
        "https://signin.aws.amazon.com/login?account=222222222222&roleName=X",
        "https://signin.aws.amazon.com/switchrole?roleName=X",
        "https://signin.aws.amazon.com/switchrole?account=2222&roleName=X",
        "https://signin.aws.amazon.com/switchrole?account=222222222222",
        "https://signin.aws.amazon.com/switchrole?account=222222222222&roleName=bad%20name",
        "https://signin.aws.amazon.com/switchrole?account=222222222222&roleName=" + "x" * 65,
        "https://signin.aws.amazon.com/switchrole?account=1&account=2&roleName=X",
    ],
)
def test_malformed_switch_role_links(url: str) -> None:
    with pytest.raises(iamsim.ValidationError):
        iamsim.parse_switch_role_url(url)


def test_switch_role_from_a_link(alice: iamsim.User, world: iamsim.World) -> None:
    link = iamsim.parse_switch_role_url(
        iamsim.switch_role_url(world.account("production").role("UpdateApp"), "Prod")
    )
    console = iamsim.sign_in(alice)
    console.switch_role(link.account, link.role_name, link.display_name)
    assert console.active.arn.endswith("assumed-role/UpdateApp/alice")
    assert console.display_name == "Prod"


def test_unknown_account_or_role(alice: iamsim.User) -> None:
    console = iamsim.sign_in(alice)
    with pytest.raises(iamsim.NoSuchEntity):
        console.switch_role("nowhere", "UpdateApp")
    with pytest.raises(iamsim.AccessDenied):
        console.switch_role("production", "Nope")
    _ = UPDATE_APP


def test_console_role_session_lasts_the_role_maximum_or_the_time_left(
    world: iamsim.World, alice: iamsim.User
) -> None:
    # DOC id_roles_use_switch-role-console.html: "the role maximum session duration, or the
    # remaining time in the IAM user's session, whichever is less"
    prod = world.account("production")
    prod.create_role(
        "Long",
        max_session_duration=7200,
        trust_policy=doc(
            {"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "sts:AssumeRole"}
        ),
    )
    alice.put_policy("long", allow("sts:AssumeRole", "arn:aws:iam::222222222222:role/Long"))
    console = iamsim.sign_in(alice)
    session = console.switch_role("production", "Long")
    assert (session.expiration - world.now).total_seconds() == 7200
    world.advance(11 * 3600)  # one hour left of the 12-hour console session
    session = console.switch_role("production", "Long")
    assert (session.expiration - world.now).total_seconds() == 3600
