"""RCTab-shaped results from any count: the detailed report JSON and CSV that rcvis reads.

``tallyroom rctab CONFIG`` writes RCTab's own reports byte-compatible from its
engine; these renderers give the same *shape* for any :class:`Count` (SV, AV,
STV, …), so a result can be shown in RCTab-based viewers such as rcvis or
imported by tools that read RCTab's files. Layout (``jsonFormatVersion`` "1"):
``config`` (contest, date, jurisdiction, office, generatedBy), ``results`` (per
round: ``round``, ``tally``, ``tallyResults`` with ``eliminated``/``elected`` and
their ``transfers`` including ``exhausted``, ``threshold``, ``inactiveBallots``)
and ``summary``. Every vote figure is an exact string.

Inactive papers are filed under RCTab's categories by the reason the count gave:
``overvote`` → overvotes, ``skipped rankings`` → skippedRankings, ``repeated
ranking`` → repeatedRankings, ``final round surplus`` → finalRoundSurplus,
``no rankings`` → the summary's undervotes, and every other reason (e.g. an SV
paper with no second preference, an STV non-transferable paper) → exhaustedChoices.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from ..count import FRACTIONS, Count, Round
from ..numbers import format_exact
from ..registry import ReportSpec

__all__ = ["detailed_json", "detailed_csv", "register_report_renderers"]

_CATEGORY = {
    "overvote": "overvotes",
    "skipped rankings": "skippedRankings",
    "repeated ranking": "repeatedRankings",
    "final round surplus": "finalRoundSurplus",
}
_UNDERVOTE = "no rankings"
_CATEGORIES = ("overvotes", "skippedRankings", "exhaustedChoices", "repeatedRankings")


def _inactive(r: Round) -> dict[str, Fraction]:
    out = {k: Fraction(0) for k in _CATEGORIES}
    for reason, amount in r.exhausted.items():
        if reason == _UNDERVOTE:
            continue
        key = _CATEGORY.get(reason, "exhaustedChoices")
        out[key] = out.get(key, Fraction(0)) + amount
    if r.loss_to_fractions:
        out["residualSurplus"] = r.loss_to_fractions
    return out


def _undervotes(count: Count) -> int:
    return int(count.rounds[0].exhausted.get(_UNDERVOTE, Fraction(0)))


def _threshold(count: Count) -> Fraction | None:
    for r in reversed(count.rounds):
        if r.threshold is not None:
            return r.threshold
    return None


def _q(x: Fraction | None) -> str:
    return "" if x is None else format_exact(x)


def _results(r: Round) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for kind, decisions in (("elected", r.elected), ("eliminated", r.excluded)):
        for d in decisions:
            flows = r.transfers.get(d.candidate, {})
            transfers = {k: format_exact(v) for k, v in flows.items() if k != FRACTIONS and v}
            out.append({kind: d.candidate, "transfers": transfers})
    return out


def detailed_json(count: Count, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """RCTab's detailed report structure for ``count``."""
    opts = dict(options or {})
    final = _threshold(count)
    return {
        "config": {
            "contest": opts.get("title") or count.title or "",
            "date": str(opts.get("date") or ""),
            "generatedBy": f"tallyroom {count.version}",
            "jurisdiction": str(opts.get("jurisdiction") or ""),
            "office": str(opts.get("office") or ""),
        },
        "jsonFormatVersion": "1",
        "results": [
            {
                "inactiveBallots": {k: format_exact(v) for k, v in _inactive(r).items()},
                "round": r.number,
                "tally": {k: format_exact(v) for k, v in r.tally.items()},
                "tallyResults": _results(r),
                "threshold": _q(r.threshold if r.threshold is not None else final),
            }
            for r in count.rounds
        ],
        "summary": {
            "finalThreshold": _q(final),
            "numCandidates": len(count.candidates),
            "numWinners": count.seats,
            "totalNumBallots": str(count.total_papers),
            "undervotes": _undervotes(count),
        },
    }


def _render_json(count: Count, options: Mapping[str, Any]) -> str:
    return json.dumps(detailed_json(count, options), indent=2, ensure_ascii=False) + "\n"


