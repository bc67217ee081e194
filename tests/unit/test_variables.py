"""Policy variables in Resource and in condition values.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
"""

from __future__ import annotations

from .helpers import ALICE, SESSION, allow, condition_allows, decide, policy, statement

OWN_FOLDER = "arn:aws:s3:::mybucket/${aws:username}/*"


def own_folder(resource: str, context: dict[str, str], version: str = "2012-10-17") -> bool:
    doc = policy(statement("Allow", "s3:GetObject", OWN_FOLDER), version=version)
    return decide(ALICE, "s3:GetObject", resource, identity=[doc], context=context).allowed


def test_variable_in_resource_is_replaced() -> None:
    assert own_folder("arn:aws:s3:::mybucket/alice/notes.txt", {"aws:username": "alice"})
    assert not own_folder("arn:aws:s3:::mybucket/bob/notes.txt", {"aws:username": "alice"})


def test_variables_only_under_version_2012() -> None:
    # policy-vars: earlier versions treat ${...} as literal text
    assert not own_folder(
        "arn:aws:s3:::mybucket/alice/notes.txt", {"aws:username": "alice"}, "2008-10-17"
    )
    assert own_folder("arn:aws:s3:::mybucket/${aws:username}/x", {}, "2008-10-17")


def test_missing_variable_matches_no_resource() -> None:
    # policy-vars-no-value: a Resource whose variable has no value matches nothing, not even ""
    assert not own_folder("arn:aws:s3:::mybucket//notes.txt", {})


def test_variable_key_names_are_case_insensitive() -> None:
    doc = allow("s3:GetObject", "arn:aws:s3:::mybucket/${AWS:UserName}/*")
    assert decide(
        ALICE,
        "s3:GetObject",
        "arn:aws:s3:::mybucket/alice/x",
        identity=[doc],
        context={"aws:username": "alice"},
    ).allowed


def test_resolved_value_is_literal_not_a_wildcard() -> None:
    assert not own_folder("arn:aws:s3:::mybucket/anyone/x", {"aws:username": "*"})
    assert own_folder("arn:aws:s3:::mybucket/*/x", {"aws:username": "*"})


def test_special_characters() -> None:
    # policy-vars-specialchars: ${*} ${?} ${$} are the literal characters
    doc = allow("s3:GetObject", "arn:aws:s3:::mybucket/file${?}${*}${$}")
    assert decide(arn="arn:aws:s3:::mybucket/file?*$", identity=[doc]).allowed
    assert not decide(arn="arn:aws:s3:::mybucket/fileAB$", identity=[doc]).allowed


def test_default_value() -> None:
    # policy-vars-default-values
    doc = allow("s3:ListBucket", "arn:aws:s3:::bucket-${aws:PrincipalTag/team, 'company-wide'}")
    assert decide(
        action="s3:ListBucket", arn="arn:aws:s3:::bucket-company-wide", identity=[doc]
    ).allowed
    assert decide(
        action="s3:ListBucket",
        arn="arn:aws:s3:::bucket-red",
        identity=[doc],
        context={"aws:PrincipalTag/team": "red"},
    ).allowed
    assert not decide(
        action="s3:ListBucket",
        arn="arn:aws:s3:::bucket-company-wide",
        identity=[doc],
        context={"aws:PrincipalTag/team": "red"},
    ).allowed


def test_variables_in_conditions() -> None:
    condition = {"StringEquals": {"aws:ResourceTag/project": "${aws:PrincipalTag/project}"}}
    assert condition_allows(
        condition, {"aws:ResourceTag/project": "alpha", "aws:PrincipalTag/project": "alpha"}
    )
    assert not condition_allows(
        condition, {"aws:ResourceTag/project": "alpha", "aws:PrincipalTag/project": "beta"}
    )


def test_missing_variable_in_condition() -> None:
    # policy-vars-no-value: positive operators do not match, negated ones do
    assert not condition_allows(
        {"StringEquals": {"aws:ResourceTag/owner": "${aws:username}"}},
        {"aws:ResourceTag/owner": "alice"},
    )
    assert condition_allows(
        {"StringNotEquals": {"aws:ResourceTag/owner": "${aws:username}"}},
        {"aws:ResourceTag/owner": "alice"},
    )


def test_variables_with_like_and_arn_operators() -> None:
    assert condition_allows(
        {"StringLike": {"s3:prefix": "home/${aws:username}/*"}},
        {"s3:prefix": "home/alice/docs", "aws:username": "alice"},
    )
    assert condition_allows(
        {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:${aws:username}-*"}},
        {
            "aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:alice-topic",
            "aws:username": "alice",
        },
    )


def test_multivalued_key_is_not_a_variable() -> None:
    assert not condition_allows(
        {"StringEquals": {"k": "${aws:TagKeys}"}}, {"k": "a", "aws:TagKeys": ["a"]}
    )


def test_role_session_has_no_username() -> None:
    # ck_rolesessionname: ${aws:username} never resolves for role sessions
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringLike": {"sts:RoleSessionName": "${aws:username}"}},
            }
        ],
    }
    identity = allow("sts:AssumeRole", "arn:aws:iam::111122223333:role/MateoRole")
    decision = decide(
        SESSION,
        "sts:AssumeRole",
        "arn:aws:iam::111122223333:role/MateoRole",
        identity=[identity],
        resource=trust,
        context={"sts:RoleSessionName": "app-session"},
    )
    assert not decision.allowed
