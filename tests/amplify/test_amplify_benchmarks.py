"""The GPU smoke script runs at --tiny size on the CPU (bf16 autocast included)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_gpu_smoke_tiny_on_cpu():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "gpu_smoke_amplify.py"), "--tiny",
         "--device", "cpu"], capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for field in ("steps/s", "MFU", "gpu_smoke_amplify: ok"):
        assert field in done.stdout
