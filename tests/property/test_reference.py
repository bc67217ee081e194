"""The engine agrees with a naive reference evaluator written from AWS's flowchart.

``reference.py`` follows the documented steps literally (explicit deny first; same account: an
identity-based or a resource-based Allow suffices, a grant to the account only delegates, a
boundary caps the identity side; across accounts both sides must allow) on a subset of the
language: identity policies, an optional boundary, an optional resource-based policy naming user
ARNs, account IDs or ``*``, StringEquals/StringNotEquals/Null conditions, exact or wildcard
actions and resources. On every generated request in that subset, iamsim must decide the same.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
"""

from __future__ import annotations

import functools
from collections import Counter
from typing import Any

from hypothesis import Phase, event, given, settings
from hypothesis import strategies as st

import iamsim

from . import reference
from .strategies import (
    CALLERS,
    SERVICES,
    Doc,
    RequestParts,
    Vocabulary,
    focused,
    policies,
    reference_conditions,
    reference_contexts,
    reference_principal_elements,
    requests,
)

#: identity policies, boundary, resource-based policy, request
Case = tuple[list[Doc], Doc | None, Doc | None, RequestParts]


@functools.cache
def reference_vocabulary(service: str) -> Vocabulary:
    """The reference subset, leaning toward one service so that statements match."""
    lean = focused(service, spread=False)
    return Vocabulary(
        lean.actions,
        lean.resources,
        reference_conditions(),
        reference_principal_elements(),
        negations=True,
        not_principals=False,
    )


@functools.cache
def reference_cases(same_account: bool | None = None) -> st.SearchStrategy[Case]:
    """A request by a user or role session (same account or not, evenly, unless
    ``same_account`` says), and policies within the reference subset: one or two identity
    policies, a boundary a third of the time, a resource policy two times in three (always
    across accounts, where nothing is allowed without one)."""

    @st.composite
    def build(draw: st.DrawFn) -> Case:
        same = draw(st.booleans()) if same_account is None else same_account
        request = draw(requests(("user", "session"), same, reference_contexts))
        vocabulary = reference_vocabulary(request.action.partition(":")[0])
        resource_policies = policies("resource", None, vocabulary)
        identity = draw(st.lists(policies("identity", None, vocabulary), min_size=1, max_size=2))
        boundary = draw(st.one_of(st.none(), st.none(), policies("boundary", None, vocabulary)))
        resource = draw(
            resource_policies
            if same_account is False
            else st.one_of(st.none(), resource_policies, resource_policies)
        )
        return identity, boundary, resource, request

    return build()


def by_reference(case: Case) -> str:
    """The reference evaluator's verdict."""
    identity, boundary, resource, request = case
    ask = reference.Request(
        request.caller.arn,
        request.caller.account,
        request.action,
        request.resource,
        request.resource_account,
        request.context,
    )
    return reference.evaluate(ask, identity=identity, boundary=boundary, resource_policy=resource)


def by_engine(case: Case) -> iamsim.Decision:
    """iamsim's decision, through ``simulate`` (the documented case format)."""
    identity, boundary, resource, request = case
    policies_part: dict[str, Any] = {"identity": identity, "boundary": boundary}
    policies_part["resource"] = resource
    return iamsim.simulate({"policies": policies_part, "request": request.as_simulate()})


def test_reference_cases_reach_every_outcome() -> None:
    """The subset still produces all three outcomes often enough to compare them."""
    seen: Counter[str] = Counter()

    @settings(max_examples=200, database=None)
    @given(case=reference_cases())
    def collect(case: Case) -> None:
        seen[by_reference(case)] += 1

    collect()
    total = sum(seen.values())
    for outcome in ("allowed", "explicitDeny", "implicitDeny"):
        assert seen[outcome] >= total * 0.15, seen


@given(case=reference_cases())
def test_engine_agrees_with_the_reference(case: Case) -> None:
    """On every request of the subset, iamsim decides as the flowchart does."""
    expected = by_reference(case)
    decision = by_engine(case)
    same = case[3].resource_account == case[3].caller.account
    event(f"{'same account' if same else 'cross-account'}: {expected}")
    assert str(decision.outcome) == expected, decision.explain()


@given(case=reference_cases(same_account=False))
def test_engine_agrees_with_the_reference_across_accounts(case: Case) -> None:
    """Across accounts, where both sides must allow, with a resource-based policy always
    there (allows are rarer here, so they get their own run).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html"""
    expected = by_reference(case)
    event(expected)
    assert str(by_engine(case).outcome) == expected, by_engine(case).explain()


@settings(max_examples=50, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(
    values=st.permutations(["true", "false"]),
    key=st.sampled_from(("aws:PrincipalTag/team", "aws:RequestedRegion")),
    present=st.booleans(),
    service=st.sampled_from(SERVICES),
)
def test_engine_agrees_with_the_reference_on_a_null_condition_with_two_values(
    values: list[str], key: str, present: bool, service: str
) -> None:
    """ "If a single condition operator includes multiple values for a context key, those
    values are evaluated using a logical OR": ``Null`` with both ``true`` and ``false`` holds
    whatever the request.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html"""
    identity = [
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {"Null": {key: values}},
                }
            ],
        }
    ]
    caller = CALLERS["user"][0]  # alice of 111122223333
    action = f"{service}:Anything"
    resource = f"arn:aws:{service}:us-east-1:111122223333:thing/x"
    context = {key: "red"} if present else {}
    request = RequestParts(caller, action, resource, caller.account, context)
    case: Case = (identity, None, None, request)
    assert by_reference(case) == "allowed"
    assert str(by_engine(case).outcome) == "allowed"
