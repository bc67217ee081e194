"""Time the analyses on the benchmark world (200 accounts x 50 roles, see bench_world.py):
``who_can`` for one action and resource, the full access graph, and ``external_access`` for the
whole world; ``--scale 2`` doubles the world to show how each grows.

Targets: who_can < 2 s, access graph < 5 s, external_access < 10 s.
Run: .venv/bin/python benchmarks/bench_analysis.py [--scale N]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_world import build_world, pin_one_core


def timed(label: str, target: float, run: Callable[[], object]) -> object:
    start = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - start
    verdict = "ok" if seconds < target else "MISSED"
    print(f"{label:<48} {seconds:7.2f} s   (target < {target:g} s: {verdict})")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    print(pin_one_core())
    start = time.perf_counter()
    world, layout = build_world(args.scale)
    print(f"world: {len(world.accounts)} accounts, built in {time.perf_counter() - start:.2f} s")
    graph = timed("access graph (who can assume which role)", 5.0, world.access_graph)
    edges = getattr(graph, "edges", ())
    conditional = sum(1 for e in edges if e.conditions)
    print(
        f"  {len(edges):,} edges ({conditional:,} need MFA or an external ID), "
        f"{sum(1 for e in edges if e.cross_account):,} cross-account"
    )
    world._cache.clear()  # who_can from a cold cache: it decides only the edges its walk meets
    member = world.accounts[10]
    bucket = next(r.arn for r in member.resources if r.arn.startswith("arn:aws:s3:::"))
    # a realistic request: the organization's SCPs deny requests outside the allowed regions
    context = {"aws:RequestedRegion": "us-east-1", "aws:SecureTransport": "true"}
    found = timed(
        f"who_can s3:GetObject on {bucket}/key (cold)",
        2.0,
        lambda: world.who_can("s3:GetObject", f"{bucket}/key", context),
    )
    assert isinstance(found, list)
    print(f"  {len(found):,} principals ({sum(1 for w in found if w.path):,} through roles)")
    other = next(r.arn for r in world.accounts[20].resources if r.arn.startswith("arn:aws:s3:::"))
    world.access_graph()  # built (not timed): who_can walks back along its edges
    found = timed(
        f"who_can s3:GetObject on {other}/key (graph built)",
        2.0,
        lambda: world.who_can("s3:GetObject", f"{other}/key", context),
    )
    assert isinstance(found, list)
    print(f"  {len(found):,} principals ({sum(1 for w in found if w.path):,} through roles)")
    findings = timed(
        "external_access(zone='organization')", 10.0, lambda: world.external_access("organization")
    )
    assert isinstance(findings, list)
    print(f"  {len(findings):,} findings")
    findings = timed(
        "external_access(zone='account')", 10.0, lambda: world.external_access("account")
    )
    assert isinstance(findings, list)
    print(f"  {len(findings):,} findings")
    del layout
    return 0


if __name__ == "__main__":
    sys.exit(main())
