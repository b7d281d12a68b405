"""Spec fragments shared by study 2's job kinds, and the identity columns of their tables."""

from __future__ import annotations

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
}
#: What every measurement row names: the dataset tag, its α (0 if none), N, main or not.
RUN = {"dataset": str, "alpha": Range(float, 0.0), "N": Count, "main": bool}
SEEDED = {"seed": Index}
OPTIONAL_PATH = Optional(str)


def run_columns(run: dict) -> dict:
    return {"dataset": run["dataset"], "alpha": run["alpha"], "N": run["N"], "main": run["main"]}


def pixels(image) -> str:
    """An image as one table cell: its pixels, row-major, space-separated (4 decimals)."""
    return " ".join(f"{v:.4f}" for v in image.flatten().tolist())
