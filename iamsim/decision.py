"""What the engine decided, and why — recorded cheaply, explained only when asked.

A :class:`Decision` keeps references to the statements that applied; the explanation text, the
per-policy-type verdicts and the AWS-simulator-shaped dict are built from them on demand, so the
hot path stays light.
"""

from __future__ import annotations

import enum
import html
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from iamsim.compiled import CompiledStatement, PolicyType
from iamsim.request import Request

if TYPE_CHECKING:
    from iamsim.engine import PolicySet

__all__ = ["Decision", "MatchedStatement", "Outcome", "Reason"]


class Outcome(enum.Enum):
    """The three outcomes; ``str()`` gives the AWS policy simulator's words.

    Comparing with these members (or their text) says how a request was refused, which
    ``bool(decision)`` alone does not.

    >>> str(Outcome.EXPLICIT_DENY)
    'explicitDeny'
    >>> Outcome("implicitDeny") is Outcome.IMPLICIT_DENY
    True
    """

    ALLOWED = "allowed"
    EXPLICIT_DENY = "explicitDeny"
    IMPLICIT_DENY = "implicitDeny"

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, text: str) -> Outcome:
        """Read an outcome name in any case (``Allowed``, ``explicitdeny`` ...).

        Test files and the CLI accept outcomes as people type them; this maps them to a member.

        >>> Outcome.parse("ExplicitDeny")
        <Outcome.EXPLICIT_DENY: 'explicitDeny'>
        """
        lowered = str(text).strip().lower()
        for outcome in cls:
            if outcome.value.lower() == lowered:
                return outcome
        raise ValueError(f"`{text}` is not an outcome: use allowed, explicitDeny or implicitDeny")


class Reason(enum.Enum):
    """Which rule of AWS's evaluation logic settled the request."""

    EXPLICIT_DENY = "a Deny statement applies"
    RCP_NO_ALLOW = "no resource control policy at a level allows"
    SCP_NO_ALLOW = "no service control policy at a level allows"
    RESOURCE_POLICY_REQUIRED = "the resource's own policy must allow and does not"
    ROOT_CANNOT_ASSUME = "the root user cannot assume a role"
    CREDENTIALS_EXPIRED = "the caller's temporary credentials have expired"
    TEMPORARY_CREDENTIALS_RESTRICTED = "these temporary credentials cannot call this API"
    RESOURCE_DIRECT = "a resource-based policy names the caller"
    RESOURCE_ROLE = "a resource-based policy names the caller's role"
    RESOURCE_ONLY = "a resource-based policy allows (the caller has no identity policies)"
    IDENTITY = "an identity-based policy allows"
    NO_IDENTITY_ALLOW = "no identity-based policy allows"
    BOUNDARY_NO_ALLOW = "the permissions boundary does not allow"
    SESSION_NO_ALLOW = "the session policy does not allow"
    CROSS_ACCOUNT_NO_RESOURCE_ALLOW = "cross-account: the resource's policy does not allow"
    NO_RESOURCE_ALLOW = "no resource-based policy allows"


_DENY_ALLOW = "reference_policies_evaluation-logic_policy-eval-denyallow.html"
_CROSS_ACCOUNT = "reference_policies_evaluation-logic-cross-account.html"
DOCS = {
    Reason.EXPLICIT_DENY: _DENY_ALLOW,
    Reason.RCP_NO_ALLOW: _DENY_ALLOW,
    Reason.SCP_NO_ALLOW: _DENY_ALLOW,
    Reason.RESOURCE_POLICY_REQUIRED: _DENY_ALLOW,
    Reason.CROSS_ACCOUNT_NO_RESOURCE_ALLOW: _CROSS_ACCOUNT,
}
_DOC_BASE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/"


