"""Resizing, cropping and gray conversion of image batches, as torchvision defines them.

The reference pipelines use torchvision on float tensors in [0, 1]; torchvision
is not a dependency here, so the same operations are written with torch:

* :func:`resize_short_side`: the short side to ``size``, the long side to
  ``int(size·long/short)``, bilinear with antialiasing (a triangle filter
  stretched by the scale when shrinking), ``align_corners=False``.
* :func:`center_crop`: offsets ``int(round((H − h)/2))``, as torchvision rounds them.
* :func:`rgb_to_gray`: ITU-R 601-2 luma, 0.2989 R + 0.587 G + 0.114 B.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

GRAY_WEIGHTS = (0.2989, 0.587, 0.114)


def short_side_shape(height: int, width: int, size: int) -> tuple[int, int]:
    """(H', W') with the short side ``size`` and the long side scaled and truncated."""
    if height <= width:
        return size, int(size * width / height)
    return int(size * height / width), size


def resize_short_side(images: torch.Tensor, size: int) -> torch.Tensor:
    """(N, C, H, W) float -> (N, C, H', W'): antialiased bilinear, short side ``size``."""
    height, width = images.shape[-2:]
    shape = short_side_shape(height, width, size)
    if shape == (height, width):
        return images
    return F.interpolate(images, size=shape, mode="bilinear", align_corners=False, antialias=True)


def center_crop(images: torch.Tensor, size: int) -> torch.Tensor:
    """The central ``size``×``size`` window (torchvision's rounding of the offsets)."""
    height, width = images.shape[-2:]
    if height < size or width < size:
        raise ValueError(f"cannot crop {size}×{size} from {height}×{width}")
    top = round((height - size) / 2.0)
    left = round((width - size) / 2.0)
    return images[..., top : top + size, left : left + size]


def rgb_to_gray(images: torch.Tensor) -> torch.Tensor:
    """(N, 3, H, W) -> (N, 1, H, W) luma."""
    weights = torch.tensor(GRAY_WEIGHTS, dtype=images.dtype, device=images.device)
    return (images * weights.view(1, 3, 1, 1)).sum(dim=1, keepdim=True)


def average_pool(images: torch.Tensor, factor: int) -> torch.Tensor:
    """Mean over ``factor``×``factor`` blocks (exact downscaling by an integer factor)."""
    return images if factor == 1 else F.avg_pool2d(images, factor)
