"""Figure tables of the face experiments (Fig 1(a), Fig 2, App. Fig 7).

Builders read the measurements by kind (CSV tables with required columns, the
reference-epochs JSON, the representative-pairs HDF5) and return one table
per figure; plotters read only these tables. Images travel in them as rows
of pixel columns ``pixel0 … pixel{H·W−1}`` (row-major, display values in
[0, 1], 4 decimals) with ``height`` and ``width``.

Row kinds (``part``): ``curve`` (series, epoch, value, se, count),
``reference`` (series tau_cos / tau_loss, epoch) and ``image`` (panel,
epoch, rank, role in nn_a / a / b / nn_b, similarity, sample or training index).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from diffgen.biased.faces.columns import COLUMNS
from diffgen.biased.faces.noise_prediction import pooled
from diffgen.biased.faces.reference import distance_curve, loss_curve
from diffgen.biased.faces.representatives import load_representatives
from diffgen.core.errors import InputFileError
from diffgen.core.tables import read_table, read_tables

#: Representative pairs Fig 1(a) shows per reference epoch (the paper's 4).
FIG1A_PAIRS = 4
ROLES = ("nn_a", "a", "b", "nn_b")


def _one(inputs: dict, kind: str) -> str:
    paths = inputs.get(kind, [])
    if len(paths) != 1:
        raise InputFileError(f"expected one {kind} input, got {len(paths)}")
    return paths[0]


def _files(inputs: dict) -> str:
    """The representatives file and the reference file whose epochs it must hold."""
    representatives = _one(inputs, "faces_representatives")
    return f"{representatives} (epochs from {_one(inputs, 'faces_reference')})"


def read_reference(path: str) -> dict:
    """τ_cos and τ_loss from the reference rule's JSON (one line naming a bad file)."""
    try:
        with open(path) as handle:
            chosen = json.load(handle)
        return {"tau_cos": int(chosen["tau_cos"]), "tau_loss": int(chosen["tau_loss"])}
    except FileNotFoundError:
        raise InputFileError(f"{path}: reference-epochs file does not exist") from None
    except (ValueError, KeyError, TypeError) as err:
        raise InputFileError(f"{path}: not a reference-epochs file ({err})") from None


def image_rows(
    reps: dict, panels: dict[str, int], files: str, pairs: int | None = None
) -> pd.DataFrame:
    """Rows of the representative pairs at each panel's epoch (the first ``pairs`` of each);
    ``files`` names the representatives (and reference) files in an error."""
    rows = []
    for panel, epoch in panels.items():
        if epoch not in reps["epochs"]:
            raise InputFileError(
                f"{files}: no representative pairs at epoch {epoch} ({panel}),"
                f" the file holds epochs {list(reps['epochs'])}"
            )
        g = reps["epochs"].index(epoch)
        count = reps["index"].shape[1] if pairs is None else min(pairs, reps["index"].shape[1])
        for rank in range(count):
            for role in ROLES:
                image = reps[role][g, rank]
                if role.startswith("nn_"):
                    similarity = reps[f"{role}_similarity"][g, rank]
                    source = reps[f"{role}_index"][g, rank]
                else:
                    similarity, source = reps["similarity"][g, rank], reps["index"][g, rank]
                pixels = np.round(image.reshape(-1).astype(np.float64), 4)
                row = {"part": "image", "panel": panel, "epoch": epoch, "rank": rank,
                       "role": role, "similarity": float(similarity), "source": int(source),
                       "height": image.shape[-2], "width": image.shape[-1]}  # fmt: skip
                row.update({f"pixel{i}": v for i, v in enumerate(pixels)})
                rows.append(row)
    return pd.DataFrame(rows)


def _curve(frame: pd.DataFrame, series: str) -> pd.DataFrame:
    out = frame.rename(columns={"median": "value"})[["epoch", "value", "se", "count"]]
    return out.assign(part="curve", series=series)


def fig1a(inputs: dict, options: dict) -> pd.DataFrame:
    """Distance and losses vs epoch, τ_cos and τ_loss, the first representative pairs at both."""
    similarity = read_table(_one(inputs, "faces_similarity"), COLUMNS["faces_similarity"])
    loss = read_tables(inputs.get("faces_loss", []), COLUMNS["faces_loss"])
    chosen = read_reference(_one(inputs, "faces_reference"))
    reps = load_representatives(_one(inputs, "faces_representatives"))
    distance = distance_curve(similarity)
    epochs = [int(e) for e in distance["epoch"]]
    marks = [{"part": "reference", "series": name, "epoch": e} for name, e in chosen.items()]
    parts = [
        _curve(distance, "distance"),
        _curve(loss_curve(loss, "test_loss", epochs), "test_loss"),
        _curve(loss_curve(loss, "train_loss", epochs), "train_loss"),
        pd.DataFrame(marks),
        image_rows(reps, chosen, _files(inputs), FIG1A_PAIRS),
    ]
    return pd.concat(parts, ignore_index=True)


def figA7(inputs: dict, options: dict) -> pd.DataFrame:
    """All representative pairs with their nearest training images: τ_cos, τ_loss, last epoch."""
    chosen = read_reference(_one(inputs, "faces_reference"))
    reps = load_representatives(_one(inputs, "faces_representatives"))
    panels = {**chosen, "last": reps["epochs"][-1]}
    return image_rows(reps, panels, _files(inputs))


def fig2(inputs: dict, options: dict) -> pd.DataFrame:
    """Per (k, epoch): train and test ε̂ similarity over pairs × inputs, and the models' MSEs."""
    table = read_tables(inputs.get("faces_noise_prediction", []), COLUMNS["faces_noise_prediction"])
    rows = []
    for (k, epoch), group in table.groupby(["k", "epoch"], sort=True):
        row = {"k": int(k), "epoch": int(epoch)}
        for name in ("train", "test"):
            cos = group[(group["quantity"] == "cosine") & (group["set"] == name)]
            mse = group[(group["quantity"] == "mse") & (group["set"] == name)]
            if cos.empty or mse.empty:
                raise InputFileError(
                    f"noise-prediction tables lack {name} rows at k={k}, epoch {epoch}"
                )
            row[f"{name}_similarity"], row[f"{name}_similarity_se"] = pooled(
                cos["mean"], cos["var"], cos["count"]
            )
            values = mse["mean"].to_numpy(dtype=np.float64)
            row[f"{name}_mse"] = float(values.mean())
            row[f"{name}_mse_se"] = (
                float(values.std(ddof=1) / np.sqrt(values.size)) if values.size > 1 else 0.0
            )
            row[f"{name}_pairs"] = len(cos)
        row["models"] = int(group.loc[group["quantity"] == "mse", "a"].nunique())
        rows.append(row)
    return pd.DataFrame(rows)
