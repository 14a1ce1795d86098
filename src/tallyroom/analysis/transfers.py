"""The transfer matrix of a count: votes moved from each candidate to each destination.

Built only from the transfers logged in the :class:`~tallyroom.count.Count`'s rounds,
so it can never disagree with the count. A *source* is a candidate whose votes were
moved (excluded, or elected with a surplus); a *destination* is a candidate,
``"exhausted"`` or ``"loss to fractions"``. Values are exact :class:`~fractions.Fraction`.

In a Supplementary Vote count the single transfer stage is "where the second
preferences of the excluded candidates' voters went".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from ..count import EXHAUSTED, FRACTIONS, Count

__all__ = ["TransferFlow", "TransferMatrix", "transfer_matrix"]


@dataclass(frozen=True, slots=True)
class TransferFlow:
    """Votes moved at one round from ``source`` to ``destination`` (logged at ``round``)."""

    round: int
    source: str
    destination: str
    votes: Fraction


@dataclass(frozen=True, slots=True)
class TransferMatrix:
    """Totals of every transfer of a count, ``votes[i][j]`` from ``sources[i]`` to ``destinations[j]``.

    ``sources`` are in the order they first transferred (then candidate order);
    ``destinations`` are candidates in candidate order, then ``"exhausted"`` and
    ``"loss to fractions"`` when anything went there. ``flows`` keeps every
    individual transfer in round order.
    """

    sources: tuple[str, ...]
    destinations: tuple[str, ...]
    votes: tuple[tuple[Fraction, ...], ...]
    flows: tuple[TransferFlow, ...]

    def get(self, source: str, destination: str) -> Fraction:
        """Votes moved from ``source`` to ``destination`` over the whole count."""
        if source not in self.sources or destination not in self.destinations:
            return Fraction(0)
        return self.votes[self.sources.index(source)][self.destinations.index(destination)]

    def source_total(self, source: str) -> Fraction:
        """Every vote moved away from ``source``."""
        return sum(self.votes[self.sources.index(source)], Fraction(0))

    def destination_total(self, destination: str) -> Fraction:
        """Every vote ``destination`` received by transfer."""
        j = self.destinations.index(destination)
        return sum((row[j] for row in self.votes), Fraction(0))

    @property
    def total(self) -> Fraction:
        return sum((sum(row, Fraction(0)) for row in self.votes), Fraction(0))

    def __bool__(self) -> bool:
        return bool(self.flows)


def transfer_matrix(count: Count) -> TransferMatrix:
    """The matrix of all transfers logged in ``count`` (see the module docstring)."""
    order = {name: i for i, name in enumerate(count.candidate_names)}
    flows: list[TransferFlow] = []
    sources: list[str] = []
    for r in count.rounds:
        for source in sorted(r.transfers, key=lambda s: order.get(s, len(order))):
            if source not in sources:
                sources.append(source)
            dests = r.transfers[source]
            for dest in _ordered_destinations(dests, order):
                amount = dests[dest]
                if amount:
                    flows.append(TransferFlow(r.number, source, dest, amount))
    used = {f.destination for f in flows}
    destinations = [n for n in count.candidate_names if n in used]
    destinations += [k for k in (EXHAUSTED, FRACTIONS) if k in used]
    totals: dict[tuple[str, str], Fraction] = {}
    for f in flows:
        key = (f.source, f.destination)
        totals[key] = totals.get(key, Fraction(0)) + f.votes
    votes = tuple(tuple(totals.get((s, d), Fraction(0)) for d in destinations) for s in sources)
    return TransferMatrix(tuple(sources), tuple(destinations), votes, tuple(flows))


def _ordered_destinations(dests: Mapping[str, Fraction], order: dict[str, int]) -> list[str]:
    """Candidates in candidate order, then exhausted, then loss to fractions."""
    keys = list(dests)
    special = {EXHAUSTED: len(order), FRACTIONS: len(order) + 1}
    return sorted(keys, key=lambda k: order.get(k, special.get(k, len(order) + 2)))
