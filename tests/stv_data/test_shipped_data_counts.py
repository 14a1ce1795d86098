"""Every shipped STV data file reads and counts without error (the Count checks itself).

Each :class:`~tallyroom.count.Count` verifies on creation that every round accounts
for every vote, so "counts without error" also means "nothing lost". Elected sets
are checked where the declared result is known (sources cited beside them).
"""

from __future__ import annotations

import glob
from pathlib import Path

import pytest

from tallyroom.api import count, read_ballots

DATA = Path(__file__).resolve().parents[1] / "data"
SCOTTISH = sorted(glob.glob(str(DATA / "scotland_local_stv" / "blt" / "*" / "*.blt.gz")))


def test_all_1100_scottish_contests_count() -> None:
    assert len(SCOTTISH) == 1100
    problems = []
    for path in SCOTTISH:
        profile = read_ballots(path)
        result = count(profile, "scottish-stv")
        if len(result.elected) != profile.seats:
            problems.append(f"{path}: {len(result.elected)} elected for {profile.seats} seats")
    assert problems == []


# Dáil Éireann general election 2002, declared results (Dublin North, Dublin West, Meath):
# electionsireland.org (2002 results by constituency) and the Oireachtas members' database.
IRISH = [
    (
        "00001-00000001.soi.gz",
        4,
        {"Trevor Sargent G.P.", "Jim Glennon F.F.", "G.V. Wright F.F.", "Sean Ryan Lab"},
    ),
    ("00001-00000002.soi", 3, {"Brian Lenihan F.F.", "Joe Higgins S.P.", "Joan Burton Lab"}),
    (
        "00001-00000003.soi.gz",
        5,
        {
            "Johnny Brady F.F.",
            "Mary Wallace F.F.",
            "Noel Dempsey F.F.",
            "John Bruton F.G.",
            "Damien English F.G.",
        },
    ),
]


@pytest.mark.parametrize(("name", "seats", "declared"), IRISH, ids=[i[0] for i in IRISH])
@pytest.mark.parametrize("method", ["irish-stv", "scottish-stv", "ni-stv", "ers97"])
def test_irish_2002_counts_and_elects_the_declared_members(
    name: str, seats: int, declared: set[str], method: str
) -> None:
    profile = read_ballots(DATA / "irish_2002" / "preflib" / name, keep_order=True)
    result = count(profile, method, seats=seats, tie_seed="irish-2002-test")
    assert set(result.elected) == declared


# Cambridge City Council, declared elected councillors (Cambridge Election Commission,
# as republished at rwinters.com/elections): 2019, 2021, 2023.
CAMBRIDGE = [
    (
        "cambridge_2019_council_votes.csv.gz",
        {
            "Dennis Carlone",
            "Alanna Mallon",
            "Marc McGovern",
            "Patricia Nolan",
            "Sumbul Siddiqui",
            "Denise Simmons",
            "Jivan Sobrinho-Wheeler",
            "Timothy Toomey",
            "Quinton Zondervan",
        },
    ),
    (
        "cambridge_2021_council.csv.gz",
        {
            "Azeem",
            "Carlone",
            "Mallon",
            "McGovern",
            "Nolan",
            "Siddiqui",
            "Simmons",
            "Toner",
            "Zondervan",
        },
    ),
    (
        "cambridge_2023_council_ballots.csv.gz",
        {
            "Azeem",
            "McGovern",
            "Nolan",
            "Pickett",
            "Siddiqui",
            "Simmons",
            "Sobrinho-Wheeler",
            "Toner",
            "Wilson",
        },
    ),
]


@pytest.mark.parametrize(("name", "declared"), CAMBRIDGE, ids=[c[0] for c in CAMBRIDGE])
def test_cambridge_counts_and_elects_the_declared_council(name: str, declared: set[str]) -> None:
    profile = read_ballots(DATA / "cambridge_ma_council" / name, keep_order=True)
    result = count(profile, "cambridge", seats=9, tie_seed="cambridge-test")
    assert set(result.elected) == declared


def test_cambridge_invalid_papers_are_rejected_not_dropped() -> None:
    profile = read_ballots(DATA / "cambridge_ma_council" / "cambridge_2023_council_ballots.csv.gz")
    assert profile.total + profile.rejected_total == 23512
    assert dict(profile.rejected) == {"marked invalid in the ballot file": 173}


ERS = sorted(glob.glob(str(DATA / "ers_anonymised" / "preflib" / "*.soi")))


def test_ers_files_count() -> None:
    """The ERS files record no seats or rule: count each for 1, 2 and 3 seats under ERS97."""
    assert len(ERS) == 87
    failures = []
    counted = 0
    for path in ERS:
        profile = read_ballots(path)
        for seats in (1, 2, 3):
            if seats >= len(profile.candidates):
                continue
            try:
                result = count(profile, "ers97", seats=seats, tie_seed="ers-test")
            except Exception as exc:  # collect every failure, then report them all
                failures.append(f"{Path(path).name}, {seats} seats: {exc!r}")
                continue
            counted += 1
            assert len(result.elected) == seats, path
    assert failures == []
    assert counted == sum(min(3, n - 1) for n in _candidate_counts())


def _candidate_counts() -> list[int]:
    return [len(read_ballots(p).candidates) for p in ERS]


def test_droop_fixture_files_read() -> None:
    files = sorted(glob.glob(str(DATA / "droop_fixtures" / "blt" / "**" / "*.blt"), recursive=True))
    assert len(files) == 49
    for path in files:
        profile = read_ballots(path)
        assert profile.total > 0 and profile.seats is not None


def test_glasgow_2007_counts_the_same_from_both_copies() -> None:
    """The Droop copy of a Glasgow 2007 ward and the Scottish copy give the same count."""
    a = read_ballots(DATA / "droop_fixtures" / "blt" / "scotland" / "Calton-2007.blt")
    b = read_ballots(DATA / "scotland_local_stv" / "blt" / "2007" / "glasgow_2007_calton.blt.gz")
    ca, cb = count(a, "scottish-stv"), count(b, "scottish-stv")
    index_a = [a.candidate_names().index(n) for n in ca.elected]
    index_b = [b.candidate_names().index(n) for n in cb.elected]
    assert index_a == index_b
    assert len(ca.rounds) == len(cb.rounds)
