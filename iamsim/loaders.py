"""Building worlds from files: the iamsim world file (YAML or JSON), and the output of
``aws iam get-account-authorization-details``.

Loading is all-or-nothing: an error names the file, the entity and what is wrong, and leaves the
world as it was. The world-file schema is documented in docs/world-file.md.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from dateutil.parser import isoparse

from iamsim._state import StoredPolicy
from iamsim.arn import Arn
from iamsim.compiled import PolicySource, PolicyType
from iamsim.entities import Account
from iamsim.errors import IamSimError, PolicyError, ValidationError
from iamsim.policy import Policy, PolicyKind
from iamsim.world import World

__all__ = ["LoadError", "load_authorization_details", "load_world"]


class LoadError(IamSimError, ValueError):
    """A world or authorization-details file that cannot be loaded: says where and what.

    ``code`` is the underlying error's code (``MalformedPolicyDocument``, ``NoSuchEntity``…).

    >>> import iamsim
    >>> try:
    ...     iamsim.load_world({"accounts": [{"id": "123"}]})
    ... except iamsim.LoadError as e:
    ...     print(e.code, "|", e)
    ValidationError | <world>: accounts[0] 123: `123` is not an account ID: use 12 digits
    """

    def __init__(self, message: str, *, code: str = "InvalidInput", cause: Exception | None = None):
        super().__init__(message, code=code)
        self.cause = cause


class UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a key given twice in one mapping (the last would win)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key `{key}` appears twice in one mapping", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml(text: str) -> Any:
    """Parse YAML safely, refusing duplicate keys."""
    return yaml.load(text, Loader=UniqueKeyLoader)


def _read(source: str | Path | Mapping[str, Any], what: str) -> tuple[Mapping[str, Any], str]:
    if isinstance(source, Mapping):
        return source, f"<{what}>"
    if not isinstance(source, str | Path):
        raise LoadError(f"<{what}>: expected a file path or a mapping, not {type(source).__name__}")
    path = Path(source)
    label = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LoadError(f"{label}: cannot read: {exc.strerror or exc}") from None
    try:
        data = json.loads(text) if path.suffix == ".json" else read_yaml(text)
    except json.JSONDecodeError as exc:
        raise LoadError(f"{label}: not valid JSON: {exc.msg} (line {exc.lineno})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        problem = getattr(exc, "problem", None)
        detail = f": {problem}" if problem else ""
        raise LoadError(f"{label}: not valid YAML{where}{detail}") from None
    if not isinstance(data, Mapping):
        raise LoadError(f"{label}: expected an object at the top level")
    return data, label


class _Context:
    """Where in the file we are, for error messages."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.trail: list[str] = []

    @contextmanager
    def at(self, where: str) -> Iterator[None]:
        self.trail.append(where)
        try:
            yield
        except LoadError:
            raise
        except IamSimError as exc:
            prefix = f"{self.label}: {' > '.join(self.trail)}: "
            first, *rest = str(exc).splitlines()
            message = prefix + first + "".join("\n" + line for line in rest)
            raise LoadError(message, code=exc.code, cause=exc) from None
        except KeyError as exc:
            prefix = f"{self.label}: {' > '.join(self.trail)}: "
            raise LoadError(prefix + f"missing the required field {exc}", cause=exc) from None
        except (TypeError, AttributeError, ValueError) as exc:
            prefix = f"{self.label}: {' > '.join(self.trail)}: "
            raise LoadError(prefix + f"malformed entry ({exc})", cause=exc) from None
        finally:
            self.trail.pop()


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError(f"{what} must be an object, not {type(value).__name__}")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError(f"{what} must be a list, not {type(value).__name__}")
    return value


def _known(entry: Mapping[str, Any], keys: tuple[str, ...], what: str) -> None:
    extra = [k for k in entry if k not in keys]
    if extra:
        raise ValidationError(
            f"unknown field(s) {', '.join(map(repr, extra))} in {what}; expected {', '.join(keys)}"
        )


# -- the world file --------------------------------------------------------------------------

_TOP_KEYS = ("now", "organization", "accounts", "aws_managed_policies")
_ORG_KEYS = ("id", "management_account", "policies", "scps", "rcps", "ous")
_OU_KEYS = ("name", "scps", "rcps", "ous")
_ACCOUNT_KEYS = (
    "id",
    "alias",
    "ou",
    "scps",
    "rcps",
    "policies",
    "groups",
    "users",
    "roles",
    "resources",
)
_USER_KEYS = ("name", "path", "groups", "policies", "managed_policies", "boundary", "tags", "mfa")
_GROUP_KEYS = ("name", "path", "policies", "managed_policies")
_ROLE_KEYS = (
    "name",
    "path",
    "trust_policy",
    "policies",
    "managed_policies",
    "boundary",
    "tags",
    "max_session_duration",
    "description",
)
_POLICY_KEYS = ("name", "path", "document", "description", "type")
_RESOURCE_KEYS = ("arn", "policy", "tags")


