"""The :class:`Count`: the immutable round log of one count.

Every method produces a ``Count``; every report is a pure function of it.

A round (RCTab's convention, also a stage of a UK stage sheet read one line on):

* ``tally``: the votes of each candidate still holding votes at this round, in
  candidate order (excluded candidates are dropped from later rounds);
* ``threshold``: the quota or votes needed to win at this round, if any;
* ``elected`` / ``excluded``: the decisions taken on this tally, with reasons;
* ``transfers``: the votes those decisions move, ``{from: {to: amount}}``; ``to`` is
  a candidate or one of the reserved keys ``"exhausted"`` and ``"loss to fractions"``;
  the moves show up in the next round's tally;
* ``exhausted``: papers (votes) no longer with any candidate, by reason, cumulative;
* ``loss_to_fractions``: votes lost to rounding so far, cumulative;
* ``ties``: every tie decided in this round and how.

:meth:`Count.verify` (run when a ``Count`` is made) checks that nothing is lost:
in every round ``sum(tally) + sum(exhausted) + loss_to_fractions == valid_total``,
each round follows from the previous one by its transfers, and valid plus
rejected papers make the total.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from .ballots.candidates import Candidate
from .ballots.profile import InputFile
from .errors import IntegrityError

__all__ = [
    "EXHAUSTED",
    "FRACTIONS",
    "Count",
    "Decision",
    "Round",
    "TieDecision",
]

EXHAUSTED = "exhausted"
FRACTIONS = "loss to fractions"


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, slots=True)
class Decision:
    """A candidate elected or excluded at a round, and why."""

    candidate: str
    reason: str


@dataclass(frozen=True, slots=True)
class TieDecision:
    """How one tie was decided: replayable from ``rule`` and ``detail``.

    ``kind`` is what was being decided ("exclusion", "election", "surplus order",
    "final", "second place", …); ``tied`` the candidates tied, in candidate order;
    ``chosen`` the ones the decision picked (to exclude, elect or go first);
    ``rule`` the rule that decided ("countback", "lot", "officer", "candidate order",
    "previous round"); ``detail`` the facts a scrutineer needs to replay it.
    """

    kind: str
    tied: tuple[str, ...]
    chosen: tuple[str, ...]
    rule: str
    detail: str


@dataclass(frozen=True, slots=True)
class Round:
    number: int
    tally: Mapping[str, Fraction]
    threshold: Fraction | None = None
    elected: tuple[Decision, ...] = ()
    excluded: tuple[Decision, ...] = ()
    transfers: Mapping[str, Mapping[str, Fraction]] = field(default_factory=dict)
    exhausted: Mapping[str, Fraction] = field(default_factory=dict)
    loss_to_fractions: Fraction = Fraction(0)
    ties: tuple[TieDecision, ...] = ()
    action: str = ""
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "tally", _frozen(self.tally))
        object.__setattr__(
            self, "transfers", _frozen({k: _frozen(v) for k, v in self.transfers.items()})
        )
        object.__setattr__(self, "exhausted", _frozen(self.exhausted))

    @property
    def exhausted_total(self) -> Fraction:
        return sum(self.exhausted.values(), Fraction(0))

    @property
    def continuing_total(self) -> Fraction:
        return sum(self.tally.values(), Fraction(0))


@dataclass(frozen=True, slots=True)
class Count:
    """The immutable log of one count. Made by a method; checked on creation."""

    method: str
    rules: Mapping[str, Any]
    seats: int
    candidates: tuple[Candidate, ...]
    elected: tuple[str, ...]
    rounds: tuple[Round, ...]
    valid_total: Fraction
    valid_papers: int
    rejected: Mapping[str, int] = field(default_factory=dict)
    inputs: tuple[InputFile, ...] = ()
    version: str = ""
    title: str | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", _frozen(self.rules))
        object.__setattr__(self, "rejected", _frozen(self.rejected))
        object.__setattr__(self, "extras", _frozen(self.extras))
        if not self.version:
            from . import __version__

            object.__setattr__(self, "version", __version__)
        self.verify()

    # -- views --------------------------------------------------------------------
    @property
    def candidate_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.candidates)

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    @property
    def total_papers(self) -> int:
        return self.valid_papers + self.rejected_total

    @property
    def ties(self) -> tuple[TieDecision, ...]:
        return tuple(t for r in self.rounds for t in r.ties)

    @property
    def final_round(self) -> Round:
        return self.rounds[-1]

    def party_of(self, name: str) -> str | None:
        for c in self.candidates:
            if c.name == name:
                return c.party
        return None

    # -- checks -------------------------------------------------------------------
    def verify(self) -> None:
        """Raise :class:`IntegrityError` unless every round accounts for every vote."""
        names = set(self.candidate_names)
        problems: list[str] = []
        if not self.rounds:
            problems.append("a count has at least one round")
        for k, name in enumerate(self.elected):
            if name not in names:
                problems.append(f"elected {name!r} is not a candidate")
            if name in self.elected[:k]:
                problems.append(f"{name!r} elected twice")
        previous: Round | None = None
        for r in self.rounds:
            unknown = [n for n in r.tally if n not in names]
            if unknown:
                problems.append(f"round {r.number}: unknown candidates in tally {unknown}")
            accounted = r.continuing_total + r.exhausted_total + r.loss_to_fractions
            if accounted != self.valid_total:
                problems.append(
                    f"round {r.number}: continuing {r.continuing_total} + exhausted "
                    f"{r.exhausted_total} + loss to fractions {r.loss_to_fractions} = {accounted}, "
                    f"not the valid total {self.valid_total}"
                )
            if previous is not None:
                problems.extend(_check_step(previous, r))
            previous = r
        if problems:
            raise IntegrityError("count log does not add up: " + "; ".join(problems))


def _check_step(before: Round, after: Round) -> list[str]:
    """The transfers logged at ``before`` must turn its tally into ``after``'s."""
    problems: list[str] = []
    expected: dict[str, Fraction] = dict(before.tally)
    to_exhausted = Fraction(0)
    to_fractions = Fraction(0)
    for source, flows in before.transfers.items():
        for dest, amount in flows.items():
            expected[source] = expected.get(source, Fraction(0)) - amount
            if dest == EXHAUSTED:
                to_exhausted += amount
            elif dest == FRACTIONS:
                to_fractions += amount
            else:
                expected[dest] = expected.get(dest, Fraction(0)) + amount
    for name in sorted(set(expected) | set(after.tally)):
        want = expected.get(name, Fraction(0))
        got = after.tally.get(name, Fraction(0))
        if want != got:
            problems.append(
                f"round {after.number}: {name} has {got}, but round {before.number} "
                f"plus its transfers gives {want}"
            )
    if after.exhausted_total - before.exhausted_total != to_exhausted:
        problems.append(
            f"round {after.number}: exhausted grew by {after.exhausted_total - before.exhausted_total}"
            f" but round {before.number} transferred {to_exhausted} to exhausted"
        )
    if after.loss_to_fractions - before.loss_to_fractions != to_fractions:
        problems.append(
            f"round {after.number}: loss to fractions grew by "
            f"{after.loss_to_fractions - before.loss_to_fractions} but round {before.number} "
            f"transferred {to_fractions}"
        )
    return problems
