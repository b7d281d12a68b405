"""The workflow on a live single-node SLURM cluster (resources/slurm-test/cluster.sh).

Needs root on Linux (the cluster's daemons); skipped, with the reason, only where
`cluster.sh up` says the machine is unsupported (exit 3). Every run happens in a
temporary copy of the workflow, so the checkout's results/ are never touched.
Runtime on 2 cores: about 12 minutes, mostly study 1's tiny fig4a through SLURM (its
local twin is the shared tiny run of tests/tiny.py) and one training cut by a 1-minute
time limit, next to its uninterrupted local twin.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import torch
import yaml
from conftest import copy_workflow
from slurm_support import (
    VENV_BIN,
    JobWatcher,
    cluster,
    files_under,
    job_logs,
    rule_of_comment,
    snakemake,
    start_snakemake,
)
from tiny import CHECKPOINTS, CONFIGS, copy_tiny_workflow

from diffgen.core.torchio import load_torch

pytestmark = pytest.mark.slurm

SMALL = "results/small/biased"
TINY = "results/tiny/biased"
SMALL_LOGS = "results/small/logs/biased"
#: two fake GPUs: the small preset's two trainings run side by side, as locally
CLUSTER_ENV = {"DIFFGEN_SLURM_GPUS": "2"}
SLURM_LIMIT_S = 900
GPU_RULES = ("biased_train_n64", "biased_test_loss")
CPU_RULES = ("biased_grammar_data", "biased_nn_divergence")
LOCAL_RULES = ("biased_initial_noise", "biased_table_fig4a", "biased_plot_fig4a", "fig4a")


@pytest.fixture(scope="module")
def slurm_cluster():
    """Bring the test cluster up for this module and down after it."""
    up = cluster("up", **CLUSTER_ENV)
    if up.returncode == 3:
        pytest.skip(f"no SLURM test cluster here: {up.stderr.strip()}")
    if up.returncode != 0:
        cluster("down", **CLUSTER_ENV)
        pytest.fail(f"cluster.sh up failed ({up.returncode}):\n{up.stderr[-4000:]}")
    try:
        conf = Path("/etc/slurm/slurm.conf")
        if "diffgen-slurm-test" not in conf.read_text(errors="replace"):
            pytest.fail(
                f"{conf} is not the test cluster's (cluster.sh left a foreign one alone); "
                "jobs' inner srun could not find the cluster"
            )
        yield
    finally:
        down = cluster("down", **CLUSTER_ENV)
        assert down.returncode == 0, f"cluster.sh down failed:\n{down.stderr[-4000:]}"


def report(capsys, text: str) -> None:
    """Print past pytest's capture: the wall times are part of the result."""
    with capsys.disabled():
        print(f"\n[test_slurm] {text}")


def workflow_copy(tmp_path_factory, name: str) -> Path:
    return copy_workflow(Path(os.path.realpath(tmp_path_factory.mktemp(name))) / "wf")


# -- the real profile -----------------------------------------------------------------


