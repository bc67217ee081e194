"""Malformed input fuzzing: bad policies and bad requests fail as iamsim errors, nothing else.

IAM rejects a malformed policy document with ``MalformedPolicyDocument`` and a malformed request
with a validation error; iamsim must do the same, raising :class:`iamsim.PolicyError` (for a
policy) or another :class:`iamsim.IamSimError`, never a ``TypeError``, ``KeyError``,
``RecursionError``... that a caller could not catch as an iamsim error. Every PolicyError lists at
least one problem, each with a message (and, for JSON text, a line and column).

Documents are broken on purpose, one documented rule at a time (wrong types, unknown elements,
misspelled operators, missing Effect/Action/Resource, both Action and NotAction, a bad Version, bad
ARNs and principals, kind-specific rules: the public ``iamsim.strategies.malformed_policies``),
then fed to ``Policy.parse``, ``PolicySet`` and ``simulate``; random JSON values, random text, corrupted JSON text and random bytes must be
either parsed or rejected as PolicyError; random simulate cases must return a Decision or raise an
IamSimError.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_policy-validator.html
https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html (MalformedPolicyDocument)
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import Phase, event, given, settings
from hypothesis import strategies as st

import iamsim
from iamsim import strategies as iam

from .strategies import (
    ACCOUNT,
    CALLERS,
    RESOURCE_ENTRIES,
    Doc,
    Kind,
    contexts,
    one_in,
    policies,
    policy_sets,
)

KINDS: tuple[Kind, ...] = ("identity", "resource", "boundary", "session", "scp", "rcp")
# --- helpers -----------------------------------------------------------------------------------


def statements_of(doc: Doc) -> list[Doc]:
    """The Statement as a list (in place)."""
    if isinstance(doc["Statement"], dict):
        doc["Statement"] = [doc["Statement"]]
    body: list[Doc] = doc["Statement"]
    return body


def policy_set_kwargs(kind: Kind, doc: Any) -> dict[str, Any]:
    """Keyword arguments putting ``doc`` where a policy of ``kind`` goes in a PolicySet."""
    return {
        "identity": {"identity": [doc]},
        "resource": {"resource": doc},
        "boundary": {"boundary": doc},
        "session": {"session": doc},
        "scp": {"scps": [[doc]]},
        "rcp": {"rcps": [[doc]]},
    }[kind]


REQUEST: Doc = {
    "principal": CALLERS["user"][0].arn,
    "action": "s3:GetObject",
    "resource": "arn:aws:s3:::reports/q3.csv",
}


def located_in(doc: Any, location: str) -> bool:
    """Whether a problem's location (``Statement[1].Condition.StringEquals``) names something
    the document holds."""
    node = doc
    for index, key in re.findall(r"\[(\d+)\]|\.?([^.\[]*)", location):
        if index:
            if not isinstance(node, list) or int(index) >= len(node):
                return False
            node = node[int(index)]
        elif key or location.endswith("."):
            if not isinstance(node, dict) or key not in node:
                return False
            node = node[key]
    return True


def check_policy_error(error: iamsim.PolicyError, text_of: Any = None) -> None:
    """A PolicyError is an IamSimError and a ValueError, with AWS's code and at least one
    problem; every problem has a message. When the policy came as the JSON text of
    ``text_of``, every problem located at an element the document has also has a line and
    column (a missing element has none)."""
    assert isinstance(error, iamsim.IamSimError)
    assert isinstance(error, ValueError)
    assert error.code == "MalformedPolicyDocument"
    assert error.problems
    for problem in error.problems:
        assert isinstance(problem.message, str)
        assert problem.message.strip()
        assert str(problem)
        if text_of is not None and located_in(text_of, problem.location):
            assert problem.line is not None, problem
            assert problem.column is not None, problem
    assert str(error)


def parse_or_reject(source: Any, kind: Kind | None) -> iamsim.Policy | None:
    """Parse; a rejection must be a well-formed PolicyError."""
    try:
        return iamsim.Policy.parse(source, kind)
    except iamsim.PolicyError as error:
        check_policy_error(error)
        return None


# --- documents broken one rule at a time -------------------------------------------------------

#: Every rule iamsim.strategies.malformed_policies breaks, and the kinds of policy it applies to.
RULES: dict[str, tuple[Kind, ...]] = {
    rule: tuple(k for k in iam.KINDS if rule in iam.malformation_rules(k))
    for kind in iam.KINDS
    for rule in iam.malformation_rules(kind)
}


@pytest.mark.parametrize("name", tuple(RULES))
@settings(max_examples=10)  # x one run per rule: every rule is broken, ~300 documents in all
@given(data=st.data())
def test_a_broken_document_raises_policy_error_everywhere(name: str, data: st.DataObject) -> None:
    """Every broken document is rejected with a PolicyError, with problems and messages, by
    Policy.parse (as a dict and as JSON text), and but for trust policies (which PolicySet
    and simulate read as resource-based policies) by PolicySet and by simulate."""
    kind = data.draw(st.sampled_from(RULES[name]))
    doc = data.draw(iam.malformed_policies(kind, rules=[name]))
    event(kind)
    with pytest.raises(iamsim.PolicyError) as from_dict:
        iamsim.Policy.parse(doc, kind)
    check_policy_error(from_dict.value)
    with pytest.raises(iamsim.PolicyError) as from_text:
        iamsim.Policy.parse(json.dumps(doc, indent=2), kind)
    check_policy_error(from_text.value, text_of=doc)
    if kind == "trust":
        return
    with pytest.raises(iamsim.PolicyError) as from_set:
        iamsim.PolicySet(**policy_set_kwargs(kind, doc))
    check_policy_error(from_set.value)
    # The simulate format names its policy slots as PolicySet does.
    case = {"policies": policy_set_kwargs(kind, doc), "request": REQUEST}
    with pytest.raises(iamsim.PolicyError) as from_simulate:
        iamsim.simulate(case)
    check_policy_error(from_simulate.value)


@given(
    broken=st.sampled_from(iam.KINDS).flatmap(iam.malformed_policies),
    kind=st.sampled_from(iam.KINDS),
)
def test_any_document_parses_or_raises_policy_error_for_any_kind(broken: Doc, kind: Kind) -> None:
    """A document read as another kind of policy than it was written for is parsed or
    rejected with a PolicyError, never anything else."""
    parse_or_reject(broken, kind)
    parse_or_reject(json.dumps(broken), kind)


# --- random JSON, text, bytes ------------------------------------------------------------------

#: Keys that steer random JSON toward the policy grammar, so the fuzzer gets past the top level.
GRAMMAR_KEYS = (
    "Version",
    "Id",
    "Statement",
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
    "AWS",
    "Service",
    "Federated",
    "CanonicalUser",
    "StringEquals",
    "StringLikeIfExists",
    "ForAllValues:StringEquals",
    "NumericLessThan",
    "DateGreaterThan",
    "Bool",
    "IpAddress",
    "ArnLike",
    "BinaryEquals",
    "Null",
    "aws:SourceIp",
)
GRAMMAR_VALUES = (
    "2012-10-17",
    "2008-10-17",
    "Allow",
    "Deny",
    "*",
    "s3:GetObject",
    "arn:aws:s3:::reports/*",
    ACCOUNT,
    "true",
    "10",
    "203.0.113.0/24",
    "${aws:username}",
)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(GRAMMAR_VALUES),
)
json_keys = st.one_of(st.sampled_from(GRAMMAR_KEYS), st.text(max_size=8))
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(json_keys, children, max_size=4)
    ),
    max_leaves=24,
)


@st.composite
def policy_shaped(draw: st.DrawFn) -> Doc:
    """A mapping with Version and Statement of random statements built from grammar keys."""
    statement = st.dictionaries(json_keys, json_values, max_size=6)
    body = draw(st.one_of(statement, st.lists(statement, max_size=3), json_values))
    doc: Doc = {"Version": draw(st.sampled_from(("2012-10-17", "2008-10-17"))), "Statement": body}
    extra = draw(st.dictionaries(json_keys, json_values, max_size=2))
    return {**doc, **extra}


@given(value=st.one_of(json_values, policy_shaped()), kind=st.sampled_from((*KINDS, None)))
def test_random_json_parses_or_raises_policy_error(value: Any, kind: Kind | None) -> None:
    """Random JSON values, as data and as text, are parsed (alike) or rejected with a
    PolicyError, by Policy.parse and by PolicySet."""
    as_data = parse_or_reject(value, kind)
    as_text = parse_or_reject(json.dumps(value), kind)
    assert as_data == as_text
    if kind is not None:
        try:
            iamsim.PolicySet(**policy_set_kwargs(kind, value))
        except iamsim.PolicyError as error:
            check_policy_error(error)


@given(text=st.text(max_size=200), kind=st.sampled_from((*KINDS, None)))
def test_random_text_raises_policy_error(text: str, kind: Kind | None) -> None:
    """Random text is not a policy (nor, when it happens to be JSON, a valid one)."""
    assert parse_or_reject(text, kind) is None


@given(data=st.binary(max_size=200))
def test_random_bytes_parse_or_raise_policy_error(data: bytes) -> None:
    """Bytes are read as UTF-8 JSON text: anything else is a PolicyError."""
    parse_or_reject(data, "identity")


@given(
    doc=policies("identity"),
    edit=st.sampled_from(("delete", "insert", "replace", "truncate", "duplicate-key")),
    data=st.data(),
)
def test_corrupted_json_text_parses_or_raises_policy_error(
    doc: Doc, edit: str, data: st.DataObject
) -> None:
    """A valid policy's JSON text, corrupted by one edit (a deleted, inserted or replaced
    character, a cut, a repeated key), is parsed or rejected with a PolicyError."""
    text = json.dumps(doc, indent=data.draw(st.sampled_from((None, 2))))
    at = data.draw(st.integers(0, len(text) - 1))
    char = data.draw(st.sampled_from('{}[]:,"\\ \n0a*'))
    if edit == "delete":
        text = text[:at] + text[at + 1 :]
    elif edit == "insert":
        text = text[:at] + char + text[at:]
    elif edit == "replace":
        text = text[:at] + char + text[at + 1 :]
    elif edit == "truncate":
        text = text[:at]
    else:
        text = text.replace('"Effect": ', '"Effect": "Deny", "Effect": ', 1)
        with pytest.raises(iamsim.PolicyError) as error:
            iamsim.Policy.parse(text, "identity")
        check_policy_error(error.value)
        return
    event(edit)
    parse_or_reject(text, "identity")


@given(source=st.one_of(st.integers(), st.floats(), st.lists(json_scalars), st.none(), st.tuples()))
def test_a_source_that_is_neither_text_nor_mapping_raises_policy_error(source: Any) -> None:
    """A policy is JSON text, bytes, a mapping or a Policy; anything else is a PolicyError."""
    with pytest.raises(iamsim.PolicyError) as error:
        iamsim.Policy.parse(source, "identity")
    check_policy_error(error.value)


NO_SHRINK = settings(max_examples=30, phases=[Phase.explicit, Phase.reuse, Phase.generate])


@NO_SHRINK
@given(depth=st.integers(1_000, 20_000), bracket=st.sampled_from(("[]", "{}")))
def test_deeply_nested_json_text_raises_policy_error(depth: int, bracket: str) -> None:
    """However deep the nesting, malformed input is a PolicyError."""
    nested = {"[]": "[" * depth + "]" * depth, "{}": '{"a": ' * depth + "1" + "}" * depth}
    text = nested[bracket]
    with pytest.raises(iamsim.PolicyError) as error:
        iamsim.Policy.parse(text, "identity")
    check_policy_error(error.value)


@NO_SHRINK
@given(
    key=st.one_of(st.integers(), st.none(), st.booleans(), st.tuples(st.text(max_size=3))),
    where=st.sampled_from(("operator", "key")),
)
def test_a_condition_with_non_string_names_raises_policy_error(key: Any, where: str) -> None:
    """A mapping is not JSON text: its keys need not be strings. A Condition whose operator or
    key name is not a string is malformed, and must be reported as such."""
    if where == "operator":
        condition = {key: {"aws:SourceIp": "203.0.113.7"}}
    else:
        condition = {"StringEquals": {key: "x"}}
    doc = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": condition}],
    }
    with pytest.raises(iamsim.PolicyError) as error:
        iamsim.PolicySet(identity=[doc])
    check_policy_error(error.value)


# --- junk requests for simulate ---------------------------------------------------------------

junk = st.one_of(
    json_scalars,
    st.lists(json_scalars, max_size=2),
    st.dictionaries(json_keys, json_scalars, max_size=2),
)


def mostly(
    valid: st.SearchStrategy[Any], *invalid: st.SearchStrategy[Any]
) -> st.SearchStrategy[Any]:
    """``valid`` four times in five, else one of ``invalid``: most cases get deep enough to be
    decided, the rest probe each field's validation."""
    return one_in(5).flatmap(lambda odd: st.one_of(*invalid) if odd else valid)


