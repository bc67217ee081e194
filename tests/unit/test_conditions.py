"""Every condition operator, IfExists, set operators, and the AND/OR rules of a Condition block.

Operators: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
Logic: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
Multivalued keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
"""

from __future__ import annotations

from typing import Any

import pytest

import iamsim
from iamsim.operators import OPERATORS, ValueKind, parse_operator

from .helpers import condition_allows, condition_denies


def holds(operator: str, key: str, values: Any, context: dict[str, Any] | None) -> bool:
    return condition_allows({operator: {key: values}}, context)


# --- String (Conditions_String) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "policy_value", "request_value", "expected"),
    [
        ("StringEquals", "alice", "alice", True),
        ("StringEquals", "alice", "Alice", False),  # case-sensitive
        ("StringNotEquals", "alice", "bob", True),
        ("StringNotEquals", "alice", "alice", False),
        ("StringEqualsIgnoreCase", "Blue", "BLUE", True),
        ("StringNotEqualsIgnoreCase", "Blue", "blue", False),
        ("StringLike", "home/*", "home/alice/", True),
        ("StringLike", "home/", "home/alice/", False),  # no wildcard: exact
        ("StringLike", "logs/202?/", "logs/2024/", True),
        ("StringLike", "logs/202?/", "logs/20245/", False),
        ("StringLike", "*", "", True),
        ("StringNotLike", "home/*", "tmp/x", True),
        ("StringNotLike", "home/*", "home/x", False),
        ("StringEquals", "", "", True),
    ],
)
def test_string_operators(
    operator: str, policy_value: str, request_value: str, expected: bool
) -> None:
    assert holds(operator, "s3:prefix", policy_value, {"s3:prefix": request_value}) is expected


def test_several_values_of_one_key_are_ored() -> None:
    assert holds(
        "StringEquals",
        "aws:RequestedRegion",
        ["eu-west-1", "eu-west-2"],
        {"aws:RequestedRegion": "eu-west-2"},
    )


def test_negated_operator_with_several_values_is_nor() -> None:
    # StringNotEquals [a, b]: true only if the value is neither a nor b
    assert holds("StringNotEquals", "k", ["a", "b"], {"k": "c"})
    assert not holds("StringNotEquals", "k", ["a", "b"], {"k": "b"})


# --- absent keys ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "value"),
    [
        ("StringEquals", "x"),
        ("StringLike", "*"),
        ("NumericEquals", "1"),
        ("DateLessThan", "2030-01-01T00:00:00Z"),
        ("Bool", "true"),
        ("IpAddress", "10.0.0.0/8"),
        ("ArnLike", "arn:aws:sns:*:*:*"),
        ("BinaryEquals", "dGVzdA=="),
    ],
)
def test_absent_key_makes_positive_operators_false(operator: str, value: str) -> None:
    assert not holds(operator, "aws:Absent", value, {})
    assert holds(operator + "IfExists", "aws:Absent", value, {})


@pytest.mark.parametrize(
    ("operator", "value"),
    [
        ("StringNotEquals", "x"),
        ("StringNotLike", "*"),
        ("NumericNotEquals", "1"),
        ("DateNotEquals", "2030-01-01T00:00:00Z"),
        ("NotIpAddress", "10.0.0.0/8"),
        ("ArnNotLike", "arn:aws:sns:*:*:*"),
        ("StringNotEqualsIgnoreCase", "x"),
    ],
)
def test_absent_key_makes_negated_operators_true(operator: str, value: str) -> None:
    # "If the key ... isn't present in the request context, the negated operators return true"
    assert holds(operator, "aws:Absent", value, {})


def test_if_exists_tests_present_keys_normally() -> None:
    assert holds(
        "StringLikeIfExists", "ec2:InstanceType", ["t2.*"], {"ec2:InstanceType": "t2.micro"}
    )
    assert not holds(
        "StringLikeIfExists", "ec2:InstanceType", ["t2.*"], {"ec2:InstanceType": "m5.large"}
    )


def test_deny_with_negated_if_exists_denies_when_key_missing() -> None:
    # Conditions_IfExists: BoolIfExists aws:MultiFactorAuthPresent false catches long-term keys
    assert condition_denies({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}, {})
    assert not condition_denies({"Bool": {"aws:MultiFactorAuthPresent": "false"}}, {})


