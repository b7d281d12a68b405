#!/usr/bin/env python
"""Throughput of study 4: EDM and ε-UNet training (images/s) and sampling (images/s per setting).

    python benchmarks/amplify_throughput.py [--device cpu|cuda] [--quick]

Prints one markdown table; never asserts timings (they depend on the machine).
On the CPU the rates are per CPU second of one thread, so a loaded machine does
not skew them. Each figure is the best of a few repeats after a warm-up. Sizes: the
small preset's nets (8 px) with --quick, else the paper's K=2 EDM net (8.8M, 32 px)
and the fig 5 ε-UNet (T = 1000).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from diffgen.amplify.ddpm_training import DDPMSpec, DDPMTrainer
from diffgen.amplify.edm_training import EDMSpec, EDMTrainer
from diffgen.amplify.epsunet import EpsUNet, EpsUNetConfig
from diffgen.amplify.models import build_edm
from diffgen.amplify.sampling import ddpm_samples, edm_samples
from diffgen.images.edm.sampler import SamplerSettings

#: The clock: wall time on a GPU; on the CPU, this process's CPU time on one thread,
#: which other load on a shared machine does not inflate.
CLOCK = {"clock": time.perf_counter}


def best(fn, repeats: int = 3) -> float:
    fn()
    times = []
    for _ in range(repeats):
        start = CLOCK["clock"]()
        fn()
        times.append(CLOCK["clock"]() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    device = torch.device(args.device)
    if device.type == "cpu":
        torch.set_num_threads(1)
        CLOCK["clock"] = time.process_time
    res = 8 if args.quick else 32
    model = ({"resolution": 8, "channels": 16, "channel_mult": [1, 2], "num_blocks": 1,
              "attn_resolutions": [4], "dropout": 0.1, "label_dropout": 0.1} if args.quick
             else {"resolution": 32, "channels": 64, "channel_mult": [2, 2, 2], "num_blocks": 2,
                   "attn_resolutions": [16], "dropout": 0.1, "label_dropout": 0.2})  # fmt: skip
    net = ({"T": 200, "num_labels": 2, "ch": 32, "ch_mult": [1, 2], "num_res_blocks": 1,
            "dropout": 0.15} if args.quick else
           {"T": 1000, "num_labels": 2, "ch": 128, "ch_mult": [1, 2, 2, 2], "num_res_blocks": 2,
            "dropout": 0.15})  # fmt: skip
    batch = 16 if args.quick else 64
    images = torch.rand(256, 3, res, res) * 2 - 1
    positions = torch.randint(0, 2, (256,))
    rows = []
    edm = EDMTrainer(EDMSpec(model, 2, 10**6, batch, 1e-4, 10, 0), images, positions, device)
    rows.append(("train EDM", f"batch {batch}", batch / best(edm.advance)))
    ddpm = DDPMTrainer(DDPMSpec(net, 1e-4, 0.028, 10**6, batch, 1e-4, 1e-4, 1.0, 0.1, 0),
                       images, positions + 1, device)  # fmt: skip
    rows.append(("train ε-UNet", f"batch {batch}", batch / best(ddpm.advance)))
    denoiser = build_edm(model, 2, 0).to(device).eval()
    per_class = 8 if args.quick else 32
    for steps, churn in ((6, 0.0), (6, 60.0), (40, 0.0), (40, 60.0)):
        settings = SamplerSettings(steps=steps, s_churn=churn, s_min=0.05, s_max=50,
                                   s_noise=1.003)  # fmt: skip

        def run(settings=settings):
            edm_samples(lambda x, s, y: denoiser(x.to(device), s.to(device), y.to(device)),
                        settings, 2, per_class, (3, res, res), 0)  # fmt: skip

        rows.append(("sample EDM Heun", f"N {steps}, S_churn {churn:g}",
                     2 * per_class / best(run, 1)))  # fmt: skip
    eps_net = EpsUNet(EpsUNetConfig(**net)).to(device).eval()
    betas = np.linspace(1e-4, 0.028, net["T"])
    for steps in (10, 50):

        def run_ddpm(steps=steps):
            ddpm_samples(eps_net, betas, 1.0, steps, "reference", 2, per_class, (3, res, res), 0, 3)

        rows.append(("sample DPM-Solver++ (CFG)", f"{steps} steps", 2 * per_class /
                     best(run_ddpm, 1)))  # fmt: skip
    clock = "CPU seconds, one thread" if device.type == "cpu" else "wall seconds"
    print(f"device {device}, threads {torch.get_num_threads()}, quick {args.quick}, {clock}\n")
    print("| path | setting | images/s |\n| --- | --- | --- |")
    for path, setting, rate in rows:
        print(f"| {path} | {setting} | {rate:.1f} |")


if __name__ == "__main__":
    main()
