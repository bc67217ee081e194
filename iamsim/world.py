"""The World: the one mutable thing. It holds accounts, an optional organization, resources and a
clock, and answers requests with the decision engine.

Every change is validated first and applied only when nothing is wrong, so an error leaves the
world exactly as it was. Every change also bumps a generation counter that invalidates the cached
policy sets; parsed and compiled policies themselves are kept and reused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from iamsim._ids import digest, unique_id
from iamsim._state import (
    AccountState,
    GroupState,
    ManagedPolicyState,
    OrgPolicyState,
    OrgState,
    OuState,
    ResourceState,
    RoleState,
    StoredPolicy,
    UserState,
)
from iamsim._validate import check_account_id, check_name, check_path, check_tags
from iamsim.arn import Arn
from iamsim.audit import EventLog
from iamsim.compiled import PolicySource, PolicyType
from iamsim.entities import Account, ManagedPolicy, Resource, Role, User
from iamsim.errors import EntityAlreadyExists, NoSuchEntity, PolicyError, ValidationError
from iamsim.organization import Organization, OrganizationalUnit, OrganizationRoot, OrgPolicy
from iamsim.policy import Policy, PolicyKind

if TYPE_CHECKING:
    from iamsim.decision import Decision

__all__ = ["FULL_AWS_ACCESS", "RCP_FULL_AWS_ACCESS", "PolicyInput", "World"]

PolicyInput = Policy | Mapping[str, Any] | str | bytes

#: The AWS managed SCP attached everywhere by default.
FULL_AWS_ACCESS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
#: The AWS managed RCP attached everywhere, which cannot be detached.
RCP_FULL_AWS_ACCESS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
}
_FULL_IDS = {"scp": "p-FullAWSAccess", "rcp": "p-RCPFullAWSAccess"}
_FULL_NAMES = {"scp": "FullAWSAccess", "rcp": "RCPFullAWSAccess"}
_MAX_VERSIONS = 5
_AWS_MANAGED_PREFIX = "arn:aws:iam::aws:policy"

T = TypeVar("T")
Key = tuple[str, str]  # ("account", id) | ("node", root-or-ou id)


def _parse(document: PolicyInput, kind: PolicyKind, where: str) -> Policy:
    try:
        return Policy.parse(document, kind, name=where)
    except PolicyError:
        raise
    except TypeError as exc:  # pragma: no cover - Policy.parse reports types itself
        raise ValidationError(f"{where}: {exc}") from None


def _merged_tags(current: Mapping[str, str], new: Mapping[str, str]) -> dict[str, str]:
    """``current`` with ``new`` added, a new key replacing an old one that differs only in case."""
    replaced = {k.lower() for k in new}
    merged = {k: v for k, v in current.items() if k.lower() not in replaced}
    merged.update(new)
    return check_tags(merged)


def _inline_documents(
    policies: Sequence[PolicyInput] | Mapping[str, PolicyInput], owner: str
) -> dict[str, PolicyInput]:
    if isinstance(policies, Mapping):
        named = dict(policies)
    elif isinstance(policies, str | bytes | Policy):
        named = {"inline-1": policies}
    else:
        named = {f"inline-{i}": doc for i, doc in enumerate(policies, start=1)}
    for name in named:
        check_name("policy", name)
    return named


class World:
    """Accounts, an optional organization, resources and a clock.

    The one mutable model of an AWS estate: build it (or load it), then ask it for decisions;
    a fixed ``now`` keeps time-dependent answers reproducible.

    >>> world = World(now=datetime(2026, 1, 1, tzinfo=UTC))
    >>> dev = world.create_account("111111111111", alias="development")
    >>> world.account("development") == dev
    True
    """

    def __init__(self, now: datetime | None = None) -> None:
        if now is None:
            now = datetime.now(UTC)
        elif not isinstance(now, datetime):
            raise ValidationError(f"now must be a datetime, not {type(now).__name__}")
        elif now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        self._now = now.astimezone(UTC)
        self._accounts: dict[str, AccountState] = {}
        self._aliases: dict[str, str] = {}
        self._aws_policies: dict[str, ManagedPolicyState] = {}
        self._org: OrgState | None = None
        self._generation = 0
        self._cache: dict[Any, Any] = {}
        self._credential_counter = 0
        self._time_cache: tuple[datetime, dict[str, str]] | None = None
        self._event_counter = 0
        self.events = EventLog()
        self._resource_index: dict[str, str] = {}  # resource ARN -> account
        self._arn_index: dict[str, tuple[str, str, str]] = {}  # user/role ARN -> (kind, acct, name)

    # -- clock -----------------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        """The world's current time (timezone-aware UTC).

        It is ``aws:CurrentTime`` in requests and decides when sessions expire.

        >>> world = World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> world.now.isoformat()
        '2026-01-01T00:00:00+00:00'
        """
        return self._now

    def _time_keys(self) -> Mapping[str, str]:
        """``aws:CurrentTime`` and ``aws:EpochTime`` for the clock, computed once per tick."""
        cached = self._time_cache
        if cached is None or cached[0] != self._now:
            keys = {
                "aws:currenttime": self._now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "aws:epochtime": str(int(self._now.timestamp())),
            }
            cached = self._time_cache = (self._now, keys)
        return cached[1]

    def advance(self, by: float | timedelta) -> datetime:
        """Move the clock forward by seconds or a timedelta; returns the new time.

        Use it to expire sessions or step past ``DateLessThan`` conditions without waiting.

        >>> world = World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> world.advance(3600).isoformat()
        '2026-01-01T01:00:00+00:00'
        >>> world.advance(timedelta(days=1)).isoformat()
        '2026-01-02T01:00:00+00:00'
        """
        delta = by if isinstance(by, timedelta) else timedelta(seconds=by)
        if delta < timedelta(0):
            raise ValidationError("the clock only moves forward")
        self._now += delta
        return self._now

    # -- lookups ---------------------------------------------------------------------------

    @property
    def accounts(self) -> tuple[Account, ...]:
        """Every account.

        >>> world = World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333")
        >>> world.accounts == (account,)
        True
        """
        return tuple(Account(self, a) for a in self._accounts)

    def account(self, id_or_alias: str) -> Account:
        """An account by ID or alias; raises NoSuchEntity.

        >>> world = World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> dev = world.create_account("111122223333", alias="development")
        >>> world.account("development") == world.account("111122223333") == dev
        True
        """
        account_id = self._aliases.get(id_or_alias, id_or_alias)
        if account_id not in self._accounts:
            raise NoSuchEntity(f"no account with ID or alias `{id_or_alias}` in this world")
        return Account(self, account_id)

    @property
    def organization(self) -> Organization | None:
        """The organization, if one was created.

        >>> world = World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> world.organization is None
        True
        >>> _ = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> world.organization.id
        'o-exampleorg1'
        """
        return None if self._org is None else Organization(self)

    def principal(self, arn: str) -> User | Role:
        """The user or role with this ARN; raises NoSuchEntity.

        Policies, events and the CLI name principals by ARN; this turns one back into a handle.

        >>> world = World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333")
        >>> alice = account.create_user("alice")
        >>> world.principal("arn:aws:iam::111122223333:user/alice") == alice
        True
        """
        try:
            parsed = Arn.parse(arn)
        except ValidationError:
            raise NoSuchEntity(f"`{arn}` is not the ARN of a user or role") from None
        found = self._arn_index.get(arn)
        if found is None:
            raise NoSuchEntity(f"no user or role with ARN {parsed} in this world")
        kind, account, name = found
        return User(self, account, name) if kind == "user" else Role(self, account, name)

    def managed_policy(self, arn: str) -> ManagedPolicy:
        """A customer or AWS managed policy by ARN; raises NoSuchEntity.

        >>> world = World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333")
        >>> read = account.create_policy("Read", {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::docs/*"}]})
        >>> world.managed_policy("arn:aws:iam::111122223333:policy/Read") == read
        True
        """
        self._managed_state(arn)
        return ManagedPolicy(self, arn)

    def resource(self, arn: str) -> Resource:
        """A resource added to any account; raises NoSuchEntity.

        >>> world = World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333")
        >>> bucket = account.add_resource("arn:aws:s3:::docs")
        >>> world.resource("arn:aws:s3:::docs") == bucket
        True
        """
        self._resource_state(arn)
        return Resource(self, arn)

    def find_resource(self, arn: str) -> ResourceState | None:
        """The stored resource an ARN belongs to (an S3 object belongs to its bucket).

        This is how a request on an object finds its bucket's policy; None when nothing was added.

        >>> world = World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333")
        >>> _ = account.add_resource("arn:aws:s3:::docs")
        >>> world.find_resource("arn:aws:s3:::docs/readme.txt").arn
        'arn:aws:s3:::docs'
        >>> world.find_resource("arn:aws:s3:::other") is None
        True
        """
        account = self._resource_index.get(arn)
        if account is not None:
            return self._accounts[account].resources[arn]
        if arn.startswith("arn:") and ":s3:::" in arn and "/" in arn:
            return self.find_resource(arn.split("/", 1)[0])
        return None

    def _account_state(self, account_id: str) -> AccountState:
        state = self._accounts.get(account_id)
        if state is None:
            raise NoSuchEntity(f"no account {account_id} in this world")
        return state

    def _entity(self, kind: str, account_id: str, name: str) -> Any:
        store = getattr(self._account_state(account_id), kind + "s")
        state = store.get(name)
        if state is None:
            raise NoSuchEntity(
                f"the {kind} with name {name} cannot be found in account {account_id}"
            )
        return state

    def _user_state(self, account_id: str, name: str) -> UserState:
        state: UserState = self._entity("user", account_id, name)
        return state

    def _group_state(self, account_id: str, name: str) -> GroupState:
        state: GroupState = self._entity("group", account_id, name)
        return state

    def _role_state(self, account_id: str, name: str) -> RoleState:
        state: RoleState = self._entity("role", account_id, name)
        return state

    def _managed_state(self, arn: str) -> ManagedPolicyState:
        if arn.startswith(_AWS_MANAGED_PREFIX):
            found = self._aws_policies.get(arn)
        else:
            try:
                account = Arn.parse(arn).account
            except ValidationError:
                raise NoSuchEntity(f"`{arn}` is not a policy ARN") from None
            state = self._accounts.get(account)
            found = state.policies.get(arn) if state else None
        if found is None:
            raise NoSuchEntity(f"policy {arn} does not exist or is not attachable")
        return found

    def _resource_state(self, arn: str) -> ResourceState:
        account = self._resource_index.get(arn)
        if account is None:
            raise NoSuchEntity(f"no resource {arn} in this world")
        return self._accounts[account].resources[arn]

    # -- changes: accounts and organization -------------------------------------------------

    def _changed(self) -> None:
        self._generation += 1
        self._cache.clear()

    def create_account(
        self,
        account_id: str,
        *,
        alias: str | None = None,
        ou: OrganizationRoot | OrganizationalUnit | None = None,
    ) -> Account:
        """Create an account; with ``ou`` (the organization root or an OU) it joins the org.

        >>> world = World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> org = world.create_organization("999999999999")
        >>> dev = world.create_account("111122223333", alias="development", ou=org.root)
        >>> dev.alias, dev.parent == org.root
        ('development', True)
        """
        check_account_id(account_id)
        if account_id in self._accounts:
            raise EntityAlreadyExists(f"account {account_id} already exists")
        if alias is not None:
            self._check_alias(alias)
        parent = None
        if ou is not None:
            parent = self._node_id(ou)
        self._accounts[account_id] = self._new_account(account_id, alias, parent)
        if alias is not None:
            self._aliases[alias] = account_id
        self._changed()
        return Account(self, account_id)

    def _check_alias(self, alias: Any) -> None:
        if (
            not isinstance(alias, str)
            or not re.fullmatch(r"[a-z0-9](-?[a-z0-9])*", alias)
            or not 3 <= len(alias) <= 63
            or alias.isdigit()
        ):
            raise ValidationError(
                f"`{alias}` is not a valid account alias: 3 to 63 lowercase letters, digits and "
                "hyphens"
            )
        if alias in self._aliases:
            raise EntityAlreadyExists(f"the alias {alias} is already in use")

    def _new_account(self, account_id: str, alias: str | None, parent: str | None) -> AccountState:
        state = AccountState(account_id, alias, parent)
        if parent is not None:
            state.scps.append(_FULL_IDS["scp"])
            state.rcps.append(_FULL_IDS["rcp"])
        return state

    def create_organization(
        self, management_account_id: str, *, org_id: str | None = None, alias: str | None = None
    ) -> Organization:
        """Create the organization and its management account (which SCPs and RCPs skip).

        ``org_id`` fixes the organization ID (``o-`` and 10 to 32 lowercase letters or digits);
        by default one is derived from the management account.

        >>> world = World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> org = world.create_organization("999999999999", org_id="o-exampleorg1")
        >>> org.id, org.management_account.id
        ('o-exampleorg1', '999999999999')
        """
        check_account_id(management_account_id)
        if org_id is not None and not re.fullmatch(r"o-[a-z0-9]{10,32}", str(org_id)):
            raise ValidationError(
                f"`{org_id}` is not an organization ID (o- and 10 to 32 "
                "lowercase letters or digits)"
            )
        if alias is not None:
            self._check_alias(alias)
        if self._org is not None:
            raise EntityAlreadyExists("this world already has an organization")
        if management_account_id in self._accounts:
            raise EntityAlreadyExists(f"account {management_account_id} already exists")
        org_id = org_id or "o-" + digest(f"org:{management_account_id}", 10)
        root_id = "r-" + digest(f"root:{org_id}", 4)
        org = OrgState(org_id, management_account_id, root_id)
        for kind, document in (("scp", FULL_AWS_ACCESS), ("rcp", RCP_FULL_AWS_ACCESS)):
            policy_type = PolicyType.SCP if kind == "scp" else PolicyType.RCP
            stored = StoredPolicy(
                Policy.parse(document, PolicyKind.SCP if kind == "scp" else None),
                PolicySource(policy_type, _FULL_NAMES[kind]),
            )
            org.policies[_FULL_IDS[kind]] = OrgPolicyState(
                _FULL_IDS[kind], _FULL_NAMES[kind], kind, stored, aws_managed=True
            )
        org.root_scps.append(_FULL_IDS["scp"])
        org.root_rcps.append(_FULL_IDS["rcp"])
        self._org = org
        self._accounts[management_account_id] = self._new_account(
            management_account_id, alias, root_id
        )
        if alias is not None:
            self._aliases[alias] = management_account_id
        self._changed()
        return Organization(self)

    def _require_org(self) -> OrgState:
        if self._org is None:
            raise NoSuchEntity("this world has no organization: call world.create_organization()")
        return self._org

    def _node_id(self, node: Any) -> str:
        org = self._require_org()
        if isinstance(node, OrganizationRoot | OrganizationalUnit):
            if node._world is not self:
                raise ValidationError("that OU belongs to another world")
            if node.id != org.root_id and node.id not in org.ous:
                raise NoSuchEntity(f"no OU {node.id} in this organization")
            return node.id
        raise ValidationError(f"expected the organization root or an OU, not {node!r}")

    def _org_node(self, node_id: str | None) -> OrganizationRoot | OrganizationalUnit | None:
        if node_id is None:
            return None
        org = self._require_org()
        if node_id == org.root_id:
            return OrganizationRoot(self, node_id)
        return OrganizationalUnit(self, node_id)

    def _ou_state(self, ou_id: str) -> OuState:
        found = self._require_org().ous.get(ou_id)
        if found is None:
            raise NoSuchEntity(f"no OU {ou_id} in this organization")
        return found

    def _find_ou(self, name_or_id: str) -> str:
        org = self._require_org()
        if name_or_id in org.ous:
            return name_or_id
        matches = [ou.id for ou in org.ous.values() if ou.name == name_or_id]
        if len(matches) != 1:
            raise NoSuchEntity(
                f"no OU named {name_or_id}"
                if not matches
                else f"several OUs are named {name_or_id}"
            )
        return matches[0]

    def _create_ou(self, name: str, parent: Any) -> str:
        org = self._require_org()
        if not isinstance(name, str) or not 1 <= len(name) <= 128:
            raise ValidationError(f"`{name}` is not a valid OU name (1 to 128 characters)")
        parent_id = org.root_id if parent is None else self._node_id(parent)
        if any(ou.name == name and ou.parent == parent_id for ou in org.ous.values()):
            raise EntityAlreadyExists(f"an OU named {name} already exists there")
        ou_id = f"ou-{org.root_id[2:]}-" + digest(f"ou:{parent_id}:{name}", 8)
        org.ous[ou_id] = OuState(ou_id, name, parent_id, [_FULL_IDS["scp"]], [_FULL_IDS["rcp"]])
        self._changed()
        return ou_id

    def _org_policy_state(self, policy_id: str) -> OrgPolicyState:
        found = self._require_org().policies.get(policy_id)
        if found is None:
            raise NoSuchEntity(f"no organization policy {policy_id}")
        return found

    def _find_org_policy(self, name_or_id: str, kind: str | None) -> str:
        org = self._require_org()
        if name_or_id in org.policies and kind in (None, org.policies[name_or_id].kind):
            return name_or_id
        matches = [
            p.id for p in org.policies.values() if p.name == name_or_id and kind in (None, p.kind)
        ]
        if len(matches) != 1:
            what = (kind or "organization").upper() if kind else "organization"
            raise NoSuchEntity(f"no {what} policy named {name_or_id}")
        return matches[0]

    def _attachments(self, kind: str, key: Key) -> list[str]:
        org = self._require_org()
        where, ident = key
        if where == "account":
            state = self._account_state(ident)
            if state.parent is None:
                raise ValidationError(f"account {ident} is not in the organization")
            return state.scps if kind == "scp" else state.rcps
        if ident == org.root_id:
            return org.root_scps if kind == "scp" else org.root_rcps
        ou = self._ou_state(ident)
        return ou.scps if kind == "scp" else ou.rcps

    def _attached(self, kind: str, key: Key) -> list[str]:
        return list(self._attachments(kind, key))

    def _attach_org_policy(self, kind: str, key: Key, policy: Any, name: str | None) -> OrgPolicy:
        org = self._require_org()
        attached = self._attachments(kind, key)
        new_state = None
        if isinstance(policy, OrgPolicy):
            policy_id = policy.id
            if self._org_policy_state(policy_id).kind != kind:
                raise ValidationError(f"{policy!r} is not an {kind.upper()}")
        elif isinstance(policy, str) and not policy.lstrip().startswith("{"):
            policy_id = self._find_org_policy(policy, kind)
        else:
            policy_kind = PolicyKind.SCP if kind == "scp" else PolicyKind.RCP
            label = name or f"{kind.upper()}-{len(org.policies) + 1}"
            parsed = _parse(policy, policy_kind, f"{kind.upper()} {label}")
            if any(p.name == label and p.kind == kind for p in org.policies.values()):
                raise EntityAlreadyExists(f"an {kind.upper()} named {label} already exists")
            policy_id = "p-" + digest(f"{kind}:{label}:{len(org.policies)}", 8)
            policy_type = PolicyType.SCP if kind == "scp" else PolicyType.RCP
            new_state = OrgPolicyState(
                policy_id, label, kind, StoredPolicy(parsed, PolicySource(policy_type, label))
            )
        if policy_id in attached:
            raise EntityAlreadyExists(f"that {kind.upper()} is already attached there")
        if new_state is not None:
            org.policies[policy_id] = new_state
        attached.append(policy_id)
        self._changed()
        return OrgPolicy(self, policy_id)

    def _detach_org_policy(self, kind: str, key: Key, policy: Any) -> None:
        attached = self._attachments(kind, key)
        policy_id = (
            policy.id if isinstance(policy, OrgPolicy) else self._find_org_policy(policy, kind)
        )
        if policy_id not in attached:
            raise NoSuchEntity(f"that {kind.upper()} is not attached there")
        if kind == "rcp" and policy_id == _FULL_IDS["rcp"]:
            raise ValidationError(
                "RCPFullAWSAccess cannot be detached", code="ConstraintViolationException"
            )
        if kind == "scp" and len(attached) == 1:
            raise ValidationError(
                "every root, OU and account must keep at least one SCP: attach the replacement "
                "before detaching this one",
                code="ConstraintViolationException",
            )
        attached.remove(policy_id)
        self._changed()

    # -- changes: IAM entities ---------------------------------------------------------------

    def _policy_ref(
        self, account_id: str, arn: str, *, what: str = "managed policy"
    ) -> ManagedPolicyState:
        if not isinstance(arn, str):
            raise ValidationError(f"a {what} is given by its ARN, not {type(arn).__name__}")
        state = self._managed_state(arn)
        if state.account not in ("aws", account_id):
            raise NoSuchEntity(f"policy {arn} belongs to another account and cannot be attached")
        return state

    def _stored_inline(
        self, owner_kind: str, owner: str, policies: Mapping[str, PolicyInput]
    ) -> dict[str, StoredPolicy]:
        problems = []
        out: dict[str, StoredPolicy] = {}
        for name, document in policies.items():
            source = PolicySource(PolicyType.IDENTITY, f"{owner_kind} {owner} inline '{name}'")
            try:
                out[name] = StoredPolicy(_parse(document, PolicyKind.IDENTITY, source.name), source)
            except PolicyError as exc:
                problems.append(exc)
        if problems:
            raise problems[0]
        return out

    def _boundary_ref(
        self, account: AccountState, owner_kind: str, owner: str, boundary: Any
    ) -> tuple[str | None, ManagedPolicyState | None]:
        """The boundary's ARN, and a new managed policy to create when given a document."""
        if boundary is None:
            return None, None
        if isinstance(boundary, str) and boundary.startswith("arn:"):
            self._policy_ref(account.id, boundary, what="permissions boundary")
            return boundary, None
        name = f"{owner}-boundary"
        counter = 1
        while any(p.name == name for p in account.policies.values()):
            counter += 1
            name = f"{owner}-boundary-{counter}"
        state = self._new_managed(
            account.id, name, boundary, "/", f"boundary of {owner_kind} {owner}"
        )
        return state.arn, state

    def _new_managed(
        self, account_id: str, name: str, document: Any, path: str, description: str
    ) -> ManagedPolicyState:
        check_name("policy", name)
        check_path(path)
        arn = f"arn:aws:iam::{account_id}:policy{path}{name}"
        policy = _parse(document, PolicyKind.IDENTITY, f"managed policy {arn}")
        stored = StoredPolicy(policy, PolicySource(PolicyType.IDENTITY, f"managed {arn}"))
        return ManagedPolicyState(
            name,
            path,
            unique_id("ANPA", arn),
            arn,
            account_id,
            {"v1": stored},
            "v1",
            description,
            self._now,
        )

    def _create_managed_policy(
        self, account_id: str, name: str, document: PolicyInput, path: str, description: str
    ) -> str:
        account = self._account_state(account_id)
        state = self._new_managed(account_id, name, document, path, description)
        if any(p.name == name for p in account.policies.values()):
            raise EntityAlreadyExists(f"a policy called {name} already exists in {account_id}")
        account.policies[state.arn] = state
        self._changed()
        return state.arn

    def add_aws_managed_policy(
        self, name: str, document: PolicyInput, *, path: str = "/"
    ) -> ManagedPolicy:
        """Make an AWS managed policy (``arn:aws:iam::aws:policy/...``) known to this world.

        The world holds no AWS managed policies by default; add the ones your entities attach.

        >>> world = World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> policy = world.add_aws_managed_policy("AmazonS3ReadOnlyAccess", {
        ...     "Version": "2012-10-17",
        ...     "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})
        >>> policy.arn
        'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'
        """
        check_name("policy", name)
        check_path(path)
        arn = f"{_AWS_MANAGED_PREFIX}{path}{name}"
        if arn in self._aws_policies:
            raise EntityAlreadyExists(f"AWS managed policy {arn} is already known")
        policy = _parse(document, PolicyKind.IDENTITY, f"managed policy {arn}")
        stored = StoredPolicy(policy, PolicySource(PolicyType.IDENTITY, f"managed {arn}"))
        self._aws_policies[arn] = ManagedPolicyState(
            name, path, unique_id("ANPA", arn), arn, "aws", {"v1": stored}, "v1", "", self._now
        )
        self._changed()
        return ManagedPolicy(self, arn)

    def _create_user(
        self,
        account_id: str,
        name: Any,
        path: Any,
        groups: Sequence[str],
        policies: Any,
        managed: Sequence[str],
        boundary: Any,
        tags: Any,
        mfa: bool,
    ) -> None:
        account = self._account_state(account_id)
        check_name("user", name)
        check_path(path)
        if name in account.users:
            raise EntityAlreadyExists(f"user with name {name} already exists in {account_id}")
        groups = list(groups)
        for group in groups:
            if group not in account.groups:
                raise NoSuchEntity(f"the group with name {group} cannot be found in {account_id}")
        for arn in managed:
            self._policy_ref(account_id, arn)
        inline = self._stored_inline("user", name, _inline_documents(policies, name))
        tag_map = check_tags(tags)
        boundary_arn, new_policy = self._boundary_ref(account, "user", name, boundary)
        arn = f"arn:aws:iam::{account_id}:user{path}{name}"
        state = UserState(
            name,
            path,
            unique_id("AIDA", arn),
            arn,
            list(dict.fromkeys(groups)),
            inline,
            list(dict.fromkeys(managed)),
            boundary_arn,
            tag_map,
            f"arn:aws:iam::{account_id}:mfa/{name}" if mfa else None,
            self._now,
        )
        if new_policy is not None:
            account.policies[new_policy.arn] = new_policy
        account.users[name] = state
        self._arn_index[arn] = ("user", account_id, name)
        self._changed()

    def _create_group(
        self, account_id: str, name: Any, path: Any, policies: Any, managed: Sequence[str]
    ) -> None:
        account = self._account_state(account_id)
        check_name("group", name)
        check_path(path)
        if name in account.groups:
            raise EntityAlreadyExists(f"group with name {name} already exists in {account_id}")
        for arn in managed:
            self._policy_ref(account_id, arn)
        inline = self._stored_inline("group", name, _inline_documents(policies, name))
        arn = f"arn:aws:iam::{account_id}:group{path}{name}"
        account.groups[name] = GroupState(
            name, path, unique_id("AGPA", arn), arn, inline, list(dict.fromkeys(managed))
        )
        self._changed()

    def _create_role(
        self,
        account_id: str,
        name: Any,
        trust_policy: Any,
        path: Any,
        policies: Any,
        managed: Sequence[str],
        boundary: Any,
        tags: Any,
        max_session_duration: Any,
        description: str,
    ) -> None:
        account = self._account_state(account_id)
        check_name("role", name)
        check_path(path)
        if name in account.roles:
            raise EntityAlreadyExists(f"role with name {name} already exists in {account_id}")
        if (
            not isinstance(max_session_duration, int)
            or isinstance(max_session_duration, bool)
            or not 3600 <= max_session_duration <= 43200
        ):
            raise ValidationError(
                f"max_session_duration {max_session_duration!r} must be between 3600 and 43200 "
                "seconds"
            )
        arn = f"arn:aws:iam::{account_id}:role{path}{name}"
        trust_source = PolicySource(PolicyType.RESOURCE, f"role {name} trust policy")
        trust = StoredPolicy(
            _parse(trust_policy, PolicyKind.TRUST, trust_source.name), trust_source
        )
        for managed_arn in managed:
            self._policy_ref(account_id, managed_arn)
        inline = self._stored_inline("role", name, _inline_documents(policies, name))
        tag_map = check_tags(tags)
        boundary_arn, new_policy = self._boundary_ref(account, "role", name, boundary)
        state = RoleState(
            name,
            path,
            unique_id("AROA", arn),
            arn,
            trust,
            inline,
            list(dict.fromkeys(managed)),
            boundary_arn,
            tag_map,
            max_session_duration,
            description,
            self._now,
        )
        if new_policy is not None:
            account.policies[new_policy.arn] = new_policy
        account.roles[name] = state
        self._arn_index[arn] = ("role", account_id, name)
        self._changed()

    def _add_resource(self, account_id: str, arn: Any, policy: Any, tags: Any) -> None:
        account = self._account_state(account_id)
        parsed = Arn.parse(arn)
        if parsed.account and parsed.account != account_id:
            raise ValidationError(
                f"resource {arn} names account {parsed.account}, not {account_id}"
            )
        if parsed.service == "iam" and parsed.resource_type == "role":
            raise ValidationError("roles are resources already: create them with create_role()")
        if arn in self._resource_index:
            raise EntityAlreadyExists(f"resource {arn} already exists")
        stored = None
        if policy is not None:
            source = PolicySource(PolicyType.RESOURCE, f"resource policy of {arn}")
            stored = StoredPolicy(_parse(policy, PolicyKind.RESOURCE, source.name), source)
        account.resources[arn] = ResourceState(arn, account_id, stored, check_tags(tags))
        self._resource_index[arn] = account_id
        self._changed()

    def _owner(self, kind: str, account_id: str, name: str) -> UserState | GroupState | RoleState:
        state: UserState | GroupState | RoleState = self._entity(kind, account_id, name)
        return state

    def _put_inline(self, kind: str, account_id: str, owner: str, name: str, document: Any) -> None:
        state = self._owner(kind, account_id, owner)
        check_name("policy", name)
        stored = self._stored_inline(kind, owner, {name: document})
        state.inline.update(stored)
        self._changed()

    def _delete_inline(self, kind: str, account_id: str, owner: str, name: str) -> None:
        state = self._owner(kind, account_id, owner)
        if name not in state.inline:
            raise NoSuchEntity(f"the {kind} {owner} has no inline policy {name}")
        del state.inline[name]
        self._changed()

    def _attach_managed(self, kind: str, account_id: str, owner: str, arn: str) -> None:
        state = self._owner(kind, account_id, owner)
        self._policy_ref(account_id, arn)
        if arn not in state.managed:
            state.managed.append(arn)
            self._changed()

    def _detach_managed(self, kind: str, account_id: str, owner: str, arn: str) -> None:
        state = self._owner(kind, account_id, owner)
        if arn not in state.managed:
            raise NoSuchEntity(f"policy {arn} is not attached to {kind} {owner}")
        state.managed.remove(arn)
        self._changed()

    def _set_boundary(self, kind: str, account_id: str, owner: str, boundary: Any) -> None:
        state = self._owner(kind, account_id, owner)
        assert isinstance(state, UserState | RoleState)
        account = self._account_state(account_id)
        arn, new_policy = self._boundary_ref(account, kind, owner, boundary)
        if new_policy is not None:
            account.policies[new_policy.arn] = new_policy
        state.boundary = arn
        self._changed()

    def _group_membership(self, account_id: str, user: str, group: str, *, add: bool) -> None:
        state = self._user_state(account_id, user)
        self._group_state(account_id, group)
        if add and group not in state.groups:
            state.groups.append(group)
        elif not add:
            if group not in state.groups:
                raise NoSuchEntity(f"user {user} is not in group {group}")
            state.groups.remove(group)
        self._changed()

    def _tag(self, kind: str, account_id: str, owner: str, tags: Mapping[str, str]) -> None:
        state = self._owner(kind, account_id, owner)
        assert isinstance(state, UserState | RoleState)
        state.tags = _merged_tags(state.tags, tags)
        self._changed()

    def _delete_entity(self, kind: str, account_id: str, name: str) -> None:
        account = self._account_state(account_id)
        state = self._entity(kind, account_id, name)
        del getattr(account, kind + "s")[name]
        self._arn_index.pop(state.arn, None)
        if kind == "group":
            for user in account.users.values():
                if name in user.groups:
                    user.groups.remove(name)
        self._changed()

    def _update_trust(self, account_id: str, name: str, document: Any) -> None:
        state = self._role_state(account_id, name)
        source = PolicySource(PolicyType.RESOURCE, f"role {name} trust policy")
        state.trust = StoredPolicy(_parse(document, PolicyKind.TRUST, source.name), source)
        self._changed()

    def _create_policy_version(self, arn: str, document: Any, set_as_default: bool) -> str:
        state = self._managed_state(arn)
        if state.account == "aws":
            raise ValidationError("AWS managed policies cannot be changed")
        if len(state.versions) >= _MAX_VERSIONS:
            raise ValidationError(
                f"policy {arn} already has {_MAX_VERSIONS} versions: delete one first",
                code="LimitExceeded",
            )
        policy = _parse(document, PolicyKind.IDENTITY, f"managed policy {arn}")
        version = f"v{state.next_version}"
        state.versions[version] = StoredPolicy(
            policy, PolicySource(PolicyType.IDENTITY, f"managed {arn}")
        )
        state.next_version += 1
        if set_as_default:
            state.default_version = version
        self._changed()
        return version

    def _set_default_version(self, arn: str, version: str) -> None:
        state = self._managed_state(arn)
        if version not in state.versions:
            raise NoSuchEntity(f"policy {arn} has no version {version}")
        state.default_version = version
        self._changed()

    def _set_resource_policy(self, arn: str, document: Any) -> None:
        state = self._resource_state(arn)
        if document is None:
            state.policy = None
        else:
            source = PolicySource(PolicyType.RESOURCE, f"resource policy of {arn}")
            state.policy = StoredPolicy(_parse(document, PolicyKind.RESOURCE, source.name), source)
        self._changed()

    def _tag_resource(self, arn: str, tags: Mapping[str, str]) -> None:
        state = self._resource_state(arn)
        state.tags = _merged_tags(state.tags, tags)
        self._changed()

    # -- transactions ----------------------------------------------------------------------

    def _snapshot(self) -> tuple[Any, ...]:
        """A copy of the state, to restore when a multi-step change fails half-way."""
        import copy

        return copy.deepcopy(
            (
                self._accounts,
                self._aliases,
                self._aws_policies,
                self._org,
                self._resource_index,
                self._arn_index,
            )
        )

    def _restore(self, snapshot: tuple[Any, ...]) -> None:
        (
            self._accounts,
            self._aliases,
            self._aws_policies,
            self._org,
            self._resource_index,
            self._arn_index,
        ) = snapshot
        self._changed()

    # -- caching ---------------------------------------------------------------------------

    def _cached(self, key: Any, build: Callable[[], T]) -> T:
        """A value built once per generation of the world."""
        found = self._cache.get(key)
        if found is None:
            found = build()
            self._cache[key] = found
        return found

    # -- evaluation ------------------------------------------------------------------------

    def evaluate(
        self,
        principal: Any,
        action: str,
        resource: str,
        context: Mapping[str, Any] | None = None,
    ) -> Decision:
        """Decide a request of one of this world's principals (see :func:`iamsim.evaluate`).

        The principal may be given by ARN, since the world can look it up.

        >>> world = World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333")
        >>> alice = account.create_user("alice", policies=[{"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::docs/*"}]}])
        >>> world.evaluate(alice.arn, "s3:GetObject", "arn:aws:s3:::docs/readme.txt").allowed
        True
        """
        from iamsim.gather import evaluate

        return evaluate(principal, action, resource, context, world=self)

    def who_can(
        self, action: str, resource: str, context: Mapping[str, Any] | None = None
    ) -> list[Any]:
        """Every principal that can perform the request, directly or through roles it assumes.

        Each item has ``.principal`` (the starting user or role ARN), ``.path`` (the role ARNs
        assumed on the way, in order; empty for direct access) and ``.conditions``.

        >>> world = World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333")
        >>> alice = account.create_user("alice", policies=[{"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::docs/*"}]}])
        >>> found = world.who_can("s3:GetObject", "arn:aws:s3:::docs/a.txt")
        >>> [(w.principal, w.path) for w in found]
        [('arn:aws:iam::111122223333:user/alice', ())]
        """
        from iamsim.graph import who_can

        return list(who_can(self, action, resource, context))

    def what_can(
        self, principal: Any, resource: str | None = None, context: Mapping[str, Any] | None = None
    ) -> dict[str, list[Any]]:
        """The actions ``principal`` is allowed (on ``resource``, or on the resources its policies
        name), expanded through the AWS action catalog and grouped by service.

        >>> world = World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333")
        >>> alice = account.create_user("alice", policies=[{"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::docs/*"}]}])
        >>> [(a.action, a.resources) for a in world.what_can(alice)["s3"]]
        [('s3:GetObject', ('arn:aws:s3:::docs/*',))]
        """
        from iamsim.whatcan import what_can

        return dict(what_can(self, principal, resource, context))

    def access_graph(self) -> Any:
        """Who can assume which role, across accounts (an :class:`iamsim.graph.AccessGraph`).

        >>> world = World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333")
        >>> alice = account.create_user("alice")
        >>> _ = account.create_role("Admin", trust_policy={"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"AWS": alice.arn}, "Action": "sts:AssumeRole"}]})
        >>> [(e.source, e.target) for e in world.access_graph().edges]
        [('arn:aws:iam::111122223333:user/alice', 'arn:aws:iam::111122223333:role/Admin')]
        """
        from iamsim.graph import access_graph

        return access_graph(self)

    def external_access(self, zone: str = "account") -> list[Any]:
        """Roles and resources that principals outside the zone of trust (``"account"`` or
        ``"organization"``) can reach, as IAM Access Analyzer reports them; each finding has
        ``.resource``, ``.principal`` (as written), ``.statement`` and ``.conditions``.

        >>> world = World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333")
        >>> _ = account.add_resource("arn:aws:s3:::docs", policy={"Version": "2012-10-17",
        ...     "Statement": [{"Effect": "Allow", "Principal": {"AWS": "444455556666"},
        ...                    "Action": "s3:GetObject", "Resource": "arn:aws:s3:::docs/*"}]})
        >>> [(f.resource, f.principal) for f in world.external_access()]
        [('arn:aws:s3:::docs', {'AWS': '444455556666'})]
        """
        from iamsim.external import external_access

        return list(external_access(self, zone))

    def diff(
        self,
        change: Callable[[World], Any],
        *,
        actions: Any = None,
        resources: Any = None,
        context: Mapping[str, Any] | None = None,
    ) -> list[Any]:
        """Which principals gain or lose which actions if ``change`` (a function of the world)
        were applied; the world itself is left unchanged.

        Review a change before making it: each item says who, which action, and the outcome
        before and after.

        >>> world = World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333")
        >>> alice = account.create_user("alice", policies=[{"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::docs/*"}]}])
        >>> changes = world.diff(lambda w: w.principal(alice.arn).delete_policy("inline-1"),
        ...                      actions=["s3:GetObject"], resources=["arn:aws:s3:::docs/a.txt"])
        >>> [(c.principal, c.action, str(c.before), str(c.after)) for c in changes]
        [('arn:aws:iam::111122223333:user/alice', 's3:GetObject', 'allowed', 'implicitDeny')]
        >>> len(alice.inline_policies)
        1
        """
        from iamsim.diff import diff

        return diff(self, change, actions=actions, resources=resources, context=context)

    def load_authorization_details(self, source: Any) -> Account:
        """Import ``aws iam get-account-authorization-details`` output as one account.

        Takes a file path or the parsed JSON; the account ID comes from the ARNs inside.

        >>> world = World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.load_authorization_details({"UserDetailList": [
        ...     {"UserName": "alice", "Arn": "arn:aws:iam::111122223333:user/alice"}]})
        >>> account.id, [u.name for u in account.users]
        ('111122223333', ['alice'])
        """
        from iamsim.loaders import load_authorization_details

        return load_authorization_details(self, source)

    def _repr_html_(self) -> str:
        from iamsim._display import world_html

        text: str = world_html(self)
        return text

    def _repr_markdown_(self) -> str:
        from iamsim._display import world_markdown

        text: str = world_markdown(self)
        return text

    def __repr__(self) -> str:
        org = f", organization {self._org.id}" if self._org else ""
        return f"<World {len(self._accounts)} accounts{org}, now {self._now.isoformat()}>"
