"""The HTML report: one self-contained file (no CDN, works offline) rendered from a Count.

Sections, in order: summary and persons elected; a bar chart of each round; the
transfer diagram (Sankey: who went where at each stage); the round-by-round table
with each round's decisions; the transfer matrix and, when the count holds it,
the first x second preference table with its heatmap; exhausted and rejected
papers; every tie decision; the audit facts (input file hashes, rules, method,
tallyroom version, the count's own SHA-256 as its identifier).

Charts are the Vega-Lite specs of :mod:`.charts`, drawn by the Vega-Embed bundle
inlined in the page (``vl-convert``'s :func:`~.charts.javascript_bundle`). Every
figure also appears as a table, so nothing depends on the script. No clock is read:
a date appears only if given (option ``date``), so the same count gives the same bytes.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from ..analysis.crosstab import crosstab_of
from ..analysis.transfers import transfer_matrix
from ..count import Count
from ..errors import ReportError
from ..numbers import format_exact
from ..registry import ReportSpec
from . import charts
from .native_json import dumps

__all__ = ["count_id", "register_report_renderers", "render"]

OPTIONS = ("title", "date", "returning_officer")

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 76rem;
  margin: 1.5rem auto; padding: 0 1rem; color: #1a1a1a; line-height: 1.4; }
h1 { margin-bottom: .2rem; } h2 { border-bottom: 2px solid #4e79a7; padding-bottom: .2rem; margin-top: 2rem; }
.meta { color: #555; margin-top: 0; }
.elected { font-size: 1.2rem; background: #e8f5e9; border-left: 6px solid #2e7d32; padding: .6rem 1rem; }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .5rem; }
.facts div { background: #f4f6f8; padding: .5rem .8rem; border-radius: 4px; }
.facts b { display: block; font-size: 1.3rem; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .9rem; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #f4f6f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.scroll { overflow-x: auto; }
figure.chart { margin: 1rem 0; overflow-x: auto; }
figcaption { color: #444; font-size: .9rem; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .85rem; }
pre { background: #f4f6f8; padding: .6rem; overflow-x: auto; }
tr.won th { color: #2e7d32; }
"""

_EMBED = """
for (const fig of document.querySelectorAll("figure.chart[data-spec]")) {
  const spec = JSON.parse(document.getElementById(fig.dataset.spec).textContent);
  const target = fig.querySelector(".vega");
  window.vegaEmbed(target, spec, {renderer: "svg", actions: false}).then((result) => {
    const svg = target.querySelector("svg");
    if (svg) { svg.setAttribute("aria-label", spec.description || spec.title); }
    fig.dataset.rendered = "true";
  }).catch((error) => { console.error("chart " + fig.id + ": " + error); });
}
"""

e = html.escape


def count_id(count: Count) -> str:
    """The SHA-256 of the count's native JSON: an identifier that changes with any figure."""
    return hashlib.sha256(dumps(count).encode("utf-8")).hexdigest()


def _q(x: Fraction | int | None) -> str:
    return "" if x is None else e(format_exact(x))


def _table(
    header: Sequence[str], rows: Sequence[Sequence[str]], *, cls: str = "", caption: str = ""
) -> str:
    """A table; cells are already-escaped HTML; the first cell of each row is its header."""
    head = "".join(f'<th scope="col">{h}</th>' for h in header)
    body = "".join(
        "<tr>"
        + f'<th scope="row">{r[0]}</th>'
        + "".join(f'<td class="num">{c}</td>' for c in r[1:])
        + "</tr>"
        for r in rows
    )
    cap = f"<caption>{caption}</caption>" if caption else ""
    return f'<div class="scroll"><table class="{cls}">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


