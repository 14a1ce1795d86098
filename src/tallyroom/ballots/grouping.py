"""Group identical papers: cost grows with distinct rankings, not with papers.

Each row of mark codes is packed into one integer key when the codes fit
(``(n_codes) ** depth < 2**63``), else the rows are grouped as raw bytes. Groups
come out in order of first appearance, so grouping is deterministic.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["group_rows"]

Int32Array = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]


def _row_keys(rows: Int32Array) -> npt.NDArray[np.generic]:
    n, depth = rows.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if depth == 0:
        return np.zeros(n, dtype=np.int64)
    lo = int(rows.min())
    hi = int(rows.max())
    base = hi - lo + 1
    if base**depth < 2**63:
        shifted = rows.astype(np.int64) - lo
        key = np.zeros(n, dtype=np.int64)
        for j in range(depth):
            key *= base
            key += shifted[:, j]
        return key
    contiguous = np.ascontiguousarray(rows)
    return contiguous.view(np.dtype((np.void, contiguous.dtype.itemsize * depth))).ravel()


def group_rows(
    rows: Int32Array, weights: Int64Array | None = None
) -> tuple[Int32Array, Int64Array, Int64Array]:
    """Return ``(distinct_rows, summed_weights, inverse)`` in first-appearance order.

    ``inverse[i]`` is the group of input row ``i``.
    """
    n = rows.shape[0]
    if weights is None:
        weights = np.ones(n, dtype=np.int64)
    if n == 0:
        return rows.copy(), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    keys = _row_keys(rows)
    _, first_index, inverse = np.unique(keys, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    # Renumber the groups by first appearance.
    order = np.argsort(first_index, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    new_inverse = rank[inverse].astype(np.int64)
    distinct = rows[first_index[order]]
    summed = np.bincount(new_inverse, weights=None, minlength=order.size).astype(np.int64)
    if not np.all(weights == 1):
        summed = np.zeros(order.size, dtype=np.int64)
        np.add.at(summed, new_inverse, weights.astype(np.int64))
    return np.ascontiguousarray(distinct, dtype=np.int32), summed, new_inverse
