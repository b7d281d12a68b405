"""Jacobian rank of one denoiser against σ on noisy held-out inputs x0 + σε."""

from __future__ import annotations

import argparse

import torch

from diffgen.core import identity
from diffgen.core.device import runtime_device
from diffgen.core.errors import ConfigError
from diffgen.core.jobs import add_runtime, add_spec, input_file, write_table
from diffgen.core.specs import Choice, Count, Index, Positive, Range, Spec
from diffgen.repro import data
from diffgen.repro.loading import expect_source, load_denoiser
from diffgen.repro.measures import jacobian_ranks

SPEC = Spec({"denoiser": Choice("net", "dn", "dstar"), "model": str, "N": Count,
             "sigmas": [Positive], "draws": Count, "seed": Index,
             "energy": Range(float, 0.0, 1.0)})  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="training set (its held-out rows are x0)")
    parser.add_argument("--source", required=True, help="checkpoint (net) or the training set")
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True, help="output table (CSV)")
    add_runtime(parser)


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    device = runtime_device(args)
    data_file = input_file(args.data, "dataset")
    source = identity.expect(data_file, "repro", "data", required=False, N=spec["N"])
    made = expect_source(input_file(args.source, "denoiser source"), spec)
    if spec["denoiser"] == "net":  # trained on this very data set
        identity.made_from(args.source, made, "data", args.data, source)
    arrays, data_spec = data.load(args.data)
    held = torch.from_numpy(arrays["held"])
    if len(held) < spec["draws"]:
        raise ConfigError(f"--spec key 'draws': {args.data} holds {len(held)} held-out rows")
    denoiser = load_denoiser(spec["denoiser"], input_file(args.source, "denoiser source"), device)
    dtype = torch.float32 if spec["denoiser"] == "net" else torch.float64
    g = torch.Generator().manual_seed(spec["seed"])
    x0 = held[: spec["draws"]].to(dtype)
    rows = []
    for sigma in spec["sigmas"]:
        noise = torch.randn(x0.shape, generator=g, dtype=dtype)
        x = (x0 + sigma * noise).to(device)
        s = torch.full((len(x),), sigma, dtype=dtype, device=device)
        for draw, rank in enumerate(jacobian_ranks(denoiser, x, s, spec["energy"])):
            rows.append({"dataset": data_spec["dataset"], "N": spec["N"], "model": spec["model"],
                         "sigma": sigma, "snr": 1 / sigma, "draw": draw, "rank": rank})  # fmt: skip
    write_table(rows, args.out)
