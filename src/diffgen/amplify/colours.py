"""The colour of each bias: bias j is the colour of class j (the reference's COLOUR_MAP)."""

from __future__ import annotations

import numpy as np

COLOUR_MAP = np.array(
    [
        (255, 0, 0), (0, 255, 0), (0, 0, 255), (225, 225, 0), (225, 0, 225),
        (0, 255, 255), (255, 128, 0), (255, 0, 128), (128, 0, 255), (128, 128, 128),
    ],
    dtype=np.uint8,
)  # fmt: skip
