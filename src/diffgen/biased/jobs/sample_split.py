"""Sample-split KL between every pair of a size's models, over checkpoints (Fig 1b, Fig 6).

One job per size: at each checkpoint epoch every model's posterior on the
shared noisy held-out data is computed once, then every pair is compared, so
the cost is linear in models however many pairs there are. One output row per
(epoch, pair, noise repetition): the KL averaged over the repetition's sequences.
"""

from __future__ import annotations

import argparse

import numpy as np

from diffgen.biased.denoisers import ModelDenoiser
from diffgen.biased.jobcontext import EVALUATION, JobContext
from diffgen.biased.jobcontext import add_arguments as add_job_arguments
from diffgen.biased.metrics.kl import sequence_kl
from diffgen.biased.models import checkpoint_denoiser
from diffgen.core.errors import ConfigError, InputFileError
from diffgen.core.jobs import write_table
from diffgen.core.metrics.divergence import mean_se
from diffgen.core.progress import log
from diffgen.core.specs import Count, Fraction, Index, Spec

SPEC = Spec(
    {
        "n": Count, "models": [{"split": Index, "seed": Index}], "epochs": [Count],
        "pairs": [{"first": Index, "second": Index, "same_split": bool}],
        **EVALUATION, "t_fraction": Fraction, "n_sequences": Count, "reps": Count,
    }
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_job_arguments(parser, SPEC)
    parser.epilog = (
        "--checkpoints: every checkpoint of every model, model by model in the spec's "
        "order, each model's in the order of the spec's epochs"
    )


def _check_spec(spec: dict, paths: list[str]) -> None:
    models, epochs = spec["models"], spec["epochs"]
    for i, pair in enumerate(spec["pairs"]):
        for end in ("first", "second"):
            if pair[end] >= len(models):
                raise ConfigError(f"--spec key 'pairs[{i}].{end}': no model {pair[end]}")
    if len(paths) != len(models) * len(epochs):
        raise ConfigError(
            f"--checkpoints: {len(models)} models x {len(epochs)} epochs need "
            f"{len(models) * len(epochs)} files, got {len(paths)}"
        )


def _load(job: JobContext, path: str, expected: tuple) -> ModelDenoiser:
    """A checkpoint as a denoiser, checked to be the (n, split, seed, epoch) expected."""
    denoiser, epoch, run = checkpoint_denoiser(path, job.device, job.spec)
    found = (run.get("n"), run.get("split"), run.get("seed"), epoch)
    if found != expected:
        raise InputFileError(
            f"{path}: checkpoint of (n, split, seed, epoch) = {found}, expected {expected}"
        )
    return denoiser


def pair_name(first: dict, second: dict, same_split: bool) -> str:
    kind = "same" if same_split else "disjoint"
    return f"{kind}{first['split']}-{first['seed']}_{second['split']}-{second['seed']}"


def run(args: argparse.Namespace) -> None:
    job = JobContext(args)
    spec, t, reps = job.spec, job.step(), job.spec["reps"]
    models, epochs = spec["models"], spec["epochs"]
    _check_spec(spec, args.checkpoints)
    _, t_vec, x_t = job.noisy(job.ds.test_set(spec["n_sequences"]), t, reps)
    rows = []
    for e, epoch in enumerate(epochs):
        posteriors = []
        for m, model in enumerate(models):
            path = args.checkpoints[m * len(epochs) + e]
            expected = (spec["n"], model["split"], model["seed"], epoch)
            denoiser = _load(job, path, expected)
            posteriors.append(job.log_probs(denoiser, x_t, t_vec))
        for pair in spec["pairs"]:
            first, second = models[pair["first"]], models[pair["second"]]
            kl = sequence_kl(posteriors[pair["first"]], posteriors[pair["second"]]).numpy()
            name = pair_name(first, second, pair["same_split"])
            for rep, values in enumerate(np.split(kl, reps)):
                kl_mean, kl_se = mean_se(values)
                rows.append({"n": spec["n"], "epoch": epoch, "t": t, "pair": name,
                             "split1": first["split"], "seed1": first["seed"],
                             "split2": second["split"], "seed2": second["seed"],
                             "same_split": pair["same_split"], "rep": rep,
                             "kl_mean": kl_mean, "kl_se": kl_se})  # fmt: skip
        disjoint = [r["kl_mean"] for r in rows if r["epoch"] == epoch and not r["same_split"]]
        log(f"epoch {epoch}: cross-split KL {np.mean(disjoint) if disjoint else np.nan:.4g}")
    write_table(rows, args.out, ["epoch", "pair", "rep"])
