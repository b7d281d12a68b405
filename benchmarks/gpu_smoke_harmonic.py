#!/usr/bin/env python
"""GPU smoke run of study 2: a few minutes of the paper's BF-UNet(64, 3) training at 80×80.

    python benchmarks/gpu_smoke_harmonic.py [--device cuda|cpu] [--minutes 3] [--tiny]

Trains the paper's bias-free UNet (7,659,264 parameters, batch 512, σ = U² blind
training) on C^α images the way the training job does on CUDA, with
``torch.compile`` and bf16 autocast (the reference trains in fp32; bf16 only
checks that the numerics hold), then checks eval-mode homogeneity
D(2y) = 2D(y) of the trained model in fp32. Prints steps/s, model FLOP
utilisation (against ``--peak-tflops``) and exits non-zero on a non-finite loss.
``--tiny`` (BF-UNet(8, 2), 16×16, a few steps) is what the tests run on the CPU.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import torch

try:
    import diffgen  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from diffgen.core.training import maybe_compile
from diffgen.harmonic.generators import generate
from diffgen.harmonic.network import BFUNet, denoise, parameter_count
from diffgen.harmonic.training import blind_loss

PAPER = {"K": 64, "B": 3, "L": 80, "batch": 512, "images": 4096}
TINY = {"K": 8, "B": 2, "L": 16, "batch": 16, "images": 64}


def conv_flops(model: torch.nn.Module, L: int) -> float:
    """Forward multiply-adds ×2 of every convolution for one image."""
    total = [0.0]

    def hook(module, inputs, output):
        kernel = module.weight.shape[1] * module.weight.shape[2] * module.weight.shape[3]
        if isinstance(module, torch.nn.ConvTranspose2d):
            kernel = module.weight.shape[0] * module.weight.shape[2] * module.weight.shape[3]
            total[0] += 2.0 * inputs[0].numel() / inputs[0].shape[1] * kernel * output.shape[1]
            return
        total[0] += 2.0 * output.numel() * kernel

    handles = [
        m.register_forward_hook(hook)
        for m in model.modules()
        if isinstance(m, torch.nn.Conv2d | torch.nn.ConvTranspose2d)
    ]
    with torch.no_grad():
        model.eval()(torch.rand(1, 1, L, L))
    for h in handles:
        h.remove()
    model.train()
    return total[0]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--tiny", action="store_true")
    parser.add_argument("--peak-tflops", type=float, default=989.0, help="bf16 dense peak")
    args = parser.parse_args(argv)
    size = TINY if args.tiny else PAPER
    device = torch.device(args.device)
    torch.manual_seed(0)
    model = BFUNet(size["K"], size["B"])
    params = parameter_count(model)
    if not args.tiny and params != 7_659_264:
        print(f"gpu_smoke_harmonic: parameter count {params}, expected 7,659,264")
        return 1
    flops = 3 * conv_flops(model, size["L"]) * size["batch"]
    model = model.to(device)
    kind = {"name": "calpha", "alpha": 2.0, "beta": 2.0}
    x = torch.from_numpy(generate(kind, size["L"], 0, 0, 0, size["images"])).to(device)
    step_model = maybe_compile(model, device.type == "cuda")
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    gen = torch.Generator(device=device).manual_seed(0)
    seconds = 2.0 if args.tiny else 60 * args.minutes
    steps, losses, start = 0, [], time.perf_counter()
    while time.perf_counter() - start < seconds or steps < 3:
        batch = x[torch.randint(0, len(x), (size["batch"],), generator=gen, device=device)]
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
            loss = blind_loss(step_model, batch, gen)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        steps += 1
        if steps % 20 == 0 or steps <= 3:
            losses.append(float(loss.detach()))
            if not math.isfinite(losses[-1]):
                print(f"gpu_smoke_harmonic: non-finite loss at step {steps}")
                return 1
    if device.type == "cuda":
        torch.cuda.synchronize()
    elapsed = time.perf_counter() - start
    model.eval()
    y = x[:8] + 0.1 * torch.randn(x[:8].shape, device=device)
    with torch.no_grad():
        d1, d2 = denoise(model, y), denoise(model, 2 * y)
    homogeneity = float((d2 - 2 * d1).norm() / (2 * d1).norm())
    rate = steps / elapsed
    print(
        "| size | params | steps | steps/s | images/s | MFU | first loss | last loss | "
        "homogeneity |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    print(
        f"| {'tiny' if args.tiny else 'paper'} | {params:,} | {steps} | {rate:.2f} | "
        f"{rate * size['batch']:.0f} | {rate * flops / (args.peak_tflops * 1e12):.3%} | "
        f"{losses[0]:.3f} | {losses[-1]:.3f} | {homogeneity:.1e} |"
    )
    if not all(math.isfinite(v) for v in losses) or homogeneity > 1e-4:
        print("gpu_smoke_harmonic: FAILED")
        return 1
    print("gpu_smoke_harmonic: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
