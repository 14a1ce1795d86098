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

__all__ = ["aggregate", "clean_rows", "first_continuing"]

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


def first_continuing(
    marks: npt.NDArray[np.int32], continuing: npt.NDArray[np.bool_]
) -> npt.NDArray[np.int64]:
    """Each clean row's first continuing candidate, or -1.

    ``continuing`` has one entry per candidate plus a last ``False`` entry, which
    blank marks (-1) index.
    """
    if marks.shape[0] == 0 or marks.shape[1] == 0:
        return np.full(marks.shape[0], -1, dtype=np.int64)
    live = continuing[marks]
    first = np.argmax(live, axis=1)
    chosen = marks[np.arange(marks.shape[0]), first].astype(np.int64)
    return np.where(np.any(live, axis=1), chosen, -1)


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
