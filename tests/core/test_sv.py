"""Supplementary Vote: edge cases of the statute (LGA 2000 Sch 2; SI 2007/1024 Sch 1)."""

from __future__ import annotations

from fractions import Fraction

import pytest

import tallyroom
from tallyroom import Profile, RuleConfigError, TieDecisionRequired
from tallyroom.errors import CountError


def sv(rankings, *, rejected=None, **kw):
    names = sorted(
        {
            n
            for r, _ in rankings
            for pos in r
            if pos
            for n in ([pos] if isinstance(pos, str) else pos)
        }
        - {"?", "*"}
    )
    profile = Profile.from_rankings(kw.pop("candidates", names), rankings, rejected=rejected or {})
    return tallyroom.count(profile, "sv", kw.pop("rules", None), **kw)


def test_exactly_half_is_not_a_majority() -> None:
    c = sv([(("A",), 50), (("B", "A"), 30), (("C", "B"), 10), (("C",), 10)])
    assert len(c.rounds) == 2  # 50 of 100 is not more than half: a second count
    assert c.rounds[1].tally == {"A": 50, "B": 40}
    assert c.elected == ("A",)


def test_more_than_half_wins_at_first_count() -> None:
    c = sv([(("A",), 51), (("B", "A"), 29), (("C", "B"), 20)])
    assert c.elected == ("A",)
    assert len(c.rounds) == 1
    assert c.rounds[0].threshold == 51


def test_exactly_half_then_final_tie_needs_a_lot() -> None:
    profile = Profile.from_rankings("ABC", [(("A",), 50), (("B",), 30), (("C", "B"), 20)])
    with pytest.raises(TieDecisionRequired) as info:
        tallyroom.count(profile, "sv")
    assert "A,B=NAME" in str(info.value)
    assert info.value.tie["tied"] == ["A", "B"]


def test_final_tie_by_seeded_lot_is_reproducible_and_logged() -> None:
    profile = Profile.from_rankings("ABC", [(("A",), 50), (("B",), 30), (("C", "B"), 20)])
    one = tallyroom.count(profile, "sv", tie_seed="2021-05-08")
    two = tallyroom.count(profile, "sv", tie_seed="2021-05-08")
    assert one.elected == two.elected
    (tie,) = one.rounds[1].ties
    assert tie.rule == "lot" and tie.kind == "final" and tie.tied == ("A", "B")
    assert "2021-05-08" in tie.detail and one.elected[0] in tie.detail
    from tallyroom.ties import lot_order

    assert one.elected[0] == lot_order("2021-05-08", "final", 2, ["A", "B"])[0][0]


@pytest.mark.parametrize("chosen", ["A", "B"])
def test_final_tie_by_returning_officer_decision(chosen: str) -> None:
    profile = Profile.from_rankings("ABC", [(("A",), 50), (("B",), 30), (("C", "B"), 20)])
    c = tallyroom.count(profile, "sv", tie_decisions=[f"A,B={chosen}"])
    assert c.elected == (chosen,)
    assert c.rounds[1].ties[0].rule == "officer"


def test_officer_decision_from_rules_mapping() -> None:
    profile = Profile.from_rankings("ABC", [(("A",), 50), (("B",), 30), (("C", "B"), 20)])
    rules = {
        "ties": {
            "steps": ["lot"],
            "decisions": [{"tied": ["A", "B"], "chosen": ["B"], "kind": "final"}],
        }
    }
    assert tallyroom.count(profile, "sv", rules).elected == ("B",)


def test_tie_for_second_sends_three_through() -> None:
    c = sv([(("A",), 50), (("B",), 30), (("C",), 30), (("D", "B"), 10)])
    assert [d.candidate for d in c.rounds[0].excluded] == ["D"]
    assert set(c.rounds[1].tally) == {"A", "B", "C"}
    assert c.rounds[0].ties[0].rule == "statute"


def test_three_way_tie_for_first_keeps_all() -> None:
    c = sv([(("A",), 30), (("B",), 30), (("C",), 30), (("D", "C"), 10)])
    assert set(c.rounds[1].tally) == {"A", "B", "C"}
    assert c.elected == ("C",)
    assert c.rounds[0].ties[0].kind == "first place"


def test_second_preference_same_as_first_is_cast_but_never_counted() -> None:
    c = sv([(("A", "A"), 40), (("B", "B"), 35), (("C", "C"), 25)])
    assert c.extras["second_preferences_same_as_first"] == 100
    assert c.extras["second_preferences_cast"] == {"A": 40, "B": 35, "C": 25}
    assert c.extras["second_preferences_counted"] == {"A": 0, "B": 0}
    assert c.rounds[1].exhausted["second preference for an excluded candidate"] == 25


