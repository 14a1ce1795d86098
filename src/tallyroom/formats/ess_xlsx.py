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
* A row with no value in any cell is not a paper; how many were skipped is kept in
  ``metadata["empty_rows_skipped"]``. RCTab instead reads every ``<row>`` element
  of the sheet as a paper, even an empty one (e.g. left by a spreadsheet program):
  ``count_empty_rows`` does the same (such papers have no marks; their number is in
  ``metadata["empty_rows_read"]``); this costs one more pass over the sheet XML.

Reading uses python-calamine (the ``xlsx`` extra), one sheet at a time, and groups
identical rows (rank cells + strata) as it goes, so each distinct cell text and
each distinct row is interpreted once; memory grows with distinct rows.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from ..ballots.profile import Profile
from ..errors import BallotFileError
from ..registry import FormatSpec
from ._cvr_common import (
    COMMON_OPTIONS,
    LABEL_OPTIONS,
    TABLE_OPTIONS,
    CodeBook,
    CvrOptions,
    PaperCollector,
    opt_bool,
)

__all__ = ["read", "register_ballot_formats", "sniff"]

OPTIONS: dict[str, str] = {
    **COMMON_OPTIONS,
    **LABEL_OPTIONS,
    **TABLE_OPTIONS,
    "max_rankings": "number of rank columns (RCTab maxRankingsAllowed; default: to the last column)",
    "count_empty_rows": "read every row element, even an empty one, as a paper (RCTab does)",
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


def _first_sheet_part(z: zipfile.ZipFile) -> str:
    """The zip member holding the workbook's first worksheet."""
    book = ET.fromstring(z.read("xl/workbook.xml"))
    sheet = next(e for e in book.iter() if e.tag.endswith("}sheet") or e.tag == "sheet")
    rid = next(v for k, v in sheet.attrib.items() if k.endswith("}id"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = next(e.attrib["Target"] for e in rels if e.attrib.get("Id") == rid)
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _row_elements(path: Path) -> set[int]:
    """Numbers of the rows present as ``<row>`` elements in the first sheet (even empty)."""
    found: set[int] = set()
    pattern = re.compile(rb"<row\b([^>]*)>")
    number = re.compile(rb'\br="(\d+)"')
    last = 0
    try:
        with zipfile.ZipFile(path) as z, z.open(_first_sheet_part(z)) as fh:
            tail = b""
            while True:
                chunk = fh.read(1 << 22)
                buf = tail + chunk
                cut = len(buf) if not chunk else buf.rfind(b"<")
                for m in pattern.finditer(buf, 0, cut):
                    r = number.search(m.group(1))
                    last = int(r.group(1)) if r else last + 1
                    found.add(last)
                if not chunk:
                    return found
                tail = buf[cut:]
    except (KeyError, StopIteration, ET.ParseError, zipfile.BadZipFile, OSError) as exc:
        raise BallotFileError(path, f"corrupt or unreadable .xlsx workbook: {exc}") from exc


def read(path: Path, options: Mapping[str, Any]) -> Profile:
    """Read one ES&S CVR workbook into a :class:`Profile`."""
    opts = CvrOptions.parse(path, options, OPTIONS, "ess")
    count_empty = opt_bool(path, options, "count_empty_rows")
    if opts.first_vote_column is None:
        raise BallotFileError(path, "option first_vote_column_index is required for ES&S files")
    sheet = _open_sheet(path)
    start_row, start_col = (int(v) for v in sheet.start)
    width = start_col + int(sheet.width)
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
    lead: list[str] = [""] * start_col
    id_col, p_col, b_col = opts.id_column, opts.precinct_column, opts.batch_column
    keep_order = opts.keep_order
    present = _row_elements(path) if count_empty else None

    # Pass 1: group raw rows on (rank cells, precinct, batch).
    raw_index: dict[tuple[Any, ...], int] = {}
    raw_keys: list[tuple[Any, ...]] = []
    raw_weights: list[int] = []
    raw_lines: list[int] = []
    order: list[int] = []
    ids: list[str] = []
    empty_rows = 0

    def paper(row: list[Any], line: int) -> None:
        ranks = tuple(row[first_col:end_col]) + padding
        key = (ranks, None if p_col is None else row[p_col], None if b_col is None else row[b_col])
        k = raw_index.get(key)
        if k is None:
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

    line = start_row
    try:
        for row in sheet.iter_rows():
            line += 1
            if line <= first_row:
                continue
            if start_col:
                row = lead + row
            if row[first_col] == "" and all(v == "" for v in row):
                if present is None:
                    empty_rows += 1  # not a paper
                    continue
                if line not in present:
                    continue  # no <row> element here at all
                empty_rows += 1  # an empty <row> element: a paper with no marks (RCTab)
            paper(row, line)
    except BallotFileError:
        raise
    except Exception as exc:
        raise BallotFileError(path, f"corrupt or unreadable worksheet: {exc}") from exc
    if present is not None:
        # Empty <row> elements after the last cell calamine reports (e.g. left by a
        # spreadsheet program): RCTab reads each as a paper with no marks.
        for number in sorted(n for n in present if n > max(line, first_row)):
            empty_rows += 1
            paper([""] * width, number)

    # Pass 2: interpret each distinct raw row once.
    book = CodeBook(path, opts)
    collector = PaperCollector()
    remap = np.empty(len(raw_keys), dtype=np.int64)
    named: list[tuple[tuple[tuple[int, str], ...], ...]] = []  # per raw row, per rank
    for k, (ranks, precinct, batch) in enumerate(raw_keys):
        line = raw_lines[k]
        texts = [_text(v) for v in ranks]
        codes = [book.cell(t, line) for t in texts]
        if keep_order:
            named.append(tuple(book.cell_spellings(t) for t in texts))
        remap[k] = collector.add(
            codes,
            weight=raw_weights[k],
            precinct=None if p_col is None else _text(precinct).strip(),
            batch=None if b_col is None else _text(batch).strip(),
        )
    paper_order = remap[np.asarray(order, dtype=np.int64)].tolist() if keep_order else None
    profile = collector.profile(book, [path], keep_order=keep_order, order=paper_order, ids=ids)
    if keep_order and book.mixed:
        # The file names a candidate in several ways: keep each paper's own spelling.
        per_paper = book.paper_spelling_metadata([named[k] for k in order])
        profile = replace(profile, metadata={**profile.metadata, **per_paper})
    if empty_rows:
        key = "empty_rows_read" if count_empty else "empty_rows_skipped"
        profile = replace(profile, metadata={**profile.metadata, key: empty_rows})
    return profile


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
