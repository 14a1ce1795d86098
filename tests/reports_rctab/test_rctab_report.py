"""RCTab-shaped reports (rctab-json / rctab-csv) from any count."""

from __future__ import annotations

import json
from pathlib import Path

import tallyroom
from tallyroom import Profile
from tallyroom.reports.rctab_report import detailed_csv, detailed_json

RULES_2_5_A = [
    (("A", "B", "C"), 40),
    (("B", "C", "A"), 25),
    (("C", "B", "A"), 20),
    (("D", "C"), 8),
    (("D",), 7),
]


def test_irv_count_in_rctab_shape() -> None:
    count = tallyroom.count(Profile.from_rankings("ABCD", RULES_2_5_A), "irv")
    data = detailed_json(count, {"title": "Example"})
    assert data["jsonFormatVersion"] == "1"
    assert data["config"]["contest"] == "Example"
    r1 = data["results"][0]
    assert r1["tally"] == {"A": "40", "B": "25", "C": "20", "D": "15"}
    assert r1["tallyResults"] == [{"eliminated": "D", "transfers": {"C": "8", "exhausted": "7"}}]
    assert set(r1["inactiveBallots"]) >= {
        "overvotes",
        "skippedRankings",
        "exhaustedChoices",
        "repeatedRankings",
    }
    last = data["results"][-1]
    assert last["tally"]["C"] == "53"
    assert data["results"][1]["inactiveBallots"]["exhaustedChoices"] == "7"
    assert data["summary"]["numWinners"] == 1 and data["summary"]["totalNumBallots"] == "100"
    # every figure is a string, as RCTab writes them
    assert all(isinstance(v, str) for r in data["results"] for v in r["tally"].values())


def test_sv_count_in_rctab_shape(london_dir: Path) -> None:
    profile = tallyroom.read_ballots(london_dir / "first_second_choice_matrix.csv")
    count = tallyroom.count(profile, "sv")
    data = json.loads(tallyroom.render(count, "rctab-json"))
    assert data["results"][1]["tally"] == {"Shaun BAILEY": "977601", "Sadiq Aman KHAN": "1206034"}
    moved = sum(
        int(r["transfers"].get("Sadiq Aman KHAN", 0)) for r in data["results"][0]["tallyResults"]
    )
    assert moved == 192313
    text = tallyroom.render(count, "rctab-csv")
    assert isinstance(text, str)
    assert "Winner(s),Sadiq Aman KHAN" in text
    assert text.splitlines()[0] == "Contest Information"


def test_csv_percentages_are_exact_and_deterministic() -> None:
    count = tallyroom.count(Profile.from_rankings("ABCD", RULES_2_5_A), "irv")
    one, two = detailed_csv(count), detailed_csv(count)
    assert one == two
    row = next(line for line in one.splitlines() if line.startswith("A,"))
    assert row.startswith("A,40,40.0%,0,")
