"""Building the round log of an STV count, one :class:`Round` per stage.

The convention is :mod:`tallyroom.count`'s: round *k* holds the totals at the
end of stage *k* (``action`` names the operation that produced them: "First
preferences", "Surplus of A", "Exclusion of D"), the candidates deemed elected
or chosen for exclusion on those totals, and the transfers of the next
operation, which show up in round *k+1*. Transfers go to candidates, to
``"exhausted"`` (non-transferable papers, kept by reason) or to ``"loss to
fractions"`` (value dropped by a rule's truncation).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any, Protocol

from ...ballots.profile import Profile
from ...count import EXHAUSTED, FRACTIONS, Count, Decision, Round, TieDecision
from ...ties import Pick, TieBreak, TieBreaker
from .._common import make_count

__all__ = [
    "BROKEN_SEQUENCE",
    "NON_TRANSFERABLE",
    "VOID_PREFERENCE",
    "StageLog",
    "WholeVoteCount",
    "count_whole_votes",
]

#: Reason for papers with no further preference for a continuing candidate.
NON_TRANSFERABLE = "no further preference"
#: Reason for papers whose next mark is an overvote or uncertain.
VOID_PREFERENCE = "next preference void (more than one or uncertain)"
#: Reason for papers whose preference numbers skip before the next mark.
BROKEN_SEQUENCE = "sequence of preferences broken"


class StageLog:
    """Collects the stages of one count and turns them into a :class:`Count`."""

    def __init__(self, names: Sequence[str], scale: int, ties: TieBreak) -> None:
        self.names = tuple(names)
        self.scale = scale
        self.breaker = TieBreaker(ties, self.names)
        self.rounds: list[Round] = []
        self.history: list[dict[str, Fraction]] = []
        self.exhausted: dict[str, int] = {}
        self.loss = 0
        self.excluded: set[int] = set()
        self.elected: list[int] = []
        self._open: dict[str, Any] | None = None

    # -- units ------------------------------------------------------------------------
    def frac(self, units: int) -> Fraction:
        return Fraction(units, self.scale)

    # -- stages -----------------------------------------------------------------------
    def open(
        self,
        tally: Sequence[int],
        action: str,
        *,
        threshold: Fraction | None = None,
        notes: Sequence[str] = (),
    ) -> int:
        """Start the next stage with these totals (units); return its number."""
        self.close()
        shown = {
            self.names[i]: self.frac(t)
            for i, t in enumerate(tally)
            if i not in self.excluded or t != 0
        }
        self.history.append(shown)
        self._open = {
            "number": len(self.rounds) + 1,
            "tally": shown,
            "threshold": threshold,
            "elected": [],
            "excluded": [],
            "transfers": {},
            "exhausted": {k: self.frac(v) for k, v in self.exhausted.items()},
            "loss": self.frac(self.loss),
            "ties": [],
            "action": action,
            "notes": list(notes),
        }
        return int(self._open["number"])

    @property
    def stage(self) -> int:
        return len(self.rounds) + (1 if self._open is not None else 0)

    def _cur(self) -> dict[str, Any]:
        if self._open is None:
            raise RuntimeError("no stage is open")
        return self._open

    def close(self) -> None:
        if self._open is None:
            return
        o = self._open
        self._open = None
        self.rounds.append(
            Round(
                number=o["number"],
                tally=o["tally"],
                threshold=o["threshold"],
                elected=tuple(o["elected"]),
                excluded=tuple(o["excluded"]),
                transfers={k: dict(v) for k, v in o["transfers"].items()},
                exhausted=o["exhausted"],
                loss_to_fractions=o["loss"],
                ties=tuple(o["ties"]),
                action=o["action"],
                notes=tuple(o["notes"]),
            )
        )

    # -- decisions --------------------------------------------------------------------
    def elect(self, c: int, reason: str) -> None:
        self.elected.append(c)
        self._cur()["elected"].append(Decision(self.names[c], reason))

    def exclude(self, c: int, reason: str) -> None:
        self.excluded.add(c)
        self._cur()["excluded"].append(Decision(self.names[c], reason))

    def note(self, text: str) -> None:
        self._cur()["notes"].append(text)

    def tie(self, record: TieDecision) -> None:
        self._cur()["ties"].append(record)

    def choose(self, kind: str, tied: Sequence[int], pick: Pick, n: int = 1) -> list[int]:
        """Break a tie among candidate indices ``tied`` with the count's tie rules."""
        chosen, record = self.breaker.choose(
            kind=kind,
            round_no=self.stage,
            tied=[self.names[i] for i in tied],
            pick=pick,
            n=n,
            history=self.history,
        )
        self.tie(record)
        index = {name: i for i, name in enumerate(self.names)}
        return [index[name] for name in chosen]

    # -- transfers --------------------------------------------------------------------
    def transfer(self, source: int, dest: int | str, units: int) -> None:
        """Record ``units`` moving from ``source`` to a candidate, exhausted reason or loss."""
        if units == 0:
            return
        flows: dict[str, Fraction] = self._cur()["transfers"].setdefault(self.names[source], {})
        if isinstance(dest, int):
            key = self.names[dest]
        elif dest == FRACTIONS:
            key = FRACTIONS
            self.loss += units
        else:
            key = EXHAUSTED
            self.exhausted[dest] = self.exhausted.get(dest, 0) + units
        flows[key] = flows.get(key, Fraction(0)) + self.frac(units)

    # -- result -----------------------------------------------------------------------
    def finish(
        self,
        *,
        method: str,
        rules: Any,
        seats: int,
        profile: Profile,
        valid_papers: int,
        valid_total: Fraction | None = None,
        rejected: Mapping[str, int],
        extras: Mapping[str, Any] | None = None,
    ) -> Count:
        self.close()
        return make_count(
            method=method,
            rules=rules,
            seats=seats,
            profile=profile,
            elected=[self.names[c] for c in self.elected],
            rounds=self.rounds,
            valid_total=Fraction(valid_papers) if valid_total is None else valid_total,
            valid_papers=valid_papers,
            rejected=rejected,
            extras=extras,
        )


class WholeVoteCount(Protocol):
    """A whole-vote count in progress (Irish, Cambridge, Australian Senate rules)."""

    @property
    def log(self) -> StageLog: ...

    @property
    def valid(self) -> int: ...

    @property
    def q(self) -> int: ...

    @property
    def invalid(self) -> Mapping[str, int]: ...

    def run(self) -> None: ...


def count_whole_votes(
    state: WholeVoteCount, *, method: str, rules: Any, seats: int, profile: Profile
) -> Count:
    """Run a whole-vote count and close its log; papers its rules void join the rejected ones."""
    state.run()
    rejected = dict(profile.rejected)
    for reason, n in state.invalid.items():
        rejected[reason] = rejected.get(reason, 0) + n
    return state.log.finish(
        method=method,
        rules=rules,
        seats=seats,
        profile=profile,
        valid_papers=state.valid,
        rejected=rejected,
        extras={"quota": str(state.q), "places": 0},
    )
