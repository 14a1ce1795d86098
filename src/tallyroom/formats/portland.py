"""Portland, OR 2024 council ballot files as shipped (MGGG's cleaned CVRs, VoteKit layouts).

* ``Portland_D1_Condensed.csv``: ``Precinct, rank1..rank6``; ``skipped`` = no mark.
  (This one is also read by the generic ``csv`` format.)
* ``Portland_D1_raw_votekit_format.csv``: an unnamed first column (the row index,
  ignored), then ``Rank 1..Rank 6``; empty = no mark, ``overvote`` = an overvoted rank.

A paper per row. Write-ins (``Write-in-120``, ``Uncertified Write In``) are
candidates flagged ``write_in``. ``keep_order=True`` keeps file order.
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

OPTIONS = {"keep_order": "keep the file order of papers"}

_RANK = re.compile(r"^rank\s?(\d+)$", re.IGNORECASE)


def read(path: Path, options: Mapping[str, Any]) -> Profile:
    """Read either Portland layout."""
    check_options(path, options, OPTIONS, "portland-csv")
    keep_order = options.get("keep_order", False)
    if not isinstance(keep_order, bool):
        raise BallotFileError(path, f"option keep_order must be true or false, not {keep_order!r}")
    header = read_header(path)
    ranks = rank_columns(path, header, _RANK)
    for i, h in enumerate(header):
        if i in ranks:
            continue
        if not (h.lower() == "precinct" or (i == 0 and h == "")):
            raise BallotFileError(
                path,
                f"unexpected column {h!r}: a Portland file has Rank columns, and a Precinct "
                "column or an unnamed index column first",
                line=1,
            )
    return read_rank_table(path, header, RankTable(ranks=ranks), keep_order=keep_order)


def sniff(path: Path, head: bytes) -> bool:
    """The VoteKit raw layout: an unnamed index column, then ``Rank 1``, ``Rank 2``, …"""
    first = head.split(b"\n", 1)[0].decode("utf-8-sig", "replace").strip()
    return first.startswith(",Rank 1,")


def register_ballot_formats() -> list[FormatSpec]:
    return [
        FormatSpec(
            name="portland-csv",
            title="Portland OR 2024 ballots as shipped (MGGG condensed or VoteKit raw layout)",
            extensions=(),
            read=read,
            sniff=sniff,
            options=OPTIONS,
        )
    ]
