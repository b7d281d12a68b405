"""The verdict of a medium run's acceptance command, printed the same way by every study."""

from __future__ import annotations

from collections.abc import Iterable


def verdict(results: Iterable[tuple[str, bool]]) -> int:
    """Print ``PASS``/``FAIL`` per claim and whether the medium check holds; the exit code."""
    held = True
    for claim, ok in results:
        print(f"{'PASS' if ok else 'FAIL'}  {claim}")
        held = held and bool(ok)
    print(f"medium check {'holds' if held else 'does not hold'}")
    return 0 if held else 1
