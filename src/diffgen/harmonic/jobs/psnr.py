"""PSNR_out against PSNR_in of one model on its training images and on the test set."""

from __future__ import annotations

import argparse

import numpy as np
import torch

from diffgen.core.device import runtime_device
from diffgen.core.jobs import add_runtime, add_spec, input_file, write_table
from diffgen.core.specs import Count, Index, Positive, Spec
from diffgen.harmonic import datasets, measures
from diffgen.harmonic.evaluate import residual_fn, test_noise
from diffgen.harmonic.jobspecs import RUN, expect_data, expect_model, run_columns
from diffgen.harmonic.training import load_model

SPEC = Spec({"run": RUN, "s": [Positive], "images": Count, "seed": Index})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", required=True)
    parser.add_argument("--train", required=True, help="the model's training split (HDF5)")
    parser.add_argument("--test", required=True, help="test set (HDF5)")
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True, help="PSNR table (CSV)")
    add_runtime(parser)


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    device = runtime_device(args)
    run, split = spec["run"], spec["run"].get("split", "A")
    expect_model(input_file(args.model, "model"), run, split)
    expect_data(input_file(args.train, "train"), run, split)
    expect_data(input_file(args.test, "test"), run, "test")
    residual = residual_fn(load_model(args.model, device)[0], device)
    sets = {
        name: torch.from_numpy(datasets.load(path)[0][: spec["images"]])
        for name, path in (("train", args.train), ("test", args.test))
    }
    rows = []
    for name, x in sets.items():
        for i, s in enumerate(spec["s"]):
            sigma = s / 255.0
            y = x + sigma * test_noise(spec["seed"], i, tuple(x.shape))
            out = measures.psnr(y - residual(y), x)
            rows.append(
                {
                    **run_columns(spec["run"]),
                    "set": name,
                    "s": s,
                    "sigma": sigma,
                    "psnr_in": measures.psnr_in(sigma),
                    "psnr_out": float(out.mean()),
                    "psnr_noisy": float(np.mean(measures.psnr(y, x).numpy())),
                }
            )
    write_table(rows, args.out)