principals = mostly(
    st.sampled_from(
        (
            *(c.arn for group in CALLERS.values() for c in group),
            "ec2.amazonaws.com",
            "anonymous",
            ACCOUNT,
        )
    ),
    st.sampled_from(("*", "arn:aws:iam::1:user/x", "arn:aws:sts::111122223333:assumed-role/R")),
    st.text(max_size=40),
    junk,
)
actions = mostly(
    st.sampled_from(("s3:GetObject", "iam:PassRole", "sts:AssumeRole", "kms:Decrypt")),
    st.text(max_size=20),
    junk,
)
resources = mostly(
    st.sampled_from(
        (*RESOURCE_ENTRIES, "*", "arn:aws:kms:us-east-1:111122223333:key/k", "arn:aws:s3:::")
    ),
    st.sampled_from(("arn", "bucket/key", "")),
    st.text(max_size=40),
    junk,
)
#: Non-string resource accounts must be rejected with a ValidationError: drawn rarely.
resource_accounts = mostly(
    st.one_of(st.none(), st.sampled_from((ACCOUNT, "444455556666"))),
    st.sampled_from(("123", "", "11112222333a")),
    st.text(max_size=14),
    junk,
)
request_contexts = mostly(
    st.one_of(st.none(), contexts()),
    st.dictionaries(
        st.one_of(
            st.sampled_from(("aws:PrincipalArn", "aws:SourceIp", "AWS:SOURCEIP")),
            st.text(max_size=10),
        ),
        st.one_of(json_scalars, st.lists(json_scalars, max_size=3), json_values),
        max_size=3,
    ),
    junk,
)
slots = mostly(
    policy_sets(),
    st.dictionaries(
        st.sampled_from(("identity", "resource", "boundary", "session", "scps", "rcps", "other")),
        json_values,
        max_size=3,
    ),
    junk,
)
extra_keys = st.dictionaries(
    st.sampled_from(("expect", "id", "doc", "why", "bogus")),
    st.one_of(st.sampled_from(("allowed", "ExplicitDeny", "implicitdeny")), junk),
    max_size=2,
)


