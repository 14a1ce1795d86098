"""ES&S cast vote records: an ``.xlsx`` workbook, one row per paper (RCTab provider ``ess``).

Layout (first worksheet; indices 1-based, as in RCTab's ``cvrFileSources``)::

    Cast Vote Record | Precinct | Ballot Style | 1st Choice | 2nd Choice | ...   <- row 1 (header)
    1                | Fayette  | Style 130    | REP Poliquin, Bruce (5931) | undervote | ...

* Rows from ``first_vote_row_index`` (default 2) are papers; rank columns start at
  ``first_vote_column_index`` (required) and run for ``max_rankings`` columns (default:
  to the last column of the sheet; ranks past the last column are empty cells, as in
  RCTab). Rank *k* is column ``first_vote_column_index + k - 1``.
* ``id_column_index``, ``precinct_column_index``, ``batch_column_index`` name the
  paper id, precinct and batch columns. With an id column every paper needs an id.
  A paper without a precinct gets RCTab's precinct ``missing_precinct_id``.
* Cells: an empty cell is no mark (or an undeclared write-in with
  ``treat_blank_as_undeclared_write_in``); ``skipped_rank_label`` (e.g. ``undervote``)
  is no mark; ``overvote_label`` an overvote of unrecorded candidates; with an
  ``overvote_delimiter`` a cell ``A|B`` is an overvote of A and B; anything else
  names a candidate (name, code or alias), else it is an error naming the row.
* A row with no value in any cell is not a paper and is skipped.

Reading uses python-calamine (the ``xlsx`` extra), one sheet at a time, and groups
identical rows (rank cells + strata) as it goes, so each distinct cell text and
each distinct row is interpreted once; memory grows with distinct rows.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..ballots.profile import Profile
from ..errors import BallotFileError
from ..registry import FormatSpec
from ._cvr_common import COMMON_OPTIONS, CodeBook, CvrOptions, PaperCollector

__all__ = ["read", "register_ballot_formats", "sniff"]

OPTIONS: dict[str, str] = {
    **COMMON_OPTIONS,
    "overvote_delimiter": "text separating several candidates in one cell (e.g. '|')",
    "first_vote_column_index": "1-based column of the first ranking (required)",
    "first_vote_row_index": "1-based row of the first paper (default 2: after a header row)",
    "id_column_index": "1-based column of the paper id",
    "precinct_column_index": "1-based column of the precinct",
    "batch_column_index": "1-based column of the batch",
    "max_rankings": "number of rank columns (RCTab maxRankingsAllowed; default: to the last column)",
    "contest_id": "not used by ES&S files (one contest per workbook); must be empty",
}


def _text(value: Any) -> str:
    """A cell value as text: whole floats without '.0' (ids and counts are numbers)."""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return ""
    return str(value)


def _open_sheet(path: Path) -> Any:
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - the xlsx extra is installed in development
        raise BallotFileError(
            path, "reading ES&S .xlsx files needs python-calamine: pip install 'tallyroom[xlsx]'"
        ) from None
    if not path.is_file():
        raise BallotFileError(path, "no such file" if not path.exists() else "not a file")
    if not zipfile.is_zipfile(path):
        raise BallotFileError(path, "not an .xlsx workbook (not a zip archive)")
    try:
        wb = CalamineWorkbook.from_path(str(path))
        if not wb.sheet_names:
            raise BallotFileError(path, "the workbook has no worksheet")
        return wb.get_sheet_by_index(0)
    except BallotFileError:
        raise
    except Exception as exc:  # calamine raises its own error types for corrupt workbooks
        raise BallotFileError(path, f"corrupt or unreadable .xlsx workbook: {exc}") from exc


def read(path: Path, options: Mapping[str, Any]) -> Profile:
    """Read one ES&S CVR workbook into a :class:`Profile`."""
    opts = CvrOptions.parse(path, options, OPTIONS, "ess")
    if opts.first_vote_column is None:
        raise BallotFileError(path, "option first_vote_column_index is required for ES&S files")
    if opts.contest_id is not None:
        raise BallotFileError(path, "ES&S workbooks hold one contest: leave contest_id empty")
    sheet = _open_sheet(path)
    width = int(sheet.width)
    first_col = opts.first_vote_column
    first_row = 1 if opts.first_vote_row is None else opts.first_vote_row
    for name, col in (
        ("first_vote_column_index", first_col),
        ("id_column_index", opts.id_column),
        ("precinct_column_index", opts.precinct_column),
        ("batch_column_index", opts.batch_column),
    ):
        if col is not None and col >= width:
            raise BallotFileError(path, f"{name} is {col + 1} but the sheet has {width} columns")
    end_col = width if opts.max_rankings is None else first_col + opts.max_rankings
    # RCTab reads max_rankings ranks even past the sheet's last column (as empty cells).
    padding: tuple[str, ...] = ("",) * max(0, end_col - width)
    id_col, p_col, b_col = opts.id_column, opts.precinct_column, opts.batch_column
    keep_order = opts.keep_order

    # Pass 1: group raw rows on (rank cells, precinct, batch).
    raw_index: dict[tuple[Any, ...], int] = {}
    raw_keys: list[tuple[Any, ...]] = []
    raw_weights: list[int] = []
    raw_lines: list[int] = []
    order: list[int] = []
    ids: list[str] = []
    try:
        rows = sheet.iter_rows()
        line = 0
        for row in rows:
            line += 1
            if line <= first_row:
                continue
            ranks = tuple(row[first_col:end_col]) + padding
            key = (
                ranks,
                None if p_col is None else row[p_col],
                None if b_col is None else row[b_col],
            )
            k = raw_index.get(key)
            if k is None:
                if not any(v != "" for v in row):
                    continue
                k = len(raw_keys)
                raw_index[key] = k
                raw_keys.append(key)
                raw_weights.append(1)
                raw_lines.append(line)
            else:
                raw_weights[k] += 1
            if id_col is not None:
                ballot_id = row[id_col]
                if ballot_id == "":
                    raise BallotFileError(path, "the paper has no id (id column is empty)", line=line)
                if keep_order:
                    ids.append(_text(ballot_id))
            elif keep_order:
                ids.append(f"{path.name}-{len(order) + 1}")
            if keep_order:
                order.append(k)
    except BallotFileError:
        raise
    except Exception as exc:
        raise BallotFileError(path, f"corrupt or unreadable worksheet: {exc}") from exc

    # Pass 2: interpret each distinct raw row once.
    book = CodeBook(path, opts)
    collector = PaperCollector()
    remap = np.empty(len(raw_keys), dtype=np.int64)
    for k, (ranks, precinct, batch) in enumerate(raw_keys):
        line = raw_lines[k]
        codes = [book.cell(_text(v), line) for v in ranks]
        remap[k] = collector.add(
            codes,
            weight=raw_weights[k],
            precinct=None if p_col is None else _text(precinct).strip(),
            batch=None if b_col is None else _text(batch).strip(),
        )
    paper_order = remap[np.asarray(order, dtype=np.int64)].tolist() if keep_order else None
    return collector.profile(book, [path], keep_order=keep_order, order=paper_order, ids=ids)


def sniff(path: Path, head: bytes) -> bool:
    """ES&S workbooks are not recognisable by content: name the format (``--format ess``)."""
    return False


def register_ballot_formats() -> list[FormatSpec]:
    return [
        FormatSpec(
            name="ess",
            title="ES&S cast vote record workbook (.xlsx; RCTab provider 'ess')",
            extensions=(".xlsx",),
            read=read,
            options=OPTIONS,
        )
    ]
