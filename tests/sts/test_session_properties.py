"""Invariants of sessions, on generated users, roles, session policies and requests.

https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use.html (the caller's permissions are
suspended while it uses the role), https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
(session policies only restrict), STS API_AssumeRole (expiry), CloudTrail (every call recorded).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

import iamsim

V = "2012-10-17"
ACTIONS = (
    "s3:GetObject",
    "s3:PutObject",
    "sqs:SendMessage",
    "ec2:StartInstances",
    "sts:AssumeRole",
)
PATTERNS = ("s3:*", "s3:Get*", "sqs:*", "ec2:StartInstances", "*", "s3:PutObject")
RESOURCES = (
    "arn:aws:s3:::alpha/k",
    "arn:aws:s3:::beta/k",
    "arn:aws:sqs:us-east-1:222222222222:q",
    "arn:aws:ec2:us-east-1:222222222222:instance/i-1",
)
ROLE = "arn:aws:iam::222222222222:role/Target"

statements = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(["Allow", "Allow", "Deny"]),
        "Action": st.sampled_from(PATTERNS),
        "Resource": st.sampled_from(["*", "arn:aws:s3:::alpha/*", "arn:aws:s3:::*"]),
    }
)
documents = st.lists(statements, min_size=1, max_size=3).map(
    lambda s: {"Version": V, "Statement": s}
)
requests = st.tuples(st.sampled_from(ACTIONS), st.sampled_from(RESOURCES))


def assumed(user: iamsim.User, **options: Any) -> iamsim.RoleSession:
    """A session of the target role, or a rejected example when the user's own Deny refuses it."""
    try:
        return iamsim.assume_role(user, ROLE, session_name="s1", **options)
    except iamsim.AccessDenied:
        assume(False)
        raise


def build(
    user_policy: dict[str, Any], role_policy: dict[str, Any]
) -> tuple[iamsim.World, iamsim.User]:
    world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
    dev = world.create_account("111111111111")
    prod = world.create_account("222222222222")
    user = dev.create_user(
        "u",
        mfa=True,
        policies={
            "own": user_policy,
            "assume": {
                "Version": V,
                "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ROLE}],
            },
        },
    )
    prod.create_role(
        "Target",
        policies={"role": role_policy},
        trust_policy={
            "Version": V,
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "111111111111"},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
    )
    return world, user


@settings(max_examples=60)
@given(documents, documents, documents, st.lists(requests, min_size=1, max_size=6))
def test_in_a_role_the_callers_own_policies_play_no_part(
    own_a: dict[str, Any],
    own_b: dict[str, Any],
    role_policy: dict[str, Any],
    asked: list[tuple[str, str]],
) -> None:
    _world_a, user_a = build(own_a, role_policy)
    _world_b, user_b = build(own_b, role_policy)
    session_a, session_b = assumed(user_a), assumed(user_b)
    for action, resource in asked:
        assert (
            iamsim.evaluate(session_a, action, resource).outcome
            is iamsim.evaluate(session_b, action, resource).outcome
        )


@settings(max_examples=60)
@given(documents, documents, st.lists(requests, min_size=1, max_size=6))
def test_after_exit_every_decision_is_the_users_own(
    own: dict[str, Any], role_policy: dict[str, Any], asked: list[tuple[str, str]]
) -> None:
    _world, user = build(own, role_policy)
    console = iamsim.sign_in(user)
    before = [console.evaluate(a, r).outcome for a, r in asked]
    try:
        console.switch_role("222222222222", "Target")
    except iamsim.AccessDenied:
        assume(False)  # the user's own Deny refuses the switch: nothing to compare
    console.exit_role()
    after = [console.evaluate(a, r).outcome for a, r in asked]
    assert before == after
    direct = [iamsim.evaluate(user, a, r).outcome for a, r in asked]
    assert after == direct


@settings(max_examples=60)
@given(
    documents,
    documents,
    st.one_of(st.none(), documents),
    st.lists(requests, min_size=1, max_size=6),
)
def test_a_session_never_does_more_than_the_role(
    own: dict[str, Any],
    role_policy: dict[str, Any],
    session_policy: dict[str, Any] | None,
    asked: list[tuple[str, str]],
) -> None:
    world, user = build(own, role_policy)
    role = world.account("222222222222").role("Target")
    session = assumed(user, policy=session_policy)
    for action, resource in asked:
        if iamsim.evaluate(session, action, resource).allowed:
            assert iamsim.evaluate(role, action, resource).allowed


@settings(max_examples=40)
@given(
    documents,
    st.integers(900, 3600),
    st.integers(0, 7200),
    st.lists(requests, min_size=1, max_size=4),
)
def test_an_expired_session_is_always_denied(
    role_policy: dict[str, Any], duration: int, wait: int, asked: list[tuple[str, str]]
) -> None:
    world, user = build(
        {"Version": V, "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
        role_policy,
    )
    session = iamsim.assume_role(user, ROLE, session_name="s1", duration_seconds=duration)
    world.advance(wait)
    for action, resource in asked:
        decision = iamsim.evaluate(session, action, resource)
        if wait >= duration:
            assert not decision.allowed
            assert decision.reason is iamsim.decision.Reason.CREDENTIALS_EXPIRED


attempts = st.fixed_dictionaries(
    {
        "session_name": st.sampled_from(["ok-name", "x", "has space", "alice"]),
        "duration_seconds": st.sampled_from([900, 3600, 7200, 100]),
        "external_id": st.sampled_from([None, "abc123", "!"]),
        "mfa": st.booleans(),
        "role": st.sampled_from([ROLE, "arn:aws:iam::222222222222:role/Missing", "not-an-arn"]),
    }
)


@settings(max_examples=60)
@given(documents, st.lists(attempts, min_size=1, max_size=5))
def test_every_assume_attempt_is_audited_exactly_once(
    own: dict[str, Any], tries: list[dict[str, Any]]
) -> None:
    world, user = build(
        own, {"Version": V, "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    )
    for number, attempt in enumerate(tries, start=1):
        mfa = {"serial_number": user.mfa_serial, "token_code": "123456"} if attempt["mfa"] else {}
        try:
            iamsim.assume_role(
                user,
                attempt["role"],
                session_name=attempt["session_name"],
                duration_seconds=attempt["duration_seconds"],
                external_id=attempt["external_id"],
                **mfa,
            )
            succeeded = True
        except iamsim.IamSimError:
            succeeded = False
        assert len(world.events) == number
        assert ("errorCode" not in world.events[-1]) == succeeded
