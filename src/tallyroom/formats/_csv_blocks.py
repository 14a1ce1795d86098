"""Block-wise reading for the ranked-ballot CSV reader (:mod:`.csv_ranked`).

The file is parsed by pyarrow in blocks of :data:`BLOCK` bytes (in a background
thread, while the previous block is encoded and grouped). Each block's
preference columns are dictionary-encoded so that every distinct cell text is
turned into a mark code once; the reader then groups the block's papers at
once (:class:`~tallyroom.ballots.grouping.StreamGrouper`). Line numbers in
errors are the block's offset plus the row, plus 2 (header line, 1-based).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..ballots.defects import parse_defect
from ..ballots.marks import BLANK
from ..errors import BallotFileError, RuleConfigError

__all__ = ["BLOCK", "FirstSeen", "batches", "encode_column", "reject"]

#: Bytes of CSV parsed per block: memory is bounded by a block plus the distinct rankings.
BLOCK = 1 << 24


class CodeBook(Protocol):
    """What the block encoder needs of the reader's code book."""

    def code(self, text: str, line: int) -> int: ...


def batches(
    path: Path, header: Sequence[str], delimiter: str, used: Sequence[int]
) -> pacsv.CSVStreamingReader:
    """Record batches of the ``used`` columns (as text), :data:`BLOCK` bytes at a time.

    Raises pyarrow's errors (the caller names the bad line) and ``OSError``.
    """
    names = [f"c{i}" for i in range(len(header))]
    return pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(skip_rows=1, column_names=names, block_size=BLOCK),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            include_columns=[names[i] for i in used],
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def encode_column(
    column: pa.Array, book: CodeBook, cache: dict[str, int], offset: int
) -> npt.NDArray[np.int32]:
    """Mark codes of one preference column of a block: each distinct text is coded once."""
    enc = pc.dictionary_encode(column)
    idx = np.asarray(enc.indices)
    codes = np.empty(len(enc.dictionary), dtype=np.int32)
    for k, text in enumerate(enc.dictionary.to_pylist()):
        code = cache.get(text)
        if code is None:
            try:
                code = book.code(text, 0)
            except BallotFileError:
                line = offset + int(np.argmax(idx == k)) + 2
                book.code(text, line)  # raises again, naming the first line with this text
                raise
            cache[text] = code
        codes[k] = code
    if not codes.size:
        return np.full(idx.size, BLANK, dtype=np.int32)
    out: npt.NDArray[np.int32] = codes[idx]
    return out


def reject(
    path: Path,
    column: pa.Array,
    weights: npt.NDArray[np.int64],
    offset: int,
    rejected: dict[str, int],
) -> npt.NDArray[np.bool_]:
    """Count the papers of a block adjudicated void, by reason; return the mask of valid rows."""
    col = pc.dictionary_encode(pc.utf8_trim_whitespace(column))
    idx = np.asarray(col.indices)
    valid = np.ones(idx.size, dtype=bool)
    for k, value in enumerate(col.dictionary.to_pylist()):
        if value == "":
            continue
        hit = idx == k
        if not hit.any():
            continue
        try:
            defect = parse_defect(value)
        except RuleConfigError as exc:
            line = offset + int(np.argmax(hit)) + 2
            raise BallotFileError(path, exc.problems[0], line=line) from None
        rejected[defect.value] = rejected.get(defect.value, 0) + int(weights[hit].sum())
        valid &= ~hit
    return valid


class FirstSeen:
    """Where each candidate is first marked alone (row, then rank), for the candidate order.

    ``first[c]`` is ``row * depth + rank`` of the first single mark for ``c``.
    """

    def __init__(self) -> None:
        self.first: dict[int, int] = {}

    def update(self, rows: npt.NDArray[np.int32], offset: int, n_known: int) -> None:
        """Note candidates first marked in a block.

        ``rows`` are the block's rows from row ``offset`` on, or its distinct rows in
        first-appearance order: both give the same first (row, rank) order.
        """
        if len(self.first) == n_known or rows.size == 0:
            return
        depth = rows.shape[1]
        flat = rows.ravel()
        singles = flat >= 0
        values = flat[singles]
        positions = np.nonzero(singles)[0]
        last = np.iinfo(np.int64).max
        first = np.full(n_known, last, dtype=np.int64)
        np.minimum.at(first, values, positions)
        for v in np.nonzero(first < last)[0].tolist():
            if v not in self.first:
                self.first[v] = offset * depth + int(first[v])
