#!/usr/bin/env python
"""Throughput of the image core: U-Net training, DDPM sampling, nearest-neighbour search.

    python benchmarks/images_throughput.py [--device cpu|cuda] [--quick]

Prints one table; never asserts timings (they depend on the machine and on what
else runs on it, so the header records the device, the threads and the load
average at the start and the end). Every figure is the best of a few repeats
after a warm-up.

* Training (``ImageTrainer`` epochs with the ε-prediction objective, Adam):
  images/s for the paper U-Net (base 32, 32×32, batch 512 on CUDA, 64 on the
  CPU) and the small preset's (base 8, 16×16, batch 32). On CUDA the paper
  model also runs with bf16 autocast and torch.compile (``--compile``).
* Sampling (``diffgen.images.sampler.sample``, fix-noise DDPM, fp32):
  image-steps/s, one reverse step of a batch = batch image-steps.
* Nearest neighbours (``diffgen.images.nearest.nearest``, Pearson, fp32):
  query-reference pairs/s, 512 samples against the 15,360 training images of
  the paper's 15 splits (32×32).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import torch

# This checkout's library first, whatever diffgen is installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from diffgen.biased.faces.config import unet_config
from diffgen.core.config import load_schema, section_defaults
from diffgen.core.device import configure, full_precision_matmuls
from diffgen.core.training import RunOptions
from diffgen.images.ddpm import EpsDDPM
from diffgen.images.nearest import nearest
from diffgen.images.objectives import EpsObjective
from diffgen.images.sampler import sample, shared_initial_noise
from diffgen.images.training import ImageTrainer
from diffgen.images.unet import UNet, trainable_parameters

#: Study 1's faces section at paper scale: the schema's defaults, never restated here.
SCHEMA = Path(__file__).resolve().parents[1] / "workflow" / "studies" / "biased" / "schema.yaml"
FACES = section_defaults(load_schema(SCHEMA), "faces")
PAPER = unet_config(FACES)
MODELS = {
    "paper": (PAPER, 32, 1000),
    "small": (replace(PAPER, base=8, mults=(1, 2), attention=(False, True)), 16, 50),
}


def ddpm(T: int) -> EpsDDPM:
    """The paper's schedule at ``T`` steps."""
    return EpsDDPM.linear(T, FACES["diffusion"]["beta_start"], FACES["diffusion"]["beta_end"])


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def best_time(fn: Callable[[], object], device: torch.device, repeats: int) -> float:
    fn()
    synchronize(device)
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        synchronize(device)
        best = min(best, time.perf_counter() - start)
    return best


def training(name: str, batch: int, steps: int, device, repeats: int, mixed=False, compiled=False):
    config, size, T = MODELS[name]
    torch.manual_seed(0)
    images = torch.rand((batch * steps, 1, size, size))
    trainer = ImageTrainer(
        UNet(config), EpsObjective(ddpm(T), device), images, epochs=10**9,
        batch_size=batch, lr=1e-4, seed=0, payload=lambda model, epoch: {},
        options=RunOptions(device=device, compile=compiled), mixed_precision=mixed,
    )  # fmt: skip
    seconds = best_time(trainer.advance, device, repeats)
    return images.shape[0] / seconds, trainable_parameters(trainer.model)


def sampling(name: str, rows: int, steps: int, device, repeats: int) -> float:
    config, size, _ = MODELS[name]
    full_precision_matmuls(device)
    model = UNet(config).to(device).eval()
    chain = ddpm(steps)  # a short chain: the cost per step is what is measured
    x_T = shared_initial_noise(0, rows, (1, size, size))
    seconds = best_time(lambda: sample([model], x_T, chain, 0, rows, device), device, repeats)
    return rows * steps / seconds


def neighbours(queries: int, references: int, device, repeats: int) -> float:
    full_precision_matmuls(device)
    generator = torch.Generator().manual_seed(0)
    q = torch.rand((queries, 1, 32, 32), generator=generator)
    r = torch.rand((references, 1, 32, 32), generator=generator)
    seconds = best_time(lambda: nearest(q, r, "pearson", 1, device), device, repeats)
    return queries * references / seconds


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (default: torch's)")
    parser.add_argument("--quick", action="store_true", help="fewer repeats and smaller sizes")
    parser.add_argument("--compile", action="store_true", help="also torch.compile (CUDA)")
    args = parser.parse_args(argv)
    device = torch.device(args.device)
    configure(args.threads, device)
    cuda = device.type == "cuda"
    repeats = 2 if args.quick else 3
    name = torch.cuda.get_device_name(device) if cuda else platform.processor() or "cpu"
    print(
        f"device: {device} ({name}); threads: {torch.get_num_threads()}; torch {torch.__version__}"
    )
    print(f"load average at start (1, 5, 15 min): {load_average()}")
    rows: list[tuple[str, str, float, str]] = []
    paper_batch = 512 if cuda else 64
    value, params = training("paper", paper_batch, 4 if cuda else 1, device, repeats)
    rows.append(("training", f"paper U-Net ({params:,} parameters), batch {paper_batch}, fp32",
                 value, "images/s"))  # fmt: skip
    if cuda:
        value, _ = training("paper", paper_batch, 4, device, repeats, mixed=True)
        rows.append(
            ("training", f"paper U-Net, batch {paper_batch}, bf16 autocast", value, "images/s")
        )
        if args.compile:
            value, _ = training("paper", paper_batch, 4, device, repeats, True, True)
            rows.append(("training", "paper U-Net, bf16 + torch.compile", value, "images/s"))
    value, params = training("small", 32, 2 if args.quick else 8, device, repeats)
    rows.append(("training", f"small U-Net ({params:,} parameters), batch 32", value, "images/s"))
    paper_rows = 512 if cuda else 64
    steps = 25 if args.quick else 50  # a short chain (T >= 21 keeps the schedule valid)
    for model, count in (("paper", paper_rows), ("small", 64)):
        value = sampling(model, count, steps, device, repeats)
        rows.append(("sampling", f"{model} U-Net, {count} images, fp32", value, "image-steps/s"))
    rows.append(("nearest", "Pearson, 512 samples x 15,360 training images, 32x32",
                 neighbours(512, 15_360, device, repeats), "pairs/s"))  # fmt: skip
    width = max(len(case) for _, case, _, _ in rows)
    for section, case, value, unit in rows:
        print(f"{section:9s} {case:{width}s} {value:14,.0f} {unit}")
    print(f"load average at end: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
