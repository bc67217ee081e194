"""validate(): one positive and one negative case per finding code, locations, bad input.

Checks follow IAM Access Analyzer's policy check reference where it has the check:
https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest

from iamsim.policy import Policy
from iamsim.validation import CHECKS, Finding, Severity, validate

V = "2012-10-17"
ACCOUNT = "111122223333"
OTHER = "999988887777"


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": V, "Statement": list(statements)}


def allow(action: Any, resource: Any = "*", **more: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **more}


def trust(principal: Any, **more: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **more}


def codes(document: Any, policy_type: str = "identity", **kw: Any) -> list[str]:
    return [f.code for f in validate(document, policy_type, **kw)]


# (code, policy type, document, keyword arguments): each document yields the code ...
POSITIVE: list[tuple[str, str, Any, dict[str, Any]]] = [
    (
        "MALFORMED",
        "identity",
        policy({"Effect": "Alow", "Action": "s3:GetObject", "Resource": "*"}),
        {},
    ),
    ("INVALID_SERVICE_IN_ACTION", "identity", policy(allow("s4:GetObject")), {}),
    ("INVALID_ACTION", "identity", policy(allow("s3:GetObjekt")), {}),
    ("UNMATCHED_ACTION_PATTERN", "identity", policy(allow("s3:Zap*")), {}),
    ("INVALID_ARN_RESOURCE", "identity", policy(allow("s3:GetObject", "arn:aws:s3:::reports")), {}),
    (
        "INVALID_GLOBAL_CONDITION_KEY",
        "identity",
        policy(allow("s3:GetObject", Condition={"StringEquals": {"aws:PrincipalTeam": "x"}})),
        {},
    ),
    (
        "INVALID_SERVICE_CONDITION_KEY",
        "identity",
        policy(allow("s3:GetObject", Condition={"StringEquals": {"ec2:InstanceType": "t3.micro"}})),
        {},
    ),
    (
        "INCOMPATIBLE_OPERATOR",
        "identity",
        policy(
            allow(
                "s3:ListBucket", "arn:aws:s3:::b", Condition={"NumericLessThan": {"s3:prefix": "3"}}
            )
        ),
        {},
    ),
    (
        "TYPE_MISMATCH",
        "identity",
        policy(
            allow("s3:GetObject", Condition={"StringEquals": {"aws:MultiFactorAuthAge": "3600"}})
        ),
        {},
    ),
    ("STAR_ACTION_AND_RESOURCE", "identity", policy(allow("*", "*")), {}),
    (
        "ALLOW_WITH_NOT_ACTION",
        "identity",
        policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}),
        {},
    ),
    ("PASS_ROLE_WITH_STAR_IN_RESOURCE", "identity", policy(allow("iam:PassRole", "*")), {}),
    ("PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE", "identity", policy(allow("iam:Pass*", "*")), {}),
    ("TRUST_ALLOWS_ANY_PRINCIPAL", "trust", policy(trust("*")), {}),
    (
        "CROSS_ACCOUNT_TRUST_WITHOUT_EXTERNAL_ID",
        "trust",
        policy(trust({"AWS": f"arn:aws:iam::{OTHER}:root"})),
        {"account_id": ACCOUNT},
    ),
    (
        "REDUNDANT_STATEMENT",
        "identity",
        policy(allow("s3:GetObject", "arn:aws:s3:::b/*"), allow("s3:Get*", "arn:aws:s3:::b/*")),
        {},
    ),
]

# ... and a close variant of it does not.
NEGATIVE: list[tuple[str, str, Any, dict[str, Any]]] = [
    (
        "MALFORMED",
        "identity",
        policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}),
        {},
    ),
    ("INVALID_SERVICE_IN_ACTION", "identity", policy(allow("s3:GetObject")), {}),
    ("INVALID_ACTION", "identity", policy(allow("s3:getobject")), {}),
    ("UNMATCHED_ACTION_PATTERN", "identity", policy(allow("s3:Get*")), {}),
    (
        "INVALID_ARN_RESOURCE",
        "identity",
        policy(allow("s3:GetObject", "arn:aws:s3:::reports/*")),
        {},
    ),
    (
        "INVALID_GLOBAL_CONDITION_KEY",
        "identity",
        policy(allow("s3:GetObject", Condition={"StringEquals": {"aws:PrincipalTag/team": "x"}})),
        {},
    ),
    (
        "INVALID_SERVICE_CONDITION_KEY",
        "identity",
        policy(
            allow("ec2:RunInstances", Condition={"StringEquals": {"ec2:InstanceType": "t3.micro"}})
        ),
        {},
    ),
    (
        "INCOMPATIBLE_OPERATOR",
        "identity",
        policy(
            allow("s3:ListBucket", "arn:aws:s3:::b", Condition={"StringLike": {"s3:prefix": "3*"}})
        ),
        {},
    ),
    (
        "TYPE_MISMATCH",
        "identity",
        policy(
            allow("s3:GetObject", Condition={"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}})
        ),
        {},
    ),
    ("STAR_ACTION_AND_RESOURCE", "identity", policy(allow("s3:*", "*")), {}),
    (
        "ALLOW_WITH_NOT_ACTION",
        "identity",
        policy({"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"}),
        {},
    ),
    (
        "PASS_ROLE_WITH_STAR_IN_RESOURCE",
        "identity",
        policy(allow("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/app-runner")),
        {},
    ),
    ("PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE", "identity", policy(allow("iam:Get*", "*")), {}),
    (
        "TRUST_ALLOWS_ANY_PRINCIPAL",
        "trust",
        policy(trust("*", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}})),
        {},
    ),
    (
        "CROSS_ACCOUNT_TRUST_WITHOUT_EXTERNAL_ID",
        "trust",
        policy(
            trust(
                {"AWS": f"arn:aws:iam::{OTHER}:root"},
                Condition={"StringEquals": {"sts:ExternalId": "Unique-1234"}},
            )
        ),
        {"account_id": ACCOUNT},
    ),
    (
        "REDUNDANT_STATEMENT",
        "identity",
        policy(allow("s3:GetObject", "arn:aws:s3:::b/*"), allow("s3:Get*", "arn:aws:s3:::c/*")),
        {},
    ),
]


def test_every_code_has_a_positive_and_a_negative_case() -> None:
    assert sorted(c for c, *_ in POSITIVE) == sorted(CHECKS)
    assert sorted(c for c, *_ in NEGATIVE) == sorted(CHECKS)


@pytest.mark.parametrize(
    ("code", "kind", "document", "kw"), POSITIVE, ids=[c for c, *_ in POSITIVE]
)
def test_positive(code: str, kind: str, document: Any, kw: dict[str, Any]) -> None:
    findings = [f for f in validate(document, kind, **kw) if f.code == code]
    assert findings, validate(document, kind, **kw)
    assert all(f.severity is CHECKS[code].severity for f in findings)
    assert all(f.message and "\n" not in f.message for f in findings)


@pytest.mark.parametrize(
    ("code", "kind", "document", "kw"), NEGATIVE, ids=[c for c, *_ in NEGATIVE]
)
def test_negative(code: str, kind: str, document: Any, kw: dict[str, Any]) -> None:
    assert code not in codes(document, kind, **kw)


def test_severities_follow_access_analyzer() -> None:
    expected = {
        "INVALID_ACTION": Severity.ERROR,
        "INVALID_SERVICE_IN_ACTION": Severity.ERROR,
        "INVALID_ARN_RESOURCE": Severity.ERROR,
        "INVALID_GLOBAL_CONDITION_KEY": Severity.ERROR,
        "INVALID_SERVICE_CONDITION_KEY": Severity.ERROR,
        "TYPE_MISMATCH": Severity.WARNING,
        "PASS_ROLE_WITH_STAR_IN_RESOURCE": Severity.SECURITY_WARNING,
        "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE": Severity.SECURITY_WARNING,
        "REDUNDANT_STATEMENT": Severity.SUGGESTION,
    }
    assert {code: CHECKS[code].severity for code in expected} == expected
    assert all(c.reference.startswith("https://docs.aws.amazon.com/") for c in CHECKS.values())


# --- more cases for the individual checks ----------------------------------------------------


def test_did_you_mean() -> None:
    (service,) = validate(policy(allow("s33:GetObject")))
    assert "did you mean s3?" in service.message
    (action,) = validate(policy(allow("s3:GetObjekt")))
    assert "did you mean s3:GetObject?" in action.message


def test_resources_fit_any_action_of_the_statement() -> None:
    both = allow(["s3:ListBucket", "s3:GetObject"], ["arn:aws:s3:::b", "arn:aws:s3:::b/*"])
    assert codes(policy(both)) == []
    (finding,) = validate(policy(allow("s3:ListAllMyBuckets", "arn:aws:s3:::b")))
    assert finding.code == "INVALID_ARN_RESOURCE"
    assert "takes no resource" in finding.message


def test_resources_are_not_checked_against_star_or_not_action() -> None:
    assert codes(policy(allow("*", "arn:aws:s3:::b"))) == []
    deny = {"Effect": "Deny", "NotAction": "s3:*", "Resource": "arn:aws:s3:::b"}
    assert codes(policy(deny)) == []


def test_condition_keys_of_every_service_with_not_action() -> None:
    deny = {
        "Effect": "Deny",
        "NotAction": "iam:*",
        "Resource": "*",
        "Condition": {"StringNotEquals": {"ec2:Region": "us-east-1", "s3:prefix": "a"}},
    }
    assert codes(policy(deny)) == []
    deny["Condition"] = {"StringEquals": {"nosuch:Key": "x"}}
    assert codes(policy(deny)) == ["INVALID_SERVICE_CONDITION_KEY"]


def test_service_keys_with_templates_and_cross_service_keys() -> None:
    condition = {
        "StringEquals": {
            "s3:ExistingObjectTag/team": "blue",
            "aws:ResourceTag/team": "blue",
            "ec2:SourceInstanceArn": "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
        }
    }
    assert codes(policy(allow("s3:GetObject", Condition=condition))) == []


def test_identity_provider_claims_in_trust_policies() -> None:
    statement = {
        "Effect": "Allow",
        "Principal": {
            "Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"
        },
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "StringEquals": {
                "oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:ns:app",
                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            }
        },
    }
    assert codes(policy(statement), "trust") == []


@pytest.mark.parametrize(
    ("operator", "key", "expected"),
    [
        ("ArnLike", "aws:PrincipalArn", []),
        ("StringLike", "aws:PrincipalArn", []),  # ARN keys take string operators too
        ("NumericLessThan", "aws:EpochTime", []),  # a Date key that also takes numbers
        ("DateLessThan", "aws:EpochTime", []),
        ("Bool", "aws:SecureTransport", []),
        ("StringEquals", "aws:SecureTransport", ["TYPE_MISMATCH"]),
        ("IpAddress", "aws:SourceIp", []),
        ("StringLike", "aws:SourceIp", ["TYPE_MISMATCH"]),
        ("DateGreaterThan", "aws:PrincipalTag/team", ["INCOMPATIBLE_OPERATOR"]),
        ("IpAddress", "aws:PrincipalOrgID", ["INCOMPATIBLE_OPERATOR"]),
        ("NumericEquals", "aws:SourceIp", ["INCOMPATIBLE_OPERATOR"]),
        ("Null", "aws:MultiFactorAuthAge", []),
        ("ForAnyValue:StringEquals", "aws:TagKeys", []),
        ("StringEqualsIfExists", "aws:MultiFactorAuthAge", ["TYPE_MISMATCH"]),
    ],
)
def test_operator_and_key_types(operator: str, key: str, expected: list[str]) -> None:
    value = {
        "ArnLike": "arn:aws:iam::*:role/x",
        "NumericLessThan": "1700000000",
        "NumericEquals": "1",
        "DateLessThan": "2030-01-01T00:00:00Z",
        "DateGreaterThan": "2030-01-01T00:00:00Z",
        "Bool": "true",
        "IpAddress": "203.0.113.0/24",
        "Null": "true",
    }.get(operator, "x")
    document = policy(allow("s3:GetObject", Condition={operator: {key: value}}))
    assert codes(document) == expected


def test_star_action_and_resource_only_in_allow_statements_of_grants() -> None:
    assert codes(policy({"Effect": "Deny", "Action": "*", "Resource": "*"})) == []
    scp = codes(policy({"Effect": "Allow", "Action": "*", "Resource": "*"}), "scp")
    assert "STAR_ACTION_AND_RESOURCE" not in scp  # FullAWSAccess filters, it grants nothing


def test_pass_role_on_every_role_of_an_account() -> None:
    every = policy(allow("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/*"))
    assert codes(every) == ["PASS_ROLE_WITH_STAR_IN_RESOURCE"]
    some = policy(allow("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/Service*"))
    assert codes(some) == []
    limited = allow(
        "iam:PassRole",
        "*",
        Condition={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
    )
    assert codes(policy(limited)) == []


def test_admin_policy_reports_both_star_findings() -> None:
    assert codes(policy(allow("*", "*"))) == [
        "STAR_ACTION_AND_RESOURCE",
        "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE",
    ]


def test_trust_any_principal_also_as_aws_star() -> None:
    assert codes(policy(trust({"AWS": "*"})), "trust") == ["TRUST_ALLOWS_ANY_PRINCIPAL"]
    assert codes(policy(trust({"Service": "ec2.amazonaws.com"})), "trust") == []


def test_cross_account_trust() -> None:
    bare = policy(trust({"AWS": OTHER}))
    assert codes(bare, "trust") == ["CROSS_ACCOUNT_TRUST_WITHOUT_EXTERNAL_ID"]
    same = policy(trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))
    assert codes(same, "trust", account_id=ACCOUNT) == []
    assert codes(same, "trust") == ["CROSS_ACCOUNT_TRUST_WITHOUT_EXTERNAL_ID"]  # owner unknown
    role = policy(trust({"AWS": f"arn:aws:iam::{OTHER}:role/deployer"}))
    assert codes(role, "trust", account_id=ACCOUNT) == []  # only whole-account trust
    tag_only = {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "sts:TagSession"}
    assert codes(policy(tag_only), "trust", account_id=ACCOUNT) == []
    (finding,) = validate(bare, "trust", account_id=ACCOUNT)
    assert finding.element == "Statement[0].Principal.AWS"
    assert OTHER in finding.message


def test_redundant_statements() -> None:
    duplicate = policy(
        {"Sid": "A", **allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::b/*")},
        {"Sid": "B", **allow(["s3:PutObject", "S3:GetObject"], ["arn:aws:s3:::b/*"])},
    )
    (finding,) = validate(duplicate)
    assert (finding.code, finding.statement_index, finding.sid) == ("REDUNDANT_STATEMENT", 1, "B")
    assert "duplicates Statement[0]" in finding.message
    covered_first = policy(
        allow("s3:GetObject", "arn:aws:s3:::b/*"), allow("s3:*", "arn:aws:s3:::b/*")
    )
    (finding,) = validate(covered_first)
    assert finding.statement_index == 0
    assert "covered by Statement[1]" in finding.message
    wildcard_in_wildcard = policy(allow("s3:Get*", "*"), allow("s3:GetObject*", "*"))
    assert codes(wildcard_in_wildcard) == ["REDUNDANT_STATEMENT"]


@pytest.mark.parametrize(
    "second",
    [
        {"Effect": "Deny", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"},
        allow("s3:Get*", "arn:aws:s3:::b/*", Condition={"Bool": {"aws:SecureTransport": "true"}}),
        allow("s3:Put*", "arn:aws:s3:::b/*"),
        {"Effect": "Allow", "Action": "s3:Get*", "NotResource": "arn:aws:s3:::b/*"},
        allow("s3:GetObjec?", "arn:aws:s3:::b/*"),  # '?' cannot stand for the '*' of Get*
    ],
)
def test_not_redundant(second: dict[str, Any]) -> None:
    first = allow("s3:Get*", "arn:aws:s3:::b/*")
    found = [f for f in validate(policy(second, first)) if f.code == "REDUNDANT_STATEMENT"]
    assert [f.statement_index for f in found] in ([], [0])
    assert not any(f.statement_index == 1 for f in found)


def test_a_question_mark_pattern_is_covered_by_a_star() -> None:
    assert codes(policy(allow("s3:GetObjec?", "*"), allow("s3:Get*", "*"))) == [
        "REDUNDANT_STATEMENT"
    ]


# --- locations -------------------------------------------------------------------------------

TEXT = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Read",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:GetObjekt"],
      "Resource": "arn:aws:s3:::reports/*",
      "Condition": {"StringEquals": {"aws:Nope": "x"}}
    }
  ]
}"""


