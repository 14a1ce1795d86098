"""Margins of IRV and SV counts: worked examples, London 2021, and the bounds checked by brute force."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tallyroom
from tallyroom.analysis.margins import margins, supports_margins
from tallyroom.errors import CountError
from tests.conftest import DATA

LONDON = DATA / "london_2021"


def irv_example() -> tallyroom.Count:
    """RULES.md §2.5(a): 40 A>B>C, 25 B>C>A, 20 C>B>A, 8 D>C, 7 D; C wins 53 to 40."""
    p = tallyroom.Profile.from_rankings(
        "ABCD", [("ABC", 40), ("BCA", 25), ("CBA", 20), ("DC", 8), ("D", 7)]
    )
    return tallyroom.count(p, "irv")


def test_irv_worked_example() -> None:
    m = margins(irv_example())
    assert (m.winner, m.runner_up) == ("C", "A")
    # Last round C 53 v A 40: 7 of C's first preferences given to A make A 47 v C 46.
    assert m.upper_bound == 7
    # Cheapest decision: round 2, C 28 v B 25 excluded: gap 3 -> 2 papers reach a tie.
    assert m.lower_bound == 2
    kinds = [(d.round, d.kind, d.gap) for d in m.decisions]
    assert (1, "elimination order", 5) in kinds and (2, "elimination order", 3) in kinds
    assert not m.exact
    text = "\n".join(m.text_lines())
    assert "upper bound: 7" in text and "lower bound: 2" in text


def test_upper_bound_construction_elects_the_runner_up() -> None:
    p = tallyroom.Profile.from_rankings(
        "ABCD", [("ABC", 40), ("BCA", 25), ("CBA", 13), ("ABC", 7), ("DC", 8), ("D", 7)]
    )
    assert tallyroom.count(p, "irv").elected == ("A",)


def london_sv() -> tallyroom.Count:
    prof = tallyroom.read_ballots(
        LONDON / "first_second_choice_matrix.csv", candidates=LONDON / "candidates.csv"
    )
    return tallyroom.count(prof, "sv", {"rejection_heads": "gla-2007"})


def test_london_2021_sv_margin_is_exact() -> None:
    """Declared round 2: Khan 1,206,034 v Bailey 977,601 (official.json): lead 228,433, odd,
    so 114,217 papers both reach (and pass) the tie point; every earlier decision costs more."""
    official = json.loads((LONDON / "official.json").read_text(encoding="utf-8"))
    declared = official["second_round"]["total"]
    count = london_sv()
    assert {k: int(v) for k, v in count.final_round.tally.items()} == declared
    m = margins(count)
    assert m.winner == "Sadiq Aman KHAN" and m.runner_up == "Shaun BAILEY"
    lead = declared["Sadiq Aman KHAN"] - declared["Shaun BAILEY"]
    assert m.upper_bound == m.lower_bound == lead // 2 + 1 == 114217
    assert m.exact
    (elim,) = [d for d in m.decisions if d.kind == "elimination order"]
    assert (elim.ahead, elim.behind) == ("Shaun BAILEY", "Sian BERRY")


def test_margins_refuse_other_methods() -> None:
    p = tallyroom.Profile.from_rankings("AB", [("AB", 3), ("BA", 2)])
    count = tallyroom.count(p, "schulze")
    assert not supports_margins(count)
    with pytest.raises(CountError, match="single-winner SV and IRV"):
        margins(count)


@st.composite
def small_profiles(draw: st.DrawFn) -> list[tuple[tuple[str, ...], int]]:
    cands = "ABC"
    rows = []
    for _ in range(draw(st.integers(2, 6))):
        order = draw(st.permutations(cands))
        rows.append((tuple(order[: draw(st.integers(1, 3))]), draw(st.integers(1, 6))))
    return rows


ALTERNATIVES = [p for k in (1, 2, 3) for p in itertools.permutations("ABC", k)]


def winner(rows: list[tuple[tuple[str, ...], int]], method: str) -> tuple[str, ...]:
    p = tallyroom.Profile.from_rankings("ABC", [r for r in rows if r[1] > 0])
    rules = {"later_preferences": "ignore"} if method == "sv" else None
    return tallyroom.count(p, method, rules, tie_seed="brute").elected


@settings(max_examples=60, deadline=None)
@given(small_profiles(), st.sampled_from(["irv", "sv"]))
def test_bounds_hold_by_brute_force(rows: list, method: str) -> None:
    p = tallyroom.Profile.from_rankings("ABC", rows)
    rules = {"later_preferences": "ignore"} if method == "sv" else None
    count = tallyroom.count(p, method, rules, tie_seed="brute")
    m = margins(count)
    base = count.elected
    if m.lower_bound >= 2:
        # No single changed paper can change the winner (nor even make a tie).
        for i, (ranking, n) in enumerate(rows):
            for alt in ALTERNATIVES:
                if alt == ranking:
                    continue
                changed = rows[:i] + [(ranking, n - 1), (alt, 1)] + rows[i + 1 :]
                assert winner(changed, method) == base, (i, alt)
    if m.upper_bound is not None and m.runner_up is not None:
        k = m.upper_bound
        w, r = m.winner, m.runner_up
        # Take k papers whose first preference is the winner; give the runner-up first place.
        changed = []
        left = k
        for ranking, n in rows:
            take = min(left, n) if ranking and ranking[0] == w else 0
            left -= take
            if n - take:
                changed.append((ranking, n - take))
            if take:
                changed.append(((r,) + tuple(c for c in ranking if c != r), take))
        assert left == 0
        assert winner(changed, method) != base


def test_a_tie_decided_in_the_count_gives_a_lower_bound_of_zero() -> None:
    """RULES.md §2.5(b): round 2 has E = F = 11, decided by countback: a different decision
    (no paper changed) could change the count, so the lower bound is 0."""
    p = tallyroom.Profile.from_rankings(
        "ABCDEF",
        [("AB", 30), ("BA", 21), ("CB", 20), ("DC", 7), ("DF", 1), ("EC", 11), ("FD", 10)],
    )
    count = tallyroom.count(p, "irv")
    assert count.ties
    m = margins(count)
    assert m.lower_bound == 0
    assert any("was decided by" in n for n in m.notes)
    assert m.upper_bound is not None and m.upper_bound > 0
