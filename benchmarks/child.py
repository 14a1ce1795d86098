"""Child-process entry: run one tool on one workload, write its result as JSON.

``python -m benchmarks.child SPEC.json OUT.json`` where SPEC holds
``{"tool": name, "workload": {...}}``. The parent measures wall time and peak
memory (``ru_maxrss`` from ``os.wait4``) of this process; this process times the
reading and counting phases itself (after interpreter start-up and imports of
the harness, before the tool's own imports).
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from typing import Any


def _tool(name: str) -> Any:
    if name in (
        "tallyroom",
        "tallyroom read only",
        "pyarrow read (floor)",
        "calamine read (floor)",
    ):
        from .tools_tallyroom import OWN

        return OWN[name]
    from .tools_peers import PEERS

    return PEERS[name][0]


def main(argv: list[str]) -> int:
    spec_path, out_path = argv
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    t0 = time.perf_counter()
    try:
        result: dict[str, Any] = _tool(spec["tool"])(spec["workload"])
        result["ok"] = True
    except Exception as exc:  # reported in the table, never hidden
        result = {
            "ok": False,
            "error": f"{type(exc).__name__}: {exc}"[:500],
            "traceback": traceback.format_exc()[-2000:],
        }
    result["inside_s"] = time.perf_counter() - t0
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(result, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
