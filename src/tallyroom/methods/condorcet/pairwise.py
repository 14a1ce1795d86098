"""The exact pairwise matrix of a :class:`~tallyroom.ballots.profile.Profile`.

``d[X][Y]`` is the number of papers ranking candidate X above candidate Y
(RULES.md §4; Schulze, SCW 36 (2011) 267–303, §2.1). A ranked candidate is
above every unranked one; two unranked candidates are tied on that paper, so
neither gets the pair. Counts are whole papers (integers): no arithmetic here
can be inexact.

How each mark code (:mod:`tallyroom.ballots.marks`) is read:

* a single candidate mark: that candidate at this ranking position; if the same
  candidate is marked again later, the highest (first) ranking counts and the
  repeat is passed over;
* :data:`~tallyroom.ballots.marks.BLANK` (a skipped position): passed over — a
  gap in the numbering does not change the order of the marks around it;
* an overvote whose candidates are known (``Profile.overvote_groups``): by
  :class:`OvervoteRule` — ``tie`` (default) ranks them equal at that position,
  above every later or unranked candidate, as a ranking with ties reads
  (pref_voting ``ProfileWithTies``); ``truncate`` ends the ranking before it, as
  an IRV count exhausts the paper there;
* an overvote of unrecorded candidates (``OVERVOTE``) or a mark void for
  uncertainty (``UNCERTAIN``): nothing can be said about which candidates it
  means, so by :class:`UnreadableRule` the ranking ends before it (``truncate``,
  default) or the mark is passed over as if blank (``skip``).

The matrix is computed over *distinct* papers with integer weights
(``weights @ (level[:, x] < level[:, y])``), so its cost grows with the number
of distinct rankings, not with the number of papers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

import numpy as np
import numpy.typing as npt

from ...ballots.marks import OVERVOTE, UNCERTAIN, group_of
from ...ballots.profile import Profile

__all__ = [
    "OvervoteRule",
    "PairwiseMatrix",
    "PathStrength",
    "Strength",
    "UNRANKED",
    "UnreadableRule",
    "first_preferences",
    "levels",
    "pairwise_matrix",
]

#: The level given to a candidate a paper does not rank (below every ranked one).
UNRANKED = np.iinfo(np.int32).max


class OvervoteRule(Enum):
    """How a mark for several known candidates at one position is read."""

    TIE = "tie"
    TRUNCATE = "truncate"


class UnreadableRule(Enum):
    """How an overvote of unrecorded candidates, or an uncertain mark, is read."""

    TRUNCATE = "truncate"
    SKIP = "skip"


class Strength(Enum):
    """How strong a pairwise defeat of Y by X is (RULES.md §4).

    ``winning-votes``: ``d[X,Y]``; ``margins``: ``d[X,Y] - d[Y,X]``;
    ``pairwise-opposition``: ``d[X,Y]`` whether or not X beats Y (minimax only).
    """

    WINNING_VOTES = "winning-votes"
    MARGINS = "margins"
    PAIRWISE_OPPOSITION = "pairwise-opposition"


class PathStrength(Enum):
    """Strength of a majority pair for Schulze and ranked pairs (a subset of :class:`Strength`)."""

    WINNING_VOTES = "winning-votes"
    MARGINS = "margins"

    @property
    def measure(self) -> Strength:
        return Strength(self.value)


def levels(
    profile: Profile,
    overvotes: OvervoteRule = OvervoteRule.TIE,
    unreadable: UnreadableRule = UnreadableRule.TRUNCATE,
) -> npt.NDArray[np.int32]:
    """For each distinct paper and candidate, the position at which it is ranked.

    Lower is better; :data:`UNRANKED` for a candidate the paper does not rank.
    Candidates sharing a level are tied on that paper.
    """
    ballots = profile.ballots
    n_rows, depth = ballots.shape
    n_cand = len(profile.candidates)
    out = np.full((n_rows, n_cand), UNRANKED, dtype=np.int32)
    if n_rows == 0 or depth == 0:
        return out
    is_group = ballots <= -10
    unknown = (ballots == OVERVOTE) | (ballots == UNCERTAIN)
    stops = np.zeros_like(ballots, dtype=bool)
    if unreadable is UnreadableRule.TRUNCATE:
        stops |= unknown
    if overvotes is OvervoteRule.TRUNCATE:
        stops |= is_group
    # A position counts only if no stopping mark comes at or before it.
    live = np.cumsum(stops, axis=1) == 0
    rows = np.arange(n_rows)
    # Walk from the last position to the first so the highest ranking wins.
    for j in range(depth - 1, -1, -1):
        col = ballots[:, j]
        single = live[:, j] & (col >= 0)
        out[rows[single], col[single]] = j
        if overvotes is OvervoteRule.TIE:
            grouped = live[:, j] & is_group[:, j]
            if np.any(grouped):
                for code in np.unique(col[grouped]).tolist():
                    members = list(profile.overvote_groups[group_of(int(code))])
                    which = rows[grouped & (col == code)]
                    out[np.ix_(which, members)] = j
    return out


@dataclass(frozen=True)
class PairwiseMatrix:
    """``d[i][j]``: papers ranking candidate ``candidates[i]`` above ``candidates[j]``.

    ``papers`` is the number of papers read; ``no_preference`` how many of them
    rank no candidate above another (they add nothing to any pair).
    """

    candidates: tuple[str, ...]
    d: tuple[tuple[int, ...], ...]
    papers: int
    no_preference: int

    @property
    def n(self) -> int:
        return len(self.candidates)

    def index(self, name: str) -> int:
        return self.candidates.index(name)

    def beats(self, i: int, j: int) -> bool:
        """Candidate ``i`` beats ``j``: more papers rank ``i`` above ``j`` than the reverse."""
        return self.d[i][j] > self.d[j][i]

    def margin(self, i: int, j: int) -> int:
        return self.d[i][j] - self.d[j][i]

    def strength(self, i: int, j: int, measure: Strength) -> int:
        """Strength of ``i``'s win over ``j`` (0 when ``i`` does not beat ``j``),
        or, for pairwise opposition, ``d[i][j]`` regardless."""
        if measure is Strength.PAIRWISE_OPPOSITION:
            return self.d[i][j]
        if not self.beats(i, j):
            return 0
        return self.d[i][j] if measure is Strength.WINNING_VOTES else self.margin(i, j)

    def restrict(self, keep: Sequence[int]) -> PairwiseMatrix:
        """The matrix among the candidates ``keep`` (in that order)."""
        return PairwiseMatrix(
            candidates=tuple(self.candidates[i] for i in keep),
            d=tuple(tuple(self.d[i][j] for j in keep) for i in keep),
            papers=self.papers,
            no_preference=self.no_preference,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``Count.extras["pairwise"]`` (whole numbers only)."""
        return {
            "candidates": list(self.candidates),
            "d": [list(row) for row in self.d],
            "papers": self.papers,
            "no_preference": self.no_preference,
        }

    @classmethod
    def from_dict(cls, data: Any) -> PairwiseMatrix:
        return cls(
            candidates=tuple(data["candidates"]),
            d=tuple(tuple(int(x) for x in row) for row in data["d"]),
            papers=int(data["papers"]),
            no_preference=int(data["no_preference"]),
        )

    def text_lines(self) -> list[str]:
        """The matrix as aligned text lines (row X, column Y: papers ranking X above Y)."""
        labels = [str(i + 1) for i in range(self.n)]
        cells = [
            [("-" if i == j else str(self.d[i][j])) for j in range(self.n)] for i in range(self.n)
        ]
        width = max([len(c) for row in cells for c in row] + [len(x) for x in labels] + [1])
        head = max(
            (len(f"{k} {c}") for k, c in zip(labels, self.candidates, strict=True)), default=0
        )
        out = [" " * head + "  " + " ".join(x.rjust(width) for x in labels)]
        for k, name, row in zip(labels, self.candidates, cells, strict=True):
            out.append(f"{k} {name}".ljust(head) + "  " + " ".join(c.rjust(width) for c in row))
        return out


