"""Group identical papers: cost grows with distinct rankings, not with papers.

Each row of mark codes is one key: an integer packed column by column
(``key * base + code``) when that fits 63 bits; else its bytes when every code
fits a byte (up to 127 candidates and 128 overvote groups); else, when the next
column would overflow 63 bits, the keys so far are first replaced by their
group number (a hash pass), so any depth works. The keys are then grouped by hashing (``pyarrow.compute.dictionary_encode``),
which numbers groups in order of first appearance: grouping is deterministic
and linear in the number of papers (no sort).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["StreamGrouper", "first_rows", "group_rows"]

Int32Array = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]

#: Largest total weight whose partial sums are all exact in a float64.
_EXACT_FLOAT_SUM = 2**53


def _encode(keys: Int64Array) -> tuple[Int64Array, int]:
    """Group number of each key (first appearance = 0, 1, ...) and the number of groups."""
    import pyarrow as pa
    import pyarrow.compute as pc

    enc = pc.dictionary_encode(pa.array(keys, type=pa.int64()))
    indices = np.asarray(enc.indices).astype(np.int64)
    return indices, len(enc.dictionary)


def _byte_row_groups(rows: Int32Array) -> tuple[Int64Array, int]:
    """:func:`_row_groups` for codes that fit a byte: each row is one ``depth``-byte key."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n, depth = rows.shape
    packed = np.ascontiguousarray(rows, dtype=np.int8)
    keys = pa.FixedSizeBinaryArray.from_buffers(pa.binary(depth), n, [None, pa.py_buffer(packed)])
    enc = pc.dictionary_encode(keys)
    return np.asarray(enc.indices).astype(np.int64), len(enc.dictionary)


def _row_groups(rows: Int32Array) -> tuple[Int64Array, int]:
    """Group number of each row, numbered by first appearance."""
    n, depth = rows.shape
    if depth == 0:
        return np.zeros(n, dtype=np.int64), 1
    lo = int(rows.min())
    hi = int(rows.max())
    base = hi - lo + 1
    if base**depth > 2**63 and -128 <= lo and hi <= 127:
        # packing would take several hash passes: one pass over the rows' bytes is faster
        return _byte_row_groups(rows)
    limit = 2**63 // base
    key = rows[:, 0].astype(np.int64) - lo
    span = base  # keys are in range(span)
    for j in range(1, depth):
        if span > limit:
            key, span = _encode(key)
        key *= base
        key += rows[:, j]
        key -= lo
        span *= base
    return _encode(key)


def first_rows(inverse: Int64Array) -> Int64Array:
    """Row where each group first appears (groups are numbered in that order)."""
    is_new = np.empty(inverse.size, dtype=bool)
    is_new[0] = True
    np.greater(inverse[1:], np.maximum.accumulate(inverse)[:-1], out=is_new[1:])
    return np.nonzero(is_new)[0].astype(np.int64)


def _sum_by_group(inverse: Int64Array, weights: Int64Array, n_groups: int) -> Int64Array:
    """Exact integer sums of ``weights`` per group."""
    total = int(weights.sum())
    if total < _EXACT_FLOAT_SUM:
        # Every partial sum is an integer below 2**53, so float64 adds exactly.
        sums = np.bincount(inverse, weights=weights.astype(np.float64), minlength=n_groups)
        return np.rint(sums).astype(np.int64)
    summed = np.zeros(n_groups, dtype=np.int64)
    np.add.at(summed, inverse, weights.astype(np.int64))
    return summed


def group_rows(
    rows: Int32Array, weights: Int64Array | None = None
) -> tuple[Int32Array, Int64Array, Int64Array]:
    """Return ``(distinct_rows, summed_weights, inverse)`` in first-appearance order.

    ``inverse[i]`` is the group of input row ``i``.
    """
    n = rows.shape[0]
    if n == 0:
        return rows.copy(), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    inverse, n_groups = _row_groups(np.ascontiguousarray(rows))
    distinct = rows[first_rows(inverse)]
    if weights is None or bool(np.all(weights == 1)):
        summed = np.bincount(inverse, minlength=n_groups).astype(np.int64)
    else:
        summed = _sum_by_group(inverse, np.asarray(weights), n_groups)
    return np.ascontiguousarray(distinct, dtype=np.int32), summed, inverse


