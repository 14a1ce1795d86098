"""Golden cases for the Condorcet methods and Borda: tests/golden/condorcet/<case>/.

Every case is the RULES.md §4 worked example under one method and option set;
the expected figures are copied from RULES.md (see each SOURCE.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import tallyroom
from tallyroom.methods.condorcet.pairwise import PairwiseMatrix, Strength
from tallyroom.methods.condorcet.schulze import strongest_paths
from tests.conftest import GOLDEN
from tests.golden_util import assert_subset, load_expected, run_case

EXAMPLE = GOLDEN / "condorcet" / "schulze_winning_votes"
CASES = sorted(p for p in (GOLDEN / "condorcet").glob("*") if p.is_dir())


def example_profile() -> tallyroom.Profile:
    """The RULES.md §4 example, candidates in the order A, B, C, D."""
    return tallyroom.read_ballots(EXAMPLE / "ballots.csv", candidates=EXAMPLE / "candidates.csv")


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 7


@pytest.mark.parametrize("folder", CASES, ids=lambda p: p.name)
def test_golden_case(folder: Path) -> None:
    actual = run_case(folder)
    assert_subset(load_expected(folder), actual)


def test_schulze_paths_of_the_worked_example() -> None:
    """RULES.md §4: p[D,A] = 13 (D→B→A), p[A,D] = 12 (A→C→D), p[D,C] = 13, p[C,D] = 12, p[D,B] = 19."""
    profile = example_profile()
    count = tallyroom.count(profile, "schulze", {"strength": "winning-votes"})
    m = PairwiseMatrix.from_dict(count.extras["pairwise"])
    p = strongest_paths(m, Strength.WINNING_VOTES)
    a, b, c, d = (m.index(x) for x in "ABCD")
    assert (p[d][a], p[a][d], p[d][c], p[c][d], p[d][b]) == (13, 12, 13, 12, 19)
    assert count.extras["scores"]["strongest_paths"] == p


def test_text_report_shows_the_matrix() -> None:
    profile = example_profile()
    text = tallyroom.render(tallyroom.count(profile, "ranked-pairs"), "text")
    assert "4 D  11 19  9  -" in text
    assert "B > A (5): skipped (would close a cycle)" in text
    assert "Elected: A" in text


def test_copeland_tie_needs_a_decision_without_one() -> None:
    profile = example_profile()
    with pytest.raises(tallyroom.TieDecisionRequired, match="C, D are tied"):
        tallyroom.count(profile, "copeland")
    seeded = tallyroom.count(profile, "copeland", tie_seed="2026")
    assert seeded.elected[0] in ("C", "D")
    (tie,) = seeded.ties
    assert tie.rule == "lot" and tie.tied == ("C", "D")
    again = tallyroom.count(profile, "copeland", tie_seed="2026")
    assert again == seeded
