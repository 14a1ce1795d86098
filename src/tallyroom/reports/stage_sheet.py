"""The stage sheet: the candidates × stages table Scottish and Irish returning officers publish.

For every stage (round) of a count it shows each candidate's transfer (the votes
gained or lost at that stage) and total, the non-transferable papers and the loss
by fractions likewise, the quota, and who was elected or excluded. It is a pure
function of the :class:`~tallyroom.count.Count` (``docs/stage-sheet.md``):

* stage 1 is the first round's tally; stage *k* > 1 is round *k*'s tally, and its
  transfer column is what the transfers logged at round *k − 1* moved;
* "Non-transferable" is the count's ``exhausted`` (all reasons together), "Loss by
  fractions" its ``loss_to_fractions``;
* figures are written with the count's ``places`` (its rule set's decimal places)
  when exact at that precision, else exactly (:func:`~tallyroom.numbers.format_exact`);
  nothing is rounded away.

Renderers ``stage-sheet-text`` (plain text) and ``stage-sheet-html`` (one
self-contained, accessible HTML page: a captioned table with row and column headers).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..count import EXHAUSTED, FRACTIONS, Count, Round
from ..errors import ReportError
from ..numbers import format_exact, format_fixed
from ..registry import ReportSpec
from ._table import text_table

__all__ = [
    "Stage",
    "StageSheet",
    "register_report_renderers",
    "render_html",
    "render_text",
    "stage_sheet",
]

OPTIONS = {
    "places": "decimal places to show (default: the count's rule set, else exact figures)",
    "title": "title of the sheet (default: the count's title)",
}


@dataclass(frozen=True, slots=True)
class Stage:
    """One column pair of the sheet. ``None`` in ``totals`` = not continuing (excluded)."""

    number: int
    label: str
    transfers: Mapping[str, Fraction]
    totals: Mapping[str, Fraction | None]
    non_transferable_transfer: Fraction
    non_transferable: Fraction
    loss_transfer: Fraction
    loss: Fraction
    quota: Fraction | None
    elected: tuple[str, ...]
    excluded: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StageSheet:
    """The whole sheet: candidates (rows, in candidate order), stages (columns) and results."""

    title: str
    method: str
    seats: int
    valid_papers: int
    rejected: Mapping[str, int]
    candidates: tuple[str, ...]
    stages: tuple[Stage, ...]
    result: Mapping[str, str]
    elected: tuple[str, ...]
    places: int | None


def _inflows(r: Round) -> tuple[dict[str, Fraction], Fraction, Fraction]:
    """Net change per candidate, to non-transferable, and to fractions, of ``r``'s transfers."""
    net: dict[str, Fraction] = {}
    to_ex = Fraction(0)
    to_frac = Fraction(0)
    for source, flows in r.transfers.items():
        for dest, amount in flows.items():
            net[source] = net.get(source, Fraction(0)) - amount
            if dest == EXHAUSTED:
                to_ex += amount
            elif dest == FRACTIONS:
                to_frac += amount
            else:
                net[dest] = net.get(dest, Fraction(0)) + amount
    return net, to_ex, to_frac


def stage_sheet(count: Count, options: Mapping[str, Any] | None = None) -> StageSheet:
    """Build the :class:`StageSheet` of ``count``."""
    opts = _check(options)
    shown = tuple(n for n in count.candidate_names if any(n in r.tally for r in count.rounds))
    stages: list[Stage] = []
    result: dict[str, str] = {}
    previous: Round | None = None
    for r in count.rounds:
        if previous is None:
            net: dict[str, Fraction] = {}
            to_ex = r.exhausted_total
            to_frac = r.loss_to_fractions
        else:
            net, to_ex, to_frac = _inflows(previous)
        label = r.action or ("First preferences" if previous is None else f"Stage {r.number}")
        stages.append(
            Stage(
                number=r.number,
                label=label,
                transfers={n: net[n] for n in shown if n in net and net[n] != 0},
                totals={n: r.tally.get(n) for n in shown},
                non_transferable_transfer=to_ex,
                non_transferable=r.exhausted_total,
                loss_transfer=to_frac,
                loss=r.loss_to_fractions,
                quota=r.threshold,
                elected=tuple(d.candidate for d in r.elected),
                excluded=tuple(d.candidate for d in r.excluded),
                notes=tuple(
                    [
                        f"tie ({t.kind}) between {', '.join(t.tied)}: {t.rule} chose {', '.join(t.chosen)}"
                        + (f" [{t.detail}]" if t.detail else "")
                        for t in r.ties
                    ]
                    + list(r.notes)
                ),
            )
        )
        for d in r.elected:
            result.setdefault(d.candidate, f"Elected at stage {r.number}")
        for d in r.excluded:
            result.setdefault(d.candidate, f"Excluded at stage {r.number}")
        previous = r
    for n in count.elected:
        result.setdefault(n, "Elected")
    places = opts.get("places", count.rules.get("places"))
    if places is not None and (
        not isinstance(places, int) or isinstance(places, bool) or places < 0
    ):
        raise ReportError(f"places must be a whole number >= 0, not {places!r}")
    return StageSheet(
        title=str(opts.get("title") or count.title or "Result of the count"),
        method=count.method,
        seats=count.seats,
        valid_papers=count.valid_papers,
        rejected=dict(count.rejected),
        candidates=shown,
        stages=tuple(stages),
        result=result,
        elected=count.elected,
        places=places,
    )