def _percent(value: Fraction, total: Fraction) -> str:
    """RCTab's percentage: exact, rounded half-even to 2 places, trailing zeros dropped ("25.0%")."""
    if not total:
        return "0.0%"
    pct = round(value * 100 / total, 2)
    text = format_exact(pct)
    if "." not in text:
        text += ".0"
    return f"{text}%"


def detailed_csv(count: Count, options: Mapping[str, Any] | None = None) -> str:
    """RCTab's detailed report CSV layout for ``count``."""
    data = detailed_json(count, options)
    cfg, summary = data["config"], data["summary"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["Contest Information"])
    w.writerow(["Generated By", cfg["generatedBy"]])
    w.writerow(["CSV Format Version", "1"])
    w.writerow(["Type of Election", "Single-Winner" if count.seats == 1 else "Multi-Winner"])
    for label, key in (
        ("Contest", "contest"),
        ("Jurisdiction", "jurisdiction"),
        ("Office", "office"),
        ("Date", "date"),
    ):
        w.writerow([label, cfg[key]])
    w.writerow(["Winner(s)", ", ".join(count.elected)])
    w.writerow(["Final Threshold", summary["finalThreshold"]])
    w.writerow([])
    w.writerow(["Contest Summary"])
    w.writerow(["Number to be Elected", count.seats])
    w.writerow(["Number of Candidates", summary["numCandidates"]])
    w.writerow(["Total Number of Ballots", summary["totalNumBallots"]])
    w.writerow(["Number of Undervotes (No Rankings)", summary["undervotes"]])
    w.writerow([])
    rounds = count.rounds
    header = ["Rounds"]
    for r in rounds:
        header += [f"Round {r.number} Votes", "% of vote", "transfer"]
    w.writerow(header)
    for label, attr in (("Eliminated", "excluded"), ("Elected", "elected")):
        row = [label]
        for r in rounds:
            row += ["; ".join(d.candidate for d in getattr(r, attr)), "", ""]
        w.writerow(row)
    first = rounds[0].tally
    names = sorted(count.candidate_names, key=lambda n: -first.get(n, Fraction(0)))
    for name in names:
        row = [name]
        for i, r in enumerate(rounds):
            votes = r.tally.get(name, Fraction(0))
            nxt = rounds[i + 1].tally.get(name, Fraction(0)) if i + 1 < len(rounds) else votes
            row += [
                format_exact(votes),
                _percent(votes, r.continuing_total),
                format_exact(nxt - votes),
            ]
        w.writerow(row)
    w.writerow(
        ["Active Ballots"] + [c for r in rounds for c in (format_exact(r.continuing_total), "", "")]
    )
    w.writerow(["Current Round Threshold"] + [c for r in rounds for c in (_q(r.threshold), "", "")])
    inactive = [_inactive(r) for r in rounds]
    labels = {
        "overvotes": "Overvotes",
        "skippedRankings": "Skipped Rankings",
        "exhaustedChoices": "Exhausted Choices",
        "repeatedRankings": "Repeated Rankings",
    }
    for key, label in labels.items():
        row = [f"Inactive Ballots by {label}"]
        for i, inc in enumerate(inactive):
            nxt = inactive[i + 1][key] if i + 1 < len(inactive) else inc[key]
            row += [format_exact(inc[key]), "", format_exact(nxt - inc[key])]
        w.writerow(row)
    totals = [sum((v for k, v in inc.items() if k in labels), Fraction(0)) for inc in inactive]
    row = ["Inactive Ballots Total"]
    for i, t in enumerate(totals):
        nxt = totals[i + 1] if i + 1 < len(totals) else t
        row += [format_exact(t), "", format_exact(nxt - t)]
    w.writerow(row)
    w.writerow(
        ["Residual surplus"]
        + [c for r in rounds for c in (format_exact(r.loss_to_fractions), "", "")]
    )
    return buf.getvalue()


def _render_csv(count: Count, options: Mapping[str, Any]) -> str:
    return detailed_csv(count, options)


def register_report_renderers() -> list[ReportSpec]:
    return [
        ReportSpec(
            name="rctab-json",
            title="RCTab detailed report JSON (the shape rcvis reads), from any count",
            extension=".json",
            media_type="application/json",
            render=_render_json,
        ),
        ReportSpec(
            name="rctab-csv",
            title="RCTab detailed report CSV layout, from any count",
            extension=".csv",
            media_type="text/csv",
            render=_render_csv,
        ),
    ]
