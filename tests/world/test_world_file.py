"""The world file (docs/world-file.md): the example loads and decides as AWS would, and every
broken file fails with an error naming the file, the entity and the problem.

The example is the IAM User Guide's cross-account tutorial,
https://docs.aws.amazon.com/IAM/latest/UserGuide/tutorial_cross-account-with-roles.html ;
SCPs: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html ;
policy grammar errors: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

import iamsim

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "world.yaml"
V = "2012-10-17"
UPDATE_APP = "arn:aws:iam::222222222222:role/UpdateApp"
ALLOW_S3 = {"Version": V, "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}


def outcome(
    principal: Any, action: str, resource: str, context: dict[str, Any] | None = None
) -> str:
    return str(iamsim.evaluate(principal, action, resource, context).outcome)


@pytest.fixture(scope="module")
def example() -> iamsim.World:
    return iamsim.load_world(EXAMPLE)


# -- the example world ---------------------------------------------------------------------


def test_example_entities(example: iamsim.World) -> None:
    assert example.now == datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    assert [(a.id, a.alias) for a in example.accounts] == [
        ("999999999999", "management"),
        ("111111111111", "development"),
        ("222222222222", "production"),
    ]
    org = example.organization
    assert org is not None
    assert org.id == "o-exampleorg1"
    assert example.account("management").is_management_account
    dev, prod = example.account("development"), example.account("production")
    assert dev.parent is not None
    assert dev.parent.name == "Workloads"
    assert [g.name for g in dev.groups] == ["Developers", "Testers"]
    alice, bob = dev.user("alice"), dev.user("bob")
    assert alice.groups == (dev.group("Developers"),)
    assert alice.mfa_serial == "arn:aws:iam::111111111111:mfa/alice"
    assert dict(alice.tags) == {"team": "payments"}
    assert bob.mfa_serial == "arn:aws:iam::111111111111:mfa/bob"
    assert set(dev.group("Testers").inline_policies) == {
        "read-only-dev",
        "deny-assume-S3-role-in-production",
    }
    role = prod.role("UpdateApp")
    assert role.arn == UPDATE_APP
    assert role.max_session_duration == 3600
    assert role.managed_policies == (prod.policy("read-write-app-bucket"),)
    assert dict(prod.resource("arn:aws:s3:::productionapp").tags) == {"data": "customer"}
    # AWS attaches FullAWSAccess to every new account; the root keeps the file's complete list
    assert [p.name for p in dev.scps] == ["FullAWSAccess"]
    assert [p.name for p in org.root.scps] == ["FullAWSAccess", "DenyLeavingOrg"]
    assert [p.name for p in dev.parent.rcps] == ["RCPFullAWSAccess", "OrgOnlyS3"]


def test_example_decisions(example: iamsim.World) -> None:
    dev, prod = example.account("development"), example.account("production")
    alice, bob, role = dev.user("alice"), dev.user("bob"), prod.role("UpdateApp")
    mfa = {"aws:MultiFactorAuthPresent": "true"}
    # the trust policy requires MFA, which a plain request does not carry
    assert outcome(alice, "sts:AssumeRole", UPDATE_APP) == "implicitDeny"
    # with MFA: Developers allow the AssumeRole and the trust trusts account 111111111111
    assert outcome(alice, "sts:AssumeRole", UPDATE_APP, mfa) == "allowed"
    # bob's account is trusted, but the tutorial's Testers group denies sts:AssumeRole on the role
    assert outcome(bob, "sts:AssumeRole", UPDATE_APP, mfa) == "explicitDeny"
    # Testers may read S3 in their own account
    assert outcome(bob, "s3:GetObject", "arn:aws:s3:::devbucket/notes.txt") == "allowed"
    # ...but not write
    assert outcome(bob, "s3:PutObject", "arn:aws:s3:::devbucket/notes.txt") == "implicitDeny"
    # cross-account: the production bucket has no policy naming the development account
    assert outcome(bob, "s3:GetObject", "arn:aws:s3:::productionapp/data.csv") == "implicitDeny"
    # the role's managed policy allows object writes in productionapp
    assert outcome(role, "s3:PutObject", "arn:aws:s3:::productionapp/data.csv") == "allowed"
    # and nothing allows deleting the bucket
    assert outcome(role, "s3:DeleteBucket", "arn:aws:s3:::productionapp") == "implicitDeny"
    # DenyLeavingOrg, attached at the root, denies everyone in member accounts
    assert outcome(role, "organizations:LeaveOrganization", "*") == "explicitDeny"


def test_load_world_from_a_mapping() -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    world = iamsim.load_world(data)
    assert [a.id for a in world.accounts] == ["999999999999", "111111111111", "222222222222"]
    data["accounts"][1]["users"][0]["colour"] = "blue"
    with pytest.raises(
        iamsim.LoadError, match=r"^<world>: accounts\[1\] 111111111111 > user alice: "
    ):
        iamsim.load_world(data)


def test_the_example_as_json_loads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "world.json"
    path.write_text(
        json.dumps(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))), encoding="utf-8"
    )
    world = iamsim.load_world(path)
    alice = world.account("development").user("alice")
    assert (
        outcome(alice, "sts:AssumeRole", UPDATE_APP, {"aws:MultiFactorAuthPresent": "true"})
        == "allowed"
    )


# -- broken world files ---------------------------------------------------------------------


def _world(**dev: Any) -> dict[str, Any]:
    """A small valid world; ``dev`` adds to (or replaces) keys of account 111111111111."""
    return {
        "organization": {"management_account": "999999999999", "ous": [{"name": "Workloads"}]},
        "accounts": [
            {"id": "999999999999"},
            {
                "id": "111111111111",
                "ou": "Workloads",
                "groups": [{"name": "Developers"}],
                "users": [{"name": "alice", "groups": ["Developers"]}],
                **dev,
            },
        ],
    }


def _write(tmp_path: Path, data: Any, fmt: str) -> Path:
    path = tmp_path / f"world.{fmt}"
    text = json.dumps(data, indent=2) if fmt == "json" else yaml.safe_dump(data, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def _fail(path: Path) -> str:
    with pytest.raises(iamsim.LoadError) as info:
        iamsim.load_world(path)
    assert isinstance(info.value, iamsim.IamSimError)
    return str(info.value)


BAD_CONDITION = {
    "Version": V,
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"StringEqulas": {"aws:PrincipalTag/team": "payments"}},
        }
    ],
}

CASES = {
    "unknown field": (
        _world(users=[{"name": "alice", "favourite_colour": "blue"}]),
        "accounts[1] 111111111111 > user alice",
        "unknown field(s) 'favourite_colour' in a user",
    ),
    "bad policy document": (
        _world(users=[{"name": "alice", "policies": {"own": BAD_CONDITION}}]),
        "accounts[1] 111111111111 > user alice",
        "Statement[0].Condition.StringEqulas: unknown condition operator `StringEqulas`",
    ),
    "bad trust policy": (
        _world(roles=[{"name": "Deploy", "trust_policy": BAD_CONDITION}]),
        "accounts[1] 111111111111 > role Deploy",
        "Statement[0].Condition.StringEqulas",
    ),
    "unknown group": (
        _world(users=[{"name": "alice", "groups": ["Developers", "Contractors"]}]),
        "accounts[1] 111111111111 > user alice",
        "the group with name Contractors cannot be found",
    ),
    "unknown OU": (
        _world(ou="Sandbox"),
        "accounts[1] 111111111111",
        "no OU named Sandbox",
    ),
    "unknown managed policy name": (
        _world(users=[{"name": "alice", "managed_policies": ["ReadOnly"]}]),
        "accounts[1] 111111111111 > user alice",
        "policy ReadOnly does not exist in account 111111111111",
    ),
    "unknown boundary": (
        _world(roles=[{"name": "Deploy", "trust_policy": ALLOW_S3, "boundary": "Guardrail"}]),
        "accounts[1] 111111111111 > role Deploy",
        "policy Guardrail does not exist",
    ),
    "duplicate user": (
        _world(users=[{"name": "alice"}, {"name": "bob"}, {"name": "alice"}]),
        "accounts[1] 111111111111 > user alice",
        "user with name alice already exists in 111111111111",
    ),
    "duplicate group": (
        _world(groups=[{"name": "Developers"}, {"name": "Developers"}]),
        "accounts[1] 111111111111 > group Developers",
        "group with name Developers already exists",
    ),
    "unknown account field": (
        _world(colour="blue"),
        "accounts[1] 111111111111",
        "unknown field(s) 'colour' in an account",
    ),
    "role without trust policy": (
        _world(roles=[{"name": "Deploy"}]),
        "accounts[1] 111111111111 > role Deploy",
        "a role needs a trust_policy",
    ),
}


@pytest.mark.parametrize("fmt", ["yaml", "json"])
@pytest.mark.parametrize("case", list(CASES))
def test_errors_name_the_file_the_entity_and_the_problem(
    tmp_path: Path, case: str, fmt: str
) -> None:
    data, entity, problem = CASES[case]
    path = _write(tmp_path, data, fmt)
    message = _fail(path)
    assert message.startswith(f"{path}: {entity}: "), message
    assert problem in message, message


def test_the_valid_base_world_loads(tmp_path: Path) -> None:
    world = iamsim.load_world(_write(tmp_path, _world(), "yaml"))
    assert world.account("111111111111").user("alice").groups[0].name == "Developers"


def test_organization_errors(tmp_path: Path) -> None:
    data = _world()
    data["organization"]["scps"] = ["FullAWSAccess", "DenyEverything"]
    message = _fail(_write(tmp_path, data, "yaml"))
    assert message.startswith(f"{tmp_path / 'world.yaml'}: organization > scps[1]: ")
    assert "no SCP policy named DenyEverything" in message
    data = _world()
    data["organization"]["ous"] = [{"name": "Workloads", "colour": "red"}]
    message = _fail(_write(tmp_path, data, "json"))
    assert "organization > ous[0] Workloads: unknown field(s) 'colour' in an OU" in message


def test_unknown_top_level_field(tmp_path: Path) -> None:
    data = _world()
    data["acounts"] = data.pop("accounts")
    message = _fail(_write(tmp_path, data, "yaml"))
    assert "top level: unknown field(s) 'acounts' in the world file" in message


def test_invalid_yaml(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(
        'accounts:\n  - id: "111111111111"\n    users: [\n      {name: alice\n', encoding="utf-8"
    )
    message = _fail(path)
    assert message.startswith(f"{path}: not valid YAML (line ")


def test_invalid_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"accounts": [{"id": "111111111111",}]}', encoding="utf-8")
    message = _fail(path)
    assert message.startswith(f"{path}: not valid JSON: ")
    assert "(line 1)" in message


def test_not_an_object_and_missing_files(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- id: '111111111111'\n", encoding="utf-8")
    assert _fail(path) == f"{path}: expected an object at the top level"
    missing = tmp_path / "missing.yaml"
    assert _fail(missing).startswith(f"{missing}: cannot read: ")


def test_policy_error_keeps_its_code(tmp_path: Path) -> None:
    data, _, _ = CASES["bad policy document"]
    with pytest.raises(iamsim.LoadError) as info:
        iamsim.load_world(_write(tmp_path, data, "yaml"))
    assert info.value.code == "MalformedPolicyDocument"


# -- bugs found while writing these tests -----------------------------------------------------


def _load_or_error(path: Path) -> iamsim.World | str:
    """The world, or the LoadError's message: either is a fix for the bugs below."""
    try:
        return iamsim.load_world(path)
    except iamsim.LoadError as exc:
        return str(exc)


