"""tallyroom itself and the reading floors, run in a child process of the main environment.

* ``tallyroom``: ``tallyroom.read_ballots`` then ``tallyroom.count``, timed apart
  (reading includes parsing, encoding, grouping and hashing the file; counting
  includes building and verifying the round log).
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
FORMATS = {"csv": "csv", "blt": "blt", "soi": "preflib", "ess": "ess-xlsx", "sv": "sv-papers"}
#: workload method -> tallyroom method name
METHODS = {"irv": "irv", "stv": "scottish-stv", "sv": "sv"}


def _groups(workload: dict[str, Any]) -> list[tuple[str, list[Path]]]:
    """Contests: each file its own contest, unless the workload groups files into one."""
    if workload.get("one_contest"):
        return [(workload["name"], [Path(f) for f in workload["files"]])]
    return [(Path(f).name, [Path(f)]) for f in workload["files"]]


def tallyroom_count(workload: dict[str, Any]) -> Result:
    import tallyroom
    from tallyroom.registry import formats, methods

    formats(), methods()  # load the plugins before the clock starts
    fmt = workload.get("tallyroom_format") or FORMATS[workload["kind"]]
    method = workload.get("tallyroom_method") or METHODS[workload["method"]]
    read_opts = dict(workload.get("read_options", {}))
    read_s = count_s = 0.0
    winners: dict[str, list[str]] = {}
    ties: dict[str, int] = {}
    distinct = papers = 0
    for name, paths in _groups(workload):
        t0 = time.perf_counter()
        profile = tallyroom.read_ballots(paths, format=fmt, **read_opts)
        t1 = time.perf_counter()
        seats = workload.get("seats") if workload["kind"] == "csv" else None
        result = tallyroom.count(profile, method=method, seats=seats, tie_seed="benchmark")
        t2 = time.perf_counter()
        read_s += t1 - t0
        count_s += t2 - t1
        winners[name] = sorted(result.elected)
        n_ties = sum(len(r.ties) for r in result.rounds)
        if n_ties:
            ties[name] = n_ties
        distinct += profile.n_distinct
        papers += profile.total
    return {
        "winners": winners,
        "read_s": read_s,
        "count_s": count_s,
        "ties": ties,
        "distinct": distinct,
        "papers": papers,
    }


def pyarrow_floor(workload: dict[str, Any]) -> Result:
    import pyarrow.csv as pacsv

    t0 = time.perf_counter()
    rows = 0
    for f in workload["files"]:
        rows += pacsv.read_csv(f).num_rows
    return {"read_s": time.perf_counter() - t0, "count_s": 0.0, "papers": rows}


def calamine_floor(workload: dict[str, Any]) -> Result:
    from python_calamine import CalamineWorkbook

    t0 = time.perf_counter()
    cells = 0
    for f in workload["files"]:
        wb = CalamineWorkbook.from_path(str(f))
        for sheet in wb.sheet_names:
            rows = wb.get_sheet_by_name(sheet).to_python()
            cells += sum(len(r) for r in rows)
    return {"read_s": time.perf_counter() - t0, "count_s": 0.0, "cells": cells}


#: tool name -> adapter
OWN: dict[str, Callable[[dict[str, Any]], Result]] = {
    "tallyroom": tallyroom_count,
    "pyarrow read (floor)": pyarrow_floor,
    "calamine read (floor)": calamine_floor,
}