# --- Numeric, Date, Bool, Binary, IP, ARN, Null ----------------------------------------------


@pytest.mark.parametrize(
    ("operator", "policy_value", "request_value", "expected"),
    [
        ("NumericEquals", "10", "10", True),
        ("NumericEquals", "10", "10.0", True),
        ("NumericNotEquals", "10", "11", True),
        ("NumericLessThan", "3600", "120", True),
        ("NumericLessThan", "3600", "3600", False),
        ("NumericLessThanEquals", "3600", "3600", True),
        ("NumericGreaterThan", "1.5", "1.25", False),
        ("NumericGreaterThanEquals", "-2", "-2", True),
    ],
)
def test_numeric_operators(
    operator: str, policy_value: str, request_value: str, expected: bool
) -> None:
    assert holds(operator, "s3:max-keys", policy_value, {"s3:max-keys": request_value}) is expected


@pytest.mark.parametrize(
    ("operator", "policy_value", "request_value", "expected"),
    [
        ("DateEquals", "2020-06-30T23:59:59Z", "2020-06-30T23:59:59Z", True),
        ("DateEquals", "2020-06-30T23:59:59Z", "2020-07-01T01:59:59+02:00", True),  # same instant
        ("DateNotEquals", "2020-06-30T23:59:59Z", "2020-06-30T23:59:58Z", True),
        ("DateLessThan", "2020-07-01T00:00:00Z", "2020-06-30T23:59:59Z", True),
        ("DateLessThanEquals", "2020-06-30T23:59:59Z", "2020-06-30T23:59:59Z", True),
        ("DateGreaterThan", "1577836800", "2021-03-01T00:00:00Z", True),  # epoch seconds
        ("DateGreaterThanEquals", "2020-01-01", "2019-12-31T23:59:59Z", False),
        ("DateLessThan", "2020-01-01T00:00:00Z", "1577836799", True),  # epoch request value
    ],
)
def test_date_operators(
    operator: str, policy_value: str, request_value: str, expected: bool
) -> None:
    # Conditions_Date: W3C ISO 8601 or epoch (UNIX) time
    assert (
        holds(operator, "aws:CurrentTime", policy_value, {"aws:CurrentTime": request_value})
        is expected
    )


def test_bool() -> None:
    # Conditions_Boolean
    assert holds("Bool", "aws:SecureTransport", "true", {"aws:SecureTransport": "true"})
    assert holds("Bool", "aws:SecureTransport", True, {"aws:SecureTransport": True})
    assert not holds("Bool", "aws:SecureTransport", "true", {"aws:SecureTransport": "false"})


