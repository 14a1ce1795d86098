"""Counts run in the background, so a page can show how a long count is getting on.

A :class:`Job` is held in memory by the server process that started it (the
count it produces is stored in the database like any other). Pages poll
``GET /api/jobs/{id}``; a job lists its stages as they start, with times.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..store import Store
from .errors import problem_of

__all__ = ["Job", "JobRunner"]


@dataclass
class Job:
    """One background count: its stages so far and, at the end, the count or the error."""

    id: str
    contest_id: int
    actor: str
    state: str = "queued"  # queued | running | done | failed
    stages: list[tuple[float, str]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    count_id: int | None = None
    error: dict[str, Any] | None = None
    status: int = 200

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "contest_id": self.contest_id,
            "state": self.state,
            "stage": self.stages[-1][1] if self.stages else "waiting to start",
            "stages": [{"seconds": round(t, 1), "stage": s} for t, s in self.stages],
            "elapsed_seconds": round(time.monotonic() - self.started, 1),
            "count_id": self.count_id,
            "error": self.error,
        }


class JobRunner:
    """Runs counts on a small thread pool and remembers the latest jobs."""

    def __init__(self, store: Store, *, workers: int = 2, keep: int = 200) -> None:
        self.store = store
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tallyroom-count")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._keep = keep

    def start(self, contest_id: int, *, actor: str, **overrides: Any) -> Job:
        job = Job(id=uuid.uuid4().hex, contest_id=contest_id, actor=actor)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > self._keep:
                self._jobs.popitem(last=False)
        self._pool.submit(self._run, job, overrides)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _run(self, job: Job, overrides: dict[str, Any]) -> None:
        job.state = "running"

        def progress(stage: str) -> None:
            job.stages.append((time.monotonic() - job.started, stage))

        try:
            rec = self.store.run_count(
                job.contest_id, actor=job.actor, progress=progress, **overrides
            )
        except Exception as exc:  # every failure is shown to the user, mapped in one place
            job.status, job.error = problem_of(exc)
            job.state = "failed"
            return
        job.count_id = rec.id
        progress("done")
        job.state = "done"

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
