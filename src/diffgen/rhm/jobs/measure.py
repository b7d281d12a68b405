"""Measure every sampled checkpoint of a run: validity per level, copies, windowed losses."""

from __future__ import annotations

import argparse

import torch

from diffgen.core import identity
from diffgen.core.device import runtime_device
from diffgen.core.diffusion.d3pm import uniform_schedule
from diffgen.core.errors import ConfigError, InputFileError
from diffgen.core.jobs import add_runtime, add_spec, input_file, write_table
from diffgen.core.progress import log
from diffgen.core.specs import Count, Index, Spec
from diffgen.rhm.checkpoints import ModelDenoiser, load_model
from diffgen.rhm.dataset import load_dataset
from diffgen.rhm.evaluation import copies, window_losses
from diffgen.rhm.jobspecs import DIFFUSION, RUN, schedule_rule
from diffgen.rhm.parsing import Parser, validity
from diffgen.rhm.samples import load_samples

SPEC = Spec(
    {
        "run": RUN, "diffusion": DIFFUSION, "eval_seed": Index, "loss_strings": Count,
        "batch_size": Count, "mixed_precision": bool,
    },
    schedule_rule,
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="the run's RHM dataset (HDF5)")
    parser.add_argument("--checkpoints", nargs="+", required=True)
    parser.add_argument("--samples", nargs="+", required=True, help="one bank per checkpoint")
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True, help="output table (CSV)")
    add_runtime(parser)


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    if len(args.checkpoints) != len(args.samples):
        raise ConfigError("--samples must name one bank per --checkpoints entry")
    for path in [*args.checkpoints, *args.samples]:
        input_file(path, "checkpoint or sample bank")
    identity.expect(args.data, "rhm", "data", P=spec["run"]["P"])
    for checkpoint, bank in zip(args.checkpoints, args.samples, strict=True):
        made = identity.expect(checkpoint, "rhm", "train", **spec["run"])
        position = made["spec"]["position"]
        identity.expect(bank, "rhm", "sample", run=spec["run"], step=position)
    device = runtime_device(args)
    data = load_dataset(args.data)
    sh = data.grammar.shape
    parser = Parser(data.grammar)
    schedule = uniform_schedule(**spec["diffusion"])
    sets = {
        "train": torch.from_numpy(data.train[-1][: spec["loss_strings"]]),
        "test": torch.from_numpy(data.test[-1][: spec["loss_strings"]]),
    }
    rows = []
    for checkpoint, bank in zip(args.checkpoints, args.samples, strict=True):
        model, payload = load_model(checkpoint, device)
        tokens, provenance = load_samples(bank)
        if provenance["step"] != payload["step"]:
            raise InputFileError(f"{bank}: holds step {provenance['step']}, not {payload['step']}")
        valid = validity(parser.parse(tokens))
        copied = copies(tokens, data.train[-1])
        row = {**spec["run"], "step": payload["step"], "epoch": payload["step"] * payload[
            "spec"]["batch_size"] / spec["run"]["P"], "n_samples": len(tokens),
            "loss_ema": payload["loss_ema"]}  # fmt: skip
        for h in range(1, sh.L + 1):
            row[f"valid_{h}"] = float(valid[:, h - 1].mean())
        row["copies"] = float(copied.mean())
        row["new_valid"] = float(((valid[:, -1] == 1) & ~copied).mean())
        denoiser = ModelDenoiser(model, spec["mixed_precision"])
        for which, leaves in sets.items():
            if len(leaves) == 0:
                continue
            losses = window_losses(denoiser, leaves, schedule, sh.v, spec["eval_seed"], which,
                                   spec["batch_size"], device)  # fmt: skip
            row[f"{which}_loss"] = sum(losses) / len(losses)
            row.update({f"{which}_loss_w{w}": value for w, value in enumerate(losses)})
        log(
            f"step {row['step']}: valid "
            + "/".join(f"{row[f'valid_{h}']:.3f}" for h in range(1, sh.L + 1))
            + f", copies {row['copies']:.3f}, test loss {row.get('test_loss', float('nan')):.5f}"
        )
        rows.append(row)
    write_table(rows, args.out, ["step"])
