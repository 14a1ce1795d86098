"""What the pages and the JSON API both do, written once (so they cannot differ).

Each function checks its input with the library (method, format and rule names
are looked up in the registry, rules resolved by :func:`tallyroom.api.resolve_rules`)
and calls the :class:`~tallyroom.store.Store`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from typing import Any

from .. import api
from ..ballots.candidates import Candidate, CandidateList
from ..errors import RuleConfigError
from ..registry import get_format, get_method, get_report, methods
from ..reports.native_json import loads
from ..store import Store
from ..store.counting import candidates_from_json
from ..store.models import Contest, CountRecord, Election, Upload
from .errors import NotFound

__all__ = [
    "contest_dict",
    "count_dict",
    "election_dict",
    "get_contest",
    "get_count",
    "get_election",
    "parse_candidates_text",
    "render_report",
    "save_contest",
    "upload_dict",
]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def get_election(store: Store, election_id: int) -> Election:
    e = store.election(election_id)
    if e is None:
        raise NotFound(f"no election with id {election_id}")
    return e


def get_contest(store: Store, contest_id: int) -> Contest:
    c = store.contest(contest_id)
    if c is None:
        raise NotFound(f"no contest with id {contest_id}")
    return c


def get_count(store: Store, count_id: int) -> CountRecord:
    rec = store.count_record(count_id)
    if rec is None:
        raise NotFound(f"no count with id {count_id}")
    return rec


def create_election(store: Store, title: str, poll_date: str | None, *, actor: str) -> Election:
    problems = []
    if not title.strip():
        problems.append("an election needs a title")
    if poll_date and not _DATE.fullmatch(poll_date):
        problems.append(f"poll date {poll_date!r} is not YYYY-MM-DD")
    if problems:
        raise RuleConfigError(problems)
    return store.create_election(title.strip(), poll_date or None, actor=actor)


def parse_candidates_text(text: str) -> CandidateList | None:
    """Candidates typed one per line, ``Name`` or ``Name, Party`` (CSV quoting allowed)."""
    rows = [
        r for r in csv.reader(io.StringIO(text), skipinitialspace=True) if any(c.strip() for c in r)
    ]
    if not rows:
        return None
    out = []
    for n, row in enumerate(rows, start=1):
        if len(row) > 2:
            raise RuleConfigError(
                f"candidates, line {n}: write 'Name, Party' (quote a name with a comma)"
            )
        out.append(Candidate(row[0].strip(), (row[1].strip() or None) if len(row) > 1 else None))
    return CandidateList(out)


def save_contest(
    store: Store,
    *,
    actor: str,
    election_id: int | None = None,
    contest_id: int | None = None,
    title: str,
    method: str,
    seats: int | None,
    candidates: CandidateList | None,
    ballot_format: str | None,
    rules: Mapping[str, Any],
) -> Contest:
    """Create or change a contest after checking method, seats, format and rules."""
    problems = contest_problems(
        title=title, method=method, seats=seats, ballot_format=ballot_format, rules=rules
    )
    if problems:
        raise RuleConfigError(problems)
    return store.save_contest(
        actor=actor,
        contest_id=contest_id,
        election_id=election_id,
        title=title.strip(),
        method=method,
        seats=seats,
        candidates=candidates,
        ballot_format=ballot_format or None,
        rules=dict(rules),
    )


def contest_problems(
    *,
    title: str,
    method: str,
    seats: int | None,
    ballot_format: str | None,
    rules: Mapping[str, Any],
) -> list[str]:
    """Everything wrong with a contest's settings (empty when they are good)."""
    problems: list[str] = []
    if not title.strip():
        problems.append("a contest needs a title")
    try:
        spec = get_method(method)
    except RuleConfigError as exc:
        problems.extend(exc.problems)
        spec = None
    if seats is not None and seats < 1:
        problems.append("seats must be at least 1")
    if spec is not None and seats is not None and seats > 1 and not spec.multi_seat:
        problems.append(
            f"method {method!r} elects one candidate; choose a multi-seat method for {seats} seats"
        )
    if ballot_format:
        try:
            get_format(ballot_format)
        except RuleConfigError as exc:
            problems.extend(exc.problems)
    if spec is not None:
        try:
            api.resolve_rules(method, dict(rules) or None)
        except RuleConfigError as exc:
            problems.extend(exc.problems)
    return problems


def parse_rules_text(text: str) -> dict[str, Any]:
    """Rule options typed as a JSON object (empty: the method's preset)."""
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise RuleConfigError(f"rule options must be a JSON object: {exc}") from None
    if not isinstance(data, dict):
        raise RuleConfigError('rule options must be a JSON object, e.g. {"ties": {"seed": "x"}}')
    return data


def render_report(
    rec: CountRecord, name: str, options: Mapping[str, Any] | None = None
) -> tuple[bytes, str, str]:
    """A registered report of a stored count: ``(bytes, media type, server-chosen file name)``."""
    spec = get_report(name)
    if name == "json":
        body: str | bytes = rec.result_json
    else:
        body = api.render(loads(rec.result_json), name, **dict(options or {}))
    data = body.encode("utf-8") if isinstance(body, str) else body
    media = spec.media_type + ("; charset=utf-8" if isinstance(body, str) else "")
    return data, media, f"contest-{rec.contest_id}-count-{rec.id}-{name}{spec.extension}"


# -- plain data (the API's answers, also used by pages) -------------------------------------


def _when(t: Any) -> str:
    return t.isoformat() if t is not None else ""


def election_dict(e: Election, contests: list[Contest] | None = None) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": e.id,
        "title": e.title,
        "poll_date": e.poll_date,
        "created_at": _when(e.created_at),
        "created_by": e.created_by,
    }
    if contests is not None:
        d["contests"] = [contest_dict(c) for c in contests]
    return d


def contest_dict(c: Contest) -> dict[str, Any]:
    cands = candidates_from_json(c.candidates_json)
    return {
        "id": c.id,
        "election_id": c.election_id,
        "title": c.title,
        "method": c.method,
        "method_title": methods()[c.method].title if c.method in methods() else c.method,
        "seats": c.seats,
        "candidates": None
        if cands is None
        else [{"name": x.name, "party": x.party} for x in cands],
        "ballot_format": c.ballot_format,
        "rules": json.loads(c.rules_json or "{}"),
        "published_count_id": c.published_count_id,
        "created_at": _when(c.created_at),
        "updated_at": _when(c.updated_at),
    }


def upload_dict(u: Upload) -> dict[str, Any]:
    return {
        "id": u.id,
        "position": u.position,
        "filename": u.filename,
        "sha256": u.sha256,
        "size": u.size,
        "format": u.format,
        "papers": u.papers,
        "content_type": u.content_type,
        "uploaded_by": u.uploaded_by,
        "uploaded_at": _when(u.uploaded_at),
        "withdrawn_by": u.withdrawn_by,
        "withdrawn_at": _when(u.withdrawn_at) or None,
    }


def count_dict(rec: CountRecord, *, with_result: bool = False) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": rec.id,
        "contest_id": rec.contest_id,
        "elected": json.loads(rec.elected_json),
        "spec": json.loads(rec.spec_json),
        "inputs": json.loads(rec.inputs_json),
        "result_sha256": rec.result_sha256,
        "created_by": rec.created_by,
        "created_at": _when(rec.created_at),
    }
    if with_result:
        d["result"] = json.loads(rec.result_json)
    return d
