"""Instant-runoff voting / the alternative vote, with every RCTab rule option.

Methods registered here:

* ``irv``: single-winner IRV with RCTab's options (:class:`IRVRules`); the rules
  default to RCTab's single-winner majority with ties broken by the previous
  round then lot. RCTab's multi-winner modes (bottoms-up, multi-pass IRV) work
  too when ``winner_mode`` says so.
* ``stv-us``: RCTab's multi-winner fractional surplus transfer
  (``multiWinnerAllowMultipleWinnersPerRound``; Minneapolis park board rules).
* ``uk-av-2011``: the alternative vote as legislated for UK parliamentary
  elections by the Parliamentary Voting System and Constituencies Act 2011 s.9
  (inserting RPA 1983 Sch 1 r.37A, r.45A) and Sch 10 para 7 (r.49, r.49A: ties):
  a candidate with more votes than all the others together wins; otherwise the
  candidate with fewest votes is eliminated, one per stage; an elimination tie
  goes to the candidate with fewest first preferences, then fewest at the next
  stage and so on (forward countback), else lot; no batch elimination. The
  provisions never came into force (referendum of 5 May 2011).
* ``aus-hor``: the Australian House of Representatives count, Commonwealth
  Electoral Act 1918 s.274: an absolute majority of the votes still in the count
  elects; otherwise the candidate with fewest votes is excluded and the papers
  go on at full value; exclusion ties by backward countback (the most recent
  stage at which the tied candidates differed), else lot by the Divisional
  Returning Officer (by analogy with s.273(31); RULES.md 2.3 marks the tie rule
  as unverified). Full preferential formality (s.268) is checked by the ballot
  reader; this count also accepts optional-preferential papers (exhausting).

The engine (:mod:`.irv_engine`, :mod:`.irv_steps`) follows RCTab 2.0's
``Tabulator`` so counts match RCTab's reports exactly.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import numpy as np

from ..ballots.profile import Profile
from ..count import EXHAUSTED, FRACTIONS, Count, Decision, Round
from ..errors import RuleConfigError
from ..rctab.ties import TiebreakMode
from ..registry import MethodSpec
from ..ties import TieBreak, TieRule
from ._common import make_count
from .irv_engine import EXHAUSTED_KEY, RESIDUAL_KEY, Tabulation, tabulate
from .irv_rules import Formality, IRVRules, OvervoteRule, Threshold, WinnerMode

__all__ = [
    "Formality",
    "IRVRules",
    "OvervoteRule",
    "Threshold",
    "WinnerMode",
    "count",
    "count_passes",
    "register_counting_methods",
    "to_count",
]

UK_AV_2011 = IRVRules(
    formality=Formality.FIRST_PREFERENCE,
    overvote_rule=OvervoteRule.EXHAUST_IMMEDIATELY,
    max_skipped_ranks=0,
    tiebreak_mode=TiebreakMode.TIE_RULES,
    ties=TieBreak(steps=(TieRule.FORWARD_COUNTBACK, TieRule.LOT)),
)
AUS_HOR = IRVRules(
    formality=Formality.FULL,
    overvote_rule=OvervoteRule.EXHAUST_IMMEDIATELY,
    max_skipped_ranks=0,
    tiebreak_mode=TiebreakMode.TIE_RULES,
    ties=TieBreak(steps=(TieRule.BACKWARD_COUNTBACK, TieRule.LOT)),
)
STV_US = IRVRules(
    winner_mode=WinnerMode.MULTI_WINNER_MULTIPLE_PER_ROUND,
    overvote_rule=OvervoteRule.ALWAYS_SKIP_TO_NEXT_RANK,
    max_skipped_ranks=1,
    threshold=Threshold.DROOP,
    decimal_places=4,
)


def to_count(
    profile: Profile, rules: IRVRules, seats: int, tab: Tabulation, method: str = "irv"
) -> Count:
    """The :class:`Count` round log of one tabulation."""
    names = tab.names
    rounds: list[Round] = []
    for rec in tab.rounds:
        transfers: dict[str, dict[str, Fraction]] = {}
        for src, dests in rec.transfers.items():
            flows: dict[str, Fraction] = {}
            for dest, value in dests.items():
                if dest == RESIDUAL_KEY:
                    key = FRACTIONS
                elif dest == EXHAUSTED_KEY:
                    key = EXHAUSTED
                else:
                    assert isinstance(dest, int)
                    key = names[dest]
                flows[key] = flows.get(key, Fraction(0)) + Fraction(value)
            transfers[names[src]] = flows
        rounds.append(
            Round(
                number=rec.number,
                tally={names[c]: Fraction(rec.tally[c]) for c in sorted(rec.tally)},
                threshold=Fraction(rec.threshold),
                elected=tuple(
                    Decision(names[c], rec.reasons.get(c, "elected")) for c in rec.elected
                ),
                excluded=tuple(
                    Decision(names[c], rec.reasons.get(c, "eliminated")) for c in rec.eliminated
                ),
                transfers=transfers,
                exhausted={k: Fraction(v) for k, v in rec.inactive.items() if v != 0},
                loss_to_fractions=Fraction(rec.residual_total),
                ties=tuple(rec.ties),
                action="Round",
                notes=tuple(rec.notes),
            )
        )
    return make_count(
        method=method,
        rules=rules,
        seats=seats,
        profile=profile,
        elected=[names[c] for c, _ in tab.winners],
        rounds=rounds,
        valid_total=Fraction(tab.total),
        valid_papers=int(tab.total),
        rejected=dict(profile.rejected),
    )


def count_passes(
    profile: Profile, rules: IRVRules, seats: int, **options: object
) -> list[Tabulation]:
    """Multi-pass IRV: one single-winner tabulation per seat, earlier winners excluded."""
    passes: list[Tabulation] = []
    excluded = tuple(rules.excluded)
    single = replace(rules, winner_mode=WinnerMode.SINGLE_WINNER_MAJORITY)
    for _ in range(seats):
        tab = tabulate(profile, replace(single, excluded=excluded), 1, **options)  # type: ignore[arg-type]
        passes.append(tab)
        if not tab.winners:
            break
        excluded = excluded + tuple(tab.names[c] for c, _ in tab.winners)
    return passes


INFORMAL = "informal: not every square numbered once (full preferential)"


def full_preferential(profile: Profile, rules: IRVRules) -> Profile:
    """Set aside informal papers; complete papers that leave only the last square blank.

    Commonwealth Electoral Act 1918 s.268(1)(c) (every square numbered in sequence) and
    s.268(2) (a paper with the last square blank is formal: that square is the last
    preference). Excluded candidates have no square.
    """
    names = profile.candidates.names
    squares = [i for i, n in enumerate(names) if n not in rules.excluded]
    n = len(squares)
    rows = profile.ballots
    depth = max(profile.depth, n)
    out = np.full((rows.shape[0], depth), -1, dtype=np.int32)
    out[:, : profile.depth] = rows
    keep = np.zeros(rows.shape[0], dtype=bool)
    for r, row in enumerate(out.tolist()):
        marks = [c for c in row if c != -1]
        used = row[: len(marks)]
        if used != marks or any(c < 0 for c in marks) or len(set(marks)) != len(marks):
            continue  # a gap, an overvote or a repeated number
        if not set(marks) <= set(squares) or len(marks) < n - 1:
            continue
        if len(marks) == n - 1:
            out[r, n - 1] = next(c for c in squares if c not in marks)
        keep[r] = True
    informal = int(profile.weights[~keep].sum())
    rejected = dict(profile.rejected)
    if informal:
        rejected[INFORMAL] = rejected.get(INFORMAL, 0) + informal
    return Profile.from_rows(
        profile.candidates,
        out[keep],
        profile.weights[keep],
        overvote_groups=profile.overvote_groups,
        rejected=rejected,
        inputs=profile.inputs,
        title=profile.title,
        seats=profile.seats,
    )


NO_FIRST = "unmarked or void for uncertainty as to the first preference"
TWO_FIRST = "voting for more than one candidate as to the first preference"


def first_preference(profile: Profile) -> Profile:
    """Reject papers without exactly one first preference (RPA 1983 Sch 1 r.47 for AV)."""
    first = profile.ballots[:, 0] if profile.depth else np.full(profile.n_distinct, -1)
    blank = (first == -1) | (first == -3)
    several = (first < 0) & ~blank
    keep = ~(blank | several)
    rejected = dict(profile.rejected)
    for label, mask in ((NO_FIRST, blank), (TWO_FIRST, several)):
        n = int(profile.weights[mask].sum())
        if n:
            rejected[label] = rejected.get(label, 0) + n
    return Profile(
        profile.candidates,
        np.ascontiguousarray(profile.ballots[keep]),
        profile.weights[keep],
        overvote_groups=profile.overvote_groups,
        rejected=rejected,
        inputs=profile.inputs,
        title=profile.title,
        seats=profile.seats,
        metadata={},
    )


def count(profile: Profile, rules: IRVRules, seats: int = 1, method: str = "irv") -> Count:
    """Count ``profile`` by IRV under ``rules`` (see :class:`IRVRules`)."""
    if rules.formality is Formality.FULL:
        profile = full_preferential(profile, rules)
    elif rules.formality is Formality.FIRST_PREFERENCE:
        profile = first_preference(profile)
    if rules.winner_mode is WinnerMode.SINGLE_WINNER_MAJORITY and seats != 1:
        raise RuleConfigError(
            f"singleWinnerMajority elects one candidate, not {seats}; choose a multi-winner "
            "winner_mode (e.g. multiPassIrv, bottomsUp) or use --method stv-us"
        )
    if rules.winner_mode is WinnerMode.MULTI_PASS_IRV:
        passes = count_passes(profile, rules, seats)
        last = to_count(profile, rules, 1, passes[-1], method)
        winners = tuple(passes[0].names[c] for p in passes for c, _ in p.winners)
        return replace(
            last,
            seats=seats,
            elected=winners,
            extras={"passes": [[passes[0].names[c] for c, _ in p.winners] for p in passes]},
        )
    return to_count(profile, rules, seats, tabulate(profile, rules, seats), method)


def _counter(method: str):  # type: ignore[no-untyped-def]
    def run(profile: Profile, rules: object, seats: int) -> Count:
        if not isinstance(rules, IRVRules):
            raise RuleConfigError(f"{method} needs IRVRules")
        return count(profile, rules, seats, method)

    return run


def register_counting_methods() -> list[MethodSpec]:
    return [
        MethodSpec(
            name="irv",
            title="Instant-runoff voting / alternative vote (RCTab rules)",
            summary="eliminate the last candidate until one has a majority of continuing votes",
            rules_class=IRVRules,
            default_rules=IRVRules(),
            count=_counter("irv"),
            source="RCTab 2.0 Tabulator; Maine 21-A M.R.S. s.723-A",
            multi_seat=True,
        ),
        MethodSpec(
            name="stv-us",
            title="RCTab multi-winner STV (fractional surplus transfer)",
            summary="threshold floor(V/(S+1))+1; surpluses move at truncated fractional values",
            rules_class=IRVRules,
            default_rules=STV_US,
            count=_counter("stv-us"),
            source="RCTab 2.0 multiWinnerAllowMultipleWinnersPerRound (Minneapolis Code ch.167)",
            multi_seat=True,
            preset_of="irv",
        ),
        MethodSpec(
            name="uk-av-2011",
            title="UK alternative vote (PVSC Act 2011, never commenced)",
            summary="majority of continuing votes; eliminate one per stage; forward countback, lot",
            rules_class=IRVRules,
            default_rules=UK_AV_2011,
            count=_counter("uk-av-2011"),
            source="PVSCA 2011 s.9 (RPA 1983 Sch 1 r.37A, r.45A), Sch 10 para 7 (r.49, r.49A)",
            preset_of="irv",
        ),
        MethodSpec(
            name="aus-hor",
            title="Australian House of Representatives preferential count",
            summary="absolute majority of continuing votes; exclude lowest; backward countback, lot",
            rules_class=IRVRules,
            default_rules=AUS_HOR,
            count=_counter("aus-hor"),
            source="Commonwealth Electoral Act 1918 s.274 (ties: s.273(31) by analogy)",
            preset_of="irv",
        ),
    ]
