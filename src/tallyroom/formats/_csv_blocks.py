"""Block-wise reading for the ranked-ballot CSV reader (:mod:`.csv_ranked`).

The file is parsed by pyarrow in blocks of :data:`BLOCK` bytes (in a background
thread, while the previous block is encoded and grouped). Each block's
preference columns are dictionary-encoded so that every distinct cell text is
turned into a mark code once; the reader then groups the block's papers at
once (:class:`~tallyroom.ballots.grouping.StreamGrouper`). Line numbers in
errors are the block's offset plus the row, plus 2 (header line, 1-based).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..ballots.defects import parse_defect
from ..ballots.grouping import first_rows
from ..ballots.marks import BLANK
from ..errors import BallotFileError, RuleConfigError

__all__ = ["BLOCK", "Block", "FirstSeen", "NotLineWise", "blocks", "encode_column", "reject"]

#: Bytes of CSV parsed per block: memory is bounded by a block plus the distinct rankings.
BLOCK = 1 << 24


class CodeBook(Protocol):
    """What the block encoder needs of the reader's code book."""

    def code(self, text: str, line: int) -> int: ...


class NotLineWise(Exception):
    """A record spans lines (a quoted newline): read the file field by field instead."""


@dataclass(frozen=True)
class Block:
    """Part of a file as a table of the used columns.

    Read field by field, table row ``i`` is data row ``offset + i``. Read line by
    line, the table holds each distinct line once, in order of first appearance:
    ``row_of[i]`` is the data row where it first appears, ``mult[i]`` how many
    lines repeat it, and ``expand[p]`` the table row of the block's paper ``p``.
    """

    table: pa.Table
    offset: int
    n_papers: int
    row_of: npt.NDArray[np.int64] | None = None
    mult: npt.NDArray[np.int64] | None = None
    expand: npt.NDArray[np.int64] | None = None

    def line(self, i: int) -> int:
        """File line number (1-based, header = 1) of table row ``i``."""
        row = int(self.row_of[i]) if self.row_of is not None else self.offset + i
        return row + 2


def _options(
    header: Sequence[str], delimiter: str, used: Sequence[int]
) -> tuple[pacsv.ParseOptions, pacsv.ConvertOptions, list[str]]:
    names = [f"c{i}" for i in range(len(header))]
    parse = pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False)
    convert = pacsv.ConvertOptions(
        column_types={n: pa.string() for n in names},
        include_columns=[names[i] for i in used],
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    return parse, convert, names


def blocks(
    path: Path, header: Sequence[str], delimiter: str, used: Sequence[int], *, line_wise: bool
) -> Iterator[Block]:
    """The file's data rows, :data:`BLOCK` bytes at a time.

    ``line_wise``: each block is first read as whole lines, identical lines are
    grouped (one hash of each line), and only the distinct lines are split into
    fields. Identical lines are identical papers, so this gives the same papers
    with far less work when voters repeat rankings, as they do. Raises
    :class:`NotLineWise` if a quoted field spans lines, and pyarrow's errors on
    malformed input (the caller then names the bad line).
    """
    parse, convert, names = _options(header, delimiter, used)
    if not line_wise:
        offset = 0
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=names, block_size=BLOCK),
            parse_options=parse,
            convert_options=convert,
        )
        for batch in reader:
            yield Block(pa.Table.from_batches([batch]), offset, batch.num_rows)
            offset += batch.num_rows
        return
    lines = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(skip_rows=1, column_names=["line"], block_size=BLOCK),
        parse_options=pacsv.ParseOptions(
            delimiter="\x1f", quote_char=False, escape_char=False, ignore_empty_lines=False
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={"line": pa.string()},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    offset = 0
    for batch in lines:
        n = batch.num_rows
        enc = pc.dictionary_encode(batch.column(0))
        inverse = np.asarray(enc.indices).astype(np.int64)
        distinct = enc.dictionary
        if pc.any(pc.not_equal(pc.bit_wise_and(pc.count_substring(distinct, '"'), 1), 0)).as_py():
            raise NotLineWise(path)
        text = ("\n".join(distinct.to_pylist()) + "\n").encode("utf-8")
        table = pacsv.read_csv(
            pa.BufferReader(text),
            read_options=pacsv.ReadOptions(column_names=names, block_size=max(len(text), 1)),
            parse_options=parse,
            convert_options=convert,
        )
        if table.num_rows != len(distinct):
            raise NotLineWise(path)
        mult = np.bincount(inverse, minlength=len(distinct)).astype(np.int64)
        row_of = offset + first_rows(inverse)
        yield Block(table, offset, n, row_of, mult, inverse)
        offset += n


def encode_column(
    column: pa.ChunkedArray, book: CodeBook, cache: dict[str, int], block: Block
) -> npt.NDArray[np.int32]:
    """Mark codes of one preference column of a block: each distinct text is coded once."""
    enc = pc.dictionary_encode(column.combine_chunks())
    idx = np.asarray(enc.indices)
    codes = np.empty(len(enc.dictionary), dtype=np.int32)
    for k, text in enumerate(enc.dictionary.to_pylist()):
        code = cache.get(text)
        if code is None:
            try:
                code = book.code(text, 0)
            except BallotFileError:
                line = block.line(int(np.argmax(idx == k)))
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
    column: pa.ChunkedArray,
    weights: npt.NDArray[np.int64],
    block: Block,
    rejected: dict[str, int],
) -> npt.NDArray[np.bool_]:
    """Count the papers of a block adjudicated void, by reason; return the mask of valid rows."""
    col = pc.dictionary_encode(pc.utf8_trim_whitespace(column.combine_chunks()))
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
            line = block.line(int(np.argmax(hit)))
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
