"""Policy variables: ``${aws:username}``, ``${aws:PrincipalTag/team, 'default'}``, ``${*}``.

A template is compiled once into parts; at evaluation time each variable is looked up in the
request context. A variable whose key is absent (and has no default) leaves the whole value
without a value, which the caller treats as "matches nothing" (Resource, positive operators) or
"matches" (negated operators), as AWS documents. Resolved values are literal text: a ``*`` in a tag
value is not a wildcard. Only Version 2012-10-17 policies have variables.
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import attrs

from iamsim._wildcard import regex_source

__all__ = ["Template", "Var", "parse_template"]

_SPECIALS = {"*": "*", "?": "?", "$": "$"}
_VARIABLE = re.compile(r"\$\{([^{}]*)\}")
_DEFAULT = re.compile(r"^\s*([^,\s][^,]*?)\s*,\s*'([^']*)'\s*$")
_KEY = re.compile(r"^[A-Za-z0-9_.:/+=@\-]+$")

ContextValue = str | tuple[str, ...]


@attrs.frozen
class Var:
    """One ``${key}`` or ``${key, 'default'}`` reference; ``key`` is lower-cased."""

    key: str
    default: str | None = None


# A part is ("text", raw pattern text) | ("literal", text) | Var
Part = tuple[str, str] | Var


@attrs.frozen
class Template:
    """A policy value with variables in it, compiled once."""

    source: str
    parts: tuple[Part, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        """The context keys this template refers to."""
        return tuple(p.key for p in self.parts if isinstance(p, Var))

    def resolve_parts(self, context: Mapping[str, ContextValue]) -> list[tuple[bool, str]] | None:
        """``(is_literal, text)`` pieces with variables filled in, or None when one has no value."""
        out: list[tuple[bool, str]] = []
        for part in self.parts:
            if isinstance(part, Var):
                value = context.get(part.key)
                if not isinstance(value, str):  # absent, or multivalued: not usable as a variable
                    if part.default is None:
                        return None
                    value = part.default
                out.append((True, value))
            else:
                out.append((part[0] == "literal", part[1]))
        return out

    def resolve_text(self, context: Mapping[str, ContextValue]) -> str | None:
        """The value with variables filled in, wildcards left as written; None if unresolved."""
        pieces = self.resolve_parts(context)
        return None if pieces is None else "".join(text for _, text in pieces)

    def resolve_regex(self, context: Mapping[str, ContextValue]) -> str | None:
        """A regex source for the resolved value: wildcards from the policy, literals escaped."""
        pieces = self.resolve_parts(context)
        if pieces is None:
            return None
        return "".join(re.escape(text) if lit else regex_source(text) for lit, text in pieces)


def parse_template(text: str) -> Template | None:
    """Compile ``text`` into a :class:`Template`, or None when it holds no variable."""
    if "${" not in text:
        return None
    parts: list[Part] = []
    position = 0
    found = False
    for match in _VARIABLE.finditer(text):
        inner = match.group(1)
        var = _parse_inner(inner)
        if var is None:
            continue  # not a well-formed variable: stays literal policy text
        found = True
        if match.start() > position:
            parts.append(("text", text[position : match.start()]))
        parts.append(var)
        position = match.end()
    if not found:
        return None
    if position < len(text):
        parts.append(("text", text[position:]))
    return Template(text, tuple(parts))


def _parse_inner(inner: str) -> Part | None:
    if inner in _SPECIALS:
        return ("literal", _SPECIALS[inner])
    default_match = _DEFAULT.match(inner)
    if default_match:
        key, default = default_match.group(1), default_match.group(2)
        return Var(key.lower(), default) if _KEY.match(key) else None
    key = inner.strip()
    return Var(key.lower()) if key and _KEY.match(key) else None
