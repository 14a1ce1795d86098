"""Defects that void a whole paper, as adjudicated at the count.

Readers record papers rejected for these reasons in ``Profile.rejected`` (keyed by
the :class:`Defect` value). A counting method maps them to the statutory heads of
the rules in force (e.g. the four heads of SI 2007/1024 Sch 1 r.48(5)).
Defects visible in the marks themselves (no first preference, more than one, an
uncertain mark) are found by the method from the mark codes.
"""

from __future__ import annotations

from enum import Enum

from ..errors import RuleConfigError

__all__ = ["Defect", "parse_defect"]


class Defect(Enum):
    """Why a paper is void. The value is the label used in logs and reports."""

    NO_OFFICIAL_MARK = "want of official mark"
    TOO_MANY = "voting for more than one candidate"
    IDENTIFYING_MARK = "writing or mark identifying the voter"
    UNMARKED = "unmarked"
    UNCERTAIN = "void for uncertainty"

    @property
    def code(self) -> str:
        """The short code used in ballot files (``rejected`` column)."""
        return _CODES_BY_DEFECT[self]


_CODES = {
    "no-official-mark": Defect.NO_OFFICIAL_MARK,
    "too-many": Defect.TOO_MANY,
    "identifying-mark": Defect.IDENTIFYING_MARK,
    "unmarked": Defect.UNMARKED,
    "uncertain": Defect.UNCERTAIN,
}
_CODES_BY_DEFECT = {v: k for k, v in _CODES.items()}


def parse_defect(text: str) -> Defect:
    """The :class:`Defect` for a file's rejection code; raises listing the valid codes."""
    try:
        return _CODES[text.strip().lower()]
    except KeyError:
        raise RuleConfigError(
            f"unknown rejection code {text!r}; valid codes: {', '.join(_CODES)}"
        ) from None
