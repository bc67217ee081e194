"""STS: ``assume_role``, ``get_session_token``, ``get_caller_identity``, and the sessions they
return, which are principals for :func:`iamsim.evaluate`.

A role session's permissions are the role's, capped by its session policies; the caller's own
policies play no part once it holds the session. Every call is audited in ``world.events``.
https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use.html
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from iamsim._ids import digest
from iamsim.compiled import CompiledPolicy, PolicySource, PolicyType, compile_policy
from iamsim.entities import Role, User
from iamsim.errors import AccessDenied, IamSimError, NoSuchEntity, PolicyError, ValidationError
from iamsim.gather import (
    PrincipalSide,
    org_levels,
    principal_side,
    role_context,
    role_identity,
)
from iamsim.policy import Policy, PolicyKind
from iamsim.principals import PrincipalKind, RequestPrincipal

if TYPE_CHECKING:
    from iamsim.decision import Decision
    from iamsim.world import World

__all__ = [
    "Credentials",
    "RoleSession",
    "UserSession",
    "assume_role",
    "get_caller_identity",
    "get_session_token",
]

_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}")
_EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]{2,1224}")
_SERIAL = re.compile(r"[\w+=/:,.@-]{9,256}")
_TOKEN = re.compile(r"\d{6}")
_SOURCE_IDENTITY = re.compile(r"[\w+=,.@-]{2,64}")
_TAG_KEY = re.compile(r"[\w\s+=,.@:/-]{1,128}")
_TAG_VALUE = re.compile(r"[\w\s+=,.@:/-]{0,256}")
_POLICY_CHARS = re.compile(r"[\t\n\r\u0020-\u00ff]*")
CHAINING_LIMIT = 3600
CHAINING_MESSAGE = (
    "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role "
    "chaining."
)


@attrs.frozen
class Credentials:
    """Temporary security credentials (``ASIA…`` access key).

    Deterministic for a given world, so tests and CloudTrail-shaped events are reproducible.

    >>> from datetime import UTC, datetime
    >>> import iamsim
    >>> world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
    >>> account = world.create_account("111122223333")
    >>> alice = account.create_user("alice", mfa=True)
    >>> trust = {"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Allow", "Principal": {"AWS": alice.arn}, "Action": "sts:AssumeRole"}]}
    >>> role = account.create_role("Admin", trust_policy=trust)
    >>> session = iamsim.assume_role(alice, role.arn, session_name="alice")
    >>> session.credentials.access_key_id.startswith("ASIA")
    True
    >>> session.credentials.expiration.isoformat()
    '2026-01-01T01:00:00+00:00'
    """

    access_key_id: str
    secret_access_key: str = attrs.field(repr=False)
    session_token: str = attrs.field(repr=False)
    expiration: datetime


def _credentials(world: World, seed: str, expiration: datetime) -> Credentials:
    world._credential_counter += 1
    token_seed = f"{seed}:{world._credential_counter}"
    upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    mixed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    return Credentials(
        "ASIA" + digest(token_seed, 16, upper),
        digest("secret:" + token_seed, 40, mixed),
        "IQoJb3JpZ2luX2VjE" + digest("token:" + token_seed, 120, mixed),
        expiration,
    )


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class _Session:
    """What user and role sessions share: credentials, times, MFA."""

    #: The world the session lives in (its clock decides expiry).
    world: World
    #: The temporary credentials.
    credentials: Credentials
    #: When the credentials were issued (world time).
    issued_at: datetime
    #: When MFA was used to create the session, if it was.
    mfa_at: datetime | None

    @property
    def expiration(self) -> datetime:
        """When the credentials stop working (world time).

        >>> from datetime import UTC, datetime
        >>> import iamsim
        >>> world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333")
        >>> alice = account.create_user("alice", mfa=True)
        >>> trust = {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"AWS": alice.arn}, "Action": "sts:AssumeRole"}]}
        >>> role = account.create_role("Admin", trust_policy=trust)
        >>> session = iamsim.assume_role(alice, role.arn, session_name="alice")
        >>> session.expiration.isoformat()
        '2026-01-01T01:00:00+00:00'
        """
        return self.credentials.expiration

    @property
    def expired(self) -> bool:
        """Whether the world clock has reached the expiration.

        An expired session's requests are denied, as AWS rejects expired tokens.

        >>> from datetime import UTC, datetime
        >>> import iamsim
        >>> world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333")
        >>> alice = account.create_user("alice", mfa=True)
        >>> trust = {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"AWS": alice.arn}, "Action": "sts:AssumeRole"}]}
        >>> role = account.create_role("Admin", trust_policy=trust)
        >>> session = iamsim.assume_role(alice, role.arn, session_name="alice")
        >>> session.expired
        False
        >>> _ = world.advance(3600)
        >>> session.expired
        True
        """
        return self.world.now >= self.credentials.expiration

    @property
    def mfa_authenticated(self) -> bool:
        """Whether the session was created with MFA.

        >>> from datetime import UTC, datetime
        >>> import iamsim
        >>> world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333")
        >>> alice = account.create_user("alice", mfa=True)
        >>> session = iamsim.get_session_token(alice, serial_number=alice.mfa_serial,
        ...                                    token_code="123456")
        >>> session.mfa_authenticated
        True
        """
        return self.mfa_at is not None

    def _repr_html_(self) -> str:
        from iamsim._display import entity_html

        text: str = entity_html(self)
        return text

    def _repr_markdown_(self) -> str:
        from iamsim._display import entity_markdown

        text: str = entity_markdown(self)
        return text


class RoleSession(_Session):
    """A role session from :func:`assume_role` (or the console's Switch Role): a principal.

    Its requests are decided with the role's policies (capped by any session policies), not
    the caller's.

    >>> from datetime import UTC, datetime
    >>> import iamsim
    >>> world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
    >>> account = world.create_account("111122223333")
    >>> alice = account.create_user("alice", mfa=True)
    >>> trust = {"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Allow", "Principal": {"AWS": alice.arn}, "Action": "sts:AssumeRole"}]}
    >>> role = account.create_role("Admin", trust_policy=trust)
    >>> session = iamsim.assume_role(alice, role.arn, session_name="alice")
    >>> session.role == role, session.caller == alice, session.chained
    (True, True, False)
    """

    #: The role assumed.
    role: Role
    #: Who assumed it: a user, a user session, or (role chaining) another role session.
    caller: User | RoleSession | UserSession
    #: The RoleSessionName.
    session_name: str
    #: The session policies (an inline one first, then the managed ones).
    session_policies: tuple[Policy, ...]
    #: The ARNs of the managed session policies.
    policy_arns: tuple[str, ...]
    #: The session tags, inherited transitive tags included.
    tags: Mapping[str, str]
    #: The keys of the tags that carry into chained sessions.
    transitive_tag_keys: frozenset[str]
    #: The source identity, set once and carried through chaining.
    source_identity: str | None
    #: Whether the caller was itself a role session (role chaining).
    chained: bool
    #: Whether the console's Switch Role made it.
    via_console: bool

    def __init__(
        self,
        *,
        world: World,
        role: Role,
        caller: User | RoleSession | UserSession,
        session_name: str,
        credentials: Credentials,
        issued_at: datetime,
        session_policies: tuple[Policy, ...],
        policy_arns: tuple[str, ...],
        tags: Mapping[str, str],
        transitive_tag_keys: frozenset[str],
        source_identity: str | None,
        mfa_at: datetime | None,
        chained: bool,
        via_console: bool = False,
    ) -> None:
        self.world = world
        self.role = role
        self.caller = caller
        self.session_name = session_name
        self.credentials = credentials
        self.issued_at = issued_at
        self.session_policies = session_policies
        self.policy_arns = policy_arns
        self.tags: Mapping[str, str] = MappingProxyType(dict(tags))
        self.transitive_tag_keys = transitive_tag_keys
        self.source_identity = source_identity
        self.mfa_at = mfa_at
        self.chained = chained
        self.via_console = via_console
        self._role_arn = role.arn
        self._role_id = role.id
        self._account = role.account.id
        source = PolicySource(PolicyType.SESSION, f"session policy of {self.arn}")
        self._compiled: tuple[CompiledPolicy, ...] = tuple(
            compile_policy(p, PolicySource(PolicyType.SESSION, f"{source.name} ({name})"))
            for p, name in zip(session_policies, self._policy_names(), strict=True)
        )

    def _policy_names(self) -> list[str]:
        names = ["inline"] if len(self.session_policies) > len(self.policy_arns) else []
        return names + list(self.policy_arns)

    @property
    def arn(self) -> str:
        """``arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`` (no role path).

        Resource policies and CloudTrail name the session by it; ``aws:PrincipalArn`` is the
        role's ARN instead.

        >>> from datetime import UTC, datetime
        >>> import iamsim
        >>> world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333")
        >>> alice = account.create_user("alice", mfa=True)
        >>> trust = {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"AWS": alice.arn}, "Action": "sts:AssumeRole"}]}
        >>> role = account.create_role("Admin", trust_policy=trust)
        >>> session = iamsim.assume_role(alice, role.arn, session_name="alice")
        >>> session.arn
        'arn:aws:sts::111122223333:assumed-role/Admin/alice'
        """
        return f"arn:aws:sts::{self._account}:assumed-role/{self.role.name}/{self.session_name}"

    @property
    def assumed_role_id(self) -> str:
        """``AROA…:SESSION``, the value of ``aws:userid`` for this session.

        >>> from datetime import UTC, datetime
        >>> import iamsim
        >>> world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333")
        >>> alice = account.create_user("alice", mfa=True)
        >>> trust = {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"AWS": alice.arn}, "Action": "sts:AssumeRole"}]}
        >>> role = account.create_role("Admin", trust_policy=trust)
        >>> session = iamsim.assume_role(alice, role.arn, session_name="alice")
        >>> session.assumed_role_id == f"{role.id}:alice"
        True
        """
        return f"{self._role_id}:{self.session_name}"

    @property
    def account(self) -> str:
        """The role's account.

        >>> from datetime import UTC, datetime
        >>> import iamsim
        >>> world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333")
        >>> alice = account.create_user("alice", mfa=True)
        >>> trust = {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"AWS": alice.arn}, "Action": "sts:AssumeRole"}]}
        >>> role = account.create_role("Admin", trust_policy=trust)
        >>> session = iamsim.assume_role(alice, role.arn, session_name="alice")
        >>> session.account
        '111122223333'
        """
        return self._account

    @property
    def transitive_tags(self) -> Mapping[str, str]:
        """The session tags that carry into chained sessions.

        >>> from datetime import UTC, datetime
        >>> import iamsim
        >>> world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333")
        >>> alice = account.create_user("alice", mfa=True)
        >>> trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        ...     "Principal": {"AWS": alice.arn}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]}
        >>> role = account.create_role("Admin", trust_policy=trust)
        >>> session = iamsim.assume_role(alice, role.arn, session_name="alice",
        ...     tags={"team": "blue", "env": "dev"}, transitive_tag_keys=["team"])
        >>> dict(session.transitive_tags)
        {'team': 'blue'}
        """
        lowered = {k.lower() for k in self.transitive_tag_keys}
        return MappingProxyType({k: v for k, v in self.tags.items() if k.lower() in lowered})

    def _principal_side(self) -> PrincipalSide:
        return self.world._cached(
            ("principal", "session", self.credentials.access_key_id), self._build_side
        )

    def _build_side(self) -> PrincipalSide:
        world = self.world
        role_state = self.role._state()
        identity, boundary = role_identity(world, self.role)
        context = role_context(world, self.role)
        for key in [k for k in context if k.startswith("aws:principaltag/")]:
            if key[len("aws:principaltag/") :] in {t.lower() for t in self.tags}:
                del context[key]
        context.update({f"aws:principaltag/{k.lower()}": v for k, v in self.tags.items()})
        context["aws:userid"] = self.assumed_role_id
        context["aws:tokenissuetime"] = _iso(self.issued_at)
        # "The temporary credentials returned by AssumeRole do not include MFA information in the
        # context" (id_credentials_mfa_configure-api-require.html): MFA is checked when the role
        # is assumed, not afterwards. The key is present, as for all temporary credentials.
        context["aws:multifactorauthpresent"] = "false"
        if self.source_identity is not None:
            context["aws:sourceidentity"] = self.source_identity
        account = world._account_state(self._account)
        caller = RequestPrincipal(
            self.arn,
            PrincipalKind.ROLE_SESSION,
            self._account,
            role_state.arn,
            boundary is not None,
        )
        scps = () if role_state.service_linked else org_levels(world, account, "scp")
        return PrincipalSide(
            ("session", self.credentials.access_key_id),
            caller,
            self._account,
            tuple(identity),
            boundary,
            self._compiled,
            scps,
            context,
            role_state.service_linked,
            expires_at=self.credentials.expiration,
        )

    def __repr__(self) -> str:
        state = "expired" if self.expired else f"until {_iso(self.expiration)}"
        return f"<RoleSession {self.arn} {state}>"


class UserSession(_Session):
    """An IAM user's temporary credentials from :func:`get_session_token` (or a console
    sign-in): the user's own permissions, with MFA context when MFA was used.

    >>> from datetime import UTC, datetime
    >>> import iamsim
    >>> world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
    >>> account = world.create_account("111122223333")
    >>> alice = account.create_user("alice", mfa=True)
    >>> session = iamsim.get_session_token(alice, serial_number=alice.mfa_serial,
    ...                                    token_code="123456")
    >>> session.user == alice, session.mfa_authenticated
    (True, True)
    """

    #: The user the credentials belong to.
    user: User
    #: Whether a console sign-in made it.
    via_console: bool

    def __init__(
        self,
        *,
        world: World,
        user: User,
        credentials: Credentials,
        issued_at: datetime,
        mfa_at: datetime | None,
        via_console: bool = False,
    ) -> None:
        self.world = world
        self.user = user
        self.credentials = credentials
        self.issued_at = issued_at
        self.mfa_at = mfa_at
        self.via_console = via_console

    @property
    def arn(self) -> str:
        """The user's ARN (temporary credentials keep the user's identity).

        >>> from datetime import UTC, datetime
        >>> import iamsim
        >>> world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333")
        >>> alice = account.create_user("alice", mfa=True)
        >>> session = iamsim.get_session_token(alice, serial_number=alice.mfa_serial,
        ...                                    token_code="123456")
        >>> session.arn
        'arn:aws:iam::111122223333:user/alice'
        """
        return self.user.arn

    @property
    def account(self) -> str:
        """The user's account.

        >>> from datetime import UTC, datetime
        >>> import iamsim
        >>> world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333")
        >>> alice = account.create_user("alice", mfa=True)
        >>> session = iamsim.get_session_token(alice, serial_number=alice.mfa_serial,
        ...                                    token_code="123456")
        >>> session.account
        '111122223333'
        """
        return self.user.account.id

    def _principal_side(self) -> PrincipalSide:
        return self.world._cached(
            ("principal", "user-session", self.credentials.access_key_id), self._build_side
        )

    def _build_side(self) -> PrincipalSide:
        base = principal_side(self.world, self.user)
        context = dict(base.context)
        context["aws:tokenissuetime"] = _iso(self.issued_at)
        context["aws:multifactorauthpresent"] = "true" if self.mfa_at else "false"
        return attrs.evolve(
            base,
            key=("user-session", self.credentials.access_key_id),
            context=context,
            expires_at=self.credentials.expiration,
            mfa_at=self.mfa_at,
            restricted=not self.via_console,
        )

    def __repr__(self) -> str:
        return f"<UserSession {self.arn} {'with' if self.mfa_at else 'without'} MFA>"


Caller = User | RoleSession | UserSession


# -- parameter checks -----------------------------------------------------------------------


def _check(pattern: re.Pattern[str], value: Any, name: str, rule: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise ValidationError(f"{name} `{value}` is invalid: {rule}")
    return value


def _check_duration(value: Any, low: int, high: int, name: str = "DurationSeconds") -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValidationError(f"{name} {value!r} must be an integer from {low} to {high}")
    return value


def _session_tags(tags: Mapping[str, str] | None) -> dict[str, str]:
    if tags is None:
        return {}
    if not isinstance(tags, Mapping):
        raise ValidationError("tags must be a mapping of key to value")
    if len(tags) > 50:
        raise ValidationError(f"{len(tags)} session tags: at most 50 are allowed")
    seen: set[str] = set()
    for key, value in tags.items():
        _check(_TAG_KEY, key, "tag key", "1 to 128 letters, digits, spaces and _.:/=+-@")
        _check(
            _TAG_VALUE,
            value,
            f"tag `{key}` value",
            "up to 256 letters, digits, spaces and _.:/=+-@",
        )
        if key.lower() in seen:
            raise ValidationError(f"tag key `{key}` is given twice (session tag keys ignore case)")
        seen.add(key.lower())
    return dict(tags)


def _plaintext_size(policy: Policy) -> int:
    """Characters of a policy's JSON text, whitespace not counted."""
    return len(re.sub(r"\s", "", policy.to_json_text(None)))


