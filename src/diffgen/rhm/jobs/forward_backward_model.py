"""Forward–backward with a trained model: keep fractions of parsed chains, χ and C(r)."""

from __future__ import annotations

import argparse

import torch

from diffgen.core import identity
from diffgen.core.checks import steps_rule
from diffgen.core.device import runtime_device
from diffgen.core.diffusion.d3pm import uniform_schedule
from diffgen.core.errors import InputFileError
from diffgen.core.jobs import add_runtime, add_spec, input_file, write_table
from diffgen.core.progress import log
from diffgen.core.specs import Count, Index, Spec
from diffgen.rhm.checkpoints import ModelDenoiser, load_model
from diffgen.rhm.dataset import load_strings
from diffgen.rhm.fluctuations import changes, keep_from_parse
from diffgen.rhm.forward_backward import epsilon, rows_at
from diffgen.rhm.jobspecs import DIFFUSION, RUN, schedule_rule
from diffgen.rhm.parsing import Parser
from diffgen.rhm.sampler import forward_noise, reverse_chain

SPEC = Spec(
    {
        "run": RUN, "step": Count, "t": [Count], "count": Count, "diffusion": DIFFUSION,
        "seed": Index, "batch_size": Count, "mixed_precision": bool,
    },
    schedule_rule, steps_rule("t"),
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--strings", required=True, help="start strings (HDF5, kind rhm_strings)")
    parser.add_argument("--checkpoint", required=True)
    add_spec(parser, SPEC)
    parser.add_argument("--keep", required=True, help="output: keep fractions (CSV)")
    parser.add_argument("--fluct", required=True, help="output: χ and C(r) (CSV)")
    add_runtime(parser)


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    input_file(args.checkpoint, "checkpoint")
    device = runtime_device(args)
    grammar, tree = load_strings(input_file(args.strings, "string set"), spec["count"])
    sh = grammar.shape
    identity.expect(args.strings, "rhm", "strings")
    identity.expect(args.checkpoint, "rhm", "train", **spec["run"], position=spec["step"])
    model, payload = load_model(args.checkpoint, device)
    if model.config.v != sh.v or model.config.d != sh.d:
        raise InputFileError(
            f"{args.checkpoint}: the model does not fit the strings of {args.strings}"
        )
    denoiser = ModelDenoiser(model, spec["mixed_precision"])
    schedule = uniform_schedule(**spec["diffusion"])
    parser = Parser(grammar)
    x0 = torch.from_numpy(tree[-1])
    base = {"source": "model", "grammar": spec["run"]["grammar"], "P": spec["run"]["P"],
            "seed": spec["run"]["seed"], "step": payload["step"]}  # fmt: skip
    keep_rows, fluct_rows = [], []
    for t in sorted(set(spec["t"])):
        x_t = forward_noise(x0, t, schedule, sh.v, spec["seed"])
        x_prime = reverse_chain(denoiser, x_t, t, schedule, sh.v, spec["seed"],
                                spec["batch_size"], device, label=f"t={t}").numpy()  # fmt: skip
        keep = keep_from_parse(parser.parse(x_prime), tree)
        delta = changes(x_prime, tree[-1])
        rows = rows_at(base, t, epsilon(schedule, t), keep, delta, spec["seed"])
        keep_rows += rows[0]
        fluct_rows += rows[1]
        log(f"t={t}: keep class {keep[:, 0].mean():.3f}, leaves {keep[:, -1].mean():.3f}, "
            f"χ {rows[1][0]['chi']:.3f}")  # fmt: skip
    write_table(keep_rows, args.keep, ["t", "level"])
    write_table(fluct_rows, args.fluct, ["t", "r"])
