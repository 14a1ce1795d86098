"""Cambridge and Portland ballot files as shipped, and made-up files in their layouts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tallyroom.api import detect_format, read_ballots
from tallyroom.ballots.marks import OVERVOTE
from tallyroom.errors import BallotFileError
from tallyroom.formats import cambridge, portland

DATA = Path(__file__).resolve().parents[1] / "data"
CAMBRIDGE = DATA / "cambridge_ma_council"


@pytest.mark.parametrize(
    ("name", "papers", "rejected", "write_in"),
    [
        ("cambridge_2019_council_votes.csv.gz", 21046, 0, "Write-In 1"),
        ("cambridge_2021_council.csv.gz", 21814, 0, "Write-in #1"),
        ("cambridge_2023_council_ballots.csv.gz", 23339, 173, "Write-in 1"),
    ],
)
def test_cambridge_files_as_shipped(name: str, papers: int, rejected: int, write_in: str) -> None:
    path = CAMBRIDGE / name
    assert detect_format(path).name == "cambridge-csv"
    p = read_ballots(path, keep_order=True)
    assert (p.total, p.rejected_total) == (papers, rejected)
    assert p.paper_order is not None and len(p.paper_order) == papers
    assert len(p.metadata["precinct_of_paper"]) == papers
    flagged = {c.name for c in p.candidates if c.write_in}
    assert write_in in flagged
    assert all("rite" in n for n in flagged)


def test_cambridge_2019_rank_columns_out_of_order_are_put_in_rank_order(tmp_path: Path) -> None:
    f = tmp_path / "c.csv"
    f.write_text(
        "ballot_ID,Precinct,Ward,WardPrecinct,invalid,rank1,rank3,rank2\n"
        "a,1,1,1-1,False,Ann,Cat,Bob\n"
        "b,1,1,1-1,True,,,\n",
        encoding="utf-8",
    )
    p = cambridge.read(f, {})
    assert list(p.rankings()) == [(("Ann", "Bob", "Cat"), 1)]
    assert p.rejected_total == 1


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("ward,precinct,rank1,rank3\n1,1,A,B\n", "without gaps"),
        ("ward,precinct,rank1,colour\n1,1,A,red\n", "unexpected column(s) 'colour'"),
        ("precinct,ward,valid,rank1\n1,1,maybe,A\n", "validity cell 'maybe'"),
        ("ward,precinct,rank1\n1,1\n", "row has 2 cells, the header 3"),
        ("ward,precinct,rank1\n", "no valid ballots"),
    ],
)
def test_cambridge_bad_files(tmp_path: Path, text: str, problem: str) -> None:
    f = tmp_path / "c.csv"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(BallotFileError) as info:
        cambridge.read(f, {})
    assert problem in info.value.problem


def test_portland_condensed_as_shipped() -> None:
    path = DATA / "portland_or_2024_council_d1" / "Portland_D1_Condensed.csv.gz"
    a = portland.read(path, {})
    b = read_ballots(path, format="csv")
    assert a.total == b.total == 42871  # the official round-1 total
    assert sorted(a.rankings()) == sorted(b.rankings())


def test_portland_raw_votekit_layout(tmp_path: Path) -> None:
    f = tmp_path / "raw.csv"
    f.write_text(
        ",Rank 1,Rank 2,Rank 3\n0,Ann,overvote,Bob\n1,Write-in-120,,\n2,Bob,Ann,\n",
        encoding="utf-8",
    )
    assert detect_format(f).name == "portland-csv"
    p = read_ballots(f)
    assert p.total == 3
    assert OVERVOTE in p.ballots.tolist()[0]
    assert [c.name for c in p.candidates if c.write_in] == ["Write-in-120"]
    with pytest.raises(BallotFileError, match="valid options: keep_order"):
        portland.read(f, {"keep": True})
