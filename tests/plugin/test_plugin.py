"""The pytest plugin, as a project's test suite meets it: run real pytest sessions (pytester, in a
subprocess, default flags) over user test files and read what they print."""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from iamsim.pytest_plugin import WorldLoader

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]


def installed() -> bool:
    """Whether iamsim's ``pytest11`` entry point is installed (pytest then loads the plugin)."""
    return any(ep.name == "iamsim" for ep in importlib.metadata.entry_points(group="pytest11"))


def plugin_args() -> list[str]:
    """How a pytest run gets the plugin: by itself when installed; ``-p`` otherwise. (Naming
    the module with ``-p`` while the entry point is installed registers it twice, an error.)"""
    return [] if installed() else ["-p", "iamsim.pytest_plugin"]


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess(*plugin_args(), *args)


POLICY_TESTS = """
import iamsim
from iamsim.testing import (
    FIXED_NOW, assert_allowed, assert_can_assume, assert_cannot_assume, assert_denied,
    assert_explicitly_denied,
)

V = "2012-10-17"
ALICE = "arn:aws:iam::111122223333:user/alice"
POLICIES = iamsim.PolicySet(identity=[{"Version": V, "Statement": [
    {"Sid": "FinanceReads", "Effect": "Allow", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::reports/*",
     "Condition": {"StringEquals": {"aws:PrincipalTag/team": "finance"}}},
    {"Sid": "KeepReports", "Effect": "Deny", "Action": "s3:DeleteObject",
     "Resource": "arn:aws:s3:::reports/*"}]}])


def test_world_is_fresh_and_frozen(iamsim_world):
    assert iamsim_world.now == FIXED_NOW
    assert iamsim_world.accounts == ()
    iamsim_world.create_account("111111111111")


def test_each_test_gets_its_own_world(iamsim_world):
    assert iamsim_world.accounts == ()


def test_policy_set(request):
    assert_allowed(ALICE, "s3:GetObject", "arn:aws:s3:::reports/q3.csv",
                   {"aws:PrincipalTag/team": "finance"}, policies=POLICIES)
    assert_explicitly_denied(ALICE, "s3:DeleteObject", "arn:aws:s3:::reports/q3.csv",
                             policies=POLICIES)


def test_world(iamsim_world):
    dev = iamsim_world.create_account("111111111111")
    alice = dev.create_user("alice", policies={"own": {"Version": V, "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}})
    role = dev.create_role("Deploy", trust_policy={"Version": V, "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "sts:AssumeRole"}]})
    session = assert_can_assume(alice, role.arn)
    assert_denied(session, "s3:GetObject", "arn:aws:s3:::reports/q3.csv")
    assert_cannot_assume(dev.create_user("mallory"), role.arn)


def test_load(iamsim_load):
    world = iamsim_load("world.yaml")
    assert world.now.isoformat() == "2026-01-15T09:00:00+00:00"
    alice = world.account("development").user("alice")
    assert_can_assume(alice, "arn:aws:iam::222222222222:role/UpdateApp",
                      serial_number=alice.mfa_serial, token_code="123456")
"""


def test_a_passing_suite_passes(pytester: pytest.Pytester) -> None:
    shutil.copy(ROOT / "examples" / "world.yaml", pytester.path / "world.yaml")
    pytester.makepyfile(test_policies=POLICY_TESTS)
    result = run(pytester)
    result.assert_outcomes(passed=5)


FAILING_TESTS = """
import iamsim
from iamsim.testing import assert_allowed, assert_can_assume

POLICIES = iamsim.PolicySet(identity=[{"Version": "2012-10-17", "Statement": [
    {"Sid": "FinanceReads", "Effect": "Allow", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::reports/*",
     "Condition": {"StringEquals": {"aws:PrincipalTag/team": "finance"}}}]}])


def test_sales_reads_reports():
    assert_allowed("arn:aws:iam::111122223333:user/bob", "s3:GetObject",
                   "arn:aws:s3:::reports/q3.csv", {"aws:PrincipalTag/team": "sales"},
                   policies=POLICIES)


def test_deploy_needs_the_ticket(iamsim_world):
    dev = iamsim_world.create_account("111111111111")
    alice = dev.create_user("alice", policies={"own": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}})
    role = dev.create_role("Deploy", trust_policy={"Version": "2012-10-17", "Statement": [
        {"Sid": "TicketHolders", "Effect": "Allow", "Principal": {"AWS": "111111111111"},
         "Action": "sts:AssumeRole",
         "Condition": {"StringEquals": {"sts:ExternalId": "ticket-42"}}}]})
    assert_can_assume(alice, role.arn)
"""


