"""Forward–backward with exact BP: keep fractions E[μ_ℓ(z_ℓ)], and χ, C(r) of posterior samples."""

from __future__ import annotations

import argparse

import numpy as np
import torch

from diffgen.core import identity
from diffgen.core.checks import steps_rule
from diffgen.core.device import runtime_device
from diffgen.core.diffusion.d3pm import uniform_schedule
from diffgen.core.jobs import add_runtime, add_spec, input_file, write_table
from diffgen.core.progress import log
from diffgen.core.specs import Choice, Count, Index, Spec
from diffgen.rhm.bp import TreeBP
from diffgen.rhm.dataset import load_strings
from diffgen.rhm.fluctuations import changes, keep_from_marginals
from diffgen.rhm.forward_backward import epsilon, posterior_uniforms, rows_at
from diffgen.rhm.jobspecs import DIFFUSION, schedule_rule
from diffgen.rhm.oracle import choices_per_row, posterior_sample
from diffgen.rhm.sampler import forward_noise

DTYPES = {"float32": torch.float32, "float64": torch.float64}
SPEC = Spec(
    {
        "grammar": str, "count": Count, "t": [Count], "diffusion": DIFFUSION, "seed": Index,
        "dtype": Choice(*DTYPES), "batch_size": Count,
    },
    schedule_rule, steps_rule("t"),
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--strings", required=True, help="start strings (HDF5, kind rhm_strings)")
    add_spec(parser, SPEC)
    parser.add_argument("--keep", required=True, help="output: keep fractions (CSV)")
    parser.add_argument("--fluct", required=True, help="output: χ and C(r) (CSV)")
    add_runtime(parser)


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    device = runtime_device(args)
    identity.expect(input_file(args.strings, "string set"), "rhm", "strings")
    grammar, tree = load_strings(args.strings, spec["count"])
    sh = grammar.shape
    schedule = uniform_schedule(**spec["diffusion"])
    bp = TreeBP(grammar, device, DTYPES[spec["dtype"]])
    x0 = torch.from_numpy(tree[-1])
    base = {"source": "bp", "grammar": spec["grammar"], "P": 0, "seed": 0, "step": 0}
    keep_rows, fluct_rows = [], []
    for t in sorted(set(spec["t"])):
        keep_parts, leaves = [], []
        for start in range(0, len(x0), spec["batch_size"]):
            stop = min(start + spec["batch_size"], len(x0))
            x_t = forward_noise(x0[start:stop], t, schedule, sh.v, spec["seed"], start)
            messages = bp.posterior(x_t, schedule.alpha_bar(t))
            part = [level[start:stop] for level in tree]
            keep_parts.append(keep_from_marginals(messages.marginals(), part))
            u = posterior_uniforms(spec["seed"], schedule, t, start, stop, choices_per_row(sh))
            leaves.append(posterior_sample(bp, messages, u)[-1].cpu().numpy())
        keep = np.concatenate(keep_parts)
        delta = changes(np.concatenate(leaves), tree[-1])
        rows = rows_at(base, t, epsilon(schedule, t), keep, delta, spec["seed"])
        keep_rows += rows[0]
        fluct_rows += rows[1]
        log(f"t={t}: keep class {keep[:, 0].mean():.3f}, leaves {keep[:, -1].mean():.3f}, "
            f"χ {rows[1][0]['chi']:.3f}")  # fmt: skip
    write_table(keep_rows, args.keep, ["t", "level"])
    write_table(fluct_rows, args.fluct, ["t", "r"])
