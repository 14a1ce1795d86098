"""Piles of ballot papers for STV counts: who holds which papers, at what value.

Shared machinery of the STV rule sets. Papers are kept grouped: a *parcel* is
what a candidate received in one stage (first preferences, or one transfer),
held as parallel numpy arrays, one entry per group of identical papers:

* ``rows``: the distinct ranking (row of :attr:`Profile.ballots`) of the papers;
* ``counts``: how many papers the entry stands for;
* ``values``: the value of each of those papers, an integer number of *units*
  (a unit is ``1/scale`` of a vote: ``scale = 10**5`` holds Scottish values
  exactly, ``10**2`` Northern Irish and ERS97 values, ``1`` whole papers);
* ``pos``: the ranking position that put the paper with its present holder.

Rule sets that depend on the order of the papers (Irish last-parcel papers,
Cambridge's Cincinnati selection) use one entry per paper, in counting order
(:meth:`Piles.start` with ``papers_in_order``), and keep that order in every
parcel.

All arithmetic is on Python/numpy integers: exact, no floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from ...ballots.marks import BLANK
from ...ballots.profile import Profile

__all__ = ["BROKEN", "NO_FURTHER", "VOID", "Parcel", "Piles", "muldiv", "next_preferences"]

IntArray = npt.NDArray[np.int64]

#: ``next_preferences`` result: no further preference for a continuing candidate.
NO_FURTHER = -1
#: ``next_preferences`` result: the next mark is an overvote or uncertain (void).
VOID = -2
#: ``next_preferences`` result: a preference number is missing before the next mark
#: (only when missing numbers break the sequence).
BROKEN = -3


@dataclass(slots=True)
class Parcel:
    """Papers a candidate received in one stage (see the module docstring)."""

    stage: int
    rows: IntArray
    counts: IntArray
    values: IntArray
    pos: IntArray
    source: str = ""
    #: Transfer value shared by all papers of the parcel, where a rule set keeps
    #: it exactly rather than in units (Australian Senate).
    tv: Fraction | None = None

    @property
    def papers(self) -> int:
        return int(self.counts.sum())

    @property
    def units(self) -> int:
        return int((self.counts * self.values).sum())

    def take(self, mask: npt.NDArray[np.bool_]) -> Parcel:
        """The entries selected by ``mask`` (order kept)."""
        return Parcel(
            self.stage,
            self.rows[mask],
            self.counts[mask],
            self.values[mask],
            self.pos[mask],
            self.source,
            self.tv,
        )

    @staticmethod
    def join(parcels: list[Parcel], stage: int, source: str = "") -> Parcel:
        """Concatenate parcels (in the order given) into one."""
        if not parcels:
            empty = np.zeros(0, dtype=np.int64)
            return Parcel(stage, empty, empty.copy(), empty.copy(), empty.copy(), source)
        return Parcel(
            stage,
            np.concatenate([p.rows for p in parcels]),
            np.concatenate([p.counts for p in parcels]),
            np.concatenate([p.values for p in parcels]),
            np.concatenate([p.pos for p in parcels]),
            source,
            parcels[0].tv,
        )


def muldiv(values: IntArray, mul: int, div: int) -> IntArray:
    """``floor(values * mul / div)`` exactly: int64 when the product fits, else Python ints."""
    top = int(values.max()) if values.size else 0
    if top * mul < 2**62:
        return (values * mul) // div
    exact = [v * mul // div for v in values.tolist()]
    return (
        np.array(exact, dtype=np.int64)
        if max(exact, default=0) < 2**62
        else np.array(exact, dtype=object)
    )


def next_preferences(
    ballots: npt.NDArray[np.int32],
    rows: IntArray,
    pos: IntArray,
    continuing: npt.NDArray[np.bool_],
    gaps_break: bool = False,
) -> tuple[IntArray, IntArray]:
    """Next available preference of each paper after position ``pos``.

    Returns ``(dest, at)``: ``dest`` is the candidate index, :data:`NO_FURTHER`
    or :data:`VOID`; ``at`` the position where it was found. Blank positions
    and candidates no longer continuing are passed over. Papers with no next
    available preference form the non-transferable parcel (SSI 2007/42 Sch 1
    r.48(1)(b), SSI 2011/399 r.49(1)(b)); an overvote or an uncertain mark at the
    next preference also makes the paper non-transferable at that point, as
    Electoral Law Act (NI) 1962 Sch 5 r.50(4) and Electoral Act 1992 s.118 say
    expressly (the Scottish definitions in art. 2 were not read: see
    docs/methods/stv.md). With ``gaps_break``, a blank position followed by later
    marks (a missing preference number) ends the paper's transfers there:
    :data:`BROKEN` ("the numerical sequence is broken", NI r.50(4); s.118).
    """
    k = rows.shape[0]
    depth = ballots.shape[1]
    if k == 0 or depth == 0:
        return np.full(k, NO_FURTHER, dtype=np.int64), np.full(k, depth, dtype=np.int64)
    sub = ballots[rows]
    cand = sub >= 0
    is_cont = cand & continuing[np.where(cand, sub, 0)]
    blank = sub == BLANK
    stop = is_cont | ((sub < 0) & ~blank)
    if gaps_break:
        marked_after = np.zeros_like(blank)
        marked_after[:, :-1] = np.flip(
            np.logical_or.accumulate(np.flip(~blank[:, 1:], axis=1), axis=1), axis=1
        )
        stop |= blank & marked_after
    stop &= np.arange(depth)[None, :] > pos[:, None]
    found = stop.any(axis=1)
    at = np.where(found, stop.argmax(axis=1), depth).astype(np.int64)
    code = sub[np.arange(k), np.minimum(at, depth - 1)].astype(np.int64)
    kind = np.where(code == BLANK, BROKEN, VOID)
    dest = np.where(found, np.where(code >= 0, code, kind), NO_FURTHER)
    return dest, at


class Piles:
    """The papers each candidate holds, their total in units, and who is continuing."""

    def __init__(self, profile: Profile, scale: int, *, gaps_break: bool = False) -> None:
        self.ballots = profile.ballots
        self.gaps_break = gaps_break
        self.names = profile.candidates.names
        self.n = len(self.names)
        self.scale = scale
        self.piles: list[list[Parcel]] = [[] for _ in range(self.n)]
        self.tally: list[int] = [0] * self.n
        self.continuing = np.ones(self.n, dtype=bool)
        for name in profile.withdrawn:
            self.continuing[profile.candidates.index_of(name)] = False

    # -- first stage -------------------------------------------------------------------
    def start(
        self, profile: Profile, *, papers_in_order: IntArray | None = None
    ) -> tuple[int, dict[str, int]]:
        """Sort the papers by first preference; return valid papers and invalid by reason.

        A paper is valid when its first mark (blank positions and withdrawn
        candidates passed over) is a single candidate; a paper whose first mark is
        an overvote or uncertain, or with no mark, is invalid as to the first
        preference (SSI 2011/399 Sch 1 r.46 heads (b) and (d)).
        """
        if papers_in_order is not None:
            rows = papers_in_order.astype(np.int64)
            counts = np.ones(rows.shape[0], dtype=np.int64)
        else:
            rows = np.arange(profile.n_distinct, dtype=np.int64)
            counts = profile.weights.astype(np.int64)
        start = np.full(rows.shape[0], -1, dtype=np.int64)
        dest, at = next_preferences(self.ballots, rows, start, self.continuing, self.gaps_break)
        invalid = {
            "no first preference": int(counts[dest == NO_FURTHER].sum()),
            "first preference void (more than one or uncertain)": int(counts[dest == VOID].sum()),
            "first preference not marked (sequence starts later)": int(
                counts[dest == BROKEN].sum()
            ),
        }
        valid = dest >= 0
        self.distribute(
            Parcel(
                1,
                rows[valid],
                counts[valid],
                np.full(int(valid.sum()), self.scale, np.int64),
                start[valid],
            ),
            dest[valid],
            at[valid],
            stage=1,
        )
        return int(counts[valid].sum()), {k: v for k, v in invalid.items() if v}

    # -- moving papers -----------------------------------------------------------------
    def distribute(
        self,
        parcel: Parcel,
        dest: IntArray,
        at: IntArray,
        *,
        stage: int,
        source: str = "",
    ) -> dict[int, int]:
        """Give each paper of ``parcel`` to ``dest`` (papers with dest < 0 are not moved).

        Each receiving candidate gets one new parcel for ``stage`` (order kept) and
        its total grows by the units received. Returns ``{candidate: units}``.
        """
        received: dict[int, int] = {}
        if dest.size == 0:
            return received
        for c in np.unique(dest[dest >= 0]).tolist():
            mask = dest == c
            got = Parcel(
                stage,
                parcel.rows[mask],
                parcel.counts[mask],
                parcel.values[mask],
                at[mask],
                source,
                parcel.tv,
            )
            self.piles[c].append(got)
            units = got.units
            self.tally[c] += units
            received[c] = units
        return received

    def destinations(self, parcel: Parcel) -> tuple[IntArray, IntArray]:
        """Next available preference (for a continuing candidate) of each entry."""
        return next_preferences(
            self.ballots, parcel.rows, parcel.pos, self.continuing, self.gaps_break
        )

    def all_papers(self, c: int) -> Parcel:
        """Every paper candidate ``c`` holds, in the order received."""
        return Parcel.join(self.piles[c], stage=0)

    def continuing_indices(self) -> list[int]:
        return [i for i in range(self.n) if self.continuing[i]]

    def votes(self, c: int) -> Fraction:
        return Fraction(self.tally[c], self.scale)
