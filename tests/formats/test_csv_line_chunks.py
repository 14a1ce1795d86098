"""The parallel line-wise CSV reader gives the same papers as the csv module, whatever the chunking."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tallyroom
from tallyroom import BallotFileError
from tallyroom.formats import _csv_blocks, _csv_lines


def _line_wise_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the field-by-field fallback fail, so a test shows the line-wise path read the file."""

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("fell back to the field-by-field reader")

    monkeypatch.setattr(_csv_blocks.pacsv, "open_csv", fail)


NAMES = ["Ash", "Birch", "Cedar, Jr", 'Dee "D"', "Elm"]


def _reference(text: str) -> Counter[tuple[str, ...]]:
    """Papers as Python's csv module reads them: each row's marks up to the first blank."""
    rows = list(csv.reader(io.StringIO(text)))[1:]
    out: Counter[tuple[str, ...]] = Counter()
    for row in rows:
        marks = [c.strip() for c in row]
        while marks and not marks[-1]:
            marks.pop()
        out[tuple(marks)] += 1
    return out


def _text(
    rows: list[list[str]], depth: int, crlf: bool, final_newline: bool, pad: list[bool]
) -> str:
    """The rows as CSV; ``pad[i]`` puts spaces round row i's names (same papers, other text)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n" if crlf else "\n")
    w.writerow([f"rank{i}" for i in range(1, depth + 1)])
    for i, row in enumerate(rows):
        cells = [f" {c} " for c in row] if pad[i % len(pad)] else row
        w.writerow(cells + [""] * (depth - len(row)))
    text = buf.getvalue()
    return text if final_newline else text.rstrip("\r\n")


rankings = st.lists(
    st.permutations(NAMES).flatmap(lambda p: st.integers(1, len(p)).map(lambda k: list(p[:k]))),
    min_size=1,
    max_size=60,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=rankings,
    chunk=st.one_of(st.integers(1, 200), st.just(1 << 22)),
    crlf=st.booleans(),
    final_newline=st.booleans(),
    gz=st.booleans(),
    pad=st.lists(st.booleans(), min_size=1, max_size=5),
)
def test_any_chunking_reads_the_same_papers(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    rows: list[list[str]],
    chunk: int,
    crlf: bool,
    final_newline: bool,
    gz: bool,
    pad: list[bool],
) -> None:
    monkeypatch.setattr(_csv_lines, "CHUNK", chunk)
    _line_wise_only(monkeypatch)
    text = _text(rows, len(NAMES), crlf, final_newline, pad)
    path = tmp_path / ("b.csv.gz" if gz else "b.csv")
    data = gzip.compress(text.encode(), mtime=0) if gz else text.encode()
    path.write_bytes(data)
    profile = tallyroom.read_ballots(path, format="csv")
    assert Counter(dict(profile.rankings())) == _reference(text)
    assert profile.n_distinct == len(_reference(text))
    assert profile.total == len(rows)
    assert profile.inputs[0].sha256 == hashlib.sha256(data).hexdigest()


def test_error_line_numbers_across_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_csv_lines, "CHUNK", 16)
    lines = ["rank1,rank2"] + ["Ash,Birch", "Birch,Ash"] * 30 + ["Ash,Zed"] + ["Ash,Birch"] * 5
    path = tmp_path / "b.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(BallotFileError) as err:
        tallyroom.read_ballots(path, format="csv", candidates=["Ash", "Birch"])
    assert err.value.line == 62
    assert "unknown candidate 'Zed'" in str(err.value)


def test_quoted_newline_across_a_chunk_end_falls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_csv_lines, "CHUNK", 8)
    path = tmp_path / "b.csv"
    path.write_text('rank1,rank2\nAsh,"Bi\nrch"\nAsh,"Bi\nrch"\nCedar,\n')
    profile = tallyroom.read_ballots(path, format="csv")
    assert dict(profile.rankings()) == {("Ash", "Bi\nrch"): 2, ("Cedar",): 1}


def test_count_and_rejected_columns_read_line_wise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_csv_lines, "CHUNK", 24)
    _line_wise_only(monkeypatch)
    path = tmp_path / "b.csv"
    body = "Ash,Birch,3,\nBirch,,2,\n,,4,too-many\nAsh,Birch,1,\n"
    path.write_text("rank1,rank2,count,rejected\n" + body * 3)
    profile = tallyroom.read_ballots(path, format="csv")
    assert dict(profile.rankings()) == {("Ash", "Birch"): 12, ("Birch",): 6}
    assert dict(profile.rejected) == {"voting for more than one candidate": 12}


def test_header_only_without_newline(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text("rank1,rank2")
    with pytest.raises(BallotFileError, match="header but no ballots"):
        tallyroom.read_ballots(path, format="csv")
