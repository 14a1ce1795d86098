"""First past the post: one seat, or several seats as block voting.

Statutory basis: Representation of the People Act 1983 Sch 1 (parliamentary
elections rules) r.47 (rejected ballot papers: want of official mark; voting for
more candidates than the voter is entitled to; writing or mark identifying the
voter; unmarked or void for uncertainty), r.49 (equality of votes: the returning
officer decides by lot) and r.50 (declaration); the Local Elections (Principal
Areas) (England and Wales) Rules 2006 (SI 2006/3304) Sch 2 r.45–49 apply the same
rules to multi-member wards, where each voter has as many votes as seats (block
voting) and the candidates with most votes fill the seats.

Ballot marks are read according to ``ballot_marks``:

* ``preferences`` (default): the paper is a ranking; its first ``seats`` positions
  are its votes (the same as X-marks for a paper marking no more than ``seats``);
  later preferences are not votes and the log notes how many papers had them;
* ``marks``: every position is an X; a paper with more marks than seats is
  rejected for voting for too many candidates (r.47(1)(b)).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from fractions import Fraction

import numpy as np

from ..ballots.defects import Defect
from ..ballots.marks import BLANK, UNCERTAIN
from ..ballots.profile import Profile
from ..count import Count, Decision, Round, TieDecision
from ..errors import CountError, RuleConfigError
from ..registry import MethodSpec
from ..ties import Pick, TieBreak, TieBreaker, TieRule
from ._common import make_count, tally_dict

__all__ = ["BallotMarks", "FPTPRules", "count", "register_counting_methods"]


class BallotMarks(Enum):
    PREFERENCES = "preferences"
    MARKS = "marks"


@dataclass(frozen=True, kw_only=True)
class FPTPRules:
    """Options of a first-past-the-post (or block vote) count."""

    ballot_marks: BallotMarks = BallotMarks.PREFERENCES
    ties: TieBreak = field(default_factory=lambda: TieBreak(steps=(TieRule.LOT,)))


UNUSED = "unused votes"


def count(profile: Profile, rules: FPTPRules, seats: int = 1) -> Count:
    names = profile.candidates.names
    n_cand = len(names)
    if seats < 1:
        raise RuleConfigError("seats must be at least 1")
    if n_cand == 0:
        raise CountError("the contest has no candidates")
    if seats > n_cand:
        raise RuleConfigError(f"{seats} seats but only {n_cand} candidates")
    ballots, weights = profile.ballots, profile.weights
    depth = profile.depth
    notes: list[str] = []
    width = min(seats, depth) if rules.ballot_marks is BallotMarks.PREFERENCES else depth
    cols = ballots[:, :width] if width else np.full((len(weights), 1), BLANK, dtype=np.int32)
    if rules.ballot_marks is BallotMarks.PREFERENCES and depth > seats:
        later = np.any(ballots[:, seats:] != BLANK, axis=1)
        n_later = int(weights[later].sum())
        if n_later:
            notes.append(
                f"{n_later} paper(s) gave more preferences than there are seats; "
                f"only the first {seats} are votes (ballot_marks = preferences)"
            )

    single = cols >= 0
    # A candidate marked twice at different positions has one vote from that paper.
    dup = np.zeros(len(weights), dtype=bool)
    if width > 1:
        s = np.where(single, cols, -1)
        srt = np.sort(s, axis=1)
        dup = np.any((srt[:, 1:] == srt[:, :-1]) & (srt[:, 1:] >= 0), axis=1)
    invalid_marks = (cols != BLANK) & ~single  # overvote or uncertain at a position
    n_marks = single.sum(axis=1)
    n_over = ((cols < 0) & (cols != BLANK) & (cols != UNCERTAIN)).sum(axis=1)

    by_defect: dict[Defect, int] = {}
    for reason, n in profile.rejected.items():
        d = Defect(reason)
        by_defect[d] = by_defect.get(d, 0) + n
    # r.47(1)(b): more votes than the voter is entitled to.
    too_many = (
        (n_marks + 2 * n_over > seats)
        if rules.ballot_marks is BallotMarks.MARKS
        else np.zeros(len(weights), dtype=bool)
    )
    if seats == 1:
        too_many |= n_over > 0
    unmarked = (n_marks == 0) & ~invalid_marks.any(axis=1)
    uncertain = (n_marks == 0) & ~too_many & ~unmarked
    for defect, mask in (
        (Defect.TOO_MANY, too_many),
        (Defect.UNMARKED, unmarked),
        (Defect.UNCERTAIN, uncertain),
    ):
        by_defect[defect] = by_defect.get(defect, 0) + int(weights[mask].sum())
    heads = {
        Defect.NO_OFFICIAL_MARK: "want of official mark",
        Defect.TOO_MANY: "voting for more candidates than entitled to",
        Defect.IDENTIFYING_MARK: "writing or mark by which the voter could be identified",
        Defect.UNMARKED: "unmarked or void for uncertainty",
        Defect.UNCERTAIN: "unmarked or void for uncertainty",
    }
    rejected: dict[str, int] = dict.fromkeys(dict.fromkeys(heads.values()), 0)
    for d, n in by_defect.items():
        rejected[heads[d]] += n

    valid = ~(too_many | unmarked | uncertain)
    votes = np.zeros(n_cand, dtype=np.int64)
    vcols, vw = cols[valid], weights[valid]
    vs = vcols >= 0
    if width > 1:
        # Count each candidate once per paper.
        srt = np.sort(np.where(vs, vcols, -1), axis=1)
        first_of_run = np.ones_like(srt, dtype=bool)
        first_of_run[:, 1:] = srt[:, 1:] != srt[:, :-1]
        keep = (srt >= 0) & first_of_run
        rows_idx = np.nonzero(keep)
        np.add.at(votes, srt[rows_idx], vw[rows_idx[0]])
    else:
        np.add.at(votes, vcols[:, 0][vs[:, 0]], vw[vs[:, 0]])
    if np.any(dup[valid]):
        notes.append(
            f"{int(vw[dup[valid]].sum())} paper(s) marked a candidate more than once; one vote counted"
        )
    valid_papers = int(vw.sum())
    used = int(votes.sum())
    valid_total = valid_papers * seats
    exhausted = {UNUSED: Fraction(valid_total - used)} if seats > 1 else {}

    # The seats go to the candidates with most votes; an equality for the last seat by lot (r.49).
    order = sorted(range(n_cand), key=lambda i: -int(votes[i]))
    cutoff = int(votes[order[seats - 1]])
    sure = [i for i in order if int(votes[i]) > cutoff]
    tied = [i for i in range(n_cand) if int(votes[i]) == cutoff]
    ties: tuple[TieDecision, ...] = ()
    if len(sure) + len(tied) > seats:
        chosen, record = TieBreaker(rules.ties, names).choose(
            kind="election",
            round_no=1,
            tied=[names[i] for i in tied],
            pick=Pick.HIGHEST,
            n=seats - len(sure),
        )
        ties = (record,)
        winners = [names[i] for i in sure] + list(chosen)
    else:
        winners = [names[i] for i in sure + tied]
    winners.sort(key=lambda n: -int(votes[names.index(n)]))
    decisions = tuple(
        Decision(n, "most votes" if seats == 1 else f"among the {seats} candidates with most votes")
        for n in winners
    )
    r1 = Round(
        number=1,
        tally=tally_dict(names, votes, range(n_cand)),
        elected=decisions,
        exhausted=exhausted,
        ties=ties,
        action="Votes",
        notes=tuple(notes),
    )
    return make_count(
        method="fptp",
        rules=rules,
        seats=seats,
        profile=profile,
        elected=winners,
        rounds=[r1],
        valid_total=valid_total,
        valid_papers=valid_papers,
        rejected=rejected,
    )


def register_counting_methods() -> list[MethodSpec]:
    return [
        MethodSpec(
            name="fptp",
            title="First past the post (block vote for several seats)",
            summary="most votes wins; with N seats each voter has N votes",
            rules_class=FPTPRules,
            default_rules=FPTPRules(),
            count=count,
            source="RPA 1983 Sch 1 r.47, r.49; SI 2006/3304 Sch 2",
            multi_seat=True,
        )
    ]
