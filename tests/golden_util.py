"""Golden-case helpers: each case is a folder with ballots, rules, expected.json and SOURCE.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import tallyroom
from tallyroom.reports.native_json import to_dict
from tallyroom.rules import load_rules_file

BALLOT_NAMES = ("ballots.csv", "ballots.csv.gz", "rejected.csv")


def assert_subset(expected: Any, actual: Any, where: str = "$") -> None:
    """Every key/element of ``expected`` must be present and equal in ``actual``."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{where}: missing key {key!r} (have {sorted(actual)})"
            assert_subset(value, actual[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{where}: expected a list, got {actual!r}"
        assert len(expected) == len(actual), (
            f"{where}: {len(actual)} items, expected {len(expected)}"
        )
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            assert_subset(e, a, f"{where}[{i}]")
    else:
        assert expected == actual, f"{where}: expected {expected!r}, got {actual!r}"


def run_case(folder: Path) -> dict[str, Any]:
    """Count a golden folder; return the native JSON of the count."""
    for required in ("expected.json", "rules.toml", "SOURCE.md"):
        assert (folder / required).exists(), f"{folder.name}: {required} is missing"
    ballots = [folder / n for n in BALLOT_NAMES if (folder / n).exists()]
    assert ballots, f"{folder.name}: no ballots file"
    rules = load_rules_file(folder / "rules.toml")
    method = rules.pop("method")
    seats = rules.pop("seats", None)
    candidates = folder / "candidates.csv"
    profile = tallyroom.read_ballots(
        ballots, candidates=candidates if candidates.exists() else None
    )
    count = tallyroom.count(profile, method, rules, seats=seats)
    return to_dict(count)


def load_expected(folder: Path) -> Any:
    return json.loads((folder / "expected.json").read_text(encoding="utf-8"))
