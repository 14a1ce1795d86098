"""The fast path of the BLT reader (:mod:`.blt`): a block of plain ballot lines, vectorised.

Almost every BLT file in use (the Scottish councils', the ERS test files, OpenSTV's
and Droop's output) writes one ballot per line as plain numbers: ``weight c1 c2 …
0``, then a lone ``0``. Such a block is split and converted by pyarrow and laid out
by numpy. Anything else — comments, blank lines, ballot ids, ``-`` or ``=`` marks,
nicknames, a ballot over several lines, a number out of range — is left to the
line-by-line reader, which also names the line of any error; both give the same
papers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ..ballots.marks import BLANK
from ._common import ragged_cells

__all__ = ["plain_ballots"]

_NOT_PLAIN = re.compile(r"[^0-9 \t\n]")


def plain_ballots(
    lines: Sequence[str], start: int, n: int
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64], int] | None:
    """Ballot lines ``lines[start:]`` up to the end-of-ballots ``0`` line, if all are plain.

    Returns ``(rows of 0-based candidate numbers, weights, index of the '0' line)``,
    or ``None`` when the block needs the line-by-line reader.
    """
    try:
        end = lines.index("0", start)
    except ValueError:
        return None
    block = lines[start:end]
    if not block or _NOT_PLAIN.search("\n".join(block)):
        return None
    try:
        tokens = pc.utf8_split_whitespace(pa.array(block, type=pa.string()))
        values = np.asarray(pc.cast(pc.list_flatten(tokens), pa.int64()))
    except (pa.ArrowInvalid, OverflowError):
        return None  # a number too large for int64: the reader reports it
    offsets = np.asarray(tokens.offsets).astype(np.int64)
    counts = np.diff(offsets)
    if counts.size == 0 or int(counts.min()) < 2:
        return None  # an empty line, or a lone number
    if int(np.count_nonzero(values == 0)) != counts.size or (values[offsets[1:] - 1] != 0).any():
        return None  # not exactly one 0, ending each line: a ballot over several lines
    weights = values[offsets[:-1]]
    if int(weights.min()) < 1:
        return None
    marks = counts - 2
    rows = np.full((counts.size, int(marks.max())), BLANK, dtype=np.int32)
    if int(marks.sum()):
        line, column, prefs = ragged_cells(values, offsets[:-1] + 1, marks)
        if int(prefs.min()) < 1 or int(prefs.max()) > n:
            return None
        rows[line, column] = prefs - 1
    return rows, weights.astype(np.int64), end
