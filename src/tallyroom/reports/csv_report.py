"""CSV tables of a count: the rounds, the transfer matrix, the first x second table.

One renderer, ``csv``, with a ``table`` option:

* ``rounds`` (default): a row per candidate (candidate order), then exhausted by
  reason, loss to fractions and the threshold; a column per round; exact values.
* ``transfers``: the transfer matrix (:mod:`tallyroom.analysis.transfers`): a row per
  candidate whose votes moved, a column per destination, and the row total.
* ``crosstab``: the first x second preference table
  (:mod:`tallyroom.analysis.crosstab`), a row per first preference, with totals.

Values are exact (:func:`~tallyroom.numbers.format_exact`); lines end in ``\\n``;
the same count gives the same bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from ..analysis.crosstab import Crosstab, crosstab_of
from ..analysis.transfers import TransferMatrix, transfer_matrix
from ..count import Count
from ..errors import ReportError
from ..numbers import format_exact
from ..registry import ReportSpec

__all__ = [
    "TABLES",
    "crosstab_csv",
    "register_report_renderers",
    "render",
    "rounds_csv",
    "transfers_csv",
]


def _write(rows: Sequence[Sequence[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerows(rows)
    return buf.getvalue()


def _q(x: Fraction | int | None) -> str:
    return "" if x is None else format_exact(x)


def rounds_csv(count: Count) -> str:
    """The round-by-round table."""
    rows: list[list[str]] = [["candidate", "party", *(f"round {r.number}" for r in count.rounds)]]
    for c in count.candidates:
        if any(c.name in r.tally for r in count.rounds):
            rows.append([c.name, c.party or "", *(_q(r.tally.get(c.name)) for r in count.rounds)])
    reasons: list[str] = []
    for r in count.rounds:
        reasons += [k for k in r.exhausted if k not in reasons]
    for k in reasons:
        rows.append(
            [f"exhausted: {k}", "", *(_q(r.exhausted.get(k, Fraction(0))) for r in count.rounds)]
        )
    rows.append(["loss to fractions", "", *(_q(r.loss_to_fractions) for r in count.rounds)])
    if any(r.threshold is not None for r in count.rounds):
        rows.append(["threshold", "", *(_q(r.threshold) for r in count.rounds)])
    rows.append(["valid total", "", *(_q(count.valid_total) for _ in count.rounds)])
    return _write(rows)


def transfers_csv(count: Count, matrix: TransferMatrix | None = None) -> str:
    """The transfer matrix: ``from`` then a column per destination, then ``total``."""
    m = matrix if matrix is not None else transfer_matrix(count)
    rows: list[list[str]] = [["from", *m.destinations, "total"]]
    for i, source in enumerate(m.sources):
        rows.append([source, *(_q(v) for v in m.votes[i]), _q(m.source_total(source))])
    rows.append(["total", *(_q(m.destination_total(d)) for d in m.destinations), _q(m.total)])
    return _write(rows)


def crosstab_csv(table: Crosstab) -> str:
    """The first x second table: ``first preference`` then a column per second preference."""
    rows: list[list[str]] = [["first preference", *table.seconds, "total"]]
    for i, first in enumerate(table.firsts):
        rows.append([first, *(str(n) for n in table.counts[i]), str(table.row_total(first))])
    rows.append(["total", *(str(table.column_total(s)) for s in table.seconds), str(table.total)])
    return _write(rows)


def _crosstab(count: Count) -> str:
    table = crosstab_of(count)
    if table is None:
        raise ReportError(
            "the count holds no first x second preference table; save the count with "
            "`tallyroom count ... --save COUNT.json` from ranked ballots"
        )
    return crosstab_csv(table)


#: The tables of the ``csv`` renderer, by ``table`` option.
TABLES = {"rounds": rounds_csv, "transfers": transfers_csv, "crosstab": _crosstab}


def render(count: Count, options: Mapping[str, Any] | None = None) -> str:
    """The table named by ``options["table"]`` (default ``rounds``)."""
    opts = dict(options or {})
    unknown = sorted(set(opts) - {"table"})
    if unknown:
        raise ReportError(f"unknown csv option(s) {', '.join(unknown)}; valid options: table")
    name = str(opts.get("table") or "rounds")
    if name not in TABLES:
        raise ReportError(f"unknown table {name!r}; valid tables: {', '.join(TABLES)}")
    return TABLES[name](count)


def register_report_renderers() -> list[ReportSpec]:
    return [
        ReportSpec(
            name="csv",
            title="CSV table (table=rounds | transfers | crosstab)",
            extension=".csv",
            media_type="text/csv",
            render=render,
        )
    ]