class StreamGrouper:
    """Groups rows that arrive in blocks; memory grows with distinct rows, not rows.

    Each block is grouped on its own, and the blocks' distinct rows are merged
    into the running set whenever they outnumber it (so each row is re-grouped
    O(log) times at most). Groups keep their first-appearance order across
    blocks. With ``keep_order`` the group of every paper is kept (8 bytes a
    paper), for rules that depend on the order of papers.

    >>> g = StreamGrouper()
    >>> _ = g.add(np.array([[0, 1], [1, 0]], dtype=np.int32), None)
    >>> _ = g.add(np.array([[1, 0], [2, -1]], dtype=np.int32), None)
    >>> rows, weights, _ = g.result()
    >>> rows.tolist(), weights.tolist()
    ([[0, 1], [1, 0], [2, -1]], [1, 2, 1])
    """

    def __init__(self, keep_order: bool = False) -> None:
        self.keep_order = keep_order
        self._rows: Int32Array | None = None
        self._weights: Int64Array = np.zeros(0, dtype=np.int64)
        self._pending: list[tuple[Int32Array, Int64Array, Int64Array | None]] = []
        self._pending_size = 0
        self._all_grouped = True  # every pending block was grouped on its own
        self._papers: list[Int64Array] = []  # group of each input row (keep_order)
        self._row_weights: list[Int64Array] = []

    def add(
        self,
        rows: Int32Array,
        weights: Int64Array | None,
        expand: Int64Array | None = None,
        paper_weights: Int64Array | None = None,
        *,
        mostly_distinct: bool = False,
    ) -> Int32Array:
        """Add a block of rows (with per-row weights, or 1 each); returns its distinct rows.

        For ``keep_order``, ``expand[p]`` is the row of the block's ``p``-th line in
        file order and ``paper_weights[p]`` its number of papers (default: one line
        per row, carrying the row's weight). ``mostly_distinct`` rows (the distinct
        lines of a block) are grouped only when merged, not on their own too; the
        rows are then returned as given (still in first-appearance order).
        """
        if mostly_distinct:
            distinct = np.ascontiguousarray(rows, dtype=np.int32)
            n = distinct.shape[0]
            summed = np.ones(n, dtype=np.int64) if weights is None else np.asarray(weights)
            inverse = np.arange(n, dtype=np.int64)
        else:
            distinct, summed, inverse = group_rows(rows, weights)
        if self.keep_order:
            if expand is not None:
                inverse = inverse[expand]
                w = np.ones(expand.size, dtype=np.int64) if paper_weights is None else paper_weights
            else:
                w = np.ones(rows.shape[0], dtype=np.int64) if weights is None else weights
            self._row_weights.append(np.asarray(w, dtype=np.int64))
        self._pending.append((distinct, summed, inverse if self.keep_order else None))
        self._pending_size += distinct.shape[0]
        self._all_grouped = self._all_grouped and not mostly_distinct
        held = 0 if self._rows is None else self._rows.shape[0]
        if self._pending_size > max(held, 1 << 20):
            self._merge()
        return distinct

    def _merge(self) -> None:
        if not self._pending:
            return
        if self._rows is None and len(self._pending) == 1 and self._all_grouped:
            distinct, summed, inverse = self._pending[0]
            self._rows, self._weights = distinct, summed
            if inverse is not None:
                self._papers.append(inverse)
        else:
            parts = ([] if self._rows is None else [self._rows]) + [p[0] for p in self._pending]
            sums = [self._weights] + [p[1] for p in self._pending]
            self._rows, self._weights, ids = group_rows(np.concatenate(parts), np.concatenate(sums))
            start = 0 if len(parts) == len(self._pending) else parts[0].shape[0]
            for distinct, _, inverse in self._pending:
                if inverse is not None:
                    self._papers.append(ids[start : start + distinct.shape[0]][inverse])
                start += distinct.shape[0]
        self._pending = []
        self._pending_size = 0
        self._all_grouped = True

    def result(self) -> tuple[Int32Array, Int64Array, Int64Array | None]:
        """``(distinct rows, summed weights, group of each paper in order or None)``."""
        self._merge()
        rows = self._rows if self._rows is not None else np.zeros((0, 0), dtype=np.int32)
        order = None
        if self.keep_order:
            ids = np.concatenate(self._papers) if self._papers else np.zeros(0, dtype=np.int64)
            w = np.concatenate(self._row_weights) if self._row_weights else ids
            order = np.repeat(ids, w)
        return rows, self._weights, order
