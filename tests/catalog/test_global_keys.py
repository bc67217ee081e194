"""The global condition key table: types and value types from the AWS global keys page.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
"""

from __future__ import annotations

import pytest

from iamsim import catalog, global_keys
from iamsim.global_keys import GLOBAL_KEYS, global_key

TYPES = {"String", "ARN", "Bool", "Numeric", "Date", "IPAddress"}


def test_the_module_names_its_source() -> None:
    assert global_keys.SOURCE in (global_keys.__doc__ or "")


@pytest.mark.parametrize(
    ("key", "type_", "multivalued"),
    [
        ("aws:SourceIp", "IPAddress", False),
        ("aws:VpcSourceIp", "IPAddress", False),
        ("aws:MultiFactorAuthAge", "Numeric", False),
        ("aws:MultiFactorAuthPresent", "Bool", False),
        ("aws:SecureTransport", "Bool", False),
        ("aws:CurrentTime", "Date", False),
        ("aws:TokenIssueTime", "Date", False),
        ("aws:PrincipalArn", "ARN", False),
        ("aws:SourceArn", "ARN", False),
        ("aws:PrincipalOrgID", "String", False),
        ("aws:PrincipalOrgPaths", "String", True),
        ("aws:TagKeys", "String", True),
        ("aws:CalledVia", "String", True),
        ("aws:PrincipalServiceNamesList", "String", True),
        ("aws:RequestTag/${TagKey}", "String", False),
    ],
)
def test_key_types(key: str, type_: str, multivalued: bool) -> None:
    row = GLOBAL_KEYS[key.lower()]
    assert (row.type, row.multivalued) == (type_, multivalued)
    assert row.type_name == (f"ArrayOf{type_}" if multivalued else type_)


def test_epoch_time_is_a_date_that_also_takes_numbers() -> None:
    row = GLOBAL_KEYS["aws:epochtime"]
    assert row.type == "Date"
    assert row.also == ("Numeric",)


def test_every_row_is_well_formed() -> None:
    assert len(GLOBAL_KEYS) == len(global_keys._TABLE)  # no key twice
    for row in GLOBAL_KEYS.values():
        assert row.type in TYPES, row
        assert all(t in TYPES for t in row.also), row
        assert row.description
        assert "\n" not in row.description
        assert row.key.lower().startswith(
            ("aws:", "ec2:", "glue:", "lambda:", "ssm:", "identitystore:")
        )
        assert row.is_prefix == row.key.endswith("/${TagKey}")


def test_prefix_keys_resolve_with_a_tag_key_only() -> None:
    assert global_key("aws:PrincipalTag/team") is GLOBAL_KEYS["aws:principaltag/${tagkey}"]
    assert global_key("AWS:ResourceTag/Cost Center") is GLOBAL_KEYS["aws:resourcetag/${tagkey}"]
    assert global_key("aws:ResourceTag/") is None
    assert global_key("aws:ResourceTag") is None
    assert global_key("aws:Nope") is None


def test_the_table_agrees_with_the_catalog_where_both_list_a_key() -> None:
    listed = {
        k.name.lower(): k
        for a in ("iam:TagRole", "s3:GetObject")
        for k in catalog.condition_keys(a)
    }
    for name, key in listed.items():
        row = GLOBAL_KEYS.get(name)
        if row is not None:
            assert row.type_name == key.type, name
