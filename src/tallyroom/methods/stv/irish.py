"""Irish Dáil STV: whole papers, last sub-parcel, the papers last filed.

Source: Electoral Act 1992 Part XIX, ss.118-124 (s.118 definitions and s.124 read;
ss.120-123 follow the identical-in-structure Electoral Act 1923 Third Schedule
rules 3-6 and standard accounts: see docs/methods/stv.md for what was verified).

* s.120 quota ``floor(valid / (seats + 1)) + 1``; reaching it elects;
* every vote is a **whole paper**: no fractional values (``scale = 1``);
* s.121 surplus: all the candidate's papers if elected at the first count, else
  only the **sub-parcel last received**; transferable papers are arranged in
  sub-parcels by next available preference; if they do not exceed the surplus all
  move, else each sub-parcel sends ``surplus x size / transferable`` papers, whole
  numbers first and the remaining papers to the largest fractional remainders
  (equal remainders: more first-preference votes, then lot, s.118 "determine by lot");
  the papers moved are those **last filed** in each sub-parcel, i.e. the last in
  counting order (:class:`PaperOrder`);
* s.121 deferral: a surplus is not transferred when, with the other untransferred
  surpluses, it could neither elect a continuing candidate, nor lift the lowest
  above the next lowest, nor bring the lowest to a quarter of the quota;
* largest surplus first; ties by the earliest count at which they differed, then lot;
* s.122 exclusion of the lowest continuing candidate, all papers in one count; or, in
  one count, the two or more lowest whose votes together with the untransferred
  surpluses are less than the next candidate's (multiple exclusion,
  :attr:`IrishRules.multiple_exclusion`); ties by the earliest count at which they
  differed, then lot;
* s.124(1): continuing candidates equal to the vacancies are elected; s.124(2): with
  one vacancy, a candidate whose votes exceed all other continuing candidates' votes
  plus the untransferred surpluses is elected; s.124(1A) (Electoral (Amendment) Act
  2001 s.31): one more continuing candidate than vacancies, and the lowest plus the
  untransferred surpluses below the next: all but the lowest are elected.

Not implemented: the quarter-quota limit on multiple exclusion and the s.124(3)
counts done only to settle whether a candidate reaches a quarter of the quota.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from ...ballots.profile import Profile
from ...count import Count
from ...registry import MethodSpec
from ...ties import Pick, TieBreak, TieRule
from ._log import StageLog, count_whole_votes
from ._options import PaperOrder, SkippedPreference, check_contest, papers_in_order
from ._papers import Parcel, Piles
from ._steps import elect_reached, move

__all__ = ["IRISH", "IrishRules", "count", "register_counting_methods"]

SURPLUS_NOT_TRANSFERABLE = "surplus not transferable"


@dataclass(frozen=True, kw_only=True)
class IrishRules:
    """Options of an Irish count.

    >>> IrishRules(order=PaperOrder.ROWS)  # doctest: +ELLIPSIS
    IrishRules(order=<PaperOrder.ROWS: 'rows'>, defer_surpluses=True, ...)
    """

    order: PaperOrder = PaperOrder.FILE
    defer_surpluses: bool = True
    multiple_exclusion: bool = True
    #: a missing preference number ends the paper's transfers (s.118 / s.268A)
    skipped: SkippedPreference = SkippedPreference.ENDS_PAPER
    ties: TieBreak = field(
        default_factory=lambda: TieBreak(steps=(TieRule.FORWARD_COUNTBACK, TieRule.LOT))
    )


IRISH = IrishRules()


class _Irish:
    def __init__(self, profile: Profile, rules: IrishRules, seats: int) -> None:
        self.rules, self.seats = rules, seats
        self.piles = Piles(profile, 1, gaps_break=rules.skipped is SkippedPreference.ENDS_PAPER)
        self.valid, self.invalid = self.piles.start(
            profile, papers_in_order=papers_in_order(profile, rules.order)
        )
        check_contest(self.piles.n - len(profile.withdrawn), seats, self.valid)
        self.q = self.valid // (seats + 1) + 1  # s.120
        self.log = StageLog(self.piles.names, 1, rules.ties)
        for name in profile.withdrawn:
            self.log.excluded.add(profile.candidates.index_of(name))
        self.first = list(self.piles.tally)
        self.elected_at: dict[int, int] = {}
        self.done: set[int] = set()

    def open(self, action: str, notes: tuple[str, ...] = ()) -> None:
        self.log.open(self.piles.tally, action, threshold=Fraction(self.q), notes=notes)
        elect_reached(self.piles, self.log, self.q, self.elected_at)

    def vacancies(self) -> int:
        return self.seats - len(self.log.elected)

    def pending(self) -> list[int]:
        t = self.piles.tally
        return [c for c in self.log.elected if c not in self.done and t[c] > self.q]

    def deferred(self, pending: list[int]) -> bool:
        """s.121: may the surpluses wait? Only if they can change nothing that matters."""
        if not self.rules.defer_surpluses:
            return False
        t = self.piles.tally
        total = sum(t[c] - self.q for c in pending)
        cont = sorted(t[c] for c in self.piles.continuing_indices())
        if len(cont) < 2:
            return False
        could_elect = cont[-1] + total >= self.q
        could_save = cont[0] + total > cont[1]
        could_quarter = cont[0] * 4 < self.q <= (cont[0] + total) * 4
        return not (could_elect or could_save or could_quarter)

    def surplus(self, c: int) -> str:
        piles, log = self.piles, self.log
        surplus = piles.tally[c] - self.q
        first = self.elected_at[c] == 1
        papers = piles.all_papers(c) if first else piles.piles[c][-1]
        dest, at = piles.destinations(papers)
        sizes = {int(d): int(papers.counts[dest == d].sum()) for d in np.unique(dest[dest >= 0])}
        transferable = sum(sizes.values())
        if transferable <= surplus:
            alloc = dict(sizes)
        else:
            exact = {d: Fraction(surplus * n, transferable) for d, n in sizes.items()}
            alloc = {d: int(x) for d, x in exact.items()}
            short = surplus - sum(alloc.values())
            rank = sorted(exact, key=lambda d: (-(exact[d] - alloc[d]), -self.first[d], d))
            if short:
                key = (exact[rank[short - 1]] - alloc[rank[short - 1]], self.first[rank[short - 1]])
                sure = [d for d in rank[:short] if (exact[d] - alloc[d], self.first[d]) != key]
                tied = [d for d in rank if (exact[d] - alloc[d], self.first[d]) == key]
                chosen = sure + (
                    log.choose("equality of fractions", tied, Pick.HIGHEST, n=short - len(sure))
                    if len(tied) > short - len(sure)
                    else tied
                )
                for d in chosen:
                    alloc[d] += 1
        # The papers last filed in each sub-parcel move (s.121(3)): the last in order.
        moving = np.zeros(dest.shape[0], dtype=bool)
        for d, k in alloc.items():
            if k:
                idx = np.nonzero(dest == d)[0]
                moving[idx[-k:]] = True
        move(piles, log, c, papers.take(moving), dest[moving], at[moving])
        rest = surplus - sum(alloc.values())
        log.transfer(c, SURPLUS_NOT_TRANSFERABLE, rest)
        piles.tally[c] = self.q
        piles.piles[c] = []
        self.done.add(c)
        where = "all papers" if first else f"the sub-parcel received at count {papers.stage}"
        moved = ", ".join(f"{piles.names[d]} {k}" for d, k in sorted(alloc.items()))
        return (
            f"surplus {surplus} of {piles.names[c]} from {where}: {transferable} "
            f"transferable papers; papers moved: {moved}"
        )

    def lowest_group(self, surpluses: int) -> list[int]:
        """s.122: the most lowest candidates (2 or more) whose votes plus the untransferred
        surpluses are less than the next candidate's, leaving enough for the vacancies."""
        t = self.piles.tally
        cont = sorted(self.piles.continuing_indices(), key=lambda c: (t[c], c))
        for k in range(len(cont) - self.vacancies(), 1, -1):
            low, above = cont[:k], cont[k]
            if t[low[-1]] < t[above] and sum(t[c] for c in low) + surpluses < t[above]:
                return sorted(low)
        return []

    def exclude(self, surpluses: int) -> str:
        piles = self.piles
        group = self.lowest_group(surpluses) if self.rules.multiple_exclusion else []
        if not group:
            cont = piles.continuing_indices()
            low = min(piles.tally[c] for c in cont)
            group = [c for c in cont if piles.tally[c] == low]
            if len(group) > 1:
                group = self.log.choose("exclusion", group, Pick.LOWEST)
        for c in group:
            piles.continuing[c] = False
            self.log.exclude(
                c,
                "lowest votes"
                if len(group) == 1
                else "excluded with the other lowest candidates (s.122)",
            )
        for c in group:
            papers: Parcel = piles.all_papers(c)
            dest, at = piles.destinations(papers)
            move(piles, self.log, c, papers, dest, at)
            piles.tally[c] = 0
            piles.piles[c] = []
        return "Exclusion of " + ", ".join(piles.names[c] for c in group)

    def run(self) -> None:
        self.open("First preferences")
        while self.vacancies() > 0:
            cont = self.piles.continuing_indices()
            t = self.piles.tally
            if len(cont) <= self.vacancies():  # s.124(1)
                for c in sorted(cont, key=lambda c: -t[c]):
                    self.piles.continuing[c] = False
                    self.log.elect(c, "continuing candidates equal the vacancies (s.124(1))")
                return
            pending = self.pending()
            if self.vacancies() == 1:  # s.124(2)
                top = max(cont, key=lambda c: t[c])
                others = sum(t[c] for c in cont if c != top)
                if t[top] > others + sum(t[c] - self.q for c in pending):
                    self.piles.continuing[top] = False
                    self.log.elect(
                        top,
                        "votes exceed all other continuing candidates plus surpluses (s.124(2))",
                    )
                    return
            if len(cont) == self.vacancies() + 1:  # s.124(1A)
                order = sorted(cont, key=lambda c: t[c])
                surpluses = sum(t[c] - self.q for c in pending)
                if t[order[0]] + surpluses < t[order[1]]:
                    for c in sorted(order[1:], key=lambda c: -t[c]):
                        self.piles.continuing[c] = False
                        self.log.elect(
                            c,
                            "the lowest continuing candidate plus the surpluses "
                            "cannot reach the next (s.124(1A))",
                        )
                    return
            if pending and not self.deferred(pending):
                top_s = max(t[c] for c in pending)
                tied = [c for c in pending if t[c] == top_s]
                if len(tied) > 1:
                    tied = self.log.choose("surplus order", tied, Pick.HIGHEST)
                note = self.surplus(tied[0])
                self.open(f"Surplus of {self.piles.names[tied[0]]}", (note,))
                continue
            if pending:
                self.log.note("surpluses deferred (s.121): they can change nothing")
            self.open(self.exclude(sum(t[c] - self.q for c in pending)))


def count(profile: Profile, rules: IrishRules = IRISH, seats: int = 1) -> Count:
    """Count under the Irish Dáil rules."""
    return count_whole_votes(
        _Irish(profile, rules, seats), method="irish-stv", rules=rules, seats=seats, profile=profile
    )


def register_counting_methods() -> list[MethodSpec]:
    return [
        MethodSpec(
            name="irish-stv",
            title="Irish Dáil STV",
            summary="whole papers; last sub-parcel; the papers last filed move",
            rules_class=IrishRules,
            default_rules=IRISH,
            count=count,
            source="Electoral Act 1992 (Ireland) Part XIX ss.118-124",
            multi_seat=True,
            needs_paper_order=True,
        )
    ]
