"""iamsim: simulate AWS IAM and STS authorization faithfully, fast, and readably.

>>> import iamsim
>>> decision = iamsim.simulate({
...     "policies": {"identity": [{"Version": "2012-10-17", "Statement": [
...         {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::reports/*"}]}]},
...     "request": {"principal": "arn:aws:iam::111122223333:user/alice",
...                 "action": "s3:GetObject", "resource": "arn:aws:s3:::reports/q3.csv"},
... })
>>> bool(decision), str(decision.outcome)
(True, 'allowed')

The names below are imported on first use (PEP 562), so ``import iamsim.pytest_plugin`` — which
every pytest run of a project with iamsim installed does — costs nothing of the engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from iamsim.arn import Arn
    from iamsim.catalog import catalog_version
    from iamsim.compiled import PolicyType
    from iamsim.console import (
        ConsoleSession,
        SwitchRoleLink,
        parse_switch_role_url,
        sign_in,
        switch_role_url,
    )
    from iamsim.decision import Decision, MatchedStatement, Outcome
    from iamsim.engine import PolicySet
    from iamsim.entities import Account, Group, ManagedPolicy, Resource, Role, User
    from iamsim.errors import (
        AccessDenied,
        EntityAlreadyExists,
        IamSimError,
        NoSuchEntity,
        PolicyError,
        Problem,
        ValidationError,
    )
    from iamsim.gather import evaluate
    from iamsim.loaders import LoadError, load_world
    from iamsim.operators import OPERATORS
    from iamsim.organization import Organization, OrganizationalUnit, OrganizationRoot, OrgPolicy
    from iamsim.policy import Policy, PolicyKind, Statement
    from iamsim.request import Request
    from iamsim.simulation import simulate
    from iamsim.sts import (
        Credentials,
        RoleSession,
        UserSession,
        assume_role,
        get_caller_identity,
        get_session_token,
    )
    from iamsim.validation import Finding, Severity, validate
    from iamsim.world import World

__version__ = "0.1.0"

#: Where each public name lives; ``iamsim.NAME`` imports its module on first use.
_EXPORTS = {
    "Arn": "iamsim.arn",
    "PolicyType": "iamsim.compiled",
    "ConsoleSession": "iamsim.console",
    "SwitchRoleLink": "iamsim.console",
    "parse_switch_role_url": "iamsim.console",
    "sign_in": "iamsim.console",
    "switch_role_url": "iamsim.console",
    "Decision": "iamsim.decision",
    "MatchedStatement": "iamsim.decision",
    "Outcome": "iamsim.decision",
    "PolicySet": "iamsim.engine",
    "Account": "iamsim.entities",
    "Group": "iamsim.entities",
    "ManagedPolicy": "iamsim.entities",
    "Resource": "iamsim.entities",
    "Role": "iamsim.entities",
    "User": "iamsim.entities",
    "AccessDenied": "iamsim.errors",
    "EntityAlreadyExists": "iamsim.errors",
    "IamSimError": "iamsim.errors",
    "NoSuchEntity": "iamsim.errors",
    "PolicyError": "iamsim.errors",
    "Problem": "iamsim.errors",
    "ValidationError": "iamsim.errors",
    "evaluate": "iamsim.gather",
    "LoadError": "iamsim.loaders",
    "load_world": "iamsim.loaders",
    "OPERATORS": "iamsim.operators",
    "Organization": "iamsim.organization",
    "OrganizationalUnit": "iamsim.organization",
    "OrganizationRoot": "iamsim.organization",
    "OrgPolicy": "iamsim.organization",
    "Policy": "iamsim.policy",
    "PolicyKind": "iamsim.policy",
    "Statement": "iamsim.policy",
    "Request": "iamsim.request",
    "simulate": "iamsim.simulation",
    "Credentials": "iamsim.sts",
    "RoleSession": "iamsim.sts",
    "UserSession": "iamsim.sts",
    "assume_role": "iamsim.sts",
    "get_caller_identity": "iamsim.sts",
    "get_session_token": "iamsim.sts",
    "World": "iamsim.world",
    "Finding": "iamsim.validation",
    "Severity": "iamsim.validation",
    "validate": "iamsim.validation",
    "catalog_version": "iamsim.catalog",
}

__all__ = [
    "OPERATORS",
    "AccessDenied",
    "Account",
    "Arn",
    "ConsoleSession",
    "Credentials",
    "Decision",
    "EntityAlreadyExists",
    "Finding",
    "Group",
    "IamSimError",
    "LoadError",
    "ManagedPolicy",
    "MatchedStatement",
    "NoSuchEntity",
    "OrgPolicy",
    "Organization",
    "OrganizationRoot",
    "OrganizationalUnit",
    "Outcome",
    "Policy",
    "PolicyError",
    "PolicyKind",
    "PolicySet",
    "PolicyType",
    "Problem",
    "Request",
    "Resource",
    "Role",
    "RoleSession",
    "Severity",
    "Statement",
    "SwitchRoleLink",
    "User",
    "UserSession",
    "ValidationError",
    "World",
    "assume_role",
    "catalog_version",
    "evaluate",
    "get_caller_identity",
    "get_session_token",
    "load_world",
    "parse_switch_role_url",
    "sign_in",
    "simulate",
    "switch_role_url",
    "validate",
]


def __getattr__(name: str) -> Any:
    """Import a public name (or a submodule, ``iamsim.engine``) on first use."""
    module = _EXPORTS.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
    else:
        try:
            value = importlib.import_module(f"iamsim.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"iamsim.{name}":
                raise
            raise AttributeError(f"module 'iamsim' has no attribute {name!r}") from None
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
