"""Cross-key checks of the ``rhm`` config section (what its schema cannot express).

Each problem is one line naming the key, at parse time, before any job runs.
"""

from __future__ import annotations

from diffgen.core.checks import check_checkpoint_list, check_steps_within, config_key
from diffgen.core.errors import ConfigError, DiffgenError
from diffgen.rhm.jobspecs import check_schedule
from diffgen.rhm.plan import checkpoint_steps, shape_of
from diffgen.rhm.rules import forced_replacement, load_reference_rules

SECTION = "rhm"
#: Largest v^s the parser's int64 tuple codes hold.
MAX_TUPLES = 2**62
#: Most leaves per string (s^L): beyond, one string's tree is already absurd for the network.
MAX_LEAVES = 2**16
#: Most bytes one job may hold its strings in (trees as int64, and their indices).
MAX_STRING_BYTES = 64 * 2**30


def string_bytes(shape, count: int) -> int:
    """Bytes of ``count`` strings with their trees (int64, every level) and indices."""
    return count * (shape.nodes + 1) * 8


def _check_size(shape, count: int, key: str) -> None:
    need = string_bytes(shape, count)
    if need > MAX_STRING_BYTES:
        _fail(
            key,
            f"{count:,} strings of {shape.name()} need about {need:.2g} bytes "
            f"({need / 2**30:,.0f} GiB) in memory, more than {MAX_STRING_BYTES / 2**30:.0f} GiB",
        )


def _fail(key: str, message: str) -> None:
    raise ConfigError(f"config key '{SECTION}.{key}': {message}")


def check_grammar(grammar: dict, key: str) -> None:
    """Enough distinct s-tuples for every level's productions."""
    shape = shape_of(grammar)
    if shape.d > MAX_LEAVES:
        _fail(f"{key}.L", f"s^L = {shape.s}^{shape.L} = {shape.d:,} leaves per string is more "
              f"than {MAX_LEAVES:,}")  # fmt: skip
    tuples = shape.v**shape.s
    if tuples > MAX_TUPLES:
        _fail(f"{key}.s", f"v^s = {shape.v}^{shape.s} tuples is more than 2^62")
    if shape.n * shape.m > tuples:
        _fail(
            f"{key}.m",
            f"n·m = {shape.n * shape.m} root productions need distinct {shape.s}-tuples, but "
            f"v^s = {tuples} exist",
        )
    if shape.L > 1 and shape.v * shape.m > tuples:
        _fail(
            f"{key}.m",
            f"v·m = {shape.v * shape.m} productions per level need distinct {shape.s}-tuples, but "
            f"v^s = {tuples} exist",
        )


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
