"""Handles on an AWS Organization: its root, OUs, and the SCPs and RCPs attached to them.

As in AWS, the FullAWSAccess SCP and the RCPFullAWSAccess RCP are attached to the root, every OU
and every account; every target keeps at least one SCP, and RCPFullAWSAccess cannot be detached.
Neither SCPs nor RCPs apply to the management account.
https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from iamsim.policy import Policy

if TYPE_CHECKING:
    from iamsim._state import OrgPolicyState
    from iamsim.entities import Account
    from iamsim.world import PolicyInput, World

__all__ = ["OrgPolicy", "Organization", "OrganizationRoot", "OrganizationalUnit"]


class OrgPolicy:
    """An SCP or RCP of the organization."""

    __slots__ = ("_id", "_world")

    def __init__(self, world: World, policy_id: str) -> None:
        self._world = world
        self._id = policy_id

    def _state(self) -> OrgPolicyState:
        return self._world._org_policy_state(self._id)

    @property
    def id(self) -> str:
        """The policy ID (``p-…``; ``p-FullAWSAccess`` for the AWS managed SCP)."""
        return self._id

    @property
    def name(self) -> str:
        """The policy name."""
        return self._state().name

    @property
    def kind(self) -> str:
        """``scp`` or ``rcp``."""
        return self._state().kind

    @property
    def document(self) -> Policy:
        """The policy document."""
        return self._state().stored.policy

    @property
    def aws_managed(self) -> bool:
        """Whether AWS manages it (FullAWSAccess, RCPFullAWSAccess)."""
        return self._state().aws_managed

    def __repr__(self) -> str:
        return f"<OrgPolicy {self.kind.upper()} {self.name} ({self._id})>"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, OrgPolicy) and other._world is self._world and other._id == self._id
        )

    def __hash__(self) -> int:
        return hash(("org-policy", self._id))


class _Target:
    """The root or an OU: policies attach here and accounts and OUs sit below."""

    __slots__ = ("_id", "_world")

    def _repr_html_(self) -> str:
        from iamsim._display import entity_html

        text: str = entity_html(self)
        return text

    def __init__(self, world: World, target_id: str) -> None:
        self._world = world
        self._id = target_id

    @property
    def id(self) -> str:
        """``r-…`` for the root, ``ou-…`` for an OU."""
        return self._id

    @property
    def scps(self) -> tuple[OrgPolicy, ...]:
        """The SCPs attached here."""
        return tuple(OrgPolicy(self._world, p) for p in self._world._attached("scp", self._key))

    @property
    def rcps(self) -> tuple[OrgPolicy, ...]:
        """The RCPs attached here."""
        return tuple(OrgPolicy(self._world, p) for p in self._world._attached("rcp", self._key))

    @property
    def _key(self) -> tuple[str, str]:
        return ("node", self._id)

    @property
    def accounts(self) -> tuple[Account, ...]:
        """The accounts placed directly here."""
        from iamsim.entities import Account

        return tuple(
            Account(self._world, a.id)
            for a in self._world._accounts.values()
            if a.parent == self._id
        )

    @property
    def children(self) -> tuple[OrganizationalUnit, ...]:
        """The OUs directly below."""
        org = self._world._require_org()
        return tuple(
            OrganizationalUnit(self._world, ou.id)
            for ou in org.ous.values()
            if ou.parent == self._id
        )

    def attach_scp(
        self, policy: PolicyInput | OrgPolicy | str, *, name: str | None = None
    ) -> OrgPolicy:
        """Attach an SCP (a document, or an existing organization policy by handle, name or ID)."""
        return self._world._attach_org_policy("scp", self._key, policy, name)

    def detach_scp(self, policy_or_name: OrgPolicy | str) -> None:
        """Detach an SCP (every target keeps at least one)."""
        self._world._detach_org_policy("scp", self._key, policy_or_name)

    def attach_rcp(
        self, policy: PolicyInput | OrgPolicy | str, *, name: str | None = None
    ) -> OrgPolicy:
        """Attach an RCP."""
        return self._world._attach_org_policy("rcp", self._key, policy, name)

    def detach_rcp(self, policy_or_name: OrgPolicy | str) -> None:
        """Detach an RCP (RCPFullAWSAccess cannot be detached)."""
        self._world._detach_org_policy("rcp", self._key, policy_or_name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Target) and other._world is self._world and other._id == self._id

    def __hash__(self) -> int:
        return hash(("org-node", self._id))


class OrganizationRoot(_Target):
    """The organization's root."""

    __slots__ = ()

    @property
    def name(self) -> str:
        """Always ``Root``."""
        return "Root"

    @property
    def parent(self) -> None:
        """The root has no parent."""
        return None

    def __repr__(self) -> str:
        return f"<OrganizationRoot {self._id}>"


class OrganizationalUnit(_Target):
    """An organizational unit."""

    __slots__ = ()

    @property
    def name(self) -> str:
        """The OU's name."""
        return self._world._ou_state(self._id).name

    @property
    def parent(self) -> OrganizationRoot | OrganizationalUnit:
        """The root or OU above."""
        node = self._world._org_node(self._world._ou_state(self._id).parent)
        assert node is not None
        return node

    def __repr__(self) -> str:
        return f"<OrganizationalUnit {self.name} ({self._id})>"


class Organization:
    """An AWS Organization: a management account, a root, OUs, and their policies."""

    __slots__ = ("_world",)

    def __init__(self, world: World) -> None:
        self._world = world

    @property
    def id(self) -> str:
        """``o-`` and ten characters."""
        return self._world._require_org().id

    @property
    def root(self) -> OrganizationRoot:
        """The root (``r-…``)."""
        return OrganizationRoot(self._world, self._world._require_org().root_id)

    @property
    def management_account(self) -> Account:
        """The management account (SCPs and RCPs do not apply to it)."""
        from iamsim.entities import Account

        return Account(self._world, self._world._require_org().management_account)

    @property
    def accounts(self) -> tuple[Account, ...]:
        """Every account in the organization."""
        from iamsim.entities import Account

        return tuple(
            Account(self._world, a.id)
            for a in self._world._accounts.values()
            if a.parent is not None
        )

    @property
    def ous(self) -> tuple[OrganizationalUnit, ...]:
        """Every OU."""
        return tuple(OrganizationalUnit(self._world, i) for i in self._world._require_org().ous)

    def create_ou(
        self, name: str, parent: OrganizationRoot | OrganizationalUnit | None = None
    ) -> OrganizationalUnit:
        """Create an OU under ``parent`` (the root by default)."""
        return OrganizationalUnit(self._world, self._world._create_ou(name, parent))

    def ou(self, name_or_id: str) -> OrganizationalUnit:
        """An OU by name or ID; raises NoSuchEntity."""
        return OrganizationalUnit(self._world, self._world._find_ou(name_or_id))

    def policy(self, name_or_id: str) -> OrgPolicy:
        """An SCP or RCP by name or ID; raises NoSuchEntity."""
        return OrgPolicy(self._world, self._world._find_org_policy(name_or_id, None))

    def __repr__(self) -> str:
        return f"<Organization {self.id}>"