def test_binary_equals_compares_decoded_bytes() -> None:
    # Conditions_BinaryEquals: the policy value is base64; the request carries base64 too
    assert holds(
        "BinaryEquals",
        "key",
        "QmluYXJ5VmFsdWVJbkJhc2U2NA==",
        {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="},
    )
    assert not holds("BinaryEquals", "key", "QmluYXJ5VmFsdWVJbkJhc2U2NA==", {"key": "b3RoZXI="})


@pytest.mark.parametrize(
    ("operator", "ranges", "address", "expected"),
    [
        ("IpAddress", "203.0.113.0/24", "203.0.113.7", True),
        ("IpAddress", "203.0.113.0/24", "198.51.100.7", False),
        ("IpAddress", "203.0.113.7", "203.0.113.7", True),  # bare address: one host
        ("IpAddress", ["203.0.113.0/24", "2001:DB8:1234:5678::/64"], "2001:db8:1234:5678::1", True),
        ("IpAddress", "2001:DB8:1234:5678::/64", "2001:db8:1234:5679::1", False),
        ("IpAddress", "0.0.0.0/0", "2001:db8::1", False),  # IPv4 range never holds IPv6
        ("NotIpAddress", "203.0.113.0/24", "198.51.100.7", True),
        ("NotIpAddress", "203.0.113.0/24", "203.0.113.9", False),
    ],
)
def test_ip_operators(operator: str, ranges: Any, address: str, expected: bool) -> None:
    # Conditions_IPAddress
    assert holds(operator, "aws:SourceIp", ranges, {"aws:SourceIp": address}) is expected


@pytest.mark.parametrize(
    ("operator", "pattern", "value", "expected"),
    [
        (
            "ArnLike",
            "arn:aws:sns:us-east-2:111122223333:topic-*",
            "arn:aws:sns:us-east-2:111122223333:topic-a",
            True,
        ),
        ("ArnEquals", "arn:aws:iam::*:role/ci-*", "arn:aws:iam::111122223333:role/ci-build", True),
        ("ArnLike", "arn:aws:iam::111122223333:*", "arn:aws:iam::111122223333:role/x", True),
        # each of the six components is matched separately: * never spans a colon there
        ("ArnLike", "arn:aws:s3:*:bucket", "arn:aws:s3:::bucket", False),
        (
            "ArnLike",
            "arn:aws:*:us-east-1:111122223333:*",
            "arn:aws:sqs:us-east-1:111122223333:q",
            True,
        ),
        ("ArnLike", "arn:aws:sqs:*", "arn:aws:sqs:us-east-1:111122223333:q", False),
        (
            "ArnNotEquals",
            "arn:aws:iam::111122223333:user/user-name",
            "arn:aws:iam::111122223333:user/carol",
            True,
        ),
        ("ArnNotLike", "arn:aws:iam::*:user/*", "arn:aws:iam::111122223333:user/carol", False),
        ("ArnLike", "arn:aws:iam::*:user/*", "not-an-arn", False),
    ],
)
def test_arn_operators(operator: str, pattern: str, value: str, expected: bool) -> None:
    # Conditions_ARN
    if pattern in {"arn:aws:s3:*:bucket", "arn:aws:sqs:*"}:
        with pytest.raises(iamsim.PolicyError):
            holds(operator, "aws:SourceArn", pattern, {"aws:SourceArn": value})
        return
    assert holds(operator, "aws:SourceArn", pattern, {"aws:SourceArn": value}) is expected


def test_null() -> None:
    # Conditions_Null: true means the key is absent, false present
    assert holds("Null", "aws:TokenIssueTime", "true", {})
    assert not holds(
        "Null", "aws:TokenIssueTime", "true", {"aws:TokenIssueTime": "2024-01-01T00:00:00Z"}
    )
    assert holds(
        "Null", "aws:TokenIssueTime", "false", {"aws:TokenIssueTime": "2024-01-01T00:00:00Z"}
    )
    assert holds("Null", "aws:TagKeys", "true", {"aws:TagKeys": []})  # empty set: no value


# --- several operators and keys ----------------------------------------------------------------


def test_several_operators_and_keys_are_anded() -> None:
    condition = {
        "StringEqualsIgnoreCase": {
            "aws:PrincipalTag/department": ["finance", "hr"],
            "aws:PrincipalTag/role": ["audit", "security"],
        },
        "StringEquals": {"aws:PrincipalAccount": "111122223333"},
    }
    full = {
        "aws:PrincipalTag/department": "HR",
        "aws:PrincipalTag/role": "audit",
        "aws:PrincipalAccount": "111122223333",
    }
    assert condition_allows(condition, full)
    assert not condition_allows(condition, {**full, "aws:PrincipalAccount": "444455556666"})
    without_role = {k: v for k, v in full.items() if k != "aws:PrincipalTag/role"}
    assert not condition_allows(condition, without_role)


def test_condition_key_names_are_case_insensitive() -> None:
    # reference_policies_elements_condition.html: key names are not case-sensitive
    assert holds("StringEquals", "AWS:UserName", "johndoe", {"aws:username": "johndoe"})
    assert holds("StringEquals", "aws:PrincipalTag/Team", "red", {"aws:principaltag/team": "red"})


# --- set operators ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "request_values", "expected"),
    [
        ("ForAllValues:StringEquals", ["ID", "Message"], True),
        ("ForAllValues:StringEquals", ["ID", "Secret"], False),
        ("ForAllValues:StringEquals", [], True),  # empty set
        ("ForAllValues:StringEquals", None, True),  # absent key
        ("ForAnyValue:StringEquals", ["Secret", "ID"], True),
        ("ForAnyValue:StringEquals", ["Secret"], False),
        ("ForAnyValue:StringEquals", [], False),
        ("ForAnyValue:StringEquals", None, False),
        ("ForAllValues:StringNotEquals", ["Secret", "Other"], True),
        ("ForAllValues:StringNotEquals", ["Secret", "ID"], False),
        ("ForAnyValue:StringNotEquals", ["Secret", "ID"], True),
        ("ForAnyValue:StringNotEquals", ["ID", "Tags"], False),
    ],
)
def test_set_operators(operator: str, request_values: list[str] | None, expected: bool) -> None:
    context = {} if request_values is None else {"dynamodb:Attributes": request_values}
    assert holds(operator, "dynamodb:Attributes", ["ID", "Message", "Tags"], context) is expected


