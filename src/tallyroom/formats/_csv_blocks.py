"""Block-wise reading for the ranked-ballot CSV reader (:mod:`.csv_ranked`).

The file is parsed by pyarrow in blocks of :data:`BLOCK` bytes (in a background
thread, while the previous block is encoded and grouped). Each block's
preference columns are dictionary-encoded so that every distinct cell text is
turned into a mark code once; the reader then groups the block's papers at
once (:class:`~tallyroom.ballots.grouping.StreamGrouper`). Line numbers in
errors are the block's offset plus the row, plus 2 (header line, 1-based).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
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
from ._csv_lines import NotLineWise, line_chunks

__all__ = ["BLOCK", "Block", "FirstSeen", "NotLineWise", "blocks", "encode_column", "reject"]

#: Bytes of CSV parsed per block: memory is bounded by a block plus the distinct rankings.
BLOCK = 1 << 24


class CodeBook(Protocol):
    """What the block encoder needs of the reader's code book."""

    def code(self, text: str, line: int) -> int: ...


@dataclass(frozen=True)
class Block:
    """Part of a file as the used columns, in the order asked for.

    Read field by field, row ``i`` is data row ``offset + i``. Read line by
    line, the rows are the block's distinct lines, in order of first appearance
    (each column dictionary-encoded): ``row_of[i]`` is the data row where line
    ``i`` first appears, ``mult[i]`` how many lines repeat it, and ``expand[p]``
    the row of the block's paper ``p``.
    """

    columns: tuple[pa.Array | pa.ChunkedArray, ...]
    n_rows: int
    offset: int
    n_papers: int
    row_of: npt.NDArray[np.int64] | None = None
    mult: npt.NDArray[np.int64] | None = None
    expand: npt.NDArray[np.int64] | None = None

    def line(self, i: int) -> int:
        """File line number (1-based, header = 1) of row ``i``."""
        row = int(self.row_of[i]) if self.row_of is not None else self.offset + i
        return row + 2

    def array(self, j: int) -> pa.Array:
        """Used column ``j`` as one array (dictionary-encoded if read line-wise)."""
        col = self.columns[j]
        return col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col

    def plain(self, j: int) -> pa.Array:
        """Used column ``j`` as a plain (not dictionary-encoded) array."""
        col = self.array(j)
        return col.dictionary_decode() if isinstance(col, pa.DictionaryArray) else col


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
    path: Path,
    header: Sequence[str],
    delimiter: str,
    used: Sequence[int],
    *,
    line_wise: bool,
    digest: Callable[[str], None] = lambda sha: None,
) -> Iterator[Block]:
    """The file's data rows, a block at a time.

    ``line_wise``: identical lines are grouped first and only the distinct
    lines split into fields (:mod:`._csv_lines`, in worker threads; ``digest``
    then receives the file's SHA-256, computed from the same bytes). Identical
    lines are identical papers, so this gives the same papers with far less
    work when voters repeat rankings, as they do. Raises :class:`NotLineWise`
    if a quoted field spans lines, and pyarrow's errors on malformed input
    (the caller then names the bad line).
    """
    parse, convert, names = _options(header, delimiter, used)
    offset = 0
    if line_wise:
        for chunk in line_chunks(path, names, parse, convert, digest):
            yield Block(
                chunk.columns,
                len(chunk.mult),
                offset,
                chunk.n_lines,
                offset + chunk.first,
                chunk.mult,
                chunk.expand,
            )
            offset += chunk.n_lines
        return
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(skip_rows=1, column_names=names, block_size=BLOCK),
        parse_options=parse,
        convert_options=convert,
    )
    for batch in reader:
        yield Block(tuple(batch.columns), batch.num_rows, offset, batch.num_rows)
        offset += batch.num_rows


def encode_column(
    block: Block, j: int, book: CodeBook, cache: dict[str, int]
) -> npt.NDArray[np.int32]:
    """Mark codes of used column ``j`` of a block: each distinct text is coded once."""
    column = block.array(j)
    enc = column if isinstance(column, pa.DictionaryArray) else pc.dictionary_encode(column)
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
    block: Block,
    j: int,
    weights: npt.NDArray[np.int64],
    rejected: dict[str, int],
) -> npt.NDArray[np.bool_]:
    """Count the papers of a block adjudicated void (used column ``j``), by reason;
    return the mask of valid rows."""
    col = pc.dictionary_encode(pc.utf8_trim_whitespace(block.plain(j)))
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
