"""KL between nearest-neighbour distance histograms of generated and fresh test sequences."""

from __future__ import annotations

import argparse

from diffgen.biased import dataset
from diffgen.biased.jobcontext import MODEL, model_columns
from diffgen.biased.jobcontext import add_arguments as add_job_arguments
from diffgen.biased.samples import load_samples
from diffgen.core import identity
from diffgen.core.device import runtime_device
from diffgen.core.errors import InputFileError
from diffgen.core.jobs import input_file, write_table
from diffgen.core.metrics.divergence import distance_histogram, histogram_kl
from diffgen.core.metrics.nearest import hamming_nearest
from diffgen.core.progress import log
from diffgen.core.specs import Count, Positive, Spec

SPEC = Spec({**MODEL, "n_samples": Count, "kl_floor": Positive})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_job_arguments(parser, SPEC, checkpoints="none")
    parser.add_argument("--samples", nargs="+", required=True, help="sample banks of one run")


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    device = runtime_device(args)
    ds = dataset.load(args.data)
    identity.expect(args.data, "biased", "data", required=False)
    q, length = ds.grammar.q, ds.grammar.length
    train = ds.split(spec["split"], spec["n"])
    test_dist = hamming_nearest(ds.test_set(spec["n_samples"]), train, q, device)
    test_hist = distance_histogram(test_dist, length)
    rows = []
    for path in args.samples:
        model = {f"model__{key}": spec[key] for key in ("n", "split", "seed")}
        input_file(path, "sample bank")
        identity.expect(path, "biased", "sample", required=False, **model)
        tokens, provenance = load_samples(path)
        if tokens.shape[1] != length or tokens.min() < 0 or tokens.max() >= q:
            raise InputFileError(f"{path}: sample bank does not hold sequences of this grammar")
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