def where(text: str, needle: str) -> tuple[int, int]:
    index = text.index(needle)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def test_line_and_column_from_json_text() -> None:
    action, key = validate(TEXT)
    assert action.code == "INVALID_ACTION"
    assert action.element == "Statement[0].Action[1]"
    assert (action.statement_index, action.sid) == (0, "Read")
    assert (action.line, action.column) == where(TEXT, '"s3:GetObjekt"')
    assert key.code == "INVALID_GLOBAL_CONDITION_KEY"
    assert key.element == "Statement[0].Condition.StringEquals.aws:Nope"
    assert (key.line, key.column) == where(TEXT, '"aws:Nope"')


def test_a_parsed_policy_keeps_its_text_and_positions() -> None:
    (action, _) = validate(Policy.parse(TEXT))
    assert (action.line, action.column) == where(TEXT, '"s3:GetObjekt"')
    assert validate(TEXT.encode()) == validate(TEXT)


def test_dicts_have_no_positions() -> None:
    action, _ = validate(json.loads(TEXT))
    assert action.element == "Statement[0].Action[1]"
    assert action.line is None
    assert action.column is None


def test_a_single_statement_object() -> None:
    text = '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:Nope", "Resource": "*"}}'
    (finding,) = validate(text)
    assert finding.element == "Statement.Action"
    assert (finding.line, finding.column) == where(text, '"s3:Nope"')


