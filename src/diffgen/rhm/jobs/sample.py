"""Fix-noise samples of one checkpoint: the reverse chain from uniform x_T."""

from __future__ import annotations

import argparse

from diffgen.core import identity
from diffgen.core.device import runtime_device
from diffgen.core.diffusion.d3pm import uniform_schedule
from diffgen.core.jobs import add_runtime, add_spec, input_file
from diffgen.core.specs import Count, Index, Spec
from diffgen.rhm.checkpoints import ModelDenoiser, load_model
from diffgen.rhm.jobspecs import DIFFUSION, RUN, schedule_rule
from diffgen.rhm.sampler import initial_tokens, reverse_chain
from diffgen.rhm.samples import save_samples

SPEC = Spec(
    {
        "run": RUN, "step": Count, "diffusion": DIFFUSION, "n_samples": Count, "seed": Index,
        "batch_size": Count, "mixed_precision": bool,
    },
    schedule_rule,
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--checkpoint", required=True)
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True, help="sample bank (HDF5)")
    add_runtime(parser)


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    input_file(args.checkpoint, "checkpoint")
    identity.expect(args.checkpoint, "rhm", "train", **spec["run"], position=spec["step"])
    device = runtime_device(args)
    model, payload = load_model(args.checkpoint, device)
    config = model.config
    schedule = uniform_schedule(**spec["diffusion"])
    x_T = initial_tokens(spec["seed"], spec["n_samples"], config.d, config.v)
    tokens = reverse_chain(
        ModelDenoiser(model, spec["mixed_precision"]), x_T, schedule.T, schedule, config.v,
        spec["seed"], spec["batch_size"], device, label=f"sampling step {payload['step']}",
    )  # fmt: skip
    provenance = {"checkpoint": args.checkpoint, "step": payload["step"], "spec": spec}
    save_samples(args.out, tokens.numpy(), provenance, identity.record("rhm", "sample", spec))
