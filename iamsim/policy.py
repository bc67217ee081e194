"""The IAM policy language: JSON text or dicts parsed into frozen, typed values, validated.

:meth:`Policy.parse` collects every problem (unknown or misspelled element, wrong type, missing
``Effect``/``Action``/``Resource``, both ``Action`` and ``NotAction``, bad ``Version``, unknown
condition operator, malformed ARN) and raises one :class:`~iamsim.errors.PolicyError` listing each
with its location, e.g. ``Statement[1].Condition.StringEqulas``. What is allowed depends on where a
policy is used (:class:`PolicyKind`): identity policies take no ``Principal``, resource policies
need one, trust policies take no ``Resource``, RCPs only ``Deny``...
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
"""

from __future__ import annotations

import difflib
import enum
import json
import re
from collections.abc import Mapping
from typing import Any

import attrs

from iamsim._jsonpos import Path, Span, positions
from iamsim._variables import parse_template
from iamsim.arn import is_account_id
from iamsim.errors import PolicyError, Problem
from iamsim.operators import ParsedOperator, parse_operator, value_problem

__all__ = [
    "VERSIONS",
    "ConditionClause",
    "Policy",
    "PolicyKind",
    "Principal",
    "Statement",
]

#: The policy language versions IAM accepts; only 2012-10-17 has policy variables.
VERSIONS = ("2012-10-17", "2008-10-17")

Values = str | tuple[str, ...]


class PolicyKind(enum.StrEnum):
    """Where a policy is used; it decides which elements are required or prohibited.

    Pass it to :meth:`Policy.parse` to get IAM's rules for that place (a trust policy needs a
    ``Principal``, an identity policy must not have one).

    >>> try:
    ...     Policy.parse({"Version": "2012-10-17", "Statement": [
    ...         {"Effect": "Allow", "Action": "sts:AssumeRole"}]}, PolicyKind.TRUST)
    ... except PolicyError as e:
    ...     print(e.problems[0].message)
    a trust policy statement needs `Principal`
    """

    IDENTITY = "identity"
    RESOURCE = "resource"
    TRUST = "trust"
    BOUNDARY = "boundary"
    SESSION = "session"
    SCP = "scp"
    RCP = "rcp"


def as_tuple(values: Values | None) -> tuple[str, ...]:
    """A one-or-many element value as a tuple."""
    if values is None:
        return ()
    return (values,) if isinstance(values, str) else values


@attrs.frozen
class Principal:
    """The value of a ``Principal`` or ``NotPrincipal`` element, as written.

    ``"*"`` is :attr:`everyone`; otherwise a mapping of ``AWS``, ``Service``, ``Federated`` and
    ``CanonicalUser`` to one or many identifiers.
    """

    everyone: bool = False
    entries: tuple[tuple[str, Values], ...] = ()

    def ids(self, key: str) -> tuple[str, ...]:
        """Identifiers under ``key`` (``AWS``, ``Service``, ...)."""
        return tuple(v for k, values in self.entries if k == key for v in as_tuple(values))

    def to_json(self) -> Any:
        """The JSON value of the element."""
        if self.everyone:
            return "*"
        return {k: (v if isinstance(v, str) else list(v)) for k, v in self.entries}


@attrs.frozen
class ConditionClause:
    """One ``operator: {key: values}`` pair of a Condition block."""

    operator: str
    key: str
    values: Values

    @property
    def parsed_operator(self) -> ParsedOperator:
        """The operator with its qualifiers (validated at parse time)."""
        parsed = parse_operator(self.operator)
        assert not isinstance(parsed, str), parsed
        return parsed


