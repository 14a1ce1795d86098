"""A ranked-ballot table read row by row: the shared core of the Cambridge and Portland readers.

Each row is one paper. Rank columns hold a candidate name, nothing (or a
:data:`~tallyroom.ballots.marks.BLANK_TOKENS` text such as ``skipped``), or an
overvote text (``overvote``). An optional validity column marks papers the
source declared invalid: they are counted as rejected under :data:`INVALID_IN_FILE`,
never dropped. Candidates are listed in order of first appearance in the file.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..ballots.candidates import Candidate, CandidateList
from ..ballots.marks import (
    BLANK,
    BLANK_TOKENS,
    OVERVOTE,
    OVERVOTE_TOKENS,
    UNCERTAIN,
    UNCERTAIN_TOKENS,
)
from ..ballots.profile import InputFile, Profile
from ..errors import BallotFileError, RuleConfigError
from ._common import open_text

__all__ = ["INVALID_IN_FILE", "RankTable", "read_rank_table"]

#: The rejection head for papers the ballot file itself marks invalid.
INVALID_IN_FILE = "marked invalid in the ballot file"

_WRITE_IN = re.compile(r"^(?:uncertified\s+)?write[\s-]?in\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RankTable:
    """Where things are in one table layout (column indices into the header)."""

    ranks: Sequence[int]
    validity: int | None = None
    is_invalid: Callable[[str], bool | None] | None = None
    order_key: Sequence[int] = ()


def read_rank_table(
    path: Path,
    header: Sequence[str],
    layout: RankTable,
    *,
    keep_order: bool = False,
) -> Profile:
    """Read the rows after ``header`` (already checked by the caller) into a Profile."""
    index: dict[str, int] = {}
    rows: list[list[int]] = []
    paper_keys: list[str] = []
    try:
        _read_rows(path, header, layout, keep_order, index, rows, paper_keys, counter := [0])
    except UnicodeDecodeError as exc:
        raise BallotFileError(path, f"not valid UTF-8 text ({exc.reason})") from exc
    rejected = counter[0]
    try:
        candidates = CandidateList(Candidate(n, write_in=bool(_WRITE_IN.match(n))) for n in index)
    except RuleConfigError as exc:
        raise BallotFileError(path, exc.problems[0]) from None
    if not rows:
        raise BallotFileError(path, "the file holds no valid ballots")
    matrix = np.asarray(rows, dtype=np.int32).reshape(len(rows), len(layout.ranks))
    metadata = {"precinct_of_paper": paper_keys} if paper_keys else {}
    return Profile.from_rows(
        candidates,
        matrix,
        keep_order=keep_order,
        rejected={INVALID_IN_FILE: rejected} if rejected else {},
        inputs=(InputFile.of(path),),
        metadata=metadata,
    )


def _read_rows(
    path: Path,
    header: Sequence[str],
    layout: RankTable,
    keep_order: bool,
    index: dict[str, int],
    rows: list[list[int]],
    paper_keys: list[str],
    counter: list[int],
) -> None:
    with open_text(path) as f:
        reader = csv.reader(f)
        next(reader, None)
        for row in reader:
            line = reader.line_num
            if not row:
                continue
            if len(row) != len(header):
                raise BallotFileError(
                    path, f"row has {len(row)} cells, the header {len(header)}", line=line
                )
            if layout.validity is not None and layout.is_invalid is not None:
                flag = layout.is_invalid(row[layout.validity].strip())
                if flag is None:
                    raise BallotFileError(
                        path,
                        f"validity cell {row[layout.validity]!r} is not one of the file's values "
                        "(True/False or t/f)",
                        line=line,
                    )
                if flag:
                    counter[0] += 1
                    continue
            codes: list[int] = []
            for col in layout.ranks:
                cell = row[col].strip()
                low = cell.lower()
                if low in BLANK_TOKENS:
                    codes.append(BLANK)
                elif low in OVERVOTE_TOKENS:
                    codes.append(OVERVOTE)
                elif low in UNCERTAIN_TOKENS:
                    codes.append(UNCERTAIN)
                else:
                    codes.append(index.setdefault(cell, len(index)))
            rows.append(codes)
            if keep_order and layout.order_key:
                paper_keys.append("-".join(row[c].strip() for c in layout.order_key))


def read_header(path: Path) -> list[str]:
    try:
        with open_text(path) as f:
            header = next(csv.reader(f), None)
    except UnicodeDecodeError as exc:
        raise BallotFileError(path, f"not valid UTF-8 text ({exc.reason})") from exc
    if not header:
        raise BallotFileError(path, "empty file: no header row", line=1)
    return [h.strip() for h in header]


def rank_columns(path: Path, header: Sequence[str], pattern: re.Pattern[str]) -> list[int]:
    """Indices of the rank columns in rank order (1..n without gaps), by a header pattern."""
    by_rank: dict[int, int] = {}
    for i, h in enumerate(header):
        m = pattern.match(h)
        if m:
            by_rank[int(m.group(1))] = i
    if not by_rank:
        raise BallotFileError(path, "no rank columns in the header", line=1)
    if sorted(by_rank) != list(range(1, len(by_rank) + 1)):
        raise BallotFileError(
            path, f"rank columns must run 1..n without gaps, found {sorted(by_rank)}", line=1
        )
    return [by_rank[r] for r in sorted(by_rank)]
