"""Read the files of one contest in parallel and merge them into one Profile."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..api import read_ballots
from ..ballots.candidates import Candidate, CandidateList
from ..ballots.profile import Profile
from ..errors import ReportError

__all__ = ["read_ballots_parallel"]


def _dask() -> Any:
    try:
        import dask
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise ReportError("scale-out needs Dask: pip install 'tallyroom[scale]'") from exc
    return dask


def read_ballots_parallel(
    paths: Sequence[str | Path],
    *,
    format: str | None = None,
    candidates: Sequence[Candidate | str] | str | Path | None = None,
    scheduler: str | None = None,
    **options: Any,
) -> Profile:
    """Like :func:`tallyroom.read_ballots`, reading each file as a separate Dask task.

    The merged profile is the same as a sequential read of the same files (candidates
    by name, in order of first appearance across the files as listed, unless
    ``candidates`` fixes them).
    """
    dask = _dask()
    if isinstance(candidates, str | Path):
        from ..api import read_candidates

        candidates = read_candidates(candidates)
    elif candidates is not None and not isinstance(candidates, CandidateList):
        candidates = CandidateList(candidates)
    tasks = [
        dask.delayed(read_ballots)(p, format=format, candidates=candidates, **options)
        for p in paths
    ]
    (parts,) = dask.compute(tasks, scheduler=scheduler)
    profile = Profile.merge(list(parts))
    if candidates is not None:
        profile = profile.with_candidates(candidates)
    return profile
