"""Count one ballot set under every applicable method: would another system have changed the result?

:func:`compare` counts a :class:`~tallyroom.ballots.profile.Profile` under each
registered counting method (or the ones named), with each method's default
rules, and says for each whether the data support it:

* ``supported``: the papers hold everything the method reads;
* ``limited``: the method ran, but the papers hold less than it reads — SV data
  (a first and a second preference) under a method that reads full rankings,
  ranked data under SV (which reads only the first two preferences), or papers
  with fewer preferences than SV (two) or a block vote (one per seat) reads. The result
  is what the method gives on these papers, not what voters would have marked
  under it;
* ``not applicable``: the method cannot count this contest (a single-winner
  method for several seats; an STV rule set for one seat, where it reduces to IRV;
  a method whose rules reject every paper, e.g. full preferential voting on
  truncated rankings; any error the method raises, quoted). A method whose rules
  reject *some* of the papers is ``limited``, with the rejection heads listed;
* ``tie needs a decision``: the method reached a tie to be decided by lot and no
  ``tie_seed`` was given (the tied candidates are listed).

Alongside: the exact pairwise matrix, the Condorcet winner and loser (if any),
the Smith and Schwartz sets, and for single-winner IRV and SV counts the margins
the count reveals (:mod:`tallyroom.analysis.margins`).

Methods are tried in registry order; with the same inputs the comparison is the
same, field for field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

import numpy as np

from ..ballots.marks import BLANK
from ..ballots.profile import Profile
from ..count import Count
from ..errors import CountError, RuleConfigError, TallyroomError, TieDecisionRequired
from ..methods.condorcet.pairwise import PairwiseMatrix, pairwise_matrix
from ..methods.condorcet.sets import condorcet_loser, condorcet_winner, schwartz_set, smith_set
from ..registry import MethodSpec, methods
from .margins import Margins, margins, supports_margins, unsupported_options

__all__ = ["Comparison", "MethodResult", "Support", "compare"]


class Support(Enum):
    """Whether the data support a method (see the module docstring)."""

    SUPPORTED = "supported"
    LIMITED = "limited"
    NOT_APPLICABLE = "not applicable"
    TIE = "tie needs a decision"


@dataclass(frozen=True)
class MethodResult:
    """One method's outcome on the ballot set."""

    method: str
    title: str
    support: Support
    elected: tuple[str, ...]
    reason: str
    count: Count | None = None
    margins: Margins | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "title": self.title,
            "support": self.support.value,
            "elected": list(self.elected),
            "reason": self.reason,
            "rounds": len(self.count.rounds) if self.count else None,
            "ties": [
                {"kind": t.kind, "tied": list(t.tied), "chosen": list(t.chosen), "rule": t.rule}
                for t in (self.count.ties if self.count else ())
            ],
            "margins": self.margins.to_dict() if self.margins else None,
        }


@dataclass(frozen=True)
class Comparison:
    """A ballot set counted under several methods."""

    title: str | None
    candidates: tuple[str, ...]
    seats: int
    papers: int
    distinct_papers: int
    max_preferences: int
    results: tuple[MethodResult, ...]
    pairwise: PairwiseMatrix
    condorcet_winner: str | None
    condorcet_loser: str | None
    smith_set: tuple[str, ...]
    schwartz_set: tuple[str, ...]
    notes: tuple[str, ...]

    def result(self, method: str) -> MethodResult:
        for r in self.results:
            if r.method == method:
                return r
        raise KeyError(method)

    @property
    def counted(self) -> tuple[MethodResult, ...]:
        """The results that elected someone (supported or limited)."""
        return tuple(r for r in self.results if r.elected)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "tallyroom-comparison",
            "title": self.title,
            "candidates": list(self.candidates),
            "seats": self.seats,
            "papers": self.papers,
            "distinct_papers": self.distinct_papers,
            "max_preferences": self.max_preferences,
            "condorcet_winner": self.condorcet_winner,
            "condorcet_loser": self.condorcet_loser,
            "smith_set": list(self.smith_set),
            "schwartz_set": list(self.schwartz_set),
            "pairwise": self.pairwise.to_dict(),
            "results": [r.to_dict() for r in self.results],
            "notes": list(self.notes),
        }


def _max_preferences(profile: Profile) -> int:
    """The most positions any paper marks (trailing blanks ignored)."""
    if profile.depth == 0 or profile.n_distinct == 0:
        return 0
    marked = profile.ballots != BLANK
    last = np.where(marked.any(axis=1), profile.depth - np.argmax(marked[:, ::-1], axis=1), 0)
    return int(last.max())


def _is_stv(spec: MethodSpec) -> bool:
    return spec.multi_seat and spec.name not in ("fptp", "irv") and spec.preset_of != "irv"


def _preferences_read(spec: MethodSpec, seats: int) -> int | None:
    """How many preferences the method reads from a paper (None: all of them)."""
    if spec.name == "fptp":
        return seats
    if spec.name == "sv" or spec.preset_of == "sv":
        return 2
    return None


