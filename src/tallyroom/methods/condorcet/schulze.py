"""The Schulze method (beatpath).

Source: M. Schulze, "A new monotonic, clone-independent, reversal symmetric, and
Condorcet-consistent single-winner election method", Social Choice and Welfare
36 (2011) 267–303, §2.2 (strongest paths, winning votes as the default strength,
margins as a variant) and §4 (the Floyd–Warshall computation); RULES.md §4.

1. Each pair X beats Y (``d[X,Y] > d[Y,X]``) is a link X→Y of strength
   ``d[X,Y]`` (winning votes) or ``d[X,Y] − d[Y,X]`` (margins); other pairs have
   no link (strength 0).
2. The strength of a path is its weakest link; ``p[X,Y]`` is the strength of the
   strongest path from X to Y (widest path, Floyd–Warshall, O(n³)).
3. X is a potential winner if ``p[X,Y] ≥ p[Y,X]`` for every other Y. There is
   always at least one (Schulze 2011 §4.1).
4. Several potential winners are a tie, decided by the count's tie rules
   (:mod:`tallyroom.ties`: lot by default — Schulze's own tie-breaking ranking
   by random ballot (§5.2) is not implemented) and recorded in the log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...ballots.profile import Profile
from ...count import Count
from ...registry import MethodSpec
from ...ties import TieBreak, TieBreaker, TieRule
from ._driver import Outcome, condorcet_count, pick_among
from .pairwise import OvervoteRule, PairwiseMatrix, PathStrength, Strength, UnreadableRule

__all__ = ["SchulzeRules", "count", "register_counting_methods", "strongest_paths"]


@dataclass(frozen=True, kw_only=True)
class SchulzeRules:
    """Options of a Schulze count.

    >>> SchulzeRules(strength=PathStrength.MARGINS, ties=TieBreak(seed="2024-05-02"))
    ... # doctest: +ELLIPSIS
    SchulzeRules(strength=<PathStrength.MARGINS: 'margins'>, ...)
    """

    strength: PathStrength = PathStrength.WINNING_VOTES
    overvotes: OvervoteRule = OvervoteRule.TIE
    unreadable: UnreadableRule = UnreadableRule.TRUNCATE
    ties: TieBreak = field(default_factory=lambda: TieBreak(steps=(TieRule.LOT,)))


def strongest_paths(m: PairwiseMatrix, measure: Strength) -> list[list[int]]:
    """``p[i][j]``: the strength of the strongest path from ``i`` to ``j`` (Schulze 2011 §2.2)."""
    n = m.n
    p = [[m.strength(i, j, measure) if i != j else 0 for j in range(n)] for i in range(n)]
    for k in range(n):
        for i in range(n):
            if i == k:
                continue
            pik = p[i][k]
            if pik == 0:
                continue
            for j in range(n):
                if j != i and j != k:
                    via = min(pik, p[k][j])
                    if via > p[i][j]:
                        p[i][j] = via
    return p


def decide(m: PairwiseMatrix, rules: Any, breaker: TieBreaker) -> Outcome:
    assert isinstance(rules, SchulzeRules)
    p = strongest_paths(m, rules.strength.measure)
    n = m.n
    potential = [
        m.candidates[i] for i in range(n) if all(p[i][j] >= p[j][i] for j in range(n) if j != i)
    ]
    winner, ties = pick_among(breaker, potential)
    notes = [f"strongest paths p[X,Y] ({rules.strength.value}):"]
    paths = PairwiseMatrix(m.candidates, tuple(tuple(r) for r in p), m.papers, m.no_preference)
    notes += [f"  {line}" for line in paths.text_lines()]
    notes.append("potential winners (p[X,Y] >= p[Y,X] for every Y): " + ", ".join(potential))
    reason = (
        "strongest paths to every other candidate at least as strong as theirs back"
        if not ties
        else "one of several Schulze winners; chosen by the tie rules"
    )
    return Outcome(
        winner=winner,
        reason=reason,
        notes=tuple(notes),
        ties=ties,
        scores={
            "strength": rules.strength.value,
            "strongest_paths": [list(r) for r in p],
            "potential_winners": potential,
        },
    )


def count(profile: Profile, rules: SchulzeRules, seats: int = 1) -> Count:
    """Count ``profile`` by the Schulze method."""
    return condorcet_count(profile, rules, seats, method="schulze", decide=decide)


def register_counting_methods() -> list[MethodSpec]:
    return [
        MethodSpec(
            name="schulze",
            title="Schulze method (beatpath)",
            summary="Condorcet method: the candidate with the strongest beatpaths wins",
            rules_class=SchulzeRules,
            default_rules=SchulzeRules(),
            count=count,
            source="Schulze, Social Choice and Welfare 36 (2011) 267-303",
        )
    ]
