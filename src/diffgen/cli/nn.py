"""``diffgen nn-divergence``: nearest-neighbour divergence of a run's sample banks."""

from __future__ import annotations

import argparse

import pandas as pd

from .. import dataset
from ..atomic import atomic_path
from ..device import runtime_device
from ..metrics.divergence import distance_histogram, histogram_kl
from ..metrics.nearest import hamming_nearest
from ..progress import log
from ..samples import load_samples
from . import add_runtime_arguments, spec_argument


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True)
    parser.add_argument("--samples", nargs="+", required=True, help="sample banks of one run")
    parser.add_argument(
        "--spec",
        type=spec_argument,
        required=True,
        help="JSON: n, split, seed, n_samples, kl_floor",
    )
    parser.add_argument("--out", required=True)
    add_runtime_arguments(parser)


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    device = runtime_device(args)
    ds = dataset.load(args.data)
    q, length = ds.grammar.q, ds.grammar.length
    train = ds.split(spec["split"], spec["n"])
    test = ds.test_set(spec["n_samples"])
    test_dist = hamming_nearest(test, train, q, device)
    test_hist = distance_histogram(test_dist, length)
    rows = []
    for path in args.samples:
        tokens, provenance = load_samples(path)
        gen_dist = hamming_nearest(tokens, train, q, device)
        gen_hist = distance_histogram(gen_dist, length)
        row = {
            "n": spec["n"],
            "split": spec["split"],
            "seed": spec["seed"],
            "epoch": provenance["epoch"],
            "nn_kl": histogram_kl(gen_hist, test_hist, spec["kl_floor"]),
            "mean_nn_generated": float(gen_dist.mean()),
            "mean_nn_test": float(test_dist.mean()),
            "copy_fraction_generated": float((gen_dist == 0).mean()),
            "copy_fraction_test": float((test_dist == 0).mean()),
        }
        log(f"epoch {row['epoch']}: NN divergence {row['nn_kl']:.4g}")
        rows.append(row)
    with atomic_path(args.out) as tmp:
        pd.DataFrame(rows).sort_values("epoch").to_csv(tmp, index=False)


COMMANDS = {
    "nn-divergence": (
        "KL between nearest-neighbour distance histograms of generated "
        "and fresh test sequences, per checkpoint",
        add_arguments,
        run,
    )
}
