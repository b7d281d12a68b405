#!/usr/bin/env python
"""Throughput of study 5's hot paths: exact BP, D3PM sampling, bpUNet training.

    python benchmarks/rhm_throughput.py [--device cpu|cuda] [--quick] [--threads N]

Prints one markdown table. It never asserts timings: they depend on the machine
and on whatever else runs on it, so the header records the CPU, the thread
count and the load average at the start and at the end. Every figure is the
best of a few repeats after a warm-up.

* Exact BP (``TreeBP.run``, both sweeps, every node's messages) at the
  reference sizes (8,3,L3), (16,4,L6), (32,8,L5), batch 4,096, in float32 and
  float64, on D3PM evidence at t = 30 (moderate) and t = 2 (strong: rows that
  underflow take the log-domain path): posteriors per second.
* D3PM sampling (``reverse_chain``, fix-noise) in sequence-steps per second
  with the bpUNet at W = 64 and W = 1024 on (8,3,L3), and with the exact BP
  cavity denoiser (the oracle chain).
* Training (``RHMTrainer.advance``: batch 64, fresh t and x_t, the KL loss,
  backward, fused Adam) in steps per second at W = 64 and W = 1024; on CUDA as
  the training jobs run it there (torch.compile; fp32 by default, bf16 rows beside).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch

# This checkout's library first, whatever is installed: the benchmark measures its own code.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from diffgen.core.device import configure
from diffgen.core.diffusion.d3pm import uniform_schedule
from diffgen.core.training import RunOptions
from diffgen.rhm.bp import TreeBP
from diffgen.rhm.checkpoints import ModelDenoiser
from diffgen.rhm.decoding import draw_with_replacement
from diffgen.rhm.network import NetworkConfig, build, parameter_count
from diffgen.rhm.oracle import CavityDenoiser
from diffgen.rhm.rules import Shape, sample_rules
from diffgen.rhm.sampler import forward_noise, initial_tokens, reverse_chain
from diffgen.rhm.training import RHMTrainer, TrainSpec

#: The spec's reference sizes for BP (fig3/fig4) and the grammar of fig1.
REFERENCE = (Shape(8, 8, 3, 2, 3), Shape(16, 16, 4, 2, 6), Shape(32, 32, 8, 2, 5))
FIG1 = REFERENCE[0]
SCHEDULE = uniform_schedule(200, 1e-3, 0.1)


@dataclass
class Row:
    section: str
    case: str
    value: float
    unit: str
    note: str = ""


def best_seconds(run: Callable[[], object], repeats: int, device: torch.device) -> float:
    """Best wall time of ``repeats`` calls after one warm-up (synchronised on CUDA)."""

    def timed() -> float:
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        start = time.perf_counter()
        run()
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        return time.perf_counter() - start

    timed()
    return min(timed() for _ in range(repeats))


def bench_bp(device: torch.device, repeats: int, batch: int) -> list[Row]:
    rows = []
    for shape in REFERENCE:
        grammar = sample_rules(shape, 42)
        x0 = torch.from_numpy(draw_with_replacement(grammar, batch, 0)[-1])
        for t, strength in ((30, "moderate"), (2, "strong")):
            x_t = forward_noise(x0, t, SCHEDULE, shape.v, seed=0)
            for dtype in (torch.float32, torch.float64):
                bp = TreeBP(grammar, device, dtype)
                evidence = bp.leaf_log_evidence(x_t.to(device), SCHEDULE.alpha_bar(t))
                lost = int(bp._linear(evidence)[2].sum())
                seconds = best_seconds(lambda bp=bp, e=evidence: bp.run(e), repeats, device)
                name = str(dtype).replace("torch.", "")
                rows.append(Row("exact BP", f"{shape.name()}, {name}, t = {t} ({strength})",
                                batch / seconds, "posteriors/s",
                                f"{lost / batch:.1%} of rows on the log-domain path"))  # fmt: skip
    return rows


def bench_sampling(device: torch.device, repeats: int, rows_count: int, steps: int) -> list[Row]:
    rows = []
    x_T = initial_tokens(0, rows_count, FIG1.d, FIG1.v)
    denoisers = {}
    for width in (64, 1024):
        model = build(NetworkConfig(FIG1.v, FIG1.s, FIG1.d, width, FIG1.L, 200), 2).to(device)
        denoisers[f"bpUNet W = {width}"] = ModelDenoiser(model)
    denoisers["exact BP cavity (oracle), float32"] = CavityDenoiser(
        TreeBP(sample_rules(FIG1, 42), device, torch.float32), SCHEDULE
    )
    for name, denoiser in denoisers.items():
        seconds = best_seconds(
            lambda d=denoiser: reverse_chain(d, x_T, steps, SCHEDULE, FIG1.v, 0, rows_count,
                                             device, label="benchmark"),
            repeats, device,
        )  # fmt: skip
        rows.append(Row("D3PM sampling", f"{name}, {FIG1.name()}, batch {rows_count:,}",
                        rows_count * steps / seconds, "sequence-steps/s",
                        "fix-noise reverse chain"))  # fmt: skip
    return rows


def bench_training(device: torch.device, repeats: int, steps: int) -> list[Row]:
    """Training steps/s in the reference's fp32 (TF32 off, the default) and, on CUDA, in bf16."""
    rows = []
    leaves = torch.from_numpy(draw_with_replacement(sample_rules(FIG1, 42), 1024, 1)[-1])
    cuda = device.type == "cuda"
    precisions = (False, True) if cuda else (False,)
    for width in (64, 1024):
        for mixed in precisions:
            spec = TrainSpec(
                grammar=FIG1.name(), P=1024, seed=0, steps=10**9, checkpoints=[], seed_model=2,
                network={"v": 8, "s": 2, "d": 8, "width": width, "depth": 3, "T": 200},
                diffusion={"T": 200, "beta1": 1e-3, "beta2": 0.1}, batch_size=64, lr=1e-4,
                n_trajectories=1, mixed_precision=mixed, log_every=10**9,
            )  # fmt: skip
            trainer = RHMTrainer(spec, leaves, RunOptions(device=device, compile=cuda))
            for _ in range(3):  # compile and warm caches outside the timing
                trainer.advance()

            def run(trainer=trainer) -> None:
                for _ in range(steps):
                    trainer.advance()

            seconds = best_seconds(run, repeats, device)
            precision = "bf16 autocast" if mixed else "fp32, TF32 off (default)"
            mode = f"{precision}, {'compile' if cuda else 'eager'}"
            rows.append(Row("training", f"bpUNet W = {width} ({parameter_count(trainer.model):,} "
                            f"parameters), batch 64", steps / seconds, "steps/s",
                            mode))  # fmt: skip
    return rows


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def format_value(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def markdown(rows: list[Row]) -> list[str]:
    table = [("benchmark", "case", "value", "unit", "notes")]
    table += [(r.section, r.case, format_value(r.value), r.unit, r.note) for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(5)]

    def fmt(cells) -> str:
        padded = (
            f"{c:{'>' if i == 2 else '<'}{w}}"
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join("-" * (w + 1) + (":" if i == 2 else "-") for i, w in enumerate(widths))
    return [fmt(table[0]), rule + "|", *(fmt(line) for line in table[1:])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--quick", action="store_true", help="short runs (about a minute)")
    parser.add_argument("--threads", type=int, help="intra-op threads (default: torch's)")
    args = parser.parse_args(argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        print("CUDA requested but not available", file=sys.stderr)
        return 2
    device = torch.device(args.device)
    configure(args.threads, device)
    cuda = device.type == "cuda"
    repeats = 2 if args.quick else 3
    head = [
        f"diffgen rhm throughput ({'quick' if args.quick else 'full'}), "
        f"{datetime.datetime.now().isoformat(timespec='seconds')}",
        f"CPU: {cpu_model()}, {os.cpu_count()} logical CPUs; torch threads "
        f"{torch.get_num_threads()}; torch {torch.__version__}",
        f"device: {torch.cuda.get_device_name(device) if cuda else 'cpu'}",
        f"load average at start (1, 5, 15 min): {load_average()}",
    ]
    print("\n".join(head), flush=True)
    rows = []
    rows += bench_bp(device, repeats, 4096)
    rows += bench_sampling(device, repeats, 16384 if cuda else 1024, 50 if cuda else 20)
    rows += bench_training(device, repeats, 200 if cuda else (20 if args.quick else 50))
    print("\n".join(["", *markdown(rows), "", f"load average at end: {load_average()}"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
