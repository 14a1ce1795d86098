"""Where tallyroom's time goes: CPU time of each phase on the 10^6-ballot synthetic files.

Measured in this process with ``cProfile`` on CPU time (``time.process_time``,
all threads), so other load on the machine disturbs it little. Used by
``python -m benchmarks doc`` for the "where the time goes" table.
"""

from __future__ import annotations

import cProfile
import pstats
import time
from pathlib import Path
from typing import Any

from .generate import ensure
from .workloads import SEED


def _cumulative(stats: pstats.Stats, suffix: str) -> float:
    table: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    return sum(
        float(v[3])
        for (fn, _, name), v in table.items()
        if f"{Path(fn).name}:{name}".endswith(suffix)
    )


def measure(data_dir: Path, n_ballots: int = 1_000_000) -> dict[str, dict[str, float]]:
    """Per-phase CPU seconds for 10 and 20 candidates."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    import tallyroom
    from tallyroom.formats import csv_ranked
    from tallyroom.registry import formats, methods

    formats(), methods()
    pa.array([0])
    out: dict[str, dict[str, float]] = {}
    for n_c in (10, 20):
        path = ensure(data_dir, n_ballots, n_c, SEED)
        c0 = time.process_time()
        pacsv.read_csv(path)
        floor = time.process_time() - c0
        csv_ranked.read(path, {})  # warm the file cache
        prof = cProfile.Profile(time.process_time)
        prof.enable()
        profile = csv_ranked.read(path, {})
        prof.disable()
        stats = pstats.Stats(prof)
        t0 = time.process_time()
        irv = tallyroom.count(profile, method="irv", seats=1, tie_seed="phases")
        t1 = time.process_time()
        tallyroom.count(profile, method="scottish-stv", seats=3, tie_seed="phases")
        t2 = time.process_time()
        tallyroom.render(irv, "json")
        t3 = time.process_time()
        out[str(n_c)] = {
            "floor": floor,
            "read": float(stats.total_tt),  # type: ignore[attr-defined]
            "lines": _cumulative(stats, "_csv_blocks.py:blocks"),
            "encode": _cumulative(stats, "encode_column"),
            "group": _cumulative(stats, "grouping.py:add")
            + _cumulative(stats, "grouping.py:result"),
            "first": _cumulative(stats, "_csv_blocks.py:update"),
            "sha": _cumulative(stats, "sha256_file"),
            "irv": t1 - t0,
            "stv3": t2 - t1,
            "render": t3 - t2,
            "distinct": float(profile.n_distinct),
        }
    return out


ROWS = (
    ("pyarrow `read_csv` of the same file (the floor)", "floor"),
    ("tallyroom read, total", "read"),
    ("... lines read, identical lines hashed, distinct lines split into fields", "lines"),
    ("... cell texts to mark codes", "encode"),
    ("... grouping (blocks, then merged)", "group"),
    ("... candidate order (first marks)", "first"),
    ("... SHA-256 of the file", "sha"),
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
