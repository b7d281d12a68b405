"""τ_cos and τ_loss of the face models, chosen from the measurements (a JSON file)."""

from __future__ import annotations

import argparse

from diffgen.biased.faces.columns import COLUMNS
from diffgen.biased.faces.reference import reference_epochs
from diffgen.core.atomic import write_json
from diffgen.core.tables import read_table, read_tables


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--similarity", required=True, help="generation-split table")
    parser.add_argument("--loss", nargs="+", required=True, help="loss tables of the models")
    parser.add_argument("--out", required=True, help="JSON with τ_cos and τ_loss")


def run(args: argparse.Namespace) -> None:
    similarity = read_table(args.similarity, COLUMNS["faces_similarity"])
    loss = read_tables(args.loss, COLUMNS["faces_loss"])
    write_json(args.out, reference_epochs(similarity, loss))
