"""What study 4 needs, derived from its validated config section: data sets, runs, settings.

Shared by the workflow (to build the DAG) and the tests, so both agree on which
trainings exist. A run is (network variant, data set); a data set is (classes, ρ,
class size, no-digit, split). Runs of two panels with equal settings are one
run, and a sampler setting (solver, N, S_churn) never makes a run of its own:
one trained model serves every setting.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

EDM_FIGURES = ("fig1", "fig2", "fig3", "fig4")


@dataclass(frozen=True)
class DataSet:
    classes: tuple[int, ...]
    rho: float
    class_size: int | None
    no_digit: bool
    split: str

    def name(self) -> str:
        size = "all" if self.class_size is None else str(self.class_size)
        digit = "_nodigit" if self.no_digit else ""
        classes = "".join(map(str, self.classes))
        return f"{self.split}_c{classes}_rho{self.rho:g}_n{size}{digit}"


@dataclass(frozen=True)
class Run:
    """One trained EDM model: a network variant on a data set."""

    variant: str
    data: DataSet

    def name(self) -> str:
        return f"{self.variant}_{self.data.name()}"


@dataclass(frozen=True, order=True)
class Setting:
    """One EDM sampler setting and the number of samples per class."""

    solver: str
    steps: int
    s_churn: float
    per_class: int

    def name(self) -> str:
        return f"{self.solver}_N{self.steps}_churn{self.s_churn:g}_pc{self.per_class}"


class Plan:
    """Derived quantities of one ``amplify`` config section."""

    def __init__(self, config: dict) -> None:
        self.config = config
        self.split = config["data"]["split"]

    # -- EDM figures -------------------------------------------------------------
    def panels(self, figure: str) -> list[dict]:
        return self.config["figures"][figure]["panels"]

    def panel_runs(self, panel: dict) -> list[Run]:
        sizes = panel.get("class_size", [None])
        return [
            Run(panel["model"], DataSet(tuple(panel["classes"]), float(rho), size,
                                        panel.get("no_digit", False), self.split))
            for rho, size in itertools.product(panel["rho"], sizes)
        ]  # fmt: skip

    def panel_settings(self, panel: dict) -> list[Setting]:
        return [
            Setting(solver, int(n), float(churn), panel["per_class"])
            for solver, n, churn in itertools.product(
                panel.get("solvers", ["heun"]), panel["steps"], panel["s_churn"]
            )
        ]

    def measurements(self, figure: str) -> list[tuple[Run, Setting]]:
        """(run, setting) pairs a figure reads, each once."""
        pairs = [
            (run, setting)
            for panel in self.panels(figure)
            for run in self.panel_runs(panel)
            for setting in self.panel_settings(panel)
        ]
        return list(dict.fromkeys(pairs))

    def runs(self, figure: str | None = None) -> list[Run]:
        figures = EDM_FIGURES if figure is None else (figure,)
        found = {run for f in figures for p in self.panels(f) for run in self.panel_runs(p)}
        return sorted(found, key=Run.name)

    def run(self, name: str) -> Run:
        for run in self.runs():
            if run.name() == name:
                return run
        raise KeyError(name)

    def setting(self, name: str) -> Setting:
        for figure in EDM_FIGURES:
            for _, setting in self.measurements(figure):
                if setting.name() == name:
                    return setting
        raise KeyError(name)

    # -- fig 5 (DDPM) and fig A ----------------------------------------------------
    def ddpm_data(self) -> DataSet:
        fig5 = self.config["figures"]["fig5"]
        return DataSet(tuple(fig5["classes"]), float(fig5["rho"]), None, False, fig5["split"])

    def ddpm_T(self) -> list[int]:
        return list(self.config["figures"]["fig5"]["T"])

    def figa_data(self) -> DataSet:
        figa = self.config["figures"]["figA"]
        return DataSet(tuple(figa["classes"]), float(figa["rho"]), None, False, self.split)

    def datasets(self) -> list[DataSet]:
        found = {run.data for run in self.runs()} | {self.ddpm_data(), self.figa_data()}
        return sorted(found, key=DataSet.name)

    def dataset(self, name: str) -> DataSet:
        for data in self.datasets():
            if data.name() == name:
                return data
        raise KeyError(name)

    def trainings(self) -> int:
        """EDM runs plus DDPM runs: the number of training jobs of the study."""
        return len(self.runs()) + len(self.ddpm_T())
