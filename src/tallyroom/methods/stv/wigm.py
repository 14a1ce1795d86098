"""Generic fractional STV (weighted inclusive Gregory) as RCTab counts it: Portland OR.

Portland City Code ch. 2.04 (proportional ranked-choice voting, from 2024) as
tabulated by Multnomah County with RCTab (Ranked Choice Voting Resource Center,
``Tabulator.java``); the options below reproduce the official 2024 District 1
round-by-round report:

* threshold ``floor(votes / (seats + 1)) + 1`` from the first-round votes
  (:attr:`Quota.DROOP`, "25% + 1" for three seats);
* a candidate at or above the threshold is elected; the surplus fraction
  ``surplus / total`` is truncated to 4 decimals and every paper the winner holds
  moves at ``its value x fraction``, truncated to 4 decimals
  (:attr:`SurplusMethod.FRACTION_OF_TOTAL`, ``places=4``); what truncation drops is
  the "residual surplus" (loss to fractions);
* surpluses before any defeat, largest first; the lowest candidate is defeated and
  all their papers move in one round at their current values;
* when continuing candidates equal the seats left they are elected; a surplus
  still pending is then transferred in one more round (:attr:`FinalSurplus.TRANSFERRED`,
  as the official report's last round shows);
* a skipped ranking is passed over (:attr:`SkippedPreference.SKIP`);
* ties by lot (the county's draw: supply it with ``--tie-decision``).
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

__all__ = ["PORTLAND", "count", "register_counting_methods"]

#: RCTab settings used by Portland OR (2024): 4 decimal places, truncation.
PORTLAND = GregoryRules(
    places=4,
    quota=Quota.DROOP,
    surplus=SurplusMethod.FRACTION_OF_TOTAL,
    deferral=Deferral.NONE,
    exclusion=ExclusionTransfer.ONE_STAGE,
    final_surplus=FinalSurplus.TRANSFERRED,
    skipped=SkippedPreference.SKIP,  # RCTab: skipped rankings are passed over
    ties=TieBreak(steps=(TieRule.LOT,)),
)


def count(profile: Profile, rules: GregoryRules = PORTLAND, seats: int = 1) -> Count:
    """Count under the generic fractional (WIGM) rules, Portland's settings by default."""
    return count_gregory(profile, rules, seats, method="wigm")


def register_counting_methods() -> list[MethodSpec]:
    return [
        MethodSpec(
            name="wigm",
            title="Fractional STV (weighted inclusive Gregory, RCTab / Portland OR)",
            summary="surplus fraction truncated to 4 decimals applied to every paper; ties by lot",
            rules_class=GregoryRules,
            default_rules=PORTLAND,
            count=count,
            source="Portland City Code ch. 2.04; RCTab Tabulator (Multnomah County 2024)",
            multi_seat=True,
        )
    ]
