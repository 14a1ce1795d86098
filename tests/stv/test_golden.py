"""Golden STV counts: one folder per case under tests/golden/stv/ (ballots, rules, expected)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

import tallyroom
from tallyroom.numbers import format_exact

ROOT = Path(__file__).resolve().parents[1] / "golden" / "stv"
CASES = sorted(p for p in ROOT.iterdir() if p.is_dir())


def test_every_rule_set_has_a_case() -> None:
    from tallyroom.registry import methods

    stv = {
        n for n, s in methods().items() if s.count.__module__.startswith("tallyroom.methods.stv")
    }
    assert stv == {
        "scottish-stv",
        "ni-stv",
        "irish-stv",
        "ers97",
        "meek-nz",
        "aec-senate",
        "cambridge",
        "wigm",
    }
    assert stv <= {p.name for p in CASES}


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_golden(case: Path) -> None:
    expected_file = case / "expected.json"
    assert expected_file.exists(), f"{expected_file} is missing"
    assert (case / "SOURCE.md").exists()
    expected = json.loads(expected_file.read_text())
    rules_file = case / "rules.toml"
    method = tomllib.loads(rules_file.read_text())["method"]
    # Seats come from the BLT header; papers are kept in file order (the counting order of
    # the order-dependent rule sets). The rules file is the one `tallyroom count --rules` takes.
    profile = tallyroom.read_ballots(case / "ballots.blt", format="blt", keep_order=True)
    result = tallyroom.count(profile, method, rules_file)
    assert list(result.elected) == expected["elected"]
    assert format_exact(result.valid_total) == expected["valid_total"]
    if expected.get("quota") is not None:
        assert str(result.extras["quota"]) == expected["quota"]
    assert len(result.rounds) == len(expected["rounds"])
    for got, want in zip(result.rounds, expected["rounds"], strict=True):
        where = f"round {want['number']}"
        assert got.action == want["action"], where
        assert {k: format_exact(v) for k, v in got.tally.items()} == want["tally"], where
        assert [d.candidate for d in got.elected] == want["elected"], where
        assert [d.candidate for d in got.excluded] == want["excluded"], where
        transfers = {
            k: {d: format_exact(x) for d, x in v.items()} for k, v in got.transfers.items()
        }
        assert transfers == want["transfers"], where
        assert format_exact(got.exhausted_total) == want["exhausted_total"], where
        assert format_exact(got.loss_to_fractions) == want["loss_to_fractions"], where
        assert list(got.notes) == want["notes"], where
