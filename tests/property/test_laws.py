"""Metamorphic laws of AWS's policy evaluation logic, checked on generated policies and requests.

Each law follows from the documented evaluation logic rather than from any one example:

* an explicit Deny in any policy overrides every Allow, so adding a Deny (to an identity,
  resource-based, boundary, session policy or any SCP/RCP level) never turns a denial into an
  allow, and an explicit deny stays one;
* statements and policies are ORed, so adding an Allow to a policy that takes part never turns an
  allow into a denial, and neither the order of statements, nor of policies, nor of SCP levels, nor
  how statements are split across identity policies changes the outcome;
* permissions boundaries and session policies only cap permissions, so adding one never turns a
  denial into an allow;
* by default every request is implicitly denied (the root user excepted), so a request no Allow
  statement covers is never allowed;
* equivalent spellings decide alike: a single value and a one-element list, ``"*"`` and
  ``{"AWS": "*"}``, an account ID and its root ARN, a policy as a dict, as JSON text or as a
  parsed Policy; action names and condition key names are case-insensitive;
* parsing is lossless: parse -> to_json -> parse, and JSON text, give back an equal Policy;
* a decision is self-consistent: an explicit deny names at least one Deny statement.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_auth.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
"""

from __future__ import annotations

import copy
import json
import random
from collections import Counter
from typing import Any

from hypothesis import Phase, event, given, settings
from hypothesis import strategies as st

import iamsim
from iamsim import Outcome
from iamsim import strategies as iam

from .strategies import (
    FULL_AWS_ACCESS,
    VERSION,
    Doc,
    Kind,
    RequestParts,
    Scenario,
    Vocabulary,
    focused,
    one_in,
    policies,
    policy_sets,
    requests,
    scenarios,
    statements,
)

ALLOWED, EXPLICIT, IMPLICIT = Outcome.ALLOWED, Outcome.EXPLICIT_DENY, Outcome.IMPLICIT_DENY

#: Slots of a policy-set config and the kind of policy each holds.
SLOT_KINDS: dict[str, Kind] = {
    "identity": "identity",
    "resource": "resource",
    "boundary": "boundary",
    "session": "session",
    "scps": "scp",
    "rcps": "rcp",
}


def vocabulary_of(request: RequestParts) -> Vocabulary:
    """The vocabulary the scenario's policies lean on: added statements lean the same way."""
    return focused(request.action.partition(":")[0])


def decide(config: Doc, request: RequestParts) -> iamsim.Decision:
    """Build a PolicySet from a config and decide one request."""
    args, kwargs = request.evaluate_args()
    return iamsim.PolicySet(**config).evaluate(*args, **kwargs)


def statement_list(policy: Doc) -> list[Doc]:
    """The policy's Statement as a list, turning a lone statement object into a list in place."""
    if isinstance(policy["Statement"], dict):
        policy["Statement"] = [policy["Statement"]]
    body: list[Doc] = policy["Statement"]
    return body


def new_policy(statement: Doc) -> Doc:
    """A policy holding one statement."""
    return {"Version": VERSION, "Statement": [statement]}


@st.composite
def with_added_statement(
    draw: st.DrawFn,
    config: Doc,
    *,
    effect: str,
    slots: tuple[str, ...] = tuple(SLOT_KINDS),
    new_caps: bool = True,
    new_levels: bool = True,
    vocabulary: Vocabulary,
) -> tuple[Doc, str]:
    """A copy of ``config`` with one more ``effect`` statement, anywhere in one of ``slots``:
    at any position of an existing policy, or in a new policy (a new boundary, session
    policy or SCP/RCP level only when ``new_caps``/``new_levels`` allow it)."""
    config = copy.deepcopy(config)
    usable = [
        slot
        for slot in slots
        if slot in ("identity", "resource")
        or (slot in ("boundary", "session") and (config[slot] is not None or new_caps))
        or (slot in ("scps", "rcps") and (config[slot] or new_levels))
    ]
    slot = draw(st.sampled_from(usable))
    statement = draw(statements(SLOT_KINDS[slot], effect, vocabulary))
    target: Doc | None = None
    if slot == "identity":
        index = draw(st.integers(0, len(config["identity"])))
        if index == len(config["identity"]):
            config["identity"].append(new_policy(statement))
        else:
            target = config["identity"][index]
    elif slot in ("resource", "boundary", "session"):
        if config[slot] is None:
            config[slot] = new_policy(statement)
        else:
            target = config[slot]
    else:
        levels = config[slot]
        level = draw(st.integers(0, len(levels) - (0 if new_levels else 1)))
        if level == len(levels):
            levels.append([new_policy(statement)])
        else:
            index = draw(st.integers(0, len(levels[level])))
            if index == len(levels[level]):
                levels[level].append(new_policy(statement))
            else:
                target = levels[level][index]
    if target is not None:
        body = statement_list(target)
        body.insert(draw(st.integers(0, len(body))), statement)
    return config, slot


