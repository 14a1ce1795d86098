"""Generic CVR CSV: a column per candidate holding the rank the voter gave it
(RCTab provider ``genericCsv``)::

    Response ID,precinct_id,batch_id,Lettuce,Broccoli,Cucumber,Write-In
    R_3QEQ85E7gV2DuyG,p1,b1,,2,1,
    R_1ikP1jSJLdWUEKs,p1,b1,2,3,4,1

* Row 1 is the header. Candidate columns run from ``first_vote_column_index``
  (required, 1-based) to the last column; the header names the candidate (name,
  code or alias); the column headed ``undeclared_write_in_label`` is the undeclared
  write-in. Papers start at ``first_vote_row_index`` (default 2).
* A cell holds the rank (a whole number ≥ 1) or nothing (not ranked). Two
  candidates given the same rank are an overvote; a rank given to no candidate is
  blank. Anything else is an error naming the line.
* ``id_column_index``, ``precinct_column_index``, ``batch_column_index`` name the
  paper id, precinct and batch columns.
* Without a ``candidates`` list the header names are the candidates, in column order.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..ballots.marks import BLANK
from ..ballots.profile import Profile
from ..errors import BallotFileError
from ..registry import FormatSpec
from ._common import open_text
from ._cvr_common import COMMON_OPTIONS, TABLE_OPTIONS, CodeBook, CvrOptions, PaperCollector

__all__ = ["read", "register_ballot_formats"]

OPTIONS: dict[str, str] = {
    **COMMON_OPTIONS,
    **TABLE_OPTIONS,
    "first_vote_column_index": "1-based column of the first candidate column (required)",
}


def read(path: Path, options: Mapping[str, Any]) -> Profile:
    """Read a generic rank-per-candidate CVR CSV into a :class:`Profile`."""
    opts = CvrOptions.parse(path, options, OPTIONS, "generic-csv")
    if opts.first_vote_column is None:
        raise BallotFileError(path, "option first_vote_column_index is required for generic CSV")
    first_row = 1 if opts.first_vote_row is None else opts.first_vote_row
    if first_row < 1:
        raise BallotFileError(path, "first_vote_row_index must be 2 or more (row 1 is the header)")
    if not path.is_file():
        raise BallotFileError(path, "no such file" if not path.exists() else "not a file")
    try:
        with open_text(path) as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None:
                raise BallotFileError(path, "the file is empty (no header row)")
            width = len(header)
            fc = opts.first_vote_column
            for name, col in (
                ("first_vote_column_index", fc),
                ("id_column_index", opts.id_column),
                ("precinct_column_index", opts.precinct_column),
                ("batch_column_index", opts.batch_column),
            ):
                if col is not None and col >= width:
                    raise BallotFileError(
                        path, f"{name} is {col + 1} but the header has {width} columns", line=1
                    )
            book = CodeBook(path, opts)
            codes_of: list[int] = []
            for j in range(fc, width):
                name = header[j].strip()
                if name == "":
                    raise BallotFileError(path, f"column {j + 1} has no candidate name", line=1)
                if name == opts.undeclared_write_in_label:
                    codes_of.append(book.undeclared_write_in())
                else:
                    codes_of.append(book.candidate(name, 1))
            # RCTab's generic CSV reader names absent strata so:
            collector = PaperCollector(
                missing_precinct="no precinct id", missing_batch="no batch id"
            )
            cache: dict[tuple[str, ...], list[int]] = {}
            for row in reader:
                line = reader.line_num
                if line <= first_row:
                    continue
                if len(row) != width:
                    if not any(c.strip() for c in row):
                        continue
                    raise BallotFileError(
                        path, f"expected {width} fields, found {len(row)}", line=line
                    )
                cells = tuple(c.strip() for c in row[fc:])
                codes = cache.get(cells)
                if codes is None:
                    codes = _ranking(path, line, cells, codes_of, book)
                    cache[cells] = codes
                collector.paper(
                    codes,
                    ballot_id=None if opts.id_column is None else row[opts.id_column],
                    keep_order=opts.keep_order,
                    precinct=None
                    if opts.precinct_column is None
                    else row[opts.precinct_column].strip(),
                    batch=None if opts.batch_column is None else row[opts.batch_column].strip(),
                )
    except UnicodeDecodeError as exc:
        raise BallotFileError(path, f"not valid UTF-8 text ({exc.reason})") from None
    except csv.Error as exc:
        raise BallotFileError(path, f"malformed CSV: {exc}") from None
    return collector.profile(book, [path], keep_order=opts.keep_order)


def _ranking(
    path: Path, line: int, cells: tuple[str, ...], codes_of: list[int], book: CodeBook
) -> list[int]:
    by_rank: dict[int, list[int]] = {}
    for k, cell in enumerate(cells):
        if cell == "":
            continue
        try:
            rank = int(cell)
        except ValueError:
            raise BallotFileError(path, f"rank {cell!r} is not a whole number", line=line) from None
        if rank < 1:
            raise BallotFileError(path, f"rank {rank} is not 1 or more", line=line)
        by_rank.setdefault(rank, []).append(codes_of[k])
    depth = max(by_rank, default=0)
    codes = [BLANK] * depth
    for rank, members in by_rank.items():
        codes[rank - 1] = book.group(members)
    return codes


def register_ballot_formats() -> list[FormatSpec]:
    return [
        FormatSpec(
            name="generic-csv",
            title="Generic CVR CSV: a column per candidate holding its rank (RCTab 'genericCsv')",
            extensions=(".csv",),
            read=read,
            options=OPTIONS,
        )
    ]
