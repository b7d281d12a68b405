"""What the study needs, derived from a validated config: runs, models, pairs, epochs.

Shared by the workflow (to build the DAG) and the CLI (to check its inputs), so
both agree on which (size, split, seed) models and which checkpoints exist.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from diffgen.biased.checkpoints import checkpoint_epochs

#: Named checkpoints a figure can ask for besides an epoch number (App. Fig 11).
FIRST, LAST = "first", "last"
REFERENCES = ("nn_divergence_min", "test_loss_min")


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

    def sequential(self, figure: str) -> str | None:
        """The sequential-learning measurement a figure names (``figures.<f>.sequential``)."""
        return self.config["figures"][figure].get("sequential")

    def measurement(self, name: str) -> dict:
        """The settings of a sequential-learning measurement (``sequential.<name>``)."""
        return self.config["sequential"][name]

    def figure_options(self, figure: str) -> dict:
        """A figure's table and plot options: its section, with the settings of the
        sequential-learning measurement it names (its t/T titles the plot)."""
        spec = self.config["figures"].get(figure, {})
        name = spec.get("sequential")
        return spec if name is None else {**self.measurement(name), **spec}

    def measurement_models(self, name: str, n: int) -> list[ModelId]:
        """Models (split i, seed i) of the first ``seeds`` splits a measurement covers."""
        return [ModelId(n, i, i) for i in range(self.measurement(name)["seeds"])]

    def figure_models(self, figure: str, n: int) -> list[ModelId]:
        """Models (split i, seed i) of the first ``seeds`` splits a figure averages over.

        A figure that names a sequential-learning measurement shows that
        measurement's models; any other has its own ``seeds``.
        """
        name = self.sequential(figure)
        if name is not None:
            return self.measurement_models(name, n)
        seeds = self.config["figures"][figure].get("seeds", self.config["training"]["seeds"])
        return [ModelId(n, i, i) for i in range(seeds)]

    def reference_models(self, figure: str, n: int) -> list[ModelId]:
        """Models whose seed-averaged curves give a figure's reference epochs at size n.

        Those of the figure named by ``reference_curves`` when that figure has size n
        (Fig 3(b)'s and App. Fig 11's minima come from Fig 4(a)'s 15-seed curves),
        else (``own``, or a size it lacks) the figure's own models.
        """
        wanted = self.config["figures"][figure].get("reference_curves", "own")
        if wanted != "own" and n in self.figure_sizes(wanted):
            return self.figure_models(wanted, n)
        return self.figure_models(figure, n)

    def figure_sizes(self, figure: str) -> list[int]:
        return list(self.config["figures"][figure]["sizes"])

    def pairs(self, measurement: str, n: int) -> list[Pair]:
        """Every cross-split pair of a measurement's models, then the same-split pairs.

        Cross-split: all C(seeds, 2) pairs of models (split i, seed i), i < j.
        Same-split: model (split i, seed i) with a twin on split i whose seed is
        ``same_split_seed_offset + i``, for i < ``same_split_pairs``.
        """
        spec = self.config["sample_split"]
        family = self.measurement_models(measurement, n)
        out = [Pair(a, b, False) for a, b in itertools.combinations(family, 2)]
        for i in range(spec["same_split_pairs"]):
            twin = ModelId(n, i, spec["same_split_seed_offset"] + i)
            out.append(Pair(ModelId(n, i, i), twin, True))
        return out

    def pair_models(self, measurement: str, n: int) -> list[ModelId]:
        """The models the pairs of a measurement at size n use, each once, sorted."""
        pairs = self.pairs(measurement, n)
        return sorted({m for pair in pairs for m in (pair.first, pair.second)})

    def named_epochs(self, names: list, n: int, references: dict) -> dict[int, list[str]]:
        """Epoch -> the names that chose it, for a list of epochs and checkpoint names.

        ``references`` maps the reference names (test-loss minimum, NN-divergence
        minimum) to the epochs chosen from the measurements.
        """
        epochs = self.checkpoints(n)
        chosen: dict[int, list[str]] = {}
        for name in names:
            if name == FIRST:
                epoch = epochs[0]
            elif name == LAST:
                epoch = epochs[-1]
            elif name in REFERENCES:
                epoch = references[name]
            else:
                epoch, name = int(name), "epoch"
            labels = chosen.setdefault(int(epoch), [])
            if name not in labels:
                labels.append(name)
        return dict(sorted(chosen.items()))

    def models(self, n: int) -> list[ModelId]:
        """Every model of size n some figure needs (the training jobs)."""
        needed: set[ModelId] = set()
        for figure, spec in self.config["figures"].items():
            if n not in spec.get("sizes", []):
                continue
            needed.update(self.figure_models(figure, n))
            measurement = self.sequential(figure)
            if measurement is not None:
                needed.update(self.pair_models(measurement, n))
        return sorted(needed)

    def all_models(self) -> list[ModelId]:
        return [m for n in self.epochs_of for m in self.models(n)]
