"""The figures RULES.md §3.8 (and check_examples.py's output) state, checked directly.

These are the document's numbers typed in from the document, so that a change to a
golden expected.json cannot silently move away from them.
"""

from __future__ import annotations

from fractions import Fraction

import tallyroom
from tallyroom.ballots.profile import Profile
from tallyroom.count import Count
from tallyroom.numbers import truncate

BALLOTS = [
    ("ABC", 30),
    ("ACD", 10),
    ("BAE", 9),
    ("CB", 12),
    ("DEC", 8),
    ("ED", 7),
    ("BD", 4),
    ("E", 3),
]


def run(method: str, rules: dict[str, object] | None = None) -> Count:
    profile = Profile.from_rankings("ABCDE", [(tuple(r), n) for r, n in BALLOTS], keep_order=True)
    return tallyroom.count(profile, method, rules, seats=3)


def D(text: str) -> Fraction:
    return Fraction(text)


def test_first_preferences_everywhere() -> None:
    for m in ("scottish-stv", "ni-stv", "irish-stv", "ers97", "meek-nz", "aec-senate", "wigm"):
        t = run(m).rounds[0].tally
        assert dict(t) == {"A": 40, "B": 13, "C": 12, "D": 8, "E": 10}, m


def test_scottish() -> None:
    c = run("scottish-stv")
    assert c.elected == ("A", "B", "E")
    assert c.extras["quota"] == "21"
    assert c.rounds[1].tally["B"] == D("27.25") and c.rounds[1].tally["C"] == D("16.75")
    r3 = c.rounds[2].tally
    assert (r3["C"], r3["D"], r3["E"]) == (D("20.01820"), D("8.91740"), D("12.06415"))
    assert "1.00000 -> 0.22935" in c.rounds[2].notes[0]
    assert "0.47500 -> 0.10894" in c.rounds[2].notes[0]
    r4 = c.rounds[3].tally
    assert (r4["E"], r4["C"]) == (D("20.06415"), D("20.01820"))
    assert [d.candidate for d in c.rounds[4].elected] == ["E"]


def test_northern_ireland() -> None:
    c = run("ni-stv")
    assert c.elected == ("A", "B", "C")
    assert (c.rounds[1].tally["B"], c.rounds[1].tally["C"]) == (D("27.10"), D("16.70"))
    assert c.rounds[0].transfers["A"]["loss to fractions"] == D("0.20")
    assert c.rounds[1].loss_to_fractions == D("0.20")
    assert "transfer value 0.20 over 30" in c.rounds[2].notes[0]
    assert c.rounds[2].tally["C"] == D("22.70")


def test_ireland() -> None:
    c = run("irish-stv")
    assert c.elected == ("A", "B", "C")
    assert dict(c.rounds[0].transfers["A"]) == {"B": 14, "C": 5}
    assert (c.rounds[1].tally["B"], c.rounds[1].tally["C"]) == (27, 17)
    assert dict(c.rounds[1].transfers["B"]) == {"C": 6}
    assert c.rounds[2].tally["C"] == 23


def test_ers97() -> None:
    c = run("ers97")
    assert c.elected == ("A", "B", "C")
    assert c.rounds[0].threshold == D("20.75")
    assert (c.rounds[1].tally["B"], c.rounds[1].tally["C"]) == (D("27.40"), D("16.80"))
    assert "transfer value 0.22 over 30" in c.rounds[2].notes[0]
    assert c.rounds[2].tally["C"] == D("23.40")


def test_meek() -> None:
    c = run("meek-nz")
    assert c.elected == ("A", "B", "C")
    assert [[d.candidate for d in r.elected] for r in c.rounds] == [["A"], ["B"], [], ["C"]]
    final = c.rounds[3]
    assert truncate(final.tally["C"], 6) == D("20.798333")
    assert final.threshold == D("20.750000001")
    assert c.extras["keep_values"]["A"].startswith("0.491780")
    assert c.extras["keep_values"]["B"].startswith("0.756264")


def test_aec_senate() -> None:
    c = run("aec-senate")
    assert c.elected == ("A", "B", "C")
    assert (c.rounds[1].tally["B"], c.rounds[1].tally["C"], c.rounds[1].loss_to_fractions) == (
        27,
        16,
        1,
    )
    assert "6/43" in c.rounds[2].notes[0]
    assert (c.rounds[2].tally["C"], c.rounds[2].tally["E"], c.rounds[2].loss_to_fractions) == (
        20,
        11,
        2,
    )
    assert (c.final_round.tally["C"], c.final_round.tally["E"]) == (20, 19)
    assert "s.273(17)" in c.final_round.elected[0].reason


def test_cambridge() -> None:
    c = run("cambridge", {"threshold": 8})
    assert c.elected == ("A", "B", "C")
    assert "(n = 2)" in c.rounds[1].notes[0]
    assert dict(c.rounds[1].tally) == {"A": 21, "B": 21, "C": 21, "D": 10, "E": 10}
