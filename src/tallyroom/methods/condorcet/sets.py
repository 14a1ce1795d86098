"""Condorcet winner and loser, the Smith set and the Schwartz set, from a pairwise matrix.

Definitions (RULES.md §4; Schulze, SCW 36 (2011) §2.2; Schwartz, *The Logic of
Collective Choice* (1986)):

* **Condorcet winner**: beats every other candidate pairwise (``d[X,Y] > d[Y,X]``);
  **Condorcet loser**: is beaten by every other candidate. At most one of each.
* **Smith set**: the smallest non-empty set of candidates each of whom beats
  every candidate outside it. Equivalently the candidates that reach every other
  candidate by a chain of "beats or ties" — the top component of that relation.
* **Schwartz set**: the union of the minimal sets that no outside candidate
  beats: the candidates X such that every Y with a chain of strict wins to X is
  itself reached from X by such a chain. It is a subset of the Smith set, and
  equal to it when there are no pairwise ties.

Every result lists candidates in the matrix's (ballot-paper) order.
"""

from __future__ import annotations

from .pairwise import PairwiseMatrix

__all__ = ["condorcet_loser", "condorcet_winner", "schwartz_set", "smith_set"]


def condorcet_winner(m: PairwiseMatrix) -> str | None:
    """The candidate who beats every other, if there is one."""
    for i in range(m.n):
        if all(m.beats(i, j) for j in range(m.n) if j != i):
            return m.candidates[i]
    return None


def condorcet_loser(m: PairwiseMatrix) -> str | None:
    """The candidate beaten by every other, if there is one."""
    for i in range(m.n):
        if all(m.beats(j, i) for j in range(m.n) if j != i):
            return m.candidates[i]
    return None


def _closure(edges: list[list[bool]]) -> list[list[bool]]:
    """Reachability by one or more edges (Warshall)."""
    n = len(edges)
    reach = [row[:] for row in edges]
    for k in range(n):
        for i in range(n):
            if reach[i][k]:
                row_k = reach[k]
                row_i = reach[i]
                for j in range(n):
                    if row_k[j]:
                        row_i[j] = True
    return reach


def smith_set(m: PairwiseMatrix) -> tuple[str, ...]:
    """The Smith set: the candidates reaching every other by "beats or ties" chains."""
    n = m.n
    weak = [[i != j and m.d[i][j] >= m.d[j][i] for j in range(n)] for i in range(n)]
    reach = _closure(weak)
    return tuple(m.candidates[i] for i in range(n) if all(reach[i][j] for j in range(n) if j != i))


def schwartz_set(m: PairwiseMatrix) -> tuple[str, ...]:
    """The Schwartz set: candidates in a top cycle of strict pairwise wins."""
    n = m.n
    strict = [[m.beats(i, j) for j in range(n)] for i in range(n)]
    reach = _closure(strict)
    return tuple(
        m.candidates[x]
        for x in range(n)
        if all(reach[x][y] for y in range(n) if y != x and reach[y][x])
    )
