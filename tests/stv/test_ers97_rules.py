"""ERS97 rules beyond the shared example, on small counts worked by hand."""

from __future__ import annotations

from fractions import Fraction

import tallyroom
from tallyroom.ballots.profile import Profile
from tallyroom.count import Count


def count(rankings: list[tuple[str, int]], names: str, seats: int) -> Count:
    profile = Profile.from_rankings(names, [(tuple(r), n) for r, n in rankings])
    return tallyroom.count(profile, "ers97", seats=seats)


def test_deferral_and_bulk_exclusion() -> None:
    # Quota 81/3 = 27.00. A (30) is elected with a surplus of 3. 5.2.2(b): D, E, F (6 votes)
    # could be excluded together (6 + 3 <= C's 20), and 3 <= 20 - 6, so the surplus waits;
    # 5.2.5 excludes D, E and F in one stage; then A's surplus (TV 3/30 = 0.10) elects B.
    c = count([("AB", 30), ("B", 25), ("C", 20), ("DC", 3), ("EC", 2), ("FB", 1)], "ABCDEF", 2)
    r1, r2, r3 = c.rounds
    assert r1.threshold == 27
    assert [d.candidate for d in r1.elected] == ["A"]
    assert sorted(d.candidate for d in r1.excluded) == ["D", "E", "F"]
    assert any("deferred" in n for n in r1.notes)
    assert r2.action == "Exclusion of D, E, F: papers at 1.00"
    assert (r2.tally["B"], r2.tally["C"]) == (26, 25)
    assert r3.action == "Surplus of A" and "transfer value 0.10 over 30" in r3.notes[0]
    assert r3.tally["B"] == 29 and [d.candidate for d in r3.elected] == ["B"]
    assert c.elected == ("A", "B")


def test_election_at_total_active_vote() -> None:
    # Quota 85/3 = 28.33..., so 28.34. A's surplus 11.66 has nowhere to go. D is excluded
    # (C 25). Total active vote 85 - 11.66 - 28.34 = 45; 45 / 2 = 22.5 <= C's 25: 5.4.9(b).
    c = count([("A", 40), ("B", 20), ("C", 15), ("DC", 10)], "ABCD", 2)
    assert c.rounds[0].threshold == Fraction("28.34")
    assert c.rounds[1].action == "Surplus of A"
    assert c.rounds[1].exhausted_total == Fraction("11.66")
    assert c.rounds[2].action == "Exclusion of D: papers at 1.00"
    last = c.rounds[2]
    assert last.tally["C"] == 25
    assert [(d.candidate, d.reason) for d in last.elected] == [
        ("C", "reached the total active vote / (places left + 1)")
    ]
    assert c.elected == ("A", "C")


def test_quota_recalculated_before_anyone_is_elected() -> None:
    # One place: quota 100/2 = 50.00. C's 25 papers are non-transferable when C is
    # excluded, so the quota becomes 75/2 = 37.50 (5.4.8) and A (40) reaches it.
    c = count([("A", 40), ("B", 35), ("C", 25)], "ABC", 1)
    assert c.rounds[0].threshold == 50
    assert c.rounds[1].threshold == Fraction("37.5")
    assert [(d.candidate, d.reason) for d in c.rounds[1].elected] == [("A", "reached the quota")]


def test_scottish_rules_keep_the_fixed_quota() -> None:
    profile = Profile.from_rankings("ABC", [(("A",), 40), (("B",), 35), (("C",), 25)])
    c = tallyroom.count(profile, "scottish-stv", seats=1)
    assert {r.threshold for r in c.rounds} == {51}
