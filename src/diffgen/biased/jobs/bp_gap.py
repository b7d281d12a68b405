"""KL(BP_0 || BP_k) along t on forward-noised held-out data: Fig 3(b)'s reference curves.

How much of the exact posterior the factorised BP_k misses at each time; the
same x_t (sequences, repetitions and noise) as the score-divergence jobs in
their forward mode. Mean ± s.e. over sequences and repetitions.
"""

from __future__ import annotations

import argparse

from diffgen.biased.jobcontext import EVALUATION, GRID, K_LIST, SCHEDULE, JobContext
from diffgen.biased.jobcontext import add_arguments as add_job_arguments
from diffgen.biased.metrics.kl import sequence_kl
from diffgen.biased.oracle import grammar_oracle
from diffgen.core.jobs import write_table
from diffgen.core.metrics.divergence import mean_se
from diffgen.core.progress import Progress
from diffgen.core.specs import Count, Spec

SPEC = Spec(
    {**EVALUATION, "t_fractions": GRID, "n_sequences": Count, "reps": Count, "ks": K_LIST}, SCHEDULE
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_job_arguments(parser, SPEC, checkpoints="none")


def run(args: argparse.Namespace) -> None:
    job = JobContext(args)
    spec, grid = job.spec, job.grid()
    exact = grammar_oracle(job, 0)
    factorised = {k: grammar_oracle(job, k) for k in spec["ks"]}
    tokens = job.ds.test_set(spec["n_sequences"])
    progress = Progress("KL(BP_0 || BP_k) along t", len(grid), unit="steps")
    rows = []
    for done, t in enumerate(grid, 1):
        _, t_vec, x_t = job.noisy(tokens, t, spec["reps"])
        log_exact = job.log_probs(exact, x_t, t_vec)
        for k, oracle in factorised.items():
            kl_mean, kl_se = mean_se(sequence_kl(log_exact, job.log_probs(oracle, x_t, t_vec)))
            rows.append({"t": t, "t_fraction": t / job.schedule.T, "k": k,
                         "kl_mean": kl_mean, "kl_se": kl_se})  # fmt: skip
        progress.update(done)
    write_table(rows, args.out, ["t", "k"])
