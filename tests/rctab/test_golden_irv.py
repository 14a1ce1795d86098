"""Golden cases for IRV / AV: tests/golden/irv/<case>/ (RULES.md §2.5 worked examples)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import GOLDEN
from tests.golden_util import assert_subset, load_expected, run_case

CASES = sorted(p for p in (GOLDEN / "irv").glob("*") if p.is_dir())


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 7


@pytest.mark.parametrize("folder", CASES, ids=lambda p: p.name)
def test_golden_case(folder: Path) -> None:
    assert_subset(load_expected(folder), run_case(folder))
