"""Line-wise reading of a ranked-ballot CSV, in parallel: the fast path of :mod:`._csv_blocks`.

Voters repeat rankings, so most lines of a large file repeat an earlier line.
The raw bytes are cut into chunks at line ends; each chunk is handled by a
worker thread (numpy and pyarrow release the GIL, so the workers use every
core while the calling thread encodes and groups the previous chunk):

1. the line ends are found with numpy and the chunk becomes an array of lines
   without copying it;
2. identical lines are grouped (one hash of each line, ``dictionary_encode``);
3. only the distinct lines are split into fields (pyarrow's CSV parser reads
   them straight from the dictionary's buffer), and each used column is
   dictionary-encoded, so every distinct cell text is coded once later.

The SHA-256 of the file (as stored, compressed or not) is computed from the
same bytes as they are read, so the file is read once. A quoted field that
spans lines cannot be read this way: :class:`NotLineWise` sends the caller to
the field-by-field reader, as does any malformed line (which that reader names).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..ballots.grouping import first_rows

__all__ = ["CHUNK", "LineChunk", "NotLineWise", "line_chunks"]

#: Bytes of the file per chunk: small enough that every core gets work on a file
#: of a few megabytes, large enough that the distinct lines of a chunk are few.
CHUNK = 1 << 22

_NEWLINE = 10
_QUOTE = 34


class NotLineWise(Exception):
    """A record spans lines (a quoted newline): read the file field by field instead."""


@dataclass(frozen=True)
class LineChunk:
    """The distinct lines of one chunk, split into the used columns.

    ``columns[j]`` is used column ``j`` of the distinct lines, dictionary-encoded;
    ``first[i]`` is the chunk line where distinct line ``i`` first appears,
    ``mult[i]`` how many lines of the chunk repeat it, and ``expand[p]`` the
    distinct line of the chunk's line ``p``.
    """

    columns: tuple[pa.DictionaryArray, ...]
    n_lines: int
    first: npt.NDArray[np.int64]
    mult: npt.NDArray[np.int64]
    expand: npt.NDArray[np.int64]


class _HashingReader(io.RawIOBase):
    """Passes a file's bytes through, adding them to a SHA-256."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = self.raw.readinto(buffer)  # type: ignore[attr-defined]
        if n:
            self.sha.update(memoryview(buffer)[:n])
        return int(n or 0)

    def finish(self) -> str:
        """Hash whatever the reader above left unread; the file's SHA-256, hex."""
        for rest in iter(lambda: self.raw.read(1 << 20), b""):
            self.sha.update(rest)
        return self.sha.hexdigest()


def _raw_chunks(path: Path, size: int, digest: Callable[[str], None]) -> Iterator[bytes]:
    """The file's data lines (after the header line), ``size`` bytes at a time, cut at line ends.

    ``digest`` receives the SHA-256 of the stored file once it has been read to the end.
    """
    with open(path, "rb") as raw:
        hashing = _HashingReader(raw)
        gz = path.suffix.lower() == ".gz"
        stream: gzip.GzipFile | io.BufferedReader = (
            gzip.GzipFile(fileobj=hashing, mode="rb")
            if gz
            else io.BufferedReader(hashing, buffer_size=1 << 20)
        )
        with stream:
            carry = b""
            header_done = False
            while True:
                data = stream.read(size)
                if not data:
                    break
                data = carry + data if carry else data
                if not header_done:
                    end = data.find(b"\n")
                    if end < 0:
                        carry = data
                        continue
                    data = data[end + 1 :]
                    header_done = True
                cut = data.rfind(b"\n")
                if cut < 0:
                    carry = data
                    continue
                carry = data[cut + 1 :]
                yield data[: cut + 1]
            if carry and header_done:
                yield carry
        digest(hashing.finish())


def _lines(chunk: bytes) -> pa.Array:
    """The chunk's lines, each with its line end, as a binary array over the chunk's bytes."""
    buf = np.frombuffer(chunk, dtype=np.uint8)
    ends = np.flatnonzero(buf == _NEWLINE) + 1
    if not ends.size or ends[-1] != buf.size:
        ends = np.append(ends, buf.size)
    offsets = np.empty(ends.size + 1, dtype=np.int32)
    offsets[0] = 0
    offsets[1:] = ends
    return pa.BinaryArray.from_buffers(
        pa.binary(), ends.size, [None, pa.py_buffer(offsets), pa.py_buffer(chunk)]
    )


def _split(
    chunk: bytes,
    names: Sequence[str],
    parse: pacsv.ParseOptions,
    convert: pacsv.ConvertOptions,
) -> LineChunk:
    """Group a chunk's identical lines, then split the distinct ones (runs in a worker)."""
    lines = _lines(chunk)
    enc = pc.dictionary_encode(lines)
    inverse = np.asarray(enc.indices).astype(np.int64)
    distinct = enc.dictionary
    if (
        chunk.find(b'"') >= 0
        and pc.any(pc.not_equal(pc.bit_wise_and(pc.count_substring(distinct, '"'), 1), 0)).as_py()
    ):
        raise NotLineWise()
    offsets = np.frombuffer(distinct.buffers()[1], dtype=np.int32)[
        distinct.offset : distinct.offset + len(distinct) + 1
    ]
    text = distinct.buffers()[2][int(offsets[0]) : int(offsets[-1])]
    table = pacsv.read_csv(
        pa.BufferReader(text),
        read_options=pacsv.ReadOptions(
            column_names=list(names), block_size=max(text.size, 1), use_threads=False
        ),
        parse_options=parse,
        convert_options=convert,
    )
    if table.num_rows != len(distinct):
        raise NotLineWise()
    columns = tuple(pc.dictionary_encode(c.combine_chunks()) for c in table.columns)
    mult = np.bincount(inverse, minlength=len(distinct)).astype(np.int64)
    return LineChunk(columns, len(lines), first_rows(inverse), mult, inverse)


def workers() -> int:
    """Worker threads: one per core available to this process, at most 8."""
    n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(8, n or 1))


def line_chunks(
    path: Path,
    names: Sequence[str],
    parse: pacsv.ParseOptions,
    convert: pacsv.ConvertOptions,
    digest: Callable[[str], None],
    *,
    size: int | None = None,
) -> Iterator[LineChunk]:
    """Each chunk's distinct lines, in file order, split in worker threads.

    ``digest`` receives the file's SHA-256 after the last chunk. Raises
    :class:`NotLineWise`, or pyarrow's errors on malformed input.
    """
    n = workers()
    size = size or CHUNK
    with ThreadPoolExecutor(max_workers=n, thread_name_prefix="tallyroom-csv") as pool:
        pending: deque[Future[LineChunk]] = deque()
        try:
            for chunk in _raw_chunks(path, size, digest):
                pending.append(pool.submit(_split, chunk, names, parse, convert))
                if len(pending) > n:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()
