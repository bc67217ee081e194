"""ARNs: arn:partition:service:region:account:resource, the resource part may hold : and /.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
"""

from __future__ import annotations

import pytest

import iamsim
from iamsim.arn import ArnError


def test_parse_and_print_round_trip() -> None:
    text = "arn:aws:logs:us-east-1:111122223333:log-group:app:log-stream:web"
    arn = iamsim.Arn.parse(text)
    assert (arn.service, arn.region, arn.account) == ("logs", "us-east-1", "111122223333")
    assert arn.resource == "log-group:app:log-stream:web"
    assert arn.resource_type == "log-group"
    assert str(arn) == text


def test_role_with_path() -> None:
    arn = iamsim.Arn.parse("arn:aws:iam::111122223333:role/ops/Admin")
    assert arn.resource_type == "role"
    assert arn.resource_name == "ops/Admin"
    assert arn.region == ""


@pytest.mark.parametrize(
    "text", ["", "arn:aws:s3", "aws:s3:::bucket", "arn::s3:::b", "arn:aws:s3:::"]
)
def test_malformed_arns_raise_a_typed_error(text: str) -> None:
    with pytest.raises(ArnError) as info:
        iamsim.Arn.parse(text)
    assert isinstance(info.value, iamsim.ValidationError)
    assert isinstance(info.value, ValueError)
