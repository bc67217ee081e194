"""IAM's wildcard matcher: ``*`` any run (also ``/``), ``?`` one character, everything else literal.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iamsim._wildcard import any_matcher, regex_source, wildcard_matcher


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("bucket/*/test/*", "bucket/1/2/test/3/x", True),  # doc: * spans slashes
        ("bucket/*/test/*", "bucket//test/x", True),
        ("bucket/*/test/*", "bucket/1/test/", True),
        ("bucket/*/test/*", "bucket/1-test/x", False),
        ("bucket/*/test/*", "bucket/test/x", False),
        ("202?", "2024", True),
        ("202?", "20245", False),  # never a prefix match: fnmatch2-style fail-open ruled out
        ("abc", "abcd", False),
        ("a[bc]d", "abd", False),  # [..] is literal text in IAM, not a character class
        ("a[bc]d", "a[bc]d", True),
        ("*", "", True),
        ("a*", "a", True),
        ("a.c", "abc", False),  # regex metacharacters are literal
        ("x\ny*", "x\nyz", True),
    ],
)
def test_wildcard_semantics(pattern: str, value: str, expected: bool) -> None:
    assert wildcard_matcher(pattern)(value) is expected


def test_case_sensitive_unless_asked() -> None:
    assert not wildcard_matcher("S3:Get*")("s3:getobject")
    assert any_matcher(["s3:get*"], ignore_case=True)("S3:GetObject")
    assert any_matcher(["s3:getobject"], ignore_case=True)("S3:GETOBJECT")


def test_any_matcher_ors_patterns() -> None:
    match = any_matcher(["a", "b*", "c?"])
    assert [match(v) for v in ("a", "bzz", "cd", "cde", "d")] == [True, True, True, False, False]
    assert not any_matcher([])("anything")


# The matcher takes shortcuts (a set for plain patterns, a prefix test for a final ``*``); each
# must agree with the one-regex reading of the documented rules, for any mix of patterns.
_TEXT = st.text(alphabet="ab*?:/", max_size=6)


def _by_regex(patterns: list[str], value: str, ignore_case: bool) -> bool:
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return any(re.fullmatch(regex_source(p), value, flags) is not None for p in patterns)


@given(st.lists(_TEXT, max_size=4), _TEXT, st.booleans())
def test_shortcuts_agree_with_the_regex_reading(
    patterns: list[str], value: str, ignore_case: bool
) -> None:
    expected = _by_regex(patterns, value, ignore_case)
    assert any_matcher(patterns, ignore_case=ignore_case)(value) is expected


def test_prefix_shortcut_needs_the_only_wildcard_at_the_end() -> None:
    match = any_matcher(["s3:get*", "s3:list?ucket", "ec2:describe*s"])
    assert match("s3:getobject")
    assert match("s3:listbucket")
    assert not match("s3:listbuckets")
    assert match("ec2:describeinstances")
    assert not match("ec2:describeinstance")
    # mixed case patterns with ignore_case: the prefix is compared lower-cased
    assert any_matcher(["S3:Get*"], ignore_case=True)("s3:GETOBJECT")
