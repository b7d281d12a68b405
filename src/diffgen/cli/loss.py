"""``diffgen loss``: test and train DSM cross-entropy of every checkpoint of a run."""

from __future__ import annotations

import argparse

from ..checkpoints import checkpoint_epoch
from ..evaluation import mean_cross_entropy
from ..progress import log
from .common import JobContext
from .jobs import add_job_arguments, model_columns, train_and_test, write_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_job_arguments(parser, "n, split, seed, loss_sequences, eval_seed, diffusion")


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


COMMANDS = {
    "loss": ("DSM cross-entropy of every checkpoint on test and train data", add_arguments, run)
}
