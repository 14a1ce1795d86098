"""The benchmark harness's quick mode: tiny synthetic workloads, fresh processes.

It runs tallyroom, the pyarrow floor and every peer importable in the test
environment (pref_voting is in the dev extra; VoteKit, pyrankvote and
rcv-cruncher when installed) and fails only when tallyroom errs or a peer that
claims the same rules elects someone else where tallyroom broke no tie.
Timing is recorded, never asserted.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks import generate, harness, workloads
from benchmarks.tools_peers import PEERS

#: peer tool -> the module it needs
_MODULES = {
    "votekit": "votekit",
    "pref_voting": "pref_voting",
    "pyrankvote": "pyrankvote",
    "rcv-cruncher": "rcv_cruncher",
}


def _importable_peers() -> tuple[str, ...]:
    return tuple(
        tool for tool in PEERS if importlib.util.find_spec(_MODULES[tool.split()[0]]) is not None
    )


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    data = tmp_path_factory.mktemp("bench")
    chosen = [
        w
        for w in workloads.synthetic(data, quick=True)
        if w["name"].startswith(("synthetic IRV 10c", "synthetic STV3 10c", "synthetic STV5 20c"))
    ]
    for w in chosen:
        generate.generate(Path(w["files"][0]), w["n_ballots"], w["n_candidates"], w["seed"])
    settings = harness.Settings(
        repeats=1,
        timeout=600.0,
        peers_python=Path(sys.executable),
        tools=("tallyroom", "pyarrow read (floor)", *_importable_peers()),
        log=False,
    )
    return harness.run(chosen, settings)


def test_generator_is_seeded(tmp_path: Path) -> None:
    a = generate.generate(tmp_path / "a.csv", 500, 10, seed=3)
    b = generate.generate(tmp_path / "b.csv", 500, 10, seed=3)
    c = generate.generate(tmp_path / "c.csv", 500, 10, seed=4)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    lines = a.read_text().splitlines()
    assert lines[0] == ",".join(f"rank{i}" for i in range(1, 11))
    assert len(lines) == 501
    # truncated rankings: blanks only after the last preference, never a repeat
    for line in lines[1:]:
        cells = line.split(",")
        marked = [c for c in cells if c]
        assert cells[: len(marked)] == marked
        assert len(set(marked)) == len(marked) >= 1


def test_tallyroom_counts_every_workload(records: list[dict[str, Any]]) -> None:
    assert harness.errors(records) == []
    for rec in records:
        own = next(r for r in rec["results"] if r["tool"] == "tallyroom")
        assert own["status"] == "ok", own
        assert own["papers"] == rec["workload"]["n_ballots"]
        (winners,) = own["winners"].values()
        assert len(winners) == rec["workload"]["seats"]


def test_peers_agree_on_winners(records: list[dict[str, Any]]) -> None:
    assert harness.disagreements(records) == []
    if not _importable_peers():
        pytest.skip("no peer library importable in this environment")
    compared = [r["agreement"] for rec in records for r in rec["results"] if r.get("agreement")]
    assert compared, "no peer produced winners to compare"