def test_paper_with_only_a_second_preference_is_rejected() -> None:
    c = sv([((None, "A"), 7), (("A",), 10), (("B",), 5), (("C", "A"), 4)])
    assert c.rejected["unmarked or void for uncertainty as to the first preference vote"] == 7
    assert c.valid_papers == 19
    assert c.total_papers == 26


def test_invalid_second_preference_leaves_first_counted() -> None:
    c = sv([(("A", ("B", "C")), 10), (("B", "?"), 9), (("C", ("A", "B")), 8), (("C", "?"), 3)])
    assert c.extras["first_preferences"] == {"A": 10, "B": 9, "C": 11}
    assert c.rejected_total == 0
    not_cast = c.extras["second_preferences_not_cast"]
    assert not_cast["voting for more than one candidate"] == 18
    assert not_cast["void for uncertainty"] == 12


@pytest.mark.parametrize(
    ("heads", "expected"),
    [
        (
            "si-2007-1024",
            {
                "want of official mark": 1,
                "voting for more than one candidate as to the first preference vote": 2,
                "writing or mark by which the voter could be identified": 3,
                "unmarked or void for uncertainty as to the first preference vote": 4 + 5,
            },
        ),
        (
            "gla-2007",
            {
                "unmarked": 4,
                "uncertain": 5,
                "voting for too many": 2,
                "writing identifying voter": 3,
                "want of official mark": 1,
            },
        ),
        (
            "pcc-2012",
            {
                "want of official mark": 1,
                "voting for more than one candidate": 2,
                "writing or mark by which the voter could be identified": 3,
                "unmarked": 4,
                "void for uncertainty": 5,
            },
        ),
    ],
)
def test_every_rejection_head(heads: str, expected: dict[str, int]) -> None:
    profile = Profile.from_rankings(
        "ABC",
        [
            (("A", "B"), 20),
            ((("A", "B"),), 2),
            ((None, "B"), 4),
            (("?",), 5),
            (("B",), 10),
            (("C",), 3),
        ],
        rejected={"want of official mark": 1, "writing or mark identifying the voter": 3},
    )
    c = tallyroom.count(profile, "sv", {"rejection_heads": heads})
    assert dict(c.rejected) == expected
    assert list(c.rejected) == list(expected)  # the statement's order
    assert c.valid_papers == 33
    assert c.total_papers == 44 + 4  # papers in the file + adjudicated rejections


def test_three_head_rules_have_no_official_mark_head() -> None:
    profile = Profile.from_rankings(
        "AB", [(("A",), 3), (("B",), 2)], rejected={"want of official mark": 1}
    )
    with pytest.raises(CountError, match="no such head"):
        tallyroom.count(profile, "sv", {"rejection_heads": "gla-2000"})


def test_two_candidates_more_votes_wins_and_equality_by_lot() -> None:
    assert sv([(("A",), 3), (("B",), 2)]).elected == ("A",)
    with pytest.raises(TieDecisionRequired):
        sv([(("A",), 3), (("B",), 3)])
    assert sv([(("A",), 3), (("B",), 3)], tie_decisions=["A,B=B"]).elected == ("B",)


def test_uncontested() -> None:
    assert sv([(("A",), 3)]).elected == ("A",)


def test_later_preferences_are_an_error_unless_ignored() -> None:
    rankings = [(("A", "B", "C"), 40), (("B", "C", "A"), 35), (("C", "B", "A"), 25)]
    with pytest.raises(RuleConfigError, match="later_preferences"):
        sv(rankings)
    c = sv(rankings, rules={"later_preferences": "ignore"})
    assert c.elected == ("B",)
    assert "only the first two were read" in c.rounds[0].notes[0]


def test_unknown_rule_values_list_the_valid_ones() -> None:
    profile = Profile.from_rankings("AB", [(("A",), 3)])
    with pytest.raises(RuleConfigError) as info:
        tallyroom.count(profile, "sv", {"rejection_heads": "nope", "colour": "red"})
    message = str(info.value)
    assert "'si-2007-1024'" in message and "'pcc-2012'" in message
    assert "colour: unknown option; valid options: rejection_heads" in message


def test_sv_needs_one_seat() -> None:
    with pytest.raises(RuleConfigError):
        sv([(("A",), 3), (("B",), 1)], seats=2)


def test_conservation_is_checked_on_every_round() -> None:
    c = sv([(("A", "B"), 4), (("B", "C"), 3), (("C", "A"), 2), (("D",), 2)])
    for r in c.rounds:
        assert r.continuing_total + r.exhausted_total + r.loss_to_fractions == c.valid_total
    assert c.valid_total == Fraction(11)
