"""Reverse-diffusion samples of one checkpoint, from the shared x_T."""

from __future__ import annotations

import argparse

import torch

from diffgen.biased.checkpoints import checkpoint_epoch
from diffgen.biased.jobcontext import DIFFUSION, MODEL, SCHEDULE
from diffgen.biased.models import model_denoiser, schedule_from
from diffgen.biased.sampler import MODES, reverse_sample
from diffgen.biased.samples import load_initial_noise, save_samples
from diffgen.core import identity
from diffgen.core.device import runtime_device
from diffgen.core.jobs import add_runtime, add_spec, input_file
from diffgen.core.specs import Choice, Count, Index, Spec

SPEC = Spec(
    {
        "model": MODEL, "epoch": Count, **DIFFUSION, "mixed_precision": bool,
        "n_samples": Count, "mode": Choice(*MODES), "seed": Index, "batch_size": Count,
    },
    SCHEDULE,
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--initial-noise", required=True, help="x_T file (initial-noise)")
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True)
    add_runtime(parser)


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    input_file(args.checkpoint, "checkpoint")
    identity.expect(
        args.checkpoint, "biased", "train", required=False, **spec["model"],
        T=spec["diffusion"]["T"], position=spec["epoch"],
    )  # fmt: skip
    identity.expect(args.initial_noise, "biased", "initial-noise", required=False)
    device = runtime_device(args)
    x_T = torch.from_numpy(load_initial_noise(args.initial_noise, spec["n_samples"]))
    schedule = schedule_from(spec)
    denoiser = model_denoiser(args.checkpoint, device, spec)
    epoch = checkpoint_epoch(args.checkpoint)
    result = reverse_sample(
        denoiser, x_T, schedule.T, schedule, mode=spec["mode"], seed=spec["seed"],
        batch_size=spec["batch_size"], device=device, label=f"sampling epoch {epoch}",
    )  # fmt: skip
    provenance = {"checkpoint": args.checkpoint, "epoch": epoch, "spec": spec}
    record = identity.record("biased", "sample", spec)
    save_samples(args.out, result.tokens.numpy(), provenance, record)