@attrs.frozen(cache_hash=True)  # compiled matchers are shared by statement content
class Statement:
    """One statement of a policy, elements as written (one string or a tuple of them).

    Kept as written so a policy round-trips to the same JSON.

    >>> policy = Policy.parse({"Version": "2012-10-17", "Statement": [
    ...     {"Sid": "Read", "Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})
    >>> statement = policy.statements[0]
    >>> statement.sid, statement.effect, statement.action
    ('Read', 'Allow', 's3:Get*')
    """

    effect: str
    sid: str | None = None
    principal: Principal | None = None
    not_principal: Principal | None = None
    action: Values | None = None
    not_action: Values | None = None
    resource: Values | None = None
    not_resource: Values | None = None
    condition: tuple[ConditionClause, ...] | None = None

    @property
    def allows(self) -> bool:
        """Whether this is an ``Allow`` statement.

        >>> policy = Policy.parse({"Version": "2012-10-17", "Statement": [
        ...     {"Sid": "Read", "Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})
        >>> policy.statements[0].allows
        True
        """
        return self.effect == "Allow"

    def to_json(self) -> dict[str, Any]:
        """The statement as a JSON-ready dict, in AWS's usual element order.

        >>> policy = Policy.parse({"Version": "2012-10-17", "Statement": [
        ...     {"Sid": "Read", "Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})
        >>> policy.statements[0].to_json()
        {'Sid': 'Read', 'Effect': 'Allow', 'Action': 's3:Get*', 'Resource': '*'}
        """
        out: dict[str, Any] = {}
        if self.sid is not None:
            out["Sid"] = self.sid
        out["Effect"] = self.effect
        for name, principal in (
            ("Principal", self.principal),
            ("NotPrincipal", self.not_principal),
        ):
            if principal is not None:
                out[name] = principal.to_json()
        for name, value in (
            ("Action", self.action),
            ("NotAction", self.not_action),
            ("Resource", self.resource),
            ("NotResource", self.not_resource),
        ):
            if value is not None:
                out[name] = value if isinstance(value, str) else list(value)
        if self.condition is not None:
            block: dict[str, dict[str, Any]] = {}
            for clause in self.condition:
                values = clause.values
                block.setdefault(clause.operator, {})[clause.key] = (
                    values if isinstance(values, str) else list(values)
                )
            out["Condition"] = block
        return out


