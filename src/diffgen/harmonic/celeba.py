"""CelebA at 80×80 gray (paper scale): crop, half-size bicubic, gray, near-duplicates removed.

``img_align_celeba`` images (218×178) in sorted name order: crop [29:-29, 9:-9]
to 160×160, Pillow bicubic ×0.5 on uint8 to 80×80, gray = mean(R, G, B)/255.
Near duplicates: 20×20 average pool, per-image mean removed, cosine of every
pair; image i is dropped when some j < i has |cos| > 0.95.
"""

from __future__ import annotations

import numpy as np
import torch

from diffgen.core.errors import InputFileError
from diffgen.core.progress import log
from diffgen.images.folder import read_rgb

CROP_ROWS, CROP_COLS = 29, 9
THRESHOLD = 0.95


def prepare(path, rgb: np.ndarray) -> np.ndarray:
    """(80, 80) float32 gray image of one aligned CelebA image."""
    from PIL import Image

    if rgb.shape[0] <= 2 * CROP_ROWS or rgb.shape[1] <= 2 * CROP_COLS:
        raise InputFileError(f"{path}: image of {rgb.shape[0]}×{rgb.shape[1]} is too small to crop")
    crop = rgb[CROP_ROWS:-CROP_ROWS, CROP_COLS:-CROP_COLS]
    height, width = crop.shape[:2]
    image = Image.fromarray(np.ascontiguousarray(crop))
    small = np.asarray(image.resize((width // 2, height // 2), Image.BICUBIC), dtype=np.float32)
    return small.mean(axis=2) / 255.0


def load_folder(folder) -> np.ndarray:
    """(N, 1, H, W) gray images of a folder, sorted by name (one line for a bad folder)."""
    from pathlib import Path

    folder = Path(folder)
    if not folder.exists():
        raise InputFileError(f"{folder}: CelebA folder (harmonic.celeba_path) does not exist")
    if not folder.is_dir():
        raise InputFileError(f"{folder}: harmonic.celeba_path is not a folder")
    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    if not paths:
        raise InputFileError(f"{folder}: no .jpg or .png images in the CelebA folder")
    out = [prepare(p, read_rgb(p)) for p in paths]
    shapes = {x.shape for x in out}
    if len(shapes) > 1:
        raise InputFileError(f"{folder}: images of different sizes {sorted(shapes)[:2]}")
    return np.stack(out)[:, None]


def duplicates(x: np.ndarray, chunk: int = 4096, device: str = "cpu") -> np.ndarray:
    """Boolean mask of the images to drop (|cos| > 0.95 with an earlier image)."""
    t = torch.from_numpy(x).to(device=device, dtype=torch.float32)
    factor = max(t.shape[-1] // 20, 1)
    pooled = torch.nn.functional.avg_pool2d(t, factor).flatten(1)
    pooled = pooled - pooled.mean(dim=1, keepdim=True)
    unit = pooled / pooled.norm(dim=1, keepdim=True).clamp_min(1e-12)
    drop = torch.zeros(len(unit), dtype=torch.bool, device=device)
    for start in range(0, len(unit), chunk):
        rows = unit[start : start + chunk]
        cos = (rows @ unit[: start + len(rows)].T).abs()
        earlier = (
            torch.arange(start + len(rows), device=device)[None, :]
            < (torch.arange(start, start + len(rows), device=device)[:, None])
        )
        drop[start : start + len(rows)] = ((cos > THRESHOLD) & earlier).any(dim=1)
    log(f"dedupe: {int(drop.sum())} of {len(unit)} images dropped")
    return drop.cpu().numpy()
