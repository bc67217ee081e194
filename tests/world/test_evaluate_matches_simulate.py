"""For random small worlds, evaluate() equals simulate() fed with the policies the world holds for
that caller and resource, gathered here independently from the public handles: the two paths
never disagree. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import iamsim

V = "2012-10-17"
ACCOUNTS = ("111111111111", "222222222222")
ACTIONS = ("s3:GetObject", "s3:PutObject", "sqs:SendMessage", "ec2:StartInstances")
PATTERNS = ("s3:*", "s3:Get*", "sqs:SendMessage", "ec2:*", "*")
RESOURCES = (
    "arn:aws:s3:::alpha/key",
    "arn:aws:s3:::beta/key",
    "arn:aws:sqs:us-east-1:222222222222:queue",
    "arn:aws:ec2:us-east-1:111111111111:instance/i-1",
)
RESOURCE_PATTERNS = ("*", "arn:aws:s3:::alpha/*", "arn:aws:s3:::*", "arn:aws:sqs:*:*:queue")
CONDITIONS = (
    None,
    {"StringEquals": {"aws:PrincipalTag/team": "blue"}},
    {"StringEquals": {"aws:ResourceAccount": "111111111111"}},
    {"Null": {"aws:PrincipalOrgID": "false"}},
)


def statement(draw: Any, effect: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "Effect": effect or draw(st.sampled_from(("Allow", "Allow", "Deny"))),
        "Action": draw(st.sampled_from(PATTERNS)),
        "Resource": draw(st.sampled_from(RESOURCE_PATTERNS)),
    }
    condition = draw(st.sampled_from(CONDITIONS))
    if condition:
        body["Condition"] = condition
    return body


def document(draw: Any, *, effect: str | None = None, principal: bool = False) -> dict[str, Any]:
    statements = []
    for _ in range(draw(st.integers(1, 2))):
        body = statement(draw, effect)
        if principal:
            body["Principal"] = draw(
                st.sampled_from(
                    (
                        "*",
                        {"AWS": ACCOUNTS[0]},
                        {"AWS": ACCOUNTS[1]},
                        {"AWS": f"arn:aws:iam::{ACCOUNTS[0]}:user/u0"},
                    )
                )
            )
        statements.append(body)
    return {"Version": V, "Statement": statements}


@st.composite
def worlds(draw: Any) -> tuple[iamsim.World, list[iamsim.User]]:
    world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
    in_org = draw(st.booleans())
    ou = None
    if in_org:
        org = world.create_organization("999999999999", org_id="o-exampleorg1")
        ou = org.create_ou("Workloads")
        if draw(st.booleans()):
            ou.attach_scp(document(draw, effect="Deny"), name="Guard")
        if draw(st.booleans()):
            ou.attach_rcp(
                {
                    "Version": V,
                    "Statement": [
                        {
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:PutObject",
                            "Resource": "*",
                            "Condition": {
                                "StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-exampleorg1"}
                            },
                        }
                    ],
                },
                name="Perimeter",
            )
    users = []
    for index, account_id in enumerate(ACCOUNTS):
        account = world.create_account(
            account_id, ou=ou if index == 0 or draw(st.booleans()) else None
        )
        managed = account.create_policy("Shared", document(draw))
        account.create_group("G", policies={"g": document(draw)}, managed_policies=[managed.arn])
        for number in range(2):
            users.append(
                account.create_user(
                    f"u{number}",
                    groups=["G"] if draw(st.booleans()) else [],
                    policies={"own": document(draw)} if draw(st.booleans()) else {},
                    managed_policies=[managed.arn] if draw(st.booleans()) else [],
                    boundary=document(draw, effect="Allow") if draw(st.booleans()) else None,
                    tags={"team": draw(st.sampled_from(("blue", "red")))},
                )
            )
    world.account(ACCOUNTS[0]).add_resource(
        "arn:aws:s3:::alpha", policy=document(draw, principal=True)
    )
    world.account(ACCOUNTS[1]).add_resource(
        "arn:aws:s3:::beta", policy=document(draw, principal=True), tags={"team": "blue"}
    )
    world.account(ACCOUNTS[1]).add_resource(
        "arn:aws:sqs:us-east-1:222222222222:queue", policy=document(draw, principal=True)
    )
    return world, users


def gathered_case(
    world: iamsim.World, user: iamsim.User, resource: str, decision: iamsim.Decision
) -> dict[str, Any]:
    """The simulate case for this request, from the public handles only."""
    identity = [p.to_json() for p in user.inline_policies.values()]
    identity += [m.document.to_json() for m in user.managed_policies]
    for group in user.groups:
        identity += [p.to_json() for p in group.inline_policies.values()]
        identity += [m.document.to_json() for m in group.managed_policies]
    bucket = resource.split("/", 1)[0] if resource.startswith("arn:aws:s3:::") else resource
    try:
        held = world.resource(bucket)
    except iamsim.NoSuchEntity:
        held = None
    resource_account = held.account.id if held else (resource.split(":")[4] or user.account.id)

    def levels(account_id: str, kind: str) -> list[list[dict[str, Any]]]:
        org = world.organization
        account = world.account(account_id)
        if org is None or account.parent is None or account.is_management_account:
            return []
        chain = []
        node: Any = account.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        targets = [*reversed(chain), account]
        return [[p.document.to_json() for p in getattr(t, kind)] for t in targets]

    return {
        "policies": {
            "identity": identity,
            "resource": held.policy.to_json() if held and held.policy else None,
            "boundary": user.boundary.document.to_json() if user.boundary else None,
            "scps": levels(user.account.id, "scps"),
            "rcps": levels(resource_account, "rcps"),
        },
        "request": {
            "principal": user.arn,
            "action": decision.request.action,
            "resource": resource,
            "resource_account": resource_account,
            "context": {
                k: list(v) if isinstance(v, tuple) else v
                for k, v in decision.request.context.items()
            },
        },
    }


@settings(max_examples=60)
@given(worlds(), st.data())
def test_evaluate_equals_simulate_on_gathered_policies(built: Any, data: st.DataObject) -> None:
    world, users = built
    for _ in range(6):
        user = data.draw(st.sampled_from(users))
        action = data.draw(st.sampled_from(ACTIONS))
        resource = data.draw(st.sampled_from(RESOURCES))
        decision = iamsim.evaluate(user, action, resource)
        simulated = iamsim.simulate(gathered_case(world, user, resource, decision))
        assert simulated.outcome is decision.outcome, (
            decision.explain() + "\n---\n" + simulated.explain()
        )
