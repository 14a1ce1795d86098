"""The fast path of the PrefLib reader (:mod:`.preflib`): plain ``count: a,b,c`` lines, vectorised.

Most PrefLib files (the NSW Legislative Assembly's, strict orders of election
data) hold only lines of whole numbers: a count, a colon, alternatives separated
by commas. Such a block is split and converted by pyarrow and laid out by numpy.
Anything else — a tie ``{…}``, a blank or comment line, an alternative out of range
or listed twice, an incomplete order in a complete file — is left to the
line-by-line reader, which names the line of any error; both give the same papers.
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

__all__ = ["plain_orders"]

_NOT_PLAIN = re.compile(r"[^0-9:, \t\n]")


def plain_orders(
    lines: Sequence[str], n_alts: int, complete: bool
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64]] | None:
    """Rows of 0-based alternatives and counts of the data ``lines``, if all are plain.

    ``complete``: every order must rank all ``n_alts`` alternatives (``soc``, ``toc``).
    Returns ``None`` when the lines need the line-by-line reader.
    """
    if not lines or _NOT_PLAIN.search("\n".join(lines)):
        return None
    text = pa.array(lines, type=pa.string())
    if (np.asarray(pc.count_substring(text, ":")) != 1).any():
        return None
    # "count: a, b" -> "count,a,b"
    squeezed = pc.replace_substring(pc.replace_substring(text, " ", ""), "\t", "")
    tokens = pc.split_pattern(pc.replace_substring(squeezed, ":", ","), ",")
    try:
        values = np.asarray(pc.cast(pc.list_flatten(tokens), pa.int64()))
    except (pa.ArrowInvalid, OverflowError):
        return None  # an empty item (',,' or a trailing ','), or a number too large
    offsets = np.asarray(tokens.offsets).astype(np.int64)
    ranked = np.diff(offsets) - 1
    if int(ranked.min()) < 1 or (complete and (ranked != n_alts).any()):
        return None
    weights = values[offsets[:-1]]
    line, column, alts = ragged_cells(values, offsets[:-1] + 1, ranked)
    if int(alts.min()) < 1 or int(alts.max()) > n_alts:
        return None
    rows = np.full((ranked.size, int(ranked.max())), BLANK, dtype=np.int32)
    rows[line, column] = alts - 1
    ordered = np.sort(rows, axis=1)
    if ((ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] >= 0)).any():
        return None  # an alternative listed twice in one order
    return rows, weights.astype(np.int64)
