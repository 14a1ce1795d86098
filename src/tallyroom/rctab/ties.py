"""RCTab's tie-breaking modes (``tiebreakMode``), replayed exactly.

RCTab (``Tiebreak.java``) first sorts the tied candidates by name (Java string
order), then:

* ``random``: draws ``nextDouble()`` from ``java.util.Random(randomSeed)`` (one
  generator for the whole tabulation) and takes ``floor(d * n)``-th candidate;
* ``previousRoundCountsThenRandom`` / ``previousRoundCountsThenAsk``: looks back
  through *every* earlier round, most recent first, keeping the candidates with
  the fewest (to eliminate) or most (to elect) votes, until one remains; if they
  were tied in every round, falls back to ``random`` or to the operator;
* ``useCandidateOrder``: the candidate listed latest in the config loses (the
  earliest wins);
* ``generatePermutation``: as ``useCandidateOrder`` but over a permutation of
  the candidates (sorted by name, then ``Collections.shuffle`` with the seeded
  generator);
* ``stopCountingAndAsk``: the operator decides. tallyroom never prompts: the
  count stops with :class:`~tallyroom.errors.TieDecisionRequired` naming the
  tie and the option that supplies the decision, and a rerun with the decision
  (an :class:`~tallyroom.ties.OfficerDecision`) continues.

Every decision is returned as a :class:`~tallyroom.count.TieDecision`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import Enum

from ..count import TieDecision
from ..errors import RuleConfigError, TieDecisionRequired
from ..ties import OfficerDecision
from .javaorder import hash_order, set_copy_capacity
from .javarandom import JavaRandom, java_shuffle

__all__ = ["RCTabTieBreaker", "TiebreakMode", "java_string_key"]


class TiebreakMode(Enum):
    """RCTab's ``tiebreakMode`` values, plus ``tieRules`` (tallyroom's countback rules)."""

    RANDOM = "random"
    STOP_COUNTING_AND_ASK = "stopCountingAndAsk"
    PREVIOUS_ROUND_COUNTS_THEN_RANDOM = "previousRoundCountsThenRandom"
    PREVIOUS_ROUND_COUNTS_THEN_ASK = "previousRoundCountsThenAsk"
    USE_CANDIDATE_ORDER = "useCandidateOrder"
    GENERATE_PERMUTATION = "generatePermutation"
    TIE_RULES = "tieRules"

    @property
    def needs_seed(self) -> bool:
        return self in (
            TiebreakMode.RANDOM,
            TiebreakMode.PREVIOUS_ROUND_COUNTS_THEN_RANDOM,
            TiebreakMode.GENERATE_PERMUTATION,
        )


def java_string_key(name: str) -> bytes:
    """Sort key equal to Java's ``String.compareTo`` (UTF-16 code units)."""
    return name.encode("utf-16-be")


