"""The options of an instant-runoff (alternative vote) count, mirroring RCTab's rules.

Each enum's serialised values are RCTab's own names (``config_file_documentation.txt``
of RCTab 2.0), so an RCTab contest config maps onto :class:`IRVRules` one to one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from fractions import Fraction

from ..errors import RuleConfigError
from ..rctab.ties import TiebreakMode
from ..ties import TieBreak, TieRule

__all__ = ["Formality", "IRVRules", "OvervoteRule", "Threshold", "WinnerMode"]


class Formality(Enum):
    """Which papers are formal (valid) at all.

    * ``optional``: any paper is counted; defects exhaust it when reached (RCTab, UK 2011);
    * ``full``: full preferential voting (Commonwealth Electoral Act 1918 s.240, s.268(1)(c)):
      a paper must number every square 1, 2, 3, … once each; a paper numbering all but one
      square is formal and the blank square counts as the last preference (s.268(2)
      savings); any other paper is informal and set aside before the count;
    * ``first-preference``: a paper without exactly one first preference is rejected
      before the count (UK AV 2011); later defects only end the paper's preferences.
    """

    OPTIONAL = "optional"
    FULL = "full"
    #: UK rules (RPA 1983 Sch 1 r.47, rejected papers, with the AV amendments of PVSCA 2011
    #: Sch 10 [inferred: the amended wording was not read; RULES.md 2.2]): a paper is
    #: rejected if the figure 1 is not marked against exactly one candidate
    FIRST_PREFERENCE = "first-preference"


class OvervoteRule(Enum):
    """``overvoteRule``: what a ranking with several candidates (or an overvote mark) does."""

    ALWAYS_SKIP_TO_NEXT_RANK = "alwaysSkipToNextRank"
    EXHAUST_IMMEDIATELY = "exhaustImmediately"
    EXHAUST_IF_MULTIPLE_CONTINUING = "exhaustIfMultipleContinuing"


class WinnerMode(Enum):
    """``winnerElectionMode``."""

    SINGLE_WINNER_MAJORITY = "singleWinnerMajority"
    MULTI_WINNER_ONE_PER_ROUND = "multiWinnerAllowOnlyOneWinnerPerRound"
    MULTI_WINNER_MULTIPLE_PER_ROUND = "multiWinnerAllowMultipleWinnersPerRound"
    BOTTOMS_UP = "bottomsUp"
    BOTTOMS_UP_PERCENTAGE = "bottomsUpUsingPercentageThreshold"
    MULTI_PASS_IRV = "multiPassIrv"


class Threshold(Enum):
    """How the winning threshold is computed from the active votes V and seats S.

    * ``droop``: ``floor(V/(S+1)) + 1`` (RCTab default; for one seat, a majority);
    * ``droop-non-integer``: ``trunc_d(V/(S+1)) + 10^-d`` (RCTab ``nonIntegerWinningThreshold``);
    * ``hare``: ``ceil(V/S)`` (RCTab ``hareQuota``).
    """

    DROOP = "droop"
    DROOP_NON_INTEGER = "droop-non-integer"
    HARE = "hare"


@dataclass(frozen=True, kw_only=True)
class IRVRules:
    """Options of an IRV / AV count (and of RCTab's multi-winner modes).

    >>> IRVRules(overvote_rule=OvervoteRule.EXHAUST_IMMEDIATELY, max_skipped_ranks=1)
    ... # doctest: +ELLIPSIS
    IRVRules(winner_mode=<WinnerMode.SINGLE_WINNER_MAJORITY: 'singleWinnerMajority'>, ...)
    """

    winner_mode: WinnerMode = WinnerMode.SINGLE_WINNER_MAJORITY
    overvote_rule: OvervoteRule = OvervoteRule.EXHAUST_IMMEDIATELY
    #: ``maxSkippedRanksAllowed``; None = unlimited.
    max_skipped_ranks: int | None = None
    #: ``maxRankingsAllowed``; None = as many as there are declared candidates.
    max_rankings: int | None = None
    exhaust_on_duplicate_candidate: bool = False
    batch_elimination: bool = False
    continue_until_two_candidates_remain: bool = False
    first_round_determines_threshold: bool = False
    #: ``stopTabulationEarlyAfterRound``; None = never.
    stop_after_round: int | None = None
    minimum_vote_threshold: Fraction = Fraction(0)
    threshold: Threshold = Threshold.DROOP
    decimal_places: int = 4
    #: ``multiSeatBottomsUpPercentageThreshold`` (percent), for bottomsUpUsingPercentageThreshold.
    bottoms_up_percentage: Fraction | None = None
    #: eliminate every candidate below the percentage threshold at once (``cutoffElimination``).
    cutoff_elimination: bool = False
    tiebreak_mode: TiebreakMode = TiebreakMode.TIE_RULES
    random_seed: int | None = None
    #: candidates excluded before counting (``excluded: true`` in RCTab), by name.
    excluded: tuple[str, ...] = ()
    formality: Formality = Formality.OPTIONAL
    #: tie rules for ``tiebreak_mode = tieRules``; the officer's decisions for any mode.
    ties: TieBreak = field(
        default_factory=lambda: TieBreak(steps=(TieRule.PREVIOUS_ROUND, TieRule.LOT))
    )

    def __post_init__(self) -> None:
        problems: list[str] = []
        if self.max_skipped_ranks is not None and self.max_skipped_ranks < 0:
            problems.append("max_skipped_ranks must be 0 or more (or unset for unlimited)")
        if self.max_rankings is not None and self.max_rankings < 1:
            problems.append("max_rankings must be 1 or more (or unset for all)")
        if not 1 <= self.decimal_places <= 20:
            problems.append("decimal_places must be between 1 and 20")
        if self.stop_after_round is not None and self.stop_after_round < 1:
            problems.append("stop_after_round must be 1 or more")
        if self.minimum_vote_threshold < 0:
            problems.append("minimum_vote_threshold must not be negative")
        if self.winner_mode is WinnerMode.BOTTOMS_UP_PERCENTAGE:
            if self.bottoms_up_percentage is None:
                problems.append("bottomsUpUsingPercentageThreshold needs bottoms_up_percentage")
            elif not 0 < self.bottoms_up_percentage <= 100:
                problems.append("bottoms_up_percentage must be above 0 and at most 100")
        if self.cutoff_elimination and self.winner_mode is not WinnerMode.BOTTOMS_UP_PERCENTAGE:
            problems.append("cutoff_elimination applies only to bottomsUpUsingPercentageThreshold")
        if self.tiebreak_mode.needs_seed and self.random_seed is None:
            problems.append(f"tiebreak_mode {self.tiebreak_mode.value!r} needs random_seed")
        if problems:
            raise RuleConfigError(problems)

    @property
    def uses_surpluses(self) -> bool:
        return self.winner_mode in (
            WinnerMode.MULTI_WINNER_ONE_PER_ROUND,
            WinnerMode.MULTI_WINNER_MULTIPLE_PER_ROUND,
        )
