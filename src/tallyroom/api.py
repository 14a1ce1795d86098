"""The Python API: read ballot files, count them, render reports.

>>> import tallyroom
>>> profile = tallyroom.read_ballots(["ballots.csv"])          # doctest: +SKIP
>>> result = tallyroom.count(profile, method="sv")              # doctest: +SKIP
>>> result.elected                                              # doctest: +SKIP
('Sadiq Aman KHAN',)
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from .ballots.candidates import Candidate, CandidateList
from .ballots.profile import Profile
from .count import Count
from .errors import BallotFileError, RuleConfigError
from .registry import FormatSpec, formats, get_format, get_method, get_report
from .rules import load_rules_file, rules_from_mapping
from .ties import OfficerDecision, TieBreak

__all__ = ["count", "detect_format", "read_ballots", "read_candidates", "render", "resolve_rules"]


def read_candidates(path: str | Path) -> CandidateList:
    """Read a candidates file: CSV with a ``name`` column, optional ``party`` and ``code``.

    Rows are in ballot-paper order (a ``ballot_position`` column, if present, sets it).
    """
    p = Path(path)
    try:
        with open(p, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            fields = [h.strip().lower() for h in (reader.fieldnames or [])]
            if "name" not in fields:
                raise BallotFileError(p, "a candidates file needs a 'name' column", line=1)
            rows = []
            for row in reader:
                clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
                if not clean.get("name"):
                    raise BallotFileError(p, "empty candidate name", line=reader.line_num)
                rows.append((reader.line_num, clean))
    except UnicodeDecodeError as exc:
        raise BallotFileError(p, f"not valid UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise BallotFileError(p, f"cannot read: {exc.strerror}") from exc
    if "ballot_position" in fields:
        try:
            rows.sort(key=lambda r: int(r[1]["ballot_position"]))
        except ValueError as exc:
            raise BallotFileError(p, "ballot_position must be a whole number") from exc
    try:
        return CandidateList(
            Candidate(r["name"], r.get("party") or None, r.get("code") or None) for _, r in rows
        )
    except RuleConfigError as exc:
        raise BallotFileError(p, exc.problems[0]) from None


def detect_format(path: Path) -> FormatSpec:
    """The format of a ballot file: the first registered format whose sniffer claims it,
    else the only format claiming its extension."""
    from .formats._common import read_head

    if not path.exists():
        raise BallotFileError(path, "no such file")
    head = read_head(path)
    for spec in formats().values():
        if spec.sniff is not None and spec.sniff(path, head):
            return spec
    name = path.name.lower()
    matches = [s for s in formats().values() if any(name.endswith(ext) for ext in s.extensions)]
    if len(matches) == 1:
        return matches[0]
    raise BallotFileError(
        path,
        "cannot tell the file's format; name it with --format (one of: "
        + ", ".join(formats())
        + ")",
    )


def read_ballots(
    paths: str | Path | Sequence[str | Path],
    *,
    format: str | None = None,
    candidates: Sequence[Candidate | str] | str | Path | None = None,
    for_method: str | Sequence[str] | None = None,
    **options: Any,
) -> Profile:
    """Read one or more ballot files of one contest into a :class:`Profile`.

    ``format`` names a registered format (``tallyroom formats``); without it the
    format is detected. ``candidates`` is a candidate list or a candidates file;
    it fixes the candidate order and parties, and a name not in it is an error.
    ``for_method`` names the method (or methods) the papers will be counted by: if
    their rules depend on paper order (``irish-stv``, ``cambridge``), readers that
    can keep the order of the papers are asked to.
    Other keyword options go to the format's reader.
    """
    wanted = [for_method] if isinstance(for_method, str) else list(for_method or ())
    keep_order = any(get_method(m).needs_paper_order for m in wanted)
    if isinstance(paths, str | Path):
        paths = [paths]
    if not paths:
        raise RuleConfigError("no ballot files given")
    cands: CandidateList | None = None
    if isinstance(candidates, str | Path):
        cands = read_candidates(candidates)
    elif candidates is not None:
        cands = candidates if isinstance(candidates, CandidateList) else CandidateList(candidates)
    profiles = []
    from .progress import track  # a bar on a terminal when reading many files; silent otherwise

    for raw in track(paths, label="reading ballot files") if len(paths) > 1 else paths:
        path = Path(raw)
        spec = get_format(format) if format else detect_format(path)
        opts = dict(options)
        if cands is not None and "candidates" in spec.options:
            opts["candidates"] = cands
        if keep_order and "keep_order" in spec.options:
            opts.setdefault("keep_order", True)
        if not path.exists():
            raise BallotFileError(path, "no such file")
        profiles.append(spec.read(path, opts))
    profile = Profile.merge(profiles)
    if cands is not None:
        # A CVR reader adds the undeclared write-in candidate its options call for.
        added = [c for c in profile.candidates if c.write_in and cands.get_index(c.name) is None]
        profile = profile.with_candidates(CandidateList([*cands, *added]) if added else cands)
    return profile


def resolve_rules(
    method: str,
    rules: Any = None,
    *,
    tie_seed: str | None = None,
    tie_decisions: Sequence[str | OfficerDecision] = (),
) -> Any:
    """The rules dataclass for ``method``: given, from a mapping or rules file, or the default.

    ``tie_seed`` and ``tie_decisions`` (``"A,B=B"``) are added to the rules' tie-break.
    """
    spec = get_method(method)
    if rules is None:
        resolved = spec.default_rules
    elif isinstance(rules, str | Path):
        data = load_rules_file(rules)
        data.pop("method", None)
        resolved = rules_from_mapping(
            spec.rules_class, _with_defaults(spec.default_rules, data), source=str(rules)
        )
    elif isinstance(rules, Mapping):
        resolved = rules_from_mapping(spec.rules_class, _with_defaults(spec.default_rules, rules))
    elif isinstance(rules, spec.rules_class):
        resolved = rules
    else:
        raise RuleConfigError(
            f"rules for {method!r} must be a {spec.rules_class.__name__}, a mapping or a rules file"
        )
    if tie_seed is not None or tie_decisions:
        ties = getattr(resolved, "ties", None)
        if not isinstance(ties, TieBreak):
            raise RuleConfigError(f"method {method!r} takes no tie-break options")
        decisions = tuple(
            d if isinstance(d, OfficerDecision) else OfficerDecision.parse(d) for d in tie_decisions
        )
        ties = replace(
            ties,
            seed=tie_seed if tie_seed is not None else ties.seed,
            decisions=ties.decisions + decisions,
        )
        resolved = replace(resolved, ties=ties)
    return resolved


def _with_defaults(default: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    """Overlay ``data`` on a preset's rules so a rules file changes only what it names."""
    from .rules import rules_to_mapping

    merged = rules_to_mapping(default)
    for k, v in data.items():
        if isinstance(v, Mapping) and isinstance(merged.get(k), Mapping):
            merged[k] = {**merged[k], **v}
        else:
            merged[k] = v
    return merged


def count(
    profile: Profile,
    method: str = "sv",
    rules: Any = None,
    *,
    seats: int | None = None,
    tie_seed: str | None = None,
    tie_decisions: Sequence[str | OfficerDecision] = (),
) -> Count:
    """Count ``profile`` under ``method`` (``tallyroom methods`` lists them).

    ``seats`` defaults to the ballot file's number of seats, else 1.
    """
    spec = get_method(method)
    resolved = resolve_rules(method, rules, tie_seed=tie_seed, tie_decisions=tie_decisions)
    if not isinstance(resolved, spec.rules_class):  # a method's count() relies on this
        raise RuleConfigError(f"rules for {method!r} must be a {spec.rules_class.__name__}")
    n_seats = seats if seats is not None else (profile.seats or 1)
    if n_seats < 1:
        raise RuleConfigError("seats must be at least 1")
    return spec.count(profile, resolved, n_seats)


def render(result: Count, format: str = "text", **options: Any) -> str | bytes:
    """Render a count with a registered report renderer (``tallyroom report --help``)."""
    return get_report(format).render(result, options)
