"""The AWS Management Console's sign-in and Switch Role, with the links administrators send.

In the console one identity is active at a time. Switching to a role authorizes with the
signed-in user's own credentials (even from inside another role), cannot pass an external ID or
session tags, and suspends the user's permissions until "Switch back".
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-console.html
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import attrs

from iamsim.entities import Role, User
from iamsim.errors import IamSimError, ValidationError
from iamsim.sts import RoleSession, UserSession, _assume, _credentials, _event

if TYPE_CHECKING:
    from iamsim.decision import Decision

__all__ = [
    "ConsoleSession",
    "SwitchRoleLink",
    "parse_switch_role_url",
    "sign_in",
    "switch_role_url",
]

SIGNIN = "https://signin.aws.amazon.com/switchrole"
CONSOLE_SESSION = timedelta(hours=12)
HISTORY_SIZE = 5
_ROLE_NAME = re.compile(r"([\w+=,.@-]+/)*[\w+=,.@-]+")
_ALIAS = re.compile(r"[a-z0-9](-?[a-z0-9])*")


def _is_alias(text: str) -> bool:
    """An account alias: 3 to 63 lowercase letters, digits and hyphens, not only digits."""
    return bool(_ALIAS.fullmatch(text)) and 3 <= len(text) <= 63 and not text.isdigit()


@attrs.frozen
class SwitchRoleLink:
    """What a Switch Role link pre-fills: the account, the role (with its path) and the name
    shown in the console.

    >>> parse_switch_role_url("https://signin.aws.amazon.com/switchrole"
    ...                       "?roleName=ops/Admin&account=111122223333")
    SwitchRoleLink(account='111122223333', role_name='ops/Admin', display_name=None)
    """

    account: str
    role_name: str
    display_name: str | None = None


@attrs.frozen
class HistoryEntry:
    """A role the console remembers having switched to."""

    account: str
    role_name: str
    display_name: str


class ConsoleSession:
    """A signed-in console: ``active`` is the user, or the role switched to.

    One identity at a time, as in the console: switching suspends the user's own permissions.

    >>> from datetime import UTC, datetime
    >>> import iamsim
    >>> world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
    >>> account = world.create_account("111122223333", alias="dev")
    >>> alice = account.create_user("alice", mfa=True)
    >>> trust = {"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Allow", "Principal": {"AWS": alice.arn}, "Action": "sts:AssumeRole"}]}
    >>> role = account.create_role("Admin", trust_policy=trust, path="/ops/")
    >>> console = iamsim.sign_in(alice, mfa=True)
    >>> console.switch_role("dev", "ops/Admin").arn
    'arn:aws:sts::111122223333:assumed-role/Admin/alice'
    >>> console.display_name
    'Admin @ dev'
    """

    def __init__(self, user: User, identity: UserSession) -> None:
        self.user = user
        self._identity = identity
        self._role: RoleSession | None = None
        self._display: str | None = None
        self.history: list[HistoryEntry] = []

    @property
    def world(self) -> Any:
        """The world the user lives in.

        >>> from datetime import UTC, datetime
        >>> import iamsim
        >>> world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333", alias="dev")
        >>> alice = account.create_user("alice", mfa=True)
        >>> trust = {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"AWS": alice.arn}, "Action": "sts:AssumeRole"}]}
        >>> role = account.create_role("Admin", trust_policy=trust, path="/ops/")
        >>> console = iamsim.sign_in(alice, mfa=True)
        >>> console.world is world
        True
        """
        return self.user.world

    @property
    def active(self) -> UserSession | RoleSession:
        """The principal in use: the role session while switched, else the signed-in user.

        >>> from datetime import UTC, datetime
        >>> import iamsim
        >>> world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333", alias="dev")
        >>> alice = account.create_user("alice", mfa=True)
        >>> trust = {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"AWS": alice.arn}, "Action": "sts:AssumeRole"}]}
        >>> role = account.create_role("Admin", trust_policy=trust, path="/ops/")
        >>> console = iamsim.sign_in(alice, mfa=True)
        >>> console.active.arn
        'arn:aws:iam::111122223333:user/alice'
        >>> _ = console.switch_role("111122223333", "ops/Admin")
        >>> console.active.arn
        'arn:aws:sts::111122223333:assumed-role/Admin/alice'
        """
        return self._role if self._role is not None else self._identity

    @property
    def display_name(self) -> str:
        """What the console shows in its navigation bar.

        >>> from datetime import UTC, datetime
        >>> import iamsim
        >>> world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333", alias="dev")
        >>> alice = account.create_user("alice", mfa=True)
        >>> trust = {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"AWS": alice.arn}, "Action": "sts:AssumeRole"}]}
        >>> role = account.create_role("Admin", trust_policy=trust, path="/ops/")
        >>> console = iamsim.sign_in(alice, mfa=True)
        >>> console.display_name
        'alice @ dev'
        >>> _ = console.switch_role("dev", "ops/Admin", display_name="Production admin")
        >>> console.display_name
        'Production admin'
        """
        if self._role is None:
            return f"{self.user.name} @ {self.user.account.alias or self.user.account.id}"
        return self._display or ""

    @property
    def mfa(self) -> bool:
        """Whether the user signed in with MFA.

        >>> from datetime import UTC, datetime
        >>> import iamsim
        >>> world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333", alias="dev")
        >>> alice = account.create_user("alice", mfa=True)
        >>> trust = {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"AWS": alice.arn}, "Action": "sts:AssumeRole"}]}
        >>> role = account.create_role("Admin", trust_policy=trust, path="/ops/")
        >>> console = iamsim.sign_in(alice, mfa=True)
        >>> console.mfa
        True
        """
        return self._identity.mfa_at is not None

    def switch_role(
        self, account_id_or_alias: str, role_name: str, display_name: str | None = None
    ) -> RoleSession:
        """Switch to a role: authorized with the user's own credentials, no external ID.

        The user's own permissions are suspended until :meth:`exit_role`.

        >>> from datetime import UTC, datetime
        >>> import iamsim
        >>> world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333", alias="dev")
        >>> alice = account.create_user("alice", mfa=True)
        >>> trust = {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"AWS": alice.arn}, "Action": "sts:AssumeRole"}]}
        >>> role = account.create_role("Admin", trust_policy=trust, path="/ops/")
        >>> console = iamsim.sign_in(alice, mfa=True)
        >>> session = console.switch_role("dev", "ops/Admin")
        >>> session.via_console, console.active is session
        (True, True)
        """
        world = self.user.world
        identity = self._identity
        role_arn = "?"
        request: dict[str, Any] = {"account": account_id_or_alias, "roleName": role_name}
        try:
            if (
                not isinstance(role_name, str)
                or not _ROLE_NAME.fullmatch(role_name)
                or len(role_name) > 64
            ):
                raise ValidationError(f"`{role_name}` is not a role name (path/name, 64 at most)")
            account = world.account(account_id_or_alias)
            path, _, name = role_name.rpartition("/")
            role_arn = f"arn:aws:iam::{account.id}:role/{path + '/' if path else ''}{name}"
            remaining = int((identity.expiration - world.now).total_seconds())
            if remaining <= 0:
                raise ValidationError(
                    "the console session has expired: sign in again", code="ExpiredTokenException"
                )
            session = _assume(
                world,
                identity,
                role_arn,
                self.user.name,
                3600,
                None,
                None,
                None,
                None,
                (),
                None,
                (),
                None,
                via_console=True,
                console_duration=remaining,
            )
        except IamSimError as error:
            _event(
                world, "SwitchRole", identity, request, None, error, source="signin.amazonaws.com"
            )
            raise
        shown = display_name or f"{name} @ {account.alias or account.id}"
        self._role, self._display = session, shown
        entry = HistoryEntry(account.id, role_name, shown)
        others = [h for h in self.history if (h.account, h.role_name) != (entry.account, role_name)]
        self.history = [entry, *others[: HISTORY_SIZE - 1]]
        _event(
            world,
            "SwitchRole",
            identity,
            {**request, "roleArn": role_arn},
            {"SwitchRole": "Success", "assumedRoleUser": {"arn": session.arn}},
            None,
            source="signin.amazonaws.com",
            additional={"SwitchFrom": self.user.arn, "SwitchTo": session.arn},
        )
        return session

    def exit_role(self) -> UserSession:
        """Switch back: the user's own permissions are in force again.

        >>> from datetime import UTC, datetime
        >>> import iamsim
        >>> world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333", alias="dev")
        >>> alice = account.create_user("alice", mfa=True)
        >>> trust = {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Principal": {"AWS": alice.arn}, "Action": "sts:AssumeRole"}]}
        >>> role = account.create_role("Admin", trust_policy=trust, path="/ops/")
        >>> console = iamsim.sign_in(alice, mfa=True)
        >>> _ = console.switch_role("dev", "ops/Admin")
        >>> console.exit_role().arn
        'arn:aws:iam::111122223333:user/alice'
        >>> console.display_name
        'alice @ dev'
        """
        if self._role is None:
            raise ValidationError("the console is not in a role")
        world = self.user.world
        left = self._role
        self._role = self._display = None
        _event(
            world,
            "ExitRole",
            self._identity,
            {"roleArn": left.role.arn},
            {"ExitRole": "Success"},
            None,
            source="signin.amazonaws.com",
        )
        return self._identity

    def evaluate(
        self, action: str, resource: str, context: Mapping[str, Any] | None = None
    ) -> Decision:
        """Decide a request made by the active identity.

        >>> from datetime import UTC, datetime
        >>> import iamsim
        >>> world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
        >>> account = world.create_account("111122223333", alias="dev")
        >>> alice = account.create_user("alice", mfa=True)
        >>> alice.put_policy("read", {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
        >>> iamsim.sign_in(alice).evaluate("s3:GetObject", "arn:aws:s3:::docs/a.txt").allowed
        True
        """
        from iamsim.gather import evaluate

        return evaluate(self.active, action, resource, context)

    def __repr__(self) -> str:
        return f"<ConsoleSession {self.display_name}>"


def sign_in(user: User, mfa: bool = False) -> ConsoleSession:
    """Sign in to the console as an IAM user (with MFA when ``mfa=True``; the user needs a device).

    Console sessions of IAM users carry ``aws:MultiFactorAuthPresent`` (false without MFA).

    >>> from datetime import UTC, datetime
    >>> import iamsim
    >>> world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
    >>> account = world.create_account("111122223333", alias="dev")
    >>> alice = account.create_user("alice", mfa=True)
    >>> console = iamsim.sign_in(alice, mfa=True)
    >>> console.display_name, console.mfa
    ('alice @ dev', True)
    """
    if not isinstance(user, User):
        raise ValidationError(f"{user!r} cannot sign in: pass an IAM user")
    world = user.world
    if mfa and user.mfa_serial is None:
        raise ValidationError(f"user {user.name} has no MFA device to sign in with")
    now = world.now
    credentials = _credentials(world, f"console:{user.arn}", now + CONSOLE_SESSION)
    identity = UserSession(
        world=world,
        user=user,
        credentials=credentials,
        issued_at=now,
        mfa_at=now if mfa else None,
        via_console=True,
    )
    _event(
        world,
        "ConsoleLogin",
        user,
        {},
        {"ConsoleLogin": "Success"},
        None,
        source="signin.amazonaws.com",
    )
    return ConsoleSession(user, identity)


def switch_role_url(role: Role, display_name: str | None = None) -> str:
    """The link that opens the console's Switch Role page pre-filled for ``role``.

    Administrators send it so users need not type the account and role.

    >>> from datetime import UTC, datetime
    >>> import iamsim
    >>> world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
    >>> account = world.create_account("111122223333", alias="dev")
    >>> alice = account.create_user("alice", mfa=True)
    >>> trust = {"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Allow", "Principal": {"AWS": alice.arn}, "Action": "sts:AssumeRole"}]}
    >>> role = account.create_role("Admin", trust_policy=trust, path="/ops/")
    >>> iamsim.switch_role_url(role, "Admin")
    'https://signin.aws.amazon.com/switchrole?roleName=ops%2FAdmin&account=111122223333&displayName=Admin'
    """
    if not isinstance(role, Role):
        raise ValidationError(f"{role!r} is not a role")
    role_name = role.path.strip("/") + "/" + role.name if role.path != "/" else role.name
    params = {"roleName": role_name, "account": role.account.id}
    if display_name is not None:
        params["displayName"] = display_name
    return f"{SIGNIN}?{urllib.parse.urlencode(params, quote_via=urllib.parse.quote)}"


def parse_switch_role_url(url: str) -> SwitchRoleLink:
    """Read a Switch Role link back; raises :class:`~iamsim.ValidationError` on a malformed one.

    >>> link = parse_switch_role_url("https://signin.aws.amazon.com/switchrole"
    ...                              "?roleName=Admin&account=111122223333&displayName=Prod")
    >>> link.account, link.role_name, link.display_name
    ('111122223333', 'Admin', 'Prod')
    >>> try:
    ...     parse_switch_role_url("https://example.com/switchrole?roleName=Admin")
    ... except ValidationError as e:
    ...     print(e.code)
    ValidationError
    """
    if not isinstance(url, str):
        raise ValidationError("a Switch Role link must be a string")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "https" or parts.netloc != "signin.aws.amazon.com":
        raise ValidationError(f"`{url}` is not a signin.aws.amazon.com link")
    if parts.path.rstrip("/") != "/switchrole":
        raise ValidationError(f"`{url}` does not open the Switch Role page (/switchrole)")
    query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
    for key, values in query.items():
        if len(values) > 1:
            raise ValidationError(f"the link gives `{key}` more than once")
    account = (query.get("account") or [""])[0]
    role_name = (query.get("roleName") or [""])[0]
    display = query.get("displayName", [None])[0]
    if not account:
        raise ValidationError("the link has no account")
    if not (re.fullmatch(r"\d{12}", account) or _is_alias(account)):
        raise ValidationError(f"`{account}` is not an account ID (12 digits) or alias")
    if not role_name or not _ROLE_NAME.fullmatch(role_name) or len(role_name) > 64:
        raise ValidationError(
            f"`{role_name}` is not a role name (path/name, 64 characters at most)"
        )
    return SwitchRoleLink(account, role_name, display)
