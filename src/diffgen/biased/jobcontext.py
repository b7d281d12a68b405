"""What study 1's model-evaluation jobs share: spec pieces, arguments, the loaded context.

BP is not here (jobs that use it import :mod:`diffgen.biased.oracle`), so the
jobs that never run BP do not depend on its code.
"""

from __future__ import annotations

import argparse

import torch

from diffgen.biased import dataset
from diffgen.biased.denoisers import ModelDenoiser
from diffgen.biased.evaluation import fixed_noisy_batch
from diffgen.biased.models import checkpoint_denoiser, model_denoiser, schedule_from
from diffgen.core import identity
from diffgen.core.checks import schedule_rule
from diffgen.core.denoisers import Denoiser
from diffgen.core.device import runtime_device
from diffgen.core.jobs import add_runtime, add_spec, input_file
from diffgen.core.specs import Count, Fraction, Index, Optional, Positive, Range, Spec

#: Spec pieces: the diffusion, a model's identity, evaluation settings.
DIFFUSION = {"diffusion": {"T": Count, "beta_start": Positive, "beta_end": Positive}}
#: The check every spec with the DIFFUSION piece runs (the config checks run it too).
SCHEDULE = schedule_rule("diffusion")
MODEL = {"n": Count, "split": Index, "seed": Index}
EVALUATION = {**DIFFUSION, "mixed_precision": bool, "eval_seed": Index, "batch_size": Count}
K_LIST = [Range(int, 0)]
FRACTIONS = [Fraction]
#: A t grid: a list of t/T, or null for every step 1..T.
GRID = Optional(FRACTIONS)


def add_arguments(parser: argparse.ArgumentParser, spec: Spec, checkpoints: str = "many") -> None:
    """--data, --checkpoint(s), --spec, --out and the runtime options of a job."""
    parser.add_argument("--data", required=True, help="grammar dataset (HDF5)")
    if checkpoints == "many":
        parser.add_argument("--checkpoints", nargs="+", required=True)
    elif checkpoints == "one":
        parser.add_argument("--checkpoint", required=True)
    add_spec(parser, spec)
    parser.add_argument("--out", required=True, help="output table (CSV)")
    add_runtime(parser)


def batched_log_probs(
    denoiser: Denoiser, x_t: torch.Tensor, t: torch.Tensor, batch: int, device
) -> torch.Tensor:
    """Log-probabilities over many rows, in device batches, returned on the CPU."""
    parts = [
        denoiser.log_probs(x_t[rows].to(device), t[rows].to(device)).float().cpu()
        for rows in torch.split(torch.arange(x_t.shape[0]), batch)
    ]
    return torch.cat(parts)


def model_columns(spec: dict, epoch: int) -> dict:
    """The columns that identify a model's row: size, split, seed, epoch."""
    return {"n": spec["n"], "split": spec["split"], "seed": spec["seed"], "epoch": epoch}


def train_and_test(ds, spec: dict, count: int) -> dict:
    """The first ``count`` sequences of the model's training split and of the test pool."""
    return {
        "train": ds.split(spec["split"], spec["n"])[:count],
        "test": ds.test_set(count),
    }


class JobContext:
    """What a model-evaluation job loads first: spec, device, dataset, grammar, schedule.

    Inputs are checked to be files, and the files their spec names (identity
    records: size, split, seed, T, trained on this data set) before anything is computed.
    """

    def __init__(self, args) -> None:
        self.spec = args.spec
        model = {key: self.spec[key] for key in ("n", "split", "seed") if key in self.spec}
        if "diffusion" in self.spec:
            model["T"] = self.spec["diffusion"]["T"]
        made = {}
        for path in getattr(args, "checkpoints", None) or [getattr(args, "checkpoint", None)]:
            if path is not None:
                input_file(path, "checkpoint")
                made[path] = identity.expect(path, "biased", "train", required=False, **model)
        self.device = runtime_device(args)
        self.ds = dataset.load(args.data)
        data = identity.expect(args.data, "biased", "data", required=False)
        for path, found in made.items():  # trained on this very data set
            identity.made_from(path, found, "data", args.data, data)
        self.grammar = self.ds.grammar
        self.schedule = schedule_from(self.spec)

    def step(self, key: str = "t_fraction") -> int:
        """The diffusion step of the spec's time fraction ``key``."""
        return self.schedule.t_of_fraction(self.spec[key])

    def grid(self) -> list[int]:
        """The distinct steps of the spec's ``t_fractions``, ascending (null: every step)."""
        fractions = self.spec["t_fractions"]
        if fractions is None:
            return list(range(1, self.schedule.T + 1))
        return sorted({self.schedule.t_of_fraction(f) for f in fractions})

    def model(self, path: str) -> ModelDenoiser:
        return model_denoiser(path, self.device, self.spec)

    def checkpoint(self, path: str) -> tuple[ModelDenoiser, int]:
        """A checkpoint as a denoiser and its epoch, from one read of the file."""
        denoiser, epoch, _ = checkpoint_denoiser(path, self.device, self.spec)
        return denoiser, epoch

    def log_probs(self, denoiser: Denoiser, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return batched_log_probs(denoiser, x_t, t, self.spec["batch_size"], self.device)

    def noisy(self, tokens, t: int | None = None, reps: int = 1):
        """(x0, t, x_t) of ``tokens`` (``reps`` noise repetitions) with the evaluation noise."""
        q, seed = self.grammar.q, self.spec["eval_seed"]
        return fixed_noisy_batch(tokens, q, self.schedule, seed, t, reps)
