"""Study 3 GPU smoke: a few minutes of a paper-size DDPM++ training (EDM loss, bf16, compile).

Prints steps/s and MFU (FLOPs of one step counted by torch's FlopCounterMode, against
``--peak-tflops``); exits non-zero on a non-finite loss. ``--tiny`` trains MLP_64 on MoLRG
for a few steps on the CPU (the tests run it).
"""

from __future__ import annotations

import argparse
import math
import sys
import time

import torch
from torch.utils.flop_counter import FlopCounterMode

from diffgen.core.training import maybe_compile
from diffgen.images.edm.loss import EDMLoss
from diffgen.repro import molrg, networks


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tiny", action="store_true", help="MLP_64, CPU, 20 steps")
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--width", type=int, default=128)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--peak-tflops", type=float, default=989.0, help="bf16 dense peak")
    args = parser.parse_args(argv)
    tiny = args.tiny
    device = torch.device("cpu" if tiny or not torch.cuda.is_available() else "cuda")
    if tiny:
        shape, network = [3, 4, 4], networks.describe("mlp", [3, 4, 4], 64, "edm")
        u = molrg.basis(4, 2, 6, 0)
        x = torch.from_numpy(molrg.as_images(molrg.sample(u, 2, 6, 256, 1), 4))
    else:
        shape = [3, 32, 32]
        network = networks.describe("ddpmpp", shape, args.width, "edm")
        x = torch.rand(4096, *shape) * 2 - 1
    x = x.to(device)
    model = networks.build(network, 0).to(device)
    denoiser = networks.denoiser(maybe_compile(model, not tiny), network)
    loss_fn = EDMLoss(uniform_fraction=0.5)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    g = torch.Generator(device=device).manual_seed(0)
    batch = 16 if tiny else args.batch
    bf16 = device.type == "cuda"

    def step():
        rows = torch.randint(0, len(x), (batch,), generator=g, device=device)
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
            loss = loss_fn(denoiser, x[rows], g)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return loss

    with FlopCounterMode(display=False) as counter:
        networks.denoiser(model, network)(
            x[:batch], torch.ones(batch, device=device)
        ).sum().backward()
    flops = counter.get_total_flops()
    steps, loss = 0, step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    limit = 20 if tiny else math.inf
    while steps < limit and time.perf_counter() - start < args.seconds:
        loss = step()
        steps += 1
        if not math.isfinite(float(loss.detach())):
            print(f"non-finite loss at step {steps}", file=sys.stderr)
            return 1
    if device.type == "cuda":
        torch.cuda.synchronize()
    rate = steps / (time.perf_counter() - start)
    mfu = flops * rate / (args.peak_tflops * 1e12)
    print("| device | net | params | steps/s | MFU |\n| --- | --- | ---: | ---: | ---: |")
    print(f"| {device} | {network['arch']}{network['width']} | "
          f"{sum(p.numel() for p in model.parameters()):,} | {rate:.2f} | {mfu:.2%} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
