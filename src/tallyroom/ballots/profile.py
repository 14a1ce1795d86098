"""The :class:`Profile`: the papers of one contest, grouped, with their provenance.

A profile holds each *distinct* paper once, as a row of mark codes (see
:mod:`tallyroom.ballots.marks`), with an integer weight (how many papers carry it).
It also records the SHA-256 of every input file, and the papers rejected before
counting (adjudicated as void, e.g. for want of the official mark), by reason.
When a rule set depends on the order of papers (Irish last-parcel transfers,
Cambridge's Cincinnati method), the reader also keeps ``paper_order``: the row
of each paper in file order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import BallotFileError, RuleConfigError
from .candidates import Candidate, CandidateList
from .grouping import group_rows
from .marks import BLANK, OVERVOTE, UNCERTAIN, group_of, overvote_code

__all__ = ["InputFile", "Profile", "RejectedPapers", "sha256_file"]

RejectedPapers = Mapping[str, int]


def sha256_file(path: str | Path) -> str:
    """SHA-256 of a file's bytes, hex."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True, slots=True)
class InputFile:
    """One input file: its name (no directories) and the SHA-256 of its bytes."""

    path: str
    sha256: str

    @classmethod
    def of(cls, path: str | Path) -> InputFile:
        return cls(path=Path(path).name, sha256=sha256_file(path))


