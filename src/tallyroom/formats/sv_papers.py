"""SV paper records: a row per Supplementary Vote paper (or per identical paper, with a count).

::

    first,second,count,rejected
    Ash,Birch,3100,
    Cedar,Ash+Birch,300,          <- two second preferences: second void, first counts
    ,Ash,120,                     <- no first preference: whole paper rejected
    Ash+Cedar,,80,                <- more than one first preference: rejected
    Birch,,10,no-official-mark    <- adjudicated defect: rejected under that head
    Damson,?,5,                   <- second preference void for uncertainty

Columns ``first`` (column A of the paper) and ``second`` (column B); ``count``
optional; ``rejected`` holds an adjudicated defect code (``no-official-mark``,
``identifying-mark``, ``unmarked``, ``uncertain``, ``too-many``). A cell holds a
candidate name, nothing, ``?`` (a mark void for uncertainty), or names joined by
``+`` (marks for several candidates). How each mark is treated is the SV rules'
business (:mod:`tallyroom.methods.sv`), not the reader's: the reader only records
what is on the paper. It is the ranked CSV reader with these conventions fixed.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..ballots.profile import Profile
from ..errors import BallotFileError
from ..registry import FormatSpec
from . import csv_ranked

__all__ = ["read", "register_ballot_formats"]

OPTIONS = {
    "candidates": csv_ranked.OPTIONS["candidates"],
    "delimiter": csv_ranked.OPTIONS["delimiter"],
    "keep_order": csv_ranked.OPTIONS["keep_order"],
}


def read(path: Path, options: Mapping[str, Any]) -> Profile:
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise BallotFileError(
            path,
            f"unknown option(s) for format 'sv-papers': {', '.join(unknown)}; valid options: "
            + ", ".join(sorted(OPTIONS)),
        )
    return csv_ranked.read(
        path,
        {
            **options,
            "overvote_delimiter": "+",
            "max_ranks": 2,
            "columns": _columns(path, str(options.get("delimiter", ","))),
        },
    )


def _columns(path: Path, delimiter: str) -> dict[str, Any]:
    header = [h.strip().lower() for h in csv_ranked._read_header(path, delimiter)]
    missing = [c for c in ("first", "second") if c not in header]
    if missing:
        raise BallotFileError(
            path, f"SV paper records need columns first and second; missing {missing}", line=1
        )
    extra = [h for h in header if h not in ("first", "second", "count", "rejected")]
    if extra:
        raise BallotFileError(
            path,
            f"unexpected column(s) {extra}; SV paper records have first, second, count, rejected",
            line=1,
        )
    original = csv_ranked._read_header(path, delimiter)
    by_lower = {h.lower(): h for h in original}
    out: dict[str, Any] = {"ranks": [by_lower["first"], by_lower["second"]]}
    if "count" in by_lower:
        out["count"] = by_lower["count"]
    if "rejected" in by_lower:
        out["rejected"] = by_lower["rejected"]
    return out


def sniff(path: Path, head: bytes) -> bool:
    first = head.split(b"\n", 1)[0].decode("utf-8-sig", "replace")
    cells = {c.strip().lower() for c in next(csv.reader([first]), [])}
    return {"first", "second"} <= cells


def register_ballot_formats() -> list[FormatSpec]:
    return [
        FormatSpec(
            name="sv-papers",
            title="Supplementary Vote paper records (first, second, count, rejected)",
            extensions=(".csv",),
            read=read,
            sniff=sniff,
            options=OPTIONS,
        )
    ]
