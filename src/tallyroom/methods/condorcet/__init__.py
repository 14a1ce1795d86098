"""Condorcet methods: Schulze, ranked pairs, Copeland, minimax; Smith and Schwartz sets.

All of them read the exact pairwise matrix (:mod:`.pairwise`) and log one round
(:mod:`._driver`). Each method module registers itself through
``register_counting_methods()``; this package does the same for all four so that
one line in :data:`tallyroom.registry.BUILTIN_PLUGINS` registers them.
"""

from __future__ import annotations

from ...registry import MethodSpec

__all__ = ["register_counting_methods"]


def register_counting_methods() -> list[MethodSpec]:
    from . import copeland, minimax, ranked_pairs, schulze

    return [
        *schulze.register_counting_methods(),
        *ranked_pairs.register_counting_methods(),
        *copeland.register_counting_methods(),
        *minimax.register_counting_methods(),
    ]
