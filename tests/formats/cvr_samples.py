"""RCTab's sample CVRs (tests/data/rctab_cvr_samples) and helpers to read their configs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tallyroom.ballots.candidates import Candidate

SAMPLES = Path(__file__).parent.parent / "data" / "rctab_cvr_samples"


def config(path: Path) -> dict[str, Any]:
    """An RCTab contest config as plain data."""
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def candidates(cfg: dict[str, Any]) -> list[Candidate]:
    """The config's candidates, in its order."""
    return [Candidate(c["name"]) for c in cfg["candidates"]]


def aliases(cfg: dict[str, Any]) -> dict[str, str]:
    """The config's aliases: {CVR text: candidate name}."""
    return {a: c["name"] for c in cfg["candidates"] for a in c.get("aliases", [])}
