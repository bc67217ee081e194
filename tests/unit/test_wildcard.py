"""IAM's wildcard matcher: ``*`` any run (also ``/``), ``?`` one character, everything else literal.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
"""

from __future__ import annotations

import pytest

from iamsim._wildcard import any_matcher, wildcard_matcher


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
