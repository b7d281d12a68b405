"""What study 3's config asks for: datasets, training runs, sample banks, scores, Jacobians.

A figure's models live at (dataset, N). Fig 2, Fig 4 and Fig 6 use the main
dataset; the score table of (dataset, N) covers the union of every figure's
models there, so no job depends on which figure asked for it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from diffgen.repro import models

DIGITS_MAX = 1024


@dataclass(frozen=True)
class Run:
    """One trained net: its data (dataset, N) and its name (width, preconditioning, seed)."""

    dataset: str
    N: int
    width: int
    precond: str
    seed: int
    arch: str

    @property
    def model(self) -> str:
        return models.net_name(self.arch, self.width, self.precond, self.seed)


class Plan:
    def __init__(self, config: dict) -> None:
        self.config = config
        self.figures = config["figures"]
        self.arch = config["net"]["arch"]

    def main_dataset(self) -> str:
        return self.config["dataset"] or ("images" if self.config["images_path"] else "molrg")

    def real_dataset(self) -> str:
        return "images" if self.config["images_path"] else "digits"

    def shape(self, dataset: str) -> list[int]:
        if dataset == "molrg":
            r = self.config["molrg"]["r"]
            return [3, r, r]
        return [1, 8, 8] if dataset == "digits" else [3, 32, 32]

    def _net(self, dataset, N, width, precond, seed=0) -> Run:
        """A net on (dataset, N); digits (8×8) always get the MLP, DDPM++ needs larger images."""
        arch = "mlp" if dataset == "digits" else self.arch
        return Run(dataset, int(N), int(width), precond, int(seed), arch)

    def scored(self) -> dict[tuple[str, int, str], list[str]]:
        """(dataset, N, group) → the models whose banks are scored together there.

        Group ``sizes`` holds the width sweeps (and D_N) of Fig 2 and Fig 4 at each N,
        group ``families`` the model families of Fig 6 (and D* on MoLRG).
        """
        out: dict[tuple[str, int, str], list[str]] = {}
        dataset = self.main_dataset()

        def add(N, name, group="sizes"):
            names = out.setdefault((dataset, int(N), group), [])
            if name not in names:
                names.append(name)

        for fig in ("fig2", "fig4"):
            section = self.figures[fig]
            for N in section["N"]:
                for width in section["widths"]:
                    add(N, self._net(dataset, N, width, section["precond"]).model)
        for N in self.figures["fig4"]["N"]:
            add(N, "dn")
        fig6 = self.figures["fig6"]
        for family in fig6["families"]:
            add(fig6["N"], self._net(dataset, fig6["N"], **family).model, "families")
        if fig6["optimal"] and dataset == "molrg":
            add(fig6["N"], "dstar", "families")
        return dict(sorted(out.items()))

    def jacobians(self) -> list[tuple[str, int, str]]:
        """(dataset, N, model) of every Jacobian table."""
        real, mol = self.figures["jac"]["real"], self.figures["jac"]["molrg"]
        dataset = self.real_dataset()
        # Offline the real data are sklearn's digits: at most 1,024 training rows.
        N = min(real["N"], DIGITS_MAX) if dataset == "digits" else real["N"]
        net_a = self._net(dataset, N, real["width"], real["precond"])
        net_b = self._net("molrg", mol["N"], mol["width"], mol["precond"])
        return [(net_a.dataset, net_a.N, net_a.model), ("molrg", net_b.N, net_b.model),
                ("molrg", net_b.N, "dstar")]  # fmt: skip

    def runs(self) -> list[Run]:
        """Every training run, once."""
        found: dict[tuple, Run] = {}
        pairs = [(d, N, m) for (d, N, _), names in self.scored().items() for m in names]
        for dataset, N, name in pairs + self.jacobians():
            parts = models.parse(name)
            if parts is not None:
                run = self._net(dataset, N, parts["width"], parts["precond"], parts["seed"])
                found[(dataset, N, name)] = run
        return list(found.values())

    def datasets(self) -> list[tuple[str, int]]:
        sets = {(r.dataset, r.N) for r in self.runs()} | {(d, N) for d, N, _ in self.scored()}
        sets |= {(d, N) for d, N, _ in self.jacobians()}
        return sorted(sets)

    def threshold_size(self, dataset: str) -> int:
        """τ is calibrated on the largest scored training set of the dataset."""
        return max(N for d, N, _ in self.scored() if d == dataset)

    def train_minutes(self) -> float:
        steps = self.config["training"]["steps"]
        return steps / self.config["cluster"]["train_steps_per_minute"] + 10

    def warmup_steps(self) -> int:
        training = self.config["training"]
        return math.ceil(training["warmup_fraction"] * training["steps"])