def _check(options: Mapping[str, Any] | None) -> dict[str, Any]:
    opts = dict(options or {})
    unknown = sorted(set(opts) - set(OPTIONS))
    if unknown:
        raise ReportError(
            f"unknown stage-sheet option(s) {', '.join(unknown)}; valid options: {', '.join(OPTIONS)}"
        )
    return opts


def _fmt(value: Fraction | None, places: int | None, *, signed: bool = False) -> str:
    if value is None:
        return "-"
    if places is not None and (value * 10**places).denominator == 1:
        text = format_fixed(value, places)
    else:
        text = format_exact(value)
    if signed and value > 0:
        text = "+" + text
    return text


def _quota_line(sheet: StageSheet) -> tuple[str | None, bool]:
    """The quota text if it is the same at every stage, and whether it varies."""
    quotas = {s.quota for s in sheet.stages}
    if len(quotas) == 1:
        q = quotas.pop()
        return (None if q is None else _fmt(q, sheet.places)), False
    return None, True


def _grid(sheet: StageSheet) -> tuple[list[str], list[list[str]], list[list[str]]]:
    """Header cells, candidate rows and footer rows shared by the text and HTML forms."""
    p = sheet.places
    header = ["Candidate"]
    for s in sheet.stages:
        if s.number == sheet.stages[0].number:
            header.append(f"Stage {s.number}")
        else:
            header += [f"Stage {s.number} transfer", f"Stage {s.number} total"]
    header.append("Result")
    body: list[list[str]] = []
    for name in sheet.candidates:
        row = [name]
        for k, s in enumerate(sheet.stages):
            total = s.totals.get(name)
            if k:
                moved = s.transfers.get(name)
                row.append("" if moved is None else _fmt(moved, p, signed=True))
            row.append(_fmt(total, p))
        row.append(sheet.result.get(name, ""))
        body.append(row)
    foot: list[list[str]] = []
    for label, move_attr, total_attr in (
        ("Non-transferable", "non_transferable_transfer", "non_transferable"),
        ("Loss by fractions", "loss_transfer", "loss"),
    ):
        row = [label]
        for k, s in enumerate(sheet.stages):
            if k:
                m = getattr(s, move_attr)
                row.append(_fmt(m, p, signed=True) if m else "")
            row.append(_fmt(getattr(s, total_attr), p))
        foot.append(row + [""])
    totals = ["Total"]
    for k, s in enumerate(sheet.stages):
        if k:
            totals.append("")
        continuing = sum((v for v in s.totals.values() if v is not None), Fraction(0))
        totals.append(_fmt(continuing + s.non_transferable + s.loss, p))
    foot.append(totals + [""])
    _, varies = _quota_line(sheet)
    if varies:
        quota = ["Quota"]
        for k, s in enumerate(sheet.stages):
            if k:
                quota.append("")
            quota.append(_fmt(s.quota, p) if s.quota is not None else "")
        foot.append(quota + [""])
    return header, body, foot


def _events(s: Stage) -> list[str]:
    out = [f"elected {n}" for n in s.elected] + [f"excluded {n}" for n in s.excluded]
    return out + list(s.notes)


