"""KL between two models' posteriors over checkpoints: the sample-split divergence."""

from __future__ import annotations

import argparse

from diffgen.biased.checkpoints import checkpoint_epoch
from diffgen.biased.jobcontext import EVALUATION, JobContext
from diffgen.biased.jobcontext import add_arguments as add_job_arguments
from diffgen.core.errors import InputFileError
from diffgen.core.jobs import write_table
from diffgen.core.metrics.divergence import mean_se, positionwise_kl
from diffgen.core.progress import log
from diffgen.core.specs import Count, Fraction, Spec

SPEC = Spec(
    {"n": Count, "pair": str, "same_split": bool, **EVALUATION, "t_fraction": Fraction,
     "n_sequences": Count}
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_job_arguments(parser, SPEC, checkpoints="none")
    parser.add_argument("--first", nargs="+", required=True, help="checkpoints of model 1")
    parser.add_argument("--second", nargs="+", required=True, help="checkpoints of model 2")


def run(args: argparse.Namespace) -> None:
    args.checkpoints = [*args.first, *args.second]
    job = JobContext(args)
    spec, t = job.spec, job.step()
    tokens = job.ds.test_set(spec["n_sequences"])
    _, t_vec, x_t = job.noisy(tokens, t)
    firsts = {checkpoint_epoch(p): p for p in args.first}
    seconds = {checkpoint_epoch(p): p for p in args.second}
    if set(firsts) != set(seconds):
        raise InputFileError("the two models of a pair must have the same checkpoint epochs")
    rows = []
    for epoch in sorted(firsts):
        log_1, log_2 = (
            job.log_probs(job.model(path), x_t, t_vec) for path in (firsts[epoch], seconds[epoch])
        )
        kl_mean, kl_se = mean_se(positionwise_kl(log_1, log_2).numpy())
        rows.append({"n": spec["n"], "pair": spec["pair"], "same_split": spec["same_split"],
                     "epoch": epoch, "t": t, "kl_mean": kl_mean, "kl_se": kl_se})  # fmt: skip
        log(f"epoch {epoch}: sample-split KL {kl_mean:.4g}")
    write_table(rows, args.out, ["epoch"])
