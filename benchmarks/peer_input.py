"""Plain-Python readers for the peers, which have no reader for these files.

Standard library only: this module runs inside the peers' virtualenv, where
tallyroom is not installed. Each reader returns a :class:`Contest`: candidate
names in ballot order, seats, and the distinct rankings (tuples of names) with
their number of papers, in file order.

The peers' own loaders are used where they have one (VoteKit's
``load_ranking_csv`` for the synthetic CSVs); these readers serve the rest, and
their time is counted as the peer's reading time.
"""

from __future__ import annotations

import csv
import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class Progress:
    """Writes "contests done, seconds" to the workload's progress file, so that a
    run killed at the timeout can still say how far it got."""

    def __init__(self, workload: dict[str, Any]) -> None:
        self.path = workload.get("_progress")
        self.start = time.perf_counter()
        self.last = 0.0

    def done(self, n: int) -> None:
        now = time.perf_counter()
        if self.path and now - self.last > 1.0:
            self.last = now
            with open(self.path, "w", encoding="utf-8") as f:
                f.write(f"{n} {now - self.start:.3f}")


@dataclass(frozen=True)
class Contest:
    """One contest's papers, grouped: ``rankings[i]`` was marked on ``counts[i]`` papers."""

    name: str
    candidates: tuple[str, ...]
    seats: int
    rankings: tuple[tuple[str, ...], ...]
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)

    def papers(self) -> list[tuple[str, ...]]:
        """One ranking per paper (for tools that want a list of ballots)."""
        out: list[tuple[str, ...]] = []
        for r, n in zip(self.rankings, self.counts, strict=True):
            out.extend([r] * n)
        return out


def read_csv_rows(path: Path) -> tuple[list[str], list[tuple[str, ...]]]:
    """Header and one ranking per paper from a ``rank1..rankN`` CSV (blanks dropped)."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        papers = [tuple(c for c in row if c) for row in reader]
    return header, papers


def read_csv(path: Path, seats: int) -> Contest:
    """A synthetic ranked CSV, grouped with a Counter."""
    _, papers = read_csv_rows(path)
    counter = Counter(papers)
    names = sorted({c for r in counter for c in r})
    return Contest(path.name, tuple(names), seats, tuple(counter), tuple(counter.values()))


_PREFLIB_NAME = re.compile(r"^#\s*ALTERNATIVE NAME \d+:\s*")


def read_blt(path: Path) -> Contest:
    """An OpenSTV/ERS BLT file (tolerates the trailing commas of the Scottish files)."""
    text = path.read_text(encoding="utf-8-sig")
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    head = lines[0].replace(",", " ").split()
    n_cand, seats = int(head[0]), int(head[1])
    i = 1
    raw: list[tuple[tuple[int, ...], int]] = []
    while True:
        parts = lines[i].replace(",", " ").split()
        i += 1
        if parts == ["0"]:
            break
        weight = int(parts[0])
        prefs = tuple(int(p) for p in parts[1:] if p != "0")
        raw.append((prefs, weight))
    names: list[str] = []
    while len(names) < n_cand:
        # Names are only for display (winners are compared by ballot position): the
        # line without quotes, commas or colons (VoteKit reserves ':').
        label = _PREFLIB_NAME.sub("", lines[i])
        i += 1
        name = " ".join(label.replace('"', " ").replace(":", " ").replace(",", " ").split())
        names.append(name or f"candidate {len(names) + 1}")
    title = lines[i].strip('"') if i < len(lines) else path.stem
    names = _unique(names)
    grouped: dict[tuple[str, ...], int] = {}
    for prefs, w in raw:
        key = tuple(names[p - 1] for p in prefs)
        grouped[key] = grouped.get(key, 0) + w
    return Contest(title, tuple(names), seats, tuple(grouped), tuple(grouped.values()))


def _unique(names: list[str]) -> list[str]:
    """Names made unique (some contests have two candidates of one name): ``Name #2``."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} #{seen[n]}")
    return out


def read_soi(path: Path) -> Contest:
    """A PrefLib ``.soi`` file (strict orders, incomplete), one seat."""
    names: dict[int, str] = {}
    title = path.stem
    rankings: list[tuple[str, ...]] = []
    counts: list[int] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                if line.startswith("# ALTERNATIVE NAME"):
                    key, _, value = line[len("# ALTERNATIVE NAME ") :].partition(":")
                    names[int(key)] = value.strip()
                elif line.startswith("# TITLE:"):
                    title = line.split(":", 1)[1].strip()
                continue
            count, _, prefs = line.partition(":")
            if not prefs.strip():
                continue
            rankings.append(tuple(names[int(p)] for p in prefs.split(",")))
            counts.append(int(count))
    ordered = tuple(names[k] for k in sorted(names))
    return Contest(title, ordered, 1, tuple(rankings), tuple(counts))


def read_contest(kind: str, path: Path, seats: int) -> Contest:
    """Dispatch on the workload's file kind."""
    if kind == "csv":
        return read_csv(path, seats)
    if kind == "blt":
        return read_blt(path)
    if kind == "soi":
        return read_soi(path)
    raise ValueError(f"no plain reader for {kind!r} files")
