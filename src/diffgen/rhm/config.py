"""Cross-key checks of the ``rhm`` config section (what its schema cannot express).

Each problem is one line naming the key, at parse time, before any job runs.
"""

from __future__ import annotations

from diffgen.core.checks import check_checkpoint_list, check_steps_within, config_key
from diffgen.core.errors import ConfigError, DiffgenError
from diffgen.rhm.jobspecs import check_schedule, check_shape, check_string_count
from diffgen.rhm.plan import checkpoint_steps, shape_of
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
    figures, data, training = config["figures"], config["data"], config["training"]
    diffusion = config["diffusion"]
    check_schedule(diffusion, config_key(f"{SECTION}.diffusion"))
    steps = config_key(f"{SECTION}.training")
    check_checkpoint_list(checkpoint_steps(training["steps"]), training["steps"],
                          lambda _: steps("steps"), "step")  # fmt: skip
    for figure in ("fig1", "fig2"):
        check_grammar(figures[figure]["grammar"], f"figures.{figure}.grammar")
    for i, grammar in enumerate(figures["fig3"]["grammars"]):
        check_grammar(grammar, f"figures.fig3.grammars[{i}]")
    for figure in ("fig1", "fig2"):
        shape = shape_of(figures[figure]["grammar"])
        depth = config["model"]["depth"]
        if depth is not None and depth > shape.L:
            _fail("model.depth", f"{depth} exceeds L={shape.L} of figures.{figure}.grammar")
        sizes = figures[figure]["P"]
        for P in sizes if isinstance(sizes, list) else [sizes]:
            _check_size(shape, P + data["P_test"], f"figures.{figure}.P")
            if forced_replacement(shape, data["replacement"]):
                continue
            if P + data["P_test"] > shape.pmax:
                _fail(
                    f"figures.{figure}.P",
                    f"P = {P} plus data.P_test = {data['P_test']} exceeds Pmax = {shape.pmax:,} "
                    f"of {shape.name()} (strings are drawn without replacement)",
                )
    if config["evaluation"]["first_step"] > training["steps"]:
        _fail("evaluation.first_step", f"{config['evaluation']['first_step']} exceeds "
              f"training.steps={training['steps']}")  # fmt: skip
    fig3 = figures["fig3"]
    for grammar in fig3["grammars"]:
        _check_size(shape_of(grammar), fig3["n_strings"], "figures.fig3.n_strings")
    _check_size(shape_of(figures["fig1"]["grammar"]), fig3["model_strings"],
                "figures.fig3.model_strings")  # fmt: skip
    for key in ("t", "model_t"):
        check_steps_within(fig3[key], diffusion["T"], config_key(f"{SECTION}.figures.fig3"), key)
    if config["rules_path"]:
        _check_rules_file(config["rules_path"], figures)


def _check_rules_file(path: str, figures: dict) -> None:
    """The reference rules file loads and has the shape of some grammar of the config."""
    try:
        shape = load_reference_rules(path).shape
    except DiffgenError as err:
        _fail("rules_path", str(err))
    grammars = [figures["fig1"]["grammar"], figures["fig2"]["grammar"],
                *figures["fig3"]["grammars"]]  # fmt: skip
    if all(shape_of(g) != shape for g in grammars):
        _fail("rules_path", f"{path} holds rules of {shape.name()}, no grammar of the config")
