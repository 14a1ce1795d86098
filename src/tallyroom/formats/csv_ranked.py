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

Reading is vectorised with pyarrow: each preference column is dictionary-encoded
and identical papers are grouped on a packed integer key, so memory grows with
distinct rankings. On any parse error the file is re-scanned line by line to
name the line and the problem.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..ballots.candidates import Candidate, CandidateList
from ..ballots.defects import parse_defect
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
from ..errors import BallotFileError, RuleConfigError
from ..registry import FormatSpec
from ._common import check_options, open_binary, open_text, resolve_candidates

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


def _read_table(path: Path, header: Sequence[str], delimiter: str) -> pa.Table:
    names = [f"c{i}" for i in range(len(header))]
    try:
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=names, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise _diagnose(path, delimiter, len(header), str(exc).splitlines()[0]) from exc
    except OSError as exc:
        raise BallotFileError(path, f"cannot read: {exc}") from exc


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


def _first_rows(indices: npt.NDArray[np.int32], n_values: int) -> npt.NDArray[np.int64]:
    """For each dictionary value, the first row using it (n_rows if unused)."""
    first = np.full(n_values, np.iinfo(np.int64).max, dtype=np.int64)
    if indices.size:
        values, where = np.unique(indices, return_index=True)
        first[values] = where
    return first


def read(path: Path, options: Mapping[str, Any]) -> Profile:
    """Read a ranked-ballot CSV into a :class:`Profile`."""
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
    table = _read_table(path, header, delimiter)
    n = table.num_rows
    if n == 0:
        raise BallotFileError(path, "the file holds a header but no ballots")
    book = _CodeBook(
        path, resolve_candidates(options.get("candidates")), options.get("overvote_delimiter")
    )

    # Weights.
    if count_col is not None:
        weights = _weights(path, table.column(count_col))
    else:
        weights = np.ones(n, dtype=np.int64)

    # Rejected papers.
    rejected: dict[str, int] = {}
    valid_mask = np.ones(n, dtype=bool)
    if rejected_col is not None:
        col = (
            pc.utf8_trim_whitespace(table.column(rejected_col)).combine_chunks().dictionary_encode()
        )
        idx = col.indices.to_numpy(zero_copy_only=False)
        firsts = _first_rows(idx, len(col.dictionary))
        for k, value in enumerate(col.dictionary.to_pylist()):
            if value == "" or firsts[k] == np.iinfo(np.int64).max:
                continue
            try:
                defect = parse_defect(value)
            except RuleConfigError as exc:
                raise BallotFileError(path, exc.problems[0], line=int(firsts[k]) + 2) from None
            hit = idx == k
            rejected[defect.value] = rejected.get(defect.value, 0) + int(weights[hit].sum())
            valid_mask &= ~hit

    # Preference columns: dictionary-encode, map each distinct text once.
    rows = np.empty((n, len(rank_cols)), dtype=np.int32)
    dict_codes: list[npt.NDArray[np.int32]] = []
    encoded_indices: list[npt.NDArray[np.int32]] = []
    for j, c in enumerate(rank_cols):
        enc = pc.utf8_trim_whitespace(table.column(c)).combine_chunks().dictionary_encode()
        idx = enc.indices.to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
        firsts = _first_rows(idx, len(enc.dictionary))
        codes = np.array(
            [book.code(v, int(firsts[k]) + 2) for k, v in enumerate(enc.dictionary.to_pylist())],
            dtype=np.int32,
        )
        dict_codes.append(codes)
        encoded_indices.append(idx)
        rows[:, j] = codes[idx] if codes.size else BLANK
    del table

    candidates = _ordered_candidates(book, rows, options.get("candidates"))
    if candidates.names != tuple(book.names):
        remap = np.array([candidates.index_of(nm) for nm in book.names], dtype=np.int32)
        rows = np.where(rows >= 0, remap[np.clip(rows, 0, None)], rows).astype(np.int32)
        groups = {tuple(sorted(int(remap[i]) for i in g)): k for g, k in book.groups.items()}
    else:
        groups = dict(book.groups)
    if not np.all(valid_mask):
        rows = rows[valid_mask]
        weights = weights[valid_mask]
    profile = Profile.from_rows(
        candidates,
        rows,
        weights,
        keep_order=bool(options.get("keep_order", False)),
        overvote_groups=tuple(g for g, _ in sorted(groups.items(), key=lambda kv: kv[1])),
        rejected=rejected,
        inputs=(InputFile.of(path),),
    )
    return profile


def _ordered_candidates(book: _CodeBook, rows: npt.NDArray[np.int32], given: Any) -> CandidateList:
    """The given candidate list, else candidates in order of first appearance (row, then rank)."""
    fixed = resolve_candidates(given)
    if fixed is not None:
        return fixed
    n_c = len(book.names)
    first = np.full(n_c, np.iinfo(np.int64).max, dtype=np.int64)
    flat = rows.ravel()
    singles = flat >= 0
    positions = np.nonzero(singles)[0]
    if positions.size:
        vals, where = np.unique(flat[singles], return_index=True)
        first[vals] = positions[where]
    for group, _ in book.groups.items():
        for member in group:
            first[member] = min(first[member], np.iinfo(np.int64).max - 1)
    order = sorted(range(n_c), key=lambda i: (int(first[i]), i))
    return CandidateList(Candidate(book.names[i]) for i in order)


def _weights(path: Path, column: pa.ChunkedArray) -> npt.NDArray[np.int64]:
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
                    line=i + 2,
                ) from None
        raise BallotFileError(path, "unreadable ballot counts") from None
    negative = np.nonzero(values < 0)[0]
    if negative.size:
        i = int(negative[0])
        raise BallotFileError(path, f"negative ballot count {int(values[i])}", line=i + 2)
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
