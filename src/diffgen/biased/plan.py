"""What the study needs, derived from a validated config: runs, models, pairs, epochs.

Shared by the workflow (to build the DAG) and the CLI (to check its inputs), so
both agree on which (size, split, seed) models and which checkpoints exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from diffgen.biased.checkpoints import checkpoint_epochs

#: Figures whose measurements compare pairs of models (sample-split KL).
PAIR_FIGURES = ("fig1b", "fig6")


@dataclass(frozen=True, order=True)
class ModelId:
    """One trained model: training-set size, split index and initialisation seed."""

    n: int
    split: int
    seed: int


@dataclass(frozen=True)
class Pair:
    """Two models compared by the sample-split KL; ``same_split`` = same training data."""

    first: ModelId
    second: ModelId
    same_split: bool

    @property
    def name(self) -> str:
        kind = "same" if self.same_split else "disjoint"
        return f"{kind}{self.first.split}-{self.first.seed}_{self.second.split}-{self.second.seed}"


class Plan:
    """Derived quantities of one configuration."""

    def __init__(self, config: dict) -> None:
        self.config = config
        self.epochs_of = {run["n"]: run["epochs"] for run in config["training"]["runs"]}

    def checkpoints(self, n: int) -> list[int]:
        training = self.config["training"]
        return checkpoint_epochs(
            self.epochs_of[n], training["n_checkpoints"], training["first_checkpoint"]
        )

    def figure_models(self, figure: str, n: int) -> list[ModelId]:
        """Models (split i, seed i) of the first ``seeds`` splits a figure averages over."""
        seeds = self.config["figures"][figure].get("seeds", self.config["training"]["seeds"])
        return [ModelId(n, i, i) for i in range(seeds)]

    def figure_sizes(self, figure: str) -> list[int]:
        return list(self.config["figures"][figure]["sizes"])

    def pairs(self, n: int) -> list[Pair]:
        """Disjoint pairs (splits 2i and 2i+1) and same-split pairs (split i, two seeds)."""
        spec = self.config["sample_split"]
        out = []
        for i in range(spec["pairs"]):
            out.append(Pair(ModelId(n, 2 * i, 2 * i), ModelId(n, 2 * i + 1, 2 * i + 1), False))
        for i in range(spec["pairs"]):
            extra = ModelId(n, i, spec["same_split_seed_offset"] + i)
            out.append(Pair(ModelId(n, i, i), extra, True))
        return out

    def models(self, n: int) -> list[ModelId]:
        """Every model of size n some figure needs (the training jobs)."""
        needed: set[ModelId] = set()
        for figure, spec in self.config["figures"].items():
            if n not in spec.get("sizes", []):
                continue
            needed.update(self.figure_models(figure, n))
            if figure in PAIR_FIGURES:
                for pair in self.pairs(n):
                    needed.update((pair.first, pair.second))
        return sorted(needed)

    def all_models(self) -> list[ModelId]:
        return [m for n in self.epochs_of for m in self.models(n)]