def test_a_failure_shows_the_whole_explanation(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_failing=FAILING_TESTS)
    result = run(pytester)
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            ">       assert_allowed(*",
            "E       AssertionError: expected allowed, got implicitDeny: s3:GetObject on "
            "arn:aws:s3:::reports/q3.csv by arn:aws:iam::111122223333:user/bob",
            "E       implicitDeny: s3:GetObject on arn:aws:s3:::reports/q3.csv",
            "E         caller: arn:aws:iam::111122223333:user/bob",
            "E         why: no identity-based policy allows the action on this resource*",
            "E         statements that did not apply because of their conditions:",
            "E           - Allow statement 0 (Sid 'FinanceReads') in identity policy 0: condition "
            "not met * StringEquals aws:PrincipalTag/team 'finance': request has 'sales'",
            "E         to allow it: add an Allow for `s3:GetObject`*",
            "E         see: https://docs.aws.amazon.com/IAM/latest/UserGuide/*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            ">       assert_can_assume(alice, role.arn)",
            "E       AssertionError: expected to assume the role, got AccessDenied: "
            "sts:AssumeRole on arn:aws:iam::111111111111:role/Deploy by "
            "arn:aws:iam::111111111111:user/alice",
            "E       User: arn:aws:iam::111111111111:user/alice is not authorized *",
            "E         why: the role's trust policy does not allow the caller*",
            "E           - Allow statement 0 (Sid 'TicketHolders') in role Deploy trust policy: "
            "condition not met * StringEquals sts:ExternalId 'ticket-42': the request lacks the key",
            "E         context keys that conditions asked for and the request lacks: "
            "sts:ExternalId",
        ]
    )
    out = result.stdout.str()
    assert "truncated" not in out  # pytest's "...Full output truncated (N lines hidden)"
    assert "-vv" not in out
    # the helpers hide their own frames: the traceback ends at the user's line
    assert f"iamsim{os.sep}testing.py" not in out


def test_iamsim_load_resolves_paths_from_the_test_file(pytester: pytest.Pytester) -> None:
    tests = pytester.mkdir("tests")
    data = tests / "data"
    data.mkdir()
    shutil.copy(ROOT / "examples" / "world.yaml", data / "world.yaml")
    shutil.copy(ROOT / "tests" / "data" / "authorization-details.json", tests / "details.json")
    elsewhere = pytester.path / "elsewhere.yaml"
    elsewhere.write_text('accounts:\n  - id: "333333333333"\n')
    (tests / "test_load.py").write_text(
        f"""
from datetime import UTC, datetime

import iamsim
from iamsim.testing import FIXED_NOW


def test_world_file(iamsim_load):
    world = iamsim_load("data/world.yaml")
    assert world.account("production").id == "222222222222"


def test_authorization_details(iamsim_load):
    world = iamsim_load("details.json")
    assert [a.id for a in world.accounts] == ["123456789012"]
    assert world.now == FIXED_NOW


def test_absolute_path_and_clock(iamsim_load):
    world = iamsim_load({str(elsewhere)!r}, now=datetime(2030, 1, 1, tzinfo=UTC))
    assert [a.id for a in world.accounts] == ["333333333333"]
    assert world.now.year == 2030


def test_each_load_is_a_fresh_world(iamsim_load):
    first, second = iamsim_load("details.json"), iamsim_load("details.json")
    assert first is not second


def test_a_missing_file_is_named(iamsim_load, request):
    try:
        iamsim_load("nope.yaml")
    except iamsim.LoadError as error:
        assert str(request.path.parent / "nope.yaml") in str(error)
    else:
        raise AssertionError("no LoadError")
"""
    )
    # pytest runs from the project root, not from tests/: the paths still resolve
    result = run(pytester)
    result.assert_outcomes(passed=5)


@pytest.mark.skipif(
    not installed(),
    reason="iamsim's pytest11 entry point is not installed: add "
    '[project.entry-points.pytest11] iamsim = "iamsim.pytest_plugin" to pyproject.toml and '
    "reinstall (pip install -e .)",
)
def test_the_installed_plugin_is_active_without_p(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_fixtures(iamsim_world, iamsim_load):
            assert iamsim_world.now.isoformat() == "2026-01-01T00:00:00+00:00"
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1)


