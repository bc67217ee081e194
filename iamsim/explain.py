"""Turning a Decision into words, an AWS-simulator-shaped dict, or HTML — only when asked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from iamsim.compiled import CompiledStatement, PolicyType
from iamsim.conditions import KeyTest, Scratch
from iamsim.decision import DOCS, Decision, MatchedStatement, Outcome, Reason, escape
from iamsim.principals import PrincipalKind

if TYPE_CHECKING:
    from iamsim.engine import PolicySet

__all__ = ["explain", "near_misses", "to_evaluation_result", "to_html"]

_DOC_BASE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/"

_AWS_TYPES = {
    PolicyType.IDENTITY: "IAM Policy",
    PolicyType.RESOURCE: "Resource Policy",
    PolicyType.BOUNDARY: "Permissions Boundary Policy",
    PolicyType.SESSION: "Session Policy",
    PolicyType.SCP: "Organizations SCP",
    PolicyType.RCP: "Organizations RCP",
}


def _why(decision: Decision, policy_set: PolicySet) -> str:
    request = decision.request
    reason = decision.reason
    where = "in the same account" if request.same_account else "across accounts"
    if reason is Reason.EXPLICIT_DENY:
        return "a Deny statement applies, and an explicit deny overrides every Allow"
    if reason in (Reason.SCP_NO_ALLOW, Reason.RCP_NO_ALLOW):
        levels = policy_set.scps if reason is Reason.SCP_NO_ALLOW else policy_set.rcps
        kind = "SCP" if reason is Reason.SCP_NO_ALLOW else "RCP"
        name = (
            levels[decision.level][0].source.level_name
            if decision.level is not None and levels[decision.level]
            else f"level {decision.level}"
        )
        return (
            f"no {kind} attached at {name} allows the action; every level of the organization "
            f"(root, each OU, the account) must allow it"
        )
    if reason is Reason.RESOURCE_POLICY_REQUIRED:
        what = "role's trust policy" if request.service == "sts" else "key policy"
        return (
            f"the {what} does not allow the caller; for this resource an identity-based Allow "
            f"is never enough, the resource's own policy must allow the caller"
        )
    if reason is Reason.CREDENTIALS_EXPIRED:
        return (
            "the caller's temporary credentials have expired (ExpiredToken); no policy is "
            "consulted for a request signed with them"
        )
    if reason is Reason.TEMPORARY_CREDENTIALS_RESTRICTED:
        return (
            "credentials from GetSessionToken cannot call IAM operations unless MFA was used, "
            "nor STS operations other than AssumeRole and GetCallerIdentity"
        )
    if reason is Reason.ROOT_CANNOT_ASSUME:
        return (
            "the root user's credentials cannot call AssumeRole; use an IAM user or role "
            "(https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html)"
        )
    if reason is Reason.RESOURCE_DIRECT:
        return (
            f"a resource-based policy names the caller ({where}); such a grant does not need "
            f"an identity-based Allow"
        )
    if reason is Reason.RESOURCE_ROLE:
        return (
            "a resource-based policy names the caller's role; the grant goes to the role's "
            "sessions, within their permissions boundary and session policy"
        )
    if reason is Reason.RESOURCE_ONLY:
        return "a resource-based policy allows the caller, who has no identity-based policies"
    if reason is Reason.IDENTITY:
        if request.same_account:
            return "an identity-based policy allows, and nothing that limits it refuses"
        return (
            "cross-account: the caller's identity-based policy and the resource's policy both allow"
        )
    if reason is Reason.NO_IDENTITY_ALLOW:
        if request.same_account:
            return (
                "no identity-based policy allows the action on this resource, and no "
                "resource-based policy names the caller"
            )
        return (
            "no identity-based policy allows the action on this resource; across accounts "
            "the caller's own account must allow the request too"
        )
    if reason is Reason.BOUNDARY_NO_ALLOW:
        return (
            "the permissions boundary does not allow the action; a boundary sets the most an "
            "identity-based policy can grant"
        )
    if reason is Reason.SESSION_NO_ALLOW:
        return (
            "the session policy does not allow the action; a session policy caps what the "
            "role's policies grant"
        )
    if reason is Reason.CROSS_ACCOUNT_NO_RESOURCE_ALLOW:
        return (
            f"cross-account request (caller in {request.principal.account}, resource in "
            f"{request.resource_account}): the resource's account must allow it too, and no "
            f"resource-based policy does"
        )
    return "no resource-based policy allows the caller"


def _fix(decision: Decision) -> str | None:
    reason = decision.reason
    request = decision.request
    action, resource = request.action, request.resource
    if reason is Reason.EXPLICIT_DENY:
        return "remove or narrow the Deny statement(s) above, or change the request they match"
    if reason is Reason.NO_IDENTITY_ALLOW:
        return (
            f"add an Allow for `{action}` on `{resource}` to an identity-based policy of the caller"
        )
    if reason is Reason.BOUNDARY_NO_ALLOW:
        return f"allow `{action}` in the permissions boundary as well"
    if reason is Reason.SESSION_NO_ALLOW:
        return f"allow `{action}` in the session policy passed when the role was assumed"
    if reason is Reason.CROSS_ACCOUNT_NO_RESOURCE_ALLOW:
        return (
            f"add a statement to the resource's policy in account {request.resource_account} "
            f"that allows `{action}` for the caller or its account"
        )
    if reason in (Reason.SCP_NO_ALLOW, Reason.RCP_NO_ALLOW):
        return (
            "allow the action in a policy attached at that level (e.g. keep FullAWSAccess attached)"
        )
    if reason is Reason.RESOURCE_POLICY_REQUIRED:
        return "add the caller (or its account, with an identity Allow) to the resource's policy"
    return None


def _values(test: KeyTest) -> str:
    values = test.clause.values
    return repr(values if isinstance(values, str) else list(values))


def _describe_test(test: KeyTest, decision: Decision) -> str:
    raw = decision.request.context.get(test.key)
    if raw is None:
        return (
            f"{test.clause.operator} {test.clause.key} {_values(test)}: the request lacks the key"
        )
    got = repr(raw if isinstance(raw, str) else list(raw))
    return f"{test.clause.operator} {test.clause.key} {_values(test)}: request has {got}"


def near_misses(decision: Decision, policy_set: PolicySet) -> list[str]:
    """Allow statements whose action, resource and principal matched but not their condition."""
    request = decision.request
    out = []
    for slot in policy_set.candidates(request.action_lower):
        for statement in slot:
            if (
                not statement.allow
                or statement in decision.matched_compiled
                or statement.condition is None
            ):
                continue
            if not statement.matches_resource(request.resource, request.context):
                continue
            if (
                statement.principal is not None
                and statement.principal.grant(request.principal) is None
            ):
                continue
            failing = [
                t
                for t in statement.condition.tests
                if not t.evaluate(request.context, Scratch(), not statement.allow)
            ]
            if failing:
                described = "; ".join(_describe_test(t, decision) for t in failing)
                out.append(
                    f"{MatchedStatement.of(statement, policy_set)}: condition not met — {described}"
                )
    return out


def explain(decision: Decision, policy_set: PolicySet) -> str:
    """The explanation text of a decision."""
    request = decision.request
    lines = [
        f"{decision.outcome}: {request.action} on {request.resource}",
        f"  caller: {request.principal.arn}"
        + (
            f" (role {request.principal.role_arn})"
            if request.principal.kind is PrincipalKind.ROLE_SESSION
            else ""
        ),
        f"  why: {_why(decision, policy_set)}",
    ]
    determining = decision.determining_statements
    guardrails = (PolicyType.SCP, PolicyType.RCP)
    shown = [s for s in determining if s.effect == "Deny" or s.policy_type not in guardrails]
    if shown:
        lines.append("  decided by:")
        lines += [f"    - {s}" + _position(s) for s in shown]
    for policy_type, label in ((PolicyType.SCP, "SCP"), (PolicyType.RCP, "RCP")):
        allows = [s for s in determining if s.policy_type is policy_type and s.effect == "Allow"]
        if allows:
            levels = dict.fromkeys(s.policy_name for s in allows)
            lines.append(f"  every {label} level allows: " + "; ".join(levels))
    consulted = decision.reason not in (
        Reason.CREDENTIALS_EXPIRED,
        Reason.TEMPORARY_CREDENTIALS_RESTRICTED,
    )
    verdicts = decision.verdicts if consulted else {}
    if verdicts:
        lines.append("  policy types: " + ", ".join(f"{k} {v}" for k, v in verdicts.items()))
    if decision.outcome is not Outcome.ALLOWED and consulted:
        misses = near_misses(decision, policy_set)
        if misses:
            lines.append("  statements that did not apply because of their conditions:")
            lines += [f"    - {m}" for m in misses]
    if decision.missing_context_keys:
        lines.append(
            "  context keys that conditions asked for and the request lacks: "
            + ", ".join(decision.missing_context_keys)
        )
    if decision.unreadable_context_keys:
        lines.append(
            "  context values that could not be read as the operator's type (treated "
            "toward denial): " + ", ".join(decision.unreadable_context_keys)
        )
    lines += [f"  note: {n}" for n in decision.notes]
    fix = _fix(decision)
    if fix:
        lines.append(f"  to allow it: {fix}")
    page = DOCS.get(decision.reason, "reference_policies_evaluation-logic.html")
    lines.append(f"  see: {_DOC_BASE}{page}")
    return "\n".join(lines)


def _position(statement: MatchedStatement) -> str:
    if statement.start is None or statement.end is None:
        return ""
    return (
        f" [line {statement.start[0]}:{statement.start[1]}-{statement.end[0]}:{statement.end[1]}]"
    )


def to_evaluation_result(decision: Decision, policy_set: PolicySet) -> dict[str, Any]:
    """The AWS policy simulator's ``EvaluationResult`` shape."""
    request = decision.request
    matched = []
    for statement in decision.matched_statements:
        entry: dict[str, Any] = {
            "SourcePolicyId": statement.policy_name,
            "SourcePolicyType": _AWS_TYPES[statement.policy_type],
            "StatementIndex": statement.statement_index,
            "Effect": statement.effect,
        }
        if statement.sid:
            entry["Sid"] = statement.sid
        if statement.start and statement.end:
            entry["StartPosition"] = {"Line": statement.start[0], "Column": statement.start[1]}
            entry["EndPosition"] = {"Line": statement.end[0], "Column": statement.end[1]}
        matched.append(entry)
    verdicts = decision.verdicts
    result: dict[str, Any] = {
        "EvalActionName": request.action,
        "EvalResourceName": request.resource,
        "EvalDecision": str(decision.outcome),
        "MatchedStatements": matched,
        "MissingContextValues": list(decision.missing_context_keys),
        "EvalDecisionDetails": dict(verdicts),
    }
    if "boundary" in verdicts:
        result["PermissionsBoundaryDecisionDetail"] = {
            "AllowedByPermissionsBoundary": verdicts["boundary"] == "allowed"
        }
    if "scp" in verdicts:
        result["OrganizationsDecisionDetail"] = {
            "AllowedByOrganizations": verdicts["scp"] in ("allowed", "notApplicable")
        }
    return result


