"""The condition operators: one table that drives validation, evaluation and the docs.

Each base operator (``StringEquals``, ``NumericLessThan``, ...) is an :class:`Operator`. A name in a
policy may add ``IfExists`` (any operator but ``Null``) and a set prefix ``ForAllValues:`` /
``ForAnyValue:``; :func:`parse_operator` reads such a name. Value parsing and comparison live here
too, so a new operator is one row in :data:`OPERATORS`.
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
"""

from __future__ import annotations

import base64
import binascii
import difflib
import enum
import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from types import MappingProxyType

import attrs
from dateutil.parser import isoparse

from iamsim._wildcard import any_matcher, has_wildcard

__all__ = [
    "OPERATORS",
    "Operator",
    "ParsedOperator",
    "ValueKind",
    "ValueTest",
    "compile_values",
    "parse_operator",
]

DOC = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"

#: A test of one request value against a key's policy values: True (some policy value matches),
#: False (none does) or None (the request value cannot be read as this operator's type).
ValueTest = Callable[[str], bool | None]


class ValueKind(enum.Enum):
    """What type an operator reads its values as."""

    STRING = "String"
    NUMERIC = "Numeric"
    DATE = "Date"
    BOOL = "Boolean"
    BINARY = "Binary"
    IP = "IP address"
    ARN = "ARN"
    NULL = "Null"


@attrs.frozen
class Operator:
    """One base condition operator (no ``IfExists``, no set prefix)."""

    name: str
    kind: ValueKind
    comparison: str  # eq, ieq, like, lt, le, gt, ge, in, arn, null
    negated: bool
    description: str
    variables: bool = False  # policy variables are substituted in its values
    anchor: str = ""

    @property
    def doc_url(self) -> str:
        """The AWS documentation section for this operator."""
        return f"{DOC}#{self.anchor}" if self.anchor else DOC


def _row(
    name: str,
    kind: ValueKind,
    comparison: str,
    description: str,
    *,
    negated: bool = False,
    variables: bool = False,
    anchor: str = "",
) -> Operator:
    return Operator(name, kind, comparison, negated, description, variables, anchor)


_S, _N, _D = ValueKind.STRING, ValueKind.NUMERIC, ValueKind.DATE
_TABLE = [
    _row(
        "StringEquals",
        _S,
        "eq",
        "exact match, case-sensitive",
        variables=True,
        anchor="Conditions_String",
    ),
    _row(
        "StringNotEquals",
        _S,
        "eq",
        "negated exact match",
        negated=True,
        variables=True,
        anchor="Conditions_String",
    ),
    _row(
        "StringEqualsIgnoreCase",
        _S,
        "ieq",
        "exact match, ignoring case",
        variables=True,
        anchor="Conditions_String",
    ),
    _row(
        "StringNotEqualsIgnoreCase",
        _S,
        "ieq",
        "negated match, ignoring case",
        negated=True,
        variables=True,
        anchor="Conditions_String",
    ),
    _row(
        "StringLike",
        _S,
        "like",
        "case-sensitive match with * and ? wildcards anywhere",
        variables=True,
        anchor="Conditions_String",
    ),
    _row(
        "StringNotLike",
        _S,
        "like",
        "negated wildcard match",
        negated=True,
        variables=True,
        anchor="Conditions_String",
    ),
    _row("NumericEquals", _N, "eq", "numbers equal", anchor="Conditions_Numeric"),
    _row("NumericNotEquals", _N, "eq", "numbers differ", negated=True, anchor="Conditions_Numeric"),
    _row("NumericLessThan", _N, "lt", "request value < policy value", anchor="Conditions_Numeric"),
    _row(
        "NumericLessThanEquals",
        _N,
        "le",
        "request value <= policy value",
        anchor="Conditions_Numeric",
    ),
    _row(
        "NumericGreaterThan", _N, "gt", "request value > policy value", anchor="Conditions_Numeric"
    ),
    _row(
        "NumericGreaterThanEquals",
        _N,
        "ge",
        "request value >= policy value",
        anchor="Conditions_Numeric",
    ),
    _row("DateEquals", _D, "eq", "same instant", anchor="Conditions_Date"),
    _row("DateNotEquals", _D, "eq", "different instant", negated=True, anchor="Conditions_Date"),
    _row("DateLessThan", _D, "lt", "request time before policy time", anchor="Conditions_Date"),
    _row(
        "DateLessThanEquals",
        _D,
        "le",
        "request time at or before policy time",
        anchor="Conditions_Date",
    ),
    _row("DateGreaterThan", _D, "gt", "request time after policy time", anchor="Conditions_Date"),
    _row(
        "DateGreaterThanEquals",
        _D,
        "ge",
        "request time at or after policy time",
        anchor="Conditions_Date",
    ),
    _row(
        "Bool",
        ValueKind.BOOL,
        "eq",
        "boolean equal (true / false)",
        variables=True,
        anchor="Conditions_Boolean",
    ),
    _row(
        "BinaryEquals",
        ValueKind.BINARY,
        "eq",
        "bytes equal the base64-decoded policy value",
        anchor="Conditions_BinaryEquals",
    ),
    _row(
        "IpAddress",
        ValueKind.IP,
        "in",
        "address inside an IPv4/IPv6 CIDR range",
        anchor="Conditions_IPAddress",
    ),
    _row(
        "NotIpAddress",
        ValueKind.IP,
        "in",
        "address outside every range",
        negated=True,
        anchor="Conditions_IPAddress",
    ),
    _row(
        "ArnEquals",
        ValueKind.ARN,
        "arn",
        "ARN match per component, * and ? allowed",
        variables=True,
        anchor="Conditions_ARN",
    ),
    _row(
        "ArnLike",
        ValueKind.ARN,
        "arn",
        "ARN match per component, * and ? allowed",
        variables=True,
        anchor="Conditions_ARN",
    ),
    _row(
        "ArnNotEquals",
        ValueKind.ARN,
        "arn",
        "negated ArnEquals",
        negated=True,
        variables=True,
        anchor="Conditions_ARN",
    ),
    _row(
        "ArnNotLike",
        ValueKind.ARN,
        "arn",
        "negated ArnLike",
        negated=True,
        variables=True,
        anchor="Conditions_ARN",
    ),
    _row(
        "Null",
        ValueKind.NULL,
        "null",
        "true: key absent; false: key present",
        anchor="Conditions_Null",
    ),
]