def load_world(source: str | Path | Mapping[str, Any]) -> World:
    """Build a World from a world file (YAML or JSON) or an equivalent mapping.

    Raises :class:`LoadError` naming the file, the entity and the problem.

    >>> world = load_world({"now": "2026-01-01T00:00:00Z", "accounts": [
    ...     {"id": "111122223333", "alias": "dev", "users": [{"name": "alice"}]}]})
    >>> world.account("dev").user("alice").arn
    'arn:aws:iam::111122223333:user/alice'
    >>> world.now.isoformat()
    '2026-01-01T00:00:00+00:00'
    """
    data, label = _read(source, "world")
    ctx = _Context(label)
    with ctx.at("top level"):
        _known(data, _TOP_KEYS, "the world file")
        now = data.get("now")
        if isinstance(now, str):
            try:
                now = isoparse(now)
            except ValueError:
                raise ValidationError(f"now: `{now}` is not an ISO 8601 date and time") from None
        elif now is not None and not isinstance(now, datetime):
            raise ValidationError("now: must be an ISO 8601 date and time")
    world = World(now=now)
    for index, entry in enumerate(_list(data.get("aws_managed_policies"), "aws_managed_policies")):
        with ctx.at(f"aws_managed_policies[{index}] {_name(entry)}"):
            _known(entry, ("name", "path", "document"), "an AWS managed policy")
            world.add_aws_managed_policy(
                entry["name"], entry["document"], path=entry.get("path", "/")
            )
    ous: dict[str, Any] = {}
    org_data = data.get("organization")
    if org_data is not None:
        with ctx.at("organization"):
            org_data = _mapping(org_data, "organization")
            _known(org_data, _ORG_KEYS, "organization")
            management = str(org_data["management_account"])
            alias = next(
                (
                    a.get("alias")
                    for a in _list(data.get("accounts"), "accounts")
                    if isinstance(a, Mapping) and str(a.get("id")) == management
                ),
                None,
            )
            org = world.create_organization(management, org_id=org_data.get("id"), alias=alias)
            for index, entry in enumerate(_list(org_data.get("policies"), "policies")):
                with ctx.at(f"policies[{index}] {_name(entry)}"):
                    _define_org_policy(world, entry)
            _attach_levels(world, org.root, org_data, ctx)
            _build_ous(world, org, None, _list(org_data.get("ous"), "ous"), ous, ctx)
    for index, entry in enumerate(_list(data.get("accounts"), "accounts")):
        with ctx.at(
            f"accounts[{index}] {entry.get('id', '?') if isinstance(entry, Mapping) else '?'}"
        ):
            _build_account(world, _mapping(entry, "an account"), ous, ctx)
    return world


def _name(entry: Any) -> str:
    return str(entry.get("name", "?")) if isinstance(entry, Mapping) else "?"


def _define_org_policy(world: World, entry: Mapping[str, Any]) -> None:
    _known(entry, ("name", "type", "document"), "an organization policy")
    kind = str(entry.get("type", "scp")).lower()
    if kind not in ("scp", "rcp"):
        raise ValidationError(f"type must be scp or rcp, not {kind}")
    org = world._require_org()
    policy_kind = PolicyKind.SCP if kind == "scp" else PolicyKind.RCP
    name = entry["name"]
    policy = Policy.parse(entry["document"], policy_kind, name=f"{kind.upper()} {name}")
    if any(p.name == name for p in org.policies.values()):
        raise ValidationError(f"an organization policy named {name} already exists")
    from iamsim._ids import digest
    from iamsim._state import OrgPolicyState

    policy_id = "p-" + digest(f"{kind}:{name}:{len(org.policies)}", 8)
    policy_type = PolicyType.SCP if kind == "scp" else PolicyType.RCP
    org.policies[policy_id] = OrgPolicyState(
        policy_id, name, kind, StoredPolicy(policy, PolicySource(policy_type, name))
    )
    world._changed()


