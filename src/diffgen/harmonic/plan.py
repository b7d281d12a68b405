"""Which datasets, trainings and measurements a config asks for (shared by rules and checks).

A run is (dataset tag, N, split). Tags: ``calpha<α>`` (α = β), ``disc``, ``digits``,
``celeba``. The main dataset trains A and B at every size; each α and the disc
train A at ``extra_size``.
"""

from __future__ import annotations

from dataclasses import dataclass

from diffgen.core.errors import ConfigError


@dataclass(frozen=True)
class Run:
    dataset: str
    N: int
    split: str


def alpha_tag(alpha: float) -> str:
    return f"calpha{alpha:g}"


class Plan:
    def __init__(self, config: dict) -> None:
        self.config = config

    def main(self) -> str:
        name = self.config["dataset"]
        if name == "auto":
            name = "celeba" if self.config["celeba_path"] else "calpha"
        return alpha_tag(2) if name == "calpha" else name

    def kind(self, tag: str) -> dict:
        """The generator or finite-set description of a dataset tag (a spec's ``dataset``)."""
        if tag.startswith("calpha"):
            alpha = float(tag[len("calpha") :])
            return {"name": "calpha", "alpha": alpha, "beta": alpha}
        if tag == "disc":
            return {"name": "disc"}
        return {"name": tag, "n_test": self.config["n_test"]}

    def alpha(self, tag: str) -> float:
        return self.kind(tag).get("alpha", 0.0)

    def finite(self, tag: str) -> bool:
        return tag in ("digits", "celeba")

    def main_runs(self) -> list[Run]:
        return [Run(self.main(), n, s) for n in self.config["sizes"] for s in "AB"]

    def extra_runs(self) -> list[Run]:
        n = self.config["extra_size"]
        runs = [Run(alpha_tag(a), n, "A") for a in self.config["alphas"]]
        return runs + ([Run("disc", n, "A")] if self.config["disc"] else [])

    def runs(self) -> list[Run]:
        """Every training, once (a C^α main run may also be an α run)."""
        return list(dict.fromkeys(self.main_runs() + self.extra_runs()))

    def psnr_runs(self) -> list[Run]:
        return [r for r in self.runs() if r.split == "A"]

    def jacobian_runs(self) -> list[Run]:
        largest = Run(self.main(), max(self.config["sizes"]), "A")
        return list(dict.fromkeys([largest, *self.extra_runs()]))

    def datasets(self) -> list[str]:
        return list(dict.fromkeys(r.dataset for r in self.runs()))


def check(config: dict) -> None:
    """Cross-key checks of the harmonic section (one line naming the key)."""
    plan = Plan(config)
    main, L = plan.main(), config["L"]
    if config["dataset"] == "celeba" and not config["celeba_path"]:
        raise ConfigError("config key 'harmonic.celeba_path': dataset celeba needs a folder")
    if main == "digits" and L != 16:
        raise ConfigError(f"config key 'harmonic.L': digits are 16 pixels, not {L}")
    if main == "celeba" and L != 80:
        raise ConfigError(f"config key 'harmonic.L': CelebA images are 80 pixels, not {L}")
    net = config["network"]
    if net["arch"] == "unet" and L % 2 ** net["B"]:
        raise ConfigError(
            f"config key 'harmonic.L': {L} is not a multiple of 2^B = {2 ** net['B']}"
        )
    largest = max([*config["sizes"], config["extra_size"]])
    if not plan.finite(main) and largest > config["pool_size"] // 2:
        raise ConfigError(
            f"config key 'harmonic.pool_size': {config['pool_size']} holds no two disjoint "
            f"splits of N = {largest}"
        )
    if config["figures"]["fig3"]["sigma"] not in config["measure"]["jacobian"]["sigmas"]:
        raise ConfigError(
            "config key 'harmonic.figures.fig3.sigma': not one of measure.jacobian.sigmas"
        )
    if config["sampler"]["shown"] > config["sampler"]["samples"]:
        raise ConfigError("config key 'harmonic.sampler.shown': more than sampler.samples")
