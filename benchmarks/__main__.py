"""``python -m benchmarks``: tallyroom against its peers and the reading floor.

Commands::

    python -m benchmarks setup-peers            # virtualenv benchmarks/.peers with the peers
    python -m benchmarks run [--quick] [--workloads SUBSTR ...] [--tools NAME ...]
                             [--output results.json] [--merge old.json]
                             [--repeats 3] [--timeout 900] [--data-root ../shared]
    python -m benchmarks generate N_BALLOTS N_CANDIDATES [--seed 7]
    python -m benchmarks merge A.json B.json ... [--output results.json]   # later rows win
    python -m benchmarks doc results.json [--run "description"]   # writes docs/performance.md

``run`` prints a Markdown table and writes JSON (default
``benchmarks/results/results[-quick].json``). It exits 1 if tallyroom fails on a
workload or if a peer that claims the same rules elects different candidates in
a contest where tallyroom broke no tie; never because of timing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from . import generate, harness, report, workloads

PEER_PACKAGES = ("votekit", "pref_voting", "pyrankvote", "rcv-cruncher")


def _setup_peers(args: argparse.Namespace) -> int:
    venv = harness.PEERS_DIR
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    result = subprocess.run(pip + list(PEER_PACKAGES), check=False)
    if result.returncode:
        print("some peers failed to install; installing one by one", file=sys.stderr)
        for pkg in PEER_PACKAGES:
            subprocess.run(pip + [pkg], check=False)
    print(json.dumps(report.machine(harness.peers_python()).get("peer_versions", {}), indent=1))
    return 0


def _select(all_wl: list[dict[str, Any]], patterns: list[str] | None) -> list[dict[str, Any]]:
    if not patterns:
        return all_wl
    return [w for w in all_wl if any(p.lower() in w["name"].lower() for p in patterns)]


def _prepare(selected: list[dict[str, Any]]) -> None:
    for w in selected:
        if w["kind"] == "csv" and "seed" in w:
            path = Path(w["files"][0])
            if not path.exists():
                print(f"generating {path.name}", file=sys.stderr, flush=True)
                generate.generate(path, w["n_ballots"], w["n_candidates"], w["seed"])


def _available_methods() -> set[str]:
    from tallyroom.registry import methods

    return set(methods())


def _run(args: argparse.Namespace) -> int:
    data_root = Path(args.data_root).resolve()
    data_dir = harness.REPO / "benchmarks" / "results" / "data"
    selected = _select(workloads.all_workloads(data_dir, data_root, args.quick), args.workloads)
    from .tools_tallyroom import METHODS

    have = _available_methods()
    skipped = [w["name"] for w in selected if METHODS[w["method"]] not in have]
    for w in selected:
        if w["name"] in skipped:
            w["tallyroom_missing"] = f"tallyroom has no method {METHODS[w['method']]!r} yet"
    _prepare(selected)
    settings = harness.Settings(
        repeats=args.repeats or (1 if args.quick else 3),
        timeout=args.timeout,
        peers_python=None if args.no_peers else harness.peers_python(),
        tools=tuple(args.tools) if args.tools else None,
    )
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    out = (
        Path(args.output)
        if args.output
        else (
            harness.REPO
            / "benchmarks"
            / "results"
            / ("results-quick.json" if args.quick else "results.json")
        )
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.stem + ".partial.json")

    def save_partial(records: list[dict[str, Any]]) -> None:
        partial.write_text(json.dumps({"started": started, "records": records}, indent=1))

    records = harness.run(selected, settings, save_partial)
    result: dict[str, Any] = {
        "started": started,
        "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "quick": args.quick,
        "settings": {"repeats": settings.repeats, "timeout_s": settings.timeout},
        "machine": report.machine(settings.peers_python),
        "data_root": str(data_root),
        "not_run": skipped,
        "records": records,
    }
    if args.merge and Path(args.merge).exists():
        result = report.merge(json.loads(Path(args.merge).read_text(encoding="utf-8")), result)
        for rec in result["records"]:
            own = next(
                (r for r in rec["results"] if r["tool"] == "tallyroom" and r["status"] == "ok"),
                None,
            )
            harness._add_ratios_and_agreement(rec["results"], own)
    out.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(report.table(result["records"]))
    print()
    print(report.targets(result["records"]))
    print(f"\nresults written to {out}", file=sys.stderr)
    problems = harness.errors(result["records"]) + harness.disagreements(result["records"])
    for p in problems:
        print(f"FAIL: {p}", file=sys.stderr)
    return 1 if problems else 0


def _merge(args: argparse.Namespace) -> int:
    result: dict[str, Any] = {}
    for path in args.inputs:
        new = json.loads(Path(path).read_text(encoding="utf-8"))
        result = report.merge(result, new) if result else new
    for rec in result["records"]:
        own = next(
            (r for r in rec["results"] if r["tool"] == "tallyroom" and r["status"] == "ok"), None
        )
        harness._add_ratios_and_agreement(rec["results"], own)
    result["records"] = report.ordered(result["records"])
    result["merged_from"] = list(args.inputs)
    if args.output:
        Path(args.output).write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    print(report.table(result["records"]))
    print()
    print(report.targets(result["records"]))
    problems = harness.errors(result["records"]) + harness.disagreements(result["records"])
    for p in problems:
        print(f"FAIL: {p}", file=sys.stderr)
    return 1 if problems else 0


def _doc(args: argparse.Namespace) -> int:
    from . import phases

    result = json.loads(Path(args.results).read_text(encoding="utf-8"))
    m = result.get("machine") or report.machine(harness.peers_python())
    if not m.get("peer_versions"):
        m["peer_versions"] = report.machine(harness.peers_python()).get("peer_versions", {})
    machine = (
        f"{m['cpu']}, {m['cores']} cores, {m['memory']} RAM, {m['os']}, Python {m['python']}; "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
        + "; peers: "
        + ", ".join(f"{k} {v}" for k, v in m.get("peer_versions", {}).items())
    )
    measured = phases.measure(harness.REPO / "benchmarks" / "results" / "data")
    template = (harness.REPO / "benchmarks" / "performance.md.in").read_text(encoding="utf-8")
    text = (
        template.replace("{{MACHINE}}", machine)
        .replace("{{RUN}}", args.run or str(result.get("started", "")))
        .replace("{{TARGETS}}", report.targets(result["records"]))
        .replace("{{TABLE}}", report.table(result["records"]))
        .replace("{{PHASES}}", phases.table(measured))
    )
    out = harness.REPO / "docs" / "performance.md"
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")
    return 0


def _generate(args: argparse.Namespace) -> int:
    root = harness.REPO / "benchmarks" / "results" / "data"
    path = generate.ensure(root, args.n_ballots, args.n_candidates, args.seed)
    print(path)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup-peers", help="create benchmarks/.peers with the peer libraries")
    r = sub.add_parser("run", help="run the benchmarks, print the table, write JSON")
    r.add_argument("--quick", action="store_true", help="tiny sizes, one run each (for CI)")
    r.add_argument("--workloads", nargs="*", help="only workloads whose name contains one of these")
    r.add_argument("--tools", nargs="*", help="only these tools (e.g. tallyroom 'votekit FastIRV')")
    r.add_argument("--output", help="JSON results file")
    r.add_argument("--merge", help="keep rows of this earlier results file not measured anew")
    r.add_argument("--repeats", type=int, default=0, help="runs per measurement (median)")
    r.add_argument("--timeout", type=float, default=900.0, help="seconds before a run is killed")
    r.add_argument("--no-peers", action="store_true", help="tallyroom and the floors only")
    r.add_argument(
        "--data-root",
        default=str(harness.REPO.parent / "shared"),
        help="folder holding data/ and conformance/ (the real elections)",
    )
    m = sub.add_parser(
        "merge", help="combine result files (later rows win), print table and targets"
    )
    m.add_argument("inputs", nargs="+")
    m.add_argument("--output")
    d = sub.add_parser("doc", help="write docs/performance.md from a results file")
    d.add_argument("results")
    d.add_argument("--run", help="how the results were produced (shown in the page)")
    g = sub.add_parser("generate", help="write one synthetic ballot file")
    g.add_argument("n_ballots", type=int)
    g.add_argument("n_candidates", type=int)
    g.add_argument("--seed", type=int, default=workloads.SEED)
    args = parser.parse_args(argv)
    if args.command == "setup-peers":
        return _setup_peers(args)
    if args.command == "run":
        return _run(args)
    if args.command == "merge":
        return _merge(args)
    if args.command == "doc":
        return _doc(args)
    return _generate(args)


if __name__ == "__main__":
    sys.exit(main())
