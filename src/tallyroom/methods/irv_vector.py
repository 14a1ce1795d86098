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
and destinations in the order of their first paper. :class:`KeptShares` holds
what papers keep with winners in the multi-winner surplus modes (RCTab's
per-paper allocations), one array per winner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ..ballots.marks import BLANK
from .irv_rules import IRVRules

if TYPE_CHECKING:
    from .irv_engine import _Tabulator

__all__ = [
    "KeptShares",
    "aggregate",
    "byte_columns",
    "clean_rows",
    "marked_length",
    "next_continuing",
    "reassign_clean",
]

Flows = dict[int, dict[int | str, list[int]]]
_INT64_LIMIT = 2**63 - 1


def byte_columns(ballots: npt.NDArray[np.int32]) -> npt.NDArray[np.int8] | None:
    """The ballots column by column, one byte a mark, when every code fits a byte."""
    if ballots.size == 0 or int(ballots.min()) < -128 or int(ballots.max()) > 127:
        return None
    # per-row reductions over a few columns are slow in numpy; over rows of a
    # column-major copy they run at memory speed
    return np.ascontiguousarray(ballots.astype(np.int8).T)


def clean_rows(
    ballots: npt.NDArray[np.int32],
    rules: IRVRules,
    columns: npt.NDArray[np.int8] | None = None,
) -> npt.NDArray[np.bool_]:
    """Rows whose reading cannot depend on the overvote, skip or duplicate rules.

    ``columns``: the ballots' :func:`byte_columns`, if already made.
    """
    rows, depth = ballots.shape
    if depth == 0:
        return np.zeros(rows, dtype=bool)
    if columns is None:
        columns = byte_columns(ballots)
    clean: npt.NDArray[np.bool_]
    if columns is not None:
        # every mark a candidate (>= 0) or blank (-1; the other codes are below it),
        # and at least one candidate
        clean = (columns.min(axis=0) >= BLANK) & (columns.max(axis=0) >= 0)
    else:
        marked = ballots != BLANK
        clean = np.all((ballots >= 0) | ~marked, axis=1) & np.any(marked, axis=1)
    if rules.max_skipped_ranks is None and not rules.exhaust_on_duplicate_candidate:
        return clean
    marked = ballots != BLANK
    # narrow integer types: these temporaries are rows x depth
    small = np.int16 if depth < 2**15 - 1 else np.int32
    if rules.max_skipped_ranks is not None:
        position = np.arange(1, depth + 1, dtype=small)
        last = np.maximum.accumulate(np.where(marked, position[None, :], 0), axis=1)
        before = np.zeros_like(last)
        before[:, 1:] = last[:, :-1]
        gap = np.where(marked, position[None, :] - before, 0)
        clean &= np.max(gap, axis=1) <= rules.max_skipped_ranks + 1
    if rules.exhaust_on_duplicate_candidate and depth > 1:
        # blanks become distinct negative numbers, so only repeated candidates collide
        filler = -1 - np.arange(depth, dtype=np.int32)
        keyed = np.sort(np.where(marked, ballots, filler[None, :]), axis=1)
        clean &= ~np.any((keyed[:, 1:] == keyed[:, :-1]) & (keyed[:, 1:] >= 0), axis=1)
    return clean


def marked_length(
    ballots: npt.NDArray[np.int32], columns: npt.NDArray[np.int8] | None = None
) -> npt.NDArray[np.int64]:
    """Per row, the number of columns up to and including its last mark.

    ``columns``: the ballots' :func:`byte_columns`, if already made.
    """
    rows, depth = ballots.shape
    if depth == 0:
        return np.zeros(rows, dtype=np.int64)
    if columns is None:
        columns = byte_columns(ballots)
    if columns is not None:
        position = np.arange(1, depth + 1, dtype=np.uint8 if depth < 256 else np.int32)
        last = ((columns != BLANK).view(np.uint8) * position[:, None]).max(axis=0)
        out: npt.NDArray[np.int64] = last.astype(np.int64)
        return out
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
    # positions in the flattened ballots: one index array to filter per pass, not two
    flat = ballots.reshape(-1)
    base = rows * ballots.shape[1]
    pos = base + start
    end = base + length[rows]
    idx = np.arange(k, dtype=np.int64)
    while True:
        inside = pos < end
        if not inside.all():
            idx, pos, end = idx[inside], pos[inside], end[inside]
        if not idx.size:
            break
        marks = flat[pos]
        live = continuing[marks]
        hit = idx[live]
        new[hit] = marks[live]
        column[hit] = pos[live]
        dead = ~live
        idx, pos, end = idx[dead], pos[dead] + 1, end[dead]
    found = column >= 0
    column[found] -= base[found]
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
    size = int(keys.max()) + 1
    if values.dtype != object and size <= max(4 * keys.size, 1 << 16):
        # few possible pairs: sum into one slot per pair (no sort); int64 is exact here
        first_of = np.full(size, keys.size, dtype=np.int64)
        np.minimum.at(first_of, keys, np.arange(keys.size, dtype=np.int64))
        unique = np.nonzero(first_of < keys.size)[0]
        first = first_of[unique]
        sums = np.zeros(size, dtype=np.int64)
        np.add.at(sums, keys, values)
        totals = sums[unique]
        flags = np.bincount(keys, weights=scaled, minlength=size)[unique] > 0
    else:
        unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        totals = np.zeros(unique.size, dtype=values.dtype)  # object: Python integer zeros
        np.add.at(totals, inverse, values)
        flags = np.zeros(unique.size, dtype=bool)
        np.logical_or.at(flags, inverse, scaled)
    for k in np.argsort(first, kind="stable").tolist():
        src, dest = divmod(int(unique[k]), width)
        key: int | str = dest - 1 if dest > 0 else exhausted_key
        flows.setdefault(src, {})[key] = [int(totals[k]), int(flags[k])]
    return flows


