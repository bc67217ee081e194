"""Who makes a request, and how a ``Principal`` element matches them.

A request principal is an IAM user, a role session (or a role named directly, standing for one of
its sessions), an account root user, a federated-user session, an AWS service or an anonymous
caller. Matching a resource policy's ``Principal`` against it also says *how* it matched, because
AWS treats the grant differently in the same account: naming the account only delegates, naming the
role is capped by the session's boundary and session policy, naming the user or the session itself
(or ``"*"``) is not.
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
"""

from __future__ import annotations

import enum
import re
from functools import lru_cache

import attrs

from iamsim.arn import is_account_id
from iamsim.errors import ValidationError
from iamsim.policy import Principal

__all__ = ["Grant", "PrincipalKind", "PrincipalMatcher", "RequestPrincipal"]


class PrincipalKind(enum.StrEnum):
    """The kinds of caller AWS distinguishes (``aws:PrincipalType`` values where it has one)."""

    USER = "User"
    ROLE_SESSION = "AssumedRole"
    ROLE = "Role"
    ROOT = "Account"
    FEDERATED_USER = "FederatedUser"
    SERVICE = "Service"
    ANONYMOUS = "Anonymous"


class Grant(enum.IntEnum):
    """How a ``Principal`` matched the caller, most direct last."""

    ACCOUNT = 1  # the caller's account: delegation to its identity policies
    ROLE = 2  # the role a session belongs to
    DIRECT = 3  # the user, the session, the service, or "*"


_SESSION = re.compile(r"arn:([a-z-]+):sts::(\d{12}):assumed-role/([^/]+)/(.+)")
_FEDERATED = re.compile(r"arn:([a-z-]+):sts::(\d{12}):federated-user/(.+)")
_IAM = re.compile(r"arn:([a-z-]+):iam::(\d{12}):(root|user/.+|role/.+)")


@attrs.frozen
class RequestPrincipal:
    """The caller of a request, as the engine needs it.

    ``role_arn`` is the IAM role ARN (with its path) of a role session; ``has_boundary`` matters
    to ``NotPrincipal`` (a Deny with NotPrincipal always applies to a principal with a boundary).
    """

    arn: str
    kind: PrincipalKind
    account: str | None
    role_arn: str | None = None
    has_boundary: bool = False

    @classmethod
    def parse(
        cls, text: str, *, role_arn: str | None = None, has_boundary: bool = False
    ) -> RequestPrincipal:
        """Read a caller from its ARN (memoised: callers repeat)."""
        if not isinstance(text, str) or not isinstance(role_arn, str | None):
            raise ValidationError(f"a principal must be an ARN, not `{text!r}`")
        return _parse_principal(text, role_arn, has_boundary)

    @classmethod
    def _parse(
        cls, text: str, *, role_arn: str | None = None, has_boundary: bool = False
    ) -> RequestPrincipal:
        """Read a caller from its ARN (or a service principal name, or ``anonymous``).

        For a role session, ``role_arn`` (the request's ``aws:PrincipalArn``) gives the role's
        path; without it the role is taken to have none.
        """
        if not isinstance(text, str) or not text:
            raise ValidationError(f"a principal must be an ARN, not `{text!r}`")
        if text in ("*", "anonymous"):
            return cls("anonymous", PrincipalKind.ANONYMOUS, None)
        if match := _SESSION.fullmatch(text):
            partition, account, role, _ = match.groups()
            derived = f"arn:{partition}:iam::{account}:role/{role}"
            if role_arn is not None and not (role_arn == derived or role_arn.endswith(f"/{role}")):
                raise ValidationError(
                    f"aws:PrincipalArn `{role_arn}` is not the role of session `{text}`"
                )
            return cls(text, PrincipalKind.ROLE_SESSION, account, role_arn or derived, has_boundary)
        if match := _FEDERATED.fullmatch(text):
            return cls(text, PrincipalKind.FEDERATED_USER, match.group(2), None, has_boundary)
        if match := _IAM.fullmatch(text):
            _, account, rest = match.groups()
            if rest == "root":
                return cls(text, PrincipalKind.ROOT, account)
            if rest.startswith("role/"):
                return cls(text, PrincipalKind.ROLE, account, text, has_boundary)
            return cls(text, PrincipalKind.USER, account, None, has_boundary)
        if is_account_id(text):
            return cls(f"arn:aws:iam::{text}:root", PrincipalKind.ROOT, text)
        if re.fullmatch(r"[a-z0-9.-]+\.amazonaws\.com(\.cn)?", text):
            return cls(text, PrincipalKind.SERVICE, None)
        raise ValidationError(
            f"`{text}` is not a principal: use a user, role, assumed-role, federated-user or root "
            "ARN, a service principal such as sns.amazonaws.com, or anonymous"
        )

    @property
    def is_session(self) -> bool:
        """Whether the caller uses a role's temporary credentials."""
        return self.kind in (PrincipalKind.ROLE_SESSION, PrincipalKind.ROLE)

    @property
    def has_identity_policies(self) -> bool:
        """Services and anonymous callers have no identity side to evaluate."""
        return self.kind not in (PrincipalKind.SERVICE, PrincipalKind.ANONYMOUS)


