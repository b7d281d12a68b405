"""Draw the forward–backward starting strings of one grammar (i.i.d., with their trees)."""

from __future__ import annotations

import argparse

from diffgen.core import identity
from diffgen.core.jobs import add_spec
from diffgen.core.progress import log
from diffgen.core.seeding import config_hash
from diffgen.core.specs import Count, Index, Spec
from diffgen.rhm.dataset import save_strings
from diffgen.rhm.decoding import draw_with_replacement
from diffgen.rhm.jobspecs import GRAMMAR, strings_rule
from diffgen.rhm.rules import Shape, grammar_for

SPEC = Spec({"grammar": GRAMMAR, "seed_rules": Index, "rules_path": str, "count": Count,
             "seed": Index}, strings_rule("count"))  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_spec(parser, SPEC)
    parser.add_argument("--out", required=True, help="output HDF5 file")


def run(args: argparse.Namespace) -> None:
    spec = args.spec
    shape = Shape(**spec["grammar"])
    grammar, source = grammar_for(shape, spec["seed_rules"], spec["rules_path"])
    tree = draw_with_replacement(grammar, spec["count"], spec["seed"])
    provenance = {"config_hash": config_hash(spec), "spec": spec}
    attrs = {"seed_rules": spec["seed_rules"], "seed": spec["seed"], "rules_source": source}
    save_strings(
        args.out, grammar, tree, provenance, attrs, identity.record("rhm", "strings", spec)
    )
    log(f"wrote {spec['count']:,} strings of {shape.name()} to {args.out}")
