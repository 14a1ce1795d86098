"""Count many contests at once (Dask), e.g. every Scottish ward or every NSW district.

A job names its files, method, seats and rules. Each job runs as one task; a job
that fails records its error and the others go on. Counts travel between workers
as native JSON and are rebuilt (and re-verified) on the caller's side.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..count import Count
from ..errors import BallotFileError, TallyroomError
from ..reports.native_json import from_dict, to_dict
from .parallel_read import _dask

__all__ = ["CountJob", "CountOutcome", "count_many", "read_jobs_manifest"]


@dataclass(frozen=True, kw_only=True)
class CountJob:
    """One contest to count."""

    name: str
    paths: tuple[str, ...]
    method: str
    seats: int | None = None
    rules: Mapping[str, Any] | str | None = None
    format: str | None = None
    candidates: str | None = None
    tie_seed: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CountOutcome:
    """The result of one job: a count, or the error that stopped it."""

    name: str
    count: Count | None
    error: str | None


def _run(job: CountJob) -> tuple[str, dict[str, Any] | None, str | None]:
    from ..api import count, read_ballots

    try:
        profile = read_ballots(
            list(job.paths),
            format=job.format,
            candidates=job.candidates,
            for_method=job.method,
            **dict(job.options),
        )
        result = count(profile, job.method, job.rules, seats=job.seats, tie_seed=job.tie_seed)
        return job.name, to_dict(result), None
    except TallyroomError as exc:
        return job.name, None, str(exc)


def count_many(
    jobs: Sequence[CountJob],
    *,
    scheduler: str | None = None,
    on_done: Callable[[int], None] | None = None,
) -> list[CountOutcome]:
    """Count every job; outcomes come back in job order."""
    dask = _dask()
    tasks = [dask.delayed(_run)(job) for job in jobs]
    (raw,) = dask.compute(tasks, scheduler=scheduler)
    outcomes = []
    for name, data, error in raw:
        outcomes.append(CountOutcome(name, None if data is None else from_dict(data), error))
    if on_done is not None:
        on_done(len(outcomes))
    return outcomes


def read_jobs_manifest(path: str | Path) -> list[CountJob]:
    """Read a manifest CSV: ``name,files,method[,seats][,rules][,format][,tie_seed]``.

    ``files`` lists one or more paths separated by ``;``, relative to the manifest's folder.
    """
    p = Path(path)
    base = p.parent
    jobs: list[CountJob] = []
    try:
        with open(p, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            fields = set(reader.fieldnames or [])
            missing = {"name", "files", "method"} - fields
            if missing:
                raise BallotFileError(
                    p,
                    f"manifest needs columns name, files, method; missing {sorted(missing)}",
                    line=1,
                )
            extra = fields - {
                "name",
                "files",
                "method",
                "seats",
                "rules",
                "format",
                "tie_seed",
                "options",
            }
            if extra:
                raise BallotFileError(p, f"unknown manifest column(s) {sorted(extra)}", line=1)
            for row in reader:
                line = reader.line_num
                try:
                    seats = int(row["seats"]) if row.get("seats") else None
                    options = json.loads(row["options"]) if row.get("options") else {}
                except ValueError as exc:
                    raise BallotFileError(p, f"bad seats or options: {exc}", line=line) from None
                rules = row.get("rules") or None
                jobs.append(
                    CountJob(
                        name=row["name"],
                        paths=tuple(
                            str(base / f.strip()) for f in row["files"].split(";") if f.strip()
                        ),
                        method=row["method"],
                        seats=seats,
                        rules=str(base / rules) if rules else None,
                        format=row.get("format") or None,
                        tie_seed=row.get("tie_seed") or None,
                        options=options,
                    )
                )
    except OSError as exc:
        raise BallotFileError(p, f"cannot read: {exc.strerror}") from exc
    return jobs