_COLOURS = {
    Outcome.ALLOWED: "#1a7f37",
    Outcome.EXPLICIT_DENY: "#cf222e",
    Outcome.IMPLICIT_DENY: "#9a6700",
}


def to_html(decision: Decision, policy_set: PolicySet) -> str:
    """A small HTML table for notebooks; the deciding statements are highlighted."""
    request = decision.request
    colour = _COLOURS[decision.outcome]
    determining = set(map(id, decision.determining_compiled))
    rows = []
    statements: list[CompiledStatement] = list(decision.matched_compiled)
    for compiled in statements:
        shown = MatchedStatement.of(compiled, policy_set)
        style = (
            ' style="font-weight:bold;background:#fff8c5"' if id(compiled) in determining else ""
        )
        rows.append(
            f"<tr{style}><td>{escape(shown.policy_name)}</td><td>{shown.statement_index}</td>"
            f"<td>{escape(shown.sid or '')}</td><td>{escape(shown.effect)}</td></tr>"
        )
    table = (
        "<table><thead><tr><th>policy</th><th>statement</th><th>Sid</th><th>effect</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
        if rows
        else "<p>No statement applied.</p>"
    )
    missing = (
        f"<p>Missing context keys: {escape(', '.join(decision.missing_context_keys))}</p>"
        if decision.missing_context_keys
        else ""
    )
    return (
        f'<div class="iamsim-decision"><p><strong style="color:{colour}">'
        f"{escape(decision.outcome)}</strong> <code>{escape(request.action)}</code> on "
        f"<code>{escape(request.resource)}</code> by "
        f"<code>{escape(request.principal.arn)}</code></p>"
        f"<p>{escape(_why(decision, policy_set))}</p>{table}{missing}</div>"
    )
