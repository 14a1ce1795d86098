"""Check counts against declared results: count every contest of a results file and compare.

A *results file* (JSON, ``docs/verify.md``) lists contests with their declared
results: who was elected and, where published, each candidate's total at every
stage. :func:`verify` counts each contest from its ballot file and compares:

1. the valid poll, when declared, with the papers in the ballot file;
2. the elected set;
3. every declared stage total, at the precision it is declared with: a figure
   written with *d* decimals matches when the exact count, rounded half-up to *d*
   decimals (or as the file's ``"rounding"`` says), equals it. Stage *k* is the
   count's round *k*; a candidate no longer in the count stands at 0.

The first stage and candidate where the figures differ is the reason a contest
does not match. Contests that cannot be counted (uncontested, no ballot file)
are listed as not counted, with the reason; nothing is skipped silently.

>>> result = verify("official_2022.json")                   # doctest: +SKIP
>>> result.matched, len(result.mismatched)                   # doctest: +SKIP
(313, 3)
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from pathlib import Path
from typing import Any

from .ballots.candidates import Candidate, CandidateList
from .ballots.profile import Profile
from .count import Count
from .errors import BallotFileError, RuleConfigError, TallyroomError

__all__ = ["ContestCheck", "Difference", "Rounding", "Status", "VerifyResult", "verify"]

#: The method implied by the Scottish council results layout (contests under "wards").
WARDS_LAYOUT_METHOD = "scottish-stv"


class Status(Enum):
    """Outcome of checking one contest."""

    MATCHED = "matched"
    MISMATCHED = "mismatched"
    ERROR = "error"
    NOT_COUNTED = "not counted"


class Rounding(Enum):
    """How a declared figure with *d* decimals was made from the exact value."""

    HALF_UP = "half-up"
    DOWN = "down"


@dataclass(frozen=True, slots=True)
class Difference:
    """The first declared figure the count does not reproduce."""

    stage: int
    candidate: str
    declared: str
    counted: Fraction | None

    def describe(self) -> str:
        from .numbers import format_exact

        counted = "not in the count" if self.counted is None else format_exact(self.counted)
        return f"stage {self.stage}, {self.candidate}: declared {self.declared}, counted {counted}"


@dataclass(frozen=True, slots=True)
class ContestCheck:
    """The check of one contest: status, reason, and what was compared."""

    contest: str
    status: Status
    reason: str = ""
    compared: str = ""
    stages: int = 0
    difference: Difference | None = None
    elected: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """Every contest of a results file, checked."""

    results_file: str
    method: str
    method_source: str
    contests: tuple[ContestCheck, ...]

    def _with(self, status: Status) -> list[ContestCheck]:
        return [c for c in self.contests if c.status is status]

    @property
    def matched(self) -> int:
        return len(self._with(Status.MATCHED))

    @property
    def mismatched(self) -> list[ContestCheck]:
        return self._with(Status.MISMATCHED)

    @property
    def errors(self) -> list[ContestCheck]:
        return self._with(Status.ERROR)

    @property
    def not_counted(self) -> list[ContestCheck]:
        return self._with(Status.NOT_COUNTED)

    def to_dict(self) -> dict[str, Any]:
        """``{"contests", "matched", "mismatched", "errors", "not_counted", ...}`` (plain data)."""
        return {
            "results_file": self.results_file,
            "method": self.method,
            "contests": len(self.contests),
            "matched": self.matched,
            "mismatched": [{"contest": c.contest, "reason": c.reason} for c in self.mismatched],
            "errors": [{"contest": c.contest, "error": c.reason} for c in self.errors],
            "not_counted": [{"contest": c.contest, "reason": c.reason} for c in self.not_counted],
        }


# -- reading the results file --------------------------------------------------------


def _load(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BallotFileError(path, f"cannot read the results file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise BallotFileError(path, f"not valid UTF-8 text ({exc.reason})") from exc
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise BallotFileError(path, f"not valid JSON: {exc.msg}", line=exc.lineno) from exc
    if not isinstance(data, dict):
        raise BallotFileError(path, "a results file is a JSON object with a 'contests' list")
    return data


def _contest_list(path: Path, data: Mapping[str, Any]) -> tuple[list[Any], bool]:
    has_contests, has_wards = "contests" in data, "wards" in data
    if has_contests == has_wards:
        raise BallotFileError(
            path, "a results file has exactly one list of contests: 'contests' (or 'wards')"
        )
    items = data["contests" if has_contests else "wards"]
    if not isinstance(items, list):
        raise BallotFileError(path, "'contests' must be a list")
    return items, has_wards


def _contest_name(c: Mapping[str, Any], index: int) -> str:
    if isinstance(c.get("name"), str):
        return str(c["name"])
    parts = [str(c[k]) for k in ("council", "ward_name") if isinstance(c.get(k), str)]
    return ": ".join(parts) if parts else f"contest {index + 1}"


def _rounding(path: Path, data: Mapping[str, Any]) -> Rounding:
    raw = data.get("rounding", Rounding.HALF_UP.value)
    try:
        return Rounding(raw)
    except ValueError:
        raise BallotFileError(
            path, f"unknown rounding {raw!r}; valid values: {', '.join(r.value for r in Rounding)}"
        ) from None


# -- checking one contest -------------------------------------------------------------


def _ballot_path(c: Mapping[str, Any], data_dir: Path) -> tuple[Path, str | None] | None:
    for key, fmt in (("blt_file", "blt"), ("ballot_file", c.get("ballot_format"))):
        value = c.get(key)
        if value:
            path = data_dir / str(value)
            if not path.exists() and Path(str(path) + ".gz").exists():
                path = Path(str(path) + ".gz")  # a compressed copy, as in tests/data
            return path, (str(fmt) if fmt else None)
    return None


def _relabel(profile: Profile, order: Any, where: str) -> Profile:
    """Give the ballot file's candidates their declared names (``candidate_order``)."""
    if order is None:
        return profile
    if not isinstance(order, list) or not all(isinstance(n, str) for n in order):
        raise RuleConfigError(f"{where}: the candidate order must be a list of names")
    if len(order) != len(profile.candidates):
        raise RuleConfigError(
            f"{where}: the candidate order lists {len(order)} names but the ballot file has "
            f"{len(profile.candidates)} candidates"
        )
    names = CandidateList(
        Candidate(new, old.party, old.code, old.write_in)
        for new, old in zip(order, profile.candidates, strict=True)
    )
    mapping = dict(zip(profile.candidates.names, order, strict=True))
    withdrawn = frozenset(mapping[n] for n in profile.withdrawn)
    return replace(profile, candidates=names, withdrawn=withdrawn)


