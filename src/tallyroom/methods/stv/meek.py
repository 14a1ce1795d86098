"""Meek STV as New Zealand counts it: Local Electoral Regulations 2001 Schedule 1A.

Sources: Local Electoral Regulations 2001 (NZ) Sch 1A, "New Zealand method of counting
single transferable votes" (clauses 1-5 read; the rest through OpenSTV's
``MeekNZSTV.py``), after Hill, Wichmann & Woodall, "Algorithm 123", Computer Journal
30 (1987). See docs/methods/stv.md for what was verified.

* keep values: 1 for hopeful candidates, 0 for excluded, < 1 for elected;
* distribution: each paper starts with weight 1; at each preference in turn the
  candidate keeps ``weight x keep value`` **rounded up to 9 decimal places** and the
  rest passes on; excluded candidates (keep 0) pass everything; what is left at the
  end is non-transferable;
* quota ``(valid - non-transferable) / (vacancies + 1)``, truncated to 9 decimals,
  plus 10**-9; recomputed at every iteration;
* a hopeful candidate with votes at or above the quota is elected;
* keep values of elected candidates become ``keep x quota / votes``, rounded up to 9
  decimals; iterate until the elected candidates' total surplus is below the
  tolerance (0.0001, :attr:`MeekRules.tolerance`) or keep values stop changing;
* then exclude the hopeful candidate with fewest votes (keep 0);
* ties: ahead at the first iteration where they differed (forward countback), then lot;
* the count ends when the seats are filled, or elected + hopeful = vacancies.

The round log has one round per iteration. Meek moves fractions of every paper at
once, so the transfers logged between iterations are the net changes, allocated in
candidate order from the candidates whose votes fell to those whose votes rose (the
tallies and non-transferable totals are exact; the from/to pairing is bookkeeping).

Not implemented: the statutory pseudo-random number generator for ties (cl.40-48);
give the returning officer's decision or a seed instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from ...ballots.marks import BLANK
from ...ballots.profile import Profile
from ...count import Count
from ...errors import RuleConfigError
from ...numbers import format_fixed
from ...registry import MethodSpec
from ...ties import Pick, TieBreak, TieRule
from ._log import NON_TRANSFERABLE, StageLog
from ._options import SkippedPreference, check_contest
from ._papers import BROKEN, NO_FURTHER, VOID, next_preferences

__all__ = ["MEEK_NZ", "MeekRules", "count", "register_counting_methods"]

SCALE = 10**9


@dataclass(frozen=True, kw_only=True)
class MeekRules:
    """Options of a Meek count.

    >>> MeekRules(tolerance=Fraction(1, 100000))  # doctest: +ELLIPSIS
    MeekRules(tolerance=Fraction(1, 100000), max_iterations=1000, ...)
    """

    tolerance: Fraction = Fraction(1, 10000)
    max_iterations: int = 1000
    #: A missing preference number: passed over (Sch 1A's treatment not verified).
    skipped: SkippedPreference = SkippedPreference.SKIP
    ties: TieBreak = field(
        default_factory=lambda: TieBreak(steps=(TieRule.FORWARD_COUNTBACK, TieRule.LOT))
    )

    def __post_init__(self) -> None:
        if self.tolerance <= 0:
            raise RuleConfigError("tolerance must be more than 0")
        if self.max_iterations < 1:
            raise RuleConfigError("max_iterations must be at least 1")


MEEK_NZ = MeekRules()


def _distribute(
    ballots: np.ndarray, weights: np.ndarray, keep: np.ndarray, n: int, gaps_break: bool
) -> tuple[list[int], int]:
    """One distribution of every paper (units of 10**-9): candidate totals, non-transferable."""
    rows = ballots.shape[0]
    rem = np.full(rows, SCALE, dtype=np.int64)
    tally = np.zeros(n, dtype=object)
    alive = np.ones(rows, dtype=bool)
    blank = ballots == BLANK
    gap = np.zeros_like(blank)
    if gaps_break and ballots.shape[1] > 1:
        later = np.flip(np.logical_or.accumulate(np.flip(~blank[:, 1:], axis=1), axis=1), axis=1)
        gap[:, :-1] = blank[:, :-1] & later
    for j in range(ballots.shape[1]):
        code = ballots[:, j]
        is_cand = (code >= 0) & alive
        # an overvote, an uncertain mark or (with gaps_break) a missing number: the rest
        # of the paper is non-transferable
        void = ((code < -1) | gap[:, j]) & alive
        alive &= ~void
        k = np.where(is_cand, keep[np.where(code >= 0, code, 0)], 0)
        give = np.minimum(-((-rem * k) // SCALE), rem)  # rounded up to 9 decimals
        give = np.where(is_cand, give, 0)
        votes = weights * give
        for c in np.unique(code[is_cand & (give > 0)]).tolist():
            tally[c] += int(votes[code == c].sum())
        rem = rem - give
    nt = int((weights * rem).sum())
    return [int(x) for x in tally], nt


def count(profile: Profile, rules: MeekRules = MEEK_NZ, seats: int = 1) -> Count:
    """Count by Meek's method as NZ Sch 1A sets it out."""
    names = profile.candidates.names
    n = len(names)
    ballots = profile.ballots
    gaps_break = rules.skipped is SkippedPreference.ENDS_PAPER
    withdrawn = [profile.candidates.index_of(x) for x in sorted(profile.withdrawn)]
    standing = np.ones(n, dtype=bool)
    standing[withdrawn] = False
    # A paper is valid when its first mark (blanks and withdrawn candidates passed over)
    # is a single candidate.
    rows = np.arange(profile.n_distinct, dtype=np.int64)
    first, _ = next_preferences(
        ballots, rows, np.full(rows.shape[0], -1, dtype=np.int64), standing, gaps_break
    )
    valid_rows = first >= 0
    valid = int(profile.weights[valid_rows].sum())
    invalid = {
        reason: int(profile.weights[first == code].sum())
        for code, reason in (
            (NO_FURTHER, "no first preference"),
            (VOID, "first preference void (more than one or uncertain)"),
            (BROKEN, "first preference not marked (sequence starts later)"),
        )
    }
    check_contest(n - len(withdrawn), seats, valid)
    b = ballots[valid_rows]
    w = profile.weights[valid_rows].astype(np.int64)
    keep = np.full(n, SCALE, dtype=np.int64)
    status = ["hopeful"] * n
    log = StageLog(names, SCALE, rules.ties)
    for c in withdrawn:
        keep[c] = 0
        status[c] = "excluded"
        log.excluded.add(c)
    total = valid * SCALE
    tol = int(rules.tolerance * SCALE)
    previous: tuple[list[int], int] | None = None
    iteration = 0
    while True:
        iteration += 1
        if iteration > rules.max_iterations:
            raise RuleConfigError(
                f"Meek count did not finish in {rules.max_iterations} iterations; "
                "raise max_iterations"
            )
        tally, nt = _distribute(b, w, keep, n, gaps_break)
        q = (total - nt) // (seats + 1) + 1  # cl.5: truncated to 9 dp, plus 10**-9
        if previous is not None:
            _log_changes(log, previous, (tally, nt))
        elif nt:
            log.exhausted[NON_TRANSFERABLE] = nt
        previous = (tally, nt)
        log.open(
            tally,
            "First preferences" if iteration == 1 else f"Iteration {iteration}",
            threshold=Fraction(q, SCALE),
            notes=(
                "keep values: "
                + ", ".join(
                    f"{names[c]} {format_fixed(Fraction(int(keep[c]), SCALE), 9)}"
                    for c in range(n)
                    if status[c] != "excluded"
                ),
            ),
        )
        newly = [c for c in range(n) if status[c] == "hopeful" and tally[c] >= q]
        for c in sorted(newly, key=lambda c: -tally[c]):
            status[c] = "elected"
            log.elect(c, "reached the quota")
        elected = [c for c in range(n) if status[c] == "elected"]
        hopeful = [c for c in range(n) if status[c] == "hopeful"]
        if len(elected) >= seats:
            break
        if len(elected) + len(hopeful) <= seats:
            for c in sorted(hopeful, key=lambda c: -tally[c]):
                status[c] = "elected"
                log.elect(c, "elected and hopeful candidates equal the vacancies")
            break
        surplus = sum(tally[c] - q for c in elected if tally[c] > q)
        new_keep = keep.copy()
        for c in elected:
            new_keep[c] = -((-int(keep[c]) * q) // tally[c])  # cl.17: rounded up
        if newly or (surplus >= tol and not np.array_equal(new_keep, keep)):
            keep = new_keep
            continue
        low = min(tally[c] for c in hopeful)
        tied = [c for c in hopeful if tally[c] == low]
        if len(tied) > 1:
            tied = log.choose("exclusion", tied, Pick.LOWEST)
        status[tied[0]] = "excluded"
        keep[tied[0]] = 0
        log.exclude(tied[0], "lowest votes once the surpluses are below the tolerance")
    rejected = dict(profile.rejected)
    for reason, k in invalid.items():
        if k:
            rejected[reason] = rejected.get(reason, 0) + k
    return log.finish(
        method="meek-nz",
        rules=rules,
        seats=seats,
        profile=profile,
        valid_papers=valid,
        rejected=rejected,
        extras={
            "iterations": iteration,
            "places": 9,
            "keep_values": {
                names[c]: format_fixed(Fraction(int(keep[c]), SCALE), 9) for c in range(n)
            },
        },
    )


def _log_changes(
    log: StageLog, before: tuple[list[int], int], after: tuple[list[int], int]
) -> None:
    """Net changes between iterations as transfers (fallers to risers, in candidate order)."""
    fell = [(c, b - a) for c, (b, a) in enumerate(zip(before[0], after[0], strict=True)) if b > a]
    rose: list[tuple[int | str, int]] = [
        (c, a - b) for c, (b, a) in enumerate(zip(before[0], after[0], strict=True)) if a > b
    ]
    if after[1] > before[1]:
        rose.append((NON_TRANSFERABLE, after[1] - before[1]))
    i = 0
    for c, amount in fell:
        while amount > 0 and i < len(rose):
            dest, want = rose[i]
            step = min(amount, want)
            log.transfer(c, dest, step)
            amount -= step
            want -= step
            rose[i] = (dest, want)
            if want == 0:
                i += 1


def register_counting_methods() -> list[MethodSpec]:
    return [
        MethodSpec(
            name="meek-nz",
            title="Meek STV (New Zealand Sch 1A)",
            summary="keep values to 9 decimals rounded up; quota recomputed every iteration",
            rules_class=MeekRules,
            default_rules=MEEK_NZ,
            count=count,
            source="Local Electoral Regulations 2001 (NZ) Sch 1A; Hill, Wichmann & Woodall 1987",
            multi_seat=True,
        )
    ]
