"""Helpers shared by the ballot-file readers: opening (plain or gzip), text checks."""

from __future__ import annotations

import gzip
import io
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from ..ballots.candidates import Candidate, CandidateList
from ..errors import BallotFileError

__all__ = ["check_options", "open_text", "read_head", "resolve_candidates"]


def open_binary(path: Path) -> IO[bytes]:
    """Open a file for reading bytes, decompressing ``.gz`` transparently."""
    try:
        if path.suffix.lower() == ".gz":
            return gzip.open(path, "rb")  # type: ignore[return-value]
        return open(path, "rb")
    except OSError as exc:
        raise BallotFileError(path, f"cannot open: {exc.strerror or exc}") from exc


def open_text(path: Path, encoding: str = "utf-8-sig") -> IO[str]:
    return io.TextIOWrapper(open_binary(path), encoding=encoding, newline="")


def read_head(path: Path, size: int = 8192) -> bytes:
    """The first ``size`` bytes (decompressed) of a file; ``b""`` if unreadable."""
    try:
        with open_binary(path) as f:
            return f.read(size)
    except (OSError, BallotFileError, EOFError):
        return b""


def check_options(
    path: Path, options: Mapping[str, Any], allowed: Mapping[str, str], fmt: str
) -> None:
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise BallotFileError(
            path,
            f"unknown option(s) for format {fmt!r}: {', '.join(unknown)}; valid options: "
            + ", ".join(sorted(allowed)),
        )


def resolve_candidates(value: Any) -> CandidateList | None:
    """The ``candidates`` read option: a CandidateList, a list of names, or None."""
    if value is None:
        return None
    if isinstance(value, CandidateList):
        return value
    return CandidateList(c if isinstance(c, Candidate) else Candidate(str(c)) for c in value)


def ragged_cells(
    values: npt.NDArray[np.int64], first: npt.NDArray[np.int64], lengths: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Lay out runs of ``values`` as rows: run ``i`` is ``values[first[i]:first[i] + lengths[i]]``.

    Returns ``(row, column, value)`` of every cell, for ``matrix[row, column] = value``.
    """
    total = int(lengths.sum())
    row = np.repeat(np.arange(lengths.size, dtype=np.int64), lengths)
    column = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return row, column, values[np.repeat(first, lengths) + column]