def test_findings_come_in_document_order() -> None:
    document = policy(
        allow("s3:GetObject", "arn:aws:s3:::b/*"),
        allow("s3:Nope"),
        allow("s3:GetObject", "arn:aws:s3:::b/*"),
    )
    assert [(f.statement_index, f.code) for f in validate(document)] == [
        (1, "INVALID_ACTION"),
        (2, "REDUNDANT_STATEMENT"),
    ]


# --- malformed input -------------------------------------------------------------------------


def test_invalid_json_is_one_malformed_error_with_its_position() -> None:
    text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow",}\n  ]\n}'
    (finding,) = validate(text)
    assert (finding.severity, finding.code) == (Severity.ERROR, "MALFORMED")
    assert (finding.line, finding.column) == (4, 24)  # the '}' after the comma
    assert finding.element == ""


def test_every_problem_is_its_own_malformed_finding() -> None:
    text = json.dumps(
        policy(
            {"Effect": "Alow", "Action": "s3:GetObject"},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": 3},
        )
    )
    findings = validate(text)
    assert len(findings) >= 3
    assert {f.code for f in findings} == {"MALFORMED"}
    assert {f.statement_index for f in findings} == {0, 1}
    assert all(f.line is not None for f in findings)


def test_policy_type_rules_are_malformed_findings() -> None:
    with_principal = policy({**allow("s3:GetObject"), "Principal": {"AWS": ACCOUNT}})
    assert codes(with_principal, "identity") == ["MALFORMED"]
    (finding,) = validate(with_principal, "identity")
    assert finding.element == "Statement[0].Principal"


