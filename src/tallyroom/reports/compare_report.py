"""Reports of a method comparison (:class:`~tallyroom.analysis.compare.Comparison`).

* :func:`to_json`: the comparison as plain JSON (``format: tallyroom-comparison``);
* :func:`to_text`: a table for a terminal;
* :func:`to_html`: one self-contained page (no scripts, no CDN): the winners table,
  the pairwise matrix (cells coloured by who wins the pair), the Condorcet
  findings, the margins of IRV/SV counts and an inline SVG chart of how many
  methods elect each candidate.

All three are pure functions of the comparison; the same comparison gives the same bytes.

For a single Condorcet count, the ``pairwise-html`` report renderer
(:func:`pairwise_html`) shows the pairwise matrix of ``Count.extras["pairwise"]``,
the Condorcet findings, the decisions the method took and its tie decisions.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any

from ..analysis.compare import Comparison, MethodResult, Support
from ..count import Count
from ..errors import ReportError
from ..methods.condorcet.pairwise import PairwiseMatrix
from ..numbers import format_exact
from ..registry import ReportSpec
from ._table import text_table

__all__ = [
    "pairwise_html",
    "register_report_renderers",
    "to_html",
    "to_json",
    "to_text",
    "winners_chart_svg",
]


def to_json(comparison: Comparison) -> str:
    return json.dumps(comparison.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _elected(r: MethodResult) -> str:
    return ", ".join(r.elected) if r.elected else "—"


def _condorcet_lines(c: Comparison) -> list[str]:
    lines = [
        f"Condorcet winner: {c.condorcet_winner or 'none'}",
        f"Condorcet loser: {c.condorcet_loser or 'none'}",
        "Smith set: " + ", ".join(c.smith_set),
        "Schwartz set: " + ", ".join(c.schwartz_set),
    ]
    return lines


def to_text(comparison: Comparison, *, margins: bool = False) -> str:
    c = comparison
    out = [c.title or "Comparison of counting methods", f"Seats: {c.seats}", *c.notes, ""]
    rows = [[r.method, r.support.value, _elected(r)] for r in c.results]
    out.append(text_table(["Method", "Data support", "Elected"], rows))
    out.append("")
    out.append("Why:")
    out += [f"  {r.method}: {r.reason}" for r in c.results]
    out.append("")
    out += _condorcet_lines(c)
    out.append("")
    out.append("Pairwise matrix (row X, column Y: papers ranking X above Y):")
    out += ["  " + line for line in c.pairwise.text_lines()]
    if margins:
        for r in c.results:
            if r.margins is not None:
                out.append("")
                out += r.margins.text_lines()
    return "\n".join(out) + "\n"


def winners_chart_svg(comparison: Comparison) -> str:
    """A horizontal bar chart: how many of the counted methods elect each candidate."""
    counted = comparison.counted
    tallies = [
        (name, sum(1 for r in counted if name in r.elected)) for name in comparison.candidates
    ]
    total = max(len(counted), 1)
    label_w, bar_w, row_h, top = 260, 300, 22, 30
    height = top + row_h * len(tallies) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 60}" '
        f'height="{height}" role="img" aria-label="Methods electing each candidate">',
        f'<text x="0" y="16" font-size="13" font-weight="bold">Methods electing each candidate '
        f"(of {len(counted)} counted)</text>",
    ]
    for k, (name, n) in enumerate(tallies):
        y = top + k * row_h
        width = bar_w * n // total
        short = name if len(name) <= 38 else name[:37] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" font-size="12" text-anchor="end">'
            f"{html.escape(short)}</text>"
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{width}" height="{row_h - 6}" '
            f'fill="{"#1f77b4" if n else "#dddddd"}"><title>{html.escape(name)}: {n}</title></rect>'
        )
        parts.append(f'<text x="{label_w + width + 6}" y="{y + 15}" font-size="12">{n}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:70em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.3em .6em}
th{background:#f2f2f2;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
td.win{background:#d6ecd2}td.lose{background:#f6d6d6}td.eq{background:#eee}
.supported{color:#185c1b}.limited{color:#8a5a00}.not-applicable{color:#777}.tie{color:#a00}
"""


def _matrix_html(m: PairwiseMatrix) -> str:
    head = "".join(f"<th>{k + 1}</th>" for k in range(m.n))
    rows = []
    for i, name in enumerate(m.candidates):
        cells = []
        for j in range(m.n):
            if i == j:
                cells.append('<td class="eq">–</td>')
                continue
            cls = "win" if m.beats(i, j) else ("lose" if m.beats(j, i) else "eq")
            cells.append(f'<td class="n {cls}">{m.d[i][j]}</td>')
        rows.append(f"<tr><th>{i + 1} {html.escape(name)}</th>{''.join(cells)}</tr>")
    return (
        "<table><caption>Row X, column Y: papers ranking X above Y "
        "(green: X beats Y)</caption>"
        f"<tr><th></th>{head}</tr>{''.join(rows)}</table>"
    )


