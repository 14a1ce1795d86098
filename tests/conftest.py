"""Shared test fixtures: paths to the repository's test data and examples."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
GOLDEN = TESTS / "golden"
DATA = TESTS / "data"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def london_dir() -> Path:
    return EXAMPLES / "london_2021"
