"""What study 5 needs, derived from its validated config section: grammars, runs, steps.

Shared by the workflow (to build the DAG) and the tests, so both agree on
which runs exist and which checkpoints are sampled and measured. A run is
(grammar, P, seed); runs of two families with equal settings are one run.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from diffgen.rhm.rules import Shape

#: The config key of a figure's section that names what it reads, per input kind.
SECTION_KEY = {"measure": "runs", "keep": "measurement", "fluct": "measurement"}

#: The one measurement section of this study (what ``measurement`` names when left out).
FORWARD_BACKWARD = "forward_backward"
MEASUREMENTS = (FORWARD_BACKWARD,)


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
    """Derived quantities of one ``rhm`` config section.

    Trained runs come in families (``runs.<family>``); the forward–backward
    measurement is ``forward_backward``. Figures name what they read in their
    section (``figures.<figure>.runs`` or ``.measurement``), so nothing here
    knows a figure by name.
    """

    def __init__(self, config: dict) -> None:
        self.config = config
        self.families: dict[str, dict] = config["runs"]
        self.shapes: dict[str, Shape] = {}
        grammars = [family["grammar"] for family in self.families.values()]
        for grammar in [*grammars, *config[FORWARD_BACKWARD]["grammars"]]:
            shape = shape_of(grammar)
            self.shapes[shape.name()] = shape
        self._steps = {P: steps for P, steps, _ in self.run_budgets()}

    # -- what a figure reads -------------------------------------------------------
    def section_of(self, figure: str, kind: str) -> str:
        """The family or measurement a figure reads its tables of ``kind`` from."""
        section = self.config["figures"].get(figure, {})
        key = SECTION_KEY[kind]
        return section.get(key, FORWARD_BACKWARD if key == "measurement" else "")

    # -- run families ---------------------------------------------------------------
    def grammar_name(self, family: str) -> str:
        return shape_of(self.families[family]["grammar"]).name()

    def sizes(self, family: str) -> list[int]:
        value = self.families[family]["P"]
        return list(value) if isinstance(value, list) else [value]

    def runs(self, family: str) -> list[Run]:
        name, seeds = self.grammar_name(family), self.families[family]["seeds"]
        return [Run(name, P, seed) for P in self.sizes(family) for seed in range(seeds)]

    def measured_of(self, family: str) -> str:
        """Which checkpoints the family's measurement tables cover: 'all' sampled, or 'last'."""
        return self.families[family]["measured"]

    def all_runs(self) -> list[Run]:
        return sorted({run for family in self.families for run in self.runs(family)})

    def datasets(self) -> list[tuple[str, int]]:
        return sorted({(run.grammar, run.P) for run in self.all_runs()})

    def depth(self, grammar: str) -> int:
        return self.config["model"]["depth"] or self.shapes[grammar].L

    # -- training budgets -----------------------------------------------------------
    def epochs(self, family: str) -> float:
        """Epochs of a one-size family's runs: training.steps over the batches of an epoch."""
        return self.config["training"]["steps"] / self._batches(self.sizes(family)[0])

    def _batches(self, P: int) -> int:
        """Batches per epoch (the last one may be short)."""
        return -(-int(P) // self.config["training"]["batch_size"])

    def family_steps(self, family: str, P: int) -> int:
        """Training steps of a size-P run of ``family``.

        Without ``epochs_of`` (the default) every run trains training.steps. With
        ``epochs_of: <other>`` (the reference's protocol) a run trains as many
        epochs as the other family's runs, ⌈E·⌈P/batch⌉⌉ steps; at the other's
        own size that is training.steps again, so shared runs stay one run.
        """
        total, other = self.config["training"]["steps"], self.families[family]["epochs_of"]
        if other is None:
            return total
        return -(-total * self._batches(P) // self._batches(self.sizes(other)[0]))

    def run_budgets(self) -> list[tuple[int, int, str]]:
        """(P, steps, family) of every size of every family, in config order."""
        return [(P, self.family_steps(family, P), family)
                for family in self.families for P in self.sizes(family)]  # fmt: skip

    def steps(self, P: int | None = None) -> int:
        """Training steps of a run of size P (training.steps when None or not a run's size).

        A size trains one step count in every family (checked with the config),
        because a run's paths name its grammar, P and seed, not its budget.
        """
        return self._steps.get(P, self.config["training"]["steps"])

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

    # -- the forward–backward measurement ------------------------------------------
    def fb_grammars(self) -> list[str]:
        """Grammars of the BP forward–backward runs."""
        names = [shape_of(g).name() for g in self.config[FORWARD_BACKWARD]["grammars"]]
        return list(dict.fromkeys(names))

    def fb_models(self) -> list[Run]:
        """The overlaid models: the runs of the family ``forward_backward.model`` names."""
        family = self.config[FORWARD_BACKWARD]["model"]
        return self.runs(family) if family else []

    def string_grammars(self) -> list[str]:
        names = self.fb_grammars()
        if self.fb_models():
            names.append(self.fb_models()[0].grammar)
        return list(dict.fromkeys(names))

    def string_count(self, grammar: str) -> int:
        """Start strings of a grammar: enough for its BP run and its model runs."""
        fb = self.config[FORWARD_BACKWARD]
        counts = [fb["n_strings"]] if grammar in self.fb_grammars() else []
        models = self.fb_models()
        if models and grammar == models[0].grammar:
            counts.append(fb["model_strings"])
        return max(counts)
