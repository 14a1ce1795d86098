"""Option enums shared by the STV rule sets (each member has a stable serialised value)."""

from __future__ import annotations

import math
from enum import Enum
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from ...ballots.profile import Profile
from ...errors import CountError
from ...numbers import truncate

__all__ = [
    "BulkExclusion",
    "Deferral",
    "Election",
    "ExclusionTransfer",
    "FinalSurplus",
    "PaperOrder",
    "LastExclusion",
    "LastVacancy",
    "Quota",
    "QuotaUpdate",
    "SkippedPreference",
    "SurplusMethod",
    "SurplusOrder",
    "check_contest",
    "papers_in_order",
    "quota_value",
]


class Quota(Enum):
    """How the quota is fixed from the valid vote ``V`` and seats ``S``."""

    #: ``floor(V / (S + 1)) + 1`` (Droop, whole votes): Scotland r.47, NI r.48, Ireland,
    #: AEC s.273(8), Cambridge c.54A s.9(c), RCTab/Portland threshold.
    DROOP = "droop"
    #: ``V / (S + 1)`` worked to 2 decimals, plus 0.01 unless exact (ERS97 5.1.6).
    ERS97 = "ers97"


class SurplusMethod(Enum):
    """Which papers carry a surplus, and at what value."""

    #: Weighted inclusive Gregory: every paper the candidate holds, each at
    #: ``trunc(surplus x its value / total)`` (SSI 2011/399 Sch 1 r.49).
    WEIGHTED_INCLUSIVE = "weighted-inclusive"
    #: Last parcel received (all papers if elected at the first stage); value
    #: ``trunc(surplus / transferable papers)`` capped at the value received
    #: (NI r.49(4),(7); ERS97 5.3).
    LAST_PARCEL = "last-parcel"
    #: Every paper the candidate holds, each at ``trunc(value x trunc(surplus / total))``
    #: (RCTab's fractional surplus as used by Portland OR).
    FRACTION_OF_TOTAL = "fraction-of-total"


class SurplusOrder(Enum):
    """Which of several untransferred surpluses goes first."""

    #: The largest; equal surpluses by the tie rules (SSI 2011/399 r.50; NI r.50(1);
    #: ERS97 5.2.3; s.273(22)).
    LARGEST_FIRST = "largest-first"
    #: In the order the candidates were deemed elected (as some organisations' rules say).
    ORDER_OF_ELECTION = "order-of-election"


class Deferral(Enum):
    """When a surplus may wait while the lowest candidate is excluded."""

    #: Every surplus is transferred before any exclusion (Scotland, RCTab).
    NONE = "none"
    #: NI r.49(10): defer while the surpluses total less than the gap between the two
    #: lowest continuing candidates.
    NI = "ni"
    #: ERS97 5.2.2: defer while the surpluses total no more than that gap.
    ERS97 = "ers97"


class ExclusionTransfer(Enum):
    """How an excluded candidate's papers move."""

    #: All papers in one stage at their current values (SSI 2011/399 r.51; RCTab).
    ONE_STAGE = "one-stage"
    #: First-preference papers first, then each sub-parcel by descending value, each
    #: its own stage with elections checked after it (NI r.51(2)-(9)).
    FIRST_PREFERENCES_THEN_BY_VALUE = "first-preferences-then-by-value"
    #: Batches of equal value, highest first, each its own stage (ERS97 5.4).
    BY_VALUE = "by-value"


class FinalSurplus(Enum):
    """What happens to a surplus still pending when the last seat is filled."""

    #: Not transferred: the count ends (Scotland, NI, ERS97).
    NOT_TRANSFERRED = "not-transferred"
    #: Transferred in one more round (RCTab: shown in Portland's official results).
    TRANSFERRED = "transferred"


class Election(Enum):
    """When a continuing candidate is deemed elected."""

    #: At or above the quota (every rule set).
    QUOTA = "quota"
    #: At or above the quota, or the total active vote / (places not yet filled + 1)
    #: (ERS97 5.1.7(b), 5.3.13(b), 5.4.9(b)); equal votes for too few places: 5.6.2.
    QUOTA_OR_ACTIVE_VOTE = "quota-or-active-vote"