def _session_policy(policy: Any) -> Policy | None:
    if policy is None:
        return None
    text = (
        policy
        if isinstance(policy, str)
        else (policy.to_json_text(None) if isinstance(policy, Policy) else json.dumps(policy))
    )
    if not _POLICY_CHARS.fullmatch(text):
        raise PolicyError(
            [],
            source="session policy: only tab, newline, carriage return and "
            "characters U+0020 to U+00FF are allowed",
        )
    if len(re.sub(r"\s", "", text)) > 2048:
        raise ValidationError(
            "the session policy exceeds 2,048 characters", code="PackedPolicyTooLarge"
        )
    return Policy.parse(policy, PolicyKind.SESSION, name="session policy")


# -- AssumeRole -------------------------------------------------------------------------------


def _caller_world(caller: Any) -> World:
    if isinstance(caller, User | RoleSession | UserSession):
        return caller.world
    raise ValidationError(
        f"{caller!r} cannot call AssumeRole: use an IAM user, or a role session (the root user "
        "cannot assume roles)"
    )


def _identity(caller: Caller) -> dict[str, Any]:
    """CloudTrail's userIdentity for a caller."""
    if isinstance(caller, RoleSession):
        return {
            "type": "AssumedRole",
            "principalId": caller.assumed_role_id,
            "arn": caller.arn,
            "accountId": caller.account,
            "accessKeyId": caller.credentials.access_key_id,
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "principalId": caller.role.id,
                    "arn": caller.role.arn,
                    "accountId": caller.account,
                    "userName": caller.role.name,
                },
                "attributes": {
                    "creationDate": _iso(caller.issued_at),
                    "mfaAuthenticated": "true" if caller.mfa_at else "false",
                },
            },
        }
    user = caller.user if isinstance(caller, UserSession) else caller
    key = (
        caller.credentials.access_key_id if isinstance(caller, UserSession) else long_term_key(user)
    )
    return {
        "type": "IAMUser",
        "principalId": user.id,
        "arn": user.arn,
        "accountId": user.account.id,
        "accessKeyId": key,
        "userName": user.name,
    }


