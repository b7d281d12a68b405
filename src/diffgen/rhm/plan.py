"""What study 5 needs, derived from its validated config section: grammars, runs, steps.

Shared by the workflow (to build the DAG) and the tests, so both agree on
which runs exist and which checkpoints are sampled and measured. A run is
(grammar, P, seed); runs of two figures with equal settings are one run.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from diffgen.rhm.rules import Shape

#: Figures whose panels are built from trained runs.
TRAINED = ("fig1", "fig2")


@dataclass(frozen=True, order=True)
class Run:
    """One trained model: grammar name, training-set size, seed."""

    grammar: str
    P: int
    seed: int


def checkpoint_steps(total: int) -> list[int]:
    """Training checkpoints: steps 2^k ≤ total, and total."""
    steps, k = [], 0
    while 2**k <= total:
        steps.append(2**k)
        k += 1
    return sorted({*steps, total})


def shape_of(grammar: dict) -> Shape:
    """A config grammar as a Shape (n defaults to v)."""
    return Shape(v=grammar["v"], n=grammar.get("n", grammar["v"]), m=grammar["m"],
                 s=grammar["s"], L=grammar["L"])  # fmt: skip


class Plan:
    """Derived quantities of one ``rhm`` config section."""

    def __init__(self, config: dict) -> None:
        self.config = config
        figures = config["figures"]
        self.shapes: dict[str, Shape] = {}
        for grammar in [figures["fig1"]["grammar"], figures["fig2"]["grammar"],
                        *figures["fig3"]["grammars"]]:  # fmt: skip
            shape = shape_of(grammar)
            self.shapes[shape.name()] = shape

    def grammar_name(self, figure: str) -> str:
        return shape_of(self.config["figures"][figure]["grammar"]).name()

    def sizes(self, figure: str) -> list[int]:
        value = self.config["figures"][figure]["P"]
        return list(value) if isinstance(value, list) else [value]

    def runs(self, figure: str) -> list[Run]:
        spec = self.config["figures"][figure]
        name = self.grammar_name(figure)
        return [Run(name, P, seed) for P in self.sizes(figure) for seed in range(spec["seeds"])]

    def all_runs(self) -> list[Run]:
        return sorted({run for figure in TRAINED for run in self.runs(figure)})

    def datasets(self) -> list[tuple[str, int]]:
        return sorted({(run.grammar, run.P) for run in self.all_runs()})

    def depth(self, grammar: str) -> int:
        return self.config["model"]["depth"] or self.shapes[grammar].L

    def epochs(self) -> float:
        """Epochs of fig1's runs: training.steps over the batches of one epoch of its P."""
        return self.config["training"]["steps"] / self._batches(self.config["figures"]["fig1"]["P"])

    def _batches(self, P: int) -> int:
        """Batches per epoch (the last one may be short)."""
        return -(-int(P) // self.config["training"]["batch_size"])

    def steps(self, P: int | None = None) -> int:
        """Training steps of a run of size P (fig1's size when None).

        Budget ``steps`` (the default): every run trains training.steps.
        Budget ``epochs`` (the reference's protocol): fig2's runs train as many
        epochs as fig1's, so a run of size P trains ⌈E·⌈P/batch⌉⌉ steps; for
        fig1's P that is training.steps again, so shared runs stay one run.
        """
        total = self.config["training"]["steps"]
        if P is None or self.config["figures"]["fig2"]["budget"] == "steps":
            return total
        fig1 = self._batches(self.config["figures"]["fig1"]["P"])
        return -(-total * self._batches(P) // fig1)

    def budgets(self) -> dict[int, list[int]]:
        """Distinct step counts of the trained runs -> the sizes P that train that long."""
        sizes = defaultdict(set)
        for run in self.all_runs():
            sizes[self.steps(run.P)].add(run.P)
        return {steps: sorted(sizes[steps]) for steps in sorted(sizes)}

    def checkpoints(self, P: int | None = None) -> list[int]:
        """Training checkpoints of a run of size P: steps 2^k ≤ S, and S."""
        return checkpoint_steps(self.steps(P))

    def sampled(self, P: int | None = None) -> list[int]:
        """Checkpoints with a sample bank (from evaluation.first_step on; the last always)."""
        first = self.config["evaluation"]["first_step"]
        steps = self.checkpoints(P)
        return [s for s in steps if s >= first] or steps[-1:]

    def measured(self, which: str, P: int | None = None) -> list[int]:
        """Steps a run's measurement table covers: every sampled one, or the last."""
        return self.sampled(P) if which == "all" else self.checkpoints(P)[-1:]

    def fb_grammars(self) -> list[str]:
        """Grammars of the BP forward–backward runs (fig3, fig4)."""
        names = [shape_of(g).name() for g in self.config["figures"]["fig3"]["grammars"]]
        return list(dict.fromkeys(names))

    def fb_models(self) -> list[Run]:
        """The models overlaid on fig3/fig4: fig1's runs at their last checkpoint."""
        return self.runs("fig1") if self.config["figures"]["fig3"]["model"] else []

    def string_grammars(self) -> list[str]:
        names = self.fb_grammars()
        if self.fb_models():
            names.append(self.grammar_name("fig1"))
        return list(dict.fromkeys(names))

    def string_count(self, grammar: str) -> int:
        """Start strings of a grammar: enough for its BP run and its model runs."""
        fig3 = self.config["figures"]["fig3"]
        counts = [fig3["n_strings"]] if grammar in self.fb_grammars() else []
        if self.fb_models() and grammar == self.grammar_name("fig1"):
            counts.append(fig3["model_strings"])
        return max(counts)
