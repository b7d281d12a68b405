"""Config validation, output paths, job specs and input functions shared by all rules."""

import json
import sys
from pathlib import Path

from snakemake.utils import validate

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
STYLE = str(Path(workflow.basedir) / "resources" / "style" / "diffgen.mplstyle")

# -- output paths -------------------------------------------------------------
DATA = f"{R}/data/grammar.h5"
MODEL = "n{n}/split{split}_seed{seed}"
RUN_DIR = f"{R}/train/{MODEL}"
CHECKPOINT = RUN_DIR + "/epoch{epoch}.pt"
TRAIN_LOG = RUN_DIR + "/train_log.csv"
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
def code(*modules, exclude=()):
    """params entry: hash of the library code a job kind imports."""
    return code_fingerprint(*modules, exclude=exclude)


def plot_code(figure):
    """A plot depends on the plot CLI and its own figure module, not the others."""
    return code(
        "diffgen.cli.plot", f"diffgen.figures.{figure}", exclude=("diffgen.figures",)
    )


# -- job specs (the params that define a result) ---------------------------------
def as_json(payload):
    return json.dumps(payload, sort_keys=True)


def diffusion_spec():
    return {
        "diffusion": config["diffusion"],
        "mixed_precision": config["mixed_precision"],
    }


def model_spec(model_id):
    return {"n": model_id.n, "split": model_id.split, "seed": model_id.seed}


def wildcard_model(w):
    return ModelId(int(w.n), int(w.split), int(w.seed))


def train_spec(n, w):
    training = config["training"]
    model = dict(
        config["model"],
        vocab=config["grammar"]["q"],
        length=2 ** config["grammar"]["l"],
    )
    keys = ("batch_size", "lr", "lr_warm_epochs", "lr_mid", "lr_final")
    return as_json(
        {
            "n": n,
            "split": int(w.split),
            "seed": int(w.seed),
            "epochs": PLAN.epochs_of[n],
            "checkpoints": PLAN.checkpoints(n),
            "model": model,
            "T": config["diffusion"]["T"],
            "beta_start": config["diffusion"]["beta_start"],
            "beta_end": config["diffusion"]["beta_end"],
            "mixed_precision": config["mixed_precision"],
            **{k: training[k] for k in keys},
        }
    )


# -- input functions ----------------------------------------------------------
def checkpoints_of(model_id):
    return [
        CHECKPOINT.format(
            n=model_id.n, split=model_id.split, seed=model_id.seed, epoch=e
        )
        for e in PLAN.checkpoints(model_id.n)
    ]


def run_checkpoints(w):
    return checkpoints_of(wildcard_model(w))


def model_paths(template, figure, n, **extra):
    return [
        template.format(n=m.n, split=m.split, seed=m.seed, **extra)
        for m in PLAN.figure_models(figure, n)
    ]


def reference_epoch(figure, n, which):
    """Read a reference epoch chosen by the reference_epochs checkpoint rule."""
    path = checkpoints.reference_epochs.get(figure=figure, n=n).output[0]
    with open(path) as handle:
        return json.load(handle)[which]


def reference_checkpoint(figure, which):
    def inputs(w):
        epoch = reference_epoch(figure, w.n, which)
        return CHECKPOINT.format(n=w.n, split=w.split, seed=w.seed, epoch=epoch)

    return inputs


def initial_noise_path(rows):
    return INITIAL_NOISE.format(rows=rows)


# -- resources ------------------------------------------------------------------
def train_runtime(n):
    cluster = config["cluster"]
    minutes = PLAN.epochs_of[n] * n / cluster["train_sequences_per_minute"]

    def runtime(wildcards, attempt):
        return int(min(cluster["max_runtime_minutes"], max(10, minutes * attempt)))

    return runtime


def gpu_runtime(base_minutes):
    def runtime(wildcards, attempt):
        return int(
            min(config["cluster"]["max_runtime_minutes"], base_minutes * attempt)
        )

    return runtime


GPU_THREADS = config["threads"]["gpu_job"]
CPU_THREADS = config["threads"]["cpu_job"]