def shuffled(config: Doc, rnd: random.Random) -> Doc:
    """The same policies with statements, policies, and SCP/RCP levels in another order."""
    config = copy.deepcopy(config)
    every_policy = [
        *config["identity"],
        *(config[s] for s in ("resource", "boundary", "session") if config[s] is not None),
        *(p for s in ("scps", "rcps") for level in config[s] for p in level),
    ]
    for policy in every_policy:
        rnd.shuffle(statement_list(policy))
    rnd.shuffle(config["identity"])
    for slot in ("scps", "rcps"):
        for level in config[slot]:
            rnd.shuffle(level)
        rnd.shuffle(config[slot])
    return config


def merged_identity(config: Doc) -> Doc:
    """The same identity statements, all in one policy (Sids dropped: they must be unique)."""
    config = copy.deepcopy(config)
    body = [
        {k: v for k, v in statement.items() if k != "Sid"}
        for policy in config["identity"]
        for statement in statement_list(policy)
    ]
    config["identity"] = [{"Version": VERSION, "Statement": body}] if body else []
    return config


def listified(value: Any) -> Any:
    """Every single string in Action/Resource/Principal ids/condition values, and every lone
    Statement object, made a list of one."""
    if isinstance(value, list):
        return [listified(v) for v in value]
    if not isinstance(value, dict):
        return value
    out: Doc = {}
    for key, item in value.items():
        if key in ("Action", "NotAction", "Resource", "NotResource", "AWS", "Service"):
            out[key] = [item] if isinstance(item, str) else item
        elif key == "Statement" and isinstance(item, dict):
            out[key] = [listified(item)]
        elif key == "Condition":
            out[key] = {
                op: {k: [v] if isinstance(v, str) else v for k, v in block.items()}
                for op, block in item.items()
            }
        else:
            out[key] = listified(item)
    return out


def _other_principal_form(ident: str) -> str:
    """An account ID as its root ARN and back: the two name the same account."""
    if ident.isdigit():
        return f"arn:aws:iam::{ident}:root"
    if ident.startswith("arn:aws:iam::") and ident.endswith(":root"):
        return ident.split(":")[4]
    return ident


def principals_respelled(config: Doc) -> Doc:
    """The resource policy's principals in their other documented spelling: ``"*"`` as
    ``{"AWS": "*"}``, an account ID as its root ARN and a root ARN as the account ID."""
    config = copy.deepcopy(config)
    if config["resource"] is None:
        return config
    for statement in statement_list(config["resource"]):
        for element in ("Principal", "NotPrincipal"):
            value = statement.get(element)
            if value == "*":
                statement[element] = {"AWS": "*"}
            elif isinstance(value, dict) and "AWS" in value:
                ids = value["AWS"]
                value["AWS"] = (
                    _other_principal_form(ids)
                    if isinstance(ids, str)
                    else [_other_principal_form(i) for i in ids]
                )
    return config


def in_other_forms(config: Doc, rnd: random.Random) -> Doc:
    """Each policy given as a dict, as JSON text, or as a parsed ``iamsim.Policy``."""
    config = copy.deepcopy(config)

    def convert(doc: Doc, kind: Kind) -> Any:
        form = rnd.choice(("dict", "text", "policy"))
        if form == "text":
            return json.dumps(doc, indent=rnd.choice((None, 2)))
        if form == "policy":
            return iamsim.Policy.parse(doc, kind)
        return doc

    config["identity"] = [convert(p, "identity") for p in config["identity"]]
    for slot in ("resource", "boundary", "session"):
        if config[slot] is not None:
            config[slot] = convert(config[slot], SLOT_KINDS[slot])
    for slot in ("scps", "rcps"):
        config[slot] = [[convert(p, SLOT_KINDS[slot]) for p in level] for level in config[slot]]
    return config


