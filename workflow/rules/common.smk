"""Shared by every study: config checks, the job environment, code fingerprints,
resources, and the Study object each study registers itself with."""

import sys
from pathlib import Path

# The workflow's own library first: parse-time code (config checks, plans,
# fingerprints) and jobs both use this checkout's src/, whatever is installed.
sys.path.insert(0, str(Path(workflow.basedir) / "src"))

from diffgen import __version__
from diffgen.core.config import load_schema, merge, typed_overrides, validate
from diffgen.core.errors import DiffgenError
from diffgen.core.fingerprint import code_fingerprint
from diffgen.core.integrity import check_intact

WORKFLOW = Path(workflow.basedir) / "workflow"


def fail(err):
    """A config problem: one line naming the key, no traceback."""
    sys.exit(f"diffgen: {err}")


# -- config: typed --config overrides, shared keys (each study checks its own) ----
try:
    for _key, _value in typed_overrides(workflow.config_settings.config_args).items():
        config[_key] = (
            merge(config.get(_key, {}), _value) if isinstance(_value, dict) else _value
        )
    validate(config, load_schema(WORKFLOW / "schemas" / "config.schema.yaml"))
except DiffgenError as err:
    fail(err)

R = config["results"]
STYLE = str(Path(workflow.basedir) / "resources" / "style" / "diffgen.mplstyle")

# How jobs run (never part of a result, so not params): read by the diffgen CLI.
# PYTHONPATH makes every job run this checkout's library, whatever is installed.
SRC = str(Path(workflow.basedir) / "src")
RUNTIME_SETTINGS = {
    "device": config["device"],
    "compile": config["compile"],
    "resume_every_seconds": config["resume_every_seconds"],
}
shell.prefix(
    f"export PYTHONPATH={SRC}${{{{PYTHONPATH:+:$PYTHONPATH}}}}; "  # braces escaped for shell()
    + "".join(f"export DIFFGEN_{k.upper()}={v}; " for k, v in RUNTIME_SETTINGS.items())
)
#: The software of every job for `--use-conda` (the pins of envs/requirements.txt).
ENV = str(Path(workflow.basedir) / "envs" / "diffgen.yaml")


wildcard_constraints:
    n=r"\d+",
    split=r"\d+",
    seed=r"\d+",
    epoch=r"\d+",
    rows=r"\d+",


# -- inputs checked whole before any job runs ----------------------------------
def intact(value, columns=None):
    """Input function: ``value`` (a path template, a list, or an input function), its
    existing files checked whole first (columns required of tables).

    Snakemake deletes a job's outputs before running it; a job failing on a corrupt
    input would lose them. The check runs while the DAG is planned, so a corrupt
    input stops the run with one line naming it before anything is touched.
    """

    def inputs(wildcards):
        paths = value(wildcards) if callable(value) else value
        if isinstance(paths, str):
            paths = paths.format(**dict(wildcards.items()))
            listed = [paths]
        else:
            listed = paths = list(paths)
        try:
            check_intact(listed, columns)
        except DiffgenError as err:
            fail(err)
        return paths

    return inputs


# -- code fingerprints: rerun what a library change affects -------------------
#: The library the jobs run (SRC is first on their PYTHONPATH); the installed
#: package (root None) if this checkout has no src/diffgen.
CODE_ROOT = Path(SRC) / "diffgen"
CODE_ROOT = CODE_ROOT if (CODE_ROOT / "__init__.py").is_file() else None


def code(*modules, exclude=()):
    """params entry: hash of the library code (this checkout's) a job kind imports."""
    return code_fingerprint(*modules, exclude=exclude, root=CODE_ROOT)


def job_code(study, kind):
    """Fingerprint of the job kind `diffgen <study> <kind>`."""
    return code(f"diffgen.{study}.jobs.{kind.replace('-', '_')}")


# -- resources: what a scheduler (SLURM) needs to place a job ----------------
GPU_THREADS = config["threads"]["gpu_job"]
CPU_THREADS = config["threads"]["cpu_job"]


def capped_runtime(minutes):
    """Minutes for one attempt: grows with the attempt, capped by cluster.max_runtime_minutes."""

    def runtime(wildcards, attempt):
        return int(
            min(config["cluster"]["max_runtime_minutes"], max(10, minutes * attempt))
        )

    return runtime


def gpu_job(minutes=60, mem_mb=16000):
    """Resources of a job that wants the GPU (SLURM routes it to a GPU partition)."""
    return {"gpu": 1, "mem_mb": mem_mb, "runtime": capped_runtime(minutes)}


def cpu_job(minutes=60, mem_mb=8000):
    """Resources of a CPU job."""
    return {"mem_mb": mem_mb, "runtime": capped_runtime(minutes)}


# -- studies --------------------------------------------------------------------
#: name -> Study, in include order.
STUDIES = {}


class Study:
    """One study of the workflow: its checked config section, folders, figures, targets.

    A study's .smk files create one (``biased = Study(...)``), hang their path
    templates on it and fill ``inputs`` (kind -> function(figure) -> paths),
    ``data`` and ``models`` (functions -> paths), and ``columns`` (kind -> the columns
    a table of that kind must hold); figures.smk generates each
    figure's table, plot and target rules from the study's registry.
    """

    def __init__(self, name, title, check, figures, bare_targets=False):
        try:
            section = config.setdefault(name, {})
            validate(
                section, load_schema(WORKFLOW / "studies" / name / "schema.yaml"), name
            )
            check(section)
        except DiffgenError as err:
            fail(err)
        self.name, self.title, self.config = name, title, section
        self.figures = figures
        self.bare_targets = bare_targets
        self.results = f"{R}/{name}"
        self.logs = f"{R}/logs/{name}"
        self.inputs = {}
        self.columns = {}
        self.data = list
        self.models = list
        STUDIES[name] = self

    def table(self, figure):
        return f"{self.results}/tables/{figure}.csv"

    def figure_file(self, figure, ext):
        return f"{self.results}/figures/{figure}.{ext}"

    def figure_files(self, figure):
        return [self.figure_file(figure, ext) for ext in ("pdf", "png")]

    def target_names(self, figure):
        """A figure's targets: `<study>_<figure>`, and the bare paper name if the study keeps them."""
        names = [f"{self.name}_{figure}"]
        return [figure, *names] if self.bare_targets else names

    def figure_options(self, figure):
        return self.config.get("figures", {}).get(figure, {})

    def all_figure_files(self):
        return [path for figure in self.figures for path in self.figure_files(figure)]
