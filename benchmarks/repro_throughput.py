"""Study 3 throughput: D_N evaluations/s at N = 2^15, MLP evaluations/s, Jacobian time.

Prints a markdown table. ``--device cuda`` measures on a GPU; never run by the tests.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch

from diffgen.core.config import load_schema, section_defaults
from diffgen.repro import measures, molrg, networks
from diffgen.repro.optimal import Empirical, MoLRGOptimal

SCHEMA = Path(__file__).resolve().parents[1] / "workflow" / "studies" / "repro" / "schema.yaml"
ENERGY = section_defaults(load_schema(SCHEMA), "jacobian")["energy"]  # the paper's rank rule


def rate(fn, rows: int, repeats: int, device) -> float:
    fn()
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(repeats):
        fn()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return rows * repeats / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--batch", type=int, default=256)
    args = parser.parse_args()
    device = torch.device(args.device)
    u = molrg.basis(4, 2, 6, 0)
    train = torch.from_numpy(molrg.sample(u, 2, 6, 2**15, 1)).to(device)
    x = torch.randn(args.batch, 48, dtype=torch.float64, device=device)
    dn, dstar = Empirical(train), MoLRGOptimal(torch.from_numpy(u).to(device), 2, 6)
    rows = [("D_N, N = 2^15, float64", rate(lambda: dn(x, 0.5), args.batch, 5, device)),
            ("D*, float64", rate(lambda: dstar(x, 0.5), args.batch, 50, device))]  # fmt: skip
    xf = x.float().view(-1, 3, 4, 4)
    for width in (64, 128, 256):
        network = networks.describe("mlp", [3, 4, 4], width, "edm")
        net = networks.denoiser(networks.build(network, 0), network).to(device)
        with torch.no_grad():
            value = rate(lambda net=net: net(xf, 0.5), args.batch, 50, device)
        rows.append((f"MLP_{width} (EDM)", value))
        sig = torch.full((args.batch,), 0.5, device=device)
        start = time.perf_counter()
        measures.jacobian_ranks(net, xf, sig, ENERGY)
        seconds = time.perf_counter() - start
        rows.append((f"MLP_{width} Jacobian + SVD (per input)", args.batch / seconds))
    print(f"| denoiser ({device}) | evaluations/s |\n| --- | ---: |")
    for name, value in rows:
        print(f"| {name} | {value:,.0f} |")


if __name__ == "__main__":
    main()
