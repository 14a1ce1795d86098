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
* r.49(10) surpluses are not transferred while their total is less than (a) the
  difference between the two lowest continuing candidates, or (b) the difference
  between the total of the two or more lowest and the candidate next above them
  (:attr:`Deferral.NI`);
* r.50 largest surplus first; ties: more votes at the earliest stage at which they
  differed, then lot (forward countback);
* r.51(2)-(9) exclusion: the first-preference papers first, then the transferred
  papers sub-parcel by sub-parcel in descending value, each at the value received;
  each sub-parcel is its own stage and elections are checked after it
  (:attr:`ExclusionTransfer.FIRST_PREFERENCES_THEN_BY_VALUE`); r.51(13) ties: lowest
  at the earliest stage at which they differed, then lot;
* r.51(12) where the two or more lowest candidates' votes plus the untransferred
  surpluses are less than the next lowest candidate's, they are excluded in one
  operation (:attr:`BulkExclusion.NI`);
* r.52(1) continuing candidates equal to the vacancies are deemed elected; r.52(2)
  with one vacancy left, a candidate with at least the votes of all the other
  continuing candidates plus the untransferred surpluses is deemed elected
  (:attr:`LastVacancy.AT_LEAST_THE_REST`); r.52(3) no further transfer.

Not implemented: r.48(3) (at a single-vacancy election nobody is deemed elected
until the exclusion procedure of r.51(1)-(3) has been followed) and r.49(11) (no
surplus transfers at a single-vacancy election); with one seat the count ends as
soon as a candidate reaches the quota, so r.49(11) changes nothing.
"""

from __future__ import annotations

from ...ballots.profile import Profile
from ...count import Count
from ...registry import MethodSpec
from ...ties import TieBreak, TieRule
from ._gregory import GregoryRules, count_gregory
from ._options import (
    BulkExclusion,
    Deferral,
    ExclusionTransfer,
    FinalSurplus,
    LastVacancy,
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
    final_surplus=FinalSurplus.NOT_TRANSFERRED,  # r.52(3)
    bulk_exclusion=BulkExclusion.NI,  # r.51(12)
    last_vacancy=LastVacancy.AT_LEAST_THE_REST,  # r.52(2)
    skipped=SkippedPreference.ENDS_PAPER,  # r.50(4): "the numerical sequence is broken"
    ties=TieBreak(steps=(TieRule.FORWARD_COUNTBACK, TieRule.LOT)),  # r.50(3), r.51(13)
)


def count(profile: Profile, rules: GregoryRules = NORTHERN_IRELAND, seats: int = 1) -> Count:
    """Count under the Northern Ireland rules (or ``rules`` derived from them)."""
    return count_gregory(profile, rules, seats, method="ni-stv")


def register_counting_methods() -> list[MethodSpec]:
    return [
        MethodSpec(
            name="ni-stv",
            title="Northern Ireland STV",
            summary="last parcel, transfer values to 2 decimals, deferred surpluses",
            rules_class=GregoryRules,
            default_rules=NORTHERN_IRELAND,
            count=count,
            source="Electoral Law Act (NI) 1962 Sch 5 r.41-52 as substituted by SI 1985/454",
            multi_seat=True,
        )
    ]
