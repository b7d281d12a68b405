"""Split the DSM loss into l* and l~ over checkpoints, at a fixed t and averaged over t (Fig 4b).

The two modes of the reference: ``fixed`` at t = t_fraction·T, and ``mean``
with one t drawn uniformly in 1..T per sequence (the same draws and noise for
every checkpoint), i.e. the expectation over t of the training loss.
"""

from __future__ import annotations

import argparse

from diffgen.biased.jobcontext import (
    EVALUATION,
    MODEL,
    SCHEDULE,
    JobContext,
    model_columns,
    train_and_test,
)  # fmt: skip
from diffgen.biased.jobcontext import (
    add_arguments as add_job_arguments,
)
from diffgen.biased.metrics.loss_decomposition import decompose
from diffgen.biased.oracle import grammar_oracle
from diffgen.core.jobs import write_table
from diffgen.core.progress import log
from diffgen.core.specs import Count, Fraction, Spec

SPEC = Spec({**MODEL, **EVALUATION, "t_fraction": Fraction, "n_sequences": Count}, SCHEDULE)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_job_arguments(parser, SPEC)


def run(args: argparse.Namespace) -> None:
    job = JobContext(args)
    spec, t = job.spec, job.step()
    oracle = grammar_oracle(job)
    prepared = {}
    for name, tokens in train_and_test(job.ds, spec, spec["n_sequences"]).items():
        for mode, step in (("fixed", t), ("mean", None)):
            batch = job.noisy(tokens, step)
            prepared[name, mode] = (*batch, job.log_probs(oracle, batch[2], batch[1]))
    rows = []
    for path in args.checkpoints:
        model, epoch = job.checkpoint(path)
        for (name, mode), (x0, t_vec, x_t, log_bp) in prepared.items():
            terms = decompose(job.log_probs(model, x_t, t_vec), log_bp, x0)
            means = {key: float(value.mean()) for key, value in terms.items()}
            rows.append({**model_columns(spec, epoch), "data": name, "mode": mode,
                         "t": t if mode == "fixed" else 0, **means})  # fmt: skip
        summary = ", ".join(
            f"{r['data']}/{r['mode']} l*={r['l_star']:.4f} l~={r['l_tilde']:.4f}"
            for r in rows[-len(prepared) :]
        )
        log(f"epoch {epoch}: {summary}")
    write_table(rows, args.out, ["epoch", "data", "mode"])
