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
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..analysis.crosstab import Crosstab, crosstab_of
from ..analysis.transfers import transfer_matrix
from ..count import EXHAUSTED, FRACTIONS, Count, Round
from ..errors import ReportError
from ..numbers import format_exact, format_fixed
from ..registry import ReportSpec

__all__ = [
    "CHARTS",
    "chart_spec",
    "crosstab_heatmap",
    "javascript_bundle",
    "round_bars",
    "rounds_chart",
    "sankey",
    "short",
    "to_png",
    "to_svg",
    "transfers_heatmap",
    "register_report_renderers",
]

Spec = dict[str, Any]

#: A qualitative palette (Tableau 20, reordered so neighbours differ); cycled.
PALETTE: tuple[str, ...] = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
    "#ff9da7", "#9c755f", "#a0cbe8", "#ffbe7d", "#ff9d9a", "#86bcb6", "#8cd17d",
    "#f1ce63", "#d4a6c8", "#fabfd2", "#d7b5a6", "#79706e", "#b6992d",
)
GREY = "#bab0ac"
DARK = "#555555"
STATUS_COLOURS = {"elected": "#2e7d32", "excluded": "#c62828", "continuing": "#4e79a7"}


def short(x: Fraction | int) -> str:
    """A vote figure for a label: whole numbers with thousands separators, else 2 decimals."""
    x = Fraction(x)
    if x.denominator == 1:
        return f"{x.numerator:,}"
    whole, _, frac = format_fixed(x, 2).partition(".")
    return f"{int(whole):,}.{frac}" if whole.lstrip("-").isdigit() else format_fixed(x, 2)


def _schema() -> str:
    return "https://vega.github.io/schema/vega-lite/v6.json"


def _colours(count: Count) -> tuple[list[str], list[str]]:
    domain = [*count.candidate_names, EXHAUSTED, FRACTIONS]
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(count.candidate_names))]
    return domain, [*colours, GREY, DARK]


def _title(count: Count) -> str:
    return count.title or "Result"


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
                "data": {"values": [{"threshold": float(r.threshold), "label": f"threshold {short(r.threshold)}"}]},
                "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#333"},
                "encoding": {
                    "x": {"field": "threshold", "type": "quantitative"},
                    "tooltip": [{"field": "label", "title": "Threshold"}],
                },
            }
        )
    heading = f"Round {r.number}" + (f": {r.action}" if r.action else "")
    return {
        "$schema": _schema(),
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
        "$schema": _schema(),
        "title": _title(count),
        "description": f"{_title(count)}: tally at each of {len(count.rounds)} round(s)",
        "vconcat": parts,
        "resolve": {"scale": {"color": "shared"}},
    }


# -- sankey -------------------------------------------------------------------------


def _columns(count: Count) -> list[list[tuple[str, Fraction]]]:
    """The nodes of each round: candidates in candidate order, then exhausted and fractions."""
    out = []
    for r in count.rounds:
        nodes = [(n, r.tally[n]) for n in count.candidate_names if n in r.tally]
        if r.exhausted_total:
            nodes.append((EXHAUSTED, r.exhausted_total))
        if r.loss_to_fractions:
            nodes.append((FRACTIONS, r.loss_to_fractions))
        out.append(nodes)
    return out


def _links(before: Round, columns_next: Sequence[tuple[str, Fraction]]) -> list[tuple[str, str, Fraction]]:
    """Votes from each node of ``before`` to each node of the next round."""
    next_names = [n for n, _ in columns_next]
    links: list[tuple[str, str, Fraction]] = []
    sources = [(n, v) for n, v in before.tally.items()]
    if before.exhausted_total:
        sources.append((EXHAUSTED, before.exhausted_total))
    if before.loss_to_fractions:
        sources.append((FRACTIONS, before.loss_to_fractions))
    for name, value in sources:
        flows = dict(before.transfers.get(name, {}))
        stay = value - sum(flows.values(), Fraction(0))
        if stay:
            flows[name] = flows.get(name, Fraction(0)) + stay
        for dest in next_names:
            if flows.get(dest):
                links.append((name, dest, flows[dest]))
    return links