@attrs.frozen
class Policy:
    """A parsed policy document.

    Parsed once and validated as IAM would, so every later use works on a known-good document.

    >>> p = Policy.parse('{"Version": "2012-10-17", "Statement": '
    ...                  '{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}}')
    >>> p.statements[0].action
    's3:Get*'
    """

    statements: tuple[Statement, ...]
    version: str | None = None
    id: str | None = None
    statement_is_list: bool = True
    text: str | None = attrs.field(default=None, eq=False, repr=False)

    @classmethod
    def parse(
        cls,
        source: Policy | Mapping[str, Any] | str | bytes,
        kind: PolicyKind | str | None = None,
        *,
        name: str | None = None,
    ) -> Policy:
        """Parse and validate a policy given as JSON text, a dict, or an existing Policy.

        With ``kind``, also check the rules of that policy type. Raises
        :class:`~iamsim.errors.PolicyError` with every problem found.

        >>> policy = Policy.parse({"Version": "2012-10-17", "Statement": [
        ...     {"Sid": "Read", "Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]},
        ...                       PolicyKind.IDENTITY)
        >>> len(policy.statements)
        1
        >>> try:
        ...     Policy.parse('{"Version": "2012-10-17", "Statement": []', "identity")
        ... except PolicyError as e:
        ...     print(e.code)
        MalformedPolicyDocument
        """
        kind = PolicyKind(kind) if kind is not None else None
        if isinstance(source, Policy):
            if kind is not None:
                problems = _Checker(source.text).kind_problems(source.to_json(), kind)
                if problems:
                    raise PolicyError(problems, source=name)
            return source
        text: str | None = None
        if isinstance(source, bytes | bytearray):
            try:
                source = source.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise PolicyError([Problem("", f"not UTF-8 text: {exc}")], source=name) from None
        if isinstance(source, str):
            text = source
            try:
                document = json.loads(
                    source, object_pairs_hook=_no_duplicates, parse_constant=_no_constant
                )
            except _DuplicateKey as exc:
                raise PolicyError([Problem("", str(exc))], source=name) from None
            except ValueError as exc:
                message = f"not valid JSON: {exc}"
                raise PolicyError([Problem("", message)], source=name) from None
            except RecursionError:
                message = "not valid JSON: nested too deeply"
                raise PolicyError([Problem("", message)], source=name) from None
        elif isinstance(source, Mapping):
            document = source
        else:
            problem = Problem(
                "", f"a policy must be JSON text or a mapping, not {type(source).__name__}"
            )
            raise PolicyError([problem], source=name)
        checker = _Checker(text)
        policy = checker.build(document)
        problems = checker.problems()
        if kind is not None and isinstance(document, Mapping) and "Statement" in document:
            problems += checker.kind_problems(document, kind)
        if problems or policy is None:
            raise PolicyError(problems, source=name)
        return attrs.evolve(policy, text=text)

    @property
    def variables_enabled(self) -> bool:
        """Whether ``${...}`` are policy variables (Version 2012-10-17) rather than literal text.

        >>> Policy.parse({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}
        ...              ).variables_enabled
        False
        """
        return self.version == "2012-10-17"

    def to_json(self) -> dict[str, Any]:
        """The policy as a JSON-ready dict.

        >>> policy = Policy.parse({"Version": "2012-10-17", "Statement": [
        ...     {"Sid": "Read", "Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})
        >>> policy.to_json()["Statement"][0]["Action"]
        's3:Get*'
        """
        out: dict[str, Any] = {}
        if self.version is not None:
            out["Version"] = self.version
        if self.id is not None:
            out["Id"] = self.id
        statements = [s.to_json() for s in self.statements]
        out["Statement"] = statements if self.statement_is_list else statements[0]
        return out

    def to_json_text(self, indent: int | None = 2) -> str:
        """The policy as JSON text.

        >>> Policy.parse({"Version": "2012-10-17", "Statement": {
        ...     "Effect": "Deny", "Action": "*", "Resource": "*"}}).to_json_text(indent=None)
        '{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}}'
        """
        return json.dumps(self.to_json(), indent=indent)

    def _repr_html_(self) -> str:
        from iamsim._display import policy_html

        text: str = policy_html(self)
        return text

    def _repr_markdown_(self) -> str:
        return "```json\n" + self.to_json_text() + "\n```"

    def statement_span(self, index: int) -> Span | None:
        """(start line, start column, end line, end column) of a statement in the source text.

        None when the policy was not given as text, since a dict has no lines to point at.

        >>> policy = Policy.parse('{"Version": "2012-10-17", "Statement": '
        ...                       '{"Effect": "Deny", "Action": "*", "Resource": "*"}}')
        >>> policy.statement_span(0)
        (1, 40, 1, 89)
        """
        if self.text is None:
            return None
        spans, _ = positions(self.text)
        path: Path = ("Statement", index) if self.statement_is_list else ("Statement",)
        return spans.get(path)


# --- parsing and validation -------------------------------------------------------------------


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(f"the element `{key}` appears twice in one object")
        seen[key] = value
    return seen


def _no_constant(name: str) -> Any:
    raise ValueError(f"`{name}` is not a JSON number")


_TOP = ("Version", "Id", "Statement")
_ELEMENTS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
_PRINCIPAL_KEYS = ("AWS", "Service", "Federated", "CanonicalUser")
_ACTION = re.compile(r"[A-Za-z0-9-]+:[A-Za-z0-9_*?-]+")
_SID_IAM = re.compile(r"[A-Za-z0-9]*")
_AWS_PRINCIPAL_ARN = re.compile(
    r"arn:[a-z-]+:(iam::\d{12}:(root|user/.+|role/.+)|sts::\d{12}:(assumed-role/[^/]+/.+|federated-user/.+))"
)
_UNIQUE_ID = re.compile(r"A(IDA|ROA)[A-Z0-9]{12,}")
_IAM_KINDS = (PolicyKind.IDENTITY, PolicyKind.BOUNDARY, PolicyKind.TRUST, PolicyKind.SESSION)
_ALLOWED_CHARS = re.compile(r"[\t\n\r\u0020-\u00ff]*")