def swapcased_keys(context: Doc) -> Doc:
    """The context with every key name in another case."""
    return {key.swapcase(): value for key, value in context.items()}


# --- outcome coverage of the strategies --------------------------------------------------------


def test_generated_requests_reach_every_outcome() -> None:
    """The vocabulary is small enough that generated requests are often allowed and often
    explicitly denied, so the laws below are not checked on implicit denies only."""
    seen: Counter[Outcome] = Counter()

    @settings(max_examples=200, database=None)
    @given(scenario=scenarios())
    def collect(scenario: Scenario) -> None:
        seen[decide(*scenario).outcome] += 1

    collect()
    total = sum(seen.values())
    for outcome in Outcome:
        assert seen[outcome] >= total * 0.15, seen


# --- Deny wins ---------------------------------------------------------------------------------


@given(data=st.data(), scenario=scenarios())
def test_adding_a_deny_never_turns_a_denial_into_an_allow(
    data: st.DataObject, scenario: Scenario
) -> None:
    """ "An explicit deny in any policy overrides any allows." Adding a Deny statement anywhere
    (identity, resource-based, boundary, session policy, any SCP or RCP level, new or existing
    policy) can only take allows away.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    config, request = scenario
    before = decide(config, request).outcome
    changed, slot = data.draw(
        with_added_statement(config, effect="Deny", vocabulary=vocabulary_of(request))
    )
    after = decide(changed, request).outcome
    event(f"deny added to {slot}: {before} -> {after}")
    if before is not ALLOWED:
        assert after is not ALLOWED
    if before is EXPLICIT:
        assert after is EXPLICIT


# --- Allows are ORed ---------------------------------------------------------------------------


@given(data=st.data(), scenario=scenarios(same_account=True))
def test_adding_an_identity_allow_never_turns_an_allow_into_a_denial(
    data: st.DataObject, scenario: Scenario
) -> None:
    """Within an account an Allow in an identity-based policy suffices; adding one more (to an
    existing identity policy or as a new one) keeps every allowed request allowed.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html"""
    config, request = scenario
    before = decide(config, request).outcome
    changed, _ = data.draw(
        with_added_statement(
            config, effect="Allow", slots=("identity",), vocabulary=vocabulary_of(request)
        )
    )
    after = decide(changed, request).outcome
    event(f"{before} -> {after}")
    if before is ALLOWED:
        assert after is ALLOWED
    if before is not EXPLICIT:
        assert after is not EXPLICIT


@given(data=st.data(), scenario=scenarios())
def test_adding_an_allow_to_a_policy_in_force_never_turns_an_allow_into_a_denial(
    data: st.DataObject, scenario: Scenario
) -> None:
    """Statements and policies are ORed, same account or not: one more Allow in an identity or
    resource-based policy, an existing boundary or session policy, or an existing SCP level
    never takes an allow away (a *new* boundary, session policy or SCP level would cap).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies-introduction"""
    config, request = scenario
    before = decide(config, request).outcome
    changed, slot = data.draw(
        with_added_statement(
            config,
            effect="Allow",
            slots=("identity", "resource", "boundary", "session", "scps"),
            new_caps=False,
            new_levels=False,
            vocabulary=vocabulary_of(request),
        )
    )
    after = decide(changed, request).outcome
    event(f"allow added to {slot}: {before} -> {after}")
    if before is ALLOWED:
        assert after is ALLOWED


# --- order and grouping do not matter ----------------------------------------------------------


@given(scenario=scenarios(), rnd=st.randoms(use_true_random=False))
def test_order_of_statements_policies_and_levels_never_changes_the_outcome(
    scenario: Scenario, rnd: random.Random
) -> None:
    """Statements are ORed within a policy, policies are ORed, and every SCP/RCP level must
    allow: none of these depends on order.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_auth.html"""
    config, request = scenario
    expected = decide(config, request)
    reordered = decide(shuffled(config, rnd), request)
    assert reordered.outcome is expected.outcome


@given(scenario=scenarios())
def test_splitting_statements_across_identity_policies_never_changes_the_outcome(
    scenario: Scenario,
) -> None:
    """All identity statements in one policy decide as they do spread over several policies.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    config, request = scenario
    assert decide(merged_identity(config), request).outcome is decide(config, request).outcome


