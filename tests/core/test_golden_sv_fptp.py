"""Golden cases for SV and FPTP: one folder per case under tests/golden/{sv,fptp}/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import GOLDEN
from tests.golden_util import assert_subset, load_expected, run_case

CASES = sorted(p for m in ("sv", "fptp") for p in (GOLDEN / m).glob("*") if p.is_dir())


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 8


@pytest.mark.parametrize("folder", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden_case(folder: Path) -> None:
    actual = run_case(folder)
    assert_subset(load_expected(folder), actual)