def _decimal_places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _matches(value: Fraction, figure: Decimal, rounding: Rounding) -> bool:
    """Whether the exact ``value``, written with ``figure``'s decimals, gives ``figure``.

    Vote totals are never negative: half-up takes ``[F - u/2, F + u/2)``, down takes
    ``[F, F + u)``, where ``u`` is one unit in the last declared decimal.
    """
    f = Fraction(figure)
    unit = Fraction(1, 10 ** _decimal_places(figure))
    if rounding is Rounding.HALF_UP:
        return f - unit / 2 <= value < f + unit / 2
    return f <= value < f + unit


def _declared_figure(raw: Any) -> Decimal | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise RuleConfigError(f"{raw!r} is not a vote figure")
    if isinstance(raw, int | Decimal):
        return Decimal(raw)
    if isinstance(raw, str):
        try:
            value = Decimal(raw.strip())
        except ArithmeticError:
            raise RuleConfigError(f"{raw!r} is not a vote figure") from None
        if value.is_finite():
            return value
    raise RuleConfigError(f"{raw!r} is not a vote figure")


def _first_difference(
    count: Count, candidates: Sequence[Mapping[str, Any]], rounding: Rounding
) -> tuple[Difference | None, int, str]:
    """The first (stage, candidate) whose declared total the count does not give."""
    declared: list[tuple[str, list[Decimal | None]]] = []
    names = set(count.candidate_names)
    for cand in candidates:
        name = cand.get("name")
        totals = cand.get("stage_totals")
        if not isinstance(name, str) or totals is None:
            continue
        if not isinstance(totals, list):
            raise RuleConfigError(f"stage_totals of {name!r} must be a list")
        if name not in names:
            raise RuleConfigError(
                f"declared candidate {name!r} is not in the ballot file's candidates"
            )
        declared.append((name, [_declared_figure(v) for v in totals]))
    n_stages = max((len(t) for _, t in declared), default=0)
    if n_stages == 0:
        return None, 0, ""
    rounds = count.rounds
    for stage in range(1, n_stages + 1):
        if stage > len(rounds):
            return (
                Difference(stage, "(all)", f"{n_stages} stages", None),
                n_stages,
                f"the count has {len(rounds)} stages, the declaration {n_stages}",
            )
        tally = rounds[stage - 1].tally
        for name, totals in declared:
            if stage > len(totals) or totals[stage - 1] is None:
                continue
            figure = totals[stage - 1]
            assert figure is not None
            counted = tally.get(name)
            value = counted if counted is not None else Fraction(0)
            if not _matches(value, figure, rounding):
                diff = Difference(stage, name, str(figure), counted)
                return diff, n_stages, diff.describe()
    if len(rounds) > n_stages:
        return (
            Difference(n_stages + 1, "(all)", f"{n_stages} stages", None),
            n_stages,
            f"the count has {len(rounds)} stages, the declaration {n_stages}",
        )
    return None, n_stages, ""