def pairwise_matrix(
    profile: Profile,
    overvotes: OvervoteRule = OvervoteRule.TIE,
    unreadable: UnreadableRule = UnreadableRule.TRUNCATE,
    keep: Sequence[int] | None = None,
) -> PairwiseMatrix:
    """The pairwise matrix of ``profile`` among the candidates ``keep`` (default: all)."""
    lv = levels(profile, overvotes, unreadable)
    idx = list(range(len(profile.candidates))) if keep is None else list(keep)
    lv = lv[:, idx]
    w = profile.weights.astype(np.int64)
    n = len(idx)
    d = np.zeros((n, n), dtype=np.int64)
    for i in range(n):
        d[i] = w @ (lv[:, i : i + 1] < lv).astype(np.int64)
    ranked_any = np.any(lv != lv[:, :1], axis=1) if n else np.zeros(len(w), dtype=bool)
    names = profile.candidates.names
    return PairwiseMatrix(
        candidates=tuple(names[i] for i in idx),
        d=tuple(tuple(int(x) for x in row) for row in d.tolist()),
        papers=int(w.sum()),
        no_preference=int(w[~ranked_any].sum()),
    )


def first_preferences(
    profile: Profile,
    overvotes: OvervoteRule = OvervoteRule.TIE,
    unreadable: UnreadableRule = UnreadableRule.TRUNCATE,
    keep: Sequence[int] | None = None,
) -> tuple[list[int], int]:
    """Papers whose highest ranking (among ``keep``) is one candidate alone, per candidate,
    and the number of papers with no single highest-ranked candidate."""
    lv = levels(profile, overvotes, unreadable)
    idx = list(range(len(profile.candidates))) if keep is None else list(keep)
    lv = lv[:, idx]
    w = profile.weights.astype(np.int64)
    out = [0] * len(idx)
    if not idx:
        return out, int(w.sum())
    top = lv.min(axis=1)
    at_top = (lv == top[:, None]) & (top[:, None] != UNRANKED)
    single = at_top.sum(axis=1) == 1
    which = np.argmax(at_top, axis=1)
    sums = np.zeros(len(idx), dtype=np.int64)
    np.add.at(sums, which[single], w[single])
    out = [int(x) for x in sums.tolist()]
    return out, int(w[~single].sum())