def sankey(count: Count, *, height: int = 520) -> Spec:
    """Who went where at each stage: one column of nodes per round, bands for the votes moved."""
    if len(count.rounds) < 2:
        raise ReportError("a transfer diagram needs at least two rounds; this count has one")
    columns = _columns(count)
    n_rounds = len(columns)
    node_w, gap = 14.0, 6.0
    width = max(640, 240 * (n_rounds - 1))
    tallest = max(len(c) for c in columns)
    total = float(count.valid_total) or 1.0
    scale = (height - gap * (tallest - 1)) / total
    xs = [i * (width - node_w) / (n_rounds - 1) for i in range(n_rounds)]
    order = {n: i for i, n in enumerate([*count.candidate_names, EXHAUSTED, FRACTIONS])}
    nodes: list[Spec] = []
    tops: list[dict[str, float]] = []
    for k, col in enumerate(columns):
        y = 0.0
        top: dict[str, float] = {}
        for name, value in col:
            h = float(value) * scale
            top[name] = y
            side = "right" if k == n_rounds - 1 else "left"
            nodes.append(
                {
                    "node": name,
                    "round": count.rounds[k].number,
                    "x": xs[k],
                    "x2": xs[k] + node_w,
                    "y": y,
                    "y2": y + h,
                    "ymid": y + h / 2,
                    "votes": format_exact(value),
                    "label": f"{name} {short(value)}" if h >= 9 else "",
                    "side": side,
                }
            )
            y += h + gap
        tops.append(top)
    bands: list[Spec] = []
    link_no = 0
    for k in range(n_rounds - 1):
        links = _links(count.rounds[k], columns[k + 1])
        out_off = dict.fromkeys(tops[k], 0.0)
        in_off = dict.fromkeys(tops[k + 1], 0.0)
        by_dest = sorted(links, key=lambda t: (order.get(t[1], 0), order.get(t[0], 0)))
        in_start: dict[tuple[str, str], float] = {}
        for src, dst, v in by_dest:
            in_start[(src, dst)] = tops[k + 1][dst] + in_off[dst]
            in_off[dst] += float(v) * scale
        for src, dst, v in sorted(links, key=lambda t: (order.get(t[0], 0), order.get(t[1], 0))):
            h = float(v) * scale
            y0 = tops[k][src] + out_off[src]
            out_off[src] += h
            y1 = in_start[(src, dst)]
            x0, x1 = xs[k] + node_w, xs[k + 1]
            link_no += 1
            for step in range(17):
                t = step / 16
                s = t * t * (3 - 2 * t)
                yt = y0 + (y1 - y0) * s
                bands.append(
                    {
                        "link": link_no,
                        "source": src,
                        "target": dst,
                        "round": count.rounds[k].number,
                        "votes": format_exact(v),
                        "x": round(x0 + (x1 - x0) * t, 3),
                        "y": round(yt, 3),
                        "y2": round(yt + h, 3),
                    }
                )
    domain, rng = _colours(count)
    colour = {"field": "source", "type": "nominal", "scale": {"domain": domain, "range": rng}, "legend": None}
    xq = {"type": "quantitative", "axis": None, "scale": {"domain": [0, width]}}
    yq = {"type": "quantitative", "axis": None, "scale": {"domain": [0, height], "reverse": True}}
    node_colour = dict(colour, field="node")
    description = f"{_title(count)}: transfers between rounds. " + "; ".join(
        f"round {f.round}: {f.source} to {f.destination} {short(f.votes)}"
        for f in transfer_matrix(count).flows
    )
    return {
        "$schema": _schema(),
        "title": f"{_title(count)}: where the votes went",
        "description": description,
        "width": width,
        "height": height,
        "padding": {"left": 10, "right": 10, "top": 10, "bottom": 10},
        "config": {"view": {"stroke": None}},
        "layer": [
            {
                "data": {"values": bands},
                "mark": {"type": "area", "opacity": 0.45, "interpolate": "linear"},
                "encoding": {
                    "x": {"field": "x", **xq},
                    "y": {"field": "y", **yq},
                    "y2": {"field": "y2"},
                    "detail": {"field": "link", "type": "nominal"},
                    "color": colour,
                    "tooltip": [
                        {"field": "source", "title": "From"},
                        {"field": "target", "title": "To"},
                        {"field": "votes", "title": "Votes"},
                        {"field": "round", "title": "After round"},
                    ],
                },
            },
            {
                "data": {"values": nodes},
                "layer": [
                    {
                        "mark": {"type": "rect"},
                        "encoding": {
                            "x": {"field": "x", **xq},
                            "x2": {"field": "x2"},
                            "y": {"field": "y", **yq},
                            "y2": {"field": "y2"},
                            "color": node_colour,
                            "tooltip": [
                                {"field": "node", "title": "Candidate"},
                                {"field": "round", "title": "Round"},
                                {"field": "votes", "title": "Votes"},
                            ],
                        },
                    },
                    {
                        "transform": [{"filter": "datum.side == 'left'"}],
                        "mark": {"type": "text", "align": "left", "dx": 18, "fontSize": 10},
                        "encoding": {
                            "x": {"field": "x", **xq},
                            "y": {"field": "ymid", **yq},
                            "text": {"field": "label"},
                        },
                    },
                    {
                        "transform": [{"filter": "datum.side == 'right'"}],
                        "mark": {"type": "text", "align": "right", "dx": -4, "fontSize": 10},
                        "encoding": {
                            "x": {"field": "x", **xq},
                            "y": {"field": "ymid", **yq},
                            "text": {"field": "label"},
                        },
                    },
                ],
            },
        ],
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
        "$schema": _schema(),
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
                    "color": {"condition": {"test": "datum.share > 0.35", "value": "white"}, "value": "black"},
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
        title=f"{_title(count)}: transfers",
        description=f"{_title(count)}: votes transferred from each candidate to each destination",
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
    return crosstab_heatmap(table, title=_title(count))


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
        raise ReportError(f"unknown chart option(s) {', '.join(unknown)}; valid options: chart, scale")
    name = str(options.get("chart") or "rounds")
    if name not in CHARTS:
        raise ReportError(f"unknown chart {name!r}; valid charts: {', '.join(CHARTS)}")
    return CHARTS[name](count)


# -- rendering ----------------------------------------------------------------------


def _vl() -> Any:
    try:
        import vl_convert
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ReportError("charts need the 'charts' extra: pip install 'tallyroom[charts]'") from exc
    return vl_convert


_SVG_IDS = re.compile(r"\b(gradient_|clip|pattern_|marker_)(\d+)\b")


def _stable_ids(svg: str) -> str:
    """Renumber the ids Vega draws from a process-wide counter (gradients, clip paths)
    in order of appearance, so the same chart gives the same bytes in any process."""
    mapping: dict[str, str] = {}

    def sub(m: re.Match[str]) -> str:
        key = m.group(0)
        if key not in mapping:
            mapping[key] = f"{m.group(1)}{len(mapping) + 1}"
        return mapping[key]

    return _SVG_IDS.sub(sub, svg)


def to_svg(spec: Spec) -> str:
    """Render a spec to SVG text (no browser); ids are renumbered to be deterministic."""
    svg: str = _vl().vegalite_to_svg(spec)
    return _stable_ids(svg)


def to_png(spec: Spec, *, scale: float = 2.0) -> bytes:
    """Render a spec to PNG bytes (``scale`` 2 = print quality)."""
    png: bytes = _vl().vegalite_to_png(spec, scale=scale)
    return png


_BUNDLE: list[str] = []


def _cache_dir() -> Path:
    """``$TALLYROOM_CACHE_DIR``, else ``$XDG_CACHE_HOME/tallyroom``, else ``~/.cache/tallyroom``."""
    explicit = os.environ.get("TALLYROOM_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tallyroom"


def javascript_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed as one script (from vl-convert).

    Building the bundle takes seconds, so it is kept in memory and in a cache file
    named by the vl-convert version (the bundle is the same bytes for the same
    version); a cache file whose checksum does not match is rebuilt. An unwritable
    cache directory only costs time.
    """
    if _BUNDLE:
        return _BUNDLE[0]
    vl = _vl()
    try:
        version = importlib.metadata.version("vl-convert-python")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - odd installs
        version = "unknown"
    path = _cache_dir() / f"vega-embed-bundle-{version}.js"
    text: str | None = None
    try:
        stored = path.read_text(encoding="utf-8")
        body, _, digest = stored.rpartition("\n//sha256:")
        if hashlib.sha256(body.encode("utf-8")).hexdigest() == digest.strip():
            text = body
    except OSError:
        pass
    if text is None:
        text = str(vl.javascript_bundle())
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(
                text + "\n//sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest() + "\n",
                encoding="utf-8",
            )
            os.replace(tmp, path)
        except OSError:
            pass
    _BUNDLE.append(text)
    return text


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