@lru_cache(maxsize=4096)
def _parse_principal(text: str, role_arn: str | None, has_boundary: bool) -> RequestPrincipal:
    return RequestPrincipal._parse(text, role_arn=role_arn, has_boundary=has_boundary)


def _account_of(ident: str) -> str | None:
    if is_account_id(ident):
        return ident
    match = re.fullmatch(r"arn:[a-z-]+:iam::(\d{12}):root", ident)
    return match.group(1) if match else None


@attrs.frozen
class PrincipalMatcher:
    """A ``Principal``/``NotPrincipal`` element compiled into sets for matching."""

    everyone: bool
    accounts: frozenset[str]
    arns: frozenset[str]
    services: frozenset[str]
    others: frozenset[str]  # federated providers and canonical users: matched exactly

    @classmethod
    def compile(cls, element: Principal) -> PrincipalMatcher:
        """Compile one element."""
        aws = element.ids("AWS")
        everyone = element.everyone or "*" in aws
        accounts = frozenset(a for a in map(_account_of, aws) if a is not None)
        arns = frozenset(a for a in aws if a != "*" and _account_of(a) is None)
        services = element.ids("Service")
        return cls(
            everyone or "*" in services,
            accounts,
            arns,
            frozenset(s.lower() for s in services),
            frozenset(element.ids("Federated") + element.ids("CanonicalUser")),
        )

    def grant(self, caller: RequestPrincipal) -> Grant | None:
        """How this element matches ``caller`` (the most direct way), or None."""
        if self.everyone:
            return Grant.DIRECT
        kind = caller.kind
        if kind is PrincipalKind.SERVICE:
            return Grant.DIRECT if caller.arn.lower() in self.services else None
        if kind is PrincipalKind.ANONYMOUS:
            return None
        if caller.arn in self.arns and kind is not PrincipalKind.ROLE:
            return Grant.DIRECT
        if caller.role_arn is not None and caller.role_arn in self.arns:
            return Grant.ROLE
        if caller.account in self.accounts:
            return Grant.ACCOUNT
        return None

    def excludes(self, caller: RequestPrincipal) -> bool:
        """Whether a ``NotPrincipal`` element spares ``caller``.

        AWS checks the account, then the role, then the session: a caller escapes only when
        every one of them is listed (the account ARN and, for a session, the role ARN too).
        https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
        """
        if self.everyone:
            return True
        kind = caller.kind
        if kind is PrincipalKind.SERVICE:
            return caller.arn.lower() in self.services
        if kind is PrincipalKind.ANONYMOUS or caller.account not in self.accounts:
            return False
        if kind is PrincipalKind.ROOT:
            return True
        if caller.role_arn is not None and caller.role_arn not in self.arns:
            return False
        return kind is PrincipalKind.ROLE or caller.arn in self.arns