@pytest.mark.parametrize("document", ["", "[]", "null", b"\xff\xfe", 42])
def test_not_a_policy_at_all(document: Any) -> None:
    findings = validate(document)
    assert findings
    assert {f.code for f in findings} == {"MALFORMED"}


def test_an_unknown_policy_type_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="nonsense"):
        validate(policy(allow("s3:GetObject")), "nonsense")


# --- the Finding value -----------------------------------------------------------------------


def test_finding_is_a_frozen_value() -> None:
    (finding,) = validate(policy(allow("s3:Nope")))
    assert isinstance(finding, Finding)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        finding.code = "X"  # type: ignore[misc]
    data = finding.to_dict()
    assert data["severity"] == "ERROR"
    assert data["code"] == "INVALID_ACTION"
    assert json.loads(json.dumps(data)) == data
    assert str(finding).startswith("Statement[0].Action: ERROR INVALID_ACTION ")
    assert [s.value for s in Severity] == ["ERROR", "SECURITY_WARNING", "WARNING", "SUGGESTION"]


def test_clean_policies_have_no_findings() -> None:
    document = policy(
        allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::reports/*"),
        allow(
            "s3:ListBucket",
            "arn:aws:s3:::reports",
            Condition={"StringLike": {"s3:prefix": ["q3/*"]}},
        ),
        allow("ec2:Describe*", "*"),
        {
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    )
    assert validate(document) == []
