"""Grouping identical papers: same groups, order and sums as a plain dictionary, on any input."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tallyroom.ballots.grouping import StreamGrouper, group_rows


def _reference(
    rows: npt.NDArray[np.int32], weights: list[int]
) -> tuple[list[tuple[int, ...]], list[int], list[int]]:
    """Distinct rows in first-appearance order, their summed weights, each row's group."""
    index: dict[tuple[int, ...], int] = {}
    sums: list[int] = []
    inverse: list[int] = []
    for row, w in zip(rows.tolist(), weights, strict=True):
        key = tuple(row)
        if key not in index:
            index[key] = len(index)
            sums.append(0)
        sums[index[key]] += w
        inverse.append(index[key])
    return list(index), sums, inverse


def _rows(low: int, high: int) -> st.SearchStrategy[npt.NDArray[np.int32]]:
    return st.integers(1, 25).flatmap(
        lambda depth: hnp.arrays(
            np.int32,
            st.tuples(st.integers(0, 60), st.just(depth)),
            elements=st.one_of(st.integers(-3, 3), st.integers(low, high)),
        )
    )


@settings(max_examples=150, deadline=None)
@given(
    rows=st.one_of(_rows(-128, 127), _rows(-5000, 5000)),
    data=st.data(),
)
def test_group_rows_matches_a_dictionary(rows: npt.NDArray[np.int32], data: st.DataObject) -> None:
    weights = data.draw(st.lists(st.integers(0, 10**6), min_size=len(rows), max_size=len(rows)))
    distinct, summed, inverse = group_rows(rows, np.array(weights, dtype=np.int64))
    keys, sums, inv = _reference(rows, weights)
    assert [tuple(r) for r in distinct.tolist()] == keys
    assert summed.tolist() == sums
    assert inverse.tolist() == inv


@settings(max_examples=80, deadline=None)
@given(rows=_rows(-128, 300), cuts=st.lists(st.integers(0, 60), max_size=4), data=st.data())
def test_stream_grouper_in_blocks_matches_one_pass(
    rows: npt.NDArray[np.int32], cuts: list[int], data: st.DataObject
) -> None:
    """Blocks (grouped on their own, or only when merged) give the rows, sums and paper order of one pass."""
    bounds = sorted({0, len(rows), *(min(c, len(rows)) for c in cuts)})
    grouper = StreamGrouper(keep_order=True)
    for a, b in zip(bounds, bounds[1:], strict=False):
        grouper.add(rows[a:b], None, mostly_distinct=data.draw(st.booleans()))
    got, weights, order = grouper.result()
    keys, sums, inv = _reference(rows, [1] * len(rows))
    assert [tuple(r) for r in got.tolist()] == keys
    assert weights.tolist() == sums
    assert order is not None and order.tolist() == inv