def _attach_levels(world: World, target: Any, entry: Mapping[str, Any], ctx: _Context) -> None:
    """``scps`` lists every SCP attached at a target (FullAWSAccess only if listed);
    ``rcps`` lists RCPs beside RCPFullAWSAccess, which is always attached."""
    if "scps" in entry:
        scps = _list(entry["scps"], "scps")
        if not scps:
            raise ValidationError("every root, OU and account must keep at least one SCP")
        attached = []
        for index, item in enumerate(scps):
            with ctx.at(f"scps[{index}]"):
                attached.append(_attach(world, target, "scp", item))
        if not any(p.name == "FullAWSAccess" for p in attached):
            target.detach_scp("FullAWSAccess")
    for index, item in enumerate(_list(entry.get("rcps"), "rcps")):
        with ctx.at(f"rcps[{index}]"):
            if item != "RCPFullAWSAccess":
                _attach(world, target, "rcp", item)


def _attach(world: World, target: Any, kind: str, item: Any) -> Any:
    if isinstance(item, str):
        if kind == "scp" and item == "FullAWSAccess":
            return next(p for p in target.scps if p.name == "FullAWSAccess")
        return target.attach_scp(item) if kind == "scp" else target.attach_rcp(item)
    item = _mapping(item, f"an {kind.upper()}")
    _known(item, ("name", "document"), f"an {kind.upper()}")
    attach = target.attach_scp if kind == "scp" else target.attach_rcp
    return attach(item["document"], name=item.get("name"))


def _build_ous(
    world: World, org: Any, parent: Any, entries: list[Any], ous: dict[str, Any], ctx: _Context
) -> None:
    for index, raw in enumerate(entries):
        with ctx.at(f"ous[{index}] {_name(raw)}"):
            entry = _mapping(raw, "an OU")
            _known(entry, _OU_KEYS, "an OU")
            ou = org.create_ou(entry["name"], parent)
            if entry["name"] in ous:
                raise ValidationError(f"two OUs are named {entry['name']}")
            ous[entry["name"]] = ou
            _attach_levels(world, ou, entry, ctx)
            _build_ous(world, org, ou, _list(entry.get("ous"), "ous"), ous, ctx)


def _build_account(
    world: World, entry: Mapping[str, Any], ous: dict[str, Any], ctx: _Context
) -> None:
    _known(entry, _ACCOUNT_KEYS, "an account")
    account_id = str(entry["id"])
    org = world.organization
    ou_name = entry.get("ou")
    if org is not None and account_id == org.management_account.id:
        account = org.management_account  # created with the organization (and its alias)
        if ou_name not in (None, "root", "Root"):
            raise ValidationError(
                f"the management account sits at the organization root, not in OU {ou_name}"
            )
    else:
        target = None
        if ou_name is not None:
            if org is None:
                raise ValidationError("ou is given but the world file has no organization")
            target = org.root if ou_name in ("root", "Root") else ous.get(ou_name)
            if target is None:
                raise ValidationError(f"no OU named {ou_name}")
        account = world.create_account(account_id, alias=entry.get("alias"), ou=target)
    if account.parent is not None:
        _attach_levels(world, account, entry, ctx)
    elif entry.get("scps") or entry.get("rcps"):
        raise ValidationError(
            "scps/rcps are given for an account outside the organization: add `ou:` to place it"
        )
    for raw_policy in _list(entry.get("policies"), "policies"):
        with ctx.at(f"policy {_name(raw_policy)}"):
            policy = _mapping(raw_policy, "a managed policy")
            _known(policy, _POLICY_KEYS, "a managed policy")
            account.create_policy(
                policy["name"],
                policy["document"],
                path=policy.get("path", "/"),
                description=policy.get("description", ""),
            )
    for raw_group in _list(entry.get("groups"), "groups"):
        with ctx.at(f"group {_name(raw_group)}"):
            group = _mapping(raw_group, "a group")
            _known(group, _GROUP_KEYS, "a group")
            account.create_group(
                group["name"],
                path=group.get("path", "/"),
                policies=group.get("policies") or (),
                managed_policies=_managed_refs(account, group.get("managed_policies")),
            )
    for raw_user in _list(entry.get("users"), "users"):
        with ctx.at(f"user {_name(raw_user)}"):
            user = _mapping(raw_user, "a user")
            _known(user, _USER_KEYS, "a user")
            account.create_user(
                user["name"],
                path=user.get("path", "/"),
                groups=_list(user.get("groups"), "groups"),
                policies=user.get("policies") or (),
                managed_policies=_managed_refs(account, user.get("managed_policies")),
                boundary=_boundary_ref(account, user.get("boundary")),
                tags=user.get("tags"),
                mfa=_flag(user.get("mfa", False), "mfa"),
            )
    for raw_role in _list(entry.get("roles"), "roles"):
        with ctx.at(f"role {_name(raw_role)}"):
            role = _mapping(raw_role, "a role")
            _known(role, _ROLE_KEYS, "a role")
            if "trust_policy" not in role:
                raise ValidationError("a role needs a trust_policy")
            account.create_role(
                role["name"],
                trust_policy=role["trust_policy"],
                path=role.get("path", "/"),
                policies=role.get("policies") or (),
                managed_policies=_managed_refs(account, role.get("managed_policies")),
                boundary=_boundary_ref(account, role.get("boundary")),
                tags=role.get("tags"),
                max_session_duration=role.get("max_session_duration", 3600),
                description=role.get("description", ""),
            )
    for raw_resource in _list(entry.get("resources"), "resources"):
        arn = raw_resource.get("arn", "?") if isinstance(raw_resource, Mapping) else "?"
        with ctx.at(f"resource {arn}"):
            resource = _mapping(raw_resource, "a resource")
            _known(resource, _RESOURCE_KEYS, "a resource")
            account.add_resource(
                resource["arn"], policy=resource.get("policy"), tags=resource.get("tags")
            )


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(f"{name} must be true or false, not `{value}`")
    return value