@pytest.fixture
def linked_profiles(tmp_path):
    """A workflow copy whose profiles resources/link-profiles.sh linked into a private
    XDG config dir, so `--profile slurm` resolves through the symlink as for users."""
    workdir = copy_workflow(tmp_path / "wf")
    config_home = tmp_path / "xdg"
    env = {"XDG_CONFIG_HOME": str(config_home)}
    link = subprocess.run(
        ["bash", str(workdir / "resources" / "link-profiles.sh")],
        env=dict(os.environ, **env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert link.returncode == 0, link.stderr
    assert (config_home / "snakemake" / "slurm").is_symlink()
    return workdir, env


def test_real_profile_dry_run(linked_profiles, tmp_path):
    """`--profile slurm` (the symlink) and `--profile profiles/slurm` plan fig4a at paper
    scale, sample banks grouped. No cluster needed."""
    workdir, env = linked_profiles
    for profile in ("slurm", "profiles/slurm"):
        run = snakemake(
            workdir, ["--profile", profile, "fig4a", "-n"], 600, tmp_path / "dry.log", **env
        )
        assert run.returncode == 0, run.tail()
        assert f"Using profile {profile} " in run.output
        assert "Group job samples" in run.output


def test_real_profile_places_jobs_with_its_partition_file(slurm_cluster, linked_profiles, tmp_path):
    """The real profile's relative `slurm-partition-config: partitions.yaml` is found both
    through the ~/.config/snakemake/slurm symlink and as profiles/slurm (one cheap CPU job
    each; the test cluster needs squeue polling and no account on top)."""
    workdir, env = linked_profiles
    on_test_cluster = [
        "--configfile", "config.yaml", "resources/presets/small.yaml",
        "--slurm-status-command", "squeue",
        "--slurm-no-account",
        "--slurm-init-seconds-before-status-checks", "2",
        "--latency-wait", "5",
    ]  # fmt: skip
    for profile, extra in (
        ("slurm", []),
        ("profiles/slurm", ["--forcerun", "biased_grammar_data"]),
    ):
        with JobWatcher(workdir) as watcher:
            run = snakemake(
                workdir,
                [f"{SMALL}/data/grammar.h5", "--profile", profile, *on_test_cluster, *extra],
                300,
                tmp_path / "data.log",
                **env,
            )
        assert run.returncode == 0, run.tail()
        assert "Auto-selected partition 'cpu' for job biased_grammar_data" in run.output, run.tail()
        assert [j["Partition"] for j in watcher.jobs.values()] == ["cpu"], watcher.jobs


# -- a tiny fig4a through SLURM ----------------------------------------------------


def test_fig4a_through_slurm_matches_local_run(
    slurm_cluster, tiny_workflow, tmp_path_factory, capsys
):
    """Study 1's tiny Fig 4(a) through SLURM; the local run is the shared tiny workflow's."""
    slurm_dir = copy_tiny_workflow(
        Path(os.path.realpath(tmp_path_factory.mktemp("fig4a-slurm"))) / "wf"
    )
    with JobWatcher(slurm_dir) as watcher:
        run = snakemake(
            slurm_dir,
            ["fig4a", "--profile", "profiles/slurm-test", "--configfile", *CONFIGS],
            SLURM_LIMIT_S,
            slurm_dir.parent / "snakemake.log",
        )
    assert run.returncode == 0, run.tail()
    assert not watcher.errors, watcher.errors[:3]

    jobs, logs = watcher.jobs, job_logs(slurm_dir)
    assert jobs, "no SLURM job ran in the workflow copy"
    assert set(jobs) == set(logs), (sorted(jobs), sorted(logs))
    assert {j["JobState"] for j in jobs.values()} == {"COMPLETED"}, watcher.states

    by_rule: dict[str, list[str]] = {}
    for job_id, log in logs.items():
        by_rule.setdefault(f"group {log.name}" if log.kind == "group" else log.name, []).append(
            job_id
        )
    groups = [j for name, ids in by_rule.items() if name.startswith("group ") for j in ids]
    assert {name for name in by_rule if not name.startswith("group ")} == {
        *GPU_RULES,
        *CPU_RULES,
    }, by_rule
    assert len(by_rule["biased_train_n64"]) == len(by_rule["biased_test_loss"]) == 2
    assert len(by_rule["biased_nn_divergence"]) == 2 and len(by_rule["biased_grammar_data"]) == 1
    # The sample banks (2 runs x 3 checkpoints) ran inside fewer SLURM jobs.
    banks = sum(len(re.findall(r"^rule biased_sample_bank:", logs[j].text, re.M)) for j in groups)
    assert banks == 2 * len(CHECKPOINTS) and 1 <= len(groups) < banks, (banks, by_rule)
    # Cheap rules ran on the submitting host, never as SLURM jobs.
    for rule in LOCAL_RULES:
        assert f"localrule {rule}:" in run.output
        assert not any(rule_of_comment(j.get("Comment", "")) == rule for j in jobs.values())

    # Placement, from slurmctld (partition, GPUs allocated) and from inside the jobs
    # (the cluster's TaskProlog line of every task: partition, CUDA_VISIBLE_DEVICES,
    # the python on PATH).
    gpu_jobs = [j for r in GPU_RULES for j in by_rule[r]] + groups
    cpu_jobs = [j for r in CPU_RULES for j in by_rule[r]]
    venv_python = str(VENV_BIN / "python")
    for job_id in gpu_jobs + cpu_jobs:
        on_gpu = job_id in gpu_jobs
        record, tasks = jobs[job_id], logs[job_id].tasks()
        where = f"job {job_id} ({logs[job_id].path.parent.name}): {record} {tasks}"
        assert record["Partition"] == ("gpu" if on_gpu else "cpu"), where
        assert ("gres:gpu:1" in record.get("TresPerJob", "")) == on_gpu, where
        # the batch script, then one srun step per workflow job it runs
        assert len(tasks) >= 2 and tasks[0]["step"] == "batch", where
        for task in tasks:
            assert task["job"] == job_id and task["partition"] == record["Partition"], where
            if on_gpu:
                assert re.fullmatch(r"\d+", task["gpus"]), where
            else:
                assert task["gpus"] == "none", where
            assert task["python"] == venv_python, where

    for ext in ("pdf", "png"):
        assert (slurm_dir / TINY / "figures" / f"fig4a.{ext}").stat().st_size > 10_000

    # The same target run on this machine (the shared tiny workflow): identical files.
    for pattern in ("measure/**/*.csv", "tables/fig4a.csv", "train/**/*.pt"):
        via_slurm = files_under(slurm_dir / TINY, pattern)
        here = files_under(tiny_workflow / TINY, pattern)
        assert via_slurm and set(via_slurm) <= set(here), (pattern, sorted(via_slurm))
        differ = [name for name in via_slurm if here[name] != via_slurm[name]]
        assert not differ, f"differ between SLURM and local runs: {differ}"
    report(capsys, f"tiny fig4a wall time: {run.seconds:.0f} s through SLURM ({len(jobs)} jobs)")


# -- a training cut by its time limit ---------------------------------------------

#: About 150 s of training on one CPU (15 ms an epoch here): 2.5 times what one 1-minute
#: SLURM attempt holds, so 3 attempts, and a first one cut even on a 2x faster machine.
EPOCHS = 10_000
CHECKPOINTS_KEPT = 7  # stated here, so a change of the small preset leaves the test alone
TIME_LIMIT_CONFIG = {
    "resume_every_seconds": 5,
    "biased": {
        "training": {
            "n_checkpoints": CHECKPOINTS_KEPT,
            "runs": [{"n": 64, "epochs": EPOCHS}, {"n": 256, "epochs": 500}],
        }
    },
}
RUN_DIR = f"{SMALL}/train/n64/split0_seed0"
RULE_LOG = f"{SMALL_LOGS}/train/n64/split0_seed0.log"


def test_training_cut_by_time_limit_resumes_bit_exactly(slurm_cluster, tmp_path_factory, capsys):
    slurm_dir = workflow_copy(tmp_path_factory, "timelimit-slurm")
    local_dir = workflow_copy(tmp_path_factory, "timelimit-local")
    configs = ["config.yaml", "resources/presets/small.yaml", "timelimit.yaml"]
    for directory in (slurm_dir, local_dir):
        (directory / "timelimit.yaml").write_text(yaml.safe_dump(TIME_LIMIT_CONFIG))
    target = f"{RUN_DIR}/train_log.csv"

    # The uninterrupted reference runs here meanwhile (the training takes 1 CPU each).
    local = start_snakemake(
        local_dir,
        [target, "--profile", "profiles/small", "--configfile", *configs],
        900,
        local_dir.parent / "snakemake.log",
    )
    with JobWatcher(slurm_dir) as watcher:
        slurm_args = [
            target,  # first: --configfile takes every argument up to the next option
            "--profile", "profiles/slurm-test",
            "--configfile", *configs,
            "--set-resources", "biased_train_n64:runtime=1",  # 1 minute per attempt
            "--retries", "6",
        ]  # fmt: skip
        run = snakemake(
            slurm_dir,
            slurm_args,
            SLURM_LIMIT_S,
            slurm_dir.parent / "snakemake.log",
        )
    local_run = local.finish()
    assert run.returncode == 0, run.tail()
    assert local_run.returncode == 0, local_run.tail()

    trainings = watcher.jobs.items()
    attempts = sorted(
        (j for j, r in trainings if rule_of_comment(r.get("Comment", "")) == "biased_train_n64"),
        key=int,
    )
    states = [watcher.jobs[j]["JobState"] for j in attempts]
    assert len(attempts) >= 2, (states, watcher.states)
    assert states[:-1] == ["TIMEOUT"] * (len(attempts) - 1) and states[-1] == "COMPLETED", states
    assert {watcher.jobs[j]["TimeLimit"] for j in attempts} == {"00:01:00"}
    first_log = job_logs(slurm_dir)[attempts[0]].text
    assert "DUE TO TIME LIMIT" in first_log, first_log[-2000:]

    # Every retry went on from where an earlier attempt stopped, never from scratch. The
    # failed attempts' rule logs are in Snakemake's output (show-failed-logs); the last
    # attempt's is the rule log (Snakemake deletes a job's log before rerunning it).
    # A retry resumes from the last resume state, or, if the attempt before was cut
    # after its training had finished, puts the staged outputs back ("already trained").
    rule_log = (slurm_dir / RULE_LOG).read_text()
    attempt_logs = run.output + rule_log
    resumed_at = [int(e) for e in re.findall(r"resumed from \S+/\.work/state\.pt at epoch (\d+)",
                                             attempt_logs)]  # fmt: skip
    completed = len(re.findall(r"already trained \(", attempt_logs))
    assert len(resumed_at) + completed == len(attempts) - 1, attempt_logs[-4000:]
    assert resumed_at == sorted(set(resumed_at)), resumed_at
    assert all(0 < epoch <= EPOCHS for epoch in resumed_at), resumed_at
    assert "resumed from" not in (local_dir / RULE_LOG).read_text()

    checkpoints = sorted(p.name for p in (local_dir / RUN_DIR).glob("epoch*.pt"))
    assert len(checkpoints) == CHECKPOINTS_KEPT
    assert sorted(p.name for p in (slurm_dir / RUN_DIR).glob("epoch*.pt")) == checkpoints
    for name in checkpoints:
        resumed = load_torch(slurm_dir / RUN_DIR / name)["model"]
        reference = load_torch(local_dir / RUN_DIR / name)["model"]
        assert resumed.keys() == reference.keys(), name
        for key, tensor in reference.items():
            assert torch.equal(resumed[key], tensor), f"{name}: {key} differs"
    report(
        capsys,
        f"time limit: {len(attempts)} SLURM attempts ({', '.join(states)}), "
        f"{run.seconds:.0f} s through SLURM, {local_run.seconds:.0f} s uninterrupted locally",
    )
