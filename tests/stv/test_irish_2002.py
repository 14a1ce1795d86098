"""Irish Dáil 2002, Dublin North and West (e-voting pilot ballots): the declared winners."""

from __future__ import annotations

from pathlib import Path

import pytest

import tallyroom

DATA = Path(__file__).resolve().parents[1] / "data" / "irish_2002"
CASES = [
    (
        "00001-00000001.soi.gz",
        4,
        ["Trevor Sargent G.P.", "Jim Glennon F.F.", "G.V. Wright F.F.", "Sean Ryan Lab"],
    ),
    ("00001-00000002.soi.gz", 3, ["Brian Lenihan F.F.", "Joe Higgins S.P.", "Joan Burton Lab"]),
]


@pytest.mark.parametrize(("name", "seats", "declared"), CASES, ids=["dublin-north", "dublin-west"])
def test_declared_winners(name: str, seats: int, declared: list[str]) -> None:
    profile = tallyroom.read_ballots(DATA / name, keep_order=True)
    result = tallyroom.count(profile, "irish-stv", seats=seats)
    assert sorted(result.elected) == sorted(declared)
    assert result.extras["quota"] == str(profile.total // (seats + 1) + 1)
    # every count moves whole papers
    assert all(v.denominator == 1 for r in result.rounds for v in r.tally.values())
