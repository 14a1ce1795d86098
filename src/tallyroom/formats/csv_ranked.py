"""Ranked-ballot CSV: a row per paper, or per distinct paper with a count column.

Layout (see ``docs/formats.md``)::

    rank1,rank2,rank3,count
    Ash,Birch,,3100
    Cedar,Ash+Birch,,300      <- '+' joins an overvote when overvote_delimiter = "+"

* Preference columns are found by header: ``rank1``, ``choice_2``, ``pref3``,
  ``1``, ``1st``, ``first_choice``, ``second_preference``, … (case and spaces
  ignored); they must run 1..n without gaps. Or name them with the ``columns``
  option: ``{"ranks": [...], "count": "...", "rejected": "..."}``.
* A count column (``count``, ``ballots``, ``weight``, ``votes``, ``n``, ``papers``)
  holds a whole number ≥ 0; without one every row is one paper.
* An optional ``rejected`` column holds a rejection code (``no-official-mark``,
  ``identifying-mark``, ``too-many``, ``unmarked``, ``uncertain``) for papers void
  as adjudicated; those papers are counted as rejected, by reason.
* Cells: a candidate name; blank (or one of :data:`~tallyroom.ballots.marks.BLANK_TOKENS`)
  for no preference; ``overvote`` for an overvote; ``?`` for an uncertain mark.
* Other columns named ``id``, ``ballot_id``, ``precinct``, ``batch``, ``ward`` are
  ignored; any other column is an error (name it in ``columns`` or remove it).

Reading is streamed and vectorised with pyarrow: the file is parsed in blocks,
each block's preference columns are dictionary-encoded and its papers grouped
on a packed integer key as they are read, so memory grows with distinct
rankings, not with papers. On any parse error the file is re-scanned line by
line to name the line and the problem.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ..ballots.candidates import Candidate, CandidateList
from ..ballots.grouping import StreamGrouper
from ..ballots.marks import (
    BLANK,
    BLANK_TOKENS,
    OVERVOTE,
    OVERVOTE_TOKENS,
    UNCERTAIN,
    UNCERTAIN_TOKENS,
    overvote_code,
)
from ..ballots.profile import InputFile, Profile
from ..errors import BallotFileError
from ..registry import FormatSpec
from ._common import check_options, open_binary, open_text, resolve_candidates
from ._csv_blocks import FirstSeen, NotLineWise, blocks, encode_column, reject

__all__ = ["read", "register_ballot_formats", "write"]

OPTIONS = {
    "candidates": "candidate list (names, or from a candidates file): fixes order and rejects unknown names",
    "columns": "explicit column mapping: {ranks: [...], count: NAME, rejected: NAME}",
    "delimiter": "field delimiter (default ',')",
    "overvote_delimiter": "text joining several candidates marked at one position (e.g. '+')",
    "keep_order": "keep the file order of papers (for order-dependent rules)",
    "max_ranks": "at most this many preference columns (SV papers: 2)",
}

_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
}
_RANK_PATTERNS = (
    re.compile(r"^(?:rank|choice|pref|preference|ranking)_?(\d+)$"),
    re.compile(r"^(\d+)(?:st|nd|rd|th)?(?:_?(?:choice|pref|preference|rank))?$"),
)
_ORDINAL_PATTERN = re.compile(r"^([a-z]+)(?:_(?:choice|pref|preference|rank))?$")
_COUNT_NAMES = frozenset(
    {"count", "ballots", "weight", "votes", "n", "papers", "number", "frequency"}
)
_REJECTED_NAMES = frozenset({"rejected"})
_IGNORED_NAMES = frozenset(
    {"id", "ballot_id", "ballotid", "record_id", "precinct", "batch", "ward"}
)


def _normalise(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


def _rank_of(header: str) -> int | None:
    h = _normalise(header)
    for pattern in _RANK_PATTERNS:
        m = pattern.match(h)
        if m:
            return int(m.group(1))
    m = _ORDINAL_PATTERN.match(h)
    if m and m.group(1) in _ORDINALS:
        return _ORDINALS[m.group(1)]
    return None


def _plan_columns(
    path: Path, header: Sequence[str], mapping: Mapping[str, Any] | None
) -> tuple[list[int], int | None, int | None]:
    """Indices of the rank columns (in rank order), the count and the rejected column."""
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        if h in seen:
            raise BallotFileError(path, f"duplicate column {h!r} in the header", line=1)
        seen[h] = i
    if mapping is not None:
        unknown = set(mapping) - {"ranks", "count", "rejected"}
        if unknown:
            raise BallotFileError(
                path,
                f"unknown keys in columns option: {sorted(unknown)}; valid: ranks, count, rejected",
            )

        def col(name: str) -> int:
            if name not in seen:
                raise BallotFileError(path, f"column {name!r} is not in the header", line=1)
            return seen[name]

        ranks = [col(n) for n in mapping.get("ranks", [])]
        if not ranks:
            raise BallotFileError(path, "the columns option names no rank columns")
        count = col(mapping["count"]) if mapping.get("count") else None
        rejected = col(mapping["rejected"]) if mapping.get("rejected") else None
        return ranks, count, rejected
    by_rank: dict[int, int] = {}
    count_col: int | None = None
    rejected_col: int | None = None
    unknown_cols: list[str] = []
    for i, h in enumerate(header):
        norm = _normalise(h)
        r = _rank_of(h)
        if r is not None:
            if r in by_rank:
                raise BallotFileError(path, f"two columns give preference {r}", line=1)
            by_rank[r] = i
        elif norm in _COUNT_NAMES:
            if count_col is not None:
                raise BallotFileError(path, "more than one count column", line=1)
            count_col = i
        elif norm in _REJECTED_NAMES:
            rejected_col = i
        elif norm not in _IGNORED_NAMES:
            unknown_cols.append(h)
    if unknown_cols:
        raise BallotFileError(
            path,
            f"unrecognised column(s) {', '.join(repr(c) for c in unknown_cols)}: name the columns "
            "with the 'columns' option (ranks, count, rejected)",
            line=1,
        )
    if not by_rank:
        raise BallotFileError(
            path,
            "no preference columns found in the header (expected rank1, rank2, … or similar)",
            line=1,
        )
    expected = list(range(1, len(by_rank) + 1))
    if sorted(by_rank) != expected:
        raise BallotFileError(
            path, f"preference columns must run 1..n without gaps; found {sorted(by_rank)}", line=1
        )
    return [by_rank[r] for r in expected], count_col, rejected_col


def _read_header(path: Path, delimiter: str) -> list[str]:
    try:
        with open_binary(path) as f:
            raw = f.readline()
    except (OSError, EOFError) as exc:
        raise BallotFileError(path, f"cannot read: {exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BallotFileError(path, f"not valid UTF-8 text ({exc.reason})", line=1) from exc
    row = next(csv.reader([text.rstrip("\r\n")], delimiter=delimiter), None)
    if row is None or not any(cell.strip() for cell in row):
        raise BallotFileError(path, "the file is empty (no header row)")
    return [c.strip() for c in row]


def _diagnose(path: Path, delimiter: str, width: int, fallback: str) -> BallotFileError:
    """Find the first malformed line with the slow reader, to name it."""
    try:
        with open_text(path, encoding="utf-8") as f:
            reader = csv.reader(f, delimiter=delimiter)
            for row in reader:
                line = reader.line_num
                if len(row) != width:
                    return BallotFileError(
                        path, f"expected {width} fields, found {len(row)}", line=line
                    )
    except UnicodeDecodeError:
        # Locate the undecodable line byte-wise.
        with open_binary(path) as fb:
            for number, raw in enumerate(fb, start=1):
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    return BallotFileError(
                        path,
                        f"not valid UTF-8 text (byte {exc.start + 1} of the line)",
                        line=number,
                    )
    except csv.Error as exc:
        return BallotFileError(path, f"malformed CSV: {exc}")
    return BallotFileError(path, f"malformed CSV: {fallback}")


class _CodeBook:
    """Turns cell texts into mark codes, collecting candidates and overvote groups."""

    def __init__(
        self, path: Path, candidates: CandidateList | None, overvote_delimiter: str | None
    ) -> None:
        self.path = path
        self.fixed = candidates
        self.names: list[str] = list(candidates.names) if candidates is not None else []
        self.index: dict[str, int] = {n: i for i, n in enumerate(self.names)}
        self.groups: dict[tuple[int, ...], int] = {}
        self.delimiter = overvote_delimiter

    def candidate(self, name: str, line: int) -> int:
        i = self.index.get(name)
        if i is None:
            if self.fixed is not None:
                raise BallotFileError(
                    self.path,
                    f"unknown candidate {name!r} (not in the candidate list: "
                    f"{', '.join(self.fixed.names)})",
                    line=line,
                )
            i = len(self.names)
            self.names.append(name)
            self.index[name] = i
        return i

    def code(self, text: str, line: int) -> int:
        t = text.strip()
        low = t.lower()
        if low in BLANK_TOKENS:
            return BLANK
        if low in OVERVOTE_TOKENS:
            return OVERVOTE
        if low in UNCERTAIN_TOKENS:
            return UNCERTAIN
        if self.delimiter and self.delimiter in t:
            members = sorted(
                {self.candidate(p.strip(), line) for p in t.split(self.delimiter) if p.strip()}
            )
            if len(members) == 1:
                return members[0]
            key = tuple(members)
            g = self.groups.setdefault(key, len(self.groups))
            return overvote_code(g)
        return self.candidate(t, line)


_State = tuple[_CodeBook, StreamGrouper, FirstSeen, dict[str, int], list[str]]


def _read_blocks(
    path: Path,
    header: Sequence[str],
    delimiter: str,
    options: Mapping[str, Any],
    *,
    line_wise: bool,
) -> _State:
    """Encode and group every block of the file; the code book, grouped papers,
    first marks of candidates, rejected papers by reason, and the file's SHA-256
    if the reading computed it."""
    rank_cols, count_col, rejected_col = _plan_columns(path, header, options.get("columns"))
    book = _CodeBook(
        path, resolve_candidates(options.get("candidates")), options.get("overvote_delimiter")
    )
    grouper = StreamGrouper(bool(options.get("keep_order", False)))
    first_seen = FirstSeen()
    cache: dict[str, int] = {}
    rejected: dict[str, int] = {}
    sha: list[str] = []
    used = sorted({*rank_cols, *(c for c in (count_col, rejected_col) if c is not None)})
    at = {c: i for i, c in enumerate(used)}
    papers = 0
    for block in blocks(path, header, delimiter, used, line_wise=line_wise, digest=sha.append):
        n = block.n_rows
        papers += block.n_papers
        counts = None
        if count_col is not None:
            counts = _weights(path, block.plain(at[count_col]), block.line)
        weights = counts if counts is not None else np.ones(n, dtype=np.int64)
        if block.mult is not None:
            weights = weights * block.mult
        rows = np.empty((n, len(rank_cols)), dtype=np.int32)
        for j, c in enumerate(rank_cols):
            rows[:, j] = encode_column(block, at[c], book, cache)
        expand = block.expand
        per_paper = None if expand is None or counts is None else counts[expand]
        if rejected_col is not None:
            # Candidates are ordered by first appearance on any paper, void ones too.
            first_seen.update(rows, block.offset, len(book.names))
            valid = reject(path, block, at[rejected_col], weights, rejected)
            if not valid.all():
                rows, weights = rows[valid], weights[valid]
                if expand is not None:
                    kept = valid[expand]
                    expand = (np.cumsum(valid) - 1)[expand[kept]]
                    per_paper = None if per_paper is None else per_paper[kept]
            grouper.add(rows, weights, expand, per_paper, mostly_distinct=line_wise)
        else:
            distinct = grouper.add(rows, weights, expand, per_paper, mostly_distinct=line_wise)
            first_seen.update(distinct, block.offset, len(book.names))
    if papers == 0:
        raise BallotFileError(path, "the file holds a header but no ballots")
    return book, grouper, first_seen, rejected, sha


def read(path: Path, options: Mapping[str, Any]) -> Profile:
    """Read a ranked-ballot CSV into a :class:`Profile`.

    The file is parsed in blocks; each block's preference columns are
    dictionary-encoded (each distinct text coded once) and its papers grouped
    at once, so memory grows with distinct rankings, not with papers.
    """
    check_options(path, options, OPTIONS, "csv")
    delimiter = str(options.get("delimiter", ","))
    header = _read_header(path, delimiter)
    rank_cols, count_col, rejected_col = _plan_columns(path, header, options.get("columns"))
    max_ranks = options.get("max_ranks")
    if max_ranks is not None and len(rank_cols) > int(max_ranks):
        raise BallotFileError(
            path,
            f"{len(rank_cols)} preference columns; this format allows at most {max_ranks}",
            line=1,
        )
    try:
        state = _read_blocks(path, header, delimiter, options, line_wise=True)
    except (NotLineWise, pa.ArrowInvalid, pa.ArrowTypeError):
        # Quoted newlines, or malformed input: read field by field (which names the line).
        state = None
    try:
        if state is None:
            state = _read_blocks(path, header, delimiter, options, line_wise=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise _diagnose(path, delimiter, len(header), str(exc).splitlines()[0]) from exc
    except OSError as exc:
        raise BallotFileError(path, f"cannot read: {exc}") from exc
    book, grouper, first_seen, rejected, sha = state
    rows, weights, order = grouper.result()

    candidates = _ordered_candidates(book, first_seen, options.get("candidates"))
    if candidates.names != tuple(book.names):
        remap = np.array([candidates.index_of(nm) for nm in book.names], dtype=np.int32)
        rows = np.where(rows >= 0, remap[np.clip(rows, 0, None)], rows).astype(np.int32)
        groups = {tuple(sorted(int(remap[i]) for i in g)): k for g, k in book.groups.items()}
    else:
        groups = dict(book.groups)
    # The rows are already distinct, in first-appearance order: what Profile.from_rows
    # would make of them, without grouping them again (trailing blank columns are
    # dropped, and rows of weight 0).
    marked = np.nonzero(np.any(rows != BLANK, axis=0))[0]
    width = int(marked.max()) + 1 if marked.size else 0
    if width < rows.shape[1]:
        rows = rows[:, :width]
    keep = weights > 0
    if not keep.all():
        rows, weights = rows[keep], weights[keep]
        if order is not None:
            order = (np.cumsum(keep) - 1)[order]
    return Profile(
        candidates,
        np.ascontiguousarray(rows, dtype=np.int32),
        weights,
        overvote_groups=tuple(g for g, _ in sorted(groups.items(), key=lambda kv: kv[1])),
        rejected=rejected,
        inputs=(InputFile(path.name, sha[0]) if sha else InputFile.of(path),),
        paper_order=order,
    )


def _ordered_candidates(book: _CodeBook, seen: FirstSeen, given: Any) -> CandidateList:
    """The given candidate list, else candidates in order of first appearance (row, then rank)."""
    fixed = resolve_candidates(given)
    if fixed is not None:
        return fixed
    n_c = len(book.names)
    last = np.iinfo(np.int64).max
    first = [seen.first.get(i, last) for i in range(n_c)]
    for group, _ in book.groups.items():
        for member in group:
            first[member] = min(first[member], last - 1)
    order = sorted(range(n_c), key=lambda i: (first[i], i))
    return CandidateList(Candidate(book.names[i]) for i in order)


def _weights(
    path: Path, column: pa.Array | pa.ChunkedArray, line: Callable[[int], int] = lambda i: i + 2
) -> npt.NDArray[np.int64]:
    """Whole, non-negative paper counts; ``line(i)`` is the file line of row ``i``."""
    text = pc.utf8_trim_whitespace(column)
    try:
        values = pc.cast(text, pa.int64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        for i, v in enumerate(text.to_pylist()):
            try:
                int(v)
            except (TypeError, ValueError):
                kind = (
                    "fractional" if re.fullmatch(r"-?\d*\.\d+", v or "") else "not a whole number"
                )
                raise BallotFileError(
                    path,
                    f"ballot count {v!r} is {kind}: counts are whole numbers of papers",
                    line=line(i),
                ) from None
        raise BallotFileError(path, "unreadable ballot counts") from None
    negative = np.nonzero(values < 0)[0]
    if negative.size:
        i = int(negative[0])
        raise BallotFileError(path, f"negative ballot count {int(values[i])}", line=line(i))
    out: npt.NDArray[np.int64] = values.astype(np.int64)
    return out


def write(profile: Profile, path: Path, options: Mapping[str, Any]) -> None:
    """Write a profile as a ranked-ballot CSV with a count column (one row per distinct paper)."""
    delimiter = "+"
    for c in profile.candidates:
        if delimiter in c.name:
            raise BallotFileError(
                path, f"candidate name {c.name!r} contains '+', which marks overvotes"
            )
    depth = max(profile.depth, 1)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        header = [f"rank{i}" for i in range(1, depth + 1)] + ["count"]
        if profile.rejected:
            header.append("rejected")
        w.writerow(header)
        for texts, weight in profile.rankings():
            cells = list(texts) + [""] * (depth - len(texts))
            row = cells + [str(weight)]
            if profile.rejected:
                row.append("")
            w.writerow(row)
        from ..ballots.defects import Defect

        for reason, n in profile.rejected.items():
            w.writerow([""] * depth + [str(n), Defect(reason).code])


def sniff(path: Path, head: bytes) -> bool:
    first = head.split(b"\n", 1)[0].decode("utf-8-sig", "replace")
    cells = next(csv.reader([first]), [])
    return any(_rank_of(c) is not None for c in cells)


def register_ballot_formats() -> list[FormatSpec]:
    return [
        FormatSpec(
            name="csv",
            title="Ranked-ballot CSV (a row per paper or per distinct paper with a count)",
            extensions=(".csv", ".csv.gz", ".txt"),
            read=read,
            write=write,
            sniff=sniff,
            options=OPTIONS,
        )
    ]
