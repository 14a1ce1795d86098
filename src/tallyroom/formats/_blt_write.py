"""Writing BLT files (see :mod:`tallyroom.formats.blt` and ``docs/formats/blt.md``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..ballots.marks import BLANK, group_of, overvote_code
from ..ballots.profile import Profile
from ..errors import BallotFileError
from ._common import check_options

__all__ = ["write"]


def _quoted(text: str) -> str:
    if "\n" in text or "\r" in text:
        raise ValueError(f"{text!r} holds a line break")
    if text.startswith('"'):
        raise ValueError(f"{text!r} starts with a quote mark, which BLT readers take as quoting")
    escaped = text.replace('"', '""')
    return f'"{escaped}"'


def _ballot_tokens(profile: Profile, row: Sequence[int], path: Path) -> Iterator[str]:
    for code in row:
        if code >= 0:
            yield str(code + 1)
        elif code == BLANK:
            yield "-"
        elif code <= overvote_code(0):
            yield "=".join(str(i + 1) for i in profile.overvote_groups[group_of(code)])
        else:
            raise BallotFileError(
                path,
                f"BLT cannot record the mark {profile.describe_code(code)!r} "
                "(an overvote of unrecorded candidates, or an uncertain mark)",
            )


def write(profile: Profile, path: Path, options: Mapping[str, Any]) -> None:
    """Write ``profile`` as BLT; ``options["seats"]`` overrides ``profile.seats``.

    Papers are written in file order (consecutive identical papers as one line)
    when the profile keeps paper order, else one line per distinct paper.
    """
    check_options(path, options, {"seats": "number of seats (default: the profile's)"}, "blt")
    seats = options.get("seats", profile.seats)
    if not isinstance(seats, int) or seats < 1:
        raise BallotFileError(path, "BLT needs the number of seats: give the 'seats' option")
    if profile.rejected:
        raise BallotFileError(
            path,
            "BLT has no place for rejected papers; this profile has "
            + ", ".join(f"{n} {k}" for k, n in profile.rejected.items()),
        )
    names = profile.candidates.names
    out: list[str] = [f"{len(names)} {seats}"]
    if profile.withdrawn:
        out.append(" ".join(f"-{i + 1}" for i, c in enumerate(names) if c in profile.withdrawn))
    tie = profile.metadata.get("blt_tie_order")
    if tie:
        out.append("[tie " + " ".join(str(names.index(c) + 1) for c in tie) + "]")
    rows = [tuple(r) for r in profile.ballots.tolist()]
    if profile.paper_order is not None:
        lines: list[tuple[int, int]] = []
        for k in profile.paper_order.tolist():
            if lines and lines[-1][0] == k:
                lines[-1] = (k, lines[-1][1] + 1)
            else:
                lines.append((k, 1))
    else:
        lines = [(k, int(w)) for k, w in enumerate(profile.weights.tolist()) if w > 0]
    for k, weight in lines:
        out.append(" ".join([str(weight), *_ballot_tokens(profile, rows[k], path), "0"]))
    out.append("0")
    try:
        for c in profile.candidates:
            out.append(_quoted(c.name) + (f" {_quoted(c.party)}" if c.party else ""))
        if profile.title is not None:
            out.append(_quoted(profile.title))
    except ValueError as exc:
        raise BallotFileError(path, f"cannot write BLT: {exc}") from None
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
