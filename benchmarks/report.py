"""The machine description, the results table (Markdown) and merging of result files."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine(peers_python: Path | None) -> dict[str, Any]:
    """CPU, cores, memory, Python and library versions of this run."""
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            kib = int(f.readline().split()[1])
            mem = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    info: dict[str, Any] = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": mem,
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "versions": {n: _version(n) for n in ("tallyroom", "numpy", "pyarrow", "python-calamine")},
    }
    if peers_python is not None:
        code = (
            "import json, importlib.metadata as m\n"
            "out = {}\n"
            "for n in ('votekit', 'pref_voting', 'pyrankvote', 'rcv-cruncher', 'pandas', 'numpy'):\n"
            "    try: out[n] = m.version(n)\n"
            "    except m.PackageNotFoundError: out[n] = 'not installed'\n"
            "print(json.dumps(out))"
        )
        res = subprocess.run([str(peers_python), "-c", code], capture_output=True, text=True)
        if res.returncode == 0:
            info["peer_versions"] = json.loads(res.stdout)
    return info


def _fmt_s(v: float | None) -> str:
    if v is None:
        return ""
    if v < 0.01:
        return f"{v * 1000:.2f} ms"
    if v < 1:
        return f"{v * 1000:.0f} ms"
    return f"{v:.2f} s" if v < 100 else f"{v:.0f} s"


def _agreement(r: dict[str, Any]) -> str:
    a = r.get("agreement")
    if not a:
        return ""
    text = f"{a['agree']}/{a['contests']}"
    if a["n_differ"]:
        if a["n_unexplained"]:
            text += f" DISAGREE ({', '.join(a['unexplained'][:3])})"
        elif a["tie_dependent"]:
            text += " (rest: ties broken differently)"
        else:
            text += " (rest: different STV rules)"
    return text


def table(records: list[dict[str, Any]]) -> str:
    """One Markdown table: a row per (workload, tool)."""
    lines = [
        "| workload | tool | read | count | read+count | ratio to tallyroom | process wall | "
        "process CPU | peak RSS | load | winners agree | note |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for rec in records:
        name = rec["workload"]["name"]
        for r in rec["results"]:
            ratio = f"{r['ratio']:.2f}x" if r.get("ratio") is not None else ""
            peak = f"{r['peak_mib']:.0f} MiB" if r.get("peak_mib") is not None else ""
            load = f"{r['load1']:.1f}" if r.get("load1") is not None else ""
            note = r.get("note", "")
            if r["tool"] == "tallyroom" and r.get("distinct"):
                note = f"{r['distinct']:,} distinct rankings" + (f"; {note}" if note else "")
            if r.get("n_runs"):
                note = (note + "; " if note else "") + f"median of {r['n_runs']}"
            lines.append(
                f"| {name} | {r['tool']} | {_fmt_s(r.get('read_s'))} | {_fmt_s(r.get('count_s'))} | "
                f"{_fmt_s(r.get('work_s')) or r['status']} | {ratio} | {_fmt_s(r.get('wall_s'))} | "
                f"{_fmt_s(r.get('cpu_s'))} | {peak} | {load} | {_agreement(r)} | "
                f"{note.replace('|', '/')} |"
            )
    return "\n".join(lines)


def merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Results of ``new`` over ``old``: a (workload, tool) measured anew replaces the old row."""
    by_name = {rec["workload"]["name"]: rec for rec in old.get("records", [])}
    for rec in new["records"]:
        name = rec["workload"]["name"]
        if name not in by_name:
            by_name[name] = rec
            continue
        fresh = {r["tool"]: r for r in rec["results"]}
        rows = [fresh.pop(r["tool"], r) for r in by_name[name]["results"]]
        by_name[name] = {"workload": rec["workload"], "results": rows + list(fresh.values())}
    order = [rec["workload"]["name"] for rec in new["records"]]
    order += [n for n in (rec["workload"]["name"] for rec in old.get("records", [])) if n not in order]
    return {**new, "records": [by_name[n] for n in order], "merged_from": old.get("started")}