class QuotaUpdate(Enum):
    """Whether the quota changes during the count."""

    #: Fixed at the first stage.
    FIXED = "fixed"
    #: Recalculated without the non-transferable vote until someone is elected (ERS97 5.4.8).
    UNTIL_FIRST_ELECTION = "until-first-election"


class BulkExclusion(Enum):
    """Whether several lowest candidates are excluded together."""

    #: One candidate per exclusion.
    NONE = "none"
    #: As many of the lowest as possible, if enough remain for the places and their votes
    #: plus the deferred surpluses do not exceed the next candidate's (ERS97 5.2.5).
    ERS97 = "ers97"
    #: The two or more lowest whose votes plus the untransferred surpluses are less than
    #: the next lowest candidate's, in one operation (NI r.51(12)).
    NI = "ni"


class LastVacancy(Enum):
    """A shortcut for the last vacancy."""

    #: None: exclusions continue until continuing candidates equal the vacancies.
    NONE = "none"
    #: One vacancy left: a continuing candidate with at least the votes of all the other
    #: continuing candidates plus the untransferred surpluses is elected (NI r.52(2)).
    AT_LEAST_THE_REST = "at-least-the-rest"


class LastExclusion(Enum):
    """An exclusion that would leave as many continuing candidates as vacancies."""

    #: Made and transferred as a stage, then the rest are elected (Scottish declarations).
    TRANSFERRED = "transferred"
    #: Not made: the continuing candidates are deemed elected at once (ERS97 5.5.1).
    NOT_MADE = "not-made"


class SkippedPreference(Enum):
    """A preference number missing before later ones (e.g. 1, 2, 4)."""

    #: Passed over: the next marked preference counts (RCTab "skipped rankings";
    #: c.54A s.9(a) for Cambridge).
    SKIP = "skip"
    #: The sequence is broken: the paper is non-transferable from there (NI r.50(4);
    #: Electoral Act 1992 s.118 "consecutive"; a missing "1" invalidates the paper).
    ENDS_PAPER = "ends-paper"


def quota_value(kind: Quota, valid: Fraction, seats: int) -> Fraction:
    """The quota for ``valid`` votes and ``seats`` seats."""
    if kind is Quota.DROOP:
        return Fraction(math.floor(valid / (seats + 1)) + 1)
    exact = valid / (seats + 1)
    cut = truncate(exact, 2)
    return cut if cut == exact else cut + Fraction(1, 100)


def check_contest(n_candidates: int, seats: int, valid_papers: int) -> None:
    """Refuse contests no STV count can decide: clear errors rather than a crash."""
    if seats < 1:
        raise CountError(f"an STV count fills at least one seat, not {seats}")
    if seats > n_candidates:
        raise CountError(
            f"{seats} seats but only {n_candidates} candidate(s): the election is uncontested "
            "for every candidate (all are returned without a poll) and cannot fill the rest; "
            "check the number of seats"
        )
    if valid_papers == 0:
        raise CountError(
            "no valid ballot papers: there is nothing to count (the quota would be 1 and every "
            "candidate tied at 0)"
        )


class PaperOrder(Enum):
    """The counting order of the papers, for rules that move particular papers.

    Irish last-parcel surpluses move the papers *last filed* in each sub-parcel and
    Cambridge's Cincinnati method every n-th ballot, so the result can depend on
    the order. ``file`` is the order of the ballot file (readers keep it with
    ``keep_order=True``): one paper after another in a CVR or PrefLib ``.toi``/``.soi``
    file, each line's papers together in a BLT or a weighted CSV. ``rows`` is the
    profile's own order of distinct rankings (each ranking's papers together):
    deterministic, but not any official order.
    """

    FILE = "file"
    ROWS = "rows"


def papers_in_order(profile: Profile, order: PaperOrder) -> npt.NDArray[np.int64]:
    """One entry per paper (its distinct-ranking row), in counting order."""
    if order is PaperOrder.ROWS:
        return np.repeat(np.arange(profile.n_distinct, dtype=np.int64), profile.weights)
    if profile.paper_order is None:
        raise CountError(
            "this rule set moves particular papers, so it needs them in file order: read the "
            'ballots with keep_order=True, or set the rule option order = "rows" to count '
            "them in the profile's order of distinct rankings"
        )
    return profile.paper_order.astype(np.int64)
