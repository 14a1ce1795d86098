"""ERS97: the Electoral Reform Society's model STV rules (Newland and Britton, 3rd ed. 1997).

Source: section 5 of the rules (transcript in OpenSTV ``ERS97STV.py``; see
docs/methods/stv.md).

* 5.1.6 quota: total valid vote / (places + 1) worked to 2 decimals; if not exact,
  truncated to 2 decimals and 0.01 added (:attr:`Quota.ERS97`);
* 5.1.7 a candidate at or above the quota is elected;
* 5.2.2 surpluses are deferred while their total does not exceed the difference
  between the two lowest continuing candidates (:attr:`Deferral.ERS97`);
* 5.2.3 largest surplus first; ties by the greater vote at the first stage or
  earliest point where they differed, then lot (forward countback);
* 5.3 a first-stage surplus: all papers; later: the last received batch; if the
  transferable papers' value exceeds the surplus, value = surplus / transferable
  papers, truncated to 2 decimals, else present value; the neglected remainder is
  non-transferable (:attr:`SurplusMethod.LAST_PARCEL`, ``places=2``);
* 5.4 exclusion in batches of equal value, highest first, each a stage, elections
  checked after each batch (:attr:`ExclusionTransfer.BY_VALUE`); ties: fewest
  votes at the earliest point where they differed, then lot;
* 5.5.1 continuing candidates equal to the places left are elected.

Not implemented (see docs/methods/stv.md): bulk exclusion (5.2.5), recalculating
the quota when papers become non-transferable before any election (5.4.8), and
election at the total active vote / (places left + 1) (5.1.7 second limb).
"""

from __future__ import annotations

from ...ballots.profile import Profile
from ...count import Count
from ...registry import MethodSpec
from ...ties import TieBreak, TieRule
from ._gregory import GregoryRules, count_gregory
from ._options import Deferral, ExclusionTransfer, FinalSurplus, Quota, SurplusMethod

__all__ = ["ERS97", "count", "register_counting_methods"]

#: ERS97 model rules, section 5.
ERS97 = GregoryRules(
    places=2,  # 5.3.5: transfer values to 2 decimal places, remainder neglected
    quota=Quota.ERS97,  # 5.1.6
    surplus=SurplusMethod.LAST_PARCEL,  # 5.3.1-5.3.5
    deferral=Deferral.ERS97,  # 5.2.2
    exclusion=ExclusionTransfer.BY_VALUE,  # 5.4.3-5.4.10
    final_surplus=FinalSurplus.NOT_TRANSFERRED,  # 5.5.2
    ties=TieBreak(steps=(TieRule.FORWARD_COUNTBACK, TieRule.LOT)),  # 5.2.3, 5.6.2
)


def count(profile: Profile, rules: GregoryRules = ERS97, seats: int = 1) -> Count:
    """Count under the ERS97 model rules (or ``rules`` derived from them)."""
    return count_gregory(profile, rules, seats, method="ers97")


def _count(profile: Profile, rules: object, seats: int) -> Count:
    assert isinstance(rules, GregoryRules)
    return count(profile, rules, seats)


def register_counting_methods() -> list[MethodSpec]:
    return [
        MethodSpec(
            name="ers97",
            title="ERS97 model STV rules",
            summary="quota to 2 decimals, last batch, transfer values to 2 decimals, deferral",
            rules_class=GregoryRules,
            default_rules=ERS97,
            count=_count,
            source="Electoral Reform Society, How to conduct an election by STV (1997), s.5",
            multi_seat=True,
        )
    ]