class RCTabTieBreaker:
    """Breaks the ties of one RCTab tabulation (one pass of a multi-pass count)."""

    def __init__(
        self,
        mode: TiebreakMode,
        *,
        seed: int | None,
        permutation: Sequence[str],
        decisions: Sequence[OfficerDecision] = (),
    ) -> None:
        self.mode = mode
        self.decisions = tuple(decisions)
        self._random: JavaRandom | None = None
        self.permutation = list(permutation)
        if mode.needs_seed:
            if seed is None:
                raise RuleConfigError(f"tiebreakMode {mode.value!r} needs a randomSeed")
            self._random = JavaRandom(seed)
            if mode is TiebreakMode.GENERATE_PERMUTATION:
                self.permutation.sort(key=java_string_key)
                java_shuffle(self.permutation, self._random)

    def select(
        self,
        *,
        selecting_winner: bool,
        tied: Sequence[str],
        round_no: int,
        votes: Decimal,
        history: Sequence[Mapping[str, Decimal]],
    ) -> tuple[str, TieDecision]:
        """Pick the winner (or loser) among ``tied``; ``history`` = tallies of rounds 1..round-1."""
        names = sorted(tied, key=java_string_key)
        kind = "election" if selecting_winner else "exclusion"
        mode = self.mode
        if mode is TiebreakMode.RANDOM:
            chosen, rule, detail = self._random_pick(names)
        elif mode is TiebreakMode.STOP_COUNTING_AND_ASK:
            chosen, rule, detail = self._ask(names, kind, round_no, votes, selecting_winner)
        elif mode in (TiebreakMode.USE_CANDIDATE_ORDER, TiebreakMode.GENERATE_PERMUTATION):
            order = self.permutation if selecting_winner else list(reversed(self.permutation))
            chosen = next(n for n in order if n in names)
            rule = "candidate order" if mode is TiebreakMode.USE_CANDIDATE_ORDER else "permutation"
            detail = (
                f"the selected candidate appears {'earliest' if selecting_winner else 'latest'} "
                f"in the tie-breaking {'candidate order' if rule == 'candidate order' else 'permutation'}"
                f" ({', '.join(self.permutation)})"
            )
        elif mode in (
            TiebreakMode.PREVIOUS_ROUND_COUNTS_THEN_RANDOM,
            TiebreakMode.PREVIOUS_ROUND_COUNTS_THEN_ASK,
        ):
            chosen, rule, detail = self._previous_rounds(
                names, kind, round_no, votes, selecting_winner, history
            )
        else:  # pragma: no cover - TIE_RULES is handled by the engine
            raise RuleConfigError(f"tiebreak mode {mode.value!r} is not an RCTab mode")
        record = TieDecision(
            kind=kind, tied=tuple(names), chosen=(chosen,), rule=rule, detail=detail
        )
        return chosen, record

    def _random_pick(self, names: Sequence[str]) -> tuple[str, str, str]:
        assert self._random is not None
        k, scale = self._random.next_double_parts()
        # Java computes (int) Math.floor(nextDouble() * (double) n) in IEEE doubles; Python
        # floats are the same IEEE doubles, so this reproduces the draw bit for bit.
        index = math.floor((k / scale) * float(len(names)))
        return (
            names[index],
            "lot",
            (
                f"java.util.Random draw {k}/2^53 over {len(names)} candidates sorted by name "
                f"({', '.join(names)}): index {index}"
            ),
        )

    def _ask(
        self, names: Sequence[str], kind: str, round_no: int, votes: Decimal, selecting_winner: bool
    ) -> tuple[str, str, str]:
        for d in self.decisions:
            if d.matches(kind, round_no, names) and d.chosen and d.chosen[0] in names:
                return d.chosen[0], "officer", f"the operator's decision among {', '.join(names)}"
        verb = "elect" if selecting_winner else "eliminate"
        raise TieDecisionRequired(
            f"round {round_no}: {', '.join(names)} are tied with {votes} vote(s) each and the "
            f"tiebreak mode asks the operator to decide who to {verb}. Count again with "
            f"--tie-decision '{','.join(names)}=NAME' (NAME = the candidate to {verb}).",
            tie={"kind": kind, "round": round_no, "tied": list(names)},
        )

    def _previous_rounds(
        self,
        names: Sequence[str],
        kind: str,
        round_no: int,
        votes: Decimal,
        selecting_winner: bool,
        history: Sequence[Mapping[str, Decimal]],
    ) -> tuple[str, str, str]:
        contention = list(names)
        for back in range(round_no - 1, 0, -1):
            tally = history[back - 1]
            # RCTab regroups the contenders through a HashSet: keep Java's iteration order.
            contention = hash_order(contention, set_copy_capacity(len(contention)))
            values = {n: tally[n] for n in contention}
            best = max(values.values()) if selecting_winner else min(values.values())
            contention = [n for n in contention if values[n] == best]
            if len(contention) == 1:
                return (
                    contention[0],
                    "previous round",
                    (
                        f"{contention[0]} had the {'most' if selecting_winner else 'fewest'} votes "
                        f"({best}) in round {back}"
                    ),
                )
        prefix = f"tied in every previous round among {', '.join(contention)}; "
        if self.mode is TiebreakMode.PREVIOUS_ROUND_COUNTS_THEN_ASK:
            chosen, rule, detail = self._ask(contention, kind, round_no, votes, selecting_winner)
        else:
            chosen, rule, detail = self._random_pick(contention)
        return chosen, "previous round then " + rule, prefix + detail
