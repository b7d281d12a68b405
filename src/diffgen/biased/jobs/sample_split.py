"""Sample-split KL between every pair of a size's models, over checkpoints (Fig 1b, Fig 6).

One job per size: at each checkpoint epoch every model's posterior on the
shared noisy held-out data is computed once, then every pair is compared, so
the cost is linear in models however many pairs there are. One output row per
(epoch, pair, noise repetition, data): the KL averaged over the repetition's
sequences. ``data`` is ``test`` (the held-out pool) and, with ``train_panel``,
``train``: the first model's own training sequences (the reference's train
panel of Fig 1(b)/6), which costs each pair's second model one more posterior.
"""

from __future__ import annotations

import argparse

import numpy as np

from diffgen.biased.denoisers import ModelDenoiser
from diffgen.biased.jobcontext import EVALUATION, SCHEDULE, JobContext
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
        "train_panel": bool,
    },
    SCHEDULE,
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


def _data_sets(job: JobContext, t: int) -> dict:
    """key -> (t, x_t): the held-out pool, and every first model's training split."""
    spec, reps, count = job.spec, job.spec["reps"], job.spec["n_sequences"]
    sets = {"test": job.noisy(job.ds.test_set(count), t, reps)[1:]}
    if spec["train_panel"]:
        for split in sorted({spec["models"][pair["first"]]["split"] for pair in spec["pairs"]}):
            tokens = job.ds.split(split, spec["n"])[:count]
            sets[f"split{split}"] = job.noisy(tokens, t, reps)[1:]
    return sets


def _needed(spec: dict) -> set[tuple[int, str]]:
    """(model, data key) of every posterior the pairs compare."""
    needed = set()
    for pair in spec["pairs"]:
        keys = ["test"]
        if spec["train_panel"]:
            keys.append(f"split{spec['models'][pair['first']]['split']}")
        needed |= {(pair[end], key) for end in ("first", "second") for key in keys}
    return needed


def run(args: argparse.Namespace) -> None:
    job = JobContext(args)
    spec, t, reps = job.spec, job.step(), job.spec["reps"]
    models, epochs = spec["models"], spec["epochs"]
    _check_spec(spec, args.checkpoints)
    sets, needed = _data_sets(job, t), _needed(spec)
    rows = []
    for e, epoch in enumerate(epochs):
        posteriors = {}
        for m, model in enumerate(models):
            keys = [key for index, key in needed if index == m]
            if not keys:
                continue
            path = args.checkpoints[m * len(epochs) + e]
            expected = (spec["n"], model["split"], model["seed"], epoch)
            denoiser = _load(job, path, expected)
            for key in keys:
                t_vec, x_t = sets[key]
                posteriors[m, key] = job.log_probs(denoiser, x_t, t_vec)
        for pair in spec["pairs"]:
            first, second = models[pair["first"]], models[pair["second"]]
            name = pair_name(first, second, pair["same_split"])
            panels = {"test": "test"}
            if spec["train_panel"]:
                panels["train"] = f"split{first['split']}"
            for data, key in panels.items():
                kl = sequence_kl(posteriors[pair["first"], key], posteriors[pair["second"], key])
                for rep, values in enumerate(np.split(kl.numpy(), reps)):
                    kl_mean, kl_se = mean_se(values)
                    rows.append({"n": spec["n"], "epoch": epoch, "t": t, "pair": name,
                                 "split1": first["split"], "seed1": first["seed"],
                                 "split2": second["split"], "seed2": second["seed"],
                                 "same_split": pair["same_split"], "data": data, "rep": rep,
                                 "kl_mean": kl_mean, "kl_se": kl_se})  # fmt: skip
        disjoint = [r["kl_mean"] for r in rows if r["epoch"] == epoch
                    and not r["same_split"] and r["data"] == "test"]  # fmt: skip
        log(f"epoch {epoch}: cross-split KL {np.mean(disjoint) if disjoint else np.nan:.4g}")
    write_table(rows, args.out, ["epoch", "pair", "data", "rep"])
