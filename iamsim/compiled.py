"""Policies compiled for evaluation: each statement's Action, Resource, Principal and Condition
turned into matchers once, so a decision never re-parses or re-compiles anything.

Resource patterns match ARN-aware: ``?`` and a ``*`` inside an ARN component stay in it, a ``*``
that ends a component may run past its colon, and in the last, resource component ``*`` spans
anything, ``/`` and ``:`` included. A request for resource ``*`` (an action that takes no
resource) matches only the pattern ``*``.
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from functools import lru_cache

import attrs

from iamsim._variables import Template, parse_template
from iamsim._wildcard import any_matcher
from iamsim.conditions import CompiledCondition, ContextValue, compile_condition
from iamsim.policy import Policy, Statement, as_tuple
from iamsim.principals import PrincipalMatcher

__all__ = [
    "CompiledPolicy",
    "CompiledStatement",
    "PolicySource",
    "PolicyType",
    "arn_pattern_regex",
    "compile_policy",
]


class PolicyType(enum.StrEnum):
    """The kinds of policy AWS evaluates for a request.

    Decisions and explanations name policies by these types; ``str()`` gives the lower-case name.

    >>> from iamsim import PolicySet
    >>> ps = PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}])
    >>> decision = ps.evaluate("arn:aws:iam::111122223333:user/alice", "s3:GetObject", "*")
    >>> decision.determining_statements[0].policy_type
    <PolicyType.IDENTITY: 'identity'>
    """

    IDENTITY = "identity"
    RESOURCE = "resource"
    BOUNDARY = "boundary"
    SESSION = "session"
    SCP = "scp"
    RCP = "rcp"

    @property
    def label(self) -> str:
        """How a person names this kind of policy.

        >>> PolicyType.SCP.label
        'service control policy (SCP)'
        """
        return _TITLES[self]


_TITLES = {
    PolicyType.IDENTITY: "identity-based policy",
    PolicyType.RESOURCE: "resource-based policy",
    PolicyType.BOUNDARY: "permissions boundary",
    PolicyType.SESSION: "session policy",
    PolicyType.SCP: "service control policy (SCP)",
    PolicyType.RCP: "resource control policy (RCP)",
}


@attrs.frozen
class PolicySource:
    """Where a policy came from: its type, a name a person recognises, and its SCP/RCP level."""

    type: PolicyType
    name: str
    level: int | None = None
    level_name: str | None = None

    def __str__(self) -> str:
        return self.name


ResourceTest = Callable[[str, Mapping[str, ContextValue]], bool]


@lru_cache(maxsize=8192)
def arn_pattern_regex(pattern: str) -> str:
    """Regex source for a Resource pattern.

    Within the first five ARN components a ``*`` in the middle of a component and every ``?``
    stay inside it; a ``*`` that ends a component "can expand to match beyond the colon
    boundaries" (so ``arn:aws:s3:*`` covers every S3 ARN). In the resource component ``*`` spans
    everything, ``/`` and ``:`` included.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
    """
    parts = pattern.split(":", 5)
    out = []
    for position, part in enumerate(parts):
        resource_part = position == 5
        runs = [run for run in re.split(r"([*?])", part) if run]
        pieces = []
        for index, run in enumerate(runs):
            if run == "*":
                ends_component = index == len(runs) - 1
                pieces.append(".*" if resource_part or ends_component else "[^:]*")
            elif run == "?":
                pieces.append("." if resource_part else "[^:]")
            else:
                pieces.append(re.escape(run))
        out.append("".join(pieces))
    return ":".join(out)


def _resolved_regex(template: Template, context: Mapping[str, ContextValue]) -> str | None:
    pieces = template.resolve_parts(context)
    if pieces is None:
        return None
    # Validation keeps variables in the resource component, so the text before the first
    # variable holds the five fixed components and everything after it is resource text.
    out: list[str] = []
    for position, (literal, text) in enumerate(pieces):
        if literal:
            out.append(re.escape(text))
        elif position == 0:
            out.append(arn_pattern_regex(text))
        else:
            out.append(_any_text_regex(text))
    return "".join(out)


@lru_cache(maxsize=8192)
def _any_text_regex(text: str) -> str:
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)


@lru_cache(maxsize=8192)
def _compiled(source: str) -> Callable[[str], re.Match[str] | None]:
    return re.compile(source, re.DOTALL).fullmatch


def _static_test(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """A test for plain Resource patterns (no policy variables).

    Patterns without wildcards compare equal and patterns whose only wildcard is a final ``*``
    compare by prefix (that ``*`` spans anything, colons included); only the rest need a
    regex, compiled the first time it is needed, so a world compiles quickly.
    """
    plain: set[str] = set()
    starts: list[str] = []
    others: list[str] = []
    for pattern in patterns:
        head = pattern[:-1] if pattern.endswith("*") else pattern
        if "*" in head or "?" in head:
            others.append(pattern)
        elif head is pattern:
            plain.add(pattern)
        else:
            starts.append(head)
    exact, prefixes, rest = frozenset(plain), tuple(starts), tuple(others)
    if not rest:
        if not prefixes:
            return exact.__contains__
        if not exact:
            return lambda resource: resource.startswith(prefixes)
        return lambda resource: resource in exact or resource.startswith(prefixes)
    source = "(?:" + "|".join(arn_pattern_regex(p) for p in rest) + ")"
    compiled: list[Callable[[str], re.Match[str] | None]] = []

    def test(resource: str) -> bool:
        if resource in exact or resource.startswith(prefixes):
            return True
        if not compiled:
            compiled.append(_compiled(source))
        return compiled[0](resource) is not None

    return test


def _resource_test(patterns: tuple[str, ...], templates: tuple[Template, ...]) -> ResourceTest:
    if "*" in patterns:
        return lambda resource, context: True
    static = _static_test(patterns) if patterns else None
    if not templates:
        assert static is not None
        check = static
        return lambda resource, context: check(resource)

    def test(resource: str, context: Mapping[str, ContextValue]) -> bool:
        if static is not None and static(resource):
            return True
        for template in templates:
            source = _resolved_regex(template, context)
            if source is not None and _compiled(source)(resource) is not None:
                return True
        return False

    return test


_MATCHERS = (
    "action_negated",
    "allow",
    "condition",
    "matches_action",
    "matches_resource_raw",
    "not_principal",
    "principal",
    "resource_negated",
    "universal",
)


class _Matchers:
    """What a statement compiles to, which depends on its content alone: shared by every
    statement with the same text (a world repeats the same statements across accounts)."""

    __slots__ = _MATCHERS

    def __init__(self, statement: Statement, variables: bool) -> None:
        self.allow = statement.allows
        actions = statement.action if statement.action is not None else statement.not_action
        self.action_negated = statement.action is None
        self.matches_action = any_matcher(a.lower() for a in as_tuple(actions))
        resources = statement.resource if statement.resource is not None else statement.not_resource
        self.resource_negated = statement.resource is None and statement.not_resource is not None
        if resources is None:  # a resource-based policy without Resource: the resource itself
            self.matches_resource_raw: ResourceTest = lambda resource, context: True
        else:
            plain: list[str] = []
            templates: list[Template] = []
            for pattern in as_tuple(resources):
                template = parse_template(pattern) if variables else None
                if template is None:
                    plain.append(pattern)
                else:
                    templates.append(template)
            self.matches_resource_raw = _resource_test(tuple(plain), tuple(templates))
        self.principal = (
            PrincipalMatcher.compile(statement.principal) if statement.principal else None
        )
        self.not_principal = (
            PrincipalMatcher.compile(statement.not_principal) if statement.not_principal else None
        )
        self.condition: CompiledCondition | None = compile_condition(
            statement.condition or (), variables=variables
        )
        # Applies to every request its Action covers: any resource, any caller, no condition.
        self.universal = (
            not self.resource_negated
            and (resources is None or "*" in as_tuple(resources))
            and (self.principal is None or self.principal.everyone)
            and self.not_principal is None
            and self.condition is None
        )


@lru_cache(maxsize=16384)
def _matchers(statement: Statement, variables: bool) -> _Matchers:
    return _Matchers(statement, variables)


class CompiledStatement:
    """One statement ready to evaluate; knows its policy and position for explanations."""

    __slots__ = (*_MATCHERS, "index", "matchers", "source", "statement")

    # the matchers, copied from the shared _Matchers so the hot path reads them directly
    action_negated: bool
    allow: bool
    condition: CompiledCondition | None
    matches_action: Callable[[str], bool]
    matches_resource_raw: ResourceTest
    not_principal: PrincipalMatcher | None
    principal: PrincipalMatcher | None
    resource_negated: bool
    universal: bool

    def __init__(self, statement: Statement, index: int, source: PolicySource, variables: bool):
        self.statement = statement
        self.index = index
        self.source = source
        #: what the statement compiled to, shared with every statement of the same text
        self.matchers = _matchers(statement, variables)
        self._take(self.matchers)

    def _take(self, m: _Matchers | CompiledStatement) -> None:
        self.action_negated, self.allow, self.condition = m.action_negated, m.allow, m.condition
        self.matches_action, self.matches_resource_raw = m.matches_action, m.matches_resource_raw
        self.principal, self.not_principal = m.principal, m.not_principal
        self.resource_negated, self.universal = m.resource_negated, m.universal

    def matches_resource(self, resource: str, context: Mapping[str, ContextValue]) -> bool:
        """Whether the statement's Resource (or NotResource) covers ``resource``."""
        return self.matches_resource_raw(resource, context) != self.resource_negated

    def applies_to_action(self, action: str) -> bool:
        """Whether the statement's Action (or NotAction) covers a lower-cased action."""
        return self.matches_action(action) != self.action_negated

    @property
    def sid(self) -> str | None:
        """The statement's Sid."""
        return self.statement.sid

    def with_source(self, source: PolicySource) -> CompiledStatement:
        """The same compiled statement, labelled with another source (no recompilation)."""
        clone = object.__new__(CompiledStatement)
        clone._take(self)
        clone.statement, clone.index, clone.source = self.statement, self.index, source
        clone.matchers = self.matchers
        return clone

    def __repr__(self) -> str:
        sid = f" {self.sid!r}" if self.sid else ""
        return f"<statement {self.index}{sid} of {self.source}>"


