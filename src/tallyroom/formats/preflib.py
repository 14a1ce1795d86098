"""PrefLib election data: ``.soi``, ``.soc``, ``.toi``, ``.toc`` (read and write).

The 2022 PrefLib format (https://www.preflib.org/format)::

    # FILE NAME: 00005-00000002.toi
    # TITLE: 2009 Burlington Mayoral Election
    # DATA TYPE: toi
    # NUMBER ALTERNATIVES: 6
    # NUMBER VOTERS: 8980
    # NUMBER UNIQUE ORDERS: 384
    # ALTERNATIVE NAME 1: Bob Kiss
    ...
    840: 5
    1: 3,{1,2},4

* Header lines start with ``#``; ``ALTERNATIVE NAME i`` gives the name of
  alternative ``i`` (1-based), which is the candidate order of the profile.
* Each data line is ``count: order``; the order lists alternatives from the most
  preferred, one position each; ``{a,b}`` puts several alternatives at one
  position. PrefLib's US election data derived from cast vote records use such a
  tie for an **overvote** (several candidates marked at one rank), and that is how
  it is read: an overvote group (:func:`~tallyroom.ballots.marks.overvote_code`).
* The data type (``soi`` strict incomplete, ``soc`` strict complete, ``toi`` with
  ties incomplete, ``toc`` with ties complete) is checked: a tie in a strict file,
  or an incomplete order in a complete file, is an error. So are counts that do not
  match ``NUMBER VOTERS`` / ``NUMBER UNIQUE ORDERS``, unknown alternatives and an
  alternative listed twice in one order.

PrefLib cannot hold a skipped rank, an overvote of unrecorded candidates, an
uncertain mark, an empty paper or rejected papers, so :func:`write` refuses
profiles holding any of them instead of dropping them.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..ballots.candidates import Candidate, CandidateList
from ..ballots.marks import BLANK, group_of, overvote_code
from ..ballots.profile import InputFile, Profile
from ..errors import BallotFileError, RuleConfigError
from ..registry import FormatSpec
from ._common import check_options, open_text, resolve_candidates
from ._preflib_plain import plain_orders

__all__ = ["DATA_TYPES", "read", "register_ballot_formats", "sniff", "write"]

#: The PrefLib ordinal data types this module reads and writes.
DATA_TYPES = ("soi", "soc", "toi", "toc")

OPTIONS = {
    "candidates": "candidate list: fixes order and parties; every alternative must be in it",
    "keep_order": "keep the file order of papers (each line's count expanded in place)",
}
WRITE_OPTIONS = {
    "data_type": "soi, soc, toi or toc (default: from the file extension, else toi)",
    "title": "the TITLE header (default: the profile's title)",
}

_HEADER = re.compile(r"#\s*([A-Z][A-Z ]*?)(?:\s+(\d+))?\s*:\s?(.*)$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # as a text file splits lines
_DATA = re.compile(r"\s*(\d+)\s*:\s*(.*?)\s*$")
_ITEM = re.compile(r"\s*(?:\{([^{}]*)\}|([^,{}]*?))\s*(?:,|$)")


class _Header:
    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.names: dict[int, str] = {}


def _parse_header_line(path: Path, number: int, line: str, header: _Header) -> None:
    m = _HEADER.match(line)
    if m is None:
        # A free comment: PrefLib allows nothing else after '#', but tolerate prose.
        return
    key, index, value = m.group(1).strip(), m.group(2), m.group(3).strip()
    if key == "ALTERNATIVE NAME":
        if index is None:
            raise BallotFileError(path, "ALTERNATIVE NAME without a number", line=number)
        i = int(index)
        if i in header.names:
            raise BallotFileError(path, f"alternative {i} is named twice", line=number)
        if not value:
            raise BallotFileError(path, f"alternative {i} has an empty name", line=number)
        header.names[i] = value
    elif index is None:
        header.fields[key] = value


def _header_int(path: Path, header: _Header, key: str) -> int | None:
    text = header.fields.get(key)
    if text is None or text == "":
        return None
    try:
        return int(text)
    except ValueError:
        raise BallotFileError(path, f"# {key}: {text!r} is not a whole number") from None


def _parse_order(
    path: Path, number: int, text: str, n_alts: int, groups: dict[tuple[int, ...], int]
) -> tuple[list[int], bool, int]:
    """Codes of one order, whether it holds a tie, and how many alternatives it ranks."""
    codes: list[int] = []
    seen: set[int] = set()
    tie = False
    pos = 0
    length = len(text)

    def alternative(token: str) -> int:
        t = token.strip()
        if not t.isdigit():
            raise BallotFileError(path, f"{t!r} is not an alternative number", line=number)
        a = int(t)
        if not 1 <= a <= n_alts:
            raise BallotFileError(
                path,
                f"unknown alternative {a} (the file names alternatives 1..{n_alts})",
                line=number,
            )
        if a in seen:
            raise BallotFileError(path, f"alternative {a} appears twice in one order", line=number)
        seen.add(a)
        return a - 1

    if text == "":
        raise BallotFileError(path, "an order ranks no alternative", line=number)
    if text.endswith(","):
        raise BallotFileError(path, "order ends with ','", line=number)
    while pos < length:
        m = _ITEM.match(text, pos)
        if m is None or m.end() == pos:
            raise BallotFileError(path, f"malformed order {text[:60]!r}", line=number)
        if m.group(1) is not None:
            members = tuple(sorted(alternative(t) for t in m.group(1).split(",")))
            if len(members) == 1:
                codes.append(members[0])
            else:
                tie = True
                codes.append(overvote_code(groups.setdefault(members, len(groups))))
        else:
            codes.append(alternative(m.group(2)))
        pos = m.end()
    return codes, tie, len(seen)


def read(path: Path, options: Mapping[str, Any]) -> Profile:
    """Read a PrefLib ordinal file into a :class:`Profile` (ties as overvote groups)."""
    check_options(path, options, OPTIONS, "preflib")
    header = _Header()
    rows: list[list[int]] = []
    weights: list[int] = []
    groups: dict[tuple[int, ...], int] = {}
    data_type: str | None = None
    n_alts = 0
    saw_data = False
    plain: tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]] | None = None
    try:
        with open_text(path) as f:
            lines = _LINE_BREAK.split(f.read())
    except UnicodeDecodeError as exc:
        raise BallotFileError(path, f"not valid UTF-8 text ({exc.reason})") from exc
    except (OSError, EOFError) as exc:
        raise BallotFileError(path, f"cannot read: {exc}") from exc
    while lines and not lines[-1].strip():
        lines.pop()
    for number, line in enumerate(lines, start=1):
        if line.startswith("#"):
            if saw_data:
                raise BallotFileError(path, "a header line after the data", line=number)
            _parse_header_line(path, number, line, header)
            continue
        if not line.strip():
            continue
        if not saw_data:
            saw_data = True
            data_type, n_alts = _check_header(path, header, number)
            plain = plain_orders(lines[number - 1 :], n_alts, data_type in ("soc", "toc"))
            if plain is not None:
                break
        m = _DATA.match(line)
        if m is None:
            raise BallotFileError(
                path, f"expected 'count: order', found {line[:60]!r}", line=number
            )
        codes, tie, ranked = _parse_order(path, number, m.group(2), n_alts, groups)
        if tie and data_type in ("soi", "soc"):
            raise BallotFileError(
                path, f"a tie ('{{…}}') in a strict-order ({data_type}) file", line=number
            )
        if data_type in ("soc", "toc") and ranked != n_alts:
            raise BallotFileError(
                path,
                f"the order ranks {ranked} of {n_alts} alternatives in a complete "
                f"({data_type}) file",
                line=number,
            )
        rows.append(codes)
        weights.append(int(m.group(1)))
    if not saw_data:
        if not header.fields and not header.names:
            raise BallotFileError(path, "not a PrefLib file: no '# ' header lines and no data")
        raise BallotFileError(path, "the file holds a header but no orders")
    if plain is not None:
        matrix, counts = plain
    else:
        counts = np.asarray(weights, dtype=np.int64)
        depth = max(len(r) for r in rows)
        matrix = np.full((len(rows), depth), BLANK, dtype=np.int32)
        for i, r in enumerate(rows):
            matrix[i, : len(r)] = r
    _check_totals(path, header, counts)
    try:
        candidates = CandidateList(Candidate(header.names[i + 1]) for i in range(n_alts))
    except RuleConfigError as exc:
        raise BallotFileError(path, f"alternative names: {exc.problems[0]}") from None
    profile = Profile.from_rows(
        candidates,
        matrix,
        counts,
        keep_order=bool(options.get("keep_order", False)),
        overvote_groups=tuple(g for g, _ in sorted(groups.items(), key=lambda kv: kv[1])),
        inputs=(InputFile.of(path),),
        title=header.fields.get("TITLE") or None,
    )
    given = resolve_candidates(options.get("candidates"))
    if given is not None:
        missing = [n for n in candidates.names if given.get_index(n) is None]
        if missing:
            raise BallotFileError(
                path, f"alternative(s) not in the candidate list: {', '.join(missing)}"
            )
        profile = profile.with_candidates(given)
    return profile


def _check_header(path: Path, header: _Header, number: int) -> tuple[str, int]:
    """Validate the header at the first data line; return (data type, number of alternatives)."""
    if not header.fields and not header.names:
        raise BallotFileError(
            path,
            "not a PrefLib file: data before any '# ' header line (the pre-2022 PrefLib "
            "layout is not read; convert it with preflibtools)",
            line=number,
        )
    declared = header.fields.get("DATA TYPE", "").strip().lower()
    suffix = path.name.lower().removesuffix(".gz").rsplit(".", 1)[-1]
    data_type = declared or suffix
    if data_type not in DATA_TYPES:
        raise BallotFileError(
            path,
            f"data type {data_type!r} is not an ordinal PrefLib type; valid: {', '.join(DATA_TYPES)}",
        )
    n_alts = _header_int(path, header, "NUMBER ALTERNATIVES")
    if n_alts is None:
        n_alts = max(header.names, default=0)
    if n_alts < 1:
        raise BallotFileError(path, "the header names no alternatives")
    missing = [i for i in range(1, n_alts + 1) if i not in header.names]
    extra = [i for i in header.names if not 1 <= i <= n_alts]
    if missing or extra:
        raise BallotFileError(
            path,
            f"NUMBER ALTERNATIVES is {n_alts} but ALTERNATIVE NAME lines "
            + (f"are missing for {missing[:5]}" if missing else f"number {extra[:5]}"),
        )
    return data_type, n_alts


def _check_totals(path: Path, header: _Header, weights: np.ndarray[Any, Any]) -> None:
    voters = _header_int(path, header, "NUMBER VOTERS")
    total = int(weights.sum())
    if voters is not None and voters != total:
        raise BallotFileError(
            path, f"# NUMBER VOTERS is {voters} but the orders' counts add up to {total}"
        )
    unique = _header_int(path, header, "NUMBER UNIQUE ORDERS")
    if unique is not None and unique != len(weights):
        raise BallotFileError(
            path, f"# NUMBER UNIQUE ORDERS is {unique} but the file holds {len(weights)} orders"
        )


# -- writing ---------------------------------------------------------------------------


def _order_text(profile: Profile, row: tuple[int, ...], path: Path) -> tuple[str, bool, int]:
    codes = list(row)
    while codes and codes[-1] == BLANK:
        codes.pop()
    if not codes:
        raise BallotFileError(path, "PrefLib cannot hold a paper with no marks")
    parts: list[str] = []
    seen: set[int] = set()
    tie = False
    for c in codes:
        if c >= 0:
            members: tuple[int, ...] = (c,)
        elif c <= overvote_code(0):
            members = profile.overvote_groups[group_of(c)]
            tie = True
        elif c == BLANK:
            raise BallotFileError(
                path, "PrefLib cannot hold a skipped rank (a blank before a mark)"
            )
        else:
            raise BallotFileError(
                path, f"PrefLib cannot hold the mark {profile.describe_code(c)!r}"
            )
        if seen.intersection(members):
            raise BallotFileError(path, "PrefLib cannot hold a candidate ranked twice on a paper")
        seen.update(members)
        if len(members) == 1:
            parts.append(str(members[0] + 1))
        else:
            parts.append("{" + ",".join(str(m + 1) for m in members) + "}")
    return ",".join(parts), tie, len(seen)


def write(profile: Profile, path: Path, options: Mapping[str, Any]) -> None:
    """Write ``profile`` as a PrefLib file; refuse what PrefLib cannot represent."""
    check_options(path, options, WRITE_OPTIONS, "preflib")
    suffix = path.name.lower().removesuffix(".gz").rsplit(".", 1)[-1]
    data_type = str(options.get("data_type") or (suffix if suffix in DATA_TYPES else "toi"))
    if data_type not in DATA_TYPES:
        raise BallotFileError(
            path, f"unknown PrefLib data type {data_type!r}; valid: {', '.join(DATA_TYPES)}"
        )
    if profile.rejected_total:
        raise BallotFileError(
            path, "PrefLib cannot hold rejected papers; drop them explicitly first"
        )
    for c in profile.candidates:
        if "\n" in c.name or "\r" in c.name:
            raise BallotFileError(path, f"candidate name {c.name!r} holds a line break")
    n = len(profile.candidates)
    lines: list[tuple[int, int, str]] = []
    for k, (row, weight) in enumerate(profile.rows()):
        if weight == 0:
            continue
        text, tie, ranked = _order_text(profile, row, path)
        if tie and data_type in ("soi", "soc"):
            raise BallotFileError(path, f"a {data_type} (strict order) file cannot hold overvotes")
        if data_type in ("soc", "toc") and ranked != n:
            raise BallotFileError(
                path, f"a {data_type} (complete) file needs every candidate ranked"
            )
        lines.append((-weight, k, f"{weight}: {text}"))
    lines.sort()
    title = options.get("title") or profile.title or ""
    head = [
        f"# FILE NAME: {path.name}",
        f"# TITLE: {title}",
        "# DESCRIPTION: ",
        f"# DATA TYPE: {data_type}",
        "# MODIFICATION TYPE: original",
        "# RELATES TO: ",
        "# RELATED FILES: ",
        "# PUBLICATION DATE: ",
        "# MODIFICATION DATE: ",
        f"# NUMBER ALTERNATIVES: {n}",
        f"# NUMBER VOTERS: {-sum(w for w, _, _ in lines)}",
        f"# NUMBER UNIQUE ORDERS: {len(lines)}",
    ]
    head += [f"# ALTERNATIVE NAME {i + 1}: {c.name}" for i, c in enumerate(profile.candidates)]
    body = ("\n".join(head + [t for _, _, t in lines]) + "\n").encode("utf-8")
    if path.name.lower().endswith(".gz"):
        # mtime 0 and no file name in the header: the same profile gives the same bytes.
        body = gzip.compress(body, mtime=0)
    with open(path, "wb") as f:
        f.write(body)


def sniff(path: Path, head: bytes) -> bool:
    """A file whose header declares an ordinal PrefLib data type."""
    text = head.decode("utf-8-sig", "replace")
    m = re.search(r"^# DATA TYPE: *(\w+)", text, flags=re.MULTILINE)
    return m is not None and m.group(1).lower() in DATA_TYPES


def register_ballot_formats() -> list[FormatSpec]:
    return [
        FormatSpec(
            name="preflib",
            title="PrefLib ordinal data (.soi, .soc, .toi, .toc; ties read as overvotes)",
            extensions=tuple(f".{t}" for t in DATA_TYPES) + tuple(f".{t}.gz" for t in DATA_TYPES),
            read=read,
            write=write,
            sniff=sniff,
            options=OPTIONS,
        )
    ]