@dataclass(frozen=True, eq=False)
class Profile:
    """Grouped papers of one contest. Build with :meth:`from_rankings` or a reader."""

    candidates: CandidateList
    ballots: npt.NDArray[np.int32]
    weights: npt.NDArray[np.int64]
    overvote_groups: tuple[tuple[int, ...], ...] = ()
    rejected: Mapping[str, int] = field(default_factory=dict)
    inputs: tuple[InputFile, ...] = ()
    paper_order: npt.NDArray[np.int64] | None = None
    title: str | None = None
    seats: int | None = None
    withdrawn: frozenset[str] = frozenset()
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        b = self.ballots
        if b.ndim != 2:
            raise ValueError("ballots must be a 2-D array")
        if self.weights.shape != (b.shape[0],):
            raise ValueError("weights must have one entry per ballot row")
        if b.size and int(b.max()) >= len(self.candidates):
            raise ValueError("a ballot refers to a candidate index out of range")
        if self.weights.size and int(self.weights.min()) < 0:
            raise ValueError("negative ballot weight")
        for name in self.withdrawn:
            if self.candidates.get_index(name) is None:
                raise RuleConfigError(f"withdrawn candidate {name!r} is not a candidate")
        b.setflags(write=False)
        self.weights.setflags(write=False)

    # -- construction -------------------------------------------------------------

    @classmethod
    def from_rankings(
        cls,
        candidates: Sequence[Candidate | str],
        rankings: Iterable[tuple[Sequence[str | Sequence[str] | None], int]],
        **kwargs: Any,
    ) -> Profile:
        """Build a profile from ``(ranking, count)`` pairs.

        A ranking is a sequence of positions; each position is a candidate name,
        ``None`` (no mark), a sequence of names (an overvote), ``"?"`` (uncertain)
        or ``"*"`` (an overvote of unrecorded candidates).

        >>> p = Profile.from_rankings("ABC", [(("A", "B"), 3), (("C",), 2)])
        >>> p.total
        5
        """
        cands = candidates if isinstance(candidates, CandidateList) else CandidateList(candidates)
        groups: dict[tuple[int, ...], int] = {}
        rows: list[list[int]] = []
        weights: list[int] = []
        for ranking, count in rankings:
            if count < 0 or int(count) != count:
                raise RuleConfigError(f"invalid ballot count {count!r}")
            row: list[int] = []
            for pos in ranking:
                if pos is None:
                    row.append(BLANK)
                elif isinstance(pos, str):
                    if pos == "?":
                        row.append(UNCERTAIN)
                    elif pos == "*":
                        row.append(OVERVOTE)
                    else:
                        i = cands.get_index(pos)
                        if i is None:
                            raise RuleConfigError(f"unknown candidate {pos!r} in a ranking")
                        row.append(i)
                else:
                    members = tuple(sorted({cands.index_of(x) for x in pos}))
                    if len(members) == 1:
                        row.append(members[0])
                    else:
                        g = groups.setdefault(members, len(groups))
                        row.append(overvote_code(g))
            rows.append(row)
            weights.append(int(count))
        depth = max((len(r) for r in rows), default=0)
        matrix = np.full((len(rows), depth), BLANK, dtype=np.int32)
        for i, r in enumerate(rows):
            matrix[i, : len(r)] = r
        ordered_groups = tuple(g for g, _ in sorted(groups.items(), key=lambda kv: kv[1]))
        return cls.from_rows(
            cands,
            matrix,
            np.asarray(weights, dtype=np.int64),
            overvote_groups=ordered_groups,
            **kwargs,
        )

    @classmethod
    def from_rows(
        cls,
        candidates: CandidateList | Sequence[Candidate | str],
        rows: npt.NDArray[np.int32],
        weights: npt.NDArray[np.int64] | None = None,
        *,
        keep_order: bool = False,
        **kwargs: Any,
    ) -> Profile:
        """Group raw rows of mark codes (one per paper, or per line with a weight)."""
        cands = candidates if isinstance(candidates, CandidateList) else CandidateList(candidates)
        rows = np.ascontiguousarray(_trim_trailing_blanks(rows), dtype=np.int32)
        distinct, summed, inverse = group_rows(rows, weights)
        keep = summed > 0
        order: npt.NDArray[np.int64] | None = None
        if keep_order:
            w = np.ones(rows.shape[0], dtype=np.int64) if weights is None else weights
            order = np.repeat(inverse, w)
        if not np.all(keep):
            remap = np.cumsum(keep) - 1
            distinct, summed = distinct[keep], summed[keep]
            if order is not None:
                order = remap[order]
        return cls(cands, distinct, summed, paper_order=order, **kwargs)

    # -- views ----------------------------------------------------------------------

    @property
    def total(self) -> int:
        """Number of papers in the profile (rejected-before-count papers excluded)."""
        return int(self.weights.sum())

    @property
    def depth(self) -> int:
        return int(self.ballots.shape[1])

    @property
    def n_distinct(self) -> int:
        return int(self.ballots.shape[0])

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    def candidate_names(self) -> tuple[str, ...]:
        return self.candidates.names

    def rows(self) -> Iterator[tuple[tuple[int, ...], int]]:
        """Iterate ``(codes, weight)`` over distinct papers."""
        for row, w in zip(self.ballots.tolist(), self.weights.tolist(), strict=True):
            yield tuple(row), int(w)

    def describe_code(self, code: int) -> str:
        """Human-readable text of one mark code."""
        if code >= 0:
            return self.candidates[code].name
        if code == BLANK:
            return ""
        if code == OVERVOTE:
            return "overvote"
        if code == UNCERTAIN:
            return "?"
        return "+".join(self.candidates[i].name for i in self.overvote_groups[group_of(code)])

    def rankings(self) -> Iterator[tuple[tuple[str, ...], int]]:
        """Iterate ``(marks as text, weight)``; trailing blanks dropped."""
        for row, w in self.rows():
            texts = [self.describe_code(c) for c in row]
            while texts and texts[-1] == "":
                texts.pop()
            yield tuple(texts), w

    # -- transformations -------------------------------------------------------------

    def with_candidates(self, candidates: Sequence[Candidate]) -> Profile:
        """Same papers, candidate list replaced (same names, possibly new order/parties).

        Every candidate of this profile must be in ``candidates``; extra candidates
        (with no votes) are allowed.
        """
        new = candidates if isinstance(candidates, CandidateList) else CandidateList(candidates)
        missing = [c.name for c in self.candidates if new.get_index(c.name) is None]
        if missing:
            raise RuleConfigError(
                f"candidates missing from the candidate list: {', '.join(missing)}"
            )
        mapping = np.array([new.index_of(c.name) for c in self.candidates], dtype=np.int32)
        b = self.ballots
        out = np.where(b >= 0, mapping[np.clip(b, 0, None)] if mapping.size else b, b)
        groups = tuple(tuple(sorted(int(mapping[i]) for i in g)) for g in self.overvote_groups)
        return replace(
            self,
            candidates=new,
            ballots=np.ascontiguousarray(out, dtype=np.int32),
            overvote_groups=groups,
        )

    def with_rejected(self, rejected: Mapping[str, int]) -> Profile:
        return replace(self, rejected=dict(rejected))

    @staticmethod
    def merge(profiles: Sequence[Profile]) -> Profile:
        """Combine profiles of one contest read from several files (candidates by name)."""
        if not profiles:
            raise RuleConfigError("no profiles to merge")
        if len(profiles) == 1:
            return profiles[0]
        names: list[Candidate] = []
        seen: set[str] = set()
        for p in profiles:
            for c in p.candidates:
                if c.name not in seen:
                    seen.add(c.name)
                    names.append(c)
        cands = CandidateList(names)
        depth = max(p.depth for p in profiles)
        parts = []
        weights = []
        groups: dict[tuple[int, ...], int] = {}
        orders = []
        offset = 0
        for p in profiles:
            q = p.with_candidates(cands)
            block = np.full((q.n_distinct, depth), BLANK, dtype=np.int32)
            block[:, : q.depth] = q.ballots
            if q.overvote_groups:
                remap = np.array(
                    [groups.setdefault(g, len(groups)) for g in q.overvote_groups], dtype=np.int32
                )
                is_group = block <= overvote_code(0)
                block[is_group] = overvote_code(0) - remap[overvote_code(0) - block[is_group]]
            parts.append(block)
            weights.append(q.weights)
            if q.paper_order is not None:
                orders.append(q.paper_order + offset)
            offset += q.n_distinct
        rows = np.concatenate(parts)
        w = np.concatenate(weights)
        strata, metadata = _merge_strata(profiles)
        if strata:
            # Group on ranking and stratum (precinct, batch) so neither is lost.
            width = rows.shape[1]
            keyed = np.concatenate([rows, np.stack(strata, axis=1).astype(np.int32)], axis=1)
            distinct, summed, inverse = group_rows(keyed, w)
            kept = [n for n in _STRATA if f"{n}_names" in metadata]
            for j, name in enumerate(kept):
                metadata[name] = np.ascontiguousarray(distinct[:, width + j], dtype=np.int32)
            distinct = np.ascontiguousarray(distinct[:, :width])
        else:
            distinct, summed, inverse = group_rows(rows, w)
        order = None
        if len(orders) == len(profiles):
            order = inverse[np.concatenate(orders)]
            if all("ballot_ids" in p.metadata for p in profiles):
                metadata["ballot_ids"] = tuple(
                    i for p in profiles for i in p.metadata["ballot_ids"]
                )
        rejected: dict[str, int] = {}
        for p in profiles:
            for k, v in p.rejected.items():
                rejected[k] = rejected.get(k, 0) + v
        inputs = tuple(i for p in profiles for i in p.inputs)
        seats = {p.seats for p in profiles if p.seats is not None}
        if len(seats) > 1:
            raise RuleConfigError(f"ballot files disagree on the number of seats: {sorted(seats)}")
        return Profile(
            cands,
            distinct,
            summed,
            overvote_groups=tuple(g for g, _ in sorted(groups.items(), key=lambda kv: kv[1])),
            rejected=rejected,
            inputs=inputs,
            paper_order=order,
            title=profiles[0].title,
            seats=seats.pop() if seats else None,
            withdrawn=frozenset().union(*(p.withdrawn for p in profiles)),
            metadata=metadata,
        )

    def first_preferences(self) -> npt.NDArray[np.int64]:
        """Papers whose first position is a single mark for each candidate."""
        out = np.zeros(len(self.candidates), dtype=np.int64)
        if self.depth == 0:
            return out
        first = self.ballots[:, 0]
        ok = first >= 0
        np.add.at(out, first[ok], self.weights[ok])
        return out

    def __repr__(self) -> str:
        return (
            f"Profile({len(self.candidates)} candidates, {self.total} papers, "
            f"{self.n_distinct} distinct, {self.rejected_total} rejected)"
        )


