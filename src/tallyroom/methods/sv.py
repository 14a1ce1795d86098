"""Supplementary Vote (SV): one first and one optional second preference.

Statutory basis (the provision is cited beside the code that applies it):

* Local Government Act 2000 Sch 2 paras 2–3 (English/Welsh local-authority mayors);
  Greater London Authority Act 1999 Sch 2 paras 3–4 (Mayor of London);
  Police Reform and Social Responsibility Act 2011 Sch 9 paras 3–4 (PCCs).
* Conduct rules: SI 2007/1024 Sch 1 r.48 (rejected papers), r.51 (first count),
  r.52–53 (second-preference count, equality), r.54 (declaration);
  SI 2007/3541 Sch 3 r.50, r.56, r.57 (London); SI 2012/1917 Sch 3 r.53 (PCC).

The count:

1. Papers are rejected whole only for defects in the *first* preference or of the
   paper itself (SI 2007/1024 r.48(1), (3)): want of official mark, more than one
   first preference, identifying writing, unmarked or void for uncertainty as to
   the first preference. A void second preference never voids the paper.
2. A candidate with *more than half* of the valid first preferences is returned
   (LGA 2000 Sch 2 para 2; GLA Act 1999 Sch 2 para 3(1)); exactly half is not enough.
3. Otherwise the two candidates with most first preferences remain and all others
   are excluded together; if an equality means three or more qualify, all of them
   remain (LGA Sch 2 para 3(3); GLA Sch 2 para 4(3)).
4. Only papers whose first preference is for an excluded candidate are examined;
   a valid second preference for a remaining candidate is added to that candidate
   (LGA para 3(5)–(6); GLA para 4(5)–(6)).
5. The remaining candidate with the most votes is returned; an equality is decided
   by lot (GLA para 4(8); SI 2007/1024 r.53) — a seeded draw or the returning
   officer's decision, recorded in the log.
6. With only two candidates there is no second column: more votes wins, an
   equality by lot (SI 2007/1024 r.51(4)–(5)).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from fractions import Fraction

import numpy as np

from ..ballots.defects import Defect
from ..ballots.marks import BLANK, UNCERTAIN
from ..ballots.profile import Profile
from ..count import EXHAUSTED, Count, Decision, Round, TieDecision
from ..errors import CountError, RuleConfigError
from ..registry import MethodSpec
from ..ties import Pick, TieBreak, TieBreaker, TieRule
from ._common import make_count, tally_dict, weighted_bincount

__all__ = ["RejectionHeads", "SVRules", "count", "register_counting_methods"]


class RejectionHeads(Enum):
    """The statement of rejected papers of the instrument in force."""

    #: SI 2007/1024 Sch 1 r.48(5): four heads (English/Welsh mayors).
    SI_2007_1024 = "si-2007-1024"
    #: SI 2000/208 Sch 3 r.42(5): three heads, no official-mark head (London 2000).
    GLA_2000 = "gla-2000"
    #: SI 2007/3541 Sch 3 r.50 as London Elects declares it (2021): five heads.
    GLA_2007 = "gla-2007"
    #: SI 2012/1917 Sch 3 r.53: five heads (police and crime commissioners).
    PCC_2012 = "pcc-2012"


class LaterPreferences(Enum):
    """What to do with preferences after the second (an SV paper has only two columns)."""

    ERROR = "error"
    IGNORE = "ignore"


# Head labels, in the order of the statement, for each instrument.
_HEADS: dict[RejectionHeads, dict[Defect, str]] = {
    RejectionHeads.SI_2007_1024: {
        Defect.NO_OFFICIAL_MARK: "want of official mark",
        Defect.TOO_MANY: "voting for more than one candidate as to the first preference vote",
        Defect.IDENTIFYING_MARK: "writing or mark by which the voter could be identified",
        Defect.UNMARKED: "unmarked or void for uncertainty as to the first preference vote",
        Defect.UNCERTAIN: "unmarked or void for uncertainty as to the first preference vote",
    },
    RejectionHeads.GLA_2000: {
        Defect.TOO_MANY: "voting for more than one candidate as to the first preference vote",
        Defect.IDENTIFYING_MARK: "writing or mark by which the voter could be identified",
        Defect.UNMARKED: "unmarked or void for uncertainty as to the first preference vote",
        Defect.UNCERTAIN: "unmarked or void for uncertainty as to the first preference vote",
    },
    RejectionHeads.GLA_2007: {
        Defect.UNMARKED: "unmarked",
        Defect.UNCERTAIN: "uncertain",
        Defect.TOO_MANY: "voting for too many",
        Defect.IDENTIFYING_MARK: "writing identifying voter",
        Defect.NO_OFFICIAL_MARK: "want of official mark",
    },
    RejectionHeads.PCC_2012: {
        Defect.NO_OFFICIAL_MARK: "want of official mark",
        Defect.TOO_MANY: "voting for more than one candidate",
        Defect.IDENTIFYING_MARK: "writing or mark by which the voter could be identified",
        Defect.UNMARKED: "unmarked",
        Defect.UNCERTAIN: "void for uncertainty",
    },
}

# Why a second preference was not counted (papers whose first choice was excluded).
SECOND_UNMARKED = "no second preference"
SECOND_TOO_MANY = "second preference void: more than one candidate"
SECOND_UNCERTAIN = "second preference void for uncertainty"
SECOND_EXCLUDED = "second preference for an excluded candidate"


@dataclass(frozen=True, kw_only=True)
class SVRules:
    """Options of an SV count.

    >>> SVRules(rejection_heads=RejectionHeads.GLA_2007, ties=TieBreak(seed="2021-05-08"))
    ... # doctest: +ELLIPSIS
    SVRules(rejection_heads=<RejectionHeads.GLA_2007: 'gla-2007'>, ...)
    """

    rejection_heads: RejectionHeads = RejectionHeads.SI_2007_1024
    later_preferences: LaterPreferences = LaterPreferences.ERROR
    ties: TieBreak = field(default_factory=lambda: TieBreak(steps=(TieRule.LOT,)))


def _rejected(
    profile: Profile, first: np.ndarray, weights: np.ndarray, rules: SVRules
) -> dict[str, int]:
    """Rejected papers by statutory head (SI 2007/1024 Sch 1 r.48(1), (5))."""
    heads = _HEADS[rules.rejection_heads]
    out: dict[str, int] = {label: 0 for label in dict.fromkeys(heads.values())}
    by_defect: dict[Defect, int] = {}
    for reason, n in profile.rejected.items():
        d = Defect(reason)
        by_defect[d] = by_defect.get(d, 0) + n
    # Defects visible in column A: no mark, several marks, an uncertain mark (r.48(1)(b), (d)).
    by_defect[Defect.UNMARKED] = by_defect.get(Defect.UNMARKED, 0) + int(
        weights[first == BLANK].sum()
    )
    by_defect[Defect.UNCERTAIN] = by_defect.get(Defect.UNCERTAIN, 0) + int(
        weights[first == UNCERTAIN].sum()
    )
    overvoted = (first < 0) & (first != BLANK) & (first != UNCERTAIN)
    by_defect[Defect.TOO_MANY] = by_defect.get(Defect.TOO_MANY, 0) + int(weights[overvoted].sum())
    for defect, n in by_defect.items():
        if n == 0:
            continue
        if defect not in heads:
            raise CountError(
                f"{n} paper(s) rejected for {defect.value!r}, but the rules "
                f"{rules.rejection_heads.value!r} have no such head"
            )
        out[heads[defect]] += n
    return out


def count(profile: Profile, rules: SVRules, seats: int = 1) -> Count:
    """Count an SV election. See the module docstring for the statutory steps."""
    if seats != 1:
        raise RuleConfigError(f"the Supplementary Vote elects one candidate, not {seats}")
    names = profile.candidates.names
    n_cand = len(names)
    if n_cand == 0:
        raise CountError("the contest has no candidates")
    ballots = profile.ballots
    weights = profile.weights
    notes: list[str] = []
    if profile.depth > 2:
        later = np.any(ballots[:, 2:] != BLANK, axis=1)
        n_later = int(weights[later].sum())
        if n_later:
            if rules.later_preferences is LaterPreferences.ERROR:
                raise RuleConfigError(
                    f"{n_later} paper(s) give more than two preferences, but an SV paper has only "
                    'a first and a second column; set later_preferences = "ignore" to count only '
                    "the first two"
                )
            notes.append(
                f"{n_later} paper(s) gave preferences after the second; only the first two were read"
            )
    first = ballots[:, 0] if profile.depth >= 1 else np.full(len(weights), BLANK, dtype=np.int32)
    second = ballots[:, 1] if profile.depth >= 2 else np.full(len(weights), BLANK, dtype=np.int32)

    rejected = _rejected(profile, first, weights, rules)
    valid = first >= 0  # r.48(3): one first-preference mark makes the paper valid
    first_v, second_v, w_v = first[valid], second[valid], weights[valid]
    total = int(w_v.sum())
    firsts = weighted_bincount(first_v, w_v, n_cand)

    # Second preferences cast: every valid second on a valid paper, including one for the
    # first-choice candidate (London declares these; SI 2007/3541 r.57).
    seconds_cast = weighted_bincount(second_v, w_v, n_cand)
    same_as_first = int(w_v[second_v == first_v].sum())
    seconds_status = {
        "unmarked": int(w_v[second_v == BLANK].sum()),
        "void for uncertainty": int(w_v[second_v == UNCERTAIN].sum()),
        "voting for more than one candidate": int(
            w_v[(second_v < 0) & (second_v != BLANK) & (second_v != UNCERTAIN)].sum()
        ),
    }
    breaker = TieBreaker(rules.ties, names)
    all_idx = list(range(n_cand))
    threshold = Fraction(total // 2 + 1)  # more than half of the valid first preferences
    tally1 = tally_dict(names, firsts, all_idx)
    extras: dict[str, object] = {
        "first_preferences": {names[i]: int(firsts[i]) for i in all_idx},
        "second_preferences_cast": {names[i]: int(seconds_cast[i]) for i in all_idx},
        "second_preferences_same_as_first": same_as_first,
        "second_preferences_not_cast": seconds_status,
    }

    def finish(rounds: list[Round], elected: str, more: dict[str, object] | None = None) -> Count:
        return make_count(
            method="sv",
            rules=rules,
            seats=1,
            profile=profile,
            elected=[elected],
            rounds=rounds,
            valid_total=total,
            valid_papers=total,
            rejected=rejected,
            extras={**extras, **(more or {})},
        )

    # Majority at the first count: LGA 2000 Sch 2 para 2; GLA 1999 Sch 2 para 3(1).
    majority = [i for i in all_idx if 2 * int(firsts[i]) > total]
    if majority:
        winner = names[majority[0]]
        r1 = Round(
            number=1,
            tally=tally1,
            threshold=threshold,
            elected=(Decision(winner, "more than half of the valid first preferences"),),
            action="First preferences",
            notes=tuple(notes),
        )
        return finish([r1], winner)

    # Two candidates (or one with no votes): SI 2007/1024 r.51(4)-(5): more votes wins, equality by lot.
    if n_cand <= 2:
        top = max(int(v) for v in firsts)
        tied = [names[i] for i in all_idx if int(firsts[i]) == top]
        ties: tuple[TieDecision, ...] = ()
        if len(tied) > 1:
            (winner,), record = breaker.choose(
                kind="final", round_no=1, tied=tied, pick=Pick.HIGHEST, history=()
            )
            ties = (record,)
        else:
            winner = tied[0]
        r1 = Round(
            number=1,
            tally=tally1,
            threshold=None,
            elected=(
                Decision(
                    winner, "more votes than the other candidate" if not ties else "decided by lot"
                ),
            ),
            ties=ties,
            action="First preferences",
            notes=tuple(notes),
        )
        return finish([r1], winner)

    # Top two remain, with everyone tied for a qualifying place: LGA para 3(3); GLA para 4(3).
    ordered = sorted(all_idx, key=lambda i: -int(firsts[i]))
    second_value = int(firsts[ordered[1]])
    remaining = [i for i in all_idx if int(firsts[i]) >= second_value]
    excluded = [i for i in all_idx if i not in remaining]
    round1_ties: list[TieDecision] = []
    if len(remaining) > 2:
        tied_names = tuple(names[i] for i in remaining if int(firsts[i]) == second_value)
        top_value = int(firsts[ordered[0]])
        kind = "first place" if second_value == top_value else "second place"
        round1_ties.append(
            TieDecision(
                kind=kind,
                tied=tied_names,
                chosen=tied_names,
                rule="statute",
                detail=(
                    "equality of first preferences: all candidates tied for a qualifying place "
                    "remain in the contest (LGA 2000 Sch 2 para 3(3); GLA Act 1999 Sch 2 para 4(3))"
                ),
            )
        )

    # Second preferences on papers whose first choice was excluded: LGA para 3(5); GLA para 4(5).
    is_excluded_first = np.isin(first_v, np.asarray(excluded, dtype=np.int32))
    sec = second_v[is_excluded_first]
    fst = first_v[is_excluded_first]
    w_ex = w_v[is_excluded_first]
    in_remaining = np.isin(sec, np.asarray(remaining, dtype=np.int32))
    transfers: dict[str, dict[str, Fraction]] = {}
    exhausted: dict[str, int] = {
        SECOND_UNMARKED: 0,
        SECOND_TOO_MANY: 0,
        SECOND_UNCERTAIN: 0,
        SECOND_EXCLUDED: 0,
    }
    counted = np.zeros(n_cand, dtype=np.int64)
    for e in excluded:
        mine = fst == e
        flows: dict[str, Fraction] = {}
        for r in remaining:
            moved = int(w_ex[mine & (sec == r)].sum())
            counted[r] += moved
            if moved:
                flows[names[r]] = Fraction(moved)
        s_e, w_e = sec[mine], w_ex[mine]
        lost = {
            SECOND_UNMARKED: int(w_e[s_e == BLANK].sum()),
            SECOND_UNCERTAIN: int(w_e[s_e == UNCERTAIN].sum()),
            SECOND_TOO_MANY: int(w_e[(s_e < 0) & (s_e != BLANK) & (s_e != UNCERTAIN)].sum()),
            SECOND_EXCLUDED: int(w_e[(s_e >= 0) & ~in_remaining[mine]].sum()),
        }
        for k, v in lost.items():
            exhausted[k] += v
        if sum(lost.values()):
            flows[EXHAUSTED] = Fraction(sum(lost.values()))
        if flows:
            transfers[names[e]] = flows

    r1 = Round(
        number=1,
        tally=tally1,
        threshold=threshold,
        excluded=tuple(
            Decision(names[e], "not among the two candidates with most first preferences")
            for e in excluded
        ),
        transfers=transfers,
        ties=tuple(round1_ties),
        action="First preferences",
        notes=tuple(notes),
    )
    finals = {i: int(firsts[i]) + int(counted[i]) for i in remaining}
    tally2 = {names[i]: Fraction(finals[i]) for i in remaining}
    best = max(finals.values())
    tied = [names[i] for i in remaining if finals[i] == best]
    ties2: tuple[TieDecision, ...] = ()
    if len(tied) > 1:
        # Equality after the second count: decided by lot (GLA para 4(8); SI 2007/1024 r.53).
        (winner,), record = breaker.choose(
            kind="final", round_no=2, tied=tied, pick=Pick.HIGHEST, history=(tally1,)
        )
        ties2 = (record,)
        reason = "equal greatest total; decided by lot"
    else:
        winner = tied[0]
        reason = "greatest number of first and second preference votes"
    r2 = Round(
        number=2,
        tally=tally2,
        threshold=None,
        elected=(Decision(winner, reason),),
        exhausted={k: Fraction(v) for k, v in exhausted.items()},
        ties=ties2,
        action="Second preferences of excluded candidates' voters",
    )
    not_examined = total - int(w_ex.sum())
    return finish(
        [r1, r2],
        winner,
        {
            "second_preferences_counted": {names[i]: int(counted[i]) for i in remaining},
            "second_count": {
                "papers_examined": int(w_ex.sum()),
                "papers_not_examined_first_choice_remains": not_examined,
                "not_counted": dict(exhausted),
            },
        },
    )


def register_counting_methods() -> list[MethodSpec]:
    return [
        MethodSpec(
            name="sv",
            title="Supplementary Vote",
            summary="first and second preferences; top two remain unless a majority of firsts",
            rules_class=SVRules,
            default_rules=SVRules(),
            count=count,
            source="LGA 2000 Sch 2; GLA Act 1999 Sch 2; PRSRA 2011 Sch 9; SI 2007/1024 Sch 1 r.48-54",
        )
    ]
