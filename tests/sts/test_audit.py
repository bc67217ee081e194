"""world.events: one CloudTrail-shaped record per STS call and console switch, in call order.

https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html
"""

from __future__ import annotations

import json

import pytest

import iamsim

from .conftest import UPDATE_APP


def test_assume_role_is_recorded(world: iamsim.World, alice: iamsim.User) -> None:
    session = iamsim.assume_role(alice, UPDATE_APP, session_name="alice", external_id="abc123")
    (event,) = world.events
    assert event["eventName"] == "AssumeRole"
    assert event["eventSource"] == "sts.amazonaws.com"
    assert event["eventTime"] == "2026-01-15T09:00:00Z"
    assert event["userIdentity"]["type"] == "IAMUser"
    assert event["userIdentity"]["arn"] == alice.arn
    assert event["userIdentity"]["accountId"] == "111111111111"
    assert event["userIdentity"]["accessKeyId"].startswith("AKIA")
    assert event["requestParameters"]["roleArn"] == UPDATE_APP
    assert event["requestParameters"]["roleSessionName"] == "alice"
    assert event["requestParameters"]["externalId"] == "abc123"
    response = event["responseElements"]
    assert response["credentials"]["accessKeyId"] == session.credentials.access_key_id
    assert response["assumedRoleUser"]["arn"] == session.arn
    assert response["assumedRoleUser"]["assumedRoleId"] == session.assumed_role_id
    assert "errorCode" not in event
    assert event["recipientAccountId"] == "111111111111"


def test_failures_are_recorded_with_their_error_code(
    world: iamsim.World, bob: iamsim.User, alice: iamsim.User
) -> None:
    with pytest.raises(iamsim.AccessDenied):
        iamsim.assume_role(bob, UPDATE_APP, session_name="bob")
    with pytest.raises(iamsim.ValidationError):
        iamsim.assume_role(alice, UPDATE_APP, session_name="x")
    denied, invalid = world.events
    assert denied["errorCode"] == "AccessDenied"
    assert denied["responseElements"] is None
    assert invalid["errorCode"] == "ValidationError"
    assert world.events.filter(succeeded=False) == [denied, invalid]
    assert world.events.filter(error_code="AccessDenied") == [denied]


def test_session_calls_are_recorded_as_the_session(world: iamsim.World, alice: iamsim.User) -> None:
    first = iamsim.assume_role(alice, UPDATE_APP, session_name="alice")
    with pytest.raises(iamsim.AccessDenied):
        iamsim.assume_role(first, UPDATE_APP, session_name="again")
    event = world.events[-1]
    assert event["userIdentity"]["type"] == "AssumedRole"
    assert event["userIdentity"]["arn"] == first.arn
    assert event["userIdentity"]["sessionContext"]["sessionIssuer"]["arn"] == UPDATE_APP


def test_console_switch_and_exit(world: iamsim.World, alice: iamsim.User) -> None:
    console = iamsim.sign_in(alice)
    console.switch_role("production", "UpdateApp")
    console.exit_role()
    names = [e["eventName"] for e in world.events]
    assert names == ["ConsoleLogin", "SwitchRole", "ExitRole"]
    assert all(e["eventSource"] == "signin.amazonaws.com" for e in world.events)


def test_get_session_token_is_recorded(world: iamsim.World, alice: iamsim.User) -> None:
    session = iamsim.get_session_token(alice, serial_number=alice.mfa_serial, token_code="000000")
    (event,) = world.events
    assert event["eventName"] == "GetSessionToken"
    assert event["requestParameters"]["serialNumber"] == alice.mfa_serial
    assert (
        event["responseElements"]["credentials"]["accessKeyId"] == session.credentials.access_key_id
    )


def test_filter_and_export(world: iamsim.World, alice: iamsim.User, tmp_path: object) -> None:
    iamsim.assume_role(alice, UPDATE_APP, session_name="one")
    world.advance(60)
    iamsim.assume_role(alice, UPDATE_APP, session_name="two")
    assert len(world.events.filter(event_name="AssumeRole", arn=alice.arn)) == 2
    assert len(world.events.filter(since=world.now)) == 1
    lines = world.events.to_jsonl().splitlines()
    assert [json.loads(line)["requestParameters"]["roleSessionName"] for line in lines] == [
        "one",
        "two",
    ]
    with pytest.raises(TypeError):
        world.events[0]["eventName"] = "x"  # type: ignore[index]