_STRATA = ("precinct", "batch")


def _merge_strata(profiles: Sequence[Profile]) -> tuple[list[Any], dict[str, Any]]:
    """Per-row precinct/batch codes of the stacked profiles, with merged names.

    A stratum is kept when any profile has it (``metadata[name]`` + ``[name_names]``);
    papers of a profile without it get the stratum ``missing_<name>_id``.
    """
    columns: list[Any] = []
    metadata: dict[str, Any] = {}
    for name in _STRATA:
        if not any(f"{name}_names" in p.metadata for p in profiles):
            continue
        table: dict[str, int] = {}
        parts = []
        for p in profiles:
            local = p.metadata.get(name)
            if local is None:
                missing = table.setdefault(f"missing_{name}_id", len(table))
                parts.append(np.full(p.n_distinct, missing, dtype=np.int64))
                continue
            mapping = np.array(
                [table.setdefault(n, len(table)) for n in p.metadata[f"{name}_names"]],
                dtype=np.int64,
            )
            parts.append(mapping[np.asarray(local, dtype=np.int64)])
        columns.append(np.concatenate(parts))
        metadata[f"{name}_names"] = tuple(table)
    return columns, metadata


def _trim_trailing_blanks(rows: npt.NDArray[np.int32]) -> npt.NDArray[np.int32]:
    if rows.ndim != 2 or rows.shape[1] == 0:
        return rows
    used = np.nonzero(np.any(rows != BLANK, axis=0))[0]
    depth = int(used.max()) + 1 if used.size else 0
    return rows[:, :depth]


def require_nonempty(profile: Profile, path: str | None = None) -> None:
    """Raise if a file produced no papers at all."""
    if profile.total == 0 and profile.rejected_total == 0:
        raise BallotFileError(path, "the file holds no ballots")
