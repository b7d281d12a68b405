"""A tiny EDM training run for the resume tests: ``python edm_train_run.py RUN_DIR [--bf16]``.

A small label-conditional SongUNet with dropout and label dropout, random flips as
augmentation, a ramped and cosine learning rate, and a ramped EMA half-life: every
piece of resumable state of :class:`EDMTrainer` is exercised.
"""

import sys
from pathlib import Path

import torch
import torch.nn.functional as F

from diffgen.core import training
from diffgen.images.edm.ema import EMA
from diffgen.images.edm.loss import EDMLoss
from diffgen.images.edm.precond import EDMPrecond
from diffgen.images.edm.songunet import SongUNet, SongUNetConfig
from diffgen.images.edm.training import EDMTrainer, LRSchedule

STEPS, CHECKPOINTS, BATCH = 24, (8, 24), 6
CONFIG = SongUNetConfig(8, 3, 3, 8, (1, 2), 1, (4,), 0.1, label_dim=3, label_dropout=0.2)


def flip(x: torch.Tensor, generator: torch.Generator):
    flips = torch.rand(x.shape[0], generator=generator, device=x.device) < 0.5
    return torch.where(flips.view(-1, 1, 1, 1), x.flip(-1), x), None


def make_trainer(bf16: bool = False, schedule: LRSchedule | None = None) -> EDMTrainer:
    gen = torch.Generator().manual_seed(0)
    # 10 images (batches span epochs): one template per class plus a little noise.
    templates = torch.rand(3, 3, 8, 8, generator=gen) * 2 - 1
    classes = torch.arange(10) % 3
    images = templates[classes] + 0.05 * torch.randn(10, 3, 8, 8, generator=gen)
    labels = F.one_hot(classes, 3).float()
    net = SongUNet(CONFIG, seed=1)
    options = training.RunOptions(torch.device("cpu"), resume_every_seconds=0)
    return EDMTrainer(
        net, EDMPrecond(), EDMLoss(), EMA(net, halflife_images=50, rampup_ratio=0.05), images,
        steps=STEPS, batch_size=BATCH, seed=3,
        schedule=schedule or LRSchedule(2e-3, rampup_images=60, cosine=True), options=options,
        labels=labels, augment=flip, mixed_precision=bf16, log_every=5,
        checkpoint_steps=CHECKPOINTS, meta={"network": CONFIG.to_dict()},
    )  # fmt: skip


def main(run_dir: Path, bf16: bool) -> None:
    torch.set_num_threads(1)
    trainer = make_trainer(bf16)
    paths = {step: run_dir / f"step{step}.pt" for step in CHECKPOINTS}
    run = {"test": "edm", "bf16": bf16}
    training.train(trainer, run, paths, run_dir / "train_log.csv", run_dir / ".work",
                   trainer_options(trainer))  # fmt: skip


def trainer_options(trainer: EDMTrainer) -> training.RunOptions:
    return training.RunOptions(trainer.device, resume_every_seconds=0, progress_every=0.5)


if __name__ == "__main__":
    main(Path(sys.argv[1]), "--bf16" in sys.argv[2:])
