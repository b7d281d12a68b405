#!/usr/bin/env python
"""GPU smoke of study 4: a few minutes of the paper's K=2 EDM training (8.8M DDPM++, 32 px).

    python benchmarks/gpu_smoke_amplify.py [--device cuda] [--seconds 180] [--tiny]

Runs :class:`EDMTrainer` steps under bf16 autocast (EDM trains in mixed precision
in the reference too), the network under ``torch.compile`` on CUDA (``--compile``),
and prints steps/s, images/s and MFU (model FLOPs of one step, counted once by
torch's FLOP counter, over ``--peak-tflops``). Exits non-zero on a non-finite
loss. ``--tiny``: the small preset's 189k net at 8 px for a few steps on the CPU
(what the tests run).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import torch
from torch.utils.flop_counter import FlopCounterMode

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from diffgen.amplify.edm_training import EDMSpec, EDMTrainer
from diffgen.core.training import maybe_compile

PAPER = {"resolution": 32, "channels": 64, "channel_mult": [2, 2, 2], "num_blocks": 2,
         "attn_resolutions": [16], "dropout": 0.1, "label_dropout": 0.2}  # fmt: skip
TINY = {"resolution": 8, "channels": 16, "channel_mult": [1, 2], "num_blocks": 1,
        "attn_resolutions": [4], "dropout": 0.1, "label_dropout": 0.1}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--tiny", action="store_true")
    parser.add_argument("--peak-tflops", type=float, default=989.0, help="bf16 dense peak")
    parser.add_argument("--compile", choices=("auto", "on", "off"), default="auto",
                        help="torch.compile the network (auto: on CUDA only)")  # fmt: skip
    args = parser.parse_args()
    device = torch.device(args.device)
    compiled = args.compile == "on" or (args.compile == "auto" and device.type == "cuda")
    model, batch, steps = (TINY, 8, 3) if args.tiny else (PAPER, 512, 10**9)
    res = model["resolution"]
    images = torch.rand(1024, 3, res, res) * 2 - 1
    positions = torch.randint(0, 2, (1024,))
    spec = EDMSpec(model, 2, 10**6, batch, 5e-5, 150, 0)
    trainer = EDMTrainer(spec, images, positions, device)
    trainer.model = maybe_compile(trainer.model, compiled)  # the EMA reads the same parameters
    autocast = torch.autocast(device.type, dtype=torch.bfloat16)
    with FlopCounterMode(display=False) as counter, autocast:
        trainer.advance()
    flops = counter.get_total_flops()
    done, start = 0, time.perf_counter()
    while done < steps and time.perf_counter() - start < args.seconds:
        with autocast:
            row = trainer.advance()
        done += 1
        if not math.isfinite(row["train_loss"]):
            print(f"gpu_smoke_amplify: non-finite loss at step {trainer.position}")
            return 1
    seconds = time.perf_counter() - start
    rate = done / seconds
    mfu = rate * flops / (args.peak_tflops * 1e12)
    print(f"device {device}, model {'tiny' if args.tiny else 'K=2 8.8M'}, batch {batch}, "
          f"compile {'on' if compiled else 'off'}")  # fmt: skip
    print(f"steps/s {rate:.3f}, images/s {rate * batch:.1f}, FLOPs/step {flops:.3g}, "
          f"MFU {mfu:.2%} (of {args.peak_tflops:g} TFLOP/s)")  # fmt: skip
    print("gpu_smoke_amplify: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