def _check_contest(
    c: Mapping[str, Any],
    name: str,
    method: str,
    data_dir: Path,
    rounding: Rounding,
    tie_seed: str | None,
) -> ContestCheck:
    from .api import count as run_count
    from .api import read_ballots

    if c.get("contested") is False:
        return ContestCheck(name, Status.NOT_COUNTED, "uncontested: no poll was held")
    located = _ballot_path(c, data_dir)
    if located is None:
        return ContestCheck(name, Status.NOT_COUNTED, "no ballot file for this contest")
    path, fmt = located
    try:
        profile = read_ballots(path, format=fmt, for_method=method)
        profile = _relabel(profile, c.get("blt_candidate_order", c.get("candidate_order")), name)
        seats = c.get("seats")
        if seats is not None and (
            not isinstance(seats, int) or isinstance(seats, bool) or seats < 1
        ):
            raise RuleConfigError(f"seats must be a whole number >= 1, not {seats!r}")
        result = run_count(profile, method, seats=seats, tie_seed=tie_seed)
    except TallyroomError as exc:
        return ContestCheck(name, Status.ERROR, str(exc))
    except Exception as exc:  # a bug in a reader or rule set: report it, check the other contests
        return ContestCheck(
            name, Status.ERROR, f"internal error ({type(exc).__name__}: {exc}); please report it"
        )
    notes: list[str] = []
    if seats is not None and profile.seats is not None and seats != profile.seats:
        notes.append(f"the ballot file says {profile.seats} seats, the declaration {seats}")
    valid = c.get("valid_poll")
    if isinstance(valid, int) and not isinstance(valid, bool) and valid != profile.total:
        notes.append(
            f"the ballot file holds {profile.total} valid papers, the declared valid poll is {valid}"
        )
    declared_elected = c.get("elected")
    if not isinstance(declared_elected, list):
        return ContestCheck(name, Status.ERROR, "the contest declares no 'elected' list")
    if set(declared_elected) != set(result.elected):
        missing = sorted(set(declared_elected) - set(result.elected))
        extra = sorted(set(result.elected) - set(declared_elected))
        notes.append(
            f"elected differ: declared but not counted {missing}; counted but not declared {extra}"
        )
        return ContestCheck(
            name, Status.MISMATCHED, "; ".join(notes), compared="elected", elected=result.elected
        )
    quota = c.get("quota")
    threshold = result.rounds[0].threshold
    try:
        figure = _declared_figure(quota)
        if (
            figure is not None
            and threshold is not None
            and not _matches(threshold, figure, rounding)
        ):
            notes.append(f"declared quota {figure}, counted {threshold}")
        diff, stages, reason = _first_difference(result, c.get("candidates") or [], rounding)
    except RuleConfigError as exc:
        return ContestCheck(name, Status.ERROR, str(exc), elected=result.elected)
    compared = f"elected and {stages} stages" if stages else "elected only (no stages declared)"
    if reason:
        notes.append(reason)
    if notes:
        return ContestCheck(
            name,
            Status.MISMATCHED,
            "; ".join(notes),
            compared,
            stages,
            diff,
            elected=result.elected,
        )
    return ContestCheck(name, Status.MATCHED, "", compared, stages, elected=result.elected)


def verify(
    results_file: str | Path,
    *,
    data_dir: str | Path | None = None,
    method: str | None = None,
    tie_seed: str | None = None,
) -> VerifyResult:
    """Count every contest named in ``results_file`` and compare with the declared results.

    Ballot-file paths resolve against ``data_dir`` (default: the results file's folder).
    The method is ``method``, else the file's ``"method"``, else ``scottish-stv`` for
    the Scottish council layout (contests under ``"wards"``); otherwise it is an error.
    """
    path = Path(results_file)
    data = _load(path)
    items, wards_layout = _contest_list(path, data)
    rounding = _rounding(path, data)
    if method is not None:
        chosen, source = method, "given"
    elif isinstance(data.get("method"), str):
        chosen, source = str(data["method"]), "results file"
    elif wards_layout:
        chosen, source = WARDS_LAYOUT_METHOD, "implied by the Scottish 'wards' layout"
    else:
        raise RuleConfigError(
            f"{path}: the results file names no method; give one with --method (or a 'method' key)"
        )
    from .registry import get_method

    get_method(chosen)  # an unknown method fails here, listing the valid ones
    base = Path(data_dir) if data_dir is not None else path.parent
    checks: list[ContestCheck] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise BallotFileError(path, f"contest {i + 1} is not a JSON object")
        name = _contest_name(item, i)
        if name in seen:
            name = f"{name} ({item.get('ward_code') or i + 1})"
        seen.add(name)
        per_contest = item.get("method", chosen) if method is None else chosen
        checks.append(_check_contest(item, name, str(per_contest), base, rounding, tie_seed))
    return VerifyResult(str(path), chosen, source, tuple(checks))
