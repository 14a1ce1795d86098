"""Minimax (Simpson–Kramer).

Source: P. B. Simpson, "On defining areas of voter choice", Quarterly Journal of
Economics 83 (1969) 478–490; G. H. Kramer, "A dynamical model of political
equilibrium", Journal of Economic Theory 16 (1977) 310–334; RULES.md §4.

1. For each candidate X, its *worst defeat* is the largest, over every other Y,
   of the strength of Y's win over X: ``d[Y,X]`` if Y beats X else 0 (winning
   votes), ``d[Y,X] − d[X,Y]`` if Y beats X else 0 (margins; default, as
   pref_voting's ``minimax``), or ``d[Y,X]`` whether or not Y wins (pairwise
   opposition).
2. The candidate with the smallest worst defeat wins; an equality is decided by
   the count's tie rules (:mod:`tallyroom.ties`; lot by default) and recorded.

The winning-votes and margins variants always elect a Condorcet winner (its worst
defeat is 0 and nobody else's is); pairwise opposition can fail to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...ballots.profile import Profile
from ...count import Count
from ...registry import MethodSpec
from ...ties import TieBreak, TieBreaker, TieRule
from ._driver import Outcome, condorcet_count, pick_among
from .pairwise import OvervoteRule, PairwiseMatrix, Strength, UnreadableRule

__all__ = ["MinimaxRules", "count", "register_counting_methods", "worst_defeats"]


@dataclass(frozen=True, kw_only=True)
class MinimaxRules:
    """Options of a minimax count.

    >>> MinimaxRules(strength=Strength.WINNING_VOTES)  # doctest: +ELLIPSIS
    MinimaxRules(strength=<Strength.WINNING_VOTES: 'winning-votes'>, ...)
    """

    strength: Strength = Strength.MARGINS
    overvotes: OvervoteRule = OvervoteRule.TIE
    unreadable: UnreadableRule = UnreadableRule.TRUNCATE
    ties: TieBreak = field(default_factory=lambda: TieBreak(steps=(TieRule.LOT,)))


def worst_defeats(m: PairwiseMatrix, measure: Strength) -> list[int]:
    """Each candidate's worst defeat (0 for a candidate alone)."""
    return [
        max((m.strength(j, i, measure) for j in range(m.n) if j != i), default=0)
        for i in range(m.n)
    ]


def decide(m: PairwiseMatrix, rules: Any, breaker: TieBreaker) -> Outcome:
    assert isinstance(rules, MinimaxRules)
    worst = worst_defeats(m, rules.strength)
    best = min(worst)
    top = [m.candidates[i] for i in range(m.n) if worst[i] == best]
    winner, ties = pick_among(breaker, top)
    notes = [
        f"worst defeats ({rules.strength.value}): "
        + ", ".join(f"{c} {w}" for c, w in zip(m.candidates, worst, strict=True))
    ]
    reason = (
        f"smallest worst defeat ({best}, {rules.strength.value})"
        if not ties
        else f"tied for the smallest worst defeat ({best}); chosen by the tie rules"
    )
    return Outcome(
        winner=winner,
        reason=reason,
        notes=tuple(notes),
        ties=ties,
        scores={
            "strength": rules.strength.value,
            "worst_defeat": dict(zip(m.candidates, worst, strict=True)),
        },
    )


def count(profile: Profile, rules: MinimaxRules, seats: int = 1) -> Count:
    """Count ``profile`` by minimax."""
    return condorcet_count(profile, rules, seats, method="minimax", decide=decide)


def register_counting_methods() -> list[MethodSpec]:
    return [
        MethodSpec(
            name="minimax",
            title="Minimax (Simpson-Kramer)",
            summary="Condorcet method: the smallest worst pairwise defeat wins",
            rules_class=MinimaxRules,
            default_rules=MinimaxRules(),
            count=count,
            source="Simpson, QJE 83 (1969) 478-490; Kramer, JET 16 (1977) 310-334",
        )
    ]
