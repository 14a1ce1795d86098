"""Northern Ireland rules beyond the shared example, on small counts worked by hand."""

from __future__ import annotations

from fractions import Fraction

import tallyroom
from tallyroom.ballots.profile import Profile
from tallyroom.count import Count


def count(rankings: list[tuple[str, int]], names: str, seats: int) -> Count:
    profile = Profile.from_rankings(names, [(tuple(r), n) for r, n in rankings])
    return tallyroom.count(profile, "ni-stv", seats=seats)


def test_deferral_b_and_exclusion_in_one_operation() -> None:
    # Quota 75 // 3 + 1 = 26; A's surplus is 4. r.49(10)(b): D and E total 7 and C has 18,
    # 4 < 18 - 7, so the surplus waits. r.51(12): 7 + 4 < 18, so D and E go together.
    # Then A's surplus (TV trunc(4/30) = 0.13 on 30 papers: 3.90) elects B.
    c = count([("AB", 30), ("B", 20), ("C", 18), ("DC", 4), ("EB", 3)], "ABCDE", 2)
    r1, r2, r3 = c.rounds
    assert r1.threshold == 26
    assert any("deferred" in n for n in r1.notes)
    assert sorted(d.candidate for d in r1.excluded) == ["D", "E"]
    assert r2.action == "Exclusion of D, E: first preferences"
    assert (r2.tally["B"], r2.tally["C"]) == (23, 22)
    assert r3.action == "Surplus of A" and "transfer value 0.13 over 30" in r3.notes[0]
    assert r3.tally["B"] == Fraction("26.90")
    assert c.elected == ("A", "B")


def test_last_vacancy_rule_52_2() -> None:
    # Quota 72 // 3 + 1 = 25. A (30) is elected; A's surplus of 5 is untransferred. For the
    # last vacancy B has 24 >= C 10 + D 8 + 5: elected at once, no further transfer (r.52(3)).
    c = count([("A", 30), ("B", 24), ("C", 10), ("D", 8)], "ABCD", 2)
    assert len(c.rounds) == 1
    assert [d.candidate for d in c.rounds[0].elected] == ["A", "B"]
    assert "r.52(2)" in c.rounds[0].elected[1].reason
