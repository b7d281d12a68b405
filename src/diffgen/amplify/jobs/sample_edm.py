"""ρ_model of one EDM checkpoint under one sampler setting (a one-row CSV)."""

from __future__ import annotations

import argparse
import json

import torch

from diffgen.amplify import data as amp_data
from diffgen.amplify.edm_training import CHECKPOINT_FORMAT, load_ema
from diffgen.amplify.jobs._specs import EDM_SAMPLER
from diffgen.amplify.sampling import edm_samples, measure
from diffgen.core import identity
from diffgen.core.device import runtime_device
from diffgen.core.jobs import add_runtime, add_spec, input_file, write_table
from diffgen.core.specs import Count, Index, Spec
from diffgen.core.torchio import load_torch
from diffgen.images.edm.sampler import SamplerSettings

SPEC = Spec(
    {"run": str, "data": str, "variant": str, "sampler": EDM_SAMPLER, "per_class": Count,
     "seed": Index}
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
    identity.expect(checkpoint, "amplify", "train-edm", run=spec["run"], data=spec["data"])
    data, provenance = amp_data.load(input_file(args.data, "amplify data set"), spec["data"])
    payload = load_torch(checkpoint, fmt=CHECKPOINT_FORMAT)
    device = runtime_device(args)
    if args.threads:
        torch.set_num_threads(args.threads)
    net = load_ema(payload).to(device)
    made = provenance["spec"]
    classes = made["classes"]
    settings = SamplerSettings(**spec["sampler"])
    shape = tuple(data.images.shape[1:])
    with torch.no_grad():
        x = edm_samples(lambda x, s, y: net(x.to(device), s.to(device), y.to(device)).cpu(),
                        settings, len(classes), spec["per_class"], shape, spec["seed"])  # fmt: skip
    result = measure(x, classes, spec["per_class"])
    size = made["class_size"] or len(data.classes) // len(classes)
    row = {"run": spec["run"], "variant": spec["variant"], "K": len(classes),
           "classes": "-".join(map(str, classes)), "no_digit": made["no_digit"],
           "size": "all" if made["class_size"] is None else str(made["class_size"]),
           "rho": made["rho"], "effective_rho": data.effective_rho(), "class_size": size,
           **spec["sampler"], "per_class": spec["per_class"],
           **{k: result[k] for k in ("k", "n", "rho_model", "ci_low", "ci_high")},
           "per_class_rho": json.dumps(result["per_class"]),
           "matrix": json.dumps(result["matrix"])}  # fmt: skip
    write_table([row], args.out)
