"""Golden report cases: one folder per case under ``golden/``, each with ``case.json``
(ballots, method, and the `tallyroom report` arguments of each expected file),
``SOURCE.md`` and the expected files. A missing expected file fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tallyroom.cli import main

from .conftest import ROOT

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = sorted(p for p in GOLDEN.iterdir() if p.is_dir())


def test_there_are_cases() -> None:
    assert CASES


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_case(case: Path, tmp_path: Path) -> None:
    spec = json.loads((case / "case.json").read_text(encoding="utf-8"))
    assert (case / "SOURCE.md").is_file(), f"{case.name}: SOURCE.md is missing"
    saved = tmp_path / "count.json"
    args = [
        "count",
        *(str(ROOT / b) for b in spec["ballots"]),
        "--method",
        spec["method"],
        "--save",
        str(saved),
    ]
    if spec.get("candidates"):
        args += ["--candidates", str(ROOT / spec["candidates"])]
    if spec.get("title"):
        args += ["--title", spec["title"]]
    runner = CliRunner()
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert spec["expected"], f"{case.name}: no expected files listed"
    for name, report_args in spec["expected"].items():
        expected = case / name
        assert expected.is_file(), f"{case.name}: expected file {name} is missing"
        out = tmp_path / name
        result = runner.invoke(
            main, ["report", str(saved), "-q", *report_args, "--output", str(out)]
        )
        assert result.exit_code == 0, result.output
        assert out.read_bytes() == expected.read_bytes(), f"{case.name}: {name} differs"
