"""Rate-limited progress lines for long jobs (they end up in the rule's log file)."""

from __future__ import annotations

import sys
import time


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


class Progress:
    """Prints ``label: done/total (pct), rate, ETA`` at most every ``every`` seconds.

    ``done`` starts at ``initial`` (a resumed job's progress so far): the rate and
    the ETA count only the work of this process.
    """

    def __init__(
        self, label: str, total: int, unit: str = "steps", every: float = 5.0, initial: int = 0
    ) -> None:
        self.label, self.total, self.unit, self.every = label, total, unit, every
        self.start = self.last = time.monotonic()
        self.done = self.initial = initial

    def update(self, done: int, extra: str = "") -> None:
        """Record progress; print if enough time has passed or the job is finished."""
        self.done = done
        now = time.monotonic()
        if now - self.last < self.every and done < self.total:
            return
        self.last = now
        elapsed = max(now - self.start, 1e-9)
        rate = (done - self.initial) / elapsed
        eta = (self.total - done) / rate if rate > 0 else float("inf")
        pct = 100.0 * done / max(self.total, 1)
        tail = f", {extra}" if extra else ""
        eta_text = _duration(eta) if eta != float("inf") else "?"
        print(
            f"{self.label}: {done}/{self.total} {self.unit} ({pct:.0f}%), "
            f"{rate:.3g} {self.unit}/s, ETA {eta_text}{tail}",
            file=sys.stderr,
            flush=True,
        )


def log(message: str) -> None:
    """One line to stderr, flushed (job logs are read while jobs run)."""
    print(message, file=sys.stderr, flush=True)
