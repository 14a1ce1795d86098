"""Clear Ballot ClearVote RCV cast vote records: CSV (RCTab provider ``clearBallot``).

Ten fixed columns (``RowNumber, BoxID, BoxPosition, BallotID, PrecinctID,
BallotStyleID, PrecinctStyleName, ScanComputerName, Status, Remade``), then one
*choice column* per candidate and rank, headed
``Choice_<id>_1:<contest>:<rank>:<vote rule>:<choice name>:<party>``. A cell is
``1`` if the voter marked that candidate at that rank, ``0`` if not.

* ``contest_id`` (required) is the contest name in the choice headers.
* Several candidates marked at one rank are an overvote; a rank with no mark is
  blank. A choice named ``undeclared_write_in_label`` is the undeclared write-in.
* Candidates: by default the choice names in header order; with a ``candidates``
  list, a choice name must match a candidate's name, code or alias.
* Strata: precinct = ``PrecinctID``; batch = ``BoxID``; paper id = ``BallotID``.
* Any cell other than ``0``/``1`` in a choice column, or a row with the wrong
  number of fields, is an error naming the line.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..ballots.marks import BLANK
from ..ballots.profile import Profile
from ..errors import BallotFileError
from ..registry import FormatSpec
from ._common import open_text
from ._cvr_common import COMMON_OPTIONS, CodeBook, CvrOptions, PaperCollector

__all__ = ["read", "register_ballot_formats", "sniff"]

OPTIONS: dict[str, str] = {
    **COMMON_OPTIONS,
    "contest_id": "the contest name used in the choice column headers (required)",
}

FIXED_COLUMNS = (
    "RowNumber",
    "BoxID",
    "BoxPosition",
    "BallotID",
    "PrecinctID",
    "BallotStyleID",
    "PrecinctStyleName",
    "ScanComputerName",
    "Status",
    "Remade",
)
_BALLOT_ID, _PRECINCT, _BOX = 3, 4, 1


def _choice(path: Path, column: int, header: str) -> tuple[str, int, str]:
    """(contest, rank, choice name) of a choice column header."""
    parts = header.split(":")
    if len(parts) < 6 or not parts[0].startswith("Choice_"):
        raise BallotFileError(
            path,
            f"column {column + 1} header {header!r} is not "
            "'Choice_<id>_1:<contest>:<rank>:<rule>:<name>:<party>'",
            line=1,
        )
    contest = ":".join(parts[1:-4])
    try:
        rank = int(parts[-4])
    except ValueError:
        raise BallotFileError(
            path, f"column {column + 1}: rank {parts[-4]!r} is not a whole number", line=1
        ) from None
    if rank < 1:
        raise BallotFileError(path, f"column {column + 1}: rank {rank} is not 1 or more", line=1)
    return contest, rank, parts[-2].strip()


def read(path: Path, options: Mapping[str, Any]) -> Profile:
    """Read one contest of a Clear Ballot RCV CVR CSV into a :class:`Profile`."""
    opts = CvrOptions.parse(path, options, OPTIONS, "clearballot")
    if opts.contest_id is None:
        raise BallotFileError(path, "option contest_id is required for Clear Ballot CVRs")
    if not path.is_file():
        raise BallotFileError(path, "no such file" if not path.exists() else "not a file")
    try:
        with open_text(path) as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None:
                raise BallotFileError(path, "the file is empty (no header row)")
            if tuple(h.strip() for h in header[: len(FIXED_COLUMNS)]) != FIXED_COLUMNS:
                raise BallotFileError(
                    path, f"the first columns must be {', '.join(FIXED_COLUMNS)}", line=1
                )
            columns: list[int] = []
            plan: list[tuple[int, str]] = []
            contests: list[str] = []
            for j in range(len(FIXED_COLUMNS), len(header)):
                contest, rank, name = _choice(path, j, header[j])
                if contest not in contests:
                    contests.append(contest)
                if contest == opts.contest_id:
                    columns.append(j)
                    plan.append((rank, name))
            if not columns:
                raise BallotFileError(
                    path,
                    f"no choice columns for contest {opts.contest_id!r}; contests: "
                    + ", ".join(repr(c) for c in contests),
                    line=1,
                )
            book = CodeBook(path, opts)
            codes_of = [
                book.undeclared_write_in()
                if name == opts.undeclared_write_in_label
                else book.candidate(name, 1)
                for _, name in plan
            ]
            ranks = np.array([r for r, _ in plan], dtype=np.int64)
            collector = PaperCollector()
            cache: dict[tuple[str, ...], list[int]] = {}
            width = len(header)
            for row in reader:
                line = reader.line_num
                if len(row) != width:
                    if not any(c.strip() for c in row):
                        continue
                    raise BallotFileError(
                        path, f"expected {width} fields, found {len(row)}", line=line
                    )
                cells = tuple(row[j].strip() for j in columns)
                codes = cache.get(cells)
                if codes is None:
                    codes = _ranking(path, line, cells, ranks, codes_of, book)
                    cache[cells] = codes
                collector.paper(
                    codes,
                    ballot_id=row[_BALLOT_ID],
                    keep_order=opts.keep_order,
                    precinct=row[_PRECINCT].strip(),
                    batch=row[_BOX].strip(),
                )
    except UnicodeDecodeError as exc:
        raise BallotFileError(path, f"not valid UTF-8 text ({exc.reason})") from None
    except csv.Error as exc:
        raise BallotFileError(path, f"malformed CSV: {exc}") from None
    return collector.profile(book, [path], keep_order=opts.keep_order, title=opts.contest_id)


def _ranking(
    path: Path,
    line: int,
    cells: tuple[str, ...],
    ranks: np.ndarray[Any, np.dtype[np.int64]],
    codes_of: list[int],
    book: CodeBook,
) -> list[int]:
    by_rank: dict[int, list[int]] = {}
    for k, cell in enumerate(cells):
        if cell == "1":
            by_rank.setdefault(int(ranks[k]), []).append(codes_of[k])
        elif cell != "0":
            raise BallotFileError(path, f"choice cell {cell!r} is neither 0 nor 1", line=line)
    depth = max(by_rank, default=0)
    codes = [BLANK] * depth
    for rank, members in by_rank.items():
        codes[rank - 1] = book.group(members)
    return codes


def sniff(path: Path, head: bytes) -> bool:
    """A CSV whose header starts with Clear Ballot's fixed columns and choice columns."""
    first = head.split(b"\n", 1)[0].decode("utf-8-sig", "replace")
    cells = [c.strip() for c in next(csv.reader([first]), [])]
    return tuple(cells[: len(FIXED_COLUMNS)]) == FIXED_COLUMNS


def register_ballot_formats() -> list[FormatSpec]:
    return [
        FormatSpec(
            name="clearballot",
            title="Clear Ballot ClearVote RCV CVR (CSV; RCTab 'clearBallot')",
            extensions=(".csv",),
            read=read,
            sniff=sniff,
            options=OPTIONS,
        )
    ]
