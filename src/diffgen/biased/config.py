"""Cross-key checks of the ``biased`` config section (what its schema cannot express)."""

from __future__ import annotations

from diffgen.biased import dataset
from diffgen.core.checks import check_linear_schedule
from diffgen.core.errors import ConfigError, DiffgenError

SECTION = "biased"


def _fail(key: str, message: str) -> None:
    raise ConfigError(f"config key '{SECTION}.{key}': {message}")


def check_consistency(config: dict) -> None:
    """Cross-key checks on the study's section, defaults filled in."""
    grammar, training, figures = config["grammar"], config["training"], config["figures"]
    if grammar["q_eff"] > grammar["q"]:
        _fail("grammar.q_eff", f"{grammar['q_eff']} exceeds q={grammar['q']}")
    check_linear_schedule(config["diffusion"], f"{SECTION}.diffusion")
    model = config["model"]
    if model["d_model"] % model["heads"]:
        _fail("model.heads", f"{model['heads']} does not divide d_model={model['d_model']}")
    sizes = [run["n"] for run in training["runs"]]
    if len(set(sizes)) != len(sizes):
        _fail("training.runs", "each size n may appear only once")
    pairs = config["sample_split"]["pairs"]
    if 2 * pairs > training["seeds"]:
        _fail(
            "sample_split.pairs",
            f"{pairs} disjoint pairs need {2 * pairs} seeds but training.seeds is "
            f"{training['seeds']}",
        )
    for name, fig in figures.items():
        for n in fig.get("sizes", []):
            if n not in sizes:
                _fail(f"figures.{name}.sizes", f"size {n} has no entry in training.runs")
        if fig.get("seeds", 0) > training["seeds"]:
            _fail(
                f"figures.{name}.seeds",
                f"{fig['seeds']} exceeds training.seeds={training['seeds']}",
            )
        for k in fig.get("ks", []):
            if k > grammar["l"]:
                _fail(f"figures.{name}.ks", f"k={k} exceeds grammar.l={grammar['l']}")
    _check_training_pool(config["data"], training["seeds"], max(sizes))
    test_needs = {
        "figures.fig4a.n_samples": figures["fig4a"]["n_samples"],
        "figures.fig1b.n_sequences": figures["fig1b"]["n_sequences"],
        "figures.fig3b.n_sequences": figures["fig3b"]["n_sequences"],
        "figures.fig4b.n_sequences": figures["fig4b"]["n_sequences"],
        "figures.fig5.n_sequences": figures["fig5"]["n_sequences"],
        "evaluation.loss_sequences": config["evaluation"]["loss_sequences"],
    }
    for key, value in test_needs.items():
        if value > config["data"]["n_test"]:
            _fail(
                key,
                f"{value} held-out sequences requested but data.n_test is "
                f"{config['data']['n_test']}",
            )
    if figures["figA11"]["empirical_size"] > min(figures["figA11"]["sizes"]):
        _fail("figures.figA11.empirical_size", "larger than the training set")


def _check_training_pool(data: dict, seeds: int, largest: int) -> None:
    """``seeds`` disjoint splits of the largest size fit in the training pool.

    With ``data.import_path`` the pool is the imported file less ``n_test``: the
    file is read here, so a short or missing file fails at parse time, naming the key.
    """
    need = seeds * largest
    if data["import_path"]:
        key = "data.import_path"
        try:
            available = dataset.reference_size(data["import_path"]) - data["n_test"]
        except DiffgenError as err:
            _fail(key, str(err))
        where = f"{data['import_path']} holds {available} after the {data['n_test']} test ones"
    else:
        key, available = "data.n_sequences", data["n_sequences"]
        where = f"the pool has {available}"
    if need > available:
        _fail(
            key,
            f"{seeds} disjoint splits of the largest size need {need} training sequences, {where}",
        )
