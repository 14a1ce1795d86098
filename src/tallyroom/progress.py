"""Progress bars for long jobs: drawn only on a terminal, silent when piped.

>>> with Progress(total=3, label="reading") as bar:   # prints nothing: not a terminal
...     for _ in range(3):
...         bar.advance()
>>> list(track(range(3), label="counting"))
[0, 1, 2]

A bar is drawn on standard error when it is a terminal (``isatty()``) and the
environment variable ``TALLYROOM_NO_PROGRESS`` is unset; otherwise every call is
a no-op, so piped output and logs stay clean and byte-identical. Redraws happen
only when the shown percentage changes (no clock is read). Library code may call
it freely; it never writes to standard output.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import TextIO, TypeVar

__all__ = ["Progress", "progress_enabled", "sha256_with_progress", "track"]

T = TypeVar("T")
_WIDTH = 30


def progress_enabled(stream: TextIO | None = None) -> bool:
    """Whether a bar would be drawn on ``stream`` (default: standard error)."""
    s = stream if stream is not None else sys.stderr
    if os.environ.get("TALLYROOM_NO_PROGRESS"):
        return False
    isatty = getattr(s, "isatty", None)
    return bool(isatty and isatty())


class Progress:
    """A progress bar for ``total`` units of work (``None``: unknown, a counter is shown)."""

    def __init__(
        self,
        total: int | None,
        label: str = "",
        *,
        stream: TextIO | None = None,
        enabled: bool | None = None,
        unit: str = "",
    ) -> None:
        self.total = total
        self.label = label
        self.unit = unit
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = progress_enabled(self.stream) if enabled is None else enabled
        self._shown: int | None = None

    def __enter__(self) -> Progress:
        self._draw(force=True)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def advance(self, n: int = 1) -> None:
        """Record ``n`` more units done."""
        self.done += n
        self._draw()

    def _draw(self, *, force: bool = False) -> None:
        if not self.enabled:
            return
        if self.total:
            pct = min(100, self.done * 100 // self.total)
            if pct == self._shown and not force:
                return
            self._shown = pct
            filled = pct * _WIDTH // 100
            bar = "#" * filled + "-" * (_WIDTH - filled)
            text = f"\r{self.label} [{bar}] {pct:3d}%"
        else:
            text = f"\r{self.label} {self.done:,}{(' ' + self.unit) if self.unit else ''}"
        self.stream.write(text)
        self.stream.flush()

    def close(self) -> None:
        """Finish the line (a no-op when not drawing)."""
        if self.enabled:
            if self.total:
                self.done = max(self.done, self.total)
                self._draw(force=True)
            self.stream.write("\n")
            self.stream.flush()
            self.enabled = False


def track(
    items: Iterable[T], *, total: int | None = None, label: str = "", stream: TextIO | None = None
) -> Iterator[T]:
    """Yield ``items``, advancing a bar by one for each (``total`` defaults to ``len(items)``)."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with Progress(total, label, stream=stream) as bar:
        for item in items:
            yield item
            bar.advance()


def sha256_with_progress(
    path: str | Path, *, label: str | None = None, stream: TextIO | None = None
) -> str:
    """SHA-256 of a file's bytes (hex), with a bar by bytes read."""
    p = Path(path)
    h = hashlib.sha256()
    with (
        open(p, "rb") as f,
        Progress(p.stat().st_size, label or f"hashing {p.name}", stream=stream) as bar,
    ):
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
            bar.advance(len(block))
    return h.hexdigest()
