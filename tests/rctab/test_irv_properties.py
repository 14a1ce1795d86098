"""Invariants of the IRV engine (Hypothesis) and the method registrations."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import tallyroom
from tallyroom.ballots.profile import Profile
from tallyroom.cli import main
from tallyroom.methods import irv
from tallyroom.methods.irv_rules import IRVRules, OvervoteRule, WinnerMode
from tallyroom.rctab.ties import TiebreakMode

NAMES = "ABCDE"


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    n = draw(st.integers(2, 5))
    names = NAMES[:n]
    position = st.one_of(st.sampled_from(names), st.none(), st.just("*"))
    ranking = st.lists(position, min_size=0, max_size=n + 1)
    rows = draw(st.lists(st.tuples(ranking, st.integers(1, 30)), min_size=1, max_size=12))
    return Profile.from_rankings(names, [(tuple(r), w) for r, w in rows])


RULES = st.builds(
    IRVRules,
    overvote_rule=st.sampled_from(list(OvervoteRule)[:2]),
    max_skipped_ranks=st.one_of(st.none(), st.integers(0, 2)),
    exhaust_on_duplicate_candidate=st.booleans(),
    batch_elimination=st.booleans(),
    tiebreak_mode=st.just(TiebreakMode.RANDOM),
    random_seed=st.integers(-(2**40), 2**40),
)


@settings(max_examples=60, deadline=None)
@given(profiles(), RULES)
def test_single_winner_conserves_votes_and_wins_by_majority(p: Profile, rules: IRVRules) -> None:
    count = irv.count(p, rules)  # Count.verify: nothing lost in any round
    final = count.final_round
    assert len(count.elected) <= 1
    if count.elected:
        winner = count.elected[0]
        others = sum((v for k, v in final.tally.items() if k != winner), Fraction(0))
        assert final.tally[winner] > others or len(final.tally) <= 2


@settings(max_examples=40, deadline=None)
@given(profiles(), RULES, st.randoms(use_true_random=False))
def test_result_does_not_depend_on_the_order_of_rows(p: Profile, rules: IRVRules, rnd) -> None:  # type: ignore[no-untyped-def]
    order = list(range(p.n_distinct))
    rnd.shuffle(order)
    shuffled = Profile(
        p.candidates, p.ballots[order], p.weights[order], overvote_groups=p.overvote_groups
    )
    a, b = irv.count(p, rules), irv.count(shuffled, rules)
    assert a.elected == b.elected
    assert [dict(r.tally) for r in a.rounds] == [dict(r.tally) for r in b.rounds]


@settings(max_examples=40, deadline=None)
@given(profiles(), st.integers(2, 3), st.integers(1, 4))
def test_fractional_multi_winner_conserves_votes(p: Profile, seats: int, places: int) -> None:
    rules = IRVRules(
        winner_mode=WinnerMode.MULTI_WINNER_MULTIPLE_PER_ROUND,
        overvote_rule=OvervoteRule.ALWAYS_SKIP_TO_NEXT_RANK,
        decimal_places=places,
        tiebreak_mode=TiebreakMode.USE_CANDIDATE_ORDER,
    )
    count = irv.count(p, rules, seats)
    assert len(count.elected) <= seats
    for r in count.rounds:
        assert all(v >= 0 for v in r.tally.values())
        assert all((v * 10**places).denominator == 1 for v in r.tally.values())


def test_methods_are_registered_with_presets() -> None:
    specs = tallyroom.registry.methods()
    for name in ("irv", "stv-us", "uk-av-2011", "aus-hor"):
        assert name in specs
    assert specs["uk-av-2011"].preset_of == "irv"
    result = CliRunner().invoke(main, ["methods"])
    assert result.exit_code == 0 and "uk-av-2011" in result.output


def test_count_command_takes_irv_with_a_rules_file(tmp_path: Path) -> None:
    ballots = tmp_path / "ballots.csv"
    ballots.write_text("rank1,rank2,count\nA,B,10\novervote,A,6\nC,A,9\nD,B,8\n,B,5\n")
    rules = tmp_path / "rules.toml"
    rules.write_text('overvote_rule = "exhaustImmediately"\nmax_skipped_ranks = 1\n')
    result = CliRunner().invoke(
        main, ["count", str(ballots), "--method", "irv", "--rules", str(rules), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert '"elected": [\n    "A"' in result.output


def test_single_winner_mode_refuses_several_seats() -> None:
    p = Profile.from_rankings("AB", [(("A",), 3), (("B",), 2)])
    try:
        irv.count(p, IRVRules(), 2)
    except tallyroom.RuleConfigError as exc:
        assert "stv-us" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("two seats under singleWinnerMajority must be refused")


def test_uk_forward_countback_differs_from_previous_round_rules() -> None:
    """X and Y tie in round 3; Y was behind in round 1 but ahead in round 2.

    UK 2011 r.49A (forward countback from first preferences) excludes Y; RCTab's previous
    round rule and the AEC backward countback exclude X.
    """
    p = Profile.from_rankings(
        "ABXYPQ",
        [
            (("A",), 20),
            (("B",), 19),
            (("X",), 10),
            (("Y",), 9),
            (("Q", "Y"), 2),
            (("P", "X"), 1),
            (("P",), 2),
        ],
    )
    excluded = {}
    for method in ("uk-av-2011", "aus-hor", "irv"):
        rules = {"formality": "optional"} if method == "aus-hor" else None
        count = tallyroom.count(p, method, rules)
        third = count.rounds[2]
        assert dict(third.tally)["X"] == dict(third.tally)["Y"] == 11
        assert len(third.ties) == 1
        excluded[method] = third.excluded[0].candidate
    assert excluded == {"uk-av-2011": "Y", "aus-hor": "X", "irv": "X"}


def test_uk_rejects_papers_without_one_first_preference() -> None:
    p = Profile.from_rankings(
        "ABC",
        [
            (("A", "B"), 5),
            ((None, "A"), 2),
            ((("A", "B"), "C"), 1),
            (("C", "B"), 4),
            (("B",), 3),
        ],
    )
    count = tallyroom.count(p, "uk-av-2011")
    assert dict(count.rejected) == {
        "unmarked or void for uncertainty as to the first preference": 2,
        "voting for more than one candidate as to the first preference": 1,
    }
    assert count.valid_papers == 12
    assert [dict(r.tally) for r in count.rounds][-1] == {"A": 5, "C": 4}
    assert count.elected == ("A",)
