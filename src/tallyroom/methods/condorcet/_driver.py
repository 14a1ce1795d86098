"""What every Condorcet method's count shares: reading the papers, the round log, the Count.

A Condorcet count has **one round**. Its log is:

* ``tally``: each candidate's *first preferences* (papers whose highest ranking
  is that candidate alone), for reference — the method does not use them, but
  they are a vote quantity that adds up: ``sum(tally) + exhausted == papers``,
  where ``exhausted["no single first preference"]`` holds the papers whose
  highest ranking is an equality (a tied overvote) or that rank nobody. So
  :meth:`Count.verify`'s conservation check holds with ``valid_total`` = papers.
* ``elected``: the winner, with the method's reason;
* ``notes``: the pairwise matrix (rows: papers ranking the row candidate above the
  column candidate) and every decision the method took from it (beatpath
  strengths, locked and skipped pairs, scores);
* ``ties``: any tie decided by :mod:`tallyroom.ties`, as :class:`TieDecision` s;
* ``Count.extras``: ``"pairwise"`` (the matrix as whole numbers), ``"condorcet"``
  (Condorcet winner and loser, Smith and Schwartz sets) and ``"scores"`` (the
  method's own quantities). Everything in ``extras`` is plain JSON data, so a
  count saved as native JSON reloads unchanged.

Candidates withdrawn before the poll (``Profile.withdrawn``) are left out of the
matrix; the pairwise counts among the others do not depend on them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Protocol

from ...ballots.profile import Profile
from ...count import Count, Decision, Round, TieDecision
from ...errors import CountError, RuleConfigError
from ...ties import Pick, TieBreak, TieBreaker
from .._common import make_count
from .pairwise import (
    OvervoteRule,
    PairwiseMatrix,
    UnreadableRule,
    first_preferences,
    pairwise_matrix,
)
from .sets import condorcet_loser, condorcet_winner, schwartz_set, smith_set

__all__ = ["NO_FIRST", "Outcome", "PairwiseRules", "condorcet_count", "pick_among"]

NO_FIRST = "no single first preference"


class PairwiseRules(Protocol):
    """The options every Condorcet method's rules carry."""

    @property
    def overvotes(self) -> OvervoteRule: ...

    @property
    def unreadable(self) -> UnreadableRule: ...

    @property
    def ties(self) -> TieBreak: ...


@dataclass(frozen=True)
class Outcome:
    """What a method decided from the matrix."""

    winner: str
    reason: str
    notes: tuple[str, ...] = ()
    ties: tuple[TieDecision, ...] = ()
    scores: Mapping[str, Any] = field(default_factory=dict)


Decide = Callable[[PairwiseMatrix, Any, TieBreaker], Outcome]


def pick_among(
    breaker: TieBreaker, tied: list[str], kind: str = "election"
) -> tuple[str, tuple[TieDecision, ...]]:
    """The one of ``tied`` to elect: itself if alone, else by the count's tie rules."""
    if len(tied) == 1:
        return tied[0], ()
    (one,), record = breaker.choose(kind=kind, round_no=1, tied=tied, pick=Pick.HIGHEST)
    return one, (record,)


def condorcet_count(
    profile: Profile, rules: PairwiseRules, seats: int, *, method: str, decide: Decide
) -> Count:
    """Run ``decide`` on the pairwise matrix of ``profile`` and log it as one round."""
    if seats != 1:
        raise RuleConfigError(
            f"{method} elects one candidate, not {seats}; for several seats use an STV rule set"
        )
    names = profile.candidates.names
    keep = [i for i, n in enumerate(names) if n not in profile.withdrawn]
    if not keep:
        raise CountError("the contest has no candidates")
    matrix = pairwise_matrix(profile, rules.overvotes, rules.unreadable, keep)
    firsts, no_first = first_preferences(profile, rules.overvotes, rules.unreadable, keep)
    breaker = TieBreaker(rules.ties, matrix.candidates)
    outcome = decide(matrix, rules, breaker)
    winner_cw = condorcet_winner(matrix)
    notes = [
        f"{matrix.papers} papers; {matrix.no_preference} rank no candidate above another",
        "pairwise matrix (row X, column Y: papers ranking X above Y):",
        *(f"  {line}" for line in matrix.text_lines()),
        (
            f"Condorcet winner: {winner_cw}"
            if winner_cw
            else "no Condorcet winner; Smith set: " + ", ".join(smith_set(matrix))
        ),
        *outcome.notes,
    ]
    tally = {c: Fraction(v) for c, v in zip(matrix.candidates, firsts, strict=True)}
    r1 = Round(
        number=1,
        tally=tally,
        elected=(Decision(outcome.winner, outcome.reason),),
        exhausted={NO_FIRST: Fraction(no_first)} if no_first else {},
        ties=outcome.ties,
        action="Pairwise comparison (tally: first preferences, for reference)",
        notes=tuple(notes),
    )
    extras: dict[str, Any] = {
        "pairwise": matrix.to_dict(),
        "condorcet": {
            "winner": winner_cw,
            "loser": condorcet_loser(matrix),
            "smith_set": list(smith_set(matrix)),
            "schwartz_set": list(schwartz_set(matrix)),
        },
        "scores": dict(outcome.scores),
    }
    return make_count(
        method=method,
        rules=rules,
        seats=1,
        profile=profile,
        elected=[outcome.winner],
        rounds=[r1],
        valid_total=matrix.papers,
        valid_papers=matrix.papers,
        rejected=dict(profile.rejected),
        extras=extras,
    )
