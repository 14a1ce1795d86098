"""First past the post and block voting (RPA 1983 Sch 1 r.47, r.49)."""

from __future__ import annotations

import pytest

import tallyroom
from tallyroom import Profile, RuleConfigError, TieDecisionRequired


def test_single_seat_most_votes_wins() -> None:
    p = Profile.from_rankings("ABC", [(("A",), 5), (("B",), 7), (("C",), 2), ((None,), 1)])
    c = tallyroom.count(p, "fptp")
    assert c.elected == ("B",)
    assert c.rejected["unmarked or void for uncertainty"] == 1
    assert c.valid_papers == 14


def test_single_seat_overvote_rejected() -> None:
    p = Profile.from_rankings("ABC", [(("A",), 5), ((("A", "B"),), 3), (("B",), 4)])
    c = tallyroom.count(p, "fptp")
    assert c.rejected["voting for more candidates than entitled to"] == 3


def test_ranked_papers_use_first_preferences_by_default() -> None:
    p = Profile.from_rankings("ABC", [(("A", "B"), 5), (("B", "C"), 4), (("C", "B"), 3)])
    c = tallyroom.count(p, "fptp")
    assert c.elected == ("A",)
    assert "only the first 1 are votes" in c.rounds[0].notes[0]


def test_marks_mode_rejects_papers_with_too_many_marks() -> None:
    p = Profile.from_rankings("ABC", [(("A", "B"), 5), (("B",), 4), (("C",), 3)])
    c = tallyroom.count(p, "fptp", {"ballot_marks": "marks"})
    assert c.elected == ("B",)
    assert c.rejected["voting for more candidates than entitled to"] == 5


def test_block_vote_two_seats() -> None:
    p = Profile.from_rankings(
        "ABCD", [(("A", "B"), 10), (("C", "A"), 6), (("D",), 3), (("B", "B"), 2)]
    )
    c = tallyroom.count(p, "fptp", seats=2)
    assert c.elected == ("A", "B")
    assert c.rounds[0].tally == {"A": 16, "B": 12, "C": 6, "D": 3}
    assert c.valid_total == 2 * 21
    assert c.rounds[0].exhausted["unused votes"] == 42 - 37


def test_tie_for_last_seat_by_lot() -> None:
    p = Profile.from_rankings("ABC", [(("A",), 5), (("B",), 3), (("C",), 3)])
    with pytest.raises(TieDecisionRequired):
        tallyroom.count(p, "fptp", seats=2)
    c = tallyroom.count(p, "fptp", seats=2, tie_decisions=["B,C=C"])
    assert c.elected == ("A", "C")
    assert c.rounds[0].ties[0].chosen == ("C",)


def test_more_seats_than_candidates() -> None:
    p = Profile.from_rankings("AB", [(("A",), 5)])
    with pytest.raises(RuleConfigError):
        tallyroom.count(p, "fptp", seats=3)
