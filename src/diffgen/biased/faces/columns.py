"""Columns each kind of face measurement table must hold (the jobs write them)."""

from __future__ import annotations

from diffgen.core.tables import NUMBER, TEXT

COLUMNS = {
    "faces_similarity": dict.fromkeys(
        ["epoch", "a", "b", "similarity", "similarity_se", "samples"], NUMBER
    ),
    "faces_loss": dict.fromkeys(
        ["split", "epoch", "test_loss", "test_loss_se", "train_loss", "train_loss_se"], NUMBER
    ),
    "faces_noise_prediction": {
        **dict.fromkeys(["epoch", "k", "a", "b", "mean", "var", "count"], NUMBER),
        "set": TEXT,
        "quantity": TEXT,
    },
}
