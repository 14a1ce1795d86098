"""How the pairwise matrix reads each mark code, the options that change it, and the Count it logs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import tallyroom
from tallyroom.cli import main
from tallyroom.errors import RuleConfigError
from tallyroom.methods.condorcet.pairwise import (
    OvervoteRule,
    UnreadableRule,
    first_preferences,
    pairwise_matrix,
)
from tallyroom.reports.native_json import dumps, loads

ABC = ["A", "B", "C"]


def d(profile: tallyroom.Profile, **kw: object) -> list[list[int]]:
    return [list(r) for r in pairwise_matrix(profile, **kw).d]  # type: ignore[arg-type]


def test_unranked_candidates_are_below_ranked_and_tied_with_each_other() -> None:
    p = tallyroom.Profile.from_rankings(ABC, [(["A"], 3)])
    assert d(p) == [[0, 3, 3], [0, 0, 0], [0, 0, 0]]


def test_a_skipped_position_is_passed_over() -> None:
    p = tallyroom.Profile.from_rankings(ABC, [([None, "B", None, "A"], 2)])
    assert d(p) == [[0, 0, 2], [2, 0, 2], [0, 0, 0]]


def test_a_repeated_candidate_keeps_its_highest_ranking() -> None:
    p = tallyroom.Profile.from_rankings(ABC, [(["B", "A", "B", "C"], 1)])
    assert d(p) == [[0, 0, 1], [1, 0, 1], [0, 0, 0]]


def test_overvote_of_known_candidates_tie_or_truncate() -> None:
    p = tallyroom.Profile.from_rankings(ABC, [([["A", "B"], "C"], 4)])
    # tie (default): A and B equal, both above C.
    assert d(p) == [[0, 0, 4], [0, 0, 4], [0, 0, 0]]
    # truncate: the ranking ends before the overvote: nothing is said.
    assert d(p, overvotes=OvervoteRule.TRUNCATE) == [[0, 0, 0]] * 3
    firsts, none = first_preferences(p)
    assert firsts == [0, 0, 0] and none == 4


def test_unrecorded_overvote_and_uncertain_marks_truncate_or_skip() -> None:
    p = tallyroom.Profile.from_rankings(ABC, [(["A", "*", "B"], 1), (["A", "?", "C"], 1)])
    assert d(p) == [[0, 2, 2], [0, 0, 0], [0, 0, 0]]
    assert d(p, unreadable=UnreadableRule.SKIP) == [[0, 2, 2], [0, 0, 1], [0, 1, 0]]


def test_withdrawn_candidates_are_left_out() -> None:
    p = tallyroom.Profile.from_rankings(
        ABC, [(["C", "A", "B"], 3), (["B", "A"], 2)], withdrawn=frozenset({"C"})
    )
    count = tallyroom.count(p, "schulze")
    assert count.extras["pairwise"]["candidates"] == ["A", "B"]
    assert count.elected == ("A",)
    assert dict(count.rounds[0].tally) == {"A": 3, "B": 2}


def test_count_log_adds_up_and_reloads_identically() -> None:
    p = tallyroom.Profile.from_rankings(ABC, [(["A", "B"], 3), ([["B", "C"]], 2), ([], 1)])
    for method in ("schulze", "ranked-pairs", "copeland", "minimax", "borda"):
        count = tallyroom.count(p, method, tie_seed="s")
        r1 = count.rounds[0]
        assert r1.continuing_total + r1.exhausted_total == count.valid_total
        again = loads(dumps(count))
        assert again == count, method
        assert dumps(again) == dumps(count)
    first = tallyroom.count(p, "schulze")
    assert dict(first.rounds[0].exhausted) == {"no single first preference": 3}


def test_borda_conventions_on_a_short_ballot() -> None:
    p = tallyroom.Profile.from_rankings(["A", "B", "C", "D"], [(["A", "B"], 1)])
    points = {
        "unranked-zero": {"A": "3", "B": "2", "C": "0", "D": "0"},
        "ballot-completion": {"A": "3", "B": "2", "C": "0.5", "D": "0.5"},
        "modified": {"A": "2", "B": "1", "C": "0", "D": "0"},
        "modified-from-zero": {"A": "1", "B": "0", "C": "0", "D": "0"},
    }
    for partial, expected in points.items():
        count = tallyroom.count(p, "borda", {"partial": partial})
        assert count.extras["scores"]["points"] == expected, partial
        assert count.elected == ("A",)


def test_borda_tied_ranks_share_points() -> None:
    p = tallyroom.Profile.from_rankings(ABC, [([["A", "B"], "C"], 2)])
    count = tallyroom.count(p, "borda", tie_seed="s")
    assert count.extras["scores"]["points"] == {"A": "3", "B": "3", "C": "0"}
    assert count.ties[0].tied == ("A", "B")


def test_bad_options_are_named_with_valid_values() -> None:
    p = tallyroom.Profile.from_rankings(ABC, [(["A"], 1)])
    with pytest.raises(RuleConfigError, match="valid values: 'winning-votes', 'margins'"):
        tallyroom.count(p, "schulze", {"strength": "margin"})
    with pytest.raises(RuleConfigError, match="pairwise-opposition"):
        tallyroom.count(p, "schulze", {"strength": "pairwise-opposition"})
    with pytest.raises(RuleConfigError, match="unknown option"):
        tallyroom.count(p, "borda", {"partial_ballots": "modified"})
    with pytest.raises(RuleConfigError, match="elects one candidate"):
        tallyroom.count(p, "minimax", seats=2)


def test_cli_count_with_a_rules_file(tmp_path: Path) -> None:
    ballots = tmp_path / "b.csv"
    ballots.write_text("rank1,rank2,count\nA,B,3\nB,C,2\nC,A,2\n", encoding="utf-8")
    rules = tmp_path / "r.toml"
    rules.write_text('strength = "winning-votes"\novervotes = "truncate"\n', encoding="utf-8")
    res = CliRunner().invoke(
        main, ["count", str(ballots), "--method", "minimax", "--rules", str(rules)]
    )
    assert res.exit_code == 0, res.output
    assert "Elected: A" in res.output and "worst defeats (winning-votes)" in res.output
    res = CliRunner().invoke(
        main, ["count", str(ballots), "--method", "schulze", "--format", "pairwise-html"]
    )
    assert res.exit_code == 0 and "<table>" in res.output


def test_pairwise_report_of_a_non_condorcet_count_says_so() -> None:
    p = tallyroom.Profile.from_rankings(ABC, [(["A"], 2), (["B"], 1)])
    page = tallyroom.render(tallyroom.count(p, "fptp"), "pairwise-html")
    assert isinstance(page, str) and "No pairwise matrix" in page
