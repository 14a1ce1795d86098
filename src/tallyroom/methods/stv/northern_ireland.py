"""Northern Ireland STV: local elections (and, with the same scheme, the Assembly).

Source: Electoral Law Act (Northern Ireland) 1962 Sch 5 "Local Elections Rules" as
substituted by SI 1985/454, Part IV rules 41-52 (rule 49 read in the official text;
rules 50-51 from a transcript: see docs/methods/stv.md).

* r.48 quota ``floor(valid / (seats + 1)) + 1``; reaching it elects;
* r.49(1)-(2) a surplus from first preferences: all the candidate's papers; a
  surplus arising from a transfer: only the **sub-parcel last received**
  (:attr:`SurplusMethod.LAST_PARCEL`);
* r.49(4),(7) transfer value: surplus / transferable papers, to **two decimal
  places, remainder ignored** (``places=2``), never more than the value at which a
  paper was received; r.49(5) if the transferable papers' value does not exceed the
  surplus they move at their present value; r.50(2)(c) the difference is
  non-transferable (logged here as loss to fractions);
* r.49(10) surpluses are deferred while their total is less than the difference
  between the two lowest continuing candidates (:attr:`Deferral.NI`);
* r.50 largest surplus first; ties: more votes at the earliest stage at which they
  differed, then lot (forward countback);
* r.51(2)-(9) exclusion: the first-preference papers first, then the transferred
  papers sub-parcel by sub-parcel in descending value, each at the value received;
  each sub-parcel is its own stage and elections are checked after it
  (:attr:`ExclusionTransfer.FIRST_PREFERENCES_THEN_BY_VALUE`); r.51(13) ties: lowest
  at the earliest stage at which they differed, then lot;
* r.52 continuing candidates equal to the vacancies are deemed elected.

Not implemented: the optional bulk exclusion of r.51(12) (one candidate is
excluded at a time, which r.51(12) permits but does not require).
"""

from __future__ import annotations

from ...ballots.profile import Profile
from ...count import Count
from ...registry import MethodSpec
from ...ties import TieBreak, TieRule
from ._gregory import GregoryRules, count_gregory
from ._options import (
    Deferral,
    ExclusionTransfer,
    FinalSurplus,
    Quota,
    SkippedPreference,
    SurplusMethod,
)

__all__ = ["NORTHERN_IRELAND", "count", "register_counting_methods"]

#: Electoral Law Act (NI) 1962 Sch 5 Part IV (as substituted by SI 1985/454).
NORTHERN_IRELAND = GregoryRules(
    places=2,  # r.49(4): "to two decimal places (ignoring the remainder)"
    quota=Quota.DROOP,  # r.48
    surplus=SurplusMethod.LAST_PARCEL,  # r.49(1)-(2),(4),(7)
    deferral=Deferral.NI,  # r.49(10)
    exclusion=ExclusionTransfer.FIRST_PREFERENCES_THEN_BY_VALUE,  # r.51(2)-(9)
    final_surplus=FinalSurplus.NOT_TRANSFERRED,  # r.52
    skipped=SkippedPreference.ENDS_PAPER,  # r.50(4): "the numerical sequence is broken"
    ties=TieBreak(steps=(TieRule.FORWARD_COUNTBACK, TieRule.LOT)),  # r.50(3), r.51(13)
)


def count(profile: Profile, rules: GregoryRules = NORTHERN_IRELAND, seats: int = 1) -> Count:
    """Count under the Northern Ireland rules (or ``rules`` derived from them)."""
    return count_gregory(profile, rules, seats, method="ni-stv")


def _count(profile: Profile, rules: object, seats: int) -> Count:
    assert isinstance(rules, GregoryRules)
    return count(profile, rules, seats)


def register_counting_methods() -> list[MethodSpec]:
    return [
        MethodSpec(
            name="ni-stv",
            title="Northern Ireland STV",
            summary="last parcel, transfer values to 2 decimals, deferred surpluses",
            rules_class=GregoryRules,
            default_rules=NORTHERN_IRELAND,
            count=_count,
            source="Electoral Law Act (NI) 1962 Sch 5 r.41-52 as substituted by SI 1985/454",
            multi_seat=True,
        )
    ]
