"""The study-3 GPU smoke script runs at --tiny size on the CPU."""

import subprocess
import sys

from conftest import ROOT


def test_gpu_smoke_tiny_runs_on_cpu():
    command = [sys.executable, str(ROOT / "benchmarks" / "gpu_smoke_repro.py"), "--tiny"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "steps/s" in result.stdout and "mlp64" in result.stdout