#: Every base operator by name: the single source of truth.
OPERATORS: Mapping[str, Operator] = MappingProxyType({op.name: op for op in _TABLE})

_SET_PREFIXES = ("ForAllValues", "ForAnyValue")


@attrs.frozen
class ParsedOperator:
    """An operator name as written in a policy: base operator plus its qualifiers."""

    text: str
    operator: Operator
    set_prefix: str | None  # "ForAllValues" | "ForAnyValue" | None
    if_exists: bool


def _all_names() -> list[str]:
    names = []
    for op in _TABLE:
        names.append(op.name)
        if op.kind is not ValueKind.NULL:
            names.append(op.name + "IfExists")
    return names + [f"{p}:{n}" for p in _SET_PREFIXES for n in list(names)]


_KNOWN_NAMES = _all_names()


def parse_operator(text: str) -> ParsedOperator | str:
    """Read an operator name; return the parsed form or a one-line error message."""
    prefix: str | None = None
    base = text
    if ":" in text:
        prefix, _, base = text.partition(":")
        if prefix not in _SET_PREFIXES:
            return _unknown(
                text, f"unknown set operator `{prefix}` (use ForAllValues or ForAnyValue)"
            )
    if_exists = base.endswith("IfExists") and base != "IfExists"
    name = base[: -len("IfExists")] if if_exists else base
    operator = OPERATORS.get(name)
    if operator is None:
        return _unknown(text, f"unknown condition operator `{text}`")
    if operator.kind is ValueKind.NULL and (if_exists or prefix):
        return f"`{text}`: Null takes neither IfExists nor a set prefix"
    return ParsedOperator(text, operator, prefix, if_exists)


def _unknown(text: str, message: str) -> str:
    close = difflib.get_close_matches(text, _KNOWN_NAMES, n=1, cutoff=0.75)
    return f"{message}; did you mean `{close[0]}`?" if close else message


# --- values ---------------------------------------------------------------------------------

_EPOCH = re.compile(r"-?\d+(\.\d+)?")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


@lru_cache(maxsize=4096)
def parse_number(text: str) -> Decimal | None:
    """A decimal number, or None when ``text`` is not one."""
    if not _NUMBER.fullmatch(text.strip()):
        return None
    try:
        return Decimal(text.strip())
    except InvalidOperation:  # pragma: no cover - the regex already rules these out
        return None


