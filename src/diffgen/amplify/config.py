"""Cross-key checks of the ``amplify`` config section (what its schema cannot express)."""

from __future__ import annotations

from diffgen.core.errors import ConfigError


def check_consistency(section: dict) -> None:
    """Every measured size is at most the number of points drawn."""
    n, sizes = section["data"]["n"], section["moments"]["sizes"]
    if max(sizes) > n:
        raise ConfigError(
            f"config key 'amplify.moments.sizes': {max(sizes)} is more than data.n = {n}"
        )
