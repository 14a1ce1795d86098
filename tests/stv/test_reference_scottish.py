"""Differential tests: the vectorised Gregory engine against a plain per-paper reference.

The reference below follows SSI 2011/399 Sch 1 r.46-53 paper by paper with Fractions,
written independently of tallyroom's engine (no numpy, no scaled integers). On random
small elections without ties both must give the same totals at every stage. The same
reference with RCTab's transfer value and final surplus round checks ``wigm``.
"""

from __future__ import annotations

from fractions import Fraction
from math import floor

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import tallyroom
from tallyroom.ballots.profile import Profile

Ballots = list[tuple[tuple[str, ...], int]]


def trunc5(x: Fraction) -> Fraction:
    return Fraction(floor(x * 100000), 100000)


def scottish_value(surplus: Fraction, value: Fraction, total: Fraction) -> Fraction:
    """SSI 2011/399 r.49(3): surplus x value / total, to 5 places, remainder ignored."""
    return trunc5(surplus * value / total)


def rctab_value(surplus: Fraction, value: Fraction, total: Fraction) -> Fraction:
    """RCTab (Portland): value x (surplus / total truncated to 4 places), truncated to 4."""
    fraction = Fraction(floor(surplus / total * 10000), 10000)
    return Fraction(floor(value * fraction * 10000), 10000)


def reference(
    ballots: Ballots,
    names: list[str],
    seats: int,
    value_of=scottish_value,
    final_surplus: bool = False,
) -> tuple[list[dict[str, Fraction]], list[str]]:
    valid = sum(n for _, n in ballots)
    quota = valid // (seats + 1) + 1
    papers: dict[str, list[tuple[tuple[str, ...], int, int, Fraction]]] = {c: [] for c in names}
    for ranking, n in ballots:
        papers[ranking[0]].append((ranking, 0, n, Fraction(1)))
    votes = {c: sum((n * v for _, _, n, v in papers[c]), Fraction(0)) for c in names}
    continuing = list(names)
    elected: list[str] = []
    excluded: list[str] = []
    done: set[str] = set()
    stages = []

    def snapshot() -> None:
        stages.append({c: votes[c] for c in names if c not in excluded or votes[c]})

    def next_pref(ranking: tuple[str, ...], pos: int) -> tuple[str | None, int]:
        for i in range(pos + 1, len(ranking)):
            if ranking[i] in continuing:
                return ranking[i], i
        return None, len(ranking)

    def move(source: str, entries: list[tuple[tuple[str, ...], int, int, Fraction]]) -> None:
        for ranking, pos, n, value in entries:
            dest, at = next_pref(ranking, pos)
            if dest is not None:
                papers[dest].append((ranking, at, n, value))
                votes[dest] += n * value

    def transfer_surplus(c: str) -> None:
        surplus, total = votes[c] - quota, votes[c]
        move(c, [(r, p, n, value_of(surplus, v, total)) for r, p, n, v in papers[c]])
        votes[c] = Fraction(quota)
        papers[c] = []
        done.add(c)

    def finish(winners: list[str]) -> tuple[list[dict[str, Fraction]], list[str]]:
        pending = [c for c in winners if c not in done and votes[c] > quota]
        if final_surplus and pending:  # RCTab: one more round for the last surpluses
            for c in sorted(pending, key=lambda c: -votes[c]):
                transfer_surplus(c)
            snapshot()
        return stages, winners

    snapshot()
    while True:
        for c in sorted([c for c in continuing if votes[c] >= quota], key=lambda c: -votes[c]):
            continuing.remove(c)
            elected.append(c)
        if len(elected) == seats:
            return finish(elected)
        if len(continuing) <= seats - len(elected):
            rest = sorted(continuing, key=lambda c: -votes[c])
            continuing.clear()
            return finish(elected + rest)
        pending = [c for c in elected if c not in done and votes[c] > quota]
        if pending:
            transfer_surplus(max(pending, key=lambda c: votes[c]))
        else:
            c = min(continuing, key=lambda c: votes[c])
            continuing.remove(c)
            excluded.append(c)
            move(c, papers[c])
            votes[c] = Fraction(0)
            papers[c] = []
        snapshot()


@st.composite
def elections(draw: st.DrawFn) -> tuple[list[str], Ballots, int]:
    n = draw(st.integers(3, 7))
    names = list("ABCDEFG"[:n])
    seats = draw(st.integers(1, n - 1))
    ranking = st.permutations(names).flatmap(
        lambda p: st.integers(1, len(p)).map(lambda k: tuple(p[:k]))
    )
    ballots = draw(st.lists(st.tuples(ranking, st.integers(1, 40)), min_size=2, max_size=25))
    return names, ballots, seats


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections())
def test_scottish_matches_the_per_paper_reference(election: tuple[list[str], Ballots, int]) -> None:
    names, ballots, seats = election
    profile = Profile.from_rankings(names, ballots)
    result = tallyroom.count(profile, "scottish-stv", seats=seats, tie_seed="reference")
    assume(not result.ties)
    stages, elected = reference(ballots, names, seats)
    assert [dict(r.tally) for r in result.rounds] == stages
    assert sorted(result.elected) == sorted(elected)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections())
def test_wigm_matches_the_per_paper_reference(election: tuple[list[str], Ballots, int]) -> None:
    names, ballots, seats = election
    profile = Profile.from_rankings(names, ballots)
    result = tallyroom.count(profile, "wigm", seats=seats, tie_seed="reference")
    assume(not result.ties)
    stages, elected = reference(ballots, names, seats, rctab_value, final_surplus=True)
    assert [dict(r.tally) for r in result.rounds] == stages
    assert sorted(result.elected) == sorted(elected)