@lru_cache(maxsize=4096)
def parse_date(text: str) -> float | None:
    """Seconds since the epoch for an ISO 8601 date/time or epoch seconds; None if neither.

    A time without a zone is read as UTC.
    """
    text = text.strip()
    if _EPOCH.fullmatch(text):
        return float(text)
    try:
        moment = isoparse(text)
    except (ValueError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()


def parse_bool(text: str) -> bool | None:
    """``true``/``false`` in any case, or None."""
    lowered = text.strip().lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    return None


@lru_cache(maxsize=4096)
def parse_binary(text: str) -> bytes | None:
    """Base64-decoded bytes, or None."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IpAddr = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_network(text: str) -> IpNetwork | None:
    """A CIDR range; a bare address is a single host (/32 for IPv4, /128 for IPv6)."""
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def parse_address(text: str) -> IpAddr | None:
    """An IP address, or None."""
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def split_arn(text: str) -> list[str] | None:
    """The six components of an ARN (the last may hold colons), or None."""
    parts = text.split(":", 5)
    return parts if len(parts) == 6 else None


def value_problem(operator: Operator, value: str) -> str | None:
    """Why ``value`` is not a valid policy value for ``operator``, or None when it is."""
    kind = operator.kind
    if kind is ValueKind.NUMERIC and parse_number(value) is None:
        return f"`{value}` is not a number ({operator.name} takes integers or decimals)"
    if kind is ValueKind.DATE and parse_date(value) is None:
        return f"`{value}` is not an ISO 8601 date/time or epoch seconds ({operator.name})"
    if kind is ValueKind.BOOL and parse_bool(value) is None and "${" not in value:
        return f"`{value}` is not true or false ({operator.name})"
    if kind is ValueKind.NULL and parse_bool(value) is None:
        return f"`{value}` is not true or false (Null takes true: key absent, false: key present)"
    if kind is ValueKind.BINARY and parse_binary(value) is None:
        return f"`{value}` is not base64 ({operator.name})"
    if kind is ValueKind.IP and parse_network(value) is None:
        return f"`{value}` is not an IPv4 or IPv6 address or CIDR range ({operator.name})"
    if kind is ValueKind.ARN and value != "*" and split_arn(value) is None:
        return f"`{value}` is not an ARN: it needs six colon-separated components ({operator.name})"
    return None


_ORDER: Mapping[str, Callable[[object, object], bool]] = {
    "eq": lambda a, b: a == b,
    "lt": lambda a, b: a < b,  # type: ignore[operator]
    "le": lambda a, b: a <= b,  # type: ignore[operator]
    "gt": lambda a, b: a > b,  # type: ignore[operator]
    "ge": lambda a, b: a >= b,  # type: ignore[operator]
}


def compile_values(operator: Operator, values: Iterable[str]) -> ValueTest:
    """One test for a request value against all of a key's (literal) policy values, ORed.

    The test ignores negation: negated operators invert its result. Values must have passed
    :func:`value_problem`.
    """
    values = tuple(values)
    kind, comparison = operator.kind, operator.comparison
    if kind is ValueKind.STRING:
        if comparison == "like":
            if not any(has_wildcard(v) for v in values):
                exact = frozenset(values)
                return exact.__contains__
            return any_matcher(values)
        if comparison == "ieq":
            folded = frozenset(v.casefold() for v in values)
            return lambda value: value.casefold() in folded
        exact = frozenset(values)
        return exact.__contains__
    if kind is ValueKind.BOOL:
        wanted = frozenset(parse_bool(v) for v in values)

        def test_bool(value: str) -> bool | None:
            parsed = parse_bool(value)
            return None if parsed is None else parsed in wanted

        return test_bool
    if kind is ValueKind.BINARY:
        blobs = frozenset(parse_binary(v) for v in values)

        def test_binary(value: str) -> bool | None:
            parsed = parse_binary(value)
            return None if parsed is None else parsed in blobs

        return test_binary
    if kind is ValueKind.IP:
        networks = tuple(n for n in map(parse_network, values) if n is not None)

        def test_ip(value: str) -> bool | None:
            address = parse_address(value)
            if address is None:
                return None
            return any(address.version == n.version and address in n for n in networks)

        return test_ip
    if kind is ValueKind.ARN:
        return _arn_test(values)
    if kind is ValueKind.NULL:  # Null tests presence, not values: see conditions.KeyTest
        return lambda value: False
    parse: Callable[[str], object | None] = (
        parse_number if kind is ValueKind.NUMERIC else parse_date
    )
    targets = tuple(parse(v) for v in values)
    compare = _ORDER[comparison]

    def test_ordered(value: str) -> bool | None:
        parsed = parse(value)
        if parsed is None:
            return None
        return any(compare(parsed, target) for target in targets)

    return test_ordered


def _arn_test(patterns: tuple[str, ...]) -> ValueTest:
    """ArnLike: the six components match separately, so ``*`` never crosses a colon."""
    compiled: list[tuple[Callable[[str], bool], ...]] = []
    for pattern in patterns:
        if pattern == "*":
            return lambda value: True
        parts = split_arn(pattern)
        if parts is None:
            continue
        compiled.append(tuple(any_matcher((part,)) for part in parts))

    def test_arn(value: str) -> bool | None:
        parts = split_arn(value)
        if parts is None:
            return False
        return any(all(m(p) for m, p in zip(matchers, parts, strict=True)) for matchers in compiled)

    return test_arn


def markdown_table() -> str:
    """The operator table as Markdown, for docs/conditions.md (kept in sync by a test)."""
    lines = [
        "| operator | reads values as | negated | policy variables | IfExists | set prefixes |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for op in _TABLE:
        qualifiers = "no" if op.kind is ValueKind.NULL else "yes"
        lines.append(
            f"| [`{op.name}`]({op.doc_url}) — {op.description} | {op.kind.value} | "
            f"{'yes' if op.negated else 'no'} | {'yes' if op.variables else 'no'} | "
            f"{qualifiers} | {qualifiers} |"
        )
    return "\n".join(lines)
