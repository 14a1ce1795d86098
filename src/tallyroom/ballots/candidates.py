"""Candidates and the ordered candidate list of a contest.

Candidate order is defined once per contest (ballot-paper order, the order of a
candidates file, or first appearance in the ballot file) and every output uses it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from ..errors import RuleConfigError

__all__ = ["RESERVED_NAMES", "Candidate", "CandidateList"]

#: Names used as keys in round logs; no candidate may carry them.
RESERVED_NAMES = frozenset({"exhausted", "loss to fractions"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """One candidate: a display name, an optional party (description) and code (CVR id)."""

    name: str
    party: str | None = None
    code: str | None = None
    write_in: bool = False

    def __post_init__(self) -> None:
        if not self.name or self.name != self.name.strip():
            raise RuleConfigError(f"invalid candidate name {self.name!r}")
        if self.name.lower() in RESERVED_NAMES:
            raise RuleConfigError(
                f"a candidate cannot be named {self.name!r}: the name is reserved in count logs"
            )


class CandidateList(Sequence[Candidate]):
    """An ordered, duplicate-free list of candidates with name lookup."""

    __slots__ = ("_items", "_index")

    def __init__(self, candidates: Iterable[Candidate | str]) -> None:
        items = tuple(c if isinstance(c, Candidate) else Candidate(c) for c in candidates)
        index: dict[str, int] = {}
        for i, c in enumerate(items):
            if c.name in index:
                raise RuleConfigError(f"candidate {c.name!r} appears twice")
            index[c.name] = i
        self._items = items
        self._index = index

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, i: int) -> Candidate:  # type: ignore[override]
        return self._items[i]

    def __iter__(self) -> Iterator[Candidate]:
        return iter(self._items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CandidateList) and self._items == other._items

    def __hash__(self) -> int:
        return hash(self._items)

    def __repr__(self) -> str:
        return f"CandidateList({[c.name for c in self._items]!r})"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self._items)

    def index_of(self, name: str) -> int:
        """Position of the candidate called ``name``; KeyError if absent."""
        return self._index[name]

    def get_index(self, name: str) -> int | None:
        return self._index.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._index
