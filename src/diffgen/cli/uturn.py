"""U-turn experiments (Fig 5 and App. Fig 11).

* ``diffgen uturn``: training and test sequences noised to t and denoised back
  by the model and by exact BP; overlaps with the start and their ratio.
* ``diffgen uturn-random``: uniform random sequences through the model, the
  empirical denoiser of a training subset, and BP_k.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from .. import dataset
from ..atomic import atomic_path
from ..checkpoints import checkpoint_epoch
from ..denoisers import BPDenoiser, EmpiricalDenoiser
from ..device import runtime_device
from ..metrics.divergence import mean_se
from ..metrics.uturn import overlap_ratio, uturn_overlaps
from ..progress import log
from . import add_runtime_arguments, spec_argument
from .common import model_denoiser, schedule_from


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True)
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument(
        "--spec",
        type=spec_argument,
        required=True,
        help="JSON: n, split, seed, reference, t_fractions, n_sequences, reps, "
        "uturn_seed, batch_size, diffusion, mixed_precision (+ ks, "
        "empirical_size for uturn-random)",
    )
    parser.add_argument("--out", required=True)
    add_runtime_arguments(parser)


def _grid(spec: dict, schedule) -> list[int]:
    return sorted({schedule.t_of_fraction(f) for f in spec["t_fractions"]})


def _write(rows: list[dict], out: str, sort: list[str]) -> None:
    with atomic_path(out) as tmp:
        pd.DataFrame(rows).sort_values(sort).to_csv(tmp, index=False)


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    device = runtime_device(args)
    ds = dataset.load(args.data)
    g = ds.grammar
    schedule = schedule_from(spec)
    denoisers = {
        "model": model_denoiser(args.checkpoint, device, spec),
        "bp": BPDenoiser(g.M, g.l, schedule, k=0, device=device),
    }
    epoch = checkpoint_epoch(args.checkpoint)
    starts = {
        "train": ds.split(spec["split"], spec["n"])[: spec["n_sequences"]],
        "test": ds.test_set(spec["n_sequences"]),
    }
    rows = []
    for index, t in enumerate(_grid(spec, schedule)):
        for data_index, (name, tokens) in enumerate(starts.items()):
            seed = spec["uturn_seed"] + 1000 * index + 100 * data_index
            res = uturn_overlaps(
                denoisers, tokens, t, schedule, g.q, spec["reps"], seed, spec["batch_size"], device
            )
            ratio_mean, ratio_se = mean_se(overlap_ratio(res["model"], res["bp"]))
            model_mean, model_se = mean_se(res["model"].mean(axis=0))
            bp_mean, bp_se = mean_se(res["bp"].mean(axis=0))
            rows.append(
                {
                    "n": spec["n"],
                    "split": spec["split"],
                    "seed": spec["seed"],
                    "reference": spec["reference"],
                    "epoch": epoch,
                    "t": t,
                    "t_fraction": t / schedule.T,
                    "data": name,
                    "overlap_model": model_mean,
                    "overlap_model_se": model_se,
                    "overlap_bp": bp_mean,
                    "overlap_bp_se": bp_se,
                    "ratio": ratio_mean,
                    "ratio_se": ratio_se,
                }
            )
            log(f"t={t} {name}: model {model_mean:.3f}, BP {bp_mean:.3f}, ratio {ratio_mean:.3f}")
    _write(rows, args.out, ["t", "data"])


def run_random(args: argparse.Namespace) -> None:
    spec = args.spec
    device = runtime_device(args)
    ds = dataset.load(args.data)
    g = ds.grammar
    schedule = schedule_from(spec)
    train = ds.split(spec["split"], spec["n"])
    rng = np.random.default_rng([spec["uturn_seed"], spec["split"], spec["seed"]])
    subset = train[np.sort(rng.choice(len(train), spec["empirical_size"], replace=False))]
    denoisers = {
        "model": model_denoiser(args.checkpoint, device, spec),
        "empirical": EmpiricalDenoiser(
            F.one_hot(torch.as_tensor(subset, dtype=torch.long), g.q).float().to(device), schedule
        ),
        **{f"bp{k}": BPDenoiser(g.M, g.l, schedule, k=k, device=device) for k in spec["ks"]},
    }
    epoch = checkpoint_epoch(args.checkpoint)
    starts = rng.integers(0, g.q, size=(spec["n_sequences"], g.length))
    rows = []
    for index, t in enumerate(_grid(spec, schedule)):
        res = uturn_overlaps(
            denoisers,
            starts,
            t,
            schedule,
            g.q,
            spec["reps"],
            spec["uturn_seed"] + 1000 * index,
            spec["batch_size"],
            device,
        )
        for name, values in res.items():
            mean, se = mean_se(values.mean(axis=0))
            rows.append(
                {
                    "n": spec["n"],
                    "split": spec["split"],
                    "seed": spec["seed"],
                    "epoch": epoch,
                    "t": t,
                    "t_fraction": t / schedule.T,
                    "denoiser": name,
                    "overlap": mean,
                    "overlap_se": se,
                }
            )
        log(
            f"t={t}: " + ", ".join(f"{r['denoiser']} {r['overlap']:.3f}" for r in rows[-len(res) :])
        )
    _write(rows, args.out, ["t", "denoiser"])


COMMANDS = {
    "uturn": ("U-turn overlaps of model and BP from train and test starts", add_arguments, run),
    "uturn-random": ("U-turn overlaps from uniform random sequences", add_arguments, run_random),
}
