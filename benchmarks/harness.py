"""Run every tool on every workload in fresh processes; compare winners; keep the figures.

For each (workload, tool) the harness starts ``python -m benchmarks.child`` (the
peers in their own virtualenv), ``repeats`` times, and keeps:

* ``work_s``: median of the child's own read + count time (no interpreter
  start-up or imports), the figure ratios are taken on;
* ``read_s`` / ``count_s``: medians of the two phases;
* ``work_cpu_s`` (``read_cpu_s``, ``count_cpu_s``): the same phases in CPU time
  of the child (all its threads), the fairer figure on a busy machine;
* ``wall_s``: median wall time of the whole child process;
* ``cpu_s``: median CPU time (user + system, all threads) of the whole child
  process, start-up included: less disturbed than wall time on a busy machine;
* ``load1``: the highest 1-minute load average seen at the end of a run (other
  processes on the machine slow every wall-time figure);
* ``peak_mib``: the largest peak resident set (``ru_maxrss`` via ``os.wait4``).

A run longer than ``single_run_after`` seconds is not repeated. A run over
``timeout`` is killed and recorded as timed out; larger sizes of the same
series are then not attempted for that tool, nor when the previous size,
scaled linearly, projects past the timeout (recorded as skipped, with why).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PEERS_DIR = REPO / "benchmarks" / ".peers"

OWN_TOOLS = ("tallyroom", "tallyroom read only", "pyarrow read (floor)", "calamine read (floor)")


@dataclass
class Settings:
    repeats: int = 3
    timeout: float = 900.0
    single_run_after: float = 20.0
    peers_python: Path | None = None
    tools: tuple[str, ...] | None = None
    log: bool = True


@dataclass
class Measurement:
    tool: str
    status: str  # ok | error | timeout | skipped
    runs: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""
    peak_mib: float | None = None

    def median(self, key: str) -> float | None:
        values = [r[key] for r in self.runs if r.get(key) is not None]
        return statistics.median(values) if values else None

    def summary(self) -> dict[str, Any]:
        first = self.runs[0] if self.runs else {}
        out: dict[str, Any] = {"tool": self.tool, "status": self.status, "note": self.note}
        if self.peak_mib is not None:
            out["peak_mib"] = self.peak_mib
        if self.runs:
            out.update(
                n_runs=len(self.runs),
                work_s=self.median("work_s"),
                read_s=self.median("read_s"),
                count_s=self.median("count_s"),
                work_cpu_s=self.median("work_cpu_s"),
                read_cpu_s=self.median("read_cpu_s"),
                count_cpu_s=self.median("count_cpu_s"),
                wall_s=self.median("wall_s"),
                cpu_s=self.median("cpu_s"),
                load1=max(r.get("load1", 0.0) for r in self.runs),
                peak_mib=max(r["peak_mib"] for r in self.runs),
            )
            for key in ("winners", "ties", "distinct", "papers", "cells", "error"):
                if key in first:
                    out[key] = first[key]
        return out


def _duration(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 120 else f"{seconds:.0f} s"


def peers_python() -> Path | None:
    """The peers' interpreter, if ``setup-peers`` has made it."""
    exe = PEERS_DIR / "bin" / "python"
    return exe if exe.exists() else None


