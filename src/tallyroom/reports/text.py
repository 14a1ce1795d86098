"""The text result sheet: the round-by-round table for a terminal."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from ..count import Count
from ..numbers import format_exact
from ..registry import ReportSpec
from ._table import text_table

__all__ = ["render", "register_report_renderers"]


def _q(x: Fraction | None) -> str:
    return "" if x is None else format_exact(x)


def render(count: Count, options: Mapping[str, Any] | None = None) -> str:
    lines: list[str] = []
    title = count.title or "Result"
    lines.append(f"{title}")
    lines.append(f"Method: {count.method}    Seats: {count.seats}    tallyroom {count.version}")
    lines.append(
        f"Valid papers: {count.valid_papers}    Rejected: {count.rejected_total}    "
        f"Total: {count.total_papers}"
    )
    lines.append("")
    header = ["Candidate"] + [f"R{r.number}" for r in count.rounds]
    rows: list[list[str]] = []
    for name in count.candidate_names:
        if not any(name in r.tally for r in count.rounds):
            continue
        rows.append([name] + [_q(r.tally.get(name)) for r in count.rounds])
    reasons: list[str] = []
    for r in count.rounds:
        for k in r.exhausted:
            if k not in reasons:
                reasons.append(k)
    for k in reasons:
        rows.append(
            [f"Exhausted: {k}"] + [_q(r.exhausted.get(k, Fraction(0))) for r in count.rounds]
        )
    if any(r.loss_to_fractions for r in count.rounds):
        rows.append(["Loss to fractions"] + [_q(r.loss_to_fractions) for r in count.rounds])
    if any(r.threshold is not None for r in count.rounds):
        rows.append(["Threshold"] + [_q(r.threshold) for r in count.rounds])
    lines.append(text_table(header, rows))
    lines.append("")
    for r in count.rounds:
        events = []
        if r.action:
            events.append(r.action)
        events += [f"elected {d.candidate} ({d.reason})" for d in r.elected]
        events += [f"excluded {d.candidate} ({d.reason})" for d in r.excluded]
        lines.append(f"Round {r.number}: " + "; ".join(events))
        for t in r.ties:
            lines.append(
                f"  tie ({t.kind}) between {', '.join(t.tied)}: {t.rule} -> {', '.join(t.chosen)}"
                + (f" [{t.detail}]" if t.detail else "")
            )
        for note in r.notes:
            lines.append(f"  note: {note}")
    if count.rejected:
        lines.append("")
        lines.append("Rejected papers:")
        for head, n in count.rejected.items():
            lines.append(f"  {head}: {n}")
    lines.append("")
    lines.append("Elected: " + (", ".join(count.elected) if count.elected else "(none)"))
    if count.inputs:
        lines.append("")
        lines.append("Inputs:")
        for i in count.inputs:
            lines.append(f"  {i.path}  sha256 {i.sha256}")
    return "\n".join(lines) + "\n"


def register_report_renderers() -> list[ReportSpec]:
    return [
        ReportSpec(
            name="text",
            title="Text result sheet (round by round)",
            extension=".txt",
            media_type="text/plain",
            render=render,
        )
    ]
