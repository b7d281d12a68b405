"""Helpers of tests/core/test_slurm.py: snakemake runs, SLURM job records."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from conftest import ROOT

CLUSTER_SH = ROOT / "resources" / "slurm-test" / "cluster.sh"
#: the venv's bin folder: first on PATH so SLURM jobs (sbatch --export=ALL) use it
VENV_BIN = Path(sys.executable).parent


def run_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONUNBUFFERED="1", **extra)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    # A SLURM_CONF of another cluster would send our jobs elsewhere.
    env.pop("SLURM_CONF", None)
    return env


@dataclass
class Run:
    returncode: int
    output: str
    seconds: float

    def tail(self, chars: int = 6000) -> str:
        return self.output[-chars:]


def snakemake_command(args: list[str], limit_s: int) -> list[str]:
    """``timeout -k 10 <limit> python -m snakemake ARGS`` with this interpreter."""
    return ["timeout", "-k", "10", str(limit_s), sys.executable, "-m", "snakemake", *args]


class Background:
    """A snakemake run in the background; ``finish()`` waits and returns its Run."""

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str], log: Path):
        self.log = log
        self._handle = log.open("w")
        self._start = time.monotonic()
        self._process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=self._handle, stderr=subprocess.STDOUT
        )
        self._seconds = 0.0
        # Its own wall time, however long the caller takes to ask for it.
        self._waiter = threading.Thread(target=self._wait, daemon=True)
        self._waiter.start()

    def _wait(self) -> None:
        self._process.wait()
        self._seconds = time.monotonic() - self._start

    def finish(self) -> Run:
        self._waiter.join()
        self._handle.close()
        output = self.log.read_text(errors="replace")
        return Run(self._process.returncode, output, self._seconds)


def start_snakemake(cwd: Path, args: list[str], limit_s: int, log: Path, **env: str) -> Background:
    """Start snakemake in the background; its stdout+stderr go to ``log``."""
    return Background(snakemake_command(args, limit_s), cwd, run_env(**env), log)


def snakemake(cwd: Path, args: list[str], limit_s: int, log: Path, **env: str) -> Run:
    return start_snakemake(cwd, args, limit_s, log, **env).finish()


# -- the test cluster ---------------------------------------------------------------


def cluster(command: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(CLUSTER_SH), command],
        env=dict(os.environ, **env),
        capture_output=True,
        text=True,
        timeout=900,  # `up` may apt-get install slurm-wlm + munge
    )


_FIELD = re.compile(r"(\w+)=(\S*)")


def slurm_jobs() -> dict[str, dict[str, str]]:
    """Every job slurmctld still lists (finished ones for MinJobAge), by job id."""
    result = subprocess.run(
        ["scontrol", "-o", "show", "job"], capture_output=True, text=True, timeout=30
    )
    if result.returncode != 0:
        raise RuntimeError(f"scontrol show job failed: {result.stderr.strip()}")
    jobs = {}
    for line in result.stdout.splitlines():
        fields = dict(_FIELD.findall(line))
        if "JobId" in fields:
            jobs[fields["JobId"]] = fields
    return jobs


class JobWatcher:
    """Record, every few seconds, the new SLURM jobs whose working directory is ``workdir``.

    slurmctld forgets finished jobs after MinJobAge (600 s); polling during the
    run keeps every job's last known record (state, partition, GPUs) however
    long the run takes.
    """

    def __init__(self, workdir: Path, every_s: float = 2.0):
        self.workdir = str(workdir)
        self.every_s = every_s
        self.jobs: dict[str, dict[str, str]] = {}
        self.states: dict[str, list[str]] = {}
        self.errors: list[str] = []
        self._before: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> JobWatcher:
        self._before = set(slurm_jobs())  # jobs of earlier runs are not ours
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=60)
        self.poll()

    def _loop(self) -> None:
        while not self._stop.wait(self.every_s):
            self.poll()

    def poll(self) -> None:
        try:
            jobs = slurm_jobs()
        except Exception as err:  # recorded; the test reports it
            self.errors.append(str(err))
            return
        for job_id, fields in jobs.items():
            if fields.get("WorkDir") != self.workdir or job_id in self._before:
                continue
            self.jobs[job_id] = fields
            seen = self.states.setdefault(job_id, [])
            if not seen or seen[-1] != fields.get("JobState"):
                seen.append(fields.get("JobState", "?"))


# -- what the jobs wrote ------------------------------------------------------------

#: one line per task (batch script, each srun step), from the cluster's TaskProlog
_TASK = re.compile(
    r"^diffgen-slurm-task: job=(?P<job>\S*) step=(?P<step>\S*) partition=(?P<partition>\S*)"
    r" gpus=(?P<gpus>\S*) python=(?P<python>\S*)$",
    re.MULTILINE,
)


@dataclass
class JobLog:
    job_id: str
    kind: str  # "rule" or "group"
    name: str  # rule name, or "<group>_<rules>" for a group
    path: Path
    text: str

    def tasks(self) -> list[dict[str, str]]:
        return [m.groupdict() for m in _TASK.finditer(self.text)]


def job_logs(workdir: Path) -> dict[str, JobLog]:
    """The SLURM job logs in ``workdir`` (.snakemake/slurm_logs/{rule,group}_<name>/...)."""
    logs = {}
    base = workdir / ".snakemake" / "slurm_logs"
    for path in sorted(base.rglob("*.log")):
        top = path.relative_to(base).parts[0]
        kind, _, name = top.partition("_")
        logs[path.stem] = JobLog(path.stem, kind, name, path, path.read_text(errors="replace"))
    return logs


def rule_of_comment(comment: str) -> str:
    """``rule_train_n64_wildcards_0_0`` -> ``train_n64`` (the plugin's --comment)."""
    return comment.removeprefix("rule_").split("_wildcards_")[0]


def files_under(directory: Path, pattern: str) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.glob(pattern))
        if p.is_file()
    }
