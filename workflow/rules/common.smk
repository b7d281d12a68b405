"""Shared by every study: config checks, the job environment, code fingerprints,
resources, and the Study object each study registers itself with."""

import inspect
import os
import sys
from pathlib import Path

# The workflow's own library first: parse-time code (config checks, plans,
# fingerprints) and jobs both use this checkout's src/, whatever is installed.
sys.path.insert(0, str(Path(workflow.basedir) / "src"))

from diffgen import __version__
from diffgen.core.config import load_schema, merge, typed_overrides, validate
from diffgen.core.errors import DiffgenError
from diffgen.core.fingerprint import code_fingerprint
from diffgen.core.identity import check_place
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
# Relative to the working directory: an input's path is part of what Snakemake compares,
# so an absolute one would rerun every plot of a moved or copied checkout.
STYLE = os.path.relpath(
    Path(workflow.basedir) / "resources" / "style" / "diffgen.mplstyle", Path.cwd()
)

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
def _listed(value, wildcards):
    """A value of an input (template, list of templates, or input function) as paths."""
    paths = value(wildcards) if callable(value) else value
    if isinstance(paths, str):
        return paths.format(**dict(wildcards.items()))
    return [path.format(**dict(wildcards.items())) for path in paths]


def check_inputs(paths, columns=None, study=None):
    """Planning-time check of existing inputs: whole files (columns required of tables)
    and, for a study that records identities, each file the one its path names."""
    listed = [paths] if isinstance(paths, str) else list(paths)
    try:
        check_intact(listed, columns)
        if study is not None and study.identity:
            for path in listed:
                if Path(path).is_file():
                    check_place(path, study.name)
    except DiffgenError as err:
        fail(err)


def intact(value, columns=None):
    """Input function: ``value`` (a path template, a list, or an input function), its
    existing files checked whole first (columns required of tables).

    Snakemake deletes a job's outputs before running it; a job failing on a corrupt
    input would lose them. The check runs while the DAG is planned, so a corrupt
    input stops the run with one line naming it before anything is touched.
    """

    def inputs(wildcards):
        paths = _listed(value, wildcards)
        check_inputs(paths, columns)
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


class Job:
    """One job kind of a study as its rules use it: the shell command, the code
    fingerprint and the log path, all from one ``(study, kind)``."""

    def __init__(self, study, kind):
        self.study, self.kind = study, kind
        self.code = code(f"diffgen.{study.name}.jobs.{kind.replace('-', '_')}")

    def log(self, pattern):
        """The log file ``<results>/logs/<study>/<pattern>``."""
        return f"{self.study.logs}/{pattern}"

    def shell(self, arguments):
        """``python -m diffgen.cli <study> <kind> ARGUMENTS > {log} 2>&1``."""
        return f"python -m diffgen.cli {self.study.name} {self.kind} {arguments} > {{log}} 2>&1"


class Study:
    """One study of the workflow: its checked config section, paths, inputs, targets.

    The contract (``diffgen new-study`` writes a working example):

    - ``Study(name, title, check, figures, paths={KEY: template})``: the config
      section ``name`` is validated against ``workflow/studies/<name>/schema.yaml``
      and ``check``; every path template (relative to ``<results>/<name>/``) is an
      attribute (``study.KEY``). ``options(figure)``, if given, gives a figure's
      options for its table and plot (default: its ``figures.<figure>`` section).
    - ``add_inputs(kind, fn, columns)``: the tables of a kind that figures read
      (``fn()`` gives their paths; the registry names kinds, never paths);
      ``add_data(fn)``, ``add_models(fn)``: files of ``<name>_data``/``_models``.
    - ``job(kind)``: shell command, code fingerprint and log of a job kind.
    - ``checked(**named)``: a rule's inputs, checked while the DAG is planned
      (whole files; with ``identity=True`` also each file's identity record).
    """

    def __init__(
        self,
        name,
        title,
        check,
        figures,
        paths=None,
        bare_targets=False,
        identity=False,
        options=None,
    ):
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
        self.identity = identity
        self._options = options
        self.results = f"{R}/{name}"
        self.logs = f"{R}/logs/{name}"
        self._inputs = {}
        self._data, self._models = [], []
        for key, template in (paths or {}).items():
            setattr(self, key, f"{self.results}/{template}")
        STUDIES[name] = self

    # -- what figures, `<study>_data` and `<study>_models` read -------------------
    def add_inputs(self, kind, paths, columns=None):
        """Tables of ``kind`` (``paths()`` lists them) with the ``columns`` they must hold."""
        self._inputs[kind] = (paths, columns)

    def add_data(self, paths):
        self._data.append(paths)

    def add_models(self, paths):
        self._models.append(paths)

    def input_kinds(self):
        return list(self._inputs)

    def input_paths(self, kind, figure):
        """The tables of ``kind`` a figure reads (study 1 and 5 still key some on the figure)."""
        paths, _ = self._inputs[kind]
        return paths(figure) if inspect.signature(paths).parameters else paths()

    def input_columns(self, kind):
        return self._inputs[kind][1]

    def data(self):
        return [path for paths in self._data for path in paths()]

    def models(self):
        return [path for paths in self._models for path in paths()]

    # -- rules --------------------------------------------------------------------
    def job(self, kind):
        return Job(self, kind)

    def checked(self, columns=None, **named):
        """Input function for ``unpack``: named inputs (templates, lists or input
        functions), existing files checked whole (and their identity) first."""

        def inputs(wildcards):
            resolved = {
                name: _listed(value, wildcards) for name, value in named.items()
            }
            # An input function that returns [] means "no such input": drop it,
            # so rules can test `"name" in input.keys()`.
            resolved = {name: paths for name, paths in resolved.items() if paths != []}
            for name, paths in resolved.items():
                check_inputs(paths, (columns or {}).get(name), self)
            return resolved

        return inputs

    # -- targets ------------------------------------------------------------------
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
        if self._options is not None:
            return self._options(figure)
        return self.config.get("figures", {}).get(figure, {})

    def all_figure_files(self):
        return [path for figure in self.figures for path in self.figure_files(figure)]