def long_term_key(user: User) -> str:
    """The user's (simulated) long-term access key ID, ``AKIA…``."""
    return "AKIA" + digest(f"akia:{user.arn}", 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def _event(
    world: World,
    name: str,
    caller: Caller,
    request: Mapping[str, Any],
    response: Mapping[str, Any] | None,
    error: IamSimError | None,
    source: str = "sts.amazonaws.com",
    *,
    resources: list[dict[str, str]] | None = None,
    additional: Mapping[str, Any] | None = None,
) -> None:
    world._event_counter += 1
    identity = _identity(caller)
    record: dict[str, Any] = {
        "eventVersion": "1.08",
        "userIdentity": identity,
        "eventTime": _iso(world.now),
        "eventSource": source,
        "eventName": name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "203.0.113.10",
        "userAgent": "iamsim",
        "requestParameters": dict(request),
        "responseElements": dict(response) if response is not None else None,
        "requestID": digest(f"req:{world._event_counter}", 32),
        "eventID": digest(f"event:{world._event_counter}", 32),
        "readOnly": name == "GetCallerIdentity",
        "eventType": "AwsApiCall" if source == "sts.amazonaws.com" else "AwsConsoleSignIn",
        "managementEvent": True,
        "recipientAccountId": identity["accountId"],
    }
    if resources:
        record["resources"] = resources
        record["sharedEventID"] = digest(f"shared:{world._event_counter}", 32)
    if additional:
        record["additionalEventData"] = dict(additional)
    if error is not None:
        record["errorCode"] = error.code
        record["errorMessage"] = str(error).splitlines()[0]
    world.events._record(record)


def assume_role(
    caller: Caller,
    role_arn: str,
    *,
    session_name: str,
    duration_seconds: int = 3600,
    external_id: str | None = None,
    serial_number: str | None = None,
    token_code: str | None = None,
    policy: Any = None,
    policy_arns: Sequence[str] = (),
    tags: Mapping[str, str] | None = None,
    transitive_tag_keys: Sequence[str] = (),
    source_identity: str | None = None,
) -> RoleSession:
    """Assume a role as STS does: check the parameters, the caller's permission and the role's
    trust policy; return a session usable with :func:`iamsim.evaluate`.

    Raises :class:`~iamsim.AccessDenied` (with the decision that refused) or
    :class:`~iamsim.ValidationError`; every attempt is recorded in ``world.events``.

    >>> from datetime import UTC, datetime
    >>> import iamsim
    >>> world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
    >>> account = world.create_account("111122223333")
    >>> alice = account.create_user("alice", mfa=True)
    >>> trust = {"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Allow", "Principal": {"AWS": alice.arn}, "Action": "sts:AssumeRole"}]}
    >>> role = account.create_role("Admin", trust_policy=trust)
    >>> session = iamsim.assume_role(alice, role.arn, session_name="alice")
    >>> session.arn, session.expiration.isoformat()
    ('arn:aws:sts::111122223333:assumed-role/Admin/alice', '2026-01-01T01:00:00+00:00')
    >>> [e["eventName"] for e in world.events]
    ['AssumeRole']
    """
    world = _caller_world(caller)
    request: dict[str, Any] = {
        "roleArn": role_arn,
        "roleSessionName": session_name,
        "durationSeconds": duration_seconds,
    }
    for key, value in (
        ("externalId", external_id),
        ("serialNumber", serial_number),
        ("sourceIdentity", source_identity),
    ):
        if value is not None:
            request[key] = value
    if policy_arns:
        request["policyArns"] = [{"arn": a} for a in policy_arns]
    if tags:
        request["tags"] = [{"key": k, "value": v} for k, v in tags.items()]
    if transitive_tag_keys:
        request["transitiveTagKeys"] = list(transitive_tag_keys)
    if isinstance(caller, RoleSession) and caller.transitive_tags:
        request["incomingTransitiveTags"] = dict(caller.transitive_tags)
    role_resource = [
        {
            "ARN": str(role_arn),
            "accountId": str(role_arn).split(":")[4] if str(role_arn).count(":") >= 5 else "",
            "type": "AWS::IAM::Role",
        }
    ]
    try:
        session = _assume(
            world,
            caller,
            role_arn,
            session_name,
            duration_seconds,
            external_id,
            serial_number,
            token_code,
            policy,
            tuple(policy_arns),
            tags,
            tuple(transitive_tag_keys),
            source_identity,
        )
    except IamSimError as error:
        _event(world, "AssumeRole", caller, request, None, error, resources=role_resource)
        raise
    _event(
        world,
        "AssumeRole",
        caller,
        request,
        {
            "credentials": {
                "accessKeyId": session.credentials.access_key_id,
                "expiration": _iso(session.expiration),
            },
            "assumedRoleUser": {"assumedRoleId": session.assumed_role_id, "arn": session.arn},
            **({"sourceIdentity": session.source_identity} if session.source_identity else {}),
        },
        None,
        resources=role_resource,
    )
    return session


def _assume(
    world: World,
    caller: Caller,
    role_arn: Any,
    session_name: Any,
    duration: Any,
    external_id: Any,
    serial_number: Any,
    token_code: Any,
    policy: Any,
    policy_arns: tuple[str, ...],
    tags: Any,
    transitive_keys: tuple[str, ...],
    source_identity: Any,
    *,
    via_console: bool = False,
    console_duration: int | None = None,
) -> RoleSession:
    from iamsim.gather import evaluate

    # 1. parameters
    if not isinstance(role_arn, str) or not role_arn.startswith("arn:") or ":role/" not in role_arn:
        raise ValidationError(f"RoleArn `{role_arn}` is not a role ARN")
    if not via_console:  # the console names the session after the user (1 to 64 characters)
        _check(
            _SESSION_NAME, session_name, "RoleSessionName", "2 to 64 letters, digits and _+=,.@-"
        )
    if not via_console:  # the console asks for the role's maximum, within the time left
        _check_duration(duration, 900, 43200)
    if external_id is not None:
        _check(_EXTERNAL_ID, external_id, "ExternalId", "2 to 1224 letters, digits and _+=,.@:/-")
    if serial_number is not None:
        _check(_SERIAL, serial_number, "SerialNumber", "9 to 256 letters, digits and _+=/:,.@-")
    if token_code is not None:
        _check(_TOKEN, token_code, "TokenCode", "six digits")
    if (serial_number is None) != (token_code is None):
        raise ValidationError("SerialNumber and TokenCode go together: give both or neither")
    if source_identity is not None:
        _check(
            _SOURCE_IDENTITY,
            source_identity,
            "SourceIdentity",
            "2 to 64 letters, digits and _+=,.@-",
        )
        if source_identity.lower().startswith("aws:"):
            raise ValidationError("SourceIdentity cannot begin with aws:")
    session_tags = _session_tags(tags)
    if len(transitive_keys) > 50:
        raise ValidationError("at most 50 TransitiveTagKeys are allowed")
    lowered_tags = {k.lower() for k in session_tags}
    for key in transitive_keys:
        if not isinstance(key, str) or key.lower() not in lowered_tags:
            raise ValidationError(
                f"TransitiveTagKeys: `{key}` is not among the session tags passed"
            )
    if len(policy_arns) > 10:
        raise ValidationError("at most 10 PolicyArns are allowed")
    inline = _session_policy(policy)
    # 2. the caller
    if isinstance(caller, RoleSession | UserSession) and caller.expired:
        raise ValidationError(
            "The security token included in the request is expired", code="ExpiredTokenException"
        )
    chained = isinstance(caller, RoleSession)
    if chained and duration > CHAINING_LIMIT:
        raise ValidationError(CHAINING_MESSAGE)
    inherited: dict[str, str] = (
        dict(caller.transitive_tags) if isinstance(caller, RoleSession) else {}
    )
    clash = {k for k in inherited if k.lower() in lowered_tags}
    if clash:
        raise ValidationError(
            f"session tag(s) {', '.join(sorted(clash))} would replace transitive tags inherited "
            "from the calling session"
        )
    if isinstance(caller, RoleSession) and caller.source_identity is not None:
        if source_identity is not None and source_identity != caller.source_identity:
            raise ValidationError("the source identity of a chained session cannot be changed")
        source_identity = caller.source_identity
    # 3. MFA
    mfa = False
    if serial_number is not None:
        device = (
            caller.user.mfa_serial
            if isinstance(caller, UserSession)
            else (caller.mfa_serial if isinstance(caller, User) else None)
        )
        if device is None or device != serial_number:
            raise AccessDenied(
                "MultiFactorAuthentication failed: the serial number is not an MFA "
                "device of the caller"
            )
        mfa = True
    # 4. the role and its limits
    try:
        role = world.principal(role_arn)
    except NoSuchEntity:
        role = None
    context: dict[str, Any] = {"sts:rolesessionname": session_name}
    if external_id is not None:
        context["sts:externalid"] = external_id
    if mfa:
        context["aws:multifactorauthpresent"] = "true"
        context["aws:multifactorauthage"] = "0"
    for key, value in session_tags.items():
        context[f"aws:requesttag/{key}"] = value
    if session_tags:
        context["aws:tagkeys"] = list(session_tags)
    if transitive_keys:
        context["sts:transitivetagkeys"] = list(transitive_keys)
    if source_identity is not None:
        context["sts:sourceidentity"] = source_identity
    actions = ["sts:AssumeRole"]
    if session_tags or inherited:
        actions.append("sts:TagSession")
    if source_identity is not None and not (
        isinstance(caller, RoleSession) and caller.source_identity
    ):
        actions.append("sts:SetSourceIdentity")
    for action in actions:
        decision = evaluate(caller, action, role_arn, context)
        if not decision.allowed:
            raise AccessDenied(_denied_message(caller, action, role_arn, decision), decision)
    assert isinstance(role, Role)  # an unknown role has no trust policy, so it was denied above
    limit = role.max_session_duration
    if via_console:
        duration = limit
    if duration > limit:
        raise ValidationError(
            f"The requested DurationSeconds exceeds the MaxSessionDuration set for this role "
            f"({limit} seconds)"
        )
    managed = []
    for arn in policy_arns:
        try:
            policy_handle = world.managed_policy(arn)
        except NoSuchEntity:
            raise ValidationError(f"PolicyArns: no managed policy {arn}") from None
        if not arn.startswith(f"arn:aws:iam::{role.account.id}:"):
            raise ValidationError(
                f"PolicyArns: {arn} is not in the role's account; session "
                "policies must exist in the same account as the role"
            )
        managed.append(policy_handle.document)
    plaintext = sum(_plaintext_size(p) for p in ([inline] if inline else []) + managed)
    if plaintext > 2048:
        raise ValidationError(
            f"the session policies total {plaintext} characters; inline and managed session "
            "policies together can't exceed 2,048",
            code="PackedPolicyTooLarge",
        )
    session_policies = tuple(([inline] if inline is not None else []) + managed)
    # 5. the session
    now = world.now
    # "IAM users who switch roles in the console are granted the role maximum session duration,
    # or the remaining time in the IAM user's session, whichever is less."
    seconds = min(duration, console_duration) if console_duration is not None else duration
    credentials = _credentials(
        world, f"{role.arn}:{session_name}", now + timedelta(seconds=seconds)
    )
    mfa_at = (
        now if mfa else (caller.mfa_at if via_console and isinstance(caller, UserSession) else None)
    )
    merged_tags = {**inherited, **session_tags}
    transitive = frozenset(list(inherited) + list(transitive_keys))
    return RoleSession(
        world=world,
        role=role,
        caller=caller,
        session_name=session_name,
        credentials=credentials,
        issued_at=now,
        session_policies=session_policies,
        policy_arns=policy_arns,
        tags=merged_tags,
        transitive_tag_keys=transitive,
        source_identity=source_identity,
        mfa_at=mfa_at,
        chained=chained,
        via_console=via_console,
    )


def _denied_message(caller: Caller, action: str, role_arn: str, decision: Decision) -> str:
    from iamsim.explain import explain

    why = explain(decision, decision._policy_set).splitlines()[2].strip()
    return (
        f"User: {caller.arn} is not authorized to perform: {action} on resource: {role_arn} ({why})"
    )


# -- GetSessionToken and GetCallerIdentity ---------------------------------------------------


def get_session_token(
    user: User,
    *,
    serial_number: str | None = None,
    token_code: str | None = None,
    duration_seconds: int = 43200,
) -> UserSession:
    """Temporary credentials for an IAM user, carrying MFA when a code was given.

    Use it to make a user's requests with ``aws:MultiFactorAuthPresent`` set to true.
    https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html

    >>> from datetime import UTC, datetime
    >>> import iamsim
    >>> world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
    >>> account = world.create_account("111122223333")
    >>> alice = account.create_user("alice", mfa=True)
    >>> session = iamsim.get_session_token(alice, serial_number=alice.mfa_serial,
    ...                                    token_code="123456", duration_seconds=3600)
    >>> session.mfa_authenticated, session.expiration.isoformat()
    (True, '2026-01-01T01:00:00+00:00')
    """
    if isinstance(user, RoleSession):
        world = user.world
        error = AccessDenied("Cannot call GetSessionToken with session credentials")
        _event(world, "GetSessionToken", user, {"durationSeconds": duration_seconds}, None, error)
        raise error
    if not isinstance(user, User):
        raise ValidationError(f"{user!r} cannot call GetSessionToken: pass an IAM user")
    world = user.world
    request: dict[str, Any] = {"durationSeconds": duration_seconds}
    if serial_number is not None:
        request["serialNumber"] = serial_number
    try:
        _check_duration(duration_seconds, 900, 129600)
        if serial_number is not None:
            _check(_SERIAL, serial_number, "SerialNumber", "9 to 256 letters, digits and _+=/:,.@-")
        if token_code is not None:
            _check(_TOKEN, token_code, "TokenCode", "six digits")
        if (serial_number is None) != (token_code is None):
            raise ValidationError("SerialNumber and TokenCode go together: give both or neither")
        if serial_number is not None and serial_number != user.mfa_serial:
            raise AccessDenied(
                "MultiFactorAuthentication failed: the serial number is not an "
                "MFA device of the user"
            )
    except IamSimError as error:
        _event(world, "GetSessionToken", user, request, None, error)
        raise
    now = world.now
    credentials = _credentials(world, f"gst:{user.arn}", now + timedelta(seconds=duration_seconds))
    session = UserSession(
        world=world,
        user=user,
        credentials=credentials,
        issued_at=now,
        mfa_at=now if serial_number is not None else None,
    )
    _event(
        world,
        "GetSessionToken",
        user,
        request,
        {
            "credentials": {
                "accessKeyId": credentials.access_key_id,
                "expiration": _iso(credentials.expiration),
            }
        },
        None,
    )
    return session


def get_caller_identity(principal: Any) -> dict[str, str]:
    """``{"Account", "Arn", "UserId"}`` as STS returns them. Needs no permission.

    >>> from datetime import UTC, datetime
    >>> import iamsim
    >>> world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
    >>> account = world.create_account("111122223333")
    >>> alice = account.create_user("alice", mfa=True)
    >>> trust = {"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Allow", "Principal": {"AWS": alice.arn}, "Action": "sts:AssumeRole"}]}
    >>> role = account.create_role("Admin", trust_policy=trust)
    >>> session = iamsim.assume_role(alice, role.arn, session_name="alice")
    >>> iamsim.get_caller_identity(session)["Arn"]
    'arn:aws:sts::111122223333:assumed-role/Admin/alice'
    >>> iamsim.get_caller_identity(alice)["Arn"]
    'arn:aws:iam::111122223333:user/alice'
    """
    if isinstance(principal, RoleSession):
        return {
            "Account": principal.account,
            "Arn": principal.arn,
            "UserId": principal.assumed_role_id,
        }
    if isinstance(principal, UserSession):
        principal = principal.user
    if isinstance(principal, User):
        return {"Account": principal.account.id, "Arn": principal.arn, "UserId": principal.id}
    from iamsim.entities import Account

    if isinstance(principal, Account):
        return {"Account": principal.id, "Arn": principal.arn, "UserId": principal.id}
    raise ValidationError(f"{principal!r} has no credentials to call GetCallerIdentity with")
