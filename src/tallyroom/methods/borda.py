"""The Borda count, with the conventions for partial ballots named as options.

Sources: J.-C. de Borda, "Mémoire sur les élections au scrutin" (1781/1784);
RULES.md §4; P. Emerson, "The original Borda count and partial voting", Social
Choice and Welfare 40 (2013) 353–358 (the modified Borda count); OpenSTV's Borda
plugin (unranked candidates score 0 by default; "ballot completion" option).

With ``m`` candidates, a paper ranking all of them gives ``m−1`` points to its
first choice, ``m−2`` to its second, …, 0 to its last. A paper that ranks only
``k`` candidates is scored by :class:`PartialBallots`:

* ``unranked-zero`` (default; OpenSTV): ranked positions score as on a full
  paper (``m−1``, ``m−2``, …); unranked candidates score 0;
* ``ballot-completion``: ranked positions as above; the points of the remaining
  positions are shared equally among the unranked candidates (each gets
  ``(u−1)/2`` for ``u`` unranked);
* ``modified`` (Emerson 2013): ``k`` points to the first choice, ``k−1`` to the
  second, …, 1 to the ``k``-th; unranked 0;
* ``modified-from-zero`` (the "modified Borda" as RULES.md §4 words it):
  ``k−1`` to the first choice, …, 0 to the ``k``-th; unranked 0.

Candidates ranked equal on a paper (an overvote read as a tie, see
:mod:`tallyroom.methods.condorcet.pairwise`) share the points of the positions they
occupy equally. Points can therefore be halves; all arithmetic is exact.

The count has one round. Its ``tally`` is each candidate's Borda points; the vote
quantity is points: ``valid_total`` = papers × the most points one paper can
award (``m(m−1)/2``; ``m(m+1)/2`` for ``modified``), and the points a paper does
not award (unranked candidates, short rankings) are logged as exhausted under
"points not awarded", so ``Count.verify``'s conservation check holds. The most
points win; an equality is decided by the count's tie rules (lot by default).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from fractions import Fraction

import numpy as np

from ..ballots.profile import Profile
from ..count import Count, Decision, Round
from ..errors import CountError, RuleConfigError
from ..numbers import format_exact
from ..registry import MethodSpec
from ..ties import TieBreak, TieBreaker, TieRule
from ._common import make_count
from .condorcet._driver import pick_among
from .condorcet.pairwise import UNRANKED, OvervoteRule, UnreadableRule, levels

__all__ = ["BordaRules", "PartialBallots", "borda_points", "count", "register_counting_methods"]

NOT_AWARDED = "points not awarded"


class PartialBallots(Enum):
    """How a paper ranking fewer than all candidates is scored."""

    UNRANKED_ZERO = "unranked-zero"
    BALLOT_COMPLETION = "ballot-completion"
    MODIFIED = "modified"
    MODIFIED_FROM_ZERO = "modified-from-zero"


@dataclass(frozen=True, kw_only=True)
class BordaRules:
    """Options of a Borda count.

    >>> BordaRules(partial=PartialBallots.MODIFIED)  # doctest: +ELLIPSIS
    BordaRules(partial=<PartialBallots.MODIFIED: 'modified'>, ...)
    """

    partial: PartialBallots = PartialBallots.UNRANKED_ZERO
    overvotes: OvervoteRule = OvervoteRule.TIE
    unreadable: UnreadableRule = UnreadableRule.TRUNCATE
    ties: TieBreak = field(default_factory=lambda: TieBreak(steps=(TieRule.LOT,)))


def available_points(m: int, partial: PartialBallots) -> Fraction:
    """The most points one paper can award among ``m`` candidates."""
    if partial is PartialBallots.MODIFIED:
        return Fraction(m * (m + 1), 2)
    return Fraction(m * (m - 1), 2)


def borda_points(
    profile: Profile, rules: BordaRules, keep: list[int] | None = None
) -> tuple[list[Fraction], int]:
    """Each candidate's Borda points (among ``keep``, default all) and the papers read."""
    lv = levels(profile, rules.overvotes, rules.unreadable)
    idx = list(range(len(profile.candidates))) if keep is None else keep
    lv = lv[:, idx]
    w = profile.weights.astype(np.int64)
    m = len(idx)
    ranked = lv != UNRANKED
    k = ranked.sum(axis=1).astype(np.int64)
    if rules.partial is PartialBallots.MODIFIED:
        base = k
    elif rules.partial is PartialBallots.MODIFIED_FROM_ZERO:
        base = k - 1
    else:
        base = np.full(len(w), m - 1, dtype=np.int64)
    doubled = np.zeros(m, dtype=np.int64)  # twice the points, to stay in whole numbers
    for c in range(m):
        col = lv[:, c : c + 1]
        ahead = (lv < col).sum(axis=1)
        level_size = (lv == col).sum(axis=1)
        # Tied candidates share positions ahead..ahead+t-1: average (base-ahead) - (t-1)/2.
        pts2 = 2 * (base - ahead) - (level_size - 1)
        if rules.partial is PartialBallots.BALLOT_COMPLETION:
            unranked_pts2 = m - k - 1  # (u-1)/2 each, doubled
        else:
            unranked_pts2 = np.zeros(len(w), dtype=np.int64)
        pts2 = np.where(ranked[:, c], pts2, unranked_pts2)
        doubled[c] = int(w @ pts2)
    return [Fraction(int(x), 2) for x in doubled.tolist()], int(w.sum())


def count(profile: Profile, rules: BordaRules, seats: int = 1) -> Count:
    """Count ``profile`` by the Borda count."""
    if seats != 1:
        raise RuleConfigError(f"the Borda count here elects one candidate, not {seats}")
    names = profile.candidates.names
    keep = [i for i, n in enumerate(names) if n not in profile.withdrawn]
    if not keep:
        raise CountError("the contest has no candidates")
    active = [names[i] for i in keep]
    points, papers = borda_points(profile, rules, keep)
    total = papers * available_points(len(keep), rules.partial)
    not_awarded = total - sum(points, Fraction(0))
    best = max(points)
    top = [c for c, p in zip(active, points, strict=True) if p == best]
    winner, ties = pick_among(TieBreaker(rules.ties, active), top)
    reason = (
        f"most Borda points ({format_exact(best)})"
        if not ties
        else f"tied for the most Borda points ({format_exact(best)}); chosen by the tie rules"
    )
    r1 = Round(
        number=1,
        tally=dict(zip(active, points, strict=True)),
        elected=(Decision(winner, reason),),
        exhausted={NOT_AWARDED: not_awarded} if not_awarded else {},
        ties=ties,
        action=f"Borda points ({rules.partial.value})",
        notes=(
            f"{papers} papers; up to {format_exact(available_points(len(keep), rules.partial))} "
            f"points per paper among {len(keep)} candidates",
        ),
    )
    return make_count(
        method="borda",
        rules=rules,
        seats=1,
        profile=profile,
        elected=[winner],
        rounds=[r1],
        valid_total=total,
        valid_papers=papers,
        rejected=dict(profile.rejected),
        extras={
            "scores": {
                "partial": rules.partial.value,
                "points": {c: format_exact(p) for c, p in zip(active, points, strict=True)},
            }
        },
    )


def register_counting_methods() -> list[MethodSpec]:
    return [
        MethodSpec(
            name="borda",
            title="Borda count",
            summary="points by ranking position (m-1 for first ... 0 for last); most points wins",
            rules_class=BordaRules,
            default_rules=BordaRules(),
            count=count,
            source="Borda (1781); Emerson, SCW 40 (2013) 353-358",
        )
    ]
