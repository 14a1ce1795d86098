"""Where tallyroom's time goes: CPU time of each phase on the 10^6-ballot synthetic files.

The reader works in several threads (worker threads split chunks of the file
while the calling thread encodes and groups), so each phase is timed by the
CPU time of the thread running it (``time.thread_time`` around the phase's
function, summed over calls); other load on the machine disturbs that little.
Used by ``python -m benchmarks doc`` for the "where the time goes" table.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .generate import ensure
from .workloads import SEED


@contextmanager
def _timed(targets: list[tuple[Any, str, str]]) -> Iterator[dict[str, float]]:
    """Wrap ``getattr(owner, name)`` so each call adds its thread's CPU time to ``spent[phase]``."""
    spent: dict[str, float] = defaultdict(float)
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in targets]

    def wrap(fn: Callable[..., Any], phase: str) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            c0 = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[phase] += time.thread_time() - c0

        return timed

    for (owner, name, fn), (_, _, phase) in zip(saved, targets, strict=True):
        setattr(owner, name, wrap(fn, phase))
    try:
        yield spent
    finally:
        for owner, name, fn in saved:
            setattr(owner, name, fn)


def measure(data_dir: Path, n_ballots: int = 1_000_000) -> dict[str, dict[str, float]]:
    """Per-phase CPU seconds for 10 and 20 candidates."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    import tallyroom
    from tallyroom.ballots.grouping import StreamGrouper
    from tallyroom.formats import _csv_blocks, _csv_lines, csv_ranked
    from tallyroom.registry import formats, methods

    formats(), methods()
    pa.array([0])
    targets = [
        (_csv_lines._HashingReader, "readinto", "sha"),
        (_csv_lines, "_split", "lines"),
        (csv_ranked, "encode_column", "encode"),
        (StreamGrouper, "add", "group"),
        (StreamGrouper, "result", "group"),
        (_csv_blocks.FirstSeen, "update", "first"),
    ]
    out: dict[str, dict[str, float]] = {}
    for n_c in (10, 20):
        path = ensure(data_dir, n_ballots, n_c, SEED)
        w0, c0 = time.perf_counter(), time.process_time()
        pacsv.read_csv(path)
        floor_wall, floor = time.perf_counter() - w0, time.process_time() - c0
        csv_ranked.read(path, {})  # warm the file cache
        with _timed(targets) as spent:
            w0, c0 = time.perf_counter(), time.process_time()
            profile = csv_ranked.read(path, {})
            read_wall, read = time.perf_counter() - w0, time.process_time() - c0
        t0 = time.process_time()
        irv = tallyroom.count(profile, method="irv", seats=1, tie_seed="phases")
        t1 = time.process_time()
        tallyroom.count(profile, method="scottish-stv", seats=3, tie_seed="phases")
        t2 = time.process_time()
        tallyroom.render(irv, "json")
        t3 = time.process_time()
        out[str(n_c)] = {
            "floor_wall": floor_wall,
            "floor": floor,
            "read_wall": read_wall,
            "read": read,
            **{
                phase: spent.get(phase, 0.0)
                for phase in ("sha", "lines", "encode", "group", "first")
            },
            "irv": t1 - t0,
            "stv3": t2 - t1,
            "render": t3 - t2,
            "distinct": float(profile.n_distinct),
        }
    return out


ROWS = (
    ("pyarrow `read_csv` of the same file (the floor), wall", "floor_wall"),
    ("pyarrow `read_csv`, CPU (all threads)", "floor"),
    ("tallyroom read, wall", "read_wall"),
    ("tallyroom read, CPU (all threads)", "read"),
    ("... file read and its SHA-256 (calling thread)", "sha"),
    (
        "... lines found, identical lines grouped, distinct lines split, cells dictionary-encoded (worker threads)",
        "lines",
    ),
    ("... cell texts to mark codes (calling thread)", "encode"),
    ("... grouping: blocks merged (calling thread)", "group"),
    ("... candidate order, first marks (calling thread)", "first"),
    ("count: IRV (`irv`)", "irv"),
    ("count: 3-seat Scottish STV (`scottish-stv`)", "stv3"),
    ("report: native JSON of the IRV count", "render"),
)


def _seconds(v: float) -> str:
    return f"{v * 1000:.1f} ms" if v < 0.01 else f"{v:.2f} s"


def table(phases: dict[str, dict[str, float]]) -> str:
    """Markdown rows (without the header) of the phases table."""
    lines = [
        f"| {label} | {_seconds(phases['10'][k])} | {_seconds(phases['20'][k])} |"
        for label, k in ROWS
    ]
    lines.append(
        f"| distinct rankings | {int(phases['10']['distinct']):,} | "
        f"{int(phases['20']['distinct']):,} |"
    )
    return "\n".join(lines)