def _applicability(
    spec: MethodSpec, seats: int, depth: int
) -> tuple[Support, str, dict[str, Any] | None]:
    """(support, why, rules overrides) before counting; NOT_APPLICABLE stops there."""
    if seats > 1 and not spec.multi_seat:
        return Support.NOT_APPLICABLE, f"elects one candidate; this contest has {seats} seats", None
    if seats == 1 and _is_stv(spec):
        return (
            Support.NOT_APPLICABLE,
            "an STV rule set: with one seat it reduces to the alternative vote (see irv)",
            None,
        )
    reads = _preferences_read(spec, seats)
    if reads == 2 and depth > 2:
        return (
            Support.LIMITED,
            f"SV reads a first and a second preference; counted on the first two of up to "
            f"{depth} preferences per paper",
            {"later_preferences": "ignore"},
        )
    if reads is not None and depth < reads:
        return (
            Support.LIMITED,
            f"reads {reads} preference(s) per paper, but the papers record at most {depth}: "
            "this is the result on these papers, not what voters would have marked under it",
            None,
        )
    if reads is None and depth <= 2:
        return (
            Support.LIMITED,
            f"reads full rankings, but the papers record at most {depth} preference(s): this "
            "is the result on these papers, not what voters would have ranked under it",
            None,
        )
    return Support.SUPPORTED, "the papers hold every preference the method reads", None


def _run(profile: Profile, spec: MethodSpec, seats: int, tie_seed: str | None) -> MethodResult:
    from ..api import count as run_count

    support, why, overrides = _applicability(spec, seats, _max_preferences(profile))
    if support is Support.NOT_APPLICABLE:
        return MethodResult(spec.name, spec.title, support, (), why)
    seed = tie_seed if tie_seed is not None and hasattr(spec.default_rules, "ties") else None
    try:
        result = run_count(profile, spec.name, overrides, seats=seats, tie_seed=seed)
    except TieDecisionRequired as exc:
        tied = ", ".join(exc.tie.get("tied", [])) if isinstance(exc.tie, dict) else ""
        return MethodResult(
            spec.name,
            spec.title,
            Support.TIE,
            (),
            f"a tie ({tied}) must be decided by lot: give a tie seed or an officer's decision",
        )
    except (RuleConfigError, CountError) as exc:
        return MethodResult(spec.name, spec.title, Support.NOT_APPLICABLE, (), str(exc))
    except TallyroomError as exc:
        return MethodResult(spec.name, spec.title, Support.NOT_APPLICABLE, (), str(exc))
    rejected = result.valid_papers < profile.total
    if rejected:
        n_rej = profile.total - result.valid_papers
        heads = "; ".join(
            f"{head}: {n}"
            for head, n in result.rejected.items()
            if n and n > profile.rejected.get(head, 0)
        )
        if result.valid_papers == 0:
            return MethodResult(
                spec.name,
                spec.title,
                Support.NOT_APPLICABLE,
                (),
                f"its rules reject every paper ({heads}); the count it makes of no papers "
                "(decided by lot) is not a result",
                result,
            )
        support = Support.LIMITED
        why = f"{why}; but its rules reject {n_rej} of {profile.total} papers ({heads})"
    found: Margins | None = None
    if supports_margins(result) and not unsupported_options(result):
        try:
            found = margins(result)
        except CountError:
            found = None
    return MethodResult(spec.name, spec.title, support, result.elected, why, result, found)


def compare(
    profile: Profile,
    methods: Sequence[str] | None = None,
    seats: int = 1,
    tie_seed: str | None = None,
) -> Comparison:
    """Count ``profile`` under ``methods`` (default: every registered method).

    ``seats``: the number to elect. ``tie_seed``: seed for recorded draws by lot in
    every method that needs one; without it a lot leaves that method's result as
    ``tie needs a decision``.

    >>> c = compare(profile)                     # doctest: +SKIP
    >>> [(r.method, r.elected) for r in c.counted]  # doctest: +SKIP
    """
    if seats < 1:
        raise RuleConfigError("seats must be at least 1")
    registered = _registered()
    if methods is None:
        chosen = list(registered.values())
    else:
        unknown = [m for m in methods if m not in registered]
        if unknown:
            raise RuleConfigError(
                f"unknown method(s) {', '.join(unknown)}; valid methods: {', '.join(registered)}"
            )
        chosen = [registered[m] for m in dict.fromkeys(methods)]
    names = profile.candidates.names
    keep = [i for i, n in enumerate(names) if n not in profile.withdrawn]
    matrix = pairwise_matrix(profile, keep=keep)
    depth = _max_preferences(profile)
    notes = [
        f"{profile.total} papers ({profile.n_distinct} distinct); up to {depth} preference(s) "
        "per paper"
    ]
    if depth <= 2:
        notes.append(
            "the papers hold at most two preferences (e.g. Supplementary Vote papers): "
            "methods that read full rankings are marked limited"
        )
    if seats > 1:
        notes.append("the pairwise figures and Condorcet sets are single-winner analyses")
    if profile.withdrawn:
        notes.append("withdrawn candidates are left out: " + ", ".join(sorted(profile.withdrawn)))
    results = tuple(_run(profile, spec, seats, tie_seed) for spec in chosen)
    return Comparison(
        title=profile.title,
        candidates=matrix.candidates,
        seats=seats,
        papers=profile.total,
        distinct_papers=profile.n_distinct,
        max_preferences=depth,
        results=results,
        pairwise=matrix,
        condorcet_winner=condorcet_winner(matrix),
        condorcet_loser=condorcet_loser(matrix),
        smith_set=smith_set(matrix),
        schwartz_set=schwartz_set(matrix),
        notes=tuple(notes),
    )


def _registered() -> dict[str, MethodSpec]:
    return dict(methods())


def with_title(comparison: Comparison, title: str | None) -> Comparison:
    """The same comparison under another title."""
    return replace(comparison, title=title)
