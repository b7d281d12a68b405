#!/usr/bin/env python
"""Study 2 throughput: training images/s and one Jacobian per image at 16×16 and 80×80.

    python benchmarks/harmonic_throughput.py [--device cpu|cuda] [--repeats 2]

Prints a markdown table (never timed in tests). Sizes: the small preset's
BF-UNet(16, 2) at 16×16 and the paper's BF-UNet(64, 3) at 80×80.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

try:
    import diffgen  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from diffgen.harmonic.measures import jacobian
from diffgen.harmonic.network import BFUNet
from diffgen.harmonic.training import blind_loss

CASES = [("small BF-UNet(16,2)", 16, 2, 16, 32), ("paper BF-UNet(64,3)", 64, 3, 80, 64)]


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    device = torch.device(args.device)
    print("| model | L | device | train images/s | Jacobian s/image (D×D, D = L²) |")
    print("| --- | --- | --- | --- | --- |")
    for name, K, B, L, batch in CASES:
        model = BFUNet(K, B).to(device)
        opt = torch.optim.Adam(model.parameters())
        gen = torch.Generator(device=device).manual_seed(0)
        x = torch.rand(batch, 1, L, L, device=device)
        for i in range(args.repeats + 1):
            if i == 1:
                sync(device)
                start = time.perf_counter()
            loss = blind_loss(model, x, gen)
            opt.zero_grad()
            loss.backward()
            opt.step()
        sync(device)
        rate = batch * args.repeats / (time.perf_counter() - start)
        model.eval()
        start = time.perf_counter()
        jacobian(lambda v, m=model: m(v), x[0], chunk=256 if L == 16 else 128)
        sync(device)
        jac = time.perf_counter() - start
        print(f"| {name} | {L} | {device.type} | {rate:.0f} | {jac:.2f} |")


if __name__ == "__main__":
    main()
