"""Australian Senate: Commonwealth Electoral Act 1918 s.273 (post-2016, as amended 2021).

Sources: s.273 subsections quoted in ConcreteSTV (``federal/src/lib.rs``,
``stv/src/preference_distribution.rs``), checked there against AEC distributions of
preferences; the 2021 amendments (Electoral Legislation Amendment (Assurance of
Senate Counting) Act 2021). See docs/methods/stv.md.

* s.273(8) quota ``floor(formal / (vacancies + 1)) + 1``;
* votes are whole numbers: each transfer gives a candidate
  ``floor(papers x transfer value)``; the fractions are lost (or, rarely, gained);
* s.273(9)-(10) surplus: transfer value = surplus / **all** the ballot papers the
  elected candidate holds (exhausted ones included), one value for every paper
  whatever value it arrived at (unweighted inclusive Gregory); each continuing
  candidate receives ``floor(papers whose next preference is theirs x value)``;
* s.273(13)-(13AA) exclusion: papers in groups of equal transfer value, highest first
  (first-preference papers at 1), each group a separate count; a candidate who reaches
  the quota is elected and receives nothing further; no bulk exclusion (13A), which
  the 2021 Act confines to manual counts;
* s.273(31),(31A) exclusion ties: the last count at which the tied candidates had
  different numbers of votes (backward countback, narrowing pairwise), then lot;
  s.273(22) order of surpluses: the last count at which *each* of them had a
  different number of votes, then lot;
* s.273(17) last vacancy with two continuing candidates and nothing pending: the one
  with more votes is elected (equality: lot); s.273(18) continuing candidates equal to
  the unfilled vacancies are elected.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from ...ballots.profile import Profile
from ...count import FRACTIONS, Count, TieDecision
from ...numbers import format_exact
from ...registry import MethodSpec
from ...ties import Pick, TieBreak, TieBreaker, TieRule
from ._log import BROKEN_SEQUENCE, NON_TRANSFERABLE, VOID_PREFERENCE, StageLog, count_whole_votes
from ._options import SkippedPreference, check_contest
from ._papers import BROKEN, NO_FURTHER, VOID, Parcel, Piles
from ._steps import elect_reached

__all__ = ["AEC_SENATE", "SenateRules", "count", "register_counting_methods"]


@dataclass(frozen=True, kw_only=True)
class SenateRules:
    """Options of an Australian Senate count.

    >>> SenateRules(last_two=False)  # doctest: +ELLIPSIS
    SenateRules(last_two=False, ties=...)
    """

    #: Apply s.273(17) (two continuing candidates for the last vacancy).
    last_two: bool = True
    #: a missing preference number ends the paper's transfers (s.118 / s.268A)
    skipped: SkippedPreference = SkippedPreference.ENDS_PAPER
    ties: TieBreak = field(
        default_factory=lambda: TieBreak(steps=(TieRule.BACKWARD_COUNTBACK, TieRule.LOT))
    )


AEC_SENATE = SenateRules()


class _Senate:
    def __init__(self, profile: Profile, rules: SenateRules, seats: int) -> None:
        self.rules, self.seats = rules, seats
        self.piles = Piles(profile, 1, gaps_break=rules.skipped is SkippedPreference.ENDS_PAPER)
        self.valid, self.invalid = self.piles.start(profile)
        check_contest(self.piles.n - len(profile.withdrawn), seats, self.valid)
        self.q = self.valid // (seats + 1) + 1  # s.273(8)
        self.log = StageLog(self.piles.names, 1, rules.ties)
        for name in profile.withdrawn:
            self.log.excluded.add(profile.candidates.index_of(name))
        # Votes each parcel added to its holder's total (floor(papers x value)).
        for pile in self.piles.piles:
            for p in pile:
                p.tv = Fraction(1)
        self.elected_at: dict[int, int] = {}
        self.done: set[int] = set()
        self.batches: list[tuple[int, list[Parcel], str]] = []

    def vacancies(self) -> int:
        return self.seats - len(self.log.elected)

    def open(self, action: str, notes: tuple[str, ...] = ()) -> None:
        self.log.open(self.piles.tally, action, threshold=Fraction(self.q), notes=notes)
        elect_reached(self.piles, self.log, self.q, self.elected_at)

    def send(self, source: int, papers: Parcel, tv: Fraction) -> int:
        """Papers to their next preferences at ``tv``: floor(papers x tv) votes each."""
        piles, log = self.piles, self.log
        dest, at = piles.destinations(papers)
        stage = log.stage + 1
        out = 0
        for d in np.unique(dest[dest >= 0]).tolist():
            mask = dest == d
            got = papers.take(mask)
            got.pos, got.stage, got.tv, got.source = at[mask], stage, tv, piles.names[source]
            votes = math.floor(got.papers * tv)
            piles.piles[d].append(got)
            piles.tally[d] += votes
            log.transfer(source, d, votes)
            out += votes
        for code, reason in (
            (NO_FURTHER, NON_TRANSFERABLE),
            (VOID, VOID_PREFERENCE),
            (BROKEN, BROKEN_SEQUENCE),
        ):
            votes = math.floor(int(papers.counts[dest == code].sum()) * tv)
            log.transfer(source, reason, votes)
            out += votes
        return out

    def all_differ(self, kind: str, tied: list[int]) -> int:
        """s.273(20),(22): the one with most votes at the last count at which *each* of the
        tied candidates had a different number of votes; otherwise by lot."""
        names = [self.piles.names[c] for c in tied]
        for k in range(len(self.log.history) - 2, -1, -1):
            votes = [self.log.history[k].get(n, Fraction(0)) for n in names]
            if len(set(votes)) == len(votes):
                best = max(range(len(tied)), key=lambda i: votes[i])
                self.log.tie(
                    TieDecision(
                        kind=kind,
                        tied=tuple(names),
                        chosen=(names[best],),
                        rule="countback",
                        detail=f"s.273(22): count {k + 1}, the last at which each differed: "
                        + ", ".join(
                            f"{n} {format_exact(v)}" for n, v in zip(names, votes, strict=True)
                        ),
                    )
                )
                return tied[best]
        lot = TieBreak(
            steps=(TieRule.LOT,), seed=self.rules.ties.seed, decisions=self.rules.ties.decisions
        )
        chosen, record = TieBreaker(lot, self.piles.names).choose(
            kind=kind, round_no=self.log.stage, tied=names, pick=Pick.HIGHEST
        )
        self.log.tie(record)
        return self.piles.names.index(chosen[0])

    def surplus(self, c: int) -> str:
        papers = self.piles.all_papers(c)
        surplus = self.piles.tally[c] - self.q
        tv = Fraction(surplus, papers.papers)  # s.273(9)-(10): over all papers held
        out = self.send(c, papers, tv)
        self.log.transfer(c, FRACTIONS, surplus - out)
        self.piles.tally[c] = self.q
        self.piles.piles[c] = []
        self.done.add(c)
        return (
            f"surplus {surplus} of {self.piles.names[c]} over {papers.papers} papers: "
            f"transfer value {tv.numerator}/{tv.denominator}"
        )

    def exclude(self) -> None:
        piles = self.piles
        cont = piles.continuing_indices()
        low = min(piles.tally[c] for c in cont)
        tied = [c for c in cont if piles.tally[c] == low]
        if len(tied) > 1:
            tied = self.log.choose("exclusion", tied, Pick.LOWEST)  # s.273(20),(31A)
        c = tied[0]
        piles.continuing[c] = False
        self.log.exclude(c, "lowest votes")
        values = sorted({p.tv or Fraction(1) for p in piles.piles[c]}, reverse=True)
        name = piles.names[c]
        groups = [[p for p in piles.piles[c] if (p.tv or Fraction(1)) == v] for v in values]
        if not groups:
            groups = [[]]
        for v, group in zip(values or [Fraction(1)], groups, strict=True):
            self.batches.append((c, group, f"Exclusion of {name}: papers at {format_exact(v)}"))
        piles.piles[c] = []

    def next_batch(self) -> str:
        c, group, action = self.batches.pop(0)
        tv = group[0].tv or Fraction(1) if group else Fraction(1)
        papers = Parcel.join(group, 0)
        held = sum(math.floor(p.papers * (p.tv or Fraction(1))) for p in group)
        if not self.batches or self.batches[0][0] != c:
            held = self.piles.tally[c]  # the last group takes what is left
        out = self.send(c, papers, tv)
        self.log.transfer(c, FRACTIONS, held - out)
        self.piles.tally[c] -= held
        return action

    def run(self) -> None:
        self.open("First preferences")
        while self.vacancies() > 0:
            cont = self.piles.continuing_indices()
            t = self.piles.tally
            if len(cont) <= self.vacancies():  # s.273(18)
                for c in sorted(cont, key=lambda c: -t[c]):
                    self.piles.continuing[c] = False
                    self.log.elect(c, "continuing candidates equal the vacancies (s.273(18))")
                return
            pending = [c for c in self.log.elected if c not in self.done and t[c] > self.q]
            if (
                self.rules.last_two
                and len(cont) == 2
                and self.vacancies() == 1
                and not pending
                and not self.batches
            ):  # s.273(17)
                a, b = sorted(cont, key=lambda c: -t[c])
                winner = a if t[a] != t[b] else self.log.choose("final", [a, b], Pick.HIGHEST)[0]
                self.piles.continuing[winner] = False
                self.log.elect(winner, "more votes of the last two continuing (s.273(17))")
                return
            if self.batches:
                self.open(self.next_batch())
                continue
            if pending:
                top = max(t[c] for c in pending)
                tied = [c for c in pending if t[c] == top]
                if len(tied) > 1:
                    tied = [self.all_differ("surplus order", tied)]  # s.273(22)
                note = self.surplus(tied[0])
                self.open(f"Surplus of {self.piles.names[tied[0]]}", (note,))
                continue
            self.exclude()
            self.open(self.next_batch())


def count(profile: Profile, rules: SenateRules = AEC_SENATE, seats: int = 1) -> Count:
    """Count under the Australian Senate rules (s.273)."""
    return count_whole_votes(
        _Senate(profile, rules, seats),
        method="aec-senate",
        rules=rules,
        seats=seats,
        profile=profile,
    )


def register_counting_methods() -> list[MethodSpec]:
    return [
        MethodSpec(
            name="aec-senate",
            title="Australian Senate STV (s.273, post-2016)",
            summary="one transfer value over all papers held; whole votes; fractions lost",
            rules_class=SenateRules,
            default_rules=AEC_SENATE,
            count=count,
            source="Commonwealth Electoral Act 1918 s.273 (as amended 2016 and 2021)",
            multi_seat=True,
        )
    ]
