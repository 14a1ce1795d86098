"""The transfer diagram (Sankey) of a count, as a Vega-Lite spec.

Vega-Lite has no Sankey layout, so this module computes it: one column of nodes per
round (candidates in candidate order, then exhausted and loss to fractions; every column
holds the valid total, so the diagram conserves votes as the count does), and one band per
movement of votes between consecutive rounds, drawn as an area between its source and
its target. The votes a candidate keeps are a band to themselves. Floats are drawing
coordinates only; the votes of each band are carried exactly for tooltips.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from ..analysis.transfers import transfer_matrix
from ..count import EXHAUSTED, FRACTIONS, Count, Round
from ..errors import ReportError
from ..numbers import format_exact
from .chart_style import Spec, colours, schema, short, title_of

__all__ = ["sankey"]


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


def _links(
    before: Round, columns_next: Sequence[tuple[str, Fraction]]
) -> list[tuple[str, str, Fraction]]:
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
    domain, rng = colours(count)
    colour = {
        "field": "source",
        "type": "nominal",
        "scale": {"domain": domain, "range": rng},
        "legend": None,
    }
    xq = {"type": "quantitative", "axis": None, "scale": {"domain": [0, width]}}
    yq = {"type": "quantitative", "axis": None, "scale": {"domain": [0, height], "reverse": True}}
    node_colour = dict(colour, field="node")
    description = f"{title_of(count)}: transfers between rounds. " + "; ".join(
        f"round {f.round}: {f.source} to {f.destination} {short(f.votes)}"
        for f in transfer_matrix(count).flows
    )
    return {
        "$schema": schema(),
        "title": f"{title_of(count)}: where the votes went",
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