def _managed_refs(account: Account, refs: Any) -> list[str]:
    """Managed policies by ARN, or by the name of one of the account's customer managed ones."""
    out = []
    for ref in _list(refs, "managed_policies"):
        out.append(
            ref if isinstance(ref, str) and ref.startswith("arn:") else account.policy(ref).arn
        )
    return out


def _boundary_ref(account: Account, ref: Any) -> Any:
    if isinstance(ref, str) and not ref.startswith("arn:") and not ref.lstrip().startswith("{"):
        return account.policy(ref).arn
    return ref


# -- get-account-authorization-details -------------------------------------------------------


def _document(raw: Any) -> Any:
    """Policy documents come decoded, or URL-encoded JSON text as the raw API returns them."""
    if isinstance(raw, str) and raw.lstrip().startswith("%"):
        return urllib.parse.unquote(raw)
    if isinstance(raw, str) and not raw.lstrip().startswith("{"):
        return urllib.parse.unquote(raw)
    return raw


def _tags(raw: Any) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in _list(raw, "Tags")}


def _inline(raw: Any, name_key: str = "PolicyName") -> dict[str, Any]:
    return {p[name_key]: _document(p["PolicyDocument"]) for p in _list(raw, "inline policies")}


def _attached(raw: Any) -> list[str]:
    return [p["PolicyArn"] for p in _list(raw, "AttachedManagedPolicies")]


def load_authorization_details(world: World, source: str | Path | Mapping[str, Any]) -> Account:
    """Import ``aws iam get-account-authorization-details`` output as one account of ``world``.

    Users, groups, roles (with paths, tags, trust policies, IDs), inline policies, managed
    policies with their versions and default version, and boundaries. AWS managed policies in
    the file become known to the world. All or nothing: on error the world is unchanged.
    """
    data, label = _read(source, "authorization details")
    ctx = _Context(label)
    with ctx.at("top level"):
        _known(
            data,
            (
                "UserDetailList",
                "GroupDetailList",
                "RoleDetailList",
                "Policies",
                "IsTruncated",
                "Marker",
                "ResponseMetadata",
            ),
            "authorization details",
        )
        if data.get("IsTruncated"):
            raise ValidationError(
                "the output is truncated (IsTruncated): fetch every page and merge them first"
            )
        account_id = _account_of(data)
    snapshot = world._snapshot()
    try:
        account = _load_details(world, data, account_id, ctx)
    except BaseException:
        world._restore(snapshot)
        raise
    return account


def _account_of(data: Mapping[str, Any]) -> str:
    accounts = set()
    for key in ("UserDetailList", "GroupDetailList", "RoleDetailList"):
        for entry in _list(data.get(key), key):
            accounts.add(Arn.parse(entry["Arn"]).account)
    for policy in _list(data.get("Policies"), "Policies"):
        owner = Arn.parse(policy["Arn"]).account
        if owner != "aws":
            accounts.add(owner)
    if len(accounts) != 1:
        found = ", ".join(sorted(accounts)) or "none"
        raise ValidationError(f"expected the entities of one account, found accounts: {found}")
    return accounts.pop()