@given(scenario=scenarios())
def test_a_single_value_is_a_list_of_one(scenario: Scenario) -> None:
    """ "Where a list is allowed, a single string is equivalent to a one-element list":
    Action, Resource, principal ids and condition values.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html#policies-grammar-conventions"""
    config, request = scenario
    assert decide(listified(config), request).outcome is decide(config, request).outcome


@given(scenario=scenarios())
def test_principal_spellings_are_equivalent(scenario: Scenario) -> None:
    """``"Principal": "*"`` and ``{"AWS": "*"}`` are equivalent; an account ID and the
    account's root ARN name the same principal (the account).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    config, request = scenario
    respelled = decide(principals_respelled(config), request).outcome
    assert respelled is decide(config, request).outcome


@given(scenario=scenarios(), rnd=st.randoms(use_true_random=False))
def test_a_policy_decides_alike_as_dict_json_text_or_policy(
    scenario: Scenario, rnd: random.Random
) -> None:
    """Policies are accepted as dicts, JSON text or parsed Policy objects, and decide alike
    (statement positions, known only for text, change nothing but the explanation)."""
    config, request = scenario
    expected = decide(config, request)
    other = decide(in_other_forms(config, rnd), request)
    assert other.outcome is expected.outcome
    assert len(other.determining_statements) == len(expected.determining_statements)
    assert other.to_dict()["EvalDecision"] == str(expected.outcome)


@given(scenario=scenarios())
def test_action_and_condition_key_names_are_case_insensitive(scenario: Scenario) -> None:
    """Action names and condition key names are case-insensitive; a PolicySet reused for many
    requests decides as a fresh one does.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html"""
    config, request = scenario
    policy_set = iamsim.PolicySet(**config)
    args, kwargs = request.evaluate_args()
    expected = policy_set.evaluate(*args, **kwargs).outcome
    principal, action, resource = args
    other = policy_set.evaluate(
        principal,
        action.swapcase(),
        resource,
        resource_account=request.resource_account,
        context=swapcased_keys(request.context),
    )
    assert other.outcome is expected
    assert decide(config, request).outcome is expected


# --- boundaries and session policies only cap -------------------------------------------------


@given(
    data=st.data(),
    scenario=scenarios(),
    which=st.sampled_from(("boundary", "session")),
)
def test_adding_a_boundary_or_session_policy_never_turns_a_denial_into_an_allow(
    data: st.DataObject, scenario: Scenario, which: str
) -> None:
    """A permissions boundary "does not grant permissions on its own"; a session policy
    limits the session: the permissions are the intersection. Adding either never allows more.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session"""
    config, request = scenario
    cap = data.draw(policies("boundary", None, vocabulary_of(request)))
    without = decide({**config, which: None}, request).outcome
    capped = decide({**config, which: cap}, request).outcome
    event(f"{which}: {without} -> {capped}")
    if without is not ALLOWED:
        assert capped is not ALLOWED
    if without is EXPLICIT:
        assert capped is EXPLICIT


# --- default deny ------------------------------------------------------------------------------


@given(scenario=scenarios("Deny", ("user", "session")))
def test_a_request_no_allow_covers_is_never_allowed(scenario: Scenario) -> None:
    """ "By default, all requests are implicitly denied with the exception of the AWS account
    root user": with Deny statements only, a user or role session is denied, explicitly exactly
    when some Deny applies.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    decision = decide(*scenario)
    event(str(decision.outcome))
    assert decision.outcome is not ALLOWED
    assert (decision.outcome is EXPLICIT) == bool(decision.matched_statements)


