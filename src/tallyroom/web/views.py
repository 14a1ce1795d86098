"""What the results pages show, taken from the :class:`Count` (presentation only, no counting).

The summary, the round-by-round table, bar charts of each round and the
transfers are all read off the round log, like every other report.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..count import Count
from ..numbers import format_exact, format_fixed, parse_exact
from ..registry import ReportSpec, reports

__all__ = ["Bar", "ResultsView", "downloads", "grouped", "results_view"]


def grouped(value: Fraction | int | str) -> str:
    """A vote quantity for people: thousands grouped, exact (``1,206,034``; ``21.78``; ``1/3``)."""
    x = parse_exact(value) if isinstance(value, str) else Fraction(value)
    text = format_exact(x)
    if "/" in text:
        # a non-terminating fraction: show 5 decimals (truncated) beside the exact value
        return f"{_group(format_fixed(x, 5))}… ({text})"
    return _group(text)


def _group(text: str) -> str:
    sign = "-" if text.startswith("-") else ""
    body = text.lstrip("-")
    whole, dot, frac = body.partition(".")
    return f"{sign}{int(whole):,}{dot}{frac}"


@dataclass(frozen=True)
class Bar:
    """One bar of a round chart: label, value text and width in per cent of the largest."""

    label: str
    value: str
    percent: float
    status: str


@dataclass(frozen=True)
class ResultsView:
    """Everything a results page shows."""

    title: str
    method: str
    seats: int
    elected: list[str]
    valid_papers: str
    valid_total: str
    rejected: list[tuple[str, str]]
    rejected_total: str
    round_numbers: list[int]
    table: list[dict[str, Any]]
    exhausted_row: list[str]
    fractions_row: list[str]
    thresholds: list[str]
    charts: list[dict[str, Any]]
    transfers: list[dict[str, Any]]
    received: list[dict[str, Any]]
    ties: list[str]
    notes: list[str]
    rules: dict[str, Any]
    inputs: list[tuple[str, str]]


def results_view(count: Count) -> ResultsView:
    rounds = count.rounds
    elected_at: dict[str, int] = {}
    excluded_at: dict[str, int] = {}
    for r in rounds:
        for d in r.elected:
            elected_at.setdefault(d.candidate, r.number)
        for d in r.excluded:
            excluded_at.setdefault(d.candidate, r.number)
    table = []
    for c in count.candidates:
        cells = [grouped(r.tally[c.name]) if c.name in r.tally else "" for r in rounds]
        status = (
            "elected" if c.name in count.elected else "excluded" if c.name in excluded_at else ""
        )
        table.append({"name": c.name, "party": c.party or "", "cells": cells, "status": status})
    charts = []
    for r in rounds:
        top = max(r.tally.values(), default=Fraction(0))
        ordered = sorted(
            r.tally.items(), key=lambda kv: (-kv[1], count.candidate_names.index(kv[0]))
        )
        bars = [
            Bar(
                label=name,
                value=grouped(v),
                percent=float(v / top * 100) if top else 0.0,
                status="elected"
                if elected_at.get(name, 10**9) <= r.number
                else "excluded"
                if excluded_at.get(name) == r.number
                else "",
            )
            for name, v in ordered
        ]
        charts.append({"round": r.number, "action": r.action, "bars": bars})
    transfers = []
    for r in rounds:
        for src, flows in r.transfers.items():
            for dst, amount in flows.items():
                transfers.append(
                    {"round": r.number, "from": src, "to": dst, "votes": grouped(amount)}
                )
    received = []
    for r in rounds:
        totals: dict[str, Fraction] = {}
        for flows in r.transfers.values():
            for dst, amount in flows.items():
                totals[dst] = totals.get(dst, Fraction(0)) + amount
        names = count.candidate_names
        for dst in sorted(totals, key=lambda d: (names.index(d) if d in names else len(names), d)):
            received.append({"round": r.number, "to": dst, "votes": grouped(totals[dst])})
    ties = [
        f"Round {r.number}: {t.kind} tie between {', '.join(t.tied)} decided by {t.rule} "
        f"for {', '.join(t.chosen)}. {t.detail}".strip()
        for r in rounds
        for t in r.ties
    ]
    return ResultsView(
        title=count.title or "Election",
        method=count.method,
        seats=count.seats,
        elected=[f"{n} ({count.party_of(n)})" if count.party_of(n) else n for n in count.elected],
        valid_papers=f"{count.valid_papers:,}",
        valid_total=grouped(count.valid_total),
        rejected=[(head, f"{n:,}") for head, n in count.rejected.items()],
        rejected_total=f"{count.rejected_total:,}",
        round_numbers=[r.number for r in rounds],
        table=table,
        exhausted_row=[grouped(r.exhausted_total) for r in rounds],
        fractions_row=[grouped(r.loss_to_fractions) for r in rounds],
        thresholds=["" if r.threshold is None else grouped(r.threshold) for r in rounds],
        charts=charts,
        transfers=transfers,
        received=received,
        ties=ties,
        notes=[f"Round {r.number}: {n}" for r in rounds for n in r.notes],
        rules=dict(count.rules),
        inputs=[(i.path, i.sha256) for i in count.inputs],
    )


def downloads() -> list[ReportSpec]:
    """Every report renderer registered now, in registry order (native JSON first)."""
    specs = list(reports().values())
    return sorted(specs, key=lambda s: 0 if s.name == "json" else 1)
