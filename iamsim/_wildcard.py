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
    """A function telling whether a value matches any of ``patterns`` (one regex for them all).

    With ``ignore_case`` the caller must pass values already lower-cased when no pattern holds a
    wildcard; the returned function lower-cases for the exact-match fast path itself.
    """
    exact: set[str] = set()
    wild: list[str] = []
    for pattern in patterns:
        if pattern == "*":
            return _always
        if has_wildcard(pattern):
            wild.append(pattern)
        else:
            exact.add(pattern.lower() if ignore_case else pattern)
    if not wild:
        if not exact:
            return _never
        frozen = frozenset(exact)
        if ignore_case:
            return lambda value: value.lower() in frozen
        return frozen.__contains__
    regex = _compiled("(?:" + "|".join(regex_source(p) for p in wild) + ")", ignore_case)
    fullmatch = regex.fullmatch
    if not exact:
        return lambda value: fullmatch(value) is not None
    frozen = frozenset(exact)
    if ignore_case:
        return lambda value: value.lower() in frozen or fullmatch(value) is not None
    return lambda value: value in frozen or fullmatch(value) is not None


def _always(_value: str) -> bool:
    return True
