"""Vectorised ballot reading for the IRV engine (:mod:`.irv_engine`).

RCTab re-reads a paper from its first ranking whenever its candidate stops
continuing (``Tabulator.java``, ``CastVoteRecord.java``). For most papers every
rule option gives the same answer, and numpy can give it for all such rows at once.
A row is *clean* when

* it has at least one mark and every mark is a candidate (no overvote mark, no
  overvote group, no uncertain mark) — so ``overvote_rule`` never applies;
* with ``max_skipped_ranks`` set, no gap between its marks (or before its first)
  is longer than allowed — so the skipped-rankings rule never applies;
* with ``exhaust_on_duplicate_candidate``, no candidate appears twice — so the
  repeated-ranking rule never applies.

A clean row's new candidate is its first continuing candidate (those ranked
before it are not continuing), or none: it is exhausted ("no continuing
candidate"). The final-round-surplus check applies to every row alike. Other
rows are read by the engine's reference loop (``_Tabulator.next_choice``).

Transfers are aggregated here too, exactly (int64 only when every sum is known
to fit; Python integers otherwise), and in the reference loop's order: sources
and destinations in the order of their first paper.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ..ballots.marks import BLANK
from .irv_rules import IRVRules

__all__ = ["aggregate", "clean_rows", "marked_length", "next_continuing"]

Flows = dict[int, dict[int | str, list[int]]]


def clean_rows(ballots: npt.NDArray[np.int32], rules: IRVRules) -> npt.NDArray[np.bool_]:
    """Rows whose reading cannot depend on the overvote, skip or duplicate rules."""
    rows, depth = ballots.shape
    if depth == 0:
        return np.zeros(rows, dtype=bool)
    marked = ballots != BLANK
    clean: npt.NDArray[np.bool_] = np.all((ballots >= 0) | ~marked, axis=1) & np.any(marked, axis=1)
    if rules.max_skipped_ranks is not None:
        position = np.arange(1, depth + 1, dtype=np.int64)
        last = np.maximum.accumulate(np.where(marked, position[None, :], 0), axis=1)
        before = np.zeros_like(last)
        before[:, 1:] = last[:, :-1]
        gap = np.where(marked, position[None, :] - before, 0)
        clean &= np.max(gap, axis=1) <= rules.max_skipped_ranks + 1
    if rules.exhaust_on_duplicate_candidate and depth > 1:
        # blanks become distinct negative numbers, so only repeated candidates collide
        filler = -1 - np.arange(depth, dtype=np.int64)
        keyed = np.sort(np.where(marked, ballots.astype(np.int64), filler[None, :]), axis=1)
        clean &= ~np.any((keyed[:, 1:] == keyed[:, :-1]) & (keyed[:, 1:] >= 0), axis=1)
    return clean


def marked_length(ballots: npt.NDArray[np.int32]) -> npt.NDArray[np.int64]:
    """Per row, the number of columns up to and including its last mark."""
    rows, depth = ballots.shape
    if depth == 0:
        return np.zeros(rows, dtype=np.int64)
    marked = ballots != BLANK
    from_end = np.argmax(marked[:, ::-1], axis=1)
    return np.where(np.any(marked, axis=1), depth - from_end, 0).astype(np.int64)


def next_continuing(
    ballots: npt.NDArray[np.int32],
    rows: npt.NDArray[np.int64],
    start: npt.NDArray[np.int64],
    length: npt.NDArray[np.int64],
    continuing: npt.NDArray[np.bool_],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Clean rows' first continuing candidate from column ``start`` on, and its column.

    ``continuing`` has one entry per candidate plus a last ``False`` entry, which
    blank marks (-1) index. This is the row's first continuing candidate when none
    before ``start`` is continuing: candidates only ever stop continuing, so a clean
    row's scan can resume after its current candidate. Rows with none get -1 (column -1).
    Each pass looks at one more column of the rows not yet settled, so the work is
    the number of marks passed over, not the width of the ballot.
    """
    k = rows.size
    new = np.full(k, -1, dtype=np.int64)
    column = np.full(k, -1, dtype=np.int64)
    idx = np.arange(k, dtype=np.int64)
    r, c, end = rows, start.astype(np.int64), length[rows]
    while idx.size:
        inside = c < end
        if not inside.all():
            idx, r, c, end = idx[inside], r[inside], c[inside], end[inside]
            if not idx.size:
                break
        marks = ballots[r, c]
        live = continuing[marks]
        new[idx[live]] = marks[live]
        column[idx[live]] = c[live]
        dead = ~live
        idx, r, c, end = idx[dead], r[dead], c[dead] + 1, end[dead]
    return new, column


def aggregate(
    sources: npt.NDArray[np.int64],
    dests: npt.NDArray[np.int64],
    values: npt.NDArray[np.int64] | npt.NDArray[np.object_],
    scaled: npt.NDArray[np.bool_],
    exhausted_key: str,
) -> Flows:
    """Sum ``values`` by (source, destination): ``{source: {dest: [units, scaled]}}``.

    Destination -1 is ``exhausted_key``. Sources, and each source's destinations,
    come in the order of their first row (as a row-by-row loop inserts them);
    ``scaled`` is 1 if any contributing row's value is scaled.
    """
    flows: Flows = {}
    if sources.size == 0:
        return flows
    # destinations -1.. (n-1) -> 0..n, so every pair is one non-negative integer key
    width = int(dests.max()) + 2
    keys = sources * width + (dests + 1)
    unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    dtype = values.dtype
    totals = np.zeros(unique.size, dtype=dtype)  # object dtype: Python integer zeros
    np.add.at(totals, inverse, values)
    flags = np.zeros(unique.size, dtype=bool)
    np.logical_or.at(flags, inverse, scaled)
    for k in np.argsort(first, kind="stable").tolist():
        src, dest = divmod(int(unique[k]), width)
        key: int | str = dest - 1 if dest > 0 else exhausted_key
        flows.setdefault(src, {})[key] = [int(totals[k]), int(flags[k])]
    return flows