def _margins_html(c: Comparison) -> str:
    parts = []
    for r in c.results:
        if r.margins is None:
            continue
        m = r.margins
        ub = "not given" if m.upper_bound is None else f"{m.upper_bound} paper(s)"
        items = "".join(f"<li>round {d.round}: {html.escape(d.text)}</li>" for d in m.decisions)
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in m.notes)
        parts.append(
            f"<h3>{html.escape(r.title)} ({html.escape(r.method)})</h3>"
            f"<p><b>Upper bound</b> (last-round margin): {ub}. "
            f"<b>Lower bound</b> (closest decision): {m.lower_bound} paper(s)."
            + (" The bounds meet: the margin is exact." if m.exact else "")
            + f"</p><ul>{items}{notes}</ul>"
        )
    if not parts:
        return ""
    return "<h2>Margins (IRV and SV counts)</h2>" + "".join(parts)


def to_html(comparison: Comparison) -> str:
    c = comparison
    title = html.escape(c.title or "Comparison of counting methods")
    rows = "".join(
        f"<tr><td>{html.escape(r.title)} <small>({html.escape(r.method)})</small></td>"
        f'<td class="{r.support.name.lower().replace("_", "-")}">{html.escape(r.support.value)}</td>'
        f"<td>{html.escape(_elected(r))}</td><td>{html.escape(r.reason)}</td></tr>"
        for r in c.results
    )
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in c.notes)
    cond = "".join(f"<li>{html.escape(x)}</li>" for x in _condorcet_lines(c))
    legend = "; ".join(f"<b>{s.value}</b>" for s in Support)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{_CSS}</style></head><body>"
        f"<h1>{title}</h1><p>Seats: {c.seats}</p><ul>{notes}</ul>"
        f"<h2>Who wins under each method</h2><p>Data support: {legend}.</p>"
        "<table><tr><th>Method</th><th>Data support</th><th>Elected</th><th>Why</th></tr>"
        f"{rows}</table>"
        f"<figure>{winners_chart_svg(c)}</figure>"
        f"<h2>Condorcet</h2><ul>{cond}</ul>"
        f"<h2>Pairwise matrix</h2>{_matrix_html(c.pairwise)}"
        f"{_margins_html(c)}"
        "</body></html>\n"
    )


def pairwise_html(count: Count, options: Mapping[str, Any] | None = None) -> str:
    """A page for one Condorcet count: matrix, Condorcet findings, decisions, ties."""
    data = count.extras.get("pairwise")
    title = html.escape(count.title or f"{count.method} count")
    if not isinstance(data, Mapping):
        # Every renderer renders every count (the web app offers them all): say plainly
        # that this count has no matrix rather than fail.
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{title}</title><style>{_CSS}</style></head><body><h1>{title}</h1>"
            f"<p>No pairwise matrix: a {html.escape(count.method)} count does not compare the "
            "candidates pair by pair. Count with schulze, ranked-pairs, copeland or minimax, "
            "or run <code>tallyroom compare</code> on the ballots.</p></body></html>\n"
        )
    try:
        m = PairwiseMatrix.from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise ReportError(f"the count's pairwise matrix is malformed: {exc}") from exc
    cond = count.extras.get("condorcet", {})
    r1 = count.rounds[0]
    first = "".join(
        f'<tr><td>{html.escape(c)}</td><td class="n">{format_exact(v)}</td></tr>'
        for c, v in r1.tally.items()
    )
    log = html.escape("\n".join(r1.notes))
    ties = "".join(
        f"<li>{html.escape(t.kind)}: {html.escape(', '.join(t.tied))} → "
        f"{html.escape(', '.join(t.chosen))} by {html.escape(t.rule)}: {html.escape(t.detail)}</li>"
        for t in count.ties
    )
    elected = "".join(
        f"<li><b>{html.escape(d.candidate)}</b>: {html.escape(d.reason)}</li>" for d in r1.elected
    )
    findings = "".join(
        f"<li>{label}: {html.escape(str(value) if not isinstance(value, list) else ', '.join(value))}</li>"
        for label, value in (
            ("Condorcet winner", cond.get("winner") or "none"),
            ("Condorcet loser", cond.get("loser") or "none"),
            ("Smith set", cond.get("smith_set", [])),
            ("Schwartz set", cond.get("schwartz_set", [])),
        )
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{_CSS}</style></head><body>"
        f"<h1>{title}</h1><p>Method: {html.escape(count.method)}; {m.papers} papers, "
        f"{m.no_preference} ranking no candidate above another.</p>"
        f"<h2>Elected</h2><ul>{elected}</ul>"
        f"<h2>Pairwise matrix</h2>{_matrix_html(m)}"
        f"<h2>Condorcet</h2><ul>{findings}</ul>"
        f"<h2>Round log (the method's decisions)</h2><pre>{log}</pre>"
        + (f"<h2>Ties</h2><ul>{ties}</ul>" if ties else "")
        + "<h2>First preferences (for reference)</h2>"
        f"<table><tr><th>Candidate</th><th>Papers</th></tr>{first}</table>"
        "</body></html>\n"
    )


def _render_pairwise(count: Count, options: Mapping[str, Any]) -> str:
    return pairwise_html(count, options)


def register_report_renderers() -> list[ReportSpec]:
    return [
        ReportSpec(
            name="pairwise-html",
            title="Pairwise matrix and decisions of a Condorcet count (HTML)",
            extension=".html",
            media_type="text/html",
            render=_render_pairwise,
        )
    ]
