"""``diffgen sample``: the sample bank of one checkpoint, from the shared x_T."""

from __future__ import annotations

import argparse

import torch

from ..checkpoints import checkpoint_epoch
from ..device import runtime_device
from ..errors import InputFileError
from ..sampler import reverse_sample
from ..samples import load_initial_noise, save_samples
from . import add_runtime_arguments, spec_argument
from .common import model_denoiser, schedule_from


def add_sample_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--initial-noise", required=True, help="x_T file (initial-noise)")
    parser.add_argument(
        "--spec",
        type=spec_argument,
        required=True,
        help="JSON: n_samples, mode, seed, batch_size, diffusion, mixed_precision",
    )
    parser.add_argument("--out", required=True)
    add_runtime_arguments(parser)


def run_sample(args: argparse.Namespace) -> None:
    spec = args.spec
    device = runtime_device(args)
    noise = load_initial_noise(args.initial_noise)
    if len(noise) < spec["n_samples"]:
        raise InputFileError(
            f"{args.initial_noise}: holds {len(noise)} rows, {spec['n_samples']} samples requested"
        )
    x_T = torch.from_numpy(noise[: spec["n_samples"]])
    schedule = schedule_from(spec)
    denoiser = model_denoiser(args.checkpoint, device, spec)
    epoch = checkpoint_epoch(args.checkpoint)
    result = reverse_sample(
        denoiser,
        x_T,
        schedule.T,
        schedule,
        mode=spec["mode"],
        seed=spec["seed"],
        batch_size=spec["batch_size"],
        device=device,
        label=f"sampling epoch {epoch}",
    )
    provenance = {"checkpoint": args.checkpoint, "epoch": epoch, "spec": spec}
    save_samples(args.out, result.tokens.numpy(), provenance)


COMMANDS = {
    "sample": ("reverse-diffusion samples of one checkpoint", add_sample_arguments, run_sample),
}
