"""Generate one RHM dataset (rules, train and test trees) for a grammar and a size P."""

from __future__ import annotations

import argparse

from diffgen.core import identity
from diffgen.core.errors import ConfigError
from diffgen.core.jobs import add_spec
from diffgen.core.progress import log
from diffgen.core.seeding import config_hash
from diffgen.core.specs import Count, Index, Spec
from diffgen.rhm.dataset import Dataset, save_dataset
from diffgen.rhm.jobspecs import GRAMMAR, strings_rule
from diffgen.rhm.rules import Shape, forced_replacement, grammar_for, pmax_text
from diffgen.rhm.sets import draw_sets

SPEC = Spec(
    {
        "grammar": GRAMMAR, "seed_rules": Index, "rules_path": str, "P": Count,
        "P_test": Index, "seed_sample": Index, "replacement": bool,
    },
    strings_rule("P", "P_test"),
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True, help="output HDF5 file")


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    shape = Shape(**spec["grammar"])
    grammar, source = grammar_for(shape, spec["seed_rules"], spec["rules_path"])
    replacement = forced_replacement(shape, spec["replacement"])
    if not replacement and spec["P"] + spec["P_test"] > shape.pmax:
        raise ConfigError(
            f"--spec key 'P': P + P_test = {spec['P'] + spec['P_test']} exceeds Pmax = {shape.pmax}"
        )
    log(f"drawing {spec['P'] + spec['P_test']:,} strings of {shape.name()} ({pmax_text(shape)})")
    sets = draw_sets(grammar, spec["P"], spec["P_test"], spec["seed_sample"], spec["replacement"])
    data = Dataset(grammar, sets.train, sets.test, sets.indices, sets.replacement)
    attrs = {"seed_rules": spec["seed_rules"], "seed_sample": spec["seed_sample"],
             "rules_source": source}  # fmt: skip
    provenance = {"config_hash": config_hash(spec), "spec": spec}
    save_dataset(args.out, data, provenance, attrs, identity.record("rhm", "data", spec))
    log(f"wrote {args.out}")
