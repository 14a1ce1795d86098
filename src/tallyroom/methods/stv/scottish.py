"""Scottish local-government STV: the Scottish Local Government Elections Order.

Sources: SSI 2007/42 Sch 1 rules 45-52, re-enacted one number higher by SSI 2011/399
Sch 1 rules 46-53 (numbers below are the 2011 ones), r.53 as amended by SSI 2021/437.

* r.46 first stage: papers sorted by first preference, one vote each;
* r.47 quota: ``floor(valid / (seats + 1)) + 1`` (:attr:`Quota.DROOP`);
* r.48 a candidate whose votes equal or exceed the quota is deemed elected;
* r.49 surplus: **all** the candidate's papers, each transferred at
  ``surplus x its value / total``, truncated to **5 decimal places**
  (:attr:`SurplusMethod.WEIGHTED_INCLUSIVE`, ``places=5``); the truncation and
  the non-transferable papers' share are lost;
* r.50 largest surplus first; equal surpluses: more votes at the most recent
  preceding stage where they differed, then lot (backward countback);
* no deferral of surpluses (:attr:`Deferral.NONE`);
* r.51 exclusion of the lowest candidate, all papers in one stage at the value
  received (:attr:`ExclusionTransfer.ONE_STAGE`); r.52 ties: lowest at the most
  recent preceding stage with unequal votes, then lot;
* r.53 when continuing candidates equal the vacancies they are deemed elected.
  A surplus pending when the last seat is filled is not transferred.
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

__all__ = ["SCOTTISH", "count", "register_counting_methods"]

#: The rules of SSI 2011/399 Sch 1 (and SSI 2007/42 Sch 1).
SCOTTISH = GregoryRules(
    places=5,  # r.49(4): "calculated to five decimal places (any remainder being ignored)"
    quota=Quota.DROOP,  # r.47
    surplus=SurplusMethod.WEIGHTED_INCLUSIVE,  # r.49(3)-(4)
    deferral=Deferral.NONE,  # r.50: every surplus before any exclusion
    exclusion=ExclusionTransfer.ONE_STAGE,  # r.51(2)-(3)
    final_surplus=FinalSurplus.NOT_TRANSFERRED,  # r.53
    skipped=SkippedPreference.ENDS_PAPER,  # [inferred]: art. 2 definitions not read
    ties=TieBreak(steps=(TieRule.BACKWARD_COUNTBACK, TieRule.LOT)),  # r.50(2), r.52
)


def count(profile: Profile, rules: GregoryRules = SCOTTISH, seats: int = 1) -> Count:
    """Count under the Scottish rules (or ``rules`` derived from them)."""
    return count_gregory(profile, rules, seats, method="scottish-stv")


def register_counting_methods() -> list[MethodSpec]:
    return [
        MethodSpec(
            name="scottish-stv",
            title="Scottish local-government STV",
            summary="weighted inclusive Gregory, transfer values truncated to 5 decimals",
            rules_class=GregoryRules,
            default_rules=SCOTTISH,
            count=count,
            source="SSI 2007/42 Sch 1 r.45-52; SSI 2011/399 Sch 1 r.46-53; SSI 2021/437",
            multi_seat=True,
        )
    ]
