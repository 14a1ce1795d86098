"""Fixtures of the report tests: real counts of an SV, an AV and an STV election, saved."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import tallyroom
from tallyroom.analysis.crosstab import for_saving
from tallyroom.count import Count
from tallyroom.reports.native_json import dumps

ROOT = Path(__file__).resolve().parents[2]
LONDON = ROOT / "examples" / "london_2021"
BURLINGTON = ROOT / "tests" / "data" / "preflib_burlington_2009" / "00005-00000002.toi"
ANDERSTON = (
    ROOT
    / "tests"
    / "data"
    / "scotland_local_stv"
    / "blt"
    / "2007"
    / "glasgow_2007_anderston.blt.gz"
)


@pytest.fixture(scope="session", autouse=True)
def _cache_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the Vega bundle cache out of the user's home during tests."""
    old = os.environ.get("TALLYROOM_CACHE_DIR")
    os.environ["TALLYROOM_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        del os.environ["TALLYROOM_CACHE_DIR"]
    else:
        os.environ["TALLYROOM_CACHE_DIR"] = old


def _count(paths: list[Path], method: str, title: str, **kw: Any) -> Count:
    profile = tallyroom.read_ballots(paths, **kw)
    profile = replace(profile, title=title)
    return for_saving(tallyroom.count(profile, method), profile)


@pytest.fixture(scope="session")
def london_official() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((LONDON / "official.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def london_count() -> Count:
    """Mayor of London 2021 (SV), from the published first x second table."""
    return _count(
        [LONDON / "first_second_choice_matrix.csv"],
        "sv",
        "Mayor of London 2021",
        candidates=LONDON / "candidates.csv",
    )


@pytest.fixture(scope="session")
def av_count() -> Count:
    """Burlington, Vermont mayor 2009 (IRV / AV), PrefLib 00005-00000002."""
    return _count([BURLINGTON], "irv", "Burlington mayor 2009")


@pytest.fixture(scope="session")
def stv_count() -> Count:
    """Glasgow 2007, Anderston ward (Scottish STV, 4 seats)."""
    return _count([ANDERSTON], "scottish-stv", "Glasgow 2007: Anderston")


@pytest.fixture(scope="session", params=["sv", "av", "stv"])
def any_count(request: pytest.FixtureRequest) -> Count:
    name = {"sv": "london_count", "av": "av_count", "stv": "stv_count"}[request.param]
    count: Count = request.getfixturevalue(name)
    return count


@pytest.fixture()
def saved(tmp_path: Path, any_count: Count) -> Path:
    path = tmp_path / "count.json"
    path.write_text(dumps(any_count), encoding="utf-8")
    return path