def test_doc_table_forallvalues_stringnotlike() -> None:
    # reference_policies_condition_examples-multi-valued-context-keys.html: Deny ForAllValues:StringNotLike key1*
    condition = {"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}
    assert not condition_denies(condition, {"aws:TagKeys": ["key1:legal"]})
    assert not condition_denies(condition, {"aws:TagKeys": ["key1:hr", "key1:personnel"]})
    assert condition_denies(condition, {"aws:TagKeys": ["key2:audit"]})
    assert condition_denies(condition, {})


def test_null_guard_stops_absent_key_satisfying_forallvalues() -> None:
    condition = {
        "ForAllValues:StringEquals": {"aws:TagKeys": ["Project"]},
        "Null": {"aws:TagKeys": "false"},
    }
    assert not condition_allows(condition, {})
    assert condition_allows(condition, {"aws:TagKeys": ["Project"]})


# --- unreadable request values fail closed -------------------------------------------------


def test_unreadable_request_value_never_lets_an_allow_apply() -> None:
    assert not holds("NumericLessThan", "s3:max-keys", "10", {"s3:max-keys": "many"})
    assert not holds("NumericNotEquals", "s3:max-keys", "10", {"s3:max-keys": "many"})
    assert not holds("IpAddress", "aws:SourceIp", "10.0.0.0/8", {"aws:SourceIp": "nowhere"})


def test_unreadable_request_value_never_keeps_a_deny_from_applying() -> None:
    assert condition_denies({"NumericGreaterThan": {"s3:max-keys": "10"}}, {"s3:max-keys": "many"})
    assert condition_denies({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, {"aws:SourceIp": "?"})


# --- the table is the single source of truth -----------------------------------------------


def test_operator_table_covers_every_documented_operator() -> None:
    documented = {
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
        "NumericEquals",
        "NumericNotEquals",
        "NumericLessThan",
        "NumericLessThanEquals",
        "NumericGreaterThan",
        "NumericGreaterThanEquals",
        "DateEquals",
        "DateNotEquals",
        "DateLessThan",
        "DateLessThanEquals",
        "DateGreaterThan",
        "DateGreaterThanEquals",
        "Bool",
        "BinaryEquals",
        "IpAddress",
        "NotIpAddress",
        "ArnEquals",
        "ArnLike",
        "ArnNotEquals",
        "ArnNotLike",
        "Null",
    }
    assert set(OPERATORS) == documented
    assert iamsim.OPERATORS is OPERATORS


def test_every_operator_parses_with_its_qualifiers() -> None:
    for name, operator in OPERATORS.items():
        assert not isinstance(parse_operator(name), str)
        if operator.kind is not ValueKind.NULL:
            parsed = parse_operator(f"ForAnyValue:{name}IfExists")
            assert not isinstance(parsed, str)
            assert parsed.if_exists
            assert parsed.set_prefix == "ForAnyValue"


def test_multivalued_key_without_a_set_operator_fails_closed() -> None:
    # single-vs-multi-valued page: "Multivalued context keys require a condition set operator";
    # the outcome without one is undocumented, so iamsim resolves it toward denial.
    assert holds("StringEquals", "aws:TagKeys", "Project", {"aws:TagKeys": ["Project"]})
    assert not holds("StringEquals", "aws:TagKeys", "Project", {"aws:TagKeys": ["Project", "Cost"]})
    assert condition_denies(
        {"StringNotEquals": {"aws:TagKeys": "Other"}}, {"aws:TagKeys": ["Project", "Cost"]}
    )
