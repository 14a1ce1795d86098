"""Core types: exact numbers, the round log's checks, ties, rules parsing."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tallyroom import Count, IntegrityError, Round, RuleConfigError, TieDecisionRequired
from tallyroom.ballots.candidates import Candidate, CandidateList
from tallyroom.count import Decision
from tallyroom.numbers import ceil_places, format_exact, parse_exact, truncate
from tallyroom.ties import OfficerDecision, Pick, TieBreak, TieBreaker, TieRule, lot_order


def test_truncate_and_format() -> None:
    assert truncate(Fraction(625, 2725), 5) == Fraction(22935, 100000)
    assert truncate(Fraction(-1, 3), 2) == Fraction(-33, 100)
    assert ceil_places(Fraction(1, 3), 2) == Fraction(34, 100)
    assert format_exact(Fraction(2001820, 100000)) == "20.0182"
    assert format_exact(Fraction(1, 3)) == "1/3"
    assert parse_exact("20.0182") == Fraction(2001820, 100000)
    assert parse_exact("1/3") == Fraction(1, 3)
    with pytest.raises(RuleConfigError):
        parse_exact("1.2.3")


def _count(rounds: tuple[Round, ...], total: int = 10) -> Count:
    return Count(
        method="test",
        rules={},
        seats=1,
        candidates=(Candidate("A"), Candidate("B")),
        elected=("A",),
        rounds=rounds,
        valid_total=Fraction(total),
        valid_papers=total,
    )


def test_count_rejects_lost_votes() -> None:
    with pytest.raises(IntegrityError, match="not the valid total"):
        _count((Round(number=1, tally={"A": Fraction(6), "B": Fraction(3)}),))


def test_count_rejects_transfers_that_do_not_match_the_next_round() -> None:
    r1 = Round(
        number=1,
        tally={"A": Fraction(6), "B": Fraction(4)},
        excluded=(Decision("B", "lowest"),),
        transfers={"B": {"A": Fraction(3), "exhausted": Fraction(1)}},
    )
    good = Round(
        number=2, tally={"A": Fraction(9)}, exhausted={"no further preference": Fraction(1)}
    )
    _count((r1, good))
    bad = Round(
        number=2, tally={"A": Fraction(8)}, exhausted={"no further preference": Fraction(2)}
    )
    with pytest.raises(IntegrityError, match="plus its transfers gives 9"):
        _count((r1, bad))


def test_count_rejects_unknown_elected() -> None:
    with pytest.raises(IntegrityError):
        Count(
            method="t",
            rules={},
            seats=1,
            candidates=(Candidate("A"),),
            elected=("Z",),
            rounds=(Round(number=1, tally={"A": Fraction(1)}),),
            valid_total=Fraction(1),
            valid_papers=1,
        )


def test_reserved_candidate_names() -> None:
    with pytest.raises(RuleConfigError):
        Candidate("exhausted")
    with pytest.raises(RuleConfigError):
        CandidateList(["A", "A"])


def test_lot_order_is_sha256_replayable() -> None:
    import hashlib

    order = lot_order("s", "final", 2, ["A", "B", "C"])
    digests = {n: hashlib.sha256(f"s|final|2|{n}".encode()).hexdigest() for n in "ABC"}
    assert [n for n, _ in order] == sorted("ABC", key=lambda n: digests[n])


def test_backward_and_forward_countback() -> None:
    history = [{"A": Fraction(5), "B": Fraction(4)}, {"A": Fraction(6), "B": Fraction(7)}]
    back = TieBreaker(TieBreak(steps=(TieRule.BACKWARD_COUNTBACK,)), ["A", "B"])
    (lowest,), rec = back.choose(
        kind="exclusion", round_no=3, tied=["A", "B"], pick=Pick.LOWEST, history=history
    )
    assert lowest == "A" and rec.rule == "backward-countback" and "round 2" in rec.detail
    fwd = TieBreaker(TieBreak(steps=(TieRule.FORWARD_COUNTBACK,)), ["A", "B"])
    (lowest,), rec = fwd.choose(
        kind="exclusion", round_no=3, tied=["A", "B"], pick=Pick.LOWEST, history=history
    )
    assert lowest == "B" and "round 1" in rec.detail


def test_countback_equal_everywhere_falls_to_lot_or_asks() -> None:
    history = [{"A": Fraction(5), "B": Fraction(5)}]
    tb = TieBreaker(TieBreak(steps=(TieRule.BACKWARD_COUNTBACK, TieRule.LOT)), ["A", "B"])
    with pytest.raises(TieDecisionRequired):
        tb.choose(kind="exclusion", round_no=2, tied=["A", "B"], pick=Pick.LOWEST, history=history)
    tb = TieBreaker(
        TieBreak(
            steps=(TieRule.BACKWARD_COUNTBACK, TieRule.LOT),
            decisions=(OfficerDecision(tied=frozenset("AB"), chosen=("B",)),),
        ),
        ["A", "B"],
    )
    (chosen,), rec = tb.choose(
        kind="exclusion", round_no=2, tied=["A", "B"], pick=Pick.LOWEST, history=history
    )
    assert chosen == "B" and "officer" in rec.rule


def test_candidate_order_rule() -> None:
    tb = TieBreaker(TieBreak(steps=(TieRule.CANDIDATE_ORDER,)), ["A", "B", "C"])
    assert tb.choose(kind="exclusion", round_no=1, tied=["C", "A"], pick=Pick.LOWEST)[0] == ("C",)
    assert tb.choose(kind="election", round_no=1, tied=["C", "A"], pick=Pick.HIGHEST)[0] == ("A",)


def test_officer_decision_parse() -> None:
    d = OfficerDecision.parse("Ash, Birch = Birch")
    assert d.tied == frozenset({"Ash", "Birch"}) and d.chosen == ("Birch",)
    with pytest.raises(RuleConfigError):
        OfficerDecision.parse("Ash=Birch")
