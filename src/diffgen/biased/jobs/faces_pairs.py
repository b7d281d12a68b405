"""Generation split: sample similarity of every pair of face models, and representative pairs."""

from __future__ import annotations

import argparse
import itertools

import numpy as np
import torch

from diffgen.biased.faces.centring import display
from diffgen.biased.faces.generation import pair_rows, representatives
from diffgen.biased.faces.representatives import save_representatives
from diffgen.core import identity
from diffgen.core.device import full_precision_matmuls, runtime_device
from diffgen.core.errors import InputFileError
from diffgen.core.jobs import add_runtime, add_spec, input_file, write_table
from diffgen.core.progress import log
from diffgen.core.specs import Count, Index, Spec
from diffgen.images import dataset
from diffgen.images.samples import load_bank

SPEC = Spec({"splits": Count, "n": Count, "pair": [Index], "rep_k": Count})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="face dataset (HDF5)")
    parser.add_argument("--samples", nargs="+", required=True, help="one bank per model")
    add_spec(parser, SPEC)
    parser.add_argument("--similarity", required=True, help="output table (CSV)")
    parser.add_argument("--representatives", required=True, help="output HDF5")
    add_runtime(parser)


def _banks(paths: list[str], splits: int) -> tuple[dict[int, np.ndarray], list[int]]:
    banks, epochs = {}, None
    for path in paths:
        input_file(path, "sample bank")
        identity.expect(path, "biased", "faces-generate", required=False)
        samples, bank_epochs, attrs = load_bank(path, ("split",))
        split = attrs["split"]
        if epochs is not None and bank_epochs != epochs:
            raise InputFileError(f"{path}: epochs {bank_epochs} differ from the other banks'")
        epochs, banks[split] = bank_epochs, samples
    if sorted(banks) != list(range(splits)):
        raise InputFileError(
            f"{', '.join(paths)}: sample banks of splits {sorted(banks)}, expected 0..{splits - 1}"
        )
    return banks, epochs


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    device = runtime_device(args)
    full_precision_matmuls(device)
    data = input_file(args.data, "face dataset")
    identity.expect(data, "biased", "faces-data", required=False, n=spec["n"])
    faces = dataset.load(data, parts=("train",))
    mean = float(dataset.read_attr(faces, "mean", data))
    banks, epochs = _banks(args.samples, spec["splits"])
    pairs = list(itertools.combinations(range(spec["splits"]), 2))
    rows = pair_rows(banks, epochs, pairs, device)
    log(f"{len(pairs)} pairs at {len(epochs)} checkpoints")
    write_table(rows, args.similarity, ["epoch", "a", "b"])

    a, b = spec["pair"]
    train = {s: torch.from_numpy(faces.split(s, spec["n"])) for s in (a, b)}
    found = {}
    for g, epoch in enumerate(epochs):
        samples = {s: torch.from_numpy(banks[s][g]) for s in (a, b)}
        rep = representatives(samples[a], samples[b], train[a], train[b], spec["rep_k"], device)
        rep["a"] = display(samples[a][rep["index"]], mean)
        rep["b"] = display(samples[b][rep["index"]], mean)
        rep["nn_a"] = train[a][rep["nn_a_index"]].numpy()
        rep["nn_b"] = train[b][rep["nn_b_index"]].numpy()
        for key, value in rep.items():
            found.setdefault(key, []).append(np.asarray(value))
        log(f"epoch {epoch}: pair ({a}, {b}) similarity {float(rep['similarity'].mean()):.4f}")
    arrays = {key: np.stack(values) for key, values in found.items()}
    arrays["epochs"] = np.asarray(epochs, dtype=np.int64)
    record = identity.record("biased", "faces-pairs", spec)
    save_representatives(args.representatives, arrays, [a, b], {"spec": spec, "mean": mean}, record)