@st.composite
def junk_cases(draw: st.DrawFn) -> Any:
    """A simulate case, anywhere from well-formed to nonsense: each part is valid most of the
    time, a request key is sometimes missing, and now and then the whole case is junk."""
    if draw(one_in(20)):
        return draw(json_values)
    request = {
        "principal": draw(principals),
        "action": draw(actions),
        "resource": draw(resources),
        "resource_account": draw(resource_accounts),
        "context": draw(request_contexts),
    }
    if draw(one_in(10)):
        del request[draw(st.sampled_from(tuple(request)))]
    case: Doc = {"policies": draw(slots), "request": request, **draw(extra_keys)}
    if draw(one_in(20)):
        case["request"] = draw(junk)
    return case


@given(case=junk_cases())
def test_simulate_returns_a_decision_or_raises_an_iamsim_error(case: Any) -> None:
    """Whatever the case, ``simulate`` decides it or raises an IamSimError; a decision can
    always explain itself."""
    result: iamsim.Decision | iamsim.IamSimError
    try:
        result = iamsim.simulate(case)
    except iamsim.IamSimError as error:
        result = error
    event(type(result).__name__)
    if isinstance(result, iamsim.PolicyError):
        check_policy_error(result)
    elif isinstance(result, iamsim.IamSimError):
        assert str(result)
    else:
        assert isinstance(result, iamsim.Decision)
        assert result.to_dict()["EvalDecision"] == str(result.outcome)
        assert result.explain()


