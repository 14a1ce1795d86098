"""The round loop of the IRV engine: winners, eliminations, surpluses (RCTab ``Tabulator``).

Split from :mod:`irv_engine` (ballot reading and tallies) to keep modules small;
:func:`run` is called by :func:`irv_engine.tabulate`.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from ..count import TieDecision
from ..errors import CountError
from ..ties import Pick
from .irv_rules import WinnerMode

if TYPE_CHECKING:
    from .irv_engine import EngineRound, Tabulation, _Tabulator

__all__ = ["run"]


def _should_continue(t: _Tabulator, round_no: int) -> bool:
    rules = t.rules
    n_elim, n_won = len(t.eliminated), len(t.winners)
    if rules.stop_after_round is not None and round_no >= rules.stop_after_round:
        return False
    if n_won == t.n_declared and t.seats > t.n_candidates:
        return False
    if rules.continue_until_two_candidates_remain:
        return n_elim + n_won + 1 < t.n_candidates or round_no in t.eliminated.values()
    if rules.winner_mode is WinnerMode.BOTTOMS_UP_PERCENTAGE:
        return n_won == 0
    return n_won < t.seats or (t.uses_surpluses and round_no in t.winners.values())


def _by_value(tally: dict[int, Decimal]) -> list[tuple[Decimal, list[int]]]:
    groups: dict[Decimal, list[int]] = {}
    for c, v in tally.items():
        groups.setdefault(v, []).append(c)
    return sorted(groups.items(), key=lambda kv: kv[0])


def _history(t: _Tabulator) -> list[dict[str, Decimal]]:
    return [{t.names[c]: v for c, v in r.tally.items()} for r in t.rounds[:-1]]


def _break_tie(
    t: _Tabulator, rec: EngineRound, tied: list[int], votes: Decimal, winner: bool
) -> int:
    names = [t.names[c] for c in tied]
    record: TieDecision
    if t.rctab_ties is not None:
        chosen, record = t.rctab_ties.select(
            selecting_winner=winner,
            tied=names,
            round_no=rec.number,
            votes=votes,
            history=_history(t),
        )
    else:
        history = [{k: Fraction(v) for k, v in h.items()} for h in _history(t)]
        picked, record = t.tie_rules.choose(
            kind="election" if winner else "exclusion",
            round_no=rec.number,
            tied=names,
            pick=Pick.HIGHEST if winner else Pick.LOWEST,
            history=history,
        )
        chosen = picked[0]
    rec.ties.append(record)
    return t.names.index(chosen)


def _identify_winners(t: _Tabulator, rec: EngineRound) -> list[int]:
    rules = t.rules
    tally = rec.tally
    if any(t.uwi[c] and v != 0 for c, v in tally.items()):
        return []  # no one wins while undeclared write-ins hold votes
    groups = _by_value(tally)
    if rules.winner_mode is WinnerMode.BOTTOMS_UP_PERCENTAGE:
        if all(v > rec.threshold for v in tally.values()):
            for c in tally:
                rec.reasons[c] = "every remaining candidate is above the percentage threshold"
            return list(tally)
        return []
    selected: list[int] = []
    unfilled = t.seats - len(t.winners)
    if unfilled > 0:
        if len(tally) <= unfilled:
            selected = list(tally)
            why = "no more continuing candidates than seats to fill"
        elif rules.first_round_determines_threshold and len(tally) - 1 == t.seats:
            selected = list(groups[-1][1])
            why = "most votes in the penultimate round (first round determines the threshold)"
        elif rules.winner_mode is not WinnerMode.BOTTOMS_UP:
            selected = [c for v, cs in groups if v >= rec.threshold for c in cs if not t.uwi[c]]
            why = "reached the threshold"
        for c in selected:
            rec.reasons[c] = why
    multiple = len(selected) > 1 and (
        rules.winner_mode is WinnerMode.MULTI_WINNER_ONE_PER_ROUND
        or rules.first_round_determines_threshold
    )
    minimum = Decimal(rules.minimum_vote_threshold.numerator) / Decimal(
        rules.minimum_vote_threshold.denominator
    )
    none_two_left = (
        t.seats == 1
        and not selected
        and len(tally) == 2
        and unfilled == 1
        and all(v >= minimum for v, _ in groups)
    )
    if multiple or none_two_left:
        top, cands = groups[-1]
        selected = list(cands)
        if len(selected) > 1:
            selected = [_break_tie(t, rec, selected, top, winner=True)]
        rec.reasons[selected[0]] = (
            "most votes of the two remaining candidates"
            if none_two_left
            else "most votes among the candidates at the threshold (one winner per round)"
        )
    return selected


def _batch(t: _Tabulator, groups: list[tuple[Decimal, list[int]]]) -> list[int]:
    running = Decimal(0)
    seen: list[int] = []
    done: set[int] = set()
    elims: list[int] = []
    previous: list[int] = []
    for value, cands in groups:
        new = list(elims)
        if running < value:
            for c in seen:
                if c not in done:
                    done.add(c)
                    new.append(c)
        running += value * len(cands)
        seen.extend(cands)
        if len(new) > len(elims):
            previous, elims = elims, new
    if (
        t.rules.continue_until_two_candidates_remain
        and len(elims) + len(t.eliminated) == t.n_candidates - 1
    ):
        elims = previous
    return elims if len(elims) > 1 else []


def _eliminate(t: _Tabulator, rec: EngineRound) -> list[int]:
    rules = t.rules
    tally = rec.tally
    groups = _by_value(tally)
    out = [c for c, v in tally.items() if t.uwi[c] and v > 0]
    if out:
        for c in out:
            rec.reasons[c] = "undeclared write-ins are eliminated first"
        return out
    if rules.minimum_vote_threshold > 0:
        minimum = Fraction(rules.minimum_vote_threshold)
        out = [c for v, cs in groups if Fraction(v) < minimum for c in cs]
        if len(out) == t.n_declared:
            raise CountError(
                "every declared candidate is below the minimum vote threshold; the count cannot proceed"
            )
        if out:
            for c in out:
                rec.reasons[c] = "below the minimum vote threshold"
            return out
    if rules.cutoff_elimination:
        out = [c for v, cs in groups if v < rec.threshold for c in cs]
        if out and len(out) < len(tally):
            for c in out:
                rec.reasons[c] = "below the percentage threshold (cutoff elimination)"
            return out
    if rules.batch_elimination:
        out = _batch(t, groups)
        if out:
            for c in out:
                rec.reasons[c] = "batch elimination: cannot overtake the next candidate"
            return out
    if not groups:
        # e.g. batch elimination under bottomsUp left fewer candidates than seats
        raise CountError(
            f"round {rec.number}: {t.seats - len(t.winners)} seat(s) unfilled and no "
            "continuing candidate left to eliminate"
        )
    low, cands = groups[0]
    if len(cands) > 1:
        loser = _break_tie(t, rec, list(cands), low, winner=False)
        rec.reasons[loser] = "fewest votes (tie broken)"
        return [loser]
    rec.reasons[cands[0]] = "fewest votes"
    return [cands[0]]


def _apply_surplus(t: _Tabulator, rec: EngineRound, winner: int) -> None:
    votes = rec.tally[winner]
    extra = votes - rec.threshold
    frac_units = 0
    if extra > 0:
        frac = Fraction(extra) / Fraction(votes)
        frac_units = frac.numerator * t.unit // frac.denominator
    rows = ((t.recipient == winner) & (t.status == 0)).nonzero()[0]
    t.ftv[rows] = t.shares.keep(winner, rows, t.ftv[rows], frac_units)
    t.values_changed(rows)


def _winner_tallies(t: _Tabulator, rec: EngineRound, round_no: int) -> None:
    previous = t.rounds[-2] if len(t.rounds) > 1 else None
    fresh = [w for w, r in t.winners.items() if r == round_no - 1]
    for w, r in t.winners.items():
        if r == round_no or w in rec.tally:
            continue
        if r < round_no - 1 and previous is not None:
            rec.tally[w] = previous.tally[w]
    everyone = np.zeros(t.ftv.size, dtype=np.int64)
    for w in fresh:
        totals, found = t.shares.totals(w, everyone, 1, t.weights, t.fits_int64)
        total, any_rows = totals[0], found[0]
        value = Decimal(total).scaleb(-t.d) if any_rows else Decimal(0)
        rec.locked_scaled = rec.locked_scaled or any_rows
        residual = value - rec.threshold
        if residual > 0:
            rec.residual_total += residual
            value = rec.threshold
            if previous is not None:
                previous.transfers.setdefault(w, {})["residual surplus"] = residual
        rec.tally[w] = value
    for kind in t.slice_names:
        sidx = t.slice_index[kind]
        size = int(sidx.max()) + 1 if sidx.size else 0
        by_slice = {w: t.shares.totals(w, sidx, size, t.weights, t.fits_int64) for w in fresh}
        for s, rounds in t.slice_rounds[kind].items():
            now = rounds[-1]
            before = rounds[-2] if len(rounds) > 1 else None
            for w, r in t.winners.items():
                if r == round_no:
                    continue
                if w in fresh:
                    total, any_rows = by_slice[w][0][s], by_slice[w][1][s]
                    now.tally[w] = Decimal(total).scaleb(-t.d) if any_rows else Decimal(0)
                elif before is not None and w in before.tally:
                    now.tally[w] = before.tally[w]


def _attach_flows(t: _Tabulator, flows: dict[str, dict[int, dict[int | str, list[int]]]]) -> None:
    from .irv_engine import _dec

    if t.rounds:
        target = t.rounds[-1].transfers
        for src, dests in flows[""].items():
            for dest, (units, scaled) in dests.items():
                target.setdefault(src, {})[dest] = _dec(units, bool(scaled), t.d)
    for kind in t.slice_names:
        for key, dests in flows[kind].items():
            s, src = divmod(key, t.n)
            rounds = t.slice_rounds[kind][s]
            if rounds:
                for dest, (units, scaled) in dests.items():
                    rounds[-1].transfers.setdefault(src, {})[dest] = _dec(units, bool(scaled), t.d)


def run(t: _Tabulator) -> Tabulation:
    from .irv_engine import Tabulation

    rules = t.rules
    round_no = 0
    while _should_continue(t, round_no):
        round_no += 1
        flows = t.reassign(round_no)
        _attach_flows(t, flows)
        rec = t.tally_round(round_no)
        if t.slice_names:
            t.slice_tallies(round_no)
        recompute = (
            round_no == 1
            if t.seats > 1
            else (not rules.first_round_determines_threshold or round_no == 1)
        )
        if rules.continue_until_two_candidates_remain and t.winners:
            recompute = False  # the threshold is frozen once a winner exists
        rec.threshold = t.threshold_for(rec.tally) if recompute else t.rounds[-1].threshold
        rec.residual_total = t.rounds[-1].residual_total if t.rounds else Decimal(0)
        t.rounds.append(rec)
        winners = _identify_winners(t, rec)
        if winners:
            for w in winners:
                t.winners[w] = round_no
                rec.elected.append(w)
            if t.uses_surpluses:
                for w in winners:
                    _apply_surplus(t, rec, w)
        elif (
            len(t.winners) < t.seats
            or (
                rules.continue_until_two_candidates_remain
                and len(t.eliminated) < t.n_candidates - 2
            )
            or rules.winner_mode is WinnerMode.BOTTOMS_UP_PERCENTAGE
        ):
            out = _eliminate(t, rec)
            if not out:
                raise CountError(f"round {round_no}: no candidate could be eliminated")
            for c in out:
                t.eliminated[c] = round_no
                rec.eliminated.append(c)
        if t.seats > 1:
            _winner_tallies(t, rec, round_no)
    return Tabulation(
        names=t.names,
        rounds=t.rounds,
        winners=sorted(t.winners.items(), key=lambda kv: kv[1]),
        eliminated=sorted(t.eliminated.items(), key=lambda kv: kv[1]),
        total=Decimal(int(t.weights.sum())),
        seats=t.seats,
        n_candidates=t.n_candidates,
        slices=t.slice_rounds,
        snapshots=t.snapshots,
    )
