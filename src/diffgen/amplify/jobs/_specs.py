"""Spec fragments shared by the study's job kinds."""

from __future__ import annotations

from diffgen.core.specs import Choice, Count, Fraction, Index, Optional, Positive

DATA = {
    "name": str, "source": Choice("digits", "mnist"), "mnist_path": Optional(str),
    "split": Choice("train", "test"), "classes": [Index], "rho": Fraction,
    "class_size": Optional(Count), "no_digit": bool, "resolution": Count, "seed": Index,
}  # fmt: skip
EDM_MODEL = {
    "resolution": Count, "channels": Count, "channel_mult": [Count], "num_blocks": Count,
    "attn_resolutions": [Count], "dropout": Fraction, "label_dropout": Fraction,
}  # fmt: skip
EDM_SAMPLER = {
    "steps": Count, "solver": Choice("heun", "euler"), "s_churn": Positive, "s_min": Positive,
    "s_max": Positive, "s_noise": Positive,
}  # fmt: skip
DDPM_NETWORK = {
    "T": Count, "num_labels": Count, "ch": Count, "ch_mult": [Count], "num_res_blocks": Count,
    "dropout": Fraction,
}  # fmt: skip
