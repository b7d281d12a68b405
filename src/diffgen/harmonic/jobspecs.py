"""Spec fragments shared by study 2's job kinds, the identity columns of their tables, and
what a measurement expects of the identity records of its inputs."""

from __future__ import annotations

from diffgen.core import identity
from diffgen.core.specs import Choice, Count, Index, Optional, Positive, Range

DATASET = {
    "name": Choice("calpha", "disc", "digits", "celeba"),
    "alpha?": Positive,
    "beta?": Positive,
    "n_test?": Count,
}
NETWORK = {"arch": Choice("unet", "cnn"), "K": Count, "B?": Count, "depth?": Range(int, 2)}
SAMPLER = {
    "sigma0": Positive,
    "mu0": float,
    "h0": Positive,
    "beta": Positive,
    "sigma_L": Positive,
    "max_T": Count,
    "rise": Range(float, 0.0),
}
#: What every measurement row names: the dataset tag, its α (0 if none), N, main or not.
RUN = {
    "dataset": str,
    "alpha": Range(float, 0.0),
    "N": Count,
    "main": bool,
    "split?": Choice("A", "B"),
}
SEEDED = {"seed": Index}
OPTIONAL_PATH = Optional(str)


def run_columns(run: dict) -> dict:
    return {"dataset": run["dataset"], "alpha": run["alpha"], "N": run["N"], "main": run["main"]}


def pixels(image) -> str:
    """An image as one table cell: its pixels, row-major, space-separated (4 decimals)."""
    return " ".join(f"{v:.4f}" for v in image.flatten().tolist())


def dataset_fields(run: dict) -> dict:
    """The ``dataset`` a data file of ``run`` was drawn with (its tag's name and α)."""
    tag = run["dataset"]
    name = "calpha" if tag.startswith("calpha") else tag
    return {"name": name, **({"alpha": run["alpha"]} if name == "calpha" else {})}


def expect_data(path: str, run: dict, part: str) -> None:
    """``path`` is the test set (part 'test') or split ``part`` of size N of ``run``'s dataset."""
    fields = {f"dataset__{k}": v for k, v in dataset_fields(run).items()}
    sized = {} if part == "test" else {"n": run["N"]}
    identity.expect(path, "harmonic", "data", **fields, part=part, **sized)


def expect_model(path: str, run: dict, split: str) -> None:
    """``path`` is the model trained on split ``split`` of size N of ``run``'s dataset."""
    fields = {f"data__dataset__{k}": v for k, v in dataset_fields(run).items()}
    identity.expect(path, "harmonic", "train", **fields, data__part=split, data__n=run["N"])
