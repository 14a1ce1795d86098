"""Ranked pairs (Tideman).

Source: T. N. Tideman, "Independence of clones as a criterion for voting rules",
Social Choice and Welfare 4 (1987) 185–206 (margins); T. M. Zavist and
T. N. Tideman, "Complete independence of clones in the ranked pairs rule",
SCW 6 (1989) 167–173 (ordering pairs of equal strength by a tie-breaking
ranking of the candidates); RULES.md §4.

1. Every majority pair X>Y (``d[X,Y] > d[Y,X]``) gets a strength: its margin
   ``d[X,Y] − d[Y,X]`` (Tideman; default) or its winning votes ``d[X,Y]``.
2. Pairs are taken strongest first. Each is *locked* unless, with the pairs
   already locked, it would close a cycle; then it is *skipped*.
3. The winner is the source of the locked graph: the candidate with no locked
   pair against it. (Pairwise equalities give no pair, so two candidates can both
   be sources; that is a tie for the count's tie rules.)
4. Pairs of equal strength: when the order in which they are taken could change
   what is locked, they are ordered by a *tie-breaking ranking* of the
   candidates (Zavist–Tideman: the pair whose winner ranks higher comes first;
   with the same winner, the pair whose loser ranks lower). The ranking is drawn
   once by the count's tie rules (:mod:`tallyroom.ties`; lot by default) and
   recorded in the log as a ``tie-breaking ranking`` decision. No ranking is drawn
   when every order of the equal pairs locks the same pairs, nor when there is a
   Condorcet winner (it is the source under every order).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from ...ballots.profile import Profile
from ...count import Count, TieDecision
from ...registry import MethodSpec
from ...ties import Pick, TieBreak, TieBreaker, TieRule
from ._driver import Outcome, condorcet_count, pick_among
from .pairwise import OvervoteRule, PairwiseMatrix, PathStrength, UnreadableRule
from .sets import condorcet_winner

__all__ = ["RankedPairsRules", "count", "register_counting_methods"]

#: Above this many pairs of one strength, their orders are not enumerated: the
#: tie-breaking ranking is drawn whenever there are two or more.
_MAX_ENUMERATED = 6

Pair = tuple[int, int, int]  # (winner, loser, strength)


@dataclass(frozen=True, kw_only=True)
class RankedPairsRules:
    """Options of a ranked-pairs count.

    >>> RankedPairsRules(strength=PathStrength.WINNING_VOTES)  # doctest: +ELLIPSIS
    RankedPairsRules(strength=<PathStrength.WINNING_VOTES: 'winning-votes'>, ...)
    """

    strength: PathStrength = PathStrength.MARGINS
    overvotes: OvervoteRule = OvervoteRule.TIE
    unreadable: UnreadableRule = UnreadableRule.TRUNCATE
    ties: TieBreak = field(default_factory=lambda: TieBreak(steps=(TieRule.LOT,)))


def _reaches(locked: set[tuple[int, int]], start: int, goal: int) -> bool:
    """Is there a path of locked pairs from ``start`` to ``goal``?"""
    seen = {start}
    stack = [start]
    while stack:
        x = stack.pop()
        if x == goal:
            return True
        for a, b in locked:
            if a == x and b not in seen:
                seen.add(b)
                stack.append(b)
    return False


def _lock_in_order(locked: set[tuple[int, int]], pairs: list[Pair]) -> list[bool]:
    """Lock ``pairs`` in order into ``locked`` (mutated); whether each was locked."""
    out = []
    for w, lo, _ in pairs:
        ok = not _reaches(locked, lo, w)
        if ok:
            locked.add((w, lo))
        out.append(ok)
    return out


def _order_matters(locked: set[tuple[int, int]], group: list[Pair]) -> bool:
    if len(group) < 2:
        return False
    everything = set(locked)
    if all(_lock_in_order(everything, group)):
        return False  # no cycle even with all of them: every order locks them all
    if len(group) > _MAX_ENUMERATED:
        return True
    results = set()
    for perm in itertools.permutations(group):
        trial = set(locked)
        _lock_in_order(trial, list(perm))
        results.add(frozenset(trial))
        if len(results) > 1:
            return True
    return False


def _tiebreak_ranking(m: PairwiseMatrix, breaker: TieBreaker) -> tuple[list[str], TieDecision]:
    names = list(m.candidates)
    chosen, record = breaker.choose(
        kind="tie-breaking ranking", round_no=1, tied=names, pick=Pick.HIGHEST, n=len(names) - 1
    )
    ranking = list(chosen) + [n for n in names if n not in chosen]
    return ranking, TieDecision(
        kind=record.kind,
        tied=record.tied,
        chosen=tuple(ranking),
        rule=record.rule,
        detail=(
            "order of majority pairs of equal strength (Zavist-Tideman): "
            + (record.detail or "drawn in full")
        ),
    )


def decide(m: PairwiseMatrix, rules: Any, breaker: TieBreaker) -> Outcome:
    assert isinstance(rules, RankedPairsRules)
    n = m.n
    pairs: list[Pair] = [
        (i, j, m.strength(i, j, rules.strength.measure))
        for i in range(n)
        for j in range(n)
        if i != j and m.beats(i, j)
    ]
    # Strongest first; equal strengths in candidate order until a ranking is needed.
    pairs.sort(key=lambda p: (-p[2], p[0], p[1]))
    groups = [list(g) for _, g in itertools.groupby(pairs, key=lambda p: p[2])]
    # A Condorcet winner is the source under every order of equal pairs (nothing locks
    # a pair against it), so no tie-breaking ranking is needed when there is one.
    cw = condorcet_winner(m)
    locked: set[tuple[int, int]] = set()
    ties: list[TieDecision] = []
    position: dict[int, int] | None = None
    cw_noted = False
    log: list[dict[str, Any]] = []
    notes = [f"majority pairs by {rules.strength.value}, strongest first:"]
    for group in groups:
        if position is None and _order_matters(locked, group):
            if cw is None:
                ranking, record = _tiebreak_ranking(m, breaker)
                ties.append(record)
                position = {m.index(name): k for k, name in enumerate(ranking)}
            elif not cw_noted:
                notes.append(
                    "  (pairs of equal strength taken in candidate order: no order can "
                    f"change the winner, as {cw} beats every other candidate)"
                )
                cw_noted = True
        if position is not None:
            pos = position
            group.sort(key=lambda p: (pos[p[0]], -pos[p[1]]))
        for (w, lo, s), ok in zip(group, _lock_in_order(locked, group), strict=True):
            a, b = m.candidates[w], m.candidates[lo]
            log.append({"winner": a, "loser": b, "strength": s, "locked": ok})
            notes.append(
                f"  {a} > {b} ({s}): " + ("locked" if ok else "skipped (would close a cycle)")
            )
    sources = [m.candidates[x] for x in range(n) if not any(b == x for _, b in locked)]
    winner, elect_ties = pick_among(breaker, sources)
    ties.extend(elect_ties)
    reason = (
        "no locked pair against this candidate (source of the locked graph)"
        if not elect_ties
        else "one of several sources of the locked graph; chosen by the tie rules"
    )
    return Outcome(
        winner=winner,
        reason=reason,
        notes=tuple(notes),
        ties=tuple(ties),
        scores={"strength": rules.strength.value, "pairs": log, "sources": sources},
    )


def count(profile: Profile, rules: RankedPairsRules, seats: int = 1) -> Count:
    """Count ``profile`` by ranked pairs."""
    return condorcet_count(profile, rules, seats, method="ranked-pairs", decide=decide)


def register_counting_methods() -> list[MethodSpec]:
    return [
        MethodSpec(
            name="ranked-pairs",
            title="Ranked pairs (Tideman)",
            summary="Condorcet method: lock majority pairs strongest first, skipping cycles",
            rules_class=RankedPairsRules,
            default_rules=RankedPairsRules(),
            count=count,
            source="Tideman, SCW 4 (1987) 185-206; Zavist & Tideman, SCW 6 (1989) 167-173",
        )
    ]
