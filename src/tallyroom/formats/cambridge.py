"""Cambridge, MA city-council ballot files as published (rwinters.com / ranked-vote/stv.vote).

Three layouts occur, one a paper per row, ``rank1..rank15`` in any column order:

* 2019: ``ballot_ID, Precinct, Ward, WardPrecinct, invalid, rank1, rank10, ..., rank9``
  (``invalid`` is ``True``/``False``);
* 2021: ``ward, precinct, rank1..rank15``;
* 2023: ``precinct, ward, valid, rank1..rank15`` (``valid`` is ``t``/``f``).

Papers the file marks invalid are counted as rejected under
:data:`~tallyroom.formats._rank_table.INVALID_IN_FILE`. Write-in columns
(``Write-In 1``, ``Write-in #1``, …) are candidates flagged ``write_in``. With
``keep_order=True`` the papers keep file order and ``metadata["precinct_of_paper"]``
gives each paper's ward-precinct (Cambridge's surplus rule draws papers in order).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..ballots.profile import Profile
from ..errors import BallotFileError
from ..registry import FormatSpec
from ._common import check_options
from ._rank_table import RankTable, rank_columns, read_header, read_rank_table

__all__ = ["read", "register_ballot_formats", "sniff"]

OPTIONS = {"keep_order": "keep the file order of papers (the Cambridge surplus rule needs it)"}

_RANK = re.compile(r"^rank(\d+)$", re.IGNORECASE)
_KNOWN = {"ballot_id", "precinct", "ward", "wardprecinct", "invalid", "valid"}


def _invalid_flag(values: tuple[str, str]) -> Any:
    true_text, false_text = values

    def is_invalid(cell: str) -> bool | None:
        if cell == true_text:
            return True
        if cell == false_text:
            return False
        return None

    return is_invalid


def read(path: Path, options: Mapping[str, Any]) -> Profile:
    """Read a Cambridge ballot file (any of the three published layouts)."""
    check_options(path, options, OPTIONS, "cambridge-csv")
    keep_order = options.get("keep_order", False)
    if not isinstance(keep_order, bool):
        raise BallotFileError(path, f"option keep_order must be true or false, not {keep_order!r}")
    header = read_header(path)
    lower = [h.lower() for h in header]
    ranks = rank_columns(path, header, _RANK)
    others = [h for i, h in enumerate(header) if i not in ranks and h.lower() not in _KNOWN]
    if others:
        raise BallotFileError(
            path,
            f"unexpected column(s) {', '.join(map(repr, others))} for a Cambridge ballot file; "
            f"known columns: rank1..rankN, {', '.join(sorted(_KNOWN))}",
            line=1,
        )
    validity: int | None = None
    flag = None
    if "invalid" in lower:
        validity, flag = lower.index("invalid"), _invalid_flag(("True", "False"))
    elif "valid" in lower:
        validity, flag = lower.index("valid"), (lambda c: {"f": True, "t": False}.get(c))
    order_key = [lower.index(k) for k in ("ward", "precinct") if k in lower]
    layout = RankTable(ranks=ranks, validity=validity, is_invalid=flag, order_key=order_key)
    return read_rank_table(path, header, layout, keep_order=keep_order)


def sniff(path: Path, head: bytes) -> bool:
    """A header of rank columns and Cambridge's own columns only, ward and precinct among them."""
    first = head.split(b"\n", 1)[0].decode("utf-8-sig", "replace").strip().lower()
    cells = [c.strip() for c in first.split(",")]
    return (
        "rank1" in cells
        and "ward" in cells
        and "precinct" in cells
        and all(_RANK.match(c) or c in _KNOWN for c in cells)
    )


def register_ballot_formats() -> list[FormatSpec]:
    return [
        FormatSpec(
            name="cambridge-csv",
            title="Cambridge MA council ballots as published (rank1..rank15, ward, precinct)",
            extensions=(),
            read=read,
            sniff=sniff,
            options=OPTIONS,
        )
    ]