def location(path: Path) -> str:
    """``Statement[1].Condition.StringEquals`` for a path of keys and indices."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


class _Checker:
    """Builds a Policy from a JSON document while collecting problems with their paths."""

    def __init__(self, text: str | None) -> None:
        self.text = text
        self.found: list[tuple[Path, str, int | None, str | None]] = []
        self.statement_index: int | None = None
        self.sid: str | None = None

    def add(self, path: Path, message: str) -> None:
        self.found.append((path, message, self.statement_index, self.sid))

    def problems(self) -> list[Problem]:
        spans, keys = positions(self.text) if self.text is not None and self.found else ({}, {})
        out = []
        for path, message, index, sid in self.found:
            line = column = None
            if path in keys:
                line, column = keys[path]
            elif path in spans:
                line, column = spans[path][:2]
            out.append(Problem(location(path), message, index, sid, line, column))
        self.found.clear()
        return out

    # -- structure, common to every kind

    def build(self, document: Any) -> Policy | None:
        if not isinstance(document, Mapping):
            self.add((), f"a policy must be a JSON object, not {_type_name(document)}")
            return None
        self.unknown_keys(document, (), _TOP, "policy element")
        version = document.get("Version")
        if "Version" in document and version not in VERSIONS:
            self.add(("Version",), f"`{version}` is not a policy version: use 2012-10-17")
            version = None
        policy_id = document.get("Id")
        if "Id" in document and not isinstance(policy_id, str):
            self.add(("Id",), f"Id must be a string, not {_type_name(policy_id)}")
            policy_id = None
        if "Statement" not in document:
            self.add((), "missing the required element `Statement`")
            return None
        raw = document["Statement"]
        as_list = isinstance(raw, list)
        items = raw if as_list else [raw]
        if as_list and not raw:
            self.add(("Statement",), "Statement is an empty list")
        statements = []
        for index, item in enumerate(items):
            path: Path = ("Statement", index) if as_list else ("Statement",)
            self.statement_index = index
            self.sid = item.get("Sid") if isinstance(item, Mapping) else None
            statement = self.statement(item, path, variables=version == "2012-10-17")
            if statement is not None:
                statements.append(statement)
        self.statement_index = self.sid = None
        if self.found:
            return None
        return Policy(tuple(statements), version, policy_id, as_list)

    def unknown_keys(
        self, mapping: Mapping[str, Any], path: Path, known: tuple[str, ...], what: str
    ) -> None:
        for key in mapping:
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
                hint = f"; did you mean `{close[0]}`?" if close else ""
                self.add((*path, key), f"unknown {what} `{key}`{hint}")

    def statement(self, item: Any, path: Path, *, variables: bool) -> Statement | None:
        if not isinstance(item, Mapping):
            self.add(path, f"a statement must be a JSON object, not {_type_name(item)}")
            return None
        before = len(self.found)
        self.unknown_keys(item, path, _ELEMENTS, "statement element")
        sid = item.get("Sid")
        if "Sid" in item and not isinstance(sid, str):
            self.add((*path, "Sid"), f"Sid must be a string, not {_type_name(sid)}")
        effect = item.get("Effect")
        if "Effect" not in item:
            self.add(path, "missing the required element `Effect`")
        elif effect not in ("Allow", "Deny"):
            self.add(
                (*path, "Effect"),
                f"Effect must be `Allow` or `Deny` (case-sensitive), not `{effect}`",
            )
        if "Action" in item and "NotAction" in item:
            self.add(path, "a statement takes `Action` or `NotAction`, not both")
        elif "Action" not in item and "NotAction" not in item:
            self.add(path, "missing the required element `Action` (or `NotAction`)")
        if "Resource" in item and "NotResource" in item:
            self.add(path, "a statement takes `Resource` or `NotResource`, not both")
        if "Principal" in item and "NotPrincipal" in item:
            self.add(path, "a statement takes `Principal` or `NotPrincipal`, not both")
        actions = {
            n: self.actions(item[n], (*path, n)) for n in ("Action", "NotAction") if n in item
        }
        resources = {
            n: self.resources(item[n], (*path, n), variables=variables)
            for n in ("Resource", "NotResource")
            if n in item
        }
        principals = {
            n: self.principal(item[n], (*path, n))
            for n in ("Principal", "NotPrincipal")
            if n in item
        }
        condition = (
            self.condition(item["Condition"], (*path, "Condition")) if "Condition" in item else None
        )
        if len(self.found) > before:
            return None
        return Statement(
            effect=str(effect),
            sid=sid,
            principal=principals.get("Principal"),
            not_principal=principals.get("NotPrincipal"),
            action=actions.get("Action"),
            not_action=actions.get("NotAction"),
            resource=resources.get("Resource"),
            not_resource=resources.get("NotResource"),
            condition=condition,
        )

    def strings(self, value: Any, path: Path, what: str) -> Values | None:
        if isinstance(value, str):
            return value
        if isinstance(value, list):
            if not value:
                self.add(path, f"{what} is an empty list")
                return None
            bad = [i for i, v in enumerate(value) if not isinstance(v, str)]
            for i in bad:
                self.add((*path, i), f"{what} entries must be strings, not {_type_name(value[i])}")
            return None if bad else tuple(value)
        self.add(path, f"{what} must be a string or a list of strings, not {_type_name(value)}")
        return None

    def actions(self, value: Any, path: Path) -> Values | None:
        actions = self.strings(value, path, str(path[-1]))
        for i, action in enumerate(as_tuple(actions)):
            if action != "*" and not _ACTION.fullmatch(action):
                where = path if isinstance(actions, str) else (*path, i)
                self.add(where, f"`{action}` is not an action: use service:ActionName or *")
        return actions

    def resources(self, value: Any, path: Path, *, variables: bool) -> Values | None:
        resources = self.strings(value, path, str(path[-1]))
        for i, resource in enumerate(as_tuple(resources)):
            where = path if isinstance(resources, str) else (*path, i)
            problem = _resource_problem(resource, variables=variables)
            if problem:
                self.add(where, problem)
        return resources

    def principal(self, value: Any, path: Path) -> Principal | None:
        if value == "*":
            return Principal(everyone=True)
        if not isinstance(value, Mapping):
            self.add(
                path,
                f'{path[-1]} must be "*" or an object such as {{"AWS": ...}}, '
                f"not {_type_name(value)}",
            )
            return None
        if not value:
            self.add(path, f"{path[-1]} is an empty object")
            return None
        self.unknown_keys(value, path, _PRINCIPAL_KEYS, "principal type")
        entries: list[tuple[str, Values]] = []
        for key in _PRINCIPAL_KEYS:
            if key not in value:
                continue
            ids = self.strings(value[key], (*path, key), f"{path[-1]}.{key}")
            if ids is None:
                continue
            for i, ident in enumerate(as_tuple(ids)):
                where = (*path, key) if isinstance(ids, str) else (*path, key, i)
                problem = _principal_problem(key, ident)
                if problem:
                    self.add(where, problem)
            entries.append((key, ids))
        return Principal(everyone=False, entries=tuple(entries))

    def condition(self, value: Any, path: Path) -> tuple[ConditionClause, ...] | None:
        if not isinstance(value, Mapping):
            self.add(path, f"Condition must be an object, not {_type_name(value)}")
            return None
        clauses: list[ConditionClause] = []
        for operator_text, block in value.items():
            where = (*path, operator_text)
            if not isinstance(operator_text, str):
                self.add(
                    path, f"a condition operator must be a string, not {_type_name(operator_text)}"
                )
                continue
            parsed = parse_operator(operator_text)
            if isinstance(parsed, str):
                self.add(where, parsed)
                continue
            if not isinstance(block, Mapping) or not block:
                self.add(where, f"{operator_text} must map condition keys to values")
                continue
            for key, raw_values in block.items():
                key_path = (*where, key)
                if not isinstance(key, str) or not key:
                    self.add(
                        where, f"a condition key name must be a non-empty string, not `{key!r}`"
                    )
                    continue
                values = self.condition_values(raw_values, key_path)
                if values is None:
                    continue
                for i, text in enumerate(as_tuple(values)):
                    problem = value_problem(parsed.operator, text)
                    if problem:
                        self.add(key_path if isinstance(values, str) else (*key_path, i), problem)
                clauses.append(ConditionClause(operator_text, key, values))
        return tuple(clauses)

    def condition_values(self, raw: Any, path: Path) -> Values | None:
        if isinstance(raw, list):
            if not raw:
                self.add(path, "a condition key needs at least one value")
                return None
            converted = [_scalar(v) for v in raw]
            for i, v in enumerate(converted):
                if v is None:
                    self.add(
                        (*path, i),
                        f"a condition value must be a string, number or boolean, "
                        f"not {_type_name(raw[i])}",
                    )
            return None if None in converted else tuple(v for v in converted if v is not None)
        value = _scalar(raw)
        if value is None:
            self.add(
                path,
                f"a condition value must be a string, number, boolean or a list of "
                f"them, not {_type_name(raw)}",
            )
        return value

    # -- rules of each kind of policy

    def kind_problems(self, document: Any, kind: PolicyKind) -> list[Problem]:
        raw = document.get("Statement")
        as_list = isinstance(raw, list)
        items = raw if as_list else [raw]
        if kind in (PolicyKind.RCP, PolicyKind.SCP) and document.get("Version") != "2012-10-17":
            self.add(("Version",), f"an {kind.value.upper()} needs Version 2012-10-17")
        if (
            kind in (PolicyKind.IDENTITY, PolicyKind.BOUNDARY, PolicyKind.SESSION)
            and "Id" in document
        ):
            self.add(
                ("Id",), f"a {_KIND_NAMES[kind]} takes no `Id` (only resource-based policies do)"
            )
        sids: set[str] = set()
        for index, item in enumerate(items):
            if not isinstance(item, Mapping):
                continue
            path: Path = ("Statement", index) if as_list else ("Statement",)
            self.statement_index, self.sid = index, item.get("Sid")
            self.kind_statement(item, path, kind, sids)
        self.statement_index = self.sid = None
        if kind in _IAM_KINDS:
            self.characters(document, ())
        return self.problems()

    def kind_statement(
        self, item: Mapping[str, Any], path: Path, kind: PolicyKind, sids: set[str]
    ) -> None:
        has = item.__contains__
        sid = item.get("Sid")
        if kind in _IAM_KINDS and isinstance(sid, str):
            if not _SID_IAM.fullmatch(sid):
                self.add((*path, "Sid"), f"`{sid}`: an IAM Sid may hold only A-Z, a-z and 0-9")
            if sid and sid in sids:
                self.add((*path, "Sid"), f"Sid `{sid}` is used twice; Sids must be unique")
            sids.add(sid)
        if kind in (PolicyKind.IDENTITY, PolicyKind.BOUNDARY, PolicyKind.SESSION, PolicyKind.SCP):
            for element in ("Principal", "NotPrincipal"):
                if has(element):
                    self.add((*path, element), f"a {_KIND_NAMES[kind]} takes no `{element}`")
            if not has("Resource") and not has("NotResource"):
                self.add(path, "missing the required element `Resource` (or `NotResource`)")
        if kind is PolicyKind.RESOURCE:
            if not has("Principal") and not has("NotPrincipal"):
                self.add(
                    path, "a resource-based policy statement needs `Principal` (or `NotPrincipal`)"
                )
            if has("NotPrincipal") and item.get("Effect") == "Allow":
                self.add((*path, "NotPrincipal"), "NotPrincipal is supported only with Effect Deny")
        if kind is PolicyKind.TRUST:
            if not has("Principal"):
                self.add(path, "a trust policy statement needs `Principal`")
            for element in ("NotPrincipal", "Resource", "NotResource"):
                if has(element):
                    self.add((*path, element), f"a trust policy takes no `{element}`")
        if kind is PolicyKind.RCP:
            for element in ("NotPrincipal", "NotAction"):
                if has(element):
                    self.add((*path, element), f"an RCP takes no `{element}`")
            if not has("Principal"):
                self.add(path, "an RCP statement needs `Principal`")
            elif item.get("Principal") != "*":
                self.add((*path, "Principal"), 'the Principal of an RCP can only be "*"')
            if item.get("Effect") == "Deny" and item.get("Action") in ("*", ["*"]):
                self.add((*path, "Action"), 'a customer managed RCP cannot use "*" as its Action')
            if not has("Resource") and not has("NotResource"):
                self.add(path, "missing the required element `Resource` (or `NotResource`)")
            if item.get("Effect") == "Allow" and not _is_full_access(item):
                self.add(
                    (*path, "Effect"),
                    "custom RCPs can only Deny; Allow exists only in "
                    "the AWS-managed RCPFullAWSAccess",
                )

    def characters(self, value: Any, path: Path) -> None:
        if isinstance(value, str):
            if not _ALLOWED_CHARS.fullmatch(value):
                self.add(
                    path,
                    "IAM policies may hold only tab, newline, carriage return and "
                    "characters U+0020 to U+00FF",
                )
        elif isinstance(value, Mapping):
            for key, item in value.items():
                self.characters(key, (*path, key))
                self.characters(item, (*path, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self.characters(item, (*path, i))


_KIND_NAMES = {
    PolicyKind.IDENTITY: "identity-based policy",
    PolicyKind.BOUNDARY: "permissions boundary",
    PolicyKind.SESSION: "session policy",
    PolicyKind.SCP: "service control policy",
}


def _is_full_access(item: Mapping[str, Any]) -> bool:
    return (
        item.get("Principal") == "*"
        and item.get("Action") in ("*", ["*"])
        and item.get("Resource") in ("*", ["*"])
        and "Condition" not in item
    )


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return repr(value)
    return None


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)


def _resource_problem(resource: str, *, variables: bool) -> str | None:
    if resource == "*":
        return None
    parts = resource.split(":", 5)
    if parts[0] != "arn" or len(parts) < 3:
        return f"`{resource}` is not an ARN (arn:partition:service:region:account:resource) or *"
    if len(parts) < 6 and not parts[-1].endswith("*"):
        return (
            f"`{resource}` is not a complete ARN: give all six components "
            f"(arn:partition:service:region:account:resource) or end with *"
        )
    if "*" in parts[2] or "?" in parts[2]:
        return f"`{resource}`: the service component of an ARN cannot hold a wildcard"
    if not parts[2]:
        return f"`{resource}`: the service component of an ARN is empty"
    if variables and parse_template(":".join(parts[:5])) is not None:
        return f"`{resource}`: policy variables are allowed only in the resource part of an ARN"
    return None


def _principal_problem(key: str, ident: str) -> str | None:
    if key == "AWS":
        if ident == "*" or is_account_id(ident) or _UNIQUE_ID.fullmatch(ident):
            return None
        if "*" in ident or "?" in ident:
            return f'`{ident}`: a principal cannot hold a wildcard (only "*" alone means everyone)'
        if _AWS_PRINCIPAL_ARN.fullmatch(ident):
            return None
        return (
            f"`{ident}` is not an AWS principal: use an account ID, an account, user, role or "
            f'assumed-role ARN, or "*"'
        )
    if key == "Service":
        if ident == "*" or re.fullmatch(r"[a-z0-9.-]+\.[a-z0-9.-]+", ident):
            return None
        return f"`{ident}` is not a service principal such as ec2.amazonaws.com"
    if key == "CanonicalUser":
        if re.fullmatch(r"[0-9a-f]{64}", ident):
            return None
        return f"`{ident}` is not a canonical user ID (64 hexadecimal digits)"
    if not ident:
        return "a federated principal is empty"
    return None
