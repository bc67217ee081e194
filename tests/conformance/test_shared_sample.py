"""The shared conformance sample (../shared/conformance) must pass 100%, when it is there."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

RUNNER = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "run.py"


@pytest.mark.skipif(not RUNNER.exists(), reason="../shared/conformance is not beside the checkout")
def test_shared_conformance_sample_passes() -> None:
    result = subprocess.run(
        [sys.executable, str(RUNNER)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert ", 0 failed" in result.stdout
