"""tallyroom itself and the reading floors, run in a child process of the main environment.

* ``tallyroom``: ``tallyroom.read_ballots`` then ``tallyroom.count``, timed apart
  (reading includes parsing, encoding, grouping and hashing the file; counting
  includes building and verifying the round log).
* ``tallyroom read only``: ``read_ballots`` alone, for the reader's peak memory.
* ``pyarrow read (floor)``: ``pyarrow.csv.read_csv`` of the same CSV, default
  options, all cores: the time any reader of this file must at least spend.
* ``calamine read (floor)``: every cell of every sheet of the xlsx files read with
  python-calamine (Rust), the fastest xlsx reader available here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Result = dict[str, Any]

#: workload kind -> tallyroom format name
FORMATS = {"csv": "csv", "blt": "blt", "soi": "preflib", "ess": "ess", "sv": "sv-papers"}
#: workload method -> tallyroom method name
METHODS = {"irv": "irv", "stv": "scottish-stv", "sv": "sv"}


def _groups(workload: dict[str, Any]) -> list[tuple[str, list[Path]]]:
    """Contests: each file its own contest, unless the workload groups files into one."""
    if workload.get("one_contest"):
        return [(workload["name"], [Path(f) for f in workload["files"]])]
    return [(Path(f).name, [Path(f)]) for f in workload["files"]]


def tallyroom_read(workload: dict[str, Any]) -> Result:
    """Reading alone (no count): its peak memory is the reader's."""
    return tallyroom_count({**workload, "_read_only": True})


def tallyroom_count(workload: dict[str, Any]) -> Result:
    import pyarrow as pa
    import pyarrow.compute  # noqa: F401
    import pyarrow.csv  # noqa: F401

    import tallyroom
    from tallyroom.registry import formats, methods

    formats(), methods()  # load the plugins before the clock starts
    pa.array([0])  # pyarrow imports pandas on first use (~0.5 s): start-up, not reading
    fmt = workload.get("tallyroom_format") or FORMATS[workload["kind"]]
    method = workload.get("tallyroom_method") or METHODS[workload["method"]]
    read_opts = dict(workload.get("read_options", {}))
    read_s = count_s = read_cpu = count_cpu = 0.0
    winners: dict[str, list[str]] = {}
    ties: dict[str, int] = {}
    distinct = papers = 0
    seats: int | None
    for name, paths in _groups(workload):
        t0, c0 = time.perf_counter(), time.process_time()
        if workload.get("rctab_config"):
            profile, rules, seats = _read_rctab(workload["rctab_config"])
        else:
            profile = tallyroom.read_ballots(paths, format=fmt, **read_opts)
            rules = workload.get("tallyroom_rules")
            seats = workload.get("seats") if workload["kind"] == "csv" else None
        t1, c1 = time.perf_counter(), time.process_time()
        read_s += t1 - t0
        read_cpu += c1 - c0
        distinct += profile.n_distinct
        papers += profile.total
        if workload.get("_read_only"):
            continue
        seed = None if rules is not None else "benchmark"
        result = tallyroom.count(profile, method=method, rules=rules, seats=seats, tie_seed=seed)
        t2, c2 = time.perf_counter(), time.process_time()
        count_s += t2 - t1
        count_cpu += c2 - c1
        if workload["kind"] in ("blt", "soi"):
            # compared by ballot position: readers normalise names differently
            names = list(profile.candidates.names)
            winners[name] = sorted(str(names.index(w) + 1) for w in result.elected)
        else:
            winners[name] = sorted(result.elected)
        n_ties = sum(len(r.ties) for r in result.rounds)
        if n_ties:
            ties[name] = n_ties
    return {
        "winners": winners,
        "read_s": read_s,
        "count_s": count_s,
        "read_cpu_s": read_cpu,
        "count_cpu_s": count_cpu,
        "ties": ties,
        "distinct": distinct,
        "papers": papers,
    }


def _read_rctab(config_path: str) -> tuple[Any, Any, int]:
    """An RCTab contest: its config's sources read as RCTab reads them, and its rules."""
    from tallyroom.rctab.config import load_config
    from tallyroom.rctab.run import read_contest

    config = load_config(config_path)
    profile, _ = read_contest(config)
    return profile, config.rules, config.seats


def pyarrow_floor(workload: dict[str, Any]) -> Result:
    import pyarrow.csv as pacsv

    t0, c0 = time.perf_counter(), time.process_time()
    rows = 0
    for f in workload["files"]:
        rows += pacsv.read_csv(f).num_rows
    return {
        "read_s": time.perf_counter() - t0,
        "count_s": 0.0,
        "read_cpu_s": time.process_time() - c0,
        "count_cpu_s": 0.0,
        "papers": rows,
    }


def calamine_floor(workload: dict[str, Any]) -> Result:
    from python_calamine import CalamineWorkbook

    t0, c0 = time.perf_counter(), time.process_time()
    cells = 0
    for f in workload["files"]:
        wb = CalamineWorkbook.from_path(str(f))
        for sheet in wb.sheet_names:
            rows = wb.get_sheet_by_name(sheet).to_python()
            cells += sum(len(r) for r in rows)
    return {
        "read_s": time.perf_counter() - t0,
        "count_s": 0.0,
        "read_cpu_s": time.process_time() - c0,
        "count_cpu_s": 0.0,
        "cells": cells,
    }


#: tool name -> adapter
OWN: dict[str, Callable[[dict[str, Any]], Result]] = {
    "tallyroom": tallyroom_count,
    "tallyroom read only": tallyroom_read,
    "pyarrow read (floor)": pyarrow_floor,
    "calamine read (floor)": calamine_floor,
}
