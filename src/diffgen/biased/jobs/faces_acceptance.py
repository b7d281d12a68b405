"""Check a face run's finding: does the sample distance reach its minimum before the test loss?

Reads the reference-epochs JSON of a run (``<results>/biased/faces/reference.json``)
and prints τ_cos, τ_loss and whether τ_cos < τ_loss; exits 1 if not. A τ_loss at
the last generation checkpoint is flagged: the loss minimum may lie beyond the
compared checkpoints (widen ``generation.checkpoints``).
"""

from __future__ import annotations

import argparse
import json
import sys

from diffgen.core.errors import InputFileError
from diffgen.core.jobs import input_file


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reference", required=True, help="reference.json of the faces run")


def run(args: argparse.Namespace) -> None:
    path = input_file(args.reference, "reference-epochs file")
    try:
        chosen = json.loads(path.read_text())
        tau_cos, tau_loss = int(chosen["tau_cos"]), int(chosen["tau_loss"])
        epochs = [int(e) for e in chosen["generation_epochs"]]
    except (ValueError, KeyError, TypeError) as err:
        raise InputFileError(f"{path}: not a reference-epochs file ({err})") from None
    ok = tau_cos < tau_loss
    print(
        f"tau_cos = {tau_cos}, tau_loss = {tau_loss} (generation epochs {epochs[0]}..{epochs[-1]})"
    )
    print(f"tau_cos < tau_loss: {'yes' if ok else 'no'}")
    if tau_loss == epochs[-1]:
        print("note: tau_loss is the last generation checkpoint; the loss minimum may lie later")
    if not ok:
        sys.exit(1)
