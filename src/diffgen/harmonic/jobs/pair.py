"""Models A and B of one N: samples from shared noise, c_AB, c_A, c_B, nearest images, V(σ).

A seed whose sampler aborted for A or B (the model diverged, or ran out of steps) gets
no cosines: its table rows say ``aborted`` and its steps, the log one line per model.
"""

from __future__ import annotations

import argparse
import sys

import torch

from diffgen.core.device import runtime_device
from diffgen.core.jobs import add_runtime, add_spec, input_file, write_table
from diffgen.core.specs import Count, Index, Positive, Spec
from diffgen.harmonic import datasets, measures, sampler
from diffgen.harmonic.evaluate import residual_fn, test_noise
from diffgen.harmonic.jobspecs import (
    RUN,
    SAMPLER,
    expect_data,
    expect_model,
    pixels,
    run_columns,
)
from diffgen.harmonic.training import load_model

SPEC = Spec(
    {
        "run": RUN,
        "sampler": SAMPLER,
        "samples": Count,
        "shown": Index,
        "seed": Index,
        "variance": {"sigmas": [Positive], "images": Count, "seed": Index},
    }
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    for name in ("model-a", "model-b", "data-a", "data-b", "test"):
        parser.add_argument(f"--{name}", required=True)
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True, help="cosines and V(σ) (CSV)")
    parser.add_argument("--images", required=True, help="fig1 images (CSV)")
    add_runtime(parser)


def variance(ra, rb, x: torch.Tensor, sigmas: list[float], seed: int) -> list[float]:
    """V(σ) = E‖D_A - D_B‖² / (E‖D_A - x‖² + E‖D_B - x‖²) on clean images x."""
    out = []
    for i, sigma in enumerate(sigmas):
        y = x + sigma * test_noise(seed, i, tuple(x.shape))
        da, db = y - ra(y), y - rb(y)
        num = ((da - db) ** 2).sum()
        out.append(float(num / (((da - x) ** 2).sum() + ((db - x) ** 2).sum())))
    return out


def divergence_note(run: dict, name: str, draws: sampler.Samples) -> str | None:
    """One line when some samples of model ``name`` aborted (None if every sample stopped)."""
    bad = int(draws.aborted.sum())
    if not bad:
        return None
    return (
        f"diffgen: warning: {run['dataset']} N={run['N']} model {name}: {bad} of "
        f"{len(draws.aborted)} samples aborted (σ_t rose or max_T reached; their cosines "
        "are left out; a larger sampler.sigma_L or a better-trained model helps)"
    )


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    device = runtime_device(args)
    run = spec["run"]
    for split, model, data in (("A", args.model_a, args.data_a), ("B", args.model_b, args.data_b)):
        expect_model(input_file(model, "model"), run, split)
        expect_data(input_file(data, "split"), run, split)
    expect_data(input_file(args.test, "test set"), run, "test")
    models = [load_model(p, device)[0] for p in (args.model_a, args.model_b)]
    train = [torch.from_numpy(datasets.load(p)[0]) for p in (args.data_a, args.data_b)]
    test = torch.from_numpy(datasets.load(args.test)[0])
    L = test.shape[-1]
    settings = sampler.SamplerSettings(**spec["sampler"])
    seeds = list(range(spec["samples"]))
    residuals = [residual_fn(m, device) for m in models]
    draws = [sampler.sample(r, seeds, L, settings, spec["seed"], device) for r in residuals]
    base = run_columns(spec["run"])
    rows, images = [], []
    c_ab = measures.centred_cos(draws[0].images, draws[1].images).diagonal()
    nearest = [measures.nearest(d.images, x) for d, x in zip(draws, train, strict=True)]
    for name, draw in zip("AB", draws, strict=True):
        note = divergence_note(spec["run"], name, draw)
        if note:
            print(note, file=sys.stderr)
    for s in seeds:
        kept = not (draws[0].aborted[s] or draws[1].aborted[s])
        cosines = {"c_AB": c_ab[s], "c_A": nearest[0][0][s], "c_B": nearest[1][0][s]}
        values = {
            **(cosines if kept else {}),
            "steps_A": draws[0].steps[s],
            "steps_B": draws[1].steps[s],
            "aborted": float(draws[0].aborted[s] or draws[1].aborted[s]),
        }
        for quantity, value in values.items():
            rows.append(
                {**base, "quantity": quantity, "seed": s, "sigma": 0.0, "value": float(value)}
            )
    var = spec["variance"]
    x = test[: var["images"]]
    for sigma, value in zip(
        var["sigmas"], variance(*residuals, x, var["sigmas"], var["seed"]), strict=True
    ):
        rows.append({**base, "quantity": "V", "seed": -1, "sigma": sigma, "value": value})
    for s in seeds[: spec["shown"]]:
        panels = {
            "nearest_A": train[0][nearest[0][1][s]],
            "sample_A": draws[0].images[s],
            "sample_B": draws[1].images[s],
            "nearest_B": train[1][nearest[1][1][s]],
        }
        for panel, image in panels.items():
            images.append({**base, "seed": s, "panel": panel, "pixels": pixels(image)})
    write_table(rows, args.out)
    write_table(images, args.images)