def test_the_entry_point_loads_the_plugin(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What pip installs, simulated: a distribution whose pytest11 entry point is the one
    pyproject.toml declares. pytest loads it by itself, and ``-p iamsim`` loads it when plugin
    autoloading is off (as docs/testing.md says)."""
    dist = pytester.path / "site" / "iamsim_entry_point-0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: iamsim-entry-point\nVersion: 0\n")
    (dist / "entry_points.txt").write_text("[pytest11]\niamsim = iamsim.pytest_plugin\n")
    monkeypatch.setenv("PYTHONPATH", str(dist.parent))
    pytester.makepyfile(
        """
        def test_fixtures(iamsim_world, iamsim_load):
            assert iamsim_world.now.isoformat() == "2026-01-01T00:00:00+00:00"
        """
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=1)
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.runpytest_subprocess("-p", "iamsim").assert_outcomes(passed=1)
    pytester.runpytest_subprocess().assert_outcomes(errors=1)  # fixture not found: off


DOC_TESTS = re.compile(r"<!-- pytest: (\S+) -->\n```text\n(.*?)```", re.DOTALL)


def test_the_test_files_in_docs_run(pytester: pytest.Pytester) -> None:
    """docs/testing.md shows pytest test files in text blocks (its python blocks run with a plain
    exec, without fixtures); each one marked ``<!-- pytest: NAME -->`` must pass under pytest."""
    found = DOC_TESTS.findall((ROOT / "docs" / "testing.md").read_text(encoding="utf-8"))
    assert found
    shutil.copy(ROOT / "examples" / "world.yaml", pytester.path / "world.yaml")
    for name, code in found:
        (pytester.path / name).write_text(code, encoding="utf-8")
    result = run(pytester)
    assert result.ret == 0, result.stdout.str()
    assert result.parseoutcomes()["passed"] >= len(found)


# -- the loader -------------------------------------------------------------------------------


def test_world_loader_resolves_against_its_base(tmp_path: Path) -> None:
    loader = WorldLoader(tmp_path)
    assert loader.resolve("data/world.yaml") == tmp_path / "data" / "world.yaml"
    assert loader.resolve(ROOT / "examples" / "world.yaml") == ROOT / "examples" / "world.yaml"
    assert loader.resolve("~/w.yaml") == Path.home() / "w.yaml"
    assert repr(loader) == f"<WorldLoader relative to {tmp_path}>"
    assert WorldLoader(ROOT / "examples")("world.yaml").account("development")


# -- import cost ------------------------------------------------------------------------------

HEAVY = ("iamsim.engine", "hypothesis", "yaml")


def imported(code: str) -> dict[str, int]:
    """The modules ``python -X importtime -c code`` imports, with their cumulative microseconds
    (read from the -X importtime lines on stderr: ``import time: self | cumulative | name``)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    modules = {}
    for line in result.stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        _, cumulative, name = line[len("import time:") :].split("|")
        if cumulative.strip().isdigit():
            modules[name.strip()] = int(cumulative)
    return modules


def heavy(modules: dict[str, int]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


def test_the_plugin_module_imports_nothing_heavy_itself() -> None:
    """The plugin module's own imports, whatever ``iamsim/__init__.py`` does: the package is
    stubbed, so only what pytest_plugin.py itself imports is measured."""
    stub = (
        "import sys, types\n"
        "package = types.ModuleType('iamsim')\n"
        f"package.__path__ = [{str(ROOT / 'iamsim')!r}]\n"
        "sys.modules['iamsim'] = package\n"
        "import iamsim.pytest_plugin\n"
    )
    modules = imported(stub)
    assert "iamsim.pytest_plugin" in modules
    assert [m for m in modules if m.startswith("iamsim.")] == ["iamsim.pytest_plugin"]
    assert heavy(modules) == []


def test_importing_the_plugin_is_cheap() -> None:
    """Every pytest run of a project with iamsim installed imports the plugin: it must not
    import the engine, Hypothesis or PyYAML (fixtures import iamsim when a test asks)."""
    if "iamsim.engine" in imported("import iamsim"):
        pytest.xfail(
            "iamsim/__init__.py imports every submodule eagerly (the engine, and PyYAML through "
            "the loaders), and importing iamsim.pytest_plugin imports the package first; this "
            "test passes once the package imports its names lazily (PEP 562 __getattr__)"
        )
    modules = imported("import iamsim.pytest_plugin")
    assert "iamsim.pytest_plugin" in modules
    assert heavy(modules) == []
