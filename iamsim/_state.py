"""The world's private, mutable state: plain records the World changes and handles read.

Only :mod:`iamsim.world` and the handle modules touch these; users see read-only handles.
Managed policies and inline policies keep their parsed :class:`~iamsim.policy.Policy`; compiled
forms are memoised on first use (see ``compiled``), so a world builds fast and evaluates fast.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from iamsim.compiled import CompiledPolicy, PolicySource, compile_policy
from iamsim.policy import Policy

__all__ = [
    "AccountState",
    "GroupState",
    "ManagedPolicyState",
    "OrgPolicyState",
    "OrgState",
    "OuState",
    "ResourceState",
    "RoleState",
    "StoredPolicy",
    "UserState",
]


@attrs.define(eq=False)
class StoredPolicy:
    """A policy document as stored, with its compiled form made once on first use."""

    policy: Policy
    source: PolicySource
    _compiled: CompiledPolicy | None = None

    def __deepcopy__(self, memo: dict[int, object]) -> StoredPolicy:
        # The policy and its compiled form are immutable: a snapshot shares them.
        return self

    @property
    def compiled(self) -> CompiledPolicy:
        """The compiled policy (compiled the first time it is asked for)."""
        if self._compiled is None:
            self._compiled = compile_policy(self.policy, self.source)
        return self._compiled


@attrs.define(eq=False)
class ManagedPolicyState:
    """A managed policy: customer managed (account) or AWS managed (``aws``)."""

    name: str
    path: str
    id: str
    arn: str
    account: str  # "aws" for AWS managed policies
    versions: dict[str, StoredPolicy]
    default_version: str
    description: str = ""
    created: datetime | None = None
    next_version: int = 2

    @property
    def default(self) -> StoredPolicy:
        """The default version."""
        return self.versions[self.default_version]


@attrs.define(eq=False)
class UserState:
    name: str
    path: str
    id: str
    arn: str
    groups: list[str]
    inline: dict[str, StoredPolicy]
    managed: list[str]
    boundary: str | None
    tags: dict[str, str]
    mfa_serial: str | None
    created: datetime


@attrs.define(eq=False)
class GroupState:
    name: str
    path: str
    id: str
    arn: str
    inline: dict[str, StoredPolicy]
    managed: list[str]


@attrs.define(eq=False)
class RoleState:
    name: str
    path: str
    id: str
    arn: str
    trust: StoredPolicy
    inline: dict[str, StoredPolicy]
    managed: list[str]
    boundary: str | None
    tags: dict[str, str]
    max_session_duration: int
    description: str
    created: datetime

    @property
    def service_linked(self) -> bool:
        """Service-linked roles live under ``/aws-service-role/``; SCPs and RCPs skip them."""
        return self.path.startswith("/aws-service-role/")


@attrs.define(eq=False)
class ResourceState:
    arn: str
    account: str
    policy: StoredPolicy | None
    tags: dict[str, str]


@attrs.define(eq=False)
class AccountState:
    id: str
    alias: str | None
    parent: str | None  # the organization root or OU it sits in
    users: dict[str, UserState] = attrs.Factory(dict)
    groups: dict[str, GroupState] = attrs.Factory(dict)
    roles: dict[str, RoleState] = attrs.Factory(dict)
    policies: dict[str, ManagedPolicyState] = attrs.Factory(dict)  # by ARN
    resources: dict[str, ResourceState] = attrs.Factory(dict)  # by ARN
    scps: list[str] = attrs.Factory(list)  # organization policy IDs
    rcps: list[str] = attrs.Factory(list)


@attrs.define(eq=False)
class OrgPolicyState:
    id: str
    name: str
    kind: str  # "scp" | "rcp"
    stored: StoredPolicy
    aws_managed: bool = False


@attrs.define(eq=False)
class OuState:
    id: str
    name: str
    parent: str
    scps: list[str] = attrs.Factory(list)
    rcps: list[str] = attrs.Factory(list)


@attrs.define(eq=False)
class OrgState:
    id: str
    management_account: str
    root_id: str
    root_scps: list[str] = attrs.Factory(list)
    root_rcps: list[str] = attrs.Factory(list)
    ous: dict[str, OuState] = attrs.Factory(dict)
    policies: dict[str, OrgPolicyState] = attrs.Factory(dict)
