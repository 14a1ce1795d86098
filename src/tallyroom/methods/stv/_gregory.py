"""The Gregory family of STV counts: fixed-point transfer values, one stage at a time.

Scottish (SSI 2011/399), Northern Irish (Electoral Law Act (NI) 1962 Sch 5), ERS97
and the RCTab-style fractional count used by Portland OR share this loop and
differ only in the options of :class:`GregoryRules` (each preset module cites
its provisions; the steps below cite the Scottish rule first, others after).

Values are held as integers in units of ``10**-places`` of a vote, which is
exact for every rule set here because each truncates its transfer values to
``places`` decimals.

The loop, after the first stage (first preferences, SSI 2011/399 Sch 1 r.46):

1. deem elected every continuing candidate at or above the quota (r.48);
2. stop when the seats are filled, or elect all continuing candidates when they
   are no more than the vacancies (r.53);
3. finish an exclusion in progress (NI r.51(2)-(9), ERS97 5.4: one stage per batch);
4. transfer the largest surplus, unless deferral applies (r.49-50; NI r.49(10);
   ERS97 5.2.2);
5. otherwise exclude the lowest continuing candidate (r.51-52).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from ...ballots.profile import Profile
from ...count import FRACTIONS, Count
from ...errors import RuleConfigError, TieDecisionRequired
from ...numbers import format_exact, format_fixed
from ...ties import Pick, TieBreak, TieBreaker, TieRule
from ._log import StageLog
from ._options import (
    BulkExclusion,
    Deferral,
    Election,
    ExclusionTransfer,
    FinalSurplus,
    LastExclusion,
    LastVacancy,
    Quota,
    QuotaUpdate,
    SkippedPreference,
    SurplusMethod,
    SurplusOrder,
    check_contest,
    quota_value,
)
from ._papers import IntArray, Parcel, Piles, muldiv
from ._steps import elect_reached, move

__all__ = ["GregoryRules", "count_gregory"]

SURPLUS_NOT_TRANSFERABLE = "surplus not transferable"


@dataclass(frozen=True, kw_only=True)
class GregoryRules:
    """Options of a Gregory-family STV count (see the presets in each rule-set module).

    >>> GregoryRules(places=2, surplus=SurplusMethod.LAST_PARCEL, deferral=Deferral.NI)
    ... # doctest: +ELLIPSIS
    GregoryRules(places=2, quota=<Quota.DROOP: 'droop'>, ...)
    """

    places: int = 5
    quota: Quota = Quota.DROOP
    surplus: SurplusMethod = SurplusMethod.WEIGHTED_INCLUSIVE
    surplus_order: SurplusOrder = SurplusOrder.LARGEST_FIRST
    deferral: Deferral = Deferral.NONE
    exclusion: ExclusionTransfer = ExclusionTransfer.ONE_STAGE
    final_surplus: FinalSurplus = FinalSurplus.NOT_TRANSFERRED
    election: Election = Election.QUOTA
    quota_update: QuotaUpdate = QuotaUpdate.FIXED
    bulk_exclusion: BulkExclusion = BulkExclusion.NONE
    last_exclusion: LastExclusion = LastExclusion.TRANSFERRED
    last_vacancy: LastVacancy = LastVacancy.NONE
    skipped: SkippedPreference = SkippedPreference.ENDS_PAPER
    ties: TieBreak = field(
        default_factory=lambda: TieBreak(steps=(TieRule.BACKWARD_COUNTBACK, TieRule.LOT))
    )

    def __post_init__(self) -> None:
        if not 0 <= self.places <= 9:
            raise RuleConfigError(f"places must be between 0 and 9, not {self.places}")
        if self.quota is Quota.ERS97 and self.places < 2:
            raise RuleConfigError("the ERS97 quota is worked to 2 decimals: places must be >= 2")


class _Count:
    """One Gregory count in progress (the state the loop steps share)."""

    def __init__(self, profile: Profile, rules: GregoryRules, seats: int) -> None:
        self.rules = rules
        self.seats = seats
        self.scale = 10**rules.places
        self.piles = Piles(
            profile, self.scale, gaps_break=rules.skipped is SkippedPreference.ENDS_PAPER
        )
        self.valid, self.invalid = self.piles.start(profile)
        standing = self.piles.n - len(profile.withdrawn)
        check_contest(standing, seats, self.valid)
        self.quota = quota_value(rules.quota, Fraction(self.valid), seats)
        self.q = int(self.quota * self.scale)
        self.log = StageLog(self.piles.names, self.scale, rules.ties)
        for name in profile.withdrawn:
            self.log.excluded.add(profile.candidates.index_of(name))
        self.elected_at: dict[int, int] = {}
        self.done: set[int] = set()
        self.batches: list[tuple[list[tuple[int, Parcel]], str]] = []
        self.names = self.piles.names
        self.valid_units = self.valid * self.scale

    # -- helpers ----------------------------------------------------------------------
    def fmt(self, units: int) -> str:
        return format_fixed(Fraction(units, self.scale), self.rules.places)

    def open(self, action: str, notes: list[str] | None = None) -> None:
        if self.rules.quota_update is QuotaUpdate.UNTIL_FIRST_ELECTION and not self.log.elected:
            # ERS97 5.4.8: recalculate the quota ignoring the non-transferable vote.
            active = Fraction(self.valid_units - self.non_transferable(), self.scale)
            self.quota = quota_value(self.rules.quota, active, self.seats)
            self.q = int(self.quota * self.scale)
        self.log.open(self.piles.tally, action, threshold=self.quota, notes=notes or ())

    def non_transferable(self) -> int:
        return sum(self.log.exhausted.values()) + self.log.loss

    def elect_reached(self) -> None:
        """Deem elected every continuing candidate at or above the quota (r.48)."""
        if self.rules.election is Election.QUOTA:
            elect_reached(self.piles, self.log, self.q, self.elected_at)
            return
        # ERS97 5.1.7, 5.3.13, 5.4.9: in descending order of votes, the quota or the total
        # active vote / (places not yet filled + 1); 5.6.1: the total active vote is the
        # valid vote less the non-transferable vote and the votes (at most a quota) of
        # those deemed elected.
        tally = self.piles.tally
        while self.vacancies() > 0:
            n = self.vacancies()
            active = (
                self.valid_units
                - self.non_transferable()
                - sum(min(tally[e], self.q) for e in self.log.elected)
            )
            reached = [
                c
                for c in self.piles.continuing_indices()
                if tally[c] >= self.q or (tally[c] > 0 and tally[c] * (n + 1) >= active)
            ]
            if not reached:
                return
            top = max(tally[c] for c in reached)
            tied = [c for c in reached if tally[c] == top]
            if len(tied) > n:
                # 5.6.2: by votes at the earliest stage where they differed; if always
                # equal, none of them is deemed elected at this stage.
                breaker = TieBreaker(TieBreak(steps=(TieRule.FORWARD_COUNTBACK,)), self.names)
                try:
                    chosen, record = breaker.choose(
                        kind="election",
                        round_no=self.log.stage,
                        tied=[self.names[c] for c in tied],
                        pick=Pick.HIGHEST,
                        n=n,
                        history=self.log.history,
                    )
                except TieDecisionRequired:
                    self.log.note(
                        "equal votes for too few places: none deemed elected at "
                        "this stage (ERS97 5.6.2)"
                    )
                    return
                self.log.tie(record)
                tied = [self.names.index(x) for x in chosen]
            c = tied[0]
            self.piles.continuing[c] = False
            self.elected_at[c] = self.log.stage
            self.log.elect(
                c,
                "reached the quota"
                if tally[c] >= self.q
                else "reached the total active vote / (places left + 1)",
            )

    def vacancies(self) -> int:
        return self.seats - len(self.log.elected)

    def pending_surpluses(self) -> list[int]:
        return [c for c in self.log.elected if c not in self.done and self.piles.tally[c] > self.q]

    def move(self, source: int, parcel: Parcel, dest: IntArray, at: IntArray) -> int:
        """Give ``parcel``'s papers to ``dest``; log it; return the units moved or exhausted."""
        return move(self.piles, self.log, source, parcel, dest, at)

    # -- surplus (SSI 2011/399 r.49; NI r.49; ERS97 5.3; RCTab) -------------------------------
    def transfer_surplus(self, c: int) -> str:
        piles, rules = self.piles, self.rules
        total = piles.tally[c]
        surplus = total - self.q
        note: str
        if rules.surplus is SurplusMethod.LAST_PARCEL:
            # NI r.49(1)-(2), ERS97 5.3.1-5.3.2: all papers if elected at the first stage,
            # otherwise only the parcel last received.
            first = self.elected_at[c] == 1
            papers = piles.all_papers(c) if first else piles.piles[c][-1]
            dest, at = piles.destinations(papers)
            ok = dest >= 0
            n = int(papers.counts[ok].sum())
            value_ok = int((papers.counts[ok] * papers.values[ok]).sum())
            if value_ok <= surplus:
                # NI r.49(5); ERS97 5.3.4: transferable papers at their present value.
                values = papers.values
                note = f"transferable papers (value {self.fmt(value_ok)}) moved at present value"
            else:
                # NI r.49(4),(7); ERS97 5.3.5: surplus / transferable papers, truncated,
                # never more than the value at which a paper was received.
                tv = surplus // n
                values = np.minimum(papers.values, tv)
                note = f"transfer value {self.fmt(tv)} over {n} transferable papers"
            where = "all papers" if first else f"parcel received at stage {papers.stage}"
            note = f"surplus {self.fmt(surplus)} of {self.names[c]} from {where}: {note}"
            moved_papers = Parcel(
                papers.stage, papers.rows, papers.counts, np.where(ok, values, 0), papers.pos
            )
            moved = self.move(c, moved_papers, dest, at)
            rest = surplus - moved
            self.log.transfer(
                c, FRACTIONS if value_ok > surplus else SURPLUS_NOT_TRANSFERABLE, rest
            )
        else:
            papers = piles.all_papers(c)
            dest, at = piles.destinations(papers)
            if rules.surplus is SurplusMethod.WEIGHTED_INCLUSIVE:
                # SSI 2011/399 Sch 1 r.49(3)-(4): each paper at surplus x value / total,
                # truncated to 5 decimals (units are 10**-places, so floor is exact).
                values = muldiv(papers.values, surplus, total)
                tvs = sorted({int(v) for v in papers.values.tolist()}, reverse=True)
                parts = [f"{self.fmt(v)} -> {self.fmt(v * surplus // total)}" for v in tvs]
                note = (
                    f"surplus {self.fmt(surplus)} of {self.names[c]} over all "
                    f"{papers.papers} papers; transfer values: " + ", ".join(parts)
                )
            else:
                # RCTab: surplus fraction = surplus / total truncated, then each paper's
                # value x fraction truncated (decimalPlacesForVoteArithmetic).
                fraction = surplus * self.scale // total
                values = muldiv(papers.values, fraction, self.scale)
                note = (
                    f"surplus {self.fmt(surplus)} of {self.names[c]}: surplus fraction "
                    f"{self.fmt(fraction)} applied to all {papers.papers} papers"
                )
            moved = self.move(
                c, Parcel(papers.stage, papers.rows, papers.counts, values, papers.pos), dest, at
            )
            self.log.transfer(c, FRACTIONS, surplus - moved)
        piles.tally[c] = self.q
        piles.piles[c] = []
        self.done.add(c)
        return note

    def deferred(self, pending: list[int]) -> bool:
        """NI r.49(10) / ERS97 5.2.2: may the surpluses wait while the lowest is excluded?"""
        if self.rules.deferral is Deferral.NONE:
            return False
        tally = self.piles.tally
        cont = sorted(tally[c] for c in self.piles.continuing_indices())
        if len(cont) < 2 or len(cont) <= self.vacancies():
            return False
        total = sum(tally[c] - self.q for c in pending)
        gap = cont[1] - cont[0]
        if self.rules.deferral is Deferral.NI:
            # r.49(10)(a) the two lowest; (b) two or more lowest and the candidate above.
            return total < gap or any(total < cont[k] - sum(cont[:k]) for k in range(2, len(cont)))
        if total <= gap:  # ERS97 5.2.2(a)
            return True
        group = self.bulk_group(total)  # ERS97 5.2.2(b)
        if len(group) < 2:
            return False
        above = sorted(tally[c] for c in self.piles.continuing_indices())[len(group)]
        return total <= above - sum(tally[c] for c in group)

    # -- exclusion (SSI 2011/399 r.51-52; NI r.51; ERS97 5.2.5, 5.4) ----------------------
    def bulk_group(self, deferred: int) -> list[int]:
        """ERS97 5.2.5: the most lowest candidates that may be excluded together (2 or more).

        Enough candidates must remain for the places, and their votes plus the deferred
        surpluses must not exceed the vote of the candidate next above. A group whose
        last member is level with the next candidate is not taken (who is "next above"
        would need a tie decision); the single exclusion then applies.
        """
        tally = self.piles.tally
        cont = sorted(self.piles.continuing_indices(), key=lambda c: (tally[c], c))
        for k in range(len(cont) - self.vacancies(), 1, -1):
            low, above = cont[:k], cont[k]
            if tally[low[-1]] < tally[above] and (
                sum(tally[c] for c in low) + deferred <= tally[above]
            ):
                return low
        return []

    def ni_group(self, untransferred: int) -> list[int]:
        """NI r.51(12): the two or more lowest whose votes plus the untransferred surpluses
        are less than the next lowest candidate's (the largest such group that leaves
        enough candidates for the vacancies)."""
        tally = self.piles.tally
        cont = sorted(self.piles.continuing_indices(), key=lambda c: (tally[c], c))
        for k in range(len(cont) - self.vacancies(), 1, -1):
            low, above = cont[:k], cont[k]
            if sum(tally[c] for c in low) + untransferred < tally[above]:
                return low
        return []

    def choose_exclusion(self) -> list[int]:
        piles = self.piles
        deferred = sum(piles.tally[c] - self.q for c in self.pending_surpluses())
        if self.rules.bulk_exclusion is BulkExclusion.ERS97:
            group = self.bulk_group(deferred)
            if group:
                return group
        if self.rules.bulk_exclusion is BulkExclusion.NI:
            group = self.ni_group(deferred)
            if group:
                return group
        cont = piles.continuing_indices()
        low = min(piles.tally[c] for c in cont)
        tied = [c for c in cont if piles.tally[c] == low]
        if len(tied) > 1:
            # r.52 (Scotland: most recent stage with unequal votes); NI r.51(13) and
            # ERS97 5.2.5 (earliest stage); then lot. Steps come from rules.ties.
            tied = self.log.choose("exclusion", tied, Pick.LOWEST)
        return tied[:1]

    def exclude(self, group: list[int]) -> None:
        piles = self.piles
        group = sorted(group)  # candidate order
        for c in group:
            piles.continuing[c] = False
            self.log.exclude(
                c,
                "lowest votes"
                if len(group) == 1
                else "excluded together with the other lowest candidates (5.2.5)",
            )
        names = ", ".join(self.names[c] for c in group)
        mode = self.rules.exclusion
        held = [(c, piles.all_papers(c)) for c in group]
        batches: list[tuple[list[tuple[int, Parcel]], str]] = []
        if mode is ExclusionTransfer.ONE_STAGE or sum(p.papers for _, p in held) == 0:
            batches.append((held, f"Exclusion of {names}"))
        else:
            rest = held
            if mode is ExclusionTransfer.FIRST_PREFERENCES_THEN_BY_VALUE:
                first = [
                    (c, Parcel.join([p for p in piles.piles[c] if p.stage == 1], 1)) for c in group
                ]
                if any(p.papers for _, p in first):
                    batches.append((first, f"Exclusion of {names}: first preferences"))
                rest = [
                    (c, Parcel.join([p for p in piles.piles[c] if p.stage != 1], 0)) for c in group
                ]
            values = sorted({int(x) for _, p in rest for x in p.values.tolist()}, reverse=True)
            for v in values:
                batches.append(
                    (
                        [(c, p.take(p.values == v)) for c, p in rest],
                        f"Exclusion of {names}: papers at {self.fmt(v)}",
                    )
                )
        for c in group:
            piles.piles[c] = []
        self.batches.extend(batches)

    def transfer_batch(self) -> str:
        batch, action = self.batches.pop(0)
        # Candidates just elected receive nothing more (NI r.51(10); ERS97 5.4.10).
        for c, papers in batch:
            dest, at = self.piles.destinations(papers)
            self.move(c, papers, dest, at)
            self.piles.tally[c] -= papers.units
        return action

    # -- the loop ---------------------------------------------------------------------
    def elect_rest(self, cont: list[int], reason: str) -> None:
        for c in sorted(cont, key=lambda c: -self.piles.tally[c]):
            self.piles.continuing[c] = False
            self.log.elect(c, reason)
        self.final_surplus()

    def run(self) -> None:
        self.open("First preferences")
        self.elect_reached()
        while True:
            if self.vacancies() == 0:
                self.final_surplus()
                return
            cont = self.piles.continuing_indices()
            if len(cont) <= self.vacancies():
                # SSI 2011/399 r.53; NI r.52; ERS97 5.5.1; RCTab.
                self.elect_rest(cont, "continuing candidates equal the vacancies")
                return
            if self.last_vacancy(cont):
                return
            if self.batches:
                action = self.transfer_batch()
                self.open(action)
                self.elect_reached()
                continue
            pending = self.pending_surpluses()
            if pending and not self.deferred(pending):
                c = self.largest(pending)
                note = self.transfer_surplus(c)
                self.open(f"Surplus of {self.names[c]}", [note])
                self.elect_reached()
                continue
            if pending:
                self.log.note(
                    "surpluses of "
                    + ", ".join(self.names[c] for c in pending)
                    + " deferred: they cannot change who is excluded"
                )
            group = self.choose_exclusion()
            if (
                self.rules.last_exclusion is LastExclusion.NOT_MADE
                and len(cont) - len(group) <= self.vacancies()
            ):
                # ERS97 5.5.1: the proposed exclusion would leave as many continuing
                # candidates as places: they are deemed elected without it.
                self.elect_rest(
                    [c for c in cont if c not in group],
                    "continuing candidates equal the places left (5.5.1)",
                )
                return
            self.exclude(group)
            action = self.transfer_batch()
            self.open(action)
            self.elect_reached()

    def last_vacancy(self, cont: list[int]) -> bool:
        """NI r.52(2)-(3): one vacancy, and a candidate with at least all the others' votes
        plus the untransferred surpluses: elected, no further transfer."""
        if self.rules.last_vacancy is LastVacancy.NONE or self.vacancies() != 1:
            return False
        tally = self.piles.tally
        top = max(cont, key=lambda c: (tally[c], -c))
        rest = sum(tally[c] for c in cont if c != top)
        rest += sum(tally[c] - self.q for c in self.pending_surpluses())
        if tally[top] < rest or sum(tally[c] == tally[top] for c in cont) > 1:
            return False
        self.piles.continuing[top] = False
        self.log.elect(
            top,
            "at least the votes of the other continuing candidates plus the "
            "untransferred surpluses (r.52(2))",
        )
        return True

    def largest(self, pending: list[int]) -> int:
        """r.50: largest surplus first; equal surpluses by the tie rules (countback, lot)."""
        if self.rules.surplus_order is SurplusOrder.ORDER_OF_ELECTION:
            return pending[0]  # log.elected lists candidates in the order elected
        top = max(self.piles.tally[c] for c in pending)
        tied = [c for c in pending if self.piles.tally[c] == top]
        if len(tied) > 1:
            tied = self.log.choose("surplus order", tied, Pick.HIGHEST)
        return tied[0]

    def final_surplus(self) -> None:
        if self.rules.final_surplus is not FinalSurplus.TRANSFERRED:
            return
        pending = self.pending_surpluses()
        if not pending:
            return
        notes = [
            self.transfer_surplus(c) for c in sorted(pending, key=lambda c: -self.piles.tally[c])
        ]
        self.open("Surplus of " + ", ".join(self.names[c] for c in pending), notes)


def count_gregory(
    profile: Profile,
    rules: GregoryRules,
    seats: int,
    *,
    method: str,
    extras: dict[str, Any] | None = None,
) -> Count:
    """Count ``profile`` under a Gregory-family rule set."""
    state = _Count(profile, rules, seats)
    state.run()
    rejected = dict(profile.rejected)
    for reason, n in state.invalid.items():
        rejected[reason] = rejected.get(reason, 0) + n
    return state.log.finish(
        method=method,
        rules=rules,
        seats=seats,
        profile=profile,
        valid_papers=state.valid,
        rejected=rejected,
        extras={"quota": format_exact(state.quota), "places": rules.places, **(extras or {})},
    )
