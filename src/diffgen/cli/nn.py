"""``diffgen nn-divergence``: nearest-neighbour divergence of a run's sample banks."""

from __future__ import annotations

import argparse

from .. import dataset
from ..device import runtime_device
from ..metrics.divergence import distance_histogram, histogram_kl
from ..metrics.nearest import hamming_nearest
from ..progress import log
from ..samples import load_samples
from .jobs import add_job_arguments, model_columns, write_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_job_arguments(parser, "n, split, seed, n_samples, kl_floor", checkpoints="none")
    parser.add_argument("--samples", nargs="+", required=True, help="sample banks of one run")


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    device = runtime_device(args)
    ds = dataset.load(args.data)
    q, length = ds.grammar.q, ds.grammar.length
    train = ds.split(spec["split"], spec["n"])
    test_dist = hamming_nearest(ds.test_set(spec["n_samples"]), train, q, device)
    test_hist = distance_histogram(test_dist, length)
    rows = []
    for path in args.samples:
        tokens, provenance = load_samples(path)
        gen_dist = hamming_nearest(tokens, train, q, device)
        gen_hist = distance_histogram(gen_dist, length)
        rows.append(
            {
                **model_columns(spec, provenance["epoch"]),
                "nn_kl": histogram_kl(gen_hist, test_hist, spec["kl_floor"]),
                "mean_nn_generated": float(gen_dist.mean()),
                "mean_nn_test": float(test_dist.mean()),
                "copy_fraction_generated": float((gen_dist == 0).mean()),
                "copy_fraction_test": float((test_dist == 0).mean()),
            }
        )
        log(f"epoch {provenance['epoch']}: NN divergence {rows[-1]['nn_kl']:.4g}")
    write_table(rows, args.out, ["epoch"])


COMMANDS = {
    "nn-divergence": (
        "KL between nearest-neighbour distance histograms of generated and fresh test "
        "sequences, per checkpoint",
        add_arguments,
        run,
    )
}
