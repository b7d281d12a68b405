"""Cross-key checks of the ``rhm`` config section (what its schema cannot express).

Each problem is one line naming the key, at parse time, before any job runs.
"""

from __future__ import annotations

from diffgen.core.checks import check_checkpoint_list, check_steps_within, config_key
from diffgen.core.errors import ConfigError, DiffgenError
from diffgen.rhm.jobspecs import check_schedule, check_shape, check_string_count
from diffgen.rhm.plan import FORWARD_BACKWARD, MEASUREMENTS, Plan, checkpoint_steps, shape_of
from diffgen.rhm.registry import FIGURES
from diffgen.rhm.rules import forced_replacement, load_reference_rules

SECTION = "rhm"


def _check_size(shape, count: int, key: str) -> None:
    check_string_count(shape, count, lambda _: f"config key '{SECTION}.{key}'", key)


def _fail(key: str, message: str) -> None:
    raise ConfigError(f"config key '{SECTION}.{key}': {message}")


def check_grammar(grammar: dict, key: str) -> None:
    """A grammar shape that can exist and be held (see :func:`diffgen.rhm.jobspecs.check_shape`)."""
    check_shape(shape_of(grammar), config_key(f"{SECTION}.{key}"))


def check_consistency(config: dict) -> None:
    """Cross-key checks on the study's section, defaults filled in."""
    training, diffusion = config["training"], config["diffusion"]
    check_schedule(diffusion, config_key(f"{SECTION}.diffusion"))
    steps = config_key(f"{SECTION}.training")
    check_checkpoint_list(checkpoint_steps(training["steps"]), training["steps"],
                          lambda _: steps("steps"), "step")  # fmt: skip
    families, fb = config["runs"], config[FORWARD_BACKWARD]
    if not families:
        _fail("runs", "no run family (every trained figure reads one)")
    for name, family in families.items():
        check_grammar(family["grammar"], f"runs.{name}.grammar")
    for i, grammar in enumerate(fb["grammars"]):
        check_grammar(grammar, f"{FORWARD_BACKWARD}.grammars[{i}]")
    for name, family in families.items():
        _check_family(config, name, family)
    if config["evaluation"]["first_step"] > training["steps"]:
        _fail("evaluation.first_step", f"{config['evaluation']['first_step']} exceeds "
              f"training.steps={training['steps']}")  # fmt: skip
    _check_references(config)
    _check_budgets(config)
    for grammar in fb["grammars"]:
        _check_size(shape_of(grammar), fb["n_strings"], f"{FORWARD_BACKWARD}.n_strings")
    if fb["model"]:
        _check_size(shape_of(families[fb["model"]]["grammar"]), fb["model_strings"],
                    f"{FORWARD_BACKWARD}.model_strings")  # fmt: skip
    for key in ("t", "model_t"):
        check_steps_within(fb[key], diffusion["T"], config_key(f"{SECTION}.{FORWARD_BACKWARD}"),
                           key)  # fmt: skip
    if config["rules_path"]:
        _check_rules_file(config["rules_path"], config)


def _check_family(config: dict, name: str, family: dict) -> None:
    """A family's depth fits its grammar and its sizes P (plus the test strings) can be drawn."""
    shape, P_test = shape_of(family["grammar"]), config["data"]["P_test"]
    depth = config["model"]["depth"]
    if depth is not None and depth > shape.L:
        _fail("model.depth", f"{depth} exceeds L={shape.L} of runs.{name}.grammar")
    sizes = family["P"]
    for P in sizes if isinstance(sizes, list) else [sizes]:
        _check_size(shape, P + P_test, f"runs.{name}.P")
        if forced_replacement(shape, config["data"]["replacement"]):
            continue
        if P + P_test > shape.pmax:
            _fail(
                f"runs.{name}.P",
                f"P = {P} plus data.P_test = {P_test} exceeds Pmax = {shape.pmax:,} "
                f"of {shape.name()} (strings are drawn without replacement)",
            )


def _names(known) -> str:
    return ", ".join(known) or "none"


def _check_references(config: dict) -> None:
    """Every name a figure or the forward–backward section gives is a section of the config."""
    families = config["runs"]
    model = config[FORWARD_BACKWARD]["model"]
    if model and model not in families:
        _fail(f"{FORWARD_BACKWARD}.model", f"no run family '{model}' (runs: {_names(families)})")
    for figure, section in config["figures"].items():
        if figure not in FIGURES:
            _fail(f"figures.{figure}", f"no such figure (figures: {_names(FIGURES)})")
        family, measurement = section.get("runs"), section.get("measurement")
        if family is not None and family not in families:
            _fail(f"figures.{figure}.runs", f"no run family '{family}' (runs: {_names(families)})")
        if measurement is not None and measurement not in MEASUREMENTS:
            known = _names(MEASUREMENTS)
            _fail(
                f"figures.{figure}.measurement",
                f"no measurement '{measurement}' (measurements: {known})",
            )
    for figure, entry in FIGURES.items():
        if "measure" in entry.inputs and not config["figures"].get(figure, {}).get("runs"):
            _fail(f"figures.{figure}.runs", "missing: the figure reads the tables of a run family")


def _check_budgets(config: dict) -> None:
    """``epochs_of`` names a one-size family trained for training.steps; a size P trains one
    step count in every family (a run's paths do not name its budget)."""
    families = config["runs"]
    for name, family in families.items():
        other = family["epochs_of"]
        if other is None:
            continue
        key = f"runs.{name}.epochs_of"
        if other not in families:
            _fail(key, f"no run family '{other}' (runs: {_names(families)})")
        sizes = families[other]["P"]
        if isinstance(sizes, list) and len(sizes) != 1:
            _fail(key, f"runs.{other} has {len(sizes)} sizes P; its epochs need one")
        if families[other]["epochs_of"] is not None:
            _fail(key, f"runs.{other} trains by epochs itself; name a family trained by steps")
    seen: dict[int, tuple[int, str]] = {}
    for P, steps, name in Plan(config).run_budgets():
        first = seen.setdefault(P, (steps, name))
        if first[0] != steps:
            _fail(f"runs.{name}.epochs_of", f"P = {P} trains {steps:,} steps here and "
                  f"{first[0]:,} in runs.{first[1]} (a size trains one budget)")  # fmt: skip


def _check_rules_file(path: str, config: dict) -> None:
    """The reference rules file loads and has the shape of some grammar of the config."""
    try:
        shape = load_reference_rules(path).shape
    except DiffgenError as err:
        _fail("rules_path", str(err))
    grammars = [family["grammar"] for family in config["runs"].values()]
    if all(shape_of(g) != shape for g in [*grammars, *config[FORWARD_BACKWARD]["grammars"]]):
        _fail("rules_path", f"{path} holds rules of {shape.name()}, no grammar of the config")
