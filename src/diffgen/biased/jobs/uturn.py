"""U-turn overlaps of the model and exact BP from training and test starts (Fig 5)."""

from __future__ import annotations

import argparse

from diffgen.biased.jobcontext import SCHEDULE, train_and_test
from diffgen.biased.jobcontext import add_arguments as add_job_arguments
from diffgen.biased.metrics.uturn import overlap_ratio
from diffgen.biased.oracle import grammar_oracle
from diffgen.biased.uturnjob import UTURN, UTurnJob
from diffgen.core.jobs import write_table
from diffgen.core.metrics.divergence import mean_se
from diffgen.core.progress import log
from diffgen.core.specs import Spec

SPEC = Spec(UTURN, SCHEDULE)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_job_arguments(parser, SPEC, checkpoints="one")


def run(args: argparse.Namespace) -> None:
    job = UTurnJob(args)
    spec = job.spec
    denoisers = {"model": job.trained, "bp": grammar_oracle(job, 0)}
    starts = train_and_test(job.ds, spec, spec["n_sequences"])
    rows = []
    for index, t in enumerate(job.steps):
        for data_index, (name, tokens) in enumerate(starts.items()):
            seed = spec["uturn_seed"] + 1000 * index + 100 * data_index
            res = job.overlaps(denoisers, tokens, t, seed)
            ratio_mean, ratio_se = mean_se(overlap_ratio(res["model"], res["bp"]))
            model_mean, model_se = mean_se(res["model"].mean(axis=0))
            bp_mean, bp_se = mean_se(res["bp"].mean(axis=0))
            rows.append({**job.columns(t), "reference": spec["reference"], "data": name,
                         "overlap_model": model_mean, "overlap_model_se": model_se,
                         "overlap_bp": bp_mean, "overlap_bp_se": bp_se,
                         "ratio": ratio_mean, "ratio_se": ratio_se})  # fmt: skip
            log(f"t={t} {name}: model {model_mean:.3f}, BP {bp_mean:.3f}, ratio {ratio_mean:.3f}")
    write_table(rows, args.out, ["t", "data"])
