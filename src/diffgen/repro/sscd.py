"""SSCD copy-detection descriptors from a user's TorchScript file (never downloaded).

As the reference: uint8 images → resized to 320×320 → ImageNet normalisation →
a descriptor per image; similarity is the cosine (the reference's dot product of
normalised descriptors), and τ = 0.6.
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F

from diffgen.core.errors import InputFileError

MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
SIZE = 320
THRESHOLD = 0.6


def load(path: str | Path, device="cpu") -> torch.jit.ScriptModule:
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: SSCD TorchScript file does not exist")
    try:
        return torch.jit.load(str(path), map_location=device).eval()
    except Exception as err:  # TorchScript raises several types for bad files
        raise InputFileError(f"{path}: not a TorchScript model ({type(err).__name__})") from None


@torch.no_grad()
def descriptors(model, x: torch.Tensor, batch_size: int = 64) -> torch.Tensor:
    """Unit descriptors of images x (B, C, H, W) in [-1, 1] (gray repeated to RGB)."""
    out = []
    mean = torch.tensor(MEAN).view(1, 3, 1, 1)
    std = torch.tensor(STD).view(1, 3, 1, 1)
    for rows in torch.split(x, batch_size):
        u8 = ((rows.float() + 1) * 127.5).round().clamp(0, 255)
        if u8.shape[1] == 1:
            u8 = u8.repeat(1, 3, 1, 1)
        resized = F.interpolate(u8 / 255, size=(SIZE, SIZE), mode="bilinear", antialias=True)
        features = model((resized - mean) / std)
        out.append(F.normalize(features.float(), dim=1))
    return torch.cat(out)
