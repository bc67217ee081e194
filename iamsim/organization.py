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
    """An SCP or RCP of the organization.

    One policy can be attached to many targets; the handle names it by ID wherever it is used.

    >>> import iamsim
    >>> world = iamsim.World()
    >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
    >>> ou = org.create_ou("Workloads")
    >>> scp = ou.attach_scp({"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}, name="NoIAM")
    >>> scp.name, scp.kind, scp.aws_managed
    ('NoIAM', 'scp', False)
    """

    __slots__ = ("_id", "_world")

    def __init__(self, world: World, policy_id: str) -> None:
        self._world = world
        self._id = policy_id

    def _state(self) -> OrgPolicyState:
        return self._world._org_policy_state(self._id)

    @property
    def id(self) -> str:
        """The policy ID (``p-…``; ``p-FullAWSAccess`` for the AWS managed SCP).

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> org.policy("FullAWSAccess").id
        'p-FullAWSAccess'
        """
        return self._id

    @property
    def name(self) -> str:
        """The policy name.

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> org.policy("p-RCPFullAWSAccess").name
        'RCPFullAWSAccess'
        """
        return self._state().name

    @property
    def kind(self) -> str:
        """``scp`` or ``rcp``.

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> org.policy("RCPFullAWSAccess").kind
        'rcp'
        """
        return self._state().kind

    @property
    def document(self) -> Policy:
        """The policy document.

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> org.policy("FullAWSAccess").document.statements[0].action
        '*'
        """
        return self._state().stored.policy

    @property
    def aws_managed(self) -> bool:
        """Whether AWS manages it (FullAWSAccess, RCPFullAWSAccess).

        AWS managed policies come with the organization and cannot be edited.

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> org.policy("FullAWSAccess").aws_managed
        True
        """
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
        """``r-…`` for the root, ``ou-…`` for an OU.

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> ou = org.create_ou("Workloads")
        >>> org.root.id.startswith("r-"), ou.id.startswith("ou-")
        (True, True)
        """
        return self._id

    @property
    def scps(self) -> tuple[OrgPolicy, ...]:
        """The SCPs attached here.

        Every target starts with FullAWSAccess, as in AWS.

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> ou = org.create_ou("Workloads")
        >>> [p.name for p in ou.scps]
        ['FullAWSAccess']
        """
        return tuple(OrgPolicy(self._world, p) for p in self._world._attached("scp", self._key))

    @property
    def rcps(self) -> tuple[OrgPolicy, ...]:
        """The RCPs attached here.

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> ou = org.create_ou("Workloads")
        >>> [p.name for p in ou.rcps]
        ['RCPFullAWSAccess']
        """
        return tuple(OrgPolicy(self._world, p) for p in self._world._attached("rcp", self._key))

    @property
    def _key(self) -> tuple[str, str]:
        return ("node", self._id)

    @property
    def accounts(self) -> tuple[Account, ...]:
        """The accounts placed directly here.

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> ou = org.create_ou("Workloads")
        >>> _ = world.create_account("111111111111", ou=ou)
        >>> [a.id for a in org.root.accounts], [a.id for a in ou.accounts]
        (['999999999999'], ['111111111111'])
        """
        from iamsim.entities import Account

        return tuple(
            Account(self._world, a.id)
            for a in self._world._accounts.values()
            if a.parent == self._id
        )

    @property
    def children(self) -> tuple[OrganizationalUnit, ...]:
        """The OUs directly below.

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> ou = org.create_ou("Workloads")
        >>> [child.name for child in org.root.children]
        ['Workloads']
        """
        org = self._world._require_org()
        return tuple(
            OrganizationalUnit(self._world, ou.id)
            for ou in org.ous.values()
            if ou.parent == self._id
        )

    def attach_scp(
        self, policy: PolicyInput | OrgPolicy | str, *, name: str | None = None
    ) -> OrgPolicy:
        """Attach an SCP (a document, or an existing organization policy by handle, name or ID).

        An SCP caps what the principals of every account below may do.

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> ou = org.create_ou("Workloads")
        >>> scp = ou.attach_scp({"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}, name="NoIAM")
        >>> [p.name for p in ou.scps]
        ['FullAWSAccess', 'NoIAM']
        """
        return self._world._attach_org_policy("scp", self._key, policy, name)

    def detach_scp(self, policy_or_name: OrgPolicy | str) -> None:
        """Detach an SCP (every target keeps at least one).

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> ou = org.create_ou("Workloads")
        >>> _ = ou.attach_scp({"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}, name="NoIAM")
        >>> ou.detach_scp("NoIAM")
        >>> [p.name for p in ou.scps]
        ['FullAWSAccess']
        >>> try:
        ...     ou.detach_scp("FullAWSAccess")
        ... except iamsim.IamSimError as e:
        ...     print(e.code)
        ConstraintViolationException
        """
        self._world._detach_org_policy("scp", self._key, policy_or_name)

    def attach_rcp(
        self, policy: PolicyInput | OrgPolicy | str, *, name: str | None = None
    ) -> OrgPolicy:
        """Attach an RCP.

        An RCP caps what anyone may do to the resources of every account below.

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> ou = org.create_ou("Workloads")
        >>> rcp = ou.attach_rcp({"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
        ...      "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}}]}, name="TLSOnly")
        >>> [p.name for p in ou.rcps]
        ['RCPFullAWSAccess', 'TLSOnly']
        """
        return self._world._attach_org_policy("rcp", self._key, policy, name)

    def detach_rcp(self, policy_or_name: OrgPolicy | str) -> None:
        """Detach an RCP (RCPFullAWSAccess cannot be detached).

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> ou = org.create_ou("Workloads")
        >>> rcp = ou.attach_rcp({"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
        ...      "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}}]}, name="TLSOnly")
        >>> ou.detach_rcp(rcp)
        >>> [p.name for p in ou.rcps]
        ['RCPFullAWSAccess']
        """
        self._world._detach_org_policy("rcp", self._key, policy_or_name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Target) and other._world is self._world and other._id == self._id

    def __hash__(self) -> int:
        return hash(("org-node", self._id))


