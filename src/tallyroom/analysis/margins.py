"""Margins of a single-winner IRV or SV count, as far as the count itself reveals them.

The *margin of victory* is the smallest number of papers whose change (to any
other marking) could elect someone else. Computing it exactly for IRV is hard
(Magrino, Rivest, Shen and Wagner, "Computing the margin of victory in IRV
elections", EVT/WOTE 2011); the round log gives two bounds, and this module
reports both, each labelled:

**Upper bound — the last-round margin.** Take ``k`` papers whose first preference
is the winner W (they stay with W in every round) and change them to give the
runner-up R (the strongest other candidate in the final round) their first
preference instead. In every earlier round R has at
least as many votes as before and W at most as many, so either W drops out
earlier (W loses) or the final round is reached with R at ``R + k`` and W at
``W − k`` against the same continuing total. With ``k = max(t − R, ⌊(W − R)/2⌋ + 1)``
(``t`` the final round's threshold, if any) R beats W there and reaches the
threshold. So ``k`` changed papers certainly change the winner: an **upper bound**
on the margin. (For SV the argument needs the second count to be between exactly
two candidates — with three or more, raising R can exclude a candidate whose
second preferences go to W — and W to have ``k`` first preferences; otherwise no
upper bound is given. IRV counts with batch elimination, a minimum vote threshold,
cut-off elimination or a fixed last round are refused: their exclusions compare
against fixed figures or sums that one paper moves differently.)

**Lower bound — the decision margins.** Changing one paper moves at most one vote
from one pile to another at any round, so it narrows any gap between two piles by
at most 2 votes and any candidate's lead over half the continuing votes by at most
1 paper. If the winner changes, some decision of the count must change at a first
round *r*, where all earlier decisions — hence the piles' make-up — were as
logged. The decisions and the papers needed to reach a tie on each (a tie could
be decided either way by the tie rules):

* *elimination order*: the lowest survivor's lead over the highest excluded
  candidate, ``gap``: ``⌈gap / 2⌉`` papers;
* *no early majority* (rounds before the last, when the round has a threshold):
  the strongest other candidate X is ``C − 2X`` short of a strict majority of the
  ``C`` continuing votes: ``⌈(C + 1 − 2X) / 2⌉`` papers;
* *final decision*: W's lead over the rest of the continuing votes, ``2W − C``:
  ``⌈(2W − C) / 2⌉`` papers (for two candidates, half W's lead over R).

Their minimum is a **lower bound** on the margin: fewer changed papers cannot
alter any decision, so cannot alter the winner. The bounds meet only when the
same decision is the cheapest to break and breaking it strictly costs no more than
reaching a tie, so each is labelled and neither is called "the" margin.
A tie already decided in the count (by countback or lot) gives a lower bound of 0:
a different draw alone could change the result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction
from typing import Any

from ..count import Count, Round
from ..errors import CountError
from ..numbers import format_exact

__all__ = ["Bound", "DecisionMargin", "Margins", "margins", "supports_margins"]


class Bound(Enum):
    """What a figure is: the margin is at least (lower) or at most (upper) this."""

    LOWER = "lower bound"
    UPPER = "upper bound"


@dataclass(frozen=True)
class DecisionMargin:
    """How close one decision of the count was."""

    round: int
    kind: str
    ahead: str
    behind: str
    gap: Fraction
    papers: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "kind": self.kind,
            "ahead": self.ahead,
            "behind": self.behind,
            "gap": format_exact(self.gap),
            "papers": self.papers,
            "text": self.text,
        }


@dataclass(frozen=True)
class Margins:
    """The bounds on a count's margin of victory, with the decisions behind them."""

    method: str
    winner: str
    runner_up: str | None
    upper_bound: int | None
    lower_bound: int
    decisions: tuple[DecisionMargin, ...]
    notes: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        return self.upper_bound is not None and self.upper_bound == self.lower_bound

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "winner": self.winner,
            "runner_up": self.runner_up,
            "upper_bound": {
                "papers": self.upper_bound,
                "label": Bound.UPPER.value,
                "what": "papers with the winner's first preference that, given to the "
                "runner-up instead, certainly elect the runner-up (last-round margin)",
            },
            "lower_bound": {
                "papers": self.lower_bound,
                "label": Bound.LOWER.value,
                "what": "fewest papers that could turn any decision of the count into a tie",
            },
            "exact": self.exact,
            "decisions": [d.to_dict() for d in self.decisions],
            "notes": list(self.notes),
        }

    def text_lines(self) -> list[str]:
        ub = "n/a" if self.upper_bound is None else str(self.upper_bound)
        out = [
            f"Margins of the {self.method} count (winner {self.winner}"
            + (f", runner-up {self.runner_up})" if self.runner_up else ")"),
            f"  upper bound: {ub} paper(s) (last-round margin: papers with the winner's "
            "first preference that, given to the runner-up, certainly elect the runner-up)",
            f"  lower bound: {self.lower_bound} paper(s) (fewer cannot change any decision "
            "of the count, so cannot change the winner)",
        ]
        if self.exact:
            out.append(f"  the bounds meet: the margin of victory is exactly {ub} paper(s)")
        out.append("  decision margins (papers needed to make each decision a tie):")
        out += [f"    round {d.round}: {d.text}" for d in self.decisions]
        out += [f"  note: {n}" for n in self.notes]
        return out


#: Methods whose round log is a single-winner elimination count this module reads.
_ELIMINATION_METHODS = {"sv", "irv"}


def supports_margins(count: Count) -> bool:
    """Is ``count`` a single-winner SV or IRV count (or an IRV preset)?"""
    if count.seats != 1 or len(count.elected) != 1:
        return False
    if count.method in _ELIMINATION_METHODS:
        return True
    from ..registry import methods

    spec = methods().get(count.method)
    return spec is not None and spec.preset_of in _ELIMINATION_METHODS


