"""ρ_model of one ε-UNet checkpoint under one CFG strength w (DPM-Solver++, a one-row CSV)."""

from __future__ import annotations

import argparse
import json

import numpy as np
import torch

from diffgen.amplify import data as amp_data
from diffgen.amplify.ddpm_training import CHECKPOINT_FORMAT
from diffgen.amplify.epsunet import EpsUNet, EpsUNetConfig
from diffgen.amplify.sampling import ddpm_samples, measure
from diffgen.core import identity
from diffgen.core.jobs import add_runtime, add_spec, input_file, write_table
from diffgen.core.specs import Choice, Count, Index, Positive, Spec
from diffgen.core.torchio import load_torch

SPEC = Spec(
    {
        "data": str, "T": Count, "w": Positive, "steps": Count, "order": Count,
        "time_map": Choice("reference", "exact"), "per_class": Count, "seed": Index,
    }
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="the model's training set (HDF5)")
    parser.add_argument("--checkpoint", required=True)
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True, help="measurement table (CSV)")
    add_runtime(parser)


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    checkpoint = input_file(args.checkpoint, "checkpoint")
    identity.expect(checkpoint, "amplify", "train-ddpm", data=spec["data"],
                    network__T=spec["T"])  # fmt: skip
    data, provenance = amp_data.load(input_file(args.data, "amplify data set"), spec["data"])
    payload = load_torch(checkpoint, fmt=CHECKPOINT_FORMAT)
    if args.threads:
        torch.set_num_threads(args.threads)
    net = EpsUNet(EpsUNetConfig(**payload["network"]))
    net.load_state_dict(payload["model"])
    train = payload["spec"]
    betas = np.linspace(train["beta_start"], train["beta_end"], payload["network"]["T"])
    classes = provenance["spec"]["classes"]
    x = ddpm_samples(net.eval(), betas, spec["w"], spec["steps"], spec["time_map"],
                     len(classes), spec["per_class"], tuple(data.images.shape[1:]),
                     spec["seed"], order=spec["order"])  # fmt: skip
    # The reference's DDPM classifier sees the K class colours only.
    result = measure(x, classes, spec["per_class"], allowed=classes)
    row = {"rho": provenance["spec"]["rho"], "effective_rho": data.effective_rho(),
           "class_size": len(data.classes) // len(classes),
           **{k: spec[k] for k in ("T", "w", "steps", "time_map", "per_class")},
           **{k: result[k] for k in ("k", "n", "rho_model", "ci_low", "ci_high")},
           "per_class_rho": json.dumps(result["per_class"]),
           "matrix": json.dumps(result["matrix"])}  # fmt: skip
    write_table([row], args.out)
