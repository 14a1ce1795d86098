"""Charts of a count, as Vega-Lite specifications: one library for print and screen.

Every chart is a plain Vega-Lite spec (a ``dict``) built from the
:class:`~tallyroom.count.Count` alone. The same spec is rendered

* as static SVG or PNG by ``vl-convert`` (no browser: :func:`to_svg`, :func:`to_png`), and
* interactively in the HTML report by the Vega-Embed bundle that ``vl-convert``
  ships (:func:`javascript_bundle`), inlined so the page works offline.

Charts (``chart`` option of the ``svg`` and ``png`` renderers):

* ``rounds``: a bar chart of the tally at each round, with the threshold;
* ``sankey``: who went where at each stage (in an SV count: where the second
  preferences of the excluded candidates' voters went);
* ``transfers``: the transfer matrix as a heatmap;
* ``crosstab``: the first x second preference table as a heatmap (needs the table
  in the count, see :mod:`tallyroom.analysis.crosstab`).

Vote figures in labels and tooltips are exact (:func:`~tallyroom.numbers.format_exact`);
floats appear only as drawing coordinates, never in a count. Candidate order and
colours are fixed by the count, so the same count gives the same bytes.

The Sankey layout is in :mod:`.sankey`, the look in :mod:`.chart_style`, and the
rendering (vl-convert, the inlined script) in :mod:`.vega_render`; all are re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from ..analysis.crosstab import Crosstab, crosstab_of
from ..analysis.transfers import transfer_matrix
from ..count import Count, Round
from ..errors import ReportError
from ..numbers import format_exact, format_fixed
from ..registry import ReportSpec
from .chart_style import STATUS_COLOURS, Spec, schema, short, title_of
from .sankey import sankey
from .vega_render import javascript_bundle, to_png, to_svg

__all__ = [
    "CHARTS",
    "chart_spec",
    "crosstab_heatmap",
    "javascript_bundle",
    "register_report_renderers",
    "round_bars",
    "rounds_chart",
    "sankey",
    "short",
    "to_png",
    "to_svg",
    "transfers_heatmap",
]


# -- round bars ---------------------------------------------------------------------


def _status(r: Round, name: str, count: Count) -> str:
    if any(d.candidate == name for d in r.elected):
        return "elected"
    if any(d.candidate == name for d in r.excluded):
        return "excluded"
    return "continuing"


def round_bars(count: Count, round_no: int, *, width: int = 560) -> Spec:
    """A horizontal bar per candidate in the tally of round ``round_no`` (1-based)."""
    try:
        r = next(x for x in count.rounds if x.number == round_no)
    except StopIteration:
        raise ReportError(
            f"the count has no round {round_no}; rounds: "
            + ", ".join(str(x.number) for x in count.rounds)
        ) from None
    names = [n for n in count.candidate_names if n in r.tally]
    values = [
        {
            "candidate": n,
            "votes": float(r.tally[n]),
            "label": short(r.tally[n]),
            "exact": format_exact(r.tally[n]),
            "status": _status(r, n, count),
        }
        for n in names
    ]
    description = f"Round {r.number} tally: " + "; ".join(f"{n} {short(r.tally[n])}" for n in names)
    bars: Spec = {
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "candidate", "type": "nominal", "sort": names, "title": None},
            "x": {"field": "votes", "type": "quantitative", "title": "Votes"},
            "color": {
                "field": "status",
                "type": "nominal",
                "title": "Decision",
                "scale": {"domain": list(STATUS_COLOURS), "range": list(STATUS_COLOURS.values())},
            },
            "tooltip": [
                {"field": "candidate", "title": "Candidate"},
                {"field": "exact", "title": "Votes"},
                {"field": "status", "title": "Decision"},
            ],
        },
    }
    text: Spec = {
        "mark": {"type": "text", "align": "left", "dx": 3},
        "encoding": {
            "y": {"field": "candidate", "type": "nominal", "sort": names},
            "x": {"field": "votes", "type": "quantitative"},
            "text": {"field": "label"},
        },
    }
    layers: list[Spec] = [bars, text]
    if r.threshold is not None:
        layers.append(
            {
                "data": {
                    "values": [
                        {
                            "threshold": float(r.threshold),
                            "label": f"threshold {short(r.threshold)}",
                        }
                    ]
                },
                "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#333"},
                "encoding": {
                    "x": {"field": "threshold", "type": "quantitative"},
                    "tooltip": [{"field": "label", "title": "Threshold"}],
                },
            }
        )
    heading = f"Round {r.number}" + (f": {r.action}" if r.action else "")
    return {
        "$schema": schema(),
        "title": heading,
        "description": description,
        "width": width,
        "height": {"step": 18},
        "data": {"values": values},
        "layer": layers,
    }


def rounds_chart(count: Count) -> Spec:
    """The bar charts of every round, stacked (for print)."""
    parts = []
    for r in count.rounds:
        spec = round_bars(count, r.number)
        spec.pop("$schema")
        parts.append(spec)
    return {
        "$schema": schema(),
        "title": title_of(count),
        "description": f"{title_of(count)}: tally at each of {len(count.rounds)} round(s)",
        "vconcat": parts,
        "resolve": {"scale": {"color": "shared"}},
    }


# -- heatmaps -----------------------------------------------------------------------


def _heatmap(
    *,
    title: str,
    description: str,
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[Fraction | int]],
    row_title: str,
    column_title: str,
) -> Spec:
    """A labelled heatmap; colour = share of the row total, text = the exact figure."""
    values = []
    for i, r in enumerate(rows):
        row_total = sum((Fraction(x) for x in cells[i]), Fraction(0))
        for j, c in enumerate(columns):
            v = Fraction(cells[i][j])
            share = v / row_total if row_total else Fraction(0)
            values.append(
                {
                    "row": r,
                    "column": c,
                    "value": format_exact(v),
                    "label": short(v),
                    "share": float(share),
                    "percent": format_fixed(share * 100, 1) + "%",
                }
            )
    return {
        "$schema": schema(),
        "title": title,
        "description": description,
        "width": {"step": 46},
        "height": {"step": 20},
        "data": {"values": values},
        "encoding": {
            "y": {"field": "row", "type": "nominal", "sort": list(rows), "title": row_title},
            "x": {
                "field": "column",
                "type": "nominal",
                "sort": list(columns),
                "title": column_title,
                "axis": {"labelAngle": -45, "orient": "top"},
            },
        },
        "layer": [
            {
                "mark": {"type": "rect"},
                "encoding": {
                    "color": {
                        "field": "share",
                        "type": "quantitative",
                        "title": "Share of row",
                        "scale": {"scheme": "blues"},
                        "legend": {"format": ".0%"},
                    },
                    "tooltip": [
                        {"field": "row", "title": row_title},
                        {"field": "column", "title": column_title},
                        {"field": "value", "title": "Votes"},
                        {"field": "percent", "title": "Share of row"},
                    ],
                },
            },
            {
                "mark": {"type": "text", "fontSize": 8},
                "encoding": {
                    "text": {"field": "label"},
                    "color": {
                        "condition": {"test": "datum.share > 0.35", "value": "white"},
                        "value": "black",
                    },
                },
            },
        ],
    }


def crosstab_heatmap(table: Crosstab, *, title: str = "Result") -> Spec:
    """The first x second preference table as a heatmap (colour: share of the first choice's papers)."""
    return _heatmap(
        title=f"{title}: first x second preferences",
        description=(
            f"{title}: papers by first preference (rows) and second preference (columns), "
            f"{table.total:,} papers"
        ),
        rows=table.firsts,
        columns=table.seconds,
        cells=table.counts,
        row_title="First preference",
        column_title="Second preference",
    )


def transfers_heatmap(count: Count) -> Spec:
    """The transfer matrix (from each source to each destination) as a heatmap."""
    m = transfer_matrix(count)
    if not m:
        raise ReportError("the count has no transfers to chart")
    return _heatmap(
        title=f"{title_of(count)}: transfers",
        description=f"{title_of(count)}: votes transferred from each candidate to each destination",
        rows=m.sources,
        columns=m.destinations,
        cells=m.votes,
        row_title="From",
        column_title="To",
    )


def _crosstab_chart(count: Count) -> Spec:
    table = crosstab_of(count)
    if table is None:
        raise ReportError(
            "the count holds no first x second preference table; save the count with "
            "`tallyroom count ... --save COUNT.json` from ranked ballots"
        )
    return crosstab_heatmap(table, title=title_of(count))


#: The charts the ``svg`` and ``png`` renderers can draw, by ``chart`` option.
CHARTS = {
    "rounds": rounds_chart,
    "sankey": sankey,
    "transfers": transfers_heatmap,
    "crosstab": _crosstab_chart,
}


def chart_spec(count: Count, options: Mapping[str, Any]) -> Spec:
    """The spec named by ``options["chart"]`` (default ``rounds``)."""
    unknown = sorted(set(options) - {"chart", "scale"})
    if unknown:
        raise ReportError(
            f"unknown chart option(s) {', '.join(unknown)}; valid options: chart, scale"
        )
    name = str(options.get("chart") or "rounds")
    if name not in CHARTS:
        raise ReportError(f"unknown chart {name!r}; valid charts: {', '.join(CHARTS)}")
    return CHARTS[name](count)


def render_svg(count: Count, options: Mapping[str, Any]) -> str:
    """The chart named by ``options["chart"]`` as SVG."""
    return to_svg(chart_spec(count, options))


def render_png(count: Count, options: Mapping[str, Any]) -> bytes:
    """The chart named by ``options["chart"]`` as PNG (``scale``: pixels per unit, default 2)."""
    try:
        scale = float(options.get("scale", 2))
    except (TypeError, ValueError):
        raise ReportError(f"scale must be a number, not {options.get('scale')!r}") from None
    if not 0.25 <= scale <= 8:
        raise ReportError(f"scale must be between 0.25 and 8, not {scale}")
    return to_png(chart_spec(count, options), scale=scale)


def register_report_renderers() -> list[ReportSpec]:
    charts = " | ".join(CHARTS)
    return [
        ReportSpec(
            name="svg",
            title=f"Chart as SVG (chart={charts})",
            extension=".svg",
            media_type="image/svg+xml",
            render=render_svg,
        ),
        ReportSpec(
            name="png",
            title=f"Chart as PNG (chart={charts}; scale)",
            extension=".png",
            media_type="image/png",
            render=render_png,
            binary=True,
        ),
    ]
