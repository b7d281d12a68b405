"""U-turn overlaps from uniform random sequences: model, empirical denoiser, BP_k (App. Fig 11)."""

from __future__ import annotations

import argparse

import numpy as np
import torch
import torch.nn.functional as F

from diffgen.biased.denoisers import EmpiricalDenoiser
from diffgen.biased.jobcontext import K_LIST
from diffgen.biased.jobcontext import add_arguments as add_job_arguments
from diffgen.biased.oracle import grammar_oracle
from diffgen.biased.uturnjob import UTURN, UTurnJob
from diffgen.core.jobs import write_table
from diffgen.core.metrics.divergence import mean_se
from diffgen.core.progress import log
from diffgen.core.specs import Count, Spec

SPEC = Spec({**UTURN, "ks": K_LIST, "empirical_size": Count})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_job_arguments(parser, SPEC, checkpoints="one")


def run(args: argparse.Namespace) -> None:
    job = UTurnJob(args)
    g, spec = job.grammar, job.spec
    train = job.ds.split(spec["split"], spec["n"])
    rng = np.random.default_rng([spec["uturn_seed"], spec["split"], spec["seed"]])
    subset = train[np.sort(rng.choice(len(train), spec["empirical_size"], replace=False))]
    subset_one_hot = F.one_hot(torch.as_tensor(subset, dtype=torch.long), g.q).float()
    denoisers = {
        "model": job.trained,
        "empirical": EmpiricalDenoiser(subset_one_hot.to(job.device), job.schedule),
        **{f"bp{k}": grammar_oracle(job, k) for k in spec["ks"]},
    }
    starts = rng.integers(0, g.q, size=(spec["n_sequences"], g.length))
    rows = []
    for index, t in enumerate(job.steps):
        res = job.overlaps(denoisers, starts, t, spec["uturn_seed"] + 1000 * index)
        for name, values in res.items():
            mean, se = mean_se(values.mean(axis=0))
            rows.append({**job.columns(t), "denoiser": name, "overlap": mean, "overlap_se": se})
        log(
            f"t={t}: " + ", ".join(f"{r['denoiser']} {r['overlap']:.3f}" for r in rows[-len(res) :])
        )
    write_table(rows, args.out, ["t", "denoiser"])