def test_scps_on_an_account_outside_the_organization_are_an_error(tmp_path: Path) -> None:
    deny_all = {"Version": V, "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
    data = {
        "accounts": [
            {
                "id": "111111111111",
                "scps": [{"name": "DenyAll", "document": deny_all}],
                "users": [{"name": "alice", "policies": {"s3": ALLOW_S3}}],
            }
        ]
    }
    result = _load_or_error(_write(tmp_path, data, "yaml"))
    if isinstance(result, str):
        assert "accounts[0] 111111111111" in result
        return
    world = result
    # had the SCP been attached, the Deny would win
    alice = world.account("111111111111").user("alice")
    assert outcome(alice, "s3:GetObject", "arn:aws:s3:::b/k") == "explicitDeny"


def test_mfa_must_be_a_boolean(tmp_path: Path) -> None:
    path = _write(tmp_path, _world(users=[{"name": "alice", "mfa": "false"}]), "yaml")
    result = _load_or_error(path)
    if isinstance(result, str):
        assert "user alice" in result
        return
    world = result
    assert world.account("111111111111").user("alice").mfa_serial is None


def test_unknown_ou_on_the_management_account(tmp_path: Path) -> None:
    data = _world()
    data["accounts"][0]["ou"] = "Sandbox"
    message = _fail(_write(tmp_path, data, "yaml"))
    assert "accounts[0] 999999999999" in message
    assert "Sandbox" in message


def test_duplicate_keys_in_a_yaml_mapping(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text(
        "accounts:\n"
        '  - id: "111111111111"\n'
        "    users:\n"
        "      - name: alice\n"
        "        policies: {s3: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: 's3:*', Resource: '*'}]}}\n"
        "        policies: {}\n",
        encoding="utf-8",
    )
    message = _fail(path)
    assert "policies" in message


def test_a_bad_now_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "now.yaml"
    path.write_text("now: yesterday\n", encoding="utf-8")
    assert "now" in _fail(path).split("top level:", 1)[1]
