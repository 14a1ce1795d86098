"""Ranked-ballot CSV and SV paper records: reading, errors naming file and line, round trips."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

import tallyroom
from tallyroom import BallotFileError, Profile
from tallyroom.formats import csv_ranked


def write(tmp_path: Path, text: str, name: str = "b.csv", encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return p


def test_london_matrix_reads_as_it_is(london_dir: Path) -> None:
    p = tallyroom.read_ballots(london_dir / "first_second_choice_matrix.csv")
    assert p.total == 2_531_357
    assert len(p.candidates) == 20
    assert p.candidates[0].name == "Shaun BAILEY"  # first appearance = ballot order
    assert p.depth == 2


def test_candidates_file_sets_order_and_parties(london_dir: Path) -> None:
    p = tallyroom.read_ballots(
        london_dir / "first_second_choice_matrix.csv", candidates=london_dir / "candidates.csv"
    )
    assert p.candidates[12].name == "Sadiq Aman KHAN"
    assert p.candidates[12].party == "Labour Party"


def test_a_row_per_paper_and_header_variants(tmp_path: Path) -> None:
    p = tallyroom.read_ballots(write(tmp_path, "1st choice,2nd choice\nA,B\nB,\nA,B\n"))
    assert p.total == 3 and p.n_distinct == 2
    assert dict(p.rankings()) == {("A", "B"): 2, ("B",): 1}


def test_gzip_is_read_transparently(tmp_path: Path) -> None:
    path = tmp_path / "b.csv.gz"
    path.write_bytes(gzip.compress(b"rank1,rank2,count\nA,B,4\nB,A,3\n"))
    p = tallyroom.read_ballots(path)
    assert p.total == 7


def test_inputs_carry_sha256(tmp_path: Path) -> None:
    import hashlib

    path = write(tmp_path, "rank1\nA\n")
    p = tallyroom.read_ballots(path)
    assert p.inputs[0].path == "b.csv"
    assert p.inputs[0].sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("rank1,rank2,count\nA,B,3\nA,Zed,2\n", 3, "unknown candidate 'Zed'"),
        ("rank1,count\nA,3\nB,-2\n", 3, "negative ballot count"),
        ("rank1,count\nA,3\nB,1.5\n", 3, "fractional"),
        ("rank1,count\nA,3\nB,x\n", 3, "not a whole number"),
        ("rank1,rank2\nA,B\nA,B,C\n", 3, "expected 2 fields, found 3"),
        ("rank1,rank1\nA,B\n", 1, "duplicate column"),
        ("rank1,rank3\nA,B\n", 1, "without gaps"),
        ("rank1,colour\nA,red\n", 1, "unrecognised column"),
        ("rank1,count,rejected\nA,3,\nB,2,smudged\n", 3, "unknown rejection code 'smudged'"),
    ],
)
def test_bad_input_names_file_line_and_problem(
    tmp_path: Path, text: str, line: int, fragment: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(BallotFileError) as info:
        tallyroom.read_ballots(path, format="csv", candidates=["A", "B"])
    err = info.value
    assert err.path == str(path)
    assert err.line == line
    assert fragment in str(err)
    assert str(err).startswith(f"{path}, line {line}: ")


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(BallotFileError, match="empty"):
        tallyroom.read_ballots(write(tmp_path, ""), format="csv")
    with pytest.raises(BallotFileError, match="no ballots"):
        tallyroom.read_ballots(write(tmp_path, "rank1,rank2\n"), format="csv")


def test_bad_encoding_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, b"rank1,rank2\nA,B\nB,\xff\xfe\n")
    with pytest.raises(BallotFileError) as info:
        tallyroom.read_ballots(path, format="csv")
    assert info.value.line == 3
    assert "UTF-8" in str(info.value)


def test_missing_file_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(BallotFileError, match="no such file"):
        tallyroom.read_ballots(tmp_path / "nope.csv")
    with pytest.raises(tallyroom.RuleConfigError, match="valid formats: "):
        tallyroom.read_ballots(write(tmp_path, "rank1\nA\n"), format="nope")


def test_unknown_reader_option_lists_valid_ones(tmp_path: Path) -> None:
    with pytest.raises(BallotFileError, match="valid options: .*delimiter"):
        tallyroom.read_ballots(write(tmp_path, "rank1\nA\n"), format="csv", colour="red")


def test_sv_papers_format_is_detected_and_keeps_marks(tmp_path: Path) -> None:
    path = write(
        tmp_path, "first,second,count,rejected\nA,B+C,2,\n,A,1,\nB,?,3,\nA,,1,no-official-mark\n"
    )
    p = tallyroom.read_ballots(path)
    assert p.total == 6
    assert dict(p.rejected) == {"want of official mark": 1}
    rows = dict(p.rankings())
    assert rows[("A", "B+C")] == 2 and rows[("", "A")] == 1 and rows[("B", "?")] == 3


def test_sv_papers_more_than_two_columns_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "first,second,third\nA,B,C\n")
    with pytest.raises(BallotFileError, match="unexpected column"):
        tallyroom.read_ballots(path, format="sv-papers")


def test_write_then_read_round_trip(tmp_path: Path) -> None:
    p = Profile.from_rankings(
        ["Ash", "Birch", "Cedar, Jr"],
        [
            (("Ash", "Birch"), 5),
            (("Cedar, Jr",), 2),
            ((None, "Ash"), 1),
            ((("Ash", "Birch"), "?"), 4),
        ],
        rejected={"want of official mark": 3},
    )
    out = tmp_path / "out.csv"
    csv_ranked.write(p, out, {})
    q = tallyroom.read_ballots(
        out, format="csv", overvote_delimiter="+", candidates=list(p.candidates)
    )
    assert dict(q.rankings()) == dict(p.rankings())
    assert dict(q.rejected) == dict(p.rejected)
