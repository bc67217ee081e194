"""Resource patterns are matched ARN-aware, with shortcuts for plain and trailing-``*`` patterns;
the shortcuts must agree with the one-regex reading of the rules.

"You can use wildcard characters (* and ?) within any ARN segment (the parts separated by
colons)"; a ``*`` that ends a segment "can expand to match beyond the colon boundaries".
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from iamsim.compiled import _static_test, arn_pattern_regex

_PIECE = st.sampled_from(["arn", "aws", "s3", "", "*", "?", "a*", "b", "x/y", "*/z", "k?"])
_PATTERN = st.lists(_PIECE, min_size=1, max_size=7).map(":".join)
_VALUE = st.lists(
    st.sampled_from(["arn", "aws", "s3", "", "a", "ab", "b", "x/y", "q/z"]), min_size=1, max_size=7
).map(":".join)


def _by_regex(patterns: list[str], resource: str) -> bool:
    return any(
        re.fullmatch(arn_pattern_regex(p), resource, re.DOTALL) is not None for p in patterns
    )


@given(st.lists(_PATTERN, min_size=1, max_size=4), _VALUE)
def test_shortcuts_agree_with_the_regex_reading(patterns: list[str], resource: str) -> None:
    assert _static_test(tuple(patterns))(resource) is _by_regex(patterns, resource)


def test_each_shape() -> None:
    exact = "arn:aws:s3:::reports"
    prefix = "arn:aws:s3:::reports/*"
    inner = "arn:aws:kms:us-*-1:*:key/*"  # a * inside a segment stays in it
    test = _static_test((exact, prefix, inner))
    assert test("arn:aws:s3:::reports")
    assert test("arn:aws:s3:::reports/2024/q1.csv")
    assert not test("arn:aws:s3:::reports-old")
    assert test("arn:aws:kms:us-east-1:111122223333:key/k1")
    assert not test("arn:aws:kms:us-east:x-1:111122223333:key/k1")
    # a * that ends a segment may run past its colon
    assert test("arn:aws:kms:us-west-1:111122223333:extra:key/k1")
