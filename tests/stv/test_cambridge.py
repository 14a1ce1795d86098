"""Cambridge MA City Council 2019, 2021, 2023: the declared councillors (cambridge rules)."""

from __future__ import annotations

from pathlib import Path

import pytest

import tallyroom

DATA = Path(__file__).resolve().parents[1] / "data" / "cambridge_ma_council"
CASES = [
    (
        "cambridge_2019_council_votes.csv.gz",
        [
            "Dennis Carlone",
            "Alanna Mallon",
            "Marc McGovern",
            "Patricia Nolan",
            "Sumbul Siddiqui",
            "Denise Simmons",
            "Jivan Sobrinho-Wheeler",
            "Quinton Zondervan",
            "Timothy Toomey",
        ],
    ),
    (
        "cambridge_2021_council.csv.gz",
        [
            "Azeem",
            "Toner",
            "Carlone",
            "Mallon",
            "McGovern",
            "Nolan",
            "Simmons",
            "Zondervan",
            "Siddiqui",
        ],
    ),
    (
        "cambridge_2023_council_ballots.csv.gz",
        [
            "Siddiqui",
            "Azeem",
            "McGovern",
            "Nolan",
            "Toner",
            "Simmons",
            "Sobrinho-Wheeler",
            "Wilson",
            "Pickett",
        ],
    ),
]


@pytest.mark.parametrize(("name", "declared"), CASES, ids=["2019", "2021", "2023"])
def test_declared_council(name: str, declared: list[str]) -> None:
    profile = tallyroom.read_ballots(DATA / name, keep_order=True)
    result = tallyroom.count(profile, "cambridge", seats=9)
    assert sorted(result.elected) == sorted(declared)
    quota = result.valid_papers // 10 + 1
    assert result.extras["quota"] == str(quota)
    # whole ballots throughout; elected candidates stop at the quota
    assert all(v.denominator == 1 for r in result.rounds for v in r.tally.values())
    assert all(result.final_round.tally[n] <= quota for n in result.elected)
    # (g): the first defeat removes every candidate under 50 votes at once
    first_defeat = next(r for r in result.rounds if r.excluded)
    assert len(first_defeat.excluded) > 1
    assert all(first_defeat.tally[d.candidate] < 50 for d in first_defeat.excluded)
