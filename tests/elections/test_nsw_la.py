"""All 279 NSW Legislative Assembly districts (2015, 2019, 2023; PrefLib ED-00058)
count without error under single-member IRV with optional preferences.

Official distributions of preferences are not transcribed (see SOURCE.md in
tests/data/nsw_la_2015_2023), so these tests check what the rules guarantee: every
formal ballot is read (the file header's NUMBER VOTERS), every round accounts for
every ballot (Count.verify), the winner holds an absolute majority of the votes still
in the count (Parliamentary Electorates and Elections Act 1912 / Electoral Act 2017
(NSW): exhausted ballots leave the majority base), and candidates go out one at a
time. A tie for exclusion goes back to earlier rounds, then to a recorded seeded lot.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

import tallyroom

DATA = Path(__file__).parent.parent / "data" / "nsw_la_2015_2023"
FILES = sorted(DATA.glob("*.soi.gz"))
RULES = {"batch_elimination": False, "overvote_rule": "exhaustImmediately"}


def test_all_279_districts_are_present() -> None:
    assert len(FILES) == 279


def _declared_voters(path: Path) -> int:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            m = re.match(r"# NUMBER VOTERS: (\d+)", line)
            if m:
                return int(m.group(1))
    raise AssertionError(f"{path.name}: no NUMBER VOTERS header")


@pytest.mark.parametrize("path", FILES, ids=[p.name.split(".")[0] for p in FILES])
def test_district_counts(path: Path) -> None:
    profile = tallyroom.read_ballots(path)
    assert profile.total == _declared_voters(path)
    result = tallyroom.count(profile, method="irv", rules=RULES, tie_seed="nsw-la-tests")
    assert len(result.elected) == 1
    winner = result.elected[0]
    final = result.final_round
    assert final.tally[winner] * 2 > final.continuing_total
    for rnd in result.rounds[:-1]:
        assert len(rnd.excluded) == 1
    assert final.continuing_total + final.exhausted_total == profile.total
