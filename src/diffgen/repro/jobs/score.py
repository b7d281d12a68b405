"""Score the sample banks of one training set: RP of every pair, GL and on-subspace share."""

from __future__ import annotations

import argparse
import itertools

import torch

from diffgen.core import identity
from diffgen.core.device import runtime_device
from diffgen.core.errors import ConfigError
from diffgen.core.jobs import add_runtime, add_spec, input_file, write_table
from diffgen.core.specs import Count, Positive, Range, Spec
from diffgen.core.tables import NUMBER, read_table
from diffgen.repro import data, measures, molrg, sscd
from diffgen.repro.jobspecs import OPTIONAL_PATH
from diffgen.repro.loading import read_samples

SPEC = Spec({"models": [str], "N": Count, "ratio": Range(float, 0.0, 1.0),
             "subspace_tolerance": Positive, "sscd_path": OPTIONAL_PATH})  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="the training set")
    parser.add_argument("--threshold", required=True, help="the offline τ table")
    parser.add_argument("--samples", nargs="+", required=True, help="one bank per model")
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True, help="output table (CSV)")
    add_runtime(parser)


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    if len(spec["models"]) != len(args.samples):
        raise ConfigError("--samples must name one bank per --spec 'models' entry")
    device = runtime_device(args)
    identity.expect(input_file(args.data, "dataset"), "repro", "data", required=False, N=spec["N"])
    for model, path in zip(spec["models"], args.samples, strict=True):
        fields = {"model": model, "N": spec["N"]}
        identity.expect(input_file(path, "samples"), "repro", "sample", required=False, **fields)
    arrays, data_spec = data.load(args.data)
    train = torch.from_numpy(arrays["x"])
    pairs = zip(spec["models"], args.samples, strict=True)
    banks = {m: read_samples(input_file(path, "samples")) for m, path in pairs}
    tau = float(read_table(args.threshold, {"tau": NUMBER})["tau"].iloc[0])
    base = {"dataset": data_spec["dataset"], "N": spec["N"]}
    rows = [{**base, "quantity": "tau", "a": "-", "b": "-", "value": tau}]
    if spec["sscd_path"]:
        model = sscd.load(spec["sscd_path"], device)
        feats = {m: sscd.descriptors(model, x.to(device)).cpu() for m, x in banks.items()}
        train_feats = sscd.descriptors(model, train.to(device)).cpu()
        tau = sscd.THRESHOLD

        def similarity(a, b):
            return (feats[a] * feats[b]).sum(1)
    else:

        def similarity(a, b):
            return measures.centred_cosine(banks[a], banks[b])

    for a, b in itertools.combinations(spec["models"], 2):
        value = measures.rp_score(similarity(a, b), tau)
        rows.append({**base, "quantity": "rp", "a": a, "b": b, "value": value})
    for name, x in banks.items():
        if spec["sscd_path"]:
            copied = float(((feats[name] @ train_feats.T).max(1).values > tau).double().mean())
        else:
            copied = measures.memorization_ratio(x, train, spec["ratio"])
        rows.append({**base, "quantity": "memorization", "a": name, "b": "-", "value": copied})
        rows.append({**base, "quantity": "gl", "a": name, "b": "-", "value": 1 - copied})
        if "basis" in arrays:
            m = data_spec["molrg"]
            residual = molrg.subspace_residual(
                x.flatten(1).numpy(), arrays["basis"], m["K"], m["d"]
            )
            value = measures.on_subspace_fraction(residual, spec["subspace_tolerance"])
            rows.append({**base, "quantity": "on_subspace", "a": name, "b": "-", "value": value})
    write_table(rows, args.out)
