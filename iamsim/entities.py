"""Read-only handles on what a World holds: accounts, users, groups, roles, policies, resources.

A handle names an entity (account and name, or ARN) and reads the world's current state on every
access, so a handle taken before a change sees the change, and one whose entity was deleted
raises :class:`~iamsim.errors.NoSuchEntity`. Changes go through the handle's methods, which the
world validates and applies atomically.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from iamsim.errors import NoSuchEntity
from iamsim.policy import Policy

if TYPE_CHECKING:
    from iamsim._state import (
        AccountState,
        GroupState,
        ManagedPolicyState,
        ResourceState,
        RoleState,
        UserState,
    )
    from iamsim.organization import OrganizationalUnit, OrganizationRoot, OrgPolicy
    from iamsim.world import PolicyInput, World

__all__ = ["Account", "Group", "ManagedPolicy", "Resource", "Role", "User"]


class _Handle:
    __slots__ = ("_world",)

    def __init__(self, world: World) -> None:
        self._world = world

    @property
    def world(self) -> World:
        """The world this entity lives in.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> account.world.account("111122223333") == account
        True
        """
        return self._world

    def _repr_html_(self) -> str:
        from iamsim._display import entity_html

        text: str = entity_html(self)
        return text

    def _repr_markdown_(self) -> str:
        from iamsim._display import entity_markdown

        text: str = entity_markdown(self)
        return text


class Account(_Handle):
    """An AWS account: creates and holds users, groups, roles, managed policies and resources.

    Create it with :meth:`World.create_account <iamsim.World.create_account>`; accounts are the
    boundary AWS uses to decide whether a request is cross-account.

    >>> import iamsim
    >>> account = iamsim.World().create_account("111122223333")
    >>> alice = account.create_user("alice")
    >>> account.users == (alice,)
    True
    """

    __slots__ = ("_id",)

    def __init__(self, world: World, account_id: str) -> None:
        super().__init__(world)
        self._id = account_id

    def _state(self) -> AccountState:
        return self._world._account_state(self._id)

    @property
    def id(self) -> str:
        """The 12-digit account ID.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> account.id
        '111122223333'
        """
        return self._id

    @property
    def alias(self) -> str | None:
        """The account alias, if set.

        Worlds look accounts up by alias as well as by ID.

        >>> import iamsim
        >>> iamsim.World().create_account("111122223333", alias="development").alias
        'development'
        """
        return self._state().alias

    @property
    def arn(self) -> str:
        """The account's root ARN, ``arn:aws:iam::ID:root``.

        It is how policies name the whole account as a principal.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> account.arn
        'arn:aws:iam::111122223333:root'
        """
        return f"arn:aws:iam::{self._id}:root"

    @property
    def parent(self) -> OrganizationRoot | OrganizationalUnit | None:
        """The organization root or OU the account sits in (None outside an organization).

        >>> import iamsim
        >>> world = iamsim.World()
        >>> ou = world.create_organization("999999999999").create_ou("Workloads")
        >>> world.create_account("111122223333", ou=ou).parent == ou
        True
        """
        return self._world._org_node(self._state().parent)

    @property
    def is_management_account(self) -> bool:
        """Whether this is its organization's management account (SCPs and RCPs skip it).

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999")
        >>> world.account("999999999999").is_management_account
        True
        """
        org = self._world._org
        return org is not None and org.management_account == self._id

    @property
    def users(self) -> tuple[User, ...]:
        """Every user of the account.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> _ = account.create_user("alice")
        >>> [u.name for u in account.users]
        ['alice']
        """
        return tuple(User(self._world, self._id, n) for n in self._state().users)

    @property
    def groups(self) -> tuple[Group, ...]:
        """Every group of the account.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> _ = account.create_group("developers")
        >>> [g.name for g in account.groups]
        ['developers']
        """
        return tuple(Group(self._world, self._id, n) for n in self._state().groups)

    @property
    def roles(self) -> tuple[Role, ...]:
        """Every role of the account.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> role = account.create_role("app", trust_policy={"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        ...      "Action": "sts:AssumeRole"}]})
        >>> [r.name for r in account.roles]
        ['app']
        """
        return tuple(Role(self._world, self._id, n) for n in self._state().roles)

    @property
    def policies(self) -> tuple[ManagedPolicy, ...]:
        """The account's customer managed policies.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> read = account.create_policy("Read", {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})
        >>> [p.name for p in account.policies]
        ['Read']
        """
        return tuple(ManagedPolicy(self._world, arn) for arn in self._state().policies)

    @property
    def resources(self) -> tuple[Resource, ...]:
        """The resources added to the account.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> _ = account.add_resource("arn:aws:s3:::reports")
        >>> [r.arn for r in account.resources]
        ['arn:aws:s3:::reports']
        """
        return tuple(Resource(self._world, arn) for arn in self._state().resources)

    def user(self, name: str) -> User:
        """The user called ``name``; raises NoSuchEntity.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> alice = account.create_user("alice")
        >>> account.user("alice") == alice
        True
        """
        if name not in self._state().users:
            raise NoSuchEntity(f"the user with name {name} cannot be found in account {self._id}")
        return User(self._world, self._id, name)

    def group(self, name: str) -> Group:
        """The group called ``name``; raises NoSuchEntity.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> account.create_group("developers") == account.group("developers")
        True
        """
        if name not in self._state().groups:
            raise NoSuchEntity(f"the group with name {name} cannot be found in account {self._id}")
        return Group(self._world, self._id, name)

    def role(self, name: str) -> Role:
        """The role called ``name``; raises NoSuchEntity.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> role = account.create_role("app", trust_policy={"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        ...      "Action": "sts:AssumeRole"}]})
        >>> account.role("app") == role
        True
        """
        if name not in self._state().roles:
            raise NoSuchEntity(f"the role with name {name} cannot be found in account {self._id}")
        return Role(self._world, self._id, name)

    def policy(self, name_or_arn: str) -> ManagedPolicy:
        """A customer managed policy of this account, by name or ARN; raises NoSuchEntity.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> read = account.create_policy("Read", {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})
        >>> account.policy("Read") == account.policy(read.arn) == read
        True
        """
        state = self._state()
        if name_or_arn in state.policies:
            return ManagedPolicy(self._world, name_or_arn)
        for arn, policy in state.policies.items():
            if policy.name == name_or_arn:
                return ManagedPolicy(self._world, arn)
        raise NoSuchEntity(f"policy {name_or_arn} does not exist in account {self._id}")

    def resource(self, arn: str) -> Resource:
        """A resource added to this account; raises NoSuchEntity.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> bucket = account.add_resource("arn:aws:s3:::reports")
        >>> account.resource("arn:aws:s3:::reports") == bucket
        True
        """
        if arn not in self._state().resources:
            raise NoSuchEntity(f"resource {arn} was not added to account {self._id}")
        return Resource(self._world, arn)

    # -- changes

    def create_user(
        self,
        name: str,
        *,
        path: str = "/",
        groups: Sequence[str] = (),
        policies: Sequence[PolicyInput] | Mapping[str, PolicyInput] = (),
        managed_policies: Sequence[str] = (),
        boundary: str | PolicyInput | None = None,
        tags: Mapping[str, str] | None = None,
        mfa: bool = False,
    ) -> User:
        """Create an IAM user. ``mfa=True`` gives it a virtual MFA device (``user.mfa_serial``).

        Groups, inline and managed policies, a boundary and tags can all be given at once, so a
        user is complete in one validated step.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> doc = {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}
        >>> alice = account.create_user("alice", path="/eng/", policies=[doc], mfa=True)
        >>> alice.arn, alice.mfa_serial
        ('arn:aws:iam::111122223333:user/eng/alice', 'arn:aws:iam::111122223333:mfa/alice')
        """
        self._world._create_user(
            self._id, name, path, groups, policies, managed_policies, boundary, tags, mfa
        )
        return User(self._world, self._id, name)

    def create_group(
        self,
        name: str,
        *,
        path: str = "/",
        policies: Sequence[PolicyInput] | Mapping[str, PolicyInput] = (),
        managed_policies: Sequence[str] = (),
    ) -> Group:
        """Create a group (groups hold policies for their users; they are never principals).

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> doc = {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}
        >>> developers = account.create_group("developers", policies={"read": doc})
        >>> list(developers.inline_policies)
        ['read']
        """
        self._world._create_group(self._id, name, path, policies, managed_policies)
        return Group(self._world, self._id, name)

    def create_role(
        self,
        name: str,
        *,
        trust_policy: PolicyInput,
        path: str = "/",
        policies: Sequence[PolicyInput] | Mapping[str, PolicyInput] = (),
        managed_policies: Sequence[str] = (),
        boundary: str | PolicyInput | None = None,
        tags: Mapping[str, str] | None = None,
        max_session_duration: int = 3600,
        description: str = "",
    ) -> Role:
        """Create a role with its trust policy (the resource policy of ``sts:AssumeRole``).

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> role = account.create_role("app", trust_policy={"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        ...      "Action": "sts:AssumeRole"}]}, max_session_duration=7200)
        >>> role.arn, role.max_session_duration
        ('arn:aws:iam::111122223333:role/app', 7200)
        """
        self._world._create_role(
            self._id,
            name,
            trust_policy,
            path,
            policies,
            managed_policies,
            boundary,
            tags,
            max_session_duration,
            description,
        )
        return Role(self._world, self._id, name)

    def create_policy(
        self, name: str, document: PolicyInput, *, path: str = "/", description: str = ""
    ) -> ManagedPolicy:
        """Create a customer managed policy; attach it by ARN with ``managed_policies=``.

        One policy shared by many users, groups and roles, versioned as in IAM.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> read = account.create_policy("Read", {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})
        >>> alice = account.create_user("alice", managed_policies=[read.arn])
        >>> read.arn, alice.managed_policies == (read,)
        ('arn:aws:iam::111122223333:policy/Read', True)
        """
        arn = self._world._create_managed_policy(self._id, name, document, path, description)
        return ManagedPolicy(self._world, arn)

    def add_resource(
        self, arn: str, *, policy: PolicyInput | None = None, tags: Mapping[str, str] | None = None
    ) -> Resource:
        """Add a resource (an S3 bucket, an SQS queue, a KMS key...) with its resource policy.

        Only resources with a policy or tags need adding: requests on other ARNs are decided by
        the caller's policies alone.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> bucket = account.add_resource("arn:aws:s3:::reports", policy={"Version": "2012-10-17",
        ...     "Statement": [{"Effect": "Allow", "Principal": {"AWS": "444455556666"},
        ...                    "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]},
        ...     tags={"team": "finance"})
        >>> bucket.policy.statements[0].action, dict(bucket.tags)
        ('s3:GetObject', {'team': 'finance'})
        """
        self._world._add_resource(self._id, arn, policy, tags)
        return Resource(self._world, arn)

    @property
    def scps(self) -> tuple[OrgPolicy, ...]:
        """The SCPs attached directly to this account.

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999")
        >>> [p.name for p in world.create_account("111122223333", ou=org.root).scps]
        ['FullAWSAccess']
        """
        from iamsim.organization import OrgPolicy

        attached = self._world._attached("scp", ("account", self._id))
        return tuple(OrgPolicy(self._world, p) for p in attached)

    @property
    def rcps(self) -> tuple[OrgPolicy, ...]:
        """The RCPs attached directly to this account.

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999")
        >>> [p.name for p in world.create_account("111122223333", ou=org.root).rcps]
        ['RCPFullAWSAccess']
        """
        from iamsim.organization import OrgPolicy

        attached = self._world._attached("rcp", ("account", self._id))
        return tuple(OrgPolicy(self._world, p) for p in attached)

    def attach_scp(
        self, policy: PolicyInput | OrgPolicy | str, *, name: str | None = None
    ) -> OrgPolicy:
        """Attach an SCP to this account (a document, or an existing organization policy).

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999")
        >>> account = world.create_account("111122223333", ou=org.root)
        >>> scp = account.attach_scp({"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}, name="NoIAM")
        >>> [p.name for p in account.scps]
        ['FullAWSAccess', 'NoIAM']
        """
        return self._world._attach_org_policy("scp", ("account", self._id), policy, name)

    def detach_scp(self, policy_or_name: OrgPolicy | str) -> None:
        """Detach an SCP from this account.

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999")
        >>> account = world.create_account("111122223333", ou=org.root)
        >>> scp = account.attach_scp({"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}, name="NoIAM")
        >>> account.detach_scp(scp)
        >>> [p.name for p in account.scps]
        ['FullAWSAccess']
        """
        self._world._detach_org_policy("scp", ("account", self._id), policy_or_name)

    def attach_rcp(
        self, policy: PolicyInput | OrgPolicy | str, *, name: str | None = None
    ) -> OrgPolicy:
        """Attach an RCP to this account.

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999")
        >>> account = world.create_account("111122223333", ou=org.root)
        >>> rcp = account.attach_rcp({"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
        ...      "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}}]}, name="TLSOnly")
        >>> [p.name for p in account.rcps]
        ['RCPFullAWSAccess', 'TLSOnly']
        """
        return self._world._attach_org_policy("rcp", ("account", self._id), policy, name)

    def detach_rcp(self, policy_or_name: OrgPolicy | str) -> None:
        """Detach an RCP from this account.

        >>> import iamsim
        >>> world = iamsim.World()
        >>> org = world.create_organization("999999999999")
        >>> account = world.create_account("111122223333", ou=org.root)
        >>> rcp = account.attach_rcp({"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
        ...      "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}}]}, name="TLSOnly")
        >>> account.detach_rcp("TLSOnly")
        >>> [p.name for p in account.rcps]
        ['RCPFullAWSAccess']
        """
        self._world._detach_org_policy("rcp", ("account", self._id), policy_or_name)

    def __repr__(self) -> str:
        alias = f" ({self.alias})" if self._world._accounts.get(self._id) and self.alias else ""
        return f"<Account {self._id}{alias}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Account) and other._world is self._world and other._id == self._id

    def __hash__(self) -> int:
        return hash(("account", self._id))


class _Named(_Handle):
    """A user, group or role: an account and a name."""

    __slots__ = ("_account", "_name")
    _kind = ""

    def __init__(self, world: World, account_id: str, name: str) -> None:
        super().__init__(world)
        self._account = account_id
        self._name = name

    @property
    def name(self) -> str:
        """The entity's friendly name.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> account.create_user("alice", path="/eng/").name
        'alice'
        """
        return self._name

    @property
    def account(self) -> Account:
        """The account it belongs to.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> account.create_user("alice").account == account
        True
        """
        return Account(self._world, self._account)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._account}/{self._name}>"

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is type(self)
            and isinstance(other, _Named)
            and other._world is self._world
            and (other._account, other._name) == (self._account, self._name)
        )

    def __hash__(self) -> int:
        return hash((self._kind, self._account, self._name))


class _PolicyHolder(_Named):
    """A user, group or role: it holds inline and managed policies."""

    __slots__ = ()

    def _state(self) -> UserState | GroupState | RoleState:
        raise NotImplementedError

    @property
    def inline_policies(self) -> Mapping[str, Policy]:
        """Inline policies by name.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> doc = {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}
        >>> alice = account.create_user("alice", policies={"read": doc})
        >>> alice.inline_policies["read"].statements[0].action
        's3:Get*'
        """
        return MappingProxyType({n: s.policy for n, s in self._state().inline.items()})

    @property
    def managed_policies(self) -> tuple[ManagedPolicy, ...]:
        """Attached managed policies.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> read = account.create_policy("Read", {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})
        >>> account.create_group("readers", managed_policies=[read.arn]).managed_policies == (read,)
        True
        """
        return tuple(ManagedPolicy(self._world, a) for a in self._state().managed)

    def put_policy(self, name: str, document: PolicyInput) -> None:
        """Add or replace an inline policy.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> alice = account.create_user("alice")
        >>> alice.put_policy("read", {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})
        >>> list(alice.inline_policies)
        ['read']
        """
        self._world._put_inline(self._kind, self._account, self._name, name, document)

    def delete_policy(self, name: str) -> None:
        """Remove an inline policy.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> doc = {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}
        >>> alice = account.create_user("alice", policies={"read": doc})
        >>> alice.delete_policy("read")
        >>> dict(alice.inline_policies)
        {}
        """
        self._world._delete_inline(self._kind, self._account, self._name, name)

    def attach_policy(self, arn: str) -> None:
        """Attach a managed policy.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> read = account.create_policy("Read", {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})
        >>> alice = account.create_user("alice")
        >>> alice.attach_policy(read.arn)
        >>> alice.managed_policies == (read,)
        True
        """
        self._world._attach_managed(self._kind, self._account, self._name, arn)

    def detach_policy(self, arn: str) -> None:
        """Detach a managed policy.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> read = account.create_policy("Read", {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})
        >>> alice = account.create_user("alice", managed_policies=[read.arn])
        >>> alice.detach_policy(read.arn)
        >>> alice.managed_policies
        ()
        """
        self._world._detach_managed(self._kind, self._account, self._name, arn)


class User(_PolicyHolder):
    """An IAM user: a long-term principal with its own and its groups' policies.

    Pass it to :func:`iamsim.evaluate` to decide its requests.

    >>> import iamsim
    >>> account = iamsim.World().create_account("111122223333")
    >>> alice = account.create_user("alice", policies=[{"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}])
    >>> iamsim.evaluate(alice, "s3:GetObject", "arn:aws:s3:::reports/q3.csv").allowed
    True
    """

    __slots__ = ()
    _kind = "user"

    def _state(self) -> UserState:
        return self._world._user_state(self._account, self._name)

    @property
    def arn(self) -> str:
        """``arn:aws:iam::ACCOUNT:user/PATH/NAME``.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> account.create_user("alice", path="/eng/").arn
        'arn:aws:iam::111122223333:user/eng/alice'
        """
        return self._state().arn

    @property
    def id(self) -> str:
        """The unique ID (``AIDA…``), the value of ``aws:userid``.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> account.create_user("alice").id.startswith("AIDA")
        True
        """
        return self._state().id

    @property
    def path(self) -> str:
        """The IAM path.

        Paths group entities; policies can match them with wildcards in ARNs.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> account.create_user("alice", path="/eng/").path
        '/eng/'
        """
        return self._state().path

    @property
    def tags(self) -> Mapping[str, str]:
        """The user's tags (``aws:PrincipalTag/…`` when it calls).

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> dict(account.create_user("alice", tags={"team": "blue"}).tags)
        {'team': 'blue'}
        """
        return MappingProxyType(dict(self._state().tags))

    @property
    def mfa_serial(self) -> str | None:
        """The ARN of its virtual MFA device, if it has one.

        Pass it as ``serial_number`` to :func:`iamsim.assume_role` or
        :func:`iamsim.get_session_token` to make a request with MFA.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> account.create_user("alice", mfa=True).mfa_serial
        'arn:aws:iam::111122223333:mfa/alice'
        >>> account.create_user("bob").mfa_serial is None
        True
        """
        return self._state().mfa_serial

    @property
    def groups(self) -> tuple[Group, ...]:
        """The groups it belongs to.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> _ = account.create_group("developers")
        >>> [g.name for g in account.create_user("alice", groups=["developers"]).groups]
        ['developers']
        """
        return tuple(Group(self._world, self._account, g) for g in self._state().groups)

    @property
    def boundary(self) -> ManagedPolicy | None:
        """The permissions boundary, if set.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> read = account.create_policy("Read", {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})
        >>> account.create_user("alice", boundary=read.arn).boundary == read
        True
        """
        arn = self._state().boundary
        return None if arn is None else ManagedPolicy(self._world, arn)

    def set_boundary(self, boundary: str | PolicyInput | None) -> None:
        """Set (or with None, remove) the permissions boundary.

        A boundary caps what the user's policies can grant. A document (not an ARN) becomes a
        managed policy of the account named ``USER-boundary``.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> alice = account.create_user("alice")
        >>> alice.set_boundary({"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})
        >>> alice.boundary.name
        'alice-boundary'
        >>> alice.set_boundary(None)
        >>> alice.boundary is None
        True
        """
        self._world._set_boundary("user", self._account, self._name, boundary)

    def add_to_group(self, group: str) -> None:
        """Add the user to a group of its account.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> _ = account.create_group("developers")
        >>> alice = account.create_user("alice")
        >>> alice.add_to_group("developers")
        >>> [g.name for g in alice.groups]
        ['developers']
        """
        self._world._group_membership(self._account, self._name, group, add=True)

    def remove_from_group(self, group: str) -> None:
        """Remove the user from a group.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> _ = account.create_group("developers")
        >>> alice = account.create_user("alice", groups=["developers"])
        >>> alice.remove_from_group("developers")
        >>> alice.groups
        ()
        """
        self._world._group_membership(self._account, self._name, group, add=False)

    def tag(self, tags: Mapping[str, str]) -> None:
        """Add or replace tags.

        Tag keys ignore case, as in IAM: a new ``Team`` replaces an old ``team``.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> alice = account.create_user("alice", tags={"team": "blue"})
        >>> alice.tag({"Team": "red", "env": "dev"})
        >>> dict(alice.tags)
        {'Team': 'red', 'env': 'dev'}
        """
        self._world._tag("user", self._account, self._name, tags)

    def delete(self) -> None:
        """Delete the user.

        Handles taken before keep naming it, and raise NoSuchEntity when used.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> alice = account.create_user("alice")
        >>> alice.delete()
        >>> account.users
        ()
        """
        self._world._delete_entity("user", self._account, self._name)


class Group(_PolicyHolder):
    """An IAM group: policies shared by its users. Groups are never principals.

    >>> import iamsim
    >>> account = iamsim.World().create_account("111122223333")
    >>> doc = {"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}
    >>> developers = account.create_group("developers", policies=[doc])
    >>> alice = account.create_user("alice", groups=["developers"])
    >>> iamsim.evaluate(alice, "s3:GetObject", "arn:aws:s3:::reports/q3.csv").allowed
    True
    """

    __slots__ = ()
    _kind = "group"

    def _state(self) -> GroupState:
        return self._world._group_state(self._account, self._name)

    @property
    def arn(self) -> str:
        """``arn:aws:iam::ACCOUNT:group/PATH/NAME``.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> account.create_group("developers").arn
        'arn:aws:iam::111122223333:group/developers'
        """
        return self._state().arn

    @property
    def path(self) -> str:
        """The IAM path.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> account.create_group("developers", path="/eng/").path
        '/eng/'
        """
        return self._state().path

    @property
    def users(self) -> tuple[User, ...]:
        """The users in this group.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> developers = account.create_group("developers")
        >>> alice = account.create_user("alice", groups=["developers"])
        >>> developers.users == (alice,)
        True
        """
        state = self._world._account_state(self._account)
        return tuple(
            User(self._world, self._account, u.name)
            for u in state.users.values()
            if self._name in u.groups
        )

    def delete(self) -> None:
        """Delete the group (its users stay, without it).

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> developers = account.create_group("developers")
        >>> alice = account.create_user("alice", groups=["developers"])
        >>> developers.delete()
        >>> alice.groups
        ()
        """
        self._world._delete_entity("group", self._account, self._name)


class Role(_PolicyHolder):
    """An IAM role: assumed for temporary credentials; its trust policy is its resource policy.

    >>> import iamsim
    >>> account = iamsim.World().create_account("111122223333")
    >>> role = account.create_role("app", trust_policy={"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
    ...      "Action": "sts:AssumeRole"}]})
    >>> role.trust_policy.statements[0].principal.ids("Service")
    ('lambda.amazonaws.com',)
    """

    __slots__ = ()
    _kind = "role"

    def _state(self) -> RoleState:
        return self._world._role_state(self._account, self._name)

    @property
    def arn(self) -> str:
        """``arn:aws:iam::ACCOUNT:role/PATH/NAME``.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> role = account.create_role("app", trust_policy={"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        ...      "Action": "sts:AssumeRole"}]})
        >>> role.arn
        'arn:aws:iam::111122223333:role/app'
        """
        return self._state().arn

    @property
    def id(self) -> str:
        """The unique ID (``AROA…``).

        Role sessions' ``aws:userid`` begins with it.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> role = account.create_role("app", trust_policy={"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        ...      "Action": "sts:AssumeRole"}]})
        >>> role.id.startswith("AROA")
        True
        """
        return self._state().id

    @property
    def path(self) -> str:
        """The IAM path.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> role = account.create_role("app", trust_policy={"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        ...      "Action": "sts:AssumeRole"}]})
        >>> role.path
        '/'
        """
        return self._state().path

    @property
    def tags(self) -> Mapping[str, str]:
        """The role's tags.

        They become ``aws:PrincipalTag/…`` in the requests of its sessions.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> role = account.create_role("app", trust_policy={"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        ...      "Action": "sts:AssumeRole"}]})
        >>> role.tag({"app": "web"})
        >>> dict(role.tags)
        {'app': 'web'}
        """
        return MappingProxyType(dict(self._state().tags))

    @property
    def trust_policy(self) -> Policy:
        """The trust policy (who may assume the role).

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> role = account.create_role("app", trust_policy={"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        ...      "Action": "sts:AssumeRole"}]})
        >>> role.trust_policy.statements[0].action
        'sts:AssumeRole'
        """
        return self._state().trust.policy

    @property
    def max_session_duration(self) -> int:
        """The longest session, in seconds (3600 to 43200).

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> role = account.create_role("app", trust_policy={"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        ...      "Action": "sts:AssumeRole"}]})
        >>> role.max_session_duration
        3600
        """
        return self._state().max_session_duration

    @property
    def service_linked(self) -> bool:
        """Whether this is a service-linked role (path ``/aws-service-role/``).

        SCPs do not apply to service-linked roles.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> role = account.create_role("app", trust_policy={"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        ...      "Action": "sts:AssumeRole"}]})
        >>> role.service_linked
        False
        """
        return self._state().service_linked

    @property
    def boundary(self) -> ManagedPolicy | None:
        """The permissions boundary, if set.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> role = account.create_role("app", trust_policy={"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        ...      "Action": "sts:AssumeRole"}]})
        >>> role.boundary is None
        True
        """
        arn = self._state().boundary
        return None if arn is None else ManagedPolicy(self._world, arn)

    def update_trust_policy(self, document: PolicyInput) -> None:
        """Replace the trust policy.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> role = account.create_role("app", trust_policy={"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        ...      "Action": "sts:AssumeRole"}]})
        >>> role.update_trust_policy({"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"AWS": "444455556666"},
        ...      "Action": "sts:AssumeRole"}]})
        >>> role.trust_policy.statements[0].principal.ids("AWS")
        ('444455556666',)
        """
        self._world._update_trust(self._account, self._name, document)

    def set_boundary(self, boundary: str | PolicyInput | None) -> None:
        """Set (or with None, remove) the permissions boundary.

        A boundary caps what the role's policies can grant to its sessions.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> role = account.create_role("app", trust_policy={"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        ...      "Action": "sts:AssumeRole"}]})
        >>> read = account.create_policy("Read", {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})
        >>> role.set_boundary(read.arn)
        >>> role.boundary == read
        True
        """
        self._world._set_boundary("role", self._account, self._name, boundary)

    def tag(self, tags: Mapping[str, str]) -> None:
        """Add or replace tags.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> role = account.create_role("app", trust_policy={"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        ...      "Action": "sts:AssumeRole"}]})
        >>> role.tag({"app": "web"})
        >>> role.tag({"App": "api"})
        >>> dict(role.tags)
        {'App': 'api'}
        """
        self._world._tag("role", self._account, self._name, tags)

    def delete(self) -> None:
        """Delete the role.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> role = account.create_role("app", trust_policy={"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        ...      "Action": "sts:AssumeRole"}]})
        >>> role.delete()
        >>> account.roles
        ()
        """
        self._world._delete_entity("role", self._account, self._name)


class ManagedPolicy(_Handle):
    """A managed policy (customer managed, or AWS managed under ``arn:aws:iam::aws:policy/``).

    Unlike an inline policy it can be attached to many users, groups and roles, and it keeps
    versions.

    >>> import iamsim
    >>> account = iamsim.World().create_account("111122223333")
    >>> read = account.create_policy("Read", {"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})
    >>> read.name, read.default_version
    ('Read', 'v1')
    """

    __slots__ = ("_arn",)

    def __init__(self, world: World, arn: str) -> None:
        super().__init__(world)
        self._arn = arn

    def _state(self) -> ManagedPolicyState:
        return self._world._managed_state(self._arn)

    @property
    def arn(self) -> str:
        """The policy ARN.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> read = account.create_policy("Read", {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})
        >>> read.arn
        'arn:aws:iam::111122223333:policy/Read'
        """
        return self._arn

    @property
    def name(self) -> str:
        """The policy name.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> read = account.create_policy("Read", {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})
        >>> read.name
        'Read'
        """
        return self._state().name

    @property
    def path(self) -> str:
        """The IAM path.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> read = account.create_policy("Read", {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})
        >>> read.path
        '/'
        """
        return self._state().path

    @property
    def id(self) -> str:
        """The policy ID (``ANPA…``).

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> read = account.create_policy("Read", {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})
        >>> read.id.startswith("ANPA")
        True
        """
        return self._state().id

    @property
    def document(self) -> Policy:
        """The default version's document.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> read = account.create_policy("Read", {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})
        >>> read.document.statements[0].action
        's3:Get*'
        """
        return self._state().default.policy

    @property
    def default_version(self) -> str:
        """The default version ID (``v1``…).

        Only the default version takes part in decisions.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> read = account.create_policy("Read", {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})
        >>> read.default_version
        'v1'
        """
        return self._state().default_version

    @property
    def versions(self) -> Mapping[str, Policy]:
        """Every version's document, by version ID.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> read = account.create_policy("Read", {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})
        >>> list(read.versions)
        ['v1']
        """
        return MappingProxyType({v: s.policy for v, s in self._state().versions.items()})

    def create_version(self, document: PolicyInput, *, set_as_default: bool = True) -> str:
        """Add a version (at most five are kept, as in IAM); returns its ID.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> read = account.create_policy("Read", {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})
        >>> read.create_version({"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:List*", "Resource": "*"}]})
        'v2'
        >>> read.default_version, read.document.statements[0].action
        ('v2', 's3:List*')
        """
        return self._world._create_policy_version(self._arn, document, set_as_default)

    def set_default_version(self, version_id: str) -> None:
        """Make another version the default.

        Rolling back a policy change is setting the old version as default again.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> read = account.create_policy("Read", {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})
        >>> _ = read.create_version({"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:List*", "Resource": "*"}]})
        >>> read.set_default_version("v1")
        >>> read.document.statements[0].action
        's3:Get*'
        """
        self._world._set_default_version(self._arn, version_id)

    def __repr__(self) -> str:
        return f"<ManagedPolicy {self._arn}>"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ManagedPolicy)
            and other._world is self._world
            and other._arn == self._arn
        )

    def __hash__(self) -> int:
        return hash(("policy", self._arn))


class Resource(_Handle):
    """A resource with its resource-based policy and tags (an S3 bucket, a queue, a key...).

    Its policy can grant access to other accounts, which identity policies alone cannot.

    >>> import iamsim
    >>> account = iamsim.World().create_account("111122223333")
    >>> bucket = account.add_resource("arn:aws:s3:::reports", policy={"Version": "2012-10-17",
    ...     "Statement": [{"Effect": "Allow", "Principal": {"AWS": "444455556666"},
    ...                    "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]},
    ...     tags={"team": "finance"})
    >>> bucket.policy.statements[0].principal.ids("AWS")
    ('444455556666',)
    """

    __slots__ = ("_arn",)

    def __init__(self, world: World, arn: str) -> None:
        super().__init__(world)
        self._arn = arn

    def _state(self) -> ResourceState:
        return self._world._resource_state(self._arn)

    @property
    def arn(self) -> str:
        """The resource ARN.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> bucket = account.add_resource("arn:aws:s3:::reports", policy={"Version": "2012-10-17",
        ...     "Statement": [{"Effect": "Allow", "Principal": {"AWS": "444455556666"},
        ...                    "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]},
        ...     tags={"team": "finance"})
        >>> bucket.arn
        'arn:aws:s3:::reports'
        """
        return self._arn

    @property
    def account(self) -> Account:
        """The account that owns it.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> bucket = account.add_resource("arn:aws:s3:::reports", policy={"Version": "2012-10-17",
        ...     "Statement": [{"Effect": "Allow", "Principal": {"AWS": "444455556666"},
        ...                    "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]},
        ...     tags={"team": "finance"})
        >>> bucket.account == account
        True
        """
        return Account(self._world, self._state().account)

    @property
    def policy(self) -> Policy | None:
        """Its resource-based policy, if any.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> bucket = account.add_resource("arn:aws:s3:::reports", policy={"Version": "2012-10-17",
        ...     "Statement": [{"Effect": "Allow", "Principal": {"AWS": "444455556666"},
        ...                    "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]},
        ...     tags={"team": "finance"})
        >>> bucket.policy.statements[0].action
        's3:GetObject'
        """
        stored = self._state().policy
        return None if stored is None else stored.policy

    @property
    def tags(self) -> Mapping[str, str]:
        """Its tags (``aws:ResourceTag/…``).

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> bucket = account.add_resource("arn:aws:s3:::reports", policy={"Version": "2012-10-17",
        ...     "Statement": [{"Effect": "Allow", "Principal": {"AWS": "444455556666"},
        ...                    "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]},
        ...     tags={"team": "finance"})
        >>> dict(bucket.tags)
        {'team': 'finance'}
        """
        return MappingProxyType(dict(self._state().tags))

    def set_policy(self, document: PolicyInput | None) -> None:
        """Replace (or with None, remove) the resource policy.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> bucket = account.add_resource("arn:aws:s3:::reports", policy={"Version": "2012-10-17",
        ...     "Statement": [{"Effect": "Allow", "Principal": {"AWS": "444455556666"},
        ...                    "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]},
        ...     tags={"team": "finance"})
        >>> bucket.set_policy(None)
        >>> bucket.policy is None
        True
        """
        self._world._set_resource_policy(self._arn, document)

    def tag(self, tags: Mapping[str, str]) -> None:
        """Add or replace tags.

        >>> import iamsim
        >>> account = iamsim.World().create_account("111122223333")
        >>> bucket = account.add_resource("arn:aws:s3:::reports", policy={"Version": "2012-10-17",
        ...     "Statement": [{"Effect": "Allow", "Principal": {"AWS": "444455556666"},
        ...                    "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]},
        ...     tags={"team": "finance"})
        >>> bucket.tag({"env": "prod"})
        >>> dict(bucket.tags)
        {'team': 'finance', 'env': 'prod'}
        """
        self._world._tag_resource(self._arn, tags)

    def __repr__(self) -> str:
        return f"<Resource {self._arn}>"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Resource) and other._world is self._world and other._arn == self._arn
        )

    def __hash__(self) -> int:
        return hash(("resource", self._arn))


def describe(entity: Any) -> str:
    """A short label for a handle, used in explanations."""
    return repr(entity)
