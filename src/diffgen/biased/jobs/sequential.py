"""KL(BP_k || model) at a fixed t/T over checkpoints, on test and training data (Fig 1b, 6).

The KL is summed over positions with both sides clipped at 1e-8 (the paper's
unit); every sequence is noised ``reps`` times, on the same x_t as the
sample-split job.
"""

from __future__ import annotations

import argparse

from diffgen.biased.jobcontext import (
    EVALUATION,
    K_LIST,
    MODEL,
    SCHEDULE,
    JobContext,
    model_columns,
    train_and_test,
)  # fmt: skip
from diffgen.biased.jobcontext import (
    add_arguments as add_job_arguments,
)
from diffgen.biased.metrics.kl import sequence_kl
from diffgen.biased.oracle import grammar_oracle
from diffgen.core.jobs import write_table
from diffgen.core.metrics.divergence import mean_se
from diffgen.core.progress import log
from diffgen.core.specs import Count, Fraction, Spec

SPEC = Spec(
    {**MODEL, **EVALUATION, "t_fraction": Fraction, "n_sequences": Count, "reps": Count,
     "ks": K_LIST},
    SCHEDULE,
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_job_arguments(parser, SPEC)


def run(args: argparse.Namespace) -> None:
    job = JobContext(args)
    spec, t = job.spec, job.step()
    inputs, oracles = {}, {}
    for name, tokens in train_and_test(job.ds, spec, spec["n_sequences"]).items():
        _, t_vec, x_t = job.noisy(tokens, t, spec["reps"])
        inputs[name] = (t_vec, x_t)
        oracles[name] = {k: job.log_probs(grammar_oracle(job, k), x_t, t_vec) for k in spec["ks"]}
    rows = []
    for path in args.checkpoints:
        model, epoch = job.checkpoint(path)
        for name, (t_vec, x_t) in inputs.items():
            log_model = job.log_probs(model, x_t, t_vec)
            for k, log_bp in oracles[name].items():
                kl_mean, kl_se = mean_se(sequence_kl(log_bp, log_model).numpy())
                rows.append({**model_columns(spec, epoch), "data": name, "k": k, "t": t,
                             "kl_mean": kl_mean, "kl_se": kl_se})  # fmt: skip
        exact = [r["kl_mean"] for r in rows if r["epoch"] == epoch and r["k"] == min(spec["ks"])]
        log(f"epoch {epoch}: KL(BP_k||model) at k={min(spec['ks'])}: {exact}")
    write_table(rows, args.out, ["epoch", "data", "k"])