def reassign_clean(
    t: _Tabulator, need: npt.NDArray[np.int64], cont: npt.NDArray[np.bool_]
) -> dict[str, Flows]:
    """Give the rows ``need`` their new candidates; return the transfers (overall, slices).

    Clean rows are read with numpy, the others with ``t.next_choice`` (RCTab's
    loop); the transfers are those of ``_Tabulator.reassign_reference``, in its order.
    """
    from .irv_engine import _STATUS, EXHAUSTED_CHOICES, EXHAUSTED_KEY, FINAL_SURPLUS

    old = t.recipient[need]
    new = np.empty(need.size, dtype=np.int64)
    status = np.zeros(need.size, dtype=np.int64)
    fast = t.clean[need]
    if t.uses_surpluses and len(t.winners) == t.seats:
        new[fast] = -1
        status[fast] = _STATUS[FINAL_SURPLUS]
    else:
        rows = need[fast]
        start = t.column[rows] + 1
        chosen, column = next_continuing(t.profile.ballots, rows, start, t.length, cont)
        t.column[rows] = column
        new[fast] = chosen
        status[fast] = np.where(chosen < 0, _STATUS[EXHAUSTED_CHOICES], 0)
    for k in np.nonzero(~fast)[0].tolist():
        choice, reason = t.next_choice(int(need[k]))
        new[k] = choice
        status[k] = 0 if reason is None else _STATUS[reason]
    moved = (old >= 0) & (t.ftv[need] > 0)
    rows = need[moved]
    values = t.units(rows)
    scaled = t.scaled[rows]
    flows = {"": aggregate(old[moved], new[moved], values, scaled, EXHAUSTED_KEY)}
    for kind in t.slice_names:
        sidx = t.slice_index[kind][rows]
        known = sidx >= 0
        flows[kind] = aggregate(
            sidx[known] * t.n + old[moved][known],
            new[moved][known],
            values[known],
            scaled[known],
            EXHAUSTED_KEY,
        )
    t.recipient[need] = new
    inactive = status > 0
    t.status[need[inactive]] = status[inactive]
    return flows


class KeptShares:
    """The shares of their value that papers keep with winners (multi-winner surplus modes).

    Per winner, in the order their surpluses were applied: the units each row keeps
    with them (RCTab's per-paper allocations) and which rows keep a share at all.
    """

    def __init__(self, rows: int, unit: int) -> None:
        self.rows = rows
        self.unit = unit
        self.kept: dict[int, npt.NDArray[np.int64]] = {}
        self.holders: dict[int, npt.NDArray[np.bool_]] = {}

    def __contains__(self, winner: int) -> bool:
        return winner in self.kept

    def allocations(self, r: int) -> list[tuple[int, int]]:
        """Row ``r``'s shares: ``(winner, units)`` in order of election."""
        return [(w, int(kept[r])) for w, kept in self.kept.items() if self.holders[w][r]]

    def keep(
        self,
        winner: int,
        rows: npt.NDArray[np.int64],
        values: npt.NDArray[np.int64],
        frac_units: int,
    ) -> npt.NDArray[np.int64]:
        """``rows`` (now worth ``values``) keep ``v - trunc_d(v * f)`` with ``winner``.

        ``frac_units`` is ``f`` in units of ``10^-d``. Returns the rows' new values:
        a whole vote less everything they keep with winners.
        """
        if self.unit * self.unit <= _INT64_LIMIT:
            transfer = values * frac_units // self.unit
        else:
            transfer = (values.astype(object) * frac_units // self.unit).astype(np.int64)
        if winner not in self.kept:
            self.kept[winner] = np.zeros(self.rows, dtype=np.int64)
            self.holders[winner] = np.zeros(self.rows, dtype=bool)
        self.kept[winner][rows] = values - transfer
        self.holders[winner][rows] = True
        locked = np.zeros(rows.size, dtype=np.int64)
        for kept in self.kept.values():
            locked += kept[rows]
        return self.unit - locked

    def totals(
        self,
        winner: int,
        index: npt.NDArray[np.int64],
        size: int,
        weights: npt.NDArray[np.int64],
        fits_int64: bool,
    ) -> tuple[list[int], list[bool]]:
        """Units kept with ``winner`` by ``index`` (-1: left out), and whether any row keeps some."""
        if winner not in self.kept:
            return [0] * size, [False] * size
        rows = np.nonzero(self.holders[winner] & (index >= 0))[0]
        values = self.kept[winner][rows]
        if fits_int64:
            units: npt.NDArray[np.int64] = values * weights[rows]
        else:
            units = values.astype(object) * weights[rows].astype(object)
        totals = np.zeros(size, dtype=units.dtype)  # object dtype: Python integer zeros
        np.add.at(totals, index[rows], units)
        counts = np.bincount(index[rows], minlength=size)
        return [int(x) for x in totals.tolist()], (counts > 0).tolist()