def render_text(count: Count, options: Mapping[str, Any] | None = None) -> str:
    """The stage sheet as plain text."""
    sheet = stage_sheet(count, options)
    lines = [sheet.title, f"Method: {sheet.method}    Seats: {sheet.seats}"]
    rejected = sum(sheet.rejected.values())
    lines.append(f"Valid papers: {sheet.valid_papers}    Rejected: {rejected}")
    quota, _ = _quota_line(sheet)
    if quota is not None:
        lines.append(f"Quota: {quota}")
    lines.append("")
    header, body, foot = _grid(sheet)
    lines.append(text_table(header, body + foot))
    lines.append("")
    for s in sheet.stages:
        events = _events(s)
        lines.append(f"Stage {s.number}: {s.label}" + (f" - {'; '.join(events)}" if events else ""))
    lines.append("")
    lines.append("Elected: " + (", ".join(sheet.elected) if sheet.elected else "(none)"))
    return "\n".join(lines) + "\n"


_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#111}
table{border-collapse:collapse;font-size:.85rem}
caption{text-align:left;font-weight:bold;font-size:1.1rem;margin-bottom:.5rem}
th,td{border:1px solid #999;padding:.2rem .4rem}
td{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
th[scope=row]{text-align:left;font-weight:normal}
thead th{background:#eee}
tfoot th,tfoot td{background:#f6f6f6}
td.elected,td.result-elected{font-weight:bold}
td.result{text-align:left}
"""


def render_html(count: Count, options: Mapping[str, Any] | None = None) -> str:
    """The stage sheet as one self-contained HTML page."""
    sheet = stage_sheet(count, options)
    e = html.escape
    header, body, foot = _grid(sheet)
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{e(sheet.title)} - stage sheet</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{e(sheet.title)}</h1>",
        "<dl>",
        f"<dt>Method</dt><dd>{e(sheet.method)}</dd>",
        f"<dt>Seats</dt><dd>{sheet.seats}</dd>",
        f"<dt>Valid papers</dt><dd>{sheet.valid_papers}</dd>",
        f"<dt>Rejected papers</dt><dd>{sum(sheet.rejected.values())}</dd>",
    ]
    quota, _ = _quota_line(sheet)
    if quota is not None:
        out.append(f"<dt>Quota</dt><dd>{e(quota)}</dd>")
    out += [
        "</dl>",
        "<table>",
        f"<caption>Stage sheet: {e(sheet.title)}</caption>",
        "<thead>",
        "<tr>",
    ]
    out.append('<th scope="col" rowspan="2">Candidate</th>')
    for k, s in enumerate(sheet.stages):
        span = "" if k == 0 else ' colspan="2"'
        scope = "col" if k == 0 else "colgroup"
        out.append(f'<th scope="{scope}"{span}>Stage {s.number}<br>{e(s.label)}</th>')
    out.append('<th scope="col" rowspan="2">Result</th>')
    out += ["</tr>", "<tr>"]
    for k in range(len(sheet.stages)):
        out.append(
            '<th scope="col">Votes</th>'
            if k == 0
            else '<th scope="col">Transfer</th><th scope="col">Total</th>'
        )
    out += ["</tr>", "</thead>", "<tbody>"]
    for row in body:
        name = row[0]
        cells = [f'<th scope="row">{e(name)}</th>']
        for cell in row[1:-1]:
            cells.append(f"<td>{e(cell)}</td>")
        css = "result result-elected" if name in sheet.elected else "result"
        cells.append(f'<td class="{css}">{e(row[-1])}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "<tfoot>"]
    for row in foot:
        cells = [f'<th scope="row">{e(row[0])}</th>'] + [f"<td>{e(c)}</td>" for c in row[1:]]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tfoot>", "</table>", "<h2>Stages</h2>", "<ol>"]
    for s in sheet.stages:
        events = _events(s)
        text = e(s.label) + (": " + "; ".join(e(x) for x in events) if events else "")
        out.append(f'<li value="{s.number}">{text}</li>')
    out += ["</ol>", "<p>Elected: " + e(", ".join(sheet.elected) or "(none)") + "</p>"]
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def register_report_renderers() -> list[ReportSpec]:
    return [
        ReportSpec(
            name="stage-sheet-text",
            title="Stage sheet (candidates x stages: transfers, totals, non-transferable), text",
            extension=".txt",
            media_type="text/plain",
            render=render_text,
        ),
        ReportSpec(
            name="stage-sheet-html",
            title="Stage sheet (candidates x stages), self-contained HTML page",
            extension=".html",
            media_type="text/html",
            render=render_html,
        ),
    ]