@given(scenario=scenarios("Deny", ("root",), same_account=True))
def test_the_root_user_is_the_exception_to_default_deny(scenario: Scenario) -> None:
    """ "By default, all requests are implicitly denied with the exception of the AWS account
    root user, which has full access": in its own account the root user is allowed unless a
    Deny applies (no SCP is drawn here; the vocabulary has no sts:AssumeRole, which the root
    user cannot call). Identity policies, boundaries and session policies cannot be attached
    to the root user, so only a resource-based policy is given.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    config, request = scenario
    only_resource = {**config, "identity": [], "boundary": None, "session": None}
    decision = decide(only_resource, request)
    event(str(decision.outcome))
    expected = EXPLICIT if decision.matched_statements else ALLOWED
    assert decision.outcome is expected


# --- parsing round-trips -----------------------------------------------------------------------


@st.composite
def documents(draw: st.DrawFn) -> tuple[Kind, Doc]:
    """A valid policy of some kind (the public ``iamsim.strategies.policies``, trust policies
    included); condition values sometimes JSON numbers or booleans, and (but for SCPs and
    RCPs, which need it) sometimes no Version."""
    kind = draw(st.sampled_from(iam.KINDS))
    doc = draw(iam.policies(kind))
    body = doc["Statement"] if isinstance(doc["Statement"], list) else [doc["Statement"]]
    for statement in body:
        for block in statement.get("Condition", {}).values():
            for key, values in block.items():
                if values in ("10", "100") and draw(st.booleans()):
                    block[key] = int(values)
                elif values in ("true", "false") and draw(st.booleans()):
                    block[key] = values == "true"
    if kind not in ("scp", "rcp") and draw(one_in(5)):
        del doc["Version"]
    return kind, doc


@given(document=documents(), indent=st.sampled_from((None, 0, 2, 4)))
def test_parse_to_json_parse_is_the_identity(document: tuple[Kind, Doc], indent: int) -> None:
    """A parsed policy gives back a document that parses to an equal Policy, as a dict or as
    JSON text, and parsing a Policy again changes nothing.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    kind, doc = document
    policy = iamsim.Policy.parse(doc, kind)
    again = iamsim.Policy.parse(policy.to_json(), kind)
    assert again == policy
    assert again.to_json() == policy.to_json()
    assert iamsim.Policy.parse(json.dumps(doc, indent=indent), kind) == policy
    from_text = iamsim.Policy.parse(policy.to_json_text(indent=indent), kind)
    assert from_text == policy
    assert from_text.text is not None
    assert json.loads(policy.to_json_text()) == policy.to_json()
    assert iamsim.Policy.parse(policy, kind) == policy


def stringified(value: Any) -> Any:
    """The document with every JSON number or boolean written as IAM reads it: as text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return [stringified(v) for v in value]
    if isinstance(value, dict):
        return {k: stringified(v) for k, v in value.items()}
    return value


@given(document=documents())
def test_to_json_gives_back_the_document_as_written(document: tuple[Kind, Doc]) -> None:
    """Nothing is lost, added or reshaped (a single value stays single, a lone statement stays
    an object); condition numbers and booleans come back as their IAM text."""
    kind, doc = document
    assert iamsim.Policy.parse(doc, kind).to_json() == stringified(doc)


# --- decisions are self-consistent ------------------------------------------------------------


@given(scenario=scenarios())
def test_a_decision_is_self_consistent(scenario: Scenario) -> None:
    """An explicit deny names at least one Deny statement and only Deny statements; an allow
    (for anyone but the root user, who needs no statement) names at least one Allow and no
    Deny; the determining statements are among the matched ones; ``bool``, ``allowed``,
    ``to_dict()["EvalDecision"]`` and ``explain()`` agree with the outcome.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_EvaluationResult.html"""
    config, request = scenario
    decision = decide(config, request)
    outcome = decision.outcome
    determining = decision.determining_statements
    effects = {s.effect for s in determining}
    event(str(outcome))
    if outcome is EXPLICIT:
        assert determining
        assert effects == {"Deny"}
    elif outcome is ALLOWED:
        assert "Deny" not in effects
        if request.caller.kind != "root":
            assert "Allow" in effects
    else:
        assert not determining
        assert all(s.effect == "Allow" for s in decision.matched_statements)
    assert set(determining) <= set(decision.matched_statements)
    assert bool(decision) is decision.allowed is (outcome is ALLOWED)
    assert decision.to_dict()["EvalDecision"] == str(outcome)
    assert str(outcome) in decision.explain()


NO_SHRINK = settings(max_examples=50, phases=[Phase.explicit, Phase.reuse, Phase.generate])


@NO_SHRINK
@given(
    config=policy_sets(),
    empty_at=st.integers(0, 1),
    request=requests(("user", "session")),
)
def test_a_decision_explains_itself_when_a_level_has_no_policy(
    config: Doc, empty_at: int, request: RequestParts
) -> None:
    """An SCP level with no policy attached denies everything (every level must allow); the
    decision must still explain itself.
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_auth.html"""
    levels: list[list[Doc]] = [[copy.deepcopy(FULL_AWS_ACCESS)]]
    levels.insert(empty_at, [])
    decision = decide({**config, "scps": levels}, request)
    assert decision.outcome is not ALLOWED
    assert decision.to_dict()["EvalDecision"] == str(decision.outcome)
    assert str(decision.outcome) in decision.explain()