@attrs.frozen
class MatchedStatement:
    """A statement that applied to the request, and where it lives.

    Plain data (policy type and name, index, Sid, effect, position), so it can be shown or
    compared without the compiled policy.

    >>> from iamsim import PolicySet
    >>> ps = PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
    ...     {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}])
    >>> decision = ps.evaluate("arn:aws:iam::111122223333:user/alice", "s3:GetObject",
    ...                        "arn:aws:s3:::reports/q3.csv")
    >>> statement = decision.matched_statements[0]
    >>> statement.sid, statement.effect, str(statement)
    ('Read', 'Allow', "Allow statement 0 (Sid 'Read') in identity policy 0")
    """

    policy_type: PolicyType
    policy_name: str
    statement_index: int
    sid: str | None
    effect: str
    level: int | None = None
    level_name: str | None = None
    start: tuple[int, int] | None = None
    end: tuple[int, int] | None = None

    @classmethod
    def of(
        cls, compiled: CompiledStatement, policy_set: PolicySet | None = None
    ) -> MatchedStatement:
        """Describe a compiled statement (with its line/column when known).

        >>> from iamsim import PolicySet
        >>> ps = PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
        ...     {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}])
        >>> decision = ps.evaluate("arn:aws:iam::111122223333:user/alice", "s3:GetObject",
        ...                        "arn:aws:s3:::reports/q3.csv")
        >>> MatchedStatement.of(decision.determining_compiled[0]).policy_name
        'identity policy 0'
        """
        source = compiled.source
        span = policy_set.statement_span(compiled) if policy_set is not None else None
        return cls(
            source.type,
            source.name,
            compiled.index,
            compiled.sid,
            compiled.statement.effect,
            source.level,
            source.level_name,
            (span[0], span[1]) if span else None,
            (span[2], span[3]) if span else None,
        )

    def __str__(self) -> str:
        sid = f" (Sid {self.sid!r})" if self.sid else ""
        return f"{self.effect} statement {self.statement_index}{sid} in {self.policy_name}"


