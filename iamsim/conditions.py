"""Condition blocks compiled once and evaluated against a request context.

Rules (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html):
several operators AND, several keys under one operator AND, several values of one key OR — and
for a negated operator the values NOR. A key absent from the request makes a positive operator
false and a negated one true; ``...IfExists`` makes an absent key true; ``Null`` tests presence.
``ForAllValues`` is true for an absent or empty key, ``ForAnyValue`` false.
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html

When a request value cannot be read as the operator's type (``NumericLessThan`` against
``"abc"``), or a multivalued key is tested without ``ForAllValues``/``ForAnyValue`` (AWS:
"multivalued context keys require a condition set operator"), AWS documents no outcome; iamsim
fails closed: such a test never lets an Allow apply and never keeps a Deny from applying, and the
decision names the key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache

import attrs

from iamsim._variables import Template, parse_template
from iamsim.operators import (
    Operator,
    ParsedOperator,
    ValueKind,
    ValueTest,
    compile_values,
    parse_bool,
)
from iamsim.policy import ConditionClause, as_tuple

__all__ = ["CompiledCondition", "ContextValue", "KeyTest", "Scratch", "compile_condition"]

ContextValue = str | tuple[str, ...]


class Scratch:
    """What one decision noticed while evaluating conditions (allocated once per decision)."""

    __slots__ = ("missing", "unreadable")

    def __init__(self) -> None:
        self.missing: list[str] = []
        self.unreadable: list[str] = []


def _combine_any(results: list[bool | None]) -> bool | None:
    if True in results:
        return True
    if None in results:
        return None
    return False


@attrs.frozen
class KeyTest:
    """One operator applied to one condition key with its policy values."""

    clause: ConditionClause
    parsed: ParsedOperator
    key: str  # lower-cased: condition key names are case-insensitive
    static: ValueTest | None
    templates: tuple[Template, ...]

    def any_match(self, value: str, context: Mapping[str, ContextValue]) -> bool | None:
        """Whether ``value`` matches at least one policy value (negation not applied)."""
        result: bool | None = False
        if self.static is not None:
            result = self.static(value)
            if result:
                return True
        for template in self.templates:
            test = _template_test(self.parsed.operator, template, context)
            if test is None:
                continue  # a variable without a value matches nothing
            outcome = test(value)
            if outcome:
                return True
            if outcome is None:
                result = None
        return result

    def evaluate(self, context: Mapping[str, ContextValue], scratch: Scratch, deny: bool) -> bool:
        """Whether this key's test holds; an unreadable value resolves toward denial."""
        result = self._evaluate(context, scratch)
        if result is None:
            scratch.unreadable.append(self.clause.key)
            return deny
        return result

    def _evaluate(self, context: Mapping[str, ContextValue], scratch: Scratch) -> bool | None:
        operator = self.parsed.operator
        raw = context.get(self.key)
        absent = raw is None or raw == ()
        if operator.kind is ValueKind.NULL:
            # several values of one key are ORed, Null's too
            return any(
                absent if parse_bool(value) else not absent
                for value in as_tuple(self.clause.values)
            )
        prefix = self.parsed.set_prefix
        if absent:
            scratch.missing.append(self.clause.key)
            if prefix == "ForAllValues":
                return True
            if prefix == "ForAnyValue":
                return False
            return True if self.parsed.if_exists else operator.negated
        values: tuple[str, ...] = (raw,) if isinstance(raw, str) else raw  # type: ignore[assignment]
        if prefix is None:
            if len(values) > 1:
                # "Multivalued context keys require a condition set operator": what AWS does
                # without one is not documented, so the outcome resolves toward denial.
                return None
            positive = self.any_match(values[0], context)
            if positive is None:
                return None
            return not positive if operator.negated else positive
        per_value: list[bool | None] = []
        for value in values:
            matched = self.any_match(value, context)
            per_value.append(
                None if matched is None else (not matched if operator.negated else matched)
            )
        if prefix == "ForAllValues":
            if False in per_value:
                return False
            return None if None in per_value else True
        return _combine_any(per_value)


@attrs.frozen
class CompiledCondition:
    """A whole Condition block: every key test must hold."""

    tests: tuple[KeyTest, ...]

    def evaluate(self, context: Mapping[str, ContextValue], scratch: Scratch, deny: bool) -> bool:
        """Whether the block holds for this request."""
        for test in self.tests:  # noqa: SIM110 - a loop, not all(): this is the hot path
            if not test.evaluate(context, scratch, deny):
                return False
        return True

    @property
    def keys(self) -> tuple[str, ...]:
        """The condition keys the block refers to, as written."""
        return tuple(t.clause.key for t in self.tests)


def compile_condition(
    clauses: tuple[ConditionClause, ...], *, variables: bool
) -> CompiledCondition | None:
    """Compile a statement's Condition block; ``variables`` is False before Version 2012-10-17."""
    if not clauses:
        return None
    tests = []
    for clause in clauses:
        parsed = clause.parsed_operator
        literal: list[str] = []
        templates: list[Template] = []
        for value in as_tuple(clause.values):
            template = parse_template(value) if variables and parsed.operator.variables else None
            if template is None:
                literal.append(value)
            else:
                templates.append(template)
        static = compile_values(parsed.operator, literal) if literal else None
        tests.append(KeyTest(clause, parsed, clause.key.lower(), static, tuple(templates)))
    return CompiledCondition(tuple(tests))


def _template_test(
    operator: Operator, template: Template, context: Mapping[str, ContextValue]
) -> ValueTest | None:
    if operator.comparison == "like":
        source = template.resolve_regex(context)
        return None if source is None else _regex_test(source)
    text = template.resolve_text(context)
    if text is None:
        return None
    if operator.kind is ValueKind.BOOL and parse_bool(text) is None:
        return None
    return _resolved_test(operator, text)


@lru_cache(maxsize=4096)
def _regex_test(source: str) -> Callable[[str], bool]:
    fullmatch = re.compile(source, re.DOTALL).fullmatch
    return lambda value: fullmatch(value) is not None


@lru_cache(maxsize=4096)
def _resolved_test(operator: Operator, text: str) -> ValueTest:
    return compile_values(operator, (text,))