#: IRV options under which the bounds' arguments do not hold, with the value they need.
_PLAIN_IRV = {
    "winner_mode": "singleWinnerMajority",
    "batch_elimination": False,
    "minimum_vote_threshold": "0",
    "cutoff_elimination": False,
    "bottoms_up_percentage": None,
    "stop_after_round": None,
}


def unsupported_options(count: Count) -> list[str]:
    """Rule options of ``count`` under which these bounds are not valid (empty if none).

    Batch elimination, a minimum vote threshold or cut-off elimination exclude by a
    comparison with a fixed figure or a sum of tallies, which one paper can move by a
    different amount than the gaps used here; stopping after a set round ends the
    count with no final decision.
    """
    if count.method == "sv":
        return []
    return [
        f"{key} = {count.rules[key]!r}"
        for key, needed in _PLAIN_IRV.items()
        if key in count.rules and count.rules[key] != needed
    ]


def _half_up(x: Fraction) -> int:
    return max(0, math.ceil(x / 2))


def _continuing(r: Round, gone: set[str]) -> dict[str, Fraction]:
    return {c: v for c, v in r.tally.items() if c not in gone}


def margins(count: Count) -> Margins:
    """The margins an SV or IRV count reveals (see the module docstring)."""
    if not supports_margins(count):
        raise CountError(
            f"margins are computed for single-winner SV and IRV counts, not {count.method!r} "
            f"with {count.seats} seat(s)"
        )
    options = unsupported_options(count)
    if options:
        raise CountError(
            "margins are not computed for IRV counts with "
            + ", ".join(options)
            + " (the bounds assume one exclusion at a time by lowest votes)"
        )
    winner = count.elected[0]
    decisions: list[DecisionMargin] = []
    notes: list[str] = []
    gone: set[str] = set()
    rounds = count.rounds
    last = rounds[-1]
    for r in rounds:
        cont = _continuing(r, gone)
        excluded = [d.candidate for d in r.excluded]
        if r.ties:
            for t in r.ties:
                notes.append(
                    f"round {r.number}: a tie ({t.kind}: {', '.join(t.tied)}) was decided by "
                    f"{t.rule}; a different decision alone could change the count"
                )
        if excluded:
            survivors = {c: v for c, v in cont.items() if c not in excluded}
            if survivors:
                low = min(survivors, key=lambda c: (survivors[c], list(cont).index(c)))
                high = max(excluded, key=lambda c: (cont.get(c, Fraction(0)), -list(cont).index(c)))
                gap = survivors[low] - cont.get(high, Fraction(0))
                decisions.append(
                    DecisionMargin(
                        r.number,
                        "elimination order",
                        low,
                        high,
                        gap,
                        _half_up(gap),
                        f"elimination order: {low} {format_exact(survivors[low])} v "
                        f"{high} {format_exact(cont.get(high, Fraction(0)))} (excluded); gap "
                        f"{format_exact(gap)} -> {_half_up(gap)} paper(s)",
                    )
                )
        total = sum(cont.values(), Fraction(0))
        if r is not last and r.threshold is not None:
            others = {c: v for c, v in cont.items() if c != winner}
            if others:
                x = max(others, key=lambda c: (others[c], -list(cont).index(c)))
                short = total + 1 - 2 * others[x]
                decisions.append(
                    DecisionMargin(
                        r.number,
                        "no early majority",
                        x,
                        x,
                        short,
                        _half_up(short),
                        f"no early majority: {x} {format_exact(others[x])} of "
                        f"{format_exact(total)} continuing -> {_half_up(short)} paper(s)",
                    )
                )
        gone.update(excluded)
    cont = _continuing(last, set())
    others = {c: v for c, v in cont.items() if c != winner}
    runner_up: str | None = None
    upper: int | None = None
    if winner in cont and others:
        runner_up = max(others, key=lambda c: (others[c], -list(cont).index(c)))
        w, r_votes = cont[winner], others[runner_up]
        total = sum(cont.values(), Fraction(0))
        lead = 2 * w - total
        decisions.append(
            DecisionMargin(
                last.number,
                "final decision",
                winner,
                runner_up,
                lead,
                _half_up(lead),
                f"final decision: {winner} {format_exact(w)} of {format_exact(total)} continuing "
                f"(runner-up {runner_up} {format_exact(r_votes)}); lead over the rest "
                f"{format_exact(lead)} -> {_half_up(lead)} paper(s)",
            )
        )
        strict = math.floor((w - r_votes) / 2) + 1
        if last.threshold is not None:
            strict = max(strict, math.ceil(last.threshold - r_votes))
        first = rounds[0].tally.get(winner, Fraction(0))
        if count.method == "sv" and len(cont) > 2:
            notes.append(
                "three or more candidates remained for the second count (an equality for "
                "second place): raising the runner-up can exclude another candidate whose "
                "second preferences go to the winner, so no upper bound is given"
            )
        elif strict <= first:
            upper = strict
        else:
            notes.append(
                f"the winner had only {format_exact(first)} first preferences, fewer than the "
                f"{strict} papers the last-round argument moves; no upper bound is given"
            )
    else:
        notes.append("the last round has no runner-up, so no last-round margin is given")
    lower = min((d.papers for d in decisions), default=0)
    if count.ties:
        lower = 0
    return Margins(
        method=count.method,
        winner=winner,
        runner_up=runner_up,
        upper_bound=upper,
        lower_bound=min(lower, upper) if upper is not None else lower,
        decisions=tuple(decisions),
        notes=tuple(notes),
    )
