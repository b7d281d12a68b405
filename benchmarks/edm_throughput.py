#!/usr/bin/env python
"""Throughput of the EDM core: denoiser evaluations/s of DDPM++ (SongUNet) and training steps/s.

    python benchmarks/edm_throughput.py [--device cpu|cuda] [--width 64] [--batch 4]

Prints a markdown table; never asserts timings (they depend on the machine and
its load, so the header records the device, threads and load average). Rows:

* eval: ``Preconditioned(SongUNet)`` forward passes at 32×32×3 (the
  reproducibility spec's DDPM++, augment_dim 9) in eval mode, no gradients,
  fp32 and bf16 autocast; denoiser evaluations/s = batch × passes/s. An EDM
  Heun sample of 18 steps costs 35 of them.
* train: ``EDMTrainer`` steps (EDM loss, Adam, EMA), images/s.

Every figure is the best of a few repeats after a warm-up.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import torch

# This checkout's library first, whatever diffgen is installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from diffgen.core.training import RunOptions
from diffgen.images.edm.ema import EMA
from diffgen.images.edm.loss import EDMLoss
from diffgen.images.edm.precond import EDMPrecond, Preconditioned
from diffgen.images.edm.songunet import SongUNet, SongUNetConfig, parameter_count
from diffgen.images.edm.training import EDMTrainer, LRSchedule


def best_rate(work, count: int, repeats: int = 3) -> float:
    """``count`` items per call of ``work``: the best items/s of ``repeats`` timed calls."""
    work()  # warm-up
    best = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        best = max(best, count / (time.perf_counter() - start))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--batch", type=int, default=4)
    args = parser.parse_args()
    device = torch.device(args.device)
    config = SongUNetConfig(32, 3, 3, args.width, (2, 2, 2), 4, (16,), 0.13, augment_dim=9)
    net = SongUNet(config, seed=0).to(device).eval()
    denoiser = Preconditioned(net, EDMPrecond())
    x = torch.randn(args.batch, 3, 32, 32, device=device)
    sigma = torch.full((args.batch,), 1.0, device=device)
    load = os.getloadavg()[0]
    print(f"device {device}, threads {torch.get_num_threads()}, load {load:.2f}, DDPM++ width "
          f"{args.width} ({parameter_count(net):,} parameters), batch {args.batch}\n")  # fmt: skip
    print("| what | precision | rate |")
    print("| --- | --- | --- |")
    for name, bf16 in (("fp32", False), ("bf16 autocast", True)):

        def evaluate(bf16=bf16):
            with torch.no_grad(), torch.autocast(device.type, torch.bfloat16, enabled=bf16):
                denoiser(x, sigma)
            if device.type == "cuda":
                torch.cuda.synchronize()

        rate = best_rate(evaluate, args.batch)
        print(f"| eval (denoiser evaluations/s) | {name} | {rate:.1f} |")
        print(f"| Heun-18 samples/s (35 evaluations) | {name} | {rate / 35:.2f} |")
    images = torch.randn(64, 3, 32, 32)
    trainer = EDMTrainer(
        net, EDMPrecond(), EDMLoss(), EMA(net, decay=0.999), images, steps=10**6,
        batch_size=args.batch, schedule=LRSchedule(1e-3), seed=0,
        options=RunOptions(device), log_every=10**6,
    )  # fmt: skip
    rate = best_rate(trainer.advance, args.batch)
    print(f"| train (images/s) | fp32 | {rate:.1f} |")


if __name__ == "__main__":
    main()
