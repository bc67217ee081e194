"""The policy grammar and IAM's validation, with every problem located.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import iamsim
from iamsim import Policy, PolicyError, PolicyKind

from .helpers import allow, policy, statement


def problems(document: Any, kind: str | None = None) -> list[str]:
    with pytest.raises(PolicyError) as info:
        Policy.parse(document, kind)
    assert info.value.code == "MalformedPolicyDocument"
    return [f"{p.location}: {p.message}" for p in info.value.problems]


def test_statement_may_be_one_object_or_a_list() -> None:
    # reference_policies_grammar.html: Statement is a statement or an array of statements
    single = Policy.parse({"Version": "2012-10-17", "Statement": statement()})
    assert not single.statement_is_list
    assert Policy.parse(allow()).statement_is_list
    assert single.to_json()["Statement"] == statement()


def test_single_string_equals_one_element_list() -> None:
    p = Policy.parse(allow("s3:GetObject", ["arn:aws:s3:::b/*"]))
    assert p.statements[0].action == "s3:GetObject"
    assert p.statements[0].resource == ("arn:aws:s3:::b/*",)


def test_every_problem_is_collected_with_its_location() -> None:
    text = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                statement(),
                {
                    "Effect": "allow",
                    "Action": "s3Get",
                    "Resourse": "x",
                    "Condition": {"StringEqulas": {"aws:username": "a"}},
                },
            ],
        },
        indent=2,
    )
    with pytest.raises(PolicyError) as info:
        Policy.parse(text, "identity")
    found = {p.location: p for p in info.value.problems}
    assert "Statement[1].Condition.StringEqulas" in found
    assert "did you mean `StringEquals`" in found["Statement[1].Condition.StringEqulas"].message
    assert "did you mean `Resource`" in found["Statement[1].Resourse"].message
    assert "case-sensitive" in found["Statement[1].Effect"].message
    assert found["Statement[1].Effect"].line is not None
    assert all(p.statement_index == 1 for p in info.value.problems)
    # the message names each problem on its own line
    assert str(info.value).count("\n") == len(info.value.problems)


def test_missing_required_elements() -> None:
    assert problems({"Version": "2012-10-17"}) == [
        "(document): missing the required element `Statement`".replace("(document)", "")
    ]
    found = problems(policy({"Action": "s3:*", "Resource": "*"}))
    assert any("`Effect`" in p for p in found)
    found = problems(policy({"Effect": "Allow", "Resource": "*"}))
    assert any("`Action`" in p for p in found)
    # identity policies need Resource; resource-based policies may omit it
    found = problems(policy({"Effect": "Allow", "Action": "s3:*"}), "identity")
    assert any("`Resource`" in p for p in found)
    Policy.parse(policy({"Effect": "Allow", "Action": "s3:*", "Principal": "*"}), "resource")


def test_action_and_notaction_together() -> None:
    found = problems(policy(statement(NotAction="s3:*")))
    assert any("`Action` or `NotAction`, not both" in p for p in found)


def test_resource_and_notresource_together() -> None:
    found = problems(policy(statement(NotResource="*")))
    assert any("not both" in p for p in found)


@pytest.mark.parametrize("version", ["2012-10-18", "2012", 2012])
def test_bad_version(version: Any) -> None:
    # reference_policies_elements_version.html: 2012-10-17 or 2008-10-17
    doc = allow()
    doc["Version"] = version
    assert any(p.startswith("Version:") for p in problems(doc))


def test_versions_accepted() -> None:
    assert Policy.parse(allow()).variables_enabled
    assert not Policy.parse(policy(statement(), version="2008-10-17")).variables_enabled
    assert not Policy.parse(policy(statement(), version=None)).variables_enabled


def test_unknown_top_level_element() -> None:
    doc = allow()
    doc["Statment"] = []
    assert any("did you mean `Statement`" in p for p in problems(doc))


@pytest.mark.parametrize(
    "resource",
    ["bucket", "arn:aws:s3", "arn:aws:*:::b", "arn:aws:s3:${aws:username}::b"],
)
def test_malformed_resource_arns(resource: str) -> None:
    assert any("Resource" in p for p in problems(allow("s3:*", resource)))


@pytest.mark.parametrize(
    "principal",
    [
        {"AWS": "arn:aws:iam::1111:user/x"},
        {"AWS": "arn:aws:iam::111122223333:user/*"},
        {"Groups": "x"},
        "everyone",
        {"Service": ""},
        {},
    ],
)
def test_malformed_principals(principal: Any) -> None:
    doc = policy({**statement(), "Principal": principal})
    assert problems(doc, "resource")


def test_principal_forms_accepted() -> None:
    # reference_policies_elements_principal.html
    principal = {
        "AWS": [
            "123456789012",
            "arn:aws:iam::123456789012:root",
            "arn:aws:iam::123456789012:user/u",
            "arn:aws:iam::123456789012:role/path/r",
            "arn:aws:sts::123456789012:assumed-role/r/s",
            "arn:aws:sts::123456789012:federated-user/f",
        ],
        "Service": "ec2.amazonaws.com",
        "Federated": "arn:aws:iam::123456789012:saml-provider/idp",
        "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
    }
    parsed = Policy.parse(policy({**statement(), "Principal": principal}), "resource")
    assert parsed.statements[0].principal is not None
    assert parsed.statements[0].principal.ids("Service") == ("ec2.amazonaws.com",)


def test_kind_rules() -> None:
    with_principal = policy({**statement(), "Principal": "*"})
    assert any("takes no `Principal`" in p for p in problems(with_principal, "identity"))
    assert any("takes no `Principal`" in p for p in problems(with_principal, "boundary"))
    trust = policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "111122223333"},
            "Action": "sts:AssumeRole",
            "Resource": "*",
        }
    )
    assert any("trust policy takes no `Resource`" in p for p in problems(trust, "trust"))
    notprincipal_allow = policy({**statement(), "NotPrincipal": {"AWS": "111122223333"}})
    # reference_policies_elements_notprincipal.html: NotPrincipal only with Deny
    assert any("only with Effect Deny" in p for p in problems(notprincipal_allow, "resource"))


def test_rcp_rules() -> None:
    # organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html
    full = policy({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"})
    Policy.parse(full, "rcp")
    custom_allow = policy({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"})
    assert any("can only Deny" in p for p in problems(custom_allow, "rcp"))
    not_action = policy({"Effect": "Deny", "Principal": "*", "NotAction": "s3:*", "Resource": "*"})
    assert any("no `NotAction`" in p for p in problems(not_action, "rcp"))
    old = policy(
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"},
        version="2008-10-17",
    )
    assert any("2012-10-17" in p for p in problems(old, "rcp"))


def test_iam_sid_characters_and_uniqueness() -> None:
    bad = policy(statement(Sid="has space"))
    assert any("A-Z, a-z and 0-9" in p for p in problems(bad, "identity"))
    twice = policy(statement(Sid="One"), statement(Sid="One"))
    assert any("used twice" in p for p in problems(twice, "identity"))


def test_iam_policy_characters() -> None:
    # reference_iam-quotas.html: only TAB, LF, CR and U+0020..U+00FF
    doc = allow(Condition={"StringEquals": {"aws:PrincipalTag/team": "\u65e5\u672c"}})
    assert any("U+00FF" in p for p in problems(doc, "identity"))


def test_duplicate_keys_in_json_text() -> None:
    text = '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Effect": "Deny", "Action": "*", "Resource": "*"}}'
    assert any("twice" in p for p in problems(text))


@pytest.mark.parametrize("text", ["", "{", "[]", "null", '{"Statement": NaN}', b"\xff"])
def test_not_json_or_not_an_object(text: Any) -> None:
    assert problems(text)


@pytest.mark.parametrize(
    ("operator", "value"),
    [
        ("NumericLessThan", "ten"),
        ("DateGreaterThan", "yesterday"),
        ("Bool", "yes"),
        ("IpAddress", "300.1.1.1/8"),
        ("BinaryEquals", "not base64!"),
        ("ArnLike", "arn:aws:s3"),
        ("Null", "maybe"),
    ],
)
def test_condition_values_checked_against_the_operator(operator: str, value: str) -> None:
    doc = allow(Condition={operator: {"aws:SomeKey": value}})
    found = problems(doc)
    assert found[0].startswith(f"Statement[0].Condition.{operator}.aws:SomeKey")


def test_condition_values_may_be_numbers_and_booleans() -> None:
    p = Policy.parse(
        allow(
            Condition={
                "Bool": {"aws:SecureTransport": True},
                "NumericLessThan": {"s3:max-keys": 10},
            }
        )
    )
    values = {c.operator: c.values for c in p.statements[0].condition or ()}
    assert values == {"Bool": "true", "NumericLessThan": "10"}


@pytest.mark.parametrize(
    "name",
    [
        "StringEquals",
        "StringNotEqualsIfExists",
        "ForAllValues:StringLike",
        "ForAnyValue:ArnNotLikeIfExists",
        "Null",
        "BinaryEquals",
    ],
)
def test_operator_names_accepted(name: str) -> None:
    value = {"BinaryEquals": "dGVzdA==", "ForAnyValue:ArnNotLikeIfExists": "arn:aws:s3:::*"}
    Policy.parse(allow(Condition={name: {"aws:k": value.get(name, "true")}}))


@pytest.mark.parametrize(
    "name",
    [
        "stringequals",
        "NullIfExists",
        "ForAllValues:Null",
        "ForEveryValue:StringEquals",
        "StringLikeIgnoreCase",
    ],
)
def test_operator_names_rejected(name: str) -> None:
    assert problems(allow(Condition={name: {"aws:k": "v"}}))


def test_round_trip_preserves_shape() -> None:
    doc = {
        "Version": "2012-10-17",
        "Id": "example",
        "Statement": [
            {
                "Sid": "A",
                "Effect": "Allow",
                "Principal": {"AWS": ["111122223333"]},
                "Action": ["s3:GetObject"],
                "Resource": "arn:aws:s3:::b/*",
                "Condition": {"StringEquals": {"aws:PrincipalTag/t": ["x", "y"]}},
            },
        ],
    }
    parsed = Policy.parse(doc, "resource")
    assert parsed.to_json() == doc
    assert Policy.parse(parsed.to_json_text()) == parsed


def test_parse_accepts_a_policy_and_rechecks_its_kind() -> None:
    parsed = Policy.parse(policy({**statement(), "Principal": "*"}))
    assert Policy.parse(parsed) is parsed
    with pytest.raises(PolicyError):
        Policy.parse(parsed, PolicyKind.IDENTITY)


def test_statement_positions_from_json_text() -> None:
    text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "*", "Resource": "*"}\n  ]\n}'
    assert Policy.parse(text).statement_span(0) == (4, 5, 4, 55)
    assert Policy.parse(json.loads(text)).statement_span(0) is None


def test_policy_error_is_a_value_error_and_an_iamsim_error() -> None:
    with pytest.raises(ValueError, match="malformed policy document"):
        Policy.parse({})
    assert issubclass(PolicyError, iamsim.IamSimError)


def test_partial_arn_ending_in_star_is_a_valid_resource() -> None:
    Policy.parse(allow("s3:*", "arn:aws:s3:*"), "identity")
    Policy.parse(allow("dynamodb:*", "arn:aws:dynamodb:*"), "identity")


def test_id_is_not_allowed_in_identity_policies() -> None:
    # reference_policies_grammar.html: "It must not be included in identity-based policies."
    doc = {**allow(), "Id": "x"}
    assert any(p.startswith("Id:") for p in problems(doc, "identity"))
    Policy.parse({**policy({**statement(), "Principal": "*"}), "Id": "x"}, "resource")


def test_scp_rules() -> None:
    # organizations orgs_manage_policies_scps_syntax.html: Version 2012-10-17, no Principal
    old = policy(statement(), version="2008-10-17")
    assert any("2012-10-17" in p for p in problems(old, "scp"))
    assert any(
        "takes no `Principal`" in p
        for p in problems(policy({**statement(), "Principal": "*"}), "scp")
    )


def test_rcp_principal_must_be_star_and_action_not_star() -> None:
    # orgs_manage_policies_rcps_syntax.html
    named = policy(
        {"Effect": "Deny", "Principal": {"AWS": "111122223333"}, "Action": "s3:*", "Resource": "*"}
    )
    assert any('can only be "*"' in p for p in problems(named, "rcp"))
    star = policy({"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"})
    assert any('cannot use "*"' in p for p in problems(star, "rcp"))