def _run_child(python: Path, tool: str, workload: dict[str, Any], timeout: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="tallyroom-bench-") as tmp:
        spec = Path(tmp) / "spec.json"
        out = Path(tmp) / "out.json"
        progress = Path(tmp) / "progress"
        workload = {**workload, "_progress": str(progress)}
        spec.write_text(json.dumps({"tool": tool, "workload": workload}), encoding="utf-8")
        env = dict(os.environ, PYTHONHASHSEED="0")
        start = time.perf_counter()
        proc = subprocess.Popen(
            [str(python), "-m", "benchmarks.child", str(spec), str(out)],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        assert proc.stderr is not None
        with proc.stderr:
            return _wait(proc, start, timeout, out, progress)


def _wait(
    proc: subprocess.Popen[bytes], start: float, timeout: float, out: Path, progress: Path
) -> dict[str, Any]:
    """Wait for the child (killing it at the timeout); its result with wall time and peak RSS."""
    assert proc.stderr is not None
    os.set_blocking(proc.stderr.fileno(), False)
    err = b""
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        chunk = proc.stderr.read()
        if chunk:
            err = (err + chunk)[-4000:]
        if pid:
            break
        if time.perf_counter() - start > timeout:
            proc.kill()
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = -9
            done = progress.read_text(encoding="utf-8").split() if progress.exists() else []
            return {
                "timeout": True,
                "wall_s": time.perf_counter() - start,
                "peak_mib": usage.ru_maxrss / 1024.0,
                "progress": (int(done[0]), float(done[1])) if done else None,
            }
        time.sleep(0.02)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak_mib = usage.ru_maxrss / 1024.0  # KiB on Linux
    cpu_s = usage.ru_utime + usage.ru_stime
    if not out.exists():
        return {
            "ok": False,
            "error": f"child exited {proc.returncode}: {err.decode(errors='replace')[-500:]}",
            "wall_s": wall,
            "peak_mib": peak_mib,
        }
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    result["wall_s"] = wall
    result["peak_mib"] = peak_mib
    result["cpu_s"] = cpu_s
    result["load1"] = os.getloadavg()[0]
    if result.get("ok"):
        result["work_s"] = result.get("read_s", 0.0) + result.get("count_s", 0.0)
        result["work_cpu_s"] = result.get("read_cpu_s", 0.0) + result.get("count_cpu_s", 0.0)
    return result


def measure(tool: str, workload: dict[str, Any], settings: Settings, python: Path) -> Measurement:
    """Run ``tool`` on ``workload`` up to ``settings.repeats`` times."""
    m = Measurement(tool, "ok")
    for _ in range(settings.repeats):
        r = _run_child(python, tool, workload, settings.timeout)
        if r.get("timeout"):
            if not m.runs:
                m.status = "timeout"
                m.note = f"> {_duration(settings.timeout)} (timed out)"
                m.peak_mib = r.get("peak_mib")
                if r.get("progress") and len(workload["files"]) > 1:
                    k, t = r["progress"]
                    n = len(workload["files"])
                    m.note += f"; {k} of {n} contests done in {t:.0f} s"
                    if k:
                        m.note += f", about {t * n / k / 60:.0f} min for all at that rate"
            break
        if not r.get("ok"):
            m.status = "error"
            m.note = str(r.get("error", "failed"))[:300]
            m.runs = [r]
            break
        m.runs.append(r)
        if r["wall_s"] > settings.single_run_after:
            break
    return m


def tools_for(workload: dict[str, Any], has_peers: bool) -> list[str]:
    """The tools that apply to a workload, tallyroom first."""
    tools = ["tallyroom"]
    if workload["kind"] == "csv":
        tools += ["tallyroom read only", "pyarrow read (floor)"]
    if workload["kind"] == "ess":
        tools.append("calamine read (floor)")
    if has_peers and workload["kind"] in ("csv", "blt", "soi"):
        from .tools_peers import PEERS

        tools += [name for name, (_, method, _) in PEERS.items() if method == workload["method"]]
    return tools


def compare(own: dict[str, Any], peer: dict[str, Any], same_rules: bool) -> dict[str, Any]:
    """Agreement of a peer's winners with tallyroom's, contest by contest."""
    mine: dict[str, list[str]] = own.get("winners", {})
    theirs: dict[str, list[str]] = peer.get("winners", {})
    ties: dict[str, int] = own.get("ties", {})
    differ = sorted(c for c in mine if c in theirs and mine[c] != theirs[c])
    unexplained = [c for c in differ if same_rules and c not in ties]
    return {
        "contests": len([c for c in mine if c in theirs]),
        "agree": len([c for c in mine if c in theirs and mine[c] == theirs[c]]),
        "differ": differ[:20],
        "n_differ": len(differ),
        "tie_dependent": [c for c in differ if c in ties][:20],
        "unexplained": unexplained[:20],
        "n_unexplained": len(unexplained),
        "same_rules": same_rules,
    }


def _projected_too_slow(
    previous: dict[str, Any] | None, workload: dict[str, Any], timeout: float
) -> str | None:
    if previous is None:
        return None
    if previous["status"] == "timeout":
        return f"skipped: timed out at {previous['size']:,} ballots"
    if (
        previous["status"] == "ok"
        and previous.get("work_s") is not None
        and workload.get("n_ballots")
    ):
        scale = workload["n_ballots"] / previous["size"]
        startup = max(previous["wall_s"] - previous["work_s"], 0.0)
        projected = startup + previous["work_s"] * scale
        if projected > timeout:
            return (
                f"skipped: projected > {_duration(timeout)} "
                f"({previous['work_s']:.1f} s of work at {previous['size']:,} x {scale:.0f}"
                f" + {startup:.0f} s start-up)"
            )
    return None


def run(
    workloads: list[dict[str, Any]],
    settings: Settings,
    on_record: Callable[[list[dict[str, Any]]], None] | None = None,
) -> list[dict[str, Any]]:
    """Measure every tool on every workload; returns one record per workload.

    ``on_record`` is called with the records so far after each workload (to save
    partial results of a long run)."""
    own_python = Path(sys.executable)
    peer_py = settings.peers_python
    last_in_series: dict[tuple[str, str], dict[str, Any]] = {}
    records = []
    for wl in workloads:
        rows: list[dict[str, Any]] = []
        own_summary: dict[str, Any] | None = None
        for tool in tools_for(wl, peer_py is not None):
            if settings.tools is not None and tool not in settings.tools:
                continue
            key = (wl["series"], tool)
            why = _projected_too_slow(last_in_series.get(key), wl, settings.timeout)
            if tool == "tallyroom" and wl.get("tallyroom_missing"):
                why = "not run: " + wl["tallyroom_missing"]
            if why:
                s = {"tool": tool, "status": "skipped", "note": why}
                rows.append(s)
                if settings.log:
                    print(f"  {wl['name']}: {tool}: {why}", file=sys.stderr, flush=True)
                continue
            python = own_python if tool in OWN_TOOLS else peer_py
            assert python is not None
            m = measure(tool, wl, settings, python)
            s = m.summary()
            rows.append(s)
            if wl.get("n_ballots"):
                last_in_series[key] = {**s, "size": wl["n_ballots"]}
            if tool == "tallyroom" and m.status == "ok":
                own_summary = s
            if settings.log:
                t = s.get("work_s")
                shown = f"{t:.3f} s" if t is not None else s["note"]
                print(f"  {wl['name']}: {tool}: {s['status']} {shown}", file=sys.stderr, flush=True)
        _add_ratios_and_agreement(rows, own_summary)
        records.append({"workload": _public(wl), "results": rows})
        if on_record is not None:
            on_record(records)
    return records


def _add_ratios_and_agreement(rows: list[dict[str, Any]], own: dict[str, Any] | None) -> None:
    from .tools_peers import PEERS

    base = own.get("work_s") if own else None
    for r in rows:
        if base and r.get("work_s") is not None:
            r["ratio"] = r["work_s"] / base
        cpu_base = own.get("work_cpu_s") if own else None
        if cpu_base and r.get("work_cpu_s") is not None:
            r["cpu_ratio"] = r["work_cpu_s"] / cpu_base
        if own and r["tool"] in PEERS and r["status"] == "ok":
            r["agreement"] = compare(own, r, PEERS[r["tool"]][2])


def _public(wl: dict[str, Any]) -> dict[str, Any]:
    """The workload as recorded in the results (file list shortened)."""
    out = {k: v for k, v in wl.items() if k != "files"}
    out["n_files"] = len(wl["files"])
    out["files"] = [Path(f).name for f in wl["files"][:3]] + (
        ["..."] if len(wl["files"]) > 3 else []
    )
    return out


def disagreements(records: list[dict[str, Any]]) -> list[str]:
    """Unexplained winner disagreements with a peer claiming the same rules."""
    out = []
    for rec in records:
        for r in rec["results"]:
            a = r.get("agreement")
            if a and a["n_unexplained"]:
                out.append(
                    f"{rec['workload']['name']}: {r['tool']} elects differently in "
                    f"{a['n_unexplained']} contest(s): {', '.join(a['unexplained'][:5])}"
                )
    return out


def errors(records: list[dict[str, Any]]) -> list[str]:
    """tallyroom failures (a peer's failure is a finding, not ours)."""
    return [
        f"{rec['workload']['name']}: {r['note']}"
        for rec in records
        for r in rec["results"]
        if r["tool"] == "tallyroom" and r["status"] in ("error", "timeout")
    ]
