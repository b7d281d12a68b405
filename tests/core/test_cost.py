"""`diffgen cost`: the paper-scale price of a target, from its planned DAG."""

from __future__ import annotations

import pytest
from conftest import ROOT

from diffgen.cli import main
from diffgen.tools.cost import Job, parse_dry_run, total

DRY_RUN = """\
rule biased_train_n12000:
    input: results/biased/data/grammar.h5
    output: results/biased/train/a.pt, results/biased/train/b.pt
    jobid: 61
    threads: 4
    resources: tmpdir=/tmp, gpu=1, runtime=180, mem_mb=16000
localrule biased_table_fig4a:
    output: results/biased/tables/fig4a.csv
    resources: tmpdir=/tmp, runtime=10
rule biased_nn_divergence:
    output: results/biased/measure/x.csv
    threads: 2
    resources: tmpdir=/tmp, runtime=60
"""


def test_a_dry_run_is_read_job_by_job(tmp_path):
    jobs = parse_dry_run(DRY_RUN)
    assert [job.rule for job in jobs] == [
        "biased_train_n12000",
        "biased_table_fig4a",
        "biased_nn_divergence",
    ]
    assert jobs[0].gpu and jobs[0].minutes == 180 and jobs[0].threads == 4
    assert jobs[0].outputs == ["results/biased/train/a.pt", "results/biased/train/b.pt"]
    (tmp_path / "results/biased/train").mkdir(parents=True)
    (tmp_path / "results/biased/train/a.pt").write_bytes(b"x" * 1000)
    cost = total(jobs, {}, tmp_path)
    assert (cost.jobs, cost.gpu_jobs, cost.gpu_hours) == (3, 1, 3.0)
    assert cost.cpu_hours == pytest.approx(10 / 60 + 2 * 60 / 60)
    assert cost.disk_bytes == 1000
    assert total(jobs, {"biased_train_n12000": 30}, tmp_path).gpu_hours == 0.5
    assert total([Job("fig4a")], {}, tmp_path).cpu_hours == 0


def test_diffgen_cost_fig4a_prints_its_table(capsys):
    assert main(["cost", "fig4a", "--directory", str(ROOT)]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("| `fig4a`"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    # 15 trainings, 375 sample banks, 15 test losses on the GPU; 425 jobs in all.
    assert cells[1:3] == ["425", "405"]
    assert float(cells[3].replace(",", "")) > 100
    assert "estimate" in out.lower()


def test_a_bad_target_is_one_line(capsys):
    assert main(["cost", "no_such_target", "--directory", str(ROOT)]) == 2
    assert capsys.readouterr().err.startswith("diffgen: snakemake -n no_such_target")
