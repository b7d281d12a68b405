"""Samples of every generation checkpoint of one face model, from the shared noise."""

from __future__ import annotations

import argparse

import numpy as np

from diffgen.core import identity
from diffgen.core.device import runtime_device
from diffgen.core.errors import InputFileError
from diffgen.core.jobs import add_runtime, add_spec, input_file
from diffgen.core.specs import Count, Index, Spec
from diffgen.images.checkpoints import checkpoint_epoch
from diffgen.images.models import DIFFUSION, ddpm_from, load_unet, schedule_rule
from diffgen.images.sampler import sample, shared_initial_noise
from diffgen.images.samples import save_bank

SPEC = Spec(
    {"split": Index, **DIFFUSION, "size": Count, "samples": Count, "seed": Index,
     "batch_size": Count},
    schedule_rule,
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--checkpoints", nargs="+", required=True, help="in epoch order")
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True, help="sample bank (HDF5)")
    add_runtime(parser)


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    for path in args.checkpoints:
        input_file(path, "checkpoint")
        identity.expect(
            path, "biased", "faces-train", required=False, split=spec["split"],
            diffusion__T=spec["diffusion"]["T"],
        )  # fmt: skip
    device = runtime_device(args)
    ddpm = ddpm_from(spec)
    epochs = [checkpoint_epoch(path) for path in args.checkpoints]
    if epochs != sorted(set(epochs)):
        raise InputFileError(f"checkpoints are not in increasing epoch order: {epochs}")
    models = [load_unet(path, device, ddpm) for path in args.checkpoints]
    x_T = shared_initial_noise(spec["seed"], spec["samples"], (1, spec["size"], spec["size"]))
    label = f"sampling split {spec['split']} at {len(models)} checkpoints"
    banks = sample(models, x_T, ddpm, spec["seed"], spec["batch_size"], device, label)
    provenance = {"spec": spec, "checkpoints": args.checkpoints}
    samples = np.stack([b.numpy() for b in banks])
    record = identity.record("biased", "faces-generate", spec)
    save_bank(args.out, samples, epochs, provenance, {"split": spec["split"]}, record)
