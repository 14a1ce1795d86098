"""The first x second preference cross-table of ranked ballots.

For every paper whose first position holds a single mark for one candidate, the
table counts what its second position holds: a candidate (the same candidate as
the first, too, as London Elects publishes it), no mark at all
(:data:`NO_SECOND`), or a void mark, i.e. marks for several candidates or an
uncertain mark (:data:`VOID_SECOND`). Papers without a valid single first mark
are not in the table (they are rejected, or counted by a rule set's own
skipped-ranking rules).

A :class:`~tallyroom.count.Count` does not hold ballots, so the table is computed
from the :class:`~tallyroom.ballots.profile.Profile` at count time and stored in
``Count.extras["first_second_crosstab"]`` (:func:`with_crosstab`; the CLI does this
for ``tallyroom count --save``). Reports read it back with :func:`crosstab_of`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..ballots.marks import BLANK
from ..ballots.profile import Profile
from ..count import Count
from ..errors import IntegrityError

__all__ = [
    "CROSSTAB_KEY",
    "NO_SECOND",
    "VOID_SECOND",
    "Crosstab",
    "crosstab_of",
    "first_second_crosstab",
    "for_saving",
    "with_crosstab",
]

#: Key of the table in ``Count.extras``.
CROSSTAB_KEY = "first_second_crosstab"
#: Column of papers with no mark in the second position.
NO_SECOND = "no second preference"
#: Column of papers whose second position is void (several marks, or uncertain).
VOID_SECOND = "second preference void"


@dataclass(frozen=True, slots=True)
class Crosstab:
    """Papers by first preference (rows) and second preference (columns).

    ``firsts`` are the candidates in candidate order; ``seconds`` the candidates in
    candidate order followed by :data:`NO_SECOND` and :data:`VOID_SECOND`;
    ``counts[i][j]`` the number of papers.
    """

    firsts: tuple[str, ...]
    seconds: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]

    def __post_init__(self) -> None:
        if len(self.counts) != len(self.firsts) or any(
            len(row) != len(self.seconds) for row in self.counts
        ):
            raise IntegrityError(
                "first x second table: the counts do not match the row and column labels"
            )
        if any(n < 0 for row in self.counts for n in row):
            raise IntegrityError("first x second table: negative count")

    def get(self, first: str, second: str) -> int:
        return self.counts[self.firsts.index(first)][self.seconds.index(second)]

    def row_total(self, first: str) -> int:
        return sum(self.counts[self.firsts.index(first)])

    def column_total(self, second: str) -> int:
        j = self.seconds.index(second)
        return sum(row[j] for row in self.counts)

    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.counts)

    def to_data(self) -> dict[str, Any]:
        """Plain data for ``Count.extras`` (JSON-safe, order kept)."""
        return {
            "firsts": list(self.firsts),
            "seconds": list(self.seconds),
            "counts": [list(row) for row in self.counts],
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Crosstab:
        """Rebuild from :meth:`to_data`'s form, checking its shape."""
        try:
            return cls(
                firsts=tuple(str(x) for x in data["firsts"]),
                seconds=tuple(str(x) for x in data["seconds"]),
                counts=tuple(tuple(int(n) for n in row) for row in data["counts"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise IntegrityError(f"malformed first x second table in the count: {exc}") from exc


def first_second_crosstab(profile: Profile) -> Crosstab:
    """Count papers by first and second preference (see the module docstring)."""
    names = profile.candidates.names
    n = len(names)
    counts = np.zeros((n, n + 2), dtype=np.int64)
    if profile.depth >= 1 and profile.n_distinct:
        first = profile.ballots[:, 0]
        if profile.depth >= 2:
            second = profile.ballots[:, 1]
        else:
            second = np.full(first.shape, BLANK, dtype=np.int32)
        ok = first >= 0
        column = np.where(second >= 0, second, np.where(second == BLANK, n, n + 1))
        np.add.at(counts, (first[ok], column[ok]), profile.weights[ok])
    return Crosstab(
        firsts=tuple(names),
        seconds=(*names, NO_SECOND, VOID_SECOND),
        counts=tuple(tuple(int(x) for x in row) for row in counts.tolist()),
    )


def with_crosstab(count: Count, profile: Profile) -> Count:
    """``count`` with the profile's first x second table added to its extras.

    The profile must be the one counted: same candidates, and for SV (where the
    table's row totals are the first-preference tally) the same first preferences.
    """
    if tuple(profile.candidates.names) != count.candidate_names:
        raise IntegrityError("the profile's candidates are not the count's")
    table = first_second_crosstab(profile)
    check_against(table, count)
    return replace(count, extras={**count.extras, CROSSTAB_KEY: table.to_data()})


def for_saving(count: Count, profile: Profile) -> Count:
    """The count as ``tallyroom count --save`` stores it: with the first x second table
    when the ballots are ranked (a second position exists) and are the count's ballots
    (same candidates); otherwise unchanged."""
    if profile.depth < 2 or tuple(profile.candidates.names) != count.candidate_names:
        return count
    return with_crosstab(count, profile)


def crosstab_of(count: Count) -> Crosstab | None:
    """The first x second table stored in ``count``, or ``None`` if it holds none."""
    data = count.extras.get(CROSSTAB_KEY)
    if data is None:
        return None
    table = Crosstab.from_data(data)
    check_against(table, count)
    return table


def check_against(table: Crosstab, count: Count) -> None:
    """Raise :class:`IntegrityError` if the table cannot belong to ``count``.

    Its rows must be the count's candidates; for an SV count each row total
    must equal the candidate's first-round tally (the valid first preferences).
    """
    if table.firsts != count.candidate_names:
        raise IntegrityError("the first x second table's candidates are not the count's")
    if count.method == "sv":
        first = count.rounds[0].tally
        for name in table.firsts:
            if table.row_total(name) != first.get(name, 0):
                raise IntegrityError(
                    f"the first x second table gives {table.row_total(name)} first preferences "
                    f"for {name}, the count {first.get(name, 0)}"
                )
