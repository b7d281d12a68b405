"""Config validation, output paths, job specs and input functions shared by all rules."""

import json
import sys
from pathlib import Path

from snakemake.utils import validate

# The workflow's own library first: parse-time code (config checks, plan,
# fingerprints) and jobs both use this checkout's src/, whatever is installed.
sys.path.insert(0, str(Path(workflow.basedir) / "src"))

from diffgen import __version__
from diffgen.config import check_consistency, check_schema, load_schema
from diffgen.errors import ConfigError
from diffgen.fingerprint import code_fingerprint
from diffgen.plan import ModelId, Plan

SCHEMA = str(Path(workflow.basedir) / "workflow" / "schemas" / "config.schema.yaml")

# One-line errors naming the key (then Snakemake's validate fills in defaults).
try:
    check_schema(config, load_schema(SCHEMA))
    validate(config, schema=SCHEMA)
    check_consistency(config)
except ConfigError as err:
    sys.exit(f"diffgen: {err}")

PLAN = Plan(config)
R = config["results"]

# How jobs run (never part of a result, so not params): read by the diffgen CLI.
# PYTHONPATH makes every job run this checkout's library, whatever is installed.
SRC = str(Path(workflow.basedir) / "src")
RUNTIME_SETTINGS = {
    "device": config["device"],
    "compile": config["compile"],
    "resume_every_seconds": config["training"]["resume_every_seconds"],
}
shell.prefix(
    f"export PYTHONPATH={SRC}${{{{PYTHONPATH:+:$PYTHONPATH}}}}; "  # braces escaped for shell()
    + "".join(f"export DIFFGEN_{k.upper()}={v}; " for k, v in RUNTIME_SETTINGS.items())
)
STYLE = str(Path(workflow.basedir) / "resources" / "style" / "diffgen.mplstyle")

# -- output paths -------------------------------------------------------------
DATA = f"{R}/data/grammar.h5"
MODEL = "n{n}/split{split}_seed{seed}"
RUN_DIR = f"{R}/train/{MODEL}"
CHECKPOINT = f"{RUN_DIR}/epoch{{epoch}}.pt"
TRAIN_LOG = f"{RUN_DIR}/train_log.csv"
LOSS = f"{R}/measure/loss/{MODEL}.csv"
INITIAL_NOISE = f"{R}/samples/initial_noise_{{rows}}.h5"
SAMPLES = f"{R}/samples/{MODEL}/epoch{{epoch}}.h5"
NN = f"{R}/measure/nn_divergence/{MODEL}.csv"
SEQUENTIAL = f"{R}/measure/sequential/{MODEL}.csv"
PAIR = "n{n}/{kind}_split{split1}_seed{seed1}_vs_split{split2}_seed{seed2}"
SAMPLE_SPLIT = f"{R}/measure/sample_split/{PAIR}.csv"
SCORE = f"{R}/measure/score_divergence/{MODEL}.csv"
DECOMPOSITION = f"{R}/measure/loss_decomposition/{MODEL}.csv"
UTURN = f"{R}/measure/uturn/{MODEL}_{{reference}}.csv"
UTURN_RANDOM = f"{R}/measure/uturn_random/{MODEL}.csv"
REFERENCE = f"{R}/reference/{{figure}}_n{{n}}.json"
TABLE = f"{R}/tables/{{figure}}.csv"
FIGURE = f"{R}/figures/{{figure}}.{{ext}}"
LOGS = f"{R}/logs"

FIGURES = ("fig1b", "fig3b", "fig4a", "fig4b", "fig5", "fig6", "figA11")


wildcard_constraints:
    n=r"\d+",
    split=r"\d+",
    seed=r"\d+",
    epoch=r"\d+",
    rows=r"\d+",
    split1=r"\d+",
    seed1=r"\d+",
    split2=r"\d+",
    seed2=r"\d+",
    kind="disjoint|same",
    reference="nn_divergence_min|test_loss_min",
    figure="|".join(FIGURES),


# -- code fingerprints (issue: rerun what the library change affects) ---------
#: The library the jobs run (SRC is first on their PYTHONPATH); the installed
#: package (root None) if this checkout has no src/diffgen.
CODE_ROOT = Path(SRC) / "diffgen"
CODE_ROOT = CODE_ROOT if (CODE_ROOT / "__init__.py").is_file() else None


def code(*modules, exclude=()):
    """params entry: hash of the library code (this checkout's) a job kind imports."""
    return code_fingerprint(*modules, exclude=exclude, root=CODE_ROOT)


def plot_code(figure):
    """A plot depends on the plot CLI and its own figure module, not the others."""
    return code(
        "diffgen.cli.plot", f"diffgen.figures.{figure}", exclude=("diffgen.figures",)
    )
