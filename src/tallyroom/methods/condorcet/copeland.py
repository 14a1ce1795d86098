"""Copeland's method (and its Llull and wins-only variants).

Source: A. H. Copeland, "A 'reasonable' social welfare function", University of
Michigan seminar (1951); RULES.md §4 (score = pairwise wins + ½ × pairwise ties,
which orders candidates as wins − losses does); Ramon Llull, *Ars electionis*
(1299), as described by Hägele and Pukelsheim (2001): a pairwise tie counts as a
full point. pref_voting's ``copeland`` (wins − losses) and ``llull`` (wins + ties)
give the same winners as the ``copeland`` and ``llull`` scores here.

RULES.md §4 describes the Llull variant as "wins only (ties score 0)"; that rule
is kept as its own option, ``wins-only``, and ``llull`` follows Hägele–Pukelsheim.

1. For each candidate X and every other Y: X scores 1 if X beats Y, the tie
   score (½, 1 or 0 by :class:`PairwiseTieScore`) if ``d[X,Y] = d[Y,X]``, and 0
   if Y beats X.
2. The highest score wins; a tie for the highest score (common) is decided by
   the count's tie rules (:mod:`tallyroom.ties`; lot by default) and recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from fractions import Fraction
from typing import Any

from ...ballots.profile import Profile
from ...count import Count
from ...numbers import format_exact
from ...registry import MethodSpec
from ...ties import TieBreak, TieBreaker, TieRule
from ._driver import Outcome, condorcet_count, pick_among
from .pairwise import OvervoteRule, PairwiseMatrix, UnreadableRule

__all__ = [
    "CopelandRules",
    "PairwiseTieScore",
    "copeland_scores",
    "count",
    "register_counting_methods",
]


class PairwiseTieScore(Enum):
    """Points for a pairwise equality: ``copeland`` ½, ``llull`` 1, ``wins-only`` 0."""

    COPELAND = "copeland"
    LLULL = "llull"
    WINS_ONLY = "wins-only"


_TIE_POINTS = {
    PairwiseTieScore.COPELAND: Fraction(1, 2),
    PairwiseTieScore.LLULL: Fraction(1),
    PairwiseTieScore.WINS_ONLY: Fraction(0),
}


@dataclass(frozen=True, kw_only=True)
class CopelandRules:
    """Options of a Copeland count.

    >>> CopelandRules(tie_score=PairwiseTieScore.LLULL)  # doctest: +ELLIPSIS
    CopelandRules(tie_score=<PairwiseTieScore.LLULL: 'llull'>, ...)
    """

    tie_score: PairwiseTieScore = PairwiseTieScore.COPELAND
    overvotes: OvervoteRule = OvervoteRule.TIE
    unreadable: UnreadableRule = UnreadableRule.TRUNCATE
    ties: TieBreak = field(default_factory=lambda: TieBreak(steps=(TieRule.LOT,)))


def copeland_scores(m: PairwiseMatrix, tie_score: PairwiseTieScore) -> list[Fraction]:
    """Each candidate's score: wins plus the tie points for each pairwise equality."""
    tie = _TIE_POINTS[tie_score]
    out = []
    for i in range(m.n):
        s = Fraction(0)
        for j in range(m.n):
            if j == i:
                continue
            if m.beats(i, j):
                s += 1
            elif m.d[i][j] == m.d[j][i]:
                s += tie
        out.append(s)
    return out


def decide(m: PairwiseMatrix, rules: Any, breaker: TieBreaker) -> Outcome:
    assert isinstance(rules, CopelandRules)
    scores = copeland_scores(m, rules.tie_score)
    best = max(scores)
    top = [m.candidates[i] for i in range(m.n) if scores[i] == best]
    winner, ties = pick_among(breaker, top)
    notes = [
        f"Copeland scores (win 1, tie {format_exact(_TIE_POINTS[rules.tie_score])}): "
        + ", ".join(f"{c} {format_exact(s)}" for c, s in zip(m.candidates, scores, strict=True))
    ]
    reason = (
        f"highest Copeland score ({format_exact(best)})"
        if not ties
        else f"tied for the highest Copeland score ({format_exact(best)}); chosen by the tie rules"
    )
    return Outcome(
        winner=winner,
        reason=reason,
        notes=tuple(notes),
        ties=ties,
        scores={
            "tie_score": rules.tie_score.value,
            "score": {c: format_exact(s) for c, s in zip(m.candidates, scores, strict=True)},
        },
    )


def count(profile: Profile, rules: CopelandRules, seats: int = 1) -> Count:
    """Count ``profile`` by Copeland's method."""
    return condorcet_count(profile, rules, seats, method="copeland", decide=decide)


def register_counting_methods() -> list[MethodSpec]:
    return [
        MethodSpec(
            name="copeland",
            title="Copeland's method",
            summary="Condorcet method: most pairwise wins (ties half a win) wins",
            rules_class=CopelandRules,
            default_rules=CopelandRules(),
            count=count,
            source="Copeland (1951); Llull, Ars electionis (1299)",
        )
    ]