@attrs.frozen
class CompiledPolicy:
    """A policy and its compiled statements, tagged with where it came from."""

    policy: Policy
    source: PolicySource
    statements: tuple[CompiledStatement, ...] = attrs.field(eq=False, repr=False)
    #: action -> positions of the statements covering it; shared with every relabelled copy,
    #: so a managed policy attached to thousands of roles matches each action once
    _positions: dict[str, tuple[int, ...]] = attrs.field(factory=dict, eq=False, repr=False)
    _by_action: dict[str, tuple[CompiledStatement, ...]] = attrs.field(
        factory=dict, init=False, eq=False, repr=False
    )

    def for_action(self, action: str) -> tuple[CompiledStatement, ...]:
        """The statements whose Action/NotAction covers a lower-cased action (memoised)."""
        found = self._by_action.get(action)
        if found is None:
            positions = self._positions.get(action)
            if positions is None:
                positions = tuple(
                    i for i, s in enumerate(self.statements) if s.applies_to_action(action)
                )
                if len(self._positions) >= 4096:
                    self._positions.clear()
                self._positions[action] = positions
            found = tuple(self.statements[i] for i in positions)
            if len(self._by_action) >= 4096:
                self._by_action.clear()
            self._by_action[action] = found
        return found

    def relabel(self, source: PolicySource) -> CompiledPolicy:
        """The same compiled policy under another name (e.g. which group attached it)."""
        if source == self.source:
            return self
        return CompiledPolicy(
            self.policy,
            source,
            tuple(s.with_source(source) for s in self.statements),
            self._positions,
        )


def compile_policy(policy: Policy, source: PolicySource) -> CompiledPolicy:
    """Compile every statement of ``policy`` once."""
    variables = policy.variables_enabled
    statements = tuple(
        CompiledStatement(statement, index, source, variables)
        for index, statement in enumerate(policy.statements)
    )
    return CompiledPolicy(policy, source, statements)
