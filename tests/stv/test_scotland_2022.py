"""Scottish council wards 2022: declared winners and every declared stage figure (scottish-stv)."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import tallyroom
from tallyroom.count import Count

DATA = Path(__file__).resolve().parents[1] / "data" / "scotland_2022_sample"
WARDS: list[dict[str, Any]] = json.loads((DATA / "official_2022_sample.json").read_text())["wards"]


def declared_matches(exact: Fraction, declared: float) -> bool:
    """Declared figures are exact to 5 places, or (some large totals) rounded half up to 2."""
    shown = Decimal(str(declared))
    value = Decimal(exact.numerator) / Decimal(exact.denominator)
    five = value.quantize(Decimal("0.00001"), rounding="ROUND_DOWN")
    if five == shown:
        return True
    places = max(0, -int(shown.as_tuple().exponent))
    return places <= 2 and value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP) == shown


def count_ward(ward: dict[str, Any]) -> tuple[Count, dict[str, str]]:
    profile = tallyroom.read_ballots(DATA / "blt" / Path(ward["blt_file"]).name, format="blt")
    result = tallyroom.count(profile, "scottish-stv", seats=ward["seats"])
    official = dict(zip(profile.candidates.names, ward["blt_candidate_order"], strict=True))
    return result, official


@pytest.mark.parametrize("ward", WARDS, ids=[Path(w["blt_file"]).stem for w in WARDS])
def test_ward(ward: dict[str, Any]) -> None:
    result, official = count_ward(ward)
    assert sorted(official[n] for n in result.elected) == sorted(ward["elected"])
    assert result.extras["quota"] == str(int(ward["quota"]))
    assert len(result.rounds) == ward["num_stages"]
    declared = {c["name"]: c["stage_totals"] for c in ward["candidates"]}
    compared = 0
    for k, r in enumerate(result.rounds):
        for name, off in official.items():
            totals = declared[off]
            if k >= len(totals) or totals[k] is None:
                continue
            got = r.tally.get(name, Fraction(0))
            assert declared_matches(got, totals[k]), (k + 1, off, got, totals[k])
            compared += 1
    assert compared >= len(official) * len(result.rounds) - len(official)


def test_equal_surpluses_ordered_by_most_recent_difference() -> None:
    """SSI 2011/399 r.50: equal surpluses; the larger at the latest stage where they differed first."""
    profile = tallyroom.read_ballots(DATA / "blt" / "renfrewshire_2017_ward3.blt", format="blt")
    result = tallyroom.count(profile, "scottish-stv", seats=3)
    (tie,) = result.ties
    assert tie.kind == "surplus order" and tie.rule == "backward-countback"
    at = next(r for r in result.rounds if tie in r.ties)
    a, b = tie.tied
    assert at.tally[a] == at.tally[b]
    earlier = [r for r in result.rounds if r.number < at.number and r.tally[a] != r.tally[b]]
    latest = earlier[-1]
    first = a if latest.tally[a] > latest.tally[b] else b
    assert tie.chosen == (first,)
    following = result.rounds[at.number]  # the next stage transfers that surplus
    assert following.action == f"Surplus of {first}"
