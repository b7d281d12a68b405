"""Cross-key checks of the ``biased`` config section (what its schema cannot express)."""

from __future__ import annotations

from diffgen.biased import dataset
from diffgen.biased.plan import FIRST, LAST, REFERENCES, Plan
from diffgen.core.checks import check_checkpoint_list, check_linear_schedule, config_key
from diffgen.core.errors import ConfigError, DiffgenError

SECTION = "biased"

#: Figures whose ``n_sequences`` are held-out sequences (App. Fig 11's are random starts).
HELD_OUT_FIGURES = ("fig3b", "fig4b", "fig5")


def _fail(key: str, message: str) -> None:
    raise ConfigError(f"config key '{SECTION}.{key}': {message}")


def check_consistency(config: dict) -> None:
    """Cross-key checks on the study's section, defaults filled in."""
    grammar, training, figures = config["grammar"], config["training"], config["figures"]
    if grammar["q_eff"] > grammar["q"]:
        _fail("grammar.q_eff", f"{grammar['q_eff']} exceeds q={grammar['q']}")
    check_linear_schedule(config["diffusion"], config_key(f"{SECTION}.diffusion"))
    model = config["model"]
    if model["d_model"] % model["heads"]:
        _fail("model.heads", f"{model['heads']} does not divide d_model={model['d_model']}")
    sizes = [run["n"] for run in training["runs"]]
    if len(set(sizes)) != len(sizes):
        _fail("training.runs", "each size n may appear only once")
    same = config["sample_split"]["same_split_pairs"]
    if same > training["seeds"]:
        _fail(
            "sample_split.same_split_pairs",
            f"{same} same-split pairs need {same} splits but training.seeds is {training['seeds']}",
        )
    _check_measurements(config)
    for name, fig in figures.items():
        for n in fig.get("sizes", []):
            if n not in sizes:
                _fail(f"figures.{name}.sizes", f"size {n} has no entry in training.runs")
        if fig.get("seeds", 0) > training["seeds"]:
            _fail(
                f"figures.{name}.seeds",
                f"{fig['seeds']} exceeds training.seeds={training['seeds']}",
            )
        for key in ("ks", "bp_ks"):
            for k in fig.get(key, []):
                if k > grammar["l"]:
                    _fail(f"figures.{name}.{key}", f"k={k} exceeds grammar.l={grammar['l']}")
    dataset.check_pool_memory(grammar["l"], config["data"], config_key(f"{SECTION}.data"))
    _check_training_pool(config["data"], training["seeds"], max(sizes))
    test_needs = {
        "figures.fig4a.n_samples": figures["fig4a"]["n_samples"],
        **{
            f"sequential.{name}.n_sequences": measurement["n_sequences"]
            for name, measurement in config["sequential"].items()
        },
        **{
            f"figures.{name}.n_sequences": figures[name]["n_sequences"] for name in HELD_OUT_FIGURES
        },
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
    _check_named_checkpoints(config, "figA11")
    plan, where = Plan(config), config_key(f"{SECTION}.training")
    for run in training["runs"]:
        epochs = plan.checkpoints(run["n"])
        check_checkpoint_list(epochs, run["epochs"], lambda _: where("n_checkpoints"), "epoch")


def _check_measurements(config: dict) -> None:
    """Each sequential-learning measurement has pairs and fits the runs; each figure's
    ``sequential`` names one."""
    measurements, training = config["sequential"], config["training"]
    same = config["sample_split"]["same_split_pairs"]
    for name, measurement in measurements.items():
        key = f"sequential.{name}"
        if measurement["seeds"] < 2 and same == 0:
            _fail(f"{key}.seeds", "one seed and no same-split pairs: no pair to compare")
        if measurement["seeds"] > training["seeds"]:
            _fail(
                f"{key}.seeds",
                f"{measurement['seeds']} exceeds training.seeds={training['seeds']}",
            )
        for k in measurement["ks"]:
            if k > config["grammar"]["l"]:
                _fail(f"{key}.ks", f"k={k} exceeds grammar.l={config['grammar']['l']}")
    for figure, spec in config["figures"].items():
        name = spec.get("sequential")
        if name is not None and name not in measurements:
            known = ", ".join(measurements)
            _fail(
                f"figures.{figure}.sequential",
                f"no measurement '{name}' under sequential ({known})",
            )


def _check_named_checkpoints(config: dict, figure: str) -> None:
    """Every entry of ``figures.<figure>.checkpoints`` is a name or a checkpoint epoch."""
    plan = Plan(config)
    for entry in config["figures"][figure]["checkpoints"]:
        if entry in (FIRST, LAST, *REFERENCES):
            continue
        if isinstance(entry, bool) or not isinstance(entry, int):
            names = ", ".join((FIRST, *REFERENCES, LAST))
            _fail(f"figures.{figure}.checkpoints", f"{entry!r} is neither an epoch nor {names}")
        for n in config["figures"][figure]["sizes"]:
            if entry not in plan.checkpoints(n):
                _fail(
                    f"figures.{figure}.checkpoints",
                    f"epoch {entry} is not a checkpoint of n={n} ({plan.checkpoints(n)})",
                )


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