class Decision:
    """The outcome of one request, with the statements that determined it.

    ``bool(decision)`` is ``decision.allowed``, so ``if evaluate(...):`` never fails open.

    >>> from iamsim import PolicySet
    >>> ps = PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
    ...     {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}])
    >>> decision = ps.evaluate("arn:aws:iam::111122223333:user/alice", "s3:GetObject",
    ...                        "arn:aws:s3:::reports/q3.csv")
    >>> bool(decision), decision.outcome
    (True, <Outcome.ALLOWED: 'allowed'>)
    """

    __slots__ = (
        "_policy_set",
        "determining_compiled",
        "level",
        "matched_compiled",
        "missing_context_keys",
        "outcome",
        "reason",
        "request",
        "unreadable_context_keys",
    )

    def __init__(
        self,
        outcome: Outcome,
        reason: Reason,
        request: Request,
        policy_set: PolicySet,
        determining: tuple[CompiledStatement, ...],
        matched: tuple[CompiledStatement, ...],
        missing: tuple[str, ...],
        unreadable: tuple[str, ...] = (),
        level: int | None = None,
    ) -> None:
        self.outcome = outcome
        self.reason = reason
        self.request = request
        self._policy_set = policy_set
        self.determining_compiled = determining
        self.matched_compiled = matched
        self.missing_context_keys = tuple(dict.fromkeys(missing)) if missing else ()
        self.unreadable_context_keys = tuple(dict.fromkeys(unreadable)) if unreadable else ()
        self.level = level

    @property
    def notes(self) -> tuple[str, ...]:
        """Assumptions the engine made (e.g. the resource's account) and policy types that did
        not apply to this request.

        They flag where the answer rests on a guess, such as an S3 ARN that names no account.

        >>> from iamsim import PolicySet
        >>> ps = PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
        ...     {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}])
        >>> decision = ps.evaluate("arn:aws:iam::111122223333:user/alice", "s3:GetObject",
        ...                        "arn:aws:s3:::reports/q3.csv")
        >>> "the resource ARN names no account" in decision.notes[0]
        True
        """
        from iamsim.engine import notes_for

        return notes_for(self._policy_set, self.request)

    @property
    def allowed(self) -> bool:
        """Whether AWS would allow the request.

        >>> from iamsim import PolicySet
        >>> ps = PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
        ...     {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}])
        >>> decision = ps.evaluate("arn:aws:iam::111122223333:user/alice", "s3:GetObject",
        ...                        "arn:aws:s3:::reports/q3.csv")
        >>> decision.allowed
        True
        """
        return self.outcome is Outcome.ALLOWED

    def __bool__(self) -> bool:
        return self.outcome is Outcome.ALLOWED

    def __repr__(self) -> str:
        return (
            f"<Decision {self.outcome} {self.request.action} on {self.request.resource} "
            f"by {self.request.principal.arn}>"
        )

    @property
    def determining_statements(self) -> tuple[MatchedStatement, ...]:
        """The statements that settled the outcome (the Denies, or the Allows that were needed).

        >>> from iamsim import PolicySet
        >>> ps = PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
        ...     {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}])
        >>> decision = ps.evaluate("arn:aws:iam::111122223333:user/alice", "s3:GetObject",
        ...                        "arn:aws:s3:::reports/q3.csv")
        >>> [str(s) for s in decision.determining_statements]
        ["Allow statement 0 (Sid 'Read') in identity policy 0"]
        """
        return tuple(MatchedStatement.of(s, self._policy_set) for s in self.determining_compiled)

    @property
    def matched_statements(self) -> tuple[MatchedStatement, ...]:
        """Every statement whose action, resource, principal and condition matched.

        It can hold more than :attr:`determining_statements`: an Allow that was not needed still
        matched.

        >>> from iamsim import PolicySet
        >>> ps = PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
        ...     {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}])
        >>> decision = ps.evaluate("arn:aws:iam::111122223333:user/alice", "s3:GetObject",
        ...                        "arn:aws:s3:::reports/q3.csv")
        >>> [s.sid for s in decision.matched_statements]
        ['Read']
        """
        return tuple(MatchedStatement.of(s, self._policy_set) for s in self.matched_compiled)

    @property
    def verdicts(self) -> Mapping[str, str]:
        """Per policy type present: ``allowed``, ``explicitDeny``, ``implicitDeny`` or
        ``notApplicable`` (e.g. RCPs for a service they do not cover).

        It shows which policy type refused when several take part.

        >>> from iamsim import PolicySet
        >>> ps = PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
        ...     {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}])
        >>> decision = ps.evaluate("arn:aws:iam::111122223333:user/alice", "s3:GetObject",
        ...                        "arn:aws:s3:::reports/q3.csv")
        >>> dict(decision.verdicts)
        {'identity': 'allowed'}
        """
        return self._policy_set.verdicts(self)

    def explain(self) -> str:
        """A text a person can act on: the outcome, what decided it, and what was missing.

        >>> from iamsim import PolicySet
        >>> ps = PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
        ...     {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}])
        >>> decision = ps.evaluate("arn:aws:iam::111122223333:user/alice", "s3:GetObject",
        ...                        "arn:aws:s3:::reports/q3.csv")
        >>> decision.explain().splitlines()[0]
        'allowed: s3:GetObject on arn:aws:s3:::reports/q3.csv'
        """
        from iamsim.explain import explain

        return explain(self, self._policy_set)

    def to_dict(self) -> dict[str, Any]:
        """The shape of the AWS policy simulator's ``EvaluationResult``.

        Lets results be compared with, or stored like, ``aws iam simulate-custom-policy`` output.

        >>> from iamsim import PolicySet
        >>> ps = PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
        ...     {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}])
        >>> decision = ps.evaluate("arn:aws:iam::111122223333:user/alice", "s3:GetObject",
        ...                        "arn:aws:s3:::reports/q3.csv")
        >>> result = decision.to_dict()
        >>> result["EvalDecision"], result["MatchedStatements"][0]["Sid"]
        ('allowed', 'Read')
        """
        from iamsim.explain import to_evaluation_result

        return to_evaluation_result(self, self._policy_set)

    def _repr_html_(self) -> str:
        from iamsim.explain import to_html

        return to_html(self, self._policy_set)

    def _repr_markdown_(self) -> str:
        return "```\n" + self.explain() + "\n```"


def escape(text: object) -> str:
    """HTML-escape any value's text."""
    return html.escape(str(text), quote=True)
