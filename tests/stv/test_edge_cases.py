"""Bad input and corner cases: clear errors or the statute's answer, never a crash."""

from __future__ import annotations

from fractions import Fraction

import pytest

import tallyroom
from tallyroom.ballots.profile import Profile
from tallyroom.errors import CountError, RuleConfigError, TieDecisionRequired

METHODS = [
    "scottish-stv",
    "ni-stv",
    "irish-stv",
    "ers97",
    "meek-nz",
    "aec-senate",
    "cambridge",
    "wigm",
]


def profile(
    rankings: list[tuple[tuple[object, ...], int]], names: str = "ABC", **kwargs: object
) -> Profile:
    return Profile.from_rankings(names, rankings, keep_order=True, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("method", METHODS)
def test_more_seats_than_candidates(method: str) -> None:
    with pytest.raises(CountError, match="3 seats but only 2 candidate"):
        tallyroom.count(profile([(("A", "B"), 3)], "AB"), method, seats=3)


@pytest.mark.parametrize("method", METHODS)
def test_no_valid_ballots(method: str) -> None:
    empty = profile([((None,), 4), (("*", "A"), 2)])
    with pytest.raises(CountError, match="no valid ballot papers"):
        tallyroom.count(empty, method, seats=1)


@pytest.mark.parametrize("method", METHODS)
def test_seats_equal_candidates(method: str) -> None:
    result = tallyroom.count(profile([(("A",), 5), (("B", "C"), 2)]), method, seats=3)
    assert sorted(result.elected) == ["A", "B", "C"]
    if method not in ("cambridge", "wigm"):  # those two still transfer A's surplus
        assert len(result.rounds) == 1


@pytest.mark.parametrize("method", METHODS)
def test_withdrawn_candidate_is_passed_over(method: str) -> None:
    p = profile([(("A", "B"), 6), (("B",), 1), (("C",), 4)], withdrawn=frozenset({"A"}))
    result = tallyroom.count(p, method, seats=1)
    assert result.rounds[0].tally.get("A", 0) == 0
    assert result.rounds[0].tally["B"] == 7
    assert result.elected == ("B",)


def test_invalid_first_preference_is_rejected() -> None:
    p = profile([((("A", "B"), "C"), 2), (("A", ("B", "C")), 3), (("B",), 1), (("C",), 1)])
    result = tallyroom.count(p, "scottish-stv", seats=1)
    assert result.valid_papers == 5
    assert result.rejected == {"first preference void (more than one or uncertain)": 2}
    assert result.rounds[0].tally["A"] == 3
    assert result.elected == ("A",)


def test_overvote_after_exclusion_exhausts_with_its_reason() -> None:
    p = profile([(("C", ("A", "B")), 1), (("A",), 3), (("B",), 2)])
    result = tallyroom.count(p, "scottish-stv", seats=1)
    assert result.final_round.exhausted["next preference void (more than one or uncertain)"] == 1


@pytest.mark.parametrize("method", ["irish-stv", "cambridge"])
def test_order_dependent_rules_need_the_paper_order(method: str) -> None:
    grouped = Profile.from_rankings("ABC", [(("A", "B"), 5), (("C",), 2)])
    with pytest.raises(CountError, match="keep_order=True"):
        tallyroom.count(grouped, method, seats=1)
    result = tallyroom.count(grouped, method, {"order": "rows"}, seats=1)
    assert result.elected == ("A",)


def test_unknown_option_lists_valid_values() -> None:
    with pytest.raises(RuleConfigError) as info:
        tallyroom.count(profile([(("A",), 1)]), "scottish-stv", {"quota": "hare"}, seats=1)
    assert "'droop'" in str(info.value) and "'ers97'" in str(info.value)
    with pytest.raises(RuleConfigError, match="unknown option"):
        tallyroom.count(profile([(("A",), 1)]), "ni-stv", {"place": 2}, seats=1)


def test_lot_needs_a_decision_or_a_seed() -> None:
    tied = profile([(("A",), 3), (("B",), 3), (("C",), 5)])
    with pytest.raises(TieDecisionRequired):
        tallyroom.count(tied, "scottish-stv", seats=1)
    by_officer = tallyroom.count(tied, "scottish-stv", seats=1, tie_decisions=["A,B=B"])
    assert by_officer.rounds[0].excluded[0].candidate == "B"
    assert by_officer.ties[0].rule == "officer"
    seeded = tallyroom.count(tied, "scottish-stv", seats=1, tie_seed="2022-05-05")
    assert seeded.ties[0].rule == "lot" and "2022-05-05" in seeded.ties[0].detail


def test_countback_decides_before_lot() -> None:
    # After A's surplus (stage 2) B and C are level; B was ahead at stage 1, so C goes
    # (backward countback, SSI 2011/399 r.52).
    p = profile([(("A", "C"), 10), (("B",), 4), (("C",), 3), (("D",), 8)], "ABCD")
    result = tallyroom.count(p, "scottish-stv", seats=2)
    tie = result.ties[0]
    assert tie.kind == "exclusion" and tie.rule == "backward-countback"
    assert tie.chosen == ("C",)


def test_places_are_checked() -> None:
    with pytest.raises(RuleConfigError, match="places"):
        tallyroom.count(profile([(("A",), 1)]), "scottish-stv", {"places": 40}, seats=1)
    with pytest.raises(RuleConfigError, match="2 decimals"):
        tallyroom.count(profile([(("A",), 1)]), "ers97", {"places": 0}, seats=1)


def test_irish_multiple_exclusion() -> None:
    # Quota 11. C (2) and D (1) together have 3 < B's 8: both excluded in one count
    # (Electoral Act 1992 s.122); their papers elect B.
    p = profile([(("A",), 10), (("B",), 8), (("C", "B"), 2), (("D", "B"), 1)], "ABCD")
    result = tallyroom.count(p, "irish-stv", seats=1)
    assert sorted(d.candidate for d in result.rounds[0].excluded) == ["C", "D"]
    assert result.rounds[1].action == "Exclusion of C, D"
    assert result.rounds[1].tally["B"] == 11
    assert result.elected == ("B",)
    single = tallyroom.count(p, "irish-stv", {"multiple_exclusion": False}, seats=1)
    assert [d.candidate for d in single.rounds[0].excluded] == ["D"]


@pytest.mark.parametrize("method", METHODS)
def test_rules_round_trip_and_saved_count_reloads(method: str) -> None:
    from tallyroom.registry import get_method
    from tallyroom.rules import rules_from_mapping, rules_to_mapping

    spec = get_method(method)
    preset = spec.default_rules
    assert rules_from_mapping(spec.rules_class, rules_to_mapping(preset)) == preset
    rules = {"threshold": 1} if method == "cambridge" else None
    p = profile([(("A", "B"), 6), (("B", "C"), 4), (("C",), 3), (("B",), 2)])
    result = tallyroom.count(p, method, rules, seats=2, tie_seed="t")
    text = tallyroom.render(result, "json")
    from tallyroom.reports.native_json import loads

    assert isinstance(text, str)
    again = loads(text)
    assert again.elected == result.elected
    assert [r.tally for r in again.rounds] == [r.tally for r in result.rounds]


def test_missing_preference_number() -> None:
    # "A, (blank), C": NI r.50(4) - the numerical sequence is broken, so the paper stops
    # at A; RCTab/Portland passes over the skipped ranking.
    p = profile([(("A", None, "C"), 4), (("B",), 5), (("C",), 6)])
    ni = tallyroom.count(p, "ni-stv", seats=1)
    assert ni.rounds[1].action == "Exclusion of A: first preferences"
    assert ni.rounds[0].transfers["A"] == {"exhausted": 4}
    assert ni.rounds[1].exhausted == {"sequence of preferences broken": 4}
    rctab = tallyroom.count(p, "wigm", seats=1)
    assert rctab.rounds[0].transfers["A"] == {"C": 4}
    assert rctab.elected == ("C",)
    meek_skip = tallyroom.count(p, "meek-nz", seats=1)
    meek_break = tallyroom.count(p, "meek-nz", {"skipped": "ends-paper"}, seats=1)
    assert meek_skip.elected == ("C",) and meek_break.elected == ("C",)
    assert meek_break.final_round.exhausted_total == 4


def test_missing_first_preference_is_invalid_where_the_sequence_matters() -> None:
    p = profile([((None, "A"), 2), (("A",), 3), (("B",), 2)])
    ni = tallyroom.count(p, "ni-stv", seats=1)
    assert ni.rejected == {"first preference not marked (sequence starts later)": 2}
    assert ni.valid_papers == 5
    rctab = tallyroom.count(p, "wigm", seats=1)
    assert rctab.valid_papers == 7 and not rctab.rejected


def test_senate_equal_surpluses_use_the_last_count_where_all_differed() -> None:
    # 3 seats, quota 100 // 4 + 1 = 26. C's exclusion lifts A (25) and B (22) to 30 each;
    # at count 1, the last count at which each differed, A was ahead: A's surplus first.
    p = profile(
        [(("A",), 25), (("B",), 22), (("C", "A"), 5), (("C", "B"), 8), (("D",), 21), (("E",), 19)],
        "ABCDE",
    )
    result = tallyroom.count(p, "aec-senate", seats=3)
    (tie,) = [t for t in result.ties if t.kind == "surplus order"]
    assert tie.chosen == ("A",) and "s.273(22): count 1" in tie.detail
    assert result.rounds[2].action == "Surplus of A"
    assert result.elected == ("A", "B", "D")


def test_irish_124_1A_elects_all_but_the_lowest() -> None:
    # 2 seats, quota 60 // 3 + 1 = 21; nobody reaches it. D is excluded (papers exhaust);
    # then three continuing for two seats and C (12) is below B (19): A and B are elected.
    p = profile([(("A",), 20), (("B",), 19), (("C",), 12), (("D",), 9)], "ABCD")
    result = tallyroom.count(p, "irish-stv", seats=2)
    assert [d.candidate for d in result.rounds[0].excluded] == ["D"]
    last = result.final_round
    assert last.number == 2 and [d.candidate for d in last.elected] == ["A", "B"]
    assert "s.124(1A)" in last.elected[1].reason


def test_large_weights_stay_exact() -> None:
    # 9 places and millions of papers: surplus x value overflows 64 bits, so the engine
    # must fall back to Python integers rather than wrap around.
    big = 3_000_000_000
    p = Profile.from_rankings("ABC", [(("A", "B"), big), (("B",), 7), (("C",), big // 3)])
    result = tallyroom.count(p, "scottish-stv", {"places": 9}, seats=2)
    valid = big + 7 + big // 3
    quota = valid // 3 + 1
    surplus = big - quota
    tv = Fraction(surplus * 10**9 // big, 10**9)
    assert result.rounds[1].tally["B"] == 7 + big * tv
    assert result.elected == ("A", "B")


def test_surplus_order_option() -> None:
    # NI, 3 seats, quota 100 // 4 + 1 = 26. A's surplus of 1 is deferred (less than the gap
    # of 3 between E and D); E's exclusion elects B with a surplus of 11. Largest first: B;
    # in order of election: A.
    p = profile([(("A",), 27), (("B",), 24), (("C",), 20), (("D",), 16), (("E", "B"), 13)], "ABCDE")
    largest = tallyroom.count(p, "ni-stv", seats=3)
    assert largest.rounds[1].action == "Exclusion of E: first preferences"
    assert largest.rounds[2].action == "Surplus of B"
    ordered = tallyroom.count(p, "ni-stv", {"surplus_order": "order-of-election"}, seats=3)
    assert ordered.rounds[2].action == "Surplus of A"
