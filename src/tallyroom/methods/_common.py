"""Small helpers shared by counting methods."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from ..ballots.profile import Profile
from ..count import Count, Round
from ..rules import rules_to_mapping

__all__ = ["make_count", "tally_dict", "weighted_bincount"]


def weighted_bincount(
    codes: npt.NDArray[np.int32], weights: npt.NDArray[np.int64], n: int
) -> npt.NDArray[np.int64]:
    """Sum ``weights`` by candidate code (codes < 0 are ignored)."""
    ok = codes >= 0
    out = np.zeros(n, dtype=np.int64)
    if np.any(ok):
        np.add.at(out, codes[ok], weights[ok])
    return out


def tally_dict(
    names: Sequence[str], values: Sequence[int] | npt.NDArray[np.int64], keep: Sequence[int]
) -> dict[str, Fraction]:
    """``{name: Fraction(votes)}`` for the candidate indices in ``keep`` (in that order)."""
    return {names[i]: Fraction(int(values[i])) for i in keep}


def make_count(
    *,
    method: str,
    rules: Any,
    seats: int,
    profile: Profile,
    elected: Sequence[str],
    rounds: Sequence[Round],
    valid_total: Fraction | int,
    valid_papers: int,
    rejected: Mapping[str, int],
    extras: Mapping[str, Any] | None = None,
) -> Count:
    return Count(
        method=method,
        rules=rules_to_mapping(rules),
        seats=seats,
        candidates=tuple(profile.candidates),
        elected=tuple(elected),
        rounds=tuple(rounds),
        valid_total=Fraction(valid_total),
        valid_papers=valid_papers,
        rejected=dict(rejected),
        inputs=profile.inputs,
        title=profile.title,
        extras=dict(extras or {}),
    )