@NO_SHRINK
@given(
    account=st.one_of(
        st.integers(),
        st.floats(allow_nan=False),
        st.lists(st.text(max_size=3), min_size=1),
        st.booleans(),
    )
)
def test_a_non_string_resource_account_raises_validation_error(account: Any) -> None:
    """resource_account must be a 12-digit account ID; anything else is a ValidationError."""
    request = {**REQUEST, "resource_account": account}
    with pytest.raises(iamsim.ValidationError):
        iamsim.simulate({"policies": {}, "request": request})


@NO_SHRINK
@given(principal=st.one_of(st.integers(), st.none(), st.floats(allow_nan=False), st.booleans()))
def test_a_non_string_principal_with_a_principal_arn_raises_validation_error(
    principal: Any,
) -> None:
    """A principal that is not text is a ValidationError, whatever the context holds."""
    request = {
        **REQUEST,
        "principal": principal,
        "context": {"aws:PrincipalArn": REQUEST["principal"]},
    }
    with pytest.raises(iamsim.ValidationError):
        iamsim.simulate({"policies": {}, "request": request})


@NO_SHRINK
@given(missing=st.sampled_from(("action", "resource")))
def test_a_null_action_or_resource_raises_validation_error(missing: str) -> None:
    """A request names an action and a resource; null is neither."""
    request = {**REQUEST, missing: None}
    with pytest.raises(iamsim.ValidationError):
        iamsim.simulate({"policies": {}, "request": request})
