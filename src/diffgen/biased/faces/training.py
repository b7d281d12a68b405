"""Training of one face model: split i, seed i, the ε-prediction objective, on the image core.

The trainer lives here (not only in :mod:`diffgen.images.training`) so that the
resume identity covers the U-Net's code too: a state saved by other network
code never continues.
"""

from __future__ import annotations

from pathlib import Path

import torch

from diffgen.biased.faces.models import ARCHITECTURE, ddpm_from, unet_from
from diffgen.core import training
from diffgen.core.progress import log
from diffgen.core.seeding import array_digest
from diffgen.images.checkpoints import checkpoint_payload
from diffgen.images.training import EpsObjective, ImageTrainer
from diffgen.images.unet import UNet, trainable_parameters


class FacesTrainer(ImageTrainer):
    """ε-prediction U-Net on one split's centred images, Adam at a constant rate."""

    def __init__(self, spec: dict, images: torch.Tensor, options: training.RunOptions) -> None:
        config = unet_from(spec["model"])
        torch.manual_seed(spec["seed"])
        model = UNet(config)

        def payload(network, epoch: int) -> dict:
            return checkpoint_payload(network, ARCHITECTURE, config.to_dict(), epoch, spec)

        super().__init__(
            model, EpsObjective(ddpm_from(spec), options.device), images,
            epochs=spec["epochs"], batch_size=spec["batch_size"], lr=spec["lr"],
            seed=spec["seed"], payload=payload, options=options,
            mixed_precision=spec["mixed_precision"], label=f"train split {spec['split']}",
        )  # fmt: skip


def train(
    spec: dict,
    images: torch.Tensor,
    checkpoint_paths: dict[int, Path],
    log_path: Path,
    work_dir: Path,
    options: training.RunOptions,
) -> FacesTrainer:
    """Train to ``spec['epochs']``; the run's identity includes the digest of its images."""
    trainer = FacesTrainer(spec, images, options)
    log(
        f"training split {spec['split']} (seed {spec['seed']}) on {options.device}: "
        f"{trainable_parameters(trainer.model):,} parameters, {images.shape[0]} images, "
        f"{spec['epochs']} epochs, batch {spec['batch_size']}"
    )
    run = {"spec": spec, "data": array_digest(images)}
    return training.train(trainer, run, checkpoint_paths, log_path, work_dir, options)