def _load_details(world: World, data: Mapping[str, Any], account_id: str, ctx: _Context) -> Account:
    with ctx.at(f"account {account_id}"):
        if account_id in world._accounts:
            account = world.account(account_id)
            state = world._account_state(account_id)
            if state.users or state.groups or state.roles or state.policies:
                raise ValidationError(f"account {account_id} already holds IAM entities")
        else:
            account = world.create_account(account_id)
    for policy in _list(data.get("Policies"), "Policies"):
        with ctx.at(f"policy {policy.get('Arn', '?')}"):
            _load_managed(world, account, policy)
    for group in _list(data.get("GroupDetailList"), "GroupDetailList"):
        with ctx.at(f"group {group.get('GroupName', '?')}"):
            account.create_group(
                group["GroupName"],
                path=group.get("Path", "/"),
                policies=_inline(group.get("GroupPolicyList")),
                managed_policies=_attached(group.get("AttachedManagedPolicies")),
            )
            world._group_state(account_id, group["GroupName"]).id = (
                group.get("GroupId") or world._group_state(account_id, group["GroupName"]).id
            )
    for user in _list(data.get("UserDetailList"), "UserDetailList"):
        with ctx.at(f"user {user.get('UserName', '?')}"):
            boundary = (user.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
            account.create_user(
                user["UserName"],
                path=user.get("Path", "/"),
                groups=user.get("GroupList") or [],
                policies=_inline(user.get("UserPolicyList")),
                managed_policies=_attached(user.get("AttachedManagedPolicies")),
                boundary=boundary,
                tags=_tags(user.get("Tags")),
            )
            user_state = world._user_state(account_id, user["UserName"])
            _same_arn(user, user_state.arn)
            user_state.id = user.get("UserId") or user_state.id
            if user.get("CreateDate"):
                user_state.created = isoparse(str(user["CreateDate"]))
    for role in _list(data.get("RoleDetailList"), "RoleDetailList"):
        with ctx.at(f"role {role.get('RoleName', '?')}"):
            boundary = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
            account.create_role(
                role["RoleName"],
                trust_policy=_document(role["AssumeRolePolicyDocument"]),
                path=role.get("Path", "/"),
                policies=_inline(role.get("RolePolicyList")),
                managed_policies=_attached(role.get("AttachedManagedPolicies")),
                boundary=boundary,
                tags=_tags(role.get("Tags")),
                max_session_duration=int(role.get("MaxSessionDuration", 3600)),
                description=role.get("Description", ""),
            )
            state_role = world._role_state(account_id, role["RoleName"])
            _same_arn(role, state_role.arn)
            state_role.id = role.get("RoleId") or state_role.id
            if role.get("CreateDate"):
                state_role.created = isoparse(str(role["CreateDate"]))
    world._changed()
    return account


def _same_arn(entry: Mapping[str, Any], built: str) -> None:
    if "Arn" in entry and entry["Arn"] != built:
        raise ValidationError(
            f"the Arn {entry['Arn']} does not match the name and path given ({built})"
        )


def _load_managed(world: World, account: Account, entry: Mapping[str, Any]) -> None:
    arn = entry["Arn"]
    versions = _list(entry.get("PolicyVersionList"), "PolicyVersionList")
    if not versions:
        raise ValidationError("a managed policy needs its PolicyVersionList")
    default = str(
        entry.get("DefaultVersionId")
        or next((v["VersionId"] for v in versions if v.get("IsDefaultVersion")), "")
    )
    by_id = {v["VersionId"]: _document(v["Document"]) for v in versions}
    if default not in by_id:
        raise ValidationError(f"the default version {default} is not in PolicyVersionList")
    path = entry.get("Path", "/")
    name = entry["PolicyName"]
    if arn.startswith("arn:aws:iam::aws:policy"):
        known = world._aws_policies.get(arn)
        if known is not None:
            file_default = Policy.parse(by_id[default], PolicyKind.IDENTITY, name=arn)
            if known.default.policy != file_default:
                raise ValidationError(
                    f"the world already knows AWS managed policy {arn} with another default "
                    "document; load the details into a fresh world, or update the world's copy"
                )
            return
        managed = world.add_aws_managed_policy(name, by_id[default], path=path)
    else:
        managed = account.create_policy(
            name, by_id[default], path=path, description=entry.get("Description", "")
        )
    state = world._managed_state(managed.arn)
    if state.arn != arn:
        raise ValidationError(f"the ARN {arn} does not match its name and path ({state.arn})")
    stored_versions = {}
    for version_id, document in by_id.items():
        try:
            policy = Policy.parse(document, PolicyKind.IDENTITY, name=f"{arn} {version_id}")
        except PolicyError:
            raise
        stored_versions[version_id] = StoredPolicy(
            policy, PolicySource(PolicyType.IDENTITY, f"managed {arn}")
        )
    state.versions = stored_versions
    state.default_version = default
    state.id = entry.get("PolicyId") or state.id
    numbers = [int(v[1:]) for v in by_id if v[1:].isdigit()]
    state.next_version = max(numbers, default=1) + 1
