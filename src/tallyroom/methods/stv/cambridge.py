"""Cambridge, Massachusetts: whole ballots, the Cincinnati method of surplus transfer.

Sources: Massachusetts General Laws c.54A s.9 rules (a)-(t) and the City of
Cambridge's description of the Cincinnati method (transcript in OpenSTV
``CambridgeSTV.py``; c.54A s.16(b) allows the surplus method in use in 1938).

* (c) quota ``floor(valid / (seats + 1)) + 1``; a candidate reaching it is elected
  and receives no further ballots, even in the middle of a transfer;
* surplus (Cincinnati): the elected candidate's ballots are numbered in the order
  counted (:class:`PaperOrder`); ``n = round(total / surplus)``; ballots n, 2n, 3n, ...
  move to their next continuing choice (a ballot with none is passed over), then
  n+1, 2n+1, ..., until the candidate is down to the quota; whole ballots only;
* (g) after the surpluses, every continuing candidate with fewer votes than the
  nomination signatures required (50 in Cambridge; :attr:`CambridgeRules.threshold`)
  is defeated at once (as long as more candidates remain than seats), lowest first;
  then (i)-(j) the lowest candidate, one at a time, their ballots in order;
* (k) ties: fewest ballots at the stage before, going back stage by stage
  (backward countback), then lot;
* (l) when continuing candidates are no more than the seats left they are elected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from ...ballots.marks import BLANK
from ...ballots.profile import Profile
from ...count import Count
from ...errors import RuleConfigError
from ...registry import MethodSpec
from ...ties import Pick, TieBreak, TieRule
from ._log import NON_TRANSFERABLE, VOID_PREFERENCE, StageLog, count_whole_votes
from ._options import PaperOrder, check_contest, papers_in_order
from ._papers import Parcel, Piles

__all__ = ["CAMBRIDGE", "CambridgeRules", "count", "register_counting_methods"]


@dataclass(frozen=True, kw_only=True)
class CambridgeRules:
    """Options of a Cambridge count.

    >>> CambridgeRules(threshold=8, order=PaperOrder.ROWS)  # doctest: +ELLIPSIS
    CambridgeRules(order=<PaperOrder.ROWS: 'rows'>, threshold=8, ...)
    """

    order: PaperOrder = PaperOrder.FILE
    #: c.54A s.9(g): the number of nomination signatures required (50 in Cambridge).
    threshold: int = 50
    ties: TieBreak = field(
        default_factory=lambda: TieBreak(steps=(TieRule.BACKWARD_COUNTBACK, TieRule.LOT))
    )

    def __post_init__(self) -> None:
        if self.threshold < 0:
            raise RuleConfigError("threshold must be 0 or more")


CAMBRIDGE = CambridgeRules()


class _Cambridge:
    def __init__(self, profile: Profile, rules: CambridgeRules, seats: int) -> None:
        self.rules, self.seats = rules, seats
        self.piles = Piles(profile, 1)
        self.valid, self.invalid = self.piles.start(
            profile, papers_in_order=papers_in_order(profile, rules.order)
        )
        check_contest(self.piles.n - len(profile.withdrawn), seats, self.valid)
        self.q = self.valid // (seats + 1) + 1
        self.log = StageLog(self.piles.names, 1, rules.ties)
        for name in profile.withdrawn:
            self.log.excluded.add(profile.candidates.index_of(name))
        self.rows = profile.ballots.tolist()
        self.just_elected: list[int] = []

    def vacancies(self) -> int:
        return self.seats - len(self.log.elected)

    def next_choice(self, row: int, pos: int) -> tuple[int, int]:
        """Next continuing choice after ``pos``: (candidate, position) or (-1|-2, depth)."""
        marks = self.rows[row]
        for j in range(pos + 1, len(marks)):
            code = marks[j]
            if code >= 0:
                if self.piles.continuing[code]:
                    return code, j
            elif code != BLANK:
                return -2, len(marks)
        return -1, len(marks)

    def give(self, source: int, papers: Parcel, indices: list[int], limit: int | None) -> int:
        """Move papers ``indices`` of ``papers`` one at a time; stop after ``limit`` moved."""
        piles, log = self.piles, self.log
        stage = log.stage + 1
        moved = 0
        gained: dict[int, list[tuple[int, int]]] = {}
        for i in indices:
            if limit is not None and moved == limit:
                break
            d, at = self.next_choice(int(papers.rows[i]), int(papers.pos[i]))
            if d < 0:
                if limit is None:
                    log.transfer(source, NON_TRANSFERABLE if d == -1 else VOID_PREFERENCE, 1)
                continue
            gained.setdefault(d, []).append((int(papers.rows[i]), at))
            piles.tally[d] += 1
            moved += 1
            log.transfer(source, d, 1)
            if piles.tally[d] >= self.q and len(log.elected) + len(self.just_elected) < self.seats:
                piles.continuing[d] = False  # (c): receives no further ballots
                self.just_elected.append(d)
        for d, got in gained.items():
            rows = np.array([r for r, _ in got], dtype=np.int64)
            pos = np.array([a for _, a in got], dtype=np.int64)
            ones = np.ones(len(got), dtype=np.int64)
            piles.piles[d].append(Parcel(stage, rows, ones, ones.copy(), pos, piles.names[source]))
        piles.tally[source] -= moved if limit is not None else papers.papers
        return moved

    def open(self, action: str, notes: tuple[str, ...] = ()) -> None:
        self.log.open(self.piles.tally, action, threshold=Fraction(self.q), notes=notes)
        for d in self.just_elected:
            self.log.elect(d, "reached the quota")
        self.just_elected = []
        reached = [c for c in self.piles.continuing_indices() if self.piles.tally[c] >= self.q]
        for c in sorted(reached, key=lambda c: -self.piles.tally[c]):
            if self.vacancies() > 0:
                self.piles.continuing[c] = False
                self.log.elect(c, "reached the quota")

    def surplus(self, c: int) -> str:
        papers = self.piles.all_papers(c)
        total = papers.papers
        surplus = self.piles.tally[c] - self.q
        n = int(Fraction(total, surplus) + Fraction(1, 2))  # round half up
        n = max(n, 1)
        order = [j for i in range(n - 1, 2 * n - 1) for j in range(i, total, n)]
        order += list(range(min(n - 1, total)))
        moved = self.give(c, papers, order, surplus)
        self.piles.piles[c] = []
        return (
            f"surplus {surplus} of {self.piles.names[c]}: every n-th of {total} ballots "
            f"in counting order (n = {n}); {moved} moved"
        )

    def defeat(self, losers: list[int], action: str) -> None:
        for c in losers:
            self.piles.continuing[c] = False
            self.log.exclude(
                c,
                "fewer votes than the nomination threshold (g)"
                if len(losers) > 1 or "threshold" in action
                else "lowest votes",
            )
        for c in losers:
            papers = self.piles.all_papers(c)
            self.give(c, papers, list(range(papers.papers)), None)
            self.piles.piles[c] = []
            self.piles.tally[c] = 0
        self.open(action)

    def run(self) -> None:
        self.open("First choices")
        for c in sorted(list(self.log.elected), key=lambda c: -self.piles.tally[c]):
            if self.piles.tally[c] > self.q and self.vacancies() > 0:
                note = self.surplus(c)
                self.open(f"Surplus of {self.piles.names[c]}", (note,))
        first_defeat = True
        while self.vacancies() > 0:
            cont = self.piles.continuing_indices()
            t = self.piles.tally
            if len(cont) <= self.vacancies():  # (l)
                for c in sorted(cont, key=lambda c: -t[c]):
                    self.piles.continuing[c] = False
                    self.log.elect(c, "continuing candidates no more than the seats left")
                return
            if first_defeat:
                first_defeat = False
                below = sorted((c for c in cont if t[c] < self.rules.threshold), key=lambda c: t[c])
                room = len(cont) - self.vacancies()
                if below and len(below) <= room:
                    names = ", ".join(self.piles.names[c] for c in below)
                    self.defeat(below, f"Defeat below the nomination threshold: {names}")
                    continue
            low = min(t[c] for c in cont)
            tied = [c for c in cont if t[c] == low]
            if len(tied) > 1:
                tied = self.log.choose("defeat", tied, Pick.LOWEST)
            self.defeat(tied[:1], f"Defeat of {self.piles.names[tied[0]]}")


def count(profile: Profile, rules: CambridgeRules = CAMBRIDGE, seats: int = 1) -> Count:
    """Count under the Cambridge (Cincinnati) rules."""
    return count_whole_votes(
        _Cambridge(profile, rules, seats),
        method="cambridge",
        rules=rules,
        seats=seats,
        profile=profile,
    )


def register_counting_methods() -> list[MethodSpec]:
    return [
        MethodSpec(
            name="cambridge",
            title="Cambridge MA STV (Cincinnati method)",
            summary="whole ballots in counting order; every n-th ballot of a surplus moves",
            rules_class=CambridgeRules,
            default_rules=CAMBRIDGE,
            count=count,
            source="Massachusetts General Laws c.54A s.9; Cambridge Cincinnati method",
            multi_seat=True,
            needs_paper_order=True,
        )
    ]