class _Figures:
    """Collects chart specs and their figure elements (ids numbered in page order)."""

    def __init__(self) -> None:
        self.scripts: list[str] = []
        self.n = 0

    def figure(self, spec: Mapping[str, Any], caption: str, slug: str) -> str:
        self.n += 1
        fid = f"chart-{self.n}-{slug}"
        sid = f"spec-{self.n}-{slug}"
        payload = json.dumps(spec, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
        payload = payload.replace("</", "<\\/")
        self.scripts.append(f'<script type="application/json" id="{sid}">{payload}</script>')
        return (
            f'<figure class="chart" id="{fid}" data-spec="{sid}" role="figure" '
            f'aria-label="{e(str(spec.get("title", caption)))}">'
            f'<div class="vega"></div><figcaption>{e(caption)}</figcaption></figure>'
        )


def _summary(count: Count, opts: Mapping[str, Any]) -> str:
    title = str(opts.get("title") or count.title or "Result")
    elected = ", ".join(
        f"{n} ({count.party_of(n)})" if count.party_of(n) else n for n in count.elected
    )
    date = f" · date of poll: {e(str(opts['date']))}" if opts.get("date") else ""
    facts = [
        ("Valid papers", f"{count.valid_papers:,}"),
        ("Rejected papers", f"{count.rejected_total:,}"),
        ("Total papers", f"{count.total_papers:,}"),
        ("Seats", str(count.seats)),
        ("Rounds", str(len(count.rounds))),
        ("Candidates", str(len(count.candidates))),
    ]
    if count.final_round.exhausted_total:
        facts.append(
            ("Exhausted (final round)", e(charts.short(count.final_round.exhausted_total)))
        )
    grid = "".join(f"<div>{k}<b>{v}</b></div>" for k, v in facts)
    return (
        f"<header><h1>{e(title)}</h1>"
        f'<p class="meta">Method: {e(count.method)} · {count.seats} seat(s){date}</p></header>'
        f'<section id="summary"><h2>Summary</h2>'
        f'<p class="elected">Elected: <strong>{e(elected) or "(none)"}</strong></p>'
        f'<div class="facts">{grid}</div></section>'
    )


def _rounds_table(count: Count) -> str:
    parties = any(c.party for c in count.candidates)
    party_head = ["Party"] if parties else []
    header = ["Candidate", *party_head, *(f"Round {r.number}" for r in count.rounds)]
    blank = [""] if parties else []
    rows: list[list[str]] = []
    for c in count.candidates:
        if not any(c.name in r.tally for r in count.rounds):
            continue
        party = [e(c.party or "")] if parties else []
        rows.append([e(c.name), *party, *(_q(r.tally.get(c.name)) for r in count.rounds)])
    reasons: list[str] = []
    for r in count.rounds:
        reasons += [k for k in r.exhausted if k not in reasons]
    for k in reasons:
        rows.append(
            [
                f"Exhausted: {e(k)}",
                *blank,
                *(_q(r.exhausted.get(k, Fraction(0))) for r in count.rounds),
            ]
        )
    if any(r.loss_to_fractions for r in count.rounds):
        rows.append(["Loss to fractions", *blank, *(_q(r.loss_to_fractions) for r in count.rounds)])
    if any(r.threshold is not None for r in count.rounds):
        rows.append(["Threshold", *blank, *(_q(r.threshold) for r in count.rounds)])
    table = _table(header, rows, cls="rounds", caption="Votes at each round")
    events = []
    for r in count.rounds:
        items = [e(r.action)] if r.action else []
        items += [f"elected <b>{e(d.candidate)}</b> ({e(d.reason)})" for d in r.elected]
        items += [f"excluded {e(d.candidate)} ({e(d.reason)})" for d in r.excluded]
        items += [f"note: {e(n)}" for n in r.notes]
        events.append(f"<li>Round {r.number}: {'; '.join(items)}</li>")
    return f'<section id="rounds"><h2>Round by round</h2>{table}<ol class="events">{"".join(events)}</ol></section>'


def _transfers(count: Count, figs: _Figures) -> str:
    m = transfer_matrix(count)
    if not m:
        return '<section id="transfers"><h2>Transfers</h2><p>No votes were transferred in this count.</p></section>'
    header = ["From", *(e(d) for d in m.destinations), "Total"]
    rows = [
        [e(s), *(_q(v) for v in m.votes[i]), _q(m.source_total(s))] for i, s in enumerate(m.sources)
    ]
    rows.append(["Total", *(_q(m.destination_total(d)) for d in m.destinations), _q(m.total)])
    flows = _table(
        ["After round", "From", "To", "Votes"],
        [[str(f.round), e(f.source), e(f.destination), _q(f.votes)] for f in m.flows],
        cls="flows",
        caption="Every transfer, in order",
    )
    heat = figs.figure(
        charts.transfers_heatmap(count),
        "Transfer matrix: colour shows the share of each source's votes.",
        "transfers",
    )
    return (
        '<section id="transfers"><h2>Transfers</h2>'
        + _table(
            header,
            rows,
            cls="transfer-matrix",
            caption="Votes moved from each candidate to each destination",
        )
        + heat
        + f"<details><summary>Every transfer</summary>{flows}</details></section>"
    )


def _crosstab(count: Count, figs: _Figures) -> str:
    table = crosstab_of(count)
    if table is None:
        return ""
    header = ["First preference", *(e(s) for s in table.seconds), "Total"]
    rows = [
        [e(f), *(f"{n:,}" for n in table.counts[i]), f"{table.row_total(f):,}"]
        for i, f in enumerate(table.firsts)
    ]
    rows.append(
        ["Total", *(f"{table.column_total(s):,}" for s in table.seconds), f"{table.total:,}"]
    )
    heat = figs.figure(
        charts.crosstab_heatmap(table, title=count.title or "Result"),
        "First x second preferences: colour shows the share of each first choice's papers.",
        "crosstab",
    )
    return (
        '<section id="crosstab"><h2>First and second preferences</h2>'
        + heat
        + _table(
            header,
            rows,
            cls="crosstab",
            caption="Papers by first preference (rows) and second preference (columns)",
        )
        + "</section>"
    )


def _papers(count: Count) -> str:
    final = count.final_round
    exhausted = [[e(k), _q(v)] for k, v in final.exhausted.items()]
    exhausted.append(["Total", _q(final.exhausted_total)])
    rejected = [[e(k), f"{n:,}"] for k, n in count.rejected.items()]
    rejected.append(["Total", f"{count.rejected_total:,}"])
    return (
        '<section id="papers"><h2>Exhausted and rejected papers</h2>'
        + _table(["Exhausted (final round), by reason", "Votes"], exhausted, cls="exhausted")
        + _table(["Rejected, by head", "Papers"], rejected, cls="rejected")
        + "</section>"
    )


def _ties(count: Count) -> str:
    rows = [
        [
            str(r.number),
            e(t.kind),
            e(", ".join(t.tied)),
            e(", ".join(t.chosen)),
            e(t.rule),
            e(t.detail),
        ]
        for r in count.rounds
        for t in r.ties
    ]
    if not rows:
        return '<section id="ties"><h2>Ties</h2><p>No tie had to be decided.</p></section>'
    head = "".join(
        f'<th scope="col">{h}</th>'
        for h in ["Round", "Decision", "Tied", "Chosen", "Rule", "Detail"]
    )
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<section id="ties"><h2>Ties</h2><table class="ties"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></section>'


def _audit(count: Count, opts: Mapping[str, Any]) -> str:
    inputs = "".join(
        f"<tr><td>{e(i.path)}</td><td><code>{e(i.sha256)}</code></td></tr>" for i in count.inputs
    )
    inputs_html = (
        f'<table class="inputs"><thead><tr><th scope="col">Input file</th><th scope="col">SHA-256</th></tr></thead><tbody>{inputs}</tbody></table>'
        if count.inputs
        else "<p>The count records no input files.</p>"
    )
    rules = e(json.dumps(dict(count.rules), indent=2, ensure_ascii=False, default=str))
    ro = (
        f"<dt>Returning officer</dt><dd>{e(str(opts['returning_officer']))}</dd>"
        if opts.get("returning_officer")
        else ""
    )
    date = f"<dt>Date of poll</dt><dd>{e(str(opts['date']))}</dd>" if opts.get("date") else ""
    return (
        '<section id="audit"><h2>Audit</h2><dl>'
        f"<dt>Count identifier (SHA-256 of the saved count)</dt><dd><code>{count_id(count)}</code></dd>"
        f"<dt>Method</dt><dd>{e(count.method)}</dd>"
        f"<dt>tallyroom version</dt><dd>{e(count.version)}</dd>{date}{ro}</dl>"
        f'{inputs_html}<h3>Rules</h3><pre class="rules">{rules}</pre>'
        "<p>Every figure on this page is rendered from the saved count, which was checked "
        "(every round accounts for every valid vote) before rendering.</p></section>"
    )


def render(count: Count, options: Mapping[str, Any] | None = None) -> str:
    """The self-contained HTML report of ``count``."""
    opts = dict(options or {})
    unknown = sorted(set(opts) - set(OPTIONS))
    if unknown:
        raise ReportError(
            f"unknown html option(s) {', '.join(unknown)}; valid options: {', '.join(OPTIONS)}"
        )
    figs = _Figures()
    bars = "".join(
        figs.figure(
            charts.round_bars(count, r.number),
            f"Round {r.number}: votes of each candidate"
            + (" and the threshold" if r.threshold is not None else ""),
            f"round-{r.number}",
        )
        for r in count.rounds
    )
    sankey = ""
    if len(count.rounds) > 1:
        sankey = figs.figure(
            charts.sankey(count),
            "Where the votes went: each band is the votes moved from a candidate (left) to a candidate or to exhausted (right).",
            "sankey",
        )
    body = (
        _summary(count, opts)
        + f'<section id="charts"><h2>Votes at each round</h2>{bars}</section>'
        + (
            f'<section id="sankey"><h2>Where the votes went</h2>{sankey}</section>'
            if sankey
            else ""
        )
        + _rounds_table(count)
        + _transfers(count, figs)
        + _crosstab(count, figs)
        + _papers(count)
        + _ties(count)
        + _audit(count, opts)
    )
    title = e(str(opts.get("title") or count.title or "Result"))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="tallyroom {e(count.version)}">\n'
        f"<title>{title}: result</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"{body}\n"
        + "\n".join(figs.scripts)
        + f'\n<script type="module">{charts.javascript_bundle()}</script>\n'
        + f'<script type="module">{_EMBED}</script>\n'
        + "</body>\n</html>\n"
    )


def _render(count: Count, options: Mapping[str, Any]) -> str:
    try:
        return render(count, options)
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ReportError(
            "the HTML report needs the 'charts' extra: pip install 'tallyroom[charts]'"
        ) from exc


def register_report_renderers() -> list[ReportSpec]:
    return [
        ReportSpec(
            name="html",
            title="HTML report (one self-contained file: charts, tables, transfers, audit)",
            extension=".html",
            media_type="text/html",
            render=_render,
        )
    ]
