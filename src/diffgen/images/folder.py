"""Folders of image files (JPEG, PNG): natural order, decoding, one-line errors.

A study gives a folder (CelebA's ``img_align_celeba``, a folder of samples);
this module lists its images in natural order ("2.png" before "10.png") and
decodes them to RGB arrays with Pillow. What to do with the pixels (crop,
resize, gray) is the study's business.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from diffgen.core.errors import InputFileError

SUFFIXES = (".jpg", ".jpeg", ".png")
_DIGITS = re.compile(r"(\d+)")


def natural_key(name: str) -> tuple:
    """Sort key comparing digit runs as numbers and the rest as lower-case text."""
    parts = _DIGITS.split(name)
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in parts if p)


def list_images(folder: str | Path) -> list[Path]:
    """The image files of ``folder`` (by suffix, case-insensitive), in natural order."""
    folder = Path(folder)
    if not folder.exists():
        raise InputFileError(f"{folder}: image folder does not exist")
    if not folder.is_dir():
        raise InputFileError(f"{folder}: is not a folder of images")
    with os.scandir(folder) as entries:
        names = [
            e.name
            for e in entries
            if os.path.splitext(e.name)[1].lower() in SUFFIXES and e.is_file()
        ]
    return [folder / name for name in sorted(names, key=natural_key)]


def check_headers(paths: list[Path], sample: int = 16) -> None:
    """The headers of up to ``sample`` of ``paths`` (first, last, evenly between) are images.

    A cheap parse-time check: a folder of files that are no images is refused
    naming one of them, without decoding any pixels.
    """
    from PIL import Image, UnidentifiedImageError

    if not paths:
        return
    count = min(sample, len(paths))
    picks = sorted({round(i * (len(paths) - 1) / max(count - 1, 1)) for i in range(count)})
    for index in picks:
        path = paths[index]
        try:
            with Image.open(path) as image:
                image.size  # noqa: B018 - the header is read on open; size proves it parsed
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as err:
            raise InputFileError(f"{path}: unreadable image ({type(err).__name__})") from None


def read_rgb(path: str | Path) -> np.ndarray:
    """(H, W, 3) uint8 pixels of one image file; an unreadable file is one line naming it."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return np.asarray(image.convert("RGB"), dtype=np.uint8)
    except FileNotFoundError:
        raise InputFileError(f"{path}: image does not exist") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as err:
        raise InputFileError(f"{path}: unreadable image ({type(err).__name__})") from None
