"""The IRV engine: RCTab's tabulation algorithm over a grouped :class:`Profile`.

The round structure, the order of checks on each ballot and the arithmetic are
those of RCTab 2.0 (``Tabulator.java``, ``CastVoteRecord.java``,
``ContestConfig.java``), so that a count reproduces RCTab's reports to the digit:

* each round, every paper whose current candidate is no longer continuing is
  read again from its first ranking: a gap of more than ``max_skipped_ranks``
  skipped rankings exhausts it (skipped rankings); a candidate ranked twice
  exhausts it when ``exhaust_on_duplicate_candidate`` (repeated ranking); an
  overvote is handled by ``overvote_rule``; the first continuing candidate gets
  it; running out of rankings exhausts it (exhausted choices);
* the threshold is recomputed from the active votes each round for one seat
  (unless ``first_round_determines_threshold``) and fixed at round 1 for several;
* candidates at or above the threshold win; otherwise undeclared write-ins are
  dropped, then candidates below ``minimum_vote_threshold``, then (bottoms-up
  with ``cutoff_elimination``) everyone below the percentage threshold, then a
  batch of candidates who cannot catch up (``batch_elimination``), else the
  last candidate, ties broken by ``tiebreak_mode``;
* in the multi-winner surplus modes each winner's papers keep
  ``value - trunc_d(value * trunc_d(surplus / votes))`` with the winner and pass on the
  rest; what rounding leaves over the threshold is the residual surplus (logged as
  loss to fractions); after the last seat the papers still with winners are the
  final-round surplus.

Vote values are exact: integers in units of ``10^-d`` (``d`` = ``decimal_places``)
in numpy arrays, one entry per distinct paper, and :class:`decimal.Decimal` for
thresholds and reported figures (the same numbers, with RCTab's scale). Sums use
int64 only when ``10^d`` times the number of papers fits; Python integers otherwise.

Speed: rows whose reading no rule option can change (*clean* rows, see
:mod:`.irv_vector`) are read for all rows at once with numpy, each resuming after
its current candidate; the others go through :meth:`_Tabulator.next_choice`,
RCTab's loop, whose per-row rankings are built only for those rows. Tallies are
kept per bin (candidate or inactive reason) and updated from the re-read rows
only, with float64 ``bincount`` where every partial sum is an integer below 2^53
(exact), else recomputed with int64 or Python integers. Per-paper snapshots
(RCTab's CDF export) and the module switch ``_FORCE_REFERENCE`` (for tests) take
the row-by-row reference path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from ..ballots.marks import BLANK, OVERVOTE, UNCERTAIN, group_of
from ..ballots.profile import Profile
from ..count import TieDecision
from ..errors import CountError
from ..rctab.ties import RCTabTieBreaker, TiebreakMode
from ..ties import TieBreaker
from .irv_rules import IRVRules, OvervoteRule, Threshold, WinnerMode
from .irv_steps import run
from .irv_vector import KeptShares, byte_columns, clean_rows, marked_length, reassign_clean

__all__ = ["REASONS", "EngineRound", "Tabulation", "tabulate"]

# Why a paper is inactive (RCTab's StatusForRound), in report order.
NO_RANKINGS = "no rankings"
OVERVOTES = "overvote"
SKIPPED = "skipped rankings"
EXHAUSTED_CHOICES = "no continuing candidate"
REPEATED = "repeated ranking"
FINAL_SURPLUS = "final round surplus"
REASONS = (NO_RANKINGS, OVERVOTES, SKIPPED, EXHAUSTED_CHOICES, REPEATED, FINAL_SURPLUS)
_STATUS = {reason: i + 1 for i, reason in enumerate(REASONS)}
EXHAUSTED_KEY = "exhausted"
RESIDUAL_KEY = "residual surplus"
_EXPLICIT_OVERVOTE = -2
#: read every row with the reference loop (tests compare it with the vectorised path)
_FORCE_REFERENCE = False
_INT64_LIMIT = 2**63 - 1
_FLOAT_EXACT = 2**53


@dataclass
class EngineRound:
    """One round as RCTab reports it (values with RCTab's decimal scale)."""

    number: int
    tally: dict[int, Decimal]
    threshold: Decimal
    inactive: dict[str, Decimal]
    elected: list[int] = field(default_factory=list)
    eliminated: list[int] = field(default_factory=list)
    #: votes moved by this round's decisions (RCTab logs them under the next round)
    transfers: dict[int, dict[int | str, Decimal]] = field(default_factory=dict)
    residual_total: Decimal = Decimal(0)
    #: a winner's papers were re-valued this round (RCTab then reports active votes at scale d)
    locked_scaled: bool = False
    ties: list[TieDecision] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: why each candidate was elected or eliminated this round
    reasons: dict[int, str] = field(default_factory=dict)


@dataclass
class SliceRound:
    tally: dict[int, Decimal]
    inactive: dict[str, Decimal]
    transfers: dict[int, dict[int | str, Decimal]]


@dataclass
class Tabulation:
    """Everything a tabulation produced: the rounds and what RCTab's reports need."""

    names: tuple[str, ...]
    rounds: list[EngineRound]
    winners: list[tuple[int, int]]  # (candidate, round)
    eliminated: list[tuple[int, int]]
    total: Decimal
    seats: int
    #: candidates not excluded (RCTab's getNumCandidates)
    n_candidates: int = 0
    slices: dict[str, dict[int, list[SliceRound]]] = field(default_factory=dict)
    #: per distinct row: {round: [(candidate, value), ...]} when snapshots were asked for
    snapshots: list[dict[int, list[tuple[int, Decimal]]]] | None = None


class _Ballots:
    """Per-row rankings in RCTab's form: (rank, candidates at that rank), built on demand."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self._rows: dict[int, list[tuple[int, tuple[int, ...]]]] = {}

    def rankings(self, r: int) -> list[tuple[int, tuple[int, ...]]]:
        """Row ``r``'s rankings (kept for the next time the row is read)."""
        ranks = self._rows.get(r)
        if ranks is not None:
            return ranks
        groups = self.profile.overvote_groups
        ranks = []
        for pos, code in enumerate(self.profile.ballots[r].tolist(), start=1):
            if code == BLANK:
                continue
            if code >= 0:
                ranks.append((pos, (code,)))
            elif code in (OVERVOTE, UNCERTAIN):
                ranks.append((pos, (_EXPLICIT_OVERVOTE,)))
            else:
                ranks.append((pos, groups[group_of(code)]))
        self._rows[r] = ranks
        return ranks


def _dec(units: int, scaled: bool, places: int) -> Decimal:
    if scaled:
        return Decimal(units).scaleb(-places)
    return Decimal(units // 10**places)


def _trunc(value: Fraction, places: int) -> Decimal:
    scaled = (
        value.numerator * 10**places // value.denominator
        if value >= 0
        else -(-value.numerator * 10**places // value.denominator)
    )
    return Decimal(scaled).scaleb(-places)


def _ceil(value: Fraction, places: int) -> Decimal:
    scaled = -(-value.numerator * 10**places // value.denominator)
    return Decimal(scaled).scaleb(-places)


class _Tabulator:
    def __init__(
        self,
        profile: Profile,
        rules: IRVRules,
        seats: int,
        *,
        slices: Sequence[str] = (),
        snapshots: bool = False,
        permutation: Sequence[str] | None = None,
    ) -> None:
        self.profile = profile
        self.rules = rules
        self.seats = seats
        self.names = profile.candidates.names
        n = len(self.names)
        self.n = n
        self.d = rules.decimal_places
        self.unit = 10**self.d
        unknown = [x for x in rules.excluded if profile.candidates.get_index(x) is None]
        if unknown:
            raise CountError(f"excluded candidates not in the contest: {', '.join(unknown)}")
        self.excluded = np.zeros(n + 1, dtype=bool)
        for x in rules.excluded:
            self.excluded[profile.candidates.index_of(x)] = True
        self.uwi = np.array([c.write_in for c in profile.candidates] + [False], dtype=bool)
        self.n_declared = n - int(self.uwi[:n].sum())
        self.n_candidates = n - int(self.excluded[:n].sum())
        self.uses_surpluses = rules.uses_surpluses and seats > 1
        self.ballots = _Ballots(profile)
        self._check_max_rankings()
        rows = profile.n_distinct
        self.weights = profile.weights.astype(np.int64)
        #: every product and sum of vote units fits in int64
        self.fits_int64 = self.unit * int(self.weights.sum()) <= _INT64_LIMIT
        #: every partial sum of vote units is an integer below 2^53, so float64 sums are exact
        self.fits_float = self.unit * int(self.weights.sum()) <= _FLOAT_EXACT
        self._float_units: npt.NDArray[np.float64] | None = None
        #: vote units and scaled-row counts per bin (see :meth:`row_bins`), kept up to
        #: date by :meth:`reassign` while no paper's value changes
        self._bins: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None = None
        self.reference = _FORCE_REFERENCE or snapshots
        columns = byte_columns(profile.ballots)
        self.clean = (
            np.zeros(rows, dtype=bool)
            if self.reference
            else clean_rows(profile.ballots, rules, columns)
        )
        #: clean rows: the column of the current candidate (the next scan starts after it)
        self.column = np.full(rows, -1, dtype=np.int64)
        self.length = marked_length(profile.ballots, columns)
        self.recipient = np.full(rows, -1, dtype=np.int64)
        self.status = np.zeros(rows, dtype=np.int64)
        self.ftv = np.full(rows, self.unit, dtype=np.int64)
        self.scaled = np.zeros(rows, dtype=bool)
        self._any_scaled = False  # no row's value scaled yet (so no scaled sums to count)
        self.shares = KeptShares(rows, self.unit)
        self.winners: dict[int, int] = {}
        self.eliminated: dict[int, int] = {}
        self.rounds: list[EngineRound] = []
        self.slice_names = tuple(slices)
        self.slice_index: dict[str, npt.NDArray[np.int64]] = {}
        self.slice_rounds: dict[str, dict[int, list[SliceRound]]] = {}
        for kind in self.slice_names:
            idx = profile.metadata.get(kind)
            if idx is None:
                raise CountError(f"tabulating by {kind} needs {kind} data in the ballot files")
            arr = np.asarray(idx, dtype=np.int64)
            self.slice_index[kind] = arr
            self.slice_rounds[kind] = {int(s): [] for s in np.unique(arr) if s >= 0}
        self.snapshots: list[dict[int, list[tuple[int, Decimal]]]] | None = (
            [{} for _ in range(rows)] if snapshots else None
        )
        perm = (
            list(permutation)
            if permutation is not None
            else [c.name for c in profile.candidates if not c.write_in]
        )
        if rules.tiebreak_mode is TiebreakMode.TIE_RULES:
            self.rctab_ties: RCTabTieBreaker | None = None
            self.tie_rules = TieBreaker(rules.ties, self.names)
        else:
            self.rctab_ties = RCTabTieBreaker(
                rules.tiebreak_mode,
                seed=rules.random_seed,
                permutation=perm,
                decisions=rules.ties.decisions,
            )

    # -- checks ---------------------------------------------------------------
    def _check_max_rankings(self) -> None:
        limit = self.rules.max_rankings
        if limit is None or limit >= self.profile.depth:
            return
        beyond = np.any(self.profile.ballots[:, limit:] != BLANK, axis=1)
        if np.any(beyond):
            n = int(self.profile.weights[beyond].sum())
            raise CountError(
                f"{n} ballot(s) rank a choice beyond maxRankingsAllowed ({limit}); "
                "raise max_rankings or correct the ballot files"
            )

    # -- candidate status ------------------------------------------------------
    def continuing(self, c: int) -> bool:
        if c < 0 or self.excluded[c] or c in self.eliminated:
            return False
        if c in self.winners:
            return self.rules.continue_until_two_candidates_remain
        return True

    def continuing_list(self) -> list[int]:
        return [c for c in range(self.n) if self.continuing(c)]

    # -- reading one ballot ------------------------------------------------------
    def next_choice(self, r: int) -> tuple[int, str | None]:
        """The ballot's new candidate (or -1) and its inactive reason (None if active)."""
        ranks = self.ballots.rankings(r)
        if not ranks:
            return -1, NO_RANKINGS
        rules = self.rules
        max_rank = ranks[-1][0]
        last = 0
        seen: set[int] = set()
        for rank, members in ranks:
            if self.uses_surpluses and len(self.winners) == self.seats:
                return -1, FINAL_SURPLUS
            if rules.max_skipped_ranks is not None and rank - last > rules.max_skipped_ranks + 1:
                return -1, SKIPPED
            last = rank
            if rules.exhaust_on_duplicate_candidate:
                duplicate = False
                for m in members:
                    if m in seen:
                        duplicate = True
                        break
                    seen.add(m)
                if duplicate:
                    return -1, REPEATED
            decision = self.overvote_decision(members)
            if decision == "exhaust":
                return -1, OVERVOTES
            if decision == "skip":
                if rank == max_rank:
                    return -1, EXHAUSTED_CHOICES
                continue
            for m in members:
                if self.continuing(m):
                    return m, None
            if rank == max_rank:
                return -1, EXHAUSTED_CHOICES
        return -1, EXHAUSTED_CHOICES  # pragma: no cover - the last rank always decides

    def overvote_decision(self, members: tuple[int, ...]) -> str:
        rule = self.rules.overvote_rule
        if _EXPLICIT_OVERVOTE in members:
            if rule is OvervoteRule.EXHAUST_IF_MULTIPLE_CONTINUING:
                raise CountError(
                    "the ballots carry overvote marks without their candidates; the overvote "
                    "rule exhaustIfMultipleContinuing needs the candidates (use another rule)"
                )
            return "exhaust" if rule is OvervoteRule.EXHAUST_IMMEDIATELY else "skip"
        if len(members) <= 1:
            return "none"
        if rule is OvervoteRule.EXHAUST_IMMEDIATELY:
            return "exhaust"
        if rule is OvervoteRule.ALWAYS_SKIP_TO_NEXT_RANK:
            return "skip"
        cont = sum(1 for m in members if self.continuing(m))
        return "exhaust" if cont >= 2 else "none"

    # -- one round -----------------------------------------------------------------
    def continuing_mask(self) -> npt.NDArray[np.bool_]:
        """Continuing flag per candidate, plus a last ``False`` entry (index -1)."""
        cont = np.zeros(self.n + 1, dtype=bool)
        for c in self.continuing_list():
            cont[c] = True
        return cont

    def units(self, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.int64] | npt.NDArray[np.object_]:
        """``ftv * weight`` of ``rows``: int64 when every sum fits, else Python integers."""
        if self.fits_int64:
            exact: npt.NDArray[np.int64] = self.ftv[rows] * self.weights[rows]
            return exact
        big: npt.NDArray[np.object_] = self.ftv[rows].astype(object) * self.weights[rows].astype(
            object
        )
        return big

    def reassign(self, round_no: int) -> dict[str, dict[int, dict[int | str, list[int]]]]:
        """Re-read every ballot that needs a new candidate; return transfers (overall and slices).

        Clean rows are read with numpy, the others by :meth:`next_choice`; the
        transfers are the same, in the same order, as :meth:`reassign_reference`'s
        (:func:`.irv_vector.reassign_clean`).
        """
        cont = self.continuing_mask()
        need = np.nonzero((self.status == 0) & ~cont[self.recipient])[0]
        track = self.fits_float and self._bins is not None
        before = self.bin_totals(need) if track else None
        if self.reference:
            flows = self.reassign_reference(round_no, need)
        else:
            flows = reassign_clean(self, need, cont)
        if before is not None and self._bins is not None:
            after = self.bin_totals(need)
            self._bins = (
                self._bins[0] - before[0] + after[0],
                self._bins[1] - before[1] + after[1],
            )
        return flows

    def reassign_reference(
        self, round_no: int, need: npt.NDArray[np.int64]
    ) -> dict[str, dict[int, dict[int | str, list[int]]]]:
        """:meth:`reassign` row by row, every row by :meth:`next_choice` (RCTab's loop)."""
        flows: dict[str, dict[int, dict[int | str, list[int]]]] = {"": {}}
        for kind in self.slice_names:
            flows[kind] = {}
        for r in need.tolist():
            old = int(self.recipient[r])
            new, reason = self.next_choice(r)
            value = int(self.ftv[r]) * int(self.weights[r])
            if old >= 0 and self.ftv[r] > 0:
                dest: int | str = new if new >= 0 else EXHAUSTED_KEY
                keys = [("", old)] + [
                    (kind, int(self.slice_index[kind][r]) * self.n + old)
                    for kind in self.slice_names
                    if self.slice_index[kind][r] >= 0
                ]
                for kind, key in keys:
                    cell = flows[kind].setdefault(key, {}).setdefault(dest, [0, 0])
                    cell[0] += value
                    cell[1] |= int(self.scaled[r])
            self.recipient[r] = new
            if reason is not None:
                self.status[r] = _STATUS[reason]
            if self.snapshots is not None:
                snap = [(w, Decimal(v).scaleb(-self.d)) for w, v in self.shares.allocations(r)]
                if new >= 0:
                    snap.append((new, _dec(int(self.ftv[r]), bool(self.scaled[r]), self.d)))
                self.snapshots[r][round_no] = snap
        return flows

    def values_changed(self, rows: npt.NDArray[np.int64]) -> None:
        """``rows`` have new values (``ftv``, scaled): forget the cached sums."""
        self.scaled[rows] = True
        self._any_scaled = True
        self._float_units = None
        self._bins = None

    def sums(
        self, mask: npt.NDArray[np.bool_], index: npt.NDArray[np.int64], size: int
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        if self.fits_float:
            # np.bincount sums in float64: exact here, as every partial sum is an
            # integer below 2^53 (fits_float); rows outside the mask go to bin ``size``
            if self._float_units is None:
                self._float_units = (self.ftv * self.weights).astype(np.float64)
            bins = np.where(mask, index, size)
            totals = np.bincount(bins, weights=self._float_units, minlength=size + 1)
            scaled = np.bincount(bins, weights=self.scaled, minlength=size + 1)
            return totals[:size].astype(np.int64), (scaled[:size] > 0).astype(np.int64)
        rows = np.nonzero(mask)[0]
        # object dtype: zeros are Python integers, sums unbounded
        units: npt.NDArray[np.int64] = np.zeros(size, dtype=np.int64 if self.fits_int64 else object)
        flags = np.zeros(size, dtype=np.int64)
        np.add.at(units, index[mask], self.units(rows))
        np.add.at(flags, index[mask], self.scaled[mask].astype(np.int64))
        return units, flags

    def row_bins(self, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Each row's bin: its candidate, ``n`` (none yet) or ``n + 1 + status`` (inactive)."""
        status = self.status[rows]
        recipient = self.recipient[rows]
        return np.where(
            status > 0, self.n + 1 + status, np.where(recipient >= 0, recipient, self.n)
        )

    def bin_totals(
        self, rows: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Vote units and scaled-row counts of ``rows`` per bin (exact: only when fits_float)."""
        if self._float_units is None:
            self._float_units = (self.ftv * self.weights).astype(np.float64)
        bins = self.row_bins(rows)
        size = self.n + 2 + len(REASONS)
        units = np.bincount(bins, weights=self._float_units[rows], minlength=size)
        if not self._any_scaled:
            return units.astype(np.int64), np.zeros(size, dtype=np.int64)
        scaled = np.bincount(bins, weights=self.scaled[rows], minlength=size)
        return units.astype(np.int64), scaled.astype(np.int64)

    def tally_round(self, round_no: int) -> EngineRound:
        if self.fits_float:
            if self._bins is None:
                self._bins = self.bin_totals(np.arange(self.ftv.size, dtype=np.int64))
            units, flags = self._bins[0][: self.n], self._bins[1][: self.n]
            iu, iflags = self._bins[0][self.n + 1 :], self._bins[1][self.n + 1 :]
        else:
            active = self.status == 0
            units, flags = self.sums(
                active & (self.recipient >= 0), np.clip(self.recipient, 0, None), self.n
            )
            iu, iflags = self.sums(self.status > 0, self.status, len(REASONS) + 1)
        tally = {c: _dec(int(units[c]), bool(flags[c]), self.d) for c in self.continuing_list()}
        inactive = {
            reason: _dec(int(iu[i]), bool(iflags[i]), self.d) for reason, i in _STATUS.items()
        }
        return EngineRound(number=round_no, tally=tally, threshold=Decimal(0), inactive=inactive)

    def slice_tallies(self, round_no: int) -> None:
        for kind in self.slice_names:
            sidx = self.slice_index[kind]
            known = sidx >= 0
            active = (self.status == 0) & (self.recipient >= 0) & known
            combined = sidx * self.n + np.clip(self.recipient, 0, None)
            size = (int(sidx.max()) + 1) * self.n if sidx.size else 0
            units, flags = self.sums(active, combined, size)
            nr = len(REASONS) + 1
            icombined = sidx * nr + self.status
            iu, iflags = self.sums(
                (self.status > 0) & known, icombined, (int(sidx.max()) + 1) * nr if sidx.size else 0
            )
            for s, rounds in self.slice_rounds[kind].items():
                tally = {
                    c: _dec(int(units[s * self.n + c]), bool(flags[s * self.n + c]), self.d)
                    for c in self.continuing_list()
                }
                inactive = {
                    reason: _dec(int(iu[s * nr + i]), bool(iflags[s * nr + i]), self.d)
                    for reason, i in _STATUS.items()
                }
                rounds.append(SliceRound(tally=tally, inactive=inactive, transfers={}))

    def threshold_for(self, tally: dict[int, Decimal]) -> Decimal:
        rules = self.rules
        active = sum(tally.values(), Decimal(0))
        with localcontext() as ctx:
            ctx.prec = 80
            if rules.winner_mode is WinnerMode.BOTTOMS_UP_PERCENTAGE:
                assert rules.bottoms_up_percentage is not None
                pct = _decimal_of(rules.bottoms_up_percentage) / Decimal(100)
                threshold = active * pct
            else:
                divisor = self.seats if rules.threshold is Threshold.HARE else self.seats + 1
                places = self.d if rules.threshold is Threshold.DROOP_NON_INTEGER else 0
                exact = Fraction(active) / divisor
                if rules.threshold is Threshold.HARE:
                    threshold = _ceil(exact, places)
                else:
                    threshold = _trunc(exact, places) + Decimal(1).scaleb(-places)
            minimum = _decimal_of(rules.minimum_vote_threshold)
            if minimum > 0 and minimum > threshold:
                threshold = minimum
        return threshold


def _decimal_of(value: Fraction) -> Decimal:
    if value.denominator == 1:
        return Decimal(value.numerator)
    with localcontext() as ctx:
        ctx.prec = 80
        return Decimal(value.numerator) / Decimal(value.denominator)


def tabulate(
    profile: Profile,
    rules: IRVRules,
    seats: int,
    *,
    slices: Sequence[str] = (),
    snapshots: bool = False,
    permutation: Sequence[str] | None = None,
) -> Tabulation:
    """Run one tabulation (one pass) of ``profile`` under ``rules``."""
    t = _Tabulator(
        profile, rules, seats, slices=slices, snapshots=snapshots, permutation=permutation
    )
    return run(t)
