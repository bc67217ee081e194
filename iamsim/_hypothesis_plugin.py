"""Hypothesis plugin: ``st.from_type()`` for iamsim's value types.

Hypothesis calls :func:`_hypothesis_setup_hook` (the ``hypothesis`` entry point in
pyproject.toml) when it is imported. The hook only registers functions: :mod:`iamsim.strategies`
(which imports Hypothesis) is imported when Hypothesis first asks for a strategy of one of the
types, never while Hypothesis or iamsim is being imported, so no import order makes a cycle.

Once registered, ``st.from_type(iamsim.Policy)`` draws a valid policy of any kind (identity
first), ``iamsim.Statement`` an identity-policy statement, ``iamsim.Arn`` a resource ARN and
``iamsim.World`` a small world, and ``@given`` infers them from type annotations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

    from iamsim.arn import Arn
    from iamsim.policy import Policy, Statement
    from iamsim.world import World

__all__: list[str] = []


def _hypothesis_setup_hook() -> None:
    """Register iamsim's types with Hypothesis (cheap: nothing is built until used)."""
    from hypothesis import strategies as st

    from iamsim.arn import Arn
    from iamsim.policy import Policy, Statement
    from iamsim.world import World

    st.register_type_strategy(Policy, _policies)
    st.register_type_strategy(Statement, _statements)
    st.register_type_strategy(Arn, _arns)
    st.register_type_strategy(World, _worlds)


def _policies(_: type[Policy]) -> SearchStrategy[Policy]:
    from hypothesis import strategies as st

    from iamsim import strategies as iam
    from iamsim.policy import Policy

    return st.sampled_from(iam.KINDS).flatmap(
        lambda kind: iam.policies(kind).map(lambda doc: Policy.parse(doc, kind))
    )


def _statements(_: type[Statement]) -> SearchStrategy[Statement]:
    from iamsim import strategies as iam
    from iamsim.policy import Policy

    return iam.statements("identity").map(
        lambda doc: Policy.parse({"Version": iam.VERSION, "Statement": [doc]}).statements[0]
    )


def _arns(_: type[Arn]) -> SearchStrategy[Arn]:
    from iamsim import strategies as iam
    from iamsim.arn import Arn

    return iam.arns().map(Arn.parse)


def _worlds(_: type[World]) -> SearchStrategy[World]:
    from iamsim import strategies as iam

    return iam.worlds()
