"""Pausing Python's cyclic garbage collector while an analysis builds many objects.

Building the access graph of a large world allocates hundreds of thousands of objects that
live on (policy sides, edges); each full collection then rescans all of them, which measured
at about 40% of the build. Nothing the analyses build forms reference cycles, so nothing is
left for the collector to find; it is restored (if it was on) when the block ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off, then restore its state.

    >>> import gc
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
