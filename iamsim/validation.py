"""Policy validation in the manner of IAM Access Analyzer's policy checks (``ValidatePolicy``).

:func:`validate` reads a policy (JSON text, a dict, or an :class:`~iamsim.policy.Policy`) and
returns :class:`Finding` objects, each with a severity, a stable code, a one-line message and
where it is (statement, element path, and line/column when the policy came as JSON text). A
document IAM would reject yields one ``MALFORMED`` error per problem instead of an exception.

Severities are Access Analyzer's: ``ERROR`` (part of the policy does not work), ``SECURITY_WARNING``
(the policy allows more than it likely should), ``WARNING`` (it works but strays from best
practice), ``SUGGESTION`` (a change that does not alter access). Codes are Access Analyzer's
issue codes where it has the check (``INVALID_ACTION``, ``PASS_ROLE_WITH_STAR_IN_RESOURCE``,
``REDUNDANT_STATEMENT``...) and iamsim's own otherwise; :data:`CHECKS` lists them all with the
page each one follows.
https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html

>>> findings = validate({"Version": "2012-10-17", "Statement": [
...     {"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}]})
>>> [(str(f.severity), f.code, f.element) for f in findings]
[('ERROR', 'INVALID_ACTION', 'Statement[0].Action')]
>>> findings[0].message
'`s3:GetObjekt` is not an action of s3; did you mean s3:GetObject?'
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import attrs

from iamsim._jsonpos import Path, Span, positions
from iamsim._wildcard import any_matcher, has_wildcard, wildcard_matcher
from iamsim.arn import is_account_id
from iamsim.catalog import (
    arn_fits_format,
    canonical_action,
    closest_action,
    closest_service,
    expand_actions,
    lookup_condition_key,
    resource_types,
    service_exists,
)
from iamsim.compiled import arn_pattern_regex
from iamsim.errors import PolicyError
from iamsim.global_keys import global_key
from iamsim.operators import ValueKind
from iamsim.policy import ConditionClause, Policy, PolicyKind, Statement, Values, as_tuple, location

__all__ = ["CHECKS", "Check", "Finding", "Severity", "validate"]

REFERENCE = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"
)
_GUIDE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/"


class Severity(enum.StrEnum):
    """How much a finding matters, in Access Analyzer's four levels (most severe first).

    Filter on it to fail a build on errors and security warnings but not on suggestions.

    >>> findings = validate({"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Allow", "Action": "s3:GetObjects", "Resource": "*"}]})
    >>> findings[0].severity
    <Severity.ERROR: 'ERROR'>
    >>> [str(s) for s in Severity]
    ['ERROR', 'SECURITY_WARNING', 'WARNING', 'SUGGESTION']
    """

    ERROR = "ERROR"
    SECURITY_WARNING = "SECURITY_WARNING"
    WARNING = "WARNING"
    SUGGESTION = "SUGGESTION"


@attrs.frozen
class Check:
    """One kind of finding: its code, severity, what it reports, and the page it follows."""

    code: str
    severity: Severity
    summary: str
    reference: str


def _aa(anchor: str) -> str:
    return f"{REFERENCE}#access-analyzer-reference-policy-checks-{anchor}"


_E, _S, _W, _G = (
    Severity.ERROR,
    Severity.SECURITY_WARNING,
    Severity.WARNING,
    Severity.SUGGESTION,
)
#: Every check :func:`validate` runs, by code.
CHECKS: Mapping[str, Check] = MappingProxyType(
    {
        c.code: c
        for c in (
            Check(
                "MALFORMED",
                _E,
                "IAM would reject the document",
                _GUIDE + "reference_policies_grammar.html",
            ),
            Check(
                "INVALID_SERVICE_IN_ACTION",
                _E,
                "an action names an unknown service",
                _aa("error-invalid-service-in-action"),
            ),
            Check(
                "INVALID_ACTION",
                _E,
                "an action does not exist in its service",
                _aa("error-invalid-action"),
            ),
            Check(
                "UNMATCHED_ACTION_PATTERN",
                _E,
                "an action wildcard matches no action",
                _aa("error-invalid-action"),
            ),
            Check(
                "INVALID_ARN_RESOURCE",
                _E,
                "a resource fits no resource type of the statement's actions",
                _aa("error-invalid-arn-resource"),
            ),
            Check(
                "INVALID_GLOBAL_CONDITION_KEY",
                _E,
                "an aws: condition key does not exist",
                _aa("error-invalid-global-condition-key"),
            ),
            Check(
                "INVALID_SERVICE_CONDITION_KEY",
                _E,
                "a condition key is not a key of the statement's services",
                _aa("error-invalid-service-condition-key"),
            ),
            Check(
                "INCOMPATIBLE_OPERATOR",
                _E,
                "the operator cannot read the key's values (String key, Numeric operator)",
                _GUIDE + "reference_policies_elements_condition_operators.html",
            ),
            Check(
                "TYPE_MISMATCH",
                _W,
                "the operator works but is not the key's type (Numeric key, String operator)",
                _aa("general-warning-type-mismatch"),
            ),
            Check(
                "STAR_ACTION_AND_RESOURCE",
                _S,
                'an Allow of every action ("*") on every resource ("*")',
                _GUIDE + "best-practices.html#grant-least-privilege",
            ),
            Check(
                "ALLOW_WITH_NOT_ACTION",
                _W,
                "an Allow with NotAction allows every other action, new ones included",
                _GUIDE + "reference_policies_elements_notaction.html",
            ),
            Check(
                "PASS_ROLE_WITH_STAR_IN_RESOURCE",
                _S,
                "iam:PassRole allowed on every role",
                _aa("security-warning-pass-role-with-star-in-resource"),
            ),
            Check(
                "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE",
                _S,
                "an action wildcard allows iam:PassRole on every role",
                _aa("security-warning-pass-role-with-star-in-action-and-resource"),
            ),
            Check(
                "TRUST_ALLOWS_ANY_PRINCIPAL",
                _S,
                "a trust policy lets anyone assume the role, with no condition",
                _GUIDE + "reference_policies_elements_principal.html#principal-anonymous",
            ),
            Check(
                "CROSS_ACCOUNT_TRUST_WITHOUT_EXTERNAL_ID",
                _G,
                "a trust policy trusts another account without sts:ExternalId",
                _GUIDE + "id_roles_create_for-user_externalid.html",
            ),
            Check(
                "REDUNDANT_STATEMENT",
                _G,
                "a statement is wholly covered by another with the same effect",
                _aa("suggestion-redundant-statement"),
            ),
        )
    }
)


@attrs.frozen
class Finding:
    """One finding: severity, stable code, one-line message, and where in the policy it is.

    ``element`` is a path such as ``Statement[0].Action[1]`` (empty for the whole document);
    ``line`` and ``column`` (1-based) are set when the policy came as JSON text.

    >>> findings = validate({"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Allow", "Action": "s3:GetObjects", "Resource": "*"}]})
    >>> findings[0].code, findings[0].element
    ('INVALID_ACTION', 'Statement[0].Action')
    """

    severity: Severity
    code: str
    message: str
    statement_index: int | None = None
    sid: str | None = None
    element: str = ""
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.element or "(document)"
        if self.line is not None:
            where += f" (line {self.line}, column {self.column})"
        return f"{where}: {self.severity} {self.code} {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """The finding as a JSON-ready dict.

        >>> findings = validate({"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:GetObjects", "Resource": "*"}]})
        >>> findings[0].to_dict()["severity"]
        'ERROR'
        """
        out = attrs.asdict(self)
        out["severity"] = str(self.severity)
        return out


def validate(
    policy: Policy | Mapping[str, Any] | str | bytes,
    policy_type: PolicyKind | str = "identity",
    *,
    account_id: str | None = None,
) -> list[Finding]:
    """Check a policy the way IAM Access Analyzer's policy validation does; see :data:`CHECKS`.

    ``policy_type`` is one of ``identity``, ``resource``, ``trust``, ``boundary``, ``session``,
    ``scp``, ``rcp``. ``account_id`` is the account that owns the policy, when known: a trust
    policy that trusts that same account is then not reported as cross-account. Findings come
    in document order. Never raises for a bad document (see ``MALFORMED``); raises
    :class:`ValueError` for an unknown ``policy_type``.

    >>> findings = validate({"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Allow", "Action": "s3:GetObjects", "Resource": "*"}]})
    >>> [f.message for f in findings]
    ['`s3:GetObjects` is not an action of s3; did you mean s3:GetObject?']
    """
    kind = PolicyKind(policy_type)
    try:
        parsed = Policy.parse(policy, kind)
    except PolicyError as exc:
        return _malformed(exc, policy)
    return _Validator(parsed, kind, account_id).run()


def _malformed(error: PolicyError, source: object) -> list[Finding]:
    json_at: tuple[int, int] | None = None
    if isinstance(source, bytes | bytearray):
        source = bytes(source).decode("utf-8", "replace")
    if isinstance(source, str):
        try:
            json.loads(source)
        except json.JSONDecodeError as exc:
            json_at = (exc.lineno, exc.colno)
        except (ValueError, RecursionError):
            pass
    out = []
    for problem in error.problems:
        line, column = problem.line, problem.column
        if line is None and json_at is not None and not problem.location:
            line, column = json_at
        out.append(
            Finding(
                Severity.ERROR,
                "MALFORMED",
                problem.message.replace("\n", " "),
                problem.statement_index,
                problem.sid,
                problem.location,
                line,
                column,
            )
        )
    return out


# --- the checks ------------------------------------------------------------------------------

# Findings about one Action, Resource or Principal entry point at the value; the others at the
# element's key (a condition key, NotAction, Principal) or the statement.
_AT_VALUE = frozenset(
    {
        "INVALID_SERVICE_IN_ACTION",
        "INVALID_ACTION",
        "UNMATCHED_ACTION_PATTERN",
        "INVALID_ARN_RESOURCE",
        "PASS_ROLE_WITH_STAR_IN_RESOURCE",
        "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE",
        "CROSS_ACCOUNT_TRUST_WITHOUT_EXTERNAL_ID",
    }
)
_Add = Callable[[str, str, Path], None]  # reports a finding of the current statement
_OK, _WARN, _ERROR = 0, 1, 2
_OPERATOR_TYPES = {
    ValueKind.STRING: "String",
    ValueKind.NUMERIC: "Numeric",
    ValueKind.DATE: "Date",
    ValueKind.BOOL: "Bool",
    ValueKind.BINARY: "Binary",
    ValueKind.IP: "IPAddress",
    ValueKind.ARN: "ARN",
}
# How an operator family fits a key type: absent pairs are errors (the values never parse).
_FIT: Mapping[tuple[str, str], int] = {
    ("String", "String"): _OK,
    ("ARN", "ARN"): _OK,
    ("ARN", "String"): _OK,  # the global keys page: ARN keys work with ARN and string operators
    ("Bool", "Bool"): _OK,
    ("Numeric", "Numeric"): _OK,
    ("Date", "Date"): _OK,
    ("IPAddress", "IPAddress"): _OK,
    ("Numeric", "String"): _WARN,
    ("Date", "String"): _WARN,
    ("Bool", "String"): _WARN,
    ("IPAddress", "String"): _WARN,
    ("String", "ARN"): _WARN,
    ("String", "Bool"): _WARN,
    ("String", "Binary"): _WARN,
    ("Numeric", "Date"): _WARN,  # epoch seconds read as dates
    ("Date", "Numeric"): _WARN,
}
_KNOWN_TYPES = frozenset(t for pair in _FIT for t in pair)
_ROOT = re.compile(r"arn:[a-z-]+:iam::(\d{12}):root")


@attrs.frozen
class _Shape:
    """What a statement grants, reduced for the redundancy check."""

    index: int
    context: tuple[Any, ...]  # effect, principals, resources, conditions
    actions: tuple[str, ...] | None  # lower-cased Action entries; None for NotAction


class _Validator:
    def __init__(self, policy: Policy, kind: PolicyKind, account_id: str | None) -> None:
        self.policy = policy
        self.kind = kind
        self.account_id = account_id
        self.found: list[tuple[str, str, int | None, str | None, Path]] = []

    def add(self, code: str, message: str, index: int | None, sid: str | None, path: Path) -> None:
        self.found.append((code, message, index, sid, path))

    def run(self) -> list[Finding]:
        shapes = []
        for index, statement in enumerate(self.policy.statements):
            base: Path = ("Statement", index) if self.policy.statement_is_list else ("Statement",)
            self.statement(index, statement, base)
            shapes.append(_shape(index, statement))
        self.redundant(shapes)
        return self.findings()

    def findings(self) -> list[Finding]:
        spans: dict[Path, Span] = {}
        keys: dict[Path, tuple[int, int]] = {}
        if self.policy.text is not None and self.found:
            spans, keys = positions(self.policy.text)
        out = []
        for code, message, index, sid, path in sorted(
            self.found, key=lambda f: -1 if f[2] is None else f[2]
        ):
            line = column = None
            if code in _AT_VALUE and path in spans:
                line, column = spans[path][:2]
            elif path in keys:
                line, column = keys[path]
            elif path in spans:
                line, column = spans[path][:2]
            check = CHECKS[code]
            out.append(
                Finding(check.severity, code, message, index, sid, location(path), line, column)
            )
        return out

    # -- one statement

    def statement(self, index: int, statement: Statement, base: Path) -> None:
        sid = statement.sid

        def add(code: str, message: str, path: Path) -> None:
            self.add(code, message, index, sid, path)

        element = "Action" if statement.action is not None else "NotAction"
        values = statement.action if statement.action is not None else statement.not_action
        concrete: set[str] = set()
        formats: set[str] = set()
        everything = statement.action is None
        for path, text in _entries((*base, element), values):
            if text == "*":
                everything = True
                continue
            prefix = text.partition(":")[0]
            expanded, their_formats = _action_entry(text.lower())
            if expanded:
                concrete.update(expanded)
                formats.update(their_formats)
            elif not has_wildcard(prefix) and not service_exists(prefix):
                close = closest_service(prefix)
                hint = f"; did you mean {close}?" if close else ""
                add("INVALID_SERVICE_IN_ACTION", f"`{prefix}` is not an AWS service{hint}", path)
            elif has_wildcard(text):
                add("UNMATCHED_ACTION_PATTERN", f"`{text}` matches no action", path)
            else:
                close = closest_action(text)
                hint = f"; did you mean {close}?" if close else ""
                add("INVALID_ACTION", f"`{text}` is not an action of {prefix}{hint}", path)
        actions = None if everything else frozenset(concrete)
        services = None if actions is None else frozenset(a.partition(":")[0] for a in actions)
        if actions and statement.resource is not None:
            for path, resource in _entries((*base, "Resource"), statement.resource):
                if resource != "*" and not any(arn_fits_format(resource, f) for f in formats):
                    add("INVALID_ARN_RESOURCE", _resource_message(resource, actions), path)
        for clause in statement.condition or ():
            self.condition(clause, services, (*base, "Condition", clause.operator, clause.key), add)
        if statement.allows:
            self.allow(statement, base, add)

    def condition(
        self, clause: ConditionClause, services: frozenset[str] | None, path: Path, add: _Add
    ) -> None:
        key = clause.key
        row = global_key(key)
        types: tuple[str, ...]
        if row is not None:
            types, name = (row.type, *row.also), row.key
        elif key.lower().startswith("aws:"):
            add("INVALID_GLOBAL_CONDITION_KEY", f"`{key}` is not a global condition key", path)
            return
        else:
            if services is not None and not services:
                return  # no valid action to check the key against
            found = lookup_condition_key(key, services)
            if found is not None:
                types, name = (found.base_type,), found.name
            elif _identity_provider_key(key) and (services is None or "sts" in services):
                types, name = ("String",), key  # an OIDC/SAML provider's claim, e.g. ...:sub
            else:
                add("INVALID_SERVICE_CONDITION_KEY", _key_message(key, services), path)
                return
        operator = clause.parsed_operator.operator
        if operator.kind is ValueKind.NULL:
            return
        wanted = _OPERATOR_TYPES[operator.kind]
        known = [t for t in types if t in _KNOWN_TYPES]
        if not known:
            return
        verdict = min(_FIT.get((t, wanted), _ERROR) for t in known)
        if verdict == _WARN:
            add(
                "TYPE_MISMATCH",
                f"`{name}` is a {types[0]} key: use a {types[0]} operator, not {clause.operator}",
                path,
            )
        elif verdict == _ERROR:
            add(
                "INCOMPATIBLE_OPERATOR",
                f"`{name}` is a {types[0]} key, but {clause.operator} reads values as "
                f"{operator.kind.value}: the comparison never works as written",
                path,
            )

    def allow(self, statement: Statement, base: Path, add: _Add) -> None:
        if statement.not_action is not None:
            add(
                "ALLOW_WITH_NOT_ACTION",
                "Allow with NotAction allows every action not listed, including actions AWS "
                "adds later; list the actions to allow instead",
                (*base, "NotAction"),
            )
        actions = as_tuple(statement.action)
        resources = as_tuple(statement.resource)
        full = "*" in actions and "*" in resources
        if full and self.kind in (PolicyKind.IDENTITY, PolicyKind.RESOURCE):
            add(
                "STAR_ACTION_AND_RESOURCE",
                'allows every action on every resource ("*" and "*"): full administrator access',
                base,
            )
        if self.kind is PolicyKind.IDENTITY:
            self.pass_role(statement, actions, base, add)
        if self.kind is PolicyKind.TRUST:
            self.trust(statement, base, add)

    def pass_role(
        self, statement: Statement, actions: tuple[str, ...], base: Path, add: _Add
    ) -> None:
        explicit = any(a.lower() == "iam:passrole" for a in actions)
        wild = any(has_wildcard(a) and _matches(a, "iam:PassRole") for a in actions)
        if not (explicit or wild) or _has_key(statement, "iam:PassedToService"):
            return
        for path, resource in _entries((*base, "Resource"), statement.resource):
            if not _covers_every_role(resource):
                continue
            if explicit:
                add(
                    "PASS_ROLE_WITH_STAR_IN_RESOURCE",
                    f"iam:PassRole on `{resource}` can pass any role to any service; name the "
                    "role ARNs or add an iam:PassedToService condition",
                    path,
                )
            else:
                add(
                    "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE",
                    f"the action wildcard includes iam:PassRole, on `{resource}`: any role can "
                    "be passed to any service; name the role ARNs or add iam:PassedToService",
                    path,
                )
            return

    def trust(self, statement: Statement, base: Path, add: _Add) -> None:
        principal = statement.principal
        if principal is None:
            return
        if (principal.everyone or "*" in principal.ids("AWS")) and not statement.condition:
            add(
                "TRUST_ALLOWS_ANY_PRINCIPAL",
                'any principal ("*"), in any account, can assume this role: add a Condition '
                "(aws:PrincipalOrgID, aws:PrincipalArn, sts:ExternalId...) or name principals",
                (*base, "Principal"),
            )
            return
        if principal.everyone or not _can_assume(statement):
            return
        if _has_key(statement, "sts:ExternalId"):
            return
        values = dict(principal.entries).get("AWS")
        for path, ident in _entries((*base, "Principal", "AWS"), values):
            root = _ROOT.fullmatch(ident)
            account = ident if is_account_id(ident) else (root.group(1) if root else None)
            if account is None or account == self.account_id:
                continue
            add(
                "CROSS_ACCOUNT_TRUST_WITHOUT_EXTERNAL_ID",
                f"trusts account {account} without an sts:ExternalId condition; if that "
                "account is a third party that serves several customers, require the external "
                "ID it gives you (confused deputy)",
                path,
            )

    # -- the whole policy

    def redundant(self, shapes: list[_Shape]) -> None:
        for later in shapes:
            for other in shapes:
                if other.index == later.index or not _covers(other, later):
                    continue
                if _covers(later, other) and later.index < other.index:
                    continue  # identical coverage: report the later statement only
                same = _covers(later, other)
                statement = self.policy.statements[later.index]
                base: Path = (
                    ("Statement", later.index) if self.policy.statement_is_list else ("Statement",)
                )
                what = "duplicates" if same else "is wholly covered by"
                self.add(
                    "REDUNDANT_STATEMENT",
                    f"this statement {what} Statement[{other.index}] (same effect, principal, "
                    "resources and conditions); remove it",
                    later.index,
                    statement.sid,
                    base,
                )
                break


@lru_cache(maxsize=4096)
def _action_entry(text: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """The actions an Action entry names and the ARN formats of their resource types."""
    expanded = expand_actions(text) if has_wildcard(text) else (canonical_action(text),)
    actions = tuple(a for a in expanded if a is not None)
    formats = frozenset(f for a in actions for kind in resource_types(a) for f in kind.arn_formats)
    return actions, formats


def _entries(path: Path, values: Values | None) -> Iterator[tuple[Path, str]]:
    """Each string of a one-or-many element with its path."""
    if values is None:
        return
    if isinstance(values, str):
        yield path, values
        return
    for i, value in enumerate(values):
        yield (*path, i), value


def _matches(pattern: str, action: str) -> bool:
    return wildcard_matcher(pattern, ignore_case=True)(action)


def _has_key(statement: Statement, key: str) -> bool:
    return any(c.key.lower() == key.lower() for c in statement.condition or ())


def _can_assume(statement: Statement) -> bool:
    if statement.action is not None:
        return any(_matches(a, "sts:AssumeRole") for a in as_tuple(statement.action))
    return not any(_matches(a, "sts:AssumeRole") for a in as_tuple(statement.not_action))


def _covers_every_role(resource: str) -> bool:
    """Whether a Resource pattern matches every role of an account (``*``, ``...:role/*``)."""
    if resource == "*":
        return True
    parts = resource.split(":", 5)
    if len(parts) < 6:
        parts += [""] * (6 - len(parts))
    partition = parts[1] if parts[1] and not has_wildcard(parts[1]) else "aws"
    account = parts[4] if is_account_id(parts[4]) else "123456789012"
    probe = f"arn:{partition}:iam::{account}:role/\x00"
    return re.fullmatch(arn_pattern_regex(resource), probe, re.DOTALL) is not None


def _identity_provider_key(key: str) -> bool:
    """Keys named after an identity provider (``token.actions.githubusercontent.com:sub``,
    ``oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:aud``): STS passes every claim of any OIDC
    provider, so the catalog cannot list them all."""
    prefix, colon, claim = key.rpartition(":")
    return bool(colon and claim and ("." in prefix or "/" in prefix))


def _key_message(key: str, services: frozenset[str] | None) -> str:
    elsewhere = lookup_condition_key(key) if services is not None else None
    if elsewhere is not None:
        listed = ", ".join(sorted(services or ()))
        return f"`{key}` is a condition key of another service, not of {listed}"
    return f"`{key}` is not a condition key of any AWS service"


def _resource_message(resource: str, actions: frozenset[str]) -> str:
    named = sorted(actions)
    if len(named) == 1:
        kinds = resource_types(named[0])
        if not kinds:
            return f'`{resource}`: {named[0]} takes no resource; use "*"'
        shapes = ", ".join(f for kind in kinds for f in kind.arn_formats)
        return f"`{resource}` fits no resource type of {named[0]} ({shapes})"
    return f"`{resource}` fits no resource type of the statement's {len(named)} actions"


def _shape(index: int, statement: Statement) -> _Shape:
    conditions = (
        None
        if statement.condition is None
        else frozenset(
            (c.operator, c.key.lower(), frozenset(as_tuple(c.values))) for c in statement.condition
        )
    )
    context = (
        statement.effect,
        _principal_key(statement.principal),
        _principal_key(statement.not_principal),
        statement.resource is not None,
        frozenset(as_tuple(statement.resource or statement.not_resource)),
        conditions,
    )
    actions = None
    if statement.action is not None:
        actions = tuple(sorted({a.lower() for a in as_tuple(statement.action)}))
    return _Shape(index, context, actions)


def _principal_key(principal: Any) -> Any:
    if principal is None:
        return None
    if principal.everyone:
        return "*"
    return frozenset((k, frozenset(as_tuple(v))) for k, v in principal.entries)


def _covers(wide: _Shape, narrow: _Shape) -> bool:
    """Whether every action ``narrow`` grants, ``wide`` grants too, in the same context."""
    if wide.actions is None or narrow.actions is None or wide.context != narrow.context:
        return False
    if set(narrow.actions) <= set(wide.actions):
        return True
    anything = any_matcher(wide.actions, ignore_case=True)
    # Matching the literal text of a wildcard entry is sound only against '*'-only patterns.
    stars = any_matcher([a for a in wide.actions if "?" not in a], ignore_case=True)
    return all(stars(a) if has_wildcard(a) else anything(a) for a in narrow.actions)
