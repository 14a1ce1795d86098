"""ERS97: the Electoral Reform Society's model STV rules (Newland and Britton, 3rd ed. 1997).

Source: section 5 of the rules (transcript in OpenSTV ``ERS97STV.py``; see
docs/methods/stv.md).

* 5.1.6 quota: total valid vote / (places + 1) worked to 2 decimals; if not exact,
  truncated to 2 decimals and 0.01 added (:attr:`Quota.ERS97`); 5.4.8 recalculated
  without the non-transferable vote until someone is elected
  (:attr:`QuotaUpdate.UNTIL_FIRST_ELECTION`);
* 5.1.7, 5.3.13, 5.4.9 in descending order of votes, a candidate at or above the
  quota, or at or above the total active vote / (places not yet filled + 1), is
  deemed elected (:attr:`Election.QUOTA_OR_ACTIVE_VOTE`); 5.6.2 equal votes for too
  few places: the earliest stage where they differed, else none that stage;
* 5.2.2 surpluses are deferred while their total does not exceed (a) the difference
  between the two lowest continuing candidates, or (b) the difference between the
  votes of the candidates who could be excluded together under 5.2.5 and the vote of
  the candidate next above (:attr:`Deferral.ERS97`);
* 5.2.3 largest surplus first; ties by the greater vote at the first stage or
  earliest point where they differed, then lot (forward countback);
* 5.3 a first-stage surplus: all papers; later: the last received batch; if the
  transferable papers' value exceeds the surplus, value = surplus / transferable
  papers, truncated to 2 decimals, else present value; the neglected remainder is
  non-transferable (:attr:`SurplusMethod.LAST_PARCEL`, ``places=2``);
* 5.2.5 exclude as many of the lowest candidates together as possible, provided
  enough remain for the places and their votes plus the deferred surpluses do not
  exceed the vote of the candidate next above (:attr:`BulkExclusion.ERS97`); ties:
  fewest votes at the earliest point where they differed, then lot;
* 5.4 the excluded candidates' papers in batches of equal value, highest first, each
  a stage, elections checked after each batch (:attr:`ExclusionTransfer.BY_VALUE`);
* 5.5.1 an exclusion that would leave as many continuing candidates as places is not
  made: they are deemed elected (:attr:`LastExclusion.NOT_MADE`); 5.5.2 the count stops
  when the places are filled.
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
    Election,
    ExclusionTransfer,
    FinalSurplus,
    LastExclusion,
    Quota,
    QuotaUpdate,
    SkippedPreference,
    SurplusMethod,
)

__all__ = ["ERS97", "count", "register_counting_methods"]

#: ERS97 model rules, section 5.
ERS97 = GregoryRules(
    places=2,  # 5.3.5: transfer values to 2 decimal places, remainder neglected
    quota=Quota.ERS97,  # 5.1.6
    surplus=SurplusMethod.LAST_PARCEL,  # 5.3.1-5.3.5
    deferral=Deferral.ERS97,  # 5.2.2
    exclusion=ExclusionTransfer.BY_VALUE,  # 5.4.3-5.4.10
    final_surplus=FinalSurplus.NOT_TRANSFERRED,  # 5.5.2
    election=Election.QUOTA_OR_ACTIVE_VOTE,  # 5.1.7, 5.3.13, 5.4.9, 5.6.2
    quota_update=QuotaUpdate.UNTIL_FIRST_ELECTION,  # 5.4.8
    bulk_exclusion=BulkExclusion.ERS97,  # 5.2.5
    last_exclusion=LastExclusion.NOT_MADE,  # 5.5.1
    skipped=SkippedPreference.ENDS_PAPER,  # 6.10, 6.12: next preference uncertain
    ties=TieBreak(steps=(TieRule.FORWARD_COUNTBACK, TieRule.LOT)),  # 5.2.3, 5.6.2
)


def count(profile: Profile, rules: GregoryRules = ERS97, seats: int = 1) -> Count:
    """Count under the ERS97 model rules (or ``rules`` derived from them)."""
    return count_gregory(profile, rules, seats, method="ers97")


def register_counting_methods() -> list[MethodSpec]:
    return [
        MethodSpec(
            name="ers97",
            title="ERS97 model STV rules",
            summary="quota to 2 decimals, last batch, transfer values to 2 decimals, deferral",
            rules_class=GregoryRules,
            default_rules=ERS97,
            count=count,
            source="Electoral Reform Society, How to conduct an election by STV (1997), s.5",
            multi_seat=True,
        )
    ]
