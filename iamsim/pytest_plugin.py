"""The iamsim pytest plugin: fixtures for testing a project's own IAM policies.

Installed with iamsim, it is active in every pytest run through the ``pytest11`` entry point
named ``iamsim`` (with ``PYTEST_DISABLE_PLUGIN_AUTOLOAD`` set, enable it with ``-p iamsim``).

- ``iamsim_world``: a fresh, empty :class:`iamsim.World` whose clock stands at
  :data:`iamsim.testing.FIXED_NOW` (2026-01-01T00:00:00Z) until the test calls
  ``world.advance()``.
- ``iamsim_load``: a :class:`WorldLoader`; ``iamsim_load("world.yaml")`` loads a world file, or
  the JSON of ``aws iam get-account-authorization-details``, into a fresh world, with paths
  relative to the directory of the requesting test file.

The assertion helpers live in :mod:`iamsim.testing`; they raise :class:`AssertionError` whose
message is the decision's explanation, which pytest prints in full (this plugin needs no hook for
that: only assertion-rewriting explanations are truncated, and the helpers raise directly).

Every pytest run of a project that has iamsim installed imports this module, so it imports
nothing of iamsim (nor PyYAML, nor Hypothesis) until a test asks for a fixture.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import os
    from datetime import datetime

    from iamsim.world import World

__all__ = ["WorldLoader", "iamsim_load", "iamsim_world"]


class WorldLoader:
    """What the ``iamsim_load`` fixture returns: call it with a path to get a fresh world.

    Relative paths are resolved against :attr:`base`, the requesting test file's directory, so
    a test finds the files beside it whatever directory pytest runs from.
    """

    def __init__(self, base: Path) -> None:
        self.base = base

    def resolve(self, path: str | os.PathLike[str]) -> Path:
        """The file ``path`` names: relative to :attr:`base` unless absolute (``~`` expanded)."""
        return self.base / Path(path).expanduser()

    def __call__(self, path: str | os.PathLike[str], *, now: datetime | None = None) -> World:
        """Load a world file (YAML or JSON) or authorization-details JSON into a fresh world.

        The clock stands at ``now`` if given, else at the world file's ``now``, else at
        :data:`iamsim.testing.FIXED_NOW`; see :func:`iamsim.testing.world_from_file`.
        """
        from iamsim.testing import world_from_file

        return world_from_file(self.resolve(path), now=now)

    def __repr__(self) -> str:
        return f"<WorldLoader relative to {self.base}>"


@pytest.fixture
def iamsim_world() -> World:
    """A fresh, empty iamsim World with its clock frozen at 2026-01-01T00:00:00Z
    (``iamsim.testing.FIXED_NOW``); ``world.advance(seconds)`` moves it."""
    from iamsim.testing import new_world

    return new_world()


@pytest.fixture
def iamsim_load(request: pytest.FixtureRequest) -> WorldLoader:
    """A loader: ``iamsim_load("world.yaml")`` (or an authorization-details ``.json``) returns a
    fresh World; relative paths start at the requesting test file's directory."""
    return WorldLoader(request.path.parent)
