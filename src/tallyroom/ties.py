"""Breaking ties by a recorded, replayable rule.

A rule set names a sequence of :class:`TieRule` steps, tried in order until one
separates the tied candidates:

* ``backward-countback``: the most recent earlier round at which they differed
  (Scottish rules, SSI 2011/399 Sch 1 r.50/52; AEC s.273(31));
* ``forward-countback``: the earliest round at which they differed (UK AV 2011
  rules 49/49A; ERS97 5.6.2; NI r.51(13));
* ``previous-round``: the immediately previous round only (RCTab);
* ``candidate-order``: a fixed order (the later candidate is lower);
* ``lot``: the returning officer's decision if one was supplied, else a seeded
  draw, else :class:`~tallyroom.errors.TieDecisionRequired`.

The seeded draw is documented so that a scrutineer can replay it with any
SHA-256 tool: for each tied candidate ``c`` compute
``sha256("{seed}|{kind}|{round}|{c}")`` (UTF-8, hex); the candidates are ordered
by that digest, ascending, and the lot falls on the first. Every decision is
returned as a :class:`~tallyroom.count.TieDecision` for the round log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from fractions import Fraction

from .count import TieDecision
from .errors import TieDecisionRequired
from .numbers import format_exact

__all__ = ["OfficerDecision", "Pick", "TieBreak", "TieBreaker", "TieRule", "lot_order"]


class TieRule(Enum):
    """One step of a tie-breaking procedure."""

    BACKWARD_COUNTBACK = "backward-countback"
    FORWARD_COUNTBACK = "forward-countback"
    PREVIOUS_ROUND = "previous-round"
    CANDIDATE_ORDER = "candidate-order"
    LOT = "lot"


class Pick(Enum):
    """Which end of the tie is wanted: the lowest (to exclude) or highest (to elect)."""

    LOWEST = "lowest"
    HIGHEST = "highest"


@dataclass(frozen=True, slots=True)
class OfficerDecision:
    """A decision supplied by the returning officer (the result of a lot drawn by hand).

    ``tied`` is the set of tied candidates it answers; ``chosen`` the candidate(s)
    the lot fell on (to be excluded in an exclusion tie, elected in an election or
    final tie, taken first in a surplus-order tie). ``kind`` and ``round`` narrow it
    to one tie when the same candidates tie more than once.
    """

    tied: frozenset[str]
    chosen: tuple[str, ...]
    kind: str | None = None
    round: int | None = None

    def matches(self, kind: str, round_no: int, tied: Sequence[str]) -> bool:
        return (
            self.tied == frozenset(tied)
            and (self.kind is None or self.kind == kind)
            and (self.round is None or self.round == round_no)
        )

    @classmethod
    def parse(cls, text: str) -> OfficerDecision:
        """Parse the CLI form ``"A,B,C=B"`` (tied candidates = chosen)."""
        from .errors import RuleConfigError

        if "=" not in text:
            raise RuleConfigError(
                f"tie decision {text!r} must look like 'Tied1,Tied2=Chosen' (e.g. 'Ash,Birch=Birch')"
            )
        left, right = text.split("=", 1)
        tied = frozenset(x.strip() for x in left.split(",") if x.strip())
        chosen = tuple(x.strip() for x in right.split(",") if x.strip())
        if len(tied) < 2 or not chosen or not set(chosen) <= tied:
            raise RuleConfigError(
                f"tie decision {text!r}: name two or more tied candidates and the chosen among them"
            )
        return cls(tied=tied, chosen=chosen)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"tied": sorted(self.tied), "chosen": list(self.chosen)}
        if self.kind is not None:
            out["kind"] = self.kind
        if self.round is not None:
            out["round"] = self.round
        return out


@dataclass(frozen=True, kw_only=True, slots=True)
class TieBreak:
    """Tie-breaking rules of a count.

    >>> TieBreak(steps=(TieRule.BACKWARD_COUNTBACK, TieRule.LOT), seed="2022-05-06")
    TieBreak(steps=(<TieRule.BACKWARD_COUNTBACK: 'backward-countback'>, <TieRule.LOT: 'lot'>), seed='2022-05-06', decisions=())
    """

    steps: tuple[TieRule, ...] = (TieRule.LOT,)
    seed: str | None = None
    decisions: tuple[OfficerDecision, ...] = field(default=())


def lot_order(seed: str, kind: str, round_no: int, tied: Sequence[str]) -> list[tuple[str, str]]:
    """The seeded draw: ``(candidate, digest)`` sorted by digest; the first is drawn first."""
    keyed = [
        (name, hashlib.sha256(f"{seed}|{kind}|{round_no}|{name}".encode()).hexdigest())
        for name in tied
    ]
    return sorted(keyed, key=lambda kv: (kv[1], kv[0]))


class TieBreaker:
    """Applies a :class:`TieBreak` to the ties of one count."""

    def __init__(self, rules: TieBreak, candidate_order: Sequence[str]) -> None:
        self.rules = rules
        self._position = {name: i for i, name in enumerate(candidate_order)}

    def _in_order(self, names: Sequence[str]) -> list[str]:
        return sorted(names, key=lambda n: self._position.get(n, len(self._position)))

    def choose(
        self,
        *,
        kind: str,
        round_no: int,
        tied: Sequence[str],
        pick: Pick,
        n: int = 1,
        history: Sequence[Mapping[str, Fraction]] = (),
    ) -> tuple[tuple[str, ...], TieDecision]:
        """Choose ``n`` of ``tied`` from the ``pick`` end; return them and the record.

        ``history`` holds the tallies of the earlier rounds, oldest first.
        """
        remaining = self._in_order(tied)
        tied_sorted = tuple(remaining)
        chosen: list[str] = []
        details: list[str] = []
        rules_used: list[str] = []
        while len(chosen) < n:
            if len(remaining) == 1 or len(chosen) + len(remaining) == n:
                chosen.extend(remaining[: n - len(chosen)])
                break
            one, rule, detail = self._choose_one(kind, round_no, remaining, pick, history)
            chosen.append(one)
            remaining.remove(one)
            rules_used.append(rule)
            details.append(detail)
        rule = " then ".join(dict.fromkeys(rules_used)) or "none"
        record = TieDecision(
            kind=kind,
            tied=tied_sorted,
            chosen=tuple(chosen),
            rule=rule,
            detail="; ".join(details),
        )
        return tuple(chosen), record

    def _choose_one(
        self,
        kind: str,
        round_no: int,
        tied: list[str],
        pick: Pick,
        history: Sequence[Mapping[str, Fraction]],
    ) -> tuple[str, str, str]:
        candidates = list(tied)
        notes: list[str] = []
        for step in self.rules.steps:
            if step in (
                TieRule.BACKWARD_COUNTBACK,
                TieRule.FORWARD_COUNTBACK,
                TieRule.PREVIOUS_ROUND,
            ):
                candidates, note = _countback(step, candidates, pick, history)
                if note:
                    notes.append(note)
                if len(candidates) == 1:
                    return candidates[0], step.value, "; ".join(notes)
            elif step is TieRule.CANDIDATE_ORDER:
                ordered = self._in_order(candidates)
                one = ordered[-1] if pick is Pick.LOWEST else ordered[0]
                notes.append(f"candidate order among {', '.join(ordered)}")
                return one, step.value, "; ".join(notes)
            elif step is TieRule.LOT:
                one, rule, note = self._lot(kind, round_no, candidates, pick)
                notes.append(note)
                return one, rule, "; ".join(notes)
        names = ", ".join(candidates)
        raise TieDecisionRequired(
            f"round {round_no}: {names} are tied ({kind}) and the tie rules "
            f"({', '.join(s.value for s in self.rules.steps)}) do not separate them; "
            "add 'lot' to the tie rules",
            tie={"kind": kind, "round": round_no, "tied": list(candidates)},
        )

    def _lot(self, kind: str, round_no: int, tied: list[str], pick: Pick) -> tuple[str, str, str]:
        for d in self.rules.decisions:
            if d.matches(kind, round_no, tied):
                one = d.chosen[0]
                return (
                    one,
                    "officer",
                    f"returning officer's decision among {', '.join(tied)}: {one}",
                )
        if self.rules.seed is not None:
            order = lot_order(self.rules.seed, kind, round_no, tied)
            one = order[0][0]
            digests = ", ".join(f"{n} {d[:12]}" for n, d in order)
            return (
                one,
                "lot",
                (
                    f"seeded draw (seed {self.rules.seed!r}, sha256 of 'seed|{kind}|{round_no}|name'): "
                    f"{digests}; the lot falls on {one}"
                ),
            )
        names = ",".join(tied)
        verb = {Pick.LOWEST: "exclude", Pick.HIGHEST: "elect"}[pick]
        raise TieDecisionRequired(
            f"round {round_no}: {', '.join(tied)} are tied ({kind}) and the rules say the "
            f"returning officer decides by lot. Draw the lot and count again with "
            f"--tie-decision '{names}=NAME' (NAME = the candidate to {verb}), or give "
            "--tie-seed SEED for a recorded seeded draw.",
            tie={"kind": kind, "round": round_no, "tied": list(tied), "pick": pick.value},
        )


def _countback(
    step: TieRule,
    tied: list[str],
    pick: Pick,
    history: Sequence[Mapping[str, Fraction]],
) -> tuple[list[str], str]:
    """Narrow ``tied`` by looking at earlier rounds; return survivors and a note."""
    if not history:
        return tied, ""
    if step is TieRule.PREVIOUS_ROUND:
        indices: list[int] = [len(history) - 1]
    elif step is TieRule.BACKWARD_COUNTBACK:
        indices = list(range(len(history) - 1, -1, -1))
    else:
        indices = list(range(len(history)))
    survivors = list(tied)
    notes: list[str] = []
    for i in indices:
        values = {n: history[i].get(n, Fraction(0)) for n in survivors}
        if len(set(values.values())) > 1:
            extreme = min(values.values()) if pick is Pick.LOWEST else max(values.values())
            notes.append(
                f"round {i + 1}: " + ", ".join(f"{n} {format_exact(v)}" for n, v in values.items())
            )
            survivors = [n for n in survivors if values[n] == extreme]
            if len(survivors) == 1:
                break
    label = step.value
    if not notes:
        return survivors, f"{label}: equal at every earlier round"
    return survivors, f"{label}: " + "; ".join(notes)
