"""Hypothesis strategies for small ranked profiles (shared by the Condorcet tests)."""

from __future__ import annotations

from hypothesis import strategies as st

from tallyroom import Profile

NAMES = ("Ash", "Birch", "Cedar", "Damson", "Elm")


@st.composite
def rankings(
    draw: st.DrawFn, full: bool = False, min_cands: int = 2, max_cands: int = 5
) -> tuple[tuple[str, ...], list[tuple[tuple[str, ...], int]]]:
    """``(candidates, [(ranking, count), ...])``; rankings are full orders when ``full``."""
    m = draw(st.integers(min_cands, max_cands))
    cands = NAMES[:m]
    n_rows = draw(st.integers(1, 8))
    rows = []
    for _ in range(n_rows):
        order = draw(st.permutations(cands))
        k = m if full else draw(st.integers(1, m))
        rows.append((tuple(order[:k]), draw(st.integers(1, 9))))
    return cands, rows


def profile_of(cands: tuple[str, ...], rows: list[tuple[tuple[str, ...], int]]) -> Profile:
    return Profile.from_rankings(list(cands), [(list(r), n) for r, n in rows])
