"""DSM cross-entropy of every checkpoint of a run, on test and train data."""

from __future__ import annotations

import argparse

from diffgen.biased.checkpoints import checkpoint_epoch
from diffgen.biased.evaluation import mean_cross_entropy
from diffgen.biased.jobcontext import (
    DIFFUSION,
    MODEL,
    JobContext,
    model_columns,
    train_and_test,
)  # fmt: skip
from diffgen.biased.jobcontext import (
    add_arguments as add_job_arguments,
)
from diffgen.core.jobs import write_table
from diffgen.core.progress import log
from diffgen.core.specs import Count, Index, Spec

SPEC = Spec(
    {**MODEL, **DIFFUSION, "mixed_precision": bool, "loss_sequences": Count, "eval_seed": Index}
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_job_arguments(parser, SPEC)


def run(args: argparse.Namespace) -> None:
    job = JobContext(args)
    spec = job.spec
    batches = {
        name: job.noisy(tokens)
        for name, tokens in train_and_test(job.ds, spec, spec["loss_sequences"]).items()
    }
    rows = []
    for path in args.checkpoints:
        denoiser = job.model(path)
        row = model_columns(spec, checkpoint_epoch(path))
        for name, batch in batches.items():
            row[f"{name}_loss"] = mean_cross_entropy(denoiser, *batch)
        log(f"epoch {row['epoch']}: test {row['test_loss']:.4f}, train {row['train_loss']:.4f}")
        rows.append(row)
    write_table(rows, args.out, ["epoch"])
