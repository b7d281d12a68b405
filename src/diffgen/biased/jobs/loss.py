"""DSM cross-entropy of every checkpoint of a run, on test and train data.

As the reference: the test loss on ``loss_sequences`` held-out sequences
(50,000 at paper scale), the train loss on the whole training split (or its
first ``train_loss_sequences``); one random t and noise per sequence, the same
for every checkpoint.
"""

from __future__ import annotations

import argparse

from diffgen.biased.evaluation import mean_cross_entropy
from diffgen.biased.jobcontext import DIFFUSION, MODEL, SCHEDULE, JobContext, model_columns
from diffgen.biased.jobcontext import (
    add_arguments as add_job_arguments,
)
from diffgen.core.jobs import write_table
from diffgen.core.progress import log
from diffgen.core.specs import Count, Index, Optional, Spec

SPEC = Spec(
    {**MODEL, **DIFFUSION, "mixed_precision": bool, "loss_sequences": Count,
     "train_loss_sequences": Optional(Count), "eval_seed": Index, "batch_size": Count},
    SCHEDULE,
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_job_arguments(parser, SPEC)


def run(args: argparse.Namespace) -> None:
    job = JobContext(args)
    spec = job.spec
    train = job.ds.split(spec["split"], spec["n"])
    data = {
        "train": train[: spec["train_loss_sequences"]],  # None: the whole split
        "test": job.ds.test_set(spec["loss_sequences"]),
    }
    batches = {name: job.noisy(tokens) for name, tokens in data.items()}
    log(f"loss sequences: {len(data['test']):,} test, {len(data['train']):,} train")
    rows = []
    for path in args.checkpoints:
        denoiser, epoch = job.checkpoint(path)
        row = model_columns(spec, epoch)
        for name, batch in batches.items():
            row[f"{name}_loss"] = mean_cross_entropy(denoiser, *batch, spec["batch_size"])
        log(f"epoch {row['epoch']}: test {row['test_loss']:.4f}, train {row['train_loss']:.4f}")
        rows.append(row)
    write_table(rows, args.out, ["epoch"])
