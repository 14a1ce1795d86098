"""Mark codes: what one ranking position of one paper holds.

A profile stores each distinct paper as a row of integer codes, one per ranking
position (column A/B of an SV paper; rank 1..n of a ranked ballot):

* ``code >= 0``: a single mark for candidate ``code`` (index into the candidates);
* :data:`BLANK` (-1): no mark at this position (unmarked, skipped, undervote);
* :data:`OVERVOTE` (-2): marks for more than one candidate, which ones not recorded;
* :data:`UNCERTAIN` (-3): a mark void for uncertainty;
* ``code <= -10``: an overvote whose candidates are known: group ``-10 - code`` in
  ``Profile.overvote_groups``.

How a code is treated (rejected paper, exhausted ballot, skipped rank) is decided
by the counting method's rules, never by the reader.
"""

from __future__ import annotations

__all__ = [
    "BLANK",
    "BLANK_TOKENS",
    "OVERVOTE",
    "OVERVOTE_TOKENS",
    "UNCERTAIN",
    "UNCERTAIN_TOKENS",
    "group_of",
    "is_candidate",
    "is_overvote",
    "overvote_code",
]

BLANK = -1
OVERVOTE = -2
UNCERTAIN = -3
_GROUP_BASE = -10

#: Cell texts that mean "no preference at this position" in ranked-ballot files.
BLANK_TOKENS = frozenset(
    {"", "(blank)", "(none)", "(no valid second choice)", "skipped", "undervote"}
)
#: Cell texts that mean "more than one candidate marked at this position".
OVERVOTE_TOKENS = frozenset({"overvote", "(overvote)"})
#: Cell texts that mean "a mark void for uncertainty at this position".
UNCERTAIN_TOKENS = frozenset({"?", "(uncertain)", "uncertain"})


def is_candidate(code: int) -> bool:
    return code >= 0


def is_overvote(code: int) -> bool:
    return code == OVERVOTE or code <= _GROUP_BASE


def overvote_code(group: int) -> int:
    """The code for overvote group ``group`` (an index into ``Profile.overvote_groups``)."""
    return _GROUP_BASE - group


def group_of(code: int) -> int:
    """The overvote group index of an overvote-group code."""
    if code > _GROUP_BASE:
        raise ValueError(f"{code} is not an overvote-group code")
    return _GROUP_BASE - code
