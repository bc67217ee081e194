"""IAM's wildcard language: ``*`` matches any run of characters (also ``/`` and ``:``, also none),
``?`` exactly one character, and everything else itself.

IAM wildcards are not shell globs, so ``fnmatch`` and ``fnmatch2`` are wrong for them: those treat
``[...]`` as a character class and (fnmatch2) stop ``*`` at ``/``. A pattern here always matches the
whole value, never a prefix. Patterns compile once into a matcher (a plain equality test when the
pattern holds no wildcard); compiled regexes are cached because resolved policy variables produce
the same patterns again and again.
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

__all__ = ["Matcher", "any_matcher", "has_wildcard", "regex_source", "wildcard_matcher"]

Matcher = Callable[[str], bool]


def has_wildcard(pattern: str) -> bool:
    """Whether ``pattern`` holds an IAM wildcard character."""
    return "*" in pattern or "?" in pattern


def regex_source(pattern: str) -> str:
    """The regular-expression source for one IAM wildcard pattern (without anchors)."""
    parts: list[str] = []
    literal: list[str] = []
    for char in pattern:
        if char in "*?":
            if literal:
                parts.append(re.escape("".join(literal)))
                literal.clear()
            parts.append(".*" if char == "*" else ".")
        else:
            literal.append(char)
    if literal:
        parts.append(re.escape("".join(literal)))
    return "".join(parts)


@lru_cache(maxsize=8192)
def _compiled(source: str, ignore_case: bool) -> re.Pattern[str]:
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile(source, flags)


def wildcard_matcher(pattern: str, *, ignore_case: bool = False) -> Matcher:
    """A function telling whether a whole value matches ``pattern``."""
    return any_matcher((pattern,), ignore_case=ignore_case)


def _never(_value: str) -> bool:
    return False


def any_matcher(patterns: Iterable[str], *, ignore_case: bool = False) -> Matcher:
    """A function telling whether a value matches any of ``patterns``.

    Patterns without wildcards become a set lookup and patterns whose only wildcard is a final
    ``*`` (``s3:Get*``, the usual shape) a prefix test; only the rest share one regex. A long
    action list (an AWS managed policy) then costs a few C-level scans, not a regex with
    hundreds of backtracking branches. With ``ignore_case`` values are lower-cased first.
    """
    exact: set[str] = set()
    starts: list[str] = []
    wild: list[str] = []
    for pattern in patterns:
        if pattern == "*":
            return _always
        folded = pattern.lower() if ignore_case else pattern
        head = folded[:-1] if folded.endswith("*") else folded
        if has_wildcard(head):
            wild.append(pattern)
        elif head is folded:
            exact.add(folded)
        else:
            starts.append(head)
    frozen = frozenset(exact)
    prefixes = tuple(starts)
    fullmatch = (
        _compiled("(?:" + "|".join(regex_source(p) for p in wild) + ")", ignore_case).fullmatch
        if wild
        else None
    )

    def plain(value: str) -> bool:
        return value in frozen or value.startswith(prefixes)

    if fullmatch is None:
        if not prefixes:
            if not frozen:
                return _never
            test: Matcher = frozen.__contains__
        else:
            test = plain if frozen else (lambda value: value.startswith(prefixes))
    elif not frozen and not prefixes:
        test = lambda value: fullmatch(value) is not None  # noqa: E731
    else:
        test = lambda value: plain(value) or fullmatch(value) is not None  # noqa: E731
    if ignore_case:
        return lambda value: test(value.lower())
    return test


def _always(_value: str) -> bool:
    return True