class OrganizationRoot(_Target):
    """The organization's root.

    Policies attached here apply to every account of the organization but the management one.

    >>> import iamsim
    >>> world = iamsim.World()
    >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
    >>> org.root.name, org.root.parent
    ('Root', None)
    """

    __slots__ = ()

    @property
    def name(self) -> str:
        """Always ``Root``.

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> org.root.name
        'Root'
        """
        return "Root"

    @property
    def parent(self) -> None:
        """The root has no parent.

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> org.root.parent is None
        True
        """
        return None

    def __repr__(self) -> str:
        return f"<OrganizationRoot {self._id}>"


class OrganizationalUnit(_Target):
    """An organizational unit.

    OUs group accounts so that SCPs and RCPs attached to the OU apply to all of them.

    >>> import iamsim
    >>> world = iamsim.World()
    >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
    >>> ou = org.create_ou("Workloads")
    >>> ou.name, ou.parent == org.root
    ('Workloads', True)
    """

    __slots__ = ()

    @property
    def name(self) -> str:
        """The OU's name.

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> ou = org.create_ou("Workloads")
        >>> ou.name
        'Workloads'
        """
        return self._world._ou_state(self._id).name

    @property
    def parent(self) -> OrganizationRoot | OrganizationalUnit:
        """The root or OU above.

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> ou = org.create_ou("Workloads")
        >>> org.create_ou("Prod", parent=ou).parent == ou
        True
        """
        node = self._world._org_node(self._world._ou_state(self._id).parent)
        assert node is not None
        return node

    def __repr__(self) -> str:
        return f"<OrganizationalUnit {self.name} ({self._id})>"


class Organization:
    """An AWS Organization: a management account, a root, OUs, and their policies.

    Create it with :meth:`World.create_organization <iamsim.World.create_organization>`.

    >>> import iamsim
    >>> world = iamsim.World()
    >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
    >>> org.id, org.management_account.id
    ('o-exampleorg1', '999999999999')
    """

    __slots__ = ("_world",)

    def __init__(self, world: World) -> None:
        self._world = world

    @property
    def id(self) -> str:
        """``o-`` and 10 to 32 lowercase letters or digits.

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> org.id
        'o-exampleorg1'
        """
        return self._world._require_org().id

    @property
    def root(self) -> OrganizationRoot:
        """The root (``r-…``).

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> org.root.name
        'Root'
        """
        return OrganizationRoot(self._world, self._world._require_org().root_id)

    @property
    def management_account(self) -> Account:
        """The management account (SCPs and RCPs do not apply to it).

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> org.management_account.is_management_account
        True
        """
        from iamsim.entities import Account

        return Account(self._world, self._world._require_org().management_account)

    @property
    def accounts(self) -> tuple[Account, ...]:
        """Every account in the organization.

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> ou = org.create_ou("Workloads")
        >>> _ = world.create_account("111111111111", ou=ou)
        >>> _ = world.create_account("222222222222")
        >>> [a.id for a in org.accounts]
        ['999999999999', '111111111111']
        """
        from iamsim.entities import Account

        return tuple(
            Account(self._world, a.id)
            for a in self._world._accounts.values()
            if a.parent is not None
        )

    @property
    def ous(self) -> tuple[OrganizationalUnit, ...]:
        """Every OU.

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> ou = org.create_ou("Workloads")
        >>> [u.name for u in org.ous]
        ['Workloads']
        """
        return tuple(OrganizationalUnit(self._world, i) for i in self._world._require_org().ous)

    def create_ou(
        self, name: str, parent: OrganizationRoot | OrganizationalUnit | None = None
    ) -> OrganizationalUnit:
        """Create an OU under ``parent`` (the root by default).

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> workloads = org.create_ou("Workloads")
        >>> org.create_ou("Prod", parent=workloads).parent.name
        'Workloads'
        """
        return OrganizationalUnit(self._world, self._world._create_ou(name, parent))

    def ou(self, name_or_id: str) -> OrganizationalUnit:
        """An OU by name or ID; raises NoSuchEntity.

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> ou = org.create_ou("Workloads")
        >>> org.ou("Workloads") == org.ou(ou.id) == ou
        True
        """
        return OrganizationalUnit(self._world, self._world._find_ou(name_or_id))

    def policy(self, name_or_id: str) -> OrgPolicy:
        """An SCP or RCP by name or ID; raises NoSuchEntity.

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> org.policy("FullAWSAccess").kind
        'scp'
        """
        return OrgPolicy(self._world, self._world._find_org_policy(name_or_id, None))

    def __repr__(self) -> str:
        return f"<Organization {self.id}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Organization) and other._world is self._world

    def __hash__(self) -> int:
        return hash(("organization", id(self._world)))
