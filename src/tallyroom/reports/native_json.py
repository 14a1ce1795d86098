"""tallyroom's native JSON: the contract every method keeps, and the saved-count format.

::

    {"format": "tallyroom-count", "method", "rules", "seats", "candidates": [{"name", "party"}],
     "elected": [names, in order of election],
     "rounds": [{"round", "action", "tally": {name: "exact decimal"}, "threshold",
                 "elected": [{"candidate", "reason"}], "excluded": [...],
                 "transfers": {from: {to: amount}}, "exhausted": {reason: amount},
                 "loss_to_fractions", "ties": [{"kind", "tied", "chosen", "rule", "detail"}],
                 "notes"}],
     "valid_total", "valid_papers", "rejected": {head: n}, "inputs": [{"path", "sha256"}],
     "title", "extras", "version"}

Every vote quantity is an exact string (a decimal when it terminates, else
``"p/q"``), so the file reloads into an identical :class:`Count` (:func:`load`).
Keys keep candidate order; the output is byte-identical for the same count.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..ballots.candidates import Candidate
from ..ballots.profile import InputFile
from ..count import Count, Decision, Round, TieDecision
from ..errors import BallotFileError, IntegrityError
from ..numbers import format_exact, parse_exact
from ..registry import ReportSpec

__all__ = ["dumps", "from_dict", "load", "loads", "register_report_renderers", "to_dict"]

FORMAT = "tallyroom-count"


def _q(x: Fraction | None) -> str | None:
    return None if x is None else format_exact(x)


def _decisions(ds: tuple[Decision, ...]) -> list[dict[str, str]]:
    return [{"candidate": d.candidate, "reason": d.reason} for d in ds]


def _round(r: Round) -> dict[str, Any]:
    return {
        "round": r.number,
        "action": r.action,
        "tally": {k: format_exact(v) for k, v in r.tally.items()},
        "threshold": _q(r.threshold),
        "elected": _decisions(r.elected),
        "excluded": _decisions(r.excluded),
        "transfers": {
            src: {dst: format_exact(v) for dst, v in flows.items()}
            for src, flows in r.transfers.items()
        },
        "exhausted": {k: format_exact(v) for k, v in r.exhausted.items()},
        "loss_to_fractions": format_exact(r.loss_to_fractions),
        "ties": [
            {
                "kind": t.kind,
                "tied": list(t.tied),
                "chosen": list(t.chosen),
                "rule": t.rule,
                "detail": t.detail,
            }
            for t in r.ties
        ],
        "notes": list(r.notes),
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Fraction):
        return format_exact(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def to_dict(count: Count) -> dict[str, Any]:
    """The native JSON structure of a count (plain data)."""
    return {
        "format": FORMAT,
        "method": count.method,
        "title": count.title,
        "rules": _plain(count.rules),
        "seats": count.seats,
        "candidates": [
            {
                k: v
                for k, v in (("name", c.name), ("party", c.party), ("code", c.code))
                if v is not None
            }
            | ({"write_in": True} if c.write_in else {})
            for c in count.candidates
        ],
        "elected": list(count.elected),
        "rounds": [_round(r) for r in count.rounds],
        "valid_total": format_exact(count.valid_total),
        "valid_papers": count.valid_papers,
        "rejected": dict(count.rejected),
        "inputs": [{"path": i.path, "sha256": i.sha256} for i in count.inputs],
        "extras": _plain(count.extras),
        "version": count.version,
    }


def dumps(count: Count) -> str:
    return json.dumps(to_dict(count), indent=2, ensure_ascii=False) + "\n"


def _fractions(d: Mapping[str, Any]) -> dict[str, Fraction]:
    return {k: parse_exact(v) for k, v in d.items()}


def from_dict(data: Mapping[str, Any]) -> Count:
    """Rebuild a :class:`Count` from its native JSON; the count's checks run again."""
    if data.get("format") != FORMAT:
        raise IntegrityError(f"not a tallyroom count (format {data.get('format')!r})")
    rounds = tuple(
        Round(
            number=r["round"],
            action=r.get("action", ""),
            tally=_fractions(r["tally"]),
            threshold=None if r.get("threshold") is None else parse_exact(r["threshold"]),
            elected=tuple(Decision(d["candidate"], d["reason"]) for d in r.get("elected", [])),
            excluded=tuple(Decision(d["candidate"], d["reason"]) for d in r.get("excluded", [])),
            transfers={s: _fractions(f) for s, f in r.get("transfers", {}).items()},
            exhausted=_fractions(r.get("exhausted", {})),
            loss_to_fractions=parse_exact(r.get("loss_to_fractions", "0")),
            ties=tuple(
                TieDecision(t["kind"], tuple(t["tied"]), tuple(t["chosen"]), t["rule"], t["detail"])
                for t in r.get("ties", [])
            ),
            notes=tuple(r.get("notes", [])),
        )
        for r in data["rounds"]
    )
    return Count(
        method=data["method"],
        rules=data.get("rules", {}),
        seats=int(data["seats"]),
        candidates=tuple(
            Candidate(c["name"], c.get("party"), c.get("code"), bool(c.get("write_in", False)))
            for c in data["candidates"]
        ),
        elected=tuple(data["elected"]),
        rounds=rounds,
        valid_total=parse_exact(data["valid_total"]),
        valid_papers=int(data["valid_papers"]),
        rejected=dict(data.get("rejected", {})),
        inputs=tuple(InputFile(i["path"], i["sha256"]) for i in data.get("inputs", [])),
        version=data.get("version", ""),
        title=data.get("title"),
        extras=data.get("extras", {}),
    )


def loads(text: str, *, path: str | None = None) -> Count:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BallotFileError(path, f"not valid JSON: {exc}") from exc
    try:
        return from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise BallotFileError(
            path, f"not a complete tallyroom count: missing or bad {exc}"
        ) from exc


def load(path: str | Path) -> Count:
    """Read a saved count (``tallyroom count --save``)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise BallotFileError(p, f"cannot read: {exc.strerror}") from exc
    return loads(text, path=str(p))


def _render(count: Count, options: Mapping[str, Any]) -> str:
    return dumps(count)


def register_report_renderers() -> list[ReportSpec]:
    return [
        ReportSpec(
            name="json",
            title="tallyroom native JSON (the full round log; reloadable)",
            extension=".json",
            media_type="application/json",
            render=_render,
        )
    ]
